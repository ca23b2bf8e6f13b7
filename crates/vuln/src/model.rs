//! The compact stored model of a vulnerability record, shared by the feed
//! importers, the matcher and the index.

use serde::{Deserialize, Serialize};

/// Where a piece of applicability or scoring data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// NVD analysis (`configurations`, `nvd@nist.gov` Primary metrics).
    Nvd,
    /// The CVE Numbering Authority (CVE 5 `containers.cna`, or NVD Secondary metrics).
    Cna,
    /// An Authorized Data Publisher (CVE 5 `containers.adp`, e.g. CISA-ADP).
    Adp,
}

impl Origin {
    /// `nvd`, `cna` or `adp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Nvd => "nvd",
            Origin::Cna => "cna",
            Origin::Adp => "adp",
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// CVSS specification version of a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CvssVersion {
    /// CVSS v2.0.
    #[serde(rename = "2.0")]
    V2,
    /// CVSS v3.0.
    #[serde(rename = "3.0")]
    V30,
    /// CVSS v3.1.
    #[serde(rename = "3.1")]
    V31,
    /// CVSS v4.0.
    #[serde(rename = "4.0")]
    V40,
}

impl CvssVersion {
    /// `2.0`, `3.0`, `3.1`, `4.0`.
    pub fn as_str(self) -> &'static str {
        match self {
            CvssVersion::V2 => "2.0",
            CvssVersion::V30 => "3.0",
            CvssVersion::V31 => "3.1",
            CvssVersion::V40 => "4.0",
        }
    }
}

/// One CVSS metric as published, with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// Which container/feed section it came from.
    pub origin: Origin,
    /// The scorer (`nvd@nist.gov`, a CNA e-mail or short name, `CISA-ADP`).
    pub source: Box<str>,
    /// NVD `type: Primary` (for CVE 5 data: `false`).
    pub primary: bool,
    /// Specification version.
    pub version: CvssVersion,
    /// Vector string.
    pub vector: Box<str>,
    /// Base score as published (or computed from the vector when absent).
    pub base_score: Option<f64>,
    /// Severity as published (or derived from the score).
    pub severity: Option<Box<str>>,
}

/// Boolean operator of a configuration or node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operator {
    /// All must hold.
    And,
    /// One must hold.
    Or,
}

impl Operator {
    /// Parse `AND`/`OR` (case-insensitive); anything else or absent is OR,
    /// which is what NVD means by an absent configuration operator.
    pub fn parse(s: Option<&str>) -> Operator {
        match s {
            Some(s) if s.eq_ignore_ascii_case("and") => Operator::And,
            _ => Operator::Or,
        }
    }
}

/// A reference to an interned match criterion, with its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchRef {
    /// `true`: the criterion names vulnerable software; `false`: a platform.
    pub vulnerable: bool,
    /// Index into [`crate::matching::CriteriaTable`].
    pub criterion: u32,
}

/// A configuration node: its match entries combined by `operator`, then negated if `negate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Combination of the entries.
    pub operator: Operator,
    /// Negation of the combined value.
    pub negate: bool,
    /// The entries.
    pub matches: Vec<MatchRef>,
}

/// A configuration: one alternative of applicability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Configuration {
    /// Combination of the nodes.
    pub operator: Operator,
    /// Negation of the combined value.
    pub negate: bool,
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Who wrote it: NVD `configurations` or a CNA's `cpeApplicability`.
    pub origin: Origin,
}

/// NVD analysis status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VulnStatus {
    /// `Received`.
    Received,
    /// `Awaiting Analysis`.
    AwaitingAnalysis,
    /// `Undergoing Analysis`.
    UndergoingAnalysis,
    /// `Analyzed`.
    Analyzed,
    /// `Modified`.
    Modified,
    /// `Deferred`.
    Deferred,
    /// `Rejected` (NVD) or state `REJECTED` (CVE 5): never matched.
    Rejected,
    /// CVE 5 state `PUBLISHED`.
    Published,
    /// Any other value, kept verbatim.
    Other(String),
}

