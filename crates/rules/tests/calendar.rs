//! Obligations calendar table tests. Expected rows are derived by hand from tw-regulations.md
//! §1.4.1–§1.4.4 (2021 tables), §1.5 (2026 summary), §1.3 (level review), §3.5 (drills),
//! §5.2 (implementation report), with the deadline conventions documented in the crate docs.

use time::{Date, macros::date};
use zian_rules::{Frequency, Level, OrgKind, RuleSet};

type Row = (&'static str, &'static str, Option<u32>, &'static str);

fn check(kind: OrgKind, level: Level, assigned: Date, on: Date, version: &str, expected: &[Row]) {
    let rs = RuleSet::shipped().expect("shipped data loads");
    let got = rs
        .obligations(kind, level, assigned, on, &[])
        .expect("obligations");
    let got_rows: Vec<(String, String, Option<u32>, String)> = got
        .iter()
        .map(|o| {
            (
                o.id.clone(),
                o.frequency.as_str().to_string(),
                o.count,
                o.first_due
                    .map(zian_rules::dates::format_date)
                    .unwrap_or_default(),
            )
        })
        .collect();
    let want: Vec<(String, String, Option<u32>, String)> = expected
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), *c, d.to_string()))
        .collect();
    assert_eq!(got_rows, want, "{kind} {level} assigned {assigned} on {on}");
    assert!(got.iter().all(|o| o.rules_version == version));
}

// A public agency (附表一), assigned 2022-03-15, 2021 rules (§1.4.1–§1.4.3, §1.3, §3.5, §5.2).
const A_PUBLIC_2021: &[Row] = &[
    ("T1.system-grading", "yearly", None, "2023-03-15"), // within 1 yr, yearly review
    ("T1.isms-adoption", "once", None, "2024-03-15"),    // within 2 yr
    ("T1.isms-certification", "once", None, "2025-03-15"), // within 3 yr
    ("T1.security-staff", "once", Some(4), "2023-03-15"), // 4 專職 within 1 yr
    ("T1.internal-audit", "twice-yearly", None, "2022-06-30"), // 2×/yr
    ("T1.bcp-drill", "yearly", None, "2022-12-31"),
    ("T1.governance-maturity", "yearly", None, "2022-12-31"),
    ("T1.web-vuln-scan", "twice-yearly", None, "2022-06-30"),
    ("T1.penetration-test", "yearly", None, "2022-12-31"),
    ("T1.health-check", "yearly", None, "2022-12-31"),
    ("T1.soc", "once", None, "2023-03-15"),
    ("T1.gcb", "once", None, "2023-03-15"),
    ("T1.vans", "once", None, "2023-03-15"),
    ("T1.edr", "once", None, "2024-03-15"), // 2021: within 2 yr (NICS EDR FAQ)
    ("T1.protection-antivirus", "once", None, "2023-03-15"),
    ("T1.protection-firewall", "once", None, "2023-03-15"),
    ("T1.protection-mail-filter", "once", None, "2023-03-15"),
    ("T1.protection-ids-ips", "once", None, "2023-03-15"),
    ("T1.protection-waf", "once", None, "2023-03-15"),
    ("T1.protection-apt", "once", None, "2023-03-15"),
    (
        "T1.training-security-staff",
        "yearly",
        Some(12),
        "2022-12-31",
    ),
    (
        "T1.training-it-professional",
        "every-2-years",
        Some(3),
        "2023-12-31",
    ),
    ("T1.training-it-general", "yearly", Some(3), "2022-12-31"),
    ("T1.training-users", "yearly", Some(3), "2022-12-31"),
    ("T1.certificate-professional", "once", Some(1), "2023-03-15"),
    ("T1.certificate-functional", "once", Some(1), "2023-03-15"),
    (
        "ART3.level-review.public",
        "every-2-years",
        None,
        "2024-03-15",
    ),
    ("ACT.implementation-report", "yearly", None, "2022-12-31"),
    (
        "IR.social-engineering-drill",
        "twice-yearly",
        None,
        "2022-06-30",
    ),
    ("IR.incident-drill", "yearly", None, "2022-12-31"),
];

