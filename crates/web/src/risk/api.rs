//! The risk register API: the register with heat maps (paged), risks,
//! the organisation's risk scale, and the register as CSV.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::risk::{
    HeatMap, RiskInput, RiskRegister, RiskSettings, RiskSettingsInput, RiskView, risk_filter,
};
use zian_domain::list::HARD_LIMIT;
use zian_domain::{ListQuery, OrgId, Permission, RiskId};

use crate::csv::{Csv, ascii_name};
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::values::ymd;
use zian_i18n::{Lang, catalogue};

/// A risk: value = asset value × likelihood × vulnerability.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RiskOut {
    pub id: String,
    /// The human-readable number, `R-2026-001` (per organisation and year).
    pub number: String,
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
    /// The treatment measures (處理措施).
    pub measures: String,
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
            id: r.id.into(),
            number: r.number,
            org_id: r.org_id.into(),
            system_id: r.system_id.map(String::from),
            asset: r.asset.into(),
            threat: r.threat.into(),
            weakness: r.weakness.into(),
            asset_value: r.asset_value.into(),
            likelihood: r.likelihood.into(),
            vulnerability: r.vulnerability.into(),
            risk_value: r.risk_value.into(),
            band_zh: v.score.band_zh,
            band_en: v.score.band_en,
            acceptable: v.score.acceptable,
            threshold: r.threshold.into(),
            treatment: r.treatment.as_str().into(),
            measures: r.measures.into(),
            owner: r.owner.into(),
            due_on: ymd(r.due_on),
            residual_likelihood: r.residual_likelihood.map(i64::from),
            residual_vulnerability: r.residual_vulnerability.map(i64::from),
            residual_value: r.residual_value.map(i64::from),
            residual_band_en: v.residual.as_ref().map(|s| s.band_en.clone()),
            residual_acceptable: v.residual.as_ref().map(|s| s.acceptable),
            status: r.status.as_str().into(),
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
                            count: usize::try_from(c.count).unwrap_or(usize::MAX),
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

/// One page of the register (highest risk first unless sorted otherwise),
/// with the heat maps of every risk the filters select.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RiskRegisterOut {
    pub org_id: String,
    /// The organisation's acceptance threshold.
    pub threshold: u32,
    pub items: Vec<RiskOut>,
    /// Risks matching the filters, counted up to 10,000.
    pub total: i64,
    /// `false` when more than `total` risks match.
    pub total_exact: bool,
    pub limit: i64,
    pub offset: i64,
    pub heat_maps: Vec<HeatMapOut>,
    /// The scale in force.
    pub settings: RiskSettingsOut,
    /// Risks rated above the current scale (flagged `out_of_scale`).
    pub out_of_scale: usize,
}

impl From<RiskRegister> for RiskRegisterOut {
    fn from(r: RiskRegister) -> Self {
        RiskRegisterOut {
            org_id: r.org.id.into(),
            threshold: r.threshold,
            total: r.risks.total,
            total_exact: r.risks.total_exact,
            limit: r.risks.limit,
            offset: r.risks.offset,
            items: r.risks.items.into_iter().map(RiskOut::from).collect(),
            heat_maps: r.heat_maps.into_iter().map(HeatMapOut::from).collect(),
            settings: r.settings.into(),
            out_of_scale: usize::try_from(r.out_of_scale).unwrap_or(usize::MAX),
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
            org_id: s.org_id.into(),
            source_org_id: s.source_org_id.map(String::from),
            inherited: s.inherited,
            asset_value_max: s.asset_value_max,
            likelihood_max: s.likelihood_max,
            vulnerability_max: s.vulnerability_max,
            threshold: s.threshold,
            updated_at: s.updated_at,
        }
    }
}

