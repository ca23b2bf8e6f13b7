//! Official documents: the engine on a sample with every kind of block, and
//! every report of the demo in every format through the API and the page,
//! each file opened by the tools an auditor would use — pdftotext and
//! pdffonts (text, embedded fonts, the PDF/A-2 mark) and LibreOffice
//! headless (the ODT, DOCX, ODS and XLSX open and convert). Page 1 of each
//! PDF is kept as a PNG under the target directory's `tmp/documents/`.

use std::path::PathBuf;

use axum::http::{Method, StatusCode};
use serde_json::json;
use zian_documents::{Bar, Column, Document, Error, FontSet, Format, Table, render};
use zian_testkit::http::{audit_actions, form};
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

/// (report, words its PDF must show): the organisation's reports of the
/// police bureau, in the order the list shows them.
const REPORTS: [(&str, &[&str]); 12] = [
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
        "security-roster",
        &[
            "資通安全推動小組成員及分工表",
            "職掌事項",
            "備註（代理人）",
            "資通安全長",
        ],
    ),
    (
        "asset-register",
        &["資通系統及資訊資產清冊", "核心資通系統相關資產", "資產名稱"],
    ),
    (
        "host-cpe-list",
        &["主機軟體 CPE 清冊", "cpe:2.3:", "供應商"],
    ),
    (
        "risk-assessment",
        &["風險評估表", "可接受風險值", "降低", "接受"],
    ),
    (
        "compliance-report",
        &[
            "資通安全責任等級應辦事項辦理情形",
            "資通安全責任等級",
            "辦理情形",
        ],
    ),
    (
        "control-baseline",
        &["資通系統防護基準辦理情形", "附表十", "各系統辦理情形"],
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
    (
        "vulnerability-review",
        &[
            "弱點管理績效月報",
            "計算方式",
            "CVSS 7 分以上弱點 1 週內完成處置比率",
            "所屬機關",
        ],
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
        "training-plan",
        &[
            "年度資通安全教育訓練計畫",
            "職務類別人數",
            "林怡君",
            "參訓人次性別統計",
        ],
    ),
    (
        "area-log",
        &["管制區域人員進出登記表", "進出紀錄", "機房", "單位主管"],
    ),
];

/// An image of `w`×`h` pixels, encoded as `format`.
fn logo_image(w: u32, h: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 200) as u8, 40, (y % 200) as u8])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), format)
        .expect("encode");
    out
}

/// How many images `pdfimages -list` finds on a PDF's first page.
fn pdf_images(pdf: &std::path::Path) -> usize {
    let out = std::process::Command::new("pdfimages")
        .args(["-list", "-f", "1", "-l", "1"])
        .arg(pdf)
        .output()
        .expect("pdfimages (poppler-utils)");
    assert!(
        out.status.success(),
        "pdfimages: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // two header lines, then one line an image (a soft mask counts too)
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter(|l| !l.contains(" smask "))
        .count()
}

/// Checks one downloaded file: its headers, and (`inspect`) what the tools
/// read in it: all of `words` in the PDF's text, the first of them in an
/// office file LibreOffice converts (`office`: whether to run it on this
/// one).
fn check_file(
    r: &zian_testkit::Resp,
    dir: &std::path::Path,
    name: &str,
    format: Format,
    words: &[&str],
    inspect: bool,
    office: bool,
) {
    assert_eq!(r.status, StatusCode::OK, "{name}.{format}: {}", r.text());
    assert_eq!(
        r.headers["content-type"],
        format.content_type(),
        "{name}.{format}"
    );
    let disposition = r.headers["content-disposition"].to_str().expect("ascii");
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"{name}-"))
            && disposition.ends_with(&format!(".{format}\"")),
        "{disposition}"
    );
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
            assert!(
                r.body.starts_with(&[0xEF, 0xBB, 0xBF]) && text.lines().count() > 1,
                "{name}.csv: {text}"
            );
        }
        _ => {
            assert!(
                r.body.starts_with(b"PK"),
                "{name}.{format} is a zip package"
            );
            if inspect && office {
                let text = office_text(&path);
                assert!(
                    text.contains(words[0]),
                    "{name}.{format} via LibreOffice lacks {}: {text}",
                    words[0]
                );
            }
        }
    }
}

