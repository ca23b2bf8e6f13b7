//! zian-cvss — parsing and exact scoring of CVSS v2.0, v3.0, v3.1 and v4.0 vectors.
//!
//! # Model
//!
//! A vector string is parsed into a typed [`Vector`] (one variant per major version); scoring
//! is a pure function of the parsed vector and returns [`Scores`]. Parsing of v2 and v3.x is
//! lenient on metric order (those specifications give a preferred order; producers vary); a v4.0
//! vector must list its metrics in the specification's order (v4.0 section 7: the mandatory base
//! metrics in order, then optional metrics in the specification's order, each at most once).
//! Everything else is strict, rejecting with a precise [`CvssError`]: unknown metric or value,
//! duplicated metric, metric out of order (v4.0), missing mandatory (base) metric, missing or
//! wrong `CVSS:x.y/` prefix, empty components.
//! [`Vector`]'s `Display` re-serialises in canonical order, omitting metrics whose value is
//! "Not Defined" (`X`, or `ND` in v2), so `parse(display(v)) == v`.
//!
//! # Specifications followed
//!
//! * **v2.0** — FIRST "A Complete Guide to the CVSS Version 2.0", section 2 (metrics), 3.2
//!   (equations, one-decimal rounding, `f(Impact) = 0` when Impact is 0), 2.4.1 (vector).
//!   Vectors are accepted in NVD form (`AV:N/AC:L/Au:N/C:P/I:P/A:P`), optionally wrapped in
//!   parentheses and/or with a `CVSS:2.0/` prefix; temporal (`E/RL/RC`) and environmental
//!   (`CDP/TD/CR/IR/AR`) metrics are optional individually. Display uses the NVD form.
//!   Severity follows NVD: Low 0.0–3.9, Medium 4.0–6.9, High 7.0–10.0. The equations are
//!   evaluated in exact decimal arithmetic with `round_to_1_decimal` (half up, i.e. a tie away
//!   from zero) exactly where the guide applies it: BaseScore, TemporalScore, AdjustedBase
//!   (the BaseScore equation on AdjustedImpact), AdjustedTemporal and EnvironmentalScore.
//! * **v3.0 / v3.1** — FIRST CVSS v3.0 and v3.1 Specification Documents, section 7 (equations),
//!   7.4 (metric values), v3.1 Appendix A (integer-based Roundup). v3.0 rounds up to one decimal
//!   ("smallest number, to one decimal place, equal to or higher than its input"); the reference
//!   data is computed in exact decimal arithmetic, so the input is snapped to 1/100000 first to
//!   remove binary floating-point noise (see `v3::roundup_30`). The v3.1 environmental
//!   ModifiedImpact for changed scope uses `(MISS × 0.9731 − 0.02)^13`, v3.0 `(MISS − 0.02)^15`.
//! * **v4.0** — FIRST CVSS v4.0 Specification Document, section 7 (vector string), section 8
//!   (scoring): equivalence sets EQ1–EQ6 give a macro-vector, whose score comes from FIRST's
//!   lookup table of 270 macro-vector scores (embedded in `v4_lookup.rs`, generated from FIRST's
//!   reference data); the score is lowered by the mean proportional severity distance to the next
//!   lower macro-vectors and rounded half up to one decimal. Supplemental metrics are parsed and
//!   re-serialised but never affect the score. Severity: None 0.0, Low 0.1–3.9, Medium 4.0–6.9,
//!   High 7.0–8.9, Critical 9.0–10.0 (same scale as v3).
//!
//! # Mapping of scores to [`Scores`]
//!
//! * v2 and v3: `base`, `temporal` (`Some` iff any temporal metric is defined),
//!   `environmental` (`Some` iff any environmental metric is defined); `score` is the
//!   environmental score if present, else the temporal score if present, else the base score.
//!   The per-version types also offer `temporal_score()`/`environmental_score()` that always
//!   compute the value with "Not Defined" defaults (as the reference test data lists them).
//! * v4: `base` = CVSS-B (base metrics only); `temporal` = CVSS-BT if the threat metric `E` is
//!   defined, else `None`; `environmental` = CVSS-BE/CVSS-BTE (everything given) if any
//!   environmental metric is defined, else `None`; `score` = the score computed with
//!   everything given (CVSS-B, -BT, -BE or -BTE as applicable).
//! * `severity` is the rating of `score`.
//!
//! # Documented deviations
//!
//! * An explicit "Not Defined" value (`X`/`ND`) is accepted and treated exactly like an absent
//!   metric, so it does not make a group "defined" and is dropped on re-serialisation.
//! * v2: the guide's base equation, evaluated with the requirement-adjusted impact for the
//!   environmental score, can go below zero (e.g. AdjustedBase −0.2 for
//!   `AV:L/AC:H/Au:M/C:N/I:P/A:N/IR:L`). The negative AdjustedBase and AdjustedTemporal are
//!   carried into the EnvironmentalScore equation unchanged, as the guide writes it (so
//!   `…/CDP:LM/AR:L` variants score 2.9, not 3.0); only a final score below zero is reported
//!   as 0.0, scores being defined on 0.0–10.0.
//! * Surrounding whitespace is trimmed before parsing.
//! * A bare vector (no prefix) that uses v3-only metrics (`PR`, `UI`, `S`) or v4-only metrics is
//!   rejected with "vector must start with CVSS:3.1/" (or `CVSS:4.0/`) rather than as an unknown
//!   v2 metric.

