//! Evidence files on every backend: upload through the API (base64) and the
//! page (multipart), SHA-256 kept and checked, download as an attachment,
//! completion linked to a file, size and scope limits.

use axum::http::{Method, StatusCode};
use data_encoding::BASE64;
use serde_json::json;
use sha2::{Digest, Sha256};
use zian_testkit::{PASSWORD, TestEnv, backend_tests};

fn sha(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

async fn upload(
    env: &TestEnv,
    token: &str,
    org: &str,
    name: &str,
    bytes: &[u8],
) -> zian_testkit::Resp {
    env.api(
        Method::POST,
        &format!("/api/v1/orgs/{org}/evidence"),
        token,
        Some(json!({"filename": name, "content_type": "application/pdf", "content_base64": BASE64.encode(bytes)})),
    )
    .await
}

backend_tests! {
    async fn upload_hash_download_and_link_to_a_completion(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        // a realistic PDF-sized payload with every byte value (after the
        // PDF signature: the content must match the extension)
        let mut bytes: Vec<u8> = b"%PDF-1.7\n".to_vec();
        bytes.extend((9..300_000u32).map(|i| (i % 251) as u8));
        let r = upload(&env, &officer, &pol, "../稽核結果及改善報告.pdf", &bytes).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let f = r.json();
        assert_eq!(f["sha256"], sha(&bytes));
        assert_eq!(f["filename"], "稽核結果及改善報告.pdf");
        assert_eq!(f["size_bytes"], 300_000);
        let id = f["id"].as_str().unwrap().to_string();

        // download: the same bytes, as an attachment, never sniffed
        let r = env.api(Method::GET, &format!("/api/v1/evidence/{id}"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body, bytes);
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        assert_eq!(r.headers["content-type"], "application/pdf");
        assert!(r.headers["content-disposition"].to_str().unwrap().starts_with("attachment;"));
        assert_eq!(r.headers["x-evidence-sha256"].to_str().unwrap(), sha(&bytes));

        // a completion proved by the file: link and hash come from it
        let obs = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &officer, None).await.json();
        let rule = obs["obligations"].as_array().unwrap().iter()
            .find(|o| o["status"] == "overdue" && o["frequency"] != "once").unwrap()["id"].as_str().unwrap().to_string();
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &officer,
            Some(json!({"rule_id": rule, "note": "內部稽核已完成", "evidence_id": id}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let c = r.json();
        assert_eq!(c["evidence_link"], json!(format!("/evidence/{id}")));
        assert_eq!(c["evidence_sha256"], sha(&bytes));
        // a hash that disagrees with the file is refused
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &officer,
            Some(json!({"rule_id": rule, "note": "x", "evidence_id": id, "evidence_sha256": "0".repeat(64)}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // another bureau's file cannot prove this bureau's completion, nor be read
        let health = env.token_for("officer.health").await;
        let hlt = env.org("PIF-HLT").await;
        let other = upload(&env, &health, &hlt, "衛生局.pdf", b"%PDF-1.7 health").await.json();
        let oid = other["id"].as_str().unwrap();
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &officer,
            Some(json!({"rule_id": rule, "note": "x", "evidence_id": oid}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = env.api(Method::GET, &format!("/api/v1/evidence/{oid}"), &officer, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = upload(&env, &officer, &hlt, "x.pdf", b"x").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // limits: empty, not base64, over 10 MiB
        assert_eq!(upload(&env, &officer, &pol, "e.pdf", b"").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/evidence"), &officer,
            Some(json!({"filename": "a", "content_base64": "***"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let big = vec![7u8; 10 * 1024 * 1024 + 1];
        let r = upload(&env, &officer, &pol, "big.bin", &big).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text().chars().take(200).collect::<String>());
        let list = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/evidence"), &officer, None).await.json();
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
    }

    async fn page_upload_is_multipart_and_checks_csrf(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let s = env.login("officer.police", PASSWORD).await;
        let boundary = "zianBOUNDARY42";
        let body = |csrf: &str| {
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"演練紀錄.txt\"\r\nContent-Type: text/plain\r\n\r\n演練紀錄：社交工程演練\r\n--{boundary}--\r\n"
            )
            .into_bytes()
        };
        let ct = format!("multipart/form-data; boundary={boundary}");
        let h = [("cookie", s.cookie.as_str()), ("content-type", ct.as_str())];
        let r = env.request(Method::POST, &format!("/orgs/{pol}/evidence"), &h, Some(body("wrong"))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = env.request(Method::POST, &format!("/orgs/{pol}/evidence"), &h, Some(body(&s.csrf))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = env.request(Method::GET, &format!("/orgs/{pol}/compliance"), &[("cookie", s.cookie.as_str())], None).await;
        let html = page.text();
        assert!(html.contains("演練紀錄.txt"), "listed and selectable");
        assert!(html.contains(&sha("演練紀錄：社交工程演練".as_bytes())));
        // outsiders get the not-found answer before the body is read
        let other = env.login("officer.health", PASSWORD).await;
        let r = env
            .request(Method::POST, &format!("/orgs/{pol}/evidence"),
                &[("cookie", other.cookie.as_str()), ("content-type", "text/plain")], Some(b"junk".to_vec()))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}
