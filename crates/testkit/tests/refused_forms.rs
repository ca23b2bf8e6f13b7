//! A refused page form comes back to its page with what was typed, the
//! message next to the field and a summary naming the field by its label
//! (crates/web/src/refill.rs), on both databases. The browser walk of every
//! page form is in `refused_forms_browser.rs`.

use axum::http::{Method, StatusCode};
use zian_testkit::{PASSWORD, Session, TestEnv, backend_tests};

const HOST: &str = "zian.test";

/// Posts a page form as a browser on `page` would (Host and Referer).
async fn post_from(
    env: &TestEnv,
    s: &Session,
    page: Option<&str>,
    action: &str,
    fields: &[(&str, &str)],
) -> zian_testkit::Resp {
    let mut pairs: Vec<(&str, &str)> = vec![("_csrf", s.csrf.as_str())];
    pairs.extend_from_slice(fields);
    let body = serde_urlencoded::to_string(&pairs).expect("form body");
    let referer = page.map(|p| format!("http://{HOST}{p}"));
    let mut h = vec![
        ("cookie", s.cookie.as_str()),
        ("content-type", "application/x-www-form-urlencoded"),
        ("host", HOST),
    ];
    if let Some(r) = &referer {
        h.push(("referer", r.as_str()));
    }
    env.request(Method::POST, action, &h, Some(body.into_bytes()))
        .await
}

async fn get(env: &TestEnv, s: &Session, path: &str) -> zian_testkit::Resp {
    env.request(
        Method::GET,
        path,
        &[("cookie", s.cookie.as_str()), ("host", HOST)],
        None,
    )
    .await
}

const RISK: &[(&str, &str)] = &[
    ("asset", "戶役政連線主機〈測試〉"),
    ("threat", "勒索軟體"),
    ("weakness", "未修補"),
    ("asset_value", "9"),
    ("likelihood", "2"),
    ("vulnerability", "2"),
    ("treatment", "mitigate"),
    ("owner", "資訊室"),
];

backend_tests! {
    async fn a_refused_form_comes_back_to_its_page_with_what_was_typed(env: TestEnv) {
        let s = env.login("officer.police", PASSWORD).await;
        let pol = env.org("PIF-POL").await;
        let page = format!("/orgs/{pol}/risks");
        let action = format!("/orgs/{pol}/risks");
        let r = post_from(&env, &s, Some(&page), &action, RISK).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), Some(page.as_str()));

        let html = get(&env, &s, &page).await.text();
        // the summary names the field by its label on the page, not by
        // its internal name, in Chinese
        let refused = html.split("id=\"refused\"").nth(1).expect("summary").split("</div>").next().unwrap().to_string();
        assert!(refused.contains("尚未儲存"), "{refused}");
        assert!(!refused.contains("asset_value"), "{refused}");
        assert!(refused.contains("資產價值"), "{refused}");
        // what was typed is back in the form, the message next to the field
        assert!(html.contains("value=\"戶役政連線主機〈測試〉\""), "asset kept");
        assert!(html.contains("value=\"勒索軟體\""), "threat kept");
        let field = html.split("name=\"asset_value\"").nth(1).expect("asset_value input");
        assert!(field.starts_with(' ') || field.starts_with('>'));
        let tail: String = field.chars().take(400).collect();
        // (a select: 9 is not among its options, so none is chosen)
        assert!(!tail.split("</select>").next().unwrap().contains("selected"), "{tail}");
        assert!(tail.contains("aria-invalid=\"true\""), "{tail}");
        assert!(tail.contains("class=\"field-error\""), "{tail}");
        // nothing was saved
        let csv = get(&env, &s, &format!("/api/v1/orgs/{pol}/risks.csv")).await.text();
        assert!(!csv.contains("〈測試〉"));

        // taken once: the next visit is the plain page
        let again = get(&env, &s, &page).await.text();
        assert!(!again.contains("id=\"refused\""));
        assert!(!again.contains("〈測試〉"));
    }

    async fn a_refill_is_for_its_own_session_and_only_from_our_own_pages(env: TestEnv) {
        let s = env.login("officer.police", PASSWORD).await;
        let other = env.login("officer.police", PASSWORD).await;
        let pol = env.org("PIF-POL").await;
        let page = format!("/orgs/{pol}/risks");
        let r = post_from(&env, &s, Some(&page), &page, RISK).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let seen_by_other = get(&env, &other, &page).await.text();
        assert!(!seen_by_other.contains("〈測試〉"), "another session sees nothing");
        assert!(get(&env, &s, &page).await.text().contains("〈測試〉"));

        // no Referer (a script): the error page, in Chinese, as before
        let r = post_from(&env, &s, None, &page, RISK).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("資產價值"), "{}", r.text());
        // a Referer from another site is not followed
        let mut h = vec![
            ("cookie", s.cookie.as_str()),
            ("content-type", "application/x-www-form-urlencoded"),
            ("host", HOST),
            ("referer", "http://evil.example/phish"),
        ];
        let body = serde_urlencoded::to_string([("_csrf", s.csrf.as_str()), ("asset_value", "9")]).unwrap();
        let r = env.request(Method::POST, &page, &h, Some(body.clone().into_bytes())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // a refusal that is not about the input (another agency's register)
        // keeps its error page
        let khh = env.org("KHH").await;
        let theirs = format!("/orgs/{khh}/risks");
        h.retain(|(k, _)| *k != "referer");
        let referer = format!("http://{HOST}{page}");
        h.push(("referer", referer.as_str()));
        let r = env.request(Method::POST, &theirs, &h, Some(body.into_bytes())).await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
    }

    async fn passwords_are_never_written_back(env: TestEnv) {
        let s = env.login("officer.police", PASSWORD).await;
        let page = "/account/password";
        let r = post_from(
            &env,
            &s,
            Some(page),
            page,
            &[
                ("current_password", PASSWORD),
                ("new_password", "short7x"),
                ("confirm_password", "short7x"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let html = get(&env, &s, page).await.text();
        assert!(html.contains("id=\"refused\""), "{html}");
        assert!(!html.contains("short7x"), "the new password is not echoed");
        assert!(!html.contains(PASSWORD), "the current password is not echoed");
        // the policy message sits next to the new-password field
        let field = html.split("name=\"new_password\"").nth(1).expect("field");
        let tail: String = field.chars().take(600).collect();
        assert!(tail.contains("field-error"), "{tail}");
    }
}
