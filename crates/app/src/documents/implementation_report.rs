//! 資通安全維護計畫實施情形 (seed 001 §9, 001:L337-386): the opening
//! paragraph, then per row of the form its 實施項目, 實施內容 and 實施情形說明
//! with the evidence named, the other remarks, and where it stands
//! (approved, submitted).

use zian_documents::{Column, Document, Table};
use zian_domain::org::Organisation;
use zian_domain::roc::format_roc;
use zian_domain::{ImplementationReportId, Principal};

use crate::{App, AppError, Result};

impl App {
    pub(super) async fn implementation_report_document(
        &self,
        p: &Principal,
        id: &ImplementationReportId,
    ) -> Result<(Organisation, Document)> {
        let v = self.implementation_report_by_id(p, id).await?;
        let r = v.report.ok_or(AppError::NotFound)?;
        let title = format!("{}資通安全維護計畫實施情形", v.org.name_zh);
        let mut doc = self.new_document(&v.org, "implementation-report", &title);
        doc.subtitle = Some(format!("{} 年度", r.year - 1911));
        doc.landscape = true;
        doc.paragraph(r.body.intro.clone());
        let mut table = Table::new(
            "實施情形",
            vec![
                Column::text("實施項目", 3),
                Column::text("實施內容", 3),
                Column::text("實施情形說明", 7),
                Column::text("佐證資料", 3),
            ],
        );
        let mut last = String::new();
        for l in &r.body.lines {
            let (n, _) = l.code.split_once('.').unwrap_or((&l.code, ""));
            let section = if *l.section != last {
                last = l.section.clone();
                format!("{n}. {}", l.section)
            } else {
                String::new()
            };
            table.row(vec![
                section,
                format!("{} {}", l.code, l.content),
                l.explanation.clone(),
                l.evidence.join("\n"),
            ]);
        }
        table.row(vec![
            "其他說明".into(),
            String::new(),
            r.body.other.clone(),
            String::new(),
        ]);
        doc.table(table, true);
        let mut fields = Vec::new();
        if let Some(d) = r.body.approved_on {
            fields.push((
                "資通安全長核定".to_owned(),
                format!("{}（{}）", r.body.approved_by, format_roc(d)),
            ));
        }
        if let Some(d) = r.submitted_on {
            fields.push((
                "提報".to_owned(),
                format!(
                    "{}提報{}（{}）",
                    r.body.submitted_by,
                    v.supervisor
                        .as_ref()
                        .map_or("主管機關".to_owned(), |o| o.name_zh.clone()),
                    format_roc(d)
                ),
            ));
        }
        if !fields.is_empty() {
            doc.fields(fields);
        }
        Ok((v.org, doc))
    }
}
