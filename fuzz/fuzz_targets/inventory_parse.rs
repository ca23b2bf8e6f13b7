//! Fuzz the inventory readers: arbitrary bytes under each kind of file name
//! (CSV, workbook, JSON), with and without a default host, must never panic;
//! whatever parses must keep its promises (hosts named and distinct, software
//! names not blank, KB numbers normalised, sorted and unique, CPE names in
//! formatted-string form, row errors within the cap).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zian_inventory::{MAX_ROW_ERRORS, parse};

fuzz_target!(|data: &[u8]| {
    for (name, host) in [
        ("inventory.csv", None),
        ("inventory.xlsx", Some("PC-0001")),
        ("sbom.json", Some("PC-0001")),
    ] {
        let Ok(p) = parse(name, data, host) else { continue };
        assert!(p.errors.len() <= MAX_ROW_ERRORS);
        let mut seen = std::collections::HashSet::new();
        for h in &p.hosts {
            assert!(!h.host.trim().is_empty());
            assert!(seen.insert(h.host.to_lowercase()), "host {} twice", h.host);
            for s in &h.software {
                assert!(!s.name.trim().is_empty());
                if let Some(c) = &s.cpe23 {
                    assert!(c.starts_with("cpe:2.3:"), "{c}");
                }
            }
            for w in h.kbs.windows(2) {
                assert!((w[0].len(), &w[0]) < (w[1].len(), &w[1]), "{:?}", h.kbs);
            }
            assert!(h.kbs.iter().all(|k| k.starts_with("KB")));
        }
    }
});
