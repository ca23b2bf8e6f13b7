//! Training (教育訓練): the year's plan with the staff roster by job
//! category and their certificates, the sessions held, the sign-in sheet
//! imported from a spreadsheet (previewed, then committed with every
//! skipped row named), each person's hours, the gap list against 附表一's
//! amounts for the organisation's level, and the gender statistics of
//! participants and instructors (seed 004). Everyone meeting a period's
//! requirement proves that training obligation (`compliance`).
//!
//! Who writes: the organisation's officers (`RecordWrite` there).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::org::Organisation;
use zian_domain::training::{
    Attendee, Audience, Category, Certificate, CertificateKind, Gender, PendingImport, Person,
    PersonGap, PlanBody, Session, SessionBody, SkippedRow, TrainingPlan, gaps, gender_counts,
    read_sign_in,
};
use zian_domain::{OrgId, OrgScope, Permission, Principal, TrainingId};
use zian_i18n::msg;

use crate::{App, AppError, Result};

/// Largest sign-in sheet accepted.
pub const MAX_SHEET_BYTES: usize = 2 * 1024 * 1024;
/// Most rows a sign-in sheet may have.
pub const MAX_SHEET_ROWS: usize = 2000;

/// A person of the roster as typed.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "TrainingPersonIn")]
pub struct PersonInput {
    pub name: String,
    pub unit: String,
    pub title: String,
    /// `security_staff`, `it_staff`, `general`, `manager` (or 資安專責人員,
    /// 資訊人員, 一般人員, 主管).
    pub audience: String,
    /// `female`, `male`, `other` (女, 男, 其他) or empty.
    pub gender: String,
    /// Certificates: `kind:name:YYYY-MM-DD` (kind `professional`/專業 or
    /// `functional`/職能; the expiry may be left out).
    pub certificates: Vec<String>,
}

/// The year's plan.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "TrainingPlanIn")]
pub struct PlanInput {
    /// The plan's year (default: this year).
    pub year: Option<i32>,
    pub basis: String,
    pub courses: String,
    pub roster: Vec<PersonInput>,
}

/// A session as typed.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "TrainingSessionIn")]
pub struct SessionInput {
    pub title: String,
    /// `professional` (資安專業), `general` (資安通識), `functional` (職能).
    pub category: String,
    /// Hours, to the half hour (`3`, `1.5`).
    pub hours: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub provider: String,
    pub place: String,
    /// `physical` or `online`.
    pub method: String,
    pub instructor: String,
    pub instructor_gender: String,
}

/// A sign-in sheet uploaded for preview.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "TrainingSignInIn")]
pub struct SignInInput {
    pub file_name: String,
    /// The file (CSV in UTF-8 or Big5, or XLSX), base64.
    pub content_base64: String,
}

/// The commit of a previewed sign-in sheet.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "TrainingSignInCommitIn")]
pub struct CommitInput {
    /// The SHA-256 of the file previewed (what is committed must be what
    /// was seen).
    pub expect: Option<String>,
}

/// A session with its preview.
#[derive(Debug, Clone)]
pub struct SessionView {
    pub session: Session,
    pub org: Organisation,
    /// The previewed sheet: the rows to take (each matched to the roster or
    /// not) and the rows skipped with why.
    pub preview: Option<Preview>,
    pub can_write: bool,
}

/// A previewed sign-in sheet.
#[derive(Debug, Clone)]
pub struct Preview {
    pub file_name: String,
    pub sha256: String,
    pub rows: Vec<(usize, Attendee, bool)>,
    pub skipped: Vec<SkippedRow>,
}

/// One person's year.
#[derive(Debug, Clone)]
pub struct PersonYear {
    pub person: Person,
    /// Minutes attended this year: professional and functional courses,
    /// general courses.
    pub professional: u32,
    pub general: u32,
}

