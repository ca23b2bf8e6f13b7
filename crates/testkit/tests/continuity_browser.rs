//! Running a drill end to end in headless Chromium: the officer opens 業務持續
//! from the navigation, sees the impact analysis with the process whose
//! yearly review is due, plans a recovery drill of 110 dispatch, times its
//! steps as they are run, completes it with the recovery time achieved
//! against the RTO, raises a corrective action from its problems and prints
//! the 業務持續計畫演練暨處理報告單. Screenshots go to `$ZIAN_TEST_ARTIFACTS`
//! (default `test-artifacts/`).

use std::time::Duration;

use serde_json::json;
use zian_testkit::browser::{Browser, artifacts};
use zian_testkit::{Backend, PASSWORD, TestEnv};

const T: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_runs_a_recovery_drill_in_chromium() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    let base = env.serve().await;
    let out = artifacts();
    std::fs::create_dir_all(&out).unwrap();
    let result =
        tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
            let Some(b) = Browser::launch_or_skip("an_officer_runs_a_recovery_drill_in_chromium")?
            else {
                return Ok(());
            };
            let shot = |name: &str| {
                let _ = b.screenshot(out.join(format!("continuity-{name}.png")));
            };
            b.goto(&format!("{base}/login"))?;
            b.find("#username")?.send_keys("officer.police")?;
            b.find("#password")?.send_keys(PASSWORD)?;
            b.find("#login-submit")?.click()?;
            b.wait_for("#nav-continuity", T)?.click()?;
            // the impact analysis: critical processes first, a review due
            let table = b.wait_for("#processes", T)?.text()?;
            assert!(table.contains("110 報案受理及勤務派遣"), "{table}");
            assert!(b.find("#reviews-due")?.text()?.contains("刑案資料查詢及建檔"));
            shot("01-overview");
            // plan a recovery drill of 110 dispatch
            b.find("#drill-new")?.click()?;
            b.wait_for("#drill-form", T)?;
            b.find("#d-title")?.send_keys("110 派遣系統第二次復原演練")?;
            b.find("#d-kind option[value=recovery]")?.click()?;
            b.execute(
                "document.getElementById('d-planned').value = arguments[0];",
                &[json!("2026-11-21")],
            )?;
            b.execute(
                "for (const c of document.querySelectorAll('input[name=process_ids]')) { if (c.parentElement.textContent.includes('110')) { c.checked = true; } }",
                &[],
            )?;
            b.find("#d-approved")?.send_keys("資訊安全管理委員會")?;
            b.find("#d-scenario")?.send_keys("派遣主機硬碟故障，切換備援勤務指揮中心")?;
            shot("02-plan");
            b.find("#drill-save")?.click()?;
            b.wait_for_text(".flash", "已規劃演練", T)?;
            assert_eq!(
                b.find("#drill-status")?.attr("data-status")?.as_deref(),
                Some("planned")
            );
            // the plan's four recovery steps, timed as they are run
            let steps = b.find("#drill-steps")?.text()?;
            assert!(steps.contains("啟用備援勤務指揮中心"), "{steps}");
            b.find("#dstep-0")?.click()?;
            b.wait_for("#drill-steps li[data-step='0'][data-done='true']", T)?;
            b.find("#dstep-1")?.click()?;
            b.wait_for("#drill-steps li[data-step='1'][data-done='true']", T)?;
            shot("03-steps");
            // completed: 100 minutes against an RTO of 2 hours
            b.execute(
                "document.getElementById('c-start').value = arguments[0]; document.getElementById('c-end').value = arguments[1];",
                &[json!("2026-11-21T07:00"), json!("2026-11-21T08:50")],
            )?;
            b.find("#c-minutes")?.send_keys("100")?;
            b.find("#c-problems")?.send_keys("備援主機時間未同步")?;
            b.find("#c-improvements")?.send_keys("備援主機納入 NTP 校時")?;
            b.find("#c-result")?.send_keys("100 分鐘內恢復派遣")?;
            b.find("#complete-save")?.click()?;
            b.wait_for_text(".flash", "已完成演練", T)?;
            assert_eq!(
                b.find("#drill-status")?.attr("data-status")?.as_deref(),
                Some("completed")
            );
            assert_eq!(b.find("#rto-met")?.text()?.trim(), "達成 RTO");
            // a corrective action from the drill's problems
            b.find("#ca-title")?.send_keys("備援主機納入 NTP 校時")?;
            b.find("#ca-owner")?.send_keys("資訊室")?;
            b.execute(
                "document.getElementById('ca-due').value = arguments[0];",
                &[json!("2026-12-31")],
            )?;
            b.find("#corrective-save")?.click()?;
            b.wait_for_text("#corrective-table", "備援主機納入 NTP 校時", T)?;
            shot("04-completed");
            // the printed report
            b.find("#print-report")?.click()?;
            let doc = b.wait_for("#drill-report", T)?.text()?;
            for want in [
                "業務持續計畫演練暨處理報告單",
                "關鍵業務流程之復原演練",
                "民國115年11月21日",
                "100 分鐘",
                "達成 RTO",
                "備援主機納入 NTP 校時",
            ] {
                assert!(doc.contains(want), "{want}: {doc}");
            }
            shot("05-report");
            Ok(())
        })
        .await
        .expect("browser thread");
    if let Err(e) = result {
        panic!("browser test failed: {e}");
    }
}
