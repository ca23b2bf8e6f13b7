//! Management review (管理審查): the meeting of the security committee held
//! at least yearly (seed 003 L797-819) to confirm the maintenance plan's
//! implementation and its continuing suitability, adequacy and
//! effectiveness. Its agenda is the template's topics ([`Topic`]); each
//! topic carries the facts the platform gathered from live records while the
//! meeting was prepared ([`Fact`], frozen once the meeting is held), the
//! officer's prepared notes and the minutes' discussion. Decisions are
//! listed; the action items are corrective actions raised from the review.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;
use zian_i18n::{Msg, msg};

use crate::error::DomainError;
use crate::{ManagementReviewId, OrgId, UserId};

/// The agenda's topics, in the template's order (seed 003 L805-817).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// (1) 過往管理審查議案之處理狀態
    PriorActions,
    /// (2) 內部及外部議題的變更（法令變更、上級機關要求、推動小組決議事項）
    Changes,
    /// (3) 資通安全維護計畫內容之適切性
    PlanAdequacy,
    /// (4)A 資通安全政策及目標之實施情形
    Objectives,
    /// (4)B 資通安全人力及資源之配置之實施情形
    Resources,
    /// (4)C 資通安全防護及控制措施之實施情形
    Controls,
    /// (4)D 內外部稽核結果
    AuditResults,
    /// (4)E 不符合項目及矯正措施
    Nonconformities,
    /// (5) 風險評鑑結果及風險處理計畫執行進度
    Risk,
    /// (6) 重大資通安全事件之處理及改善情形
    Incidents,
    /// (7) 利害關係人之回饋
    Stakeholders,
    /// (8) 持續改善之機會
    Improvement,
}

impl Topic {
    pub const ALL: [Topic; 12] = [
        Topic::PriorActions,
        Topic::Changes,
        Topic::PlanAdequacy,
        Topic::Objectives,
        Topic::Resources,
        Topic::Controls,
        Topic::AuditResults,
        Topic::Nonconformities,
        Topic::Risk,
        Topic::Incidents,
        Topic::Stakeholders,
        Topic::Improvement,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::PriorActions => "prior_actions",
            Topic::Changes => "changes",
            Topic::PlanAdequacy => "plan_adequacy",
            Topic::Objectives => "objectives",
            Topic::Resources => "resources",
            Topic::Controls => "controls",
            Topic::AuditResults => "audit_results",
            Topic::Nonconformities => "nonconformities",
            Topic::Risk => "risk",
            Topic::Incidents => "incidents",
            Topic::Stakeholders => "stakeholders",
            Topic::Improvement => "improvement",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "topic", s.trim())
    }
    /// The form field of the topic's discussion.
    pub fn discussion_field(self) -> &'static str {
        match self {
            Topic::PriorActions => "discussion.prior_actions",
            Topic::Changes => "discussion.changes",
            Topic::PlanAdequacy => "discussion.plan_adequacy",
            Topic::Objectives => "discussion.objectives",
            Topic::Resources => "discussion.resources",
            Topic::Controls => "discussion.controls",
            Topic::AuditResults => "discussion.audit_results",
            Topic::Nonconformities => "discussion.nonconformities",
            Topic::Risk => "discussion.risk",
            Topic::Incidents => "discussion.incidents",
            Topic::Stakeholders => "discussion.stakeholders",
            Topic::Improvement => "discussion.improvement",
        }
    }
    /// The template's numbering: `(1)`, `(4)A`, ….
    pub fn number(self) -> &'static str {
        match self {
            Topic::PriorActions => "(1)",
            Topic::Changes => "(2)",
            Topic::PlanAdequacy => "(3)",
            Topic::Objectives => "(4)A",
            Topic::Resources => "(4)B",
            Topic::Controls => "(4)C",
            Topic::AuditResults => "(4)D",
            Topic::Nonconformities => "(4)E",
            Topic::Risk => "(5)",
            Topic::Incidents => "(6)",
            Topic::Stakeholders => "(7)",
            Topic::Improvement => "(8)",
        }
    }
}

/// A fact gathered from the records for a topic: a message of the
/// catalogue with its arguments (so it reads in the reader's language),
/// and the page it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    pub key: String,
    #[serde(default)]
    pub args: BTreeMap<String, String>,
    #[serde(default)]
    pub link: Option<String>,
}

impl Fact {
    pub fn new(key: &str) -> Fact {
        Fact {
            key: key.to_string(),
            args: BTreeMap::new(),
            link: None,
        }
    }
    pub fn arg(mut self, name: &str, v: impl ToString) -> Fact {
        self.args.insert(name.to_string(), v.to_string());
        self
    }
    pub fn link(mut self, l: impl Into<String>) -> Fact {
        self.link = Some(l.into());
        self
    }
    /// The arguments as the catalogue's `tf` takes them.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.args
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

/// One topic of the agenda: the facts, the officer's prepared notes
/// (stakeholders' feedback and improvement ideas are typed here), and the
/// minutes' discussion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub topic: Topic,
    #[serde(default)]
    pub facts: Vec<Fact>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub discussion: String,
}

