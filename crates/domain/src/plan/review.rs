//! Checks of a plan before it is submitted: what is missing or inconsistent
//! (blocking or a warning), and how its staffing, certificates, training and
//! audit frequency compare with what the responsibility level requires.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use zian_i18n::{Msg, msg};

use super::content::PlanContent;

/// How serious a finding is: blocking findings prevent submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Blocking,
    Warning,
}

/// One finding (its message is `plan.finding.*` in the catalogue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub chapter: &'static str,
    pub severity: Severity,
    pub message: Msg,
}

fn finding(chapter: &'static str, severity: Severity, message: Msg) -> Finding {
    Finding {
        chapter,
        severity,
        message,
    }
}

fn name(row: &Value) -> &str {
    row.get("name").and_then(Value::as_str).unwrap_or("")
}

/// Completeness and consistency of the plan's own content.
pub fn check(c: &PlanContent) -> Vec<Finding> {
    use Severity::{Blocking, Warning};
    let mut out = Vec::new();
    // the essentials: without them the plan cannot be submitted
    let essentials = [
        (
            "basis",
            c.lines("basis", "laws").is_empty(),
            "plan.finding.basis_laws",
        ),
        (
            "scope",
            c.text("scope", "text").is_empty(),
            "plan.finding.scope",
        ),
        (
            "policy",
            c.lines("policy", "statements").is_empty(),
            "plan.finding.policy",
        ),
        (
            "organisation",
            c.text("organisation", "ciso_name").is_empty(),
            "plan.finding.ciso",
        ),
        (
            "organisation",
            c.rows("organisation", "groups").is_empty(),
            "plan.finding.groups",
        ),
        (
            "report",
            c.int("report", "month").is_none(),
            "plan.finding.report_month",
        ),
    ];
    for (chapter, missing, key) in essentials {
        if missing {
            out.push(finding(chapter, Blocking, Msg::new(key)));
        }
    }
    for row in c.rows("business", "core") {
        if row.get("mtd_hours").is_none_or(Value::is_null) {
            out.push(finding(
                "business",
                Blocking,
                msg!("plan.finding.core_business_mtd", name = name(row)),
            ));
        }
        if row
            .get("systems")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        {
            out.push(finding(
                "business",
                Warning,
                msg!("plan.finding.core_business_no_system", name = name(row)),
            ));
        }
    }
    for row in c.rows("business", "non_core") {
        if row.get("mtd_hours").is_none_or(Value::is_null) {
            out.push(finding(
                "business",
                Blocking,
                msg!("plan.finding.non_core_mtd", name = name(row)),
            ));
        }
    }
    if c.rows("business", "non_core").is_empty() {
        out.push(finding(
            "business",
            Warning,
            msg!("plan.finding.no_non_core"),
        ));
    }
    for row in c.rows("risk", "core_systems") {
        if row.get("mtd_hours").is_none_or(Value::is_null) {
            out.push(finding(
                "risk",
                Blocking,
                msg!("plan.finding.core_system_mtd", name = name(row)),
            ));
        }
    }
    // core systems named by the business table and listed in 捌.二 agree
    let listed: Vec<&str> = c.rows("risk", "core_systems").iter().map(name).collect();
    for b in c.rows("business", "core") {
        let b_mtd = b.get("mtd_hours").and_then(Value::as_i64);
        for s in b
            .get("systems")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let s = s.as_str().unwrap_or("");
            match c.rows("risk", "core_systems").iter().find(|r| name(r) == s) {
                None => out.push(finding(
                    "risk",
                    Warning,
                    msg!("plan.finding.core_system_unlisted", name = s),
                )),
                Some(r) => {
                    if let (Some(sys), Some(bus)) =
                        (r.get("mtd_hours").and_then(Value::as_i64), b_mtd)
                        && sys > bus
                    {
                        out.push(finding(
                            "risk",
                            Warning,
                            msg!(
                                "plan.finding.core_system_mtd_longer",
                                name = s,
                                hours = sys,
                                business = name(b),
                                business_hours = bus
                            ),
                        ));
                    }
                }
            }
        }
    }
    let named: Vec<&str> = c
        .rows("business", "core")
        .iter()
        .flat_map(|b| {
            b.get("systems")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(Value::as_str)
        .collect();
    for s in listed.iter().filter(|s| !named.contains(s)) {
        out.push(finding(
            "business",
            Warning,
            msg!("plan.finding.core_system_no_business", name = s),
        ));
    }
    if c.rows("policy", "quantitative").is_empty() {
        out.push(finding(
            "policy",
            Warning,
            msg!("plan.finding.no_quantitative"),
        ));
    }
    for row in c.rows("policy", "quantitative") {
        let kpi = row.get("kpi").and_then(Value::as_str).unwrap_or("");
        let has_target = row.get("target").is_some_and(|v| !v.is_null());
        let cmp = row.get("comparator").and_then(Value::as_str).unwrap_or("");
        if !kpi.is_empty() && (!has_target || cmp.is_empty()) {
            out.push(finding(
                "policy",
                Blocking,
                msg!("plan.finding.kpi_needs_target", name = name(row)),
            ));
        }
    }
    let groups: Vec<&str> = c.rows("organisation", "groups").iter().map(name).collect();
    for m in c.rows("organisation", "members") {
        let g = m.get("group").and_then(Value::as_str).unwrap_or("");
        if !g.is_empty() && !groups.contains(&g) {
            out.push(finding(
                "organisation",
                Blocking,
                msg!(
                    "plan.finding.member_group_undefined",
                    name = name(m),
                    group = g
                ),
            ));
        }
        if m.get("deputy")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            out.push(finding(
                "organisation",
                Warning,
                msg!("plan.finding.member_no_deputy", name = name(m)),
            ));
        }
    }
    if c.rows("staffing", "staff").is_empty() {
        out.push(finding("staffing", Warning, msg!("plan.finding.no_staff")));
    }
    if c.int("improvement", "audits_per_year").unwrap_or(0) < 1 {
        out.push(finding(
            "improvement",
            Warning,
            msg!("plan.finding.audits_yearly"),
        ));
    }
    out
}

