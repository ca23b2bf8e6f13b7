//! The generic vendor-version order: tokenizer, canonical form and comparison.
//!
//! See the crate documentation for the rules. Internally a parsed version is a
//! flat list of [`Atom`]s that reads as a sequence of *groups*: a run of
//! numbers followed by at most one tag (a pre-release kind or a word). Only the
//! last group may lack a tag. Trailing zeros of every number run are removed at
//! parse time, which makes the atom list a canonical form: two strings compare
//! `Equal` exactly when their atom lists hold the same content.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// Longest digit run (without leading zeros) that always fits in a `u64`.
const MAX_U64_DIGITS: usize = 19;

/// Pre-release kinds, in ascending order. The numeric value is the rank.
pub(crate) const PRE_DEV: u8 = 0;
pub(crate) const PRE_ALPHA: u8 = 1;
pub(crate) const PRE_BETA: u8 = 2;
pub(crate) const PRE_MILESTONE: u8 = 3;
pub(crate) const PRE_RC: u8 = 4;
pub(crate) const PRE_SNAPSHOT: u8 = 5;

/// One canonical token.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Atom {
    /// A number that fits in 19 digits.
    Num(u64),
    /// A longer number: digits (no leading zeros) at `text[off..off + len]`.
    Big { off: u32, len: u32 },
    /// A pre-release tag (`PRE_*` rank).
    Pre(u8),
    /// A post-release / unknown word, lowercase ASCII at `text[off..off + len]`.
    Word { off: u32, len: u32 },
}

impl Atom {
    fn is_num(self) -> bool {
        matches!(self, Atom::Num(_) | Atom::Big { .. })
    }
}

/// Parsed generic version data (everything but the original text).
#[derive(Clone, Debug, Default)]
pub(crate) struct Parsed {
    /// The input had no ASCII letter or digit at all (``, `*`, `-`, ...).
    pub(crate) blank: bool,
    pub(crate) atoms: Box<[Atom]>,
    /// Backing store for `Word` and `Big` atoms.
    pub(crate) text: Box<str>,
}

/// Raw lexical token.
#[derive(Clone, Copy)]
enum Tok<'a> {
    Digits(&'a str),
    Letters {
        word: &'a str,
        /// The next byte after the run is an ASCII digit (no separator).
        glued_digit: bool,
    },
}

fn lex(s: &str) -> Vec<Tok<'_>> {
    let bytes = s.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            toks.push(Tok::Digits(&s[start..i]));
        } else if b.is_ascii_alphabetic() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let glued_digit = bytes.get(i).is_some_and(u8::is_ascii_digit);
            toks.push(Tok::Letters {
                word: &s[start..i],
                glued_digit,
            });
        } else {
            // Every other byte (punctuation, whitespace, non-ASCII) separates.
            i += 1;
        }
    }
    toks
}

struct Builder {
    atoms: Vec<Atom>,
    text: String,
}

impl Builder {
    /// Stores `s` in the text buffer; `None` when the buffer would exceed u32.
    fn store(&mut self, s: &str) -> Option<(u32, u32)> {
        let off = u32::try_from(self.text.len()).ok()?;
        let len = u32::try_from(s.len()).ok()?;
        off.checked_add(len)?;
        self.text.push_str(s);
        Some((off, len))
    }

    fn push_num(&mut self, digits: &str) {
        let stripped = digits.trim_start_matches('0');
        if stripped.len() <= MAX_U64_DIGITS {
            let value = stripped
                .bytes()
                .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
            self.atoms.push(Atom::Num(value));
        } else if let Some((off, len)) = self.store(stripped) {
            self.atoms.push(Atom::Big { off, len });
        }
    }

    /// Drops trailing zeros of the current number run.
    fn strip_zero_run(&mut self) {
        while let Some(Atom::Num(0)) = self.atoms.last() {
            self.atoms.pop();
        }
    }

    fn push_pre(&mut self, rank: u8) {
        self.strip_zero_run();
        self.atoms.push(Atom::Pre(rank));
    }

    fn push_word(&mut self, lower: &str) {
        self.strip_zero_run();
        if let Some((off, len)) = self.store(lower) {
            self.atoms.push(Atom::Word { off, len });
        }
    }
}

