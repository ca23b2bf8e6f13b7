//! Threat intelligence (資通安全情資, seed 003 拾壹): an organisation's
//! pieces recorded, pasted in or imported from STIX 2.1 or MISP; classified into
//! the four categories and handled as each prescribes; the text with its
//! personal data masked; indicators correlated with the register, VANS and
//! other pieces; blocklists, STIX bundles and MISP events out.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};
use zian_app::intel::{ClassifyInput, HandlingInput, ImportInput, ImportRead, IntelInput};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/intel", Api, "intel", "The organisation's threat intelligence, the latest received first: source, validity, status, categories, indicators", get(api::list)).resp::<api::ListOut>(),
        r(M::POST, "/api/v1/orgs/{id}/intel", Api, "intel", "Record a piece of threat intelligence typed in or pasted from an advisory: its indicators of compromise (IP, domain, URL, hash, CVE, e-mail; defanged or not) are read from the text, more may be typed one per line", post(api::create)).req::<IntelInput>().resp::<api::DetailOut>(),
        r(M::POST, "/api/v1/orgs/{id}/intel/import", Api, "intel", "Read (commit false: only show it) or import (commit true) a STIX 2.1 bundle — one piece per report with the indicators and vulnerabilities it refers to, one more for the loose ones — or MISP events — one piece per event with its attributes' indicators; each object or attribute that cannot be read is listed with the reason", post(api::import)).req::<ImportInput>().resp::<ImportRead>(),
        r(M::GET, "/api/v1/orgs/{id}/intel/blocklist", Api, "intel", "The active pieces' addresses, domains, URLs and hashes for firewalls and EDR consoles (`format`: txt, csv or stix)", get(api::blocklist)),
        r(M::GET, "/api/v1/intel/{id}", Api, "intel", "A piece of threat intelligence: the text, what may leave the agency (personal data masked) and what was masked, the classification and each category's handling, each indicator's matches in the register, VANS and other pieces", get(api::get)).resp::<api::DetailOut>(),
        r(M::POST, "/api/v1/intel/{id}/classify", Api, "intel", "Classify a piece into the four categories (訊息、入侵攻擊、機敏性、核心業務) with its reliability and timeliness; a text with personal data is 機敏性之情資 whatever else it is", post(api::classify)).req::<ClassifyInput>().resp::<api::DetailOut>(),
        r(M::POST, "/api/v1/intel/{id}/handling", Api, "intel", "Record what was done for one of the piece's categories; an intrusion's says whether the danger is immediate and, if it is, names the incident opened", post(api::handling)).req::<HandlingInput>().resp::<api::DetailOut>(),
        r(M::GET, "/api/v1/intel/{id}/misp", Api, "intel", "A piece as a MISP event: an attribute per indicator (to_ids), the masked text as a text attribute, distribution to this organisation only, TLP:AMBER", get(api::misp)),
        r(M::GET, "/api/v1/intel/{id}/stix", Api, "intel", "A piece as a STIX 2.1 bundle: the organisation's identity, a report with the masked text, an indicator per address, domain, URL, hash or e-mail, a vulnerability per CVE", get(api::stix)),
        r(M::GET, "/orgs/{id}/intel", Page, "page", "Threat intelligence: the pieces, a new one, a STIX import, the blocklists", get(pages::list)),
        r(M::POST, "/orgs/{id}/intel", Page, "page", "Record a piece of threat intelligence", post(pages::create)),
        r(M::POST, "/orgs/{id}/intel/import", Page, "page", "Import a STIX 2.1 bundle or MISP events", post(pages::import)),
        r(M::GET, "/intel/{id}", Page, "page", "A piece of threat intelligence: masked text, indicators and their matches, classification and handling", get(pages::show)),
        r(M::POST, "/intel/{id}/classify", Page, "page", "Classify a piece of threat intelligence", post(pages::classify)),
        r(M::POST, "/intel/{id}/handling", Page, "page", "Record a category's handling", post(pages::handling)),
    ]
}
