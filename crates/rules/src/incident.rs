//! Incident levels and the legal clocks (資通安全事件通報及應變辦法; 2026:
//! 資通安全事件通報應變及演練辦法), from `data/incident.toml`, and Taiwan's
//! government office calendar (`data/holidays.toml`) that moves a deadline
//! counted in months off the days off (行政程序法 §48).
//!
//! * The level: each impact (confidentiality, integrity, availability) of
//!   the affected asset class reaches the level of its cell (art. 2); the
//!   incident's level is the highest; none when no cell matches.
//! * Notification within `notify_hours` of awareness (知悉; art. 4, 11).
//! * The supervising authority's review within 8 h (levels 1–2) or 2 h
//!   (levels 3–4) of the notification (art. 5, 12).
//! * Damage control or recovery within 72 h (1–2) or 36 h (3–4) of
//!   awareness (art. 6, 13).
//! * The investigation, handling and improvement report within one month
//!   of completing recovery, per §48: counting starts the next day and ends
//!   the day before the corresponding day of the next month (its last day
//!   when it has none); an end on a Sunday or a day off moves to the next
//!   workday (end of day), an end on a Saturday to the next workday at noon
//!   (「以其次星期一上午為期間末日」). A Saturday that is a workday (補行上班)
//!   ends the period where it falls.
//!
//! Hours run continuously (即時起算). Times are Asia/Taipei (UTC+8, no
//! daylight saving).

use std::collections::BTreeSet;

use serde::Deserialize;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

use crate::RulesError;
use crate::dates::{parse_date, period_end};
use crate::model::Confidence;

/// Shipped incident levels and clocks.
pub const INCIDENT_TOML: &str = include_str!("../data/incident.toml");
/// Shipped government office calendars.
pub const HOLIDAYS_TOML: &str = include_str!("../data/holidays.toml");

/// Asia/Taipei.
pub const TAIPEI: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// What was affected (art. 2's classes of information and systems).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetClass {
    /// 非核心業務資訊 / 非核心資通系統.
    NonCore,
    /// 核心業務資訊 / 核心資通系統 not involving critical infrastructure.
    Core,
    /// 核心業務資訊 / 核心資通系統 involving critical infrastructure operation.
    CoreCi,
    /// 一般公務機密.
    OfficialSecret,
    /// 敏感資訊.
    Sensitive,
    /// 國家機密.
    StateSecret,
}

impl AssetClass {
    /// Every class, in the order of the table.
    pub const ALL: [AssetClass; 6] = [
        AssetClass::NonCore,
        AssetClass::Core,
        AssetClass::CoreCi,
        AssetClass::OfficialSecret,
        AssetClass::Sensitive,
        AssetClass::StateSecret,
    ];

    /// The data files' and the CLI's name.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetClass::NonCore => "non_core",
            AssetClass::Core => "core",
            AssetClass::CoreCi => "core_ci",
            AssetClass::OfficialSecret => "official_secret",
            AssetClass::Sensitive => "sensitive",
            AssetClass::StateSecret => "state_secret",
        }
    }

    /// By name.
    pub fn parse(s: &str) -> Option<AssetClass> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// How badly confidentiality or integrity was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    None,
    /// 輕微.
    Minor,
    /// 嚴重.
    Serious,
}

impl Severity {
    /// `none`, `minor`, `serious`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Minor => "minor",
            Severity::Serious => "serious",
        }
    }

    /// By name.
    pub fn parse(s: &str) -> Option<Severity> {
        [Severity::None, Severity::Minor, Severity::Serious]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Whether operations were affected, and restored within the tolerable
/// interruption time (最大可容忍中斷時間) or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    None,
    WithinMtd,
    BeyondMtd,
}

