//! Zian's pure domain model: the organisation tree, roles and permissions, the
//! caller's organisation scope, the password policy, TOTP, the audit hash chain
//! and ROC (民國) dates.
//!
//! Invariants: no I/O, no async, no database or HTTP types. Time and ids reach
//! the domain through the [`ports::Clock`] and [`ports::IdGen`] traits.

pub mod audit;
pub mod error;
pub mod org;
pub mod password;
pub mod plan;
pub mod ports;
pub mod roc;
pub mod role;
pub mod scope;
pub mod totp;
pub mod user;

pub use error::DomainError;
pub use org::{OrgKind, OrgTier, Organisation, ResponsibilityLevel};
pub use role::{Permission, Role};
pub use scope::OrgScope;
pub use user::{ApiToken, Deputy, RoleAssignment, User};
