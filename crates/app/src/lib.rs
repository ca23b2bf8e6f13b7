//! Application services: the only layer that composes the domain and storage.
//! One module per feature, named as in every other layer:
//!
//! - [`authz`] checks a caller's access to stored organisations (the scopes
//!   themselves come from `zian_domain::authz`, the one place that builds
//!   them);
//! - [`auth`] logs people in (Argon2id, TOTP, recovery codes, lockout),
//!   manages sessions and API tokens; it alone holds the unscoped
//!   [`zian_storage::AuthStore`];
//! - [`orgs`], [`users`], [`audit`] are the platform's use cases; [`demo`]
//!   seeds the demonstration tree; [`directory`] signs people in through
//!   the agency's LDAP / Active Directory;
//! - [`compliance`], [`systems`], [`risk`], [`plans`], [`evidence`],
//!   [`reminders`] are the security programme's records, driven by the
//!   `zian-rules` data;
//! - [`assets`], [`inventory`] and [`vulns`] are VANS: the asset register,
//!   software inventory imports, and vulnerability findings matched against
//!   the feed store with their remediation;
//! - [`jobs`] runs the durable background queue (worker, handlers,
//!   schedules); [`mail`] composes, records and sends mail through the
//!   injected [`mail::Mailer`]; [`webhooks`] signs and delivers events to
//!   organisations' URLs through an SSRF guard and the injected
//!   [`webhooks::WebhookTransport`].
//!
//! Time and ids are injected ([`zian_domain::ports`]); errors are [`AppError`].

pub mod assets;
pub mod audit;
pub mod audits;
pub mod auth;
pub mod authz;
pub mod compliance;
pub mod config;
pub mod continuity;
pub mod corrective;
pub mod coverage;
pub mod dashboard;
pub mod demo;
mod demo_assets;
mod demo_audits;
mod demo_continuity;
mod demo_coverage;
mod demo_incidents;
mod demo_intel;
mod demo_management_review;
mod demo_maturity;
mod demo_people_forms;
mod demo_plans;
pub mod demo_scale;
mod demo_threat_notices;
mod demo_training;
mod demo_vendors;
pub mod demo_vulns;
pub mod directory;
pub mod documents;
pub mod error;
pub mod evidence;
pub mod feeds;
pub mod feeds_sync;
pub mod implementation_report;
pub mod inbox;
pub mod incidents;
pub mod intel;
pub mod inventory;
pub mod jobs;
pub mod mail;
pub mod management_review;
pub mod maturity;
pub mod orgs;
pub mod people_forms;
pub mod plans;
pub mod reminders;
pub mod risk;
pub mod system;
pub mod systems;
pub mod threat_notices;
pub mod training;
mod typed;
pub mod users;
pub mod vendors;
pub mod vulns;
pub mod webhooks;

use std::sync::Arc;

pub use config::AuthConfig;
pub use error::AppError;
use zian_domain::ports::{Clock, IdGen};
pub use zian_domain::{Principal, RequestMeta};
use zian_storage::{SqlStore, Stores};

pub type Result<T> = std::result::Result<T, AppError>;

/// The application: the stores, time, ids and configuration.
#[derive(Clone)]
pub struct App {
    pub(crate) stores: Stores,
    pub(crate) auth: auth::Authenticator,
    pub(crate) directory: Arc<directory::Directory>,
    pub(crate) health: Health,
    /// The key that signs the audit chain (from the store), for verifying
    /// and signing checkpoints.
    audit_key: Option<zian_domain::audit::AuditKey>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGen>,
    pub cfg: Arc<AuthConfig>,
    /// Where mail leaves (none: mail is not configured).
    pub(crate) mailer: Option<Arc<dyn mail::Mailer>>,
    /// Webhooks' guard, timeout and transport.
    pub(crate) webhooks: Arc<webhooks::WebhookRuntime>,
    /// The vulnerability feed store findings are matched against.
    pub(crate) feeds: Arc<vulns::FeedStore>,
    /// Where the feeds come from when online (none: imports only).
    pub(crate) feed_sync: Option<Arc<feeds_sync::FeedSync>>,
    /// Supervisors' reviews computed recently.
    pub(crate) review_cache: Arc<vulns::review::ReviewCache>,
    /// The fonts PDF documents are laid out with, found on first use.
    pub(crate) fonts: Arc<documents::Fonts>,
}

/// The database as far as readiness checks see it.
#[derive(Clone)]
struct Health(pub(crate) SqlStore);

impl App {
    pub fn new(
        store: &SqlStore,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGen>,
        cfg: AuthConfig,
    ) -> App {
        let (stores, auth_store) = store.split();
        App {
            stores,
            auth: auth::Authenticator::new(auth_store),
            directory: Arc::new(directory::Directory::new(store)),
            health: Health(store.clone()),
            audit_key: store.audit_key().cloned(),
            clock,
            ids,
            cfg: Arc::new(cfg),
            mailer: None,
            webhooks: Arc::new(webhooks::WebhookRuntime::default()),
            feeds: Arc::new(vulns::FeedStore::default()),
            feed_sync: None,
            review_cache: Arc::default(),
            fonts: Arc::default(),
        }
    }

    /// The application sending mail through `mailer`.
    #[must_use]
    pub fn with_mailer(mut self, mailer: Arc<dyn mail::Mailer>) -> App {
        self.mailer = Some(mailer);
        self
    }

    /// Current time as unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.now().unix_timestamp()
    }

    /// Today's date in Asia/Taipei (UTC+8, no daylight saving).
    pub fn today(&self) -> time::Date {
        zian_domain::day::taipei(self.clock.now())
    }

    /// Whether the database answers; its kind (`sqlite`, `postgres`).
    pub async fn ready(&self) -> Result<&'static str> {
        self.health.0.ping().await?;
        Ok(self.health.0.backend().as_str())
    }
}

/// A boolean query parameter: `true`/`1` or `false`/`0`.
pub(crate) fn parse_bool(field: &str, v: &str) -> Result<bool> {
    match v.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(AppError::invalid(field, zian_i18n::msg!("reason.bool"))),
    }
}
