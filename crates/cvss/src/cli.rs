//! Line-oriented scoring front end used by the `zian` binary.
//!
//! Input: one vector per line (surrounding whitespace trimmed, empty lines skipped).
//! Output: one JSON object per input vector, keys in this exact order:
//!
//! ```text
//! {"vector":"…","version":"3.1","base":9.8,"temporal":null,"environmental":null,"score":9.8,"severity":"CRITICAL"}
//! {"vector":"…","error":"missing mandatory metric PR"}
//! ```
//!
//! `vector` echoes the trimmed input line; numbers carry exactly one decimal; `null` marks a
//! part that does not apply.

use std::io::{BufRead, Write};

use crate::Vector;

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn num(x: f64) -> String {
    format!("{x:.1}")
}

fn opt_num(x: Option<f64>) -> String {
    x.map_or_else(|| "null".to_string(), num)
}

/// Formats the JSON line (without newline) for one trimmed, non-empty vector string.
pub fn format_line(vector: &str) -> String {
    match Vector::parse(vector) {
        Ok(v) => {
            let s = v.scores();
            format!(
                "{{\"vector\":{},\"version\":\"{}\",\"base\":{},\"temporal\":{},\"environmental\":{},\"score\":{},\"severity\":\"{}\"}}",
                json_string(vector),
                s.version,
                num(s.base),
                opt_num(s.temporal),
                opt_num(s.environmental),
                num(s.score),
                s.severity
            )
        }
        Err(e) => format!(
            "{{\"vector\":{},\"error\":{}}}",
            json_string(vector),
            json_string(&e.to_string())
        ),
    }
}

/// Scores every line of `input` and writes one JSON object per line to `out`.
///
/// Invalid vectors produce an `{"vector","error"}` object, not an `Err`; only I/O failures
/// (including input that is not UTF-8) are returned as errors.
pub fn run(input: impl BufRead, mut out: impl Write) -> std::io::Result<()> {
    for line in input.lines() {
        let line = line?;
        let vector = line.trim();
        if vector.is_empty() {
            continue;
        }
        writeln!(out, "{}", format_line(vector))?;
    }
    out.flush()
}
