//! A threat notice answered by two agencies, in headless Chromium: the
//! Kaohsiung regional supervisor opens 威脅通報 from the navigation and
//! issues a notice on Shellshock to the Pingtung police and health bureaus;
//! the police officer finds it among the notices received, reports
//! investigating and then that the bureau is affected; the health officer
//! reports investigating and that the bureau is not affected; the
//! supervisor's board shows one done, one at 確認, and each line's step.
//! Screenshots go to `$ZIAN_TEST_ARTIFACTS`.

use std::time::Duration;

use zian_testkit::browser::{Browser, artifacts};
use zian_testkit::{Backend, PASSWORD, TestEnv};

const T: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_threat_notice_is_answered_by_two_agencies() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    let (pol, hlt) = (env.org("PIF-POL").await, env.org("PIF-HLT").await);
    let base = env.serve().await;
    let out = artifacts();
    let result =
        tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
            let Some(b) = Browser::launch_or_skip("a_threat_notice_is_answered_by_two_agencies")?
            else {
                return Ok(());
            };
            let shot = |name: &str| {
                let _ = b.screenshot(out.join(format!("threat-notice-{name}.png")));
            };
            let login = |user: &str| -> Result<(), zian_testkit::browser::BrowserError> {
                b.goto(&format!("{base}/login"))?;
                b.find("#username")?.send_keys(user)?;
                b.find("#password")?.send_keys(PASSWORD)?;
                b.find("#login-submit")?.click()?;
                b.wait_for("#logout", T)?;
                Ok(())
            };
            // the supervisor issues the notice to two bureaus
            login("supervisor.khh")?;
            b.find("#nav-threat-notices")?.click()?;
            b.wait_for("#notice-form", T)?;
            b.find("#tn-title")?
                .send_keys("Shellshock 漏洞遭大規模利用")?;
            b.find("#tn-text")?
                .send_keys("請清查使用 bash 之主機並依步驟回報。")?;
            b.find("#tn-cves")?.send_keys("CVE-2014-6271")?;
            b.find(&format!("#tn-targets input[value='{pol}']"))?
                .click()?;
            b.find(&format!("#tn-targets input[value='{hlt}']"))?
                .click()?;
            shot("01-issue");
            b.find("#notice-save")?.click()?;
            b.wait_for_text(".flash", "已發布威脅通報", T)?;
            let notice = b.current_url()?;
            let summary = b.find("#board-summary")?;
            assert_eq!(summary.attr("data-targets")?.as_deref(), Some("2"));
            assert_eq!(summary.attr("data-done")?.as_deref(), Some("0"));
            assert_eq!(
                b.find_all("#board-table tr[data-outcome=pending]")?.len(),
                2
            );
            b.find("#logout")?.click()?;

            // the police bureau: investigating, then affected
            login("officer.police")?;
            b.find("#nav-threat-notices")?.click()?;
            let received = b.wait_for("#received-table", T)?.text()?;
            assert!(
                received.contains("Shellshock") && received.contains("高雄市政府"),
                "{received}"
            );
            b.find("#received-table a")?.click()?;
            b.wait_for(&format!("#report-{pol}"), T)?;
            assert!(!b.exists("#board")?, "an agency does not see the board");
            assert_eq!(
                b.find_all("#board-table tbody tr")?.len(),
                1,
                "its own line only"
            );
            b.find(&format!("#report-{pol} textarea[name=note]"))?
                .send_keys("依弱點清單清查 bash 版本中。")?;
            b.find(&format!("#report-save-{pol}"))?.click()?;
            b.wait_for_text(".flash", "已回報處理進度", T)?;
            // 確認 without saying whether affected is refused beside its field
            b.execute(
                &format!(
                    "document.querySelector('#report-{pol} select[name=step]').value = 'confirm';"
                ),
                &[],
            )?;
            b.find(&format!("#report-{pol} textarea[name=note]"))?
                .send_keys("pol-app-01 受影響。")?;
            b.find(&format!("#report-save-{pol}"))?.click()?;
            b.wait_for("#refused", T)?;
            let refused = b.find("#refused")?.text()?;
            assert!(refused.contains("是否受影響"), "{refused}");
            shot("02-refused");
            b.goto(&notice)?;
            b.wait_for(&format!("#report-{pol}"), T)?;
            b.execute(
                &format!(
                    "document.querySelector('#report-{pol} select[name=step]').value = 'confirm';"
                ),
                &[],
            )?;
            b.find(&format!("#report-{pol} input[name=affected][value=yes]"))?
                .click()?;
            b.find(&format!("#report-{pol} textarea[name=note]"))?
                .send_keys("pol-app-01 受影響，已通報資安事件。")?;
            b.find(&format!("#report-save-{pol}"))?.click()?;
            b.wait_for_text(".flash", "已回報處理進度", T)?;
            let mine = b.find(&format!("#board-table tr[data-org='{pol}']"))?;
            assert_eq!(mine.attr("data-step")?.as_deref(), Some("confirm"));
            shot("03-police");
            b.find("#logout")?.click()?;

            // the health bureau: not affected
            login("officer.health")?;
            b.goto(&notice)?;
            b.wait_for(&format!("#report-{hlt}"), T)?;
            b.find(&format!("#report-{hlt} textarea[name=note]"))?
                .send_keys("清查本局主機。")?;
            b.find(&format!("#report-save-{hlt}"))?.click()?;
            b.wait_for_text(".flash", "已回報處理進度", T)?;
            b.execute(
                &format!(
                    "document.querySelector('#report-{hlt} select[name=step]').value = 'confirm';"
                ),
                &[],
            )?;
            b.find(&format!("#report-{hlt} input[name=affected][value=no]"))?
                .click()?;
            b.find(&format!("#report-{hlt} textarea[name=note]"))?
                .send_keys("未使用受影響版本。")?;
            b.find(&format!("#report-save-{hlt}"))?.click()?;
            b.wait_for(
                &format!("#board-table tr[data-org='{hlt}'][data-outcome=unaffected]"),
                T,
            )?;
            assert!(
                !b.exists(&format!("#report-{hlt}"))?,
                "done: nothing more to report"
            );
            b.find("#logout")?.click()?;

            // the supervisor's board
            login("supervisor.khh")?;
            b.goto(&notice)?;
            let summary = b.wait_for("#board-summary", T)?;
            assert_eq!(summary.attr("data-done")?.as_deref(), Some("1"));
            let police = b.find(&format!("#board-table tr[data-org='{pol}']"))?;
            assert_eq!(police.attr("data-outcome")?.as_deref(), Some("in_progress"));
            assert!(police.text()?.contains("2 確認"), "{}", police.text()?);
            let health = b.find(&format!("#board-table tr[data-org='{hlt}']"))?;
            assert_eq!(health.attr("data-outcome")?.as_deref(), Some("unaffected"));
            assert_eq!(b.find("td[data-step=confirm]")?.text()?, "2");
            let reports = b
                .find(&format!("section[data-org='{pol}'] .timeline"))?
                .text()?;
            assert!(
                reports.contains("受影響") && reports.contains("林怡君"),
                "{reports}"
            );
            assert!(
                !b.exists(".report-form")?,
                "the supervisor reports for nobody"
            );
            shot("04-board");
            Ok(())
        })
        .await
        .expect("browser task");
    result.expect("browser test");
}
