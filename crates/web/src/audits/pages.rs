//! The audits pages: an organisation's audits with the plan form, and one
//! audit with its team, items, results, report, corrective actions and
//! forms; each form goes back to the audit.

use askama::Template;
use axum::extract::State;
use zian_app::audits::{
    AnswerInput, AnswersInput, AuditInput, AuditView, ItemsInput, ReportInput, audit_filter,
};
use zian_app::corrective::{AnalysisInput, ReviewInput};
use zian_domain::audits::{Answer, Audit, AuditItem, AuditKind, AuditStatus};
use zian_domain::corrective::CorrectiveAction;
use zian_domain::{ActionId, AuditId, OrgId, Organisation, Permission};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;
use crate::values::Fields;

/// The counts of an audit's results as a sentence.
fn tally(ctx: &PageCtx, a: &Audit) -> String {
    let (ok, nc, na, open) = a.tally();
    ctx.msg(&zian_i18n::msg!(
        "audits.tally",
        ok = ok,
        nc = nc,
        na = na,
        open = open
    ))
}

#[derive(Template)]
#[template(path = "audits.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub items: Vec<Audit>,
    pub pager: Pager,
    pub can_write: bool,
    /// The organisation above, for a supervisory audit.
    pub parent: bool,
}

impl ListPage {
    pub fn kind_name(&self, a: &Audit) -> String {
        self.ctx.t(&format!("audits.kind.{}", a.kind.as_str()))
    }
    pub fn status_name(&self, a: &Audit) -> String {
        self.ctx.t(&format!("audits.status.{}", a.status.as_str()))
    }
    pub fn kinds(&self) -> [&'static str; 3] {
        AuditKind::ALL.map(AuditKind::as_str)
    }
    pub fn tally(&self, a: &Audit) -> String {
        tally(&self.ctx, a)
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
    let f = audit_filter(&q)?;
    let fq = FlashQuery::from_pairs(&q);
    let page = st.app.list_audits(&pc.p, &org.id, &f, &list).await?;
    let pager = Pager::new(&page, &format!("/orgs/{}/audits", org.id), &q);
    let can_write = [Permission::RecordWrite, Permission::AuditRecordWrite]
        .into_iter()
        .any(|perm| st.app.can(&pc.p, perm, &org));
    let cx = ctx(
        &st.app,
        &pc,
        "audits.title",
        "audits",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ListPage {
        ctx: cx,
        parent: org.parent_id.is_some(),
        org,
        items: page.items,
        pager,
        can_write,
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
        .plan_audit(&pc.p, &id, AuditInput::from_form(|k| f.one(k)))
        .await?;
    Ok(see_other(&format!(
        "/audits/{}?ok=audits.planned",
        v.audit.id
    )))
}

#[derive(Template)]
#[template(path = "audit_show.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub v: AuditView,
    pub today: time::Date,
}

impl ShowPage {
    pub fn kind_name(&self) -> String {
        self.ctx
            .t(&format!("audits.kind.{}", self.v.audit.kind.as_str()))
    }
    pub fn status_name(&self) -> String {
        self.ctx
            .t(&format!("audits.status.{}", self.v.audit.status.as_str()))
    }
    pub fn planned(&self) -> bool {
        self.v.audit.status == AuditStatus::Planned
    }
    pub fn notified(&self) -> bool {
        self.v.audit.status == AuditStatus::Notified
    }
    pub fn reported(&self) -> bool {
        self.v.audit.status == AuditStatus::Reported
    }
    pub fn items(&self) -> Vec<(usize, &AuditItem)> {
        self.v.audit.body.items.iter().enumerate().collect()
    }
    pub fn answer_name(&self, i: &AuditItem) -> String {
        i.answer
            .map(|a| self.ctx.t(&format!("audits.answer.{}", a.as_str())))
            .unwrap_or_default()
    }
    pub fn answers(&self) -> [&'static str; 3] {
        Answer::ALL.map(Answer::as_str)
    }
    pub fn chosen(&self, i: &AuditItem, a: &str) -> &'static str {
        if i.answer.map(Answer::as_str) == Some(a) {
            " selected"
        } else {
            ""
        }
    }
    pub fn overdue(&self, a: &CorrectiveAction) -> bool {
        a.overdue(self.today)
    }
    pub fn tally(&self) -> String {
        tally(&self.ctx, &self.v.audit)
    }
    pub fn documents(&self) -> Vec<(&'static str, String)> {
        zian_app::documents::reports_of(zian_app::documents::Subject::Audit)
            .map(|s| (s.name, self.ctx.t(&format!("documents.name.{}", s.name))))
            .collect()
    }
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<AuditId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let v = st.app.audit_view(&pc.p, &id).await?;
    let fq = FlashQuery::from_pairs(&q);
    let cx = ctx(
        &st.app,
        &pc,
        "audits.title",
        "audits",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ShowPage {
        ctx: cx,
        v,
        today: st.app.today(),
    })
}

fn back(id: &AuditId, flash: &str) -> axum::response::Response {
    see_other(&format!("/audits/{id}?ok=audits.{flash}"))
}

pub async fn items(
    State(st): State<AppState>,
    PagePath(id): PagePath<AuditId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .set_audit_items(
            &pc.p,
            &id,
            ItemsInput {
                checklist: f.one("checklist"),
                lines: f.one("lines"),
            },
        )
        .await?;
    Ok(back(&id, "saved"))
}

pub async fn notify(
    State(st): State<AppState>,
    PagePath(id): PagePath<AuditId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    st.app.notify_audit(&form.pc.p, &id).await?;
    Ok(back(&id, "notified"))
}

pub async fn answers(
    State(st): State<AppState>,
    PagePath(id): PagePath<AuditId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    // one select and one note per item: `answer.N`, `note.N`; an item left
    // blank is not answered yet
    let mut answers = Vec::new();
    for (k, v) in &f {
        let Some(n) = k
            .strip_prefix("answer.")
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        if v.trim().is_empty() {
            continue;
        }
        let note = f
            .iter()
            .find(|(k, _)| k == &format!("note.{n}"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        answers.push(AnswerInput {
            item: n,
            answer: v.clone(),
            note,
        });
    }
    st.app
        .answer_audit(&pc.p, &id, AnswersInput { answers })
        .await?;
    Ok(back(&id, "saved"))
}

pub async fn report(
    State(st): State<AppState>,
    PagePath(id): PagePath<AuditId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .report_audit(
            &pc.p,
            &id,
            ReportInput {
                conclusion: f.one("conclusion"),
                actions: Vec::new(),
            },
        )
        .await?;
    Ok(back(&id, "reported"))
}

pub async fn close(
    State(st): State<AppState>,
    PagePath(id): PagePath<AuditId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    st.app.close_audit(&form.pc.p, &id).await?;
    Ok(back(&id, "closed"))
}

pub async fn analysis(
    State(st): State<AppState>,
    PagePath(id): PagePath<ActionId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let a = st
        .app
        .analyse_action(
            &pc.p,
            &id,
            AnalysisInput {
                root_cause: f.one("root_cause"),
                similar: f.one("similar"),
                plan: f.one("plan"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "{}?ok=audits.saved#corrective",
        a.source.link(&a.source_id)
    )))
}

pub async fn review(
    State(st): State<AppState>,
    PagePath(id): PagePath<ActionId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let a = st
        .app
        .review_action(
            &pc.p,
            &id,
            ReviewInput {
                effective: f.one("effective") == "true",
                note: f.one("review_note"),
                reviewed_on: f.opt("reviewed_on"),
                due_on: f.opt("due_on"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "{}?ok=audits.saved#corrective",
        a.source.link(&a.source_id)
    )))
}

#[derive(Template)]
#[template(path = "audit_checklists.html")]
pub struct ChecklistsPage {
    pub ctx: PageCtx,
    pub v: zian_app::audits::ChecklistsView,
}

pub async fn checklists(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let v = st.app.audit_checklists(&pc.p, &id).await?;
    let fq = FlashQuery::from_pairs(&q);
    let cx = ctx(
        &st.app,
        &pc,
        "audits.checklists",
        "audits",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ChecklistsPage { ctx: cx, v })
}

pub async fn create_checklist(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    let c = st
        .app
        .create_audit_checklist(
            &pc.p,
            &id,
            zian_app::audits::ChecklistInput {
                name: f.one("name"),
                lines: f.one("lines"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/orgs/{}/audit-checklists?ok=audits.checklist_created",
        c.org_id
    )))
}

pub async fn delete_checklist(
    State(st): State<AppState>,
    PagePath(id): PagePath<zian_domain::ChecklistId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let c = st.app.delete_audit_checklist(&form.pc.p, &id).await?;
    Ok(see_other(&format!(
        "/orgs/{}/audit-checklists?ok=audits.checklist_deleted",
        c.org_id
    )))
}
