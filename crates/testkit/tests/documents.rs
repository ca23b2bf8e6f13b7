//! Official documents: the engine on a sample with every kind of block, and
//! every report of the demo in every format through the API and the page,
//! each file opened by the tools an auditor would use — pdftotext and
//! pdffonts (text, embedded fonts, the PDF/A-2 mark) and LibreOffice
//! headless (the ODT, DOCX, ODS and XLSX open and convert). Page 1 of each
//! PDF is kept as a PNG under the target directory's `tmp/documents/`.

use std::path::PathBuf;

use axum::http::{Method, StatusCode};
use zian_documents::{Bar, Column, Document, Error, FontSet, Format, Table, render};
use zian_testkit::office::{assert_archival_pdf, first_page_png, office_text, pdf_text};
use zian_testkit::{Backend, PASSWORD, TestEnv, backend_tests};

fn artefacts(sub: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("documents")
        .join(sub);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("artefact dir");
    dir
}

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
    doc.paragraph("本清冊依「資通安全管理法」辦理，含「核心資通系統」與一般系統。\n第二行：英數混排 OpenSSL 3.0.7 <b>&amp;</b> #set text(red)");
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
            format!("第 {i} 台伺服器"),
            format!("{}", i % 7),
            "cpe:2.3:a:openbsd:openssh:9.6:*:*:*:*:*:*:*".into(),
        ]);
    }
    t.row(vec!["=1+1".into()]);
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

