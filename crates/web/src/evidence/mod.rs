//! Evidence files (佐證資料): uploaded once, hashed with SHA-256, linked from
//! the records they prove, downloaded as attachments.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(
            M::GET,
            "/api/v1/orgs/{id}/evidence",
            Api,
            "compliance",
            "Evidence files of an organisation (metadata), newest first, paged (q: file name)",
            get(api::list),
        )
        .resp::<crate::list::PageOut<api::EvidenceOut>>()
        .listed(&[]),
        r(
            M::POST,
            "/api/v1/orgs/{id}/evidence",
            Api,
            "compliance",
            "Upload an evidence file (base64, at most 10 MiB); it is hashed with SHA-256",
            post(api::upload),
        )
        .req::<api::EvidenceIn>()
        .resp::<api::EvidenceOut>(),
        r(
            M::GET,
            "/api/v1/evidence/{id}",
            Api,
            "compliance",
            "Download an evidence file",
            get(api::download),
        ),
        r(
            M::POST,
            "/orgs/{id}/evidence",
            Page,
            "page",
            "Upload an evidence file (multipart form)",
            post(pages::upload),
        ),
        r(
            M::GET,
            "/evidence/{id}",
            Page,
            "page",
            "Download an evidence file",
            get(pages::download),
        ),
        r(
            M::GET,
            "/evidence/{id}/versions",
            Page,
            "page",
            "An evidence file's versions, with replace and delete",
            get(pages::show),
        ),
        r(
            M::POST,
            "/evidence/{id}/replace",
            Page,
            "page",
            "Upload a new version of an evidence file (multipart form)",
            post(pages::replace),
        ),
        r(
            M::POST,
            "/evidence/{id}/delete",
            Page,
            "page",
            "Delete an evidence file (with a reason; kept in history)",
            post(pages::delete),
        ),
    ]
}
