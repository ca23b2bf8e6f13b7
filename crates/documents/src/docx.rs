//! Word (DOCX) through docx-rs, for agencies that still exchange Office
//! files; the East Asian font is set on every run so Word does not fall back
//! to a Simplified Chinese face.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, Header, PageMargin, PageNum, PageOrientationType,
    Paragraph, Pic, Run, RunFonts, Shading, Style, StyleType, Table as DTable, TableCell, TableRow,
    WidthType,
};

use crate::odt::{SANS, SERIF};
use crate::{Block, Column, Document, Error, Format, Table};

/// A4 in twentieths of a point.
const A4: (u32, u32) = (11906, 16838);
/// Text width in twips (A4 less 1.8 cm margins each side).
fn text_width(landscape: bool) -> usize {
    if landscape { 14800 } else { 9866 }
}

fn fonts(family: &str) -> RunFonts {
    RunFonts::new()
        .ascii(family)
        .hi_ansi(family)
        .east_asia(family)
}

fn run(text: &str) -> Run {
    let mut r = Run::new().fonts(fonts(SERIF));
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        r = r.add_text(line);
    }
    r
}

fn cell(text: &str, width: usize, head: bool, right: bool) -> TableCell {
    let mut r = run(text).size(19);
    if head {
        r = r.bold();
    }
    let mut p = Paragraph::new().add_run(r);
    if right {
        p = p.align(AlignmentType::Right);
    }
    let mut c = TableCell::new()
        .add_paragraph(p)
        .width(width, WidthType::Dxa);
    if head {
        c = c.shading(Shading::new().fill("E8E8E8"));
    }
    c
}

fn table(t: &Table, total: usize) -> DTable {
    let sum: usize = t
        .columns
        .iter()
        .map(|c| usize::from(c.width))
        .sum::<usize>()
        .max(1);
    let widths: Vec<usize> = t
        .columns
        .iter()
        .map(|c| total * usize::from(c.width) / sum)
        .collect();
    let head = TableRow::new(
        t.columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| cell(&c.title, *w, true, false))
            .collect(),
    );
    let mut rows = vec![head];
    for row in &t.rows {
        rows.push(TableRow::new(
            t.columns
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, w))| {
                    cell(
                        row.get(i).map(String::as_str).unwrap_or(""),
                        *w,
                        false,
                        c.numeric,
                    )
                })
                .collect(),
        ));
    }
    DTable::new(rows)
        .set_grid(widths)
        .width(total, WidthType::Dxa)
}

fn caption(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text).bold())
}

pub(crate) fn render(doc: &Document) -> Result<Vec<u8>, Error> {
    let width = text_width(doc.landscape);
    let (w, h) = if doc.landscape { (A4.1, A4.0) } else { A4 };
    let mut header = doc.org.clone();
    if let Some(n) = &doc.number {
        header.push_str(&format!("　編號：{n}"));
    }
    let mut header_line = Paragraph::new();
    if let Some(logo) = &doc.logo {
        // EMU: 36,000 to the millimetre
        let emu = |mm: f64| (mm * 36_000.0).round() as u32;
        let pic = Pic::new_with_dimensions(logo.png.clone(), logo.width, logo.height).size(
            emu(logo.printed_width_mm()),
            emu(crate::logo::PRINTED_HEIGHT_MM),
        );
        header_line = header_line
            .add_run(Run::new().add_image(pic))
            .add_run(run("　").size(16));
    }
    let header_line = header_line.add_run(run(&header).size(16));
    let mut footer = Paragraph::new().align(AlignmentType::Right);
    if let Some(c) = &doc.classification {
        footer = footer
            .add_run(run(c).bold().size(16))
            .add_run(run("　").size(16));
    }
    footer = footer
        .add_run(run("第 ").size(16))
        .add_page_num(PageNum::new())
        .add_run(run(" 頁").size(16));
    let mut d = Docx::new()
        .page_size(w, h)
        .page_margin(
            PageMargin::new()
                .left(1020)
                .right(1020)
                .top(1247)
                .bottom(1134),
        )
        .default_fonts(fonts(SERIF))
        .default_size(21)
        .header(Header::new().add_paragraph(header_line))
        .footer(Footer::new().add_paragraph(footer));
    if doc.landscape {
        d = d.page_orient(PageOrientationType::Landscape);
    }
    for (id, name, size) in [
        ("Heading1", "heading 1", 26),
        ("Heading2", "heading 2", 23),
        ("Heading3", "heading 3", 21),
    ] {
        let level = usize::from(id.as_bytes()[7] - b'1');
        d = d.add_style(
            Style::new(id, StyleType::Paragraph)
                .name(name)
                .bold()
                .size(size)
                .fonts(fonts(SANS))
                .outline_lvl(level),
        );
    }
    d = d.add_paragraph(
        Paragraph::new().align(AlignmentType::Center).add_run(
            Run::new()
                .fonts(fonts(SANS))
                .add_text(&doc.title)
                .bold()
                .size(32),
        ),
    );
    if let Some(s) = &doc.subtitle {
        d = d.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(s).size(22)),
        );
    }
    d = d.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Right)
            .add_run(run(&doc.date).size(18)),
    );
    for block in &doc.blocks {
        d = match block {
            Block::Heading { level, text } => d.add_paragraph(
                Paragraph::new()
                    .style(&format!("Heading{level}"))
                    .add_run(Run::new().fonts(fonts(SANS)).add_text(text)),
            ),
            Block::Paragraph { text } => d.add_paragraph(Paragraph::new().add_run(run(text))),
            Block::List { items } => items.iter().fold(d, |d, item| {
                d.add_paragraph(Paragraph::new().add_run(run(&format!("• {item}"))))
            }),
            Block::Fields { rows } => {
                let label = width * 23 / 100;
                let rows = rows
                    .iter()
                    .map(|f| {
                        TableRow::new(vec![
                            cell(&f.label, label, true, false),
                            cell(&f.value, width - label, false, false),
                        ])
                    })
                    .collect();
                d.add_table(
                    DTable::new(rows)
                        .set_grid(vec![label, width - label])
                        .width(width, WidthType::Dxa),
                )
            }
            Block::Table(t) => d
                .add_paragraph(caption(&t.title))
                .add_table(table(t, width)),
            Block::Chart { title, bars } => {
                let mut t = Table::new(
                    title.clone(),
                    vec![Column::text("項目", 3), Column::number("數量", 1)],
                );
                for b in bars {
                    t.row(vec![b.label.clone(), b.value.to_string()]);
                }
                d.add_paragraph(caption(title)).add_table(table(&t, width))
            }
            Block::Signatures { boxes } => {
                let each = width / boxes.len().max(1);
                let names =
                    TableRow::new(boxes.iter().map(|b| cell(b, each, true, false)).collect());
                let space =
                    TableRow::new(boxes.iter().map(|_| cell("", each, false, false)).collect())
                        .row_height(1250.0);
                d.add_paragraph(Paragraph::new()).add_table(
                    DTable::new(vec![names, space])
                        .set_grid(vec![each; boxes.len()])
                        .width(width, WidthType::Dxa),
                )
            }
            Block::PageBreak => {
                d.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            }
        };
    }
    let mut out = Cursor::new(Vec::new());
    d.build()
        .pack(&mut out)
        .map_err(|e| Error::write(Format::Docx, e))?;
    Ok(out.into_inner())
}
