//! The implementation report API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::implementation_report::{DraftInput, EditInput, ReportOut, ReportView, ReturnInput};
use zian_domain::{ImplementationReportId, OrgId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// Which year.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<i32>,
}

/// An organisation's report of a year.
#[derive(Serialize, JsonSchema)]
pub struct ReportViewOut {
    pub org_id: String,
    pub year: i32,
    /// None until drafted.
    pub report: Option<ReportOut>,
    /// The organisation it is submitted to (none: the competent authority).
    pub supervisor_id: Option<String>,
    pub supervisor_name: Option<String>,
}

impl From<&ReportView> for ReportViewOut {
    fn from(v: &ReportView) -> Self {
        ReportViewOut {
            org_id: v.org.id.to_string(),
            year: v.year,
            report: v.report.as_ref().map(ReportOut::of),
            supervisor_id: v.supervisor.as_ref().map(|o| o.id.to_string()),
            supervisor_name: v.supervisor.as_ref().map(|o| o.name_zh.clone()),
        }
    }
}

/// One organisation below and its report.
#[derive(Serialize, JsonSchema)]
pub struct RollupRowOut {
    pub org_id: String,
    pub org_name: String,
    pub level: Option<String>,
    /// `none`, `draft`, `approved` or `submitted`.
    pub status: String,
    pub report_id: Option<String>,
    pub submitted_on: Option<String>,
}

/// The organisations below one with their reports of a year.
#[derive(Serialize, JsonSchema)]
pub struct RollupOut {
    pub org_id: String,
    pub year: i32,
    pub submitted: usize,
    pub total: usize,
    pub orgs: Vec<RollupRowOut>,
}

pub async fn get_year(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<(StatusCode, ApiJson<ReportViewOut>)> {
    let v = st.app.implementation_report(&c.p, &id, q.year).await?;
    Ok((StatusCode::OK, ApiJson(ReportViewOut::from(&v))))
}

pub async fn draft(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<DraftInput>,
) -> ApiResult<(StatusCode, ApiJson<ReportOut>)> {
    let r = st.app.draft_implementation_report(&c.p, &id, input).await?;
    Ok((StatusCode::OK, ApiJson(ReportOut::of(&r))))
}

pub async fn rollup(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<(StatusCode, ApiJson<RollupOut>)> {
    let v = st
        .app
        .implementation_reports_rollup(&c.p, &id, q.year)
        .await?;
    Ok((
        StatusCode::OK,
        ApiJson(RollupOut {
            org_id: v.org.id.to_string(),
            year: v.year,
            submitted: v.submitted,
            total: v.rows.len(),
            orgs: v
                .rows
                .iter()
                .map(|r| RollupRowOut {
                    org_id: r.org.id.to_string(),
                    org_name: r.org.name_zh.clone(),
                    level: r.org.level.map(|l| l.as_str().to_string()),
                    status: r
                        .report
                        .as_ref()
                        .map_or("none", |x| x.status.as_str())
                        .to_string(),
                    report_id: r.report.as_ref().map(|x| x.id.to_string()),
                    submitted_on: r
                        .report
                        .as_ref()
                        .and_then(|x| x.submitted_on)
                        .map(zian_domain::day::ymd),
                })
                .collect(),
        }),
    ))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ImplementationReportId>,
) -> ApiResult<(StatusCode, ApiJson<ReportOut>)> {
    let v = st.app.implementation_report_by_id(&c.p, &id).await?;
    let r = v.report.ok_or(zian_app::AppError::NotFound)?;
    Ok((StatusCode::OK, ApiJson(ReportOut::of(&r))))
}

pub async fn edit(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ImplementationReportId>,
    ApiJson(input): ApiJson<EditInput>,
) -> ApiResult<(StatusCode, ApiJson<ReportOut>)> {
    let r = st.app.edit_implementation_report(&c.p, &id, input).await?;
    Ok((StatusCode::OK, ApiJson(ReportOut::of(&r))))
}

pub async fn approve(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ImplementationReportId>,
) -> ApiResult<(StatusCode, ApiJson<ReportOut>)> {
    let r = st.app.approve_implementation_report(&c.p, &id).await?;
    Ok((StatusCode::OK, ApiJson(ReportOut::of(&r))))
}

pub async fn submit(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ImplementationReportId>,
) -> ApiResult<(StatusCode, ApiJson<ReportOut>)> {
    let r = st.app.submit_implementation_report(&c.p, &id).await?;
    Ok((StatusCode::OK, ApiJson(ReportOut::of(&r))))
}

pub async fn send_back(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ImplementationReportId>,
    ApiJson(input): ApiJson<ReturnInput>,
) -> ApiResult<(StatusCode, ApiJson<ReportOut>)> {
    let r = st
        .app
        .return_implementation_report(&c.p, &id, input)
        .await?;
    Ok((StatusCode::OK, ApiJson(ReportOut::of(&r))))
}
