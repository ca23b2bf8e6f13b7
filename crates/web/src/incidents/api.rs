use axum::extract::State;
use zian_app::incidents::{AssessInput, Assessment};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson};
use crate::state::AppState;

pub async fn assess(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<AssessInput>,
) -> ApiResult<ApiJson<Assessment>> {
    Ok(ApiJson(st.app.assess_incident(&c.p, &b)?))
}
