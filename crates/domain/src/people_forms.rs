//! The people forms of seed 001 (W20): the security resource request
//! (資通安全需求申請單, 001:L71-91) signed by the unit head, decided by the
//! promotion team (可採購 / 不可採購) and signed by the CISO; the staff
//! confidentiality agreement (資通安全保密同意書, 001:L48-69) signed by the
//! staff member and countersigned by the head; and the restricted-area
//! entry log (管制區域人員進出登記表, 001:L93-108): one row per entry, its
//! leaving time filled in when the person leaves.
//!
//! A form's approval chain is its kind's [`Step`]s in order; each sign-off
//! records who, when, the outcome and a note. One person signs one step of
//! a form at most.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::error::{DomainError, parse_named};
use crate::{AreaEntryId, OrgId, PeopleFormId, UserId};

macro_rules! named {
    ($(#[$m:meta])* $name:ident, $field:literal { $($(#[$vm:meta])* $v:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Result<Self, DomainError> {
                parse_named(Self::ALL, Self::as_str, $field, s.trim())
            }
        }
    };
}

named!(
    /// Which form.
    Kind, "kind" {
        /// 資通安全需求申請單
        ResourceRequest => "resource_request",
        /// 資通安全保密同意書
        Confidentiality => "confidentiality",
    }
);

named!(
    /// A step of a form's approval chain.
    Step, "step" {
        /// 單位主管: endorses the request or declines it (the request ends).
        UnitHead => "unit_head",
        /// 資通安全推動小組 (its officer): 可採購 or 不可採購, with a note.
        Team => "team",
        /// 資通安全長: signs the team's decision or declines the request.
        Ciso => "ciso",
        /// 立同意書人: the staff member signed the agreement (recorded by
        /// the officer from the signed paper).
        Signer => "signer",
        /// 機關首長 (or the CISO for the head): countersigns.
        Head => "head",
    }
);

named!(
    /// 申請項目 (the API's `request_type`)
    Category, "request_type" {
        Software => "software",
        Hardware => "hardware",
        Other => "other",
    }
);

named!(
    /// 申請類別
    Purchase, "purchase" {
        /// 新購
        New => "new",
        /// 升級
        Upgrade => "upgrade",
    }
);

named!(
    /// 使用設備
    Device, "device" {
        /// 主機
        Host => "host",
        /// 使用者電腦
        UserPc => "user_pc",
        Other => "other",
    }
);

named!(
    /// 權限 of an entry to a restricted area: 普 (ordinary, escorted or
    /// listed) or 特 (special: maintenance, emergency).
    Access, "access" {
        Ordinary => "ordinary",
        Special => "special",
    }
);

named!(
    /// Where a form stands.
    Status, "status" {
        /// The chain is not complete; [`PeopleForm::next_step`] says who is next.
        Pending => "pending",
        /// Complete and granted (a request to buy; an agreement in force).
        Approved => "approved",
        /// Declined by the unit head, not to be bought (the team), or
        /// declined by the CISO.
        Rejected => "rejected",
    }
);

impl Kind {
    /// The approval chain, in order.
    pub fn chain(self) -> &'static [Step] {
        match self {
            Kind::ResourceRequest => &[Step::UnitHead, Step::Team, Step::Ciso],
            Kind::Confidentiality => &[Step::Signer, Step::Head],
        }
    }
    /// The prefix of the form's 編號.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::ResourceRequest => "REQ",
            Kind::Confidentiality => "NDA",
        }
    }
}

impl Step {
    /// Signed by the CISO's office (the permission to approve the plan);
    /// the other steps by whoever writes the organisation's records.
    pub fn needs_approver(self) -> bool {
        matches!(self, Step::Ciso | Step::Head)
    }
    /// May decline (the others only sign).
    pub fn may_decline(self) -> bool {
        matches!(self, Step::UnitHead | Step::Team | Step::Ciso)
    }
}

/// A security resource request (資通安全需求申請單).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// 申請單位
    pub unit: String,
    /// 申請日期
    #[serde(with = "crate::day::serde_ymd")]
    pub requested_on: Date,
    pub category: Category,
    /// 項目名稱
    pub item: String,
    /// 申請數量
    pub quantity: u32,
    /// 需用日期
    #[serde(default, with = "crate::day::serde_opt_ymd")]
    pub needed_on: Option<Date>,
    pub purchase: Purchase,
    pub device: Device,
    /// 安裝單位
    #[serde(default)]
    pub install_unit: String,
    /// 安裝位置
    #[serde(default)]
    pub install_location: String,
    /// 用途說明
    pub purpose: String,
    /// 申請人
    pub applicant: String,
}

