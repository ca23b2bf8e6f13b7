//! Order laws for the generic order (all strings) and the schemes.

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use proptest::prelude::*;
use zian_version::{Scheme, Version, compare, compare_with};

fn hash_of(v: &Version) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// Version-like strings: numbers (with leading zeros and huge ones), the
/// special words, single letters, and every separator kind.
fn version_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => (0u64..30).prop_map(|n| n.to_string()),
        1 => "0{0,3}[0-9]{1,3}",
        1 => "[0-9]{18,24}",
        2 => prop::sample::select(vec![
            "a", "b", "m", "h", "p", "r", "u", "v", "f", "z", "za", "alpha", "beta", "rc", "cr",
            "pre", "dev", "snapshot", "milestone", "sp", "hotfix", "patch", "update", "build",
            "final", "ga", "release", "service", "pack", "x", "M", "RC", "Beta",
        ])
        .prop_map(str::to_owned),
    ];
    let sep = prop::sample::select(vec![
        "", "", ".", ".", "-", "_", "+", " ", "(", ")", "~", ":",
    ]);
    prop::collection::vec((piece, sep), 0..8)
        .prop_map(|parts| parts.into_iter().map(|(p, s)| format!("{p}{s}")).collect())
}

fn any_string() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), version_like(), "[ -~]{0,12}"]
}

fn check_pair(a: &str, b: &str) -> Result<(), TestCaseError> {
    let (va, vb) = (Version::parse(a), Version::parse(b));
    let ab = va.cmp(&vb);
    prop_assert_eq!(ab, vb.cmp(&va).reverse(), "antisymmetry {:?} {:?}", a, b);
    prop_assert_eq!(ab, compare(a, b));
    prop_assert_eq!(va.partial_cmp(&vb), Some(ab));
    prop_assert_eq!(va == vb, ab == Ordering::Equal, "Eq vs Ord {:?} {:?}", a, b);
    prop_assert_eq!(
        va.canonical() == vb.canonical(),
        ab == Ordering::Equal,
        "canonical form decides equality {:?} {:?}",
        a,
        b
    );
    if ab == Ordering::Equal {
        prop_assert_eq!(hash_of(&va), hash_of(&vb), "Hash vs Eq {:?} {:?}", a, b);
    }
    prop_assert_eq!(va.cmp(&va), Ordering::Equal);
    prop_assert_eq!(va.as_str(), a);
    Ok(())
}

