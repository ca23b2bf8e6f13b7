//! `zian demo --scale municipal`: a municipal deployment's worth of agencies,
//! hosts and findings on top of the demo, for the VANS benchmark (issue 13,
//! "Scale") and for trying the supervisors' review at size.
//!
//! Every record goes through the platform's own services, as an agency's
//! work would: each agency is created under the Kaohsiung hub, uploads an
//! installed-software inventory (the `host,vendor,product,version,cpe23`
//! CSV, previewed and committed), is matched against the feed store, and
//! then triages its findings over the following days. The generator moves a
//! [`ManualClock`] so the agencies' uploads and decisions are spread over
//! the months before now, and the review has a trend to show.
//!
//! Deterministic: the same spec gives the same tree, hosts and software (a
//! fixed-seed generator); agencies that already have software are left
//! alone, so an interrupted run resumes where it stopped.

use std::collections::HashMap;
use std::sync::Arc;

use time::macros::date;
use zian_domain::org::OrgDraft;
use zian_domain::{Level, ListQuery, OrgId, OrgKind, OrgScope, OrgTier, Organisation, Principal};

use crate::inventory::CommitInput;
use crate::system::ManualClock;
use crate::vulns::BulkInput;
use crate::{App, AppError, Result};

/// How big the generated tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleSpec {
    pub agencies: usize,
    pub hosts_per_agency: usize,
    pub programs_per_host: usize,
    /// Uploads and decisions are spread over this many days before now.
    pub days: i64,
}

impl ScaleSpec {
    /// A municipal deployment: 500 agencies, 60,000 hosts, 1.5 million
    /// installed programs.
    pub const MUNICIPAL: ScaleSpec = ScaleSpec {
        agencies: 500,
        hosts_per_agency: 120,
        programs_per_host: 25,
        days: 120,
    };

