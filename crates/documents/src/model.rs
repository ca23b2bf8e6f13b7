//! The document model every renderer reads: what a form says, never how a
//! database stores it. The application layer builds one per report; the
//! renderers (`pdf`, `odt`, `docx`, `ods`, `xlsx`, `csv`) lay it out.

use serde::Serialize;

/// One official document (表單, 報告, 清冊).
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The report's name as `zian report` knows it, e.g. `risk-register`.
    pub name: String,
    /// The title printed on the first page (資通系統及資訊資產清冊).
    pub title: String,
    /// A line under the title (period, scope, system).
    pub subtitle: Option<String>,
    /// The organisation in the running header.
    pub org: String,
    /// Document number (編號), printed in the header when set.
    pub number: Option<String>,
    /// Classification marking (密等) printed in the footer when set.
    pub classification: Option<String>,
    /// The date the document speaks for, already formatted as the form
    /// requires (民國 115 年 12 月 4 日 or 2026-12-04).
    pub date: String,
    /// The same day as a date (file names).
    #[serde(skip)]
    pub issued: time::Date,
    /// A4 landscape for wide registers.
    pub landscape: bool,
    /// The organisation's logo, printed before its name in the running
    /// header of PDF, ODT and DOCX.
    #[serde(skip)]
    pub logo: Option<crate::Logo>,
    /// Index into `blocks` of the table a CSV export writes; `None` when the
    /// document is not tabular.
    pub csv_table: Option<usize>,
    pub blocks: Vec<Block>,
}

/// A piece of a document, in reading order.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A chapter (level 1) or section (level 2–3) heading.
    Heading { level: u8, text: String },
    /// Running text; line breaks in `text` are kept.
    Paragraph { text: String },
    /// A bulleted list.
    List { items: Vec<String> },
    /// Label / value pairs laid out as a two-column form (欄位：內容).
    Fields { rows: Vec<Field> },
    /// A table with a header row.
    Table(Table),
    /// A horizontal bar chart of counts (e.g. findings by severity).
    Chart { title: String, bars: Vec<Bar> },
    /// The approval chain's signature boxes, left to right (承辦人 → 單位主管 → 資安長).
    Signatures { boxes: Vec<String> },
    /// Start a new page.
    PageBreak,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// The caption above the table, and the sheet name in spreadsheets.
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub title: String,
    /// Relative width (1–10).
    pub width: u8,
    /// Right-aligned, and written as a number in spreadsheets when it parses as one.
    pub numeric: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: u64,
}

impl Document {
    pub fn new(name: &str, title: &str, org: &str, issued: time::Date, date: String) -> Self {
        Self {
            name: name.to_owned(),
            title: title.to_owned(),
            subtitle: None,
            org: org.to_owned(),
            number: None,
            classification: None,
            date,
            issued,
            landscape: false,
            logo: None,
            csv_table: None,
            blocks: Vec::new(),
        }
    }

    pub fn heading(&mut self, level: u8, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Heading {
            level: level.clamp(1, 3),
            text: text.into(),
        });
        self
    }

    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Paragraph { text: text.into() });
        self
    }

    pub fn list(&mut self, items: Vec<String>) -> &mut Self {
        self.blocks.push(Block::List { items });
        self
    }

    pub fn fields<L: Into<String>, V: Into<String>>(
        &mut self,
        rows: impl IntoIterator<Item = (L, V)>,
    ) -> &mut Self {
        let rows = rows
            .into_iter()
            .map(|(label, value)| Field {
                label: label.into(),
                value: value.into(),
            })
            .collect();
        self.blocks.push(Block::Fields { rows });
        self
    }

    /// Adds a table; `csv` marks it as the one a CSV export writes.
    pub fn table(&mut self, table: Table, csv: bool) -> &mut Self {
        if csv {
            self.csv_table = Some(self.blocks.len());
        }
        self.blocks.push(Block::Table(table));
        self
    }

    pub fn chart(&mut self, title: impl Into<String>, bars: Vec<Bar>) -> &mut Self {
        self.blocks.push(Block::Chart {
            title: title.into(),
            bars,
        });
        self
    }

    pub fn signatures(&mut self, boxes: Vec<String>) -> &mut Self {
        if !boxes.is_empty() {
            self.blocks.push(Block::Signatures { boxes });
        }
        self
    }

    pub fn page_break(&mut self) -> &mut Self {
        self.blocks.push(Block::PageBreak);
        self
    }

    /// The tables, in order (the sheets of a spreadsheet export).
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// Every piece of text the document prints, for the glyph check.
    pub fn texts(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![&self.title, &self.org, &self.date];
        out.extend(self.subtitle.as_deref());
        out.extend(self.number.as_deref());
        out.extend(self.classification.as_deref());
        for block in &self.blocks {
            match block {
                Block::Heading { text, .. } | Block::Paragraph { text } => out.push(text),
                Block::List { items } => out.extend(items.iter().map(String::as_str)),
                Block::Fields { rows } => {
                    for f in rows {
                        out.push(&f.label);
                        out.push(&f.value);
                    }
                }
                Block::Table(t) => {
                    out.push(&t.title);
                    out.extend(t.columns.iter().map(|c| c.title.as_str()));
                    for row in &t.rows {
                        out.extend(row.iter().map(String::as_str));
                    }
                }
                Block::Chart { title, bars } => {
                    out.push(title);
                    out.extend(bars.iter().map(|b| b.label.as_str()));
                }
                Block::Signatures { boxes } => out.extend(boxes.iter().map(String::as_str)),
                Block::PageBreak => {}
            }
        }
        out
    }
}

impl Table {
    pub fn new(title: impl Into<String>, columns: Vec<Column>) -> Self {
        Self {
            title: title.into(),
            columns,
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

impl Column {
    pub fn text(title: &str, width: u8) -> Self {
        Self {
            title: title.to_owned(),
            width: width.clamp(1, 10),
            numeric: false,
        }
    }

    pub fn number(title: &str, width: u8) -> Self {
        Self {
            title: title.to_owned(),
            width: width.clamp(1, 10),
            numeric: true,
        }
    }
}
