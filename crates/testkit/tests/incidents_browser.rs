//! Reporting an incident end to end in headless Chromium: the officer opens
//! 事件通報 from the navigation, records what happened, sees the level and
//! the one-hour clock, records the notification and an action of the
//! response, and prints the notification's content. Screenshots go to
//! `$ZIAN_TEST_ARTIFACTS` (default `test-artifacts/`).

use std::time::Duration;

use serde_json::json;
use zian_testkit::browser::{Browser, artifacts};
use zian_testkit::{Backend, PASSWORD, TestEnv};

const T: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_reports_an_incident_in_chromium() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    let base = env.serve().await;
    let out = artifacts();
    std::fs::create_dir_all(&out).unwrap();
    let result =
        tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
            let Some(b) = Browser::launch_or_skip("an_officer_reports_an_incident_in_chromium")?
            else {
                return Ok(());
            };
            let shot = |name: &str| {
                let _ = b.screenshot(out.join(format!("incidents-{name}.png")));
            };
            b.goto(&format!("{base}/login"))?;
            b.find("#username")?.send_keys("officer.police")?;
            b.find("#password")?.send_keys(PASSWORD)?;
            b.find("#login-submit")?.click()?;
            b.wait_for("#nav-incidents", T)?.click()?;
            // the list: the demo's open incidents by deadline, the figures
            b.wait_for("#open-incidents", T)?;
            assert!(b.find("#m-total")?.text()?.trim() != "0");
            shot("01-list");
            b.find("#incident-new")?.click()?;
            b.wait_for("#incident-form", T)?;
            b.find("#i-title")?
                .send_keys("公務信箱帳號遭盜用發送詐騙郵件")?;
            b.execute(
                "document.getElementById('i-aware').value = arguments[0];",
                &[json!("2026-11-21T08:30")],
            )?;
            b.find("#i-asset option[value=core]")?.click()?;
            b.find("#i-c option[value=serious]")?.click()?;
            b.find("input[name=data_kinds][value=personal]")?.click()?;
            b.find("#i-measures")?.send_keys("停用帳號並重設密碼")?;
            shot("02-form");
            b.find("#incident-save")?.click()?;
            // the incident: level 3, the notification due within the hour
            let level = b.wait_for("#level", T)?;
            assert_eq!(level.attr("data-level")?.as_deref(), Some("3"));
            let notify = b.find("#clock-notify")?;
            assert_eq!(notify.attr("data-state")?.as_deref(), Some("pending"));
            assert!(
                notify.text()?.contains("剩 0 小時 30 分"),
                "{}",
                notify.text()?
            );
            assert!(b.find("#incident-number")?.text()?.starts_with("INC-2026-"));
            shot("03-incident");
            // notified now
            b.find("#a-action option[value=notified]")?.click()?;
            b.find("#a-text")?.send_keys("已於通報應變網站完成通報")?;
            b.find("#action-save")?.click()?;
            b.wait_for_text(".flash", "已記錄通報", T)?;
            assert_eq!(
                b.find("#clock-notify")?.attr("data-state")?.as_deref(),
                Some("met")
            );
            assert_eq!(
                b.find("#clock-review")?.attr("data-state")?.as_deref(),
                Some("pending")
            );
            // an action of the response on the timeline
            b.find("#n-text")?.send_keys("封鎖詐騙郵件寄件來源")?;
            b.find("#note-save")?.click()?;
            b.wait_for_text("#timeline-table", "封鎖詐騙郵件寄件來源", T)?;
            shot("04-timeline");
            // the notification's content, for printing
            b.find("#print-notification")?.click()?;
            b.wait_for("#incident-doc", T)?;
            let doc = b.find("#doc-items")?.text()?;
            for item in [
                "一、發生機關",
                "四、等級之評估",
                "第三級資通安全事件",
                "停用帳號並重設密碼",
            ] {
                assert!(doc.contains(item), "{item}: {doc}");
            }
            shot("05-notification");
            Ok(())
        })
        .await
        .expect("browser thread");
    if let Err(e) = result {
        panic!("browser test failed: {e}");
    }
}
