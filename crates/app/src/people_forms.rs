//! The people forms of seed 001: security resource requests (資通安全需求
//! 申請單) through the unit head, the promotion team's decision and the
//! CISO; staff confidentiality agreements (資通安全保密同意書) signed and
//! countersigned, with the staff who have none; the restricted-area entry
//! log (管制區域人員進出登記表): an entry recorded in one step on a tablet,
//! its leaving in one more, the month's log with who is still inside.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::{Date, Month};
use zian_domain::day::{taipei_start, ymd};
use zian_domain::org::Organisation;
use zian_domain::people_forms::{
    self as pf, Access, Agreement, AreaEntry, Body, Category, Device, Kind, PeopleForm, Purchase,
    Request, SignOff, Step,
};
use zian_domain::text::Memo;
use zian_domain::user::RoleHolder;
use zian_domain::{AreaEntryId, OrgId, PeopleFormId, Permission, Principal, Role, Text};
use zian_i18n::msg;

use crate::inbox::Raise;
use crate::incidents::optional;
use crate::{App, AppError, Result};

/// A resource request to file.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ResourceRequestIn")]
pub struct RequestInput {
    /// 申請單位
    pub unit: String,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub requested_on: Option<String>,
    /// 申請項目: `software`, `hardware`, `other`.
    pub request_type: String,
    /// 項目名稱
    pub item_name: String,
    /// 申請數量, 1 to 100000.
    pub quantity: u32,
    /// 需用日期 `YYYY-MM-DD`.
    #[serde(default)]
    pub needed_on: Option<String>,
    /// `new` (新購) or `upgrade` (升級).
    pub purchase: String,
    /// `host`, `user_pc`, `other`.
    pub device: String,
    #[serde(default)]
    pub install_unit: String,
    #[serde(default)]
    pub install_location: String,
    /// 用途說明
    pub purpose: String,
    /// 申請人; default the caller.
    #[serde(default)]
    pub applicant: Option<String>,
}

/// A confidentiality agreement to record.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ConfidentialityIn")]
pub struct AgreementInput {
    /// 立同意書人
    pub signer: String,
    /// The signer's account, when they have one.
    #[serde(default)]
    pub user_id: Option<String>,
    /// 任職單位
    pub unit: String,
    /// 任職日期 `YYYY-MM-DD`.
    pub starts_on: String,
    /// 機關首長
    #[serde(default)]
    pub agency_head: String,
}

/// A step of a form signed.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PeopleFormSignIn")]
pub struct SignInput {
    /// `unit_head`, `team`, `ciso` (a request); `signer`, `head` (an
    /// agreement): the next step of the form's chain.
    pub step: String,
    /// Endorse / 可採購 / sign (default); false: decline / 不可採購.
    #[serde(default = "yes")]
    pub approve: bool,
    /// 說明 (required to decline, except by the unit head).
    #[serde(default)]
    pub note: String,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub signed_on: Option<String>,
    /// The name in the box; default the caller (the signer's for `signer`).
    #[serde(default)]
    pub signatory: Option<String>,
}

fn yes() -> bool {
    true
}

/// An entry to the restricted area.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AreaEntryIn")]
pub struct EntryInput {
    /// The area, e.g. 機房.
    pub area: String,
    /// 姓名
    pub person: String,
    /// 單位
    pub unit: String,
    /// 配同人員
    #[serde(default)]
    pub escort: String,
    /// 事由
    pub reason: String,
    /// `ordinary` (普) or `special` (特).
    #[serde(default)]
    pub access: Option<String>,
    /// 進出設備
    #[serde(default)]
    pub devices: String,
    /// 攜帶物品
    #[serde(default)]
    pub carried: String,
    /// RFC 3339 or `YYYY-MM-DDTHH:MM` (Taipei); default now.
    #[serde(default)]
    pub entered_at: Option<String>,
}

/// The leaving of an entry.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AreaLeaveIn")]
pub struct LeaveInput {
    /// RFC 3339 or `YYYY-MM-DDTHH:MM` (Taipei); default now.
    #[serde(default)]
    pub left_at: Option<String>,
}

