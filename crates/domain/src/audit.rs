//! The tamper-evident audit trail. Each entry's hash covers its own fields and
//! the previous entry's hash, so changing, inserting or deleting a stored entry
//! breaks the chain from that point on.
//!
//! A hash chain alone does not stop someone who can write to the database:
//! they can edit an entry and recompute every later hash, or cut the tail and
//! move the head. So the chain is anchored outside the database:
//! - each entry and the head carry a MAC under an [`AuditKey`] that lives in
//!   a file the database never sees, so a rewrite without the key shows;
//! - signed [`Checkpoint`]s (sequence number and hash of the head at a
//!   moment) are exported to a file or mailed, so a chain cut back to an
//!   earlier, genuinely signed head shows too.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Hash of the (virtual) entry before the first one.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry of the trail as read for people: the entry with its actor's
/// display name and its organisation's names (the chain covers the entry
/// only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    pub entry: AuditEntry,
    pub actor_name: Option<String>,
    pub org_name_zh: Option<String>,
    pub org_name_en: Option<String>,
}

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
    /// MAC of `hash` under the deployment's [`AuditKey`] (`None` for entries
    /// written before a key was configured and not yet anchored).
    pub mac: Option<String>,
}

/// The chain's tip as stored: the last entry's sequence number and hash, with
/// their MAC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
    pub mac: Option<String>,
}

/// The secret that anchors the chain outside the database (32 bytes, kept in
/// a file of its own; see ARCHITECTURE.md, "The audit trail's threat model").
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    pub fn from_bytes(bytes: [u8; 32]) -> AuditKey {
        AuditKey(bytes)
    }

    /// From its file form: 64 hexadecimal digits (surrounding space ignored).
    pub fn parse_hex(s: &str) -> Option<AuditKey> {
        let s = s.trim();
        if s.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(AuditKey(out))
    }

    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    fn tag(&self, parts: &[&str]) -> String {
        // HMAC accepts keys of any length; 32 bytes never fails
        let Ok(mut m) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::new();
        };
        for p in parts {
            m.update(&(p.len() as u64).to_be_bytes());
            m.update(p.as_bytes());
        }
        hex(&m.finalize().into_bytes())
    }

    /// The MAC stored with an entry.
    pub fn entry_mac(&self, hash: &str) -> String {
        self.tag(&["zian-audit-entry", hash])
    }

    /// The MAC stored with the head.
    pub fn head_mac(&self, seq: i64, hash: &str) -> String {
        self.tag(&["zian-audit-head", &seq.to_string(), hash])
    }
}

/// The head at a moment, signed with the key, kept outside the database (one
/// JSON line per checkpoint in a file, or mailed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    /// When it was taken (unix seconds).
    pub at: i64,
    pub mac: String,
}

impl Checkpoint {
    pub fn sign(key: &AuditKey, seq: i64, hash: &str, at: i64) -> Checkpoint {
        Checkpoint {
            seq,
            hash: hash.to_string(),
            at,
            mac: key.tag(&[
                "zian-audit-checkpoint",
                &seq.to_string(),
                hash,
                &at.to_string(),
            ]),
        }
    }

    /// Whether the checkpoint was signed with `key` and not altered since.
    pub fn is_authentic(&self, key: &AuditKey) -> bool {
        Checkpoint::sign(key, self.seq, &self.hash, self.at).mac == self.mac
    }
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
/// With a key, every entry's and the head's MAC must match; with
/// checkpoints, the chain must pass through each of them.
#[derive(Debug)]
pub struct ChainVerifier {
    prev_hash: String,
    prev_seq: i64,
    key: Option<AuditKey>,
    checkpoints: Vec<Checkpoint>,
    pub checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier::new(None, Vec::new())
    }
}

impl ChainVerifier {
    /// `checkpoints` must be authentic ([`Checkpoint::is_authentic`]).
    pub fn new(key: Option<AuditKey>, mut checkpoints: Vec<Checkpoint>) -> ChainVerifier {
        checkpoints.sort_by_key(|c| c.seq);
        ChainVerifier {
            prev_hash: GENESIS_HASH.to_string(),
            prev_seq: 0,
            key,
            checkpoints,
            checked: 0,
        }
    }

    pub fn push(&mut self, e: &AuditEntry) -> Result<(), BrokenLink> {
        let broken = |reason| Err(BrokenLink { seq: e.seq, reason });
        if e.seq != self.prev_seq + 1 {
            return broken("sequence gap (an entry was deleted or inserted)");
        }
        if e.prev_hash != self.prev_hash {
            return broken("previous-hash link does not match the preceding entry");
        }
        if entry_hash(e) != e.hash {
            return broken("entry content does not match its hash (entry altered)");
        }
        if let Some(k) = &self.key
            && e.mac.as_deref() != Some(k.entry_mac(&e.hash).as_str())
        {
            return broken(
                "entry MAC missing or wrong (rewritten without the audit key, or checked with another deployment's key)",
            );
        }
        if self
            .checkpoints
            .iter()
            .any(|c| c.seq == e.seq && c.hash != e.hash)
        {
            return broken("entry differs from a signed checkpoint (chain rewritten)");
        }
        self.prev_hash.clone_from(&e.hash);
        self.prev_seq = e.seq;
        self.checked += 1;
        Ok(())
    }