#[test]
fn a_public_2021() {
    check(
        OrgKind::Public,
        Level::A,
        date!(2022 - 03 - 15),
        date!(2023 - 06 - 01),
        "2021-08-23",
        A_PUBLIC_2021,
    );
}

// A public agency assigned 2026-02-10 under the 2026 rules (§1.5): EDR within 1 yr, level review 3 yr.
#[test]
fn a_public_2026() {
    let expected: &[Row] = &[
        ("T1.system-grading", "yearly", None, "2027-02-10"),
        ("T1.isms-adoption", "once", None, "2028-02-10"),
        ("T1.isms-certification", "once", None, "2029-02-10"),
        ("T1.security-staff", "once", Some(4), "2027-02-10"),
        ("T1.internal-audit", "twice-yearly", None, "2026-06-30"),
        ("T1.bcp-drill", "yearly", None, "2026-12-31"),
        ("T1.governance-maturity", "yearly", None, "2026-12-31"),
        ("T1.web-vuln-scan", "twice-yearly", None, "2026-06-30"),
        ("T1.penetration-test", "yearly", None, "2026-12-31"),
        ("T1.health-check", "yearly", None, "2026-12-31"),
        ("T1.soc", "once", None, "2027-02-10"),
        ("T1.gcb", "once", None, "2027-02-10"),
        ("T1.vans", "once", None, "2027-02-10"),
        ("T1.edr", "once", None, "2027-02-10"), // 2026: within 1 yr
        ("T1.protection-antivirus", "once", None, "2027-02-10"),
        ("T1.protection-firewall", "once", None, "2027-02-10"),
        ("T1.protection-mail-filter", "once", None, "2027-02-10"),
        ("T1.protection-ids-ips", "once", None, "2027-02-10"),
        ("T1.protection-waf", "once", None, "2027-02-10"),
        ("T1.protection-apt", "once", None, "2027-02-10"),
        (
            "T1.training-security-staff",
            "yearly",
            Some(12),
            "2026-12-31",
        ),
        (
            "T1.training-it-professional",
            "every-2-years",
            Some(3),
            "2027-12-31",
        ),
        ("T1.training-it-general", "yearly", Some(3), "2026-12-31"),
        ("T1.training-users", "yearly", Some(3), "2026-12-31"),
        ("T1.certificate-professional", "once", Some(1), "2027-02-10"),
        ("T1.certificate-functional", "once", Some(1), "2027-02-10"),
        (
            "ART3.level-review.public",
            "every-3-years",
            None,
            "2029-02-10",
        ),
        ("ACT.implementation-report", "yearly", None, "2026-12-31"),
        (
            "IR.social-engineering-drill",
            "twice-yearly",
            None,
            "2026-06-30",
        ),
        ("IR.incident-drill", "yearly", None, "2026-12-31"),
    ];
    check(
        OrgKind::Public,
        Level::A,
        date!(2026 - 02 - 10),
        date!(2026 - 06 - 01),
        "2026-01-05",
        expected,
    );
}

