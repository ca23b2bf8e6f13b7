//! The maintenance plan (資通安全維護計畫) in seed 003's chapter order, and
//! the security organisation roster (資通安全推動小組成員及分工表, seed 001
//! form 1) from the plan's organisation chapter.

use zian_documents::{Column, Document, Table};
use zian_domain::org::Organisation;
use zian_domain::plan::schema::{CHAPTERS, Field, Kind, formal_numeral, kpi_label};
use zian_domain::roc::format_roc;
use zian_domain::{OrgId, Principal};
use zian_i18n::{Lang, msg};

use super::{t, yes};
use crate::plans::PlanView;
use crate::{App, AppError, Result};

impl App {
    /// The plan a document prints: the approved version, else the one being
    /// worked on, else the latest.
    async fn current_plan(&self, p: &Principal, org_id: &OrgId) -> Result<PlanView> {
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
        self.plan_view(p, &version.id).await
    }

    pub(super) async fn maintenance_plan_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
        let view = self.current_plan(p, org_id).await?;
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
                            table.row(columns.iter().map(|c| scalar(&row[c.key], c)).collect());
                        }
                        if !table.rows.is_empty() {
                            doc.table(table, false);
                        }
                    }
                    _ => fields.push((field.label_zh.to_owned(), scalar(value, field))),
                }
            }
            flush(&mut doc, &mut fields);
        }
        Ok((view.org, doc))
    }

    /// Seed 001 form 1: the committee's members, their duties, extensions
    /// and deputies, and the CISO, from the plan's organisation chapter.
    pub(super) async fn security_roster_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
        let view = self.current_plan(p, org_id).await?;
        let c = &view.content;
        let mut doc =
            self.new_document(&view.org, "security-roster", "資通安全推動小組成員及分工表");
        doc.title = format!("{}資通安全推動小組成員及分工表", view.org.name_zh);
        let roster_date = c
            .value("organisation", "roster_date")
            .as_str()
            .map(roc_date)
            .unwrap_or_default();
        let mut table = Table::new(
            "資通安全推動小組成員及分工表",
            vec![
                Column::text("單位職級", 3),
                Column::text("名稱", 2),
                Column::text("分組", 2),
                Column::text("職掌事項", 7),
                Column::text("分機", 1),
                Column::text("備註（代理人）", 3),
            ],
        );
        for row in c.rows("organisation", "members") {
            let cell = |k: &str| row[k].as_str().unwrap_or_default().to_owned();
            table.row(vec![
                cell("unit_title"),
                cell("name"),
                cell("group"),
                cell("duties"),
                cell("extension"),
                cell("deputy"),
            ]);
        }
        doc.fields([(
            "製表日期".to_owned(),
            if roster_date.is_empty() {
                format_roc(self.today())
            } else {
                roster_date
            },
        )]);
        doc.table(table, true);
        let ciso = c.value("organisation", "ciso_name");
        let ciso = ciso.as_str().unwrap_or_default();
        let ciso_title = c.value("organisation", "ciso_title");
        let ciso_title = ciso_title.as_str().unwrap_or_default();
        let ciso = match (ciso.trim(), ciso_title.trim()) {
            ("", _) => "（尚未指派）".to_owned(),
            (name, "") => name.to_owned(),
            (name, title) => format!("{name}（{title}）"),
        };
        doc.fields([("資通安全長".to_owned(), ciso)]);
        Ok((view.org, doc))
    }
}

/// A plan field's value as printed.
fn scalar(v: &serde_json::Value, field: &Field) -> String {
    use serde_json::Value;
    match (v, field.kind) {
        (Value::String(s), Kind::Select { .. }) if field.key == "kpi" => {
            kpi_label(s, Lang::ZhTw).unwrap_or(s).to_owned()
        }
        (Value::String(s), Kind::Select { .. }) => match s.as_str() {
            ">=" => "≥".into(),
            "<=" => "≤".into(),
            other => other.to_owned(),
        },
        (Value::Null, _) => String::new(),
        (Value::Bool(b), _) => yes(*b),
        (Value::String(s), Kind::Date) => roc_date(s),
        (Value::String(s), _) => s.clone(),
        (Value::Number(n), _) => n.to_string(),
        (Value::Array(items), _) => items
            .iter()
            .map(|i| scalar(i, field))
            .collect::<Vec<_>>()
            .join("、"),
        (other, _) => other.to_string(),
    }
}

/// A stored `YYYY-MM-DD` as 民國 date (what cannot be read, as it is).
fn roc_date(s: &str) -> String {
    zian_domain::day::parse_stored(s)
        .map(format_roc)
        .unwrap_or_else(|| s.to_owned())
}
