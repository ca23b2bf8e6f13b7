//! Loading and schema-checking the rule data files.

use serde::Deserialize;
use time::Date;

use crate::RulesError;
use crate::dates::parse_date;
use crate::grading::{Questionnaire, RawGradingFile};
use crate::model::{Category, Confidence, Frequency, Impact, Level, OrgKind};

/// Shipped 附表一–八 obligations (plus article-based duties).
pub const OBLIGATIONS_TOML: &str = include_str!("../data/obligations.toml");
/// Shipped 附表十 control baseline, 2021 and 2026 versions.
pub const BASELINE_TOML: &str = include_str!("../data/baseline.toml");
/// Shipped 附表九 grading principles and questionnaire.
pub const GRADING_TOML: &str = include_str!("../data/grading.toml");

/// One obligation rule: one cell of one table (or one article) in one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Stable id of the cell across versions, e.g. `T3.internal-audit` (附表三).
    pub id: String,
    /// The obligation item shared across levels, e.g. `internal-audit`.
    pub item: String,
    /// Version label (the effective date of the regulation version), e.g. `2021-08-23`.
    pub version: String,
    /// Regulation name (zh).
    pub regulation: String,
    /// Article or attachment (附表一 … 附表八, 第3條).
    pub article: String,
    /// Cell inside the table (part／item).
    pub cell: String,
    /// Title (zh).
    pub title_zh: String,
    /// Title (en).
    pub title_en: String,
    /// Category.
    pub category: Category,
    /// Recurrence.
    pub frequency: Frequency,
    /// Deadline after the level assignment, in months (初次受核定或等級變更後之N年內).
    pub deadline_months: Option<u32>,
    /// Quantity (persons, hours, certificates) where applicable.
    pub count: Option<u32>,
    /// Unit of `count`.
    pub unit: Option<String>,
    /// Organisation kinds the rule applies to.
    pub kinds: Vec<OrgKind>,
    /// Responsibility levels the rule applies to.
    pub levels: Vec<Level>,
    /// First day in force.
    pub effective_from: Date,
    /// First day no longer in force (exclusive); `None` = open-ended.
    pub effective_to: Option<Date>,
    /// First day the obligation applied to this cell at all (deadline anchor for earlier assignments).
    pub introduced_on: Date,
    /// Primary source URL.
    pub source: String,
    /// Confidence of the value.
    pub confidence: Confidence,
    /// Secondary evidence (URLs or named transcriptions).
    pub evidence: Vec<String>,
    /// Free-text note (scope conditions, 2026 deltas).
    pub note: Option<String>,
}

impl Rule {
    /// Whether the rule is in force on `on` (`effective_from <= on < effective_to`).
    pub fn in_force_on(&self, on: Date) -> bool {
        in_window(self.effective_from, self.effective_to, on)
    }

    /// Whether the rule applies to an organisation of this kind and level.
    pub fn applies_to(&self, kind: OrgKind, level: Level) -> bool {
        self.kinds.contains(&kind) && self.levels.contains(&level)
    }
}

/// One 附表十 control in one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    /// Id, e.g. `AC-01` (family code + sequence in the 2026 order).
    pub id: String,
    /// Version label.
    pub version: String,
    /// 構面 (zh).
    pub family: String,
    /// Family (en).
    pub family_en: String,
    /// 控制措施類別.
    pub category: String,
    /// The lowest system level that requires the control.
    pub level: Impact,
    /// The measure (zh).
    pub title_zh: String,
    /// First day in force.
    pub effective_from: Date,
    /// First day no longer in force (exclusive).
    pub effective_to: Option<Date>,
    /// Primary source URL.
    pub source: String,
    /// Confidence.
    pub confidence: Confidence,
    /// Secondary evidence.
    pub evidence: Vec<String>,
    /// Note (2026 change remark).
    pub note: Option<String>,
}

impl Control {
    /// Whether the control is in force on `on`.
    pub fn in_force_on(&self, on: Date) -> bool {
        in_window(self.effective_from, self.effective_to, on)
    }
}

