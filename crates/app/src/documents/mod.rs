//! Official documents: the application builds each report's
//! [`Document`] from the registers (through the same scoped services the
//! pages use, so a reader gets exactly what they may read), and renders it
//! with the documents engine. The engine knows nothing of the database.
//!
//! A report is about an organisation as a whole (`zian report NAME --org
//! CODE`; the page `/orgs/{id}/documents/{name}?format=` and the API
//! `/api/v1/orgs/{id}/documents/{name}?format=`) or about one record, an
//! incident, a business process or a drill (`--record ID`; under the
//! record's own path, e.g. `/incidents/{id}/documents/{name}`).
//!
//! One file per feature builds its documents (`plans.rs`: the maintenance
//! plan and the roster; `assets.rs`, `risk.rs`, `compliance.rs`,
//! `vulns.rs`, `continuity.rs`, `incidents.rs`); this file keeps the
//! registry, the fonts, and what every document gets (number, date,
//! signature boxes).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use zian_documents::{Document, FontSet, Format};
use zian_domain::org::Organisation;
use zian_domain::roc::format_roc;
use zian_domain::{OrgId, Principal};
use zian_i18n::{Lang, catalogue, msg};

use crate::{App, AppError, Result};

mod assets;
mod audits;
mod background;
mod compliance;
mod continuity;
mod implementation_report;
mod incidents;
mod management_review;
mod maturity;
mod people_forms;
mod plans;
mod risk;
mod settings;
mod training;
mod vendors;
mod vulns;

pub use background::{DocumentJob, KIND_RENDER, RenderJob};
pub use settings::SettingsView;

use incidents::IncidentForm;

/// What a report is about: an organisation as a whole, or one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Org,
    Incident,
    Process,
    Drill,
    Audit,
    ImplementationReport,
    PeopleForm,
    ManagementReview,
    MaturityReport,
    Vendor,
}

impl Subject {
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Org => "org",
            Subject::Incident => "incident",
            Subject::Process => "process",
            Subject::Drill => "drill",
            Subject::Audit => "audit",
            Subject::ImplementationReport => "implementation_report",
            Subject::PeopleForm => "people_form",
            Subject::ManagementReview => "management_review",
            Subject::MaturityReport => "maturity_report",
            Subject::Vendor => "vendor",
        }
    }
}

/// One report the platform prints.
#[derive(Debug, Clone, Copy)]
pub struct ReportSpec {
    /// The name in URLs and on the command line.
    pub name: &'static str,
    /// The official title.
    pub title: &'static str,
    pub subject: Subject,
    /// A register (one table a CSV export writes); forms and plans are not.
    pub tabular: bool,
    /// The signature boxes of the approval chain, left to right, unless the
    /// organisation set its own.
    pub signatures: &'static [&'static str],
}

/// 承辦人 → 單位主管 → 資安長, the seeds' usual chain.
const CHAIN: &[&str] = &["承辦人", "單位主管", "資安長"];
/// Seed 002's drill report is signed off by the committee.
const DRILL_CHAIN: &[&str] = &["承辦人", "單位主管", "資訊安全管理委員會"];
/// Seed 001's checklist is signed by the unit head and the CISO.
const AUDIT_CHAIN: &[&str] = &["查核人員", "單位主管", "資安長"];
/// Seed 001's tracking report: the 推動小組 and the CISO.
const TRACKING_CHAIN: &[&str] = &["承辦人", "資通安全推動小組", "資安長"];
/// Seed 001's request: the applicant, the unit head, the team's officer and
/// the CISO.
const REQUEST_CHAIN: &[&str] = &[
    "申請人",
    "單位主管",
    "資通安全推動小組承辦人員",
    "資通安全長",
];
/// Seed 001's agreement: the signer and the head.
const AGREEMENT_CHAIN: &[&str] = &["立同意書人", "機關首長"];
/// The vendor's forms are signed by the vendor; the agency's officer
/// receives them.
const VENDOR_CHAIN: &[&str] = &["承辦人", "單位主管"];
/// Seed 000's tracker: the compliance officer and the IT head.
const MATURITY_CHAIN: &[&str] = &["資安合規專員", "IT部門主管"];
/// Seed 001's entry log: the officer and the unit head.
const LOG_CHAIN: &[&str] = &["承辦人員", "單位主管"];

