//! Security audits (資通安全稽核): an organisation's internal audit, a
//! supervising organisation's audit of a subordinate (the 2026 layered
//! model) and an audit of a vendor, each planned with the contents seed 003
//! asks of an audit plan, carried out against a checklist, reported with
//! its findings and closed when their corrective actions are done.
//!
//! Not to be confused with [`crate::audit`], the tamper-evident log of
//! every change.
//!
//! The rules enforced here: every auditor is trained and does not audit
//! their own unit (seed 003 L783); each auditor has at least one item
//! (L785); the auditees are notified at least the plan's notice days before
//! it starts (L782); a supervisory audit has a team of at least three with
//! at least a quarter from public agencies, each member having declared
//! their independence, and every recusal is recorded with its reason
//! (稽核辦法 art. 6).

use serde::{Deserialize, Serialize};
use time::Date;
use zian_i18n::msg;

use crate::error::DomainError;
use crate::{AuditId, OrgId, UserId};

/// Who audits whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    /// The organisation audits itself (內部資通安全稽核).
    Internal,
    /// A supervising organisation audits a subordinate (分層稽核).
    Supervisory,
    /// The organisation audits a vendor (委外廠商查核).
    Vendor,
}

impl AuditKind {
    pub const ALL: [AuditKind; 3] = [
        AuditKind::Internal,
        AuditKind::Supervisory,
        AuditKind::Vendor,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Internal => "internal",
            AuditKind::Supervisory => "supervisory",
            AuditKind::Vendor => "vendor",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "kind", s.trim())
    }
}

/// Where an audit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditStatus {
    /// Being planned: the plan, team and items may change.
    Planned,
    /// The auditees were notified; the items are being answered.
    Notified,
    /// Reported with its findings; their corrective actions are open.
    Reported,
    /// Every corrective action is done and reviewed.
    Closed,
}

impl AuditStatus {
    pub const ALL: [AuditStatus; 4] = [
        AuditStatus::Planned,
        AuditStatus::Notified,
        AuditStatus::Reported,
        AuditStatus::Closed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AuditStatus::Planned => "planned",
            AuditStatus::Notified => "notified",
            AuditStatus::Reported => "reported",
            AuditStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "status", s.trim())
    }
}

/// An item's result (查核結果).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// 符合
    Conforms,
    /// 不符合: a finding.
    Nonconforms,
    /// 不適用
    NotApplicable,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Conforms, Answer::Nonconforms, Answer::NotApplicable];
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Conforms => "conforms",
            Answer::Nonconforms => "nonconforms",
            Answer::NotApplicable => "not_applicable",
        }
    }
    /// The form's wording.
    pub fn zh(self) -> &'static str {
        match self {
            Answer::Conforms => "符合",
            Answer::Nonconforms => "不符合",
            Answer::NotApplicable => "不適用",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "answer", s.trim())
    }
}

/// A member of the audit team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auditor {
    pub name: String,
    /// The auditor's own unit (an auditor may not audit it).
    pub unit: String,
    /// The day the auditor completed audit training or obtained an audit
    /// certificate (none: untrained, refused).
    pub trained_on: Option<Date>,
    /// Leads the team.
    #[serde(default)]
    pub lead: bool,
    /// A representative of a public agency (supervisory audits: at least a
    /// quarter of the team).
    #[serde(default)]
    pub public_rep: bool,
    /// Signed the conflict-of-interest and confidentiality declaration
    /// (稽核委員聘任同意暨保密切結書).
    #[serde(default)]
    pub declared: bool,
}

/// Why a person did not join the team (稽核辦法 art. 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecusalReason {
    /// A relative within the third degree works at the auditee.
    Relative,
    /// Employed by or under contract with the auditee in the past two years.
    Employment,
    /// Consulted on the audited items in the past two years.
    Consultancy,
    Other,
}

