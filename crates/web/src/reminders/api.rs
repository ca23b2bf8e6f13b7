//! The reminders API.

use axum::extract::State;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiQuery};
use crate::state::AppState;

/// A reminder of something due.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReminderOut {
    pub org_id: String,
    pub org_name: String,
    /// `obligation`, `plan_review`, `system_review`, `risk_treatment`,
    /// `vendor_agreement`, `certificate`, `people_form`,
    /// `maturity_report` or `threat_notice`.
    pub kind: String,
    pub title: String,
    pub due: String,
    pub overdue: bool,
    pub link: String,
    /// Security officers and CISOs nearest to the organisation (shown to
    /// callers who may see users).
    pub recipients: Vec<RecipientOut>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RecipientOut {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RemindersQuery {
    /// Look-ahead in days (1–366, default 30); overdue items are always listed.
    pub within_days: Option<i64>,
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<RemindersQuery>,
) -> ApiResult<ApiJson<Vec<ReminderOut>>> {
    let list = st.app.reminders(&c.p, q.within_days.unwrap_or(30)).await?;
    Ok(ApiJson(
        list.into_iter()
            .map(|r| ReminderOut {
                title: r.title.render(c.lang),
                org_id: r.org_id.into(),
                org_name: r.org_name,
                kind: r.kind.into(),
                due: zian_domain::day::ymd(r.due),
                overdue: r.overdue,
                link: r.link,
                recipients: r
                    .recipients
                    .into_iter()
                    .map(|x| RecipientOut {
                        username: x.username,
                        display_name: x.display_name,
                        email: x.email,
                        role: x.role,
                    })
                    .collect(),
            })
            .collect(),
    ))
}