/// Pre-release words recognised anywhere (case-insensitive).
pub(crate) fn pre_rank(word: &str) -> Option<u8> {
    Some(match word {
        "dev" => PRE_DEV,
        "alpha" => PRE_ALPHA,
        "beta" => PRE_BETA,
        "milestone" => PRE_MILESTONE,
        "rc" | "cr" | "pre" | "preview" => PRE_RC,
        "snapshot" => PRE_SNAPSHOT,
        _ => return None,
    })
}

/// Post-release word aliases: the canonical spelling of a word.
fn alias(word: &str) -> &str {
    match word {
        "hotfix" | "hf" => "h",
        "patch" | "pl" => "p",
        "servicepack" => "sp",
        "revision" | "rev" => "r",
        other => other,
    }
}

pub(crate) fn parse(s: &str) -> Parsed {
    let toks = lex(s);
    if toks.is_empty() {
        return Parsed {
            blank: true,
            ..Parsed::default()
        };
    }
    // Cisco-style versions such as `15.2(4)M2` use letters as train names,
    // never as alpha/beta/milestone abbreviations.
    let cisco_style = s.contains('(');
    let mut b = Builder {
        atoms: Vec::with_capacity(toks.len()),
        text: String::new(),
    };
    let mut seen_tag = false;
    let mut lower = String::new();
    let mut k = 0;
    while k < toks.len() {
        let tok = toks[k];
        let next = toks.get(k + 1).copied();
        k += 1;
        let (word, glued_digit) = match tok {
            Tok::Digits(d) => {
                b.push_num(d);
                continue;
            }
            Tok::Letters { word, glued_digit } => (word, glued_digit),
        };
        lower.clear();
        lower.push_str(word);
        lower.make_ascii_lowercase();
        let next_is_num = matches!(next, Some(Tok::Digits(_)));
        let prev_is_num = k >= 2 && matches!(toks[k - 2], Tok::Digits(_));
        let w = lower.as_str();
        // Leading `v` / `version` before a number: `v1.2` == `1.2`.
        if k == 1 && (w == "v" || w == "version") && next_is_num {
            continue;
        }
        // Transparent markers: `update 45`, `u45`, `build 137` are plain
        // numeric segments; `final`, `ga`, `release`, `stable` mean "release".
        let transparent = match w {
            "update" | "upd" | "build" => next_is_num,
            "u" => glued_digit && prev_is_num,
            "final" | "ga" | "release" | "stable" => true,
            _ => false,
        };
        if transparent {
            continue;
        }
        if w == "service"
            && let Some(Tok::Letters { word: p, .. }) = next
            && p.eq_ignore_ascii_case("pack")
        {
            k += 1;
            b.push_word("sp");
            seen_tag = true;
            continue;
        }
        if let Some(rank) = pre_rank(w) {
            b.push_pre(rank);
            seen_tag = true;
            continue;
        }
        // Single-letter abbreviations `a1`, `b2`, `m3` (alpha, beta,
        // milestone) only as the first tag of a non-Cisco version.
        if glued_digit && !seen_tag && !cisco_style {
            let abbrev = match w {
                "a" => Some(PRE_ALPHA),
                "b" => Some(PRE_BETA),
                "m" => Some(PRE_MILESTONE),
                _ => None,
            };
            if let Some(rank) = abbrev {
                b.push_pre(rank);
                seen_tag = true;
                continue;
            }
        }
        b.push_word(alias(w));
        seen_tag = true;
    }
    b.strip_zero_run();
    Parsed {
        blank: false,
        atoms: b.atoms.into_boxed_slice(),
        text: b.text.into_boxed_str(),
    }
}

fn slice(text: &str, off: u32, len: u32) -> &[u8] {
    let start = off as usize;
    let end = start + len as usize;
    text.as_bytes().get(start..end).unwrap_or_default()
}

fn cmp_num(a: Atom, ta: &str, b: Atom, tb: &str) -> Ordering {
    match (a, b) {
        (Atom::Num(x), Atom::Num(y)) => x.cmp(&y),
        (Atom::Num(_), _) => Ordering::Less,
        (_, Atom::Num(_)) => Ordering::Greater,
        (Atom::Big { off: o1, len: l1 }, Atom::Big { off: o2, len: l2 }) => l1
            .cmp(&l2)
            .then_with(|| slice(ta, o1, l1).cmp(slice(tb, o2, l2))),
        // Unreachable for number atoms; keep the order total regardless.
        _ => Ordering::Equal,
    }
}