fn check_triple(a: &str, b: &str, c: &str) -> Result<(), TestCaseError> {
    let mut v = [Version::parse(a), Version::parse(b), Version::parse(c)];
    v.sort();
    prop_assert!(
        v[0] <= v[1] && v[1] <= v[2] && v[0] <= v[2],
        "sorted triple {:?}",
        v
    );
    // Transitivity of both < and ==.
    if v[0] == v[1] && v[1] == v[2] {
        prop_assert_eq!(&v[0], &v[2]);
    }
    if v[0] < v[1] || v[1] < v[2] {
        prop_assert!(v[0] < v[2], "strict transitivity {:?}", v);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn generic_pair_laws(a in any_string(), b in any_string()) {
        check_pair(&a, &b)?;
    }

    #[test]
    fn generic_pair_laws_version_like(a in version_like(), b in version_like()) {
        check_pair(&a, &b)?;
    }

    #[test]
    fn generic_transitivity(a in any_string(), b in any_string(), c in any_string()) {
        check_triple(&a, &b, &c)?;
    }

    #[test]
    fn generic_transitivity_version_like(a in version_like(), b in version_like(), c in version_like()) {
        check_triple(&a, &b, &c)?;
    }

    /// Sorting a batch and checking every pair catches non-transitive cycles
    /// that triples can miss.
    #[test]
    fn generic_sorted_batch_is_consistent(batch in prop::collection::vec(version_like(), 2..24)) {
        let mut v: Vec<Version> = batch.iter().map(|s| Version::parse(s)).collect();
        v.sort();
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                prop_assert!(v[i] <= v[j], "{:?} > {:?} after sort", v[i], v[j]);
            }
        }
    }

    /// Appending a non-zero numeric segment always makes a version larger
    /// (a sanity law tying the rules together).
    #[test]
    fn appending_a_segment_grows(a in version_like(), n in 1u64..1000) {
        let longer = format!("{a}.{n}");
        // Only meaningful when `a` ends in a number run (so `.n` extends it).
        if a.ends_with(|c: char| c.is_ascii_digit()) {
            prop_assert_eq!(compare(&longer, &a), Ordering::Greater, "{:?} vs {:?}", longer, a);
        }
    }

    #[test]
    fn schemes_are_antisymmetric_and_reflexive(a in any_string(), b in any_string()) {
        for scheme in [Scheme::Generic, Scheme::Semver, Scheme::Rpm, Scheme::Deb, Scheme::Maven, Scheme::Python] {
            let ab = compare_with(scheme, &a, &b);
            let ba = compare_with(scheme, &b, &a);
            prop_assert_eq!(ab, ba.map(Ordering::reverse), "{:?} {:?} {:?}", scheme, a, b);
            prop_assert!(ab.is_some());
            prop_assert_eq!(compare_with(scheme, &a, &a), Some(Ordering::Equal), "{:?} {:?}", scheme, a);
        }
        prop_assert_eq!(compare_with(Scheme::Git, &a, &a), Some(Ordering::Equal));
        if a.trim() != b.trim() {
            prop_assert_eq!(compare_with(Scheme::Git, &a, &b), None);
        }
    }

    #[test]
    fn total_schemes_are_transitive(a in version_like(), b in version_like(), c in version_like()) {
        // RPM and Debian accept every string, so their orders must be
        // transitive on all of them. Maven is left out on purpose: we follow
        // Maven's ComparableVersion exactly, and it is not transitive on
        // degenerate inputs that mix zeros, bare qualifiers and sub-lists
        // (found here: "" < "a" < "0alpha0" < "", and "0-1", "a", "0.1").
        // Its documented examples are checked in tests/schemes.rs.
        for scheme in [Scheme::Rpm, Scheme::Deb] {
            let mut v = [a.clone(), b.clone(), c.clone()];
            v.sort_by(|x, y| compare_with(scheme, x, y).unwrap_or(Ordering::Equal));
            let le = |x: &str, y: &str| compare_with(scheme, x, y) != Some(Ordering::Greater);
            prop_assert!(le(&v[0], &v[1]) && le(&v[1], &v[2]) && le(&v[0], &v[2]), "{:?} {:?}", scheme, v);
        }
    }

    #[test]
    fn semver_is_transitive_on_semver(
        a in semver_like(), b in semver_like(), c in semver_like()
    ) {
        let mut v = [a, b, c];
        v.sort_by(|x, y| compare_with(Scheme::Semver, x, y).unwrap_or(Ordering::Equal));
        let le = |x: &str, y: &str| compare_with(Scheme::Semver, x, y) != Some(Ordering::Greater);
        prop_assert!(le(&v[0], &v[1]) && le(&v[1], &v[2]) && le(&v[0], &v[2]), "{:?}", v);
    }

    #[test]
    fn python_is_transitive_on_pep440(
        a in pep440_like(), b in pep440_like(), c in pep440_like()
    ) {
        let mut v = [a, b, c];
        v.sort_by(|x, y| compare_with(Scheme::Python, x, y).unwrap_or(Ordering::Equal));
        let le = |x: &str, y: &str| compare_with(Scheme::Python, x, y) != Some(Ordering::Greater);
        prop_assert!(le(&v[0], &v[1]) && le(&v[1], &v[2]) && le(&v[0], &v[2]), "{:?}", v);
    }
}

fn semver_like() -> impl Strategy<Value = String> {
    (
        0u32..4,
        0u32..4,
        0u32..4,
        prop::collection::vec(prop_oneof!["[0-9]{1,2}", "alpha|beta|rc|x-y|A"], 0..3),
        prop::option::of("[a-z0-9]{1,4}"),
    )
        .prop_map(|(a, b, c, pre, build)| {
            let mut s = format!("{a}.{b}.{c}");
            if !pre.is_empty() {
                s.push('-');
                s.push_str(&pre.join("."));
            }
            if let Some(build) = build {
                s.push('+');
                s.push_str(&build);
            }
            s
        })
}

fn pep440_like() -> impl Strategy<Value = String> {
    (
        prop::option::of(1u32..3),
        prop::collection::vec(0u32..4, 1..4),
        prop::option::of(("a|b|rc|alpha|c", 0u32..3)),
        prop::option::of(0u32..3),
        prop::option::of(0u32..3),
        prop::option::of("[a-z0-9]{1,3}(\\.[a-z0-9]{1,3})?"),
    )
        .prop_map(|(epoch, rel, pre, post, dev, local)| {
            let mut s = String::new();
            if let Some(e) = epoch {
                s.push_str(&format!("{e}!"));
            }
            let rel: Vec<String> = rel.iter().map(u32::to_string).collect();
            s.push_str(&rel.join("."));
            if let Some((l, n)) = pre {
                s.push_str(&format!("{l}{n}"));
            }
            if let Some(p) = post {
                s.push_str(&format!(".post{p}"));
            }
            if let Some(d) = dev {
                s.push_str(&format!(".dev{d}"));
            }
            if let Some(l) = local {
                s.push('+');
                s.push_str(&l);
            }
            s
        })
}
