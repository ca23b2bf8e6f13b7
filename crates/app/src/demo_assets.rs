//! The demo's asset register: the police bureau's hosts, network gear,
//! support services and data behind its criminal-case work (not yet linked
//! to an information system: the demo has none), end
//! users' PCs with installed software as CPE 2.3 names (products of the NVD
//! 2012–2015 feeds shipped with the vulnerability engine, so a scan of the
//! demo finds real CVEs) and one program not mapped yet; a retired and a
//! disposed asset; and two assets of the health bureau; an inventory import
//! committed and one awaiting confirmation. Seeded only where the police
//! bureau has no asset yet.

use std::collections::HashMap;

use zian_domain::assets::{
    Asset, AssetCategory, AssetStatus, InstalledSoftware, parse_cpe, parse_ips, parse_kbs,
    parse_labels, parse_macs,
};
use zian_domain::{AssetId, ListQuery, Memo, OrgScope, Organisation, Text};

use crate::assets::MapUnmappedInput;
use crate::demo::system_event;
use crate::inventory::CommitInput;
use crate::{App, Result};

/// One demo asset: (org code, name, category, owner, custodian, users,
/// location, property no., brand, model, quantity, core, host name, IP,
/// MAC, OS, KBs, software `(DisplayName, version, publisher, CPE)`).
struct Seed {
    org: &'static str,
    name: &'static str,
    category: AssetCategory,
    owner: &'static str,
    custodian: &'static str,
    users: &'static str,
    location: &'static str,
    property_no: &'static str,
    brand: &'static str,
    model: &'static str,
    quantity: i64,
    core: bool,
    /// Reachable from the Internet.
    exposed: bool,
    status: AssetStatus,
    host: (&'static str, &'static str, &'static str, &'static str),
    kbs: &'static str,
    labels: &'static str,
    software: &'static [(&'static str, &'static str, &'static str, &'static str)],
}

