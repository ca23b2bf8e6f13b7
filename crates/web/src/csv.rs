//! CSV downloads for spreadsheets: UTF-8 with a byte-order mark (so Excel
//! opens Traditional Chinese correctly), CRLF line ends, RFC 4180 quoting,
//! and cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
//! tab, CR at the start) prefixed with `'`.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// A CSV document being built.
#[derive(Debug)]
pub struct Csv {
    out: String,
}

impl Default for Csv {
    fn default() -> Self {
        Csv::new()
    }
}

fn cell(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

impl Csv {
    pub fn new() -> Csv {
        Csv {
            out: BOM.to_string(),
        }
    }

    /// Appends one record.
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let line: Vec<String> = cells.into_iter().map(|c| cell(c.as_ref())).collect();
        self.out.push_str(&line.join(","));
        self.out.push_str("\r\n");
    }

    /// The download response, saved as `filename` (ASCII).
    pub fn into_download(self, filename: &str) -> Response {
        let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            self.out,
        )
            .into_response()
    }
}

/// A file name safe for a header: ASCII letters, digits, `-`, `_`, `.`.
pub fn ascii_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_guards_and_starts_with_a_bom() {
        let mut c = Csv::new();
        c.row(["a,b", "say \"hi\"", "=1+1", "資產", "-", ""]);
        assert_eq!(
            c.out,
            "\u{feff}\"a,b\",\"say \"\"hi\"\"\",'=1+1,資產,'-,\r\n"
        );
    }
}
