//! Password policy. Defaults follow seed 003 (資通安全維護計畫範本): at least 8
//! characters mixing at least 3 of upper case, lower case, digits and symbols,
//! changed every 90 days; deployments configure their own values.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub min_classes: usize,
    pub max_age_days: i64,
    /// How many previous passwords may not be reused.
    pub history: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            min_classes: 3,
            max_age_days: 90,
            history: 3,
        }
    }
}

/// Why a password was refused; each has a stable code for localisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PolicyViolation {
    TooShort {
        min: usize,
    },
    TooFewClasses {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    ContainsUsername,
    Reused {
        history: usize,
    },
    /// One of the commonest passwords (the shipped list).
    Common,
}

impl PolicyViolation {
    pub fn code(&self) -> &'static str {
        match self {
            PolicyViolation::TooShort { .. } => "password.too_short",
            PolicyViolation::TooFewClasses { .. } => "password.too_few_classes",
            PolicyViolation::TooLong { .. } => "password.too_long",
            PolicyViolation::ContainsUsername => "password.contains_username",
            PolicyViolation::Reused { .. } => "password.reused",
            PolicyViolation::Common => "password.common",
        }
    }
}

/// The longest password accepted (bounds hashing work per request).
pub const MAX_PASSWORD_LEN: usize = 256;

impl PasswordPolicy {
    /// Checks a candidate password; returns every violation, not just the first.
    pub fn check(&self, password: &str, username: &str) -> Vec<PolicyViolation> {
        let mut v = Vec::new();
        let len = password.chars().count();
        if len < self.min_length {
            v.push(PolicyViolation::TooShort {
                min: self.min_length,
            });
        }
        if len > MAX_PASSWORD_LEN {
            v.push(PolicyViolation::TooLong {
                max: MAX_PASSWORD_LEN,
            });
        }
        if classes(password) < self.min_classes {
            v.push(PolicyViolation::TooFewClasses {
                min: self.min_classes,
            });
        }
        let u = username.trim().to_lowercase();
        if u.len() >= 3 && password.to_lowercase().contains(&u) {
            v.push(PolicyViolation::ContainsUsername);
        }
        if is_common(password) {
            v.push(PolicyViolation::Common);
        }
        v
    }

    /// Whether a password set at `changed_at` (unix seconds) has expired at `now`.
    pub fn is_expired(&self, changed_at: i64, now: i64) -> bool {
        self.max_age_days > 0 && now - changed_at > self.max_age_days * 86_400
    }
}

/// The shipped list of common passwords (`data/common-passwords.txt`, its
/// header says where it comes from).
const COMMON: &str = include_str!("../data/common-passwords.txt");

/// Whether the password is on the list of common passwords, ignoring case
/// and surrounding spaces.
pub fn is_common(password: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    let set = SET.get_or_init(|| {
        COMMON
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });
    let p = password.trim().to_lowercase();
    set.contains(p.as_str())
}

/// Number of character classes present: upper-case letters, lower-case
/// letters, digits, and everything else (symbols, and caseless scripts such as
/// Chinese characters).
pub fn classes(p: &str) -> usize {
    let upper = p.chars().any(char::is_uppercase);
    let lower = p.chars().any(char::is_lowercase);
    let digit = p.chars().any(|c| c.is_ascii_digit());
    let other = p
        .chars()
        .any(|c| !c.is_ascii_digit() && !c.is_uppercase() && !c.is_lowercase());
    [upper, lower, digit, other].iter().filter(|b| **b).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_003_defaults() {
        let p = PasswordPolicy::default();
        assert!(p.check("Kestrel-Rain-7", "wang").is_empty());
        assert!(
            p.check("abcdef12", "wang")
                .contains(&PolicyViolation::TooFewClasses { min: 3 })
        );
        assert!(
            p.check("Ab1!", "wang")
                .contains(&PolicyViolation::TooShort { min: 8 })
        );
        assert!(
            p.check("Wang2026!x", "wang")
                .contains(&PolicyViolation::ContainsUsername)
        );
        // Chinese characters count as "other" characters, not letters of a case
        assert_eq!(classes("資安Ab"), 3);
    }

    #[test]
    fn the_commonest_passwords_are_refused_whatever_their_case() {
        let p = PasswordPolicy::default();
        for pw in [
            "Password1",
            "P@ssw0rd",
            "PASSWORD1",
            "p@SSw0rd",
            "Welcome1!",
            "Qwerty123!",
        ] {
            assert!(
                p.check(pw, "wang").contains(&PolicyViolation::Common),
                "{pw}"
            );
        }
        assert!(!is_common("Kestrel-Rain-7"));
        assert!(!is_common(
            "# Common passwords refused by the password policy"
        ));
        assert_eq!(PolicyViolation::Common.code(), "password.common");
    }

    #[test]
    fn expiry_after_90_days() {
        let p = PasswordPolicy::default();
        assert!(!p.is_expired(0, 90 * 86_400));
        assert!(p.is_expired(0, 90 * 86_400 + 1));
        let never = PasswordPolicy {
            max_age_days: 0,
            ..p
        };
        assert!(!never.is_expired(0, i64::MAX / 2));
    }
}