/// What a review holds besides its row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Body {
    #[serde(default)]
    pub place: String,
    /// 主席
    #[serde(default)]
    pub chair: String,
    /// 出席人員, one per line as typed.
    #[serde(default)]
    pub attendees: Vec<String>,
    /// The facts cover the records since this day (the previous review
    /// held, else a year before the meeting).
    #[serde(default, with = "crate::day::serde_opt_ymd")]
    pub since: Option<Date>,
    /// When the facts were gathered (Unix seconds).
    #[serde(default)]
    pub gathered_at: i64,
    #[serde(default)]
    pub items: Vec<Item>,
    /// 決議事項
    #[serde(default)]
    pub decisions: Vec<String>,
}

/// A management review meeting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManagementReview {
    pub id: ManagementReviewId,
    pub org_id: OrgId,
    pub title: String,
    #[serde(with = "crate::day::serde_ymd")]
    pub scheduled_on: Date,
    /// Held on this day, the minutes final (none: being prepared).
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub held_on: Option<Date>,
    pub body: Body,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ManagementReview {
    pub fn is_held(&self) -> bool {
        self.held_on.is_some()
    }
    pub fn status(&self) -> &'static str {
        if self.is_held() { "held" } else { "planned" }
    }
    pub fn item(&self, t: Topic) -> Option<&Item> {
        self.body.items.iter().find(|i| i.topic == t)
    }

    /// Replaces the gathered facts (only while being prepared); notes and
    /// discussion typed so far stay.
    pub fn gather(
        &mut self,
        since: Date,
        facts: BTreeMap<Topic, Vec<Fact>>,
        at: i64,
    ) -> Result<(), DomainError> {
        self.not_held()?;
        let mut facts = facts;
        let old = std::mem::take(&mut self.body.items);
        self.body.items = Topic::ALL
            .iter()
            .map(|t| {
                let kept = old.iter().find(|i| i.topic == *t);
                Item {
                    topic: *t,
                    facts: facts.remove(t).unwrap_or_default(),
                    notes: kept.map(|i| i.notes.clone()).unwrap_or_default(),
                    discussion: kept.map(|i| i.discussion.clone()).unwrap_or_default(),
                }
            })
            .collect();
        self.body.since = Some(since);
        self.body.gathered_at = at;
        Ok(())
    }

    fn not_held(&self) -> Result<(), DomainError> {
        if self.is_held() {
            return Err(DomainError::Invalid {
                field: "held_on",
                reason: msg!("reason.management_review.held"),
            });
        }
        Ok(())
    }

    /// Records the minutes typed so far (while being prepared).
    pub fn write_minutes(&mut self, minutes: Minutes) -> Result<(), DomainError> {
        self.not_held()?;
        for (t, notes, discussion) in minutes.items {
            match self.body.items.iter_mut().find(|i| i.topic == t) {
                Some(i) => {
                    i.notes = notes;
                    i.discussion = discussion;
                }
                None => self.body.items.push(Item {
                    topic: t,
                    facts: Vec::new(),
                    notes,
                    discussion,
                }),
            }
        }
        self.body.items.sort_by_key(|i| i.topic);
        if let Some(a) = minutes.attendees {
            self.body.attendees = a;
        }
        if let Some(d) = minutes.decisions {
            self.body.decisions = d;
        }
        if let Some(c) = minutes.chair {
            self.body.chair = c;
        }
        if let Some(p) = minutes.place {
            self.body.place = p;
        }
        Ok(())
    }

    /// What still keeps the minutes from being final: the chair, the
    /// attendees, and a discussion of every topic the template requires.
    pub fn missing(&self) -> Vec<(&'static str, Msg)> {
        let mut out = Vec::new();
        if self.body.chair.trim().is_empty() {
            out.push(("chair", msg!("reason.required")));
        }
        if self.body.attendees.is_empty() {
            out.push(("attendees", msg!("reason.required")));
        }
        for t in Topic::ALL {
            if self.item(t).is_none_or(|i| i.discussion.trim().is_empty()) {
                out.push((
                    t.discussion_field(),
                    msg!("reason.management_review.undiscussed", topic = t.number()),
                ));
            }
        }
        out
    }

    /// Closes the minutes: the meeting was held on `on` (not in the future),
    /// every required part written.
    pub fn hold(&mut self, on: Date, today: Date) -> Result<(), DomainError> {
        self.not_held()?;
        if on > today {
            return Err(DomainError::Invalid {
                field: "held_on",
                reason: msg!("reason.not_future"),
            });
        }
        if let Some((field, reason)) = self.missing().into_iter().next() {
            return Err(DomainError::Invalid { field, reason });
        }
        self.held_on = Some(on);
        Ok(())
    }
}

