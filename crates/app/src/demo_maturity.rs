//! The demo's L1–L5 programmes, recorded through the services: the police
//! bureau's started ten months ago with its phase tasks and milestones,
//! every month since reported by the officer (scores, typed key results,
//! the narrative), signed and published by the CISO's review — so the
//! dashboard, the OKR quarters and the charts have a history — and this
//! month left for the draft; the health bureau's started four months ago
//! with three months submitted and awaiting a review, so the supervisor's
//! comparison has two rows. The police's last three months have their
//! review meetings minuted with a resolution each and an action item: the
//! oldest done, the next open past its deadline, the last open.

use zian_domain::maturity::Month;

use zian_domain::maturity::Agenda;

use crate::corrective::{ActionInput, DoneInput};
use crate::maturity::{
    AgendaNoteInput, LayerScoreInput, MeetingInput, ProgrammeInput, ReportEditInput, ReportInput,
    ResolutionInput, ReviewInput, TaskInput, TaskStatusInput, ValueInput,
};
use crate::{App, Result};

/// A phase task: phase, layer ("": a milestone), programme month of a
/// milestone, title, done by programme month (none: open).
type DemoTask = (u8, &'static str, Option<u8>, &'static str, Option<i32>);

const TASKS: &[DemoTask] = &[
    (1, "l1", None, "關鍵系統盤點（含RTO/RPO定義）", Some(1)),
    (1, "l1", None, "HA方案評估", Some(2)),
    (1, "l1", None, "HA設備採購與部署", Some(3)),
    (1, "l1", None, "備份策略優化", Some(3)),
    (1, "l2", None, "SIEM方案評估", Some(1)),
    (1, "l2", None, "日誌採集範圍定義", Some(2)),
    (1, "l2", None, "SIEM系統部署與基本告警", Some(3)),
    (1, "", Some(1), "關鍵系統清冊與RTO/RPO完成", Some(1)),
    (1, "", Some(2), "HA配置50%完成、SIEM系統上線", Some(2)),
    (1, "", Some(3), "HA配置100%完成、基本告警生效", Some(4)),
    (2, "l2", None, "告警規則擴充至20條", None),
    (2, "l5", None, "文檔差異清查", Some(5)),
    (2, "l3", None, "自助服務入口規劃", Some(6)),
    (3, "l4", None, "例行作業自動化盤點", Some(8)),
    (3, "l4", None, "弱點修補派送自動化", None),
    (3, "l3", None, "使用者滿意度調查", Some(9)),
    (4, "l5", None, "ISO 27001 驗證稽核", None),
];

/// A month's scores (L1–L5) at programme month `i` (1-based).
fn scores(i: i32) -> [f64; 5] {
    let x = f64::from(i);
    let r = |v: f64| (v * 10.0).round() / 10.0;
    [
        r(2.0 + 0.07 * x),
        r(1.5 + 0.07 * x),
        r(1.0 + 0.04 * x),
        r(1.0 + 0.03 * x),
        r(1.5 + 0.06 * x),
    ]
}

/// The typed key results' values at programme month `i`.
fn typed(i: i32) -> Vec<(&'static str, f64, &'static str)> {
    let x = f64::from(i);
    let r = |v: f64| (v * 10.0).round() / 10.0;
    vec![
        ("KR1.1", r(98.5 + 0.08 * x), "監控系統月報"),
        ("KR1.2", r((x * 10.0).min(100.0)), "HA配置清冊"),
        ("KR2.2", r(60.0 + 2.5 * x), "SIEM日誌來源比對"),
        ("KR2.3", (5 + i + i / 2) as f64, "SIEM告警規則清單"),
        ("KR2.4", if i >= 6 { 100.0 } else { 0.0 }, "威脅狩獵紀錄"),
        ("KR3.1", r(2.5 + 0.1 * x), "使用者滿意度問卷"),
        ("KR3.2", r(20.0 + 3.0 * x), "服務台工單統計"),
        ("KR4.1", r(20.0 + 2.0 * x), "自動化作業清單"),
        ("KR5.4", r(40.0 + 3.0 * x), "文件管理系統"),
    ]
}

