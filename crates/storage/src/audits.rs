//! Security audits (`zian_domain::audits`): one row per audit, its plan,
//! team and items as the JSON body. Scoped by the audited organisation.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::audits::{Audit, AuditKind, AuditStatus, SavedChecklist};
use zian_domain::list::HARD_LIMIT;
use zian_domain::{AuditId, ChecklistId, ListQuery, OrgId, OrgScope, Page, UserId};

use crate::db::{Cols, Sql, date, fetch_page, i, json, odate, order_by, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub kind: Option<AuditKind>,
    pub status: Option<AuditStatus>,
    /// Starting in this year (Gregorian).
    pub year: Option<i32>,
}

#[async_trait]
pub trait SecurityAuditStore: Send + Sync {
    /// Records (`new`) or replaces an audit of an organisation in scope;
    /// a replacement must find the row as it was read (`updated_at` of
    /// `previous`), else `Conflict("audit")`.
    async fn save_audit(
        &self,
        scope: &OrgScope,
        x: &Audit,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_audit(&self, scope: &OrgScope, id: &AuditId) -> Result<Option<Audit>>;
    /// The audits of an organisation (or every one in scope), paged; sort:
    /// `starts` (latest first by default), `title`.
    async fn audits(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        f: &AuditFilter,
        q: &ListQuery,
    ) -> Result<Page<Audit>>;
    /// The reported or closed audits in scope (of one organisation or
    /// all), oldest first, at most [`HARD_LIMIT`] (what proves the audit
    /// obligation; a plan's previous results).
    async fn reported_audits(&self, scope: &OrgScope, org_id: Option<&OrgId>)
    -> Result<Vec<Audit>>;
    /// Records a checklist of an organisation in scope.
    async fn save_checklist(
        &self,
        scope: &OrgScope,
        c: &SavedChecklist,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Removes a checklist of an organisation in scope (`NotFound` when
    /// gone).
    async fn delete_checklist(
        &self,
        scope: &OrgScope,
        c: &SavedChecklist,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_checklist(
        &self,
        scope: &OrgScope,
        id: &ChecklistId,
    ) -> Result<Option<SavedChecklist>>;
    /// The checklists kept by the organisations named (in scope), by
    /// name.
    async fn checklists(&self, scope: &OrgScope, orgs: &[OrgId]) -> Result<Vec<SavedChecklist>>;
}

const CHECKLIST_COLS: &str =
    "x.id, x.org_id, x.name, x.lines, x.created_by, x.created_at, x.updated_at";

fn checklist_row(r: &AnyRow) -> Result<SavedChecklist> {
    Ok(SavedChecklist {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        name: s(r, "name")?,
        lines: s(r, "lines")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

const COLS: &str = "x.id, x.org_id, x.run_by, x.kind, x.title, x.starts_on, x.ends_on, x.notice_days, x.status, x.notified_on, x.reported_on, x.closed_on, x.body, x.created_by, x.created_at, x.updated_at";

fn audit_row(r: &AnyRow) -> Result<Audit> {
    let corrupt = |e: zian_domain::DomainError| StoreError::Corrupt(e.to_string());
    Ok(Audit {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        run_by: s(r, "run_by")?.into(),
        kind: AuditKind::parse(&s(r, "kind")?).map_err(corrupt)?,
        title: s(r, "title")?,
        starts_on: date(r, "starts_on")?,
        ends_on: date(r, "ends_on")?,
        notice_days: u32::try_from(i(r, "notice_days")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        status: AuditStatus::parse(&s(r, "status")?).map_err(corrupt)?,
        notified_on: odate(r, "notified_on")?,
        reported_on: odate(r, "reported_on")?,
        closed_on: odate(r, "closed_on")?,
        body: json(r, "body")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn scoped(scope: &OrgScope, org_id: Option<&OrgId>) -> Sql {
    let mut w = Sql::new("FROM audits x JOIN orgs o ON o.id = x.org_id WHERE ");
    w.scope(scope, "o.path");
    if let Some(o) = org_id {
        w.and(" AND x.org_id = ", o);
    }
    w
}

#[async_trait]
impl SecurityAuditStore for SqlStore {
    async fn save_audit(
        &self,
        scope: &OrgScope,
        x: &Audit,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let body = serde_json::to_string(&x.body)
            .map_err(|e| StoreError::Corrupt(format!("body: {e}")))?;
        let cols = Cols::new()
            .set("title", x.title.as_str())
            .set("starts_on", x.starts_on)
            .set("ends_on", x.ends_on)
            .set("notice_days", i64::from(x.notice_days))
            .set("status", x.status.as_str())
            .set("notified_on", x.notified_on)
            .set("reported_on", x.reported_on)
            .set("closed_on", x.closed_on)
            .set("body", body)
            .set("updated_at", x.updated_at);
        match previous {
            None => {
                let q = cols
                    .set("id", &x.id)
                    .set("org_id", &x.org_id)
                    .set("run_by", &x.run_by)
                    .set("kind", x.kind.as_str())
                    .set("created_by", x.created_by.as_ref())
                    .set("created_at", x.created_at)
                    .insert("audits");
                tx.insert(&q, "audit").await?;
            }
            Some(at) => {
                let mut q = cols.update("audits");
                q.push("id = ")
                    .bind(&x.id)
                    .and(" AND org_id = ", &x.org_id)
                    .and(" AND updated_at = ", at);
                if tx.exec(&q).await? != 1 {
                    return Err(StoreError::Conflict("audit"));
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn get_audit(&self, scope: &OrgScope, id: &AuditId) -> Result<Option<Audit>> {
        let mut q = scoped(scope, None);
        q.and(" AND x.id = ", id)
            .prepend(&format!("SELECT {COLS} "));
        q.fetch_optional(&self.pool, audit_row).await
    }

    async fn audits(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        f: &AuditFilter,
        q: &ListQuery,
    ) -> Result<Page<Audit>> {
        let mut w = scoped(scope, org_id);
        if let Some(k) = f.kind {
            w.and(" AND x.kind = ", k.as_str());
        }
        if let Some(st) = f.status {
            w.and(" AND x.status = ", st.as_str());
        }
        if let Some(y) = f.year {
            w.and(" AND x.starts_on >= ", format!("{y:04}-01-01"))
                .and(" AND x.starts_on <= ", format!("{y:04}-12-31"));
        }
        if let Some(t) = q.text() {
            w.search(&["x.title"], t);
        }
        let order = match q.sort.as_deref() {
            None => "x.starts_on DESC, x.id".to_string(),
            _ => order_by(
                q,
                &[("starts", "x.starts_on"), ("title", "x.title")],
                "x.id",
            ),
        };
        let mut q = q.clone();
        q.limit = q.limit.min(HARD_LIMIT);
        fetch_page(&self.pool, COLS, &w, &order, &q, audit_row).await
    }

    async fn reported_audits(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
    ) -> Result<Vec<Audit>> {
        let mut q = scoped(scope, org_id);
        q.push(" AND x.status IN ('reported', 'closed')")
            .prepend(&format!("SELECT {COLS} "))
            .push(&format!(" ORDER BY x.reported_on, x.id LIMIT {HARD_LIMIT}"));
        q.fetch_all(&self.pool, audit_row).await
    }

    async fn save_checklist(
        &self,
        scope: &OrgScope,
        x: &SavedChecklist,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let q = Cols::new()
            .set("id", &x.id)
            .set("org_id", &x.org_id)
            .set("name", x.name.as_str())
            .set("lines", x.lines.as_str())
            .set("created_by", x.created_by.as_ref())
            .set("created_at", x.created_at)
            .set("updated_at", x.updated_at)
            .insert("audit_checklists");
        tx.insert(&q, "audit_checklist").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_checklist(
        &self,
        scope: &OrgScope,
        x: &SavedChecklist,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let mut q = Sql::new("DELETE FROM audit_checklists WHERE id = ");
        q.bind(x.id.as_str()).and(" AND org_id = ", &x.org_id);
        tx.exec_one(&q).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_checklist(
        &self,
        scope: &OrgScope,
        id: &ChecklistId,
    ) -> Result<Option<SavedChecklist>> {
        let mut q = Sql::new(format!(
            "SELECT {CHECKLIST_COLS} FROM audit_checklists x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path").and(" AND x.id = ", id);
        q.fetch_optional(&self.pool, checklist_row).await
    }

    async fn checklists(&self, scope: &OrgScope, orgs: &[OrgId]) -> Result<Vec<SavedChecklist>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(format!(
            "SELECT {CHECKLIST_COLS} FROM audit_checklists x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path").push(" AND x.org_id IN (");
        for (n, o) in orgs.iter().enumerate() {
            if n > 0 {
                q.push(", ");
            }
            q.bind(o.as_str());
        }
        q.push(&format!(") ORDER BY x.name, x.id LIMIT {HARD_LIMIT}"));
        q.fetch_all(&self.pool, checklist_row).await
    }
}
