//! Every vector of the reference test files must score exactly as listed.
//!
//! Fixtures: see `tests/fixtures/SOURCE.md`. Line format `VECTOR - (base, temporal, env)` for
//! v2/v3 (`None` where a v2 group is absent; v3 lists temporal/env computed with defaults),
//! `VECTOR - (score,)` or `VECTOR - score` for v4 (the score with every given metric).

use zian_cvss::{Severity, Vector, Version};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// Splits `VECTOR - rest` and parses `rest` into numbers (`None` for the word None).
fn parse_line(line: &str) -> (&str, Vec<Option<f64>>) {
    let (vector, rest) = line.split_once(" - ").expect("line has ' - '");
    let rest = rest.trim().trim_start_matches('(').trim_end_matches(')');
    let nums = rest
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p == "None" {
                None
            } else {
                Some(p.parse::<f64>().expect("number"))
            }
        })
        .collect();
    (vector, nums)
}

fn lines(name: &str) -> Vec<String> {
    fixture(name)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn check_failures(name: &str, total: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{name}: {} of {total} vectors wrong, first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn run_v2(name: &str, expected_count: usize) {
    let lines = lines(name);
    assert_eq!(lines.len(), expected_count, "{name} line count");
    let mut failures = Vec::new();
    for line in &lines {
        let (vector, want) = parse_line(line);
        assert_eq!(want.len(), 3, "{line}");
        let v = match Vector::parse(vector) {
            Ok(Vector::V2(v)) => v,
            other => {
                failures.push(format!("{vector}: parsed as {other:?}"));
                continue;
            }
        };
        let s = v.scores();
        let got = [Some(s.base), s.temporal, s.environmental];
        if got.as_slice() != want.as_slice() {
            failures.push(format!("{vector}: got {got:?}, want {want:?}"));
        }
        assert_eq!(s.version, Version::V2);
        assert_eq!(s.severity, Severity::from_v2_score(s.score));
    }
    check_failures(name, lines.len(), &failures);
}

fn run_v3(name: &str, expected_count: usize, version: Version) {
    let lines = lines(name);
    assert_eq!(lines.len(), expected_count, "{name} line count");
    let mut failures = Vec::new();
    for line in &lines {
        let (vector, want) = parse_line(line);
        assert_eq!(want.len(), 3, "{line}");
        let v = match Vector::parse(vector) {
            Ok(Vector::V3(v)) => v,
            other => {
                failures.push(format!("{vector}: parsed as {other:?}"));
                continue;
            }
        };
        assert_eq!(v.version(), version, "{vector}");
        let got = [
            Some(v.base_score()),
            Some(v.temporal_score()),
            Some(v.environmental_score()),
        ];
        if got.as_slice() != want.as_slice() {
            failures.push(format!("{vector}: got {got:?}, want {want:?}"));
        }
        // The Scores mapping reports the groups that are defined, consistently.
        let s = v.scores();
        assert_eq!(s.base, v.base_score());
        assert_eq!(s.temporal, v.has_temporal().then(|| v.temporal_score()));
        assert_eq!(
            s.environmental,
            v.has_environmental().then(|| v.environmental_score())
        );
        assert_eq!(s.score, s.environmental.or(s.temporal).unwrap_or(s.base));
        assert_eq!(s.severity, Severity::from_score(s.score));
    }
    check_failures(name, lines.len(), &failures);
}

fn run_v4(name: &str, expected_count: usize) {
    let lines = lines(name);
    assert_eq!(lines.len(), expected_count, "{name} line count");
    let mut failures = Vec::new();
    for line in &lines {
        let (vector, want) = parse_line(line);
        assert_eq!(want.len(), 1, "{line}");
        let v = match Vector::parse(vector) {
            Ok(v @ Vector::V4(_)) => v,
            other => {
                failures.push(format!("{vector}: parsed as {other:?}"));
                continue;
            }
        };
        let s = v.scores();
        if Some(s.score) != want[0] {
            failures.push(format!("{vector}: got {}, want {:?}", s.score, want[0]));
        }
        assert_eq!(s.version, Version::V4_0);
        assert_eq!(s.severity, Severity::from_score(s.score));
    }
    check_failures(name, lines.len(), &failures);
}

#[test]
fn v2_simple() {
    run_v2("vectors_simple2", 729);
}

#[test]
fn v2_cvsslib() {
    run_v2("vectors_cvsslib2", 24);
}

#[test]
fn v2_calculator() {
    run_v2("vectors_calculator2", 5);
}

#[test]
fn v30_simple() {
    run_v3("vectors_simple3", 2592, Version::V3_0);
}

#[test]
fn v31_simple() {
    run_v3("vectors_simple31", 2592, Version::V3_1);
}

#[test]
fn v30_cvsslib() {
    run_v3("vectors_cvsslib3", 29, Version::V3_0);
}

#[test]
fn v30_calculator() {
    run_v3("vectors_calculator3", 2, Version::V3_0);
}

#[test]
fn v4_simple() {
    run_v4("vectors_simple4", 1058);
}

#[test]
fn v4_security() {
    run_v4("vectors_security4", 54);
}

#[test]
fn v4_supplemental() {
    run_v4("vectors_supplemental4", 576);
}

#[test]
fn v4_threat() {
    run_v4("vectors_threat4", 6);
}

/// FIRST's macro-vector reference list: one highest-severity vector per macro-vector with its
/// score and severity word. Every one of the 270 must score exactly as listed, with distinct
/// macro-vectors (so the embedded table is complete and keyed correctly).
#[test]
fn v4_first_macro_vector_scores() {
    let lines = lines("first-v4-macro-scores");
    assert_eq!(lines.len(), 270);
    let mut macros = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for line in &lines {
        let field = |key: &str| -> &str {
            let start = line.find(key).expect("key") + key.len();
            let rest = &line[start..];
            let end = rest.find([',', '}']).expect("end");
            rest[..end].trim().trim_matches('\'')
        };
        let vector = field("'vector': ");
        let score: f64 = field("'score': ").parse().expect("score");
        let severity = field("'severity': ").to_ascii_uppercase();
        let Ok(Vector::V4(v)) = Vector::parse(vector) else {
            failures.push(format!("{vector}: not a v4 vector"));
            continue;
        };
        macros.insert(v.macro_vector());
        let s = v.scores();
        if s.score != score || s.severity.as_str() != severity {
            failures.push(format!(
                "{vector}: got {} {}, want {score} {severity}",
                s.score, s.severity
            ));
        }
    }
    check_failures("first-v4-macro-scores", lines.len(), &failures);
    assert_eq!(macros.len(), 270, "distinct macro-vectors");
}
