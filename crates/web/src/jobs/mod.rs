//! Background jobs for administrators: the queue with its states, a job's
//! attempts and last error, and re-running a finished or dead job — as JSON
//! under `/api/v1/jobs` and as the `/admin/jobs` pages. The use cases and
//! who may see what are in `zian_app::jobs` (system administrators; work of
//! no organisation only for the administrator of the whole tree).

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};

use crate::routes::{Kind::*, Route, r};

/// The filters of the job list.
pub const FILTERS: &[&str] = &["state", "kind", "org"];

/// Attempts a re-run gets.
pub const RERUN_ATTEMPTS: u32 = 3;

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(
            M::GET,
            "/api/v1/jobs",
            Api,
            "jobs",
            "Background jobs in the administrator's scope, newest first (filters: state, kind, org id; q searches kind, id, last error and the organisation)",
            get(api::list),
        )
        .resp::<crate::list::PageOut<api::JobOut>>()
        .listed(FILTERS),
        r(
            M::GET,
            "/api/v1/jobs/{id}",
            Api,
            "jobs",
            "A background job with each attempt (worker, times, outcome, error)",
            get(api::show),
        )
        .resp::<api::JobDetailOut>(),
        r(
            M::POST,
            "/api/v1/jobs/{id}/rerun",
            Api,
            "jobs",
            "Queue a succeeded or dead job again with 3 more attempts (audited)",
            post(api::rerun),
        )
        .resp::<api::JobDetailOut>(),
        r(
            M::GET,
            "/admin/jobs",
            Page,
            "page",
            "Background jobs",
            get(pages::list),
        ),
        r(
            M::GET,
            "/admin/jobs/{id}",
            Page,
            "page",
            "A background job",
            get(pages::show),
        ),
        r(
            M::POST,
            "/admin/jobs/{id}/rerun",
            Page,
            "page",
            "Re-run a background job",
            post(pages::rerun),
        ),
    ]
}
