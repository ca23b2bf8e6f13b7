//! Spreadsheets (ODS through spreadsheet-ods, XLSX through rust_xlsxwriter)
//! from one plan: a first sheet 摘要 with the title and the form's fields
//! when the document has any, then one sheet per table with its header row
//! frozen and numbers written as numbers.

use std::collections::BTreeSet;

use crate::{Block, Document, Error, Format, Table};

pub(crate) enum Value {
    Text(String),
    Number(f64),
}

pub(crate) struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Value>>,
    /// The row (0-based) holding column titles, shown bold and frozen.
    pub header: Option<u32>,
    /// Column widths in characters.
    pub widths: Vec<f64>,
}

fn sheet_name(wanted: &str, used: &mut BTreeSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\' | '\'') {
                '_'
            } else {
                c
            }
        })
        .take(28)
        .collect();
    let base = if clean.trim().is_empty() {
        "表".to_owned()
    } else {
        clean
    };
    let mut name = base.clone();
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim().replace(',', "");
    if t.is_empty()
        || t.starts_with('+')
        || (t.len() > 1 && t.starts_with('0') && !t.starts_with("0."))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn table_sheet(t: &Table, used: &mut BTreeSet<String>) -> Sheet {
    let mut rows = vec![
        t.columns
            .iter()
            .map(|c| Value::Text(c.title.clone()))
            .collect::<Vec<_>>(),
    ];
    for row in &t.rows {
        rows.push(
            t.columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let v = row.get(i).cloned().unwrap_or_default();
                    match c.numeric.then(|| parse_number(&v)).flatten() {
                        Some(n) => Value::Number(n),
                        None => Value::Text(v),
                    }
                })
                .collect(),
        );
    }
    Sheet {
        name: sheet_name(&t.title, used),
        rows,
        header: Some(0),
        widths: t
            .columns
            .iter()
            .map(|c| 6.0 + f64::from(c.width) * 4.0)
            .collect(),
    }
}

/// The sheets of `doc`, in order.
pub(crate) fn plan(doc: &Document) -> Vec<Sheet> {
    let mut used = BTreeSet::new();
    let mut summary = vec![
        vec![Value::Text(doc.title.clone())],
        vec![Value::Text("機關".into()), Value::Text(doc.org.clone())],
        vec![Value::Text("日期".into()), Value::Text(doc.date.clone())],
    ];
    if let Some(s) = &doc.subtitle {
        summary.insert(1, vec![Value::Text(s.clone())]);
    }
    if let Some(n) = &doc.number {
        summary.push(vec![Value::Text("編號".into()), Value::Text(n.clone())]);
    }
    let mut sheets = Vec::new();
    let mut has_summary_content = false;
    let mut heading = String::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { text, .. } => {
                heading = text.clone();
                summary.push(vec![Value::Text(text.clone())]);
            }
            Block::Paragraph { text } => {
                has_summary_content = true;
                summary.push(vec![Value::Text(String::new()), Value::Text(text.clone())]);
            }
            Block::List { items } => {
                has_summary_content = true;
                summary.extend(
                    items
                        .iter()
                        .map(|i| vec![Value::Text("•".into()), Value::Text(i.clone())]),
                );
            }
            Block::Fields { rows } => {
                has_summary_content = true;
                summary.extend(
                    rows.iter()
                        .map(|f| vec![Value::Text(f.label.clone()), Value::Text(f.value.clone())]),
                );
            }
            Block::Table(t) => sheets.push(table_sheet(t, &mut used)),
            Block::Chart { title, bars } => {
                let mut t = Table::new(
                    if title.is_empty() {
                        heading.clone()
                    } else {
                        title.clone()
                    },
                    vec![
                        crate::Column::text("項目", 3),
                        crate::Column::number("數量", 2),
                    ],
                );
                for b in bars {
                    t.row(vec![b.label.clone(), b.value.to_string()]);
                }
                sheets.push(table_sheet(&t, &mut used));
            }
            Block::Signatures { boxes } => {
                summary.push(boxes.iter().map(|b| Value::Text(b.clone())).collect());
            }
            Block::PageBreak => {}
        }
    }
    if has_summary_content || sheets.is_empty() {
        let name = sheet_name("摘要", &mut used);
        sheets.insert(
            0,
            Sheet {
                name,
                rows: summary,
                header: None,
                widths: vec![18.0, 60.0],
            },
        );
    }
    sheets
}

