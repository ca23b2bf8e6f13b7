//! Organisation tree, detail, create, edit, move, archive.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_domain::ListQuery;
use zian_domain::org::OrgHistoryEntry;
use zian_domain::{OrgId, Organisation, Permission};
use zian_i18n::msg;

use super::{OrgInput, org_draft};
use crate::error::PageResult;
use crate::extract::{NoFields, PageCaller, PageForm, PagePath};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "orgs_tree.html")]
pub struct TreePage {
    pub ctx: PageCtx,
    pub orgs: Vec<Organisation>,
    pub q: String,
    pub level: String,
    pub show_archived: bool,
    pub can_write: bool,
}

#[derive(Deserialize)]
pub struct TreeQuery {
    q: Option<String>,
    level: Option<String>,
    archived: Option<String>,
    ok: Option<String>,
}

pub async fn tree(
    State(st): State<AppState>,
    pc: PageCaller,
    q: Result<Query<TreeQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q?;
    let flash = q.ok.as_ref().map(|k| format!("ok:{k}"));
    let c = ctx(&st.app, &pc, "orgs.title", "orgs", flash.as_deref()).await?;
    let mut lq = ListQuery::new();
    lq.limit = 500;
    lq.q = q.q.clone().filter(|s| !s.trim().is_empty());
    if let Some(l) = q.level.as_ref().filter(|l| !l.is_empty()) {
        lq.filter.push(("level".into(), l.clone()));
    }
    let show_archived = q.archived.is_some();
    if !show_archived {
        lq.filter.push(("active".into(), "1".into()));
    }
    let orgs = st.app.list_orgs(&pc.p, &lq).await?.items;
    render(&TreePage {
        ctx: c,
        orgs,
        q: q.q.unwrap_or_default(),
        level: q.level.unwrap_or_default(),
        show_archived,
        can_write: !pc.p.scope(Permission::OrgWrite).is_empty(),
    })
}

#[derive(Template)]
#[template(path = "org_form.html")]
pub struct OrgFormPage {
    pub ctx: PageCtx,
    pub action: String,
    pub parent: Option<Organisation>,
    pub org: Option<Organisation>,
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<OrgId>,
}

pub async fn new_form(
    State(st): State<AppState>,
    pc: PageCaller,
    Query(q): Query<NewQuery>,
) -> PageResult {
    let parent_id = q
        .parent
        .or_else(|| pc.session.current_org_id.clone())
        .unwrap_or_default();
    let parent = st.app.get_org(&pc.p, &parent_id).await?;
    pc.p.require(Permission::OrgWrite, &parent.path)?;
    let c = ctx(&st.app, &pc, "orgs.new", "orgs", None).await?;
    render(&OrgFormPage {
        ctx: c,
        action: "/orgs".into(),
        parent: Some(parent),
        org: None,
    })
}

#[derive(Deserialize)]
pub struct OrgForm {
    parent_id: Option<OrgId>,
    code: Option<String>,
    name_zh: String,
    name_en: Option<String>,
    tier: String,
    kind: String,
    level: Option<String>,
    level_assigned_on: Option<String>,
    level_review_due: Option<String>,
    fiscal_tier: Option<String>,
}

impl OrgForm {
    fn input(&self) -> Result<OrgInput, zian_app::AppError> {
        let fiscal_tier = match self
            .fiscal_tier
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(v) => Some(v.parse::<i64>().map_err(|_| {
                zian_app::AppError::invalid("fiscal_tier", msg!("reason.range", min = 1, max = 5))
            })?),
        };
        Ok(OrgInput {
            code: self.code.clone(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            tier: self.tier.clone(),
            kind: self.kind.clone(),
            level: self.level.clone(),
            level_assigned_on: self.level_assigned_on.clone(),
            level_review_due: self.level_review_due.clone(),
            fiscal_tier,
        })
    }
}

