//! The crate's error type.

/// Why a CVSS vector string was rejected.
///
/// Every variant names the offending component so that a user can fix the vector.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    /// The input was empty (or only whitespace).
    #[error("empty vector")]
    Empty,
    /// A `CVSS:x.y/` prefix naming a version this crate does not know.
    #[error(
        "unsupported CVSS version prefix '{0}': vector must start with CVSS:2.0/, CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/ (or be a bare v2 vector)"
    )]
    UnsupportedVersion(String),
    /// The vector uses metrics of a version that requires a prefix, but has none.
    #[error("vector must start with {0}")]
    MissingPrefix(&'static str),
    /// An empty component, e.g. from `//` or a trailing `/`.
    #[error("empty component in vector (doubled or trailing '/')")]
    EmptyComponent,
    /// A component that is not of the form `METRIC:VALUE`.
    #[error("malformed component '{0}': expected METRIC:VALUE")]
    MalformedComponent(String),
    /// A metric name that does not exist in this CVSS version.
    #[error("unknown metric {metric} for CVSS v{version}")]
    UnknownMetric {
        /// The metric abbreviation as written.
        metric: String,
        /// The CVSS version of the vector ("2.0", "3.0", "3.1", "4.0").
        version: &'static str,
    },
    /// A value that the metric does not allow.
    #[error("unknown value {value} for metric {metric}")]
    UnknownValue {
        /// The metric abbreviation.
        metric: &'static str,
        /// The value as written.
        value: String,
    },
    /// The same metric given twice.
    #[error("duplicate metric {0}")]
    DuplicateMetric(&'static str),
    /// A metric written after a metric that the specification places after it. Only CVSS v4.0
    /// fixes the order (v4.0 specification section 7: base metrics in order, then the optional
    /// metrics in the specification's order); v2 and v3.x vectors may list metrics in any order.
    #[error("metric {metric} out of order: CVSS v{version} requires it before {before}")]
    OutOfOrder {
        /// The metric found out of place.
        metric: &'static str,
        /// The metric written before it that the specification places after it.
        before: &'static str,
        /// The CVSS version of the vector ("4.0").
        version: &'static str,
    },
    /// A mandatory (base) metric is absent.
    #[error("missing mandatory metric {0}")]
    MissingMetric(&'static str),
    /// Parentheses around a v2 vector that do not balance.
    #[error("unbalanced parentheses around vector")]
    UnbalancedParentheses,
}