    /// Checks that the chain ends where the stored head says it does (a
    /// truncated tail is otherwise invisible), that the head is authentic,
    /// and that no checkpoint lies beyond it.
    pub fn finish(&self, head: &AuditHead) -> Result<(), BrokenLink> {
        let broken = |seq, reason| Err(BrokenLink { seq, reason });
        if head.seq != self.prev_seq || head.hash != self.prev_hash {
            return broken(
                self.prev_seq + 1,
                "chain ends before the recorded head (entries removed at the end)",
            );
        }
        if let Some(k) = &self.key
            && head.mac.as_deref() != Some(k.head_mac(head.seq, &head.hash).as_str())
        {
            return broken(
                head.seq,
                "head MAC missing or wrong (head moved without the audit key)",
            );
        }
        if self.checkpoints.iter().any(|c| c.seq > head.seq) {
            return broken(
                head.seq + 1,
                "chain ends before a signed checkpoint (entries removed at the end)",
            );
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
                    mac: None,
                };
                e.hash = entry_hash(&e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn head(seq: i64, hash: &str, key: Option<&AuditKey>) -> AuditHead {
        AuditHead {
            seq,
            hash: hash.to_string(),
            mac: key.map(|k| k.head_mac(seq, hash)),
        }
    }

    fn keyed(n: i64, key: &AuditKey) -> Vec<AuditEntry> {
        let mut c = chain(n);
        for e in &mut c {
            e.mac = Some(key.entry_mac(&e.hash));
        }
        c
    }

    /// Rewrites entry `at` (1-based) and recomputes every later hash, as
    /// someone with write access to the database but not the key could.
    fn rewrite(c: &mut [AuditEntry], at: usize) {
        c[at - 1].details = "{\"rewritten\":true}".into();
        let mut prev = c[at - 1].prev_hash.clone();
        for e in c.iter_mut().skip(at - 1) {
            e.prev_hash = prev;
            e.hash = entry_hash(e);
            prev = e.hash.clone();
        }
    }

    fn run(v: &mut ChainVerifier, c: &[AuditEntry], h: &AuditHead) -> Result<(), BrokenLink> {
        for e in c {
            v.push(e)?;
        }
        v.finish(h)
    }

    #[test]
    fn a_rewritten_chain_passes_the_hashes_but_not_the_key() {
        let key = AuditKey::from_bytes([7; 32]);
        let mut c = keyed(6, &key);
        rewrite(&mut c, 3);
        let h = head(6, &c[5].hash, Some(&key));
        // the hash chain alone is fooled
        run(&mut ChainVerifier::default(), &c, &h).unwrap();
        // the key is not
        let err = run(
            &mut ChainVerifier::new(Some(key.clone()), Vec::new()),
            &c,
            &h,
        )
        .unwrap_err();
        assert_eq!(err.seq, 3);
        assert!(err.reason.contains("MAC"));
        // nor is a checkpoint taken before the rewrite, even without the key
        let orig = keyed(6, &key);
        let cp = Checkpoint::sign(&key, 4, &orig[3].hash, 1);
        let err = run(&mut ChainVerifier::new(None, vec![cp]), &c, &h).unwrap_err();
        assert_eq!(err.seq, 4);
    }

    #[test]
    fn a_truncated_chain_with_a_moved_head_is_caught() {
        let key = AuditKey::from_bytes([9; 32]);
        let c = keyed(8, &key);
        let cp = Checkpoint::sign(&key, 8, &c[7].hash, 100);
        assert!(cp.is_authentic(&key));
        // cut after entry 5 and move the head there
        let cut = &c[..5];
        // a head MAC forged without the key fails
        let forged = head(5, &cut[4].hash, None);
        let err = run(
            &mut ChainVerifier::new(Some(key.clone()), Vec::new()),
            cut,
            &forged,
        )
        .unwrap_err();
        assert!(err.reason.contains("head"), "{err:?}");
        // a genuine old head (replayed) passes the MAC but not the checkpoint
        let replayed = head(5, &cut[4].hash, Some(&key));
        run(
            &mut ChainVerifier::new(Some(key.clone()), Vec::new()),
            cut,
            &replayed,
        )
        .unwrap();
        let err = run(
            &mut ChainVerifier::new(Some(key.clone()), vec![cp.clone()]),
            cut,
            &replayed,
        )
        .unwrap_err();
        assert!(err.reason.contains("checkpoint"), "{err:?}");
        // the intact chain passes everything
        run(
            &mut ChainVerifier::new(Some(key.clone()), vec![cp]),
            &c,
            &head(8, &c[7].hash, Some(&key)),
        )
        .unwrap();
    }

    #[test]
    fn checkpoints_and_keys_round_trip() {
        let key = AuditKey::from_bytes([1; 32]);
        assert_eq!(AuditKey::parse_hex(&key.to_hex()), Some(key.clone()));
        assert_eq!(AuditKey::parse_hex("zz"), None);
        assert_eq!(format!("{key:?}"), "AuditKey(…)");
        let mut cp = Checkpoint::sign(&key, 3, "abc", 10);
        assert!(cp.is_authentic(&key));
        assert!(!cp.is_authentic(&AuditKey::from_bytes([2; 32])));
        cp.seq = 2;
        assert!(!cp.is_authentic(&key));
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
        v.finish(&head(5, &c[4].hash, None)).unwrap();
        assert!(v.finish(&head(6, "x", None)).is_err());
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
