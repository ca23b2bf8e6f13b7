//! The risk register (NICS method): risks rated on the organisation's scale,
//! treatment with owner and due date, residual risk, heat maps, the risk
//! scale settings, and the register as CSV.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{delete, get, post, put};
use zian_app::risk::{RiskInput, RiskSettingsInput};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/risks", Api, "risk", "Risk register with heat maps, paged (filters: q (number, asset, threat, weakness, owner), system_id, treatment, status, above_threshold, min_value; sort: value, number, due_on, asset, updated)", get(api::register)).resp::<api::RiskRegisterOut>().listed(FILTERS),
        r(M::POST, "/api/v1/orgs/{id}/risks", Api, "risk", "Record a risk", post(api::create)).req::<RiskInput>().resp::<api::RiskOut>(),
        r(M::GET, "/api/v1/orgs/{id}/risks.csv", Api, "risk", "The risk register as CSV (UTF-8 with BOM; same filters as the JSON register)", get(api::csv)),
        r(M::GET, "/api/v1/orgs/{id}/risk-settings", Api, "risk", "The risk scale in force (own, inherited from the nearest ancestor with settings, or the default 1–3)", get(api::settings_get)).resp::<api::RiskSettingsOut>(),
        r(M::PUT, "/api/v1/orgs/{id}/risk-settings", Api, "risk", "Set the organisation's risk scale (3–5 per factor), threshold and labels; 409 while risks would be above the new scale", put(api::settings_put)).req::<RiskSettingsInput>().resp::<api::RiskSettingsOut>(),
        r(M::GET, "/api/v1/risks/{id}", Api, "risk", "A risk", get(api::get)).resp::<api::RiskOut>(),
        r(M::PUT, "/api/v1/risks/{id}", Api, "risk", "Edit a risk (values recomputed on the organisation's scale)", put(api::update)).req::<RiskInput>().resp::<api::RiskOut>(),
        r(M::DELETE, "/api/v1/risks/{id}", Api, "risk", "Delete a risk (audited)", delete(api::delete)),
        r(M::GET, "/orgs/{id}/risks", Page, "page", "Risk register", get(pages::register)),
        r(M::POST, "/orgs/{id}/risks", Page, "page", "Record a risk", post(pages::create)),
        r(M::POST, "/orgs/{id}/risk-settings", Page, "page", "Save the risk settings", post(pages::settings_save)),
        r(M::GET, "/risks/{id}", Page, "page", "A risk with its edit form", get(pages::show)),
        r(M::POST, "/risks/{id}", Page, "page", "Save a risk", post(pages::update)),
        r(M::POST, "/risks/{id}/delete", Page, "page", "Delete a risk", post(pages::delete)),
    ]
}

/// The register's own filters (besides the list parameters).
pub const FILTERS: &[&str] = &[
    "system_id",
    "treatment",
    "status",
    "above_threshold",
    "min_value",
];
