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

use serde::{Deserialize, Serialize};
use zian_domain::{Organisation, Permission};
use zian_rules::risk::{RiskMethod, RiskScore};
use zian_storage::{RiskFilter, RiskRow, RiskSettingsRow};

use crate::compliance::ymd;
use crate::systems::parse_impact;
use crate::{App, AppError, Principal, Result};

/// Treatments (風險處理).
pub const TREATMENTS: [&str; 4] = ["accept", "mitigate", "transfer", "avoid"];
/// Register statuses.
pub const RISK_STATUSES: [&str; 3] = ["open", "treating", "closed"];

/// A risk to record.
#[derive(Debug, Clone, Default)]
pub struct RiskInput {
    pub system_id: Option<String>,
    pub asset: String,
    pub threat: String,
    pub weakness: String,
    /// 1..=the organisation's asset-value maximum; default: from the linked
    /// system's protection level (普 1, 中 2, 高 3).
    pub asset_value: Option<u32>,
    pub likelihood: u32,
    pub vulnerability: u32,
    /// Default: the method's default threshold.
    pub threshold: Option<u32>,
    pub treatment: String,
    pub owner: String,
    /// YYYY-MM-DD (parsed after the access check).
    pub due_on: Option<String>,
    pub residual_likelihood: Option<u32>,
    pub residual_vulnerability: Option<u32>,
    /// Default `open` (on an edit: unchanged).
    pub status: Option<String>,
}

/// The factors, in rating order.
pub const FACTORS: [&str; 3] = ["asset_value", "likelihood", "vulnerability"];

/// Labels of one factor's ratings, lowest first (empty: none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorLabels {
    #[serde(default)]
    pub zh: Vec<String>,
    #[serde(default)]
    pub en: Vec<String>,
}

