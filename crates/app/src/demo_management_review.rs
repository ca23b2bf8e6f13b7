//! The demo's management reviews, recorded through the services as the
//! police bureau's officer would: last half-year's meeting held with its
//! minutes, decisions and two action items (one done, one now overdue),
//! and the next meeting scheduled in two weeks with its facts gathered —
//! so the agenda shows the prior actions and everything since. Last, the
//! bureau's implementation report of the year drafted from all of it.

use crate::corrective::{ActionInput, DoneInput};
use crate::management_review::{HeldInput, ItemInput, MinutesInput, ReviewInput};
use crate::{App, Result};

fn day(app: &App, days: i64) -> String {
    zian_domain::day::ymd(app.today().saturating_add(time::Duration::days(days)))
}

/// Each topic's discussion in last meeting's minutes.
const MINUTES: &[(&str, &str)] = &[
    (
        "prior_actions",
        "前次會議決議事項 3 案均已辦理完成，同意解除列管。",
    ),
    (
        "changes",
        "數位發展部修正發布資通安全責任等級分級辦法附表，本局應辦事項依新版檢視；上級機關要求於年底前完成端點偵測及應變機制導入。",
    ),
    (
        "plan_adequacy",
        "資通安全維護計畫之核心資通系統清單未納入新建置之110報案系統，請資訊室修訂。",
    ),
    (
        "objectives",
        "社交工程演練郵件點擊率 4.2%，已達成 ≦ 6% 之目標；弱點一週內處理率 78%，未達 90% 目標，請加強追蹤。",
    ),
    (
        "resources",
        "資安專責人員 1 人，尚缺專業課程 6 小時，請於年底前完成。",
    ),
    ("controls", "防護基準控制措施已完成 86%，其餘列入改善計畫。"),
    ("audit_results", "年度內部稽核發現 2 項，已提出矯正措施。"),
    ("nonconformities", "矯正措施 3 項辦理中，無逾期。"),
    (
        "risk",
        "高風險項目 2 項（報案系統主機未修補、備份異地存放不足），處理計畫進度正常。",
    ),
    (
        "incidents",
        "本期發生 1 件 1 級資安事件（釣魚郵件），已於時限內通報並完成處理。",
    ),
    (
        "stakeholders",
        "市府資訊中心建議各機關參加區域聯防情資分享。",
    ),
    ("improvement", "建議導入弱點修補自動化派送，縮短修補時間。"),
];

impl App {
    /// Seeds the police bureau's management reviews unless it has some.
    pub async fn seed_demo_management_review(&self) -> Result<()> {
        let Some(p) = self.demo_principal("officer.police").await? else {
            return Ok(());
        };
        let Some(pol) = p.assignments.first().map(|r| r.org_id.clone()) else {
            return Ok(());
        };
        if !self.management_reviews(&p, &pol).await?.reviews.is_empty() {
            return Ok(());
        }
        let held = self
            .create_management_review(
                &p,
                &pol,
                ReviewInput {
                    title: "資通安全管理審查會議（上半年度）".into(),
                    scheduled_on: day(self, -180),
                    place: "本局第一會議室".into(),
                    chair: "資通安全長 陳建宏".into(),
                },
            )
            .await?;
        let id = held.id.to_string();
        for (title, owner, due, done) in [
            (
                "修訂資通安全維護計畫之核心資通系統清單（納入110報案系統）",
                "資訊室",
                -150,
                Some((-140, "已修訂並經資通安全長核定")),
            ),
            (
                "弱點一週內處理率未達目標之機關內部追蹤機制",
                "資訊室",
                -30,
                None,
            ),
        ] {
            let a = self
                .raise_action(
                    &p,
                    ActionInput {
                        source: "management_review".into(),
                        source_id: id.clone(),
                        title: title.into(),
                        owner: owner.into(),
                        due_on: day(self, due),
                    },
                )
                .await?;
            if let Some((on, result)) = done {
                self.finish_action(
                    &p,
                    &a.id,
                    DoneInput {
                        result: result.into(),
                        done_on: Some(day(self, on)),
                    },
                )
                .await?;
            }
        }
        self.write_management_review_minutes(
            &p,
            &held.id,
            MinutesInput {
                chair: None,
                place: None,
                attendees: Some("陳建宏（資通安全長）\n王淑芬（人事室主任）\n林怡君（資安專責人員）\n黃俊傑（資訊室）".into()),
                decisions: Some("資通安全維護計畫核心資通系統清單修訂後陳核\n建立弱點處理率內部追蹤機制，每月於主管會報報告".into()),
                items: MINUTES
                    .iter()
                    .map(|(t, d)| ItemInput {
                        topic: (*t).into(),
                        notes: String::new(),
                        discussion: (*d).into(),
                    })
                    .collect(),
            },
        )
        .await?;
        self.hold_management_review(&p, &held.id, HeldInput { held_on: None })
            .await?;
        self.create_management_review(
            &p,
            &pol,
            ReviewInput {
                title: "資通安全管理審查會議（下半年度）".into(),
                scheduled_on: day(self, 14),
                place: "本局第一會議室".into(),
                chair: "資通安全長 陳建宏".into(),
            },
        )
        .await?;
        Ok(())
    }
}

impl App {
    /// Drafts the police bureau's implementation report of this year from
    /// everything the demo seeded (run last), unless it has one.
    pub async fn seed_demo_implementation_report(&self) -> Result<()> {
        let Some(p) = self.demo_principal("officer.police").await? else {
            return Ok(());
        };
        let Some(pol) = p.assignments.first().map(|r| r.org_id.clone()) else {
            return Ok(());
        };
        let year = self.today().year();
        if self
            .implementation_report(&p, &pol, Some(year))
            .await?
            .report
            .is_some()
        {
            return Ok(());
        }
        self.draft_implementation_report(
            &p,
            &pol,
            crate::implementation_report::DraftInput { year: Some(year) },
        )
        .await?;
        Ok(())
    }
}
