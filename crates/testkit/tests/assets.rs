//! The asset register (資通系統及資訊資產清冊): registering assets and hosts
//! with checked and normalised fields, the protection level through the
//! system, installed software with CPE names, every change in the record's
//! history (before/after), the list's filters, the CSV export, the printable
//! register and the pages, on every backend.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_testkit::http::{col, form, parse_csv};
use zian_testkit::{PASSWORD, TestEnv, backend_tests};

fn host(name: &str) -> Value {
    json!({
        "name": name, "category": "實體資產", "owner": "資訊室",
        "custodian": "林意順", "users": "刑事警察大隊", "location": "本局 B1 機房",
        "property_no": "3140101-03-000123", "brand": "Dell", "model": "PowerEdge R650",
        "hostname": "pol-app-01", "ip": "10.20.1.15, 10.20.1.15; 2001:DB8::15",
        "mac": "00-1a-2B-3c-4d-5e", "os": "Windows Server 2019 Standard",
        "kbs": "kb5034441 KB890830, 5034441", "labels": "機房, 核心，機房"
    })
}

async fn graded_system(env: &TestEnv, token: &str, org: &str, name: &str) -> String {
    let r = env
        .api(
            Method::POST,
            &format!("/api/v1/orgs/{org}/systems"),
            token,
            Some(json!({"name": name, "owner": "資訊室"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let sys = r.json()["id"].as_str().expect("system id").to_string();
    let q = env.app.questionnaire().expect("questionnaire");
    let answers: serde_json::Map<String, Value> = q
        .questions
        .iter()
        .map(|x| (x.id.clone(), json!(x.options.first().expect("option").id)))
        .collect();
    let r = env
        .api(
            Method::POST,
            &format!("/api/v1/systems/{sys}/grading"),
            token,
            Some(json!({"answers": answers, "assessor": "林怡君", "approver": "陳建宏"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    sys
}

backend_tests! {
    async fn the_plans_core_system_table_is_filled_from_the_register(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let org = env.org("PIF-POL-IT").await;
        let core = graded_system(&env, &officer, &org, "刑案資訊系統").await;
        let other = graded_system(&env, &officer, &org, "差勤系統").await;
        for (name, sys, is_core, pn) in [("刑案資料庫主機", &core, true, "3140101-03-000777"), ("差勤主機", &other, false, "")] {
            let r = env
                .api(
                    Method::POST,
                    &format!("/api/v1/orgs/{org}/assets"),
                    &officer,
                    Some(json!({"name": name, "category": "hardware", "owner": "資訊室", "system_id": sys, "core": is_core, "property_no": pn})),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{org}/plans"), &officer, Some(json!({"change_note": "初版"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let plan = r.json()["id"].as_str().expect("plan").to_string();
        let url = format!("/api/v1/plans/{plan}/core-systems/from-register");
        // another agency cannot touch the plan
        let r = env.api(Method::POST, &url, &env.token_for("officer.health").await, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let r = env.api(Method::POST, &url, &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["added"], 1, "only the system a core asset serves");
        let p = env.principal("officer.police").await;
        let v = env.app.plan_view(&p, &zian_domain::PlanId::from(plan.as_str())).await.expect("plan");
        let rows = v.content.chapter("risk")["core_systems"].as_array().expect("rows").clone();
        let row = rows.iter().find(|r| r["name"] == "刑案資訊系統").expect("row");
        assert_eq!(row["assets"], json!(["刑案資料庫主機（3140101-03-000777）"]));
        assert!(rows.iter().all(|r| r["name"] != "差勤系統"));
        // again: nothing new
        let r = env.api(Method::POST, &url, &officer, None).await;
        assert_eq!(r.json()["added"], 0);
        // the page's button
        let s = env.login("officer.police", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/plans/{plan}/chapters/risk"), &s.headers(), None).await.text();
        assert!(html.contains("core-systems/from-register"), "{html}");
        // the system's page leads to the assets that serve it
        let html = env.request(Method::GET, &format!("/systems/{core}"), &s.headers(), None).await.text();
        let link = format!("/orgs/{org}/assets?system={core}");
        assert!(html.contains(&link), "{html}");
        let html = env.request(Method::GET, &link, &s.headers(), None).await.text();
        assert!(html.contains("刑案資料庫主機") && !html.contains("差勤主機"), "{html}");
    }

    async fn assets_are_registered_checked_changed_with_history_and_scoped(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let health = env.token_for("officer.health").await;
        let committee = env.token_for("committee.police").await;
        let (pol, hlt) = (env.org("PIF-POL-IT").await, env.org("PIF-HLT").await);
        let sys = graded_system(&env, &officer, &pol, "刑案資訊系統").await;
        let other_sys = graded_system(&env, &health, &hlt, "醫療資訊系統").await;

        // a host: categories by the seed's names, addresses, MACs and KBs normalised
        let mut b = host("刑案系統應用伺服器");
        b["system_id"] = json!(sys);
        b["core"] = json!(true);
        let url = format!("/api/v1/orgs/{pol}/assets");
        let r = env.api(Method::POST, &url, &officer, Some(b.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let a = r.json();
        let id = a["id"].as_str().expect("id").to_string();
        assert_eq!(a["category"], "hardware");
        assert_eq!(a["ip"], json!(["10.20.1.15", "2001:db8::15"]));
        assert_eq!(a["mac"], json!(["00:1A:2B:3C:4D:5E"]));
        assert_eq!(a["kbs"], json!(["KB890830", "KB5034441"]));
        assert_eq!(a["labels"], json!(["機房", "核心"]));
        assert_eq!((a["quantity"].as_i64(), a["core"].as_bool(), a["status"].as_str()), (Some(1), Some(true), Some("in_service")));
        // the protection level is the system's
        let d = env.api(Method::GET, &format!("/api/v1/assets/{id}"), &officer, None).await.json();
        assert_eq!((d["system_name"].as_str(), d["protection_level"].as_str()), (Some("刑案資訊系統"), Some("low")));
        assert_eq!(d["history"][0]["action"], "asset.created");

        // bad input: a clear, localised error naming the field; nothing stored
        for (patch, field) in [
            (json!({"ip": "10.0.0.300"}), "ip"),
            (json!({"mac": "00:1a:2b"}), "mac"),
            (json!({"kbs": "Security Update"}), "kbs"),
            (json!({"quantity": 0}), "quantity"),
            (json!({"quantity": "三"}), "quantity"),
            (json!({"category": "雲端"}), "category"),
            (json!({"system_id": other_sys}), "system_id"),
            (json!({"status": "disposed"}), "disposed_on"),
            (json!({"status": "disposed", "disposed_on": "2026-10-01"}), "disposal_method"),
            (json!({"status": "disposed", "disposed_on": "2099-01-01", "disposal_method": "報廢"}), "disposed_on"),
            (json!({"disposed_on": "2026-10-01"}), "disposed_on"),
            (json!({"name": ""}), "name"),
        ] {
            let mut body = host("壞資料");
            for (k, v) in patch.as_object().expect("patch") {
                body[k] = v.clone();
            }
            let r = env.api(Method::POST, &url, &officer, Some(body)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{patch}: {}", r.text());
            let e = r.json();
            assert_eq!(e["error"]["field"], field, "{patch}: {e}");
            assert!(e["error"]["message"].as_str().expect("message").chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{e}");
        }
        let r = env.api(Method::POST, &url, &officer, Some(json!({"name": "x", "category": "information", "owner": "y", "bogus": 1}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let list = env.api(Method::GET, &url, &officer, None).await.json();
        assert_eq!(list["total"], 1, "nothing else stored: {list}");

        // a change records each changed field before and after; saving the
        // same values records nothing
        let mut b2 = b.clone();
        b2["location"] = json!("本局 3F 機房");
        b2["core"] = json!(false);
        let r = env.api(Method::PUT, &format!("/api/v1/assets/{id}"), &officer, Some(b2.clone())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env.api(Method::PUT, &format!("/api/v1/assets/{id}"), &officer, Some(b2.clone())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let d = env.api(Method::GET, &format!("/api/v1/assets/{id}"), &officer, None).await.json();
        let h = d["history"].as_array().expect("history");
        assert_eq!(h.iter().filter(|e| e["action"] == "asset.updated").count(), 1, "{h:?}");
        assert_eq!(h[0]["details"]["changes"], json!({"location": ["本局 B1 機房", "本局 3F 機房"], "core": ["true", "false"]}));
        assert!(h[0]["actor_name"].is_string());

        // installed software: CPE names checked, written as formatted strings
        let sw = format!("/api/v1/assets/{id}/software");
        let r = env.api(Method::POST, &sw, &officer, Some(json!({"name": "Mozilla Firefox (x64 zh-TW)", "version": "115.3.1", "publisher": "Mozilla", "cpe23": "cpe:/a:mozilla:firefox:115.3.1"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["cpe23"], "cpe:2.3:a:mozilla:firefox:115.3.1:*:*:*:*:*:*:*");
        let r = env.api(Method::POST, &sw, &officer, Some(json!({"name": "7-Zip 19.00 (x64)", "version": "19.00", "publisher": "Igor Pavlov"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let zip = r.json();
        assert!(zip["cpe23"].is_null(), "not mapped yet");
        for bad in ["7-zip 19.00", "cpe:2.3:a:*:7-zip:19.00:*:*:*:*:*:*:*", "cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*"] {
            let r = env.api(Method::PUT, &format!("{sw}/{}", zip["id"].as_str().expect("id")), &officer, Some(json!({"name": "7-Zip 19.00 (x64)", "version": "19.00", "cpe23": bad}))).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.text());
            assert_eq!(r.json()["error"]["field"], "cpe23");
        }
        let r = env.api(Method::PUT, &format!("{sw}/{}", zip["id"].as_str().expect("id")), &officer, Some(json!({"name": "7-Zip 19.00 (x64)", "version": "19.00", "publisher": "Igor Pavlov", "cpe23": "cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*:*"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let d = env.api(Method::GET, &format!("/api/v1/assets/{id}"), &officer, None).await.json();
        assert_eq!(d["software"].as_array().map(Vec::len), Some(2));
        assert_eq!(d["software"][0]["name"], "7-Zip 19.00 (x64)", "by name");
        assert_eq!(d["history"][0]["action"], "asset.software_updated");
        // the VANS upload: one line per host and CPE name, hosts by host name
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/assets/vans.csv"), &officer, None).await;
        let (header, rows) = parse_csv(&r);
        assert_eq!(header, ["host", "cpe23"]);
        assert_eq!(rows, vec![
            vec!["pol-app-01".to_string(), "cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*:*".to_string()],
            vec!["pol-app-01".to_string(), "cpe:2.3:a:mozilla:firefox:115.3.1:*:*:*:*:*:*:*".to_string()],
        ]);
        assert_eq!(env.api(Method::GET, &format!("/api/v1/orgs/{pol}/assets/vans.csv"), &health, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(d["history"][0]["details"]["changes"]["cpe23"], json!(["", "cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*:*"]));
        let r = env.api(Method::DELETE, &format!("{sw}/{}", zip["id"].as_str().expect("id")), &officer, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = env.api(Method::DELETE, &format!("{sw}/{}", zip["id"].as_str().expect("id")), &officer, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // outsiders see nothing and change nothing; readers read only
        for (m, u, body) in [
            (Method::GET, format!("/api/v1/assets/{id}"), None),
            (Method::PUT, format!("/api/v1/assets/{id}"), Some(b2.clone())),
            (Method::POST, sw.clone(), Some(json!({"name": "x"}))),
            (Method::GET, url.clone(), None),
            (Method::POST, url.clone(), Some(host("外機關"))),
        ] {
            let r = env.api(m.clone(), &u, &health, body).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{m} {u}: {}", r.text());
        }
        assert_eq!(env.api(Method::GET, &format!("/api/v1/assets/{id}"), &committee, None).await.status, StatusCode::OK);
        assert_eq!(env.api(Method::PUT, &format!("/api/v1/assets/{id}"), &committee, Some(b2.clone())).await.status, StatusCode::FORBIDDEN);
    }

    async fn the_register_lists_filters_exports_and_prints(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL-IT").await;
        let sys = graded_system(&env, &officer, &pol, "報案系統").await;
        let url = format!("/api/v1/orgs/{pol}/assets");
        let mut ids = Vec::new();
        for (i, (name, cat, extra)) in [
            ("報案系統資料庫", "資訊", json!({"system_id": sys, "core": true, "property_no": "A-003"})),
            ("核心交換器", "通訊", json!({"brand": "Cisco", "model": "C9300-48P", "property_no": "A-001", "ip": "10.20.0.1"})),
            ("UPS 不斷電系統", "支援服務", json!({"location": "B1 電力室", "property_no": "A-002"})),
            ("舊檔案伺服器", "硬體", json!({"status": "disposed", "disposed_on": "2026-10-01", "disposal_method": "報廢", "property_no": "A-000"})),
            ("備援筆電", "硬體", json!({"status": "retired", "property_no": "A-004", "hostname": "pol-nb-07"})),
        ].into_iter().enumerate() {
            let mut b = json!({"name": name, "category": cat, "owner": "資訊室", "users": format!("使用者{i}")});
            for (k, v) in extra.as_object().expect("extra") {
                b[k] = v.clone();
            }
            let r = env.api(Method::POST, &url, &officer, Some(b)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.text());
            ids.push(r.json()["id"].as_str().expect("id").to_string());
        }
        let names = |v: &Value| v["items"].as_array().expect("items").iter().map(|x| x["name"].as_str().expect("name").to_string()).collect::<Vec<_>>();
        let get = |q: &str| {
            let u = format!("{url}?{q}");
            let env = &env;
            let officer = officer.clone();
            async move {
                let r = env.api(Method::GET, &u, &officer, None).await;
                assert_eq!(r.status, StatusCode::OK, "{u}: {}", r.text());
                r.json()
            }
        };
        // by default the disposed asset is left out; `status=all` brings it
        let v = get("sort=property_no").await;
        assert_eq!(names(&v), ["核心交換器", "UPS 不斷電系統", "報案系統資料庫", "備援筆電"]);
        assert_eq!(get("status=all").await["total"], 5);
        assert_eq!(names(&get("status=disposed").await), ["舊檔案伺服器"]);
        assert_eq!(names(&get("status=停用").await), ["備援筆電"]);
        assert_eq!(names(&get("category=communication").await), ["核心交換器"]);
        assert_eq!(names(&get("category=支援服務").await), ["UPS 不斷電系統"]);
        assert_eq!(names(&get(&format!("system={sys}")).await), ["報案系統資料庫"]);
        assert_eq!(get("system=none").await["total"], 3);
        assert_eq!(names(&get("core=true").await), ["報案系統資料庫"]);
        assert_eq!(names(&get("host=true&sort=name").await), ["備援筆電", "核心交換器"]);
        assert_eq!(names(&get("q=10.20.0").await), ["核心交換器"]);
        assert_eq!(names(&get("q=C9300").await), ["核心交換器"]);
        let p = get("sort=property_no&limit=2&offset=2").await;
        assert_eq!((names(&p), p["total"].as_i64()), (vec!["報案系統資料庫".to_string(), "備援筆電".to_string()], Some(4)));
        for bad in ["category=雲端", "status=lost", "core=maybe"] {
            let r = env.api(Method::GET, &format!("{url}?{bad}"), &officer, None).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.text());
        }

        // CSV: the seed's columns first, in Chinese; the list's filters apply
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/assets.csv?sort=property_no"), &officer, None).await;
        let (header, rows) = parse_csv(&r);
        assert_eq!(&header[..8], ["資通系統及資訊名稱", "資產名稱", "資產類別", "擁有者", "管理者（保管人）", "使用者", "存放位置", "防護需求等級"]);
        assert_eq!(rows.len(), 4);
        let (n, c, l) = (col(&header, "資產名稱"), col(&header, "資產類別"), col(&header, "防護需求等級"));
        let db = rows.iter().find(|r| r[n] == "報案系統資料庫").expect("row");
        assert_eq!((db[c].as_str(), db[l].as_str(), db[0].as_str()), ("資訊", "普", "報案系統"));
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/assets.csv?status=all"), &officer, None).await;
        assert_eq!(parse_csv(&r).1.len(), 5);
        // Excel: the same rows and columns, read back from the workbook
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/assets.xlsx?sort=property_no"), &officer, None).await;
        let sheet = zian_testkit::http::parse_xlsx(&r);
        assert_eq!(sheet[0], header);
        assert_eq!(&sheet[1..], &rows[..]);
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/assets.xlsx"), &env.token_for("officer.health").await, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // the pages: the list, the printable register, an asset with its history
        let s = env.login("officer.police", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/orgs/{pol}/assets?category=hardware&status=all"), &s.headers(), None).await.text();
        assert_eq!(html.matches("<tr data-id=").count(), 2, "{html}");
        assert!(html.contains("assets.csv?category=hardware&#38;status=all"), "{}", html.split("assets-csv").nth(1).unwrap_or(""));
        let html = env.request(Method::GET, &format!("/orgs/{pol}/assets/register"), &s.headers(), None).await.text();
        assert!(html.contains("資通系統及資訊資產清冊"));
        assert!(html.contains("報案系統資料庫（核心）"));
        assert!(!html.contains("舊檔案伺服器"), "disposed assets are not in the current register");
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let body = form(&[("_csrf", s.csrf.as_str()), ("name", "公文系統主機"), ("category", "hardware"), ("owner", "秘書室"), ("quantity", "2"), ("core", "true"), ("ip", "10.20.3.4")]);
        let r = env.request(Method::POST, &format!("/orgs/{pol}/assets"), &h, Some(body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let to = r.location().expect("location").to_string();
        assert!(to.starts_with("/assets/"), "{to}");
        let page = env.request(Method::GET, &to, &s.headers(), None).await.text();
        assert!(page.contains("公文系統主機") && page.contains("10.20.3.4"));
        assert!(page.contains("data-action=\"asset.created\""), "history on the page");
        // a bad value is refused with the field named (the browser test
        // covers the form coming back with what was typed)
        let body = form(&[("_csrf", s.csrf.as_str()), ("name", "印表機"), ("category", "hardware"), ("owner", "秘書室"), ("mac", "zz:zz")]);
        let r = env.request(Method::POST, &format!("/orgs/{pol}/assets"), &h, Some(body)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let t = r.text();
        assert!(t.contains("「MAC 位址」不正確"), "{t}");
        assert_eq!(get("status=all").await["total"], 6);
    }

    async fn unmapped_software_gets_suggestions_and_confirmations_are_remembered_per_organisation(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let health = env.token_for("officer.health").await;
        let (pol, hlt) = (env.org("PIF-POL-IT").await, env.org("PIF-HLT").await);
        let mut ids = Vec::new();
        for name in ["刑大公務電腦 A", "刑大公務電腦 B"] {
            let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/assets"), &officer, Some(json!({"name": name, "category": "hardware", "owner": "刑事警察大隊"}))).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            ids.push(r.json()["id"].as_str().expect("id").to_string());
        }
        let add = |asset: String, name: &'static str, version: &'static str, publisher: &'static str, token: String| {
            let env = &env;
            async move {
                let r = env.api(Method::POST, &format!("/api/v1/assets/{asset}/software"), &token, Some(json!({"name": name, "version": version, "publisher": publisher}))).await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
                r.json()
            }
        };
        let ff = add(ids[0].clone(), "Mozilla Firefox (x64 zh-TW)", "115.3.1", "Mozilla", officer.clone()).await;
        assert!(ff["cpe23"].is_null());
        for a in &ids {
            add(a.clone(), "7-Zip 19.00 (x64)", "19.00", "Igor Pavlov", officer.clone()).await;
        }
        // suggestions on the asset, best first
        let d = env.api(Method::GET, &format!("/api/v1/assets/{}", ids[0]), &officer, None).await.json();
        let s = &d["suggestions"][ff["id"].as_str().expect("id")];
        assert_eq!(s[0]["cpe23"], "cpe:2.3:a:mozilla:firefox:115.3.1:*:*:*:*:*:*:*", "{d}");
        // the unmapped list: grouped as found, most installations first
        let u = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/assets/unmapped"), &officer, None).await.json();
        let u = u.as_array().expect("groups").clone();
        assert_eq!((u[0]["name"].as_str(), u[0]["count"].as_i64(), u[0]["assets"].as_i64()), (Some("7-Zip 19.00 (x64)"), Some(2), Some(2)));
        assert_eq!(u[0]["candidates"][0]["cpe23"], "cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*:*");
        assert_eq!(u[1]["name"], "Mozilla Firefox (x64 zh-TW)");
        assert_eq!(env.api(Method::GET, &format!("/api/v1/orgs/{pol}/assets/unmapped"), &health, None).await.status, StatusCode::NOT_FOUND);

        // a person takes the suggestion on the page: remembered for the name
        let sess = env.login("officer.police", PASSWORD).await;
        let page = env.request(Method::GET, &format!("/assets/{}", ids[0]), &sess.headers(), None).await.text();
        assert!(page.contains(&format!("/software/{}/cpe", ff["id"].as_str().expect("id"))), "suggestion buttons");
        let mut h = sess.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let body = form(&[("_csrf", sess.csrf.as_str()), ("cpe23", "cpe:2.3:a:mozilla:firefox:115.3.1:*:*:*:*:*:*:*")]);
        let r = env.request(Method::POST, &format!("/assets/{}/software/{}/cpe", ids[0], ff["id"].as_str().expect("id")), &h, Some(body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        // the next Firefox of the bureau, another build and locale, is mapped at once
        let ff2 = add(ids[1].clone(), "Mozilla Firefox (x64 en-US)", "116.0", "Mozilla", officer.clone()).await;
        assert_eq!(ff2["cpe23"], "cpe:2.3:a:mozilla:firefox:116.0:*:*:*:*:*:*:*", "{ff2}");
        // another organisation's confirmations are its own
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{hlt}/assets"), &health, Some(json!({"name": "衛生局電腦", "category": "hardware", "owner": "衛生局資訊室"}))).await;
        let hid = r.json()["id"].as_str().expect("id").to_string();
        let other = add(hid, "Mozilla Firefox (x64 en-US)", "116.0", "Mozilla", health.clone()).await;
        assert!(other["cpe23"].is_null(), "{other}");

        // every unmapped 7-Zip of the bureau at once
        let url = format!("/api/v1/orgs/{pol}/assets/unmapped");
        let r = env.api(Method::POST, &url, &officer, Some(json!({"name": "7-Zip 19.00 (x64)", "version": "19.00", "publisher": "Igor Pavlov", "cpe23": "7-zip"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], "cpe23");
        let r = env.api(Method::POST, &url, &officer, Some(json!({"name": "7-Zip 19.00 (x64)", "version": "19.00", "publisher": "Igor Pavlov", "cpe23": "cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*:*"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["updated"], 2);
        let u = env.api(Method::GET, &url, &officer, None).await.json();
        assert_eq!(u, json!([]), "nothing left unmapped");
        let d = env.api(Method::GET, &format!("/api/v1/assets/{}", ids[1]), &officer, None).await.json();
        assert!(d["software"].as_array().expect("software").iter().all(|s| s["cpe23"].is_string()), "{d}");
    }
}