impl Availability {
    /// `none`, `within_mtd`, `beyond_mtd`.
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::None => "none",
            Availability::WithinMtd => "within_mtd",
            Availability::BeyondMtd => "beyond_mtd",
        }
    }

    /// By name.
    pub fn parse(s: &str) -> Option<Availability> {
        [
            Availability::None,
            Availability::WithinMtd,
            Availability::BeyondMtd,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// What an assessment of an incident states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub asset: AssetClass,
    pub confidentiality: Severity,
    pub integrity: Severity,
    pub availability: Availability,
}

/// One level cell: the asset class, the impact and its severity.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cell {
    asset: AssetClass,
    impact: String,
    severity: String,
    level: u8,
}

/// One version of the incident regulation's levels and clocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentVersion {
    /// The version's label (its date).
    pub id: String,
    pub regulation: String,
    pub effective_from: Date,
    /// Exclusive; none: open-ended.
    pub effective_to: Option<Date>,
    pub source: String,
    pub confidence: Confidence,
    pub note: String,
    pub notify_hours: i64,
    /// Hours for the review by level 1–4.
    pub review_hours: [i64; 4],
    /// Hours for damage control or recovery by level 1–4.
    pub recover_hours: [i64; 4],
    pub report_months: u32,
    cells: Vec<Cell>,
}

/// The deadlines of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clocks {
    pub level: Option<u8>,
    pub notify_by: OffsetDateTime,
    /// None until notified (or without a level).
    pub review_by: Option<OffsetDateTime>,
    /// None without a level.
    pub recover_by: Option<OffsetDateTime>,
    /// None until recovered (or without a level).
    pub report_by: Option<OffsetDateTime>,
}

impl IncidentVersion {
    /// The level the facts reach (the highest of their impacts), none when
    /// no cell of the table matches.
    pub fn level(&self, f: &Facts) -> Option<u8> {
        let asked = [
            ("confidentiality", f.confidentiality.as_str()),
            ("integrity", f.integrity.as_str()),
            ("availability", f.availability.as_str()),
        ];
        self.cells
            .iter()
            .filter(|c| {
                c.asset == f.asset
                    && asked
                        .iter()
                        .any(|(i, s)| c.impact == *i && c.severity == *s)
            })
            .map(|c| c.level)
            .max()
    }

    /// The clocks of an incident of `level` the agency became aware of at
    /// `aware`, notified at `notified`, recovered at `recovered`.
    pub fn clocks(
        &self,
        level: Option<u8>,
        aware: OffsetDateTime,
        notified: Option<OffsetDateTime>,
        recovered: Option<OffsetDateTime>,
        calendar: &Calendar,
    ) -> Clocks {
        let hours = |h: i64| time::Duration::hours(h);
        let idx = level.map(|l| usize::from(l.clamp(1, 4)) - 1);
        Clocks {
            level,
            notify_by: (aware + hours(self.notify_hours)).to_offset(TAIPEI),
            review_by: idx
                .zip(notified)
                .map(|(i, n)| (n + hours(self.review_hours[i])).to_offset(TAIPEI)),
            recover_by: idx.map(|i| (aware + hours(self.recover_hours[i])).to_offset(TAIPEI)),
            report_by: idx
                .and(recovered)
                .and_then(|r| calendar.months_after(r, self.report_months)),
        }
    }

    /// Whether the version is in force on `on`.
    pub fn in_force_on(&self, on: Date) -> bool {
        self.effective_from <= on && self.effective_to.is_none_or(|t| on < t)
    }
}

/// Days off and Saturday workdays of the years the calendar knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days_off: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
    years: BTreeSet<i32>,
}

