//! [`VulnStore`]: the in-memory store of records, KEV and EPSS data, and the
//! conversion of upstream shapes into the compact model.

use std::collections::HashMap;

/// The hasher of the store's maps (CVE ids): foldhash, seeded per process.
type FastHash = foldhash::fast::RandomState;

use crate::feeds::aliases::{AliasTable, is_placeholder};
use crate::feeds::raw;
use crate::feeds::report::{CleanCounts, FeedReport, Upsert};
use crate::matching::criteria::{CriteriaTable, build_cpe23};
use crate::model::{
    AffectedProduct, Configuration, Cve5Section, CveEntry, CvssVersion, MatchRef, Metric, Node,
    NvdSection, Operator, Origin, Reference, Ssvc, VersionRule, VersionRuleKind, VulnStatus,
    Weakness, severity_of,
};

/// A KEV catalogue entry.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KevEntry {
    /// Date added to the catalogue.
    pub date_added: Option<Box<str>>,
    /// Remediation due date.
    pub due_date: Option<Box<str>>,
    /// Known use in ransomware campaigns.
    pub ransomware: bool,
}

/// An EPSS score.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Epss {
    /// Probability of exploitation in the next 30 days.
    pub score: f32,
    /// Percentile.
    pub percentile: f32,
}

/// The in-memory store of everything imported.
#[derive(Debug, Clone)]
pub struct VulnStore {
    entries: Vec<CveEntry>,
    by_id: HashMap<Box<str>, u32, FastHash>,
    /// Interned criteria referenced by configurations and affected products.
    pub criteria: CriteriaTable,
    kev: HashMap<Box<str>, KevEntry, FastHash>,
    epss: HashMap<Box<str>, Epss, FastHash>,
    aliases: AliasTable,
    /// Incremented on every change; lets an index know it is stale.
    generation: u64,
}

impl Default for VulnStore {
    fn default() -> Self {
        VulnStore::new()
    }
}

impl VulnStore {
    /// An empty store using the embedded alias table.
    pub fn new() -> VulnStore {
        // The embedded table is tested; fall back to an empty one rather than panic.
        let aliases = AliasTable::embedded().unwrap_or_default();
        VulnStore::with_aliases(aliases)
    }

    /// An empty store with a given alias table.
    pub fn with_aliases(aliases: AliasTable) -> VulnStore {
        VulnStore {
            entries: Vec::new(),
            by_id: HashMap::default(),
            criteria: CriteriaTable::default(),
            kev: HashMap::default(),
            epss: HashMap::default(),
            aliases,
            generation: 0,
        }
    }

    /// Number of CVE ids known.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Change counter.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Look a record up by id.
    pub fn get(&self, id: &str) -> Option<&CveEntry> {
        self.by_id.get(id).map(|&i| &self.entries[i as usize])
    }

