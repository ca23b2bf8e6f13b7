//! # zian-version — a documented total order for real vendor version strings
//!
//! The vulnerability matcher compares asset versions against NVD range bounds
//! (`versionStartIncluding` … `versionEndExcluding`) and CVE 5
//! `affected[].versions` (`version` / `lessThan` / `lessThanOrEqual` with a
//! `versionType`). Vendor versions follow no single rule, so this crate
//! provides:
//!
//! * [`Version`] / [`compare`]: the **generic order**, a total order over *all*
//!   strings (antisymmetric, transitive, total, consistent with `Eq` and
//!   `Hash`), tuned for the shapes found in NVD data; and
//! * [`Scheme`] / [`compare_with`]: per-ecosystem orders for CVE 5
//!   `versionType` values (SemVer, RPM, Debian, Maven, PEP 440, git).
//!
//! Nothing here panics, allocates during `Version` comparison, or keeps state.
//!
//! ```
//! use std::cmp::Ordering::{Equal, Greater, Less};
//! use zian_version::{compare, compare_with, Scheme, Version};
//!
//! assert_eq!(compare("2.4.10", "2.4.9"), Greater);
//! assert_eq!(compare("1.0.1f", "1.0.1g"), Less); // OpenSSL letter releases
//! assert_eq!(compare("10.2.9-h1", "10.2.9"), Greater); // PAN-OS hotfix
//! assert_eq!(compare("10.2.9-h10", "10.2.10"), Less);
//! assert_eq!(compare("1.0rc1", "1.0"), Less); // pre-release
//! assert_eq!(compare("7.0 update 45", "7.0u45"), Equal); // Java updates
//! assert_eq!(compare("15.2(4)M2", "15.2(4)M10"), Less); // Cisco IOS
//! assert_eq!(compare("*", "0"), Less); // blank is the smallest
//!
//! // Pre-parse once, compare many times without allocating.
//! let bound = Version::parse("1.0.1g");
//! assert!(Version::parse("1.0.1f") < bound);
//!
//! let semver = Scheme::from_version_type("semver");
//! assert_eq!(compare_with(semver, "1.0.0-rc.1", "1.0.0"), Some(Less));
//! assert_eq!(compare_with(Scheme::Git, "60f09d1", "e3b0c44"), None);
//! ```
//!
//! ## The generic order
//!
//! ### Tokens
//!
//! The string is split into runs of ASCII digits and runs of ASCII letters
//! (compared case-insensitively). **Every other character only separates**:
//! `.` `-` `_` `+` `:` `(` `)` `/`, whitespace, CPE escape backslashes and any
//! non-ASCII character. So `1.0-1` == `1_0_1` == `1 0 1` == `1.0.1`, and
//! Cisco `15.2(4)M2` reads as `15 2 4 M 2`.
//!
//! The tokens form *groups*: a run of numbers followed by at most one *tag*
//! (a word). `10.2.9-h10` is the groups `[10 2 9] h` and `[10]`.
//!
//! ### Numbers
//!
//! Numbers compare numerically, at any length (`2.4.10` > `2.4.9`,
//! `10.0.19041.1234` > `10.0.19041.999`). **Leading zeros are insignificant:
//! `1.01` == `1.1`.** Within a group, **trailing zeros are insignificant:
//! `1` == `1.0` == `1.0.0`**, and a shorter run is padded with zeros
//! (`1.0` < `1.0.1`). Dates therefore order naturally (`2016-01-30` <
//! `2016-02-01`), as do `2016.0.1` and Windows builds.
//!
//! ### Tags
//!
//! After equal number runs the tags decide:
//!
//! **pre-release < (nothing: the release) < any other word**
//!
//! * Pre-release words, in this order: `dev` < `alpha` < `beta` <
//!   `milestone` < `rc` = `cr` = `pre` = `preview` < `snapshot`. So
//!   `1.0-dev` < `1.0-alpha` < `1.0b2` < `2.0.0-m1`-style milestones <
//!   `1.0rc1` < `1.0.0-SNAPSHOT` < `1.0`.
//! * The single letters `a`, `b`, `m` directly followed by a digit (`1.0b2`,
//!   `2.0.0-M1`) abbreviate alpha, beta, milestone — but only as the *first*
//!   word of the version and never in a version containing `(`. Elsewhere
//!   they are plain letters: OpenSSL `1.0.1b` is a letter release,
//!   Huawei `V100R001C00B042` and Cisco `15.2(4)M2` are field labels.
//! * Every other word sorts **after** the release: letter releases
//!   (`1.0.1` < `1.0.1f` < `1.0.1g` < `1.0.2`; `0.9.8z` < `0.9.8za`; `4.0` <
//!   `4.0e`), hotfixes (`10.2.9` < `10.2.9-h1` < `10.2.9-h2` < `10.2.9-h10` <
//!   `10.2.10`), patches (`1.7.10p4`), service packs (`2008 sp1`), revisions
//!   (`1.0-r2`), Cisco trains (`15.2(4)` < `15.2(4)M` < `15.2(4)M2`). Words
//!   compare alphabetically among themselves after these aliases:
//!   `hotfix`/`hf` → `h`, `patch`/`pl` → `p`, `servicepack` and
//!   `service pack` → `sp`, `revision`/`rev` → `r`.
//! * Because a tag closes its group, a post-release word stays below the next
//!   number: `10.2-h1` < `10.2.1`, `1.0f` < `1.0.5`, `1.0 sp1` < `1.0.1`.
//! * A word that starts the string sorts below numbers at that position:
//!   `r2` < `2` (the empty number run pads with zeros first), and `r2` >
//!   `r1`.
//!
//! ### Transparent words
//!
//! Some words carry no ordering information and are dropped:
//!
//! * a leading `v` or `version` before a number: `v1.2` == `1.2`;
//! * `update`, `upd`, `build` before a number, and `u` glued between two
//!   numbers: **Java `7.0 update 45` == `7.0u45` == `7.0.45` == `7.0_45`,
//!   and `1.8.0_121` == `1.8.0u121` == `1.8.0 update 121`**; QNAP
//!   `4.2.6 build_20170517` == `4.2.6.20170517`;
//! * `final`, `ga`, `release`, `stable`: `1.0.RELEASE` == `1.0-GA` == `1.0`.
//!
//! ### Blank strings
//!
//! A string with no ASCII letter or digit at all (``, `*`, `-`, `  `) is the
//! **smallest version of all**: below `0` and below every pre-release, and
//! equal only to other blank strings. (The matcher should treat CPE `*` and
//! `-` as "any" / "not applicable" before asking for an order.)
//!
//! ### Equality
//!
//! `Version`'s `Eq` and `Hash` are those of the order: two versions are equal
//! exactly when their canonical forms are equal (after case folding, the
//! separator, zero, alias and transparent-word rules above), even if their
//! text ([`Version::as_str`]) differs. [`Version::canonical`] shows the form.
//!
//! ### Things the generic order does not know
//!
//! Epochs (`1:2.0`; use [`Scheme::Deb`] or [`Scheme::Rpm`]), month names
//! (`11jun2012`), OpenSSL 3's `3.0.0-alpha` vs letter releases mixed in one
//! comparison beyond the rules above, and product-specific trains. Those
//! compare by the token rules, which stay a total order.
//!
//! ## Schemes
//!
//! [`compare_with`] selects an ecosystem order via [`Scheme`]:
//!
//! * [`Scheme::Semver`] — semver.org 2.0.0 §11 precedence; build metadata is
//!   ignored. Lenient: whitespace, a leading `v`, missing minor/patch and
//!   leading zeros are accepted. If either side is not SemVer, the generic
//!   order is used.
//! * [`Scheme::Rpm`] — `rpmvercmp` with `epoch:version-release`, `~` and
//!   `^`; a missing release sorts first (documented deviation).
//! * [`Scheme::Deb`] — Debian Policy §5.6.12: epoch, upstream, revision, `~`.
//! * [`Scheme::Maven`] — `ComparableVersion` main rules: alpha < beta <
//!   milestone < rc = cr < snapshot < "" = ga = final = release < sp.
//! * [`Scheme::Python`] — PEP 440 epochs, pre/post/dev releases and local
//!   labels; invalid versions fall back to the generic order.
//! * [`Scheme::Git`] — commit ids have no order: `Some(Equal)` for identical
//!   (trimmed) strings, otherwise `None`.
//! * [`Scheme::Generic`] — the generic order (`custom`, unknown types).
//!
//! Fallbacks mean a scheme comparison mixing valid and invalid inputs is not
//! guaranteed transitive; only the generic order is a total order on all
//! strings. Use [`check`] to tell whether a string is valid in a scheme.

