//! Compliance records: obligation completions and rule overrides with
//! their requests and decisions.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::compliance::{
    Completion, Override, OverrideFilter, OverrideKind, OverrideStatus, OverrideTransition,
};
use zian_domain::{Frequency, ListQuery, OrgId, OrgScope, Page, Text, UserId};

use crate::db::{Cols, Sql, date, fetch_page, i, odate, oi, order_by, os, s};
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
    /// Records an override request of an organisation in scope.
    async fn insert_override(
        &self,
        scope: &OrgScope,
        o: &Override,
        audit: AuditEvent,
    ) -> Result<()>;
    /// The overrides, of every status, that concern organisations in scope:
    /// those requested for such an organisation or for one of its ancestors
    /// (an approved override applies to the subtree it was requested for);
    /// with `org`, those concerning it.
    async fn overrides(&self, scope: &OrgScope, org: Option<&OrgId>) -> Result<Vec<Override>>;
    /// An override requested for an organisation in scope.
    async fn get_override(&self, scope: &OrgScope, id: &str) -> Result<Option<Override>>;
    /// The overrides requested for organisations in scope, paged (search:
    /// rule, reason, organisation name; sort: requested, rule, status).
    async fn list_overrides(
        &self,
        scope: &OrgScope,
        f: &OverrideFilter,
        q: &ListQuery,
    ) -> Result<Page<Override>>;
    /// Moves an override of an organisation in scope from `t.from` to `t.to`
    /// (conditional on the status the caller saw: `Conflict` otherwise).
    async fn transition_override(
        &self,
        scope: &OrgScope,
        o: &Override,
        t: &OverrideTransition,
        audit: AuditEvent,
    ) -> Result<()>;
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

const OVERRIDE_COLS: &str = "v.id, v.org_id, a.path AS org_path, a.name_zh AS org_name_zh, a.name_en AS org_name_en, v.rule_id, v.kind, v.frequency, v.deadline_months, v.count_value, v.unit, v.reason, v.effective_from, v.effective_to, v.status, v.requested_by, rq.display_name AS requested_by_name, v.requested_at, v.decided_by, dc.display_name AS decided_by_name, v.decided_at, v.decided_on, v.decision_reason, v.revoked_by, rv.display_name AS revoked_by_name, v.revoked_at, v.revoke_reason, v.claimed_approver, v.claimed_approved_on";

