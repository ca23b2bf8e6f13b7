//! Fuzz the generic version order: arbitrary bytes split into two strings,
//! compared both ways. Must never panic; must be antisymmetric and reflexive.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zian_version::{Scheme, Version, compare, compare_with};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let split = text
        .char_indices()
        .nth(text.chars().count() / 2)
        .map_or(text.len(), |(i, _)| i);
    let (a, b) = text.split_at(split);

    let ab = compare(a, b);
    assert_eq!(ab, compare(b, a).reverse(), "antisymmetry: {a:?} {b:?}");
    assert_eq!(compare(a, a), std::cmp::Ordering::Equal, "reflexive: {a:?}");
    assert_eq!(compare(b, b), std::cmp::Ordering::Equal, "reflexive: {b:?}");

    let (va, vb) = (Version::parse(a), Version::parse(b));
    assert_eq!(va.cmp(&vb), ab);
    assert_eq!(va == vb, ab == std::cmp::Ordering::Equal);

    for scheme in [
        Scheme::Semver,
        Scheme::Rpm,
        Scheme::Deb,
        Scheme::Maven,
        Scheme::Python,
    ] {
        let x = compare_with(scheme, a, b);
        let y = compare_with(scheme, b, a);
        assert_eq!(
            x,
            y.map(std::cmp::Ordering::reverse),
            "{scheme:?}: {a:?} {b:?}"
        );
    }
    let _ = compare_with(Scheme::Git, a, b);
});
