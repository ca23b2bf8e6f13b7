//! L1–L5 maturity (`zian_domain::maturity`): programmes and their monthly
//! reports, each a row plus a JSON body, scoped by the organisation, every
//! later write conditional on the `updated_at` read.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::list::HARD_LIMIT;
use zian_domain::maturity::{MaturityReport, Month, Programme, ReportStatus};
use zian_domain::{MaturityProgrammeId, MaturityReportId, OrgId, OrgScope, UserId};

use crate::db::{Cols, Sql, i, json, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait MaturityStore: Send + Sync {
    /// Records (`previous` none) or replaces a programme; a replacement must
    /// find the row as read, else `Conflict("maturity_programme")`; a second
    /// programme of an organisation starting the same month is
    /// `Conflict("maturity_programme")` too.
    async fn save_programme(
        &self,
        scope: &OrgScope,
        p: &Programme,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_programme(
        &self,
        scope: &OrgScope,
        id: &MaturityProgrammeId,
    ) -> Result<Option<Programme>>;
    /// The programmes of an organisation (or of every one in scope), the
    /// latest start first, at most [`HARD_LIMIT`].
    async fn programmes(&self, scope: &OrgScope, org_id: Option<&OrgId>) -> Result<Vec<Programme>>;
    /// Records or replaces a report (as [`Self::save_programme`]); a second
    /// report of a programme's month is `Conflict("maturity_report")`.
    async fn save_report(
        &self,
        scope: &OrgScope,
        r: &MaturityReport,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_report(
        &self,
        scope: &OrgScope,
        id: &MaturityReportId,
    ) -> Result<Option<MaturityReport>>;
    /// A programme's reports, oldest month first.
    async fn reports(
        &self,
        scope: &OrgScope,
        programme: &MaturityProgrammeId,
    ) -> Result<Vec<MaturityReport>>;
    /// The reports of one month of the organisations whose path starts
    /// with `under` (a supervisor's comparison).
    async fn reports_of_month(
        &self,
        scope: &OrgScope,
        under: &str,
        month: Month,
    ) -> Result<Vec<MaturityReport>>;
}

const PCOLS: &str =
    "x.id, x.org_id, x.title, x.starts, x.months, x.body, x.created_by, x.created_at, x.updated_at";
const RCOLS: &str = "x.id, x.org_id, x.programme_id, x.month, x.status, x.body, x.created_by, x.created_at, x.updated_at";

fn month(r: &AnyRow, col: &str) -> Result<Month> {
    Month::parse("month", &s(r, col)?).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

fn programme(r: &AnyRow) -> Result<Programme> {
    Ok(Programme {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        title: s(r, "title")?,
        starts: month(r, "starts")?,
        months: u8::try_from(i(r, "months")?).map_err(|_| StoreError::Corrupt("months".into()))?,
        body: json(r, "body")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn report(r: &AnyRow) -> Result<MaturityReport> {
    Ok(MaturityReport {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        programme_id: s(r, "programme_id")?.into(),
        month: month(r, "month")?,
        status: ReportStatus::parse(&s(r, "status")?)
            .map_err(|e| StoreError::Corrupt(format!("status: {e}")))?,
        body: json(r, "body")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn body<T: serde::Serialize>(b: &T) -> Result<String> {
    serde_json::to_string(b).map_err(|e| StoreError::Corrupt(format!("body: {e}")))
}

#[async_trait]
impl MaturityStore for SqlStore {
    async fn save_programme(
        &self,
        scope: &OrgScope,
        x: &Programme,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let cols = Cols::new()
            .set("title", x.title.as_str())
            .set("months", i64::from(x.months))
            .set("body", body(&x.body)?)
            .set("updated_at", x.updated_at);
        tx.save_read(
            "maturity_programmes",
            "maturity_programme",
            cols,
            (x.id.as_str(), x.org_id.as_str()),
            previous,
            |c| {
                c.set("id", &x.id)
                    .set("org_id", &x.org_id)
                    .set("starts", x.starts.to_string())
                    .set("created_by", x.created_by.as_ref())
                    .set("created_at", x.created_at)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_programme(
        &self,
        scope: &OrgScope,
        id: &MaturityProgrammeId,
    ) -> Result<Option<Programme>> {
        let mut q = Sql::new(format!(
            "SELECT {PCOLS} FROM maturity_programmes x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path").and(" AND x.id = ", id);
        q.fetch_optional(&self.pool, programme).await
    }

    async fn programmes(&self, scope: &OrgScope, org_id: Option<&OrgId>) -> Result<Vec<Programme>> {
        let mut q = Sql::new(format!(
            "SELECT {PCOLS} FROM maturity_programmes x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path");
        if let Some(o) = org_id {
            q.and(" AND x.org_id = ", o);
        }
        q.push(&format!(
            " ORDER BY x.starts DESC, x.id DESC LIMIT {HARD_LIMIT}"
        ));
        q.fetch_all(&self.pool, programme).await
    }

    async fn save_report(
        &self,
        scope: &OrgScope,
        x: &MaturityReport,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let cols = Cols::new()
            .set("status", x.status.as_str())
            .set("body", body(&x.body)?)
            .set("updated_at", x.updated_at);
        tx.save_read(
            "maturity_reports",
            "maturity_report",
            cols,
            (x.id.as_str(), x.org_id.as_str()),
            previous,
            |c| {
                c.set("id", &x.id)
                    .set("org_id", &x.org_id)
                    .set("programme_id", &x.programme_id)
                    .set("month", x.month.to_string())
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
        id: &MaturityReportId,
    ) -> Result<Option<MaturityReport>> {
        let mut q = Sql::new(format!(
            "SELECT {RCOLS} FROM maturity_reports x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path").and(" AND x.id = ", id);
        q.fetch_optional(&self.pool, report).await
    }

    async fn reports(
        &self,
        scope: &OrgScope,
        programme_id: &MaturityProgrammeId,
    ) -> Result<Vec<MaturityReport>> {
        let mut q = Sql::new(format!(
            "SELECT {RCOLS} FROM maturity_reports x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path")
            .and(" AND x.programme_id = ", programme_id);
        q.push(&format!(" ORDER BY x.month, x.id LIMIT {HARD_LIMIT}"));
        q.fetch_all(&self.pool, report).await
    }

    async fn reports_of_month(
        &self,
        scope: &OrgScope,
        under: &str,
        month: Month,
    ) -> Result<Vec<MaturityReport>> {
        let mut q = Sql::new(format!(
            "SELECT {RCOLS} FROM maturity_reports x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path")
            .and(" AND o.path LIKE ", format!("{under}%"))
            .and(" AND x.month = ", month.to_string());
        q.push(&format!(" ORDER BY o.path, x.id LIMIT {HARD_LIMIT}"));
        q.fetch_all(&self.pool, report).await
    }
}
