//! The route registry: every route the server answers, with what the OpenAPI
//! document and the isolation tests need to know about it. The router is
//! built from this list, so nothing is served that is not listed.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{MethodRouter, delete, get, post, put};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::api::{self, dto};
use crate::error::LANG;
use crate::extract::{LANG_COOKIE, anon_lang, cookie};
use crate::i18n::Lang;
use crate::pages;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No authentication (health, login form, static files, API docs).
    Public,
    /// JSON API; bearer token or session cookie.
    Api,
    /// HTML page; session cookie.
    Page,
}

pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub kind: Kind,
    pub tag: &'static str,
    pub summary: &'static str,
    pub request: Option<SchemaFn>,
    pub response: Option<SchemaFn>,
    /// Whether the route takes the common list parameters.
    pub list: bool,
    pub handler: MethodRouter<AppState>,
}

fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

fn r(
    method: Method,
    path: &'static str,
    kind: Kind,
    tag: &'static str,
    summary: &'static str,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        method,
        path,
        kind,
        tag,
        summary,
        request: None,
        response: None,
        list: false,
        handler,
    }
}

impl Route {
    fn req<T: JsonSchema>(mut self) -> Self {
        self.request = Some(schema::<T>);
        self
    }
    fn resp<T: JsonSchema>(mut self) -> Self {
        self.response = Some(schema::<T>);
        self
    }
    fn listed(mut self) -> Self {
        self.list = true;
        self
    }
}

