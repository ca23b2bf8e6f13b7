//! Arbitrary bytes → compiled-store snapshot decoder → refused with an error
//! or decoded, never a panic. Two ways in: the bytes as a whole snapshot file
//! (magic, version, lengths and checksums checked first), and the bytes split
//! into the four section payloads framed with a valid header and checksums, so
//! the postcard decoding and the structural checks behind them are reached,
//! decoded whole and for one inventory key.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use zian_vuln::store::{decode, decode_for_keys, frame};

fuzz_target!(|data: &[u8]| {
    let p = Path::new("fuzz");
    let _ = decode(p, data, true);
    if data.len() >= 12 {
        let cut = |i: usize| u32::from_le_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]) as usize;
        let rest = &data[12..];
        let mut cuts = [cut(0), cut(4), cut(8)].map(|c| c.min(rest.len()));
        cuts.sort_unstable();
        let parts = [
            &rest[..cuts[0]],
            &rest[cuts[0]..cuts[1]],
            &rest[cuts[1]..cuts[2]],
            &rest[cuts[2]..],
        ];
        let framed = frame(&parts);
        let _ = decode_for_keys(p, &framed, &["a:acme:widget"]);
        if let Ok(store) = decode(p, &framed, true) {
            // A decoded store must be usable: index and match without panic.
            let idx = zian_vuln::index::CriteriaIndex::build(&store);
            let mut inv = zian_vuln::Inventory::new();
            let _ = inv.add_cpe("h", "cpe:2.3:a:acme:widget:1.5:*:*:*:*:*:*:*");
            let _ = idx.match_inventory(&store, &inv);
        }
    }
});
