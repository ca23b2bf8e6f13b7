//! Matching an inventory against the store.
//!
//! Semantics (NVD CVE API 2.0 configurations, evaluated in full):
//! * the configurations of a record are alternatives: the record applies to
//!   a host when at least one holds;
//! * a configuration combines its nodes by its operator (absent = OR), then
//!   applies its `negate`;
//! * a node combines its `cpeMatch` entries by its operator, then applies its
//!   `negate`;
//! * an entry holds when some asset of the host matches its criterion
//!   ([`criteria::Criterion::matches`]); an entry with `vulnerable: false` is
//!   a platform ("running on/with") and must be satisfied by an asset OTHER
//!   than the one reported as vulnerable;
//! * a finding is reported for each asset that matched a `vulnerable: true`
//!   entry of a non-negated node that holds, in a configuration that holds.
//!
//! Certainty (issue 10): an entry matches an asset either *decided* (the
//! asset name is a subset of or equal to the criterion on every attribute,
//! NISTIR 7696) or with *undecided* attributes: the asset says ANY (`*`)
//! where the criterion names a value (update, edition, language,
//! sw_edition, target_sw, target_hw, other; and the version when the
//! criterion has a range). A finding's path is the reported vulnerable entry
//! of its asset plus, for the nodes the configuration needs (all nodes under
//! AND, the reported entry's node under OR), every entry of AND nodes and
//! one satisfied entry of OR nodes; each entry is satisfied by the asset
//! with the fewest undecided attributes, an OR node by its cheapest entry.
//! The finding is [`Certainty::Confirmed`] when that path has no undecided
//! attribute, else [`Certainty::Possible`] with the union of the path's
//! undecided attributes. Over alternatives (configurations, `affected[]`
//! entries) the path with the fewest undecided attributes wins, so a
//! confirmed alternative always beats a possible one. Negated nodes add
//! nothing (an entry matching only possibly still makes them false).
//!
//! When NVD has no configuration for a record (not analysed, or NVD's
//! risk-based enrichment since 2026-04 skipped it), the CNA's CVE 5.1
//! `cpeApplicability` (same semantics), the CNA's `affected[]` and the
//! CISA-ADP `affected[]` CPEs are used instead, in that order of preference.
//! Rejected records never match.

pub mod criteria;

use std::collections::HashMap;

use serde::Serialize;
use zian_version::Version;

use crate::feeds::VulnStore;
use crate::model::{
    AffectedProduct, Configuration, CveEntry, Operator, Origin, VersionRule, VersionRuleKind,
};
pub use criteria::{
    ATTRIBUTES, Asset, CriteriaTable, Criterion, Hit, VERSION_BIT, build_cpe23, fs_quote,
};

use crate::VulnError;

/// A host: an id and the ids of its assets (sorted by `part:vendor:product`).
#[derive(Debug, Clone)]
pub struct Host {
    /// The host's name or id.
    pub id: String,
    /// Indices into [`Inventory::assets`], sorted by asset key.
    pub assets: Vec<u32>,
}

/// An inventory: hosts and their assets. Equal CPE names are stored once and
/// shared by every host that has them.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    assets: Vec<Asset>,
    asset_ids: HashMap<String, u32>,
    hosts: Vec<Host>,
    host_ids: HashMap<String, u32>,
}

impl Inventory {
    /// An empty inventory.
    pub fn new() -> Inventory {
        Inventory::default()
    }

    /// Add an asset to a host (created on first use). Returns the asset id.
    pub fn add(&mut self, host: &str, asset: Asset) -> u32 {
        let aid = match self.asset_ids.get(&asset.cpe23) {
            Some(&i) => i,
            None => {
                let i = u32::try_from(self.assets.len()).unwrap_or(u32::MAX);
                self.asset_ids.insert(asset.cpe23.clone(), i);
                self.assets.push(asset);
                i
            }
        };
        let hid = match self.host_ids.get(host) {
            Some(&h) => h,
            None => {
                let h = u32::try_from(self.hosts.len()).unwrap_or(u32::MAX);
                self.host_ids.insert(host.to_owned(), h);
                self.hosts.push(Host {
                    id: host.to_owned(),
                    assets: Vec::new(),
                });
                h
            }
        };
        let assets = &self.assets;
        let list = &mut self.hosts[hid as usize].assets;
        if !list.contains(&aid) {
            let key = assets[aid as usize].key.as_str();
            let pos = list.partition_point(|&x| assets[x as usize].key.as_str() <= key);
            list.insert(pos, aid);
        }
        aid
    }

