//! Audits: the 稽核結果及改善報告 and the 改善績效追蹤報告 of seed 001
//! (001:L388-465), and the checklist with its answers (查核項目表 /
//! 稽核項目紀錄表, 001:L179-274).

use zian_documents::{Column, Document, Table};
use zian_domain::AuditId;
use zian_domain::Principal;
use zian_domain::audits::AuditKind;
use zian_domain::org::Organisation;
use zian_domain::roc::format_roc;

use super::t;
use crate::{App, Result};

/// The audit's days in ROC dates.
fn period(a: &zian_domain::audits::Audit) -> String {
    if a.starts_on == a.ends_on {
        format_roc(a.starts_on)
    } else {
        format!("{}至{}", format_roc(a.starts_on), format_roc(a.ends_on))
    }
}

/// A blank-safe value: `—` for nothing.
fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".into()
    } else {
        s.to_owned()
    }
}

impl App {
    /// 稽核結果及改善報告: the scope and dates, then one row per finding
    /// with its corrective action, schedule and evidence.
    pub(super) async fn audit_report_document(
        &self,
        p: &Principal,
        id: &AuditId,
    ) -> Result<(Organisation, Document)> {
        let v = self.audit_view(p, id).await?;
        let a = &v.audit;
        let mut doc = self.new_document(&v.org, "audit-report", "稽核結果及改善報告");
        doc.subtitle = Some(a.title.clone());
        let scope = if a.body.auditee_units.is_empty() {
            "全機關".to_owned()
        } else {
            a.body.auditee_units.join("、")
        };
        let (ok, nc, na, open) = a.tally();
        let mut fields = vec![
            (
                "稽核種類".to_owned(),
                t(&format!("audits.kind.{}", a.kind.as_str())),
            ),
            ("受稽核機關".to_owned(), v.org.name_zh.clone()),
        ];
        if a.kind == AuditKind::Supervisory {
            fields.push(("執行稽核機關".to_owned(), v.run_by.name_zh.clone()));
        }
        if a.kind == AuditKind::Vendor {
            fields.push(("受查核廠商".to_owned(), a.body.vendor.clone()));
        }
        fields.extend([
            ("稽核範圍".to_owned(), scope),
            ("重點領域".to_owned(), or_dash(&a.body.focus)),
            ("稽核日期".to_owned(), period(a)),
            (
                "審查日期".to_owned(),
                a.reported_on.map(format_roc).unwrap_or_else(|| "—".into()),
            ),
            (
                "稽核小組".to_owned(),
                a.body
                    .team
                    .iter()
                    .map(|m| {
                        let lead = if m.lead { "（召集人）" } else { "" };
                        format!("{}{lead}（{}）", m.name, m.unit)
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            (
                "查核結果".to_owned(),
                format!("符合 {ok} 項、不符合 {nc} 項、不適用 {na} 項、未查核 {open} 項"),
            ),
            ("稽核結論".to_owned(), or_dash(&a.body.conclusion)),
        ]);
        doc.fields(fields);
        let mut table = Table::new(
            "改善措施",
            vec![
                Column::number("編號", 1),
                Column::text("稽核缺失或待改善稽核項目", 4),
                Column::text("改善措施", 4),
                Column::text("改善期程規劃", 2),
                Column::text("相關證明資料", 3),
            ],
        );
        for (n, x) in v.actions.iter().enumerate() {
            let plan = if x.plan.is_empty() {
                x.title.clone()
            } else {
                format!("{}\n{}", x.title, x.plan)
            };
            let evidence = match (x.done_on, x.reviewed_on) {
                (Some(_), Some(r)) => format!("{}（{}確認有效）", x.result, format_roc(r)),
                (Some(d), None) => format!("{}（{}完成，待確認成效）", x.result, format_roc(d)),
                _ => "辦理中".into(),
            };
            table.row(vec![
                (n + 1).to_string(),
                x.finding.clone(),
                plan,
                format!("{}前（{}）", format_roc(x.due_on), x.owner),
                evidence,
            ]);
        }
        doc.table(table, true);
        Ok((v.org, doc))
    }

    /// The checklist with its answers (稽核項目紀錄表), for the auditees
    /// before the audit and as the record after it.
    pub(super) async fn audit_checklist_document(
        &self,
        p: &Principal,
        id: &AuditId,
    ) -> Result<(Organisation, Document)> {
        let v = self.audit_view(p, id).await?;
        let a = &v.audit;
        let title = if a.kind == AuditKind::Vendor {
            "委外廠商查核項目表"
        } else {
            "稽核項目紀錄表"
        };
        let mut doc = self.new_document(&v.org, "audit-checklist", title);
        doc.subtitle = Some(a.title.clone());
        doc.landscape = true;
        doc.fields([
            ("填表日期".to_owned(), format_roc(self.today())),
            (
                "查核人員".to_owned(),
                a.body
                    .team
                    .iter()
                    .map(|m| m.name.clone())
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            ("查核日期".to_owned(), period(a)),
        ]);
        let mut table = Table::new(
            "查核項目",
            vec![
                Column::text("編號", 1),
                Column::text("查核項目", 3),
                Column::text("查核內容", 6),
                Column::text("查核結果", 2),
                Column::text("說明", 4),
                Column::text("查核人員", 2),
            ],
        );
        for i in &a.body.items {
            table.row(vec![
                i.no.clone(),
                i.section.clone(),
                i.question.clone(),
                i.answer.map(|x| x.zh().to_owned()).unwrap_or_default(),
                i.note.clone(),
                i.auditor.clone(),
            ]);
        }
        doc.table(table, true);
        Ok((v.org, doc))
    }

    /// 改善績效追蹤報告: one section per finding's corrective action — the
    /// finding, its impact and cause, the measures, the confirmation.
    pub(super) async fn improvement_tracking_document(
        &self,
        p: &Principal,
        id: &AuditId,
    ) -> Result<(Organisation, Document)> {
        let v = self.audit_view(p, id).await?;
        let a = &v.audit;
        let mut doc = self.new_document(&v.org, "improvement-tracking", "改善績效追蹤報告");
        doc.subtitle = Some(a.title.clone());
        if v.actions.is_empty() {
            doc.paragraph("本次稽核無缺失或待改善事項。");
        }
        for (n, x) in v.actions.iter().enumerate() {
            if n > 0 {
                doc.page_break();
            }
            let confirmation = match (x.done_on, x.reviewed_on) {
                (Some(_), Some(r)) => format!("合格／完成（{}確認）", format_roc(r)),
                _ if !x.review_note.is_empty() => {
                    format!(
                        "待追蹤（追蹤期限：{}）：{}",
                        format_roc(x.due_on),
                        x.review_note
                    )
                }
                _ => format!("待追蹤（追蹤期限：{}）", format_roc(x.due_on)),
            };
            doc.heading(2, format!("稽核發現 {}", n + 1));
            doc.fields([
                (
                    "稽核日期".to_owned(),
                    a.reported_on
                        .map(format_roc)
                        .unwrap_or_else(|| format_roc(a.starts_on)),
                ),
                ("受稽核單位".to_owned(), or_dash(&x.owner)),
                ("稽核區域".to_owned(), or_dash(&a.body.focus)),
                ("缺失或待改善項目與內容".to_owned(), x.finding.clone()),
                ("發生原因分析".to_owned(), or_dash(&x.root_cause)),
                ("類似缺失檢查".to_owned(), or_dash(&x.similar)),
                ("改善措施".to_owned(), format!("{}\n{}", x.title, x.plan)),
                ("預定完成日期".to_owned(), format_roc(x.due_on)),
                (
                    "實際完成日期".to_owned(),
                    x.done_on.map(format_roc).unwrap_or_else(|| "—".into()),
                ),
                ("完成進度或情形說明".to_owned(), or_dash(&x.result)),
                ("改善措施確認".to_owned(), confirmation),
                ("改善成效考核".to_owned(), or_dash(&x.review_note)),
            ]);
        }
        Ok((v.org, doc))
    }
}
