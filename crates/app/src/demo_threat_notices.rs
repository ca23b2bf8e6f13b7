//! The demo's threat notice: the Kaohsiung regional joint-defence
//! supervisor drives the agencies of its region through Shellshock being
//! exploited (the CVE meets the police bureau's open VANS finding). The
//! police bureau found itself affected and is isolating the host, with its
//! incident named; the health bureau confirmed it is not affected; the
//! Penghu agencies have not answered yet — so the board has every state.

use crate::threat_notices::{NoticeInput, ReportInput};
use crate::{App, Result};

impl App {
    /// Seeds the demo's threat notice unless the region has one.
    pub async fn seed_demo_threat_notices(&self) -> Result<()> {
        let Some(sup) = self.demo_principal("supervisor.khh").await? else {
            return Ok(());
        };
        let Some(khh) = sup.assignments.first().map(|r| r.org_id.clone()) else {
            return Ok(());
        };
        let list = self.threat_notice_list(&sup, &khh).await?;
        if !list.issued.is_empty() {
            return Ok(());
        }
        let targets: Vec<String> = list
            .targets
            .iter()
            .filter(|o| {
                matches!(
                    o.code.as_deref(),
                    Some("PIF-POL" | "PIF-HLT" | "PEN-FIRE" | "PEN-CUL")
                )
            })
            .map(|o| o.id.to_string())
            .collect();
        if targets.is_empty() {
            return Ok(());
        }
        let due = zian_domain::day::ymd(self.today() + time::Duration::days(5));
        let n = self
            .issue_threat_notice(
                &sup,
                &khh,
                NoticeInput {
                    title: "Bash Shellshock 漏洞遭大規模利用，請各機關清查處理".into(),
                    severity: "critical".into(),
                    text: "區域聯防中心偵測到針對轄內機關 Linux 主機之 Shellshock（CVE-2014-6271）大規模掃描與利用，已有主機遭植入後門。\n請各機關：一、清查使用 bash 之主機及對外服務；二、確認是否受影響；三、受影響者隔離主機、更新 bash 並阻擋掃描來源 198.51.100.23、198.51.100.24；四、依程序通報資安事件並回報處理進度。".into(),
                    cves: "CVE-2014-6271".into(),
                    due_on: due,
                    targets,
                    intel_id: None,
                },
            )
            .await?;
        let report = |step: &str, note: &str, affected: Option<bool>, incident: Option<String>| {
            ReportInput {
                step: step.into(),
                note: note.into(),
                affected,
                incident_id: incident,
                evidence_id: None,
            }
        };
        if let Some(officer) = self.demo_principal("officer.police").await? {
            let v = self.threat_notice(&officer, &n.id).await?;
            if let Some(row) = v.rows.first() {
                let rid = zian_domain::ThreatResponseId::from(row.response_id.as_str());
                let incident = v
                    .incidents
                    .iter()
                    .find(|(_, _, t)| t.contains("刑案"))
                    .map(|(_, id, _)| id.clone());
                for r in [
                    report(
                        "investigate",
                        "已依弱點清單清查，刑案資訊系統應用伺服器 pol-app-01 之 bash 版本受影響。",
                        None,
                        None,
                    ),
                    report(
                        "confirm",
                        "確認 pol-app-01 遭掃描並有異常連線，已通報資安事件。",
                        Some(true),
                        incident,
                    ),
                    report(
                        "plan",
                        "擬定處理計畫：隔離主機、更新 bash、比對網頁目錄與排程，完成後復原上線。",
                        None,
                        None,
                    ),
                    report(
                        "isolate",
                        "已將 pol-app-01 移出服務區並限制對外連線，改由備援主機服務。",
                        None,
                        None,
                    ),
                ] {
                    self.report_threat_step(&officer, &rid, r).await?;
                }
            }
        }
        if let Some(officer) = self.demo_principal("officer.health").await? {
            let v = self.threat_notice(&officer, &n.id).await?;
            if let Some(row) = v.rows.first() {
                let rid = zian_domain::ThreatResponseId::from(row.response_id.as_str());
                for r in [
                    report(
                        "investigate",
                        "清查本局主機，對外服務均為 Windows 平台，內部 Linux 主機 bash 已於 112 年更新。",
                        None,
                        None,
                    ),
                    report(
                        "confirm",
                        "確認未受影響，已於防火牆阻擋通報之掃描來源。",
                        Some(false),
                        None,
                    ),
                ] {
                    self.report_threat_step(&officer, &rid, r).await?;
                }
            }
        }
        Ok(())
    }
}
