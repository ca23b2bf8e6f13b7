//! The yearly implementation report of the maintenance plan (資通安全維護計畫
//! 實施情形, Act art. 12; seed 001 L337-386): per row of the form (實施項目,
//! 實施內容) the explanation of what was done (實施情形說明) with its evidence,
//! drafted from the records, edited by the officer, approved by the CISO and
//! submitted to the supervising organisation, which may return it.

use serde::{Deserialize, Serialize};
use time::Date;
use zian_i18n::msg;

use crate::error::DomainError;
use crate::{ImplementationReportId, OrgId, UserId};

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written (also after a return).
    Draft,
    /// Approved by the CISO, not yet submitted.
    Approved,
    /// Submitted to the supervising organisation.
    Submitted,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Draft, Status::Approved, Status::Submitted];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Approved => "approved",
            Status::Submitted => "submitted",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "status", s.trim())
    }
}

/// One row of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// `2.4`
    pub code: String,
    /// 實施項目
    pub section: String,
    /// 實施內容
    pub content: String,
    /// 實施情形說明 as it stands.
    #[serde(default)]
    pub explanation: String,
    /// The text the platform drafted last (an explanation still equal to it
    /// is drafted again; one edited is kept).
    #[serde(default)]
    pub drafted: String,
    /// Evidence: the records' pages the draft came from, and what the
    /// officer adds (documents, 公文 numbers), one per line.
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// A return by the supervising organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returned {
    #[serde(with = "crate::day::serde_ymd")]
    pub on: Date,
    pub by: String,
    pub reason: String,
}

/// What a report holds besides its row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Body {
    /// The form's version (`zian_rules::implementation_report`).
    #[serde(default)]
    pub template: String,
    /// The opening paragraph (the level and the article reported under).
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub lines: Vec<Line>,
    /// 其他說明
    #[serde(default)]
    pub other: String,
    /// The CISO who approved it, and when.
    #[serde(default)]
    pub approved_by: String,
    #[serde(default, with = "crate::day::serde_opt_ymd")]
    pub approved_on: Option<Date>,
    /// Who submitted it, to which organisation (none: the competent
    /// authority, for an organisation without a supervisor).
    #[serde(default)]
    pub submitted_by: String,
    #[serde(default)]
    pub submitted_to: Option<OrgId>,
    /// The returns, latest last.
    #[serde(default)]
    pub returns: Vec<Returned>,
}

/// An organisation's report of a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImplementationReport {
    pub id: ImplementationReportId,
    pub org_id: OrgId,
    /// The year reported on (Gregorian).
    pub year: i32,
    pub status: Status,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub submitted_on: Option<Date>,
    pub body: Body,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An edit of a line: its explanation and evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineEdit {
    pub code: String,
    pub explanation: String,
    pub evidence: Vec<String>,
}

impl ImplementationReport {
    fn editable(&self) -> Result<(), DomainError> {
        if self.status != Status::Draft {
            return Err(DomainError::Invalid {
                field: "status",
                reason: msg!("reason.implementation_report.not_draft"),
            });
        }
        Ok(())
    }

    /// Drafts the lines again: a line whose explanation was not edited
    /// since the last draft takes the new one; edited lines keep theirs.
    /// `drafts` gives each code its text and evidence.
    pub fn redraft(
        &mut self,
        drafts: &[(String, String, Vec<String>)],
        intro: String,
    ) -> Result<(), DomainError> {
        self.editable()?;
        for l in &mut self.body.lines {
            let Some((_, text, evidence)) = drafts.iter().find(|(c, _, _)| *c == l.code) else {
                continue;
            };
            if l.explanation == l.drafted {
                l.explanation = text.clone();
                for e in evidence {
                    if !l.evidence.contains(e) {
                        l.evidence.push(e.clone());
                    }
                }
            }
            l.drafted = text.clone();
        }
        self.body.intro = intro;
        Ok(())
    }

    /// Applies the officer's edits (only in draft); an unknown code is
    /// refused.
    pub fn edit(&mut self, edits: Vec<LineEdit>, other: Option<String>) -> Result<(), DomainError> {
        self.editable()?;
        for e in edits {
            let Some(l) = self.body.lines.iter_mut().find(|l| l.code == e.code) else {
                return Err(DomainError::Invalid {
                    field: "code",
                    reason: msg!("reason.unknown_value", value = e.code),
                });
            };
            l.explanation = e.explanation;
            l.evidence = e.evidence;
        }
        if let Some(o) = other {
            self.body.other = o;
        }
        Ok(())
    }

    /// The rows still without an explanation.
    pub fn unexplained(&self) -> Vec<&str> {
        self.body
            .lines
            .iter()
            .filter(|l| l.explanation.trim().is_empty())
            .map(|l| l.code.as_str())
            .collect()
    }

    /// The CISO approves a complete draft.
    pub fn approve(&mut self, by: &str, on: Date) -> Result<(), DomainError> {
        self.editable()?;
        if let Some(code) = self.unexplained().first() {
            return Err(DomainError::Invalid {
                field: "explanation",
                reason: msg!("reason.implementation_report.unexplained", code = *code),
            });
        }
        self.status = Status::Approved;
        self.body.approved_by = by.to_string();
        self.body.approved_on = Some(on);
        Ok(())
    }

