//! The endpoint coverage API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::coverage::{CoverageOut, CoverageView, ImportInput, ImportRead};
use zian_domain::OrgId;

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath};
use crate::state::AppState;

/// A register device with what it lacks.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoverageDeviceOut")]
pub struct DeviceOut {
    pub asset_id: String,
    pub name: String,
    /// `edr`, `edr_stale`, `av`, `gcb`, `vans`, `dual_nic`.
    pub gaps: Vec<String>,
}

/// A device a console reports that the register does not hold.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoverageUnregisteredOut")]
pub struct UnregisteredOut {
    pub hostname: String,
    pub ip: Vec<String>,
    pub edr: bool,
}

/// A console's latest devices export.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoverageSourceOut")]
pub struct SourceOut {
    pub source: String,
    pub received_at: i64,
    pub rows: usize,
}

/// The SOC's figures.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoverageAlertsOut")]
pub struct AlertsOut {
    /// Days covered.
    pub days: i64,
    pub total: u32,
    pub open: u32,
    pub closed: u32,
    /// critical, high, medium, low, info.
    pub by_severity: [u32; 5],
    /// Mean of closed at − raised at over the closed alerts, in minutes.
    pub mean_time_to_respond_minutes: Option<i64>,
}

/// An agency of the subtree.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoverageAgencyOut")]
pub struct AgencyOut {
    pub org_id: String,
    pub name: String,
    pub level: Option<String>,
    pub received_at: Option<i64>,
    pub coverage: Option<CoverageOut>,
    pub edr_adopted: bool,
    pub edr_submitted: bool,
}

/// A ratio with its formula's terms.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoverageRatioOut")]
pub struct RatioOut {
    pub numerator: u64,
    pub denominator: u64,
    pub percent: Option<f64>,
}

impl RatioOut {
    fn of(r: &zian_domain::coverage::Ratio) -> RatioOut {
        RatioOut {
            numerator: r.numerator,
            denominator: r.denominator,
            percent: r.percent(),
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoverageViewOut")]
pub struct CoverageViewOut {
    pub org_id: String,
    pub coverage: CoverageOut,
    pub devices: Vec<DeviceOut>,
    pub unregistered: Vec<UnregisteredOut>,
    pub sources: Vec<SourceOut>,
    pub alerts: AlertsOut,
    pub agencies: Vec<AgencyOut>,
    /// B-level agencies submitting EDR data (a devices export with an
    /// agent, within 31 days) / all B-level agencies of the subtree.
    pub b_edr_submission: RatioOut,
    /// B-level agencies with an EDR agent on any device / all B-level
    /// agencies of the subtree.
    pub b_edr_adoption: RatioOut,
}

pub(crate) fn view_out(v: &CoverageView) -> CoverageViewOut {
    CoverageViewOut {
        org_id: v.org.id.to_string(),
        coverage: CoverageOut::of(&v.coverage),
        devices: v
            .devices
            .iter()
            .map(|d| DeviceOut {
                asset_id: d.asset_id.clone(),
                name: d.name.clone(),
                gaps: d.gaps.iter().map(|g| g.as_str().to_string()).collect(),
            })
            .collect(),
        unregistered: v
            .unregistered
            .iter()
            .map(|d| UnregisteredOut {
                hostname: d.hostname.clone(),
                ip: d.ip.iter().map(ToString::to_string).collect(),
                edr: d.edr,
            })
            .collect(),
        sources: v
            .sources
            .iter()
            .map(|(source, at, rows)| SourceOut {
                source: source.clone(),
                received_at: *at,
                rows: *rows,
            })
            .collect(),
        alerts: AlertsOut {
            days: zian_app::coverage::ALERT_DAYS,
            total: v.alerts.total,
            open: v.alerts.open,
            closed: v.alerts.closed,
            by_severity: v.alerts.by_severity,
            mean_time_to_respond_minutes: v.alerts.mean_time_to_respond_secs.map(|s| s / 60),
        },
        agencies: v
            .agencies
            .iter()
            .map(|a| AgencyOut {
                org_id: a.org.id.to_string(),
                name: a.org.name_zh.clone(),
                level: a.org.level.map(|l| l.as_str().to_string()),
                received_at: a.received_at,
                coverage: a.coverage.as_ref().map(CoverageOut::of),
                edr_adopted: a.adopted,
                edr_submitted: a.submitted,
            })
            .collect(),
        b_edr_submission: RatioOut::of(&v.kpis.b_submission),
        b_edr_adoption: RatioOut::of(&v.kpis.b_adoption),
    }
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<CoverageViewOut>> {
    let v = st.app.coverage(&c.p, &id).await?;
    Ok(ApiJson(view_out(&v)))
}

pub async fn import(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<ImportInput>,
) -> ApiResult<(StatusCode, ApiJson<ImportRead>)> {
    let commit = input.commit;
    let r = st.app.import_coverage(&c.p, &id, input, c.lang).await?;
    let code = if commit {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, ApiJson(r)))
}
