//! Webhooks: an organisation's subscriptions to platform events, the
//! signature every delivery carries, and the address rules of the SSRF
//! guard. Pure: the application resolves names and sends; this module
//! decides what is signed and which addresses are refused.
//!
//! Signature (documented in `docs/webhooks.md`): the header
//! `Zian-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::OrgId;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Zian-Signature";
/// Seconds a receiver accepts between the signed time and its own clock.
pub const TOLERANCE_SECS: i64 = 300;

/// The events an organisation may subscribe to.
pub const EVENTS: [&str; 4] = [
    "plan.submitted",
    "plan.approved",
    "plan.returned",
    "vulns.found",
];
/// The event of a test delivery (sent on request, whatever the events).
pub const PING: &str = "webhook.ping";

/// A webhook's signing secret: `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    pub fn new(s: String) -> Self {
        WebhookSecret(s)
    }
    /// The secret itself, for signing and for storing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}

/// One subscription.
#[derive(Debug, Clone)]
pub struct Webhook {
    pub id: String,
    pub org_id: OrgId,
    pub url: String,
    /// Event kinds, each one of [`EVENTS`].
    pub events: Vec<String>,
    pub secret: WebhookSecret,
    pub active: bool,
    pub created_by: Option<String>,
    pub created_at: i64,
}

impl Webhook {
    pub fn wants(&self, event: &str) -> bool {
        self.active && self.events.iter().any(|e| e == event)
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Queued,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "queued" => Some(DeliveryStatus::Queued),
            "delivered" => Some(DeliveryStatus::Delivered),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// One event to deliver to one webhook.
#[derive(Debug, Clone, Serialize)]
pub struct WebhookDelivery {
    pub id: String,
    pub webhook_id: String,
    pub org_id: OrgId,
    pub event: String,
    /// The JSON body sent (the same bytes on every attempt; the signature
    /// is computed afresh with the attempt's time).
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_status_code: Option<u16>,
    pub last_error: Option<String>,
    pub job_id: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

/// One attempt of a delivery, as logged (never the secret or signature).
#[derive(Debug, Clone, Serialize)]
pub struct WebhookAttempt {
    pub delivery_id: String,
    pub attempt: u32,
    pub at: i64,
    pub status_code: Option<u16>,
    pub duration_ms: i64,
    pub error: Option<String>,
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length: new_from_slice cannot fail
    let mut m = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable_hmac(),
    };
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m
}

#[cold]
fn unreachable_hmac() -> ! {
    // HMAC-SHA256 takes any key length (RFC 2104); kept total without panics
    std::process::abort()
}

/// The `Zian-Signature` header value for `body` sent at `t`.
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    let tag = mac(secret, t, body).finalize().into_bytes();
    format!("t={t},v1={}", crate::audit::hex(&tag))
}

/// Why a signature is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyError {
    Malformed,
    Stale,
    Mismatch,
}

/// The receiver's check (what `docs/webhooks.md` shows in Python): the
/// header parses, the time is within [`TOLERANCE_SECS`] of `now`, and one
/// `v1` tag equals the HMAC (compared in constant time).
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), VerifyError> {
    let mut t = None;
    let mut tags = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => tags.push(v),
            _ => {}
        }
    }
    let t = t.ok_or(VerifyError::Malformed)?;
    if tags.is_empty() {
        return Err(VerifyError::Malformed);
    }
    if (now - t).abs() > TOLERANCE_SECS {
        return Err(VerifyError::Stale);
    }
    for tag in tags {
        let Ok(bytes) = data_encoding::HEXLOWER_PERMISSIVE.decode(tag.as_bytes()) else {
            continue;
        };
        if mac(secret, t, body).verify_slice(&bytes).is_ok() {
            return Ok(());
        }
    }
    Err(VerifyError::Mismatch)
}

/// An address block, `a.b.c.d/n` or `x::/n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let (a, n) = s.trim().split_once('/').unwrap_or((s.trim(), ""));
        let net: IpAddr = a.parse().ok()?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = if n.is_empty() { max } else { n.parse().ok()? };
        (bits <= max).then_some(Cidr { net, bits })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                prefix_eq(&n.octets(), &a.octets(), u32::from(self.bits))
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                prefix_eq(&n.octets(), &a.octets(), u32::from(self.bits))
            }
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u32) -> bool {
    let mut left = bits;
    for (x, y) in a.iter().zip(b) {
        if left == 0 {
            return true;
        }
        let take = left.min(8);
        let mask: u8 = if take == 8 { 0xff } else { !(0xffu8 >> take) };
        if x & mask != y & mask {
            return false;
        }
        left -= take;
    }
    true
}

