//! Obligations and compliance: what an organisation's responsibility level
//! puts on it (附表一–八), completions with evidence, override requests and
//! their decisions from above, and the supervisors' roll-up.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};
use zian_app::compliance::{CompletionInput, OverrideDecisionInput, OverrideInput};

use crate::routes::{Kind::*, Route, r};

/// Indexes of `OverrideAction::ALL`, one route per action.
const APPROVE: usize = 0;
const REJECT: usize = 1;
const WITHDRAW: usize = 2;
const REVOKE: usize = 3;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/compliance", Api, "compliance", "Roll-up: organisations in the caller's record scope, what they are behind on, and their pending and approved overrides", get(api::rollup)).resp::<Vec<api::RollupOut>>(),
        r(M::GET, "/api/v1/orgs/{id}/obligations", Api, "compliance", "An organisation's obligations today (附表一–八) with status", get(api::obligations)).resp::<api::ComplianceOut>(),
        r(M::POST, "/api/v1/orgs/{id}/obligations/completions", Api, "compliance", "Record the completion of an obligation with evidence", post(api::completion_create)).req::<CompletionInput>().resp::<api::CompletionOut>(),
        r(M::POST, "/api/v1/orgs/{id}/overrides", Api, "compliance", "Request an override (exempt or replace) of a rule or control for the organisation; pending until a user above the organisation approves it", post(api::override_create)).req::<OverrideInput>().resp::<api::OverrideOut>(),
        r(M::GET, "/api/v1/overrides", Api, "compliance", "Override requests of the organisations in the caller's record scope, paged (filters: status, org; sort: requested, rule, status)", get(api::override_list)).resp::<crate::list::PageOut<api::OverrideOut>>().listed(OVERRIDE_FILTERS),
        r(M::POST, "/api/v1/overrides/{id}/approve", Api, "compliance", "Approve a pending override (a user holding override_approve strictly above its organisation)", post(api::override_decide::<APPROVE>)).req::<OverrideDecisionInput>().resp::<api::OverrideOut>(),
        r(M::POST, "/api/v1/overrides/{id}/reject", Api, "compliance", "Reject a pending override with a reason (from strictly above its organisation)", post(api::override_decide::<REJECT>)).req::<OverrideDecisionInput>().resp::<api::OverrideOut>(),
        r(M::POST, "/api/v1/overrides/{id}/withdraw", Api, "compliance", "Withdraw a pending override (its organisation's record writers)", post(api::override_decide::<WITHDRAW>)).req::<OverrideDecisionInput>().resp::<api::OverrideOut>(),
        r(M::POST, "/api/v1/overrides/{id}/revoke", Api, "compliance", "Revoke an approved override with a reason (from strictly above its organisation)", post(api::override_decide::<REVOKE>)).req::<OverrideDecisionInput>().resp::<api::OverrideOut>(),
        r(M::GET, "/compliance", Page, "page", "Compliance roll-up", get(pages::rollup)),
        r(M::GET, "/orgs/{id}/compliance", Page, "page", "Compliance of an organisation", get(pages::org_page)),
        r(M::POST, "/orgs/{id}/compliance/complete", Page, "page", "Record a completion", post(pages::complete)),
        r(M::POST, "/orgs/{id}/compliance/override", Page, "page", "Request an override", post(pages::add_override)),
        r(M::GET, "/overrides", Page, "page", "Override requests: the queue of those awaiting a decision", get(pages::queue)),
        r(M::POST, "/overrides/{id}/approve", Page, "page", "Approve an override request", post(pages::decide::<APPROVE>)),
        r(M::POST, "/overrides/{id}/reject", Page, "page", "Reject an override request", post(pages::decide::<REJECT>)),
        r(M::POST, "/overrides/{id}/withdraw", Page, "page", "Withdraw an override request", post(pages::decide::<WITHDRAW>)),
        r(M::POST, "/overrides/{id}/revoke", Page, "page", "Revoke an approved override", post(pages::decide::<REVOKE>)),
    ]
}

/// The filters of the list of overrides (besides the list parameters).
pub const OVERRIDE_FILTERS: &[&str] = &["status", "org"];
