//! The risk register (NICS 資通系統風險評鑑參考指引, seed 003 捌): risk =
//! asset value × threat likelihood × vulnerability, each on the
//! organisation's scale (default 1–3, [`RiskMethod::nics_default`]; 3 to 5
//! per factor through [`RiskSettings`]), the acceptance threshold, treatment
//! (accept / mitigate / transfer / avoid) with owner and due date, and the
//! residual risk after treatment. The heat map counts risks per (likelihood,
//! vulnerability) cell for each asset value.
//!
//! Settings are inherited: an organisation without its own uses its nearest
//! ancestor's, else the default. A scale change that would leave a risk
//! (of the organisation, or of a descendant that inherits the settings) rated
//! above the new scale is refused with the list of those risks
//! ([`AppError::ScaleConflict`]); edit or delete them first. Risks that end
//! up out of scale another way (an organisation moved under an ancestor with
//! a smaller scale, a restored backup) are flagged `out_of_scale` in the
//! register, never rescored or altered.

use std::collections::BTreeMap;
use zian_i18n::msg;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::risk::{
    CellCount, FACTORS, FactorLabels, Risk, RiskFilter, RiskScale, RiskStatus, Treatment,
};
use zian_domain::{
    ListQuery, OrgId, Organisation, Page, Permission, Principal, RiskId, SystemId, Text,
};
use zian_rules::risk::{RiskMethod, RiskScore};

use crate::{App, AppError, Result};
use zian_domain::text::Memo;

// A risk to record, or a risk's new fields (the same body). Treatment,
// status and dates are checked after the access check.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RiskIn")]
pub struct RiskInput {
    pub system_id: Option<String>,
    pub asset: String,
    pub threat: String,
    pub weakness: String,
    /// 1..=the organisation's maximum (default scale 1–3); default: the
    /// linked system's protection level (普 1, 中 2, 高 3).
    pub asset_value: Option<u32>,
    pub likelihood: u32,
    pub vulnerability: u32,
    /// Default: the organisation's acceptance threshold (6 of 27 by default).
    pub threshold: Option<u32>,
    pub treatment: String,
    /// The treatment measures (處理措施), at most 2,000 characters.
    #[serde(default)]
    pub measures: Option<String>,
    pub owner: String,
    pub due_on: Option<String>,
    pub residual_likelihood: Option<u32>,
    pub residual_vulnerability: Option<u32>,
    pub status: Option<String>,
}

/// Filters of the register, from query pairs: `system_id`, `treatment`,
/// `status`, `above_threshold` (`true`/`1`), `min_value`; other pairs are
/// ignored. Parsed only after the caller's access to the organisation is
/// checked, so malformed filters tell outsiders nothing.
pub fn risk_filter(pairs: &[(String, String)]) -> Result<RiskFilter> {
    let mut f = RiskFilter::default();
    for (k, v) in pairs {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match k.as_str() {
            "system_id" => f.system_id = Some(SystemId::from(v)),
            "treatment" => f.treatment = Some(Treatment::parse(v)?),
            "status" => f.status = Some(RiskStatus::parse(v)?),
            "above_threshold" => {
                f.above_threshold = match v {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(AppError::invalid("above_threshold", msg!("reason.bool"))),
                }
            }
            "min_value" => {
                f.min_value = Some(
                    v.parse()
                        .map_err(|_| AppError::invalid("min_value", msg!("reason.whole_number")))?,
                )
            }
            _ => {}
        }
    }
    Ok(f)
}

/// The risk settings in force for an organisation.
#[derive(Debug, Clone, Serialize)]
pub struct RiskSettings {
    pub org_id: OrgId,
    /// The organisation whose settings these are (itself or an ancestor);
    /// `None`: the default method.
    pub source_org_id: Option<OrgId>,
    pub inherited: bool,
    pub asset_value_max: u32,
    pub likelihood_max: u32,
    pub vulnerability_max: u32,
    pub threshold: u32,
    /// Factor key → labels given in the settings.
    pub labels: BTreeMap<String, FactorLabels>,
    /// The method these settings give (bands, labels, threshold).
    pub method: RiskMethod,
    pub updated_at: Option<i64>,
}

