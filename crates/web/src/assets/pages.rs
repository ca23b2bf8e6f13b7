//! Asset register pages: the list (search, filters, paging, CSV, print),
//! each asset with its edit form, installed software and change history.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::AppError;
use zian_app::assets::{
    AssetInput, AssetList, AssetView, Candidate, MapUnmappedInput, QuantityIn, SoftwareInput,
};

use zian_domain::assets::UnmappedSoftware;
use zian_domain::assets::{Asset, AssetCategory, AssetStatus, InstalledSoftware};
use zian_domain::audit::AuditRow;
use zian_domain::systems::InfoSystem;
use zian_domain::{AssetId, ListQuery, OrgId, Organisation, Permission};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;

/// The list's query: paging, search, the filters, and the flags checked
/// (`core`, `exposed`, `host`).
pub fn list_query(pairs: &[(String, String)]) -> Result<ListQuery, AppError> {
    const FLAGS: [&str; 3] = ["core", "exposed", "host"];
    let mut on = Vec::new();
    for f in FLAGS {
        if crate::values::flag(pairs, f)? {
            on.push(f);
        }
    }
    let mut q = crate::list::query(pairs, super::FILTERS)?;
    q.filter.retain(|(k, _)| !FLAGS.contains(&k.as_str()));
    for f in on {
        q.filter.push((f.into(), "1".into()));
    }
    Ok(q)
}

/// Names and levels shared by the list, register and detail pages.
trait AssetNames {
    fn cx(&self) -> &PageCtx;
    fn systems(&self) -> &BTreeMap<String, InfoSystem>;

    fn cat(&self, c: &AssetCategory) -> String {
        self.cx().t(&format!("assets.cat.{}", c.as_str()))
    }
    fn st(&self, s: &AssetStatus) -> String {
        self.cx().t(&format!("assets.st.{}", s.as_str()))
    }
    fn system_name(&self, a: &Asset) -> String {
        a.system_id
            .as_ref()
            .and_then(|s| self.systems().get(s.as_str()))
            .map_or_else(String::new, |s| s.name.to_string())
    }
    fn level(&self, a: &Asset) -> String {
        a.system_id
            .as_ref()
            .and_then(|s| self.systems().get(s.as_str()))
            .and_then(|s| s.level)
            .map_or_else(|| "—".to_string(), |l| l.as_str().to_string())
    }
}

#[derive(Template)]
#[template(path = "assets.html")]
pub struct AssetsPage {
    pub ctx: PageCtx,
    pub list: AssetList,
    pub pager: Pager,
    pub q: String,
    pub category: String,
    pub status: String,
    pub system: String,
    pub core: bool,
    pub exposed: bool,
    pub host: bool,
    pub can_write: bool,
    /// The query string of the current filters (for the CSV and print links).
    pub filters: String,
}

impl AssetNames for AssetsPage {
    fn cx(&self) -> &PageCtx {
        &self.ctx
    }
    fn systems(&self) -> &BTreeMap<String, InfoSystem> {
        &self.list.systems
    }
}

impl AssetsPage {
    /// The asset the shared form fields edit: none (a new one).
    pub fn no_asset(&self) -> Option<&Asset> {
        None
    }
    pub fn org(&self) -> &Organisation {
        &self.list.org
    }
    pub fn categories(&self) -> [AssetCategory; 6] {
        AssetCategory::ALL
    }
    pub fn statuses(&self) -> [AssetStatus; 3] {
        AssetStatus::ALL
    }
    pub fn system_list(&self) -> Vec<&InfoSystem> {
        self.list
            .systems
            .values()
            .filter(|s| s.archived_at.is_none())
            .collect()
    }
    pub fn c(&self, c: &AssetCategory) -> String {
        self.cat(c)
    }
    pub fn s(&self, s: &AssetStatus) -> String {
        self.st(s)
    }
    pub fn sys(&self, a: &Asset) -> String {
        self.system_name(a)
    }
    pub fn lvl(&self, a: &Asset) -> String {
        self.level(a)
    }
}

fn query_string(pairs: &[(String, String)]) -> String {
    let keep: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(k, _)| k == "q" || super::FILTERS.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    serde_urlencoded::to_string(keep).unwrap_or_default()
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
    let q = list_query(&pairs)?;
    let list = st.app.list_assets(&pc.p, &org.id, &q).await?;
    let pager = Pager::new(&list.page, &format!("/orgs/{}/assets", org.id), &pairs);
    let cx = ctx(
        &st.app,
        &pc,
        "assets.title",
        "assets",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&list.org.path);
    let get = |k: &str| q.filter_value(k).unwrap_or("").to_string();
    render(&AssetsPage {
        ctx: cx,
        pager,
        category: get("category"),
        status: get("status"),
        system: get("system"),
        core: q.filter_value("core").is_some(),
        exposed: q.filter_value("exposed").is_some(),
        host: q.filter_value("host").is_some(),
        q: q.q.clone().unwrap_or_default(),
        list,
        can_write,
        filters: query_string(&pairs),
    })
}

