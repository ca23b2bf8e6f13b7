//! Storage: one SQL code path for embedded SQLite and PostgreSQL through
//! sqlx's `Any` driver, one migration tree (`/migrations`), and the
//! [`Store`] trait the application layer talks to.
//!
//! Invariants:
//! - every query over organisation-owned data takes an [`OrgScope`] and
//!   restricts rows to the scope's subtrees (see [`scope_sql`]); methods that
//!   do not are named `system_*` and serve authentication and authorisation
//!   only;
//! - every write that matters to security appends its audit entry in the same
//!   transaction (see [`audit`]);
//! - SQL uses `$n` placeholders and portable types only.

pub mod audit;
pub mod backup;
mod compliance;
mod db;
pub mod error;
mod evidence;
mod orgs;
mod people;
mod plans;
mod reminders;
mod risk;
mod rows;
mod sessions;

pub use compliance::{CompletionRow, ControlStatusRow, GradingRow, OverrideRow, SystemRow};
pub use db::{Backend, SqlStore, scope_sql};
pub use error::StoreError;
pub use evidence::EvidenceRow;
pub use plans::{KpiRow, PlanRow, PlanTransition};
pub use reminders::RoleHolder;
pub use risk::{RiskFilter, RiskRow, RiskSettingsRow};
pub use rows::*;

use async_trait::async_trait;
use zian_domain::audit::{AuditEntry, AuditEvent};
use zian_domain::org::OrgDraft;
use zian_domain::{ApiToken, Deputy, OrgScope, Organisation, Role, RoleAssignment, User};

pub type Result<T> = std::result::Result<T, StoreError>;