// B public agency (附表三) assigned 2022-07-01, 2021 rules: audit 1×/yr, BCP/pentest/健診 1×/2 yr,
// EDR 2 yr, no APT.
const B_PUBLIC_2021: &[Row] = &[
    ("T3.system-grading", "yearly", None, "2023-07-01"),
    ("T3.isms-adoption", "once", None, "2024-07-01"),
    ("T3.isms-certification", "once", None, "2025-07-01"),
    ("T3.security-staff", "once", Some(2), "2023-07-01"),
    ("T3.internal-audit", "yearly", None, "2022-12-31"),
    ("T3.bcp-drill", "every-2-years", None, "2023-12-31"),
    ("T3.governance-maturity", "yearly", None, "2022-12-31"),
    ("T3.web-vuln-scan", "yearly", None, "2022-12-31"),
    ("T3.penetration-test", "every-2-years", None, "2023-12-31"),
    ("T3.health-check", "every-2-years", None, "2023-12-31"),
    ("T3.soc", "once", None, "2023-07-01"),
    ("T3.gcb", "once", None, "2023-07-01"),
    ("T3.vans", "once", None, "2023-07-01"),
    ("T3.edr", "once", None, "2024-07-01"),
    ("T3.protection-antivirus", "once", None, "2023-07-01"),
    ("T3.protection-firewall", "once", None, "2023-07-01"),
    ("T3.protection-mail-filter", "once", None, "2023-07-01"),
    ("T3.protection-ids-ips", "once", None, "2023-07-01"),
    ("T3.protection-waf", "once", None, "2023-07-01"),
    (
        "T3.training-security-staff",
        "yearly",
        Some(12),
        "2022-12-31",
    ),
    (
        "T3.training-it-professional",
        "every-2-years",
        Some(3),
        "2023-12-31",
    ),
    ("T3.training-it-general", "yearly", Some(3), "2022-12-31"),
    ("T3.training-users", "yearly", Some(3), "2022-12-31"),
    ("T3.certificate-professional", "once", Some(1), "2023-07-01"),
    ("T3.certificate-functional", "once", Some(1), "2023-07-01"),
    (
        "ART3.level-review.public",
        "every-2-years",
        None,
        "2024-07-01",
    ),
    ("ACT.implementation-report", "yearly", None, "2022-12-31"),
    (
        "IR.social-engineering-drill",
        "twice-yearly",
        None,
        "2022-12-31",
    ),
    ("IR.incident-drill", "yearly", None, "2022-12-31"),
];

#[test]
fn b_public_2021() {
    check(
        OrgKind::Public,
        Level::B,
        date!(2022 - 07 - 01),
        date!(2022 - 09 - 01),
        "2021-08-23",
        B_PUBLIC_2021,
    );
}

// B public agency assigned 2026-01-05 (the day the 2026 rules take effect).
#[test]
fn b_public_2026() {
    let rs = RuleSet::shipped().expect("load");
    let got = rs
        .obligations(
            OrgKind::Public,
            Level::B,
            date!(2026 - 01 - 05),
            date!(2026 - 01 - 05),
            &[],
        )
        .expect("obligations");
    let ids: Vec<&str> = got.iter().map(|o| o.id.as_str()).collect();
    let want: Vec<&str> = B_PUBLIC_2021.iter().map(|r| r.0).collect();
    assert_eq!(
        ids, want,
        "same items as 2021 (§1.5: everything else matches 2021)"
    );
    let edr = got.iter().find(|o| o.item == "edr").expect("edr");
    assert_eq!(edr.first_due, Some(date!(2027 - 01 - 05))); // 2026: 1 yr
    let review = got
        .iter()
        .find(|o| o.item == "level-review")
        .expect("review");
    assert_eq!(review.frequency, Frequency::Every3Years);
    assert_eq!(review.first_due, Some(date!(2029 - 01 - 05)));
}

// C public agency (附表五) assigned 2023-05-20: ISMS adoption without certification, 1 專職, VANS
// within 2 yr, audit/BCP/scan/pentest/健診 every 2 years, no SOC/GCB/EDR/IDS/WAF/governance.
const C_PUBLIC_2021: &[Row] = &[
    ("T5.system-grading", "yearly", None, "2024-05-20"),
    ("T5.isms-adoption", "once", None, "2025-05-20"),
    ("T5.security-staff", "once", Some(1), "2024-05-20"),
    ("T5.internal-audit", "every-2-years", None, "2024-12-31"),
    ("T5.bcp-drill", "every-2-years", None, "2024-12-31"),
    ("T5.web-vuln-scan", "every-2-years", None, "2024-12-31"),
    ("T5.penetration-test", "every-2-years", None, "2024-12-31"),
    ("T5.health-check", "every-2-years", None, "2024-12-31"),
    ("T5.vans", "once", None, "2025-05-20"),
    ("T5.protection-antivirus", "once", None, "2024-05-20"),
    ("T5.protection-firewall", "once", None, "2024-05-20"),
    ("T5.protection-mail-filter", "once", None, "2024-05-20"),
    (
        "T5.training-security-staff",
        "yearly",
        Some(12),
        "2023-12-31",
    ),
    (
        "T5.training-it-professional",
        "every-2-years",
        Some(3),
        "2024-12-31",
    ),
    ("T5.training-it-general", "yearly", Some(3), "2023-12-31"),
    ("T5.training-users", "yearly", Some(3), "2023-12-31"),
    ("T5.certificate-professional", "once", Some(1), "2024-05-20"),
    ("T5.certificate-functional", "once", Some(1), "2024-05-20"),
    (
        "ART3.level-review.public",
        "every-2-years",
        None,
        "2025-05-20",
    ),
    ("ACT.implementation-report", "yearly", None, "2023-12-31"),
    (
        "IR.social-engineering-drill",
        "twice-yearly",
        None,
        "2023-06-30",
    ),
    ("IR.incident-drill", "yearly", None, "2023-12-31"),
];

