//! The `zian rules …` command contracts (other tools parse this output; keep the shapes exact).
//!
//! * `zian rules obligations --kind … --level … --assigned YYYY-MM-DD [--on YYYY-MM-DD]` →
//!   [`run_obligations`]: one JSON object per line with keys, in order,
//!   `id, title_zh, title_en, category, frequency, count, unit, first_due, source, confidence,
//!   rules_version`.
//! * `zian rules grade --c … --i … --a … --l …` → [`run_grade`]: one JSON object
//!   `{"level","dimensions":{"c","i","a","l"},"controls":[…],"rules_version"}`.
//!
//! Errors for which [`RulesError::is_usage_error`] is true (unknown kind, level or impact, bad date,
//! `--assigned` after `--on`) should exit with code 2.

use std::io::Write;

use serde::Serialize;
use time::Date;

use crate::dates::{format_date, parse_date};
use crate::model::{Impact, Level, OrgKind};
use crate::{RuleSet, RulesError, grade};

/// The error type of the CLI functions (the crate's single error enum).
pub type RulesCliError = RulesError;

#[derive(Serialize)]
struct ObligationLine<'a> {
    id: &'a str,
    title_zh: &'a str,
    title_en: &'a str,
    category: &'static str,
    frequency: &'static str,
    count: Option<u32>,
    unit: Option<&'a str>,
    first_due: Option<String>,
    source: &'a str,
    confidence: &'static str,
    rules_version: &'a str,
}

#[derive(Serialize)]
struct Dimensions {
    c: &'static str,
    i: &'static str,
    a: &'static str,
    l: &'static str,
}

#[derive(Serialize)]
struct GradeLine<'a> {
    level: &'static str,
    dimensions: Dimensions,
    controls: Vec<&'a str>,
    rules_version: String,
}

fn date_arg(field: &'static str, value: &str) -> Result<Date, RulesError> {
    parse_date(value).map_err(|reason| RulesError::InvalidDate {
        field,
        value: value.to_string(),
        reason,
    })
}

/// `zian rules obligations`: obligations in force on `on` (default `today`, supplied by the
/// caller) for an organisation of `kind` whose `level` was assigned on `assigned`.
pub fn run_obligations(
    kind: &str,
    level: &str,
    assigned: &str,
    on: Option<&str>,
    today: Date,
    mut out: impl Write,
) -> Result<(), RulesCliError> {
    let kind: OrgKind = kind.parse()?;
    let level: Level = level.parse()?;
    let assigned = date_arg("assigned", assigned)?;
    let on = match on {
        Some(s) => date_arg("on", s)?,
        None => today,
    };
    let rules = RuleSet::shipped()?;
    let obligations = rules.obligations(kind, level, assigned, on, &[])?;
    for o in &obligations {
        let line = ObligationLine {
            id: &o.id,
            title_zh: &o.title_zh,
            title_en: &o.title_en,
            category: o.category.as_str(),
            frequency: o.frequency.as_str(),
            count: o.count,
            unit: o.unit.as_deref(),
            first_due: o.first_due.map(format_date),
            source: &o.source,
            confidence: o.confidence.as_str(),
            rules_version: &o.rules_version,
        };
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// `zian rules grade`: the system level from the four dimensions and the control ids its baseline
/// requires on `on`.
pub fn run_grade(
    c: &str,
    i: &str,
    a: &str,
    l: &str,
    on: Date,
    mut out: impl Write,
) -> Result<(), RulesCliError> {
    let (c, i, a, l) = (
        Impact::parse(c, "c")?,
        Impact::parse(i, "i")?,
        Impact::parse(a, "a")?,
        Impact::parse(l, "l")?,
    );
    let level = grade(c, i, a, l);
    let rules = RuleSet::shipped()?;
    let controls = rules.baseline(level, on)?;
    let line = GradeLine {
        level: level.as_str(),
        dimensions: Dimensions {
            c: c.as_str(),
            i: i.as_str(),
            a: a.as_str(),
            l: l.as_str(),
        },
        controls: controls.iter().map(|c| c.id.as_str()).collect(),
        rules_version: rules.baseline_version(on)?,
    };
    serde_json::to_writer(&mut out, &line)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