/// What the responsibility level requires, from the rules in force
/// (附表一–八); `None` where the level sets nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LevelRequirements {
    /// 資通安全專職人員 (persons).
    pub security_staff: Option<i64>,
    /// Professional certificates per dedicated staff member.
    pub professional_certificates_per_person: Option<i64>,
    /// Functional-training certificates per dedicated staff member.
    pub functional_certificates_per_person: Option<i64>,
    /// Professional training hours per security staff member per year.
    pub security_training_hours: Option<i64>,
    /// General training hours per user per year.
    pub general_training_hours: Option<i64>,
    /// Internal audits per year (0.5 = every two years).
    pub internal_audits_per_year: Option<f64>,
}

/// One comparison of the plan with the level (its label is
/// `plan.requirement.<item>` in the catalogue).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequirementCheck {
    pub item: &'static str,
    pub required: f64,
    /// What the plan provides (`None` when the plan leaves it empty).
    pub planned: Option<f64>,
    pub met: bool,
}

impl RequirementCheck {
    pub fn label(&self) -> Msg {
        Msg::new(format!("plan.requirement.{}", self.item))
    }
}

/// The plan's staffing, certificates, training and audits against the level.
pub fn requirement_checks(c: &PlanContent, req: &LevelRequirements) -> Vec<RequirementCheck> {
    let staff = c.rows("staffing", "staff");
    let full_time = staff
        .iter()
        .filter(|r| r.get("full_time").and_then(Value::as_bool).unwrap_or(false))
        .count() as f64;
    let sum = |col: &str| -> f64 {
        staff
            .iter()
            .filter_map(|r| r.get(col).and_then(Value::as_i64))
            .sum::<i64>() as f64
    };
    let mut out = Vec::new();
    let mut push = |item, required: Option<f64>, planned: Option<f64>| {
        if let Some(required) = required {
            out.push(RequirementCheck {
                item,
                required,
                planned,
                met: planned.is_some_and(|p| p >= required),
            });
        }
    };
    let staff_required = req.security_staff.map(|n| n as f64);
    push("security-staff", staff_required, Some(full_time));
    // certificates are held "in total" by the dedicated staff the level requires
    let heads = staff_required.unwrap_or(full_time).max(1.0);
    push(
        "certificate-professional",
        req.professional_certificates_per_person
            .map(|n| n as f64 * heads),
        Some(sum("professional_certificates")),
    );
    push(
        "certificate-functional",
        req.functional_certificates_per_person
            .map(|n| n as f64 * heads),
        Some(sum("functional_certificates")),
    );
    push(
        "training-security-staff",
        req.security_training_hours.map(|n| n as f64),
        c.int("training", "security_staff_hours").map(|n| n as f64),
    );
    push(
        "training-users",
        req.general_training_hours.map(|n| n as f64),
        c.int("training", "general_hours").map(|n| n as f64),
    );
    push(
        "internal-audit",
        req.internal_audits_per_year,
        c.int("improvement", "audits_per_year").map(|n| n as f64),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::content::normalise;
    use crate::plan::template::template;
    use serde_json::json;

    #[test]
    fn an_empty_plan_is_blocked_on_the_essentials() {
        let f = check(&PlanContent::empty());
        let blocking: Vec<_> = f
            .iter()
            .filter(|f| f.severity == Severity::Blocking)
            .map(|f| f.chapter)
            .collect();
        assert_eq!(
            blocking,
            vec![
                "basis",
                "scope",
                "policy",
                "organisation",
                "organisation",
                "report"
            ]
        );
    }

    #[test]
    fn the_template_needs_only_the_agency_specific_parts() {
        let t = template("高雄市政府衛生局", "C");
        let blocking: Vec<_> = check(&t)
            .into_iter()
            .filter(|f| f.severity == Severity::Blocking)
            .collect();
        // the CISO's name, the report month and the downtime of the
        // template's three support functions are the agency's to fill in
        let chapters: Vec<_> = blocking.iter().map(|f| f.chapter).collect();
        assert_eq!(
            chapters,
            vec!["organisation", "report", "business", "business", "business"],
            "{blocking:#?}"
        );
    }

    #[test]
    fn downtime_and_core_system_consistency() {
        let c = normalise(&json!({
            "business": {"core": [{"name": "戶政", "systems": ["戶役政系統", "門牌系統"], "mtd_hours": 4}],
                         "non_core": [{"name": "差勤服務"}]},
            "risk": {"core_systems": [
                {"name": "戶役政系統", "mtd_hours": 8},
                {"name": "公文系統", "mtd_hours": 24}
            ]}
        }))
        .unwrap();
        let f = check(&c);
        let msgs: Vec<String> = f
            .iter()
            .map(|f| f.message.render(zian_i18n::Lang::En))
            .collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("\"差勤服務\" needs a maximum tolerable downtime"))
        );
        assert!(msgs.iter().any(|m| m.contains("\"門牌系統\" is missing")));
        assert!(
            msgs.iter()
                .any(|m| m.contains("tolerates 8 h") && m.contains("4 h"))
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("\"公文系統\" supports no listed core business"))
        );
    }

    #[test]
    fn members_must_belong_to_defined_groups_and_kpi_objectives_need_targets() {
        let c = normalise(&json!({
            "organisation": {"groups": [{"name": "策略規劃組"}],
                             "members": [{"name": "王小明", "group": "資安防護組", "deputy": "李大華"}]},
            "policy": {"quantitative": [{"name": "郵件開啟率低於 5%", "kpi": "phishing_open_rate"}]}
        }))
        .unwrap();
        let f = check(&c);
        assert!(
            f.iter().any(|f| f.severity == Severity::Blocking
                && f.message.to_string().contains("資安防護組"))
        );
        assert!(
            f.iter().any(|f| f.severity == Severity::Blocking
                && f.message.to_string().contains("郵件開啟率"))
        );
    }

    #[test]
    fn staffing_is_compared_with_the_level() {
        let c = normalise(&json!({
            "staffing": {"staff": [
                {"name": "甲", "full_time": true, "professional_certificates": 1, "functional_certificates": 2},
                {"name": "乙", "full_time": false, "professional_certificates": 1}
            ]},
            "training": {"security_staff_hours": 12, "general_hours": 2},
            "improvement": {"audits_per_year": 1}
        }))
        .unwrap();
        let req = LevelRequirements {
            security_staff: Some(2),
            professional_certificates_per_person: Some(1),
            functional_certificates_per_person: Some(1),
            security_training_hours: Some(12),
            general_training_hours: Some(3),
            internal_audits_per_year: Some(0.5),
        };
        let r = requirement_checks(&c, &req);
        let get = |i: &str| r.iter().find(|x| x.item == i).unwrap();
        assert!(!get("security-staff").met);
        assert_eq!(get("security-staff").planned, Some(1.0));
        assert_eq!(get("certificate-professional").required, 2.0);
        assert!(get("certificate-professional").met);
        assert!(get("certificate-functional").met);
        assert!(get("training-security-staff").met);
        assert!(!get("training-users").met);
        assert!(get("internal-audit").met);
        // nothing required, nothing checked
        assert!(requirement_checks(&c, &LevelRequirements::default()).is_empty());
        // every item has its label in the catalogues
        for x in &r {
            assert!(zian_i18n::catalogue().has(x.label().key()), "{}", x.item);
        }
    }
}
