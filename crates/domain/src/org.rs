//! Organisations: the tree from the national authority down to agency units.

use serde::{Deserialize, Serialize};
use time::Date;
use zian_i18n::msg;

use crate::{DomainError, Level, OrgId, OrgKind, UserId};

/// Position of an organisation in the supervision hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgTier {
    /// 主管機關 — the national competent authority.
    National,
    /// 直轄市 — municipal hub and regional joint-defence centre.
    MunicipalHub,
    /// 縣市政府 — county or city government.
    LocalGovernment,
    /// 機關 — an agency.
    Agency,
    /// 單位 — a unit inside an agency.
    Unit,
}

impl OrgTier {
    pub const ALL: [OrgTier; 5] = [
        OrgTier::National,
        OrgTier::MunicipalHub,
        OrgTier::LocalGovernment,
        OrgTier::Agency,
        OrgTier::Unit,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            OrgTier::National => "national",
            OrgTier::MunicipalHub => "municipal_hub",
            OrgTier::LocalGovernment => "local_government",
            OrgTier::Agency => "agency",
            OrgTier::Unit => "unit",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| invalid("tier", s))
    }
}

/// Parses an organisation kind (`public`, `non_public`,
/// `critical_infrastructure`); the kinds themselves are the regulation
/// vocabulary of `zian_rules`, shared by every layer.
pub fn parse_kind(s: &str) -> Result<OrgKind, DomainError> {
    s.parse().map_err(|_| invalid("kind", s))
}

/// Parses a responsibility level A–E (case-insensitive).
pub fn parse_level(s: &str) -> Result<Level, DomainError> {
    s.trim()
        .to_ascii_uppercase()
        .parse()
        .map_err(|_| invalid("level", s))
}

/// An organisation as stored. `path` is the materialised path of ids from the
/// root, `/root/child/…/self/`, so a subtree is every path with this prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    pub path: String,
    pub depth: i64,
    pub code: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub tier: OrgTier,
    pub kind: OrgKind,
    pub level: Option<Level>,
    pub level_assigned_on: Option<Date>,
    pub level_review_due: Option<Date>,
    pub fiscal_tier: Option<i64>,
    pub active: bool,
}

/// Validated fields of a new or edited organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgDraft {
    pub code: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub tier: OrgTier,
    pub kind: OrgKind,
    pub level: Option<Level>,
    pub level_assigned_on: Option<Date>,
    pub level_review_due: Option<Date>,
    pub fiscal_tier: Option<i64>,
}

impl OrgDraft {
    /// Checks the draft's own rules: a Chinese name, a fiscal tier 1–5 only for
    /// local governments, an assignment date whenever a level is given, and a
    /// review date after the assignment. When a level is assigned without a
    /// review date, the review falls due two years later (分級辦法 art. 11:
    /// levels are re-examined at least every two years).
    pub fn validate(mut self) -> Result<Self, DomainError> {
        self.name_zh = self.name_zh.trim().to_string();
        self.name_en = self.name_en.trim().to_string();
        if self.name_zh.is_empty() {
            return Err(DomainError::Invalid {
                field: "name_zh",
                reason: msg!("reason.required"),
            });
        }
        if self
            .name_zh
            .chars()
            .chain(self.name_en.chars())
            .any(char::is_control)
        {
            return Err(DomainError::Invalid {
                field: "name_zh",
                reason: msg!("reason.control_chars"),
            });
        }
        if self.name_zh.chars().count() > 200 || self.name_en.chars().count() > 200 {
            return Err(DomainError::Invalid {
                field: "name_zh",
                reason: msg!("reason.at_most_chars", max = 200),
            });
        }
        if let Some(code) = &self.code {
            let c = code.trim();
            if c.is_empty() {
                self.code = None;
            } else if c.len() > 40 || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
                return Err(DomainError::Invalid {
                    field: "code",
                    reason: msg!("reason.code_chars", max = 40),
                });
            } else {
                self.code = Some(c.to_string());
            }
        }
        if let Some(t) = self.fiscal_tier {
            if !(1..=5).contains(&t) {
                return Err(DomainError::Invalid {
                    field: "fiscal_tier",
                    reason: msg!("reason.range", min = 1, max = 5),
                });
            }
            if !matches!(self.tier, OrgTier::LocalGovernment | OrgTier::MunicipalHub) {
                return Err(DomainError::Invalid {
                    field: "fiscal_tier",
                    reason: msg!("reason.orgs.fiscal_tier_local_only"),
                });
            }
        }
        match (self.level, self.level_assigned_on) {
            (Some(_), None) => {
                return Err(DomainError::Invalid {
                    field: "level_assigned_on",
                    reason: msg!("reason.orgs.assigned_on_required"),
                });
            }
            (None, _) => {
                self.level_assigned_on = None;
                self.level_review_due = None;
            }
            (Some(_), Some(assigned)) => {
                // an explicit date must follow the assignment; without one the
                // application takes the rules' date (`RuleSet::level_review_due`)
                if self.level_review_due.is_some_and(|due| due <= assigned) {
                    return Err(DomainError::Invalid {
                        field: "level_review_due",
                        reason: msg!("reason.orgs.review_after_assignment"),
                    });
                }
            }
        }
        Ok(self)
    }
}