impl Calendar {
    /// Whether government offices work on `d`.
    pub fn is_workday(&self, d: Date) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.days_off.contains(&d)
    }

    /// Whether the calendar has the year's days off (else weekends alone
    /// are counted).
    pub fn knows(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The end of a period of `months` months after `event` (Asia/Taipei
    /// date) per 行政程序法 §48, moved off days off.
    pub fn months_after(&self, event: OffsetDateTime, months: u32) -> Option<OffsetDateTime> {
        let day = event.to_offset(TAIPEI).date();
        let end = period_end(day, months)?;
        let (end, at) = if self.is_workday(end) {
            (end, end_of_day())
        } else {
            let saturday = end.weekday() == Weekday::Saturday;
            let mut d = end.next_day()?;
            // a year of days off never follows; the bound only guards bad data
            for _ in 0..400 {
                if self.is_workday(d) {
                    break;
                }
                d = d.next_day()?;
            }
            (d, if saturday { noon() } else { end_of_day() })
        };
        Some(PrimitiveDateTime::new(end, at).assume_offset(TAIPEI))
    }
}

fn end_of_day() -> Time {
    Time::from_hms(23, 59, 59).unwrap_or(Time::MIDNIGHT)
}

fn noon() -> Time {
    Time::from_hms(12, 0, 0).unwrap_or(Time::MIDNIGHT)
}

/// The incident regulation's versions and the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentRules {
    pub versions: Vec<IncidentVersion>,
    pub calendar: Calendar,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIncidentFile {
    version: Vec<RawVersion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersion {
    id: String,
    regulation: String,
    effective_from: String,
    effective_to: Option<String>,
    source: String,
    confidence: String,
    note: String,
    notify_hours: i64,
    review_hours: [i64; 4],
    recover_hours: [i64; 4],
    report_months: u32,
    cells: Vec<(String, String, String, u8)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHolidayFile {
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    source: String,
    confidence: String,
    days_off: Vec<String>,
    workdays: Vec<String>,
}

fn schema(file: &str, id: &str, reason: impl Into<String>) -> RulesError {
    RulesError::Schema {
        file: file.to_string(),
        id: id.to_string(),
        reason: reason.into(),
    }
}

fn parse_err(file: &str, e: toml::de::Error) -> RulesError {
    RulesError::Parse {
        file: file.to_string(),
        message: e.to_string(),
    }
}

impl IncidentRules {
    /// The shipped data.
    pub fn embedded() -> Result<IncidentRules, RulesError> {
        Self::parse(INCIDENT_TOML, HOLIDAYS_TOML)
    }

    /// The shipped data, parsed once per process.
    pub fn shipped() -> Result<&'static IncidentRules, RulesError> {
        static SHIPPED: std::sync::OnceLock<Result<IncidentRules, String>> =
            std::sync::OnceLock::new();
        SHIPPED
            .get_or_init(|| Self::embedded().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| RulesError::Parse {
                file: "incident.toml".to_string(),
                message: e.clone(),
            })
    }

    /// Parses and checks the two files: known names, levels 1–4, no two
    /// cells for the same asset × impact × severity, versions in order
    /// without overlap, URL sources, calendar dates in their year.
    pub fn parse(incident: &str, holidays: &str) -> Result<IncidentRules, RulesError> {
        const FILE: &str = "incident.toml";
        let raw: RawIncidentFile = toml::from_str(incident).map_err(|e| parse_err(FILE, e))?;
        let mut versions = Vec::new();
        for v in raw.version {
            let date = |s: &str| parse_date(s).map_err(|e| schema(FILE, &v.id, e));
            let confidence = Confidence::parse(&v.confidence)
                .ok_or_else(|| schema(FILE, &v.id, "unknown confidence"))?;
            if !v.source.starts_with("https://") {
                return Err(schema(FILE, &v.id, "source must be a URL"));
            }
            let hours_ok = v.notify_hours > 0
                && v.review_hours
                    .iter()
                    .chain(&v.recover_hours)
                    .all(|h| *h > 0);
            if !hours_ok || v.report_months == 0 {
                return Err(schema(FILE, &v.id, "every period must be positive"));
            }
            let mut cells: Vec<Cell> = Vec::new();
            for (asset, impact, severity, level) in &v.cells {
                let asset = AssetClass::parse(asset)
                    .ok_or_else(|| schema(FILE, &v.id, format!("unknown asset {asset:?}")))?;
                let known = match impact.as_str() {
                    "confidentiality" | "integrity" => {
                        matches!(Severity::parse(severity), Some(s) if s != Severity::None)
                    }
                    "availability" => {
                        matches!(Availability::parse(severity), Some(a) if a != Availability::None)
                    }
                    _ => false,
                };
                if !known || !(1..=4).contains(level) {
                    return Err(schema(
                        FILE,
                        &v.id,
                        format!("bad cell {impact:?} {severity:?} {level}"),
                    ));
                }
                if cells
                    .iter()
                    .any(|c| c.asset == asset && c.impact == *impact && c.severity == *severity)
                {
                    return Err(schema(
                        FILE,
                        &v.id,
                        format!("two cells for {} {impact} {severity}", asset.as_str()),
                    ));
                }
                cells.push(Cell {
                    asset,
                    impact: impact.clone(),
                    severity: severity.clone(),
                    level: *level,
                });
            }
            versions.push(IncidentVersion {
                effective_from: date(&v.effective_from)?,
                effective_to: v.effective_to.as_deref().map(date).transpose()?,
                id: v.id.clone(),
                regulation: v.regulation,
                source: v.source,
                confidence,
                note: v.note,
                notify_hours: v.notify_hours,
                review_hours: v.review_hours,
                recover_hours: v.recover_hours,
                report_months: v.report_months,
                cells,
            });
        }
        versions.sort_by_key(|v| v.effective_from);
        for w in versions.windows(2) {
            if w[0].effective_to.is_none_or(|t| t > w[1].effective_from) {
                return Err(RulesError::Overlap {
                    file: FILE.to_string(),
                    a: w[0].id.clone(),
                    b: w[1].id.clone(),
                });
            }
        }
        Ok(IncidentRules {
            versions,
            calendar: Self::parse_calendar(holidays)?,
        })
    }

    fn parse_calendar(text: &str) -> Result<Calendar, RulesError> {
        const FILE: &str = "holidays.toml";
        let raw: RawHolidayFile = toml::from_str(text).map_err(|e| parse_err(FILE, e))?;
        let mut c = Calendar::default();
        for y in raw.year {
            let id = y.year.to_string();
            if Confidence::parse(&y.confidence).is_none() || y.source.is_empty() {
                return Err(schema(FILE, &id, "a source and a known confidence"));
            }
            if !c.years.insert(y.year) {
                return Err(schema(FILE, &id, "listed twice"));
            }
            for (list, saturday) in [(&y.days_off, false), (&y.workdays, true)] {
                for s in list {
                    let d = parse_date(s).map_err(|e| schema(FILE, &id, e))?;
                    let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
                    if d.year() != y.year || weekend != saturday {
                        return Err(schema(
                            FILE,
                            &id,
                            format!(
                                "{s}: a day off is a weekday, a workday a weekend day, in the year"
                            ),
                        ));
                    }
                    if saturday {
                        c.workdays.insert(d);
                    } else {
                        c.days_off.insert(d);
                    }
                }
            }
        }
        Ok(c)
    }

    /// The version in force on `on`.
    pub fn version_on(&self, on: Date) -> Option<&IncidentVersion> {
        self.versions.iter().find(|v| v.in_force_on(on))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn rules() -> IncidentRules {
        IncidentRules::embedded().expect("shipped incident rules")
    }

    fn facts(asset: &str, c: &str, i: &str, a: &str) -> Facts {
        Facts {
            asset: AssetClass::parse(asset).expect("asset"),
            confidentiality: Severity::parse(c).expect("c"),
            integrity: Severity::parse(i).expect("i"),
            availability: Availability::parse(a).expect("a"),
        }
    }

    /// Every cell of art. 2 (2018 text) as the regulation words it.
    #[test]
    fn every_cell_of_the_2018_table() {
        let r = rules();
        let v = r.version_on(date!(2025 - 06 - 01)).expect("in force");
        assert_eq!(v.id, "2018-11-21");
        type Row = (&'static str, [Option<u8>; 2], [Option<u8>; 2]);
        let table: &[Row] = &[
            // asset, (C|I minor, serious), (A within, beyond)
            ("non_core", [Some(1), Some(2)], [Some(1), Some(2)]),
            ("core", [Some(2), Some(3)], [Some(2), Some(3)]),
            ("core_ci", [Some(3), Some(4)], [Some(3), Some(4)]),
            ("official_secret", [Some(3), Some(4)], [None, None]),
            ("sensitive", [Some(3), Some(4)], [None, None]),
            ("state_secret", [Some(4), Some(4)], [None, None]),
        ];
        for (asset, ci, a) in table {
            for (k, sev) in ["minor", "serious"].into_iter().enumerate() {
                assert_eq!(
                    v.level(&facts(asset, sev, "none", "none")),
                    ci[k],
                    "{asset} C {sev}"
                );
                assert_eq!(
                    v.level(&facts(asset, "none", sev, "none")),
                    ci[k],
                    "{asset} I {sev}"
                );
            }
            for (k, av) in ["within_mtd", "beyond_mtd"].into_iter().enumerate() {
                assert_eq!(
                    v.level(&facts(asset, "none", "none", av)),
                    a[k],
                    "{asset} A {av}"
                );
            }
            assert_eq!(v.level(&facts(asset, "none", "none", "none")), None);
        }
        // the highest impact decides
        assert_eq!(
            v.level(&facts("core", "minor", "none", "beyond_mtd")),
            Some(3)
        );
    }

    #[test]
    fn the_2026_text_drops_sensitive_information() {
        let r = rules();
        let old = r.version_on(date!(2026 - 01 - 04)).expect("2018");
        let new = r.version_on(date!(2026 - 01 - 05)).expect("2026");
        assert_eq!(
            (old.id.as_str(), new.id.as_str()),
            ("2018-11-21", "2026-01-05")
        );
        assert_eq!(
            old.level(&facts("sensitive", "minor", "none", "none")),
            Some(3)
        );
        assert_eq!(
            new.level(&facts("sensitive", "minor", "none", "none")),
            None
        );
        assert_eq!(
            new.level(&facts("official_secret", "minor", "none", "none")),
            Some(3)
        );
        assert!(r.version_on(date!(2018 - 12 - 31)).is_none());
    }

    #[test]
    fn hours_run_across_days_months_and_years() {
        let r = rules();
        let v = r.version_on(date!(2026 - 12 - 31)).expect("2026");
        // aware 2026-12-31 23:30 Taipei, a level 3: notify by 00:30 on New
        // Year's Day, recover within 36 h, the review 2 h after notifying
        let aware = datetime!(2026-12-31 23:30 +8);
        let c = v.clocks(
            Some(3),
            aware,
            Some(datetime!(2027-01-01 00:10 +8)),
            None,
            &r.calendar,
        );
        assert_eq!(c.notify_by, datetime!(2027-01-01 00:30 +8));
        assert_eq!(c.review_by, Some(datetime!(2027-01-01 02:10 +8)));
        assert_eq!(c.recover_by, Some(datetime!(2027-01-02 11:30 +8)));
        assert_eq!(c.report_by, None);
        // given in UTC, answered in Taipei time; level 1: 8 h, 72 h
        let c = v.clocks(
            Some(1),
            datetime!(2026-02-28 20:00 UTC),
            Some(datetime!(2026-02-28 20:30 UTC)),
            None,
            &r.calendar,
        );
        assert_eq!(c.notify_by, datetime!(2026-03-01 05:00 +8));
        assert_eq!(c.review_by, Some(datetime!(2026-03-01 12:30 +8)));
        assert_eq!(c.recover_by, Some(datetime!(2026-03-04 04:00 +8)));
        // no level: no review, recovery or report clock
        let c = v.clocks(None, aware, Some(aware), Some(aware), &r.calendar);
        assert_eq!((c.review_by, c.recover_by, c.report_by), (None, None, None));
    }

    #[test]
    fn the_report_month_follows_article_48_and_the_office_calendar() {
        let r = rules();
        let cal = &r.calendar;
        let at = |y: i32, m: u8, d: u8| {
            PrimitiveDateTime::new(
                Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), d)
                    .expect("date"),
                Time::from_hms(15, 0, 0).expect("time"),
            )
            .assume_offset(TAIPEI)
        };
        let eod = |y: i32, m: u8, d: u8| Some(at(y, m, d).replace_time(end_of_day()));
        // recovered 3/31 → 4/30 (a Thursday in 2026)
        assert_eq!(cal.months_after(at(2026, 3, 31), 1), eod(2026, 4, 30));
        // recovered 1/30 → no 1/31 + 1 month: the end of February (Saturday
        // 2026-02-28 → the next workday, Monday 3/2, at noon)
        assert_eq!(
            cal.months_after(at(2026, 1, 30), 1),
            Some(at(2026, 3, 2).replace_time(noon()))
        );
        // a leap February: recovered 2024-01-30 → 2024-02-29 (Thursday)
        assert_eq!(cal.months_after(at(2024, 1, 30), 1), eod(2024, 2, 29));
        // recovered 2026-01-16 → 2/16, the Lunar New Year's Eve: the days off
        // run to 2/22 (Sunday) → Monday 2/23
        assert_eq!(cal.months_after(at(2026, 1, 16), 1), eod(2026, 2, 23));
        // recovered 2026-09-25 → 10/25 (Sunday) → 10/26 is a substitute day
        // off → Tuesday 10/27
        assert_eq!(cal.months_after(at(2026, 9, 25), 1), eod(2026, 10, 27));
        // recovered 2025-01-08 → 2/8, a Saturday that is a workday: it stands
        assert_eq!(cal.months_after(at(2025, 1, 8), 1), eod(2025, 2, 8));
        // to the year's end: recovered 2026-11-30 → 12/31 (Thursday)
        assert_eq!(cal.months_after(at(2026, 11, 30), 1), eod(2026, 12, 31));
        // the Taipei date counts: 2026-03-30 17:00 UTC is 3/31 01:00 in Taipei
        assert_eq!(
            cal.months_after(datetime!(2026-03-30 17:00 UTC), 1),
            eod(2026, 4, 30)
        );
        assert!(cal.knows(2026) && !cal.knows(2030));
    }

    #[test]
    fn bad_data_is_refused() {
        let bad_cell = INCIDENT_TOML.replacen(
            "[\"non_core\", \"confidentiality\", \"minor\", 1]",
            "[\"non_core\", \"confidentiality\", \"minor\", 5]",
            1,
        );
        assert!(IncidentRules::parse(&bad_cell, HOLIDAYS_TOML).is_err());
        let twice = INCIDENT_TOML.replacen(
            "[\"non_core\", \"confidentiality\", \"serious\", 2]",
            "[\"non_core\", \"confidentiality\", \"minor\", 2]",
            1,
        );
        assert!(IncidentRules::parse(&twice, HOLIDAYS_TOML).is_err());
        let overlap = INCIDENT_TOML.replacen(
            "effective_to = \"2026-01-05\"",
            "effective_to = \"2026-02-01\"",
            1,
        );
        assert!(matches!(
            IncidentRules::parse(&overlap, HOLIDAYS_TOML),
            Err(RulesError::Overlap { .. })
        ));
        let sunday = HOLIDAYS_TOML.replacen("\"2026-02-27\"", "\"2026-03-01\"", 1);
        assert!(IncidentRules::parse(INCIDENT_TOML, &sunday).is_err());
    }
}
