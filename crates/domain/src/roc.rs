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
}
