//! Business continuity: the processes of the impact analysis with their
//! plans, the plans' activations, drills and social-engineering drill
//! rounds. A record's filterable fields are columns; the rest is its JSON
//! body.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::continuity::{
    Activation, Campaign, Drill, DrillKind, DrillStatus, Grade, Process,
};
use zian_domain::list::HARD_LIMIT;
use zian_domain::{
    ActivationId, CampaignId, DrillId, IncidentId, ListQuery, OrgId, OrgScope, Page, ProcessId,
    UserId,
};

use crate::db::{Cols, Sql, date, fetch_page, i, json, odate, oi, order_by, os, ou, s, u};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait ContinuityStore: Send + Sync {
    /// Records (`new`) or replaces a process of an organisation in scope;
    /// every system and asset it depends on must be the organisation's.
    async fn save_process(
        &self,
        scope: &OrgScope,
        x: &Process,
        new: bool,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_process(&self, scope: &OrgScope, id: &ProcessId) -> Result<Option<Process>>;
    /// An organisation's processes, paged (sort: `grade` — high first,
    /// default —, `name`, `mtd`, `updated`).
    async fn processes(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        q: &ListQuery,
    ) -> Result<Page<Process>>;
    /// Every process in scope (of one organisation or all), at most
    /// [`HARD_LIMIT`].
    async fn all_processes(&self, scope: &OrgScope, org_id: Option<&OrgId>)
    -> Result<Vec<Process>>;

    /// Records or replaces an activation; its process (and incident, when
    /// one) must be the organisation's.
    async fn save_activation(
        &self,
        scope: &OrgScope,
        x: &Activation,
        new: bool,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_activation(
        &self,
        scope: &OrgScope,
        id: &ActivationId,
    ) -> Result<Option<Activation>>;
    /// An organisation's activations, or an incident's, latest first.
    async fn activations(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        incident_id: Option<&IncidentId>,
    ) -> Result<Vec<Activation>>;

    /// Records or replaces a drill; the processes drilled must be the
    /// organisation's.
    async fn save_drill(
        &self,
        scope: &OrgScope,
        x: &Drill,
        new: bool,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_drill(&self, scope: &OrgScope, id: &DrillId) -> Result<Option<Drill>>;
    /// An organisation's drills, paged (filters: kind, status; sort:
    /// `planned` — latest first by default —, `title`).
    async fn drills(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        kind: Option<DrillKind>,
        status: Option<DrillStatus>,
        q: &ListQuery,
    ) -> Result<Page<Drill>>;
    /// Every completed drill in scope (of one organisation or all).
    async fn completed_drills(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
    ) -> Result<Vec<Drill>>;

    /// Records or replaces a round's results (one per round name and
    /// organisation: `Conflict("campaign")`).
    async fn save_campaign(
        &self,
        scope: &OrgScope,
        x: &Campaign,
        new: bool,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_campaign(&self, scope: &OrgScope, id: &CampaignId) -> Result<Option<Campaign>>;
    /// Rounds in scope (of one organisation or all), latest first, at most
    /// [`HARD_LIMIT`].
    async fn campaigns(&self, scope: &OrgScope, org_id: Option<&OrgId>) -> Result<Vec<Campaign>>;
}

fn body<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("body: {e}")))
}

/// `FROM table x JOIN orgs o … WHERE <scope>` and the organisation.
fn scoped(table: &str, scope: &OrgScope, org_id: Option<&OrgId>) -> Sql {
    let mut w = Sql::new(format!(
        "FROM {table} x JOIN orgs o ON o.id = x.org_id WHERE "
    ));
    w.scope(scope, "o.path");
    if let Some(o) = org_id {
        w.and(" AND x.org_id = ", o);
    }
    w
}

/// Writes a record: INSERT when new, else UPDATE of the organisation's row.
async fn write(
    tx: &mut AuditedTx,
    cols: Cols,
    table: &'static str,
    what: &'static str,
    new: bool,
    id: &str,
    org_id: &OrgId,
) -> Result<()> {
    if new {
        let q = cols.set("id", id).set("org_id", org_id).insert(table);
        tx.insert(&q, what).await
    } else {
        let mut q = cols.update(table);
        q.push("id = ").bind(id).and(" AND org_id = ", org_id);
        tx.exec_one(&q).await
    }
}

/// Fails with `NotFound` unless the row `id` of `table` is the organisation's.
async fn own(tx: &mut AuditedTx, table: &str, id: &str, org_id: &OrgId) -> Result<()> {
    let mut q = Sql::new(format!("SELECT 1 AS one FROM {table} WHERE id = "));
    q.bind(id).and(" AND org_id = ", org_id);
    tx.require(&q).await.map(|_| ())
}

const PROCESS_COLS: &str = "x.id, x.org_id, x.name, x.grade, x.mtd_hours, x.rto_hours, x.rpo_hours, x.reviewed_on, x.body, x.created_by, x.created_at, x.updated_at";

fn process(r: &AnyRow) -> Result<Process> {
    Ok(Process {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        name: s(r, "name")?,
        grade: Grade::parse("grade", &s(r, "grade")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        mtd_hours: ou(r, "mtd_hours")?,
        rto_hours: ou(r, "rto_hours")?,
        rpo_hours: ou(r, "rpo_hours")?,
        reviewed_on: odate(r, "reviewed_on")?,
        body: json(r, "body")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

const ACTIVATION_COLS: &str = "x.id, x.org_id, x.process_id, x.incident_id, x.decided_at, x.terminated_at, x.body, x.created_by, x.created_at, x.updated_at";

fn activation(r: &AnyRow) -> Result<Activation> {
    Ok(Activation {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        process_id: s(r, "process_id")?.into(),
        incident_id: os(r, "incident_id")?.map(IncidentId::from),
        decided_at: i(r, "decided_at")?,
        terminated_at: oi(r, "terminated_at")?,
        body: json(r, "body")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

const DRILL_COLS: &str = "x.id, x.org_id, x.title, x.kind, x.planned_on, x.status, x.completed_on, x.body, x.created_by, x.created_at, x.updated_at";

fn drill(r: &AnyRow) -> Result<Drill> {
    let corrupt = |e: zian_domain::DomainError| StoreError::Corrupt(e.to_string());
    Ok(Drill {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        title: s(r, "title")?,
        kind: DrillKind::parse("kind", &s(r, "kind")?).map_err(corrupt)?,
        planned_on: date(r, "planned_on")?,
        status: DrillStatus::parse(&s(r, "status")?).map_err(corrupt)?,
        completed_on: odate(r, "completed_on")?,
        body: json(r, "body")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

const CAMPAIGN_COLS: &str = "x.id, x.org_id, x.round, x.held_on, x.participants, x.opened, x.clicked, x.open_target, x.click_target, x.note, x.created_by, x.created_at, x.updated_at";

fn campaign(r: &AnyRow) -> Result<Campaign> {
    Ok(Campaign {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        round: s(r, "round")?,
        held_on: date(r, "held_on")?,
        participants: u(r, "participants")?,
        opened: u(r, "opened")?,
        clicked: u(r, "clicked")?,
        open_target: ou(r, "open_target")?,
        click_target: ou(r, "click_target")?,
        note: s(r, "note")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

#[async_trait]
impl ContinuityStore for SqlStore {
    async fn save_process(
        &self,
        scope: &OrgScope,
        x: &Process,
        new: bool,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        for id in &x.body.system_ids {
            own(&mut tx, "systems", id, &x.org_id).await?;
        }
        for id in &x.body.asset_ids {
            own(&mut tx, "assets", id, &x.org_id).await?;
        }
        let mut cols = Cols::new()
            .set("name", x.name.as_str())
            .set("grade", x.grade.as_str())
            .set("mtd_hours", x.mtd_hours)
            .set("rto_hours", x.rto_hours)
            .set("rpo_hours", x.rpo_hours)
            .set("reviewed_on", x.reviewed_on)
            .set("body", body(&x.body)?)
            .set("updated_at", x.updated_at);
        if new {
            cols = cols
                .set("created_by", x.created_by.as_ref())
                .set("created_at", x.created_at);
        }
        write(
            &mut tx,
            cols,
            "bia_processes",
            "process",
            new,
            &x.id,
            &x.org_id,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_process(&self, scope: &OrgScope, id: &ProcessId) -> Result<Option<Process>> {
        let mut q = scoped("bia_processes", scope, None);
        q.and(" AND x.id = ", id)
            .prepend(&format!("SELECT {PROCESS_COLS} "));
        q.fetch_optional(&self.pool, process).await
    }

    async fn processes(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        q: &ListQuery,
    ) -> Result<Page<Process>> {
        let mut w = scoped("bia_processes", scope, Some(org_id));
        if let Some(t) = q.text() {
            w.search(&["x.name"], t);
        }
        let grade = "CASE x.grade WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END";
        let order = match q.sort.as_deref() {
            None => format!("{grade}, x.mtd_hours, x.name, x.id"),
            _ => order_by(
                q,
                &[
                    ("grade", grade),
                    ("name", "x.name"),
                    ("mtd", "x.mtd_hours"),
                    ("updated", "x.updated_at"),
                ],
                "x.id",
            ),
        };
        fetch_page(&self.pool, PROCESS_COLS, &w, &order, q, process).await
    }

    async fn all_processes(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
    ) -> Result<Vec<Process>> {
        let mut q = scoped("bia_processes", scope, org_id);
        q.prepend(&format!("SELECT {PROCESS_COLS} ")).push(&format!(
            " ORDER BY x.org_id, x.name, x.id LIMIT {HARD_LIMIT}"
        ));
        q.fetch_all(&self.pool, process).await
    }

    async fn save_activation(
        &self,
        scope: &OrgScope,
        x: &Activation,
        new: bool,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        own(&mut tx, "bia_processes", &x.process_id, &x.org_id).await?;
        if let Some(inc) = &x.incident_id {
            own(&mut tx, "incidents", inc, &x.org_id).await?;
        }
        let mut cols = Cols::new()
            .set("terminated_at", x.terminated_at)
            .set("body", body(&x.body)?)
            .set("updated_at", x.updated_at);
        if new {
            cols = cols
                .set("process_id", &x.process_id)
                .set("incident_id", x.incident_id.as_ref())
                .set("decided_at", x.decided_at)
                .set("created_by", x.created_by.as_ref())
                .set("created_at", x.created_at);
        }
        write(
            &mut tx,
            cols,
            "continuity_activations",
            "activation",
            new,
            &x.id,
            &x.org_id,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_activation(
        &self,
        scope: &OrgScope,
        id: &ActivationId,
    ) -> Result<Option<Activation>> {
        let mut q = scoped("continuity_activations", scope, None);
        q.and(" AND x.id = ", id)
            .prepend(&format!("SELECT {ACTIVATION_COLS} "));
        q.fetch_optional(&self.pool, activation).await
    }

    async fn activations(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        incident_id: Option<&IncidentId>,
    ) -> Result<Vec<Activation>> {
        let mut q = scoped("continuity_activations", scope, org_id);
        if let Some(inc) = incident_id {
            q.and(" AND x.incident_id = ", inc);
        }
        q.prepend(&format!("SELECT {ACTIVATION_COLS} "))
            .push(&format!(
                " ORDER BY x.decided_at DESC, x.id LIMIT {HARD_LIMIT}"
            ));
        q.fetch_all(&self.pool, activation).await
    }

    async fn save_drill(
        &self,
        scope: &OrgScope,
        x: &Drill,
        new: bool,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        for id in &x.body.process_ids {
            own(&mut tx, "bia_processes", id, &x.org_id).await?;
        }
        let mut cols = Cols::new()
            .set("title", x.title.as_str())
            .set("kind", x.kind.as_str())
            .set("planned_on", x.planned_on)
            .set("status", x.status.as_str())
            .set("completed_on", x.completed_on)
            .set("body", body(&x.body)?)
            .set("updated_at", x.updated_at);
        if new {
            cols = cols
                .set("created_by", x.created_by.as_ref())
                .set("created_at", x.created_at);
        }
        write(&mut tx, cols, "drills", "drill", new, &x.id, &x.org_id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_drill(&self, scope: &OrgScope, id: &DrillId) -> Result<Option<Drill>> {
        let mut q = scoped("drills", scope, None);
        q.and(" AND x.id = ", id)
            .prepend(&format!("SELECT {DRILL_COLS} "));
        q.fetch_optional(&self.pool, drill).await
    }

    async fn drills(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        kind: Option<DrillKind>,
        status: Option<DrillStatus>,
        q: &ListQuery,
    ) -> Result<Page<Drill>> {
        let mut w = scoped("drills", scope, Some(org_id));
        if let Some(k) = kind {
            w.and(" AND x.kind = ", k.as_str());
        }
        if let Some(st) = status {
            w.and(" AND x.status = ", st.as_str());
        }
        if let Some(t) = q.text() {
            w.search(&["x.title"], t);
        }
        let order = match q.sort.as_deref() {
            None => "x.planned_on DESC, x.id".to_string(),
            _ => order_by(
                q,
                &[("planned", "x.planned_on"), ("title", "x.title")],
                "x.id",
            ),
        };
        fetch_page(&self.pool, DRILL_COLS, &w, &order, q, drill).await
    }

    async fn completed_drills(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
    ) -> Result<Vec<Drill>> {
        let mut q = scoped("drills", scope, org_id);
        q.push(" AND x.status = 'completed'")
            .prepend(&format!("SELECT {DRILL_COLS} "))
            .push(&format!(
                " ORDER BY x.completed_on, x.id LIMIT {HARD_LIMIT}"
            ));
        q.fetch_all(&self.pool, drill).await
    }

    async fn save_campaign(
        &self,
        scope: &OrgScope,
        x: &Campaign,
        new: bool,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let mut cols = Cols::new()
            .set("round", x.round.as_str())
            .set("held_on", x.held_on)
            .set("participants", x.participants)
            .set("opened", x.opened)
            .set("clicked", x.clicked)
            .set("open_target", x.open_target)
            .set("click_target", x.click_target)
            .set("note", x.note.as_str())
            .set("updated_at", x.updated_at);
        if new {
            cols = cols
                .set("created_by", x.created_by.as_ref())
                .set("created_at", x.created_at);
        }
        write(
            &mut tx,
            cols,
            "social_campaigns",
            "campaign",
            new,
            &x.id,
            &x.org_id,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_campaign(&self, scope: &OrgScope, id: &CampaignId) -> Result<Option<Campaign>> {
        let mut q = scoped("social_campaigns", scope, None);
        q.and(" AND x.id = ", id)
            .prepend(&format!("SELECT {CAMPAIGN_COLS} "));
        q.fetch_optional(&self.pool, campaign).await
    }

    async fn campaigns(&self, scope: &OrgScope, org_id: Option<&OrgId>) -> Result<Vec<Campaign>> {
        let mut q = scoped("social_campaigns", scope, org_id);
        q.prepend(&format!("SELECT {CAMPAIGN_COLS} "))
            .push(&format!(
                " ORDER BY x.held_on DESC, x.id LIMIT {HARD_LIMIT}"
            ));
        q.fetch_all(&self.pool, campaign).await
    }
}
