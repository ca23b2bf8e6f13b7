//! Storage: one SQL code path for embedded SQLite and PostgreSQL through
//! sqlx's `Any` driver, one migration tree (`/migrations`), and one trait per
//! aggregate, each implemented for [`SqlStore`] in its own module:
//!
//! | trait | module | records |
//! |---|---|---|
//! | [`OrgStore`] | `orgs` | the organisation tree and its history |
//! | [`PeopleStore`] | `people` | users, role assignments, deputies |
//! | [`AuthStore`] | `auth` | credentials, sessions, tokens, shares (unscoped, `system_*`) |
//! | [`AuditStore`] | `audit` | the audit chain |
//! | [`ComplianceStore`] | `compliance` | obligation completions, rule overrides |
//! | [`SystemStore`] | `systems` | information systems, gradings, control status |
//! | [`AssetStore`] | `assets` | the asset register, installed software |
//! | [`InventoryStore`] | `inventory` | software inventory imports (uploads, previews, commits) |
//! | [`VulnStore`] | `vulns` | vulnerability findings, remediation policy, match runs |
//! | [`RiskStore`] | `risk` | the risk register and risk scales |
//! | [`PlanStore`] | `plans` | maintenance-plan versions, KPI measurements |
//! | [`EvidenceStore`] | `evidence` | evidence files |
//! | [`JobStore`] | `jobs` | the background job queue and its attempts |
//! | [`MailStore`] | `mail` | outgoing mail as recorded |
//! | [`WebhookStore`] | `webhooks` | webhook subscriptions, deliveries, attempts |
//! | [`VendorStore`] | `vendors` | vendors, the records shared with vendor accounts |
//! | [`TrainingStore`] | `training` | training plans with their rosters, sessions with their sign-in sheets |
//! | [`ImplementationReportStore`] | `implementation_report` | yearly implementation reports of the maintenance plan |
//! | [`ManagementReviewStore`] | `management_review` | management review meetings with their agenda facts, minutes and decisions |
//! | [`PeopleFormsStore`] | `people_forms` | resource requests and confidentiality agreements with their sign-offs, the restricted-area entry log |
//! | [`MaturityStore`] | `maturity` | L1–L5 maturity programmes and their monthly progress reports |
//! | [`IntelStore`] | `intel` | Threat intelligence: pieces with their classification and handling |
//! | [`CoverageStore`] | `coverage` | consoles' exports of devices and SOC alerts with the coverage when received |
//! | [`ThreatNoticeStore`] | `threat_notices` | threat notices to a subtree and each addressed organisation's response |
//! | [`InboxStore`] | `inbox` | a person's notices and notification preferences (keyed by the person, not an organisation) |
//!
//! Invariants:
//! - every method over organisation-owned data takes an
//!   [`zian_domain::OrgScope`] and restricts rows to its subtrees (one
//!   helper, `Sql::scope`); the unscoped ones are named `system_*` and live
//!   on [`AuthStore`] only;
//! - every write that matters to security runs in a `tx::AuditedTx`, whose
//!   only way to commit appends its audit entry in the same transaction;
//! - rows map to the domain's records (`zian_domain`); this crate defines no
//!   record types of its own;
//! - SQL uses `$n` placeholders and portable types only.

mod assets;
mod audit;
mod audits;
mod auth;
pub mod backup;
mod compliance;
mod continuity;
mod corrective;
mod coverage;
mod db;
mod directory;
mod documents;
pub mod error;
mod evidence;
mod implementation_report;
mod inbox;
mod incidents;
mod intel;
mod inventory;
mod jobs;
mod mail;
mod management_review;
mod maturity;
mod orgs;
mod people;
mod people_forms;
mod plans;
mod risk;
mod systems;
mod threat_notices;
mod training;
mod tx;
mod vendors;
mod vulns;
mod webhooks;

use std::sync::Arc;

