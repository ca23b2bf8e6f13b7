//! Evidence files: scoped reads, audited writes. The content stays out of
//! listings; it is read only for a download.

use serde::Serialize;
use sqlx::any::AnyRow;
use zian_domain::OrgScope;
use zian_domain::audit::AuditEvent;

use crate::audit::{append, begin};
use crate::compliance::org_in_scope;
use crate::db::{i, os, s, scope_sql};
use crate::{Result, SqlStore};

/// An evidence file's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRow {
    pub id: String,
    pub org_id: String,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: Option<String>,
    pub uploaded_at: i64,
}

const COLS: &str = "e.id, e.org_id, e.sha256, e.filename, e.content_type, e.size_bytes, e.uploaded_by, e.uploaded_at";

fn evidence(r: &AnyRow) -> Result<EvidenceRow> {
    Ok(EvidenceRow {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?,
        sha256: s(r, "sha256")?,
        filename: s(r, "filename")?,
        content_type: s(r, "content_type")?,
        size_bytes: i(r, "size_bytes")?,
        uploaded_by: os(r, "uploaded_by")?,
        uploaded_at: i(r, "uploaded_at")?,
    })
}

impl SqlStore {
    pub(crate) async fn insert_evidence_impl(
        &self,
        scope: &OrgScope,
        x: &EvidenceRow,
        content_base64: &str,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &x.org_id).await?;
        sqlx::query(
            "INSERT INTO evidence_files (id, org_id, sha256, filename, content_type, size_bytes, content, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(x.id.clone())
        .bind(x.org_id.clone())
        .bind(x.sha256.clone())
        .bind(x.filename.clone())
        .bind(x.content_type.clone())
        .bind(x.size_bytes)
        .bind(content_base64.to_string())
        .bind(x.uploaded_by.clone())
        .bind(x.uploaded_at)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, audit, x.uploaded_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Metadata and base64 content of a file in scope.
    pub(crate) async fn get_evidence_impl(
        &self,
        scope: &OrgScope,
        id: &str,
    ) -> Result<Option<(EvidenceRow, String)>> {
        let (cond, binds) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT {COLS}, e.content FROM evidence_files e JOIN orgs o ON o.id = e.org_id WHERE e.id = $1 AND {cond}"
        );
        let mut q = sqlx::query(&sql).bind(id.to_string());
        for b in binds {
            q = q.bind(b);
        }
        match q.fetch_optional(&self.pool).await? {
            Some(r) => Ok(Some((evidence(&r)?, s(&r, "content")?))),
            None => Ok(None),
        }
    }

    pub(crate) async fn list_evidence_impl(
        &self,
        scope: &OrgScope,
        org_id: &str,
    ) -> Result<Vec<EvidenceRow>> {
        let (cond, binds) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT {COLS} FROM evidence_files e JOIN orgs o ON o.id = e.org_id WHERE e.org_id = $1 AND {cond} ORDER BY e.uploaded_at DESC, e.id LIMIT 1000"
        );
        let mut q = sqlx::query(&sql).bind(org_id.to_string());
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(evidence)
            .collect()
    }
}
