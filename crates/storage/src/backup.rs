//! Logical backup and restore: every table, in dependency order, in the
//! archive format of `zian_domain::archive` (JSON lines with per-table and
//! whole-archive checksums and a trailer), read inside one transaction so the
//! copy is consistent while the server keeps running. The same archive
//! restores into SQLite or PostgreSQL; rows are written in an order both
//! databases agree on (primary key, compared byte by byte), so a backup of a
//! restored database is byte for byte the archive it came from.

use std::io::{BufRead, Write};

use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use zian_domain::archive::{
    ArchiveReader, ArchiveWriter, Cell, Column, Item, Kind, Summary, WriteError,
};

use crate::{Backend, Result, SqlStore, StoreError};

/// Tables in an order that satisfies foreign keys on restore.
pub const TABLES: &[&str] = &[
    "orgs",
    "org_history",
    "users",
    "password_history",
    "recovery_codes",
    "user_identities",
    "role_assignments",
    "deputies",
    "api_tokens",
    "shares",
    "obligation_completions",
    "rule_overrides",
    "info_systems",
    "system_gradings",
    "control_status",
    "assets",
    "asset_software",
    "cpe_mappings",
    "inventory_imports",
    "vuln_findings",
    "vuln_policies",
    "vuln_match_runs",
    "vuln_declared_endpoints",
    "risks",
    "incidents",
    "incident_events",
    "incident_escalations",
    "bia_processes",
    "continuity_activations",
    "drills",
    "social_campaigns",
    "audits",
    "audit_checklists",
    "corrective_actions",
    "vendors",
    "training_plans",
    "training_sessions",
    "management_reviews",
    "implementation_reports",
    "people_forms",
    "area_entries",
    "maturity_programmes",
    "maturity_reports",
    "intel_items",
    "threat_notices",
    "threat_responses",
    "coverage_reports",
    "document_settings",
    "document_logos",
    "plan_versions",
    "kpi_measurements",
    "evidence_files",
    "risk_settings",
    "jobs",
    "job_runs",
    "mail_messages",
    "webhooks",
    "webhook_deliveries",
    "webhook_attempts",
    "notifications",
    "notification_prefs",
    "audit_log",
    "audit_head",
];

/// Tables deliberately not backed up: migration bookkeeping, sessions and
/// OpenID Connect sign-ins in progress (a restore starts with everyone
/// logged out), and documents produced in the background (kept a week,
/// produced again from the records).
pub const NOT_BACKED_UP: &[&str] = &[
    "_sqlx_migrations",
    "sessions",
    "oidc_logins",
    "document_files",
];

/// Header line of an archive.
pub const MAGIC: &str = zian_domain::archive::MAGIC;

/// Progress callback: (table, rows done in this table, rows in this table).
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

fn write_err(e: WriteError) -> StoreError {
    match e {
        WriteError::Io(e) => StoreError::Io(e),
        WriteError::Data(m) => StoreError::Backup(m),
    }
}

/// Reads and checks a whole archive without a database: the format, every
/// table, row counts and checksums (see `zian_domain::archive`).
pub fn verify(input: &mut dyn BufRead) -> Result<Summary> {
    zian_domain::archive::verify(input, TABLES).map_err(|e| StoreError::Backup(e.to_string()))
}

/// The order rows are written in: the primary key (every table's first
/// column, then its second for the keys of two columns such as a
/// document's settings per organisation and report), text compared byte by
/// byte on both databases; organisations by depth first, so a parent is
/// restored before its children.
fn order_of(backend: Backend, table: &str, cols: &[Column]) -> String {
    let by = |c: &Column| match (backend, c.kind) {
        (Backend::Postgres, Kind::Text) => format!("{} COLLATE \"C\"", c.name),
        _ => c.name.clone(),
    };
    let key = cols.iter().take(2).map(by).collect::<Vec<_>>().join(", ");
    if table == "orgs" {
        format!("depth, {key}")
    } else {
        key
    }
}

