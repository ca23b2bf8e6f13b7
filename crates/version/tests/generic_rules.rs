//! The documented rules of the generic order, one assertion per example.

use std::cmp::Ordering::{self, Equal, Greater, Less};
use std::collections::HashSet;

use zian_version::{Version, compare};

#[track_caller]
fn check(a: &str, b: &str, expected: Ordering) {
    assert_eq!(compare(a, b), expected, "compare({a:?}, {b:?})");
    assert_eq!(compare(b, a), expected.reverse(), "compare({b:?}, {a:?})");
}

/// Asserts that the list is strictly increasing (every pair, not just neighbours).
#[track_caller]
fn ascending(list: &[&str]) {
    for (i, a) in list.iter().enumerate() {
        for b in &list[i + 1..] {
            check(a, b, Less);
        }
    }
}

#[test]
fn numeric_segments() {
    check("2.4.10", "2.4.9", Greater);
    check("10.0.19041.1234", "10.0.19041.999", Greater);
    check("1.01", "1.1", Equal);
    check("1.0", "1.0.0", Equal);
    check("1", "1.0.0.0", Equal);
    check("1.0", "1.0.1", Less);
    check("1.0.0.1", "1.0", Greater);
    check(
        "99999999999999999999999",
        "99999999999999999999998",
        Greater,
    );
    check("99999999999999999999999", "9999999999999999999", Greater);
    check("000000000000000000000000001", "1", Equal);
}

#[test]
fn separators_and_case() {
    check("1.0-1", "1_0_1", Equal);
    check("1.0.1", "1 0 1", Equal);
    check("1.0.1", " 1.0.1 ", Equal);
    check("1.0+1", "1.0.1", Equal);
    check("1.0.1F", "1.0.1f", Equal);
    check("15.3\\(100\\)m", "15.3(100)m", Equal);
}

#[test]
fn openssl_letters() {
    ascending(&[
        "0.9.8", "0.9.8m", "0.9.8y", "0.9.8z", "0.9.8za", "0.9.8zh", "1.0.0", "1.0.0a", "1.0.1",
        "1.0.1a", "1.0.1b", "1.0.1f", "1.0.1g", "1.0.2",
    ]);
    check("4.0e", "4.0", Greater);
    check("4.0e", "4.0.1", Less);
}

#[test]
fn hotfixes_patches_revisions() {
    ascending(&[
        "10.2.9",
        "10.2.9-h1",
        "10.2.9-h2",
        "10.2.9-h10",
        "10.2.10",
        "10.2.10-h1",
    ]);
    check("10.2-h1", "10.2.1", Less);
    check("1.0f", "1.0.5", Less);
    // CVE-2024-3400's CVE 5 record has trailing spaces in `lessThan`.
    check("10.2.9-h1 ", "10.2.9-h1", Equal);
    check("10.2.0-h1", "10.2-h1", Equal);
    check("1.0 hotfix 1", "1.0-h1", Equal);
    check("1.0-hf1", "1.0h1", Equal);
    check("1.7.10p4", "1.7.10", Greater);
    check("1.7.10p4", "1.7.10 patch 4", Equal);
    check("1.0-r2", "1.0", Greater);
    check("1.0-r2", "1.0 revision 2", Equal);
    check("1.0 sp1", "1.0", Greater);
    check("1.0 sp1", "1.0 service pack 1", Equal);
    check("1.0 sp1", "1.0 sp2", Less);
    check("1.0 sp1", "1.0.1", Less);
}

#[test]
fn prereleases_before_release() {
    ascending(&[
        "1.0-dev",
        "1.0-alpha",
        "1.0a1",
        "1.0-alpha2",
        "1.0-beta",
        "1.0b2",
        "1.0-beta3",
        "1.0.0-m1",
        "1.0-milestone-2",
        "1.0rc1",
        "1.0-RC2",
        "1.0.0-SNAPSHOT",
        "1.0",
        "1.0-h1",
        "1.0.1",
    ]);
    check("2.0.0-M1", "2.0.0.M1", Equal);
    check("1.0-rc1", "1.0-cr1", Equal);
    check("1.0-pre1", "1.0-rc1", Equal);
    check("1.0-beta", "1.0-beta0", Equal);
    check("1-beta", "1.0.0-beta", Equal);
    check("3.3beta20", "3.3", Less);
    check("1.0-beta", "0.9", Greater);
    // Tomcat milestones vs releases.
    check("9.0.0.M1", "9.0.0", Less);
    check("9.0.0.M22", "9.0.1", Less);
}

