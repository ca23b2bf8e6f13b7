//! Corrective actions (矯正措施): what a drill's problems, an activation's
//! review or an incident's lessons require, with an owner and a due date,
//! tracked to done with its result.

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
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Drill, Source::Activation, Source::Incident];
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Drill => "drill",
            Source::Activation => "activation",
            Source::Incident => "incident",
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
        assert!(Source::parse("audit").is_err());
    }
}