const SEEDS: &[Seed] = &[
    Seed {
        org: "PIF-POL",
        name: "刑案資訊系統應用伺服器",
        category: AssetCategory::Hardware,
        owner: "資訊室",
        custodian: "林意順",
        users: "刑事警察大隊",
        location: "本局 B1 機房 A3 機櫃",
        property_no: "3140101-03-000123",
        brand: "Dell",
        model: "PowerEdge R650",
        quantity: 1,
        core: true,
        exposed: false,
        status: AssetStatus::InService,
        host: (
            "pol-app-01",
            "10.20.1.15",
            "00:1A:2B:3C:4D:5E",
            "Red Hat Enterprise Linux 6.5",
        ),
        kbs: "",
        labels: "機房, 核心",
        software: &[
            (
                "OpenSSL",
                "1.0.1f",
                "OpenSSL Project",
                "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*",
            ),
            (
                "Apache HTTP Server",
                "2.2.22",
                "Apache Software Foundation",
                "cpe:2.3:a:apache:http_server:2.2.22:*:*:*:*:*:*:*",
            ),
            (
                "PHP",
                "5.4.16",
                "The PHP Group",
                "cpe:2.3:a:php:php:5.4.16:*:*:*:*:*:*:*",
            ),
            (
                "GNU Bash",
                "4.1",
                "GNU Project",
                "cpe:2.3:a:gnu:bash:4.1:*:*:*:*:*:*:*",
            ),
        ],
    },
    Seed {
        org: "PIF-POL",
        name: "刑案資訊系統資料庫伺服器",
        category: AssetCategory::Hardware,
        owner: "資訊室",
        custodian: "林意順",
        users: "刑事警察大隊",
        location: "本局 B1 機房 A4 機櫃",
        property_no: "3140101-03-000124",
        brand: "HPE",
        model: "ProLiant DL380 Gen10",
        quantity: 1,
        core: true,
        exposed: false,
        status: AssetStatus::InService,
        host: (
            "pol-db-01",
            "10.20.1.16",
            "00:1A:2B:3C:4D:5F",
            "Windows Server 2012 R2 Standard",
        ),
        kbs: "KB2919355 KB3000850 KB890830",
        labels: "機房, 核心",
        software: &[
            (
                "Microsoft SQL Server 2012 (64-bit)",
                "11.0.2100.60",
                "Microsoft Corporation",
                "cpe:2.3:a:microsoft:sql_server:2012:*:*:*:*:*:*:*",
            ),
            (
                "Java 7 Update 45 (64-bit)",
                "7.0.450",
                "Oracle",
                "cpe:2.3:a:oracle:jre:1.7.0:update45:*:*:*:*:*:*",
            ),
        ],
    },
    Seed {
        org: "PIF-POL",
        name: "刑事警察大隊公務電腦",
        category: AssetCategory::Hardware,
        owner: "刑事警察大隊",
        custodian: "邱榮輝",
        users: "刑事警察大隊同仁",
        location: "本局 3F 刑事警察大隊",
        property_no: "3140101-01-000400～000434",
        brand: "Acer",
        model: "Veriton M4680G",
        quantity: 35,
        core: false,
        exposed: false,
        status: AssetStatus::InService,
        host: (
            "pol-pc-cib-01",
            "10.20.30.11",
            "3C:52:82:10:20:30",
            "Windows 7 Professional SP1",
        ),
        kbs: "KB2532531 KB2533552 KB976902",
        labels: "端點, 年度盤點",
        software: &[
            (
                "Adobe Reader XI (11.0.0)",
                "11.0.0",
                "Adobe Systems Incorporated",
                "cpe:2.3:a:adobe:acrobat_reader:11.0.0:*:*:*:*:*:*:*",
            ),
            (
                "Mozilla Firefox 30.0 (x86 zh-TW)",
                "30.0",
                "Mozilla",
                "cpe:2.3:a:mozilla:firefox:30.0:*:*:*:*:*:*:*",
            ),
            (
                "7-Zip 9.20",
                "9.20.00.0",
                "Igor Pavlov",
                "cpe:2.3:a:7-zip:7-zip:9.20:*:*:*:*:*:*:*",
            ),
            (
                "HiCOS PKI Smart Card Client",
                "3.0.3.21207",
                "Chunghwa Telecom Co., Ltd.",
                "",
            ),
        ],
    },
    Seed {
        org: "PIF-POL",
        name: "核心交換器",
        category: AssetCategory::Communication,
        owner: "資訊室",
        custodian: "林意順",
        users: "全局",
        location: "本局 B1 機房 網路機櫃",
        property_no: "3140101-05-000031",
        brand: "Cisco",
        model: "Catalyst 9300-48P",
        quantity: 2,
        core: true,
        exposed: false,
        status: AssetStatus::InService,
        host: ("pol-core-sw", "10.20.0.1", "", "Cisco IOS XE 16.12"),
        kbs: "",
        labels: "機房, 核心, 網路",
        software: &[],
    },
    Seed {
        org: "PIF-POL",
        name: "次世代防火牆",
        category: AssetCategory::Communication,
        owner: "資訊室",
        custodian: "林意順",
        users: "全局",
        location: "本局 B1 機房 網路機櫃",
        property_no: "3140101-05-000032",
        brand: "Fortinet",
        model: "FortiGate 100F",
        quantity: 1,
        core: true,
        exposed: true,
        status: AssetStatus::InService,
        host: ("pol-fw-01", "10.20.0.254", "", "FortiOS 7.2"),
        kbs: "",
        labels: "機房, 核心, 網路",
        software: &[],
    },
    Seed {
        org: "PIF-POL",
        name: "機房不斷電系統",
        category: AssetCategory::SupportService,
        owner: "秘書室",
        custodian: "總務科",
        users: "資訊室",
        location: "本局 B1 電力室",
        property_no: "3140101-07-000008",
        brand: "APC",
        model: "Smart-UPS SRT 10kVA",
        quantity: 1,
        core: true,
        exposed: false,
        status: AssetStatus::InService,
        host: ("", "", "", ""),
        kbs: "",
        labels: "機房",
        software: &[],
    },
    Seed {
        org: "PIF-POL",
        name: "刑案紀錄資料（含個人資料）",
        category: AssetCategory::Information,
        owner: "刑事警察大隊",
        custodian: "林意順",
        users: "刑事警察大隊",
        location: "刑案資訊系統資料庫",
        property_no: "",
        brand: "",
        model: "",
        quantity: 1,
        core: true,
        exposed: false,
        status: AssetStatus::InService,
        host: ("", "", "", ""),
        kbs: "",
        labels: "個資",
        software: &[],
    },
    Seed {
        org: "PIF-POL",
        name: "備援筆記型電腦",
        category: AssetCategory::Hardware,
        owner: "資訊室",
        custodian: "林意順",
        users: "資訊室",
        location: "本局 2F 資訊室",
        property_no: "3140101-02-000077",
        brand: "ASUS",
        model: "ExpertBook B1400",
        quantity: 1,
        core: false,
        exposed: false,
        status: AssetStatus::Retired,
        host: ("pol-nb-07", "", "", "Windows 10 Pro 22H2"),
        kbs: "",
        labels: "端點",
        software: &[],
    },
    Seed {
        org: "PIF-HLT",
        name: "衛生局官網伺服器",
        category: AssetCategory::Hardware,
        owner: "衛生局資訊室",
        custodian: "衛生局資訊室",
        users: "民眾",
        location: "縣府機房（代管）",
        property_no: "3140201-03-000010",
        brand: "Lenovo",
        model: "ThinkSystem SR630",
        quantity: 1,
        core: false,
        exposed: true,
        status: AssetStatus::InService,
        host: ("hlt-web-01", "10.30.1.10", "", "CentOS 6.6"),
        kbs: "",
        labels: "",
        software: &[(
            "Apache Tomcat",
            "7.0.47",
            "Apache Software Foundation",
            "cpe:2.3:a:apache:tomcat:7.0.47:*:*:*:*:*:*:*",
        )],
    },
    Seed {
        org: "PIF-HLT",
        name: "疫苗接種紀錄資料",
        category: AssetCategory::Information,
        owner: "衛生局疾病管制科",
        custodian: "衛生局資訊室",
        users: "疾病管制科",
        location: "醫療資訊系統資料庫",
        property_no: "",
        brand: "",
        model: "",
        quantity: 1,
        core: false,
        exposed: false,
        status: AssetStatus::InService,
        host: ("", "", "", ""),
        kbs: "",
        labels: "個資",
        software: &[],
    },
];