    /// Position of a record (stable for the store's lifetime).
    pub fn position(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// Record at a position.
    pub fn entry(&self, pos: u32) -> Option<&CveEntry> {
        self.entries.get(pos as usize)
    }

    /// All records.
    pub fn entries(&self) -> &[CveEntry] {
        &self.entries
    }

    /// KEV entry of a CVE.
    pub fn kev(&self, id: &str) -> Option<&KevEntry> {
        self.kev.get(id)
    }

    /// Whether the CVE is known exploited (catalogue, NVD copy or CISA-ADP flag).
    pub fn is_kev(&self, id: &str) -> bool {
        self.kev.contains_key(id) || self.get(id).is_some_and(CveEntry::kev_in_record)
    }

    /// EPSS of a CVE.
    pub fn epss(&self, id: &str) -> Option<Epss> {
        self.epss.get(id).copied()
    }

    /// Every KEV entry, sorted by CVE id.
    pub fn kev_entries(&self) -> Vec<(&str, &KevEntry)> {
        let mut v: Vec<_> = self.kev.iter().map(|(k, e)| (&**k, e)).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// Every EPSS score, sorted by CVE id.
    pub fn epss_entries(&self) -> Vec<(&str, Epss)> {
        let mut v: Vec<_> = self.epss.iter().map(|(k, e)| (&**k, *e)).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// Rebuild a store from its parts (as saved by [`crate::store`]): the
    /// records in position order, the criteria table they refer to, KEV and
    /// EPSS data. The embedded alias table is used for later imports.
    pub fn from_parts(
        entries: Vec<CveEntry>,
        criteria: CriteriaTable,
        kev: Vec<(Box<str>, KevEntry)>,
        epss: Vec<(Box<str>, Epss)>,
    ) -> VulnStore {
        let mut s = VulnStore::new();
        s.by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        s.entries = entries;
        s.criteria = criteria;
        s.kev = kev.into_iter().collect();
        s.epss = epss.into_iter().collect();
        s
    }

    /// Mutable access to the records (used to strip or restore the detail
    /// fields when saving and loading a compiled store).
    pub fn entries_mut(&mut self) -> &mut [CveEntry] {
        &mut self.entries
    }

    /// Number of KEV entries.
    pub fn kev_len(&self) -> usize {
        self.kev.len()
    }

    /// Number of EPSS entries.
    pub fn epss_len(&self) -> usize {
        self.epss.len()
    }

    fn slot(&mut self, id: &str) -> (u32, bool) {
        if let Some(&i) = self.by_id.get(id) {
            return (i, false);
        }
        let i = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        self.entries.push(CveEntry {
            id: id.into(),
            nvd: None,
            cve5: None,
        });
        self.by_id.insert(id.into(), i);
        (i, true)
    }

    /// Insert or replace the NVD section of a record. A record whose
    /// `lastModified` is not newer than the stored one is ignored.
    pub fn upsert_nvd(&mut self, cve: raw::NvdCve, report: &mut FeedReport) -> Upsert {
        let id = cve.id.trim().to_owned();
        if let Some(existing) = self.get(&id).and_then(|e| e.nvd.as_ref())
            && !newer(
                cve.last_modified.as_deref(),
                existing.last_modified.as_deref(),
            )
        {
            return Upsert::Stale;
        }
        let section = self.convert_nvd(cve, &mut report.cleaned);
        if section.status.is_rejected() {
            report.rejected += 1;
        }
        self.generation += 1;
        let (pos, fresh) = self.slot(&id);
        let entry = &mut self.entries[pos as usize];
        let had = entry.nvd.is_some();
        entry.nvd = Some(section);
        match (fresh, had) {
            (_, true) => Upsert::Replaced,
            _ => Upsert::Inserted,
        }
    }

    /// Insert or replace the CVE 5 section of a record (by `dateUpdated`).
    pub fn upsert_cve5(&mut self, rec: raw::Cve5Record, report: &mut FeedReport) -> Upsert {
        let id = rec.cve_metadata.cve_id.trim().to_owned();
        if let Some(existing) = self.get(&id).and_then(|e| e.cve5.as_ref())
            && !newer(
                rec.cve_metadata.date_updated.as_deref(),
                existing.date_updated.as_deref(),
            )
        {
            return Upsert::Stale;
        }
        let section = self.convert_cve5(rec, &mut report.cleaned);
        if section.status.is_rejected() {
            report.rejected += 1;
        }
        self.generation += 1;
        let (pos, _) = self.slot(&id);
        let entry = &mut self.entries[pos as usize];
        let had = entry.cve5.is_some();
        entry.cve5 = Some(section);
        if had {
            Upsert::Replaced
        } else {
            Upsert::Inserted
        }
    }

    /// Insert a KEV entry.
    pub fn insert_kev(&mut self, item: raw::KevItem) {
        self.generation += 1;
        self.kev.insert(
            item.cve_id.trim().into(),
            KevEntry {
                date_added: item.date_added.map(Into::into),
                due_date: item.due_date.map(Into::into),
                ransomware: item
                    .known_ransomware_campaign_use
                    .is_some_and(|s| s.eq_ignore_ascii_case("known")),
            },
        );
    }

    /// Insert an EPSS score.
    pub fn insert_epss(&mut self, cve: &str, epss: Epss) {
        self.generation += 1;
        self.epss.insert(cve.trim().into(), epss);
    }

    // ------------------------------------------------------------ conversion

    fn convert_configs(
        &mut self,
        configs: &[raw::RawConfiguration],
        origin: Origin,
        cleaned: &mut CleanCounts,
    ) -> Vec<Configuration> {
        configs
            .iter()
            .map(|c| Configuration {
                operator: Operator::parse(c.operator.as_deref()),
                negate: c.negate.unwrap_or(false),
                origin,
                nodes: c
                    .nodes
                    .iter()
                    .map(|n| Node {
                        operator: Operator::parse(n.operator.as_deref()),
                        negate: n.negate.unwrap_or(false),
                        matches: n
                            .cpe_match
                            .iter()
                            .map(|m| {
                                let (id, ok) = self.criteria.intern(
                                    m.criteria.trim(),
                                    m.match_criteria_id.as_deref(),
                                    m.version_start_including.as_deref(),
                                    m.version_start_excluding.as_deref(),
                                    m.version_end_including.as_deref(),
                                    m.version_end_excluding.as_deref(),
                                );
                                if !ok {
                                    cleaned.invalid_cpe += 1;
                                }
                                MatchRef {
                                    vulnerable: m.vulnerable,
                                    criterion: id,
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect()
    }

    fn convert_nvd(&mut self, cve: raw::NvdCve, cleaned: &mut CleanCounts) -> NvdSection {
        let mut metrics = Vec::new();
        for (list, version) in [
            (&cve.metrics.v40, CvssVersion::V40),
            (&cve.metrics.v31, CvssVersion::V31),
            (&cve.metrics.v30, CvssVersion::V30),
            (&cve.metrics.v2, CvssVersion::V2),
        ] {
            for m in list {
                let primary = m.kind.eq_ignore_ascii_case("primary");
                let origin = if primary || m.source == "nvd@nist.gov" {
                    Origin::Nvd
                } else {
                    Origin::Cna
                };
                if let Some(metric) = make_metric(
                    origin,
                    &m.source,
                    primary,
                    version,
                    &m.cvss_data,
                    m.base_severity.as_deref(),
                ) {
                    metrics.push(metric);
                }
            }
        }
        let configurations = self.convert_configs(&cve.configurations, Origin::Nvd, cleaned);
        NvdSection {
            source_identifier: cve.source_identifier.map(Into::into),
            published: cve.published.map(Into::into),
            last_modified: cve.last_modified.map(Into::into),
            status: VulnStatus::parse(cve.vuln_status.as_deref().unwrap_or("")),
            descriptions: cve
                .descriptions
                .into_iter()
                .map(|d| (d.lang.into_boxed_str(), d.value.into_boxed_str()))
                .collect(),
            metrics,
            weaknesses: cve
                .weaknesses
                .into_iter()
                .flat_map(|w| {
                    let primary = w.kind.eq_ignore_ascii_case("primary");
                    let source: Box<str> = w.source.into();
                    w.description.into_iter().map(move |d| Weakness {
                        source: source.clone(),
                        primary,
                        cwe: d.value.into(),
                    })
                })
                .collect(),
            references: cve
                .references
                .into_iter()
                .map(|r| Reference {
                    url: r.url.into(),
                    source: r.source.map(Into::into),
                    tags: r.tags.into_iter().map(Into::into).collect(),
                })
                .collect(),
            configurations,
            cisa_exploit_add: cve.cisa_exploit_add.map(Into::into),
        }
    }

    fn convert_cve5(&mut self, rec: raw::Cve5Record, cleaned: &mut CleanCounts) -> Cve5Section {
        let meta = rec.cve_metadata;
        let mut metrics = Vec::new();
        let mut affected = Vec::new();
        let mut configurations = Vec::new();
        let mut ssvc = None;
        let mut kev_date_added = None;
        let mut description = None;
        let containers = rec
            .containers
            .cna
            .into_iter()
            .map(|c| (Origin::Cna, c))
            .chain(rec.containers.adp.into_iter().map(|c| (Origin::Adp, c)));
        for (origin, c) in containers {
            let provider = c
                .provider_metadata
                .as_ref()
                .and_then(|p| p.short_name.clone())
                .or_else(|| meta.assigner_short_name.clone())
                .unwrap_or_default();
            if origin == Origin::Cna {
                description = c
                    .descriptions
                    .iter()
                    .find(|d| d.lang.starts_with("en"))
                    .or(c.descriptions.first())
                    .map(|d| d.value.clone().into_boxed_str());
                configurations = self.convert_configs(&c.cpe_applicability, Origin::Cna, cleaned);
            }
            for m in &c.metrics {
                for (data, v) in [
                    (&m.v40, CvssVersion::V40),
                    (&m.v31, CvssVersion::V31),
                    (&m.v30, CvssVersion::V30),
                    (&m.v20, CvssVersion::V2),
                ] {
                    if let Some(d) = data
                        && let Some(metric) = make_metric(origin, &provider, false, v, d, None)
                    {
                        metrics.push(metric);
                    }
                }
                if let Some(other) = &m.other {
                    match other
                        .kind
                        .as_deref()
                        .map(str::to_ascii_lowercase)
                        .as_deref()
                    {
                        Some("kev") => {
                            kev_date_added = Some(
                                other
                                    .content
                                    .get("dateAdded")
                                    .and_then(|v| v.as_str())
                                    .unwrap_or("")
                                    .into(),
                            );
                        }
                        Some("ssvc") => ssvc = Some(parse_ssvc(&other.content)),
                        _ => {}
                    }
                }
            }
            for a in &c.affected {
                if let Some(p) = self.convert_affected(origin, a, cleaned) {
                    affected.push(p);
                }
            }
        }
        Cve5Section {
            status: VulnStatus::parse(meta.state.as_deref().unwrap_or("")),
            date_updated: meta.date_updated.map(Into::into),
            date_published: meta.date_published.map(Into::into),
            assigner: meta.assigner_short_name.map(Into::into),
            description,
            metrics,
            configurations,
            affected,
            ssvc,
            kev_date_added,
        }
    }

    fn convert_affected(
        &mut self,
        origin: Origin,
        a: &raw::Cve5Affected,
        cleaned: &mut CleanCounts,
    ) -> Option<AffectedProduct> {
        let vendor = a.vendor.clone().unwrap_or_default();
        let product = a.product.clone().unwrap_or_default();
        let mut targets = Vec::new();
        for cpe in &a.cpes {
            let cpe = cpe.trim();
            if cpe.is_empty() {
                continue;
            }
            let (id, ok) = self.criteria.intern(cpe, None, None, None, None, None);
            if ok {
                targets.push(id);
            } else {
                cleaned.invalid_cpe += 1;
            }
        }
        if targets.is_empty() {
            match self.aliases.map(&vendor, &product) {
                Some((v, p, aliased)) => {
                    if aliased {
                        cleaned.alias_applied += 1;
                    }
                    let cpe = build_cpe23("*", &v, &p, "*");
                    let (id, ok) = self.criteria.intern(&cpe, None, None, None, None, None);
                    if ok {
                        targets.push(id);
                    } else {
                        cleaned.invalid_cpe += 1;
                    }
                }
                None => {
                    cleaned.unmappable_product += 1;
                }
            }
        }
        let mut versions = Vec::new();
        for v in &a.versions {
            if let Some(rule) = clean_version(v, cleaned) {
                versions.push(rule);
            }
        }
        if targets.is_empty() {
            return None;
        }
        Some(AffectedProduct {
            origin,
            vendor: vendor.into(),
            product: product.into(),
            targets,
            versions,
            default_affected: a
                .default_status
                .as_deref()
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("affected")),
        })
    }
}

/// `a` is strictly newer than `b` (ISO-8601 text; absent is oldest).
fn newer(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.trim() > b.trim(),
        (Some(_), None) => true,
        (None, Some(_)) => false,
        (None, None) => true,
    }
}

fn make_metric(
    origin: Origin,
    source: &str,
    primary: bool,
    version: CvssVersion,
    d: &raw::CvssData,
    outer_severity: Option<&str>,
) -> Option<Metric> {
    let vector = d.vector_string.as_deref()?.trim();
    if vector.is_empty() {
        return None;
    }
    let computed = if d.base_score.is_none() {
        zian_cvss::score_vector(vector).ok()
    } else {
        None
    };
    let base_score = d.base_score.or(computed.as_ref().map(|s| s.base));
    let severity = d
        .base_severity
        .as_deref()
        .or(outer_severity)
        .map(|s| s.to_ascii_uppercase().into_boxed_str())
        .or_else(|| base_score.map(|s| severity_of(s).into()));
    Some(Metric {
        origin,
        source: source.into(),
        primary,
        version,
        vector: vector.into(),
        base_score,
        severity,
    })
}

fn parse_ssvc(content: &serde_json::Value) -> Ssvc {
    let mut out = Ssvc::default();
    if let Some(opts) = content.get("options").and_then(|o| o.as_array()) {
        for o in opts {
            if let Some(obj) = o.as_object() {
                for (k, v) in obj {
                    let val: Option<Box<str>> = v.as_str().map(|s| s.to_ascii_lowercase().into());
                    let key: String = k
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    match key.as_str() {
                        "exploitation" => out.exploitation = val,
                        "automatable" => out.automatable = val,
                        "technicalimpact" => out.technical_impact = val,
                        _ => {}
                    }
                }
            }
        }
    }
    out
}

/// Clean one text value: trim (counting trailing/leading spaces); `None`
/// for placeholders (`n/a`, `unspecified`, empty).
fn clean_text(s: Option<&str>, cleaned: &mut CleanCounts) -> Option<String> {
    let raw = s?;
    let t = raw.trim();
    if t.len() != raw.len() {
        cleaned.whitespace_trimmed += 1;
    }
    if is_placeholder(t) && t != "*" {
        cleaned.placeholder_version += 1;
        return None;
    }
    Some(t.to_owned())
}

/// Strip a branch wildcard suffix (`5.2.x`, `8.1.*`, `4.x`) → `5.2`.
fn strip_branch(s: &str) -> Option<&str> {
    for suf in [".x", ".X", ".*"] {
        if let Some(p) = s.strip_suffix(suf)
            && !p.is_empty()
        {
            return Some(p);
        }
    }
    None
}

/// Turn one CVE 5 `versions[]` entry into a rule, cleaning dirty values and
/// counting what was cleaned. `None` when nothing usable remains.
fn clean_version(v: &raw::Cve5Version, cleaned: &mut CleanCounts) -> Option<VersionRule> {
    let status = v.status.as_deref().map(str::trim).unwrap_or("affected");
    let affected = status.eq_ignore_ascii_case("affected");
    let version_type = v
        .version_type
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Into::into);
    let mut start = clean_text(v.version.as_deref(), cleaned);
    let lt = clean_text(v.less_than.as_deref(), cleaned);
    let lte = clean_text(v.less_than_or_equal.as_deref(), cleaned);
    let (end, end_inclusive) = match (lt, lte) {
        (Some(l), _) => (Some(l), false),
        (None, Some(l)) => (Some(l), true),
        (None, None) => (None, false),
    };
    let mut changes: Vec<(Box<str>, bool)> = v
        .changes
        .iter()
        .filter_map(|c| {
            let at = clean_text(c.at.as_deref(), cleaned)?;
            let st = c
                .status
                .as_deref()
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("affected"));
            Some((at.into_boxed_str(), st))
        })
        .collect();
    changes.sort_by(|a, b| {
        zian_version::Version::parse(&a.0).cmp(&zian_version::Version::parse(&b.0))
    });
    let kind = if end.is_some() || v.less_than.is_some() || v.less_than_or_equal.is_some() {
        let mut end = end;
        if end.as_deref() == Some("*") {
            // `lessThan: "*"`: no upper bound.
            cleaned.open_upper_bound += 1;
            end = None;
        }
        if let Some(s) = start.as_deref() {
            if s == "0" || s == "*" {
                // `version: "0"` / `"*"` with a bound: no lower bound.
                cleaned.zero_lower_bound += 1;
                start = None;
            } else if Some(s) == end.as_deref() {
                // `version` equal to `lessThan`: the CNA put the fixed
                // version in both fields; the range is everything below it.
                cleaned.version_equals_bound += 1;
                start = None;
            } else if let Some(p) = strip_branch(s) {
                cleaned.branch_wildcard += 1;
                start = Some(p.to_owned());
            }
        }
        VersionRuleKind::Range {
            start: start.map(Into::into),
            end: end.map(Into::into),
            end_inclusive,
        }
    } else {
        match start {
            None => return None,
            Some(s) if s == "*" || s.eq_ignore_ascii_case("all") => VersionRuleKind::All,
            Some(s) => match strip_branch(&s) {
                Some(p) => {
                    cleaned.branch_wildcard += 1;
                    VersionRuleKind::Branch(p.into())
                }
                None => VersionRuleKind::Exact(s.into()),
            },
        }
    };
    Some(VersionRule {
        affected,
        kind,
        version_type,
        changes,
    })
}
