//! Vendors (委外廠商): the register, contracts, staff agreements, device
//! checks, and the records shared with vendor accounts (and the vendor's
//! own view of one).

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{delete, get, post, put};
use zian_app::vendors::{
    ContractInput, DeviceCheckInput, OrgShareOut, ShareInput, StaffInput, VendorInput, VendorOut,
};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/vendors", Api, "vendors", "The organisation's vendors, paged (filters: q (name, 統一編號); sort: name, updated)", get(api::list)).resp::<api::VendorListOut>().listed(FILTERS),
        r(M::POST, "/api/v1/orgs/{id}/vendors", Api, "vendors", "Record a vendor: contact, selection criteria (certification, qualified staff, sub-contracting, background checks), disclosed components and licences, the security test certificate", post(api::create)).req::<VendorInput>().resp::<VendorOut>(),
        r(M::GET, "/api/v1/vendors/{id}", Api, "vendors", "A vendor with its gaps to follow up (each with a code), its audits and the shares of its records", get(api::get)).resp::<api::VendorDetailOut>(),
        r(M::PUT, "/api/v1/vendors/{id}", Api, "vendors", "Change a vendor's register entry (contracts, staff and device checks kept)", put(api::edit)).req::<VendorInput>().resp::<VendorOut>(),
        r(M::POST, "/api/v1/vendors/{id}/contracts", Api, "vendors", "Add a contract, or replace the one at `index`: period, custom development, classified work, the systems and data touched, security requirements, incident-notice and data-return clauses", post(api::contract)).req::<ContractInput>().resp::<VendorOut>(),
        r(M::POST, "/api/v1/vendors/{id}/staff", Api, "vendors", "Add a staff member, or update the one of that name: on site, vendor account, 保密切結書 and 保密同意書 signed (re-signed yearly), left", post(api::staff)).req::<StaffInput>().resp::<VendorOut>(),
        r(M::POST, "/api/v1/vendors/{id}/device-checks", Api, "vendors", "Record the check of a staff member's device before it connects (a failed check needs a note)", post(api::device_check)).req::<DeviceCheckInput>().resp::<VendorOut>(),
        r(M::GET, "/api/v1/orgs/{id}/shares", Api, "vendors", "The records the organisation shares with vendor accounts", get(api::shares)).resp::<Vec<OrgShareOut>>(),
        r(M::POST, "/api/v1/orgs/{id}/shares", Api, "vendors", "Share a record of the organisation (a vendor's entry, a vendor audit, a corrective action) with a vendor account holding the vendor role at the organisation or above; the same share again answers the one that exists", post(api::share)).req::<ShareInput>().resp::<OrgShareOut>(),
        r(M::DELETE, "/api/v1/shares/{id}", Api, "vendors", "Revoke a share: the vendor no longer reaches the record", delete(api::revoke)),
        r(M::GET, "/api/v1/shared/{id}", Api, "shared", "A record shared with the calling vendor (not found for anyone else, or once revoked)", get(api::shared)).resp::<api::SharedOut>(),
        r(M::GET, "/orgs/{id}/vendors", Page, "page", "Vendors, with the form that records one", get(pages::list)),
        r(M::POST, "/orgs/{id}/vendors", Page, "page", "Record a vendor", post(pages::create)),
        r(M::GET, "/vendors/{id}", Page, "page", "A vendor: gaps, contracts, staff and agreements, device checks, audits, shares", get(pages::show)),
        r(M::POST, "/vendors/{id}", Page, "page", "Change a vendor's register entry", post(pages::edit)),
        r(M::POST, "/vendors/{id}/contracts", Page, "page", "Add or replace a contract", post(pages::contract)),
        r(M::POST, "/vendors/{id}/staff", Page, "page", "Add or update a staff member", post(pages::staff)),
        r(M::POST, "/vendors/{id}/device-checks", Page, "page", "Record a device check", post(pages::device_check)),
        r(M::POST, "/vendors/{id}/shares", Page, "page", "Share the vendor's entry or one of its audits with a vendor account", post(pages::share)),
        r(M::POST, "/shares/{id}/revoke", Page, "page", "Revoke a share", post(pages::revoke)),
        r(M::GET, "/shared/{id}", Page, "page", "A record shared with the calling vendor", get(pages::shared)),
    ]
}

/// The list's own filters.
pub const FILTERS: &[&str] = &[];