    /// Parse a CPE and add it to a host.
    pub fn add_cpe(&mut self, host: &str, cpe: &str) -> Result<u32, VulnError> {
        let a = match self.asset_ids.get(cpe.trim()) {
            Some(&i) => self.assets[i as usize].clone(),
            None => Asset::from_cpe(cpe)?,
        };
        Ok(self.add(host, a))
    }

    /// All hosts.
    pub fn hosts(&self) -> &[Host] {
        &self.hosts
    }

    /// All distinct assets.
    pub fn assets(&self) -> &[Asset] {
        &self.assets
    }

    /// An asset by id.
    pub fn asset(&self, id: u32) -> &Asset {
        &self.assets[id as usize]
    }

    /// Number of (host, asset) pairs.
    pub fn pair_count(&self) -> usize {
        self.hosts.iter().map(|h| h.assets.len()).sum()
    }

    /// Assets of a host whose key is `key`.
    pub fn host_assets_with_key<'a>(&'a self, host: &'a Host, key: &str) -> &'a [u32] {
        let lo = host
            .assets
            .partition_point(|&x| self.assets[x as usize].key.as_str() < key);
        let hi = host
            .assets
            .partition_point(|&x| self.assets[x as usize].key.as_str() <= key);
        &host.assets[lo..hi]
    }
}

/// A platform entry that was satisfied, and by which asset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlatformEvidence {
    /// The platform criterion (`vulnerable: false`).
    pub criteria: String,
    /// The other asset of the same host that satisfied it.
    pub asset: String,
}

/// Why a finding was reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The criterion the asset matched (CPE formatted string).
    pub criteria: String,
    /// NVD `matchCriteriaId`, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_criteria_id: Option<String>,
    /// The version range the asset version fell in, or the CVE 5 version
    /// statement that applied.
    pub range: Option<String>,
    /// Platform entries satisfied by other assets of the host.
    pub platforms: Vec<PlatformEvidence>,
    /// Index of the configuration (NVD/CNA `cpeApplicability`) or of the
    /// `affected[]` entry that matched.
    pub alternative: usize,
    /// Who published the preferred score, e.g. `nvd@nist.gov Primary`.
    pub score_source: Option<String>,
    /// CVSS version of the preferred score.
    pub cvss_version: Option<&'static str>,
    /// Vector of the preferred score.
    pub vector: Option<String>,
    /// EPSS probability.
    pub epss: Option<f32>,
    /// EPSS percentile.
    pub epss_percentile: Option<f32>,
    /// NVD status or CVE 5 state.
    pub status: Option<String>,
}

/// Whether a finding is certain given what the inventory states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    /// The asset name is a subset of (or equal to) every criterion the
    /// finding needs (NISTIR 7696), vulnerable entries and platforms alike.
    Confirmed,
    /// The finding holds only because some asset attribute is ANY (`*`)
    /// where a criterion names a specific value; see [`Finding::undecided`].
    Possible,
}

impl Certainty {
    /// `confirmed` or `possible`.
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Confirmed => "confirmed",
            Certainty::Possible => "possible",
        }
    }
}

/// An attribute that would decide a possible finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Undecided {
    /// WFN attribute name, e.g. `sw_edition`, `target_hw`, `version`.
    pub attribute: &'static str,
    /// The value the criterion names (for `version`: the range).
    pub criterion_value: String,
}

