//! The obligations calendar (附表一–八) and deployment overrides.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::RulesError;
use crate::data::{Rule, RuleSet, in_window};
use crate::dates::{add_months_clamped, calendar_period_end, calendar_step, period_end};
use crate::model::{Category, Confidence, Frequency, Level, OrgKind};

time::serde::format_description!(ymd, Date, "[year]-[month]-[day]");

/// A deployment's change to one shipped rule (or control), stored by the platform and passed in.
/// Examples: an exemption approved under 分級辦法 art 11 III, or a central competent authority's own
/// value for its sector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleOverride {
    /// Rule id (e.g. `T3.penetration-test`) or control id (e.g. `AC-07`).
    pub rule_id: String,
    /// What the override does.
    pub kind: OverrideKind,
    /// Why (shown wherever the obligation is shown).
    pub reason: String,
    /// Who approved it.
    pub approver: String,
    /// When it was approved.
    #[serde(with = "ymd")]
    pub approved_on: Date,
    /// First day the override applies.
    #[serde(with = "ymd")]
    pub effective_from: Date,
    /// First day it no longer applies (exclusive); `None` = open-ended.
    #[serde(with = "ymd::option", default)]
    pub effective_to: Option<Date>,
    /// Which organisations it applies to.
    #[serde(default)]
    pub scope: OverrideScope,
}

/// Override action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum OverrideKind {
    /// Replace some values of the rule; `None` fields keep the rule's value.
    Replace {
        /// New frequency.
        #[serde(default)]
        frequency: Option<Frequency>,
        /// New deadline after assignment, in months.
        #[serde(default)]
        deadline_months: Option<u32>,
        /// New count.
        #[serde(default)]
        count: Option<u32>,
        /// New unit.
        #[serde(default)]
        unit: Option<String>,
    },
    /// The obligation (or control) does not apply.
    Exempt,
}

/// Which organisations an override applies to; an empty list means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideScope {
    /// Organisation kinds (empty = all).
    #[serde(default)]
    pub kinds: Vec<OrgKind>,
    /// Responsibility levels (empty = all).
    #[serde(default)]
    pub levels: Vec<Level>,
    /// Free label for the UI, e.g. the sector or the agency the override was approved for.
    #[serde(default)]
    pub label: Option<String>,
}

impl OverrideScope {
    fn matches(&self, kind: OrgKind, level: Level) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&kind))
            && (self.levels.is_empty() || self.levels.contains(&level))
    }
}

impl RuleOverride {
    /// Whether the override is in force on `on`.
    pub fn in_force_on(&self, on: Date) -> bool {
        in_window(self.effective_from, self.effective_to, on)
    }

    fn err(&self, code: &'static str, reason: impl Into<String>) -> RulesError {
        RulesError::InvalidOverride {
            rule_id: self.rule_id.clone(),
            code,
            reason: reason.into(),
        }
    }

    /// Checks the override on its own (not against the rule data).
    pub fn validate(&self) -> Result<(), RulesError> {
        if self.reason.trim().is_empty() {
            return Err(self.err("empty_reason", "reason is empty"));
        }
        if self.approver.trim().is_empty() {
            return Err(self.err("empty_approver", "approver is empty"));
        }
        if let Some(to) = self.effective_to
            && to <= self.effective_from
        {
            return Err(self.err(
                "end_not_after_start",
                format!(
                    "effective_to {to} is not after effective_from {}",
                    self.effective_from
                ),
            ));
        }
        if let OverrideKind::Replace {
            frequency,
            deadline_months,
            count,
            unit,
        } = &self.kind
        {
            if frequency.is_none() && deadline_months.is_none() && count.is_none() && unit.is_none()
            {
                return Err(self.err("changes_nothing", "replace override changes nothing"));
            }
            if *deadline_months == Some(0) {
                return Err(self.err("deadline_not_positive", "deadline_months must be positive"));
            }
        }
        Ok(())
    }
}

/// How an override changed an obligation (shown by the UI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedOverride {
    /// `exempt` or `replace`.
    pub kind: &'static str,
    /// The override's reason.
    pub reason: String,
    /// Who approved it.
    pub approver: String,
    /// When.
    #[serde(with = "ymd")]
    pub approved_on: Date,
    /// Human-readable changes, e.g. `frequency: yearly → twice-yearly`.
    pub changes: Vec<String>,
    /// Scope label, if any.
    pub scope_label: Option<String>,
}

