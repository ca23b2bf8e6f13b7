//! Parsing rules: accepted forms, canonical re-serialisation, and every rejection reason.

use zian_cvss::{CvssError, Severity, Vector, Version, score_vector};

const V31: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const V2: &str = "AV:N/AC:L/Au:N/C:P/I:P/A:P";
const V4: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

fn err(s: &str) -> String {
    match Vector::parse(s) {
        Ok(v) => panic!("{s} parsed as {v}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn well_known_scores() {
    let s = score_vector(V31).expect("valid");
    assert_eq!((s.version, s.base, s.score), (Version::V3_1, 9.8, 9.8));
    assert_eq!(s.severity, Severity::Critical);
    assert_eq!((s.temporal, s.environmental), (None, None));

    let s = score_vector(V2).expect("valid");
    assert_eq!(
        (s.version, s.base, s.severity),
        (Version::V2, 7.5, Severity::High)
    );

    let s = score_vector(V4).expect("valid");
    assert_eq!(
        (s.version, s.base, s.severity),
        (Version::V4_0, 9.3, Severity::Critical)
    );
}

#[test]
fn v2_accepts_parentheses_and_prefix() {
    let plain = Vector::parse(V2).expect("plain");
    for form in [
        format!("({V2})"),
        format!("CVSS:2.0/{V2}"),
        format!("(CVSS:2.0/{V2})"),
        format!("  {V2}\t"),
    ] {
        assert_eq!(Vector::parse(&form), Ok(plain), "{form}");
    }
    assert_eq!(plain.to_string(), V2);
    assert_eq!(plain.version(), Version::V2);
}

#[test]
fn order_is_lenient_and_display_is_canonical() {
    let v: Vector = "CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X"
        .parse()
        .expect("valid");
    assert_eq!(
        v.to_string(),
        "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F"
    );
    let v = Vector::parse("CVSS:4.0/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N/U:Red")
        .expect("valid");
    assert_eq!(v.to_string(), format!("{V4}/U:Red"));
    let v = Vector::parse("A:P/I:P/C:P/Au:N/AC:L/AV:N/TD:H").expect("valid");
    assert_eq!(v.to_string(), format!("{V2}/TD:H"));
}

#[test]
fn explicit_not_defined_is_absent() {
    let v = Vector::parse(&format!("{V31}/E:X/RL:X/RC:X/CR:X/MAV:X")).expect("valid");
    let s = v.scores();
    assert_eq!((s.temporal, s.environmental), (None, None));
    assert_eq!(v, Vector::parse(V31).expect("valid"));
    let v = Vector::parse(&format!("{V2}/E:ND/CDP:ND")).expect("valid");
    assert_eq!(v.scores().temporal, None);
    assert_eq!(v.scores().environmental, None);
    assert_eq!(v.to_string(), V2);
}

#[test]
fn score_picks_most_specific_group() {
    // v3.0 calculator vector: (9.3, 8.9, 9.5).
    let s = score_vector(
        "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H",
    )
    .expect("valid");
    assert_eq!(
        (s.base, s.temporal, s.environmental, s.score),
        (9.3, Some(8.9), Some(9.5), 9.5)
    );
    // v2 calculator vector: (6.4, 4.9, None).
    let s = score_vector("AV:A/AC:M/Au:N/C:C/I:N/A:P/E:POC/RL:W/RC:UC").expect("valid");
    assert_eq!(
        (s.base, s.temporal, s.environmental, s.score),
        (6.4, Some(4.9), None, 4.9)
    );
    assert_eq!(s.severity, Severity::Medium);
}

#[test]
fn v4_mapping_of_b_bt_be() {
    let base = "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H";
    let s = score_vector(base).expect("valid");
    assert_eq!(
        (s.base, s.temporal, s.environmental, s.score),
        (7.3, None, None, 7.3)
    );
    // Threat only (vectors_threat4): CVSS-BT 4.1.
    let s = score_vector(&format!("{base}/E:U")).expect("valid");
    assert_eq!(
        (s.base, s.temporal, s.environmental, s.score),
        (7.3, Some(4.1), None, 4.1)
    );
    assert_eq!(s.severity, Severity::Medium);
    // Environmental only (vectors_security4): CVSS-BE 7.2.
    let s = score_vector(&format!("{base}/CR:H/IR:H/AR:M")).expect("valid");
    assert_eq!(
        (s.base, s.temporal, s.environmental, s.score),
        (7.3, None, Some(7.2), 7.2)
    );
    // Supplemental metrics never change the score (vectors_supplemental4).
    let s = score_vector(&format!("{base}/S:P/AU:Y/R:I/V:C/RE:H/U:Red")).expect("valid");
    assert_eq!(
        (s.base, s.temporal, s.environmental, s.score),
        (7.3, None, None, 7.3)
    );
    // No impact at all is 0.0 / NONE.
    let s = score_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N")
        .expect("valid");
    assert_eq!((s.score, s.severity), (0.0, Severity::None));
}

#[test]
fn v2_zero_impact_is_positive_zero() {
    let s = score_vector("AV:L/AC:H/Au:M/C:N/I:N/A:N").expect("valid");
    assert_eq!(s.base, 0.0);
    assert!(s.base.is_sign_positive(), "no -0.0");
    assert_eq!(s.severity, Severity::Low);
}

#[test]
fn v2_negative_adjusted_base_is_clamped() {
    // Base 0.8; IR:L shrinks the adjusted impact so far that the guide's equation is negative.
    let s = score_vector("AV:L/AC:H/Au:M/C:N/I:P/A:N/IR:L").expect("valid");
    assert_eq!(
        (s.base, s.temporal, s.environmental),
        (0.8, None, Some(0.0))
    );
    assert!(s.score.is_sign_positive());
}

#[test]
fn rejects_duplicate_metric() {
    assert_eq!(err(&format!("{V31}/AV:N")), "duplicate metric AV");
    assert_eq!(err(&format!("{V2}/C:N")), "duplicate metric C");
    assert_eq!(err(&format!("{V4}/E:A/E:P")), "duplicate metric E");
}

#[test]
fn rejects_unknown_value() {
    assert_eq!(
        err("CVSS:3.1/AV:N/AC:X/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        "unknown value X for metric AC"
    );
    assert_eq!(err(&format!("{V31}/E:ND")), "unknown value ND for metric E");
    assert_eq!(
        err("AV:N/AC:L/Au:N/C:P/I:P/A:X"),
        "unknown value X for metric A"
    );
    // S (safety) is only a value of the modified MSI/MSA, not of SI.
    assert_eq!(
        err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N"),
        "unknown value S for metric SI"
    );
    assert!(Vector::parse(&format!("{V4}/MSI:S")).is_ok());
    // Values are case-sensitive.
    assert_eq!(
        err(&format!("{V4}/U:red")),
        "unknown value red for metric U"
    );
}

#[test]
fn rejects_missing_mandatory_metric() {
    assert_eq!(
        err("CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H"),
        "missing mandatory metric PR"
    );
    assert_eq!(err("AV:N/AC:L/C:P/I:P/A:P"), "missing mandatory metric Au");
    assert_eq!(
        err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"),
        "missing mandatory metric SA"
    );
    assert_eq!(err("CVSS:3.1"), "missing mandatory metric AV");
    assert_eq!(err("CVSS:3.1/"), "missing mandatory metric AV");
}

#[test]
fn rejects_missing_or_wrong_prefix() {
    assert_eq!(
        err("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        "vector must start with CVSS:3.1/"
    );
    assert_eq!(
        err("AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
        "vector must start with CVSS:4.0/"
    );
    assert!(matches!(
        Vector::parse("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        Err(CvssError::UnsupportedVersion(p)) if p == "CVSS:3.2"
    ));
    // A v4 vector under a v3.1 prefix: its v4 metrics are unknown there.
    assert_eq!(
        err("CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
        "unknown metric AT for CVSS v3.1"
    );
}

#[test]
fn rejects_unknown_metric_and_malformed_components() {
    assert_eq!(
        err(&format!("{V31}/XX:Y")),
        "unknown metric XX for CVSS v3.1"
    );
    assert_eq!(
        err(&format!("{V2}/MAV:N")),
        "unknown metric MAV for CVSS v2.0"
    );
    assert_eq!(
        err("CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        "malformed component 'AVN': expected METRIC:VALUE"
    );
    assert_eq!(
        err(&format!("{V31}/")),
        CvssError::EmptyComponent.to_string()
    );
    assert_eq!(
        err("CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        CvssError::EmptyComponent.to_string()
    );
    assert_eq!(err("   "), "empty vector");
    assert_eq!(
        err(&format!("({V2}")),
        "unbalanced parentheses around vector"
    );
    assert_eq!(err("("), "unbalanced parentheses around vector");
    // "AV:N:X" splits at the first colon: the value "N:X" is unknown.
    assert_eq!(
        err("CVSS:3.1/AV:N:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        "unknown value N:X for metric AV"
    );
}

#[test]
fn display_names() {
    assert_eq!(Version::V2.to_string(), "2.0");
    assert_eq!(Version::V3_0.to_string(), "3.0");
    assert_eq!(Version::V3_1.to_string(), "3.1");
    assert_eq!(Version::V4_0.to_string(), "4.0");
    let words: Vec<_> = [
        Severity::None,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ]
    .iter()
    .map(|s| s.as_str())
    .collect();
    assert_eq!(words, ["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"]);
}

#[test]
fn severity_boundaries() {
    let v3: Vec<_> = [0.0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10.0]
        .iter()
        .map(|&s| Severity::from_score(s))
        .collect();
    use Severity::*;
    assert_eq!(
        v3,
        [
            None, Low, Low, Medium, Medium, High, High, Critical, Critical
        ]
    );
    let v2: Vec<_> = [0.0, 3.9, 4.0, 6.9, 7.0, 10.0]
        .iter()
        .map(|&s| Severity::from_v2_score(s))
        .collect();
    assert_eq!(v2, [Low, Low, Medium, Medium, High, High]);
}
