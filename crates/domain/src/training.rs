//! Training (教育訓練): the yearly plan with the organisation's staff by job
//! category (seed 001 L278-320: 資安專責人員, 一般人員, 主管 with head counts),
//! the sessions held with their sign-in sheet (L322-335), each person's
//! hours and certificates, and what 附表一's training cells still ask of
//! each person (the gap list) — which, met by everyone, proves those
//! obligations.
//!
//! A person is matched to the sessions by name and unit as the sign-in
//! sheet spells them (blanks and full-width spaces ignored).

use serde::{Deserialize, Serialize};
use time::Date;
use zian_i18n::{Msg, msg};

use crate::TrainingId;
use crate::error::DomainError;
use crate::{OrgId, UserId};

/// The job categories training requirements are set for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// 資通安全專職（專責）人員
    SecurityStaff,
    /// 資訊人員
    ItStaff,
    /// 一般使用者
    General,
    /// 主管
    Manager,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Audience::SecurityStaff,
        Audience::ItStaff,
        Audience::General,
        Audience::Manager,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::SecurityStaff => "security_staff",
            Audience::ItStaff => "it_staff",
            Audience::General => "general",
            Audience::Manager => "manager",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        let by_word = match s {
            "資安專責人員" | "資通安全專責人員" | "資安專職人員" | "專責人員" => {
                Some(Audience::SecurityStaff)
            }
            "資訊人員" => Some(Audience::ItStaff),
            "一般人員" | "一般使用者" => Some(Audience::General),
            "主管" => Some(Audience::Manager),
            _ => None,
        };
        match by_word {
            Some(a) => Ok(a),
            None => crate::error::parse_named(&Self::ALL, Self::as_str, "audience", s),
        }
    }
}

/// A course's kind (seed 001: 資安專業 / 資安通識 / 職能).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 資通安全專業課程
    Professional,
    /// 資通安全通識教育
    General,
    /// 資通安全職能訓練
    Functional,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::Professional,
        Category::General,
        Category::Functional,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Professional => "professional",
            Category::General => "general",
            Category::Functional => "functional",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "category", s.trim())
    }
}

/// Gender as recorded for the statistics seed 004 asks of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    Other,
}

impl Gender {
    pub const ALL: [Gender; 3] = [Gender::Female, Gender::Male, Gender::Other];
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Other => "other",
        }
    }
    /// A gender as typed or imported (女/男/其他 or the codes); blank is
    /// unknown.
    pub fn parse_opt(s: &str) -> Result<Option<Self>, DomainError> {
        match s.trim() {
            "" => Ok(None),
            "女" | "F" | "f" => Ok(Some(Gender::Female)),
            "男" | "M" | "m" => Ok(Some(Gender::Male)),
            "其他" => Ok(Some(Gender::Other)),
            other => crate::error::parse_named(&Self::ALL, Self::as_str, "gender", other).map(Some),
        }
    }
}

/// A certificate a person holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// `professional` (資通安全專業證照) or `functional` (職能訓練證書).
    pub kind: CertificateKind,
    pub name: String,
    #[serde(with = "crate::day::serde_opt_ymd", default)]
    pub expires_on: Option<Date>,
}

/// The two kinds of certificate 附表一 counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    Professional,
    Functional,
}

impl CertificateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateKind::Professional => "professional",
            CertificateKind::Functional => "functional",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s.trim() {
            "專業" | "專業證照" => Ok(CertificateKind::Professional),
            "職能" | "職能證書" => Ok(CertificateKind::Functional),
            other => crate::error::parse_named(
                &[CertificateKind::Professional, CertificateKind::Functional],
                Self::as_str,
                "certificates",
                other,
            ),
        }
    }
}

/// A member of staff on the year's roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub unit: String,
    #[serde(default)]
    pub title: String,
    pub audience: Audience,
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub certificates: Vec<Certificate>,
}

/// The year's training plan (seed 001 年度資通安全教育訓練計畫).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanBody {
    /// 依據及目的
    pub basis: String,
    /// The planned courses, schedule and method as the plan words them.
    pub courses: String,
    /// The staff by job category.
    pub roster: Vec<Person>,
}

/// A training plan of an organisation for a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingPlan {
    pub id: TrainingId,
    pub org_id: OrgId,
    pub year: i32,
    pub body: PlanBody,
    pub updated_at: i64,
}

impl TrainingPlan {
    /// Head counts by job category.
    pub fn head_counts(&self) -> Vec<(Audience, usize)> {
        Audience::ALL
            .iter()
            .map(|a| {
                (
                    *a,
                    self.body.roster.iter().filter(|p| p.audience == *a).count(),
                )
            })
            .collect()
    }
}

