//! Authentication: passwords (Argon2id), lockout and throttling, TOTP with
//! recovery codes, sessions with idle and absolute timeouts, API tokens.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use zian_i18n::msg;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use zian_domain::audit::AuditEvent;
use zian_domain::password::PolicyViolation;
use zian_domain::user::{Credentials, Session, Share, effective_assignments};
use zian_domain::{
    ApiToken, OrgId, Permission, Principal, RequestMeta, Role, RoleAssignment, TokenGrant, User,
    UserId, totp,
};
use zian_storage::{AuthStore, Ending};

use crate::system::{random_bytes, random_token, sha256_hex};
use crate::{App, AppError, Result};

/// Authentication's own state: the unscoped store of credentials,
/// sessions and tokens (no other module of the application holds it) and the
/// login throttle.
#[derive(Clone)]
pub struct Authenticator {
    pub(crate) store: Arc<dyn AuthStore>,
    pub(crate) throttle: Arc<Throttle>,
}

impl Authenticator {
    pub(crate) fn new(store: Arc<dyn AuthStore>) -> Authenticator {
        Authenticator {
            store,
            throttle: Arc::new(Throttle::default()),
        }
    }
}

/// Attempts counted per key (a client address, an account name, a user
/// changing a password) over fixed windows, in memory: a restart forgets
/// it (the per-account lockout in the database does not). At most
/// [`Throttle::MAX_KEYS`] keys are kept; when full, expired windows go
/// first, then the oldest half.
#[derive(Debug, Default)]
pub struct Throttle {
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    start: i64,
    counted: u32,
    refused: u32,
}

/// What the throttle says about one more attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead; `ended` is how many attempts were refused in the key's
    /// previous window, when it was throttled (for one summary entry).
    Allowed { ended: Option<u32> },
    /// Refused; `first` for the first refusal of the window (the one that
    /// is audited).
    Refused { first: bool },
}

impl Throttle {
    pub const MAX_KEYS: usize = 50_000;

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, Bucket>) -> T) -> T {
        let mut m = match self.buckets.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut m)
    }

    /// The key's bucket, in a current window.
    fn bucket<'m>(
        m: &'m mut HashMap<String, Bucket>,
        key: &str,
        now: i64,
        window: i64,
    ) -> (&'m mut Bucket, Option<u32>) {
        if !m.contains_key(key) && m.len() >= Self::MAX_KEYS {
            m.retain(|_, b| now - b.start < window);
            if m.len() >= Self::MAX_KEYS {
                let mut starts: Vec<i64> = m.values().map(|b| b.start).collect();
                let mid = starts.len() / 2;
                let (_, median, _) = starts.select_nth_unstable(mid);
                let median = *median;
                m.retain(|_, b| b.start > median);
            }
        }
        let fresh = Bucket {
            start: now,
            counted: 0,
            refused: 0,
        };
        let b = m.entry(key.to_string()).or_insert(fresh);
        let mut ended = None;
        if now - b.start >= window {
            ended = (b.refused > 0).then_some(b.refused);
            *b = fresh;
        }
        (b, ended)
    }

    /// Whether one more attempt under `key` may go ahead (at most `max`
    /// counted per window); does not count it.
    pub fn check(&self, key: &str, now: i64, window: i64, max: u32) -> Verdict {
        self.with(|m| {
            let (b, ended) = Self::bucket(m, key, now, window);
            if b.counted >= max {
                b.refused = b.refused.saturating_add(1);
                Verdict::Refused {
                    first: b.refused == 1,
                }
            } else {
                Verdict::Allowed { ended }
            }
        })
    }

    /// Counts an attempt under `key`.
    pub fn count(&self, key: &str, now: i64, window: i64) {
        self.with(|m| {
            let (b, _) = Self::bucket(m, key, now, window);
            b.counted = b.counted.saturating_add(1);
        });
    }

    /// Keys held (for tests of the bound).
    pub fn len(&self) -> usize {
        self.with(|m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Hashes a password with Argon2id (PHC string).
pub fn hash_password(password: &str) -> Result<String> {
    let salt_bytes = random_bytes(16);
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A fixed hash verified when the username is unknown, so both cases take the
/// same time.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not-a-real-password-Zian-1").unwrap_or_default())
}

/// Result of the password step of a login.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    /// The raw session id for the cookie (only its hash is stored).
    pub session_token: String,
    pub csrf_token: String,
    pub needs_mfa: bool,
    pub user_id: UserId,
    pub locale: String,
}

/// What a valid session says about its holder.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id_hash: String,
    pub csrf_token: String,
    pub mfa_passed: bool,
    pub current_org_id: Option<OrgId>,
    /// The password expired or an administrator reset it.
    pub must_change_password: bool,
    /// The holder's role requires TOTP and none is enrolled.
    pub must_enrol_mfa: bool,
    pub expires_at: i64,
    pub idle_deadline: i64,
}

