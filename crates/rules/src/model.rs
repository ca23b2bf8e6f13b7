//! Small value types shared by the engine: organisation kind, responsibility level, impact grade,
//! frequency, confidence and obligation category.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::RulesError;

/// Kind of organisation under the Act (tw-regulations.md §1.1). The one
/// vocabulary of the platform: the organisation tree, the API and the rule
/// data all use it. Canonical spelling `public`, `non_public`,
/// `critical_infrastructure`; the hyphenated spelling of older rule files and
/// command lines is accepted too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 公務機關.
    Public,
    /// 特定非公務機關 that is not a critical-infrastructure provider (公營事業, 特定財團法人, …).
    #[serde(alias = "non-public")]
    NonPublic,
    /// 關鍵基礎設施提供者: a 特定非公務機關 with the extra CI-only items of 附表二/四/六.
    #[serde(alias = "critical-infrastructure")]
    CriticalInfrastructure,
}

impl OrgKind {
    /// All kinds, in CLI order.
    pub const ALL: [OrgKind; 3] = [
        OrgKind::Public,
        OrgKind::NonPublic,
        OrgKind::CriticalInfrastructure,
    ];

    /// The canonical spelling (`public`, `non_public`, `critical_infrastructure`).
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Public => "public",
            OrgKind::NonPublic => "non_public",
            OrgKind::CriticalInfrastructure => "critical_infrastructure",
        }
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrgKind {
    type Err = RulesError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().replace('-', "_");
        OrgKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| RulesError::UnknownKind(s.to_string()))
    }
}

/// 資通安全責任等級 A (highest) to E (分級辦法 art 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    /// A 級.
    A,
    /// B 級.
    B,
    /// C 級.
    C,
    /// D 級.
    D,
    /// E 級.
    E,
}

impl Level {
    /// All levels, highest first.
    pub const ALL: [Level; 5] = [Level::A, Level::B, Level::C, Level::D, Level::E];

    /// `"A"` … `"E"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::A => "A",
            Level::B => "B",
            Level::C => "C",
            Level::D => "D",
            Level::E => "E",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = RulesError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| RulesError::UnknownLevel(s.to_string()))
    }
}

/// A protection-need grade 普 < 中 < 高 (附表九), used both per dimension and for a system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Impact {
    /// 普 (limited impact).
    #[serde(rename = "普")]
    Low,
    /// 中 (serious impact).
    #[serde(rename = "中")]
    Medium,
    /// 高 (very serious or catastrophic impact).
    #[serde(rename = "高")]
    High,
}

/// A system's protection level (附表九): the highest of its four dimensions.
pub type SystemLevel = Impact;

impl Impact {
    /// All grades, lowest first.
    pub const ALL: [Impact; 3] = [Impact::Low, Impact::Medium, Impact::High];

    /// `普`, `中` or `高`.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Low => "普",
            Impact::Medium => "中",
            Impact::High => "高",
        }
    }

    /// The stored and API spelling: `low`, `medium` or `high`.
    pub fn code(self) -> &'static str {
        match self {
            Impact::Low => "low",
            Impact::Medium => "medium",
            Impact::High => "high",
        }
    }

    /// Parses `low`/`medium`/`high` or 普/中/高.
    pub fn from_code(s: &str) -> Option<Impact> {
        Impact::ALL
            .into_iter()
            .find(|i| i.code() == s.trim() || i.as_str() == s.trim())
    }

    /// 普 = 1, 中 = 2, 高 = 3 (the common mapping to an asset value, tw-regulations.md §6).
    pub fn score(self) -> u32 {
        match self {
            Impact::Low => 1,
            Impact::Medium => 2,
            Impact::High => 3,
        }
    }

    /// Parses `普`/`中`/`高`; `dimension` names the CLI flag (`c`, `i`, `a`, `l`) for the error.
    pub fn parse(s: &str, dimension: &str) -> Result<Impact, RulesError> {
        Impact::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| RulesError::UnknownImpact {
                dimension: dimension.to_string(),
                value: s.to_string(),
            })
    }
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How often an obligation recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Frequency {
    /// A one-off deadline (then maintained: keep certified, keep staffed, keep operating).
    Once,
    /// Once per calendar year (每年一次).
    Yearly,
    /// Twice per calendar year (每年二次 / 每半年): due by 30 June and 31 December.
    TwiceYearly,
    /// Once per two years (每二年一次).
    #[serde(rename = "every-2-years")]
    Every2Years,
    /// Once per three years.
    #[serde(rename = "every-3-years")]
    Every3Years,
}

impl Frequency {
    /// All frequencies.
    pub const ALL: [Frequency; 5] = [
        Frequency::Once,
        Frequency::Yearly,
        Frequency::TwiceYearly,
        Frequency::Every2Years,
        Frequency::Every3Years,
    ];

    /// The data / CLI spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Once => "once",
            Frequency::Yearly => "yearly",
            Frequency::TwiceYearly => "twice-yearly",
            Frequency::Every2Years => "every-2-years",
            Frequency::Every3Years => "every-3-years",
        }
    }

    /// Length of one period in months (`None` for [`Frequency::Once`]).
    pub fn period_months(self) -> Option<u32> {
        match self {
            Frequency::Once => None,
            Frequency::Yearly => Some(12),
            Frequency::TwiceYearly => Some(6),
            Frequency::Every2Years => Some(24),
            Frequency::Every3Years => Some(36),
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the reference is of a value. Mapping from tw-regulations.md §0.2 marks:
/// `[V]` → `Verbatim`; `[S]` and `[26]` (a 2026 value from a named secondary source) → `Secondary`;
/// `[R]` and `[26?]` (hint only) → `Reconstructed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Verbatim from a copy of the official text.
    Verbatim,
    /// Supported by a secondary source quoting or summarising the rule.
    Secondary,
    /// Reconstructed; consistent with the sources but not seen verbatim — verify.
    Reconstructed,
}

impl Confidence {
    /// `verbatim`, `secondary` or `reconstructed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Verbatim => "verbatim",
            Confidence::Secondary => "secondary",
            Confidence::Reconstructed => "reconstructed",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Confidence> {
        [
            Confidence::Verbatim,
            Confidence::Secondary,
            Confidence::Reconstructed,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// Obligation category: the parts of 附表一–八 plus articles outside the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// 管理面.
    Management,
    /// 技術面.
    Technical,
    /// 認知與訓練.
    Training,
    /// Process duties outside the tables (level review, implementation report).
    Process,
    /// Drills under the incident regulation (social engineering, incident response).
    Drill,
}

impl Category {
    /// The data / CLI spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Management => "management",
            Category::Technical => "technical",
            Category::Training => "training",
            Category::Process => "process",
            Category::Drill => "drill",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Category> {
        [
            Category::Management,
            Category::Technical,
            Category::Training,
            Category::Process,
            Category::Drill,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}
