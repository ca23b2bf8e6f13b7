//! Every page form, walked in headless Chromium with one bad value each:
//! the refused form comes back on its page with the value kept, the
//! message next to the field in Chinese, and a summary naming the field by
//! the label the user sees (never its internal name). A form found on a
//! page that is neither listed here with a bad value nor listed as a plain
//! button fails the test, so a new form cannot skip this.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};
use zian_testkit::browser::{Browser, BrowserError};
use zian_testkit::{Backend, PASSWORD, TestEnv};

const T: Duration = Duration::from_secs(10);

/// One bad value per form: the form's action (ids as `{id}`), the field
/// and the value.
const BAD: &[(&str, &str, &str)] = &[
    ("/orgs", "name_zh", ""),
    ("/orgs/{id}", "name_zh", ""),
    ("/orgs/{id}/move", "parent_id", "not-an-id"),
    ("/users", "username", "a!"),
    ("/users/{id}", "email", "not-an-address"),
    ("/users/{id}/password", "password", "short"),
    ("/users/{id}/roles", "valid_until", "2020-13-45"),
    ("/deputies", "starts_on", "2026-13-01"),
    ("/tokens", "name", ""),
    ("/account/password", "new_password", "short7x"),
    ("/account/mfa/confirm", "code", "12"),
    ("/account/mfa/disable", "password", "wrong-password"),
    ("/orgs/{id}/compliance/complete", "completed_on", "2026-02-30"),
    ("/orgs/{id}/compliance/override", "deadline_months", "many"),
    ("/overrides/{id}/approve", "reason", ""),
    ("/overrides/{id}/reject", "reason", ""),
    ("/overrides/{id}/revoke", "reason", ""),
    ("/orgs/{id}/plan", "start", "someday"),
    ("/orgs/{id}/kpis", "value", "many"),
    ("/plans/{id}/approve", "approved_on", "2026-02-30"),
    ("/plans/{id}/return", "reason", ""),
    ("/orgs/{id}/risks", "likelihood", "7"),
    ("/orgs/{id}/risk-settings", "threshold", "99"),
    ("/risks/{id}", "due_on", "2026-02-30"),
    ("/orgs/{id}/systems", "name", ""),
    ("/systems/{id}", "name", ""),
    ("/systems/{id}/controls", "status", "bogus"),
];

/// Forms that are only a button (or take no typed value): nothing to refuse.
const BUTTONS: &[&str] = &[
    "/logout",
    "/logout-all",
    "/lang",
    "/switch-org",
    "/account/mfa/begin",
    "/account/mfa/recovery",
    "/orgs/{id}/archive",
    "/orgs/{id}/restore",
    "/users/{id}/roles/{id}/revoke",
    "/deputies/{id}/revoke",
    "/tokens/{id}/revoke",
    "/overrides/{id}/withdraw",
    "/plans/{id}/submit",
    "/risks/{id}/delete",
    "/systems/{id}/archive",
    "/systems/{id}/restore",
    // a file upload: its refusals are about the file (evidence tests)
    "/orgs/{id}/evidence",
    // the plan chapter editor re-renders itself with every problem
    // (plans tests)
    "/plans/{id}/chapters/{id}",
];