#![forbid(unsafe_code)]

mod generic;
mod scheme;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Why a string is not a valid version in a strict scheme (see [`check`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// Not a SemVer 2.0.0 version (even with the documented leniency).
    #[error("not a semantic version {input:?}: {reason}")]
    Semver {
        /// The rejected input.
        input: String,
        /// Which part is wrong.
        reason: &'static str,
    },
    /// Not a PEP 440 version.
    #[error("not a PEP 440 version {input:?}: {reason}")]
    Pep440 {
        /// The rejected input.
        input: String,
        /// Which part is wrong.
        reason: &'static str,
    },
    /// A git commit id is not a non-empty run of hex digits.
    #[error("not a git commit id {input:?}: {reason}")]
    Git {
        /// The rejected input.
        input: String,
        /// Which part is wrong.
        reason: &'static str,
    },
}

/// Parsed version; cheap to compare. `Ord` is a total order (antisymmetric,
/// transitive, total) over ALL strings, even garbage. See the crate docs for
/// the rules.
///
/// `PartialEq`, `Eq` and `Hash` follow the order: `Version::parse("1.0") ==
/// Version::parse("1")` although their [`as_str`](Version::as_str) differ.
#[derive(Clone, Debug)]
pub struct Version {
    raw: Box<str>,
    parsed: generic::Parsed,
}

impl Version {
    /// Parses any string; never fails.
    pub fn parse(s: &str) -> Version {
        Version {
            raw: s.into(),
            parsed: generic::parse(s),
        }
    }

    /// The original text.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The canonical form that decides equality, e.g. `1.0.1+f` for
    /// `1.0.1F`, `1~rc1` for `1.0-RC1`, `<blank>` for `*`. Numbers are
    /// joined by `.`, pre-release tags start with `~`, other words with `+`.
    pub fn canonical(&self) -> String {
        generic::canonical(&self.parsed)
    }

    /// True for a string with no ASCII letter or digit (``, `*`, `-`).
    pub fn is_blank(&self) -> bool {
        self.parsed.blank
    }

    /// True when the version carries a pre-release tag (`dev`, `alpha`,
    /// `beta`, `milestone`, `rc`, `snapshot`).
    pub fn is_prerelease(&self) -> bool {
        self.parsed
            .atoms
            .iter()
            .any(|a| matches!(a, generic::Atom::Pre(_)))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        generic::cmp(&self.parsed, &other.parsed) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        generic::hash(&self.parsed, state);
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        generic::cmp(&self.parsed, &other.parsed)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl From<&str> for Version {
    fn from(s: &str) -> Self {
        Version::parse(s)
    }
}

/// Compares two strings with the generic order (parses both).
pub fn compare(a: &str, b: &str) -> Ordering {
    generic::cmp(&generic::parse(a), &generic::parse(b))
}

/// Version schemes from CVE 5 `versionType`; unknown strings map to Generic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// The generic vendor order (CVE 5 `custom` and anything unknown).
    Generic,
    /// Semantic Versioning 2.0.0.
    Semver,
    /// RPM `rpmvercmp` with epoch and release.
    Rpm,
    /// Debian package versions.
    Deb,
    /// Maven `ComparableVersion`.
    Maven,
    /// Python PEP 440.
    Python,
    /// Git commit ids: unordered.
    Git,
}

impl Scheme {
    /// Maps a CVE 5 `versionType` (trimmed, case-insensitive) to a scheme.
    ///
    /// `semver` (also the seen misspellings `semvar`, `sem`), `rpm`, `deb` /
    /// `debian` / `dpkg`, `maven`, `python` / `pypi` / `pep440`, `git` /
    /// `commit` / `original_commit_for_fix`; anything else is `Generic`.
    pub fn from_version_type(s: &str) -> Scheme {
        match s.trim().to_ascii_lowercase().as_str() {
            "semver" | "semvar" | "sem" => Scheme::Semver,
            "rpm" => Scheme::Rpm,
            "deb" | "debian" | "dpkg" => Scheme::Deb,
            "maven" => Scheme::Maven,
            "python" | "pypi" | "pep440" => Scheme::Python,
            "git" | "commit" | "original_commit_for_fix" => Scheme::Git,
            _ => Scheme::Generic,
        }
    }
}

/// Compares two versions under `scheme`. `None` when the scheme cannot order
/// them (git commit ids that differ) — the matcher then reports "unknown"
/// instead of guessing.
pub fn compare_with(scheme: Scheme, a: &str, b: &str) -> Option<Ordering> {
    match scheme {
        Scheme::Generic => Some(compare(a, b)),
        Scheme::Semver => match (scheme::semver::parse(a), scheme::semver::parse(b)) {
            (Ok(x), Ok(y)) => Some(scheme::semver::cmp(&x, &y)),
            _ => Some(compare(a, b)),
        },
        Scheme::Rpm => Some(scheme::rpm::cmp(a, b)),
        Scheme::Deb => Some(scheme::deb::cmp(a, b)),
        Scheme::Maven => Some(scheme::maven::cmp(a, b)),
        Scheme::Python => match (scheme::pep440::parse(a), scheme::pep440::parse(b)) {
            (Ok(x), Ok(y)) => Some(scheme::pep440::cmp(&x, &y)),
            _ => Some(compare(a, b)),
        },
        Scheme::Git => (a.trim() == b.trim()).then_some(Ordering::Equal),
    }
}

/// Checks that `s` is valid in `scheme`'s strict syntax (SemVer, PEP 440,
/// git commit id). Generic, RPM, Debian and Maven accept every string.
pub fn check(scheme: Scheme, s: &str) -> Result<(), VersionError> {
    match scheme {
        Scheme::Semver => scheme::semver::parse(s).map(|_| ()),
        Scheme::Python => scheme::pep440::parse(s).map(|_| ()),
        Scheme::Git => {
            let t = s.trim();
            if t.is_empty() {
                Err(VersionError::Git {
                    input: s.to_owned(),
                    reason: "empty commit id",
                })
            } else if !t.bytes().all(|b| b.is_ascii_hexdigit()) {
                Err(VersionError::Git {
                    input: s.to_owned(),
                    reason: "commit id must be hexadecimal digits",
                })
            } else {
                Ok(())
            }
        }
        Scheme::Generic | Scheme::Rpm | Scheme::Deb | Scheme::Maven => Ok(()),
    }
}
