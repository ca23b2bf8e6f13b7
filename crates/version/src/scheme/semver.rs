//! Semantic Versioning 2.0.0 precedence (semver.org §11).
//!
//! Lenient in three documented ways, because CNAs label many non-strict
//! versions `semver`: surrounding whitespace and a leading `v` are ignored,
//! a missing minor or patch counts as `0` (`2.0` == `2.0.0`), and leading
//! zeros in numeric fields are accepted and ignored.

use std::cmp::Ordering;

use super::cmp_digits;
use crate::VersionError;

/// A parsed semantic version borrowing from its input.
#[derive(Debug, Clone)]
pub(crate) struct SemVer<'a> {
    core: [&'a str; 3],
    pre: Vec<&'a str>,
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn valid_ident(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub(crate) fn parse(input: &str) -> Result<SemVer<'_>, VersionError> {
    let err = |reason: &'static str| VersionError::Semver {
        input: input.to_owned(),
        reason,
    };
    let s = input.trim();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    if s.is_empty() {
        return Err(err("empty version"));
    }
    let (s, build) = match s.split_once('+') {
        Some((v, b)) => (v, Some(b)),
        None => (s, None),
    };
    if let Some(build) = build
        && !build.split('.').all(valid_ident)
    {
        return Err(err(
            "build metadata must be dot-separated [0-9A-Za-z-] identifiers",
        ));
    }
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (s, None),
    };
    let mut fields = ["0"; 3];
    for (n, part) in core.split('.').enumerate() {
        let Some(slot) = fields.get_mut(n) else {
            return Err(err("more than three numeric fields in MAJOR.MINOR.PATCH"));
        };
        if !is_digits(part) {
            return Err(err(
                "MAJOR.MINOR.PATCH fields must be non-empty decimal numbers",
            ));
        }
        *slot = part;
    }
    let pre = match pre {
        None => Vec::new(),
        Some(p) => {
            let ids: Vec<&str> = p.split('.').collect();
            if !ids.iter().all(|i| valid_ident(i)) {
                return Err(err(
                    "pre-release must be dot-separated non-empty [0-9A-Za-z-] identifiers",
                ));
            }
            ids
        }
    };
    Ok(SemVer { core: fields, pre })
}

fn cmp_ident(a: &str, b: &str) -> Ordering {
    match (is_digits(a), is_digits(b)) {
        (true, true) => cmp_digits(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

pub(crate) fn cmp(a: &SemVer<'_>, b: &SemVer<'_>) -> Ordering {
    for k in 0..3 {
        let o = cmp_digits(a.core[k], b.core[k]);
        if o != Ordering::Equal {
            return o;
        }
    }
    match (a.pre.is_empty(), b.pre.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    for (x, y) in a.pre.iter().zip(b.pre.iter()) {
        let o = cmp_ident(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    a.pre.len().cmp(&b.pre.len())
}