/// Every route, in documentation order.
pub fn routes() -> Vec<Route> {
    use Kind::*;
    use Method as M;
    vec![
        r(M::GET, "/healthz", Public, "ops", "Liveness", get(api::healthz)),
        r(M::GET, "/readyz", Public, "ops", "Readiness (database reachable)", get(api::readyz)),
        r(M::GET, "/metrics", Public, "ops", "Prometheus metrics", get(api::metrics)),
        r(M::GET, "/api/v1/openapi.json", Public, "ops", "This OpenAPI document", get(crate::openapi::openapi_json)),
        r(M::GET, "/api/v1/docs", Public, "ops", "API documentation (HTML, offline)", get(crate::openapi::docs_page)),
        r(M::POST, "/api/v1/session", Public, "session", "Log in with a password (sets the session cookie)", post(api::session_login)).req::<dto::LoginInput>().resp::<dto::LoginOutput>(),
        r(M::POST, "/api/v1/session/mfa", Public, "session", "Second factor for a session", post(api::session_mfa)).req::<dto::MfaInput>(),
        r(M::DELETE, "/api/v1/session", Api, "session", "Log out", delete(api::session_logout)),
        r(M::DELETE, "/api/v1/sessions", Api, "session", "Log out everywhere", delete(api::sessions_logout_all)),
        r(M::GET, "/api/v1/me", Api, "me", "The caller, with roles", get(api::me)).resp::<dto::MeOut>(),
        r(M::PUT, "/api/v1/me/locale", Api, "me", "Set the caller's language", put(api::me_locale)).req::<dto::LocaleInput>(),
        r(M::POST, "/api/v1/me/password", Api, "me", "Change the caller's password", post(api::me_password)).req::<dto::PasswordChangeInput>(),
        r(M::GET, "/api/v1/dashboard", Api, "dashboard", "Roll-up figures of the caller's subtree", get(api::dashboard)).resp::<dto::DashboardOut>(),
        r(M::GET, "/api/v1/orgs", Api, "orgs", "List organisations (filters: q, tier, kind, level, parent, active; sort: name, level, code, path)", get(api::orgs_list)).resp::<dto::PageOut<dto::OrgOut>>().listed(),
        r(M::POST, "/api/v1/orgs", Api, "orgs", "Create an organisation", post(api::orgs_create)).req::<dto::OrgCreateInput>().resp::<dto::OrgOut>(),
        r(M::GET, "/api/v1/orgs/{id}", Api, "orgs", "Get an organisation", get(api::orgs_get)).resp::<dto::OrgOut>(),
        r(M::PUT, "/api/v1/orgs/{id}", Api, "orgs", "Replace an organisation's fields", put(api::orgs_update)).req::<dto::OrgInput>().resp::<dto::OrgOut>(),
        r(M::POST, "/api/v1/orgs/{id}/move", Api, "orgs", "Move a subtree under a new parent", post(api::orgs_move)).req::<dto::MoveInput>().resp::<dto::OrgOut>(),
        r(M::POST, "/api/v1/orgs/{id}/archive", Api, "orgs", "Archive an organisation and its subtree", post(api::orgs_archive)).resp::<dto::OrgOut>(),
        r(M::POST, "/api/v1/orgs/{id}/restore", Api, "orgs", "Restore an archived organisation", post(api::orgs_restore)).resp::<dto::OrgOut>(),
        r(M::GET, "/api/v1/orgs/{id}/history", Api, "orgs", "Change history of an organisation", get(api::orgs_history)).resp::<Vec<dto::HistoryOut>>(),
        r(M::GET, "/api/v1/users", Api, "users", "List users (filters: q, org, active; sort: username, name, created)", get(api::users_list)).resp::<dto::PageOut<dto::UserOut>>().listed(),
        r(M::POST, "/api/v1/users", Api, "users", "Create a user", post(api::users_create)).req::<dto::UserCreateInput>().resp::<dto::UserOut>(),
        r(M::GET, "/api/v1/users/{id}", Api, "users", "Get a user", get(api::users_get)).resp::<dto::UserOut>(),
        r(M::PATCH, "/api/v1/users/{id}", Api, "users", "Edit, deactivate or unlock a user", axum::routing::patch(api::users_update)).req::<dto::UserPatchInput>().resp::<dto::UserOut>(),
        r(M::POST, "/api/v1/users/{id}/password", Api, "users", "Set a temporary password", post(api::users_reset_password)).req::<dto::PasswordResetInput>(),
        r(M::GET, "/api/v1/users/{id}/roles", Api, "roles", "A user's roles", get(api::users_roles)).resp::<Vec<dto::AssignmentOut>>(),
        r(M::POST, "/api/v1/users/{id}/roles", Api, "roles", "Grant a role at an organisation", post(api::users_grant)).req::<dto::GrantInput>().resp::<dto::AssignmentOut>(),
        r(M::DELETE, "/api/v1/roles/{id}", Api, "roles", "Revoke a role assignment", delete(api::roles_revoke)),
        r(M::GET, "/api/v1/deputies", Api, "deputies", "Deputies (職務代理人) in scope", get(api::deputies_list)).resp::<Vec<dto::DeputyOut>>(),
        r(M::POST, "/api/v1/deputies", Api, "deputies", "Designate a deputy for a period", post(api::deputies_create)).req::<dto::DeputyInput>().resp::<dto::DeputyOut>(),
        r(M::DELETE, "/api/v1/deputies/{id}", Api, "deputies", "End a deputyship", delete(api::deputies_revoke)),
        r(M::GET, "/api/v1/tokens", Api, "tokens", "The caller's API tokens", get(api::tokens_list)).resp::<Vec<dto::TokenOut>>(),
        r(M::POST, "/api/v1/tokens", Api, "tokens", "Create an API token (secret shown once)", post(api::tokens_create)).req::<dto::TokenInput>().resp::<dto::NewTokenOut>(),
        r(M::DELETE, "/api/v1/tokens/{id}", Api, "tokens", "Revoke an API token", delete(api::tokens_revoke)),
        r(M::GET, "/api/v1/audit", Api, "audit", "Security audit trail in scope (filters: action prefix, actor)", get(api::audit_list)).resp::<dto::PageOut<dto::AuditOut>>().listed(),
        r(M::GET, "/api/v1/shared", Api, "shared", "Records shared with the caller (vendors)", get(api::shared_list)).resp::<Vec<dto::ShareOut>>(),
        // ---- pages
        r(M::GET, "/static/{file}", Public, "page", "Static assets", get(pages::static_file)),
        r(M::GET, "/login", Public, "page", "Login form", get(pages::auth::login_form)),
        r(M::POST, "/login", Public, "page", "Log in", post(pages::auth::login_submit)),
        r(M::GET, "/login/mfa", Public, "page", "Second factor form", get(pages::auth::mfa_form)),
        r(M::POST, "/login/mfa", Public, "page", "Second factor", post(pages::auth::mfa_submit)),
        r(M::POST, "/lang", Public, "page", "Switch language", post(pages::auth::switch_lang)),
        r(M::POST, "/logout", Page, "page", "Log out", post(pages::auth::logout)),
        r(M::POST, "/logout-all", Page, "page", "Log out everywhere", post(pages::auth::logout_all)),
        r(M::GET, "/", Page, "page", "Dashboard", get(pages::dashboard::dashboard)),
        r(M::POST, "/switch-org", Page, "page", "Switch organisation", post(pages::dashboard::switch_org)),
        r(M::GET, "/orgs", Page, "page", "Organisation tree", get(pages::orgs::tree)),
        r(M::GET, "/orgs/new", Page, "page", "New organisation form", get(pages::orgs::new_form)),
        r(M::POST, "/orgs", Page, "page", "Create organisation", post(pages::orgs::create)),
        r(M::GET, "/orgs/{id}", Page, "page", "Organisation", get(pages::orgs::show)),
        r(M::GET, "/orgs/{id}/edit", Page, "page", "Edit organisation form", get(pages::orgs::edit_form)),
        r(M::POST, "/orgs/{id}", Page, "page", "Save organisation", post(pages::orgs::update)),
        r(M::POST, "/orgs/{id}/move", Page, "page", "Move organisation", post(pages::orgs::move_org)),
        r(M::POST, "/orgs/{id}/archive", Page, "page", "Archive organisation", post(pages::orgs::archive)),
        r(M::POST, "/orgs/{id}/restore", Page, "page", "Restore organisation", post(pages::orgs::restore)),
        r(M::GET, "/users", Page, "page", "Users", get(pages::users::list)),
        r(M::GET, "/users/new", Page, "page", "New user form", get(pages::users::new_form)),
        r(M::POST, "/users", Page, "page", "Create user", post(pages::users::create)),
        r(M::GET, "/users/{id}", Page, "page", "User", get(pages::users::show)),
        r(M::POST, "/users/{id}", Page, "page", "Save user", post(pages::users::update)),
        r(M::POST, "/users/{id}/roles", Page, "page", "Grant role", post(pages::users::grant)),
        r(M::POST, "/users/{id}/roles/{rid}/revoke", Page, "page", "Revoke role", post(pages::users::revoke)),
        r(M::POST, "/users/{id}/password", Page, "page", "Reset password", post(pages::users::reset_password)),
        r(M::GET, "/deputies", Page, "page", "Deputies", get(pages::users::deputies)),
        r(M::POST, "/deputies", Page, "page", "Create deputy", post(pages::users::deputy_create)),
        r(M::POST, "/deputies/{id}/revoke", Page, "page", "End deputyship", post(pages::users::deputy_revoke)),
        r(M::GET, "/tokens", Page, "page", "API tokens", get(pages::account::tokens)),
        r(M::POST, "/tokens", Page, "page", "Create API token", post(pages::account::token_create)),
        r(M::POST, "/tokens/{id}/revoke", Page, "page", "Revoke API token", post(pages::account::token_revoke)),
        r(M::GET, "/audit", Page, "page", "Audit trail", get(pages::account::audit)),
        r(M::GET, "/account", Page, "page", "My account", get(pages::account::account)),
        r(M::GET, "/account/password", Page, "page", "Change password form", get(pages::account::password_form)),
        r(M::POST, "/account/password", Page, "page", "Change password", post(pages::account::password_submit)),
        r(M::GET, "/account/mfa", Page, "page", "MFA settings", get(pages::account::mfa)),
        r(M::POST, "/account/mfa/begin", Page, "page", "Start MFA enrolment", post(pages::account::mfa_begin)),
        r(M::POST, "/account/mfa/confirm", Page, "page", "Confirm MFA enrolment", post(pages::account::mfa_confirm)),
        r(M::POST, "/account/mfa/disable", Page, "page", "Turn MFA off", post(pages::account::mfa_disable)),
        r(M::POST, "/account/mfa/recovery", Page, "page", "New recovery codes", post(pages::account::mfa_recovery)),
        // ---- compliance, systems and risk (issue 4)
        r(M::GET, "/api/v1/compliance", Api, "compliance", "Roll-up: organisations in the caller's record scope and what they are behind on", get(api::compliance::rollup)).resp::<Vec<api::compliance::RollupOut>>(),
        r(M::GET, "/api/v1/orgs/{id}/obligations", Api, "compliance", "An organisation's obligations today (附表一–八) with status", get(api::compliance::obligations)).resp::<api::compliance::ComplianceOut>(),
        r(M::POST, "/api/v1/orgs/{id}/obligations/completions", Api, "compliance", "Record the completion of an obligation with evidence", post(api::compliance::completion_create)).req::<api::compliance::CompletionIn>().resp::<api::compliance::CompletionOut>(),
        r(M::POST, "/api/v1/orgs/{id}/overrides", Api, "compliance", "Record an override (exempt or replace) of a rule or control for the organisation's subtree", post(api::compliance::override_create)).req::<api::compliance::OverrideIn>().resp::<api::compliance::OverrideOut>(),
        r(M::GET, "/api/v1/grading/questionnaire", Api, "systems", "The guided grading questionnaire (附表九)", get(api::compliance::questionnaire)).resp::<Vec<api::compliance::QuestionOut>>(),
        r(M::GET, "/api/v1/orgs/{id}/systems", Api, "systems", "An organisation's information systems (archived ones with archived=true)", get(api::compliance::systems_list)).resp::<Vec<api::compliance::SystemOut>>(),
        r(M::POST, "/api/v1/orgs/{id}/systems", Api, "systems", "Register an information system", post(api::compliance::systems_create)).req::<api::compliance::SystemIn>().resp::<api::compliance::SystemOut>(),
        r(M::GET, "/api/v1/systems/{id}", Api, "systems", "A system with gradings, baseline (附表十) and statement of applicability", get(api::compliance::system_get)).resp::<api::compliance::SystemDetailOut>(),
        r(M::POST, "/api/v1/systems/{id}/grading", Api, "systems", "Grade a system from questionnaire answers", post(api::compliance::system_grade)).req::<api::compliance::GradingIn>().resp::<api::compliance::GradingOutcomeOut>(),
        r(M::PUT, "/api/v1/systems/{id}/controls/{control_id}", Api, "systems", "Set a baseline control's implementation status", put(api::compliance::control_set)).req::<api::compliance::ControlIn>().resp::<api::compliance::ControlStatusOut>(),
        r(M::GET, "/api/v1/orgs/{id}/risks", Api, "risk", "Risk register with heat maps (filters: system_id, treatment, status, above_threshold, min_value)", get(api::risk::risks_list)).resp::<api::risk::RiskRegisterOut>(),
        r(M::POST, "/api/v1/orgs/{id}/risks", Api, "risk", "Record a risk", post(api::risk::risks_create)).req::<api::risk::RiskIn>().resp::<api::risk::RiskOut>(),
        r(M::GET, "/api/v1/plan-schema", Api, "plans", "The maintenance plan's chapter schema and the KPI codes objectives link to", get(api::plans::schema)).resp::<api::plans::SchemaOut>(),
        r(M::GET, "/api/v1/plans", Api, "plans", "Roll-up: maintenance-plan status of every organisation in the caller's record scope", get(api::plans::rollup)).resp::<Vec<api::plans::PlanRollupOut>>(),
        r(M::GET, "/api/v1/orgs/{id}/plans", Api, "plans", "An organisation's maintenance-plan versions and yearly review", get(api::plans::overview)).resp::<api::plans::PlanOverviewOut>(),
        r(M::POST, "/api/v1/orgs/{id}/plans", Api, "plans", "Start a new plan version (a draft) from the latest version, the official template or supplied content", post(api::plans::create)).req::<api::plans::PlanCreateIn>().resp::<api::plans::PlanOut>(),
        r(M::GET, "/api/v1/plans/{id}", Api, "plans", "A plan version with content, live summaries, findings and the level's requirements", get(api::plans::get)).resp::<api::plans::PlanOut>(),
        r(M::PUT, "/api/v1/plans/{id}", Api, "plans", "Replace a draft's content", put(api::plans::update)).req::<api::plans::PlanUpdateIn>().resp::<api::plans::PlanOut>(),
        r(M::PUT, "/api/v1/plans/{id}/chapters/{chapter}", Api, "plans", "Replace one chapter of a draft", put(api::plans::update_chapter)).req::<serde_json::Map<String, serde_json::Value>>().resp::<api::plans::PlanOut>(),
        r(M::POST, "/api/v1/plans/{id}/submit", Api, "plans", "Submit a draft for the CISO's approval (refused with every blocking finding)", post(api::plans::submit)).resp::<api::plans::PlanOut>(),
        r(M::POST, "/api/v1/plans/{id}/approve", Api, "plans", "Approve a submitted version (CISO)", post(api::plans::approve)).req::<api::plans::PlanApproveIn>().resp::<api::plans::PlanOut>(),
        r(M::POST, "/api/v1/plans/{id}/return", Api, "plans", "Return a submitted version to draft with a reason (CISO)", post(api::plans::return_to_draft)).req::<api::plans::PlanReturnIn>().resp::<api::plans::PlanOut>(),
        r(M::GET, "/api/v1/plans/{id}/diff", Api, "plans", "Changes from another version (default: the previous one)", get(api::plans::diff)).resp::<api::plans::PlanDiffOut>(),
        r(M::GET, "/api/v1/orgs/{id}/kpis", Api, "plans", "KPI measurements of an organisation", get(api::plans::kpis_list)).resp::<Vec<api::plans::KpiOut>>(),
        r(M::POST, "/api/v1/orgs/{id}/kpis", Api, "plans", "Record a KPI measurement", post(api::plans::kpis_create)).req::<api::plans::KpiIn>().resp::<api::plans::KpiOut>(),
        r(M::GET, "/plans", Page, "page", "Maintenance plans of the organisations in scope", get(pages::plans::rollup)),
        r(M::GET, "/orgs/{id}/plan", Page, "page", "An organisation's maintenance-plan versions and KPIs", get(pages::plans::overview)),
        r(M::POST, "/orgs/{id}/plan", Page, "page", "Start a new plan version", post(pages::plans::create)),
        r(M::POST, "/orgs/{id}/kpis", Page, "page", "Record a KPI measurement", post(pages::plans::kpi_create)),
        r(M::GET, "/plans/{id}", Page, "page", "A maintenance-plan version", get(pages::plans::show)),
        r(M::GET, "/plans/{id}/chapters/{chapter}", Page, "page", "Edit form of a plan chapter", get(pages::plans::edit_form)),
        r(M::POST, "/plans/{id}/chapters/{chapter}", Page, "page", "Save a plan chapter", post(pages::plans::edit_submit)),
        r(M::POST, "/plans/{id}/submit", Page, "page", "Submit a plan for approval", post(pages::plans::submit)),
        r(M::POST, "/plans/{id}/approve", Page, "page", "Approve a plan (CISO)", post(pages::plans::approve)),
        r(M::POST, "/plans/{id}/return", Page, "page", "Return a plan for revision (CISO)", post(pages::plans::return_to_draft)),
        r(M::GET, "/plans/{id}/diff", Page, "page", "Differences between plan versions", get(pages::plans::diff)),
        r(M::GET, "/api/v1/reminders", Api, "reminders", "What is overdue or due within `within_days` (default 30) in the caller's scope, with whom to remind", get(api::plans::reminders)).resp::<Vec<api::plans::ReminderOut>>(),
        r(M::GET, "/reminders", Page, "page", "Reminders of what is due", get(pages::plans::reminders)),
        r(M::GET, "/api/v1/orgs/{id}/evidence", Api, "compliance", "Evidence files of an organisation (metadata)", get(api::evidence::list)).resp::<Vec<api::evidence::EvidenceOut>>(),
        r(M::POST, "/api/v1/orgs/{id}/evidence", Api, "compliance", "Upload an evidence file (base64, at most 10 MiB); it is hashed with SHA-256", post(api::evidence::upload)).req::<api::evidence::EvidenceIn>().resp::<api::evidence::EvidenceOut>(),
        r(M::GET, "/api/v1/evidence/{id}", Api, "compliance", "Download an evidence file", get(api::evidence::download)),
        r(M::POST, "/orgs/{id}/evidence", Page, "page", "Upload an evidence file (multipart form)", post(pages::compliance::upload)),
        r(M::GET, "/evidence/{id}", Page, "page", "Download an evidence file", get(pages::compliance::download)),
        // ---- risk settings, risk edits, system edits, exports
        r(M::GET, "/api/v1/orgs/{id}/risks.csv", Api, "risk", "The risk register as CSV (UTF-8 with BOM; same filters as the JSON register)", get(api::risk::risks_csv)),
        r(M::GET, "/api/v1/orgs/{id}/risk-settings", Api, "risk", "The risk scale in force (own, inherited from the nearest ancestor with settings, or the default 1–3)", get(api::risk::settings_get)).resp::<api::risk::RiskSettingsOut>(),
        r(M::PUT, "/api/v1/orgs/{id}/risk-settings", Api, "risk", "Set the organisation's risk scale (3–5 per factor), threshold and labels; 409 while risks would be above the new scale", put(api::risk::settings_put)).req::<api::risk::RiskSettingsIn>().resp::<api::risk::RiskSettingsOut>(),
        r(M::GET, "/api/v1/risks/{id}", Api, "risk", "A risk", get(api::risk::risk_get)).resp::<api::risk::RiskOut>(),
        r(M::PUT, "/api/v1/risks/{id}", Api, "risk", "Edit a risk (values recomputed on the organisation's scale)", put(api::risk::risk_update)).req::<api::risk::RiskIn>().resp::<api::risk::RiskOut>(),
        r(M::DELETE, "/api/v1/risks/{id}", Api, "risk", "Delete a risk (audited)", delete(api::risk::risk_delete)),
        r(M::PUT, "/api/v1/systems/{id}", Api, "systems", "Edit a system's name, owner and description", put(api::compliance::system_update)).req::<api::compliance::SystemIn>().resp::<api::compliance::SystemOut>(),
        r(M::POST, "/api/v1/systems/{id}/archive", Api, "systems", "Archive a system (kept with its gradings and risks; hidden from lists unless archived=true)", post(api::compliance::system_archive)).resp::<api::compliance::SystemOut>(),
        r(M::POST, "/api/v1/systems/{id}/restore", Api, "systems", "Bring an archived system back", post(api::compliance::system_restore)).resp::<api::compliance::SystemOut>(),
        r(M::GET, "/api/v1/systems/{id}/soa.csv", Api, "systems", "Statement of applicability as CSV (UTF-8 with BOM)", get(api::compliance::system_soa_csv)),
        r(M::GET, "/compliance", Page, "page", "Compliance roll-up", get(pages::compliance::rollup)),
        r(M::GET, "/orgs/{id}/compliance", Page, "page", "Compliance of an organisation", get(pages::compliance::org_page)),
        r(M::POST, "/orgs/{id}/compliance/complete", Page, "page", "Record a completion", post(pages::compliance::complete)),
        r(M::POST, "/orgs/{id}/compliance/override", Page, "page", "Record an override", post(pages::compliance::add_override)),
        r(M::GET, "/orgs/{id}/systems", Page, "page", "Information systems", get(pages::systems::list)),
        r(M::POST, "/orgs/{id}/systems", Page, "page", "Register a system", post(pages::systems::create)),
        r(M::GET, "/systems/{id}", Page, "page", "System grading, baseline and statement of applicability", get(pages::systems::show)),
        r(M::POST, "/systems/{id}/grading", Page, "page", "Grade a system", post(pages::systems::grade)),
        r(M::POST, "/systems/{id}/controls", Page, "page", "Set a control's status", post(pages::systems::control)),
        r(M::GET, "/orgs/{id}/risks", Page, "page", "Risk register", get(pages::risk::register)),
        r(M::POST, "/orgs/{id}/risks", Page, "page", "Record a risk", post(pages::risk::create)),
        r(M::POST, "/orgs/{id}/risk-settings", Page, "page", "Save the risk settings", post(pages::risk::settings_save)),
        r(M::GET, "/risks/{id}", Page, "page", "A risk with its edit form", get(pages::risk::show)),
        r(M::POST, "/risks/{id}", Page, "page", "Save a risk", post(pages::risk::update)),
        r(M::POST, "/risks/{id}/delete", Page, "page", "Delete a risk", post(pages::risk::delete)),
        r(M::POST, "/systems/{id}", Page, "page", "Save a system", post(pages::systems::update)),
        r(M::POST, "/systems/{id}/archive", Page, "page", "Archive a system", post(pages::systems::archive)),
        r(M::POST, "/systems/{id}/restore", Page, "page", "Restore a system", post(pages::systems::restore)),
    ]
}