pub(crate) fn xlsx(doc: &Document) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Color, Format as XFormat, FormatAlign, FormatBorder, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| Error::write(Format::Xlsx, e);
    let font = crate::odt::SERIF;
    let plain = XFormat::new()
        .set_font_name(font)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let head = XFormat::new()
        .set_font_name(font)
        .set_bold()
        .set_background_color(Color::RGB(0xE8E8E8))
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let title = XFormat::new()
        .set_font_name(font)
        .set_bold()
        .set_font_size(14);
    let mut wb = Workbook::new();
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(&doc.title)
            .set_author("Zian"),
    );
    for sheet in plan(doc) {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).map_err(err)?;
        for (c, w) in sheet.widths.iter().enumerate() {
            ws.set_column_width(u16::try_from(c).unwrap_or(u16::MAX), *w)
                .map_err(err)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r).unwrap_or(u32::MAX);
            for (c, v) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                let f = if sheet.header == Some(r) {
                    &head
                } else if sheet.header.is_none() && r == 0 {
                    &title
                } else {
                    &plain
                };
                match v {
                    Value::Text(s) => ws.write_string_with_format(r, c, s, f).map(|_| ()),
                    Value::Number(n) => ws.write_number_with_format(r, c, *n, f).map(|_| ()),
                }
                .map_err(err)?;
            }
        }
        if let Some(h) = sheet.header {
            ws.set_freeze_panes(h + 1, 0).map_err(err)?;
            let last_col = u16::try_from(sheet.widths.len().saturating_sub(1)).unwrap_or(0);
            let last_row = u32::try_from(sheet.rows.len().saturating_sub(1)).unwrap_or(0);
            if last_row > h {
                ws.autofilter(h, 0, last_row, last_col).map_err(err)?;
            }
        }
    }
    wb.save_to_buffer().map_err(err)
}

pub(crate) fn ods(doc: &Document) -> Result<Vec<u8>, Error> {
    use spreadsheet_ods::style::CellStyle;
    use spreadsheet_ods::{Length, Sheet as OSheet, ValueFormatText, WorkBook};
    let err = |e: spreadsheet_ods::OdsError| Error::write(Format::Ods, e);
    let mut wb = WorkBook::default();
    let text_format = wb.add_text_format(ValueFormatText::new_named("zian_text"));
    let mut head = CellStyle::new("zian_head", &text_format);
    head.set_font_bold();
    head.set_font_name_asian(crate::odt::SERIF);
    head.set_background_color(spreadsheet_ods::color::Rgb::new(0xE8, 0xE8, 0xE8));
    let head = wb.add_cellstyle(head);
    for sheet in plan(doc) {
        let mut s = OSheet::new(sheet.name.as_str());
        for (c, w) in sheet.widths.iter().enumerate() {
            let c = u32::try_from(c).unwrap_or(u32::MAX);
            s.set_col_width(c, Length::Cm(*w * 0.21));
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r).unwrap_or(u32::MAX);
            for (c, v) in row.iter().enumerate() {
                let c = u32::try_from(c).unwrap_or(u32::MAX);
                let is_head = sheet.header == Some(r) || (sheet.header.is_none() && r == 0);
                match (v, is_head) {
                    (Value::Text(t), true) => s.set_styled_value(r, c, t.as_str(), &head),
                    (Value::Text(t), false) => s.set_value(r, c, t.as_str()),
                    (Value::Number(n), _) => s.set_value(r, c, *n),
                }
            }
        }
        if let Some(h) = sheet.header {
            s.set_header_rows(h, h);
        }
        wb.push_sheet(s);
    }
    spreadsheet_ods::write_ods_buf(&mut wb, Vec::new()).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_numbers_only_when_they_look_like_one() {
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("-3"), Some(-3.0));
        assert_eq!(
            parse_number("0912345678"),
            None,
            "a phone number stays text"
        );
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn sheet_names_are_legal_and_unique() {
        let mut used = BTreeSet::new();
        assert_eq!(sheet_name("資產/清冊", &mut used), "資產_清冊");
        assert_eq!(sheet_name("資產/清冊", &mut used), "資產_清冊2");
        assert_eq!(sheet_name("  ", &mut used), "表");
        assert!(sheet_name(&"長".repeat(40), &mut used).chars().count() <= 28);
    }
}