/// A staff member's confidentiality agreement (資通安全保密同意書). The
/// national ID number the paper form asks for is written by hand on the
/// printed form and never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// 立同意書人
    pub signer: String,
    /// The signer's account, when they have one.
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// 任職單位
    pub unit: String,
    /// 任職日期 (起於)
    #[serde(with = "crate::day::serde_ymd")]
    pub starts_on: Date,
    /// 機關首長
    #[serde(default)]
    pub agency_head: String,
}

/// What a form holds, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    ResourceRequest(Request),
    Confidentiality(Agreement),
}

/// One step signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    pub step: Step,
    /// The account that signed (or recorded the signature on paper).
    pub by: Option<UserId>,
    /// The name printed in the box.
    pub name: String,
    #[serde(with = "crate::day::serde_ymd")]
    pub on: Date,
    /// Endorsed / 可採購 / signed; false: declined / 不可採購.
    pub approve: bool,
    /// 說明
    #[serde(default)]
    pub note: String,
}

/// A people form with its chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeopleForm {
    pub id: PeopleFormId,
    pub org_id: OrgId,
    /// 編號, e.g. `REQ-115-003`.
    pub number: String,
    pub body: Body,
    pub signoffs: Vec<SignOff>,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

fn refused(field: &'static str, key: &'static str) -> DomainError {
    DomainError::Invalid {
        field,
        reason: zian_i18n::Msg::new(key),
    }
}

impl PeopleForm {
    pub fn kind(&self) -> Kind {
        match self.body {
            Body::ResourceRequest(_) => Kind::ResourceRequest,
            Body::Confidentiality(_) => Kind::Confidentiality,
        }
    }

    /// The step to sign next; none once the chain is complete or a step
    /// ended it.
    pub fn next_step(&self) -> Option<Step> {
        if self.ended() {
            return None;
        }
        self.kind().chain().get(self.signoffs.len()).copied()
    }

    /// The unit head declined: nothing further is signed.
    fn ended(&self) -> bool {
        self.signoffs
            .iter()
            .any(|s| s.step == Step::UnitHead && !s.approve)
    }

    pub fn signoff(&self, step: Step) -> Option<&SignOff> {
        self.signoffs.iter().find(|s| s.step == step)
    }

    pub fn status(&self) -> Status {
        if self.ended() {
            return Status::Rejected;
        }
        if self.signoffs.len() < self.kind().chain().len() {
            return Status::Pending;
        }
        // approved only when every step said yes: the CISO may decline what
        // the team would buy, never buy what it declined
        if self.signoffs.iter().all(|s| s.approve) {
            Status::Approved
        } else {
            Status::Rejected
        }
    }

    /// Signs the next step. Refused when `s.step` is not the next one, when
    /// the signer already signed a step of this form or created the request
    /// they would endorse, when a step that cannot decline declines, or when
    /// the date is before the previous sign-off's.
    pub fn sign(&mut self, s: SignOff, now: i64) -> Result<(), DomainError> {
        let next = self
            .next_step()
            .ok_or_else(|| refused("step", "reason.people_forms.complete"))?;
        if s.step != next {
            return Err(DomainError::Invalid {
                field: "step",
                reason: zian_i18n::Msg::new("reason.people_forms.not_next").arg_msg(
                    "step",
                    zian_i18n::Msg::new(format!("people_forms.step.{}", next.as_str())),
                ),
            });
        }
        if let Some(by) = &s.by {
            let own_request = s.step == Step::UnitHead && self.created_by.as_ref() == Some(by);
            // the signer step is recorded by an officer on the paper's behalf
            let signed_before = self
                .signoffs
                .iter()
                .any(|x| x.step != Step::Signer && x.by.as_ref() == Some(by));
            if own_request || (s.step != Step::Signer && signed_before) {
                return Err(refused("step", "reason.people_forms.same_signer"));
            }
        }
        if !s.approve && !s.step.may_decline() {
            return Err(refused("approve", "reason.people_forms.cannot_decline"));
        }
        if !s.approve && s.note.trim().is_empty() && s.step != Step::UnitHead {
            return Err(refused("note", "reason.people_forms.note_needed"));
        }
        if s.name.trim().is_empty() {
            return Err(refused("name", "reason.required"));
        }
        if let Some(prev) = self.signoffs.last()
            && s.on < prev.on
        {
            return Err(refused("on", "reason.people_forms.before_previous"));
        }
        self.signoffs.push(s);
        self.updated_at = now;
        Ok(())
    }
}

