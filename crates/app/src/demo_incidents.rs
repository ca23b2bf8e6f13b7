//! The demo's incidents, recorded through the services as the officers
//! would: the police bureau's ransomware outbreak of last month (level 2,
//! notified within the hour, recovered, reported, closed with its lessons),
//! the web shell found on its application server this morning (level 3, notified, awaiting the
//! supervisors' review and recovery), and the health bureau's phishing
//! incident (level 1, recovered, its report due).

use std::collections::HashMap;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zian_domain::incidents::IncidentFilter;
use zian_domain::{ListQuery, OrgScope, Organisation, Principal};

use crate::incidents::{ActionInput, CheckInput, IncidentInput, NoteInput};
use crate::{App, AppError, Result};

/// One step after awareness: seconds after it, the action (or `note`, or
/// `check` with the playbook step's number as its text), the text.
type Step = (i64, &'static str, &'static str);

const H: i64 = 3600;
const D: i64 = 86_400;

fn rfc3339(t: i64) -> Result<String> {
    OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| d.format(&Rfc3339).ok())
        .ok_or_else(|| AppError::Internal(format!("demo time {t}")))
}

impl App {
    /// Seeds the demo's incidents unless the police bureau has some.
    pub(crate) async fn seed_demo_incidents(
        &self,
        by_code: &HashMap<&str, Organisation>,
    ) -> Result<()> {
        let (Some(pol), Some(hlt)) = (by_code.get("PIF-POL"), by_code.get("PIF-HLT")) else {
            return Ok(());
        };
        let all = OrgScope::system_wide();
        if self
            .stores
            .incidents
            .list(
                &all,
                &pol.path,
                &IncidentFilter::default(),
                &ListQuery::all(1),
            )
            .await?
            .total
            > 0
        {
            return Ok(());
        }
        let now = self.now();
        if let Some(p) = self.demo_principal("officer.police").await? {
            self.demo_incident(
                &p,
                pol,
                IncidentInput {
                    title: "行政區電腦感染勒索軟體".into(),
                    description: Some("分局 6 台行政電腦檔案遭加密，端點防護偵測為 LockBit 變種；未波及核心系統。".into()),
                    asset_class: "non_core".into(),
                    confidentiality: "none".into(),
                    integrity: "serious".into(),
                    availability: "within_mtd".into(),
                    measures: Some("隔離受感染電腦、重設網域帳號密碼、以備份還原檔案。".into()),
                    playbook: Some("malware".into()),
                    ..demo_input("林意順", "分機 417")
                },
                now - 40 * D,
                &[
                    (10 * 60, "check", "0"),
                    (15 * 60, "check", "1"),
                    (15 * 60, "note", "隔離受感染電腦並中斷網路芳鄰分享"),
                    (2 * H, "check", "2"),
                    (20 * H, "check", "3"),
                    (40 * 60, "notified", "已於通報應變網站完成通報"),
                    (3 * H, "reviewed", "上級機關已審核"),
                    (20 * H, "recovered", "檔案已由備份還原，電腦重灌完成"),
                    (20 * D, "reported", "已送交調查、處理及改善報告"),
                    (21 * D, "closed", ""),
                ],
            )
            .await?;
            let app_server = self.demo_asset(pol, "刑案資訊系統應用伺服器").await?;
            self.demo_incident(
                &p,
                pol,
                IncidentInput {
                    title: "刑案資訊系統應用伺服器遭植入網頁後門".into(),
                    description: Some("端點偵測回應告警應用伺服器出現可疑網頁檔案，疑似 PHP 弱點遭利用並植入網頁後門。".into()),
                    asset_ids: app_server.map(|a| vec![a]),
                    asset_class: "core".into(),
                    confidentiality: "minor".into(),
                    integrity: "serious".into(),
                    availability: "within_mtd".into(),
                    data_kinds: Some(vec!["personal".into()]),
                    measures: Some("隔離應用伺服器、保留系統及防火牆紀錄、委請廠商檢視。".into()),
                    playbook: Some("intrusion".into()),
                    support_needed: Some("請求技術服務中心協助鑑識。".into()),
                    ..demo_input("王小明", "wang.police@demo.zian.example, 07-2345678")
                },
                now - 2 * H,
                &[
                    (10 * 60, "check", "0"),
                    (10 * 60, "note", "隔離應用伺服器並保留系統紀錄"),
                    (45 * 60, "notified", "已於通報應變網站完成第三級通報"),
                ],
            )
            .await?;
        }
        if let Some(p) = self.demo_principal("officer.health").await? {
            let web = self.demo_asset(hlt, "官網").await?;
            self.demo_incident(
                &p,
                hlt,
                IncidentInput {
                    title: "同仁點擊釣魚郵件致帳號遭盜用".into(),
                    description: Some(
                        "一名同仁點擊偽冒郵件並輸入帳號密碼，帳號被用以寄送垃圾郵件。".into(),
                    ),
                    asset_ids: web.map(|a| vec![a]),
                    asset_class: "non_core".into(),
                    confidentiality: "minor".into(),
                    integrity: "none".into(),
                    availability: "none".into(),
                    measures: Some("停用帳號、重設密碼、封鎖寄件來源。".into()),
                    ..demo_input("陳淑芬", "分機 233")
                },
                now - 3 * D,
                &[
                    (30 * 60, "notified", "已完成通報"),
                    (6 * H, "reviewed", ""),
                    (26 * H, "recovered", "帳號已重設並啟用多因子驗證"),
                ],
            )
            .await?;
        }
        Ok(())
    }

