//! OpenDocument text (ODT, CNS 15251) written directly: no Rust crate writes
//! ODT well, and the package is small — `mimetype` stored first, the
//! manifest, meta, styles (fonts, page, header and footer) and content.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::xml::esc;
use crate::{Block, Document, Error, Format, Table};

const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3""#;

/// Where the package keeps the logo.
const LOGO_PART: &str = "Pictures/logo.png";

/// The font families the styles name; the reader substitutes when absent.
pub(crate) const SERIF: &str = "Noto Serif CJK TC";
pub(crate) const SANS: &str = "Noto Sans CJK TC";

/// Paragraph text with line breaks and tabs as ODF elements.
fn inline(s: &str) -> String {
    esc(s)
        .replace('\n', "<text:line-break/>")
        .replace('\t', "<text:tab/>")
}

fn para(out: &mut String, style: &str, text: &str) {
    let _ = write!(
        out,
        r#"<text:p text:style-name="{style}">{}</text:p>"#,
        inline(text)
    );
}

fn styles(doc: &Document) -> String {
    let (w, h) = if doc.landscape {
        ("29.7cm", "21cm")
    } else {
        ("21cm", "29.7cm")
    };
    let orient = if doc.landscape {
        "landscape"
    } else {
        "portrait"
    };
    let number = doc
        .number
        .as_deref()
        .map(|n| format!("　編號：{}", esc(n)))
        .unwrap_or_default();
    let classification = doc.classification.as_deref().map(esc).unwrap_or_default();
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NS}>
<office:font-face-decls>
<style:font-face style:name="{SERIF}" svg:font-family="'{SERIF}'" style:font-family-generic="roman"/>
<style:font-face style:name="{SANS}" svg:font-family="'{SANS}'" style:font-family-generic="swiss"/>
</office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph">
<style:paragraph-properties fo:line-height="130%"/>
<style:text-properties style:font-name="{SERIF}" style:font-name-asian="{SERIF}" fo:font-size="10.5pt" style:font-size-asian="10.5pt" fo:language="zh" fo:country="TW" style:language-asian="zh" style:country-asian="TW"/>
</style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"><style:paragraph-properties fo:margin-bottom="0.12cm"/></style:style>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.2cm"/><style:text-properties style:font-name="{SANS}" style:font-name-asian="{SANS}" fo:font-size="16pt" style:font-size-asian="16pt" fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="11pt" style:font-size-asian="11pt"/></style:style>
<style:style style:name="Date" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="end"/><style:text-properties fo:font-size="9pt" style:font-size-asian="9pt"/></style:style>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="1"><style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/><style:text-properties style:font-name="{SANS}" style:font-name-asian="{SANS}" fo:font-size="13pt" style:font-size-asian="13pt" fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="2"><style:paragraph-properties fo:margin-top="0.3cm" fo:margin-bottom="0.15cm" fo:keep-with-next="always"/><style:text-properties style:font-name="{SANS}" style:font-name-asian="{SANS}" fo:font-size="11.5pt" style:font-size-asian="11.5pt" fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
<style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="3"><style:paragraph-properties fo:keep-with-next="always"/><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
<style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-top="0.25cm" fo:keep-with-next="always"/><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-bottom="0cm"/><style:text-properties fo:font-size="9.5pt" style:font-size-asian="9.5pt"/></style:style>
<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Table_20_Contents"><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
<style:style style:name="Number" style:family="paragraph" style:parent-style-name="Table_20_Contents"><style:paragraph-properties fo:text-align="end"/></style:style>
<style:style style:name="Centre" style:family="paragraph" style:parent-style-name="Table_20_Heading"><style:paragraph-properties fo:text-align="center"/></style:style>
<style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties fo:font-size="8pt" style:font-size-asian="8pt" fo:color="#505050"/></style:style>
<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Header"/>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="Page"><style:page-layout-properties fo:page-width="{w}" fo:page-height="{h}" style:print-orientation="{orient}" fo:margin-top="1.2cm" fo:margin-bottom="1.2cm" fo:margin-left="1.8cm" fo:margin-right="1.8cm"/><style:header-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-bottom="0.4cm"/></style:header-style><style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.4cm"/></style:footer-style></style:page-layout>
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="Page">
<style:header><text:p text:style-name="Header">{logo}{org}{number}</text:p></style:header>
<style:footer><text:p text:style-name="Footer">{classification}　第 <text:page-number text:select-page="current">1</text:page-number> 頁，共 <text:page-count>1</text:page-count> 頁</text:p></style:footer>
</style:master-page>
</office:master-styles>
</office:document-styles>"##,
        org = esc(&doc.org),
        logo = logo_frame(doc),
    )
}

