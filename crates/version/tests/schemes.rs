//! Known orderings from each ecosystem's own documentation, written as tests.

use std::cmp::Ordering::{self, Equal, Greater, Less};

use zian_version::{Scheme, VersionError, check, compare_with};

#[track_caller]
fn ordered(scheme: Scheme, list: &[&str]) {
    for (i, a) in list.iter().enumerate() {
        for b in &list[i + 1..] {
            assert_eq!(
                compare_with(scheme, a, b),
                Some(Less),
                "{scheme:?}: {a:?} < {b:?}"
            );
            assert_eq!(
                compare_with(scheme, b, a),
                Some(Greater),
                "{scheme:?}: {b:?} > {a:?}"
            );
        }
    }
}

#[track_caller]
fn rel(scheme: Scheme, a: &str, b: &str, o: Ordering) {
    assert_eq!(
        compare_with(scheme, a, b),
        Some(o),
        "{scheme:?}: {a:?} vs {b:?}"
    );
    assert_eq!(
        compare_with(scheme, b, a),
        Some(o.reverse()),
        "{scheme:?}: {b:?} vs {a:?}"
    );
}

#[test]
fn version_type_mapping() {
    assert_eq!(Scheme::from_version_type("semver"), Scheme::Semver);
    assert_eq!(Scheme::from_version_type(" SemVer "), Scheme::Semver);
    assert_eq!(Scheme::from_version_type("rpm"), Scheme::Rpm);
    assert_eq!(Scheme::from_version_type("deb"), Scheme::Deb);
    assert_eq!(Scheme::from_version_type("maven"), Scheme::Maven);
    assert_eq!(Scheme::from_version_type("python"), Scheme::Python);
    assert_eq!(Scheme::from_version_type("git"), Scheme::Git);
    assert_eq!(Scheme::from_version_type("custom"), Scheme::Generic);
    assert_eq!(Scheme::from_version_type("rpm, exe"), Scheme::Generic);
    assert_eq!(Scheme::from_version_type(""), Scheme::Generic);
}

#[test]
fn semver_precedence_examples() {
    // semver.org §11.
    ordered(Scheme::Semver, &["1.0.0", "2.0.0", "2.1.0", "2.1.1"]);
    ordered(
        Scheme::Semver,
        &[
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ],
    );
    rel(Scheme::Semver, "1.0.0+build.1", "1.0.0+build.2", Equal);
    rel(Scheme::Semver, "1.0.0-rc.1+x", "1.0.0-rc.1", Equal);
    rel(Scheme::Semver, "v2.0", "2.0.0", Equal);
    // Numeric identifiers compare numerically, alphanumerics in ASCII order.
    rel(Scheme::Semver, "1.0.0-2", "1.0.0-10", Less);
    rel(Scheme::Semver, "1.0.0-RC", "1.0.0-rc", Less);
    // Real CVE 5 data (CVE-2024-10443): Synology builds written as pre-releases.
    rel(Scheme::Semver, "1.6.2-0711", "1.6.2-0720", Less);
    rel(Scheme::Semver, "1.6.2", "1.6.2-0720", Greater);
    // Not SemVer: falls back to the generic order.
    rel(Scheme::Semver, "1.0.1f", "1.0.1g", Less);
    rel(Scheme::Semver, "10.0.17763.5458", "10.0.17763.6293", Less);
}

#[test]
fn semver_check_reports_why() {
    assert!(check(Scheme::Semver, "1.2.3-rc.1+b5").is_ok());
    let err = check(Scheme::Semver, "1.2.3.4").expect_err("four fields");
    assert!(matches!(err, VersionError::Semver { .. }));
    assert!(err.to_string().contains("more than three"), "{err}");
    let err = check(Scheme::Semver, "1.0.1f").expect_err("letter in patch");
    assert!(err.to_string().contains("decimal"), "{err}");
    let err = check(Scheme::Semver, "1.0.0-a..b").expect_err("empty identifier");
    assert!(err.to_string().contains("pre-release"), "{err}");
    assert!(check(Scheme::Semver, "").is_err());
}

#[test]
fn rpm_examples() {
    // rpmvercmp behaviour documented by RPM (tilde, caret, segments).
    ordered(Scheme::Rpm, &["1.0~rc1", "1.0", "1.0^git1", "1.0.1"]);
    ordered(Scheme::Rpm, &["1.0~rc1", "1.0~rc2"]);
    rel(Scheme::Rpm, "1.0a", "1.0.1", Less);
    rel(Scheme::Rpm, "2.0", "2.0.1", Less);
    rel(Scheme::Rpm, "2.0.1a", "2.0.1", Greater);
    rel(Scheme::Rpm, "5.5p1", "5.5p10", Less);
    rel(Scheme::Rpm, "1.01", "1.1", Equal);
    rel(Scheme::Rpm, "1.0_1", "1.0.1", Equal);
    // epoch:version-release
    rel(Scheme::Rpm, "1:1.0-1", "2.0-1", Greater);
    rel(Scheme::Rpm, "0:1.0-1", "1.0-1", Equal);
    rel(Scheme::Rpm, "1.0-1.el8", "1.0-2.el8", Less);
    rel(Scheme::Rpm, "1.0-10.el8", "1.0-9.el8", Greater);
    // Documented deviation: a missing release sorts first.
    rel(Scheme::Rpm, "1.0", "1.0-1", Less);
}