impl VulnStatus {
    /// Parse an NVD `vulnStatus` or CVE 5 `state`.
    pub fn parse(s: &str) -> VulnStatus {
        let n: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match n.as_str() {
            "received" => VulnStatus::Received,
            "awaitinganalysis" => VulnStatus::AwaitingAnalysis,
            "undergoinganalysis" => VulnStatus::UndergoingAnalysis,
            "analyzed" => VulnStatus::Analyzed,
            "modified" => VulnStatus::Modified,
            "deferred" => VulnStatus::Deferred,
            "rejected" => VulnStatus::Rejected,
            "published" => VulnStatus::Published,
            _ => VulnStatus::Other(s.to_owned()),
        }
    }

    /// The status as NVD spells it (`Undergoing Analysis`), CVE 5 states upper-case.
    pub fn as_str(&self) -> &str {
        match self {
            VulnStatus::Received => "Received",
            VulnStatus::AwaitingAnalysis => "Awaiting Analysis",
            VulnStatus::UndergoingAnalysis => "Undergoing Analysis",
            VulnStatus::Analyzed => "Analyzed",
            VulnStatus::Modified => "Modified",
            VulnStatus::Deferred => "Deferred",
            VulnStatus::Rejected => "Rejected",
            VulnStatus::Published => "PUBLISHED",
            VulnStatus::Other(s) => s,
        }
    }

    /// Whether the record is rejected (and so never matched).
    pub fn is_rejected(&self) -> bool {
        matches!(self, VulnStatus::Rejected)
    }
}

/// A CWE weakness assertion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weakness {
    /// Who asserted it.
    pub source: Box<str>,
    /// NVD `Primary`.
    pub primary: bool,
    /// `CWE-79`, `NVD-CWE-Other`, …
    pub cwe: Box<str>,
}

/// A reference URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// URL.
    pub url: Box<str>,
    /// Who added it.
    pub source: Option<Box<str>>,
    /// Tags.
    pub tags: Vec<Box<str>>,
}

/// The NVD section of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NvdSection {
    /// Submitter.
    pub source_identifier: Option<Box<str>>,
    /// Publication time.
    pub published: Option<Box<str>>,
    /// Last modification time (drives replacement).
    pub last_modified: Option<Box<str>>,
    /// Status.
    pub status: VulnStatus,
    /// Descriptions `(lang, text)`.
    pub descriptions: Vec<(Box<str>, Box<str>)>,
    /// All CVSS metrics.
    pub metrics: Vec<Metric>,
    /// Weaknesses.
    pub weaknesses: Vec<Weakness>,
    /// References.
    pub references: Vec<Reference>,
    /// Applicability configurations (alternatives).
    pub configurations: Vec<Configuration>,
    /// KEV date added as copied by NVD (`cisaExploitAdd`).
    pub cisa_exploit_add: Option<Box<str>>,
}

/// A CVE 5 version statement, cleaned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRule {
    /// `affected` (true) or `unaffected`/`unknown` (false).
    pub affected: bool,
    /// The statement's shape.
    pub kind: VersionRuleKind,
    /// `versionType` as given (`git` rules are never evaluated).
    pub version_type: Option<Box<str>>,
    /// `changes[]`: `(at, affected)`, sorted by version.
    pub changes: Vec<(Box<str>, bool)>,
}

/// Shape of a CVE 5 version statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum VersionRuleKind {
    /// One version (`version` without `lessThan*`).
    Exact(Box<str>),
    /// Every version starting with this branch (`5.2.x`, `5.*`): equal to the
    /// prefix or starting with `prefix.`.
    Branch(Box<str>),
    /// `[start, end)` or `[start, end]`; `None` bounds are open.
    Range {
        /// Inclusive lower bound.
        start: Option<Box<str>>,
        /// Upper bound.
        end: Option<Box<str>>,
        /// Whether the upper bound is included (`lessThanOrEqual`).
        end_inclusive: bool,
    },
    /// Every version (`version: "*"`/`"all"` without bounds).
    All,
}

/// A CVE 5 `affected[]` entry, cleaned and mapped to CPE vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AffectedProduct {
    /// `cna` or `adp`.
    pub origin: Origin,
    /// Vendor as written by the CNA/ADP.
    pub vendor: Box<str>,
    /// Product as written by the CNA/ADP.
    pub product: Box<str>,
    /// Criteria naming the product: from `cpes[]`, or built from the
    /// (aliased) vendor/product. Their version attribute is ignored when
    /// `versions` is not empty.
    pub targets: Vec<u32>,
    /// Version statements.
    pub versions: Vec<VersionRule>,
    /// `defaultStatus: affected`.
    pub default_affected: bool,
}

