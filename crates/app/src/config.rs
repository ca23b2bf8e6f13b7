//! Authentication and session settings. Defaults follow seed 003: passwords of
//! at least 8 characters of 3 classes changed every 90 days, 15-minute idle
//! logout.

use serde::{Deserialize, Serialize};
use zian_domain::Role;
use zian_domain::password::PasswordPolicy;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    pub password: PasswordPolicy,
    /// Idle logout, seconds (seed 003: 15 minutes).
    pub idle_timeout_secs: i64,
    /// Absolute session lifetime, seconds.
    pub absolute_timeout_secs: i64,
    /// Failed logins in a row that lock an account.
    pub lockout_threshold: i64,
    /// How long a lock lasts, seconds.
    pub lockout_secs: i64,
    /// Login attempts allowed per client address per window.
    pub throttle_attempts: u32,
    pub throttle_window_secs: i64,
    /// Roles whose holders must use TOTP.
    pub mfa_required_roles: Vec<Role>,
    /// TOTP steps of clock skew accepted on either side.
    pub totp_skew: i64,
    /// Issuer name shown in authenticator apps.
    pub totp_issuer: String,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            password: PasswordPolicy::default(),
            idle_timeout_secs: 15 * 60,
            absolute_timeout_secs: 12 * 3600,
            lockout_threshold: 5,
            lockout_secs: 15 * 60,
            throttle_attempts: 30,
            throttle_window_secs: 300,
            mfa_required_roles: vec![Role::SystemAdmin],
            totp_skew: 1,
            totp_issuer: "Zian 資安".into(),
        }
    }
}

impl AuthConfig {
    /// Checks that the values make sense; names the bad setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.password.min_length < 8 {
            return Err("auth.password.min_length must be at least 8".into());
        }
        if !(1..=4).contains(&self.password.min_classes) {
            return Err("auth.password.min_classes must be 1 to 4".into());
        }
        if self.idle_timeout_secs < 1 {
            return Err("auth.idle_timeout_secs must be positive".into());
        }
        if self.absolute_timeout_secs < self.idle_timeout_secs {
            return Err(
                "auth.absolute_timeout_secs must not be shorter than the idle timeout".into(),
            );
        }
        if self.lockout_threshold < 1 {
            return Err("auth.lockout_threshold must be at least 1".into());
        }
        if !(0..=3).contains(&self.totp_skew) {
            return Err("auth.totp_skew must be 0 to 3".into());
        }
        Ok(())
    }
}
