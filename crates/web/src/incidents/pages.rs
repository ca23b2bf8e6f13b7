//! The incident pages: the assessment (a form read by GET, nothing
//! recorded); the incidents of a subtree with the open ones by deadline and
//! the figures; the form to record or edit an incident; and an incident
//! with its clocks, the steps of the response and its timeline.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::incidents::{
    ActionInput, AssessInput, Assessment, CheckInput, ClockView, IncidentInput, IncidentList,
    IncidentView, NoteInput, incident_filter,
};
use zian_domain::assets::Asset;
use zian_domain::incidents::{DATA_KINDS, IncidentStatus, facts_codes};
use zian_domain::{IncidentId, ListQuery, OrgId, Organisation, Permission};

use crate::error::{PageError, PageResult};
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;
use crate::values::local;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssessQuery {
    aware_at: String,
    asset: String,
    confidentiality: String,
    integrity: String,
    availability: String,
    notified_at: String,
    recovered_at: String,
}

/// Time left to a deadline (or how long it is past), in hours and minutes.
fn left(cx: &PageCtx, now: i64, t: i64) -> String {
    let d = t - now;
    let (h, m) = (d.abs() / 3600, d.abs() % 3600 / 60);
    let key = if d >= 0 {
        "incidents.left"
    } else {
        "incidents.past"
    };
    cx.t(key)
        .replace("{h}", &h.to_string())
        .replace("{m}", &m.to_string())
}

#[derive(Template)]
#[template(path = "incident_assess.html")]
pub struct AssessPage {
    pub ctx: PageCtx,
    pub q: AssessQuery,
    pub result: Option<Assessment>,
    /// Why the form could not be assessed.
    pub error: Option<String>,
    pub now: i64,
}

impl AssessPage {
    pub fn sel(&self, field: &str, value: &str) -> &'static str {
        let v = match field {
            "asset" => &self.q.asset,
            "confidentiality" => &self.q.confidentiality,
            "integrity" => &self.q.integrity,
            _ => &self.q.availability,
        };
        if v == value { " selected" } else { "" }
    }
    pub fn left(&self, t: &i64) -> String {
        left(&self.ctx, self.now, *t)
    }
    pub fn overdue(&self, t: &i64) -> bool {
        *t < self.now
    }
}

pub async fn assess(
    State(st): State<AppState>,
    pc: PageCaller,
    q: Result<Query<AssessQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q.map_err(PageError::from)?;
    let cx = ctx(&st.app, &pc, "incidents.assess_title", "incidents", None).await?;
    let (mut result, mut error) = (None, None);
    if !q.aware_at.trim().is_empty() {
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        let input = AssessInput {
            aware_at: q.aware_at.clone(),
            asset: q.asset.clone(),
            confidentiality: q.confidentiality.clone(),
            integrity: q.integrity.clone(),
            availability: q.availability.clone(),
            notified_at: some(&q.notified_at),
            recovered_at: some(&q.recovered_at),
        };
        match st.app.assess_incident(&pc.p, &input) {
            Ok(a) => result = Some(a),
            Err(e) => error = Some(crate::error::message(&e, cx.lang)),
        }
    }
    render(&AssessPage {
        now: st.app.now(),
        ctx: cx,
        q,
        result,
        error,
    })
}

/// Shared by the list and the incident page.
pub trait ClockHelpers {
    fn cx(&self) -> &PageCtx;
    fn now(&self) -> i64;
    fn left(&self, t: &i64) -> String {
        left(self.cx(), self.now(), *t)
    }
    fn level_name(&self, l: &Option<u8>) -> String {
        match l {
            Some(l) => self.cx().t(&format!("incidents.level.{l}")),
            None => self.cx().t("incidents.no_level"),
        }
    }
    fn level_n(&self, l: &u8) -> String {
        self.cx().t(&format!("incidents.level.{l}"))
    }
    fn clock_name(&self, c: &ClockView) -> String {
        self.cx().t(&format!("incidents.{}_by", c.clock))
    }
    fn state_name(&self, c: &ClockView) -> String {
        self.cx().t(&format!("incidents.state.{}", c.state))
    }
    fn status_name(&self, s: &IncidentStatus) -> String {
        self.cx().t(&format!("incidents.status.{}", s.as_str()))
    }
}

