//! CSV: the document's main table, UTF-8 with a byte order mark so Excel on
//! a zh-TW Windows reads it as Unicode; cells that a spreadsheet would run
//! as a formula are quoted with a leading apostrophe.

use crate::{Block, Document, Error, Format};

fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

pub(crate) fn render(doc: &Document) -> Result<Vec<u8>, Error> {
    let Some(Block::Table(table)) = doc.csv_table.and_then(|i| doc.blocks.get(i)) else {
        return Err(Error::NotTabular);
    };
    let err = |e: &dyn std::fmt::Display| Error::write(Format::Csv, e);
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    out.write_record(table.columns.iter().map(|c| defuse(&c.title)))
        .map_err(|e| err(&e))?;
    for row in &table.rows {
        out.write_record(
            (0..table.columns.len()).map(|i| defuse(row.get(i).map(String::as_str).unwrap_or(""))),
        )
        .map_err(|e| err(&e))?;
    }
    out.into_inner().map_err(|e| err(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, Table};

    #[test]
    fn writes_the_main_table_with_a_bom_and_defused_formulas() {
        let day = time::macros::date!(2026 - 12 - 04);
        let mut doc = Document::new("t", "表", "機關", day, "2026-12-04".into());
        doc.paragraph("前言");
        let mut t = Table::new(
            "清冊",
            vec![Column::text("名稱", 2), Column::number("數量", 1)],
        );
        t.row(vec!["=HYPERLINK(\"x\")".into(), "-3".into()]);
        t.row(vec!["短".into()]);
        doc.table(t, true);
        let bytes = render(&doc).expect("tabular");
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        assert_eq!(text, "名稱,數量\n\"'=HYPERLINK(\"\"x\"\")\",-3\n短,\n");
        doc.csv_table = None;
        assert!(matches!(render(&doc), Err(Error::NotTabular)));
    }
}
