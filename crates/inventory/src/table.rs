//! Tables (CSV and sheets): the header row is found among the first rows by
//! the names of its columns, in English or Chinese, and each row after it
//! becomes software and/or KB numbers of a host.

use std::borrow::Cow;

use zian_i18n::{Msg, msg};

use crate::collect::{Collector, Found, cpe_of, kbs_of};
use crate::{Encoding, FileError, Format, ParsedFile};

/// How many rows may come before the header (titles, notes, PowerShell's
/// `#TYPE` line).
pub(crate) const HEADER_SEARCH_ROWS: usize = 10;

/// What a column is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The computer (`host`, `PSComputerName`, `CSName`, `Node`, `主機名稱`…).
    Host,
    /// The software's name (`DisplayName`, `Name`, `軟體名稱`…).
    Name,
    /// `DisplayVersion`, `Version`, `版本`…
    Version,
    /// `Publisher`, `發行者`…
    Publisher,
    /// `vendor`: the CPE vendor when the table has a `product` column,
    /// otherwise the publisher (`wmic product`'s `Vendor`).
    Vendor,
    /// `product`: the CPE product (the host CSV of `zian vuln scan`).
    Product,
    /// A CPE 2.3 formatted string or 2.2 URI (`cpe23`, `cpe`).
    Cpe,
    /// Installed updates (`HotFixID`, `KB`).
    Kb,
}

/// A recognised column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Column {
    /// The header as written (trimmed).
    pub header: String,
    pub field: Field,
}

/// Header names by field, compared after [`header_key`].
const NAMES: &[(Field, &[&str])] = &[
    (
        Field::Host,
        &[
            "host",
            "hostname",
            "computer",
            "computername",
            "pscomputername",
            "csname",
            "node",
            "machine",
            "machinename",
            "devicename",
            "主機",
            "主機名稱",
            "主機名",
            "電腦名稱",
            "電腦",
            "設備名稱",
        ],
    ),
    (
        Field::Name,
        &[
            "displayname",
            "name",
            "productname",
            "software",
            "softwarename",
            "program",
            "programname",
            "application",
            "applicationname",
            "軟體名稱",
            "軟體",
            "程式名稱",
            "程式",
            "應用程式",
            "應用程式名稱",
            "名稱",
            "產品名稱",
        ],
    ),
    (
        Field::Version,
        &[
            "displayversion",
            "version",
            "productversion",
            "ver",
            "版本",
            "版本號",
            "版本編號",
            "軟體版本",
        ],
    ),
    (
        Field::Publisher,
        &[
            "publisher",
            "manufacturer",
            "supplier",
            "發行者",
            "發行商",
            "發佈者",
            "製造商",
            "供應商",
        ],
    ),
    (Field::Vendor, &["vendor", "廠商"]),
    (Field::Product, &["product", "產品"]),
    (
        Field::Cpe,
        &[
            "cpe23",
            "cpe",
            "cpe23uri",
            "cpename",
            "cpe23name",
            "cpe名稱",
            "cpe23名稱",
        ],
    ),
    (
        Field::Kb,
        &[
            "hotfixid",
            "hotfix",
            "kb",
            "kbs",
            "kbid",
            "kbnumber",
            "更新編號",
            "kb編號",
            "修補程式",
            "修補程式編號",
            "已安裝更新",
        ],
    ),
];

/// A header compared: lower case, without blanks, `_`, `-`, `.` or
/// brackets, a byte-order mark or quotes (`CPE 2.3` → `cpe23`).
fn header_key(h: &str) -> String {
    h.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '_' | '-' | '.' | '(' | ')' | '（' | '）' | '\u{feff}' | '"' | '\''
                )
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn field_of(h: &str) -> Option<Field> {
    let k = header_key(h);
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&k.as_str()))
        .map(|(f, _)| *f)
}

/// The columns of a table, by index.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    headers: Vec<String>,
    host: Option<usize>,
    name: Option<usize>,
    version: Option<usize>,
    publisher: Option<usize>,
    vendor: Option<usize>,
    product: Option<usize>,
    cpe: Option<usize>,
    kb: Option<usize>,
    /// The row length the header announces (trailing blank headers not
    /// counted).
    width: usize,
}

