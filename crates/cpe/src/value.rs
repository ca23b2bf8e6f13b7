//! WFN attribute values (NISTIR 7695 §5.3) and the character-level rules shared by the
//! bindings.

use std::fmt;

use crate::error::{CpeError, ValueErrorKind};

/// One attribute value of a well-formed CPE name (NISTIR 7695 §5.3).
///
/// `Str` holds the value in canonical WFN form:
/// * letters, digits and `_` appear as themselves;
/// * every other printable ASCII character is quoted with a backslash (`\.`, `\-`, `\:`,
///   `\\`, `\*`, ...), so `1.0.1f` is held as `1\.0\.1f`;
/// * an unquoted `*` (any number of characters) or run of `?` (single characters, see
///   [`crate::compare_attr`]) may appear only at the start and/or the end;
/// * the string is never empty.
///
/// Values produced by this crate's parsers always satisfy these rules; use
/// [`Value::from_wfn`] or [`Value::literal`] to build a checked value yourself.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Value {
    /// The logical value ANY: "any value", bound as `*` (FS) or empty (URI).
    #[default]
    Any,
    /// The logical value NA: "not applicable", bound as `-`.
    Na,
    /// A string value in canonical WFN quoting.
    Str(String),
}

impl Value {
    /// Whether this is the logical value ANY.
    pub fn is_any(&self) -> bool {
        matches!(self, Value::Any)
    }

    /// Whether this is the logical value NA.
    pub fn is_na(&self) -> bool {
        matches!(self, Value::Na)
    }

    /// The WFN-quoted string of a `Str`, `None` for ANY and NA.
    pub fn as_wfn_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The human-readable string with the WFN quoting removed (`1\.0\.1f` → `1.0.1f`);
    /// unquoted wildcards stay as `*` / `?`. `None` for ANY and NA.
    pub fn unquoted(&self) -> Option<String> {
        let s = self.as_wfn_str()?;
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else {
                out.push(c);
            }
        }
        Some(out)
    }

    /// Whether the value contains an unquoted `*` or `?` (a wildcard pattern).
    pub fn has_wildcard(&self) -> bool {
        self.as_wfn_str().is_some_and(str_has_wildcard)
    }

    /// Checks and canonicalises a WFN-quoted string (the text between the double quotes of
    /// `wfn:[vendor="..."]`): letters, digits and `_` unquoted, other punctuation quoted,
    /// `*` / `?` only as leading or trailing wildcards. A needless `\_` is reduced to `_`.
    ///
    /// A lone unquoted `*` yields [`Value::Any`], as it does in both bindings.
    pub fn from_wfn(s: &str) -> Result<Value, CpeError> {
        match wfn_to_canonical(s).map_err(CpeError::BadValue)? {
            c if c == "*" => Ok(Value::Any),
            c => Ok(Value::Str(c)),
        }
    }

    /// Builds a string value from a human string taken literally: every character other
    /// than letters, digits and `_` is quoted, including `*` and `?` (so the result never
    /// holds a wildcard). `1.0.1f` → `1\.0\.1f`.
    pub fn literal(s: &str) -> Result<Value, CpeError> {
        if s.is_empty() {
            return Err(CpeError::BadValue(ValueErrorKind::Empty));
        }
        let mut out = String::with_capacity(s.len() + 4);
        for c in s.chars() {
            let b = ascii_printable(c).ok_or(CpeError::BadValue(ValueErrorKind::IllegalChar(c)))?;
            if !is_plain(b) {
                out.push('\\');
            }
            out.push(c);
        }
        Ok(Value::Str(out))
    }
}

/// `ANY`, `NA` or the WFN-quoted string (the notation of NISTIR 7695 §5.4 without the
/// surrounding double quotes).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Any => f.write_str("ANY"),
            Value::Na => f.write_str("NA"),
            Value::Str(s) => f.write_str(s),
        }
    }
}

/// Letters, digits and underscore: the characters that are never quoted in a WFN.
#[inline]
pub(crate) fn is_plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Printable, non-blank ASCII punctuation other than `_` (the characters a WFN quotes).
#[inline]
pub(crate) fn is_punct(b: u8) -> bool {
    (0x21..=0x7e).contains(&b) && !is_plain(b)
}

fn ascii_printable(c: char) -> Option<u8> {
    u8::try_from(c).ok().filter(|b| (0x21..=0x7e).contains(b))
}

/// The character starting at byte `i` of `s` (for error messages about non-ASCII input).
pub(crate) fn char_at(s: &str, i: usize) -> char {
    s.get(i..)
        .and_then(|t| t.chars().next())
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Whether a canonical WFN string holds an unquoted `*` or `?`.
pub(crate) fn str_has_wildcard(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'*' | b'?' => return true,
            _ => i += 1,
        }
    }
    false
}

