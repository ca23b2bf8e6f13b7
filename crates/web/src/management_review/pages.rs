//! The management review pages: an organisation's meetings with the form
//! to schedule one; a meeting's agenda (facts gathered from the records,
//! notes, discussion), decisions and attendees in one form saved or made
//! final, and its action items.

use askama::Template;
use axum::extract::{Query, State};
use zian_app::management_review::{
    HeldInput, ItemInput, MinutesInput, ReviewInput, ReviewList, ReviewView,
};
use zian_domain::management_review::{Fact, Item, Topic};
use zian_domain::{ManagementReviewId, OrgId, Permission};
use zian_i18n::catalogue;

use crate::continuity::pages::ActionsPart;
use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;
use crate::values::Fields;

#[derive(Template)]
#[template(path = "management_reviews.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub v: ReviewList,
}

impl ListPage {
    pub fn status(&self, s: &str) -> String {
        self.ctx.t(&format!("management_review.status.{s}"))
    }
    pub fn last_held(&self) -> String {
        let d = self
            .v
            .last_held
            .map(|d| self.ctx.day(&d))
            .unwrap_or_default();
        catalogue().tf(
            self.ctx.lang,
            "management_review.last_held",
            &[("date", &d)],
        )
    }
}

#[derive(Template)]
#[template(path = "management_review.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub v: ReviewView,
    pub part: ActionsPart,
}

impl ShowPage {
    pub fn topic(&self, t: &Topic) -> String {
        format!(
            "{} {}",
            t.number(),
            self.ctx
                .t(&format!("management_review.topic.{}", t.as_str()))
        )
    }
    pub fn fact(&self, f: &Fact) -> String {
        catalogue().tf(self.ctx.lang, &f.key, &f.pairs())
    }
    pub fn items(&self) -> Vec<Item> {
        let r = &self.v.review;
        Topic::ALL
            .iter()
            .map(|t| {
                r.item(*t).cloned().unwrap_or(Item {
                    topic: *t,
                    facts: Vec::new(),
                    notes: String::new(),
                    discussion: String::new(),
                })
            })
            .collect()
    }
    pub fn status(&self) -> String {
        self.ctx.t(&format!(
            "management_review.status.{}",
            self.v.review.status()
        ))
    }
    pub fn since(&self) -> String {
        let d = self
            .v
            .review
            .body
            .since
            .map(|d| self.ctx.day(&d))
            .unwrap_or_default();
        catalogue().tf(self.ctx.lang, "management_review.since", &[("date", &d)])
    }
    pub fn open(&self) -> bool {
        self.v.can_write && !self.v.review.is_held()
    }
    pub fn missing(&self) -> Vec<String> {
        self.v
            .review
            .missing()
            .into_iter()
            .map(|(_, m)| self.ctx.msg(&m))
            .collect()
    }
    pub fn attendees(&self) -> String {
        self.v.review.body.attendees.join("\n")
    }
    pub fn decisions(&self) -> String {
        self.v.review.body.decisions.join("\n")
    }
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.management_reviews(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "management_review.title",
        "management_review",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ListPage { ctx: cx, v })
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
    let r = st
        .app
        .create_management_review(
            &pc.p,
            &id,
            ReviewInput {
                title: f.one("title"),
                scheduled_on: f.one("scheduled_on"),
                place: f.one("place"),
                chair: f.one("chair"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/management-reviews/{}?ok=management_review.created",
        r.id
    )))
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<ManagementReviewId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.management_review(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "management_review.title",
        "management_review",
        fq.flash().as_deref(),
    )
    .await?;
    let part = ActionsPart {
        actions: v.actions.clone(),
        source: "management_review",
        source_id: v.review.id.to_string(),
        can_write: v.can_write,
        today: st.app.today(),
    };
    render(&ShowPage { ctx: cx, v, part })
}

pub async fn gather(
    State(st): State<AppState>,
    PagePath(id): PagePath<ManagementReviewId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let r = st.app.gather_management_review(&form.pc.p, &id).await?;
    Ok(see_other(&format!(
        "/management-reviews/{}?ok=management_review.gathered",
        r.id
    )))
}

/// The minutes as the page's form sends them.
fn minutes_input(f: &Fields) -> MinutesInput {
    let sent = |k: &str| f.0.iter().any(|(n, _)| n == k).then(|| f.one(k));
    MinutesInput {
        chair: sent("chair"),
        place: sent("place"),
        attendees: sent("attendees"),
        decisions: sent("decisions"),
        items: Topic::ALL
            .iter()
            .filter(|t| sent(t.discussion_field()).is_some())
            .map(|t| ItemInput {
                topic: t.as_str().into(),
                notes: f.one(&format!("notes.{}", t.as_str())),
                discussion: f.one(t.discussion_field()),
            })
            .collect(),
    }
}

pub async fn minutes(
    State(st): State<AppState>,
    PagePath(id): PagePath<ManagementReviewId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let r = st
        .app
        .write_management_review_minutes(&pc.p, &id, minutes_input(&f))
        .await?;
    Ok(see_other(&format!(
        "/management-reviews/{}?ok=management_review.saved",
        r.id
    )))
}

pub async fn held(
    State(st): State<AppState>,
    PagePath(id): PagePath<ManagementReviewId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .write_management_review_minutes(&pc.p, &id, minutes_input(&f))
        .await?;
    let r = st
        .app
        .hold_management_review(
            &pc.p,
            &id,
            HeldInput {
                held_on: f.opt("held_on"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/management-reviews/{}?ok=management_review.held",
        r.id
    )))
}
