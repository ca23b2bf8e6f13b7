//! Software inventory import (軟體清單匯入): upload a file, see its preview
//! (hosts and programs added, changed, removed, unchanged; rows in error),
//! commit it to the register, download what was uploaded.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};
use zian_app::inventory::CommitInput;

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/inventory", Api, "inventory", "An organisation's software inventory imports, newest first (at most 50)", get(api::list)).resp::<Vec<api::ImportOut>>(),
        r(M::POST, "/api/v1/orgs/{id}/inventory", Api, "inventory", "Upload a software inventory file (CSV, XLSX, Windows export, Get-HotFix, CycloneDX, SPDX; base64, at most 64 MiB) and get its preview; nothing is written to the register until it is committed", post(api::upload)).req::<api::InventoryIn>().resp::<api::PreviewOut>(),
        r(M::GET, "/api/v1/inventory/{id}", Api, "inventory", "An import with what its file does to the register now (its preview)", get(api::get)).resp::<api::PreviewOut>(),
        r(M::POST, "/api/v1/inventory/{id}/commit", Api, "inventory", "Apply an import to the register in one transaction (accept_errors: commit the readable rows of a file with rows in error; expect: the preview's fingerprint, refused with 409 when the register changed since)", post(api::commit)).req::<CommitInput>().resp::<api::CountsOut>(),
        r(M::GET, "/api/v1/inventory/{id}/file", Api, "inventory", "The uploaded file as it came", get(api::file)),
        r(M::GET, "/orgs/{id}/inventory", Page, "page", "Software inventory import: upload and past imports", get(pages::index)),
        r(M::POST, "/orgs/{id}/inventory", Page, "page", "Upload a software inventory file for preview (multipart)", post(pages::upload)),
        r(M::GET, "/inventory/{id}", Page, "page", "An import's preview or result", get(pages::show)),
        r(M::POST, "/inventory/{id}/commit", Page, "page", "Commit an import to the register", post(pages::commit)),
        r(M::GET, "/inventory/{id}/file", Page, "page", "Download an import's file", get(pages::file)),
    ]
}

/// The largest inventory file read (64 MiB, [`zian_inventory::MAX_FILE_BYTES`]).
pub const MAX_FILE: usize = zian_inventory::MAX_FILE_BYTES;
