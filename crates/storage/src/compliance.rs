//! Compliance records (issue 4): obligation completions, rule overrides,
//! information systems, their gradings and control implementation status.
//! Every read is restricted to an [`OrgScope`]; every write checks that the
//! owning organisation is inside the scope and appends its audit entry in the
//! same transaction.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use zian_domain::OrgScope;
use zian_domain::audit::AuditEvent;

use crate::audit::{append, begin};
use crate::db::{i, oi, os, s, scope_sql};
use crate::{Result, SqlStore, StoreError};

/// One completion of an obligation for one due date, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompletionRow {
    pub id: String,
    pub org_id: String,
    pub rule_id: String,
    /// The due date (YYYY-MM-DD) this completion satisfies.
    pub due_date: String,
    pub completed_on: String,
    pub note: String,
    pub evidence_link: Option<String>,
    pub evidence_sha256: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: i64,
}

/// A stored override of a shipped rule or control; it applies to the
/// organisation it was recorded at and that organisation's subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverrideRow {
    pub id: String,
    pub org_id: String,
    /// Path of `org_id` (filled on read; ignored on insert).
    pub org_path: String,
    pub rule_id: String,
    /// `exempt` or `replace`.
    pub kind: String,
    pub frequency: Option<String>,
    pub deadline_months: Option<i64>,
    pub count: Option<i64>,
    pub unit: Option<String>,
    pub reason: String,
    pub approver: String,
    pub approved_on: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
}

/// An information system (資通系統) of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SystemRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub owner: String,
    pub description: String,
    /// `low`, `medium` or `high` after the latest grading.
    pub level: Option<String>,
    pub graded_on: Option<String>,
    pub review_due: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// When the system was archived (hidden from lists by default).
    pub archived_at: Option<i64>,
}

/// One grading of a system (附表九).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradingRow {
    pub id: String,
    pub system_id: String,
    pub org_id: String,
    pub c: String,
    pub i: String,
    pub a: String,
    pub l: String,
    pub level: String,
    pub previous_level: Option<String>,
    /// JSON object: question id → option id.
    pub answers: String,
    pub rationale: String,
    pub assessor: String,
    pub approver: String,
    pub assessed_on: String,
    pub review_due: String,
    pub created_by: Option<String>,
    pub created_at: i64,
}

/// Implementation status of one control of one system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlStatusRow {
    pub system_id: String,
    pub org_id: String,
    pub control_id: String,
    /// `implemented`, `partial`, `planned` or `not_applicable`.
    pub status: String,
    pub planned_on: Option<String>,
    pub na_reason: Option<String>,
    pub owner: String,
    pub evidence: String,
    pub updated_by: Option<String>,
    pub updated_at: i64,
}

/// Fails with `NotFound` unless the organisation is inside the scope.
pub(crate) async fn org_in_scope(
    tx: &mut Transaction<'static, Any>,
    scope: &OrgScope,
    org_id: &str,
) -> Result<()> {
    let (cond, binds) = scope_sql(scope, "o.path", 2);
    let sql = format!("SELECT o.id FROM orgs o WHERE o.id = $1 AND {cond}");
    let mut q = sqlx::query(&sql).bind(org_id.to_string());
    for b in binds {
        q = q.bind(b);
    }
    match q.fetch_optional(&mut **tx).await? {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound),
    }
}

fn completion(r: &AnyRow) -> Result<CompletionRow> {
    Ok(CompletionRow {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?,
        rule_id: s(r, "rule_id")?,
        due_date: s(r, "due_date")?,
        completed_on: s(r, "completed_on")?,
        note: s(r, "note")?,
        evidence_link: os(r, "evidence_link")?,
        evidence_sha256: os(r, "evidence_sha256")?,
        recorded_by: os(r, "recorded_by")?,
        recorded_at: i(r, "recorded_at")?,
    })
}

fn override_row(r: &AnyRow) -> Result<OverrideRow> {
    Ok(OverrideRow {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?,
        org_path: s(r, "org_path")?,
        rule_id: s(r, "rule_id")?,
        kind: s(r, "kind")?,
        frequency: os(r, "frequency")?,
        deadline_months: oi(r, "deadline_months")?,
        count: oi(r, "count_value")?,
        unit: os(r, "unit")?,
        reason: s(r, "reason")?,
        approver: s(r, "approver")?,
        approved_on: s(r, "approved_on")?,
        effective_from: s(r, "effective_from")?,
        effective_to: os(r, "effective_to")?,
        created_by: os(r, "created_by")?,
        created_at: i(r, "created_at")?,
    })
}

