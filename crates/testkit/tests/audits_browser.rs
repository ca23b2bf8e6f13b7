//! An internal audit from plan to closed corrective action in headless
//! Chromium: the officer opens 稽核 from the navigation, plans the audit
//! with its team, types two items, notifies the auditees, records one
//! conformity and one finding, reports — the finding raising its
//! corrective action —, records the action's analysis and result, reviews
//! it as effective and closes the audit. Screenshots go to
//! `$ZIAN_TEST_ARTIFACTS` (default `test-artifacts/`).

use std::time::Duration;

use serde_json::json;
use zian_testkit::browser::{Browser, artifacts};
use zian_testkit::{Backend, PASSWORD, TestEnv};

const T: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_takes_an_audit_from_plan_to_closed_action_in_chromium() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    let today = zian_domain::day::ymd(env.app.today());
    let base = env.serve().await;
    let out = artifacts();
    std::fs::create_dir_all(&out).unwrap();
    let result =
        tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
            let Some(b) = Browser::launch_or_skip(
                "an_officer_takes_an_audit_from_plan_to_closed_action_in_chromium",
            )?
            else {
                return Ok(());
            };
            let shot = |name: &str| {
                let _ = b.screenshot(out.join(format!("audits-{name}.png")));
            };
            let status = |want: &str| -> Result<(), zian_testkit::browser::BrowserError> {
                let got = b.find("#audit-status")?.attr("data-status")?;
                assert_eq!(got.as_deref(), Some(want));
                Ok(())
            };
            b.goto(&format!("{base}/login"))?;
            b.find("#username")?.send_keys("officer.police")?;
            b.find("#password")?.send_keys(PASSWORD)?;
            b.find("#login-submit")?.click()?;
            b.wait_for("#nav-audits", T)?.click()?;
            b.wait_for("#audit-form", T)?;
            // the plan: today, no notice, two trained auditors from other units
            b.find("#au-title")?.send_keys("115 年度第二次內部資通安全稽核")?;
            b.execute(
                "document.getElementById('au-starts').value = arguments[0]; document.getElementById('au-ends').value = arguments[0];",
                &[json!(today)],
            )?;
            b.find("#au-notice")?.send_keys("0")?;
            b.find("#au-basis")?.send_keys("依資通安全維護計畫辦理")?;
            b.find("#au-units")?.send_keys("資訊室")?;
            b.find("#au-team")?.send_keys(
                "林稽核 | 政風室 | 2026-01-15 | 召集人\n王稽核 | 會計室 | 2026-02-01",
            )?;
            shot("01-plan");
            b.find("#audit-save")?.click()?;
            b.wait_for_text(".flash", "已建立稽核計畫", T)?;
            status("planned")?;
            // two typed items, assigned in turn
            b.find("#it-checklist option[value=custom]")?.click()?;
            b.find("#it-lines")?.send_keys(
                "存取控制 | 離職人員帳號是否於離職日停用？\n備份 | 備份是否定期進行回復測試？",
            )?;
            b.find("#items-save")?.click()?;
            b.wait_for_text("#audit-items", "備份是否定期進行回復測試？", T)?;
            b.find("#audit-notify")?.click()?;
            b.wait_for_text(".flash", "已通知受稽核單位", T)?;
            status("notified")?;
            // one conformity, one finding with what was seen
            b.find("#ans-0 option[value=conforms]")?.click()?;
            b.find("#ans-1 option[value=nonconforms]")?.click()?;
            b.find("#note-1")?.send_keys("115 年未執行備份回復測試")?;
            shot("02-answers");
            b.find("#answers-save")?.click()?;
            b.wait_for("#audit-items tr[data-item='1'][data-answer='nonconforms']", T)?;
            b.find("#rp-conclusion")?.send_keys("備份管理有一項缺失，請於一個月內改善。")?;
            b.find("#report-save")?.click()?;
            b.wait_for_text(".flash", "已提出稽核結果", T)?;
            status("reported")?;
            let action = b.wait_for("#corrective article.action", T)?;
            assert!(action.text()?.contains("115 年未執行備份回復測試"));
            assert_eq!(action.attr("data-status")?.as_deref(), Some("open"));
            // the auditee's analysis, then the result
            b.find("#corrective textarea[name=root_cause]")?
                .send_keys("備份程序未規定回復測試頻率")?;
            b.find("#corrective textarea[name=similar]")?
                .send_keys("已檢查其他系統之備份，皆有相同情形")?;
            b.find("#corrective textarea[name=plan]")?
                .send_keys("修訂備份程序，每半年執行回復測試")?;
            b.find("#corrective form[id^=analysis-] button")?.click()?;
            b.wait_for_text("#corrective", "備份程序未規定回復測試頻率", T)?;
            b.find("#corrective input[name=result]")?
                .send_keys("已修訂程序並完成第一次回復測試")?;
            b.find("#corrective form[action$='/done'] button")?.click()?;
            b.wait_for("#corrective form[id^=review-]", T)?;
            shot("03-review");
            // reviewed as effective: settled, and the audit closes
            b.find("#corrective textarea[name=review_note]")?
                .send_keys("抽查回復測試紀錄完整，改善有效")?;
            b.find("#corrective form[id^=review-] button")?.click()?;
            b.wait_for("#corrective article.action[data-settled='true']", T)?;
            b.find("#audit-close")?.click()?;
            b.wait_for_text(".flash", "稽核已結案", T)?;
            status("closed")?;
            shot("04-closed");
            Ok(())
        })
        .await
        .expect("browser thread");
    if let Err(e) = result {
        panic!("browser test failed: {e}");
    }
}
