//! The continuity API: processes with their plans, activations, drills and
//! social-engineering drill rounds.

use axum::extract::State;
use axum::http::StatusCode;
use zian_app::continuity::{
    ActivationInput, ActivationOut, CampaignInput, CampaignOut, DrillInput, DrillOut,
    DrillResultInput, ProcessInput, ProcessOut, RunStepInput, TerminationInput,
};
use zian_domain::continuity::{DrillKind, DrillStatus};
use zian_domain::{ActivationId, DrillId, OrgId, ProcessId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::OrgPageOut;
use crate::state::AppState;

/// A page of processes, of drills, the rounds (all, latest first).
pub type ProcessListOut = OrgPageOut<ProcessOut>;
pub type DrillListOut = OrgPageOut<DrillOut>;
pub type CampaignListOut = OrgPageOut<CampaignOut>;

pub async fn processes(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<ProcessListOut>> {
    let list = crate::list::query(&q, &[])?;
    let page = st.app.list_processes(&c.p, &id, &list).await?;
    let today = st.app.today();
    Ok(ApiJson(OrgPageOut::of(&id, page, |x| {
        ProcessOut::of(&x, today)
    })))
}

pub async fn create_process(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<ProcessInput>,
) -> ApiResult<(StatusCode, ApiJson<ProcessOut>)> {
    let x = st.app.save_process(&c.p, &id, None, b).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(ProcessOut::of(&x, st.app.today())),
    ))
}

pub async fn process(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ProcessId>,
) -> ApiResult<ApiJson<ProcessOut>> {
    let v = st.app.process_view(&c.p, &id).await?;
    Ok(ApiJson(ProcessOut::of(&v.process, st.app.today())))
}

pub async fn update_process(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ProcessId>,
    ApiJson(b): ApiJson<ProcessInput>,
) -> ApiResult<ApiJson<ProcessOut>> {
    let v = st.app.process_view(&c.p, &id).await?;
    let x = st
        .app
        .save_process(&c.p, &v.process.org_id, Some(&id), b)
        .await?;
    Ok(ApiJson(ProcessOut::of(&x, st.app.today())))
}

pub async fn review_process(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ProcessId>,
) -> ApiResult<ApiJson<ProcessOut>> {
    let x = st.app.review_process(&c.p, &id).await?;
    Ok(ApiJson(ProcessOut::of(&x, st.app.today())))
}

pub async fn activate(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ProcessId>,
    ApiJson(b): ApiJson<ActivationInput>,
) -> ApiResult<(StatusCode, ApiJson<ActivationOut>)> {
    let v = st.app.activate_plan(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(v.out())))
}

pub async fn activation(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ActivationId>,
) -> ApiResult<ApiJson<ActivationOut>> {
    Ok(ApiJson(st.app.activation_view(&c.p, &id).await?.out()))
}

pub async fn activation_step(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ActivationId>,
    ApiJson(b): ApiJson<RunStepInput>,
) -> ApiResult<ApiJson<ActivationOut>> {
    Ok(ApiJson(st.app.activation_step(&c.p, &id, b).await?.out()))
}

pub async fn terminate(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ActivationId>,
    ApiJson(b): ApiJson<TerminationInput>,
) -> ApiResult<ApiJson<ActivationOut>> {
    Ok(ApiJson(
        st.app.terminate_activation(&c.p, &id, b).await?.out(),
    ))
}

/// The drill list's filters from the query: `kind`, `status`.
pub fn drill_filter(
    q: &[(String, String)],
) -> Result<(Option<DrillKind>, Option<DrillStatus>), zian_app::AppError> {
    let one = |k: &str| {
        q.iter()
            .find(|(n, v)| n == k && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    };
    let kind = one("kind")
        .map(|v| DrillKind::parse("drill_kind", v))
        .transpose()?;
    let status = one("status").map(DrillStatus::parse).transpose()?;
    Ok((kind, status))
}

pub async fn drills(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<DrillListOut>> {
    let list = crate::list::query(&q, super::DRILL_FILTERS)?;
    let (kind, status) = drill_filter(&q)?;
    let page = st.app.list_drills(&c.p, &id, kind, status, &list).await?;
    Ok(ApiJson(OrgPageOut::of(&id, page, |d| {
        DrillOut::of(&d, None)
    })))
}

pub async fn create_drill(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<DrillInput>,
) -> ApiResult<(StatusCode, ApiJson<DrillOut>)> {
    let v = st.app.save_drill(&c.p, &id, None, b).await?;
    Ok((StatusCode::CREATED, ApiJson(v.out())))
}

pub async fn drill(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<DrillId>,
) -> ApiResult<ApiJson<DrillOut>> {
    Ok(ApiJson(st.app.drill_view(&c.p, &id).await?.out()))
}

pub async fn update_drill(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<DrillId>,
    ApiJson(b): ApiJson<DrillInput>,
) -> ApiResult<ApiJson<DrillOut>> {
    let v = st.app.drill_view(&c.p, &id).await?;
    let v = st
        .app
        .save_drill(&c.p, &v.drill.org_id, Some(&id), b)
        .await?;
    Ok(ApiJson(v.out()))
}

pub async fn drill_step(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<DrillId>,
    ApiJson(b): ApiJson<RunStepInput>,
) -> ApiResult<ApiJson<DrillOut>> {
    Ok(ApiJson(st.app.drill_step(&c.p, &id, b).await?.out()))
}

pub async fn complete_drill(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<DrillId>,
    ApiJson(b): ApiJson<DrillResultInput>,
) -> ApiResult<ApiJson<DrillOut>> {
    Ok(ApiJson(st.app.complete_drill(&c.p, &id, b).await?.out()))
}

pub async fn campaigns(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<CampaignListOut>> {
    let items = st.app.list_campaigns(&c.p, &id).await?;
    let page = zian_domain::Page::whole(items);
    Ok(ApiJson(OrgPageOut::of(&id, page, |x| CampaignOut::of(&x))))
}

pub async fn create_campaign(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<CampaignInput>,
) -> ApiResult<(StatusCode, ApiJson<CampaignOut>)> {
    let x = st.app.record_campaign(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(CampaignOut::of(&x))))
}
