//! The continuity pages: the organisation's overview (processes by grade,
//! active runs, drills, open corrective actions, the principles for
//! scenarios with no plan), a process's analysis and plan with its form, an
//! activation's run, a drill with its steps and report, and the
//! social-engineering drill rounds.

use askama::Template;
use axum::extract::{Query, State};
use zian_app::continuity::{
    ActivationInput, ActivationView, CampaignInput, CampaignOut, DrillInput, DrillResultInput,
    DrillView, Overview, ProcessInput, ProcessView, RunStepInput, TerminationInput,
};
use zian_domain::continuity::{DrillKind, Grade, HORIZONS, IMPACT_AREAS, Process, RunStep};
use zian_domain::corrective::CorrectiveAction;
use zian_domain::{ActivationId, DrillId, ListQuery, OrgId, Organisation, Permission, ProcessId};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;
use crate::values::{Fields, local};

/// What the corrective actions part of a page needs.
pub struct ActionsPart {
    pub actions: Vec<CorrectiveAction>,
    /// What raises new ones: `drill`, `activation`, `incident`, and its id.
    pub source: &'static str,
    pub source_id: String,
    pub can_write: bool,
    pub today: time::Date,
}

impl ActionsPart {
    pub fn overdue(&self, a: &CorrectiveAction) -> bool {
        a.overdue(self.today)
    }
}

fn grade_name(cx: &PageCtx, g: Grade) -> String {
    cx.t(&format!("continuity.grade.{}", g.as_str()))
}

fn hours(cx: &PageCtx, h: Option<u32>) -> String {
    h.map_or_else(
        || "—".to_string(),
        |h| cx.t("continuity.hours").replace("{h}", &h.to_string()),
    )
}

#[derive(Template)]
#[template(path = "continuity.html")]
pub struct OverviewPage {
    pub ctx: PageCtx,
    pub o: Overview,
    pub pager: Pager,
    pub process_names: Vec<(String, String)>,
}

impl OverviewPage {
    pub fn grade(&self, p: &Process) -> String {
        grade_name(&self.ctx, p.grade)
    }
    pub fn hours(&self, h: &Option<u32>) -> String {
        hours(&self.ctx, *h)
    }
    pub fn last_drill(&self, p: &Process) -> String {
        self.ctx.oday(&self.o.last_drill.get(&p.id).copied())
    }
    pub fn review_due(&self, p: &Process) -> bool {
        p.review_due(self.o.today)
    }
    pub fn process_name(&self, id: &ProcessId) -> String {
        self.process_names
            .iter()
            .find(|(i, _)| i == id.as_str())
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }
    pub fn kind_name(&self, k: &DrillKind) -> String {
        self.ctx.t(&format!("continuity.kind.{}", k.as_str()))
    }
    pub fn overdue(&self, a: &CorrectiveAction) -> bool {
        a.overdue(self.o.today)
    }
}

pub async fn overview(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let list = crate::list::query(&q, &[])?;
    let fq = FlashQuery::from_pairs(&q);
    let o = st.app.continuity_overview(&pc.p, &id, &list).await?;
    let pager = Pager::new(&o.drills, &format!("/orgs/{}/continuity", o.org.id), &q);
    let process_names = o
        .processes
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    let cx = ctx(
        &st.app,
        &pc,
        "continuity.title",
        "continuity",
        fq.flash().as_deref(),
    )
    .await?;
    render(&OverviewPage {
        ctx: cx,
        o,
        pager,
        process_names,
    })
}

/// The process form's values.
#[derive(Default)]
pub struct ProcessValues {
    pub name: String,
    pub owner_unit: String,
    pub description: String,
    pub impacts: Vec<Vec<u8>>,
    pub mtd_hours: String,
    pub rto_hours: String,
    pub rpo_hours: String,
    pub system_ids: Vec<String>,
    pub asset_ids: Vec<String>,
    pub other_deps: String,
    pub grade: String,
    pub activation: String,
    pub roles: String,
    pub site: String,
    pub resources: String,
    pub steps: String,
    pub notify: String,
    pub termination: String,
}

