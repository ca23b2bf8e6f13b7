//! My account: who I am, my language, my password and two-step
//! verification, and the records shared with me (vendors).

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post, put};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(
            M::GET,
            "/api/v1/me",
            Api,
            "me",
            "The caller, with roles",
            get(api::me),
        )
        .resp::<api::MeOut>(),
        r(
            M::PUT,
            "/api/v1/me/locale",
            Api,
            "me",
            "Set the caller's language",
            put(api::me_locale),
        )
        .req::<api::LocaleInput>(),
        r(
            M::POST,
            "/api/v1/me/password",
            Api,
            "me",
            "Change the caller's password, in person (a session, also one with a temporary password to replace; not a token); ends the caller's other sessions",
            post(api::me_password),
        )
        .req::<api::PasswordChangeInput>(),
        r(
            M::GET,
            "/api/v1/shared",
            Api,
            "shared",
            "Records shared with the caller (vendors)",
            get(api::shared_list),
        )
        .resp::<Vec<api::ShareOut>>(),
        r(
            M::GET,
            "/account",
            Page,
            "page",
            "My account",
            get(pages::account),
        ),
        r(
            M::GET,
            "/account/password",
            Page,
            "page",
            "Change password form",
            get(pages::password_form),
        ),
        r(
            M::POST,
            "/account/password",
            Page,
            "page",
            "Change password",
            post(pages::password_submit),
        ),
        r(
            M::GET,
            "/account/mfa",
            Page,
            "page",
            "MFA settings",
            get(pages::mfa),
        ),
        r(
            M::POST,
            "/account/mfa/begin",
            Page,
            "page",
            "Start MFA enrolment",
            post(pages::mfa_begin),
        ),
        r(
            M::POST,
            "/account/mfa/confirm",
            Page,
            "page",
            "Confirm MFA enrolment",
            post(pages::mfa_confirm),
        ),
        r(
            M::POST,
            "/account/mfa/disable",
            Page,
            "page",
            "Turn MFA off",
            post(pages::mfa_disable),
        ),
        r(
            M::POST,
            "/account/mfa/recovery",
            Page,
            "page",
            "New recovery codes",
            post(pages::mfa_recovery),
        ),
    ]
}
