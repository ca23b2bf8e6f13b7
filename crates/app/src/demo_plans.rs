//! The demo's maintenance plan and risk register, recorded through the
//! services as the police bureau's officer would: the plan started from the
//! official template (seed 003), and five risks of the bureau's core systems
//! assessed on the default 1–3 scales, two above the acceptance threshold.
//! `zian demo` adds them after the demo tree (`seed_demo`), which tests of an
//! empty register and a first plan start from.

use zian_domain::{ListQuery, OrgScope};

use crate::plans::PlanStart;
use crate::risk::RiskInput;
use crate::{App, Result};

/// (asset, threat, weakness, asset value, likelihood, vulnerability, treatment, measures, owner, due in days)
type RiskSeed = (
    &'static str,
    &'static str,
    &'static str,
    u32,
    u32,
    u32,
    &'static str,
    &'static str,
    &'static str,
    i64,
);

const RISKS: [RiskSeed; 5] = [
    (
        "刑案資訊系統應用伺服器",
        "網頁應用程式遭植入後門（Web Shell）",
        "上傳功能未檢查檔案類型",
        3,
        3,
        2,
        "mitigate",
        "上傳功能加入副檔名及內容檢查，並部署網頁應用程式防火牆。",
        "資訊室 黃俊傑",
        30,
    ),
    (
        "刑案資訊系統資料庫伺服器",
        "勒索軟體加密資料",
        "備份與正式環境位於同一網段",
        3,
        2,
        3,
        "mitigate",
        "建立離線備份並每季辦理還原演練。",
        "資訊室 黃俊傑",
        60,
    ),
    (
        "110 報案受理系統",
        "機房電力中斷",
        "不斷電系統僅可支撐 15 分鐘",
        3,
        1,
        2,
        "mitigate",
        "汰換不斷電系統電池並與發電機連動測試。",
        "總務室",
        90,
    ),
    (
        "公務電子郵件",
        "社交工程郵件竊取帳密",
        "同仁點擊率高於目標值",
        2,
        3,
        1,
        "mitigate",
        "每半年辦理社交工程演練及教育訓練。",
        "資訊室",
        120,
    ),
    (
        "員警差勤系統",
        "委外廠商維護帳號遭濫用",
        "廠商共用帳號",
        1,
        2,
        2,
        "accept",
        "列管廠商帳號並每月檢視登入紀錄。",
        "人事室",
        0,
    ),
];

impl App {
    /// Seeds the police bureau's plan and risks unless it has some.
    pub async fn seed_demo_plans(&self) -> Result<()> {
        let all = OrgScope::system_wide();
        let orgs = self
            .stores
            .orgs
            .list(&all, &ListQuery::all(zian_domain::list::HARD_LIMIT))
            .await?
            .items;
        let Some(pol) = orgs.iter().find(|o| o.code.as_deref() == Some("PIF-POL")) else {
            return Ok(());
        };
        let Some(p) = self.demo_principal("officer.police").await? else {
            return Ok(());
        };
        if self
            .stores
            .plans
            .list(&all, Some(&pol.id))
            .await?
            .is_empty()
        {
            self.create_plan_version(
                &p,
                &pol.id,
                PlanStart::Template,
                "依行政院範本訂定 115 年度版本。",
            )
            .await?;
        }
        let register = self
            .risk_register(
                &p,
                &pol.id,
                &crate::risk::risk_filter(&[])?,
                &ListQuery::all(10),
            )
            .await?;
        if !register.risks.items.is_empty() {
            return Ok(());
        }
        let today = self.today();
        for (
            asset,
            threat,
            weakness,
            value,
            likelihood,
            vulnerability,
            treatment,
            measures,
            owner,
            days,
        ) in RISKS
        {
            self.create_risk(
                &p,
                &pol.id,
                RiskInput {
                    system_id: None,
                    asset: asset.into(),
                    threat: threat.into(),
                    weakness: weakness.into(),
                    asset_value: Some(value),
                    likelihood,
                    vulnerability,
                    threshold: None,
                    treatment: treatment.into(),
                    measures: Some(measures.into()),
                    owner: owner.into(),
                    due_on: (days > 0)
                        .then(|| zian_domain::day::ymd(today + time::Duration::days(days))),
                    residual_likelihood: (days > 0).then_some(1),
                    residual_vulnerability: (days > 0).then_some(1),
                    status: Some(if days > 0 { "treating" } else { "open" }.into()),
                },
            )
            .await?;
        }
        Ok(())
    }
}
