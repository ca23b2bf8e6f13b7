//! CVSS v3.0 and v3.1 (FIRST, "CVSS v3.0 Specification Document" and "CVSS v3.1 Specification
//! Document", section 7 "CVSS v3.x Equations", section 7.4 metric values, and Appendix A
//! "Floating Point Rounding" of v3.1).

use crate::metrics::{MetricDef, any_defined, parse_components, value_of, write_components};
use crate::{CvssError, Scores, Severity, Version};

const AV: usize = 0;
const AC: usize = 1;
const PR: usize = 2;
const UI: usize = 3;
const S: usize = 4;
const C: usize = 5;
const I: usize = 6;
const A: usize = 7;
const E: usize = 8;
const RL: usize = 9;
const RC: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;
const MAV: usize = 14;
const MAC: usize = 15;
const MPR: usize = 16;
const MUI: usize = 17;
const MS: usize = 18;
const MC: usize = 19;
const MI: usize = 20;
const MA: usize = 21;
const N: usize = 22;

/// v3.x metrics in the specification's canonical order. Optional metrics list `X` first.
/// The value order of each modified metric after `X` matches its base metric.
static DEFS: [MetricDef; N] = [
    MetricDef::base("AV", &["N", "A", "L", "P"]),
    MetricDef::base("AC", &["L", "H"]),
    MetricDef::base("PR", &["N", "L", "H"]),
    MetricDef::base("UI", &["N", "R"]),
    MetricDef::base("S", &["U", "C"]),
    MetricDef::base("C", &["H", "L", "N"]),
    MetricDef::base("I", &["H", "L", "N"]),
    MetricDef::base("A", &["H", "L", "N"]),
    MetricDef::opt("E", &["X", "H", "F", "P", "U"]),
    MetricDef::opt("RL", &["X", "U", "W", "T", "O"]),
    MetricDef::opt("RC", &["X", "C", "R", "U"]),
    MetricDef::opt("CR", &["X", "H", "M", "L"]),
    MetricDef::opt("IR", &["X", "H", "M", "L"]),
    MetricDef::opt("AR", &["X", "H", "M", "L"]),
    MetricDef::opt("MAV", &["X", "N", "A", "L", "P"]),
    MetricDef::opt("MAC", &["X", "L", "H"]),
    MetricDef::opt("MPR", &["X", "N", "L", "H"]),
    MetricDef::opt("MUI", &["X", "N", "R"]),
    MetricDef::opt("MS", &["X", "U", "C"]),
    MetricDef::opt("MC", &["X", "H", "L", "N"]),
    MetricDef::opt("MI", &["X", "H", "L", "N"]),
    MetricDef::opt("MA", &["X", "H", "L", "N"]),
];

// Metric weights (v3.1 specification section 7.4, identical in v3.0).
const W_AV: [f64; 4] = [0.85, 0.62, 0.55, 0.2];
const W_AC: [f64; 2] = [0.77, 0.44];
const W_PR_UNCHANGED: [f64; 3] = [0.85, 0.62, 0.27];
const W_PR_CHANGED: [f64; 3] = [0.85, 0.68, 0.5];
const W_UI: [f64; 2] = [0.85, 0.62];
const W_CIA: [f64; 3] = [0.56, 0.22, 0.0];
const W_E: [f64; 5] = [1.0, 1.0, 0.97, 0.94, 0.91];
const W_RL: [f64; 5] = [1.0, 1.0, 0.97, 0.96, 0.95];
const W_RC: [f64; 4] = [1.0, 1.0, 0.96, 0.92];
const W_REQ: [f64; 4] = [1.0, 1.5, 1.0, 0.5];

/// A parsed CVSS v3.0 or v3.1 vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CvssV3 {
    minor: Version,
    idx: [u8; N],
}

fn w<const K: usize>(table: &[f64; K], i: usize) -> f64 {
    table.get(i).copied().unwrap_or(1.0)
}

/// v3.1 Roundup (specification Appendix A): work on an integer of 1/100000 to avoid
/// floating-point artefacts, then round up to one decimal.
fn roundup_31(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round();
    if int_input % 10_000.0 == 0.0 {
        int_input / 100_000.0
    } else {
        ((int_input / 10_000.0).floor() + 1.0) / 10.0
    }
}

/// v3.0 Roundup: "the smallest number, specified to one decimal place, that is equal to or
/// higher than its input". The reference results are computed in exact decimal arithmetic; in
/// binary floating point the input is first snapped to 1/100000 (as v3.1's Appendix A does) so
/// that e.g. 4.000000000000001 from representation error is not rounded up to 4.1.
fn roundup_30(x: f64) -> f64 {
    let snapped = (x * 100_000.0).round();
    (snapped / 10_000.0).ceil() / 10.0
}

impl CvssV3 {
    pub(crate) fn parse_body(minor: Version, body: &str) -> Result<Self, CvssError> {
        let label = minor.as_str();
        Ok(CvssV3 {
            minor,
            idx: parse_components(body, &DEFS, label, false)?,
        })
    }

    /// `Version::V3_0` or `Version::V3_1`.
    pub fn version(&self) -> Version {
        self.minor
    }

