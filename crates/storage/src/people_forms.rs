//! People forms and the restricted-area entry log
//! (`zian_domain::people_forms`): a form is a row plus its JSON body and
//! sign-offs; an entry a plain row. Scoped by the organisation, every
//! later write conditional on the `updated_at` read.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::list::HARD_LIMIT;
use zian_domain::people_forms::{Access, AreaEntry, Kind, PeopleForm};
use zian_domain::{AreaEntryId, OrgId, OrgScope, PeopleFormId, UserId};

use crate::db::{Cols, Sql, i, json, oi, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait PeopleFormsStore: Send + Sync {
    /// Records (`previous` none) or replaces a form; a number taken is
    /// `Conflict("people_form")`, and so is a replacement of a row changed
    /// since it was read.
    async fn save_form(
        &self,
        scope: &OrgScope,
        f: &PeopleForm,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_form(&self, scope: &OrgScope, id: &PeopleFormId) -> Result<Option<PeopleForm>>;
    /// The forms of the organisations whose path starts with `under` (an
    /// organisation and its units; of one kind, when named), latest first,
    /// at most [`HARD_LIMIT`].
    async fn forms(
        &self,
        scope: &OrgScope,
        under: &str,
        kind: Option<Kind>,
    ) -> Result<Vec<PeopleForm>>;
    /// The numbers an organisation gave that start with `prefix`.
    async fn form_numbers(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        prefix: &str,
    ) -> Result<Vec<String>>;

    /// Records (`previous` none) or replaces an entry of the log.
    async fn save_entry(
        &self,
        scope: &OrgScope,
        e: &AreaEntry,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_entry(&self, scope: &OrgScope, id: &AreaEntryId) -> Result<Option<AreaEntry>>;
    /// The entries of the organisations whose path starts with `under`
    /// that came in `[from, to)` or are still inside, latest first, at
    /// most [`HARD_LIMIT`].
    async fn entries(
        &self,
        scope: &OrgScope,
        under: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<AreaEntry>>;
}

const FORM_COLS: &str =
    "x.id, x.org_id, x.number, x.body, x.signoffs, x.created_by, x.created_at, x.updated_at";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn form_row(r: &AnyRow) -> Result<PeopleForm> {
    Ok(PeopleForm {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        number: s(r, "number")?,
        body: json(r, "body")?,
        signoffs: json(r, "signoffs")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

const ENTRY_COLS: &str = "x.id, x.org_id, x.area, x.name, x.unit, x.escort, x.entered_at, x.left_at, x.reason, x.access, x.devices, x.items, x.recorded_by, x.created_at, x.updated_at";

fn entry_row(r: &AnyRow) -> Result<AreaEntry> {
    Ok(AreaEntry {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        area: s(r, "area")?,
        name: s(r, "name")?,
        unit: s(r, "unit")?,
        escort: s(r, "escort")?,
        entered_at: i(r, "entered_at")?,
        left_at: oi(r, "left_at")?,
        reason: s(r, "reason")?,
        access: Access::parse(&s(r, "access")?).map_err(corrupt)?,
        devices: s(r, "devices")?,
        items: s(r, "items")?,
        recorded_by: os(r, "recorded_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

#[async_trait]
impl PeopleFormsStore for SqlStore {
    async fn save_form(
        &self,
        scope: &OrgScope,
        x: &PeopleForm,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let body = serde_json::to_string(&x.body).map_err(corrupt)?;
        let signoffs = serde_json::to_string(&x.signoffs).map_err(corrupt)?;
        let cols = Cols::new()
            .set("status", x.status().as_str())
            .set("body", body)
            .set("signoffs", signoffs)
            .set("updated_at", x.updated_at);
        tx.save_read(
            "people_forms",
            "people_form",
            cols,
            (x.id.as_str(), x.org_id.as_str()),
            previous,
            |c| {
                c.set("id", &x.id)
                    .set("org_id", &x.org_id)
                    .set("kind", x.kind().as_str())
                    .set("number", x.number.as_str())
                    .set("created_by", x.created_by.as_ref())
                    .set("created_at", x.created_at)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_form(&self, scope: &OrgScope, id: &PeopleFormId) -> Result<Option<PeopleForm>> {
        let mut q = Sql::new(format!(
            "SELECT {FORM_COLS} FROM people_forms x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path").and(" AND x.id = ", id);
        q.fetch_optional(&self.pool, form_row).await
    }

    async fn forms(
        &self,
        scope: &OrgScope,
        under: &str,
        kind: Option<Kind>,
    ) -> Result<Vec<PeopleForm>> {
        let mut q = Sql::new(format!(
            "SELECT {FORM_COLS} FROM people_forms x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path")
            .and(" AND o.path LIKE ", format!("{under}%"));
        if let Some(k) = kind {
            q.and(" AND x.kind = ", k.as_str());
        }
        q.push(&format!(
            " ORDER BY x.created_at DESC, x.id DESC LIMIT {HARD_LIMIT}"
        ));
        q.fetch_all(&self.pool, form_row).await
    }

    async fn form_numbers(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        prefix: &str,
    ) -> Result<Vec<String>> {
        let mut q =
            Sql::new("SELECT x.number FROM people_forms x JOIN orgs o ON o.id = x.org_id WHERE ");
        q.scope(scope, "o.path")
            .and(" AND x.org_id = ", org_id)
            .and(" AND x.number LIKE ", format!("{prefix}%"));
        q.fetch_all(&self.pool, |r| s(r, "number")).await
    }

    async fn save_entry(
        &self,
        scope: &OrgScope,
        x: &AreaEntry,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let cols = Cols::new()
            .set("left_at", x.left_at)
            .set("updated_at", x.updated_at);
        tx.save_read(
            "area_entries",
            "area_entry",
            cols,
            (x.id.as_str(), x.org_id.as_str()),
            previous,
            |c| {
                c.set("id", &x.id)
                    .set("org_id", &x.org_id)
                    .set("area", x.area.as_str())
                    .set("name", x.name.as_str())
                    .set("unit", x.unit.as_str())
                    .set("escort", x.escort.as_str())
                    .set("entered_at", x.entered_at)
                    .set("reason", x.reason.as_str())
                    .set("access", x.access.as_str())
                    .set("devices", x.devices.as_str())
                    .set("items", x.items.as_str())
                    .set("recorded_by", x.recorded_by.as_ref())
                    .set("created_at", x.created_at)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_entry(&self, scope: &OrgScope, id: &AreaEntryId) -> Result<Option<AreaEntry>> {
        let mut q = Sql::new(format!(
            "SELECT {ENTRY_COLS} FROM area_entries x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path").and(" AND x.id = ", id);
        q.fetch_optional(&self.pool, entry_row).await
    }

    async fn entries(
        &self,
        scope: &OrgScope,
        under: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<AreaEntry>> {
        let mut q = Sql::new(format!(
            "SELECT {ENTRY_COLS} FROM area_entries x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path")
            .and(" AND o.path LIKE ", format!("{under}%"))
            .and(" AND ((x.entered_at >= ", from)
            .and(" AND x.entered_at < ", to)
            .push(") OR x.left_at IS NULL)");
        q.push(&format!(
            " ORDER BY x.entered_at DESC, x.id DESC LIMIT {HARD_LIMIT}"
        ));
        q.fetch_all(&self.pool, entry_row).await
    }
}
