//! The accumulator every reader feeds: hosts in first-seen order, software
//! collapsed by name, version and publisher, KB numbers as sets, row errors
//! capped. Every operation is a hash lookup, so a file is read in linear
//! time.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use zian_domain::DomainError;
use zian_domain::text::{Memo, Text};
use zian_i18n::{Msg, msg};

use crate::{
    Encoding, FileError, Format, HostInventory, MAX_ROW_ERRORS, MAX_ROWS, ParsedFile, RowError,
    SoftwareItem,
};

/// The reason of a domain validation error.
pub(crate) fn reason_of(e: DomainError) -> Msg {
    match e {
        DomainError::Invalid { reason, .. } => reason,
        DomainError::MoveIntoOwnSubtree => msg!("reason.inventory.row.invalid"),
    }
}

struct HostAcc {
    host: String,
    software: Vec<SoftwareItem>,
    seen: HashMap<(String, String, String), usize>,
    kbs: HashSet<String>,
}

/// Software as a reader found it, before the checks.
/// Each field is its value and the column (or JSON field) it came from.
pub(crate) struct Found<'a> {
    pub line: usize,
    pub name: (Cow<'a, str>, &'a str),
    pub version: (Cow<'a, str>, &'a str),
    pub publisher: (Cow<'a, str>, &'a str),
    pub cpe23: Option<String>,
}

impl<'a> Found<'a> {
    /// Software known only by its CPE name (`column`): the name is its
    /// product, and its version and vendor fill a blank version and
    /// publisher.
    pub fn fill_from_cpe(&mut self, column: &'a str) {
        let Some(w) = self
            .cpe23
            .as_deref()
            .and_then(|fs| zian_cpe::Wfn::parse_fs(fs).ok())
        else {
            return;
        };
        let text = |v: &zian_cpe::Value| match v {
            zian_cpe::Value::Str(_) => v.unquoted().unwrap_or_default(),
            _ => String::new(),
        };
        self.name = (Cow::Owned(text(&w.product)), column);
        if self.version.0.trim().is_empty() {
            self.version = (Cow::Owned(text(&w.version)), column);
        }
        if self.publisher.0.trim().is_empty() {
            self.publisher = (Cow::Owned(text(&w.vendor)), column);
        }
    }
}

pub(crate) struct Collector<'d> {
    pub default_host: Option<&'d str>,
    hosts: Vec<HostAcc>,
    by_key: HashMap<String, usize>,
    errors: Vec<RowError>,
    errors_omitted: usize,
    pub rows: usize,
    pub skipped: usize,
}

impl<'d> Collector<'d> {
    pub fn new(default_host: Option<&'d str>) -> Self {
        Collector {
            default_host,
            hosts: Vec::new(),
            by_key: HashMap::new(),
            errors: Vec::new(),
            errors_omitted: 0,
            rows: 0,
            skipped: 0,
        }
    }

    /// Counts a data row; refuses the file past [`MAX_ROWS`].
    pub fn row(&mut self) -> Result<(), FileError> {
        self.rows += 1;
        if self.rows > MAX_ROWS {
            return Err(FileError::TooManyRows { limit: MAX_ROWS });
        }
        Ok(())
    }

    pub fn error(&mut self, line: usize, column: Option<&str>, reason: Msg) {
        if self.errors.len() < MAX_ROW_ERRORS {
            self.errors.push(RowError {
                line,
                column: column.map(str::to_string),
                reason,
            });
        } else {
            self.errors_omitted += 1;
        }
    }