const fn spec(
    name: &'static str,
    title: &'static str,
    subject: Subject,
    tabular: bool,
    signatures: &'static [&'static str],
) -> ReportSpec {
    ReportSpec {
        name,
        title,
        subject,
        tabular,
        signatures,
    }
}

/// Every report, in the order the lists show them.
pub const REPORTS: &[ReportSpec] = &[
    spec(
        "maintenance-plan",
        "資通安全維護計畫",
        Subject::Org,
        false,
        CHAIN,
    ),
    spec(
        "security-roster",
        "資通安全推動小組成員及分工表",
        Subject::Org,
        true,
        &[],
    ),
    spec(
        "asset-register",
        "資通系統及資訊資產清冊",
        Subject::Org,
        true,
        CHAIN,
    ),
    spec(
        "host-cpe-list",
        "主機軟體 CPE 清冊",
        Subject::Org,
        true,
        CHAIN,
    ),
    spec("risk-assessment", "風險評估表", Subject::Org, true, CHAIN),
    spec(
        "compliance-report",
        "資通安全責任等級應辦事項辦理情形",
        Subject::Org,
        true,
        CHAIN,
    ),
    spec(
        "control-baseline",
        "資通系統防護基準辦理情形",
        Subject::Org,
        true,
        CHAIN,
    ),
    spec(
        "vulnerability-report",
        "資通安全弱點處理報告",
        Subject::Org,
        true,
        CHAIN,
    ),
    spec(
        "vulnerability-review",
        "弱點管理績效月報",
        Subject::Org,
        true,
        CHAIN,
    ),
    spec(
        "business-impact",
        "營運衝擊分析表",
        Subject::Org,
        true,
        CHAIN,
    ),
    spec(
        "training-plan",
        "年度資通安全教育訓練計畫",
        Subject::Org,
        true,
        CHAIN,
    ),
    spec(
        "area-log",
        "管制區域人員進出登記表",
        Subject::Org,
        true,
        LOG_CHAIN,
    ),
    spec(
        "continuity-plan",
        "業務持續運作計畫",
        Subject::Process,
        false,
        CHAIN,
    ),
    spec(
        "drill-report",
        "業務持續計畫演練暨處理報告單",
        Subject::Drill,
        false,
        DRILL_CHAIN,
    ),
    spec(
        "audit-report",
        "稽核結果及改善報告",
        Subject::Audit,
        true,
        CHAIN,
    ),
    spec(
        "audit-checklist",
        "稽核項目紀錄表",
        Subject::Audit,
        true,
        AUDIT_CHAIN,
    ),
    spec(
        "improvement-tracking",
        "改善績效追蹤報告",
        Subject::Audit,
        false,
        TRACKING_CHAIN,
    ),
    spec(
        "vendor-nda",
        "委外廠商執行人員保密切結書及保密同意書",
        Subject::Vendor,
        false,
        VENDOR_CHAIN,
    ),
    spec(
        "management-review-minutes",
        "資通安全管理審查會議紀錄",
        Subject::ManagementReview,
        false,
        CHAIN,
    ),
    spec(
        "maturity-report",
        "L1-L5營運框架月度進度報告",
        Subject::MaturityReport,
        false,
        MATURITY_CHAIN,
    ),
    spec(
        "implementation-report",
        "資通安全維護計畫實施情形",
        Subject::ImplementationReport,
        true,
        CHAIN,
    ),
    spec(
        "resource-request",
        "資通安全需求申請單",
        Subject::PeopleForm,
        false,
        REQUEST_CHAIN,
    ),
    spec(
        "confidentiality-agreement",
        "資通安全保密同意書",
        Subject::PeopleForm,
        false,
        AGREEMENT_CHAIN,
    ),
    spec(
        "incident-notification",
        "資通安全事件通報單",
        Subject::Incident,
        false,
        CHAIN,
    ),
    spec(
        "incident-report",
        "資通安全事件調查、處理及改善報告",
        Subject::Incident,
        false,
        CHAIN,
    ),
];

/// The report named `name`.
pub fn find(name: &str) -> Option<&'static ReportSpec> {
    REPORTS.iter().find(|r| r.name == name)
}

/// The reports about one kind of subject.
pub fn reports_of(subject: Subject) -> impl Iterator<Item = &'static ReportSpec> {
    REPORTS.iter().filter(move |r| r.subject == subject)
}