/// A form as the API gives it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "PeopleFormOut")]
pub struct FormOut {
    pub id: String,
    pub org_id: String,
    pub kind: String,
    pub number: String,
    /// `pending`, `approved`, `rejected`.
    pub status: String,
    /// The step to sign next.
    pub next_step: Option<String>,
    /// The form's fields by kind (`kind` among them).
    pub body: serde_json::Value,
    /// The chain signed so far: step, name, on, approve, note.
    pub signoffs: serde_json::Value,
    pub created_at: i64,
    pub updated_at: i64,
}

impl FormOut {
    pub fn of(f: &PeopleForm) -> FormOut {
        FormOut {
            id: f.id.to_string(),
            org_id: f.org_id.to_string(),
            kind: f.kind().as_str().into(),
            number: f.number.clone(),
            status: f.status().as_str().into(),
            next_step: f.next_step().map(|s| s.as_str().into()),
            body: serde_json::to_value(&f.body).unwrap_or_default(),
            signoffs: serde_json::to_value(&f.signoffs).unwrap_or_default(),
            created_at: f.created_at,
            updated_at: f.updated_at,
        }
    }
}

/// An entry as the API gives it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "AreaEntryOut")]
pub struct EntryOut {
    pub id: String,
    pub org_id: String,
    pub area: String,
    pub name: String,
    pub unit: String,
    pub escort: String,
    pub entered_at: i64,
    pub left_at: Option<i64>,
    pub reason: String,
    pub access: String,
    pub devices: String,
    pub items: String,
    /// Still inside for more than twelve hours.
    pub overstayed: bool,
}

impl EntryOut {
    pub fn of(e: &AreaEntry, now: i64) -> EntryOut {
        EntryOut {
            id: e.id.to_string(),
            org_id: e.org_id.to_string(),
            area: e.area.clone(),
            name: e.name.clone(),
            unit: e.unit.clone(),
            escort: e.escort.clone(),
            entered_at: e.entered_at,
            left_at: e.left_at,
            reason: e.reason.clone(),
            access: e.access.as_str().into(),
            devices: e.devices.clone(),
            items: e.items.clone(),
            overstayed: e.overstayed(now),
        }
    }
}

/// An organisation's forms with the staff who have no agreement in force.
#[derive(Debug, Clone)]
pub struct FormsView {
    pub org: Organisation,
    pub requests: Vec<PeopleForm>,
    pub agreements: Vec<PeopleForm>,
    /// Staff holding a role here (vendors aside) with no agreement
    /// approved or on its way.
    pub unsigned: Vec<RoleHolder>,
    /// The names of the units below whose forms are listed too.
    pub units: BTreeMap<OrgId, String>,
    pub can_write: bool,
    pub can_approve: bool,
}

/// A form with what its page shows.
#[derive(Debug, Clone)]
pub struct FormView {
    pub form: PeopleForm,
    pub org: Organisation,
    /// The caller may sign the next step.
    pub can_sign: bool,
}

/// The month's log of an organisation.
#[derive(Debug, Clone)]
pub struct LogView {
    pub org: Organisation,
    /// The first day of the month shown.
    pub month: Date,
    /// The month's entries and everyone still inside, latest first.
    pub entries: Vec<AreaEntry>,
    /// The areas used before (for the quick-entry list).
    pub areas: Vec<String>,
    /// The names of the units below whose entries are listed too.
    pub units: BTreeMap<OrgId, String>,
    pub now: i64,
    pub can_write: bool,
}

impl LogView {
    pub fn inside(&self) -> impl Iterator<Item = &AreaEntry> {
        self.entries.iter().filter(|e| e.inside())
    }
}

fn month_start(field: &'static str, s: Option<&str>, today: Date) -> Result<Date> {
    let first = |d: Date| d.replace_day(1).expect("day 1");
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(first(today)),
        Some(m) => {
            let d = zian_domain::day::parse(field, &format!("{m}-01"))
                .map_err(|_| AppError::invalid(field, msg!("reason.people_forms.month")))?;
            Ok(first(d))
        }
    }
}

fn next_month(d: Date) -> Date {
    let (y, m) = match d.month() {
        Month::December => (d.year() + 1, Month::January),
        m => (d.year(), m.next()),
    };
    Date::from_calendar_date(y, m, 1).expect("valid month")
}