mod error;
mod metrics;
mod v2;
mod v3;
mod v4;
mod v4_lookup;

pub mod cli;

pub use error::CvssError;
pub use v2::CvssV2;
pub use v3::CvssV3;
pub use v4::CvssV4;

/// A CVSS version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// CVSS v2.0.
    V2,
    /// CVSS v3.0.
    V3_0,
    /// CVSS v3.1.
    V3_1,
    /// CVSS v4.0.
    V4_0,
}

impl Version {
    /// `"2.0"`, `"3.0"`, `"3.1"` or `"4.0"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2 => "2.0",
            Version::V3_0 => "3.0",
            Version::V3_1 => "3.1",
            Version::V4_0 => "4.0",
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Qualitative severity rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// 0.0 (v3/v4 only).
    None,
    /// v3/v4: 0.1–3.9; v2: 0.0–3.9.
    Low,
    /// 4.0–6.9.
    Medium,
    /// v3/v4: 7.0–8.9; v2: 7.0–10.0.
    High,
    /// 9.0–10.0 (v3/v4 only).
    Critical,
}

impl Severity {
    /// Upper-case name as in NVD's `baseSeverity`: `"NONE"` … `"CRITICAL"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "NONE",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// The v3.x / v4.0 rating scale (v3.1 specification section 5, v4.0 section 6).
    pub fn from_score(score: f64) -> Severity {
        if score <= 0.0 {
            Severity::None
        } else if score < 4.0 {
            Severity::Low
        } else if score < 7.0 {
            Severity::Medium
        } else if score < 9.0 {
            Severity::High
        } else {
            Severity::Critical
        }
    }

