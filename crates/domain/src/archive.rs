//! The backup archive format: JSON lines that prove their own completeness.
//! Storage writes and restores archives (`zian_storage::backup`); this module
//! only knows the format, so reading and verifying an archive is pure (and
//! fuzzed, `fuzz/fuzz_targets/backup_archive.rs`).
//!
//! Version 2, one JSON value a line:
//!
//! ```text
//! {"format":"zian-backup","version":2,"migrations":[1,2,…]}
//! {"table":"orgs","rows":3,"columns":[["id","text"],["depth","int"],…]}
//! ["0190…",0,…]                          one array a row, in column order
//! …                                       (next table, its rows)
//! {"trailer":"zian-backup","tables":[{"table":"orgs","rows":3,"sha256":"…"},…],"sha256":"…"}
//! ```
//!
//! A table's checksum is SHA-256 over its header line and its row lines (each
//! with its line feed); the trailer's over every byte before the trailer. Text
//! never holds NUL (PostgreSQL cannot store it; one rule for both backends),
//! bytes are standard base64. Version 1 (rows as objects, no columns list, no
//! trailer) is still read: its row counts are checked, it has no checksums.

use std::io::{BufRead, Write};

use data_encoding::BASE64;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The `format` of an archive's first line.
pub const MAGIC: &str = "zian-backup";
/// The version written.
pub const VERSION: u64 = 2;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Real,
    Text,
    Bytes,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Int => "int",
            Kind::Real => "real",
            Kind::Text => "text",
            Kind::Bytes => "bytes",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "int" => Kind::Int,
            "real" => Kind::Real,
            "text" => Kind::Text,
            "bytes" => Kind::Bytes,
            _ => return None,
        })
    }
    /// The kind of a column type as either database names it.
    pub fn of_sql_type(type_name: &str) -> Kind {
        match type_name.to_ascii_uppercase().as_str() {
            "BIGINT" | "INTEGER" | "INT" | "INT8" | "INT4" | "INT2" | "SMALLINT" | "BOOLEAN"
            | "BOOL" => Kind::Int,
            "DOUBLE" | "DOUBLE PRECISION" | "FLOAT8" | "FLOAT4" | "REAL" | "NUMERIC" => Kind::Real,
            "BYTEA" | "BLOB" => Kind::Bytes,
            _ => Kind::Text,
        }
    }
}

/// A column of an archived table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// What is wrong with an archive, and where (1-based line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {what}")]
pub struct ArchiveError {
    pub line: u64,
    pub what: String,
}

/// A column name that is a plain SQL identifier: `[a-z_][a-z0-9_]*`.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 63
}

/// Why a text value cannot be archived (one rule for both backends:
/// PostgreSQL refuses NUL in text).
pub fn text_problem(s: &str) -> Option<&'static str> {
    s.contains('\0')
        .then_some("text contains a NUL character (U+0000), which PostgreSQL cannot store")
}

fn hex(d: impl AsRef<[u8]>) -> String {
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// A table's row count and checksum, as the trailer lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    pub table: String,
    pub rows: u64,
    /// Lowercase hex; empty for version 1 archives.
    pub sha256: String,
}

/// What a complete, verified archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub version: u64,
    pub migrations: Vec<i64>,
    pub tables: Vec<TableSummary>,
    /// Lowercase hex of the whole archive before the trailer; empty for
    /// version 1.
    pub sha256: String,
}

impl Summary {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

// ---- writing

/// Writes an archive line by line, counting and hashing as it goes.
pub struct ArchiveWriter<W: Write> {
    out: W,
    whole: Sha256,
    table: Option<(TableSummary, Vec<Column>, Sha256, u64)>,
    done: Vec<TableSummary>,
    migrations: Vec<i64>,
}

/// An error while writing: the output failed, or the data cannot be archived.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Data(String),
}

impl<W: Write> ArchiveWriter<W> {
    /// Starts an archive of a database with these migrations applied.
    pub fn new(out: W, migrations: &[i64]) -> Result<Self, WriteError> {
        let mut w = ArchiveWriter {
            out,
            whole: Sha256::new(),
            table: None,
            done: Vec::new(),
            migrations: migrations.to_vec(),
        };
        let header = json!({"format": MAGIC, "version": VERSION, "migrations": migrations});
        w.line(&header.to_string())?;
        Ok(w)
    }

