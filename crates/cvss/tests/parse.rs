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
fn v2_v3_order_is_lenient_and_display_is_canonical() {
    let v: Vector = "CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X"
        .parse()
        .expect("valid");
    assert_eq!(
        v.to_string(),
        "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F"
    );
    let v = Vector::parse("CVSS:3.1/MAV:L/CR:H/A:N/I:L/C:L/S:U/UI:N/PR:H/AC:L/AV:N/RC:C")
        .expect("v3.1 in any order");
    assert_eq!(
        v.to_string(),
        "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/RC:C/CR:H/MAV:L"
    );
    let v = Vector::parse("A:P/I:P/C:P/Au:N/AC:L/AV:N/TD:H").expect("valid");
    assert_eq!(v.to_string(), format!("{V2}/TD:H"));
}

/// v4.0 specification section 7: base metrics in order, then the optional metrics in the
/// specification's order (E; CR IR AR; MAV … MSA; S AU R V RE U), each at most once.
#[test]
fn v4_order_is_the_specifications() {
    // In order (with gaps: absent optional metrics, explicit X) is valid.
    let full = format!(
        "{V4}/E:A/CR:H/IR:M/AR:L/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MVA:H/MSC:N/MSI:S/MSA:S\
         /S:P/AU:Y/R:A/V:C/RE:H/U:Red"
    );
    let v = Vector::parse(&full).expect("full vector in order");
    assert_eq!(v.to_string(), full);
    let v = Vector::parse(&format!("{V4}/E:X/AR:H/MVC:X/MSA:N/U:Clear")).expect("gaps in order");
    assert_eq!(v.to_string(), format!("{V4}/AR:H/MSA:N/U:Clear"));

    let cases = [
        // Base metrics swapped.
        (
            "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "metric AV out of order: CVSS v4.0 requires it before AC",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SA:N/SI:N",
            "metric SI out of order: CVSS v4.0 requires it before SA",
        ),
        // The whole base group reversed: the first step back is reported.
        (
            "CVSS:4.0/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N",
            "metric SI out of order: CVSS v4.0 requires it before SA",
        ),
        // An optional metric among the base metrics.
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/E:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "metric VC out of order: CVSS v4.0 requires it before E",
        ),
        // Optional groups in the wrong order: threat after environmental.
        (
            &format!("{V4}/CR:H/E:A"),
            "metric E out of order: CVSS v4.0 requires it before CR",
        ),
        // Within the environmental group.
        (
            &format!("{V4}/MAC:L/MAV:N"),
            "metric MAV out of order: CVSS v4.0 requires it before MAC",
        ),
        (
            &format!("{V4}/AR:L/IR:H"),
            "metric IR out of order: CVSS v4.0 requires it before AR",
        ),
        // Supplemental before environmental, and within supplemental.
        (
            &format!("{V4}/S:P/MSI:S"),
            "metric MSI out of order: CVSS v4.0 requires it before S",
        ),
        (
            &format!("{V4}/U:Red/RE:H"),
            "metric RE out of order: CVSS v4.0 requires it before U",
        ),
        // An explicit X still has to be in its place.
        (
            &format!("{V4}/CR:X/E:X"),
            "metric E out of order: CVSS v4.0 requires it before CR",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(err(input), want, "{input}");
    }
    // A metric repeated later is a duplicate, not an order error.
    assert_eq!(err(&format!("{V4}/E:A/E:A")), "duplicate metric E");
    assert_eq!(err(&format!("{V4}/E:A/CR:H/E:P")), "duplicate metric E");
    // The typed error names the metric out of place and the one it must precede.
    assert_eq!(
        Vector::parse(&format!("{V4}/MAC:L/MAV:N")),
        Err(CvssError::OutOfOrder {
            metric: "MAV",
            before: "MAC",
            version: "4.0"
        })
    );
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
fn v2_negative_environmental_score_is_reported_as_zero() {
    // Impact = 10.41 × 0.275 = 2.86275; Exploitability = 20 × 0.395 × 0.35 × 0.45 = 1.24425;
    // Base = round((1.71765 + 0.4977 − 1.5) × 1.176 = 0.8412516) = 0.8.
    // AdjustedImpact = 10.41 × (0.275 × 0.5) = 1.431375;
    // AdjustedBase = round((0.858825 + 0.4977 − 1.5) × 1.176 = −0.1687266) = −0.2;
    // AdjustedTemporal = −0.2; Environmental = round((−0.2 + 10.2 × 0) × 1) = −0.2 → 0.0.
    let s = score_vector("AV:L/AC:H/Au:M/C:N/I:P/A:N/IR:L").expect("valid");
    assert_eq!(
        (s.base, s.temporal, s.environmental),
        (0.8, None, Some(0.0))
    );
    assert!(s.score.is_sign_positive());
}

/// v2 guide section 3.2.3, evaluated by hand with round_to_1_decimal (half up) exactly where
/// the guide applies it: BaseScore, TemporalScore, AdjustedBase (BaseScore's equation on
/// AdjustedImpact), AdjustedTemporal, EnvironmentalScore. Weights: section 3.2.
///
/// Each case notes which step it pins down: leaving that step out (or clamping a negative
/// AdjustedBase at 0, or evaluating in binary floating point without care for ties) changes
/// the expected score.
#[test]
fn v2_environmental_rounding_follows_the_guide() {
    // Exploitability for AV:L/AC:H/Au:M = 20 × 0.395 × 0.35 × 0.45 = 1.24425; with A:P only,
    // Impact = 10.41 × 0.275 = 2.86275 and Base = round((0.6 × 2.86275 + 0.4 × 1.24425 − 1.5)
    // × 1.176) = round(0.71535 × 1.176 = 0.8412516) = 0.8 (cases 1–3).
    let cases: [(&str, f64, Option<f64>, Option<f64>); 9] = [
        // 1. Issue 10. AR:L: AdjustedImpact = 10.41 × (0.275 × 0.5) = 1.431375;
        //    AdjustedBase = round((0.858825 + 0.4977 − 1.5) × 1.176 = −0.1687266) = −0.2;
        //    AdjustedTemporal = round(−0.2 × 1 × 1 × 1) = −0.2;
        //    Environmental = round((−0.2 + (10 + 0.2) × 0.3) × 1 = 2.86) = 2.9.
        //    (Clamping AdjustedBase at 0 gives round(10 × 0.3) = 3.0.) Temporal = 0.8 × 1 = 0.8.
        (
            "AV:L/AC:H/Au:M/C:N/I:N/A:P/E:H/RL:ND/RC:ND/CDP:LM/TD:H/CR:M/IR:ND/AR:L",
            0.8,
            Some(0.8),
            Some(2.9),
        ),
        // 2. Negative AdjustedTemporal: Temporal = round(0.8 × 0.9 × 0.95 = 0.684) = 0.7;
        //    AdjustedTemporal = round(−0.2 × 0.9 × 0.95 = −0.171) = −0.2;
        //    Environmental = round((−0.2 + 10.2 × 0.1) × 0.75 = 0.615) = 0.6 (clamped: 0.8).
        (
            "AV:L/AC:H/Au:M/C:N/I:N/A:P/E:POC/RL:W/RC:ND/CDP:L/TD:M/CR:L/IR:H/AR:L",
            0.8,
            Some(0.7),
            Some(0.6),
        ),
        // 3. Negative AdjustedTemporal with TD: round((−0.2 + 10.2 × 0.5) × 0.75 = 3.675) = 3.7
        //    (clamped: round(5 × 0.75 = 3.75) = 3.8).
        (
            "AV:L/AC:H/Au:M/C:N/I:N/A:P/CDP:H/TD:M/AR:L",
            0.8,
            None,
            Some(3.7),
        ),
        // 4. AdjustedBase rounding. AV:A/AC:M/Au:M: Exploitability = 20 × 0.646 × 0.61 × 0.45
        //    = 3.54654; C:N/I:N/A:C: Impact = AdjustedImpact (IR does not act on I:N)
        //    = 10.41 × 0.66 = 6.8706; Base = AdjustedBase = round((4.12236 + 1.418616 − 1.5)
        //    × 1.176 = 4.752187776) = 4.8; Temporal = AdjustedTemporal = round(4.8 × 0.95 =
        //    4.56) = 4.6; Environmental = round((4.6 + 5.4 × 0) × 1) = 4.6
        //    (unrounded AdjustedBase: 4.752187776 × 0.95 = 4.5145… → 4.5).
        (
            "AV:A/AC:M/Au:M/C:N/I:N/A:C/E:F/RL:ND/RC:ND/CDP:N/TD:H/CR:ND/IR:H/AR:ND",
            4.8,
            Some(4.6),
            Some(4.6),
        ),
        // 5. AdjustedTemporal rounding and the AdjustedImpact cap. AV:A/AC:L/Au:M:
        //    Exploitability = 20 × 0.646 × 0.71 × 0.45 = 4.12794; C:C/A:C: Impact = 10.41 ×
        //    (1 − 0.34 × 0.34) = 9.206604; Base = round((5.5239624 + 1.651176 − 1.5) × 1.176 =
        //    6.6739627584) = 6.7; Temporal = round(6.7 × 0.87 = 5.829) = 5.8.
        //    CR:H: AdjustedImpact = min(10, 10.41 × (1 − (1 − 0.9966) × 0.34) = 10.39796604)
        //    = 10; AdjustedBase = round((6 + 1.651176 − 1.5) × 1.176 = 7.233782976) = 7.2;
        //    AdjustedTemporal = round(7.2 × 0.87 = 6.264) = 6.3;
        //    Environmental = round(6.3 + 3.7 × 0.1 = 6.67) = 6.7
        //    (unrounded AdjustedTemporal: 6.264 + 3.736 × 0.1 = 6.6376 → 6.6; without the cap
        //    AdjustedBase is round(7.51458…) = 7.5).
        (
            "AV:A/AC:L/Au:M/C:C/I:N/A:C/E:H/RL:OF/RC:C/CDP:L/TD:ND/CR:H/IR:ND/AR:ND",
            6.7,
            Some(5.8),
            Some(6.7),
        ),
        // 6. The cap at the top: Exploitability = 20 × 1 × 0.71 × 0.704 = 9.9968;
        //    Impact = 10.41 × (1 − 0.34³) = 10.00084536; Base = round((6.000507216 + 3.99872
        //    − 1.5) × 1.176 = 9.995091206016) = 10.0. AdjustedImpact = min(10, 10.41 ×
        //    (1 − 0.0034³) = 10.40999959…) = 10; AdjustedBase = round((6 + 3.99872 − 1.5) × 1.176
        //    = 9.99449472) = 10.0; Environmental = 10.0 (uncapped: 10.3).
        (
            "AV:N/AC:L/Au:N/C:C/I:C/A:C/CR:H/IR:H/AR:H",
            10.0,
            None,
            Some(10.0),
        ),
        // 7. A tie in the final rounding: AV:A/AC:L/Au:S: Exploitability = 20 × 0.646 × 0.71 ×
        //    0.56 = 5.136992; Impact = AdjustedImpact = 2.86275 (IR, AR do not act on I:N, A:N);
        //    Base = round((1.71765 + 2.0547968 − 1.5) × 1.176 = 2.6723974368) = 2.7;
        //    Temporal = AdjustedTemporal = round(2.7 × 0.9 = 2.43) = 2.4;
        //    Environmental = round((2.4 + 7.6 × 0.5) × 0.75 = 4.65) = 4.7 (binary floating point
        //    gives 4.6499999… and rounds to 4.6).
        (
            "AV:A/AC:L/Au:S/C:P/I:N/A:N/E:ND/RL:ND/RC:UC/CDP:H/TD:M/CR:ND/IR:M/AR:L",
            2.7,
            Some(2.4),
            Some(4.7),
        ),
        // 8. A tie in AdjustedTemporal: AV:A/AC:H/Au:S: Exploitability = 20 × 0.646 × 0.35 ×
        //    0.56 = 2.53232; Base = round((1.71765 + 1.012928 − 1.5) × 1.176 = 1.447159728) =
        //    1.4; Temporal = round(1.4 × 0.9 = 1.26) = 1.3. AR:H: AdjustedImpact = 10.41 ×
        //    0.275 × 1.51 = 4.3227525; AdjustedBase = round((2.5936515 + 1.012928 − 1.5) ×
        //    1.176 = 2.477337492) = 2.5; AdjustedTemporal = round(2.5 × 0.9 = 2.25) = 2.3;
        //    Environmental = round(2.3 + 7.7 × 0) = 2.3.
        (
            "AV:A/AC:H/Au:S/C:N/I:N/A:P/E:H/RL:TF/RC:C/CDP:N/AR:H",
            1.4,
            Some(1.3),
            Some(2.3),
        ),
        // 9. TD:N zeroes the environmental score whatever the rest: round(x × 0) = 0.0.
        (
            "AV:N/AC:L/Au:N/C:C/I:C/A:C/E:H/CDP:H/TD:N",
            10.0,
            Some(10.0),
            Some(0.0),
        ),
    ];
    for (vector, base, temporal, environmental) in cases {
        let s = score_vector(vector).expect(vector);
        assert_eq!(
            (s.base, s.temporal, s.environmental),
            (base, temporal, environmental),
            "{vector}"
        );
        assert_eq!(
            s.score,
            environmental.or(temporal).unwrap_or(base),
            "{vector}"
        );
    }
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