/// One line of a sign-in sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub unit: String,
    #[serde(default)]
    pub title: String,
    pub name: String,
    #[serde(default)]
    pub gender: Option<Gender>,
}

/// A sign-in sheet's row that could not be taken, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    pub line: usize,
    pub reason: Msg,
}

/// An uploaded sign-in sheet waiting to be committed: its rows as read
/// (what [`read_sign_in`] takes and what it skips are derived from them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingImport {
    pub file_name: String,
    pub sha256: String,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// A session's details and its sign-in sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionBody {
    pub provider: String,
    pub place: String,
    /// `physical` or `online`.
    pub method: String,
    pub instructor: String,
    pub instructor_gender: Option<Gender>,
    pub attendees: Vec<Attendee>,
    pub pending: Option<PendingImport>,
}

/// A training session (one course held on one day).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub id: TrainingId,
    pub org_id: OrgId,
    pub title: String,
    pub category: Category,
    /// Length in minutes (hours are counted to the half hour).
    pub minutes: u32,
    #[serde(with = "crate::day::serde_ymd")]
    pub held_on: Date,
    pub body: SessionBody,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A training requirement of 附表一 by job category: the obligation item,
/// who it is for and which courses count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub item: &'static str,
    pub audiences: &'static [Audience],
    pub categories: &'static [Category],
    /// A certificate count instead of hours.
    pub certificate: Option<CertificateKind>,
}

/// 附表一's training and certificate cells (the amounts and periods come
/// from the obligation rules of the organisation's level).
pub const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        item: "training-security-staff",
        audiences: &[Audience::SecurityStaff],
        categories: &[Category::Professional, Category::Functional],
        certificate: None,
    },
    Requirement {
        item: "training-it-professional",
        audiences: &[Audience::ItStaff],
        categories: &[Category::Professional, Category::Functional],
        certificate: None,
    },
    Requirement {
        item: "training-it-general",
        audiences: &[Audience::ItStaff],
        categories: &[Category::General],
        certificate: None,
    },
    Requirement {
        item: "training-users",
        audiences: &[Audience::General, Audience::Manager],
        categories: &[Category::General],
        certificate: None,
    },
    Requirement {
        item: "certificate-professional",
        audiences: &[Audience::SecurityStaff],
        categories: &[],
        certificate: Some(CertificateKind::Professional),
    },
    Requirement {
        item: "certificate-functional",
        audiences: &[Audience::SecurityStaff],
        categories: &[],
        certificate: Some(CertificateKind::Functional),
    },
];

/// The requirement of an obligation item, if it is a training one.
pub fn requirement(item: &str) -> Option<&'static Requirement> {
    REQUIREMENTS.iter().find(|r| r.item == item)
}

/// A name or unit compared as people type them.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect()
}

impl Person {
    /// Whether a sign-in line is this person (same name; same unit when the
    /// line gives one).
    pub fn is(&self, a: &Attendee) -> bool {
        key(&self.name) == key(&a.name)
            && (a.unit.trim().is_empty() || key(&self.unit) == key(&a.unit))
    }

    /// Minutes of courses of `categories` the person attended with
    /// `held_on` in `(from, to]`.
    pub fn minutes(
        &self,
        sessions: &[Session],
        categories: &[Category],
        from: Date,
        to: Date,
    ) -> u32 {
        sessions
            .iter()
            .filter(|s| s.held_on > from && s.held_on <= to && categories.contains(&s.category))
            .filter(|s| s.body.attendees.iter().any(|a| self.is(a)))
            .map(|s| s.minutes)
            .sum()
    }

    /// Certificates of `kind` valid on `day`.
    pub fn valid_certificates(&self, kind: CertificateKind, day: Date) -> usize {
        self.certificates
            .iter()
            .filter(|c| c.kind == kind && c.expires_on.is_none_or(|e| e >= day))
            .count()
    }
}

/// What one person still lacks for one requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonGap {
    pub name: String,
    pub unit: String,
    pub audience: Audience,
    pub item: &'static str,
    /// Hours (or certificates) required and held, in tenths of an hour for
    /// hours.
    pub required: u32,
    pub held: u32,
    pub msg: Msg,
}

