//! The demo's business continuity, recorded through the services as the
//! police bureau's officer would: four business processes of the impact
//! analysis (two critical with plans, one of them not reviewed for over a
//! year), a recovery drill of 110 dispatch completed with its report and
//! corrective actions, a notification drill, a tabletop drill planned, the
//! activation of the criminal records plan prompted by this morning's level
//! 3 web shell incident, and three rounds of the social-engineering drill.

use std::collections::HashMap;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zian_domain::continuity::Process;
use zian_domain::incidents::IncidentFilter;
use zian_domain::{ListQuery, OrgScope, Organisation, Permission, Principal};

use crate::continuity::{
    ActivationInput, CampaignInput, DrillInput, DrillResultInput, ProcessInput, RunStepInput,
};
use crate::corrective::{ActionInput, DoneInput};
use crate::{App, AppError, Result};

const H: i64 = 3600;
const D: i64 = 86_400;

fn rfc3339(t: i64) -> Result<String> {
    OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| d.format(&Rfc3339).ok())
        .ok_or_else(|| AppError::Internal(format!("demo time {t}")))
}

fn ymd(t: i64) -> String {
    zian_domain::day::ymd(zian_domain::day::of_unix(t))
}

/// `115 年上半年` for a day.
fn half_year(t: i64) -> String {
    let d = zian_domain::day::of_unix(t);
    let half = if u8::from(d.month()) <= 6 {
        "上半年"
    } else {
        "下半年"
    };
    format!("{} 年{half}", d.year() - 1911)
}

fn impacts(rows: [[u8; 5]; 4]) -> Option<Vec<Vec<u8>>> {
    Some(rows.iter().map(|r| r.to_vec()).collect())
}