/// The overrides with their organisation and the names of the people who
/// requested, decided and revoked them.
const OVERRIDE_FROM: &str = "FROM rule_overrides v JOIN orgs a ON a.id = v.org_id
     LEFT JOIN users rq ON rq.id = v.requested_by
     LEFT JOIN users dc ON dc.id = v.decided_by
     LEFT JOIN users rv ON rv.id = v.revoked_by";

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
    let status = s(r, "status")?;
    let user = |col: &str| -> Result<Option<UserId>> { Ok(os(r, col)?.map(UserId::from)) };
    Ok(Override {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?.into(),
        org_path: s(r, "org_path")?,
        org_name_zh: s(r, "org_name_zh")?,
        org_name_en: s(r, "org_name_en")?,
        rule_id: s(r, "rule_id")?,
        kind,
        reason: s(r, "reason")?,
        effective_from: date(r, "effective_from")?,
        effective_to: odate(r, "effective_to")?,
        status: OverrideStatus::parse(&status)
            .map_err(|_| StoreError::Corrupt(format!("override status {status:?}")))?,
        requested_by: user("requested_by")?,
        requested_by_name: os(r, "requested_by_name")?,
        requested_at: i(r, "requested_at")?,
        decided_by: user("decided_by")?,
        decided_by_name: os(r, "decided_by_name")?,
        decided_at: oi(r, "decided_at")?,
        decided_on: odate(r, "decided_on")?,
        decision_reason: os(r, "decision_reason")?,
        revoked_by: user("revoked_by")?,
        revoked_by_name: os(r, "revoked_by_name")?,
        revoked_at: oi(r, "revoked_at")?,
        revoke_reason: os(r, "revoke_reason")?,
        claimed_approver: os(r, "claimed_approver")?,
        claimed_approved_on: odate(r, "claimed_approved_on")?,
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
        let (mut tx, _) =
            AuditedTx::begin_in(self, scope, &o.org_id, audit, o.requested_at).await?;
        let (kind, frequency, deadline, count, unit) = match &o.kind {
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
            .set("rule_id", o.rule_id.as_str())
            .set("kind", kind)
            .set("frequency", frequency)
            .set("deadline_months", deadline)
            .set("count_value", count)
            .set("unit", unit)
            .set("reason", o.reason.as_str())
            .set("effective_from", o.effective_from)
            .set("effective_to", o.effective_to)
            .set("status", o.status.as_str())
            .set("requested_by", o.requested_by.as_ref())
            .set("requested_at", o.requested_at);
        tx.insert(&cols.insert("rule_overrides"), "override")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn overrides(&self, scope: &OrgScope, org: Option<&OrgId>) -> Result<Vec<Override>> {
        let mut q = Sql::new(format!(
            "SELECT {OVERRIDE_COLS} {OVERRIDE_FROM}
             WHERE EXISTS (SELECT 1 FROM orgs o WHERE o.path LIKE a.path || '%' AND "
        ));
        q.scope(scope, "o.path");
        if let Some(org) = org {
            q.and(" AND o.id = ", org);
        }
        q.push(") ORDER BY a.path, v.rule_id, v.requested_at, v.id");
        q.fetch_all(&self.pool, override_row).await
    }

    async fn get_override(&self, scope: &OrgScope, id: &str) -> Result<Option<Override>> {
        let mut q = Sql::new(format!(
            "SELECT {OVERRIDE_COLS} {OVERRIDE_FROM} WHERE v.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "a.path");
        q.fetch_optional(&self.pool, override_row).await
    }

    async fn list_overrides(
        &self,
        scope: &OrgScope,
        f: &OverrideFilter,
        q: &ListQuery,
    ) -> Result<Page<Override>> {
        let mut w = Sql::new(format!("{OVERRIDE_FROM} WHERE "));
        w.scope(scope, "a.path");
        if let Some(st) = f.status {
            w.and(" AND v.status = ", st.as_str());
        }
        if let Some(org) = &f.org {
            w.and(" AND v.org_id = ", org);
        }
        if let Some(text) = q.text() {
            w.search(&["v.rule_id", "v.reason", "a.name_zh", "a.name_en"], text);
        }
        let order = order_by(
            q,
            &[
                ("requested", "v.requested_at"),
                ("rule", "v.rule_id"),
                ("status", "v.status"),
            ],
            "v.id",
        );
        fetch_page(&self.pool, OVERRIDE_COLS, &w, &order, q, override_row).await
    }

    async fn transition_override(
        &self,
        scope: &OrgScope,
        o: &Override,
        t: &OverrideTransition,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &o.org_id, audit, t.at).await?;
        let cols = Cols::new().set("status", t.to.as_str());
        let cols = if t.to == OverrideStatus::Revoked {
            cols.set("revoked_by", &t.by)
                .set("revoked_at", t.at)
                .set("revoke_reason", t.reason.clone())
        } else {
            cols.set("decided_by", &t.by)
                .set("decided_at", t.at)
                .set("decided_on", t.on)
                .set("decision_reason", t.reason.clone())
        };
        let mut q = cols.update("rule_overrides");
        q.push("id = ")
            .bind(o.id.as_str())
            .and(" AND org_id = ", &o.org_id)
            .and(" AND status = ", t.from.as_str());
        if tx.exec(&q).await? == 0 {
            // decided, withdrawn or revoked meanwhile
            return Err(StoreError::Conflict(
                if t.from == OverrideStatus::Approved {
                    "override_not_approved"
                } else {
                    "override_not_pending"
                },
            ));
        }
        tx.commit().await?;
        Ok(())
    }
}
