//! Information systems: register, guided grading questionnaire (附表九),
//! control baseline with implementation status (附表十) and the statement of
//! applicability.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::compliance::rules::{Question, QuestionOption, Questionnaire};
use zian_app::systems::{
    BulkControlInput, ControlInput, GradingInput, SoaRow, SystemInput, SystemView,
};
use zian_domain::systems::{ControlStatus, InfoSystem};
use zian_domain::{Impact, OrgId, Organisation, Page, Permission, SystemId};

use crate::error::PageResult;
use crate::extract::{NoFields, PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;
use zian_i18n::{Lang, msg};

#[derive(Template)]
#[template(path = "systems.html")]
pub struct SystemsPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub systems: Page<InfoSystem>,
    pub pager: Pager,
    pub q: String,
    pub can_write: bool,
    /// Archived systems are listed too.
    pub show_archived: bool,
    /// Only systems whose level review is overdue.
    pub review_overdue: bool,
}

impl SystemsPage {
    pub fn level(&self, l: &Option<Impact>) -> &'static str {
        l.map_or("—", Impact::as_str)
    }
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(pairs): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let fq = FlashQuery::from_pairs(&pairs);
    // access first: the filter's validity is told only to readers
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let q = crate::list::query(&pairs, super::FILTERS)?;
    let show_archived = crate::values::flag(&pairs, "archived")?;
    let review_overdue = crate::values::flag(&pairs, "review_overdue")?;
    let (org, systems) = st.app.list_systems(&pc.p, &org.id, &q).await?;
    let pager = Pager::new(&systems, &format!("/orgs/{}/systems", org.id), &pairs);
    let cx = ctx(
        &st.app,
        &pc,
        "systems.title",
        "systems",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&org.path);
    render(&SystemsPage {
        ctx: cx,
        org,
        systems,
        pager,
        q: q.q.unwrap_or_default(),
        can_write,
        show_archived,
        review_overdue,
    })
}

/// Every field defaults, so a malformed form is judged after the access check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SystemForm {
    name: String,
    owner: String,
    description: Option<String>,
}

pub async fn create(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<SystemForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let s = st
        .app
        .create_system(
            &pc.p,
            &id,
            SystemInput {
                name: f.name,
                owner: f.owner,
                description: f.description,
            },
        )
        .await?;
    Ok(see_other(&format!("/systems/{}?ok=systems.created", s.id)))
}

#[derive(Template)]
#[template(path = "system_show.html")]
pub struct SystemPage {
    pub ctx: PageCtx,
    pub v: SystemView,
    pub q: &'static Questionnaire,
    pub answers: BTreeMap<String, String>,
    pub can_write: bool,
    pub today: String,
}

impl SystemPage {
    pub fn level_zh(&self, l: &Impact) -> &'static str {
        l.as_str()
    }
    pub fn question(&self, q: &Question) -> String {
        if self.ctx.lang == Lang::En {
            q.text_en.clone()
        } else {
            q.text_zh.clone()
        }
    }
    pub fn option(&self, o: &QuestionOption) -> String {
        if self.ctx.lang == Lang::En {
            o.label_en.clone()
        } else {
            o.label_zh.clone()
        }
    }
    pub fn checked(&self, q: &Question, o: &QuestionOption) -> bool {
        self.answers.get(&q.id) == Some(&o.id)
    }
    /// The localised name of the question's dimension.
    pub fn dim(&self, q: &Question) -> String {
        self.ctx.t(&format!(
            "systems.dim.{}",
            format!("{:?}", q.dimension).to_lowercase()
        ))
    }
    pub fn is_new(&self, r: &SoaRow) -> bool {
        self.v.newly_required.contains(&r.control.id)
    }
    pub fn status_of(&self, r: &SoaRow) -> String {
        r.status
            .as_ref()
            .map_or_else(String::new, |s| s.status.as_str().to_string())
    }
    pub fn field(&self, r: &SoaRow, name: &str) -> String {
        let Some(s) = &r.status else {
            return String::new();
        };
        match name {
            "owner" => s.owner.to_string(),
            "evidence" => s.evidence.to_string(),
            "planned_on" => s.planned_on.map(zian_domain::day::ymd).unwrap_or_default(),
            "na_reason" => s
                .na_reason
                .as_ref()
                .map(|r| r.to_string())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }
    pub fn statuses(&self) -> [&'static str; 4] {
        ControlStatus::ALL.map(ControlStatus::as_str)
    }
    pub fn required_count(&self) -> usize {
        self.v.soa.iter().filter(|r| r.required).count()
    }
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<SystemId>,
    Query(fq): Query<FlashQuery>,
    Query(bulk): Query<BulkDone>,
) -> PageResult {
    let v = st.app.system_view(&pc.p, &id).await?;
    let mut cx = ctx(
        &st.app,
        &pc,
        "systems.detail",
        "systems",
        fq.flash().as_deref(),
    )
    .await?;
    if let (Some(u), Some(n)) = (bulk.bulk_updated, bulk.bulk_unchanged) {
        cx.flash = Some((
            "ok".to_string(),
            msg!("systems_bulk.done", updated = u, unchanged = n).render(cx.lang),
        ));
    }
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&v.org.path);
    let answers = v
        .gradings
        .first()
        .map(|g| g.answers.clone())
        .unwrap_or_default();
    let q = st.app.questionnaire()?;
    render(&SystemPage {
        ctx: cx,
        v,
        q,
        answers,
        can_write,
        today: zian_domain::day::ymd(st.app.today()),
    })
}

