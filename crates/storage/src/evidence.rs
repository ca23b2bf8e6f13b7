//! Evidence files. The content (bytes, `content_bytes`) stays out of
//! listings; it is read only for a download.

use async_trait::async_trait;
use data_encoding::BASE64;
use sqlx::Row;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::evidence::EvidenceFile;
use zian_domain::{EvidenceId, ListQuery, OrgId, OrgScope, Page, UserId};

use crate::db::{Cols, Sql, fetch_page, i, oi, order_by, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait EvidenceStore: Send + Sync {
    /// Stores a file of an organisation in scope.
    async fn insert(
        &self,
        scope: &OrgScope,
        e: &EvidenceFile,
        content: Vec<u8>,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Metadata and content of a file in scope.
    async fn get(
        &self,
        scope: &OrgScope,
        id: &EvidenceId,
    ) -> Result<Option<(EvidenceFile, Vec<u8>)>>;
    /// Metadata of an organisation's current files (neither replaced nor
    /// deleted), newest first (default); filter `q` (file name contains);
    /// sort `uploaded`, `filename`, `size`.
    async fn list(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        q: &ListQuery,
    ) -> Result<Page<EvidenceFile>>;
    /// Stores `new` as the next version of `old` (a current file of the
    /// same organisation, else `NotFound`; `Conflict("evidence_not_current")`
    /// when it was replaced or deleted meanwhile); `old` stays as history.
    async fn replace(
        &self,
        scope: &OrgScope,
        old: &EvidenceId,
        new: &EvidenceFile,
        content: Vec<u8>,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Marks a current file deleted (kept, with who, when and why).
    /// `Conflict("evidence_in_use")` while an obligation completion links it.
    async fn soft_delete(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        id: &EvidenceId,
        by: &UserId,
        reason: &str,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// The obligation completions (rule id, due date) that link a file.
    async fn proves(&self, scope: &OrgScope, id: &EvidenceId) -> Result<Vec<(String, String)>>;
}

const COLS: &str = "e.id, e.org_id, e.sha256, e.filename, e.content_type, e.size_bytes, e.uploaded_by, e.uploaded_at, e.replaces, e.replaced_by, e.deleted_at, e.deleted_by, e.delete_reason";

fn evidence(r: &AnyRow) -> Result<EvidenceFile> {
    Ok(EvidenceFile {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        sha256: s(r, "sha256")?,
        filename: s(r, "filename")?,
        content_type: s(r, "content_type")?,
        size_bytes: i(r, "size_bytes")?,
        uploaded_by: os(r, "uploaded_by")?.map(UserId::from),
        uploaded_at: i(r, "uploaded_at")?,
        replaces: os(r, "replaces")?.map(EvidenceId::from),
        replaced_by: os(r, "replaced_by")?.map(EvidenceId::from),
        deleted_at: oi(r, "deleted_at")?,
        deleted_by: os(r, "deleted_by")?.map(UserId::from),
        delete_reason: os(r, "delete_reason")?,
    })
}

#[async_trait]
impl EvidenceStore for SqlStore {
    async fn insert(
        &self,
        scope: &OrgScope,
        x: &EvidenceFile,
        content: Vec<u8>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.uploaded_at).await?;
        let cols = Cols::new()
            .set("id", &x.id)
            .set("org_id", &x.org_id)
            .set("sha256", x.sha256.as_str())
            .set("filename", x.filename.as_str())
            .set("content_type", x.content_type.as_str())
            .set("size_bytes", x.size_bytes)
            // the base64 column of migration 0005, no longer used
            .set("content", "")
            .set("content_bytes", content)
            .set("uploaded_by", x.uploaded_by.as_ref())
            .set("uploaded_at", x.uploaded_at);
        tx.insert(&cols.insert("evidence_files"), "evidence_file")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn replace(
        &self,
        scope: &OrgScope,
        old: &EvidenceId,
        x: &EvidenceFile,
        content: Vec<u8>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.uploaded_at).await?;
        let mut cur = Sql::new("SELECT id FROM evidence_files WHERE id = ");
        cur.bind(old).and(" AND org_id = ", &x.org_id);
        tx.require(&cur).await?;
        let mut upd = Sql::new("UPDATE evidence_files SET replaced_by = ");
        upd.bind(&x.id)
            .and(" WHERE id = ", old)
            .push(" AND replaced_by IS NULL AND deleted_at IS NULL");
        if tx.exec(&upd).await? != 1 {
            return Err(StoreError::Conflict("evidence_not_current"));
        }
        let cols = Cols::new()
            .set("id", &x.id)
            .set("org_id", &x.org_id)
            .set("sha256", x.sha256.as_str())
            .set("filename", x.filename.as_str())
            .set("content_type", x.content_type.as_str())
            .set("size_bytes", x.size_bytes)
            .set("content", "")
            .set("content_bytes", content)
            .set("uploaded_by", x.uploaded_by.as_ref())
            .set("uploaded_at", x.uploaded_at)
            .set("replaces", old);
        tx.insert(&cols.insert("evidence_files"), "evidence_file")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn soft_delete(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        id: &EvidenceId,
        by: &UserId,
        reason: &str,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, org, audit, now).await?;
        let mut cur = Sql::new("SELECT id FROM evidence_files WHERE id = ");
        cur.bind(id).and(" AND org_id = ", org);
        tx.require(&cur).await?;
        let mut used = Sql::new(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM obligation_completions WHERE evidence_link = ",
        );
        used.bind(format!("/evidence/{id}"));
        if i(&tx.require(&used).await?, "n")? > 0 {
            return Err(StoreError::Conflict("evidence_in_use"));
        }
        let mut upd = Sql::new("UPDATE evidence_files SET deleted_at = ");
        upd.bind(now)
            .and(", deleted_by = ", by)
            .and(", delete_reason = ", reason)
            .and(" WHERE id = ", id)
            .push(" AND replaced_by IS NULL AND deleted_at IS NULL");
        if tx.exec(&upd).await? != 1 {
            return Err(StoreError::Conflict("evidence_not_current"));
        }
        tx.commit().await?;
        Ok(())
    }

    async fn proves(&self, scope: &OrgScope, id: &EvidenceId) -> Result<Vec<(String, String)>> {
        let mut q = Sql::new(
            "SELECT c.rule_id, c.due_date FROM obligation_completions c JOIN orgs o ON o.id = c.org_id WHERE c.evidence_link = ",
        );
        q.bind(format!("/evidence/{id}"))
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY c.due_date, c.rule_id");
        q.fetch_all(&self.pool, |r| Ok((s(r, "rule_id")?, s(r, "due_date")?)))
            .await
    }

    async fn get(
        &self,
        scope: &OrgScope,
        id: &EvidenceId,
    ) -> Result<Option<(EvidenceFile, Vec<u8>)>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS}, e.content_bytes FROM evidence_files e JOIN orgs o ON o.id = e.org_id WHERE e.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, |r| {
            let bytes: Option<Vec<u8>> = r.try_get("content_bytes")?;
            let e = evidence(r)?;
            let bytes = bytes
                .ok_or_else(|| StoreError::Corrupt(format!("evidence {}: no content", e.id)))?;
            Ok((e, bytes))
        })
        .await
    }

    async fn list(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        q: &ListQuery,
    ) -> Result<Page<EvidenceFile>> {
        let mut w =
            Sql::new("FROM evidence_files e JOIN orgs o ON o.id = e.org_id WHERE e.org_id = ");
        w.bind(org).push(" AND ").scope(scope, "o.path");
        w.push(" AND e.replaced_by IS NULL AND e.deleted_at IS NULL");
        if let Some(t) = q.text() {
            w.search(&["e.filename"], t);
        }
        let order = match q.sort.as_deref() {
            None => "e.uploaded_at DESC, e.id".to_string(),
            Some(_) => order_by(
                q,
                &[
                    ("uploaded", "e.uploaded_at"),
                    ("filename", "e.filename"),
                    ("size", "e.size_bytes"),
                ],
                "e.id",
            ),
        };
        fetch_page(&self.pool, COLS, &w, &order, q, evidence).await
    }
}