fn system(r: &AnyRow) -> Result<SystemRow> {
    Ok(SystemRow {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?,
        name: s(r, "name")?,
        owner: s(r, "owner")?,
        description: s(r, "description")?,
        level: os(r, "level")?,
        graded_on: os(r, "graded_on")?,
        review_due: os(r, "review_due")?,
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
        archived_at: oi(r, "archived_at")?,
    })
}

fn grading(r: &AnyRow) -> Result<GradingRow> {
    Ok(GradingRow {
        id: s(r, "id")?,
        system_id: s(r, "system_id")?,
        org_id: s(r, "org_id")?,
        c: s(r, "grade_c")?,
        i: s(r, "grade_i")?,
        a: s(r, "grade_a")?,
        l: s(r, "grade_l")?,
        level: s(r, "level")?,
        previous_level: os(r, "previous_level")?,
        answers: s(r, "answers")?,
        rationale: s(r, "rationale")?,
        assessor: s(r, "assessor")?,
        approver: s(r, "approver")?,
        assessed_on: s(r, "assessed_on")?,
        review_due: s(r, "review_due")?,
        created_by: os(r, "created_by")?,
        created_at: i(r, "created_at")?,
    })
}

fn control_status(r: &AnyRow) -> Result<ControlStatusRow> {
    Ok(ControlStatusRow {
        system_id: s(r, "system_id")?,
        org_id: s(r, "org_id")?,
        control_id: s(r, "control_id")?,
        status: s(r, "status")?,
        planned_on: os(r, "planned_on")?,
        na_reason: os(r, "na_reason")?,
        owner: s(r, "owner")?,
        evidence: s(r, "evidence")?,
        updated_by: os(r, "updated_by")?,
        updated_at: i(r, "updated_at")?,
    })
}

/// Runs a scoped SELECT: `sql` must contain `{cond}` for the scope condition
/// on `o.path`, with the caller's own binds numbered from `$1`.
async fn scoped_rows(
    store: &SqlStore,
    scope: &OrgScope,
    sql: &str,
    binds: Vec<String>,
) -> Result<Vec<AnyRow>> {
    let (cond, sbinds) = scope_sql(scope, "o.path", binds.len() + 1);
    let sql = sql.replace("{cond}", &cond);
    let mut q = sqlx::query(&sql);
    for b in binds.into_iter().chain(sbinds) {
        q = q.bind(b);
    }
    Ok(q.fetch_all(&store.pool).await?)
}

const SYSTEM_COLS: &str = "x.id, x.org_id, x.name, x.owner, x.description, x.level, x.graded_on, x.review_due, x.created_at, x.updated_at, x.archived_at";
const GRADING_COLS: &str = "g.id, g.system_id, g.org_id, g.grade_c, g.grade_i, g.grade_a, g.grade_l, g.level, g.previous_level, g.answers, g.rationale, g.assessor, g.approver, g.assessed_on, g.review_due, g.created_by, g.created_at";