    /// The first asset of the organisation whose name contains `name`.
    pub(crate) async fn demo_asset(
        &self,
        org: &Organisation,
        name: &str,
    ) -> Result<Option<String>> {
        let page = self
            .stores
            .assets
            .list(&OrgScope::system_wide(), &org.id, &ListQuery::all(500))
            .await?;
        Ok(page
            .items
            .into_iter()
            .find(|a| a.name.contains(name))
            .map(|a| a.id.to_string()))
    }

    async fn demo_incident(
        &self,
        p: &Principal,
        org: &Organisation,
        mut input: IncidentInput,
        aware: i64,
        steps: &[Step],
    ) -> Result<()> {
        input.aware_at = rfc3339(aware)?;
        input.occurred_at = Some(rfc3339(aware - 20 * 60)?);
        let v = self.record_incident(p, &org.id, input).await?;
        let id = v.incident.id;
        for (after, action, text) in steps {
            let at = Some(rfc3339(aware + after)?);
            let text = Some((*text).to_string()).filter(|t| !t.is_empty());
            if *action == "check" {
                let step = text.as_deref().unwrap_or("0").parse().unwrap_or(0);
                self.check_incident_step(p, &id, CheckInput { step, done: true })
                    .await?;
                continue;
            }
            if *action == "note" {
                let text = text.unwrap_or_default();
                self.add_incident_note(
                    p,
                    &id,
                    NoteInput {
                        at,
                        text,
                        evidence_id: None,
                    },
                )
                .await?;
                continue;
            }
            let closing = *action == "closed";
            self.incident_action(
                p,
                &id,
                ActionInput {
                    action: (*action).to_string(),
                    at,
                    text,
                    root_cause: closing.then(|| "分局電腦未安裝最新修補，使用者開啟惡意附件。".into()),
                    lessons: closing
                        .then(|| "加強社交工程演練、行政電腦納入集中修補管理、備份離線保存。".into()),
                    follow_up: closing.then(|| {
                        "行政電腦集中修補於 3 個月內完成，每月資安會議追蹤修補率；下次社交工程演練檢視點擊率。".into()
                    }),
                },
            )
            .await?;
        }
        Ok(())
    }
}

/// The fields every demo incident fills the same way.
fn demo_input(reporter: &str, contact: &str) -> IncidentInput {
    IncidentInput {
        reporter: reporter.into(),
        reporter_contact: Some(contact.into()),
        ..IncidentInput::default()
    }
}
