//! Corrective actions (矯正措施): what a drill's problems, an activation's
//! review, an incident's lessons or an audit's finding require, with an
//! owner and a due date, tracked to done with its result. An audit
//! finding's action also carries the auditee's analysis (root cause,
//! similar defects sought, the plan) and is settled only by a review of its
//! effectiveness (seed 003 L789-793).

use serde::Serialize;
use time::Date;
use zian_i18n::msg;

use crate::error::DomainError;
use crate::{ActionId, OrgId, UserId};

/// What raised the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Drill,
    Activation,
    Incident,
    Audit,
    /// A management review's action item.
    Review,
    /// An action item of an L1-L5 monthly review meeting.
    Maturity,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::Drill,
        Source::Activation,
        Source::Incident,
        Source::Audit,
        Source::Review,
        Source::Maturity,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Drill => "drill",
            Source::Activation => "activation",
            Source::Incident => "incident",
            Source::Audit => "audit",
            Source::Review => "management_review",
            Source::Maturity => "maturity_report",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "source", s.trim())
    }
    /// The page of the record that raised it.
    pub fn link(self, id: &str) -> String {
        match self {
            Source::Drill => format!("/drills/{id}"),
            Source::Activation => format!("/continuity/activations/{id}"),
            Source::Incident => format!("/incidents/{id}"),
            Source::Audit => format!("/audits/{id}"),
            Source::Review => format!("/management-reviews/{id}"),
            Source::Maturity => format!("/maturity-reports/{id}"),
        }
    }
}

