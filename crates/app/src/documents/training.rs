//! 年度資通安全教育訓練計畫 (seed 001): the basis and the planned courses,
//! the head count by job category, the roster with each person's hours of
//! the year and certificates (with their expiry), what each still lacks
//! against the level, and the sessions held with their gender statistics.

use zian_documents::{Column, Document, Table};
use zian_domain::org::Organisation;
use zian_domain::roc::format_roc;
use zian_domain::training::{Audience, Category, CertificateKind};
use zian_domain::{OrgId, Principal};
use zian_i18n::Lang;

use crate::{App, Result};

fn audience(a: Audience) -> &'static str {
    match a {
        Audience::SecurityStaff => "資通安全專責人員",
        Audience::ItStaff => "資訊人員",
        Audience::General => "一般使用者",
        Audience::Manager => "主管",
    }
}

/// Minutes as hours with one decimal.
fn hours(minutes: u32) -> String {
    format!("{:.1}", f64::from(minutes) / 60.0)
}

impl App {
    pub(super) async fn training_plan_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
        let year = self.today().year();
        let v = self.training_year(p, org_id, year).await?;
        let title = format!("{}年度資通安全教育訓練計畫", v.org.name_zh);
        let mut doc = self.new_document(&v.org, "training-plan", &title);
        doc.subtitle = Some(format!("{} 年度", year - 1911));
        let plan = v.plan.as_ref().map(|x| &x.body);
        doc.fields(vec![
            (
                "依據及目的",
                plan.map(|b| b.basis.clone()).unwrap_or_default(),
            ),
            (
                "課程規劃",
                plan.map(|b| b.courses.clone()).unwrap_or_default(),
            ),
        ]);
        let roster = plan.map(|b| b.roster.as_slice()).unwrap_or_default();
        let mut counts = Table::new(
            "職務類別人數",
            vec![Column::text("職務類別", 4), Column::number("人數", 2)],
        );
        for a in Audience::ALL {
            counts.row(vec![
                audience(a).into(),
                roster
                    .iter()
                    .filter(|x| x.audience == a)
                    .count()
                    .to_string(),
            ]);
        }
        doc.table(counts, false);
        let mut people = Table::new(
            "人員名冊及本年度時數",
            vec![
                Column::text("姓名", 2),
                Column::text("單位", 2),
                Column::text("職稱", 2),
                Column::text("職務類別", 3),
                Column::number("資安專業／職能（小時）", 2),
                Column::number("資安通識（小時）", 2),
                Column::text("證照（到期日）", 5),
            ],
        );
        for py in &v.people {
            let certs: Vec<String> = py
                .person
                .certificates
                .iter()
                .map(|c| {
                    let kind = match c.kind {
                        CertificateKind::Professional => "專業",
                        CertificateKind::Functional => "職能",
                    };
                    match c.expires_on {
                        Some(d) => format!("{kind}：{}（{}）", c.name, format_roc(d)),
                        None => format!("{kind}：{}", c.name),
                    }
                })
                .collect();
            people.row(vec![
                py.person.name.clone(),
                py.person.unit.clone(),
                py.person.title.clone(),
                audience(py.person.audience).into(),
                hours(py.professional),
                hours(py.general),
                certs.join("\n"),
            ]);
        }
        doc.table(people, true);
        let mut gaps = Table::new(
            "尚未達成之要求",
            vec![
                Column::text("姓名", 2),
                Column::text("單位", 2),
                Column::text("職務類別", 3),
                Column::text("尚缺", 5),
            ],
        );
        for g in &v.gaps {
            gaps.row(vec![
                g.name.clone(),
                g.unit.clone(),
                audience(g.audience).into(),
                g.msg.render(Lang::ZhTw),
            ]);
        }
        doc.table(gaps, false);
        let mut held = Table::new(
            "本年度已辦理課程",
            vec![
                Column::text("日期", 2),
                Column::text("課程名稱", 5),
                Column::text("類別", 2),
                Column::number("時數", 1),
                Column::number("人次", 1),
            ],
        );
        for s in &v.sessions {
            held.row(vec![
                format_roc(s.held_on),
                s.title.clone(),
                match s.category {
                    Category::Professional => "資安專業",
                    Category::General => "資安通識",
                    Category::Functional => "職能",
                }
                .into(),
                hours(s.minutes),
                s.body.attendees.len().to_string(),
            ]);
        }
        doc.table(held, false);
        let [f, m, o, u] = v.participants;
        let [fi, mi, oi, ui] = v.instructors;
        doc.fields(vec![
            (
                "參訓人次性別統計",
                format!("女 {f}、男 {m}、其他 {o}、未填 {u}"),
            ),
            (
                "講師性別統計",
                format!("女 {fi}、男 {mi}、其他 {oi}、未填 {ui}"),
            ),
        ]);
        Ok((v.org, doc))
    }
}