impl ProcessValues {
    fn of(x: &Process) -> ProcessValues {
        let b = &x.body;
        let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
        ProcessValues {
            name: x.name.clone(),
            owner_unit: b.owner_unit.clone(),
            description: b.description.clone(),
            impacts: b.impacts.0.clone(),
            mtd_hours: n(x.mtd_hours),
            rto_hours: n(x.rto_hours),
            rpo_hours: n(x.rpo_hours),
            system_ids: b.system_ids.iter().map(ToString::to_string).collect(),
            asset_ids: b.asset_ids.iter().map(ToString::to_string).collect(),
            other_deps: b.other_deps.clone(),
            grade: x.grade.as_str().into(),
            activation: b.plan.activation.clone(),
            roles: b
                .plan
                .roles
                .iter()
                .map(|r| format!("{} | {} | {}", r.role, r.person, r.deputy))
                .collect::<Vec<_>>()
                .join("\n"),
            site: b.plan.site.clone(),
            resources: b.plan.resources.join("\n"),
            steps: b.plan.steps.join("\n"),
            notify: b.plan.notify.join("\n"),
            termination: b.plan.termination.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "continuity_process_form.html")]
pub struct ProcessFormPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub action: String,
    pub editing: Option<(String, String)>,
    pub v: ProcessValues,
    pub systems: Vec<(String, String)>,
    pub assets: Vec<(String, String)>,
}

impl ProcessFormPage {
    /// Rows of the impact table: horizon index and name.
    pub fn horizons(&self) -> Vec<(usize, &'static str)> {
        HORIZONS
            .iter()
            .enumerate()
            .map(|(k, (h, _))| (k, *h))
            .collect()
    }
    pub fn areas(&self) -> Vec<(usize, &'static str)> {
        IMPACT_AREAS.iter().copied().enumerate().collect()
    }
    pub fn impact_sel(&self, k: &usize, a: &usize, level: &u8) -> &'static str {
        let v = self
            .v
            .impacts
            .get(*k)
            .and_then(|r| r.get(*a))
            .copied()
            .unwrap_or(0);
        if v == *level { " selected" } else { "" }
    }
    pub fn grade_sel(&self, g: &str) -> &'static str {
        if self.v.grade == g { " selected" } else { "" }
    }
    pub fn sys_checked(&self, id: &str) -> &'static str {
        if self.v.system_ids.iter().any(|s| s == id) {
            " checked"
        } else {
            ""
        }
    }
    pub fn asset_checked(&self, id: &str) -> &'static str {
        if self.v.asset_ids.iter().any(|s| s == id) {
            " checked"
        } else {
            ""
        }
    }
    pub fn impact_name(&self, k: &usize, a: &usize) -> String {
        format!("impact_{k}_{a}")
    }
}

/// At most this many systems and assets are offered on the form.
const FORM_CHOICES: i64 = 300;

async fn process_form(
    st: &AppState,
    pc: &PageCaller,
    org: Organisation,
    editing: Option<&Process>,
) -> PageResult {
    let systems = st
        .app
        .list_systems(&pc.p, &org.id, &ListQuery::all(FORM_CHOICES))
        .await?
        .1
        .items
        .into_iter()
        .map(|s| (s.id.to_string(), s.name.to_string()))
        .collect();
    let assets = st
        .app
        .list_assets(&pc.p, &org.id, &ListQuery::all(FORM_CHOICES))
        .await?
        .page
        .items
        .into_iter()
        .map(|a| (a.id.to_string(), a.name.to_string()))
        .collect();
    let (title, action, v) = match editing {
        Some(x) => (
            "continuity.edit_process",
            format!("/continuity/processes/{}", x.id),
            ProcessValues::of(x),
        ),
        None => (
            "continuity.new_process",
            format!("/orgs/{}/continuity/processes", org.id),
            ProcessValues {
                grade: "medium".into(),
                ..ProcessValues::default()
            },
        ),
    };
    let cx = ctx(&st.app, pc, title, "continuity", None).await?;
    render(&ProcessFormPage {
        ctx: cx,
        org,
        action,
        editing: editing.map(|x| (x.id.to_string(), x.name.clone())),
        v,
        systems,
        assets,
    })
}

pub async fn new_process(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    process_form(&st, &pc, org, None).await
}

pub async fn edit_process(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<ProcessId>,
) -> PageResult {
    let v = st.app.process_view(&pc.p, &id).await?;
    let org = st
        .app
        .org_with(&pc.p, &v.process.org_id, Permission::RecordWrite)
        .await?;
    process_form(&st, &pc, org, Some(&v.process)).await
}

