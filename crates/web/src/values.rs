//! Values shared by the API and the pages: parsing timestamps, numbers
//! typed into form fields and yes/no query flags (each failure a validation
//! error naming the field), and formatting times for JSON.

use time::OffsetDateTime;
use zian_app::AppError;
use zian_i18n::msg;

/// An RFC 3339 timestamp, or a date (midnight Asia/Taipei).
pub fn time(field: &str, s: &str) -> Result<i64, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(AppError::invalid(field, msg!("reason.required")));
    }
    if let Ok(t) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Ok(t.unix_timestamp());
    }
    let d = zian_domain::day::parse("date", s).map_err(|e| match e {
        zian_domain::DomainError::Invalid { reason, .. } => AppError::invalid(field, reason),
        _ => AppError::invalid(field, msg!("reason.date")),
    })?;
    Ok(d.midnight().assume_utc().unix_timestamp() - zian_domain::day::TAIPEI_OFFSET_SECS)
}

/// Unix seconds as RFC 3339 (UTC), as the API writes times.
pub fn rfc3339(t: i64) -> String {
    OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// An optional date as the API writes it (`YYYY-MM-DD`).
pub fn ymd(d: Option<time::Date>) -> Option<String> {
    d.map(zian_domain::day::ymd)
}

/// A whole number typed into a form field (blank: none).
pub fn number(field: &str, s: Option<&str>) -> Result<Option<u32>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, msg!("reason.whole_number"))),
    }
}

/// A yes/no flag of a query string (`true`/`1`, `false`/`0`, absent: no).
pub fn flag(pairs: &[(String, String)], key: &str) -> Result<bool, AppError> {
    match pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim()) {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") | Some("on") => Ok(true),
        Some(_) => Err(AppError::invalid(key, msg!("reason.bool"))),
    }
}

/// `YYYY-MM-DDTHH:MM` in Asia/Taipei, as a `datetime-local` input shows.
pub fn local(t: Option<i64>) -> String {
    t.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
        .map(|d| {
            let d = d.to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC));
            format!(
                "{}-{:02}-{:02}T{:02}:{:02}",
                d.year(),
                u8::from(d.month()),
                d.day(),
                d.hour(),
                d.minute()
            )
        })
        .unwrap_or_default()
}

/// A submitted form's fields by name (checkboxes and repeated inputs
/// repeat their name).
pub struct Fields<'a>(pub &'a [(String, String)]);

impl Fields<'_> {
    /// The first value of `k` (empty when absent).
    pub fn one(&self, k: &str) -> String {
        self.0
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    /// The value of `k` unless blank.
    pub fn opt(&self, k: &str) -> Option<String> {
        Some(self.one(k)).filter(|v| !v.trim().is_empty())
    }
    /// Every non-blank value of `k`.
    pub fn many(&self, k: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, v)| n == k && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }
    /// A whole number (blank: none).
    pub fn num(&self, k: &str) -> Result<Option<u32>, AppError> {
        number(k, Some(&self.one(k)))
    }
    /// A required whole number.
    pub fn count(&self, k: &str) -> Result<u32, AppError> {
        self.num(k)?
            .ok_or_else(|| AppError::invalid(k, msg!("reason.required")))
    }
    /// A yes/no checkbox or hidden field (`1`, `true`, `on`).
    pub fn yes(&self, k: &str) -> bool {
        matches!(self.one(k).trim(), "1" | "true" | "on")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_taipei_midnight() {
        assert_eq!(time("t", "2026-11-21").unwrap(), 1_795_190_400);
        assert_eq!(
            time("t", "2026-11-21T00:00:00+08:00").unwrap(),
            time("t", "2026-11-21").unwrap()
        );
        assert!(time("t", "").is_err());
        assert_eq!(number("n", Some(" 3 ")).unwrap(), Some(3));
        assert!(number("n", Some("x")).is_err());
    }
}
