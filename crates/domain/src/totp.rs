//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1,
//! 6 digits, 30-second steps) — what every authenticator app implements.

use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;

/// HOTP value for a counter (RFC 4226 §5.3, dynamic truncation).
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[19] & 0x0f) as usize;
    let bin = (u32::from(h[offset]) & 0x7f) << 24
        | u32::from(h[offset + 1]) << 16
        | u32::from(h[offset + 2]) << 8
        | u32::from(h[offset + 3]);
    bin % 10u32.pow(DIGITS)
}

/// The TOTP code at a unix time, zero-padded.
pub fn code_at(secret: &[u8], unix: i64) -> String {
    let counter = u64::try_from(unix.div_euclid(STEP_SECONDS)).unwrap_or(0);
    format!("{:06}", hotp(secret, counter))
}

/// Verifies a code allowing ±`skew` steps. Returns the matched step so the
/// caller can refuse a replay of the same step.
pub fn verify(secret: &[u8], code: &str, unix: i64, skew: i64) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let step = unix.div_euclid(STEP_SECONDS);
    (-skew..=skew)
        .map(|d| step + d)
        .find(|s| *s >= 0 && code_at(secret, s * STEP_SECONDS) == code)
}

/// Base32 (RFC 4648, no padding) form of a secret, as shown to users.
pub fn secret_to_base32(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

pub fn secret_from_base32(s: &str) -> Option<Vec<u8>> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .collect::<String>()
        .to_ascii_uppercase();
    data_encoding::BASE32_NOPAD.decode(cleaned.as_bytes()).ok()
}

/// The `otpauth://` URI authenticator apps import.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        secret_to_base32(secret),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 Appendix B test vectors (SHA1, secret "12345678901234567890"),
    // last six digits of the 8-digit values.
    #[test]
    fn rfc6238_vectors() {
        let s = b"12345678901234567890";
        assert_eq!(code_at(s, 59), "287082");
        assert_eq!(code_at(s, 1_111_111_109), "081804");
        assert_eq!(code_at(s, 1_111_111_111), "050471");
        assert_eq!(code_at(s, 1_234_567_890), "005924");
        assert_eq!(code_at(s, 2_000_000_000), "279037");
    }

    #[test]
    fn verify_with_skew_and_bad_input() {
        let s = b"12345678901234567890";
        assert_eq!(verify(s, "287082", 59 + 30, 1), Some(1));
        assert_eq!(verify(s, "287082", 59 + 90, 1), None);
        assert_eq!(verify(s, "28708", 59, 1), None);
        assert_eq!(verify(s, "abcdef", 59, 1), None);
    }

    #[test]
    fn base32_round_trip() {
        let s = b"12345678901234567890";
        let b = secret_to_base32(s);
        assert_eq!(b, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(secret_from_base32(&b.to_lowercase()).unwrap(), s);
        assert!(otpauth_uri("Zian 資安", "a@b", s).starts_with("otpauth://totp/Zian%20%E8%B3%87"));
    }
}
