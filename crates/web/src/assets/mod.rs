//! The asset register (資通系統及資訊資產清冊): list with search, filters,
//! paging and CSV export, the printable official table, each asset with its
//! host details, installed software (CPE 2.3) and change history.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{delete, get, post, put};
use zian_app::assets::{AssetInput, MapUnmappedInput, SoftwareInput};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/assets", Api, "assets", "An organisation's asset register, paged (filters: q, category, status (default: not disposed; all), system (id or none), core=true, exposed=true, host=true; sort: name, category, location, property_no, status, updated)", get(api::list)).resp::<crate::list::PageOut<api::AssetOut>>().listed(FILTERS),
        r(M::POST, "/api/v1/orgs/{id}/assets", Api, "assets", "Register an asset", post(api::create)).req::<AssetInput>().resp::<api::AssetOut>(),
        r(M::GET, "/api/v1/orgs/{id}/assets.csv", Api, "assets", "The asset register as CSV (UTF-8 with BOM; the list's filters)", get(api::csv)),
        r(M::GET, "/api/v1/orgs/{id}/assets.xlsx", Api, "assets", "The asset register as an Excel workbook (the list's filters)", get(api::xlsx)),
        r(M::GET, "/api/v1/orgs/{id}/assets/vans.csv", Api, "assets", "Each host in service with its CPE 2.3 names, one line per host and name (host,cpe23), for the national VANS upload; also readable by zian vuln scan", get(api::vans_csv)),
        r(M::GET, "/api/v1/assets/{id}", Api, "assets", "An asset with its installed software and change history", get(api::get)).resp::<api::AssetDetailOut>(),
        r(M::PUT, "/api/v1/assets/{id}", Api, "assets", "Save every field of an asset (each change recorded before/after)", put(api::update)).req::<AssetInput>().resp::<api::AssetOut>(),
        r(M::POST, "/api/v1/assets/{id}/software", Api, "assets", "Add installed software to an asset", post(api::software_add)).req::<SoftwareInput>().resp::<api::SoftwareOut>(),
        r(M::PUT, "/api/v1/assets/{id}/software/{software_id}", Api, "assets", "Save installed software (name, version, publisher, CPE 2.3 name)", put(api::software_update)).req::<SoftwareInput>().resp::<api::SoftwareOut>(),
        r(M::DELETE, "/api/v1/assets/{id}/software/{software_id}", Api, "assets", "Remove installed software from an asset", delete(api::software_remove)),
        r(M::GET, "/api/v1/orgs/{id}/assets/unmapped", Api, "assets", "Installed software without a CPE name (尚未對應 CPE), grouped as found, most installations first, with CPE candidates", get(api::unmapped)).resp::<Vec<api::UnmappedOut>>(),
        r(M::POST, "/api/v1/orgs/{id}/assets/unmapped", Api, "assets", "Give every unmapped installation of one program a CPE name (remembered for its name)", post(api::map_unmapped)).req::<MapUnmappedInput>().resp::<api::MappedOut>(),
        r(M::GET, "/orgs/{id}/assets", Page, "page", "Asset register", get(pages::list)),
        r(M::POST, "/orgs/{id}/assets", Page, "page", "Register an asset", post(pages::create)),
        r(M::GET, "/orgs/{id}/assets/register", Page, "page", "The asset register as the official table, for printing", get(pages::register)),
        r(M::GET, "/orgs/{id}/assets/unmapped", Page, "page", "Installed software without a CPE name, with suggestions", get(pages::unmapped)),
        r(M::POST, "/orgs/{id}/assets/unmapped", Page, "page", "Give unmapped software a suggested CPE name", post(pages::map_unmapped)),
        r(M::GET, "/assets/{id}", Page, "page", "An asset, its software and its history", get(pages::show)),
        r(M::POST, "/assets/{id}", Page, "page", "Save an asset", post(pages::update)),
        r(M::POST, "/assets/{id}/software", Page, "page", "Add installed software", post(pages::software_add)),
        r(M::POST, "/assets/{id}/software/{software_id}", Page, "page", "Save installed software", post(pages::software_update)),
        r(M::POST, "/assets/{id}/software/{software_id}/cpe", Page, "page", "Use a suggested CPE name for installed software", post(pages::software_cpe)),
        r(M::POST, "/assets/{id}/software/{software_id}/delete", Page, "page", "Remove installed software", post(pages::software_remove)),
    ]
}

/// The filters of the asset list.
pub const FILTERS: &[&str] = &["category", "status", "system", "core", "exposed", "host"];
