//! Cross-organisation isolation over EVERY route of the registry.
//!
//! The target is the Pingtung health bureau subtree (PIF-HLT): its
//! organisations, its security officer (officer.health), a second user there
//! who is the officer's deputy, the officer's role assignment, the deputyship,
//! an API token of the officer, and the bureau's records: an information
//! system (graded, so it has a baseline of controls), a risk and a pending
//! exemption request. Every route of
//! [`zian_web::routes::routes`] is called with its path parameters pointing at
//! those objects (and, for bodies, with ids of those objects) by callers who
//! must not reach them:
//!
//! - officer.police of the sibling police bureau (session with CSRF, and a
//!   bearer token),
//! - a supervisor of the unrelated Penghu subtree (session and token),
//! - the vendor (session and token),
//! - an anonymous client.
//!
//! For every call: no 500; no response body carries the target's ids, names,
//! username or e-mail; the target's data (organisations, users with their
//! credentials, roles, deputies, tokens, history) is unchanged and the audit
//! trail gained no entry about it; the answer is the same as for ids that do
//! not exist (no existence oracle); and for routes with path parameters the
//! answer is a refusal (401, 403, 404, or 303 to the login page). Public routes
//! are exempt from the status rules only.
//!
//! The same routes are then called by authorised callers (the administrator,
//! or the token's owner) to show that the ids and bodies used are the right
//! ones: every GET route with a parameter answers 200 with the target's data,
//! and the unsafe routes succeed and change the target.
//!
//! Finally every unsafe page route is sent the same forms by those authorised
//! callers without the session's CSRF token (none, empty, another session's),
//! urlencoded and multipart: each is refused and nothing changes. The only
//! page forms outside the token-checking extractors are the pre-session forms
//! listed in [`PRE_SESSION_FORMS`], and the registry must agree with the list.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};
use zian_app::system::UuidV7;
use zian_domain::incidents::IncidentFilter;
use zian_domain::list::HARD_LIMIT;
use zian_domain::ports::IdGen;
use zian_domain::risk::RiskFilter;
use zian_domain::{ListQuery, OrgId, OrgScope, Role, UserId};
use zian_storage::{
    AssetStore, AuditStore, AuthStore, ComplianceStore, EvidenceStore, ImplementationReportStore,
    InboxStore, IncidentStore, InventoryStore, JobStore, ManagementReviewStore, MaturityStore,
    OrgStore, PeopleFormsStore, PeopleStore, PlanStore, RiskStore, SecurityAuditStore, SystemStore,
    TrainingStore, VendorStore, VulnStore, WebhookStore,
};
use zian_testkit::http::{form, pct, resolve, send};
use zian_testkit::{PASSWORD, Resp, TestEnv, backend_tests};
use zian_web::routes::{Kind, routes};

// ---------------------------------------------------------------- callers

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Anonymous,
    Session,
    Bearer,
}

struct Caller {
    label: String,
    username: Option<String>,
    mode: Mode,
    ip: [u8; 4],
    cookie: String,
    csrf: String,
    token: String,
}

impl Caller {
    async fn new(env: &TestEnv, username: Option<&str>, mode: Mode, ip: [u8; 4]) -> Caller {
        let label = match (username, mode) {
            (None, _) => "anonymous".to_string(),
            (Some(u), Mode::Session) => format!("{u} (session)"),
            (Some(u), _) => format!("{u} (bearer)"),
        };
        let mut c = Caller {
            label,
            username: username.map(str::to_string),
            mode,
            ip,
            cookie: String::new(),
            csrf: String::new(),
            token: String::new(),
        };
        match mode {
            Mode::Anonymous => {}
            Mode::Session => c.login(env).await,
            Mode::Bearer => c.token = env.token_for(username.expect("user")).await,
        }
        c
    }

    async fn login(&mut self, env: &TestEnv) {
        let u = self.username.clone().expect("user");
        let body = json!({"username": u, "password": PASSWORD})
            .to_string()
            .into_bytes();
        let r = send(
            env,
            &Method::POST,
            "/api/v1/session",
            &[("content-type", "application/json")],
            Some(body),
            self.ip,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "login {u}: {}", r.text());
        self.cookie = r.session_cookie();
        self.csrf = r.json()["csrf_token"].as_str().expect("csrf").to_string();
    }

    /// Logs in again when a route ended the session (logout and the like).
    async fn ensure(&mut self, env: &TestEnv) {
        if self.mode != Mode::Session {
            return;
        }
        let r = send(
            env,
            &Method::GET,
            "/api/v1/me",
            &[("cookie", self.cookie.clone())],
            None,
            self.ip,
        )
        .await;
        if r.status != StatusCode::OK {
            self.login(env).await;
        }
    }

    fn headers(&self) -> Vec<(String, String)> {
        match self.mode {
            Mode::Anonymous => vec![],
            Mode::Session => vec![
                ("cookie".into(), self.cookie.clone()),
                ("x-csrf-token".into(), self.csrf.clone()),
            ],
            Mode::Bearer => vec![("authorization".into(), format!("Bearer {}", self.token))],
        }
    }

    fn form_csrf(&self) -> String {
        if self.mode == Mode::Session {
            self.csrf.clone()
        } else {
            "no-session-csrf".into()
        }
    }
}

// ---------------------------------------------------------------- target

/// Ids substituted into paths and bodies: the target's, or fresh ones that
/// exist nowhere (the baseline a refusal must not be distinguishable from).
#[derive(Debug, Clone)]
struct Ids {
    org: String,
    user: String,
    deputy_user: String,
    assignment: String,
    deputy: String,
    token: String,
    /// An information system of PIF-HLT, graded (so it has a baseline).
    system: String,
    /// A control of that system's baseline (a catalogue id, not target data).
    control: String,
    /// A maintenance-plan version of PIF-HLT (a draft ready to submit).
    plan: String,
    /// An evidence file of PIF-HLT.
    evidence: String,
    /// A risk of PIF-HLT.
    risk: String,
    /// An exemption request of PIF-HLT, pending.
    override_: String,
    /// A webhook of PIF-HLT, active.
    webhook: String,
    /// A delivery of that webhook, with one logged attempt.
    delivery: String,
    /// A background job of PIF-HLT, dead (its only attempt failed).
    job: String,
    /// A document of PIF-HLT produced in the background, done.
    document_job: String,
    /// The administrator's notice about that job (notices are their
    /// owner's alone: nobody else reaches it, not even above the bureau).
    notice: String,
    /// An asset of PIF-HLT (a host serving the system).
    asset: String,
    /// A piece of software installed on that asset.
    software: String,
    /// A software inventory import of PIF-HLT, previewed (its commit
    /// changes that asset).
    import: String,
    /// A vulnerability finding of the target's asset (Tomcat 7.0.47).
    finding: String,
    /// An incident of PIF-HLT, recorded, not yet notified.
    incident: String,
    /// A critical business process of PIF-HLT with its continuity plan.
    process: String,
    /// An activation of that plan, active.
    activation: String,
    /// A drill of PIF-HLT, planned.
    drill: String,
    /// A corrective action of that drill, open.
    action: String,
    /// An internal audit of PIF-HLT, planned with one item, starting today.
    audit: String,
    /// A vendor of PIF-HLT with one staff member.
    vendor: String,
    /// That vendor's record shared with the bureau's own vendor account
    /// (`vendor.hlt`).
    share: String,
    /// A training session of PIF-HLT with one person signed in.
    training: String,
    /// A management review of PIF-HLT, being prepared.
    review: String,
    /// PIF-HLT's implementation report of this year, a draft.
    report: String,
    /// A resource request of PIF-HLT filed by its officer, awaiting the
    /// unit head.
    form: String,
    /// An entry to PIF-HLT's server room, still inside.
    entry: String,
    /// An audit checklist PIF-HLT keeps.
    checklist: String,
    /// PIF-HLT's L1-L5 programme (from 2026-06) with one task.
    programme: String,
    /// Its November report, a draft with its achievements written.
    monthly: String,
    /// A piece of PIF-HLT's threat intelligence, classified as a message.
    intel: String,
    /// PIF-HLT's IT section (a unit below the bureau).
    unit: String,
    /// A threat notice PIF-HLT issued to its IT section.
    threat_notice: String,
    /// The IT section's response to it, nothing reported.
    threat_response: String,
}

impl Ids {
    fn bogus() -> Ids {
        let f = || UuidV7.new_id();
        Ids {
            org: f(),
            user: f(),
            deputy_user: f(),
            assignment: f(),
            deputy: f(),
            token: f(),
            system: f(),
            control: f(),
            plan: f(),
            evidence: f(),
            risk: f(),
            override_: f(),
            webhook: f(),
            delivery: f(),
            job: f(),
            document_job: f(),
            notice: f(),
            asset: f(),
            software: f(),
            import: f(),
            finding: f(),
            incident: f(),
            process: f(),
            activation: f(),
            drill: f(),
            action: f(),
            audit: f(),
            vendor: f(),
            share: f(),
            training: f(),
            review: f(),
            report: f(),
            form: f(),
            entry: f(),
            checklist: f(),
            programme: f(),
            monthly: f(),
            intel: f(),
            unit: f(),
            threat_notice: f(),
            threat_response: f(),
        }
    }
}

struct Target {
    ids: Ids,
    /// Every id of the target subtree (orgs, users, assignments, deputies, tokens).
    all_ids: BTreeSet<String>,
    /// Strings that must never appear in a response to the callers.
    markers: Vec<String>,
    /// A recurring obligation of PIF-HLT (附表 rule id; catalogue data, the
    /// same for the target and for unknown ids).
    rule_id: String,
    /// A full answer set of the grading questionnaire (question id → option id).
    answers: Value,
}

/// The name of the target's information system (a marker).
const TARGET_SYSTEM: &str = "衛生局隔離測試系統";
/// The asset of the target's risk (a marker).
const TARGET_RISK_ASSET: &str = "衛生局隔離測試資產";
/// The title and the reporter of the target's incident (markers).
const TARGET_INCIDENT: &str = "衛生局隔離測試事件";
const TARGET_REPORTER: &str = "衛生局隔離測試通報人";
/// The target's business process and drill (markers).
const TARGET_PROCESS: &str = "衛生局隔離測試業務流程";
const TARGET_DRILL: &str = "衛生局隔離測試演練";
/// The title of the target's audit (a marker).
const TARGET_AUDIT: &str = "衛生局隔離測試稽核";
/// The target's vendor and its staff member (markers).
const TARGET_VENDOR: &str = "衛生局隔離測試廠商";
const TARGET_VENDOR_STAFF: &str = "衛生局隔離測試駐點人員";
/// The target's training session and the person signed in (markers).
const TARGET_SESSION: &str = "衛生局隔離測試課程";
const TARGET_TRAINEE: &str = "衛生局隔離測試學員";
/// The title of the target's management review (a marker).
const TARGET_REVIEW: &str = "衛生局隔離測試管理審查";
/// A row of the target's implementation report (a marker).
const TARGET_REPORT: &str = "衛生局隔離測試實施情形說明";
/// The item of the target's resource request and the person in its
/// server room (markers).
const TARGET_FORM: &str = "衛生局隔離測試申請項目";
const TARGET_ENTRY: &str = "衛生局隔離測試進出人員";
/// The name of the target's audit checklist (a marker).
const TARGET_CHECKLIST: &str = "衛生局隔離測試查核項目表";
/// The target's L1-L5 programme and the achievements of its month
/// (markers).
const TARGET_PROGRAMME: &str = "衛生局隔離測試L1L5計畫";
const TARGET_MONTHLY: &str = "衛生局隔離測試月報成就";
const TARGET_INTEL: &str = "衛生局隔離測試情資";
const TARGET_THREAT: &str = "衛生局隔離測試威脅通報";
const TARGET_COVERAGE: &str = "衛生局隔離測試主控台";
/// A console's export of one device (the coverage routes).
const ISO_COVERAGE: &str = "hostname,ip,edr,edr_last_seen\niso-host-01,10.99.0.9,yes,2026-11-20\n";
/// A STIX 2.1 bundle of one indicator (what an import reads).
const ISO_STIX: &str = r#"{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [{"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created": "2026-11-20T01:00:00Z", "modified": "2026-11-20T01:00:00Z", "pattern": "[ipv4-addr:value = '198.51.100.99']", "pattern_type": "stix", "valid_from": "2026-11-20T01:00:00Z"}]}"#;
/// The sign-in sheet the import routes send (one person).
const SIGNIN_CSV: &str = "單位,職稱,姓名,性別\n資訊室,科員,隔離測試簽到人員,女\n";
/// The name of the target's asset in the register (a marker).
const TARGET_ASSET: &str = "衛生局隔離測試主機";
/// The file name of the target's inventory import (a marker).
const TARGET_IMPORT_FILE: &str = "衛生局隔離測試清單.csv";
/// A program in that file (a marker).
const TARGET_IMPORT_SOFTWARE: &str = "衛生局隔離測試匯入軟體";
/// The inventory file the upload routes send (a host of the caller's
/// making, one program).
const UPLOAD_CSV: &str = "host,name,version\nhlt-iso-09,Isolation Upload,1.0\n";

/// Creates a user through the application as the administrator, with a
/// role, able to log in with [`PASSWORD`] ([`TestEnv::make_user`]).
async fn make_user(
    env: &TestEnv,
    username: &str,
    display: &str,
    org: &OrgId,
    role: Role,
) -> UserId {
    env.make_user(username, display, org, role).await
}

