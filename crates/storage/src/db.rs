//! Connection, migrations and the SQL helpers every aggregate uses: a small
//! statement builder that numbers `$n` placeholders, the scope condition,
//! column readers, and the one paged-list query.

use std::sync::Arc;

use std::str::FromStr;
use zian_domain::audit::AuditKey;

use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Executor, Row};
use time::Date;
use zian_domain::list::COUNT_CAP;
use zian_domain::{ListQuery, OrgScope, Page};

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

/// The SQL store for both backends. It implements every aggregate's trait,
/// each in that aggregate's module.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// Signs every audit entry and the head when set (see
    /// `zian_domain::audit`).
    pub(crate) audit_key: Option<Arc<AuditKey>>,
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
                    if backend == Backend::Postgres {
                        // solid-state storage, as every server this runs on
                        // has: a random read costs about a sequential one.
                        // With the default (4, spinning disks) the planner
                        // hashes every asset of a deployment to join a small
                        // bureau's page of findings (30 ms instead of 2 ms).
                        conn.execute("SET random_page_cost = 1.1").await?;
                    }
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
        Ok(SqlStore {
            pool,
            backend,
            audit_key: None,
        })
    }

    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> Result<SqlStore> {
        let s = Self::connect(url).await?;
        s.migrate().await?;
        Ok(s)
    }

    pub async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        self.decode_base64_evidence().await?;
        self.number_risks().await?;
        self.tune_statistics().await?;
        Ok(())
    }

    /// On PostgreSQL, statistics that know every organisation: a column
    /// whose rows are spread over hundreds of organisations keeps the most
    /// common values of each (up to 1,000, not the default 100), so a small
    /// agency's findings are estimated as the few they are instead of the
    /// average (the planner otherwise hashes every asset of the deployment
    /// to join one bureau's 500 findings: 30 ms instead of 2 ms). A column
    /// attribute, idempotent; SQLite has no equivalent and needs none (its
    /// planner reads the indexes' own statistics).
    async fn tune_statistics(&self) -> Result<()> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        for table in ["vuln_findings", "assets", "asset_software"] {
            sqlx::query(&format!(
                "ALTER TABLE {table} ALTER COLUMN org_id SET STATISTICS 1000"
            ))
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// The migrations known to this build, as (version, description).
    pub fn known_migrations() -> Vec<(i64, String)> {
        MIGRATOR
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    /// The store that signs the audit chain with `key` from now on.
    #[must_use]
    pub fn with_audit_key(mut self, key: AuditKey) -> SqlStore {
        self.audit_key = Some(Arc::new(key));
        self
    }

    pub fn audit_key(&self) -> Option<&AuditKey> {
        self.audit_key.as_deref()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1 AS one").fetch_one(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Gathers the planner's statistics (`ANALYZE`) after a bulk load, as
    /// PostgreSQL's autovacuum would within minutes; without them a table
    /// that grew from nothing is planned as if it were still empty.
    pub async fn analyze(&self) -> Result<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    /// After a bulk load: on PostgreSQL `VACUUM (ANALYZE)` (statistics, and
    /// the visibility map index-only scans need), on SQLite `ANALYZE`.
    pub async fn vacuum_analyze(&self) -> Result<()> {
        let sql = match self.backend {
            Backend::Postgres => "VACUUM (ANALYZE)",
            Backend::Sqlite => "ANALYZE",
        };
        sqlx::query(sql).execute(&self.pool).await?;
        Ok(())
    }
}

// ---- statements

/// A value bound to a placeholder (the `Any` driver knows text, integers,
/// reals and bytes; booleans are stored as 0/1).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
    Bytes(Option<Vec<u8>>),
}

impl From<Vec<u8>> for Arg {
    fn from(v: Vec<u8>) -> Self {
        Arg::Bytes(Some(v))
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_string()))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_string))
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<u32> for Arg {
    fn from(v: u32) -> Self {
        Arg::Int(Some(i64::from(v)))
    }
}
impl From<Option<u32>> for Arg {
    fn from(v: Option<u32>) -> Self {
        Arg::Int(v.map(i64::from))
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Int(Some(i64::from(v)))
    }
}
impl From<Date> for Arg {
    fn from(v: Date) -> Self {
        Arg::Text(Some(zian_domain::day::ymd(v)))
    }
}
impl From<Option<Date>> for Arg {
    fn from(v: Option<Date>) -> Self {
        Arg::Text(v.map(zian_domain::day::ymd))
    }
}
macro_rules! text_args {
    ($($t:ty),*) => {$(
        impl From<&$t> for Arg {
            fn from(v: &$t) -> Self {
                Arg::Text(Some(v.to_string()))
            }
        }
        impl From<Option<&$t>> for Arg {
            fn from(v: Option<&$t>) -> Self {
                Arg::Text(v.map(|x| x.to_string()))
            }
        }
    )*};
}
text_args!(
    zian_domain::OrgId,
    zian_domain::UserId,
    zian_domain::SystemId,
    zian_domain::RiskId,
    zian_domain::PlanId,
    zian_domain::EvidenceId,
    zian_domain::AssetId,
    zian_domain::ImportId,
    zian_domain::IncidentId,
    zian_domain::ProcessId,
    zian_domain::ActivationId,
    zian_domain::DrillId,
    zian_domain::CampaignId,
    zian_domain::ActionId,
    zian_domain::AuditId,
    zian_domain::VendorId,
    zian_domain::ShareId,
    zian_domain::TrainingId,
    zian_domain::ManagementReviewId,
    zian_domain::ImplementationReportId,
    zian_domain::PeopleFormId,
    zian_domain::AreaEntryId,
    zian_domain::ChecklistId,
    zian_domain::MaturityProgrammeId,
    zian_domain::MaturityReportId,
    zian_domain::IntelId,
    zian_domain::ThreatNoticeId,
    zian_domain::ThreatResponseId,
    zian_domain::CoverageReportId
);
impl<const N: usize> From<&zian_domain::Text<N>> for Arg {
    fn from(v: &zian_domain::Text<N>) -> Self {
        Arg::Text(Some(v.to_string()))
    }
}
impl<const N: usize> From<&zian_domain::Memo<N>> for Arg {
    fn from(v: &zian_domain::Memo<N>) -> Self {
        Arg::Text(Some(v.to_string()))
    }
}