/// Everything the application layer needs from storage.
#[async_trait]
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;
    async fn ping(&self) -> Result<()>;

    // ---- organisations (scoped)
    async fn insert_org(&self, org: &Organisation, now: i64, audit: AuditEvent) -> Result<()>;
    async fn get_org(&self, scope: &OrgScope, id: &str) -> Result<Option<Organisation>>;
    async fn list_orgs(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<Organisation>>;
    async fn update_org(
        &self,
        scope: &OrgScope,
        id: &str,
        draft: &OrgDraft,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool>;
    async fn move_org(
        &self,
        scope: &OrgScope,
        id: &str,
        new_parent_id: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn set_org_active(
        &self,
        scope: &OrgScope,
        id: &str,
        active: bool,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool>;
    async fn org_history(&self, scope: &OrgScope, id: &str) -> Result<Vec<OrgHistoryRow>>;
    async fn org_stats(&self, scope: &OrgScope, today: &str) -> Result<OrgStats>;

    // ---- users (scoped)
    async fn insert_user(&self, user: &NewUser, audit: AuditEvent) -> Result<()>;
    async fn get_user(&self, scope: &OrgScope, id: &str) -> Result<Option<User>>;
    async fn list_users(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<User>>;
    async fn update_user(
        &self,
        scope: &OrgScope,
        id: &str,
        patch: &UserPatch,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool>;
    async fn list_assignments(
        &self,
        scope: &OrgScope,
        user_id: &str,
    ) -> Result<Vec<RoleAssignment>>;
    async fn grant_role(
        &self,
        id: &str,
        user_id: &str,
        org_id: &str,
        role: Role,
        by: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn revoke_role(
        &self,
        scope: &OrgScope,
        id: &str,
        by: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool>;
    async fn insert_deputy(&self, d: &Deputy, now: i64, audit: AuditEvent) -> Result<()>;
    async fn list_deputies(&self, scope: &OrgScope) -> Result<Vec<Deputy>>;
    async fn revoke_deputy(
        &self,
        scope: &OrgScope,
        id: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool>;
    async fn list_shares_for_vendor(&self, vendor_user_id: &str) -> Result<Vec<ShareRow>>;

    // ---- authentication internals (system: used before a scope exists)
    async fn system_user_by_username(&self, username: &str) -> Result<Option<Credentials>>;
    async fn system_user_by_id(&self, id: &str) -> Result<Option<Credentials>>;
    async fn system_assignments(&self, user_id: &str, now: i64) -> Result<Vec<RoleAssignment>>;
    async fn system_org(&self, id: &str) -> Result<Option<Organisation>>;
    async fn system_org_count(&self) -> Result<i64>;
    async fn system_record_login_failure(
        &self,
        user_id: &str,
        lock_until: Option<i64>,
        now: i64,
        audit: AuditEvent,
    ) -> Result<i64>;
    async fn system_record_login_success(&self, user_id: &str) -> Result<()>;
    async fn system_set_password(
        &self,
        user_id: &str,
        hash: &str,
        must_change: bool,
        now: i64,
        id: &str,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn system_password_history(&self, user_id: &str, n: usize) -> Result<Vec<String>>;
    async fn system_set_totp(
        &self,
        user_id: &str,
        secret: Option<&str>,
        enabled: bool,
        now: i64,
        audit: Option<AuditEvent>,
    ) -> Result<()>;
    async fn system_set_totp_step(&self, user_id: &str, step: i64) -> Result<()>;
    async fn system_replace_recovery_codes(
        &self,
        user_id: &str,
        codes: &[(String, String)],
        now: i64,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn system_use_recovery_code(&self, user_id: &str, hash: &str, now: i64) -> Result<bool>;
    async fn system_count_recovery_codes(&self, user_id: &str) -> Result<i64>;
    async fn system_set_locale(&self, user_id: &str, locale: &str) -> Result<()>;

    // ---- sessions and tokens
    async fn insert_session(&self, s: &SessionRow) -> Result<()>;
    async fn get_session(&self, id_hash: &str) -> Result<Option<SessionRow>>;
    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()>;
    async fn update_session(
        &self,
        id_hash: &str,
        mfa_passed: bool,
        org: Option<&str>,
    ) -> Result<()>;
    async fn delete_session(&self, id_hash: &str) -> Result<()>;
    async fn delete_user_sessions(
        &self,
        user_id: &str,
        now: i64,
        audit: Option<AuditEvent>,
    ) -> Result<u64>;
    async fn insert_token(&self, t: &ApiToken, hash: &str, audit: AuditEvent) -> Result<()>;
    async fn system_token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>>;
    async fn touch_token(&self, id: &str, now: i64) -> Result<()>;
    async fn list_tokens(&self, user_id: &str) -> Result<Vec<ApiToken>>;
    async fn revoke_token(
        &self,
        user_id: &str,
        id: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool>;

    // ---- audit trail
    async fn append_audit(&self, event: AuditEvent, now: i64) -> Result<i64>;
    async fn list_audit(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<AuditEntry>>;
    async fn system_audit_chunk(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>>;
    async fn system_audit_head(&self) -> Result<(i64, String)>;

    // ---- maintenance plan versions and KPI measurements (issue 4)
    /// Inserts a new version numbered after the highest; `Conflict` while a
    /// draft or submitted version is open. Returns the row as stored.
    async fn insert_plan(
        &self,
        scope: &OrgScope,
        p: &PlanRow,
        audit: AuditEvent,
    ) -> Result<PlanRow>;
    async fn get_plan(&self, scope: &OrgScope, id: &str) -> Result<Option<PlanRow>>;
    async fn list_plans(&self, scope: &OrgScope, org_id: Option<&str>) -> Result<Vec<PlanRow>>;
    #[allow(clippy::too_many_arguments)]
    async fn update_plan_content(
        &self,
        scope: &OrgScope,
        id: &str,
        content: &str,
        change_note: &str,
        by: Option<&str>,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn transition_plan(
        &self,
        scope: &OrgScope,
        id: &str,
        t: &PlanTransition,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn insert_kpi(&self, scope: &OrgScope, k: &KpiRow, audit: AuditEvent) -> Result<()>;
    async fn list_kpis(&self, scope: &OrgScope, org_id: &str) -> Result<Vec<KpiRow>>;
    async fn insert_evidence(
        &self,
        scope: &OrgScope,
        e: &EvidenceRow,
        content_base64: &str,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_evidence(
        &self,
        scope: &OrgScope,
        id: &str,
    ) -> Result<Option<(EvidenceRow, String)>>;
    async fn list_evidence(&self, scope: &OrgScope, org_id: &str) -> Result<Vec<EvidenceRow>>;
    /// Active users holding one of `roles` at organisations in scope.
    async fn list_role_holders(&self, scope: &OrgScope, roles: &[&str]) -> Result<Vec<RoleHolder>>;

    // ---- compliance, systems and risk (issue 4; scoped reads, audited writes)
    async fn insert_completion(
        &self,
        scope: &OrgScope,
        c: &CompletionRow,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn list_completions(
        &self,
        scope: &OrgScope,
        org_id: Option<&str>,
    ) -> Result<Vec<CompletionRow>>;
    async fn insert_override(
        &self,
        scope: &OrgScope,
        o: &OverrideRow,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn list_overrides(
        &self,
        scope: &OrgScope,
        org_id: Option<&str>,
    ) -> Result<Vec<OverrideRow>>;
    async fn insert_system(&self, scope: &OrgScope, x: &SystemRow, audit: AuditEvent)
    -> Result<()>;
    async fn get_system(&self, scope: &OrgScope, id: &str) -> Result<Option<SystemRow>>;
    /// Systems in scope (one organisation, or all); archived ones only with
    /// `include_archived`.
    async fn list_systems(
        &self,
        scope: &OrgScope,
        org_id: Option<&str>,
        include_archived: bool,
    ) -> Result<Vec<SystemRow>>;
    /// Saves a system's name, owner, description and archiving time.
    async fn update_system(&self, scope: &OrgScope, x: &SystemRow, audit: AuditEvent)
    -> Result<()>;
    async fn insert_grading(
        &self,
        scope: &OrgScope,
        g: &GradingRow,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn list_gradings(&self, scope: &OrgScope, system_id: &str) -> Result<Vec<GradingRow>>;
    async fn upsert_control_status(
        &self,
        scope: &OrgScope,
        id: &str,
        c: &ControlStatusRow,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn list_control_status(
        &self,
        scope: &OrgScope,
        system_id: &str,
    ) -> Result<Vec<ControlStatusRow>>;
    async fn insert_risk(&self, scope: &OrgScope, r: &RiskRow, audit: AuditEvent) -> Result<()>;
    async fn list_risks(&self, scope: &OrgScope, f: &RiskFilter) -> Result<Vec<RiskRow>>;
    async fn get_risk(&self, scope: &OrgScope, id: &str) -> Result<Option<RiskRow>>;
    async fn update_risk(&self, scope: &OrgScope, r: &RiskRow, audit: AuditEvent) -> Result<()>;
    async fn delete_risk(
        &self,
        scope: &OrgScope,
        org_id: &str,
        id: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()>;
    /// The settings that apply to an organisation in scope (its own and its
    /// ancestors'), nearest first.
    async fn risk_settings_chain(
        &self,
        scope: &OrgScope,
        org_id: &str,
    ) -> Result<Vec<RiskSettingsRow>>;
    /// Writes an organisation's own settings unless risks that follow them
    /// are rated above the new scale; returns those risks (nothing written).
    async fn put_risk_settings(
        &self,
        scope: &OrgScope,
        x: &RiskSettingsRow,
        audit: AuditEvent,
    ) -> Result<Vec<RiskRow>>;
}
