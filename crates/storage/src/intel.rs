//! Threat intelligence (`zian_domain::intel::item`): an organisation's
//! pieces, each a row plus a JSON body, scoped by the organisation, every
//! later write conditional on the `updated_at` read.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::intel::item::{IntelItem, Source, Status};
use zian_domain::list::HARD_LIMIT;
use zian_domain::{IntelId, OrgId, OrgScope, UserId};

use crate::db::{Cols, Sql, date, i, json, odate, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait IntelStore: Send + Sync {
    /// Records (`previous` none) or replaces a piece; a replacement must
    /// find the row as read, else `Conflict("intel")`.
    async fn save(
        &self,
        scope: &OrgScope,
        x: &IntelItem,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Records several new pieces in one transaction (an import), with one
    /// audit entry.
    async fn insert_all(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        xs: &[IntelItem],
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get(&self, scope: &OrgScope, id: &IntelId) -> Result<Option<IntelItem>>;
    /// An organisation's pieces, the latest received first, at most
    /// [`HARD_LIMIT`].
    async fn items(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<IntelItem>>;
}

const COLS: &str = "x.id, x.org_id, x.title, x.source, x.sender, x.received_on, x.valid_until, x.status, x.body, x.created_by, x.created_at, x.updated_at";

fn corrupt(col: &str) -> impl Fn(zian_domain::DomainError) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{col}: {e}"))
}

fn item(r: &AnyRow) -> Result<IntelItem> {
    Ok(IntelItem {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        title: s(r, "title")?,
        source: Source::parse("source", &s(r, "source")?).map_err(corrupt("source"))?,
        sender: s(r, "sender")?,
        received_on: date(r, "received_on")?,
        valid_until: odate(r, "valid_until")?,
        status: Status::parse(&s(r, "status")?).map_err(corrupt("status"))?,
        body: json(r, "body")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn body(x: &IntelItem) -> Result<String> {
    serde_json::to_string(&x.body).map_err(|e| StoreError::Corrupt(format!("body: {e}")))
}

fn cols(x: &IntelItem) -> Result<Cols> {
    Ok(Cols::new()
        .set("title", x.title.as_str())
        .set("sender", x.sender.as_str())
        .set("valid_until", x.valid_until)
        .set("status", x.status.as_str())
        .set("body", body(x)?)
        .set("updated_at", x.updated_at))
}

/// The columns written only when a piece is recorded.
fn fixed(c: Cols, x: &IntelItem) -> Cols {
    c.set("id", &x.id)
        .set("org_id", &x.org_id)
        .set("source", x.source.as_str())
        .set("received_on", x.received_on)
        .set("created_by", x.created_by.as_ref())
        .set("created_at", x.created_at)
}

#[async_trait]
impl IntelStore for SqlStore {
    async fn save(
        &self,
        scope: &OrgScope,
        x: &IntelItem,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        tx.save_read(
            "intel_items",
            "intel",
            cols(x)?,
            (x.id.as_str(), x.org_id.as_str()),
            previous,
            |c| fixed(c, x),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_all(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        xs: &[IntelItem],
        audit: AuditEvent,
    ) -> Result<()> {
        let at = xs.iter().map(|x| x.updated_at).max().unwrap_or(0);
        let (mut tx, _) = AuditedTx::begin_in(self, scope, org, audit, at).await?;
        for x in xs {
            if &x.org_id != org {
                return Err(StoreError::Corrupt("intel: another organisation".into()));
            }
            tx.save_read(
                "intel_items",
                "intel",
                cols(x)?,
                (x.id.as_str(), x.org_id.as_str()),
                None,
                |c| fixed(c, x),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn get(&self, scope: &OrgScope, id: &IntelId) -> Result<Option<IntelItem>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM intel_items x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path").and(" AND x.id = ", id);
        q.fetch_optional(&self.pool, item).await
    }

    async fn items(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<IntelItem>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM intel_items x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path").and(" AND x.org_id = ", org);
        q.push(&format!(
            " ORDER BY x.received_on DESC, x.created_at DESC, x.id DESC LIMIT {HARD_LIMIT}"
        ));
        q.fetch_all(&self.pool, item).await
    }
}
