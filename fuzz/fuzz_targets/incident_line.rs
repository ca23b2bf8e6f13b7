//! Fuzz `zian rules incident`: arbitrary bytes as input lines → one output
//! line per non-blank input line, each a JSON object with either a level
//! and deadlines or an error. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    zian_rules::cli::run_incident(data, &mut out).expect("every line is answered");
    let text = std::str::from_utf8(&out).expect("the output is UTF-8");
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert!(v.get("error").is_some() || v.get("notify_by").is_some(), "{line}");
    }
});