/// An organisation's training year.
#[derive(Debug, Clone)]
pub struct TrainingView {
    pub org: Organisation,
    pub year: i32,
    pub plan: Option<TrainingPlan>,
    pub sessions: Vec<Session>,
    pub people: Vec<PersonYear>,
    pub gaps: Vec<PersonGap>,
    /// Participants (attendance lines) and instructors by gender: female,
    /// male, other, unknown.
    pub participants: [usize; 4],
    pub instructors: [usize; 4],
    pub can_write: bool,
}

use crate::typed::{memo, opt_text, text};

/// `kind:name:YYYY-MM-DD`.
fn certificate(s: &str) -> Result<Certificate> {
    let mut parts = s.splitn(3, [':', '：']);
    let kind = CertificateKind::parse(parts.next().unwrap_or_default())?;
    let name = text::<100>("certificates", parts.next().unwrap_or_default())?;
    let expires_on = zian_domain::day::parse_opt(
        "certificates",
        parts.next().map(str::trim).filter(|d| !d.is_empty()),
    )?;
    Ok(Certificate {
        kind,
        name,
        expires_on,
    })
}

fn person_of(x: &PersonInput) -> Result<Person> {
    Ok(Person {
        name: text::<50>("roster", &x.name)?,
        unit: text::<100>("roster", &x.unit)?,
        title: opt_text::<50>("roster", &x.title)?,
        audience: Audience::parse(&x.audience)?,
        gender: Gender::parse_opt(&x.gender)?,
        certificates: x
            .certificates
            .iter()
            .filter(|c| !c.trim().is_empty())
            .map(|c| certificate(c))
            .collect::<Result<_>>()?,
    })
}

fn year_bounds(year: i32) -> Result<(time::Date, time::Date)> {
    let bad = || AppError::invalid("year", msg!("reason.unknown_value", value = year));
    let from =
        time::Date::from_calendar_date(year - 1, time::Month::December, 31).map_err(|_| bad())?;
    let to = time::Date::from_calendar_date(year, time::Month::December, 31).map_err(|_| bad())?;
    Ok((from, to))
}

