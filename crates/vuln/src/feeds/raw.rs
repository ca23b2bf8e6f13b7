//! Serde shapes of the upstream formats, as published (NVD CVE API 2.0,
//! CVE JSON 5.x, CISA KEV). Unknown keys are ignored everywhere; optional
//! keys default. These types are an input layer only: [`super::store`]
//! converts them into the compact stored model.

use serde::{Deserialize, Deserializer};

/// `null` or absent → `Default::default()`; used for arrays that some
/// producers write as `null`.
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A string that some producers write as a number (`"version": 7`).
fn string_or_number<'de, D>(d: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum SoN {
        S(String),
        I(i64),
        F(f64),
        B(bool),
    }
    Ok(match Option::<SoN>::deserialize(d)? {
        None => None,
        Some(SoN::S(s)) => Some(s),
        Some(SoN::I(i)) => Some(i.to_string()),
        Some(SoN::F(f)) => Some(f.to_string()),
        Some(SoN::B(b)) => Some(b.to_string()),
    })
}

/// `{"lang","value"}`.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct LangString {
    /// Language tag.
    #[serde(default)]
    pub lang: String,
    /// Text.
    #[serde(default)]
    pub value: String,
}

// ------------------------------------------------------------------ NVD 2.0

/// One `cve` object of the NVD CVE API 2.0.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NvdCve {
    /// `CVE-YYYY-NNNN`.
    pub id: String,
    /// Who submitted the CVE.
    #[serde(default)]
    pub source_identifier: Option<String>,
    /// Publication timestamp.
    #[serde(default)]
    pub published: Option<String>,
    /// Last modification timestamp.
    #[serde(default)]
    pub last_modified: Option<String>,
    /// Analysis status (`Analyzed`, `Modified`, `Rejected`, …).
    #[serde(default)]
    pub vuln_status: Option<String>,
    /// KEV date added as copied by NVD.
    #[serde(default)]
    pub cisa_exploit_add: Option<String>,
    /// KEV action due date as copied by NVD.
    #[serde(default)]
    pub cisa_action_due: Option<String>,
    /// Descriptions.
    #[serde(default, deserialize_with = "null_default")]
    pub descriptions: Vec<LangString>,
    /// CVSS metrics.
    #[serde(default, deserialize_with = "null_default")]
    pub metrics: NvdMetrics,
    /// CWE weaknesses.
    #[serde(default, deserialize_with = "null_default")]
    pub weaknesses: Vec<NvdWeakness>,
    /// Applicability configurations.
    #[serde(default, deserialize_with = "null_default")]
    pub configurations: Vec<RawConfiguration>,
    /// References.
    #[serde(default, deserialize_with = "null_default")]
    pub references: Vec<NvdReference>,
}

/// `metrics` of an NVD record.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct NvdMetrics {
    /// CVSS v4.0 metrics.
    #[serde(default, rename = "cvssMetricV40", deserialize_with = "null_default")]
    pub v40: Vec<NvdCvssMetric>,
    /// CVSS v3.1 metrics.
    #[serde(default, rename = "cvssMetricV31", deserialize_with = "null_default")]
    pub v31: Vec<NvdCvssMetric>,
    /// CVSS v3.0 metrics.
    #[serde(default, rename = "cvssMetricV30", deserialize_with = "null_default")]
    pub v30: Vec<NvdCvssMetric>,
    /// CVSS v2 metrics.
    #[serde(default, rename = "cvssMetricV2", deserialize_with = "null_default")]
    pub v2: Vec<NvdCvssMetric>,
}

/// One `cvssMetricVxx` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NvdCvssMetric {
    /// Who scored it (`nvd@nist.gov`, a CNA's address).
    #[serde(default)]
    pub source: String,
    /// `Primary` or `Secondary`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The vector and base score.
    pub cvss_data: CvssData,
    /// v2 keeps the severity outside `cvssData`.
    #[serde(default)]
    pub base_severity: Option<String>,
}

/// `cvssData` (NVD) or `cvssV3_1` etc. (CVE 5).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CvssData {
    /// `2.0`, `3.0`, `3.1`, `4.0`.
    #[serde(default, deserialize_with = "string_or_number")]
    pub version: Option<String>,
    /// The vector string.
    #[serde(default)]
    pub vector_string: Option<String>,
    /// Base score as published.
    #[serde(default)]
    pub base_score: Option<f64>,
    /// Severity as published (v3/v4).
    #[serde(default)]
    pub base_severity: Option<String>,
}

/// A `weaknesses` entry.
#[derive(Debug, Clone, Deserialize)]
pub struct NvdWeakness {
    /// Who asserted it.
    #[serde(default)]
    pub source: String,
    /// `Primary` / `Secondary`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// CWE ids as `{"lang","value"}`.
    #[serde(default, deserialize_with = "null_default")]
    pub description: Vec<LangString>,
}