#[test]
fn deb_examples() {
    // Debian Policy §5.6.12: `~` sorts before everything, even the end.
    ordered(Scheme::Deb, &["1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a"]);
    ordered(
        Scheme::Deb,
        &["1.0~rc1-1", "1.0-1", "1.0-1ubuntu1", "1.0-2", "1.0.1-1"],
    );
    rel(Scheme::Deb, "1:0.9", "2.0", Greater);
    rel(Scheme::Deb, "1.0", "1.0-0", Equal);
    rel(Scheme::Deb, "1.0a", "1.0.1", Less); // letters before non-letters
    rel(
        Scheme::Deb,
        "5.3.2-1ubuntu4.16",
        "5.3.2-1ubuntu4.9",
        Greater,
    );
    rel(Scheme::Deb, "0.8.16~exp12", "0.8.16", Less);
    rel(Scheme::Deb, "2.8.94-0ubuntu1.4", "2.8.94-0ubuntu1", Greater);
}

#[test]
fn maven_examples() {
    // Maven "Version Order Specification".
    ordered(
        Scheme::Maven,
        &[
            "1-alpha",
            "1-beta",
            "1-milestone",
            "1-rc",
            "1-snapshot",
            "1",
            "1-sp",
            "1-abc",
            "1.1",
        ],
    );
    rel(Scheme::Maven, "1", "1.0.0", Equal);
    rel(Scheme::Maven, "1-ga", "1", Equal);
    rel(Scheme::Maven, "1-final", "1.0", Equal);
    rel(Scheme::Maven, "1.0-RELEASE", "1", Equal);
    rel(Scheme::Maven, "1-cr1", "1-rc1", Equal);
    rel(Scheme::Maven, "1.0.0-M1", "1.0.0-milestone-1", Equal);
    rel(Scheme::Maven, "1a1", "1-alpha-1", Equal);
    rel(Scheme::Maven, "1.0-alpha-1", "1.0-alpha-2", Less);
    rel(Scheme::Maven, "1.0-alpha-10", "1.0-alpha-2", Greater);
    rel(Scheme::Maven, "1.0.0-SNAPSHOT", "1.0.0", Less);
    rel(Scheme::Maven, "1.0-SNAPSHOT", "1.0-rc1", Greater);
    rel(Scheme::Maven, "2.0.0-M1", "2.0.0", Less);
    rel(Scheme::Maven, "1.0.1", "1.0-sp1", Greater);
    rel(Scheme::Maven, "1-1", "1.1", Less); // a sub-list sorts below a number
    rel(Scheme::Maven, "2.12.6.1", "2.12.6", Greater);
    // Hostile nesting does not overflow the stack.
    let deep = "1-".repeat(10_000);
    assert!(compare_with(Scheme::Maven, &deep, "1").is_some());
}

#[test]
fn python_pep440_examples() {
    // PEP 440 "Summary of permitted suffixes and relative ordering".
    ordered(
        Scheme::Python,
        &[
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ],
    );
    rel(Scheme::Python, "1!1.0", "2.0", Greater);
    rel(Scheme::Python, "1.0", "1.0.0", Equal);
    rel(Scheme::Python, "1.0-alpha-1", "1.0a1", Equal);
    rel(Scheme::Python, "1.0c1", "1.0rc1", Equal);
    rel(Scheme::Python, "1.0-1", "1.0.post1", Equal);
    rel(Scheme::Python, "1.0.rev2", "1.0.post2", Equal);
    rel(Scheme::Python, "v1.0RC", "1.0rc0", Equal);
    // Invalid PEP 440 falls back to the generic order.
    rel(Scheme::Python, "2.7.12-final-extra", "2.7.13", Less);
    assert!(check(Scheme::Python, "1.0.post1.dev2+local.7").is_ok());
    let err = check(Scheme::Python, "1.0 what").expect_err("trailing text");
    assert!(matches!(err, VersionError::Pep440 { .. }));
    assert!(err.to_string().contains("unexpected text"), "{err}");
    assert!(check(Scheme::Python, "release-1").is_err());
}

#[test]
fn git_commits_are_unordered() {
    let a = "60f09d1ab1fe3e4c5d1a1ffbd7f2c3c3ad4d3d9b";
    let b = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4";
    assert_eq!(compare_with(Scheme::Git, a, b), None);
    assert_eq!(compare_with(Scheme::Git, a, a), Some(Equal));
    assert_eq!(compare_with(Scheme::Git, a, &format!(" {a} ")), Some(Equal));
    assert!(check(Scheme::Git, a).is_ok());
    assert!(check(Scheme::Git, "v1.2").is_err());
    assert!(check(Scheme::Git, "").is_err());
}

#[test]
fn generic_scheme_matches_compare() {
    for (a, b) in [("1.0.1f", "1.0.1g"), ("10.2.9-h1", "10.2.10"), ("", "*")] {
        assert_eq!(
            compare_with(Scheme::Generic, a, b),
            Some(zian_version::compare(a, b))
        );
    }
}
