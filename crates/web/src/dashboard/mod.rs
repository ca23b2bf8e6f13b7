//! The dashboard: roll-up figures of the caller's subtree, the current
//! organisation and the organisation switcher.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(
            M::GET,
            "/api/v1/dashboard",
            Api,
            "dashboard",
            "Roll-up figures of the caller's subtree",
            get(api::dashboard),
        )
        .resp::<api::DashboardOut>(),
        r(
            M::GET,
            "/",
            Page,
            "page",
            "Dashboard",
            get(pages::dashboard),
        ),
        r(
            M::POST,
            "/switch-org",
            Page,
            "page",
            "Switch organisation",
            post(pages::switch_org),
        ),
    ]
}
