//! Compliance pages: an organisation's obligations calendar with status,
//! completions with evidence and overrides; the supervisors' roll-up.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::compliance::{
    CompletionInput, ObligationView, OrgCompliance, OverrideInput, RollupRow,
};
use zian_domain::compliance::{Override, OverrideKind};
use zian_domain::day::ymd;
use zian_domain::evidence::EvidenceFile;
use zian_domain::{ListQuery, OrgId, Permission};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;
use zian_i18n::Lang;

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
    /// The locale key of an override's kind.
    pub fn kind_key(&self, o: &Override) -> &'static str {
        match o.rule.kind {
            OverrideKind::Exempt => "compliance.kind.exempt",
            OverrideKind::Replace { .. } => "compliance.kind.replace",
        }
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
    pub evidence: Vec<EvidenceFile>,
}

pub async fn org_page(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
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
    let evidence = st
        .app
        .list_evidence(&pc.p, &c.org.id, &ListQuery::new())
        .await?
        .items;
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
    PagePath(id): PagePath<OrgId>,
    form: PageForm<CompletionForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
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

pub async fn add_override(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<OverrideForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    // access first: nothing about the form's validity is told to outsiders
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let num = crate::values::number;
    let input = OverrideInput {
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
    };
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
