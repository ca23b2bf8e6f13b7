//! Management reviews (`zian_domain::management_review`): a row plus the
//! JSON body (agenda facts, minutes, decisions), scoped by the
//! organisation, every later write conditional on the `updated_at` read.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::list::HARD_LIMIT;
use zian_domain::management_review::ManagementReview;
use zian_domain::{ManagementReviewId, OrgId, OrgScope, UserId};

use crate::db::{Cols, Sql, date, i, json, odate, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait ManagementReviewStore: Send + Sync {
    /// Records (`previous` none) or replaces a review; a replacement must
    /// find the row as read, else `Conflict("management_review")`.
    async fn save_review(
        &self,
        scope: &OrgScope,
        r: &ManagementReview,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_review(
        &self,
        scope: &OrgScope,
        id: &ManagementReviewId,
    ) -> Result<Option<ManagementReview>>;
    /// The reviews of an organisation (or every one in scope), latest
    /// meeting first, at most [`HARD_LIMIT`].
    async fn reviews(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
    ) -> Result<Vec<ManagementReview>>;
}

const COLS: &str = "x.id, x.org_id, x.title, x.scheduled_on, x.held_on, x.body, x.created_by, x.created_at, x.updated_at";

fn row(r: &AnyRow) -> Result<ManagementReview> {
    Ok(ManagementReview {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        title: s(r, "title")?,
        scheduled_on: date(r, "scheduled_on")?,
        held_on: odate(r, "held_on")?,
        body: json(r, "body")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

#[async_trait]
impl ManagementReviewStore for SqlStore {
    async fn save_review(
        &self,
        scope: &OrgScope,
        x: &ManagementReview,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let body = serde_json::to_string(&x.body)
            .map_err(|e| StoreError::Corrupt(format!("body: {e}")))?;
        let cols = Cols::new()
            .set("title", x.title.as_str())
            .set("scheduled_on", x.scheduled_on)
            .set("held_on", x.held_on)
            .set("body", body)
            .set("updated_at", x.updated_at);
        tx.save_read(
            "management_reviews",
            "management_review",
            cols,
            (x.id.as_str(), x.org_id.as_str()),
            previous,
            |c| {
                c.set("id", &x.id)
                    .set("org_id", &x.org_id)
                    .set("created_by", x.created_by.as_ref())
                    .set("created_at", x.created_at)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_review(
        &self,
        scope: &OrgScope,
        id: &ManagementReviewId,
    ) -> Result<Option<ManagementReview>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM management_reviews x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path").and(" AND x.id = ", id);
        q.fetch_optional(&self.pool, row).await
    }

    async fn reviews(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
    ) -> Result<Vec<ManagementReview>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM management_reviews x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path");
        if let Some(o) = org_id {
            q.and(" AND x.org_id = ", o);
        }
        q.push(&format!(
            " ORDER BY x.scheduled_on DESC, x.id DESC LIMIT {HARD_LIMIT}"
        ));
        q.fetch_all(&self.pool, row).await
    }
}