    /// NVD's v2 rating scale: Low 0.0–3.9, Medium 4.0–6.9, High 7.0–10.0.
    pub fn from_v2_score(score: f64) -> Severity {
        if score < 4.0 {
            Severity::Low
        } else if score < 7.0 {
            Severity::Medium
        } else {
            Severity::High
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scores of one vector; see the crate documentation for what each field means per version.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// The vector's version.
    pub version: Version,
    /// Base score (v4: CVSS-B).
    pub base: f64,
    /// Temporal score (v4: CVSS-BT), if any temporal/threat metric is defined.
    pub temporal: Option<f64>,
    /// Environmental score (v4: CVSS-BE/BTE), if any environmental metric is defined.
    pub environmental: Option<f64>,
    /// The overall score.
    pub score: f64,
    /// Severity rating of `score`.
    pub severity: Severity,
}

/// A parsed CVSS vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vector {
    /// CVSS v2.0.
    V2(CvssV2),
    /// CVSS v3.0 or v3.1.
    V3(CvssV3),
    /// CVSS v4.0.
    V4(CvssV4),
}

/// Metric names that exist only in v3.x, used to diagnose a missing prefix.
const V3_ONLY: [&str; 3] = ["PR", "UI", "S"];
/// Metric names that exist only in v4.0 (or first appear there without a prefix).
const V4_ONLY: [&str; 7] = ["AT", "VC", "VI", "VA", "SC", "SI", "SA"];

impl Vector {
    /// Parses a CVSS vector string of any supported version.
    pub fn parse(s: &str) -> Result<Vector, CvssError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(CvssError::Empty);
        }
        if let Some(rest) = s.strip_prefix("CVSS:") {
            let (ver, body) = rest.split_once('/').unwrap_or((rest, ""));
            return match ver {
                "2.0" => Ok(Vector::V2(CvssV2::parse_body(body)?)),
                "3.0" => Ok(Vector::V3(CvssV3::parse_body(Version::V3_0, body)?)),
                "3.1" => Ok(Vector::V3(CvssV3::parse_body(Version::V3_1, body)?)),
                "4.0" => Ok(Vector::V4(CvssV4::parse_body(body)?)),
                other => Err(CvssError::UnsupportedVersion(format!("CVSS:{other}"))),
            };
        }
        // Bare vector: v2 (NVD form), optionally in parentheses and/or with CVSS:2.0/.
        let body = match (s.strip_prefix('('), s.strip_suffix(')')) {
            (Some(_), Some(_)) if s.len() >= 2 => &s[1..s.len() - 1],
            (None, None) => s,
            _ => return Err(CvssError::UnbalancedParentheses),
        };
        let body = body.strip_prefix("CVSS:2.0/").unwrap_or(body);
        let names = || {
            body.split('/')
                .filter_map(|c| c.split_once(':').map(|p| p.0))
        };
        if names().any(|n| V4_ONLY.contains(&n)) {
            return Err(CvssError::MissingPrefix("CVSS:4.0/"));
        }
        if names().any(|n| V3_ONLY.contains(&n)) {
            return Err(CvssError::MissingPrefix("CVSS:3.1/"));
        }
        Ok(Vector::V2(CvssV2::parse_body(body)?))
    }

    /// Computes all scores of the vector.
    pub fn scores(&self) -> Scores {
        match self {
            Vector::V2(v) => v.scores(),
            Vector::V3(v) => v.scores(),
            Vector::V4(v) => v.scores(),
        }
    }

    /// The vector's CVSS version.
    pub fn version(&self) -> Version {
        match self {
            Vector::V2(_) => Version::V2,
            Vector::V3(v) => v.version(),
            Vector::V4(_) => Version::V4_0,
        }
    }
}

impl std::str::FromStr for Vector {
    type Err = CvssError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vector::parse(s)
    }
}

impl std::fmt::Display for Vector {
    /// Canonical form: v2 without prefix (NVD form), v3/v4 with `CVSS:x.y/`; metrics in
    /// specification order; "Not Defined" metrics omitted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Vector::V2(v) => v.fmt(f),
            Vector::V3(v) => v.fmt(f),
            Vector::V4(v) => v.fmt(f),
        }
    }
}

/// Parses `s` and computes its scores.
///
/// ```
/// use zian_cvss::{Severity, Version, score_vector};
///
/// let s = score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
/// assert_eq!((s.version, s.base, s.score, s.severity), (Version::V3_1, 9.8, 9.8, Severity::Critical));
/// assert_eq!(s.temporal, None);
///
/// let err = score_vector("CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
/// assert_eq!(err.to_string(), "missing mandatory metric PR");
/// ```
pub fn score_vector(s: &str) -> Result<Scores, CvssError> {
    Vector::parse(s).map(|v| v.scores())
}
