//! Evidence files: uploaded once, hashed (SHA-256), kept in the database
//! under the organisation's scope, linked from the records they prove
//! (an obligation's completion), downloaded as attachments.

use data_encoding::BASE64;
use sha2::{Digest, Sha256};
use zian_domain::evidence::{EvidenceFile, MAX_BYTES};
use zian_domain::{EvidenceId, ListQuery, OrgId, Page, Permission, Principal};
use zian_i18n::msg;

use crate::{App, AppError, Result};

/// Content types stored as given; anything else is stored as
/// `application/octet-stream` (and always downloaded as an attachment).
const KNOWN_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
];

/// A file name safe to store and to send back in a header: no path, no
/// control or quote characters, at most 200 characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/' | ';'))
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "evidence".into()
    } else {
        cleaned
    }
}

impl App {
    /// Stores an evidence file for an organisation (as bytes).
    pub async fn upload_evidence(
        &self,
        p: &Principal,
        org_id: &OrgId,
        filename: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<EvidenceFile> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        // the one text rule: a name with NUL is refused, not cleaned
        zian_domain::text::no_nul("filename", filename)?;
        if bytes.is_empty() {
            return Err(AppError::invalid("file", msg!("reason.evidence.empty")));
        }
        if bytes.len() > MAX_BYTES {
            return Err(AppError::invalid(
                "file",
                msg!("reason.evidence.too_large", max = "10 MB"),
            ));
        }
        let ct = content_type.trim().to_ascii_lowercase();
        let ct = if KNOWN_TYPES.contains(&ct.as_str()) {
            ct
        } else {
            "application/octet-stream".to_string()
        };
        let sha = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        let row = EvidenceFile {
            id: EvidenceId::new(self.ids.new_id()),
            org_id: org.id.clone(),
            sha256: sha,
            filename: clean_filename(filename),
            content_type: ct,
            size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            uploaded_by: Some(p.user.id.clone()),
            uploaded_at: self.now(),
        };
        let mut e = p.event("evidence.uploaded", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"sha256": row.sha256, "size": row.size_bytes, "filename": row.filename});
        self.stores
            .evidence
            .insert(&p.scope(Permission::RecordWrite), &row, bytes, e)
            .await?;
        Ok(row)
    }

    /// Stores an evidence file sent as base64 (the JSON API).
    pub async fn upload_evidence_base64(
        &self,
        p: &Principal,
        org_id: &OrgId,
        filename: &str,
        content_type: &str,
        content_base64: &str,
    ) -> Result<EvidenceFile> {
        // the access check comes first, so outsiders learn nothing from errors
        self.org_with(p, org_id, Permission::RecordWrite).await?;
        // no copy of the text unless it holds line breaks
        let cleaned: std::borrow::Cow<'_, [u8]> =
            if content_base64.bytes().any(|b| b.is_ascii_whitespace()) {
                content_base64
                    .bytes()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect::<Vec<u8>>()
                    .into()
            } else {
                content_base64.as_bytes().into()
            };
        if cleaned.len() > MAX_BYTES / 3 * 4 + 8 {
            return Err(AppError::invalid(
                "content_base64",
                msg!("reason.evidence.too_large", max = "10 MB"),
            ));
        }
        let bytes = BASE64
            .decode(&cleaned)
            .map_err(|_| AppError::invalid("content_base64", msg!("reason.evidence.base64")))?;
        drop(cleaned);
        self.upload_evidence(p, org_id, filename, content_type, bytes)
            .await
    }

    /// A file's metadata and bytes.
    pub async fn evidence_file(
        &self,
        p: &Principal,
        id: &EvidenceId,
    ) -> Result<(EvidenceFile, Vec<u8>)> {
        self.stores
            .evidence
            .get(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn list_evidence(
        &self,
        p: &Principal,
        org_id: &OrgId,
        q: &ListQuery,
    ) -> Result<Page<EvidenceFile>> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        Ok(self
            .stores
            .evidence
            .list(&p.scope(Permission::RecordRead), &org.id, q)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_lose_paths_and_dangerous_characters() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\報告\\稽核結果.pdf"), "稽核結果.pdf");
        assert_eq!(clean_filename("a\"b;c\r\n.pdf"), "abc.pdf");
        assert_eq!(clean_filename(".hidden"), "hidden");
        assert_eq!(clean_filename(""), "evidence");
    }
}
