//! One rule for NUL (U+0000) on both databases: text holding it is refused by
//! the application as invalid input (422, `validation`, the field named), so
//! SQLite never keeps what PostgreSQL could not store, and an SQLite archive
//! always restores into PostgreSQL. Before the rule, SQLite stored such
//! text, and PostgreSQL refused it (or failed with a 500) depending on the path.

use axum::http::{Method, StatusCode};
use data_encoding::BASE64;
use serde_json::json;
use zian_app::AppError;
use zian_testkit::backend_tests;

backend_tests! {
    async fn nul_in_text_is_refused_alike_on_both_backends(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let cases = [
            (format!("/api/v1/orgs/{pol}/systems"), json!({"name": "公文\u{0}系統", "owner": "資訊處"}), "name"),
            (format!("/api/v1/orgs/{pol}/evidence"), json!({"filename": "報告\u{0}.pdf", "content_base64": BASE64.encode(b"%PDF")}), "filename"),
        ];
        for (uri, body, field) in cases {
            let r = env.api(Method::POST, &uri, &officer, Some(body)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri} [{:?}]: {}", env.backend, r.text());
            let e = r.json();
            assert_eq!(e["error"]["code"], "validation", "{uri}: {e}");
            assert_eq!(e["error"]["field"], field, "{uri}: {e}");
            assert!(e["error"]["message"].as_str().unwrap().contains("控制字元"), "{uri}: {e}");
        }
        // nothing was stored
        let list = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/evidence"), &officer, None).await.json();
        assert_eq!(list["items"].as_array().unwrap().len(), 0);

        // inputs checked by hand before the rule: a deputy's reason, an API
        // token's name, risk scale labels
        let admin = env.principal("admin").await;
        let pif = env.org("PIF").await;
        let e = env.app.set_risk_settings(&admin, &pif, zian_app::risk::RiskSettingsInput {
            scale_max: Some(3),
            likelihood_labels_zh: ["低", "中\u{0}", "高"].map(String::from).to_vec(),
            ..Default::default()
        }).await.unwrap_err();
        assert!(matches!(&e, AppError::Validation { field, .. } if field == "likelihood_labels_zh"), "{e:?}");
        let e = env.app.create_token(&admin, "權杖\u{0}", &pif, &[zian_domain::Permission::RecordRead], None, false).await.unwrap_err();
        assert!(matches!(&e, AppError::Validation { field, .. } if field == "name"), "{e:?}");
        let e = env.app.create_deputy(&admin, zian_app::users::DeputyInput {
            principal_user_id: env.user_id("officer.police").await,
            deputy_user_id: env.user_id("officer.health").await,
            org_id: pol.clone(),
            role: zian_domain::Role::SecurityOfficer,
            starts_at: env.clock.unix(),
            ends_at: env.clock.unix() + 86_400,
            reason: "休假\u{0}".into(),
        }).await.unwrap_err();
        assert!(matches!(&e, AppError::Validation { field, .. } if field == "reason"), "{e:?}");
    }
}
