//! CVSS v4.0 (FIRST, "Common Vulnerability Scoring System Version 4.0 Specification Document",
//! section 7 "Vector String", section 8 "CVSS v4.0 Scoring": equivalence sets EQ1–EQ6,
//! macro-vector lookup, severity-distance interpolation).

use crate::metrics::{
    MetricDef, any_defined, parse_components, round1_half_up, value_of, write_components,
};
use crate::v4_lookup::MACRO_SCORES;
use crate::{CvssError, Scores, Severity, Version};

const AV: usize = 0;
const AC: usize = 1;
const AT: usize = 2;
const PR: usize = 3;
const UI: usize = 4;
const VC: usize = 5;
const VI: usize = 6;
const VA: usize = 7;
const SC: usize = 8;
const SI: usize = 9;
const SA: usize = 10;
const E: usize = 11;
const CR: usize = 12;
const IR: usize = 13;
const AR: usize = 14;
const MAV: usize = 15;
// MAC … MSA follow MAV in the same order as AC … SA (see `modified_of`).
const S_SAFETY: usize = 26;
const N: usize = 32;

/// v4.0 metrics in the specification's canonical order (section 7). Optional metrics list `X`
/// first; each modified metric lists the base metric's values after `X` (plus `S` for MSI/MSA).
static DEFS: [MetricDef; N] = [
    MetricDef::base("AV", &["N", "A", "L", "P"]),
    MetricDef::base("AC", &["L", "H"]),
    MetricDef::base("AT", &["N", "P"]),
    MetricDef::base("PR", &["N", "L", "H"]),
    MetricDef::base("UI", &["N", "P", "A"]),
    MetricDef::base("VC", &["H", "L", "N"]),
    MetricDef::base("VI", &["H", "L", "N"]),
    MetricDef::base("VA", &["H", "L", "N"]),
    MetricDef::base("SC", &["H", "L", "N"]),
    MetricDef::base("SI", &["H", "L", "N"]),
    MetricDef::base("SA", &["H", "L", "N"]),
    MetricDef::opt("E", &["X", "A", "P", "U"]),
    MetricDef::opt("CR", &["X", "H", "M", "L"]),
    MetricDef::opt("IR", &["X", "H", "M", "L"]),
    MetricDef::opt("AR", &["X", "H", "M", "L"]),
    MetricDef::opt("MAV", &["X", "N", "A", "L", "P"]),
    MetricDef::opt("MAC", &["X", "L", "H"]),
    MetricDef::opt("MAT", &["X", "N", "P"]),
    MetricDef::opt("MPR", &["X", "N", "L", "H"]),
    MetricDef::opt("MUI", &["X", "N", "P", "A"]),
    MetricDef::opt("MVC", &["X", "H", "L", "N"]),
    MetricDef::opt("MVI", &["X", "H", "L", "N"]),
    MetricDef::opt("MVA", &["X", "H", "L", "N"]),
    MetricDef::opt("MSC", &["X", "H", "L", "N"]),
    MetricDef::opt("MSI", &["X", "H", "L", "N", "S"]),
    MetricDef::opt("MSA", &["X", "H", "L", "N", "S"]),
    // Supplemental metrics (section 5): carried and re-serialised, never scored.
    MetricDef::opt("S", &["X", "N", "P"]),
    MetricDef::opt("AU", &["X", "N", "Y"]),
    MetricDef::opt("R", &["X", "A", "U", "I"]),
    MetricDef::opt("V", &["X", "D", "C"]),
    MetricDef::opt("RE", &["X", "L", "M", "H"]),
    MetricDef::opt("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

/// Which metric groups take part in a computation (section 8.1 "CVSS Nomenclature").
#[derive(Debug, Clone, Copy)]
struct Use {
    threat: bool,
    env: bool,
}

/// A parsed CVSS v4.0 vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CvssV4 {
    idx: [u8; N],
}

/// Effective metric values as severity "levels" in tenths (section 8.2, "severity distances"):
/// 0 is the most severe value of the metric.
#[derive(Debug, Clone, Copy)]
struct Eff {
    av: u8,
    ac: u8,
    at: u8,
    pr: u8,
    ui: u8,
    vc: u8,
    vi: u8,
    va: u8,
    /// SC/SI/SA: S=0, H=1, L=2, N=3.
    sc: u8,
    si: u8,
    sa: u8,
    /// E: A=0, P=1, U=2 (X counts as A).
    e: u8,
    /// CR/IR/AR: H=0, M=1, L=2 (X counts as H).
    cr: u8,
    ir: u8,
    ar: u8,
}

/// Highest-severity vectors of each EQ level (section 8.2; facts published with the
/// specification's reference calculator), in the order the reference calculator composes them.
/// EQ1: (AV, PR, UI).
const MAX_EQ1: [&[[u8; 3]]; 3] = [
    &[[0, 0, 0]],
    &[[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    &[[3, 0, 0], [1, 1, 1]],
];
/// EQ2: (AC, AT).
const MAX_EQ2: [&[[u8; 2]]; 2] = [&[[0, 0]], &[[1, 0], [0, 1]]];
/// EQ3+EQ6, indexed [eq3][eq6]: (VC, VI, VA, CR, IR, AR).
const MAX_EQ3EQ6: [[&[[u8; 6]]; 2]; 3] = [
    [
        &[[0, 0, 0, 0, 0, 0]],
        &[[0, 0, 1, 1, 1, 0], [0, 0, 0, 1, 1, 1]],
    ],
    [
        &[[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]],
        &[
            [1, 0, 1, 0, 1, 0],
            [1, 0, 0, 0, 1, 1],
            [0, 1, 0, 1, 0, 1],
            [0, 1, 1, 1, 0, 0],
            [1, 1, 0, 0, 0, 1],
        ],
    ],
    [&[], &[[1, 1, 1, 0, 0, 0]]],
];
/// EQ4: (SC, SI, SA) with S=0, H=1, L=2, N=3.
const MAX_EQ4: [[u8; 3]; 3] = [[1, 0, 0], [1, 1, 1], [2, 2, 2]];

/// Depth of each EQ level in tenths ("maximal severity distance", section 8.2).
const DEPTH_EQ1: [u8; 3] = [1, 4, 5];
const DEPTH_EQ2: [u8; 2] = [1, 2];
const DEPTH_EQ3EQ6: [[u8; 2]; 3] = [[7, 6], [8, 8], [0, 10]];
const DEPTH_EQ4: [u8; 3] = [6, 5, 4];

fn lookup(mv: [u8; 6]) -> Option<f64> {
    MACRO_SCORES
        .binary_search_by(|(k, _)| k.cmp(&mv))
        .ok()
        .and_then(|p| MACRO_SCORES.get(p))
        .map(|(_, s)| *s)
}

/// Signed difference `a - b` of two levels.
fn d(a: u8, b: u8) -> i32 {
    i32::from(a) - i32::from(b)
}

impl CvssV4 {
    pub(crate) fn parse_body(body: &str) -> Result<Self, CvssError> {
        Ok(CvssV4 {
            idx: parse_components(body, &DEFS, "4.0", true)?,
        })
    }

    /// The value of metric `name`; `None` for an unknown metric or an undefined optional one.
    pub fn metric(&self, name: &str) -> Option<&'static str> {
        let pos = DEFS.iter().position(|d| d.name == name)?;
        let def = &DEFS[pos];
        let i = self.idx[pos];
        (def.mandatory || i != 0).then(|| value_of(def, i))
    }

    /// Whether the threat metric E is defined.
    pub fn has_threat(&self) -> bool {
        self.idx[E] != 0
    }

    /// Whether any environmental metric (CR, IR, AR, M*) is defined.
    pub fn has_environmental(&self) -> bool {
        any_defined(&self.idx, CR..S_SAFETY)
    }

    /// Whether any supplemental metric (S, AU, R, V, RE, U) is defined.
    pub fn has_supplemental(&self) -> bool {
        any_defined(&self.idx, S_SAFETY..N)
    }

    /// Effective base metric `base` (index in AV..SA), overridden by its modified metric when
    /// environmental metrics are in use. Returns the index into the base metric's values, or 3
    /// for a Safety (`S`) modified value of MSI/MSA.
    fn modified_of(&self, base: usize, u: Use) -> u8 {
        let m = self.idx[base + (MAV - AV)];
        if u.env && m != 0 {
            m - 1
        } else {
            self.idx[base]
        }
    }

    fn effective(&self, u: Use) -> Eff {
        // SC/SI/SA level: base index H=0,L=1,N=2 → 1,2,3; MSI/MSA `S` (index 3 after X) → 0.
        let sub = |base: usize| match self.modified_of(base, u) {
            3 => 0,
            k => k + 1,
        };
        let opt = |m: usize, on: bool| if on { self.idx[m].saturating_sub(1) } else { 0 };
        Eff {
            av: self.modified_of(AV, u),
            ac: self.modified_of(AC, u),
            at: self.modified_of(AT, u),
            pr: self.modified_of(PR, u),
            ui: self.modified_of(UI, u),
            vc: self.modified_of(VC, u),
            vi: self.modified_of(VI, u),
            va: self.modified_of(VA, u),
            sc: sub(SC),
            si: sub(SI),
            sa: sub(SA),
            e: opt(E, u.threat),
            cr: opt(CR, u.env),
            ir: opt(IR, u.env),
            ar: opt(AR, u.env),
        }
    }

    /// The macro-vector `[EQ1, …, EQ6]` of this vector with every metric group in use
    /// (section 8.1, table of equivalence sets).
    pub fn macro_vector(&self) -> [u8; 6] {
        macro_vector(&self.effective(Use {
            threat: true,
            env: true,
        }))
    }

    fn score_with(&self, u: Use) -> f64 {
        score_eff(&self.effective(u))
    }

    /// CVSS-B: base metrics only (threat and environmental metrics ignored).
    pub fn base_score(&self) -> f64 {
        self.score_with(Use {
            threat: false,
            env: false,
        })
    }

    /// CVSS-BT: base and threat metrics.
    pub fn base_threat_score(&self) -> f64 {
        self.score_with(Use {
            threat: true,
            env: false,
        })
    }

    /// CVSS-BE or CVSS-BTE: every metric given (the overall score).
    pub fn full_score(&self) -> f64 {
        self.score_with(Use {
            threat: true,
            env: true,
        })
    }

    /// All scores, mapped as documented at the crate root: `base` = CVSS-B, `temporal` =
    /// CVSS-BT if E is defined, `environmental` = CVSS-BE/BTE if any environmental metric is
    /// defined, `score` = the score with everything given.
    pub fn scores(&self) -> Scores {
        let base = self.base_score();
        let temporal = self.has_threat().then(|| self.base_threat_score());
        let score = self.full_score();
        let environmental = self.has_environmental().then_some(score);
        Scores {
            version: Version::V4_0,
            base,
            temporal,
            environmental,
            score,
            severity: Severity::from_score(score),
        }
    }
}

fn macro_vector(x: &Eff) -> [u8; 6] {
    // EQ1 (AV/PR/UI): 0 = all N; 1 = some N, not AV:P; 2 = AV:P or none N.
    let eq1 = if x.av == 0 && x.pr == 0 && x.ui == 0 {
        0
    } else if (x.av == 0 || x.pr == 0 || x.ui == 0) && x.av != 3 {
        1
    } else {
        2
    };
    // EQ2 (AC/AT): 0 = AC:L and AT:N.
    let eq2 = u8::from(!(x.ac == 0 && x.at == 0));
    // EQ3 (VC/VI/VA): 0 = VC:H and VI:H; 1 = some H; 2 = no H.
    let eq3 = if x.vc == 0 && x.vi == 0 {
        0
    } else if x.vc == 0 || x.vi == 0 || x.va == 0 {
        1
    } else {
        2
    };
    // EQ4: 0 = MSI:S or MSA:S; 1 = some of SC/SI/SA H; 2 otherwise.
    let eq4 = if x.si == 0 || x.sa == 0 {
        0
    } else if x.sc == 1 || x.si == 1 || x.sa == 1 {
        1
    } else {
        2
    };
    // EQ5 (E): A/P/U.
    let eq5 = x.e;
    // EQ6: 0 = (CR:H and VC:H) or (IR:H and VI:H) or (AR:H and VA:H).
    let eq6 = u8::from(
        !((x.cr == 0 && x.vc == 0) || (x.ir == 0 && x.vi == 0) || (x.ar == 0 && x.va == 0)),
    );
    [eq1, eq2, eq3, eq4, eq5, eq6]
}

/// Section 8.2: macro-vector score minus the mean proportional distance to the next lower
/// macro-vectors, clamped to 0–10 and rounded half up to one decimal.
fn score_eff(x: &Eff) -> f64 {
    // No impact on either system: 0.0 by definition.
    if [x.vc, x.vi, x.va].iter().all(|&v| v == 2) && [x.sc, x.si, x.sa].iter().all(|&v| v == 3) {
        return 0.0;
    }
    let mv = macro_vector(x);
    let [eq1, eq2, eq3, eq4, eq5, eq6] = mv;
    let Some(value) = lookup(mv) else {
        // Every reachable macro-vector is in the table (EQ3=2 implies EQ6=1).
        return 0.0;
    };

    let with = |pos: usize, v: u8| {
        let mut m = mv;
        m[pos] = v;
        lookup(m)
    };
    let lower_eq1 = with(0, eq1 + 1);
    let lower_eq2 = with(1, eq2 + 1);
    let lower_eq3eq6 = match (eq3, eq6) {
        (0, 0) => {
            let left = with(5, 1);
            let right = with(2, 1);
            match (left, right) {
                (Some(l), Some(r)) => Some(l.max(r)),
                (l, r) => l.or(r),
            }
        }
        (1, 0) => with(5, 1),
        (0 | 1, 1) => with(2, eq3 + 1),
        _ => None,
    };
    let lower_eq4 = with(3, eq4 + 1);
    let lower_eq5 = with(4, eq5 + 1);

    // Find the first highest-severity vector of this macro-vector that the vector does not
    // exceed in any metric; the distances to it are the severity distances.
    let e1 = usize::from(eq1);
    let e2 = usize::from(eq2);
    let e3 = usize::from(eq3);
    let e4 = usize::from(eq4);
    let e6 = usize::from(eq6);
    let maxes3 = MAX_EQ3EQ6
        .get(e3)
        .and_then(|r| r.get(e6))
        .copied()
        .unwrap_or(&[]);
    let max4 = MAX_EQ4.get(e4).copied().unwrap_or([0; 3]);
    let mut found: Option<(i32, i32, i32, i32)> = None;
    'search: for m1 in MAX_EQ1.get(e1).copied().unwrap_or(&[]) {
        for m2 in MAX_EQ2.get(e2).copied().unwrap_or(&[]) {
            for m3 in maxes3 {
                let d1 = [d(x.av, m1[0]), d(x.pr, m1[1]), d(x.ui, m1[2])];
                let d2 = [d(x.ac, m2[0]), d(x.at, m2[1])];
                let d3 = [
                    d(x.vc, m3[0]),
                    d(x.vi, m3[1]),
                    d(x.va, m3[2]),
                    d(x.cr, m3[3]),
                    d(x.ir, m3[4]),
                    d(x.ar, m3[5]),
                ];
                let d4 = [d(x.sc, max4[0]), d(x.si, max4[1]), d(x.sa, max4[2])];
                // Like the reference calculator, fall back to the last candidate's distances
                // should no candidate dominate (cannot happen for a well-formed table).
                found = Some((
                    d1.iter().sum(),
                    d2.iter().sum(),
                    d3.iter().sum(),
                    d4.iter().sum(),
                ));
                if d1.iter().chain(&d2).chain(&d3).chain(&d4).all(|&v| v >= 0) {
                    break 'search;
                }
            }
        }
    }
    let (dist1, dist2, dist3, dist4) = found.unwrap_or((0, 0, 0, 0));

    let depth1 = DEPTH_EQ1.get(e1).copied().unwrap_or(1);
    let depth2 = DEPTH_EQ2.get(e2).copied().unwrap_or(1);
    let depth3 = DEPTH_EQ3EQ6
        .get(e3)
        .and_then(|r| r.get(e6))
        .copied()
        .unwrap_or(1);
    let depth4 = DEPTH_EQ4.get(e4).copied().unwrap_or(1);

    let mut n_lower = 0u32;
    let mut sum = 0.0;
    let mut add = |lower: Option<f64>, dist: i32, depth: u8| {
        if let Some(l) = lower {
            n_lower += 1;
            if depth != 0 {
                sum += (value - l) * f64::from(dist) / f64::from(depth);
            }
        }
    };
    add(lower_eq1, dist1, depth1);
    add(lower_eq2, dist2, depth2);
    add(lower_eq3eq6, dist3, depth3);
    add(lower_eq4, dist4, depth4);
    // EQ5: a lower macro-vector counts towards the mean, but its proportion is always 0.
    add(lower_eq5, 0, 1);
    let mean = if n_lower == 0 {
        0.0
    } else {
        sum / f64::from(n_lower)
    };
    round1_half_up((value - mean).clamp(0.0, 10.0))
}

impl std::fmt::Display for CvssV4 {
    /// `CVSS:4.0/` followed by the defined metrics in canonical order (`X` metrics omitted).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CVSS:4.0")?;
        write_components(f, &DEFS, &self.idx, false)
    }
}
