//! Debian `[epoch:]upstream_version[-debian_revision]` ordering (Debian
//! Policy §5.6.12 "Version"; re-implemented from the policy text).
//!
//! * Epoch: decimal digits before the first `:`; missing = 0.
//! * Revision: text after the last `-`; missing is equivalent to `0`.
//! * Upstream and revision are compared by alternating a non-digit prefix
//!   (character by character, where `~` sorts before everything, even the
//!   end of the part, letters sort before all non-letters, and the end sorts
//!   before any non-`~` character) and a digit prefix (numerically, empty = 0).
//!
//! Lenient: invalid characters are not rejected; they take part in the
//! non-letter ordering by their byte value.

use std::cmp::Ordering;

use super::cmp_digits;

struct Parts<'a> {
    epoch: &'a str,
    upstream: &'a str,
    revision: &'a str,
}

fn split(s: &str) -> Parts<'_> {
    let s = s.trim();
    let (epoch, rest) = match s.split_once(':') {
        Some((e, r)) if e.bytes().all(|b| b.is_ascii_digit()) => (e, r),
        _ => ("0", s),
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((u, r)) => (u, r),
        None => (rest, "0"),
    };
    Parts {
        epoch,
        upstream,
        revision,
    }
}

/// Weight of one byte in a non-digit run; `None` is the end of the run.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg-style comparison of one part (upstream or revision).
pub(crate) fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0usize, 0usize);
    while i < a.len() || j < b.len() {
        // Non-digit prefix.
        loop {
            let x = a.get(i).copied().filter(|c| !c.is_ascii_digit());
            let y = b.get(j).copied().filter(|c| !c.is_ascii_digit());
            if x.is_none() && y.is_none() {
                break;
            }
            let o = weight(x).cmp(&weight(y));
            if o != Ordering::Equal {
                return o;
            }
            i += 1;
            j += 1;
        }
        // Digit prefix.
        let (si, sj) = (i, j);
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let da = std::str::from_utf8(&a[si..i]).unwrap_or_default();
        let db = std::str::from_utf8(&b[sj..j]).unwrap_or_default();
        let o = cmp_digits(da, db);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

pub(crate) fn cmp(a: &str, b: &str) -> Ordering {
    let (x, y) = (split(a), split(b));
    cmp_digits(x.epoch, y.epoch)
        .then_with(|| verrevcmp(x.upstream, y.upstream))
        .then_with(|| verrevcmp(x.revision, y.revision))
}
