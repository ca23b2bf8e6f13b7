//! The VANS KPIs of seed 004, computed from findings as recorded (every
//! number comes with the records behind it: the rows it counted).
//!
//! - **Handled within a week** (KPI 2-3 of 112, 2-2 of 113; targets 70 %
//!   and 75 %): of the confirmed findings with a CVSS base score of 7.0 or
//!   more notified in the month (Asia/Taipei), the share handled (處置:
//!   fixed, verified, accepted, false positive, not applicable) within 7 ×
//!   24 hours of notification.
//! - **Agencies not fixing within a month** (the Kaohsiung sub-plan,
//!   target < 30 %): of the agencies with at least one CVSS ≥ 7 finding
//!   notified in the month that a person assessed as needing a fix, the
//!   share with at least one such finding not fixed within 30 days of its
//!   notification (a finding whose 30 days have not run out yet is not a
//!   failure yet).
//! - **VANS coverage**: of the agencies at responsibility level C or above,
//!   the share with an inventory committed in the last 30 days.
//! - **Notification rate** (通報率, target 100 %): of the same agencies, the
//!   share that joined VANS (committed an inventory at least once).
//! - **Time to remediate**: days from notification to the fix of the
//!   findings fixed in the month, mean and 90th percentile, by severity.

use std::collections::BTreeMap;

use serde::Serialize;
use zian_i18n::msg;

use super::{FindingStatus, Severity};
use crate::{DomainError, FindingId, OrgId, day};

/// Seven days, in seconds.
pub const WEEK: i64 = 7 * 86_400;
/// Thirty days, in seconds ("one month" of the Kaohsiung definition).
pub const THIRTY_DAYS: i64 = 30 * 86_400;
/// CVSS 7.0 in tenths.
pub const HIGH: i64 = 70;

/// A calendar month in Asia/Taipei.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Month {
    pub year: i32,
    pub month: u8,
}

