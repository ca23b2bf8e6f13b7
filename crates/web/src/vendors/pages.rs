//! The vendors pages: an organisation's vendors with the form that records
//! one; one vendor with its gaps, contracts, staff, device checks, audits
//! and shares; and a vendor's view of a record shared with it.

use askama::Template;
use axum::extract::State;
use zian_app::vendors::{
    ContractInput, DeviceCheckInput, ShareInput, SharedRecord, SharedView, StaffInput, VendorInput,
    VendorView,
};
use zian_domain::vendors::{Contract, Signing, StaffMember, Vendor};
use zian_domain::{OrgId, Organisation, Permission, ShareId, VendorId};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;
use crate::values::Fields;

#[derive(Template)]
#[template(path = "vendors.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub items: Vec<Vendor>,
    pub pager: Pager,
    pub can_write: bool,
    pub today: time::Date,
    /// The search typed.
    pub q: String,
}

impl ListPage {
    pub fn active(&self, v: &Vendor) -> bool {
        v.active_on(self.today)
    }
    pub fn staff_count(&self, v: &Vendor) -> usize {
        v.current_staff().count()
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
    let fq = FlashQuery::from_pairs(&q);
    let page = st.app.list_vendors(&pc.p, &org.id, &list).await?;
    let pager = Pager::new(&page, &format!("/orgs/{}/vendors", org.id), &q);
    let can_write = st.app.can(&pc.p, Permission::RecordWrite, &org);
    let cx = ctx(
        &st.app,
        &pc,
        "vendors.title",
        "vendors",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ListPage {
        ctx: cx,
        org,
        items: page.items,
        pager,
        can_write,
        today: st.app.today(),
        q: list.q.clone().unwrap_or_default(),
    })
}

pub async fn create(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    // access first: nothing about the form's validity is told to outsiders
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    let v = st
        .app
        .create_vendor(&pc.p, &id, VendorInput::from_form(|k| f.one(k)))
        .await?;
    Ok(back(&v.vendor.id, "created"))
}

#[derive(Template)]
#[template(path = "vendor_show.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub v: VendorView,
    pub today: time::Date,
}

impl ShowPage {
    pub fn contracts(&self) -> Vec<(usize, &Contract)> {
        self.v.vendor.body.contracts.iter().enumerate().collect()
    }
    pub fn active(&self, c: &Contract) -> bool {
        c.active_on(self.today)
    }
    pub fn system_name(&self, id: &str) -> String {
        self.v
            .systems
            .iter()
            .find(|(s, _)| s == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| id.to_string())
    }
    /// When a staff member's agreements are due, as the page says it.
    pub fn signing(&self, s: &StaffMember) -> String {
        match s.agreements_due() {
            Signing::NotNeeded => self.ctx.t("vendors.left"),
            Signing::Unsigned => self.ctx.t("vendors.unsigned"),
            Signing::Due(d) => self.ctx.day(&d),
        }
    }
    pub fn late(&self, s: &StaffMember) -> bool {
        match s.agreements_due() {
            Signing::Unsigned => true,
            Signing::Due(d) => d < self.today,
            Signing::NotNeeded => false,
        }
    }
    pub fn components_text(&self) -> String {
        self.v
            .vendor
            .body
            .components
            .iter()
            .map(|c| format!("{} | {} | {}", c.name, c.version, c.licence))
            .collect::<Vec<_>>()
            .join("\n")
    }
    pub fn audit_status(&self, s: &str) -> String {
        self.ctx.t(&format!("audits.status.{s}"))
    }
    pub fn record_kind(&self, k: &str) -> String {
        self.ctx.t(&format!("vendors.share_kind.{k}"))
    }
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<VendorId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let v = st.app.vendor_view(&pc.p, &id).await?;
    let fq = FlashQuery::from_pairs(&q);
    let cx = ctx(
        &st.app,
        &pc,
        "vendors.title",
        "vendors",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ShowPage {
        ctx: cx,
        v,
        today: st.app.today(),
    })
}

fn back(id: &VendorId, flash: &str) -> axum::response::Response {
    see_other(&format!("/vendors/{id}?ok=vendors.{flash}"))
}

