//! Organisation use cases.

use zian_domain::audit::AuditEvent;
use zian_domain::org::{OrgDraft, OrgHistoryEntry, OrgStats, child_path};
use zian_domain::{ListQuery, OrgId, OrgScope, Organisation, Page, Permission, Principal};
use zian_i18n::msg;

use crate::{App, AppError, Result};

/// Organisations shown in pickers and the tree at most.
pub const TREE_LIMIT: i64 = 5_000;

impl App {
    pub async fn list_orgs(&self, p: &Principal, q: &ListQuery) -> Result<Page<Organisation>> {
        Ok(self
            .stores
            .orgs
            .list(&p.scope(Permission::OrgRead), q)
            .await?)
    }

    pub async fn get_org(&self, p: &Principal, id: &OrgId) -> Result<Organisation> {
        self.org_with(p, id, Permission::OrgRead).await
    }

    /// Every organisation the caller can read, in tree order (for the tree
    /// view and pickers), at most [`TREE_LIMIT`].
    pub async fn org_tree(&self, p: &Principal) -> Result<Vec<Organisation>> {
        Ok(self
            .stores
            .orgs
            .list(&p.scope(Permission::OrgRead), &ListQuery::all(TREE_LIMIT))
            .await?
            .items)
    }

    /// Creates an organisation under `parent_id` (which must be in the
    /// caller's write scope).
    pub async fn create_org(
        &self,
        p: &Principal,
        parent_id: &OrgId,
        draft: OrgDraft,
    ) -> Result<Organisation> {
        let parent = self.org_with(p, parent_id, Permission::OrgWrite).await?;
        let draft = self.with_review_due(draft.validate()?);
        let org = organisation(self.ids.new_id().into(), Some(&parent), draft);
        let mut e = p.event("org.created", Some(&org.id), Some(&org.id));
        e.details = serde_json::json!({"name_zh": org.name_zh, "parent_id": parent.id});
        self.stores
            .orgs
            .insert(&p.scope(Permission::OrgWrite), &org, e, self.now())
            .await?;
        Ok(org)
    }

    pub async fn update_org(
        &self,
        p: &Principal,
        id: &OrgId,
        draft: OrgDraft,
    ) -> Result<Organisation> {
        let org = self.org_with(p, id, Permission::OrgWrite).await?;
        let mut draft = draft;
        // a new assignment date with the old review date left in the form:
        // the review date follows the new assignment
        if draft.level_assigned_on != org.level_assigned_on
            && draft.level_review_due == org.level_review_due
        {
            draft.level_review_due = None;
        }
        let draft = self.with_review_due(draft.validate()?);
        let mut e = p.event("org.updated", Some(&org.id), Some(&org.id));
        e.details = serde_json::json!({
            "level": draft.level.map(|l| l.as_str()),
            "level_assigned_on": draft.level_assigned_on.map(zian_domain::day::ymd),
        });
        self.stores
            .orgs
            .update(&p.scope(Permission::OrgWrite), id, &draft, e, self.now())
            .await?;
        self.get_org(p, id).await
    }

    /// Moves a subtree; the caller must be able to write both the moved
    /// organisation and the new parent. History keeps the old parent.
    pub async fn move_org(
        &self,
        p: &Principal,
        id: &OrgId,
        new_parent_id: &OrgId,
    ) -> Result<Organisation> {
        let org = self.org_with(p, id, Permission::OrgWrite).await?;
        let parent = self
            .org_with(p, new_parent_id, Permission::OrgWrite)
            .await?;
        if org.parent_id.is_none() {
            return Err(AppError::invalid("id", msg!("reason.orgs.root_move")));
        }
        let mut e = p.event("org.moved", Some(&org.id), Some(&org.id));
        e.details = serde_json::json!({"from": org.parent_id, "to": parent.id});
        self.stores
            .orgs
            .move_subtree(
                &p.scope(Permission::OrgWrite),
                id,
                new_parent_id,
                e,
                self.now(),
            )
            .await?;
        self.get_org(p, id).await
    }

    pub async fn set_org_active(
        &self,
        p: &Principal,
        id: &OrgId,
        active: bool,
    ) -> Result<Organisation> {
        let org = self.org_with(p, id, Permission::OrgWrite).await?;
        if !active && org.parent_id.is_none() {
            return Err(AppError::invalid("id", msg!("reason.orgs.root_archive")));
        }
        let action = if active {
            "org.restored"
        } else {
            "org.archived"
        };
        let e = p.event(action, Some(&org.id), Some(&org.id));
        self.stores
            .orgs
            .set_active(&p.scope(Permission::OrgWrite), id, active, e, self.now())
            .await?;
        self.get_org(p, id).await
    }

    pub async fn org_history(&self, p: &Principal, id: &OrgId) -> Result<Vec<OrgHistoryEntry>> {
        let org = self.get_org(p, id).await?;
        Ok(self
            .stores
            .orgs
            .history(&p.scope(Permission::OrgRead), &org.id)
            .await?)
    }

    /// Roll-up figures for the caller's readable subtree.
    pub async fn org_stats(&self, p: &Principal) -> Result<OrgStats> {
        Ok(self
            .stores
            .orgs
            .stats(&p.scope(Permission::OrgRead), self.today())
            .await?)
    }

    /// Creates the root organisation of an empty deployment (command-line
    /// bootstrap; `Conflict` once a root exists).
    pub async fn bootstrap_root(&self, draft: OrgDraft) -> Result<Organisation> {
        let draft = self.with_review_due(draft.validate()?);
        let org = organisation(self.ids.new_id().into(), None, draft);
        let mut e = AuditEvent::new("org.created");
        e.org_id = Some(org.id.to_string());
        e.target = Some(org.id.to_string());
        e.details = serde_json::json!({"name_zh": org.name_zh, "root": true, "via": "cli"});
        self.stores
            .orgs
            .insert(&OrgScope::system_wide(), &org, e, self.now())
            .await
            .map_err(|e| match e {
                zian_storage::StoreError::Conflict(_) => AppError::Conflict("root_organisation"),
                other => other.into(),
            })?;
        Ok(org)
    }
}

impl App {
    /// A validated draft with its level-review date: the one given, else the
    /// rules' (the `level-review` obligation's deadline), so the organisation's
    /// pages and its obligations calendar show one date.
    pub(crate) fn with_review_due(&self, mut d: OrgDraft) -> OrgDraft {
        if d.level_review_due.is_none()
            && let (Some(level), Some(assigned)) = (d.level, d.level_assigned_on)
        {
            d.level_review_due = crate::compliance::rule_set()
                .ok()
                .and_then(|r| r.level_review_due(d.kind, level, assigned, self.today()));
        }
        d
    }
}

/// A new organisation under `parent` (the root when `None`).
pub(crate) fn organisation(id: OrgId, parent: Option<&Organisation>, d: OrgDraft) -> Organisation {
    Organisation {
        path: child_path(parent.map(|p| p.path.as_str()), &id),
        depth: parent.map_or(0, |p| p.depth + 1),
        parent_id: parent.map(|p| p.id.clone()),
        id,
        code: d.code,
        name_zh: d.name_zh,
        name_en: d.name_en,
        tier: d.tier,
        kind: d.kind,
        level: d.level,
        level_assigned_on: d.level_assigned_on,
        level_review_due: d.level_review_due,
        fiscal_tier: d.fiscal_tier,
        active: true,
    }
}
