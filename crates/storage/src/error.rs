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
    /// Maps a unique-key violation (as the database driver classifies it) to
    /// [`StoreError::Conflict`].
    pub(crate) fn from_db(e: sqlx::Error, what: &'static str) -> StoreError {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(what),
            _ => StoreError::Db(e),
        }
    }

    /// Whether the database refused text holding a NUL character
    /// (PostgreSQL text cannot hold one).
    pub fn is_nul_in_text(&self) -> bool {
        matches!(self, StoreError::Db(e) if e.to_string().contains("0x00"))
    }
}
