//! Obligations: the compliance report (資通安全責任等級應辦事項辦理情形)
//! and the control-baseline statement (附表十 per system: 資通系統防護基準
//!辦理情形), one section per information system in service.

use zian_documents::{Column, Document, Table};
use zian_domain::list::{HARD_LIMIT, ListQuery};
use zian_domain::org::Organisation;
use zian_domain::roc::format_roc;
use zian_domain::{OrgId, Principal};

use super::t;
use crate::{App, Result};

impl App {
    pub(super) async fn compliance_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
        let c = self.org_compliance(p, org_id).await?;
        let mut doc = self.new_document(
            &c.org,
            "compliance-report",
            "資通安全責任等級應辦事項辦理情形",
        );
        doc.landscape = true;
        let level = c
            .org
            .level
            .map(|l| format!("{} 級", l.as_str()))
            .unwrap_or_else(|| "尚未核定".into());
        doc.fields([
            ("資通安全責任等級".to_owned(), level),
            ("統計日期".to_owned(), format_roc(c.on)),
            ("已完成".to_owned(), c.counts.met.to_string()),
            ("即將到期".to_owned(), c.counts.due_soon.to_string()),
            ("逾期".to_owned(), c.counts.overdue.to_string()),
            ("未到期".to_owned(), c.counts.open.to_string()),
            ("不適用".to_owned(), c.counts.not_applicable.to_string()),
        ]);
        if let Some(why) = &c.unavailable {
            doc.paragraph(t(&format!("compliance.unavailable.{why}")));
        }
        let mut table = Table::new(
            "應辦事項",
            vec![
                Column::text("項目", 5),
                Column::text("頻率", 2),
                Column::text("辦理情形", 1),
                Column::text("期限", 2),
                Column::text("最近完成", 2),
                Column::text("佐證／說明", 4),
                Column::text("法規依據", 3),
            ],
        );
        for v in &c.obligations {
            let ob = &v.obligation;
            let last = v.completions.iter().max_by_key(|x| x.completed_on);
            let mut quantity = String::new();
            if let (Some(n), Some(unit)) = (ob.count, &ob.unit) {
                quantity = format!("（{n} {unit}）");
            }
            let note = match (&v.reason, last) {
                (Some(reason), _) => reason.clone(),
                (None, Some(x)) => [x.note.as_str(), x.evidence_link.as_deref().unwrap_or("")]
                    .into_iter()
                    .filter(|s| !s.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join("；"),
                (None, None) => String::new(),
            };
            table.row(vec![
                format!("{}{quantity}", ob.title_zh),
                t(&format!("compliance.freq.{}", ob.frequency.as_str())),
                t(&format!("compliance.status.{}", v.status.as_str())),
                v.due.map(format_roc).unwrap_or_default(),
                last.map(|x| format_roc(x.completed_on)).unwrap_or_default(),
                note,
                ob.regulation.clone(),
            ]);
        }
        doc.table(table, true);
        doc.paragraph(
            "應辦事項依資通安全責任等級分級辦法附表一至附表八，按本機關之責任等級及核定日期計算；辦理情形由完成紀錄及佐證資料自動判定。",
        );
        Ok((c.org, doc))
    }

    pub(super) async fn control_baseline_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
        let (org, systems) = self
            .list_systems(p, org_id, &ListQuery::all(HARD_LIMIT))
            .await?;
        let mut doc = self.new_document(&org, "control-baseline", "資通系統防護基準辦理情形");
        doc.landscape = true;
        doc.subtitle = Some("資通安全責任等級分級辦法附表十".into());
        // one table for every system (the CSV export's), then each system
        let mut all = Table::new(
            "防護基準辦理情形",
            vec![
                Column::text("資通系統", 3),
                Column::text("等級", 1),
                Column::text("控制措施", 2),
                Column::text("構面", 2),
                Column::text("措施內容", 6),
                Column::text("辦理情形", 2),
                Column::text("說明／佐證", 4),
            ],
        );
        let mut sections = Vec::new();
        for s in systems.items.iter().filter(|s| s.archived_at.is_none()) {
            let v = self.system_view(p, &s.id).await?;
            let level = v
                .system
                .level
                .map(|l| l.as_str().to_owned())
                .unwrap_or_else(|| "未分級".into());
            let mut counts = [0usize; 5];
            for row in v.soa.iter().filter(|r| r.required) {
                let status = row
                    .status
                    .as_ref()
                    .map(|x| x.status.as_str())
                    .unwrap_or("none");
                let slot = match status {
                    "implemented" => 0,
                    "partial" => 1,
                    "planned" => 2,
                    "not_applicable" => 3,
                    _ => 4,
                };
                counts[slot] += 1;
                let mut note = row.reason.clone().unwrap_or_default();
                if let Some(st) = &row.status {
                    for extra in [st.owner.as_str(), st.evidence.as_str()] {
                        if !extra.trim().is_empty() {
                            if !note.is_empty() {
                                note.push('；');
                            }
                            note.push_str(extra);
                        }
                    }
                    if let Some(d) = st.planned_on {
                        note.push_str(&format!("（預定 {}）", format_roc(d)));
                    }
                }
                all.row(vec![
                    v.system.name.to_string(),
                    level.clone(),
                    row.control.id.clone(),
                    row.control.family.clone(),
                    row.control.title_zh.clone(),
                    t(&format!("systems.status.{status}")),
                    note,
                ]);
            }
            sections.push((v.system.name.to_string(), level, v.baseline_version, counts));
        }
        doc.fields([
            ("資通系統數".to_owned(), sections.len().to_string()),
            ("應辦控制措施".to_owned(), all.rows.len().to_string()),
        ]);
        let mut summary = Table::new(
            "各系統辦理情形",
            vec![
                Column::text("資通系統", 4),
                Column::text("防護需求等級", 2),
                Column::text("防護基準版本", 2),
                Column::number("已實施", 1),
                Column::number("部分實施", 1),
                Column::number("規劃中", 1),
                Column::number("不適用", 1),
                Column::number("未填報", 1),
            ],
        );
        for (name, level, version, c) in sections {
            let mut row = vec![name, level, version.unwrap_or_default()];
            row.extend(c.iter().map(|n| n.to_string()));
            summary.row(row);
        }
        doc.table(summary, false);
        doc.table(all, true);
        Ok((org, doc))
    }
}
