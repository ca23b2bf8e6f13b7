//! CVSS v2.0 (FIRST, "A Complete Guide to the Common Vulnerability Scoring System Version 2.0",
//! section 3.2 equations; metric values from section 3.2.1–3.2.3).

use crate::metrics::{MetricDef, any_defined, parse_components, value_of, write_components};
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

/// Numeric weights in thousandths, index-aligned with `DEFS[..].values` (guide section 3.2).
/// Every weight of the guide has at most three decimals, so these are exact.
static WEIGHTS: [&[i128]; N] = [
    &[395, 646, 1000],
    &[350, 610, 710],
    &[450, 560, 704],
    &[0, 275, 660],
    &[0, 275, 660],
    &[0, 275, 660],
    &[1000, 850, 900, 950, 1000],
    &[1000, 870, 900, 950, 1000],
    &[1000, 900, 950, 1000],
    &[0, 0, 100, 300, 400, 500],
    &[1000, 0, 250, 750, 1000],
    &[1000, 500, 1000, 1510],
    &[1000, 500, 1000, 1510],
    &[1000, 500, 1000, 1510],
];

/// An exact decimal number `m / 10^s`.
///
/// The guide's equations are decimal: evaluated in binary floating point, an intermediate that
/// is exactly a tie such as `x.x5` can land a few ULPs below it and round the wrong way. All v2
/// arithmetic is therefore exact; the largest intermediate (AdjustedBase before rounding) has at
/// most 27 decimals and a magnitude below 20, far inside `i128`.
#[derive(Debug, Clone, Copy)]
struct Dec {
    m: i128,
    s: u32,
}

impl Dec {
    /// `m` thousandths.
    const fn milli(m: i128) -> Dec {
        Dec { m, s: 3 }
    }

    const fn int(m: i128) -> Dec {
        Dec { m, s: 0 }
    }

    /// Drops trailing zero decimals (keeps the scale small; the value is unchanged).
    fn norm(mut self) -> Dec {
        while self.s > 0 && self.m % 10 == 0 {
            self.m /= 10;
            self.s -= 1;
        }
        self
    }

    /// The mantissa at scale `s` (`s >= self.s`).
    fn at(self, s: u32) -> i128 {
        self.m * 10i128.pow(s.saturating_sub(self.s))
    }

    fn mul(self, o: Dec) -> Dec {
        Dec {
            m: self.m * o.m,
            s: self.s + o.s,
        }
        .norm()
    }

    fn add(self, o: Dec) -> Dec {
        let s = self.s.max(o.s);
        Dec {
            m: self.at(s) + o.at(s),
            s,
        }
        .norm()
    }

    fn sub(self, o: Dec) -> Dec {
        self.add(Dec { m: -o.m, s: o.s })
    }

    fn min(self, o: Dec) -> Dec {
        let s = self.s.max(o.s);
        if self.at(s) <= o.at(s) { self } else { o }
    }

    fn max(self, o: Dec) -> Dec {
        let s = self.s.max(o.s);
        if self.at(s) >= o.at(s) { self } else { o }
    }

    fn is_zero(self) -> bool {
        self.m == 0
    }

    /// The guide's `round_to_1_decimal`: to one decimal, a tie rounded away from zero
    /// (half up in magnitude; only the unrounded AdjustedBase can be negative).
    fn round1(self) -> Dec {
        if self.s <= 1 {
            return Dec {
                m: self.at(1),
                s: 1,
            };
        }
        let unit = 10i128.pow(self.s - 1);
        let (q, r) = (self.m / unit, self.m % unit);
        let q = if 2 * r.abs() >= unit {
            q + self.m.signum()
        } else {
            q
        };
        Dec { m: q, s: 1 }
    }