/// A `references` entry.
#[derive(Debug, Clone, Deserialize)]
pub struct NvdReference {
    /// URL.
    #[serde(default)]
    pub url: String,
    /// Who added it.
    #[serde(default)]
    pub source: Option<String>,
    /// Tags (`Patch`, `Vendor Advisory`, …).
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
}

/// A `configurations` entry (NVD) or `cpeApplicability` entry (CVE 5.1).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawConfiguration {
    /// `AND` / `OR`; absent means OR.
    #[serde(default)]
    pub operator: Option<String>,
    /// Negation of the whole configuration.
    #[serde(default)]
    pub negate: Option<bool>,
    /// Nodes.
    #[serde(default, deserialize_with = "null_default")]
    pub nodes: Vec<RawNode>,
}

/// A configuration node.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawNode {
    /// `AND` / `OR`.
    #[serde(default)]
    pub operator: Option<String>,
    /// Negation.
    #[serde(default)]
    pub negate: Option<bool>,
    /// Match entries.
    #[serde(default, deserialize_with = "null_default")]
    pub cpe_match: Vec<RawCpeMatch>,
}

/// A `cpeMatch` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawCpeMatch {
    /// `true`: the named software is vulnerable; `false`: platform.
    #[serde(default)]
    pub vulnerable: bool,
    /// CPE 2.3 formatted string.
    pub criteria: String,
    /// NVD's id of the criteria.
    #[serde(default)]
    pub match_criteria_id: Option<String>,
    /// Lower bound, inclusive.
    #[serde(default, deserialize_with = "string_or_number")]
    pub version_start_including: Option<String>,
    /// Lower bound, exclusive.
    #[serde(default, deserialize_with = "string_or_number")]
    pub version_start_excluding: Option<String>,
    /// Upper bound, inclusive.
    #[serde(default, deserialize_with = "string_or_number")]
    pub version_end_including: Option<String>,
    /// Upper bound, exclusive.
    #[serde(default, deserialize_with = "string_or_number")]
    pub version_end_excluding: Option<String>,
}

/// An element of `vulnerabilities[]`.
#[derive(Debug, Deserialize)]
pub struct NvdItem {
    /// The record.
    pub cve: NvdCve,
}

/// Minimal shape used to name a record that failed to parse.
#[derive(Debug, Deserialize)]
pub struct IdProbe {
    /// `id` (NVD bare) .
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    /// `cve.id` (NVD wrapped).
    #[serde(default)]
    pub cve: Option<serde_json::Value>,
    /// `cveMetadata.cveId` (CVE 5).
    #[serde(default, rename = "cveMetadata")]
    pub cve_metadata: Option<serde_json::Value>,
    /// `cveID` (KEV).
    #[serde(default, rename = "cveID")]
    pub cve_id: Option<serde_json::Value>,
}

impl IdProbe {
    /// Best-effort id of a record, for error reports.
    pub fn id_of(raw: &str) -> Option<String> {
        let p: IdProbe = serde_json::from_str(raw).ok()?;
        let s = |v: &serde_json::Value| v.as_str().map(str::to_owned);
        p.id.as_ref()
            .and_then(s)
            .or_else(|| p.cve.as_ref().and_then(|c| c.get("id")).and_then(s))
            .or_else(|| {
                p.cve_metadata
                    .as_ref()
                    .and_then(|c| c.get("cveId"))
                    .and_then(s)
            })
            .or_else(|| p.cve_id.as_ref().and_then(s))
    }
}

// ------------------------------------------------------------------ CVE 5

/// A CVE JSON 5.x record.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cve5Record {
    /// `CVE_RECORD`.
    #[serde(default)]
    pub data_type: Option<String>,
    /// `5.0`, `5.1`.
    #[serde(default, deserialize_with = "string_or_number")]
    pub data_version: Option<String>,
    /// Metadata (id, state, dates).
    pub cve_metadata: Cve5Metadata,
    /// CNA and ADP containers.
    #[serde(default)]
    pub containers: Cve5Containers,
}

/// `cveMetadata`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cve5Metadata {
    /// The id.
    pub cve_id: String,
    /// `PUBLISHED` / `REJECTED`.
    #[serde(default)]
    pub state: Option<String>,
    /// Last update.
    #[serde(default)]
    pub date_updated: Option<String>,
    /// Publication.
    #[serde(default)]
    pub date_published: Option<String>,
    /// CNA short name.
    #[serde(default)]
    pub assigner_short_name: Option<String>,
}

/// `containers`.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Cve5Containers {
    /// The CNA container.
    #[serde(default)]
    pub cna: Option<Cve5Container>,
    /// ADP containers (CISA-ADP, CVE Program).
    #[serde(default, deserialize_with = "null_default")]
    pub adp: Vec<Cve5Container>,
}

