//! Schema checks on the shipped data, grading, baseline, overrides, questionnaire and risk maths.

use std::collections::BTreeMap;

use time::macros::date;
use zian_rules::risk::{RiskMethod, asset_value_from_impacts};
use zian_rules::{
    Confidence, Frequency, Impact, Level, OrgKind, OverrideKind, OverrideScope, RuleOverride,
    RuleSet, RulesError, grade,
};

use Impact::{High as H, Low as P, Medium as M};

#[test]
fn shipped_data_passes_schema_and_overlap_checks() {
    let rs = RuleSet::shipped().expect("shipped data is valid");
    assert_eq!(rs.rules().len(), 281);
    for r in rs.rules() {
        assert!(r.source.starts_with("https://"), "{}", r.id);
    }
    zian_rules::check_rule_overlaps("shipped", rs.rules()).expect("no overlap");
    zian_rules::check_control_overlaps("shipped", rs.controls()).expect("no overlap");
    // every rule in force on one side of the 2026 cut-over has exactly one version per id
    for on in [
        date!(2021 - 08 - 23),
        date!(2026 - 01 - 04),
        date!(2026 - 01 - 05),
    ] {
        let f = rs.in_force(on);
        let mut ids: Vec<&str> = f.rules.iter().map(|r| r.id.as_str()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
    assert!(rs.in_force(date!(2021 - 08 - 22)).rules.is_empty());
    // mark mapping present in the data
    let confs: Vec<Confidence> = rs.rules().iter().map(|r| r.confidence).collect();
    for c in [
        Confidence::Verbatim,
        Confidence::Secondary,
        Confidence::Reconstructed,
    ] {
        assert!(confs.contains(&c));
    }
}

const ONE: &str = r#"
[[rule]]
id = "X.a"
item = "a"
version = "2021-08-23"
regulation = "r"
article = "附表一"
cell = "c"
title_zh = "t"
title_en = "t"
category = "management"
frequency = "yearly"
kinds = ["public"]
levels = ["A"]
effective_from = "2021-08-23"
introduced_on = "2021-08-23"
source = "https://example.org"
confidence = "verbatim"
"#;

#[test]
fn schema_errors_are_precise() {
    zian_rules::parse_rules("t", ONE).expect("valid");
    let no_src = ONE.replace("source = \"https://example.org\"\n", "");
    let e = zian_rules::parse_rules("t", &no_src).expect_err("missing source");
    assert!(matches!(e, RulesError::Parse { .. }), "{e}");
    assert!(e.to_string().contains("source"), "{e}");
    let bad = ONE.replace("\"verbatim\"", "\"sure\"");
    assert_eq!(
        zian_rules::parse_rules("t", &bad)
            .expect_err("conf")
            .to_string(),
        "t: entry \"X.a\": confidence \"sure\" is not one of verbatim, secondary, reconstructed"
    );
    let bad = ONE.replace(
        "effective_from = \"2021-08-23\"",
        "effective_from = \"2021-02-30\"",
    );
    assert!(
        zian_rules::parse_rules("t", &bad)
            .expect_err("date")
            .to_string()
            .contains("effective_from")
    );
    let bad = ONE.replace("https://example.org", "example.org");
    assert!(
        zian_rules::parse_rules("t", &bad)
            .expect_err("url")
            .to_string()
            .contains("not a URL")
    );
    // two versions of the same id both open-ended overlap
    let two = format!("{ONE}{}", ONE.replace("2021-08-23", "2026-01-05"));
    let rules = zian_rules::parse_rules("t", &two).expect("parse");
    let e = zian_rules::check_rule_overlaps("t", &rules).expect_err("overlap");
    assert_eq!(
        e.to_string(),
        "t: entries X.a@2021-08-23 and X.a@2026-01-05 are in force at the same time for the same id or cell"
    );
    // closing the first window fixes it
    let fixed = format!(
        "{}{}",
        ONE.replace(
            "introduced_on",
            "effective_to = \"2026-01-05\"\nintroduced_on"
        ),
        ONE.replace("2021-08-23", "2026-01-05")
    );
    let rules = zian_rules::parse_rules("t", &fixed).expect("parse");
    zian_rules::check_rule_overlaps("t", &rules).expect("no overlap");
    // same item and cell under another id also overlaps
    let other = format!("{ONE}{}", ONE.replace("X.a", "Y.a"));
    let rules = zian_rules::parse_rules("t", &other).expect("parse");
    assert!(zian_rules::check_rule_overlaps("t", &rules).is_err());
    // deployments cannot shadow a shipped rule with extra data
    let shadow = ONE
        .replace("X.a", "T1.internal-audit")
        .replace("item = \"a\"", "item = \"internal-audit\"");
    let e = RuleSet::shipped()
        .expect("load")
        .with_extra_rules("local.toml", &shadow)
        .expect_err("shadow");
    assert!(matches!(e, RulesError::Overlap { .. }));
    let added = RuleSet::shipped()
        .expect("load")
        .with_extra_rules("local.toml", ONE)
        .expect("extra");
    let o = added
        .obligations(
            OrgKind::Public,
            Level::A,
            date!(2024 - 01 - 01),
            date!(2024 - 02 - 01),
            &[],
        )
        .expect("ok");
    assert!(o.iter().any(|o| o.id == "X.a"));
}

#[test]
fn grading_examples() {
    assert_eq!(grade(P, P, P, P), P);
    assert_eq!(grade(P, M, P, P), M);
    assert_eq!(grade(P, P, P, H), H);
    assert_eq!(grade(M, H, M, P), H);
    assert_eq!(grade(M, M, M, M), M);
}

#[test]
fn baseline_counts_and_inclusion() {
    let rs = RuleSet::shipped().expect("load");
    // 2026: 普 45, 中 17, 高 18 → cumulative 45 / 62 / 80 (tw-regulations.md §2.2)
    let on = date!(2026 - 03 - 01);
    let (p, m, h) = (
        rs.baseline(P, on).expect("p"),
        rs.baseline(M, on).expect("m"),
        rs.baseline(H, on).expect("h"),
    );
    assert_eq!((p.len(), m.len(), h.len()), (45, 62, 80));
    assert!(p.iter().all(|c| m.iter().any(|x| x.id == c.id)));
    assert!(m.iter().all(|c| h.iter().any(|x| x.id == c.id)));
    assert_eq!(rs.baseline_version(on).expect("v"), "2026-01-05");
    // 2021: 78 items (§2.2 note), with the moved items at their 2021 levels
    let on21 = date!(2024 - 01 - 01);
    let h21 = rs.baseline(H, on21).expect("h21");
    assert_eq!(h21.len(), 78);
    let p21 = rs.baseline(P, on21).expect("p21");
    assert!(!p21.iter().any(|c| c.id == "AC-02"), "AC-02 was 中 in 2021");
    assert!(p.iter().any(|c| c.id == "AC-02"), "AC-02 is 普 in 2026");
    assert!(h21.iter().any(|c| c.id == "SC-06") && !h.iter().any(|c| c.id == "SC-06"));
    assert!(
        h.iter().any(|c| c.id == "SA-17") && !h21.iter().any(|c| c.id == "SA-17"),
        "SBOM item new in 2026"
    );
    // no 普 requirement in 系統與通訊保護 (§2.3)
    assert!(!p.iter().any(|c| c.family == "系統與通訊保護"));
}

#[test]
fn baseline_diff_on_level_change() {
    let rs = RuleSet::shipped().expect("load");
    let on = date!(2026 - 03 - 01);
    let up = rs.baseline_diff(P, M, on).expect("diff");
    assert_eq!(up.newly_required.len(), 17);
    assert!(up.no_longer_required.is_empty());
    assert!(up.newly_required.iter().all(|c| c.level == M));
    let down = rs.baseline_diff(H, P, on).expect("diff");
    assert_eq!(down.no_longer_required.len(), 35);
    assert!(down.newly_required.is_empty());
    // 2021 中 → 2021 高 gains the 高 items of that version
    let d21 = rs.baseline_diff(M, H, date!(2024 - 01 - 01)).expect("diff");
    assert!(
        d21.newly_required.iter().any(|c| c.id == "AC-05"),
        "AC-05 was 高 in 2021"
    );
}

fn ov(rule_id: &str, kind: OverrideKind) -> RuleOverride {
    RuleOverride {
        rule_id: rule_id.to_string(),
        kind,
        reason: "分級辦法第11條第3項 顯有困難".to_string(),
        approver: "上級機關資安長".to_string(),
        approved_on: date!(2024 - 01 - 10),
        effective_from: date!(2024 - 01 - 10),
        effective_to: None,
        scope: OverrideScope::default(),
    }
}

#[test]
fn overrides_exempt_and_replace() {
    let rs = RuleSet::shipped().expect("load");
    let exempt = ov("T3.protection-waf", OverrideKind::Exempt);
    let replace = ov(
        "T3.penetration-test",
        OverrideKind::Replace {
            frequency: Some(Frequency::Yearly),
            deadline_months: None,
            count: None,
            unit: None,
        },
    );
    let o = rs
        .obligations(
            OrgKind::Public,
            Level::B,
            date!(2023 - 03 - 01),
            date!(2024 - 06 - 01),
            &[exempt.clone(), replace],
        )
        .expect("ok");
    let waf = o.iter().find(|x| x.id == "T3.protection-waf").expect("waf");
    assert!(waf.is_exempt());
    assert_eq!(waf.first_due, None);
    assert!(
        waf.due_dates(date!(2020 - 01 - 01), date!(2030 - 01 - 01))
            .is_empty()
    );
    let ap = waf.overridden.as_ref().expect("marked");
    assert_eq!(ap.reason, "分級辦法第11條第3項 顯有困難");
    let pt = o
        .iter()
        .find(|x| x.id == "T3.penetration-test")
        .expect("pt");
    assert_eq!(pt.frequency, Frequency::Yearly);
    assert_eq!(pt.first_due, Some(date!(2023 - 12 - 31)));
    assert_eq!(
        pt.overridden.as_ref().expect("marked").changes,
        vec!["frequency: every-2-years → yearly"]
    );
    // others untouched
    assert!(o.iter().filter(|x| x.overridden.is_some()).count() == 2);
    // not yet in force → no effect
    let o = rs
        .obligations(
            OrgKind::Public,
            Level::B,
            date!(2023 - 03 - 01),
            date!(2023 - 06 - 01),
            std::slice::from_ref(&exempt),
        )
        .expect("ok");
    assert!(o.iter().all(|x| x.overridden.is_none()));
    // scoped to another level → no effect
    let mut scoped = exempt.clone();
    scoped.scope.levels = vec![Level::A];
    let o = rs
        .obligations(
            OrgKind::Public,
            Level::B,
            date!(2023 - 03 - 01),
            date!(2024 - 06 - 01),
            &[scoped],
        )
        .expect("ok");
    assert!(o.iter().all(|x| x.overridden.is_none()));
    // conflicts, unknown ids, empty reasons are errors
    let e = rs
        .obligations(
            OrgKind::Public,
            Level::B,
            date!(2023 - 03 - 01),
            date!(2024 - 06 - 01),
            &[exempt.clone(), exempt.clone()],
        )
        .expect_err("conflict");
    assert!(matches!(e, RulesError::ConflictingOverrides { .. }));
    let e = rs
        .validate_override(&ov("T9.nothing", OverrideKind::Exempt))
        .expect_err("unknown");
    assert_eq!(
        e.to_string(),
        "override of \"T9.nothing\": no rule or control has this id"
    );
    let mut no_reason = exempt;
    no_reason.reason = " ".to_string();
    assert!(rs.validate_override(&no_reason).is_err());
    let noop = ov(
        "T3.gcb",
        OverrideKind::Replace {
            frequency: None,
            deadline_months: None,
            count: None,
            unit: None,
        },
    );
    assert!(rs.validate_override(&noop).is_err());
}

#[test]
fn control_exemption_and_override_json() {
    let rs = RuleSet::shipped().expect("load");
    let e = ov("IA-02", OverrideKind::Exempt);
    let applied = rs
        .baseline_with_overrides(H, date!(2026 - 03 - 01), std::slice::from_ref(&e))
        .expect("ok");
    assert_eq!(applied.len(), 80);
    let ia = applied
        .iter()
        .find(|a| a.control.id == "IA-02")
        .expect("IA-02");
    assert_eq!(ia.overridden.as_ref().map(|o| o.kind), Some("exempt"));
    assert_eq!(applied.iter().filter(|a| a.overridden.is_some()).count(), 1);
    let r = ov(
        "IA-02",
        OverrideKind::Replace {
            frequency: None,
            deadline_months: None,
            count: Some(1),
            unit: Some("x".into()),
        },
    );
    assert!(rs.validate_override(&r).is_err());
    // the platform stores overrides as JSON
    let json = serde_json::to_string(&e).expect("json");
    assert!(json.contains("\"approved_on\":\"2024-01-10\""), "{json}");
    assert!(json.contains("\"kind\":{\"type\":\"exempt\"}"), "{json}");
    let back: RuleOverride = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, e);
}

fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn questionnaire_grades_with_rationale() {
    let rs = RuleSet::shipped().expect("load");
    let q = rs.questionnaire();
    assert_eq!(q.questions.len(), 10);
    let mut a = answers(&[
        ("c-operations", "limited"),
        ("c-assets", "limited"),
        ("c-reputation", "serious"),
        ("i-operations", "limited"),
        ("i-assets", "limited"),
        ("i-reputation", "limited"),
        ("a-operations", "limited"),
        ("a-assets", "limited"),
        ("a-reputation", "limited"),
        ("l-consequence", "other"),
    ]);
    let r = q.evaluate(&a).expect("eval");
    assert_eq!(r.level, M);
    let grades: Vec<Impact> = r.dimensions.iter().map(|d| d.grade).collect();
    assert_eq!(grades, vec![M, P, P, P]);
    assert!(r.dimensions[0].criterion_zh.contains("嚴重之影響"));
    assert!(
        r.rationale_zh
            .starts_with("系統防護需求等級為「中」，由機密性構面決定。"),
        "{}",
        r.rationale_zh
    );
    a.insert("l-consequence".into(), "criminal".into());
    let r = q.evaluate(&a).expect("eval");
    assert_eq!(r.level, H);
    assert!(r.dimensions[3].criterion_zh.contains("刑事責任"));
    a.insert("l-consequence".into(), "nope".into());
    assert!(
        q.evaluate(&a)
            .expect_err("bad option")
            .to_string()
            .contains("unknown option \"nope\"")
    );
    a.remove("l-consequence");
    assert_eq!(
        q.evaluate(&a).expect_err("missing").to_string(),
        "grading questionnaire: question \"l-consequence\" is not answered"
    );
}

#[test]
fn risk_maths() {
    let m = RiskMethod::nics_default();
    m.validate().expect("valid");
    let s = m.score(&[3, 2, 3]).expect("score");
    assert_eq!(
        (s.value, s.band_zh.as_str(), s.acceptable),
        (18, "高", false)
    );
    let s = m.score(&[1, 2, 3]).expect("score");
    assert_eq!((s.value, s.acceptable), (6, true));
    assert!(m.score(&[4, 1, 1]).is_err());
    assert!(m.score(&[1, 1]).is_err());
    assert_eq!(asset_value_from_impacts(P, M, P, H), 3);
    let grid = m.heat_map(&[2]).expect("grid");
    let values: Vec<Vec<u32>> = grid
        .iter()
        .map(|r| r.iter().map(|s| s.value).collect())
        .collect();
    assert_eq!(values, vec![vec![2, 4, 6], vec![4, 8, 12], vec![6, 12, 18]]);
    let li = RiskMethod::likelihood_impact();
    assert_eq!(li.score(&[3, 3]).expect("s").band_zh, "極度");
    let mut bad = RiskMethod::nics_default();
    bad.bands[1].min = 8;
    assert!(bad.validate().is_err());
    let mut bad = RiskMethod::nics_default();
    bad.acceptance_threshold = 28;
    assert!(bad.validate().is_err());
    // configurable scale 1–5
    let mut five = RiskMethod::nics_default();
    for f in &mut five.factors {
        f.max = 5;
        f.labels_zh.clear();
    }
    five.bands = vec![five.bands[0].clone(), five.bands[1].clone()];
    five.bands[1].max = 125;
    five.bands[1].min = 7;
    assert_eq!(five.score(&[5, 5, 5]).expect("s").value, 125);
}

#[test]
fn scaled_nics_method_keeps_the_default_and_its_proportions() {
    assert_eq!(
        RiskMethod::nics_scaled(3, 3, 3).expect("3"),
        RiskMethod::nics_default()
    );
    let m = RiskMethod::nics_scaled(5, 4, 3).expect("5×4×3");
    assert_eq!(m.max_value(), 60);
    assert_eq!(m.acceptance_threshold, 13);
    let bands: Vec<(u32, u32)> = m.bands.iter().map(|b| (b.min, b.max)).collect();
    assert_eq!(bands, vec![(1, 13), (14, 26), (27, 60)]);
    assert!(m.factors.iter().all(|f| f.min == 1));
    assert_eq!(m.score(&[5, 4, 3]).expect("max").band_en, "high");
    assert!(m.score(&[5, 5, 3]).is_err());
    assert!(RiskMethod::nics_scaled(2, 3, 3).is_err());
    assert!(RiskMethod::nics_scaled(3, 6, 3).is_err());
    let mut labelled = RiskMethod::nics_scaled(4, 4, 4).expect("4");
    labelled.factors[0].labels_en = vec!["a".into(), "b".into()];
    assert!(labelled.validate().is_err());
}
