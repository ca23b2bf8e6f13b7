//! The L1–L5 maturity API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::corrective::ActionOut;
use zian_app::maturity::{
    CompareRow, FrameworkInput, MeetingInput, ProgrammeInput, ProgrammeOut, ReportEditInput,
    ReportInput, ReportOut, ReviewInput, Summary, TaskInput, TaskOut, TaskStatusInput,
    TrackingInput, task_out,
};
use zian_domain::maturity::{Month, Programme};
use zian_domain::{MaturityProgrammeId, MaturityReportId, OrgId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// An organisation's programme and reports.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "MaturityOverviewOut")]
pub struct OverviewOut {
    pub org_id: String,
    pub programme: Option<ProgrammeOut>,
    pub summary: Option<Summary>,
    pub reports: Vec<ReportOut>,
    /// The month a draft could be made for now (`YYYY-MM`).
    pub next_month: Option<String>,
}

/// A layer of the framework.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "MaturityLayerOut")]
pub struct LayerOut {
    pub layer: String,
    pub name: String,
    pub start: f64,
    pub current: f64,
    pub target: f64,
    pub rubric: Vec<String>,
}

/// A key result of the framework.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "MaturityKeyResultOut")]
pub struct KeyResultOut {
    pub kr: String,
    pub layer: String,
    pub title: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: f64,
    /// `higher` or `lower`.
    pub direction: String,
    pub metric: Option<String>,
}

/// A programme with its framework and tables.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "MaturityProgrammeDetailOut")]
pub struct ProgrammeDetailOut {
    pub programme: ProgrammeOut,
    pub layers: Vec<LayerOut>,
    pub key_results: Vec<KeyResultOut>,
    pub tasks: Vec<TaskOut>,
    pub summary: Summary,
}

/// A report with the tables as of its month.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "MaturityReportDetailOut")]
pub struct ReportDetailOut {
    pub report: ReportOut,
    pub summary: Summary,
    /// The action items raised at the month's review meeting.
    pub actions: Vec<ActionOut>,
    /// Earlier months' action items followed up: still open, or closed
    /// since the month began.
    pub carried_actions: Vec<ActionOut>,
}

/// A supervisor's comparison.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "MaturityCompareOut")]
pub struct CompareOut {
    pub org_id: String,
    pub month: String,
    pub rows: Vec<CompareRow>,
}

/// Which month.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct MonthQuery {
    /// `YYYY-MM`
    pub month: Option<String>,
}

pub(crate) fn programme_detail(x: &Programme, s: Summary) -> ProgrammeDetailOut {
    ProgrammeDetailOut {
        programme: ProgrammeOut::of(x),
        layers: x
            .body
            .layers
            .iter()
            .map(|l| LayerOut {
                layer: l.layer.as_str().into(),
                name: l.name.clone(),
                start: l.start,
                current: l.current,
                target: l.target,
                rubric: l.rubric.clone(),
            })
            .collect(),
        key_results: x
            .body
            .key_results
            .iter()
            .map(|k| KeyResultOut {
                kr: k.code.clone(),
                layer: k.layer.as_str().into(),
                title: k.title.clone(),
                unit: k.unit.clone(),
                baseline: k.baseline,
                target: k.target,
                direction: if k.lower_is_better { "lower" } else { "higher" }.into(),
                metric: k.metric.map(|m| m.as_str().to_string()),
            })
            .collect(),
        tasks: x.body.tasks.iter().map(|t| task_out(x, t)).collect(),
        summary: s,
    }
}

