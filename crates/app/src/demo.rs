//! The demonstration tree: the national authority, one municipal hub with two
//! county governments, five agencies of levels A, B, C, C and D with units,
//! and a user for every role, and two exemptions: one requested by the police
//! bureau and awaiting its supervisors, one of the health bureau approved by
//! the Kaohsiung supervisor; the police bureau's asset register
//! ([`crate::demo_assets`]). Idempotent: existing organisations (matched by
//! code) and users (matched by username) are kept; the exemptions are seeded
//! only where no override exists yet.

use time::macros::date;
use zian_domain::audit::AuditEvent;
use zian_domain::compliance::{
    Override, OverrideAction, OverrideKind, OverrideStatus, OverrideTransition,
};
use zian_domain::org::OrgDraft;
use zian_domain::user::NewUser;
use zian_domain::{Level, ListQuery, OrgKind, OrgScope, OrgTier, Organisation, Role, UserId};
use zian_storage::NewAssignment;

use crate::auth::hash_password;
use crate::{App, AppError, Result};

/// A demo login to print.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoLogin {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_name: String,
}

struct OrgSeed {
    code: &'static str,
    parent: Option<&'static str>,
    zh: &'static str,
    en: &'static str,
    tier: OrgTier,
    level: Option<Level>,
    fiscal: Option<i64>,
}

const ORGS: &[OrgSeed] = &[
    OrgSeed {
        code: "ACS",
        parent: None,
        zh: "數位發展部資通安全署",
        en: "Administration for Cyber Security, moda",
        tier: OrgTier::National,
        level: Some(Level::A),
        fiscal: None,
    },
    OrgSeed {
        code: "KHH",
        parent: Some("ACS"),
        zh: "高雄市政府",
        en: "Kaohsiung City Government",
        tier: OrgTier::MunicipalHub,
        level: Some(Level::A),
        fiscal: Some(3),
    },
    OrgSeed {
        code: "KHH-IT",
        parent: Some("KHH"),
        zh: "高雄市政府資訊局",
        en: "Kaohsiung Information Bureau",
        tier: OrgTier::Agency,
        level: Some(Level::A),
        fiscal: None,
    },
    OrgSeed {
        code: "KHH-IT-SEC",
        parent: Some("KHH-IT"),
        zh: "資訊安全科",
        en: "Information Security Section",
        tier: OrgTier::Unit,
        level: None,
        fiscal: None,
    },
    OrgSeed {
        code: "PIF",
        parent: Some("KHH"),
        zh: "屏東縣政府",
        en: "Pingtung County Government",
        tier: OrgTier::LocalGovernment,
        level: Some(Level::A),
        fiscal: Some(5),
    },
    OrgSeed {
        code: "PIF-POL",
        parent: Some("PIF"),
        zh: "屏東縣政府警察局",
        en: "Pingtung County Police Bureau",
        tier: OrgTier::Agency,
        level: Some(Level::B),
        fiscal: None,
    },
    OrgSeed {
        code: "PIF-POL-IT",
        parent: Some("PIF-POL"),
        zh: "警察局資訊室",
        en: "Police Bureau IT Office",
        tier: OrgTier::Unit,
        level: None,
        fiscal: None,
    },
    OrgSeed {
        code: "PIF-HLT",
        parent: Some("PIF"),
        zh: "屏東縣政府衛生局",
        en: "Pingtung County Public Health Bureau",
        tier: OrgTier::Agency,
        level: Some(Level::C),
        fiscal: None,
    },
    OrgSeed {
        code: "PIF-HLT-IT",
        parent: Some("PIF-HLT"),
        zh: "衛生局企劃資訊科",
        en: "Health Bureau Planning and IT Section",
        tier: OrgTier::Unit,
        level: None,
        fiscal: None,
    },
    OrgSeed {
        code: "PEN",
        parent: Some("KHH"),
        zh: "澎湖縣政府",
        en: "Penghu County Government",
        tier: OrgTier::LocalGovernment,
        level: Some(Level::A),
        fiscal: Some(5),
    },
    OrgSeed {
        code: "PEN-FIRE",
        parent: Some("PEN"),
        zh: "澎湖縣政府消防局",
        en: "Penghu County Fire Bureau",
        tier: OrgTier::Agency,
        level: Some(Level::C),
        fiscal: None,
    },
    OrgSeed {
        code: "PEN-FIRE-IT",
        parent: Some("PEN-FIRE"),
        zh: "消防局資訊小組",
        en: "Fire Bureau IT Team",
        tier: OrgTier::Unit,
        level: None,
        fiscal: None,
    },
    OrgSeed {
        code: "PEN-CUL",
        parent: Some("PEN"),
        zh: "澎湖縣政府文化局",
        en: "Penghu County Cultural Affairs Bureau",
        tier: OrgTier::Agency,
        level: Some(Level::D),
        fiscal: None,
    },
];

