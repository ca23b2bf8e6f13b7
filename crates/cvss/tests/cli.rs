//! The line-oriented JSON contract of `zian_cvss::cli::run`.

use zian_cvss::cli::run;

fn run_str(input: &str) -> String {
    let mut out = Vec::new();
    run(input.as_bytes(), &mut out).expect("run never fails on in-memory I/O");
    String::from_utf8(out).expect("utf-8 output")
}

#[test]
fn exact_output_lines() {
    let input = "\
CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H

   AV:N/AC:L/Au:N/C:P/I:P/A:P   
AV:A/AC:M/Au:N/C:C/I:N/A:P/E:POC/RL:W/RC:UC
CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H
CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U
CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N
AV:L/AC:H/Au:M/C:N/I:N/A:N
CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H
say \"hi\"
";
    let expected = [
        r#"{"vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","version":"3.1","base":9.8,"temporal":null,"environmental":null,"score":9.8,"severity":"CRITICAL"}"#,
        r#"{"vector":"AV:N/AC:L/Au:N/C:P/I:P/A:P","version":"2.0","base":7.5,"temporal":null,"environmental":null,"score":7.5,"severity":"HIGH"}"#,
        r#"{"vector":"AV:A/AC:M/Au:N/C:C/I:N/A:P/E:POC/RL:W/RC:UC","version":"2.0","base":6.4,"temporal":4.9,"environmental":null,"score":4.9,"severity":"MEDIUM"}"#,
        r#"{"vector":"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H","version":"3.0","base":9.3,"temporal":8.9,"environmental":9.5,"score":9.5,"severity":"CRITICAL"}"#,
        r#"{"vector":"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U","version":"4.0","base":7.3,"temporal":4.1,"environmental":null,"score":4.1,"severity":"MEDIUM"}"#,
        r#"{"vector":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N","version":"4.0","base":0.0,"temporal":null,"environmental":null,"score":0.0,"severity":"NONE"}"#,
        r#"{"vector":"AV:L/AC:H/Au:M/C:N/I:N/A:N","version":"2.0","base":0.0,"temporal":null,"environmental":null,"score":0.0,"severity":"LOW"}"#,
        r#"{"vector":"CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H","error":"missing mandatory metric PR"}"#,
        r#"{"vector":"say \"hi\"","error":"malformed component 'say \"hi\"': expected METRIC:VALUE"}"#,
    ];
    let got = run_str(input);
    let got: Vec<&str> = got.lines().collect();
    assert_eq!(got, expected);
}

#[test]
fn every_line_is_json_with_ordered_keys() {
    let input = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P\nnot a vector\n\u{1}\n";
    let out = run_str(input);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    for line in &lines {
        let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON");
        assert!(v.get("vector").is_some(), "{line}");
    }
    let ok: serde_json::Value = serde_json::from_str(lines[0]).expect("json");
    // 9.8 × E:P 0.94 = 9.212, rounded up: 9.3.
    assert_eq!(ok["temporal"], serde_json::json!(9.3));
    let keys: Vec<usize> = [
        "\"vector\"",
        "\"version\"",
        "\"base\"",
        "\"temporal\"",
        "\"environmental\"",
        "\"score\"",
        "\"severity\"",
    ]
    .iter()
    .map(|k| lines[0].find(k).expect("key present"))
    .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "key order: {}",
        lines[0]
    );
    let bad: serde_json::Value = serde_json::from_str(lines[2]).expect("control chars escaped");
    assert_eq!(bad["vector"], serde_json::json!("\u{1}"));
}

#[test]
fn empty_input_gives_no_output() {
    assert_eq!(run_str(""), "");
    assert_eq!(run_str("\n  \n\t\n"), "");
}

/// Issue 10: an out-of-order v4.0 vector is an error line naming the metric out of place; the
/// v2 environmental case of the issue scores 2.9; v3.1 out of order still scores.
#[test]
fn issue_10_lines() {
    let input = "\
CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A
AV:L/AC:H/Au:M/C:N/I:N/A:P/E:H/RL:ND/RC:ND/CDP:LM/TD:H/CR:M/IR:ND/AR:L
CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H
";
    let expected = [
        r#"{"vector":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A","error":"metric E out of order: CVSS v4.0 requires it before CR"}"#,
        r#"{"vector":"AV:L/AC:H/Au:M/C:N/I:N/A:P/E:H/RL:ND/RC:ND/CDP:LM/TD:H/CR:M/IR:ND/AR:L","version":"2.0","base":0.8,"temporal":0.8,"environmental":2.9,"score":2.9,"severity":"LOW"}"#,
        r#"{"vector":"CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H","version":"3.1","base":9.8,"temporal":null,"environmental":null,"score":9.8,"severity":"CRITICAL"}"#,
    ];
    let got = run_str(input);
    let got: Vec<&str> = got.lines().collect();
    assert_eq!(got, expected);
}
