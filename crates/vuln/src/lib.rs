//! # zian-vuln — vulnerability feeds, matching engine, indexes, offline scan
//!
//! The heart of VANS: agencies keep their software and hardware as CPE
//! names; when a vulnerability is published this crate finds every affected
//! asset. Pure and synchronous: no database, no async, no global state
//! (the only I/O is reading feed files, and the minimal HTTP/1.1 client of
//! [`nvd_api`] whose transport is injected).
//!
//! ## Model
//! * [`feeds`] reads NVD CVE API 2.0 JSON (pages, yearly feeds, bare `cve`
//!   objects; plain, gzip or xz by magic bytes), streamed record by record;
//!   CVE JSON 5.x (one record, JSON lines, directories) with the CNA
//!   `affected[]`, `cpeApplicability`, CISA-ADP CPEs, CVSS, SSVC and KEV
//!   flags; the CISA KEV catalogue; FIRST EPSS CSV. Everything lands in a
//!   [`VulnStore`]: one [`model::CveEntry`] per CVE id with an NVD section and
//!   a CVE 5 section, each replaced only by a newer version (`lastModified`,
//!   `dateUpdated`). Match criteria are parsed once and interned in a
//!   [`matching::CriteriaTable`] shared by all records. One bad record never
//!   aborts an import: it is skipped, counted and reported with its reason in
//!   a [`FeedReport`]; dirty CVE 5 values (trailing spaces, `version` equal to
//!   `lessThan`, `version: "0"`, `n/a`, `5.2.x`) are cleaned and counted.
//!   CNA vendor/product names are mapped to CPE names by a data-driven alias
//!   table (`data/aliases.toml`, built from CISA-ADP's own CPE assignments).
//! * [`matching`] evaluates NVD configurations in full (alternatives,
//!   AND/OR/negate at configuration and node level, `vulnerable: false`
//!   platforms satisfied by ANOTHER asset of the same host, version ranges),
//!   with NISTIR 7696 attribute relations (via `zian-cpe`) for update,
//!   edition, language, sw_edition, target_sw, target_hw and other. Records
//!   NVD did not analyse fall back to the CNA `cpeApplicability`, the CNA
//!   `affected[]` and the CISA-ADP CPEs. Each [`matching::Finding`] carries its
//!   evidence, the matching source (`nvd`/`cna`/`adp`), the preferred score
//!   (NVD Primary v4.0 → v3.1 → v3.0 → v2, else the CNA's, else an ADP's,
//!   the scorer named), the KEV flag and EPSS.
//! * [`index`]: a [`index::CriteriaIndex`] (criteria by `part:vendor:product`)
//!   to match a whole inventory, and an [`index::AssetIndex`] (assets by key,
//!   versions sorted) to match ONE new record against every inventory by
//!   binary search — the incremental path used when feeds update.
//! * [`cli::run_scan`]: the stateless offline scan behind `zian vuln scan`.
//! * [`nvd_api`]: incremental NVD API 2.0 client (≤ 120-day windows,
//!   pagination, `apiKey`, rate limits, retries), transport and clock injected;
//!   [`nvd_api::sync`] writes its pages into a directory with a resumable
//!   state (`zian feeds sync`; the HTTPS transport lives in the CLI).
//! * [`store`]: the compiled feed store (`zian feeds import|status`,
//!   `zian vuln scan --store`): a versioned, checksummed postcard snapshot
//!   written atomically, loaded in well under a second.
//! * [`bench`]: the benchmarks behind `zian bench vuln`.
//!
//! ## Specifications followed
//! * NVD CVE API 2.0 schema (`cve_api_json_2.0.schema`), configurations.
//! * CVE JSON 5.1 record format (`affected`, `versions`, `changes`,
//!   `defaultStatus`, `cpeApplicability`).
//! * NISTIR 7695 (CPE naming, formatted-string quoting) and NISTIR 7696 (name
//!   matching): a criterion applies to an asset when every attribute relation
//!   (criterion, asset) is SUPERSET or EQUAL.
//!
//! ## Documented decisions and deviations
//! * An inventory name with ANY, NA or a wildcard in part, vendor or product
//!   is rejected, never treated as "matches everything".
//! * Confirmed and possible findings (issue 10): update, edition, language,
//!   sw_edition, target_sw, target_hw and other with an asset value ANY
//!   ("not stated") where the criterion names a value (NISTIR 7696: SUBSET)
//!   are accepted as *undecided*, and so is an asset version ANY (`*`)
//!   against a version range or a named version (or NA); a finding that
//!   needs any undecided attribute is [`Certainty::Possible`] and lists them
//!   (`undecided`), otherwise it is
//!   [`Certainty::Confirmed`] (rules for AND/OR trees in [`matching`]). A
//!   stated different value (DISJOINT) excludes the asset. An asset version
//!   NA (`-`) never falls inside a range. An inventory entry without a
//!   version therefore lists every record of its product as possible, each
//!   saying which version would decide it; none of them counts until a
//!   person states the version. Part, vendor and product follow 7696
//!   strictly. (A criterion whose version is ANY without a range
//!   matches every asset version: "all versions", confirmed.)
//! * A criterion with a range is compared on the version attribute only; the
//!   update attribute is compared by 7696 (so `7.9:p1` is inside
//!   `versionEndIncluding 7.9` when the criterion's update is ANY).
//! * CVE 5: `defaultStatus: affected` is applied only when no version
//!   statement says `affected` (CNAs often set both, which read literally would
//!   flag fixed versions); `versionType: git` statements are not evaluated;
//!   version comparison uses `zian-version`'s generic total order; an asset's
//!   update component is appended to its version when comparing with CNA
//!   bounds (`10.2.9` + `h1` vs `lessThan 10.2.9-h1`).
//! * A CVE 5 entry without CPEs and with no part information is matched under
//!   any part (`a`, `o`, `h`) of the mapped vendor/product.
//! * When a record is replaced, criteria it alone used stay in the interned
//!   table (they no longer match anything); rebuild the store to compact.

pub mod bench;
pub mod cli;
mod error;
pub mod feeds;
pub mod index;
pub mod matching;
pub mod model;
pub mod nvd_api;
pub mod store;

pub use error::VulnError;
pub use feeds::{FeedKind, FeedReport, VulnStore, import_path};
pub use index::{AssetIndex, CriteriaIndex};
pub use matching::{
    Asset, Certainty, Evidence, Finding, Host, Inventory, PlatformEvidence, Undecided,
};
pub use model::Origin;
