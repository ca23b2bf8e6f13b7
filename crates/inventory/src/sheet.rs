//! XLSX: the first sheet, read cell by cell (never as a dense grid, so a
//! sheet with one cell at A1 and one at XFD1048576 costs two cells), with the
//! header rules of CSV.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use crate::table::Tabular;
use crate::{Encoding, FileError, Format, MAX_ROWS, MAX_UNPACKED_BYTES, ParsedFile};

/// Columns beyond this are not read (no inventory has that many).
const MAX_COLUMNS: usize = 256;

fn cell_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => {
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => d.to_string(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// Refuses a workbook whose parts, as its directory declares them, would
/// unpack to more than [`MAX_UNPACKED_BYTES`] or compress more than 200 to 1
/// (real sheets compress about 10 to 1): the reader holds the shared
/// strings in memory, so a small file must not become gigabytes. The zip
/// reader refuses a part that grows past its declared size.
fn check_unpacked(bytes: &[u8]) -> Result<(), FileError> {
    let too_large = FileError::WorkbookTooLarge {
        limit: MAX_UNPACKED_BYTES,
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| FileError::Workbook {
        error: e.to_string(),
    })?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|e| FileError::Workbook {
            error: e.to_string(),
        })?;
        let size = part.size();
        if size > 1_000_000 && size / part.compressed_size().max(1) > 200 {
            return Err(too_large);
        }
        total = total.saturating_add(size);
    }
    if total > MAX_UNPACKED_BYTES as u64 {
        return Err(too_large);
    }
    Ok(())
}

pub(crate) fn parse_xlsx(
    bytes: &[u8],
    default_host: Option<&str>,
) -> Result<ParsedFile, FileError> {
    let mut t = Tabular::new(default_host);
    for_each_row(bytes, |line, row| t.feed(line, row, false))?;
    t.finish(Format::Xlsx, Encoding::Binary)
}

/// Feeds the first sheet's rows to `f` in order, each with its 1-based row
/// number (empty rows skipped, cells beyond [`MAX_COLUMNS`] dropped), until
/// `f` answers `false`.
pub(crate) fn for_each_row(
    bytes: &[u8],
    mut f: impl FnMut(usize, &[String]) -> Result<bool, FileError>,
) -> Result<(), FileError> {
    let workbook = |e: calamine::XlsxError| FileError::Workbook {
        error: e.to_string(),
    };
    check_unpacked(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(workbook)?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(FileError::NoSheet)?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(workbook)?;
    let mut row: Vec<String> = Vec::new();
    let mut row_index: Option<u32> = None;
    let mut cells_read = 0usize;
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => return Err(workbook(e)),
        };
        cells_read += 1;
        if cells_read > MAX_ROWS.saturating_mul(8) {
            return Err(FileError::TooManyRows { limit: MAX_ROWS });
        }
        let (r, col) = cell.get_position();
        let col = col as usize;
        if row_index != Some(r) {
            if let Some(prev) = row_index {
                // the cells of a row arrive together, in row order: the
                // previous row is complete
                let go_on = f(prev as usize + 1, &row)?;
                row.clear();
                if !go_on {
                    return Ok(());
                }
            }
            row_index = Some(r);
        }
        if col >= MAX_COLUMNS {
            continue;
        }
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        if row.len() <= col {
            row.resize(col + 1, String::new());
        }
        row[col] = text;
    }
    if let Some(prev) = row_index {
        f(prev as usize + 1, &row)?;
    }
    Ok(())
}