impl App {
    async fn new_form(&self, p: &Principal, org: &Organisation, body: Body) -> Result<PeopleForm> {
        let kind = match &body {
            Body::ResourceRequest(_) => Kind::ResourceRequest,
            Body::Confidentiality(_) => Kind::Confidentiality,
        };
        let roc = self.today().year() - 1911;
        let taken = self
            .stores
            .people_forms
            .form_numbers(
                &p.scope(Permission::RecordWrite),
                &org.id,
                &format!("{}-{roc}-", kind.prefix()),
            )
            .await?;
        let now = self.now();
        let f = PeopleForm {
            id: PeopleFormId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            number: pf::next_number(kind, roc, &taken),
            body,
            signoffs: Vec::new(),
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        let mut e = p.event("people_forms.created", Some(&org.id), Some(&f.id));
        e.details = serde_json::json!({"kind": kind.as_str(), "number": f.number});
        self.stores
            .people_forms
            .save_form(&p.scope(Permission::RecordWrite), &f, None, e)
            .await?;
        Ok(f)
    }

    /// Files a resource request (anyone who writes the organisation's
    /// records); its unit head is next.
    pub async fn create_resource_request(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: RequestInput,
    ) -> Result<PeopleForm> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let requested_on = match input.requested_on.as_deref().map(str::trim) {
            None | Some("") => self.today(),
            Some(d) => zian_domain::day::parse("requested_on", d)?,
        };
        let needed_on = zian_domain::day::parse_opt("needed_on", input.needed_on.as_deref())?;
        if needed_on.is_some_and(|d| d < requested_on) {
            return Err(AppError::invalid(
                "needed_on",
                msg!("reason.people_forms.needed_before_request"),
            ));
        }
        if !(1..=100_000).contains(&input.quantity) {
            return Err(AppError::invalid(
                "quantity",
                msg!("reason.people_forms.quantity"),
            ));
        }
        let applicant = match input.applicant.as_deref().map(str::trim) {
            None | Some("") => p.user.display_name.clone(),
            Some(a) => Text::<100>::parse("applicant", a)?.into_string(),
        };
        let body = Body::ResourceRequest(Request {
            unit: Text::<100>::parse("unit", &input.unit)?.into_string(),
            requested_on,
            category: Category::parse(&input.request_type)?,
            item: Text::<200>::parse("item_name", &input.item_name)?.into_string(),
            quantity: input.quantity,
            needed_on,
            purchase: Purchase::parse(&input.purchase)?,
            device: Device::parse(&input.device)?,
            install_unit: Memo::<100>::parse("install_unit", &input.install_unit)?.into_string(),
            install_location: Memo::<100>::parse("install_location", &input.install_location)?
                .into_string(),
            purpose: Text::<2000>::parse("purpose", &input.purpose)?.into_string(),
            applicant,
        });
        self.new_form(p, &org, body).await
    }