/// One row of the restricted-area entry log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaEntry {
    pub id: AreaEntryId,
    pub org_id: OrgId,
    /// The restricted area, e.g. 機房.
    pub area: String,
    /// 姓名
    pub name: String,
    /// 單位
    pub unit: String,
    /// 配同人員 (the escort; empty: unescorted)
    pub escort: String,
    /// 進入時間 (Unix seconds)
    pub entered_at: i64,
    /// 離開時間
    pub left_at: Option<i64>,
    /// 事由
    pub reason: String,
    /// 權限
    pub access: Access,
    /// 進出設備
    pub devices: String,
    /// 攜帶物品
    pub items: String,
    pub recorded_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An entry still open after this many hours is flagged: someone forgot to
/// record the leaving, or someone is still inside unexpectedly.
pub const OVERSTAY_HOURS: i64 = 12;

impl AreaEntry {
    /// Records the leaving time: refused when already recorded or before
    /// the entry.
    pub fn leave(&mut self, at: i64, now: i64) -> Result<(), DomainError> {
        if self.left_at.is_some() {
            return Err(refused("left_at", "reason.people_forms.already_left"));
        }
        if at < self.entered_at {
            return Err(refused("left_at", "reason.people_forms.left_before_entry"));
        }
        self.left_at = Some(at);
        self.updated_at = now;
        Ok(())
    }

    /// Still inside at `now`.
    pub fn inside(&self) -> bool {
        self.left_at.is_none()
    }

    /// Inside for longer than [`OVERSTAY_HOURS`].
    pub fn overstayed(&self, now: i64) -> bool {
        self.inside() && now - self.entered_at > OVERSTAY_HOURS * 3600
    }

    /// Minutes inside (until `now` while inside).
    pub fn minutes(&self, now: i64) -> i64 {
        (self.left_at.unwrap_or(now) - self.entered_at).max(0) / 60
    }
}

