//! Arbitrary bytes → CVE 5 import (one record or JSON lines) → must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zian_vuln::feeds::{FeedKind, FeedReport, VulnStore, import_cve5_reader};
use zian_vuln::index::CriteriaIndex;

fuzz_target!(|data: &[u8]| {
    let mut store = VulnStore::new();
    let mut report = FeedReport::new("fuzz", FeedKind::Cve5);
    import_cve5_reader(data, &mut store, &mut report);
    let _ = report.to_string();
    let idx = CriteriaIndex::build(&store);
    let mut inv = zian_vuln::Inventory::new();
    let _ = inv.add_cpe(
        "h",
        "cpe:2.3:o:paloaltonetworks:pan-os:10.2.8:h1:*:*:*:*:*:*",
    );
    let _ = idx.match_inventory(&store, &inv);
});
