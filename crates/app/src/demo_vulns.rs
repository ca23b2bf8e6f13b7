//! The demo's vulnerability data: a feed derived from the real NVD
//! 2012–2015 feeds and the CISA KEV catalogue (`data/demo-nvd.json.xz`,
//! `data/demo-kev.json`: every record naming one of the demo register's
//! products, written by `scripts/derive_demo_feed.py`; sources in
//! `data/SOURCE.md`), imported into the deployment's feed store when it
//! has none; every demo organisation with mapped software matched against
//! it; and the police bureau's officer's first decisions (a plan for
//! Shellshock, a false positive for GHOST (a glibc flaw NVD lists with
//! PHP) on a patched server, an accepted risk for Java on the database server, Heartbleed fixed and waiting for
//! the next inventory).

use std::collections::HashMap;
use std::path::Path;

use zian_domain::vulns::Finding;
use zian_domain::{ListQuery, OrgScope, Organisation};

use crate::demo::system_event;
use crate::vulns::DecisionInput;
use crate::{App, AppError, Result};

/// NVD CVE API 2.0 page of the demo's products.
pub const DEMO_NVD: &[u8] = include_bytes!("../data/demo-nvd.json.xz");
/// CISA KEV entries of those records.
pub const DEMO_KEV: &[u8] = include_bytes!("../data/demo-kev.json");

/// Imports the demo feed into the feed store in `dir` unless it already
/// holds one. Returns whether it imported.
pub fn install_demo_feeds(dir: &Path) -> std::result::Result<bool, String> {
    use zian_vuln::store::Store;
    if Store::status(dir).is_ok() {
        return Ok(false);
    }
    let src = dir.join("demo-source");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    let nvd = src.join("demo-nvd.json.xz");
    let kev = src.join("demo-kev.json");
    std::fs::write(&nvd, DEMO_NVD).map_err(|e| format!("{}: {e}", nvd.display()))?;
    std::fs::write(&kev, DEMO_KEV).map_err(|e| format!("{}: {e}", kev.display()))?;
    Store::import(dir, &[nvd, kev]).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&src);
    Ok(true)
}

/// A demo decision: the CVE, the action and its fields (`+N`: N days from
/// today).
type DemoDecision = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The demo's decisions.
const DECISIONS: &[DemoDecision] = &[
    (
        "CVE-2014-6271",
        "plan",
        &[
            (
                "plan_action",
                "以套件管理更新 bash 至 4.1.2-15.el6_5.2 以上，更新後重新匯入軟體清單",
            ),
            ("plan_owner", "資訊室 林工程師"),
            ("plan_due", "+3"),
        ],
    ),
    (
        "CVE-2015-0235",
        "false_positive",
        &[(
            "reason",
            "GHOST 為 glibc 之弱點，本機 glibc 已更新至 2.12-1.149.el6_6.5（已修補）；本項係因 NVD 設定列入 PHP 而比對出",
        )],
    ),
    (
        "CVE-2012-0497",
        "accept",
        &[
            (
                "reason",
                "資料庫伺服器之 Java 僅供備份代理程式使用，不對外提供服務；廠商預定明年第一季改版，期間以防火牆限制連線並加強監控",
            ),
            ("approver", "資安長 陳副局長"),
            ("accepted_until", "+180"),
        ],
    ),
    (
        "CVE-2014-0160",
        "fix",
        &[(
            "evidence",
            "已更新 OpenSSL 至 1.0.1g 並重新簽發憑證（變更單 IT-2026-118）",
        )],
    ),
];

impl App {
    /// Seeds the demo's findings when a feed store is configured: the demo
    /// feed imported if the store is empty, each organisation with mapped
    /// software matched, and the officer's first decisions. Nothing when the
    /// police bureau already has findings.
    pub(crate) async fn seed_demo_vulns(
        &self,
        by_code: &HashMap<&str, Organisation>,
    ) -> Result<()> {
        let Some(dir) = self.feed_dir().map(Path::to_path_buf) else {
            return Ok(());
        };
        let Some(pol) = by_code.get("PIF-POL") else {
            return Ok(());
        };
        let all = OrgScope::system_wide();
        if !self
            .stores
            .vulns
            .all_findings(&all, &pol.id)
            .await?
            .is_empty()
        {
            return Ok(());
        }
        tokio::task::spawn_blocking(move || install_demo_feeds(&dir))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(AppError::Internal)?;
        let mut orgs: Vec<&Organisation> = by_code.values().collect();
        orgs.sort_by(|a, b| a.path.cmp(&b.path));
        for org in orgs {
            if self
                .stores
                .vulns
                .match_inputs(&all, &org.id)
                .await?
                .is_empty()
            {
                continue;
            }
            self.match_org(
                &all,
                &org.id,
                system_event("vulns.matched", &org.id, &org.id),
            )
            .await?;
        }
        let Some(p) = self.demo_principal("officer.police").await? else {
            return Ok(());
        };
        let today = self.today();
        let day = |s: &str| -> String {
            match s.strip_prefix('+').and_then(|n| n.parse::<i64>().ok()) {
                Some(n) => zian_domain::day::ymd(today + time::Duration::days(n)),
                None => s.to_string(),
            }
        };
        for (cve, action, fields) in DECISIONS {
            let found: Vec<Finding> = self
                .stores
                .vulns
                .select(
                    &all,
                    &pol.id,
                    &ListQuery::all(1).with("cve", *cve),
                    today,
                    1,
                )
                .await?;
            let Some(f) = found.into_iter().next() else {
                continue;
            };
            let get = |k: &str| fields.iter().find(|(n, _)| *n == k).map(|(_, v)| day(v));
            let input = DecisionInput {
                action: (*action).to_string(),
                reason: get("reason"),
                approver: get("approver"),
                accepted_until: get("accepted_until"),
                plan_action: get("plan_action"),
                plan_owner: get("plan_owner"),
                plan_due: get("plan_due"),
                evidence: get("evidence"),
            };
            self.decide_finding(&p, &f.id, input).await?;
        }
        Ok(())
    }
}