impl SqlStore {
    /// Decodes the base64 content of files stored before migration 0010 into
    /// `content_bytes`, one file at a time (at most one file in memory), and
    /// empties `content`. Runs after the migrations and after a restore (a
    /// version-1 archive carries base64); nothing to do otherwise.
    pub(crate) async fn decode_base64_evidence(&self) -> Result<u64> {
        let ids: Vec<String> =
            sqlx::query("SELECT id FROM evidence_files WHERE content_bytes IS NULL")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>("id"))
                .collect::<std::result::Result<_, _>>()?;
        for id in &ids {
            let b64: String = sqlx::query("SELECT content FROM evidence_files WHERE id = $1")
                .bind(id)
                .fetch_one(&self.pool)
                .await?
                .try_get("content")?;
            let cleaned: Vec<u8> = b64.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
            let bytes = BASE64.decode(&cleaned).map_err(|e| {
                StoreError::Corrupt(format!("evidence {id}: content is not base64: {e}"))
            })?;
            sqlx::query(
                "UPDATE evidence_files SET content_bytes = $1, content = '' WHERE id = $2 AND content_bytes IS NULL",
            )
            .bind(bytes)
            .bind(id)
            .execute(&self.pool)
            .await?;
        }
        Ok(ids.len() as u64)
    }
}
