//! Obligations and compliance: what an organisation's responsibility level
//! puts on it (附表一–八), completions with evidence, overrides, and the
//! supervisors' roll-up.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};
use zian_app::compliance::{CompletionInput, OverrideInput};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/compliance", Api, "compliance", "Roll-up: organisations in the caller's record scope and what they are behind on", get(api::rollup)).resp::<Vec<api::RollupOut>>(),
        r(M::GET, "/api/v1/orgs/{id}/obligations", Api, "compliance", "An organisation's obligations today (附表一–八) with status", get(api::obligations)).resp::<api::ComplianceOut>(),
        r(M::POST, "/api/v1/orgs/{id}/obligations/completions", Api, "compliance", "Record the completion of an obligation with evidence", post(api::completion_create)).req::<CompletionInput>().resp::<api::CompletionOut>(),
        r(M::POST, "/api/v1/orgs/{id}/overrides", Api, "compliance", "Record an override (exempt or replace) of a rule or control for the organisation's subtree", post(api::override_create)).req::<OverrideInput>().resp::<api::OverrideOut>(),
        r(M::GET, "/compliance", Page, "page", "Compliance roll-up", get(pages::rollup)),
        r(M::GET, "/orgs/{id}/compliance", Page, "page", "Compliance of an organisation", get(pages::org_page)),
        r(M::POST, "/orgs/{id}/compliance/complete", Page, "page", "Record a completion", post(pages::complete)),
        r(M::POST, "/orgs/{id}/compliance/override", Page, "page", "Record an override", post(pages::add_override)),
    ]
}
