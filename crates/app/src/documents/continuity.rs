//! Business continuity: the business impact analysis (營運衝擊分析表), one
//! process's continuity plan, and the drill report (業務持續計畫演練暨處理報告單).

use zian_documents::{Column, Document, Table};
use zian_domain::list::{HARD_LIMIT, ListQuery};
use zian_domain::org::Organisation;
use zian_domain::roc::format_roc;
use zian_domain::{OrgId, Principal};

use zian_domain::continuity::ContinuityPlan;
use zian_domain::roc::format_roc_time;
use zian_domain::{DrillId, ProcessId};

use super::{hours, t, yes};
use crate::{App, Result};

impl App {
    pub(super) async fn business_impact_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
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
            doc.heading(2, format!("持續運作計畫：{}", x.name));
            doc.fields(plan_fields(&x.body.plan));
        }
        Ok((org, doc))
    }

    /// One process's continuity plan (業務持續運作計畫) with the analysis it
    /// rests on and its latest drills.
    pub(super) async fn continuity_plan_document(
        &self,
        p: &Principal,
        id: &ProcessId,
    ) -> Result<(Organisation, Document)> {
        let v = self.process_view(p, id).await?;
        let x = &v.process;
        let mut doc = self.new_document(&v.org, "continuity-plan", "業務持續運作計畫");
        doc.subtitle = Some(x.name.clone());
        doc.heading(1, "壹、業務流程及營運衝擊");
        doc.fields([
            ("業務流程".to_owned(), x.name.clone()),
            ("權責單位".to_owned(), x.body.owner_unit.clone()),
            (
                "分級".to_owned(),
                t(&format!("continuity.grade.{}", x.grade.as_str())),
            ),
            ("最大可容忍中斷時間（小時）".to_owned(), hours(x.mtd_hours)),
            ("復原時間目標 RTO（小時）".to_owned(), hours(x.rto_hours)),
            ("復原點目標 RPO（小時）".to_owned(), hours(x.rpo_hours)),
            ("相依之資通系統".to_owned(), names(&v.systems)),
            ("相依之資產".to_owned(), names(&v.assets)),
            (
                "最近檢視".to_owned(),
                x.reviewed_on.map(format_roc).unwrap_or_default(),
            ),
        ]);
        doc.heading(1, "貳、持續運作計畫");
        if x.body.plan.is_set() {
            doc.fields(plan_fields(&x.body.plan));
        } else {
            doc.paragraph("本業務流程尚未訂定持續運作計畫。");
        }
        doc.heading(1, "參、演練紀錄");
        let mut drills = Table::new(
            "演練紀錄",
            vec![
                Column::text("演練日期", 2),
                Column::text("演練名稱", 4),
                Column::text("演練項目", 3),
                Column::text("實際復原時間", 2),
                Column::text("符合 RTO", 1),
            ],
        );
        for d in &v.drills {
            drills.row(vec![
                d.completed_on.map(format_roc).unwrap_or_default(),
                d.title.clone(),
                t(&format!("continuity.kind.{}", d.kind.as_str())),
                d.body
                    .recovery_minutes
                    .map(|m| format!("{m} 分鐘"))
                    .unwrap_or_default(),
                match d.rto_met(x.rto_hours) {
                    Some(ok) => yes(ok),
                    None => String::new(),
                },
            ]);
        }
        if drills.rows.is_empty() {
            doc.paragraph("尚無完成之演練。");
        } else {
            doc.table(drills, false);
        }
        Ok((v.org, doc))
    }

    /// Seed 002's drill report (業務持續計畫演練暨處理報告單).
    pub(super) async fn drill_report_document(
        &self,
        p: &Principal,
        id: &DrillId,
    ) -> Result<(Organisation, Document)> {
        let v = self.drill_view(p, id).await?;
        let d = &v.drill;
        let mut doc = self.new_document(&v.org, "drill-report", "業務持續計畫演練暨處理報告單");
        let none = |s: &str| {
            if s.trim().is_empty() {
                "無".to_owned()
            } else {
                s.to_owned()
            }
        };
        let steps = d
            .body
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| match s.done_at {
                Some(at) => format!("{}. {}（{}）", i + 1, s.text, format_roc_time(at)),
                None => format!("{}. {}", i + 1, s.text),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let rto = v.rto_hours();
        let recovery = match (d.body.recovery_minutes, d.rto_met(rto)) {
            (Some(m), Some(true)) => {
                format!("{m} 分鐘（符合復原時間目標 {} 小時）", rto.unwrap_or(0))
            }
            (Some(m), Some(false)) => {
                format!("{m} 分鐘（未達復原時間目標 {} 小時）", rto.unwrap_or(0))
            }
            (Some(m), None) => format!("{m} 分鐘"),
            (None, _) => "—".into(),
        };
        let mut improvements = none(&d.body.improvements);
        for (i, a) in v.actions.iter().enumerate() {
            improvements.push_str(&format!(
                "\n改善事項 {}：{}（{}，{}）",
                i + 1,
                a.title,
                a.owner,
                format_roc(a.due_on)
            ));
        }
        doc.fields([
            ("演練名稱".to_owned(), d.title.clone()),
            (
                "演練項目".to_owned(),
                t(&format!("continuity.kind.{}", d.kind.as_str())),
            ),
            (
                "演練日期".to_owned(),
                format_roc(d.completed_on.unwrap_or(d.planned_on)),
            ),
            (
                "演練之業務流程".to_owned(),
                v.processes
                    .iter()
                    .map(|(_, name, rto)| format!("{name}（RTO {} 小時）", hours(*rto)))
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            ("核定".to_owned(), none(&d.body.approved_by)),
            ("演練情境".to_owned(), none(&d.body.scenario)),
            ("參與人員".to_owned(), none(&d.body.participants)),
            (
                "演練步驟及時間".to_owned(),
                format!(
                    "{steps}\n開始：{}；結束：{}",
                    d.body
                        .started_at
                        .map(format_roc_time)
                        .unwrap_or_else(|| "—".into()),
                    d.body
                        .ended_at
                        .map(format_roc_time)
                        .unwrap_or_else(|| "—".into())
                ),
            ),
            ("實際復原時間".to_owned(), recovery),
            ("發現問題".to_owned(), none(&d.body.problems)),
            ("改善措施".to_owned(), improvements),
            ("演練結果".to_owned(), none(&d.body.result)),
        ]);
        Ok((v.org, doc))
    }
}

/// A continuity plan's items as a form's fields.
fn plan_fields(plan: &ContinuityPlan) -> Vec<(String, String)> {
    vec![
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
    ]
}

/// The names of `(id, name)` pairs, or 無.
fn names(items: &[(String, String)]) -> String {
    if items.is_empty() {
        "無".into()
    } else {
        items
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}
