//! Logical backup and restore: every table, in dependency order, as JSON
//! lines, read inside one transaction so the copy is consistent while the
//! server keeps running. The same archive restores into SQLite or PostgreSQL.

use std::io::{BufRead, Write};

use serde_json::{Map, Value};
use sqlx::{Column, Row, TypeInfo};

use crate::{Result, SqlStore, StoreError};

/// Tables in an order that satisfies foreign keys on restore.
pub const TABLES: &[&str] = &[
    "orgs",
    "org_history",
    "users",
    "password_history",
    "recovery_codes",
    "role_assignments",
    "deputies",
    "api_tokens",
    "shares",
    "obligation_completions",
    "rule_overrides",
    "info_systems",
    "system_gradings",
    "control_status",
    "risks",
    "plan_versions",
    "kpi_measurements",
    "evidence_files",
    "risk_settings",
    "audit_log",
    "audit_head",
];

/// Tables deliberately not backed up: migration bookkeeping and sessions
/// (a restore starts with everyone logged out).
pub const NOT_BACKED_UP: &[&str] = &["_sqlx_migrations", "sessions"];

/// Header line of an archive.
pub const MAGIC: &str = "zian-backup";

/// Progress callback: (table, rows done in this table, rows in this table).
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

impl SqlStore {
    /// Writes a consistent logical copy of the database. Returns rows written.
    /// Sessions are not copied: a restore starts with everyone logged out.
    pub async fn backup(&self, out: &mut dyn Write, progress: Progress<'_>) -> Result<u64> {
        // a table added by a migration but not listed here would be lost
        let sql = match self.backend {
            crate::Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            crate::Backend::Postgres => {
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
        let mut tx = self.pool.begin().await?;
        if self.backend == crate::Backend::Postgres {
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
        let header = serde_json::json!({"format": MAGIC, "version": 1, "migrations": versions});
        writeln!(out, "{header}")?;
        let mut total = 0u64;
        for table in TABLES {
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
            let n = u64::try_from(n).unwrap_or(0);
            let order = if *table == "audit_log" {
                "seq"
            } else if *table == "audit_head" {
                "id"
            } else {
                "1"
            };
            let rows = sqlx::query(&format!("SELECT * FROM {table} ORDER BY {order}"))
                .fetch_all(&mut *tx)
                .await?;
            let mut types = Map::new();
            if let Some(r) = rows.first() {
                for c in r.columns() {
                    types.insert(
                        c.name().to_string(),
                        Value::from(kind_of(c.type_info().name())),
                    );
                }
            }
            writeln!(
                out,
                "{}",
                serde_json::json!({"table": table, "rows": n, "types": types})
            )?;
            for (k, r) in rows.iter().enumerate() {
                let mut obj = Map::new();
                for c in r.columns() {
                    let name = c.name();
                    let v = match kind_of(c.type_info().name()) {
                        "int" => r
                            .try_get::<Option<i64>, _>(name)?
                            .map_or(Value::Null, Value::from),
                        "real" => r
                            .try_get::<Option<f64>, _>(name)?
                            .map_or(Value::Null, Value::from),
                        _ => r
                            .try_get::<Option<String>, _>(name)
                            .map(|o| o.map_or(Value::Null, Value::from))
                            .or_else(|_| {
                                r.try_get::<Option<i64>, _>(name)
                                    .map(|o| o.map_or(Value::Null, Value::from))
                            })?,
                    };
                    obj.insert(name.to_string(), v);
                }
                writeln!(out, "{}", Value::Object(obj))?;
                progress(table, k as u64 + 1, n);
            }
            total += n;
        }
        tx.commit().await?;
        Ok(total)
    }

    /// Restores an archive into an empty, migrated database, atomically.
    pub async fn restore(&self, input: &mut dyn BufRead, progress: Progress<'_>) -> Result<u64> {
        let orgs: i64 = sqlx::query("SELECT COUNT(*) AS n FROM orgs")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        if orgs > 0 {
            return Err(StoreError::Backup(
                "the target database is not empty; restore needs an empty data directory or database".into(),
            ));
        }
        let mut lines = input.lines();
        let header: Value = match lines.next() {
            Some(l) => {
                serde_json::from_str(&l?).map_err(|e| StoreError::Backup(format!("header: {e}")))?
            }
            None => return Err(StoreError::Backup("empty archive".into())),
        };
        if header.get("format").and_then(Value::as_str) != Some(MAGIC) {
            return Err(StoreError::Backup("not a Zian backup archive".into()));
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM audit_head")
            .execute(&mut *tx)
            .await?;
        let mut table = String::new();
        let mut types = Map::new();
        let mut expected = 0u64;
        let mut done = 0u64;
        let mut total = 0u64;
        for (ln, line) in lines.enumerate() {
            let line = line?;
            let v: Value = serde_json::from_str(&line)
                .map_err(|e| StoreError::Backup(format!("line {}: {e}", ln + 2)))?;
            let Value::Object(obj) = v else {
                return Err(StoreError::Backup(format!(
                    "line {}: not an object",
                    ln + 2
                )));
            };
            if let (Some(Value::String(t)), Some(n)) = (obj.get("table"), obj.get("rows")) {
                if !TABLES.contains(&t.as_str()) {
                    return Err(StoreError::Backup(format!(
                        "line {}: unknown table {t}",
                        ln + 2
                    )));
                }
                table = t.clone();
                types = obj
                    .get("types")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                expected = n.as_u64().unwrap_or(0);
                done = 0;
                continue;
            }
            if table.is_empty() {
                return Err(StoreError::Backup(format!(
                    "line {}: row before any table",
                    ln + 2
                )));
            }
            let cols: Vec<&String> = obj.keys().collect();
            if cols
                .iter()
                .any(|c| !c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'))
            {
                return Err(StoreError::Backup(format!(
                    "line {}: bad column name",
                    ln + 2
                )));
            }
            let placeholders: Vec<String> = (1..=cols.len()).map(|k| format!("${k}")).collect();
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                cols.iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                placeholders.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for c in &cols {
                q = match &obj[c.as_str()] {
                    Value::Null => match types.get(c.as_str()).and_then(Value::as_str) {
                        Some("int") => q.bind(Option::<i64>::None),
                        Some("real") => q.bind(Option::<f64>::None),
                        _ => q.bind(Option::<String>::None),
                    },
                    Value::Number(n) if n.is_i64() => q.bind(n.as_i64()),
                    Value::Number(n) => q.bind(n.as_f64()),
                    Value::String(s) => q.bind(s.clone()),
                    Value::Bool(b) => q.bind(i64::from(*b)),
                    other => q.bind(other.to_string()),
                };
            }
            q.execute(&mut *tx).await?;
            done += 1;
            total += 1;
            progress(&table, done, expected);
        }
        tx.commit().await?;
        Ok(total)
    }
}

/// Normalises a column type name of either backend to int, real or text.
fn kind_of(type_name: &str) -> &'static str {
    match type_name.to_ascii_uppercase().as_str() {
        "BIGINT" | "INTEGER" | "INT" | "INT8" | "INT4" | "INT2" | "SMALLINT" | "BOOLEAN"
        | "BOOL" => "int",
        "DOUBLE" | "DOUBLE PRECISION" | "FLOAT8" | "FLOAT4" | "REAL" | "NUMERIC" => "real",
        _ => "text",
    }
}
