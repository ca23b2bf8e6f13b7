//! The crate's single error type.

use std::path::PathBuf;

/// Every error the vulnerability engine can return.
#[derive(Debug, thiserror::Error)]
pub enum VulnError {
    /// Reading a file or stream failed.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file (or `-` for a stream) being read.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Writing output failed.
    #[error("cannot write output: {0}")]
    Write(std::io::Error),
    /// A feed file is not valid JSON at the top level (the records read before
    /// the error are kept; this is reported for the file as a whole).
    #[error("feed {feed}: malformed JSON: {message}")]
    FeedSyntax {
        /// Name of the feed file.
        feed: String,
        /// serde_json's message (with line and column).
        message: String,
    },
    /// The content of a file was not recognised as any supported feed.
    #[error("feed {feed}: unrecognised content ({reason})")]
    UnknownFeed {
        /// Name of the feed file.
        feed: String,
        /// Why detection failed.
        reason: String,
    },
    /// The inventory file could not be read.
    #[error("inventory {path}: line {line}: {message}")]
    Inventory {
        /// Inventory file.
        path: PathBuf,
        /// 1-based line (0 when not applicable).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// An inventory asset name cannot be used for matching.
    #[error("asset {name:?}: {reason}")]
    BadAsset {
        /// The CPE (or vendor/product/version) as given.
        name: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The embedded alias table is malformed (a build defect).
    #[error("alias table: {0}")]
    AliasTable(String),
    /// An HTTP request of the NVD API client failed.
    #[error("HTTP GET {url}: {message}")]
    Http {
        /// The URL requested (without the API key).
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The NVD API answered with an error status after all retries.
    #[error("NVD API {url}: status {status} after {attempts} attempts")]
    ApiStatus {
        /// The URL requested.
        url: String,
        /// Last HTTP status.
        status: u16,
        /// Number of attempts made.
        attempts: u32,
    },
    /// A compiled feed store cannot be used (missing, corrupt, truncated or
    /// of another format version).
    #[error("feed store {path}: {reason}")]
    Store {
        /// The store directory or file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A date/time argument was invalid.
    #[error("invalid date-time {value:?}: {reason}")]
    DateTime {
        /// The value given.
        value: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The NVD sync state of an output directory is missing, unreadable or
    /// inconsistent (for example: a first run without `--since`).
    #[error("NVD sync state {path}: {message}")]
    SyncState {
        /// The state file.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
}

impl VulnError {
    /// Build an [`VulnError::Io`] for a path.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        VulnError::Io {
            path: path.into(),
            source,
        }
    }
}
