//! Reminders before due dates: obligations overdue or coming due, the
//! maintenance plan's yearly review, systems due for re-grading and risk
//! treatments past or near their date, vendor staff's agreements due to be
//! re-signed, certificates on the training roster about to expire, people
//! forms waiting for a signature for more than a week, threat notices not
//! answered to the end — each with the people
//! to remind (the
//! security officers and CISOs nearest to the organisation). The web layer
//! lists them for the caller; `zian reminders` prints the whole tree's for a
//! mail job.

use serde::Serialize;
use time::Date;
use zian_domain::day::ymd;
use zian_domain::user::RoleHolder;
use zian_domain::{OrgId, Organisation, Permission, Principal, Role};
use zian_i18n::{Msg, msg};

use crate::{App, Result};

/// Roles reminded about an organisation's deadlines.
pub const REMINDED_ROLES: [Role; 2] = [Role::SecurityOfficer, Role::Ciso];

/// Days a people form may wait for its next signature before a reminder
/// is due.
pub const PEOPLE_FORM_DAYS: i64 = 7;

/// Longest look-ahead accepted, in days.
pub const MAX_WITHIN_DAYS: i64 = 366;

/// One person to remind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: String,
}

/// One reminder.
#[derive(Debug, Clone)]
pub struct Reminder {
    pub org_id: OrgId,
    pub org_name: String,
    /// `obligation`, `plan_review`, `system_review`, `risk_treatment`,
    /// `vendor_agreement`, `certificate`, `people_form`,
    /// `maturity_report` or `threat_notice`.
    pub kind: &'static str,
    pub title: Msg,
    pub due: Date,
    pub overdue: bool,
    /// Where to act (a page path).
    pub link: String,
    pub recipients: Vec<Recipient>,
}

/// The holders nearest to `path`: those at the organisation itself, else at
/// the closest ancestor that has any.
fn nearest<'a>(holders: &'a [RoleHolder], path: &str) -> Vec<&'a RoleHolder> {
    let mut best: Option<usize> = None;
    for h in holders
        .iter()
        .filter(|h| path.starts_with(h.org_path.as_str()))
    {
        best = Some(best.map_or(h.org_path.len(), |b| b.max(h.org_path.len())));
    }
    match best {
        Some(len) => holders
            .iter()
            .filter(|h| h.org_path.len() == len && path.starts_with(h.org_path.as_str()))
            .collect(),
        None => Vec::new(),
    }
}

