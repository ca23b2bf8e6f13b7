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

/// One line of `zian rules incident`'s input.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct IncidentLine {
    kind: String,
    on: String,
    aware: String,
    asset: String,
    confidentiality: String,
    integrity: String,
    availability: String,
    #[serde(default)]
    notified: Option<String>,
    #[serde(default)]
    recovered: Option<String>,
}

#[derive(Serialize)]
struct IncidentOut {
    level: Option<u8>,
    notify_by: String,
    review_by: Option<String>,
    recover_by: Option<String>,
    report_by: Option<String>,
}

fn rfc3339(field: &str, s: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("{field}: not an RFC 3339 time ({e})"))
}

fn taipei(t: time::OffsetDateTime) -> String {
    t.to_offset(crate::incident::TAIPEI)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// One input line's answer, or why there is none.
fn incident_line(
    rules: &crate::incident::IncidentRules,
    line: &str,
) -> Result<IncidentOut, String> {
    use crate::incident::{AssetClass, Availability, Facts, Severity};
    let l: IncidentLine = serde_json::from_str(line).map_err(|e| e.to_string())?;
    if !matches!(l.kind.as_str(), "public" | "non_public") {
        return Err(format!("kind: {:?} is not public or non_public", l.kind));
    }
    let on = parse_date(&l.on).map_err(|e| format!("on: {e}"))?;
    let version = rules
        .version_on(on)
        .ok_or_else(|| format!("on: no incident rules in force on {}", format_date(on)))?;
    let facts = Facts {
        asset: AssetClass::parse(&l.asset).ok_or_else(|| {
            format!("asset: {:?} is not non_core, core, core_ci, official_secret, sensitive or state_secret", l.asset)
        })?,
        confidentiality: Severity::parse(&l.confidentiality)
            .ok_or_else(|| format!("confidentiality: {:?} is not none, minor or serious", l.confidentiality))?,
        integrity: Severity::parse(&l.integrity)
            .ok_or_else(|| format!("integrity: {:?} is not none, minor or serious", l.integrity))?,
        availability: Availability::parse(&l.availability).ok_or_else(|| {
            format!("availability: {:?} is not none, within_mtd or beyond_mtd", l.availability)
        })?,
    };
    let aware = rfc3339("aware", &l.aware)?;
    let notified = l
        .notified
        .as_deref()
        .map(|s| rfc3339("notified", s))
        .transpose()?;
    let recovered = l
        .recovered
        .as_deref()
        .map(|s| rfc3339("recovered", s))
        .transpose()?;
    if notified.is_some_and(|n| n < aware) || recovered.is_some_and(|r| r < aware) {
        return Err("notified and recovered cannot be before aware".to_string());
    }
    let c = version.clocks(
        version.level(&facts),
        aware,
        notified,
        recovered,
        &rules.calendar,
    );
    Ok(IncidentOut {
        level: c.level,
        notify_by: taipei(c.notify_by),
        review_by: c.review_by.map(taipei),
        recover_by: c.recover_by.map(taipei),
        report_by: c.report_by.map(taipei),
    })
}

/// `zian rules incident`: one JSON object a line on `input` (an incident's
/// assessment and times), one a line on `out`: its level and deadlines in
/// Asia/Taipei time, or `{"error": …}` for a line that cannot be read (not
/// UTF-8, not JSON, a bad value; the next lines are still answered). Blank
/// lines are skipped.
pub fn run_incident(
    input: impl std::io::BufRead,
    mut out: impl Write,
) -> Result<(), RulesCliError> {
    let rules = crate::incident::IncidentRules::shipped()?;
    for line in input.split(b'\n') {
        let line = line?;
        let Ok(line) = String::from_utf8(line) else {
            serde_json::to_writer(&mut out, &serde_json::json!({ "error": "not UTF-8" }))?;
            out.write_all(b"\n")?;
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        match incident_line(rules, &line) {
            Ok(o) => serde_json::to_writer(&mut out, &o)?,
            Err(e) => serde_json::to_writer(&mut out, &serde_json::json!({ "error": e }))?,
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
