//! Corrective actions (矯正措施) raised by drills, activations,
//! incidents and audit findings, tracked to done (and reviewed).

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};
use zian_app::corrective::{ActionInput, ActionOut, AnalysisInput, DoneInput, ReviewInput};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/corrective-actions", Api, "corrective", "The organisation's corrective actions, open first by due date, paged (filters: q (title, owner), source (drill, activation, incident, audit), open, overdue; sort: due, created, title)", get(api::list)).resp::<api::ActionListOut>().listed(FILTERS),
        r(M::POST, "/api/v1/corrective-actions", Api, "corrective", "Raise a corrective action from a drill, an activation or an incident of an organisation (owner, due date)", post(api::create)).req::<ActionInput>().resp::<ActionOut>(),
        r(M::GET, "/api/v1/corrective-actions/{id}", Api, "corrective", "A corrective action", get(api::get)).resp::<ActionOut>(),
        r(M::POST, "/api/v1/corrective-actions/{id}/done", Api, "corrective", "Mark a corrective action done with its result", post(api::done)).req::<DoneInput>().resp::<ActionOut>(),
        r(M::POST, "/api/v1/corrective-actions/{id}/analysis", Api, "corrective", "Record the auditee's analysis of an open action: root cause, similar defects sought, the plan", post(api::analysis)).req::<AnalysisInput>().resp::<ActionOut>(),
        r(M::POST, "/api/v1/corrective-actions/{id}/review", Api, "corrective", "Review a done action's effectiveness (the audit's team or the CISO): effective settles it, not effective opens it again with a new due date", post(api::review)).req::<ReviewInput>().resp::<ActionOut>(),
        r(M::GET, "/orgs/{id}/corrective-actions", Page, "page", "Corrective actions", get(pages::list)),
        r(M::POST, "/corrective-actions", Page, "page", "Raise a corrective action", post(pages::create)),
        r(M::POST, "/corrective-actions/{id}/done", Page, "page", "Mark a corrective action done", post(pages::done)),
    ]
}

/// The list's own filters.
pub const FILTERS: &[&str] = &["source", "open", "overdue"];
