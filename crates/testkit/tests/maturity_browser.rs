//! A month of the L1–L5 programme completed and signed in headless
//! Chromium: the officer opens L1-L5 成熟度 from the navigation, sees the
//! dashboard, the OKRs and the charts the demo's ten published months draw,
//! drafts this month's report (the figures the platform keeps already
//! filled in, each with where it came from), scores the layers, types the
//! key results it does not keep, writes the month's summary and signs it;
//! the CISO reviews and publishes it, and the dashboard shows the month
//! published. Screenshots go to `$ZIAN_TEST_ARTIFACTS`.

use std::time::Duration;

use zian_testkit::browser::{Browser, artifacts};
use zian_testkit::{Backend, PASSWORD, TestEnv};

const T: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_completes_and_signs_a_month_the_ciso_publishes_it() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    env.app.seed_demo_maturity().await.expect("demo maturity");
    let month = env.app.this_month().to_string();
    let base = env.serve().await;
    let out = artifacts();
    let result =
        tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
            let Some(b) = Browser::launch_or_skip(
                "an_officer_completes_and_signs_a_month_the_ciso_publishes_it",
            )?
            else {
                return Ok(());
            };
            let shot = |name: &str| {
                let _ = b.screenshot(out.join(format!("maturity-{name}.png")));
            };
            let login = |user: &str| -> Result<(), zian_testkit::browser::BrowserError> {
                b.goto(&format!("{base}/login"))?;
                b.find("#username")?.send_keys(user)?;
                b.find("#password")?.send_keys(PASSWORD)?;
                b.find("#login-submit")?.click()?;
                b.wait_for("#logout", T)?;
                Ok(())
            };
            login("officer.police")?;
            b.find("#nav-maturity")?.click()?;
            // the dashboard of ten published months, with its charts
            let layers = b.wait_for("#layers", T)?.text()?;
            assert!(
                layers.contains("L1: 可靠性與容災") && layers.contains("L5: 文件與合規"),
                "{layers}"
            );
            let okrs = b.find("#okrs")?.text()?;
            assert!(
                okrs.contains("KR2.1") && okrs.contains("復原演練次數"),
                "{okrs}"
            );
            assert_eq!(b.find_all("#maturity-chart g.series")?.len(), 5);
            assert!(b.exists("#kr-charts svg.kr-chart")?);
            assert_eq!(b.find_all("#reports tr[data-status=published]")?.len(), 10);
            shot("01-dashboard");
            // this month drafted with the figures the platform keeps
            b.find("#draft-now")?.click()?;
            b.wait_for_text(".flash", "已建立報告草稿", T)?;
            let drills = b.find("tr[data-kr='KR1.3']")?.text()?;
            assert!(
                drills.contains("系統計算") && drills.contains("復原演練"),
                "{drills}"
            );
            assert!(
                !b.exists("#value-KR1\\.3")?,
                "a computed figure is not typed"
            );
            // a score out of range is refused beside its field, the rest kept
            b.execute("document.getElementById('maturity-l1').value = '7';", &[])?;
            b.find("#mr-achievements")?.send_keys("完成HA切換演練")?;
            // (past the browser's own range check: the server's is under test)
            b.execute(
                "HTMLFormElement.prototype.submit.call(document.getElementById('report-form'));",
                &[],
            )?;
            b.wait_for("#refused", T)?;
            assert!(
                b.find("#mr-achievements")?
                    .value()?
                    .contains("完成HA切換演練")
            );
            shot("02-refused");
            b.execute("document.getElementById('maturity-l1').value = '2.9';", &[])?;
            b.execute("document.getElementById('value-KR2.2').value = '88';", &[])?;
            b.find("#note-KR2\\.2")?.send_keys("SIEM日誌來源比對")?;
            b.find("#mr-next-focus")?.send_keys("擴充告警規則至20條")?;
            b.find("#report-submit")?.click()?;
            b.wait_for_text(".flash", "已簽署並送審", T)?;
            assert!(b.exists("#waiting")?);
            let sign = b.find("#signoff")?.text()?;
            assert!(sign.contains("林怡君"), "{sign}");
            assert!(
                !b.exists("#review-form")?,
                "who compiled it does not review it"
            );
            let report = b.current_url()?;
            shot("03-submitted");
            b.find("#logout")?.click()?;
            // the CISO reviews and publishes
            login("ciso.police")?;
            b.goto(&report)?;
            b.wait_for("#review-publish", T)?.click()?;
            b.wait_for_text(".flash", "已發布", T)?;
            assert!(b.exists("#final")?);
            let sign = b.find("#signoff")?.text()?;
            assert!(sign.contains("林怡君") && sign.contains("陳建宏"), "{sign}");
            let l1 = b.find("#indicators-l1")?.text()?;
            assert!(
                l1.contains("2.9") && l1.contains("90%"),
                "2.0 → 2.9 of the way to 3.0: {l1}"
            );
            shot("04-published");
            b.find("a[href$='/maturity']")?.click()?;
            b.wait_for(
                &format!("#reports tr[data-month='{month}'][data-status=published]"),
                T,
            )?;
            Ok(())
        })
        .await
        .expect("browser thread");
    if let Err(e) = result {
        panic!("browser test failed: {e}");
    }
}
