//! The cookies the platform sets: the session, the pre-login CSRF token and
//! the display language. Reading and writing them lives here only.

use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::Response;

use crate::state::AppState;

pub const SESSION_COOKIE: &str = "zian_session";
pub const LANG_COOKIE: &str = "zian_lang";
pub const PRE_CSRF_COOKIE: &str = "zian_precsrf";

/// Reads one cookie from the request.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

fn secure(st: &AppState) -> &'static str {
    if st.web.cookie_secure { "; Secure" } else { "" }
}

/// The session cookie (HttpOnly, SameSite=Strict).
pub fn session(st: &AppState, token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        secure(st)
    )
}

/// Clears the session cookie.
pub fn clear_session(st: &AppState) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        secure(st)
    )
}

/// The pre-login CSRF cookie of the login form.
pub fn pre_csrf(st: &AppState, v: &str) -> String {
    format!(
        "{PRE_CSRF_COOKIE}={v}; Path=/; HttpOnly; SameSite=Strict{}",
        secure(st)
    )
}

/// The pre-login CSRF token the browser holds, when well formed.
pub fn pre_csrf_of(parts: &Parts) -> Option<String> {
    cookie(parts, PRE_CSRF_COOKIE)
        .filter(|v| v.len() >= 16 && v.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_string)
}

/// The display-language cookie (a year).
pub fn lang(code: &str) -> String {
    format!("{LANG_COOKIE}={code}; Path=/; SameSite=Strict; Max-Age=31536000")
}

/// Adds a `Set-Cookie` header to a response.
pub fn set(mut resp: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}