impl Month {
    /// `YYYY-MM`.
    pub fn parse(field: &'static str, s: &str) -> Result<Month, DomainError> {
        let bad = || DomainError::Invalid {
            field,
            reason: msg!("reason.vulns.month"),
        };
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        let (year, month) = (
            y.parse::<i32>().map_err(|_| bad())?,
            m.parse::<u8>().map_err(|_| bad())?,
        );
        if y.len() != 4
            || m.len() != 2
            || !(1..=12).contains(&month)
            || !(1990..=2100).contains(&year)
        {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    /// The month of an instant in Asia/Taipei.
    pub fn of(unix: i64) -> Month {
        let d = day::of_unix(unix);
        Month {
            year: d.year(),
            month: u8::from(d.month()),
        }
    }

    fn first_day(self) -> time::Date {
        let m = time::Month::try_from(self.month).unwrap_or(time::Month::January);
        time::Date::from_calendar_date(self.year, m, 1).unwrap_or(time::Date::MIN)
    }

    /// When the month begins (unix seconds).
    pub fn start(self) -> i64 {
        day::taipei_start(self.first_day())
    }

    /// When the next month begins.
    pub fn end(self) -> i64 {
        self.next().start()
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The `n` months ending with this one, oldest first.
    pub fn last(self, n: usize) -> Vec<Month> {
        let mut v = vec![self];
        while v.len() < n {
            let p = v[v.len() - 1].prev();
            v.push(p);
        }
        v.reverse();
        v
    }

    pub fn contains(self, unix: i64) -> bool {
        (self.start()..self.end()).contains(&unix)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A confirmed finding as the KPIs read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiRow {
    pub id: FindingId,
    pub org_id: OrgId,
    pub score: Option<i64>,
    pub status: FindingStatus,
    pub notified_at: i64,
    pub handled_at: Option<i64>,
    pub fixed_at: Option<i64>,
    /// A person assessed it as needing a fix (or planned or fixed it).
    pub assessed_fix: bool,
}

impl KpiRow {
    /// A confirmed finding as the KPIs read it (none for a possible one).
    pub fn of(f: &super::Finding) -> Option<KpiRow> {
        if f.certainty != super::Certainty::Confirmed {
            return None;
        }
        // assessed as needing a fix: by the assessment itself, a plan or a
        // fix (only people plan and fix), or a verification after one
        let decided = f.decided_at.is_some() || f.verified_by.is_some();
        let assessed_fix = match f.status {
            FindingStatus::NeedsFix | FindingStatus::Planned | FindingStatus::Fixed => true,
            FindingStatus::Verified => decided,
            _ => false,
        };
        Some(KpiRow {
            id: f.id.clone(),
            org_id: f.org_id.clone(),
            score: f.score,
            status: f.status,
            notified_at: f.notified_at,
            handled_at: f.handled_at,
            fixed_at: f.fixed_at,
            assessed_fix,
        })
    }

    pub fn is_high(&self) -> bool {
        self.score.is_some_and(|s| s >= HIGH)
    }
    /// Handled within seven days of notification.
    pub fn handled_in_week(&self) -> bool {
        self.handled_at
            .is_some_and(|h| h - self.notified_at <= WEEK)
    }
    /// Not fixed within thirty days of notification, as of `now`.
    pub fn fix_late(&self, now: i64) -> bool {
        match self.fixed_at {
            Some(f) => f - self.notified_at > THIRTY_DAYS,
            None => now - self.notified_at > THIRTY_DAYS,
        }
    }
}

/// A share: how many of how many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ratio {
    pub numerator: u64,
    pub denominator: u64,
}

impl Ratio {
    /// Per cent, one decimal; none when nothing was counted.
    pub fn percent(self) -> Option<f64> {
        (self.denominator > 0)
            .then(|| (self.numerator as f64 * 1000.0 / self.denominator as f64).round() / 10.0)
    }
}

/// CVSS ≥ 7 confirmed findings of one organisation notified in one month,
/// counted together by what the KPIs ask of them (what the store's
/// aggregate returns; [`tally`] is the same count from rows).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KpiCount {
    pub org_id: OrgId,
    pub month: Month,
    pub handled_in_week: bool,
    pub assessed_fix: bool,
    /// Not fixed within thirty days of notification, as of the count.
    pub fix_late: bool,
    pub n: u64,
}

/// Confirmed findings fixed in one month with the same score and the same
/// days to fix (in tenths of a day, rounded): the time-to-remediate input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FixCount {
    pub score: Option<i64>,
    /// Days from notification to fix, in tenths, rounded half up.
    pub tenths: i64,
    /// Seconds from notification to fix, summed over the findings.
    pub seconds: i64,
    pub n: u64,
}

/// Days to fix in tenths, rounded half up (never negative).
pub fn fix_tenths(seconds: i64) -> i64 {
    (seconds.max(0) * 2 + 8_640) / 17_280
}

/// The KPI counts of `rows` for `months`, as of `now`: the reference for
/// the store's aggregate.
pub fn tally(rows: &[KpiRow], months: &[Month], now: i64) -> Vec<KpiCount> {
    let mut by: BTreeMap<(OrgId, Month, bool, bool, bool), u64> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.is_high()) {
        let Some(m) = months.iter().find(|m| m.contains(r.notified_at)) else {
            continue;
        };
        *by.entry((
            r.org_id.clone(),
            *m,
            r.handled_in_week(),
            r.assessed_fix,
            r.fix_late(now),
        ))
        .or_default() += 1;
    }
    by.into_iter()
        .map(
            |((org_id, month, handled_in_week, assessed_fix, fix_late), n)| KpiCount {
                org_id,
                month,
                handled_in_week,
                assessed_fix,
                fix_late,
                n,
            },
        )
        .collect()
}

/// The fix counts of `rows` fixed in `month`: the reference for the
/// store's aggregate.
pub fn tally_fixes(rows: &[KpiRow], month: Month) -> Vec<FixCount> {
    let mut by: BTreeMap<(Option<i64>, i64), (i64, u64)> = BTreeMap::new();
    for r in rows {
        let Some(f) = r.fixed_at.filter(|f| month.contains(*f)) else {
            continue;
        };
        let secs = (f - r.notified_at).max(0);
        let e = by.entry((r.score, fix_tenths(secs))).or_default();
        e.0 += secs;
        e.1 += 1;
    }
    by.into_iter()
        .map(|((score, tenths), (seconds, n))| FixCount {
            score,
            tenths,
            seconds,
            n,
        })
        .collect()
}

/// KPI 2-3: CVSS ≥ 7 findings notified in `month` handled within a week.
pub fn handled_within_week(counts: &[KpiCount], month: Month) -> Ratio {
    let mut r = Ratio::default();
    for c in counts.iter().filter(|c| c.month == month) {
        r.denominator += c.n;
        if c.handled_in_week {
            r.numerator += c.n;
        }
    }
    r
}

/// The Kaohsiung definition: of the agencies (`agency_of` maps an
/// organisation to its agency) with a CVSS ≥ 7 finding notified in `month`
/// and assessed as needing a fix, those with at least one not fixed within
/// thirty days (as of when the counts were taken).
pub fn agencies_not_fixed_within_month(
    counts: &[KpiCount],
    month: Month,
    agency_of: impl Fn(&OrgId) -> Option<OrgId>,
) -> Ratio {
    let mut late: BTreeMap<OrgId, bool> = BTreeMap::new();
    for c in counts
        .iter()
        .filter(|c| c.assessed_fix && c.month == month && c.n > 0)
    {
        let Some(a) = agency_of(&c.org_id) else {
            continue;
        };
        *late.entry(a).or_default() |= c.fix_late;
    }
    Ratio {
        numerator: late.values().filter(|l| **l).count() as u64,
        denominator: late.len() as u64,
    }
}

/// VANS coverage: of the agencies at level C or above (`(level C or above,
/// last inventory committed at)`), those with an inventory in the thirty
/// days before `now`.
pub fn coverage(agencies: &[(bool, Option<i64>)], now: i64) -> Ratio {
    let mut r = Ratio::default();
    for (c_or_above, last) in agencies {
        if !c_or_above {
            continue;
        }
        r.denominator += 1;
        r.numerator += u64::from(last.is_some_and(|t| now - t <= THIRTY_DAYS));
    }
    r
}

/// The notification rate (通報率, seed 004: C-level agencies joined to VANS,
/// target 100 %): of the agencies at level C or above, those that have
/// ever committed an inventory (so VANS matches and notifies them).
pub fn notification_rate(agencies: &[(bool, Option<i64>)]) -> Ratio {
    let mut r = Ratio::default();
    for (c_or_above, last) in agencies {
        if *c_or_above {
            r.denominator += 1;
            r.numerator += u64::from(last.is_some());
        }
    }
    r
}

/// Endpoints inventoried over endpoints declared (VANS coverage, seed
/// 004): of the organisations that declared how many endpoints they have
/// (`(hosts inventoried, endpoints declared)`; none: not declared), the
/// hosts their latest match read, each counted up to its declaration (an
/// agency inventorying more than it declared does not make up for one that
/// inventoried less), over the endpoints declared.
pub fn endpoint_coverage(agencies: &[(u64, Option<u64>)]) -> Ratio {
    let mut r = Ratio::default();
    for (hosts, declared) in agencies {
        if let Some(d) = declared {
            r.denominator += d;
            r.numerator += (*hosts).min(*d);
        }
    }
    r
}

/// Days from notification to fix of the findings fixed in a month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Remediation {
    pub fixed: u64,
    /// Mean days, one decimal.
    pub mean_days: Option<f64>,
    /// 90th percentile (nearest rank), one decimal.
    pub p90_days: Option<f64>,
}

