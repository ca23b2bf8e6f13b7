//! Documents produced in the background: a large register or a long plan
//! is a `documents.render` job acting for the person who asked (so it
//! reads exactly what they may read, at the time it runs), reporting its
//! progress; the file is kept [`FILE_KEPT_DAYS`] days with its SHA-256.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zian_documents::Format;
use zian_domain::documents::{DocumentFile, FILE_KEPT_DAYS};
use zian_domain::jobs::{Job, NewJob};
use zian_domain::org::Organisation;
use zian_domain::{OrgId, Permission, Principal, UserId};

use super::{Rendered, Subject, find, map_err, parse_format, unknown_report};
use crate::jobs::{JobContext, JobHandler};
use crate::{App, AppError, Result};

/// Builds and renders one document for the person who asked.
pub const KIND_RENDER: &str = "documents.render";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RenderInput {
    org_id: String,
    report: String,
    format: String,
    user_id: String,
}

/// A background document: the job (state, progress) and, once done, the
/// file.
#[derive(Debug, Clone)]
pub struct DocumentJob {
    pub job: Job,
    pub org: Organisation,
    pub report: String,
    pub format: String,
    pub file: Option<DocumentFile>,
}

impl App {
    /// Queues report `name` of `org_id` as `format`; the job's id names the
    /// document to follow and download.
    pub async fn start_document_job(
        &self,
        p: &Principal,
        org_id: &OrgId,
        name: &str,
        format: &str,
    ) -> Result<String> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let spec = find(name)
            .filter(|s| s.subject == Subject::Org)
            .ok_or_else(|| unknown_report(name))?;
        let fmt = parse_format(format)?;
        if fmt == Format::Csv && !spec.tabular {
            return Err(map_err(zian_documents::Error::NotTabular));
        }
        let payload = serde_json::to_string(&RenderInput {
            org_id: org.id.to_string(),
            report: spec.name.into(),
            format: fmt.as_str().into(),
            user_id: p.user.id.to_string(),
        })
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let (id, _) = self
            .enqueue_job(NewJob {
                kind: KIND_RENDER.into(),
                payload,
                org_id: Some(org.id.clone()),
                run_at: self.now(),
                max_attempts: 2,
                idempotency_key: None,
            })
            .await?;
        Ok(id)
    }

    /// A background document of an organisation the caller reads.
    pub async fn document_job(&self, p: &Principal, id: &str) -> Result<DocumentJob> {
        let scope = p.scope(Permission::RecordRead);
        let job = self
            .stores
            .jobs
            .get(&scope, id)
            .await?
            .filter(|j| j.kind == KIND_RENDER)
            .ok_or(AppError::NotFound)?;
        let input: RenderInput =
            serde_json::from_str(&job.payload).map_err(|e| AppError::Internal(e.to_string()))?;
        let org = self
            .org_with(
                p,
                &OrgId::from(input.org_id.as_str()),
                Permission::RecordRead,
            )
            .await?;
        let file = self
            .stores
            .documents
            .document_file(&scope, id, false)
            .await?
            .map(|(f, _)| f);
        Ok(DocumentJob {
            job,
            org,
            report: input.report,
            format: input.format,
            file,
        })
    }

    /// The file a background document produced (`NotFound` before it is
    /// done, after it expired, or outside the caller's scope).
    pub async fn document_job_file(&self, p: &Principal, id: &str) -> Result<Rendered> {
        let (f, bytes) = self
            .stores
            .documents
            .document_file(&p.scope(Permission::RecordRead), id, true)
            .await?
            .ok_or(AppError::NotFound)?;
        let content_type = parse_format(&f.format)?.content_type();
        Ok(Rendered {
            file_name: f.file_name,
            content_type,
            bytes,
        })
    }
}

/// `documents.render`: `{"org_id", "report", "format", "user_id"}`.
pub struct RenderJob;

#[async_trait]
impl JobHandler for RenderJob {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let input: RenderInput = cx.payload()?;
        let app = &cx.app;
        let user = UserId::from(input.user_id.as_str());
        let p = app
            .principal_of(&user)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("the account {user} that asked is gone or disabled"))?;
        let format = parse_format(&input.format).map_err(|e| e.to_string())?;
        cx.progress(10, "彙整資料").await;
        let org = OrgId::from(input.org_id.as_str());
        let doc = app
            .report(&p, &org, &input.report)
            .await
            .map_err(|e| e.to_string())?;
        cx.progress(40, "排版").await;
        let a = app.clone();
        let rendered = tokio::task::spawn_blocking(move || a.render(&doc, format))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        cx.progress(90, "儲存").await;
        let now = app.now();
        let sha256 = Sha256::digest(&rendered.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let file = DocumentFile {
            id: cx.job.id.clone(),
            org_id: org,
            report: input.report,
            format: format.as_str().into(),
            file_name: rendered.file_name,
            content_type: rendered.content_type.into(),
            sha256,
            size: i64::try_from(rendered.bytes.len()).unwrap_or(i64::MAX),
            requested_by: Some(user),
            created_at: now,
        };
        app.stores
            .documents
            .save_document_file(&file, rendered.bytes, now - FILE_KEPT_DAYS * 86_400)
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }
}
