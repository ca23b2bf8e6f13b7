//! Maintenance-plan versions and KPI measurements. Status changes are
//! conditional on the status the caller saw, so two people approving or
//! editing at once cannot both succeed.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::plan::{KpiMeasurement, PlanStatus, PlanTransition, PlanVersion};
use zian_domain::{OrgId, OrgScope, PlanId, UserId};

use crate::db::{Cols, Sql, date, i, json, odate, oi, ojson, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait PlanStore: Send + Sync {
    /// Inserts a new version numbered one above the organisation's highest;
    /// `Conflict("open_plan_version")` while a draft or submitted version
    /// is open. Returns the version as stored.
    async fn insert(
        &self,
        scope: &OrgScope,
        p: &PlanVersion,
        audit: AuditEvent,
    ) -> Result<PlanVersion>;
    async fn get(&self, scope: &OrgScope, id: &PlanId) -> Result<Option<PlanVersion>>;
    /// Versions in scope (of one organisation when given), newest first per
    /// organisation; at most 10,000.
    async fn list(&self, scope: &OrgScope, org: Option<&OrgId>) -> Result<Vec<PlanVersion>>;
    /// Replaces a draft's content (`Conflict("plan_status")` when it is no
    /// longer a draft).
    #[allow(clippy::too_many_arguments)]
    async fn update_content(
        &self,
        scope: &OrgScope,
        id: &PlanId,
        content: &serde_json::Value,
        change_note: &str,
        by: &UserId,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// Moves a version from `t.from` to `t.to`; approving supersedes the
    /// organisation's previously approved version in the same transaction.
    async fn transition(
        &self,
        scope: &OrgScope,
        id: &PlanId,
        t: &PlanTransition,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn insert_kpi(
        &self,
        scope: &OrgScope,
        k: &KpiMeasurement,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Measurements of an organisation in scope, newest period first.
    async fn kpis(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<KpiMeasurement>>;
}

const COLS: &str = "p.id, p.org_id, p.version, p.status, p.content, p.live_snapshot, p.change_note, p.based_on, p.created_by, p.created_at, p.updated_by, p.updated_at, p.submitted_by, p.submitted_at, p.decided_by, p.decided_at, p.approved_on, p.approver_name, p.return_reason, p.review_due";

fn user(r: &AnyRow, col: &str) -> Result<Option<UserId>> {
    Ok(os(r, col)?.map(UserId::from))
}

fn plan(r: &AnyRow) -> Result<PlanVersion> {
    Ok(PlanVersion {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        version: i(r, "version")?,
        status: PlanStatus::parse(&s(r, "status")?)?,
        content: json(r, "content")?,
        live_snapshot: ojson(r, "live_snapshot")?,
        change_note: s(r, "change_note")?,
        based_on: os(r, "based_on")?.map(PlanId::from),
        created_by: user(r, "created_by")?,
        created_at: i(r, "created_at")?,
        updated_by: user(r, "updated_by")?,
        updated_at: i(r, "updated_at")?,
        submitted_by: user(r, "submitted_by")?,
        submitted_at: oi(r, "submitted_at")?,
        decided_by: user(r, "decided_by")?,
        decided_at: oi(r, "decided_at")?,
        approved_on: odate(r, "approved_on")?,
        approver_name: os(r, "approver_name")?,
        return_reason: os(r, "return_reason")?,
        review_due: odate(r, "review_due")?,
    })
}

const KPI_COLS: &str = "k.id, k.org_id, k.kpi, k.period_end, k.value_milli, k.source, k.note, k.recorded_by, k.recorded_at";

fn kpi(r: &AnyRow) -> Result<KpiMeasurement> {
    Ok(KpiMeasurement {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?.into(),
        kpi: s(r, "kpi")?,
        period_end: date(r, "period_end")?,
        value_milli: i(r, "value_milli")?,
        source: s(r, "source")?,
        note: s(r, "note")?,
        recorded_by: user(r, "recorded_by")?,
        recorded_at: i(r, "recorded_at")?,
    })
}

fn to_json(v: &serde_json::Value) -> String {
    v.to_string()
}

/// Opens the transaction of a change to a version of an organisation in
/// scope; returns the transaction and the version's organisation.
async fn begin_on_version(
    store: &SqlStore,
    scope: &OrgScope,
    id: &PlanId,
    audit: AuditEvent,
    now: i64,
) -> Result<(AuditedTx, OrgId)> {
    let mut tx = AuditedTx::begin(store, audit, now).await?;
    let mut q = Sql::new("SELECT org_id FROM plan_versions WHERE id = ");
    q.bind(id);
    let org: OrgId = s(&tx.require(&q).await?, "org_id")?.into();
    tx.org_path(scope, &org).await?;
    Ok((tx, org))
}

#[async_trait]
impl PlanStore for SqlStore {
    async fn insert(
        &self,
        scope: &OrgScope,
        x: &PlanVersion,
        audit: AuditEvent,
    ) -> Result<PlanVersion> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.created_at).await?;
        let mut open = Sql::new(
            "SELECT id FROM plan_versions WHERE status IN ('draft', 'submitted') AND org_id = ",
        );
        open.bind(&x.org_id);
        if open.query().fetch_optional(tx.conn()).await?.is_some() {
            return Err(StoreError::Conflict("open_plan_version"));
        }
        let mut max = Sql::new("SELECT MAX(version) AS v FROM plan_versions WHERE org_id = ");
        max.bind(&x.org_id);
        let mut row = x.clone();
        row.version = oi(&max.fetch_one(tx.conn()).await?, "v")?.unwrap_or(0) + 1;
        let cols = Cols::new()
            .set("id", &row.id)
            .set("org_id", &row.org_id)
            .set("version", row.version)
            .set("status", row.status.as_str())
            .set("content", to_json(&row.content))
            .set("live_snapshot", row.live_snapshot.as_ref().map(to_json))
            .set("change_note", row.change_note.as_str())
            .set("based_on", row.based_on.as_ref())
            .set("created_by", row.created_by.as_ref())
            .set("created_at", row.created_at)
            .set("updated_by", row.updated_by.as_ref())
            .set("updated_at", row.updated_at);
        tx.insert(&cols.insert("plan_versions"), "plan_version")
            .await?;
        tx.event().details["version"] = serde_json::json!(row.version);
        tx.commit().await?;
        Ok(row)
    }

    async fn get(&self, scope: &OrgScope, id: &PlanId) -> Result<Option<PlanVersion>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM plan_versions p JOIN orgs o ON o.id = p.org_id WHERE p.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, plan).await
    }

    async fn list(&self, scope: &OrgScope, org: Option<&OrgId>) -> Result<Vec<PlanVersion>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM plan_versions p JOIN orgs o ON o.id = p.org_id WHERE "
        ));
        q.scope(scope, "o.path");
        if let Some(org) = org {
            q.and(" AND p.org_id = ", org);
        }
        q.push(" ORDER BY o.path, p.version DESC LIMIT 10000");
        q.fetch_all(&self.pool, plan).await
    }

    async fn update_content(
        &self,
        scope: &OrgScope,
        id: &PlanId,
        content: &serde_json::Value,
        change_note: &str,
        by: &UserId,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let (mut tx, _) = begin_on_version(self, scope, id, audit, now).await?;
        let mut q = Cols::new()
            .set("content", to_json(content))
            .set("change_note", change_note)
            .set("updated_by", by)
            .set("updated_at", now)
            .update("plan_versions");
        q.push("status = 'draft' AND id = ").bind(id);
        if tx.exec(&q).await? == 0 {
            return Err(StoreError::Conflict("plan_status"));
        }
        tx.commit().await?;
        Ok(())
    }

    async fn transition(
        &self,
        scope: &OrgScope,
        id: &PlanId,
        t: &PlanTransition,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, org) = begin_on_version(self, scope, id, audit, t.at).await?;
        if t.to == PlanStatus::Approved {
            let mut q = Sql::new(
                "UPDATE plan_versions SET status = 'superseded' WHERE status = 'approved' AND org_id = ",
            );
            q.bind(&org);
            tx.exec(&q).await?;
        }
        let by = t.by.as_ref();
        let cols = Cols::new().set("status", t.to.as_str());
        let cols = match t.to {
            PlanStatus::Submitted => cols
                .set("submitted_by", by)
                .set("submitted_at", t.at)
                .set("live_snapshot", t.live_snapshot.as_ref().map(to_json))
                .set("return_reason", None::<String>),
            PlanStatus::Approved => cols
                .set("decided_by", by)
                .set("decided_at", t.at)
                .set("approved_on", t.approved_on)
                .set("approver_name", t.approver_name.clone())
                .set("review_due", t.review_due),
            PlanStatus::Draft => cols
                .set("decided_by", by)
                .set("decided_at", t.at)
                .set("return_reason", t.return_reason.clone())
                .set("live_snapshot", None::<String>),
            PlanStatus::Superseded => {
                return Err(StoreError::Corrupt(
                    "a version is superseded only by an approval".into(),
                ));
            }
        };
        let mut q = cols.update("plan_versions");
        q.push("id = ")
            .bind(id)
            .and(" AND status = ", t.from.as_str());
        if tx.exec(&q).await? == 0 {
            return Err(StoreError::Conflict("plan_status"));
        }
        tx.commit().await?;
        Ok(())
    }

    async fn insert_kpi(
        &self,
        scope: &OrgScope,
        x: &KpiMeasurement,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.recorded_at).await?;
        let cols = Cols::new()
            .set("id", x.id.as_str())
            .set("org_id", &x.org_id)
            .set("kpi", x.kpi.as_str())
            .set("period_end", x.period_end)
            .set("value_milli", x.value_milli)
            .set("source", x.source.as_str())
            .set("note", x.note.as_str())
            .set("recorded_by", x.recorded_by.as_ref())
            .set("recorded_at", x.recorded_at);
        tx.insert(&cols.insert("kpi_measurements"), "measurement")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn kpis(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<KpiMeasurement>> {
        let mut q = Sql::new(format!(
            "SELECT {KPI_COLS} FROM kpi_measurements k JOIN orgs o ON o.id = k.org_id WHERE k.org_id = "
        ));
        q.bind(org)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY k.period_end DESC, k.recorded_at DESC LIMIT 5000");
        q.fetch_all(&self.pool, kpi).await
    }
}
