//! The people forms of seed 001 as printed: 資通安全需求申請單 (001:L71-91)
//! with the chain's decisions as signed in the platform, 資通安全保密同意書
//! (001:L48-69) with its four undertakings and a blank for the ID number
//! written by hand, and the month's 管制區域人員進出登記表 (001:L93-108).

use time::Date;
use zian_documents::{Column, Document, Table};
use zian_domain::day::TAIPEI_OFFSET_SECS;
use zian_domain::org::Organisation;
use zian_domain::people_forms::{Access, Body, Category, Device, Purchase, Step};
use zian_domain::roc::format_roc;
use zian_domain::{OrgId, PeopleFormId, Principal};

use crate::{App, AppError, Result};

fn check(on: bool) -> &'static str {
    if on { "■" } else { "□" }
}

/// `115.3.1 08:00` in Taipei, as the seed's log writes it.
fn roc_moment(t: i64) -> String {
    let local = time::OffsetDateTime::from_unix_timestamp(t + TAIPEI_OFFSET_SECS)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{}.{}.{} {:02}:{:02}",
        local.year() - 1911,
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute()
    )
}

fn roc_day(d: Date) -> String {
    format_roc(d)
}

impl App {
    pub(super) async fn people_form_document(
        &self,
        p: &Principal,
        id: &PeopleFormId,
        name: &str,
    ) -> Result<(Organisation, Document)> {
        let v = self.people_form(p, id).await?;
        let f = v.form;
        let decided = |step: Step| {
            f.signoff(step)
                .map(|s| format!("{}（{}）", s.name, roc_day(s.on)))
                .unwrap_or_default()
        };
        let doc = match (&f.body, name) {
            (Body::ResourceRequest(r), "resource-request") => {
                let title = format!("{}資通安全需求申請單", v.org.name_zh);
                let mut doc = self.new_document(&v.org, name, &title);
                doc.number = Some(f.number.clone());
                let types = [Category::Software, Category::Hardware, Category::Other]
                    .map(|c| {
                        let w = match c {
                            Category::Software => "軟體",
                            Category::Hardware => "硬體",
                            Category::Other => "其他",
                        };
                        format!("{}{w}", check(r.category == c))
                    })
                    .join(" ");
                let purchase = format!(
                    "{}新購 {}升級",
                    check(r.purchase == Purchase::New),
                    check(r.purchase == Purchase::Upgrade)
                );
                let device = format!(
                    "{}主機 {}使用者電腦 {}其他",
                    check(r.device == Device::Host),
                    check(r.device == Device::UserPc),
                    check(r.device == Device::Other)
                );
                let team = f.signoff(Step::Team);
                doc.fields(vec![
                    ("申請單位", r.unit.clone()),
                    ("申請日期", roc_day(r.requested_on)),
                    ("申請項目", types),
                    ("項目名稱", r.item.clone()),
                    ("申請數量", r.quantity.to_string()),
                    ("需用日期", r.needed_on.map(roc_day).unwrap_or_default()),
                    ("申請類別", purchase),
                    ("使用設備", device),
                    ("安裝單位", r.install_unit.clone()),
                    ("安裝位置", r.install_location.clone()),
                    ("用途說明", r.purpose.clone()),
                    ("申請人", r.applicant.clone()),
                    ("單位主管", decided(Step::UnitHead)),
                    (
                        "資通安全推動小組",
                        format!(
                            "{}可採購 {}不可採購",
                            check(team.is_some_and(|s| s.approve)),
                            check(team.is_some_and(|s| !s.approve))
                        ),
                    ),
                    ("說明", team.map(|s| s.note.clone()).unwrap_or_default()),
                    ("資通安全推動小組承辦人員", decided(Step::Team)),
                    (
                        "資通安全長",
                        match f.signoff(Step::Ciso) {
                            Some(s) if !s.approve => {
                                format!("{}（不同意：{}）", decided(Step::Ciso), s.note)
                            }
                            _ => decided(Step::Ciso),
                        },
                    ),
                ]);
                doc.paragraph("註：陳核層級請機關依需求調整");
                doc
            }
            (Body::Confidentiality(a), "confidentiality-agreement") => {
                let title = format!("{}資通安全保密同意書", v.org.name_zh);
                let mut doc = self.new_document(&v.org, name, &title);
                doc.number = Some(f.number.clone());
                doc.paragraph(format!(
                    "立同意書人{}於民國{}起於{}任職，因業務涉及單位重要之資訊及資通系統，故同意下列保密事項：",
                    a.signer,
                    &roc_day(a.starts_on)[6..],
                    a.unit
                ));
                doc.list(vec![
                    "一、於業務上所知悉之機敏資料及運用之資通系統等，應善盡保管及保密之責。".into(),
                    "二、相關業務之資訊、文件，不得私自洩漏與業務無關之人員。".into(),
                    "三、遵守其他本單位資通安全相關之法令及規定。".into(),
                    "四、如有危害本單位資通安全之行為，願負相關之責任。".into(),
                ]);
                doc.fields(vec![
                    ("立同意書人", format!("{}（簽章）", a.signer)),
                    ("身分證字號", "＿＿＿＿＿＿＿＿＿＿".to_owned()),
                    ("服務機關", v.org.name_zh.clone()),
                    ("機關首長", a.agency_head.clone()),
                    ("簽署", decided(Step::Signer)),
                    ("核章", decided(Step::Head)),
                ]);
                doc
            }
            _ => return Err(AppError::NotFound),
        };
        Ok((v.org, doc))
    }

    pub(super) async fn area_log_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
        let v = self.area_log(p, org_id, None).await?;
        let title = format!("{}管制區域人員進出登記表", v.org.name_zh);
        let mut doc = self.new_document(&v.org, "area-log", &title);
        doc.subtitle = Some(format!(
            "{} 年 {} 月",
            v.month.year() - 1911,
            u8::from(v.month.month())
        ));
        doc.landscape = true;
        let mut table = Table::new(
            "進出紀錄",
            vec![
                Column::number("編號", 1),
                Column::text("姓名", 2),
                Column::text("單位", 2),
                Column::text("配同人員", 2),
                Column::text("管制區域", 2),
                Column::text("進入時間", 3),
                Column::text("離開時間", 3),
                Column::text("事由", 4),
                Column::text("權限", 1),
                Column::text("進出設備", 2),
                Column::text("攜帶物品", 2),
            ],
        );
        let mut rows: Vec<_> = v.entries.iter().collect();
        rows.sort_by_key(|e| (e.entered_at, e.id.to_string()));
        for (n, e) in rows.into_iter().enumerate() {
            table.row(vec![
                (n + 1).to_string(),
                e.name.clone(),
                e.unit.clone(),
                e.escort.clone(),
                e.area.clone(),
                roc_moment(e.entered_at),
                e.left_at
                    .map(roc_moment)
                    .unwrap_or_else(|| "（尚未離開）".into()),
                e.reason.clone(),
                match e.access {
                    Access::Ordinary => "普",
                    Access::Special => "特",
                }
                .into(),
                e.devices.clone(),
                e.items.clone(),
            ]);
        }
        doc.table(table, true);
        doc.paragraph("註：陳核層級請機關依需求調整");
        Ok((v.org, doc))
    }
}
