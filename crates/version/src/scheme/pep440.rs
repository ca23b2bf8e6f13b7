//! Python PEP 440 version ordering (re-implemented from the PEP text).
//!
//! Accepted syntax (case-insensitive, surrounding whitespace and a leading
//! `v` ignored): `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]` with the
//! PEP's normalisations: `alpha`/`beta`/`c`/`pre`/`preview` spellings, `-`,
//! `_`, `.` separators, implicit numbers (`1.0rc` = `1.0rc0`), implicit post
//! releases (`1.0-1` = `1.0.post1`), `rev`/`r` for post.
//!
//! Order: epoch, release (zero-padded), then dev-only releases (`1.0.dev1`)
//! before pre-releases (a < b < rc) before the final release before post
//! releases; a `.devN` sorts before the same version without it; a local
//! version sorts after the same public version, local segments comparing
//! numbers above strings.

use std::cmp::Ordering;

use super::cmp_digits;
use crate::VersionError;

#[derive(Debug, Clone)]
pub(crate) struct Pep440 {
    epoch: String,
    release: Vec<String>,
    pre: Option<(u8, String)>,
    post: Option<String>,
    dev: Option<String>,
    local: Option<Vec<String>>,
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn digits(&mut self) -> Option<String> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }
    fn sep(&mut self) -> bool {
        if matches!(self.peek(), Some(b'-' | b'_' | b'.')) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn keyword(&mut self, words: &[&str]) -> Option<usize> {
        let rest = &self.s[self.i..];
        for (k, w) in words.iter().enumerate() {
            if rest.starts_with(w.as_bytes()) {
                self.i += w.len();
                return Some(k);
            }
        }
        None
    }
}

const PRE_WORDS: [&str; 8] = ["alpha", "beta", "preview", "pre", "rc", "a", "b", "c"];
const PRE_RANK: [u8; 8] = [0, 1, 2, 2, 2, 0, 1, 2];

pub(crate) fn parse(input: &str) -> Result<Pep440, VersionError> {
    let err = |reason: &'static str| VersionError::Pep440 {
        input: input.to_owned(),
        reason,
    };
    let lower = input.trim().to_ascii_lowercase();
    let body = lower.strip_prefix('v').unwrap_or(&lower);
    let mut c = Cursor {
        s: body.as_bytes(),
        i: 0,
    };
    let first = c
        .digits()
        .ok_or_else(|| err("release segment must start with a number"))?;
    let (epoch, mut release) = if c.peek() == Some(b'!') {
        c.i += 1;
        let n = c
            .digits()
            .ok_or_else(|| err("epoch `N!` must be followed by a release number"))?;
        (first, vec![n])
    } else {
        (String::from("0"), vec![first])
    };
    while c.peek() == Some(b'.') && c.s.get(c.i + 1).is_some_and(u8::is_ascii_digit) {
        c.i += 1;
        release.extend(c.digits());
    }
    while release.len() > 1 && release.last().is_some_and(|d| d.bytes().all(|b| b == b'0')) {
        release.pop();
    }
    // Pre-release.
    let save = c.i;
    c.sep();
    let pre = match c.keyword(&PRE_WORDS) {
        Some(k) => {
            let save_num = c.i;
            c.sep();
            let n = c.digits().unwrap_or_else(|| {
                c.i = save_num;
                String::from("0")
            });
            Some((PRE_RANK[k], n))
        }
        None => {
            c.i = save;
            None
        }
    };
    // Post-release.
    let save = c.i;
    let post = if c.peek() == Some(b'-') && c.s.get(c.i + 1).is_some_and(u8::is_ascii_digit) {
        c.i += 1;
        c.digits()
    } else {
        c.sep();
        if c.keyword(&["post", "rev", "r"]).is_some() {
            let save_num = c.i;
            c.sep();
            Some(c.digits().unwrap_or_else(|| {
                c.i = save_num;
                String::from("0")
            }))
        } else {
            c.i = save;
            None
        }
    };
    // Development release.
    let save = c.i;
    c.sep();
    let dev = if c.keyword(&["dev"]).is_some() {
        let save_num = c.i;
        c.sep();
        Some(c.digits().unwrap_or_else(|| {
            c.i = save_num;
            String::from("0")
        }))
    } else {
        c.i = save;
        None
    };
    // Local version label.
    let local = if c.peek() == Some(b'+') {
        let rest = &body[c.i + 1..];
        let segs: Vec<String> = rest.split(['-', '_', '.']).map(str::to_owned).collect();
        if segs
            .iter()
            .any(|s| s.is_empty() || !s.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(err(
                "local label must be [a-z0-9] segments separated by . - _",
            ));
        }
        c.i = c.s.len();
        Some(segs)
    } else {
        None
    };
    if c.i != c.s.len() {
        return Err(err("unexpected text after the version"));
    }
    Ok(Pep440 {
        epoch,
        release,
        pre,
        post,
        dev,
        local,
    })
}

fn cmp_opt_digits(a: Option<&String>, b: Option<&String>) -> Ordering {
    cmp_digits(a.map_or("0", String::as_str), b.map_or("0", String::as_str))
}

fn cmp_local(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b.iter()) {
        let xd = x.bytes().all(|c| c.is_ascii_digit());
        let yd = y.bytes().all(|c| c.is_ascii_digit());
        let o = match (xd, yd) {
            (true, true) => cmp_digits(x, y),
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

pub(crate) fn cmp(a: &Pep440, b: &Pep440) -> Ordering {
    let o = cmp_digits(&a.epoch, &b.epoch);
    if o != Ordering::Equal {
        return o;
    }
    for k in 0..a.release.len().max(b.release.len()) {
        let o = cmp_opt_digits(a.release.get(k), b.release.get(k));
        if o != Ordering::Equal {
            return o;
        }
    }
    // Pre-release slot: dev-only < pre-release < none.
    let pre_class = |v: &Pep440| match (&v.pre, &v.post, &v.dev) {
        (None, None, Some(_)) => 0u8,
        (Some(_), _, _) => 1,
        (None, _, _) => 2,
    };
    let o = pre_class(a).cmp(&pre_class(b));
    if o != Ordering::Equal {
        return o;
    }
    if let (Some((ra, na)), Some((rb, nb))) = (&a.pre, &b.pre) {
        let o = ra.cmp(rb).then_with(|| cmp_digits(na, nb));
        if o != Ordering::Equal {
            return o;
        }
    }
    let o = match (&a.post, &b.post) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => cmp_digits(x, y),
    };
    if o != Ordering::Equal {
        return o;
    }
    let o = match (&a.dev, &b.dev) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => cmp_digits(x, y),
    };
    if o != Ordering::Equal {
        return o;
    }
    match (&a.local, &b.local) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => cmp_local(x, y),
    }
}
