//! Vulnerability handling: an agency's report and a supervisor's monthly
//! review of its subtree with the KPIs and their formulas.

use zian_documents::{Column, Document, Table};
use zian_domain::list::{HARD_LIMIT, ListQuery};
use zian_domain::org::Organisation;
use zian_domain::roc::format_roc;
use zian_domain::{OrgId, Principal};

use super::{t, yes};
use crate::{App, Result};

impl App {
    pub(super) async fn vulnerability_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
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
        Ok((org, doc))
    }

    /// A supervisor's monthly review of its subtree (or an agency's own):
    /// each KPI with its formula, numerator, denominator and target, the
    /// time to remediate, the twelve months' trend, and every agency.
    pub(super) async fn vulnerability_review_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
        use zian_domain::vulns::kpi::Ratio;
        let r = self.vuln_review(p, org_id, None).await?;
        let mut doc = self.new_document(&r.org, "vulnerability-review", "弱點管理績效月報");
        doc.landscape = true;
        doc.subtitle = Some(format!(
            "{} 年 {} 月份（統計範圍：本機關及所屬機關）",
            r.month.year - 1911,
            r.month.month
        ));
        let pct = |x: Ratio| {
            x.percent()
                .map(|v| format!("{v:.1}%"))
                .unwrap_or_else(|| "—".into())
        };
        let mut kpis = Table::new(
            "績效指標",
            vec![
                Column::text("指標", 3),
                Column::text("計算方式", 7),
                Column::number("分子", 1),
                Column::number("分母", 1),
                Column::number("數值", 1),
                Column::text("目標", 1),
            ],
        );
        for (key, ratio, target) in [
            ("week", r.handled_week, "≥ 75%"),
            ("month", r.not_fixed_month, "< 30%"),
            ("coverage", r.coverage, "100%"),
            ("joined", r.notification_rate, "100%"),
            ("endpoints", r.endpoints, "100%"),
        ] {
            kpis.row(vec![
                t(&format!("vulns.kpi_{key}")),
                t(&format!("vulns.formula_{key}")),
                ratio.numerator.to_string(),
                ratio.denominator.to_string(),
                pct(ratio),
                target.to_owned(),
            ]);
        }
        doc.table(kpis, false);
        if r.undeclared > 0 {
            doc.paragraph(format!(
                "{}：{}",
                t("vulns.endpoints_undeclared"),
                r.undeclared
            ));
        }
        doc.heading(2, t("vulns.kpi_mttr"));
        doc.paragraph(t("vulns.formula_mttr"));
        if r.remediation.is_empty() {
            doc.paragraph(t("vulns.mttr_none"));
        } else {
            let mut mttr = Table::new(
                t("vulns.kpi_mttr"),
                vec![
                    Column::text("嚴重度", 2),
                    Column::number("修補件數", 1),
                    Column::number("平均日數", 1),
                    Column::number("第 90 百分位日數", 1),
                ],
            );
            let days = |d: Option<f64>| d.map(|d| format!("{d:.1}")).unwrap_or_default();
            for sev in ["critical", "high", "medium", "low", "unknown", "all"] {
                let Some(x) = r.remediation.get(sev) else {
                    continue;
                };
                mttr.row(vec![
                    if sev == "all" {
                        "全部".into()
                    } else {
                        t(&format!("vulns.sev.{sev}"))
                    },
                    x.fixed.to_string(),
                    days(x.mean_days),
                    days(x.p90_days),
                ]);
            }
            doc.table(mttr, false);
        }
        doc.chart(
            "近 12 個月 CVSS 7 分以上弱點 1 週內完成處置比率（%，目標 75%）",
            r.trend
                .iter()
                .map(|(m, x)| zian_documents::Bar {
                    label: format!("{}/{:02}", m.year - 1911, m.month),
                    value: x.percent().map_or(0, |v| v.round() as u64),
                })
                .collect(),
        );
        let mut agencies = Table::new(
            "所屬機關",
            vec![
                Column::number("排名", 1),
                Column::text("機關", 4),
                Column::text("責任等級", 1),
                Column::text("最近清冊匯入", 2),
                Column::number("主機數", 1),
                Column::number("申報端點數", 1),
                Column::number("極高", 1),
                Column::number("高", 1),
                Column::number("中", 1),
                Column::number("低", 1),
                Column::number("KEV", 1),
                Column::number("逾期", 1),
                Column::number("1 週內處置率", 2),
            ],
        );
        for a in &r.agencies {
            let open = |s: &str| a.overview.open.get(s).copied().unwrap_or(0).to_string();
            agencies.row(vec![
                a.rank.to_string(),
                a.org.name_zh.clone(),
                a.org
                    .level
                    .map(|l| l.as_str().to_owned())
                    .unwrap_or_default(),
                match a.overview.last_inventory_at {
                    Some(t) if a.fresh => zian_domain::roc::format_roc_time(t),
                    Some(t) => format!("{}（逾 30 日）", zian_domain::roc::format_roc_time(t)),
                    None => "尚未匯入".into(),
                },
                a.overview.hosts.to_string(),
                a.declared_endpoints
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                open("critical"),
                open("high"),
                open("medium"),
                open("low"),
                a.overview.kev_open.to_string(),
                a.overview.overdue.to_string(),
                pct(a.handled_week),
            ]);
        }
        doc.table(agencies, true);
        doc.paragraph(format!(
            "統計時間：{}。數值依本月（臺北時間）通報及處置之弱點計算，所屬機關依 1 週內處置率排序。",
            zian_domain::roc::format_roc_time(r.now)
        ));
        Ok((r.org, doc))
    }
}