    /// The nearest `f64` (exact for the one-decimal scores this is used on); never `-0.0`.
    fn to_f64(self) -> f64 {
        let v = self.round1();
        // One-decimal scores are at most a few hundred tenths: exact in f64.
        let tenths = i32::try_from(v.m).unwrap_or(0);
        f64::from(tenths) / 10.0 + 0.0
    }
}

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
            idx: parse_components(body, &DEFS, "2.0", false)?,
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

    fn w(&self, m: usize) -> Dec {
        Dec::milli(
            WEIGHTS[m]
                .get(usize::from(self.idx[m]))
                .copied()
                .unwrap_or(1000),
        )
    }

    /// Impact = 10.41 × (1 − (1 − ConfImpact) × (1 − IntegImpact) × (1 − AvailImpact)).
    fn impact(&self) -> Dec {
        let one = Dec::int(1);
        let untouched = one
            .sub(self.w(C))
            .mul(one.sub(self.w(I)))
            .mul(one.sub(self.w(A)));
        Dec::milli(10_410).mul(one.sub(untouched))
    }

    /// AdjustedImpact = min(10, 10.41 × (1 − (1 − ConfImpact × ConfReq) × (1 − IntegImpact ×
    /// IntegReq) × (1 − AvailImpact × AvailReq))).
    fn adjusted_impact(&self) -> Dec {
        let one = Dec::int(1);
        let untouched = one
            .sub(self.w(C).mul(self.w(CR)))
            .mul(one.sub(self.w(I).mul(self.w(IR))))
            .mul(one.sub(self.w(A).mul(self.w(AR))));
        Dec::milli(10_410).mul(one.sub(untouched)).min(Dec::int(10))
    }

    /// round_to_1_decimal(((0.6 × Impact) + (0.4 × Exploitability) − 1.5) × f(Impact)), with
    /// Exploitability = 20 × AccessVector × AccessComplexity × Authentication and f(Impact) = 0
    /// if Impact = 0, else 1.176. Not clamped: with the requirement-adjusted impact the value can
    /// be negative (AdjustedBase), and the guide carries it into AdjustedTemporal and the
    /// EnvironmentalScore as it is.
    fn base_with_impact(&self, impact: Dec) -> Dec {
        let exploitability = Dec::int(20).mul(self.w(AV)).mul(self.w(AC)).mul(self.w(AU));
        let f = if impact.is_zero() {
            Dec::int(0)
        } else {
            Dec::milli(1176)
        };
        Dec::milli(600)
            .mul(impact)
            .add(Dec::milli(400).mul(exploitability))
            .sub(Dec::milli(1500))
            .mul(f)
            .round1()
    }

    /// round_to_1_decimal(BaseScore × Exploitability × RemediationLevel × ReportConfidence).
    fn temporal_of(&self, base: Dec) -> Dec {
        base.mul(self.w(E)).mul(self.w(RL)).mul(self.w(RC)).round1()
    }

    /// BaseScore (guide section 3.2.1).
    pub fn base_score(&self) -> f64 {
        self.base_with_impact(self.impact())
            .max(Dec::int(0))
            .to_f64()
    }

    /// TemporalScore (section 3.2.2), computed even when no temporal metric is defined
    /// (then equal to the base score).
    pub fn temporal_score(&self) -> f64 {
        self.temporal_of(self.base_with_impact(self.impact()).max(Dec::int(0)))
            .max(Dec::int(0))
            .to_f64()
    }

    /// EnvironmentalScore (section 3.2.3), computed with "Not Defined" defaults for absent
    /// metrics (TD:ND = 1.0, CDP:ND = 0, requirements 1.0):
    ///
    /// round_to_1_decimal((AdjustedTemporal + (10 − AdjustedTemporal) × CollateralDamagePotential)
    /// × TargetDistribution), where AdjustedTemporal is the TemporalScore recomputed with the
    /// BaseScore's Impact replaced by AdjustedImpact. AdjustedBase and AdjustedTemporal are
    /// rounded as the guide rounds them and may be negative; only the final score is held at
    /// 0.0 (scores are defined on 0.0–10.0).
    pub fn environmental_score(&self) -> f64 {
        let adjusted_temporal = self.temporal_of(self.base_with_impact(self.adjusted_impact()));
        let ten = Dec::int(10);
        adjusted_temporal
            .add(ten.sub(adjusted_temporal).mul(self.w(CDP)))
            .mul(self.w(TD))
            .round1()
            .max(Dec::int(0))
            .to_f64()
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
