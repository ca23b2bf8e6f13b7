//! Maintenance-plan pages: the roll-up, an organisation's versions with its
//! KPI measurements, one version chapter by chapter with its live summaries
//! and review, the chapter edit forms (generated from the chapter schema),
//! the approval workflow and the difference between versions.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Map, Value};
use zian_app::AppError;
use zian_app::error::Problem;
use zian_app::plans::{
    KpiInput, LiveData, PlanOverview, PlanRollupRow, PlanStart, PlanView, fmt_num,
};
use zian_domain::plan::{self, Change, ChangeKind, Chapter, Field, Kind, Severity};
use zian_domain::plan::{KpiMeasurement, PlanStatus, PlanVersion};
use zian_domain::{OrgId, Permission, PlanId};

use crate::error::PageError;
use crate::error::PageResult;
use crate::extract::{NoFields, PageCaller, PageForm, PagePath};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;
use zian_i18n::{Lang, catalogue, msg};

/// A value as shown in a page.
fn show_value(v: &Value, f: &Field, lang: Lang) -> String {
    match (&f.kind, v) {
        (_, Value::Null) => String::new(),
        (Kind::Bool, Value::Bool(b)) => {
            if *b {
                "✓".into()
            } else {
                String::new()
            }
        }
        (Kind::Select { .. }, Value::String(s)) if f.key == "kpi" => {
            plan::schema::kpi_label(s, lang).unwrap_or(s).to_string()
        }
        (Kind::Decimal { .. }, Value::Number(n)) => n.as_f64().map(fmt_num).unwrap_or_default(),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Array(a)) => join_items(
            &a.iter().filter_map(Value::as_str).collect::<Vec<_>>(),
            lang,
        ),
        (_, other) => other.to_string(),
    }
}

/// Items of a list in one line: phrases joined by `、`, but items that are
/// whole sentences (ending in `。`) follow each other without a separator, so
/// the page never shows 「。、」.
pub fn join_items(items: &[&str], lang: Lang) -> String {
    let sentence = |s: &str| {
        s.trim_end()
            .ends_with(['。', '！', '？', '；', '.', '!', '?', ';'])
    };
    if !items.is_empty() && items.iter().all(|s| sentence(s)) {
        items.join(if lang == Lang::En { " " } else { "" })
    } else {
        items.join(lang.list_sep())
    }
}

/// A value as it goes back into a form field.
fn form_value(v: &Value, f: &Field) -> String {
    match (&f.kind, v) {
        (_, Value::Null) => String::new(),
        (_, Value::String(s)) => s.clone(),
        (Kind::Lines { .. }, Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n"),
        (Kind::Decimal { .. }, Value::Number(n)) => n.as_f64().map(fmt_num).unwrap_or_default(),
        (_, other) => other.to_string(),
    }
}

// ---------------------------------------------------------------- view

/// One field of a chapter as shown.
pub enum FieldView {
    Text {
        label: &'static str,
        value: String,
    },
    List {
        label: &'static str,
        items: Vec<String>,
    },
    Table {
        label: &'static str,
        key: &'static str,
        headers: Vec<&'static str>,
        rows: Vec<Vec<String>>,
    },
}

pub struct ChapterView {
    pub key: &'static str,
    pub number: &'static str,
    pub title: &'static str,
    pub fields: Vec<FieldView>,
    pub live: Vec<&'static str>,
    pub findings: Vec<(bool, String)>,
}

impl ChapterView {
    pub fn has(&self, section: &str) -> bool {
        self.live.contains(&section)
    }
}

fn live_name(s: plan::LiveSection) -> &'static str {
    match s {
        plan::LiveSection::LevelRequirements => "requirements",
        plan::LiveSection::Inventory => "inventory",
        plan::LiveSection::Risks => "risks",
        plan::LiveSection::Controls => "controls",
        plan::LiveSection::Objectives => "objectives",
    }
}

