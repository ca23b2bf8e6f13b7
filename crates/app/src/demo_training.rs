//! The demo's training year, recorded through the services as the police
//! bureau's officer would: the plan with its roster (the security officer
//! with a certificate, IT staff, general staff and managers), an awareness
//! course two months ago whose sign-in sheet was imported, and a
//! professional course — so the gap list shows the officer six hours
//! short and everyone else's awareness hours met.

use crate::training::{CommitInput, PersonInput, PlanInput, SessionInput};
use crate::{App, Result};

fn day(app: &App, days: i64) -> String {
    zian_domain::day::ymd(app.today().saturating_add(time::Duration::days(days)))
}

/// (name, unit, title, category, gender)
const ROSTER: &[(&str, &str, &str, &str, &str)] = &[
    (
        "林怡君",
        "資訊室",
        "資安專責人員",
        "security_staff",
        "female",
    ),
    ("黃俊傑", "資訊室", "資訊人員", "it_staff", "male"),
    ("吳佳穎", "資訊室", "資訊人員", "it_staff", "female"),
    ("張志豪", "督察科", "警務員", "general", "male"),
    ("蔡佩君", "會計室", "科員", "general", "female"),
    ("李文雄", "行政科", "科員", "general", "male"),
    ("陳建宏", "秘書室", "主任秘書", "manager", "male"),
    ("王淑芬", "人事室", "主任", "manager", "female"),
];

impl App {
    /// Seeds the police bureau's training year unless it has a plan.
    pub async fn seed_demo_training(&self) -> Result<()> {
        let Some(p) = self.demo_principal("officer.police").await? else {
            return Ok(());
        };
        let Some(pol) = p.assignments.first().map(|r| r.org_id.clone()) else {
            return Ok(());
        };
        let year = self.today().year();
        if self.training_year(&p, &pol, year).await?.plan.is_some() {
            return Ok(());
        }
        let roster = ROSTER
            .iter()
            .map(|(name, unit, title, audience, gender)| PersonInput {
                name: (*name).into(),
                unit: (*unit).into(),
                title: (*title).into(),
                audience: (*audience).into(),
                gender: (*gender).into(),
                certificates: if *name == "林怡君" {
                    vec![format!(
                        "professional:ISO/IEC 27001 主導稽核員:{}-06-30",
                        year + 2
                    )]
                } else {
                    Vec::new()
                },
            })
            .collect();
        self.save_training_plan(
            &p,
            &pol,
            PlanInput {
                year: Some(year),
                basis: "依資通安全管理法施行細則及本局資通安全維護計畫，提升同仁資通安全認知及專業能力。".into(),
                courses: "資安通識教育訓練（全體同仁，3 小時，實體）；資安專業課程（資安專責人員 12 小時、資訊人員 3 小時，線上或實體）".into(),
                roster,
            },
        )
        .await?;
        // the awareness course, its sign-in sheet imported
        let awareness = self
            .record_training_session(
                &p,
                &pol,
                SessionInput {
                    title: "資通安全通識教育訓練：社交工程與個資保護".into(),
                    category: "general".into(),
                    hours: "3".into(),
                    held_on: day(self, -60),
                    provider: "本局資訊室".into(),
                    place: "本局 3 樓大禮堂".into(),
                    method: "physical".into(),
                    instructor: "國家資通安全研究院 吳講師".into(),
                    instructor_gender: "female".into(),
                },
            )
            .await?;
        let mut sheet = String::from("編號,單位,職稱,姓名,性別,簽名\n");
        for (n, (name, unit, title, _, gender)) in ROSTER.iter().enumerate() {
            let g = if *gender == "female" { "女" } else { "男" };
            sheet.push_str(&format!("{},{unit},{title},{name},{g},\n", n + 1));
        }
        let id = awareness.session.id.clone();
        let v = self
            .preview_sign_in(&p, &id, "115年資安通識簽到表.csv", sheet.as_bytes())
            .await?;
        let expect = v.preview.map(|x| x.sha256);
        self.commit_sign_in(&p, &id, CommitInput { expect }).await?;
        // a professional course for the security and IT staff
        let pro = self
            .record_training_session(
                &p,
                &pol,
                SessionInput {
                    title: "資安事件應變與數位鑑識實務".into(),
                    category: "professional".into(),
                    hours: "6".into(),
                    held_on: day(self, -20),
                    provider: "數位發展部資通安全署".into(),
                    place: "線上課程".into(),
                    method: "online".into(),
                    instructor: "陳講師".into(),
                    instructor_gender: "male".into(),
                },
            )
            .await?;
        let sheet = "單位,職稱,姓名,性別\n資訊室,資安專責人員,林怡君,女\n資訊室,資訊人員,黃俊傑,男\n資訊室,資訊人員,吳佳穎,女\n";
        let id = pro.session.id.clone();
        let v = self
            .preview_sign_in(&p, &id, "數位鑑識簽到.csv", sheet.as_bytes())
            .await?;
        let expect = v.preview.map(|x| x.sha256);
        self.commit_sign_in(&p, &id, CommitInput { expect }).await?;
        Ok(())
    }
}