/// An action with its ids replaced by `{id}`.
fn pattern(action: &str) -> String {
    action
        .split('/')
        .map(|seg| {
            let id_like = seg.len() >= 16 && seg.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            let chapter = seg.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && action.contains("/chapters/")
                && action.ends_with(seg);
            if id_like || chapter { "{id}" } else { seg }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The POST forms of the page: action and named fields.
const FORMS_JS: &str = r#"
return [...document.querySelectorAll('form')]
  .filter(f => (f.getAttribute('method') || '').toLowerCase() === 'post')
  .map(f => ({
    action: f.getAttribute('action'),
    fields: [...f.elements].filter(e => e.name && !['hidden', 'submit', 'button'].includes(e.type)).map(e => e.name),
  }));
"#;

/// Sets one field of the form with `action` and submits the form without
/// the browser's own checks (the server's are under test); returns the
/// label the user sees for the field.
const SUBMIT_JS: &str = r#"
const [action, name, value] = arguments;
const form = [...document.querySelectorAll('form')].find(f => f.getAttribute('action') === action);
const el = [...form.elements].find(e => e.name === name);
let label = '';
if (el.id) { const l = document.querySelector('label[for="' + el.id + '"]'); if (l) label = l.textContent; }
if (!label && el.closest('label')) label = el.closest('label').textContent;
if (el.tagName === 'SELECT') {
  const o = document.createElement('option'); o.value = value; o.textContent = value; el.appendChild(o);
}
el.value = value;
HTMLFormElement.prototype.submit.call(form);
return label.replace(/[：:*\s]+$/, '').trim();
"#;

/// What the page shows after the refusal, about the field `name`.
const AFTER_JS: &str = r#"
const [action, name] = arguments;
const box = document.getElementById('refused');
const form = [...document.querySelectorAll('form')].find(f => f.getAttribute('action') === action);
const el = form ? [...form.elements].find(e => e.name === name) : null;
const desc = el && el.getAttribute('aria-describedby');
const msg = desc ? desc.split(' ').map(id => document.getElementById(id)).filter(x => x && x.classList.contains('field-error')).map(x => x.textContent).join(' ') : '';
return {
  summary: box ? box.textContent : null,
  value: el ? el.value : null,
  invalid: el ? el.getAttribute('aria-invalid') : null,
  message: msg,
  path: location.pathname + location.search,
};
"#;

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_form_refuses_one_bad_value_and_keeps_what_was_typed() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    let pol = env.org("PIF-POL").await;
    let officer = env.user_id("officer.police").await;
    let base = env.serve().await;
    let result = tokio::task::spawn_blocking(move || -> Result<Vec<String>, BrowserError> {
        let Some(b) = Browser::launch_or_skip("every_page_form_refuses_one_bad_value")? else {
            return Ok(Vec::new());
        };
        b.goto(&format!("{base}/login"))?;
        b.find("#username")?.send_keys("admin")?;
        b.find("#password")?.send_keys(PASSWORD)?;
        b.find("#login-submit")?.click()?;
        b.wait_for("h1", T)?;

        // pages holding every form, found from the demo's own links
        let first_link = |page: &str, prefix: &str| -> Result<Option<String>, BrowserError> {
            b.goto(&format!("{base}{page}"))?;
            let v = b.execute(
                "return [...document.querySelectorAll('a')].map(a => a.getAttribute('href')).find(h => h && h.startsWith(arguments[0]) && /[0-9a-f]{8}-/.test(h)) || null;",
                &[json!(prefix)],
            )?;
            Ok(v.as_str().map(|s| s.split(['?', '#']).next().unwrap_or(s).to_string()))
        };
        let mut pages = vec![
            "/orgs/new".to_string(),
            format!("/orgs/{pol}/edit"),
            format!("/orgs/{pol}"),
            "/users/new".into(),
            format!("/users/{officer}"),
            "/deputies".into(),
            "/tokens".into(),
            "/account/password".into(),
            format!("/orgs/{pol}/compliance"),
            "/overrides".into(),
            format!("/orgs/{pol}/plan"),
            format!("/orgs/{pol}/risks"),
            format!("/orgs/{pol}/systems"),
            "/".into(),
            "/account".into(),
            "/compliance".into(),
            "/plans".into(),
            "/orgs".into(),
            "/users".into(),
            "/audit".into(),
            "/reminders".into(),
        ];
        for (page, prefix) in [
            (format!("/orgs/{pol}/plan"), "/plans/"),
            (format!("/orgs/{pol}/risks"), "/risks/"),
            (format!("/orgs/{pol}/systems"), "/systems/"),
        ] {
            if let Some(p) = first_link(&page, prefix)? {
                pages.push(p);
            }
        }
        // the TOTP enrolment form appears once enrolment has begun
        b.goto(&format!("{base}/account/mfa"))?;
        if b.exists("form[action='/account/mfa/begin'] button")? {
            b.find("form[action='/account/mfa/begin'] button")?.click()?;
            b.wait_for("form[action='/account/mfa/confirm']", T)?;
        }
        pages.push("/account/mfa".into());

        let bad: BTreeMap<&str, (&str, &str)> = BAD.iter().map(|(a, f, v)| (*a, (*f, *v))).collect();
        let mut unknown = Vec::new();
        let mut failures = Vec::new();
        let mut tried: BTreeMap<String, String> = BTreeMap::new();
        for page in &pages {
            b.goto(&format!("{base}{page}"))?;
            let forms = b.execute(FORMS_JS, &[])?;
            for f in forms.as_array().cloned().unwrap_or_default() {
                let action = f["action"].as_str().unwrap_or("").to_string();
                let pat = pattern(&action);
                if BUTTONS.contains(&pat.as_str()) || tried.contains_key(&pat) {
                    continue;
                }
                let Some((field, value)) = bad.get(pat.as_str()).copied() else {
                    unknown.push(format!("{pat} on {page} (fields {})", f["fields"]));
                    continue;
                };
                let fields: Vec<&str> = f["fields"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
                if !fields.contains(&field) {
                    failures.push(format!("{pat}: no field {field} (has {fields:?})"));
                    continue;
                }
                tried.insert(pat.clone(), page.clone());
                // the form's page afresh, then the bad value
                b.goto(&format!("{base}{page}"))?;
                let label = b.execute(SUBMIT_JS, &[json!(action), json!(field), json!(value)])?;
                let label = label.as_str().unwrap_or("").to_string();
                if b.wait_for("#refused", T).is_err() {
                    failures.push(format!("{pat}: no refusal summary on {} ({})", b.current_url()?, b.title()?));
                    continue;
                }
                let after = b.execute(AFTER_JS, &[json!(action), json!(field)])?;
                let summary = after["summary"].as_str().unwrap_or("");
                let message = after["message"].as_str().unwrap_or("");
                let mut problems = Vec::new();
                if after["path"].as_str() != Some(page.as_str()) {
                    problems.push(format!("back on {} not {page}", after["path"]));
                }
                if !has_cjk(summary) {
                    problems.push(format!("summary not in Chinese: {summary}"));
                }
                if field.contains('_') && summary.contains(field) {
                    problems.push(format!("summary shows the internal name: {summary}"));
                }
                if !label.is_empty() && !summary.contains(&label) {
                    problems.push(format!("summary does not name 「{label}」: {summary}"));
                }
                if after["invalid"].as_str() != Some("true") || !has_cjk(message) {
                    problems.push(format!("no Chinese message next to the field: {after}"));
                }
                let secret = field.contains("password") || field == "code";
                if !secret && after["value"].as_str() != Some(value) {
                    problems.push(format!("value not kept: {}", after["value"]));
                }
                if secret && after["value"].as_str() != Some("") {
                    problems.push("a secret was written back".into());
                }
                if !problems.is_empty() {
                    failures.push(format!("{pat} ({field}={value:?}): {}", problems.join("; ")));
                }
            }
        }
        for (pat, _) in BAD {
            if !tried.contains_key(*pat) {
                failures.push(format!("{pat}: listed but not found on any walked page"));
            }
        }
        if !unknown.is_empty() {
            failures.push(format!("forms without a bad value in BAD: {}", unknown.join(", ")));
        }
        Ok(failures)
    })
    .await
    .expect("browser thread");
    match result {
        Ok(failures) => assert!(failures.is_empty(), "\n{}", failures.join("\n")),
        Err(e) => panic!("browser test failed: {e}"),
    }
}