/// The form's fields as the application's input; the impact table's
/// selects are `impact_<horizon>_<area>`.
fn process_input(pairs: &[(String, String)]) -> Result<ProcessInput, zian_app::AppError> {
    let f = Fields(pairs);
    let mut impacts = Vec::new();
    for k in 0..HORIZONS.len() {
        let mut row = Vec::new();
        for a in 0..IMPACT_AREAS.len() {
            let v = f.one(&format!("impact_{k}_{a}"));
            row.push(v.trim().parse::<u8>().unwrap_or(if v.trim().is_empty() {
                0
            } else {
                u8::MAX
            }));
        }
        impacts.push(row);
    }
    Ok(ProcessInput {
        name: f.one("name"),
        owner_unit: f.opt("owner_unit"),
        description: f.opt("description"),
        impacts: Some(impacts),
        mtd_hours: f.num("mtd_hours")?,
        rto_hours: f.num("rto_hours")?,
        rpo_hours: f.num("rpo_hours")?,
        system_ids: Some(f.many("system_ids")),
        asset_ids: Some(f.many("asset_ids")),
        other_deps: f.opt("other_deps"),
        grade: f.one("grade"),
        activation: f.opt("activation"),
        roles: f.opt("roles"),
        site: f.opt("site"),
        resources: f.opt("resources"),
        steps: f.opt("steps"),
        notify: f.opt("notify"),
        termination: f.opt("termination"),
    })
}

pub async fn create_process(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let x = st
        .app
        .save_process(&pc.p, &id, None, process_input(&f)?)
        .await?;
    Ok(see_other(&format!(
        "/continuity/processes/{}?ok=continuity.saved",
        x.id
    )))
}

pub async fn update_process(
    State(st): State<AppState>,
    PagePath(id): PagePath<ProcessId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let v = st.app.process_view(&pc.p, &id).await?;
    st.app
        .org_with(&pc.p, &v.process.org_id, Permission::RecordWrite)
        .await?;
    st.app
        .save_process(&pc.p, &v.process.org_id, Some(&id), process_input(&f)?)
        .await?;
    Ok(see_other(&format!(
        "/continuity/processes/{id}?ok=continuity.saved"
    )))
}

pub async fn review_process(
    State(st): State<AppState>,
    PagePath(id): PagePath<ProcessId>,
    form: PageForm<crate::extract::NoFields>,
) -> PageResult {
    st.app.review_process(&form.pc.p, &id).await?;
    Ok(see_other(&format!(
        "/continuity/processes/{id}?ok=continuity.reviewed"
    )))
}

#[derive(Template)]
#[template(path = "continuity_process.html")]
pub struct ProcessPage {
    pub ctx: PageCtx,
    pub v: ProcessView,
    pub now_local: String,
}

impl ProcessPage {
    /// `(format, href)` of the continuity plan's files.
    pub fn downloads(&self) -> Vec<(String, String)> {
        crate::documents::download_links(
            &format!("/continuity/processes/{}", self.v.process.id),
            "continuity-plan",
        )
    }
    pub fn grade(&self, g: &Grade) -> String {
        grade_name(&self.ctx, *g)
    }
    pub fn hours(&self, h: &Option<u32>) -> String {
        hours(&self.ctx, *h)
    }
    pub fn horizons(&self) -> Vec<(usize, String)> {
        HORIZONS
            .iter()
            .enumerate()
            .map(|(k, (h, _))| (k, self.ctx.t(&format!("continuity.horizon.{h}"))))
            .collect()
    }
    pub fn areas(&self) -> Vec<(usize, String)> {
        IMPACT_AREAS
            .iter()
            .enumerate()
            .map(|(a, n)| (a, self.ctx.t(&format!("continuity.area.{n}"))))
            .collect()
    }
    pub fn impact(&self, k: &usize, a: &usize) -> String {
        let v = self.v.process.body.impacts.at(*k, *a);
        self.ctx.t(&format!("continuity.impact.{v}"))
    }
    pub fn impact_level(&self, k: &usize, a: &usize) -> u8 {
        self.v.process.body.impacts.at(*k, *a)
    }
    pub fn kind_name(&self, k: &DrillKind) -> String {
        self.ctx.t(&format!("continuity.kind.{}", k.as_str()))
    }
    pub fn rto_met(&self, d: &zian_domain::continuity::Drill) -> String {
        match d.rto_met(self.v.process.rto_hours) {
            Some(true) => self.ctx.t("continuity.rto_met"),
            Some(false) => self.ctx.t("continuity.rto_missed"),
            None => "—".into(),
        }
    }
    pub fn any_active(&self) -> bool {
        self.v.activations.iter().any(|a| a.active())
    }
}