pub async fn create(State(st): State<AppState>, form: PageForm<OrgForm>) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let parent_id = f.parent_id.clone().unwrap_or_default();
    let result = async {
        let draft = org_draft(&f.input()?)?;
        st.app.create_org(&pc.p, &parent_id, draft).await
    }
    .await;
    match result {
        Ok(o) => Ok(see_other(&format!("/orgs/{}?ok=org_created", o.id))),
        // refused: back to the form (crate::refill)
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "org_show.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub parent: Option<Organisation>,
    pub children: Vec<Organisation>,
    pub history: Vec<OrgHistoryEntry>,
    pub can_write: bool,
    pub move_targets: Vec<Organisation>,
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let org = st.app.get_org(&pc.p, &id).await?;
    let c = ctx(&st.app, &pc, "orgs.detail", "orgs", fq.flash().as_deref()).await?;
    let parent = match &org.parent_id {
        Some(p) => st.app.get_org(&pc.p, p).await.ok(),
        None => None,
    };
    let mut lq = ListQuery::new();
    lq.limit = 500;
    lq.filter.push(("parent".into(), org.id.to_string()));
    let children = st.app.list_orgs(&pc.p, &lq).await?.items;
    let history = st.app.org_history(&pc.p, &org.id).await?;
    let can_write = pc.p.scope(Permission::OrgWrite).contains(&org.path);
    let move_targets = if can_write {
        let w = pc.p.scope(Permission::OrgWrite);
        st.app
            .org_tree(&pc.p)
            .await?
            .into_iter()
            .filter(|o| {
                o.active
                    && w.contains(&o.path)
                    && !o.path.starts_with(&org.path)
                    && Some(&o.id) != org.parent_id.as_ref()
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&ShowPage {
        ctx: c,
        org,
        parent,
        children,
        history,
        can_write,
        move_targets,
    })
}

pub async fn edit_form(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
) -> PageResult {
    let org = st.app.get_org(&pc.p, &id).await?;
    pc.p.require(Permission::OrgWrite, &org.path)?;
    let c = ctx(&st.app, &pc, "orgs.edit", "orgs", None).await?;
    render(&OrgFormPage {
        ctx: c,
        action: format!("/orgs/{}", org.id),
        parent: None,
        org: Some(org),
    })
}

pub async fn update(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<OrgForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let result = async {
        let draft = org_draft(&f.input()?)?;
        st.app.update_org(&pc.p, &id, draft).await
    }
    .await;
    match result {
        Ok(o) => Ok(see_other(&format!("/orgs/{}?ok=org_saved", o.id))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    parent_id: OrgId,
}

pub async fn move_org(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<MoveForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.move_org(&pc.p, &id, &f.parent_id).await?;
    Ok(see_other(&format!("/orgs/{id}?ok=org_moved")))
}

pub async fn archive(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<NoFields>,
) -> PageResult {
    let pc = form.pc;
    st.app.set_org_active(&pc.p, &id, false).await?;
    Ok(see_other(&format!("/orgs/{id}?ok=org_archived")))
}

pub async fn restore(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<NoFields>,
) -> PageResult {
    let pc = form.pc;
    st.app.set_org_active(&pc.p, &id, true).await?;
    Ok(see_other(&format!("/orgs/{id}?ok=org_restored")))
}

impl OrgFormPage {
    /// The current value of a field (edit) or its default (new).
    pub fn v(&self, field: &str) -> String {
        let Some(o) = &self.org else {
            return match field {
                "tier" => "agency".into(),
                "kind" => "public".into(),
                _ => String::new(),
            };
        };
        match field {
            "code" => o.code.clone().unwrap_or_default(),
            "name_zh" => o.name_zh.clone(),
            "name_en" => o.name_en.clone(),
            "tier" => o.tier.as_str().into(),
            "kind" => o.kind.as_str().into(),
            "level" => o.level.map(|l| l.as_str().to_string()).unwrap_or_default(),
            "level_assigned_on" => o
                .level_assigned_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            "level_review_due" => o
                .level_review_due
                .map(|d| d.to_string())
                .unwrap_or_default(),
            "fiscal_tier" => o.fiscal_tier.map(|t| t.to_string()).unwrap_or_default(),
            _ => String::new(),
        }
    }
    pub fn tiers(&self) -> Vec<&'static str> {
        zian_domain::OrgTier::ALL
            .iter()
            .map(|t| t.as_str())
            .collect()
    }
    pub fn kinds(&self) -> Vec<&'static str> {
        zian_domain::OrgKind::ALL
            .iter()
            .map(|t| t.as_str())
            .collect()
    }
    pub fn levels(&self) -> Vec<&'static str> {
        zian_domain::Level::ALL.iter().map(|t| t.as_str()).collect()
    }
}

impl TreePage {
    pub fn levels(&self) -> Vec<&'static str> {
        zian_domain::Level::ALL.iter().map(|t| t.as_str()).collect()
    }
    pub fn depth_class(&self, o: &Organisation) -> String {
        format!("depth-{}", o.depth.clamp(0, 8))
    }
}
