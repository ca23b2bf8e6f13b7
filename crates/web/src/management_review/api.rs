//! The management review API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::corrective::ActionOut;
use zian_app::management_review::{HeldInput, MinutesInput, ReviewInput, ReviewOut};
use zian_domain::day::ymd;
use zian_domain::{ManagementReviewId, OrgId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath};
use crate::state::AppState;

/// An organisation's reviews.
#[derive(Serialize, JsonSchema)]
pub struct ReviewListOut {
    pub org_id: String,
    /// The latest review held.
    pub last_held: Option<String>,
    /// No review held in the past year.
    pub due: bool,
    pub reviews: Vec<ReviewOut>,
}

/// A review with its action items.
#[derive(Serialize, JsonSchema)]
pub struct ReviewDetailOut {
    pub review: ReviewOut,
    pub actions: Vec<ActionOut>,
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<(StatusCode, ApiJson<ReviewListOut>)> {
    let v = st.app.management_reviews(&c.p, &id).await?;
    Ok((
        StatusCode::OK,
        ApiJson(ReviewListOut {
            org_id: v.org.id.to_string(),
            last_held: v.last_held.map(ymd),
            due: v.due,
            reviews: v.reviews.iter().map(ReviewOut::of).collect(),
        }),
    ))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> ApiResult<(StatusCode, ApiJson<ReviewOut>)> {
    let r = st.app.create_management_review(&c.p, &id, input).await?;
    Ok((StatusCode::CREATED, ApiJson(ReviewOut::of(&r))))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ManagementReviewId>,
) -> ApiResult<(StatusCode, ApiJson<ReviewDetailOut>)> {
    let v = st.app.management_review(&c.p, &id).await?;
    let today = st.app.today();
    Ok((
        StatusCode::OK,
        ApiJson(ReviewDetailOut {
            review: ReviewOut::of(&v.review),
            actions: v.actions.iter().map(|a| ActionOut::of(a, today)).collect(),
        }),
    ))
}

pub async fn gather(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ManagementReviewId>,
) -> ApiResult<(StatusCode, ApiJson<ReviewOut>)> {
    let r = st.app.gather_management_review(&c.p, &id).await?;
    Ok((StatusCode::OK, ApiJson(ReviewOut::of(&r))))
}

pub async fn minutes(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ManagementReviewId>,
    ApiJson(input): ApiJson<MinutesInput>,
) -> ApiResult<(StatusCode, ApiJson<ReviewOut>)> {
    let r = st
        .app
        .write_management_review_minutes(&c.p, &id, input)
        .await?;
    Ok((StatusCode::OK, ApiJson(ReviewOut::of(&r))))
}

pub async fn held(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ManagementReviewId>,
    ApiJson(input): ApiJson<HeldInput>,
) -> ApiResult<(StatusCode, ApiJson<ReviewOut>)> {
    let r = st.app.hold_management_review(&c.p, &id, input).await?;
    Ok((StatusCode::OK, ApiJson(ReviewOut::of(&r))))
}