pub async fn process(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<ProcessId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.process_view(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "continuity.process_title",
        "continuity",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ProcessPage {
        ctx: cx,
        now_local: local(Some(st.app.now())),
        v,
    })
}

pub async fn activate(
    State(st): State<AppState>,
    PagePath(id): PagePath<ProcessId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let v = st
        .app
        .activate_plan(
            &pc.p,
            &id,
            ActivationInput {
                decided_by: f.one("decided_by"),
                reason: f.opt("reason"),
                decided_at: f.opt("decided_at"),
                incident_id: f.opt("incident_id"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/continuity/activations/{}?ok=continuity.activated",
        v.activation.id
    )))
}

#[derive(Template)]
#[template(path = "continuity_activation.html")]
pub struct ActivationPage {
    pub ctx: PageCtx,
    pub v: ActivationView,
    pub part: ActionsPart,
}

impl ActivationPage {
    pub fn steps(&self, part: &str) -> Vec<(usize, RunStep)> {
        let list = if part == "resources" {
            &self.v.activation.body.resources
        } else {
            &self.v.activation.body.steps
        };
        list.iter().cloned().enumerate().collect()
    }
}

pub async fn activation(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<ActivationId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.activation_view(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "continuity.activation_title",
        "continuity",
        fq.flash().as_deref(),
    )
    .await?;
    let part = ActionsPart {
        actions: v.actions.clone(),
        source: "activation",
        source_id: v.activation.id.to_string(),
        can_write: v.can_write,
        today: st.app.today(),
    };
    render(&ActivationPage { ctx: cx, v, part })
}

fn step_input(f: &Fields) -> RunStepInput {
    RunStepInput {
        part: f.opt("part"),
        step: f.one("step").trim().parse().unwrap_or(u32::MAX),
        done: f.yes("done"),
        at: f.opt("at"),
    }
}

pub async fn activation_step(
    State(st): State<AppState>,
    PagePath(id): PagePath<ActivationId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app
        .activation_step(&pc.p, &id, step_input(&Fields(&f)))
        .await?;
    Ok(see_other(&format!("/continuity/activations/{id}")))
}

pub async fn terminate(
    State(st): State<AppState>,
    PagePath(id): PagePath<ActivationId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .terminate_activation(
            &pc.p,
            &id,
            TerminationInput {
                terminated_by: f.one("terminated_by"),
                note: f.one("note"),
                at: f.opt("at"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/continuity/activations/{id}?ok=continuity.terminated"
    )))
}

/// The drill form's values.
#[derive(Default)]
pub struct DrillValues {
    pub title: String,
    pub kind: String,
    pub planned_on: String,
    pub process_ids: Vec<String>,
    pub approved_by: String,
    pub scenario: String,
    pub participants: String,
    pub steps: String,
}

#[derive(Template)]
#[template(path = "drill_form.html")]
pub struct DrillFormPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub action: String,
    pub editing: Option<(String, String)>,
    pub v: DrillValues,
    pub processes: Vec<(String, String)>,
}

impl DrillFormPage {
    pub fn kinds(&self) -> Vec<(&'static str, String)> {
        DrillKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    self.ctx.t(&format!("continuity.kind.{}", k.as_str())),
                )
            })
            .collect()
    }
    pub fn kind_sel(&self, k: &str) -> &'static str {
        if self.v.kind == k { " selected" } else { "" }
    }
    pub fn proc_checked(&self, id: &str) -> &'static str {
        if self.v.process_ids.iter().any(|p| p == id) {
            " checked"
        } else {
            ""
        }
    }
}