/// The risk settings in force for an organisation.
#[derive(Debug, Clone, Serialize)]
pub struct RiskSettings {
    pub org_id: String,
    /// The organisation whose settings these are (itself or an ancestor);
    /// `None`: the default method.
    pub source_org_id: Option<String>,
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
    fn build(org_id: &str, row: Option<&RiskSettingsRow>) -> Result<RiskSettings> {
        let Some(r) = row else {
            let method = RiskMethod::nics_default();
            return Ok(RiskSettings {
                org_id: org_id.to_string(),
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
        let labels: BTreeMap<String, FactorLabels> =
            serde_json::from_str(&r.labels).map_err(|e| bad(e.to_string()))?;
        let (a, l, v) = (
            u(r.asset_value_max),
            u(r.likelihood_max),
            u(r.vulnerability_max),
        );
        let method = scaled(a, l, v, u(r.threshold), &labels).map_err(|e| bad(e.to_string()))?;
        Ok(RiskSettings {
            org_id: org_id.to_string(),
            source_org_id: Some(r.org_id.clone()),
            inherited: r.org_id != org_id,
            asset_value_max: a,
            likelihood_max: l,
            vulnerability_max: v,
            threshold: u(r.threshold),
            labels,
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

/// New risk settings for an organisation.
#[derive(Debug, Clone, Default)]
pub struct RiskSettingsInput {
    /// One maximum for every factor (3–5); a factor's own maximum wins.
    pub scale_max: Option<u32>,
    pub asset_value_max: Option<u32>,
    pub likelihood_max: Option<u32>,
    pub vulnerability_max: Option<u32>,
    /// Default: the top of the low band.
    pub threshold: Option<u32>,
    /// Factor key → labels (each list empty or one label per rating).
    pub labels: BTreeMap<String, FactorLabels>,
}

/// A risk with its band.
#[derive(Debug, Clone, Serialize)]
pub struct RiskView {
    pub risk: RiskRow,
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
    pub count: usize,
}

/// The heat map for one asset value: rows = likelihood 1..=max, columns =
/// vulnerability 1..=max.
#[derive(Debug, Clone, Serialize)]
pub struct HeatMap {
    pub asset_value: u32,
    pub cells: Vec<Vec<HeatCell>>,
}

/// The register of an organisation.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRegister {
    pub org: Organisation,
    pub risks: Vec<RiskView>,
    pub heat_maps: Vec<HeatMap>,
    /// The organisation's acceptance threshold.
    pub threshold: u32,
    pub settings: RiskSettings,
    /// Risks rated above the current scale.
    pub out_of_scale: usize,
}

fn u(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
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

fn view(r: RiskRow, st: &RiskSettings) -> RiskView {
    let t = u(r.threshold);
    let av = u(r.asset_value);
    let (score, out1) = score_stored(&st.method, t, [av, u(r.likelihood), u(r.vulnerability)]);
    let (residual, out2) = match (r.residual_likelihood, r.residual_vulnerability) {
        (Some(l), Some(v)) => {
            let (s, o) = score_stored(&st.method, t, [av, u(l), u(v)]);
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

fn text(field: &str, v: &str, max: usize) -> Result<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(AppError::invalid(field, "required"));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(t.to_string())
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
    pub async fn risk_settings(&self, p: &Principal, org_id: &str) -> Result<RiskSettings> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        self.settings_of(p, &org.id).await
    }

    async fn settings_of(&self, p: &Principal, org_id: &str) -> Result<RiskSettings> {
        let chain = self
            .store
            .risk_settings_chain(&p.scope(Permission::RecordRead), org_id)
            .await?;
        RiskSettings::build(org_id, chain.first())
    }

    /// Sets an organisation's own risk settings. Refused with
    /// [`AppError::ScaleConflict`] while risks that follow them are rated
    /// above the new scale.
    pub async fn set_risk_settings(
        &self,
        p: &Principal,
        org_id: &str,
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
        for (key, x) in input.labels {
            let Some(idx) = FACTORS.iter().position(|f| *f == key) else {
                return Err(AppError::invalid(
                    "labels",
                    "asset_value, likelihood or vulnerability",
                ));
            };
            let n = [a, l, v][idx];
            let clean = |list: Vec<String>, lang: &str| -> Result<Vec<String>> {
                let list: Vec<String> = list.iter().map(|s| s.trim().to_string()).collect();
                if list.iter().all(String::is_empty) {
                    return Ok(Vec::new());
                }
                let field = format!("{key}_labels_{lang}");
                if list.len() != usize::try_from(n).unwrap_or(0) {
                    return Err(AppError::invalid(
                        &field,
                        format!("give one label for each of the {n} ratings, or none"),
                    ));
                }
                if list.iter().any(|s| s.is_empty() || s.chars().count() > 40) {
                    return Err(AppError::invalid(&field, "1 to 40 characters each"));
                }
                Ok(list)
            };
            let fl = FactorLabels {
                zh: clean(x.zh, "zh")?,
                en: clean(x.en, "en")?,
            };
            if fl != FactorLabels::default() {
                labels.insert(key, fl);
            }
        }
        let now = self.now();
        let row = RiskSettingsRow {
            org_id: org.id.clone(),
            org_path: org.path.clone(),
            asset_value_max: i64::from(a),
            likelihood_max: i64::from(l),
            vulnerability_max: i64::from(v),
            threshold: i64::from(threshold),
            labels: serde_json::to_string(&labels)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            updated_by: Some(p.user.id.clone()),
            updated_at: now,
        };
        // the labels and threshold make a valid method
        scaled(a, l, v, threshold, &labels)
            .map_err(|e| AppError::invalid("labels", e.to_string()))?;
        let mut e = p.event("risk.settings_changed", Some(&org.id), Some(&org.id));
        e.details = serde_json::json!({"asset_value_max": a, "likelihood_max": l, "vulnerability_max": v, "threshold": threshold});
        let over = self
            .store
            .put_risk_settings(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        if !over.is_empty() {
            return Err(AppError::ScaleConflict {
                risks: over.into_iter().map(|r| (r.id, r.asset)).collect(),
            });
        }
        RiskSettings::build(&org.id, Some(&row))
    }

    /// The register of an organisation, filtered, with heat maps.
    pub async fn risk_register(
        &self,
        p: &Principal,
        org_id: &str,
        mut f: RiskFilter,
    ) -> Result<RiskRegister> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        f.org_id = Some(org.id.clone());
        if let Some(t) = &f.treatment
            && !TREATMENTS.contains(&t.as_str())
        {
            return Err(AppError::invalid(
                "treatment",
                "accept, mitigate, transfer or avoid",
            ));
        }
        if let Some(s) = &f.status
            && !RISK_STATUSES.contains(&s.as_str())
        {
            return Err(AppError::invalid("status", "open, treating or closed"));
        }
        let settings = self.settings_of(p, &org.id).await?;
        let rows = self
            .store
            .list_risks(&p.scope(Permission::RecordRead), &f)
            .await?;
        let risks: Vec<RiskView> = rows.into_iter().map(|r| view(r, &settings)).collect();
        let m = &settings.method;
        let mut heat_maps = Vec::new();
        for av in 1..=settings.asset_value_max {
            let grid = m
                .heat_map(&[av])
                .map_err(|e| AppError::Internal(format!("heat map: {e}")))?;
            let mut cells = Vec::new();
            for (li, row) in grid.into_iter().enumerate() {
                let l = u32::try_from(li).unwrap_or(0) + 1;
                let mut out = Vec::new();
                for (vi, score) in row.into_iter().enumerate() {
                    let v = u32::try_from(vi).unwrap_or(0) + 1;
                    let count = risks
                        .iter()
                        .filter(|r| {
                            u(r.risk.asset_value) == av
                                && u(r.risk.likelihood) == l
                                && u(r.risk.vulnerability) == v
                        })
                        .count();
                    out.push(HeatCell {
                        likelihood: l,
                        vulnerability: v,
                        score,
                        count,
                    });
                }
                cells.push(out);
            }
            heat_maps.push(HeatMap {
                asset_value: av,
                cells,
            });
        }
        let out_of_scale = risks.iter().filter(|r| r.out_of_scale).count();
        Ok(RiskRegister {
            org,
            risks,
            heat_maps,
            threshold: settings.threshold,
            settings,
            out_of_scale,
        })
    }

    /// A risk the caller may read, with the settings of its organisation.
    pub async fn get_risk(&self, p: &Principal, id: &str) -> Result<(RiskView, RiskSettings)> {
        let r = self
            .store
            .get_risk(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let st = self.settings_of(p, &r.org_id).await?;
        Ok((view(r, &st), st))
    }

    /// Checks an input against the organisation's scale and builds the row.
    async fn risk_row(
        &self,
        p: &Principal,
        org: &Organisation,
        input: RiskInput,
        existing: Option<&RiskRow>,
    ) -> Result<(RiskRow, RiskSettings)> {
        let st = self.settings_of(p, &org.id).await?;
        let due_on = crate::systems::opt_date("due_on", input.due_on.as_deref())?;
        let system = match input
            .system_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(id) => {
                let s = self.get_system(p, id).await?;
                if s.org_id != org.id {
                    return Err(AppError::invalid(
                        "system_id",
                        "a system of this organisation",
                    ));
                }
                let unchanged = existing.is_some_and(|e| e.system_id.as_deref() == Some(&s.id));
                if s.archived_at.is_some() && !unchanged {
                    return Err(AppError::invalid("system_id", "the system is archived"));
                }
                Some(s)
            }
            None => None,
        };
        let asset_value = match (
            input.asset_value,
            system.as_ref().and_then(|s| s.level.clone()),
        ) {
            (Some(v), _) => v,
            (None, Some(l)) => parse_impact("level", &l)?.score(),
            (None, None) => {
                return Err(AppError::invalid(
                    "asset_value",
                    "required when no graded system is linked",
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
                    "give both residual likelihood and vulnerability",
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
            .map_err(|e| AppError::invalid("rating", e.to_string()))?;
        let residual_value = match residual {
            Some((l, v)) => Some(
                m.score(&[asset_value, l, v])
                    .map_err(|e| AppError::invalid("residual", e.to_string()))?
                    .value,
            ),
            None => None,
        };
        if !TREATMENTS.contains(&input.treatment.as_str()) {
            return Err(AppError::invalid(
                "treatment",
                "accept, mitigate, transfer or avoid",
            ));
        }
        if input.treatment != "accept" && due_on.is_none() {
            return Err(AppError::invalid(
                "due_on",
                "required for a treatment other than accept",
            ));
        }
        let status = input
            .status
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| existing.map(|e| e.status.clone()))
            .unwrap_or_else(|| "open".to_string());
        if !RISK_STATUSES.contains(&status.as_str()) {
            return Err(AppError::invalid("status", "open, treating or closed"));
        }
        let now = self.now();
        let row = RiskRow {
            id: existing.map_or_else(|| self.ids.new_id(), |e| e.id.clone()),
            org_id: org.id.clone(),
            system_id: system.map(|s| s.id),
            asset: text("asset", &input.asset, 200)?,
            threat: text("threat", &input.threat, 500)?,
            weakness: text("weakness", &input.weakness, 500)?,
            asset_value: i64::from(asset_value),
            likelihood: i64::from(likelihood),
            vulnerability: i64::from(vulnerability),
            risk_value: i64::from(score.value),
            threshold: i64::from(threshold),
            treatment: input.treatment.clone(),
            owner: text("owner", &input.owner, 200)?,
            due_on: due_on.map(ymd),
            residual_likelihood: residual.map(|(l, _)| i64::from(l)),
            residual_vulnerability: residual.map(|(_, v)| i64::from(v)),
            residual_value: residual_value.map(i64::from),
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
        org_id: &str,
        input: RiskInput,
    ) -> Result<RiskView> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let (row, st) = self.risk_row(p, &org, input, None).await?;
        let mut e = p.event("risk.created", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"asset": row.asset, "risk_value": row.risk_value, "treatment": row.treatment});
        self.store
            .insert_risk(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(view(row, &st))
    }

    /// Replaces a risk's fields and recomputes its values on the
    /// organisation's current scale (`status` left out keeps the status).
    pub async fn update_risk(&self, p: &Principal, id: &str, input: RiskInput) -> Result<RiskView> {
        let (old, _) = self.get_risk(p, id).await?;
        let old = old.risk;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        let (row, st) = self.risk_row(p, &org, input, Some(&old)).await?;
        let mut e = p.event("risk.updated", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({
            "asset": row.asset,
            "risk_value": [old.risk_value, row.risk_value],
            "residual_value": [old.residual_value, row.residual_value],
            "treatment": [old.treatment, row.treatment],
            "status": [old.status, row.status],
        });
        self.store
            .update_risk(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(view(row, &st))
    }

    /// Deletes a risk (audited with what it was).
    pub async fn delete_risk(&self, p: &Principal, id: &str) -> Result<RiskRow> {
        let (old, _) = self.get_risk(p, id).await?;
        let old = old.risk;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        let mut e = p.event("risk.deleted", Some(&org.id), Some(&old.id));
        e.details = serde_json::json!({"asset": old.asset, "threat": old.threat, "risk_value": old.risk_value, "treatment": old.treatment, "status": old.status});
        self.store
            .delete_risk(
                &p.scope(Permission::RecordWrite),
                &org.id,
                &old.id,
                self.now(),
                e,
            )
            .await?;
        Ok(old)
    }
}
