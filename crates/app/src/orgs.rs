//! Organisation use cases.

use zian_domain::org::{OrgDraft, child_path};
use zian_domain::{Organisation, Permission};
use zian_storage::{ListQuery, OrgHistoryRow, OrgStats, Page};

use crate::{App, AppError, Principal, Result};

impl App {
    pub async fn list_orgs(&self, p: &Principal, q: &ListQuery) -> Result<Page<Organisation>> {
        Ok(self
            .store
            .list_orgs(&p.scope(Permission::OrgRead), q)
            .await?)
    }

    pub async fn get_org(&self, p: &Principal, id: &str) -> Result<Organisation> {
        self.store
            .get_org(&p.scope(Permission::OrgRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Every organisation the caller can read, in tree order (for the tree
    /// view and pickers). Bounded to 5,000.
    pub async fn org_tree(&self, p: &Principal) -> Result<Vec<Organisation>> {
        let mut q = ListQuery::new();
        q.limit = 5_000;
        Ok(self
            .store
            .list_orgs(&p.scope(Permission::OrgRead), &q)
            .await?
            .items)
    }

    /// Creates an organisation under `parent_id` (which must be in the
    /// caller's write scope).
    pub async fn create_org(
        &self,
        p: &Principal,
        parent_id: &str,
        draft: OrgDraft,
    ) -> Result<Organisation> {
        let parent = self.writable_org(p, parent_id).await?;
        let draft = draft.validate()?;
        let id = self.ids.new_id();
        let org = organisation(id.clone(), Some(&parent), draft);
        let mut e = p.event("org.created", Some(&id), Some(&id));
        e.details = serde_json::json!({"name_zh": org.name_zh, "parent_id": parent.id});
        self.store.insert_org(&org, self.now(), e).await?;
        Ok(org)
    }

    pub async fn update_org(
        &self,
        p: &Principal,
        id: &str,
        draft: OrgDraft,
    ) -> Result<Organisation> {
        let org = self.writable_org(p, id).await?;
        let draft = draft.validate()?;
        let mut e = p.event("org.updated", Some(&org.id), Some(&org.id));
        e.details = serde_json::json!({
            "level": draft.level.map(|l| l.as_str()),
            "level_assigned_on": draft.level_assigned_on.map(|d| d.to_string()),
        });
        let scope = p.scope(Permission::OrgWrite);
        if !self
            .store
            .update_org(&scope, id, &draft, self.now(), e)
            .await?
        {
            return Err(AppError::NotFound);
        }
        self.get_org(p, id).await
    }

    /// Moves a subtree; the caller must be able to write both the moved
    /// organisation and the new parent. History keeps the old parent.
    pub async fn move_org(
        &self,
        p: &Principal,
        id: &str,
        new_parent_id: &str,
    ) -> Result<Organisation> {
        let org = self.writable_org(p, id).await?;
        let parent = self.writable_org(p, new_parent_id).await?;
        if org.parent_id.is_none() {
            return Err(AppError::invalid(
                "id",
                "the root organisation cannot be moved",
            ));
        }
        let mut e = p.event("org.moved", Some(&org.id), Some(&org.id));
        e.details = serde_json::json!({"from": org.parent_id, "to": parent.id});
        self.store
            .move_org(
                &p.scope(Permission::OrgWrite),
                id,
                new_parent_id,
                self.now(),
                e,
            )
            .await?;
        self.get_org(p, id).await
    }

    pub async fn set_org_active(
        &self,
        p: &Principal,
        id: &str,
        active: bool,
    ) -> Result<Organisation> {
        let org = self.writable_org(p, id).await?;
        if !active && org.parent_id.is_none() {
            return Err(AppError::invalid(
                "id",
                "the root organisation cannot be archived",
            ));
        }
        let e = p.event(
            if active {
                "org.restored"
            } else {
                "org.archived"
            },
            Some(&org.id),
            Some(&org.id),
        );
        self.store
            .set_org_active(&p.scope(Permission::OrgWrite), id, active, self.now(), e)
            .await?;
        self.get_org(p, id).await
    }

    pub async fn org_history(&self, p: &Principal, id: &str) -> Result<Vec<OrgHistoryRow>> {
        let org = self.get_org(p, id).await?;
        Ok(self
            .store
            .org_history(&p.scope(Permission::OrgRead), &org.id)
            .await?)
    }

    /// Roll-up figures for the caller's readable subtree.
    pub async fn org_stats(&self, p: &Principal) -> Result<OrgStats> {
        let today = self.today().to_string();
        Ok(self
            .store
            .org_stats(&p.scope(Permission::OrgRead), &today)
            .await?)
    }

    /// The organisation if the caller may write it; `Forbidden` if only
    /// readable, `NotFound` if invisible.
    async fn writable_org(&self, p: &Principal, id: &str) -> Result<Organisation> {
        let org = self.get_org(p, id).await?;
        p.require(Permission::OrgWrite, &org.path)?;
        Ok(org)
    }

    /// Creates the root organisation of an empty deployment (CLI bootstrap).
    pub async fn bootstrap_root(&self, draft: OrgDraft) -> Result<Organisation> {
        if self.store.system_org_count().await? > 0 {
            return Err(AppError::Conflict(
                "the organisation tree already has a root".into(),
            ));
        }
        let draft = draft.validate()?;
        let id = self.ids.new_id();
        let org = organisation(id.clone(), None, draft);
        let mut e = zian_domain::audit::AuditEvent::new("org.created");
        e.org_id = Some(id.clone());
        e.target = Some(id);
        e.details = serde_json::json!({"name_zh": org.name_zh, "root": true, "via": "cli"});
        self.store.insert_org(&org, self.now(), e).await?;
        Ok(org)
    }
}

fn organisation(id: String, parent: Option<&Organisation>, d: OrgDraft) -> Organisation {
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
