//! Fuzz the CPE parsers: arbitrary bytes (as lossy UTF-8) go into the formatted-string,
//! URI and prefix-dispatching parsers; whatever parses must bind to both forms and read
//! back to the same WFN, and comparing it must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zian_cpe::{Wfn, compare};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for parsed in [
        Wfn::parse_fs(&text),
        Wfn::parse_uri(&text),
        Wfn::parse(&text),
    ] {
        let Ok(w) = parsed else { continue };
        let fs = w.to_fs();
        let from_fs = Wfn::parse_fs(&fs).expect("to_fs output must parse");
        assert_eq!(from_fs, w, "FS round trip of {fs}");
        let uri = w.to_uri();
        let from_uri = Wfn::parse_uri(&uri).expect("to_uri output must parse");
        assert_eq!(from_uri, w, "URI round trip of {uri}");
        assert_eq!(Wfn::parse_wfn(&w.to_wfn_string()).as_ref(), Ok(&w));
        let _ = compare(&w, &from_fs);
        let _ = w.is_specific_inventory_name();
    }
});