impl App {
    /// Reminders for the organisations in the caller's record scope, due
    /// within `within_days` (1–366) or overdue; the most urgent first.
    pub async fn reminders(&self, p: &Principal, within_days: i64) -> Result<Vec<Reminder>> {
        if !(1..=MAX_WITHIN_DAYS).contains(&within_days) {
            return Err(crate::AppError::invalid(
                "within_days",
                msg!("reason.range", min = 1, max = MAX_WITHIN_DAYS),
            ));
        }
        let scope = p.scope(Permission::RecordRead);
        let today = self.today();
        let horizon = today.saturating_add(time::Duration::days(within_days));
        // who to remind: only shown to callers who may see users
        let holders = self
            .stores
            .people
            .role_holders(&p.scope(Permission::UserRead), &REMINDED_ROLES)
            .await?;
        let mut out = Vec::new();
        let mut push = |org: &Organisation, kind, title: Msg, due: Date, link: String| {
            if due > horizon {
                return;
            }
            out.push(Reminder {
                org_id: org.id.clone(),
                org_name: org.name_zh.clone(),
                kind,
                title,
                due,
                overdue: due < today,
                link,
                recipients: nearest(&holders, &org.path)
                    .into_iter()
                    .map(|h| Recipient {
                        username: h.username.clone(),
                        display_name: h.display_name.clone(),
                        email: h.email.clone(),
                        role: h.role.as_str().to_string(),
                    })
                    .collect(),
            });
        };
        // obligations (附表一–八)
        let mut orgs = std::collections::BTreeMap::new();
        for row in self.compliance_rollup(p).await? {
            for v in row.behind.iter().chain(&row.upcoming) {
                let Some(due) = v.due else { continue };
                push(
                    &row.org,
                    "obligation",
                    msg!("reminders.subject.obligation").arg_both(
                        "title",
                        v.obligation.title_zh.clone(),
                        v.obligation.title_en.clone(),
                    ),
                    due,
                    format!("/orgs/{}/compliance", row.org.id),
                );
            }
            orgs.insert(row.org.id.clone(), row.org);
        }
        // the plan's yearly review
        for r in self.plan_rollup(p).await? {
            let (Some(org), Some(due)) = (orgs.get(&r.org_id), r.review_due) else {
                continue;
            };
            push(
                org,
                "plan_review",
                msg!("reminders.subject.plan_review"),
                due,
                format!("/orgs/{}/plan", r.org_id),
            );
        }
        // systems due for re-grading; risk treatments
        for s in self.stores.systems.all(&scope, None, false).await? {
            let (Some(org), Some(due)) = (orgs.get(&s.org_id), s.review_due) else {
                continue;
            };
            push(
                org,
                "system_review",
                msg!("reminders.subject.system_review", name = &s.name),
                due,
                format!("/systems/{}", s.id),
            );
        }
        for r in self.stores.risk.treatments_due(&scope, horizon).await? {
            let (Some(org), Some(due)) = (orgs.get(&r.org_id), r.due_on) else {
                continue;
            };
            push(
                org,
                "risk_treatment",
                msg!("reminders.subject.risk_treatment", asset = &r.asset),
                due,
                format!("/orgs/{}/risks", r.org_id),
            );
        }
        // vendor staff's confidentiality agreements, re-signed yearly
        for v in self.all_vendors(p).await? {
            let Some(org) = orgs.get(&v.org_id) else {
                continue;
            };
            for s in v.current_staff() {
                let due = match s.agreements_due() {
                    zian_domain::vendors::Signing::Unsigned => today,
                    zian_domain::vendors::Signing::Due(d) => d,
                    zian_domain::vendors::Signing::NotNeeded => continue,
                };
                push(
                    org,
                    "vendor_agreement",
                    msg!(
                        "reminders.subject.vendor_agreement",
                        name = &s.name,
                        vendor = &v.name
                    ),
                    due,
                    format!("/vendors/{}", v.id),
                );
            }
        }
        // certificates on the latest training roster, expiring within the
        // horizon (expired ones stay until renewed or removed)
        let year = today.year();
        let mut latest: std::collections::BTreeMap<OrgId, zian_domain::training::TrainingPlan> =
            Default::default();
        for plan in self
            .stores
            .training
            .training_plans(&scope, None, year - 1, year)
            .await?
        {
            if latest.get(&plan.org_id).is_none_or(|l| l.year < plan.year) {
                latest.insert(plan.org_id.clone(), plan);
            }
        }
        for plan in latest.values() {
            let Some(org) = orgs.get(&plan.org_id) else {
                continue;
            };
            for person in &plan.body.roster {
                for c in &person.certificates {
                    let Some(due) = c.expires_on else { continue };
                    push(
                        org,
                        "certificate",
                        msg!(
                            "reminders.subject.certificate",
                            person = &person.name,
                            name = &c.name
                        ),
                        due,
                        format!("/orgs/{}/training", plan.org_id),
                    );
                }
            }
        }
        // people forms waiting for their next signature for over a week
        for f in self.stores.people_forms.forms(&scope, "", None).await? {
            let (Some(org), Some(step)) = (orgs.get(&f.org_id), f.next_step()) else {
                continue;
            };
            let since = f
                .signoffs
                .last()
                .map_or_else(|| zian_domain::day::of_unix(f.created_at), |s| s.on);
            push(
                org,
                "people_form",
                msg!("reminders.subject.people_form", number = &f.number).arg_msg(
                    "step",
                    Msg::new(format!("people_forms.step.{}", step.as_str())),
                ),
                since.saturating_add(time::Duration::days(PEOPLE_FORM_DAYS)),
                format!("/people-forms/{}", f.id),
            );
        }
        // the L1-L5 monthly report: last month's and this month's, due a
        // few days into the next month, until published
        let this = zian_domain::maturity::Month::of(self.now());
        for x in self.stores.maturity.programmes(&scope, None).await? {
            let Some(org) = orgs.get(&x.org_id) else {
                continue;
            };
            let reports = self.stores.maturity.reports(&scope, &x.id).await?;
            for m in [this.prev(), this] {
                if !(1..=i32::from(x.months)).contains(&x.index(m)) {
                    continue;
                }
                let report = reports.iter().find(|r| r.month == m);
                if report
                    .is_some_and(|r| r.status == zian_domain::maturity::ReportStatus::Published)
                {
                    continue;
                }
                let due = zian_domain::day::of_unix(m.end() - 1)
                    .saturating_add(time::Duration::days(crate::maturity::LATE_DAYS));
                push(
                    org,
                    "maturity_report",
                    msg!("reminders.subject.maturity_report", month = m.to_string()),
                    due,
                    report.map_or_else(
                        || format!("/orgs/{}/maturity", x.org_id),
                        |r| format!("/maturity-reports/{}", r.id),
                    ),
                );
            }
        }
        // threat notices not answered to the end, due on the notice's
        // deadline
        for (n, r) in self.stores.threat_notices.unfinished(&scope).await? {
            let Some(org) = orgs.get(&r.org_id) else {
                continue;
            };
            push(
                org,
                "threat_notice",
                msg!(
                    "reminders.subject.threat_notice",
                    title = &n.title,
                    issuer = &n.body.issuer
                ),
                n.due_on,
                format!("/threat-notices/{}", n.id),
            );
        }
        out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.org_name.cmp(&b.org_name)));
        Ok(out)
    }
}

/// A reminder as one line of text (for the CLI's plain output).
pub fn line(r: &Reminder) -> String {
    let to: Vec<String> = r
        .recipients
        .iter()
        .map(|x| format!("{} <{}>", x.display_name, x.email))
        .collect();
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}",
        ymd(r.due),
        if r.overdue {
            msg!("reminders.overdue")
        } else {
            msg!("reminders.due_soon")
        },
        r.org_name,
        r.title,
        r.link,
        to.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(path: &str, name: &str) -> RoleHolder {
        RoleHolder {
            user_id: name.into(),
            username: name.into(),
            display_name: name.into(),
            email: format!("{name}@example.gov.tw"),
            role: Role::SecurityOfficer,
            org_id: path.into(),
            org_path: path.into(),
        }
    }

    #[test]
    fn nearest_holders_win() {
        let hs = vec![
            h("/a/", "top"),
            h("/a/b/", "mid1"),
            h("/a/b/", "mid2"),
            h("/a/x/", "other"),
        ];
        let names = |p: &str| {
            nearest(&hs, p)
                .iter()
                .map(|h| h.username.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("/a/b/c/"), vec!["mid1", "mid2"]);
        assert_eq!(names("/a/b/"), vec!["mid1", "mid2"]);
        assert_eq!(names("/a/y/"), vec!["top"]);
        assert!(names("/z/").is_empty());
    }
}
