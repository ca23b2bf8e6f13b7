//! The organisation tree: list, create, edit, move, archive, history.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post, put};
use schemars::JsonSchema;
use serde::Deserialize;
use zian_app::AppError;
use zian_domain::OrgTier;
use zian_domain::org::{OrgDraft, parse_kind, parse_level};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs", Api, "orgs", "List organisations (filters: q, tier, kind, level, parent, active; sort: name, level, code, path)", get(api::list)).resp::<crate::list::PageOut<api::OrgOut>>().listed(FILTERS),
        r(M::POST, "/api/v1/orgs", Api, "orgs", "Create an organisation", post(api::create)).req::<api::OrgCreateInput>().resp::<api::OrgOut>(),
        r(M::GET, "/api/v1/orgs/{id}", Api, "orgs", "Get an organisation", get(api::get)).resp::<api::OrgOut>(),
        r(M::PUT, "/api/v1/orgs/{id}", Api, "orgs", "Replace an organisation's fields", put(api::update)).req::<OrgInput>().resp::<api::OrgOut>(),
        r(M::POST, "/api/v1/orgs/{id}/move", Api, "orgs", "Move a subtree under a new parent", post(api::move_subtree)).req::<api::MoveInput>().resp::<api::OrgOut>(),
        r(M::POST, "/api/v1/orgs/{id}/archive", Api, "orgs", "Archive an organisation and its subtree", post(api::archive)).resp::<api::OrgOut>(),
        r(M::POST, "/api/v1/orgs/{id}/restore", Api, "orgs", "Restore an archived organisation", post(api::restore)).resp::<api::OrgOut>(),
        r(M::GET, "/api/v1/orgs/{id}/history", Api, "orgs", "Change history of an organisation", get(api::history)).resp::<Vec<api::HistoryOut>>(),
        r(M::GET, "/orgs", Page, "page", "Organisation tree", get(pages::tree)),
        r(M::GET, "/orgs/new", Page, "page", "New organisation form", get(pages::new_form)),
        r(M::POST, "/orgs", Page, "page", "Create organisation", post(pages::create)),
        r(M::GET, "/orgs/{id}", Page, "page", "Organisation", get(pages::show)),
        r(M::GET, "/orgs/{id}/edit", Page, "page", "Edit organisation form", get(pages::edit_form)),
        r(M::POST, "/orgs/{id}", Page, "page", "Save organisation", post(pages::update)),
        r(M::POST, "/orgs/{id}/move", Page, "page", "Move organisation", post(pages::move_org)),
        r(M::POST, "/orgs/{id}/archive", Page, "page", "Archive organisation", post(pages::archive)),
        r(M::POST, "/orgs/{id}/restore", Page, "page", "Restore organisation", post(pages::restore)),
    ]
}

/// The filters of the organisation list.
pub const FILTERS: &[&str] = &["tier", "kind", "level", "parent", "active"];

/// Fields of an organisation. `tier`: national, municipal_hub,
/// local_government, agency, unit. `kind`: public, non_public,
/// critical_infrastructure. `level`: A–E. Dates YYYY-MM-DD.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgInput {
    pub code: Option<String>,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub tier: String,
    pub kind: String,
    pub level: Option<String>,
    pub level_assigned_on: Option<String>,
    pub level_review_due: Option<String>,
    pub fiscal_tier: Option<i64>,
}

pub fn org_draft(i: &OrgInput) -> Result<OrgDraft, AppError> {
    Ok(OrgDraft {
        code: i.code.clone(),
        name_zh: i.name_zh.clone(),
        name_en: i.name_en.clone().unwrap_or_default(),
        tier: OrgTier::parse(&i.tier)?,
        kind: parse_kind(&i.kind)?,
        level: i
            .level
            .as_deref()
            .filter(|l| !l.is_empty())
            .map(parse_level)
            .transpose()?,
        level_assigned_on: zian_domain::day::parse_opt(
            "level_assigned_on",
            i.level_assigned_on.as_deref(),
        )?,
        level_review_due: zian_domain::day::parse_opt(
            "level_review_due",
            i.level_review_due.as_deref(),
        )?,
        fiscal_tier: i.fiscal_tier,
    })
}