pub async fn edit(
    State(st): State<AppState>,
    PagePath(id): PagePath<VendorId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .edit_vendor(&pc.p, &id, VendorInput::from_form(|k| f.one(k)))
        .await?;
    Ok(back(&id, "saved"))
}

pub async fn contract(
    State(st): State<AppState>,
    PagePath(id): PagePath<VendorId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .save_vendor_contract(
            &pc.p,
            &id,
            ContractInput::from_form(|k| f.one(k), |k| f.many(k)),
        )
        .await?;
    Ok(back(&id, "saved"))
}

pub async fn staff(
    State(st): State<AppState>,
    PagePath(id): PagePath<VendorId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .save_vendor_staff(&pc.p, &id, StaffInput::from_form(|k| f.one(k)))
        .await?;
    Ok(back(&id, "saved"))
}

pub async fn device_check(
    State(st): State<AppState>,
    PagePath(id): PagePath<VendorId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .add_device_check(&pc.p, &id, DeviceCheckInput::from_form(|k| f.one(k)))
        .await?;
    Ok(back(&id, "saved"))
}

pub async fn share(
    State(st): State<AppState>,
    PagePath(id): PagePath<VendorId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let v = st.app.get_vendor(&pc.p, &id).await?;
    // the vendor's own entry unless one of its audits is chosen
    let mut input = ShareInput::from_form(|k| f.one(k));
    if input.record_id.trim().is_empty() {
        input.record_type = "vendor".into();
        input.record_id = id.to_string();
    } else if input.record_type.trim().is_empty() {
        input.record_type = "audit".into();
    }
    st.app.share_with_vendor(&pc.p, &v.org_id, input).await?;
    Ok(back(&id, "shared"))
}

pub async fn revoke(
    State(st): State<AppState>,
    PagePath(id): PagePath<ShareId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let s = st.app.revoke_share(&form.pc.p, &id).await?;
    let to = if s.share.record_type == "vendor" {
        format!("/vendors/{}?ok=vendors.revoked", s.share.record_id)
    } else {
        format!("/orgs/{}/vendors?ok=vendors.revoked", s.share.org_id)
    };
    Ok(see_other(&to))
}

#[derive(Template)]
#[template(path = "shared.html")]
pub struct SharedPage {
    pub ctx: PageCtx,
    pub v: SharedView,
    pub today: time::Date,
}

impl SharedPage {
    pub fn vendor(&self) -> Option<(&Vendor, &[zian_domain::vendors::Gap])> {
        match &self.v.record {
            SharedRecord::Vendor(v, g) => Some((v, g)),
            _ => None,
        }
    }
    pub fn audit(&self) -> Option<&zian_domain::audits::Audit> {
        match &self.v.record {
            SharedRecord::Audit(a) => Some(a),
            _ => None,
        }
    }
    pub fn action(&self) -> Option<&zian_domain::corrective::CorrectiveAction> {
        match &self.v.record {
            SharedRecord::Action(a) => Some(a),
            _ => None,
        }
    }
    pub fn signing(&self, s: &StaffMember) -> String {
        match s.agreements_due() {
            Signing::NotNeeded => self.ctx.t("vendors.left"),
            Signing::Unsigned => self.ctx.t("vendors.unsigned"),
            Signing::Due(d) => self.ctx.day(&d),
        }
    }
    pub fn kind_name(&self) -> String {
        self.ctx
            .t(&format!("vendors.share_kind.{}", self.v.share.record_type))
    }
    pub fn audit_status(&self, a: &zian_domain::audits::Audit) -> String {
        self.ctx.t(&format!("audits.status.{}", a.status.as_str()))
    }
    pub fn answer_name(&self, i: &zian_domain::audits::AuditItem) -> String {
        i.answer
            .map(|a| self.ctx.t(&format!("audits.answer.{}", a.as_str())))
            .unwrap_or_default()
    }
}

pub async fn shared(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
) -> PageResult {
    let v = st.app.shared_record(&pc.p, &id).await?;
    let cx = ctx(&st.app, &pc, "vendors.shared_title", "dashboard", None).await?;
    render(&SharedPage {
        ctx: cx,
        v,
        today: st.app.today(),
    })
}
