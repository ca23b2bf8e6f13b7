//! The web layer: thin axum handlers for the JSON API (`/api/v1`) and the
//! server-rendered pages, one folder per feature (`api.rs` and `pages.rs`,
//! with the feature's route entries in its `mod.rs`), built from one route
//! registry ([`routes`]) that also yields the OpenAPI document and the list
//! the isolation tests walk.
//!
//! Shared by every feature:
//! - [`extract`] resolves the caller (session cookie or API token), bodies,
//!   queries and paths, and the page forms (session and CSRF checked once);
//! - [`error`] maps [`zian_app::AppError`] to HTTP in one place;
//! - [`list`] is the one list shape; [`values`] parses and formats values;
//! - [`layout`] is what every page shares; [`cookies`] the cookies;
//! - text comes from the `zian-i18n` catalogues, in the language the
//!   request settled on ([`error::RequestLang`]).

pub mod account;
pub mod assets;
pub mod audit;
pub mod audits;
pub mod compliance;
pub mod continuity;
pub mod cookies;
pub mod corrective;
pub mod coverage;
pub mod csv;
pub mod dashboard;
pub mod documents;
pub mod error;
pub mod evidence;
pub mod extract;
pub mod feeds;
pub mod implementation_report;
pub mod inbox;
pub mod incidents;
pub mod intel;
pub mod inventory;
pub mod jobs;
pub mod layout;
pub mod list;
pub mod management_review;
pub mod maturity;
pub mod metrics;
pub mod openapi;
pub mod ops;
pub mod orgs;
pub mod people_forms;
pub mod plans;
pub mod refill;
pub mod reminders;
pub mod risk;
pub mod routes;
pub mod sessions;
pub mod state;
pub mod systems;
pub mod threat_notices;
pub mod tokens;
pub mod training;
pub mod users;
pub mod values;
pub mod vendors;
pub mod vulns;
pub mod webhooks;
pub mod xlsx;

pub use routes::router;
pub use state::{AppState, WebConfig};
