//! The audit trail: reading it in scope, recording exports, and verifying
//! the whole chain (the command line's `zian audit verify`).

use zian_domain::audit::{AuditEntry, BrokenLink, ChainVerifier};
use zian_domain::{ListQuery, OrgScope, Page, Permission, Principal};

use crate::{App, Result};

/// Result of a full chain verification.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    pub checked: u64,
    pub head_seq: i64,
    pub broken: Option<BrokenLink>,
}

impl App {
    pub async fn list_audit(&self, p: &Principal, q: &ListQuery) -> Result<Page<AuditEntry>> {
        Ok(self
            .stores
            .audit
            .list(&p.scope(Permission::AuditRead), q)
            .await?)
    }

    /// Walks the whole chain in order; reports the first broken entry.
    pub async fn verify_audit_chain(&self, mut progress: impl FnMut(u64)) -> Result<VerifyReport> {
        let all = OrgScope::system_wide();
        let (head_seq, head_hash) = self.stores.audit.head(&all).await?;
        let mut v = ChainVerifier::default();
        let mut after = 0;
        loop {
            let chunk = self.stores.audit.chain(&all, after, 2_000).await?;
            if chunk.is_empty() {
                break;
            }
            for e in &chunk {
                if let Err(b) = v.push(e) {
                    return Ok(VerifyReport {
                        checked: v.checked,
                        head_seq,
                        broken: Some(b),
                    });
                }
                after = e.seq;
            }
            progress(v.checked);
        }
        let broken = v.finish(head_seq, &head_hash).err();
        Ok(VerifyReport {
            checked: v.checked,
            head_seq,
            broken,
        })
    }

    /// Records that the caller exported data (exports are security events).
    pub async fn record_export(&self, p: &Principal, what: &str, rows: usize) -> Result<()> {
        let mut e = p.event("export", None, Some(what));
        e.details = serde_json::json!({"rows": rows});
        self.stores.audit.append(e, self.now()).await?;
        Ok(())
    }
}
