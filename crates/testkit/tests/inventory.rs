//! Software inventory import into the register, on every backend: the
//! preview's counts for every format, the refusal of a file with rows in
//! error until the person accepts them, idempotent re-imports, updates-only
//! files, the full-set rule, confirmed CPE mappings applied, the change
//! history of each host, a commit refused when the register changed after
//! the preview, atomicity (a commit that fails half-way leaves nothing),
//! the JSON API with the file kept as evidence, a 100,000-row file, and the
//! upload → preview → commit journey in Chromium.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::Row;
use zian_app::AppError;
use zian_app::inventory::CommitInput;
use zian_domain::inventory::ImportStatus;
use zian_domain::{ListQuery, OrgId};
use zian_testkit::browser::Browser;
use zian_testkit::{Backend, PASSWORD, TestEnv, backend_tests};

fn fixture(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../inventory/tests/fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn accept() -> CommitInput {
    CommitInput {
        accept_errors: true,
        expect: None,
    }
}

async fn count(env: &TestEnv, sql: &str, org: &OrgId) -> i64 {
    let q = sql.replace("?", "$1");
    sqlx::query(&q)
        .bind(org.to_string())
        .fetch_one(env.store.pool())
        .await
        .expect("count")
        .try_get::<i64, _>(0)
        .expect("n")
}

async fn software_rows(env: &TestEnv, org: &OrgId) -> i64 {
    count(
        env,
        "SELECT COUNT(*) FROM asset_software WHERE org_id = ?",
        org,
    )
    .await
}

async fn asset_rows(env: &TestEnv, org: &OrgId) -> i64 {
    count(env, "SELECT COUNT(*) FROM assets WHERE org_id = ?", org).await
}

async fn audit_head(env: &TestEnv) -> i64 {
    sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_one(env.store.pool())
        .await
        .expect("head")
        .try_get::<i64, _>(0)
        .expect("seq")
}

backend_tests! {
    async fn files_are_previewed_then_committed_once_and_reimports_change_nothing(env: TestEnv) {
        let p = env.principal("officer.police").await;
        let org = env.org("PIF-POL-IT").await;
        let (assets0, sw0) = (asset_rows(&env, &org).await, software_rows(&env, &org).await);

        // the host CSV of `zian vuln scan`: two new hosts, six programs, three
        // rows in error (line, column, reason)
        let v = env
            .app
            .preview_inventory(&p, &org, "scan-hosts.csv", &fixture("scan-hosts.csv"), None)
            .await
            .expect("preview");
        let c = v.counts;
        assert_eq!((c.hosts, c.new_hosts, c.added, c.removed, c.unmapped), (2, 2, 6, 0, 0));
        let lines: Vec<(usize, Option<&str>)> = v
            .file
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(lines, [(9, Some("cpe23")), (10, None), (11, Some("host"))]);
        assert!(
            v.file.errors[2].reason.render(zian_i18n::Lang::ZhTw).contains("未填主機名稱"),
            "{:?}",
            v.file.errors[2].reason
        );
        assert!(!v.plan.removals, "a file with errors removes nothing");
        // a preview writes nothing to the register
        assert_eq!((asset_rows(&env, &org).await, software_rows(&env, &org).await), (assets0, sw0));

        // refused until the rows in error are accepted
        let e = env
            .app
            .commit_inventory(&p, &v.import.id, CommitInput::default())
            .await
            .expect_err("rows in error");
        assert!(matches!(&e, AppError::Validation { field, .. } if field == "accept_errors"), "{e:?}");
        let done = env.app.commit_inventory(&p, &v.import.id, accept()).await.expect("commit");
        assert_eq!((done.new_hosts, done.added), (2, 6));
        assert_eq!(asset_rows(&env, &org).await, assets0 + 2);
        assert_eq!(software_rows(&env, &org).await, sw0 + 6);
        // an import is committed once
        let e = env.app.commit_inventory(&p, &v.import.id, accept()).await.expect_err("twice");
        assert!(matches!(e, AppError::Conflict("import_committed")), "{e:?}");
        let x = env.app.inventory_import(&p, &v.import.id).await.expect("view");
        assert_eq!(x.import.status, ImportStatus::Committed);
        assert!(x.plan.is_noop(), "what it did is done");

        // the same file again: nothing to do
        let again = env
            .app
            .preview_inventory(&p, &org, "scan-hosts.csv", &fixture("scan-hosts.csv"), None)
            .await
            .expect("preview again");
        assert!(again.plan.is_noop());
        assert_eq!((again.counts.unchanged, again.counts.added), (6, 0));
        let head = audit_head(&env).await;
        env.app.commit_inventory(&p, &again.import.id, accept()).await.expect("no-op commit");
        assert_eq!(software_rows(&env, &org).await, sw0 + 6);
        assert_eq!(audit_head(&env).await, head + 1, "one entry for the import, none per host");

        // Get-HotFix: updates only — the hosts keep their software
        let v = env
            .app
            .preview_inventory(&p, &org, "hotfix.csv", &fixture("hotfix.csv"), None)
            .await
            .expect("hotfix");
        assert_eq!((v.counts.changed_hosts, v.counts.kbs_added, v.counts.removed), (2, 5, 0));
        env.app.commit_inventory(&p, &v.import.id, accept()).await.expect("hotfix commit");
        let hosts = env
            .app
            .list_assets(&p, &org, &ListQuery::all(100).with("host", "1"))
            .await
            .expect("hosts")
            .page
            .items;
        let pc = hosts.iter().find(|a| a.hostname.as_str() == "PC-0012").expect("PC-0012");
        assert!(pc.kbs.as_str().contains("KB5034441"), "{}", pc.kbs);
        assert_eq!(software_rows(&env, &org).await, sw0 + 6);

        // a Windows export is PC-0012's full list: the scan's three programs
        // go, the export's come; a confirmed mapping names one of them
        env.app
            .map_unmapped(
                &p,
                &org,
                zian_app::assets::MapUnmappedInput {
                    name: "7-Zip 23.01 (x64)".into(),
                    version: Some("23.01".into()),
                    publisher: Some("Igor Pavlov".into()),
                    cpe23: "cpe:2.3:a:7-zip:7-zip:23.01:*:*:*:*:*:*:*".into(),
                },
            )
            .await
            .expect("mapping remembered");
        let v = env
            .app
            .preview_inventory(&p, &org, "programs.csv", &fixture("programs-utf8bom.csv"), None)
            .await
            .expect("programs");
        assert!(v.plan.removals);
        let h = v.plan.hosts.iter().find(|h| h.host == "PC-0012").expect("host");
        assert_eq!(h.removed.len(), 3);
        let zip = h.added.iter().find(|s| s.name == "7-Zip 23.01 (x64)").expect("7-Zip");
        assert_eq!(zip.cpe23.as_deref(), Some("cpe:2.3:a:7-zip:7-zip:23.01:*:*:*:*:*:*:*"));
        assert_eq!(zip.cpe_from, zian_inventory::plan::CpeFrom::Mapping);
        env.app.commit_inventory(&p, &v.import.id, CommitInput::default()).await.expect("commit");
        // the host's history tells who imported what
        let view = env.app.asset_view(&p, &pc.id).await.expect("asset");
        let actions: Vec<&str> = view.history.iter().map(|r| r.entry.action.as_str()).collect();
        assert!(actions.contains(&"asset.inventory_imported"), "{actions:?}");
        assert!(actions.contains(&"asset.created"), "{actions:?}");
        let last = &view.history[0].entry;
        assert!(last.details.contains("programs.csv") && last.details.contains("removed_names"), "{}", last.details);
        assert!(view.software.iter().any(|s| s.name.as_str() == "7-Zip 23.01 (x64)" && s.source.as_str() == "import:csv"));

        // Big5 (no host column): the host is given; the rest of the formats read
        for (name, host, hosts) in [
            ("programs-big5.csv", Some("PC-0099"), 1),
            ("inventory.xlsx", None, 2),
            ("cyclonedx-1.5.json", None, 1),
            ("spdx-2.3.json", None, 1),
        ] {
            let v = env
                .app
                .preview_inventory(&p, &org, name, &fixture(name), host)
                .await
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(v.counts.hosts, hosts, "{name}");
            assert!(v.counts.added > 0, "{name}");
            env.app.commit_inventory(&p, &v.import.id, accept()).await.expect(name);
        }
        let big5 = env
            .app
            .list_assets(&p, &org, &ListQuery::all(100).with("host", "1"))
            .await
            .expect("hosts")
            .page
            .items
            .into_iter()
            .find(|a| a.hostname.as_str() == "PC-0099")
            .expect("host from the form");
        let sw = env.app.asset_view(&p, &big5.id).await.expect("view").software;
        assert!(sw.iter().any(|s| s.name.as_str() == "公文線上簽核系統用戶端" && s.publisher.as_str() == "許氏資訊股份有限公司"), "{sw:?}");

        // the organisation's imports, newest first
        let (_, list) = env.app.inventory_imports(&p, &org).await.expect("list");
        assert_eq!(list.len(), 8);
        assert_eq!(list[0].file_name, "spdx-2.3.json");
        assert!(list.iter().all(|x| x.status == ImportStatus::Committed));

        // a whole file that cannot be read is refused with its reason
        let e = env
            .app
            .preview_inventory(&p, &org, "old.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", None)
            .await
            .expect_err("xls");
        assert!(matches!(&e, AppError::Validation { field, .. } if field == "file"), "{e:?}");
        // another agency's officer cannot import into this one
        let health = env.principal("officer.health").await;
        let e = env
            .app
            .preview_inventory(&health, &org, "scan-hosts.csv", &fixture("scan-hosts.csv"), None)
            .await
            .expect_err("outsider");
        assert!(matches!(e, AppError::NotFound | AppError::Forbidden), "{e:?}");
        let e = env.app.inventory_import(&health, &list[0].id).await.expect_err("outsider view");
        assert!(matches!(e, AppError::NotFound), "{e:?}");
    }

    async fn a_commit_is_refused_when_the_register_changed_after_the_preview(env: TestEnv) {
        let p = env.principal("officer.police").await;
        let org = env.org("PIF-POL-IT").await;
        let a = env
            .app
            .preview_inventory(&p, &org, "a.csv", b"host,name,version\nPC-1,Foo,1\n", None)
            .await
            .expect("a");
        let b = env
            .app
            .preview_inventory(&p, &org, "b.csv", b"host,name,version\nPC-1,Foo,2\n", None)
            .await
            .expect("b");
        let stale = b.fingerprint.clone();
        env.app.commit_inventory(&p, &a.import.id, CommitInput::default()).await.expect("a");
        // b was previewed against a register without PC-1
        let e = env
            .app
            .commit_inventory(&p, &b.import.id, CommitInput { accept_errors: false, expect: Some(stale) })
            .await
            .expect_err("stale");
        assert!(matches!(e, AppError::Conflict("import_changed")), "{e:?}");
        // seen again, it is an upgrade, and commits
        let b2 = env.app.inventory_import(&p, &b.import.id).await.expect("again");
        assert_eq!((b2.counts.new_hosts, b2.counts.changed), (0, 1));
        env.app
            .commit_inventory(&p, &b.import.id, CommitInput { accept_errors: false, expect: Some(b2.fingerprint) })
            .await
            .expect("b");
    }

    async fn a_commit_that_fails_half_way_leaves_nothing(env: TestEnv) {
        let p = env.principal("officer.police").await;
        let org = env.org("PIF-POL-IT").await;
        // the database refuses one program of the last host, after every
        // other row of the import has been written in the transaction
        let ddl: &[&str] = match env.backend {
            Backend::Sqlite => &["CREATE TRIGGER boom BEFORE INSERT ON asset_software WHEN NEW.name = 'BOOM' BEGIN SELECT RAISE(ABORT, 'boom'); END"],
            Backend::Postgres => &[
                "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.name = 'BOOM' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER boom BEFORE INSERT ON asset_software FOR EACH ROW EXECUTE FUNCTION boom()",
            ],
        };
        for s in ddl {
            sqlx::query(s).execute(env.store.pool()).await.expect("trigger");
        }
        let mut csv = String::from("host,name,version\n");
        for h in 0..50 {
            for s in 0..20 {
                csv.push_str(&format!("HOST-{h:03},Program {s},1.{s}\n"));
            }
        }
        csv.push_str("HOST-049,BOOM,1\n");
        let v = env
            .app
            .preview_inventory(&p, &org, "boom.csv", csv.as_bytes(), None)
            .await
            .expect("preview");
        assert_eq!((v.counts.new_hosts, v.counts.added), (50, 1001));
        let (assets, sw, head) = (asset_rows(&env, &org).await, software_rows(&env, &org).await, audit_head(&env).await);
        let e = env.app.commit_inventory(&p, &v.import.id, CommitInput::default()).await.expect_err("boom");
        assert!(matches!(e, AppError::Internal(_)), "{e:?}");
        assert_eq!(asset_rows(&env, &org).await, assets, "no host kept");
        assert_eq!(software_rows(&env, &org).await, sw, "no program kept");
        assert_eq!(audit_head(&env).await, head, "no audit entry kept");
        let x = env.app.inventory_import(&p, &v.import.id).await.expect("still there");
        assert_eq!(x.import.status, ImportStatus::Previewed);
        // once the database accepts it, the same import commits whole
        sqlx::query("DROP TRIGGER boom ON asset_software")
            .execute(env.store.pool())
            .await
            .or(sqlx::query("DROP TRIGGER boom").execute(env.store.pool()).await)
            .expect("drop");
        env.app.commit_inventory(&p, &v.import.id, CommitInput::default()).await.expect("commit");
        assert_eq!(software_rows(&env, &org).await, sw + 1001);
    }

    async fn a_file_the_page_cannot_read_comes_back_with_the_reason(env: TestEnv) {
        let s = env.login("officer.police", PASSWORD).await;
        let org = env.org("PIF-POL-IT").await;
        let page = format!("/orgs/{org}/inventory");
        let boundary = "invBoundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"host\"\r\n\r\nPC-0099\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"清冊.xls\"\r\nContent-Type: application/vnd.ms-excel\r\n\r\n",
            s.csrf
        )
        .into_bytes();
        body.extend_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 legacy workbook");
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let ct = format!("multipart/form-data; boundary={boundary}");
        let referer = format!("http://zian.test{page}");
        let h = [
            ("cookie", s.cookie.as_str()),
            ("content-type", ct.as_str()),
            ("host", "zian.test"),
            ("referer", referer.as_str()),
        ];
        let r = env.request(Method::POST, &page, &h, Some(body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), Some(page.as_str()));
        let html = env
            .request(Method::GET, &page, &[("cookie", s.cookie.as_str()), ("host", "zian.test")], None)
            .await
            .text();
        let refused = html.split("id=\"refused\"").nth(1).expect("summary").split("</div>").next().unwrap_or("").to_string();
        assert!(refused.contains("另存為「Excel 活頁簿（.xlsx）」"), "{refused}");
        // the host typed is kept, nothing was recorded
        assert!(html.contains("value=\"PC-0099\""), "{html}");
        let p = env.principal("officer.police").await;
        assert!(env.app.inventory_imports(&p, &org).await.expect("list").1.is_empty());
    }

    async fn the_api_previews_commits_and_keeps_the_file(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let health = env.token_for("officer.health").await;
        let org = env.org("PIF-POL-IT").await;
        let bytes = fixture("programs-big5.csv");
        let body = json!({
            "file_name": "programs-big5.csv",
            "content_base64": data_encoding::BASE64.encode(&bytes),
            "default_host": "PC-0099",
        });
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{org}/inventory"), &health, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{org}/inventory"), &officer, Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let v = r.json();
        let id = v["import"]["id"].as_str().expect("id").to_string();
        assert_eq!(v["import"]["encoding"], "big5");
        assert_eq!(v["counts"]["added"], 5);
        assert_eq!(v["hosts"][0]["host"], "PC-0099");
        assert!(v["hosts"][0]["asset_id"].is_null());
        // rows in error come with the reason in the caller's language
        let bad = json!({"file_name": "x.csv", "content_base64": data_encoding::BASE64.encode(b"host,name\n,Foo\nH1,Bar\n")});
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{org}/inventory"), &officer, Some(bad)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["errors"][0]["line"], 2);
        assert_eq!(r.json()["errors"][0]["column"], "host");
        assert_eq!(r.json()["errors"][0]["reason"], "未填主機名稱");
        let bad_id = r.json()["import"]["id"].as_str().expect("id").to_string();
        let r = env.api(Method::POST, &format!("/api/v1/inventory/{bad_id}/commit"), &officer, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        // outsiders see nothing
        for path in [format!("/api/v1/inventory/{id}"), format!("/api/v1/inventory/{id}/file")] {
            let r = env.api(Method::GET, &path, &health, None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        }
        let r = env
            .api(Method::POST, &format!("/api/v1/inventory/{id}/commit"), &officer, Some(json!({"expect": v["fingerprint"]})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["added"], 5);
        let r = env.api(Method::GET, &format!("/api/v1/inventory/{id}"), &officer, None).await;
        assert_eq!(r.json()["import"]["status"], "committed");
        assert_eq!(r.json()["counts"]["unchanged"], 5);
        // the file as it came, with its hash
        let r = env.api(Method::GET, &format!("/api/v1/inventory/{id}/file"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body, bytes);
        use sha2::Digest;
        let sha: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(r.headers["x-inventory-sha256"].to_str().expect("sha"), sha);
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{org}/inventory"), &officer, None).await;
        assert_eq!(r.json().as_array().map(Vec::len), Some(2));
        // the registry shows the new host and its programs
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{org}/assets?q=PC-0099"), &officer, None).await;
        assert_eq!(r.json()["total"], 1, "{}", r.text());
    }
}

/// 100,000 rows (1,000 hosts × 100 programs) preview and commit, and the
/// same file again changes nothing. Timings are printed, not asserted (the
/// figures of record come from the release build, see ADR 0011).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_rows_import_whole() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    let p = env.principal("officer.police").await;
    let org = env.org("PIF-POL-IT").await;
    let mut csv =
        String::from("\"PSComputerName\",\"DisplayName\",\"DisplayVersion\",\"Publisher\"\r\n");
    for h in 0..1000 {
        for s in 0..100 {
            csv.push_str(&format!(
                "\"WS-{h:04}\",\"Program {s}\",\"{}.{}\",\"Vendor {}\"\r\n",
                s % 7,
                h % 3,
                s % 13
            ));
        }
    }
    let t = std::time::Instant::now();
    let v = env
        .app
        .preview_inventory(&p, &org, "big.csv", csv.as_bytes(), None)
        .await
        .expect("preview");
    let preview = t.elapsed();
    assert_eq!(
        (v.file.rows, v.counts.new_hosts, v.counts.added),
        (100_000, 1000, 100_000)
    );
    let t = std::time::Instant::now();
    env.app
        .commit_inventory(&p, &v.import.id, CommitInput::default())
        .await
        .expect("commit");
    let commit = t.elapsed();
    assert_eq!(software_rows(&env, &org).await, 100_000);
    let again = env
        .app
        .preview_inventory(&p, &org, "big.csv", csv.as_bytes(), None)
        .await
        .expect("again");
    assert!(again.plan.is_noop());
    eprintln!("100,000 rows (debug build): preview {preview:?}, commit {commit:?}");
}

const T: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_preview_and_commit_in_chromium() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    let org = env.org("PIF-POL-IT").await;
    let base = env.serve().await;
    let dir = zian_testkit::TempDir::new("zian-inv");
    let path = dir.0.join("programs-big5.csv");
    std::fs::write(&path, fixture("programs-big5.csv")).expect("write");
    let result =
        tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
            let Some(b) = Browser::launch_or_skip("upload_preview_and_commit_in_chromium")? else {
                return Ok(());
            };
            b.goto(&format!("{base}/login"))?;
            b.find("#username")?.send_keys("officer.police")?;
            b.find("#password")?.send_keys(PASSWORD)?;
            b.find("#login-submit")?.click()?;
            b.wait_for("#logout", T)?;
            // from the register to the import page
            b.goto(&format!("{base}/orgs/{org}/assets"))?;
            b.find("#assets-import")?.click()?;
            b.wait_for("#inventory-upload", T)?;
            b.find("#inv-file")?
                .send_keys(&path.display().to_string())?;
            b.find("#inv-host")?.send_keys("PC-0099")?;
            b.find("#inv-submit")?.click()?;
            // the preview: one new host, five programs, none mapped yet
            b.wait_for("#import-counts", T)?;
            assert_eq!(b.find("#n-new-hosts")?.text()?.trim(), "1");
            assert_eq!(b.find("#n-added")?.text()?.trim(), "5");
            assert!(
                b.find("#import-file")?
                    .text()?
                    .contains("programs-big5.csv")
            );
            assert!(b.page_source()?.contains("公文線上簽核系統用戶端"));
            b.find("#import-commit-submit")?.click()?;
            b.wait_for("#import-done", T)?;
            assert!(b.find(".flash")?.text()?.contains("已匯入"));
            assert!(b.exists("#import-noop")?, "nothing left to do");
            assert!(!b.exists("#import-commit")?);
            // the host is in the register with its programs
            b.goto(&format!("{base}/orgs/{org}/inventory"))?;
            let row = b.find("#imports tbody tr")?;
            assert!(row.text()?.contains("已匯入"));
            b.goto(&format!("{base}/orgs/{org}/assets?q=PC-0099"))?;
            b.find("#assets tbody a")?.click()?;
            b.wait_for("#software-h", T)?;
            let page = b.page_source()?;
            assert!(
                page.contains("公文線上簽核系統用戶端") && page.contains("許氏資訊股份有限公司")
            );
            Ok(())
        })
        .await
        .expect("join");
    result.expect("browser journey");
}
