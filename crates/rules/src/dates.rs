//! Date arithmetic for deadlines and periods.
//!
//! Deadlines "within N months/years of the level assignment" follow 行政程序法 §48 as the moda FAQ 07
//! applies it (tw-regulations.md §3.3): the period starts the day after the event; it ends on the
//! day before the corresponding day of the last month, or on the last day of that month when it has
//! no corresponding day (completion 3/31 + 1 month → 4/30; 1/30 + 1 month → end of February).

use time::{Date, Month};

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<Date, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if s.len() != 10 {
        return Err("expected exactly 10 characters".to_string());
    }
    Date::parse(s, &fmt).map_err(|e| e.to_string())
}

/// Formats as `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn month_from(m: u8) -> Option<Month> {
    Month::try_from(m).ok()
}

/// (year, month 1–12) plus `add` months.
fn ym_add(year: i32, month: u8, add: u32) -> (i64, u8) {
    let total = i64::from(year) * 12 + i64::from(month) - 1 + i64::from(add);
    let m = total.rem_euclid(12) as u8 + 1;
    (total.div_euclid(12), m)
}

/// Last day of the given month, `None` outside `time`'s range.
pub fn end_of_month(year: i64, month: u8) -> Option<Date> {
    let y = i32::try_from(year).ok()?;
    let m = month_from(month)?;
    Date::from_calendar_date(y, m, m.length(y)).ok()
}

/// `d` plus `months`, with the day clamped to the end of a shorter month.
pub fn add_months_clamped(d: Date, months: u32) -> Option<Date> {
    let (y, m) = ym_add(d.year(), u8::from(d.month()), months);
    let y = i32::try_from(y).ok()?;
    let mo = month_from(m)?;
    let day = d.day().min(mo.length(y));
    Date::from_calendar_date(y, mo, day).ok()
}

/// Last day of a period of `months` months that begins the day after `event` (行政程序法 §48).
pub fn period_end(event: Date, months: u32) -> Option<Date> {
    let start = event.next_day()?;
    let (y, m) = ym_add(start.year(), u8::from(start.month()), months);
    let yi = i32::try_from(y).ok()?;
    let mo = month_from(m)?;
    if start.day() <= mo.length(yi) {
        Date::from_calendar_date(yi, mo, start.day())
            .ok()?
            .previous_day()
    } else {
        end_of_month(y, m)
    }
}

/// End of the calendar period of `months` months (6, 12, 24 or 36) that contains `d`; periods of 24
/// or 36 months are blocks of calendar years starting with the year of `d`.
pub fn calendar_period_end(d: Date, months: u32) -> Option<Date> {
    match months {
        6 => {
            if u8::from(d.month()) <= 6 {
                end_of_month(i64::from(d.year()), 6)
            } else {
                end_of_month(i64::from(d.year()), 12)
            }
        }
        m if m % 12 == 0 && m > 0 => end_of_month(i64::from(d.year()) + i64::from(m / 12) - 1, 12),
        _ => None,
    }
}

/// The `k`-th successor of a calendar-period end (keeps month ends).
pub fn calendar_step(first_end: Date, months: u32, k: u32) -> Option<Date> {
    let (y, m) = ym_add(
        first_end.year(),
        u8::from(first_end.month()),
        months.checked_mul(k)?,
    );
    end_of_month(y, m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn section_48_examples_from_moda_faq_07() {
        // completion 3/31 → report due 4/30; 1/30 → end of February (tw-regulations.md §3.3)
        assert_eq!(
            period_end(date!(2024 - 03 - 31), 1),
            Some(date!(2024 - 04 - 30))
        );
        assert_eq!(
            period_end(date!(2023 - 01 - 30), 1),
            Some(date!(2023 - 02 - 28))
        );
        assert_eq!(
            period_end(date!(2024 - 01 - 30), 1),
            Some(date!(2024 - 02 - 29))
        );
        assert_eq!(
            period_end(date!(2024 - 03 - 15), 12),
            Some(date!(2025 - 03 - 15))
        );
        assert_eq!(
            period_end(date!(2024 - 02 - 29), 12),
            Some(date!(2025 - 02 - 28))
        );
        assert_eq!(
            period_end(date!(2024 - 12 - 31), 24),
            Some(date!(2026 - 12 - 31))
        );
    }

    #[test]
    fn calendar_periods() {
        assert_eq!(
            calendar_period_end(date!(2024 - 06 - 30), 6),
            Some(date!(2024 - 06 - 30))
        );
        assert_eq!(
            calendar_period_end(date!(2024 - 07 - 01), 6),
            Some(date!(2024 - 12 - 31))
        );
        assert_eq!(
            calendar_period_end(date!(2024 - 03 - 01), 24),
            Some(date!(2025 - 12 - 31))
        );
        assert_eq!(
            calendar_step(date!(2024 - 06 - 30), 6, 1),
            Some(date!(2024 - 12 - 31))
        );
        assert_eq!(
            calendar_step(date!(2024 - 06 - 30), 6, 2),
            Some(date!(2025 - 06 - 30))
        );
        assert_eq!(calendar_period_end(date!(2024 - 03 - 01), 5), None);
    }

    #[test]
    fn parse_rejects_bad_dates() {
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("2024-2-3").is_err());
        assert!(parse_date("24-02-03x").is_err());
        assert_eq!(parse_date("2024-02-29"), Ok(date!(2024 - 02 - 29)));
        assert_eq!(format_date(date!(2024 - 02 - 09)), "2024-02-09");
    }
}