pub use assets::AssetStore;
pub use audit::AuditStore;
pub use audits::{AuditFilter, SecurityAuditStore};
pub use auth::{AuthStore, Ending};
pub use compliance::ComplianceStore;
pub use continuity::ContinuityStore;
pub use corrective::{ActionFilter, CorrectiveStore};
pub use coverage::CoverageStore;
pub use db::{Backend, SqlStore};
pub use directory::{
    DISABLED_DIRECTORY_REMOVED, DirectoryAccount, DirectoryGrant, DirectoryStore, GrantChanges,
    OidcPending,
};
pub use documents::DocumentStore;
pub use error::StoreError;
pub use evidence::EvidenceStore;
pub use implementation_report::ImplementationReportStore;
pub use inbox::InboxStore;
pub use incidents::IncidentStore;
pub use intel::IntelStore;
pub use inventory::{InventoryStore, PREVIEW_KEPT_SECONDS};
pub use jobs::JobStore;
pub use mail::MailStore;
pub use management_review::ManagementReviewStore;
pub use maturity::MaturityStore;
pub use orgs::OrgStore;
pub use people::{NewAssignment, PeopleStore};
pub use people_forms::PeopleFormsStore;
pub use plans::PlanStore;
pub use risk::RiskStore;
pub use systems::{ROLLUP_LIMIT, SystemStore};
pub use threat_notices::ThreatNoticeStore;
pub use training::TrainingStore;
pub use vendors::VendorStore;
pub use vulns::VulnStore;
pub use webhooks::WebhookStore;

pub type Result<T> = std::result::Result<T, StoreError>;

/// The scoped stores the application services use, one per aggregate. The
/// authentication store is handed out separately ([`SqlStore::split`]) so
/// that only authentication code holds it.
#[derive(Clone)]
pub struct Stores {
    pub orgs: Arc<dyn OrgStore>,
    pub people: Arc<dyn PeopleStore>,
    pub audit: Arc<dyn AuditStore>,
    pub compliance: Arc<dyn ComplianceStore>,
    pub systems: Arc<dyn SystemStore>,
    pub assets: Arc<dyn AssetStore>,
    pub inventory: Arc<dyn InventoryStore>,
    pub vulns: Arc<dyn VulnStore>,
    pub risk: Arc<dyn RiskStore>,
    pub incidents: Arc<dyn IncidentStore>,
    pub audits: Arc<dyn SecurityAuditStore>,
    pub vendors: Arc<dyn VendorStore>,
    pub training: Arc<dyn TrainingStore>,
    pub management_review: Arc<dyn ManagementReviewStore>,
    pub implementation_report: Arc<dyn ImplementationReportStore>,
    pub people_forms: Arc<dyn PeopleFormsStore>,
    pub maturity: Arc<dyn MaturityStore>,
    pub intel: Arc<dyn IntelStore>,
    pub threat_notices: Arc<dyn ThreatNoticeStore>,
    pub coverage: Arc<dyn CoverageStore>,
    pub continuity: Arc<dyn ContinuityStore>,
    pub corrective: Arc<dyn CorrectiveStore>,
    pub documents: Arc<dyn DocumentStore>,
    pub plans: Arc<dyn PlanStore>,
    pub evidence: Arc<dyn EvidenceStore>,
    pub jobs: Arc<dyn JobStore>,
    pub mail: Arc<dyn MailStore>,
    pub webhooks: Arc<dyn WebhookStore>,
    pub inbox: Arc<dyn InboxStore>,
}

impl SqlStore {
    /// The scoped stores and, apart, the authentication store.
    pub fn split(&self) -> (Stores, Arc<dyn AuthStore>) {
        let s = Arc::new(self.clone());
        (
            Stores {
                orgs: s.clone(),
                people: s.clone(),
                audit: s.clone(),
                compliance: s.clone(),
                systems: s.clone(),
                assets: s.clone(),
                inventory: s.clone(),
                vulns: s.clone(),
                risk: s.clone(),
                incidents: s.clone(),
                audits: s.clone(),
                vendors: s.clone(),
                training: s.clone(),
                management_review: s.clone(),
                implementation_report: s.clone(),
                people_forms: s.clone(),
                maturity: s.clone(),
                intel: s.clone(),
                threat_notices: s.clone(),
                coverage: s.clone(),
                continuity: s.clone(),
                corrective: s.clone(),
                documents: s.clone(),
                plans: s.clone(),
                evidence: s.clone(),
                jobs: s.clone(),
                mail: s.clone(),
                webhooks: s.clone(),
                inbox: s.clone(),
            },
            s,
        )
    }
}
