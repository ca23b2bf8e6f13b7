//! The people forms pages: an organisation's requests and agreements with
//! the forms to file them and the staff without an agreement; a form with
//! its chain and the next step to sign; the restricted-area log with the
//! quick entry, who is inside and the month's entries.

use askama::Template;
use axum::extract::State;
use zian_app::people_forms::{
    AgreementInput, EntryInput, FormView, FormsView, LeaveInput, LogView, RequestInput, SignInput,
    month_text,
};
use zian_domain::people_forms::{Body, PeopleForm, SignOff, Step};
use zian_domain::{AreaEntryId, OrgId, PeopleFormId, Permission};
use zian_i18n::catalogue;

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;
use crate::values::Fields;

/// Words shared by the pages.
fn words(cx: &PageCtx, group: &str, v: &str) -> String {
    cx.t(&format!("people_forms.{group}.{v}"))
}

#[derive(Template)]
#[template(path = "people_forms.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub v: FormsView,
}

impl ListPage {
    pub fn status(&self, f: &PeopleForm) -> String {
        match f.next_step() {
            Some(s) => catalogue().tf(
                self.ctx.lang,
                "people_forms.next",
                &[("step", &words(&self.ctx, "step", s.as_str()))],
            ),
            None => words(&self.ctx, "status", f.status().as_str()),
        }
    }
    pub fn summary(&self, f: &PeopleForm) -> String {
        match &f.body {
            Body::ResourceRequest(r) => format!("{}（{} × {}）", r.item, r.unit, r.quantity),
            Body::Confidentiality(a) => format!("{}（{}）", a.signer, a.unit),
        }
    }
    /// The unit a form of a unit below belongs to (empty for the page's own).
    pub fn unit_of(&self, f: &PeopleForm) -> String {
        self.v.units.get(&f.org_id).cloned().unwrap_or_default()
    }
    pub fn role(&self, r: &zian_domain::Role) -> String {
        self.ctx.role_name(r.as_str())
    }
}

#[derive(Template)]
#[template(path = "people_form.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub v: FormView,
}

impl ShowPage {
    pub fn kind(&self) -> String {
        words(&self.ctx, "kind", self.v.form.kind().as_str())
    }
    pub fn status(&self) -> String {
        words(&self.ctx, "status", self.v.form.status().as_str())
    }
    pub fn step(&self, s: &Step) -> String {
        words(&self.ctx, "step", s.as_str())
    }
    /// The form's fields as label and value.
    pub fn rows(&self) -> Vec<(String, String)> {
        let cx = &self.ctx;
        let f = |k: &str| cx.t(&format!("field.{k}"));
        match &self.v.form.body {
            Body::ResourceRequest(r) => vec![
                (f("unit"), r.unit.clone()),
                (f("requested_on"), cx.day(&r.requested_on)),
                (
                    f("request_type"),
                    words(cx, "category", r.category.as_str()),
                ),
                (f("item_name"), r.item.clone()),
                (f("quantity"), r.quantity.to_string()),
                (f("needed_on"), cx.day(&r.needed_on)),
                (f("purchase"), words(cx, "purchase", r.purchase.as_str())),
                (f("device"), words(cx, "device", r.device.as_str())),
                (f("install_unit"), r.install_unit.clone()),
                (f("install_location"), r.install_location.clone()),
                (f("purpose"), r.purpose.clone()),
                (f("applicant"), r.applicant.clone()),
            ],
            Body::Confidentiality(a) => vec![
                (f("signer"), a.signer.clone()),
                (f("unit"), a.unit.clone()),
                (f("starts_on"), cx.day(&a.starts_on)),
                (f("agency_head"), a.agency_head.clone()),
            ],
        }
    }
    pub fn outcome(&self, s: &SignOff) -> String {
        let key = match (s.step, s.approve) {
            (Step::Team, true) => "people_forms.approve_team",
            (Step::Team, false) => "people_forms.decline_team",
            (_, true) => "people_forms.sign",
            (_, false) => "people_forms.decline",
        };
        self.ctx.t(key)
    }
    pub fn signed(&self, s: &Step) -> Option<&SignOff> {
        self.v.form.signoff(*s)
    }
    pub fn next(&self) -> Option<Step> {
        self.v.form.next_step()
    }
    pub fn may_decline(&self) -> bool {
        self.next().is_some_and(|s| s.may_decline())
    }
    pub fn approve_label(&self) -> String {
        match self.next() {
            Some(Step::Team) => self.ctx.t("people_forms.approve_team"),
            _ => self.ctx.t("people_forms.sign"),
        }
    }
    pub fn decline_label(&self) -> String {
        match self.next() {
            Some(Step::Team) => self.ctx.t("people_forms.decline_team"),
            _ => self.ctx.t("people_forms.decline"),
        }
    }
    pub fn report(&self) -> &'static str {
        match self.v.form.body {
            Body::ResourceRequest(_) => "resource-request",
            Body::Confidentiality(_) => "confidentiality-agreement",
        }
    }
    pub fn is_agreement(&self) -> bool {
        matches!(self.v.form.body, Body::Confidentiality(_))
    }
}