    /// Records a staff member's agreement to be signed; printed, signed on
    /// paper, then recorded as signed and countersigned.
    pub async fn create_confidentiality(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: AgreementInput,
    ) -> Result<PeopleForm> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let user_id = match input.user_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u) => {
                let id = zian_domain::UserId::from(u);
                // only a colleague in reach: nothing is told of others
                self.stores
                    .people
                    .get_user(&p.scope(Permission::RecordRead), &id)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid("user_id", msg!("reason.people_forms.no_user"))
                    })?;
                Some(id)
            }
        };
        let body = Body::Confidentiality(Agreement {
            signer: Text::<100>::parse("signer", &input.signer)?.into_string(),
            user_id,
            unit: Text::<100>::parse("unit", &input.unit)?.into_string(),
            starts_on: zian_domain::day::parse("starts_on", &input.starts_on)?,
            agency_head: Memo::<100>::parse("agency_head", &input.agency_head)?.into_string(),
        });
        self.new_form(p, &org, body).await
    }

    async fn form_row(&self, p: &Principal, id: &PeopleFormId) -> Result<PeopleForm> {
        self.stores
            .people_forms
            .get_form(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    fn may_sign(&self, p: &Principal, org: &Organisation, step: Step) -> bool {
        let perm = if step.needs_approver() {
            Permission::PlanApprove
        } else {
            Permission::RecordWrite
        };
        self.can(p, perm, org)
    }

    /// A form with whether the caller may sign its next step.
    pub async fn people_form(&self, p: &Principal, id: &PeopleFormId) -> Result<FormView> {
        let form = self.form_row(p, id).await?;
        let org = self
            .org_with(p, &form.org_id, Permission::RecordRead)
            .await?;
        let can_sign = form.next_step().is_some_and(|s| self.may_sign(p, &org, s));
        Ok(FormView {
            form,
            org,
            can_sign,
        })
    }

    /// Signs the next step of a form. The CISO's office signs `ciso` and
    /// `head`; whoever writes the records the others. When the CISO is
    /// next, the organisation's approvers are told.
    pub async fn sign_people_form(
        &self,
        p: &Principal,
        id: &PeopleFormId,
        input: SignInput,
    ) -> Result<PeopleForm> {
        let mut f = self.form_row(p, id).await?;
        let org = self.org_with(p, &f.org_id, Permission::RecordRead).await?;
        let step = Step::parse(&input.step)?;
        let perm = if step.needs_approver() {
            Permission::PlanApprove
        } else {
            Permission::RecordWrite
        };
        let org = self.org_with(p, &org.id, perm).await?;
        let on = match input.signed_on.as_deref().map(str::trim) {
            None | Some("") => self.today(),
            Some(d) => zian_domain::day::parse("signed_on", d)?,
        };
        if on > self.today() {
            return Err(AppError::invalid(
                "signed_on",
                msg!("reason.people_forms.future"),
            ));
        }
        let name = match (input.signatory.as_deref().map(str::trim), &f.body) {
            (Some(n), _) if !n.is_empty() => Text::<100>::parse("signatory", n)?.into_string(),
            (_, Body::Confidentiality(a)) if step == Step::Signer => a.signer.clone(),
            _ => p.user.display_name.clone(),
        };
        let previous = f.updated_at;
        f.sign(
            SignOff {
                step,
                by: Some(p.user.id.clone()),
                name,
                on,
                approve: input.approve,
                note: Memo::<1000>::parse("note", &input.note)?.into_string(),
            },
            self.now().max(previous + 1),
        )?;
        let mut e = p.event("people_forms.signed", Some(&org.id), Some(&f.id));
        e.details = serde_json::json!({
            "number": f.number, "step": step.as_str(), "approve": input.approve,
            "status": f.status().as_str(),
        });
        self.stores
            .people_forms
            .save_form(&p.scope(perm), &f, Some(previous), e)
            .await?;
        if f.next_step().is_some_and(|s| s.needs_approver()) {
            self.raise_to_holders(
                &org.id,
                Permission::PlanApprove,
                &Raise {
                    event: "people_forms.awaiting",
                    org: Some(org.id.clone()),
                    title: msg!(
                        "inbox.notice.people_forms_awaiting",
                        number = f.number.as_str()
                    ),
                    title_en: None,
                    link: Some(format!("/people-forms/{}", f.id)),
                    dedupe_key: Some(format!("people_forms.awaiting:{}", f.id)),
                },
            )
            .await;
        }
        Ok(f)
    }

    /// An organisation's requests and agreements, and the staff without
    /// an agreement.
    pub async fn people_forms(&self, p: &Principal, org_id: &OrgId) -> Result<FormsView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let all = self
            .stores
            .people_forms
            .forms(&scope, &org.path, None)
            .await?;
        let (requests, agreements): (Vec<_>, Vec<_>) = all
            .into_iter()
            .partition(|f| f.kind() == Kind::ResourceRequest);
        let covered = |h: &RoleHolder| {
            agreements.iter().any(|f| {
                f.status() != pf::Status::Rejected
                    && matches!(&f.body, Body::Confidentiality(a)
                        if a.user_id.as_ref() == Some(&h.user_id) || a.signer == h.display_name)
            })
        };
        let staff: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| *r != Role::Vendor)
            .collect();
        let mut unsigned: Vec<RoleHolder> = Vec::new();
        for h in self.stores.people.role_holders(&scope, &staff).await? {
            if h.org_path.starts_with(&org.path)
                && !covered(&h)
                && !unsigned.iter().any(|u| u.user_id == h.user_id)
            {
                unsigned.push(h);
            }
        }
        unsigned.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        let units = self
            .unit_names(
                p,
                &org,
                requests.iter().chain(&agreements).map(|f| &f.org_id),
            )
            .await?;
        Ok(FormsView {
            units,
            can_write: self.can(p, Permission::RecordWrite, &org),
            can_approve: self.can(p, Permission::PlanApprove, &org),
            org,
            requests,
            agreements,
            unsigned,
        })
    }

    /// The names of the units below `org` among `ids`.
    async fn unit_names(
        &self,
        p: &Principal,
        org: &Organisation,
        ids: impl Iterator<Item = &OrgId>,
    ) -> Result<BTreeMap<OrgId, String>> {
        let mut out = BTreeMap::new();
        for id in ids {
            if *id != org.id && !out.contains_key(id) {
                let o = self.org_with(p, id, Permission::RecordRead).await?;
                out.insert(o.id.clone(), o.name_zh);
            }
        }
        Ok(out)
    }

    /// Records an entry to a restricted area (now, unless given).
    pub async fn record_area_entry(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: EntryInput,
    ) -> Result<AreaEntry> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let now = self.now();
        let entered_at =
            optional("entered_at", &input.entered_at)?.map_or(now, |t| t.unix_timestamp());
        if entered_at > now + 300 {
            return Err(AppError::invalid(
                "entered_at",
                msg!("reason.people_forms.future"),
            ));
        }
        let access = match input.access.as_deref().map(str::trim) {
            None | Some("") => Access::Ordinary,
            Some(a) => Access::parse(a)?,
        };
        let e = AreaEntry {
            id: AreaEntryId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            area: Text::<100>::parse("area", &input.area)?.into_string(),
            name: Text::<100>::parse("person", &input.person)?.into_string(),
            unit: Text::<100>::parse("unit", &input.unit)?.into_string(),
            escort: Memo::<100>::parse("escort", &input.escort)?.into_string(),
            entered_at,
            left_at: None,
            reason: Text::<500>::parse("reason", &input.reason)?.into_string(),
            access,
            devices: Memo::<200>::parse("devices", &input.devices)?.into_string(),
            items: Memo::<200>::parse("carried", &input.carried)?.into_string(),
            recorded_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        let mut ev = p.event("people_forms.entered", Some(&org.id), Some(&e.id));
        ev.details = serde_json::json!({"area": e.area, "name": e.name, "access": access.as_str()});
        self.stores
            .people_forms
            .save_entry(&p.scope(Permission::RecordWrite), &e, None, ev)
            .await?;
        Ok(e)
    }

    /// Records the leaving of an entry (now, unless given).
    pub async fn leave_area(
        &self,
        p: &Principal,
        id: &AreaEntryId,
        input: LeaveInput,
    ) -> Result<AreaEntry> {
        let mut e = self
            .stores
            .people_forms
            .get_entry(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org_with(p, &e.org_id, Permission::RecordWrite).await?;
        let now = self.now();
        let at = optional("left_at", &input.left_at)?.map_or(now, |t| t.unix_timestamp());
        if at > now + 300 {
            return Err(AppError::invalid(
                "left_at",
                msg!("reason.people_forms.future"),
            ));
        }
        let previous = e.updated_at;
        e.leave(at, now.max(previous + 1))?;
        let mut ev = p.event("people_forms.left", Some(&org.id), Some(&e.id));
        ev.details = serde_json::json!({"area": e.area, "name": e.name});
        self.stores
            .people_forms
            .save_entry(&p.scope(Permission::RecordWrite), &e, Some(previous), ev)
            .await?;
        Ok(e)
    }

    /// The log of a month (`YYYY-MM`, default this one) with everyone
    /// still inside.
    pub async fn area_log(
        &self,
        p: &Principal,
        org_id: &OrgId,
        month: Option<&str>,
    ) -> Result<LogView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let month = month_start("month", month, self.today())?;
        let scope = p.scope(Permission::RecordRead);
        let entries = self
            .stores
            .people_forms
            .entries(
                &scope,
                &org.path,
                taipei_start(month),
                taipei_start(next_month(month)),
            )
            .await?;
        // the areas named over the past year, for the quick-entry list
        let year_ago = taipei_start(zian_domain::day::add_years(month, -1));
        let mut areas: Vec<String> = self
            .stores
            .people_forms
            .entries(&scope, &org.path, year_ago, taipei_start(next_month(month)))
            .await?
            .into_iter()
            .map(|e| e.area)
            .collect();
        areas.sort();
        areas.dedup();
        let units = self
            .unit_names(p, &org, entries.iter().map(|e| &e.org_id))
            .await?;
        Ok(LogView {
            units,
            can_write: self.can(p, Permission::RecordWrite, &org),
            org,
            month,
            entries,
            areas,
            now: self.now(),
        })
    }
}

/// `YYYY-MM` of a month's first day.
pub fn month_text(d: Date) -> String {
    ymd(d)[..7].to_owned()
}
