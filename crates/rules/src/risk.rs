//! Risk maths after the NICS 資通系統風險評鑑參考指引 (tw-regulations.md §6).
//!
//! 資產風險值 = 資產價值 × 威脅發生可能性 × 脆弱性利用難易度 [S]; each factor on a configurable
//! integer scale (default 1–3 [R]); the acceptance threshold is the agency's own (風險接受準則).
//! The band names and the default threshold are product defaults, not values from the guide.

use serde::{Deserialize, Serialize};

use crate::RulesError;
use crate::model::Impact;

/// One factor of the product (e.g. asset value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    /// Key, e.g. `asset_value`.
    pub key: String,
    /// Name (zh).
    pub name_zh: String,
    /// Lowest rating.
    pub min: u32,
    /// Highest rating.
    pub max: u32,
    /// Optional labels for min..=max, lowest first.
    #[serde(default)]
    pub labels_zh: Vec<String>,
    /// Optional English labels for min..=max, lowest first.
    #[serde(default)]
    pub labels_en: Vec<String>,
}

/// A band of risk values, inclusive on both ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskBand {
    /// Name (zh).
    pub name_zh: String,
    /// Name (en).
    pub name_en: String,
    /// Lowest value in the band.
    pub min: u32,
    /// Highest value in the band.
    pub max: u32,
}

/// A configurable risk method: factors multiplied, an acceptance threshold, value bands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskMethod {
    /// Factors (ratings are multiplied).
    pub factors: Vec<Factor>,
    /// Risks with a value ≤ threshold are acceptable without treatment.
    pub acceptance_threshold: u32,
    /// Bands covering every value from the minimum to the maximum product.
    pub bands: Vec<RiskBand>,
}

/// Risk treatment options (風險處理).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Treatment {
    /// 風險保留（接受）.
    Accept,
    /// 風險修改（降低）.
    Mitigate,
    /// 風險分擔（移轉）.
    Transfer,
    /// 風險避免.
    Avoid,
}

impl Treatment {
    /// Name (zh).
    pub fn name_zh(self) -> &'static str {
        match self {
            Treatment::Accept => "風險保留（接受）",
            Treatment::Mitigate => "風險修改（降低）",
            Treatment::Transfer => "風險分擔（移轉）",
            Treatment::Avoid => "風險避免",
        }
    }
}

/// A computed risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskScore {
    /// The product of the ratings.
    pub value: u32,
    /// Band name (zh).
    pub band_zh: String,
    /// Band name (en).
    pub band_en: String,
    /// Whether `value` ≤ the acceptance threshold.
    pub acceptable: bool,
}

fn band(name_zh: &str, name_en: &str, min: u32, max: u32) -> RiskBand {
    RiskBand {
        name_zh: name_zh.to_string(),
        name_en: name_en.to_string(),
        min,
        max,
    }
}

fn factor(key: &str, name_zh: &str, labels: [&str; 3]) -> Factor {
    Factor {
        key: key.to_string(),
        name_zh: name_zh.to_string(),
        min: 1,
        max: 3,
        labels_zh: labels.iter().map(|s| s.to_string()).collect(),
        labels_en: Vec::new(),
    }
}

/// Upper bound of the low and medium bands of the scaled NICS method: the
/// default 1–6 / 7–12 / 13–27 split of 27 kept in proportion (2/9 and 4/9 of
/// the largest value).
fn scaled_bands(hi: u32) -> (u32, u32) {
    (hi * 2 / 9, hi * 4 / 9)
}

impl RiskMethod {
    /// The NICS detailed assessment with 1–3 scales: asset value × likelihood × vulnerability
    /// (values 1–27). Defaults: threshold 6; bands 低 1–6, 中 7–12, 高 13–27.
    pub fn nics_default() -> RiskMethod {
        RiskMethod {
            factors: vec![
                factor("asset_value", "資產價值", ["普", "中", "高"]),
                factor("likelihood", "威脅發生可能性", ["低", "中", "高"]),
                factor("vulnerability", "脆弱性利用難易度", ["難", "中", "易"]),
            ],
            acceptance_threshold: 6,
            bands: vec![
                band("低", "low", 1, 6),
                band("中", "medium", 7, 12),
                band("高", "high", 13, 27),
            ],
        }
    }

    /// The NICS method with each factor on 1..=max (3 to 5; the maxima may
    /// differ). The 1–3 case is [`RiskMethod::nics_default`]; other scales keep
    /// its band proportions (低 up to 2/9 of the largest value, 中 up to 4/9,
    /// 高 above) and its default threshold is the top of the low band. Labels
    /// are the default ones on a 1–3 scale and none otherwise.
    pub fn nics_scaled(
        asset_value_max: u32,
        likelihood_max: u32,
        vulnerability_max: u32,
    ) -> Result<RiskMethod, RulesError> {
        let maxes = [asset_value_max, likelihood_max, vulnerability_max];
        if let Some(m) = maxes.iter().find(|m| !(3..=5).contains(*m)) {
            return Err(RulesError::Risk(format!("scale maximum {m} outside 3..=5")));
        }
        let mut m = RiskMethod::nics_default();
        for (f, &max) in m.factors.iter_mut().zip(&maxes) {
            f.max = max;
            if max != 3 {
                f.labels_zh.clear();
            }
        }
        let hi = asset_value_max * likelihood_max * vulnerability_max;
        let (low, medium) = scaled_bands(hi);
        m.bands = vec![
            band("低", "low", 1, low),
            band("中", "medium", low + 1, medium),
            band("高", "high", medium + 1, hi),
        ];
        m.acceptance_threshold = low;
        m.validate()?;
        Ok(m)
    }

