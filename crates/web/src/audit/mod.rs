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
            "Security audit trail in scope, newest first, with names (filters: action prefix, actor user id, org id, from and to dates)",
            get(api::list),
        )
        .resp::<crate::list::PageOut<api::AuditOut>>()
        .listed(FILTERS),
        r(
            M::GET,
            "/api/v1/audit.csv",
            Api,
            "audit",
            "The filtered audit trail as CSV in words (UTF-8 with BOM; same filters as the list)",
            get(api::csv),
        ),
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
pub const FILTERS: &[&str] = &["action", "actor", "org", "from", "to"];
