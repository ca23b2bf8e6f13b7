//! Output-shape tests for the `zian rules` CLI contracts.

use time::macros::date;
use zian_rules::cli::{run_grade, run_obligations};

fn obligations(
    kind: &str,
    level: &str,
    assigned: &str,
    on: Option<&str>,
) -> Result<String, zian_rules::RulesError> {
    let mut v = Vec::new();
    run_obligations(kind, level, assigned, on, date!(2026 - 03 - 01), &mut v)?;
    Ok(String::from_utf8(v).expect("utf8"))
}

#[test]
fn e_level_public_exact_lines_2026() {
    // 附表八 + level review (3 yr, 2026) + implementation report + drills (tw-regulations.md §1.4.4, §1.5, §3.5, §5.2)
    let out = obligations("public", "E", "2026-01-20", Some("2026-02-01")).expect("ok");
    let expected = [
        r#"{"id":"T8.training-users","title_zh":"一般使用者及主管資通安全通識教育訓練","title_en":"All users and managers: general security awareness training, per person","category":"training","frequency":"yearly","count":3,"unit":"hours-per-person","first_due":"2026-12-31","source":"https://moda.gov.tw/ACS/laws/regulations/9041.html","confidence":"reconstructed","rules_version":"2026-01-05"}"#,
        r#"{"id":"ART3.level-review.public","title_zh":"資通安全責任等級核定（每三年）","title_en":"Responsibility level re-approved every 3 years","category":"process","frequency":"every-3-years","count":null,"unit":null,"first_due":"2029-01-20","source":"https://moda.gov.tw/ACS/laws/regulations/9041.html","confidence":"secondary","rules_version":"2026-01-05"}"#,
        r#"{"id":"ACT.implementation-report","title_zh":"資通安全維護計畫實施情形提報","title_en":"Yearly maintenance-plan implementation report to the superior agency","category":"process","frequency":"yearly","count":null,"unit":null,"first_due":"2026-12-31","source":"https://moda.gov.tw/ACS/laws/draft-notice/17750.html","confidence":"reconstructed","rules_version":"2026-01-05"}"#,
        r#"{"id":"IR.social-engineering-drill","title_zh":"社交工程演練（每半年一次）","title_en":"Social-engineering (phishing) drill every six months","category":"drill","frequency":"twice-yearly","count":null,"unit":null,"first_due":"2026-06-30","source":"https://moda.gov.tw/ACS/laws/regulations/9043.html","confidence":"reconstructed","rules_version":"2026-01-05"}"#,
        r#"{"id":"IR.incident-drill","title_zh":"資通安全事件通報及應變演練（每年一次）","title_en":"Incident reporting and response drill every year","category":"drill","frequency":"yearly","count":null,"unit":null,"first_due":"2026-12-31","source":"https://moda.gov.tw/ACS/laws/regulations/9043.html","confidence":"reconstructed","rules_version":"2026-01-05"}"#,
    ];
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines, expected);
    assert!(out.ends_with('\n'));
}

#[test]
fn key_order_and_default_on_is_today() {
    // --on omitted → today (2026-03-01 passed in) → 2026 rules
    let out = obligations("critical-infrastructure", "A", "2024-05-01", None).expect("ok");
    let first = out.lines().next().expect("line");
    assert_eq!(
        first,
        r#"{"id":"T2.system-grading","title_zh":"資通系統分級及防護基準","title_en":"Grade all self/outsourced-developed systems (附表九) and apply the 附表十 baseline; review the grading yearly","category":"management","frequency":"yearly","count":null,"unit":null,"first_due":"2025-05-01","source":"https://moda.gov.tw/ACS/laws/regulations/9041.html","confidence":"secondary","rules_version":"2026-01-05"}"#
    );
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        assert_eq!(v.as_object().expect("obj").len(), 11, "{line}");
        // key order is checked on the raw text (serde_json::Map sorts its keys)
        let order = [
            "\"id\"",
            "\"title_zh\"",
            "\"title_en\"",
            "\"category\"",
            "\"frequency\"",
            "\"count\"",
            "\"unit\"",
            "\"first_due\"",
            "\"source\"",
            "\"confidence\"",
            "\"rules_version\"",
        ];
        let pos: Vec<usize> = order
            .iter()
            .map(|k| line.find(&format!("{k}:")).expect("key"))
            .collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "{line}");
    }
    assert!(out.contains("\"id\":\"T2.governance-maturity\""));
    assert!(out.contains("\"id\":\"T2.vans\""));
}