#[derive(Template)]
#[template(path = "area_log.html")]
pub struct LogPage {
    pub ctx: PageCtx,
    pub v: LogView,
}

impl LogPage {
    pub fn month(&self) -> String {
        month_text(self.v.month)
    }
    /// The unit an entry of a unit below was recorded at.
    pub fn unit_of(&self, e: &zian_domain::people_forms::AreaEntry) -> String {
        self.v.units.get(&e.org_id).cloned().unwrap_or_default()
    }
    pub fn access(&self, a: &zian_domain::people_forms::Access) -> String {
        words(&self.ctx, "access", a.as_str())
    }
    pub fn late(&self, e: &zian_domain::people_forms::AreaEntry) -> bool {
        e.overstayed(self.v.now)
    }
    pub fn minutes(&self, e: &zian_domain::people_forms::AreaEntry) -> String {
        catalogue().tf(
            self.ctx.lang,
            "area_log.minutes",
            &[("n", &e.minutes(self.v.now).to_string())],
        )
    }
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let v = st.app.people_forms(&pc.p, &id).await?;
    let fq = FlashQuery::from_pairs(&q);
    let cx = ctx(
        &st.app,
        &pc,
        "people_forms.title",
        "people_forms",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ListPage { ctx: cx, v })
}

fn to_form(id: &PeopleFormId, ok: &str) -> axum::response::Response {
    see_other(&format!("/people-forms/{id}?ok=people_forms.{ok}"))
}

pub async fn create_request(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    let quantity = crate::values::number("quantity", f.opt("quantity").as_deref())?.unwrap_or(0);
    let r = st
        .app
        .create_resource_request(
            &pc.p,
            &id,
            RequestInput {
                unit: f.one("unit"),
                requested_on: f.opt("requested_on"),
                request_type: f.one("request_type"),
                item_name: f.one("item_name"),
                quantity,
                needed_on: f.opt("needed_on"),
                purchase: f.one("purchase"),
                device: f.one("device"),
                install_unit: f.one("install_unit"),
                install_location: f.one("install_location"),
                purpose: f.one("purpose"),
                applicant: f.opt("applicant"),
            },
        )
        .await?;
    Ok(to_form(&r.id, "created"))
}

pub async fn create_agreement(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    let r = st
        .app
        .create_confidentiality(
            &pc.p,
            &id,
            AgreementInput {
                signer: f.one("signer"),
                user_id: f.opt("user_id"),
                unit: f.one("unit"),
                starts_on: f.one("starts_on"),
                agency_head: f.one("agency_head"),
            },
        )
        .await?;
    Ok(to_form(&r.id, "created"))
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<PeopleFormId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let v = st.app.people_form(&pc.p, &id).await?;
    let fq = FlashQuery::from_pairs(&q);
    let cx = ctx(
        &st.app,
        &pc,
        "people_forms.title",
        "people_forms",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ShowPage { ctx: cx, v })
}

pub async fn sign(
    State(st): State<AppState>,
    PagePath(id): PagePath<PeopleFormId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let r = st
        .app
        .sign_people_form(
            &pc.p,
            &id,
            SignInput {
                step: f.one("step"),
                approve: f.opt("approve").as_deref() != Some("false"),
                note: f.one("note"),
                signed_on: f.opt("signed_on"),
                signatory: f.opt("signatory"),
            },
        )
        .await?;
    Ok(to_form(&r.id, "signed"))
}

pub async fn log(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let f = Fields(&q);
    let v = st
        .app
        .area_log(&pc.p, &id, f.opt("month").as_deref())
        .await?;
    let fq = FlashQuery::from_pairs(&q);
    let cx = ctx(
        &st.app,
        &pc,
        "area_log.title",
        "area_log",
        fq.flash().as_deref(),
    )
    .await?;
    render(&LogPage { ctx: cx, v })
}

pub async fn enter(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    let e = st
        .app
        .record_area_entry(
            &pc.p,
            &id,
            EntryInput {
                area: f.one("area"),
                person: f.one("person"),
                unit: f.one("unit"),
                escort: f.one("escort"),
                reason: f.one("reason"),
                access: f.opt("access"),
                devices: f.one("devices"),
                carried: f.one("carried"),
                entered_at: f.opt("entered_at"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/orgs/{}/area-log?ok=people_forms.entered",
        e.org_id
    )))
}

pub async fn leave(
    State(st): State<AppState>,
    PagePath(id): PagePath<AreaEntryId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let e = st
        .app
        .leave_area(
            &pc.p,
            &id,
            LeaveInput {
                left_at: f.opt("left_at"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/orgs/{}/area-log?ok=people_forms.left",
        e.org_id
    )))
}
