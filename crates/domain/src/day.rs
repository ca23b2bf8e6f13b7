//! Calendar dates. Every date of the platform (due dates, assignment and
//! review dates, approval dates) is a `time::Date` in the Asia/Taipei
//! calendar; it is stored and exchanged as `YYYY-MM-DD`, parsed and formatted
//! only here. Times stay unix seconds.

use time::{Date, OffsetDateTime};
use zian_i18n::msg;

use crate::DomainError;

/// Taiwan has used UTC+8 without daylight saving since 1979.
pub const TAIPEI_OFFSET_SECS: i64 = 8 * 3600;

/// The earliest date a person may enter: anything before is a typo (0000,
/// 1900) rather than a record of this programme.
pub const EARLIEST: Date = time::macros::date!(1990 - 01 - 01);
/// The latest date a person may enter (9999 is a typo, not a plan).
pub const LATEST: Date = time::macros::date!(2100 - 12 - 31);

/// Parses a date a person entered: `YYYY-MM-DD` (surrounding blanks
/// ignored) between [`EARLIEST`] and [`LATEST`].
pub fn parse(field: &'static str, s: &str) -> Result<Date, DomainError> {
    let d = parse_stored(s).ok_or_else(|| invalid(field))?;
    if !(EARLIEST..=LATEST).contains(&d) {
        return Err(DomainError::Invalid {
            field,
            reason: msg!("reason.date_range", from = ymd(EARLIEST), to = ymd(LATEST)),
        });
    }
    Ok(d)
}

/// Reads a stored `YYYY-MM-DD` (no plausibility window: what was stored is
/// read back as it is).
pub fn parse_stored(s: &str) -> Option<Date> {
    let s = s.trim();
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if s.len() != 10 {
        return None;
    }
    Date::parse(s, &fmt).ok()
}

/// Parses an optional date: absent or blank is `None`.
pub fn parse_opt(field: &'static str, s: Option<&str>) -> Result<Option<Date>, DomainError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => parse(field, v).map(Some),
    }
}

fn invalid(field: &'static str) -> DomainError {
    DomainError::Invalid {
        field,
        reason: msg!("reason.date"),
    }
}

/// `YYYY-MM-DD`.
pub fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The Asia/Taipei calendar date of an instant.
pub fn taipei(t: OffsetDateTime) -> Date {
    (t + time::Duration::seconds(TAIPEI_OFFSET_SECS)).date()
}

/// The Asia/Taipei calendar date of a unix time.
pub fn of_unix(unix: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(unix.saturating_add(TAIPEI_OFFSET_SECS))
        .map(|t| t.date())
        .unwrap_or(Date::MIN)
}

/// The unix time at which a calendar date begins in Asia/Taipei.
pub fn taipei_start(d: Date) -> i64 {
    d.midnight().assume_utc().unix_timestamp() - TAIPEI_OFFSET_SECS
}

/// Adds whole years, clamping 29 February to 28 February.
pub fn add_years(d: Date, years: i32) -> Date {
    let y = d.year() + years;
    Date::from_calendar_date(y, d.month(), d.day())
        .or_else(|_| Date::from_calendar_date(y, d.month(), 28))
        .unwrap_or(d)
}

/// Serde as `YYYY-MM-DD` (`#[serde(with = "zian_domain::day::serde_ymd")]`).
pub mod serde_ymd {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::ymd(*d))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        super::parse("date", &s).map_err(serde::de::Error::custom)
    }
}

/// Serde of an optional date as `YYYY-MM-DD` or null.
pub mod serde_opt_ymd {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&super::ymd(*d)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        super::parse_opt("date", s.as_deref()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn parse_and_format() {
        assert_eq!(parse("d", " 2026-11-21 ").unwrap(), date!(2026 - 11 - 21));
        assert!(parse("d", "2026-2-1").is_err());
        assert!(parse("d", "2026-02-30").is_err());
        assert_eq!(parse_opt("d", Some("  ")).unwrap(), None);
        assert_eq!(ymd(date!(2026 - 01 - 05)), "2026-01-05");
        // 2026-11-20 16:30 UTC is already the 21st in Taipei
        assert_eq!(of_unix(1_795_192_200), date!(2026 - 11 - 21));
        assert_eq!(add_years(date!(2024 - 02 - 29), 1), date!(2025 - 02 - 28));
    }

    #[test]
    fn typed_dates_must_be_plausible_but_stored_ones_are_read_as_they_are() {
        for typo in ["0000-01-01", "9999-12-31", "1900-01-01", "2101-01-01"] {
            let e = parse("d", typo).unwrap_err();
            assert!(
                matches!(&e, DomainError::Invalid { reason, .. } if reason.key() == "reason.date_range"),
                "{typo}: {e:?}"
            );
            assert!(parse_stored(typo).is_some(), "{typo}");
        }
        assert!(parse("d", "1990-01-01").is_ok() && parse("d", "2100-12-31").is_ok());
    }
}
