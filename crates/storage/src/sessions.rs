//! Authentication state: failed logins, passwords, TOTP, recovery codes,
//! sessions and API tokens — and the [`Store`] implementation.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::{AuditEntry, AuditEvent};
use zian_domain::org::OrgDraft;
use zian_domain::{
    ApiToken, Deputy, OrgScope, Organisation, Permission, Role, RoleAssignment, User,
};

use crate::audit::{append, begin};
use crate::db::{b, i, oi, os, s};
use crate::{
    Backend, Credentials, ListQuery, NewUser, OrgHistoryRow, OrgStats, Page, Result, SessionRow,
    ShareRow, SqlStore, Store, StoreError, UserPatch,
};
use crate::{
    CompletionRow, ControlStatusRow, GradingRow, OverrideRow, RiskFilter, RiskRow, RiskSettingsRow,
    SystemRow,
};
use crate::{EvidenceRow, KpiRow, PlanRow, PlanTransition, RoleHolder};

fn session_from_row(r: &AnyRow) -> Result<SessionRow> {
    Ok(SessionRow {
        id_hash: s(r, "id_hash")?,
        user_id: s(r, "user_id")?,
        created_at: i(r, "created_at")?,
        last_seen_at: i(r, "last_seen_at")?,
        expires_at: i(r, "expires_at")?,
        mfa_passed: b(r, "mfa_passed")?,
        csrf_token: s(r, "csrf_token")?,
        current_org_id: os(r, "current_org_id")?,
        ip: os(r, "ip")?,
        user_agent: os(r, "user_agent")?,
    })
}

fn token_from_row(r: &AnyRow) -> Result<ApiToken> {
    let perms: Vec<String> = serde_json::from_str(&s(r, "permissions")?)
        .map_err(|e| StoreError::Corrupt(format!("token permissions: {e}")))?;
    Ok(ApiToken {
        id: s(r, "id")?,
        user_id: s(r, "user_id")?,
        name: s(r, "name")?,
        org_id: s(r, "org_id")?,
        permissions: perms
            .iter()
            .map(|p| Permission::parse(p))
            .collect::<std::result::Result<_, _>>()?,
        created_at: i(r, "created_at")?,
        expires_at: oi(r, "expires_at")?,
        last_used_at: oi(r, "last_used_at")?,
        revoked_at: oi(r, "revoked_at")?,
    })
}

const TOKEN_COLS: &str =
    "id, user_id, name, org_id, permissions, created_at, expires_at, last_used_at, revoked_at";

async fn exec1(store: &SqlStore, sql: &str, binds: Vec<Bind>) -> Result<u64> {
    let mut q = sqlx::query(sql);
    for v in binds {
        q = match v {
            Bind::S(x) => q.bind(x),
            Bind::OS(x) => q.bind(x),
            Bind::I(x) => q.bind(x),
        };
    }
    Ok(q.execute(&store.pool).await?.rows_affected())
}

