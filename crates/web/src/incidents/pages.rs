//! The assessment page: a form read by GET (nothing is recorded), and the
//! level with each deadline and the time left.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::incidents::{AssessInput, Assessment};

use crate::error::{PageError, PageResult};
use crate::extract::PageCaller;
use crate::layout::{PageCtx, ctx, render};
use crate::state::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssessQuery {
    aware_at: String,
    asset: String,
    confidentiality: String,
    integrity: String,
    availability: String,
    notified_at: String,
    recovered_at: String,
}

#[derive(Template)]
#[template(path = "incident_assess.html")]
pub struct AssessPage {
    pub ctx: PageCtx,
    pub q: AssessQuery,
    pub result: Option<Assessment>,
    /// Why the form could not be assessed.
    pub error: Option<String>,
    pub now: i64,
}

impl AssessPage {
    pub fn sel(&self, field: &str, value: &str) -> &'static str {
        let v = match field {
            "asset" => &self.q.asset,
            "confidentiality" => &self.q.confidentiality,
            "integrity" => &self.q.integrity,
            _ => &self.q.availability,
        };
        if v == value { " selected" } else { "" }
    }

    /// Time left to a deadline (or how long it is past), in hours and
    /// minutes.
    pub fn left(&self, t: &i64) -> String {
        let d = t - self.now;
        let (h, m) = (d.abs() / 3600, d.abs() % 3600 / 60);
        let key = if d >= 0 {
            "incidents.left"
        } else {
            "incidents.past"
        };
        self.ctx
            .t(key)
            .replace("{h}", &h.to_string())
            .replace("{m}", &m.to_string())
    }

    pub fn overdue(&self, t: &i64) -> bool {
        *t < self.now
    }
}

pub async fn assess(
    State(st): State<AppState>,
    pc: PageCaller,
    q: Result<Query<AssessQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q.map_err(PageError::from)?;
    let cx = ctx(&st.app, &pc, "incidents.assess_title", "incidents", None).await?;
    let (mut result, mut error) = (None, None);
    if !q.aware_at.trim().is_empty() {
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        let input = AssessInput {
            aware_at: q.aware_at.clone(),
            asset: q.asset.clone(),
            confidentiality: q.confidentiality.clone(),
            integrity: q.integrity.clone(),
            availability: q.availability.clone(),
            notified_at: some(&q.notified_at),
            recovered_at: some(&q.recovered_at),
        };
        match st.app.assess_incident(&pc.p, &input) {
            Ok(a) => result = Some(a),
            Err(e) => error = Some(crate::error::message(&e, cx.lang)),
        }
    }
    render(&AssessPage {
        now: st.app.now(),
        ctx: cx,
        q,
        result,
        error,
    })
}