impl App {
    /// Seeds the demo's programmes unless the police bureau has one.
    pub async fn seed_demo_maturity(&self) -> Result<()> {
        let (Some(officer), Some(ciso)) = (
            self.demo_principal("officer.police").await?,
            self.demo_principal("ciso.police").await?,
        ) else {
            return Ok(());
        };
        let Some(pol) = officer.assignments.first().map(|r| r.org_id.clone()) else {
            return Ok(());
        };
        if self.maturity(&officer, &pol).await?.programme.is_some() {
            return Ok(());
        }
        let this = self.this_month();
        let starts: Month = this.last(11)[0];
        let x = self
            .create_maturity_programme(
                &officer,
                &pol,
                ProgrammeInput {
                    title: "L1-L5營運框架（18個月）".into(),
                    starts: starts.to_string(),
                },
            )
            .await?;
        let mut numbers = Vec::new();
        for (phase, layer, month, title, _) in TASKS {
            let p = self
                .add_maturity_task(
                    &officer,
                    &x.id,
                    TaskInput {
                        layer: (!layer.is_empty()).then(|| (*layer).to_string()),
                        phase: *phase,
                        programme_month: *month,
                        title: (*title).into(),
                        milestone: layer.is_empty(),
                    },
                )
                .await?;
            numbers.push(p.body.tasks.iter().map(|t| t.number).max().unwrap_or(0));
        }
        for (n, (.., done)) in numbers.iter().zip(TASKS) {
            if done.is_some_and(|d| d < 11) {
                self.set_maturity_task(
                    &officer,
                    &x.id,
                    TaskStatusInput {
                        number: *n,
                        done: true,
                    },
                )
                .await?;
            }
        }
        // the seed's risks, an issue, the hours and budget to date; the
        // staffing risk linked to the register's
        let register = self
            .stores
            .risk
            .list(
                &officer.scope(zian_domain::Permission::RecordRead),
                &pol,
                &zian_domain::risk::RiskFilter::default(),
                &zian_domain::ListQuery::all(1),
            )
            .await?
            .items
            .first()
            .map(|r| r.id.to_string());
        let risk = |code: &str, d: &str, i: &str, l: &str, resp: &str, owner: &str, st: &str| {
            crate::maturity::RiskInput {
                code: code.into(),
                description: d.into(),
                impact: i.into(),
                likelihood: l.into(),
                response: resp.into(),
                owner: owner.into(),
                status: st.into(),
                risk_id: None,
            }
        };
        let mut staffing = risk(
            "R002",
            "人力資源不足",
            "high",
            "high",
            "外部顧問支援＋招聘",
            "IT主管",
            "open",
        );
        staffing.risk_id = register;
        let amount = |name: &str, planned: f64, actual: f64| crate::maturity::AmountInput {
            name: name.into(),
            planned,
            actual,
        };
        let found = zian_domain::day::ymd(zian_domain::day::of_unix(x.month_at(3).start()));
        let due = zian_domain::day::ymd(zian_domain::day::of_unix(x.month_at(9).start()));
        self.edit_maturity_tracking(
            &officer,
            &x.id,
            crate::maturity::TrackingInput {
                risks: vec![
                    risk(
                        "R001",
                        "預算不足影響Phase 1實施",
                        "high",
                        "medium",
                        "分階段實施，優先關鍵項",
                        "管理層",
                        "open",
                    ),
                    staffing,
                    risk(
                        "R003",
                        "HA設備採購延遲",
                        "medium",
                        "low",
                        "提前規劃＋備選方案",
                        "採購",
                        "planned",
                    ),
                ],
                issues: vec![crate::maturity::IssueInput {
                    code: String::new(),
                    description: "SIEM日誌來源未涵蓋端點".into(),
                    found_on: found,
                    impact: "medium".into(),
                    status: "open".into(),
                    resolution: "導入EDR並轉送日誌".into(),
                    owner: "資訊室".into(),
                    due_on: Some(due),
                }],
                hours: vec![
                    amount("系統管理員", 480.0, 452.0),
                    amount("資安專員", 400.0, 436.0),
                    amount("IT支援專員", 240.0, 198.0),
                    amount("DevOps工程師", 320.0, 264.0),
                    amount("資安合規專員", 200.0, 212.0),
                    amount("外部顧問", 160.0, 120.0),
                ],
                budget: vec![
                    amount("L1可靠性", 1_200_000.0, 1_080_000.0),
                    amount("L2防禦監控", 900_000.0, 960_000.0),
                    amount("L3使用者體驗", 150_000.0, 60_000.0),
                    amount("L4自動化", 200_000.0, 80_000.0),
                    amount("L5文件合規", 120_000.0, 95_000.0),
                    amount("外部顧問", 480_000.0, 360_000.0),
                ],
            },
        )
        .await?;
        let mut published = Vec::new();
        for i in 1..=10 {
            let month = x.month_at(i);
            let id = self
                .demo_month(&officer, Some(&ciso), &x.id, month, i)
                .await?;
            published.push((month, id));
        }
        // the last three months' review meetings, their action items
        for (n, (month, id)) in published.iter().skip(7).enumerate() {
            self.demo_meeting(&officer, id, *month, n).await?;
        }

        // the health bureau: three months submitted, awaiting a review
        let Some(health) = self.demo_principal("officer.health").await? else {
            return Ok(());
        };
        let Some(org) = health.assignments.first().map(|r| r.org_id.clone()) else {
            return Ok(());
        };
        let y = self
            .create_maturity_programme(
                &health,
                &org,
                ProgrammeInput {
                    title: "L1-L5營運框架".into(),
                    starts: this.last(4)[0].to_string(),
                },
            )
            .await?;
        for i in 1..=3 {
            self.demo_month(&health, None, &y.id, y.month_at(i), i)
                .await?;
        }
        Ok(())
    }

