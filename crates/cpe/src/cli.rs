//! Line-oriented commands behind `zian cpe compare`, `zian cpe convert` and
//! `zian cpe suggest`.
//!
//! All read one item per line (empty and blank lines are skipped, surrounding blanks and
//! a trailing `\r` are ignored) and write one JSON object per line. A bad line produces an
//! object with an `"error"` member and processing continues; only I/O errors abort.

use std::io::{self, BufRead, Write};

use serde::Serialize;

use crate::matching::{NameRelation, compare_defined};
use crate::suggest::{Candidate, MAX_CANDIDATES, Suggester};
use crate::value::Value;
use crate::wfn::Wfn;

/// Error text for a `compare` line without a tab.
pub const MISSING_TAB: &str = "expected SOURCE<TAB>TARGET: the line has no tab";

#[derive(Serialize)]
struct CompareOk<'a> {
    source: &'a str,
    target: &'a str,
    disjoint: bool,
    equal: bool,
    subset: bool,
    superset: bool,
    /// Present (and `true`) only when NISTIR 7696 leaves the relation undefined.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    undefined: bool,
}

#[derive(Serialize)]
struct CompareErr<'a> {
    source: &'a str,
    target: Option<&'a str>,
    error: String,
}

/// The eleven attributes in formatted-string order, each `"ANY"`, `"NA"` or the WFN-quoted
/// string.
#[derive(Serialize)]
struct WfnView {
    part: String,
    vendor: String,
    product: String,
    version: String,
    update: String,
    edition: String,
    language: String,
    sw_edition: String,
    target_sw: String,
    target_hw: String,
    other: String,
}

impl WfnView {
    fn new(w: &Wfn) -> WfnView {
        let s = |v: &Value| v.to_string();
        WfnView {
            part: s(&w.part),
            vendor: s(&w.vendor),
            product: s(&w.product),
            version: s(&w.version),
            update: s(&w.update),
            edition: s(&w.edition),
            language: s(&w.language),
            sw_edition: s(&w.sw_edition),
            target_sw: s(&w.target_sw),
            target_hw: s(&w.target_hw),
            other: s(&w.other),
        }
    }
}

#[derive(Serialize)]
struct ConvertOk<'a> {
    input: &'a str,
    wfn: WfnView,
    fs: String,
    uri: String,
}

#[derive(Serialize)]
struct ConvertErr<'a> {
    input: &'a str,
    error: String,
}

fn write_line(out: &mut impl Write, v: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, v).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Reads `SOURCE<TAB>TARGET` lines (CPE names, formatted string or URI) and writes, per
/// line, `{"source","target","disjoint","equal","subset","superset"}` with the NISTIR 7696
/// name relations of (source, target) — plus `"undefined":true` (all four then `false`)
/// when the relation is undefined because the target holds wildcards — or `{"source","target","error"}` where `error` is
/// the [`crate::CpeError`] message of the first name that fails to parse (source first).
/// A line without a tab gives `{"source":<line>,"target":null,"error":...}`.
pub fn run_compare(input: impl BufRead, mut out: impl Write) -> io::Result<()> {
    for line in input.lines() {
        let line = line?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((source, target)) = line.split_once('\t') else {
            write_line(
                &mut out,
                &CompareErr {
                    source: line,
                    target: None,
                    error: MISSING_TAB.to_owned(),
                },
            )?;
            continue;
        };
        let (source, target) = (source.trim(), target.trim());
        match Wfn::parse(source).and_then(|s| Wfn::parse(target).map(|t| (s, t))) {
            Ok((s, t)) => {
                let defined = compare_defined(&s, &t);
                let r = defined.unwrap_or(NameRelation {
                    disjoint: false,
                    equal: false,
                    subset: false,
                    superset: false,
                });
                write_line(
                    &mut out,
                    &CompareOk {
                        source,
                        target,
                        disjoint: r.disjoint,
                        equal: r.equal,
                        subset: r.subset,
                        superset: r.superset,
                        undefined: defined.is_none(),
                    },
                )?;
            }
            Err(e) => write_line(
                &mut out,
                &CompareErr {
                    source,
                    target: Some(target),
                    error: e.to_string(),
                },
            )?,
        }
    }
    out.flush()
}

/// Reads one CPE name per line (formatted string or URI) and writes, per line,
/// `{"input","wfn":{part,...,other},"fs","uri"}` or `{"input","error"}`.
pub fn run_convert(input: impl BufRead, mut out: impl Write) -> io::Result<()> {
    for line in input.lines() {
        let line = line?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match Wfn::parse(line) {
            Ok(w) => write_line(
                &mut out,
                &ConvertOk {
                    input: line,
                    wfn: WfnView::new(&w),
                    fs: w.to_fs(),
                    uri: w.to_uri(),
                },
            )?,
            Err(e) => write_line(
                &mut out,
                &ConvertErr {
                    input: line,
                    error: e.to_string(),
                },
            )?,
        }
    }
    out.flush()
}

/// Error text for a `suggest` line without a tab.
pub const SUGGEST_MISSING_TAB: &str = "需要「名稱<TAB>版本[<TAB>發行者]」 / expected NAME<TAB>VERSION[<TAB>PUBLISHER]: the line has no tab";
/// Error text for a `suggest` line with more than three fields.
pub const SUGGEST_TOO_MANY_FIELDS: &str =
    "欄位過多（最多三欄） / too many tabs: expected NAME<TAB>VERSION[<TAB>PUBLISHER]";
/// Error text for a `suggest` line whose name is blank.
pub const SUGGEST_EMPTY_NAME: &str = "名稱為空白 / the name is empty";

#[derive(Serialize)]
struct SuggestOk<'a> {
    input: &'a str,
    candidates: Vec<Candidate>,
}

/// Reads `NAME<TAB>VERSION[<TAB>PUBLISHER]` lines (a Windows installed program's
/// DisplayName, DisplayVersion and Publisher; blank lines skipped, a trailing `\r` ignored,
/// each field trimmed) and writes, per line, `{"input","candidates":[{"cpe23","vendor",
/// "product","version","confidence"}]}` with at most five candidates, best first (possibly
/// none), or `{"input","error"}` for a line without a tab, with more than three fields or with
/// a blank name. Only I/O errors abort.
pub fn run_suggest(
    input: impl BufRead,
    mut out: impl Write,
    suggester: &Suggester<'_>,
) -> io::Result<()> {
    for line in input.lines() {
        let line = line?;
        let line = line.strip_suffix('\r').unwrap_or(&line);
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let error = match fields.as_slice() {
            [_] => Some(SUGGEST_MISSING_TAB),
            ["", ..] => Some(SUGGEST_EMPTY_NAME),
            f if f.len() > 3 => Some(SUGGEST_TOO_MANY_FIELDS),
            _ => None,
        };
        if let Some(error) = error {
            write_line(
                &mut out,
                &ConvertErr {
                    input: line,
                    error: error.to_owned(),
                },
            )?;
            continue;
        }
        let publisher = fields.get(2).copied().filter(|p| !p.is_empty());
        let mut candidates = suggester.suggest(fields[0], fields[1], publisher);
        candidates.truncate(MAX_CANDIDATES);
        write_line(
            &mut out,
            &SuggestOk {
                input: line,
                candidates,
            },
        )?;
    }
    out.flush()
}
