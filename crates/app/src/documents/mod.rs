//! Official documents: the application builds each report's
//! [`Document`] from the registers (through the same scoped services the
//! pages use, so a reader gets exactly what they may read), and renders it
//! with the documents engine. The engine knows nothing of the database.
//!
//! Reports are organisation-wide (`zian report NAME --org CODE`); the web
//! offers them at `/orgs/{id}/documents/{name}.{format}` and the API at
//! `/api/v1/orgs/{id}/documents/{name}?format=`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use zian_documents::{Column, Document, FontSet, Format, Table};
use zian_domain::list::{HARD_LIMIT, ListQuery};
use zian_domain::org::Organisation;
use zian_domain::plan::schema::{CHAPTERS, Kind, formal_numeral};
use zian_domain::roc::format_roc;
use zian_domain::{OrgId, Principal};
use zian_i18n::{Lang, catalogue, msg};

use crate::{App, AppError, Result};

/// The organisation-wide reports, in the order the list shows them.
pub const REPORTS: &[(&str, &str)] = &[
    ("maintenance-plan", "資通安全維護計畫"),
    ("asset-register", "資通系統及資訊資產清冊"),
    ("risk-assessment", "風險評估表"),
    ("business-impact", "營運衝擊分析表"),
    ("vulnerability-report", "資通安全弱點處理報告"),
];

/// The fonts, found on first use and kept for the process.
#[derive(Default)]
pub struct Fonts {
    dir: Option<PathBuf>,
    loaded: OnceLock<std::result::Result<Arc<FontSet>, String>>,
}

