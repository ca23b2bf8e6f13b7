//! The demo's people forms, recorded through the services as the police
//! bureau's people would: the IT office's request for EDR licences signed
//! through the whole chain, its UPS battery request awaiting the CISO,
//! the officers' confidentiality agreements (one countersigned, one signed
//! and awaiting the head), and a week of the server room's entry log with
//! a vendor engineer still inside.

use crate::people_forms::{AgreementInput, EntryInput, LeaveInput, RequestInput, SignInput};
use crate::{App, Result};

fn day(app: &App, days: i64) -> String {
    zian_domain::day::ymd(app.today().saturating_add(time::Duration::days(days)))
}

/// `YYYY-MM-DDTHH:MM` in Taipei, `days` from today.
fn at(app: &App, days: i64, hm: &str) -> String {
    format!("{}T{hm}", day(app, days))
}

fn sign(step: &str, approve: bool, note: &str, on: String) -> SignInput {
    SignInput {
        step: step.into(),
        approve,
        note: note.into(),
        signed_on: Some(on),
        signatory: None,
    }
}

impl App {
    /// Seeds the police bureau's people forms unless it has some.
    pub async fn seed_demo_people_forms(&self) -> Result<()> {
        let (Some(it), Some(head), Some(officer), Some(ciso)) = (
            self.demo_principal("it.police").await?,
            self.demo_principal("head.police.it").await?,
            self.demo_principal("officer.police").await?,
            self.demo_principal("ciso.police").await?,
        ) else {
            return Ok(());
        };
        let (Some(unit), Some(pol)) = (
            it.assignments.first().map(|r| r.org_id.clone()),
            officer.assignments.first().map(|r| r.org_id.clone()),
        ) else {
            return Ok(());
        };
        let v = self.people_forms(&officer, &pol).await?;
        if !v.requests.is_empty() || !v.agreements.is_empty() {
            return Ok(());
        }
        let edr = self
            .create_resource_request(
                &it,
                &unit,
                RequestInput {
                    unit: "資訊室".into(),
                    requested_on: Some(day(self, -20)),
                    request_type: "software".into(),
                    item_name: "端點偵測及應變（EDR）授權".into(),
                    quantity: 120,
                    needed_on: Some(day(self, 25)),
                    purchase: "new".into(),
                    device: "user_pc".into(),
                    install_unit: "資訊室".into(),
                    install_location: "本局及各分局使用者電腦".into(),
                    purpose:
                        "依上級機關要求導入端點偵測及應變機制，並將偵測資料提供區域聯防監控中心。"
                            .into(),
                    applicant: None,
                },
            )
            .await?;
        self.sign_people_form(&head, &edr.id, sign("unit_head", true, "", day(self, -19)))
            .await?;
        self.sign_people_form(
            &officer,
            &edr.id,
            sign(
                "team",
                true,
                "已編列本年度資安預算，依共同供應契約採購。",
                day(self, -17),
            ),
        )
        .await?;
        self.sign_people_form(&ciso, &edr.id, sign("ciso", true, "", day(self, -16)))
            .await?;

        let ups = self
            .create_resource_request(
                &it,
                &unit,
                RequestInput {
                    unit: "資訊室".into(),
                    requested_on: Some(day(self, -3)),
                    request_type: "hardware".into(),
                    item_name: "機房不斷電系統電池模組".into(),
                    quantity: 2,
                    needed_on: Some(day(self, 14)),
                    purchase: "upgrade".into(),
                    device: "host".into(),
                    install_unit: "資訊室".into(),
                    install_location: "機房".into(),
                    purpose: "UPS 電池已逾使用年限，自我檢測顯示備援時間不足 10 分鐘。".into(),
                    applicant: None,
                },
            )
            .await?;
        self.sign_people_form(&head, &ups.id, sign("unit_head", true, "", day(self, -2)))
            .await?;
        self.sign_people_form(
            &officer,
            &ups.id,
            sign(
                "team",
                true,
                "屬機房環境安全控制措施，建議採購。",
                day(self, -1),
            ),
        )
        .await?;

        for (signer, starts, countersign) in [
            ("資安專責人員 林怡君", -400, true),
            ("資訊人員 黃俊傑", -30, false),
        ] {
            let a = self
                .create_confidentiality(
                    &officer,
                    &pol,
                    AgreementInput {
                        signer: signer.into(),
                        user_id: None,
                        unit: "資訊室".into(),
                        starts_on: day(self, starts),
                        agency_head: "局長 陳國雄".into(),
                    },
                )
                .await?;
            self.sign_people_form(&officer, &a.id, sign("signer", true, "", day(self, -10)))
                .await?;
            if countersign {
                self.sign_people_form(&ciso, &a.id, sign("head", true, "", day(self, -9)))
                    .await?;
            }
        }

        for (d, name, from, reason, access, devices, items, times) in [
            (
                -6,
                "王志偉",
                "資訊室",
                "伺服器例行巡檢",
                "ordinary",
                "",
                "手機",
                Some(("09:00", "09:40")),
            ),
            (
                -4,
                "李建國",
                "安信資訊顧問（委外廠商）",
                "防火牆韌體更新",
                "special",
                "手提電腦",
                "隨身碟（已掃毒）",
                Some(("14:00", "16:30")),
            ),
            (
                -2,
                "陳美玲",
                "總務室",
                "空調及消防設備檢查",
                "ordinary",
                "",
                "工具箱",
                Some(("10:15", "10:45")),
            ),
            (
                0,
                "李建國",
                "安信資訊顧問（委外廠商）",
                "備份系統磁帶櫃維護",
                "special",
                "手提電腦",
                "備份磁帶 2 卷",
                None,
            ),
        ] {
            let e = self
                .record_area_entry(
                    &it,
                    &unit,
                    EntryInput {
                        area: "機房".into(),
                        person: name.into(),
                        unit: from.into(),
                        escort: "資訊人員 黃俊傑".into(),
                        reason: reason.into(),
                        access: Some(access.into()),
                        devices: devices.into(),
                        carried: items.into(),
                        entered_at: times.map(|t| at(self, d, t.0)),
                    },
                )
                .await?;
            if let Some((_, end)) = times {
                self.leave_area(
                    &it,
                    &e.id,
                    LeaveInput {
                        left_at: Some(at(self, d, end)),
                    },
                )
                .await?;
            }
        }
        Ok(())
    }
}