fn chapter_views(v: &PlanView, lang: Lang) -> Vec<ChapterView> {
    plan::CHAPTERS
        .iter()
        .map(|ch| ChapterView {
            key: ch.key,
            number: ch.number,
            title: ch.title(lang),
            live: ch.live.iter().map(|s| live_name(*s)).collect(),
            findings: v
                .findings
                .iter()
                .filter(|f| f.chapter == ch.key)
                .map(|f| (f.severity == Severity::Blocking, f.message.render(lang)))
                .collect(),
            fields: ch
                .fields
                .iter()
                .map(|f| {
                    let val = v.content.value(ch.key, f.key);
                    match f.kind {
                        Kind::Lines { .. } => FieldView::List {
                            label: f.label(lang),
                            items: val
                                .as_array()
                                .map(|a| {
                                    a.iter()
                                        .filter_map(Value::as_str)
                                        .map(str::to_string)
                                        .collect()
                                })
                                .unwrap_or_default(),
                        },
                        Kind::Table { columns, .. } => FieldView::Table {
                            label: f.label(lang),
                            key: f.key,
                            headers: columns.iter().map(|c| c.label(lang)).collect(),
                            rows: val
                                .as_array()
                                .map(|rows| {
                                    rows.iter()
                                        .map(|r| {
                                            columns
                                                .iter()
                                                .map(|c| {
                                                    show_value(
                                                        r.get(c.key).unwrap_or(&Value::Null),
                                                        c,
                                                        lang,
                                                    )
                                                })
                                                .collect()
                                        })
                                        .collect()
                                })
                                .unwrap_or_default(),
                        },
                        _ => FieldView::Text {
                            label: f.label(lang),
                            value: show_value(val, f, lang),
                        },
                    }
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "plan_show.html")]
pub struct PlanPage {
    pub ctx: PageCtx,
    pub v: PlanView,
    pub chapters: Vec<ChapterView>,
    pub blocking: usize,
    pub today: String,
}

impl PlanPage {
    pub fn live(&self) -> &LiveData {
        &self.v.live
    }
    pub fn status(&self, s: impl std::fmt::Display) -> String {
        self.ctx.t(&format!("plan.status.{s}"))
    }
    pub fn level_name(&self, l: &Option<String>) -> String {
        match l.as_deref() {
            Some(l) => zian_domain::Impact::from_code(l)
                .map_or("—", |i| i.as_str())
                .to_string(),
            None => self.ctx.t("plan.ungraded"),
        }
    }
    pub fn num(&self, x: &f64) -> String {
        fmt_num(*x)
    }
    pub fn onum(&self, x: &Option<f64>) -> String {
        x.map(fmt_num).unwrap_or_else(|| "—".into())
    }
    pub fn req_label(&self, r: &plan::RequirementCheck) -> String {
        r.label().render(self.ctx.lang)
    }
    pub fn kpi_label(&self, code: &str) -> String {
        plan::schema::kpi_label(code, self.ctx.lang)
            .unwrap_or(code)
            .to_string()
    }
    pub fn met(&self, m: &Option<bool>) -> String {
        match m {
            Some(true) => self.ctx.t("plan.met"),
            Some(false) => self.ctx.t("plan.not_met"),
            None => "—".into(),
        }
    }
    pub fn treatment(&self, t: &str) -> String {
        self.ctx.t(&format!("risk.treat.{t}"))
    }
}

#[derive(Template)]
#[template(path = "plan_overview.html")]
pub struct OverviewPage {
    pub ctx: PageCtx,
    pub o: PlanOverview,
    pub kpis: Vec<KpiMeasurement>,
    pub today: String,
}

impl OverviewPage {
    pub fn status(&self, s: impl std::fmt::Display) -> String {
        self.ctx.t(&format!("plan.status.{s}"))
    }
    pub fn kpi_options(&self) -> Vec<(&'static str, &'static str)> {
        let lang = self.ctx.lang;
        plan::schema::KPIS
            .iter()
            .map(|(c, zh, en)| (*c, if lang == Lang::En { *en } else { *zh }))
            .collect()
    }
    pub fn kpi_label(&self, code: &str) -> String {
        plan::schema::kpi_label(code, self.ctx.lang)
            .unwrap_or(code)
            .to_string()
    }
    pub fn value(&self, k: &KpiMeasurement) -> String {
        fmt_num(k.value_milli as f64 / 1000.0)
    }
    pub fn review(&self) -> String {
        self.ctx.t(&format!("plan.review.{}", self.o.review_status))
    }
    pub fn is_open(&self, v: &PlanVersion) -> bool {
        v.status.is_open()
    }
}

#[derive(Template)]
#[template(path = "plans_rollup.html")]
pub struct RollupPage {
    pub ctx: PageCtx,
    pub rows: Vec<PlanRollupRow>,
}

impl RollupPage {
    pub fn review(&self, s: &str) -> String {
        self.ctx.t(&format!("plan.review.{s}"))
    }
    pub fn status(&self, s: impl std::fmt::Display) -> String {
        self.ctx.t(&format!("plan.status.{s}"))
    }
}

pub async fn rollup(State(st): State<AppState>, pc: PageCaller) -> PageResult {
    let rows = st.app.plan_rollup(&pc.p).await?;
    let cx = ctx(&st.app, &pc, "plan.rollup_title", "plans", None).await?;
    render(&RollupPage { ctx: cx, rows })
}

pub async fn overview(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let o = st.app.plan_overview(&pc.p, &id).await?;
    let kpis = st.app.list_kpis(&pc.p, &id).await?;
    let cx = ctx(&st.app, &pc, "plan.title", "plans", fq.flash().as_deref()).await?;
    render(&OverviewPage {
        ctx: cx,
        o,
        kpis,
        today: zian_domain::day::ymd(st.app.today()),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewVersionForm {
    start: String,
    change_note: String,
}

pub async fn create(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<NewVersionForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let start = match f.start.as_str() {
        "template" => PlanStart::Template,
        "latest" | "" => PlanStart::Latest,
        other => {
            return Err(
                AppError::invalid("start", msg!("reason.unknown_value", value = other)).into(),
            );
        }
    };
    match st
        .app
        .create_plan_version(&pc.p, &id, start, &f.change_note)
        .await
    {
        Ok(row) => Ok(see_other(&format!("/plans/{}?ok=plan.created", row.id))),
        Err(AppError::Conflict(_)) => {
            Ok(see_other(&format!("/orgs/{id}/plan?err=plan.open_exists")))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KpiForm {
    kpi: String,
    period_end: String,
    value: String,
    note: String,
}

pub async fn kpi_create(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<KpiForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    // the number is judged by the application after the access check
    let value = f.value.trim().parse::<f64>().unwrap_or(f64::NAN);
    st.app
        .record_kpi(
            &pc.p,
            &id,
            KpiInput {
                kpi: f.kpi,
                period_end: f.period_end,
                value,
                note: Some(f.note),
            },
        )
        .await?;
    Ok(see_other(&format!("/orgs/{id}/plan?ok=plan.kpi_recorded")))
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<PlanId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.plan_view(&pc.p, &id).await?;
    let cx = ctx(&st.app, &pc, "plan.title", "plans", fq.flash().as_deref()).await?;
    let lang = cx.lang;
    let chapters = chapter_views(&v, lang);
    let blocking = v
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Blocking)
        .count();
    render(&PlanPage {
        ctx: cx,
        chapters,
        blocking,
        v,
        today: zian_domain::day::ymd(st.app.today()),
    })
}

// ---------------------------------------------------------------- edit

/// One input of a chapter form.
pub struct Input {
    pub name: String,
    pub id: String,
    pub label: &'static str,
    /// `text`, `textarea`, `lines`, `number`, `decimal`, `date`, `check` or `select`.
    pub widget: &'static str,
    pub value: String,
    pub max: usize,
    pub min: String,
    pub max_num: String,
    pub options: Vec<(String, String)>,
}

impl Input {
    pub fn selected(&self, code: &str) -> bool {
        self.value == code
    }
    pub fn checked(&self) -> bool {
        self.value == "true"
    }
}

pub struct TableInput {
    pub key: &'static str,
    pub label: &'static str,
    pub headers: Vec<&'static str>,
    /// Each row's inputs, with the row index used in the field names.
    pub rows: Vec<(usize, Vec<Input>)>,
}

pub enum FormPart {
    Single(Input),
    Table(TableInput),
}

/// Blank rows offered under each table.
const BLANK_ROWS: usize = 3;

fn input(name: String, f: &Field, v: &Value, lang: Lang) -> Input {
    let (widget, max, min, max_num, options) = match f.kind {
        Kind::Text { max } => ("text", max, String::new(), String::new(), vec![]),
        Kind::TextArea { max } => ("textarea", max, String::new(), String::new(), vec![]),
        Kind::Lines { .. } => ("lines", 0, String::new(), String::new(), vec![]),
        Kind::Int { min, max } => ("number", 0, min.to_string(), max.to_string(), vec![]),
        Kind::Decimal { .. } => ("decimal", 0, String::new(), String::new(), vec![]),
        Kind::Bool => ("check", 0, String::new(), String::new(), vec![]),
        Kind::Date => ("date", 0, String::new(), String::new(), vec![]),
        Kind::Select { options } => (
            "select",
            0,
            String::new(),
            String::new(),
            options
                .iter()
                .map(|o| {
                    let label = if o.is_empty() {
                        "—".to_string()
                    } else if f.key == "kpi" {
                        plan::schema::kpi_label(o, lang).unwrap_or(o).to_string()
                    } else {
                        (*o).to_string()
                    };
                    ((*o).to_string(), label)
                })
                .collect(),
        ),
        Kind::Table { .. } => ("text", 0, String::new(), String::new(), vec![]),
    };
    Input {
        id: name.replace('.', "-"),
        name,
        label: f.label(lang),
        widget,
        value: form_value(v, f),
        max,
        min,
        max_num,
        options,
    }
}

fn form_parts(ch: &Chapter, values: &Map<String, Value>, lang: Lang) -> Vec<FormPart> {
    ch.fields
        .iter()
        .map(|f| {
            let v = values.get(f.key).unwrap_or(&Value::Null);
            match f.kind {
                Kind::Table { columns, .. } => {
                    let existing: Vec<&Value> =
                        v.as_array().map(|a| a.iter().collect()).unwrap_or_default();
                    let n = existing.len() + BLANK_ROWS;
                    let rows = (0..n)
                        .map(|i| {
                            let row = existing.get(i).copied().unwrap_or(&Value::Null);
                            let cells = columns
                                .iter()
                                .map(|c| {
                                    input(
                                        format!("t.{}.{i}.{}", f.key, c.key),
                                        c,
                                        row.get(c.key).unwrap_or(&Value::Null),
                                        lang,
                                    )
                                })
                                .collect();
                            (i, cells)
                        })
                        .collect();
                    FormPart::Table(TableInput {
                        key: f.key,
                        label: f.label(lang),
                        headers: columns.iter().map(|c| c.label(lang)).collect(),
                        rows,
                    })
                }
                _ => FormPart::Single(input(format!("f.{}", f.key), f, v, lang)),
            }
        })
        .collect()
}

/// A submitted form value as JSON for the schema check: numbers that do not
/// parse stay text, so the check reports them with their place.
fn parse_scalar(f: &Field, raw: Option<&str>) -> Value {
    let raw = raw.unwrap_or("");
    match f.kind {
        Kind::Bool => Value::Bool(!raw.is_empty()),
        Kind::Int { .. } => match raw.trim() {
            "" => Value::Null,
            t => t
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(t.into())),
        },
        Kind::Decimal { .. } => match raw.trim() {
            "" => Value::Null,
            t => t
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(t.into())),
        },
        _ => Value::String(raw.to_string()),
    }
}

/// The chapter object a chapter form describes.
fn chapter_from_form(ch: &Chapter, pairs: &[(String, String)]) -> Map<String, Value> {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let mut out = Map::new();
    for f in ch.fields {
        let v = match f.kind {
            Kind::Table { columns, .. } => {
                // t.<field>.<row>.<column>
                let prefix = format!("t.{}.", f.key);
                let mut rows: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
                for (k, v) in pairs.iter().take(20_000) {
                    if let Some(rest) = k.strip_prefix(&prefix)
                        && let Some((i, col)) = rest.split_once('.')
                        && let Ok(i) = i.parse::<usize>()
                        && i < 10_000
                    {
                        rows.entry(i)
                            .or_default()
                            .insert(col.to_string(), v.clone());
                    }
                }
                let list: Vec<Value> = rows
                    .into_values()
                    .filter(|cells| !cells.contains_key("_delete"))
                    .filter(|cells| {
                        columns
                            .iter()
                            .any(|c| cells.get(c.key).is_some_and(|v| !v.trim().is_empty()))
                    })
                    .map(|cells| {
                        Value::Object(
                            columns
                                .iter()
                                .map(|c| {
                                    (
                                        c.key.to_string(),
                                        parse_scalar(c, cells.get(c.key).map(String::as_str)),
                                    )
                                })
                                .collect(),
                        )
                    })
                    .collect();
                Value::Array(list)
            }
            _ => parse_scalar(f, get(&format!("f.{}", f.key))),
        };
        out.insert(f.key.to_string(), v);
    }
    out
}

/// `business.core[2].mtd_hours` → `核心業務及重要性 第 3 列 最大可容忍中斷時間（小時）`.
pub fn path_label(path: &str, lang: Lang) -> String {
    let mut parts = path.split('.');
    let Some(ch) = parts.next().and_then(plan::chapter) else {
        return path.to_string();
    };
    let mut out = vec![ch.title(lang).to_string()];
    let mut fields: &[Field] = ch.fields;
    for p in parts {
        let (name, index) = match p.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (p, None),
        };
        let Some(f) = fields.iter().find(|f| f.key == name) else {
            out.push(p.to_string());
            continue;
        };
        out.push(f.label(lang).to_string());
        if let Some(i) = index {
            out.push(msg!("plan.row_n", n = i + 1).render(lang));
        }
        if let Kind::Table { columns, .. } = f.kind {
            fields = columns;
        }
    }
    out.join(" › ")
}

#[derive(Template)]
#[template(path = "plan_edit.html")]
pub struct EditPage {
    pub ctx: PageCtx,
    pub row: PlanVersion,
    pub org_name: String,
    pub chapter: &'static Chapter,
    pub chapter_title: &'static str,
    pub parts: Vec<FormPart>,
    pub errors: Vec<String>,
}

/// Editing a version that is no longer a draft (submitted, approved or
/// superseded): says why, and offers to start a new draft from it, or to go
/// to the draft already open. Answered with 409.
#[derive(Template)]
#[template(path = "plan_locked.html")]
pub struct LockedPage {
    pub ctx: PageCtx,
    pub row: PlanVersion,
    pub org_name: String,
    /// The organisation's open version (draft or submitted), if any.
    pub open: Option<PlanVersion>,
    /// The caller may start a new version.
    pub can_start: bool,
}

impl LockedPage {
    pub fn why_key(&self) -> String {
        format!("plan_locked.why_{}", self.row.status.as_str())
    }
    pub fn version_label(&self, n: &i64) -> String {
        msg!("plan_locked.version_n", n = *n).render(self.ctx.lang)
    }
}

async fn locked_page(st: &AppState, pc: &PageCaller, v: PlanView) -> PageResult {
    let o = st.app.plan_overview(&pc.p, &v.org.id).await?;
    let cx = ctx(&st.app, pc, "plan_locked.title", "plans", None).await?;
    // a submitted version goes back through the CISO, not a new draft
    let can_start = matches!(v.status, PlanStatus::Approved | PlanStatus::Superseded)
        && pc.p.scope(Permission::RecordWrite).contains(&v.org.path);
    let page = LockedPage {
        org_name: cx.org_name(&v.org).to_string(),
        ctx: cx,
        open: o.open.filter(|x| x.id != v.row.id),
        row: v.row,
        can_start,
    };
    Ok((StatusCode::CONFLICT, render(&page)?).into_response())
}

pub async fn edit_form(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath((id, chapter)): PagePath<(PlanId, String)>,
) -> PageResult {
    let v = st.app.plan_view(&pc.p, &id).await?;
    let ch = plan::chapter(&chapter).ok_or(AppError::NotFound)?;
    if !v.can_edit {
        if v.status != PlanStatus::Draft {
            return locked_page(&st, &pc, v).await;
        }
        return Err(AppError::Conflict("plan_status").into());
    }
    let cx = ctx(&st.app, &pc, "plan.edit_title", "plans", None).await?;
    let lang = cx.lang;
    let parts = form_parts(ch, v.content.chapter(ch.key), lang);
    render(&EditPage {
        org_name: cx.org_name(&v.org).to_string(),
        chapter_title: ch.title(lang),
        ctx: cx,
        row: v.row,
        chapter: ch,
        parts,
        errors: Vec::new(),
    })
}

pub async fn edit_submit(
    State(st): State<AppState>,
    PagePath((id, chapter)): PagePath<(PlanId, String)>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, pairs) = (form.pc, form.form);
    let ch = plan::chapter(&chapter);
    let submitted = ch.map(|c| chapter_from_form(c, &pairs)).unwrap_or_default();
    match st
        .app
        .update_plan_chapter(&pc.p, &id, &chapter, &Value::Object(submitted.clone()))
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/plans/{id}?ok=plan.saved#ch-{chapter}"
        ))),
        Err(AppError::Problems { problems, .. }) => {
            // the form comes back with what was typed and every problem
            let Some(ch) = ch else {
                return Err(AppError::NotFound.into());
            };
            let v = st.app.plan_view(&pc.p, &id).await?;
            let cx = ctx(&st.app, &pc, "plan.edit_title", "plans", None).await?;
            let lang = cx.lang;
            let errors = problems
                .iter()
                .map(|p: &Problem| {
                    format!("{}：{}", path_label(&p.path, lang), p.message.render(lang))
                })
                .collect();
            let page = EditPage {
                org_name: cx.org_name(&v.org).to_string(),
                chapter_title: ch.title(lang),
                parts: form_parts(ch, &submitted, lang),
                ctx: cx,
                row: v.row,
                chapter: ch,
                errors,
            };
            let html = render(&page)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(AppError::Conflict("plan_status")) => {
            let v = st.app.plan_view(&pc.p, &id).await?;
            if v.status == PlanStatus::Draft {
                return Err(AppError::Conflict("plan_status").into());
            }
            locked_page(&st, &pc, v).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    approved_on: String,
    reason: String,
}

/// Fills the business chapter from the impact analysis, then shows the
/// plan at that chapter.
pub async fn business_from_bia(
    State(st): State<AppState>,
    PagePath(id): PagePath<PlanId>,
    form: PageForm<NoFields>,
) -> PageResult {
    let n = st.app.plan_business_from_bia(&form.pc.p, &id).await?;
    let key = if n == 0 {
        "plan.business_none"
    } else {
        "plan.business_added"
    };
    Ok(see_other(&format!("/plans/{id}?ok={key}#ch-business")))
}

/// Fills the core-system table from the asset register, then shows the
/// plan at the risk chapter.
pub async fn core_systems_from_register(
    State(st): State<AppState>,
    PagePath(id): PagePath<PlanId>,
    form: PageForm<NoFields>,
) -> PageResult {
    let n = st
        .app
        .plan_core_systems_from_register(&form.pc.p, &id)
        .await?;
    let key = if n == 0 {
        "plan.core_systems_none"
    } else {
        "plan.core_systems_added"
    };
    Ok(see_other(&format!("/plans/{id}?ok={key}#ch-risk")))
}

pub async fn submit(
    State(st): State<AppState>,
    PagePath(id): PagePath<PlanId>,
    form: PageForm<NoFields>,
) -> PageResult {
    let pc = form.pc;
    match st.app.submit_plan(&pc.p, &id).await {
        Ok(_) => Ok(see_other(&format!("/plans/{id}?ok=plan.submitted"))),
        // the page lists the blocking findings
        Err(AppError::Problems { .. }) => {
            Ok(see_other(&format!("/plans/{id}?err=plan.incomplete")))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn approve(
    State(st): State<AppState>,
    PagePath(id): PagePath<PlanId>,
    form: PageForm<DecisionForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app
        .approve_plan(&pc.p, &id, Some(&f.approved_on))
        .await?;
    Ok(see_other(&format!("/plans/{id}?ok=plan.approved")))
}

pub async fn return_to_draft(
    State(st): State<AppState>,
    PagePath(id): PagePath<PlanId>,
    form: PageForm<DecisionForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.return_plan(&pc.p, &id, &f.reason).await?;
    Ok(see_other(&format!("/plans/{id}?ok=plan.returned")))
}

// ---------------------------------------------------------------- diff

pub struct ChangeView {
    pub chapter: String,
    pub kind: &'static str,
    pub location: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "plan_diff.html")]
pub struct DiffPage {
    pub ctx: PageCtx,
    pub row: PlanVersion,
    pub other: Option<PlanVersion>,
    pub changes: Vec<ChangeView>,
}

fn change_text(v: &Value, lang: Lang) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => catalogue().t(lang, "plan.yes").into(),
        Value::Bool(false) => catalogue().t(lang, "plan.no").into(),
        Value::Number(n) => n.as_f64().map(fmt_num).unwrap_or_default(),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(|x| change_text(x, lang)).collect();
            join_items(&items.iter().map(String::as_str).collect::<Vec<_>>(), lang)
        }
        Value::Object(o) => o
            .iter()
            .filter(|(_, v)| {
                !matches!(v, Value::Null | Value::Bool(false))
                    && v.as_str() != Some("")
                    && v.as_array().is_none_or(|a| !a.is_empty())
            })
            .map(|(_, v)| change_text(v, lang))
            .collect::<Vec<_>>()
            .join("｜"),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DiffQuery {
    against: String,
}

pub async fn diff(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<PlanId>,
    q: Result<Query<DiffQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q.map_err(PageError::from)?;
    let against = Some(q.against.as_str())
        .filter(|s| !s.is_empty())
        .map(PlanId::from);
    let (row, other, changes) = st.app.plan_diff(&pc.p, &id, against.as_ref()).await?;
    let cx = ctx(&st.app, &pc, "plan.diff_title", "plans", None).await?;
    let lang = cx.lang;
    let changes = changes
        .iter()
        .map(|c: &Change| ChangeView {
            chapter: plan::chapter(c.chapter)
                .map(|ch| format!("{}、{}", ch.number, ch.title(lang)))
                .unwrap_or_default(),
            kind: match c.kind {
                ChangeKind::Added => "added",
                ChangeKind::Removed => "removed",
                ChangeKind::Changed => "changed",
            },
            location: c.location(lang).to_string(),
            before: change_text(&c.before, lang),
            after: change_text(&c.after, lang),
        })
        .collect();
    render(&DiffPage {
        ctx: cx,
        row,
        other,
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_round_trip_through_the_schema() {
        let ch = plan::chapter("business").unwrap();
        let pairs: Vec<(String, String)> = [
            ("t.core.0.name", "戶政"),
            ("t.core.0.systems", "戶役政系統\n門牌系統"),
            ("t.core.0.level_ab_business", "on"),
            ("t.core.0.mtd_hours", "4"),
            ("t.core.1.name", ""),
            ("t.core.2.name", "地政"),
            ("t.core.2._delete", "on"),
            ("t.non_core.0.name", "郵件服務"),
            ("t.non_core.0.mtd_hours", "四"),
            ("f.bia_reference", "BIA-2026"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let m = chapter_from_form(ch, &pairs);
        let core = m["core"].as_array().unwrap();
        assert_eq!(core.len(), 1, "blank and deleted rows are dropped");
        assert_eq!(core[0]["mtd_hours"], 4);
        assert_eq!(core[0]["level_ab_business"], true);
        assert_eq!(core[0]["critical_infrastructure"], false);
        assert_eq!(m["non_core"][0]["mtd_hours"], "四");
        // the schema check names the bad cell
        let errs = plan::PlanContent::empty()
            .with_chapter("business", &Value::Object(m.clone()))
            .unwrap_err();
        assert_eq!(errs[0].path, "business.non_core[0].mtd_hours");
        assert_eq!(
            path_label(&errs[0].path, Lang::ZhTw),
            "核心業務及重要性 › 非核心業務及說明 › 第 1 列 › 最大可容忍中斷時間（小時）"
        );
        // and the form shows what was typed, plus blank rows
        let parts = form_parts(ch, &m, Lang::ZhTw);
        let FormPart::Table(t) = &parts[1] else {
            panic!("table")
        };
        assert_eq!(t.rows.len(), 1 + BLANK_ROWS);
        assert_eq!(t.rows[0].1[2].value, "四");
    }
}
