//! Maintenance-plan versions and KPI measurements: scoped reads, audited
//! writes. Status changes are conditional on the status the caller saw, so
//! two people approving or editing at once cannot both succeed.

use serde::Serialize;
use sqlx::any::AnyRow;
use zian_domain::OrgScope;
use zian_domain::audit::AuditEvent;

use crate::audit::{append, begin};
use crate::compliance::org_in_scope;
use crate::db::{i, oi, os, s, scope_sql};
use crate::{Result, SqlStore, StoreError};

/// One version of an organisation's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRow {
    pub id: String,
    pub org_id: String,
    pub version: i64,
    /// `draft`, `submitted`, `approved` or `superseded`.
    pub status: String,
    /// The content JSON (see `zian_domain::plan`).
    pub content: String,
    /// Live summaries frozen at submission (JSON).
    pub live_snapshot: Option<String>,
    pub change_note: String,
    pub based_on: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_by: Option<String>,
    pub updated_at: i64,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<i64>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub approved_on: Option<String>,
    pub approver_name: Option<String>,
    pub return_reason: Option<String>,
    pub review_due: Option<String>,
}

/// A status change of a version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanTransition {
    pub from: String,
    pub to: String,
    pub by: Option<String>,
    pub at: i64,
    /// Set on submission.
    pub live_snapshot: Option<String>,
    /// Set on approval.
    pub approved_on: Option<String>,
    pub approver_name: Option<String>,
    pub review_due: Option<String>,
    /// Set when returned to draft.
    pub return_reason: Option<String>,
}

/// One measurement of a KPI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KpiRow {
    pub id: String,
    pub org_id: String,
    pub kpi: String,
    /// The last day of the period measured (YYYY-MM-DD).
    pub period_end: String,
    /// The value × 1000.
    pub value_milli: i64,
    /// `manual` or the module that measured it.
    pub source: String,
    pub note: String,
    pub recorded_by: Option<String>,
    pub recorded_at: i64,
}

const COLS: &str = "p.id, p.org_id, p.version, p.status, p.content, p.live_snapshot, p.change_note, p.based_on, p.created_by, p.created_at, p.updated_by, p.updated_at, p.submitted_by, p.submitted_at, p.decided_by, p.decided_at, p.approved_on, p.approver_name, p.return_reason, p.review_due";

fn plan(r: &AnyRow) -> Result<PlanRow> {
    Ok(PlanRow {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?,
        version: i(r, "version")?,
        status: s(r, "status")?,
        content: s(r, "content")?,
        live_snapshot: os(r, "live_snapshot")?,
        change_note: s(r, "change_note")?,
        based_on: os(r, "based_on")?,
        created_by: os(r, "created_by")?,
        created_at: i(r, "created_at")?,
        updated_by: os(r, "updated_by")?,
        updated_at: i(r, "updated_at")?,
        submitted_by: os(r, "submitted_by")?,
        submitted_at: oi(r, "submitted_at")?,
        decided_by: os(r, "decided_by")?,
        decided_at: oi(r, "decided_at")?,
        approved_on: os(r, "approved_on")?,
        approver_name: os(r, "approver_name")?,
        return_reason: os(r, "return_reason")?,
        review_due: os(r, "review_due")?,
    })
}

fn kpi(r: &AnyRow) -> Result<KpiRow> {
    Ok(KpiRow {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?,
        kpi: s(r, "kpi")?,
        period_end: s(r, "period_end")?,
        value_milli: i(r, "value_milli")?,
        source: s(r, "source")?,
        note: s(r, "note")?,
        recorded_by: os(r, "recorded_by")?,
        recorded_at: i(r, "recorded_at")?,
    })
}

