//! Compliance pages: an organisation's obligations calendar with status,
//! completions with evidence and override requests; the queue of requests
//! awaiting a decision from above; the supervisors' roll-up.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::compliance::{
    CompletionInput, ObligationView, OrgCompliance, OverrideDecisionInput, OverrideInput, RollupRow,
};
use zian_domain::compliance::{Override, OverrideAction, OverrideKind};
use zian_domain::day::ymd;
use zian_domain::evidence::EvidenceFile;
use zian_domain::{ListQuery, OrgId, Page, Permission};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;
use zian_i18n::{Lang, catalogue};

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
    /// The quantity in words (「2 人」, 「每人 12 小時」) or empty.
    pub fn quantity(&self, v: &ObligationView) -> String {
        match (&v.obligation.count, &v.obligation.unit) {
            (Some(c), Some(u)) => quantity(self.lang, &c.to_string(), u),
            (Some(c), None) => c.to_string(),
            _ => String::new(),
        }
    }
    /// The locale key explaining a rule's confidence (`verbatim`, …).
    pub fn confidence_hint_key(&self, v: &ObligationView) -> String {
        format!(
            "compliance.confidence_hint.{}",
            v.obligation.confidence.as_str()
        )
    }
    /// A file size as people read it: `512 B`, `34 KB`, `2.5 MB`.
    pub fn size(&self, bytes: &i64) -> String {
        file_size(*bytes)
    }
    /// The first 12 hex digits of a hash.
    pub fn short(&self, h: &str) -> String {
        h.chars().take(12).collect()
    }
    /// The locale key of an override's kind.
    pub fn kind_key(&self, o: &Override) -> &'static str {
        match o.kind {
            OverrideKind::Exempt => "compliance.kind.exempt",
            OverrideKind::Replace { .. } => "compliance.kind.replace",
        }
    }
    /// The locale key of an override's status.
    pub fn ov_status_key(&self, o: &Override) -> String {
        format!("compliance.ov_status.{}", o.status.as_str())
    }
    /// What a replacement changes (`frequency: yearly`, …), empty for an exemption.
    pub fn ov_changes(&self, o: &Override) -> String {
        let OverrideKind::Replace {
            frequency,
            deadline_months,
            count,
            unit,
        } = &o.kind
        else {
            return String::new();
        };
        let t = |k: &str| catalogue().t(self.lang, k).to_string();
        let mut v = Vec::new();
        if let Some(f) = frequency {
            v.push(format!(
                "{}：{}",
                t("compliance.frequency"),
                t(&format!("compliance.freq.{}", f.as_str()))
            ));
        }
        if let Some(d) = deadline_months {
            v.push(format!("{}：{d}", t("compliance.deadline_months")));
        }
        match (count, unit) {
            (Some(c), Some(u)) => v.push(format!(
                "{}：{}",
                t("compliance.quantity"),
                quantity(self.lang, &c.to_string(), u)
            )),
            (Some(c), None) => v.push(format!("{}：{c}", t("compliance.quantity"))),
            (None, Some(u)) => v.push(format!("{}：{u}", t("compliance.unit"))),
            (None, None) => {}
        }
        v.join(self.lang.sentence_sep())
    }
    /// The organisation's name in the page's language.
    pub fn ov_org<'a>(&self, o: &'a Override) -> &'a str {
        if self.lang == Lang::En && !o.org_name_en.is_empty() {
            &o.org_name_en
        } else {
            &o.org_name_zh
        }
    }
    pub fn ov_badge(&self, o: &Override) -> &'static str {
        match o.status.as_str() {
            "approved" => "ok",
            "pending" => "warn",
            _ => "muted",
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

/// A file size in B, KB or MB (1 MB = 1,048,576 bytes, as the upload limit).
pub fn file_size(bytes: i64) -> String {
    const K: i64 = 1024;
    if bytes < K {
        format!("{bytes} B")
    } else if bytes < K * K {
        format!("{} KB", (bytes + K / 2) / K)
    } else {
        #[allow(clippy::cast_precision_loss)]
        let mb = bytes as f64 / (K * K) as f64;
        format!("{mb:.1} MB")
    }
}

/// A count with its unit in words: the rule data's unit codes
/// (`persons`, `hours-per-person`, …) read 「2 人」, 「每人 12 小時」; a unit
/// typed by a person (an override) follows the number as it is.
pub fn quantity(lang: Lang, count: &str, unit: &str) -> String {
    let key = format!("compliance.qty.{unit}");
    if catalogue().has(&key) {
        catalogue().tf(lang, &key, &[("n", count)])
    } else {
        format!("{count} {unit}")
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
    effective_from: Option<String>,
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
        effective_from: f.effective_from.filter(|s| !s.trim().is_empty()),
        effective_to: f.effective_to.filter(|s| !s.trim().is_empty()),
    };
    st.app.request_override(&pc.p, &id, input).await?;
    Ok(see_other(&format!(
        "/orgs/{id}/compliance?ok=compliance.override_requested"
    )))
}

/// One override of the queue with what the caller may do to it.
pub struct QueueRow {
    pub o: Override,
    /// Approve or reject (pending), revoke (approved): from above.
    pub can_decide: bool,
    pub can_revoke: bool,
    /// Withdraw (pending): the organisation's record writers.
    pub can_withdraw: bool,
}

#[derive(Template)]
#[template(path = "overrides.html")]
pub struct QueuePage {
    pub ctx: PageCtx,
    pub page: Page<QueueRow>,
    pub pager: Pager,
    pub show: Show,
    pub q: String,
    /// The status shown (`all` for every status).
    pub status: String,
    pub statuses: [&'static str; 6],
}

/// The override requests of the organisations the caller may read; pending
/// ones unless another status (or `all`) is asked for.
pub async fn queue(
    State(st): State<AppState>,
    pc: PageCaller,
    PageQuery(pairs): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let fq = FlashQuery::from_pairs(&pairs);
    let status = pairs
        .iter()
        .find(|(k, _)| k == "status")
        .map_or_else(|| "pending".to_string(), |(_, v)| v.trim().to_string());
    let mut list_pairs: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "status")
        .cloned()
        .collect();
    if status != "all" {
        list_pairs.push(("status".into(), status.clone()));
    }
    let q = crate::list::query(&list_pairs, super::OVERRIDE_FILTERS)?;
    let page = st.app.list_overrides(&pc.p, &q).await?;
    let pager = Pager::new(&page, "/overrides", &pairs);
    let cx = ctx(
        &st.app,
        &pc,
        "compliance.queue_title",
        "compliance",
        fq.flash().as_deref(),
    )
    .await?;
    let page = page.map(|o| QueueRow {
        can_decide: st
            .app
            .may_decide_override(&pc.p, &o, OverrideAction::Approve),
        can_withdraw: st
            .app
            .may_decide_override(&pc.p, &o, OverrideAction::Withdraw),
        can_revoke: st
            .app
            .may_decide_override(&pc.p, &o, OverrideAction::Revoke),
        o,
    });
    render(&QueuePage {
        ctx: cx,
        page,
        pager,
        show: Show { lang: pc.lang },
        q: q.q.unwrap_or_default(),
        status,
        statuses: [
            "pending",
            "approved",
            "rejected",
            "withdrawn",
            "revoked",
            "all",
        ],
    })
}

/// Every field defaults, so a malformed form is judged after the access check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    reason: Option<String>,
}

/// Approves, rejects, withdraws or revokes an override (`A` indexes
/// [`OverrideAction::ALL`]); back to the queue.
pub async fn decide<const A: usize>(
    State(st): State<AppState>,
    PagePath(id): PagePath<String>,
    form: PageForm<DecisionForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let input = OverrideDecisionInput {
        reason: f.reason.filter(|s| !s.trim().is_empty()),
    };
    let o = st
        .app
        .decide_override(&pc.p, &id, OverrideAction::ALL[A], input)
        .await?;
    Ok(see_other(&format!(
        "/overrides?status=all&ok=compliance.override_{}",
        o.status.as_str()
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
