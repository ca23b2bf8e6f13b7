//! An organisation's document settings: read by every document as it is
//! finished, set by an administrator or the CISO, and proved before they
//! are kept — each text is checked against the fonts (naming the field), and
//! a proof carrying every setting is laid out as PDF, so a setting that
//! cannot print is refused at save time.

use sha2::{Digest, Sha256};
use zian_documents::{Block, Document, Format, Logo, LogoError};
use zian_domain::documents::{DocumentLogo, DocumentSettings, Effective, SettingsInput, effective};
use zian_domain::org::Organisation;
use zian_domain::{OrgId, Permission, Principal};
use zian_i18n::msg;

use super::{REPORTS, ReportSpec, find, map_err};
use crate::{App, AppError, Result};

/// An organisation's settings with what each report prints.
#[derive(Debug, Clone)]
pub struct SettingsView {
    pub org: Organisation,
    /// For every document of the organisation.
    pub general: Option<DocumentSettings>,
    /// Each report: its own settings and what it prints.
    pub reports: Vec<(&'static ReportSpec, Option<DocumentSettings>, Effective)>,
    /// The logo in every document's header.
    pub logo: Option<DocumentLogo>,
    pub can_write: bool,
}

/// Who may change an organisation's documents: its administrator (OrgWrite)
/// or its CISO (who approves the plan).
fn write_permission(app: &App, p: &Principal, org: &Organisation) -> Option<Permission> {
    [Permission::OrgWrite, Permission::PlanApprove]
        .into_iter()
        .find(|perm| app.can(p, *perm, org))
}

fn bad_report(name: &str) -> AppError {
    AppError::Validation {
        field: "report".into(),
        reason: msg!("reason.documents.unknown_report", name = name),
    }
}

/// Applies what a report prints to its document.
pub(super) fn apply(doc: &mut Document, e: &Effective) {
    if let Some(title) = &e.title {
        doc.title.clone_from(title);
    }
    if let Some(c) = &e.classification {
        doc.classification = Some(c.clone());
    }
    if let Some(preface) = &e.preface {
        doc.blocks.insert(
            0,
            Block::Paragraph {
                text: preface.clone(),
            },
        );
        if let Some(i) = doc.csv_table.as_mut() {
            *i += 1;
        }
    }
    if !e.extra_fields.is_empty() {
        doc.fields(e.extra_fields.iter().map(|l| (l.clone(), String::new())));
    }
    doc.signatures(e.signatures.clone());
}

impl App {
    /// What report `spec` of `org` prints with the organisation's settings.
    pub(super) async fn effective_settings(
        &self,
        p: &Principal,
        org: &Organisation,
        spec: &ReportSpec,
    ) -> Result<Effective> {
        let all = self
            .stores
            .documents
            .document_settings(&p.scope(Permission::RecordRead), &org.id)
            .await?;
        let general = all.iter().find(|x| x.report.is_empty());
        let own = all.iter().find(|x| x.report == spec.name);
        Ok(effective(own, general, spec.signatures))
    }

    /// The organisation's document settings.
    pub async fn document_settings(&self, p: &Principal, org_id: &OrgId) -> Result<SettingsView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let all = self
            .stores
            .documents
            .document_settings(&p.scope(Permission::RecordRead), &org.id)
            .await?;
        let general = all.iter().find(|x| x.report.is_empty()).cloned();
        let reports = REPORTS
            .iter()
            .map(|spec| {
                let own = all.iter().find(|x| x.report == spec.name).cloned();
                let e = effective(own.as_ref(), general.as_ref(), spec.signatures);
                (spec, own, e)
            })
            .collect();
        let logo = self
            .stores
            .documents
            .document_logo(&p.scope(Permission::RecordRead), &org.id)
            .await?
            .map(|(l, _)| l);
        Ok(SettingsView {
            logo,
            can_write: write_permission(self, p, &org).is_some(),
            org,
            general,
            reports,
        })
    }