impl ReportSpec {
    /// The formats it can be produced in (CSV only for registers).
    pub fn formats(&self) -> Vec<Format> {
        Format::ALL
            .into_iter()
            .filter(|f| *f != Format::Csv || self.tabular)
            .collect()
    }
}

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

pub(crate) fn t(key: &str) -> String {
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

pub(crate) fn yes(b: bool) -> String {
    if b { "是".into() } else { "否".into() }
}

pub(crate) fn hours(h: Option<u32>) -> String {
    h.map(|h| h.to_string()).unwrap_or_default()
}

impl App {
    /// Uses the fonts of `dir` (every face in it) instead of the system's
    /// Noto CJK collections.
    pub fn with_font_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.fonts = Arc::new(Fonts::new(dir));
        self
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

    /// The document of organisation-wide report `name` for `org_id`.
    pub async fn report(&self, p: &Principal, org_id: &OrgId, name: &str) -> Result<Document> {
        let spec = find(name)
            .filter(|s| s.subject == Subject::Org)
            .ok_or_else(|| unknown_report(name))?;
        let (org, mut doc) = match spec.name {
            "maintenance-plan" => self.maintenance_plan_document(p, org_id).await?,
            "security-roster" => self.security_roster_document(p, org_id).await?,
            "asset-register" => self.asset_register_document(p, org_id).await?,
            "host-cpe-list" => self.host_cpe_document(p, org_id).await?,
            "risk-assessment" => self.risk_assessment_document(p, org_id).await?,
            "compliance-report" => self.compliance_document(p, org_id).await?,
            "control-baseline" => self.control_baseline_document(p, org_id).await?,
            "vulnerability-report" => self.vulnerability_document(p, org_id).await?,
            "vulnerability-review" => self.vulnerability_review_document(p, org_id).await?,
            "business-impact" => self.business_impact_document(p, org_id).await?,
            "area-log" => self.area_log_document(p, org_id).await?,
            "training-plan" => self.training_plan_document(p, org_id).await?,
            other => return Err(unknown_report(other)),
        };
        self.finish_document(p, &org, spec, &mut doc).await?;
        Ok(doc)
    }

    /// The document of record report `name` about the `subject` record
    /// `id`, with the organisation the record belongs to.
    pub async fn record_report(
        &self,
        p: &Principal,
        subject: Subject,
        id: &str,
        name: &str,
    ) -> Result<(Organisation, Document)> {
        let spec = find(name)
            .filter(|s| s.subject == subject)
            .ok_or_else(|| unknown_report(name))?;
        let (org, mut doc) = match spec.name {
            "continuity-plan" => self.continuity_plan_document(p, &id.into()).await?,
            "drill-report" => self.drill_report_document(p, &id.into()).await?,
            "audit-report" => self.audit_report_document(p, &id.into()).await?,
            "audit-checklist" => self.audit_checklist_document(p, &id.into()).await?,
            "improvement-tracking" => self.improvement_tracking_document(p, &id.into()).await?,
            "implementation-report" => self.implementation_report_document(p, &id.into()).await?,
            "vendor-nda" => self.vendor_nda_document(p, &id.into()).await?,
            "management-review-minutes" => self.management_review_document(p, &id.into()).await?,
            "maturity-report" => self.maturity_report_document(p, &id.into()).await?,
            "resource-request" | "confidentiality-agreement" => {
                self.people_form_document(p, &id.into(), spec.name).await?
            }
            "incident-notification" => {
                self.incident_document(p, &id.into(), IncidentForm::Notification)
                    .await?
            }
            "incident-report" => {
                self.incident_document(p, &id.into(), IncidentForm::Report)
                    .await?
            }
            other => return Err(unknown_report(other)),
        };
        self.finish_document(p, &org, spec, &mut doc).await?;
        Ok((org, doc))
    }

    /// What every document gets last from the organisation's settings: its
    /// title, marking, preface, added fields, signature boxes and logo.
    async fn finish_document(
        &self,
        p: &Principal,
        org: &Organisation,
        spec: &ReportSpec,
        doc: &mut Document,
    ) -> Result<()> {
        let e = self.effective_settings(p, org, spec).await?;
        settings::apply(doc, &e);
        doc.logo = self.kept_logo(org).await?;
        Ok(())
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
}
