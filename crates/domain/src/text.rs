//! Bounded text: what people type into a field, trimmed, checked once and
//! then carried as a type. `Text<N>` is required (1 to N characters);
//! `Memo<N>` may be empty. Neither holds NUL or control characters other
//! than line breaks and tabs (PostgreSQL text cannot hold NUL).

use serde::Serialize;
use zian_i18n::msg;

use crate::DomainError;

/// The one rule every text input follows, on both databases: no NUL
/// (U+0000), which PostgreSQL text cannot hold and SQLite would keep (so an
/// SQLite archive could not be restored into PostgreSQL). `Text` and `Memo`
/// apply it; inputs that are not bounded text (an uploaded file's name) call
/// it directly.
pub fn no_nul(field: &'static str, v: &str) -> Result<(), DomainError> {
    if v.contains('\0') {
        return Err(DomainError::Invalid {
            field,
            reason: msg!("reason.control_chars"),
        });
    }
    Ok(())
}

fn check(field: &'static str, v: &str, max: usize, required: bool) -> Result<String, DomainError> {
    no_nul(field, v)?;
    let t = v.trim();
    if required && t.is_empty() {
        return Err(DomainError::Invalid {
            field,
            reason: msg!("reason.required"),
        });
    }
    if t.chars().count() > max {
        return Err(DomainError::Invalid {
            field,
            reason: msg!("reason.at_most_chars", max = max),
        });
    }
    if t.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(DomainError::Invalid {
            field,
            reason: msg!("reason.control_chars"),
        });
    }
    Ok(t.to_string())
}

macro_rules! bounded {
    ($(#[$doc:meta])* $name:ident, $required:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
        #[serde(transparent)]
        pub struct $name<const MAX: usize>(String);

        impl<const MAX: usize> $name<MAX> {
            /// Checks text typed into `field`.
            pub fn parse(field: &'static str, v: &str) -> Result<Self, DomainError> {
                check(field, v, MAX, $required).map($name)
            }
            /// Text read back from storage, which was checked when written
            /// (a limit lowered later does not make old records unreadable).
            pub fn stored(v: String) -> Self {
                $name(v)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }
        impl<const MAX: usize> std::ops::Deref for $name<MAX> {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl<const MAX: usize> std::fmt::Display for $name<MAX> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl<const MAX: usize> PartialEq<str> for $name<MAX> {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl<const MAX: usize> PartialEq<&str> for $name<MAX> {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
        impl<const MAX: usize> From<$name<MAX>> for String {
            fn from(t: $name<MAX>) -> String {
                t.0
            }
        }
    };
}

bounded!(
    /// Required text of 1 to `MAX` characters.
    Text,
    true
);
bounded!(
    /// Optional text of at most `MAX` characters (may be empty).
    Memo,
    false
);

impl<const MAX: usize> Text<MAX> {
    /// An optional field: blank is `None`.
    pub fn parse_opt(field: &'static str, v: Option<&str>) -> Result<Option<Self>, DomainError> {
        match v.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => Self::parse(field, s).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_trimming() {
        assert_eq!(Text::<5>::parse("f", " 資安長 ").unwrap(), "資安長");
        assert!(Text::<5>::parse("f", "   ").is_err());
        assert!(Text::<2>::parse("f", "資安長").is_err());
        assert!(Text::<9>::parse("f", "a\u{0}b").is_err());
        assert_eq!(Memo::<9>::parse("f", " ").unwrap(), "");
        assert!(Memo::<9>::parse("f", "a\nb").is_ok());
        assert_eq!(Text::<9>::parse_opt("f", Some(" ")).unwrap(), None);
    }
}
