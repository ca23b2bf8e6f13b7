//! The vulnerability feed store for the administrators of the whole tree:
//! its status (snapshot, records, KEV, EPSS, every import, age, stale) and
//! a feed file imported through the platform.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/feeds", Api, "feeds", "The vulnerability feed store: snapshot, records, KEV and EPSS entries, every import, age (administrators of the whole tree)", get(api::status)).resp::<api::FeedStatusOut>(),
        r(M::POST, "/api/v1/feeds/import", Api, "feeds", "Import a feed file (NVD API 2.0 page or yearly file, CVE 5 records, CISA KEV, FIRST EPSS; plain, gzip or xz) into the store, then match every organisation again", post(api::import)).req::<api::FeedIn>().resp::<Vec<zian_app::feeds::FeedImported>>(),
        r(M::GET, "/admin/feeds", Page, "page", "Vulnerability feeds", get(pages::show)),
        r(M::POST, "/admin/feeds/import", Page, "page", "Import a feed file", post(pages::import)),
    ]
}
