//! The storage layer's error type.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("a record with the same {0} already exists")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Domain(#[from] zian_domain::DomainError),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("backup format error: {0}")]
    Backup(String),
}

impl StoreError {
    /// Maps unique-constraint violations to [`StoreError::Conflict`].
    pub(crate) fn from_db(e: sqlx::Error, what: &'static str) -> StoreError {
        if let sqlx::Error::Database(d) = &e {
            let msg = d.message().to_lowercase();
            if msg.contains("unique") || msg.contains("duplicate key") {
                return StoreError::Conflict(what);
            }
        }
        StoreError::Db(e)
    }
}