/// One page of the register; filters and list parameters are parsed after
/// the access check, so malformed ones tell outsiders nothing.
pub async fn register(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<RiskRegisterOut>> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let list = crate::list::query(&q, super::FILTERS)?;
    let f = risk_filter(&q)?;
    Ok(ApiJson(
        st.app.risk_register(&c.p, &org.id, &f, &list).await?.into(),
    ))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<RiskInput>,
) -> ApiResult<(StatusCode, ApiJson<RiskOut>)> {
    let v = st.app.create_risk(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(v.into())))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<RiskId>,
) -> ApiResult<ApiJson<RiskOut>> {
    let (v, _) = st.app.get_risk(&c.p, &id).await?;
    Ok(ApiJson(v.into()))
}

/// Replaces a risk's fields (same body as recording one; `status` left out
/// keeps the status) and recomputes its values.
pub async fn update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<RiskId>,
    ApiJson(b): ApiJson<RiskInput>,
) -> ApiResult<ApiJson<RiskOut>> {
    Ok(ApiJson(st.app.update_risk(&c.p, &id, b).await?.into()))
}

pub async fn delete(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<RiskId>,
) -> ApiResult<StatusCode> {
    st.app.delete_risk(&c.p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn settings_get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<RiskSettingsOut>> {
    Ok(ApiJson(st.app.risk_settings(&c.p, &id).await?.into()))
}

pub async fn settings_put(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<RiskSettingsInput>,
) -> ApiResult<ApiJson<RiskSettingsOut>> {
    Ok(ApiJson(
        st.app.set_risk_settings(&c.p, &id, b).await?.into(),
    ))
}

fn tr(lang: Lang, key: &str) -> String {
    catalogue().t(lang, key).to_string()
}

/// The register as CSV, one risk per line, in the caller's language (the
/// same filters as the JSON register).
pub fn register_csv(reg: &RiskRegister, systems: &BTreeMap<String, String>, lang: Lang) -> Csv {
    let mut c = Csv::new();
    let en = lang == Lang::En;
    c.row(
        [
            "risk.edit.id",
            "risk_number.number",
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
            "risk_number.measures",
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
    let opt = |v: Option<u32>| v.map_or_else(String::new, |v| v.to_string());
    for v in &reg.risks.items {
        let r = &v.risk;
        c.row([
            r.id.to_string(),
            r.number.clone(),
            r.system_id
                .as_ref()
                .map(|id| {
                    systems
                        .get(id.as_str())
                        .cloned()
                        .unwrap_or_else(|| id.to_string())
                })
                .unwrap_or_default(),
            r.asset.to_string(),
            r.threat.to_string(),
            r.weakness.to_string(),
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
            tr(lang, &format!("risk.treat.{}", r.treatment.as_str())),
            r.measures.to_string(),
            r.owner.to_string(),
            ymd(r.due_on).unwrap_or_default(),
            opt(r.residual_likelihood),
            opt(r.residual_vulnerability),
            opt(r.residual_value),
            tr(lang, &format!("risk.st.{}", r.status.as_str())),
            yes_no(v.out_of_scale),
        ]);
    }
    c
}

/// The register as CSV (UTF-8 with BOM): every risk the filters select
/// (not a page), up to 20,000.
pub async fn csv(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let mut list = crate::list::query(&q, super::FILTERS)?;
    list.offset = 0;
    list.limit = HARD_LIMIT;
    let f = risk_filter(&q)?;
    let reg = st.app.risk_register(&c.p, &org.id, &f, &list).await?;
    let (_, systems) = st
        .app
        .list_systems(
            &c.p,
            &org.id,
            &ListQuery::all(HARD_LIMIT).with("archived", "1"),
        )
        .await?;
    let systems = systems
        .items
        .into_iter()
        .map(|s| (s.id.into_string(), s.name.into_string()))
        .collect();
    let name = format!("risks-{}.csv", org.code.as_deref().unwrap_or("org"));
    Ok(register_csv(&reg, &systems, c.lang).into_download(&ascii_name(&name)))
}
