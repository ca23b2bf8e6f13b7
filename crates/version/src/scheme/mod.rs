//! Per-ecosystem comparison schemes selected by CVE 5 `versionType`.

pub(crate) mod deb;
pub(crate) mod maven;
pub(crate) mod pep440;
pub(crate) mod rpm;
pub(crate) mod semver;

use std::cmp::Ordering;

/// Compares two unsigned decimal digit strings numerically, of any length.
/// Leading zeros are ignored; empty strings count as zero.
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}
