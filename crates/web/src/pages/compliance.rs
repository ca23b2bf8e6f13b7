//! Compliance pages: an organisation's obligations calendar with status,
//! completions with evidence and overrides; the supervisors' roll-up.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::compliance::{CompletionInput, ObligationView, OrgCompliance, RollupRow, ymd};
use zian_domain::Permission;

use super::dashboard::FlashQuery;
use super::{PageCtx, PagePath, PageResult, ctx, render, see_other};
use crate::api::compliance::{OverrideIn, override_input};
use crate::extract::PageCaller;
use crate::i18n::Lang;
use crate::state::AppState;

/// Display helpers shared by the compliance templates.
pub struct Show {
    pub lang: Lang,
}

impl Show {
    pub fn title(&self, v: &ObligationView) -> String {
        if self.lang == Lang::En {
            v.obligation.title_en.clone()
        } else {
            v.obligation.title_zh.clone()
        }
    }
    pub fn d(&self, d: &Option<time::Date>) -> String {
        d.map_or_else(|| "—".to_string(), ymd)
    }
    /// `count unit` or empty.
    pub fn quantity(&self, v: &ObligationView) -> String {
        match (&v.obligation.count, &v.obligation.unit) {
            (Some(c), Some(u)) => format!("{c} {u}"),
            (Some(c), None) => c.to_string(),
            _ => String::new(),
        }
    }
    /// The first 12 hex digits of a hash.
    pub fn short(&self, h: &str) -> String {
        h.chars().take(12).collect()
    }
    pub fn badge(&self, status: &str) -> &'static str {
        match status {
            "met" => "ok",
            "due_soon" | "overdue" => "warn",
            _ => "muted",
        }
    }
}

#[derive(Template)]
#[template(path = "compliance.html")]
pub struct CompliancePage {
    pub ctx: PageCtx,
    pub c: OrgCompliance,
    pub show: Show,
    pub can_write: bool,
    pub today: String,
    /// Evidence files uploaded to the organisation, newest first.
    pub evidence: Vec<zian_storage::EvidenceRow>,
}

pub async fn org_page(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let c = st.app.org_compliance(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "compliance.title",
        "compliance",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&c.org.path);
    let evidence = st.app.list_evidence(&pc.p, &c.org.id).await?;
    render(&CompliancePage {
        ctx: cx,
        show: Show { lang: pc.lang },
        can_write,
        today: ymd(st.app.today()),
        evidence,
        c,
    })
}

/// Every field defaults, so a malformed form is judged after the access check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CompletionForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    rule_id: String,
    due_date: Option<String>,
    completed_on: Option<String>,
    note: String,
    evidence_link: Option<String>,
    evidence_text: Option<String>,
    evidence_id: Option<String>,
}

pub async fn complete(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    form: Result<Form<CompletionForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    let input = CompletionInput {
        rule_id: f.rule_id,
        due_date: f.due_date,
        completed_on: f.completed_on,
        note: f.note,
        evidence_link: f.evidence_link,
        evidence_text: f.evidence_text,
        evidence_sha256: None,
        evidence_id: f.evidence_id,
    };
    st.app.record_completion(&pc.p, &id, input).await?;
    Ok(see_other(&format!(
        "/orgs/{id}/compliance?ok=compliance.completed"
    )))
}

/// Every field defaults, so a malformed form is judged after the access check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OverrideForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    rule_id: String,
    kind: String,
    frequency: Option<String>,
    deadline_months: Option<String>,
    count: Option<String>,
    unit: Option<String>,
    reason: String,
    approver: String,
    approved_on: String,
    effective_to: Option<String>,
}

fn num(field: &str, s: Option<&str>) -> Result<Option<u32>, zian_app::AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| zian_app::AppError::invalid(field, "a whole number")),
    }
}

pub async fn add_override(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    form: Result<Form<OverrideForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    // access first: nothing about the form's validity is told to outsiders
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let input = override_input(OverrideIn {
        rule_id: f.rule_id,
        kind: f.kind,
        frequency: f.frequency.filter(|s| !s.is_empty()),
        deadline_months: num("deadline_months", f.deadline_months.as_deref())?,
        count: num("count", f.count.as_deref())?,
        unit: f.unit.filter(|s| !s.trim().is_empty()),
        reason: f.reason,
        approver: f.approver,
        approved_on: f.approved_on,
        effective_from: None,
        effective_to: f.effective_to.filter(|s| !s.trim().is_empty()),
    });
    st.app.record_override(&pc.p, &id, input).await?;
    Ok(see_other(&format!(
        "/orgs/{id}/compliance?ok=compliance.override_recorded"
    )))
}

#[derive(Template)]
#[template(path = "compliance_rollup.html")]
pub struct RollupPage {
    pub ctx: PageCtx,
    pub rows: Vec<RollupRow>,
    pub show: Show,
    pub only_behind: bool,
}

#[derive(Deserialize)]
pub struct RollupQuery {
    behind: Option<String>,
}

pub async fn rollup(
    State(st): State<AppState>,
    pc: PageCaller,
    Query(q): Query<RollupQuery>,
) -> PageResult {
    let cx = ctx(&st.app, &pc, "compliance.rollup_title", "compliance", None).await?;
    let only_behind = q.behind.is_some();
    let mut rows = st.app.compliance_rollup(&pc.p).await?;
    if only_behind {
        rows.retain(|r| !r.behind.is_empty());
    }
    render(&RollupPage {
        ctx: cx,
        rows,
        show: Show { lang: pc.lang },
        only_behind,
    })
}

/// Uploads an evidence file (multipart: `_csrf`, `file`). The caller's
/// right to write the organisation's records is checked before the body is
/// read, so outsiders learn nothing from malformed uploads.
pub async fn upload(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let bad = |why: &str| zian_app::AppError::invalid("file", why);
    let mut mp = mp.map_err(|_| bad("a multipart form with a file"))?;
    let (mut csrf, mut file) = (String::new(), None);
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| bad("the upload could not be read (too large or cut off)"))?
    {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.map_err(|_| bad("csrf"))?,
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                let ct = field.content_type().unwrap_or("").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| bad("the upload could not be read (too large or cut off)"))?;
                file = Some((name, ct, bytes));
            }
            _ => {}
        }
    }
    pc.check_csrf(&csrf)?;
    let (name, ct, bytes) = file.ok_or_else(|| bad("choose a file"))?;
    st.app
        .upload_evidence(&pc.p, &org.id, &name, &ct, &bytes)
        .await?;
    Ok(see_other(&format!(
        "/orgs/{}/compliance?ok=compliance.uploaded#upl-h",
        org.id
    )))
}

/// Downloads an evidence file as an attachment.
pub async fn download(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
) -> PageResult {
    let (row, bytes) = st.app.evidence_file(&pc.p, &id).await?;
    Ok(crate::api::evidence::attachment(&row, bytes))
}