    /// A named size: `municipal`, or `AGENCIESxHOSTSxPROGRAMS` (e.g.
    /// `20x50x25`).
    pub fn parse(s: &str) -> std::result::Result<ScaleSpec, String> {
        if s == "municipal" {
            return Ok(Self::MUNICIPAL);
        }
        let n: Vec<usize> = s
            .split('x')
            .map(|p| p.trim().parse::<usize>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| {
                format!("scale: expected municipal or AGENCIESxHOSTSxPROGRAMS, got {s:?}")
            })?;
        match n[..] {
            [a, h, p]
                if (1..=5_000).contains(&a)
                    && (1..=2_000).contains(&h)
                    && (1..=400).contains(&p) =>
            {
                Ok(ScaleSpec {
                    agencies: a,
                    hosts_per_agency: h,
                    programs_per_host: p,
                    days: Self::MUNICIPAL.days,
                })
            }
            _ => Err(format!(
                "scale: expected municipal or AGENCIESxHOSTSxPROGRAMS (agencies 1–5000, hosts 1–2000, programs 1–400), got {s:?}"
            )),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScaleReport {
    pub agencies_created: usize,
    pub agencies_filled: usize,
    pub hosts: usize,
    pub programs: usize,
    pub findings: u64,
    pub decided: u64,
}

/// A small, fixed-seed generator (splitmix64): the same spec gives the same
/// data on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Products in the demo feed (NVD 2012–2015) with versions from badly
/// outdated to current: which one a host runs decides how many findings it
/// has. (vendor, product, versions, share of hosts that run it in percent.)
const VULNERABLE: &[(&str, &str, &[&str], u64)] = &[
    (
        "mozilla",
        "firefox",
        &["24.0", "30.0", "38.0", "41.0", "115.0"],
        30,
    ),
    (
        "oracle",
        "jre",
        &[
            "1.6.0:update_45",
            "1.7.0:update45",
            "1.7.0:update51",
            "1.8.0:update20",
            "1.8.0:update60",
        ],
        25,
    ),
    (
        "adobe",
        "acrobat_reader",
        &["10.1.4", "11.0.0", "11.0.10", "11.0.12"],
        25,
    ),
    ("7-zip", "7-zip", &["9.20", "15.05", "23.01"], 25),
    (
        "openssl",
        "openssl",
        &["0.9.8y", "1.0.1e", "1.0.1f", "1.0.1j", "1.0.2d", "3.0.13"],
        12,
    ),
    (
        "apache",
        "http_server",
        &["2.2.15", "2.2.22", "2.4.7", "2.4.10", "2.4.58"],
        5,
    ),
    (
        "php",
        "php",
        &["5.3.3", "5.4.16", "5.5.9", "5.6.10", "8.2.12"],
        5,
    ),
    ("gnu", "bash", &["4.1", "4.2", "4.3", "5.2"], 6),
    (
        "apache",
        "tomcat",
        &["6.0.35", "7.0.47", "7.0.59", "8.0.15", "9.0.80"],
        4,
    ),
    (
        "microsoft",
        "sql_server",
        &["2008", "2012", "2014", "2019"],
        3,
    ),
];

/// Everyday programs the demo feed has no records for (no findings).
const OTHER: &[(&str, &str, &str)] = &[
    ("videolan", "vlc_media_player", "3.0.20"),
    ("libreoffice", "libreoffice", "7.6.4"),
    ("google", "chrome", "120.0.6099.109"),
    ("simon_tatham", "putty", "0.80"),
    ("wireshark", "wireshark", "4.2.0"),
    ("python", "python", "3.11.7"),
    ("git-scm", "git", "2.43.0"),
    ("microsoft", "edge_chromium", "120.0.2210.91"),
    ("zoom", "meetings", "5.17.0"),
    ("microsoft", ".net_framework", "4.8"),
    ("postgresql", "postgresql", "16.1"),
    ("nodejs", "node.js", "20.10.0"),
    ("teamviewer", "teamviewer", "15.49.2"),
    ("mozilla", "thunderbird", "115.6.0"),
    ("notepad-plus-plus", "notepad\\+\\+", "8.6.2"),
    ("microsoft", "teams", "1.6.00.33567"),
    ("cisco", "anyconnect_secure_mobility_client", "4.10.08029"),
    ("igor_pavlov", "7-zip_extra", "23.01"),
    ("winscp", "winscp", "6.1.2"),
    ("filezilla-project", "filezilla_client", "3.66.4"),
    ("oracle", "virtualbox", "7.0.12"),
    ("vmware", "tools", "12.3.5"),
    ("trendmicro", "apex_one", "14.0.12737"),
    ("citrix", "workspace", "2311"),
    ("microsoft", "visual_studio_code", "1.85.1"),
    ("gimp", "gimp", "2.10.36"),
    ("inkscape", "inkscape", "1.3.2"),
    ("tightvnc", "tightvnc", "2.8.81"),
    ("keepass", "keepass", "2.55"),
    ("audacity", "audacity", "3.4.2"),
];

/// The kinds of agencies of a city government.
const KINDS: &[(&str, &str)] = &[
    ("區公所", "District Office"),
    ("戶政事務所", "Household Registration Office"),
    ("地政事務所", "Land Office"),
    ("國民小學", "Elementary School"),
    ("國民中學", "Junior High School"),
    ("衛生所", "Public Health Center"),
    ("圖書館分館", "Library Branch"),
    ("消防分隊", "Fire Brigade"),
];

/// The districts the agencies are named after.
const PLACES: &[&str] = &[
    "鹽埕",
    "鼓山",
    "左營",
    "楠梓",
    "三民",
    "新興",
    "前金",
    "苓雅",
    "前鎮",
    "旗津",
    "小港",
    "鳳山",
    "林園",
    "大寮",
    "大樹",
    "大社",
    "仁武",
    "鳥松",
    "岡山",
    "橋頭",
    "燕巢",
    "田寮",
    "阿蓮",
    "路竹",
    "湖內",
    "茄萣",
    "永安",
    "彌陀",
    "梓官",
    "旗山",
    "美濃",
    "六龜",
    "甲仙",
    "杉林",
    "內門",
    "茂林",
    "桃源",
    "那瑪夏",
];

const DAY: i64 = 86_400;

/// The code of the `i`-th generated agency.
pub fn agency_code(i: usize) -> String {
    format!("KHH-S{:04}", i + 1)
}

/// The `i`-th agency's inventory file: `hosts` hosts of `programs`
/// programs, as the `host,vendor,product,version,cpe23` CSV.
pub fn inventory_csv(i: usize, spec: &ScaleSpec) -> Vec<u8> {
    let mut rng = Rng(0x5a1a_0000 + i as u64);
    // some agencies keep their machines current, most do not
    let age_bias = rng.below(3);
    let mut s = String::from("host,vendor,product,version,cpe23\n");
    for h in 0..spec.hosts_per_agency {
        let host = format!("{}-PC{:04}", agency_code(i), h + 1);
        let mut n = 0;
        for (vendor, product, versions, share) in VULNERABLE {
            if n >= spec.programs_per_host || !rng.chance(*share) {
                continue;
            }
            // skewed to the newer versions, more so where the agency patches
            let newest = versions.len() - 1;
            let pick = newest.saturating_sub(
                rng.below(versions.len())
                    .min(rng.below(versions.len()) + age_bias),
            );
            let version = versions[pick];
            let (ver, update) = version.split_once(':').unwrap_or((version, "*"));
            s.push_str(&format!(
                "{host},{vendor},{product},{ver},cpe:2.3:a:{vendor}:{product}:{ver}:{update}:*:*:*:*:*:*\n"
            ));
            n += 1;
        }
        let start = rng.below(OTHER.len());
        for k in 0..spec.programs_per_host.saturating_sub(n) {
            let (vendor, product, ver) = OTHER[(start + k) % OTHER.len()];
            // the same program in more than one edition past the catalogue's end
            let ver = if k >= OTHER.len() {
                format!("{ver}.{}", k / OTHER.len())
            } else {
                ver.to_string()
            };
            s.push_str(&format!(
                "{host},{vendor},{},{ver},cpe:2.3:a:{vendor}:{product}:{ver}:*:*:*:*:*:*:*\n",
                product.replace('\\', "")
            ));
        }
    }
    s.into_bytes()
}

impl App {
    /// Adds `spec`'s agencies under the demo's Kaohsiung hub (the demo must
    /// be seeded, with its feed store), each with an inventory, findings and
    /// decisions spread over the `spec.days` before now. `progress` is told
    /// of each agency done.
    pub async fn seed_scale(
        &self,
        spec: &ScaleSpec,
        mut progress: impl FnMut(usize, &ScaleReport),
    ) -> Result<ScaleReport> {
        if self.feed_dir().is_none() {
            return Err(AppError::invalid(
                "feeds",
                zian_i18n::msg!("reason.vulns.no_feeds"),
            ));
        }
        let all = OrgScope::system_wide();
        let orgs = self
            .stores
            .orgs
            .list(&all, &ListQuery::all(zian_domain::list::HARD_LIMIT))
            .await?
            .items;
        let hub = orgs
            .iter()
            .find(|o| o.code.as_deref() == Some("KHH"))
            .cloned()
            .ok_or_else(|| {
                AppError::Internal("scale: seed the demo first (KHH is missing)".into())
            })?;
        let by_code: HashMap<String, Organisation> = orgs
            .into_iter()
            .filter_map(|o| Some((o.code.clone()?, o)))
            .collect();
        let admin = self
            .demo_principal("admin")
            .await?
            .ok_or_else(|| AppError::Internal("scale: the demo's admin is missing".into()))?;
        let end = self.now();
        let clock = Arc::new(ManualClock::new(end));
        let mut app = self.clone();
        app.clock = clock.clone();
        let mut report = ScaleReport::default();
        for i in 0..spec.agencies {
            let mut rng = Rng(0x0c0d_e000 + i as u64);
            // the upload day, then the decisions over the following weeks
            let upload = end - spec.days * DAY
                + rng.below(spec.days as usize) as i64 * DAY
                + 9 * 3_600
                + rng.below(8 * 3_600) as i64;
            clock.set(upload.min(end));
            let code = agency_code(i);
            let org = match by_code.get(&code) {
                Some(o) => o.clone(),
                None => {
                    report.agencies_created += 1;
                    app.create_org(&admin, &hub.id, agency_draft(i, &code, &mut rng))
                        .await?
                }
            };
            if !app
                .stores
                .vulns
                .match_inputs(&all, &org.id)
                .await?
                .is_empty()
            {
                progress(i + 1, &report);
                continue;
            }
            app.fill_agency(&admin, &org.id, i, spec, &clock, end, &mut rng, &mut report)
                .await?;
            if report.agencies_filled % 20 == 1 {
                // the tables grow a hundredfold during a run
                app.health.0.analyze().await?;
            }
            progress(i + 1, &report);
        }
        if report.agencies_filled > 0 {
            // what autovacuum does in time: statistics, and the visibility
            // map that lets the review's counts read the indexes alone
            app.health.0.vacuum_analyze().await?;
        }
        Ok(report)
    }

    #[allow(clippy::too_many_arguments)]
    async fn fill_agency(
        &self,
        admin: &Principal,
        org: &OrgId,
        i: usize,
        spec: &ScaleSpec,
        clock: &ManualClock,
        end: i64,
        rng: &mut Rng,
        report: &mut ScaleReport,
    ) -> Result<()> {
        let file = inventory_csv(i, spec);
        let view = self
            .preview_inventory(admin, org, "inventory.csv", &file, None)
            .await?;
        report.programs += view.counts.added;
        report.hosts += spec.hosts_per_agency;
        self.commit_inventory(admin, &view.import.id, CommitInput::default())
            .await?;
        let counts = self
            .match_org(
                &admin.scope(zian_domain::Permission::RecordWrite),
                org,
                admin.event("vulns.matched", Some(org), Some(org)),
            )
            .await?;
        report.findings += u64::from(counts.new);
        report.agencies_filled += 1;
        // triage: the CVEs of the agency, most severe first, decided one
        // CVE at a time (a bulk decision over every host that has it) on the
        // days after the upload — quickly by a well-staffed agency, late or
        // never by others
        let diligence = rng.below(100) as u64;
        let open = self
            .stores
            .vulns
            .select(
                &OrgScope::system_wide(),
                org,
                &ListQuery::all(1).with("status", "new"),
                self.today(),
                zian_domain::list::HARD_LIMIT,
            )
            .await?;
        let mut cves: Vec<(Option<i64>, String)> =
            open.iter().map(|f| (f.score, f.cve_id.clone())).collect();
        cves.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        cves.dedup_by(|a, b| a.1 == b.1);
        for (_, cve) in cves.iter().take(40) {
            if !rng.chance(diligence) {
                continue;
            }
            let after = clock.unix()
                + (1 + rng.below(if diligence > 60 { 6 } else { 20 })) as i64 * DAY / 2;
            if after >= end {
                break;
            }
            clock.set(after);
            let roll = rng.below(100);
            let input = if roll < 70 {
                BulkInput {
                    action: "fix".into(),
                    evidence: Some(format!(
                        "已於端點管理系統派送更新，修補 {cve}（變更單 IT-{}）",
                        rng.below(9_000) + 1_000
                    )),
                    ..BulkInput::default()
                }
            } else if roll < 85 {
                BulkInput {
                    action: "needs_fix".into(),
                    ..BulkInput::default()
                }
            } else if roll < 95 {
                BulkInput {
                    action: "accept".into(),
                    reason: Some("系統供應商尚未提供相容版本，已以網段隔離並加強監控".into()),
                    approver: Some("資安長".into()),
                    accepted_until: Some(zian_domain::day::ymd(
                        self.today() + time::Duration::days(180),
                    )),
                    ..BulkInput::default()
                }
            } else {
                BulkInput {
                    action: "false_positive".into(),
                    reason: Some("經查該主機未安裝受影響元件".into()),
                    ..BulkInput::default()
                }
            };
            let r = self
                .bulk_decide(
                    admin,
                    org,
                    BulkInput {
                        cve: Some(cve.clone()),
                        ..input
                    },
                )
                .await?;
            report.decided += r.saved;
        }
        Ok(())
    }
}

fn agency_draft(i: usize, code: &str, rng: &mut Rng) -> OrgDraft {
    let (kind_zh, kind_en) = KINDS[i % KINDS.len()];
    let place = PLACES[(i / KINDS.len()) % PLACES.len()];
    let round = i / (KINDS.len() * PLACES.len());
    let suffix = if round == 0 {
        String::new()
    } else {
        format!("第{}", round + 1)
    };
    let level = match rng.below(100) {
        0..=1 => Level::B,
        2..=49 => Level::C,
        50..=84 => Level::D,
        _ => Level::E,
    };
    OrgDraft {
        code: Some(code.to_string()),
        name_zh: format!("高雄市{place}{kind_zh}{suffix}"),
        name_en: format!("Kaohsiung {place} {kind_en} {}", i + 1),
        tier: OrgTier::Agency,
        kind: OrgKind::Public,
        level: Some(level),
        level_assigned_on: Some(date!(2024 - 03 - 15)),
        level_review_due: None,
        fiscal_tier: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_refuse_nonsense() {
        assert_eq!(ScaleSpec::parse("municipal"), Ok(ScaleSpec::MUNICIPAL));
        let s = ScaleSpec::parse("3x4x5").unwrap();
        assert_eq!(
            (s.agencies, s.hosts_per_agency, s.programs_per_host),
            (3, 4, 5)
        );
        for bad in ["", "3x4", "0x1x1", "1x1x1000", "axbxc", "1x1x1x1"] {
            assert!(ScaleSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn inventories_are_deterministic_and_sized() {
        let spec = ScaleSpec::parse("2x7x25").unwrap();
        let a = inventory_csv(1, &spec);
        assert_eq!(a, inventory_csv(1, &spec));
        assert_ne!(a, inventory_csv(0, &spec));
        let text = String::from_utf8(a).unwrap();
        assert_eq!(text.lines().count(), 1 + 7 * 25);
        // every row's CPE name parses and names the row's own version
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            assert_eq!(cols.len(), 5, "{line}");
            let w = zian_cpe::Wfn::parse_fs(cols[4]).unwrap();
            assert_eq!(w.version.unquoted().as_deref(), Some(cols[3]), "{line}");
        }
        // programs are distinct on a host (one row each)
        let mut per_host: HashMap<&str, std::collections::HashSet<&str>> = HashMap::new();
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            assert!(
                per_host.entry(cols[0]).or_default().insert(cols[4]),
                "{line}"
            );
        }
    }
}
