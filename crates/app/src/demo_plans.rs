//! The demo's maintenance plan and risk register, recorded through the
//! services as the police bureau's officer would: the plan started from the
//! official template (seed 003), and five risks of the bureau's core systems
//! assessed on the default 1–3 scales, two above the acceptance threshold.
//! `zian demo` adds them after the demo tree (`seed_demo`), which tests of an
//! empty register and a first plan start from.

use zian_domain::{ListQuery, OrgId, OrgScope};
use zian_rules::{Dimension, Impact};

use crate::plans::PlanStart;
use crate::risk::RiskInput;
use crate::systems::{ControlInput, GradingInput, SystemInput};
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

/// (unit and rank, name, group, duties, extension, deputy)
const ROSTER: [(&str, &str, &str, &str, &str, &str); 5] = [
    (
        "副局長",
        "陳建宏",
        "資通安全長",
        "資通安全政策及目標之核定、資源分配及防護措施之監督。",
        "2001",
        "吳淑芬",
    ),
    (
        "資訊室主任",
        "吳淑芬",
        "策略規劃組",
        "資通安全政策及目標之研議，年度工作計畫之擬定。",
        "2101",
        "林怡君",
    ),
    (
        "資訊室股長",
        "林怡君",
        "資安防護組",
        "資通安全事件通報及應變、弱點管理及資產盤點。",
        "2112",
        "黃俊傑",
    ),
    (
        "資訊室警務員",
        "黃俊傑",
        "資安防護組",
        "資通系統之安全防護措施執行及修補。",
        "2115",
        "林怡君",
    ),
    (
        "督察室督察員",
        "張雅婷",
        "績效管理組",
        "內部稽核及改善措施之追蹤。",
        "2201",
        "吳淑芬",
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
        self.seed_demo_systems(&p, &pol.id).await?;
        if self
            .stores
            .plans
            .list(&all, Some(&pol.id))
            .await?
            .is_empty()
        {
            let v = self
                .create_plan_version(
                    &p,
                    &pol.id,
                    PlanStart::Template,
                    "依行政院範本訂定 115 年度版本。",
                )
                .await?;
            // the roster of seed 001 form 1, as the bureau keeps it
            let view = self.plan_view(&p, &v.id).await?;
            let mut chapter = view
                .content
                .as_json()
                .get("organisation")
                .cloned()
                .unwrap_or_else(|| serde_json::json!({}));
            if let Some(c) = chapter.as_object_mut() {
                c.insert("ciso_name".into(), "陳建宏".into());
                c.insert("ciso_title".into(), "副局長".into());
                c.insert(
                    "roster_date".into(),
                    zian_domain::day::ymd(self.today()).into(),
                );
                c.insert("members".into(), ROSTER.iter().map(|(unit, name, group, duties, ext, deputy)| {
                    serde_json::json!({"unit_title": unit, "name": name, "group": group, "duties": duties, "extension": ext, "deputy": deputy})
                }).collect());
            }
            self.update_plan_chapter(&p, &v.id, "organisation", &chapter)
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

/// (name, owner, description, availability grade)
type SystemSeed = (&'static str, &'static str, &'static str, Impact);

const SYSTEMS: [SystemSeed; 2] = [
    (
        "110 報案受理系統",
        "勤務指揮中心",
        "民眾 110 報案之受理、派遣及紀錄，全年無休。",
        Impact::High,
    ),
    (
        "刑案資訊系統",
        "資訊室",
        "刑案紀錄之登錄、查詢及統計。",
        Impact::Medium,
    ),
];

impl App {
    /// The bureau's two core systems, graded (附表九) and with the baseline
    /// controls' status recorded (附表十): most implemented with their
    /// evidence, some partial, some planned, a few not yet reported.
    async fn seed_demo_systems(&self, p: &zian_domain::Principal, org: &OrgId) -> Result<()> {
        let (_, existing) = self.list_systems(p, org, &ListQuery::all(10)).await?;
        if !existing.items.is_empty() {
            return Ok(());
        }
        let q = self.questionnaire()?;
        let today = self.today();
        for (name, owner, description, availability) in SYSTEMS {
            let system = self
                .create_system(
                    p,
                    org,
                    SystemInput {
                        name: name.into(),
                        owner: owner.into(),
                        description: Some(description.into()),
                    },
                )
                .await?;
            // availability graded as given, the other dimensions medium
            let answers: serde_json::Map<String, serde_json::Value> = q
                .questions
                .iter()
                .filter_map(|x| {
                    let want = if x.dimension == Dimension::A {
                        availability
                    } else {
                        Impact::Medium
                    };
                    let o = x
                        .options
                        .iter()
                        .filter(|o| o.grade <= want)
                        .max_by_key(|o| o.grade)?;
                    Some((x.id.clone(), o.id.clone().into()))
                })
                .collect();
            self.grade_system(
                p,
                &system.id,
                GradingInput {
                    answers: answers.into(),
                    assessor: "林怡君".into(),
                    approver: "陳建宏".into(),
                    assessed_on: None,
                },
            )
            .await?;
            let view = self.system_view(p, &system.id).await?;
            for (i, row) in view.soa.iter().filter(|r| r.required).enumerate() {
                let input = match i % 9 {
                    8 => continue,
                    5 => ControlInput {
                        status: "planned".into(),
                        planned_on: Some(zian_domain::day::ymd(today + time::Duration::days(120))),
                        owner: "資訊室 黃俊傑".into(),
                        ..Default::default()
                    },
                    3 => ControlInput {
                        status: "partial".into(),
                        owner: "資訊室 黃俊傑".into(),
                        evidence: Some("已訂定程序，尚未全面實施。".into()),
                        ..Default::default()
                    },
                    _ => ControlInput {
                        status: "implemented".into(),
                        owner: "資訊室 林怡君".into(),
                        evidence: Some("115 年度內部稽核確認。".into()),
                        ..Default::default()
                    },
                };
                self.set_control_status(p, &system.id, &row.control.id, input)
                    .await?;
            }
        }
        Ok(())
    }
}
