//! Evidence files on the pages: upload (a multipart form, from the
//! compliance page) and download.

use axum::extract::State;
use zian_domain::{EvidenceId, OrgId, Permission};
use zian_i18n::msg;

use crate::error::PageResult;
use crate::extract::{PageCaller, PagePath, PageUpload};
use crate::layout::see_other;
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