    /// Keeps the settings of `report` (empty: every document) once a proof
    /// printed with them lays out.
    pub async fn save_document_settings(
        &self,
        p: &Principal,
        org_id: &OrgId,
        report: &str,
        input: &SettingsInput,
    ) -> Result<DocumentSettings> {
        let org = self.org_with(p, org_id, Permission::OrgRead).await?;
        let perm = write_permission(self, p, &org).ok_or(AppError::Forbidden)?;
        let spec = if report.is_empty() {
            None
        } else {
            Some(find(report).ok_or_else(|| bad_report(report))?)
        };
        let x =
            DocumentSettings::check(&org.id, report, input, Some(p.user.id.clone()), self.now())?;
        let logo = self.kept_logo(&org).await?;
        self.prove(&org, spec, Some(&x), logo).await?;
        let mut e = p.event("documents.settings_saved", Some(&org.id), None);
        e.details = serde_json::json!({
            "report": report,
            "classification": x.classification.as_str(),
            "signatures": x.signatures,
            "extra_fields": x.extra_fields,
            "title": x.title.as_str(),
        });
        self.stores
            .documents
            .save_document_settings(&p.scope(perm), &x, e)
            .await?;
        Ok(x)
    }

    /// Forgets the settings of `report` (empty: the general ones).
    pub async fn remove_document_settings(
        &self,
        p: &Principal,
        org_id: &OrgId,
        report: &str,
    ) -> Result<()> {
        let org = self.org_with(p, org_id, Permission::OrgRead).await?;
        let perm = write_permission(self, p, &org).ok_or(AppError::Forbidden)?;
        if !report.is_empty() && find(report).is_none() {
            return Err(bad_report(report));
        }
        let mut e = p.event("documents.settings_removed", Some(&org.id), None);
        e.details = serde_json::json!({ "report": report });
        self.stores
            .documents
            .remove_document_settings(&p.scope(perm), &org.id, report, e, self.now())
            .await?;
        Ok(())
    }

    /// The organisation's logo for its documents' headers, if it has one;
    /// `org` was read in the caller's scope (a document of it is printed).
    pub(super) async fn kept_logo(&self, org: &Organisation) -> Result<Option<Logo>> {
        let kept = self
            .stores
            .documents
            .document_logo(&zian_domain::OrgScope::system_wide(), &org.id)
            .await?;
        match kept {
            Some((_, png)) => Ok(Some(Logo::from_png(png).map_err(map_err)?)),
            None => Ok(None),
        }
    }