async fn setup(env: &TestEnv) -> Target {
    let hlt = env.org("PIF-HLT").await;
    let hlt_it = env.org("PIF-HLT-IT").await;
    let pen = env.org("PEN").await;
    // the unrelated supervisor and the target's second user
    make_user(
        env,
        "supervisor.pen",
        "澎湖督導 測試",
        &pen,
        Role::Supervisor,
    )
    .await;
    let deputy_user = make_user(
        env,
        "deputy.health",
        "衛生局代理人 王小明",
        &hlt,
        Role::SecurityOfficer,
    )
    .await;
    let user = env.user_id("officer.health").await;
    let admin = env.principal("admin").await;
    let now = env.clock.unix();
    let d = env
        .app
        .create_deputy(
            &admin,
            zian_app::users::DeputyInput {
                principal_user_id: user.clone(),
                deputy_user_id: deputy_user.clone(),
                org_id: hlt.clone(),
                role: Role::SecurityOfficer,
                starts_at: now,
                ends_at: now + 30 * 86_400,
                reason: "出國公差".into(),
            },
        )
        .await
        .expect("deputy");
    let _ = env.token_for("officer.health").await;
    let token = env.store.system_tokens(&user).await.expect("tokens")[0]
        .id
        .clone();
    let assignment = env
        .store
        .system_assignments(&user, now)
        .await
        .expect("assignments")
        .into_iter()
        .find(|a| a.deputy_for.is_none())
        .expect("own assignment")
        .id;
    // the target subtree, read system-wide and kept by path (tests may not
    // build scopes; only the domain's authorisation does)
    let all = OrgScope::system_wide();
    let hlt_org = OrgStore::get(&env.store, &all, &hlt)
        .await
        .expect("db")
        .expect("hlt");
    let mut all_ids: BTreeSet<String> = [
        hlt.to_string(),
        hlt_it.to_string(),
        user.to_string(),
        deputy_user.to_string(),
        d.id.clone(),
        token.clone(),
    ]
    .into();
    let mut markers = Vec::new();
    let q = ListQuery::all(HARD_LIMIT);
    let subtree: Vec<_> = OrgStore::list(&env.store, &all, &q)
        .await
        .expect("orgs")
        .items
        .into_iter()
        .filter(|o| o.path.starts_with(&hlt_org.path))
        .collect();
    for o in &subtree {
        all_ids.insert(o.id.to_string());
        markers.push(o.name_zh.clone());
        markers.push(o.name_en.clone());
    }
    for u in env.store.list_users(&all, &q).await.expect("users").items {
        if !subtree.iter().any(|o| o.id == u.home_org_id) {
            continue;
        }
        all_ids.insert(u.id.to_string());
        markers.extend([u.username.clone(), u.display_name.clone(), u.email.clone()]);
        for a in env
            .store
            .system_assignments(&u.id, now)
            .await
            .expect("assignments")
        {
            all_ids.insert(a.id);
        }
        for t in env.store.system_tokens(&u.id).await.expect("tokens") {
            all_ids.insert(t.id);
        }
    }
    for dep in env.store.deputies(&all, &q).await.expect("deputies").items {
        if subtree.iter().any(|o| o.id == dep.org_id) {
            all_ids.insert(dep.id);
        }
    }
    // an information system, graded, and a risk: the records of issue 4
    let system = env
        .app
        .create_system(
            &admin,
            &hlt,
            zian_app::systems::SystemInput {
                name: TARGET_SYSTEM.into(),
                owner: "衛生局資訊室".into(),
                description: Some("隔離測試用".into()),
            },
        )
        .await
        .expect("system");
    let q = env.app.questionnaire().expect("questionnaire");
    let answers: Map<String, Value> = q
        .questions
        .iter()
        .map(|x| {
            let o = x.options.last().expect("question has options");
            (x.id.clone(), json!(o.id))
        })
        .collect();
    let answers = Value::Object(answers);
    env.app
        .grade_system(
            &admin,
            &system.id,
            zian_app::systems::GradingInput {
                answers: answers.clone(),
                assessor: "衛生局資訊室".into(),
                approver: "衛生局局長".into(),
                assessed_on: None,
            },
        )
        .await
        .expect("grading");
    let view = env
        .app
        .system_view(&admin, &system.id)
        .await
        .expect("system view");
    let control = view
        .soa
        .iter()
        .find(|r| r.required)
        .expect("a baseline control")
        .control
        .id
        .clone();
    let risk = env
        .app
        .create_risk(
            &admin,
            &hlt,
            zian_app::risk::RiskInput {
                system_id: Some(system.id.to_string()),
                asset: TARGET_RISK_ASSET.into(),
                threat: "勒索軟體".into(),
                weakness: "未更新".into(),
                likelihood: 2,
                vulnerability: 2,
                treatment: "accept".into(),
                owner: "衛生局資訊室".into(),
                ..Default::default()
            },
        )
        .await
        .expect("risk");
    // a maintenance plan (a draft from the template, ready to submit) and a
    // KPI measurement, and a CISO of the bureau who may approve the plan
    make_user(env, "ciso.health", "衛生局資安長 測試", &hlt, Role::Ciso).await;
    let plan = env
        .app
        .create_plan_version(
            &admin,
            &hlt,
            zian_app::plans::PlanStart::Template,
            "隔離測試初版",
        )
        .await
        .expect("plan");
    for (ch, body) in [
        (
            "organisation",
            json!({"ciso_name": "衛生局資安長", "groups": [{"name": "資安防護組"}]}),
        ),
        ("report", json!({"month": 10, "recipient": "屏東縣政府"})),
        (
            "business",
            json!({"non_core": [{"name": "差勤服務", "mtd_hours": 24}]}),
        ),
    ] {
        env.app
            .update_plan_chapter(&admin, &plan.id, ch, &body)
            .await
            .expect("plan chapter");
    }
    let kpi = env
        .app
        .record_kpi(
            &admin,
            &hlt,
            zian_app::plans::KpiInput {
                kpi: "phishing_open_rate".into(),
                period_end: "2026-09-30".into(),
                value: 4.0,
                note: Some("隔離測試".into()),
            },
        )
        .await
        .expect("kpi");
    let evidence = env
        .app
        .upload_evidence(
            &admin,
            &hlt,
            "隔離測試佐證.pdf",
            "application/pdf",
            // the target's name in the content: a download by an outsider leaks
            format!("%PDF-1.7 {TARGET_SYSTEM}").into_bytes(),
        )
        .await
        .expect("evidence");
    all_ids.insert(evidence.id.to_string());
    all_ids.insert(plan.id.to_string());
    all_ids.insert(kpi.id.clone());
    all_ids.insert(system.id.to_string());
    all_ids.insert(risk.risk.id.to_string());
    // an asset of the register, serving the system, with installed software
    let asset = env
        .app
        .create_asset(
            &admin,
            &hlt,
            zian_app::assets::AssetInput {
                name: TARGET_ASSET.into(),
                category: "hardware".into(),
                owner: "衛生局資訊室".into(),
                system_id: Some(system.id.to_string()),
                hostname: Some("hlt-iso-01".into()),
                ip: Some("10.99.0.1".into()),
                ..Default::default()
            },
        )
        .await
        .expect("asset");
    let software = env
        .app
        .add_software(
            &admin,
            &asset.id,
            zian_app::assets::SoftwareInput {
                name: "衛生局隔離測試軟體".into(),
                version: Some("1.0".into()),
                publisher: None,
                cpe23: None,
            },
        )
        .await
        .expect("software");
    // and one with a CPE name (the VANS upload lists the host by it)
    let mapped = env
        .app
        .add_software(
            &admin,
            &asset.id,
            zian_app::assets::SoftwareInput {
                name: "Apache Tomcat".into(),
                version: Some("7.0.47".into()),
                publisher: None,
                cpe23: Some("cpe:2.3:a:apache:tomcat:7.0.47:*:*:*:*:*:*:*".into()),
            },
        )
        .await
        .expect("mapped software");
    all_ids.insert(asset.id.to_string());
    all_ids.insert(software.id.clone());
    all_ids.insert(mapped.id.clone());
    // its vulnerabilities, matched against the demo feed
    let all = OrgScope::system_wide();
    env.app
        .clone()
        .with_feed_store(zian_testkit::feed_store().to_path_buf())
        .match_org(
            &all,
            &hlt,
            zian_domain::audit::AuditEvent::new("vulns.matched"),
        )
        .await
        .expect("match");
    let finding = VulnStore::all_findings(&env.store, &all, &hlt)
        .await
        .expect("findings")
        .into_iter()
        .find(|f| f.asset_id == asset.id)
        .expect("a finding of the target's asset");
    all_ids.insert(finding.id.to_string());
    // a software list uploaded for that host, previewed
    let import = env
        .app
        .preview_inventory(
            &admin,
            &hlt,
            TARGET_IMPORT_FILE,
            format!("host,name,version\nhlt-iso-01,{TARGET_IMPORT_SOFTWARE},2.0\n").as_bytes(),
            None,
        )
        .await
        .expect("import");
    all_ids.insert(import.import.id.to_string());
    // an incident of the bureau, recorded, not yet notified
    let incident = env
        .app
        .record_incident(
            &admin,
            &hlt,
            zian_app::incidents::IncidentInput {
                title: TARGET_INCIDENT.into(),
                aware_at: "2026-11-21T08:00".into(),
                reporter: TARGET_REPORTER.into(),
                asset_ids: Some(vec![asset.id.to_string()]),
                asset_class: "core".into(),
                confidentiality: "minor".into(),
                integrity: "none".into(),
                availability: "none".into(),
                playbook: Some("malware".into()),
                ..Default::default()
            },
        )
        .await
        .expect("incident");
    all_ids.insert(incident.incident.id.to_string());
    // a critical process with its plan, the plan activated, a drill planned
    // with a corrective action
    let process = env
        .app
        .save_process(
            &admin,
            &hlt,
            None,
            zian_app::continuity::ProcessInput {
                name: TARGET_PROCESS.into(),
                grade: "high".into(),
                mtd_hours: Some(8),
                rto_hours: Some(4),
                steps: Some("切換備援主機\n恢復服務".into()),
                resources: Some("備援主機".into()),
                ..Default::default()
            },
        )
        .await
        .expect("process");
    // the plan of a second process is the one activated (a plan runs once
    // at a time; the first stays ready for the activation routes)
    let standby = env
        .app
        .save_process(
            &admin,
            &hlt,
            None,
            zian_app::continuity::ProcessInput {
                name: format!("{TARGET_PROCESS}（備援）"),
                grade: "high".into(),
                steps: Some("切換備援主機\n恢復服務".into()),
                ..Default::default()
            },
        )
        .await
        .expect("process");
    all_ids.insert(standby.id.to_string());
    let activation = env
        .app
        .activate_plan(
            &admin,
            &standby.id,
            zian_app::continuity::ActivationInput {
                decided_by: "衛生局資安長".into(),
                ..Default::default()
            },
        )
        .await
        .expect("activation");
    let drill = env
        .app
        .save_drill(
            &admin,
            &hlt,
            None,
            zian_app::continuity::DrillInput {
                title: TARGET_DRILL.into(),
                drill_kind: "tabletop".into(),
                planned_on: "2026-11-21".into(),
                process_ids: Some(vec![process.id.to_string()]),
                ..Default::default()
            },
        )
        .await
        .expect("drill");
    let action = env
        .app
        .raise_action(
            &admin,
            zian_app::corrective::ActionInput {
                source: "drill".into(),
                source_id: drill.drill.id.to_string(),
                title: "衛生局隔離測試矯正措施".into(),
                owner: "資訊室".into(),
                due_on: "2026-12-31".into(),
            },
        )
        .await
        .expect("corrective action");
    // an internal audit of the bureau, planned with one item
    let audit = env
        .app
        .plan_audit(
            &admin,
            &hlt,
            zian_app::audits::AuditInput {
                title: TARGET_AUDIT.into(),
                starts_on: "2026-11-21".into(),
                ends_on: "2026-11-22".into(),
                notice_days: Some(0),
                auditee_units: vec!["資訊室".into()],
                team: vec![zian_app::audits::AuditorInput {
                    name: "衛生局稽核員".into(),
                    unit: "政風室".into(),
                    trained_on: Some("2026-01-01".into()),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .await
        .expect("audit");
    env.app
        .set_audit_items(
            &admin,
            &audit.audit.id,
            zian_app::audits::ItemsInput {
                checklist: "custom".into(),
                lines: "存取控制 | 衛生局隔離測試查核項目？".into(),
            },
        )
        .await
        .expect("audit items");
    // a vendor of the bureau, shared with the bureau's own vendor account
    let vendor = env
        .app
        .create_vendor(
            &admin,
            &hlt,
            zian_app::vendors::VendorInput {
                name: TARGET_VENDOR.into(),
                ..Default::default()
            },
        )
        .await
        .expect("vendor");
    env.app
        .save_vendor_staff(
            &admin,
            &vendor.vendor.id,
            zian_app::vendors::StaffInput {
                name: TARGET_VENDOR_STAFF.into(),
                on_site: true,
                ..Default::default()
            },
        )
        .await
        .expect("vendor staff");
    let vendor_user = make_user(
        env,
        "vendor.hlt",
        "衛生局隔離測試廠商帳號",
        &hlt,
        Role::Vendor,
    )
    .await;
    let share = env
        .app
        .share_with_vendor(
            &admin,
            &hlt,
            zian_app::vendors::ShareInput {
                record_type: "vendor".into(),
                record_id: vendor.vendor.id.to_string(),
                vendor_user: "vendor.hlt".into(),
            },
        )
        .await
        .expect("share");
    // a training plan and a session of the bureau, one person signed in
    env.app
        .save_training_plan(
            &admin,
            &hlt,
            zian_app::training::PlanInput {
                year: Some(2026),
                roster: vec![zian_app::training::PersonInput {
                    name: TARGET_TRAINEE.into(),
                    unit: "資訊室".into(),
                    audience: "general".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .await
        .expect("training plan");
    let session = env
        .app
        .record_training_session(
            &admin,
            &hlt,
            zian_app::training::SessionInput {
                title: TARGET_SESSION.into(),
                category: "general".into(),
                hours: "3".into(),
                held_on: "2026-11-20".into(),
                ..Default::default()
            },
        )
        .await
        .expect("training session");
    let sheet = format!("單位,姓名\n資訊室,{TARGET_TRAINEE}\n");
    env.app
        .preview_sign_in(&admin, &session.session.id, "hlt.csv", sheet.as_bytes())
        .await
        .expect("preview");
    env.app
        .commit_sign_in(
            &admin,
            &session.session.id,
            zian_app::training::CommitInput {
                expect: Some(sha256_hex(sheet.as_bytes())),
            },
        )
        .await
        .expect("sign-in");
    all_ids.insert(session.session.id.to_string());
    markers.extend([TARGET_SESSION.to_string(), TARGET_TRAINEE.to_string()]);
    // a management review of the bureau, being prepared
    let review = env
        .app
        .create_management_review(
            &admin,
            &hlt,
            zian_app::management_review::ReviewInput {
                title: TARGET_REVIEW.into(),
                scheduled_on: "2026-11-20".into(),
                ..Default::default()
            },
        )
        .await
        .expect("management review");
    all_ids.insert(review.id.to_string());
    markers.push(TARGET_REVIEW.to_string());
    // its implementation report, a draft with a marked row
    let report = env
        .app
        .draft_implementation_report(
            &admin,
            &hlt,
            zian_app::implementation_report::DraftInput { year: None },
        )
        .await
        .expect("implementation report");
    env.app
        .edit_implementation_report(
            &admin,
            &report.id,
            zian_app::implementation_report::EditInput {
                lines: vec![zian_app::implementation_report::LineInput {
                    code: "4.2".into(),
                    explanation: TARGET_REPORT.into(),
                    evidence: String::new(),
                }],
                other: None,
            },
        )
        .await
        .expect("report edit");
    all_ids.insert(report.id.to_string());
    markers.push(TARGET_REPORT.to_string());
    // a resource request filed by the bureau's officer and an entry to its
    // server room
    let officer = env.principal("officer.health").await;
    let form = env
        .app
        .create_resource_request(
            &officer,
            &hlt,
            zian_app::people_forms::RequestInput {
                unit: "資訊室".into(),
                request_type: "software".into(),
                item_name: TARGET_FORM.into(),
                quantity: 1,
                purchase: "new".into(),
                device: "host".into(),
                purpose: "隔離測試".into(),
                ..Default::default()
            },
        )
        .await
        .expect("resource request");
    let entry = env
        .app
        .record_area_entry(
            &officer,
            &hlt,
            zian_app::people_forms::EntryInput {
                area: "機房".into(),
                person: TARGET_ENTRY.into(),
                unit: "資訊室".into(),
                reason: "隔離測試".into(),
                ..Default::default()
            },
        )
        .await
        .expect("area entry");
    let checklist = env
        .app
        .create_audit_checklist(
            &officer,
            &hlt,
            zian_app::audits::ChecklistInput {
                name: TARGET_CHECKLIST.into(),
                lines: "存取控制 | 衛生局隔離測試查核問題？".into(),
            },
        )
        .await
        .expect("checklist");
    all_ids.extend([
        form.id.to_string(),
        entry.id.to_string(),
        checklist.id.to_string(),
    ]);
    markers.push(TARGET_CHECKLIST.to_string());
    // an L1-L5 programme with a task and November's draft
    let programme = env
        .app
        .create_maturity_programme(
            &officer,
            &hlt,
            zian_app::maturity::ProgrammeInput {
                title: TARGET_PROGRAMME.into(),
                starts: "2026-06".into(),
            },
        )
        .await
        .expect("programme");
    env.app
        .add_maturity_task(
            &officer,
            &programme.id,
            zian_app::maturity::TaskInput {
                layer: Some("l1".into()),
                phase: 1,
                title: "隔離測試任務".into(),
                ..Default::default()
            },
        )
        .await
        .expect("task");
    let monthly = env
        .app
        .create_maturity_report(
            &officer,
            &programme.id,
            zian_app::maturity::ReportInput {
                month: "2026-11".into(),
            },
        )
        .await
        .expect("monthly report");
    env.app
        .edit_maturity_report(
            &officer,
            &monthly.id,
            zian_app::maturity::ReportEditInput {
                achievements: TARGET_MONTHLY.into(),
                next_focus: "隔離測試".into(),
                ..Default::default()
            },
        )
        .await
        .expect("monthly edit");
    all_ids.extend([programme.id.to_string(), monthly.id.to_string()]);
    markers.extend([TARGET_PROGRAMME.to_string(), TARGET_MONTHLY.to_string()]);
    // a piece of intelligence, classified as a message
    let intel = env
        .app
        .create_intel(
            &officer,
            &hlt,
            zian_app::intel::IntelInput {
                title: TARGET_INTEL.into(),
                source: "advisory".into(),
                text: "隔離測試情資 198.51.100.77".into(),
                ..Default::default()
            },
        )
        .await
        .expect("intel");
    env.app
        .classify_intel(
            &officer,
            &intel.id,
            zian_app::intel::ClassifyInput {
                categories: vec!["message".into()],
                reliability: "probable".into(),
                timeliness: "current".into(),
                ..Default::default()
            },
        )
        .await
        .expect("intel classified");
    all_ids.insert(intel.id.to_string());
    markers.push(TARGET_INTEL.to_string());
    // a threat notice to the bureau's IT section
    let unit = env.org("PIF-HLT-IT").await;
    let threat = env
        .app
        .issue_threat_notice(
            &officer,
            &hlt,
            zian_app::threat_notices::NoticeInput {
                title: TARGET_THREAT.into(),
                severity: "high".into(),
                text: "隔離測試威脅通報內容".into(),
                due_on: "2026-11-30".into(),
                targets: vec![unit.to_string()],
                ..Default::default()
            },
        )
        .await
        .expect("threat notice");
    let threat_response = env
        .app
        .threat_notice(&officer, &threat.id)
        .await
        .expect("threat notice board")
        .rows[0]
        .response_id
        .clone();
    all_ids.extend([threat.id.to_string(), threat_response.clone()]);
    markers.push(TARGET_THREAT.to_string());
    // a console's export of the bureau's devices
    let export = env
        .app
        .import_coverage(
            &officer,
            &hlt,
            zian_app::coverage::ImportInput {
                dataset: "devices".into(),
                format: "csv".into(),
                source: TARGET_COVERAGE.into(),
                content: ISO_COVERAGE.into(),
                commit: true,
            },
            Default::default(),
        )
        .await
        .expect("coverage export");
    all_ids.extend(export.id);
    markers.push(TARGET_COVERAGE.to_string());
    markers.extend([TARGET_FORM.to_string(), TARGET_ENTRY.to_string()]);
    all_ids.extend([
        vendor.vendor.id.to_string(),
        share.share.id.clone(),
        vendor_user.to_string(),
    ]);
    markers.extend([TARGET_VENDOR.to_string(), TARGET_VENDOR_STAFF.to_string()]);
    all_ids.extend([
        process.id.to_string(),
        activation.activation.id.to_string(),
        drill.drill.id.to_string(),
        action.id.to_string(),
        audit.audit.id.to_string(),
    ]);
    markers.push(TARGET_AUDIT.to_string());
    markers.extend([
        TARGET_PROCESS.to_string(),
        TARGET_DRILL.to_string(),
        "衛生局隔離測試矯正措施".to_string(),
    ]);
    markers.extend([
        TARGET_INCIDENT.to_string(),
        TARGET_REPORTER.to_string(),
        TARGET_SYSTEM.to_string(),
        TARGET_RISK_ASSET.to_string(),
        TARGET_ASSET.to_string(),
        "hlt-iso-01".to_string(),
        "衛生局隔離測試軟體".to_string(),
        TARGET_IMPORT_FILE.to_string(),
        TARGET_IMPORT_SOFTWARE.to_string(),
    ]);
    // a recurring obligation that applies to PIF-HLT (level C, public)
    let compliance = env
        .app
        .org_compliance(&admin, &hlt)
        .await
        .expect("compliance");
    let rule_id = compliance
        .obligations
        .iter()
        .find(|v| {
            v.obligation.frequency.as_str() != "once" && v.status.as_str() != "not_applicable"
        })
        .expect("a recurring obligation of PIF-HLT")
        .obligation
        .id
        .clone();
    // an exemption request of the bureau awaiting its supervisors, for
    // another recurring obligation than the one the routes request
    let other_rule = compliance
        .obligations
        .iter()
        .find(|v| {
            v.obligation.frequency.as_str() != "once"
                && v.status.as_str() != "not_applicable"
                && v.obligation.id != rule_id
        })
        .expect("a second recurring obligation of PIF-HLT")
        .obligation
        .id
        .clone();
    let ov = env
        .app
        .request_override(
            &admin,
            &hlt,
            zian_app::compliance::OverrideInput {
                rule_id: other_rule,
                kind: "exempt".into(),
                reason: "隔離測試免辦申請".into(),
                ..Default::default()
            },
        )
        .await
        .expect("override request");
    all_ids.insert(ov.id.clone());
    // a background job of the bureau whose only attempt failed (dead: an
    // administrator may run it again); the oldest due job, so this claim
    // takes it
    let (job, _) = env
        .app
        .enqueue_job(zian_domain::jobs::NewJob {
            kind: "demo.sleep".into(),
            payload: r#"{"fail": true}"#.into(),
            org_id: Some(hlt.clone()),
            run_at: env.clock.unix() - 86_400,
            max_attempts: 1,
            idempotency_key: None,
        })
        .await
        .expect("job");
    let claimed = JobStore::claim(&env.store, "isolation", env.clock.unix(), 60)
        .await
        .expect("claim")
        .expect("a due job");
    assert_eq!(claimed.id, job);
    JobStore::fail(
        &env.store,
        &job,
        "isolation",
        "盤點失敗（測試）",
        env.clock.unix(),
    )
    .await
    .expect("fail");
    all_ids.insert(job.clone());
    // a document of the bureau produced in the background, done
    let officer = env.principal("officer.health").await;
    let document_job = env
        .app
        .start_document_job(&officer, &hlt, "risk-assessment", "pdf")
        .await
        .expect("document job");
    let mut worker = zian_app::jobs::Worker::new(
        env.app.clone(),
        zian_app::jobs::Handlers::standard(),
        zian_app::jobs::JobsConfig {
            schedules: vec![],
            ..Default::default()
        },
    )
    .expect("worker");
    for _ in 0..20 {
        if env
            .app
            .document_job(&officer, &document_job)
            .await
            .expect("document job")
            .file
            .is_some()
        {
            break;
        }
        worker.tick().await.expect("tick");
    }
    all_ids.insert(document_job.clone());
    // the bureau's logo (a marker: its SHA-256, the ETag it is served with)
    let ciso = env.principal("ciso.health").await;
    let logo = env
        .app
        .save_document_logo(&ciso, &hlt, &iso_logo(40, 20))
        .await
        .expect("logo");
    all_ids.insert(logo.sha256.clone());
    let admin_id = env.user_id("admin").await;
    let raised = env
        .app
        .raise(
            std::slice::from_ref(&admin_id),
            &zian_app::inbox::Raise {
                event: "job.dead",
                org: Some(hlt.clone()),
                title: zian_i18n::msg!("inbox.notice.job_dead", kind = "衛生局盤點"),
                title_en: None,
                link: Some(format!("/admin/jobs/{job}")),
                dedupe_key: None,
            },
        )
        .await;
    assert_eq!(raised, 1);
    let notice = InboxStore::list(&env.store, &admin_id, &ListQuery::all(10))
        .await
        .expect("inbox")
        .items
        .into_iter()
        .next()
        .expect("the notice")
        .id;
    all_ids.insert(notice.clone());
    // a webhook of the bureau (a public address: nothing is sent without a
    // worker) with one delivery whose attempt is logged
    let hook = env
        .app
        .create_webhook(
            &admin,
            &hlt,
            zian_app::webhooks::WebhookInput {
                url: "https://93.184.215.14/isolation".into(),
                events: vec!["plan.approved".into()],
            },
        )
        .await
        .expect("webhook");
    let delivery = env
        .app
        .ping_webhook(&admin, &hook.webhook.id)
        .await
        .expect("ping");
    WebhookStore::record_attempt(
        &env.store,
        &zian_domain::webhooks::WebhookAttempt {
            delivery_id: delivery.clone(),
            attempt: 1,
            at: env.clock.unix(),
            status_code: Some(500),
            duration_ms: 3,
            error: Some("HTTP 500".into()),
        },
        zian_domain::webhooks::DeliveryStatus::Queued,
    )
    .await
    .expect("attempt");
    all_ids.insert(hook.webhook.id.clone());
    all_ids.insert(delivery.clone());
    markers.extend(all_ids.iter().cloned());
    markers.retain(|m| !m.is_empty());
    assert!(
        markers.iter().any(|m| m == "屏東縣政府衛生局")
            && markers.iter().any(|m| m == "officer.health")
    );
    Target {
        ids: Ids {
            org: hlt.into_string(),
            user: user.into_string(),
            deputy_user: deputy_user.into_string(),
            assignment,
            deputy: d.id,
            token,
            system: system.id.into_string(),
            control,
            plan: plan.id.into_string(),
            evidence: evidence.id.into_string(),
            risk: risk.risk.id.to_string(),
            override_: ov.id,
            webhook: hook.webhook.id,
            delivery,
            job,
            document_job,
            notice,
            asset: asset.id.to_string(),
            software: software.id,
            import: import.import.id.into_string(),
            finding: finding.id.into_string(),
            incident: incident.incident.id.into_string(),
            process: process.id.into_string(),
            activation: activation.activation.id.into_string(),
            drill: drill.drill.id.into_string(),
            audit: audit.audit.id.into_string(),
            action: action.id.into_string(),
            vendor: vendor.vendor.id.into_string(),
            share: share.share.id,
            training: session.session.id.into_string(),
            review: review.id.into_string(),
            report: report.id.into_string(),
            form: form.id.into_string(),
            entry: entry.id.into_string(),
            checklist: checklist.id.into_string(),
            programme: programme.id.into_string(),
            monthly: monthly.id.into_string(),
            intel: intel.id.into_string(),
            unit: unit.into_string(),
            threat_notice: threat.id.into_string(),
            threat_response,
        },
        all_ids,
        markers,
        rule_id,
        answers,
    }
}

/// Everything a caller might write, minus the callers' own rows (their
/// locale, login counters and token use are theirs to change).
async fn snapshot(env: &TestEnv, exclude_users: &BTreeSet<String>) -> BTreeMap<String, String> {
    let all = OrgScope::system_wide();
    let q = ListQuery::all(HARD_LIMIT);
    let now = env.clock.unix();
    let mut m = BTreeMap::new();
    let orgs = OrgStore::list(&env.store, &all, &q)
        .await
        .expect("orgs")
        .items;
    for o in &orgs {
        let h = env.store.history(&all, &o.id).await.expect("history");
        // the organisation's own risk settings, if any
        let rs: Vec<_> = env
            .store
            .scale_chain(&all, &o.id)
            .await
            .expect("risk settings")
            .into_iter()
            .filter(|x| x.org_id == o.id)
            .collect();
        m.insert(format!("org {}", o.id), format!("{o:?} {h:?} {rs:?}"));
    }
    for u in env.store.list_users(&all, &q).await.expect("users").items {
        // notices and preferences are their owner's: the caller's too
        let n = InboxStore::list(&env.store, &u.id, &q)
            .await
            .expect("inbox")
            .items;
        let prefs = InboxStore::prefs(&env.store, &u.id).await.expect("prefs");
        if !n.is_empty() || !prefs.is_empty() {
            m.insert(format!("inbox {}", u.username), format!("{n:?} {prefs:?}"));
        }
        if exclude_users.contains(u.id.as_str()) {
            continue;
        }
        let c = env
            .store
            .system_credentials(&u.id)
            .await
            .expect("db")
            .expect("user");
        let a = env
            .store
            .system_assignments(&u.id, now)
            .await
            .expect("assignments");
        let t = env.store.system_tokens(&u.id).await.expect("tokens");
        let rc = env
            .store
            .system_count_recovery_codes(&u.id)
            .await
            .expect("codes");
        m.insert(
            format!("user {}", u.username),
            format!(
                "{u:?} hash={} totp={:?}/{:?} failed={} codes={rc} roles={a:?} tokens={t:?}",
                c.password_hash, c.totp_secret, c.totp_last_step, c.failed_logins
            ),
        );
    }
    m.insert(
        "plans".into(),
        format!(
            "{:?}",
            PlanStore::list(&env.store, &all, None)
                .await
                .expect("plans")
        ),
    );
    for o in &orgs {
        let k = env.store.kpis(&all, &o.id).await.expect("kpis");
        if !k.is_empty() {
            m.insert(format!("kpis {}", o.id), format!("{k:?}"));
        }
        let e = EvidenceStore::list(&env.store, &all, &o.id, &q)
            .await
            .expect("evidence")
            .items;
        if !e.is_empty() {
            m.insert(format!("evidence {}", o.id), format!("{e:?}"));
        }
        for x in IncidentStore::list(&env.store, &all, &o.path, &IncidentFilter::default(), &q)
            .await
            .expect("incidents")
            .items
            .into_iter()
            .filter(|x| x.org_id == o.id)
        {
            let t = IncidentStore::timeline(&env.store, &all, &x.id)
                .await
                .expect("timeline");
            m.insert(format!("incident {}", x.id), format!("{x:?} {t:?}"));
        }
        let r = RiskStore::list(&env.store, &all, &o.id, &RiskFilter::default(), &q)
            .await
            .expect("risks")
            .items;
        if !r.is_empty() {
            m.insert(format!("risks {}", o.id), format!("{r:?}"));
        }
        let j = JobStore::list(&env.store, &all, &q.clone().with("org", o.id.as_str()))
            .await
            .expect("jobs")
            .items;
        if !j.is_empty() {
            m.insert(format!("jobs {}", o.id), format!("{j:?}"));
        }
        for a in AssetStore::list(&env.store, &all, &o.id, &q.clone().with("status", "all"))
            .await
            .expect("assets")
            .items
        {
            let sw = AssetStore::software(&env.store, &all, &a.id)
                .await
                .expect("software");
            m.insert(format!("asset {}", a.id), format!("{a:?} {sw:?}"));
        }
        let imports = InventoryStore::imports(&env.store, &all, &o.id, 1000)
            .await
            .expect("imports");
        if !imports.is_empty() {
            m.insert(
                format!("inventory imports {}", o.id),
                format!("{imports:?}"),
            );
        }
        let findings = VulnStore::all_findings(&env.store, &all, &o.id)
            .await
            .expect("findings");
        if !findings.is_empty() {
            m.insert(format!("findings {}", o.id), format!("{findings:?}"));
        }
        let policy = VulnStore::policy(&env.store, &all, &o.id)
            .await
            .expect("policy");
        let run = VulnStore::last_run(&env.store, &all, &o.id)
            .await
            .expect("run");
        let declared: Vec<_> = VulnStore::declared_endpoints(&env.store, &all, &o.path)
            .await
            .expect("declared endpoints")
            .into_iter()
            .filter(|(x, _)| *x == o.id)
            .collect();
        m.insert(
            format!("vuln policy {}", o.id),
            format!("{policy:?} {run:?} {declared:?}"),
        );
        let maps = AssetStore::mappings(&env.store, &all, &o.id)
            .await
            .expect("cpe mappings");
        if !maps.is_empty() {
            m.insert(format!("cpe mappings {}", o.id), format!("{maps:?}"));
        }
        let vendors = VendorStore::vendors(&env.store, &all, &o.id, &q)
            .await
            .expect("vendors")
            .items;
        let shares = VendorStore::shares(&env.store, &all, &o.id, None)
            .await
            .expect("shares");
        let sessions = TrainingStore::sessions(
            &env.store,
            &all,
            Some(&o.id),
            time::Date::MIN,
            time::Date::MAX,
        )
        .await
        .expect("training sessions");
        let plans = TrainingStore::training_plans(&env.store, &all, Some(&o.id), 1900, 9999)
            .await
            .expect("training plans");
        let forms = PeopleFormsStore::forms(&env.store, &all, &o.path, None)
            .await
            .expect("people forms");
        let entries = PeopleFormsStore::entries(&env.store, &all, &o.path, i64::MIN, i64::MAX)
            .await
            .expect("area entries");
        let checklists =
            SecurityAuditStore::checklists(&env.store, &all, std::slice::from_ref(&o.id))
                .await
                .expect("checklists");
        let programmes = MaturityStore::programmes(&env.store, &all, Some(&o.id))
            .await
            .expect("maturity programmes");
        let mut monthly = Vec::new();
        for x in &programmes {
            monthly.extend(
                MaturityStore::reports(&env.store, &all, &x.id)
                    .await
                    .expect("maturity reports"),
            );
        }
        if !programmes.is_empty() {
            m.insert(
                format!("maturity {}", o.id),
                format!("{programmes:?} {monthly:?}"),
            );
        }
        if !checklists.is_empty() {
            m.insert(
                format!("audit checklists {}", o.id),
                format!("{checklists:?}"),
            );
        }
        if !forms.is_empty() || !entries.is_empty() {
            m.insert(
                format!("people forms {}", o.id),
                format!("{forms:?} {entries:?}"),
            );
        }
        let reviews = ManagementReviewStore::reviews(&env.store, &all, Some(&o.id))
            .await
            .expect("management reviews");
        let reports = ImplementationReportStore::reports(&env.store, &all, Some(&o.id), None)
            .await
            .expect("implementation reports");
        if !reports.is_empty() {
            m.insert(
                format!("implementation reports {}", o.id),
                format!("{reports:?}"),
            );
        }
        if !reviews.is_empty() {
            m.insert(
                format!("management reviews {}", o.id),
                format!("{reviews:?}"),
            );
        }
        if !sessions.is_empty() || !plans.is_empty() {
            m.insert(
                format!("training {}", o.id),
                format!("{sessions:?} {plans:?}"),
            );
        }
        if !vendors.is_empty() || !shares.is_empty() {
            m.insert(
                format!("vendors {}", o.id),
                format!("{vendors:?} {shares:?}"),
            );
        }
        for w in WebhookStore::list(&env.store, &all, &o.id, &q)
            .await
            .expect("webhooks")
            .items
        {
            let d = WebhookStore::deliveries(&env.store, &all, &w.id, &q)
                .await
                .expect("deliveries")
                .items;
            m.insert(format!("webhook {}", w.id), format!("{w:?} {d:?}"));
        }
    }
    m.insert(
        "deputies".into(),
        format!(
            "{:?}",
            env.store.deputies(&all, &q).await.expect("deputies").items
        ),
    );
    m.insert(
        "overrides".into(),
        format!(
            "{:?}",
            ComplianceStore::overrides(&env.store, &all, None)
                .await
                .expect("overrides")
        ),
    );
    // the records: systems (archived too), risks, and the target's risk settings
    m.insert(
        "systems".into(),
        format!(
            "{:?}",
            SystemStore::all(&env.store, &all, None, true)
                .await
                .expect("systems")
        ),
    );
    m
}

fn diff(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<String> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| format!("{k}: {:?} -> {:?}", a.get(k), b.get(k)))
        .collect()
}

// ---------------------------------------------------------------- bodies

/// Per-call context for building paths and bodies.
struct BodyCtx<'a> {
    ids: &'a Ids,
    /// Where a "move" route should move the target (the caller's own
    /// organisation: pulling the target into one's own subtree).
    move_parent: String,
    /// Unique suffix for usernames and codes.
    n: usize,
    /// The obligation completed or overridden by the compliance routes.
    rule_id: &'a str,
    /// The grading answers.
    answers: &'a Value,
}

fn path_for(path: &str, ids: &Ids) -> Vec<String> {
    // each parameter takes the id of the kind named by the segment before it;
    // an unknown segment tries every kind, so new routes are covered too
    let mut out = vec![String::new()];
    let mut prev = "";
    for seg in path.split('/').skip(1) {
        let choices: Vec<String> = match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            None => vec![seg.to_string()],
            Some(param) => match (param, prev) {
                ("file", _) => vec!["app.css".into()],
                ("rid", _) | (_, "roles") => vec![ids.assignment.clone()],
                (_, "orgs") => vec![ids.org.clone()],
                (_, "users") => vec![ids.user.clone()],
                (_, "deputies") => vec![ids.deputy.clone()],
                (_, "tokens") => vec![ids.token.clone()],
                (_, "systems") => vec![ids.system.clone()],
                (_, "plans") => vec![ids.plan.clone()],
                (_, "evidence") => vec![ids.evidence.clone()],
                ("chapter", _) => vec!["report".into()],
                ("control_id", _) | (_, "controls") => vec![ids.control.clone()],
                (_, "risks") => vec![ids.risk.clone()],
                (_, "incidents") => vec![ids.incident.clone()],
                (_, "processes") => vec![ids.process.clone()],
                (_, "activations") => vec![ids.activation.clone()],
                (_, "drills") => vec![ids.drill.clone()],
                (_, "corrective-actions") => vec![ids.action.clone()],
                (_, "audits") => vec![ids.audit.clone()],
                (_, "vendors") => vec![ids.vendor.clone()],
                (_, "training-sessions") => vec![ids.training.clone()],
                (_, "management-reviews") => vec![ids.review.clone()],
                (_, "implementation-reports") => vec![ids.report.clone()],
                (_, "people-forms") => vec![ids.form.clone()],
                (_, "area-entries") => vec![ids.entry.clone()],
                (_, "audit-checklists") => vec![ids.checklist.clone()],
                (_, "maturity-programmes") => vec![ids.programme.clone()],
                (_, "maturity-reports") => vec![ids.monthly.clone()],
                (_, "intel") => vec![ids.intel.clone()],
                (_, "threat-notices") => vec![ids.threat_notice.clone()],
                (_, "threat-responses") => vec![ids.threat_response.clone()],
                (_, "shares") | (_, "shared") => vec![ids.share.clone()],
                // a record's documents are its kind's; an organisation's
                (_, "documents")
                    if path.starts_with("/incidents/")
                        || path.starts_with("/api/v1/incidents/") =>
                {
                    vec!["incident-report".into()]
                }
                (_, "documents") if path.contains("/processes/") => vec!["continuity-plan".into()],
                (_, "documents") if path.contains("/drills/") => vec!["drill-report".into()],
                (_, "documents") if path.contains("/audits/") => vec!["audit-report".into()],
                (_, "documents") if path.contains("/implementation-reports/") => {
                    vec!["implementation-report".into()]
                }
                (_, "documents") if path.contains("/vendors/") => vec!["vendor-nda".into()],
                (_, "documents") if path.contains("/management-reviews/") => {
                    vec!["management-review-minutes".into()]
                }
                (_, "documents") if path.contains("/maturity-reports/") => {
                    vec!["maturity-report".into()]
                }
                (_, "documents") if path.contains("/people-forms/") => {
                    vec!["resource-request".into()]
                }
                (_, "documents") | (_, "document-settings") => vec!["risk-assessment".into()],
                (_, "overrides") => vec![ids.override_.clone()],
                (_, "webhooks") => vec![ids.webhook.clone()],
                (_, "webhook-deliveries") => vec![ids.delivery.clone()],
                (_, "jobs") => vec![ids.job.clone()],
                (_, "document-jobs") => vec![ids.document_job.clone()],
                (_, "inbox") => vec![ids.notice.clone()],
                (_, "assets") => vec![ids.asset.clone()],
                (_, "inventory") => vec![ids.import.clone()],
                (_, "vulns") => vec![ids.finding.clone()],
                ("software_id", _) | (_, "software") => vec![ids.software.clone()],
                _ => vec![
                    ids.org.clone(),
                    ids.user.clone(),
                    ids.deputy_user.clone(),
                    ids.assignment.clone(),
                    ids.deputy.clone(),
                    ids.token.clone(),
                    ids.system.clone(),
                    ids.plan.clone(),
                    ids.evidence.clone(),
                    ids.risk.clone(),
                    ids.override_.clone(),
                ],
            },
        };
        out = out
            .iter()
            .flat_map(|p| choices.iter().map(move |c| format!("{p}/{c}")))
            .collect();
        prev = seg;
    }
    out
}

/// A value for a JSON property, by name, that would make an administrator's
/// request succeed against the target.
fn field_value(
    name: &str,
    schema: &Value,
    props: &BTreeSet<String>,
    path: &str,
    c: &BodyCtx,
) -> Value {
    let is_move = path.ends_with("/move");
    match name {
        // people forms: the target's request's unit head signs; a request,
        // an agreement of the target's user, an entry, its leaving now
        "step" if path.contains("/people-forms/") => json!("unit_head"),
        "request_type" => json!("software"),
        "purchase" => json!("new"),
        "device" => json!("host"),
        "access" => json!("ordinary"),
        "requested_on" | "needed_on" | "signed_on" | "signatory" | "entered_at" | "left_at" => {
            Value::Null
        }
        // maturity: a programme from 2027-01; the five layers of the
        // framework; a task of L1 in phase 1; December's report; a
        // November score; task 1 done
        "starts" => json!("2027-01"),
        // the tracking lists, replaced by none
        "risks" | "issues" | "hours" | "budget" if path.ends_with("/tracking") => json!([]),
        "layers" if path.contains("/maturity-programmes/") => json!(
            ["l1", "l2", "l3", "l4", "l5"]
                .iter()
                .map(|l| json!({"layer": l, "name": "隔離測試", "start": 1.0, "target": 2.0, "rubric": ["一", "二", "三", "四", "五"]}))
                .collect::<Vec<_>>()
        ),
        "layers" if path.contains("/maturity-reports/") => {
            json!([{"layer": "l1", "maturity": 2.0}])
        }
        "layer" => json!("l1"),
        "phase" => json!(1),
        "programme_month" => Value::Null,
        "month" if path.contains("/maturity-programmes/") => json!("2026-12"),
        // intelligence: typed in (no more indicators); a bundle imported;
        // classified as a message and its handling recorded
        "source" if path.contains("/intel") => json!("manual"),
        // coverage: a console's export of one device, kept
        "source" if path.contains("/coverage") => json!("隔離測試主控台"),
        "dataset" => json!("devices"),
        "format" if path.ends_with("/coverage/import") => json!("csv"),
        "content" if path.ends_with("/coverage/import") => json!(ISO_COVERAGE),
        "received_on" | "valid_until" => Value::Null,
        "indicators" => json!(""),
        "content" if path.ends_with("/intel/import") => json!(ISO_STIX),
        "format" if path.ends_with("/intel/import") => json!("stix"),
        "categories" => json!(["message"]),
        "reliability" => json!("probable"),
        "timeliness" => json!("current"),
        "category" if props.contains("imminent") => json!("message"),
        // threat notices: one to the target's IT section; its first step
        // reported
        "severity" if path.contains("/threat-notices") => json!("high"),
        "targets" => json!([c.ids.unit]),
        "cves" => json!(""),
        "intel_id" | "affected" => Value::Null,
        "step" if path.contains("/threat-responses/") => json!("investigate"),
        // the review meeting of the target's November: the five agenda
        // items noted, no resolution
        "meeting_on" => json!("2026-11-21"),
        "minutes" => json!(
            ["layers", "okr", "risks", "next_month", "resources"]
                .iter()
                .map(|i| json!({"item": i, "note": "隔離測試"}))
                .collect::<Vec<_>>()
        ),
        "resolutions" => json!([]),
        "parent_id" if is_move => json!(c.move_parent),
        "parent_id" | "org_id" | "home_org_id" => json!(c.ids.org),
        "principal_user_id" | "user_id" => json!(c.ids.user),
        "deputy_user_id" => json!(c.ids.deputy_user),
        "role" if props.contains("principal_user_id") => json!("security_officer"),
        "role" => json!("it_staff"),
        "code" if props.contains("name_zh") => Value::Null,
        "code" => json!("123456"),
        "name_zh" => json!(format!("隔離測試機關{}", c.n)),
        "name_en" => json!("Isolation test"),
        "tier" => json!("unit"),
        // an override's kind (an exemption), else an organisation's
        "kind" if props.contains("rule_id") => json!("exempt"),
        "kind" if props.contains("auditee_units") => json!("internal"),
        "kind" => json!("public"),
        "level" | "level_assigned_on" | "level_review_due" | "fiscal_tier" => Value::Null,
        "username" => json!(format!("iso.user{}", c.n)),
        "display_name" => json!("隔離測試改名"),
        "email" => json!("changed@isolation.example"),
        "password" | "temporary_password" => json!("Isolation-Reset-2026!"),
        // the callers' own password stays what it was (a reuse is refused)
        "current_password" | "new_password" => json!(PASSWORD),
        "locale" => json!("zh-TW"),
        "active" => json!(false),
        "unlock" => json!(true),
        "permissions" => json!(["org_read"]),
        "name" => json!("isolation token"),
        "expires_days" => json!(30),
        "never_expires" => Value::Null,
        "starts_at" => json!("2026-11-21"),
        "ends_at" => json!("2026-12-21"),
        "reason" => json!("隔離測試"),
        // compliance: a completion or an exemption of a recurring obligation
        "rule_id" => json!(c.rule_id),
        "frequency" | "unit" | "deadline_months" | "count" if props.contains("rule_id") => {
            Value::Null
        }
        "approver" => json!("衛生局局長"),
        "assessor" => json!("衛生局資訊室"),
        // audits: the target's plan (starting today, no notice), its items,
        // one result, the report; an action's analysis and review
        "run_by" | "notice_days" | "reviewed_on" => Value::Null,
        "starts_on" => json!("2026-11-21"),
        "ends_on" => json!("2026-11-22"),
        "auditee_units" => json!(["資訊室"]),
        "team" => json!([{"name": "隔離稽核員", "unit": "政風室", "trained_on": "2026-01-01"}]),
        "checklist" => json!("custom"),
        // an implementation report's rows: none edited
        "lines" if path.contains("/implementation-reports/") => json!([]),
        "lines" => json!("存取控制 | 隔離測試查核項目？"),
        "answers" if path.ends_with("/answers") => {
            json!([{"item": 0, "answer": "conforms", "note": "隔離測試"}])
        }
        "conclusion" => json!("隔離測試"),
        // vendors: an entry, a contract, a staff member, a device check of
        // the target's staff member; a share of the target's corrective
        // action with the bureau's vendor account
        "tax_id" => json!(""),
        "contact_email" => json!("vendor@isolation.example"),
        "certificate_issued_on"
        | "nda_signed_on"
        | "agreement_signed_on"
        | "left_on"
        | "data_returned_on"
        | "checked_on"
        | "index" => Value::Null,
        "system_ids" if props.contains("security_requirements") => json!([]),
        "staff" => json!(TARGET_VENDOR_STAFF),
        "record_type" => json!("corrective_action"),
        "record_id" => json!(c.ids.action),
        "vendor_user" => json!("vendor.hlt"),
        "root_cause" | "similar" | "plan" if path.ends_with("/analysis") => json!("隔離測試"),
        "effective" => json!(true),
        // today on the test clock (completion and grading dates must not be
        // in the future)
        "approved_on" | "completed_on" | "due_on" | "planned_on" | "assessed_on"
        | "effective_from" => json!("2026-11-21"),
        // a completion defaults to the outstanding due date (a given date must
        // be one of the obligation's due dates)
        "due_date" | "effective_to" => Value::Null,
        "note" => json!("隔離測試完成紀錄"),
        "evidence_link" => json!("/evidence/isolation-2026.pdf"),
        "evidence_text" => json!("隔離測試證據"),
        "evidence_sha256" => Value::Null,
        // systems: grading and a baseline control's status
        "answers" => c.answers.clone(),
        "control_id" => json!(c.ids.control),
        "status" if props.contains("likelihood") => json!("open"),
        // vulnerabilities: one assessment of the target's open findings
        "action" if props.contains("plan_action") => json!("needs_fix"),
        "status" | "severity" | "kev" | "certainty" | "overdue" | "cve" | "asset" | "core"
        | "exposed" | "q" | "notified" | "kpi" | "accepted_until" | "plan_action" | "plan_due"
            if props.contains("plan_action") =>
        {
            Value::Null
        }
        // incidents: an assessment (nothing recorded); a record of the
        // target's, its notification, a note
        "action" if props.contains("root_cause") => json!("notified"),
        "at" | "occurred_at" | "root_cause" | "lessons" | "follow_up" | "level_override"
        | "override_reason"
            if props.contains("aware_at")
                || props.contains("root_cause")
                || props.contains("text") =>
        {
            Value::Null
        }
        "text" => json!("隔離測試"),
        "playbook" => Value::Null,
        // continuity: a process (medium, no plan), an activation of the
        // target's plan, a step, the termination, a drill and its report, a
        // social-engineering round, a corrective action of the target's
        // incident and its completion
        "grade" => json!("medium"),
        "roles" => Value::Null,
        "impacts" | "mtd_hours" | "rto_hours" | "rpo_hours" | "system_ids" | "asset_ids"
        | "process_ids" | "incident_id" | "decided_at" | "part" | "recovery_minutes"
        | "open_target" | "click_target" | "done_on" => Value::Null,
        "at" if props.contains("step") || props.contains("terminated_by") => Value::Null,
        "decided_by" | "terminated_by" | "approved_by" => json!("隔離測試"),
        "step" => json!(0),
        "drill_kind" => json!("tabletop"),
        "done" => json!(true),
        "started_at" => json!("2026-11-21T08:00"),
        "ended_at" => json!("2026-11-21T08:30"),
        "result" => json!("隔離測試"),
        "round" => json!(format!("隔離測試梯次{}", c.n)),
        "held_on" => json!("2026-11-21"),
        "scheduled_on" => json!("2026-11-21"),
        "participants" if props.contains("planned_on") => json!("隔離測試"),
        "participants" => json!(10),
        "opened" => json!(1),
        "clicked" => json!(0),
        "source" => json!("incident"),
        "source_id" => json!(c.ids.incident),
        "finding_ids" => json!([c.ids.finding]),
        "title" => json!("隔離測試"),
        "reporter" => json!("隔離測試"),
        "asset_class" => json!("core"),
        "aware_at" => json!("2026-11-21T08:30"),
        "asset" if props.contains("aware_at") => json!("core"),
        "confidentiality" | "integrity" => json!("minor"),
        "availability" => json!("within_mtd"),
        "notified_at" | "recovered_at" => Value::Null,
        // assets: a host of the register; software with a CPE name
        "status" if props.contains("category") => json!("in_service"),
        // training: a session of general awareness; a sign-in sheet and its
        // commit (the target's previewed first)
        "category" if props.contains("hours") => json!("general"),
        "hours" => json!("3"),
        "method" if props.contains("hours") => json!("physical"),
        "instructor_gender" => json!(""),
        "year" => Value::Null,
        "expect" if path.ends_with("/sign-in") => json!(sha256_hex(SIGNIN_CSV.as_bytes())),
        "content_base64" if path.ends_with("/sign-in/preview") => {
            json!(data_encoding::BASE64.encode(SIGNIN_CSV.as_bytes()))
        }
        "category" => json!("hardware"),
        "quantity" => json!(2),
        "ip" => json!("10.99.0.2"),
        "mac" => json!("00:11:22:33:44:55"),
        "kbs" => json!("KB5034441"),
        "disposed_on" | "disposal_method" => Value::Null,
        "cpe23" => json!("cpe:2.3:a:isolation:test:1.0:*:*:*:*:*:*:*"),
        "status" => json!("implemented"),
        "owner" => json!("隔離測試負責人"),
        "description" | "evidence" | "na_reason" => json!("隔離測試"),
        // risk: unlinked, scored 1×1×1, accepted
        "system_id" => Value::Null,
        "treatment" => json!("accept"),
        "threshold" => json!(6),
        // risk settings: a 1–4 scale (the target's risk fits), no labels
        "scale_max" | "asset_value_max" | "likelihood_max" | "vulnerability_max" => json!(4),
        "asset" | "threat" | "weakness" => json!("隔離測試"),
        // maintenance plan: a new version from the latest, one chapter's
        // content, a KPI measurement
        "start" => Value::Null,
        "content" => json!({"report": {"month": 5, "recipient": "隔離測試"}}),
        "change_note" => json!("隔離測試"),
        "kpi" => json!("core_system_availability"),
        "period_end" => json!("2026-11-21"),
        "value" => json!(99.9),
        // evidence: a small file; completions without one
        "filename" => json!("隔離測試.pdf"),
        "content_type" => json!("application/pdf"),
        "content_base64" if path.ends_with("/document-logo") => {
            json!(data_encoding::BASE64.encode(&iso_logo(30, 30)))
        }
        "content_base64" if path.ends_with("/inventory") => {
            json!(data_encoding::BASE64.encode(UPLOAD_CSV.as_bytes()))
        }
        "content_base64" => json!("JVBERi0xLjcgaXNvbGF0aW9u"),
        // inventory: a file of one host; a commit without a fingerprint
        "file_name" => json!("isolation.csv"),
        "default_host" | "expect" => Value::Null,
        // vulnerabilities: the endpoints an organisation declares
        "endpoints" => json!(5),
        "accept_errors" => json!(false),
        "evidence_id" => Value::Null,
        // webhooks: a public address (nothing is sent without a worker)
        "url" => json!("https://93.184.215.14/isolation"),
        "events" => json!(["plan.approved"]),
        _ => match schema["type"].as_str() {
            Some("integer") | Some("number") => json!(1),
            Some("boolean") => json!(true),
            Some("array") => json!([]),
            _ => json!("x"),
        },
    }
}

fn collect_props(doc: &Value, s: &Value, out: &mut BTreeMap<String, Value>) {
    let s = resolve(doc, s);
    if let Some(p) = s["properties"].as_object() {
        for (k, v) in p {
            out.insert(k.clone(), resolve(doc, v).clone());
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = s[key].as_array() {
            for x in list {
                collect_props(doc, x, out);
            }
        }
    }
}

/// The JSON body of an API route, generated from its OpenAPI schema.
fn json_body(doc: &Value, method: &Method, path: &str, c: &BodyCtx) -> Option<Value> {
    let schema = &doc["paths"][path][method.as_str().to_lowercase()]["requestBody"]["content"]["application/json"]
        ["schema"];
    if schema.is_null() {
        return None;
    }
    let mut props = BTreeMap::new();
    collect_props(doc, schema, &mut props);
    let names: BTreeSet<String> = props.keys().cloned().collect();
    let mut m = Map::new();
    for (k, v) in &props {
        m.insert(k.clone(), field_value(k, v, &names, path, c));
    }
    Some(Value::Object(m))
}

/// A form for any page: forms ignore fields they do not know, so one form
/// carries every field any page reads.
fn page_form(path: &str, csrf: &str, c: &BodyCtx) -> Vec<u8> {
    form(&page_fields(path, Some(csrf), c))
}

/// The fields of [`page_form`], with the CSRF field `_csrf` when `csrf` is
/// given.
fn page_fields(path: &str, csrf: Option<&str>, c: &BodyCtx) -> Vec<(String, String)> {
    let is_move = path.ends_with("/move");
    // `kind` is an organisation's kind, except on the override form
    let kind = if path.ends_with("/compliance/override") {
        "exempt"
    } else if path.ends_with("/audits") {
        "internal"
    } else {
        "public"
    };
    // `status` is a control's status, except on a risk's or an asset's form
    let status = if path.starts_with("/risks/") {
        "open"
    } else if path.contains("/vulns") {
        ""
    } else if path.starts_with("/assets/") || path.ends_with("/assets") {
        "in_service"
    } else {
        "implemented"
    };
    // the grading form: `q.<question id>` = option id
    let answers: Vec<(String, String)> = c
        .answers
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (format!("q.{k}"), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    let mut pairs: Vec<(&str, String)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    if let Some(csrf) = csrf {
        pairs.push(("_csrf", csrf.to_string()));
    }
    pairs.extend([
        (
            "parent_id",
            if is_move {
                c.move_parent.clone()
            } else {
                c.ids.org.clone()
            },
        ),
        ("org_id", c.ids.org.clone()),
        ("home_org_id", c.ids.org.clone()),
        ("code", String::new()),
        ("name_zh", format!("隔離測試機關{}", c.n)),
        ("name_en", "Isolation test".into()),
        ("tier", "unit".into()),
        ("kind", kind.into()),
        ("role", "it_staff".into()),
        ("username", format!("iso.user{}", c.n)),
        ("display_name", "隔離測試改名".into()),
        ("email", "changed@isolation.example".into()),
        ("password", "Isolation-Reset-2026!".into()),
        ("temporary_password", "Isolation-Reset-2026!".into()),
        ("active", "0".into()),
        ("unlock", "1".into()),
        ("assignment", c.ids.assignment.clone()),
        ("deputy_user_id", c.ids.deputy_user.clone()),
        ("starts_on", "2026-11-21".into()),
        ("ends_on", "2026-12-21".into()),
        ("reason", "隔離測試".into()),
        ("current_password", PASSWORD.into()),
        ("new_password", PASSWORD.into()),
        ("confirm_password", PASSWORD.into()),
        ("lang", "zh-TW".into()),
        ("name", "isolation token".into()),
        ("permission", "org_read".into()),
        ("expires_days", "30".into()),
        ("back", "/".into()),
        ("next", "/".into()),
        // compliance: completion and exemption
        ("rule_id", c.rule_id.to_string()),
        ("completed_on", "2026-11-21".into()),
        ("note", "隔離測試完成紀錄".into()),
        ("evidence_link", "/evidence/isolation-2026.pdf".into()),
        ("evidence_text", "隔離測試證據".into()),
        ("approver", "衛生局局長".into()),
        ("approved_on", "2026-11-21".into()),
        ("effective_from", "2026-11-21".into()),
        ("effective_to", String::new()),
        // systems: registration, grading, a control's status
        ("owner", "隔離測試負責人".into()),
        ("description", "隔離測試".into()),
        ("assessor", "衛生局資訊室".into()),
        ("assessed_on", "2026-11-21".into()),
        ("control_id", c.ids.control.clone()),
        ("status", status.into()),
        ("evidence", "隔離測試".into()),
        // risk: unlinked, scored 1×1×1, accepted
        ("system_id", String::new()),
        (
            "asset",
            if path.contains("/vulns") {
                String::new()
            } else {
                "隔離測試".into()
            },
        ),
        ("threat", "隔離測試".into()),
        ("weakness", "隔離測試".into()),
        ("asset_value", "1".into()),
        ("likelihood", "1".into()),
        ("vulnerability", "1".into()),
        ("treatment", "accept".into()),
        ("due_on", "2026-11-21".into()),
        // maintenance plan: new version, a chapter field, a KPI measurement
        ("start", "latest".into()),
        ("change_note", "隔離測試".into()),
        ("f.month", "5".into()),
        ("f.recipient", "隔離測試".into()),
        (
            "kpi",
            if path.contains("/vulns") {
                String::new()
            } else {
                "core_system_availability".into()
            },
        ),
        ("period_end", "2026-11-21".into()),
        ("value", "99.9".into()),
        // risk settings: a 1–4 scale
        ("scale_max", "4".into()),
        // assets: a host of the register; software's CPE name
        (
            "category",
            if path.ends_with("/training/sessions") {
                "general".into()
            } else if path.contains("/intel/") {
                "message".into()
            } else {
                "hardware".into()
            },
        ),
        ("hours", "3".into()),
        ("quantity", "2".into()),
        ("version", "1.0".into()),
        ("publisher", String::new()),
        ("cpe23", "cpe:2.3:a:isolation:test:1.0:*:*:*:*:*:*:*".into()),
        // vulnerabilities: an assessment; the remediation policy
        (
            "action",
            if path.starts_with("/incidents/") {
                "notified".into()
            } else {
                "needs_fix".into()
            },
        ),
        ("critical_days", "7".into()),
        ("high_days", "7".into()),
        ("medium_days", "30".into()),
        ("low_days", "90".into()),
        ("endpoints", "5".into()),
        // documents: one report's settings; a background document
        ("report", "risk-assessment".into()),
        (
            "format",
            if path.ends_with("/intel/import") {
                "stix".into()
            } else if path.ends_with("/coverage/import") {
                "csv".into()
            } else {
                "pdf".into()
            },
        ),
        ("dataset", "devices".into()),
        // incidents: a record, its notification, a note
        ("title", "隔離測試".into()),
        ("aware_at", "2026-11-21T08:30".into()),
        ("reporter", "隔離測試".into()),
        ("asset_class", "core".into()),
        ("confidentiality", "minor".into()),
        ("integrity", "minor".into()),
        ("availability", "within_mtd".into()),
        ("text", "隔離測試".into()),
        (
            "step",
            if path.starts_with("/people-forms/") {
                "unit_head".into()
            } else if path.starts_with("/threat-responses/") {
                "investigate".into()
            } else {
                "1".into()
            },
        ),
        // threat notices: one to the target's IT section
        ("severity", "high".into()),
        ("targets", c.ids.unit.clone()),
        ("done", "1".into()),
        // continuity: a process, an activation and its end, a drill and its
        // report, a social-engineering round, a corrective action
        ("grade", "medium".into()),
        ("drill_kind", "tabletop".into()),
        ("planned_on", "2026-11-21".into()),
        ("decided_by", "隔離測試".into()),
        ("terminated_by", "隔離測試".into()),
        ("started_at", "2026-11-21T08:00".into()),
        ("ended_at", "2026-11-21T08:30".into()),
        ("result", "隔離測試".into()),
        ("round", format!("隔離測試梯次{}", c.n)),
        ("held_on", "2026-11-21".into()),
        // management review: a meeting and its minutes' header
        ("scheduled_on", "2026-11-21".into()),
        ("chair", "隔離測試".into()),
        ("attendees", "隔離測試".into()),
        ("participants", "10".into()),
        ("opened", "1".into()),
        ("clicked", "0".into()),
        (
            "source",
            if path.contains("/intel") {
                "manual".into()
            } else if path.contains("/coverage") {
                "隔離測試主控台".into()
            } else {
                "incident".into()
            },
        ),
        ("source_id", c.ids.incident.clone()),
        ("finding_ids", c.ids.finding.clone()),
        // audits: a plan with its team, typed items, one result, the
        // report; a corrective action's analysis and review
        ("team", "隔離稽核員 | 政風室 | 2026-01-01".into()),
        ("checklist", "custom".into()),
        ("lines", "存取控制 | 隔離測試查核項目？".into()),
        ("answer.0", "conforms".into()),
        ("note.0", "隔離測試".into()),
        ("conclusion", "隔離測試".into()),
        ("similar", "隔離測試".into()),
        ("plan", "隔離測試".into()),
        ("effective", "true".into()),
        ("review_note", "隔離測試".into()),
        // vendors: a contract, a device check of the target's staff member,
        // a share of the target's corrective action
        ("no", "隔離測試".into()),
        ("staff", TARGET_VENDOR_STAFF.into()),
        (
            "device",
            if path.ends_with("/resource-requests") {
                "host".into()
            } else {
                "隔離測試".into()
            },
        ),
        // people forms: a request, an agreement, an entry
        ("unit", "隔離測試".into()),
        ("request_type", "software".into()),
        ("item_name", "隔離測試".into()),
        ("purchase", "new".into()),
        ("purpose", "隔離測試".into()),
        ("signer", "隔離測試".into()),
        ("area", "機房".into()),
        ("person", "隔離測試".into()),
        ("access", "ordinary".into()),
        ("checker", "隔離測試".into()),
        ("passed", "true".into()),
        ("record_type", "corrective_action".into()),
        ("record_id", c.ids.action.clone()),
        ("vendor_user", "vendor.hlt".into()),
        // maturity: a programme, a task, a task done, December's report,
        // the draft's summary, the review
        ("starts", "2027-01".into()),
        ("month", "2026-12".into()),
        ("phase", "1".into()),
        ("layer", "l1".into()),
        ("number", "1".into()),
        ("decision", "publish".into()),
        ("achievements", "隔離測試".into()),
        ("next_focus", "隔離測試".into()),
        ("meeting_on", "2026-11-21".into()),
        // intelligence: a bundle imported, a classification
        (
            "content",
            if path.ends_with("/coverage/import") {
                ISO_COVERAGE.into()
            } else {
                ISO_STIX.into()
            },
        ),
        ("categories", "message".into()),
        ("reliability", "probable".into()),
        ("timeliness", "current".into()),
    ]);
    // the framework's five layers; the review meeting's agenda notes
    let mut layers: Vec<(String, String)> = Vec::new();
    for item in ["layers", "okr", "risks", "next_month", "resources"] {
        layers.push((format!("minutes.{item}"), "隔離測試".into()));
    }
    for l in ["l1", "l2", "l3", "l4", "l5"] {
        layers.push((format!("name.{l}"), "隔離測試".into()));
        layers.push((format!("start.{l}"), "1".into()));
        layers.push((format!("target.{l}"), "2".into()));
        for n in 1..=5 {
            layers.push((format!("rubric.{l}.{n}"), "隔離測試".into()));
        }
    }
    // training: the commit of the sign-in sheet the upload sends (other
    // forms' `expect` is a fingerprint or a count of their own)
    if path.ends_with("/sign-in") {
        pairs.push(("expect", sha256_hex(SIGNIN_CSV.as_bytes())));
    }
    // an incident's form reads its own root cause
    if path.ends_with("/analysis") {
        pairs.push(("root_cause", "隔離測試".into()));
    }
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .chain(layers)
        .collect()
}

/// The filters that point list routes at the target.
/// A query naming the target for each filter the list has (the lists of a
/// path such as `/orgs/{id}/…` are already the target's, so they search no
/// text).
fn target_query(ids: &Ids, route: &zian_web::routes::Route) -> String {
    let mut q: Vec<String> = Vec::new();
    if !route.path.contains('{') {
        q.push(format!("q={}", pct("衛生局")));
    }
    for f in route.filters {
        let v = match *f {
            "org" | "parent" => &ids.org,
            "actor" => &ids.user,
            "system_id" => &ids.system,
            _ => continue,
        };
        q.push(format!("{f}={v}"));
    }
    format!("?{}", q.join("&"))
}

/// One prepared request.
struct Call {
    method: Method,
    uri: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

fn build(
    doc: &Value,
    method: &Method,
    template: &str,
    uri: String,
    caller: &Caller,
    c: &BodyCtx,
) -> Call {
    let mut headers = caller.headers();
    let unsafe_method = !matches!(*method, Method::GET | Method::HEAD);
    let body = if !unsafe_method {
        None
    } else if template.starts_with("/api/") {
        json_body(doc, method, template, c).map(|v| {
            headers.push(("content-type".into(), "application/json".into()));
            v.to_string().into_bytes()
        })
    } else if is_upload(template) {
        // the upload forms are multipart
        let boundary = "isolationBoundary";
        headers.push((
            "content-type".into(),
            format!("multipart/form-data; boundary={boundary}"),
        ));
        let (name, ct, content) = upload_file(template);
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n",
            caller.form_csrf()
        )
        .into_bytes();
        body.extend_from_slice(&content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        Some(body)
    } else {
        headers.push((
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        Some(page_form(template, &caller.form_csrf(), c))
    };
    Call {
        method: method.clone(),
        uri,
        headers,
        body,
    }
}

async fn run(env: &TestEnv, caller: &Caller, call: &Call) -> Resp {
    send(
        env,
        &call.method,
        &call.uri,
        &call.headers,
        call.body.clone(),
        caller.ip,
    )
    .await
}

fn leaks(r: &Resp, markers: &[String]) -> Vec<String> {
    // a workbook is compressed: its cells are read back
    let mut text = match zian_testkit::http::xlsx_rows(&r.body) {
        Some(rows) if r.body.starts_with(b"PK") => rows.concat().join("\n"),
        _ => r.text(),
    };
    // an image says nothing readable: its ETag names its content
    if let Some(tag) = r.headers.get("etag").and_then(|v| v.to_str().ok()) {
        text.push_str(tag);
    }
    markers
        .iter()
        .filter(|m| text.contains(m.as_str()))
        .cloned()
        .collect()
}

fn is_refusal(r: &Resp) -> bool {
    match r.status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => true,
        StatusCode::SEE_OTHER => r.location().is_some_and(|l| l.starts_with("/login")),
        _ => false,
    }
}

/// Status and redirect target, without the echoed query of a login redirect.
fn outcome(r: &Resp) -> String {
    let loc = r.location().unwrap_or("");
    let loc = if loc.starts_with("/login") {
        loc.split('?').next().unwrap_or(loc)
    } else {
        loc
    };
    format!("{} {loc}", r.status.as_u16())
}

// ---------------------------------------------------------------- the test

backend_tests! {
    async fn every_route_keeps_the_health_bureau_out_of_reach(env: TestEnv) {
        let env = env.with_feeds();
        let started = Instant::now();
        let t = setup(&env).await;
        let doc = zian_web::openapi::document();
        let registry = routes();
        let distinct: BTreeSet<(String, &str)> = registry.iter().map(|r| (r.method.to_string(), r.path)).collect();
        assert_eq!(distinct.len(), registry.len(), "duplicate routes in the registry");

        let mut callers = Vec::new();
        for (ip, (user, mode)) in (1u8..).zip([
            (Some("officer.police"), Mode::Session),
            (Some("officer.police"), Mode::Bearer),
            (Some("supervisor.pen"), Mode::Session),
            (Some("supervisor.pen"), Mode::Bearer),
            (Some("vendor.acme"), Mode::Session),
            (Some("vendor.acme"), Mode::Bearer),
            (None, Mode::Anonymous),
        ]) {
            callers.push(Caller::new(&env, user, mode, [10, 0, 0, ip]).await);
        }
        let mut caller_ids = BTreeSet::new();
        let mut home = BTreeMap::new();
        for u in ["officer.police", "supervisor.pen", "vendor.acme"] {
            let id = env.user_id(u).await;
            let c = env.store.system_credentials(&id).await.unwrap().unwrap();
            home.insert(u.to_string(), c.user.home_org_id.to_string());
            caller_ids.insert(id.to_string());
        }

        let before = snapshot(&env, &caller_ids).await;
        let mut seq = env.store.head(&OrgScope::system_wide()).await.unwrap().seq;
        let mut failures: Vec<String> = Vec::new();
        let mut covered: BTreeSet<(String, &str)> = BTreeSet::new();
        let mut checks = 0usize;
        let mut n = 0usize;

        for route in &registry {
            covered.insert((route.method.to_string(), route.path));
            let public = route.kind == Kind::Public;
            let has_params = route.path.contains('{') && !route.path.contains("{file}");
            for caller in callers.iter_mut() {
                let move_parent = caller.username.as_ref().and_then(|u| home.get(u).cloned()).unwrap_or_else(|| "no-such-org".to_string());
                let real_paths = path_for(route.path, &t.ids);
                let bogus_ids = Ids::bogus();
                let bogus_paths = path_for(route.path, &bogus_ids);
                let mut variants: Vec<(String, String, bool)> = real_paths.iter().cloned().zip(bogus_paths.iter().cloned()).map(|(a, b)| (a, b, false)).collect();
                if route.method == Method::GET {
                    let extra: Vec<_> = variants
                        .iter()
                        .map(|(a, b, _)| (format!("{a}{}", target_query(&t.ids, route)), format!("{b}{}", target_query(&bogus_ids, route)), true))
                        .collect();
                    variants.extend(extra);
                }
                for (real_uri, bogus_uri, _with_query) in variants {
                    n += 1;
                    caller.ensure(&env).await;
                    let c = BodyCtx { ids: &t.ids, move_parent: move_parent.clone(), n, rule_id: &t.rule_id, answers: &t.answers };
                    let call = build(&doc, &route.method, route.path, real_uri.clone(), caller, &c);
                    let r = run(&env, caller, &call).await;
                    checks += 1;
                    let what = format!("{} {} as {}", route.method, real_uri, caller.label);
                    if r.status.is_server_error() {
                        failures.push(format!("{what}: {} {}", r.status, r.text()));
                    }
                    let leaked = leaks(&r, &t.markers);
                    if !leaked.is_empty() {
                        failures.push(format!("{what}: response ({}) carries target data {leaked:?}", r.status));
                    }
                    if !public && has_params && !is_refusal(&r) {
                        failures.push(format!("{what}: expected a refusal, got {} {}", outcome(&r), r.text().chars().take(300).collect::<String>()));
                    }
                    // the audit trail: nothing about the target
                    let fresh = env.store.chain(&OrgScope::system_wide(), seq, 10_000).await.unwrap();
                    for e in &fresh {
                        seq = seq.max(e.seq);
                        let about_target = e.org_id.as_ref().is_some_and(|o| t.all_ids.contains(o))
                            || e.target.as_ref().is_some_and(|x| t.all_ids.contains(x))
                            || t.all_ids.iter().any(|id| e.details.contains(id.as_str()));
                        let write = ["org.", "user.", "role.", "deputy.", "password.reset", "token.created", "token.revoked"].iter().any(|p| e.action.starts_with(p));
                        if about_target || (write && e.actor_user_id.as_ref().is_some_and(|a| caller_ids.contains(a))) {
                            failures.push(format!("{what}: audit entry {} {:?} target {:?} org {:?}", e.action, e.details, e.target, e.org_id));
                        }
                    }
                    // the same request with ids that exist nowhere
                    caller.ensure(&env).await;
                    let bc = BodyCtx { ids: &bogus_ids, move_parent: move_parent.clone(), n, rule_id: &t.rule_id, answers: &t.answers };
                    let bcall = build(&doc, &route.method, route.path, bogus_uri, caller, &bc);
                    let br = run(&env, caller, &bcall).await;
                    if !public && outcome(&br) != outcome(&r) {
                        failures.push(format!("{what}: answer {} differs from the answer for unknown ids {} (existence oracle)", outcome(&r), outcome(&br)));
                    }
                    if br.status.is_server_error() {
                        failures.push(format!("{what} (unknown ids): {} {}", br.status, br.text()));
                    }
                    let after = snapshot(&env, &caller_ids).await;
                    let d = diff(&before, &after);
                    if !d.is_empty() {
                        failures.push(format!("{what}: data changed: {d:#?}"));
                        panic!("{}", failures.join("\n"));
                    }
                    let _ = env.store.chain(&OrgScope::system_wide(), seq, 10_000).await.unwrap().iter().map(|e| seq = seq.max(e.seq)).count();
                }
            }
        }
        assert_eq!(covered.len(), registry.len(), "every route of the registry is exercised");
        eprintln!(
            "isolation [{:?}]: {} routes x {} callers, {} calls (plus as many baseline calls), {:.1}s",
            env.backend,
            covered.len(),
            callers.len(),
            checks,
            started.elapsed().as_secs_f64()
        );
        assert!(failures.is_empty(), "{} isolation failures:\n{}", failures.len(), failures.join("\n"));
    }
}

/// Whether an authorised call did what it asked (not a refusal, not a form
/// sent back with an error).
fn succeeded(r: &Resp) -> bool {
    match r.status {
        s if s.is_success() => true,
        StatusCode::SEE_OTHER => r
            .location()
            .is_some_and(|l| !l.starts_with("/login") && !l.contains("err=")),
        _ => false,
    }
}

async fn audit_about_target(env: &TestEnv, t: &Target, after: i64) -> Vec<String> {
    env.store
        .chain(&OrgScope::system_wide(), after, 10_000)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| {
            e.org_id.as_ref().is_some_and(|o| t.all_ids.contains(o))
                || e.target.as_ref().is_some_and(|x| t.all_ids.contains(x))
                || t.all_ids.iter().any(|id| e.details.contains(id.as_str()))
        })
        .map(|e| e.action)
        .collect()
}

backend_tests! {
    async fn authorised_callers_reach_the_target_through_the_same_requests(env: TestEnv) {
        let env = env.with_feeds();
        let t = setup(&env).await;
        let admin_s = Caller::new(&env, Some("admin"), Mode::Session, [10, 1, 0, 1]).await;
        let admin_t = Caller::new(&env, Some("admin"), Mode::Bearer, [10, 1, 0, 2]).await;
        // a record shared with a vendor is that vendor's to read
        let vendor_s = Caller::new(&env, Some("vendor.hlt"), Mode::Session, [10, 1, 0, 3]).await;
        let vendor_t = Caller::new(&env, Some("vendor.hlt"), Mode::Bearer, [10, 1, 0, 4]).await;
        let mut problems = Vec::new();
        let mut gets = 0;
        // every GET route with a parameter shows the target to the administrator
        // (a share: to its vendor account)
        for route in routes()
            .iter()
            .filter(|r| r.method == Method::GET && r.kind != Kind::Public)
        {
            let admin = match (route.path.starts_with("/api/"), route.path.contains("/shared/")) {
                (true, false) => &admin_t,
                (false, false) => &admin_s,
                (true, true) => &vendor_t,
                (false, true) => &vendor_s,
            };
            let mut uris: Vec<String> = Vec::new();
            if route.path.contains('{') {
                uris.extend(path_for(route.path, &t.ids));
            }
            if route.list {
                for base in path_for(route.path, &t.ids) {
                    uris.push(format!("{base}{}", target_query(&t.ids, route)));
                }
            }
            for uri in uris {
                gets += 1;
                let r = send(&env, &Method::GET, &uri, &admin.headers(), None, admin.ip).await;
                if r.status != StatusCode::OK {
                    problems.push(format!(
                        "GET {uri} as admin: {} {}",
                        r.status,
                        r.text().chars().take(200).collect::<String>()
                    ));
                } else if leaks(&r, &t.markers).is_empty() {
                    problems.push(format!(
                        "GET {uri} as admin: 200 but nothing of the target in {}",
                        r.text().chars().take(300).collect::<String>()
                    ));
                }
            }
        }
        assert!(gets >= 8, "only {gets} GET checks");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

/// Gives the target's risk assessment table settings of its own, for the
/// routes that change or remove them.
async fn prepare_document_settings(env: &TestEnv, path: &str) {
    if !path.contains("/document-settings") {
        return;
    }
    let ciso = env.principal("ciso.health").await;
    let hlt = env.org("PIF-HLT").await;
    env.app
        .save_document_settings(
            &ciso,
            &hlt,
            "risk-assessment",
            &zian_domain::documents::SettingsInput {
                signatures: "承辦人\n衛生局局長".into(),
                ..Default::default()
            },
        )
        .await
        .expect("document settings");
}

/// Previews the sign-in sheet the commit routes then commit.
async fn prepare_training(env: &TestEnv, t: &Target, path: &str) {
    if !path.ends_with("/sign-in") {
        return;
    }
    let admin = env.principal("admin").await;
    env.app
        .preview_sign_in(
            &admin,
            &t.ids.training.as_str().into(),
            "iso-signin.csv",
            SIGNIN_CSV.as_bytes(),
        )
        .await
        .expect("preview");
}

/// Writes every topic's discussion of the target's management review, so
/// that making its minutes final succeeds.
async fn prepare_management_review(env: &TestEnv, t: &Target, path: &str) {
    if !(path.contains("management-reviews/") && path.ends_with("/held")) {
        return;
    }
    let admin = env.principal("admin").await;
    env.app
        .write_management_review_minutes(
            &admin,
            &t.ids.review.as_str().into(),
            zian_app::management_review::MinutesInput {
                chair: Some("隔離測試".into()),
                attendees: Some("隔離測試".into()),
                items: zian_domain::management_review::Topic::ALL
                    .iter()
                    .map(|x| zian_app::management_review::ItemInput {
                        topic: x.as_str().into(),
                        discussion: "隔離測試".into(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            },
        )
        .await
        .expect("minutes");
}

/// Puts the target's implementation report in the state a route acts on:
/// approved to submit; submitted to return.
async fn prepare_implementation_report(env: &TestEnv, t: &Target, path: &str) {
    if !path.contains("implementation-reports/") {
        return;
    }
    let submit = path.ends_with("/submit");
    let back = path.ends_with("/return");
    if !(submit || back) {
        return;
    }
    let admin = env.principal("admin").await;
    let ciso = env.principal("ciso.health").await;
    let id = t.ids.report.as_str().into();
    env.app
        .approve_implementation_report(&ciso, &id)
        .await
        .expect("approve");
    if back {
        env.app
            .submit_implementation_report(&admin, &id)
            .await
            .expect("submit");
    }
}

/// Submits the target's monthly report, so that its review may publish it
/// and its meeting be minuted.
async fn prepare_maturity(env: &TestEnv, t: &Target, path: &str) {
    let review = path.ends_with("/review") || path.ends_with("/meeting");
    if !(path.contains("maturity-reports/") && review) {
        return;
    }
    let officer = env.principal("officer.health").await;
    env.app
        .submit_maturity_report(&officer, &t.ids.monthly.as_str().into())
        .await
        .expect("submit");
}

/// Lets the target's threat notice lag (two days of silence) for the
/// reminder.
async fn prepare_threat(env: &TestEnv, path: &str) {
    if path.ends_with("/threat-notices/{id}/remind") {
        env.clock.advance(2 * 86_400);
    }
}

/// The hex SHA-256 of a file (what an import's commit expects).
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(bytes))
}

/// Puts the target's audit (or corrective action) in the state a route
/// acts on: notified to answer, answered to report, reported to close; the
/// action done to review.
async fn prepare_audit(env: &TestEnv, t: &Target, path: &str) {
    let admin = env.principal("admin").await;
    let id = zian_domain::AuditId::from(t.ids.audit.as_str());
    if path.ends_with("/corrective-actions/{id}/review") {
        env.app
            .finish_action(
                &admin,
                &t.ids.action.as_str().into(),
                zian_app::corrective::DoneInput {
                    result: "隔離測試完成".into(),
                    done_on: None,
                },
            )
            .await
            .expect("action done");
        return;
    }
    let stage = ["/answers", "/report", "/close"]
        .iter()
        .position(|s| path.contains("/audits/{id}") && path.ends_with(s));
    let Some(stage) = stage else { return };
    env.app.notify_audit(&admin, &id).await.expect("notify");
    if stage >= 1 {
        env.app
            .answer_audit(
                &admin,
                &id,
                zian_app::audits::AnswersInput {
                    answers: vec![zian_app::audits::AnswerInput {
                        item: 0,
                        answer: "conforms".into(),
                        note: String::new(),
                    }],
                },
            )
            .await
            .expect("answer");
    }
    if stage >= 2 {
        env.app
            .report_audit(
                &admin,
                &id,
                zian_app::audits::ReportInput {
                    conclusion: "隔離測試".into(),
                    actions: vec![],
                },
            )
            .await
            .expect("report");
    }
}

/// Puts the target's exemption request in the state a route acts on:
/// approved for revoking (pending otherwise, as set up).
async fn prepare_override(env: &TestEnv, t: &Target, path: &str) {
    if !path.ends_with("/overrides/{id}/revoke") {
        return;
    }
    let sup = env.principal("supervisor.khh").await;
    env.app
        .decide_override(
            &sup,
            &t.ids.override_,
            zian_domain::compliance::OverrideAction::Approve,
            Default::default(),
        )
        .await
        .expect("approve override");
}

/// Puts the target's plan in the state a plan route acts on: submitted for
/// approving or returning, approved (no open version) for starting a new one.
async fn prepare_plan(env: &TestEnv, t: &Target, path: &str) {
    let decide = path.ends_with("/approve") || path.ends_with("/return");
    let create = path == "/api/v1/orgs/{id}/plans" || path == "/orgs/{id}/plan";
    if !(decide || create) || !(path.contains("/plans") || path.ends_with("/plan")) {
        return;
    }
    let admin = env.principal("admin").await;
    env.app
        .submit_plan(&admin, &t.ids.plan.as_str().into())
        .await
        .expect("submit plan");
    if create {
        let ciso = env.principal("ciso.health").await;
        env.app
            .approve_plan(&ciso, &t.ids.plan.as_str().into(), None)
            .await
            .expect("approve plan");
    }
}

/// The unsafe routes that touch the target succeed for an authorised caller
/// (the administrator, the owner for the owner's own tokens, or for decisions
/// on the bureau's override requests a supervisor above it) with exactly
/// the requests the isolation test sends, and change the target: so the
/// refusals above are refusals, not malformed requests.
#[tokio::test]
async fn authorised_callers_can_change_the_target_with_the_same_requests() {
    let backend = zian_testkit::backends()[0];
    let doc = zian_web::openapi::document();
    let mut problems = Vec::new();
    let mut done = Vec::new();
    let mut n = 10_000;
    for route in routes()
        .iter()
        .filter(|r| !matches!(r.method, Method::GET) && r.kind != Kind::Public)
    {
        let env = TestEnv::demo(backend).await.with_feeds();
        let t = setup(&env).await;
        prepare_plan(&env, &t, route.path).await;
        prepare_override(&env, &t, route.path).await;
        prepare_document_settings(&env, route.path).await;
        prepare_audit(&env, &t, route.path).await;
        prepare_training(&env, &t, route.path).await;
        prepare_management_review(&env, &t, route.path).await;
        prepare_implementation_report(&env, &t, route.path).await;
        prepare_maturity(&env, &t, route.path).await;
        prepare_threat(&env, route.path).await;
        let pen = env.org("PEN").await;
        let mut ok = false;
        let mut target_directed = route.path.contains('{');
        let mut tried = Vec::new();
        // decisions on the bureau's requests come from above it
        for who in ["admin", "officer.health", "ciso.health", "supervisor.khh"] {
            let mode = if route.path.starts_with("/api/") {
                Mode::Bearer
            } else {
                Mode::Session
            };
            // tokens cannot create or revoke tokens: the owner's session does
            let mode = if route.path.contains("/tokens") {
                Mode::Session
            } else {
                mode
            };
            let caller = Caller::new(
                &env,
                Some(who),
                mode,
                [10, 2, 0, if who == "admin" { 1 } else { 2 }],
            )
            .await;
            n += 1;
            let c = BodyCtx {
                ids: &t.ids,
                move_parent: pen.to_string(),
                n,
                rule_id: &t.rule_id,
                answers: &t.answers,
            };
            let exclude = BTreeSet::from([env.user_id(who).await.into_string()]);
            let before = snapshot(&env, &exclude).await;
            let seq = env.store.head(&OrgScope::system_wide()).await.unwrap().seq;
            // the same request with unknown ids: a handler that reads the ids
            // answers differently
            let bogus = Ids::bogus();
            let bc = BodyCtx {
                ids: &bogus,
                move_parent: pen.to_string(),
                n,
                rule_id: &t.rule_id,
                answers: &t.answers,
            };
            let bcall = build(
                &doc,
                &route.method,
                route.path,
                path_for(route.path, &bogus)[0].clone(),
                &caller,
                &bc,
            );
            let br = run(&env, &caller, &bcall).await;
            let mut caller = caller;
            caller.ensure(&env).await;
            let call = build(
                &doc,
                &route.method,
                route.path,
                path_for(route.path, &t.ids)[0].clone(),
                &caller,
                &c,
            );
            let r = run(&env, &caller, &call).await;
            if outcome(&r) != outcome(&br) {
                target_directed = true;
            }
            let changed = !diff(&before, &snapshot(&env, &exclude).await).is_empty()
                || !audit_about_target(&env, &t, seq).await.is_empty();
            tried.push(format!(
                "{who}: {} (unknown ids: {}) changed={changed} {}",
                outcome(&r),
                outcome(&br),
                r.text().chars().take(160).collect::<String>()
            ));
            if succeeded(&r) && (changed || route.path == "/switch-org") {
                ok = true;
                break;
            }
        }
        if target_directed {
            if ok {
                done.push(format!("{} {}", route.method, route.path));
            } else {
                problems.push(format!(
                    "{} {}: no authorised caller succeeded: {tried:#?}",
                    route.method, route.path
                ));
            }
        }
    }
    eprintln!("authorised writes checked: {} {done:?}", done.len());
    assert!(
        done.len() >= 20,
        "only {} target-directed unsafe routes: {done:#?}",
        done.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

backend_tests! {
    /// Designating one's own deputy (no RoleGrant needed) must not reach people
    /// the designator cannot see: the answer for an invisible user is the answer
    /// for a user that does not exist, nothing is created, and nothing about them
    /// comes back (neither in the answer nor in the deputies list shown next).
    async fn a_self_designated_deputy_must_be_someone_the_designator_can_see(backend: Backend) {
        let mut report = Vec::new();
        let mut failures = Vec::new();
        for (via, mode) in [("API session", Mode::Session), ("API token", Mode::Bearer), ("page", Mode::Session)] {
            // a fresh database for each way in
            let env = TestEnv::demo(backend).await;
            let t = setup(&env).await;
            let pol = env.org("PIF-POL").await;
            let me = env.principal("officer.police").await;
            let own = me.assignments.iter().find(|a| a.deputy_for.is_none()).expect("own role").id.clone();
            let exclude = BTreeSet::from([me.user.id.to_string()]);
            let caller = Caller::new(&env, Some("officer.police"), mode, [10, 3, 0, 1]).await;
            let mut answers = Vec::new();
            // unknown first: whatever the invisible case creates must not
            // colour the unknown case
            for (label, deputy) in [("unknown", UuidV7.new_id()), ("invisible", t.ids.user.clone())] {
                let before = snapshot(&env, &exclude).await;
                let mut h = caller.headers();
                let (uri, body) = if via == "page" {
                    h.push(("content-type".into(), "application/x-www-form-urlencoded".into()));
                    ("/deputies", form(&[("_csrf", caller.csrf.clone()), ("assignment", own.clone()), ("deputy_user_id", deputy), ("starts_on", "2026-11-21".into()), ("ends_on", "2026-12-21".into()), ("reason", "休假".into())]))
                } else {
                    h.push(("content-type".into(), "application/json".into()));
                    let b = json!({"principal_user_id": me.user.id, "deputy_user_id": deputy, "org_id": pol, "role": "security_officer", "starts_at": "2026-11-21", "ends_at": "2026-12-21", "reason": "休假"});
                    ("/api/v1/deputies", b.to_string().into_bytes())
                };
                let r = send(&env, &Method::POST, uri, &h, Some(body), caller.ip).await;
                let mut leaked = leaks(&r, &t.markers);
                let list = if via == "page" { "/deputies" } else { "/api/v1/deputies" };
                leaked.extend(leaks(&send(&env, &Method::GET, list, &caller.headers(), None, caller.ip).await, &t.markers));
                let d = diff(&before, &snapshot(&env, &exclude).await);
                report.push(format!("{via}, {label} deputy: {} leaked={leaked:?} rows changed={}", outcome(&r), d.len()));
                if !leaked.is_empty() {
                    failures.push(format!("POST {uri} ({via}) naming an {label} user as deputy: target data in the answer or the list: {leaked:?}"));
                }
                if !d.is_empty() {
                    let what: Vec<&str> = d.iter().map(|x| x.split(':').next().unwrap_or("")).collect();
                    failures.push(format!("POST {uri} ({via}) naming an {label} user as deputy: changed {what:?}"));
                }
                answers.push(outcome(&r));
            }
            if answers[0] != answers[1] {
                failures.push(format!("{via}: an invisible user is told apart from an unknown one ({} vs {})", answers[1], answers[0]));
            }
        }
        eprintln!("{}", report.join("\n"));
        assert!(failures.is_empty(), "{}\n{}", failures.join("\n"), report.join("\n"));
    }
}

// ------------------------------------------------- administering users

/// The routes that administer a user (issue 8 item 2): every unsafe route of
/// the registry under a user or a role assignment, except granting a role
/// (which `may_grant` governs on its own). A new such route must be taught
/// to [`admin_call`].
fn user_admin_routes() -> Vec<(Method, &'static str)> {
    routes()
        .iter()
        .filter(|r| r.method != Method::GET && r.kind != Kind::Public)
        .filter(|r| {
            (r.path.contains("/users/{id}") || r.path.starts_with("/api/v1/roles/"))
                && !r.path.ends_with("/roles")
        })
        .map(|r| (r.method.clone(), r.path))
        .collect()
}

/// One user-administration request for `route` about `user` (whose role
/// assignment `assignment` the removal routes name).
fn admin_call(
    caller: &Caller,
    method: &Method,
    route: &str,
    user: &str,
    assignment: &str,
    n: usize,
) -> (String, Vec<(String, String)>, Vec<u8>) {
    let mut h = caller.headers();
    let uri = route.replace("{id}", user).replace("{rid}", assignment);
    let body = if route.starts_with("/api/") {
        h.push(("content-type".into(), "application/json".into()));
        let uri = if route == "/api/v1/roles/{id}" {
            route.replace("{id}", assignment)
        } else {
            uri.clone()
        };
        let b = match (method.as_str(), route) {
            ("PATCH", "/api/v1/users/{id}") => {
                json!({"email": format!("taken-{n}@example.tw"), "active": true})
            }
            ("POST", "/api/v1/users/{id}/password") => {
                json!({"temporary_password": "Taken-Over-2026!"})
            }
            ("DELETE", "/api/v1/roles/{id}") => json!({}),
            _ => panic!("teach admin_call the user-administration route {method} {route}"),
        };
        let body = if method == Method::DELETE {
            Vec::new()
        } else {
            b.to_string().into_bytes()
        };
        return (uri, h, body);
    } else {
        h.push((
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        let csrf = ("_csrf".to_string(), caller.form_csrf());
        match (method.as_str(), route) {
            ("POST", "/users/{id}") => form(&[
                csrf,
                ("email".into(), format!("taken-{n}@example.tw")),
                ("display_name".into(), format!("接管 {n}")),
            ]),
            ("POST", "/users/{id}/password") => form(&[
                csrf,
                ("temporary_password".into(), "Taken-Over-2026!".into()),
            ]),
            ("POST", "/users/{id}/roles/{rid}/revoke") => form(&[csrf]),
            _ => panic!("teach admin_call the user-administration route {method} {route}"),
        }
    };
    (uri, h, body)
}

/// The officer's own role at the bureau, granted again when a removal took it.
async fn officer_assignment(env: &TestEnv, officer: &UserId, hlt: &OrgId) -> String {
    let now = env.clock.unix();
    let own = |v: Vec<zian_domain::RoleAssignment>| {
        v.into_iter()
            .find(|a| a.deputy_for.is_none() && a.org_id == *hlt)
            .map(|a| a.id)
    };
    if let Some(id) = own(env
        .store
        .system_assignments(officer, now)
        .await
        .expect("assignments"))
    {
        return id;
    }
    let admin = env.principal("admin").await;
    env.app
        .grant_role(&admin, officer, hlt, Role::SecurityOfficer)
        .await
        .expect("grant again")
        .id
}

/// What administering a user may change: the account, its secrets, roles and tokens.
async fn account_state(env: &TestEnv, user: &UserId) -> String {
    let c = env
        .store
        .system_credentials(user)
        .await
        .expect("db")
        .expect("user");
    let roles = env
        .store
        .system_assignments(user, env.clock.unix())
        .await
        .expect("roles");
    let tokens = env.store.system_tokens(user).await.expect("tokens");
    format!(
        "{:?} {} {:?} {:?}",
        c.user,
        c.password_hash,
        roles,
        tokens
            .iter()
            .map(|t| (&t.id, t.revoked_at))
            .collect::<Vec<_>>()
    )
}

backend_tests! {
    /// Issue 8 item 2 through every user-administration route: callers with
    /// mixed roles — a system administrator elsewhere (Penghu) who is also
    /// CISO of the health bureau, and the bureau's own CISO — administer the
    /// bureau's officer, but not a user at home in the bureau who sits on its
    /// committee and is a system administrator at the root: that user is
    /// visible to them, so each request is answered 403, and nothing of the
    /// account changes nor is audited. An outsider (officer.police) gets 404.
    async fn user_administration_needs_rights_over_every_role_of_the_user(env: TestEnv) {
        let _t = setup(&env).await;
        let admin = env.principal("admin").await;
        let hlt = env.org("PIF-HLT").await;
        let pen = env.org("PEN").await;
        let root = env.org("ACS").await;
        let strong = make_user(&env, "strong.health", "衛生局委員兼系統管理者", &hlt, Role::CommitteeMember).await;
        env.app.grant_role(&admin, &strong, &root, Role::SystemAdmin).await.expect("admin role");
        let strong_member = env.store.system_assignments(&strong, env.clock.unix()).await.unwrap().into_iter().find(|a| a.role == Role::CommitteeMember).unwrap().id;
        let mixed = make_user(&env, "mixed.caller", "澎湖系統管理者兼衛生局資安長", &pen, Role::SystemAdmin).await;
        env.app.grant_role(&admin, &mixed, &hlt, Role::Ciso).await.expect("ciso role");
        let officer = env.user_id("officer.health").await;

        let mut callers = Vec::new();
        for (ip, who) in (1u8..).zip(["ciso.health", "mixed.caller"]) {
            callers.push(Caller::new(&env, Some(who), Mode::Session, [10, 9, 0, ip]).await);
            // a token over the bureau with every permission the caller holds there
            let p = env.principal(who).await;
            let path = OrgStore::get(&env.store, &OrgScope::system_wide(), &hlt).await.unwrap().unwrap().path;
            let perms: Vec<_> = zian_domain::Permission::ALL.into_iter().filter(|perm| p.can(*perm, &path)).collect();
            let token = env.app.create_token(&p, "bureau", &hlt, &perms, None, false).await.expect("token").secret;
            callers.push(Caller { label: format!("{who} (bearer)"), username: Some(who.into()), mode: Mode::Bearer, ip: [10, 9, 1, ip], cookie: String::new(), csrf: String::new(), token });
        }
        let outsider = Caller::new(&env, Some("officer.police"), Mode::Session, [10, 9, 2, 1]).await;

        let admin_routes = user_admin_routes();
        assert!(admin_routes.len() >= 6, "{admin_routes:?}");
        let mut failures = Vec::new();
        let mut n = 0;
        for (method, route) in &admin_routes {
            for caller in callers.iter_mut() {
                if caller.mode == Mode::Bearer && !route.starts_with("/api/") {
                    // pages take sessions only
                    continue;
                }
                n += 1;
                // the stronger user: refused, nothing changes, nothing audited
                caller.ensure(&env).await;
                let before = account_state(&env, &strong).await;
                let seq = env.store.head(&OrgScope::system_wide()).await.unwrap().seq;
                let (uri, h, body) = admin_call(caller, method, route, &strong, &strong_member, n);
                let r = send(&env, method, &uri, &h, Some(body), caller.ip).await;
                if r.status != StatusCode::FORBIDDEN {
                    failures.push(format!("{method} {route} on strong.health as {}: {} {}", caller.label, r.status, r.text().chars().take(200).collect::<String>()));
                }
                if account_state(&env, &strong).await != before {
                    failures.push(format!("{method} {route} as {}: strong.health changed", caller.label));
                }
                for e in env.store.chain(&OrgScope::system_wide(), seq, 1000).await.unwrap() {
                    if e.target.as_deref() == Some(strong.as_str()) || e.target.as_deref() == Some(strong_member.as_str()) {
                        failures.push(format!("{method} {route} as {}: audited {} about strong.health", caller.label, e.action));
                    }
                }
                // the bureau's officer: administered
                caller.ensure(&env).await;
                let assignment = officer_assignment(&env, &officer, &hlt).await;
                let before = account_state(&env, &officer).await;
                let (uri, h, body) = admin_call(caller, method, route, &officer, &assignment, n);
                let r = send(&env, method, &uri, &h, Some(body), caller.ip).await;
                if !succeeded(&r) || account_state(&env, &officer).await == before {
                    failures.push(format!("{method} {route} on officer.health as {}: {} {} (changed: {})", caller.label, r.status, r.text().chars().take(200).collect::<String>(), account_state(&env, &officer).await != before));
                }
            }
            // an outsider does not see the stronger user at all
            n += 1;
            let (uri, h, body) = admin_call(&outsider, method, route, &strong, &strong_member, n);
            let r = send(&env, method, &uri, &h, Some(body), outsider.ip).await;
            if r.status != StatusCode::NOT_FOUND {
                failures.push(format!("{method} {route} on strong.health as {}: {} (expected 404)", outsider.label, r.status));
            }
        }
        // the root administrator administers the stronger user
        let root_admin = Caller::new(&env, Some("admin"), Mode::Session, [10, 9, 3, 1]).await;
        let (uri, h, body) = admin_call(&root_admin, &Method::POST, "/api/v1/users/{id}/password", &strong, &strong_member, 0);
        let r = send(&env, &Method::POST, &uri, &h, Some(body), root_admin.ip).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    }
}

// ---------------------------------------------------------------- CSRF

/// The page forms outside the session's form extractors (`PageForm`,
/// `PageUpload`, which check the CSRF token before any handler runs): the
/// forms answered before a session exists, each with how it is protected
/// instead. Every other unsafe page route must refuse a request without the
/// session's token.
const PRE_SESSION_FORMS: &[(&str, &str)] = &[
    (
        "/login",
        "the pre-session CSRF cookie, compared by the handler",
    ),
    (
        "/login/mfa",
        "the pending session's CSRF token, compared by the handler",
    ),
    (
        "/lang",
        "none beyond SameSite cookies and the origin check: it only switches the display language",
    ),
];

/// How a form's CSRF token is (not) sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// No `_csrf` field at all.
    Missing,
    /// An empty `_csrf` field.
    Empty,
    /// The token of another live session (another user's).
    OtherSession,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    UrlEncoded,
    Multipart,
}

/// A `multipart/form-data` body (content type and bytes) from fields and,
/// with `file`, a small PDF in the `file` field (the evidence upload form).
/// The page forms that upload a file (multipart): evidence, and a new
/// version of an evidence file.
fn is_upload(path: &str) -> bool {
    path.ends_with("/evidence")
        || path.ends_with("/document-logo")
        || (path.starts_with("/evidence/") && path.ends_with("/replace"))
        || path.ends_with("/inventory")
        || path.ends_with("/feeds/import")
        || path.ends_with("/sign-in/preview")
}

/// The file an upload form sends: an inventory file to the inventory form,
/// an image to the logo form, a small PDF to the evidence forms.
fn upload_file(path: &str) -> (&'static str, &'static str, Vec<u8>) {
    if path.ends_with("/inventory") {
        ("iso.csv", "text/csv", UPLOAD_CSV.as_bytes().to_vec())
    } else if path.ends_with("/sign-in/preview") {
        ("iso-signin.csv", "text/csv", SIGNIN_CSV.as_bytes().to_vec())
    } else if path.ends_with("/document-logo") {
        ("iso.png", "image/png", iso_logo(24, 12))
    } else {
        ("iso.pdf", "application/pdf", b"%PDF-1.7 iso".to_vec())
    }
}

/// A PNG of `w`×`h` pixels (a logo).
fn iso_logo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 7 % 256) as u8, (y * 5 % 256) as u8, 17])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

fn multipart(pairs: &[(String, String)], file: bool) -> (String, Vec<u8>) {
    let boundary = "csrfProofBoundary7";
    let mut b = String::new();
    for (k, v) in pairs {
        b.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    if file {
        b.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"csrf.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 csrf\r\n"
        ));
    }
    b.push_str(&format!("--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        b.into_bytes(),
    )
}

/// A page form's body (content type and bytes) with the token sent as
/// `token` says.
fn csrf_probe(
    path: &str,
    token: Token,
    other: &str,
    enc: Encoding,
    c: &BodyCtx,
) -> (String, Vec<u8>) {
    let csrf = match token {
        Token::Missing => None,
        Token::Empty => Some(""),
        Token::OtherSession => Some(other),
    };
    let fields = page_fields(path, csrf, c);
    match enc {
        Encoding::UrlEncoded => (
            "application/x-www-form-urlencoded".to_string(),
            form(&fields),
        ),
        Encoding::Multipart => multipart(&fields, is_upload(path)),
    }
}

backend_tests! {
    /// Every unsafe page route refuses a logged-in caller whose form lacks the
    /// session's CSRF token (no `_csrf`, an empty one, or another session's),
    /// urlencoded and multipart alike, with 403, and nothing changes: not the
    /// data, not the audit chain's head, not the caller's session (so log-out
    /// and password changes did not happen either). The callers and the
    /// requests are those with which
    /// `authorised_callers_can_change_the_target_with_the_same_requests` shows
    /// that, with the token, each of these routes succeeds for one of them:
    /// the refusal is the token's.
    ///
    /// The only unsafe page routes outside the checking extractors are the
    /// pre-session forms of [`PRE_SESSION_FORMS`]; the list must match the
    /// registry exactly, and the forms' own protection is checked too.
    async fn every_page_post_without_the_csrf_token_is_refused(env: TestEnv) {
        let env = env.with_feeds();
        let started = Instant::now();
        let t = setup(&env).await;
        let registry = routes();
        let forms: Vec<_> = registry
            .iter()
            .filter(|r| !matches!(r.method, Method::GET | Method::HEAD | Method::OPTIONS) && !r.path.starts_with("/api/"))
            .collect();
        let exempt: BTreeSet<&str> = forms.iter().filter(|r| r.kind != Kind::Page).map(|r| r.path).collect();
        let listed: BTreeSet<&str> = PRE_SESSION_FORMS.iter().map(|(p, _)| *p).collect();
        assert_eq!(exempt, listed, "the unsafe page routes outside PageForm/PageUpload (kind other than Page) are exactly the pre-session forms");
        for r in &forms {
            assert_eq!(r.method, Method::POST, "page forms are POSTs: {} {}", r.method, r.path);
        }
        let checked: Vec<_> = forms.iter().filter(|r| r.kind == Kind::Page).collect();
        assert!(checked.len() >= 40, "only {} page POST routes", checked.len());

        let mut callers = Vec::new();
        for (ip, who) in (1u8..).zip(["admin", "officer.health", "ciso.health"]) {
            callers.push(Caller::new(&env, Some(who), Mode::Session, [10, 5, 0, ip]).await);
        }
        let pen = env.org("PEN").await;
        let c = BodyCtx { ids: &t.ids, move_parent: pen.to_string(), n: 1, rule_id: &t.rule_id, answers: &t.answers };
        let nobody = BTreeSet::new();
        let before = snapshot(&env, &nobody).await;
        let head = env.store.head(&OrgScope::system_wide()).await.unwrap();
        let mut failures: Vec<String> = Vec::new();
        let mut checks = 0usize;
        for route in &checked {
            // the evidence uploads are multipart; every other page form urlencoded
            let takes = if is_upload(route.path) { Encoding::Multipart } else { Encoding::UrlEncoded };
            for uri in path_for(route.path, &t.ids) {
                for (i, caller) in callers.iter().enumerate() {
                    let other = callers[(i + 1) % callers.len()].csrf.clone();
                    for token in [Token::Missing, Token::Empty, Token::OtherSession] {
                        for enc in [Encoding::UrlEncoded, Encoding::Multipart] {
                            let (ct, body) = csrf_probe(route.path, token, &other, enc, &c);
                            let h = [("cookie", caller.cookie.clone()), ("content-type", ct)];
                            let r = send(&env, &Method::POST, &uri, &h, Some(body), caller.ip).await;
                            checks += 1;
                            let what = format!("POST {uri} as {}, token {token:?}, {enc:?}", caller.label);
                            // refused for the token (403), whatever the body;
                            // but the upload turns a body that is not multipart
                            // away as malformed (422) before looking for a token
                            let expected = if enc == takes || takes == Encoding::UrlEncoded {
                                StatusCode::FORBIDDEN
                            } else {
                                StatusCode::UNPROCESSABLE_ENTITY
                            };
                            if r.status != expected {
                                failures.push(format!("{what}: {} instead of {expected}: {}", outcome(&r), r.text().chars().take(200).collect::<String>()));
                            }
                            if env.store.head(&OrgScope::system_wide()).await.unwrap() != head {
                                failures.push(format!("{what}: the audit chain grew"));
                                panic!("{}", failures.join("\n"));
                            }
                            let me = send(&env, &Method::GET, "/api/v1/me", &[("cookie", caller.cookie.as_str())], None, caller.ip).await;
                            if me.status != StatusCode::OK {
                                failures.push(format!("{what}: the session ended ({})", me.status));
                                panic!("{}", failures.join("\n"));
                            }
                        }
                    }
                }
            }
            let d = diff(&before, &snapshot(&env, &nobody).await);
            if !d.is_empty() {
                failures.push(format!("POST {}: data changed: {d:#?}", route.path));
                panic!("{}", failures.join("\n"));
            }
        }

        // the pre-session forms protect themselves
        let admin = &callers[0];
        let login = |csrf: Option<&str>| {
            let mut f = vec![("username", "admin"), ("password", PASSWORD), ("next", "/")];
            if let Some(x) = csrf {
                f.push(("_csrf", x));
            }
            form(&f)
        };
        let ct = ("content-type", "application/x-www-form-urlencoded");
        // the login form's cookie, as a browser gets it
        let r = send(&env, &Method::GET, "/login", &[] as &[(&str, &str)], None, [10, 5, 1, 1]).await;
        let precsrf = r.headers.get_all("set-cookie").iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.split(';').next().filter(|kv| kv.starts_with("zian_precsrf=")))
            .expect("pre-session CSRF cookie")
            .to_string();
        let pre_token = precsrf.trim_start_matches("zian_precsrf=").to_string();
        let precsrf = precsrf.as_str();
        // without the field the form does not parse (422); a wrong token is
        // forbidden (403)
        let (malformed, forbidden) = (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::FORBIDDEN);
        for (label, cookie, body, expected) in [
            ("no token", Some(precsrf), login(None), malformed),
            ("an empty token, no cookie", None, login(Some("")), forbidden),
            ("an empty token", Some(precsrf), login(Some("")), forbidden),
            ("a token other than the cookie's", Some(precsrf), login(Some("csrfProofOtherToken0123")), forbidden),
            ("another session's token", Some(precsrf), login(Some(admin.csrf.as_str())), forbidden),
        ] {
            let mut h = vec![ct];
            if let Some(k) = cookie {
                h.push(("cookie", k));
            }
            let r = send(&env, &Method::POST, "/login", &h, Some(body), [10, 5, 1, 1]).await;
            checks += 1;
            let sets_session = r.headers.get_all("set-cookie").iter().any(|v| v.to_str().unwrap_or("").starts_with("zian_session="));
            if r.status != expected || sets_session {
                failures.push(format!("POST /login with {label}: {} instead of {expected}, session cookie set: {sets_session}", outcome(&r)));
            }
            if env.store.head(&OrgScope::system_wide()).await.unwrap() != head {
                failures.push(format!("POST /login with {label}: the audit chain grew"));
            }
        }
        // with the cookie's token the same form logs in: the refusals were the token's
        let r = send(&env, &Method::POST, "/login", &[ct, ("cookie", precsrf)], Some(login(Some(&pre_token))), [10, 5, 1, 2]).await;
        assert_eq!(outcome(&r), "303 /", "the login form with its token: {}", r.text());
        let head = env.store.head(&OrgScope::system_wide()).await.unwrap();
        for token in [Token::Missing, Token::Empty, Token::OtherSession] {
            let mut f = vec![("code", "123456".to_string())];
            let expected = match token {
                Token::Missing => malformed,
                Token::Empty => {
                    f.push(("_csrf", String::new()));
                    forbidden
                }
                Token::OtherSession => {
                    f.push(("_csrf", callers[1].csrf.clone()));
                    forbidden
                }
            };
            let h = [("cookie", admin.cookie.as_str()), ct];
            let r = send(&env, &Method::POST, "/login/mfa", &h, Some(form(&f)), admin.ip).await;
            checks += 1;
            if r.status != expected {
                failures.push(format!("POST /login/mfa with token {token:?}: {} instead of {expected}", outcome(&r)));
            }
            if env.store.head(&OrgScope::system_wide()).await.unwrap() != head {
                failures.push(format!("POST /login/mfa with token {token:?}: the audit chain grew"));
            }
        }
        // the language switch needs no token (see PRE_SESSION_FORMS): if it
        // gains a check, it leaves the list
        let h = [("cookie", admin.cookie.as_str()), ct];
        let r = send(&env, &Method::POST, "/lang", &h, Some(form(&[("lang", "en"), ("back", "/")])), admin.ip).await;
        checks += 1;
        assert_eq!(outcome(&r), "303 /", "the language switch without a token: {}", r.text());

        eprintln!(
            "csrf [{:?}]: {} page POST routes x {} callers, {checks} refused requests, {:.1}s",
            env.backend,
            checked.len(),
            callers.len(),
            started.elapsed().as_secs_f64()
        );
        assert!(failures.is_empty(), "{} CSRF failures:\n{}", failures.len(), failures.join("\n"));
    }
}
