//! Threat intelligence (資通安全情資, seed 003 拾壹): pieces recorded by hand
//! or from a pasted advisory (their indicators of compromise read from the
//! text), or imported from STIX 2.1 bundles or MISP events (each object that cannot be
//! read reported with the reason); classified by the officer into the four
//! categories with reliability and timeliness, and handled category by
//! category as the plan prescribes — an intrusion's immediate danger with
//! the incident opened for it. The detail shows what would leave the agency
//! (the text with its personal data masked) and where each indicator meets
//! the organisation's own records: a host of the register with the IP, open
//! VANS findings of the CVE, other pieces with the same indicator. Active
//! indicators are exported as blocklists (text, CSV, STIX) for firewalls and
//! EDR consoles; a piece as a STIX bundle or a MISP event.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::day::ymd;
use zian_domain::intel::indicators::{self, Indicator, IndicatorKind};
use zian_domain::intel::item::{
    Category, Classification, Handling, IntelBody, IntelItem, Reliability, Signed, Source, Status,
    Timeliness,
};
use zian_domain::intel::mask::Hit;
use zian_domain::intel::{misp, stix};
use zian_domain::org::Organisation;
use zian_domain::{IncidentId, IntelId, ListQuery, OrgId, Permission, Principal};
use zian_i18n::msg;

use crate::typed::{memo, opt_text, text};
use crate::{App, AppError, Result};

/// A piece recorded by hand or pasted in.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IntelIn")]
pub struct IntelInput {
    pub title: String,
    /// `manual`, `advisory` (an e-mail or letter pasted in) or `isac` (a
    /// feed file's entry).
    pub source: String,
    /// Who sent it (NCCST, the municipal ISAC, a vendor…).
    #[serde(default)]
    pub sender: String,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub received_on: Option<String>,
    /// `YYYY-MM-DD`, none: until withdrawn.
    #[serde(default)]
    pub valid_until: Option<String>,
    /// The text as received; its indicators are read from it.
    #[serde(default)]
    pub text: String,
    /// More indicators, one per line (IP, domain, URL, hash, CVE, e-mail;
    /// defanged forms accepted).
    #[serde(default)]
    pub indicators: String,
    /// Person names in the text to mask, one per line.
    #[serde(default)]
    pub names: String,
}

/// The officer's classification.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IntelClassifyIn")]
pub struct ClassifyInput {
    /// Any of `message`, `intrusion`, `sensitive`, `core`.
    pub categories: Vec<String>,
    /// `confirmed`, `probable`, `possible`, `doubtful`, `unknown`.
    pub reliability: String,
    /// `current`, `dated`, `expired`.
    pub timeliness: String,
    /// Why these categories.
    #[serde(default)]
    pub note: String,
    /// Person names in the text to mask, one per line (replaces the list
    /// when given).
    #[serde(default)]
    pub names: Option<String>,
}

/// What was done for one category.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IntelHandlingIn")]
pub struct HandlingInput {
    pub category: String,
    /// The measures taken.
    pub action: String,
    /// An intrusion's: whether the danger is immediate.
    #[serde(default)]
    pub imminent: Option<bool>,
    /// The organisation's incident opened for an immediate danger.
    #[serde(default)]
    pub incident_id: Option<String>,
}

/// A STIX 2.1 bundle or MISP events to read (preview) or import (commit).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IntelImportIn")]
pub struct ImportInput {
    /// `stix` (a STIX 2.1 bundle) or `misp` (a MISP event, a list of
    /// events or a search answer).
    pub format: String,
    /// The JSON.
    pub content: String,
    /// Who sent it.
    #[serde(default)]
    pub sender: String,
    /// Import what can be read (false: only show it).
    #[serde(default)]
    pub commit: bool,
}

/// One piece as a list shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "IntelOut")]
pub struct IntelOut {
    pub id: String,
    pub org_id: String,
    pub title: String,
    pub source: String,
    pub sender: String,
    pub received_on: String,
    pub valid_until: Option<String>,
    /// `received`, `classified`, `handled`.
    pub status: String,
    pub categories: Vec<String>,
    pub indicators: Vec<IndicatorOut>,
    /// Still in force today.
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "IntelIndicatorOut")]
pub struct IndicatorOut {
    pub kind: String,
    pub value: String,
}

