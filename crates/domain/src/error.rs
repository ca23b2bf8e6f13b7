//! The domain layer's error type.

use zian_i18n::{Msg, msg};

/// Errors raised by domain rules. Each carries a stable code used by the upper
/// layers to pick a localised message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("invalid value for {field}: {reason}")]
    Invalid { field: &'static str, reason: Msg },
    #[error("the organisation cannot be moved under its own subtree")]
    MoveIntoOwnSubtree,
}

impl DomainError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid { .. } => "validation",
            DomainError::MoveIntoOwnSubtree => "org.move_into_subtree",
        }
    }
}

/// The value of `all` named `s` (by `name`), or `reason.unknown_value` for
/// `field`: the parser of a closed set of named values.
pub(crate) fn parse_named<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    field: &'static str,
    s: &str,
) -> Result<T, DomainError> {
    all.iter()
        .copied()
        .find(|x| name(*x) == s)
        .ok_or_else(|| DomainError::Invalid {
            field,
            reason: msg!("reason.unknown_value", value = s),
        })
}