/// Body limit of the evidence upload routes: a 10 MiB file as base64 JSON
/// or as a multipart form.
pub const EVIDENCE_BODY_BYTES: usize = 15 * 1024 * 1024;

/// The application router with its middleware.
pub fn router(st: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for route in routes() {
        // evidence uploads take files (10 MiB, base64 in JSON); every other
        // route keeps the small configured limit
        let max = if route.path.ends_with("/evidence") {
            EVIDENCE_BODY_BYTES
        } else {
            st.web.max_body_bytes
        };
        let handler: MethodRouter<AppState> = route
            .handler
            .layer::<_, std::convert::Infallible>(tower_http::limit::RequestBodyLimitLayer::new(
                max,
            ))
            .layer(axum::extract::DefaultBodyLimit::max(max));
        router = router.route(route.path, handler);
    }
    router
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(st.clone(), common))
        .with_state(st)
}

/// Language, origin check, security headers and metrics for every request.
async fn common(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let kind = if req.uri().path().starts_with("/api/") {
        "api"
    } else {
        "page"
    };
    // unsafe cross-site requests are refused outright
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && let Some(origin) = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
    {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let same = origin
            .split_once("://")
            .is_some_and(|(_, h)| h.trim_end_matches('/') == host);
        if !same {
            let resp = crate::error::ApiError(zian_app::AppError::Forbidden);
            return LANG
                .scope(std::cell::Cell::new(Lang::ZhTw), async move {
                    axum::response::IntoResponse::into_response(resp)
                })
                .await;
        }
    }
    let (parts, body) = req.into_parts();
    let lang = lang_hint(&st, &parts).await;
    let req = Request::from_parts(parts, body);
    let mut resp = LANG.scope(std::cell::Cell::new(lang), next.run(req)).await;
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    st.metrics.observe(
        kind,
        resp.status().as_u16(),
        u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
    );
    resp
}

/// The language of a request before its handler runs: the language cookie
/// (kept in step with the user's preference at login and on switching),
/// then Accept-Language.
async fn lang_hint(_st: &AppState, parts: &axum::http::request::Parts) -> Lang {
    if let Some(l) = cookie(parts, LANG_COOKIE).and_then(Lang::parse) {
        return l;
    }
    anon_lang(parts)
}