/// Each roster person's gaps against the requirements in force: `amounts`
/// gives, per item, the amount the level asks (hours or certificates) and
/// the period `(from, to]` it is counted over.
pub fn gaps(
    roster: &[Person],
    sessions: &[Session],
    amounts: &[(&'static str, u32, Date, Date)],
) -> Vec<PersonGap> {
    let mut out = Vec::new();
    for (item, amount, from, to) in amounts {
        let Some(req) = requirement(item) else {
            continue;
        };
        for p in roster
            .iter()
            .filter(|p| req.audiences.contains(&p.audience))
        {
            let (required, held, msg) = match req.certificate {
                Some(kind) => {
                    let held = p.valid_certificates(kind, *to) as u32;
                    (
                        *amount,
                        held,
                        msg!("training.gap.certificates", n = amount.saturating_sub(held)),
                    )
                }
                None => {
                    let required = amount * 60;
                    let held = p.minutes(sessions, req.categories, *from, *to);
                    let missing = required.saturating_sub(held);
                    (
                        required,
                        held,
                        msg!("training.gap.hours", hours = hours_text(missing)),
                    )
                }
            };
            if held < required {
                out.push(PersonGap {
                    name: p.name.clone(),
                    unit: p.unit.clone(),
                    audience: p.audience,
                    item,
                    required,
                    held,
                    msg,
                });
            }
        }
    }
    out
}

/// Minutes as hours the way the forms write them (3, 1.5).
pub fn hours_text(minutes: u32) -> String {
    if minutes.is_multiple_of(60) {
        (minutes / 60).to_string()
    } else {
        format!("{:.1}", f64::from(minutes) / 60.0)
    }
}

/// Counts by gender (female, male, other, unknown).
pub fn gender_counts<'a>(it: impl Iterator<Item = Option<Gender>> + 'a) -> [usize; 4] {
    let mut c = [0usize; 4];
    for g in it {
        let i = match g {
            Some(Gender::Female) => 0,
            Some(Gender::Male) => 1,
            Some(Gender::Other) => 2,
            None => 3,
        };
        c[i] += 1;
    }
    c
}

/// A sign-in sheet as read: the lines taken (each with its line number)
/// and the lines skipped.
pub type SignIn = (Vec<(usize, Attendee)>, Vec<SkippedRow>);

/// Reads a sign-in sheet's rows: the header (found among the first rows by
/// its column names: 單位, 職稱, 姓名, 性別) and each row after it; a row
/// without a name, a duplicate of an earlier one, or with an unknown gender
/// is skipped with its reason.
pub fn read_sign_in(rows: &[(usize, Vec<String>)]) -> Result<SignIn, DomainError> {
    let col = |cells: &[String], names: &[&str]| {
        cells
            .iter()
            .position(|c| names.iter().any(|n| key(c).eq_ignore_ascii_case(n)))
    };
    let header = rows
        .iter()
        .take(10)
        .position(|(_, cells)| col(cells, &["姓名", "name"]).is_some());
    let Some(h) = header else {
        return Err(DomainError::Invalid {
            field: "file",
            reason: msg!("reason.training.no_header"),
        });
    };
    let cells = &rows[h].1;
    let name = col(cells, &["姓名", "name"]);
    let unit = col(cells, &["單位", "unit", "服務單位"]);
    let title = col(cells, &["職稱", "title"]);
    let gender = col(cells, &["性別", "gender"]);
    let get = |cells: &[String], i: Option<usize>| {
        i.and_then(|i| cells.get(i))
            .map(|c| c.trim().to_string())
            .unwrap_or_default()
    };
    let (mut ok, mut skipped): (Vec<(usize, Attendee)>, Vec<SkippedRow>) = (Vec::new(), Vec::new());
    for (line, cells) in &rows[h + 1..] {
        let n = get(cells, name);
        if n.is_empty() {
            skipped.push(SkippedRow {
                line: *line,
                reason: msg!("reason.training.row_no_name"),
            });
            continue;
        }
        if n.chars().count() > 50 {
            skipped.push(SkippedRow {
                line: *line,
                reason: msg!("reason.training.row_long"),
            });
            continue;
        }
        let g = match Gender::parse_opt(&get(cells, gender)) {
            Ok(g) => g,
            Err(_) => {
                skipped.push(SkippedRow {
                    line: *line,
                    reason: msg!("reason.training.row_gender", value = get(cells, gender)),
                });
                continue;
            }
        };
        let a = Attendee {
            unit: get(cells, unit).chars().take(100).collect(),
            title: get(cells, title).chars().take(50).collect(),
            name: n,
            gender: g,
        };
        if ok
            .iter()
            .any(|(_, b)| key(&b.name) == key(&a.name) && key(&b.unit) == key(&a.unit))
        {
            skipped.push(SkippedRow {
                line: *line,
                reason: msg!("reason.training.row_twice", name = a.name.as_str()),
            });
            continue;
        }
        ok.push((*line, a));
    }
    Ok((ok, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn person(name: &str, audience: Audience) -> Person {
        Person {
            name: name.into(),
            unit: "資訊室".into(),
            title: String::new(),
            audience,
            gender: None,
            certificates: Vec::new(),
        }
    }

    fn session(category: Category, minutes: u32, on: Date, names: &[&str]) -> Session {
        Session {
            id: "s".into(),
            org_id: "o".into(),
            title: "課程".into(),
            category,
            minutes,
            held_on: on,
            body: SessionBody {
                attendees: names
                    .iter()
                    .map(|n| Attendee {
                        unit: "資訊室".into(),
                        title: String::new(),
                        name: (*n).into(),
                        gender: None,
                    })
                    .collect(),
                ..SessionBody::default()
            },
            created_by: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn hours_count_by_category_and_period_and_gaps_say_what_is_missing() {
        let roster = vec![
            person("林怡君", Audience::SecurityStaff),
            person("黃俊傑", Audience::ItStaff),
            person("王小明", Audience::General),
        ];
        let sessions = vec![
            session(
                Category::Professional,
                6 * 60,
                date!(2026 - 03 - 01),
                &["林怡君", "黃俊傑"],
            ),
            session(
                Category::General,
                3 * 60,
                date!(2026 - 05 - 01),
                &["黃俊傑", "王 小明"],
            ),
            session(Category::Functional, 90, date!(2025 - 12 - 31), &["林怡君"]),
        ];
        let year = (date!(2025 - 12 - 31), date!(2026 - 12 - 31));
        let amounts = [
            ("training-security-staff", 12, year.0, year.1),
            ("training-it-general", 3, year.0, year.1),
            ("training-users", 3, year.0, year.1),
            ("certificate-professional", 1, year.0, year.1),
        ];
        let g = gaps(&roster, &sessions, &amounts);
        let got: Vec<(&str, &str, u32, u32)> = g
            .iter()
            .map(|x| (x.name.as_str(), x.item, x.required, x.held))
            .collect();
        // the functional course on the period's first day belongs to the one before
        assert_eq!(
            got,
            vec![
                ("林怡君", "training-security-staff", 720, 360),
                ("林怡君", "certificate-professional", 1, 0),
            ]
        );
        assert_eq!(g[0].msg, msg!("training.gap.hours", hours = "6"));
        assert_eq!(hours_text(90), "1.5");
    }

    #[test]
    fn certificates_count_while_valid() {
        let mut p = person("林怡君", Audience::SecurityStaff);
        p.certificates.push(Certificate {
            kind: CertificateKind::Professional,
            name: "CISSP".into(),
            expires_on: Some(date!(2026 - 06 - 30)),
        });
        assert_eq!(
            p.valid_certificates(CertificateKind::Professional, date!(2026 - 06 - 30)),
            1
        );
        assert_eq!(
            p.valid_certificates(CertificateKind::Professional, date!(2026 - 07 - 01)),
            0
        );
        assert_eq!(
            p.valid_certificates(CertificateKind::Functional, date!(2026 - 01 - 01)),
            0
        );
    }

    #[test]
    fn a_sign_in_sheet_is_read_by_its_header_and_bad_rows_are_told() {
        let row = |line: usize, cells: &[&str]| {
            (
                line,
                cells.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            )
        };
        let rows = vec![
            row(1, &["115 年度資通安全教育訓練簽到表"]),
            row(2, &["編號", "單位", "職稱", "姓名", "性別", "簽名"]),
            row(3, &["1", "資訊室", "科員", "林怡君", "女", ""]),
            row(4, &["2", "人事室", "主任", "", "男", ""]),
            row(5, &["3", "資訊室", "科員", "林怡君", "女", ""]),
            row(6, &["4", "會計室", "科長", "陳大文", "不詳", ""]),
            row(7, &["5", "會計室", "科員", "蔡佩君", "", ""]),
        ];
        let (ok, skipped) = read_sign_in(&rows).expect("header");
        let names: Vec<(usize, &str)> = ok.iter().map(|(l, a)| (*l, a.name.as_str())).collect();
        assert_eq!(names, vec![(3, "林怡君"), (7, "蔡佩君")]);
        assert_eq!(ok[0].1.gender, Some(Gender::Female));
        let lines: Vec<usize> = skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![4, 5, 6]);
        assert!(read_sign_in(&[row(1, &["單位", "職稱"])]).is_err());
    }

    #[test]
    fn audiences_parse_from_the_forms_words() {
        assert_eq!(
            Audience::parse("資安專責人員").unwrap(),
            Audience::SecurityStaff
        );
        assert_eq!(Audience::parse("manager").unwrap(), Audience::Manager);
        assert!(Audience::parse("實習生").is_err());
        assert_eq!(Gender::parse_opt("男").unwrap(), Some(Gender::Male));
        assert_eq!(Gender::parse_opt("").unwrap(), None);
    }
}
