//! Software inventory imports as recorded: the uploaded file (kept as the
//! evidence of what was imported), its preview's counts, and its commit.
//! What a file does to the register is computed by `zian_inventory::plan`;
//! [`ImportWrites`] is that plan as rows to write.

use serde::Serialize;

use crate::assets::{Asset, InstalledSoftware};
use crate::{AssetId, DomainError, ImportId, OrgId, UserId};

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Read and previewed; nothing written to the register yet.
    Previewed,
    /// Applied to the register.
    Committed,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Previewed => "previewed",
            ImportStatus::Committed => "committed",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "previewed" => Ok(ImportStatus::Previewed),
            "committed" => Ok(ImportStatus::Committed),
            _ => Err(DomainError::Invalid {
                field: "status",
                reason: zian_i18n::msg!("reason.unknown_value", value = s),
            }),
        }
    }
}

/// An uploaded inventory file of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InventoryImport {
    pub id: ImportId,
    pub org_id: OrgId,
    pub created_by: Option<UserId>,
    /// As uploaded (at most 200 characters).
    pub file_name: String,
    /// Of the bytes, hexadecimal.
    pub sha256: String,
    pub size: i64,
    /// The host of rows that name none (blank: none given).
    pub default_host: String,
    /// What the file was read as (`zian_inventory::Format`, `Encoding`).
    pub format: String,
    pub encoding: String,
    /// The preview: counts, rows in error, columns recognised (JSON).
    pub summary: serde_json::Value,
    pub status: ImportStatus,
    pub created_at: i64,
    pub committed_at: Option<i64>,
    pub committed_by: Option<UserId>,
    /// The commit's counts (JSON).
    pub result: Option<serde_json::Value>,
}

/// What committing an import writes, in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportWrites {
    /// Hosts the register lacked.
    pub new_assets: Vec<Asset>,
    pub insert: Vec<InstalledSoftware>,
    /// Rows saved with a new name, version, publisher, CPE name or source.
    pub update: Vec<InstalledSoftware>,
    pub delete: Vec<InstalledSoftware>,
    /// Hosts whose list of updates (KB) is replaced.
    pub kbs: Vec<(AssetId, String)>,
    /// The time of the commit (every written row's `updated_at`).
    pub at: i64,
}

impl ImportWrites {
    pub fn is_empty(&self) -> bool {
        self.new_assets.is_empty()
            && self.insert.is_empty()
            && self.update.is_empty()
            && self.delete.is_empty()
            && self.kbs.is_empty()
    }
}
