//! An incident's two documents: the notification's content (art. 3 of the
//! incident regulation's seven items, 資通安全事件通報單) and the
//! investigation, handling and improvement report (the enforcement rules'
//! seven contents, 資通安全事件調查、處理及改善報告). Both read the incident
//! through `get_incident`, so a reader outside the organisation gets the
//! reporter's personal data masked here as on the page.

use zian_documents::Document;
use zian_domain::incidents::{TimelineEntry, facts_codes};
use zian_domain::org::Organisation;
use zian_domain::roc::format_roc_time;
use zian_domain::{IncidentId, Principal};

use super::t;
use crate::{App, Result};

/// Which of the incident's documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IncidentForm {
    Notification,
    Report,
}

fn or_none(s: &str) -> String {
    if s.trim().is_empty() {
        t("incidents.doc.none")
    } else {
        s.to_owned()
    }
}

fn when(t: Option<i64>) -> String {
    t.map(format_roc_time).unwrap_or_else(|| "—".into())
}

fn history(entries: &[&TimelineEntry]) -> String {
    if entries.is_empty() {
        return t("incidents.doc.none");
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let name = t(&format!("incidents.entry.{}", e.kind.as_str()));
            if e.text.trim().is_empty() {
                format!("{}. {} {name}", i + 1, format_roc_time(e.at))
            } else {
                format!("{}. {} {name}：{}", i + 1, format_roc_time(e.at), &*e.text)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl App {
    pub(super) async fn incident_document(
        &self,
        p: &Principal,
        id: &IncidentId,
        form: IncidentForm,
    ) -> Result<(Organisation, Document)> {
        let v = self.get_incident(p, id).await?;
        let org = self.get_org(p, &v.incident.org_id).await?;
        let x = &v.incident;
        let mut assets = Vec::new();
        for a in &x.asset_ids {
            if let Ok(asset) = self.get_asset(p, a).await {
                assets.push(asset.name.to_string());
            }
        }
        let codes = facts_codes(&x.facts);
        let level = match v.level {
            Some(l) => t(&format!("incidents.level.{l}")),
            None => t("incidents.no_level"),
        };
        let level = if v.major {
            format!("{level}（{}）", t("incidents.major"))
        } else {
            level
        };
        let facts = format!(
            "{}：{}；{}：{}；{}：{}；{}：{}",
            t("field.asset_class"),
            t(&format!("incidents.asset.{}", codes[0])),
            t("field.confidentiality"),
            t(&format!("incidents.sev.{}", codes[1])),
            t("field.integrity"),
            t(&format!("incidents.sev.{}", codes[2])),
            t("field.availability"),
            t(&format!("incidents.avail.{}", codes[3])),
        );
        let affected = if assets.is_empty() {
            String::new()
        } else {
            format!("\n{}：{}", t("field.asset_ids"), assets.join("、"))
        };
        let (name, title) = match form {
            IncidentForm::Notification => ("incident-notification", "資通安全事件通報單"),
            IncidentForm::Report => ("incident-report", "資通安全事件調查、處理及改善報告"),
        };
        let mut doc = self.new_document(&org, name, title);
        doc.subtitle = Some(format!("{}　{}", x.number, &*x.title));
        doc.number = Some(x.number.clone());
        let rows: Vec<(String, String)> = match form {
            IncidentForm::Notification => {
                let data = if x.data_kinds.is_empty() {
                    String::new()
                } else {
                    format!(
                        "\n{}：{}",
                        t("field.data_kinds"),
                        x.data_kinds
                            .iter()
                            .map(|k| t(&format!("incidents.data.{k}")))
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                };
                let mut assessment = format!("{level}\n{facts}");
                if x.level_override.is_some() {
                    assessment.push_str(&format!(
                        "\n{}：{}",
                        t("incidents.overridden"),
                        &*x.override_reason
                    ));
                }
                assessment.push_str(&format!("\n{}（{}）", v.regulation, x.rules_version));
                let reporter = if x.reporter_contact.trim().is_empty() {
                    x.reporter.to_string()
                } else {
                    format!("{}（{}）", &*x.reporter, &*x.reporter_contact)
                };
                vec![
                    (t("incidents.doc.n1"), org.name_zh.clone()),
                    (
                        t("incidents.doc.n2"),
                        format!(
                            "{}：{}\n{}：{}",
                            t("field.occurred_at"),
                            when(x.occurred_at),
                            t("field.aware_at"),
                            format_roc_time(x.aware_at)
                        ),
                    ),
                    (
                        t("incidents.doc.n3"),
                        format!("{}{affected}{data}", or_none(&x.description)),
                    ),
                    (t("incidents.doc.n4"), assessment),
                    (t("incidents.doc.n5"), or_none(&x.measures)),
                    (t("incidents.doc.n6"), or_none(&x.support_needed)),
                    (t("incidents.doc.n7"), or_none(&x.other_notes)),
                    (t("field.reporter"), reporter),
                    (t("field.notified_at"), when(x.notified_at)),
                ]
            }
            IncidentForm::Report => {
                let cut = x.recovered_at.unwrap_or(i64::MAX);
                let steps: Vec<&TimelineEntry> = v
                    .timeline
                    .iter()
                    .filter(|e| e.kind.as_str() != "escalated")
                    .collect();
                let before: Vec<&TimelineEntry> =
                    steps.iter().copied().filter(|e| e.at <= cut).collect();
                let after: Vec<&TimelineEntry> =
                    steps.iter().copied().filter(|e| e.at > cut).collect();
                vec![
                    (
                        t("incidents.doc.r1"),
                        format!(
                            "{}：{}\n{}：{}\n{}：{}",
                            t("field.occurred_at"),
                            when(x.occurred_at),
                            t("field.aware_at"),
                            format_roc_time(x.aware_at),
                            t("field.recovered_at"),
                            when(x.recovered_at)
                        ),
                    ),
                    (
                        t("incidents.doc.r2"),
                        format!("{}\n{level}；{facts}{affected}", or_none(&x.description)),
                    ),
                    (t("incidents.doc.r3"), history(&before)),
                    (t("incidents.doc.r4"), history(&after)),
                    (t("incidents.doc.r5"), or_none(&x.root_cause)),
                    (t("incidents.doc.r6"), or_none(&x.lessons)),
                    (t("incidents.doc.r7"), or_none(&x.follow_up)),
                ]
            }
        };
        doc.fields(rows);
        Ok((org, doc))
    }
}