async fn drill_form(
    st: &AppState,
    pc: &PageCaller,
    org: Organisation,
    editing: Option<&DrillView>,
) -> PageResult {
    let processes = st
        .app
        .list_processes(&pc.p, &org.id, &ListQuery::all(FORM_CHOICES))
        .await?
        .items
        .into_iter()
        .map(|x| (x.id.to_string(), x.name))
        .collect();
    let (title, action, v) = match editing {
        Some(d) => {
            let x = &d.drill;
            (
                "continuity.edit_drill",
                format!("/drills/{}", x.id),
                DrillValues {
                    title: x.title.clone(),
                    kind: x.kind.as_str().into(),
                    planned_on: zian_domain::day::ymd(x.planned_on),
                    process_ids: x.body.process_ids.iter().map(ToString::to_string).collect(),
                    approved_by: x.body.approved_by.clone(),
                    scenario: x.body.scenario.clone(),
                    participants: x.body.participants.clone(),
                    steps: x
                        .body
                        .steps
                        .iter()
                        .map(|s| s.text.clone())
                        .collect::<Vec<_>>()
                        .join("\n"),
                },
            )
        }
        None => (
            "continuity.new_drill",
            format!("/orgs/{}/drills", org.id),
            DrillValues {
                kind: "tabletop".into(),
                planned_on: zian_domain::day::ymd(st.app.today()),
                ..DrillValues::default()
            },
        ),
    };
    let cx = ctx(&st.app, pc, title, "continuity", None).await?;
    render(&DrillFormPage {
        ctx: cx,
        org,
        action,
        editing: editing.map(|d| (d.drill.id.to_string(), d.drill.title.clone())),
        v,
        processes,
    })
}

pub async fn new_drill(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    drill_form(&st, &pc, org, None).await
}

pub async fn edit_drill(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<DrillId>,
) -> PageResult {
    let v = st.app.drill_view(&pc.p, &id).await?;
    let org = st
        .app
        .org_with(&pc.p, &v.drill.org_id, Permission::RecordWrite)
        .await?;
    drill_form(&st, &pc, org, Some(&v)).await
}

fn drill_input(pairs: &[(String, String)]) -> DrillInput {
    let f = Fields(pairs);
    DrillInput {
        title: f.one("title"),
        drill_kind: f.one("drill_kind"),
        planned_on: f.one("planned_on"),
        process_ids: Some(f.many("process_ids")),
        approved_by: f.opt("approved_by"),
        scenario: f.opt("scenario"),
        participants: f.opt("participants"),
        steps: f.opt("steps"),
    }
}

pub async fn create_drill(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let v = st.app.save_drill(&pc.p, &id, None, drill_input(&f)).await?;
    Ok(see_other(&format!(
        "/drills/{}?ok=continuity.drill_planned",
        v.drill.id
    )))
}

pub async fn update_drill(
    State(st): State<AppState>,
    PagePath(id): PagePath<DrillId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let v = st.app.drill_view(&pc.p, &id).await?;
    st.app
        .org_with(&pc.p, &v.drill.org_id, Permission::RecordWrite)
        .await?;
    st.app
        .save_drill(&pc.p, &v.drill.org_id, Some(&id), drill_input(&f))
        .await?;
    Ok(see_other(&format!("/drills/{id}?ok=continuity.saved")))
}

#[derive(Template)]
#[template(path = "drill.html")]
pub struct DrillPage {
    pub ctx: PageCtx,
    pub v: DrillView,
    pub part: ActionsPart,
    pub now_local: String,
}

impl DrillPage {
    pub fn kind_name(&self) -> String {
        self.ctx
            .t(&format!("continuity.kind.{}", self.v.drill.kind.as_str()))
    }
    pub fn hours(&self, h: &Option<u32>) -> String {
        hours(&self.ctx, *h)
    }
    pub fn steps(&self) -> Vec<(usize, RunStep)> {
        self.v
            .drill
            .body
            .steps
            .iter()
            .cloned()
            .enumerate()
            .collect()
    }
    pub fn rto_met(&self) -> String {
        match self.v.drill.rto_met(self.v.rto_hours()) {
            Some(true) => self.ctx.t("continuity.rto_met"),
            Some(false) => self.ctx.t("continuity.rto_missed"),
            None => "—".into(),
        }
    }
    pub fn is_recovery(&self) -> bool {
        self.v.drill.kind == DrillKind::Recovery
    }
    pub fn started_local(&self) -> String {
        local(self.v.drill.body.started_at)
    }
}

pub async fn drill(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<DrillId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.drill_view(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "continuity.drill_title",
        "continuity",
        fq.flash().as_deref(),
    )
    .await?;
    let part = ActionsPart {
        actions: v.actions.clone(),
        source: "drill",
        source_id: v.drill.id.to_string(),
        can_write: v.can_write,
        today: st.app.today(),
    };
    render(&DrillPage {
        ctx: cx,
        now_local: local(Some(st.app.now())),
        v,
        part,
    })
}

pub async fn drill_step(
    State(st): State<AppState>,
    PagePath(id): PagePath<DrillId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app
        .drill_step(&pc.p, &id, step_input(&Fields(&f)))
        .await?;
    Ok(see_other(&format!("/drills/{id}")))
}

