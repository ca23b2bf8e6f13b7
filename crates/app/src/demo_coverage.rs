//! The demo's endpoint coverage at the police bureau: the EDR console's
//! export of five devices — the application server covered, the database
//! server's agent silent for ten days, an investigator's PC on two
//! networks, a notebook the register lists as retired still online without
//! EDR, and a PC the register does not hold — and the SOC's alerts of the
//! last days, one still open. The core switch and the firewall have no
//! agent at all.

use crate::coverage::ImportInput;
use crate::{App, Result};

impl App {
    /// Seeds the demo's coverage unless the police bureau has an export.
    pub async fn seed_demo_coverage(&self) -> Result<()> {
        let Some(officer) = self.demo_principal("officer.police").await? else {
            return Ok(());
        };
        let Some(pol) = officer.assignments.first().map(|r| r.org_id.clone()) else {
            return Ok(());
        };
        if !self.coverage(&officer, &pol).await?.sources.is_empty() {
            return Ok(());
        }
        let today = self.today();
        let day = |back: i64| zian_domain::day::ymd(today - time::Duration::days(back));
        let devices = format!(
            "主機名稱,IP位址,EDR,最後連線,防毒,GCB,VANS,雙網卡\n\
             pol-app-01,10.20.1.15,是,{},是,否,是,否\n\
             pol-db-01,,是,{},是,是,是,否\n\
             pol-pc-cib-01,,是,{},是,是,是,是\n\
             pol-nb-07,,否,,是,否,否,否\n\
             pol-pc-tmp-03,10.20.5.33,是,{},是,否,否,否\n",
            day(1),
            day(10),
            day(0),
            day(0),
        );
        self.import_coverage(
            &officer,
            &pol,
            ImportInput {
                dataset: "devices".into(),
                format: "csv".into(),
                source: "EDR 管理主控台".into(),
                content: devices,
                commit: true,
            },
            zian_i18n::Lang::ZhTw,
        )
        .await?;
        let alerts = format!(
            "發生時間,設備,規則,嚴重程度,狀態,結案時間\n\
             {} 09:15,pol-app-01,網頁後門上傳偵測,高,已結案,{} 11:45\n\
             {} 14:00,pol-pc-cib-01,可疑 PowerShell 執行,中,已結案,{} 14:40\n\
             {} 22:10,10.20.1.15,連線已知中繼站,嚴重,處理中,\n",
            day(3),
            day(3),
            day(2),
            day(2),
            day(1),
        );
        self.import_coverage(
            &officer,
            &pol,
            ImportInput {
                dataset: "alerts".into(),
                format: "csv".into(),
                source: "區域聯防 SOC".into(),
                content: alerts,
                commit: true,
            },
            zian_i18n::Lang::ZhTw,
        )
        .await?;
        Ok(())
    }
}