impl RecusalReason {
    pub const ALL: [RecusalReason; 4] = [
        RecusalReason::Relative,
        RecusalReason::Employment,
        RecusalReason::Consultancy,
        RecusalReason::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RecusalReason::Relative => "relative",
            RecusalReason::Employment => "employment",
            RecusalReason::Consultancy => "consultancy",
            RecusalReason::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "recusals", s.trim())
    }
}

/// A recusal: who stood aside and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recusal {
    pub name: String,
    pub reason: RecusalReason,
    pub note: String,
}

/// One checklist question of the audit, assigned to an auditor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditItem {
    /// The item's number as the checklist prints it (1.1, 5.26, A.3-2 …).
    pub no: String,
    /// The checklist section (查核項目).
    pub section: String,
    /// The question (查核內容).
    pub question: String,
    /// The auditor who checks it (a team member's name).
    pub auditor: String,
    pub answer: Option<Answer>,
    /// The explanation (說明): what was seen, or the defect.
    #[serde(default)]
    pub note: String,
}

/// The audit's plan and working record, kept as its JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditBody {
    /// 依據與目的
    pub basis: String,
    /// 重點領域 (the areas audited).
    pub focus: String,
    /// 稽核方式
    pub method: String,
    /// 稽核基準
    pub criteria: String,
    /// 保密義務
    pub secrecy: String,
    /// What the auditee provides (受稽核單位配合事項).
    pub auditee_support: String,
    /// The previous audit's results, filled from it when there is one.
    pub previous_results: String,
    /// The units audited (an auditor may not belong to one of them).
    pub auditee_units: Vec<String>,
    /// The vendor audited (vendor audits).
    pub vendor: String,
    /// The checklist the items came from (`vendor-001`, `baseline`, `custom`).
    pub checklist: String,
    pub team: Vec<Auditor>,
    pub recusals: Vec<Recusal>,
    pub items: Vec<AuditItem>,
    /// The report's conclusion (稽核結論).
    pub conclusion: String,
}

/// An audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    pub id: AuditId,
    /// The organisation audited (for a vendor audit: the one whose vendor it is).
    pub org_id: OrgId,
    /// The organisation that runs it: the audited one, or its supervisor.
    pub run_by: OrgId,
    pub kind: AuditKind,
    pub title: String,
    #[serde(with = "crate::day::serde_ymd")]
    pub starts_on: Date,
    #[serde(with = "crate::day::serde_ymd")]
    pub ends_on: Date,
    /// Days before the start the auditees are notified at the latest.
    pub notice_days: u32,
    pub status: AuditStatus,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub notified_on: Option<Date>,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub reported_on: Option<Date>,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub closed_on: Option<Date>,
    pub body: AuditBody,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Team members a supervisory audit has at least (稽核辦法 art. 6).
pub const SUPERVISORY_MIN_TEAM: usize = 3;
/// Days an auditee is notified before the audit by default (seed 003: "N
/// days"; the audit regulation gives a month for supervisory audits).
pub const DEFAULT_NOTICE_DAYS: u32 = 14;
/// Days of notice a supervisory audit gives at least (稽核辦法 art. 4).
pub const SUPERVISORY_NOTICE_DAYS: u32 = 30;

fn invalid(field: &'static str, reason: zian_i18n::Msg) -> DomainError {
    DomainError::Invalid { field, reason }
}

impl Audit {
    /// Whether the plan (its dates, team and items) may still change.
    pub fn editable(&self) -> bool {
        self.status == AuditStatus::Planned
    }