/// A statement under construction: text with `$n` placeholders numbered as
/// values are bound, so conditions can be appended in any order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub(crate) fn new(text: impl Into<String>) -> Sql {
        Sql {
            text: text.into(),
            args: Vec::new(),
        }
    }

    /// Appends text.
    pub(crate) fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `v`.
    pub(crate) fn bind(&mut self, v: impl Into<Arg>) -> &mut Sql {
        self.args.push(v.into());
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    /// Appends `text` then a placeholder bound to `v` (`" AND x.org_id = "`).
    pub(crate) fn and(&mut self, text: &str, v: impl Into<Arg>) -> &mut Sql {
        self.push(text).bind(v)
    }

    /// Appends the condition restricting `path_col` to the scope's subtrees;
    /// an empty scope yields a condition that is always false.
    pub(crate) fn scope(&mut self, scope: &OrgScope, path_col: &str) -> &mut Sql {
        if scope.is_empty() {
            return self.push("1 = 0");
        }
        self.push("(");
        for (i, root) in scope.roots().iter().enumerate() {
            if i > 0 {
                self.push(" OR ");
            }
            self.push(path_col).push(" LIKE ").bind(format!("{root}%"));
        }
        self.push(")")
    }

    /// `AND <search over columns>` with the text as a LIKE pattern.
    pub(crate) fn search(&mut self, cols: &[&str], text: &str) -> &mut Sql {
        let pattern = like_pattern(text);
        self.push(" AND (");
        for (i, c) in cols.iter().enumerate() {
            if i > 0 {
                self.push(" OR ");
            }
            self.push(c)
                .push(" LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\'");
        }
        self.push(")")
    }

    /// Puts text (without placeholders) in front.
    pub(crate) fn prepend(&mut self, text: &str) -> &mut Sql {
        self.text.insert_str(0, text);
        self
    }

    /// Appends another statement, renumbering its placeholders after ours.
    pub(crate) fn append(&mut self, other: &Sql) -> &mut Sql {
        let offset = self.args.len();
        let mut chars = other.text.chars().peekable();
        while let Some(c) = chars.next() {
            self.text.push(c);
            if c != '$' {
                continue;
            }
            let mut n = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(*d);
                chars.next();
            }
            match n.parse::<usize>() {
                Ok(k) => self.text.push_str(&(k + offset).to_string()),
                Err(_) => self.text.push_str(&n),
            }
        }
        self.args.extend(other.args.iter().cloned());
        self
    }

    pub(crate) fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for a in &self.args {
            q = match a {
                Arg::Text(v) => q.bind(v.clone()),
                Arg::Int(v) => q.bind(*v),
                // borrowed: a file is not copied to be bound
                Arg::Bytes(v) => q.bind(v.as_deref()),
            };
        }
        q
    }

    pub(crate) async fn fetch_all<'c, E, T>(
        &self,
        ex: E,
        map: fn(&AnyRow) -> Result<T>,
    ) -> Result<Vec<T>>
    where
        E: Executor<'c, Database = Any>,
    {
        self.query().fetch_all(ex).await?.iter().map(map).collect()
    }

    pub(crate) async fn fetch_optional<'c, E, T>(
        &self,
        ex: E,
        map: fn(&AnyRow) -> Result<T>,
    ) -> Result<Option<T>>
    where
        E: Executor<'c, Database = Any>,
    {
        self.query()
            .fetch_optional(ex)
            .await?
            .as_ref()
            .map(map)
            .transpose()
    }

    pub(crate) async fn fetch_one<'c, E>(&self, ex: E) -> Result<AnyRow>
    where
        E: Executor<'c, Database = Any>,
    {
        Ok(self.query().fetch_one(ex).await?)
    }

    /// Runs the statement; returns the rows affected.
    pub(crate) async fn execute<'c, E>(&self, ex: E) -> Result<u64>
    where
        E: Executor<'c, Database = Any>,
    {
        Ok(self.query().execute(ex).await?.rows_affected())
    }
}

