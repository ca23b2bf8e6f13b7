#![allow(dead_code)]
//! Shared helpers for the integration tests (fixtures only; never /work/shared).

use std::collections::BTreeSet;
use std::path::PathBuf;

use zian_vuln::feeds::{FeedReport, VulnStore, import_path};
use zian_vuln::index::{AssetIndex, CriteriaIndex};
use zian_vuln::matching::{Finding, Inventory, match_all_naive};

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// A store with the given nvd-sample records (`CVE-….json`).
pub fn nvd_store(ids: &[&str]) -> VulnStore {
    let mut store = VulnStore::new();
    for id in ids {
        let r = import_path(&fixture(&format!("nvd-sample/{id}.json")), &mut store)
            .expect("fixture import");
        assert_eq!(r.skipped, 0, "{r}");
        assert_eq!(r.read, 1, "{r}");
    }
    store
}

/// Add cve5-sample records to a store.
pub fn add_cve5(store: &mut VulnStore, ids: &[&str]) -> Vec<FeedReport> {
    ids.iter()
        .map(|id| {
            import_path(&fixture(&format!("cve5-sample/{id}.json")), store).expect("cve5 import")
        })
        .collect()
}

pub fn inventory(hosts: &[(&str, &[&str])]) -> Inventory {
    let mut inv = Inventory::new();
    for (h, cpes) in hosts {
        for c in *cpes {
            inv.add_cpe(h, c).expect("valid inventory CPE");
        }
    }
    inv
}

fn key(f: &Finding) -> (String, String, String) {
    (f.host.clone(), f.cpe23.clone(), f.cve.clone())
}

/// Match with the criteria index, and check that the naive evaluation and
/// the asset index (one record at a time) give exactly the same findings.
pub fn scan(store: &VulnStore, inv: &Inventory) -> Vec<Finding> {
    let idx = CriteriaIndex::build(store);
    let fast = idx.match_inventory(store, inv);
    let naive = match_all_naive(store, inv);
    let a: BTreeSet<_> = fast.iter().map(key).collect();
    let b: BTreeSet<_> = naive.iter().map(key).collect();
    assert_eq!(a, b, "criteria index and naive evaluation disagree");
    let ai = AssetIndex::build(inv.clone());
    let mut c = BTreeSet::new();
    for e in store.entries() {
        for f in ai.match_entry(store, e) {
            c.insert(key(&f));
        }
    }
    assert_eq!(a, c, "asset index and criteria index disagree");
    fast
}

/// `(host, cpe23)` pairs reported for a CVE.
pub fn hits(findings: &[Finding], cve: &str) -> BTreeSet<(String, String)> {
    findings
        .iter()
        .filter(|f| f.cve == cve)
        .map(|f| (f.host.clone(), f.cpe23.clone()))
        .collect()
}

pub fn set(pairs: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    pairs
        .iter()
        .map(|(h, c)| (h.to_string(), c.to_string()))
        .collect()
}
