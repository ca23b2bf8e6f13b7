//! Incidents (資通安全事件通報應變): the level and the legal clocks of an
//! incident as assessed, computed from the regulation's rule data; the
//! incident record with its clocks, the steps of the response, the
//! timeline; a subtree's incidents by deadline with the figures.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};
use zian_app::incidents::{
    ActionInput, AssessInput, Assessment, CheckInput, FindingsInput, IncidentInput, NoteInput,
};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::POST, "/api/v1/incidents/assess", Api, "incidents", "The level (art. 2 of the incident regulation in force on the day of awareness) and the legal clocks of an incident: notify within 1 h of awareness, the authority's review within 8 h (levels 1–2) or 2 h (3–4) of the notification, recovery within 72 h or 36 h of awareness, the report within one month of recovery (行政程序法 §48 and the government office calendar). Nothing is recorded", post(api::assess)).req::<AssessInput>().resp::<Assessment>(),
        r(M::GET, "/api/v1/orgs/{id}/incidents", Api, "incidents", "The incidents of an organisation and those under it, paged (filters: q (number, title, description), status, open, level; sort: aware, number, level, updated), with the open ones nearest deadline first and the last twelve months' figures (per level, mean time to notify and to recover). Personal data is masked for readers outside an incident's organisation", get(api::list)).resp::<api::IncidentListOut>().listed(FILTERS),
        r(M::POST, "/api/v1/orgs/{id}/incidents", Api, "incidents", "Record an incident: the level is computed from the facts by the rule version in force on the day of awareness (an override needs a justification)", post(api::create)).req::<IncidentInput>().resp::<api::IncidentOut>(),
        r(M::GET, "/api/v1/incidents/{id}", Api, "incidents", "An incident with its clocks (deadline, when done, state) and timeline", get(api::get)).resp::<api::IncidentOut>(),
        r(M::PUT, "/api/v1/incidents/{id}", Api, "incidents", "Edit an incident's facts and report fields (the level is recomputed; a level change after the notification is a new report, due within the hour)", axum::routing::put(api::update)).req::<IncidentInput>().resp::<api::IncidentOut>(),
        r(M::POST, "/api/v1/incidents/{id}/actions", Api, "incidents", "Record a step of the response: notified, reviewed (by the supervising authority), recovered, reported (the investigation, handling and improvement report), closed (root cause and lessons learned), reopened", post(api::action)).req::<ActionInput>().resp::<api::IncidentOut>(),
        r(M::POST, "/api/v1/incidents/{id}/checklist", Api, "incidents", "Tick a step of the incident's playbook (seed 002 §5.3.5's emergency handling principles) off or back", post(api::check)).req::<CheckInput>().resp::<api::IncidentOut>(),
        r(M::POST, "/api/v1/incidents/{id}/notes", Api, "incidents", "Add an action of the response to the timeline", post(api::note)).req::<NoteInput>().resp::<api::IncidentOut>(),
        r(M::POST, "/api/v1/incidents/{id}/findings", Api, "incidents", "Name the vulnerability findings of the organisation the incident came through (the list replaces the one recorded; the timeline records the CVEs)", post(api::findings)).req::<FindingsInput>().resp::<api::IncidentOut>(),
        r(M::GET, "/incidents/assess", Page, "page", "Incident level and deadlines", get(pages::assess)),
        r(M::GET, "/orgs/{id}/incidents", Page, "page", "Incidents", get(pages::list)),
        r(M::GET, "/orgs/{id}/incidents/new", Page, "page", "Record an incident (form)", get(pages::new)),
        r(M::POST, "/orgs/{id}/incidents", Page, "page", "Record an incident", post(pages::create)),
        r(M::GET, "/incidents/{id}", Page, "page", "An incident", get(pages::show)),
        r(M::GET, "/api/v1/incidents/{id}/notification", Api, "incidents", "The notification's content as art. 3 of the incident regulation lists it (organisation, time of occurrence and awareness, description, level assessment, measures, external support needed, other), times in RFC 3339 at +08:00", get(api::notification)).resp::<api::NotificationOut>(),
        r(M::GET, "/incidents/{id}/notification", Page, "page", "The notification's content, printable", get(pages::notification)),
        r(M::GET, "/incidents/{id}/report", Page, "page", "The investigation, handling and improvement report, printable", get(pages::report)),
        r(M::GET, "/incidents/{id}/edit", Page, "page", "Edit an incident (form)", get(pages::edit)),
        r(M::POST, "/incidents/{id}", Page, "page", "Save an incident", post(pages::update)),
        r(M::POST, "/incidents/{id}/actions", Page, "page", "Record a step of the response", post(pages::action)),
        r(M::POST, "/incidents/{id}/checklist", Page, "page", "Tick a step of the playbook", post(pages::check)),
        r(M::POST, "/incidents/{id}/notes", Page, "page", "Add to the timeline", post(pages::note)),
        r(M::POST, "/incidents/{id}/findings", Page, "page", "Name the findings the incident came through", post(pages::findings)),
    ]
}

/// The list's own filters (besides the list parameters).
pub const FILTERS: &[&str] = &["status", "open", "level"];
