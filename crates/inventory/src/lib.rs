//! Installed-software inventories as agencies have them, read into one shape
//! (issue 12, "Import"): hosts, each with its software (name, version,
//! publisher and, when the file gives one, a CPE 2.3 name) and its installed
//! Windows updates (KB numbers).
//!
//! The readers, chosen from the file's content (its name's extension only
//! confirms a spreadsheet):
//!
//! - **CSV** (`table.rs`) in UTF-8, UTF-8 with a byte-order mark, UTF-16 with
//!   a byte-order mark, or Big5 (`decode.rs`), separated by commas,
//!   semicolons or tabs. Columns are found by their header, in English or
//!   Chinese, whatever their order: the host CSV of `zian vuln scan`
//!   (`host,vendor,product,version,cpe23`), Windows installed-program exports
//!   (`DisplayName`, `DisplayVersion`, `Publisher` from the registry's
//!   Uninstall keys; `Name`, `Version`, `Vendor` from `wmic product`;
//!   `Name`, `Version` from `Get-Package`), `Get-HotFix` exports (`HotFixID`),
//!   with the computer's name from `PSComputerName`, `CSName`, `Node`,
//!   `主機名稱`… when present.
//! - **XLSX** (`sheet.rs`): the first sheet, read cell by cell, with the same
//!   header rules.
//! - **CycloneDX** 1.4–1.6 JSON and **SPDX** 2.3 JSON (`sbom.rs`).
//!
//! Everything here is pure: bytes in, [`ParsedFile`] out. A problem with one
//! row becomes a [`RowError`] and leaves that row out; a problem with the
//! whole file is a [`FileError`]. Both carry a localised [`Msg`].
//!
//! [`plan::plan`] then says what a read file would change in an
//! organisation's register (the import's preview and commit).

mod collect;
mod decode;
pub mod plan;
pub mod rows;
mod sbom;
mod sheet;
mod table;

use std::fmt;

use zian_i18n::{Msg, msg};

pub use table::{Column, Field};

/// The most a workbook's parts may unpack to (bytes).
pub const MAX_UNPACKED_BYTES: usize = 512 * 1024 * 1024;

/// The largest file read (bytes).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// The most data rows (CSV lines, sheet rows, SBOM components) read.
pub const MAX_ROWS: usize = 1_000_000;
/// The most row errors kept; the rest are only counted
/// ([`ParsedFile::errors_omitted`]).
pub const MAX_ROW_ERRORS: usize = 1_000;

/// What kind of file it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Delimited text (comma, semicolon or tab).
    Csv,
    /// An Office Open XML workbook.
    Xlsx,
    /// A CycloneDX JSON bill of materials.
    CycloneDx,
    /// An SPDX 2.x JSON document.
    Spdx,
}

impl Format {
    /// A short stable code (`csv`, `xlsx`, `cyclonedx`, `spdx`): what the
    /// register stores as the software's source.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::CycloneDx => "cyclonedx",
            Format::Spdx => "spdx",
        }
    }
}

/// How the file's text was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Utf8,
    /// UTF-8 behind a byte-order mark (Excel's "CSV UTF-8", PowerShell 5's
    /// `-Encoding UTF8`).
    Utf8Bom,
    /// UTF-16 little-endian behind its byte-order mark (PowerShell 5's
    /// `-Encoding Unicode`, `Out-File`'s default).
    Utf16Le,
    /// UTF-16 big-endian behind its byte-order mark.
    Utf16Be,
    /// Big5 (code page 950: Excel's plain "CSV" on Traditional Chinese
    /// Windows), decoded without a single malformed sequence.
    Big5,
    /// Not text (a workbook).
    Binary,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Big5 => "big5",
            Encoding::Binary => "binary",
        }
    }
}