/// The logo as a character-anchored frame before the organisation's name.
fn logo_frame(doc: &Document) -> String {
    doc.logo
        .as_ref()
        .map(|l| {
            format!(
                r#"<draw:frame draw:name="logo" text:anchor-type="as-char" svg:width="{:.2}mm" svg:height="{:.2}mm"><draw:image xlink:href="{LOGO_PART}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame> "#,
                l.printed_width_mm(),
                crate::logo::PRINTED_HEIGHT_MM,
            )
        })
        .unwrap_or_default()
}

fn table_xml(out: &mut String, auto: &mut String, n: usize, t: &Table, text_width_cm: f32) {
    let total: u32 = t
        .columns
        .iter()
        .map(|c| u32::from(c.width))
        .sum::<u32>()
        .max(1);
    let _ = write!(
        auto,
        r#"<style:style style:name="T{n}" style:family="table"><style:table-properties style:width="{text_width_cm}cm" table:align="margins"/></style:style>"#
    );
    for (i, c) in t.columns.iter().enumerate() {
        let _ = write!(
            auto,
            r#"<style:style style:name="T{n}.C{i}" style:family="table-column"><style:table-column-properties style:column-width="{:.2}cm" style:rel-column-width="{}*"/></style:style>"#,
            text_width_cm * f32::from(c.width) / total as f32,
            u32::from(c.width) * 1000,
        );
    }
    let _ = write!(
        out,
        r#"<table:table table:name="{}" table:style-name="T{n}">"#,
        esc(&format!(
            "{}_{n}",
            t.title.chars().take(40).collect::<String>()
        ))
    );
    for i in 0..t.columns.len() {
        let _ = write!(out, r#"<table:table-column table:style-name="T{n}.C{i}"/>"#);
    }
    out.push_str("<table:table-header-rows><table:table-row>");
    for c in &t.columns {
        let _ = write!(
            out,
            r#"<table:table-cell table:style-name="Head" office:value-type="string"><text:p text:style-name="Table_20_Heading">{}</text:p></table:table-cell>"#,
            inline(&c.title)
        );
    }
    out.push_str("</table:table-row></table:table-header-rows>");
    for row in &t.rows {
        out.push_str("<table:table-row>");
        for (i, c) in t.columns.iter().enumerate() {
            let v = row.get(i).map(String::as_str).unwrap_or("");
            let style = if c.numeric {
                "Number"
            } else {
                "Table_20_Contents"
            };
            let _ = write!(
                out,
                r#"<table:table-cell table:style-name="Cell" office:value-type="string"><text:p text:style-name="{style}">{}</text:p></table:table-cell>"#,
                inline(v)
            );
        }
        out.push_str("</table:table-row>");
    }
    out.push_str("</table:table>");
}

fn content(doc: &Document) -> String {
    let text_width = if doc.landscape { 26.1 } else { 17.4 };
    let mut auto = String::from(
        r##"<style:style style:name="Head" style:family="table-cell"><style:table-cell-properties fo:background-color="#e8e8e8" fo:border="0.5pt solid #777777" fo:padding="0.08cm"/></style:style><style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:border="0.5pt solid #777777" fo:padding="0.08cm"/></style:style><style:style style:name="Sign" style:family="table-row"><style:table-row-properties style:min-row-height="2.2cm"/></style:style><style:style style:name="Break" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:break-before="page"/></style:style><text:list-style style:name="Bullets"><text:list-level-style-bullet text:level="1" text:bullet-char="•"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.6cm" fo:text-indent="-0.6cm" fo:margin-left="0.6cm"/></style:list-level-properties></text:list-level-style-bullet></text:list-style>"##,
    );
    let mut body = String::new();
    para(&mut body, "Title", &doc.title);
    if let Some(s) = &doc.subtitle {
        para(&mut body, "Subtitle", s);
    }
    para(&mut body, "Date", &doc.date);
    let mut break_next = false;
    for (n, block) in doc.blocks.iter().enumerate() {
        if break_next {
            body.push_str(r#"<text:p text:style-name="Break"/>"#);
            break_next = false;
        }
        match block {
            Block::Heading { level, text } => {
                let _ = write!(
                    body,
                    r#"<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">{}</text:h>"#,
                    inline(text)
                );
            }
            Block::Paragraph { text } => para(&mut body, "Standard", text),
            Block::List { items } => {
                body.push_str(r#"<text:list text:style-name="Bullets">"#);
                for item in items {
                    body.push_str("<text:list-item>");
                    para(&mut body, "Standard", item);
                    body.push_str("</text:list-item>");
                }
                body.push_str("</text:list>");
            }
            Block::Fields { rows } => {
                let _ = write!(
                    auto,
                    r#"<style:style style:name="F{n}" style:family="table"><style:table-properties style:width="{text_width}cm" table:align="margins"/></style:style><style:style style:name="F{n}.L" style:family="table-column"><style:table-column-properties style:rel-column-width="1500*"/></style:style><style:style style:name="F{n}.V" style:family="table-column"><style:table-column-properties style:rel-column-width="5000*"/></style:style>"#
                );
                let _ = write!(
                    body,
                    r#"<table:table table:name="Fields_{n}" table:style-name="F{n}"><table:table-column table:style-name="F{n}.L"/><table:table-column table:style-name="F{n}.V"/>"#
                );
                for f in rows {
                    let _ = write!(
                        body,
                        r#"<table:table-row><table:table-cell table:style-name="Head" office:value-type="string"><text:p text:style-name="Table_20_Heading">{}</text:p></table:table-cell><table:table-cell table:style-name="Cell" office:value-type="string"><text:p text:style-name="Table_20_Contents">{}</text:p></table:table-cell></table:table-row>"#,
                        inline(&f.label),
                        inline(&f.value)
                    );
                }
                body.push_str("</table:table>");
            }
            Block::Table(t) => {
                para(&mut body, "Caption", &t.title);
                table_xml(&mut body, &mut auto, n, t, text_width);
            }
            Block::Chart { title, bars } => {
                // ODT carries the chart's numbers as a table with a bar of blocks.
                let top = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
                let mut t = Table::new(
                    title.clone(),
                    vec![
                        crate::Column::text("項目", 3),
                        crate::Column::number("數量", 2),
                        crate::Column::text("", 6),
                    ],
                );
                for b in bars {
                    let len = usize::try_from(b.value * 30 / top).unwrap_or(30);
                    t.row(vec![b.label.clone(), b.value.to_string(), "█".repeat(len)]);
                }
                para(&mut body, "Caption", title);
                table_xml(&mut body, &mut auto, n, &t, text_width);
            }
            Block::Signatures { boxes } => {
                let _ = write!(
                    auto,
                    r#"<style:style style:name="S{n}" style:family="table"><style:table-properties style:width="{text_width}cm" table:align="margins" fo:margin-top="0.5cm"/></style:style>"#
                );
                let _ = write!(
                    body,
                    r#"<table:table table:name="Signatures_{n}" table:style-name="S{n}"><table:table-column table:number-columns-repeated="{}"/><table:table-row>"#,
                    boxes.len()
                );
                for b in boxes {
                    let _ = write!(
                        body,
                        r#"<table:table-cell table:style-name="Head" office:value-type="string"><text:p text:style-name="Centre">{}</text:p></table:table-cell>"#,
                        inline(b)
                    );
                }
                body.push_str(r#"</table:table-row><table:table-row table:style-name="Sign">"#);
                for _ in boxes {
                    body.push_str(
                        r#"<table:table-cell table:style-name="Cell"><text:p/></table:table-cell>"#,
                    );
                }
                body.push_str("</table:table-row></table:table>");
            }
            Block::PageBreak => break_next = true,
        }
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {NS}><office:automatic-styles>{auto}</office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    )
}

fn meta(doc: &Document) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {NS}><office:meta><meta:generator>Zian</meta:generator><dc:title>{}</dc:title><dc:language>zh-TW</dc:language><meta:creation-date>{}T00:00:00</meta:creation-date></office:meta></office:document-meta>"#,
        esc(&doc.title),
        doc.issued
    )
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
"#;

pub(crate) fn render(doc: &Document) -> Result<Vec<u8>, Error> {
    let err = |e: &dyn std::fmt::Display| Error::write(Format::Odt, e);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut manifest = MANIFEST.to_owned();
    if doc.logo.is_some() {
        manifest.push_str(&format!(
            r#"<manifest:file-entry manifest:full-path="{LOGO_PART}" manifest:media-type="image/png"/>
"#
        ));
    }
    manifest.push_str("</manifest:manifest>");
    let parts: [(&str, String, SimpleFileOptions); 5] = [
        (
            "mimetype",
            "application/vnd.oasis.opendocument.text".to_owned(),
            stored,
        ),
        ("META-INF/manifest.xml", manifest, deflated),
        ("meta.xml", meta(doc), deflated),
        ("styles.xml", styles(doc), deflated),
        ("content.xml", content(doc), deflated),
    ];
    for (name, text, options) in parts {
        zip.start_file(name, options).map_err(|e| err(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| err(&e))?;
    }
    if let Some(logo) = &doc.logo {
        zip.start_file(LOGO_PART, stored).map_err(|e| err(&e))?;
        zip.write_all(&logo.png).map_err(|e| err(&e))?;
    }
    Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
}