    /// The largest possible risk value.
    pub fn max_value(&self) -> u32 {
        self.range().map_or(0, |(_, hi)| hi)
    }

    /// A two-factor likelihood × impact register (1–3 each, values 1–9) as in the seed 004 heat
    /// map with 低度/中度/高度/極度 bands (band limits are product defaults).
    pub fn likelihood_impact() -> RiskMethod {
        RiskMethod {
            factors: vec![
                factor("likelihood", "可能性", ["低", "中", "高"]),
                factor("impact", "衝擊", ["低", "中", "高"]),
            ],
            acceptance_threshold: 2,
            bands: vec![
                band("低度", "low", 1, 2),
                band("中度", "medium", 3, 4),
                band("高度", "high", 5, 6),
                band("極度", "extreme", 7, 9),
            ],
        }
    }

    fn range(&self) -> Option<(u32, u32)> {
        let mut lo: u32 = 1;
        let mut hi: u32 = 1;
        for f in &self.factors {
            lo = lo.checked_mul(f.min)?;
            hi = hi.checked_mul(f.max)?;
        }
        Some((lo, hi))
    }

    /// Checks scales, bands (contiguous, covering every possible value) and the threshold.
    pub fn validate(&self) -> Result<(), RulesError> {
        let e = |s: String| Err(RulesError::Risk(s));
        if self.factors.is_empty() {
            return e("no factors".to_string());
        }
        for f in &self.factors {
            if f.min == 0 || f.min > f.max {
                return e(format!(
                    "factor {:?}: scale {}..={} must satisfy 1 <= min <= max",
                    f.key, f.min, f.max
                ));
            }
            let n = f.max - f.min + 1;
            for labels in [&f.labels_zh, &f.labels_en] {
                if !labels.is_empty() && labels.len() as u64 != u64::from(n) {
                    return e(format!(
                        "factor {:?}: {} labels for {n} ratings",
                        f.key,
                        labels.len()
                    ));
                }
            }
        }
        let Some((lo, hi)) = self.range() else {
            return e("scale product overflows".to_string());
        };
        let mut next = lo;
        for b in &self.bands {
            if b.min != next || b.max < b.min {
                return e(format!(
                    "band {:?} is {}..={}, expected to start at {next}",
                    b.name_en, b.min, b.max
                ));
            }
            next = b.max.saturating_add(1);
        }
        if next != hi.saturating_add(1) {
            return e(format!(
                "bands end at {}, expected {hi}",
                next.saturating_sub(1)
            ));
        }
        if self.acceptance_threshold < lo || self.acceptance_threshold > hi {
            return e(format!(
                "acceptance threshold {} outside {lo}..={hi}",
                self.acceptance_threshold
            ));
        }
        Ok(())
    }

    /// Scores one risk; `ratings` in factor order.
    pub fn score(&self, ratings: &[u32]) -> Result<RiskScore, RulesError> {
        self.validate()?;
        if ratings.len() != self.factors.len() {
            return Err(RulesError::Risk(format!(
                "{} ratings given for {} factors",
                ratings.len(),
                self.factors.len()
            )));
        }
        let mut value: u32 = 1;
        for (f, &r) in self.factors.iter().zip(ratings) {
            if r < f.min || r > f.max {
                return Err(RulesError::Risk(format!(
                    "{} rating {r} outside {}..={}",
                    f.key, f.min, f.max
                )));
            }
            value = value
                .checked_mul(r)
                .ok_or_else(|| RulesError::Risk("risk value overflows".to_string()))?;
        }
        let b = self
            .bands
            .iter()
            .find(|b| b.min <= value && value <= b.max)
            .ok_or_else(|| RulesError::Risk(format!("no band contains {value}")))?;
        Ok(RiskScore {
            value,
            band_zh: b.name_zh.clone(),
            band_en: b.name_en.clone(),
            acceptable: value <= self.acceptance_threshold,
        })
    }

    /// A heat-map grid over the last two factors with the leading factors fixed to `fixed`
    /// (e.g. the asset value): rows = second-to-last factor (min..=max), columns = last factor.
    pub fn heat_map(&self, fixed: &[u32]) -> Result<Vec<Vec<RiskScore>>, RulesError> {
        self.validate()?;
        let n = self.factors.len();
        if n < 2 || fixed.len() != n - 2 {
            return Err(RulesError::Risk(format!(
                "heat map needs {} fixed ratings",
                n.saturating_sub(2)
            )));
        }
        let (rf, cf) = (&self.factors[n - 2], &self.factors[n - 1]);
        let mut grid = Vec::new();
        for r in rf.min..=rf.max {
            let mut row = Vec::new();
            for c in cf.min..=cf.max {
                let mut ratings = fixed.to_vec();
                ratings.push(r);
                ratings.push(c);
                row.push(self.score(&ratings)?);
            }
            grid.push(row);
        }
        Ok(grid)
    }
}

/// Asset value from the 附表九 grades: the highest dimension, 普 = 1, 中 = 2, 高 = 3.
pub fn asset_value_from_impacts(c: Impact, i: Impact, a: Impact, l: Impact) -> u32 {
    c.max(i).max(a).max(l).score()
}
