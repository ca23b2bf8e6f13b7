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
}
