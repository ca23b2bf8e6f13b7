//! JSON API of the risk register.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::AppError;
use zian_app::risk::{
    FACTORS, FactorLabels, HeatMap, RiskInput, RiskRegister, RiskSettings, RiskSettingsInput,
    RiskView,
};
use zian_domain::Permission;
use zian_storage::RiskFilter;

use super::{ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::csv::Csv;
use crate::error::{current_lang, i18n};
use crate::extract::ApiCaller;
use crate::i18n::Lang;
use crate::state::AppState;

/// A risk: value = asset value × likelihood × vulnerability.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RiskOut {
    pub id: String,
    pub org_id: String,
    pub system_id: Option<String>,
    pub asset: String,
    pub threat: String,
    pub weakness: String,
    pub asset_value: i64,
    pub likelihood: i64,
    pub vulnerability: i64,
    pub risk_value: i64,
    pub band_zh: String,
    pub band_en: String,
    /// Value ≤ threshold.
    pub acceptable: bool,
    pub threshold: i64,
    /// `accept`, `mitigate`, `transfer` or `avoid`.
    pub treatment: String,
    pub owner: String,
    pub due_on: Option<String>,
    pub residual_likelihood: Option<i64>,
    pub residual_vulnerability: Option<i64>,
    pub residual_value: Option<i64>,
    pub residual_band_en: Option<String>,
    pub residual_acceptable: Option<bool>,
    /// `open`, `treating` or `closed`.
    pub status: String,
    /// A stored rating is above the organisation's current scale.
    pub out_of_scale: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<RiskView> for RiskOut {
    fn from(v: RiskView) -> Self {
        let r = v.risk;
        RiskOut {
            id: r.id,
            org_id: r.org_id,
            system_id: r.system_id,
            asset: r.asset,
            threat: r.threat,
            weakness: r.weakness,
            asset_value: r.asset_value,
            likelihood: r.likelihood,
            vulnerability: r.vulnerability,
            risk_value: r.risk_value,
            band_zh: v.score.band_zh,
            band_en: v.score.band_en,
            acceptable: v.score.acceptable,
            threshold: r.threshold,
            treatment: r.treatment,
            owner: r.owner,
            due_on: r.due_on,
            residual_likelihood: r.residual_likelihood,
            residual_vulnerability: r.residual_vulnerability,
            residual_value: r.residual_value,
            residual_band_en: v.residual.as_ref().map(|s| s.band_en.clone()),
            residual_acceptable: v.residual.as_ref().map(|s| s.acceptable),
            status: r.status,
            out_of_scale: v.out_of_scale,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct HeatCellOut {
    pub likelihood: u32,
    pub vulnerability: u32,
    pub value: u32,
    pub band_en: String,
    pub count: usize,
}

/// Heat map for one asset value: rows = likelihood 1..max, columns = vulnerability 1..max.
#[derive(Debug, Serialize, JsonSchema)]
pub struct HeatMapOut {
    pub asset_value: u32,
    pub cells: Vec<Vec<HeatCellOut>>,
}

impl From<HeatMap> for HeatMapOut {
    fn from(h: HeatMap) -> Self {
        HeatMapOut {
            asset_value: h.asset_value,
            cells: h
                .cells
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|c| HeatCellOut {
                            likelihood: c.likelihood,
                            vulnerability: c.vulnerability,
                            value: c.score.value,
                            band_en: c.score.band_en,
                            count: c.count,
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RiskRegisterOut {
    pub org_id: String,
    /// The organisation's acceptance threshold.
    pub threshold: u32,
    pub items: Vec<RiskOut>,
    pub heat_maps: Vec<HeatMapOut>,
    /// The scale in force.
    pub settings: RiskSettingsOut,
    /// Risks rated above the current scale (flagged `out_of_scale`).
    pub out_of_scale: usize,
}

impl From<RiskRegister> for RiskRegisterOut {
    fn from(r: RiskRegister) -> Self {
        RiskRegisterOut {
            org_id: r.org.id,
            threshold: r.threshold,
            items: r.risks.into_iter().map(RiskOut::from).collect(),
            heat_maps: r.heat_maps.into_iter().map(HeatMapOut::from).collect(),
            settings: r.settings.into(),
            out_of_scale: r.out_of_scale,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct BandOut {
    pub name_zh: String,
    pub name_en: String,
    pub min: u32,
    pub max: u32,
}

/// The risk scale of an organisation: its own settings, inherited from the
/// nearest ancestor that has some, or the default (1–3, threshold 6).
#[derive(Debug, Serialize, JsonSchema)]
pub struct RiskSettingsOut {
    pub org_id: String,
    /// Whose settings these are; null: the default.
    pub source_org_id: Option<String>,
    pub inherited: bool,
    pub asset_value_max: u32,
    pub likelihood_max: u32,
    pub vulnerability_max: u32,
    /// The common maximum when the three are equal.
    pub scale_max: Option<u32>,
    pub threshold: u32,
    /// The largest risk value (product of the maxima).
    pub max_value: u32,
    pub bands: Vec<BandOut>,
    /// Factor key (`asset_value`, `likelihood`, `vulnerability`) → rating labels in force.
    pub labels: BTreeMap<String, LabelsOut>,
    pub updated_at: Option<i64>,
}

/// Labels of one factor's ratings, lowest first.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LabelsOut {
    pub zh: Vec<String>,
    pub en: Vec<String>,
}

impl From<RiskSettings> for RiskSettingsOut {
    fn from(s: RiskSettings) -> Self {
        RiskSettingsOut {
            scale_max: s.common_max(),
            max_value: s.max_value(),
            bands: s
                .method
                .bands
                .iter()
                .map(|b| BandOut {
                    name_zh: b.name_zh.clone(),
                    name_en: b.name_en.clone(),
                    min: b.min,
                    max: b.max,
                })
                .collect(),
            labels: s
                .method
                .factors
                .iter()
                .map(|f| {
                    (
                        f.key.clone(),
                        LabelsOut {
                            zh: f.labels_zh.clone(),
                            en: f.labels_en.clone(),
                        },
                    )
                })
                .collect(),
            org_id: s.org_id,
            source_org_id: s.source_org_id,
            inherited: s.inherited,
            asset_value_max: s.asset_value_max,
            likelihood_max: s.likelihood_max,
            vulnerability_max: s.vulnerability_max,
            threshold: s.threshold,
            updated_at: s.updated_at,
        }
    }
}

/// New risk settings. Maxima 3–5: `scale_max` for every factor, a factor's
/// own maximum wins; default 3. Threshold default: the top of the low band.
/// Label lists: one label per rating, lowest first, or empty.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskSettingsIn {
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

impl RiskSettingsIn {
    pub fn input(self) -> RiskSettingsInput {
        let mut labels = BTreeMap::new();
        for (key, zh, en) in [
            (
                FACTORS[0],
                self.asset_value_labels_zh,
                self.asset_value_labels_en,
            ),
            (
                FACTORS[1],
                self.likelihood_labels_zh,
                self.likelihood_labels_en,
            ),
            (
                FACTORS[2],
                self.vulnerability_labels_zh,
                self.vulnerability_labels_en,
            ),
        ] {
            labels.insert(key.to_string(), FactorLabels { zh, en });
        }
        RiskSettingsInput {
            scale_max: self.scale_max,
            asset_value_max: self.asset_value_max,
            likelihood_max: self.likelihood_max,
            vulnerability_max: self.vulnerability_max,
            threshold: self.threshold,
            labels,
        }
    }
}

/// Filters of the register, from the query string: `system_id`,
/// `treatment`, `status`, `above_threshold` (`true`/`1`), `min_value`. Other
/// parameters are ignored. Parsed only after the caller's access to the
/// organisation is checked, so malformed filters tell outsiders nothing.
pub fn risk_filter(pairs: &[(String, String)]) -> Result<RiskFilter, AppError> {
    let mut f = RiskFilter::default();
    for (k, v) in pairs {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match k.as_str() {
            "system_id" => f.system_id = Some(v.to_string()),
            "treatment" => f.treatment = Some(v.to_string()),
            "status" => f.status = Some(v.to_string()),
            "above_threshold" => {
                f.above_threshold = match v {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(AppError::invalid("above_threshold", "true or false")),
                }
            }
            "min_value" => {
                f.min_value = Some(
                    v.parse()
                        .map_err(|_| AppError::invalid("min_value", "a whole number"))?,
                )
            }
            _ => {}
        }
    }
    Ok(f)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskIn {
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
    pub owner: String,
    pub due_on: Option<String>,
    pub residual_likelihood: Option<u32>,
    pub residual_vulnerability: Option<u32>,
    pub status: Option<String>,
}

impl RiskIn {
    pub fn input(self) -> RiskInput {
        RiskInput {
            system_id: self.system_id,
            asset: self.asset,
            threat: self.threat,
            weakness: self.weakness,
            asset_value: self.asset_value,
            likelihood: self.likelihood,
            vulnerability: self.vulnerability,
            threshold: self.threshold,
            treatment: self.treatment,
            owner: self.owner,
            due_on: self.due_on,
            residual_likelihood: self.residual_likelihood,
            residual_vulnerability: self.residual_vulnerability,
            status: self.status,
        }
    }
}

pub async fn risks_list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<RiskRegisterOut>> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let f = risk_filter(&q)?;
    Ok(ApiJson(
        st.app.risk_register(&c.p, &org.id, f).await?.into(),
    ))
}

pub async fn risks_create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<RiskIn>,
) -> ApiResult<(StatusCode, ApiJson<RiskOut>)> {
    let v = st.app.create_risk(&c.p, &id, b.input()).await?;
    Ok((StatusCode::CREATED, ApiJson(v.into())))
}

pub async fn risk_get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<RiskOut>> {
    let (v, _) = st.app.get_risk(&c.p, &id).await?;
    Ok(ApiJson(v.into()))
}

/// Replaces a risk's fields (same body as recording one; `status` left out
/// keeps the status) and recomputes its values.
pub async fn risk_update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<RiskIn>,
) -> ApiResult<ApiJson<RiskOut>> {
    Ok(ApiJson(
        st.app.update_risk(&c.p, &id, b.input()).await?.into(),
    ))
}

pub async fn risk_delete(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    st.app.delete_risk(&c.p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn settings_get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<RiskSettingsOut>> {
    Ok(ApiJson(st.app.risk_settings(&c.p, &id).await?.into()))
}

pub async fn settings_put(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<RiskSettingsIn>,
) -> ApiResult<ApiJson<RiskSettingsOut>> {
    Ok(ApiJson(
        st.app.set_risk_settings(&c.p, &id, b.input()).await?.into(),
    ))
}

fn tr(lang: Lang, key: &str) -> String {
    i18n().t(lang, key).to_string()
}

/// The register as CSV, one risk per line, in the caller's language (the
/// same filters as the JSON register).
pub fn register_csv(reg: &RiskRegister, systems: &BTreeMap<String, String>, lang: Lang) -> Csv {
    let mut c = Csv::new();
    let en = lang == Lang::En;
    c.row(
        [
            "risk.edit.id",
            "risk.system",
            "risk.asset",
            "risk.threat",
            "risk.weakness",
            "risk.asset_value",
            "risk.likelihood",
            "risk.edit.vulnerability_rating",
            "risk.value",
            "risk.edit.level",
            "risk.acceptable",
            "risk.threshold",
            "risk.treatment",
            "risk.owner",
            "risk.due_on",
            "risk.residual_likelihood",
            "risk.residual_vulnerability",
            "risk.residual",
            "risk.status",
            "risk.settings.out_of_scale",
        ]
        .map(|k| tr(lang, k)),
    );
    let yes_no = |b: bool| tr(lang, if b { "systems.yes" } else { "systems.no" });
    let opt = |v: Option<i64>| v.map_or_else(String::new, |v| v.to_string());
    for v in &reg.risks {
        let r = &v.risk;
        c.row([
            r.id.clone(),
            r.system_id
                .as_ref()
                .map(|id| systems.get(id).cloned().unwrap_or_else(|| id.clone()))
                .unwrap_or_default(),
            r.asset.clone(),
            r.threat.clone(),
            r.weakness.clone(),
            r.asset_value.to_string(),
            r.likelihood.to_string(),
            r.vulnerability.to_string(),
            r.risk_value.to_string(),
            if en {
                v.score.band_en.clone()
            } else {
                v.score.band_zh.clone()
            },
            yes_no(v.score.acceptable),
            r.threshold.to_string(),
            tr(lang, &format!("risk.treat.{}", r.treatment)),
            r.owner.clone(),
            r.due_on.clone().unwrap_or_default(),
            opt(r.residual_likelihood),
            opt(r.residual_vulnerability),
            opt(r.residual_value),
            tr(lang, &format!("risk.st.{}", r.status)),
            yes_no(v.out_of_scale),
        ]);
    }
    c
}

/// The register as CSV (UTF-8 with BOM); filters as for the JSON register.
pub async fn risks_csv(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let f = risk_filter(&q)?;
    let reg = st.app.risk_register(&c.p, &org.id, f).await?;
    let (_, systems) = st.app.list_systems(&c.p, &org.id, true).await?;
    let systems = systems.into_iter().map(|s| (s.id, s.name)).collect();
    let name = format!("risks-{}.csv", org.code.as_deref().unwrap_or("org"));
    Ok(register_csv(&reg, &systems, current_lang()).into_download(&ascii_name(&name)))
}

/// A file name safe for a header: ASCII letters, digits, `-`, `_`, `.`.
pub fn ascii_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}