/// The item of the obligation to have the responsibility level re-approved
/// (資通安全責任等級分級辦法第3條).
pub const LEVEL_REVIEW_ITEM: &str = "level-review";

/// One obligation of one organisation, with its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Obligation {
    /// Rule id (the cell), e.g. `T1.web-vuln-scan`.
    pub id: String,
    /// Item key shared across levels, e.g. `web-vuln-scan`.
    pub item: String,
    /// Title (zh).
    pub title_zh: String,
    /// Title (en).
    pub title_en: String,
    /// Category.
    pub category: Category,
    /// Recurrence (after overrides).
    pub frequency: Frequency,
    /// Deadline after assignment in months (after overrides).
    pub deadline_months: Option<u32>,
    /// Quantity (after overrides).
    pub count: Option<u32>,
    /// Unit (after overrides).
    pub unit: Option<String>,
    /// Regulation.
    pub regulation: String,
    /// Article / 附表.
    pub article: String,
    /// Cell in the table.
    pub cell: String,
    /// Source URL.
    pub source: String,
    /// Confidence.
    pub confidence: Confidence,
    /// Version of the rule in force on the evaluation date.
    pub rules_version: String,
    /// Version whose deadline produced `first_due` (differs from `rules_version` when the deadline
    /// under the rules at assignment was later — see the crate docs on transitions).
    pub deadline_version: String,
    /// First due date; `None` when exempt.
    #[serde(with = "ymd::option")]
    pub first_due: Option<Date>,
    /// Note from the rule data.
    pub note: Option<String>,
    /// The override applied, if any.
    pub overridden: Option<AppliedOverride>,
    #[serde(skip)]
    schedule: Schedule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schedule {
    Once,
    /// Ends of calendar periods of `months` months.
    Calendar(u32),
    /// Anniversaries of the first due date every `months` months.
    Anniversary(u32),
    None,
}

impl Obligation {
    /// Whether an exemption override removed the obligation.
    pub fn is_exempt(&self) -> bool {
        self.overridden.as_ref().is_some_and(|o| o.kind == "exempt")
    }

    /// All due dates in `[from, to]` (inclusive), in order.
    pub fn due_dates(&self, from: Date, to: Date) -> Vec<Date> {
        let Some(first) = self.first_due else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut k: u32 = 0;
        loop {
            let d = match self.schedule {
                Schedule::None => None,
                Schedule::Once => (k == 0).then_some(first),
                Schedule::Calendar(m) => calendar_step(first, m, k),
                Schedule::Anniversary(m) => {
                    m.checked_mul(k).and_then(|x| add_months_clamped(first, x))
                }
            };
            let Some(d) = d else { break };
            if d > to {
                break;
            }
            if d >= from {
                out.push(d);
            }
            k = match k.checked_add(1) {
                Some(k) => k,
                None => break,
            };
        }
        out
    }

    /// The next due date on or after `on`, if any.
    pub fn next_due(&self, on: Date) -> Option<Date> {
        let horizon = add_months_clamped(on, 37)?;
        self.due_dates(on, horizon).into_iter().next()
    }
}

fn schedule_of(freq: Frequency, deadline_months: Option<u32>) -> Schedule {
    match (freq.period_months(), deadline_months) {
        (None, Some(_)) => Schedule::Once,
        (None, None) => Schedule::None,
        (Some(m), Some(_)) => Schedule::Anniversary(m),
        (Some(m), None) => Schedule::Calendar(m),
    }
}

/// First due date of a rule for an organisation whose level was assigned at `anchor`.
/// * once + deadline N months → §48 period end (N months from the day after `anchor`);
/// * recurring + deadline → the same, then anniversaries every period;
/// * recurring without deadline → end of the calendar period (half-year, year, 2- or 3-year block
///   starting with the anchor's year) that contains `anchor`.
fn first_due(freq: Frequency, deadline_months: Option<u32>, anchor: Date) -> Option<Date> {
    match (freq.period_months(), deadline_months) {
        (_, Some(m)) => period_end(anchor, m),
        (Some(p), None) => calendar_period_end(anchor, p),
        (None, None) => None,
    }
}