#[derive(Template)]
#[template(path = "incidents.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub l: IncidentList,
    pub pager: Pager,
    pub now: i64,
    pub f_status: String,
    pub f_level: String,
    pub f_open: bool,
}

impl ClockHelpers for ListPage {
    fn cx(&self) -> &PageCtx {
        &self.ctx
    }
    fn now(&self) -> i64 {
        self.now
    }
}

impl ListPage {
    pub fn by_level(&self) -> Vec<(u8, u64)> {
        (1u8..=4).zip(self.l.metrics.by_level).collect()
    }
    pub fn level_sel(&self, l: &u8) -> &'static str {
        if self.f_level == l.to_string() {
            " selected"
        } else {
            ""
        }
    }
    pub fn statuses(&self) -> [&'static str; 3] {
        IncidentStatus::ALL.map(IncidentStatus::as_str)
    }
    /// Seconds as hours and minutes.
    pub fn duration(&self, s: &Option<i64>) -> String {
        match s {
            Some(s) => self
                .ctx
                .t("incidents.duration")
                .replace("{h}", &(s / 3600).to_string())
                .replace("{m}", &(s % 3600 / 60).to_string()),
            None => "—".into(),
        }
    }
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let list = crate::list::query(&q, super::FILTERS)?;
    let f = incident_filter(&q)?;
    let fq = FlashQuery::from_pairs(&q);
    let l = st.app.incident_list(&pc.p, &org.id, &f, &list).await?;
    let pager = Pager::new(&l.page, &format!("/orgs/{}/incidents", org.id), &q);
    let cx = ctx(
        &st.app,
        &pc,
        "incidents.title",
        "incidents",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ListPage {
        ctx: cx,
        pager,
        now: st.app.now(),
        f_status: f.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        f_level: f.level.map(|l| l.to_string()).unwrap_or_default(),
        f_open: f.open,
        l,
    })
}

/// The values the form shows (an incident's, or blanks).
#[derive(Default)]
pub struct FormValues {
    pub title: String,
    pub description: String,
    pub occurred_at: String,
    pub aware_at: String,
    pub reporter: String,
    pub reporter_contact: String,
    pub asset_ids: Vec<String>,
    pub asset_class: String,
    pub confidentiality: String,
    pub integrity: String,
    pub availability: String,
    pub data_kinds: Vec<String>,
    pub playbook: String,
    pub level_override: String,
    pub override_reason: String,
    pub measures: String,
    pub support_needed: String,
    pub other_notes: String,
}

impl FormValues {
    fn of(v: &IncidentView) -> FormValues {
        let x = &v.incident;
        let [asset_class, c, i, a] = facts_codes(&x.facts).map(String::from);
        FormValues {
            title: x.title.to_string(),
            description: x.description.to_string(),
            occurred_at: local(x.occurred_at),
            aware_at: local(Some(x.aware_at)),
            reporter: x.reporter.to_string(),
            reporter_contact: x.reporter_contact.to_string(),
            asset_ids: x.asset_ids.iter().map(|a| a.to_string()).collect(),
            asset_class,
            confidentiality: c,
            integrity: i,
            availability: a,
            data_kinds: x.data_kinds.clone(),
            playbook: x.playbook.clone().unwrap_or_default(),
            level_override: x.level_override.map(|l| l.to_string()).unwrap_or_default(),
            override_reason: x.override_reason.to_string(),
            measures: x.measures.to_string(),
            support_needed: x.support_needed.to_string(),
            other_notes: x.other_notes.to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "incident_form.html")]
pub struct FormPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    /// Where the form posts.
    pub action: String,
    /// The incident edited (none: a new one).
    pub editing: Option<IncidentView>,
    pub v: FormValues,
    pub assets: Vec<Asset>,
}

impl FormPage {
    pub fn sel(&self, field: &str, value: &str) -> &'static str {
        let v = match field {
            "asset_class" => &self.v.asset_class,
            "confidentiality" => &self.v.confidentiality,
            "integrity" => &self.v.integrity,
            "availability" => &self.v.availability,
            "playbook" => &self.v.playbook,
            _ => &self.v.level_override,
        };
        if v == value { " selected" } else { "" }
    }
    pub fn asset_checked(&self, id: &str) -> &'static str {
        if self.v.asset_ids.iter().any(|a| a == id) {
            " checked"
        } else {
            ""
        }
    }
    pub fn kind_checked(&self, k: &str) -> &'static str {
        if self.v.data_kinds.iter().any(|a| a == k) {
            " checked"
        } else {
            ""
        }
    }
    pub fn data_kinds(&self) -> [&'static str; 4] {
        DATA_KINDS
    }
    /// The playbooks: id and name in the page's language.
    pub fn playbooks(&self) -> Vec<(String, String)> {
        zian_app::incidents::playbooks()
            .into_iter()
            .map(|(id, zh, en)| {
                (
                    id,
                    if self.ctx.lang == zian_i18n::Lang::En {
                        en
                    } else {
                        zh
                    },
                )
            })
            .collect()
    }
}

