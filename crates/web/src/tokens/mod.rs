//! API tokens: a person's own tokens, each bound to a subtree and a subset
//! of the person's permissions there.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{delete, get, post};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(
            M::GET,
            "/api/v1/tokens",
            Api,
            "tokens",
            "The caller's API tokens",
            get(api::list),
        )
        .resp::<Vec<api::TokenOut>>(),
        r(
            M::POST,
            "/api/v1/tokens",
            Api,
            "tokens",
            "Create an API token (secret shown once)",
            post(api::create),
        )
        .req::<api::TokenInput>()
        .resp::<api::NewTokenOut>(),
        r(
            M::DELETE,
            "/api/v1/tokens/{id}",
            Api,
            "tokens",
            "Revoke an API token",
            delete(api::revoke),
        ),
        r(
            M::GET,
            "/tokens",
            Page,
            "page",
            "API tokens",
            get(pages::tokens),
        ),
        r(
            M::POST,
            "/tokens",
            Page,
            "page",
            "Create API token",
            post(pages::create),
        ),
        r(
            M::POST,
            "/tokens/{id}/revoke",
            Page,
            "page",
            "Revoke API token",
            post(pages::revoke),
        ),
    ]
}
