//! The web layer: thin axum handlers for the JSON API (`/api/v1`) and the
//! server-rendered pages, built from one route registry ([`routes`]) that
//! also yields the OpenAPI document and the list the isolation tests walk.
//!
//! - [`extract`] resolves the caller (session cookie or API token), the
//!   language and the CSRF token;
//! - [`error`] maps [`zian_app::AppError`] to HTTP in one place;
//! - [`i18n`] holds the zh-TW and English message catalogues.

pub mod api;
pub mod csv;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod routes;
pub mod state;

pub use routes::router;
pub use state::{AppState, WebConfig};
