//! The domain layer's error type.

use zian_i18n::Msg;

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
