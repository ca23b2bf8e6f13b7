//! System protection grading (附表九), the guided questionnaire and the control baseline (附表十).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::RulesError;
use crate::data::{Control, RuleSet};
use crate::model::{Confidence, Impact, SystemLevel};
use crate::obligations::{AppliedOverride, OverrideKind, RuleOverride};

/// The system level: the highest of the four dimensions (附表九 combination rule).
pub fn grade(c: Impact, i: Impact, a: Impact, l: Impact) -> SystemLevel {
    c.max(i).max(a).max(l)
}

/// A dimension of 附表九.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// 機密性.
    C,
    /// 完整性.
    I,
    /// 可用性.
    A,
    /// 法律遵循性.
    L,
}

impl Dimension {
    /// All dimensions in 附表九 order.
    pub const ALL: [Dimension; 4] = [Dimension::C, Dimension::I, Dimension::A, Dimension::L];

    fn parse(s: &str) -> Option<Dimension> {
        match s {
            "c" => Some(Dimension::C),
            "i" => Some(Dimension::I),
            "a" => Some(Dimension::A),
            "l" => Some(Dimension::L),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGradingFile {
    principles: Principles,
    criterion: Vec<RawCriterion>,
    question: Vec<RawQuestion>,
}

/// Header of 附表九: source, combination rule and confidence.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Principles {
    /// Version label.
    pub version: String,
    /// First day in force.
    pub effective_from: String,
    /// Regulation.
    pub regulation: String,
    /// Attachment.
    pub article: String,
    /// Source URL.
    pub source: String,
    /// The combination rule (zh).
    pub combination_rule: String,
    /// Confidence of the combination rule.
    pub combination_confidence: Confidence,
    /// Confidence of the per-dimension criteria wording.
    pub criteria_confidence: Confidence,
    /// Note.
    pub note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    dimension: String,
    name_zh: String,
    name_en: String,
    high: String,
    medium: String,
    low: String,
}

/// The 附表九 criteria of one dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    /// Dimension.
    pub dimension: Dimension,
    /// Name (zh).
    pub name_zh: String,
    /// Name (en).
    pub name_en: String,
    /// Criterion text for 高.
    pub high: String,
    /// Criterion text for 中.
    pub medium: String,
    /// Criterion text for 普.
    pub low: String,
}

impl Criterion {
    /// The criterion text for a grade.
    pub fn text(&self, g: Impact) -> &str {
        match g {
            Impact::High => &self.high,
            Impact::Medium => &self.medium,
            Impact::Low => &self.low,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    dimension: String,
    text_zh: String,
    text_en: String,
    options: Vec<QuestionOption>,
}

/// One answer option.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionOption {
    /// Option id posted back by the UI.
    pub id: String,
    /// Label (zh).
    pub label_zh: String,
    /// Label (en).
    pub label_en: String,
    /// Grade this answer implies.
    pub grade: Impact,
}

/// One questionnaire question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Id.
    pub id: String,
    /// Dimension it grades.
    pub dimension: Dimension,
    /// Question (zh).
    pub text_zh: String,
    /// Question (en).
    pub text_en: String,
    /// Options.
    pub options: Vec<QuestionOption>,
}

/// The data-driven grading questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Questionnaire {
    /// 附表九 header.
    pub principles: Principles,
    /// Criteria per dimension.
    pub criteria: Vec<Criterion>,
    /// Questions.
    pub questions: Vec<Question>,
}

/// One line of the grading rationale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RationaleLine {
    /// Dimension.
    pub dimension: Dimension,
    /// Question id.
    pub question_id: String,
    /// Question (zh).
    pub question_zh: String,
    /// Chosen answer (zh).
    pub answer_zh: String,
    /// Grade implied by the answer.
    pub grade: Impact,
}

/// Grade of one dimension with the 附表九 criterion that justifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DimensionGrade {
    /// Dimension.
    pub dimension: Dimension,
    /// Grade (the highest answer for the dimension).
    pub grade: Impact,
    /// The 附表九 criterion text for that grade.
    pub criterion_zh: String,
}