impl RiskSettings {
    fn build(org_id: &OrgId, row: Option<&RiskScale>) -> Result<RiskSettings> {
        let Some(r) = row else {
            let method = RiskMethod::nics_default();
            return Ok(RiskSettings {
                org_id: org_id.clone(),
                source_org_id: None,
                inherited: true,
                asset_value_max: 3,
                likelihood_max: 3,
                vulnerability_max: 3,
                threshold: method.acceptance_threshold,
                labels: BTreeMap::new(),
                method,
                updated_at: None,
            });
        };
        let bad = |e: String| AppError::Internal(format!("risk settings of {}: {e}", r.org_id));
        let (a, l, v) = (r.asset_value_max, r.likelihood_max, r.vulnerability_max);
        let method = scaled(a, l, v, r.threshold, &r.labels).map_err(|e| bad(e.to_string()))?;
        Ok(RiskSettings {
            org_id: org_id.clone(),
            source_org_id: Some(r.org_id.clone()),
            inherited: r.org_id != *org_id,
            asset_value_max: a,
            likelihood_max: l,
            vulnerability_max: v,
            threshold: r.threshold,
            labels: r.labels.clone(),
            method,
            updated_at: Some(r.updated_at),
        })
    }

    /// The scale maximum of a factor (`asset_value`, `likelihood`,
    /// `vulnerability`; the residual ratings use their factor's).
    pub fn max_of(&self, field: &str) -> u32 {
        match field {
            "asset_value" => self.asset_value_max,
            "likelihood" | "residual_likelihood" => self.likelihood_max,
            _ => self.vulnerability_max,
        }
    }

    /// Ratings 1..=max of a factor with their label (if any) in the language.
    pub fn options(&self, factor: &str, en: bool) -> Vec<(u32, String)> {
        let idx = FACTORS.iter().position(|f| *f == factor).unwrap_or(0);
        let f = &self.method.factors[idx];
        (f.min..=f.max)
            .map(|n| {
                let i = usize::try_from(n - f.min).unwrap_or(0);
                let label = if en { f.labels_en.get(i) } else { None }
                    .or_else(|| f.labels_zh.get(i))
                    .cloned()
                    .unwrap_or_default();
                (n, label)
            })
            .collect()
    }

    /// The largest risk value on this scale.
    pub fn max_value(&self) -> u32 {
        self.method.max_value()
    }

    /// Whether the three maxima are the same.
    pub fn common_max(&self) -> Option<u32> {
        (self.asset_value_max == self.likelihood_max
            && self.likelihood_max == self.vulnerability_max)
            .then_some(self.asset_value_max)
    }
}

/// The method for the maxima, threshold and labels (labels given replace the
/// defaults of a 1–3 scale).
fn scaled(
    a: u32,
    l: u32,
    v: u32,
    threshold: u32,
    labels: &BTreeMap<String, FactorLabels>,
) -> std::result::Result<RiskMethod, zian_rules::RulesError> {
    let mut m = RiskMethod::nics_scaled(a, l, v)?;
    m.acceptance_threshold = threshold;
    for f in &mut m.factors {
        if let Some(x) = labels.get(&f.key) {
            if !x.zh.is_empty() {
                f.labels_zh.clone_from(&x.zh);
            }
            f.labels_en.clone_from(&x.en);
        }
    }
    m.validate()?;
    Ok(m)
}

/// New risk settings. Maxima 3–5: `scale_max` for every factor, a factor's
/// own maximum wins; default 3. Threshold default: the top of the low band.
/// Label lists: one label per rating, lowest first, or empty.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RiskSettingsIn")]
pub struct RiskSettingsInput {
    pub scale_max: Option<u32>,
    pub asset_value_max: Option<u32>,
    pub likelihood_max: Option<u32>,
    pub vulnerability_max: Option<u32>,
    pub threshold: Option<u32>,
    #[serde(default)]
    pub asset_value_labels_zh: Vec<String>,
    #[serde(default)]
    pub asset_value_labels_en: Vec<String>,
    #[serde(default)]
    pub likelihood_labels_zh: Vec<String>,
    #[serde(default)]
    pub likelihood_labels_en: Vec<String>,
    #[serde(default)]
    pub vulnerability_labels_zh: Vec<String>,
    #[serde(default)]
    pub vulnerability_labels_en: Vec<String>,
}

