//! Evidence files: uploaded once, hashed (SHA-256), kept in the database
//! under the organisation's scope, linked from the records they prove
//! (an obligation's completion), downloaded as attachments.

use data_encoding::BASE64;
use sha2::{Digest, Sha256};
use zian_domain::evidence::{EvidenceFile, MAX_BYTES, file_type};
use zian_domain::{EvidenceId, ListQuery, OrgId, Page, Permission, Principal};
use zian_i18n::msg;

use crate::{App, AppError, Result};

/// An evidence file with its versions and what it proves.
#[derive(Debug, Clone)]
pub struct EvidenceHistory {
    pub file: EvidenceFile,
    /// Every version, oldest first, this one included.
    pub versions: Vec<EvidenceFile>,
    /// Obligation completions (rule id, due date) that link this version.
    pub proves: Vec<(String, String)>,
    /// The caller may replace or delete it.
    pub can_write: bool,
}

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

/// A file sent as standard base64 text (line breaks allowed) of at most
/// `max` bytes decoded (`max_label` in the message); `content_base64` names
/// the field in errors.
pub(crate) fn decode_base64(text: &str, max: usize, max_label: &str) -> Result<Vec<u8>> {
    // no copy of the text unless it holds line breaks
    let cleaned: std::borrow::Cow<'_, [u8]> = if text.bytes().any(|b| b.is_ascii_whitespace()) {
        text.bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect::<Vec<u8>>()
            .into()
    } else {
        text.as_bytes().into()
    };
    if cleaned.len() > max / 3 * 4 + 8 {
        return Err(AppError::invalid(
            "content_base64",
            msg!("reason.evidence.too_large", max = max_label),
        ));
    }
    BASE64
        .decode(&cleaned)
        .map_err(|_| AppError::invalid("content_base64", msg!("reason.evidence.base64")))
}

impl App {
    /// Checks an uploaded file (name, size, type by extension and content)
    /// and describes it; `org` is the organisation it belongs to.
    fn evidence_row(
        &self,
        p: &Principal,
        org: &OrgId,
        filename: &str,
        bytes: &[u8],
        replaces: Option<&EvidenceId>,
    ) -> Result<EvidenceFile> {
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
        let name = clean_filename(filename);
        // allowed types only, and the content must be what the name says;
        // the stored type follows from the extension, not the client's claim
        let ct = file_type(&name, bytes)?;
        let sha = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        Ok(EvidenceFile {
            id: EvidenceId::new(self.ids.new_id()),
            org_id: org.clone(),
            sha256: sha,
            filename: name,
            content_type: ct.to_string(),
            size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            uploaded_by: Some(p.user.id.clone()),
            uploaded_at: self.now(),
            replaces: replaces.cloned(),
            replaced_by: None,
            deleted_at: None,
            deleted_by: None,
            delete_reason: None,
        })
    }

    /// Stores an evidence file for an organisation (as bytes). The content
    /// type given by the client is not trusted: the file's extension must be
    /// on the allow-list and its content must match it.
    pub async fn upload_evidence(
        &self,
        p: &Principal,
        org_id: &OrgId,
        filename: &str,
        _content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<EvidenceFile> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let row = self.evidence_row(p, &org.id, filename, &bytes, None)?;
        let mut e = p.event("evidence.uploaded", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"sha256": row.sha256, "size": row.size_bytes, "filename": row.filename});
        self.stores
            .evidence
            .insert(&p.scope(Permission::RecordWrite), &row, bytes, e)
            .await?;
        Ok(row)
    }

    /// Uploads a new version of a current evidence file. The old version is
    /// kept (downloadable, in the file's history; completions that link it
    /// still prove what they proved); the audit entry names both versions
    /// and their hashes.
    pub async fn replace_evidence(
        &self,
        p: &Principal,
        id: &EvidenceId,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Result<EvidenceFile> {
        let (old, _) = self.evidence_file(p, id).await?;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        if !old.is_current() {
            return Err(AppError::Conflict("evidence_not_current"));
        }
        let row = self.evidence_row(p, &org.id, filename, &bytes, Some(&old.id))?;
        let mut e = p.event("evidence.replaced", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({
            "replaces": old.id,
            "filename": [old.filename, row.filename],
            "sha256": [old.sha256, row.sha256],
            "size": [old.size_bytes, row.size_bytes],
        });
        self.stores
            .evidence
            .replace(&p.scope(Permission::RecordWrite), &old.id, &row, bytes, e)
            .await?;
        Ok(row)
    }

    /// Deletes a current evidence file (soft: kept with who, when and why;
    /// out of the lists). A reason is required; refused with
    /// `Conflict("evidence_in_use")` while the file proves an obligation's
    /// completion.
    pub async fn delete_evidence(
        &self,
        p: &Principal,
        id: &EvidenceId,
        reason: &str,
    ) -> Result<EvidenceFile> {
        let (old, _) = self.evidence_file(p, id).await?;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        let reason = zian_domain::Text::<500>::parse("reason", reason)?;
        if !old.is_current() {
            return Err(AppError::Conflict("evidence_not_current"));
        }
        let mut e = p.event("evidence.deleted", Some(&org.id), Some(&old.id));
        e.details =
            serde_json::json!({"filename": old.filename, "sha256": old.sha256, "reason": reason});
        self.stores
            .evidence
            .soft_delete(
                &p.scope(Permission::RecordWrite),
                &org.id,
                &old.id,
                &p.user.id,
                reason.as_str(),
                e,
                self.now(),
            )
            .await?;
        Ok(old)
    }

    /// A file's versions, oldest first (this one included), and the
    /// completions (rule id, due date) that link this version.
    pub async fn evidence_history(
        &self,
        p: &Principal,
        id: &EvidenceId,
    ) -> Result<EvidenceHistory> {
        let scope = p.scope(Permission::RecordRead);
        let (file, _) = self.evidence_file(p, id).await?;
        let mut versions = vec![file.clone()];
        // back through what each replaced, forward through what replaced it
        let mut back = file.replaces.clone();
        while let Some(b) = back.take() {
            if versions.len() >= 200 {
                break;
            }
            let Some((f, _)) = self.stores.evidence.get(&scope, &b).await? else {
                break;
            };
            back = f.replaces.clone();
            versions.insert(0, f);
        }
        let mut fwd = file.replaced_by.clone();
        while let Some(n) = fwd.take() {
            if versions.len() >= 200 {
                break;
            }
            let Some((f, _)) = self.stores.evidence.get(&scope, &n).await? else {
                break;
            };
            fwd = f.replaced_by.clone();
            versions.push(f);
        }
        let proves = self.stores.evidence.proves(&scope, &file.id).await?;
        let can_write = p.can(
            Permission::RecordWrite,
            &self
                .org_with(p, &file.org_id, Permission::RecordRead)
                .await?
                .path,
        );
        Ok(EvidenceHistory {
            file,
            versions,
            proves,
            can_write,
        })
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
        let bytes = decode_base64(content_base64, MAX_BYTES, "10 MB")?;
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
