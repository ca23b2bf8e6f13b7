//! The corrective actions API.

use axum::extract::State;
use axum::http::StatusCode;
use zian_app::corrective::{
    ActionInput, ActionOut, AnalysisInput, DoneInput, ReviewInput, action_filter,
};
use zian_domain::{ActionId, OrgId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::OrgPageOut;
use crate::state::AppState;

/// A page of corrective actions.
pub type ActionListOut = OrgPageOut<ActionOut>;

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<ActionListOut>> {
    let list = crate::list::query(&q, super::FILTERS)?;
    let today = st.app.today();
    let f = action_filter(&q, today)?;
    let page = st.app.list_actions(&c.p, &id, &f, &list).await?;
    Ok(ApiJson(OrgPageOut::of(&id, page, |a| {
        ActionOut::of(&a, today)
    })))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<ActionInput>,
) -> ApiResult<(StatusCode, ApiJson<ActionOut>)> {
    let a = st.app.raise_action(&c.p, b).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(ActionOut::of(&a, st.app.today())),
    ))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ActionId>,
) -> ApiResult<ApiJson<ActionOut>> {
    let a = st.app.get_action(&c.p, &id).await?;
    Ok(ApiJson(ActionOut::of(&a, st.app.today())))
}

pub async fn done(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ActionId>,
    ApiJson(b): ApiJson<DoneInput>,
) -> ApiResult<ApiJson<ActionOut>> {
    let a = st.app.finish_action(&c.p, &id, b).await?;
    Ok(ApiJson(ActionOut::of(&a, st.app.today())))
}

pub async fn analysis(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ActionId>,
    ApiJson(b): ApiJson<AnalysisInput>,
) -> ApiResult<ApiJson<ActionOut>> {
    let a = st.app.analyse_action(&c.p, &id, b).await?;
    Ok(ApiJson(ActionOut::of(&a, st.app.today())))
}

pub async fn review(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ActionId>,
    ApiJson(b): ApiJson<ReviewInput>,
) -> ApiResult<ApiJson<ActionOut>> {
    let a = st.app.review_action(&c.p, &id, b).await?;
    Ok(ApiJson(ActionOut::of(&a, st.app.today())))
}