/// Time to remediate by severity (`critical`, `high`, …, and `all`) of the
/// findings fixed in one month (`fixes`: [`tally_fixes`] or the store's
/// aggregate for that month).
pub fn time_to_remediate(fixes: &[FixCount]) -> BTreeMap<String, Remediation> {
    // severity → (tenths → findings), seconds, findings
    type Acc = (BTreeMap<i64, u64>, i64, u64);
    let mut by: BTreeMap<String, Acc> = BTreeMap::new();
    for f in fixes.iter().filter(|f| f.n > 0) {
        for key in [Severity::of_tenths(f.score).as_str(), "all"] {
            let e = by.entry(key.to_owned()).or_default();
            *e.0.entry(f.tenths).or_default() += f.n;
            e.1 += f.seconds;
            e.2 += f.n;
        }
    }
    by.into_iter()
        .map(|(k, (dist, seconds, n))| {
            let mean = seconds as f64 / 86_400.0 / n as f64;
            // nearest rank: the smallest value with at least 90 % at or below it
            let rank = (((n as f64) * 0.9).ceil() as u64).clamp(1, n);
            let mut seen = 0;
            let mut p90 = 0;
            for (t, c) in dist {
                seen += c;
                if seen >= rank {
                    p90 = t;
                    break;
                }
            }
            (
                k,
                Remediation {
                    fixed: n,
                    mean_days: Some((mean * 10.0).round() / 10.0),
                    p90_days: Some(p90 as f64 / 10.0),
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-01 00:00 Asia/Taipei.
    const NOV: i64 = 1_793_462_400;

    fn row(n: u32, org: &str, score: i64, notified: i64) -> KpiRow {
        KpiRow {
            id: FindingId::from(format!("f{n}")),
            org_id: OrgId::from(org),
            score: Some(score),
            status: FindingStatus::New,
            notified_at: notified,
            handled_at: None,
            fixed_at: None,
            assessed_fix: false,
        }
    }

    #[test]
    fn months_are_taipei_months() {
        let m = Month::parse("month", "2026-11").unwrap();
        assert_eq!(m.start(), NOV);
        assert_eq!(m.end(), NOV + 30 * 86_400);
        assert!(m.contains(NOV));
        assert!(!m.contains(NOV - 1), "23:59:59 on 31 October in Taipei");
        assert_eq!(Month::of(NOV - 1).to_string(), "2026-10");
        assert_eq!(
            Month::parse("m", "2026-12").unwrap().next().to_string(),
            "2027-01"
        );
        assert_eq!(
            m.last(3)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["2026-09", "2026-10", "2026-11"]
        );
        for bad in ["2026-13", "2026-1", "26-11", "x", "2026-00", "1900-01"] {
            assert!(Month::parse("month", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn handled_within_a_week_counts_cvss_7_notified_in_the_month() {
        let m = Month::parse("m", "2026-11").unwrap();
        let mut a = row(1, "o", 98, NOV + 3600);
        a.handled_at = Some(NOV + 3600 + WEEK); // exactly a week: in time
        let mut b = row(2, "o", 75, NOV + 3600);
        b.handled_at = Some(NOV + 3600 + WEEK + 1); // a second late
        let c = row(3, "o", 70, NOV + 10 * 86_400); // not handled
        let d = row(4, "o", 69, NOV + 3600); // below 7.0: not counted
        let e = row(5, "o", 98, NOV - 1); // October: not counted
        let mut f = row(6, "o", 80, NOV + 29 * 86_400);
        f.handled_at = Some(NOV + 31 * 86_400); // handled in December, within the week
        let r = handled_within_week(
            &tally(&[a, b, c, d, e, f], &m.last(2), NOV + 40 * 86_400),
            m,
        );
        assert_eq!(
            r,
            Ratio {
                numerator: 2,
                denominator: 4
            }
        );
        assert_eq!(r.percent(), Some(50.0));
        assert_eq!(
            Ratio {
                numerator: 2,
                denominator: 3
            }
            .percent(),
            Some(66.7)
        );
        assert_eq!(Ratio::default().percent(), None);
    }

    #[test]
    fn agencies_not_fixing_within_a_month() {
        let m = Month::parse("m", "2026-11").unwrap();
        let now = NOV + 45 * 86_400;
        // agency A: one fixed in 10 days, one fixed after 31 days → late
        let mut a1 = row(1, "a", 90, NOV);
        a1.assessed_fix = true;
        a1.fixed_at = Some(NOV + 10 * 86_400);
        let mut a2 = row(2, "a-unit", 90, NOV);
        a2.assessed_fix = true;
        a2.fixed_at = Some(NOV + 31 * 86_400);
        // agency B: fixed in time
        let mut b1 = row(3, "b", 75, NOV + 86_400);
        b1.assessed_fix = true;
        b1.fixed_at = Some(NOV + 2 * 86_400);
        // agency C: notified on the 20th, not fixed, 25 days ago: not late yet
        let mut c1 = row(4, "c", 75, NOV + 20 * 86_400);
        c1.assessed_fix = true;
        // agency D: not fixed after 45 days → late
        let mut d1 = row(5, "d", 75, NOV);
        d1.assessed_fix = true;
        // agency E: not assessed as needing a fix → not counted
        let e1 = row(6, "e", 98, NOV);
        let agency = |o: &OrgId| Some(OrgId::from(o.as_str().split('-').next().unwrap_or("")));
        let r = agencies_not_fixed_within_month(
            &tally(&[a1, a2, b1, c1, d1, e1], &[m], now),
            m,
            agency,
        );
        assert_eq!(
            r,
            Ratio {
                numerator: 2,
                denominator: 4
            }
        );
    }

    #[test]
    fn coverage_and_time_to_remediate() {
        let now = NOV + 40 * 86_400;
        let r = coverage(
            &[
                (true, Some(now - 86_400)),
                (true, Some(now - 31 * 86_400)),
                (true, None),
                (false, None),
            ],
            now,
        );
        assert_eq!(
            r,
            Ratio {
                numerator: 1,
                denominator: 3
            }
        );
        let joined = notification_rate(&[
            (true, Some(now - 86_400)),
            (true, Some(now - 31 * 86_400)),
            (true, None),
            (false, Some(now)),
        ]);
        assert_eq!(
            (joined.numerator, joined.denominator),
            (2, 3),
            "an old inventory still counts as joined"
        );
        let m = Month::parse("m", "2026-11").unwrap();
        let rows: Vec<KpiRow> = (1..=10)
            .map(|i| {
                let mut x = row(i, "o", if i <= 5 { 98 } else { 50 }, NOV - 86_400);
                x.fixed_at = Some(NOV - 86_400 + i64::from(i) * 86_400);
                x
            })
            .collect();
        let t = time_to_remediate(&tally_fixes(&rows, m));
        // fixed on days 1..10 after notification, all in November
        assert_eq!(t["all"].fixed, 10);
        assert_eq!(t["all"].mean_days, Some(5.5));
        assert_eq!(t["all"].p90_days, Some(9.0));
        assert_eq!(t["critical"].mean_days, Some(3.0));
        assert_eq!(t["critical"].p90_days, Some(5.0));
        assert_eq!(t["medium"].fixed, 5);
        // rounding: 1.25 days is 12.5 tenths → 1.3; a fix "before" the
        // notification counts as none
        assert_eq!(fix_tenths(108_000), 13);
        assert_eq!(fix_tenths(107_999), 12);
        assert_eq!(fix_tenths(-5), 0);
        let mut odd = row(11, "o", 98, NOV);
        odd.fixed_at = Some(NOV + 108_000);
        let t = time_to_remediate(&tally_fixes(&[odd], m));
        assert_eq!(t["all"].p90_days, Some(1.3));
        assert_eq!(t["all"].mean_days, Some(1.3));
    }

    #[test]
    fn endpoint_coverage_counts_each_agency_up_to_its_declaration() {
        // 80 of 100, 120 of 100 (counted as 100), 5 of none (not declared),
        // 0 of 20: (80 + 100 + 0) / (100 + 100 + 20) = 180 / 220
        let r = endpoint_coverage(&[(80, Some(100)), (120, Some(100)), (5, None), (0, Some(20))]);
        assert_eq!((r.numerator, r.denominator), (180, 220));
        assert_eq!(r.percent(), Some(81.8));
        assert_eq!(endpoint_coverage(&[(3, None)]).percent(), None);
    }
}