impl RuleSet {
    /// Checks an override against the rule data (the rule or control id must exist; a replace
    /// override may only target an obligation rule). The platform calls this before storing one.
    pub fn validate_override(&self, o: &RuleOverride) -> Result<(), RulesError> {
        o.validate()?;
        let is_rule = self.rules.iter().any(|r| r.id == o.rule_id);
        let is_control = self.controls.iter().any(|c| c.id == o.rule_id);
        if !is_rule && !is_control {
            return Err(o.err("unknown_target", "no rule or control has this id"));
        }
        if is_control && !is_rule && matches!(o.kind, OverrideKind::Replace { .. }) {
            return Err(o.err(
                "control_replaced",
                "a control can only be exempted, not replaced",
            ));
        }
        Ok(())
    }

    /// When the responsibility level assigned on `assigned` is due for review, by the rules in
    /// force on `on` (the `level-review` obligation's first deadline, so the calendar and every
    /// page that shows the date agree); `None` when no such rule applies.
    pub fn level_review_due(
        &self,
        kind: OrgKind,
        level: Level,
        assigned: Date,
        on: Date,
    ) -> Option<Date> {
        self.obligations(kind, level, assigned, on.max(assigned), &[])
            .ok()?
            .into_iter()
            .find(|o| o.item == LEVEL_REVIEW_ITEM)?
            .first_due
    }

    /// The obligations in force on `on` for an organisation of `kind` whose responsibility level
    /// `level` was assigned (first approval or last change of level) on `assigned`, with `overrides`
    /// applied. Order: the order of the rule data (附表 items, then article-based duties).
    pub fn obligations(
        &self,
        kind: OrgKind,
        level: Level,
        assigned: Date,
        on: Date,
        overrides: &[RuleOverride],
    ) -> Result<Vec<Obligation>, RulesError> {
        if assigned > on {
            return Err(RulesError::AssignedAfterOn { assigned, on });
        }
        for o in overrides {
            self.validate_override(o)?;
        }
        let in_force = self.in_force(on);
        if in_force.rules.is_empty() {
            return Err(self.no_rules(on));
        }
        let mut out = Vec::new();
        for rule in in_force.rules.iter().filter(|r| r.applies_to(kind, level)) {
            let predecessor = (assigned < rule.effective_from)
                .then(|| {
                    self.rules.iter().find(|p| {
                        p.id == rule.id && p.in_force_on(assigned) && p.applies_to(kind, level)
                    })
                })
                .flatten();
            let applicable: Vec<&RuleOverride> = overrides
                .iter()
                .filter(|o| {
                    o.rule_id == rule.id && o.in_force_on(on) && o.scope.matches(kind, level)
                })
                .collect();
            if applicable.len() > 1 {
                return Err(RulesError::ConflictingOverrides {
                    rule_id: rule.id.clone(),
                    on,
                });
            }
            out.push(build(
                rule,
                predecessor,
                assigned,
                applicable.first().copied(),
            )?);
        }
        Ok(out)
    }
}