/// (username, display name, role, org code)
pub const USERS: &[(&str, &str, Role, &str)] = &[
    ("admin", "系統管理者", Role::SystemAdmin, "ACS"),
    (
        "supervisor.khh",
        "高雄區域聯防督導 鄭督導",
        Role::Supervisor,
        "KHH",
    ),
    ("ciso.khh", "資訊局資通安全長 許志明", Role::Ciso, "KHH-IT"),
    (
        "ciso.police",
        "警察局資通安全長 陳建宏",
        Role::Ciso,
        "PIF-POL",
    ),
    (
        "committee.police",
        "資安推動小組委員 吳淑芬",
        Role::CommitteeMember,
        "PIF-POL",
    ),
    (
        "officer.police",
        "資安專責人員 林怡君",
        Role::SecurityOfficer,
        "PIF-POL",
    ),
    ("it.police", "資訊人員 黃俊傑", Role::ItStaff, "PIF-POL-IT"),
    // the IT office's head: the unit head of the people forms' chain
    (
        "head.police.it",
        "資訊室主任 王大明",
        Role::ItStaff,
        "PIF-POL-IT",
    ),
    ("auditor.pingtung", "稽核人員 張雅婷", Role::Auditor, "PIF"),
    (
        "officer.health",
        "衛生局資安專責人員 李宗翰",
        Role::SecurityOfficer,
        "PIF-HLT",
    ),
    (
        "officer.penghu",
        "消防局資安專責人員 蔡佩珊",
        Role::SecurityOfficer,
        "PEN-FIRE",
    ),
    (
        "vendor.acme",
        "安信資訊顧問（委外廠商）",
        Role::Vendor,
        "PIF-POL",
    ),
];

pub(crate) fn system_event(action: &str, org_id: &str, target: &str) -> AuditEvent {
    let mut e = AuditEvent::new(action);
    e.org_id = Some(org_id.to_string());
    e.target = Some(target.to_string());
    e.details = serde_json::json!({"via": "demo"});
    e
}

