//! The demo's threat intelligence, recorded through the services at the
//! police bureau: an N-ISAC advisory on Shellshock being exploited (its CVE
//! meets the bureau's open VANS finding) classified and handled; the
//! regional defence centre's notice that one of the bureau's core hosts
//! talks to a command server (the host found in the register), classified
//! as an intrusion on a core system, the intrusion handled with the
//! incident it reported and the core impact still to assess; and a
//! phishing report with personal data in it, waiting for its analysis — so
//! the masking preview has something to mask.

use crate::intel::{ClassifyInput, HandlingInput, IntelInput};
use crate::{App, Result};

impl App {
    /// Seeds the demo's intelligence unless the police bureau has some.
    pub async fn seed_demo_intel(&self) -> Result<()> {
        let Some(officer) = self.demo_principal("officer.police").await? else {
            return Ok(());
        };
        let Some(pol) = officer.assignments.first().map(|r| r.org_id.clone()) else {
            return Ok(());
        };
        if !self.intel_list(&officer, &pol).await?.items.is_empty() {
            return Ok(());
        }
        let today = self.today();
        let day = |back: i64| zian_domain::day::ymd(today - time::Duration::days(back));

        let advisory = self
            .create_intel(
                &officer,
                &pol,
                IntelInput {
                    title: "N-ISAC 警訊：Bash Shellshock 漏洞遭大規模利用".into(),
                    source: "advisory".into(),
                    sender: "國家資通安全研究院 N-ISAC".into(),
                    received_on: Some(day(6)),
                    valid_until: Some(day(-60)),
                    text: "近期發現攻擊者大量掃描並利用 Bash Shellshock 漏洞（CVE-2014-6271）入侵未更新之 Linux 主機，植入挖礦及勒索程式。\n掃描來源：198.51.100.23、198.51.100.24\n下載站：hxxp://dl.bad-mirror[.]example/x.sh\n建議：立即更新 bash 並於防火牆阻擋上述來源。".into(),
                    indicators: String::new(),
                    names: String::new(),
                },
            )
            .await?;
        self.classify_intel(
            &officer,
            &advisory.id,
            ClassifyInput {
                categories: vec!["message".into()],
                reliability: "confirmed".into(),
                timeliness: "current".into(),
                note: "國家級警訊，本局弱點清單確有受影響主機".into(),
                names: None,
            },
        )
        .await?;
        self.handle_intel(
            &officer,
            &advisory.id,
            HandlingInput {
                category: "message".into(),
                action: "推動小組評估風險為高；受影響主機已排定更新 bash，防火牆已阻擋掃描來源與下載站。".into(),
                imminent: None,
                incident_id: None,
            },
        )
        .await?;

        let notice = self
            .create_intel(
                &officer,
                &pol,
                IntelInput {
                    title: "區域聯防中心通報：核心主機連線已知中繼站".into(),
                    source: "isac".into(),
                    sender: "高雄市資安聯防中心".into(),
                    received_on: Some(day(2)),
                    valid_until: None,
                    text: "貴局主機 10.20.1.15 於監控期間多次連線已知中繼站 203.0.113.77（hxxps://update-check[.]example[.]net/api.php），疑似遭植入後門，證據明確。\n樣本 SHA-256：9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
                    indicators: String::new(),
                    names: String::new(),
                },
            )
            .await?;
        self.classify_intel(
            &officer,
            &notice.id,
            ClassifyInput {
                categories: vec!["intrusion".into(), "core".into()],
                reliability: "probable".into(),
                timeliness: "current".into(),
                note: "10.20.1.15 為刑案資訊系統應用伺服器（核心資通系統）".into(),
                names: None,
            },
        )
        .await?;
        let incident = self
            .stores
            .incidents
            .list(
                &officer.scope(zian_domain::Permission::RecordRead),
                "",
                &zian_domain::incidents::IncidentFilter::default(),
                &zian_domain::ListQuery::all(50),
            )
            .await?
            .items
            .into_iter()
            .find(|i| i.org_id == pol)
            .map(|i| i.id);
        self.handle_intel(
            &officer,
            &notice.id,
            HandlingInput {
                category: "intrusion".into(),
                action:
                    "判斷有立即危險，已隔離主機並通報資安事件；通知各單位檢查是否連線相同中繼站。"
                        .into(),
                imminent: Some(incident.is_some()),
                incident_id: incident.map(|i| i.to_string()),
            },
        )
        .await?;

        self.create_intel(
            &officer,
            &pol,
            IntelInput {
                title: "釣魚郵件通報（含受害民眾資料）".into(),
                source: "advisory".into(),
                sender: "刑事警察局".into(),
                received_on: Some(day(0)),
                valid_until: None,
                text: "民眾王小明（身分證 A123456789，電話 0912-345-678，wang.xm@example.com.tw）反映收到冒名本局之釣魚郵件，寄件人 notice@police-tw[.]example，連結 hxxp://police-tw[.]example/verify。".into(),
                indicators: String::new(),
                names: "王小明".into(),
            },
        )
        .await?;
        Ok(())
    }
}
