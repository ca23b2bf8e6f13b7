//! The documents engine's benchmark (issue 15's targets: an A-level
//! agency's maintenance plan with 2,000 assets, about 60 pages, to PDF in
//! under 3 s and to ODT in under 1 s).
//!
//!     cargo run --release -p zian-documents --example bench [ASSETS] [RUNS]
//!
//! Prints the median of RUNS renders of each format for the plan and, as the
//! baseline measured in the same run, for a one-page form; the ratio of the
//! two says what the size costs on this machine.

use std::time::{Duration, Instant};

use zian_documents::{Column, Document, FontSet, Format, Table, render};

fn plan(assets: usize) -> Document {
    let day = time::macros::date!(2026 - 12 - 04);
    let mut doc = Document::new(
        "maintenance-plan",
        "資通安全維護計畫",
        "高雄市政府資訊中心",
        day,
        "中華民國115年12月4日".into(),
    );
    doc.number = Some("KHH-IT-115-001".into());
    doc.classification = Some("限閱".into());
    let chapters = [
        "依據及目的",
        "適用範圍",
        "核心業務及重要性",
        "資通安全政策及目標",
        "資通安全推動組織",
        "專責人力及經費配置",
        "資訊及資通系統之盤點",
        "資通安全風險評估",
        "資通安全防護及控制措施",
        "資通安全事件通報、應變及演練",
        "資通安全情資之評估及因應",
        "資通系統或服務委外辦理之管理",
        "資通安全教育訓練",
        "公務機關所屬人員辦理業務涉及資通安全事項之考核機制",
        "資通安全維護計畫及實施情形之持續精進及績效管理機制",
    ];
    for (i, c) in chapters.iter().enumerate() {
        doc.heading(1, format!("第{}章　{c}", i + 1));
        doc.paragraph("本機關為落實資通安全管理法及其施行細則之規定，確保本機關所保有之資訊及資通系統之機密性、完整性及可用性，依「資通安全責任等級分級辦法」訂定本章，並每年至少檢視一次，必要時修正之。".repeat(3));
        doc.fields([
            ("負責單位", "資訊中心資安科"),
            ("檢視週期", "每年一次"),
            ("最近檢視", "中華民國115年11月30日"),
        ]);
        doc.list(vec![
            "定期辦理內部稽核".into(),
            "每年辦理教育訓練".into(),
            "每半年辦理社交工程演練".into(),
        ]);
    }
    let mut t = Table::new(
        "資通系統及資訊資產清冊",
        vec![
            Column::text("資通系統", 3),
            Column::text("資產名稱", 4),
            Column::text("類別", 2),
            Column::text("擁有者", 2),
            Column::text("保管人", 2),
            Column::text("存放位置", 3),
            Column::number("數量", 1),
            Column::text("核心", 1),
            Column::text("主機名稱／IP", 3),
        ],
    );
    for i in 0..assets {
        t.row(vec![
            format!("系統{:03}", i % 120),
            format!("伺服器第{i}號（{}機房）", ["前鎮", "鳳山", "苓雅"][i % 3]),
            "硬體/實體".into(),
            "資訊中心".into(),
            format!("管理員{}", i % 17),
            "市府大樓 B1 機房".into(),
            "1".into(),
            if i % 9 == 0 { "是" } else { "否" }.into(),
            format!(
                "khh-srv-{i:04} 10.{}.{}.{}",
                i / 65536 % 256,
                i / 256 % 256,
                i % 256
            ),
        ]);
    }
    doc.table(t, true);
    doc.signatures(vec!["承辦人".into(), "單位主管".into(), "資安長".into()]);
    doc
}

fn form() -> Document {
    let day = time::macros::date!(2026 - 12 - 04);
    let mut doc = Document::new(
        "form",
        "資通安全事件通報單",
        "高雄市政府資訊中心",
        day,
        "中華民國115年12月4日".into(),
    );
    doc.fields([
        ("事件名稱", "網站遭置換"),
        ("知悉時間", "115年12月4日 09:30"),
        ("事件等級", "第 2 級"),
    ]);
    doc.signatures(vec!["承辦人".into(), "單位主管".into(), "資安長".into()]);
    doc
}

fn median(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        size = f();
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], size)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let assets: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(2000);
    let runs: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(5)
        .max(1);
    let t = Instant::now();
    let fonts = FontSet::discover(None)?;
    println!(
        "fonts loaded in {:.0} ms ({fonts:?})",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let (plan_doc, form_doc) = (plan(assets), form());
    for format in [
        Format::Pdf,
        Format::Odt,
        Format::Docx,
        Format::Ods,
        Format::Xlsx,
        Format::Csv,
    ] {
        // every run cold: Typst's memoised layout of the previous run is
        // forgotten first
        let (base, _) = median(runs, || {
            zian_documents::forget_layouts();
            render(&form_doc, format, Some(&fonts)).map_or(0, |b| b.len())
        });
        let (big, size) = median(runs, || {
            zian_documents::forget_layouts();
            render(&plan_doc, format, Some(&fonts)).map_or(0, |b| b.len())
        });
        let pages = if format == Format::Pdf {
            let pdf = render(&plan_doc, format, Some(&fonts))?;
            let text = String::from_utf8_lossy(&pdf);
            format!(
                ", {} pages",
                text.matches("/Type /Page\n")
                    .count()
                    .max(text.matches("/Type/Page/").count())
            )
        } else {
            String::new()
        };
        println!(
            "{format}: plan with {assets} assets {:.0} ms ({size} bytes{pages}); one-page form {:.1} ms; ratio {:.0}×",
            big.as_secs_f64() * 1000.0,
            base.as_secs_f64() * 1000.0,
            big.as_secs_f64() / base.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}