/// A file read: its hosts in the order they first appear, and the rows
/// left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    pub format: Format,
    pub encoding: Encoding,
    /// For CSV and sheets, the columns recognised (header as written and what
    /// it was read as); empty for SBOMs.
    pub columns: Vec<Column>,
    pub hosts: Vec<HostInventory>,
    /// Rows left out, in file order (at most [`MAX_ROW_ERRORS`]).
    pub errors: Vec<RowError>,
    /// Row errors beyond [`MAX_ROW_ERRORS`], counted only.
    pub errors_omitted: usize,
    /// Data rows read (CSV records and sheet rows after the header, SBOM
    /// components and packages), blank lines not counted.
    pub rows: usize,
    /// Rows that name neither software nor an update (a registry key without
    /// `DisplayName`): skipped quietly, counted here.
    pub skipped: usize,
}

impl ParsedFile {
    /// Software items over all hosts.
    pub fn software_count(&self) -> usize {
        self.hosts.iter().map(|h| h.software.len()).sum()
    }
}

/// What one host has installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostInventory {
    /// As first written in the file (hosts are told apart without regard to
    /// ASCII case, as Windows computer names are).
    pub host: String,
    /// In file order; repeats of the same name, version and publisher
    /// collapse into the first.
    pub software: Vec<SoftwareItem>,
    /// Installed updates, `KB…`, sorted (shorter numbers first), unique.
    pub kbs: Vec<String>,
}

/// One piece of installed software.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoftwareItem {
    /// Where it was first found (1-based: CSV line, sheet row, SBOM array
    /// index + 1).
    pub line: usize,
    /// At most 300 characters, never blank.
    pub name: String,
    /// At most 100 characters; may be blank.
    pub version: String,
    /// At most 200 characters; may be blank.
    pub publisher: String,
    /// A CPE 2.3 formatted string naming a concrete product, when the file
    /// gave one (or its vendor and product); `None` is "not mapped yet".
    pub cpe23: Option<String>,
}

/// A row left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based: CSV line, sheet row, SBOM array index + 1.
    pub line: usize,
    /// The column's header as written in the file, or the JSON field.
    pub column: Option<String>,
    /// What is wrong (the caller adds 「第 N 列『欄』欄：」).
    pub reason: Msg,
}

/// Why a whole file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    Empty,
    TooLarge {
        limit: usize,
    },
    TooManyRows {
        limit: usize,
    },
    /// Not a format this crate reads (XML, SPDX tag-value, a PDF…).
    UnknownFormat,
    /// A legacy Excel 97–2003 workbook (`.xls`), or another workbook than
    /// XLSX (`.ods`, `.xlsb`).
    UnsupportedWorkbook,
    /// Text that is neither UTF-8 nor Big5 (nor UTF-16 with a byte-order
    /// mark): refused rather than garbled.
    Undecodable,
    /// Text holding NUL characters (UTF-16 without a byte-order mark, or a
    /// binary file).
    NotText,
    /// A header row was not found: none of the first rows names software, a
    /// CPE name or an update. `found` is the first row as read.
    NoColumns {
        found: String,
    },
    /// The file names no host and the caller gave none.
    NoHost,
    /// JSON that does not parse.
    Json {
        line: usize,
        column: usize,
        error: String,
    },
    /// JSON that is neither CycloneDX nor SPDX 2.x.
    NotSbom,
    /// A field of the SBOM with the wrong shape (`components` not a list…).
    SbomField {
        field: &'static str,
    },
    /// A workbook the spreadsheet reader refused.
    Workbook {
        error: String,
    },
    /// A workbook without a sheet.
    NoSheet,
    /// A workbook whose parts would unpack to more than `limit` bytes (or
    /// that packs them more tightly than any spreadsheet does: a zip bomb).
    WorkbookTooLarge {
        limit: usize,
    },
}