impl RiskSettingsInput {
    /// The label lists by factor, in [`FACTORS`] order.
    fn labels(self) -> [(&'static str, FactorLabels); 3] {
        [
            (
                FACTORS[0],
                FactorLabels {
                    zh: self.asset_value_labels_zh,
                    en: self.asset_value_labels_en,
                },
            ),
            (
                FACTORS[1],
                FactorLabels {
                    zh: self.likelihood_labels_zh,
                    en: self.likelihood_labels_en,
                },
            ),
            (
                FACTORS[2],
                FactorLabels {
                    zh: self.vulnerability_labels_zh,
                    en: self.vulnerability_labels_en,
                },
            ),
        ]
    }
}

/// A risk with its band.
#[derive(Debug, Clone, Serialize)]
pub struct RiskView {
    pub risk: Risk,
    pub score: RiskScore,
    pub residual: Option<RiskScore>,
    /// A stored rating is above the organisation's current scale (the risk
    /// is shown as recorded and left out of the heat map).
    pub out_of_scale: bool,
}

/// One heat-map cell.
#[derive(Debug, Clone, Serialize)]
pub struct HeatCell {
    pub likelihood: u32,
    pub vulnerability: u32,
    pub score: RiskScore,
    pub count: u64,
}

/// The heat map for one asset value: rows = likelihood 1..=max, columns =
/// vulnerability 1..=max.
#[derive(Debug, Clone, Serialize)]
pub struct HeatMap {
    pub asset_value: u32,
    pub cells: Vec<Vec<HeatCell>>,
}

/// The register of an organisation: one page of risks, and the heat maps
/// and figures of every risk matching the filters.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRegister {
    pub org: Organisation,
    pub risks: Page<RiskView>,
    pub heat_maps: Vec<HeatMap>,
    /// The organisation's acceptance threshold.
    pub threshold: u32,
    pub settings: RiskSettings,
    /// Risks rated above the current scale (all of them, not only the page).
    pub out_of_scale: u64,
}

/// Scores stored ratings; out-of-scale ratings are scored as the plain
/// product (band: the one containing it, else the highest) and flagged.
fn score_stored(m: &RiskMethod, threshold: u32, ratings: [u32; 3]) -> (RiskScore, bool) {
    let mut m = m.clone();
    m.acceptance_threshold = threshold.clamp(1, m.max_value().max(1));
    match m.score(&ratings) {
        Ok(mut s) => {
            s.acceptable = s.value <= threshold;
            (s, false)
        }
        Err(_) => {
            let value = ratings.iter().fold(1u32, |a, r| a.saturating_mul(*r));
            let b = m
                .bands
                .iter()
                .find(|b| b.min <= value && value <= b.max)
                .or(m.bands.last());
            (
                RiskScore {
                    value,
                    band_zh: b.map(|b| b.name_zh.clone()).unwrap_or_default(),
                    band_en: b.map(|b| b.name_en.clone()).unwrap_or_default(),
                    acceptable: value <= threshold,
                },
                true,
            )
        }
    }
}

fn view(r: Risk, st: &RiskSettings) -> RiskView {
    let (score, out1) = score_stored(
        &st.method,
        r.threshold,
        [r.asset_value, r.likelihood, r.vulnerability],
    );
    let (residual, out2) = match (r.residual_likelihood, r.residual_vulnerability) {
        (Some(l), Some(v)) => {
            let (s, o) = score_stored(&st.method, r.threshold, [r.asset_value, l, v]);
            (Some(s), o)
        }
        _ => (None, false),
    };
    RiskView {
        risk: r,
        score,
        residual,
        out_of_scale: out1 || out2,
    }
}

/// The heat maps of a register from the counts per cell.
fn heat_maps(st: &RiskSettings, cells: &[CellCount]) -> Result<Vec<HeatMap>> {
    let mut maps = Vec::new();
    for av in 1..=st.asset_value_max {
        let grid = st
            .method
            .heat_map(&[av])
            .map_err(|e| AppError::Internal(format!("heat map: {e}")))?;
        let mut rows = Vec::new();
        for (l, row) in (1u32..).zip(grid) {
            let cells_of_row = (1u32..)
                .zip(row)
                .map(|(v, score)| HeatCell {
                    likelihood: l,
                    vulnerability: v,
                    score,
                    count: cells
                        .iter()
                        .filter(|c| {
                            c.asset_value == av && c.likelihood == l && c.vulnerability == v
                        })
                        .map(|c| c.count)
                        .sum(),
                })
                .collect();
            rows.push(cells_of_row);
        }
        maps.push(HeatMap {
            asset_value: av,
            cells: rows,
        });
    }
    Ok(maps)
}