    /// One month drafted, filled, signed and published.
    async fn demo_month(
        &self,
        officer: &zian_domain::Principal,
        reviewer: Option<&zian_domain::Principal>,
        programme: &zian_domain::MaturityProgrammeId,
        month: Month,
        i: i32,
    ) -> Result<zian_domain::MaturityReportId> {
        let r = self
            .create_maturity_report(
                officer,
                programme,
                ReportInput {
                    month: month.to_string(),
                },
            )
            .await?;
        let s = scores(i);
        let notes = [
            (
                "完成關鍵系統盤點與HA設備建置",
                "持續擴充HA至其餘關鍵系統",
                "HA設備交期延遲風險",
            ),
            (
                "SIEM蒐集核心系統日誌並建立告警",
                "擴充告警規則並執行威脅狩獵",
                "日誌來源尚未涵蓋端點",
            ),
            ("完成自助服務需求訪談", "建置申請表單線上化", ""),
            ("盤點例行作業可自動化項目", "規劃修補派送自動化", "人力不足"),
            ("完成文檔差異清查", "更新程序書並同步至文件系統", ""),
        ];
        self.edit_maturity_report(
            officer,
            &r.id,
            ReportEditInput {
                layers: ["l1", "l2", "l3", "l4", "l5"]
                    .iter()
                    .zip(s)
                    .zip(notes)
                    .map(|((l, m), (done, next, issues))| LayerScoreInput {
                        layer: (*l).into(),
                        maturity: m,
                        tasks_done: done.into(),
                        next_tasks: next.into(),
                        issues: issues.into(),
                    })
                    .collect(),
                values: typed(i)
                    .into_iter()
                    .map(|(kr, v, note)| ValueInput {
                        kr: kr.into(),
                        value: Some(v),
                        note: note.into(),
                    })
                    .collect(),
                achievements: format!(
                    "完成第 {i} 個月預定任務\nL1成熟度提升至 {:.1}\nSIEM告警規則累計 {} 條",
                    s[0],
                    5 + i + i / 2
                ),
                challenges: "預算執行進度落後\n資安人力仍不足".into(),
                next_focus: "持續推動HA與SIEM擴充\n準備下階段文檔同步".into(),
                highlights: if i == 4 {
                    "HA切換演練成功，核心系統切換時間 4 分鐘。".into()
                } else {
                    String::new()
                },
                lessons: if i == 6 {
                    "告警規則需先定義處置流程，避免告警疲勞。".into()
                } else {
                    String::new()
                },
            },
        )
        .await?;
        self.submit_maturity_report(officer, &r.id).await?;
        if let Some(reviewer) = reviewer {
            self.review_maturity_report(
                reviewer,
                &r.id,
                ReviewInput {
                    approve: true,
                    note: String::new(),
                },
            )
            .await?;
        }
        Ok(r.id)
    }

