//! Endpoint coverage (`zian_domain::coverage`): the consoles' exports an
//! organisation received, scoped by the organisation; a subtree's latest
//! devices summaries read without their rows.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::coverage::{Coverage, CoverageReport, ReportKind};
use zian_domain::list::HARD_LIMIT;
use zian_domain::{OrgId, OrgScope, UserId};

use crate::db::{Cols, Sql, i, json, ojson, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

/// The most exports one organisation's list reads.
const ORG_LIMIT: i64 = 500;

#[async_trait]
pub trait CoverageStore: Send + Sync {
    /// Records an export received.
    async fn insert(&self, scope: &OrgScope, r: &CoverageReport, audit: AuditEvent) -> Result<()>;
    /// An organisation's exports of a kind received at or after `since`,
    /// the latest first.
    async fn reports(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        kind: ReportKind,
        since: i64,
    ) -> Result<Vec<CoverageReport>>;
    /// The latest devices summary of each organisation of the subtree of
    /// `root_path` that has one: organisation, when received, the
    /// coverage.
    async fn latest_summaries(
        &self,
        scope: &OrgScope,
        root_path: &str,
    ) -> Result<Vec<(OrgId, i64, Option<Coverage>)>>;
}

const COLS: &str = "x.id, x.org_id, x.kind, x.source, x.received_at, x.body, x.skipped, x.summary, x.created_by, x.created_at, x.updated_at";

fn report(r: &AnyRow) -> Result<CoverageReport> {
    Ok(CoverageReport {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        kind: ReportKind::parse(&s(r, "kind")?)
            .map_err(|e| StoreError::Corrupt(format!("kind: {e}")))?,
        source: s(r, "source")?,
        received_at: i(r, "received_at")?,
        body: json(r, "body")?,
        skipped: u32::try_from(i(r, "skipped")?).unwrap_or(u32::MAX),
        summary: ojson(r, "summary")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn to_json<T: serde::Serialize>(col: &str, v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

#[async_trait]
impl CoverageStore for SqlStore {
    async fn insert(&self, scope: &OrgScope, r: &CoverageReport, audit: AuditEvent) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &r.org_id, audit, r.updated_at).await?;
        let summary = r
            .summary
            .as_ref()
            .map(|c| to_json("summary", c))
            .transpose()?;
        tx.insert(
            &Cols::new()
                .set("id", &r.id)
                .set("org_id", &r.org_id)
                .set("kind", r.kind.as_str())
                .set("source", r.source.as_str())
                .set("received_at", r.received_at)
                .set("body", to_json("body", &r.body)?)
                .set("skipped", i64::from(r.skipped))
                .set("summary", summary)
                .set("created_by", r.created_by.as_ref())
                .set("created_at", r.created_at)
                .set("updated_at", r.updated_at)
                .insert("coverage_reports"),
            "coverage_report",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reports(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        kind: ReportKind,
        since: i64,
    ) -> Result<Vec<CoverageReport>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM coverage_reports x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path")
            .and(" AND x.org_id = ", org)
            .and(" AND x.kind = ", kind.as_str())
            .and(" AND x.received_at >= ", since);
        q.push(&format!(
            " ORDER BY x.received_at DESC, x.id DESC LIMIT {ORG_LIMIT}"
        ));
        q.fetch_all(&self.pool, report).await
    }

    async fn latest_summaries(
        &self,
        scope: &OrgScope,
        root_path: &str,
    ) -> Result<Vec<(OrgId, i64, Option<Coverage>)>> {
        let mut q = Sql::new(
            "SELECT x.org_id, x.received_at, x.summary FROM coverage_reports x JOIN orgs o ON o.id = x.org_id WHERE ",
        );
        q.scope(scope, "o.path")
            .and(" AND o.path LIKE ", format!("{root_path}%"))
            .and(" AND x.kind = ", ReportKind::Devices.as_str());
        q.push(&format!(
            " ORDER BY x.org_id, x.received_at DESC, x.id DESC LIMIT {HARD_LIMIT}"
        ));
        let rows = q
            .fetch_all(&self.pool, |r| {
                Ok((
                    OrgId::from(s(r, "org_id")?),
                    i(r, "received_at")?,
                    ojson::<Coverage>(r, "summary")?,
                ))
            })
            .await?;
        let mut out: Vec<(OrgId, i64, Option<Coverage>)> = Vec::new();
        for row in rows {
            if out.last().is_none_or(|l| l.0 != row.0) {
                out.push(row);
            }
        }
        Ok(out)
    }
}
