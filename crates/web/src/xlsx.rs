//! Excel downloads (Office Open XML workbooks, rust_xlsxwriter): one sheet,
//! the header row bold and frozen, columns sized to their text (a CJK
//! character counting twice), every cell written as text, so nothing a
//! record holds is ever run as a formula.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};
use zian_app::AppError;

/// The content type of an `.xlsx` file.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

/// A workbook of one sheet named `sheet` whose first row is the header.
pub fn workbook(sheet: &str, rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(fail)?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).map_err(|_| AppError::Internal("xlsx: too many rows".into()))?;
        for (c, v) in row.iter().enumerate() {
            let col = u16::try_from(c)
                .map_err(|_| AppError::Internal("xlsx: too many columns".into()))?;
            if r == 0 {
                ws.write_string_with_format(r, col, v, &bold)
                    .map_err(fail)?;
            } else {
                ws.write_string(r, col, v).map_err(fail)?;
            }
            if widths.len() <= c {
                widths.resize(c + 1, 0);
            }
            widths[c] = widths[c].max(v.lines().map(width).max().unwrap_or(0));
        }
    }
    for (c, w) in widths.iter().enumerate() {
        let col =
            u16::try_from(c).map_err(|_| AppError::Internal("xlsx: too many columns".into()))?;
        // Excel's width unit is about one Latin character
        let w = (*w).clamp(6, 60) as f64 + 2.0;
        ws.set_column_width(col, w).map_err(fail)?;
    }
    ws.set_freeze_panes(1, 0).map_err(fail)?;
    wb.save_to_buffer().map_err(fail)
}

/// The download response of a workbook, saved as `filename` (ASCII).
pub fn download(bytes: Vec<u8>, filename: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}