#[test]
fn unknown_kind_and_level_are_usage_errors() {
    let e = obligations("foo", "A", "2024-01-01", None).expect_err("kind");
    assert_eq!(
        e.to_string(),
        r#"unknown --kind "foo": expected public, non_public or critical_infrastructure"#
    );
    assert!(e.is_usage_error());
    let e = obligations("public", "F", "2024-01-01", None).expect_err("level");
    assert_eq!(
        e.to_string(),
        r#"unknown --level "F": expected A, B, C, D or E"#
    );
    assert!(e.is_usage_error());
    let e = obligations("public", "a", "2024-01-01", None).expect_err("lowercase level");
    assert!(e.is_usage_error());
    let e = obligations("public", "A", "2024-13-01", None).expect_err("date");
    assert!(
        e.to_string()
            .starts_with(r#"invalid --assigned "2024-13-01": expected YYYY-MM-DD"#),
        "{e}"
    );
    assert!(e.is_usage_error());
    let e = obligations("public", "A", "2020-01-01", Some("2020-06-01")).expect_err("no data");
    assert!(!e.is_usage_error());
}

#[test]
fn grade_output_shape() {
    let mut v = Vec::new();
    run_grade("普", "中", "普", "普", date!(2026 - 03 - 01), &mut v).expect("ok");
    let out = String::from_utf8(v).expect("utf8");
    assert!(out.starts_with(r#"{"level":"中","dimensions":{"c":"普","i":"中","a":"普","l":"普"},"controls":["AC-01","AC-02","#), "{out}");
    assert!(
        out.ends_with("],\"rules_version\":\"2026-01-05\"}\n"),
        "{out}"
    );
    let val: serde_json::Value = serde_json::from_str(out.trim_end()).expect("json");
    assert_eq!(val["controls"].as_array().expect("arr").len(), 62);
    let mut v = Vec::new();
    run_grade("普", "普", "普", "普", date!(2024 - 03 - 01), &mut v).expect("ok");
    let val: serde_json::Value = serde_json::from_slice(&v).expect("json");
    assert_eq!(val["rules_version"], "2021-08-23");
    assert_eq!(val["level"], "普");
    let mut v = Vec::new();
    let e = run_grade("低", "普", "普", "普", date!(2024 - 03 - 01), &mut v).expect_err("bad");
    assert_eq!(e.to_string(), r#"unknown --c "低": expected 普, 中 or 高"#);
    assert!(e.is_usage_error());
}

fn incident(input: &str) -> Vec<String> {
    let mut v = Vec::new();
    zian_rules::cli::run_incident(input.as_bytes(), &mut v).expect("runs");
    String::from_utf8(v)
        .expect("utf8")
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn incident_lines_in_and_out() {
    let input = concat!(
        // a level 2 (core, minor leak) the officer became aware of on a
        // Friday evening, notified 40 minutes later, recovered on 1/30
        r#"{"kind":"public","on":"2026-01-23","aware":"2026-01-23T18:20:00+08:00","asset":"core","confidentiality":"minor","integrity":"none","availability":"none","notified":"2026-01-23T19:00:00+08:00","recovered":"2026-01-30T10:00:00+08:00"}"#,
        "\n\n",
        // a level 4 in UTC, not yet notified
        r#"{"kind":"non_public","on":"2026-06-01","aware":"2026-06-01T02:00:00Z","asset":"core_ci","confidentiality":"none","integrity":"none","availability":"beyond_mtd","notified":null,"recovered":null}"#,
        "\n",
        // nothing meets a level
        r#"{"kind":"public","on":"2025-03-01","aware":"2025-03-01T09:00:00+08:00","asset":"state_secret","confidentiality":"none","integrity":"none","availability":"within_mtd"}"#,
        "\n",
        "not json\n",
        r#"{"kind":"public","on":"2018-06-01","aware":"2018-06-01T09:00:00+08:00","asset":"core","confidentiality":"minor","integrity":"none","availability":"none"}"#,
        "\n",
        r#"{"kind":"public","on":"2026-01-23","aware":"yesterday","asset":"core","confidentiality":"minor","integrity":"none","availability":"none"}"#,
        "\n",
        r#"{"kind":"public","on":"2026-01-23","aware":"2026-01-23T18:20:00+08:00","asset":"core","confidentiality":"huge","integrity":"none","availability":"none"}"#,
        "\n",
    );
    let out = incident(input);
    assert_eq!(out.len(), 7, "{out:?}");
    // 1/30 recovered → 2/28 is a Saturday → Monday 3/2 at noon
    assert_eq!(
        out[0],
        r#"{"level":2,"notify_by":"2026-01-23T19:20:00+08:00","review_by":"2026-01-24T03:00:00+08:00","recover_by":"2026-01-26T18:20:00+08:00","report_by":"2026-03-02T12:00:00+08:00"}"#
    );
    assert_eq!(
        out[1],
        r#"{"level":4,"notify_by":"2026-06-01T11:00:00+08:00","review_by":null,"recover_by":"2026-06-02T22:00:00+08:00","report_by":null}"#
    );
    assert_eq!(
        out[2],
        r#"{"level":null,"notify_by":"2025-03-01T10:00:00+08:00","review_by":null,"recover_by":null,"report_by":null}"#
    );
    for (k, needle) in [
        (3, "expected"),
        (4, "no incident rules in force on 2018-06-01"),
        (5, "aware"),
        (6, "confidentiality"),
    ] {
        let v: serde_json::Value = serde_json::from_str(&out[k]).expect("json");
        let e = v["error"].as_str().unwrap_or_else(|| panic!("{}", out[k]));
        assert!(e.contains(needle), "{e}");
        assert_eq!(v.as_object().map(|o| o.len()), Some(1));
    }
}

#[test]
fn incident_input_never_panics() {
    // arbitrary bytes and truncated objects: an error line each, never a panic
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let valid = r#"{"kind":"public","on":"2026-01-23","aware":"2026-01-23T18:20:00+08:00","asset":"core","confidentiality":"minor","integrity":"none","availability":"none","notified":"2026-01-23T19:00:00+08:00","recovered":"2026-12-30T10:00:00+08:00"}"#;
    for _ in 0..2_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let cut = (seed as usize) % valid.len();
        let mut s: Vec<u8> = valid.as_bytes()[..cut].to_vec();
        s.push((seed >> 32) as u8);
        s.extend_from_slice(&valid.as_bytes()[cut..]);
        let mut v = Vec::new();
        zian_rules::cli::run_incident(&s[..], &mut v).expect("every line is answered");
        let out = String::from_utf8(v).expect("utf8");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines.len(),
            s.split(|b| *b == b'\n')
                .filter(|l| !String::from_utf8_lossy(l).trim().is_empty())
                .count(),
            "{out}"
        );
    }
}

#[test]
fn a_line_that_is_not_utf8_gets_its_error_and_the_next_is_answered() {
    let mut input = b"\xff\xfe{\n".to_vec();
    input.extend_from_slice(br#"{"kind":"public","on":"2026-01-23","aware":"2026-01-23T18:20:00+08:00","asset":"non_core","confidentiality":"minor","integrity":"none","availability":"none"}"#);
    let mut v = Vec::new();
    zian_rules::cli::run_incident(&input[..], &mut v).expect("runs");
    let out = String::from_utf8(v).expect("utf8");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], r#"{"error":"not UTF-8"}"#);
    assert!(lines[1].starts_with(r#"{"level":1,"#), "{out}");
}
