//! Threat notices (威脅通報, seed 004's one channel for a threat): a
//! supervising organisation's notice to organisations of its subtree, each
//! one's response through the six steps, the issuer's board with the
//! laggards and the VANS findings of the notice's CVEs.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};
use zian_app::threat_notices::{CloseInput, NoticeInput, ReportInput};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/threat-notices", Api, "threat_notices", "The threat notices an organisation issued, each with its board's counts, and those addressed to it with its own response", get(api::list)).resp::<api::ListOut>(),
        r(M::POST, "/api/v1/orgs/{id}/threat-notices", Api, "threat_notices", "Issue a threat notice to organisations of the subtree (severity, what to do, the CVEs, a deadline): each gets a response waiting for its first report and its officers a notice", post(api::issue)).req::<NoticeInput>().resp::<api::DetailOut>(),
        r(M::GET, "/api/v1/threat-notices/{id}", Api, "threat_notices", "A threat notice with the board the caller may see: the issuer's side every organisation addressed (step, last report, lagging, open findings of the CVEs, incidents) and which organisations of its subtree have each CVE; an organisation addressed its own line", get(api::get)).resp::<api::DetailOut>(),
        r(M::POST, "/api/v1/threat-notices/{id}/remind", Api, "threat_notices", "Remind the organisations that lag (past the deadline or silent for two days): their officers are notified and the reminder is recorded", post(api::remind)).resp::<api::RemindOut>(),
        r(M::POST, "/api/v1/threat-notices/{id}/close", Api, "threat_notices", "Close a threat notice: no more reports", post(api::close)).req::<CloseInput>().resp::<api::DetailOut>(),
        r(M::GET, "/api/v1/threat-responses/{id}", Api, "threat_notices", "An organisation's response to a threat notice with every report", get(api::response)).resp::<api::ResponseOut>(),
        r(M::POST, "/api/v1/threat-responses/{id}/report", Api, "threat_notices", "Report a step of the response (the current step again or the next: investigate, confirm — saying whether affected; not affected ends it — plan, isolate, handle, recover), with evidence and the incident opened", post(api::report)).req::<ReportInput>().resp::<api::ResponseOut>(),
        r(M::GET, "/orgs/{id}/threat-notices", Page, "page", "Threat notices: those issued with their progress, those received with the response, a new one", get(pages::list)),
        r(M::POST, "/orgs/{id}/threat-notices", Page, "page", "Issue a threat notice", post(pages::issue)),
        r(M::GET, "/threat-notices/{id}", Page, "page", "A threat notice: the board of who is where, the CVEs' findings, the caller's report form", get(pages::show)),
        r(M::POST, "/threat-notices/{id}/remind", Page, "page", "Remind the organisations that lag", post(pages::remind)),
        r(M::POST, "/threat-notices/{id}/close", Page, "page", "Close a threat notice", post(pages::close)),
        r(M::POST, "/threat-responses/{id}/report", Page, "page", "Report a step of the response", post(pages::report)),
    ]
}