pub use crate::day::add_years;

/// One change in an organisation's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgHistoryEntry {
    pub at: i64,
    pub actor_user_id: Option<UserId>,
    pub change: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// Roll-up figures of a subtree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgStats {
    pub orgs: i64,
    pub agencies: i64,
    pub users: i64,
    /// Agencies by responsibility level; with `level_unassigned` they add
    /// up to `agencies`.
    pub by_level: Vec<(String, i64)>,
    pub level_unassigned: i64,
    pub reviews_overdue: i64,
}

/// The materialised path of a child of `parent_path`.
pub fn child_path(parent_path: Option<&str>, id: &str) -> String {
    match parent_path {
        Some(p) => format!("{p}{id}/"),
        None => format!("/{id}/"),
    }
}

/// Checks that moving the organisation at `path` under `new_parent_path` keeps
/// the tree a tree.
pub fn check_move(path: &str, new_parent_path: &str) -> Result<(), DomainError> {
    if new_parent_path.starts_with(path) {
        return Err(DomainError::MoveIntoOwnSubtree);
    }
    Ok(())
}

fn invalid(field: &'static str, value: &str) -> DomainError {
    DomainError::Invalid {
        field,
        reason: msg!("reason.unknown_value", value = value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn draft() -> OrgDraft {
        OrgDraft {
            code: None,
            name_zh: " 臺北市政府 ".into(),
            name_en: "Taipei".into(),
            tier: OrgTier::LocalGovernment,
            kind: OrgKind::Public,
            level: Some(Level::A),
            level_assigned_on: Some(date!(2024 - 02 - 29)),
            level_review_due: None,
            fiscal_tier: Some(1),
        }
    }

    #[test]
    fn review_due_is_left_to_the_rules_unless_given_after_assignment() {
        let d = draft().validate().unwrap();
        assert_eq!(d.name_zh, "臺北市政府");
        assert_eq!(d.level_review_due, None);
        let mut d = draft();
        d.level_review_due = Some(date!(2024 - 02 - 29));
        assert!(d.validate().is_err());
    }

    #[test]
    fn level_without_date_is_rejected() {
        let mut d = draft();
        d.level_assigned_on = None;
        assert!(matches!(
            d.validate(),
            Err(DomainError::Invalid {
                field: "level_assigned_on",
                ..
            })
        ));
    }

    #[test]
    fn fiscal_tier_only_for_local_governments() {
        let mut d = draft();
        d.tier = OrgTier::Agency;
        assert!(d.validate().is_err());
        let mut d = draft();
        d.fiscal_tier = Some(6);
        assert!(d.validate().is_err());
    }

    #[test]
    fn move_into_own_subtree_is_refused() {
        assert!(check_move("/a/b/", "/a/b/c/").is_err());
        assert!(check_move("/a/b/", "/a/b/").is_err());
        assert!(check_move("/a/b/", "/a/").is_ok());
        assert!(check_move("/a/b/", "/a/bc/").is_ok());
    }

    #[test]
    fn enums_round_trip() {
        for t in OrgTier::ALL {
            assert_eq!(OrgTier::parse(t.as_str()).unwrap(), t);
        }
        assert_eq!(parse_kind("non-public").unwrap(), OrgKind::NonPublic);
        for k in OrgKind::ALL {
            assert_eq!(parse_kind(k.as_str()).unwrap(), k);
        }
        assert_eq!(parse_level("c").unwrap(), Level::C);
        assert!(parse_level("F").is_err());
    }
}
