//! ROC (民國) calendar dates for official forms: ROC year = Gregorian year − 1911.

use time::Date;

/// `民國115年11月21日` style.
pub fn format_roc(d: Date) -> String {
    let y = d.year() - 1911;
    if y >= 1 {
        format!("民國{}年{}月{}日", y, u8::from(d.month()), d.day())
    } else {
        format!("民國前{}年{}月{}日", 1 - y, u8::from(d.month()), d.day())
    }
}

/// Compact `115/11/21` style used in tables.
pub fn format_roc_short(d: Date) -> String {
    format!(
        "{}/{:02}/{:02}",
        d.year() - 1911,
        u8::from(d.month()),
        d.day()
    )
}

/// An instant as an official form prints it, in Asia/Taipei:
/// `民國115年3月15日 14:05`.
pub fn format_roc_time(unix: i64) -> String {
    let secs = unix.saturating_add(crate::day::TAIPEI_OFFSET_SECS);
    let day = crate::day::of_unix(unix);
    let of_day = secs.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}",
        format_roc(day),
        of_day / 3600,
        of_day % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn roc_years() {
        assert_eq!(format_roc(date!(2026 - 11 - 21)), "民國115年11月21日");
        assert_eq!(format_roc(date!(1912 - 01 - 01)), "民國1年1月1日");
        assert_eq!(format_roc(date!(1911 - 12 - 31)), "民國前1年12月31日");
        assert_eq!(format_roc_short(date!(2026 - 01 - 05)), "115/01/05");
    }

    #[test]
    fn instants_print_in_taipei_time() {
        // 2026-03-15T06:05:00Z is 14:05 in Taipei
        assert_eq!(format_roc_time(1_773_554_700), "民國115年3月15日 14:05");
        // 16:30Z is half past midnight of the next day in Taipei
        assert_eq!(format_roc_time(1_773_592_200), "民國115年3月16日 00:30");
    }
}