/// The minutes as typed: per topic the notes and the discussion; the
/// attendees and decisions. What is none keeps what it was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Minutes {
    pub chair: Option<String>,
    pub place: Option<String>,
    pub attendees: Option<Vec<String>>,
    pub items: Vec<(Topic, String, String)>,
    pub decisions: Option<Vec<String>>,
}

/// Lines of a text area, trimmed, blanks dropped.
pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// The day the next review's facts start from: the latest held review
/// before `on`, else a year before it.
pub fn since(held: &[Date], on: Date) -> Date {
    held.iter()
        .copied()
        .filter(|d| *d < on)
        .max()
        .unwrap_or_else(|| {
            on.replace_year(on.year() - 1)
                .unwrap_or_else(|_| on.saturating_sub(time::Duration::days(366)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn review() -> ManagementReview {
        ManagementReview {
            id: "r1".into(),
            org_id: "o1".into(),
            title: "115年度第1次管理審查".into(),
            scheduled_on: date!(2026 - 12 - 01),
            held_on: None,
            body: Body::default(),
            created_by: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn full_minutes() -> Minutes {
        Minutes {
            chair: Some("資安長 王大明".into()),
            place: None,
            attendees: Some(vec!["王大明".into(), "林小華".into()]),
            items: Topic::ALL
                .iter()
                .map(|t| (*t, String::new(), format!("{} 已討論", t.number())))
                .collect(),
            decisions: Some(vec!["續辦".into()]),
        }
    }

    #[test]
    fn gathering_keeps_what_was_typed_and_orders_the_topics() {
        let mut r = review();
        let mut m = full_minutes();
        m.items.truncate(1);
        r.write_minutes(m).unwrap();
        let mut facts = BTreeMap::new();
        facts.insert(Topic::Risk, vec![Fact::new("k").arg("n", 3)]);
        r.gather(date!(2025 - 12 - 01), facts, 9).unwrap();
        assert_eq!(r.body.items.len(), 12);
        assert_eq!(r.body.items[0].topic, Topic::PriorActions);
        assert_eq!(r.body.items[0].discussion, "(1) 已討論");
        assert_eq!(r.item(Topic::Risk).unwrap().facts[0].args["n"], "3");
        assert_eq!(r.body.since, Some(date!(2025 - 12 - 01)));
    }

    #[test]
    fn holding_needs_every_topic_discussed_and_freezes_the_minutes() {
        let mut r = review();
        let today = date!(2026 - 12 - 05);
        let mut m = full_minutes();
        m.items.retain(|(t, _, _)| *t != Topic::Stakeholders);
        r.write_minutes(m).unwrap();
        let e = r.hold(date!(2026 - 12 - 01), today).unwrap_err();
        assert!(e.to_string().contains("discussion.stakeholders"), "{e}");
        r.write_minutes(full_minutes()).unwrap();
        assert!(r.hold(date!(2026 - 12 - 06), today).is_err());
        r.hold(date!(2026 - 12 - 01), today).unwrap();
        assert_eq!(r.status(), "held");
        assert!(r.write_minutes(full_minutes()).is_err());
        assert!(r.gather(today, BTreeMap::new(), 1).is_err());
    }

    #[test]
    fn a_chair_and_attendees_are_required() {
        let mut r = review();
        let mut m = full_minutes();
        m.chair = None;
        m.attendees = Some(Vec::new());
        r.write_minutes(m).unwrap();
        let fields: Vec<_> = r.missing().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec!["chair", "attendees"]);
    }

    #[test]
    fn facts_start_after_the_last_review_held() {
        let on = date!(2026 - 12 - 01);
        assert_eq!(since(&[], on), date!(2025 - 12 - 01));
        assert_eq!(
            since(&[date!(2026 - 06 - 01), date!(2025 - 06 - 01), on], on),
            date!(2026 - 06 - 01)
        );
        assert_eq!(since(&[], date!(2024 - 02 - 29)), date!(2023 - 02 - 28));
        assert_eq!(lines(" a \n\n b"), vec!["a", "b"]);
    }

    #[test]
    fn facts_render_with_their_arguments() {
        let f = Fact::new("management_review.fact.risks")
            .arg("n", 4)
            .arg("high", 1);
        assert_eq!(f.pairs(), vec![("high", "1"), ("n", "4")]);
        assert_eq!(Topic::parse("risk").unwrap(), Topic::Risk);
        assert!(Topic::parse("nope").is_err());
    }
}
