//! Any table a person uploads — delimited text in UTF-8 or Big5, or the
//! first sheet of an XLSX workbook — as rows of text cells with their line
//! (or row) numbers: the reader other imports (the training sign-in sheet)
//! share with the inventory's, under the same limits and zip-bomb guard.

use crate::table::{LineCounter, sniff_delimiter};
use crate::{FileError, decode, sheet};

/// One row: its line (text) or row (sheet) number, 1-based, and its cells
/// trimmed; blank rows are left out.
pub type Row = (usize, Vec<String>);

/// The rows of `bytes`, at most `max_rows` (more is
/// [`FileError::TooManyRows`]); `max_bytes` bounds the file.
pub fn rows(bytes: &[u8], max_bytes: usize, max_rows: usize) -> Result<Vec<Row>, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(FileError::TooLarge { limit: max_bytes });
    }
    let mut out: Vec<Row> = Vec::new();
    let mut push = |line: usize, cells: &[String]| -> Result<bool, FileError> {
        let cells: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            return Ok(true);
        }
        if out.len() >= max_rows {
            return Err(FileError::TooManyRows { limit: max_rows });
        }
        out.push((line, cells));
        Ok(true)
    };
    if bytes.starts_with(b"PK\x03\x04") {
        sheet::for_each_row(bytes, &mut push)?;
        return Ok(out);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(FileError::UnsupportedWorkbook);
    }
    let (text, _) = decode::decode(bytes)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::default();
    // flexible reading of a string fails only on I/O, which a slice has not
    while rdr.read_record(&mut record).unwrap_or(false) {
        let line = record
            .position()
            .map_or(0, |p| lines.line_at(&text, p.byte() as usize));
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        push(line, &cells)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_either_encoding_and_blank_lines_skipped() {
        let got = rows("單位,姓名\n\n資訊室,林怡君\n".as_bytes(), 1000, 10).unwrap();
        assert_eq!(
            got,
            vec![
                (1, vec!["單位".to_string(), "姓名".to_string()]),
                (3, vec!["資訊室".to_string(), "林怡君".to_string()]),
            ]
        );
        let (big5, _, _) = encoding_rs::BIG5.encode("單位\t姓名\r\n資訊室\t林怡君\r\n");
        let got = rows(&big5, 1000, 10).unwrap();
        assert_eq!(got[1].1, vec!["資訊室".to_string(), "林怡君".to_string()]);
    }

    #[test]
    fn limits_and_old_workbooks_are_refused() {
        assert!(matches!(rows(b"", 10, 10), Err(FileError::Empty)));
        assert!(matches!(
            rows(b"a,b\n", 2, 10),
            Err(FileError::TooLarge { .. })
        ));
        assert!(matches!(
            rows(b"a\nb\nc\n", 100, 2),
            Err(FileError::TooManyRows { limit: 2 })
        ));
        assert!(matches!(
            rows(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0], 100, 2),
            Err(FileError::UnsupportedWorkbook)
        ));
    }
}
