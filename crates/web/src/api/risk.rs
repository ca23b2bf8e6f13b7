//! JSON API of the risk register.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::AppError;
use zian_app::risk::{HeatMap, RiskInput, RiskRegister, RiskView};
use zian_domain::Permission;
use zian_storage::RiskFilter;

use super::{ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::extract::ApiCaller;
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

/// Heat map for one asset value: rows = likelihood 1..3, columns = vulnerability 1..3.
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
    /// The method's default acceptance threshold.
    pub threshold: u32,
    pub items: Vec<RiskOut>,
    pub heat_maps: Vec<HeatMapOut>,
}

impl From<RiskRegister> for RiskRegisterOut {
    fn from(r: RiskRegister) -> Self {
        RiskRegisterOut {
            org_id: r.org.id,
            threshold: r.threshold,
            items: r.risks.into_iter().map(RiskOut::from).collect(),
            heat_maps: r.heat_maps.into_iter().map(HeatMapOut::from).collect(),
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
    /// 1–3; default: the linked system's protection level (普 1, 中 2, 高 3).
    pub asset_value: Option<u32>,
    pub likelihood: u32,
    pub vulnerability: u32,
    /// Default 6 (of 27).
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
