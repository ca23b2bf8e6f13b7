//! Incident assessment in the platform, on every backend: the level of
//! art. 2 and the legal clocks for what an officer enters (Taipei local
//! times as a form gives them, or RFC 3339), refusals with the field named,
//! and the page with each deadline and the time left.

use axum::http::{Method, StatusCode};
use serde_json::json;
use zian_testkit::{PASSWORD, TestEnv, backend_tests};

/// 2026-11-21 09:00 Asia/Taipei: the demo's clock.
const NOW: i64 = 1_795_222_800;

backend_tests! {
    async fn an_officer_gets_the_level_and_every_legal_clock(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        assert_eq!(env.clock.unix(), NOW);
        let tok = env.token_for("officer.police").await;
        // aware at 08:30 of a serious leak of core business information:
        // level 3 (major); notified at 09:10, recovered at 09:00 the next day
        let r = env.api(Method::POST, "/api/v1/incidents/assess", &tok, Some(json!({
            "aware_at": "2026-11-21T08:30", "asset": "core", "confidentiality": "serious",
            "integrity": "none", "availability": "none", "notified_at": "2026-11-21T09:10",
            "recovered_at": "2026-11-22T09:00",
        }))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let a = r.json();
        assert_eq!((a["level"].as_u64(), a["major"].as_bool()), (Some(3), Some(true)));
        // 1 h, 2 h after notifying (level 3), 36 h after awareness
        assert_eq!(a["notify_by"], NOW + 1800);
        assert_eq!(a["review_by"], NOW + 600 + 7200);
        assert_eq!(a["recover_by"], NOW - 1800 + 36 * 3600);
        // recovered 11/22 → counted from 11/23 → ends 12/22 (a Tuesday), end of day
        assert_eq!(a["report_by"], NOW + 31 * 86_400 + 14 * 3600 + 59 * 60 + 59);
        assert_eq!((a["rules_version"].as_str(), a["calendar_known"].as_bool()), (Some("2026-01-05"), Some(true)));

        // RFC 3339 in UTC, a level 1 not yet notified: no review clock yet
        let r = env.api(Method::POST, "/api/v1/incidents/assess", &tok, Some(json!({
            "aware_at": "2026-11-21T00:00:00Z", "asset": "non_core", "confidentiality": "none",
            "integrity": "minor", "availability": "within_mtd",
        }))).await.json();
        assert_eq!((r["level"].as_u64(), r["review_by"].is_null(), r["report_by"].is_null()), (Some(1), true, true));
        assert_eq!(r["recover_by"], NOW - 3600 + 72 * 3600);

        // refusals name the field
        for (body, field) in [
            (json!({"aware_at": "2026-11-21T08:30", "asset": "server", "confidentiality": "none", "integrity": "none", "availability": "none"}), "asset"),
            (json!({"aware_at": "yesterday", "asset": "core", "confidentiality": "none", "integrity": "none", "availability": "none"}), "aware_at"),
            (json!({"aware_at": "2026-11-21T08:30", "asset": "core", "confidentiality": "none", "integrity": "none", "availability": "none", "notified_at": "2026-11-21T08:00"}), "notified_at"),
            (json!({"aware_at": "2026-11-23T08:30", "asset": "core", "confidentiality": "none", "integrity": "none", "availability": "none"}), "aware_at"),
            (json!({"aware_at": "2018-06-01T08:30", "asset": "core", "confidentiality": "none", "integrity": "none", "availability": "none"}), "aware_at"),
        ] {
            let r = env.api(Method::POST, "/api/v1/incidents/assess", &tok, Some(body.clone())).await;
            assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{body}: {}", r.text());
        }
        let r = env.request(Method::POST, "/api/v1/incidents/assess", &[("content-type", "application/json")], Some(b"{}".to_vec())).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);

        // the page: the level, each deadline with the time left
        let s = env.login("officer.police", PASSWORD).await;
        let html = env.request(Method::GET, "/incidents/assess?aware_at=2026-11-21T08%3A30&asset=core_ci&confidentiality=none&integrity=none&availability=beyond_mtd&notified_at=&recovered_at=", &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("data-level=\"4\"") && html.contains("第四級資通安全事件") && html.contains("重大資通安全事件"), "{html}");
        assert!(html.contains("id=\"clock-notify\"") && html.contains("剩 0 小時 30 分"), "{html}");
        assert!(html.contains("通報後起算") && html.contains("id=\"nav-incidents\""), "{html}");
        let html = env.request(Method::GET, "/incidents/assess?aware_at=2026-11-21T08%3A30&asset=core&confidentiality=huge&integrity=none&availability=none", &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("id=\"assess-error\"") && html.contains("機密性"), "{html}");
    }
}