/// The evaluated questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradingResult {
    /// Per-dimension grades, in C, I, A, L order.
    pub dimensions: Vec<DimensionGrade>,
    /// The system level (highest dimension).
    pub level: SystemLevel,
    /// Every answer with its grade.
    pub answers: Vec<RationaleLine>,
    /// Summary (zh) naming the deciding dimension(s) and the combination rule.
    pub rationale_zh: String,
}

impl Questionnaire {
    pub(crate) fn from_raw(raw: RawGradingFile) -> Result<Questionnaire, RulesError> {
        let q = |reason: String| RulesError::Questionnaire(format!("grading.toml: {reason}"));
        let mut criteria = Vec::new();
        for c in raw.criterion {
            let dimension = Dimension::parse(&c.dimension)
                .ok_or_else(|| q(format!("unknown criterion dimension {:?}", c.dimension)))?;
            criteria.push(Criterion {
                dimension,
                name_zh: c.name_zh,
                name_en: c.name_en,
                high: c.high,
                medium: c.medium,
                low: c.low,
            });
        }
        for d in Dimension::ALL {
            if criteria.iter().filter(|c| c.dimension == d).count() != 1 {
                return Err(q(format!("dimension {d:?} needs exactly one criterion")));
            }
        }
        let mut questions: Vec<Question> = Vec::new();
        for r in raw.question {
            let dimension = Dimension::parse(&r.dimension).ok_or_else(|| {
                q(format!(
                    "question {:?}: unknown dimension {:?}",
                    r.id, r.dimension
                ))
            })?;
            if questions.iter().any(|x| x.id == r.id) {
                return Err(q(format!("duplicate question id {:?}", r.id)));
            }
            if r.options.is_empty() {
                return Err(q(format!("question {:?} has no options", r.id)));
            }
            for (i, o) in r.options.iter().enumerate() {
                if r.options[..i].iter().any(|p| p.id == o.id) {
                    return Err(q(format!(
                        "question {:?}: duplicate option {:?}",
                        r.id, o.id
                    )));
                }
            }
            questions.push(Question {
                id: r.id,
                dimension,
                text_zh: r.text_zh,
                text_en: r.text_en,
                options: r.options,
            });
        }
        for d in Dimension::ALL {
            if !questions.iter().any(|x| x.dimension == d) {
                return Err(q(format!("dimension {d:?} has no question")));
            }
        }
        if !raw.principles.source.starts_with("https://") {
            return Err(q("principles.source is not a URL".to_string()));
        }
        Ok(Questionnaire {
            principles: raw.principles,
            criteria,
            questions,
        })
    }

    fn criterion(&self, d: Dimension) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.dimension == d)
    }

    /// Evaluates answers (question id → option id). Every question must be answered; unknown
    /// questions or options are errors.
    pub fn evaluate(
        &self,
        answers: &BTreeMap<String, String>,
    ) -> Result<GradingResult, RulesError> {
        for k in answers.keys() {
            if !self.questions.iter().any(|q| &q.id == k) {
                return Err(RulesError::UnknownQuestion(k.clone()));
            }
        }
        let mut lines = Vec::new();
        for q in &self.questions {
            let a = answers
                .get(&q.id)
                .ok_or_else(|| RulesError::Unanswered(q.id.clone()))?;
            let o =
                q.options
                    .iter()
                    .find(|o| &o.id == a)
                    .ok_or_else(|| RulesError::UnknownOption {
                        question: q.id.clone(),
                        option: a.clone(),
                        expected: q
                            .options
                            .iter()
                            .map(|o| o.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })?;
            lines.push(RationaleLine {
                dimension: q.dimension,
                question_id: q.id.clone(),
                question_zh: q.text_zh.clone(),
                answer_zh: o.label_zh.clone(),
                grade: o.grade,
            });
        }
        let mut dims = Vec::new();
        for d in Dimension::ALL {
            let g = lines
                .iter()
                .filter(|l| l.dimension == d)
                .map(|l| l.grade)
                .max()
                .unwrap_or(Impact::Low);
            let text = self
                .criterion(d)
                .map(|c| c.text(g).to_string())
                .unwrap_or_default();
            dims.push(DimensionGrade {
                dimension: d,
                grade: g,
                criterion_zh: text,
            });
        }
        let level = dims.iter().map(|d| d.grade).max().unwrap_or(Impact::Low);
        let deciding: Vec<String> = dims
            .iter()
            .filter(|d| d.grade == level)
            .filter_map(|d| self.criterion(d.dimension).map(|c| c.name_zh.clone()))
            .collect();
        let rationale_zh = format!(
            "系統防護需求等級為「{}」，由{}構面決定。{}",
            level,
            deciding.join("、"),
            self.principles.combination_rule
        );
        Ok(GradingResult {
            dimensions: dims,
            level,
            answers: lines,
            rationale_zh,
        })
    }
}