impl SqlStore {
    pub(crate) async fn insert_completion_impl(
        &self,
        scope: &OrgScope,
        c: &CompletionRow,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &c.org_id).await?;
        sqlx::query(
            "INSERT INTO obligation_completions (id, org_id, rule_id, due_date, completed_on, note, evidence_link, evidence_sha256, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(c.id.clone())
        .bind(c.org_id.clone())
        .bind(c.rule_id.clone())
        .bind(c.due_date.clone())
        .bind(c.completed_on.clone())
        .bind(c.note.clone())
        .bind(c.evidence_link.clone())
        .bind(c.evidence_sha256.clone())
        .bind(c.recorded_by.clone())
        .bind(c.recorded_at)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, audit, c.recorded_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Completions of organisations in scope (one organisation, or all).
    pub(crate) async fn list_completions_impl(
        &self,
        scope: &OrgScope,
        org_id: Option<&str>,
    ) -> Result<Vec<CompletionRow>> {
        let cols = "c.id, c.org_id, c.rule_id, c.due_date, c.completed_on, c.note, c.evidence_link, c.evidence_sha256, c.recorded_by, c.recorded_at";
        let (filter, binds) = match org_id {
            Some(id) => ("c.org_id = $1 AND ", vec![id.to_string()]),
            None => ("", Vec::new()),
        };
        let sql = format!(
            "SELECT {cols} FROM obligation_completions c JOIN orgs o ON o.id = c.org_id WHERE {filter}{{cond}} ORDER BY c.org_id, c.rule_id, c.due_date, c.recorded_at"
        );
        scoped_rows(self, scope, &sql, binds)
            .await?
            .iter()
            .map(completion)
            .collect()
    }

    pub(crate) async fn insert_override_impl(
        &self,
        scope: &OrgScope,
        o: &OverrideRow,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &o.org_id).await?;
        sqlx::query(
            "INSERT INTO rule_overrides (id, org_id, rule_id, kind, frequency, deadline_months, count_value, unit, reason, approver, approved_on, effective_from, effective_to, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(o.id.clone())
        .bind(o.org_id.clone())
        .bind(o.rule_id.clone())
        .bind(o.kind.clone())
        .bind(o.frequency.clone())
        .bind(o.deadline_months)
        .bind(o.count)
        .bind(o.unit.clone())
        .bind(o.reason.clone())
        .bind(o.approver.clone())
        .bind(o.approved_on.clone())
        .bind(o.effective_from.clone())
        .bind(o.effective_to.clone())
        .bind(o.created_by.clone())
        .bind(o.created_at)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, audit, o.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The overrides that apply to organisations in scope: those recorded at
    /// such an organisation or at one of its ancestors (an override applies
    /// to the subtree it was recorded at). With `org_id`, only those applying
    /// to that organisation.
    pub(crate) async fn list_overrides_impl(
        &self,
        scope: &OrgScope,
        org_id: Option<&str>,
    ) -> Result<Vec<OverrideRow>> {
        let cols = "v.id, v.org_id, a.path AS org_path, v.rule_id, v.kind, v.frequency, v.deadline_months, v.count_value, v.unit, v.reason, v.approver, v.approved_on, v.effective_from, v.effective_to, v.created_by, v.created_at";
        let (filter, binds) = match org_id {
            Some(id) => ("o.id = $1 AND ", vec![id.to_string()]),
            None => ("", Vec::new()),
        };
        let sql = format!(
            "SELECT {cols} FROM rule_overrides v JOIN orgs a ON a.id = v.org_id
             WHERE EXISTS (SELECT 1 FROM orgs o WHERE {filter}o.path LIKE a.path || '%' AND {{cond}})
             ORDER BY a.path, v.rule_id, v.created_at"
        );
        scoped_rows(self, scope, &sql, binds)
            .await?
            .iter()
            .map(override_row)
            .collect()
    }

    // ---- systems

    pub(crate) async fn insert_system_impl(
        &self,
        scope: &OrgScope,
        x: &SystemRow,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &x.org_id).await?;
        sqlx::query(
            "INSERT INTO info_systems (id, org_id, name, owner, description, level, graded_on, review_due, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(x.id.clone())
        .bind(x.org_id.clone())
        .bind(x.name.clone())
        .bind(x.owner.clone())
        .bind(x.description.clone())
        .bind(x.level.clone())
        .bind(x.graded_on.clone())
        .bind(x.review_due.clone())
        .bind(x.created_at)
        .bind(x.updated_at)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, audit, x.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn get_system_impl(
        &self,
        scope: &OrgScope,
        id: &str,
    ) -> Result<Option<SystemRow>> {
        let sql = format!(
            "SELECT {SYSTEM_COLS} FROM info_systems x JOIN orgs o ON o.id = x.org_id WHERE x.id = $1 AND {{cond}}"
        );
        scoped_rows(self, scope, &sql, vec![id.to_string()])
            .await?
            .first()
            .map(system)
            .transpose()
    }

    pub(crate) async fn list_systems_impl(
        &self,
        scope: &OrgScope,
        org_id: Option<&str>,
        include_archived: bool,
    ) -> Result<Vec<SystemRow>> {
        let (filter, binds) = match org_id {
            Some(id) => ("x.org_id = $1 AND ", vec![id.to_string()]),
            None => ("", Vec::new()),
        };
        let active = if include_archived {
            ""
        } else {
            "x.archived_at IS NULL AND "
        };
        let sql = format!(
            "SELECT {SYSTEM_COLS} FROM info_systems x JOIN orgs o ON o.id = x.org_id WHERE {filter}{active}{{cond}} ORDER BY o.path, x.name, x.id"
        );
        scoped_rows(self, scope, &sql, binds)
            .await?
            .iter()
            .map(system)
            .collect()
    }

    /// Replaces a system's name, owner and description, or (with
    /// `archived_at`) its archiving time; `x` is the stored row with the new
    /// values.
    pub(crate) async fn update_system_impl(
        &self,
        scope: &OrgScope,
        x: &SystemRow,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &x.org_id).await?;
        let n = sqlx::query(
            "UPDATE info_systems SET name = $1, owner = $2, description = $3, archived_at = $4, updated_at = $5 WHERE id = $6 AND org_id = $7",
        )
        .bind(x.name.clone())
        .bind(x.owner.clone())
        .bind(x.description.clone())
        .bind(x.archived_at)
        .bind(x.updated_at)
        .bind(x.id.clone())
        .bind(x.org_id.clone())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, audit, x.updated_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a grading and makes it the system's current level.
    pub(crate) async fn insert_grading_impl(
        &self,
        scope: &OrgScope,
        g: &GradingRow,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &g.org_id).await?;
        let n = sqlx::query(
            "UPDATE info_systems SET level = $1, graded_on = $2, review_due = $3, updated_at = $4 WHERE id = $5 AND org_id = $6",
        )
        .bind(g.level.clone())
        .bind(g.assessed_on.clone())
        .bind(g.review_due.clone())
        .bind(g.created_at)
        .bind(g.system_id.clone())
        .bind(g.org_id.clone())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO system_gradings (id, system_id, org_id, grade_c, grade_i, grade_a, grade_l, level, previous_level, answers, rationale, assessor, approver, assessed_on, review_due, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(g.id.clone())
        .bind(g.system_id.clone())
        .bind(g.org_id.clone())
        .bind(g.c.clone())
        .bind(g.i.clone())
        .bind(g.a.clone())
        .bind(g.l.clone())
        .bind(g.level.clone())
        .bind(g.previous_level.clone())
        .bind(g.answers.clone())
        .bind(g.rationale.clone())
        .bind(g.assessor.clone())
        .bind(g.approver.clone())
        .bind(g.assessed_on.clone())
        .bind(g.review_due.clone())
        .bind(g.created_by.clone())
        .bind(g.created_at)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, audit, g.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gradings of a system in scope, newest first.
    pub(crate) async fn list_gradings_impl(
        &self,
        scope: &OrgScope,
        system_id: &str,
    ) -> Result<Vec<GradingRow>> {
        let sql = format!(
            "SELECT {GRADING_COLS} FROM system_gradings g JOIN orgs o ON o.id = g.org_id WHERE g.system_id = $1 AND {{cond}} ORDER BY g.created_at DESC, g.id DESC"
        );
        scoped_rows(self, scope, &sql, vec![system_id.to_string()])
            .await?
            .iter()
            .map(grading)
            .collect()
    }

    pub(crate) async fn upsert_control_status_impl(
        &self,
        scope: &OrgScope,
        id: &str,
        c: &ControlStatusRow,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &c.org_id).await?;
        let owned = sqlx::query("SELECT id FROM info_systems WHERE id = $1 AND org_id = $2")
            .bind(c.system_id.clone())
            .bind(c.org_id.clone())
            .fetch_optional(&mut *tx)
            .await?;
        if owned.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO control_status (id, system_id, org_id, control_id, status, planned_on, na_reason, owner, evidence, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (system_id, control_id) DO UPDATE SET status = excluded.status, planned_on = excluded.planned_on,
               na_reason = excluded.na_reason, owner = excluded.owner, evidence = excluded.evidence,
               updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(id.to_string())
        .bind(c.system_id.clone())
        .bind(c.org_id.clone())
        .bind(c.control_id.clone())
        .bind(c.status.clone())
        .bind(c.planned_on.clone())
        .bind(c.na_reason.clone())
        .bind(c.owner.clone())
        .bind(c.evidence.clone())
        .bind(c.updated_by.clone())
        .bind(c.updated_at)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, audit, c.updated_at).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn list_control_status_impl(
        &self,
        scope: &OrgScope,
        system_id: &str,
    ) -> Result<Vec<ControlStatusRow>> {
        let sql = "SELECT c.system_id, c.org_id, c.control_id, c.status, c.planned_on, c.na_reason, c.owner, c.evidence, c.updated_by, c.updated_at
                   FROM control_status c JOIN orgs o ON o.id = c.org_id WHERE c.system_id = $1 AND {cond} ORDER BY c.control_id";
        scoped_rows(self, scope, sql, vec![system_id.to_string()])
            .await?
            .iter()
            .map(control_status)
            .collect()
    }
}