/// At most this many assets are offered on the form.
const FORM_ASSETS: i64 = 300;

async fn form_page(
    st: &AppState,
    pc: &PageCaller,
    org: Organisation,
    editing: Option<IncidentView>,
) -> PageResult {
    let assets = st
        .app
        .list_assets(&pc.p, &org.id, &ListQuery::all(FORM_ASSETS))
        .await?
        .page
        .items;
    let (title, action, v) = match &editing {
        Some(e) => (
            "incidents.edit_title",
            format!("/incidents/{}", e.incident.id),
            FormValues::of(e),
        ),
        None => (
            "incidents.new_title",
            format!("/orgs/{}/incidents", org.id),
            FormValues {
                aware_at: local(Some(st.app.now())),
                asset_class: "non_core".into(),
                confidentiality: "none".into(),
                integrity: "none".into(),
                availability: "none".into(),
                reporter: pc.p.user.display_name.clone(),
                ..FormValues::default()
            },
        ),
    };
    let cx = ctx(&st.app, pc, title, "incidents", None).await?;
    render(&FormPage {
        ctx: cx,
        org,
        action,
        editing,
        v,
        assets,
    })
}

pub async fn new(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    form_page(&st, &pc, org, None).await
}

pub async fn edit(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<IncidentId>,
) -> PageResult {
    let v = st.app.get_incident(&pc.p, &id).await?;
    let org = st
        .app
        .org_with(&pc.p, &v.incident.org_id, Permission::RecordWrite)
        .await?;
    form_page(&st, &pc, org, Some(v)).await
}

/// The form's pairs as the application's input (checkboxes repeat their
/// name; a blank optional field is left out).
fn input_of(pairs: &[(String, String)]) -> IncidentInput {
    let one = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let opt = |k: &str| Some(one(k)).filter(|v| !v.trim().is_empty());
    let many = |k: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect()
    };
    IncidentInput {
        title: one("title"),
        description: opt("description"),
        occurred_at: opt("occurred_at"),
        aware_at: one("aware_at"),
        reporter: one("reporter"),
        reporter_contact: opt("reporter_contact"),
        asset_ids: Some(many("asset_ids")),
        asset_class: one("asset_class"),
        confidentiality: one("confidentiality"),
        integrity: one("integrity"),
        availability: one("availability"),
        data_kinds: Some(many("data_kinds")),
        playbook: opt("playbook"),
        // a level that is not 1–4 is refused by the application
        level_override: opt("level_override").map(|v| v.trim().parse().unwrap_or(0)),
        override_reason: opt("override_reason"),
        measures: opt("measures"),
        support_needed: opt("support_needed"),
        other_notes: opt("other_notes"),
    }
}

pub async fn create(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    // access first: nothing about the form's validity is told to outsiders
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let v = st.app.record_incident(&pc.p, &id, input_of(&f)).await?;
    Ok(see_other(&format!(
        "/incidents/{}?ok=incidents.recorded",
        v.incident.id
    )))
}

pub async fn update(
    State(st): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let old = st.app.get_incident(&pc.p, &id).await?;
    st.app
        .org_with(&pc.p, &old.incident.org_id, Permission::RecordWrite)
        .await?;
    st.app.update_incident(&pc.p, &id, input_of(&f)).await?;
    Ok(see_other(&format!("/incidents/{id}?ok=incidents.saved")))
}

