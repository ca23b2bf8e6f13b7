//! What a form or a JSON body typed, checked into the domain's bounded
//! text and dates (each refusal names its field): shared by the modules
//! whose inputs are mostly free text.

use zian_domain::Text;

use crate::Result;

/// Text of 1 to `N` characters.
pub(crate) fn text<const N: usize>(field: &'static str, v: &str) -> Result<String> {
    Ok(Text::<N>::parse(field, v)?.into_string())
}

/// Text that may be empty, at most `N` characters.
pub(crate) fn opt_text<const N: usize>(field: &'static str, v: &str) -> Result<String> {
    let v = v.trim();
    if v.is_empty() {
        Ok(String::new())
    } else {
        text::<N>(field, v)
    }
}

/// Several lines of text, at most `N` characters.
pub(crate) fn memo<const N: usize>(field: &'static str, v: &str) -> Result<String> {
    Ok(zian_domain::text::Memo::<N>::parse(field, v)?.into_string())
}

/// A `YYYY-MM-DD` day, or none when blank.
pub(crate) fn day_opt(field: &'static str, v: &Option<String>) -> Result<Option<time::Date>> {
    Ok(zian_domain::day::parse_opt(
        field,
        v.as_deref().map(str::trim).filter(|s| !s.is_empty()),
    )?)
}