#[test]
fn c_public_2021() {
    check(
        OrgKind::Public,
        Level::C,
        date!(2023 - 05 - 20),
        date!(2024 - 01 - 01),
        "2021-08-23",
        C_PUBLIC_2021,
    );
}

// C public assigned under 2026 rules: system grading within 2 yr (§1.5 delta).
#[test]
fn c_public_2026() {
    let mut expected: Vec<Row> = C_PUBLIC_2021
        .iter()
        .map(|r| {
            let shift = |d: &'static str| -> &'static str {
                match d {
                    "2024-05-20" => "2027-05-20",
                    "2025-05-20" => "2028-05-20",
                    "2024-12-31" => "2027-12-31",
                    "2023-12-31" => "2026-12-31",
                    "2023-06-30" => "2026-06-30",
                    other => other,
                }
            };
            (r.0, r.1, r.2, shift(r.3))
        })
        .collect();
    expected[0].3 = "2028-05-20"; // system grading: within 2 years (2026)
    expected[18] = (
        "ART3.level-review.public",
        "every-3-years",
        None,
        "2029-05-20",
    );
    check(
        OrgKind::Public,
        Level::C,
        date!(2026 - 05 - 20),
        date!(2026 - 05 - 21),
        "2026-01-05",
        &expected,
    );
}

// B-level 特定非公務機關 (附表四) that is not a CI provider, assigned 2022-01-10: 2 專責, no GCB, no
// EDR, no VANS and no governance maturity (CI providers only), no functional certificate, no drills
// or implementation report (public-only articles).
const B_NON_PUBLIC_2021: &[Row] = &[
    ("T4.system-grading", "yearly", None, "2023-01-10"),
    ("T4.isms-adoption", "once", None, "2024-01-10"),
    ("T4.isms-certification", "once", None, "2025-01-10"),
    ("T4.security-staff", "once", Some(2), "2023-01-10"),
    ("T4.internal-audit", "yearly", None, "2022-12-31"),
    ("T4.bcp-drill", "every-2-years", None, "2023-12-31"),
    ("T4.web-vuln-scan", "yearly", None, "2022-12-31"),
    ("T4.penetration-test", "every-2-years", None, "2023-12-31"),
    ("T4.health-check", "every-2-years", None, "2023-12-31"),
    ("T4.soc", "once", None, "2023-01-10"),
    ("T4.protection-antivirus", "once", None, "2023-01-10"),
    ("T4.protection-firewall", "once", None, "2023-01-10"),
    ("T4.protection-mail-filter", "once", None, "2023-01-10"),
    ("T4.protection-ids-ips", "once", None, "2023-01-10"),
    ("T4.protection-waf", "once", None, "2023-01-10"),
    (
        "T4.training-security-staff",
        "yearly",
        Some(12),
        "2022-12-31",
    ),
    (
        "T4.training-it-professional",
        "every-2-years",
        Some(3),
        "2023-12-31",
    ),
    ("T4.training-it-general", "yearly", Some(3), "2022-12-31"),
    ("T4.training-users", "yearly", Some(3), "2022-12-31"),
    ("T4.certificate-professional", "once", Some(1), "2023-01-10"),
    (
        "ART3.level-review.non-public",
        "every-2-years",
        None,
        "2024-01-10",
    ),
];

#[test]
fn b_non_public_2021() {
    check(
        OrgKind::NonPublic,
        Level::B,
        date!(2022 - 01 - 10),
        date!(2022 - 02 - 01),
        "2021-08-23",
        B_NON_PUBLIC_2021,
    );
}

