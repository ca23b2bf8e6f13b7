//! Compliance records: obligation completions and rule overrides.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::compliance::{Completion, Override, OverrideKind, OverrideScope, RuleOverride};
use zian_domain::{Frequency, OrgId, OrgScope, Text, UserId};

use crate::db::{Cols, Sql, date, i, odate, oi, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait ComplianceStore: Send + Sync {
    /// Records a completion of an organisation in scope.
    async fn insert_completion(
        &self,
        scope: &OrgScope,
        c: &Completion,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Completions of organisations in scope (of one organisation when given).
    async fn completions(&self, scope: &OrgScope, org: Option<&OrgId>) -> Result<Vec<Completion>>;
    /// Records an override at an organisation in scope.
    async fn insert_override(
        &self,
        scope: &OrgScope,
        o: &Override,
        audit: AuditEvent,
    ) -> Result<()>;
    /// The overrides that apply to organisations in scope: those recorded at
    /// such an organisation or at one of its ancestors (an override applies
    /// to the subtree it was recorded at); with `org`, those applying to it.
    async fn overrides(&self, scope: &OrgScope, org: Option<&OrgId>) -> Result<Vec<Override>>;
}

const COMPLETION_COLS: &str = "c.id, c.org_id, c.rule_id, c.due_date, c.completed_on, c.note, c.evidence_link, c.evidence_sha256, c.recorded_by, c.recorded_at";

fn completion(r: &AnyRow) -> Result<Completion> {
    Ok(Completion {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?.into(),
        rule_id: s(r, "rule_id")?,
        due_date: date(r, "due_date")?,
        completed_on: date(r, "completed_on")?,
        note: Text::stored(s(r, "note")?),
        evidence_link: os(r, "evidence_link")?,
        evidence_sha256: os(r, "evidence_sha256")?,
        recorded_by: os(r, "recorded_by")?.map(UserId::from),
        recorded_at: i(r, "recorded_at")?,
        auto_note: None,
    })
}

const OVERRIDE_COLS: &str = "v.id, v.org_id, a.path AS org_path, v.rule_id, v.kind, v.frequency, v.deadline_months, v.count_value, v.unit, v.reason, v.approver, v.approved_on, v.effective_from, v.effective_to, v.created_by, v.created_at";

fn count(r: &AnyRow, col: &str) -> Result<Option<u32>> {
    oi(r, col)?
        .map(|v| u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{col}: {v}"))))
        .transpose()
}

fn override_row(r: &AnyRow) -> Result<Override> {
    let kind = match s(r, "kind")?.as_str() {
        "exempt" => OverrideKind::Exempt,
        "replace" => OverrideKind::Replace {
            frequency: os(r, "frequency")?
                .map(|f| {
                    Frequency::ALL
                        .into_iter()
                        .find(|x| x.as_str() == f)
                        .ok_or_else(|| StoreError::Corrupt(format!("override frequency {f:?}")))
                })
                .transpose()?,
            deadline_months: count(r, "deadline_months")?,
            count: count(r, "count_value")?,
            unit: os(r, "unit")?,
        },
        other => return Err(StoreError::Corrupt(format!("override kind {other:?}"))),
    };
    Ok(Override {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?.into(),
        org_path: s(r, "org_path")?,
        rule: RuleOverride {
            rule_id: s(r, "rule_id")?,
            kind,
            reason: s(r, "reason")?,
            approver: s(r, "approver")?,
            approved_on: date(r, "approved_on")?,
            effective_from: date(r, "effective_from")?,
            effective_to: odate(r, "effective_to")?,
            scope: OverrideScope::default(),
        },
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
    })
}

#[async_trait]
impl ComplianceStore for SqlStore {
    async fn insert_completion(
        &self,
        scope: &OrgScope,
        c: &Completion,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &c.org_id, audit, c.recorded_at).await?;
        let cols = Cols::new()
            .set("id", c.id.as_str())
            .set("org_id", &c.org_id)
            .set("rule_id", c.rule_id.as_str())
            .set("due_date", c.due_date)
            .set("completed_on", c.completed_on)
            .set("note", &c.note)
            .set("evidence_link", c.evidence_link.clone())
            .set("evidence_sha256", c.evidence_sha256.clone())
            .set("recorded_by", c.recorded_by.as_ref())
            .set("recorded_at", c.recorded_at);
        tx.insert(&cols.insert("obligation_completions"), "completion")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn completions(&self, scope: &OrgScope, org: Option<&OrgId>) -> Result<Vec<Completion>> {
        let mut q = Sql::new(format!(
            "SELECT {COMPLETION_COLS} FROM obligation_completions c JOIN orgs o ON o.id = c.org_id WHERE "
        ));
        q.scope(scope, "o.path");
        if let Some(org) = org {
            q.and(" AND c.org_id = ", org);
        }
        q.push(" ORDER BY c.org_id, c.rule_id, c.due_date, c.recorded_at");
        q.fetch_all(&self.pool, completion).await
    }

    async fn insert_override(
        &self,
        scope: &OrgScope,
        o: &Override,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &o.org_id, audit, o.created_at).await?;
        let r = &o.rule;
        let (kind, frequency, deadline, count, unit) = match &r.kind {
            OverrideKind::Exempt => ("exempt", None, None, None, None),
            OverrideKind::Replace {
                frequency,
                deadline_months,
                count,
                unit,
            } => (
                "replace",
                frequency.map(|f| f.as_str()),
                *deadline_months,
                *count,
                unit.clone(),
            ),
        };
        let cols = Cols::new()
            .set("id", o.id.as_str())
            .set("org_id", &o.org_id)
            .set("rule_id", r.rule_id.as_str())
            .set("kind", kind)
            .set("frequency", frequency)
            .set("deadline_months", deadline)
            .set("count_value", count)
            .set("unit", unit)
            .set("reason", r.reason.as_str())
            .set("approver", r.approver.as_str())
            .set("approved_on", r.approved_on)
            .set("effective_from", r.effective_from)
            .set("effective_to", r.effective_to)
            .set("created_by", o.created_by.as_ref())
            .set("created_at", o.created_at);
        tx.insert(&cols.insert("rule_overrides"), "override")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn overrides(&self, scope: &OrgScope, org: Option<&OrgId>) -> Result<Vec<Override>> {
        let mut q = Sql::new(format!(
            "SELECT {OVERRIDE_COLS} FROM rule_overrides v JOIN orgs a ON a.id = v.org_id
             WHERE EXISTS (SELECT 1 FROM orgs o WHERE o.path LIKE a.path || '%' AND "
        ));
        q.scope(scope, "o.path");
        if let Some(org) = org {
            q.and(" AND o.id = ", org);
        }
        q.push(") ORDER BY a.path, v.rule_id, v.created_at");
        q.fetch_all(&self.pool, override_row).await
    }
}