backend_tests! {
    async fn every_demo_report_downloads_in_every_format(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        // what `zian demo` adds: the police bureau's plan and risks
        env.app.seed_demo_plans().await.expect("demo plan and risks");
        // and the people and programme records the other documents print
        env.app.seed_demo_training().await.expect("demo training");
        env.app.seed_demo_vendors().await.expect("demo vendors");
        env.app.seed_demo_management_review().await.expect("demo management review");
        env.app.seed_demo_people_forms().await.expect("demo people forms");
        env.app.seed_demo_maturity().await.expect("demo maturity");
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
        let office = [Format::Odt, Format::Docx, Format::Ods, Format::Xlsx];
        for (i, (name, words)) in REPORTS.into_iter().enumerate() {
            for format in Format::ALL {
                let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/documents/{name}?format={format}"), &tok, None).await;
                if format == Format::Csv && name == "maintenance-plan" {
                    assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("format")), "{}", r.text());
                    continue;
                }
                // LibreOffice opens every office format of the first
                // report, and one of them (in turn) of each other
                let convert = i == 0 || office[i % 4] == format;
                check_file(&r, &dir, name, format, words, inspect, convert);
            }
        }
        // a record's documents, under its own path
        let first = |path: String| {
            let env = &env;
            let tok = &tok;
            async move {
                let r = env.api(Method::GET, &path, tok, None).await;
                assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
                r.json()["items"][0]["id"].as_str().expect("an id").to_owned()
            }
        };
        let incident = first(format!("/api/v1/orgs/{pol}/incidents?sort=aware")).await;
        let process = first(format!("/api/v1/orgs/{pol}/continuity/processes?q=110")).await;
        let drill = first(format!("/api/v1/orgs/{pol}/drills?status=completed")).await;
        let listed = async |path: String, pointer: &str| {
            let r = env.api(Method::GET, &path, &tok, None).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
            r.json().pointer(pointer).and_then(|v| v.as_str()).expect("an id").to_owned()
        };
        let request = listed(format!("/api/v1/orgs/{pol}/people-forms"), "/requests/0/id").await;
        let agreement = listed(format!("/api/v1/orgs/{pol}/people-forms"), "/agreements/0/id").await;
        let review = listed(format!("/api/v1/orgs/{pol}/management-reviews"), "/reviews/0/id").await;
        let vendor = listed(format!("/api/v1/orgs/{pol}/vendors"), "/items/0/id").await;
        // the latest of the ten months published (oldest first): its meeting minuted
        let monthly = listed(format!("/api/v1/orgs/{pol}/maturity"), "/reports/9/id").await;
        let records: [(String, &str, &[&str]); 9] = [
            (format!("/api/v1/maturity-reports/{monthly}"), "maturity-report", &["營運框架月度進度報告", "整體進度儀表板", "可靠性與容災", "各層級進度", "追蹤負責人簽名", "資安合規專員", "月度檢討會議記錄", "會議議程", "決議事項", "行動項目", "前次行動項目追蹤"]),
            (format!("/api/v1/incidents/{incident}"), "incident-notification", &["資通安全事件通報單", "一、發生機關", "四、等級之評估", "屏東縣政府警察局"]),
            (format!("/api/v1/incidents/{incident}"), "incident-report", &["資通安全事件調查、處理及改善報告", "五、事件根因分析", "七、前款措施之預定完成時程及成效追蹤機制"]),
            (format!("/api/v1/continuity/processes/{process}"), "continuity-plan", &["業務持續運作計畫", "110 報案受理及勤務派遣", "復原步驟", "演練紀錄"]),
            (format!("/api/v1/drills/{drill}"), "drill-report", &["業務持續計畫演練暨處理報告單", "演練情境", "實際復原時間", "資訊安全管理委員會"]),
            (format!("/api/v1/people-forms/{request}"), "resource-request", &["資通安全需求申請單", "■可採購", "資通安全長"]),
            (format!("/api/v1/people-forms/{agreement}"), "confidentiality-agreement", &["資通安全保密同意書", "善盡保管及保密之責", "身分證字號"]),
            (format!("/api/v1/management-reviews/{review}"), "management-review-minutes", &["資通安全管理審查會議紀錄", "審查事項", "決議事項"]),
            (format!("/api/v1/vendors/{vendor}"), "vendor-nda", &["委外廠商執行人員保密切結書", "第六條", "立切結書人"]),
        ];
        for (i, (base, name, words)) in records.iter().enumerate() {
            for format in Format::ALL {
                let r = env.api(Method::GET, &format!("{base}/documents/{name}?format={format}"), &tok, None).await;
                if format == Format::Csv {
                    assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("format")), "{name}: {}", r.text());
                    continue;
                }
                check_file(&r, &dir, name, format, words, inspect, office[i % 4] == format);
            }
        }
        // a record's document asked of another kind of record is unknown
        let r = env.api(Method::GET, &format!("/api/v1/drills/{drill}/documents/incident-report?format=pdf"), &tok, None).await;
        assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("report")), "{}", r.text());
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
        for path in [
            format!("/api/v1/orgs/{pol}/documents/risk-assessment?format=csv"),
            format!("/api/v1/incidents/{incident}/documents/incident-report?format=odt"),
            format!("/api/v1/drills/{drill}/documents/drill-report?format=odt"),
        ] {
            let r = env.api(Method::GET, &path, &other, None).await;
            assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{path}: {}", r.text());
        }
    }

    async fn the_documents_page_links_each_format(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let s = env.login("officer.police", PASSWORD).await;
        let pol = env.org("PIF-POL").await;
        let page = env.request(Method::GET, &format!("/orgs/{pol}/documents"), &s.headers(), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let html = page.text();
        for name in ["資通安全維護計畫", "資通安全推動小組成員及分工表", "資通系統及資訊資產清冊", "風險評估表", "營運衝擊分析表", "資通安全弱點處理報告", "弱點管理績效月報"] {
            assert!(html.contains(name), "{name}");
        }
        assert!(html.contains(&format!("/orgs/{pol}/documents/risk-assessment?format=csv")));
        assert!(!html.contains(&format!("/orgs/{pol}/documents/maintenance-plan?format=csv")), "the plan is not a table");
        let r = env.request(Method::GET, &format!("/orgs/{pol}/documents/business-impact?format=odt"), &s.headers(), None).await;
        assert_eq!((r.status, r.headers["content-type"].to_str().ok()), (StatusCode::OK, Some(Format::Odt.content_type())));
    }

    async fn an_organisations_settings_change_what_its_documents_print(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let ciso = env.token_for("ciso.police").await;
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let url = |report: &str| format!("/api/v1/orgs/{pol}/document-settings/{report}");
        let general = json!({"classification": "限閱", "signatures": ["承辦人", "課長", "副局長"]});
        // the officer reads them but may not change them
        let r = env.api(Method::PUT, &url("all"), &officer, Some(general.clone())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = env.api(Method::PUT, &url("all"), &ciso, Some(general)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let own = json!({"title": "屏東縣政府警察局資訊資產清冊", "preface": "依本局資訊資產管理程序每半年盤點。", "extra_fields": ["會辦單位", "盤點日期"]});
        let r = env.api(Method::PUT, &url("asset-register"), &ciso, Some(own)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // settings that cannot print are refused, naming the field, and nothing changes
        for (report, body, field) in [
            ("risk-assessment", json!({"signatures": ["一", "二", "三", "四", "五", "六", "七"]}), "signatures"),
            ("risk-assessment", json!({"extra_fields": ["這是一個超過二十個字元的非常非常長的欄位名稱標籤"]}), "extra_fields"),
            ("all", json!({"classification": "限閱\u{1F600}"}), "classification"),
            ("risk-assessment", json!({"signatures": ["承辦人\u{E000}"]}), "signatures"),
            ("all", json!({"title": "本機關所有文件"}), "title"),
            ("nothing", json!({}), "report"),
        ] {
            let r = env.api(Method::PUT, &url(report), &ciso, Some(body.clone())).await;
            assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{body}: {}", r.text());
        }
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/document-settings"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let v = r.json();
        assert_eq!((v["can_write"].as_bool(), v["general"]["classification"].as_str()), (Some(false), Some("限閱")));
        let report = |name: &str| v["reports"].as_array().expect("reports").iter().find(|r| r["name"] == name).expect("report").clone();
        assert_eq!(report("risk-assessment")["signatures"], json!(["承辦人", "課長", "副局長"]));
        assert_eq!(report("asset-register")["printed_title"], "屏東縣政府警察局資訊資產清冊");
        assert_eq!(report("asset-register")["extra_fields"], json!(["會辦單位", "盤點日期"]));
        assert!(report("risk-assessment")["own"].is_null());
        // what the documents print
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/documents/asset-register?format=pdf"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        if matches!(backend, Backend::Sqlite) {
            let dir = artefacts("settings");
            let path = dir.join("asset-register.pdf");
            std::fs::write(&path, &r.body).expect("write");
            let text = pdf_text(&path);
            for w in ["屏東縣政府警察局資訊資產清冊", "依本局資訊資產管理程序每半年盤點。", "會辦單位", "盤點日期", "限閱", "課長", "副局長"] {
                assert!(text.contains(w), "lacks {w}: {text}");
            }
            assert!(!text.contains("單位主管"), "the chain is the organisation's: {text}");
            first_page_png(&path);
        }
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/documents/risk-assessment?format=odt"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // removed: the form's own again; twice is not found
        let r = env.api(Method::DELETE, &url("asset-register"), &ciso, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = env.api(Method::DELETE, &url("asset-register"), &ciso, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        // another county's CISO reaches none of it
        let other = env.token_for("officer.penghu").await;
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/document-settings"), &other, None).await;
        assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", r.text());
        let actions = audit_actions(&env, "documents.").await;
        assert_eq!(
            actions.iter().filter(|a| a.as_str() == "documents.settings_saved").count(),
            2,
            "{actions:?}"
        );
        assert!(actions.iter().any(|a| a == "documents.settings_removed"), "{actions:?}");

        // the page: the CISO edits one report's chain through the form
        let s = env.login("ciso.police", PASSWORD).await;
        let page = env.request(Method::GET, &format!("/orgs/{pol}/document-settings?report=risk-assessment"), &s.headers(), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        assert!(page.text().contains("id=\"settings-form\""));
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let body = form(&[("_csrf", s.csrf.as_str()), ("report", "risk-assessment"), ("classification", ""), ("signatures", "承辦人\r\n資訊室主任\r\n局長"), ("title", ""), ("preface", ""), ("extra_fields", "")]);
        let r = env.request(Method::POST, &format!("/orgs/{pol}/document-settings"), &h, Some(body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let back = r.location().expect("back").to_owned();
        let page = env.request(Method::GET, &back, &s.headers(), None).await.text();
        assert!(page.contains("承辦人 → 資訊室主任 → 局長"), "{page}");
        assert!(page.contains("已儲存文件設定"), "the flash");
        // the officer sees the settings without the form
        let so = env.login("officer.police", PASSWORD).await;
        let page = env.request(Method::GET, &format!("/orgs/{pol}/document-settings"), &so.headers(), None).await.text();
        assert!(page.contains("承辦人 → 課長 → 副局長") && !page.contains("id=\"settings-form\""), "{page}");
    }

    async fn an_organisations_logo_prints_in_every_documents_header(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let ciso = env.token_for("ciso.police").await;
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let url = format!("/api/v1/orgs/{pol}/document-logo");
        let b64 = |bytes: &[u8]| json!({ "content_base64": data_encoding::BASE64.encode(bytes) });
        // a 600×200 JPEG: kept as a PNG 120 pixels high
        let jpeg = logo_image(600, 200, image::ImageFormat::Jpeg);
        let r = env.api(Method::GET, &url, &officer, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "none yet: {}", r.text());
        let r = env.api(Method::PUT, &url, &officer, Some(b64(&jpeg))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "the officer may not: {}", r.text());
        // what is not a usable image is refused by field, and nothing is kept
        let gif = b"GIF89a\x01\x00\x01\x00".to_vec();
        let mut cut = logo_image(80, 40, image::ImageFormat::Png);
        cut.truncate(70);
        for (body, field) in [
            (b64(&gif), "logo"),
            (b64(&cut), "logo"),
            (b64(b""), "logo"),
            (b64(&vec![0x89; 300 * 1024]), "content_base64"),
            (json!({"content_base64": "這不是 base64"}), "content_base64"),
        ] {
            let r = env.api(Method::PUT, &url, &ciso, Some(body)).await;
            assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{}", r.text());
        }
        let r = env.api(Method::GET, &url, &officer, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "nothing kept: {}", r.text());
        let r = env.api(Method::PUT, &url, &ciso, Some(b64(&jpeg))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let kept = r.json();
        assert_eq!((kept["width"].as_i64(), kept["height"].as_i64()), (Some(360), Some(120)), "{kept}");
        let r = env.api(Method::GET, &url, &officer, None).await;
        assert_eq!((r.status, r.headers["content-type"].to_str().ok()), (StatusCode::OK, Some("image/png")));
        assert!(r.body.starts_with(b"\x89PNG"));
        {
            use sha2::{Digest, Sha256};
            let sha: String = Sha256::digest(&r.body).iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(kept["sha256"].as_str(), Some(sha.as_str()));
        }
        // the header of every paged format carries it
        let dir = artefacts(&format!("logo-{backend:?}"));
        let get = async |format: &str| {
            let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/documents/risk-assessment?format={format}"), &officer, None).await;
            assert_eq!(r.status, StatusCode::OK, "{format}: {}", r.text());
            let path = dir.join(format!("risk-assessment.{format}"));
            std::fs::write(&path, &r.body).expect("write");
            path
        };
        let pdf = get("pdf").await;
        let odt = get("odt").await;
        let docx = get("docx").await;
        let names = |p: &PathBuf| {
            let zip = zip::ZipArchive::new(std::fs::File::open(p).expect("open")).expect("zip");
            zip.file_names().map(|n| n.expect("name").into_owned()).collect::<Vec<_>>()
        };
        assert!(names(&odt).iter().any(|n| n == "Pictures/logo.png"), "{:?}", names(&odt));
        assert!(names(&docx).iter().any(|n| n.starts_with("word/media/")), "{:?}", names(&docx));
        if matches!(backend, Backend::Sqlite) {
            assert_eq!(pdf_images(&pdf), 1, "one logo image on the first page");
            assert_archival_pdf(&pdf);
            first_page_png(&pdf);
            // LibreOffice reads the ODT's and the DOCX's header image
            for office in [&odt, &docx] {
                let printed = zian_testkit::office::soffice_convert(office, "pdf", "pdf");
                assert!(pdf_images(&printed) >= 1, "{} prints the logo", office.display());
            }
        }
        // another county sees none of it
        let other = env.token_for("officer.penghu").await;
        let r = env.api(Method::GET, &url, &other, None).await;
        assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", r.text());

        // the page: the settings page shows it; a PNG uploaded through the form replaces it
        let s = env.login("ciso.police", PASSWORD).await;
        let page = env.request(Method::GET, &format!("/orgs/{pol}/document-settings"), &s.headers(), None).await.text();
        assert!(page.contains("id=\"logo-current\"") && page.contains("id=\"logo-form\""), "{page}");
        let png = logo_image(90, 30, image::ImageFormat::Png);
        let boundary = "zianLogoBoundary";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"局徽.png\"\r\nContent-Type: image/png\r\n\r\n", s.csrf).into_bytes();
        body.extend_from_slice(&png);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let ct = format!("multipart/form-data; boundary={boundary}");
        let h = [("cookie", s.cookie.as_str()), ("content-type", ct.as_str())];
        let r = env.request(Method::POST, &format!("/orgs/{pol}/document-logo"), &h, Some(body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let back = r.location().expect("back").to_owned();
        let page = env.request(Method::GET, &back, &s.headers(), None).await.text();
        assert!(page.contains("已更新機關標誌"), "the flash: {page}");
        let r = env.request(Method::GET, &format!("/orgs/{pol}/document-logo"), &s.headers(), None).await;
        assert_eq!(r.status, StatusCode::OK);
        let small = image::load_from_memory(&r.body).expect("png");
        assert_eq!((small.width(), small.height()), (90, 30), "a small logo is kept at its size");
        // removed through the form; then the API finds none to remove
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let r = env.request(Method::POST, &format!("/orgs/{pol}/document-logo/remove"), &h, Some(form(&[("_csrf", s.csrf.as_str())]))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let r = env.api(Method::DELETE, &url, &ciso, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let odt = get("odt").await;
        assert!(!names(&odt).iter().any(|n| n.starts_with("Pictures/")), "no logo any more");
        let actions = audit_actions(&env, "documents.logo").await;
        assert_eq!(actions, ["documents.logo_removed", "documents.logo_saved", "documents.logo_saved"], "newest first");
    }

    async fn large_documents_are_produced_in_the_background_with_progress(backend: Backend) {
        use sha2::{Digest, Sha256};
        use zian_app::jobs::{Handlers, JobsConfig, Worker};
        let env = TestEnv::demo(backend).await;
        let tok = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let mut worker = Worker::new(env.app.clone(), Handlers::standard(), JobsConfig { schedules: vec![], ..Default::default() }).expect("worker");
        // the worker runs the queue until the document's job is over
        let mut run_until_done = async |id: &str| {
            for _ in 0..50 {
                let r = env.api(Method::GET, &format!("/api/v1/document-jobs/{id}"), &tok, None).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text());
                if matches!(r.json()["state"].as_str(), Some("succeeded" | "dead")) {
                    return r.json();
                }
                assert!(worker.tick().await.expect("tick"), "a job to run");
            }
            panic!("the document job never ended");
        };
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/documents/asset-register/jobs?format=odt"), &tok, None).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
        let job = r.json();
        assert_eq!((job["state"].as_str(), job["progress"].as_u64(), job["org_name"].as_str()), (Some("queued"), Some(0), Some("屏東縣政府警察局")));
        assert!(job["file_url"].is_null());
        let id = job["id"].as_str().expect("id").to_owned();
        let done = run_until_done(&id).await;
        assert_eq!(done["state"], "succeeded", "{done}");
        assert!(done["progress"].as_u64() >= Some(90), "{done}");
        let url = done["file_url"].as_str().expect("a file").to_owned();
        let file = env.api(Method::GET, &url, &tok, None).await;
        assert_eq!((file.status, file.headers["content-type"].to_str().ok()), (StatusCode::OK, Some(Format::Odt.content_type())));
        assert!(file.body.starts_with(b"PK"));
        let sha: String = Sha256::digest(&file.body).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(done["sha256"].as_str(), Some(sha.as_str()));
        assert_eq!(done["size"].as_u64(), Some(file.body.len() as u64));
        // another county's officer reaches neither the job nor its file
        let other = env.token_for("officer.penghu").await;
        for path in [format!("/api/v1/document-jobs/{id}"), url.clone()] {
            let r = env.api(Method::GET, &path, &other, None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
        }
        // what cannot be produced is refused before it is queued
        for (path, field) in [
            (format!("/api/v1/orgs/{pol}/documents/maintenance-plan/jobs?format=csv"), "format"),
            (format!("/api/v1/orgs/{pol}/documents/drill-report/jobs?format=pdf"), "report"),
        ] {
            let r = env.api(Method::POST, &path, &tok, None).await;
            assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{path}: {}", r.text());
        }
        // the page: the form queues it, its page follows the progress
        let s = env.login("officer.police", PASSWORD).await;
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let body = form(&[("_csrf", s.csrf.as_str()), ("format", "pdf")]);
        let r = env.request(Method::POST, &format!("/orgs/{pol}/documents/risk-assessment/jobs"), &h, Some(body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page_url = r.location().expect("to the job").to_owned();
        let page = env.request(Method::GET, &page_url, &s.headers(), None).await.text();
        assert!(page.contains("http-equiv=\"refresh\"") && page.contains("排隊中"), "{page}");
        let id = page_url.rsplit('/').next().expect("id").to_owned();
        run_until_done(&id).await;
        let page = env.request(Method::GET, &page_url, &s.headers(), None).await.text();
        assert!(page.contains("id=\"job-download\"") && !page.contains("http-equiv=\"refresh\""), "{page}");
        let pdf = env.request(Method::GET, &format!("{page_url}/file"), &s.headers(), None).await;
        assert!(pdf.status == StatusCode::OK && pdf.body.starts_with(b"%PDF-"), "{}", pdf.status);
    }
}