/// Checks where the unquoted wildcards of a canonical WFN string are (NISTIR 7695 §5.3.2):
/// a leading and a trailing run, each either a single `*` or one or more `?`.
pub(crate) fn check_wildcards(s: &[u8]) -> Result<(), ValueErrorKind> {
    // Quick exit for the common case: no wildcard at all.
    if !s.iter().any(|&b| b == b'*' || b == b'?') {
        return Ok(());
    }
    let mut i = 0;
    let mut seen_body = false;
    // Current run of unquoted specials: start byte, length, number of '*'.
    let mut run_start = 0;
    let mut run_len = 0usize;
    let mut run_stars = 0usize;
    while i < s.len() {
        match s[i] {
            b'*' | b'?' => {
                if run_len == 0 {
                    run_start = i;
                }
                run_len += 1;
                run_stars += usize::from(s[i] == b'*');
                i += 1;
            }
            b => {
                if run_len > 0 {
                    if seen_body {
                        // A run between two body characters.
                        return Err(ValueErrorKind::MisplacedWildcard(s[run_start] as char));
                    }
                    check_run(&s[run_start..i], run_stars)?;
                    run_len = 0;
                    run_stars = 0;
                }
                seen_body = true;
                i += if b == b'\\' { 2 } else { 1 };
            }
        }
    }
    if run_len > 0 {
        let run = &s[run_start..];
        if seen_body {
            check_run(run, run_stars)?;
        } else {
            // The whole value is wildcards: it must split into a leading and a trailing
            // run, i.e. `?..?`, `*`, `?..?*` or `*?..?`.
            let ok = run_stars == 0
                || (run_stars == 1 && (run[0] == b'*' || run[run.len() - 1] == b'*'));
            if !ok {
                return Err(bad_run(run));
            }
        }
    }
    Ok(())
}

fn check_run(run: &[u8], stars: usize) -> Result<(), ValueErrorKind> {
    if stars == 0 || run.len() == 1 {
        Ok(())
    } else {
        Err(bad_run(run))
    }
}

fn bad_run(run: &[u8]) -> ValueErrorKind {
    ValueErrorKind::BadWildcardRun(String::from_utf8_lossy(run).into_owned())
}

/// Validates a WFN-quoted string and returns its canonical form.
pub(crate) fn wfn_to_canonical(s: &str) -> Result<String, ValueErrorKind> {
    if s.is_empty() {
        return Err(ValueErrorKind::Empty);
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if is_plain(c) || c == b'*' || c == b'?' {
            out.push(c as char);
        } else if c == b'\\' {
            let n = *b.get(i + 1).ok_or(ValueErrorKind::TrailingBackslash)?;
            push_quoted(&mut out, n, s, i + 1, false)?;
            i += 2;
            continue;
        } else if is_punct(c) {
            return Err(ValueErrorKind::UnquotedPunctuation(c as char));
        } else {
            return Err(ValueErrorKind::IllegalChar(char_at(s, i)));
        }
        i += 1;
    }
    check_wildcards(out.as_bytes())?;
    Ok(out)
}

/// Appends the character `n` that followed a backslash (at byte `at` of `src`).
///
/// In a WFN (`fs == false`) any punctuation may be quoted and a needless `\_` is reduced
/// to `_`. In a formatted string (`fs == true`) only the characters the grammar of
/// NISTIR 7695 §6.2 lists after the escape may follow it: `\`, `*`, `?` and the
/// punctuation other than `-`, `.` and `_` (those three are written unquoted there).
#[inline]
pub(crate) fn push_quoted(
    out: &mut String,
    n: u8,
    src: &str,
    at: usize,
    fs: bool,
) -> Result<(), ValueErrorKind> {
    if fs && matches!(n, b'_' | b'-' | b'.') {
        Err(ValueErrorKind::QuotedUnreservedInFs(n as char))
    } else if n == b'_' {
        out.push('_');
        Ok(())
    } else if is_punct(n) {
        out.push('\\');
        out.push(n as char);
        Ok(())
    } else if n.is_ascii_alphanumeric() {
        Err(ValueErrorKind::EscapedAlphanumeric(n as char))
    } else {
        Err(ValueErrorKind::IllegalChar(char_at(src, at)))
    }
}

/// Whether a canonical WFN string is a language tag as NISTIR 7695 §5.3.3 restricts
/// RFC 5646: two or three letters, optionally followed by a hyphen (quoted `\-` in a WFN)
/// and a region of two letters or three digits. Letters of either case.
pub(crate) fn is_language_tag(s: &str) -> bool {
    let (lang, region) = match s.split_once("\\-") {
        Some((l, r)) => (l, Some(r)),
        None => (s, None),
    };
    let lang_ok = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_alphabetic());
    let region_ok = match region {
        None => true,
        Some(r) => {
            (r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()))
                || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
        }
    };
    lang_ok && region_ok
}
