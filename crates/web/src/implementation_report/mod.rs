//! The yearly implementation report (資通安全維護計畫實施情形): an
//! organisation's report of a year drafted from the records, edited,
//! approved, submitted and returned; the subordinates' reports for a
//! supervisor.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post, put};
use zian_app::implementation_report::{DraftInput, EditInput, ReportOut, ReturnInput};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/implementation-report", Api, "implementation_report", "The organisation's implementation report of a year (`year`; default last year until April, else this year), none until drafted, with the organisation it is submitted to", get(api::get_year)).resp::<api::ReportViewOut>(),
        r(M::POST, "/api/v1/orgs/{id}/implementation-report", Api, "implementation_report", "Draft the year's report from the records, or draft it again (rows edited by hand keep their text)", post(api::draft)).req::<DraftInput>().resp::<ReportOut>(),
        r(M::GET, "/api/v1/orgs/{id}/implementation-reports", Api, "implementation_report", "The organisations below one (every level, active, with a responsibility level) and their reports of a year: who has submitted", get(api::rollup)).resp::<api::RollupOut>(),
        r(M::GET, "/api/v1/implementation-reports/{id}", Api, "implementation_report", "An implementation report", get(api::get)).resp::<ReportOut>(),
        r(M::PUT, "/api/v1/implementation-reports/{id}", Api, "implementation_report", "Edit a draft: rows' explanations and evidence, other remarks", put(api::edit)).req::<EditInput>().resp::<ReportOut>(),
        r(M::POST, "/api/v1/implementation-reports/{id}/approve", Api, "implementation_report", "The CISO approves a draft whose every row is explained", post(api::approve)).resp::<ReportOut>(),
        r(M::POST, "/api/v1/implementation-reports/{id}/submit", Api, "implementation_report", "Submit an approved report to the supervising organisation (its approvers are told)", post(api::submit)).resp::<ReportOut>(),
        r(M::POST, "/api/v1/implementation-reports/{id}/return", Api, "implementation_report", "Return a report to draft with the reason: a supervisor above the organisation a submitted one, the CISO an approved one", post(api::send_back)).req::<ReturnInput>().resp::<ReportOut>(),
        r(M::GET, "/orgs/{id}/implementation-report", Page, "page", "The implementation report of a year and the subordinates' reports", get(pages::year)),
        r(M::POST, "/orgs/{id}/implementation-report", Page, "page", "Draft the year's implementation report", post(pages::draft)),
        r(M::GET, "/implementation-reports/{id}", Page, "page", "An implementation report", get(pages::show)),
        r(M::POST, "/implementation-reports/{id}/edit", Page, "page", "Save an implementation report's rows", post(pages::edit)),
        r(M::POST, "/implementation-reports/{id}/approve", Page, "page", "Approve an implementation report", post(pages::approve)),
        r(M::POST, "/implementation-reports/{id}/submit", Page, "page", "Submit an implementation report", post(pages::submit)),
        r(M::POST, "/implementation-reports/{id}/return", Page, "page", "Return an implementation report", post(pages::send_back)),
    ]
}