fn build(
    rule: &Rule,
    predecessor: Option<&Rule>,
    assigned: Date,
    ov: Option<&RuleOverride>,
) -> Result<Obligation, RulesError> {
    let mut frequency = rule.frequency;
    let mut deadline_months = rule.deadline_months;
    let mut count = rule.count;
    let mut unit = rule.unit.clone();
    let mut applied = None;
    let mut exempt = false;
    if let Some(o) = ov {
        let mut changes = Vec::new();
        let kind = match &o.kind {
            OverrideKind::Exempt => {
                exempt = true;
                changes.push("exempt".to_string());
                "exempt"
            }
            OverrideKind::Replace {
                frequency: f,
                deadline_months: d,
                count: c,
                unit: u,
            } => {
                if let Some(f) = f {
                    changes.push(format!("frequency: {frequency} → {f}"));
                    frequency = *f;
                }
                if let Some(d) = d {
                    changes.push(format!("deadline_months: {} → {d}", opt(deadline_months)));
                    deadline_months = Some(*d);
                }
                if let Some(c) = c {
                    changes.push(format!("count: {} → {c}", opt(count)));
                    count = Some(*c);
                }
                if let Some(u) = u {
                    changes.push(format!("unit: {} → {u}", unit.as_deref().unwrap_or("none")));
                    unit = Some(u.clone());
                }
                if frequency == Frequency::Once && deadline_months.is_none() {
                    return Err(o.err(
                        "once_needs_deadline",
                        "frequency once needs a deadline_months",
                    ));
                }
                if count.is_some() != unit.is_some() {
                    return Err(o.err("count_without_unit", "count and unit must be set together"));
                }
                "replace"
            }
        };
        applied = Some(AppliedOverride {
            kind,
            reason: o.reason.clone(),
            approver: o.approver.clone(),
            approved_on: o.approved_on,
            changes,
            scope_label: o.scope.label.clone(),
        });
    }

    // Deadline: anchored at the assignment, or at the date the obligation was introduced for
    // this cell if later; when the level was assigned under an earlier version that already had
    // the obligation, the later of the two deadlines applies (no retroactive tightening).
    let mut deadline_version = rule.version.clone();
    let first = if exempt {
        None
    } else {
        let new_due = first_due(frequency, deadline_months, assigned.max(rule.introduced_on));
        let old_due = match (predecessor, ov) {
            (Some(p), None) => first_due(
                p.frequency,
                p.deadline_months,
                assigned.max(p.introduced_on),
            ),
            _ => None,
        };
        match (new_due, old_due) {
            (Some(n), Some(o)) if o > n => {
                if let Some(p) = predecessor {
                    deadline_version = p.version.clone();
                }
                Some(o)
            }
            (n, _) => n,
        }
    };

    Ok(Obligation {
        id: rule.id.clone(),
        item: rule.item.clone(),
        title_zh: rule.title_zh.clone(),
        title_en: rule.title_en.clone(),
        category: rule.category,
        frequency,
        deadline_months,
        count,
        unit,
        regulation: rule.regulation.clone(),
        article: rule.article.clone(),
        cell: rule.cell.clone(),
        source: rule.source.clone(),
        confidence: rule.confidence,
        rules_version: rule.version.clone(),
        deadline_version,
        first_due: first,
        note: rule.note.clone(),
        overridden: applied,
        schedule: if exempt {
            Schedule::None
        } else {
            schedule_of(frequency, deadline_months)
        },
    })
}

fn opt(v: Option<u32>) -> String {
    v.map_or_else(|| "none".to_string(), |v| v.to_string())
}

/// What a change of responsibility level does to an organisation's obligations on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelChange {
    /// Items required at the new level but not at the old one.
    pub added: Vec<String>,
    /// Items required at the old level but no longer.
    pub removed: Vec<String>,
    /// Items required at both levels whose value (frequency, deadline, count) differs.
    pub changed: Vec<String>,
}

impl RuleSet {
    /// Compares the obligation items of two levels in force on `on` (for the "what changes if the
    /// level changes" view). Deadlines of the new level run from the date of the change.
    pub fn level_change(
        &self,
        kind: OrgKind,
        old: Level,
        new: Level,
        on: Date,
    ) -> Result<LevelChange, RulesError> {
        let f = self.in_force(on);
        if f.rules.is_empty() {
            return Err(self.no_rules(on));
        }
        let pick = |lv: Level| -> Vec<&Rule> {
            f.rules
                .iter()
                .copied()
                .filter(|r| r.applies_to(kind, lv))
                .collect()
        };
        let (a, b) = (pick(old), pick(new));
        let mut ch = LevelChange {
            added: Vec::new(),
            removed: Vec::new(),
            changed: Vec::new(),
        };
        for r in &b {
            match a.iter().find(|x| x.item == r.item) {
                None => ch.added.push(r.item.clone()),
                Some(x) => {
                    if (x.frequency, x.deadline_months, x.count)
                        != (r.frequency, r.deadline_months, r.count)
                    {
                        ch.changed.push(r.item.clone());
                    }
                }
            }
        }
        for r in &a {
            if !b.iter().any(|x| x.item == r.item) {
                ch.removed.push(r.item.clone());
            }
        }
        Ok(ch)
    }
}