pub(crate) fn in_window(from: Date, to: Option<Date>, on: Date) -> bool {
    from <= on && to.is_none_or(|t| on < t)
}

fn windows_overlap(a: (Date, Option<Date>), b: (Date, Option<Date>)) -> bool {
    let a_before_b_ends = b.1.is_none_or(|bt| a.0 < bt);
    let b_before_a_ends = a.1.is_none_or(|at| b.0 < at);
    a_before_b_ends && b_before_a_ends
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObligationFile {
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    item: String,
    version: String,
    regulation: String,
    article: String,
    cell: String,
    title_zh: String,
    title_en: String,
    category: String,
    frequency: String,
    deadline_months: Option<u32>,
    count: Option<u32>,
    unit: Option<String>,
    kinds: Vec<String>,
    levels: Vec<String>,
    effective_from: String,
    effective_to: Option<String>,
    introduced_on: String,
    source: String,
    confidence: String,
    evidence: Option<Vec<String>>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBaselineFile {
    #[serde(default)]
    control: Vec<RawControl>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawControl {
    id: String,
    version: String,
    family: String,
    family_en: String,
    category: String,
    level: String,
    title_zh: String,
    effective_from: String,
    effective_to: Option<String>,
    source: String,
    confidence: String,
    evidence: Option<Vec<String>>,
    note: Option<String>,
}

struct Ctx<'a> {
    file: &'a str,
    id: String,
}

impl Ctx<'_> {
    fn err(&self, reason: impl Into<String>) -> RulesError {
        RulesError::Schema {
            file: self.file.to_string(),
            id: self.id.clone(),
            reason: reason.into(),
        }
    }
    fn date(&self, field: &str, s: &str) -> Result<Date, RulesError> {
        parse_date(s).map_err(|e| self.err(format!("{field} {s:?} is not a YYYY-MM-DD date: {e}")))
    }
    fn non_empty(&self, field: &str, s: &str) -> Result<(), RulesError> {
        if s.trim().is_empty() {
            Err(self.err(format!("{field} is empty")))
        } else {
            Ok(())
        }
    }
    fn source(&self, s: &str) -> Result<(), RulesError> {
        if s.starts_with("https://") || s.starts_with("http://") {
            Ok(())
        } else {
            Err(self.err(format!("source {s:?} is not a URL")))
        }
    }
    fn confidence(&self, s: &str) -> Result<Confidence, RulesError> {
        Confidence::parse(s).ok_or_else(|| {
            self.err(format!(
                "confidence {s:?} is not one of verbatim, secondary, reconstructed"
            ))
        })
    }
    fn window(&self, from: &str, to: Option<&str>) -> Result<(Date, Option<Date>), RulesError> {
        let f = self.date("effective_from", from)?;
        let t = to.map(|t| self.date("effective_to", t)).transpose()?;
        if let Some(t) = t
            && t <= f
        {
            return Err(self.err(format!("effective_to {t} is not after effective_from {f}")));
        }
        Ok((f, t))
    }
}

/// Parses and schema-checks an obligations TOML document (`file` names it in errors).
pub fn parse_rules(file: &str, text: &str) -> Result<Vec<Rule>, RulesError> {
    let raw: RawObligationFile = toml::from_str(text).map_err(|e| RulesError::Parse {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let mut out = Vec::with_capacity(raw.rule.len());
    for r in raw.rule {
        let cx = Ctx {
            file,
            id: r.id.clone(),
        };
        for (f, v) in [
            ("id", &r.id),
            ("item", &r.item),
            ("version", &r.version),
            ("regulation", &r.regulation),
            ("article", &r.article),
            ("cell", &r.cell),
            ("title_zh", &r.title_zh),
            ("title_en", &r.title_en),
        ] {
            cx.non_empty(f, v)?;
        }
        cx.source(&r.source)?;
        let confidence = cx.confidence(&r.confidence)?;
        let category = Category::parse(&r.category)
            .ok_or_else(|| cx.err(format!("unknown category {:?}", r.category)))?;
        let frequency = Frequency::parse(&r.frequency)
            .ok_or_else(|| cx.err(format!("unknown frequency {:?}", r.frequency)))?;
        if frequency == Frequency::Once && r.deadline_months.is_none() {
            return Err(cx.err("frequency once needs deadline_months"));
        }
        if r.deadline_months == Some(0) {
            return Err(cx.err("deadline_months must be positive"));
        }
        if r.count.is_some() != r.unit.is_some() {
            return Err(cx.err("count and unit must be given together"));
        }
        let (effective_from, effective_to) =
            cx.window(&r.effective_from, r.effective_to.as_deref())?;
        let introduced_on = cx.date("introduced_on", &r.introduced_on)?;
        if introduced_on > effective_from {
            return Err(cx.err(format!(
                "introduced_on {introduced_on} is after effective_from {effective_from}"
            )));
        }
        if r.kinds.is_empty() || r.levels.is_empty() {
            return Err(cx.err("kinds and levels must not be empty"));
        }
        let kinds = r
            .kinds
            .iter()
            .map(|k| k.parse::<OrgKind>().map_err(|e| cx.err(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let levels = r
            .levels
            .iter()
            .map(|l| l.parse::<Level>().map_err(|e| cx.err(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Rule {
            id: r.id,
            item: r.item,
            version: r.version,
            regulation: r.regulation,
            article: r.article,
            cell: r.cell,
            title_zh: r.title_zh,
            title_en: r.title_en,
            category,
            frequency,
            deadline_months: r.deadline_months,
            count: r.count,
            unit: r.unit,
            kinds,
            levels,
            effective_from,
            effective_to,
            introduced_on,
            source: r.source,
            confidence,
            evidence: r.evidence.unwrap_or_default(),
            note: r.note,
        });
    }
    Ok(out)
}

/// Parses and schema-checks a baseline TOML document.
pub fn parse_controls(file: &str, text: &str) -> Result<Vec<Control>, RulesError> {
    let raw: RawBaselineFile = toml::from_str(text).map_err(|e| RulesError::Parse {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let mut out = Vec::with_capacity(raw.control.len());
    for c in raw.control {
        let cx = Ctx {
            file,
            id: c.id.clone(),
        };
        for (f, v) in [
            ("id", &c.id),
            ("version", &c.version),
            ("family", &c.family),
            ("category", &c.category),
            ("title_zh", &c.title_zh),
        ] {
            cx.non_empty(f, v)?;
        }
        cx.source(&c.source)?;
        let confidence = cx.confidence(&c.confidence)?;
        let level = Impact::parse(&c.level, "level").map_err(|e| cx.err(e.to_string()))?;
        let (effective_from, effective_to) =
            cx.window(&c.effective_from, c.effective_to.as_deref())?;
        out.push(Control {
            id: c.id,
            version: c.version,
            family: c.family,
            family_en: c.family_en,
            category: c.category,
            level,
            title_zh: c.title_zh,
            effective_from,
            effective_to,
            source: c.source,
            confidence,
            evidence: c.evidence.unwrap_or_default(),
            note: c.note,
        });
    }
    Ok(out)
}

/// Checks that no two rules with the same id, and no two rules for the same item and the same
/// (kind, level) cell, are in force at the same time.
pub fn check_rule_overlaps(file: &str, rules: &[Rule]) -> Result<(), RulesError> {
    for (i, a) in rules.iter().enumerate() {
        for b in &rules[i + 1..] {
            let same_id = a.id == b.id;
            let same_cell = a.item == b.item
                && a.kinds.iter().any(|k| b.kinds.contains(k))
                && a.levels.iter().any(|l| b.levels.contains(l));
            if (same_id || same_cell)
                && windows_overlap(
                    (a.effective_from, a.effective_to),
                    (b.effective_from, b.effective_to),
                )
            {
                return Err(RulesError::Overlap {
                    file: file.to_string(),
                    a: format!("{}@{}", a.id, a.version),
                    b: format!("{}@{}", b.id, b.version),
                });
            }
        }
    }
    Ok(())
}

/// Checks that no two versions of the same control id are in force at the same time.
pub fn check_control_overlaps(file: &str, controls: &[Control]) -> Result<(), RulesError> {
    for (i, a) in controls.iter().enumerate() {
        for b in &controls[i + 1..] {
            if a.id == b.id
                && windows_overlap(
                    (a.effective_from, a.effective_to),
                    (b.effective_from, b.effective_to),
                )
            {
                return Err(RulesError::Overlap {
                    file: file.to_string(),
                    a: format!("{}@{}", a.id, a.version),
                    b: format!("{}@{}", b.id, b.version),
                });
            }
        }
    }
    Ok(())
}

/// The complete, validated rule data: obligations, control baseline and grading questionnaire.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub(crate) rules: Vec<Rule>,
    pub(crate) controls: Vec<Control>,
    pub(crate) questionnaire: Questionnaire,
}

/// The rules and controls in force on one date.
#[derive(Debug, Clone)]
pub struct InForce<'a> {
    /// The date.
    pub on: Date,
    /// Obligation rules in force.
    pub rules: Vec<&'a Rule>,
    /// Controls in force.
    pub controls: Vec<&'a Control>,
}

impl InForce<'_> {
    /// The newest version label among the controls in force (the baseline version).
    pub fn baseline_version(&self) -> Option<&str> {
        self.controls
            .iter()
            .max_by_key(|c| c.effective_from)
            .map(|c| c.version.as_str())
    }
}

impl RuleSet {
    /// Loads the data shipped inside the binary.
    pub fn shipped() -> Result<RuleSet, RulesError> {
        RuleSet::from_toml(OBLIGATIONS_TOML, BASELINE_TOML, GRADING_TOML)
    }

    /// Loads and validates rule data from TOML text (obligations, baseline, grading).
    pub fn from_toml(
        obligations: &str,
        baseline: &str,
        grading: &str,
    ) -> Result<RuleSet, RulesError> {
        let rules = parse_rules("obligations.toml", obligations)?;
        check_rule_overlaps("obligations.toml", &rules)?;
        let controls = parse_controls("baseline.toml", baseline)?;
        check_control_overlaps("baseline.toml", &controls)?;
        let raw: RawGradingFile = toml::from_str(grading).map_err(|e| RulesError::Parse {
            file: "grading.toml".to_string(),
            message: e.to_string(),
        })?;
        let questionnaire = Questionnaire::from_raw(raw)?;
        Ok(RuleSet {
            rules,
            controls,
            questionnaire,
        })
    }

    /// Adds deployment-specific rules (e.g. a central authority's own items for its sector) from an
    /// obligations-schema TOML document; the combined set is re-checked for overlaps, so a local rule
    /// cannot silently shadow a shipped one (use a [`crate::RuleOverride`] to change a shipped rule).
    pub fn with_extra_rules(mut self, file: &str, text: &str) -> Result<RuleSet, RulesError> {
        let extra = parse_rules(file, text)?;
        self.rules.extend(extra);
        check_rule_overlaps(file, &self.rules)?;
        Ok(self)
    }

    /// All obligation rules, every version.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// All controls, every version.
    pub fn controls(&self) -> &[Control] {
        &self.controls
    }

    /// The grading questionnaire (附表九).
    pub fn questionnaire(&self) -> &Questionnaire {
        &self.questionnaire
    }

    /// The rule and control versions in force on `on`.
    pub fn in_force(&self, on: Date) -> InForce<'_> {
        InForce {
            on,
            rules: self.rules.iter().filter(|r| r.in_force_on(on)).collect(),
            controls: self.controls.iter().filter(|c| c.in_force_on(on)).collect(),
        }
    }

    /// The earliest date any rule is in force (for error messages).
    pub(crate) fn earliest(&self) -> Option<Date> {
        self.rules
            .iter()
            .map(|r| r.effective_from)
            .chain(self.controls.iter().map(|c| c.effective_from))
            .min()
    }

    pub(crate) fn no_rules(&self, on: Date) -> RulesError {
        RulesError::NoRulesInForce {
            on,
            from: self.earliest(),
        }
    }
}