impl Layout {
    /// The layout of a header row, if it names software, a CPE or updates.
    pub fn from_header<S: AsRef<str>>(cells: &[S]) -> Option<Layout> {
        let mut l = Layout {
            headers: cells
                .iter()
                .map(|c| c.as_ref().trim().to_string())
                .collect(),
            ..Layout::default()
        };
        for (i, h) in l.headers.iter().enumerate() {
            let slot = match field_of(h) {
                Some(Field::Host) => &mut l.host,
                Some(Field::Name) => &mut l.name,
                Some(Field::Version) => &mut l.version,
                Some(Field::Publisher) => &mut l.publisher,
                Some(Field::Vendor) => &mut l.vendor,
                Some(Field::Product) => &mut l.product,
                Some(Field::Cpe) => &mut l.cpe,
                Some(Field::Kb) => &mut l.kb,
                None => continue,
            };
            slot.get_or_insert(i);
        }
        l.width = l
            .headers
            .iter()
            .rposition(|h| !h.is_empty())
            .map_or(0, |i| i + 1);
        (l.name.is_some() || l.product.is_some() || l.cpe.is_some() || l.kb.is_some()).then_some(l)
    }

    pub fn columns(&self) -> Vec<Column> {
        let mut v: Vec<(usize, Field)> = [
            (self.host, Field::Host),
            (self.name, Field::Name),
            (self.version, Field::Version),
            (self.publisher, Field::Publisher),
            (self.vendor, Field::Vendor),
            (self.product, Field::Product),
            (self.cpe, Field::Cpe),
            (self.kb, Field::Kb),
        ]
        .into_iter()
        .filter_map(|(i, f)| i.map(|i| (i, f)))
        .collect();
        v.sort_by_key(|(i, _)| *i);
        v.into_iter()
            .map(|(i, field)| Column {
                header: self.headers[i].clone(),
                field,
            })
            .collect()
    }

    /// Whether rows name their host; if not, the file needs a default one.
    pub fn has_host(&self) -> bool {
        self.host.is_some()
    }

    fn header(&self, i: usize) -> &str {
        &self.headers[i]
    }

    /// Reads one data row. `strict` (CSV) refuses a row with fewer cells
    /// than the header, or with more cells that are not blank; sheets are
    /// sparse and never are.
    pub fn read_row<S: AsRef<str>>(
        &self,
        c: &mut Collector<'_>,
        line: usize,
        cells: &[S],
        strict: bool,
    ) -> Result<(), FileError> {
        if cells.iter().all(|s| s.as_ref().trim().is_empty()) {
            return Ok(());
        }
        c.row()?;
        if strict
            && (cells.len() < self.width
                || cells[self.width.min(cells.len())..]
                    .iter()
                    .any(|s| !s.as_ref().trim().is_empty()))
        {
            c.error(
                line,
                None,
                msg!(
                    "reason.inventory.row.cells",
                    expected = self.width,
                    found = cells.len()
                ),
            );
            return Ok(());
        }
        let get = |i: Option<usize>| -> (&str, &str) {
            match i {
                Some(i) => (
                    cells.get(i).map_or("", |s| s.as_ref().trim()),
                    self.header(i),
                ),
                None => ("", ""),
            }
        };
        let kb_cell = get(self.kb);
        let names_software = [self.name, self.product, self.cpe]
            .into_iter()
            .any(|i| !get(i).0.is_empty());
        if !names_software && kb_cell.0.is_empty() {
            c.skipped += 1;
            return Ok(());
        }
        let Some(h) = c.host(line, self.host.map(|i| get(Some(i)))) else {
            return Ok(());
        };
        // check everything before adding anything, so a bad row is left out
        // whole
        let kbs = if kb_cell.0.is_empty() {
            Vec::new()
        } else {
            match kbs_of(kb_cell.0) {
                Ok(k) => k,
                Err(reason) => {
                    c.error(line, Some(kb_cell.1), reason);
                    return Ok(());
                }
            }
        };
        if names_software {
            let Some(found) = self.software(c, line, get) else {
                return Ok(());
            };
            c.software(h, found);
        }
        c.kbs(h, kbs);
        Ok(())
    }

