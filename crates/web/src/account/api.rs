//! The caller's own API: who am I, language, password, shared records.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::Principal;
use zian_domain::user::Share;

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson};
use crate::state::AppState;
use crate::users::api::{AssignmentOut, UserOut};
use crate::values::rfc3339;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocaleInput {
    /// `zh-TW` or `en`.
    pub locale: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct MeOut {
    pub user: UserOut,
    pub roles: Vec<AssignmentOut>,
    pub via_token: bool,
}

impl MeOut {
    pub fn from_principal(p: &Principal) -> MeOut {
        MeOut {
            user: UserOut::from(p.user.clone()),
            roles: p
                .assignments
                .iter()
                .cloned()
                .map(AssignmentOut::from)
                .collect(),
            via_token: p.token.is_some(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ShareOut {
    pub id: String,
    pub record_type: String,
    pub record_id: String,
    pub title: String,
    pub created_at: String,
}

impl From<Share> for ShareOut {
    fn from(s: Share) -> Self {
        ShareOut {
            id: s.id,
            record_type: s.record_type,
            record_id: s.record_id,
            title: s.title,
            created_at: rfc3339(s.created_at),
        }
    }
}

pub async fn me(c: ApiCaller) -> ApiResult<ApiJson<MeOut>> {
    Ok(ApiJson(MeOut::from_principal(&c.p)))
}

pub async fn me_locale(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<LocaleInput>,
) -> ApiResult<StatusCode> {
    st.app.set_locale(&c.p, &b.locale).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me_password(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<PasswordChangeInput>,
) -> ApiResult<StatusCode> {
    let keep = c.session.as_ref().map(|s| s.id_hash.as_str());
    st.app
        .change_password(&c.p, keep, &b.current_password, &b.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn shared_list(
    State(st): State<AppState>,
    c: ApiCaller,
) -> ApiResult<ApiJson<Vec<ShareOut>>> {
    let v = st.app.shared_with_me(&c.p).await?;
    Ok(ApiJson(v.into_iter().map(ShareOut::from).collect()))
}
