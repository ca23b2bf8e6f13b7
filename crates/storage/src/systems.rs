//! Information systems, their gradings and control implementation status.

use std::collections::BTreeMap;

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::systems::{ControlState, ControlStatus, Grading, InfoSystem, parse_impact};
use zian_domain::{Impact, ListQuery, Memo, OrgId, OrgScope, Page, SystemId, Text, UserId};

use crate::db::{Cols, Sql, date, fetch_page, i, json, odate, oi, order_by, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

/// Roll-ups read at most this many systems at once.
pub const ROLLUP_LIMIT: i64 = 20_000;

#[async_trait]
pub trait SystemStore: Send + Sync {
    /// Registers a system of an organisation in scope.
    async fn insert(&self, scope: &OrgScope, x: &InfoSystem, audit: AuditEvent) -> Result<()>;
    async fn get(&self, scope: &OrgScope, id: &SystemId) -> Result<Option<InfoSystem>>;
    /// One organisation's systems, paged. Filters: `q` (name, owner or
    /// description contains), `level` (`low`/`medium`/`high`/`none`),
    /// `archived` (`1`: archived ones too), `review_overdue` (a date: systems
    /// whose review was due before it); sort: `name` (default), `level`,
    /// `review_due`, `updated`.
    async fn list(&self, scope: &OrgScope, org: &OrgId, q: &ListQuery) -> Result<Page<InfoSystem>>;
    /// Systems in scope (of one organisation when given) for roll-ups, at
    /// most [`ROLLUP_LIMIT`].
    async fn all(
        &self,
        scope: &OrgScope,
        org: Option<&OrgId>,
        include_archived: bool,
    ) -> Result<Vec<InfoSystem>>;
    /// Saves a system's name, owner, description and archiving time.
    async fn update(&self, scope: &OrgScope, x: &InfoSystem, audit: AuditEvent) -> Result<()>;
    /// Stores a grading and makes its level the system's current one.
    async fn insert_grading(&self, scope: &OrgScope, g: &Grading, audit: AuditEvent) -> Result<()>;
    /// A system's gradings, newest first.
    async fn gradings(&self, scope: &OrgScope, system: &SystemId) -> Result<Vec<Grading>>;
    /// Records a control's implementation status (one row per system and
    /// control; `id` names a new row).
    async fn put_control(
        &self,
        scope: &OrgScope,
        id: &str,
        c: &ControlState,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn controls(&self, scope: &OrgScope, system: &SystemId) -> Result<Vec<ControlState>>;
}

const SYSTEM_COLS: &str = "x.id, x.org_id, x.name, x.owner, x.description, x.level, x.graded_on, x.review_due, x.created_at, x.updated_at, x.archived_at";

fn impact(r: &AnyRow, col: &str) -> Result<Impact> {
    let v = s(r, col)?;
    Ok(parse_impact("level", &v)?)
}

fn oimpact(r: &AnyRow, col: &str) -> Result<Option<Impact>> {
    os(r, col)?
        .map(|v| parse_impact("level", &v).map_err(StoreError::from))
        .transpose()
}

fn system(r: &AnyRow) -> Result<InfoSystem> {
    Ok(InfoSystem {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        name: Text::stored(s(r, "name")?),
        owner: Text::stored(s(r, "owner")?),
        description: Memo::stored(s(r, "description")?),
        level: oimpact(r, "level")?,
        graded_on: odate(r, "graded_on")?,
        review_due: odate(r, "review_due")?,
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
        archived_at: oi(r, "archived_at")?,
    })
}

const GRADING_COLS: &str = "g.id, g.system_id, g.org_id, g.grade_c, g.grade_i, g.grade_a, g.grade_l, g.level, g.previous_level, g.answers, g.rationale, g.assessor, g.approver, g.assessed_on, g.review_due, g.created_by, g.created_at";

fn grading(r: &AnyRow) -> Result<Grading> {
    Ok(Grading {
        id: s(r, "id")?,
        system_id: s(r, "system_id")?.into(),
        org_id: s(r, "org_id")?.into(),
        c: impact(r, "grade_c")?,
        i: impact(r, "grade_i")?,
        a: impact(r, "grade_a")?,
        l: impact(r, "grade_l")?,
        level: impact(r, "level")?,
        previous_level: oimpact(r, "previous_level")?,
        answers: json::<BTreeMap<String, String>>(r, "answers")?,
        rationale: s(r, "rationale")?,
        assessor: Text::stored(s(r, "assessor")?),
        approver: Text::stored(s(r, "approver")?),
        assessed_on: date(r, "assessed_on")?,
        review_due: date(r, "review_due")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
    })
}

const CONTROL_COLS: &str = "c.system_id, c.org_id, c.control_id, c.status, c.planned_on, c.na_reason, c.owner, c.evidence, c.updated_by, c.updated_at";

fn control(r: &AnyRow) -> Result<ControlState> {
    Ok(ControlState {
        system_id: s(r, "system_id")?.into(),
        org_id: s(r, "org_id")?.into(),
        control_id: s(r, "control_id")?,
        status: ControlStatus::parse(&s(r, "status")?)?,
        planned_on: odate(r, "planned_on")?,
        na_reason: os(r, "na_reason")?.map(Text::stored),
        owner: Text::stored(s(r, "owner")?),
        evidence: Memo::stored(s(r, "evidence")?),
        updated_by: os(r, "updated_by")?.map(UserId::from),
        updated_at: i(r, "updated_at")?,
    })
}

/// Finds the system when it belongs to the organisation (an ownership check
/// inside a transaction; the risk register uses it for linked systems).
pub(crate) fn system_of_org(system: &SystemId, org: &OrgId) -> Sql {
    let mut q = Sql::new("SELECT id FROM info_systems WHERE id = ");
    q.bind(system).and(" AND org_id = ", org);
    q
}

#[async_trait]
impl SystemStore for SqlStore {
    async fn insert(&self, scope: &OrgScope, x: &InfoSystem, audit: AuditEvent) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.created_at).await?;
        let cols = Cols::new()
            .set("id", &x.id)
            .set("org_id", &x.org_id)
            .set("name", &x.name)
            .set("owner", &x.owner)
            .set("description", &x.description)
            .set("level", x.level.map(|l| l.code()))
            .set("graded_on", x.graded_on)
            .set("review_due", x.review_due)
            .set("created_at", x.created_at)
            .set("updated_at", x.updated_at)
            .set("archived_at", x.archived_at);
        tx.insert(&cols.insert("info_systems"), "system").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get(&self, scope: &OrgScope, id: &SystemId) -> Result<Option<InfoSystem>> {
        let mut q = Sql::new(format!(
            "SELECT {SYSTEM_COLS} FROM info_systems x JOIN orgs o ON o.id = x.org_id WHERE x.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, system).await
    }

    async fn list(&self, scope: &OrgScope, org: &OrgId, q: &ListQuery) -> Result<Page<InfoSystem>> {
        let mut w =
            Sql::new("FROM info_systems x JOIN orgs o ON o.id = x.org_id WHERE x.org_id = ");
        w.bind(org).push(" AND ").scope(scope, "o.path");
        if !matches!(q.filter_value("archived"), Some("1") | Some("true")) {
            w.push(" AND x.archived_at IS NULL");
        }
        if let Some(t) = q.text() {
            w.search(&["x.name", "x.owner", "x.description"], t);
        }
        // set by the application to today's date (`YYYY-MM-DD`) when the
        // caller asked for systems whose level review is overdue
        if let Some(today) = q.filter_value("review_overdue") {
            w.and(" AND x.review_due IS NOT NULL AND x.review_due < ", today);
        }
        match q.filter_value("level") {
            Some("none") => {
                w.push(" AND x.level IS NULL");
            }
            Some(l) => {
                w.and(" AND x.level = ", l);
            }
            None => {}
        }
        let order = order_by(
            q,
            &[
                ("name", "x.name"),
                ("level", "x.level"),
                ("review_due", "x.review_due"),
                ("updated", "x.updated_at"),
            ],
            "x.id",
        );
        fetch_page(&self.pool, SYSTEM_COLS, &w, &order, q, system).await
    }

    async fn all(
        &self,
        scope: &OrgScope,
        org: Option<&OrgId>,
        include_archived: bool,
    ) -> Result<Vec<InfoSystem>> {
        let mut q = Sql::new(format!(
            "SELECT {SYSTEM_COLS} FROM info_systems x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path");
        if let Some(org) = org {
            q.and(" AND x.org_id = ", org);
        }
        if !include_archived {
            q.push(" AND x.archived_at IS NULL");
        }
        q.push(&format!(
            " ORDER BY o.path, x.name, x.id LIMIT {ROLLUP_LIMIT}"
        ));
        q.fetch_all(&self.pool, system).await
    }

    async fn update(&self, scope: &OrgScope, x: &InfoSystem, audit: AuditEvent) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let mut q = Cols::new()
            .set("name", &x.name)
            .set("owner", &x.owner)
            .set("description", &x.description)
            .set("archived_at", x.archived_at)
            .set("updated_at", x.updated_at)
            .update("info_systems");
        q.push("id = ").bind(&x.id).and(" AND org_id = ", &x.org_id);
        tx.exec_one(&q).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_grading(&self, scope: &OrgScope, g: &Grading, audit: AuditEvent) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &g.org_id, audit, g.created_at).await?;
        let mut q = Cols::new()
            .set("level", g.level.code())
            .set("graded_on", g.assessed_on)
            .set("review_due", g.review_due)
            .set("updated_at", g.created_at)
            .update("info_systems");
        q.push("id = ")
            .bind(&g.system_id)
            .and(" AND org_id = ", &g.org_id);
        tx.exec_one(&q).await?;
        let answers = serde_json::to_string(&g.answers)
            .map_err(|e| StoreError::Corrupt(format!("answers: {e}")))?;
        let cols = Cols::new()
            .set("id", g.id.as_str())
            .set("system_id", &g.system_id)
            .set("org_id", &g.org_id)
            .set("grade_c", g.c.code())
            .set("grade_i", g.i.code())
            .set("grade_a", g.a.code())
            .set("grade_l", g.l.code())
            .set("level", g.level.code())
            .set("previous_level", g.previous_level.map(|l| l.code()))
            .set("answers", answers)
            .set("rationale", g.rationale.as_str())
            .set("assessor", &g.assessor)
            .set("approver", &g.approver)
            .set("assessed_on", g.assessed_on)
            .set("review_due", g.review_due)
            .set("created_by", g.created_by.as_ref())
            .set("created_at", g.created_at);
        tx.insert(&cols.insert("system_gradings"), "grading")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn gradings(&self, scope: &OrgScope, system: &SystemId) -> Result<Vec<Grading>> {
        let mut q = Sql::new(format!(
            "SELECT {GRADING_COLS} FROM system_gradings g JOIN orgs o ON o.id = g.org_id WHERE g.system_id = "
        ));
        q.bind(system)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY g.created_at DESC, g.id DESC");
        q.fetch_all(&self.pool, grading).await
    }

    async fn put_control(
        &self,
        scope: &OrgScope,
        id: &str,
        c: &ControlState,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &c.org_id, audit, c.updated_at).await?;
        tx.require(&system_of_org(&c.system_id, &c.org_id)).await?;
        let mut q = Cols::new()
            .set("id", id)
            .set("system_id", &c.system_id)
            .set("org_id", &c.org_id)
            .set("control_id", c.control_id.as_str())
            .set("status", c.status.as_str())
            .set("planned_on", c.planned_on)
            .set("na_reason", c.na_reason.as_ref().map(|t| t.to_string()))
            .set("owner", &c.owner)
            .set("evidence", &c.evidence)
            .set("updated_by", c.updated_by.as_ref())
            .set("updated_at", c.updated_at)
            .insert("control_status");
        q.push(
            " ON CONFLICT (system_id, control_id) DO UPDATE SET status = excluded.status, planned_on = excluded.planned_on,
               na_reason = excluded.na_reason, owner = excluded.owner, evidence = excluded.evidence,
               updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        );
        tx.exec(&q).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn controls(&self, scope: &OrgScope, system: &SystemId) -> Result<Vec<ControlState>> {
        let mut q = Sql::new(format!(
            "SELECT {CONTROL_COLS} FROM control_status c JOIN orgs o ON o.id = c.org_id WHERE c.system_id = "
        ));
        q.bind(system)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY c.control_id");
        q.fetch_all(&self.pool, control).await
    }
}
