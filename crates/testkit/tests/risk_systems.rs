//! Risk scales per organisation (inherited, validated, scale changes that
//! would strand risks refused), editing and deleting risks with recomputed
//! values, editing and archiving information systems, and the CSV exports of
//! the register and the statement of applicability, on every backend.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_testkit::http::{BOM, audit_actions, col, form, parse_csv, pct};
use zian_testkit::{PASSWORD, TestEnv, backend_tests};

fn risk(asset: &str, av: u32, l: u32, v: u32) -> Value {
    json!({"asset": asset, "threat": "勒索軟體", "weakness": "未修補漏洞", "asset_value": av, "likelihood": l, "vulnerability": v, "treatment": "accept", "owner": "資訊室"})
}

async fn settings(env: &TestEnv, token: &str, org: &str) -> Value {
    let r = env
        .api(
            Method::GET,
            &format!("/api/v1/orgs/{org}/risk-settings"),
            token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

backend_tests! {
    async fn risk_settings_are_inherited_validated_and_scale_changes_refused(env: TestEnv) {
        let admin = env.token_for("admin").await;
        let ciso = env.token_for("ciso.police").await;
        let officer = env.token_for("officer.police").await;
        let health = env.token_for("officer.health").await;
        let (pif, pol, pol_it, hlt) = (env.org("PIF").await, env.org("PIF-POL").await, env.org("PIF-POL-IT").await, env.org("PIF-HLT").await);

        // nobody has settings: the default 1–3 method, threshold 6
        let s = settings(&env, &officer, &pol).await;
        assert!(s["source_org_id"].is_null());
        assert_eq!((s["asset_value_max"].as_u64(), s["scale_max"].as_u64(), s["threshold"].as_u64(), s["max_value"].as_u64()), (Some(3), Some(3), Some(6), Some(27)));
        assert_eq!(s["labels"]["likelihood"]["zh"], json!(["低", "中", "高"]));

        // the county sets a common 1–5 scale: its agencies and their units inherit it
        let r = env.api(Method::PUT, &format!("/api/v1/orgs/{pif}/risk-settings"), &admin, Some(json!({"scale_max": 5, "threshold": 30, "likelihood_labels_zh": ["極低", "低", "中", "高", "極高"], "likelihood_labels_en": ["very low", "low", "medium", "high", "very high"]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["inherited"], false);
        for org in [&pol, &pol_it] {
            let s = settings(&env, &officer, org).await;
            assert_eq!(s["source_org_id"], json!(pif), "{s}");
            assert_eq!(s["inherited"], true);
            assert_eq!((s["scale_max"].as_u64(), s["threshold"].as_u64(), s["max_value"].as_u64()), (Some(5), Some(30), Some(125)));
            assert_eq!(s["labels"]["likelihood"]["en"][4], "very high");
            // bands keep the default proportions: 2/9 and 4/9 of 125
            assert_eq!(s["bands"], json!([{"name_zh": "低", "name_en": "low", "min": 1, "max": 27}, {"name_zh": "中", "name_en": "medium", "min": 28, "max": 55}, {"name_zh": "高", "name_en": "high", "min": 56, "max": 125}]));
        }
        // the police bureau sets its own 4×4×3 scale; its unit now inherits from it
        let r = env.api(Method::PUT, &format!("/api/v1/orgs/{pol}/risk-settings"), &ciso, Some(json!({"asset_value_max": 4, "likelihood_max": 4, "vulnerability_max": 3}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let s = r.json();
        assert!(s["scale_max"].is_null());
        assert_eq!((s["max_value"].as_u64(), s["threshold"].as_u64()), (Some(48), Some(10)));
        assert_eq!(settings(&env, &officer, &pol_it).await["source_org_id"], json!(pol));
        assert_eq!(settings(&env, &health, &hlt).await["source_org_id"], json!(pif));
        // the county's labels do not leak into a scale of another size
        assert_eq!(s["labels"]["likelihood"]["zh"], json!([]));

        // invalid settings: a localised error naming the field and the range
        let url = format!("/api/v1/orgs/{pol}/risk-settings");
        for (body, field) in [
            (json!({"scale_max": 6}), "scale_max"),
            (json!({"scale_max": 2}), "scale_max"),
            (json!({"likelihood_max": 9}), "likelihood_max"),
            (json!({"scale_max": 3, "threshold": 28}), "threshold"),
        ] {
            let r = env.api(Method::PUT, &url, &ciso, Some(body.clone())).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.text());
            let e = r.json();
            assert_eq!(e["error"]["code"], "risk.out_of_scale");
            assert_eq!(e["error"]["field"], field);
        }
        let r = env.api(Method::PUT, &url, &ciso, Some(json!({"scale_max": 6}))).await;
        assert_eq!(r.json()["error"]["message"], "「共同量表上限」須介於 3 至 5（收到 6）。");
        let r = env.api(Method::PUT, &url, &ciso, Some(json!({"scale_max": 3, "likelihood_labels_zh": ["低", "高"]}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], "likelihood_labels_zh");
        // a reader may not change them; an outsider does not see them
        let committee = env.token_for("committee.police").await;
        assert_eq!(env.api(Method::PUT, &url, &committee, Some(json!({"scale_max": 3}))).await.status, StatusCode::FORBIDDEN);
        assert_eq!(env.api(Method::PUT, &url, &health, Some(json!({"scale_max": 3}))).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::GET, &url, &health, None).await.status, StatusCode::NOT_FOUND);

        // risk input is checked against the organisation's own scale
        let risks = format!("/api/v1/orgs/{pol}/risks");
        let r = env.api(Method::POST, &risks, &officer, Some(risk("報案系統", 4, 4, 4))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let e = r.json();
        assert_eq!((e["error"]["code"].as_str(), e["error"]["field"].as_str()), (Some("risk.out_of_scale"), Some("vulnerability")));
        assert_eq!(e["error"]["message"], "「脆弱性利用難易度」須介於 1 至 3（收到 4）。");
        let r = env.api(Method::POST, &risks, &officer, Some(risk("報案系統", 4, 4, 3))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let pol_risk = r.json();
        assert_eq!((pol_risk["risk_value"].as_i64(), pol_risk["band_en"].as_str(), pol_risk["threshold"].as_i64()), (Some(48), Some("high"), Some(10)));
        let mut b = risk("官網", 1, 1, 1);
        b["residual_likelihood"] = json!(5);
        b["residual_vulnerability"] = json!(1);
        let r = env.api(Method::POST, &risks, &officer, Some(b)).await;
        assert_eq!(r.json()["error"]["field"], "residual_likelihood", "{}", r.text());
        // the health bureau follows the county's 1–5 scale
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{hlt}/risks"), &health, Some(risk("醫療資訊系統", 5, 2, 1))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let hlt_risk = r.json()["id"].as_str().unwrap().to_string();

        // the heat map follows the scale: 4 asset values, 4 likelihoods × 3 vulnerabilities
        let reg = env.api(Method::GET, &risks, &officer, None).await.json();
        let maps = reg["heat_maps"].as_array().unwrap();
        assert_eq!(maps.len(), 4);
        assert!(maps.iter().all(|m| m["cells"].as_array().unwrap().len() == 4 && m["cells"][0].as_array().unwrap().len() == 3));
        assert_eq!(maps[3]["cells"][3][2]["count"], 1);
        assert_eq!(maps[3]["cells"][3][2]["value"], 48);
        assert_eq!(reg["settings"]["source_org_id"], json!(pol));
        let s = env.login("officer.police", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/orgs/{pol}/risks"), &s.headers(), None).await.text();
        assert_eq!(html.matches("class=\"cell\"").count(), 48);
        assert!(html.contains("data-av=\"4\" data-l=\"4\" data-v=\"3\" data-count=\"1\""));
        assert!(html.contains("id=\"risk-settings-form\""));
        assert!(html.contains("<option value=\"4\">4 </option>"), "the form offers the 4th likelihood");

        // shrinking the scale below a recorded rating is refused, naming the risk
        let r = env.api(Method::PUT, &url, &ciso, Some(json!({"scale_max": 3}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        let e = r.json();
        assert_eq!(e["error"]["code"], "risk.scale_conflict");
        assert_eq!(e["error"]["risks"], json!([{"id": pol_risk["id"], "asset": "報案系統"}]));
        assert!(e["error"]["message"].as_str().unwrap().contains("有 1 筆風險"));
        assert_eq!(settings(&env, &officer, &pol).await["asset_value_max"], 4, "unchanged");
        // the county's change is checked against the risks that inherit it only:
        // the health bureau's asset value 5 blocks it, the police risk (own scale) does not
        let r = env.api(Method::PUT, &format!("/api/v1/orgs/{pif}/risk-settings"), &admin, Some(json!({"scale_max": 4}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.json()["error"]["risks"], json!([{"id": hlt_risk, "asset": "醫療資訊系統"}]));
        // editing the risk down lets the change through
        let r = env.api(Method::PUT, &format!("/api/v1/risks/{hlt_risk}"), &health, Some(risk("醫療資訊系統", 4, 2, 1))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env.api(Method::PUT, &format!("/api/v1/orgs/{pif}/risk-settings"), &admin, Some(json!({"scale_max": 4}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(settings(&env, &health, &hlt).await["max_value"], 64);
        // the settings changes are audited; the refused ones are not
        assert_eq!(audit_actions(&env, "risk.settings").await.len(), 3);
        let rep = env.app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        assert!(rep.broken.is_none(), "{rep:?}");

        // settings through the page form (common maximum; labels as a list)
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let body = form(&[("_csrf", s.csrf.as_str()), ("scale_max", "4"), ("asset_value_max", ""), ("likelihood_max", ""), ("vulnerability_max", ""), ("threshold", "12"), ("vulnerability_labels_zh", "難, 稍難、稍易，易"), ("vulnerability_labels_en", "")]);
        let r = env.request(Method::POST, &format!("/orgs/{pol}/risk-settings"), &h, Some(body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let st = settings(&env, &officer, &pol).await;
        assert_eq!((st["scale_max"].as_u64(), st["threshold"].as_u64()), (Some(4), Some(12)));
        assert_eq!(st["labels"]["vulnerability"]["zh"], json!(["難", "稍難", "稍易", "易"]));
        let html = env.request(Method::GET, &format!("/orgs/{pol}/risks"), &s.headers(), None).await.text();
        assert!(html.contains("<option value=\"2\">2 稍難</option>"), "labels in the risk form");
    }

    async fn risks_are_edited_with_recomputed_values_and_deleted_in_scope(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let health = env.token_for("officer.health").await;
        let committee = env.token_for("committee.police").await;
        let pol = env.org("PIF-POL").await;
        let mut b = risk("報案系統資料庫", 3, 2, 2);
        b["treatment"] = json!("mitigate");
        b["due_on"] = json!("2027-03-31");
        let r = env
            .api(
                Method::POST,
                &format!("/api/v1/orgs/{pol}/risks"),
                &officer,
                Some(b.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let created = r.json();
        let id = created["id"].as_str().unwrap().to_string();
        assert_eq!(
            (created["risk_value"].as_i64(), created["status"].as_str()),
            (Some(12), Some("open"))
        );
        let url = format!("/api/v1/risks/{id}");

        // the edit recomputes the value, the band and the residual risk
        env.clock.advance(3600);
        let mut e = b.clone();
        e["likelihood"] = json!(3);
        e["vulnerability"] = json!(3);
        e["residual_likelihood"] = json!(1);
        e["residual_vulnerability"] = json!(2);
        e["status"] = json!("treating");
        e["owner"] = json!("資訊室 黃俊傑");
        let r = env.api(Method::PUT, &url, &officer, Some(e.clone())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let x = r.json();
        assert_eq!(
            (
                x["risk_value"].as_i64(),
                x["band_en"].as_str(),
                x["acceptable"].as_bool()
            ),
            (Some(27), Some("high"), Some(false))
        );
        assert_eq!(
            (
                x["residual_value"].as_i64(),
                x["residual_acceptable"].as_bool()
            ),
            (Some(6), Some(true))
        );
        assert_eq!(
            (x["status"].as_str(), x["owner"].as_str()),
            (Some("treating"), Some("資訊室 黃俊傑"))
        );
        assert_eq!(x["created_at"], created["created_at"]);
        assert_eq!(
            x["updated_at"].as_i64(),
            Some(created["created_at"].as_i64().unwrap() + 3600)
        );
        assert_eq!(env.api(Method::GET, &url, &officer, None).await.json(), x);
        // leaving out the status keeps it; a lower threshold changes acceptability
        let mut e2 = e.clone();
        e2.as_object_mut().unwrap().remove("status");
        e2["threshold"] = json!(5);
        let x = env.api(Method::PUT, &url, &officer, Some(e2)).await.json();
        assert_eq!(
            (
                x["status"].as_str(),
                x["threshold"].as_i64(),
                x["residual_acceptable"].as_bool()
            ),
            (Some("treating"), Some(5), Some(false))
        );
        // invalid edits are refused and change nothing
        for (body, field) in [
            (json!({"likelihood": 4}), "likelihood"),
            (json!({"status": "done"}), "status"),
            (json!({"treatment": "avoid", "due_on": null}), "due_on"),
            (json!({"residual_likelihood": null}), "residual"),
        ] {
            let mut bad = e.clone();
            for (k, v) in body.as_object().unwrap() {
                bad[k] = v.clone();
            }
            let r = env.api(Method::PUT, &url, &officer, Some(bad)).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {}",
                r.text()
            );
            assert_eq!(r.json()["error"]["field"], field, "{body}");
        }
        assert_eq!(
            env.api(Method::GET, &url, &officer, None).await.json()["risk_value"],
            27
        );

        // outside the subtree it does not exist; a reader may not change it
        for (m, body) in [
            (Method::GET, None),
            (Method::PUT, Some(e.clone())),
            (Method::DELETE, None),
        ] {
            let r = env.api(m.clone(), &url, &health, body).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{m}: {}", r.text());
        }
        assert_eq!(
            env.api(Method::PUT, &url, &committee, Some(e.clone()))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            env.api(Method::DELETE, &url, &committee, None).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            env.api(Method::GET, &url, &committee, None).await.status,
            StatusCode::OK
        );
        let auditor = env.token_for("auditor.pingtung").await;
        assert_eq!(
            env.api(Method::GET, &url, &auditor, None).await.status,
            StatusCode::OK
        );

        // the page of the risk, its edit form and delete form
        let s = env.login("officer.police", PASSWORD).await;
        let page = env
            .request(Method::GET, &format!("/risks/{id}"), &s.headers(), None)
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("id=\"risk-edit-form\"") && html.contains("id=\"risk-delete-form\""));
        assert!(
            html.contains("<option value=\"treating\" selected>"),
            "{html}"
        );
        assert!(html.contains("民國116年3月31日"), "ROC date");
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let body = form(&[
            ("_csrf", s.csrf.as_str()),
            ("system_id", ""),
            ("asset", "報案系統資料庫"),
            ("threat", "勒索軟體"),
            ("weakness", "備份未離線"),
            ("asset_value", "2"),
            ("likelihood", "1"),
            ("vulnerability", "3"),
            ("threshold", ""),
            ("treatment", "accept"),
            ("owner", "林怡君"),
            ("due_on", ""),
            ("residual_likelihood", ""),
            ("residual_vulnerability", ""),
            ("status", "closed"),
        ]);
        let r = env
            .request(
                Method::POST,
                &format!("/risks/{id}"),
                &h,
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(
            r.location(),
            Some(format!("/risks/{id}?ok=risk_edit.saved").as_str())
        );
        let x = env.api(Method::GET, &url, &officer, None).await.json();
        assert_eq!(
            (
                x["risk_value"].as_i64(),
                x["threshold"].as_i64(),
                x["status"].as_str(),
                x["weakness"].as_str()
            ),
            (Some(6), Some(6), Some("closed"), Some("備份未離線"))
        );
        assert!(x["residual_value"].is_null());
        // the health officer's session cannot edit or delete it
        let hs = env.login("officer.health", PASSWORD).await;
        let mut hh = hs.headers();
        hh.push(("content-type", "application/x-www-form-urlencoded"));
        assert_eq!(
            env.request(Method::GET, &format!("/risks/{id}"), &hs.headers(), None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let hbody = String::from_utf8(body)
            .unwrap()
            .replace(&pct(&s.csrf), &pct(&hs.csrf));
        assert_eq!(
            env.request(
                Method::POST,
                &format!("/risks/{id}"),
                &hh,
                Some(hbody.into_bytes())
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        let del = format!("_csrf={}", pct(&hs.csrf)).into_bytes();
        assert_eq!(
            env.request(Method::POST, &format!("/risks/{id}/delete"), &hh, Some(del))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            env.api(Method::GET, &url, &officer, None).await.status,
            StatusCode::OK
        );
        // the officer deletes it through the page
        let del = format!("_csrf={}", pct(&s.csrf)).into_bytes();
        let r = env
            .request(Method::POST, &format!("/risks/{id}/delete"), &h, Some(del))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(
            r.location(),
            Some(format!("/orgs/{pol}/risks?ok=risk_edit.deleted").as_str())
        );
        assert_eq!(
            env.api(Method::GET, &url, &officer, None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            env.api(Method::DELETE, &url, &officer, None).await.status,
            StatusCode::NOT_FOUND
        );
        // and through the API
        let r = env
            .api(
                Method::POST,
                &format!("/api/v1/orgs/{pol}/risks"),
                &officer,
                Some(risk("官網", 1, 1, 1)),
            )
            .await;
        let id2 = r.json()["id"].as_str().unwrap().to_string();
        assert_eq!(
            env.api(
                Method::DELETE,
                &format!("/api/v1/risks/{id2}"),
                &officer,
                None
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        let reg = env
            .api(
                Method::GET,
                &format!("/api/v1/orgs/{pol}/risks"),
                &officer,
                None,
            )
            .await
            .json();
        assert!(reg["items"].as_array().unwrap().is_empty());
        // every change is in the audit trail, the deletion with what was deleted
        let actions = audit_actions(&env, "risk.").await;
        assert_eq!(
            actions.iter().filter(|a| *a == "risk.updated").count(),
            3,
            "{actions:?}"
        );
        assert_eq!(
            actions.iter().filter(|a| *a == "risk.deleted").count(),
            2,
            "{actions:?}"
        );
        let admin = env.token_for("admin").await;
        let a = env
            .api(
                Method::GET,
                "/api/v1/audit?action=risk.deleted&limit=10",
                &admin,
                None,
            )
            .await
            .json();
        assert!(a.to_string().contains("報案系統資料庫"), "{a}");
        let rep = env.app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        assert!(rep.broken.is_none(), "{rep:?}");
    }

    async fn systems_are_edited_and_archived_never_deleted(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let health = env.token_for("officer.health").await;
        let pol = env.org("PIF-POL").await;
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/systems"), &officer, Some(json!({"name": "警政報案系統", "owner": "資訊室", "description": "受理報案"}))).await;
        let sys = r.json()["id"].as_str().unwrap().to_string();
        let url = format!("/api/v1/systems/{sys}");
        let r = env.api(Method::PUT, &url, &officer, Some(json!({"name": "警政e化報案系統", "owner": "資訊室 黃俊傑", "description": "受理民眾報案與案件管理"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let d = env.api(Method::GET, &url, &officer, None).await.json();
        assert_eq!((d["system"]["name"].as_str(), d["system"]["owner"].as_str()), (Some("警政e化報案系統"), Some("資訊室 黃俊傑")));
        let r = env.api(Method::PUT, &url, &officer, Some(json!({"name": " ", "owner": "x"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(env.api(Method::PUT, &url, &health, Some(json!({"name": "x", "owner": "y"}))).await.status, StatusCode::NOT_FOUND);
        // a risk linked to it
        let mut b = risk("報案資料", 2, 2, 2);
        b["system_id"] = json!(sys);
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/risks"), &officer, Some(b.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let rid = r.json()["id"].as_str().unwrap().to_string();

        // outsiders cannot archive it
        assert_eq!(env.api(Method::POST, &format!("{url}/archive"), &health, None).await.status, StatusCode::NOT_FOUND);
        let r = env.api(Method::POST, &format!("{url}/archive"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.json()["archived_at"].is_i64());
        // hidden from the list by default, shown with the filter; kept with its risk
        let list = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/systems"), &officer, None).await.json();
        assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
        let list = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/systems?archived=true"), &officer, None).await.json();
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert_eq!(env.api(Method::GET, &format!("/api/v1/orgs/{pol}/systems?archived=maybe"), &officer, None).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(env.api(Method::GET, &url, &officer, None).await.status, StatusCode::OK);
        assert_eq!(env.api(Method::GET, &format!("/api/v1/risks/{rid}"), &officer, None).await.json()["system_id"], json!(sys));
        // a new risk cannot link an archived system; the linked one stays editable
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/risks"), &officer, Some(b.clone())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], "system_id");
        assert_eq!(env.api(Method::PUT, &format!("/api/v1/risks/{rid}"), &officer, Some(b.clone())).await.status, StatusCode::OK);
        // pages: hidden, then shown with the filter and a badge
        let s = env.login("officer.police", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/orgs/{pol}/systems"), &s.headers(), None).await.text();
        assert!(!html.contains("警政e化報案系統"));
        let html = env.request(Method::GET, &format!("/orgs/{pol}/systems?archived=true"), &s.headers(), None).await.text();
        assert!(html.contains("警政e化報案系統") && html.contains("data-archived=\"true\""));
        let html = env.request(Method::GET, &format!("/systems/{sys}"), &s.headers(), None).await.text();
        assert!(html.contains("id=\"archived-badge\"") && html.contains("id=\"system-restore-form\""));
        // restored through the page form
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let r = env.request(Method::POST, &format!("/systems/{sys}/restore"), &h, Some(format!("_csrf={}", pct(&s.csrf)).into_bytes())).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let list = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/systems"), &officer, None).await.json();
        assert_eq!(list["items"][0]["archived_at"], Value::Null);
        // edited and archived through the page forms; another bureau's session gets 404
        let body = form(&[("_csrf", s.csrf.as_str()), ("name", "報案系統"), ("owner", "林怡君"), ("description", "")]);
        let r = env.request(Method::POST, &format!("/systems/{sys}"), &h, Some(body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(env.api(Method::GET, &url, &officer, None).await.json()["system"]["name"], "報案系統");
        let hs = env.login("officer.health", PASSWORD).await;
        let mut hh = hs.headers();
        hh.push(("content-type", "application/x-www-form-urlencoded"));
        let r = env.request(Method::POST, &format!("/systems/{sys}/archive"), &hh, Some(format!("_csrf={}", pct(&hs.csrf)).into_bytes())).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = env.request(Method::POST, &format!("/systems/{sys}/archive"), &h, Some(format!("_csrf={}", pct(&s.csrf)).into_bytes())).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), Some(format!("/orgs/{pol}/systems?ok=systems_edit.archived").as_str()));
        let actions = audit_actions(&env, "system.").await;
        for a in ["system.updated", "system.archived", "system.restored"] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
    }

    async fn csv_exports_of_the_register_and_the_statement_of_applicability(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let health = env.token_for("officer.health").await;
        let pol = env.org("PIF-POL").await;
        let url = format!("/api/v1/orgs/{pol}/risks");
        let sys = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/systems"), &officer, Some(json!({"name": "勤務指揮系統", "owner": "資訊室"}))).await.json()["id"].as_str().unwrap().to_string();
        let mut a = risk("報案系統, \"主機\"", 3, 3, 2);
        a["system_id"] = json!(sys);
        a["treatment"] = json!("mitigate");
        a["due_on"] = json!("2027-01-31");
        a["residual_likelihood"] = json!(1);
        a["residual_vulnerability"] = json!(1);
        assert_eq!(env.api(Method::POST, &url, &officer, Some(a)).await.status, StatusCode::CREATED);
        let mut b = risk("=HYPERLINK(\"http://x\")", 1, 1, 2);
        b["weakness"] = json!("多行\n說明");
        assert_eq!(env.api(Method::POST, &url, &officer, Some(b)).await.status, StatusCode::CREATED);

        let (header, rows) = parse_csv(&env.api(Method::GET, &format!("/api/v1/orgs/{pol}/risks.csv"), &officer, None).await);
        assert_eq!(header[0], "編號");
        assert_eq!(rows.len(), 2);
        let c = |n: &str| col(&header, n);
        // highest risk first, as in the register
        let r0 = &rows[0];
        assert_eq!(r0[c("資產")], "報案系統, \"主機\"");
        assert_eq!(r0[c("相關資通系統")], "勤務指揮系統");
        assert_eq!((r0[c("資產價值")].as_str(), r0[c("威脅發生可能性")].as_str(), r0[c("風險值")].as_str()), ("3", "3", "18"));
        assert_eq!((r0[c("風險等級")].as_str(), r0[c("處理方式")].as_str(), r0[c("處理期限")].as_str(), r0[c("殘餘風險")].as_str()), ("高", "降低", "2027-01-31", "3"));
        assert_eq!((r0[c("狀態")].as_str(), r0[c("超出量表")].as_str()), ("待處理", "否"));
        let reg = env.api(Method::GET, &url, &officer, None).await.json();
        assert_eq!(r0[c("編號")], reg["items"][0]["id"].as_str().unwrap());
        // a spreadsheet formula is neutralised; line breaks survive quoting
        let r1 = &rows[1];
        assert_eq!(r1[c("資產")], "'=HYPERLINK(\"http://x\")");
        assert_eq!(r1[c("脆弱性利用難易度")], "2");
        assert_eq!(r1[c("脆弱點")], "多行\n說明");
        // the register's filters apply; English headers for an English caller
        let (_, rows) = parse_csv(&env.api(Method::GET, &format!("/api/v1/orgs/{pol}/risks.csv?treatment=accept"), &officer, None).await);
        assert_eq!(rows.len(), 1);
        let s = env.login("committee.police", PASSWORD).await;
        let en = env.request(Method::PUT, "/api/v1/me/locale", &[("cookie", s.cookie.as_str()), ("x-csrf-token", s.csrf.as_str()), ("content-type", "application/json")], Some(br#"{"locale":"en"}"#.to_vec())).await;
        assert!(en.status.is_success(), "{}", en.text());
        let (header, rows) = parse_csv(&env.request(Method::GET, &format!("/api/v1/orgs/{pol}/risks.csv"), &s.headers(), None).await);
        assert_eq!(header[0], "ID");
        assert_eq!(rows[0][col(&header, "Risk level")], "high");
        // outsiders get the API's 404
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/risks.csv"), &health, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!r.body.starts_with(BOM));

        // the simple list is a second view of the same risks, linking to the CSV
        let zs = env.login("ciso.police", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/orgs/{pol}/risks?view=simple"), &zs.headers(), None).await.text();
        assert!(html.contains("id=\"risks-simple\"") && !html.contains("id=\"risks\""));
        assert_eq!(html.matches("<tr data-id=").count(), 2);
        assert!(html.contains("簡易風險清單") && html.contains("id=\"risks-csv\""));
        // each risk by its number (R-2026-001)
        let n0 = reg["items"][0]["number"].as_str().unwrap();
        assert!(n0.starts_with("R-2026-"), "{n0}");
        assert!(html.contains(n0));
        let html = env.request(Method::GET, &format!("/orgs/{pol}/risks?view=simple&treatment=accept"), &zs.headers(), None).await.text();
        assert_eq!(html.matches("<tr data-id=").count(), 1);
        assert!(html.contains("risks.csv?treatment=accept"));

        // the statement of applicability: one line per control in force
        let q = env.app.questionnaire().unwrap();
        let answers: serde_json::Map<String, Value> = q.questions.iter().map(|x| (x.id.clone(), json!(x.options.first().unwrap().id))).collect();
        let r = env.api(Method::POST, &format!("/api/v1/systems/{sys}/grading"), &officer, Some(json!({"answers": answers, "assessor": "林怡君", "approver": "陳建宏"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let d = env.api(Method::GET, &format!("/api/v1/systems/{sys}"), &officer, None).await.json();
        let soa = d["soa"].as_array().unwrap();
        let ctl = d["baseline"][0].as_str().unwrap().to_string();
        let na = d["baseline"][1].as_str().unwrap().to_string();
        assert_eq!(env.api(Method::PUT, &format!("/api/v1/systems/{sys}/controls/{ctl}"), &officer, Some(json!({"status": "implemented", "owner": "黃俊傑", "evidence": "設定截圖, v2"}))).await.status, StatusCode::OK);
        assert_eq!(env.api(Method::PUT, &format!("/api/v1/systems/{sys}/controls/{na}"), &officer, Some(json!({"status": "not_applicable", "owner": "黃俊傑", "na_reason": "系統無此功能"}))).await.status, StatusCode::OK);
        let (header, rows) = parse_csv(&env.api(Method::GET, &format!("/api/v1/systems/{sys}/soa.csv"), &officer, None).await);
        assert_eq!(rows.len(), soa.len());
        let c = |n: &str| col(&header, n);
        let ids: Vec<&str> = rows.iter().map(|r| r[c("控制措施")].as_str()).collect();
        let json_ids: Vec<&str> = soa.iter().map(|r| r["control_id"].as_str().unwrap()).collect();
        assert_eq!(ids, json_ids);
        let row = |id: &str| rows.iter().find(|r| r[c("控制措施")] == id).unwrap().clone();
        let r = row(&ctl);
        assert_eq!((r[c("系統名稱")].as_str(), r[c("等級要求")].as_str(), r[c("適用")].as_str()), ("勤務指揮系統", "是", "是"));
        assert_eq!((r[c("辦理情形")].as_str(), r[c("負責人")].as_str(), r[c("佐證")].as_str()), ("已實施", "黃俊傑", "設定截圖, v2"));
        assert_eq!(r[c("內容")], soa.iter().find(|x| x["control_id"] == ctl.as_str()).unwrap()["title_zh"].as_str().unwrap());
        let r = row(&na);
        assert_eq!((r[c("適用")].as_str(), r[c("辦理情形")].as_str(), r[c("不適用理由")].as_str()), ("否", "不適用", "系統無此功能"));
        let not_required: Vec<_> = rows.iter().filter(|r| r[c("等級要求")] == "否").collect();
        assert_eq!(not_required.len(), soa.iter().filter(|x| x["required"] == false).count());
        assert!(!not_required.is_empty() && not_required.iter().all(|r| r[c("不適用理由")] == "非本系統防護需求等級要求" && r[c("適用")] == "否"));
        // linked from the system page; outsiders get 404
        let html = env.request(Method::GET, &format!("/systems/{sys}"), &zs.headers(), None).await.text();
        assert!(html.contains(&format!("href=\"/api/v1/systems/{sys}/soa.csv\"")));
        assert_eq!(env.api(Method::GET, &format!("/api/v1/systems/{sys}/soa.csv"), &health, None).await.status, StatusCode::NOT_FOUND);
    }

    async fn risks_left_above_the_scale_by_a_move_are_flagged_not_altered(env: TestEnv) {
        let admin = env.token_for("admin").await;
        let (pen, fire, pif) = (
            env.org("PEN").await,
            env.org("PEN-FIRE").await,
            env.org("PIF").await,
        );
        let r = env
            .api(
                Method::PUT,
                &format!("/api/v1/orgs/{pen}/risk-settings"),
                &admin,
                Some(json!({"scale_max": 5})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env
            .api(
                Method::POST,
                &format!("/api/v1/orgs/{fire}/risks"),
                &admin,
                Some(risk("消防派遣系統", 5, 4, 2)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_str().unwrap().to_string();
        // moved under a county on the default 1–3 scale
        let r = env
            .api(
                Method::POST,
                &format!("/api/v1/orgs/{fire}/move"),
                &admin,
                Some(json!({"parent_id": pif})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let reg = env
            .api(
                Method::GET,
                &format!("/api/v1/orgs/{fire}/risks"),
                &admin,
                None,
            )
            .await
            .json();
        assert_eq!(reg["settings"]["max_value"], 27);
        assert_eq!(reg["out_of_scale"], 1);
        let x = &reg["items"][0];
        assert_eq!(
            (
                x["id"].as_str(),
                x["out_of_scale"].as_bool(),
                x["risk_value"].as_i64(),
                x["asset_value"].as_i64()
            ),
            (Some(id.as_str()), Some(true), Some(40), Some(5))
        );
        assert_eq!(x["band_en"], "high");
        let cells: u64 = reg["heat_maps"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| {
                m["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|r| r.as_array().unwrap().iter())
            })
            .map(|c| c["count"].as_u64().unwrap())
            .sum();
        assert_eq!(cells, 0, "left out of the heat map");
        let s = env.login("admin", PASSWORD).await;
        let html = env
            .request(
                Method::GET,
                &format!("/orgs/{fire}/risks"),
                &s.headers(),
                None,
            )
            .await
            .text();
        assert!(
            html.contains("id=\"out-of-scale\"") && html.contains("data-out-of-scale=\"true\"")
        );
        // editing it onto the scale clears the flag
        let r = env
            .api(
                Method::PUT,
                &format!("/api/v1/risks/{id}"),
                &admin,
                Some(risk("消防派遣系統", 3, 3, 2)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["out_of_scale"], false);
    }
}
