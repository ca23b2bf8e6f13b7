//! The asset register and the software installed on assets.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::assets::{
    Asset, AssetCategory, AssetStatus, CpeMapping, InstalledSoftware, UnmappedSoftware,
};
use zian_domain::audit::AuditEvent;
use zian_domain::{AssetId, ListQuery, Memo, OrgId, OrgScope, Page, Text};

use crate::db::{Cols, Sql, b, fetch_page, i, odate, order_by, os, s};
use crate::systems::system_of_org;
use crate::tx::AuditedTx;
use crate::{Result, SqlStore};

#[async_trait]
pub trait AssetStore: Send + Sync {
    /// Registers an asset of an organisation in scope (its system, when
    /// given, must belong to the same organisation).
    async fn insert(&self, scope: &OrgScope, x: &Asset, audit: AuditEvent) -> Result<()>;
    async fn get(&self, scope: &OrgScope, id: &AssetId) -> Result<Option<Asset>>;
    /// One organisation's assets, paged. Filters: `q` (name, owner,
    /// custodian, users, location, property number, brand, model, host
    /// name, IP, MAC, labels contain), `category`, `status` (default: every
    /// status but `disposed`; `all` for every one), `system` (an id, or
    /// `none`), `core` (`1`: core assets only), `host` (`1`: assets with a
    /// host name, IP or MAC); sort: `name` (default), `category`,
    /// `location`, `property_no`, `status`, `updated`.
    async fn list(&self, scope: &OrgScope, org: &OrgId, q: &ListQuery) -> Result<Page<Asset>>;
    /// Saves every field of an asset (the system check as for insert).
    async fn update(&self, scope: &OrgScope, x: &Asset, audit: AuditEvent) -> Result<()>;
    /// Software installed on an asset, by name.
    async fn software(&self, scope: &OrgScope, asset: &AssetId) -> Result<Vec<InstalledSoftware>>;
    /// Adds a piece of software to an asset of the same organisation.
    async fn insert_software(
        &self,
        scope: &OrgScope,
        x: &InstalledSoftware,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Saves a piece of software's name, version, publisher and CPE name,
    /// and remembers `mapping` (a person's confirmation) in the same
    /// transaction.
    async fn update_software(
        &self,
        scope: &OrgScope,
        x: &InstalledSoftware,
        mapping: Option<&CpeMapping>,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Gives every unmapped installation of `(name, version, publisher)` in
    /// the organisation the CPE name `cpe23`, remembers `mapping`; the
    /// number of installations changed.
    async fn map_unmapped(
        &self,
        scope: &OrgScope,
        group: &UnmappedSoftware,
        cpe23: &str,
        mapping: &CpeMapping,
        audit: AuditEvent,
    ) -> Result<u64>;
    /// An organisation's installed software without a CPE name, grouped by
    /// name, version and publisher, most installations first (at most
    /// `limit` groups).
    async fn unmapped(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        limit: i64,
    ) -> Result<Vec<UnmappedSoftware>>;
    /// Installed software with a CPE name on an organisation's assets in
    /// service, by asset, at most `limit` rows.
    async fn mapped_software(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        limit: i64,
    ) -> Result<Vec<InstalledSoftware>>;
    /// An organisation's confirmed mappings.
    async fn mappings(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<CpeMapping>>;
    /// Removes a piece of software from its asset.
    async fn delete_software(
        &self,
        scope: &OrgScope,
        x: &InstalledSoftware,
        audit: AuditEvent,
    ) -> Result<()>;
}

pub(crate) const ASSET_COLS: &str = "x.id, x.org_id, x.system_id, x.name, x.category, x.owner, x.custodian, x.users, x.location, x.property_no, x.brand, x.model, x.quantity, x.core, x.exposed, x.status, x.disposed_on, x.disposal_method, x.labels, x.hostname, x.ip, x.mac, x.os, x.kbs, x.notes, x.created_at, x.updated_at";

pub(crate) fn asset_row(r: &AnyRow) -> Result<Asset> {
    Ok(Asset {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        system_id: os(r, "system_id")?.map(Into::into),
        name: Text::stored(s(r, "name")?),
        category: AssetCategory::parse(&s(r, "category")?)?,
        owner: Text::stored(s(r, "owner")?),
        custodian: Memo::stored(s(r, "custodian")?),
        users: Memo::stored(s(r, "users")?),
        location: Memo::stored(s(r, "location")?),
        property_no: Memo::stored(s(r, "property_no")?),
        brand: Memo::stored(s(r, "brand")?),
        model: Memo::stored(s(r, "model")?),
        quantity: i(r, "quantity")?,
        core: b(r, "core")?,
        exposed: b(r, "exposed")?,
        status: AssetStatus::parse(&s(r, "status")?)?,
        disposed_on: odate(r, "disposed_on")?,
        disposal_method: Memo::stored(s(r, "disposal_method")?),
        labels: Memo::stored(s(r, "labels")?),
        hostname: Memo::stored(s(r, "hostname")?),
        ip: Memo::stored(s(r, "ip")?),
        mac: Memo::stored(s(r, "mac")?),
        os: Memo::stored(s(r, "os")?),
        kbs: Memo::stored(s(r, "kbs")?),
        notes: Memo::stored(s(r, "notes")?),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

pub(crate) const SOFTWARE_COLS: &str = "w.id, w.asset_id, w.org_id, w.name, w.version, w.publisher, w.cpe23, w.source, w.created_at, w.updated_at";

pub(crate) fn software_row(r: &AnyRow) -> Result<InstalledSoftware> {
    Ok(InstalledSoftware {
        id: s(r, "id")?,
        asset_id: s(r, "asset_id")?.into(),
        org_id: s(r, "org_id")?.into(),
        name: Text::stored(s(r, "name")?),
        version: Memo::stored(s(r, "version")?),
        publisher: Memo::stored(s(r, "publisher")?),
        cpe23: os(r, "cpe23")?,
        source: Text::stored(s(r, "source")?),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn asset_cols(x: &Asset) -> Cols {
    Cols::new()
        .set("system_id", x.system_id.as_ref())
        .set("name", &x.name)
        .set("category", x.category.as_str())
        .set("owner", &x.owner)
        .set("custodian", &x.custodian)
        .set("users", &x.users)
        .set("location", &x.location)
        .set("property_no", &x.property_no)
        .set("brand", &x.brand)
        .set("model", &x.model)
        .set("quantity", x.quantity)
        .set("core", x.core)
        .set("exposed", x.exposed)
        .set("status", x.status.as_str())
        .set("disposed_on", x.disposed_on)
        .set("disposal_method", &x.disposal_method)
        .set("labels", &x.labels)
        .set("hostname", &x.hostname)
        .set("ip", &x.ip)
        .set("mac", &x.mac)
        .set("os", &x.os)
        .set("kbs", &x.kbs)
        .set("notes", &x.notes)
        .set("updated_at", x.updated_at)
}

/// Every column of a new asset.
pub(crate) fn asset_insert_cols(x: &Asset) -> Cols {
    asset_cols(x)
        .set("id", &x.id)
        .set("org_id", &x.org_id)
        .set("created_at", x.created_at)
}

/// Every column of a new piece of installed software.
pub(crate) fn software_insert_cols(x: &InstalledSoftware) -> Cols {
    Cols::new()
        .set("id", x.id.as_str())
        .set("asset_id", &x.asset_id)
        .set("org_id", &x.org_id)
        .set("name", &x.name)
        .set("version", &x.version)
        .set("publisher", &x.publisher)
        .set("cpe23", x.cpe23.as_deref())
        .set("source", &x.source)
        .set("created_at", x.created_at)
        .set("updated_at", x.updated_at)
}

const UPSERT_MAPPING: &str = " ON CONFLICT (org_id, name_key) DO UPDATE SET vendor = excluded.vendor, product = excluded.product, confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at";

fn mapping_sql(m: &CpeMapping) -> Sql {
    let mut q = Cols::new()
        .set("org_id", &m.org_id)
        .set("name_key", m.name_key.as_str())
        .set("vendor", m.vendor.as_str())
        .set("product", m.product.as_str())
        .set("confirmed_by", m.confirmed_by.as_ref())
        .set("confirmed_at", m.confirmed_at)
        .insert("cpe_mappings");
    q.push(UPSERT_MAPPING);
    q
}

/// Finds the asset when it belongs to the organisation.
fn asset_of_org(asset: &AssetId, org: &OrgId) -> Sql {
    let mut q = Sql::new("SELECT id FROM assets WHERE id = ");
    q.bind(asset).and(" AND org_id = ", org);
    q
}

#[async_trait]
impl AssetStore for SqlStore {
    async fn insert(&self, scope: &OrgScope, x: &Asset, audit: AuditEvent) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.created_at).await?;
        if let Some(sys) = &x.system_id {
            tx.require(&system_of_org(sys, &x.org_id)).await?;
        }
        tx.insert(&asset_insert_cols(x).insert("assets"), "asset")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get(&self, scope: &OrgScope, id: &AssetId) -> Result<Option<Asset>> {
        let mut q = Sql::new(format!(
            "SELECT {ASSET_COLS} FROM assets x JOIN orgs o ON o.id = x.org_id WHERE x.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, asset_row).await
    }

    async fn list(&self, scope: &OrgScope, org: &OrgId, q: &ListQuery) -> Result<Page<Asset>> {
        let mut w = Sql::new("FROM assets x JOIN orgs o ON o.id = x.org_id WHERE x.org_id = ");
        w.bind(org).push(" AND ").scope(scope, "o.path");
        if let Some(t) = q.text() {
            w.search(
                &[
                    "x.name",
                    "x.owner",
                    "x.custodian",
                    "x.users",
                    "x.location",
                    "x.property_no",
                    "x.brand",
                    "x.model",
                    "x.hostname",
                    "x.ip",
                    "x.mac",
                    "x.labels",
                ],
                t,
            );
        }
        if let Some(c) = q.filter_value("category") {
            w.and(" AND x.category = ", c);
        }
        match q.filter_value("status") {
            Some("all") => {}
            Some(st) => {
                w.and(" AND x.status = ", st);
            }
            None => {
                w.push(" AND x.status <> 'disposed'");
            }
        }
        match q.filter_value("system") {
            Some("none") => {
                w.push(" AND x.system_id IS NULL");
            }
            Some(sys) => {
                w.and(" AND x.system_id = ", sys);
            }
            None => {}
        }
        if matches!(q.filter_value("core"), Some("1") | Some("true")) {
            w.push(" AND x.core = 1");
        }
        if matches!(q.filter_value("exposed"), Some("1") | Some("true")) {
            w.push(" AND x.exposed = 1");
        }
        if matches!(q.filter_value("host"), Some("1") | Some("true")) {
            w.push(" AND (x.hostname <> '' OR x.ip <> '' OR x.mac <> '')");
        }
        let order = order_by(
            q,
            &[
                ("name", "x.name"),
                ("category", "x.category"),
                ("location", "x.location"),
                ("property_no", "x.property_no"),
                ("status", "x.status"),
                ("updated", "x.updated_at"),
            ],
            "x.id",
        );
        fetch_page(&self.pool, ASSET_COLS, &w, &order, q, asset_row).await
    }

    async fn update(&self, scope: &OrgScope, x: &Asset, audit: AuditEvent) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        if let Some(sys) = &x.system_id {
            tx.require(&system_of_org(sys, &x.org_id)).await?;
        }
        let mut q = asset_cols(x).update("assets");
        q.push("id = ").bind(&x.id).and(" AND org_id = ", &x.org_id);
        tx.exec_one(&q).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn software(&self, scope: &OrgScope, asset: &AssetId) -> Result<Vec<InstalledSoftware>> {
        let mut q = Sql::new(format!(
            "SELECT {SOFTWARE_COLS} FROM asset_software w JOIN orgs o ON o.id = w.org_id WHERE w.asset_id = "
        ));
        q.bind(asset)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY w.name, w.version, w.id");
        q.fetch_all(&self.pool, software_row).await
    }

    async fn insert_software(
        &self,
        scope: &OrgScope,
        x: &InstalledSoftware,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.created_at).await?;
        tx.require(&asset_of_org(&x.asset_id, &x.org_id)).await?;
        tx.insert(
            &software_insert_cols(x).insert("asset_software"),
            "software",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_software(
        &self,
        scope: &OrgScope,
        x: &InstalledSoftware,
        mapping: Option<&CpeMapping>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        if let Some(m) = mapping.filter(|m| m.org_id == x.org_id) {
            tx.exec(&mapping_sql(m)).await?;
        }
        let mut q = Cols::new()
            .set("name", &x.name)
            .set("version", &x.version)
            .set("publisher", &x.publisher)
            .set("cpe23", x.cpe23.as_deref())
            .set("updated_at", x.updated_at)
            .update("asset_software");
        q.push("id = ")
            .bind(x.id.as_str())
            .and(" AND asset_id = ", &x.asset_id)
            .and(" AND org_id = ", &x.org_id);
        tx.exec_one(&q).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_software(
        &self,
        scope: &OrgScope,
        x: &InstalledSoftware,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let mut q = Sql::new("DELETE FROM asset_software WHERE id = ");
        q.bind(x.id.as_str())
            .and(" AND asset_id = ", &x.asset_id)
            .and(" AND org_id = ", &x.org_id);
        tx.exec_one(&q).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn map_unmapped(
        &self,
        scope: &OrgScope,
        group: &UnmappedSoftware,
        cpe23: &str,
        mapping: &CpeMapping,
        audit: AuditEvent,
    ) -> Result<u64> {
        let now = mapping.confirmed_at;
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &mapping.org_id, audit, now).await?;
        tx.exec(&mapping_sql(mapping)).await?;
        let mut q = Cols::new()
            .set("cpe23", cpe23)
            .set("updated_at", now)
            .update("asset_software");
        q.push("org_id = ")
            .bind(&mapping.org_id)
            .and(" AND name = ", group.name.as_str())
            .and(" AND version = ", group.version.as_str())
            .and(" AND publisher = ", group.publisher.as_str())
            .push(" AND cpe23 IS NULL");
        let n = tx.exec(&q).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn unmapped(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        limit: i64,
    ) -> Result<Vec<UnmappedSoftware>> {
        let mut q = Sql::new(
            "SELECT w.name, w.version, w.publisher, COUNT(*) AS n, COUNT(DISTINCT w.asset_id) AS a FROM asset_software w JOIN orgs o ON o.id = w.org_id WHERE w.org_id = ",
        );
        q.bind(org)
            .push(" AND w.cpe23 IS NULL AND ")
            .scope(scope, "o.path")
            .push(&format!(
                " GROUP BY w.name, w.version, w.publisher ORDER BY n DESC, w.name, w.version, w.publisher LIMIT {}",
                limit.clamp(1, 10_000)
            ));
        q.fetch_all(&self.pool, |r| {
            Ok(UnmappedSoftware {
                name: s(r, "name")?,
                version: s(r, "version")?,
                publisher: s(r, "publisher")?,
                count: i(r, "n")?,
                assets: i(r, "a")?,
            })
        })
        .await
    }

    async fn mapped_software(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        limit: i64,
    ) -> Result<Vec<InstalledSoftware>> {
        let mut q = Sql::new(format!(
            "SELECT {SOFTWARE_COLS} FROM asset_software w JOIN assets x ON x.id = w.asset_id JOIN orgs o ON o.id = w.org_id WHERE w.org_id = "
        ));
        q.bind(org)
            .push(" AND w.cpe23 IS NOT NULL AND x.status = 'in_service' AND ")
            .scope(scope, "o.path")
            .push(&format!(
                " ORDER BY w.asset_id, w.cpe23, w.id LIMIT {}",
                limit.clamp(1, 1_000_000)
            ));
        q.fetch_all(&self.pool, software_row).await
    }

    async fn mappings(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<CpeMapping>> {
        let mut q = Sql::new(
            "SELECT m.org_id, m.name_key, m.vendor, m.product, m.confirmed_by, m.confirmed_at FROM cpe_mappings m JOIN orgs o ON o.id = m.org_id WHERE m.org_id = ",
        );
        q.bind(org)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY m.name_key");
        q.fetch_all(&self.pool, |r| {
            Ok(CpeMapping {
                org_id: s(r, "org_id")?.into(),
                name_key: s(r, "name_key")?,
                vendor: s(r, "vendor")?,
                product: s(r, "product")?,
                confirmed_by: os(r, "confirmed_by")?.map(Into::into),
                confirmed_at: i(r, "confirmed_at")?,
            })
        })
        .await
    }
}