    fn line(&mut self, l: &str) -> Result<(), WriteError> {
        self.whole.update(l.as_bytes());
        self.whole.update(b"\n");
        if let Some((_, _, h, _)) = &mut self.table {
            h.update(l.as_bytes());
            h.update(b"\n");
        }
        self.out.write_all(l.as_bytes())?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    fn end_table(&mut self) -> Result<(), WriteError> {
        if let Some((mut t, _, h, written)) = self.table.take() {
            if written != t.rows {
                return Err(WriteError::Data(format!(
                    "table {}: {written} rows written, {} announced",
                    t.table, t.rows
                )));
            }
            t.sha256 = hex(h.finalize());
            self.done.push(t);
        }
        Ok(())
    }

    /// Starts a table of `rows` rows.
    pub fn table(&mut self, name: &str, rows: u64, columns: &[Column]) -> Result<(), WriteError> {
        self.end_table()?;
        if let Some(c) = columns.iter().find(|c| !is_identifier(&c.name)) {
            return Err(WriteError::Data(format!(
                "table {name}: bad column name {:?}",
                c.name
            )));
        }
        let cols: Vec<Value> = columns
            .iter()
            .map(|c| json!([c.name, c.kind.as_str()]))
            .collect();
        let summary = TableSummary {
            table: name.to_string(),
            rows,
            sha256: String::new(),
        };
        self.table = Some((summary, columns.to_vec(), Sha256::new(), 0));
        self.line(&json!({"table": name, "rows": rows, "columns": cols}).to_string())
    }

    /// Writes a row of the current table, its cells in column order.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), WriteError> {
        let Some((t, cols, _, written)) = &mut self.table else {
            return Err(WriteError::Data("a row before any table".into()));
        };
        if cells.len() != cols.len() {
            return Err(WriteError::Data(format!(
                "table {}: a row of {} values for {} columns",
                t.table,
                cells.len(),
                cols.len()
            )));
        }
        let mut vals = Vec::with_capacity(cells.len());
        for (c, col) in cells.iter().zip(cols.iter()) {
            let v = match (c, col.kind) {
                (Cell::Null, _) => Value::Null,
                (Cell::Int(n), Kind::Int) => Value::from(*n),
                (Cell::Real(x), Kind::Real) if x.is_finite() => Value::from(*x),
                (Cell::Text(s), Kind::Text) => {
                    if let Some(p) = text_problem(s) {
                        return Err(WriteError::Data(format!(
                            "table {}, row {}, column {}: {p}",
                            t.table,
                            *written + 1,
                            col.name
                        )));
                    }
                    Value::from(s.as_str())
                }
                (Cell::Bytes(b), Kind::Bytes) => Value::from(BASE64.encode(b)),
                _ => {
                    return Err(WriteError::Data(format!(
                        "table {}, row {}, column {}: not a {} value",
                        t.table,
                        *written + 1,
                        col.name,
                        col.kind.as_str()
                    )));
                }
            };
            vals.push(v);
        }
        *written += 1;
        self.line(&Value::Array(vals).to_string())
    }

    /// Ends the archive with its trailer; returns what it holds.
    pub fn finish(mut self) -> Result<(Summary, W), WriteError> {
        self.end_table()?;
        let whole = hex(std::mem::take(&mut self.whole).finalize());
        let tables: Vec<Value> = self
            .done
            .iter()
            .map(|t| json!({"table": t.table, "rows": t.rows, "sha256": t.sha256}))
            .collect();
        let trailer = json!({"trailer": MAGIC, "tables": tables, "sha256": whole});
        self.out.write_all(trailer.to_string().as_bytes())?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok((
            Summary {
                version: VERSION,
                migrations: self.migrations,
                tables: self.done,
                sha256: whole,
            },
            self.out,
        ))
    }
}

// ---- reading

/// One step through an archive.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A table begins.
    Table {
        name: String,
        rows: u64,
        columns: Vec<Column>,
    },
    /// A row of the current table, in its column order.
    Row(Vec<Cell>),
}