/// A newly created token: the raw value is shown once.
#[derive(Debug, Clone, Serialize)]
pub struct NewToken {
    pub token: ApiToken,
    pub secret: String,
}

/// TOTP enrolment in progress.
#[derive(Debug, Clone, Serialize)]
pub struct TotpSetup {
    pub secret_base32: String,
    pub otpauth_uri: String,
}

impl App {
    pub(crate) fn auth_event(
        &self,
        action: &str,
        user: Option<&Credentials>,
        meta: &RequestMeta,
    ) -> AuditEvent {
        let mut e = AuditEvent::new(action);
        if let Some(c) = user {
            e.actor_user_id = Some(c.user.id.to_string());
            e.org_id = Some(c.user.home_org_id.to_string());
        }
        e.ip.clone_from(&meta.ip);
        e
    }

    /// Asks the throttle about one more attempt under `key`, audits the
    /// first refusal of a window and the summary of a throttled window once
    /// it is over (never one entry per attempt).
    async fn throttle(
        &self,
        key: &str,
        kind: &str,
        max: u32,
        username: &str,
        meta: &RequestMeta,
        now: i64,
    ) -> Result<()> {
        let window = self.cfg.throttle_window_secs;
        let verdict = self.auth.throttle.check(key, now, window, max);
        match verdict {
            Verdict::Allowed { ended: None } | Verdict::Refused { first: false } => {}
            Verdict::Allowed { ended: Some(n) } => {
                let mut e = self.auth_event("login.throttle_ended", None, meta);
                e.details = serde_json::json!({"by": kind, "username": username, "throttled_attempts": n, "window_secs": window});
                self.stores.audit.append(e, now).await?;
            }
            Verdict::Refused { first: true } => {
                let mut e = self.auth_event("login.throttled", None, meta);
                e.details =
                    serde_json::json!({"by": kind, "username": username, "window_secs": window});
                self.stores.audit.append(e, now).await?;
            }
        }
        if matches!(verdict, Verdict::Refused { .. }) {
            Err(AppError::Throttled)
        } else {
            Ok(())
        }
    }

