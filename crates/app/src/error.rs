//! The application layer's error type. Each variant has a stable code that the
//! web layer maps to an HTTP status and a localised message, in one place.

use zian_domain::password::PolicyViolation;
use zian_domain::{Denied, DomainError};
use zian_i18n::{Msg, msg};
use zian_rules::RulesError;
use zian_storage::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not authenticated")]
    Unauthenticated,
    #[error("session expired")]
    SessionExpired,
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("account locked until {until}")]
    Locked { until: i64 },
    #[error("too many attempts; try again later")]
    Throttled,
    #[error("wrong verification code")]
    InvalidCode,
    #[error("not permitted")]
    Forbidden,
    /// Also returned for records outside the caller's scope, so that nothing
    /// tells the caller whether they exist.
    #[error("not found")]
    NotFound,
    #[error("invalid {field}: {reason}")]
    Validation { field: String, reason: Msg },
    #[error("password does not meet the policy")]
    PasswordPolicy(Vec<PolicyViolation>),
    /// The record exists already or changed meanwhile; the code names which
    /// (`conflict.<code>` in the catalogue).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Several problems at once (a plan's content, a plan not ready to be
    /// submitted), each with where it is and what is wrong.
    #[error("{} problems ({code})", problems.len())]
    Problems {
        code: &'static str,
        problems: Vec<Problem>,
    },
    /// A rating (or scale setting) outside the allowed range: risk inputs
    /// are checked against the organisation's own scale.
    #[error("invalid {field}: {value} outside {min}..={max}")]
    OutOfScale {
        field: String,
        value: u32,
        min: u32,
        max: u32,
    },
    /// A scale change refused because these risks (id, asset) are rated above
    /// the new scale.
    #[error("{} risks are rated above the new scale", risks.len())]
    ScaleConflict { risks: Vec<(String, String)> },
    #[error("internal error")]
    Internal(String),
}

/// One problem of [`AppError::Problems`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where (a field path or a chapter key).
    pub path: String,
    pub message: Msg,
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "auth.required",
            AppError::SessionExpired => "auth.session_expired",
            AppError::InvalidCredentials => "auth.invalid_credentials",
            AppError::Locked { .. } => "auth.locked",
            AppError::Throttled => "auth.throttled",
            AppError::InvalidCode => "auth.invalid_code",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Validation { .. } => "validation",
            AppError::PasswordPolicy(_) => "password.policy",
            AppError::Conflict(_) => "conflict",
            AppError::Problems { code, .. } => code,
            AppError::OutOfScale { .. } => "risk.out_of_scale",
            AppError::ScaleConflict { .. } => "risk.scale_conflict",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn invalid(field: &str, reason: Msg) -> AppError {
        AppError::Validation {
            field: field.to_string(),
            reason,
        }
    }

    /// A rule engine's refusal of what a person entered, as a validation
    /// error of `field`.
    pub fn rules(field: &str, e: &RulesError) -> AppError {
        let reason = match e {
            RulesError::InvalidOverride { code, .. } => {
                Msg::new(format!("reason.compliance.override.{code}"))
            }
            RulesError::UnknownQuestion(q) => msg!("reason.systems.unknown_question", question = q),
            RulesError::Unanswered(q) => msg!("reason.systems.unanswered", question = q),
            RulesError::UnknownOption {
                question,
                option,
                expected,
            } => msg!(
                "reason.systems.unknown_option",
                question = question,
                option = option,
                values = expected
            ),
            // the rest are refused before the rules see them; should one
            // slip through, its detail is the engine's own (English) text
            other => msg!("reason.rules", detail = other),
        };
        AppError::invalid(field, reason)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(what) => AppError::Conflict(what),
            StoreError::Domain(d) => d.into(),
            // PostgreSQL text cannot hold NUL; refuse such input as invalid
            ref e if e.is_nul_in_text() => AppError::invalid("body", msg!("reason.control_chars")),
            other => {
                tracing::error!(error = %other, "storage error");
                AppError::Internal(other.to_string())
            }
        }
    }
}

impl From<Denied> for AppError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::NotFound => AppError::NotFound,
            Denied::Forbidden => AppError::Forbidden,
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, reason } => AppError::Validation {
                field: field.to_string(),
                reason,
            },
            DomainError::MoveIntoOwnSubtree => {
                AppError::invalid("parent_id", msg!("reason.orgs.into_own_subtree"))
            }
        }
    }
}
