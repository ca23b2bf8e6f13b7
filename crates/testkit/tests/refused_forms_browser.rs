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

/// One bad value per form: the form's action (ids as `{id}`), the field,
/// the value (`{self}`: the id in the action; `{long}`: longer than any
/// note may be), and valid values set first
/// so that the bad one is the only problem.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);
const BAD: &[Case] = &[
    ("/orgs", "name_zh", "", &[]),
    ("/orgs/{id}", "name_zh", "", &[]),
    ("/orgs/{id}/move", "parent_id", "{self}", &[]),
    ("/orgs/{id}/documents/{name}/jobs", "format", "doc", &[]),
    (
        "/orgs/{id}/document-settings",
        "signatures",
        "一\n二\n三\n四\n五\n六\n七",
        &[],
    ),
    (
        "/users",
        "username",
        "a!",
        &[("display_name", "王小明"), ("password", "Temp-Pass-2026")],
    ),
    ("/users/{id}", "email", "not-an-address", &[]),
    ("/users/{id}/password", "temporary_password", "short", &[]),
    ("/users/{id}/roles", "role", "bogus", &[]),
    (
        "/deputies",
        "ends_on",
        "2026-01-01",
        &[("starts_on", "2026-12-31"), ("reason", "出國")],
    ),
    ("/tokens", "name", "", &[]),
    (
        "/account/password",
        "confirm_password",
        "Other-Pass-2026",
        &[("new_password", "Temp-Pass-2026")],
    ),
    ("/account/mfa/confirm", "code", "12", &[]),
    ("/account/mfa/disable", "password", "wrong-password", &[]),
    (
        "/orgs/{id}/compliance/complete",
        "completed_on",
        "2099-01-01",
        &[("note", "已辦理")],
    ),
    (
        "/orgs/{id}/compliance/override",
        "deadline_months",
        "many",
        &[("reason", "組織調整")],
    ),
    ("/overrides/{id}/approve", "reason", "{long}", &[]),
    ("/overrides/{id}/reject", "reason", "", &[]),
    ("/overrides/{id}/revoke", "reason", "", &[]),
    ("/orgs/{id}/plan", "start", "someday", &[]),
    ("/orgs/{id}/kpis", "value", "many", &[]),
    ("/plans/{id}/approve", "approved_on", "2099-01-01", &[]),
    ("/plans/{id}/return", "reason", "", &[]),
    (
        "/orgs/{id}/risks",
        "likelihood",
        "7",
        &[
            ("asset", "戶役政主機"),
            ("threat", "勒索軟體"),
            ("weakness", "未修補"),
            ("asset_value", "2"),
        ],
    ),
    ("/orgs/{id}/risk-settings", "threshold", "99", &[]),
    ("/risks/{id}", "likelihood", "7", &[]),
    ("/orgs/{id}/systems", "name", "", &[]),
    (
        "/orgs/{id}/assets",
        "mac",
        "zz:zz",
        &[("name", "公文系統主機"), ("owner", "秘書室")],
    ),
    ("/assets/{id}", "ip", "10.0.0.300", &[]),
    (
        "/assets/{id}/software",
        "cpe23",
        "firefox 115",
        &[("name", "Mozilla Firefox (x64 zh-TW)")],
    ),
    ("/assets/{id}/software/{id}", "cpe23", "firefox 115", &[]),
    ("/systems/{id}", "name", "", &[]),
    ("/orgs/{id}/vulns/policy", "high_days", "many", &[]),
    ("/orgs/{id}/vulns/endpoints", "endpoints", "很多", &[]),
    (
        "/orgs/{id}/incidents",
        "title",
        "",
        &[("reporter", "王小明")],
    ),
    ("/incidents/{id}", "reporter", "", &[]),
    (
        "/incidents/{id}/actions",
        "text",
        "{long}",
        &[("action", "notified")],
    ),
    ("/incidents/{id}/notes", "text", "", &[]),
    (
        "/orgs/{id}/vulns/bulk",
        "plan_action",
        "{long}",
        &[
            ("action", "plan"),
            ("plan_owner", "資訊室"),
            ("plan_due", "2026-12-31"),
        ],
    ),
    ("/vulns/{id}/decision", "evidence", "", &[("action", "fix")]),
    ("/systems/{id}/controls", "status", "bogus", &[]),
    (
        "/systems/{id}/controls/bulk",
        "status",
        "bogus",
        &[("control_id", "")],
    ),
    ("/evidence/{id}/delete", "reason", "", &[]),
    ("/orgs/{id}/continuity/processes", "name", "", &[]),
    (
        "/continuity/processes/{id}",
        "rto_hours",
        "99",
        &[("mtd_hours", "4")],
    ),
    ("/continuity/processes/{id}/activate", "decided_by", "", &[]),
    (
        "/continuity/activations/{id}/terminate",
        "note",
        "",
        &[("terminated_by", "資安長")],
    ),
    ("/orgs/{id}/drills", "title", "", &[]),
    ("/drills/{id}", "title", "", &[]),
    (
        "/drills/{id}/complete",
        "result",
        "",
        &[
            ("started_at", "2026-11-21T08:00"),
            ("ended_at", "2026-11-21T08:30"),
        ],
    ),
    (
        "/orgs/{id}/campaigns",
        "clicked",
        "5",
        &[
            ("round", "115 年測試梯次"),
            ("held_on", "2026-11-01"),
            ("participants", "10"),
            ("opened", "2"),
        ],
    ),
    (
        "/corrective-actions",
        "title",
        "",
        &[("owner", "資訊室"), ("due_on", "2026-12-31")],
    ),
    ("/corrective-actions/{id}/done", "result", "", &[]),
    (
        "/orgs/{id}/audits",
        "title",
        "",
        &[
            ("starts_on", "2026-12-20"),
            ("ends_on", "2026-12-21"),
            ("team", "林稽核 | 政風室 | 2026-01-01"),
        ],
    ),
    ("/audits/{id}/items", "checklist", "bogus", &[]),
    ("/audits/{id}/report", "conclusion", "", &[]),
    (
        "/corrective-actions/{id}/analysis",
        "root_cause",
        "",
        &[("plan", "訂定審查程序")],
    ),
    ("/corrective-actions/{id}/review", "review_note", "", &[]),
    (
        "/orgs/{id}/vendors",
        "tax_id",
        "12345678",
        &[("name", "欄位測試廠商")],
    ),
    ("/vendors/{id}", "tax_id", "12345678", &[]),
    ("/vendors/{id}/contracts", "no", "", &[("title", "維運")]),
    ("/vendors/{id}/staff", "name", "", &[]),
    (
        "/vendors/{id}/device-checks",
        "device",
        "",
        &[("checker", "資訊室")],
    ),
    ("/vendors/{id}/shares", "vendor_user", "nobody", &[]),
    (
        "/orgs/{id}/training/plan",
        "roster",
        "某人 | 資訊室 | 科員 | 實習生",
        &[],
    ),
    (
        "/orgs/{id}/training/sessions",
        "hours",
        "2.25",
        &[("title", "欄位測試課程"), ("held_on", "2026-11-01")],
    ),
    (
        "/orgs/{id}/management-reviews",
        "title",
        "",
        &[("scheduled_on", "2026-12-01")],
    ),
    ("/management-reviews/{id}/minutes", "place", "{long}", &[]),
    ("/orgs/{id}/implementation-report", "year", "1999", &[]),
    ("/implementation-reports/{id}/edit", "other", "{long}", &[]),
    (
        "/orgs/{id}/resource-requests",
        "item_name",
        "",
        &[("unit", "資訊室"), ("purpose", "機房監控")],
    ),
    (
        "/orgs/{id}/confidentiality-agreements",
        "signer",
        "",
        &[("unit", "資訊室"), ("starts_on", "2026-01-02")],
    ),
    ("/people-forms/{id}/sign", "note", "{long}", &[]),
    (
        "/orgs/{id}/audit-checklists",
        "lines",
        "",
        &[("name", "個人資料保護查核項目表")],
    ),
    (
        "/orgs/{id}/area-log",
        "person",
        "",
        &[("area", "機房"), ("unit", "資訊室"), ("reason", "巡檢")],
    ),
    (
        "/maturity-programmes/{id}/tasks",
        "title",
        "",
        &[("layer", "l1")],
    ),
    (
        "/maturity-programmes/{id}/framework",
        "target.l1",
        "0.5",
        &[],
    ),
    (
        "/maturity-programmes/{id}/tracking",
        "planned.h0",
        "-5",
        &[],
    ),
    ("/maturity-reports/{id}", "maturity.l1", "9", &[]),
    ("/maturity-reports/{id}/review", "note", "{long}", &[]),
    (
        "/orgs/{id}/intel",
        "valid_until",
        "2000-01-01",
        &[("title", "情資欄位測試"), ("text", "測試內容 203.0.113.8")],
    ),
    ("/orgs/{id}/intel/import", "content", "not json", &[]),
    ("/intel/{id}/classify", "note", "{long}", &[]),
    ("/intel/{id}/handling", "action", "{long}", &[]),
    (
        "/orgs/{id}/threat-notices",
        "due_on",
        "2000-01-01",
        &[("title", "通報欄位測試"), ("text", "測試內容")],
    ),
    ("/threat-responses/{id}/report", "note", "{long}", &[]),
    ("/threat-notices/{id}/close", "note", "{long}", &[]),
    (
        "/orgs/{id}/coverage/import",
        "content",
        "名稱,備註",
        &[("source", "EDR 主控台")],
    ),
    (
        "/maturity-reports/{id}/meeting",
        "meeting_on",
        "2099-01-01",
        &[
            ("chair", "資訊室主任"),
            ("attendees", "資安長、資安專責人員"),
            ("minutes.layers", "依計畫"),
            ("minutes.okr", "依計畫"),
            ("minutes.risks", "依計畫"),
            ("minutes.next_month", "依計畫"),
            ("minutes.resources", "依計畫"),
        ],
    ),
    (
        "/systems/{id}/grading",
        "assessed_on",
        "2099-01-01",
        &[("assessor", "林怡君"), ("approver", "陳建宏")],
    ),
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
    "/orgs/{id}/document-settings/remove",
    "/orgs/{id}/document-logo/remove",
    "/users/{id}/roles/{id}/revoke",
    "/deputies/{id}/revoke",
    "/tokens/{id}/revoke",
    "/overrides/{id}/withdraw",
    "/plans/{id}/submit",
    "/risks/{id}/delete",
    "/systems/{id}/archive",
    "/systems/{id}/restore",
    "/assets/{id}/software/{id}/delete",
    // suggestions: a CPE name chosen by a button (refusals in the assets tests)
    "/assets/{id}/software/{id}/cpe",
    "/orgs/{id}/assets/unmapped",
    // a playbook's step ticked off (refusals in the incidents tests)
    "/incidents/{id}/checklist",
    // a step of a run or a drill timed, a yearly review recorded
    // (refusals in the continuity tests)
    "/continuity/activations/{id}/steps",
    "/drills/{id}/steps",
    "/continuity/processes/{id}/review",
    // the business chapter filled from the impact analysis
    "/plans/{id}/business/from-bia",
    // findings ticked (refusals in the incidents tests)
    "/incidents/{id}/findings",
    // a match of the organisation's software now
    "/orgs/{id}/vulns/match",
    "/admin/jobs/{id}/rerun",
    "/inbox/{id}/read",
    "/inbox/read-all",
    // choices only (one select per kind of event; refusals in the inbox tests)
    "/account/notifications",
    // a file upload: its refusals are about the file (evidence tests)
    "/orgs/{id}/evidence",
    "/evidence/{id}/replace",
    // the logo: refusals in the documents tests
    "/orgs/{id}/document-logo",
    // an audit's notice and close are buttons; its results one select and
    // note per item (refusals in the audits tests)
    "/audits/{id}/notify",
    // the laggards reminded (the threat notices tests)
    "/threat-notices/{id}/remind",
    "/audits/{id}/close",
    "/audits/{id}/answers",
    // a share revoked (the vendors tests)
    "/shares/{id}/revoke",
    // a sign-in sheet: an upload, then the commit of what was previewed
    // (refusals in the training tests)
    "/training-sessions/{id}/sign-in/preview",
    "/training-sessions/{id}/sign-in",
    // a management review's facts gathered again
    "/management-reviews/{id}/gather",
    // an implementation report approved, submitted, returned with a reason
    // (refusals in the implementation_report tests)
    "/implementation-reports/{id}/approve",
    "/implementation-reports/{id}/submit",
    "/implementation-reports/{id}/return",
    // someone leaving the restricted area (refusals in the people_forms tests)
    "/area-entries/{id}/leave",
    // a kept checklist removed (refusals in the audits tests)
    "/audit-checklists/{id}/delete",
    // L1-L5: a month drafted, a task ticked, a draft's figures gathered
    // again (refusals in the maturity tests)
    "/maturity-programmes/{id}/reports",
    "/maturity-programmes/{id}/task-status",
    "/maturity-reports/{id}/gather",
    // the plan chapter editor re-renders itself with every problem
    // (plans tests)
    "/plans/{id}/chapters/{id}",
];

