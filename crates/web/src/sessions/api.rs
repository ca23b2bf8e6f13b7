//! The session API: password and second factor, logout.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::AppError;

use crate::cookies::{self, SESSION_COOKIE};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiCaller, ApiJson, CSRF_HEADER, Ctx, constant_eq};
use crate::state::AppState;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LoginOutput {
    pub mfa_required: bool,
    /// Send back in `X-CSRF-Token` on unsafe requests made with the cookie.
    pub csrf_token: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MfaInput {
    /// A 6-digit TOTP code or a recovery code.
    pub code: String,
}

pub async fn login(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<LoginInput>,
) -> ApiResult<Response> {
    let out = st.app.login(&b.username, &b.password, &ctx.meta).await;
    let out = match out {
        Ok(o) => {
            st.metrics
                .logins_ok
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            o
        }
        Err(e) => {
            st.metrics
                .logins_failed
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Err(e.into());
        }
    };
    let cookie = cookies::session(&st, &out.session_token);
    Ok((
        [(header::SET_COOKIE, cookie)],
        axum::Json(LoginOutput {
            mfa_required: out.needs_mfa,
            csrf_token: out.csrf_token,
        }),
    )
        .into_response())
}

pub async fn mfa(
    State(st): State<AppState>,
    ctx: Ctx,
    parts: axum::http::HeaderMap,
    ApiJson(b): ApiJson<MfaInput>,
) -> ApiResult<StatusCode> {
    let raw = parts
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            kv.trim()
                .strip_prefix(&format!("{SESSION_COOKIE}="))
                .map(str::to_string)
        })
        .ok_or(ApiError(AppError::Unauthenticated))?;
    let (p, s) = st.app.authenticate_session(&raw, &ctx.meta).await?;
    let csrf = parts
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !constant_eq(csrf, &s.csrf_token) {
        return Err(ApiError(AppError::Forbidden));
    }
    st.app
        .verify_mfa(&s, &p.user.id, &b.code, &ctx.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn logout(State(st): State<AppState>, c: ApiCaller) -> ApiResult<Response> {
    if let Some(s) = &c.session {
        st.app.logout(s, &c.p).await?;
    }
    Ok((
        [(header::SET_COOKIE, cookies::clear_session(&st))],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

pub async fn logout_all(State(st): State<AppState>, c: ApiCaller) -> ApiResult<Response> {
    let n = st.app.logout_everywhere(&c.p).await?;
    Ok((
        [(header::SET_COOKIE, cookies::clear_session(&st))],
        axum::Json(serde_json::json!({"sessions_ended": n})),
    )
        .into_response())
}
