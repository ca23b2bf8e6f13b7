//! A session's sign-in sheet imported in headless Chromium: the officer
//! opens 教育訓練 from the navigation, records the session, uploads the
//! spreadsheet the attendees signed, sees the preview — who is on the
//! roster, which lines are skipped and why —, confirms, and prints the
//! sheet with its signature column. Screenshots go to `$ZIAN_TEST_ARTIFACTS`.

use std::time::Duration;

use serde_json::json;
use zian_testkit::browser::{Browser, artifacts};
use zian_testkit::{Backend, PASSWORD, TestEnv};

const T: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_imports_a_sign_in_sheet_in_chromium() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    env.app.seed_demo_training().await.expect("demo training");
    let today = zian_domain::day::ymd(env.app.today());
    let base = env.serve().await;
    let out = artifacts();
    let sheet = out.join("training-sign-in.csv");
    std::fs::write(
        &sheet,
        "編號,單位,職稱,姓名,性別,簽名\n1,督察科,警務員,張志豪,男,\n2,會計室,科員,蔡佩君,女,\n3,人事室,科員,,男,\n4,總務科,約僱人員,周美玲,女,\n",
    )
    .unwrap();
    // the browser takes a file by its canonical path
    let sheet = sheet.canonicalize().unwrap();
    let result =
        tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
            let Some(b) =
                Browser::launch_or_skip("an_officer_imports_a_sign_in_sheet_in_chromium")?
            else {
                return Ok(());
            };
            let shot = |name: &str| {
                let _ = b.screenshot(out.join(format!("training-{name}.png")));
            };
            b.goto(&format!("{base}/login"))?;
            b.find("#username")?.send_keys("officer.police")?;
            b.find("#password")?.send_keys(PASSWORD)?;
            b.find("#login-submit")?.click()?;
            b.wait_for("#nav-training", T)?.click()?;
            // the demo's year: the officer six hours short of twelve
            let gaps = b.wait_for("#training-gaps", T)?.text()?;
            assert!(
                gaps.contains("林怡君") && gaps.contains("尚缺 6 小時"),
                "{gaps}"
            );
            shot("01-year");
            // a new session
            b.execute(
                "document.querySelector('#session-form').closest('details').open = true;",
                &[],
            )?;
            b.find("#ss-title")?
                .send_keys("個人資料保護及社交工程防範")?;
            b.find("#ss-category option[value=general]")?.click()?;
            b.find("#ss-hours")?.send_keys("1.5")?;
            b.execute(
                "document.getElementById('ss-held').value = arguments[0];",
                &[json!(today)],
            )?;
            b.find("#session-save")?.click()?;
            b.wait_for_text(".flash", "已登錄課程場次", T)?;
            // the signed sheet, uploaded and previewed
            b.find("#im-file")?.send_keys(&sheet.to_string_lossy())?;
            b.find("#import-preview")?.click()?;
            let rows = b.wait_for("#preview-rows", T)?.text()?;
            assert!(
                rows.contains("張志豪") && rows.contains("周美玲") && rows.contains("不在名冊"),
                "{rows}"
            );
            let skipped = b.find("#preview-skipped")?.text()?;
            assert!(
                skipped.contains("4") && skipped.contains("未填姓名"),
                "{skipped}"
            );
            assert_eq!(b.find("#attendee-count")?.text()?.trim(), "0");
            shot("02-preview");
            b.find("#import-commit")?.click()?;
            b.wait_for_text(".flash", "已匯入簽到表", T)?;
            assert_eq!(b.find("#attendee-count")?.text()?.trim(), "3");
            assert!(b.find("#committed")?.text()?.contains("已加入 3 人"));
            shot("03-committed");
            // the printable sheet with its signature column
            b.find("#print-sheet")?.click()?;
            let printed = b.wait_for("#sheet-lines", T)?.text()?;
            assert!(
                printed.contains("簽名") && printed.contains("蔡佩君"),
                "{printed}"
            );
            shot("04-sheet");
            Ok(())
        })
        .await
        .expect("browser thread");
    if let Err(e) = result {
        panic!("browser test failed: {e}");
    }
}
