//! Real implementations of the ports: the system clock and UUIDv7 ids; and
//! the one reader of the operating system's random source. clippy.toml keeps
//! every other caller away from the wall clock, UUID makers and getrandom.

use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;
use zian_domain::ports::{Clock, IdGen};

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    // the real clock: the one reader of the wall clock (clippy.toml)
    #[expect(clippy::disallowed_methods)]
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock moved by hand: tests, and the scale generator replaying months
/// of an agency's work.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(unix: i64) -> Self {
        ManualClock(AtomicI64::new(unix))
    }
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
    pub fn set(&self, unix: i64) {
        self.0.store(unix, Ordering::SeqCst);
    }
    pub fn unix(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.unix()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct UuidV7;

impl IdGen for UuidV7 {
    // the real id generator: the one maker of UUIDs (clippy.toml)
    #[expect(clippy::disallowed_methods)]
    fn new_id(&self) -> String {
        uuid::Uuid::now_v7().to_string()
    }
}

/// `n` bytes from the operating system's random source.
// the one reader of the OS random source (clippy.toml)
#[expect(clippy::disallowed_methods)]
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    // getrandom fails only if the OS has no entropy source at all; then a
    // zero buffer must not be used silently.
    if getrandom::fill(&mut v).is_err() {
        panic_free_abort();
    }
    v
}

fn panic_free_abort() -> ! {
    eprintln!("fatal: the operating system's random source is unavailable");
    std::process::exit(70)
}

/// URL-safe random token of `bytes` bytes of entropy (base32, lower case).
pub fn random_token(bytes: usize) -> String {
    data_encoding::BASE32_NOPAD
        .encode(&random_bytes(bytes))
        .to_lowercase()
}

/// SHA-256 of a secret, hex; what we store for session ids, tokens and codes.
pub fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    zian_domain::audit::hex(&sha2::Sha256::digest(s.as_bytes()))
}