impl App {
    fn training_scope(&self, p: &Principal, org: &Organisation) -> Result<OrgScope> {
        if self.can(p, Permission::RecordWrite, org) {
            Ok(p.scope(Permission::RecordWrite))
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Records (or replaces) an organisation's plan of `year`.
    pub async fn save_training_plan(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: PlanInput,
    ) -> Result<TrainingView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let year = input.year.unwrap_or_else(|| self.today().year());
        let scope = self.training_scope(p, &org)?;
        year_bounds(year)?;
        let mut roster = Vec::new();
        for x in &input.roster {
            // every problem of a roster line is the roster's
            let person = person_of(x).map_err(|e| match e {
                AppError::Validation { reason, .. } => AppError::invalid("roster", reason),
                other => other,
            })?;
            if roster
                .iter()
                .any(|q: &Person| q.name == person.name && q.unit == person.unit)
            {
                return Err(AppError::invalid(
                    "roster",
                    msg!("reason.training.person_twice", name = person.name.as_str()),
                ));
            }
            roster.push(person);
        }
        let body = PlanBody {
            basis: memo::<4000>("basis", &input.basis)?,
            courses: memo::<4000>("courses", &input.courses)?,
            roster,
        };
        let existing = self
            .stores
            .training
            .training_plan(&p.scope(Permission::RecordRead), &org.id, year)
            .await?;
        let now = self.now();
        let (plan, previous) = match existing {
            Some(mut x) => {
                let before = x.updated_at;
                x.body = body;
                x.updated_at = now.max(before + 1);
                (x, Some(before))
            }
            None => (
                TrainingPlan {
                    id: TrainingId::from(self.ids.new_id()),
                    org_id: org.id.clone(),
                    year,
                    body,
                    updated_at: now,
                },
                None,
            ),
        };
        let mut e = p.event("training.plan_saved", Some(&org.id), Some(&plan.id));
        e.details = serde_json::json!({"year": year, "roster": plan.body.roster.len()});
        self.stores
            .training
            .save_training_plan(&scope, &plan, previous, e)
            .await?;
        self.training_year(p, &org.id, year).await
    }

    /// Records a session held by organisation `org_id`.
    pub async fn record_training_session(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: SessionInput,
    ) -> Result<SessionView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = self.training_scope(p, &org)?;
        let minutes = match input.hours.trim().parse::<f64>() {
            Ok(h) if h > 0.0 && h <= 40.0 && (h * 2.0).fract() == 0.0 => (h * 60.0) as u32,
            _ => {
                return Err(AppError::invalid("hours", msg!("reason.training.hours")));
            }
        };
        let held_on = zian_domain::day::parse("held_on", &input.held_on)?;
        if held_on > self.today() {
            return Err(AppError::invalid(
                "held_on",
                msg!("reason.training.held_later"),
            ));
        }
        let method = match input.method.trim() {
            "" | "physical" | "實體" => "physical",
            "online" | "線上" => "online",
            other => {
                return Err(AppError::invalid(
                    "method",
                    msg!("reason.unknown_value", value = other),
                ));
            }
        };
        let now = self.now();
        let s = Session {
            id: TrainingId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            title: text::<200>("title", &input.title)?,
            category: Category::parse(&input.category)?,
            minutes,
            held_on,
            body: SessionBody {
                provider: opt_text::<100>("provider", &input.provider)?,
                place: opt_text::<100>("place", &input.place)?,
                method: method.into(),
                instructor: opt_text::<50>("instructor", &input.instructor)?,
                instructor_gender: Gender::parse_opt(&input.instructor_gender)?,
                attendees: Vec::new(),
                pending: None,
            },
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        let mut e = p.event("training.session_recorded", Some(&org.id), Some(&s.id));
        e.details = serde_json::json!({"title": s.title, "held_on": zian_domain::day::ymd(held_on), "minutes": minutes});
        self.stores
            .training
            .save_session(&scope, &s, None, e)
            .await?;
        self.training_session(p, &s.id).await
    }

    /// Reads a sign-in sheet and keeps it on the session for its preview.
    pub async fn preview_sign_in(
        &self,
        p: &Principal,
        id: &TrainingId,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<SessionView> {
        let rows = zian_inventory::rows::rows(bytes, MAX_SHEET_BYTES, MAX_SHEET_ROWS)
            .map_err(|e| AppError::invalid("file", e.reason()))?;
        // the header must be there; rows are judged again at the commit
        read_sign_in(&rows)?;
        let sha256 = {
            use sha2::Digest;
            zian_domain::audit::hex(&sha2::Sha256::digest(bytes))
        };
        let name = zian_domain::Text::<200>::parse("file_name", file_name.trim())
            .map(|t| t.into_string())
            .unwrap_or_else(|_| "sign-in".into());
        self.change_session(p, id, "training.sign_in_previewed", move |s| {
            s.body.pending = Some(PendingImport {
                file_name: name.clone(),
                sha256: sha256.clone(),
                rows,
            });
            Ok(serde_json::json!({"file": name, "sha256": sha256}))
        })
        .await
    }

    /// [`App::preview_sign_in`] of a base64 file (the API); the session is
    /// looked up first, so outsiders learn nothing from a malformed body.
    pub async fn preview_sign_in_base64(
        &self,
        p: &Principal,
        id: &TrainingId,
        input: &SignInInput,
    ) -> Result<SessionView> {
        self.get_training_session(p, id).await?;
        let bytes = crate::evidence::decode_base64(&input.content_base64, MAX_SHEET_BYTES, "2 MB")?;
        self.preview_sign_in(p, id, &input.file_name, &bytes).await
    }

    /// Commits the previewed sheet: every row read joins the sign-in sheet
    /// (one already on it is not added twice); the skipped ones are named.
    pub async fn commit_sign_in(
        &self,
        p: &Principal,
        id: &TrainingId,
        input: CommitInput,
    ) -> Result<(SessionView, usize, Vec<SkippedRow>)> {
        let mut result = (0, Vec::new());
        let v = self
            .change_session(p, id, "training.sign_in_committed", |s| {
                let Some(pending) = s.body.pending.take() else {
                    return Err(AppError::invalid(
                        "file",
                        msg!("reason.training.nothing_previewed"),
                    ));
                };
                if Some(pending.sha256.as_str()) != input.expect.as_deref().map(str::trim) {
                    return Err(AppError::invalid(
                        "file",
                        msg!("reason.training.changed_since_preview"),
                    ));
                }
                let (ok, skipped) = read_sign_in(&pending.rows)?;
                let mut added = 0;
                for (_, a) in ok {
                    if !s
                        .body
                        .attendees
                        .iter()
                        .any(|b| b.name == a.name && b.unit == a.unit)
                    {
                        s.body.attendees.push(a);
                        added += 1;
                    }
                }
                let details = serde_json::json!({"file": pending.file_name, "sha256": pending.sha256, "added": added, "skipped": skipped.iter().map(|r| r.line).collect::<Vec<_>>()});
                result = (added, skipped);
                Ok(details)
            })
            .await?;
        Ok((v, result.0, result.1))
    }

    async fn change_session(
        &self,
        p: &Principal,
        id: &TrainingId,
        action: &str,
        change: impl FnOnce(&mut Session) -> Result<serde_json::Value>,
    ) -> Result<SessionView> {
        let mut s = self.get_training_session(p, id).await?;
        let org = self.org_with(p, &s.org_id, Permission::RecordRead).await?;
        let scope = self.training_scope(p, &org)?;
        let before = s.updated_at;
        let details = change(&mut s)?;
        s.updated_at = self.now().max(before + 1);
        let mut e = p.event(action, Some(&s.org_id), Some(&s.id));
        e.details = details;
        self.stores
            .training
            .save_session(&scope, &s, Some(before), e)
            .await?;
        self.training_session(p, id).await
    }

    async fn get_training_session(&self, p: &Principal, id: &TrainingId) -> Result<Session> {
        self.stores
            .training
            .get_session(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// A session with its pending preview.
    pub async fn training_session(&self, p: &Principal, id: &TrainingId) -> Result<SessionView> {
        let session = self.get_training_session(p, id).await?;
        let org = self
            .org_with(p, &session.org_id, Permission::RecordRead)
            .await?;
        let roster = self
            .stores
            .training
            .training_plan(
                &p.scope(Permission::RecordRead),
                &org.id,
                session.held_on.year(),
            )
            .await?
            .map(|x| x.body.roster)
            .unwrap_or_default();
        let preview = match &session.body.pending {
            Some(pending) => {
                let (ok, skipped) = read_sign_in(&pending.rows)?;
                Some(Preview {
                    file_name: pending.file_name.clone(),
                    sha256: pending.sha256.clone(),
                    rows: ok
                        .into_iter()
                        .map(|(line, a)| {
                            let known = roster.iter().any(|p| p.is(&a));
                            (line, a, known)
                        })
                        .collect(),
                    skipped,
                })
            }
            None => None,
        };
        let can_write = self.can(p, Permission::RecordWrite, &org);
        Ok(SessionView {
            session,
            org,
            preview,
            can_write,
        })
    }

    /// An organisation's training year: the plan, sessions, each person's
    /// hours, the gaps against 附表一 and the gender statistics.
    pub async fn training_year(
        &self,
        p: &Principal,
        org_id: &OrgId,
        year: i32,
    ) -> Result<TrainingView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let (from, to) = year_bounds(year)?;
        let read = p.scope(Permission::RecordRead);
        let plan = self
            .stores
            .training
            .training_plan(&read, &org.id, year)
            .await?;
        // the sessions of the two years a two-yearly requirement counts
        let all = self
            .stores
            .training
            .sessions(
                &read,
                Some(&org.id),
                zian_domain::day::add_years(from, -1),
                to,
            )
            .await?;
        let sessions: Vec<Session> = all.iter().filter(|s| s.held_on > from).cloned().collect();
        let roster = plan
            .as_ref()
            .map(|x| x.body.roster.clone())
            .unwrap_or_default();
        let people = roster
            .iter()
            .map(|person| PersonYear {
                professional: person.minutes(
                    &sessions,
                    &[Category::Professional, Category::Functional],
                    from,
                    to,
                ),
                general: person.minutes(&sessions, &[Category::General], from, to),
                person: person.clone(),
            })
            .collect();
        // the requirements' periods running today (or the year's, for
        // another year)
        let today = self.today();
        let on = if today.year() == year { today } else { to };
        let amounts = crate::compliance::training_amounts(&org, on)?;
        let gaps = gaps(&roster, &all, &amounts);
        let participants = gender_counts(
            sessions
                .iter()
                .flat_map(|s| s.body.attendees.iter().map(|a| a.gender)),
        );
        let instructors = gender_counts(
            sessions
                .iter()
                .filter(|s| !s.body.instructor.is_empty())
                .map(|s| s.body.instructor_gender),
        );
        let can_write = self.can(p, Permission::RecordWrite, &org);
        Ok(TrainingView {
            org,
            year,
            plan,
            sessions,
            people,
            gaps,
            participants,
            instructors,
            can_write,
        })
    }
}

impl PlanInput {
    /// The plan as a page form sends it: the roster one person a line,
    /// `姓名 | 單位 | 職稱 | 類別 | 性別 | 證照` (證照: `專業:名稱:到期日`,
    /// several separated by `;`).
    pub fn from_form(get: impl Fn(&str) -> String) -> PlanInput {
        let roster = get("roster")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let c: Vec<&str> = l.split('|').map(str::trim).collect();
                let cell = |i: usize| c.get(i).copied().unwrap_or_default().to_string();
                PersonInput {
                    name: cell(0),
                    unit: cell(1),
                    title: cell(2),
                    audience: cell(3),
                    gender: cell(4),
                    certificates: cell(5)
                        .split([';', '；'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                }
            })
            .collect();
        PlanInput {
            year: get("year").trim().parse().ok(),
            basis: get("basis"),
            courses: get("courses"),
            roster,
        }
    }
}

/// The roster as the form's lines (what [`PlanInput::from_form`] reads).
pub fn roster_lines(roster: &[Person]) -> String {
    roster
        .iter()
        .map(|p| {
            let certs: Vec<String> = p
                .certificates
                .iter()
                .map(|c| {
                    format!(
                        "{}:{}:{}",
                        c.kind.as_str(),
                        c.name,
                        c.expires_on.map(zian_domain::day::ymd).unwrap_or_default()
                    )
                })
                .collect();
            format!(
                "{} | {} | {} | {} | {} | {}",
                p.name,
                p.unit,
                p.title,
                p.audience.as_str(),
                p.gender.map(Gender::as_str).unwrap_or_default(),
                certs.join("; ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl SessionInput {
    pub fn from_form(get: impl Fn(&str) -> String) -> SessionInput {
        SessionInput {
            title: get("title"),
            category: get("category"),
            hours: get("hours"),
            held_on: get("held_on"),
            provider: get("provider"),
            place: get("place"),
            method: get("method"),
            instructor: get("instructor"),
            instructor_gender: get("instructor_gender"),
        }
    }
}

/// A session as the API gives it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "TrainingSessionOut")]
pub struct SessionOut {
    pub id: String,
    pub org_id: String,
    pub title: String,
    pub category: String,
    pub hours: String,
    pub held_on: String,
    /// Provider, place, method, instructor, attendees.
    #[schemars(with = "serde_json::Value")]
    pub body: SessionBody,
}

impl From<&Session> for SessionOut {
    fn from(s: &Session) -> Self {
        let mut body = s.body.clone();
        body.pending = None;
        SessionOut {
            id: s.id.to_string(),
            org_id: s.org_id.to_string(),
            title: s.title.clone(),
            category: s.category.as_str().into(),
            hours: zian_domain::training::hours_text(s.minutes),
            held_on: zian_domain::day::ymd(s.held_on),
            body,
        }
    }
}