impl FileError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            FileError::Empty => "inventory.empty",
            FileError::TooLarge { .. } => "inventory.too_large",
            FileError::TooManyRows { .. } => "inventory.too_many_rows",
            FileError::UnknownFormat => "inventory.unknown_format",
            FileError::UnsupportedWorkbook => "inventory.unsupported_workbook",
            FileError::Undecodable => "inventory.undecodable",
            FileError::NotText => "inventory.not_text",
            FileError::NoColumns { .. } => "inventory.no_columns",
            FileError::NoHost => "inventory.no_host",
            FileError::Json { .. } => "inventory.json",
            FileError::NotSbom => "inventory.not_sbom",
            FileError::SbomField { .. } => "inventory.sbom_field",
            FileError::Workbook { .. } => "inventory.workbook",
            FileError::NoSheet => "inventory.no_sheet",
            FileError::WorkbookTooLarge { .. } => "inventory.workbook_too_large",
        }
    }

    /// The message to show.
    pub fn reason(&self) -> Msg {
        match self {
            FileError::Empty => msg!("reason.inventory.file.empty"),
            FileError::TooLarge { limit } => {
                msg!(
                    "reason.inventory.file.too_large",
                    mib = limit / (1024 * 1024)
                )
            }
            FileError::TooManyRows { limit } => {
                msg!("reason.inventory.file.too_many_rows", max = limit)
            }
            FileError::UnknownFormat => msg!("reason.inventory.file.unknown_format"),
            FileError::UnsupportedWorkbook => msg!("reason.inventory.file.unsupported_workbook"),
            FileError::Undecodable => msg!("reason.inventory.file.undecodable"),
            FileError::NotText => msg!("reason.inventory.file.not_text"),
            FileError::NoColumns { found } => {
                msg!("reason.inventory.file.no_columns", found = found)
            }
            FileError::NoHost => msg!("reason.inventory.file.no_host"),
            FileError::Json {
                line,
                column,
                error,
            } => msg!(
                "reason.inventory.file.json",
                line = line,
                column = column,
                error = error
            ),
            FileError::NotSbom => msg!("reason.inventory.file.not_sbom"),
            FileError::SbomField { field } => {
                msg!("reason.inventory.file.sbom_field", field = field)
            }
            FileError::Workbook { error } => {
                msg!("reason.inventory.file.workbook", error = error)
            }
            FileError::NoSheet => msg!("reason.inventory.file.no_sheet"),
            FileError::WorkbookTooLarge { limit } => msg!(
                "reason.inventory.file.workbook_too_large",
                mib = limit / (1024 * 1024)
            ),
        }
    }
}

/// The Chinese message (for logs and the command line).
impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.reason(), f)
    }
}

impl std::error::Error for FileError {}

/// Reads an inventory file. `file_name` is only a hint (a `.xlsx` that is not
/// a workbook is refused as such); `default_host` is the host of rows and
/// files that name none (a Windows export uploaded from that host's page).
pub fn parse(
    file_name: &str,
    bytes: &[u8],
    default_host: Option<&str>,
) -> Result<ParsedFile, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            limit: MAX_FILE_BYTES,
        });
    }
    let default_host = default_host.map(str::trim).filter(|h| !h.is_empty());
    let ext = extension(file_name);
    if bytes.starts_with(b"PK\x03\x04") {
        return sheet::parse_xlsx(bytes, default_host);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        || matches!(ext.as_str(), "xls" | "xlsx" | "xlsm" | "xlsb" | "ods")
    {
        // an OLE compound file (Excel 97–2003), or a name that promises a
        // workbook over content that is not one
        return Err(if ext == "xlsx" || ext == "xlsm" {
            FileError::Workbook {
                error: "not a ZIP archive".into(),
            }
        } else {
            FileError::UnsupportedWorkbook
        });
    }
    let (text, encoding) = decode::decode(bytes)?;
    let body = text.trim_start();
    if body.starts_with('{') || body.starts_with('[') {
        return sbom::parse_json(&text, encoding, default_host);
    }
    if body.starts_with('<') || body.starts_with("SPDXVersion:") {
        return Err(FileError::UnknownFormat);
    }
    table::parse_csv(&text, encoding, default_host)
}

/// The extension of a file name, lower case (`inventory.CSV` → `csv`).
fn extension(file_name: &str) -> String {
    file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}