/// Reads an archive, checking everything as it goes: the format, table
/// names (known, in order, once each), column names and kinds, every value,
/// row counts and, for version 2, the checksums and the trailer. Nothing is
/// trusted before [`ArchiveReader::next_item`] has returned `Ok(None)`.
pub struct ArchiveReader<'a, R: BufRead> {
    input: R,
    known: &'a [&'a str],
    line: u64,
    buf: Vec<u8>,
    version: u64,
    migrations: Vec<i64>,
    whole: Sha256,
    /// The table being read: summary, columns, hash, rows read.
    table: Option<(TableSummary, Vec<Column>, Sha256, u64)>,
    /// Index in `known` after the last table seen.
    next_known: usize,
    done: Vec<TableSummary>,
    finished: Option<Summary>,
}

impl<'a, R: BufRead> ArchiveReader<'a, R> {
    /// Reads the header. `known` lists the tables an archive may hold, in
    /// the order they must appear.
    pub fn new(input: R, known: &'a [&'a str]) -> Result<Self, ArchiveError> {
        let mut r = ArchiveReader {
            input,
            known,
            line: 0,
            buf: Vec::new(),
            version: 0,
            migrations: Vec::new(),
            whole: Sha256::new(),
            table: None,
            next_known: 0,
            done: Vec::new(),
            finished: None,
        };
        let Some(header) = r.read_line()? else {
            return Err(r.err("empty archive"));
        };
        let v: Value = r.parse(&header)?;
        r.hash_line();
        if v.get("format").and_then(Value::as_str) != Some(MAGIC) {
            return Err(r.err("not a Zian backup archive"));
        }
        r.version = match v.get("version").and_then(Value::as_u64) {
            Some(n @ (1 | 2)) => n,
            Some(n) => return Err(r.err(&format!("archive version {n} is not supported"))),
            None => return Err(r.err("no archive version")),
        };
        r.migrations = match v.get("migrations").and_then(Value::as_array) {
            Some(a) => a
                .iter()
                .map(Value::as_i64)
                .collect::<Option<Vec<i64>>>()
                .ok_or_else(|| r.err("bad migrations list"))?,
            None => return Err(r.err("no migrations list")),
        };
        Ok(r)
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// The migrations applied to the database the archive was taken from.
    pub fn migrations(&self) -> &[i64] {
        &self.migrations
    }

    /// The current line number (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }

    fn err(&self, what: &str) -> ArchiveError {
        ArchiveError {
            line: self.line,
            what: what.to_string(),
        }
    }

    /// The next line without its line feed, or `None` at the end.
    fn read_line(&mut self) -> Result<Option<String>, ArchiveError> {
        self.buf.clear();
        let n = self
            .input
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| ArchiveError {
                line: self.line + 1,
                what: format!("cannot read: {e}"),
            })?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if self.buf.last() != Some(&b'\n') {
            return Err(self.err("the archive is truncated (the last line is incomplete)"));
        }
        let text = std::str::from_utf8(&self.buf[..self.buf.len() - 1])
            .map_err(|_| self.err("not UTF-8"))?;
        Ok(Some(text.to_string()))
    }

    fn parse(&self, text: &str) -> Result<Value, ArchiveError> {
        serde_json::from_str(text).map_err(|e| self.err(&format!("not JSON: {e}")))
    }

    /// Adds the line just read to the whole archive's and the table's hash.
    fn hash_line(&mut self) {
        self.whole.update(&self.buf);
        if let Some((_, _, h, _)) = &mut self.table {
            h.update(&self.buf);
        }
    }

    fn close_table(&mut self) -> Result<(), ArchiveError> {
        if let Some((mut t, _, h, read)) = self.table.take() {
            if read != t.rows {
                return Err(self.err(&format!(
                    "table {} announced {} rows but holds {read} (the archive is truncated or damaged)",
                    t.table, t.rows
                )));
            }
            if self.version >= 2 {
                t.sha256 = hex(h.finalize());
            }
            self.done.push(t);
        }
        Ok(())
    }

    /// The next table or row; `Ok(None)` once the whole archive has been
    /// read and verified (then [`ArchiveReader::summary`] is set).
    pub fn next_item(&mut self) -> Result<Option<Item>, ArchiveError> {
        if self.finished.is_some() {
            return Ok(None);
        }
        let Some(text) = self.read_line()? else {
            if self.version >= 2 {
                return Err(self.err("the archive is truncated (no trailer)"));
            }
            self.close_table()?;
            self.finished = Some(Summary {
                version: self.version,
                migrations: self.migrations.clone(),
                tables: std::mem::take(&mut self.done),
                sha256: String::new(),
            });
            return Ok(None);
        };
        let v = self.parse(&text)?;
        match v {
            Value::Object(obj) if obj.contains_key("trailer") && self.version >= 2 => {
                self.close_table()?;
                self.trailer(&obj)?;
                if self.read_line()?.is_some() {
                    return Err(self.err("data after the trailer"));
                }
                Ok(None)
            }
            Value::Object(obj) if obj.contains_key("table") => {
                self.close_table()?;
                self.hash_line();
                let item = self.table_header(&obj)?;
                self.hash_line_table_only();
                Ok(Some(item))
            }
            row => {
                self.hash_line();
                let cells = self.row(row)?;
                Ok(Some(Item::Row(cells)))
            }
        }
    }

    /// The table header line counts towards its own table's hash (the table
    /// did not exist yet when [`Self::hash_line`] ran).
    fn hash_line_table_only(&mut self) {
        if let Some((_, _, h, _)) = &mut self.table {
            h.update(&self.buf);
        }
    }

    fn table_header(&mut self, obj: &Map<String, Value>) -> Result<Item, ArchiveError> {
        let name = obj
            .get("table")
            .and_then(Value::as_str)
            .ok_or_else(|| self.err("bad table name"))?
            .to_string();
        let pos = self.known[self.next_known..]
            .iter()
            .position(|t| *t == name)
            .ok_or_else(|| {
                if self.known.contains(&name.as_str()) {
                    self.err(&format!("table {name} out of order or repeated"))
                } else {
                    self.err(&format!("unknown table {name}"))
                }
            })?;
        self.next_known += pos + 1;
        let rows = obj
            .get("rows")
            .and_then(Value::as_u64)
            .ok_or_else(|| self.err(&format!("table {name}: bad row count")))?;
        let mut columns = Vec::new();
        if self.version >= 2 {
            let list = obj
                .get("columns")
                .and_then(Value::as_array)
                .ok_or_else(|| self.err(&format!("table {name}: no columns")))?;
            for c in list {
                let pair = c.as_array().filter(|a| a.len() == 2);
                let (Some(n), Some(k)) = (
                    pair.and_then(|a| a[0].as_str()),
                    pair.and_then(|a| a[1].as_str()).and_then(Kind::parse),
                ) else {
                    return Err(self.err(&format!("table {name}: bad column {c}")));
                };
                columns.push(Column {
                    name: n.to_string(),
                    kind: k,
                });
            }
        } else if let Some(types) = obj.get("types").and_then(Value::as_object) {
            for (n, k) in types {
                let kind = k
                    .as_str()
                    .and_then(Kind::parse)
                    .filter(|k| *k != Kind::Bytes)
                    .ok_or_else(|| self.err(&format!("table {name}: bad type of {n}")))?;
                columns.push(Column {
                    name: n.clone(),
                    kind,
                });
            }
        }
        for (k, c) in columns.iter().enumerate() {
            if !is_identifier(&c.name) {
                return Err(self.err(&format!("table {name}: bad column name {:?}", c.name)));
            }
            if columns[..k].iter().any(|o| o.name == c.name) {
                return Err(self.err(&format!("table {name}: column {} repeated", c.name)));
            }
        }
        if rows > 0 && columns.is_empty() {
            return Err(self.err(&format!("table {name}: rows but no columns")));
        }
        self.table = Some((
            TableSummary {
                table: name.clone(),
                rows,
                sha256: String::new(),
            },
            columns.clone(),
            Sha256::new(),
            0,
        ));
        Ok(Item::Table {
            name,
            rows,
            columns,
        })
    }

    fn row(&mut self, v: Value) -> Result<Vec<Cell>, ArchiveError> {
        let line = self.line;
        let Some((t, cols, _, read)) = &mut self.table else {
            return Err(ArchiveError {
                line,
                what: "a row before any table".into(),
            });
        };
        let bad = |what: String| ArchiveError { line, what };
        *read += 1;
        if *read > t.rows {
            return Err(bad(format!(
                "table {} announced {} rows but holds more",
                t.table, t.rows
            )));
        }
        let values: Vec<Value> = match v {
            Value::Array(a) if self.version >= 2 => a,
            Value::Object(mut o) if self.version == 1 => {
                if let Some(k) = o.keys().find(|k| !cols.iter().any(|c| &c.name == *k)) {
                    return Err(bad(format!("table {}: unexpected column {k:?}", t.table)));
                }
                cols.iter()
                    .map(|c| o.remove(&c.name).unwrap_or(Value::Null))
                    .collect()
            }
            _ => return Err(bad(format!("table {}: not a row", t.table))),
        };
        if values.len() != cols.len() {
            return Err(bad(format!(
                "table {}: {} values for {} columns",
                t.table,
                values.len(),
                cols.len()
            )));
        }
        let mut cells = Vec::with_capacity(values.len());
        for (v, c) in values.into_iter().zip(cols.iter()) {
            let what = |m: &str| bad(format!("table {}, column {}: {m}", t.table, c.name));
            cells.push(match (v, c.kind) {
                (Value::Null, _) => Cell::Null,
                (Value::Number(n), Kind::Int) => {
                    Cell::Int(n.as_i64().ok_or_else(|| what("not a 64-bit integer"))?)
                }
                // version 1 wrote booleans as they came
                (Value::Bool(b), Kind::Int) if self.version == 1 => Cell::Int(i64::from(b)),
                (Value::Number(n), Kind::Real) => {
                    Cell::Real(n.as_f64().ok_or_else(|| what("not a number"))?)
                }
                (Value::String(s), Kind::Text) => {
                    if let Some(p) = text_problem(&s) {
                        return Err(what(p));
                    }
                    Cell::Text(s)
                }
                (Value::String(s), Kind::Bytes) => Cell::Bytes(
                    BASE64
                        .decode(s.as_bytes())
                        .map_err(|_| what("bytes that are not base64"))?,
                ),
                (_, k) => return Err(what(&format!("not a {} value", k.as_str()))),
            });
        }
        Ok(cells)
    }

    fn trailer(&mut self, obj: &Map<String, Value>) -> Result<(), ArchiveError> {
        if obj.get("trailer").and_then(Value::as_str) != Some(MAGIC) {
            return Err(self.err("bad trailer"));
        }
        let whole = hex(std::mem::take(&mut self.whole).finalize());
        let listed = obj
            .get("tables")
            .and_then(Value::as_array)
            .ok_or_else(|| self.err("trailer: no tables"))?;
        if listed.len() != self.done.len() {
            return Err(self.err(&format!(
                "trailer lists {} tables, the archive holds {} (damaged)",
                listed.len(),
                self.done.len()
            )));
        }
        for (l, t) in listed.iter().zip(self.done.iter()) {
            let name = l.get("table").and_then(Value::as_str);
            let rows = l.get("rows").and_then(Value::as_u64);
            let sha = l.get("sha256").and_then(Value::as_str);
            if name != Some(t.table.as_str()) || rows != Some(t.rows) {
                return Err(self.err(&format!(
                    "trailer: table {} with {} rows does not match the archive",
                    t.table, t.rows
                )));
            }
            if sha != Some(t.sha256.as_str()) {
                return Err(self.err(&format!("table {}: checksum mismatch (damaged)", t.table)));
            }
        }
        if obj.get("sha256").and_then(Value::as_str) != Some(whole.as_str()) {
            return Err(self.err("archive checksum mismatch (damaged)"));
        }
        self.finished = Some(Summary {
            version: self.version,
            migrations: self.migrations.clone(),
            tables: std::mem::take(&mut self.done),
            sha256: whole,
        });
        Ok(())
    }

    /// What the archive holds, once it has been read to the end.
    pub fn summary(&self) -> Option<&Summary> {
        self.finished.as_ref()
    }
}