#[derive(Template)]
#[template(path = "incident.html")]
pub struct IncidentPage {
    pub ctx: PageCtx,
    pub v: IncidentView,
    pub now: i64,
    pub assets: Vec<(String, String)>,
    /// The organisation's latest evidence files (id, name), for a note.
    pub evidence: Vec<(String, String)>,
    /// A level 3 or 4 incident prompts the activation decision: the
    /// organisation's critical processes with a plan (id, name).
    pub activatable: Vec<(String, String)>,
    /// The activations this incident prompted: id, process, active.
    pub activations: Vec<(String, String, bool)>,
    pub part: crate::continuity::pages::ActionsPart,
    pub now_local: String,
    /// The findings the incident names, and those of its assets it might.
    pub linked: Vec<zian_domain::vulns::Finding>,
    pub candidates: Vec<zian_domain::vulns::Finding>,
}

impl ClockHelpers for IncidentPage {
    fn cx(&self) -> &PageCtx {
        &self.ctx
    }
    fn now(&self) -> i64 {
        self.now
    }
}

impl IncidentPage {
    pub fn closed(&self) -> bool {
        self.v.incident.status == IncidentStatus::Closed
    }
    pub fn entry_name(&self, kind: &str, text: &str) -> String {
        if kind == "escalated" {
            self.ctx.t(&format!("incidents.escalated.{text}"))
        } else {
            self.ctx.t(&format!("incidents.entry.{kind}"))
        }
    }
    pub fn fact(&self, group: &str, code: &str) -> String {
        self.ctx.t(&format!("incidents.{group}.{code}"))
    }
    pub fn codes(&self) -> [String; 4] {
        facts_codes(&self.v.incident.facts).map(String::from)
    }
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<IncidentId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.get_incident(&pc.p, &id).await?;
    let mut assets = Vec::new();
    for a in &v.incident.asset_ids {
        if let Ok(x) = st.app.get_asset(&pc.p, a).await {
            assets.push((x.id.to_string(), x.name.to_string()));
        }
    }
    let evidence = if v.can_write {
        st.app
            .list_evidence(&pc.p, &v.incident.org_id, &ListQuery::all(50))
            .await?
            .items
            .into_iter()
            .map(|f| (f.id.to_string(), f.filename))
            .collect()
    } else {
        Vec::new()
    };
    let mut activations = Vec::new();
    let mut active_processes = Vec::new();
    for a in st.app.incident_activations(&pc.p, &v.incident.id).await? {
        if a.active() {
            active_processes.push(a.process_id.clone());
        }
        let name = st
            .app
            .process_view(&pc.p, &a.process_id)
            .await
            .map(|p| p.process.name)
            .unwrap_or_default();
        activations.push((a.id.to_string(), name, a.active()));
    }
    let activatable = if v.can_write && v.major && v.incident.status != IncidentStatus::Closed {
        st.app
            .activatable_processes(&pc.p, &v.incident.org_id)
            .await?
            .into_iter()
            .filter(|x| !active_processes.contains(&x.id))
            .map(|x| (x.id.to_string(), x.name))
            .collect()
    } else {
        Vec::new()
    };
    let (linked, candidates) = st.app.incident_findings(&pc.p, &v.incident).await?;
    let part = crate::continuity::pages::ActionsPart {
        actions: st
            .app
            .actions_of(
                &pc.p,
                zian_domain::corrective::Source::Incident,
                v.incident.id.as_str(),
            )
            .await?,
        source: "incident",
        source_id: v.incident.id.to_string(),
        can_write: v.can_write,
        today: st.app.today(),
    };
    let cx = ctx(
        &st.app,
        &pc,
        "incidents.incident_title",
        "incidents",
        fq.flash().as_deref(),
    )
    .await?;
    render(&IncidentPage {
        ctx: cx,
        now: st.app.now(),
        now_local: local(Some(st.app.now())),
        v,
        assets,
        evidence,
        activatable,
        activations,
        part,
        linked,
        candidates,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    action: String,
    at: String,
    text: String,
    root_cause: String,
    lessons: String,
    follow_up: String,
}

pub async fn action(
    State(st): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    form: PageForm<ActionForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let some = |s: String| Some(s).filter(|s| !s.trim().is_empty());
    let action = f.action.clone();
    st.app
        .incident_action(
            &pc.p,
            &id,
            ActionInput {
                action: f.action,
                at: some(f.at),
                text: some(f.text),
                root_cause: some(f.root_cause),
                lessons: some(f.lessons),
                follow_up: some(f.follow_up),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/incidents/{id}?ok=incidents.done.{action}"
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CheckForm {
    step: String,
    done: String,
}

pub async fn check(
    State(st): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    form: PageForm<CheckForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let old = st.app.get_incident(&pc.p, &id).await?;
    st.app
        .org_with(&pc.p, &old.incident.org_id, Permission::RecordWrite)
        .await?;
    let step =
        f.step.trim().parse().map_err(|_| {
            zian_app::AppError::invalid("step", zian_i18n::msg!("reason.whole_number"))
        })?;
    st.app
        .check_incident_step(
            &pc.p,
            &id,
            CheckInput {
                step,
                done: f.done == "1" || f.done == "true",
            },
        )
        .await?;
    Ok(see_other(&format!("/incidents/{id}#playbook")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoteForm {
    at: String,
    text: String,
    evidence_id: String,
}

pub async fn note(
    State(st): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    form: PageForm<NoteForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app
        .add_incident_note(
            &pc.p,
            &id,
            NoteInput {
                at: Some(f.at).filter(|s| !s.trim().is_empty()),
                text: f.text,
                evidence_id: Some(f.evidence_id).filter(|s| !s.trim().is_empty()),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/incidents/{id}?ok=incidents.noted#timeline"
    )))
}

/// The printable documents of an incident: the notification's content
/// (art. 3's seven items) and the investigation, handling and improvement
/// report (the enforcement rules' seven contents).
#[derive(Template)]
#[template(path = "incident_doc.html")]
pub struct DocPage {
    pub ctx: PageCtx,
    pub v: IncidentView,
    /// `notification` or `report`.
    pub kind: &'static str,
    pub assets: Vec<(String, String)>,
    pub today: String,
    pub now: i64,
    /// `(format, href)` of the document's files.
    pub downloads: Vec<(String, String)>,
}

impl ClockHelpers for DocPage {
    fn cx(&self) -> &PageCtx {
        &self.ctx
    }
    fn now(&self) -> i64 {
        self.now
    }
}

impl DocPage {
    pub fn fact(&self, group: &str, code: &str) -> String {
        self.ctx.t(&format!("incidents.{group}.{code}"))
    }
    pub fn codes(&self) -> [String; 4] {
        facts_codes(&self.v.incident.facts).map(String::from)
    }
    pub fn entry_name(&self, kind: &str) -> String {
        self.ctx.t(&format!("incidents.entry.{kind}"))
    }
    /// The timeline up to recovery (`before`), or after it: the steps and
    /// notes, without the platform's escalations.
    pub fn history(&self, before: bool) -> Vec<&zian_domain::incidents::TimelineEntry> {
        let cut = self.v.incident.recovered_at.unwrap_or(i64::MAX);
        self.v
            .timeline
            .iter()
            .filter(|e| e.kind.as_str() != "escalated")
            .filter(|e| (e.at <= cut) == before)
            .collect()
    }
    pub fn or_none(&self, s: &str) -> String {
        if s.trim().is_empty() {
            self.ctx.t("incidents.doc.none")
        } else {
            s.to_string()
        }
    }
}

async fn doc(st: &AppState, pc: &PageCaller, id: &IncidentId, kind: &'static str) -> PageResult {
    let v = st.app.get_incident(&pc.p, id).await?;
    let mut assets = Vec::new();
    for a in &v.incident.asset_ids {
        if let Ok(x) = st.app.get_asset(&pc.p, a).await {
            assets.push((x.id.to_string(), x.name.to_string()));
        }
    }
    let title = if kind == "report" {
        "incidents.doc.report_title"
    } else {
        "incidents.doc.notification_title"
    };
    let cx = ctx(&st.app, pc, title, "incidents", None).await?;
    render(&DocPage {
        downloads: crate::documents::download_links(
            &format!("/incidents/{id}"),
            &format!("incident-{kind}"),
        ),
        today: cx.date(&Some(st.app.today())),
        ctx: cx,
        now: st.app.now(),
        v,
        kind,
        assets,
    })
}

pub async fn notification(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<IncidentId>,
) -> PageResult {
    doc(&st, &pc, &id, "notification").await
}

pub async fn report(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<IncidentId>,
) -> PageResult {
    doc(&st, &pc, &id, "report").await
}

pub async fn findings(
    State(st): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app
        .link_incident_findings(
            &pc.p,
            &id,
            zian_app::incidents::FindingsInput {
                finding_ids: crate::values::Fields(&f).many("finding_ids"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/incidents/{id}?ok=incidents.findings_linked#findings"
    )))
}