/// An action with its ids replaced by `{id}`.
fn pattern(action: &str) -> String {
    let segs: Vec<&str> = action.split('/').collect();
    segs.iter()
        .enumerate()
        .map(|(i, seg)| {
            let id_like = seg.len() >= 16 && seg.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            let chapter = seg.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && action.contains("/chapters/")
                && action.ends_with(seg);
            // a report's name follows the segment that lists the documents
            let after_documents = i > 0 && matches!(segs[i - 1], "documents" | "document-settings");
            if id_like || chapter {
                "{id}"
            } else if after_documents && zian_app::documents::find(seg).is_some() {
                "{name}"
            } else {
                seg
            }
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
const [action, name, value, good] = arguments;
const form = [...document.querySelectorAll('form')].find(f => f.getAttribute('action') === action && (f.getAttribute('method') || '').toLowerCase() === 'post');
const set = (e, v) => {
  if (e.type === 'checkbox') { e.checked = true; return; }
  if (e.tagName === 'SELECT' && ![...e.options].some(o => o.value === v)) {
    const o = document.createElement('option'); o.value = v; o.textContent = v; e.appendChild(o);
  }
  e.value = v;
};
for (const [n, v] of good) { const e = [...form.elements].find(e => e.name === n); if (e) set(e, v); }
const el = [...form.elements].find(e => e.name === name);
let label = '';
if ((el.type === 'radio' || el.type === 'checkbox') && el.closest('fieldset') && el.closest('fieldset').querySelector('legend')) label = el.closest('fieldset').querySelector('legend').textContent;
if (!label && el.id) { const l = document.querySelector('label[for="' + el.id + '"]'); if (l) label = l.textContent; }
if (!label && el.closest('label')) label = el.closest('label').textContent;
if (!label && el.getAttribute('aria-label')) label = el.getAttribute('aria-label');
set(el, value);
HTMLFormElement.prototype.submit.call(form);
return label.replace(/[：:*\s]+$/, '').trim();
"#;

/// What the page shows after the refusal, about the field `name`.
const AFTER_JS: &str = r#"
const [action, name] = arguments;
const box = document.getElementById('refused');
const form = [...document.querySelectorAll('form')].find(f => f.getAttribute('action') === action && (f.getAttribute('method') || '').toLowerCase() === 'post');
const el = form ? [...form.elements].find(e => e.name === name) : null;
const desc = el && el.getAttribute('aria-describedby');
const msg = desc ? desc.split(' ').map(id => document.getElementById(id)).filter(x => x && x.classList.contains('field-error')).map(x => x.textContent).join(' ') : '';
return {
  summary: box ? box.textContent : null,
  value: el ? el.value : null,
  choice: el ? (el.tagName === 'SELECT' || el.type === 'radio' || el.type === 'checkbox') : false,
  invalid: el ? el.getAttribute('aria-invalid') : null,
  message: msg,
  path: location.pathname + location.search,
};
"#;

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Walks `pages` as the logged-in user, trying every form not tried yet.
fn walk(
    b: &Browser,
    base: &str,
    pages: &[String],
    tried: &mut BTreeMap<String, String>,
    unknown: &mut Vec<String>,
    failures: &mut Vec<String>,
) -> Result<(), BrowserError> {
    let bad: BTreeMap<&str, &Case> = BAD.iter().map(|c| (c.0, c)).collect();
    for page in pages {
        b.goto(&format!("{base}{page}"))?;
        let forms = b.execute(FORMS_JS, &[])?;
        for f in forms.as_array().cloned().unwrap_or_default() {
            let action = f["action"].as_str().unwrap_or("").to_string();
            let pat = pattern(&action);
            if BUTTONS.contains(&pat.as_str()) || tried.contains_key(&pat) {
                continue;
            }
            let Some(&&(_, field, value, good)) = bad.get(pat.as_str()) else {
                unknown.push(format!("{pat} on {page} (fields {})", f["fields"]));
                continue;
            };
            let fields: Vec<&str> = f["fields"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if !fields.contains(&field) {
                failures.push(format!("{pat}: no field {field} (has {fields:?})"));
                continue;
            }
            tried.insert(pat.clone(), page.clone());
            let own_id = action
                .split('/')
                .find(|seg| seg.len() >= 16 && seg.contains('-'))
                .unwrap_or("")
                .to_string();
            let long = "這段說明過長。".repeat(1500);
            let value = match value {
                "{self}" => own_id.as_str(),
                "{long}" => long.as_str(),
                v => v,
            };
            let good: Vec<Value> = good.iter().map(|(n, v)| json!([n, v])).collect();
            // the form's page afresh, then the bad value
            b.goto(&format!("{base}{page}"))?;
            let label = match b.execute(
                SUBMIT_JS,
                &[json!(action), json!(field), json!(value), json!(good)],
            ) {
                Ok(l) => l.as_str().unwrap_or("").to_string(),
                Err(e) => {
                    failures.push(format!("{pat}: could not submit: {e}"));
                    continue;
                }
            };
            if b.wait_for("#refused", T).is_err() {
                failures.push(format!(
                    "{pat}: no refusal summary on {} ({})",
                    b.current_url()?,
                    b.title()?
                ));
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
            let choice = after["choice"].as_bool().unwrap_or(false);
            if !secret && !choice && after["value"].as_str() != Some(value) {
                problems.push(format!("value not kept: {}", after["value"]));
            }
            if secret && after["value"].as_str() != Some("") {
                problems.push("a secret was written back".into());
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{pat} ({field}={value:?}): {}",
                    problems.join("; ")
                ));
            }
        }
    }
    Ok(())
}

/// Logs in; `totp` answers the second step when the account has one.
fn login(
    b: &Browser,
    base: &str,
    username: &str,
    totp: &dyn Fn() -> String,
) -> Result<(), BrowserError> {
    b.delete_all_cookies()?;
    b.goto(&format!("{base}/login"))?;
    b.find("#username")?.send_keys(username)?;
    b.find("#password")?.send_keys(PASSWORD)?;
    b.find("#login-submit")?.click()?;
    // wait for the answer to the form (under load the login page's own
    // heading is still there for a while)
    let started = std::time::Instant::now();
    while b.current_url()?.ends_with("/login") && started.elapsed() < T {
        std::thread::sleep(Duration::from_millis(50));
    }
    b.wait_for("h1", T)?;
    if b.current_url()?.contains("/login/mfa") {
        b.find("#code")?.send_keys(&totp())?;
        b.find("#mfa-submit")?.click()?;
        b.wait_for("#logout", T)?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_form_refuses_one_bad_value_and_keeps_what_was_typed() {
    let env = TestEnv::demo_with_feeds(Backend::Sqlite).await;
    let pol = env.org("PIF-POL").await;
    // a finding of the police bureau's application server (PHP, high)
    let finding = env
        .app
        .select_findings(
            &env.principal("officer.police").await,
            &pol,
            &zian_domain::ListQuery::all(1).with("cve", "CVE-2013-6420"),
        )
        .await
        .unwrap()
        .remove(0);
    let hlt = env.org("PIF-HLT").await;
    let officer = env.user_id("officer.police").await;
    // what the demo does not hold yet: a system, a risk, a plan awaiting
    // the CISO
    let p = env.principal("officer.police").await;
    let system = env
        .app
        .create_system(
            &p,
            &pol,
            zian_app::systems::SystemInput {
                name: "警政資訊系統".into(),
                owner: "資訊室".into(),
                description: None,
            },
        )
        .await
        .unwrap();
    let q = env.app.questionnaire().unwrap();
    let answers: serde_json::Map<String, Value> = q
        .questions
        .iter()
        .map(|x| (x.id.clone(), json!(x.options[0].id)))
        .collect();
    env.app
        .grade_system(
            &p,
            &system.id,
            zian_app::systems::GradingInput {
                answers: Value::Object(answers),
                assessor: "林怡君".into(),
                approver: "陳建宏".into(),
                assessed_on: None,
            },
        )
        .await
        .unwrap();
    let risk: zian_app::risk::RiskInput = serde_json::from_value(json!({
        "asset": "戶役政連線主機", "threat": "勒索軟體", "weakness": "未修補",
        "asset_value": 2, "likelihood": 2, "vulnerability": 2,
        "treatment": "mitigate", "owner": "資訊室", "due_on": "2027-06-30"
    }))
    .unwrap();
    let risk = env.app.create_risk(&p, &pol, risk).await.unwrap();
    let asset = env
        .app
        .create_asset(
            &p,
            &pol,
            zian_app::assets::AssetInput {
                name: "刑案系統應用伺服器".into(),
                category: "hardware".into(),
                owner: "資訊室".into(),
                system_id: Some(system.id.to_string()),
                ip: Some("10.20.1.15".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    env.app
        .add_software(
            &p,
            &asset.id,
            zian_app::assets::SoftwareInput {
                name: "7-Zip 19.00 (x64)".into(),
                version: Some("19.00".into()),
                publisher: Some("Igor Pavlov".into()),
                cpe23: None,
            },
        )
        .await
        .unwrap();
    let incident = env
        .app
        .record_incident(
            &p,
            &pol,
            zian_app::incidents::IncidentInput {
                title: "官網遭置換首頁".into(),
                aware_at: "2026-11-21T08:30".into(),
                reporter: "王小明".into(),
                asset_class: "core".into(),
                confidentiality: "none".into(),
                integrity: "serious".into(),
                availability: "none".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let incident = incident.incident.id;
    let plan = env
        .app
        .create_plan_version(&p, &pol, zian_app::plans::PlanStart::Latest, "年度修訂")
        .await
        .unwrap();
    for (ch, body) in [
        (
            "organisation",
            json!({
                "ciso_name": "陳建宏", "ciso_title": "副局長",
                "groups": [{"name": "資安防護組", "duties": ["資通安全事件之通報及應變機制之執行。"]}],
                "members": [{"name": "林意順", "unit_title": "資訊室主任", "group": "資安防護組", "extension": "417", "deputy": "邱榮輝"}],
                "roster_date": "2026-11-01"
            }),
        ),
        (
            "business",
            json!({
                "core": [{"name": "刑案資訊處理", "systems": ["刑案資訊系統"], "level_ab_business": true,
                          "impact_legal": "依個人資料保護法應善盡個人資料保護責任", "mtd_hours": 4}],
                "non_core": [{"name": "差勤服務", "mtd_hours": 24}, {"name": "郵件服務", "mtd_hours": 8},
                             {"name": "用戶端服務", "mtd_hours": 8}]
            }),
        ),
        ("report", json!({"month": 10, "recipient": "屏東縣政府"})),
    ] {
        env.app
            .update_plan_chapter(&p, &plan.id, ch, &body)
            .await
            .unwrap();
    }
    env.app.submit_plan(&p, &plan.id).await.unwrap();
    // the supervisor signs in with TOTP (the form that turns it off)
    let sup = env.principal("supervisor.khh").await;
    let setup = env.app.begin_totp(&sup).await.unwrap();
    let secret = zian_domain::totp::secret_from_base32(&setup.secret_base32).unwrap();
    env.app
        .confirm_totp(&sup, &zian_domain::totp::code_at(&secret, env.clock.unix()))
        .await
        .unwrap();
    env.clock.advance(60);
    let clock = env.clock.clone();
    let evidence = env
        .app
        .upload_evidence(
            &p,
            &pol,
            "稽核紀錄.txt",
            "text/plain",
            "115 年度內部稽核紀錄".as_bytes().to_vec(),
        )
        .await
        .unwrap();
    // the demo's continuity: 110 dispatch, the active run, the planned drill
    let o = env
        .app
        .continuity_overview(&p, &pol, &zian_domain::ListQuery::all(10))
        .await
        .unwrap();
    let process = o.processes[0].id.clone();
    let activation = o.activations[0].id.clone();
    let drill = o
        .drills
        .items
        .iter()
        .find(|d| !d.completed())
        .unwrap()
        .id
        .clone();
    // the audits: the demo's (the vendor audit planned; the internal one
    // reported, its open action done to await its review), one reported
    // with an open action, one in its fieldwork with every item answered
    env.app.seed_demo_audits().await.unwrap();
    // the demo's vendor: staff, a device check, shares to revoke
    env.app.seed_demo_vendors().await.unwrap();
    env.app.seed_demo_training().await.unwrap();
    env.app.seed_demo_management_review().await.unwrap();
    env.app.seed_demo_people_forms().await.unwrap();
    // a request of the IT office awaiting its unit head (the officer may sign)
    let people_form = env
        .app
        .create_resource_request(
            &env.principal("it.police").await,
            &env.org("PIF-POL-IT").await,
            zian_app::people_forms::RequestInput {
                unit: "資訊室".into(),
                request_type: "hardware".into(),
                item_name: "機房溫濕度感測器".into(),
                quantity: 2,
                purchase: "new".into(),
                device: "other".into(),
                purpose: "機房環境監控".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    env.app
        .draft_implementation_report(
            &p,
            &pol,
            zian_app::implementation_report::DraftInput { year: None },
        )
        .await
        .unwrap();
    // L1-L5: the bureau's programme, this month's draft and next month's
    // submitted for the CISO's review
    env.app.seed_demo_maturity().await.unwrap();
    let programme = env
        .app
        .maturity(&p, &pol)
        .await
        .unwrap()
        .programme
        .unwrap()
        .id;
    let this = env.app.this_month();
    let draft = env
        .app
        .create_maturity_report(
            &p,
            &programme,
            zian_app::maturity::ReportInput {
                month: this.to_string(),
            },
        )
        .await
        .unwrap()
        .id;
    let submitted = env
        .app
        .create_maturity_report(
            &p,
            &programme,
            zian_app::maturity::ReportInput {
                month: this.next().to_string(),
            },
        )
        .await
        .unwrap()
        .id;
    env.app
        .edit_maturity_report(
            &p,
            &submitted,
            zian_app::maturity::ReportEditInput {
                achievements: "完成".into(),
                next_focus: "持續".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    env.app
        .submit_maturity_report(&p, &submitted)
        .await
        .unwrap();
    // threat intelligence: the bureau's, one classified with its handling
    // forms
    env.app.seed_demo_intel().await.unwrap();
    let intel = env
        .app
        .intel_list(&p, &pol)
        .await
        .unwrap()
        .items
        .iter()
        .find(|x| x.status == zian_domain::intel::item::Status::Classified)
        .unwrap()
        .id
        .clone();
    // the region's threat notice: the bureau's report form, the
    // supervisor's issue and close forms
    env.app.seed_demo_threat_notices().await.unwrap();
    let khh = env.org("KHH").await;
    let threat = env
        .app
        .threat_notice_list(&env.principal("supervisor.khh").await, &khh)
        .await
        .unwrap()
        .issued[0]
        .0
        .id
        .clone();
    let review = env
        .app
        .management_reviews(&p, &pol)
        .await
        .unwrap()
        .reviews
        .iter()
        .find(|r| !r.is_held())
        .unwrap()
        .id
        .clone();
    let session = env
        .app
        .training_year(&p, &pol, env.app.today().year())
        .await
        .unwrap()
        .sessions[0]
        .id
        .clone();
    let vendor = env
        .app
        .list_vendors(&p, &pol, &zian_domain::ListQuery::all(10))
        .await
        .unwrap()
        .items[0]
        .id
        .clone();
    let audits = env
        .app
        .list_audits(
            &p,
            &pol,
            &zian_storage::AuditFilter::default(),
            &zian_domain::ListQuery::all(10),
        )
        .await
        .unwrap()
        .items;
    let planned_audit = audits
        .iter()
        .find(|a| a.kind == zian_domain::audits::AuditKind::Vendor)
        .unwrap()
        .id
        .clone();
    let reviewed_audit = audits
        .iter()
        .find(|a| a.kind == zian_domain::audits::AuditKind::Internal)
        .unwrap()
        .id
        .clone();
    for x in env
        .app
        .audit_view(&p, &reviewed_audit)
        .await
        .unwrap()
        .actions
    {
        if x.is_open() {
            env.app
                .finish_action(
                    &p,
                    &x.id,
                    zian_app::corrective::DoneInput {
                        result: "已完成".into(),
                        done_on: None,
                    },
                )
                .await
                .unwrap();
        }
    }
    let today = zian_domain::day::ymd(env.app.today());
    let audit_at = async |title: &str, findings: bool| {
        let v = env
            .app
            .plan_audit(
                &p,
                &pol,
                zian_app::audits::AuditInput {
                    title: title.into(),
                    starts_on: today.clone(),
                    ends_on: today.clone(),
                    notice_days: Some(0),
                    team: vec![zian_app::audits::AuditorInput {
                        name: "林稽核".into(),
                        unit: "政風室".into(),
                        trained_on: Some("2026-01-01".into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let id = v.audit.id.clone();
        env.app
            .set_audit_items(
                &p,
                &id,
                zian_app::audits::ItemsInput {
                    checklist: "custom".into(),
                    lines: "存取控制 | 帳號是否定期審查？".into(),
                },
            )
            .await
            .unwrap();
        env.app.notify_audit(&p, &id).await.unwrap();
        let answer = if findings { "nonconforms" } else { "conforms" };
        env.app
            .answer_audit(
                &p,
                &id,
                zian_app::audits::AnswersInput {
                    answers: vec![zian_app::audits::AnswerInput {
                        item: 0,
                        answer: answer.into(),
                        note: "帳號未定期審查".into(),
                    }],
                },
            )
            .await
            .unwrap();
        if findings {
            env.app
                .report_audit(
                    &p,
                    &id,
                    zian_app::audits::ReportInput {
                        conclusion: "一項缺失".into(),
                        actions: vec![],
                    },
                )
                .await
                .unwrap();
        }
        id
    };
    let open_audit = audit_at("欄位測試稽核（已提出結果）", true).await;
    let fieldwork_audit = audit_at("欄位測試稽核（查核中）", false).await;
    let base = env.serve().await;
    let result = tokio::task::spawn_blocking(move || -> Result<Vec<String>, BrowserError> {
        let Some(b) = Browser::launch_or_skip("every_page_form_refuses_one_bad_value")? else {
            return Ok(Vec::new());
        };
        let (mut tried, mut unknown, mut failures) = (BTreeMap::new(), Vec::new(), Vec::new());
        let passes: Vec<(&str, Vec<String>)> = vec![
            (
                "admin",
                vec![
                    "/orgs/new".to_string(),
                    format!("/orgs/{pol}/edit"),
                    format!("/orgs/{pol}"),
                    "/users/new".into(),
                    format!("/users/{officer}"),
                    "/deputies".into(),
                    "/tokens".into(),
                    "/account/password".into(),
                    format!("/orgs/{hlt}/plan"),
                    "/".into(),
                    "/account".into(),
                    "/compliance".into(),
                    "/plans".into(),
                    "/orgs".into(),
                    "/users".into(),
                    "/audit".into(),
                    "/reminders".into(),
                ],
            ),
            (
                "officer.police",
                vec![
                    format!("/orgs/{pol}/compliance"),
                    format!("/orgs/{pol}/risks"),
                    format!("/risks/{}", risk.risk.id),
                    format!("/orgs/{pol}/systems"),
                    format!("/systems/{}", system.id),
                    format!("/orgs/{pol}/assets"),
                    format!("/assets/{}", asset.id),
                    format!("/orgs/{pol}/assets/unmapped"),
                    format!("/orgs/{pol}/vulns?severity=high"),
                    format!("/orgs/{pol}/vulns/policy"),
                    format!("/vulns/{}", finding.id),
                    format!("/orgs/{pol}/incidents"),
                    format!("/orgs/{pol}/incidents/new"),
                    format!("/incidents/{incident}"),
                    format!("/incidents/{incident}/edit"),
                    format!("/orgs/{pol}/continuity"),
                    format!("/orgs/{pol}/continuity/processes/new"),
                    format!("/continuity/processes/{process}"),
                    format!("/continuity/processes/{process}/edit"),
                    format!("/continuity/activations/{activation}"),
                    format!("/orgs/{pol}/drills/new"),
                    format!("/drills/{drill}"),
                    format!("/drills/{drill}/edit"),
                    format!("/orgs/{pol}/campaigns"),
                    format!("/orgs/{pol}/corrective-actions"),
                    format!("/orgs/{pol}/audits"),
                    format!("/audits/{planned_audit}"),
                    format!("/audits/{reviewed_audit}"),
                    format!("/audits/{open_audit}"),
                    format!("/audits/{fieldwork_audit}"),
                    format!("/orgs/{pol}/vendors"),
                    format!("/vendors/{vendor}"),
                    format!("/orgs/{pol}/training"),
                    format!("/training-sessions/{session}"),
                    format!("/orgs/{pol}/management-reviews"),
                    format!("/management-reviews/{review}"),
                    format!("/orgs/{pol}/implementation-report"),
                    format!("/orgs/{pol}/people-forms"),
                    format!("/people-forms/{people_form}"),
                    format!("/orgs/{pol}/area-log"),
                    format!("/orgs/{pol}/audit-checklists"),
                    format!("/orgs/{pol}/maturity"),
                    format!("/maturity-programmes/{programme}/framework"),
                    format!("/maturity-programmes/{programme}/tracking"),
                    format!("/maturity-reports/{draft}"),
                    format!("/orgs/{pol}/intel"),
                    format!("/intel/{intel}"),
                    format!("/threat-notices/{threat}"),
                    format!("/orgs/{pol}/coverage"),
                    format!("/orgs/{pol}/documents"),
                    format!("/evidence/{}/versions", evidence.id),
                    format!("/orgs/{pol}/plan"),
                    "/overrides".into(),
                    "/account/mfa".into(),
                ],
            ),
            (
                "ciso.police",
                vec![
                    format!("/plans/{}", plan.id),
                    format!("/orgs/{pol}/document-settings?report=risk-assessment"),
                    format!("/maturity-reports/{submitted}"),
                ],
            ),
            (
                "supervisor.khh",
                vec![
                    format!("/orgs/{khh}/threat-notices"),
                    format!("/threat-notices/{threat}"),
                    "/overrides".into(),
                    "/overrides?status=approved".into(),
                    "/account/mfa".into(),
                ],
            ),
        ];
        let totp = || zian_domain::totp::code_at(&secret, clock.unix());
        for (user, pages) in &passes {
            login(&b, &base, user, &totp)?;
            if *user == "officer.police" {
                // the TOTP forms appear once enrolment has begun
                b.goto(&format!("{base}/account/mfa"))?;
                if b.exists("#mfa-begin")? {
                    b.find("#mfa-begin")?.click()?;
                    b.wait_for("form[action='/account/mfa/confirm']", T)?;
                }
            }
            walk(&b, &base, pages, &mut tried, &mut unknown, &mut failures)?;
        }
        for (pat, _, _, _) in BAD {
            if !tried.contains_key(*pat) {
                failures.push(format!("{pat}: listed but not found on any walked page"));
            }
        }
        if !unknown.is_empty() {
            failures.push(format!(
                "forms without a bad value in BAD: {}",
                unknown.join(", ")
            ));
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