impl App {
    /// Seeds the demo register (see the module documentation).
    pub(crate) async fn seed_demo_assets(
        &self,
        by_code: &HashMap<&str, Organisation>,
    ) -> Result<()> {
        let all = OrgScope::system_wide();
        let Some(pol) = by_code.get("PIF-POL") else {
            return Ok(());
        };
        let any = self
            .stores
            .assets
            .list(&all, &pol.id, &ListQuery::all(1).with("status", "all"))
            .await?;
        if !any.items.is_empty() {
            return Ok(());
        }
        let actor = self.demo_user("officer.police").await?;
        let now = self.now();
        let event = |action: &str, org: &str, target: &str| {
            let mut e = system_event(action, org, target);
            e.actor_user_id = actor.as_ref().map(|u| u.id.to_string());
            e
        };
        for s in SEEDS {
            let Some(org) = by_code.get(s.org) else {
                continue;
            };
            let (hostname, ip, mac, os) = s.host;
            let a = Asset {
                id: AssetId::new(self.ids.new_id()),
                org_id: org.id.clone(),
                // linked to systems once the demo grades some (the
                // obligations and plan tests expect no system in the demo)
                system_id: None,
                name: Text::stored(s.name.into()),
                category: s.category,
                owner: Text::stored(s.owner.into()),
                custodian: Memo::stored(s.custodian.into()),
                users: Memo::stored(s.users.into()),
                location: Memo::stored(s.location.into()),
                property_no: Memo::stored(s.property_no.into()),
                brand: Memo::stored(s.brand.into()),
                model: Memo::stored(s.model.into()),
                quantity: s.quantity,
                core: s.core,
                exposed: s.exposed,
                status: s.status,
                disposed_on: None,
                disposal_method: Memo::default(),
                labels: parse_labels(s.labels)?,
                hostname: Memo::stored(hostname.into()),
                ip: parse_ips(ip)?,
                mac: parse_macs(mac)?,
                os: Memo::stored(os.into()),
                kbs: parse_kbs(s.kbs)?,
                notes: Memo::default(),
                created_at: now,
                updated_at: now,
            };
            let mut e = event("asset.created", &org.id, &a.id);
            e.details = serde_json::json!({"name": a.name, "category": a.category.as_str()});
            self.stores.assets.insert(&all, &a, e).await?;
            for (name, version, publisher, cpe) in s.software {
                let w = InstalledSoftware {
                    id: self.ids.new_id(),
                    asset_id: a.id.clone(),
                    org_id: org.id.clone(),
                    name: Text::stored((*name).into()),
                    version: Memo::stored((*version).into()),
                    publisher: Memo::stored((*publisher).into()),
                    cpe23: parse_cpe(cpe)?,
                    source: Text::stored("demo".into()),
                    created_at: now,
                    updated_at: now,
                };
                let mut e = event("asset.software_added", &org.id, &a.id);
                e.details = serde_json::json!({"software": w.id, "name": w.name, "version": w.version, "cpe23": w.cpe23});
                self.stores.assets.insert_software(&all, &w, e).await?;
            }
        }
        // the old document server, disposed of last year
        let disposed = Asset {
            id: AssetId::new(self.ids.new_id()),
            org_id: pol.id.clone(),
            system_id: None,
            name: Text::stored("舊公文系統伺服器".into()),
            category: AssetCategory::Hardware,
            owner: Text::stored("秘書室".into()),
            custodian: Memo::stored("總務科".into()),
            users: Memo::default(),
            location: Memo::stored("本局 B1 機房".into()),
            property_no: Memo::stored("3140101-03-000045".into()),
            brand: Memo::stored("IBM".into()),
            model: Memo::stored("System x3650 M4".into()),
            quantity: 1,
            core: false,
            exposed: false,
            status: AssetStatus::Disposed,
            disposed_on: Some(time::macros::date!(2025 - 12 - 19)),
            disposal_method: Memo::stored("報廢（硬碟消磁後交由環保單位回收）".into()),
            labels: Memo::default(),
            hostname: Memo::stored("pol-doc-old".into()),
            ip: Memo::default(),
            mac: Memo::default(),
            os: Memo::stored("Windows Server 2008 R2".into()),
            kbs: Memo::default(),
            notes: Memo::default(),
            created_at: now,
            updated_at: now,
        };
        let mut e = event("asset.created", &pol.id, &disposed.id);
        e.details = serde_json::json!({"name": disposed.name, "category": "hardware"});
        self.stores.assets.insert(&all, &disposed, e).await?;
        self.seed_demo_imports(pol).await
    }

