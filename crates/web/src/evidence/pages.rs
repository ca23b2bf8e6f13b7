//! Evidence files on the pages: upload (a multipart form, from the
//! compliance page) and download.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::AppError;
use zian_app::evidence::EvidenceHistory;
use zian_domain::{EvidenceId, OrgId, Permission};
use zian_i18n::msg;

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageUpload};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;

/// Uploads an evidence file (multipart: `_csrf`, `file`).
pub async fn upload(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    up: PageUpload,
) -> PageResult {
    // access first: outsiders learn nothing from a malformed upload
    let org = st
        .app
        .org_with(up.principal(), &id, Permission::RecordWrite)
        .await?;
    let (pc, file) = up.read().await?;
    let file = file
        .ok_or_else(|| zian_app::AppError::invalid("file", msg!("reason.evidence.choose_file")))?;
    st.app
        .upload_evidence(&pc.p, &org.id, &file.name, &file.content_type, file.bytes)
        .await?;
    Ok(see_other(&format!(
        "/orgs/{}/compliance?ok=compliance.uploaded#upl-h",
        org.id
    )))
}

/// Downloads an evidence file as an attachment.
pub async fn download(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<EvidenceId>,
) -> PageResult {
    let (row, bytes) = st.app.evidence_file(&pc.p, &id).await?;
    Ok(super::api::attachment(&row, bytes))
}

/// An evidence file: its versions, what it proves, and the replace and
/// delete forms.
#[derive(Template)]
#[template(path = "evidence_show.html")]
pub struct EvidencePage {
    pub ctx: PageCtx,
    pub h: EvidenceHistory,
}

impl EvidencePage {
    pub fn version_no(&self, id: &str) -> usize {
        self.h
            .versions
            .iter()
            .position(|v| v.id.as_str() == id)
            .map_or(0, |i| i + 1)
    }
}

async fn page(
    st: &AppState,
    pc: &PageCaller,
    id: &EvidenceId,
    flash: Option<&str>,
) -> Result<EvidencePage, crate::error::PageError> {
    let h = st.app.evidence_history(&pc.p, id).await?;
    let cx = ctx(&st.app, pc, "evidence_page.title", "compliance", flash).await?;
    Ok(EvidencePage { ctx: cx, h })
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<EvidenceId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    render(&page(&st, &pc, &id, fq.flash().as_deref()).await?)
}

/// Uploads a new version (multipart: `_csrf`, `file`).
pub async fn replace(
    State(st): State<AppState>,
    PagePath(id): PagePath<EvidenceId>,
    up: PageUpload,
) -> PageResult {
    // access first: outsiders learn nothing from a malformed upload
    let (old, _) = st.app.evidence_file(up.principal(), &id).await?;
    st.app
        .org_with(up.principal(), &old.org_id, Permission::RecordWrite)
        .await?;
    let (pc, file) = up.read().await?;
    let file =
        file.ok_or_else(|| AppError::invalid("file", msg!("reason.evidence.choose_file")))?;
    match st
        .app
        .replace_evidence(&pc.p, &id, &file.name, file.bytes)
        .await
    {
        Ok(row) => Ok(see_other(&format!(
            "/evidence/{}/versions?ok=evidence_page.replaced",
            row.id
        ))),
        // refused: back to the page with the message (crate::refill)
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    reason: String,
}

/// Deletes (soft) with a reason; refused while the file proves a completion.
pub async fn delete(
    State(st): State<AppState>,
    PagePath(id): PagePath<EvidenceId>,
    form: PageForm<DeleteForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    match st.app.delete_evidence(&pc.p, &id, &f.reason).await {
        Ok(row) => Ok(see_other(&format!(
            "/orgs/{}/compliance?ok=evidence_page.deleted#upl-h",
            row.org_id
        ))),
        Err(e) => Err(e.into()),
    }
}
