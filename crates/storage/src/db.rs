//! Connection, migrations and shared SQL helpers.

use std::str::FromStr;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use zian_domain::OrgScope;

use crate::{Result, StoreError};

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Corrupt(
                "database URL must start with sqlite: or postgres://".into(),
            ))
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The SQL store for both backends.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

impl SqlStore {
    /// Connects (creating an SQLite file when needed) without migrating.
    pub async fn connect(url: &str) -> Result<SqlStore> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        if backend == Backend::Sqlite {
            // validate the URL early for a clear message
            let _ = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
        }
        let opts = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .acquire_timeout(std::time::Duration::from_secs(15))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 15000").await?;
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            });
        let pool = opts.connect(url).await?;
        Ok(SqlStore { pool, backend })
    }

    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> Result<SqlStore> {
        let s = Self::connect(url).await?;
        s.migrate().await?;
        Ok(s)
    }

    pub async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// The migrations known to this build, as (version, description).
    pub fn known_migrations() -> Vec<(i64, String)> {
        MIGRATOR
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The SQL condition restricting `path_col` to the scope, with its bind
/// values; placeholders are numbered from `first`. An empty scope yields a
/// condition that is always false.
pub fn scope_sql(scope: &OrgScope, path_col: &str, first: usize) -> (String, Vec<String>) {
    if scope.is_empty() {
        return ("1 = 0".to_string(), Vec::new());
    }
    let mut parts = Vec::new();
    let mut binds = Vec::new();
    for (i, root) in scope.roots().iter().enumerate() {
        parts.push(format!("{path_col} LIKE ${}", first + i));
        binds.push(format!("{root}%"));
    }
    (format!("({})", parts.join(" OR ")), binds)
}

// ---- row helpers (the Any driver knows i64, f64, String, bool and bytes)

pub(crate) fn s(row: &AnyRow, col: &str) -> Result<String> {
    Ok(row.try_get::<String, _>(col)?)
}
pub(crate) fn os(row: &AnyRow, col: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}
pub(crate) fn i(row: &AnyRow, col: &str) -> Result<i64> {
    Ok(row.try_get::<i64, _>(col)?)
}
pub(crate) fn oi(row: &AnyRow, col: &str) -> Result<Option<i64>> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}
pub(crate) fn b(row: &AnyRow, col: &str) -> Result<bool> {
    Ok(i(row, col)? != 0)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
pub(crate) fn like_pattern(q: &str) -> String {
    let mut out = String::with_capacity(q.len() + 2);
    out.push('%');
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Runs a paged list query: counts the rows of `from_where`, then selects
/// `cols` from it in `order` with the query's limit and offset.
pub(crate) async fn fetch_page<T>(
    pool: &AnyPool,
    cols: &str,
    from_where: &str,
    order: &str,
    binds: &[String],
    q: &crate::ListQuery,
    map: impl Fn(&AnyRow) -> Result<T>,
) -> Result<crate::Page<T>> {
    let count_sql = format!("SELECT COUNT(*) AS n {from_where}");
    let mut cq = sqlx::query(&count_sql);
    for b in binds {
        cq = cq.bind(b.clone());
    }
    let total = i(&cq.fetch_one(pool).await?, "n")?;
    let (limit, offset) = (q.clamped_limit(), q.offset.max(0));
    let sql = format!("SELECT {cols} {from_where} ORDER BY {order} LIMIT {limit} OFFSET {offset}");
    let mut lq = sqlx::query(&sql);
    for b in binds {
        lq = lq.bind(b.clone());
    }
    let rows = lq.fetch_all(pool).await?;
    Ok(crate::Page {
        items: rows.iter().map(map).collect::<Result<_>>()?,
        total,
        limit,
        offset,
    })
}
