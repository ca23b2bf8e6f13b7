//! The security audit trail, read in scope.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::get;

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(
            M::GET,
            "/api/v1/audit",
            Api,
            "audit",
            "Security audit trail in scope (filters: action prefix, actor)",
            get(api::list),
        )
        .resp::<crate::list::PageOut<api::AuditOut>>()
        .listed(FILTERS),
        r(
            M::GET,
            "/audit",
            Page,
            "page",
            "Audit trail",
            get(pages::audit),
        ),
    ]
}

/// The filters of the audit trail.
pub const FILTERS: &[&str] = &["action", "actor"];
