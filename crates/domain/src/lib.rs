//! Zian's pure domain model: the organisation tree, people and their roles,
//! authorisation (the caller's organisation scopes), the records of every
//! feature (compliance, systems, risk, plans, evidence), the password policy,
//! TOTP, the audit hash chain, dates and ROC (民國) dates, bounded text and
//! the one list shape.
//!
//! Invariants: no I/O, no async, no database or HTTP types. Time and ids reach
//! the domain through the [`ports::Clock`] and [`ports::IdGen`] traits. The
//! regulation vocabulary (organisation kind, responsibility level, impact
//! grade) is `zian_rules`', re-exported here: one spelling everywhere.

pub mod archive;
pub mod assets;
pub mod audit;
pub mod audits;
pub mod authz;
pub mod compliance;
pub mod continuity;
pub mod corrective;
pub mod coverage;
pub mod day;
pub mod documents;
pub mod error;
pub mod evidence;
pub mod ids;
pub mod implementation_report;
pub mod inbox;
pub mod incidents;
pub mod intel;
pub mod inventory;
pub mod jobs;
pub mod list;
pub mod management_review;
pub mod maturity;
pub mod org;
pub mod password;
pub mod people_forms;
pub mod plan;
pub mod ports;
pub mod risk;
pub mod roc;
pub mod role;
pub mod scope;
pub mod systems;
pub mod text;
pub mod threat_notices;
pub mod totp;
pub mod training;
pub mod user;
pub mod vendors;
pub mod vulns;
pub mod webhooks;

pub use authz::{Denied, Principal, RequestMeta, TokenGrant};
pub use error::DomainError;
pub use ids::{
    ActionId, ActivationId, AreaEntryId, AssetId, AuditId, CampaignId, ChecklistId,
    CoverageReportId, DrillId, EvidenceId, FindingId, ImplementationReportId, ImportId, IncidentId,
    IntelId, ManagementReviewId, MaturityProgrammeId, MaturityReportId, OrgId, PeopleFormId,
    PlanId, ProcessId, RiskId, ShareId, SystemId, ThreatNoticeId, ThreatResponseId, TrainingId,
    UserId, VendorId,
};
pub use list::{ListQuery, Page};
pub use org::{OrgTier, Organisation};
pub use role::{Permission, Role};
pub use scope::OrgScope;
pub use text::{Memo, Text};
pub use user::{ApiToken, Deputy, RoleAssignment, User};
pub use zian_rules::{Frequency, Impact, Level, OrgKind};
