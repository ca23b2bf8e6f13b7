//! Real NVD / CVE 5 range bounds against real candidate versions
//! (see `fixtures/SOURCE.md`).

use std::cmp::Ordering;

use zian_version::{Version, compare};

struct Row {
    cve: String,
    bound: String,
    candidate: String,
    expected: Ordering,
}

fn rows() -> Vec<Row> {
    let text = include_str!("fixtures/nvd_ranges.tsv");
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cols.len(),
            6,
            "line {}: expected 6 columns: {line:?}",
            n + 1
        );
        let (_, bound) = cols[2]
            .split_once('=')
            .unwrap_or_else(|| panic!("line {}: bound without `=`", n + 1));
        let expected = match cols[4] {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            other => panic!("line {}: bad expected {other:?}", n + 1),
        };
        out.push(Row {
            cve: cols[0].to_owned(),
            bound: bound.to_owned(),
            candidate: cols[3].to_owned(),
            expected,
        });
    }
    out
}

#[test]
fn table_is_large_and_covers_the_hard_families() {
    let rows = rows();
    assert!(rows.len() >= 100, "only {} rows", rows.len());
    let has = |pred: &dyn Fn(&Row) -> bool| rows.iter().any(pred);
    assert!(has(&|r| r.cve == "CVE-2014-0160"));
    assert!(has(
        &|r| r.candidate.contains("-h") || r.bound.contains("-h")
    ));
    assert!(has(&|r| r.candidate.contains('(')));
    assert!(has(&|r| r.candidate.contains("build_")));
    assert!(has(&|r| r.bound.contains('_')));
    assert!(has(&|r| r.bound.starts_with("10.0.19045.")));
    assert!(has(&|r| r.candidate.contains("milestone")));
}

#[test]
fn every_row_orders_as_expected() {
    let mut failures = Vec::new();
    for row in rows() {
        let got = compare(&row.candidate, &row.bound);
        let parsed = Version::parse(&row.candidate).cmp(&Version::parse(&row.bound));
        assert_eq!(got, parsed, "compare and Version::cmp disagree");
        if got != row.expected {
            failures.push(format!(
                "{}: {:?} vs bound {:?}: got {got:?}, expected {:?}",
                row.cve, row.candidate, row.bound, row.expected
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn range_membership_for_heartbleed() {
    // CVE-2014-0160: versionStartIncluding 1.0.1, versionEndExcluding 1.0.1g.
    let start = Version::parse("1.0.1");
    let end = Version::parse("1.0.1g");
    let inside = |v: &str| {
        let v = Version::parse(v);
        v >= start && v < end
    };
    for v in ["1.0.1", "1.0.1a", "1.0.1c", "1.0.1f"] {
        assert!(inside(v), "{v} should be vulnerable");
    }
    for v in [
        "1.0.1g",
        "1.0.1h",
        "1.0.2",
        "1.0.0",
        "1.0.0z",
        "1.0.1-beta3",
        "0.9.8za",
    ] {
        assert!(!inside(v), "{v} should not be vulnerable");
    }
}
