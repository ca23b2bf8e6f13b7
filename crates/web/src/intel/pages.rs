//! The threat intelligence pages: an organisation's pieces with the forms
//! to record one (or paste an advisory) and to import a STIX bundle, and the
//! links to the blocklists; a piece with what would leave the agency (its
//! personal data masked), its indicators where they meet the organisation's
//! records, the classification and each category's handling.

use askama::Template;
use axum::extract::{Query, State};
use zian_app::intel::{
    ClassifyInput, HandlingInput, ImportInput, ImportRead, IntelDetail, IntelInput, IntelList,
};
use zian_domain::intel::item::{Category, IntelItem, Reliability, Source, Timeliness};
use zian_domain::{IntelId, OrgId, Permission};
use zian_i18n::catalogue;

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;
use crate::values::Fields;

#[derive(Template)]
#[template(path = "intel.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub v: IntelList,
    pub today: time::Date,
    /// A STIX import's result, shown once.
    pub read: Option<ImportRead>,
}

fn category_name(cx: &PageCtx, c: &str) -> String {
    cx.t(&format!("intel.category.{c}"))
}

impl ListPage {
    pub fn sources(&self) -> Vec<&'static str> {
        Source::ALL
            .iter()
            .filter(|s| !s.imported())
            .map(|s| s.as_str())
            .collect()
    }
    pub fn categories(&self, x: &IntelItem) -> String {
        x.body
            .classification
            .as_ref()
            .map(|c| {
                c.categories
                    .iter()
                    .map(|k| format!("{} {}", k.number(), category_name(&self.ctx, k.as_str())))
                    .collect::<Vec<_>>()
                    .join("、")
            })
            .unwrap_or_default()
    }
    pub fn active(&self, x: &IntelItem) -> bool {
        x.active(self.today)
    }
    pub fn today_ymd(&self) -> String {
        zian_domain::day::ymd(self.today)
    }
}

#[derive(Template)]
#[template(path = "intel_item.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub v: IntelDetail,
}

impl ShowPage {
    pub fn category(&self, c: &Category) -> String {
        format!("{} {}", c.number(), category_name(&self.ctx, c.as_str()))
    }
    pub fn all_categories(&self) -> [Category; 4] {
        Category::ALL
    }
    pub fn checked(&self, c: &Category) -> bool {
        self.v
            .item
            .body
            .classification
            .as_ref()
            .is_some_and(|x| x.categories.contains(c))
    }
    /// The categories the classification holds, each with its handling if
    /// recorded.
    pub fn classified(&self) -> Vec<(Category, Option<zian_domain::intel::item::Handling>)> {
        self.v
            .item
            .body
            .classification
            .as_ref()
            .map(|c| {
                c.categories
                    .iter()
                    .map(|k| {
                        (
                            *k,
                            self.v
                                .item
                                .body
                                .handling
                                .iter()
                                .find(|h| h.category == *k)
                                .cloned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn reliabilities(&self) -> Vec<&'static str> {
        Reliability::ALL.iter().map(|r| r.as_str()).collect()
    }
    pub fn timelinesses(&self) -> Vec<&'static str> {
        Timeliness::ALL.iter().map(|r| r.as_str()).collect()
    }
    pub fn reliability_sel(&self, r: &str) -> &'static str {
        let cur = self
            .v
            .item
            .body
            .classification
            .as_ref()
            .map_or("unknown", |c| c.reliability.as_str());
        if cur == r { " selected" } else { "" }
    }
    pub fn timeliness_sel(&self, r: &str) -> &'static str {
        let cur = self
            .v
            .item
            .body
            .classification
            .as_ref()
            .map_or("current", |c| c.timeliness.as_str());
        if cur == r { " selected" } else { "" }
    }
    pub fn classified_by(&self) -> String {
        let Some(c) = &self.v.item.body.classification else {
            return String::new();
        };
        catalogue().tf(
            self.ctx.lang,
            "intel.signed",
            &[
                ("name", &c.signed.name),
                ("time", &self.ctx.time(&c.signed.at)),
            ],
        )
    }
    pub fn handled_by(&self, h: &zian_domain::intel::item::Handling) -> String {
        catalogue().tf(
            self.ctx.lang,
            "intel.signed",
            &[
                ("name", &h.signed.name),
                ("time", &self.ctx.time(&h.signed.at)),
            ],
        )
    }
    pub fn names(&self) -> String {
        self.v.item.body.names.join("\n")
    }
    pub fn imminent(&self, h: &zian_domain::intel::item::Handling) -> String {
        match h.imminent {
            Some(true) => self.ctx.t("intel.imminent_yes"),
            Some(false) => self.ctx.t("intel.imminent_no"),
            None => String::new(),
        }
    }
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.intel_list(&pc.p, &id).await?;
    let cx = ctx(&st.app, &pc, "intel.title", "intel", fq.flash().as_deref()).await?;
    render(&ListPage {
        ctx: cx,
        v,
        today: st.app.today(),
        read: None,
    })
}

pub async fn create(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    let x = st
        .app
        .create_intel(
            &pc.p,
            &id,
            IntelInput {
                title: f.one("title"),
                source: f.one("source"),
                sender: f.one("sender"),
                received_on: f.opt("received_on"),
                valid_until: f.opt("valid_until"),
                text: f.one("text"),
                indicators: f.one("indicators"),
                names: f.one("names"),
            },
        )
        .await?;
    Ok(see_other(&format!("/intel/{}?ok=intel.recorded", x.id)))
}

/// A bundle or events pasted in, imported; the list shows what came in
/// and what was skipped.
pub async fn import(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    let read = st
        .app
        .import_intel(
            &pc.p,
            &id,
            ImportInput {
                format: f.one("format"),
                content: f.one("content"),
                sender: f.one("sender"),
                commit: true,
            },
            pc.lang,
        )
        .await?;
    let v = st.app.intel_list(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "intel.title",
        "intel",
        Some("ok:intel.imported"),
    )
    .await?;
    render(&ListPage {
        ctx: cx,
        v,
        today: st.app.today(),
        read: Some(read),
    })
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<IntelId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.intel(&pc.p, &id).await?;
    let cx = ctx(&st.app, &pc, "intel.title", "intel", fq.flash().as_deref()).await?;
    render(&ShowPage { ctx: cx, v })
}

pub async fn classify(
    State(st): State<AppState>,
    PagePath(id): PagePath<IntelId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .classify_intel(
            &pc.p,
            &id,
            ClassifyInput {
                categories: f.many("categories"),
                reliability: f.one("reliability"),
                timeliness: f.one("timeliness"),
                note: f.one("note"),
                names: Some(f.one("names")),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/intel/{id}?ok=intel.classified#handling"
    )))
}

pub async fn handling(
    State(st): State<AppState>,
    PagePath(id): PagePath<IntelId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let imminent = match f.one("imminent").as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    st.app
        .handle_intel(
            &pc.p,
            &id,
            HandlingInput {
                category: f.one("category"),
                action: f.one("action"),
                imminent,
                incident_id: f.opt("incident_id"),
            },
        )
        .await?;
    Ok(see_other(&format!("/intel/{id}?ok=intel.handled#handling")))
}
