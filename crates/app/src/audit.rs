//! The audit trail: reading it in scope, recording exports, and verifying
//! the whole chain (the command line's `zian audit verify`).

use zian_domain::audit::{AuditRow, BrokenLink, ChainVerifier, Checkpoint};
use zian_domain::{ListQuery, OrgScope, Page, Permission, Principal};
use zian_i18n::msg;

use crate::{App, AppError, Result};

/// Result of a full chain verification.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    pub checked: u64,
    pub head_seq: i64,
    /// Whether entry and head MACs were checked (a key is configured).
    pub keyed: bool,
    /// Checkpoints the chain was checked against.
    pub checkpoints: usize,
    pub broken: Option<BrokenLink>,
}

impl App {
    /// The trail in the caller's audit scope, newest first, with names.
    /// Filters: `action` (prefix), `actor` (user id), `org` (organisation
    /// id), `from` and `to` (dates, Asia/Taipei, both inclusive).
    pub async fn list_audit(&self, p: &Principal, q: &ListQuery) -> Result<Page<AuditRow>> {
        let mut q = q.clone();
        let mut dates = Vec::new();
        for (field, key, days) in [("from", "from_at", 0), ("to", "to_at", 1)] {
            if let Some(d) = zian_domain::day::parse_opt(field, q.filter_value(field))? {
                let start = d.saturating_add(time::Duration::days(days));
                dates.push((key, zian_domain::day::taipei_start(start).to_string()));
            }
        }
        q.filter
            .retain(|(k, _)| !matches!(k.as_str(), "from" | "to" | "from_at" | "to_at"));
        for (k, v) in dates {
            q.filter.push((k.to_string(), v));
        }
        Ok(self
            .stores
            .audit
            .list(&p.scope(Permission::AuditRead), &q)
            .await?)
    }

    /// Walks the whole chain in order; reports the first broken entry. With
    /// a key configured every MAC is checked; `checkpoints` (exported
    /// earlier, see [`App::audit_checkpoint`]) must all be signed with this
    /// key and the chain must pass through each.
    pub async fn verify_audit_chain(
        &self,
        checkpoints: Vec<Checkpoint>,
        mut progress: impl FnMut(u64),
    ) -> Result<VerifyReport> {
        if !checkpoints.is_empty() {
            let Some(key) = &self.audit_key else {
                return Err(AppError::invalid(
                    "checkpoints",
                    msg!("reason.audit.checkpoints_need_key"),
                ));
            };
            if let Some(c) = checkpoints.iter().find(|c| !c.is_authentic(key)) {
                return Err(AppError::invalid(
                    "checkpoints",
                    msg!("reason.audit.checkpoint_not_signed", seq = c.seq),
                ));
            }
        }
        let all = OrgScope::system_wide();
        let head = self.stores.audit.head(&all).await?;
        let n = checkpoints.len();
        let mut v = ChainVerifier::new(self.audit_key.clone(), checkpoints);
        let mut after = 0;
        let report = |v: &ChainVerifier, broken| VerifyReport {
            checked: v.checked,
            head_seq: head.seq,
            keyed: self.audit_key.is_some(),
            checkpoints: n,
            broken,
        };
        loop {
            let chunk = self.stores.audit.chain(&all, after, 2_000).await?;
            if chunk.is_empty() {
                break;
            }
            for e in &chunk {
                if let Err(b) = v.push(e) {
                    return Ok(report(&v, Some(b)));
                }
                after = e.seq;
            }
            progress(v.checked);
        }
        let broken = v.finish(&head).err();
        Ok(report(&v, broken))
    }

    /// A signed checkpoint of the chain's head now, to keep outside the
    /// database (appended to a file, mailed). Needs a key.
    pub async fn audit_checkpoint(&self) -> Result<Checkpoint> {
        let Some(key) = &self.audit_key else {
            return Err(AppError::invalid(
                "audit_key",
                msg!("reason.audit.checkpoints_need_key"),
            ));
        };
        let head = self.stores.audit.head(&OrgScope::system_wide()).await?;
        Ok(Checkpoint::sign(key, head.seq, &head.hash, self.now()))
    }

    /// Signs the entries written before a key was configured (once, at
    /// start-up or `zian migrate`), after checking their hash chain; returns
    /// the range signed. A broken chain is refused (`Conflict`).
    pub async fn anchor_audit_chain(&self) -> Result<Option<(i64, i64)>> {
        let mut e = zian_domain::audit::AuditEvent::new("audit.anchored");
        e.details = serde_json::json!({"via": "startup"});
        Ok(self
            .stores
            .audit
            .anchor(&OrgScope::system_wide(), e, self.now())
            .await?)
    }

    /// Records that the caller exported data (exports are security events).
    pub async fn record_export(&self, p: &Principal, what: &str, rows: usize) -> Result<()> {
        let mut e = p.event("export", None, Some(what));
        e.details = serde_json::json!({"rows": rows});
        self.stores.audit.append(e, self.now()).await?;
        Ok(())
    }
}