impl Fonts {
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self {
            dir,
            loaded: OnceLock::new(),
        }
    }

    fn get(&self) -> Result<Arc<FontSet>> {
        self.loaded
            .get_or_init(|| {
                FontSet::discover(self.dir.as_deref())
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(AppError::Internal)
    }
}

/// A rendered document ready to download.
pub struct Rendered {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

fn t(key: &str) -> String {
    catalogue().t(Lang::ZhTw, key).to_owned()
}

fn unknown_report(name: &str) -> AppError {
    AppError::Validation {
        field: "report".into(),
        reason: msg!("reason.documents.unknown_report", name = name),
    }
}

/// The format named in a request or on the command line.
pub fn parse_format(s: &str) -> Result<Format> {
    s.parse::<Format>().map_err(|_| AppError::Validation {
        field: "format".into(),
        reason: msg!("reason.documents.unknown_format", format = s),
    })
}

fn map_err(e: zian_documents::Error) -> AppError {
    match e {
        zian_documents::Error::NotTabular => AppError::Validation {
            field: "format".into(),
            reason: msg!("reason.documents.not_tabular"),
        },
        zian_documents::Error::MissingGlyphs { chars } => AppError::Validation {
            field: "format".into(),
            reason: msg!("reason.documents.missing_glyphs", chars = chars),
        },
        other => AppError::Internal(other.to_string()),
    }
}

fn yes(b: bool) -> String {
    if b { "是".into() } else { "否".into() }
}

fn hours(h: Option<u32>) -> String {
    h.map(|h| h.to_string()).unwrap_or_default()
}

impl App {
    /// Uses the fonts of `dir` (every face in it) instead of the system's
    /// Noto CJK collections.
    pub fn with_font_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.fonts = Arc::new(Fonts::new(dir));
        self
    }

    /// Builds and renders report `name` of organisation `org_id`.
    pub async fn render_report(
        &self,
        p: &Principal,
        org_id: &OrgId,
        name: &str,
        format: Format,
    ) -> Result<Rendered> {
        let doc = self.report(p, org_id, name).await?;
        self.render(&doc, format)
    }

    /// Renders a built document (PDF layout runs on a blocking thread's
    /// worth of CPU; callers in async handlers use `spawn_blocking`).
    pub fn render(&self, doc: &Document, format: Format) -> Result<Rendered> {
        let fonts = if format.needs_fonts() {
            Some(self.fonts.get()?)
        } else {
            None
        };
        let bytes = zian_documents::render(doc, format, fonts.as_deref()).map_err(map_err)?;
        Ok(Rendered {
            file_name: zian_documents::file_name(doc, format),
            content_type: format.content_type(),
            bytes,
        })
    }

    /// The document of report `name` for organisation `org_id`.
    pub async fn report(&self, p: &Principal, org_id: &OrgId, name: &str) -> Result<Document> {
        match name {
            "maintenance-plan" => self.maintenance_plan_document(p, org_id).await,
            "asset-register" => self.asset_register_document(p, org_id).await,
            "risk-assessment" => self.risk_assessment_document(p, org_id).await,
            "business-impact" => self.business_impact_document(p, org_id).await,
            "vulnerability-report" => self.vulnerability_document(p, org_id).await,
            other => Err(unknown_report(other)),
        }
    }

    fn new_document(&self, org: &Organisation, name: &str, title: &str) -> Document {
        let today = self.today();
        let mut doc = Document::new(
            name,
            title,
            &org.name_zh,
            today,
            format!("中華民國{}", &format_roc(today)[6..]),
        );
        if let Some(code) = &org.code {
            doc.number = Some(format!("{code}-{name}-{}", today.year() - 1911));
        }
        doc
    }

    fn approval_chain() -> Vec<String> {
        vec!["承辦人".into(), "單位主管".into(), "資安長".into()]
    }

    async fn maintenance_plan_document(&self, p: &Principal, org_id: &OrgId) -> Result<Document> {
        let overview = self.plan_overview(p, org_id).await?;
        let version = overview
            .approved
            .as_ref()
            .or(overview.open.as_ref())
            .or(overview.versions.first())
            .ok_or_else(|| AppError::Validation {
                field: "report".into(),
                reason: msg!("reason.documents.no_plan"),
            })?;
        let view = self.plan_view(p, &version.id).await?;
        let mut doc = self.new_document(&view.org, "maintenance-plan", "資通安全維護計畫");
        doc.subtitle = Some(format!(
            "第 {} 版（{}）",
            view.row.version,
            t(&format!("plan.status.{}", view.status.as_str()))
        ));
        for (i, chapter) in CHAPTERS.iter().enumerate() {
            doc.heading(
                1,
                format!("{}、{}", formal_numeral(i + 1), chapter.title_zh),
            );
            let mut fields: Vec<(String, String)> = Vec::new();
            let flush = |doc: &mut Document, fields: &mut Vec<(String, String)>| {
                if !fields.is_empty() {
                    doc.fields(std::mem::take(fields));
                }
            };
            for field in chapter.fields {
                let value = view.content.value(chapter.key, field.key);
                match field.kind {
                    Kind::TextArea { .. } => {
                        flush(&mut doc, &mut fields);
                        let text = value.as_str().unwrap_or_default();
                        if !text.trim().is_empty() {
                            doc.heading(3, field.label_zh);
                            doc.paragraph(text);
                        }
                    }
                    Kind::Lines { .. } => {
                        flush(&mut doc, &mut fields);
                        let items: Vec<String> = view
                            .content
                            .lines(chapter.key, field.key)
                            .iter()
                            .map(|s| (*s).to_owned())
                            .collect();
                        if !items.is_empty() {
                            doc.heading(3, field.label_zh);
                            doc.list(items);
                        }
                    }
                    Kind::Table { columns, .. } => {
                        flush(&mut doc, &mut fields);
                        let rows = view.content.rows(chapter.key, field.key);
                        let mut table = Table::new(
                            field.label_zh,
                            columns
                                .iter()
                                .map(|c| match c.kind {
                                    Kind::Int { .. } | Kind::Decimal { .. } => {
                                        Column::number(c.label_zh, 1)
                                    }
                                    Kind::TextArea { .. } => Column::text(c.label_zh, 4),
                                    _ => Column::text(c.label_zh, 2),
                                })
                                .collect(),
                        );
                        for row in rows {
                            table.row(
                                columns
                                    .iter()
                                    .map(|c| scalar(&row[c.key], c.kind))
                                    .collect(),
                            );
                        }
                        if !table.rows.is_empty() {
                            doc.table(table, false);
                        }
                    }
                    kind => fields.push((field.label_zh.to_owned(), scalar(value, kind))),
                }
            }
            flush(&mut doc, &mut fields);
        }
        doc.signatures(Self::approval_chain());
        Ok(doc)
    }

    async fn asset_register_document(&self, p: &Principal, org_id: &OrgId) -> Result<Document> {
        let list = self
            .export_assets(p, org_id, &ListQuery::all(HARD_LIMIT))
            .await?;
        let mut doc = self.new_document(&list.org, "asset-register", "資通系統及資訊資產清冊");
        doc.landscape = true;
        let mut table = Table::new(
            "資產清冊",
            vec![
                Column::text("資通系統", 3),
                Column::text("資產名稱", 4),
                Column::text("類別", 2),
                Column::text("擁有者", 2),
                Column::text("保管人", 2),
                Column::text("存放位置", 3),
                Column::number("數量", 1),
                Column::text("核心", 1),
                Column::text("對外服務", 1),
                Column::text("主機名稱／IP", 3),
                Column::text("狀態", 1),
            ],
        );
        let mut core = 0;
        for a in &list.page.items {
            core += usize::from(a.core);
            let system = a
                .system_id
                .as_ref()
                .and_then(|id| list.systems.get(&id.to_string()))
                .map(|s| s.name.to_string())
                .unwrap_or_default();
            let host = [a.hostname.as_str(), a.ip.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            table.row(vec![
                system,
                a.name.to_string(),
                a.category.zh().to_owned(),
                a.owner.to_string(),
                a.custodian.to_string(),
                a.location.to_string(),
                a.quantity.to_string(),
                yes(a.core),
                yes(a.exposed),
                host,
                t(&format!("assets.st.{}", a.status.as_str())),
            ]);
        }
        doc.fields([
            ("機關名稱".to_owned(), list.org.name_zh.clone()),
            ("資產筆數".to_owned(), list.page.items.len().to_string()),
            ("核心資通系統相關資產".to_owned(), core.to_string()),
        ]);
        doc.table(table, true);
        doc.signatures(Self::approval_chain());
        Ok(doc)
    }

    async fn risk_assessment_document(&self, p: &Principal, org_id: &OrgId) -> Result<Document> {
        let register = self
            .risk_register(
                p,
                org_id,
                &crate::risk::risk_filter(&[])?,
                &ListQuery::all(HARD_LIMIT),
            )
            .await?;
        let mut doc = self.new_document(&register.org, "risk-assessment", "風險評估表");
        doc.landscape = true;
        doc.fields([
            ("可接受風險值".to_owned(), register.threshold.to_string()),
            (
                "風險筆數".to_owned(),
                register.risks.items.len().to_string(),
            ),
            (
                "高於可接受風險值".to_owned(),
                register
                    .risks
                    .items
                    .iter()
                    .filter(|r| r.risk.above_threshold())
                    .count()
                    .to_string(),
            ),
        ]);
        let mut table = Table::new(
            "風險評估表",
            vec![
                Column::text("編號", 2),
                Column::text("資產", 3),
                Column::text("威脅", 3),
                Column::text("弱點", 3),
                Column::number("資產價值", 2),
                Column::number("發生可能性", 2),
                Column::number("脆弱性", 2),
                Column::number("風險值", 2),
                Column::text("處理方式", 2),
                Column::text("處理措施", 4),
                Column::text("負責人", 2),
                Column::text("預定完成", 2),
                Column::number("殘餘風險", 2),
                Column::text("狀態", 2),
            ],
        );
        for v in &register.risks.items {
            let r = &v.risk;
            table.row(vec![
                r.number.clone(),
                r.asset.to_string(),
                r.threat.to_string(),
                r.weakness.to_string(),
                r.asset_value.to_string(),
                r.likelihood.to_string(),
                r.vulnerability.to_string(),
                r.risk_value.to_string(),
                t(&format!("risk.treat.{}", r.treatment.as_str())),
                r.measures.to_string(),
                r.owner.to_string(),
                r.due_on.map(format_roc).unwrap_or_default(),
                r.residual_value.map(|x| x.to_string()).unwrap_or_default(),
                t(&format!("risk.st.{}", r.status.as_str())),
            ]);
        }
        doc.table(table, true);
        doc.signatures(Self::approval_chain());
        Ok(doc)
    }

    async fn business_impact_document(&self, p: &Principal, org_id: &OrgId) -> Result<Document> {
        let org = self.get_org(p, org_id).await?;
        let processes = self
            .list_processes(p, &org.id, &ListQuery::all(HARD_LIMIT))
            .await?;
        let mut doc = self.new_document(&org, "business-impact", "營運衝擊分析表");
        doc.landscape = true;
        let mut table = Table::new(
            "業務流程衝擊分析",
            vec![
                Column::text("業務流程", 3),
                Column::text("負責單位", 2),
                Column::text("分級", 1),
                Column::number("最大可容忍中斷時間（小時）", 2),
                Column::number("RTO（小時）", 1),
                Column::number("RPO（小時）", 1),
                Column::text("最嚴重衝擊（4 小時／1 日／3 日／1 週）", 3),
                Column::text("持續運作計畫", 1),
                Column::text("最近檢視", 2),
            ],
        );
        let level = |n: u8| t(&format!("continuity.impact.{n}"));
        for x in &processes.items {
            let worst: Vec<String> = x
                .body
                .impacts
                .0
                .iter()
                .map(|row| level(row.iter().copied().max().unwrap_or(0)))
                .collect();
            table.row(vec![
                x.name.clone(),
                x.body.owner_unit.clone(),
                t(&format!("continuity.grade.{}", x.grade.as_str())),
                hours(x.mtd_hours),
                hours(x.rto_hours),
                hours(x.rpo_hours),
                worst.join("／"),
                if x.body.plan.is_set() {
                    "已訂定".into()
                } else {
                    "未訂定".into()
                },
                x.reviewed_on.map(format_roc).unwrap_or_default(),
            ]);
        }
        doc.table(table, true);
        for x in processes
            .items
            .iter()
            .filter(|x| x.critical() && x.body.plan.is_set())
        {
            let plan = &x.body.plan;
            doc.heading(2, format!("持續運作計畫：{}", x.name));
            doc.fields([
                ("啟動時機".to_owned(), plan.activation.clone()),
                (
                    "指揮體系（職務｜人員｜代理人）".to_owned(),
                    plan.roles
                        .iter()
                        .map(|r| format!("{}｜{}｜{}", r.role, r.person, r.deputy))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                ("備援地點".to_owned(), plan.site.clone()),
                ("啟動時確認資源".to_owned(), plan.resources.join("\n")),
                (
                    "復原步驟".to_owned(),
                    plan.steps
                        .iter()
                        .enumerate()
                        .map(|(i, s)| format!("{}. {s}", i + 1))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                ("通知對象".to_owned(), plan.notify.join("\n")),
                ("終止條件".to_owned(), plan.termination.clone()),
            ]);
        }
        doc.signatures(Self::approval_chain());
        Ok(doc)
    }
}

impl App {
    async fn vulnerability_document(&self, p: &Principal, org_id: &OrgId) -> Result<Document> {
        let org = self.get_org(p, org_id).await?;
        let summary = self.vuln_summary(p, &org.id).await?;
        let findings = self
            .select_findings(p, &org.id, &ListQuery::all(HARD_LIMIT))
            .await?;
        let today = self.today();
        let mut doc = self.new_document(&org, "vulnerability-report", "資通安全弱點處理報告");
        doc.landscape = true;
        let matched = summary
            .matched_at
            .map(|t| format_roc(zian_domain::day::of_unix(t)))
            .unwrap_or_else(|| "尚未比對".into());
        doc.fields([
            ("未處理弱點（已確認）".to_owned(), summary.open.to_string()),
            ("逾修補期限".to_owned(), summary.overdue.to_string()),
            (
                "列入 KEV 已遭利用清單".to_owned(),
                summary.kev_open.to_string(),
            ),
            (
                "待確認（可能受影響）".to_owned(),
                summary.possible.to_string(),
            ),
            ("已處理".to_owned(), summary.handled.to_string()),
            (
                "最近比對".to_owned(),
                format!("{matched}　{}", summary.feed.clone().unwrap_or_default()),
            ),
        ]);
        let severities = ["critical", "high", "medium", "low", "unknown"];
        doc.chart(
            "未處理弱點嚴重度分布",
            severities
                .iter()
                .map(|s| zian_documents::Bar {
                    label: t(&format!("vulns.sev.{s}")),
                    value: summary.open_by_severity.get(*s).copied().unwrap_or(0),
                })
                .collect(),
        );
        let mut table = Table::new(
            "未處理弱點清單",
            vec![
                Column::text("CVE 編號", 3),
                Column::text("資產", 3),
                Column::text("主機名稱", 2),
                Column::text("嚴重度", 1),
                Column::number("CVSS", 1),
                Column::text("KEV", 1),
                Column::text("核心", 1),
                Column::text("對外服務", 1),
                Column::text("修補期限", 2),
                Column::text("狀態", 2),
                Column::text("逾期", 1),
            ],
        );
        for f in &findings {
            table.row(vec![
                f.cve_id.clone(),
                f.asset_name.clone(),
                f.hostname.clone(),
                t(&format!("vulns.sev.{}", f.severity.as_str())),
                f.score
                    .map(|s| format!("{:.1}", s as f64 / 10.0))
                    .unwrap_or_default(),
                yes(f.kev),
                yes(f.core),
                yes(f.exposed),
                format_roc(f.due_on),
                t(&format!("vulns.st.{}", f.status.as_str())),
                yes(f.overdue(today)),
            ]);
        }
        doc.table(table, true);
        doc.paragraph("修補期限依機關弱點處理政策（嚴重度、KEV、核心資通系統及對外服務）計算；逾期者請於期限內修補或經核准接受風險。");
        doc.signatures(Self::approval_chain());
        Ok(doc)
    }
}

/// A plan field's value as printed.
fn scalar(v: &serde_json::Value, kind: Kind) -> String {
    use serde_json::Value;
    match (v, kind) {
        (Value::Null, _) => String::new(),
        (Value::Bool(b), _) => yes(*b),
        (Value::String(s), Kind::Date) => {
            time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
                .map(format_roc)
                .unwrap_or_else(|_| s.clone())
        }
        (Value::String(s), _) => s.clone(),
        (Value::Number(n), _) => n.to_string(),
        (Value::Array(items), _) => items
            .iter()
            .map(|i| scalar(i, kind))
            .collect::<Vec<_>>()
            .join("、"),
        (other, _) => other.to_string(),
    }
}
