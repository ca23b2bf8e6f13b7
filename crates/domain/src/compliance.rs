//! Compliance records: the completion of an obligation for one of its due
//! dates (with its evidence), and the overrides a deployment records against
//! the shipped rules (exempt or replace), which apply to the subtree of the
//! organisation they were recorded at.

use serde::Serialize;
use time::Date;
pub use zian_rules::{OverrideKind, OverrideScope, RuleOverride};

use zian_i18n::Msg;

use crate::text::Text;
use crate::{OrgId, UserId};

/// Id prefix of completions derived from other modules' records (never
/// stored: computed each time from the proving records).
pub const AUTO_PREFIX: &str = "auto:";

/// One completion of an obligation for one due date, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    pub id: String,
    pub org_id: OrgId,
    pub rule_id: String,
    /// The due date this completion satisfies.
    #[serde(with = "crate::day::serde_ymd")]
    pub due_date: Date,
    #[serde(with = "crate::day::serde_ymd")]
    pub completed_on: Date,
    pub note: Text<2000>,
    /// A local path (`/…`) or an http(s) URL.
    pub evidence_link: Option<String>,
    /// SHA-256 of the evidence, lowercase hex.
    pub evidence_sha256: Option<String>,
    pub recorded_by: Option<UserId>,
    pub recorded_at: i64,
    /// What proves a derived completion (`None` for recorded ones, whose
    /// note is what a person wrote).
    #[serde(skip)]
    pub auto_note: Option<Msg>,
}

impl Completion {
    /// Whether it was derived from another module's records.
    pub fn is_automatic(&self) -> bool {
        self.id.starts_with(AUTO_PREFIX)
    }
}

/// A stored override of a shipped rule or control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    pub id: String,
    pub org_id: OrgId,
    /// Path of `org_id` (filled on read; ignored on insert).
    pub org_path: String,
    /// What the rule engine applies (its organisation filter is unused: an
    /// override applies to the subtree it was recorded at).
    pub rule: RuleOverride,
    pub created_by: Option<UserId>,
    pub created_at: i64,
}

impl Override {
    /// Whether it applies to the organisation at `path`.
    pub fn applies_to(&self, path: &str) -> bool {
        path.starts_with(self.org_path.as_str())
    }
}