/// The columns of a record and their values, written once per record type
/// and used by both its INSERT and its UPDATE.
#[derive(Debug, Default)]
pub(crate) struct Cols(Vec<(&'static str, Arg)>);

impl Cols {
    pub(crate) fn new() -> Cols {
        Cols(Vec::new())
    }
    pub(crate) fn set(mut self, col: &'static str, v: impl Into<Arg>) -> Cols {
        self.0.push((col, v.into()));
        self
    }
    /// The columns and values, in order.
    pub(crate) fn into_pairs(self) -> Vec<(&'static str, Arg)> {
        self.0
    }
    /// `INSERT INTO table (…) VALUES (…)`.
    pub(crate) fn insert(self, table: &str) -> Sql {
        let names: Vec<&str> = self.0.iter().map(|(c, _)| *c).collect();
        let mut q = Sql::new(format!(
            "INSERT INTO {table} ({}) VALUES (",
            names.join(", ")
        ));
        for (i, (_, v)) in self.0.into_iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(v);
        }
        q.push(")");
        q
    }
    /// `INSERT INTO table (…) VALUES (…), (…) …`: one statement for rows
    /// that all set the same columns in the same order (the first row's).
    pub(crate) fn insert_many(rows: Vec<Cols>, table: &str) -> Option<Sql> {
        let mut rows = rows.into_iter();
        let mut q = rows.next()?.insert(table);
        for row in rows {
            q.push(", (");
            for (i, (_, v)) in row.0.into_iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.bind(v);
            }
            q.push(")");
        }
        Some(q)
    }
    /// One `UPDATE` of many rows: `WITH v (…) AS (VALUES (…), …) UPDATE
    /// table SET c = v.c, … FROM v WHERE table.k = v.k …`. Every row sets
    /// the same columns in the same order (the first row's), the `keys`
    /// among them; the others are written. Both databases run it (SQLite
    /// since 3.33).
    pub(crate) fn update_many(rows: Vec<Cols>, table: &str, keys: &[&str]) -> Option<Sql> {
        let mut rows = rows.into_iter();
        let first = rows.next()?;
        let names: Vec<&'static str> = first.0.iter().map(|(c, _)| *c).collect();
        let mut q = Sql::new(format!("WITH v ({}) AS (VALUES ", names.join(", ")));
        for (n, row) in std::iter::once(first).chain(rows).enumerate() {
            q.push(if n == 0 { "(" } else { ", (" });
            for (i, (_, v)) in row.0.into_iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.bind(v);
            }
            q.push(")");
        }
        let set: Vec<String> = names
            .iter()
            .filter(|c| !keys.contains(c))
            .map(|c| format!("{c} = v.{c}"))
            .collect();
        let on: Vec<String> = keys
            .iter()
            .map(|k| format!("{table}.{k} = v.{k}"))
            .collect();
        q.push(&format!(
            ") UPDATE {table} SET {} FROM v WHERE {}",
            set.join(", "),
            on.join(" AND ")
        ));
        Some(q)
    }
    /// `UPDATE table SET … WHERE` (the caller appends the condition).
    pub(crate) fn update(self, table: &str) -> Sql {
        let mut q = Sql::new(format!("UPDATE {table} SET "));
        for (i, (c, v)) in self.0.into_iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push(c).push(" = ").bind(v);
        }
        q.push(" WHERE ");
        q
    }
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

