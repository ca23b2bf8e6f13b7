//! Authentication and session settings. Defaults follow seed 003: passwords of
//! at least 8 characters of 3 classes changed every 90 days, 15-minute idle
//! logout.

use std::net::IpAddr;

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
    /// Failed logins allowed per account name (known or not) per window;
    /// then the name is refused for the rest of the window.
    pub account_throttle_attempts: u32,
    /// Wrong current passwords allowed per user per window when changing
    /// one's own password.
    pub password_change_attempts: u32,
    /// Reverse proxies whose `X-Forwarded-For` is believed, as CIDRs
    /// (`127.0.0.1/32`, `10.0.0.0/8`, `::1/128`). The client address is the
    /// right-most hop that is not one of them. Empty: the peer address.
    pub trusted_proxies: Vec<String>,
    /// Days an API token lives when its creator names none; only a system
    /// administrator may create a token that never expires.
    pub token_default_days: i64,
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
            account_throttle_attempts: 10,
            password_change_attempts: 5,
            trusted_proxies: Vec::new(),
            token_default_days: 90,
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
        if self.throttle_attempts < 1
            || self.account_throttle_attempts < 1
            || self.password_change_attempts < 1
        {
            return Err("auth.throttle_attempts, auth.account_throttle_attempts and auth.password_change_attempts must be at least 1".into());
        }
        if self.throttle_window_secs < 1 {
            return Err("auth.throttle_window_secs must be positive".into());
        }
        if let Some(bad) = self
            .trusted_proxies
            .iter()
            .find(|c| Cidr::parse(c).is_none())
        {
            return Err(format!(
                "auth.trusted_proxies: {bad:?} is not an address or a CIDR such as 127.0.0.1/32"
            ));
        }
        if !(1..=3650).contains(&self.token_default_days) {
            return Err("auth.token_default_days must be 1 to 3650".into());
        }
        Ok(())
    }

    /// The client's address: the peer's, or — when the peer is a trusted
    /// proxy — the right-most `X-Forwarded-For` hop that is not a trusted
    /// proxy (hops to its left are whatever the client chose to send).
    /// `forwarded` is the header's values in order.
    pub fn client_ip(&self, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
        let trusted: Vec<Cidr> = self
            .trusted_proxies
            .iter()
            .filter_map(|c| Cidr::parse(c))
            .collect();
        let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
        let mut client = peer;
        if !is_trusted(client) {
            return client;
        }
        let hops = forwarded.iter().flat_map(|v| v.split(',')).map(str::trim);
        for hop in hops.collect::<Vec<_>>().into_iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                // an unreadable hop: the last address known is the client
                return client;
            };
            client = ip;
            if !is_trusted(ip) {
                break;
            }
        }
        client
    }
}

/// An address in a forwarding header: `1.2.3.4`, `1.2.3.4:5678`, `::1` or
/// `[::1]:5678`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// A network in CIDR notation (`10.0.0.0/8`, `::1/128`); a bare address is
/// the network of that address alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (s, None),
        };
        let net = addr.parse::<IpAddr>().ok()?.to_canonical();
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Cidr { net, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        let (a, b, width) = match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                (u128::from(n.to_bits()), u128::from(i.to_bits()), 32)
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => (n.to_bits(), i.to_bits(), 128),
            _ => return false,
        };
        let shift = width - u32::from(self.prefix);
        shift >= width || (a >> shift) == (b >> shift)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks() {
        let c = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(c.contains(ip("10.1.200.3")));
        assert!(!c.contains(ip("10.2.0.1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(
            Cidr::parse("127.0.0.1")
                .unwrap()
                .contains(ip("::ffff:127.0.0.1"))
        );
        assert!(Cidr::parse("::1/128").unwrap().contains(ip("::1")));
        assert!(!Cidr::parse("::1/128").unwrap().contains(ip("127.0.0.1")));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("proxy.example").is_none());
    }

    #[test]
    fn the_client_is_the_right_most_untrusted_hop() {
        let mut c = AuthConfig::default();
        // no trusted proxy: the header is ignored
        assert_eq!(
            c.client_ip(ip("127.0.0.1"), &["203.0.113.9"]),
            ip("127.0.0.1")
        );
        c.trusted_proxies = vec!["127.0.0.1/32".into(), "10.0.0.0/8".into()];
        assert!(c.validate().is_ok());
        assert_eq!(
            c.client_ip(ip("127.0.0.1"), &["203.0.113.9"]),
            ip("203.0.113.9")
        );
        // a client forging hops to the left is not believed
        assert_eq!(
            c.client_ip(ip("127.0.0.1"), &["1.1.1.1, 203.0.113.9", "10.0.0.5"]),
            ip("203.0.113.9")
        );
        // an untrusted peer's header is ignored
        assert_eq!(
            c.client_ip(ip("198.51.100.7"), &["1.1.1.1"]),
            ip("198.51.100.7")
        );
        // no header, or an unreadable hop: the last address known
        assert_eq!(c.client_ip(ip("127.0.0.1"), &[]), ip("127.0.0.1"));
        assert_eq!(c.client_ip(ip("127.0.0.1"), &["garbage"]), ip("127.0.0.1"));
        assert_eq!(
            c.client_ip(ip("127.0.0.1"), &["[2001:db8::1]:443"]),
            ip("2001:db8::1")
        );
        c.trusted_proxies.push("not-a-network".into());
        assert!(c.validate().unwrap_err().contains("trusted_proxies"));
    }
}
