//! Threat notices (`zian_domain::threat_notices`): a notice belongs to its
//! issuer and each response to the organisation addressed. A notice is
//! reached by a caller whose scope holds the issuer or one of the addressed
//! organisations; a response only by one whose scope holds its organisation
//! (so an agency sees the notice and its own answer, never the others'),
//! which the issuer's scope always does.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::list::HARD_LIMIT;
use zian_domain::threat_notices::{
    NoticeStatus, Outcome, Severity, Step, ThreatNotice, ThreatResponse,
};
use zian_domain::{OrgId, OrgScope, ThreatNoticeId, ThreatResponseId, UserId};

use crate::db::{Cols, Sql, date, i, json, oi, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait ThreatNoticeStore: Send + Sync {
    /// Records a new notice with a response waiting for each organisation
    /// addressed, in one transaction.
    async fn issue(
        &self,
        scope: &OrgScope,
        n: &ThreatNotice,
        rs: &[ThreatResponse],
        audit: AuditEvent,
    ) -> Result<()>;
    /// Replaces a notice as read at `previous` (`Conflict("threat_notice")`
    /// otherwise).
    async fn save_notice(
        &self,
        scope: &OrgScope,
        n: &ThreatNotice,
        previous: i64,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Replaces a response as read at `previous`
    /// (`Conflict("threat_response")` otherwise).
    async fn save_response(
        &self,
        scope: &OrgScope,
        r: &ThreatResponse,
        previous: i64,
        audit: AuditEvent,
    ) -> Result<()>;
    /// A notice whose issuer or one of whose addressed organisations is in
    /// scope.
    async fn notice(&self, scope: &OrgScope, id: &ThreatNoticeId) -> Result<Option<ThreatNotice>>;
    /// The notice's responses of organisations in scope, in tree order.
    async fn responses(&self, scope: &OrgScope, id: &ThreatNoticeId)
    -> Result<Vec<ThreatResponse>>;
    async fn response(
        &self,
        scope: &OrgScope,
        id: &ThreatResponseId,
    ) -> Result<Option<ThreatResponse>>;
    /// The notices an organisation issued, the latest first.
    async fn issued(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<ThreatNotice>>;
    /// The notices addressed to an organisation, with its response, the
    /// latest first.
    async fn received(
        &self,
        scope: &OrgScope,
        org: &OrgId,
    ) -> Result<Vec<(ThreatNotice, ThreatResponse)>>;
    /// Every unfinished response in scope to an open notice, with the
    /// notice.
    async fn unfinished(&self, scope: &OrgScope) -> Result<Vec<(ThreatNotice, ThreatResponse)>>;
}

const NOTICE: &str = "n.id, n.org_id, n.title, n.severity, n.due_on, n.status, n.body, n.issued, n.created_by, n.created_at, n.updated_at";
const RESPONSE: &str = "r.id AS r_id, r.notice_id, r.org_id AS r_org_id, r.step, r.outcome, r.last_at, r.reports, r.created_at AS r_created_at, r.updated_at AS r_updated_at";

fn corrupt(col: &str) -> impl Fn(zian_domain::DomainError) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{col}: {e}"))
}

fn notice(r: &AnyRow) -> Result<ThreatNotice> {
    Ok(ThreatNotice {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        title: s(r, "title")?,
        severity: Severity::parse(&s(r, "severity")?).map_err(corrupt("severity"))?,
        due_on: date(r, "due_on")?,
        status: NoticeStatus::parse(&s(r, "status")?).map_err(corrupt("status"))?,
        body: json(r, "body")?,
        issued: json(r, "issued")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn response(r: &AnyRow) -> Result<ThreatResponse> {
    Ok(ThreatResponse {
        id: s(r, "r_id")?.into(),
        notice_id: s(r, "notice_id")?.into(),
        org_id: s(r, "r_org_id")?.into(),
        step: os(r, "step")?
            .map(|x| Step::parse(&x))
            .transpose()
            .map_err(corrupt("step"))?,
        outcome: Outcome::parse(&s(r, "outcome")?).map_err(corrupt("outcome"))?,
        reports: json(r, "reports")?,
        last_at: oi(r, "last_at")?,
        created_at: i(r, "r_created_at")?,
        updated_at: i(r, "r_updated_at")?,
    })
}

fn to_json<T: serde::Serialize>(col: &str, v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

fn notice_cols(n: &ThreatNotice) -> Result<Cols> {
    Ok(Cols::new()
        .set("title", n.title.as_str())
        .set("severity", n.severity.as_str())
        .set("due_on", n.due_on)
        .set("status", n.status.as_str())
        .set("body", to_json("body", &n.body)?)
        .set("updated_at", n.updated_at))
}

fn response_cols(r: &ThreatResponse) -> Result<Cols> {
    Ok(Cols::new()
        .set("step", r.step.map(|x| x.as_str().to_string()))
        .set("outcome", r.outcome.as_str())
        .set("last_at", r.last_at)
        .set("reports", to_json("reports", &r.reports)?)
        .set("updated_at", r.updated_at))
}

/// `<notice> JOIN orgs io` (the issuer) `WHERE ` — the caller adds the
/// conditions.
fn notices_from() -> Sql {
    Sql::new(format!(
        "SELECT {NOTICE} FROM threat_notices n JOIN orgs io ON io.id = n.org_id WHERE "
    ))
}

/// Responses joined with their notice and the addressed organisation
/// (`ro`), `WHERE ` the addressed organisation is in scope.
fn pairs_from(scope: &OrgScope) -> Sql {
    let mut q = Sql::new(format!(
        "SELECT {NOTICE}, {RESPONSE} FROM threat_responses r JOIN threat_notices n ON n.id = r.notice_id JOIN orgs ro ON ro.id = r.org_id WHERE "
    ));
    q.scope(scope, "ro.path");
    q
}

fn pair(r: &AnyRow) -> Result<(ThreatNotice, ThreatResponse)> {
    Ok((notice(r)?, response(r)?))
}

#[async_trait]
impl ThreatNoticeStore for SqlStore {
    async fn issue(
        &self,
        scope: &OrgScope,
        n: &ThreatNotice,
        rs: &[ThreatResponse],
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, path) =
            AuditedTx::begin_in(self, scope, &n.org_id, audit, n.updated_at).await?;
        tx.insert(
            &notice_cols(n)?
                .set("id", &n.id)
                .set("org_id", &n.org_id)
                .set("issued", to_json("issued", &n.issued)?)
                .set("created_by", n.created_by.as_ref())
                .set("created_at", n.created_at)
                .insert("threat_notices"),
            "threat_notice",
        )
        .await?;
        for r in rs {
            // each addressed organisation below the issuer
            let below = tx.org_path(scope, &r.org_id).await?;
            if r.notice_id != n.id || !below.starts_with(&path) || below == path {
                return Err(StoreError::Corrupt(
                    "threat_notice: not below the issuer".into(),
                ));
            }
            tx.insert(
                &response_cols(r)?
                    .set("id", &r.id)
                    .set("notice_id", &r.notice_id)
                    .set("org_id", &r.org_id)
                    .set("created_at", r.created_at)
                    .insert("threat_responses"),
                "threat_response",
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn save_notice(
        &self,
        scope: &OrgScope,
        n: &ThreatNotice,
        previous: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &n.org_id, audit, n.updated_at).await?;
        tx.save_read(
            "threat_notices",
            "threat_notice",
            notice_cols(n)?,
            (n.id.as_str(), n.org_id.as_str()),
            Some(previous),
            |c| c,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn save_response(
        &self,
        scope: &OrgScope,
        r: &ThreatResponse,
        previous: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &r.org_id, audit, r.updated_at).await?;
        tx.save_read(
            "threat_responses",
            "threat_response",
            response_cols(r)?,
            (r.id.as_str(), r.org_id.as_str()),
            Some(previous),
            |c| c,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn notice(&self, scope: &OrgScope, id: &ThreatNoticeId) -> Result<Option<ThreatNotice>> {
        let mut q = notices_from();
        q.push("n.id = ").bind(id).push(" AND (");
        q.scope(scope, "io.path");
        q.push(" OR EXISTS (SELECT 1 FROM threat_responses r JOIN orgs ro ON ro.id = r.org_id WHERE r.notice_id = n.id AND ");
        q.scope(scope, "ro.path");
        q.push("))");
        q.fetch_optional(&self.pool, notice).await
    }

    async fn responses(
        &self,
        scope: &OrgScope,
        id: &ThreatNoticeId,
    ) -> Result<Vec<ThreatResponse>> {
        let mut q = pairs_from(scope);
        q.and(" AND r.notice_id = ", id)
            .push(" ORDER BY ro.path, r.id");
        Ok(q.fetch_all(&self.pool, pair)
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect())
    }

    async fn response(
        &self,
        scope: &OrgScope,
        id: &ThreatResponseId,
    ) -> Result<Option<ThreatResponse>> {
        let mut q = pairs_from(scope);
        q.and(" AND r.id = ", id);
        Ok(q.fetch_optional(&self.pool, pair).await?.map(|(_, r)| r))
    }

    async fn issued(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<ThreatNotice>> {
        let mut q = notices_from();
        q.scope(scope, "io.path").and(" AND n.org_id = ", org);
        q.push(&format!(
            " ORDER BY n.created_at DESC, n.id DESC LIMIT {HARD_LIMIT}"
        ));
        q.fetch_all(&self.pool, notice).await
    }

    async fn received(
        &self,
        scope: &OrgScope,
        org: &OrgId,
    ) -> Result<Vec<(ThreatNotice, ThreatResponse)>> {
        let mut q = pairs_from(scope);
        q.and(" AND r.org_id = ", org);
        q.push(&format!(
            " ORDER BY n.created_at DESC, n.id DESC LIMIT {HARD_LIMIT}"
        ));
        q.fetch_all(&self.pool, pair).await
    }

    async fn unfinished(&self, scope: &OrgScope) -> Result<Vec<(ThreatNotice, ThreatResponse)>> {
        let mut q = pairs_from(scope);
        q.and(" AND n.status = ", NoticeStatus::Open.as_str())
            .push(" AND r.outcome IN ('pending', 'in_progress')");
        q.push(&format!(" ORDER BY n.due_on, ro.path LIMIT {HARD_LIMIT}"));
        q.fetch_all(&self.pool, pair).await
    }
}