/// The next 編號 of a kind in a ROC year, after `taken` (the numbers of
/// that year already given): `REQ-115-001`, `REQ-115-002`…
pub fn next_number(kind: Kind, roc_year: i32, taken: &[String]) -> String {
    let prefix = format!("{}-{roc_year}-", kind.prefix());
    let last = taken
        .iter()
        .filter_map(|n| n.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:03}", last + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn request(by: &str) -> PeopleForm {
        PeopleForm {
            id: "f1".into(),
            org_id: "o1".into(),
            number: "REQ-115-001".into(),
            body: Body::ResourceRequest(Request {
                unit: "資訊室".into(),
                requested_on: date!(2026 - 12 - 01),
                category: Category::Software,
                item: "防毒軟體".into(),
                quantity: 1,
                needed_on: None,
                purchase: Purchase::New,
                device: Device::Host,
                install_unit: "資訊室".into(),
                install_location: "機房".into(),
                purpose: "防毒軟體更新".into(),
                applicant: "王小明".into(),
            }),
            signoffs: vec![],
            created_by: Some(by.into()),
            created_at: 0,
            updated_at: 0,
        }
    }

    fn so(step: Step, by: &str, approve: bool, note: &str) -> SignOff {
        SignOff {
            step,
            by: Some(by.into()),
            name: by.into(),
            on: date!(2026 - 12 - 02),
            approve,
            note: note.into(),
        }
    }

    #[test]
    fn a_request_goes_through_its_chain_in_order() {
        let mut f = request("applicant");
        assert_eq!(f.status(), Status::Pending);
        assert_eq!(f.next_step(), Some(Step::UnitHead));
        // out of order
        let e = f.sign(so(Step::Team, "officer", true, ""), 1).unwrap_err();
        assert!(matches!(e, DomainError::Invalid { field: "step", .. }));
        // the applicant cannot endorse their own request
        assert!(
            f.sign(so(Step::UnitHead, "applicant", true, ""), 1)
                .is_err()
        );
        f.sign(so(Step::UnitHead, "head", true, ""), 1).unwrap();
        // the same person cannot sign a second step
        assert!(f.sign(so(Step::Team, "head", true, ""), 2).is_err());
        // 不可採購 needs its reason
        let e = f
            .sign(so(Step::Team, "officer", false, " "), 2)
            .unwrap_err();
        assert!(matches!(e, DomainError::Invalid { field: "note", .. }));
        f.sign(so(Step::Team, "officer", true, "已編列預算"), 2)
            .unwrap();
        assert_eq!(f.status(), Status::Pending);
        assert_eq!(f.next_step(), Some(Step::Ciso));
        f.sign(so(Step::Ciso, "ciso", true, ""), 3).unwrap();
        assert_eq!(f.status(), Status::Approved);
        assert_eq!(f.next_step(), None);
        assert_eq!(f.updated_at, 3);
        assert!(f.sign(so(Step::Ciso, "other", true, ""), 4).is_err());
    }

    #[test]
    fn the_ciso_declines_and_a_unit_head_ends_it() {
        let mut f = request("applicant");
        f.sign(so(Step::UnitHead, "head", true, ""), 1).unwrap();
        f.sign(so(Step::Team, "officer", true, ""), 2).unwrap();
        f.sign(so(Step::Ciso, "ciso", false, "本年度預算不足"), 3)
            .unwrap();
        assert_eq!(f.status(), Status::Rejected);

        let mut g = request("applicant");
        g.sign(so(Step::UnitHead, "head", false, ""), 1).unwrap();
        assert_eq!(g.status(), Status::Rejected);
        assert_eq!(g.next_step(), None);

        // the team says no, the CISO signs it: rejected
        let mut h = request("applicant");
        h.sign(so(Step::UnitHead, "head", true, ""), 1).unwrap();
        h.sign(so(Step::Team, "officer", false, "已有授權"), 2)
            .unwrap();
        h.sign(so(Step::Ciso, "ciso", true, ""), 3).unwrap();
        assert_eq!(h.status(), Status::Rejected);
    }

    #[test]
    fn an_agreement_is_signed_then_countersigned() {
        let mut f = request("officer");
        f.body = Body::Confidentiality(Agreement {
            signer: "林小華".into(),
            user_id: None,
            unit: "資訊室".into(),
            starts_on: date!(2026 - 01 - 02),
            agency_head: "局長".into(),
        });
        assert_eq!(f.next_step(), Some(Step::Signer));
        // a signer cannot decline: they sign or there is no record
        assert!(f.sign(so(Step::Signer, "officer", false, "x"), 1).is_err());
        f.sign(so(Step::Signer, "officer", true, ""), 1).unwrap();
        let mut late = so(Step::Head, "ciso", true, "");
        late.on = date!(2026 - 11 - 30);
        let e = f.sign(late, 2).unwrap_err();
        assert!(matches!(e, DomainError::Invalid { field: "on", .. }));
        f.sign(so(Step::Head, "ciso", true, ""), 2).unwrap();
        assert_eq!(f.status(), Status::Approved);
    }

    #[test]
    fn an_entry_leaves_once_and_not_before_it_came() {
        let mut e = AreaEntry {
            id: "e1".into(),
            org_id: "o1".into(),
            area: "機房".into(),
            name: "王○○".into(),
            unit: "○○室".into(),
            escort: "陳○○".into(),
            entered_at: 1_000_000,
            left_at: None,
            reason: "借用電腦設備".into(),
            access: Access::Ordinary,
            devices: "手提電腦".into(),
            items: "手機".into(),
            recorded_by: None,
            created_at: 0,
            updated_at: 0,
        };
        assert!(e.inside());
        assert!(!e.overstayed(1_000_000 + 12 * 3600));
        assert!(e.overstayed(1_000_000 + 12 * 3600 + 1));
        assert!(e.leave(999_999, 5).is_err());
        e.leave(1_003_600, 5).unwrap();
        assert_eq!(e.minutes(9_999_999), 60);
        assert!(!e.overstayed(9_999_999));
        assert!(e.leave(1_003_700, 6).is_err());
    }

    #[test]
    fn numbers_follow_the_highest_of_the_year() {
        let taken = vec![
            "REQ-115-001".to_owned(),
            "REQ-115-007".into(),
            "REQ-114-020".into(),
            "NDA-115-009".into(),
        ];
        assert_eq!(
            next_number(Kind::ResourceRequest, 115, &taken),
            "REQ-115-008"
        );
        assert_eq!(next_number(Kind::Confidentiality, 115, &[]), "NDA-115-001");
        assert_eq!(
            next_number(Kind::ResourceRequest, 116, &taken),
            "REQ-116-001"
        );
    }

    #[test]
    fn bodies_keep_their_kind_in_json() {
        let f = request("a");
        let j = serde_json::to_value(&f.body).unwrap();
        assert_eq!(j["kind"], "resource_request");
        assert_eq!(j["requested_on"], "2026-12-01");
        let back: Body = serde_json::from_value(j).unwrap();
        assert_eq!(back, f.body);
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()).unwrap(), *k);
        }
        assert!(Step::parse("boss").is_err());
    }
}