    /// The software of a row, or `None` with its error recorded.
    fn software<'a>(
        &'a self,
        c: &mut Collector<'_>,
        line: usize,
        get: impl Fn(Option<usize>) -> (&'a str, &'a str),
    ) -> Option<Found<'a>> {
        let (name, product, cpe_cell) = (get(self.name), get(self.product), get(self.cpe));
        let (version, vendor) = (get(self.version), get(self.vendor));
        let mut publisher = get(self.publisher);
        if publisher.0.is_empty() && !vendor.0.is_empty() {
            publisher = vendor;
        }
        let cpe23 = if !cpe_cell.0.is_empty() {
            match cpe_of(cpe_cell.0) {
                Ok(v) => v,
                Err(reason) => {
                    c.error(line, Some(cpe_cell.1), reason);
                    return None;
                }
            }
        } else if self.product.is_some() && !vendor.0.is_empty() && !product.0.is_empty() {
            // the host CSV of `zian vuln scan`: vendor and product are CPE
            // components
            let built = build_cpe23(vendor.0, product.0, version.0);
            match cpe_of(&built) {
                Ok(v) => v,
                Err(reason) => {
                    c.error(
                        line,
                        Some(product.1),
                        Msg::new("reason.inventory.row.cpe_parts")
                            .arg("vendor", vendor.0)
                            .arg("product", product.0)
                            .arg_msg("error", reason),
                    );
                    return None;
                }
            }
        } else {
            None
        };
        let name = if name.0.is_empty() { product } else { name };
        let mut found = Found {
            line,
            name: (Cow::Borrowed(name.0), name.1),
            version: (Cow::Borrowed(version.0), version.1),
            publisher: (Cow::Borrowed(publisher.0), publisher.1),
            cpe23,
        };
        if found.name.0.is_empty() {
            // only a CPE name: the software is what it names
            found.fill_from_cpe(cpe_cell.1);
        }
        Some(found)
    }
}

/// A CPE 2.3 formatted string of an application from its vendor, product
/// and version as written in the host CSV (as `zian vuln scan` builds it):
/// lower case, blanks as `_`, other punctuation quoted; a blank version is
/// ANY.
pub(crate) fn build_cpe23(vendor: &str, product: &str, version: &str) -> String {
    fn quote(s: &str) -> String {
        let t = s.trim();
        if t.is_empty() {
            return "*".into();
        }
        let mut out = String::with_capacity(t.len() + 4);
        for ch in t.chars() {
            if ch.is_whitespace() {
                out.push('_');
            } else if ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.') {
                out.push(ch.to_ascii_lowercase());
            } else if ch.is_alphanumeric() {
                out.extend(ch.to_lowercase());
            } else {
                out.push('\\');
                out.push(ch);
            }
        }
        out
    }
    format!(
        "cpe:2.3:a:{}:{}:{}:*:*:*:*:*:*:*",
        quote(vendor),
        quote(product),
        quote(version)
    )
}

/// A table read row by row: rows before the header are searched for it,
/// rows after it are data.
pub(crate) struct Tabular<'d> {
    pub c: Collector<'d>,
    layout: Option<Layout>,
    first_row: Option<String>,
    before_header: usize,
}

impl<'d> Tabular<'d> {
    pub fn new(default_host: Option<&'d str>) -> Self {
        Tabular {
            c: Collector::new(default_host),
            layout: None,
            first_row: None,
            before_header: 0,
        }
    }

