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
