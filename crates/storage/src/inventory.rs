//! Software inventory imports: the uploaded file with its preview, the
//! register's hosts an import is planned against, and the commit (every
//! write of the plan, the import's record and one audit entry per host
//! touched, in one transaction).

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::assets::{Asset, InstalledSoftware};
use zian_domain::audit::AuditEvent;
use zian_domain::inventory::{ImportStatus, ImportWrites, InventoryImport};
use zian_domain::{ImportId, OrgId, OrgScope};

use crate::assets::{
    ASSET_COLS, SOFTWARE_COLS, asset_insert_cols, asset_row, software_insert_cols, software_row,
};
use crate::db::{Cols, Sql, i, json, oi, ojson, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

/// Previews older than this (seconds) are removed when the organisation
/// uploads again.
pub const PREVIEW_KEPT_SECONDS: i64 = 24 * 3600;

/// Rows per multi-row INSERT (10 columns each: well under both databases'
/// limits on bound values).
const BATCH: usize = 200;

#[async_trait]
pub trait InventoryStore: Send + Sync {
    /// Records an upload and its preview (and removes the organisation's
    /// previews left uncommitted for more than a day).
    async fn insert_import(
        &self,
        scope: &OrgScope,
        x: &InventoryImport,
        content: &[u8],
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_import(&self, scope: &OrgScope, id: &ImportId) -> Result<Option<InventoryImport>>;
    /// The uploaded bytes.
    async fn import_content(&self, scope: &OrgScope, id: &ImportId) -> Result<Option<Vec<u8>>>;
    /// An organisation's imports, newest first (at most `limit`).
    async fn imports(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        limit: i64,
    ) -> Result<Vec<InventoryImport>>;
    /// The organisation's assets with a host name that are not disposed,
    /// each with its installed software.
    async fn hosts(
        &self,
        scope: &OrgScope,
        org: &OrgId,
    ) -> Result<Vec<(Asset, Vec<InstalledSoftware>)>>;
    /// Applies an import: `writes`, the import marked committed (`x`),
    /// `per_host` audit entries and `audit` — all or nothing. Refused with
    /// `Conflict("import_committed")` when the import was committed
    /// meanwhile.
    async fn commit_import(
        &self,
        scope: &OrgScope,
        x: &InventoryImport,
        writes: &ImportWrites,
        per_host: Vec<AuditEvent>,
        audit: AuditEvent,
    ) -> Result<()>;
}

const IMPORT_COLS: &str = "m.id, m.org_id, m.created_by, m.file_name, m.sha256, m.size, m.default_host, m.format, m.encoding, m.summary, m.status, m.created_at, m.committed_at, m.committed_by, m.result";

fn import_row(r: &AnyRow) -> Result<InventoryImport> {
    Ok(InventoryImport {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        created_by: os(r, "created_by")?.map(Into::into),
        file_name: s(r, "file_name")?,
        sha256: s(r, "sha256")?,
        size: i(r, "size")?,
        default_host: s(r, "default_host")?,
        format: s(r, "format")?,
        encoding: s(r, "encoding")?,
        summary: json(r, "summary")?,
        status: ImportStatus::parse(&s(r, "status")?)?,
        created_at: i(r, "created_at")?,
        committed_at: oi(r, "committed_at")?,
        committed_by: os(r, "committed_by")?.map(Into::into),
        result: ojson(r, "result")?,
    })
}

/// `INSERT INTO table (…) VALUES (…), (…) …` in batches of [`BATCH`] rows
/// (every row with the same columns).
fn insert_batches(table: &str, rows: Vec<Cols>) -> Vec<Sql> {
    let mut out = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        out.extend(Cols::insert_many(
            rows.by_ref().take(BATCH).collect(),
            table,
        ));
    }
    out
}

#[async_trait]
impl InventoryStore for SqlStore {
    async fn insert_import(
        &self,
        scope: &OrgScope,
        x: &InventoryImport,
        content: &[u8],
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.created_at).await?;
        let mut old = Sql::new("DELETE FROM inventory_imports WHERE org_id = ");
        old.bind(&x.org_id)
            .push(" AND status = 'previewed' AND created_at < ")
            .bind(x.created_at - PREVIEW_KEPT_SECONDS);
        tx.exec(&old).await?;
        let cols = Cols::new()
            .set("id", &x.id)
            .set("org_id", &x.org_id)
            .set("created_by", x.created_by.as_ref())
            .set("file_name", x.file_name.as_str())
            .set("sha256", x.sha256.as_str())
            .set("size", x.size)
            .set("default_host", x.default_host.as_str())
            .set("content", content.to_vec())
            .set("format", x.format.as_str())
            .set("encoding", x.encoding.as_str())
            .set("summary", x.summary.to_string())
            .set("status", x.status.as_str())
            .set("created_at", x.created_at);
        tx.insert(&cols.insert("inventory_imports"), "import")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_import(&self, scope: &OrgScope, id: &ImportId) -> Result<Option<InventoryImport>> {
        let mut q = Sql::new(format!(
            "SELECT {IMPORT_COLS} FROM inventory_imports m JOIN orgs o ON o.id = m.org_id WHERE m.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, import_row).await
    }

    async fn import_content(&self, scope: &OrgScope, id: &ImportId) -> Result<Option<Vec<u8>>> {
        let mut q = Sql::new(
            "SELECT m.content FROM inventory_imports m JOIN orgs o ON o.id = m.org_id WHERE m.id = ",
        );
        q.bind(id).push(" AND ").scope(scope, "o.path");
        match q.query().fetch_optional(&self.pool).await? {
            None => Ok(None),
            Some(r) => Ok(Some(sqlx::Row::try_get::<Vec<u8>, _>(&r, "content")?)),
        }
    }

    async fn imports(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        limit: i64,
    ) -> Result<Vec<InventoryImport>> {
        let mut q = Sql::new(format!(
            "SELECT {IMPORT_COLS} FROM inventory_imports m JOIN orgs o ON o.id = m.org_id WHERE m.org_id = "
        ));
        q.bind(org)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(&format!(
                " ORDER BY m.created_at DESC, m.id DESC LIMIT {}",
                limit.clamp(1, 1000)
            ));
        q.fetch_all(&self.pool, import_row).await
    }

    async fn hosts(
        &self,
        scope: &OrgScope,
        org: &OrgId,
    ) -> Result<Vec<(Asset, Vec<InstalledSoftware>)>> {
        let mut q = Sql::new(format!(
            "SELECT {ASSET_COLS} FROM assets x JOIN orgs o ON o.id = x.org_id WHERE x.org_id = "
        ));
        q.bind(org)
            .push(" AND x.hostname <> '' AND x.status <> 'disposed' AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY x.id");
        let assets = q.fetch_all(&self.pool, asset_row).await?;
        let mut q = Sql::new(format!(
            "SELECT {SOFTWARE_COLS} FROM asset_software w JOIN assets x ON x.id = w.asset_id JOIN orgs o ON o.id = w.org_id WHERE w.org_id = "
        ));
        q.bind(org)
            .push(" AND x.hostname <> '' AND x.status <> 'disposed' AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY w.asset_id, w.name, w.version, w.id");
        let software = q.fetch_all(&self.pool, software_row).await?;
        let mut by_asset: std::collections::HashMap<String, Vec<InstalledSoftware>> =
            std::collections::HashMap::new();
        for w in software {
            by_asset.entry(w.asset_id.to_string()).or_default().push(w);
        }
        Ok(assets
            .into_iter()
            .map(|a| {
                let sw = by_asset.remove(a.id.as_str()).unwrap_or_default();
                (a, sw)
            })
            .collect())
    }

    async fn commit_import(
        &self,
        scope: &OrgScope,
        x: &InventoryImport,
        writes: &ImportWrites,
        per_host: Vec<AuditEvent>,
        audit: AuditEvent,
    ) -> Result<()> {
        let now = writes.at;
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, now).await?;
        // the import, still a preview: claimed first, so two commits of one
        // upload cannot both apply it
        let mut claim = Cols::new()
            .set("status", ImportStatus::Committed.as_str())
            .set("committed_at", x.committed_at)
            .set("committed_by", x.committed_by.as_ref())
            .set("result", x.result.as_ref().map(|r| r.to_string()))
            .update("inventory_imports");
        claim
            .push("id = ")
            .bind(&x.id)
            .and(" AND org_id = ", &x.org_id)
            .push(" AND status = 'previewed'");
        if tx.exec(&claim).await? != 1 {
            return Err(StoreError::Conflict("import_committed"));
        }
        let org = &x.org_id;
        let assets: Vec<Cols> = writes
            .new_assets
            .iter()
            .filter(|a| a.org_id == *org)
            .map(asset_insert_cols)
            .collect();
        for q in insert_batches("assets", assets) {
            tx.insert(&q, "asset").await?;
        }
        // deletions before insertions, updates in between
        let ids: Vec<String> = writes
            .delete
            .iter()
            .filter(|w| w.org_id == *org)
            .map(|w| w.id.clone())
            .collect();
        for chunk in ids.chunks(500) {
            let mut q = Sql::new("DELETE FROM asset_software WHERE org_id = ");
            q.bind(org).push(" AND id IN (");
            for (n, id) in chunk.iter().enumerate() {
                if n > 0 {
                    q.push(", ");
                }
                q.bind(id);
            }
            q.push(")");
            tx.exec(&q).await?;
        }
        for w in writes.update.iter().filter(|w| w.org_id == *org) {
            let mut q = Cols::new()
                .set("name", &w.name)
                .set("version", &w.version)
                .set("publisher", &w.publisher)
                .set("cpe23", w.cpe23.as_deref())
                .set("source", &w.source)
                .set("updated_at", w.updated_at)
                .update("asset_software");
            q.push("id = ")
                .bind(w.id.as_str())
                .and(" AND asset_id = ", &w.asset_id)
                .and(" AND org_id = ", org);
            tx.exec_one(&q).await?;
        }
        let software: Vec<Cols> = writes
            .insert
            .iter()
            .filter(|w| w.org_id == *org)
            .map(software_insert_cols)
            .collect();
        for q in insert_batches("asset_software", software) {
            // an asset of another organisation fails the foreign key or
            // the check below
            tx.insert(&q, "software").await?;
        }
        // every inserted row's asset belongs to the organisation
        let mut stray = Sql::new(
            "SELECT COUNT(*) AS n FROM asset_software w JOIN assets x ON x.id = w.asset_id WHERE w.org_id = ",
        );
        stray.bind(org).push(" AND x.org_id <> w.org_id");
        if i(&tx.require(&stray).await?, "n")? != 0 {
            return Err(StoreError::NotFound);
        }
        for (asset, kbs) in &writes.kbs {
            let mut q = Cols::new()
                .set("kbs", kbs.as_str())
                .set("updated_at", now)
                .update("assets");
            q.push("id = ").bind(asset).and(" AND org_id = ", org);
            tx.exec_one(&q).await?;
        }
        for e in per_host {
            tx.also(e).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
