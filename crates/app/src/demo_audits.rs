//! The demo's audits, recorded through the services as the police bureau's
//! officer and CISO would: this year's internal audit held and reported
//! today (three items, two findings; one corrective action done and
//! reviewed, one analysed and open), and next month's audit of the
//! bureau's maintenance vendor planned with seed 001's vendor checklist.

use zian_domain::ListQuery;
use zian_domain::audits::AuditKind;
use zian_storage::AuditFilter;

use crate::audits::{
    AnswerInput, AnswersInput, AuditInput, AuditorInput, FindingActionInput, ItemsInput,
    ReportInput,
};
use crate::corrective::{AnalysisInput, DoneInput, ReviewInput};
use crate::{App, Result};

fn day(app: &App, days: i64) -> String {
    zian_domain::day::ymd(app.today().saturating_add(time::Duration::days(days)))
}

fn team() -> Vec<AuditorInput> {
    vec![
        AuditorInput {
            name: "黃志明".into(),
            unit: "督察科".into(),
            trained_on: Some("2025-09-12".into()),
            lead: true,
            ..Default::default()
        },
        AuditorInput {
            name: "蔡佩君".into(),
            unit: "會計室".into(),
            trained_on: Some("2026-04-20".into()),
            ..Default::default()
        },
    ]
}

impl App {
    /// Seeds the police bureau's audits unless it has some.
    pub async fn seed_demo_audits(&self) -> Result<()> {
        let Some(p) = self.demo_principal("officer.police").await? else {
            return Ok(());
        };
        let Some(ciso) = self.demo_principal("ciso.police").await? else {
            return Ok(());
        };
        let Some(pol) = p.assignments.first().map(|r| r.org_id.clone()) else {
            return Ok(());
        };
        let existing = self
            .list_audits(&p, &pol, &AuditFilter::default(), &ListQuery::default())
            .await?;
        if existing.total > 0 {
            return Ok(());
        }
        // the bureau's own checklist for personal data, beside the shipped ones
        self.create_audit_checklist(
            &p,
            &pol,
            crate::audits::ChecklistInput {
                name: "個人資料保護查核項目表".into(),
                lines: [
                    "1.1 | 個人資料檔案 | 是否建立個人資料檔案清冊並定期更新？",
                    "1.2 | 個人資料檔案 | 是否指定個人資料檔案之保管人員？",
                    "2.1 | 存取控制 | 個人資料之存取是否依職務需要授權並留存紀錄？",
                    "2.2 | 存取控制 | 離職或調職人員之存取權限是否即時移除？",
                    "3.1 | 傳輸及儲存 | 含個人資料之檔案對外傳送時是否加密？",
                    "4.1 | 事故處理 | 個人資料外洩時是否依規定通報並通知當事人？",
                ]
                .join("\n"),
            },
        )
        .await?;
        // this year's internal audit, held today
        let v = self
            .plan_audit(
                &p,
                &pol,
                AuditInput {
                    title: format!("{} 年度內部資通安全稽核", self.today().year() - 1911),
                    starts_on: day(self, 0),
                    ends_on: day(self, 0),
                    notice_days: Some(0),
                    basis: "依本局資通安全維護計畫「資通安全稽核」章節，每年辦理一次內部稽核，確認各項管理及技術措施之落實。".into(),
                    focus: "帳號及權限管理、資料備份、委外廠商管理".into(),
                    method: "文件審閱、人員訪談及系統抽查".into(),
                    criteria: "資通安全責任等級分級辦法附表一、附表十；本局資通安全管理程序".into(),
                    secrecy: "稽核人員對稽核過程知悉之資料負保密義務，並簽署保密切結書。".into(),
                    auditee_support: "提供帳號清單、權限審查紀錄、備份及回復測試紀錄、委外合約。".into(),
                    auditee_units: vec!["資訊室".into()],
                    team: team(),
                    ..Default::default()
                },
            )
            .await?;
        let id = v.audit.id.clone();
        self.set_audit_items(
            &p,
            &id,
            ItemsInput {
                checklist: "custom".into(),
                lines: "A.1 | 存取控制 | 離職及調職人員之帳號是否即時停用或調整權限？\nA.2 | 存取控制 | 特權帳號是否每季審查並留存紀錄？\nB.1 | 備份 | 核心系統之備份是否每季進行回復測試？".into(),
            },
        )
        .await?;
        self.notify_audit(&p, &id).await?;
        self.answer_audit(
            &p,
            &id,
            AnswersInput {
                answers: vec![
                    AnswerInput {
                        item: 0,
                        answer: "conforms".into(),
                        note: "抽查 15 名離職人員之帳號均已停用。".into(),
                    },
                    AnswerInput {
                        item: 1,
                        answer: "nonconforms".into(),
                        note: "特權帳號本年第二、三季未審查。".into(),
                    },
                    AnswerInput {
                        item: 2,
                        answer: "nonconforms".into(),
                        note: "刑案資料查詢系統之備份未進行回復測試。".into(),
                    },
                ],
            },
        )
        .await?;
        let v = self
            .report_audit(
                &p,
                &id,
                ReportInput {
                    conclusion: "整體管理制度運作正常；特權帳號審查及備份回復測試二項待改善，請資訊室於期限內完成改善並提出證明資料。".into(),
                    actions: vec![FindingActionInput {
                        item: 1,
                        title: "建立特權帳號每季審查程序".into(),
                        owner: "資訊室".into(),
                        due_on: day(self, 14),
                    }],
                },
            )
            .await?;
        for (i, a) in v.actions.iter().enumerate() {
            self.analyse_action(
                &p,
                &a.id,
                AnalysisInput {
                    root_cause: if i == 0 {
                        "未訂定特權帳號之審查週期及負責人。".into()
                    } else {
                        "備份作業由委外廠商執行，合約未要求回復測試。".into()
                    },
                    similar: "已檢查其他核心系統，未發現類似缺失。".into(),
                    plan: if i == 0 {
                        "訂定每季審查程序，由資訊室主管覆核。".into()
                    } else {
                        "修訂委外合約，要求每季回復測試並提交紀錄。".into()
                    },
                },
            )
            .await?;
        }
        if let Some(first) = v.actions.first() {
            self.finish_action(
                &p,
                &first.id,
                DoneInput {
                    result: "已訂定特權帳號審查程序並完成第四季審查。".into(),
                    done_on: None,
                },
            )
            .await?;
            self.review_action(
                &ciso,
                &first.id,
                ReviewInput {
                    effective: true,
                    note: "抽查第四季審查紀錄完整，改善有效。".into(),
                    ..Default::default()
                },
            )
            .await?;
        }
        // next month's audit of the maintenance vendor, planned
        let v = self
            .plan_audit(
                &p,
                &pol,
                AuditInput {
                    kind: AuditKind::Vendor.as_str().into(),
                    title: "艾克米資訊股份有限公司委外廠商查核".into(),
                    starts_on: day(self, 30),
                    ends_on: day(self, 30),
                    basis: "依委外契約之資通安全要求，查核受託廠商之資通安全管理。".into(),
                    focus: "委外維運之資通安全管理".into(),
                    method: "書面審查及現場查核".into(),
                    vendor: "艾克米資訊股份有限公司".into(),
                    team: team(),
                    ..Default::default()
                },
            )
            .await?;
        self.set_audit_items(
            &p,
            &v.audit.id,
            ItemsInput {
                checklist: "vendor-001".into(),
                lines: String::new(),
            },
        )
        .await?;
        Ok(())
    }
}