    /// The officer's inventory imports, through the import service: the
    /// criminal investigation PC's installed programs exported from Windows
    /// (Firefox upgraded and named by the bureau's confirmed mapping, Java
    /// added and left to map), committed; then its Get-HotFix list, uploaded
    /// and waiting for confirmation.
    async fn seed_demo_imports(&self, pol: &Organisation) -> Result<()> {
        let Some(p) = self.demo_principal("officer.police").await? else {
            return Ok(());
        };
        self.map_unmapped(
            &p,
            &pol.id,
            MapUnmappedInput {
                name: "Mozilla Firefox 30.0 (x86 zh-TW)".into(),
                version: Some("30.0".into()),
                publisher: Some("Mozilla".into()),
                cpe23: "cpe:2.3:a:mozilla:firefox:30.0:*:*:*:*:*:*:*".into(),
            },
        )
        .await?;
        let v = self
            .preview_inventory(
                &p,
                &pol.id,
                "POL-PC-CIB-01-programs.csv",
                DEMO_PROGRAMS.as_bytes(),
                None,
            )
            .await?;
        self.commit_inventory(&p, &v.import.id, CommitInput::default())
            .await?;
        self.preview_inventory(
            &p,
            &pol.id,
            "POL-PC-CIB-01-hotfix.csv",
            DEMO_HOTFIX.as_bytes(),
            None,
        )
        .await?;
        Ok(())
    }
}

/// `Get-ItemProperty …\Uninstall\* | Select-Object PSComputerName,
/// DisplayName, DisplayVersion, Publisher, InstallDate | Export-Csv
/// -Encoding UTF8` on the criminal investigation PC (invented values).
const DEMO_PROGRAMS: &str = "\u{feff}#TYPE Selected.System.Management.Automation.PSCustomObject\r
\"PSComputerName\",\"DisplayName\",\"DisplayVersion\",\"Publisher\",\"InstallDate\"\r
\"POL-PC-CIB-01\",\"Adobe Reader XI (11.0.0)\",\"11.0.0\",\"Adobe Systems Incorporated\",\"20140212\"\r
\"POL-PC-CIB-01\",\"Mozilla Firefox 31.0 (x86 zh-TW)\",\"31.0\",\"Mozilla\",\"20140801\"\r
\"POL-PC-CIB-01\",\"7-Zip 9.20\",\"9.20.00.0\",\"Igor Pavlov\",\"20130105\"\r
\"POL-PC-CIB-01\",\"HiCOS PKI Smart Card Client\",\"3.0.3.21207\",\"Chunghwa Telecom Co., Ltd.\",\"20131120\"\r
\"POL-PC-CIB-01\",\"Java 7 Update 60\",\"7.0.600\",\"Oracle\",\"20140620\"\r
";

/// `Get-HotFix -ComputerName POL-PC-CIB-01 | Select-Object PSComputerName,
/// HotFixID, InstalledOn | Export-Csv` (invented values).
const DEMO_HOTFIX: &str = "\"PSComputerName\",\"HotFixID\",\"InstalledOn\"\r
\"POL-PC-CIB-01\",\"KB2532531\",\"2014/6/11\"\r
\"POL-PC-CIB-01\",\"KB2533552\",\"2014/6/11\"\r
\"POL-PC-CIB-01\",\"KB976902\",\"2014/6/11\"\r
\"POL-PC-CIB-01\",\"KB2972280\",\"2014/8/13\"\r
\"POL-PC-CIB-01\",\"KB2977629\",\"2014/8/13\"\r
";