/// The summary after a bulk update (counts only; anything else is ignored).
#[derive(Deserialize, Default)]
pub struct BulkDone {
    #[serde(default, deserialize_with = "lenient_count")]
    bulk_updated: Option<u32>,
    #[serde(default, deserialize_with = "lenient_count")]
    bulk_unchanged: Option<u32>,
}

fn lenient_count<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    Ok(s.and_then(|s| s.trim().parse().ok()))
}

/// The grading form: `q.<question id>` = option id, plus assessor, approver, date.
pub async fn grade(
    State(st): State<AppState>,
    PagePath(id): PagePath<SystemId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, pairs) = (form.pc, form.form);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let answers: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("q.")
                .map(|q| (q.to_string(), serde_json::Value::String(v.clone())))
        })
        .take(500)
        .collect();
    let input = GradingInput {
        answers: serde_json::Value::Object(answers),
        assessor: get("assessor").unwrap_or_default(),
        approver: get("approver").unwrap_or_default(),
        assessed_on: get("assessed_on").filter(|s| !s.trim().is_empty()),
    };
    st.app.grade_system(&pc.p, &id, input).await?;
    Ok(see_other(&format!(
        "/systems/{id}?ok=systems.graded#baseline-h"
    )))
}

/// Every field defaults, so a malformed form is judged after the access check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ControlForm {
    control_id: String,
    status: String,
    planned_on: Option<String>,
    na_reason: Option<String>,
    owner: String,
    evidence: Option<String>,
}

pub async fn control(
    State(st): State<AppState>,
    PagePath(id): PagePath<SystemId>,
    form: PageForm<ControlForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let input = ControlInput {
        status: f.status,
        planned_on: f.planned_on,
        na_reason: f.na_reason,
        owner: f.owner,
        evidence: f.evidence,
    };
    st.app
        .set_control_status(&pc.p, &id, &f.control_id, input)
        .await?;
    Ok(see_other(&format!(
        "/systems/{id}?ok=systems.control_saved#c-{}",
        f.control_id
    )))
}

/// The bulk form: `control_id` once per selected control, then `status`,
/// `planned_on`, `na_reason`, `owner`, `evidence`.
pub async fn control_bulk(
    State(st): State<AppState>,
    PagePath(id): PagePath<SystemId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, pairs) = (form.pc, form.form);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let input = BulkControlInput {
        control_ids: pairs
            .iter()
            .filter(|(k, _)| k == "control_id")
            .map(|(_, v)| v.clone())
            .collect(),
        status: get("status").unwrap_or_default(),
        planned_on: get("planned_on").filter(|s| !s.trim().is_empty()),
        na_reason: get("na_reason"),
        owner: get("owner"),
        evidence: get("evidence"),
    };
    let done = st.app.bulk_set_controls(&pc.p, &id, input).await?;
    Ok(see_other(&format!(
        "/systems/{id}?bulk_updated={}&bulk_unchanged={}#baseline-h",
        done.updated, done.unchanged
    )))
}

/// Saves a system's name, owner and description.
pub async fn update(
    State(st): State<AppState>,
    PagePath(id): PagePath<SystemId>,
    form: PageForm<SystemForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let s = st
        .app
        .update_system(
            &pc.p,
            &id,
            SystemInput {
                name: f.name,
                owner: f.owner,
                description: f.description,
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/systems/{}?ok=systems_edit.saved",
        s.id
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {}

/// Archives a system (it keeps its gradings, control status and risks).
pub async fn archive(
    State(st): State<AppState>,
    PagePath(id): PagePath<SystemId>,
    form: PageForm<NoFields>,
) -> PageResult {
    let pc = form.pc;
    let s = st.app.set_system_archived(&pc.p, &id, true).await?;
    Ok(see_other(&format!(
        "/orgs/{}/systems?ok=systems_edit.archived",
        s.org_id
    )))
}

/// Brings an archived system back into use.
pub async fn restore(
    State(st): State<AppState>,
    PagePath(id): PagePath<SystemId>,
    form: PageForm<NoFields>,
) -> PageResult {
    let pc = form.pc;
    let s = st.app.set_system_archived(&pc.p, &id, false).await?;
    Ok(see_other(&format!(
        "/systems/{}?ok=systems_edit.restored",
        s.id
    )))
}