/// One finding: a CVE affecting one asset of one host.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Host id.
    pub host: String,
    /// The affected asset.
    pub cpe23: String,
    /// The CVE.
    pub cve: String,
    /// Which data matched: `nvd`, `cna` or `adp`.
    pub source: Origin,
    /// Preferred score.
    pub score: Option<f64>,
    /// Severity of the preferred score.
    pub severity: Option<String>,
    /// Known exploited (CISA KEV).
    pub kev: bool,
    /// Why.
    pub evidence: Evidence,
    /// Confirmed, or possible pending the [`Finding::undecided`] attributes.
    pub certainty: Certainty,
    /// For possible findings: the attributes that would decide it
    /// (deduplicated, in the order of the criteria of the chosen path, then
    /// CPE attribute order). Empty for confirmed ones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<Undecided>,
}

/// Pre-computed matches of trigger criteria on one host: `(criterion,
/// is_cve5_target)` → assets of the host it matched (for targets: every
/// attribute but the version). Built by the indexes so that evaluating a
/// candidate record does not test its vulnerable entries again.
pub type HostMatches = HashMap<(u32, bool), Vec<u32>, foldhash::fast::RandomState>;

/// Assets of a host matching one entry, with their hit.
type EntryHits = Vec<(u32, Option<Hit>)>;

/// A raw match before scoring.
#[derive(Debug, Clone)]
struct RawMatch {
    asset: u32,
    source: Origin,
    criterion: u32,
    range: Option<String>,
    platforms: Vec<(u32, u32)>,
    alternative: usize,
    /// Undecided attributes of the chosen path: `(criterion, mask)`.
    undecided: Path,
}

/// Undecided attributes along a satisfying path: `(criterion, mask)` pairs
/// with a non-zero mask. Empty = confirmed.
type Path = Vec<(u32, u16)>;

/// Cost of a path: the number of undecided (criterion, attribute) pairs.
fn path_cost(p: &Path) -> u32 {
    p.iter().map(|&(_, m)| m.count_ones()).sum()
}