    /// The organisation's logo with its PNG (the settings page shows it).
    pub async fn document_logo(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(DocumentLogo, Vec<u8>)> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        self.stores
            .documents
            .document_logo(&p.scope(Permission::RecordRead), &org.id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Keeps an uploaded PNG or JPEG as the organisation's logo once a
    /// proof printed with it lays out (normalised to a PNG at most 120
    /// pixels high; see [`Logo::from_upload`]).
    pub async fn save_document_logo(
        &self,
        p: &Principal,
        org_id: &OrgId,
        bytes: &[u8],
    ) -> Result<DocumentLogo> {
        let org = self.org_with(p, org_id, Permission::OrgRead).await?;
        let perm = write_permission(self, p, &org).ok_or(AppError::Forbidden)?;
        let logo = Logo::from_upload(bytes).map_err(|e| AppError::Validation {
            field: "logo".into(),
            reason: logo_reason(&e),
        })?;
        let general = self
            .stores
            .documents
            .document_settings(&p.scope(Permission::RecordRead), &org.id)
            .await?
            .into_iter()
            .find(|x| x.report.is_empty());
        self.prove(&org, None, general.as_ref(), Some(logo.clone()))
            .await?;
        let kept = DocumentLogo {
            org_id: org.id.clone(),
            width: i64::from(logo.width),
            height: i64::from(logo.height),
            sha256: zian_domain::audit::hex(&Sha256::digest(&logo.png)),
            size: i64::try_from(logo.png.len()).unwrap_or(i64::MAX),
            updated_by: Some(p.user.id.clone()),
            updated_at: self.now(),
        };
        let mut e = p.event("documents.logo_saved", Some(&org.id), None);
        e.details = serde_json::json!({
            "sha256": kept.sha256,
            "size": kept.size,
            "width": kept.width,
            "height": kept.height,
            "uploaded_bytes": bytes.len(),
        });
        self.stores
            .documents
            .save_document_logo(&p.scope(perm), &kept, logo.png, e)
            .await?;
        Ok(kept)
    }

    /// [`App::save_document_logo`] for a file sent as base64 (the JSON API).
    pub async fn save_document_logo_base64(
        &self,
        p: &Principal,
        org_id: &OrgId,
        content_base64: &str,
    ) -> Result<DocumentLogo> {
        // access first: nothing about the file is told to outsiders
        self.org_with(p, org_id, Permission::OrgRead).await?;
        let bytes = crate::evidence::decode_base64(
            content_base64,
            zian_documents::MAX_LOGO_BYTES,
            "256 KB",
        )?;
        self.save_document_logo(p, org_id, &bytes).await
    }

    /// Forgets the organisation's logo.
    pub async fn remove_document_logo(&self, p: &Principal, org_id: &OrgId) -> Result<()> {
        let org = self.org_with(p, org_id, Permission::OrgRead).await?;
        let perm = write_permission(self, p, &org).ok_or(AppError::Forbidden)?;
        let e = p.event("documents.logo_removed", Some(&org.id), None);
        self.stores
            .documents
            .remove_document_logo(&p.scope(perm), &org.id, e, self.now())
            .await?;
        Ok(())
    }

    /// Checks every text of `x` against the fonts (naming the field that
    /// has a character they cannot draw), then lays out a proof of the form
    /// with the settings as PDF.
    async fn prove(
        &self,
        org: &Organisation,
        spec: Option<&ReportSpec>,
        x: Option<&DocumentSettings>,
        logo: Option<Logo>,
    ) -> Result<()> {
        let fonts = self.fonts.get()?;
        for (field, text) in x.iter().flat_map(|x| x.texts()) {
            let missing = fonts.missing([text]);
            if !missing.is_empty() {
                return Err(AppError::Validation {
                    field: field.into(),
                    reason: msg!(
                        "reason.documents.missing_glyphs_field",
                        chars = missing.iter().collect::<String>()
                    ),
                });
            }
        }
        let (name, title, chain) = match spec {
            Some(s) => (s.name, s.title, s.signatures),
            None => ("settings-proof", "文件設定試印", super::CHAIN),
        };
        let mut doc = self.new_document(org, name, title);
        doc.fields([("機關名稱".to_owned(), org.name_zh.clone())]);
        doc.paragraph("本頁為文件設定之試印。");
        let e = effective(
            x.filter(|_| spec.is_some()),
            x.filter(|_| spec.is_none()),
            chain,
        );
        apply(&mut doc, &e);
        doc.logo = logo;
        tokio::task::spawn_blocking(move || {
            zian_documents::render(&doc, Format::Pdf, Some(&fonts))
                .map(|_| ())
                .map_err(|err| match err {
                    zian_documents::Error::MissingGlyphs { .. } => map_err(err),
                    other => AppError::Validation {
                        field: "settings".into(),
                        reason: msg!("reason.documents.proof_failed", detail = other.to_string()),
                    },
                })
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
    }
}

/// Why an uploaded logo is refused, in the reader's language.
fn logo_reason(e: &LogoError) -> zian_i18n::Msg {
    match e {
        LogoError::Empty => msg!("reason.documents.logo_empty"),
        LogoError::TooLarge(n) => msg!(
            "reason.documents.logo_too_large",
            size = n.div_ceil(1024),
            max = zian_documents::MAX_LOGO_BYTES / 1024
        ),
        LogoError::NotAnImage => msg!("reason.documents.logo_not_image"),
        LogoError::TooManyPixels(w, h) => msg!(
            "reason.documents.logo_too_many_pixels",
            width = *w,
            height = *h,
            max = zian_documents::MAX_LOGO_SIDE
        ),
        LogoError::Unreadable(detail) => {
            msg!("reason.documents.logo_unreadable", detail = detail.as_str())
        }
    }
}
