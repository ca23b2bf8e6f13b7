//! RPM `[epoch:]version[-release]` ordering, following the documented
//! behaviour of `rpmvercmp` (rpm's lib/rpmvercmp.c; re-implemented here).
//!
//! * Epoch: leading decimal digits before the first `:`; missing = 0.
//! * Release: the text after the last `-`.
//! * Each of version and release is compared segment by segment: runs of
//!   digits or of ASCII letters; other characters only separate. Numeric
//!   segments compare numerically and are newer than alphabetic ones.
//!   `~` sorts before anything, even the end of the string (`1.0~rc1` <
//!   `1.0`); `^` sorts after the end but before any other segment
//!   (`1.0` < `1.0^git1` < `1.0.1`). Whichever string has segments left wins.
//!
//! Deviation: rpm's dependency matching treats a missing release as "any
//! release"; as an *order* that is not transitive, so here a missing release
//! sorts before every present one (`1.0` < `1.0-1`).

use std::cmp::Ordering;

use super::cmp_digits;

struct Evr<'a> {
    epoch: &'a str,
    version: &'a str,
    release: Option<&'a str>,
}

fn split_evr(s: &str) -> Evr<'_> {
    let s = s.trim();
    let (epoch, rest) = match s.split_once(':') {
        Some((e, r)) if e.bytes().all(|b| b.is_ascii_digit()) => (e, r),
        _ => ("0", s),
    };
    let (version, release) = match rest.rsplit_once('-') {
        Some((v, r)) => (v, Some(r)),
        None => (rest, None),
    };
    Evr {
        epoch,
        version,
        release,
    }
}

/// `rpmvercmp` on one field.
pub(crate) fn vercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0usize, 0usize);
    let sep = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    loop {
        while i < a.len() && sep(a[i]) {
            i += 1;
        }
        while j < b.len() && sep(b[j]) {
            j += 1;
        }
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        if x == Some(b'~') || y == Some(b'~') {
            if x != Some(b'~') {
                return Ordering::Greater;
            }
            if y != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if x == Some(b'^') || y == Some(b'^') {
            match (x, y) {
                (None, _) => return Ordering::Less,
                (_, None) => return Ordering::Greater,
                (Some(b'^'), Some(b'^')) => {
                    i += 1;
                    j += 1;
                    continue;
                }
                (Some(b'^'), _) => return Ordering::Less,
                _ => return Ordering::Greater,
            }
        }
        let (Some(x), Some(_)) = (x, y) else {
            break;
        };
        let numeric = x.is_ascii_digit();
        let class = |c: u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let (si, sj) = (i, j);
        while i < a.len() && class(a[i]) {
            i += 1;
        }
        while j < b.len() && class(b[j]) {
            j += 1;
        }
        if sj == j {
            // Segment types differ: numeric is newer than alphabetic.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (sa, sb) = (&a[si..i], &b[sj..j]);
        let o = if numeric {
            // Both are ASCII digits, hence valid UTF-8.
            cmp_digits(
                std::str::from_utf8(sa).unwrap_or_default(),
                std::str::from_utf8(sb).unwrap_or_default(),
            )
        } else {
            sa.cmp(sb)
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (false, _) => Ordering::Greater,
        (true, false) => Ordering::Less,
    }
}

pub(crate) fn cmp(a: &str, b: &str) -> Ordering {
    let (x, y) = (split_evr(a), split_evr(b));
    cmp_digits(x.epoch, y.epoch)
        .then_with(|| vercmp(x.version, y.version))
        .then_with(|| match (x.release, y.release) {
            (Some(r), Some(s)) => vercmp(r, s),
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
        })
}