/// An IPv4-mapped or -compatible IPv6 address as the IPv4 address it is.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// Whether an address is outside the public internet: private, loopback,
/// link-local, unique-local, multicast, unspecified, shared (CGNAT),
/// documentation, benchmarking, reserved, broadcast, NAT64/6to4/Teredo
/// wrappers of such. The SSRF guard refuses these unless allowed.
pub fn is_internal(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(a) => v4_internal(a),
        IpAddr::V6(a) => v6_internal(a),
    }
}

fn v4_internal(a: Ipv4Addr) -> bool {
    let o = a.octets();
    a.is_private()
        || a.is_loopback()
        || a.is_link_local()
        || a.is_multicast()
        || a.is_unspecified()
        || a.is_broadcast()
        || a.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64.0.0/10 shared
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0.0/24 protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // 198.18.0.0/15 benchmarking
        || o[0] >= 240 // reserved
}

fn v6_internal(a: Ipv6Addr) -> bool {
    let s = a.segments();
    a.is_loopback()
        || a.is_unspecified()
        || a.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        // IPv4-compatible ::a.b.c.d (deprecated) — judge the IPv4 inside
        || (s[..6] == [0, 0, 0, 0, 0, 0] && v4_internal(Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8)))
        // NAT64 64:ff9b::/96 — judge the IPv4 inside
        || (s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0]
            && v4_internal(Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8)))
        // 6to4 2002::/16 wraps an IPv4 address
        || (s[0] == 0x2002
            && v4_internal(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8)))
        // Teredo 2001::/32 (obfuscated IPv4): refused outright
        || (s[0] == 0x2001 && s[1] == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let h = sign("s3cret", 1_796_000_000, b"{\"a\":1}");
        assert!(h.starts_with("t=1796000000,v1="));
        assert_eq!(h.len(), "t=1796000000,v1=".len() + 64);
        assert_eq!(verify("s3cret", &h, b"{\"a\":1}", 1_796_000_010), Ok(()));
        assert_eq!(
            verify("s3cret", &h, b"{\"a\":2}", 1_796_000_010),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify("other", &h, b"{\"a\":1}", 1_796_000_010),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify("s3cret", &h, b"{\"a\":1}", 1_796_000_301),
            Err(VerifyError::Stale)
        );
        assert_eq!(
            verify("s3cret", "v1=00", b"", 0),
            Err(VerifyError::Malformed)
        );
        // a changed timestamp breaks the tag
        let forged = h.replace("t=1796000000", "t=1796000100");
        assert_eq!(
            verify("s3cret", &forged, b"{\"a\":1}", 1_796_000_100),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn known_vector() {
        // computed independently: printf '1.x' | openssl dgst -sha256 -hmac key
        assert_eq!(
            sign("key", 1, b"x"),
            "t=1,v1=fc4913c41a7bf793267e2a384f3261c9436ec2cd097bd745e7b0d99113f510ec"
        );
    }

    #[test]
    fn internal_ranges_are_recognised() {
        for a in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
        ] {
            assert!(is_internal(a.parse().unwrap()), "{a}");
        }
        for a in [
            "8.8.8.8",
            "203.74.1.1",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_internal(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn cidrs() {
        let c = Cidr::parse("127.0.0.0/8").unwrap();
        assert!(c.contains("127.9.9.9".parse().unwrap()));
        assert!(c.contains("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!c.contains("128.0.0.1".parse().unwrap()));
        let c = Cidr::parse("fd00::/8").unwrap();
        assert!(c.contains("fd12::1".parse().unwrap()));
        assert!(!c.contains("fe80::1".parse().unwrap()));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("nope").is_none());
        assert_eq!(Cidr::parse("::1"), Cidr::parse("::1/128"));
        let c = Cidr::parse("10.1.0.0/20").unwrap();
        assert!(c.contains("10.1.15.255".parse().unwrap()));
        assert!(!c.contains("10.1.16.0".parse().unwrap()));
    }
}