/// A rating within 1..=the factor's maximum.
fn rating(st: &RiskSettings, field: &str, v: u32) -> Result<u32> {
    let max = st.max_of(field);
    if v < 1 || v > max {
        return Err(AppError::OutOfScale {
            field: field.to_string(),
            value: v,
            min: 1,
            max,
        });
    }
    Ok(v)
}

fn scale_max(field: &str, v: u32) -> Result<u32> {
    if !(3..=5).contains(&v) {
        return Err(AppError::OutOfScale {
            field: field.to_string(),
            value: v,
            min: 3,
            max: 5,
        });
    }
    Ok(v)
}

impl App {
    /// The risk settings in force for an organisation the caller may read.
    pub async fn risk_settings(&self, p: &Principal, org_id: &OrgId) -> Result<RiskSettings> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        self.settings_of(p, &org.id).await
    }

    async fn settings_of(&self, p: &Principal, org_id: &OrgId) -> Result<RiskSettings> {
        let chain = self
            .stores
            .risk
            .scale_chain(&p.scope(Permission::RecordRead), org_id)
            .await?;
        RiskSettings::build(org_id, chain.first())
    }

    /// Sets an organisation's own risk settings. Refused with
    /// [`AppError::ScaleConflict`] while risks that follow them are rated
    /// above the new scale.
    pub async fn set_risk_settings(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: RiskSettingsInput,
    ) -> Result<RiskSettings> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let common = input
            .scale_max
            .map(|v| scale_max("scale_max", v))
            .transpose()?;
        let max = |field: &str, v: Option<u32>| scale_max(field, v.or(common).unwrap_or(3));
        let a = max("asset_value_max", input.asset_value_max)?;
        let l = max("likelihood_max", input.likelihood_max)?;
        let v = max("vulnerability_max", input.vulnerability_max)?;
        let default = RiskMethod::nics_scaled(a, l, v)
            .map_err(|e| AppError::Internal(format!("risk method: {e}")))?;
        let threshold = input.threshold.unwrap_or(default.acceptance_threshold);
        if threshold < 1 || threshold > default.max_value() {
            return Err(AppError::OutOfScale {
                field: "threshold".into(),
                value: threshold,
                min: 1,
                max: default.max_value(),
            });
        }
        let mut labels = BTreeMap::new();
        for ((key, x), n) in input.labels().into_iter().zip([a, l, v]) {
            let clean = |list: Vec<String>, lang: &str| -> Result<Vec<String>> {
                let list: Vec<String> = list.iter().map(|s| s.trim().to_string()).collect();
                if list.iter().all(String::is_empty) {
                    return Ok(Vec::new());
                }
                let field = format!("{key}_labels_{lang}");
                if list.len() != usize::try_from(n).unwrap_or(0) {
                    return Err(AppError::invalid(
                        &field,
                        msg!("reason.risk.labels_count", n = n),
                    ));
                }
                if list.iter().any(|s| s.is_empty() || s.chars().count() > 40) {
                    return Err(AppError::invalid(
                        &field,
                        msg!("reason.risk.label_length", max = 40),
                    ));
                }
                // the one text rule (no NUL or control characters)
                for s in &list {
                    zian_domain::Memo::<40>::parse("label", s)
                        .map_err(|_| AppError::invalid(&field, msg!("reason.control_chars")))?;
                }
                Ok(list)
            };
            let fl = FactorLabels {
                zh: clean(x.zh, "zh")?,
                en: clean(x.en, "en")?,
            };
            if fl != FactorLabels::default() {
                labels.insert(key.to_string(), fl);
            }
        }
        // the labels and threshold make a valid method
        scaled(a, l, v, threshold, &labels).map_err(|e| AppError::rules("labels", &e))?;
        let row = RiskScale {
            org_id: org.id.clone(),
            org_path: org.path.clone(),
            asset_value_max: a,
            likelihood_max: l,
            vulnerability_max: v,
            threshold,
            labels,
            updated_by: Some(p.user.id.clone()),
            updated_at: self.now(),
        };
        let mut e = p.event("risk.settings_changed", Some(&org.id), Some(&org.id));
        e.details = serde_json::json!({"asset_value_max": a, "likelihood_max": l, "vulnerability_max": v, "threshold": threshold});
        let over = self
            .stores
            .risk
            .put_scale(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        if !over.is_empty() {
            return Err(AppError::ScaleConflict {
                risks: over
                    .into_iter()
                    .map(|r| (r.id.into_string(), r.asset.into_string()))
                    .collect(),
            });
        }
        RiskSettings::build(&org.id, Some(&row))
    }

    /// One page of an organisation's register, filtered, with the heat maps
    /// of every risk the filters select.
    pub async fn risk_register(
        &self,
        p: &Principal,
        org_id: &OrgId,
        f: &RiskFilter,
        q: &ListQuery,
    ) -> Result<RiskRegister> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let settings = self.settings_of(p, &org.id).await?;
        let page = self.stores.risk.list(&scope, &org.id, f, q).await?;
        let cells = self.stores.risk.cells(&scope, &org.id, f).await?;
        let counts = self
            .stores
            .risk
            .counts(
                &scope,
                &org.id,
                self.today(),
                [
                    settings.asset_value_max,
                    settings.likelihood_max,
                    settings.vulnerability_max,
                ],
            )
            .await?;
        Ok(RiskRegister {
            heat_maps: heat_maps(&settings, &cells)?,
            risks: page.map(|r| view(r, &settings)),
            org,
            threshold: settings.threshold,
            out_of_scale: counts.beyond_scale,
            settings,
        })
    }

    /// The register in figures (for the maintenance plan's live summary).
    pub async fn risk_counts(
        &self,
        p: &Principal,
        org: &Organisation,
    ) -> Result<zian_domain::risk::RiskCounts> {
        let st = self.settings_of(p, &org.id).await?;
        Ok(self
            .stores
            .risk
            .counts(
                &p.scope(Permission::RecordRead),
                &org.id,
                self.today(),
                [st.asset_value_max, st.likelihood_max, st.vulnerability_max],
            )
            .await?)
    }

    /// A risk the caller may read, with the settings of its organisation.
    pub async fn get_risk(&self, p: &Principal, id: &RiskId) -> Result<(RiskView, RiskSettings)> {
        let r = self
            .stores
            .risk
            .get(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let st = self.settings_of(p, &r.org_id).await?;
        Ok((view(r, &st), st))
    }

    /// Checks an input against the organisation's scale and builds the record.
    async fn risk_record(
        &self,
        p: &Principal,
        org: &Organisation,
        input: RiskInput,
        existing: Option<&Risk>,
    ) -> Result<(Risk, RiskSettings)> {
        let st = self.settings_of(p, &org.id).await?;
        let due_on = zian_domain::day::parse_opt("due_on", input.due_on.as_deref())?;
        let system = match input
            .system_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(id) => {
                let s = self.get_system(p, &SystemId::from(id)).await?;
                if s.org_id != org.id {
                    return Err(AppError::invalid(
                        "system_id",
                        msg!("reason.risk.system_of_org"),
                    ));
                }
                let unchanged = existing.is_some_and(|e| e.system_id.as_ref() == Some(&s.id));
                if s.archived_at.is_some() && !unchanged {
                    return Err(AppError::invalid(
                        "system_id",
                        msg!("reason.risk.system_archived"),
                    ));
                }
                Some(s)
            }
            None => None,
        };
        let asset_value = match (input.asset_value, system.as_ref().and_then(|s| s.level)) {
            (Some(v), _) => v,
            (None, Some(l)) => l.score(),
            (None, None) => {
                return Err(AppError::invalid(
                    "asset_value",
                    msg!("reason.risk.asset_value_required"),
                ));
            }
        };
        let asset_value = rating(&st, "asset_value", asset_value)?;
        let likelihood = rating(&st, "likelihood", input.likelihood)?;
        let vulnerability = rating(&st, "vulnerability", input.vulnerability)?;
        let residual = match (input.residual_likelihood, input.residual_vulnerability) {
            (Some(l), Some(v)) => Some((
                rating(&st, "residual_likelihood", l)?,
                rating(&st, "residual_vulnerability", v)?,
            )),
            (None, None) => None,
            _ => {
                return Err(AppError::invalid(
                    "residual",
                    msg!("reason.risk.residual_both"),
                ));
            }
        };
        let threshold = input.threshold.unwrap_or(st.threshold);
        if threshold < 1 || threshold > st.max_value() {
            return Err(AppError::OutOfScale {
                field: "threshold".into(),
                value: threshold,
                min: 1,
                max: st.max_value(),
            });
        }
        let mut m = st.method.clone();
        m.acceptance_threshold = threshold;
        let score = m
            .score(&[asset_value, likelihood, vulnerability])
            .map_err(|e| AppError::rules("rating", &e))?;
        let residual_value = match residual {
            Some((l, v)) => Some(
                m.score(&[asset_value, l, v])
                    .map_err(|e| AppError::rules("residual", &e))?
                    .value,
            ),
            None => None,
        };
        let treatment = Treatment::parse(&input.treatment)?;
        if treatment != Treatment::Accept && due_on.is_none() {
            return Err(AppError::invalid(
                "due_on",
                msg!("reason.risk.due_required"),
            ));
        }
        let status = match input
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => RiskStatus::parse(s)?,
            None => existing.map_or(RiskStatus::Open, |e| e.status),
        };
        let now = self.now();
        let row = Risk {
            id: existing.map_or_else(|| RiskId::new(self.ids.new_id()), |e| e.id.clone()),
            org_id: org.id.clone(),
            number: existing.map_or_else(String::new, |e| e.number.clone()),
            system_id: system.map(|s| s.id),
            asset: Text::parse("asset", &input.asset)?,
            threat: Text::parse("threat", &input.threat)?,
            weakness: Text::parse("weakness", &input.weakness)?,
            asset_value,
            likelihood,
            vulnerability,
            risk_value: score.value,
            threshold,
            treatment,
            measures: Memo::parse("measures", input.measures.as_deref().unwrap_or(""))?,
            owner: Text::parse("owner", &input.owner)?,
            due_on,
            residual_likelihood: residual.map(|(l, _)| l),
            residual_vulnerability: residual.map(|(_, v)| v),
            residual_value,
            status,
            created_by: existing.map_or_else(|| Some(p.user.id.clone()), |e| e.created_by.clone()),
            created_at: existing.map_or(now, |e| e.created_at),
            updated_at: now,
        };
        Ok((row, st))
    }

    /// Records a risk.
    pub async fn create_risk(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: RiskInput,
    ) -> Result<RiskView> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let (mut row, st) = self.risk_record(p, &org, input, None).await?;
        let mut e = p.event("risk.created", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"asset": row.asset, "risk_value": row.risk_value, "treatment": row.treatment});
        row.number = self
            .stores
            .risk
            .insert(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(view(row, &st))
    }

    /// Replaces a risk's fields and recomputes its values on the
    /// organisation's current scale (`status` left out keeps the status).
    pub async fn update_risk(
        &self,
        p: &Principal,
        id: &RiskId,
        input: RiskInput,
    ) -> Result<RiskView> {
        let (old, _) = self.get_risk(p, id).await?;
        let old = old.risk;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        let (row, st) = self.risk_record(p, &org, input, Some(&old)).await?;
        let mut e = p.event("risk.updated", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({
            "number": row.number,
            "asset": row.asset,
            "risk_value": [old.risk_value, row.risk_value],
            "residual_value": [old.residual_value, row.residual_value],
            "treatment": [old.treatment, row.treatment],
            "status": [old.status, row.status],
        });
        self.stores
            .risk
            .update(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(view(row, &st))
    }

    /// Deletes a risk (audited with what it was).
    pub async fn delete_risk(&self, p: &Principal, id: &RiskId) -> Result<Risk> {
        let (old, _) = self.get_risk(p, id).await?;
        let old = old.risk;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        let mut e = p.event("risk.deleted", Some(&org.id), Some(&old.id));
        e.details = serde_json::json!({"number": old.number, "asset": old.asset, "threat": old.threat, "risk_value": old.risk_value, "treatment": old.treatment, "status": old.status});
        self.stores
            .risk
            .delete(
                &p.scope(Permission::RecordWrite),
                &org.id,
                &old.id,
                e,
                self.now(),
            )
            .await?;
        Ok(old)
    }
}
