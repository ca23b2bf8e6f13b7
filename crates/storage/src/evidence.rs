//! Evidence files. The content stays out of listings; it is read only for a
//! download.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::evidence::EvidenceFile;
use zian_domain::{EvidenceId, ListQuery, OrgId, OrgScope, Page, UserId};

use crate::db::{Cols, Sql, fetch_page, i, order_by, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore};

#[async_trait]
pub trait EvidenceStore: Send + Sync {
    /// Stores a file of an organisation in scope (content as base64).
    async fn insert(
        &self,
        scope: &OrgScope,
        e: &EvidenceFile,
        content_base64: &str,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Metadata and base64 content of a file in scope.
    async fn get(
        &self,
        scope: &OrgScope,
        id: &EvidenceId,
    ) -> Result<Option<(EvidenceFile, String)>>;
    /// Metadata of an organisation's files, newest first (default);
    /// filter `q` (file name contains); sort `uploaded`, `filename`, `size`.
    async fn list(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        q: &ListQuery,
    ) -> Result<Page<EvidenceFile>>;
}

const COLS: &str = "e.id, e.org_id, e.sha256, e.filename, e.content_type, e.size_bytes, e.uploaded_by, e.uploaded_at";

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
    })
}

#[async_trait]
impl EvidenceStore for SqlStore {
    async fn insert(
        &self,
        scope: &OrgScope,
        x: &EvidenceFile,
        content_base64: &str,
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
            .set("content", content_base64)
            .set("uploaded_by", x.uploaded_by.as_ref())
            .set("uploaded_at", x.uploaded_at);
        tx.insert(&cols.insert("evidence_files"), "evidence_file")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get(
        &self,
        scope: &OrgScope,
        id: &EvidenceId,
    ) -> Result<Option<(EvidenceFile, String)>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS}, e.content FROM evidence_files e JOIN orgs o ON o.id = e.org_id WHERE e.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, |r| Ok((evidence(r)?, s(r, "content")?)))
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