/// Controls gained and lost when a system's level changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineDiff<'a> {
    /// Required at the new level, not at the old one.
    pub newly_required: Vec<&'a Control>,
    /// Required at the old level, no longer at the new one.
    pub no_longer_required: Vec<&'a Control>,
}

/// A baseline control with any exemption applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedControl<'a> {
    /// The control.
    pub control: &'a Control,
    /// The exemption, if one applies.
    pub overridden: Option<AppliedOverride>,
}

impl RuleSet {
    /// The 附表十 controls required on `on` for a system of `level` (higher levels include lower).
    pub fn baseline(&self, level: SystemLevel, on: Date) -> Result<Vec<&Control>, RulesError> {
        let f = self.in_force(on);
        if f.controls.is_empty() {
            return Err(self.no_rules(on));
        }
        let mut v: Vec<&Control> = f
            .controls
            .into_iter()
            .filter(|c| c.level <= level)
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(v)
    }

    /// The version label of the baseline in force on `on`.
    pub fn baseline_version(&self, on: Date) -> Result<String, RulesError> {
        self.in_force(on)
            .baseline_version()
            .map(str::to_string)
            .ok_or_else(|| self.no_rules(on))
    }

    /// Controls newly required / no longer required when a system moves from `old` to `new`.
    pub fn baseline_diff(
        &self,
        old: SystemLevel,
        new: SystemLevel,
        on: Date,
    ) -> Result<BaselineDiff<'_>, RulesError> {
        let a = self.baseline(old, on)?;
        let b = self.baseline(new, on)?;
        Ok(BaselineDiff {
            newly_required: b
                .iter()
                .copied()
                .filter(|c| !a.iter().any(|x| x.id == c.id))
                .collect(),
            no_longer_required: a
                .iter()
                .copied()
                .filter(|c| !b.iter().any(|x| x.id == c.id))
                .collect(),
        })
    }

    /// The baseline with exemptions (分級辦法 art 11 III) applied: exempted controls stay in the
    /// list, marked, so a statement of applicability can show them with the reason.
    pub fn baseline_with_overrides<'a>(
        &'a self,
        level: SystemLevel,
        on: Date,
        overrides: &[RuleOverride],
    ) -> Result<Vec<AppliedControl<'a>>, RulesError> {
        for o in overrides {
            self.validate_override(o)?;
        }
        let base = self.baseline(level, on)?;
        let mut out = Vec::with_capacity(base.len());
        for c in base {
            let hits: Vec<&RuleOverride> = overrides
                .iter()
                .filter(|o| o.rule_id == c.id && o.in_force_on(on))
                .collect();
            if hits.len() > 1 {
                return Err(RulesError::ConflictingOverrides {
                    rule_id: c.id.clone(),
                    on,
                });
            }
            let overridden = match hits.first() {
                None => None,
                Some(o) => match o.kind {
                    OverrideKind::Exempt => Some(AppliedOverride {
                        kind: "exempt",
                        reason: o.reason.clone(),
                        approver: o.approver.clone(),
                        approved_on: o.approved_on,
                        changes: vec!["exempt".to_string()],
                        scope_label: o.scope.label.clone(),
                    }),
                    OverrideKind::Replace { .. } => {
                        return Err(RulesError::InvalidOverride {
                            rule_id: c.id.clone(),
                            code: "control_replaced",
                            reason: "a control can only be exempted, not replaced".to_string(),
                        });
                    }
                },
            };
            out.push(AppliedControl {
                control: c,
                overridden,
            });
        }
        Ok(out)
    }
}
