//! Training (`zian_domain::training`): one plan per organisation and year,
//! and the sessions held; both a row plus a JSON body, scoped by the
//! organisation, every later write conditional on the `updated_at` read.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use time::Date;
use zian_domain::audit::AuditEvent;
use zian_domain::list::HARD_LIMIT;
use zian_domain::training::{Category, Session, TrainingPlan};
use zian_domain::{OrgId, OrgScope, TrainingId, UserId};

use crate::db::{Cols, Sql, date, i, json, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait TrainingStore: Send + Sync {
    /// Records (`previous` none) or replaces an organisation's plan of a
    /// year; a replacement must find the row as read, else
    /// `Conflict("training_plan")`.
    async fn save_training_plan(
        &self,
        scope: &OrgScope,
        plan: &TrainingPlan,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn training_plan(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        year: i32,
    ) -> Result<Option<TrainingPlan>>;
    /// The plans in scope (of one organisation or all) of the years
    /// `from..=to`, at most [`HARD_LIMIT`].
    async fn training_plans(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        from: i32,
        to: i32,
    ) -> Result<Vec<TrainingPlan>>;
    /// Records or replaces a session (`Conflict("training_session")` when
    /// changed meanwhile).
    async fn save_session(
        &self,
        scope: &OrgScope,
        s: &Session,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn get_session(&self, scope: &OrgScope, id: &TrainingId) -> Result<Option<Session>>;
    /// The sessions of an organisation (or every one in scope) held in
    /// `(from, to]`, oldest first, at most [`HARD_LIMIT`].
    async fn sessions(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        from: Date,
        to: Date,
    ) -> Result<Vec<Session>>;
}

const SESSION_COLS: &str = "x.id, x.org_id, x.title, x.category, x.minutes, x.held_on, x.body, x.created_by, x.created_at, x.updated_at";

fn session_row(r: &AnyRow) -> Result<Session> {
    Ok(Session {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        title: s(r, "title")?,
        category: Category::parse(&s(r, "category")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        minutes: u32::try_from(i(r, "minutes")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        held_on: date(r, "held_on")?,
        body: json(r, "body")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn plan_row(r: &AnyRow) -> Result<TrainingPlan> {
    Ok(TrainingPlan {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        year: i32::try_from(i(r, "year")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        body: json(r, "body")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn body<T: serde::Serialize>(b: &T) -> Result<String> {
    serde_json::to_string(b).map_err(|e| StoreError::Corrupt(format!("body: {e}")))
}

#[async_trait]
impl TrainingStore for SqlStore {
    async fn save_training_plan(
        &self,
        scope: &OrgScope,
        plan: &TrainingPlan,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) =
            AuditedTx::begin_in(self, scope, &plan.org_id, audit, plan.updated_at).await?;
        let cols = Cols::new()
            .set("body", body(&plan.body)?)
            .set("updated_at", plan.updated_at);
        tx.save_read(
            "training_plans",
            "training_plan",
            cols,
            (plan.id.as_str(), plan.org_id.as_str()),
            previous,
            |c| {
                c.set("id", &plan.id)
                    .set("org_id", &plan.org_id)
                    .set("year", i64::from(plan.year))
                    .set("created_at", plan.updated_at)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn training_plan(
        &self,
        scope: &OrgScope,
        org_id: &OrgId,
        year: i32,
    ) -> Result<Option<TrainingPlan>> {
        let mut q = Sql::new(
            "SELECT x.id, x.org_id, x.year, x.body, x.updated_at FROM training_plans x JOIN orgs o ON o.id = x.org_id WHERE ",
        );
        q.scope(scope, "o.path")
            .and(" AND x.org_id = ", org_id)
            .and(" AND x.year = ", i64::from(year));
        q.fetch_optional(&self.pool, plan_row).await
    }

    async fn training_plans(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        from: i32,
        to: i32,
    ) -> Result<Vec<TrainingPlan>> {
        let mut q = Sql::new(
            "SELECT x.id, x.org_id, x.year, x.body, x.updated_at FROM training_plans x JOIN orgs o ON o.id = x.org_id WHERE ",
        );
        q.scope(scope, "o.path");
        if let Some(o) = org_id {
            q.and(" AND x.org_id = ", o);
        }
        q.and(" AND x.year >= ", i64::from(from))
            .and(" AND x.year <= ", i64::from(to))
            .push(&format!(" ORDER BY x.year, x.org_id LIMIT {HARD_LIMIT}"));
        q.fetch_all(&self.pool, plan_row).await
    }

    async fn save_session(
        &self,
        scope: &OrgScope,
        x: &Session,
        previous: Option<i64>,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let cols = Cols::new()
            .set("title", x.title.as_str())
            .set("category", x.category.as_str())
            .set("minutes", i64::from(x.minutes))
            .set("held_on", x.held_on)
            .set("body", body(&x.body)?)
            .set("updated_at", x.updated_at);
        tx.save_read(
            "training_sessions",
            "training_session",
            cols,
            (x.id.as_str(), x.org_id.as_str()),
            previous,
            |c| {
                c.set("id", &x.id)
                    .set("org_id", &x.org_id)
                    .set("created_by", x.created_by.as_ref())
                    .set("created_at", x.created_at)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_session(&self, scope: &OrgScope, id: &TrainingId) -> Result<Option<Session>> {
        let mut q = Sql::new(format!(
            "SELECT {SESSION_COLS} FROM training_sessions x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path").and(" AND x.id = ", id);
        q.fetch_optional(&self.pool, session_row).await
    }

    async fn sessions(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
        from: Date,
        to: Date,
    ) -> Result<Vec<Session>> {
        let mut q = Sql::new(format!(
            "SELECT {SESSION_COLS} FROM training_sessions x JOIN orgs o ON o.id = x.org_id WHERE "
        ));
        q.scope(scope, "o.path");
        if let Some(o) = org_id {
            q.and(" AND x.org_id = ", o);
        }
        q.and(" AND x.held_on > ", from)
            .and(" AND x.held_on <= ", to)
            .push(&format!(" ORDER BY x.held_on, x.id LIMIT {HARD_LIMIT}"));
        q.fetch_all(&self.pool, session_row).await
    }
}
