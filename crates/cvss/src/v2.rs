//! CVSS v2.0 (FIRST, "A Complete Guide to the Common Vulnerability Scoring System Version 2.0",
//! section 3.2 equations; metric values from section 3.2.1–3.2.3).

use crate::metrics::{
    MetricDef, any_defined, parse_components, round1_half_up, value_of, write_components,
};
use crate::{CvssError, Scores, Severity, Version};

const AV: usize = 0;
const AC: usize = 1;
const AU: usize = 2;
const C: usize = 3;
const I: usize = 4;
const A: usize = 5;
const E: usize = 6;
const RL: usize = 7;
const RC: usize = 8;
const CDP: usize = 9;
const TD: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;

/// Number of v2 metrics (base, temporal, environmental).
const N: usize = 14;

/// v2 metrics in the guide's canonical order. Optional metrics list `ND` first.
static DEFS: [MetricDef; N] = [
    MetricDef::base("AV", &["L", "A", "N"]),
    MetricDef::base("AC", &["H", "M", "L"]),
    MetricDef::base("Au", &["M", "S", "N"]),
    MetricDef::base("C", &["N", "P", "C"]),
    MetricDef::base("I", &["N", "P", "C"]),
    MetricDef::base("A", &["N", "P", "C"]),
    MetricDef::opt("E", &["ND", "U", "POC", "F", "H"]),
    MetricDef::opt("RL", &["ND", "OF", "TF", "W", "U"]),
    MetricDef::opt("RC", &["ND", "UC", "UR", "C"]),
    MetricDef::opt("CDP", &["ND", "N", "L", "LM", "MH", "H"]),
    MetricDef::opt("TD", &["ND", "N", "L", "M", "H"]),
    MetricDef::opt("CR", &["ND", "L", "M", "H"]),
    MetricDef::opt("IR", &["ND", "L", "M", "H"]),
    MetricDef::opt("AR", &["ND", "L", "M", "H"]),
];

/// Numeric weights, index-aligned with `DEFS[..].values` (guide section 3.2).
static WEIGHTS: [&[f64]; N] = [
    &[0.395, 0.646, 1.0],
    &[0.35, 0.61, 0.71],
    &[0.45, 0.56, 0.704],
    &[0.0, 0.275, 0.660],
    &[0.0, 0.275, 0.660],
    &[0.0, 0.275, 0.660],
    &[1.0, 0.85, 0.9, 0.95, 1.0],
    &[1.0, 0.87, 0.90, 0.95, 1.0],
    &[1.0, 0.90, 0.95, 1.0],
    &[0.0, 0.0, 0.1, 0.3, 0.4, 0.5],
    &[1.0, 0.0, 0.25, 0.75, 1.0],
    &[1.0, 0.5, 1.0, 1.51],
    &[1.0, 0.5, 1.0, 1.51],
    &[1.0, 0.5, 1.0, 1.51],
];

/// A parsed CVSS v2.0 vector (base metrics mandatory; temporal and environmental optional, each
/// metric individually, as NVD and common tools emit partial groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CvssV2 {
    idx: [u8; N],
}

impl CvssV2 {
    /// Parses the metric part of a v2 vector (no prefix, no parentheses).
    pub(crate) fn parse_body(body: &str) -> Result<Self, CvssError> {
        Ok(CvssV2 {
            idx: parse_components(body, &DEFS, "2.0")?,
        })
    }

    /// The value of metric `name` (e.g. `"AV"` → `"N"`); `None` for an unknown metric or an
    /// optional metric that is not defined.
    pub fn metric(&self, name: &str) -> Option<&'static str> {
        let pos = DEFS.iter().position(|d| d.name == name)?;
        let def = &DEFS[pos];
        let i = self.idx[pos];
        (def.mandatory || i != 0).then(|| value_of(def, i))
    }

    fn w(&self, m: usize) -> f64 {
        WEIGHTS[m]
            .get(usize::from(self.idx[m]))
            .copied()
            .unwrap_or(1.0)
    }

    fn impact(&self) -> f64 {
        10.41 * (1.0 - (1.0 - self.w(C)) * (1.0 - self.w(I)) * (1.0 - self.w(A)))
    }

    fn adjusted_impact(&self) -> f64 {
        let ci = 1.0
            - (1.0 - self.w(C) * self.w(CR))
                * (1.0 - self.w(I) * self.w(IR))
                * (1.0 - self.w(A) * self.w(AR));
        (10.41 * ci).min(10.0)
    }

    fn base_with_impact(&self, impact: f64) -> f64 {
        let exploitability = 20.0 * self.w(AV) * self.w(AC) * self.w(AU);
        let f = if impact == 0.0 { 0.0 } else { 1.176 };
        // The guide's equation goes negative for a tiny (requirement-adjusted) impact with low
        // exploitability, e.g. `AV:L/AC:H/Au:M/C:N/I:P/A:N/IR:L` gives −0.17 for AdjustedBase;
        // scores are defined on 0.0–10.0, so the result is clamped at 0.0.
        round1_half_up(((0.6 * impact + 0.4 * exploitability - 1.5) * f).max(0.0))
    }

    fn temporal_of(&self, base: f64) -> f64 {
        round1_half_up(base * self.w(E) * self.w(RL) * self.w(RC))
    }

    /// BaseScore (guide section 3.2.1).
    pub fn base_score(&self) -> f64 {
        self.base_with_impact(self.impact())
    }

    /// TemporalScore (section 3.2.2), computed even when no temporal metric is defined
    /// (then equal to the base score).
    pub fn temporal_score(&self) -> f64 {
        self.temporal_of(self.base_score())
    }

    /// EnvironmentalScore (section 3.2.3), computed with "Not Defined" defaults for absent
    /// metrics (TD:ND = 1.0, CDP:ND = 0, requirements 1.0).
    pub fn environmental_score(&self) -> f64 {
        let adjusted_temporal = self.temporal_of(self.base_with_impact(self.adjusted_impact()));
        round1_half_up((adjusted_temporal + (10.0 - adjusted_temporal) * self.w(CDP)) * self.w(TD))
    }

    /// Whether any temporal metric (E, RL, RC) is defined.
    pub fn has_temporal(&self) -> bool {
        any_defined(&self.idx, E..CDP)
    }

    /// Whether any environmental metric (CDP, TD, CR, IR, AR) is defined.
    pub fn has_environmental(&self) -> bool {
        any_defined(&self.idx, CDP..N)
    }

    /// All scores; `temporal`/`environmental` are `None` when no metric of that group is defined.
    pub fn scores(&self) -> Scores {
        let base = self.base_score();
        let temporal = self.has_temporal().then(|| self.temporal_score());
        let environmental = self.has_environmental().then(|| self.environmental_score());
        let score = environmental.or(temporal).unwrap_or(base);
        Scores {
            version: Version::V2,
            base,
            temporal,
            environmental,
            score,
            severity: Severity::from_v2_score(score),
        }
    }
}

impl std::fmt::Display for CvssV2 {
    /// NVD form: no prefix, no parentheses, canonical order, `ND` metrics omitted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_components(f, &DEFS, &self.idx, true)
    }
}