impl IndicatorOut {
    pub fn of(i: &Indicator) -> IndicatorOut {
        IndicatorOut {
            kind: i.kind.as_str().into(),
            value: i.value.clone(),
        }
    }
}

impl IntelOut {
    pub fn of(x: &IntelItem, today: time::Date) -> IntelOut {
        IntelOut {
            id: x.id.to_string(),
            org_id: x.org_id.to_string(),
            title: x.title.clone(),
            source: x.source.as_str().into(),
            sender: x.sender.clone(),
            received_on: ymd(x.received_on),
            valid_until: x.valid_until.map(ymd),
            status: x.status.as_str().into(),
            categories: x
                .body
                .classification
                .as_ref()
                .map(|c| {
                    c.categories
                        .iter()
                        .map(|k| k.as_str().to_string())
                        .collect()
                })
                .unwrap_or_default(),
            indicators: x.body.indicators.iter().map(IndicatorOut::of).collect(),
            active: x.active(today),
        }
    }
}

/// Where an indicator meets the organisation's records.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "IntelCorrelation")]
pub struct Correlation {
    pub kind: String,
    pub value: String,
    /// Hosts of the register with this address: id and name.
    pub assets: Vec<(String, String)>,
    /// Open VANS findings of this CVE.
    pub open_findings: usize,
    /// Other pieces of the organisation with the same indicator: id and
    /// title.
    pub intel: Vec<(String, String)>,
}

impl Correlation {
    pub fn matched(&self) -> bool {
        !self.assets.is_empty() || self.open_findings > 0 || !self.intel.is_empty()
    }
}

/// A piece with what would leave the agency and its correlations.
#[derive(Debug, Clone)]
pub struct IntelDetail {
    pub org: Organisation,
    pub item: IntelItem,
    /// The text with its personal data masked.
    pub masked: String,
    pub hits: Vec<Hit>,
    pub correlations: Vec<Correlation>,
    /// The organisation's incidents an intrusion's handling may name: id
    /// and title, the latest first (for who may write).
    pub incidents: Vec<(String, String)>,
    pub can_write: bool,
}

/// An organisation's intelligence.
#[derive(Debug, Clone)]
pub struct IntelList {
    pub org: Organisation,
    pub items: Vec<IntelItem>,
    pub can_write: bool,
}

/// An import read: what would be (or was) imported, what was skipped.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "IntelImportOut")]
pub struct ImportRead {
    /// Each piece: its title and indicators (with its id once imported).
    pub items: Vec<ImportItemOut>,
    pub skipped: Vec<SkippedOut>,
    pub committed: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "IntelImportItemOut")]
pub struct ImportItemOut {
    pub id: Option<String>,
    pub stix_id: String,
    pub title: String,
    pub indicators: Vec<IndicatorOut>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "IntelSkippedOut")]
pub struct SkippedOut {
    pub at: String,
    /// The reason, in the caller's language.
    pub reason: String,
}

/// One name or value per line, blanks dropped, each once.
fn lines(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|x| x == l) {
            out.push(l.to_string());
        }
    }
    out
}

fn names(s: &str) -> Result<Vec<String>> {
    let v = lines(s);
    for n in &v {
        text::<50>("names", n)?;
    }
    if v.len() > 100 {
        return Err(AppError::invalid("names", msg!("reason.intel.too_many")));
    }
    Ok(v)
}

/// The indicators of the text and of the typed lines; a typed line that is
/// no indicator is refused by its line number (`indicators.2`).
fn indicators_of(text: &str, typed: &str) -> Result<Vec<Indicator>> {
    let mut out = indicators::extract(text);
    for (n, l) in typed.lines().enumerate() {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        let i = indicators::classify(l).ok_or_else(|| {
            AppError::invalid(
                &format!("indicators.{}", n + 1),
                msg!("reason.intel.indicator"),
            )
        })?;
        if !out.contains(&i) {
            out.push(i);
        }
    }
    if out.len() > 1000 {
        return Err(AppError::invalid(
            "indicators",
            msg!("reason.intel.too_many"),
        ));
    }
    Ok(out)
}

