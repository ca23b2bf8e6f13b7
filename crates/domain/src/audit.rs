//! The tamper-evident audit trail. Each entry's hash covers its own fields and
//! the previous entry's hash, so changing, inserting or deleting a stored entry
//! breaks the chain from that point on.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Hash of the (virtual) entry before the first one.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// Unix seconds, UTC.
    pub at: i64,
    pub actor_user_id: Option<String>,
    pub actor_token_id: Option<String>,
    pub org_id: Option<String>,
    pub action: String,
    pub target: Option<String>,
    /// Compact JSON with details of the event; never secrets.
    pub details: String,
    pub ip: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// An event to append; the store assigns `seq`, `prev_hash` and `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub actor_user_id: Option<String>,
    pub actor_token_id: Option<String>,
    pub org_id: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub details: serde_json::Value,
    pub ip: Option<String>,
}

impl AuditEvent {
    pub fn new(action: &str) -> Self {
        AuditEvent {
            actor_user_id: None,
            actor_token_id: None,
            org_id: None,
            action: action.to_string(),
            target: None,
            details: serde_json::Value::Object(serde_json::Map::new()),
            ip: None,
        }
    }
}

/// The hash of an entry: SHA-256 over a canonical, length-prefixed encoding
/// of every field except `hash`, ending with `prev_hash`.
pub fn entry_hash(e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    field(&e.seq.to_string());
    field(&e.at.to_string());
    field(e.actor_user_id.as_deref().unwrap_or("\u{0}"));
    field(e.actor_token_id.as_deref().unwrap_or("\u{0}"));
    field(e.org_id.as_deref().unwrap_or("\u{0}"));
    field(&e.action);
    field(e.target.as_deref().unwrap_or("\u{0}"));
    field(&e.details);
    field(e.ip.as_deref().unwrap_or("\u{0}"));
    field(&e.prev_hash);
    hex(&h.finalize())
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Where and why a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: &'static str,
}

/// Verifier fed entries in `seq` order; stops at the first broken entry.
#[derive(Debug)]
pub struct ChainVerifier {
    prev_hash: String,
    prev_seq: i64,
    pub checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            prev_hash: GENESIS_HASH.to_string(),
            prev_seq: 0,
            checked: 0,
        }
    }
}

impl ChainVerifier {
    pub fn push(&mut self, e: &AuditEntry) -> Result<(), BrokenLink> {
        if e.seq != self.prev_seq + 1 {
            return Err(BrokenLink {
                seq: e.seq,
                reason: "sequence gap (an entry was deleted or inserted)",
            });
        }
        if e.prev_hash != self.prev_hash {
            return Err(BrokenLink {
                seq: e.seq,
                reason: "previous-hash link does not match the preceding entry",
            });
        }
        if entry_hash(e) != e.hash {
            return Err(BrokenLink {
                seq: e.seq,
                reason: "entry content does not match its hash (entry altered)",
            });
        }
        self.prev_hash.clone_from(&e.hash);
        self.prev_seq = e.seq;
        self.checked += 1;
        Ok(())
    }

    /// Checks that the chain ends where the stored head says it does (a
    /// truncated tail is otherwise invisible).
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<(), BrokenLink> {
        if head_seq != self.prev_seq || head_hash != self.prev_hash {
            return Err(BrokenLink {
                seq: self.prev_seq + 1,
                reason: "chain ends before the recorded head (entries removed at the end)",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: 1_700_000_000 + seq,
                    actor_user_id: Some("u1".into()),
                    actor_token_id: None,
                    org_id: Some("o1".into()),
                    action: "login.success".into(),
                    target: None,
                    details: "{}".into(),
                    ip: Some("127.0.0.1".into()),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry]) -> Result<(), BrokenLink> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.push(e)?;
        }
        Ok(())
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        verify(&c).unwrap();
        let mut v = ChainVerifier::default();
        c.iter().for_each(|e| v.push(e).unwrap());
        v.finish(5, &c[4].hash).unwrap();
        assert!(v.finish(6, "x").is_err());
    }

    #[test]
    fn altered_deleted_and_relinked_entries_are_named() {
        let mut c = chain(5);
        c[2].action = "login.failure".into();
        assert_eq!(verify(&c).unwrap_err().seq, 3);

        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(&c).unwrap_err().seq, 3);

        // re-hashing an altered entry still breaks the next link
        let mut c = chain(5);
        c[1].details = "{\"x\":1}".into();
        c[1].hash = entry_hash(&c[1]);
        let err = verify(&c).unwrap_err();
        assert_eq!(err.seq, 3);
    }
}
