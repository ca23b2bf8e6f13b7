//! Indexes for the two hot paths.
//!
//! * [`CriteriaIndex`] — built once per store: every criterion that can make
//!   a record apply (a `vulnerable: true` entry of the configurations in use,
//!   or a CVE 5 affected target) filed under its `part:vendor:product` key,
//!   with the records that use it. A whole inventory is matched by looking
//!   each distinct asset up once, collecting candidate records, then
//!   evaluating only those records on the host.
//! * [`AssetIndex`] — built once per inventory (or per set of inventories):
//!   distinct assets filed under their key, versions sorted, so that one new
//!   or modified record is matched against every host by binary-searching
//!   each range; only hosts holding a candidate asset are evaluated.

use std::collections::HashMap;

use zian_cpe::Value;
use zian_version::Version;

use crate::feeds::VulnStore;
use crate::matching::{Finding, HostMatches, Inventory, match_entry_on_host_with, uses_nvd};
use crate::model::CveEntry;

/// Criteria that can make a record apply, by key.
#[derive(Debug, Clone, Default)]
pub struct CriteriaIndex {
    by_key: HashMap<Box<str>, Vec<(u32, bool)>, foldhash::fast::RandomState>,
    wildcard: Vec<(u32, bool)>,
    users: Vec<Vec<u32>>,
    generation: u64,
}

