//! Sign-in through the agency's OpenID Connect provider: `GET
//! /auth/oidc/start` sends the browser to the provider with a cookie that
//! binds the sign-in to it; `GET /auth/oidc/callback` finishes it.
//!
//! The binding cookie is `SameSite=Lax` (the provider's redirect back is a
//! cross-site navigation, on which a `Strict` cookie is not sent), limited
//! to `/auth/oidc` and ten minutes. For the same reason a successful
//! callback answers a small page that moves on to the platform itself (a
//! same-site navigation, so the `Strict` session cookie is sent) rather
//! than a redirect. Failures go back to the login page with a code whose
//! message the page shows; nothing about the provider's answer is shown.

use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use zian_app::directory::oidc::{OidcCallback, OidcFailure, PENDING_SECS};

use crate::cookies;
use crate::error::PageResult;
use crate::extract::Ctx;
use crate::layout::see_other;
use crate::state::AppState;

pub const OIDC_COOKIE: &str = "zian_oidc";

fn bind_cookie(st: &AppState, v: &str) -> String {
    format!(
        "{OIDC_COOKIE}={v}; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age={PENDING_SECS}{}",
        if st.web.cookie_secure { "; Secure" } else { "" }
    )
}

fn clear_bind_cookie(st: &AppState) -> String {
    format!(
        "{OIDC_COOKIE}=; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if st.web.cookie_secure { "; Secure" } else { "" }
    )
}

/// Back to the login page with the failure's message.
fn failed(st: &AppState, f: OidcFailure) -> Response {
    st.metrics
        .logins_failed
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    cookies::set(
        see_other(&format!("/login?sso={}", f.code())),
        &clear_bind_cookie(st),
    )
}

pub async fn start(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    match st.app.oidc_start(&ctx.meta).await? {
        Ok(s) => Ok(cookies::set(
            see_other(&s.authorize_url),
            &bind_cookie(&st, &s.browser_secret),
        )),
        Err(f) => Ok(failed(&st, f)),
    }
}

pub async fn callback(
    State(st): State<AppState>,
    ctx: Ctx,
    parts: Parts,
    q: Result<Query<OidcCallback>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let cb = q.map(|Query(q)| q).unwrap_or_default();
    let browser = cookies::cookie(&parts, OIDC_COOKIE).filter(|v| !v.is_empty());
    match st.app.oidc_finish(&cb, browser, &ctx.meta).await? {
        Ok(out) => {
            st.metrics
                .logins_ok
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let to = if out.needs_mfa { "/login/mfa" } else { "/" };
            let title = zian_i18n::catalogue().t(ctx.lang, "oidc.continue");
            let body = format!(
                "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={to}\"><title>{title}</title></head><body><p><a href=\"{to}\" id=\"oidc-continue\">{title}</a></p></body></html>",
                lang = ctx.lang.code(),
                title = escape(title),
            );
            let mut resp = (StatusCode::OK, Html(body)).into_response();
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            let resp = cookies::set(resp, &cookies::session(&st, &out.session_token));
            let resp = cookies::set(resp, &clear_bind_cookie(&st));
            Ok(cookies::set(resp, &cookies::lang(&out.locale)))
        }
        Err(f) => Ok(failed(&st, f)),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