/// Assets of `host` matching criterion `cid` (with their hit).
fn criterion_hits(
    store: &VulnStore,
    inv: &Inventory,
    host: &Host,
    cid: u32,
    ignore_version: bool,
    pre: Option<&HostMatches>,
) -> Vec<(u32, Option<Hit>)> {
    if let Some(pre) = pre {
        let Some(c) = store.criteria.get(cid) else {
            return Vec::new();
        };
        // The pre-computed list only names the assets; the hit (with its
        // undecided attributes) is recomputed for those that matched.
        return pre
            .get(&(cid, ignore_version))
            .map(|v| {
                v.iter()
                    .filter_map(|&a| {
                        if ignore_version {
                            Some((a, None))
                        } else {
                            c.matches(inv.asset(a)).map(|h| (a, Some(h)))
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
    }
    let Some(c) = store.criteria.get(cid) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut test = |aid: u32| {
        let a = inv.asset(aid);
        if ignore_version {
            if c.attrs_cover(a) {
                out.push((aid, None));
            }
        } else if let Some(h) = c.matches(a) {
            out.push((aid, Some(h)));
        }
    };
    if c.keys.is_empty() {
        for &aid in &host.assets {
            test(aid);
        }
    } else {
        for k in &c.keys {
            for &aid in inv.host_assets_with_key(host, k) {
                test(aid);
            }
        }
    }
    out
}

fn combine(op: Operator, vals: impl Iterator<Item = bool>) -> bool {
    let mut vals = vals.peekable();
    if vals.peek().is_none() {
        return false;
    }
    match op {
        Operator::And => vals.all(|b| b),
        Operator::Or => vals.any(|b| b),
    }
}

/// Evaluate configurations on a host. With `pre`, the vulnerable entries
/// of non-negated nodes are looked up instead of tested; configurations
/// where no vulnerable entry matched are skipped before their platform
/// entries are tested.
fn eval_configs(
    store: &VulnStore,
    inv: &Inventory,
    host: &Host,
    configs: &[Configuration],
    pre: Option<&HostMatches>,
    out: &mut Vec<RawMatch>,
) {
    for (ci, cfg) in configs.iter().enumerate() {
        let mut any = false;
        let mut hits: Vec<Vec<Option<EntryHits>>> = cfg
            .nodes
            .iter()
            .map(|n| {
                n.matches
                    .iter()
                    .map(|m| {
                        if m.vulnerable && !n.negate {
                            let h = criterion_hits(store, inv, host, m.criterion, false, pre);
                            any |= !h.is_empty();
                            Some(h)
                        } else {
                            None
                        }
                    })
                    .collect()
            })
            .collect();
        if !any {
            continue;
        }
        for (ni, n) in cfg.nodes.iter().enumerate() {
            for (ei, m) in n.matches.iter().enumerate() {
                if hits[ni][ei].is_none() {
                    hits[ni][ei] = Some(criterion_hits(store, inv, host, m.criterion, false, None));
                }
            }
        }
        let hits: Vec<Vec<EntryHits>> = hits
            .into_iter()
            .map(|n| n.into_iter().map(Option::unwrap_or_default).collect())
            .collect();
        // Candidate vulnerable assets: in a vulnerable entry of a non-negated node.
        let mut cands: Vec<(u32, usize, usize)> = Vec::new();
        for (ni, n) in cfg.nodes.iter().enumerate() {
            if n.negate {
                continue;
            }
            for (ei, m) in n.matches.iter().enumerate() {
                if !m.vulnerable {
                    continue;
                }
                for (aid, _) in &hits[ni][ei] {
                    if !cands.iter().any(|c| c.0 == *aid) {
                        cands.push((*aid, ni, ei));
                    }
                }
            }
        }
        for (a, ni, _) in cands {
            // Which asset satisfies each entry, given `a` is the vulnerable one.
            let sat = |nj: usize, ej: usize| -> Option<u32> {
                let m = cfg.nodes[nj].matches[ej];
                if m.vulnerable {
                    hits[nj][ej].first().map(|h| h.0)
                } else {
                    hits[nj][ej].iter().find(|h| h.0 != a).map(|h| h.0)
                }
            };
            // The satisfying asset with the fewest undecided attributes
            // (first on ties), and its undecided mask.
            let best = |nj: usize, ej: usize| -> Option<(u32, u16)> {
                let m = cfg.nodes[nj].matches[ej];
                let mut out: Option<(u32, u16)> = None;
                for &(aid, h) in &hits[nj][ej] {
                    if !m.vulnerable && aid == a {
                        continue;
                    }
                    let mask = h.map_or(0, |h| h.undecided);
                    if out.is_none_or(|o| mask.count_ones() < o.1.count_ones()) {
                        out = Some((aid, mask));
                    }
                }
                out
            };
            let node_val = |nj: usize| -> bool {
                let n = &cfg.nodes[nj];
                let v = combine(
                    n.operator,
                    (0..n.matches.len()).map(|ej| sat(nj, ej).is_some()),
                );
                v != n.negate
            };
            let cfg_val = combine(cfg.operator, (0..cfg.nodes.len()).map(node_val)) != cfg.negate;
            if !cfg_val || !node_val(ni) {
                continue;
            }
            // The vulnerable entry reported for `a`: among the vulnerable
            // entries of true, non-negated nodes that `a` matched, the one
            // with the fewest undecided attributes (first on ties).
            let mut own: Option<(usize, usize, Hit)> = None;
            for (nj, n) in cfg.nodes.iter().enumerate() {
                if n.negate || !node_val(nj) {
                    continue;
                }
                for (ej, m) in n.matches.iter().enumerate() {
                    if !m.vulnerable {
                        continue;
                    }
                    let Some(h) = hits[nj][ej].iter().find(|h| h.0 == a).and_then(|h| h.1) else {
                        continue;
                    };
                    if own.is_none_or(|o| h.undecided.count_ones() < o.2.undecided.count_ones()) {
                        own = Some((nj, ej, h));
                    }
                }
            }
            let Some((on, oe, oh)) = own else {
                continue;
            };
            let cid = cfg.nodes[on].matches[oe].criterion;
            let mut path: Path = Vec::new();
            if oh.undecided != 0 {
                path.push((cid, oh.undecided));
            }
            let mut platforms = Vec::new();
            for (nj, n) in cfg.nodes.iter().enumerate() {
                if n.negate || !node_val(nj) {
                    continue;
                }
                // Nodes the configuration needs for this finding: all of
                // them under AND, only the reported entry's node under OR.
                let needed = cfg.operator == Operator::And || nj == on;
                match n.operator {
                    Operator::And => {
                        for (ej, m) in n.matches.iter().enumerate() {
                            if (nj, ej) == (on, oe) {
                                continue;
                            }
                            if let Some((by, mask)) = best(nj, ej) {
                                if !m.vulnerable {
                                    platforms.push((m.criterion, by));
                                }
                                if needed && mask != 0 {
                                    path.push((m.criterion, mask));
                                }
                            }
                        }
                    }
                    Operator::Or => {
                        for (ej, m) in n.matches.iter().enumerate() {
                            if m.vulnerable {
                                continue;
                            }
                            if let Some((by, _)) = best(nj, ej) {
                                platforms.push((m.criterion, by));
                                break;
                            }
                        }
                        if needed && nj != on {
                            // One satisfied entry suffices: the cheapest.
                            let pick = (0..n.matches.len())
                                .filter_map(|ej| best(nj, ej).map(|b| (ej, b.1)))
                                .min_by_key(|&(_, mask)| mask.count_ones());
                            if let Some((ej, mask)) = pick
                                && mask != 0
                            {
                                path.push((n.matches[ej].criterion, mask));
                            }
                        }
                    }
                }
            }
            out.push(RawMatch {
                asset: a,
                source: cfg.origin,
                criterion: cid,
                range: if oh.ranged {
                    store.criteria.get(cid).and_then(Criterion::range_text)
                } else {
                    None
                },
                platforms,
                alternative: ci,
                undecided: path,
            });
        }
    }
}

/// Status of one version under one CVE 5 rule: `Some(affected)` when the
/// rule covers it.
fn rule_covers(rule: &VersionRule, v: &Version, text: &str) -> Option<bool> {
    if rule
        .version_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("git"))
    {
        return None;
    }
    match &rule.kind {
        VersionRuleKind::All => Some(rule.affected),
        VersionRuleKind::Exact(s) => {
            (s.eq_ignore_ascii_case(text) || Version::parse(s) == *v).then_some(rule.affected)
        }
        VersionRuleKind::Branch(p) => {
            let t = text.to_ascii_lowercase();
            let p = p.to_ascii_lowercase();
            (t == p || t.starts_with(&format!("{p}."))).then_some(rule.affected)
        }
        VersionRuleKind::Range {
            start,
            end,
            end_inclusive,
        } => {
            if let Some(s) = start
                && *v < Version::parse(s)
            {
                return None;
            }
            if let Some(e) = end {
                let e = Version::parse(e);
                if (*end_inclusive && *v > e) || (!*end_inclusive && *v >= e) {
                    return None;
                }
            }
            let mut st = rule.affected;
            for (at, s) in &rule.changes {
                if Version::parse(at) <= *v {
                    st = *s;
                }
            }
            Some(st)
        }
    }
}

/// Text of a rule for evidence.
fn rule_text(rule: &VersionRule) -> String {
    let ty = rule
        .version_type
        .as_deref()
        .map(|t| format!(" ({t})"))
        .unwrap_or_default();
    match &rule.kind {
        VersionRuleKind::All => format!("all versions{ty}"),
        VersionRuleKind::Exact(s) => format!("={s}{ty}"),
        VersionRuleKind::Branch(p) => format!("{p}.x{ty}"),
        VersionRuleKind::Range {
            start,
            end,
            end_inclusive,
        } => {
            let mut parts = Vec::new();
            if let Some(s) = start {
                parts.push(format!(">={s}"));
            }
            if let Some(e) = end {
                parts.push(format!("{}{e}", if *end_inclusive { "<=" } else { "<" }));
            }
            if parts.is_empty() {
                parts.push("all versions".into());
            }
            format!("{}{ty}", parts.join(" "))
        }
    }
}

/// Decide a CVE 5 affected entry for one asset version. The asset's update
/// component, when specific, is appended to the version (`10.2.9` + `h1` →
/// `10.2.9 h1`) and the result compared, because CNAs write hotfix and build
/// suffixes into the version (`10.2.9-h1`, `5.2.6.3195 build 20250715`).
fn affected_decision(p: &AffectedProduct, asset: &Asset) -> Option<String> {
    if p.versions.is_empty() {
        return None;
    }
    let base = asset.version_text()?;
    asset.version.as_ref()?;
    let text = match asset.update_text() {
        Some(u) if u != "-" => format!("{base} {}", u.replace('_', " ")),
        _ => base,
    };
    let v = Version::parse(&text);
    let mut covered = false;
    for r in &p.versions {
        match rule_covers(r, &v, &text) {
            Some(true) => return Some(rule_text(r)),
            Some(false) => covered = true,
            None => {}
        }
    }
    if covered {
        return None;
    }
    // defaultStatus "affected" applies only when no version statement says
    // "affected": CNAs often write ranges of affected versions and also set
    // defaultStatus "affected" (Synology, PHP), which read literally would
    // flag every version including the fixed ones.
    if p.default_affected && !p.versions.iter().any(|r| r.affected) {
        return Some("defaultStatus: affected".into());
    }
    None
}

fn eval_affected(
    store: &VulnStore,
    inv: &Inventory,
    host: &Host,
    products: &[AffectedProduct],
    origin: Origin,
    pre: Option<&HostMatches>,
    out: &mut Vec<RawMatch>,
) {
    for (pi, p) in products.iter().enumerate() {
        if p.origin != origin {
            continue;
        }
        for &t in &p.targets {
            let Some(crit) = store.criteria.get(t) else {
                continue;
            };
            let with_rules = !p.versions.is_empty();
            for (aid, _) in criterion_hits(store, inv, host, t, true, pre) {
                if out.iter().any(|m| m.asset == aid) {
                    continue;
                }
                let asset = inv.asset(aid);
                let (range, mask) = if with_rules {
                    match affected_decision(p, asset) {
                        Some(r) => (Some(r), crit.attrs_mask(asset).unwrap_or(0)),
                        None => continue,
                    }
                } else {
                    // No version statements: the CPE's own version decides.
                    match crit.matches(asset) {
                        Some(h) if h.ranged => (crit.range_text(), h.undecided),
                        Some(h) => (None, h.undecided),
                        None => continue,
                    }
                };
                out.push(RawMatch {
                    asset: aid,
                    source: origin,
                    criterion: t,
                    range,
                    platforms: Vec::new(),
                    alternative: pi,
                    undecided: if mask == 0 {
                        Vec::new()
                    } else {
                        vec![(t, mask)]
                    },
                });
            }
        }
    }
}

/// Whether NVD applicability data exists for the record (then only it is used).
pub fn uses_nvd(entry: &CveEntry) -> bool {
    entry
        .nvd
        .as_ref()
        .is_some_and(|n| !n.configurations.is_empty())
}

/// Match one record against one host.
pub fn match_entry_on_host(
    store: &VulnStore,
    inv: &Inventory,
    host: &Host,
    entry: &CveEntry,
) -> Vec<Finding> {
    match_entry_on_host_with(store, inv, host, entry, None)
}

/// Match one record against one host, with the matches of its trigger
/// criteria on this host already known (see [`HostMatches`]).
pub fn match_entry_on_host_with(
    store: &VulnStore,
    inv: &Inventory,
    host: &Host,
    entry: &CveEntry,
    pre: Option<&HostMatches>,
) -> Vec<Finding> {
    if entry.is_rejected() {
        return Vec::new();
    }
    let mut raw = Vec::new();
    if let Some(n) = entry.nvd.as_ref().filter(|_| uses_nvd(entry)) {
        eval_configs(store, inv, host, &n.configurations, pre, &mut raw);
    } else if let Some(c) = &entry.cve5 {
        eval_configs(store, inv, host, &c.configurations, pre, &mut raw);
        eval_affected(store, inv, host, &c.affected, Origin::Cna, pre, &mut raw);
        eval_affected(store, inv, host, &c.affected, Origin::Adp, pre, &mut raw);
    }
    // One finding per asset: the first match, unless a later one has fewer
    // undecided attributes (a confirmed alternative beats a possible one).
    let mut best: Vec<RawMatch> = Vec::new();
    for m in raw {
        match best.iter_mut().find(|b| b.asset == m.asset) {
            Some(b) => {
                if path_cost(&m.undecided) < path_cost(&b.undecided) {
                    *b = m;
                }
            }
            None => best.push(m),
        }
    }
    best.into_iter()
        .map(|m| make_finding(store, inv, host, entry, m))
        .collect()
}

/// The undecided attributes of a path, deduplicated, in path order.
fn undecided_list(store: &VulnStore, path: &Path) -> Vec<Undecided> {
    let mut out: Vec<Undecided> = Vec::new();
    for &(cid, mask) in path {
        let Some(c) = store.criteria.get(cid) else {
            continue;
        };
        for (i, name) in ATTRIBUTES.iter().enumerate() {
            if mask & (1 << i) == 0 {
                continue;
            }
            let u = Undecided {
                attribute: name,
                criterion_value: c.criterion_value(i),
            };
            if !out.contains(&u) {
                out.push(u);
            }
        }
    }
    out
}

fn make_finding(
    store: &VulnStore,
    inv: &Inventory,
    host: &Host,
    entry: &CveEntry,
    m: RawMatch,
) -> Finding {
    let metric = entry.preferred_metric();
    let epss = store.epss(&entry.id);
    let crit = store.criteria.get(m.criterion);
    let status = entry
        .nvd
        .as_ref()
        .map(|n| &n.status)
        .or(entry.cve5.as_ref().map(|c| &c.status))
        .map(|s| s.as_str().to_owned());
    Finding {
        host: host.id.clone(),
        cpe23: inv.asset(m.asset).cpe23.clone(),
        cve: entry.id.to_string(),
        source: m.source,
        score: metric.and_then(|x| x.base_score),
        severity: metric.and_then(|x| x.severity.as_deref().map(str::to_owned)),
        kev: store.is_kev(&entry.id),
        evidence: Evidence {
            criteria: crit.map(|c| c.fs.to_string()).unwrap_or_default(),
            match_criteria_id: crit.and_then(|c| c.match_id.as_deref().map(str::to_owned)),
            range: m.range,
            platforms: m
                .platforms
                .iter()
                .map(|&(c, a)| PlatformEvidence {
                    criteria: store
                        .criteria
                        .get(c)
                        .map(|c| c.fs.to_string())
                        .unwrap_or_default(),
                    asset: inv.asset(a).cpe23.clone(),
                })
                .collect(),
            alternative: m.alternative,
            score_source: metric.map(|x| {
                format!(
                    "{} {}",
                    x.source,
                    if x.primary {
                        "Primary"
                    } else if x.origin == Origin::Adp {
                        "ADP"
                    } else {
                        "Secondary"
                    }
                )
            }),
            cvss_version: metric.map(|x| x.version.as_str()),
            vector: metric.map(|x| x.vector.to_string()),
            epss: epss.map(|e| e.score),
            epss_percentile: epss.map(|e| e.percentile),
            status,
        },
        certainty: if m.undecided.is_empty() {
            Certainty::Confirmed
        } else {
            Certainty::Possible
        },
        undecided: undecided_list(store, &m.undecided),
    }
}

/// Match every record of the store against every host, without an index
/// (reference implementation used by tests; see [`crate::index`] for the
/// fast path).
pub fn match_all_naive(store: &VulnStore, inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for host in inv.hosts() {
        for e in store.entries() {
            out.extend(match_entry_on_host(store, inv, host, e));
        }
    }
    out
}
