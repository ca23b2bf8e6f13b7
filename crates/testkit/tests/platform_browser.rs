//! The platform in headless Chromium: log in with TOTP, switch language,
//! create an organisation and a user, grant a role, and be logged out after
//! the idle timeout. Screenshots go to `$ZIAN_TEST_ARTIFACTS` (default
//! `test-artifacts/` at the workspace root).

use std::time::Duration;

use zian_testkit::browser::{Browser, artifacts};
use zian_testkit::{Backend, PASSWORD, TestEnv};

const T: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_journey_in_chromium() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    // the administrator uses TOTP
    let admin = env.principal("admin").await;
    let setup = env.app.begin_totp(&admin).await.unwrap();
    let secret = zian_domain::totp::secret_from_base32(&setup.secret_base32).unwrap();
    env.app
        .confirm_totp(
            &admin,
            &zian_domain::totp::code_at(&secret, env.clock.unix()),
        )
        .await
        .unwrap();
    env.clock.advance(60);
    let hlt = env.org("PIF-HLT").await;
    let base = env.serve().await;
    let clock = env.clock.clone();
    let out = artifacts();
    std::fs::create_dir_all(&out).unwrap();

    let result =
        tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
            let Some(b) = Browser::launch_or_skip("admin_journey_in_chromium")? else {
                return Ok(());
            };
            let shot = |name: &str| {
                let _ = b.screenshot(out.join(format!("platform-{name}.png")));
            };
            // anonymous → login page in Traditional Chinese
            b.goto(&format!("{base}/orgs"))?;
            b.wait_until_url_contains("/login", T)?;
            b.find("#username")?.send_keys("admin")?;
            b.find("#password")?.send_keys(PASSWORD)?;
            shot("01-login");
            b.find("#login-submit")?.click()?;
            // second factor
            b.wait_until_url_contains("/login/mfa", T)?;
            let code = zian_domain::totp::code_at(&secret, clock.unix());
            b.find("#code")?.send_keys(&code)?;
            b.find("#mfa-submit")?.click()?;
            b.wait_for_text("h1", "首頁", T)?;
            assert!(b.find("#stat-orgs")?.text()?.trim() == "13");
            shot("02-dashboard-zh");

            // switch to English and back
            b.find("#lang-switch")?.click()?;
            b.wait_for_text("h1", "Home", T)?;
            assert!(b.page_source()?.contains("Organisations"));
            shot("03-dashboard-en");
            b.find("#lang-switch")?.click()?;
            b.wait_for_text("h1", "首頁", T)?;

            // create an organisation under the health bureau
            b.goto(&format!("{base}/orgs/new?parent={hlt}"))?;
            b.find("#name_zh")?.send_keys("檢驗科")?;
            b.find("#name_en")?.send_keys("Laboratory Section")?;
            b.find("#tier option[value=unit]")?.click()?;
            shot("04-org-form");
            b.find("#org-save")?.click()?;
            b.wait_for_text("#org-name", "檢驗科", T)?;
            assert!(b.page_source()?.contains("已新增組織"));
            shot("05-org-created");

            // create a user there with an initial role
            b.goto(&format!("{base}/users/new"))?;
            b.find("#username")?.send_keys("lab.officer")?;
            b.find("#display_name")?.send_keys("檢驗科 王大明")?;
            b.find("#email")?.send_keys("lab@example.gov.tw")?;
            b.find(&format!("#home_org_id option[value='{hlt}']"))?
                .click()?;
            b.find("#role option[value=it_staff]")?.click()?;
            b.find("#password")?.send_keys("Temp-Pass-2026")?;
            b.find("#user-save")?.click()?;
            b.wait_for_text("#user-name", "王大明", T)?;
            assert!(b.find("#role-table")?.text()?.contains("資訊人員"));

            // grant another role
            b.find("#grant-role option[value=auditor]")?.click()?;
            b.find(&format!("#grant-org option[value='{hlt}']"))?
                .click()?;
            b.find("#grant-submit")?.click()?;
            b.wait_for_text("#role-table", "稽核人員", T)?;
            shot("06-user-roles");

            // 15 minutes idle: the next request lands on the login page
            clock.advance(15 * 60 + 5);
            b.goto(&format!("{base}/orgs"))?;
            b.wait_until_url_contains("/login", T)?;
            let info = b.wait_for("#login-info", T)?.text()?;
            assert!(info.contains("閒置"), "{info}");
            shot("07-idle-logout");
            Ok(())
        })
        .await
        .expect("browser thread");
    if let Err(e) = result {
        panic!("browser test failed: {e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compliance_dashboard_and_grading_questionnaire_in_chromium() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    let hlt = env.org("PIF-HLT").await;
    let base = env.serve().await;
    let out = artifacts();
    std::fs::create_dir_all(&out).unwrap();
    let result = tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
        let Some(b) = Browser::launch_or_skip("compliance_dashboard_and_grading_questionnaire_in_chromium")? else {
            return Ok(());
        };
        let shot = |name: &str| {
            let _ = b.screenshot(out.join(format!("compliance-{name}.png")));
        };
        b.goto(&format!("{base}/login"))?;
        b.find("#username")?.send_keys("officer.health")?;
        b.find("#password")?.send_keys(PASSWORD)?;
        b.find("#login-submit")?.click()?;
        b.wait_for_text("h1", "首頁", T)?;

        // the compliance dashboard of the (level C) health bureau
        b.goto(&format!("{base}/orgs/{hlt}/compliance"))?;
        let table = b.wait_for("#obligations", T)?.text()?;
        assert!(table.contains("資通安全"), "{table}");
        let overdue: i64 = b.find("#n-overdue")?.text()?.trim().parse().unwrap_or(-1);
        assert!(overdue >= 0);
        shot("01-dashboard");

        // register a system and grade it with the questionnaire
        b.goto(&format!("{base}/orgs/{hlt}/systems"))?;
        b.find("#s-name")?.send_keys("門診掛號系統")?;
        b.find("#s-owner")?.send_keys("企劃資訊科")?;
        b.find("#system-form button[type=submit]")?.click()?;
        std::thread::sleep(Duration::from_millis(500));
        if !b.current_url()?.contains("/systems/") {
            let href = b.execute(
                "const a=[...document.querySelectorAll('a')].find(a=>a.textContent.includes('門診掛號系統')); return a ? a.href : null;",
                &[],
            )?;
            b.goto(href.as_str().expect("link to the new system"))?;
        }
        b.wait_for_text("#sys-h", "門診掛號系統", T)?;
        // answer every question with its highest option
        b.execute(
            "document.querySelectorAll('#grading-form fieldset').forEach(f => { const r = f.querySelectorAll('input[type=radio]'); r[r.length - 1].click(); });",
            &[],
        )?;
        b.find("#g-assessor")?.send_keys("李宗翰")?;
        b.find("#g-approver")?.send_keys("陳資安長")?;
        shot("02-questionnaire");
        b.find("#grading-form button[type=submit]")?.click()?;
        b.wait_for_text("#system-level", "高", T)?;
        let rows = b.find_all("#baseline tbody tr")?.len();
        assert!(rows > 40, "{rows} baseline rows");
        shot("03-graded-baseline");
        Ok(())
    })
    .await
    .expect("browser thread");
    if let Err(e) = result {
        panic!("browser test failed: {e}");
    }
}
