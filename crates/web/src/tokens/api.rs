//! The tokens API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::AppError;
use zian_domain::{ApiToken, Permission};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath};
use crate::state::AppState;
use crate::values::rfc3339;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    pub name: String,
    /// The token reaches this organisation's subtree only.
    pub org_id: String,
    /// A subset of the caller's permissions there, e.g. `org_read`.
    pub permissions: Vec<String>,
    /// Days the token lives; without it, the deployment's default
    /// (`auth.token_default_days`, 90 unless configured).
    pub expires_days: Option<i64>,
    /// A token that never expires: system administrators only, and not
    /// with `expires_days`.
    pub never_expires: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TokenOut {
    pub id: String,
    pub name: String,
    pub org_id: String,
    pub permissions: Vec<String>,
    pub created_at: String,
    /// Absent for a token that never expires (one an administrator asked
    /// for, or one created before tokens expired by default).
    pub expires_at: Option<String>,
    pub never_expires: bool,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

impl From<ApiToken> for TokenOut {
    fn from(t: ApiToken) -> Self {
        TokenOut {
            id: t.id,
            name: t.name,
            org_id: t.org_id.into(),
            permissions: t
                .permissions
                .iter()
                .map(|p| p.as_str().to_string())
                .collect(),
            created_at: rfc3339(t.created_at),
            expires_at: t.expires_at.map(rfc3339),
            never_expires: t.expires_at.is_none(),
            last_used_at: t.last_used_at.map(rfc3339),
            revoked: t.revoked_at.is_some(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct NewTokenOut {
    pub token: TokenOut,
    /// Shown once; only a hash is stored.
    pub secret: String,
}

pub async fn list(State(st): State<AppState>, c: ApiCaller) -> ApiResult<ApiJson<Vec<TokenOut>>> {
    let v = st.app.list_tokens(&c.p).await?;
    Ok(ApiJson(v.into_iter().map(TokenOut::from).collect()))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<TokenInput>,
) -> ApiResult<(StatusCode, ApiJson<NewTokenOut>)> {
    let perms = b
        .permissions
        .iter()
        .map(|p| Permission::parse(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(AppError::from)?;
    let t = st
        .app
        .create_token(
            &c.p,
            &b.name,
            &b.org_id.as_str().into(),
            &perms,
            b.expires_days,
            b.never_expires.unwrap_or(false),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(NewTokenOut {
            token: TokenOut::from(t.token),
            secret: t.secret,
        }),
    ))
}

pub async fn revoke(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    st.app.revoke_token(&c.p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