#[test]
fn the_engine_renders_every_block_in_every_format() {
    let fonts = FontSet::discover(None).expect("fonts-noto-cjk (scripts/install-test-deps.sh)");
    let doc = sample(40);
    let dir = artefacts("sample");
    for format in Format::ALL {
        let bytes = render(&doc, format, Some(&fonts)).unwrap_or_else(|e| panic!("{format}: {e}"));
        let path = dir.join(format!("sample.{format}"));
        std::fs::write(&path, &bytes).expect("write");
        match format {
            Format::Pdf => {
                let text = pdf_text(&path);
                for want in [
                    "資通系統及資訊資產清冊",
                    "臺北市政府警察局",
                    "中華民國 115 年 12 月 4 日",
                    "核心資通系統",
                    "第 39 台伺服器",
                    "資安長",
                    "限閱",
                    "編號：PIF-POL-115-001",
                    "#set text(red)",
                    "<b>&amp;</b>",
                    "第 1 頁，共 ",
                ] {
                    assert!(text.contains(want), "PDF text lacks {want}: {text}");
                }
                assert_archival_pdf(&path);
                first_page_png(&path);
            }
            Format::Csv => {
                assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
                let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
                assert!(text.starts_with("編號,名稱,數量,CPE\n"), "{text}");
                assert_eq!(text.lines().count(), 42);
                assert!(text.ends_with("'=1+1,,,\n"), "a formula is defused: {text}");
            }
            Format::Odt | Format::Docx => {
                let text = office_text(&path);
                for want in [
                    "資通系統及資訊資產清冊",
                    "第 39 台伺服器",
                    "單位主管",
                    "#set text(red)",
                ] {
                    assert!(
                        text.contains(want),
                        "{format} via LibreOffice lacks {want}: {text}"
                    );
                }
            }
            Format::Ods | Format::Xlsx => {
                // the first sheet is the summary with the form's fields
                let text = office_text(&path);
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
    // the office formats leave drawing to the reader and still render
    assert!(render(&doc, Format::Odt, None).is_ok());
}

#[test]
fn a_font_directory_without_cjk_is_a_clear_error() {
    let empty = artefacts("no-fonts");
    let err = FontSet::discover(Some(&empty)).expect_err("no fonts");
    assert!(err.to_string().contains("fonts-noto-cjk"), "{err}");
}

/// (report, words its PDF must show)
const REPORTS: [(&str, &[&str]); 5] = [
    (
        "maintenance-plan",
        &[
            "資通安全維護計畫",
            "壹、依據及目的",
            "屏東縣政府警察局",
            "資安長",
        ],
    ),
    (
        "asset-register",
        &["資通系統及資訊資產清冊", "核心資通系統相關資產", "資產名稱"],
    ),
    (
        "risk-assessment",
        &["風險評估表", "可接受風險值", "降低", "接受"],
    ),
    (
        "business-impact",
        &[
            "營運衝擊分析表",
            "持續運作計畫：110 報案受理及勤務派遣",
            "備援勤務指揮中心",
        ],
    ),
    (
        "vulnerability-report",
        &[
            "資通安全弱點處理報告",
            "未處理弱點嚴重度分布",
            "CVE-",
            "逾修補期限",
        ],
    ),
];

backend_tests! {
    async fn every_demo_report_downloads_in_every_format(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        // what `zian demo` adds: the police bureau's plan and risks
        env.app.seed_demo_plans().await.expect("demo plan and risks");
        let tok = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let list = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/documents"), &tok, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text());
        assert_eq!(list.json()["org_name"], "屏東縣政府警察局");
        let names: Vec<String> = list.json()["reports"].as_array().expect("list").iter().map(|r| r["name"].as_str().expect("name").to_owned()).collect();
        assert_eq!(names, REPORTS.map(|(n, _)| n.to_owned()));
        let dir = artefacts(&format!("demo-{backend:?}"));
        // the tools run once (SQLite); the other backend checks the files' kinds
        let inspect = matches!(backend, Backend::Sqlite);
        for (name, words) in REPORTS {
            for format in Format::ALL {
                let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/documents/{name}?format={format}"), &tok, None).await;
                if format == Format::Csv && name == "maintenance-plan" {
                    assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("format")), "{}", r.text());
                    continue;
                }
                assert_eq!(r.status, StatusCode::OK, "{name}.{format}: {}", r.text());
                assert_eq!(r.headers["content-type"], format.content_type(), "{name}.{format}");
                let disposition = r.headers["content-disposition"].to_str().expect("ascii");
                assert!(disposition.starts_with(&format!("attachment; filename=\"{name}-")) && disposition.ends_with(&format!(".{format}\"")), "{disposition}");
                let path = dir.join(format!("{name}.{format}"));
                std::fs::write(&path, &r.body).expect("write");
                match format {
                    Format::Pdf => {
                        assert!(r.body.starts_with(b"%PDF-"));
                        if inspect {
                            let text = pdf_text(&path);
                            for w in words {
                                assert!(text.contains(w), "{name}.pdf lacks {w}: {text}");
                            }
                            assert_archival_pdf(&path);
                            first_page_png(&path);
                        }
                    }
                    Format::Csv => {
                        let text = String::from_utf8(r.body[3..].to_vec()).expect("utf-8");
                        assert!(r.body.starts_with(&[0xEF, 0xBB, 0xBF]) && text.lines().count() > 1, "{name}.csv: {text}");
                    }
                    _ => {
                        assert!(r.body.starts_with(b"PK"), "{name}.{format} is a zip package");
                        if inspect {
                            let text = office_text(&path);
                            assert!(text.contains(words[0]), "{name}.{format} via LibreOffice lacks {}: {text}", words[0]);
                        }
                    }
                }
            }
        }
        // the risk table's CSV carries the demo's five risks, numbered
        let csv = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/documents/risk-assessment?format=csv"), &tok, None).await;
        let text = String::from_utf8(csv.body[3..].to_vec()).expect("utf-8");
        assert_eq!(text.lines().filter(|l| l.starts_with("R-")).count(), 5, "{text}");
        assert!(text.contains("網頁應用程式遭植入後門"), "{text}");
        // refusals name the field
        for (path, field) in [
            (format!("/api/v1/orgs/{pol}/documents/risk-assessment?format=doc"), "format"),
            (format!("/api/v1/orgs/{pol}/documents/nothing?format=pdf"), "report"),
        ] {
            let r = env.api(Method::GET, &path, &tok, None).await;
            assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{path}: {}", r.text());
        }
        // another county's officer sees none of it
        let other = env.token_for("officer.penghu").await;
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/documents/risk-assessment?format=csv"), &other, None).await;
        assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", r.text());
    }

    async fn the_documents_page_links_each_format(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let s = env.login("officer.police", PASSWORD).await;
        let pol = env.org("PIF-POL").await;
        let page = env.request(Method::GET, &format!("/orgs/{pol}/documents"), &s.headers(), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let html = page.text();
        for name in ["資通安全維護計畫", "資通系統及資訊資產清冊", "風險評估表", "營運衝擊分析表", "資通安全弱點處理報告"] {
            assert!(html.contains(name), "{name}");
        }
        assert!(html.contains(&format!("/orgs/{pol}/documents/risk-assessment?format=csv")));
        assert!(!html.contains(&format!("/orgs/{pol}/documents/maintenance-plan?format=csv")), "the plan is not a table");
        let r = env.request(Method::GET, &format!("/orgs/{pol}/documents/business-impact?format=odt"), &s.headers(), None).await;
        assert_eq!((r.status, r.headers["content-type"].to_str().ok()), (StatusCode::OK, Some(Format::Odt.content_type())));
    }
}
