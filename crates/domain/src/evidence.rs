//! Evidence files (佐證資料): bytes kept with their SHA-256 so that a
//! completion can prove what it rests on.

use serde::Serialize;

use crate::{EvidenceId, OrgId, UserId};

/// The largest file accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// An evidence file's metadata (the content is read only for a download).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceFile {
    pub id: EvidenceId,
    pub org_id: OrgId,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: i64,
    /// The earlier version this file replaced.
    pub replaces: Option<EvidenceId>,
    /// The newer version that replaced this one (then it is history: kept and
    /// downloadable, out of the lists).
    pub replaced_by: Option<EvidenceId>,
    /// Deleted (soft): when, by whom and why.
    pub deleted_at: Option<i64>,
    pub deleted_by: Option<UserId>,
    pub delete_reason: Option<String>,
}

impl EvidenceFile {
    /// Neither replaced nor deleted.
    pub fn is_current(&self) -> bool {
        self.replaced_by.is_none() && self.deleted_at.is_none()
    }
}

/// The file types accepted as evidence, by extension: the content type
/// stored for it and the magic bytes its content must start with (`None`:
/// text, which must hold no NUL byte and not look like a program or archive).
/// Magic byte strings any one of which a content must start with.
type Magic = &'static [&'static [u8]];

const ALLOWED: &[(&str, &str, Option<Magic>)] = &[
    ("pdf", "application/pdf", Some(&[b"%PDF-"])),
    ("png", "image/png", Some(&[b"\x89PNG\r\n\x1a\n"])),
    ("jpg", "image/jpeg", Some(&[b"\xff\xd8\xff"])),
    ("jpeg", "image/jpeg", Some(&[b"\xff\xd8\xff"])),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some(ZIP),
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some(ZIP),
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some(ZIP),
    ),
    ("odt", "application/vnd.oasis.opendocument.text", Some(ZIP)),
    (
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
        Some(ZIP),
    ),
    (
        "odp",
        "application/vnd.oasis.opendocument.presentation",
        Some(ZIP),
    ),
    ("zip", "application/zip", Some(ZIP)),
    ("txt", "text/plain", None),
    ("csv", "text/csv", None),
];

const ZIP: &[&[u8]] = &[b"PK\x03\x04", b"PK\x05\x06"];

/// Starts of content that is never text: executables and archives.
const NOT_TEXT: &[&[u8]] = &[
    b"MZ",
    b"\x7fELF",
    b"PK\x03\x04",
    b"%PDF-",
    b"\xca\xfe\xba\xbe",
    b"#!",
];

/// The extensions accepted, for messages: `pdf、png、…`.
pub fn allowed_extensions() -> String {
    let mut v: Vec<&str> = ALLOWED.iter().map(|(e, _, _)| *e).collect();
    v.dedup();
    v.join(", ")
}

/// Checks an uploaded file's type by its name's extension (an allow-list)
/// and its first bytes (the content must be what the extension says).
/// Returns the content type to store.
pub fn file_type(filename: &str, bytes: &[u8]) -> Result<&'static str, crate::DomainError> {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, ct, magic)) = ALLOWED.iter().find(|(e, _, _)| *e == ext) else {
        return Err(crate::DomainError::Invalid {
            field: "file",
            reason: zian_i18n::msg!(
                "reason.evidence_type.not_allowed",
                ext = if ext.is_empty() {
                    "—".to_string()
                } else {
                    format!(".{ext}")
                },
                allowed = allowed_extensions()
            ),
        });
    };
    let ok = match magic {
        Some(m) => m.iter().any(|m| bytes.starts_with(m)),
        None => !bytes.contains(&0) && !NOT_TEXT.iter().any(|m| bytes.starts_with(m)),
    };
    if !ok {
        return Err(crate::DomainError::Invalid {
            field: "file",
            reason: zian_i18n::msg!("reason.evidence_type.mismatch", ext = format!(".{ext}")),
        });
    }
    Ok(ct)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list_and_magic() {
        assert_eq!(
            file_type("報告.PDF", b"%PDF-1.7 x").unwrap(),
            "application/pdf"
        );
        assert_eq!(
            file_type("a.jpg", b"\xff\xd8\xff\xe0").unwrap(),
            "image/jpeg"
        );
        assert!(file_type("a.docx", b"PK\x03\x04rest").is_ok());
        assert!(file_type("清單.csv", "名稱,數量\n".as_bytes()).is_ok());
        assert!(file_type("virus.exe", b"MZ\x90\x00").is_err());
        assert!(file_type("noext", b"%PDF-").is_err());
        assert!(file_type("fake.pdf", b"MZ\x90\x00").is_err());
        assert!(file_type("fake.txt", b"MZ\x90\x00").is_err());
        assert!(file_type("bin.txt", b"ab\x00cd").is_err());
    }
}
