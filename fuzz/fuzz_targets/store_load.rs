//! Arbitrary bytes → compiled-store snapshot decoder → refused with an error
//! or decoded, never a panic. Two ways in: the bytes as a whole snapshot file
//! (magic, version, lengths and checksums checked first), and the bytes split
//! into the two section payloads framed with a valid header and checksums, so
//! the postcard decoding and the structural checks behind them are reached.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use zian_vuln::store::{decode, frame};

fuzz_target!(|data: &[u8]| {
    let p = Path::new("fuzz");
    let _ = decode(p, data, true);
    if data.len() >= 4 {
        let split = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize;
        let rest = &data[4..];
        let split = split.min(rest.len());
        let framed = frame(&rest[..split], &rest[split..]);
        if let Ok(store) = decode(p, &framed, true) {
            // A decoded store must be usable: index and match without panic.
            let idx = zian_vuln::index::CriteriaIndex::build(&store);
            let mut inv = zian_vuln::Inventory::new();
            let _ = inv.add_cpe("h", "cpe:2.3:a:acme:widget:1.5:*:*:*:*:*:*:*");
            let _ = idx.match_inventory(&store, &inv);
        }
    }
});
