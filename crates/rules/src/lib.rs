//! # zian-rules — Taiwan cyber-security regulations as versioned data
//!
//! A pure, synchronous rule engine for the 資通安全管理法 and its sub-regulations. All values live in
//! TOML files under `data/`, embedded with `include_str!`; nothing regulation-specific is coded.
//! Source of every value: `tw-regulations.md` (project reference), which cites the official texts.
//!
//! ## Data ([`RuleSet`])
//! * `data/obligations.toml` — 資通安全責任等級分級辦法 附表一–八 (and article-based duties: level
//!   re-approval 第3條, the yearly 實施情形 report, drills of the incident regulation). One `[[rule]]`
//!   per table cell per version: `id` (`T1`–`T8` = 附表一–八, `ART3`, `ACT`, `IR` + item, stable across
//!   versions), `item` (shared across levels), `regulation`, `article`, `cell`, titles, `category`,
//!   `frequency` (`once`, `yearly`, `twice-yearly`, `every-2-years`, `every-3-years`),
//!   `deadline_months` (after the level assignment), `count`/`unit`, `kinds`, `levels`,
//!   `effective_from`/`effective_to` (to is **exclusive**), `introduced_on`, `source` (URL),
//!   `confidence`, `evidence`, `note`. Versions: `2021-08-23` (in force until 2026-01-04) and
//!   `2026-01-05` (open-ended). Nothing is in force before 2021-08-23 (the 2019 tables are not
//!   encoded).
//! * `data/baseline.toml` — 附表十, both versions (2021: 78 items; 2026: 80 items, 普 45 / 中 17 /
//!   高 18). Ids are family code (AC, AU, CP, IA, SA, SC, SI) + sequence in the 2026 order; a measure
//!   that continues keeps its id across versions. `level` is the lowest system level requiring it.
//! * `data/grading.toml` — 附表九 criteria and the guided questionnaire ([`Questionnaire`]).
//! * `data/incident.toml` — 資通安全事件通報及應變辦法 art. 2 levels and the clocks of arts 4–6
//!   and 11–13, versions 2018-11-21 (in force 2019-01-01) and 2026-01-05; `data/holidays.toml` —
//!   the government office calendar (days off, Saturday workdays) of 2024–2026
//!   ([`incident`]).
//!
//! Schema checks at load: every entry has a URL source and a known confidence, dates parse and
//! windows are well-formed, and no two entries with the same id — or for the same item and an
//! overlapping (kind, level) cell — are in force at the same time.
//!
//! ## Confidence mapping
//! Reference marks → [`Confidence`]: `[V]` → `verbatim`; `[S]` and `[26]` (2026 value from a named
//! secondary source, mostly the hackmd 114年修正 summary) → `secondary`; `[R]` and `[26?]` →
//! `reconstructed`. Cells the reference only describes as "same" as a verified cell are
//! `reconstructed`.
//!
//! ## Obligations calendar ([`RuleSet::obligations`])
//! * `assigned` is the date the current level was assigned — the first approval or the last
//!   **change** of level (附表 wording 「初次受核定或等級變更後之N年內」). A re-approval at the same level
//!   does not restart deadlines; a level change does: pass the change date and the new level.
//!   [`RuleSet::level_change`] lists items added, removed and changed by a level change.
//! * One-off deadlines (`once` + `deadline_months`) end per 行政程序法 §48 as moda FAQ 07 applies it:
//!   counting starts the day after the assignment and ends the day before the corresponding date
//!   (or the month end), e.g. assigned 2024-03-15 + 1 year → 2025-03-15.
//! * Recurring items with a deadline (system grading "within 1 year, review yearly"; level
//!   re-approval) are first due at that deadline, then on its anniversaries.
//! * Recurring items without a deadline (audits, drills, scans, health checks, training) are counted
//!   per calendar period: yearly → 31 December of each year, twice-yearly → 30 June and
//!   31 December, every-2/3-years → 31 December of the last year of 2-/3-year blocks starting with the
//!   year of the anchor. The first due date is the end of the period containing the anchor.
//! * Anchor = max(`assigned`, `introduced_on`): obligations added by an amendment run from the
//!   amendment for agencies assigned earlier (the VANS transitional rule of the 2021 amendment,
//!   NICS VANS FAQ [V]).
//! * 2026 transition: the rows come from the version in force on `on`. When the level was assigned
//!   under the earlier version and that version already had the same cell, the first due date is the
//!   **later** of the deadlines under the two versions — a relaxed deadline (C system grading
//!   1 → 2 years, level review 2 → 3 years) benefits the agency, a tightened one (EDR 2 → 1 year) is
//!   not applied retroactively. `Obligation::deadline_version` says which version set the date. The
//!   reference has no 2026 transitional provision; this is a product decision.
//! * [`Obligation::due_dates`] lists the due dates in a range.
//!
//! ## Overrides ([`RuleOverride`])
//! Stored by the platform and passed in: `Exempt` (分級辦法 art 11 III exemption) or `Replace`
//! (a sector authority's own value), with reason, approver, approval date, validity window and scope.
//! Overridden obligations stay in the list, marked with [`AppliedOverride`]; exempt ones have no
//! due dates. Two overrides of one rule in force for the same organisation are an error.
//! Controls accept `Exempt` only ([`RuleSet::baseline_with_overrides`]).
//!
//! ## Grading and baseline (附表九/十)
//! [`grade`] = the highest of C/I/A/L; [`RuleSet::baseline`] is cumulative (高 ⊇ 中 ⊇ 普);
//! [`RuleSet::baseline_diff`] gives newly required / no longer required controls.
//!
//! ## Risk ([`risk`])
//! NICS detailed assessment: risk = asset value × likelihood × vulnerability on configurable scales
//! (default 1–3), agency threshold, bands. Band limits and the default threshold are product
//! defaults (the guide's scale tables were not available to the reference).
//!
//! ## Deviations / known gaps
//! * The 2019 tables are not encoded; 附表九 is encoded once (2019 file, unchanged in 2021; 2026 not seen).
//! * 2026 training hours, certificates, D/E items and drills are carried over from 2021 as
//!   `reconstructed` (the 2026 source page was cut off).
//! * Table item numbers are not encoded (cells are named by part and item) because the reference
//!   does not give them.