#[derive(Template)]
#[template(path = "asset_register.html")]
pub struct RegisterPage {
    pub ctx: PageCtx,
    pub list: AssetList,
    pub today: String,
}

impl AssetNames for RegisterPage {
    fn cx(&self) -> &PageCtx {
        &self.ctx
    }
    fn systems(&self) -> &BTreeMap<String, InfoSystem> {
        &self.list.systems
    }
}

impl RegisterPage {
    pub fn c(&self, c: &AssetCategory) -> String {
        self.cat(c)
    }
    pub fn sys(&self, a: &Asset) -> String {
        self.system_name(a)
    }
    pub fn lvl(&self, a: &Asset) -> String {
        self.level(a)
    }
}

/// The register as the official table (資通系統及資訊資產清冊), for printing.
pub async fn register(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(pairs): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let q = list_query(&pairs)?;
    let list = st.app.export_assets(&pc.p, &org.id, &q).await?;
    let cx = ctx(&st.app, &pc, "assets.register", "assets", None).await?;
    render(&RegisterPage {
        today: cx.date(&Some(st.app.today())),
        ctx: cx,
        list,
    })
}

/// Every field defaults, so a malformed form is judged after the access check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssetForm {
    name: String,
    category: String,
    owner: String,
    system_id: String,
    custodian: String,
    users: String,
    location: String,
    property_no: String,
    brand: String,
    model: String,
    quantity: String,
    core: Option<String>,
    exposed: Option<String>,
    status: String,
    disposed_on: String,
    disposal_method: String,
    labels: String,
    hostname: String,
    ip: String,
    mac: String,
    os: String,
    kbs: String,
    notes: String,
}

impl From<AssetForm> for AssetInput {
    fn from(f: AssetForm) -> Self {
        let some = |s: String| Some(s).filter(|s| !s.trim().is_empty());
        AssetInput {
            name: f.name,
            category: f.category,
            owner: f.owner,
            system_id: some(f.system_id),
            custodian: some(f.custodian),
            users: some(f.users),
            location: some(f.location),
            property_no: some(f.property_no),
            brand: some(f.brand),
            model: some(f.model),
            quantity: some(f.quantity).map(QuantityIn::Text),
            core: Some(f.core.is_some_and(|v| !v.is_empty() && v != "false")),
            exposed: Some(f.exposed.is_some_and(|v| !v.is_empty() && v != "false")),
            status: some(f.status),
            disposed_on: some(f.disposed_on),
            disposal_method: some(f.disposal_method),
            labels: some(f.labels),
            hostname: some(f.hostname),
            ip: some(f.ip),
            mac: some(f.mac),
            os: some(f.os),
            kbs: some(f.kbs),
            notes: some(f.notes),
        }
    }
}

pub async fn create(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<AssetForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let a = st.app.create_asset(&pc.p, &id, f.into()).await?;
    Ok(see_other(&format!("/assets/{}?ok=assets.created", a.id)))
}

#[derive(Template)]
#[template(path = "asset_show.html")]
pub struct AssetPage {
    pub ctx: PageCtx,
    pub v: AssetView,
    /// The organisation's systems, for the edit form.
    pub systems: BTreeMap<String, InfoSystem>,
    pub can_write: bool,
}

impl AssetNames for AssetPage {
    fn cx(&self) -> &PageCtx {
        &self.ctx
    }
    fn systems(&self) -> &BTreeMap<String, InfoSystem> {
        &self.systems
    }
}

impl AssetPage {
    pub fn a(&self) -> &Asset {
        &self.v.asset
    }
    pub fn categories(&self) -> [AssetCategory; 6] {
        AssetCategory::ALL
    }
    pub fn statuses(&self) -> [AssetStatus; 3] {
        AssetStatus::ALL
    }
    pub fn system_list(&self) -> Vec<&InfoSystem> {
        self.systems
            .values()
            .filter(|s| s.archived_at.is_none() || self.v.asset.system_id.as_ref() == Some(&s.id))
            .collect()
    }
    pub fn c(&self, c: &AssetCategory) -> String {
        self.cat(c)
    }
    pub fn s(&self, s: &AssetStatus) -> String {
        self.st(s)
    }
    pub fn sys(&self) -> String {
        self.system_name(&self.v.asset)
    }
    pub fn lvl(&self) -> String {
        self.level(&self.v.asset)
    }
    pub fn disposed_on(&self) -> String {
        self.v
            .asset
            .disposed_on
            .map(zian_domain::day::ymd)
            .unwrap_or_default()
    }
    pub fn unmapped(&self) -> usize {
        self.v.software.iter().filter(|s| s.cpe23.is_none()).count()
    }
    pub fn unmapped_label(&self) -> String {
        self.ctx
            .tn("assets.unmapped_count", &(self.unmapped() as i64))
    }
    pub fn candidates(&self, s: &InstalledSoftware) -> &[Candidate] {
        self.v
            .suggestions
            .get(&s.id)
            .map_or(&[][..], |c| &c[..c.len().min(3)])
    }
    pub fn cpe(&self, s: &InstalledSoftware) -> String {
        s.cpe23.clone().unwrap_or_default()
    }
    pub fn when(&self, r: &AuditRow) -> String {
        crate::layout::fmt_moment(r.entry.at, self.ctx.lang)
    }
    pub fn action_name(&self, r: &AuditRow) -> String {
        crate::audit::pages::action_phrase(self.ctx.lang, &r.entry.action)
    }
    pub fn lines(&self, r: &AuditRow) -> Vec<String> {
        crate::audit::pages::detail_lines(self.ctx.lang, &r.entry.details)
    }
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<AssetId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.asset_view(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "assets.detail",
        "assets",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&v.org.path);
    let systems = st
        .app
        .list_assets(&pc.p, &v.org.id, &ListQuery::all(1))
        .await?
        .systems;
    render(&AssetPage {
        ctx: cx,
        v,
        systems,
        can_write,
    })
}

