//! Fuzz the CVSS parser: arbitrary bytes → str → parse → if Ok, score and re-serialise.
//! Must never panic; an accepted vector must re-parse from its canonical form to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zian_cvss::Vector;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = Vector::parse(s) {
        let scores = v.scores();
        assert!(
            (0.0..=10.0).contains(&scores.score),
            "score out of range for {s:?}"
        );
        let canonical = v.to_string();
        assert_eq!(Vector::parse(&canonical), Ok(v), "round trip of {s:?}");
    }
    let _ = zian_cvss::cli::format_line(s.trim());
});