    /// A month's review meeting on the 28th with its resolutions; its
    /// action items raised, the older ones done (the `n`th of the three
    /// months: 0 oldest).
    async fn demo_meeting(
        &self,
        officer: &zian_domain::Principal,
        id: &zian_domain::MaturityReportId,
        month: Month,
        n: usize,
    ) -> Result<()> {
        let day = |m: Month, d: u8| format!("{m}-{d:02}");
        let next = month.next();
        let notes = [
            "L1、L2 依計畫推進；L4 自動化落後，人力為主因。",
            "KR2.1 MTTR 已低於 4 小時；KR2.3 告警規則距目標尚差 5 條。",
            "R002 預算風險維持中度；HA 設備交期延遲問題已解決。",
            "下月完成修補派送自動化 PoC，並啟動文件同步。",
            "外部顧問工時使用率 75%，下月需增加 DevOps 支援 20 小時。",
        ];
        let (decision, owner, action) = [
            (
                "告警規則於下月底前擴充至 20 條",
                "資訊室 SOC 組",
                "新增 5 條橫向移動告警規則",
            ),
            (
                "修補派送自動化 PoC 提前至下月中完成",
                "資訊室系統組",
                "完成修補派送自動化 PoC",
            ),
            (
                "SIEM 納管端點日誌",
                "資訊室 SOC 組",
                "端點日誌送 SIEM 並驗證完整性",
            ),
        ][n];
        self.record_maturity_meeting(
            officer,
            id,
            MeetingInput {
                meeting_on: day(month, 28),
                chair: "資訊室主任".into(),
                attendees: "資安長、資訊室主任、資安專責人員、系統管理員、外部顧問".into(),
                minutes: Agenda::ALL
                    .iter()
                    .zip(notes)
                    .map(|(a, note)| AgendaNoteInput {
                        item: a.as_str().into(),
                        note: note.into(),
                    })
                    .collect(),
                resolutions: vec![ResolutionInput {
                    decision: decision.into(),
                    owner: owner.into(),
                    due_on: day(next, 15),
                }],
            },
        )
        .await?;
        let a = self
            .raise_action(
                officer,
                ActionInput {
                    source: "maturity_report".into(),
                    source_id: id.to_string(),
                    title: action.into(),
                    owner: owner.into(),
                    due_on: day(next, 15),
                },
            )
            .await?;
        // the oldest done; the second left open past its deadline; the
        // last month's open
        if n == 0 {
            self.finish_action(
                officer,
                &a.id,
                DoneInput {
                    result: "已新增 5 條規則並完成誤報調校".into(),
                    done_on: Some(day(next, 12)),
                },
            )
            .await?;
        }
        Ok(())
    }
}