#[test]
fn b_non_public_2026() {
    let expected: Vec<Row> = B_NON_PUBLIC_2021
        .iter()
        .map(|r| {
            let d = match r.3 {
                "2023-01-10" => "2027-01-10",
                "2024-01-10" => "2028-01-10",
                "2025-01-10" => "2029-01-10",
                "2022-12-31" => "2026-12-31",
                "2023-12-31" => "2027-12-31",
                o => o,
            };
            if r.0.starts_with("ART3") {
                (r.0, "every-3-years", r.2, "2029-01-10")
            } else {
                (r.0, r.1, r.2, d)
            }
        })
        .collect();
    check(
        OrgKind::NonPublic,
        Level::B,
        date!(2026 - 01 - 10),
        date!(2026 - 03 - 01),
        "2026-01-05",
        &expected,
    );
}

#[test]
fn critical_infrastructure_adds_vans_and_governance() {
    let rs = RuleSet::shipped().expect("load");
    let np = rs
        .obligations(
            OrgKind::NonPublic,
            Level::B,
            date!(2022 - 01 - 10),
            date!(2022 - 02 - 01),
            &[],
        )
        .expect("np");
    let ci = rs
        .obligations(
            OrgKind::CriticalInfrastructure,
            Level::B,
            date!(2022 - 01 - 10),
            date!(2022 - 02 - 01),
            &[],
        )
        .expect("ci");
    let extra: Vec<&str> = ci
        .iter()
        .filter(|o| !np.iter().any(|n| n.id == o.id))
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(extra, vec!["T4.governance-maturity", "T4.vans"]);
}

// VANS was added by the 2021 amendment: an agency assigned before it runs from 2021-08-23 (NICS
// VANS FAQ transitional rule, §1.4.2): A/B within 1 yr, C within 2 yr.
#[test]
fn vans_transitional_rule() {
    let rs = RuleSet::shipped().expect("load");
    for (level, due) in [
        (Level::A, date!(2022 - 08 - 23)),
        (Level::C, date!(2023 - 08 - 23)),
    ] {
        let o = rs
            .obligations(
                OrgKind::Public,
                level,
                date!(2020 - 01 - 15),
                date!(2022 - 01 - 01),
                &[],
            )
            .expect("ok");
        let vans = o.iter().find(|o| o.item == "vans").expect("vans");
        assert_eq!(vans.first_due, Some(due), "{level}");
        // an item that predates 2021 keeps the assignment anchor
        let staff = o
            .iter()
            .find(|o| o.item == "security-staff")
            .expect("staff");
        assert_eq!(staff.first_due, Some(date!(2021 - 01 - 15)));
    }
}

// 2026 transition: level assigned under 2021 rules, evaluated under 2026 rules.
#[test]
fn transition_keeps_later_deadline() {
    let rs = RuleSet::shipped().expect("load");
    // A public assigned 2025-06-01: EDR 2021 → 2027-06-01, 2026 (1 yr) → 2026-06-01: the later holds.
    let a = rs
        .obligations(
            OrgKind::Public,
            Level::A,
            date!(2025 - 06 - 01),
            date!(2026 - 02 - 01),
            &[],
        )
        .expect("a");
    let edr = a.iter().find(|o| o.item == "edr").expect("edr");
    assert_eq!(edr.first_due, Some(date!(2027 - 06 - 01)));
    assert_eq!(edr.deadline_version, "2021-08-23");
    assert_eq!(edr.rules_version, "2026-01-05");
    // C public assigned 2025-06-01: grading 2021 (1 yr) → 2026-06-01, 2026 (2 yr) → 2027-06-01.
    let c = rs
        .obligations(
            OrgKind::Public,
            Level::C,
            date!(2025 - 06 - 01),
            date!(2026 - 02 - 01),
            &[],
        )
        .expect("c");
    let g = c
        .iter()
        .find(|o| o.item == "system-grading")
        .expect("grading");
    assert_eq!(g.first_due, Some(date!(2027 - 06 - 01)));
    assert_eq!(g.deadline_version, "2026-01-05");
    // Level review 2 → 3 years: 2028-06-01.
    let r = c.iter().find(|o| o.item == "level-review").expect("review");
    assert_eq!(r.first_due, Some(date!(2028 - 06 - 01)));
}