    /// The host of a row: its own (`cell`: value and column) when not blank,
    /// else the default; `None` (with the row error recorded) when neither.
    pub fn host(&mut self, line: usize, cell: Option<(&str, &str)>) -> Option<usize> {
        let (name, column) = match cell {
            Some((v, c)) if !v.trim().is_empty() => (v.trim(), Some(c)),
            _ => match self.default_host {
                Some(h) => (h, None),
                None => {
                    self.error(
                        line,
                        cell.map(|(_, c)| c),
                        msg!("reason.inventory.row.no_host"),
                    );
                    return None;
                }
            },
        };
        if let Some(&i) = self.by_key.get(name) {
            return Some(i);
        }
        let checked = match Memo::<200>::parse("hostname", name) {
            Ok(m) => m.into_string(),
            Err(e) => {
                self.error(line, column, reason_of(e));
                return None;
            }
        };
        let key = checked.to_lowercase();
        let i = match self.by_key.get(&key) {
            Some(&i) => i,
            None => {
                self.hosts.push(HostAcc {
                    host: checked,
                    software: Vec::new(),
                    seen: HashMap::new(),
                    kbs: HashSet::new(),
                });
                let i = self.hosts.len() - 1;
                self.by_key.insert(key, i);
                i
            }
        };
        // remember the spelling as written too, so the next row with it is
        // one lookup
        self.by_key.insert(name.to_string(), i);
        Some(i)
    }

    /// Checks and adds one piece of software to host `h`.
    pub fn software(&mut self, h: usize, f: Found<'_>) {
        let name = match Text::<300>::parse("name", &f.name.0) {
            Ok(t) => t.into_string(),
            Err(e) => return self.error(f.line, Some(f.name.1), reason_of(e)),
        };
        let version = match Memo::<100>::parse("version", &f.version.0) {
            Ok(t) => t.into_string(),
            Err(e) => return self.error(f.line, Some(f.version.1), reason_of(e)),
        };
        let publisher = match Memo::<200>::parse("publisher", &f.publisher.0) {
            Ok(t) => t.into_string(),
            Err(e) => return self.error(f.line, Some(f.publisher.1), reason_of(e)),
        };
        let acc = &mut self.hosts[h];
        let key = (name, version, publisher);
        if let Some(&i) = acc.seen.get(&key) {
            let first = &mut acc.software[i];
            if first.cpe23.is_none() {
                first.cpe23 = f.cpe23;
            }
            return;
        }
        let (name, version, publisher) = key.clone();
        acc.seen.insert(key, acc.software.len());
        acc.software.push(SoftwareItem {
            line: f.line,
            name,
            version,
            publisher,
            cpe23: f.cpe23,
        });
    }

    /// Adds normalised KB numbers (`KB…`) to host `h`.
    pub fn kbs(&mut self, h: usize, kbs: impl IntoIterator<Item = String>) {
        self.hosts[h].kbs.extend(kbs);
    }

    pub fn finish(
        self,
        format: Format,
        encoding: Encoding,
        columns: Vec<crate::Column>,
    ) -> ParsedFile {
        let hosts = self
            .hosts
            .into_iter()
            .map(|a| {
                let mut kbs: Vec<String> = a.kbs.into_iter().collect();
                kbs.sort_by(|x, y| x.len().cmp(&y.len()).then_with(|| x.cmp(y)));
                HostInventory {
                    host: a.host,
                    software: a.software,
                    kbs,
                }
            })
            .collect();
        ParsedFile {
            format,
            encoding,
            columns,
            hosts,
            errors: self.errors,
            errors_omitted: self.errors_omitted,
            rows: self.rows,
            skipped: self.skipped,
        }
    }
}

/// KB numbers of a cell (one or several), normalised to `KB…`.
pub(crate) fn kbs_of(cell: &str) -> Result<Vec<String>, Msg> {
    let m = zian_domain::assets::parse_kbs(cell).map_err(reason_of)?;
    Ok(m.split_whitespace().map(str::to_string).collect())
}

/// A CPE name of a cell, checked and written back as a formatted string.
pub(crate) fn cpe_of(cell: &str) -> Result<Option<String>, Msg> {
    zian_domain::assets::parse_cpe(cell).map_err(reason_of)
}