impl App {
    /// Seeds the demo's continuity records unless the police bureau has
    /// some processes.
    pub(crate) async fn seed_demo_continuity(
        &self,
        by_code: &HashMap<&str, Organisation>,
    ) -> Result<()> {
        let Some(pol) = by_code.get("PIF-POL") else {
            return Ok(());
        };
        let all = OrgScope::system_wide();
        if !self
            .stores
            .continuity
            .all_processes(&all, Some(&pol.id))
            .await?
            .is_empty()
        {
            return Ok(());
        }
        let Some(p) = self.demo_principal("officer.police").await? else {
            return Ok(());
        };
        let now = self.now();
        let asset = |name: &'static str| self.demo_asset(pol, name);
        let app_server = asset("刑案資訊系統應用伺服器").await?;
        let db_server = asset("刑案資訊系統資料庫伺服器").await?;
        let ups = asset("機房不斷電系統").await?;
        let dispatch = self
            .save_process(
                &p,
                &pol.id,
                None,
                ProcessInput {
                    name: "110 報案受理及勤務派遣".into(),
                    owner_unit: Some("勤務指揮中心".into()),
                    description: Some("受理民眾 110 報案、派遣線上警力及追蹤處置結果。".into()),
                    impacts: impacts([
                        [0, 3, 1, 2, 2],
                        [1, 3, 2, 3, 3],
                        [1, 3, 3, 3, 3],
                        [2, 3, 3, 3, 3],
                    ]),
                    mtd_hours: Some(4),
                    rto_hours: Some(2),
                    rpo_hours: Some(0),
                    asset_ids: Some(ups.into_iter().collect()),
                    other_deps: Some("中華電信 110 專線、市府機房電力".into()),
                    grade: "high".into(),
                    activation: Some("報案受理系統中斷逾 30 分鐘，或第 3 級以上資通安全事件影響派遣作業，經資訊安全管理委員會召集人決定。".into()),
                    roles: Some("指揮官 | 資安長 | 副局長\n現場執行 | 資訊室主任 | 資訊室股長\n對外聯繫 | 勤務指揮中心主任 | 勤務指揮中心副主任".into()),
                    site: Some("備援勤務指揮中心（鳳山分局）".into()),
                    resources: Some("備援派遣主機開機正常\n無線電通訊系統可用\n紙本報案紀錄表及派遣簿".into()),
                    steps: Some("啟用備援勤務指揮中心並轉接 110 專線\n改以無線電及紙本派遣\n還原派遣系統資料庫至最近備份\n核對中斷期間之報案紀錄並補登".into()),
                    notify: Some("資訊安全管理委員會\n市府資訊中心\n各分局勤務中心".into()),
                    termination: Some("派遣系統恢復並完成中斷期間紀錄補登，經召集人決定結束。".into()),
                    ..ProcessInput::default()
                },
            )
            .await?;
        let records = self
            .save_process(
                &p,
                &pol.id,
                None,
                ProcessInput {
                    name: "刑案資料查詢及建檔".into(),
                    owner_unit: Some("刑事警察大隊".into()),
                    description: Some("偵查人員查詢及建檔刑案資料。".into()),
                    impacts: impacts([
                        [0, 1, 1, 1, 1],
                        [0, 2, 2, 2, 2],
                        [1, 3, 3, 3, 2],
                        [1, 3, 3, 3, 3],
                    ]),
                    mtd_hours: Some(24),
                    rto_hours: Some(8),
                    rpo_hours: Some(4),
                    asset_ids: Some(
                        app_server.iter().chain(db_server.iter()).cloned().collect(),
                    ),
                    other_deps: Some("系統維護廠商（聯合資訊）".into()),
                    grade: "high".into(),
                    activation: Some("刑案資訊系統無法使用逾 4 小時，或資通安全事件經判定須隔離應用伺服器。".into()),
                    roles: Some("指揮官 | 資安長 | 副局長\n系統復原 | 資訊室股長 | 資訊室工程師\n業務協調 | 刑事警察大隊隊長 | 刑事警察大隊副隊長".into()),
                    site: Some("本局機房（備援虛擬主機）".into()),
                    resources: Some("備援應用伺服器映像檔\n資料庫每日備份（異地）\n維護廠商到場支援".into()),
                    steps: Some("隔離受影響之應用伺服器\n以映像檔重建應用伺服器並更新修補程式\n驗證資料庫完整性並還原至最近備份\n開放查詢並監控異常存取".into()),
                    notify: Some("資訊安全管理委員會\n刑事警察局\n系統維護廠商".into()),
                    termination: Some("系統重建完成並經弱點掃描確認，恢復查詢 24 小時無異常。".into()),
                    ..ProcessInput::default()
                },
            )
            .await?;
        let traffic = self
            .save_process(
                &p,
                &pol.id,
                None,
                ProcessInput {
                    name: "交通違規裁罰作業".into(),
                    owner_unit: Some("交通警察大隊".into()),
                    impacts: impacts([
                        [0, 0, 0, 0, 0],
                        [1, 1, 0, 1, 0],
                        [2, 1, 1, 1, 1],
                        [2, 2, 1, 2, 1],
                    ]),
                    mtd_hours: Some(72),
                    rto_hours: Some(48),
                    rpo_hours: Some(24),
                    grade: "medium".into(),
                    ..ProcessInput::default()
                },
            )
            .await?;
        let attendance = self
            .save_process(
                &p,
                &pol.id,
                None,
                ProcessInput {
                    name: "員警差勤管理".into(),
                    owner_unit: Some("人事室".into()),
                    impacts: impacts([[0; 5], [0; 5], [1, 0, 0, 1, 0], [1, 1, 0, 1, 1]]),
                    mtd_hours: Some(168),
                    rto_hours: Some(72),
                    rpo_hours: Some(24),
                    grade: "low".into(),
                    ..ProcessInput::default()
                },
            )
            .await?;
        // reviewed this year, but criminal records last year
        for x in [&dispatch, &traffic, &attendance] {
            self.review_process(&p, &x.id).await?;
        }
        self.demo_reviewed_on(&records, now - 400 * D).await?;

        // the recovery drill of 110 dispatch, eighty days ago
        let started = now - 80 * D;
        let drill = self
            .save_drill(
                &p,
                &pol.id,
                None,
                DrillInput {
                    title: "110 派遣系統中斷復原演練".into(),
                    drill_kind: "recovery".into(),
                    planned_on: ymd(started),
                    process_ids: Some(vec![dispatch.id.to_string()]),
                    approved_by: Some("資訊安全管理委員會 115 年第 2 次會議".into()),
                    scenario: Some("機房電力異常致派遣主機停機，啟用備援勤務指揮中心。".into()),
                    participants: Some(
                        "資安長、資訊室 4 人、勤務指揮中心 6 人、鳳山分局 3 人".into(),
                    ),
                    steps: None,
                },
            )
            .await?;
        for (n, after) in [(0u32, 5 * 60), (1, 15 * 60), (2, 70 * 60), (3, 95 * 60)] {
            self.drill_step(
                &p,
                &drill.drill.id,
                RunStepInput {
                    part: None,
                    step: n,
                    done: true,
                    at: Some(rfc3339(started + after)?),
                },
            )
            .await?;
        }
        self.complete_drill(
            &p,
            &drill.drill.id,
            DrillResultInput {
                started_at: rfc3339(started)?,
                ended_at: rfc3339(started + 110 * 60)?,
                recovery_minutes: Some(95),
                problems: Some(
                    "備援派遣主機作業系統未更新，開機後需先安裝修補程式；紙本派遣簿版本過舊。"
                        .into(),
                ),
                improvements: Some("備援主機納入每月修補；派遣簿每季更新。".into()),
                result: "95 分鐘內恢復派遣作業，達成 RTO 2 小時。".into(),
            },
        )
        .await?;
        let fixed = self
            .raise_action(
                &p,
                ActionInput {
                    source: "drill".into(),
                    source_id: drill.drill.id.to_string(),
                    title: "備援派遣主機納入每月修補".into(),
                    owner: "資訊室".into(),
                    due_on: ymd(now - 50 * D),
                },
            )
            .await?;
        self.finish_action(
            &p,
            &fixed.id,
            DoneInput {
                result: "已列入每月修補排程，10 月已完成。".into(),
                done_on: Some(ymd(now - 55 * D)),
            },
        )
        .await?;
        self.raise_action(
            &p,
            ActionInput {
                source: "drill".into(),
                source_id: drill.drill.id.to_string(),
                title: "更新紙本派遣簿並每季檢視".into(),
                owner: "勤務指揮中心".into(),
                due_on: ymd(now + 20 * D),
            },
        )
        .await?;

        // a notification drill in the spring
        let notif_start = now - 170 * D;
        let notif = self
            .save_drill(
                &p,
                &pol.id,
                None,
                DrillInput {
                    title: "資通安全事件通報演練".into(),
                    drill_kind: "notification".into(),
                    planned_on: ymd(notif_start),
                    approved_by: Some("資訊安全管理委員會".into()),
                    scenario: Some("模擬第 2 級事件，於 1 小時內完成通報應變網站通報。".into()),
                    participants: Some("資安專責人員 2 人、資訊室主任".into()),
                    steps: Some("發現及研判事件等級\n通報資安長\n於通報應變網站完成通報".into()),
                    ..DrillInput::default()
                },
            )
            .await?;
        self.complete_drill(
            &p,
            &notif.drill.id,
            DrillResultInput {
                started_at: rfc3339(notif_start)?,
                ended_at: rfc3339(notif_start + 50 * 60)?,
                result: "50 分鐘內完成通報。".into(),
                ..DrillResultInput::default()
            },
        )
        .await?;
        // the tabletop drill of the criminal records plan, planned
        self.save_drill(
            &p,
            &pol.id,
            None,
            DrillInput {
                title: "刑案資訊系統書面流程演練".into(),
                drill_kind: "tabletop".into(),
                planned_on: ymd(now + 12 * D),
                process_ids: Some(vec![records.id.to_string()]),
                approved_by: Some("資訊安全管理委員會 115 年第 3 次會議".into()),
                scenario: Some("應用伺服器遭植入網頁後門，須隔離並重建。".into()),
                ..DrillInput::default()
            },
        )
        .await?;

        // this morning's level 3 incident prompted the criminal records plan
        let web_shell = self
            .stores
            .incidents
            .list(
                &all,
                &pol.path,
                &IncidentFilter::default(),
                &ListQuery::all(10),
            )
            .await?
            .items
            .into_iter()
            .find(|x| x.level().is_some_and(|l| l >= 3));
        if let Some(inc) = web_shell {
            let run = self
                .activate_plan(
                    &p,
                    &records.id,
                    ActivationInput {
                        decided_by: "資安長 陳建志".into(),
                        reason: Some(
                            "應用伺服器須隔離，刑案資料查詢中斷，經召集人決定啟動。".into(),
                        ),
                        decided_at: Some(rfc3339(inc.aware_at + H)?),
                        incident_id: Some(inc.id.to_string()),
                    },
                )
                .await?;
            for (part, n) in [("resources", 0u32), ("resources", 1), ("steps", 0)] {
                self.activation_step(
                    &p,
                    &run.activation.id,
                    RunStepInput {
                        part: Some(part.into()),
                        step: n,
                        done: true,
                        at: Some(rfc3339(inc.aware_at + H + 20 * 60)?),
                    },
                )
                .await?;
            }
        }

        // three rounds of the social-engineering drill, in three half-years
        // (185 days apart at least: no half-year is longer than 184 days)
        for (ago, participants, opened, clicked) in
            [(395, 410, 31, 12), (210, 420, 25, 9), (25, 425, 17, 6)]
        {
            let held = now - ago * D;
            self.record_campaign(
                &p,
                &pol.id,
                CampaignInput {
                    round: half_year(held),
                    held_on: ymd(held),
                    participants,
                    opened,
                    clicked,
                    note: Some("上級機關統一辦理之電子郵件社交工程演練".into()),
                    ..CampaignInput::default()
                },
            )
            .await?;
        }
        Ok(())
    }

    /// Backdates a process's last review (the demo's "not reviewed for a
    /// year"), as an administrator's correction would.
    async fn demo_reviewed_on(&self, x: &Process, at: i64) -> Result<()> {
        let mut x = x.clone();
        x.reviewed_on = Some(zian_domain::day::of_unix(at));
        let p: Option<Principal> = self.demo_principal("officer.police").await?;
        let Some(p) = p else { return Ok(()) };
        let e = p.event("continuity.process_reviewed", Some(&x.org_id), Some(&x.id));
        self.stores
            .continuity
            .save_process(&p.scope(Permission::RecordWrite), &x, false, e)
            .await?;
        Ok(())
    }
}
