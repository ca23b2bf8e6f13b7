//! Implementation reports (`zian_domain::implementation_report`): one row
//! per organisation and year plus the JSON body, scoped by the
//! organisation, every later write conditional on the `updated_at` read.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::implementation_report::{ImplementationReport, Status};
use zian_domain::list::HARD_LIMIT;
use zian_domain::{ImplementationReportId, OrgId, OrgScope, UserId};

use crate::db::{Cols, Sql, i, json, odate, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait ImplementationReportStore: Send + Sync {
    /// Records (`previous` none) or replaces a report; a second report of
    /// the same year is `Conflict("implementation_report")`, and so is a
    /// replacement of a row changed since it was read.
    async fn save_report(
        &self,
        scope: &OrgScope,
        r: &ImplementationReport,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_report(
        &self,
        scope: &OrgScope,
        id: &ImplementationReportId,
    ) -> Result<Option<ImplementationReport>>;
    async fn report_of(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        year: i32,
    ) -> Result<Option<ImplementationReport>>;
    /// The reports of a year of every organisation in scope (of one, when
    /// named), at most [`HARD_LIMIT`].
    async fn reports(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        year: Option<i32>,
    ) -> Result<Vec<ImplementationReport>>;
}

const COLS: &str = "x.id, x.org_id, x.year, x.status, x.submitted_on, x.body, x.created_by, x.created_at, x.updated_at";

fn row(r: &AnyRow) -> Result<ImplementationReport> {
    Ok(ImplementationReport {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        year: i32::try_from(i(r, "year")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        status: Status::parse(&s(r, "status")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        submitted_on: odate(r, "submitted_on")?,
        body: json(r, "body")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

#[async_trait]
impl ImplementationReportStore for SqlStore {
    async fn save_report(
        &self,
        scope: &OrgScope,
        x: &ImplementationReport,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let body = serde_json::to_string(&x.body)
            .map_err(|e| StoreError::Corrupt(format!("body: {e}")))?;
        let cols = Cols::new()
            .set("status", x.status.as_str())
            .set("submitted_on", x.submitted_on)
            .set("body", body)
            .set("updated_at", x.updated_at);
        tx.save_read(
            "implementation_reports",
            "implementation_report",
            cols,
            (x.id.as_str(), x.org_id.as_str()),
            previous,
            |c| {
                c.set("id", &x.id)
                    .set("org_id", &x.org_id)
                    .set("year", i64::from(x.year))
                    .set("created_by", x.created_by.as_ref())
                    .set("created_at", x.created_at)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_report(
        &self,
        scope: &OrgScope,
        id: &ImplementationReportId,
    ) -> Result<Option<ImplementationReport>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM implementation_reports x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path").and(" AND x.id = ", id);
        q.fetch_optional(&self.pool, row).await
    }

    async fn report_of(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        year: i32,
    ) -> Result<Option<ImplementationReport>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM implementation_reports x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path")
            .and(" AND x.org_id = ", org_id)
            .and(" AND x.year = ", i64::from(year));
        q.fetch_optional(&self.pool, row).await
    }

    async fn reports(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        year: Option<i32>,
    ) -> Result<Vec<ImplementationReport>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM implementation_reports x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path");
        if let Some(o) = org_id {
            q.and(" AND x.org_id = ", o);
        }
        if let Some(y) = year {
            q.and(" AND x.year = ", i64::from(y));
        }
        q.push(&format!(" ORDER BY x.year DESC, o.path LIMIT {HARD_LIMIT}"));
        q.fetch_all(&self.pool, row).await
    }
}