    /// The password step. On success a session exists; it is fully usable
    /// only after the TOTP step when the user has TOTP enabled.
    ///
    /// Attempts are throttled per client address (every attempt) and per
    /// account name (failed attempts, known names or not); a throttled
    /// window is audited once when it starts and once, with the count of
    /// refused attempts, when it is over. An unknown name, a wrong password,
    /// an inactive account and a locked one get the same answer after the
    /// same work (an Argon2id verification), so the answer tells nothing
    /// about which names exist.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        meta: &RequestMeta,
    ) -> Result<LoginOutcome> {
        let now = self.now();
        let window = self.cfg.throttle_window_secs;
        let username_norm = truncate(&username.trim().to_lowercase(), 64);
        let ip_key = format!("ip:{}", meta.ip.as_deref().unwrap_or("-"));
        let account_key = format!("account:{username_norm}");
        self.throttle(
            &ip_key,
            "address",
            self.cfg.throttle_attempts,
            "",
            meta,
            now,
        )
        .await?;
        self.auth.throttle.count(&ip_key, now, window);
        self.throttle(
            &account_key,
            "account",
            self.cfg.account_throttle_attempts,
            &username_norm,
            meta,
            now,
        )
        .await?;
        let creds = self
            .auth
            .store
            .system_credentials_by_username(&username_norm)
            .await?;
        if self.goes_to_directory(creds.as_ref()).await? {
            let c = self
                .directory_login(&username_norm, password, creds, meta, now, &account_key)
                .await?;
            return self.start_session(&c, meta, now).await;
        }
        let Some(c) = creds else {
            let _ = verify_password(password, dummy_hash());
            self.auth.throttle.count(&account_key, now, window);
            let mut e = self.auth_event("login.failure", None, meta);
            e.details = serde_json::json!({"username": username_norm, "reason": "unknown_user"});
            self.stores.audit.append(e, now).await?;
            return Err(AppError::InvalidCredentials);
        };
        let password_ok = verify_password(password, &c.password_hash);
        if let Some(until) = c.user.locked_until.filter(|u| *u > now) {
            self.auth.throttle.count(&account_key, now, window);
            let mut e = self.auth_event("login.locked", Some(&c), meta);
            e.details = serde_json::json!({"locked_until": until});
            self.stores.audit.append(e, now).await?;
            return Err(AppError::InvalidCredentials);
        }
        if !password_ok || !c.user.active {
            self.auth.throttle.count(&account_key, now, window);
            self.record_failure(
                &c,
                now,
                meta,
                if c.user.active {
                    "bad_password"
                } else {
                    "inactive"
                },
            )
            .await?;
            return Err(AppError::InvalidCredentials);
        }
        self.start_session(&c, meta, now).await
    }

    /// Starts the session of a user whose password step passed (local or
    /// directory): clears the failure count, stores the session (its TOTP
    /// step pending when TOTP is enrolled) and audits the login.
    pub(crate) async fn start_session(
        &self,
        c: &Credentials,
        meta: &RequestMeta,
        now: i64,
    ) -> Result<LoginOutcome> {
        self.start_session_with(c, meta, now, false).await
    }

    /// [`App::start_session`], saying whether the identity provider
    /// asserted a second factor (OpenID Connect `amr`/`acr`): then no TOTP
    /// step is pending and no enrolment is asked of this session.
    pub(crate) async fn start_session_with(
        &self,
        c: &Credentials,
        meta: &RequestMeta,
        now: i64,
        mfa_external: bool,
    ) -> Result<LoginOutcome> {
        self.auth
            .store
            .system_record_login_success(&c.user.id)
            .await?;
        let session_token = random_token(32);
        let csrf_token = random_token(20);
        let needs_mfa = c.user.totp_enabled && !mfa_external;
        let assignments =
            effective_assignments(self.auth.store.system_assignments(&c.user.id, now).await?);
        self.auth
            .store
            .system_insert_session(&Session {
                id_hash: sha256_hex(&session_token),
                user_id: c.user.id.clone(),
                created_at: now,
                last_seen_at: now,
                expires_at: now + self.cfg.absolute_timeout_secs,
                mfa_passed: !needs_mfa,
                mfa_external,
                csrf_token: csrf_token.clone(),
                current_org_id: assignments
                    .first()
                    .map(|a| a.org_id.clone())
                    .or_else(|| Some(c.user.home_org_id.clone())),
                ip: meta.ip.clone(),
                user_agent: meta.user_agent.as_deref().map(|u| truncate(u, 200)),
            })
            .await?;
        let mut e = self.auth_event(
            if needs_mfa {
                "login.password_ok"
            } else {
                "login.success"
            },
            Some(c),
            meta,
        );
        e.details = if mfa_external {
            serde_json::json!({"mfa_pending": false, "mfa": "provider"})
        } else {
            serde_json::json!({"mfa_pending": needs_mfa})
        };
        self.stores.audit.append(e, now).await?;
        Ok(LoginOutcome {
            session_token,
            csrf_token,
            needs_mfa,
            user_id: c.user.id.clone(),
            locale: c.user.locale.clone(),
        })
    }

    pub(crate) async fn record_failure(
        &self,
        c: &Credentials,
        now: i64,
        meta: &RequestMeta,
        reason: &str,
    ) -> Result<()> {
        let will_lock = c.failed_logins + 1 >= self.cfg.lockout_threshold;
        let lock_until = will_lock.then_some(now + self.cfg.lockout_secs);
        let mut e = self.auth_event("login.failure", Some(c), meta);
        e.details = serde_json::json!({"reason": reason, "failed_in_a_row": c.failed_logins + 1, "locked": will_lock});
        self.auth
            .store
            .system_record_login_failure(&c.user.id, lock_until, e, now)
            .await?;
        Ok(())
    }

    /// Validates a session cookie value: idle and absolute timeouts, active
    /// user. Returns the caller and what the session still requires.
    pub async fn authenticate_session(
        &self,
        raw: &str,
        meta: &RequestMeta,
    ) -> Result<(Principal, SessionInfo)> {
        let now = self.now();
        if raw.is_empty() || raw.len() > 128 {
            return Err(AppError::Unauthenticated);
        }
        let id_hash = sha256_hex(raw);
        let Some(s) = self.auth.store.system_session(&id_hash).await? else {
            return Err(AppError::Unauthenticated);
        };
        let idle = now - s.last_seen_at > self.cfg.idle_timeout_secs;
        if idle || now >= s.expires_at {
            self.auth.store.system_delete_session(&id_hash).await?;
            let mut e = AuditEvent::new(if idle {
                "session.idle_timeout"
            } else {
                "session.expired"
            });
            e.actor_user_id = Some(s.user_id.to_string());
            e.ip.clone_from(&meta.ip);
            if let Some(c) = self.auth.store.system_credentials(&s.user_id).await? {
                e.org_id = Some(c.user.home_org_id.to_string());
            }
            self.stores.audit.append(e, now).await?;
            return Err(AppError::SessionExpired);
        }
        let Some(c) = self.auth.store.system_credentials(&s.user_id).await? else {
            return Err(AppError::Unauthenticated);
        };
        if !c.user.active {
            self.auth.store.system_delete_session(&id_hash).await?;
            return Err(AppError::Unauthenticated);
        }
        // sliding idle window; write at most every 15 seconds
        if now - s.last_seen_at >= 15 {
            self.auth.store.system_touch_session(&id_hash, now).await?;
        }
        let assignments =
            effective_assignments(self.auth.store.system_assignments(&c.user.id, now).await?);
        let must_change_password = c.user.must_change_password
            || self
                .cfg
                .password
                .is_expired(c.user.password_changed_at, now);
        let must_enrol_mfa =
            !c.user.totp_enabled && !s.mfa_external && self.mfa_required(&assignments);
        let info = SessionInfo {
            id_hash,
            csrf_token: s.csrf_token.clone(),
            mfa_passed: s.mfa_passed,
            current_org_id: s.current_org_id.clone(),
            must_change_password,
            must_enrol_mfa,
            expires_at: s.expires_at,
            idle_deadline: now.max(s.last_seen_at) + self.cfg.idle_timeout_secs,
        };
        Ok((
            Principal {
                user: c.user,
                assignments,
                token: None,
                meta: meta.clone(),
            },
            info,
        ))
    }

    /// The TOTP step of a login: a 6-digit code or a recovery code.
    pub async fn verify_mfa(
        &self,
        session: &SessionInfo,
        user_id: &UserId,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<()> {
        let now = self.now();
        let Some(c) = self.auth.store.system_credentials(user_id).await? else {
            return Err(AppError::Unauthenticated);
        };
        if let Some(until) = c.user.locked_until.filter(|u| *u > now) {
            return Err(AppError::Locked { until });
        }
        let code = code.trim();
        let ok = if code.len() == 6 && code.chars().all(|ch| ch.is_ascii_digit()) {
            match self.check_totp(&c, code, now) {
                Some(step) => {
                    self.auth
                        .store
                        .system_set_totp_step(&c.user.id, step)
                        .await?;
                    true
                }
                None => false,
            }
        } else {
            let norm: String = code
                .chars()
                .filter(|ch| ch.is_ascii_alphanumeric())
                .collect::<String>()
                .to_lowercase();
            !norm.is_empty()
                && self
                    .auth
                    .store
                    .system_use_recovery_code(&c.user.id, &sha256_hex(&norm), now)
                    .await?
        };
        if !ok {
            let will_lock = c.failed_logins + 1 >= self.cfg.lockout_threshold;
            let mut e = self.auth_event("mfa.failure", Some(&c), meta);
            e.details =
                serde_json::json!({"failed_in_a_row": c.failed_logins + 1, "locked": will_lock});
            self.auth
                .store
                .system_record_login_failure(
                    &c.user.id,
                    will_lock.then_some(now + self.cfg.lockout_secs),
                    e,
                    now,
                )
                .await?;
            return Err(AppError::InvalidCode);
        }
        self.auth
            .store
            .system_record_login_success(&c.user.id)
            .await?;
        self.auth
            .store
            .system_update_session(&session.id_hash, true, session.current_org_id.as_ref())
            .await?;
        let mut e = self.auth_event("login.success", Some(&c), meta);
        e.details =
            serde_json::json!({"mfa": if code.len() == 6 { "totp" } else { "recovery_code" }});
        self.stores.audit.append(e, now).await?;
        Ok(())
    }

    fn check_totp(&self, c: &Credentials, code: &str, now: i64) -> Option<i64> {
        let secret = totp::secret_from_base32(c.totp_secret.as_deref()?)?;
        let step = totp::verify(&secret, code, now, self.cfg.totp_skew)?;
        // refuse a replay of an already used step
        if c.totp_last_step.is_some_and(|last| step <= last) {
            return None;
        }
        Some(step)
    }

    pub async fn logout(&self, session: &SessionInfo, p: &Principal) -> Result<()> {
        self.auth
            .store
            .system_delete_session(&session.id_hash)
            .await?;
        self.stores
            .audit
            .append(p.event("logout", None, None), self.now())
            .await?;
        Ok(())
    }

    /// Ends every session of the caller ("log out everywhere"); in person
    /// only (an API token does not end its owner's sessions).
    pub async fn logout_everywhere(&self, p: &Principal) -> Result<u64> {
        p.require_in_person()?;
        let now = self.now();
        let n = self
            .auth
            .store
            .system_delete_user_sessions(
                &p.user.id,
                Some(p.event("logout.everywhere", None, None)),
                now,
            )
            .await?;
        Ok(n)
    }

    pub async fn switch_org(
        &self,
        session: &SessionInfo,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<()> {
        // the organisation must be readable by the caller
        let org = self.get_org(p, org_id).await?;
        self.auth
            .store
            .system_update_session(&session.id_hash, session.mfa_passed, Some(&org.id))
            .await?;
        Ok(())
    }

    pub async fn set_locale(&self, p: &Principal, locale: &str) -> Result<()> {
        p.require_in_person()?;
        let l = match locale {
            "zh-TW" | "en" => locale,
            _ => {
                return Err(AppError::invalid(
                    "locale",
                    msg!("reason.one_of", values = "zh-TW, en"),
                ));
            }
        };
        self.auth.store.system_set_locale(&p.user.id, l).await?;
        Ok(())
    }

    /// Checks a new password against the policy and the user's history.
    async fn check_new_password(&self, user_id: &UserId, username: &str, new: &str) -> Result<()> {
        let mut v = self.cfg.password.check(new, username);
        if v.is_empty() && self.cfg.password.history > 0 {
            let old = self
                .auth
                .store
                .system_password_history(user_id, self.cfg.password.history)
                .await?;
            if old.iter().any(|h| verify_password(new, h)) {
                v.push(PolicyViolation::Reused {
                    history: self.cfg.password.history,
                });
            }
        }
        if v.is_empty() {
            Ok(())
        } else {
            Err(AppError::PasswordPolicy(v))
        }
    }

    /// The caller changes their own password, in person. Wrong current
    /// passwords are throttled per user; a change ends the user's other
    /// sessions (`keep` is the id hash of the session it was made in; the
    /// user's API tokens stay, see [`Ending::SessionsBut`]).
    pub async fn change_password(
        &self,
        p: &Principal,
        keep: Option<&str>,
        current: &str,
        new: &str,
    ) -> Result<()> {
        p.require_in_person()?;
        let now = self.now();
        let key = format!("password:{}", p.user.id);
        self.throttle(
            &key,
            "password_change",
            self.cfg.password_change_attempts,
            &p.user.username,
            &p.meta,
            now,
        )
        .await?;
        let Some(c) = self.auth.store.system_credentials(&p.user.id).await? else {
            return Err(AppError::Unauthenticated);
        };
        if !verify_password(current, &c.password_hash) {
            self.auth
                .throttle
                .count(&key, now, self.cfg.throttle_window_secs);
            return Err(AppError::InvalidCredentials);
        }
        self.check_new_password(&c.user.id, &c.user.username, new)
            .await?;
        let hash = hash_password(new)?;
        self.auth
            .store
            .system_set_password(
                &c.user.id,
                &hash,
                false,
                &self.ids.new_id(),
                Ending::SessionsBut(keep),
                p.event("password.changed", None, Some(&c.user.id)),
                now,
            )
            .await?;
        Ok(())
    }

    /// An administrator sets a temporary password; the user must change it
    /// at next login, and all their sessions and API tokens end.
    pub async fn reset_password(&self, p: &Principal, user_id: &UserId, temp: &str) -> Result<()> {
        let u = self.administered_user(p, user_id).await?;
        let v = self.cfg.password.check(temp, &u.username);
        if !v.is_empty() {
            return Err(AppError::PasswordPolicy(v));
        }
        let now = self.now();
        let hash = hash_password(temp)?;
        self.auth
            .store
            .system_set_password(
                &u.id,
                &hash,
                true,
                &self.ids.new_id(),
                Ending::Everything,
                p.event("password.reset", Some(&u.home_org_id), Some(&u.id)),
                now,
            )
            .await?;
        Ok(())
    }

    /// Every role the user holds now, own and deputised, wherever held (what
    /// administering the user requires rights over).
    pub(crate) async fn held_roles(&self, user_id: &UserId) -> Result<Vec<RoleAssignment>> {
        Ok(self
            .auth
            .store
            .system_assignments(user_id, self.now())
            .await?)
    }

    /// Whether the caller may administer the user: rights over the user's
    /// home organisation and every role the user holds
    /// ([`Principal::may_administer`]).
    pub(crate) async fn may_administer(&self, p: &Principal, u: &User) -> Result<bool> {
        let Some(home) = self.auth.store.system_org(&u.home_org_id).await? else {
            return Ok(false);
        };
        let held = self.held_roles(&u.id).await?;
        Ok(p.may_administer(&home.path, &held))
    }

    /// The user, when the caller may administer them: `NotFound` when the
    /// caller cannot see the user, `Forbidden` when it can but the user holds
    /// more than the caller could grant.
    pub(crate) async fn administered_user(&self, p: &Principal, id: &UserId) -> Result<User> {
        let u = self.get_user(p, id).await?;
        if self.may_administer(p, &u).await? {
            Ok(u)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// An active role assignment (not a deputyship) by id, whoever holds it.
    pub(crate) async fn assignment(&self, id: &str) -> Result<Option<RoleAssignment>> {
        Ok(self.auth.store.system_assignment(id).await?)
    }

    /// Starts TOTP enrolment: stores a new secret (not yet enabled).
    pub async fn begin_totp(&self, p: &Principal) -> Result<TotpSetup> {
        let secret = random_bytes(20);
        let b32 = totp::secret_to_base32(&secret);
        self.auth
            .store
            .system_set_totp(&p.user.id, Some(&b32), false, None, self.now())
            .await?;
        Ok(TotpSetup {
            otpauth_uri: totp::otpauth_uri(&self.cfg.totp_issuer, &p.user.username, &secret),
            secret_base32: b32,
        })
    }

    /// The enrolment started by [`App::begin_totp`] and not yet confirmed, if
    /// any: a wrong first code keeps it, so the user retries with the same
    /// entry in the authenticator.
    pub async fn pending_totp(&self, p: &Principal) -> Result<Option<TotpSetup>> {
        let Some(c) = self.auth.store.system_credentials(&p.user.id).await? else {
            return Err(AppError::Unauthenticated);
        };
        if c.user.totp_enabled {
            return Ok(None);
        }
        let Some(b32) = c.totp_secret else {
            return Ok(None);
        };
        let Some(secret) = totp::secret_from_base32(&b32) else {
            return Ok(None);
        };
        Ok(Some(TotpSetup {
            otpauth_uri: totp::otpauth_uri(&self.cfg.totp_issuer, &p.user.username, &secret),
            secret_base32: b32,
        }))
    }

    /// Confirms enrolment with a first code; returns ten recovery codes,
    /// shown once.
    pub async fn confirm_totp(&self, p: &Principal, code: &str) -> Result<Vec<String>> {
        let now = self.now();
        let Some(c) = self.auth.store.system_credentials(&p.user.id).await? else {
            return Err(AppError::Unauthenticated);
        };
        if c.user.totp_enabled {
            return Err(AppError::Conflict("mfa_enabled"));
        }
        let Some(step) = self.check_totp(&c, code, now) else {
            return Err(AppError::InvalidCode);
        };
        self.auth
            .store
            .system_set_totp(
                &c.user.id,
                c.totp_secret.as_deref(),
                true,
                Some(p.event("mfa.enabled", None, Some(&c.user.id))),
                now,
            )
            .await?;
        self.auth
            .store
            .system_set_totp_step(&c.user.id, step)
            .await?;
        self.new_recovery_codes(p).await
    }

    /// Replaces the caller's recovery codes.
    pub async fn new_recovery_codes(&self, p: &Principal) -> Result<Vec<String>> {
        let codes: Vec<String> = (0..10).map(|_| random_token(6)).collect();
        let rows: Vec<(String, String)> = codes
            .iter()
            .map(|c| (self.ids.new_id(), sha256_hex(c)))
            .collect();
        self.auth
            .store
            .system_replace_recovery_codes(
                &p.user.id,
                &rows,
                p.event("mfa.recovery_codes_issued", None, Some(&p.user.id)),
                self.now(),
            )
            .await?;
        // shown grouped for readability; any grouping is accepted back
        Ok(codes
            .into_iter()
            .map(|c| format!("{}-{}", &c[..5], &c[5..]))
            .collect())
    }

    /// Turns TOTP off after re-checking the password; refused when a role
    /// requires it.
    pub async fn disable_totp(&self, p: &Principal, password: &str) -> Result<()> {
        let Some(c) = self.auth.store.system_credentials(&p.user.id).await? else {
            return Err(AppError::Unauthenticated);
        };
        if !verify_password(password, &c.password_hash) {
            return Err(AppError::InvalidCredentials);
        }
        if self.mfa_required(&p.assignments) {
            return Err(AppError::Forbidden);
        }
        self.auth
            .store
            .system_set_totp(
                &c.user.id,
                None,
                false,
                Some(p.event("mfa.disabled", None, Some(&c.user.id))),
                self.now(),
            )
            .await?;
        self.auth
            .store
            .system_replace_recovery_codes(
                &c.user.id,
                &[],
                p.event("mfa.recovery_codes_cleared", None, Some(&c.user.id)),
                self.now(),
            )
            .await?;
        Ok(())
    }

    pub async fn recovery_codes_left(&self, p: &Principal) -> Result<i64> {
        Ok(self
            .auth
            .store
            .system_count_recovery_codes(&p.user.id)
            .await?)
    }

    /// Validates an API token (`Authorization: Bearer zian_…`).
    pub async fn authenticate_token(&self, raw: &str, meta: &RequestMeta) -> Result<Principal> {
        let now = self.now();
        let secret = raw.trim();
        if !secret.starts_with("zian_") || secret.len() > 128 {
            return Err(AppError::Unauthenticated);
        }
        let Some(t) = self
            .auth
            .store
            .system_token_by_hash(&sha256_hex(secret))
            .await?
        else {
            return Err(AppError::Unauthenticated);
        };
        if t.revoked_at.is_some() || t.expires_at.is_some_and(|e| e <= now) {
            return Err(AppError::Unauthenticated);
        }
        let Some(c) = self.auth.store.system_credentials(&t.user_id).await? else {
            return Err(AppError::Unauthenticated);
        };
        if !c.user.active {
            return Err(AppError::Unauthenticated);
        }
        let org = self
            .auth
            .store
            .system_org(&t.org_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if t.last_used_at.is_none_or(|l| now - l >= 60) {
            self.auth.store.system_touch_token(&t.id, now).await?;
            let mut e = AuditEvent::new("token.used");
            e.actor_user_id = Some(c.user.id.to_string());
            e.actor_token_id = Some(t.id.clone());
            e.org_id = Some(t.org_id.to_string());
            e.ip.clone_from(&meta.ip);
            self.stores.audit.append(e, now).await?;
        }
        let assignments =
            effective_assignments(self.auth.store.system_assignments(&c.user.id, now).await?);
        Ok(Principal {
            user: c.user,
            assignments,
            token: Some(TokenGrant {
                token_id: t.id,
                org_path: org.path,
                permissions: t.permissions,
            }),
            meta: meta.clone(),
        })
    }

    /// Creates an API token over a subtree the caller can read, with a subset
    /// of the caller's permissions there. A token cannot create tokens.
    /// Without `expires_days` the token lives `token_default_days`; only a
    /// system administrator may ask for one that never expires (`never`).
    pub async fn create_token(
        &self,
        p: &Principal,
        name: &str,
        org_id: &OrgId,
        permissions: &[Permission],
        expires_days: Option<i64>,
        never: bool,
    ) -> Result<NewToken> {
        p.require_in_person()?;
        let name = zian_domain::Text::<100>::parse("name", name)?;
        let name = name.as_str();
        if permissions.is_empty() {
            return Err(AppError::invalid(
                "permissions",
                msg!("reason.tokens.no_permission"),
            ));
        }
        let org = self.get_org(p, org_id).await?;
        for perm in permissions {
            if !p.scope(*perm).contains(&org.path) {
                return Err(AppError::invalid(
                    "permissions",
                    msg!("reason.tokens.not_held").arg_msg(
                        "perm",
                        zian_i18n::Msg::new(format!("perm.{}", perm.as_str())),
                    ),
                ));
            }
        }
        if let Some(d) = expires_days
            && !(1..=3650).contains(&d)
        {
            return Err(AppError::invalid(
                "expires_days",
                msg!("reason.range", min = 1, max = 3650),
            ));
        }
        if never && expires_days.is_some() {
            return Err(AppError::invalid(
                "never_expires",
                msg!("reason.tokens.never_and_days"),
            ));
        }
        if never && !p.has_own_role(Role::SystemAdmin) {
            return Err(AppError::invalid(
                "never_expires",
                msg!("reason.tokens.never_admin_only"),
            ));
        }
        let now = self.now();
        let secret = format!("zian_{}", random_token(32));
        let mut perms = permissions.to_vec();
        perms.sort();
        perms.dedup();
        let t = ApiToken {
            id: self.ids.new_id(),
            user_id: p.user.id.clone(),
            name: name.to_string(),
            org_id: org.id.clone(),
            permissions: perms,
            created_at: now,
            expires_at: (!never)
                .then(|| now + expires_days.unwrap_or(self.cfg.token_default_days) * 86_400),
            last_used_at: None,
            revoked_at: None,
        };
        let mut e = p.event("token.created", Some(&org.id), Some(&t.id));
        e.details = serde_json::json!({"name": t.name, "permissions": t.permissions});
        self.auth
            .store
            .system_insert_token(&t, &sha256_hex(&secret), e)
            .await?;
        Ok(NewToken { token: t, secret })
    }

    pub async fn list_tokens(&self, p: &Principal) -> Result<Vec<ApiToken>> {
        p.require_in_person()?;
        Ok(self.auth.store.system_tokens(&p.user.id).await?)
    }

    pub async fn revoke_token(&self, p: &Principal, id: &str) -> Result<()> {
        p.require_in_person()?;
        let now = self.now();
        if self
            .auth
            .store
            .system_revoke_token(
                &p.user.id,
                id,
                p.event("token.revoked", None, Some(id)),
                now,
            )
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Records explicitly shared with the caller (vendors).
    pub async fn shared_with_me(&self, p: &Principal) -> Result<Vec<Share>> {
        Ok(self.auth.store.system_shares_for_vendor(&p.user.id).await?)
    }

    /// The user with this username (the demo's seeding acts as its users).
    pub(crate) async fn demo_user(&self, username: &str) -> Result<Option<zian_domain::User>> {
        Ok(self
            .auth
            .store
            .system_credentials_by_username(username)
            .await?
            .map(|c| c.user))
    }

    /// A demo user as the authoriser sees them (the demo acts through the
    /// same services people use, where it can).
    pub(crate) async fn demo_principal(&self, username: &str) -> Result<Option<Principal>> {
        let Some(c) = self
            .auth
            .store
            .system_credentials_by_username(username)
            .await?
        else {
            return Ok(None);
        };
        self.principal_of_user(c.user).await.map(Some)
    }

    /// An active user as the authoriser sees them now (a background job
    /// acting for the person who asked for it); `None` when the account is
    /// gone or disabled.
    pub(crate) async fn principal_of(&self, id: &zian_domain::UserId) -> Result<Option<Principal>> {
        match self.auth.store.system_credentials(id).await? {
            Some(c) if c.user.active => self.principal_of_user(c.user).await.map(Some),
            _ => Ok(None),
        }
    }

    async fn principal_of_user(&self, user: zian_domain::User) -> Result<Principal> {
        let assignments = effective_assignments(
            self.auth
                .store
                .system_assignments(&user.id, self.now())
                .await?,
        );
        Ok(Principal {
            user,
            assignments,
            token: None,
            meta: Default::default(),
        })
    }

    /// Whether a username is taken (seeding the demonstration).
    pub(crate) async fn username_taken(&self, username: &str) -> Result<bool> {
        Ok(self
            .auth
            .store
            .system_credentials_by_username(username)
            .await?
            .is_some())
    }

    /// Whether the role list requires MFA under this deployment's settings.
    pub fn mfa_required_for(&self, roles: &[Role]) -> bool {
        roles
            .iter()
            .any(|r| self.cfg.mfa_required_roles.contains(r))
    }

    /// Whether the roles held, own or deputised, require MFA: a deputy holds
    /// the role with its requirements.
    fn mfa_required(&self, held: &[RoleAssignment]) -> bool {
        held.iter()
            .any(|a| self.cfg.mfa_required_roles.contains(&a.role))
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("Abcdef1!").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Abcdef1!", &h));
        assert!(!verify_password("Abcdef1?", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn throttle_window() {
        let t = Throttle::default();
        let hit = |key: &str, now: i64| {
            let v = t.check(key, now, 10, 2);
            t.count(key, now, 10);
            v
        };
        let ok = Verdict::Allowed { ended: None };
        assert_eq!(hit("ip", 0), ok);
        assert_eq!(hit("ip", 1), ok);
        assert_eq!(hit("ip", 2), Verdict::Refused { first: true });
        assert_eq!(hit("ip", 3), Verdict::Refused { first: false });
        assert_eq!(hit("other", 3), ok);
        // the window over, the count of refused attempts comes back once
        assert_eq!(hit("ip", 12), Verdict::Allowed { ended: Some(2) });
        assert_eq!(hit("ip", 13), ok);
    }

    #[test]
    fn the_throttle_stays_bounded() {
        let t = Throttle::default();
        for n in 0..(Throttle::MAX_KEYS as i64 + 10) {
            t.count(&format!("ip:{n}"), n / 1000, 1_000_000);
        }
        assert!(t.len() <= Throttle::MAX_KEYS, "{}", t.len());
        assert!(t.len() >= Throttle::MAX_KEYS / 4);
    }
}
