//! Information systems: register, guided grading questionnaire (附表九),
//! control baseline with implementation status (附表十) and the statement of
//! applicability.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::compliance::rules::{Question, QuestionOption, Questionnaire};
use zian_app::systems::{ControlInput, GradingInput, SoaRow, SystemInput, SystemView};
use zian_domain::{Organisation, Permission};
use zian_storage::SystemRow;

use super::dashboard::FlashQuery;
use super::{PageCtx, PagePath, PageResult, ctx, render, see_other};
use crate::api::compliance::impact_zh;
use crate::extract::PageCaller;
use crate::i18n::Lang;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "systems.html")]
pub struct SystemsPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub systems: Vec<SystemRow>,
    pub can_write: bool,
    /// Archived systems are listed too.
    pub show_archived: bool,
}

impl SystemsPage {
    pub fn level(&self, l: &Option<String>) -> &'static str {
        l.as_deref().map_or("—", impact_zh)
    }
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    q: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q?;
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let fq = FlashQuery {
        ok: get("ok"),
        err: get("err"),
    };
    // access first: the filter's validity is told only to readers
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let show_archived = crate::api::compliance::include_archived(&q)?;
    let (org, systems) = st.app.list_systems(&pc.p, &org.id, show_archived).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "systems.title",
        "compliance",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&org.path);
    render(&SystemsPage {
        ctx: cx,
        org,
        systems,
        can_write,
        show_archived,
    })
}

/// Every field defaults, so a malformed form is judged after the access check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SystemForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    name: String,
    owner: String,
    description: Option<String>,
}

pub async fn create(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    form: Result<Form<SystemForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    let s = st
        .app
        .create_system(
            &pc.p,
            &id,
            SystemInput {
                name: f.name,
                owner: f.owner,
                description: f.description.unwrap_or_default(),
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
    pub fn level_zh(&self, l: &str) -> &'static str {
        impact_zh(l)
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
            .map_or_else(String::new, |s| s.status.clone())
    }
    pub fn field(&self, r: &SoaRow, name: &str) -> String {
        let Some(s) = &r.status else {
            return String::new();
        };
        match name {
            "owner" => s.owner.clone(),
            "evidence" => s.evidence.clone(),
            "planned_on" => s.planned_on.clone().unwrap_or_default(),
            "na_reason" => s.na_reason.clone().unwrap_or_default(),
            _ => String::new(),
        }
    }
    pub fn statuses(&self) -> [&'static str; 4] {
        zian_app::systems::CONTROL_STATUSES
    }
    pub fn required_count(&self) -> usize {
        self.v.soa.iter().filter(|r| r.required).count()
    }
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.system_view(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "systems.detail",
        "compliance",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&v.org.path);
    let answers = v
        .gradings
        .first()
        .and_then(|g| serde_json::from_str(&g.answers).ok())
        .unwrap_or_default();
    let q = st.app.questionnaire()?;
    render(&SystemPage {
        ctx: cx,
        v,
        q,
        answers,
        can_write,
        today: zian_app::compliance::ymd(st.app.today()),
    })
}

/// The grading form: `q.<question id>` = option id, plus assessor, approver, date.
pub async fn grade(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> PageResult {
    let Form(pairs) = form?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    pc.check_csrf(&get("_csrf").unwrap_or_default())?;
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
    #[serde(rename = "_csrf")]
    csrf: String,
    control_id: String,
    status: String,
    planned_on: Option<String>,
    na_reason: Option<String>,
    owner: String,
    evidence: Option<String>,
}

pub async fn control(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    form: Result<Form<ControlForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    let input = ControlInput {
        status: f.status,
        planned_on: f.planned_on,
        na_reason: f.na_reason,
        owner: f.owner,
        evidence: f.evidence.unwrap_or_default(),
    };
    st.app
        .set_control_status(&pc.p, &id, &f.control_id, input)
        .await?;
    Ok(see_other(&format!(
        "/systems/{id}?ok=systems.control_saved#c-{}",
        f.control_id
    )))
}

/// Saves a system's name, owner and description.
pub async fn update(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    form: Result<Form<SystemForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    let s = st
        .app
        .update_system(
            &pc.p,
            &id,
            SystemInput {
                name: f.name,
                owner: f.owner,
                description: f.description.unwrap_or_default(),
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
pub struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: String,
}

/// Archives a system (it keeps its gradings, control status and risks).
pub async fn archive(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    let s = st.app.set_system_archived(&pc.p, &id, true).await?;
    Ok(see_other(&format!(
        "/orgs/{}/systems?ok=systems_edit.archived",
        s.org_id
    )))
}

/// Brings an archived system back into use.
pub async fn restore(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    let s = st.app.set_system_archived(&pc.p, &id, false).await?;
    Ok(see_other(&format!(
        "/systems/{}?ok=systems_edit.restored",
        s.id
    )))
}
