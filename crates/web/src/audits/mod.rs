//! Security audits (資通安全稽核): internal, supervisory and vendor audits
//! from plan to close. Not the audit trail (`crate::audit`).

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{delete, get, post, put};
use zian_app::audits::{
    AnswersInput, AuditInput, AuditOut, ChecklistInput, ItemsInput, ReportInput,
};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/audit-checklists", Api, "audits", "The audit checklists the organisation keeps and those kept by the organisations above it (usable by its audits besides the shipped ones)", get(api::checklists)).resp::<api::ChecklistsOut>(),
        r(M::POST, "/api/v1/orgs/{id}/audit-checklists", Api, "audits", "Keep a checklist for the organisation's audits and those of the organisations below it", post(api::create_checklist)).req::<ChecklistInput>().resp::<api::ChecklistOut>(),
        r(M::DELETE, "/api/v1/audit-checklists/{id}", Api, "audits", "Remove a kept checklist (audits that copied its items keep them)", delete(api::delete_checklist)).resp::<api::ChecklistOut>(),
        r(M::GET, "/orgs/{id}/audit-checklists", Page, "page", "The audit checklists an organisation keeps and inherits", get(pages::checklists)),
        r(M::POST, "/orgs/{id}/audit-checklists", Page, "page", "Keep an audit checklist", post(pages::create_checklist)),
        r(M::POST, "/audit-checklists/{id}/delete", Page, "page", "Remove a kept audit checklist", post(pages::delete_checklist)),
        r(M::GET, "/api/v1/orgs/{id}/audits", Api, "audits", "The organisation's security audits (internal, supervisory, vendor), latest first, paged (filters: q (title), kind, status, year; sort: starts, title)", get(api::list)).resp::<api::AuditListOut>().listed(FILTERS),
        r(M::POST, "/api/v1/orgs/{id}/audits", Api, "audits", "Plan an audit of the organisation: the plan's contents and the team, checked (trained auditors, none of an audited unit; supervisory: at least 3 members, a quarter public, declarations signed, run from above); the previous audit's results filled in", post(api::create)).req::<AuditInput>().resp::<AuditOut>(),
        r(M::GET, "/api/v1/audits/{id}", Api, "audits", "An audit with its plan, team, items and answers, and the corrective actions its findings raised", get(api::get)).resp::<api::AuditDetailOut>(),
        r(M::PUT, "/api/v1/audits/{id}", Api, "audits", "Change a planned audit's plan and team", put(api::edit)).req::<AuditInput>().resp::<AuditOut>(),
        r(M::PUT, "/api/v1/audits/{id}/items", Api, "audits", "Set a planned audit's items from a checklist (vendor-001: seed 001's 委外廠商查核項目表; baseline: 附表十 for the organisation's graded systems; custom: typed lines), assigned to the auditors in turn", put(api::items)).req::<ItemsInput>().resp::<AuditOut>(),
        r(M::POST, "/api/v1/audits/{id}/notify", Api, "audits", "Notify the auditees (each auditor has an item; in time for the plan's notice days): their officers get the schedule in their inbox", post(api::notify)).resp::<AuditOut>(),
        r(M::POST, "/api/v1/audits/{id}/answers", Api, "audits", "Record items' results (符合／不符合／不適用 with the explanation; a nonconformity needs one); all or none", post(api::answers)).req::<AnswersInput>().resp::<AuditOut>(),
        r(M::POST, "/api/v1/audits/{id}/report", Api, "audits", "Report the audit (every item answered) with its conclusion; each finding raises a corrective action of the audited organisation (default due a month later)", post(api::report)).req::<ReportInput>().resp::<AuditOut>(),
        r(M::POST, "/api/v1/audits/{id}/close", Api, "audits", "Close a reported audit once every corrective action is done and reviewed as effective", post(api::close)).resp::<AuditOut>(),
        r(M::GET, "/orgs/{id}/audits", Page, "page", "Security audits, with the form that plans one", get(pages::list)),
        r(M::POST, "/orgs/{id}/audits", Page, "page", "Plan an audit", post(pages::create)),
        r(M::GET, "/audits/{id}", Page, "page", "An audit: plan, team, items and results, report, corrective actions, documents", get(pages::show)),
        r(M::POST, "/audits/{id}/items", Page, "page", "Set a planned audit's items", post(pages::items)),
        r(M::POST, "/audits/{id}/notify", Page, "page", "Notify the auditees", post(pages::notify)),
        r(M::POST, "/audits/{id}/answers", Page, "page", "Record the items' results", post(pages::answers)),
        r(M::POST, "/audits/{id}/report", Page, "page", "Report the audit", post(pages::report)),
        r(M::POST, "/audits/{id}/close", Page, "page", "Close the audit", post(pages::close)),
        r(M::POST, "/corrective-actions/{id}/analysis", Page, "page", "Record a corrective action's analysis", post(pages::analysis)),
        r(M::POST, "/corrective-actions/{id}/review", Page, "page", "Review a corrective action's effectiveness", post(pages::review)),
    ]
}

/// The list's own filters.
pub const FILTERS: &[&str] = &["kind", "status", "year"];
