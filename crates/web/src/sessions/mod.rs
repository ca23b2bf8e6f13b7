//! Sessions: logging in with a password (or through the agency's OpenID
//! Connect provider) and the second factor, logging
//! out (one session or all), and the display language — as JSON under
//! `/api/v1/session` and as the login pages.

pub mod api;
pub mod oidc;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{delete, get, post};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(
            M::POST,
            "/api/v1/session",
            Public,
            "session",
            "Log in with a password (sets the session cookie)",
            post(api::login),
        )
        .req::<api::LoginInput>()
        .resp::<api::LoginOutput>(),
        r(
            M::POST,
            "/api/v1/session/mfa",
            Public,
            "session",
            "Second factor for a session",
            post(api::mfa),
        )
        .req::<api::MfaInput>(),
        r(
            M::DELETE,
            "/api/v1/session",
            Api,
            "session",
            "Log out",
            delete(api::logout),
        ),
        r(
            M::DELETE,
            "/api/v1/sessions",
            Api,
            "session",
            "Log out everywhere",
            delete(api::logout_all),
        ),
        r(
            M::GET,
            "/login",
            Public,
            "page",
            "Login form",
            get(pages::login_form),
        ),
        r(
            M::POST,
            "/login",
            Public,
            "page",
            "Log in",
            post(pages::login_submit),
        ),
        r(
            M::GET,
            "/auth/oidc/start",
            Public,
            "page",
            "Sign in through the agency's OpenID Connect provider",
            get(oidc::start),
        ),
        r(
            M::GET,
            "/auth/oidc/callback",
            Public,
            "page",
            "Return from the OpenID Connect provider",
            get(oidc::callback),
        ),
        r(
            M::GET,
            "/login/mfa",
            Public,
            "page",
            "Second factor form",
            get(pages::mfa_form),
        ),
        r(
            M::POST,
            "/login/mfa",
            Public,
            "page",
            "Second factor",
            post(pages::mfa_submit),
        ),
        r(
            M::POST,
            "/lang",
            Public,
            "page",
            "Switch language",
            post(pages::switch_lang),
        ),
        r(
            M::POST,
            "/logout",
            Page,
            "page",
            "Log out",
            post(pages::logout),
        ),
        r(
            M::POST,
            "/logout-all",
            Page,
            "page",
            "Log out everywhere",
            post(pages::logout_all),
        ),
    ]
}