pub async fn overview(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<OverviewOut>> {
    let v = st.app.maturity(&c.p, &id).await?;
    Ok(ApiJson(OverviewOut {
        org_id: v.org.id.to_string(),
        programme: v.programme.as_ref().map(ProgrammeOut::of),
        summary: v.summary,
        reports: v.reports.iter().map(ReportOut::of).collect(),
        next_month: v.next_month.map(|m| m.to_string()),
    }))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<ProgrammeInput>,
) -> ApiResult<(StatusCode, ApiJson<ProgrammeOut>)> {
    let x = st.app.create_maturity_programme(&c.p, &id, input).await?;
    Ok((StatusCode::CREATED, ApiJson(ProgrammeOut::of(&x))))
}

pub async fn compare(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> ApiResult<ApiJson<CompareOut>> {
    let month = q
        .month
        .as_deref()
        .map(|m| Month::parse("month", m))
        .transpose()
        .map_err(zian_app::AppError::from)?;
    let v = st.app.maturity_comparison(&c.p, &id, month).await?;
    Ok(ApiJson(CompareOut {
        org_id: v.org.id.to_string(),
        month: v.month.to_string(),
        rows: v.rows,
    }))
}

pub async fn programme(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityProgrammeId>,
) -> ApiResult<ApiJson<ProgrammeDetailOut>> {
    let (x, s) = st.app.maturity_programme(&c.p, &id).await?;
    Ok(ApiJson(programme_detail(&x, s)))
}

async fn detail(
    st: &AppState,
    c: &ApiCaller,
    id: &MaturityProgrammeId,
) -> ApiResult<ApiJson<ProgrammeDetailOut>> {
    let (x, s) = st.app.maturity_programme(&c.p, id).await?;
    Ok(ApiJson(programme_detail(&x, s)))
}

pub async fn framework(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityProgrammeId>,
    ApiJson(input): ApiJson<FrameworkInput>,
) -> ApiResult<ApiJson<ProgrammeDetailOut>> {
    st.app.edit_maturity_framework(&c.p, &id, input).await?;
    detail(&st, &c, &id).await
}

pub async fn tracking(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityProgrammeId>,
    ApiJson(input): ApiJson<TrackingInput>,
) -> ApiResult<ApiJson<ProgrammeDetailOut>> {
    st.app.edit_maturity_tracking(&c.p, &id, input).await?;
    detail(&st, &c, &id).await
}

pub async fn add_task(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityProgrammeId>,
    ApiJson(input): ApiJson<TaskInput>,
) -> ApiResult<ApiJson<ProgrammeDetailOut>> {
    st.app.add_maturity_task(&c.p, &id, input).await?;
    detail(&st, &c, &id).await
}

pub async fn task_status(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityProgrammeId>,
    ApiJson(input): ApiJson<TaskStatusInput>,
) -> ApiResult<ApiJson<ProgrammeDetailOut>> {
    st.app.set_maturity_task(&c.p, &id, input).await?;
    detail(&st, &c, &id).await
}

async fn report_detail(
    st: &AppState,
    c: &ApiCaller,
    id: &MaturityReportId,
) -> ApiResult<ApiJson<ReportDetailOut>> {
    let v = st.app.maturity_report(&c.p, id).await?;
    let today = st.app.today();
    Ok(ApiJson(ReportDetailOut {
        report: ReportOut::of(&v.report),
        summary: v.summary,
        actions: v.actions.iter().map(|a| ActionOut::of(a, today)).collect(),
        carried_actions: v.carried.iter().map(|a| ActionOut::of(a, today)).collect(),
    }))
}

pub async fn create_report(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityProgrammeId>,
    ApiJson(input): ApiJson<ReportInput>,
) -> ApiResult<(StatusCode, ApiJson<ReportDetailOut>)> {
    let r = st.app.create_maturity_report(&c.p, &id, input).await?;
    Ok((StatusCode::CREATED, report_detail(&st, &c, &r.id).await?))
}

pub async fn report(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityReportId>,
) -> ApiResult<ApiJson<ReportDetailOut>> {
    report_detail(&st, &c, &id).await
}

pub async fn edit_report(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityReportId>,
    ApiJson(input): ApiJson<ReportEditInput>,
) -> ApiResult<ApiJson<ReportDetailOut>> {
    st.app.edit_maturity_report(&c.p, &id, input).await?;
    report_detail(&st, &c, &id).await
}

pub async fn gather(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityReportId>,
) -> ApiResult<ApiJson<ReportDetailOut>> {
    st.app.gather_maturity_report(&c.p, &id).await?;
    report_detail(&st, &c, &id).await
}

pub async fn submit(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityReportId>,
) -> ApiResult<ApiJson<ReportDetailOut>> {
    st.app.submit_maturity_report(&c.p, &id).await?;
    report_detail(&st, &c, &id).await
}

pub async fn review(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityReportId>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> ApiResult<ApiJson<ReportDetailOut>> {
    st.app.review_maturity_report(&c.p, &id, input).await?;
    report_detail(&st, &c, &id).await
}

pub async fn meeting(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<MaturityReportId>,
    ApiJson(input): ApiJson<MeetingInput>,
) -> ApiResult<ApiJson<ReportDetailOut>> {
    st.app.record_maturity_meeting(&c.p, &id, input).await?;
    report_detail(&st, &c, &id).await
}