impl SqlStore {
    /// A table's columns in their stored order, as the database describes
    /// them (the archive and the restore check against these).
    async fn columns(&self, conn: &mut Transaction<'_, Any>, table: &str) -> Result<Vec<Column>> {
        let q = match self.backend {
            Backend::Sqlite => {
                sqlx::query("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
            }
            Backend::Postgres => sqlx::query(
                "SELECT CAST(column_name AS TEXT) AS name, CAST(data_type AS TEXT) AS type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            ),
        };
        let rows = q.bind(table).fetch_all(&mut **conn).await?;
        let mut cols = Vec::with_capacity(rows.len());
        for r in rows {
            let name: String = r.try_get("name")?;
            let ty: String = r.try_get("type")?;
            cols.push(Column {
                name,
                kind: Kind::of_sql_type(&ty),
            });
        }
        if cols.is_empty() {
            return Err(StoreError::Backup(format!("table {table} does not exist")));
        }
        Ok(cols)
    }

    /// Refuses to run when a table exists that the backup does not cover
    /// (a table added by a migration but not listed would be lost).
    async fn check_coverage(&self) -> Result<()> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables WHERE table_schema = current_schema()"
            }
        };
        for r in sqlx::query(sql).fetch_all(&self.pool).await? {
            let name: String = r.try_get("name")?;
            if !TABLES.contains(&name.as_str()) && !NOT_BACKED_UP.contains(&name.as_str()) {
                return Err(StoreError::Backup(format!(
                    "table {name} is not covered by the backup"
                )));
            }
        }
        Ok(())
    }

    /// Writes a consistent logical copy of the database and returns what the
    /// archive holds. Sessions are not copied: a restore starts with everyone
    /// logged out. Text holding NUL is refused (naming table, row and
    /// column): PostgreSQL could not restore it.
    pub async fn backup(&self, out: &mut dyn Write, progress: Progress<'_>) -> Result<Summary> {
        self.check_coverage().await?;
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut *tx)
                .await?;
        }
        let versions: Vec<i64> =
            sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get::<i64, _>("version"))
                .collect::<std::result::Result<_, _>>()?;
        let mut w = ArchiveWriter::new(out, &versions).map_err(write_err)?;
        for table in TABLES {
            let cols = self.columns(&mut tx, table).await?;
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
            let n = u64::try_from(n).unwrap_or(0);
            w.table(table, n, &cols).map_err(write_err)?;
            let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
            let sql = format!(
                "SELECT {} FROM {table} ORDER BY {}",
                names.join(", "),
                order_of(self.backend, table, &cols)
            );
            let mut rows = sqlx::query(&sql).fetch(&mut *tx);
            let mut k = 0u64;
            while let Some(r) = rows.try_next().await? {
                let cells = cells_of(&r, &cols)?;
                w.row(&cells).map_err(write_err)?;
                k += 1;
                progress(table, k, n);
            }
        }
        let (summary, _) = w.finish().map_err(write_err)?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Restores an archive into an empty, migrated database, atomically, and
    /// returns what it held. The archive is verified while it is read (a
    /// damaged or truncated one rolls everything back); every column must be
    /// one of the target table's.
    pub async fn restore(
        &self,
        input: &mut dyn BufRead,
        progress: Progress<'_>,
    ) -> Result<Summary> {
        let orgs: i64 = sqlx::query("SELECT COUNT(*) AS n FROM orgs")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        if orgs > 0 {
            return Err(StoreError::Backup(
                "the target database is not empty; restore needs an empty data directory or database".into(),
            ));
        }
        let bad = |e: zian_domain::archive::ArchiveError| StoreError::Backup(e.to_string());
        let mut r = ArchiveReader::new(input, TABLES).map_err(bad)?;
        let applied: Vec<i64> =
            sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get::<i64, _>("version"))
                .collect::<std::result::Result<_, _>>()?;
        if let Some(v) = r.migrations().iter().find(|v| !applied.contains(v)) {
            return Err(StoreError::Backup(format!(
                "the archive comes from a newer database (migration {v} is unknown here); restore it with a newer Zian"
            )));
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM audit_head")
            .execute(&mut *tx)
            .await?;
        let mut table = String::new();
        let mut insert = String::new();
        let mut kinds: Vec<Kind> = Vec::new();
        let (mut expected, mut done) = (0u64, 0u64);
        while let Some(item) = r.next_item().map_err(bad)? {
            match item {
                Item::Table {
                    name,
                    rows,
                    columns,
                } => {
                    let target = self.columns(&mut tx, &name).await?;
                    kinds.clear();
                    for c in &columns {
                        let Some(t) = target.iter().find(|t| t.name == c.name) else {
                            return Err(StoreError::Backup(format!(
                                "line {}: table {name} has no column {}",
                                r.line(),
                                c.name
                            )));
                        };
                        kinds.push(t.kind);
                    }
                    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
                    let marks: Vec<String> = (1..=names.len()).map(|k| format!("${k}")).collect();
                    insert = format!(
                        "INSERT INTO {name} ({}) VALUES ({})",
                        names.join(", "),
                        marks.join(", ")
                    );
                    (table, expected, done) = (name, rows, 0);
                }
                Item::Row(cells) => {
                    let mut q = sqlx::query(&insert);
                    for (cell, kind) in cells.into_iter().zip(kinds.iter()) {
                        q = match (cell, kind) {
                            (Cell::Null, Kind::Int) => q.bind(Option::<i64>::None),
                            (Cell::Null, Kind::Real) => q.bind(Option::<f64>::None),
                            (Cell::Null, Kind::Bytes) => q.bind(Option::<Vec<u8>>::None),
                            (Cell::Null, Kind::Text) => q.bind(Option::<String>::None),
                            (Cell::Int(n), Kind::Int) => q.bind(n),
                            (Cell::Int(n), Kind::Real) => q.bind(n as f64),
                            (Cell::Real(x), Kind::Real) => q.bind(x),
                            (Cell::Text(s), Kind::Text) => q.bind(s),
                            (Cell::Bytes(b), Kind::Bytes) => q.bind(b),
                            (c, k) => {
                                return Err(StoreError::Backup(format!(
                                    "line {}: table {table}: {c:?} does not fit a {} column",
                                    r.line(),
                                    k.as_str()
                                )));
                            }
                        };
                    }
                    q.execute(&mut *tx).await.map_err(|e| {
                        StoreError::Backup(format!("line {}: table {table}: {e}", r.line()))
                    })?;
                    done += 1;
                    progress(&table, done, expected);
                }
            }
        }
        let summary = r
            .summary()
            .cloned()
            .ok_or_else(|| StoreError::Backup("the archive is incomplete".into()))?;
        tx.commit().await?;
        // a version-1 archive carries evidence as base64
        self.decode_base64_evidence().await?;
        Ok(summary)
    }
}

/// A row's values in column order, read as each column's kind.
fn cells_of(r: &AnyRow, cols: &[Column]) -> Result<Vec<Cell>> {
    let mut cells = Vec::with_capacity(cols.len());
    for (k, c) in cols.iter().enumerate() {
        let cell = match c.kind {
            Kind::Int => r.try_get::<Option<i64>, _>(k)?.map(Cell::Int),
            Kind::Real => r.try_get::<Option<f64>, _>(k)?.map(Cell::Real),
            Kind::Text => r.try_get::<Option<String>, _>(k)?.map(Cell::Text),
            Kind::Bytes => r.try_get::<Option<Vec<u8>>, _>(k)?.map(Cell::Bytes),
        };
        cells.push(cell.unwrap_or(Cell::Null));
    }
    Ok(cells)
}
