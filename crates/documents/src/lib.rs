//! Zian's document engine: one [`Document`] model, six outputs.
//!
//! - PDF (archival PDF/A-2b) through Typst with a CJK font found on the
//!   system (Debian `fonts-noto-cjk`) or in a configured directory; every
//!   character is checked against the fonts *before* layout, so a missing
//!   glyph is an error naming the characters, never a silent gap.
//! - ODT and ODS (ODF, CNS 15251 — the Executive Yuan's format for editable
//!   documents), DOCX and XLSX, and CSV (UTF-8 with BOM) for tabular reports.
//!
//! Pure: no database, no network; the only input besides the model is the
//! font directory. The application layer builds the model.

mod csv_out;
mod docx;
mod fonts;
mod logo;
mod model;
mod odt;
mod pdf;
mod sheets;
mod xml;

pub use fonts::{FontSet, default_font_dirs};
pub use logo::{Logo, LogoError, MAX_SIDE as MAX_LOGO_SIDE, MAX_UPLOAD_BYTES as MAX_LOGO_BYTES};
pub use model::{Bar, Block, Column, Document, Field, Table};
pub use pdf::forget_layouts;

use std::fmt;
use std::str::FromStr;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Odt,
    Ods,
    Docx,
    Xlsx,
    Csv,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Pdf,
        Format::Odt,
        Format::Ods,
        Format::Docx,
        Format::Xlsx,
        Format::Csv,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Odt => "odt",
            Format::Ods => "ods",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Odt => "application/vnd.oasis.opendocument.text",
            Format::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    /// Whether the format needs the fonts (only PDF lays text out itself).
    pub fn needs_fonts(self) -> bool {
        self == Format::Pdf
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| Error::UnknownFormat(s.to_owned()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown format {0:?}: one of pdf, odt, ods, docx, xlsx, csv")]
    UnknownFormat(String),
    #[error("this document has no table to write as CSV; use ods or xlsx")]
    NotTabular,
    #[error("no CJK font found in {searched}: install fonts-noto-cjk or set [documents] font_dir")]
    NoFonts { searched: String },
    /// Characters no loaded font can draw: caught before layout.
    #[error("the fonts cannot draw {chars}")]
    MissingGlyphs { chars: String },
    #[error("layout failed: {0}")]
    Layout(String),
    #[error("writing the {format} file failed: {message}")]
    Write { format: Format, message: String },
}

impl Error {
    fn write(format: Format, e: impl fmt::Display) -> Self {
        Error::Write {
            format,
            message: e.to_string(),
        }
    }
}

/// Renders `doc` as `format`. `fonts` is needed for PDF only.
pub fn render(doc: &Document, format: Format, fonts: Option<&FontSet>) -> Result<Vec<u8>, Error> {
    match format {
        Format::Pdf => {
            let fonts = fonts.ok_or_else(|| Error::NoFonts {
                searched: "(none given)".into(),
            })?;
            pdf::render(doc, fonts)
        }
        Format::Odt => odt::render(doc),
        Format::Docx => docx::render(doc),
        Format::Ods => sheets::ods(doc),
        Format::Xlsx => sheets::xlsx(doc),
        Format::Csv => csv_out::render(doc),
    }
}

/// A file name for the download: the report name, the day and the extension.
pub fn file_name(doc: &Document, format: Format) -> String {
    format!("{}-{}.{}", doc.name, doc.issued, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_refuse() {
        assert_eq!("PDF".parse::<Format>().ok(), Some(Format::Pdf));
        assert_eq!(" xlsx".parse::<Format>().ok(), Some(Format::Xlsx));
        assert!(matches!(
            "doc".parse::<Format>(),
            Err(Error::UnknownFormat(_))
        ));
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>().ok(), Some(f));
        }
    }

    #[test]
    fn file_names_carry_the_date() {
        let day = time::macros::date!(2026 - 12 - 04);
        let doc = Document::new(
            "risk-register",
            "風險評估表",
            "機關",
            day,
            "民國115年12月4日".into(),
        );
        assert_eq!(file_name(&doc, Format::Odt), "risk-register-2026-12-04.odt");
    }
}