impl App {
    async fn intel_row(
        &self,
        p: &Principal,
        id: &IntelId,
        need: Permission,
    ) -> Result<(IntelItem, Organisation)> {
        let x = self
            .stores
            .intel
            .get(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org_with(p, &x.org_id, need).await?;
        Ok((x, org))
    }

    pub(crate) fn signed(&self, p: &Principal, at: i64) -> Signed {
        Signed {
            by: Some(p.user.id.clone()),
            name: p.user.display_name.clone(),
            at,
        }
    }

    /// Records a piece received.
    pub async fn create_intel(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: IntelInput,
    ) -> Result<IntelItem> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let source = Source::parse("source", &input.source)?;
        if source.imported() {
            return Err(AppError::invalid(
                "source",
                msg!("reason.intel.stix_import"),
            ));
        }
        let today = self.today();
        let received_on = match input.received_on.as_deref().map(str::trim) {
            None | Some("") => today,
            Some(s) => zian_domain::day::parse("received_on", s)?,
        };
        if received_on > today {
            return Err(AppError::invalid("received_on", msg!("reason.not_future")));
        }
        let valid_until = zian_domain::day::parse_opt(
            "valid_until",
            input
                .valid_until
                .as_deref()
                .filter(|s| !s.trim().is_empty()),
        )?;
        if valid_until.is_some_and(|d| d < received_on) {
            return Err(AppError::invalid(
                "valid_until",
                msg!("reason.intel.valid_until"),
            ));
        }
        let body = IntelBody {
            text: memo::<20000>("text", &input.text)?,
            names: names(&input.names)?,
            indicators: indicators_of(&input.text, &input.indicators)?,
            ..IntelBody::default()
        };
        if body.text.trim().is_empty() && body.indicators.is_empty() {
            return Err(AppError::invalid("text", msg!("reason.intel.empty")));
        }
        let now = self.now();
        let x = IntelItem {
            id: IntelId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            title: text::<200>("title", &input.title)?,
            source,
            sender: opt_text::<200>("sender", &input.sender)?,
            received_on,
            valid_until,
            status: Status::Received,
            body,
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        let mut e = p.event("intel.recorded", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"title": x.title, "source": source.as_str(), "indicators": x.body.indicators.len()});
        self.stores
            .intel
            .save(&p.scope(Permission::RecordWrite), &x, None, e)
            .await?;
        Ok(x)
    }

