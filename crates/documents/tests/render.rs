//! Every format from one sample document, checked with the tools an auditor
//! would use: pdftotext and pdffonts (poppler), and LibreOffice headless
//! opening and converting the office files. Artefacts (the PDF's first page
//! as PNG) go to target/documents-artefacts.

use std::path::{Path, PathBuf};
use std::process::Command;

use zian_documents::{Bar, Column, Document, Error, FontSet, Format, Table, render};

fn sample(rows: usize) -> Document {
    let day = time::macros::date!(2026 - 12 - 04);
    let mut doc = Document::new(
        "sample",
        "資通系統及資訊資產清冊",
        "臺北市政府警察局",
        day,
        "中華民國 115 年 12 月 4 日".into(),
    );
    doc.subtitle = Some("盤點基準日：115 年 11 月 30 日".into());
    doc.number = Some("PIF-POL-115-001".into());
    doc.classification = Some("限閱".into());
    doc.heading(1, "壹、盤點範圍");
    doc.paragraph("本清冊依「資通安全管理法」第十條及其施行細則辦理，含「核心資通系統」與一般系統。\n第二行：英數混排 OpenSSL 3.0.7。");
    doc.fields([("機關名稱", "臺北市政府警察局"), ("資安責任等級", "A 級")]);
    doc.list(vec![
        "核心系統：110 報案系統".into(),
        "備援機房：內湖".into(),
    ]);
    let mut t = Table::new(
        "資產清冊",
        vec![
            Column::text("編號", 2),
            Column::text("名稱", 4),
            Column::number("數量", 1),
            Column::text("CPE", 6),
        ],
    );
    for i in 0..rows {
        t.row(vec![
            format!("A-{i:04}"),
            format!("第 {i} 台伺服器（機房）"),
            format!("{}", i % 7),
            "cpe:2.3:a:openbsd:openssh:9.6:*:*:*:*:*:*:*".into(),
        ]);
    }
    doc.table(t, true);
    doc.chart(
        "弱點嚴重度分布",
        vec![
            Bar {
                label: "嚴重".into(),
                value: 3,
            },
            Bar {
                label: "高".into(),
                value: 12,
            },
            Bar {
                label: "中".into(),
                value: 0,
            },
        ],
    );
    doc.page_break();
    doc.heading(2, "貳、簽核");
    doc.signatures(vec!["承辦人".into(), "單位主管".into(), "資安長".into()]);
    doc
}

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("documents-render");
    std::fs::create_dir_all(&dir).expect("artefact dir");
    dir
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn soffice_converts(path: &Path, to: &str, filter: &str) -> PathBuf {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .expect("extension");
    let dir = path.parent().expect("dir").join(format!("lo-{ext}-{to}"));
    std::fs::create_dir_all(&dir).expect("dir");
    // LibreOffice gets its own HOME and profile: a crashed start moves the
    // profile's directory aside ("SafeMode"), which must never be ours.
    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let profile = format!(
        "-env:UserInstallation=file://{}",
        home.join("profile").display()
    );
    let out = Command::new("soffice")
        .env("HOME", &home)
        .env("SAL_USE_VCLPLUGIN", "svp")
        .args([
            profile.as_str(),
            "--headless",
            "--norestore",
            "--convert-to",
            filter,
            "--outdir",
            dir.to_str().expect("utf-8"),
            path.to_str().expect("utf-8"),
        ])
        .output()
        .expect("soffice (libreoffice-writer-nogui, libreoffice-calc-nogui)");
    assert!(
        out.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stem = path.file_stem().expect("stem").to_str().expect("utf-8");
    let converted = dir.join(format!("{stem}.{to}"));
    assert!(
        converted.exists(),
        "LibreOffice did not convert {}",
        path.display()
    );
    converted
}

#[test]
fn every_format_renders_and_the_tools_read_it() {
    let t = std::time::Instant::now();
    let fonts =
        FontSet::discover(None).expect("fonts-noto-cjk installed (scripts/install-test-deps.sh)");
    eprintln!("fonts: {:?} in {:?}", fonts, t.elapsed());
    let doc = sample(40);
    let dir = out_dir();
    for format in Format::ALL {
        let t = std::time::Instant::now();
        let bytes = render(&doc, format, Some(&fonts)).unwrap_or_else(|e| panic!("{format}: {e}"));
        eprintln!("{format}: {} bytes in {:?}", bytes.len(), t.elapsed());
        let path = dir.join(format!("sample.{format}"));
        std::fs::write(&path, &bytes).expect("write");
        match format {
            Format::Pdf => {
                let text = tool(
                    "pdftotext",
                    &["-layout", path.to_str().expect("utf-8"), "-"],
                );
                for want in [
                    "資通系統及資訊資產清冊",
                    "臺北市政府警察局",
                    "中華民國 115 年 12 月 4 日",
                    "核心資通系統",
                    "第 39 台伺服器",
                    "資安長",
                    "限閱",
                    "編號：PIF-POL-115-001",
                ] {
                    assert!(text.contains(want), "PDF text lacks {want}: {text}");
                }
                let fonts_out = tool("pdffonts", &[path.to_str().expect("utf-8")]);
                let faces: Vec<&str> = fonts_out.lines().skip(2).collect();
                assert!(!faces.is_empty(), "{fonts_out}");
                for line in faces {
                    let cols: Vec<&str> = line.split_whitespace().collect();
                    // name type encoding emb sub uni object ID
                    assert!(
                        cols.iter().rev().nth(4) == Some(&"yes"),
                        "font not embedded: {line}"
                    );
                }
                let raw = String::from_utf8_lossy(&bytes);
                assert!(
                    raw.contains("pdfaid:part") && raw.contains(">2<")
                        || raw.contains("pdfaid:part=\"2\""),
                    "no PDF/A-2 identification"
                );
                tool(
                    "pdftoppm",
                    &[
                        "-png",
                        "-r",
                        "60",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        path.to_str().expect("utf-8"),
                        dir.join("sample-page").to_str().expect("utf-8"),
                    ],
                );
            }
            Format::Csv => {
                assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
                let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
                assert!(text.starts_with("編號,名稱,數量,CPE\n"));
                assert_eq!(text.lines().count(), 41);
            }
            Format::Odt | Format::Docx => {
                let pdf = soffice_converts(&path, "pdf", "pdf");
                let text = tool("pdftotext", &[pdf.to_str().expect("utf-8"), "-"]);
                for want in ["資通系統及資訊資產清冊", "第 39 台伺服器", "單位主管"]
                {
                    assert!(
                        text.contains(want),
                        "{format} via LibreOffice lacks {want}: {text}"
                    );
                }
            }
            Format::Ods | Format::Xlsx => {
                // LibreOffice writes the first sheet (摘要) as CSV.
                let csv =
                    soffice_converts(&path, "csv", "csv:Text - txt - csv (StarCalc):44,34,76");
                let text = String::from_utf8_lossy(&std::fs::read(&csv).expect("csv")).into_owned();
                assert!(
                    text.contains("資通系統及資訊資產清冊") && text.contains("資安責任等級"),
                    "{format}: {text}"
                );
            }
        }
    }
}

#[test]
fn a_character_no_font_draws_is_refused_before_layout() {
    let fonts = FontSet::discover(None).expect("fonts");
    let mut doc = sample(1);
    doc.paragraph("表情符號 \u{1F600} 與私用區 \u{E000}");
    match render(&doc, Format::Pdf, Some(&fonts)) {
        Err(Error::MissingGlyphs { chars }) => {
            assert!(
                chars.contains("U+1F600") && chars.contains("U+E000"),
                "{chars}"
            );
        }
        other => panic!("expected missing glyphs, got {:?}", other.map(|b| b.len())),
    }
    // The other formats leave drawing to the reader and still render.
    assert!(render(&doc, Format::Odt, None).is_ok());
}

#[test]
fn a_font_directory_without_cjk_is_a_clear_error() {
    let empty = std::env::temp_dir().join("zian-no-fonts");
    std::fs::create_dir_all(&empty).expect("dir");
    let err = FontSet::discover(Some(&empty)).expect_err("no fonts");
    assert!(err.to_string().contains("fonts-noto-cjk"), "{err}");
}
