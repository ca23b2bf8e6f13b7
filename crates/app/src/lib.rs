//! Application services: the only layer that composes the domain and storage.
//!
//! - [`authz`] turns a caller's roles into an [`zian_domain::OrgScope`]; it is
//!   the one place where authorisation is decided.
//! - [`auth`] logs people in (Argon2id, TOTP, recovery codes, lockout),
//!   manages sessions and API tokens.
//! - [`orgs`], [`users`], [`audit`] are the use cases the web handlers and the
//!   CLI call; [`demo`] seeds the demonstration tree.
//! - [`compliance`], [`systems`], [`risk`] are the obligations calendar with
//!   completions and overrides, system grading with its control baseline, and
//!   the risk register (issue 4), driven by the `zian-rules` data.
//!
//! Time and ids are injected ([`zian_domain::ports`]); errors are [`AppError`].

pub mod audit;
pub mod auth;
pub mod authz;
pub mod compliance;
pub mod config;
pub mod demo;
pub mod error;
pub mod evidence;
pub mod orgs;
pub mod plans;
pub mod reminders;
pub mod risk;
pub mod system;
pub mod systems;
pub mod users;

use std::sync::Arc;

pub use authz::Principal;
pub use config::AuthConfig;
pub use error::AppError;
use zian_domain::ports::{Clock, IdGen};
use zian_storage::Store;

pub type Result<T> = std::result::Result<T, AppError>;

/// Where a request came from; recorded in the audit trail.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The application: storage, time, ids and configuration.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGen>,
    pub cfg: Arc<AuthConfig>,
    pub(crate) throttle: Arc<auth::Throttle>,
}

impl App {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGen>,
        cfg: AuthConfig,
    ) -> App {
        App {
            store,
            clock,
            ids,
            cfg: Arc::new(cfg),
            throttle: Arc::new(auth::Throttle::default()),
        }
    }

    /// Current time as unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.now().unix_timestamp()
    }

    /// Today's date in Asia/Taipei (UTC+8, no daylight saving).
    pub fn today(&self) -> time::Date {
        (self.clock.now() + time::Duration::hours(8)).date()
    }
}