/// Reads a whole archive and checks it (see [`ArchiveReader`]).
pub fn verify<R: BufRead>(input: R, known: &[&str]) -> Result<Summary, ArchiveError> {
    let mut r = ArchiveReader::new(input, known)?;
    while r.next_item()?.is_some() {}
    r.summary()
        .cloned()
        .ok_or_else(|| r.err("the archive is incomplete"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["orgs", "evidence_files", "audit_head"];

    fn sample() -> Vec<u8> {
        let mut w = ArchiveWriter::new(Vec::new(), &[1, 2, 10]).unwrap();
        let cols = [
            Column {
                name: "id".into(),
                kind: Kind::Text,
            },
            Column {
                name: "sha256".into(),
                kind: Kind::Text,
            },
            Column {
                name: "content_bytes".into(),
                kind: Kind::Bytes,
            },
            Column {
                name: "size_bytes".into(),
                kind: Kind::Int,
            },
        ];
        w.table("orgs", 0, &cols[..1]).unwrap();
        w.table("evidence_files", 2, &cols).unwrap();
        w.row(&[
            Cell::Text("e1".into()),
            Cell::Text("ab\"\\\n\t資安😀".into()),
            Cell::Bytes(vec![0, 255, 10, 13]),
            Cell::Int(i64::MIN),
        ])
        .unwrap();
        w.row(&[Cell::Text("e2".into()), Cell::Null, Cell::Null, Cell::Null])
            .unwrap();
        w.finish().unwrap().1
    }

    #[test]
    fn an_archive_reads_back_what_was_written() {
        let a = sample();
        let s = verify(&a[..], KNOWN).unwrap();
        assert_eq!(s.version, 2);
        assert_eq!(s.migrations, vec![1, 2, 10]);
        assert_eq!(s.rows(), 2);
        assert_eq!(s.tables.len(), 2);
        let mut r = ArchiveReader::new(&a[..], KNOWN).unwrap();
        let mut rows = Vec::new();
        while let Some(i) = r.next_item().unwrap() {
            if let Item::Row(c) = i {
                rows.push(c);
            }
        }
        assert_eq!(rows[0][2], Cell::Bytes(vec![0, 255, 10, 13]));
        assert_eq!(rows[0][1], Cell::Text("ab\"\\\n\t資安😀".into()));
        assert_eq!(rows[0][3], Cell::Int(i64::MIN));
    }

    #[test]
    fn any_flipped_byte_or_cut_is_found() {
        let a = sample();
        for k in 0..a.len() {
            let mut b = a.clone();
            b[k] ^= 0x01;
            assert!(verify(&b[..], KNOWN).is_err(), "flip at {k}");
        }
        for k in 0..a.len() {
            assert!(verify(&a[..k], KNOWN).is_err(), "cut at {k}");
        }
    }

    #[test]
    fn nul_and_bad_names_are_refused() {
        let mut w = ArchiveWriter::new(Vec::new(), &[1]).unwrap();
        let col = Column {
            name: "name_zh".into(),
            kind: Kind::Text,
        };
        w.table("orgs", 1, std::slice::from_ref(&col)).unwrap();
        let e = w.row(&[Cell::Text("a\0b".into())]).unwrap_err().to_string();
        assert!(e.contains("NUL") && e.contains("name_zh"), "{e}");
        assert!(is_identifier("evidence_sha256"));
        assert!(is_identifier("_x9"));
        assert!(!is_identifier("9x") && !is_identifier("a-b") && !is_identifier(""));
        assert!(!is_identifier("a; DROP TABLE orgs"));
    }

    #[test]
    fn version_1_archives_are_read() {
        let v1 = concat!(
            "{\"format\":\"zian-backup\",\"migrations\":[1],\"version\":1}\n",
            "{\"rows\":1,\"table\":\"evidence_files\",\"types\":{\"id\":\"text\",\"sha256\":\"text\",\"size_bytes\":\"int\"}}\n",
            "{\"id\":\"e1\",\"sha256\":\"ab\",\"size_bytes\":3}\n",
        );
        let s = verify(v1.as_bytes(), KNOWN).unwrap();
        assert_eq!((s.version, s.rows()), (1, 1));
        // a version-1 table cut short is found by its row count
        let cut = v1.rsplit_once("{\"id\"").unwrap().0;
        assert!(verify(cut.as_bytes(), KNOWN).is_err());
    }
}