impl App {
    /// Creates whatever of the demo tree is missing. Every demo user gets
    /// `password`; returns the logins.
    pub async fn seed_demo(&self, password: &str) -> Result<Vec<DemoLogin>> {
        let v = self.cfg.password.check(password, "admin");
        if !v.is_empty() {
            return Err(AppError::PasswordPolicy(v));
        }
        let all = OrgScope::system_wide();
        let existing = self
            .stores
            .orgs
            .list(&all, &ListQuery::all(zian_domain::list::HARD_LIMIT))
            .await?
            .items;
        if !existing.is_empty() && !existing.iter().any(|o| o.code.as_deref() == Some("ACS")) {
            return Err(AppError::Conflict("demo_needs_empty"));
        }
        let mut by_code: std::collections::HashMap<&str, Organisation> = existing
            .into_iter()
            .filter_map(|o| {
                let code = ORGS
                    .iter()
                    .find(|s| Some(s.code) == o.code.as_deref())?
                    .code;
                Some((code, o))
            })
            .collect();
        let now = self.now();
        for seed in ORGS {
            if by_code.contains_key(seed.code) {
                continue;
            }
            let parent = seed.parent.and_then(|c| by_code.get(c)).cloned();
            let draft = OrgDraft {
                code: Some(seed.code.to_string()),
                name_zh: seed.zh.to_string(),
                name_en: seed.en.to_string(),
                tier: seed.tier,
                kind: OrgKind::Public,
                level: seed.level,
                level_assigned_on: seed.level.map(|_| date!(2024 - 03 - 15)),
                level_review_due: None,
                fiscal_tier: seed.fiscal,
            }
            .validate()?;
            let draft = self.with_review_due(draft);
            let org = crate::orgs::organisation(self.ids.new_id().into(), parent.as_ref(), draft);
            self.stores
                .orgs
                .insert(
                    &all,
                    &org,
                    system_event("org.created", &org.id, &org.id),
                    now,
                )
                .await?;
            by_code.insert(seed.code, org);
        }
        let hash = hash_password(password)?;
        let mut out = Vec::new();
        for (username, name, role, code) in USERS {
            let org = by_code
                .get(code)
                .ok_or_else(|| AppError::Internal(format!("demo org {code} missing")))?;
            if !self.username_taken(username).await? {
                let id = UserId::new(self.ids.new_id());
                self.stores
                    .people
                    .insert_user(
                        &all,
                        &NewUser {
                            id: id.clone(),
                            username: (*username).to_string(),
                            display_name: (*name).to_string(),
                            email: format!("{username}@demo.zian.example"),
                            home_org_id: org.id.clone(),
                            password_hash: hash.clone(),
                            must_change_password: false,
                            locale: "zh-TW".into(),
                            now,
                        },
                        system_event("user.created", &org.id, &id),
                    )
                    .await?;
                let mut e = system_event("role.granted", &org.id, &id);
                e.details = serde_json::json!({"via": "demo", "role": role.as_str()});
                let a = NewAssignment {
                    id: self.ids.new_id(),
                    user_id: id.clone(),
                    org_id: org.id.clone(),
                    role: *role,
                    by: UserId::from("demo"),
                };
                self.stores.people.grant_role(&all, &a, e, now).await?;
            }
            out.push(DemoLogin {
                username: (*username).to_string(),
                display_name: (*name).to_string(),
                role: *role,
                org_name: org.name_zh.clone(),
            });
        }
        self.seed_demo_overrides(&by_code).await?;
        self.seed_demo_assets(&by_code).await?;
        self.seed_demo_vulns(&by_code).await?;
        self.seed_demo_incidents(&by_code).await?;
        self.seed_demo_continuity(&by_code).await?;
        Ok(out)
    }

    /// The police bureau's officer asks to be exempted from SOC monitoring
    /// (pending); the health bureau's exemption from the web vulnerability
    /// scan was approved by the Kaohsiung supervisor, above it.
    async fn seed_demo_overrides(
        &self,
        by_code: &std::collections::HashMap<&str, Organisation>,
    ) -> Result<()> {
        let all = OrgScope::system_wide();
        if !self
            .stores
            .compliance
            .overrides(&all, None)
            .await?
            .is_empty()
        {
            return Ok(());
        }
        let seeds = [
            (
                "PIF-POL",
                "officer.police",
                "T3.soc",
                "本局資通系統已納入屏東縣政府資安監控中心（SOC）之監控範圍，申請免辦。",
                None,
            ),
            (
                "PIF-HLT",
                "officer.health",
                "T5.web-vuln-scan",
                "本局網站由縣府統一代管並辦理弱點檢測，申請免辦。",
                Some(("supervisor.khh", "經查縣府已統一辦理，同意免辦。")),
            ),
        ];
        let now = self.now();
        let today = self.today();
        for (code, requester, rule, reason, approval) in seeds {
            let (Some(org), Some(by)) = (by_code.get(code), self.demo_user(requester).await?)
            else {
                continue;
            };
            let o = Override::request(
                self.ids.new_id(),
                org,
                rule.to_string(),
                OverrideKind::Exempt,
                reason.to_string(),
                (today, None),
                &by,
                now,
            );
            let mut e = system_event("compliance.override_requested", &org.id, &o.id);
            e.actor_user_id = Some(by.id.to_string());
            self.stores.compliance.insert_override(&all, &o, e).await?;
            let Some((approver, why)) = approval else {
                continue;
            };
            let Some(by) = self.demo_user(approver).await? else {
                continue;
            };
            let t = OverrideTransition {
                action: OverrideAction::Approve,
                from: OverrideStatus::Pending,
                to: OverrideStatus::Approved,
                by: by.id.clone(),
                at: now,
                on: today,
                reason: Some(why.to_string()),
            };
            let mut e = system_event("compliance.override_approved", &org.id, &o.id);
            e.actor_user_id = Some(by.id.to_string());
            self.stores
                .compliance
                .transition_override(&all, &o, &t, e)
                .await?;
        }
        Ok(())
    }
}
