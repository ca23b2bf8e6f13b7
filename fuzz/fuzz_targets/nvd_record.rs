//! Arbitrary bytes → NVD 2.0 import (page, wrapped or bare record) → must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zian_vuln::feeds::{FeedKind, FeedReport, VulnStore, import_nvd_slice};
use zian_vuln::index::CriteriaIndex;

fuzz_target!(|data: &[u8]| {
    let mut store = VulnStore::new();
    let mut report = FeedReport::new("fuzz", FeedKind::Nvd);
    import_nvd_slice(data, &mut store, &mut report);
    let _ = report.to_string();
    // Whatever was imported must also index and match without panicking.
    let idx = CriteriaIndex::build(&store);
    let mut inv = zian_vuln::Inventory::new();
    let _ = inv.add_cpe("h", "cpe:2.3:a:apache:tomcat:9.0.0:*:*:*:*:*:*:*");
    let _ = idx.match_inventory(&store, &inv);
});
