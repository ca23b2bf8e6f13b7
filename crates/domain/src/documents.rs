//! An organisation's adjustments of its official documents (文件設定): the
//! seeds leave the approval chain to each agency ("陳核層級請機關依需求調整")
//! and agencies mark, retitle and extend their forms. An administrator or the
//! CISO sets them without a rebuild; the application renders a proof with
//! them before they are kept, so a bad setting fails when saved, never when
//! printed.

use serde::Serialize;
use zian_i18n::msg;

use crate::text::{Memo, no_nul};
use crate::{DomainError, OrgId, UserId};

/// Signature boxes a form may have at most.
pub const MAX_SIGNATURES: usize = 6;
/// Added fields a form may have at most.
pub const MAX_EXTRA_FIELDS: usize = 10;
/// Characters of one signature box's or added field's label at most.
pub const MAX_LABEL: usize = 20;

/// The settings of one report of an organisation, or (`report` empty) of
/// all its documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentSettings {
    pub org_id: OrgId,
    /// The report's name; empty: every document of the organisation.
    pub report: String,
    /// The marking printed in the footer (限閱, 密, …); empty: none.
    pub classification: Memo<20>,
    /// The approval chain's signature boxes, left to right; `None` keeps the
    /// form's own chain.
    pub signatures: Option<Vec<String>>,
    /// A title printed instead of the official one (one report only).
    pub title: Memo<100>,
    /// A paragraph printed under the title (one report only).
    pub preface: Memo<2000>,
    /// Labels of fields added to the form, filled in by hand after printing
    /// (one report only).
    pub extra_fields: Vec<String>,
    pub updated_by: Option<UserId>,
    pub updated_at: i64,
}

/// What a person types: the chain and the added fields one per line.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub classification: String,
    /// One box a line, left to right; blank keeps the form's chain.
    pub signatures: String,
    pub title: String,
    pub preface: String,
    /// One label a line.
    pub extra_fields: String,
}

/// The non-blank lines of `text`, each at most [`MAX_LABEL`] characters and
/// at most `max` of them.
fn labels(field: &'static str, text: &str, max: usize) -> Result<Vec<String>, DomainError> {
    no_nul(field, text)?;
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if lines.len() > max {
        return Err(DomainError::Invalid {
            field,
            reason: msg!("reason.documents.too_many_lines", max = max),
        });
    }
    if let Some(long) = lines.iter().find(|l| l.chars().count() > MAX_LABEL) {
        return Err(DomainError::Invalid {
            field,
            reason: msg!(
                "reason.documents.label_too_long",
                label = long.as_str(),
                max = MAX_LABEL
            ),
        });
    }
    if lines.iter().any(|l| l.chars().any(char::is_control)) {
        return Err(DomainError::Invalid {
            field,
            reason: msg!("reason.control_chars"),
        });
    }
    Ok(lines)
}

impl DocumentSettings {
    /// Checks what was typed for `report` (empty: every document, which
    /// takes only the marking and the chain).
    pub fn check(
        org_id: &OrgId,
        report: &str,
        input: &SettingsInput,
        by: Option<UserId>,
        at: i64,
    ) -> Result<DocumentSettings, DomainError> {
        let signatures = labels("signatures", &input.signatures, MAX_SIGNATURES)?;
        let extra_fields = labels("extra_fields", &input.extra_fields, MAX_EXTRA_FIELDS)?;
        let x = DocumentSettings {
            org_id: org_id.clone(),
            report: report.to_owned(),
            classification: Memo::parse("classification", &input.classification)?,
            signatures: (!signatures.is_empty()).then_some(signatures),
            title: Memo::parse("title", &input.title)?,
            preface: Memo::parse("preface", &input.preface)?,
            extra_fields,
            updated_by: by,
            updated_at: at,
        };
        if report.is_empty() {
            for (field, set) in [
                ("title", !x.title.is_empty()),
                ("preface", !x.preface.is_empty()),
                ("extra_fields", !x.extra_fields.is_empty()),
            ] {
                if set {
                    return Err(DomainError::Invalid {
                        field,
                        reason: msg!("reason.documents.per_report_only"),
                    });
                }
            }
        }
        Ok(x)
    }

    /// The texts it prints, by field (for the font check).
    pub fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![
            ("classification", self.classification.as_str()),
            ("title", self.title.as_str()),
            ("preface", self.preface.as_str()),
        ];
        out.extend(
            self.signatures
                .iter()
                .flatten()
                .map(|s| ("signatures", s.as_str())),
        );
        out.extend(
            self.extra_fields
                .iter()
                .map(|s| ("extra_fields", s.as_str())),
        );
        out
    }
}

/// What one report prints: its own settings over the organisation's
/// general ones over the form's defaults.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Effective {
    pub classification: Option<String>,
    pub signatures: Vec<String>,
    pub title: Option<String>,
    pub preface: Option<String>,
    pub extra_fields: Vec<String>,
}