/// Runs a paged list: `from_where` is the `FROM … WHERE …` part with its
/// binds; the total is counted up to [`COUNT_CAP`] rows, so a page costs the
/// same whatever the number of rows in scope.
pub(crate) async fn fetch_page<T>(
    pool: &AnyPool,
    cols: &str,
    from_where: &Sql,
    order: &str,
    q: &ListQuery,
    map: fn(&AnyRow) -> Result<T>,
) -> Result<Page<T>> {
    let mut count = from_where.clone();
    count.text = format!(
        "SELECT COUNT(*) AS n FROM (SELECT 1 AS one {} LIMIT {}) capped",
        from_where.text,
        COUNT_CAP + 1
    );
    let n = i(&count.fetch_one(pool).await?, "n")?;
    let (limit, offset) = (q.clamped_limit(), q.offset.max(0));
    let mut page = from_where.clone();
    page.text = format!(
        "SELECT {cols} {} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        from_where.text
    );
    Ok(Page {
        items: page.fetch_all(pool, map).await?,
        total: n.min(COUNT_CAP),
        total_exact: n <= COUNT_CAP,
        limit,
        offset,
    })
}

/// The sort of a list: a whitelisted column for the name asked for, else the
/// default, with a unique tie-breaker so pages never overlap.
pub(crate) fn order_by(q: &ListQuery, columns: &[(&str, &str)], tie: &str) -> String {
    let col = q
        .sort
        .as_deref()
        .and_then(|s| columns.iter().find(|(k, _)| *k == s))
        .or_else(|| columns.first())
        .map_or(tie, |(_, c)| c);
    let dir = if q.desc { "DESC" } else { "ASC" };
    if col == tie {
        format!("{tie} {dir}")
    } else {
        format!("{col} {dir}, {tie} {dir}")
    }
}

// ---- column readers

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
/// A rating or count stored as an integer.
pub(crate) fn u(row: &AnyRow, col: &str) -> Result<u32> {
    let v = i(row, col)?;
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{col}: {v} out of range")))
}
pub(crate) fn ou(row: &AnyRow, col: &str) -> Result<Option<u32>> {
    oi(row, col)?
        .map(|v| {
            u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{col}: {v} out of range")))
        })
        .transpose()
}
pub(crate) fn date(row: &AnyRow, col: &str) -> Result<Date> {
    let v = s(row, col)?;
    zian_domain::day::parse_stored(&v)
        .ok_or_else(|| StoreError::Corrupt(format!("{col}: bad date {v:?}")))
}
pub(crate) fn odate(row: &AnyRow, col: &str) -> Result<Option<Date>> {
    os(row, col)?
        .map(|v| {
            zian_domain::day::parse_stored(&v)
                .ok_or_else(|| StoreError::Corrupt(format!("{col}: bad date {v:?}")))
        })
        .transpose()
}
/// A JSON column.
pub(crate) fn json<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T> {
    serde_json::from_str(&s(row, col)?).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}
pub(crate) fn ojson<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<Option<T>> {
    os(row, col)?
        .map(|v| serde_json::from_str(&v).map_err(|e| StoreError::Corrupt(format!("{col}: {e}"))))
        .transpose()
}