    /// Reads a STIX 2.1 bundle or MISP events; with `commit`, records what
    /// can be read in one transaction. Refused when it is neither or nothing
    /// in it can be read.
    pub async fn import_intel(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: ImportInput,
        lang: zian_i18n::Lang,
    ) -> Result<ImportRead> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        if input.content.len() > 5_000_000 {
            return Err(AppError::invalid("content", msg!("reason.intel.too_large")));
        }
        let (source, read) = match input.format.trim() {
            "stix" => (Source::Stix, stix::read(&input.content)),
            "misp" => (Source::Misp, misp::read(&input.content)),
            _ => {
                return Err(AppError::invalid(
                    "format",
                    msg!("reason.intel.import_format"),
                ));
            }
        };
        let read = read.map_err(|r| AppError::invalid("content", r))?;
        if read.items.is_empty() {
            return Err(AppError::invalid(
                "content",
                msg!("reason.intel.stix_nothing", n = read.skipped.len()),
            ));
        }
        let sender = opt_text::<200>("sender", &input.sender)?;
        let today = self.today();
        let now = self.now();
        let items: Vec<IntelItem> = read
            .items
            .iter()
            .map(|x| IntelItem {
                id: IntelId::from(self.ids.new_id()),
                org_id: org.id.clone(),
                title: x.title.trim().to_string(),
                source,
                sender: sender.clone(),
                received_on: today,
                valid_until: x.valid_until,
                status: Status::Received,
                body: IntelBody {
                    text: x.text.clone(),
                    indicators: x.indicators.clone(),
                    stix_id: Some(x.stix_id.clone()),
                    ..IntelBody::default()
                },
                created_by: Some(p.user.id.clone()),
                created_at: now,
                updated_at: now,
            })
            .collect();
        if input.commit {
            let mut e = p.event("intel.imported", Some(&org.id), None);
            e.details = serde_json::json!({"items": items.len(), "skipped": read.skipped.len()});
            self.stores
                .intel
                .insert_all(&p.scope(Permission::RecordWrite), &org.id, &items, e)
                .await?;
        }
        let i18n = zian_i18n::catalogue();
        Ok(ImportRead {
            items: items
                .iter()
                .map(|x| ImportItemOut {
                    id: input.commit.then(|| x.id.to_string()),
                    stix_id: x.body.stix_id.clone().unwrap_or_default(),
                    title: x.title.clone(),
                    indicators: x.body.indicators.iter().map(IndicatorOut::of).collect(),
                })
                .collect(),
            skipped: read
                .skipped
                .iter()
                .map(|s| SkippedOut {
                    at: s.at.clone(),
                    reason: i18n.render(lang, &s.reason),
                })
                .collect(),
            committed: input.commit,
        })
    }

    /// An organisation's pieces, the latest received first.
    pub async fn intel_list(&self, p: &Principal, org_id: &OrgId) -> Result<IntelList> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let items = self
            .stores
            .intel
            .items(&p.scope(Permission::RecordRead), &org.id)
            .await?;
        Ok(IntelList {
            can_write: self.can(p, Permission::RecordWrite, &org),
            org,
            items,
        })
    }

    /// A piece with its masked text and correlations.
    pub async fn intel(&self, p: &Principal, id: &IntelId) -> Result<IntelDetail> {
        let (item, org) = self.intel_row(p, id, Permission::RecordRead).await?;
        let (masked, hits) = item.masked();
        let correlations = self.correlate(p, &org, &item).await?;
        let can_write = self.can(p, Permission::RecordWrite, &org);
        let incidents = if can_write {
            self.stores
                .incidents
                .list(
                    &p.scope(Permission::RecordRead),
                    &org.path,
                    &zian_domain::incidents::IncidentFilter::default(),
                    &ListQuery::all(50),
                )
                .await?
                .items
                .into_iter()
                .filter(|i| i.org_id == org.id)
                .map(|i| (i.id.to_string(), i.title.to_string()))
                .collect()
        } else {
            Vec::new()
        };
        Ok(IntelDetail {
            incidents,
            can_write,
            org,
            item,
            masked,
            hits,
            correlations,
        })
    }

    /// Where each indicator meets the organisation's records (art. 7's
    /// correlation by indicator features).
    async fn correlate(
        &self,
        p: &Principal,
        org: &Organisation,
        item: &IntelItem,
    ) -> Result<Vec<Correlation>> {
        let scope = p.scope(Permission::RecordRead);
        let others = self.stores.intel.items(&scope, &org.id).await?;
        let cves: Vec<String> = item
            .body
            .indicators
            .iter()
            .filter(|i| i.kind == IndicatorKind::Cve)
            .map(|i| i.value.clone())
            .collect();
        let findings = if cves.is_empty() {
            Vec::new()
        } else {
            self.stores
                .vulns
                .findings_of_cves(&scope, &org.id, &cves)
                .await?
        };
        let mut out = Vec::new();
        for i in &item.body.indicators {
            let mut c = Correlation {
                kind: i.kind.as_str().into(),
                value: i.value.clone(),
                assets: Vec::new(),
                open_findings: 0,
                intel: others
                    .iter()
                    .filter(|o| o.id != item.id && o.body.indicators.contains(i))
                    .map(|o| (o.id.to_string(), o.title.clone()))
                    .collect(),
            };
            match i.kind {
                IndicatorKind::Ipv4 | IndicatorKind::Ipv6 => {
                    let q = ListQuery {
                        q: Some(i.value.clone()),
                        ..ListQuery::all(50)
                    }
                    .with("status", "all");
                    let page = self.stores.assets.list(&scope, &org.id, &q).await?;
                    c.assets = page
                        .items
                        .iter()
                        .filter(|a| {
                            a.ip.split([',', ';', ' '])
                                .map(str::trim)
                                .any(|x| x.eq_ignore_ascii_case(&i.value))
                        })
                        .map(|a| (a.id.to_string(), a.name.to_string()))
                        .collect();
                }
                IndicatorKind::Cve => {
                    c.open_findings = findings
                        .iter()
                        .filter(|f| f.cve_id == i.value && f.status.is_open())
                        .count();
                }
                _ => {}
            }
            out.push(c);
        }
        Ok(out)
    }

    /// Records the officer's classification.
    pub async fn classify_intel(
        &self,
        p: &Principal,
        id: &IntelId,
        input: ClassifyInput,
    ) -> Result<IntelItem> {
        let (mut x, org) = self.intel_row(p, id, Permission::RecordWrite).await?;
        let mut categories = Vec::new();
        for c in &input.categories {
            categories.push(Category::parse("categories", c)?);
        }
        if let Some(n) = &input.names {
            x.body.names = names(n)?;
        }
        let previous = x.updated_at;
        let now = self.now().max(previous + 1);
        x.classify(Classification {
            categories,
            reliability: Reliability::parse("reliability", &input.reliability)?,
            timeliness: Timeliness::parse("timeliness", &input.timeliness)?,
            note: memo::<2000>("note", &input.note)?,
            signed: self.signed(p, now),
        })?;
        x.updated_at = now;
        let c = x
            .body
            .classification
            .as_ref()
            .map(|c| c.categories.iter().map(|k| k.as_str()).collect::<Vec<_>>());
        let mut e = p.event("intel.classified", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"categories": c, "reliability": input.reliability, "timeliness": input.timeliness});
        self.stores
            .intel
            .save(&p.scope(Permission::RecordWrite), &x, Some(previous), e)
            .await?;
        Ok(x)
    }

    /// Records what was done for one category.
    pub async fn handle_intel(
        &self,
        p: &Principal,
        id: &IntelId,
        input: HandlingInput,
    ) -> Result<IntelItem> {
        let (mut x, org) = self.intel_row(p, id, Permission::RecordWrite).await?;
        let category = Category::parse("category", &input.category)?;
        let incident_id = match input.incident_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => {
                // the organisation's own incident
                let inc = self
                    .stores
                    .incidents
                    .get(&p.scope(Permission::RecordRead), &IncidentId::from(s))
                    .await?
                    .filter(|i| i.org_id == org.id)
                    .ok_or_else(|| {
                        AppError::invalid("incident_id", msg!("reason.intel.no_incident"))
                    })?;
                Some(inc.id.to_string())
            }
        };
        let previous = x.updated_at;
        let now = self.now().max(previous + 1);
        x.handle(Handling {
            category,
            action: text::<4000>("action", &input.action)?,
            imminent: if category == Category::Intrusion {
                input.imminent
            } else {
                None
            },
            incident_id,
            signed: self.signed(p, now),
        })?;
        x.updated_at = now;
        let mut e = p.event("intel.handled", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"category": category.as_str(), "imminent": input.imminent, "status": x.status.as_str()});
        self.stores
            .intel
            .save(&p.scope(Permission::RecordWrite), &x, Some(previous), e)
            .await?;
        Ok(x)
    }

    /// A piece as a STIX 2.1 bundle: its masked text, its indicators.
    pub async fn intel_stix(&self, p: &Principal, id: &IntelId) -> Result<serde_json::Value> {
        let (x, org) = self.intel_row(p, id, Permission::RecordRead).await?;
        let (masked, _) = x.masked();
        Ok(stix::bundle(&x, &org.name_zh, &masked))
    }

    /// A piece as a MISP event: its masked text, its indicators.
    pub async fn intel_misp(&self, p: &Principal, id: &IntelId) -> Result<serde_json::Value> {
        let (x, org) = self.intel_row(p, id, Permission::RecordRead).await?;
        let (masked, _) = x.masked();
        Ok(misp::event(&x, &org.name_zh, &masked))
    }

    /// The indicators of the organisation's active pieces that a firewall
    /// or an EDR console can block (addresses, domains, URLs, hashes), each
    /// once with the pieces it came from.
    pub async fn intel_blocklist(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Vec<(Indicator, Vec<IntelItem>)>)> {
        let l = self.intel_list(p, org_id).await?;
        let today = self.today();
        let mut out: Vec<(Indicator, Vec<IntelItem>)> = Vec::new();
        for x in l.items.iter().filter(|x| x.active(today)) {
            for i in x
                .body
                .indicators
                .iter()
                .filter(|i| !matches!(i.kind, IndicatorKind::Cve | IndicatorKind::Email))
            {
                match out.iter_mut().find(|(j, _)| j == i) {
                    Some((_, from)) => from.push(x.clone()),
                    None => out.push((i.clone(), vec![x.clone()])),
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok((l.org, out))
    }
}