impl SqlStore {
    /// Inserts a new version; refuses (`Conflict("open plan version")`) while
    /// the organisation has a draft or submitted version, and numbers it one
    /// above the highest existing version.
    pub(crate) async fn insert_plan_impl(
        &self,
        scope: &OrgScope,
        x: &PlanRow,
        audit: AuditEvent,
    ) -> Result<PlanRow> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &x.org_id).await?;
        let open = sqlx::query(
            "SELECT id FROM plan_versions WHERE org_id = $1 AND status IN ('draft', 'submitted')",
        )
        .bind(x.org_id.clone())
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Err(StoreError::Conflict("open plan version"));
        }
        let max: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM plan_versions WHERE org_id = $1")
                .bind(x.org_id.clone())
                .fetch_one(&mut *tx)
                .await?;
        let mut row = x.clone();
        row.version = max.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO plan_versions (id, org_id, version, status, content, live_snapshot, change_note, based_on, created_by, created_at, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(row.id.clone())
        .bind(row.org_id.clone())
        .bind(row.version)
        .bind(row.status.clone())
        .bind(row.content.clone())
        .bind(row.live_snapshot.clone())
        .bind(row.change_note.clone())
        .bind(row.based_on.clone())
        .bind(row.created_by.clone())
        .bind(row.created_at)
        .bind(row.updated_by.clone())
        .bind(row.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_db(e, "plan version"))?;
        let mut audit = audit;
        audit.details["version"] = serde_json::json!(row.version);
        append(&mut tx, audit, row.created_at).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub(crate) async fn get_plan_impl(
        &self,
        scope: &OrgScope,
        id: &str,
    ) -> Result<Option<PlanRow>> {
        let (cond, binds) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT {COLS} FROM plan_versions p JOIN orgs o ON o.id = p.org_id WHERE p.id = $1 AND {cond}"
        );
        let mut q = sqlx::query(&sql).bind(id.to_string());
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(plan)
            .transpose()
    }

    /// Versions in scope (of one organisation when given), newest first per
    /// organisation.
    pub(crate) async fn list_plans_impl(
        &self,
        scope: &OrgScope,
        org_id: Option<&str>,
    ) -> Result<Vec<PlanRow>> {
        let (cond, mut binds) = scope_sql(scope, "o.path", 1);
        let mut w = format!("WHERE {cond}");
        if let Some(org) = org_id {
            binds.push(org.to_string());
            w.push_str(&format!(" AND p.org_id = ${}", binds.len()));
        }
        let sql = format!(
            "SELECT {COLS} FROM plan_versions p JOIN orgs o ON o.id = p.org_id {w} ORDER BY o.path, p.version DESC LIMIT 10000"
        );
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(&self.pool).await?.iter().map(plan).collect()
    }

    /// Replaces the content of a draft (`Conflict` when it is no longer one).
    pub(crate) async fn update_plan_content_impl(
        &self,
        scope: &OrgScope,
        id: &str,
        content: &str,
        change_note: &str,
        by: Option<&str>,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        let org: Option<String> =
            sqlx::query_scalar("SELECT org_id FROM plan_versions WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        let org = org.ok_or(StoreError::NotFound)?;
        org_in_scope(&mut tx, scope, &org).await?;
        let n = sqlx::query(
            "UPDATE plan_versions SET content = $1, change_note = $2, updated_by = $3, updated_at = $4 WHERE id = $5 AND status = 'draft'",
        )
        .bind(content.to_string())
        .bind(change_note.to_string())
        .bind(by.map(str::to_string))
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict("plan status"));
        }
        append(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a version from `t.from` to `t.to`; approving supersedes the
    /// organisation's previously approved version in the same transaction.
    pub(crate) async fn transition_plan_impl(
        &self,
        scope: &OrgScope,
        id: &str,
        t: &PlanTransition,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        let org: Option<String> =
            sqlx::query_scalar("SELECT org_id FROM plan_versions WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        let org = org.ok_or(StoreError::NotFound)?;
        org_in_scope(&mut tx, scope, &org).await?;
        if t.to == "approved" {
            sqlx::query(
                "UPDATE plan_versions SET status = 'superseded' WHERE org_id = $1 AND status = 'approved'",
            )
            .bind(org.clone())
            .execute(&mut *tx)
            .await?;
        }
        let sql = match t.to.as_str() {
            "submitted" => {
                "UPDATE plan_versions SET status = $1, submitted_by = $2, submitted_at = $3, live_snapshot = $4, return_reason = NULL WHERE id = $5 AND status = $6"
            }
            "approved" => {
                "UPDATE plan_versions SET status = $1, decided_by = $2, decided_at = $3, approved_on = $4, approver_name = $5, review_due = $6 WHERE id = $7 AND status = $8"
            }
            "draft" => {
                "UPDATE plan_versions SET status = $1, decided_by = $2, decided_at = $3, return_reason = $4, live_snapshot = NULL WHERE id = $5 AND status = $6"
            }
            other => return Err(StoreError::Corrupt(format!("unknown plan status {other}"))),
        };
        let mut q = sqlx::query(sql)
            .bind(t.to.clone())
            .bind(t.by.clone())
            .bind(t.at);
        q = match t.to.as_str() {
            "submitted" => q.bind(t.live_snapshot.clone()),
            "approved" => q
                .bind(t.approved_on.clone())
                .bind(t.approver_name.clone())
                .bind(t.review_due.clone()),
            _ => q.bind(t.return_reason.clone()),
        };
        let n = q
            .bind(id.to_string())
            .bind(t.from.clone())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict("plan status"));
        }
        append(&mut tx, audit, t.at).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn insert_kpi_impl(
        &self,
        scope: &OrgScope,
        x: &KpiRow,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &x.org_id).await?;
        sqlx::query(
            "INSERT INTO kpi_measurements (id, org_id, kpi, period_end, value_milli, source, note, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(x.id.clone())
        .bind(x.org_id.clone())
        .bind(x.kpi.clone())
        .bind(x.period_end.clone())
        .bind(x.value_milli)
        .bind(x.source.clone())
        .bind(x.note.clone())
        .bind(x.recorded_by.clone())
        .bind(x.recorded_at)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, audit, x.recorded_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Measurements of an organisation in scope, newest period first.
    pub(crate) async fn list_kpis_impl(
        &self,
        scope: &OrgScope,
        org_id: &str,
    ) -> Result<Vec<KpiRow>> {
        let (cond, binds) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT k.id, k.org_id, k.kpi, k.period_end, k.value_milli, k.source, k.note, k.recorded_by, k.recorded_at
             FROM kpi_measurements k JOIN orgs o ON o.id = k.org_id
             WHERE k.org_id = $1 AND {cond} ORDER BY k.period_end DESC, k.recorded_at DESC LIMIT 5000"
        );
        let mut q = sqlx::query(&sql).bind(org_id.to_string());
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(&self.pool).await?.iter().map(kpi).collect()
    }
}