/// Resolves the settings of a report: `own` (the report's), `general` (the
/// organisation's for every document), `chain` (the form's own boxes).
pub fn effective(
    own: Option<&DocumentSettings>,
    general: Option<&DocumentSettings>,
    chain: &[&str],
) -> Effective {
    let nonblank = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
    let classification = own
        .and_then(|x| nonblank(&x.classification))
        .or_else(|| general.and_then(|x| nonblank(&x.classification)));
    let signatures = own
        .and_then(|x| x.signatures.clone())
        .or_else(|| general.and_then(|x| x.signatures.clone()))
        .unwrap_or_else(|| chain.iter().map(|s| (*s).to_owned()).collect());
    Effective {
        classification,
        signatures,
        title: own.and_then(|x| nonblank(&x.title)),
        preface: own.and_then(|x| nonblank(&x.preface)),
        extra_fields: own.map(|x| x.extra_fields.clone()).unwrap_or_default(),
    }
}

/// An organisation's logo as its documents print it (the PNG itself is in
/// the store).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentLogo {
    pub org_id: OrgId,
    /// Pixels of the kept PNG.
    pub width: i64,
    pub height: i64,
    /// SHA-256 of the kept PNG, lowercase hex.
    pub sha256: String,
    pub size: i64,
    pub updated_by: Option<UserId>,
    pub updated_at: i64,
}

/// Days a document produced in the background is kept for download.
pub const FILE_KEPT_DAYS: i64 = 7;

/// A document produced in the background, ready to download.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentFile {
    /// The id of the job that produced it.
    pub id: String,
    pub org_id: OrgId,
    pub report: String,
    pub format: String,
    pub file_name: String,
    pub content_type: String,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    pub size: i64,
    pub requested_by: Option<UserId>,
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(signatures: &str, extra: &str) -> SettingsInput {
        SettingsInput {
            signatures: signatures.into(),
            extra_fields: extra.into(),
            ..Default::default()
        }
    }

    fn field(e: DomainError) -> &'static str {
        match e {
            DomainError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lines_become_boxes_and_blank_keeps_the_forms_chain() {
        let org = OrgId::from("o");
        let x = DocumentSettings::check(
            &org,
            "risk-assessment",
            &input("承辦人\n\n 課長 \n局長", ""),
            None,
            1,
        )
        .expect("valid");
        assert_eq!(
            x.signatures,
            Some(vec!["承辦人".into(), "課長".into(), "局長".into()])
        );
        let x = DocumentSettings::check(&org, "risk-assessment", &input("  \n", ""), None, 1)
            .expect("valid");
        assert_eq!(x.signatures, None);
    }

    #[test]
    fn limits_are_named_by_field() {
        let org = OrgId::from("o");
        let seven = "一\n二\n三\n四\n五\n六\n七";
        assert_eq!(
            field(DocumentSettings::check(&org, "", &input(seven, ""), None, 1).unwrap_err()),
            "signatures"
        );
        let long = "這是一個超過二十個字元的非常非常長的欄位名稱標籤";
        assert_eq!(
            field(DocumentSettings::check(&org, "x", &input("", long), None, 1).unwrap_err()),
            "extra_fields"
        );
        // the organisation's general settings take no title
        let titled = SettingsInput {
            title: "自訂標題".into(),
            ..Default::default()
        };
        assert_eq!(
            field(DocumentSettings::check(&org, "", &titled, None, 1).unwrap_err()),
            "title"
        );
    }

    #[test]
    fn a_reports_own_settings_win_over_the_organisations() {
        let org = OrgId::from("o");
        let general = DocumentSettings::check(
            &org,
            "",
            &SettingsInput {
                classification: "限閱".into(),
                signatures: "承辦人\n資安長".into(),
                ..Default::default()
            },
            None,
            1,
        )
        .expect("valid");
        let own = DocumentSettings::check(
            &org,
            "risk-assessment",
            &SettingsInput {
                signatures: "承辦人\n科長\n局長".into(),
                extra_fields: "會辦單位".into(),
                ..Default::default()
            },
            None,
            1,
        )
        .expect("valid");
        let chain = ["承辦人", "單位主管", "資安長"];
        let e = effective(Some(&own), Some(&general), &chain);
        assert_eq!(e.classification.as_deref(), Some("限閱"));
        assert_eq!(e.signatures, ["承辦人", "科長", "局長"]);
        assert_eq!(e.extra_fields, ["會辦單位"]);
        let e = effective(None, Some(&general), &chain);
        assert_eq!(e.signatures, ["承辦人", "資安長"]);
        let e = effective(None, None, &chain);
        assert_eq!((e.signatures.len(), e.classification), (3, None));
    }
}
