//! The demo's vendors, recorded through the services as the police
//! bureau's officer would: the maintenance vendor audited next month
//! (艾克米資訊, the account `vendor.acme`) with its contract, disclosed
//! components, two on-site staff — one whose agreements are due for
//! re-signing — and a device check; and the vendor's record and its audit
//! shared with its account, so `vendor.acme` sees them on signing in.

use zian_domain::ListQuery;
use zian_domain::audits::AuditKind;
use zian_storage::AuditFilter;

use crate::vendors::{
    ComponentInput, ContractInput, DeviceCheckInput, ShareInput, StaffInput, VendorInput,
};
use crate::{App, Result};

fn day(app: &App, days: i64) -> String {
    zian_domain::day::ymd(app.today().saturating_add(time::Duration::days(days)))
}

impl App {
    /// Seeds the police bureau's vendors unless it has some.
    pub async fn seed_demo_vendors(&self) -> Result<()> {
        let Some(p) = self.demo_principal("officer.police").await? else {
            return Ok(());
        };
        let Some(pol) = p.assignments.first().map(|r| r.org_id.clone()) else {
            return Ok(());
        };
        if self
            .list_vendors(&p, &pol, &ListQuery::default())
            .await?
            .total
            > 0
        {
            return Ok(());
        }
        let v = self
            .create_vendor(
                &p,
                &pol,
                VendorInput {
                    name: "艾克米資訊股份有限公司".into(),
                    tax_id: "04595257".into(),
                    contact_name: "王經理".into(),
                    contact_phone: "08-7654321".into(),
                    contact_email: "pm@acme.example.tw".into(),
                    certification: "ISO/IEC 27001:2022（證書編號 TW-ISMS-0815）".into(),
                    qualified_staff: true,
                    components: vec![
                        ComponentInput {
                            name: "Apache Tomcat".into(),
                            version: "9.0.85".into(),
                            licence: "Apache-2.0".into(),
                        },
                        ComponentInput {
                            name: "PostgreSQL".into(),
                            version: "15".into(),
                            licence: "PostgreSQL License".into(),
                        },
                    ],
                    ..Default::default()
                },
            )
            .await?;
        let id = v.vendor.id.clone();
        let systems: Vec<String> = v.systems.iter().take(1).map(|(s, _)| s.clone()).collect();
        self.save_vendor_contract(
            &p,
            &id,
            ContractInput {
                no: format!("{}-資-017", self.today().year() - 1911),
                title: "警政資訊系統維運及資安服務".into(),
                starts_on: Some(day(self, -200)),
                ends_on: Some(day(self, 165)),
                system_ids: systems,
                data: "報案紀錄系統之個人資料（姓名、身分證統一編號、聯絡方式）".into(),
                security_requirements: "依資通安全責任等級分級辦法附表十「中」級控制措施；弱點修補 30 日內完成；每季提出資安維運報告；駐點人員簽署保密切結書。".into(),
                incident_notice: true,
                data_return: true,
                ..Default::default()
            },
        )
        .await?;
        for (name, title, nda, agreement, account) in [
            ("陳冠宇", "駐點工程師", -40, -40, "vendor.acme"),
            ("林佩珊", "資料庫管理師", -400, -380, ""),
        ] {
            self.save_vendor_staff(
                &p,
                &id,
                StaffInput {
                    name: name.into(),
                    title: title.into(),
                    on_site: true,
                    account: account.into(),
                    nda_signed_on: Some(day(self, nda)),
                    agreement_signed_on: Some(day(self, agreement)),
                    left_on: None,
                },
            )
            .await?;
        }
        self.add_device_check(
            &p,
            &id,
            DeviceCheckInput {
                staff: "陳冠宇".into(),
                device: "筆記型電腦 Lenovo ThinkPad T14".into(),
                serial: "PF-3XK2L9".into(),
                checked_on: Some(day(self, -40)),
                passed: true,
                checker: "資訊室 黃俊傑".into(),
                note: "防毒病毒碼及作業系統更新為最新，未安裝未授權軟體；已貼檢查標籤。".into(),
            },
        )
        .await?;
        // the vendor's record and its audit, shared with its account
        self.share_with_vendor(
            &p,
            &pol,
            ShareInput {
                record_type: "vendor".into(),
                record_id: id.to_string(),
                vendor_user: "vendor.acme".into(),
            },
        )
        .await?;
        let audits = self
            .list_audits(
                &p,
                &pol,
                &AuditFilter {
                    kind: Some(AuditKind::Vendor),
                    ..Default::default()
                },
                &ListQuery::default(),
            )
            .await?;
        if let Some(a) = audits.items.first() {
            self.share_with_vendor(
                &p,
                &pol,
                ShareInput {
                    record_type: "audit".into(),
                    record_id: a.id.to_string(),
                    vendor_user: "vendor.acme".into(),
                },
            )
            .await?;
        }
        Ok(())
    }
}
