//! Vendors (`zian_domain::vendors`) and the records an organisation shares
//! with vendor accounts. Both scoped by the organisation that owns them; a
//! vendor reads its shares through `AuthStore::system_share_for_vendor`.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::list::HARD_LIMIT;
use zian_domain::user::{OrgShare, Share};
use zian_domain::vendors::Vendor;
use zian_domain::{ListQuery, OrgId, OrgScope, Page, ShareId, UserId, VendorId};

use crate::db::{Cols, Sql, fetch_page, i, json, order_by, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait VendorStore: Send + Sync {
    /// Records (`previous` none) or replaces a vendor of an organisation in
    /// scope; a replacement must find the row as it was read (`updated_at`
    /// of `previous`), else `Conflict("vendor")`. A second vendor of the
    /// same name in the organisation is `Conflict("vendor_name")`.
    async fn save_vendor(
        &self,
        scope: &OrgScope,
        v: &Vendor,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_vendor(&self, scope: &OrgScope, id: &VendorId) -> Result<Option<Vendor>>;
    /// The vendors of an organisation, paged (sort: `name`, `updated`).
    async fn vendors(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        q: &ListQuery,
    ) -> Result<Page<Vendor>>;
    /// Every vendor in scope, at most [`HARD_LIMIT`] (reminders).
    async fn all_vendors(&self, scope: &OrgScope) -> Result<Vec<Vendor>>;

    /// Shares a record of an organisation in scope with a vendor account.
    async fn create_share(
        &self,
        scope: &OrgScope,
        share: &Share,
        vendor: &UserId,
        created_by: &UserId,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Revokes an active share of an organisation in scope; false when
    /// there is none by that id.
    async fn revoke_share(
        &self,
        scope: &OrgScope,
        id: &ShareId,
        by: &UserId,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool>;
    /// The active shares of an organisation (or of one record), newest
    /// first, at most [`HARD_LIMIT`].
    async fn shares(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        record: Option<(&str, &str)>,
    ) -> Result<Vec<OrgShare>>;
    async fn get_share(&self, scope: &OrgScope, id: &ShareId) -> Result<Option<OrgShare>>;
}

const COLS: &str =
    "x.id, x.org_id, x.name, x.tax_id, x.body, x.created_by, x.created_at, x.updated_at";

fn vendor_row(r: &AnyRow) -> Result<Vendor> {
    Ok(Vendor {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        name: s(r, "name")?,
        tax_id: s(r, "tax_id")?,
        body: json(r, "body")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn scoped(scope: &OrgScope) -> Sql {
    let mut w = Sql::new("FROM vendors x JOIN orgs o ON o.id = x.org_id WHERE ");
    w.scope(scope, "o.path");
    w
}

const SHARE_COLS: &str = "SELECT sh.id, sh.org_id, sh.record_type, sh.record_id, sh.title, sh.created_at, sh.vendor_user_id, u.username, u.display_name, sh.created_by FROM shares sh JOIN orgs o ON o.id = sh.org_id JOIN users u ON u.id = sh.vendor_user_id WHERE sh.revoked_at IS NULL AND ";

fn share_row(r: &AnyRow) -> Result<OrgShare> {
    Ok(OrgShare {
        share: Share {
            id: s(r, "id")?,
            org_id: s(r, "org_id")?.into(),
            record_type: s(r, "record_type")?,
            record_id: s(r, "record_id")?,
            title: s(r, "title")?,
            created_at: i(r, "created_at")?,
        },
        vendor_user_id: s(r, "vendor_user_id")?.into(),
        vendor_username: s(r, "username")?,
        vendor_name: s(r, "display_name")?,
        created_by: os(r, "created_by")?.map(UserId::from),
    })
}

#[async_trait]
impl VendorStore for SqlStore {
    async fn save_vendor(
        &self,
        scope: &OrgScope,
        v: &Vendor,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &v.org_id, audit, v.updated_at).await?;
        let body = serde_json::to_string(&v.body)
            .map_err(|e| StoreError::Corrupt(format!("body: {e}")))?;
        let cols = Cols::new()
            .set("name", v.name.as_str())
            .set("tax_id", v.tax_id.as_str())
            .set("body", body)
            .set("updated_at", v.updated_at);
        match previous {
            None => {
                let q = cols
                    .set("id", &v.id)
                    .set("org_id", &v.org_id)
                    .set("created_by", v.created_by.as_ref())
                    .set("created_at", v.created_at)
                    .insert("vendors");
                tx.insert(&q, "vendor_name").await?;
            }
            Some(at) => {
                let mut q = cols.update("vendors");
                q.push("id = ")
                    .bind(&v.id)
                    .and(" AND org_id = ", &v.org_id)
                    .and(" AND updated_at = ", at);
                if tx.exec_unique(&q, "vendor_name").await? != 1 {
                    return Err(StoreError::Conflict("vendor"));
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn get_vendor(&self, scope: &OrgScope, id: &VendorId) -> Result<Option<Vendor>> {
        let mut q = scoped(scope);
        q.and(" AND x.id = ", id)
            .prepend(&format!("SELECT {COLS} "));
        q.fetch_optional(&self.pool, vendor_row).await
    }

    async fn vendors(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        q: &ListQuery,
    ) -> Result<Page<Vendor>> {
        let mut w = scoped(scope);
        w.and(" AND x.org_id = ", org_id);
        if let Some(t) = q.text() {
            w.search(&["x.name", "x.tax_id"], t);
        }
        let order = order_by(
            q,
            &[("name", "x.name"), ("updated", "x.updated_at")],
            "x.id",
        );
        let mut q = q.clone();
        q.limit = q.limit.min(HARD_LIMIT);
        fetch_page(&self.pool, COLS, &w, &order, &q, vendor_row).await
    }

    async fn all_vendors(&self, scope: &OrgScope) -> Result<Vec<Vendor>> {
        let mut q = scoped(scope);
        q.prepend(&format!("SELECT {COLS} "))
            .push(&format!(" ORDER BY x.name, x.id LIMIT {HARD_LIMIT}"));
        q.fetch_all(&self.pool, vendor_row).await
    }

    async fn create_share(
        &self,
        scope: &OrgScope,
        share: &Share,
        vendor: &UserId,
        created_by: &UserId,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) =
            AuditedTx::begin_in(self, scope, &share.org_id, audit, share.created_at).await?;
        let q = Cols::new()
            .set("id", share.id.as_str())
            .set("org_id", &share.org_id)
            .set("record_type", share.record_type.as_str())
            .set("record_id", share.record_id.as_str())
            .set("title", share.title.as_str())
            .set("vendor_user_id", vendor)
            .set("created_by", created_by)
            .set("created_at", share.created_at)
            .insert("shares");
        tx.insert(&q, "share").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn revoke_share(
        &self,
        scope: &OrgScope,
        id: &ShareId,
        by: &UserId,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool> {
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut q = Sql::new("UPDATE shares SET revoked_at = ");
        q.bind(now)
            .and(", revoked_by = ", by)
            .and(" WHERE revoked_at IS NULL AND id = ", id)
            .push(" AND org_id IN (SELECT o.id FROM orgs o WHERE ")
            .scope(scope, "o.path")
            .push(")");
        if tx.exec(&q).await? == 0 {
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn shares(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        record: Option<(&str, &str)>,
    ) -> Result<Vec<OrgShare>> {
        let mut q = Sql::new(SHARE_COLS);
        q.scope(scope, "o.path").and(" AND sh.org_id = ", org_id);
        if let Some((kind, id)) = record {
            q.and(" AND sh.record_type = ", kind)
                .and(" AND sh.record_id = ", id);
        }
        q.push(&format!(
            " ORDER BY sh.created_at DESC, sh.id LIMIT {HARD_LIMIT}"
        ));
        q.fetch_all(&self.pool, share_row).await
    }

    async fn get_share(&self, scope: &OrgScope, id: &ShareId) -> Result<Option<OrgShare>> {
        let mut q = Sql::new(SHARE_COLS);
        q.scope(scope, "o.path").and(" AND sh.id = ", id);
        q.fetch_optional(&self.pool, share_row).await
    }
}