/// SSVC decision points published by CISA-ADP.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Ssvc {
    /// `none` / `poc` / `active`.
    pub exploitation: Option<Box<str>>,
    /// `yes` / `no`.
    pub automatable: Option<Box<str>>,
    /// `partial` / `total`.
    pub technical_impact: Option<Box<str>>,
}

/// The CVE 5 section of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cve5Section {
    /// `PUBLISHED` / `REJECTED`.
    pub status: VulnStatus,
    /// `dateUpdated` (drives replacement).
    pub date_updated: Option<Box<str>>,
    /// `datePublished`.
    pub date_published: Option<Box<str>>,
    /// CNA short name.
    pub assigner: Option<Box<str>>,
    /// CNA English description.
    pub description: Option<Box<str>>,
    /// CVSS from the CNA and the ADPs.
    pub metrics: Vec<Metric>,
    /// CNA `cpeApplicability` (CVE 5.1).
    pub configurations: Vec<Configuration>,
    /// CNA and ADP `affected[]`.
    pub affected: Vec<AffectedProduct>,
    /// SSVC from CISA-ADP.
    pub ssvc: Option<Ssvc>,
    /// KEV `dateAdded` from CISA-ADP.
    pub kev_date_added: Option<Box<str>>,
}

/// Everything known about one CVE id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CveEntry {
    /// `CVE-YYYY-NNNN`.
    pub id: Box<str>,
    /// From NVD.
    pub nvd: Option<NvdSection>,
    /// From a CVE 5 record.
    pub cve5: Option<Cve5Section>,
}

impl CveEntry {
    /// Rejected by NVD or by the CVE Program.
    pub fn is_rejected(&self) -> bool {
        self.nvd.as_ref().is_some_and(|n| n.status.is_rejected())
            || self.cve5.as_ref().is_some_and(|c| c.status.is_rejected())
    }

    /// All metrics, NVD first.
    pub fn metrics(&self) -> impl Iterator<Item = &Metric> {
        self.nvd
            .iter()
            .flat_map(|n| n.metrics.iter())
            .chain(self.cve5.iter().flat_map(|c| c.metrics.iter()))
    }

    /// The preferred metric: NVD Primary v4.0 → v3.1 → v3.0 → v2; else the
    /// CNA's (NVD Secondary or CVE 5 CNA container) in the same version
    /// order; else an ADP's.
    pub fn preferred_metric(&self) -> Option<&Metric> {
        let order = [
            CvssVersion::V40,
            CvssVersion::V31,
            CvssVersion::V30,
            CvssVersion::V2,
        ];
        let tiers: [&dyn Fn(&Metric) -> bool; 3] = [
            &|m: &Metric| m.origin == Origin::Nvd && m.primary,
            &|m: &Metric| m.origin == Origin::Cna || (m.origin == Origin::Nvd && !m.primary),
            &|m: &Metric| m.origin == Origin::Adp,
        ];
        for tier in tiers {
            for v in order {
                if let Some(m) = self
                    .metrics()
                    .find(|m| tier(m) && m.version == v && m.base_score.is_some())
                {
                    return Some(m);
                }
            }
        }
        None
    }

    /// KEV flag carried by the record itself (NVD `cisaExploitAdd` or a CISA-ADP KEV metric).
    pub fn kev_in_record(&self) -> bool {
        self.nvd
            .as_ref()
            .is_some_and(|n| n.cisa_exploit_add.is_some())
            || self
                .cve5
                .as_ref()
                .is_some_and(|c| c.kev_date_added.is_some())
    }
}

/// Severity band of a score (the same bands for CVSS v3 and v4; used for v2
/// only when NVD did not publish a severity, and then with the v3 bands).
pub fn severity_of(score: f64) -> &'static str {
    if score <= 0.0 {
        "NONE"
    } else if score < 4.0 {
        "LOW"
    } else if score < 7.0 {
        "MEDIUM"
    } else if score < 9.0 {
        "HIGH"
    } else {
        "CRITICAL"
    }
}