pub async fn update(
    State(st): State<AppState>,
    PagePath(id): PagePath<AssetId>,
    form: PageForm<AssetForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let a = st.app.update_asset(&pc.p, &id, f.into()).await?;
    Ok(see_other(&format!("/assets/{}?ok=assets.saved", a.id)))
}

/// Every field defaults, so a malformed form is judged after the access check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SoftwareForm {
    name: String,
    version: String,
    publisher: String,
    cpe23: String,
}

impl From<SoftwareForm> for SoftwareInput {
    fn from(f: SoftwareForm) -> Self {
        SoftwareInput {
            name: f.name,
            version: Some(f.version),
            publisher: Some(f.publisher),
            cpe23: Some(f.cpe23),
        }
    }
}

pub async fn software_add(
    State(st): State<AppState>,
    PagePath(id): PagePath<AssetId>,
    form: PageForm<SoftwareForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.add_software(&pc.p, &id, f.into()).await?;
    Ok(see_other(&format!(
        "/assets/{id}?ok=assets.software_added#software-h"
    )))
}

pub async fn software_update(
    State(st): State<AppState>,
    PagePath((id, sw)): PagePath<(AssetId, String)>,
    form: PageForm<SoftwareForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.update_software(&pc.p, &id, &sw, f.into()).await?;
    Ok(see_other(&format!(
        "/assets/{id}?ok=assets.software_saved#software-h"
    )))
}

pub async fn software_remove(
    State(st): State<AppState>,
    PagePath((id, sw)): PagePath<(AssetId, String)>,
    form: PageForm<crate::extract::NoFields>,
) -> PageResult {
    let pc = form.pc;
    st.app.remove_software(&pc.p, &id, &sw).await?;
    Ok(see_other(&format!(
        "/assets/{id}?ok=assets.software_removed#software-h"
    )))
}

/// The form behind a suggestion's button: the CPE name only.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CpeForm {
    cpe23: String,
}

/// Uses a suggested CPE name for installed software (remembered for its name).
pub async fn software_cpe(
    State(st): State<AppState>,
    PagePath((id, sw)): PagePath<(AssetId, String)>,
    form: PageForm<CpeForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let cur = st
        .app
        .asset_view(&pc.p, &id)
        .await?
        .software
        .into_iter()
        .find(|s| s.id == sw)
        .ok_or(AppError::NotFound)?;
    st.app
        .update_software(
            &pc.p,
            &id,
            &sw,
            SoftwareInput {
                name: cur.name.to_string(),
                version: Some(cur.version.to_string()),
                publisher: Some(cur.publisher.to_string()),
                cpe23: Some(f.cpe23),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/assets/{id}?ok=assets.software_saved#software-h"
    )))
}

#[derive(Template)]
#[template(path = "assets_unmapped.html")]
pub struct UnmappedPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub groups: Vec<(UnmappedSoftware, Vec<Candidate>)>,
    pub can_write: bool,
}

impl UnmappedPage {
    pub fn total(&self) -> i64 {
        self.groups.iter().map(|(g, _)| g.count).sum()
    }
    pub fn total_label(&self) -> String {
        self.ctx.tn("assets.unmapped_count", &self.total())
    }
    pub fn top<'a>(&self, c: &'a [Candidate]) -> &'a [Candidate] {
        &c[..c.len().min(3)]
    }
    pub fn pct(&self, c: &Candidate) -> String {
        format!("{:.0}%", c.confidence * 100.0)
    }
}

/// Installed software without a CPE name, grouped, with suggestions.
pub async fn unmapped(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let (org, groups) = st.app.unmapped_software(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "assets.unmapped_title",
        "assets",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&org.path);
    render(&UnmappedPage {
        ctx: cx,
        org,
        groups,
        can_write,
    })
}

/// The form behind a suggestion on the unmapped list.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MapForm {
    name: String,
    version: String,
    publisher: String,
    cpe23: String,
}

pub async fn map_unmapped(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<MapForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app
        .map_unmapped(
            &pc.p,
            &id,
            MapUnmappedInput {
                name: f.name,
                version: Some(f.version),
                publisher: Some(f.publisher),
                cpe23: f.cpe23,
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/orgs/{id}/assets/unmapped?ok=assets.mapped"
    )))
}
