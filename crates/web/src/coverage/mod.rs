//! Endpoint coverage and SOC figures: the consoles' exports of devices and
//! alerts uploaded or pushed with a token, the register's coverage with
//! each device's gaps, the SOC's figures, the subtree's agencies and the
//! national B-level indicators.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};
use zian_app::coverage::{ImportInput, ImportRead};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/coverage", Api, "coverage", "The organisation's endpoint coverage — register devices (hosts in service) with an EDR agent seen within seven days, anti-virus, GCB, in VANS, on two networks; each device's gaps; devices the consoles see that the register misses — the SOC's alerts of the last thirty days with the mean time to respond, each agency of the subtree with its latest coverage, and the B-level indicators (EDR data submitted within 31 days / all B-level agencies; EDR adopted / all B-level agencies)", get(api::get)).resp::<api::CoverageViewOut>(),
        r(M::POST, "/api/v1/orgs/{id}/coverage/import", Api, "coverage", "Read (commit false: only show it) or keep (commit true) a console's export: `dataset` devices (hostname, IP, EDR, last seen, anti-virus, GCB, VANS, two networks) or alerts (time, device, rule, severity, status, closed at), `format` csv (English or Chinese headers) or json; each row set aside is listed with its field and reason; a console may push with an API token", post(api::import)).req::<ImportInput>().resp::<ImportRead>(),
        r(M::GET, "/orgs/{id}/coverage", Page, "page", "Endpoint coverage: the register's coverage and gaps, the SOC's figures, the subtree's agencies and the B-level indicators, the import form", get(pages::show)),
        r(M::POST, "/orgs/{id}/coverage/import", Page, "page", "Import a console's export of devices or alerts", post(pages::import)),
    ]
}
