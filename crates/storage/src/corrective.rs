//! Corrective actions: raised by a drill, an activation or an incident of
//! the organisation, tracked to done.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::corrective::{CorrectiveAction, Source};
use zian_domain::list::HARD_LIMIT;
use zian_domain::{ActionId, ListQuery, OrgId, OrgScope, Page, UserId};

use crate::db::{Cols, Sql, date, fetch_page, i, odate, order_by, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub source: Option<Source>,
    pub source_id: Option<String>,
    /// Only open ones.
    pub open: bool,
    /// Only open ones due before this day (`YYYY-MM-DD`): the overdue.
    pub due_before: Option<time::Date>,
}

#[async_trait]
pub trait CorrectiveStore: Send + Sync {
    /// Records (`new`) or replaces an action of an organisation in scope;
    /// the record that raised it must be the organisation's.
    async fn save_action(
        &self,
        scope: &OrgScope,
        x: &CorrectiveAction,
        new: bool,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_action(&self, scope: &OrgScope, id: &ActionId)
    -> Result<Option<CorrectiveAction>>;
    /// The actions of an organisation (or all in scope), paged; sort: `due`
    /// (default), `created`, `title`.
    async fn actions(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        f: &ActionFilter,
        q: &ListQuery,
    ) -> Result<Page<CorrectiveAction>>;
}

const COLS: &str = "x.id, x.org_id, x.source, x.source_id, x.title, x.owner, x.due_on, x.done_on, x.result, x.finding, x.root_cause, x.similar_defects, x.plan, x.reviewed_on, x.review_note, x.created_by, x.created_at, x.updated_at";

fn action(r: &AnyRow) -> Result<CorrectiveAction> {
    Ok(CorrectiveAction {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        source: Source::parse(&s(r, "source")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        source_id: s(r, "source_id")?,
        title: s(r, "title")?,
        owner: s(r, "owner")?,
        due_on: date(r, "due_on")?,
        done_on: odate(r, "done_on")?,
        result: s(r, "result")?,
        finding: s(r, "finding")?,
        root_cause: s(r, "root_cause")?,
        similar: s(r, "similar_defects")?,
        plan: s(r, "plan")?,
        reviewed_on: odate(r, "reviewed_on")?,
        review_note: s(r, "review_note")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

/// The table of the record a source names.
fn source_table(s: Source) -> &'static str {
    match s {
        Source::Drill => "drills",
        Source::Activation => "continuity_activations",
        Source::Incident => "incidents",
        Source::Audit => "audits",
        Source::Review => "management_reviews",
        Source::Maturity => "maturity_reports",
    }
}

#[async_trait]
impl CorrectiveStore for SqlStore {
    async fn save_action(
        &self,
        scope: &OrgScope,
        x: &CorrectiveAction,
        new: bool,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let mut own = Sql::new(format!(
            "SELECT 1 AS one FROM {} WHERE id = ",
            source_table(x.source)
        ));
        own.bind(x.source_id.as_str())
            .and(" AND org_id = ", &x.org_id);
        tx.require(&own).await?;
        let cols = Cols::new()
            .set("title", x.title.as_str())
            .set("owner", x.owner.as_str())
            .set("due_on", x.due_on)
            .set("status", x.status())
            .set("done_on", x.done_on)
            .set("result", x.result.as_str())
            .set("finding", x.finding.as_str())
            .set("root_cause", x.root_cause.as_str())
            .set("similar_defects", x.similar.as_str())
            .set("plan", x.plan.as_str())
            .set("reviewed_on", x.reviewed_on)
            .set("review_note", x.review_note.as_str())
            .set("updated_at", x.updated_at);
        if new {
            let q = cols
                .set("id", &x.id)
                .set("org_id", &x.org_id)
                .set("source", x.source.as_str())
                .set("source_id", x.source_id.as_str())
                .set("created_by", x.created_by.as_ref())
                .set("created_at", x.created_at)
                .insert("corrective_actions");
            tx.insert(&q, "corrective_action").await?;
        } else {
            let mut q = cols.update("corrective_actions");
            q.push("id = ").bind(&x.id).and(" AND org_id = ", &x.org_id);
            tx.exec_one(&q).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn get_action(
        &self,
        scope: &OrgScope,
        id: &ActionId,
    ) -> Result<Option<CorrectiveAction>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM corrective_actions x JOIN orgs o ON o.id = x.org_id WHERE x.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, action).await
    }

    async fn actions(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        f: &ActionFilter,
        q: &ListQuery,
    ) -> Result<Page<CorrectiveAction>> {
        let mut w = Sql::new("FROM corrective_actions x JOIN orgs o ON o.id = x.org_id WHERE ");
        w.scope(scope, "o.path");
        if let Some(o) = org_id {
            w.and(" AND x.org_id = ", o);
        }
        if let Some(src) = f.source {
            w.and(" AND x.source = ", src.as_str());
        }
        if let Some(id) = &f.source_id {
            w.and(" AND x.source_id = ", id.as_str());
        }
        if f.open || f.due_before.is_some() {
            w.push(" AND x.status = 'open'");
        }
        if let Some(d) = f.due_before {
            w.and(" AND x.due_on < ", d);
        }
        if let Some(t) = q.text() {
            w.search(&["x.title", "x.owner"], t);
        }
        let order = match q.sort.as_deref() {
            None => "x.status DESC, x.due_on, x.id".to_string(),
            _ => order_by(
                q,
                &[
                    ("due", "x.due_on"),
                    ("created", "x.created_at"),
                    ("title", "x.title"),
                ],
                "x.id",
            ),
        };
        let mut q = q.clone();
        q.limit = q.limit.min(HARD_LIMIT);
        fetch_page(&self.pool, COLS, &w, &order, &q, action).await
    }
}