enum Bind {
    S(String),
    OS(Option<String>),
    I(i64),
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1 AS one").fetch_one(&self.pool).await?;
        Ok(())
    }

    async fn insert_org(&self, org: &Organisation, now: i64, audit: AuditEvent) -> Result<()> {
        self.insert_org_impl(org, now, audit).await
    }
    async fn get_org(&self, scope: &OrgScope, id: &str) -> Result<Option<Organisation>> {
        self.get_org_impl(scope, id).await
    }
    async fn list_orgs(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<Organisation>> {
        self.list_orgs_impl(scope, q).await
    }
    async fn update_org(
        &self,
        scope: &OrgScope,
        id: &str,
        d: &OrgDraft,
        now: i64,
        a: AuditEvent,
    ) -> Result<bool> {
        self.update_org_impl(scope, id, d, now, a).await
    }
    async fn move_org(
        &self,
        scope: &OrgScope,
        id: &str,
        p: &str,
        now: i64,
        a: AuditEvent,
    ) -> Result<()> {
        self.move_org_impl(scope, id, p, now, a).await
    }
    async fn set_org_active(
        &self,
        scope: &OrgScope,
        id: &str,
        active: bool,
        now: i64,
        a: AuditEvent,
    ) -> Result<bool> {
        self.set_org_active_impl(scope, id, active, now, a).await
    }
    async fn org_history(&self, scope: &OrgScope, id: &str) -> Result<Vec<OrgHistoryRow>> {
        self.org_history_impl(scope, id).await
    }
    async fn org_stats(&self, scope: &OrgScope, today: &str) -> Result<OrgStats> {
        self.org_stats_impl(scope, today).await
    }

    async fn insert_user(&self, user: &NewUser, audit: AuditEvent) -> Result<()> {
        self.insert_user_impl(user, audit).await
    }
    async fn get_user(&self, scope: &OrgScope, id: &str) -> Result<Option<User>> {
        self.get_user_impl(scope, id).await
    }
    async fn list_users(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<User>> {
        self.list_users_impl(scope, q).await
    }
    async fn update_user(
        &self,
        scope: &OrgScope,
        id: &str,
        p: &UserPatch,
        now: i64,
        a: AuditEvent,
    ) -> Result<bool> {
        self.update_user_impl(scope, id, p, now, a).await
    }
    async fn list_assignments(
        &self,
        scope: &OrgScope,
        user_id: &str,
    ) -> Result<Vec<RoleAssignment>> {
        self.list_assignments_impl(scope, user_id).await
    }
    async fn grant_role(
        &self,
        id: &str,
        user_id: &str,
        org_id: &str,
        role: Role,
        by: &str,
        now: i64,
        a: AuditEvent,
    ) -> Result<()> {
        self.grant_role_impl(id, user_id, org_id, role, by, now, a)
            .await
    }
    async fn revoke_role(
        &self,
        scope: &OrgScope,
        id: &str,
        by: &str,
        now: i64,
        a: AuditEvent,
    ) -> Result<bool> {
        self.revoke_role_impl(scope, id, by, now, a).await
    }
    async fn insert_deputy(&self, d: &Deputy, now: i64, a: AuditEvent) -> Result<()> {
        self.insert_deputy_impl(d, now, a).await
    }
    async fn list_deputies(&self, scope: &OrgScope) -> Result<Vec<Deputy>> {
        self.list_deputies_impl(scope).await
    }
    async fn revoke_deputy(
        &self,
        scope: &OrgScope,
        id: &str,
        now: i64,
        a: AuditEvent,
    ) -> Result<bool> {
        self.revoke_deputy_impl(scope, id, now, a).await
    }
    async fn list_shares_for_vendor(&self, vendor: &str) -> Result<Vec<ShareRow>> {
        self.list_shares_for_vendor_impl(vendor).await
    }

    async fn system_user_by_username(&self, username: &str) -> Result<Option<Credentials>> {
        self.system_user_by_username_impl(username).await
    }
    async fn system_user_by_id(&self, id: &str) -> Result<Option<Credentials>> {
        self.system_user_by_id_impl(id).await
    }
    async fn system_assignments(&self, user_id: &str, now: i64) -> Result<Vec<RoleAssignment>> {
        self.system_assignments_impl(user_id, now).await
    }
    async fn system_org(&self, id: &str) -> Result<Option<Organisation>> {
        self.system_org_impl(id).await
    }
    async fn system_org_count(&self) -> Result<i64> {
        self.system_org_count_impl().await
    }

    async fn system_record_login_failure(
        &self,
        user_id: &str,
        lock_until: Option<i64>,
        now: i64,
        audit: AuditEvent,
    ) -> Result<i64> {
        let mut tx = begin(self).await?;
        sqlx::query("UPDATE users SET failed_logins = failed_logins + 1, locked_until = COALESCE($1, locked_until) WHERE id = $2")
            .bind(lock_until)
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        let r = sqlx::query("SELECT failed_logins FROM users WHERE id = $1")
            .bind(user_id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        append(&mut tx, audit, now).await?;
        tx.commit().await?;
        i(&r, "failed_logins")
    }
    async fn system_record_login_success(&self, user_id: &str) -> Result<()> {
        exec1(
            self,
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
            vec![Bind::S(user_id.into())],
        )
        .await?;
        Ok(())
    }
    async fn system_set_password(
        &self,
        user_id: &str,
        hash: &str,
        must_change: bool,
        now: i64,
        id: &str,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2, must_change_password = $3, failed_logins = 0, locked_until = NULL, updated_at = $4 WHERE id = $5")
            .bind(hash.to_string())
            .bind(now)
            .bind(i64::from(must_change))
            .bind(now)
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO password_history (id, user_id, password_hash, changed_at) VALUES ($1, $2, $3, $4)")
            .bind(id.to_string())
            .bind(user_id.to_string())
            .bind(hash.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        append(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
    async fn system_password_history(&self, user_id: &str, n: usize) -> Result<Vec<String>> {
        let sql = format!(
            "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY changed_at DESC LIMIT {}",
            n.clamp(1, 50)
        );
        let rows = sqlx::query(&sql)
            .bind(user_id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| s(r, "password_hash")).collect()
    }
    async fn system_set_totp(
        &self,
        user_id: &str,
        secret: Option<&str>,
        enabled: bool,
        now: i64,
        audit: Option<AuditEvent>,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        sqlx::query("UPDATE users SET totp_secret = $1, totp_enabled = $2, totp_last_step = NULL WHERE id = $3")
            .bind(secret.map(str::to_string))
            .bind(i64::from(enabled))
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        if let Some(a) = audit {
            append(&mut tx, a, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
    async fn system_set_totp_step(&self, user_id: &str, step: i64) -> Result<()> {
        exec1(
            self,
            "UPDATE users SET totp_last_step = $1 WHERE id = $2",
            vec![Bind::I(step), Bind::S(user_id.into())],
        )
        .await?;
        Ok(())
    }
    async fn system_replace_recovery_codes(
        &self,
        user_id: &str,
        codes: &[(String, String)],
        now: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        for (id, hash) in codes {
            sqlx::query("INSERT INTO recovery_codes (id, user_id, code_hash, used_at) VALUES ($1, $2, $3, NULL)")
                .bind(id.clone())
                .bind(user_id.to_string())
                .bind(hash.clone())
                .execute(&mut *tx)
                .await?;
        }
        append(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
    async fn system_use_recovery_code(&self, user_id: &str, hash: &str, now: i64) -> Result<bool> {
        let n = exec1(
            self,
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            vec![Bind::I(now), Bind::S(user_id.into()), Bind::S(hash.into())],
        )
        .await?;
        Ok(n == 1)
    }
    async fn system_count_recovery_codes(&self, user_id: &str) -> Result<i64> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id.to_string())
        .fetch_one(&self.pool)
        .await?;
        i(&r, "n")
    }
    async fn system_set_locale(&self, user_id: &str, locale: &str) -> Result<()> {
        exec1(
            self,
            "UPDATE users SET locale = $1 WHERE id = $2",
            vec![Bind::S(locale.into()), Bind::S(user_id.into())],
        )
        .await?;
        Ok(())
    }

    async fn insert_session(&self, x: &SessionRow) -> Result<()> {
        exec1(
            self,
            "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, mfa_passed, csrf_token, current_org_id, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            vec![
                Bind::S(x.id_hash.clone()),
                Bind::S(x.user_id.clone()),
                Bind::I(x.created_at),
                Bind::I(x.last_seen_at),
                Bind::I(x.expires_at),
                Bind::I(i64::from(x.mfa_passed)),
                Bind::S(x.csrf_token.clone()),
                Bind::OS(x.current_org_id.clone()),
                Bind::OS(x.ip.clone()),
                Bind::OS(x.user_agent.clone()),
            ],
        )
        .await?;
        Ok(())
    }
    async fn get_session(&self, id_hash: &str) -> Result<Option<SessionRow>> {
        sqlx::query("SELECT id_hash, user_id, created_at, last_seen_at, expires_at, mfa_passed, csrf_token, current_org_id, ip, user_agent FROM sessions WHERE id_hash = $1")
            .bind(id_hash.to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(session_from_row)
            .transpose()
    }
    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        exec1(
            self,
            "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2",
            vec![Bind::I(now), Bind::S(id_hash.into())],
        )
        .await?;
        Ok(())
    }
    async fn update_session(
        &self,
        id_hash: &str,
        mfa_passed: bool,
        org: Option<&str>,
    ) -> Result<()> {
        exec1(
            self,
            "UPDATE sessions SET mfa_passed = $1, current_org_id = $2 WHERE id_hash = $3",
            vec![
                Bind::I(i64::from(mfa_passed)),
                Bind::OS(org.map(str::to_string)),
                Bind::S(id_hash.into()),
            ],
        )
        .await?;
        Ok(())
    }
    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        exec1(
            self,
            "DELETE FROM sessions WHERE id_hash = $1",
            vec![Bind::S(id_hash.into())],
        )
        .await?;
        Ok(())
    }
    async fn delete_user_sessions(
        &self,
        user_id: &str,
        now: i64,
        audit: Option<AuditEvent>,
    ) -> Result<u64> {
        let mut tx = begin(self).await?;
        let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if let Some(a) = audit {
            append(&mut tx, a, now).await?;
        }
        tx.commit().await?;
        Ok(n)
    }
    async fn insert_token(&self, t: &ApiToken, hash: &str, audit: AuditEvent) -> Result<()> {
        let perms: Vec<&str> = t.permissions.iter().map(|p| p.as_str()).collect();
        let mut tx = begin(self).await?;
        sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, org_id, permissions, created_at, expires_at, last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL)")
            .bind(t.id.clone())
            .bind(t.user_id.clone())
            .bind(t.name.clone())
            .bind(hash.to_string())
            .bind(t.org_id.clone())
            .bind(serde_json::to_string(&perms).unwrap_or_else(|_| "[]".into()))
            .bind(t.created_at)
            .bind(t.expires_at)
            .execute(&mut *tx)
            .await?;
        append(&mut tx, audit, t.created_at).await?;
        tx.commit().await?;
        Ok(())
    }
    async fn system_token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>> {
        let sql = format!("SELECT {TOKEN_COLS} FROM api_tokens WHERE token_hash = $1");
        sqlx::query(&sql)
            .bind(hash.to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(token_from_row)
            .transpose()
    }
    async fn touch_token(&self, id: &str, now: i64) -> Result<()> {
        exec1(
            self,
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
            vec![Bind::I(now), Bind::S(id.into())],
        )
        .await?;
        Ok(())
    }
    async fn list_tokens(&self, user_id: &str) -> Result<Vec<ApiToken>> {
        let sql = format!(
            "SELECT {TOKEN_COLS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from_row).collect()
    }
    async fn revoke_token(
        &self,
        user_id: &str,
        id: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool> {
        let mut tx = begin(self).await?;
        let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
            .bind(now)
            .bind(id.to_string())
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        append(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn append_audit(&self, event: AuditEvent, now: i64) -> Result<i64> {
        self.append_audit_impl(event, now).await
    }
    async fn list_audit(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<AuditEntry>> {
        self.list_audit_impl(scope, q).await
    }
    async fn system_audit_chunk(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        self.audit_chunk_impl(after_seq, limit).await
    }
    async fn system_audit_head(&self) -> Result<(i64, String)> {
        self.audit_head_impl().await
    }

    // ---- compliance, systems and risk (issue 4)
    async fn insert_plan(
        &self,
        scope: &OrgScope,
        p: &PlanRow,
        audit: AuditEvent,
    ) -> Result<PlanRow> {
        self.insert_plan_impl(scope, p, audit).await
    }
    async fn get_plan(&self, scope: &OrgScope, id: &str) -> Result<Option<PlanRow>> {
        self.get_plan_impl(scope, id).await
    }
    async fn list_plans(&self, scope: &OrgScope, org_id: Option<&str>) -> Result<Vec<PlanRow>> {
        self.list_plans_impl(scope, org_id).await
    }
    async fn update_plan_content(
        &self,
        scope: &OrgScope,
        id: &str,
        content: &str,
        change_note: &str,
        by: Option<&str>,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        self.update_plan_content_impl(scope, id, content, change_note, by, now, audit)
            .await
    }
    async fn transition_plan(
        &self,
        scope: &OrgScope,
        id: &str,
        t: &PlanTransition,
        audit: AuditEvent,
    ) -> Result<()> {
        self.transition_plan_impl(scope, id, t, audit).await
    }
    async fn insert_kpi(&self, scope: &OrgScope, k: &KpiRow, audit: AuditEvent) -> Result<()> {
        self.insert_kpi_impl(scope, k, audit).await
    }
    async fn list_kpis(&self, scope: &OrgScope, org_id: &str) -> Result<Vec<KpiRow>> {
        self.list_kpis_impl(scope, org_id).await
    }
    async fn insert_evidence(
        &self,
        scope: &OrgScope,
        e: &EvidenceRow,
        content_base64: &str,
        audit: AuditEvent,
    ) -> Result<()> {
        self.insert_evidence_impl(scope, e, content_base64, audit)
            .await
    }
    async fn get_evidence(
        &self,
        scope: &OrgScope,
        id: &str,
    ) -> Result<Option<(EvidenceRow, String)>> {
        self.get_evidence_impl(scope, id).await
    }
    async fn list_evidence(&self, scope: &OrgScope, org_id: &str) -> Result<Vec<EvidenceRow>> {
        self.list_evidence_impl(scope, org_id).await
    }
    async fn list_role_holders(&self, scope: &OrgScope, roles: &[&str]) -> Result<Vec<RoleHolder>> {
        self.list_role_holders_impl(scope, roles).await
    }
    async fn insert_completion(
        &self,
        scope: &OrgScope,
        c: &CompletionRow,
        audit: AuditEvent,
    ) -> Result<()> {
        self.insert_completion_impl(scope, c, audit).await
    }
    async fn list_completions(
        &self,
        scope: &OrgScope,
        org_id: Option<&str>,
    ) -> Result<Vec<CompletionRow>> {
        self.list_completions_impl(scope, org_id).await
    }
    async fn insert_override(
        &self,
        scope: &OrgScope,
        o: &OverrideRow,
        audit: AuditEvent,
    ) -> Result<()> {
        self.insert_override_impl(scope, o, audit).await
    }
    async fn list_overrides(
        &self,
        scope: &OrgScope,
        org_id: Option<&str>,
    ) -> Result<Vec<OverrideRow>> {
        self.list_overrides_impl(scope, org_id).await
    }
    async fn insert_system(
        &self,
        scope: &OrgScope,
        x: &SystemRow,
        audit: AuditEvent,
    ) -> Result<()> {
        self.insert_system_impl(scope, x, audit).await
    }
    async fn get_system(&self, scope: &OrgScope, id: &str) -> Result<Option<SystemRow>> {
        self.get_system_impl(scope, id).await
    }
    async fn list_systems(
        &self,
        scope: &OrgScope,
        org_id: Option<&str>,
        include_archived: bool,
    ) -> Result<Vec<SystemRow>> {
        self.list_systems_impl(scope, org_id, include_archived)
            .await
    }
    async fn update_system(
        &self,
        scope: &OrgScope,
        x: &SystemRow,
        audit: AuditEvent,
    ) -> Result<()> {
        self.update_system_impl(scope, x, audit).await
    }
    async fn insert_grading(
        &self,
        scope: &OrgScope,
        g: &GradingRow,
        audit: AuditEvent,
    ) -> Result<()> {
        self.insert_grading_impl(scope, g, audit).await
    }
    async fn list_gradings(&self, scope: &OrgScope, system_id: &str) -> Result<Vec<GradingRow>> {
        self.list_gradings_impl(scope, system_id).await
    }
    async fn upsert_control_status(
        &self,
        scope: &OrgScope,
        id: &str,
        c: &ControlStatusRow,
        audit: AuditEvent,
    ) -> Result<()> {
        self.upsert_control_status_impl(scope, id, c, audit).await
    }
    async fn list_control_status(
        &self,
        scope: &OrgScope,
        system_id: &str,
    ) -> Result<Vec<ControlStatusRow>> {
        self.list_control_status_impl(scope, system_id).await
    }
    async fn insert_risk(&self, scope: &OrgScope, r: &RiskRow, audit: AuditEvent) -> Result<()> {
        self.insert_risk_impl(scope, r, audit).await
    }
    async fn list_risks(&self, scope: &OrgScope, f: &RiskFilter) -> Result<Vec<RiskRow>> {
        self.list_risks_impl(scope, f).await
    }
    async fn get_risk(&self, scope: &OrgScope, id: &str) -> Result<Option<RiskRow>> {
        self.get_risk_impl(scope, id).await
    }
    async fn update_risk(&self, scope: &OrgScope, r: &RiskRow, audit: AuditEvent) -> Result<()> {
        self.update_risk_impl(scope, r, audit).await
    }
    async fn delete_risk(
        &self,
        scope: &OrgScope,
        org_id: &str,
        id: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        self.delete_risk_impl(scope, org_id, id, now, audit).await
    }
    async fn risk_settings_chain(
        &self,
        scope: &OrgScope,
        org_id: &str,
    ) -> Result<Vec<RiskSettingsRow>> {
        self.risk_settings_chain_impl(scope, org_id).await
    }
    async fn put_risk_settings(
        &self,
        scope: &OrgScope,
        x: &RiskSettingsRow,
        audit: AuditEvent,
    ) -> Result<Vec<RiskRow>> {
        self.put_risk_settings_impl(scope, x, audit).await
    }
}
