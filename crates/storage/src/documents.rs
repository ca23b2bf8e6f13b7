//! An organisation's document settings (`zian_domain::documents`).

use async_trait::async_trait;
use sqlx::Row;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::documents::{DocumentFile, DocumentLogo, DocumentSettings};
use zian_domain::text::Memo;
use zian_domain::{OrgId, OrgScope, UserId};

use crate::db::{Cols, Sql, i, ojson, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// The settings of an organisation in scope, the general ones (report
    /// `""`) first.
    async fn document_settings(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
    ) -> Result<Vec<DocumentSettings>>;
    /// Keeps `x` in place of the organisation's settings of the same report.
    async fn save_document_settings(
        &self,
        scope: &OrgScope,
        x: &DocumentSettings,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Forgets the settings of one report (the form's defaults again);
    /// `NotFound` when there were none.
    async fn remove_document_settings(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        report: &str,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// The logo of an organisation in scope, with its PNG.
    async fn document_logo(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
    ) -> Result<Option<(DocumentLogo, Vec<u8>)>>;
    /// Keeps `logo` (its PNG `png`) in place of the organisation's.
    async fn save_document_logo(
        &self,
        scope: &OrgScope,
        logo: &DocumentLogo,
        png: Vec<u8>,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Forgets the organisation's logo; `NotFound` when it had none.
    async fn remove_document_logo(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// Keeps a document produced in the background, forgetting those made
    /// before `forget_before` (unix seconds).
    async fn save_document_file(
        &self,
        file: &DocumentFile,
        content: Vec<u8>,
        forget_before: i64,
    ) -> Result<()>;
    /// A document produced in the background, of an organisation in scope,
    /// with its content when `content`.
    async fn document_file(
        &self,
        scope: &OrgScope,
        id: &str,
        content: bool,
    ) -> Result<Option<(DocumentFile, Vec<u8>)>>;
}

const FILE_COLS: &str = "f.id, f.org_id, f.report, f.format, f.file_name, f.content_type, f.sha256, f.size, f.requested_by, f.created_at";

fn file(r: &AnyRow) -> Result<DocumentFile> {
    Ok(DocumentFile {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?.into(),
        report: s(r, "report")?,
        format: s(r, "format")?,
        file_name: s(r, "file_name")?,
        content_type: s(r, "content_type")?,
        sha256: s(r, "sha256")?,
        size: i(r, "size")?,
        requested_by: os(r, "requested_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
    })
}

const COLS: &str = "x.org_id, x.report, x.classification, x.signatures, x.title, x.preface, x.extra_fields, x.updated_by, x.updated_at";

fn settings(r: &AnyRow) -> Result<DocumentSettings> {
    Ok(DocumentSettings {
        org_id: s(r, "org_id")?.into(),
        report: s(r, "report")?,
        classification: Memo::stored(s(r, "classification")?),
        signatures: ojson(r, "signatures")?,
        title: Memo::stored(s(r, "title")?),
        preface: Memo::stored(s(r, "preface")?),
        extra_fields: ojson(r, "extra_fields")?.unwrap_or_default(),
        updated_by: os(r, "updated_by")?.map(UserId::from),
        updated_at: i(r, "updated_at")?,
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn delete(org_id: &OrgId, report: &str) -> Sql {
    let mut q = Sql::new("DELETE FROM document_settings WHERE org_id = ");
    q.bind(org_id).and(" AND report = ", report);
    q
}

#[async_trait]
impl DocumentStore for SqlStore {
    async fn document_settings(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
    ) -> Result<Vec<DocumentSettings>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM document_settings x JOIN orgs o ON o.id = x.org_id WHERE x.org_id = "
        ));
        q.bind(org_id)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY x.report");
        q.fetch_all(&self.pool, settings).await
    }

    async fn save_document_settings(
        &self,
        scope: &OrgScope,
        x: &DocumentSettings,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        tx.exec(&delete(&x.org_id, &x.report)).await?;
        let signatures = match &x.signatures {
            Some(v) => Some(to_json(v)?),
            None => None,
        };
        let q = Cols::new()
            .set("org_id", &x.org_id)
            .set("report", x.report.as_str())
            .set("classification", x.classification.as_str())
            .set("signatures", signatures)
            .set("title", x.title.as_str())
            .set("preface", x.preface.as_str())
            .set("extra_fields", to_json(&x.extra_fields)?)
            .set("updated_by", x.updated_by.as_ref())
            .set("updated_at", x.updated_at)
            .insert("document_settings");
        tx.insert(&q, "document_settings").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn remove_document_settings(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        report: &str,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, org_id, audit, now).await?;
        if tx.exec(&delete(org_id, report)).await? == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    async fn document_logo(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
    ) -> Result<Option<(DocumentLogo, Vec<u8>)>> {
        let mut q = Sql::new(
            "SELECT l.org_id, l.width, l.height, l.sha256, l.size, l.content, l.updated_by, l.updated_at \
             FROM document_logos l JOIN orgs o ON o.id = l.org_id WHERE l.org_id = ",
        );
        q.bind(org_id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, |r| {
            let logo = DocumentLogo {
                org_id: s(r, "org_id")?.into(),
                width: i(r, "width")?,
                height: i(r, "height")?,
                sha256: s(r, "sha256")?,
                size: i(r, "size")?,
                updated_by: os(r, "updated_by")?.map(UserId::from),
                updated_at: i(r, "updated_at")?,
            };
            Ok((logo, r.try_get("content")?))
        })
        .await
    }

    async fn save_document_logo(
        &self,
        scope: &OrgScope,
        logo: &DocumentLogo,
        png: Vec<u8>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) =
            AuditedTx::begin_in(self, scope, &logo.org_id, audit, logo.updated_at).await?;
        let mut old = Sql::new("DELETE FROM document_logos WHERE org_id = ");
        old.bind(&logo.org_id);
        tx.exec(&old).await?;
        let q = Cols::new()
            .set("org_id", &logo.org_id)
            .set("width", logo.width)
            .set("height", logo.height)
            .set("sha256", logo.sha256.as_str())
            .set("size", logo.size)
            .set("content", png)
            .set("updated_by", logo.updated_by.as_ref())
            .set("updated_at", logo.updated_at)
            .insert("document_logos");
        tx.insert(&q, "document_logos").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn remove_document_logo(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, org_id, audit, now).await?;
        let mut q = Sql::new("DELETE FROM document_logos WHERE org_id = ");
        q.bind(org_id);
        if tx.exec(&q).await? == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    async fn save_document_file(
        &self,
        f: &DocumentFile,
        content: Vec<u8>,
        forget_before: i64,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let mut old = Sql::new("DELETE FROM document_files WHERE created_at < ");
        old.bind(forget_before)
            .push(" OR id = ")
            .bind(f.id.as_str());
        old.query().execute(&mut *tx).await?;
        let q = Cols::new()
            .set("id", f.id.as_str())
            .set("org_id", &f.org_id)
            .set("report", f.report.as_str())
            .set("format", f.format.as_str())
            .set("file_name", f.file_name.as_str())
            .set("content_type", f.content_type.as_str())
            .set("sha256", f.sha256.as_str())
            .set("size", f.size)
            .set("content", content)
            .set("requested_by", f.requested_by.as_ref())
            .set("created_at", f.created_at)
            .insert("document_files");
        q.query().execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn document_file(
        &self,
        scope: &OrgScope,
        id: &str,
        content: bool,
    ) -> Result<Option<(DocumentFile, Vec<u8>)>> {
        let extra = if content { ", f.content" } else { "" };
        let mut q = Sql::new(format!(
            "SELECT {FILE_COLS}{extra} FROM document_files f JOIN orgs o ON o.id = f.org_id WHERE f.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        if content {
            q.fetch_optional(&self.pool, |r| Ok((file(r)?, r.try_get("content")?)))
                .await
        } else {
            q.fetch_optional(&self.pool, |r| Ok((file(r)?, Vec::new())))
                .await
        }
    }
}