fn is_zero(a: Atom) -> bool {
    matches!(a, Atom::Num(0))
}

/// Rank of a tag slot: pre-release < end of version (release) < word.
fn cmp_tag(a: Option<Atom>, ta: &str, b: Option<Atom>, tb: &str) -> Ordering {
    fn class(x: Option<Atom>) -> u8 {
        match x {
            Some(Atom::Pre(_)) => 0,
            None => 1,
            _ => 2,
        }
    }
    match (a, b) {
        (Some(Atom::Pre(x)), Some(Atom::Pre(y))) => x.cmp(&y),
        (Some(Atom::Word { off: o1, len: l1 }), Some(Atom::Word { off: o2, len: l2 })) => {
            slice(ta, o1, l1).cmp(slice(tb, o2, l2))
        }
        _ => class(a).cmp(&class(b)),
    }
}

/// Compares two parsed versions without allocating.
pub(crate) fn cmp(a: &Parsed, b: &Parsed) -> Ordering {
    match (a.blank, b.blank) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (false, false) => {}
    }
    let (xs, ys) = (&a.atoms[..], &b.atoms[..]);
    let (ta, tb) = (&*a.text, &*b.text);
    let (mut i, mut j) = (0usize, 0usize);
    loop {
        // Number run, zero-padded on the shorter side.
        loop {
            let x = xs.get(i).copied().filter(|x| x.is_num());
            let y = ys.get(j).copied().filter(|y| y.is_num());
            match (x, y) {
                (Some(x), Some(y)) => {
                    let o = cmp_num(x, ta, y, tb);
                    if o != Ordering::Equal {
                        return o;
                    }
                    i += 1;
                    j += 1;
                }
                (Some(x), None) => {
                    if !is_zero(x) {
                        return Ordering::Greater;
                    }
                    i += 1;
                }
                (None, Some(y)) => {
                    if !is_zero(y) {
                        return Ordering::Less;
                    }
                    j += 1;
                }
                (None, None) => break,
            }
        }
        let x = xs.get(i).copied();
        let y = ys.get(j).copied();
        if x.is_none() && y.is_none() {
            return Ordering::Equal;
        }
        let o = cmp_tag(x, ta, y, tb);
        if o != Ordering::Equal {
            return o;
        }
        if x.is_some() {
            i += 1;
        }
        if y.is_some() {
            j += 1;
        }
    }
}

/// Hashes the canonical content (consistent with [`cmp`] equality).
pub(crate) fn hash<H: Hasher>(p: &Parsed, state: &mut H) {
    p.blank.hash(state);
    p.atoms.len().hash(state);
    for &atom in &p.atoms[..] {
        match atom {
            Atom::Num(n) => {
                0u8.hash(state);
                n.hash(state);
            }
            Atom::Big { off, len } => {
                1u8.hash(state);
                slice(&p.text, off, len).hash(state);
            }
            Atom::Pre(r) => {
                2u8.hash(state);
                r.hash(state);
            }
            Atom::Word { off, len } => {
                3u8.hash(state);
                slice(&p.text, off, len).hash(state);
            }
        }
    }
}

/// Human-readable canonical form, for diagnostics and tests.
pub(crate) fn canonical(p: &Parsed) -> String {
    if p.blank {
        return String::from("<blank>");
    }
    let mut out = String::new();
    let mut prev_num = false;
    for &atom in &p.atoms[..] {
        let piece = match atom {
            Atom::Num(n) => n.to_string(),
            Atom::Big { off, len } => {
                String::from_utf8_lossy(slice(&p.text, off, len)).into_owned()
            }
            Atom::Pre(r) => String::from(match r {
                PRE_DEV => "~dev",
                PRE_ALPHA => "~alpha",
                PRE_BETA => "~beta",
                PRE_MILESTONE => "~milestone",
                PRE_RC => "~rc",
                _ => "~snapshot",
            }),
            Atom::Word { off, len } => {
                format!("+{}", String::from_utf8_lossy(slice(&p.text, off, len)))
            }
        };
        let is_num = atom.is_num();
        if is_num && prev_num {
            out.push('.');
        }
        out.push_str(&piece);
        prev_num = is_num;
    }
    if out.is_empty() {
        out.push('0');
    }
    out
}