/// A corrective action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrectiveAction {
    pub id: ActionId,
    pub org_id: OrgId,
    pub source: Source,
    pub source_id: String,
    pub title: String,
    pub owner: String,
    #[serde(with = "crate::day::serde_ymd")]
    pub due_on: Date,
    /// Done on this day (none: open).
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub done_on: Option<Date>,
    pub result: String,
    /// The audit finding it corrects (audit actions).
    pub finding: String,
    /// The auditee's analysis: the root cause, where similar defects were
    /// sought, and the plan.
    pub root_cause: String,
    pub similar: String,
    pub plan: String,
    /// The effectiveness review that settled it (audit actions).
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub reviewed_on: Option<Date>,
    pub review_note: String,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl CorrectiveAction {
    pub fn is_open(&self) -> bool {
        self.done_on.is_none()
    }
    pub fn status(&self) -> &'static str {
        if self.is_open() { "open" } else { "done" }
    }
    /// Open past its due date.
    pub fn overdue(&self, today: Date) -> bool {
        self.is_open() && self.due_on < today
    }
    /// Done, and for an audit finding's action reviewed as effective.
    pub fn settled(&self) -> bool {
        !self.is_open() && (self.source != Source::Audit || self.reviewed_on.is_some())
    }

    /// Records the auditee's analysis of an open action: the root cause and
    /// the plan are required.
    pub fn analyse(
        &mut self,
        root_cause: &str,
        similar: &str,
        plan: &str,
    ) -> Result<(), DomainError> {
        if !self.is_open() {
            return Err(DomainError::Invalid {
                field: "status",
                reason: msg!("reason.corrective.already_done"),
            });
        }
        for (field, v) in [("root_cause", root_cause), ("plan", plan)] {
            if v.trim().is_empty() {
                return Err(DomainError::Invalid {
                    field,
                    reason: msg!("reason.required"),
                });
            }
        }
        self.root_cause = root_cause.trim().to_string();
        self.similar = similar.trim().to_string();
        self.plan = plan.trim().to_string();
        Ok(())
    }

    /// Reviews a done action's effectiveness on `on`: effective settles it;
    /// not effective opens it again (due `reopen_due`) with the reason.
    pub fn review(
        &mut self,
        on: Date,
        effective: bool,
        note: &str,
        reopen_due: Option<Date>,
        today: Date,
    ) -> Result<(), DomainError> {
        if self.is_open() {
            return Err(DomainError::Invalid {
                field: "status",
                reason: msg!("reason.corrective.not_done"),
            });
        }
        if on > today {
            return Err(DomainError::Invalid {
                field: "reviewed_on",
                reason: msg!("reason.not_future"),
            });
        }
        if note.trim().is_empty() {
            return Err(DomainError::Invalid {
                field: "review_note",
                reason: msg!("reason.required"),
            });
        }
        self.review_note = note.trim().to_string();
        if effective {
            self.reviewed_on = Some(on);
        } else {
            let due = reopen_due.ok_or(DomainError::Invalid {
                field: "due_on",
                reason: msg!("reason.required"),
            })?;
            if due < today {
                return Err(DomainError::Invalid {
                    field: "due_on",
                    reason: msg!("reason.corrective.due_past"),
                });
            }
            self.done_on = None;
            self.reviewed_on = None;
            self.due_on = due;
        }
        Ok(())
    }

    /// Marks it done on `on` with its result, which must say what was done.
    pub fn finish(&mut self, on: Date, result: &str, today: Date) -> Result<(), DomainError> {
        if on > today {
            return Err(DomainError::Invalid {
                field: "done_on",
                reason: msg!("reason.not_future"),
            });
        }
        if result.trim().is_empty() {
            return Err(DomainError::Invalid {
                field: "result",
                reason: msg!("reason.required"),
            });
        }
        self.done_on = Some(on);
        self.result = result.trim().to_string();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn open_overdue_done() {
        let mut a = CorrectiveAction {
            id: "a".into(),
            org_id: "o".into(),
            source: Source::Drill,
            source_id: "d1".into(),
            title: "備援主機開機程序更新".into(),
            owner: "資訊室".into(),
            due_on: date!(2026 - 12 - 01),
            done_on: None,
            result: String::new(),
            finding: String::new(),
            root_cause: String::new(),
            similar: String::new(),
            plan: String::new(),
            reviewed_on: None,
            review_note: String::new(),
            created_by: None,
            created_at: 0,
            updated_at: 0,
        };
        assert!(a.overdue(date!(2026 - 12 - 02)));
        assert!(!a.overdue(date!(2026 - 12 - 01)));
        let today = date!(2026 - 12 - 04);
        assert!(a.finish(date!(2026 - 12 - 05), "已更新", today).is_err());
        assert!(a.finish(date!(2026 - 12 - 03), "  ", today).is_err());
        a.finish(date!(2026 - 12 - 03), "已更新程序書第 3 版", today)
            .unwrap();
        assert_eq!(a.status(), "done");
        assert!(!a.overdue(today));
        assert_eq!(Source::parse("incident").unwrap().link("x"), "/incidents/x");
        assert!(Source::parse("vendor").is_err());
        assert!(a.settled(), "a drill's action is settled when done");
    }

    #[test]
    fn an_audit_action_is_analysed_done_and_settled_by_its_review() {
        let mut a = CorrectiveAction {
            id: "a".into(),
            org_id: "o".into(),
            source: Source::Audit,
            source_id: "au".into(),
            title: "離職人員權限清查".into(),
            owner: "資訊室".into(),
            due_on: date!(2026 - 12 - 31),
            done_on: None,
            result: String::new(),
            finding: "離職人員之權限未刪除".into(),
            root_cause: String::new(),
            similar: String::new(),
            plan: String::new(),
            reviewed_on: None,
            review_note: String::new(),
            created_by: None,
            created_at: 0,
            updated_at: 0,
        };
        let today = date!(2026 - 12 - 20);
        assert!(a.analyse(" ", "", "每月比對人事異動").is_err());
        a.analyse("未建立離職通知流程", "檢查其他系統帳號", "每月比對人事異動")
            .unwrap();
        assert!(
            a.review(today, true, "有效", None, today).is_err(),
            "not done yet"
        );
        a.finish(date!(2026 - 12 - 18), "已刪除 3 個帳號並建立流程", today)
            .unwrap();
        assert!(!a.settled(), "awaits its review");
        assert!(
            a.review(today, false, "仍有遺漏", None, today).is_err(),
            "a new due date"
        );
        a.review(
            today,
            false,
            "仍有 1 個帳號遺漏",
            Some(date!(2027 - 01 - 15)),
            today,
        )
        .unwrap();
        assert!(a.is_open() && a.due_on == date!(2027 - 01 - 15));
        a.finish(today, "已全數清查", today).unwrap();
        a.review(today, true, "抽查 20 個帳號無誤", None, today)
            .unwrap();
        assert!(a.settled());
    }
}