    /// Checks the plan: its dates, and the team against the rules of its
    /// kind (trained, independent of the audited units, big and public
    /// enough for a supervisory audit).
    pub fn check_plan(&self) -> Result<(), DomainError> {
        if self.ends_on < self.starts_on {
            return Err(invalid("ends_on", msg!("reason.audits.ends_before_start")));
        }
        if self.kind == AuditKind::Supervisory && self.notice_days < SUPERVISORY_NOTICE_DAYS {
            return Err(invalid(
                "notice_days",
                msg!(
                    "reason.audits.notice_too_short",
                    days = SUPERVISORY_NOTICE_DAYS
                ),
            ));
        }
        let team = &self.body.team;
        if team.is_empty() {
            return Err(invalid("team", msg!("reason.audits.no_team")));
        }
        let mut names = std::collections::BTreeSet::new();
        for a in team {
            if !names.insert(a.name.as_str()) {
                return Err(invalid(
                    "team",
                    msg!("reason.audits.auditor_twice", name = a.name.as_str()),
                ));
            }
            match a.trained_on {
                None => {
                    return Err(invalid(
                        "team",
                        msg!("reason.audits.untrained", name = a.name.as_str()),
                    ));
                }
                Some(d) if d > self.starts_on => {
                    return Err(invalid(
                        "team",
                        msg!("reason.audits.trained_late", name = a.name.as_str()),
                    ));
                }
                Some(_) => {}
            }
            if self.kind != AuditKind::Vendor
                && self
                    .body
                    .auditee_units
                    .iter()
                    .any(|u| same_unit(u, &a.unit))
            {
                return Err(invalid(
                    "team",
                    msg!(
                        "reason.audits.own_unit",
                        name = a.name.as_str(),
                        unit = a.unit.as_str()
                    ),
                ));
            }
        }
        if self.kind == AuditKind::Supervisory {
            if team.len() < SUPERVISORY_MIN_TEAM {
                return Err(invalid(
                    "team",
                    msg!("reason.audits.team_too_small", min = SUPERVISORY_MIN_TEAM),
                ));
            }
            let public = team.iter().filter(|a| a.public_rep).count();
            if public * 4 < team.len() {
                return Err(invalid("team", msg!("reason.audits.public_share")));
            }
            if let Some(a) = team.iter().find(|a| !a.declared) {
                return Err(invalid(
                    "team",
                    msg!("reason.audits.undeclared", name = a.name.as_str()),
                ));
            }
        }
        if let Some(r) = self.body.recusals.iter().find(|r| r.note.trim().is_empty()) {
            return Err(invalid(
                "recusals",
                msg!("reason.audits.recusal_note", name = r.name.as_str()),
            ));
        }
        for item in &self.body.items {
            if !team.iter().any(|a| a.name == item.auditor) {
                return Err(invalid(
                    "items",
                    msg!(
                        "reason.audits.item_auditor",
                        no = item.no.as_str(),
                        name = item.auditor.as_str()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Gives the items of auditors no longer on the team to those who are,
    /// in turn (a team changed after the items were set).
    pub fn reassign_orphan_items(&mut self) {
        let names: Vec<String> = self.body.team.iter().map(|t| t.name.clone()).collect();
        if names.is_empty() {
            return;
        }
        let mut next = 0;
        for item in &mut self.body.items {
            if !names.contains(&item.auditor) {
                item.auditor = names[next % names.len()].clone();
                next += 1;
            }
        }
    }

    /// The latest day the auditees may be notified.
    pub fn notify_by(&self) -> Date {
        self.starts_on
            .saturating_sub(time::Duration::days(i64::from(self.notice_days)))
    }

    /// Notifies the auditees on `today`: the plan must hold, every auditor
    /// must have an item, and the notice must come in time.
    pub fn notify(&mut self, today: Date) -> Result<(), DomainError> {
        if self.status != AuditStatus::Planned {
            return Err(invalid("status", msg!("reason.audits.not_planned")));
        }
        self.check_plan()?;
        if self.body.items.is_empty() {
            return Err(invalid("items", msg!("reason.audits.no_items")));
        }
        if let Some(a) = self
            .body
            .team
            .iter()
            .find(|a| !self.body.items.iter().any(|i| i.auditor == a.name))
        {
            return Err(invalid(
                "items",
                msg!("reason.audits.auditor_without_item", name = a.name.as_str()),
            ));
        }
        if today > self.notify_by() {
            return Err(invalid(
                "starts_on",
                msg!(
                    "reason.audits.notice_late",
                    days = self.notice_days,
                    by = crate::day::ymd(self.notify_by())
                ),
            ));
        }
        self.status = AuditStatus::Notified;
        self.notified_on = Some(today);
        Ok(())
    }

    /// Records the result of item `index` (while notified).
    pub fn answer(&mut self, index: usize, answer: Answer, note: &str) -> Result<(), DomainError> {
        if self.status != AuditStatus::Notified {
            return Err(invalid("status", msg!("reason.audits.not_in_fieldwork")));
        }
        if answer == Answer::Nonconforms && note.trim().is_empty() {
            return Err(invalid("note", msg!("reason.audits.finding_needs_note")));
        }
        let item = self
            .body
            .items
            .get_mut(index)
            .ok_or_else(|| invalid("item", msg!("reason.audits.no_such_item")))?;
        item.answer = Some(answer);
        item.note = note.trim().to_string();
        Ok(())
    }

    /// The items answered 不符合: the findings.
    pub fn findings(&self) -> impl Iterator<Item = (usize, &AuditItem)> {
        self.body
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.answer == Some(Answer::Nonconforms))
    }

    /// Reports the audit on `today` with its conclusion: every item must be
    /// answered, and not before the audit started.
    pub fn report(&mut self, today: Date, conclusion: &str) -> Result<(), DomainError> {
        if self.status != AuditStatus::Notified {
            return Err(invalid("status", msg!("reason.audits.not_in_fieldwork")));
        }
        if today < self.starts_on {
            return Err(invalid("status", msg!("reason.audits.not_started")));
        }
        if let Some(i) = self.body.items.iter().find(|i| i.answer.is_none()) {
            return Err(invalid(
                "items",
                msg!("reason.audits.unanswered", no = i.no.as_str()),
            ));
        }
        if conclusion.trim().is_empty() {
            return Err(invalid("conclusion", msg!("reason.required")));
        }
        self.body.conclusion = conclusion.trim().to_string();
        self.status = AuditStatus::Reported;
        self.reported_on = Some(today);
        Ok(())
    }

    /// Closes a reported audit once `open_actions` (its corrective actions
    /// not yet done and reviewed) is zero.
    pub fn close(&mut self, today: Date, open_actions: usize) -> Result<(), DomainError> {
        if self.status != AuditStatus::Reported {
            return Err(invalid("status", msg!("reason.audits.not_reported")));
        }
        if open_actions > 0 {
            return Err(invalid(
                "status",
                msg!("reason.audits.actions_open", n = open_actions),
            ));
        }
        self.status = AuditStatus::Closed;
        self.closed_on = Some(today);
        Ok(())
    }

    /// Counts of the answers: conforming, findings, not applicable, open.
    pub fn tally(&self) -> (usize, usize, usize, usize) {
        let mut t = (0, 0, 0, 0);
        for i in &self.body.items {
            match i.answer {
                Some(Answer::Conforms) => t.0 += 1,
                Some(Answer::Nonconforms) => t.1 += 1,
                Some(Answer::NotApplicable) => t.2 += 1,
                None => t.3 += 1,
            }
        }
        t
    }
}

/// Whether two unit names are the same unit (spaces and case aside).
fn same_unit(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// A checklist an organisation keeps for its audits and those of the
/// organisations below it (a hub's for its agencies, the administrators'
/// for everyone): its items one a line as [`items_from_lines`] reads them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedChecklist {
    pub id: crate::ChecklistId,
    pub org_id: OrgId,
    pub name: String,
    pub lines: String,
    pub created_by: Option<crate::UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl SavedChecklist {
    /// Checks a checklist as typed: its items read (at least one) and at
    /// most 2,000 of them.
    pub fn check(lines: &str) -> Result<usize, DomainError> {
        let n = items_from_lines(lines, &["-".to_owned()])
            .map_err(|e| match e {
                DomainError::Invalid { reason, .. } => DomainError::Invalid {
                    field: "lines",
                    reason,
                },
                other => other,
            })?
            .len();
        if n == 0 {
            return Err(invalid("lines", msg!("reason.audits.no_items")));
        }
        if n > 2000 {
            return Err(invalid("lines", msg!("reason.range", min = 1, max = 2000)));
        }
        Ok(n)
    }
    /// How many items it holds.
    pub fn len(&self) -> usize {
        self.lines.lines().filter(|l| !l.trim().is_empty()).count()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The items of a checklist typed one a line: `section | question` or
/// `no | section | question`, assigned to auditors in turn.
pub fn items_from_lines(text: &str, auditors: &[String]) -> Result<Vec<AuditItem>, DomainError> {
    crate::text::no_nul("items", text)?;
    if auditors.is_empty() {
        return Err(invalid("team", msg!("reason.audits.no_team")));
    }
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let (no, section, question) = match parts.as_slice() {
            [q] => (format!("{}", n + 1), String::new(), (*q).to_string()),
            [s, q] => (format!("{}", n + 1), (*s).to_string(), (*q).to_string()),
            [no, s, q] => ((*no).to_string(), (*s).to_string(), (*q).to_string()),
            _ => {
                return Err(invalid(
                    "items",
                    msg!("reason.audits.item_line", line = n + 1),
                ));
            }
        };
        if question.is_empty() || question.chars().count() > 500 {
            return Err(invalid(
                "items",
                msg!("reason.audits.item_line", line = n + 1),
            ));
        }
        out.push(AuditItem {
            no,
            section,
            question,
            auditor: auditors[n % auditors.len()].clone(),
            answer: None,
            note: String::new(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn auditor(name: &str, unit: &str) -> Auditor {
        Auditor {
            name: name.into(),
            unit: unit.into(),
            trained_on: Some(date!(2026 - 03 - 01)),
            lead: false,
            public_rep: false,
            declared: false,
        }
    }

    fn audit(kind: AuditKind) -> Audit {
        Audit {
            id: "a".into(),
            org_id: "o".into(),
            run_by: "o".into(),
            kind,
            title: "115 年度內部資通安全稽核".into(),
            starts_on: date!(2026 - 12 - 20),
            ends_on: date!(2026 - 12 - 21),
            notice_days: 14,
            status: AuditStatus::Planned,
            notified_on: None,
            reported_on: None,
            closed_on: None,
            body: AuditBody {
                auditee_units: vec!["資訊室".into()],
                team: vec![auditor("林稽核", "政風室"), auditor("王稽核", "會計室")],
                ..AuditBody::default()
            },
            created_by: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn field(e: DomainError) -> &'static str {
        match e {
            DomainError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn auditors_are_trained_and_never_audit_their_own_unit() {
        let mut a = audit(AuditKind::Internal);
        a.check_plan().expect("a valid team");
        a.body.team[1].unit = " 資訊室".into();
        assert_eq!(field(a.check_plan().unwrap_err()), "team");
        a.body.team[1].unit = "會計室".into();
        a.body.team[0].trained_on = None;
        assert_eq!(field(a.check_plan().unwrap_err()), "team");
        a.body.team[0].trained_on = Some(date!(2026 - 12 - 25));
        assert_eq!(
            field(a.check_plan().unwrap_err()),
            "team",
            "trained after the start"
        );
        // a vendor's audit may be run by the unit that manages the vendor
        let mut v = audit(AuditKind::Vendor);
        v.body.team[0].unit = "資訊室".into();
        v.check_plan().expect("vendor audits audit the vendor");
    }

    #[test]
    fn a_supervisory_team_is_three_a_quarter_public_and_declared() {
        let mut a = audit(AuditKind::Supervisory);
        a.notice_days = 30;
        assert_eq!(field(a.check_plan().unwrap_err()), "team", "two members");
        a.body.team.push(auditor("陳委員", "數位發展部"));
        assert_eq!(
            field(a.check_plan().unwrap_err()),
            "team",
            "no public member"
        );
        a.body.team[2].public_rep = true;
        assert_eq!(field(a.check_plan().unwrap_err()), "team", "undeclared");
        for m in &mut a.body.team {
            m.declared = true;
        }
        a.check_plan().expect("valid");
        a.notice_days = 10;
        assert_eq!(field(a.check_plan().unwrap_err()), "notice_days");
        a.notice_days = 30;
        a.body.recusals.push(Recusal {
            name: "張委員".into(),
            reason: RecusalReason::Employment,
            note: " ".into(),
        });
        assert_eq!(field(a.check_plan().unwrap_err()), "recusals");
    }

    #[test]
    fn notice_needs_items_for_everyone_and_comes_in_time() {
        let mut a = audit(AuditKind::Internal);
        let names: Vec<String> = a.body.team.iter().map(|t| t.name.clone()).collect();
        a.body.items = items_from_lines("政策 | 是否訂定資通安全政策？", &names).expect("items");
        assert_eq!(field(a.notify(date!(2026 - 12 - 01)).unwrap_err()), "items");
        a.body.items = items_from_lines(
            "1.1 | 政策 | 是否訂定資通安全政策？\n\n存取 | 權限是否定期審查？",
            &names,
        )
        .expect("items");
        assert_eq!(a.body.items[1].no, "2");
        assert_eq!(a.body.items[1].auditor, "王稽核");
        assert_eq!(
            field(a.notify(date!(2026 - 12 - 07)).unwrap_err()),
            "starts_on"
        );
        a.notify(date!(2026 - 12 - 06)).expect("14 days before");
        assert_eq!(a.status, AuditStatus::Notified);
        assert!(items_from_lines("a | b | c | d", &names).is_err());
        // a team changed after the items: the items of those who left move
        let mut b = audit(AuditKind::Internal);
        b.body.items = items_from_lines("一？\n二？\n三？", &names).expect("items");
        b.body.team.remove(0);
        b.body.team.push(auditor("陳稽核", "人事室"));
        assert_eq!(field(b.check_plan().unwrap_err()), "items");
        b.reassign_orphan_items();
        b.check_plan().expect("every item has a team member");
        let who: Vec<&str> = b.body.items.iter().map(|i| i.auditor.as_str()).collect();
        assert_eq!(who, ["王稽核", "王稽核", "陳稽核"]);
    }

    #[test]
    fn findings_need_a_note_and_every_item_an_answer_before_the_report() {
        let mut a = audit(AuditKind::Internal);
        let names: Vec<String> = a.body.team.iter().map(|t| t.name.clone()).collect();
        a.body.items = items_from_lines("政策 | 一？\n存取 | 二？", &names).expect("items");
        a.notify(date!(2026 - 12 - 01)).expect("notified");
        assert_eq!(
            field(a.answer(1, Answer::Nonconforms, "").unwrap_err()),
            "note"
        );
        a.answer(1, Answer::Nonconforms, "離職人員權限未刪除")
            .expect("finding");
        assert_eq!(
            field(a.report(date!(2026 - 12 - 21), "待改善").unwrap_err()),
            "items"
        );
        a.answer(0, Answer::Conforms, "").expect("answer");
        assert_eq!(
            field(a.report(date!(2026 - 12 - 10), "x").unwrap_err()),
            "status"
        );
        a.report(date!(2026 - 12 - 21), "1 項缺失")
            .expect("reported");
        assert_eq!(a.findings().count(), 1);
        assert_eq!(a.tally(), (1, 1, 0, 0));
        assert_eq!(
            field(a.close(date!(2026 - 12 - 30), 1).unwrap_err()),
            "status"
        );
        a.close(date!(2026 - 12 - 30), 0).expect("closed");
        assert_eq!(a.status, AuditStatus::Closed);
    }
}
