//! Endpoint coverage and SOC figures (seed 004: no single EDR vendor): an
//! organisation uploads — or a console pushes with an API token — what its
//! EDR, anti-virus, GCB and VANS consoles export about its devices, and
//! what its SOC exports about alerts, as CSV or JSON; a preview shows what
//! was read, what was set aside and why, and the coverage it gives; the
//! commit keeps it. The devices are matched against the asset register:
//! the coverage of the latest export of each console together, what each
//! device lacks, the devices the agents see that the register misses. The
//! alerts of the last thirty days give the SOC's counts and mean time to
//! respond. Over a subtree: each agency's latest coverage, and the national
//! indicators on B-level agencies (EDR data submitted as designated, EDR
//! adopted) with their formulas.

use std::collections::{BTreeMap, HashSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::coverage::{
    self, AgencyEdr, AlertMetrics, Coverage, CoverageReport, DeviceReport, EDR_STALE_DAYS, Gap,
    Matched, NationalKpis, RegisterDevice, ReportBody, ReportKind, SocAlert,
};
use zian_domain::list::HARD_LIMIT;
use zian_domain::org::OrgTier;
use zian_domain::{CoverageReportId, ListQuery, OrgId, Organisation, Permission, Principal};
use zian_i18n::{Lang, msg};

use crate::typed::text;
use crate::{App, AppError, Result};

/// Days of alerts the SOC figures cover.
pub const ALERT_DAYS: i64 = 30;

/// The largest export accepted, in bytes.
const MAX_CONTENT: usize = 5_000_000;

/// An export to read (preview) or keep (commit).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CoverageImportIn")]
pub struct ImportInput {
    /// `devices` (EDR, anti-virus, GCB, VANS status per device) or
    /// `alerts` (the SOC's alerts).
    pub dataset: String,
    /// `csv` (a header row; English or Chinese column names) or `json`
    /// (an array of objects, or `{"devices": […]}` / `{"alerts": […]}`).
    pub format: String,
    /// The console or SOC it comes from (product or vendor name).
    pub source: String,
    /// The file's text.
    pub content: String,
    /// Keep it (false: only show what would be read).
    #[serde(default)]
    pub commit: bool,
}

/// A row set aside, and why.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "CoverageSkippedOut")]
pub struct SkippedOut {
    /// The data row (1 = the first after the header; 0: the whole file).
    pub row: usize,
    pub field: String,
    pub reason: String,
}

/// What an export gives.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "CoverageImportOut")]
pub struct ImportRead {
    pub kind: String,
    /// Rows read.
    pub rows: usize,
    /// Devices: rows matched to the register.
    pub matched: usize,
    /// Devices: rows of devices the register does not hold.
    pub unregistered: usize,
    pub skipped: Vec<SkippedOut>,
    /// Devices: the register's coverage with this export and the latest of
    /// every other console.
    pub coverage: Option<CoverageOut>,
    /// The export kept (commit).
    pub id: Option<String>,
    pub committed: bool,
}

/// Coverage counts with their ratios.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "CoverageOut")]
pub struct CoverageOut {
    /// Register devices (hosts in service).
    pub devices: u32,
    /// With an EDR agent seen within seven days.
    pub edr: u32,
    /// With an EDR agent not seen for longer.
    pub edr_stale: u32,
    pub av: u32,
    pub gcb: u32,
    pub vans: u32,
    pub dual_nic: u32,
    pub unregistered: u32,
    /// edr / devices, av / devices, gcb / devices, vans / devices (%).
    pub edr_percent: Option<f64>,
    pub av_percent: Option<f64>,
    pub gcb_percent: Option<f64>,
    pub vans_percent: Option<f64>,
}

impl CoverageOut {
    pub fn of(c: &Coverage) -> CoverageOut {
        CoverageOut {
            devices: c.devices,
            edr: c.edr,
            edr_stale: c.edr_stale,
            av: c.av,
            gcb: c.gcb,
            vans: c.vans,
            dual_nic: c.dual_nic,
            unregistered: c.unregistered,
            edr_percent: c.edr_ratio().percent(),
            av_percent: c.av_ratio().percent(),
            gcb_percent: c.gcb_ratio().percent(),
            vans_percent: c.vans_ratio().percent(),
        }
    }
}

/// A register device with what it lacks.
#[derive(Debug, Clone)]
pub struct DeviceLine {
    pub asset_id: String,
    pub name: String,
    pub gaps: Vec<Gap>,
}

/// One agency of the subtree.
#[derive(Debug, Clone)]
pub struct AgencyLine {
    pub org: Organisation,
    /// When its latest devices export came in.
    pub received_at: Option<i64>,
    pub coverage: Option<Coverage>,
    pub adopted: bool,
    pub submitted: bool,
}

/// An organisation's coverage and its subtree's.
#[derive(Debug, Clone)]
pub struct CoverageView {
    pub org: Organisation,
    pub can_write: bool,
    pub coverage: Coverage,
    /// Register devices with a gap (or two networks).
    pub devices: Vec<DeviceLine>,
    pub unregistered: Vec<DeviceReport>,
    /// The latest devices export of each console: source, when, rows.
    pub sources: Vec<(String, i64, usize)>,
    /// The SOC's alerts of the last [`ALERT_DAYS`] days (each alert once,
    /// as last exported).
    pub alerts: AlertMetrics,
    /// The most recent alerts (at most fifty).
    pub recent_alerts: Vec<SocAlert>,
    pub agencies: Vec<AgencyLine>,
    pub kpis: NationalKpis,
}

/// The alerts of exports (the latest first), each (time, device, rule)
/// once as last exported.
pub(crate) fn distinct_alerts(reports: &[CoverageReport]) -> Vec<SocAlert> {
    let mut seen = HashSet::new();
    let mut alerts: Vec<SocAlert> = Vec::new();
    for r in reports {
        for a in &r.body.alerts {
            if seen.insert((a.at, a.device.clone(), a.rule.clone())) {
                alerts.push(a.clone());
            }
        }
    }
    alerts
}

fn skipped_out(s: &[coverage::Skipped], lang: Lang) -> Vec<SkippedOut> {
    let c = zian_i18n::catalogue();
    s.iter()
        .map(|x| SkippedOut {
            row: x.row,
            field: x.field.to_string(),
            reason: c.render(lang, &x.reason),
        })
        .collect()
}

impl App {
    /// The organisation's register devices: hosts in service with a host
    /// name or an address.
    async fn register_devices(&self, p: &Principal, org: &OrgId) -> Result<Vec<RegisterDevice>> {
        let q = ListQuery::all(HARD_LIMIT)
            .with("host", "1")
            .with("status", "in_service");
        let page = self
            .stores
            .assets
            .list(&p.scope(Permission::RecordRead), org, &q)
            .await?;
        Ok(page
            .items
            .iter()
            .map(|a| RegisterDevice {
                asset_id: a.id.to_string(),
                name: a.name.to_string(),
                hostname: a.hostname.as_str().trim().to_lowercase(),
                ips: a
                    .ip
                    .as_str()
                    .split([',', ';', ' '])
                    .filter_map(|x| x.trim().parse().ok())
                    .collect(),
            })
            .collect())
    }

    /// The latest devices export of each console, the latest first.
    async fn latest_device_reports(
        &self,
        p: &Principal,
        org: &OrgId,
    ) -> Result<Vec<CoverageReport>> {
        let all = self
            .stores
            .coverage
            .reports(
                &p.scope(Permission::RecordRead),
                org,
                ReportKind::Devices,
                0,
            )
            .await?;
        let mut seen = HashSet::new();
        Ok(all
            .into_iter()
            .filter(|r| seen.insert(r.source.clone()))
            .collect())
    }

    /// Matches the register against `extra` rows and the latest export of
    /// every console but `except`.
    async fn match_register(
        &self,
        p: &Principal,
        org: &OrgId,
        extra: &[DeviceReport],
        except: Option<&str>,
    ) -> Result<(Matched, Vec<CoverageReport>, Vec<RegisterDevice>)> {
        let register = self.register_devices(p, org).await?;
        let latest = self.latest_device_reports(p, org).await?;
        let mut rows: Vec<DeviceReport> = extra.to_vec();
        for r in latest.iter().filter(|r| Some(r.source.as_str()) != except) {
            rows.extend(r.body.devices.iter().cloned());
        }
        Ok((coverage::match_devices(&register, &rows), latest, register))
    }

    /// Reads an export; with `commit`, keeps it (refused when nothing in it
    /// can be read).
    pub async fn import_coverage(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: ImportInput,
        lang: Lang,
    ) -> Result<ImportRead> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let kind = ReportKind::parse(&input.dataset)?;
        let source = text::<200>("source", &input.source)?;
        if input.content.len() > MAX_CONTENT {
            return Err(AppError::invalid(
                "content",
                msg!("reason.coverage.too_large"),
            ));
        }
        let json = match input.format.trim() {
            "csv" => false,
            "json" => true,
            _ => {
                return Err(AppError::invalid("format", msg!("reason.coverage.format")));
            }
        };
        let mut body = ReportBody::default();
        let skipped = match (kind, json) {
            (ReportKind::Devices, false) => {
                let r = coverage::read_devices_csv(&input.content);
                body.devices = r.rows;
                r.skipped
            }
            (ReportKind::Devices, true) => {
                let r = coverage::read_devices_json(&input.content);
                body.devices = r.rows;
                r.skipped
            }
            (ReportKind::Alerts, false) => {
                let r = coverage::read_alerts_csv(&input.content);
                body.alerts = r.rows;
                r.skipped
            }
            (ReportKind::Alerts, true) => {
                let r = coverage::read_alerts_json(&input.content);
                body.alerts = r.rows;
                r.skipped
            }
        };
        let rows = body.devices.len() + body.alerts.len();
        if rows == 0 {
            // nothing readable: the first reason says why
            let first = skipped
                .first()
                .map(|s| zian_i18n::catalogue().render(lang, &s.reason))
                .unwrap_or_default();
            return Err(AppError::invalid(
                "content",
                msg!("reason.coverage.nothing", n = skipped.len(), first = first),
            ));
        }
        let (summary, matched, unregistered) = if kind == ReportKind::Devices {
            let (m, _, register) = self
                .match_register(p, &org.id, &body.devices, Some(source.as_str()))
                .await?;
            let c = coverage::coverage(&m, self.today(), EDR_STALE_DAYS);
            // this export's own rows against the register
            let own = coverage::match_devices(&register, &body.devices);
            let unregistered = own.unregistered.len();
            (Some(c), rows - unregistered, unregistered)
        } else {
            (None, 0, 0)
        };
        let mut id = None;
        if input.commit {
            let now = self.now();
            let r = CoverageReport {
                id: CoverageReportId::from(self.ids.new_id()),
                org_id: org.id.clone(),
                kind,
                source: source.clone(),
                received_at: now,
                body,
                skipped: u32::try_from(skipped.len()).unwrap_or(u32::MAX),
                summary,
                created_by: Some(p.user.id.clone()),
                created_at: now,
                updated_at: now,
            };
            let mut e = p.event("coverage.imported", Some(&org.id), Some(&r.id));
            e.details = serde_json::json!({"kind": kind.as_str(), "source": source, "rows": rows, "skipped": skipped.len(), "coverage": summary});
            self.stores
                .coverage
                .insert(&p.scope(Permission::RecordWrite), &r, e)
                .await?;
            id = Some(r.id.to_string());
        }
        Ok(ImportRead {
            kind: kind.as_str().into(),
            rows,
            matched,
            unregistered,
            skipped: skipped_out(&skipped, lang),
            coverage: summary.as_ref().map(CoverageOut::of),
            committed: input.commit,
            id,
        })
    }

    /// The organisation's coverage, SOC figures and its subtree's agencies.
    pub async fn coverage(&self, p: &Principal, org_id: &OrgId) -> Result<CoverageView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let today = self.today();
        let now = self.now();
        let (m, latest, _) = self.match_register(p, &org.id, &[], None).await?;
        let coverage = coverage::coverage(&m, today, EDR_STALE_DAYS);
        let names: BTreeMap<&str, &str> = m
            .devices
            .iter()
            .map(|d| (d.asset_id.as_str(), d.name.as_str()))
            .collect();
        let devices = coverage::missing(&m, today, EDR_STALE_DAYS)
            .into_iter()
            .map(|(id, gaps)| DeviceLine {
                name: names
                    .get(id.as_str())
                    .copied()
                    .unwrap_or_default()
                    .to_string(),
                asset_id: id,
                gaps,
            })
            .collect();
        // alerts: each once, as last exported
        let since = now - ALERT_DAYS * 86_400;
        let reports = self
            .stores
            .coverage
            .reports(
                &p.scope(Permission::RecordRead),
                &org.id,
                ReportKind::Alerts,
                since - 366 * 86_400,
            )
            .await?;
        let mut alerts = distinct_alerts(&reports);
        alerts.sort_by_key(|a| std::cmp::Reverse(a.at));
        let metrics = coverage::alert_metrics(&alerts, since, now + 1);
        alerts.truncate(50);
        // the subtree's agencies
        let summaries: BTreeMap<OrgId, (i64, Option<Coverage>)> = self
            .stores
            .coverage
            .latest_summaries(&p.scope(Permission::RecordRead), &org.path)
            .await?
            .into_iter()
            .map(|(o, at, c)| (o, (at, c)))
            .collect();
        let mut agencies = Vec::new();
        for o in self.org_tree(p).await? {
            if !o.path.starts_with(&org.path) || !o.active || o.tier == OrgTier::Unit {
                continue;
            }
            let (received_at, c) = match summaries.get(&o.id) {
                Some((at, c)) => (Some(*at), *c),
                None => (None, None),
            };
            agencies.push(AgencyLine {
                adopted: coverage::edr_adopted(c.as_ref()),
                submitted: received_at
                    .is_some_and(|at| coverage::edr_submitted(at, c.as_ref(), now)),
                org: o,
                received_at,
                coverage: c,
            });
        }
        let kpis = coverage::national_kpis(
            &agencies
                .iter()
                .filter_map(|a| {
                    a.org.level.map(|level| AgencyEdr {
                        level,
                        edr_adopted: a.adopted,
                        submitted: a.submitted,
                    })
                })
                .collect::<Vec<_>>(),
        );
        Ok(CoverageView {
            can_write: self.can(p, Permission::RecordWrite, &org),
            org,
            coverage,
            devices,
            unregistered: m.unregistered,
            sources: latest
                .iter()
                .map(|r| (r.source.clone(), r.received_at, r.body.devices.len()))
                .collect(),
            alerts: metrics,
            recent_alerts: alerts,
            agencies,
            kpis,
        })
    }
}