/// A CNA or ADP container (the fields this engine uses).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Cve5Container {
    /// Provider (`shortName`, `orgId`).
    #[serde(default)]
    pub provider_metadata: Option<Cve5Provider>,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Descriptions.
    #[serde(default, deserialize_with = "null_default")]
    pub descriptions: Vec<LangString>,
    /// Affected products.
    #[serde(default, deserialize_with = "null_default")]
    pub affected: Vec<Cve5Affected>,
    /// Metrics (CVSS and `other`: SSVC, KEV).
    #[serde(default, deserialize_with = "null_default")]
    pub metrics: Vec<Cve5Metric>,
    /// CVE 5.1 NVD-style applicability statements.
    #[serde(default, deserialize_with = "null_default")]
    pub cpe_applicability: Vec<RawConfiguration>,
    /// References.
    #[serde(default, deserialize_with = "null_default")]
    pub references: Vec<NvdReference>,
}

/// `providerMetadata`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Cve5Provider {
    /// Short name (`CISA-ADP`, `palo_alto`, …).
    #[serde(default)]
    pub short_name: Option<String>,
    /// Organisation UUID.
    #[serde(default)]
    pub org_id: Option<String>,
}

/// An `affected[]` entry.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Cve5Affected {
    /// Vendor name as the CNA writes it.
    #[serde(default)]
    pub vendor: Option<String>,
    /// Product name as the CNA writes it.
    #[serde(default)]
    pub product: Option<String>,
    /// CPE names (2.2 or 2.3).
    #[serde(default, deserialize_with = "null_default")]
    pub cpes: Vec<String>,
    /// Version statements.
    #[serde(default, deserialize_with = "null_default")]
    pub versions: Vec<Cve5Version>,
    /// Status of versions not listed.
    #[serde(default)]
    pub default_status: Option<String>,
    /// Platforms (free text).
    #[serde(default, deserialize_with = "null_default")]
    pub platforms: Vec<String>,
}

/// A `versions[]` entry.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Cve5Version {
    /// Single version or range start.
    #[serde(default, deserialize_with = "string_or_number")]
    pub version: Option<String>,
    /// `affected` / `unaffected` / `unknown`.
    #[serde(default)]
    pub status: Option<String>,
    /// Exclusive upper bound.
    #[serde(default, deserialize_with = "string_or_number")]
    pub less_than: Option<String>,
    /// Inclusive upper bound.
    #[serde(default, deserialize_with = "string_or_number")]
    pub less_than_or_equal: Option<String>,
    /// Version scheme (`semver`, `custom`, `rpm`, …).
    #[serde(default)]
    pub version_type: Option<String>,
    /// Status changes inside the range.
    #[serde(default, deserialize_with = "null_default")]
    pub changes: Vec<Cve5Change>,
}

/// A `changes[]` entry.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Cve5Change {
    /// Version at which the status changes.
    #[serde(default, deserialize_with = "string_or_number")]
    pub at: Option<String>,
    /// New status.
    #[serde(default)]
    pub status: Option<String>,
}

/// A `metrics[]` entry of a container.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Cve5Metric {
    /// CVSS 4.0.
    #[serde(default, rename = "cvssV4_0")]
    pub v40: Option<CvssData>,
    /// CVSS 3.1.
    #[serde(default, rename = "cvssV3_1")]
    pub v31: Option<CvssData>,
    /// CVSS 3.0.
    #[serde(default, rename = "cvssV3_0")]
    pub v30: Option<CvssData>,
    /// CVSS 2.0.
    #[serde(default, rename = "cvssV2_0")]
    pub v20: Option<CvssData>,
    /// `other` (SSVC, KEV).
    #[serde(default)]
    pub other: Option<Cve5Other>,
}

/// `metrics[].other`.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Cve5Other {
    /// `ssvc`, `kev`, …
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Free-form content.
    #[serde(default)]
    pub content: serde_json::Value,
}

// ------------------------------------------------------------------ KEV

/// The CISA KEV catalogue.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KevCatalog {
    /// Catalogue version.
    #[serde(default)]
    pub catalog_version: Option<String>,
    /// Entries; kept raw so that one bad entry can be skipped.
    #[serde(default, deserialize_with = "null_default")]
    pub vulnerabilities: Vec<serde_json::Value>,
}

/// One KEV entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KevItem {
    /// The CVE id.
    #[serde(rename = "cveID")]
    pub cve_id: String,
    /// Vendor/project.
    #[serde(default)]
    pub vendor_project: Option<String>,
    /// Product.
    #[serde(default)]
    pub product: Option<String>,
    /// Date added.
    #[serde(default)]
    pub date_added: Option<String>,
    /// Due date.
    #[serde(default)]
    pub due_date: Option<String>,
    /// `Known` / `Unknown`.
    #[serde(default)]
    pub known_ransomware_campaign_use: Option<String>,
}