    /// Submits an approved report to `to`.
    pub fn submit(&mut self, by: &str, to: Option<OrgId>, on: Date) -> Result<(), DomainError> {
        if self.status != Status::Approved {
            return Err(DomainError::Invalid {
                field: "status",
                reason: msg!("reason.implementation_report.not_approved"),
            });
        }
        self.status = Status::Submitted;
        self.submitted_on = Some(on);
        self.body.submitted_by = by.to_string();
        self.body.submitted_to = to;
        Ok(())
    }

    /// The supervisor returns a submitted report (or the organisation
    /// takes back an approved one) with the reason: a draft again, the
    /// approval cleared.
    pub fn send_back(&mut self, by: &str, reason: &str, on: Date) -> Result<(), DomainError> {
        if self.status == Status::Draft {
            return Err(DomainError::Invalid {
                field: "status",
                reason: msg!("reason.implementation_report.already_draft"),
            });
        }
        if reason.trim().is_empty() {
            return Err(DomainError::Invalid {
                field: "reason",
                reason: msg!("reason.required"),
            });
        }
        self.status = Status::Draft;
        self.submitted_on = None;
        self.body.approved_by.clear();
        self.body.approved_on = None;
        self.body.returns.push(Returned {
            on,
            by: by.to_string(),
            reason: reason.trim().to_string(),
        });
        Ok(())
    }
}

/// The report's year from the day it is written: until the end of March,
/// the year before (the report covers a whole year), else this year.
pub fn default_year(today: Date) -> i32 {
    if (today.month() as u8) <= 3 {
        today.year() - 1
    } else {
        today.year()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn report() -> ImplementationReport {
        let line = |code: &str| Line {
            code: code.into(),
            section: "s".into(),
            content: "c".into(),
            explanation: String::new(),
            drafted: String::new(),
            evidence: Vec::new(),
        };
        ImplementationReport {
            id: "r".into(),
            org_id: "o".into(),
            year: 2026,
            status: Status::Draft,
            submitted_on: None,
            body: Body {
                lines: vec![line("1.1"), line("2.1")],
                ..Body::default()
            },
            created_by: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn drafts(a: &str, b: &str) -> Vec<(String, String, Vec<String>)> {
        vec![
            ("1.1".into(), a.into(), vec!["/orgs/o/plans".into()]),
            ("2.1".into(), b.into(), Vec::new()),
        ]
    }

    #[test]
    fn redrafting_keeps_what_the_officer_edited() {
        let mut r = report();
        r.redraft(&drafts("甲", "乙"), "前言".into()).unwrap();
        assert_eq!(r.body.lines[0].explanation, "甲");
        r.edit(
            vec![LineEdit {
                code: "2.1".into(),
                explanation: "自行撰寫".into(),
                evidence: vec!["公文 1150001234".into()],
            }],
            Some("無".into()),
        )
        .unwrap();
        r.redraft(&drafts("甲2", "乙2"), "前言".into()).unwrap();
        assert_eq!(r.body.lines[0].explanation, "甲2");
        assert_eq!(r.body.lines[0].evidence, vec!["/orgs/o/plans"]);
        assert_eq!(r.body.lines[1].explanation, "自行撰寫");
        assert_eq!(r.body.lines[1].drafted, "乙2");
        assert!(
            r.edit(
                vec![LineEdit {
                    code: "99.1".into(),
                    explanation: String::new(),
                    evidence: Vec::new()
                }],
                None
            )
            .is_err()
        );
    }

    #[test]
    fn approval_needs_every_row_then_submission_and_a_return() {
        let mut r = report();
        let day = date!(2026 - 12 - 05);
        assert!(r.submit("officer", None, day).is_err());
        r.redraft(&drafts("甲", ""), String::new()).unwrap();
        let e = r.approve("資安長", day).unwrap_err();
        assert!(e.to_string().contains("explanation"), "{e}");
        r.redraft(&drafts("甲", "乙"), String::new()).unwrap();
        r.approve("資安長", day).unwrap();
        assert!(r.edit(Vec::new(), None).is_err());
        r.submit("officer", Some("parent".into()), day).unwrap();
        assert_eq!((r.status, r.submitted_on), (Status::Submitted, Some(day)));
        assert!(r.send_back("上級", " ", day).is_err());
        r.send_back("上級", "請補充 8.2 演練日期", day).unwrap();
        assert_eq!(r.status, Status::Draft);
        assert_eq!(r.body.approved_on, None);
        assert_eq!(r.body.returns.len(), 1);
        assert!(r.send_back("上級", "x", day).is_err());
    }

    #[test]
    fn the_default_year_is_last_year_until_april() {
        assert_eq!(default_year(date!(2027 - 02 - 10)), 2026);
        assert_eq!(default_year(date!(2026 - 12 - 05)), 2026);
    }
}