#[test]
fn due_dates_over_years() {
    let rs = RuleSet::shipped().expect("load");
    let o = rs
        .obligations(
            OrgKind::Public,
            Level::A,
            date!(2022 - 03 - 15),
            date!(2023 - 06 - 01),
            &[],
        )
        .expect("ok");
    let get = |item: &str| o.iter().find(|x| x.item == item).expect("item");
    let (from, to) = (date!(2023 - 01 - 01), date!(2024 - 12 - 31));
    assert_eq!(
        get("internal-audit").due_dates(from, to),
        vec![
            date!(2023 - 06 - 30),
            date!(2023 - 12 - 31),
            date!(2024 - 06 - 30),
            date!(2024 - 12 - 31)
        ]
    );
    assert_eq!(
        get("penetration-test").due_dates(from, to),
        vec![date!(2023 - 12 - 31), date!(2024 - 12 - 31)]
    );
    assert_eq!(
        get("training-it-professional").due_dates(from, to),
        vec![date!(2023 - 12 - 31)]
    );
    assert_eq!(
        get("system-grading").due_dates(from, to),
        vec![date!(2023 - 03 - 15), date!(2024 - 03 - 15)]
    );
    assert_eq!(
        get("isms-adoption").due_dates(from, to),
        vec![date!(2024 - 03 - 15)]
    );
    assert!(get("isms-certification").due_dates(from, to).is_empty());
    assert_eq!(
        get("internal-audit").next_due(date!(2023 - 07 - 01)),
        Some(date!(2023 - 12 - 31))
    );
}

#[test]
fn d_and_e_levels() {
    let rs = RuleSet::shipped().expect("load");
    let d = rs
        .obligations(
            OrgKind::NonPublic,
            Level::D,
            date!(2022 - 01 - 01),
            date!(2022 - 01 - 01),
            &[],
        )
        .expect("d");
    let ids: Vec<&str> = d.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "T7.protection-antivirus",
            "T7.protection-firewall",
            "T7.protection-mail-filter",
            "T7.training-users",
            "ART3.level-review.non-public"
        ]
    );
    let e = rs
        .obligations(
            OrgKind::NonPublic,
            Level::E,
            date!(2022 - 01 - 01),
            date!(2022 - 01 - 01),
            &[],
        )
        .expect("e");
    let ids: Vec<&str> = e.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["T8.training-users", "ART3.level-review.non-public"]
    );
}

#[test]
fn level_change_lists_differences() {
    let rs = RuleSet::shipped().expect("load");
    let ch = rs
        .level_change(OrgKind::Public, Level::B, Level::A, date!(2024 - 01 - 01))
        .expect("ok");
    assert_eq!(ch.added, vec!["protection-apt"]);
    assert!(ch.removed.is_empty());
    assert_eq!(
        ch.changed,
        vec![
            "security-staff",
            "internal-audit",
            "bcp-drill",
            "web-vuln-scan",
            "penetration-test",
            "health-check"
        ]
    );
    let down = rs
        .level_change(OrgKind::Public, Level::B, Level::C, date!(2024 - 01 - 01))
        .expect("ok");
    assert!(down.added.is_empty());
    assert_eq!(
        down.removed,
        vec![
            "isms-certification",
            "governance-maturity",
            "soc",
            "gcb",
            "edr",
            "protection-ids-ips",
            "protection-waf"
        ]
    );
}

#[test]
fn dates_outside_data_and_inverted_are_errors() {
    let rs = RuleSet::shipped().expect("load");
    let e = rs
        .obligations(
            OrgKind::Public,
            Level::A,
            date!(2019 - 01 - 01),
            date!(2020 - 01 - 01),
            &[],
        )
        .expect_err("no data before 2021");
    assert_eq!(
        e.to_string(),
        "no rule version is in force on 2020-01-01: the rule data starts on 2021-08-23"
    );
    let e = rs
        .obligations(
            OrgKind::Public,
            Level::A,
            date!(2024 - 01 - 02),
            date!(2024 - 01 - 01),
            &[],
        )
        .expect_err("assigned after on");
    assert!(e.is_usage_error());
}