pub async fn complete_drill(
    State(st): State<AppState>,
    PagePath(id): PagePath<DrillId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .complete_drill(
            &pc.p,
            &id,
            DrillResultInput {
                started_at: f.one("started_at"),
                ended_at: f.one("ended_at"),
                recovery_minutes: f.num("recovery_minutes")?,
                problems: f.opt("problems"),
                improvements: f.opt("improvements"),
                result: f.one("result"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/drills/{id}?ok=continuity.drill_completed"
    )))
}

#[derive(Template)]
#[template(path = "drill_report.html")]
pub struct DrillReportPage {
    pub ctx: PageCtx,
    pub v: DrillView,
    pub today: String,
}

impl DrillReportPage {
    /// `(format, href)` of the report's files.
    pub fn downloads(&self) -> Vec<(String, String)> {
        crate::documents::download_links(&format!("/drills/{}", self.v.drill.id), "drill-report")
    }
    pub fn kind_name(&self) -> String {
        self.ctx
            .t(&format!("continuity.kind.{}", self.v.drill.kind.as_str()))
    }
    pub fn rto_met(&self) -> String {
        match self.v.drill.rto_met(self.v.rto_hours()) {
            Some(true) => self.ctx.t("continuity.rto_met"),
            Some(false) => self.ctx.t("continuity.rto_missed"),
            None => "—".into(),
        }
    }
    pub fn or_none(&self, s: &str) -> String {
        if s.trim().is_empty() {
            self.ctx.t("continuity.none")
        } else {
            s.to_string()
        }
    }
    pub fn hours(&self, h: &Option<u32>) -> String {
        hours(&self.ctx, *h)
    }
}

pub async fn drill_report(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<DrillId>,
) -> PageResult {
    let v = st.app.drill_view(&pc.p, &id).await?;
    let cx = ctx(&st.app, &pc, "continuity.report_title", "continuity", None).await?;
    let today = cx.date(&Some(st.app.today()));
    render(&DrillReportPage { ctx: cx, v, today })
}

#[derive(Template)]
#[template(path = "campaigns.html")]
pub struct CampaignsPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub rounds: Vec<CampaignOut>,
    pub can_write: bool,
}

impl CampaignsPage {
    pub fn pct(&self, v: &f64) -> String {
        format!("{v:.2} %")
    }
    /// The trend, oldest round first, as an SVG polyline's points for the
    /// open (`open`) or click rate, on a 0–20 % scale 300 × 100.
    pub fn points(&self, which: &str) -> String {
        let n = self.rounds.len();
        let step = if n > 1 { 280.0 / (n - 1) as f64 } else { 0.0 };
        self.rounds
            .iter()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let v = if which == "open" {
                    c.open_rate
                } else {
                    c.click_rate
                };
                let y = 100.0 - (v.min(20.0) * 5.0);
                format!("{:.1},{:.1}", 10.0 + step * i as f64, y)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
    /// The y of a target line.
    pub fn target_y(&self, v: &f64) -> String {
        format!("{:.1}", 100.0 - (v.min(20.0) * 5.0))
    }
    pub fn latest_targets(&self) -> (f64, f64) {
        self.rounds
            .first()
            .map_or((5.0, 2.0), |c| (c.open_target, c.click_target))
    }
}

pub async fn campaigns(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let rounds = st
        .app
        .list_campaigns(&pc.p, &org.id)
        .await?
        .iter()
        .map(CampaignOut::of)
        .collect();
    let can_write = st.app.can(&pc.p, Permission::RecordWrite, &org);
    let cx = ctx(
        &st.app,
        &pc,
        "continuity.campaigns_title",
        "continuity",
        fq.flash().as_deref(),
    )
    .await?;
    render(&CampaignsPage {
        ctx: cx,
        org,
        rounds,
        can_write,
    })
}

pub async fn create_campaign(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let f = Fields(&f);
    st.app
        .record_campaign(
            &pc.p,
            &id,
            CampaignInput {
                round: f.one("round"),
                held_on: f.one("held_on"),
                participants: f.count("participants")?,
                opened: f.count("opened")?,
                clicked: f.count("clicked")?,
                open_target: f.opt("open_target"),
                click_target: f.opt("click_target"),
                note: f.opt("note"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/orgs/{id}/campaigns?ok=continuity.campaign_recorded"
    )))
}