    /// One row; `Ok(false)` when no header was found in time (stop reading).
    pub fn feed<S: AsRef<str>>(
        &mut self,
        line: usize,
        cells: &[S],
        strict: bool,
    ) -> Result<bool, FileError> {
        if let Some(l) = &self.layout {
            l.read_row(&mut self.c, line, cells, strict)?;
            return Ok(true);
        }
        if cells.iter().all(|s| s.as_ref().trim().is_empty()) {
            return Ok(true);
        }
        if let Some(l) = Layout::from_header(cells) {
            if !l.has_host() && self.c.default_host.is_none() {
                return Err(FileError::NoHost);
            }
            self.layout = Some(l);
            return Ok(true);
        }
        let preamble = cells.first().is_some_and(|f| {
            let f = f.as_ref().trim_start_matches('\u{feff}').trim_start();
            f.starts_with("#TYPE") || f.starts_with("sep=")
        });
        if !preamble && self.first_row.is_none() {
            self.first_row = Some(shown(cells));
        }
        self.before_header += 1;
        Ok(self.before_header < HEADER_SEARCH_ROWS)
    }

    pub fn finish(self, format: Format, encoding: Encoding) -> Result<ParsedFile, FileError> {
        let Some(l) = self.layout else {
            return Err(FileError::NoColumns {
                found: self.first_row.unwrap_or_default(),
            });
        };
        Ok(self.c.finish(format, encoding, l.columns()))
    }
}

/// Reads delimited text.
pub(crate) fn parse_csv(
    text: &str,
    encoding: Encoding,
    default_host: Option<&str>,
) -> Result<ParsedFile, FileError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut t = Tabular::new(default_host);
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::default();
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                // flexible reading of valid UTF-8 fails only on I/O, which a
                // slice does not have; report it on its line all the same
                let line = e
                    .position()
                    .map_or(0, |p| lines.line_at(text, p.byte() as usize));
                t.c.error(
                    line,
                    None,
                    msg!("reason.inventory.row.csv", error = e.to_string()),
                );
                continue;
            }
        }
        let line = record
            .position()
            .map_or(0, |p| lines.line_at(text, p.byte() as usize));
        let cells: Vec<&str> = record.iter().collect();
        if !t.feed(line, &cells, true)? {
            break;
        }
    }
    t.finish(Format::Csv, encoding)
}

/// Line numbers from byte offsets, counted incrementally (the csv crate's
/// own line count skips blank lines and lags behind CRLF line ends).
#[derive(Default)]
pub(crate) struct LineCounter {
    byte: usize,
    line: usize,
}

impl LineCounter {
    /// The 1-based line of the record starting at `byte` (offsets only
    /// grow): a record's position may point at the line end before it.
    pub(crate) fn line_at(&mut self, text: &str, byte: usize) -> usize {
        let b = text.as_bytes();
        let mut start = byte.min(b.len());
        while start < b.len() && matches!(b[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.byte {
            self.line += b[self.byte..start].iter().filter(|&&c| c == b'\n').count();
            self.byte = start;
        }
        self.line + 1
    }
}

/// A row as shown in a message: its first cells, at most 120 characters.
pub(crate) fn shown<S: AsRef<str>>(cells: &[S]) -> String {
    let joined = cells
        .iter()
        .map(|s| s.as_ref().trim())
        .collect::<Vec<_>>()
        .join(", ");
    let mut out: String = joined.chars().take(120).collect();
    if joined.chars().count() > 120 {
        out.push('…');
    }
    out
}

/// The delimiter of the first line that is not PowerShell's `#TYPE` or
/// Excel's `sep=` line: the most frequent of comma, semicolon and tab outside
/// quotes (comma on a tie).
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let mut lines = text.lines().map(|l| l.trim_start_matches('\u{feff}'));
    let mut line = lines.next().unwrap_or("");
    if let Some(sep) = line.strip_prefix("sep=")
        && let Some(&b) = sep.as_bytes().first()
    {
        return b;
    }
    while line.starts_with("#TYPE") || line.trim().is_empty() {
        match lines.next() {
            Some(l) => line = l,
            None => break,
        }
    }
    let (mut comma, mut semi, mut tab, mut quoted) = (0usize, 0usize, 0usize, false);
    for b in line.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => comma += 1,
            b';' if !quoted => semi += 1,
            b'\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if tab > comma && tab >= semi {
        b'\t'
    } else if semi > comma {
        b';'
    } else {
        b','
    }
}