#![forbid(unsafe_code)]

pub mod checklists;
pub mod cli;
mod data;
pub mod dates;
mod grading;
pub mod implementation_report;
pub mod incident;
pub mod maturity;
mod model;
mod obligations;
pub mod playbooks;
pub mod risk;

pub use data::{
    BASELINE_TOML, Control, GRADING_TOML, InForce, OBLIGATIONS_TOML, Rule, RuleSet,
    check_control_overlaps, check_rule_overlaps, parse_controls, parse_rules,
};
pub use grading::{
    AppliedControl, BaselineDiff, Criterion, Dimension, DimensionGrade, GradingResult, Principles,
    Question, QuestionOption, Questionnaire, RationaleLine, grade,
};
pub use model::{Category, Confidence, Frequency, Impact, Level, OrgKind, SystemLevel};
pub use obligations::{
    AppliedOverride, LEVEL_REVIEW_ITEM, LevelChange, Obligation, OverrideKind, OverrideScope,
    RuleOverride,
};

use time::Date;

/// Every error of the crate.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// A data file is not valid TOML for its schema.
    #[error("{file}: parse error: {message}")]
    Parse {
        /// File name.
        file: String,
        /// Parser message.
        message: String,
    },
    /// A data entry violates the schema.
    #[error("{file}: entry {id:?}: {reason}")]
    Schema {
        /// File name.
        file: String,
        /// Entry id.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// Two entries for the same id or cell are in force at the same time.
    #[error("{file}: entries {a} and {b} are in force at the same time for the same id or cell")]
    Overlap {
        /// File name.
        file: String,
        /// First entry (`id@version`).
        a: String,
        /// Second entry.
        b: String,
    },
    /// Unknown organisation kind.
    #[error("unknown --kind {0:?}: expected public, non_public or critical_infrastructure")]
    UnknownKind(String),
    /// Unknown responsibility level.
    #[error("unknown --level {0:?}: expected A, B, C, D or E")]
    UnknownLevel(String),
    /// Unknown 普/中/高 value.
    #[error("unknown --{dimension} {value:?}: expected 普, 中 or 高")]
    UnknownImpact {
        /// Which flag / field.
        dimension: String,
        /// The value given.
        value: String,
    },
    /// A date argument does not parse.
    #[error("invalid --{field} {value:?}: expected YYYY-MM-DD ({reason})")]
    InvalidDate {
        /// Which flag.
        field: &'static str,
        /// The value given.
        value: String,
        /// Parser message.
        reason: String,
    },
    /// The assignment date is after the evaluation date.
    #[error("--assigned {assigned} is after --on {on}")]
    AssignedAfterOn {
        /// Assignment date.
        assigned: Date,
        /// Evaluation date.
        on: Date,
    },
    /// No rule version covers the date.
    #[error("no rule version is in force on {on}{}", match .from { Some(f) => format!(": the rule data starts on {f}"), None => String::new() })]
    NoRulesInForce {
        /// The date asked for.
        on: Date,
        /// The earliest date covered.
        from: Option<Date>,
    },
    /// An override is invalid.
    #[error("override of {rule_id:?}: {reason}")]
    InvalidOverride {
        /// Target id.
        rule_id: String,
        /// Stable code of what is wrong (`empty_reason`, `empty_approver`,
        /// `end_not_after_start`, `changes_nothing`, `deadline_not_positive`,
        /// `unknown_target`, `control_replaced`).
        code: &'static str,
        /// What is wrong, in English.
        reason: String,
    },
    /// More than one override of a rule applies.
    #[error("more than one override of {rule_id:?} is in force on {on} for this organisation")]
    ConflictingOverrides {
        /// Target id.
        rule_id: String,
        /// Date.
        on: Date,
    },
    /// Questionnaire data are invalid.
    #[error("grading questionnaire: {0}")]
    Questionnaire(String),
    /// An answer names a question the questionnaire does not have.
    #[error("grading questionnaire: unknown question {0:?}")]
    UnknownQuestion(String),
    /// A question is not answered.
    #[error("grading questionnaire: question {0:?} is not answered")]
    Unanswered(String),
    /// An answer is not one of the question's options.
    #[error(
        "grading questionnaire: question {question:?}: unknown option {option:?} (expected one of {expected})"
    )]
    UnknownOption {
        /// Question id.
        question: String,
        /// The answer given.
        option: String,
        /// The options, comma-separated.
        expected: String,
    },
    /// Risk method or ratings are invalid.
    #[error("risk: {0}")]
    Risk(String),
    /// Writing output failed.
    #[error("writing output: {0}")]
    Io(#[from] std::io::Error),
    /// JSON encoding failed.
    #[error("encoding JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl RulesError {
    /// True for errors caused by bad command-line input (the CLI exits with code 2).
    pub fn is_usage_error(&self) -> bool {
        matches!(
            self,
            RulesError::UnknownKind(_)
                | RulesError::UnknownLevel(_)
                | RulesError::UnknownImpact { .. }
                | RulesError::InvalidDate { .. }
                | RulesError::AssignedAfterOn { .. }
        )
    }
}
