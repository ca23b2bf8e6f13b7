//! Incidents (資通安全事件通報應變): the level and the legal clocks of an
//! incident as assessed, computed from the regulation's rule data.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};
use zian_app::incidents::{AssessInput, Assessment};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::POST, "/api/v1/incidents/assess", Api, "incidents", "The level (art. 2 of the incident regulation in force on the day of awareness) and the legal clocks of an incident: notify within 1 h of awareness, the authority's review within 8 h (levels 1–2) or 2 h (3–4) of the notification, recovery within 72 h or 36 h of awareness, the report within one month of recovery (行政程序法 §48 and the government office calendar). Nothing is recorded", post(api::assess)).req::<AssessInput>().resp::<Assessment>(),
        r(M::GET, "/incidents/assess", Page, "page", "Incident level and deadlines", get(pages::assess)),
    ]
}
