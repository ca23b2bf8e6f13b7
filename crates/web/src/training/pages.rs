//! The training pages: an organisation's year (plan and roster, sessions,
//! hours, gaps, gender statistics) with its forms; a session with the
//! sign-in import and its preview; the printable sign-in sheet.

use askama::Template;
use axum::extract::State;
use zian_app::training::{
    CommitInput, PlanInput, SessionInput, SessionView, TrainingView, roster_lines,
};
use zian_domain::training::{Audience, Category, Gender, hours_text};
use zian_domain::{OrgId, Permission, TrainingId};
use zian_i18n::msg;

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery, PageUpload};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;
use crate::values::Fields;

#[derive(Template)]
#[template(path = "training.html")]
pub struct YearPage {
    pub ctx: PageCtx,
    pub v: TrainingView,
}

impl YearPage {
    pub fn audience(&self, a: &Audience) -> String {
        self.ctx.t(&format!("training.audience.{}", a.as_str()))
    }
    pub fn category(&self, c: &Category) -> String {
        self.ctx.t(&format!("training.category.{}", c.as_str()))
    }
    pub fn hours(&self, minutes: &u32) -> String {
        hours_text(*minutes)
    }
    pub fn head_counts(&self) -> Vec<(String, usize)> {
        self.v
            .plan
            .as_ref()
            .map(|p| {
                p.head_counts()
                    .into_iter()
                    .map(|(a, n)| (self.audience(&a), n))
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn roster_text(&self) -> String {
        self.v
            .plan
            .as_ref()
            .map(|p| roster_lines(&p.body.roster))
            .unwrap_or_default()
    }
    pub fn basis(&self) -> String {
        self.v
            .plan
            .as_ref()
            .map(|p| p.body.basis.clone())
            .unwrap_or_default()
    }
    pub fn courses(&self) -> String {
        self.v
            .plan
            .as_ref()
            .map(|p| p.body.courses.clone())
            .unwrap_or_default()
    }
    pub fn categories(&self) -> [&'static str; 3] {
        Category::ALL.map(Category::as_str)
    }
    pub fn genders(&self) -> [&'static str; 3] {
        Gender::ALL.map(Gender::as_str)
    }
    pub fn gender_line(&self, c: &[usize; 4]) -> String {
        self.ctx.msg(&msg!(
            "training.gender_line",
            female = c[0],
            male = c[1],
            other = c[2],
            unknown = c[3]
        ))
    }
}

pub async fn year(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let f = Fields(&q);
    let year = crate::values::number("year", f.opt("year").as_deref())?
        .and_then(|y| i32::try_from(y).ok())
        .unwrap_or_else(|| st.app.today().year());
    let v = st.app.training_year(&pc.p, &id, year).await?;
    let fq = FlashQuery::from_pairs(&q);
    let cx = ctx(
        &st.app,
        &pc,
        "training.title",
        "training",
        fq.flash().as_deref(),
    )
    .await?;
    render(&YearPage { ctx: cx, v })
}

pub async fn plan(
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
        .save_training_plan(&pc.p, &id, PlanInput::from_form(|k| f.one(k)))
        .await?;
    Ok(see_other(&format!(
        "/orgs/{id}/training?year={}&ok=training.saved",
        v.year
    )))
}

pub async fn session(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    let v = st
        .app
        .record_training_session(&pc.p, &id, SessionInput::from_form(|k| f.one(k)))
        .await?;
    Ok(see_other(&format!(
        "/training-sessions/{}?ok=training.recorded",
        v.session.id
    )))
}

#[derive(Template)]
#[template(path = "training_session.html")]
pub struct SessionPage {
    pub ctx: PageCtx,
    pub v: SessionView,
    /// After a commit: how many joined and the lines skipped.
    pub committed: Option<String>,
}

impl SessionPage {
    pub fn category(&self) -> String {
        self.ctx.t(&format!(
            "training.category.{}",
            self.v.session.category.as_str()
        ))
    }
    pub fn hours(&self) -> String {
        hours_text(self.v.session.minutes)
    }
    pub fn gender(&self, g: &Option<Gender>) -> String {
        g.map(|g| self.ctx.t(&format!("training.gender.{}", g.as_str())))
            .unwrap_or_default()
    }
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<TrainingId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let v = st.app.training_session(&pc.p, &id).await?;
    let fq = FlashQuery::from_pairs(&q);
    let f = Fields(&q);
    let cx = ctx(
        &st.app,
        &pc,
        "training.title",
        "training",
        fq.flash().as_deref(),
    )
    .await?;
    let committed = f.opt("added").map(|added| {
        let skipped: Vec<String> = f
            .one("skipped")
            .split(',')
            .filter(|l| l.parse::<usize>().is_ok())
            .map(str::to_string)
            .collect();
        cx.msg(&msg!(
            "training.committed_line",
            added = added.parse::<usize>().unwrap_or(0),
            skipped = if skipped.is_empty() {
                "—".to_string()
            } else {
                skipped.join("、")
            }
        ))
    });
    render(&SessionPage {
        ctx: cx,
        v,
        committed,
    })
}

pub async fn preview(
    State(st): State<AppState>,
    PagePath(id): PagePath<TrainingId>,
    up: PageUpload,
) -> PageResult {
    // access first: outsiders learn nothing from a malformed upload
    st.app.training_session(up.principal(), &id).await?;
    let (pc, file, _) = up
        .read_with(zian_app::training::MAX_SHEET_BYTES, &[])
        .await?;
    let file = file
        .ok_or_else(|| zian_app::AppError::invalid("file", msg!("reason.evidence.choose_file")))?;
    st.app
        .preview_sign_in(&pc.p, &id, &file.name, &file.bytes)
        .await?;
    Ok(see_other(&format!("/training-sessions/{id}#preview")))
}

pub async fn commit(
    State(st): State<AppState>,
    PagePath(id): PagePath<TrainingId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let (_, added, skipped) = st
        .app
        .commit_sign_in(
            &pc.p,
            &id,
            CommitInput {
                expect: f.opt("expect"),
            },
        )
        .await?;
    let lines: Vec<String> = skipped.iter().map(|r| r.line.to_string()).collect();
    Ok(see_other(&format!(
        "/training-sessions/{id}?ok=training.committed&added={added}&skipped={}",
        lines.join(",")
    )))
}

#[derive(Template)]
#[template(path = "training_sheet.html")]
pub struct SheetPage {
    pub ctx: PageCtx,
    pub v: SessionView,
}

impl SheetPage {
    pub fn hours(&self) -> String {
        hours_text(self.v.session.minutes)
    }
    /// The sheet's lines: the attendees, then blank lines to sign by hand
    /// (at least twenty in all).
    pub fn lines(&self) -> Vec<(usize, String, String, String)> {
        let mut out: Vec<(usize, String, String, String)> = self
            .v
            .session
            .body
            .attendees
            .iter()
            .enumerate()
            .map(|(i, a)| (i + 1, a.unit.clone(), a.title.clone(), a.name.clone()))
            .collect();
        while out.len() < 20 {
            out.push((out.len() + 1, String::new(), String::new(), String::new()));
        }
        out
    }
}

pub async fn sheet(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<TrainingId>,
) -> PageResult {
    let v = st.app.training_session(&pc.p, &id).await?;
    let cx = ctx(&st.app, &pc, "training.sheet_title", "training", None).await?;
    render(&SheetPage { ctx: cx, v })
}