    /// The value of metric `name`; `None` for an unknown metric or an undefined optional one.
    pub fn metric(&self, name: &str) -> Option<&'static str> {
        let pos = DEFS.iter().position(|d| d.name == name)?;
        let def = &DEFS[pos];
        let i = self.idx[pos];
        (def.mandatory || i != 0).then(|| value_of(def, i))
    }

    fn i(&self, m: usize) -> usize {
        usize::from(self.idx[m])
    }

    /// Index (into the base metric's value list) of the effective modified metric: the modified
    /// value when defined, else the base value.
    fn eff(&self, modified: usize, base: usize) -> usize {
        match self.i(modified) {
            0 => self.i(base),
            k => k - 1,
        }
    }

    fn roundup(&self, x: f64) -> f64 {
        match self.minor {
            Version::V3_0 => roundup_30(x),
            _ => roundup_31(x),
        }
    }

    fn temporal_factor(&self) -> f64 {
        w(&W_E, self.i(E)) * w(&W_RL, self.i(RL)) * w(&W_RC, self.i(RC))
    }

    /// Base score (section 7.1).
    pub fn base_score(&self) -> f64 {
        let changed = self.i(S) == 1;
        let iss = 1.0
            - (1.0 - w(&W_CIA, self.i(C)))
                * (1.0 - w(&W_CIA, self.i(I)))
                * (1.0 - w(&W_CIA, self.i(A)));
        let impact = if changed {
            7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
        } else {
            6.42 * iss
        };
        let pr = if changed {
            w(&W_PR_CHANGED, self.i(PR))
        } else {
            w(&W_PR_UNCHANGED, self.i(PR))
        };
        let exploitability =
            8.22 * w(&W_AV, self.i(AV)) * w(&W_AC, self.i(AC)) * pr * w(&W_UI, self.i(UI));
        if impact <= 0.0 {
            0.0
        } else if changed {
            self.roundup((1.08 * (impact + exploitability)).min(10.0))
        } else {
            self.roundup((impact + exploitability).min(10.0))
        }
    }

    /// Temporal score (section 7.2), computed even when no temporal metric is defined (then
    /// equal to the base score).
    pub fn temporal_score(&self) -> f64 {
        self.roundup(self.base_score() * self.temporal_factor())
    }

    /// Environmental score (section 7.3), computed with "Not Defined" defaults for absent
    /// metrics. v3.1 uses `7.52×(MISS−0.029) − 3.25×(MISS×0.9731−0.02)^13` for a changed
    /// modified scope, v3.0 `7.52×(MISS−0.029) − 3.25×(MISS−0.02)^15`.
    pub fn environmental_score(&self) -> f64 {
        let changed = self.eff(MS, S) == 1;
        let miss = (1.0
            - (1.0 - w(&W_CIA, self.eff(MC, C)) * w(&W_REQ, self.i(CR)))
                * (1.0 - w(&W_CIA, self.eff(MI, I)) * w(&W_REQ, self.i(IR)))
                * (1.0 - w(&W_CIA, self.eff(MA, A)) * w(&W_REQ, self.i(AR))))
        .min(0.915);
        let impact = if !changed {
            6.42 * miss
        } else if self.minor == Version::V3_0 {
            7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powi(15)
        } else {
            7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13)
        };
        let pr = if changed {
            w(&W_PR_CHANGED, self.eff(MPR, PR))
        } else {
            w(&W_PR_UNCHANGED, self.eff(MPR, PR))
        };
        let exploitability = 8.22
            * w(&W_AV, self.eff(MAV, AV))
            * w(&W_AC, self.eff(MAC, AC))
            * pr
            * w(&W_UI, self.eff(MUI, UI));
        if impact <= 0.0 {
            return 0.0;
        }
        let modified = if changed {
            self.roundup((1.08 * (impact + exploitability)).min(10.0))
        } else {
            self.roundup((impact + exploitability).min(10.0))
        };
        self.roundup(modified * self.temporal_factor())
    }

    /// Whether any temporal metric (E, RL, RC) is defined (not `X`).
    pub fn has_temporal(&self) -> bool {
        any_defined(&self.idx, E..CR)
    }

    /// Whether any environmental metric (CR, IR, AR, M*) is defined (not `X`).
    pub fn has_environmental(&self) -> bool {
        any_defined(&self.idx, CR..N)
    }

    /// All scores; `temporal`/`environmental` are `None` when no metric of that group is defined.
    pub fn scores(&self) -> Scores {
        let base = self.base_score();
        let temporal = self.has_temporal().then(|| self.temporal_score());
        let environmental = self.has_environmental().then(|| self.environmental_score());
        let score = environmental.or(temporal).unwrap_or(base);
        Scores {
            version: self.minor,
            base,
            temporal,
            environmental,
            score,
            severity: Severity::from_score(score),
        }
    }
}

impl std::fmt::Display for CvssV3 {
    /// `CVSS:3.x/` followed by the defined metrics in canonical order (`X` metrics omitted).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CVSS:{}", self.minor.as_str())?;
        write_components(f, &DEFS, &self.idx, false)
    }
}

#[cfg(test)]
mod tests {
    use super::{roundup_30, roundup_31};

    #[test]
    fn roundup_examples() {
        // Specification examples: Roundup(4.02) = 4.1, Roundup(4.00) = 4.0.
        for f in [roundup_30, roundup_31] {
            assert_eq!(f(4.02), 4.1);
            assert_eq!(f(4.0), 4.0);
            assert_eq!(f(0.0), 0.0);
            assert_eq!(f(9.999_99), 10.0);
            // Binary representation error just above a boundary must not round up.
            assert_eq!(f(4.000_000_000_000_001), 4.0);
            assert_eq!(f(0.1 + 0.2), 0.3);
        }
        assert_eq!(roundup_31(4.000_01), 4.1);
    }
}