#[test]
fn release_words_are_transparent() {
    check("1.0.RELEASE", "1.0", Equal);
    check("1.0-GA", "1.0", Equal);
    check("1.0-final", "1.0.0", Equal);
    check("v1.2.3", "1.2.3", Equal);
    check("version 1.2", "1.2", Equal);
}

#[test]
fn java_updates() {
    check("7.0 update 45", "7.0u45", Equal);
    check("7.0u45", "7.0.45", Equal);
    check("1.8.0_121", "1.8.0u121", Equal);
    check("1.8.0_121", "1.8.0 update 121", Equal);
    check("1.8.0_121", "1.8.0_65", Greater);
    check("7.0u45", "7.0", Greater);
    check("1.6.0 update 9", "1.6.0 update 10", Less);
    check("1.4.2_35", "1.4.2_4", Greater);
}

#[test]
fn builds_and_dates() {
    check("4.2.6 build_20170517", "4.2.6 build 20170517", Equal);
    ascending(&[
        "4.2.6",
        "4.2.6 build_20170517",
        "4.2.6 build_20190322",
        "4.2.6 build_20200821",
        "4.2.7",
    ]);
    ascending(&[
        "2016.0.1",
        "2016.1",
        "2016-01-30",
        "2016-02-01",
        "2017-01-01",
    ]);
    check("14.1_build_137", "14.1_build_99", Greater);
}

#[test]
fn cisco_ios_trains() {
    ascending(&[
        "15.2(4)",
        "15.2(4)M",
        "15.2(4)M2",
        "15.2(4)M10",
        "15.2(5)",
        "15.3(3)M",
    ]);
    check("12.2(33)sre9a", "12.2(33)sre9", Greater);
    check("12.2(33)sre10", "12.2(33)sre9a", Greater);
    // In a Cisco version `b2` is a train label, not "beta 2".
    check("12.0(10)s3b", "12.0(10)s3", Greater);
}

#[test]
fn field_label_letters_after_the_first_word() {
    // Huawei VRP: the B field is a build, not a beta, once other fields came first.
    check("v100r001c00b042", "v100r001c00", Greater);
    check("v200r003c00spc600", "v200r003c00", Greater);
    check("v200r003c00", "v200r002c01", Greater);
}

#[test]
fn leading_words_and_bare_revisions() {
    check("r2", "r1", Greater);
    check("r2", "2", Less);
    check("r27.7.6", "r27.7.0", Greater);
    check("xcp_1121", "xcp", Greater);
    check("xcp2280", "xcp_1121", Greater);
}

#[test]
fn blank_is_smallest() {
    for blank in ["", "*", "-", "   ", "\\-"] {
        check(blank, "", Equal);
        check(blank, "0", Less);
        check(blank, "0-alpha", Less);
        check(blank, "a", Less);
        assert!(Version::parse(blank).is_blank());
    }
    // Non-ASCII text only separates, so a purely non-ASCII string is blank.
    assert!(Version::parse("版本").is_blank());
    check("1.0\u{00e9}", "1.0", Equal);
    check("final", "0", Equal);
}

#[test]
fn eq_and_hash_follow_the_order() {
    let a = Version::parse("1.0.0");
    let b = Version::parse("1");
    assert_eq!(a, b);
    assert_ne!(a.as_str(), b.as_str());
    let set: HashSet<Version> = ["1", "1.0", "1.0.0", "v1", "1.0-GA", "1.0.1"]
        .into_iter()
        .map(Version::parse)
        .collect();
    assert_eq!(set.len(), 2);
    assert_eq!(Version::parse("1.0.1F").canonical(), "1.0.1+f");
    assert_eq!(Version::parse("1.0-RC1").canonical(), "1~rc1");
    assert_eq!(Version::parse("*").canonical(), "<blank>");
    assert!(Version::parse("1.0b2").is_prerelease());
    assert!(!Version::parse("1.0.1b").is_prerelease());
}

#[test]
fn sorting_real_mixture() {
    let mut v: Vec<Version> = [
        "1.0.1g",
        "1.0.1",
        "1.0.1-beta1",
        "1.0.0",
        "1.0.1f",
        "1.0.2",
        "1.0.1 beta2",
        "0.9.8za",
    ]
    .into_iter()
    .map(Version::parse)
    .collect();
    v.sort();
    let got: Vec<&str> = v.iter().map(Version::as_str).collect();
    assert_eq!(
        got,
        [
            "0.9.8za",
            "1.0.0",
            "1.0.1-beta1",
            "1.0.1 beta2",
            "1.0.1",
            "1.0.1f",
            "1.0.1g",
            "1.0.2"
        ]
    );
}