/// The "triggering" criteria of a record: `(criterion, is_cve5_target)`.
pub fn triggers(entry: &CveEntry) -> Vec<(u32, bool)> {
    let mut out = Vec::new();
    if entry.is_rejected() {
        return out;
    }
    let push_cfg = |cfgs: &[crate::model::Configuration], out: &mut Vec<(u32, bool)>| {
        for c in cfgs {
            for n in &c.nodes {
                if n.negate {
                    continue;
                }
                for m in &n.matches {
                    if m.vulnerable {
                        out.push((m.criterion, false));
                    }
                }
            }
        }
    };
    if let Some(n) = entry.nvd.as_ref().filter(|_| uses_nvd(entry)) {
        push_cfg(&n.configurations, &mut out);
    } else if let Some(c) = &entry.cve5 {
        push_cfg(&c.configurations, &mut out);
        for p in &c.affected {
            for &t in &p.targets {
                out.push((t, true));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

impl CriteriaIndex {
    /// Build from a store.
    pub fn build(store: &VulnStore) -> CriteriaIndex {
        let mut idx = CriteriaIndex {
            users: vec![Vec::new(); store.criteria.len()],
            generation: store.generation(),
            ..CriteriaIndex::default()
        };
        let mut filed: Vec<u8> = vec![0; store.criteria.len()];
        for (pos, entry) in store.entries().iter().enumerate() {
            let pos = u32::try_from(pos).unwrap_or(u32::MAX);
            for (cid, target) in triggers(entry) {
                let Some(c) = store.criteria.get(cid) else {
                    continue;
                };
                if c.wfn.is_none() {
                    continue;
                }
                let users = &mut idx.users[cid as usize];
                if users.last() != Some(&pos) {
                    users.push(pos);
                }
                let bit = if target { 2 } else { 1 };
                if filed[cid as usize] & bit != 0 {
                    continue;
                }
                filed[cid as usize] |= bit;
                if c.keys.is_empty() {
                    idx.wildcard.push((cid, target));
                } else {
                    for k in &c.keys {
                        match idx.by_key.get_mut(&**k) {
                            Some(list) => list.push((cid, target)),
                            None => {
                                idx.by_key.insert(k.clone(), vec![(cid, target)]);
                            }
                        }
                    }
                }
            }
        }
        idx
    }

    /// The store generation this index was built from.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Number of distinct keys.
    pub fn key_count(&self) -> usize {
        self.by_key.len()
    }

    /// Trigger criteria matching an asset, and the records using them.
    fn asset_matches(
        &self,
        store: &VulnStore,
        asset: &crate::matching::Asset,
    ) -> (Vec<(u32, bool)>, Vec<u32>) {
        let mut crits = Vec::new();
        let mut entries = Vec::new();
        let list = self.by_key.get(asset.key.as_str());
        for &(cid, target) in list.into_iter().flatten().chain(self.wildcard.iter()) {
            let Some(c) = store.criteria.get(cid) else {
                continue;
            };
            let ok = if target {
                c.attrs_cover(asset)
            } else {
                c.matches(asset).is_some()
            };
            if ok {
                crits.push((cid, target));
                if let Some(u) = self.users.get(cid as usize) {
                    entries.extend_from_slice(u);
                }
            }
        }
        entries.sort_unstable();
        entries.dedup();
        (crits, entries)
    }

    /// Match a whole inventory. Findings are ordered by host, then record.
    pub fn match_inventory(&self, store: &VulnStore, inv: &Inventory) -> Vec<Finding> {
        self.match_inventory_with(store, inv, |_, _| {})
    }

    /// Like [`CriteriaIndex::match_inventory`], calling `progress(done, total)`
    /// after each host.
    pub fn match_inventory_with(
        &self,
        store: &VulnStore,
        inv: &Inventory,
        mut progress: impl FnMut(usize, usize),
    ) -> Vec<Finding> {
        let total = inv.hosts().len();
        let mut done = 0;
        self.match_hosts(store, inv, 0..total, || {
            done += 1;
            progress(done, total)
        })
    }

    /// Match the hosts `hosts` (positions in [`Inventory::hosts`]) of an
    /// inventory, calling `host_done` after each: the findings
    /// [`CriteriaIndex::match_inventory`] gives for those hosts, in the same
    /// order. Disjoint ranges can be matched on separate threads.
    pub fn match_hosts(
        &self,
        store: &VulnStore,
        inv: &Inventory,
        hosts: std::ops::Range<usize>,
        mut host_done: impl FnMut(),
    ) -> Vec<Finding> {
        type Memo = Option<(Vec<(u32, bool)>, Vec<u32>)>;
        let mut memo: Vec<Memo> = vec![None; inv.assets().len()];
        let mut out = Vec::new();
        for host in inv.hosts().get(hosts).unwrap_or_default() {
            let mut cands: Vec<u32> = Vec::new();
            let mut hm = HostMatches::default();
            for &aid in &host.assets {
                let slot = &mut memo[aid as usize];
                if slot.is_none() {
                    *slot = Some(self.asset_matches(store, inv.asset(aid)));
                }
                if let Some((crits, entries)) = slot {
                    cands.extend_from_slice(entries);
                    for &k in crits.iter() {
                        hm.entry(k).or_default().push(aid);
                    }
                }
            }
            cands.sort_unstable();
            cands.dedup();
            for pos in cands {
                if let Some(e) = store.entry(pos) {
                    out.extend(match_entry_on_host_with(store, inv, host, e, Some(&hm)));
                }
            }
            host_done();
        }
        out
    }
}

#[derive(Debug, Clone, Default)]
struct Bucket {
    /// Assets with a specific version, sorted by version.
    versioned: Vec<(Version, u32)>,
    /// Assets whose version is ANY, NA or has wildcards.
    other: Vec<u32>,
}

/// Assets of one or more inventories, by key and sorted version.
#[derive(Debug, Clone)]
pub struct AssetIndex {
    inv: Inventory,
    buckets: HashMap<Box<str>, Bucket>,
    asset_hosts: Vec<Vec<u32>>,
}

impl AssetIndex {
    /// Build from an inventory (merge several agencies' inventories into one
    /// [`Inventory`] with distinct host ids).
    pub fn build(inv: Inventory) -> AssetIndex {
        let mut buckets: HashMap<Box<str>, Bucket> = HashMap::new();
        for (aid, a) in inv.assets().iter().enumerate() {
            let aid = u32::try_from(aid).unwrap_or(u32::MAX);
            let b = buckets.entry(a.key.as_str().into()).or_default();
            match &a.version {
                Some(v) => b.versioned.push((v.clone(), aid)),
                None => b.other.push(aid),
            }
        }
        for b in buckets.values_mut() {
            b.versioned.sort_by(|x, y| x.0.cmp(&y.0));
        }
        let mut asset_hosts = vec![Vec::new(); inv.assets().len()];
        for (hi, h) in inv.hosts().iter().enumerate() {
            for &a in &h.assets {
                asset_hosts[a as usize].push(u32::try_from(hi).unwrap_or(u32::MAX));
            }
        }
        AssetIndex {
            inv,
            buckets,
            asset_hosts,
        }
    }

    /// The indexed inventory.
    pub fn inventory(&self) -> &Inventory {
        &self.inv
    }

    /// Candidate assets for one criterion.
    fn candidate_assets(&self, store: &VulnStore, cid: u32, target: bool, out: &mut Vec<u32>) {
        let Some(c) = store.criteria.get(cid) else {
            return;
        };
        let Some(w) = &c.wfn else {
            return;
        };
        let keys: Vec<&str> = if c.keys.is_empty() {
            self.buckets.keys().map(|k| &**k).collect()
        } else {
            c.keys.iter().map(|k| &**k).collect()
        };
        for k in keys {
            let Some(b) = self.buckets.get(k) else {
                continue;
            };
            if !target && c.has_range() {
                let lo = match &c.start {
                    Some(s) if s.inclusive => b.versioned.partition_point(|x| x.0 < s.version),
                    Some(s) => b.versioned.partition_point(|x| x.0 <= s.version),
                    None => 0,
                };
                let hi = match &c.end {
                    Some(e) if e.inclusive => b.versioned.partition_point(|x| x.0 <= e.version),
                    Some(e) => b.versioned.partition_point(|x| x.0 < e.version),
                    None => b.versioned.len(),
                };
                if lo < hi {
                    out.extend(b.versioned[lo..hi].iter().map(|x| x.1));
                }
                // Assets whose version is ANY match a range as possible.
                out.extend_from_slice(&b.other);
            } else if !target && matches!(w.version, Value::Str(_)) && !w.version.has_wildcard() {
                if let Some(t) = w.version.unquoted() {
                    let v = Version::parse(&t);
                    let lo = b.versioned.partition_point(|x| x.0 < v);
                    let hi = b.versioned.partition_point(|x| x.0 <= v);
                    out.extend(b.versioned[lo..hi].iter().map(|x| x.1));
                }
                // Assets whose version is ANY match a named version as possible.
                out.extend_from_slice(&b.other);
            } else {
                out.extend(b.versioned.iter().map(|x| x.1));
                out.extend_from_slice(&b.other);
            }
        }
    }

    /// Match one (new or modified) record against every indexed host.
    pub fn match_entry(&self, store: &VulnStore, entry: &CveEntry) -> Vec<Finding> {
        let mut per_host: HashMap<u32, HostMatches> = HashMap::new();
        let mut assets = Vec::new();
        for (cid, target) in triggers(entry) {
            let Some(c) = store.criteria.get(cid) else {
                continue;
            };
            assets.clear();
            self.candidate_assets(store, cid, target, &mut assets);
            assets.sort_unstable();
            assets.dedup();
            for &a in &assets {
                let asset = self.inv.asset(a);
                let ok = if target {
                    c.attrs_cover(asset)
                } else {
                    c.matches(asset).is_some()
                };
                if !ok {
                    continue;
                }
                for &h in &self.asset_hosts[a as usize] {
                    per_host
                        .entry(h)
                        .or_default()
                        .entry((cid, target))
                        .or_default()
                        .push(a);
                }
            }
        }
        let mut hosts: Vec<u32> = per_host.keys().copied().collect();
        hosts.sort_unstable();
        let mut out = Vec::new();
        for h in hosts {
            let host = &self.inv.hosts()[h as usize];
            out.extend(match_entry_on_host_with(
                store,
                &self.inv,
                host,
                entry,
                per_host.get(&h),
            ));
        }
        out
    }

    /// Match one record by id.
    pub fn match_cve(&self, store: &VulnStore, id: &str) -> Vec<Finding> {
        store
            .get(id)
            .map(|e| self.match_entry(store, e))
            .unwrap_or_default()
    }
}
