//! Endpoint coverage and SOC figures from whatever the agency's consoles
//! export (seed 004: 區域聯防, no single EDR vendor). Device status reports
//! of EDR, anti-virus, GCB and VANS consoles and SOC alert lists are read
//! from CSV (English or Chinese headers) or JSON, each unreadable row set
//! aside with its field and reason; the reports are matched to the asset
//! register by hostname or IP, and the matched register gives the coverage
//! (EDR with a recent check-in, anti-virus, GCB, VANS), what each device
//! lacks, and the devices the agents see that the register misses. The
//! alerts give the SOC's counts and mean time to respond; the agencies'
//! EDR answers give the national B-level indicators.
//!
//! Every reader runs in time linear in its input and never panics: the
//! files come from outside.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime};
use zian_i18n::{Msg, msg};

use crate::error::DomainError;
use crate::{Level, day};

/// An EDR agent not seen for more days than this is stale: installed, but
/// not protecting (or not reporting) any more.
pub const EDR_STALE_DAYS: i64 = 7;

/// The longest hostname (DNS's 253 characters).
pub const HOSTNAME_MAX: usize = 253;

/// The longest product or rule name.
pub const TEXT_MAX: usize = 500;

/// How much of a refused value a reason quotes.
const SHOWN_MAX: usize = 40;

/// A row that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The data row, from 1 (the CSV header not counted; a JSON array's
    /// index + 1); 0 for the whole file.
    pub row: usize,
    /// The field at fault (`header` or `content` for the whole file).
    pub field: &'static str,
    pub reason: Msg,
}

/// What a file holds: the rows read and the rows set aside.
#[derive(Debug, Clone, PartialEq)]
pub struct Read<T> {
    pub rows: Vec<T>,
    pub skipped: Vec<Skipped>,
}

impl<T> Default for Read<T> {
    fn default() -> Self {
        Read {
            rows: Vec::new(),
            skipped: Vec::new(),
        }
    }
}

impl<T> Read<T> {
    /// Nothing read: the whole file refused for one reason.
    fn refused(field: &'static str, reason: Msg) -> Self {
        Read {
            rows: Vec::new(),
            skipped: vec![Skipped {
                row: 0,
                field,
                reason,
            }],
        }
    }
}

/// One device's status as an EDR, anti-virus, GCB or VANS console exports
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeviceReport {
    /// Trimmed and lowercased, without a trailing dot (may be empty when the
    /// report has an IP).
    pub hostname: String,
    /// Its addresses, each once.
    pub ip: Vec<IpAddr>,
    /// An EDR agent is installed.
    pub edr: bool,
    /// The day the EDR agent last checked in (Asia/Taipei calendar).
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub edr_last_seen: Option<Date>,
    /// Anti-virus is installed.
    pub av: bool,
    /// The government configuration baseline (GCB) is applied.
    pub gcb: bool,
    /// The device is in the VANS software inventory.
    pub vans: bool,
    /// 雙網卡: connected to two networks at once.
    pub dual_nic: bool,
    /// The product that reported it (an EDR product's name), or empty.
    pub product: String,
}

/// How bad a SOC alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertSeverity {
    /// 嚴重
    Critical,
    /// 高
    High,
    /// 中
    Medium,
    /// 低
    Low,
    /// 資訊
    Info,
}

impl AlertSeverity {
    /// Most severe first: the order of [`AlertMetrics::by_severity`].
    pub const ALL: [AlertSeverity; 5] = [
        AlertSeverity::Critical,
        AlertSeverity::High,
        AlertSeverity::Medium,
        AlertSeverity::Low,
        AlertSeverity::Info,
    ];
    /// The English word.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertSeverity::Critical => "critical",
            AlertSeverity::High => "high",
            AlertSeverity::Medium => "medium",
            AlertSeverity::Low => "low",
            AlertSeverity::Info => "info",
        }
    }
    /// The word a Chinese SOC report uses.
    pub fn zh(self) -> &'static str {
        match self {
            AlertSeverity::Critical => "嚴重",
            AlertSeverity::High => "高",
            AlertSeverity::Medium => "中",
            AlertSeverity::Low => "低",
            AlertSeverity::Info => "資訊",
        }
    }
    /// Its place in [`AlertSeverity::ALL`].
    pub fn index(self) -> usize {
        match self {
            AlertSeverity::Critical => 0,
            AlertSeverity::High => 1,
            AlertSeverity::Medium => 2,
            AlertSeverity::Low => 3,
            AlertSeverity::Info => 4,
        }
    }
    /// The English word (any case, `informational` too) or the Chinese one.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let t = s.trim();
        let l = t.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == l || x.zh() == t)
            .or((l == "informational").then_some(AlertSeverity::Info))
            .ok_or_else(|| {
                invalid(
                    "severity",
                    msg!("reason.coverage.severity", value = shown(t)),
                )
            })
    }
}

/// Whether the SOC still works on an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    /// New or being handled (處理中、未結案).
    Open,
    /// Resolved (已結案).
    Closed,
}

impl AlertStatus {
    pub const ALL: [AlertStatus; 2] = [AlertStatus::Open, AlertStatus::Closed];
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Closed => "closed",
        }
    }
    /// `open`, `new`, `in_progress` (`in progress`, `in-progress`),
    /// 處理中 or 未結案 is open; `closed`, `resolved`, 已結案 or 結案 is
    /// closed (the English words in any case).
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let t = s.trim();
        let l = t.to_ascii_lowercase().replace([' ', '-'], "_");
        match l.as_str() {
            "open" | "new" | "in_progress" | "處理中" | "未結案" => Ok(AlertStatus::Open),
            "closed" | "resolved" | "已結案" | "結案" => Ok(AlertStatus::Closed),
            _ => Err(invalid(
                "status",
                msg!("reason.coverage.status", value = shown(t)),
            )),
        }
    }
}

/// One alert of the SOC's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocAlert {
    /// When it was raised (unix seconds).
    pub at: i64,
    /// The device it is about: a hostname or an IP, trimmed and lowercased.
    pub device: String,
    /// The detection rule (may be empty).
    pub rule: String,
    pub severity: AlertSeverity,
    pub status: AlertStatus,
    /// When it was closed (unix seconds, not before `at`); none for an open
    /// alert, and for a closed one whose closing time was not exported.
    pub closed_at: Option<i64>,
}

/// A column of an import: the header names (and JSON keys) it goes by,
/// compared lowercased and without blanks, `_` or `-`.
type Column = &'static [&'static str];

/// The columns of a device report, in [`device`]'s order.
const DEVICE_COLUMNS: [Column; 9] = [
    // hostname
    &["hostname", "host", "主機名稱", "電腦名稱", "主機"],
    // ip
    &["ip", "ipaddress", "ip位址", "ips"],
    // edr
    &["edr"],
    // edr_last_seen
    &["edrlastseen", "lastseen", "最後連線", "最後連線時間"],
    // av
    &["av", "antivirus", "防毒", "防毒軟體"],
    // gcb
    &["gcb"],
    // vans
    &["vans"],
    // dual_nic
    &["dualnic", "雙網卡"],
    // product
    &["product", "產品"],
];

/// The columns of an alert, in [`alert`]'s order.
const ALERT_COLUMNS: [Column; 6] = [
    // time
    &["time", "timestamp", "at", "發生時間"],
    // device
    &["device", "host", "hostname", "設備"],
    // rule
    &["rule", "rulename", "規則"],
    // severity
    &["severity", "嚴重程度"],
    // status
    &["status", "狀態"],
    // closed_at
    &["closedat", "結案時間"],
];

/// One cell of a row: CSV text or a JSON value.
#[derive(Debug, Clone, Copy)]
enum Cell<'a> {
    Text(&'a str),
    Json(&'a Value),
}

/// A row's cells in its columns' order (none: no such column or key).
type Cells<'a> = [Option<Cell<'a>>];

/// Reads the device reports of a CSV export. The first line is the header
/// (a UTF-8 BOM is dropped; tab-separated text is read too); it needs a
/// hostname or an IP column, else nothing is read.
pub fn read_devices_csv(text: &str) -> Read<DeviceReport> {
    read_csv(
        text,
        &DEVICE_COLUMNS,
        |at| at[0].is_some() || at[1].is_some(),
        "reason.coverage.header_devices",
        device,
    )
}

/// Reads the device reports of a JSON export: an array of objects or
/// `{"devices": [...]}`, with the CSV's English field names.
pub fn read_devices_json(text: &str) -> Read<DeviceReport> {
    read_json(text, &DEVICE_COLUMNS, "devices", device)
}

/// Reads a SOC's alert list in CSV; the header needs a time and a device
/// column, else nothing is read.
pub fn read_alerts_csv(text: &str) -> Read<SocAlert> {
    read_csv(
        text,
        &ALERT_COLUMNS,
        |at| at[0].is_some() && at[1].is_some(),
        "reason.coverage.header_alerts",
        alert,
    )
}

/// Reads a SOC's alert list in JSON: an array of objects or
/// `{"alerts": [...]}`; times may also be JSON numbers (unix seconds).
pub fn read_alerts_json(text: &str) -> Read<SocAlert> {
    read_json(text, &ALERT_COLUMNS, "alerts", alert)
}

/// A header name or JSON key as compared: lowercased, without blanks, `_`,
/// `-` or a BOM.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '\u{feff}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The column a header name or key stands for.
fn column_of(columns: &[Column], name: &str) -> Option<usize> {
    if name.len() > 64 {
        return None;
    }
    let k = key(name);
    columns.iter().position(|c| c.contains(&k.as_str()))
}

fn read_csv<T>(
    text: &str,
    columns: &[Column],
    header_ok: fn(&[Option<usize>]) -> bool,
    header_reason: &'static str,
    build: fn(&Cells<'_>) -> Result<T, DomainError>,
) -> Read<T> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches('\t').count() > first.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    if !matches!(rdr.read_record(&mut record), Ok(true)) {
        return Read::refused("header", Msg::new(header_reason));
    }
    let mut at: Vec<Option<usize>> = vec![None; columns.len()];
    for (i, name) in record.iter().enumerate() {
        if let Some(c) = column_of(columns, name)
            && let Some(slot) = at.get_mut(c)
            && slot.is_none()
        {
            *slot = Some(i);
        }
    }
    if !header_ok(&at) {
        return Read::refused("header", Msg::new(header_reason));
    }
    let mut out = Read::default();
    let mut row = 0;
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => {
                // a string cannot fail to read; stop rather than loop
                out.skipped.push(Skipped {
                    row: row + 1,
                    field: "content",
                    reason: msg!("reason.coverage.unreadable"),
                });
                break;
            }
        }
        row += 1;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cells: Vec<Option<Cell<'_>>> = at
            .iter()
            .map(|i| i.and_then(|i| record.get(i)).map(Cell::Text))
            .collect();
        match build(&cells) {
            Ok(t) => out.rows.push(t),
            Err(e) => out.skipped.push(skipped(row, e)),
        }
    }
    out
}

fn read_json<T>(
    text: &str,
    columns: &[Column],
    wrapper: &'static str,
    build: fn(&Cells<'_>) -> Result<T, DomainError>,
) -> Read<T> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Read::refused("content", msg!("reason.coverage.json"));
    };
    let items = match &v {
        Value::Array(a) => a,
        Value::Object(o) => match o.get(wrapper) {
            Some(Value::Array(a)) => a,
            _ => {
                return Read::refused("content", msg!("reason.coverage.json_shape", key = wrapper));
            }
        },
        _ => {
            return Read::refused("content", msg!("reason.coverage.json_shape", key = wrapper));
        }
    };
    let mut out = Read::default();
    for (i, item) in items.iter().enumerate() {
        let row = i + 1;
        let Value::Object(o) = item else {
            out.skipped.push(Skipped {
                row,
                field: "content",
                reason: msg!("reason.coverage.not_object"),
            });
            continue;
        };
        let mut cells: Vec<Option<Cell<'_>>> = vec![None; columns.len()];
        for (k, v) in o {
            if let Some(c) = column_of(columns, k)
                && let Some(slot) = cells.get_mut(c)
                && slot.is_none()
            {
                *slot = Some(Cell::Json(v));
            }
        }
        match build(&cells) {
            Ok(t) => out.rows.push(t),
            Err(e) => out.skipped.push(skipped(row, e)),
        }
    }
    out
}

fn invalid(field: &'static str, reason: Msg) -> DomainError {
    DomainError::Invalid { field, reason }
}

fn skipped(row: usize, e: DomainError) -> Skipped {
    match e {
        DomainError::Invalid { field, reason } => Skipped { row, field, reason },
        DomainError::MoveIntoOwnSubtree => Skipped {
            row,
            field: "content",
            reason: msg!("reason.coverage.unreadable"),
        },
    }
}

/// A refused value as a reason quotes it: at most [`SHOWN_MAX`] characters.
fn shown(s: &str) -> String {
    let mut it = s.chars();
    let head: String = it.by_ref().take(SHOWN_MAX).collect();
    if it.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// A cell's text, trimmed (absent or JSON null: empty).
fn text_of<'a>(field: &'static str, c: Option<Cell<'a>>) -> Result<&'a str, DomainError> {
    match c {
        None | Some(Cell::Json(Value::Null)) => Ok(""),
        Some(Cell::Text(s)) => Ok(s.trim()),
        Some(Cell::Json(Value::String(s))) => Ok(s.trim()),
        Some(Cell::Json(_)) => Err(invalid(field, msg!("reason.coverage.text"))),
    }
}

/// Text to keep: no control characters, at most `max` characters.
fn bounded(field: &'static str, s: &str, max: usize) -> Result<String, DomainError> {
    if s.chars().any(char::is_control) {
        return Err(invalid(field, msg!("reason.coverage.control_chars")));
    }
    if s.chars().nth(max).is_some() {
        return Err(invalid(field, msg!("reason.coverage.too_long", max = max)));
    }
    Ok(s.to_string())
}

/// A hostname as compared: trimmed, lowercased, without a trailing dot.
fn norm_host(s: &str) -> String {
    s.trim().trim_end_matches('.').to_lowercase()
}

fn host_of(field: &'static str, c: Option<Cell<'_>>) -> Result<String, DomainError> {
    let s = text_of(field, c)?;
    Ok(norm_host(&bounded(field, s, HOSTNAME_MAX)?))
}

/// 是/否 and the usual spellings of yes and no.
fn parse_bool(field: &'static str, s: &str) -> Result<bool, DomainError> {
    let t = s.trim();
    let bad = || invalid(field, msg!("reason.coverage.bool", value = shown(t)));
    if t.len() > 8 {
        return Err(bad());
    }
    match t.to_lowercase().as_str() {
        "" | "false" | "no" | "n" | "0" | "否" | "無" | "x" => Ok(false),
        "true" | "yes" | "y" | "1" | "是" | "有" | "v" => Ok(true),
        _ => Err(bad()),
    }
}

fn bool_of(field: &'static str, c: Option<Cell<'_>>) -> Result<bool, DomainError> {
    match c {
        None | Some(Cell::Json(Value::Null)) => Ok(false),
        Some(Cell::Text(s)) => parse_bool(field, s),
        Some(Cell::Json(Value::String(s))) => parse_bool(field, s),
        Some(Cell::Json(Value::Bool(b))) => Ok(*b),
        Some(Cell::Json(v @ Value::Number(n))) => match n.as_u64() {
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            _ => Err(invalid(
                field,
                msg!("reason.coverage.bool", value = shown(&v.to_string())),
            )),
        },
        Some(Cell::Json(_)) => Err(invalid(field, msg!("reason.coverage.bool", value = "…"))),
    }
}

/// Adds the addresses of `s` (separated by `;`, `,` or blanks; IPv6 may
/// be bracketed) to `out`, each once.
fn push_ips(
    field: &'static str,
    s: &str,
    seen: &mut HashSet<IpAddr>,
    out: &mut Vec<IpAddr>,
) -> Result<(), DomainError> {
    for part in s
        .split(|c: char| c == ';' || c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let bare = part
            .strip_prefix('[')
            .and_then(|p| p.strip_suffix(']'))
            .unwrap_or(part);
        let ip: IpAddr = bare
            .parse()
            .map_err(|_| invalid(field, msg!("reason.coverage.ip", value = shown(part))))?;
        if seen.insert(ip) {
            out.push(ip);
        }
    }
    Ok(())
}

fn ips_of(field: &'static str, c: Option<Cell<'_>>) -> Result<Vec<IpAddr>, DomainError> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    match c {
        None | Some(Cell::Json(Value::Null)) => {}
        Some(Cell::Text(s)) => push_ips(field, s, &mut seen, &mut out)?,
        Some(Cell::Json(Value::String(s))) => push_ips(field, s, &mut seen, &mut out)?,
        Some(Cell::Json(Value::Array(a))) => {
            for v in a {
                let Value::String(s) = v else {
                    return Err(invalid(field, msg!("reason.coverage.text")));
                };
                push_ips(field, s, &mut seen, &mut out)?;
            }
        }
        Some(Cell::Json(_)) => return Err(invalid(field, msg!("reason.coverage.text"))),
    }
    Ok(out)
}

/// A year, month and day separated by `-`, `/` or `.` (or `年`, `月`
/// and a final `日`): a four-digit year is Gregorian, a shorter one ROC
/// (民國, + 1911); `roc` refuses a Gregorian year.
fn ymd_parts(s: &str, roc: bool) -> Option<Date> {
    let s = s.trim();
    let s = s.strip_suffix('日').unwrap_or(s);
    let mut parts = s.split(['-', '/', '.', '年', '月']).map(str::trim);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let num = |p: &str, max_len: usize| -> Option<i32> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let (yv, mv, dv) = (num(y, 4)?, num(m, 2)?, num(d, 2)?);
    let year = match y.len() {
        4 if !roc => yv,
        1..=3 => yv + 1911,
        _ => return None,
    };
    let month = Month::try_from(u8::try_from(mv).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(dv).ok()?).ok()
}

/// `HH:MM` or `HH:MM:SS` (a fraction of a second dropped): seconds since
/// midnight.
fn clock(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = s.split_once('.').map_or(s, |(whole, frac)| {
        if frac.bytes().all(|b| b.is_ascii_digit()) {
            whole
        } else {
            s
        }
    });
    let mut parts = s.split(':');
    let num = |p: Option<&str>, max: i64| -> Option<i64> {
        let p = p?;
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok().filter(|v| *v <= max)
    };
    let h = num(parts.next(), 23)?;
    let m = num(parts.next(), 59)?;
    let sec = match parts.next() {
        None => 0,
        s => num(s, 59)?,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(h * 3600 + m * 60 + sec)
}

/// An instant: unix seconds, RFC 3339 (with its offset), or a date and a
/// time of day without offset, taken as Asia/Taipei time.
fn instant_text(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return if s.len() <= 12 { s.parse().ok() } else { None };
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    if let Some((a, b)) = s.split_once(' ')
        && let Ok(t) = OffsetDateTime::parse(&format!("{a}T{}", b.trim_start()), &Rfc3339)
    {
        return Some(t.unix_timestamp());
    }
    let (date, time) = s.split_once([' ', 'T'])?;
    let d = ymd_parts(date, false)?;
    Some(day::taipei_start(d) + clock(time)?)
}

/// A calendar day: `YYYY-MM-DD`, `YYYY/MM/DD`, ROC `115/11/20`,
/// `115-11-20` or `民國115年11月20日`, or the Asia/Taipei day of an
/// instant [`instant_text`] reads.
fn date_text(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() > 64 {
        return None;
    }
    if let Some(rest) = s.strip_prefix("民國") {
        return ymd_parts(rest, true);
    }
    ymd_parts(s, false).or_else(|| instant_text(s).map(day::of_unix))
}

fn in_range(field: &'static str, d: Date) -> Result<(), DomainError> {
    if (day::EARLIEST..=day::LATEST).contains(&d) {
        Ok(())
    } else {
        Err(invalid(
            field,
            msg!(
                "reason.coverage.date_range",
                from = day::ymd(day::EARLIEST),
                to = day::ymd(day::LATEST)
            ),
        ))
    }
}

fn date_of(field: &'static str, c: Option<Cell<'_>>) -> Result<Option<Date>, DomainError> {
    let s = text_of(field, c)?;
    if s.is_empty() {
        return Ok(None);
    }
    let d = date_text(s)
        .ok_or_else(|| invalid(field, msg!("reason.coverage.date", value = shown(s))))?;
    in_range(field, d)?;
    Ok(Some(d))
}

fn instant_of(field: &'static str, c: Option<Cell<'_>>) -> Result<Option<i64>, DomainError> {
    let t = match c {
        Some(Cell::Json(v @ Value::Number(n))) => n.as_i64().ok_or_else(|| {
            invalid(
                field,
                msg!("reason.coverage.time", value = shown(&v.to_string())),
            )
        })?,
        c => {
            let s = text_of(field, c)?;
            if s.is_empty() {
                return Ok(None);
            }
            instant_text(s)
                .ok_or_else(|| invalid(field, msg!("reason.coverage.time", value = shown(s))))?
        }
    };
    in_range(field, day::of_unix(t))?;
    Ok(Some(t))
}

fn required(field: &'static str) -> DomainError {
    invalid(field, msg!("reason.coverage.required"))
}

/// A device report from its cells ([`DEVICE_COLUMNS`]' order).
fn device(c: &Cells<'_>) -> Result<DeviceReport, DomainError> {
    let &[host, ip, edr, seen, av, gcb, vans, nic, product] = c else {
        return Err(invalid("content", msg!("reason.coverage.unreadable")));
    };
    let hostname = host_of("hostname", host)?;
    let ip = ips_of("ip", ip)?;
    if hostname.is_empty() && ip.is_empty() {
        return Err(invalid("hostname", msg!("reason.coverage.no_device")));
    }
    Ok(DeviceReport {
        hostname,
        ip,
        edr: bool_of("edr", edr)?,
        edr_last_seen: date_of("edr_last_seen", seen)?,
        av: bool_of("av", av)?,
        gcb: bool_of("gcb", gcb)?,
        vans: bool_of("vans", vans)?,
        dual_nic: bool_of("dual_nic", nic)?,
        product: bounded("product", text_of("product", product)?, TEXT_MAX)?,
    })
}

/// An alert from its cells ([`ALERT_COLUMNS`]' order). No status is open.
fn alert(c: &Cells<'_>) -> Result<SocAlert, DomainError> {
    let &[time, device, rule, severity, status, closed_at] = c else {
        return Err(invalid("content", msg!("reason.coverage.unreadable")));
    };
    let at = instant_of("time", time)?.ok_or_else(|| required("time"))?;
    let device = host_of("device", device)?;
    if device.is_empty() {
        return Err(required("device"));
    }
    let rule = bounded("rule", text_of("rule", rule)?, TEXT_MAX)?;
    let severity = match text_of("severity", severity)? {
        "" => return Err(required("severity")),
        s => AlertSeverity::parse(s)?,
    };
    let status = match text_of("status", status)? {
        "" => AlertStatus::Open,
        s => AlertStatus::parse(s)?,
    };
    let closed_at = match status {
        AlertStatus::Open => None,
        AlertStatus::Closed => instant_of("closed_at", closed_at)?,
    };
    if closed_at.is_some_and(|t| t < at) {
        return Err(invalid("closed_at", msg!("reason.coverage.closed_before")));
    }
    Ok(SocAlert {
        at,
        device,
        rule,
        severity,
        status,
        closed_at,
    })
}

/// A device of the asset register, as matching needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegisterDevice {
    pub asset_id: String,
    pub name: String,
    /// May be empty, a short name or a fully qualified one.
    pub hostname: String,
    pub ips: Vec<IpAddr>,
}

/// A register device and what the consoles report of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceCoverage {
    pub asset_id: String,
    pub name: String,
    /// Its reports merged into one; none: no console reports it.
    pub report: Option<DeviceReport>,
}

/// The register with its reports.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Matched {
    /// One per register device, in the register's order.
    pub devices: Vec<DeviceCoverage>,
    /// The reports of devices the register does not have, in their order.
    pub unregistered: Vec<DeviceReport>,
}

/// The short name of a fully qualified hostname (`pc01` of
/// `pc01.police.gov.tw`); none for a name without a dot or an IP.
fn short(h: &str) -> Option<&str> {
    if h.parse::<IpAddr>().is_ok() {
        return None;
    }
    let (s, _) = h.split_once('.')?;
    (!s.is_empty()).then_some(s)
}

/// Matches the reports to the register. A report belongs to the first
/// register device whose hostname is its own (any case; a short name also
/// matches the fully qualified name it begins, `pc01` and
/// `pc01.police.gov.tw`), else to the first sharing one of its addresses;
/// a name match wins over an address one. The reports of one device are
/// merged: a flag is set if any report sets it, the last check-in is the
/// latest, the addresses and products are all kept.
pub fn match_devices(register: &[RegisterDevice], reports: &[DeviceReport]) -> Matched {
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut by_short: HashMap<String, usize> = HashMap::new();
    let mut by_ip: HashMap<IpAddr, usize> = HashMap::new();
    for (i, r) in register.iter().enumerate() {
        let h = norm_host(&r.hostname);
        if !h.is_empty() {
            if let Some(s) = short(&h) {
                by_short.entry(s.to_string()).or_insert(i);
            }
            by_name.entry(h).or_insert(i);
        }
        for ip in &r.ips {
            by_ip.entry(*ip).or_insert(i);
        }
    }
    let mut found: Vec<Vec<&DeviceReport>> = vec![Vec::new(); register.len()];
    let mut unregistered = Vec::new();
    for rep in reports {
        let h = norm_host(&rep.hostname);
        let by_host = if h.is_empty() {
            None
        } else {
            let exact = by_name.get(&h);
            let register_short = short(&h).and_then(|s| by_name.get(s));
            let report_short = if h.contains('.') {
                None
            } else {
                by_short.get(&h)
            };
            [exact, register_short, report_short]
                .into_iter()
                .flatten()
                .min()
                .copied()
        };
        let i = by_host.or_else(|| rep.ip.iter().filter_map(|ip| by_ip.get(ip)).min().copied());
        match i.and_then(|i| found.get_mut(i)) {
            Some(f) => f.push(rep),
            None => unregistered.push(rep.clone()),
        }
    }
    let devices = register
        .iter()
        .zip(found)
        .map(|(r, f)| DeviceCoverage {
            asset_id: r.asset_id.clone(),
            name: r.name.clone(),
            report: merge(&f),
        })
        .collect();
    Matched {
        devices,
        unregistered,
    }
}

/// The reports of one device as one.
fn merge(reports: &[&DeviceReport]) -> Option<DeviceReport> {
    let (first, rest) = reports.split_first()?;
    let mut m = (*first).clone();
    let mut ips: HashSet<IpAddr> = m.ip.iter().copied().collect();
    let mut products: Vec<String> = Vec::new();
    if !m.product.is_empty() {
        products.push(m.product.clone());
    }
    for r in rest {
        if m.hostname.is_empty() {
            m.hostname.clone_from(&r.hostname);
        }
        for ip in &r.ip {
            if ips.insert(*ip) {
                m.ip.push(*ip);
            }
        }
        m.edr |= r.edr;
        m.edr_last_seen = m.edr_last_seen.max(r.edr_last_seen);
        m.av |= r.av;
        m.gcb |= r.gcb;
        m.vans |= r.vans;
        m.dual_nic |= r.dual_nic;
        if !r.product.is_empty() && !products.contains(&r.product) {
            products.push(r.product.clone());
        }
    }
    m.product = products.join(", ");
    Some(m)
}

/// A count out of a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Ratio {
    pub numerator: u64,
    pub denominator: u64,
}

impl Ratio {
    /// The percentage; none out of nothing.
    pub fn percent(&self) -> Option<f64> {
        (self.denominator != 0).then(|| self.numerator as f64 * 100.0 / self.denominator as f64)
    }
}

/// The coverage of the register's devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Coverage {
    /// Register devices.
    pub devices: u32,
    /// With an EDR agent seen within the stale limit.
    pub edr: u32,
    /// With an EDR agent not seen within it (or never).
    pub edr_stale: u32,
    pub av: u32,
    pub gcb: u32,
    pub vans: u32,
    /// Connected to two networks (a finding).
    pub dual_nic: u32,
    /// Devices reported but not in the register.
    pub unregistered: u32,
}

impl Coverage {
    fn of(&self, n: u32) -> Ratio {
        Ratio {
            numerator: n.into(),
            denominator: self.devices.into(),
        }
    }
    /// Devices with a live EDR agent out of all.
    pub fn edr_ratio(&self) -> Ratio {
        self.of(self.edr)
    }
    pub fn av_ratio(&self) -> Ratio {
        self.of(self.av)
    }
    pub fn gcb_ratio(&self) -> Ratio {
        self.of(self.gcb)
    }
    pub fn vans_ratio(&self) -> Ratio {
        self.of(self.vans)
    }
}

/// The state of a device's EDR agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edr {
    Missing,
    Stale,
    Live,
}

fn edr_state(r: Option<&DeviceReport>, today: Date, stale_days: i64) -> Edr {
    match r {
        Some(r) if r.edr => {
            if r.edr_last_seen
                .is_some_and(|d| (today - d).whole_days() <= stale_days)
            {
                Edr::Live
            } else {
                Edr::Stale
            }
        }
        _ => Edr::Missing,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The coverage on `today`: an EDR agent counts when last seen at most
/// `stale_days` days before (an agent never seen is stale).
pub fn coverage(m: &Matched, today: Date, stale_days: i64) -> Coverage {
    let reports = || m.devices.iter().filter_map(|d| d.report.as_ref());
    let states = || {
        m.devices
            .iter()
            .map(|d| edr_state(d.report.as_ref(), today, stale_days))
    };
    Coverage {
        devices: count(m.devices.len()),
        edr: count(states().filter(|s| *s == Edr::Live).count()),
        edr_stale: count(states().filter(|s| *s == Edr::Stale).count()),
        av: count(reports().filter(|r| r.av).count()),
        gcb: count(reports().filter(|r| r.gcb).count()),
        vans: count(reports().filter(|r| r.vans).count()),
        dual_nic: count(reports().filter(|r| r.dual_nic).count()),
        unregistered: count(m.unregistered.len()),
    }
}

/// What a register device lacks (or, for `DualNic`, a finding on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gap {
    /// No EDR agent.
    Edr,
    /// An EDR agent not seen recently.
    EdrStale,
    /// No anti-virus.
    Av,
    /// GCB not applied.
    Gcb,
    /// Not in the VANS inventory.
    Vans,
    /// Connected to two networks.
    DualNic,
}

impl Gap {
    pub const ALL: [Gap; 6] = [
        Gap::Edr,
        Gap::EdrStale,
        Gap::Av,
        Gap::Gcb,
        Gap::Vans,
        Gap::DualNic,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Gap::Edr => "edr",
            Gap::EdrStale => "edr_stale",
            Gap::Av => "av",
            Gap::Gcb => "gcb",
            Gap::Vans => "vans",
            Gap::DualNic => "dual_nic",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "gap", s.trim())
    }
}

/// The register devices with something missing (a device no console
/// reports lacks everything), each with its gaps in [`Gap::ALL`]'s order;
/// devices with none are left out.
pub fn missing(m: &Matched, today: Date, stale_days: i64) -> Vec<(String, Vec<Gap>)> {
    m.devices
        .iter()
        .filter_map(|d| {
            let r = d.report.as_ref();
            let flag = |f: fn(&DeviceReport) -> bool| r.is_some_and(f);
            let mut gaps = Vec::new();
            match edr_state(r, today, stale_days) {
                Edr::Missing => gaps.push(Gap::Edr),
                Edr::Stale => gaps.push(Gap::EdrStale),
                Edr::Live => {}
            }
            for (has, gap) in [
                (flag(|r| r.av), Gap::Av),
                (flag(|r| r.gcb), Gap::Gcb),
                (flag(|r| r.vans), Gap::Vans),
            ] {
                if !has {
                    gaps.push(gap);
                }
            }
            if flag(|r| r.dual_nic) {
                gaps.push(Gap::DualNic);
            }
            (!gaps.is_empty()).then(|| (d.asset_id.clone(), gaps))
        })
        .collect()
}

/// The SOC's figures over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AlertMetrics {
    pub total: u32,
    pub open: u32,
    pub closed: u32,
    /// In [`AlertSeverity::ALL`]'s order.
    pub by_severity: [u32; 5],
    /// The mean of closing time − raising time over the closed alerts with
    /// a closing time, rounded down; none when there is none.
    pub mean_time_to_respond_secs: Option<i64>,
}

/// The figures of the alerts raised in `[from, to)` (unix seconds).
pub fn alert_metrics(alerts: &[SocAlert], from: i64, to: i64) -> AlertMetrics {
    let mut m = AlertMetrics::default();
    let mut sum: i128 = 0;
    let mut n: i128 = 0;
    for a in alerts.iter().filter(|a| from <= a.at && a.at < to) {
        m.total = m.total.saturating_add(1);
        match a.status {
            AlertStatus::Open => m.open = m.open.saturating_add(1),
            AlertStatus::Closed => {
                m.closed = m.closed.saturating_add(1);
                if let Some(c) = a.closed_at {
                    sum += i128::from(c) - i128::from(a.at);
                    n += 1;
                }
            }
        }
        if let Some(s) = m.by_severity.get_mut(a.severity.index()) {
            *s = s.saturating_add(1);
        }
    }
    m.mean_time_to_respond_secs = (n > 0).then(|| {
        let mean = sum.div_euclid(n);
        i64::try_from(mean).unwrap_or(if mean < 0 { i64::MIN } else { i64::MAX })
    });
    m
}

/// The share of the devices expected to send logs that do (more than
/// expected shows above 100 %: the expected list is out of date).
pub fn log_completeness(sending: u64, expected: u64) -> Ratio {
    Ratio {
        numerator: sending,
        denominator: expected,
    }
}

/// One agency's answer on EDR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgencyEdr {
    /// Its responsibility level.
    pub level: Level,
    /// It has adopted an EDR.
    pub edr_adopted: bool,
    /// It submits the EDR's detection data as designated.
    pub submitted: bool,
}

/// The national indicators on B-level agencies' EDR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct NationalKpis {
    /// B-level agencies submitting EDR detection data as designated, out of
    /// all B-level agencies.
    pub b_submission: Ratio,
    /// B-level agencies with an EDR adopted, out of all B-level agencies.
    pub b_adoption: Ratio,
}

/// The B-level indicators of a set of agencies.
pub fn national_kpis(agencies: &[AgencyEdr]) -> NationalKpis {
    let b: Vec<&AgencyEdr> = agencies.iter().filter(|a| a.level == Level::B).collect();
    let all = b.len() as u64;
    let of = |f: fn(&AgencyEdr) -> bool| Ratio {
        numerator: b.iter().filter(|a| f(a)).count() as u64,
        denominator: all,
    };
    NationalKpis {
        b_submission: of(|a| a.submitted),
        b_adoption: of(|a| a.edr_adopted),
    }
}

/// Days within which an agency's devices report counts as its EDR data
/// submitted "as designated".
pub const SUBMISSION_DAYS: i64 = 31;

/// What a console's export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Devices' status (EDR, anti-virus, GCB, VANS).
    Devices,
    /// SOC alerts.
    Alerts,
}

impl ReportKind {
    pub const ALL: [ReportKind; 2] = [ReportKind::Devices, ReportKind::Alerts];
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Devices => "devices",
            ReportKind::Alerts => "alerts",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "dataset", s.trim())
    }
}

/// What a report keeps as its JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReportBody {
    #[serde(default)]
    pub devices: Vec<DeviceReport>,
    #[serde(default)]
    pub alerts: Vec<SocAlert>,
}

/// A console's export as an organisation received it: the rows read and,
/// for devices, the register's coverage on the day it came in (with the
/// latest export of every other console).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageReport {
    pub id: crate::CoverageReportId,
    pub org_id: crate::OrgId,
    pub kind: ReportKind,
    /// The console or SOC it came from (a product or vendor name).
    pub source: String,
    pub received_at: i64,
    pub body: ReportBody,
    /// Rows set aside when it was read.
    pub skipped: u32,
    pub summary: Option<Coverage>,
    pub created_by: Option<crate::UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Whether an agency's latest devices summary shows an EDR adopted (an
/// agent on any device, live or stale).
pub fn edr_adopted(summary: Option<&Coverage>) -> bool {
    summary.is_some_and(|c| c.edr + c.edr_stale > 0)
}

/// Whether the agency submits its EDR data as designated on `now`: its
/// latest devices report, with an EDR agent in it, received within
/// [`SUBMISSION_DAYS`].
pub fn edr_submitted(received_at: i64, summary: Option<&Coverage>, now: i64) -> bool {
    now - received_at <= SUBMISSION_DAYS * 86_400 && edr_adopted(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};
    use time::macros::date;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn reason_key(s: &Skipped) -> &str {
        s.reason.key()
    }

    #[test]
    fn csv_with_chinese_headers_and_a_bom() {
        let text = "\u{feff}主機名稱,IP位址,EDR,最後連線,防毒,GCB,VANS,雙網卡,產品\n\
                    PC01.Police.gov.tw,10.0.0.1; 10.0.0.2 ,是,115/11/20,有,V,1,否,Apex One\n";
        let r = read_devices_csv(text);
        assert!(r.skipped.is_empty(), "{:?}", r.skipped);
        assert_eq!(
            r.rows,
            vec![DeviceReport {
                hostname: "pc01.police.gov.tw".into(),
                ip: vec![ip("10.0.0.1"), ip("10.0.0.2")],
                edr: true,
                edr_last_seen: Some(date!(2026 - 11 - 20)),
                av: true,
                gcb: true,
                vans: true,
                dual_nic: false,
                product: "Apex One".into(),
            }]
        );
    }

    #[test]
    fn english_headers_any_case_and_tabs() {
        let text = "Host Name\tIP_Address\tEDR\tLast-Seen\tAntivirus\n\
                    pc02\t[fe80::1]\tyes\t2026-11-19\tno\n";
        let r = read_devices_csv(text);
        assert!(r.skipped.is_empty(), "{:?}", r.skipped);
        assert_eq!(r.rows[0].hostname, "pc02");
        assert_eq!(
            r.rows[0].ip,
            vec![IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1))]
        );
        assert!(r.rows[0].edr && !r.rows[0].av);
        assert_eq!(r.rows[0].edr_last_seen, Some(date!(2026 - 11 - 19)));
    }

    #[test]
    fn every_spelling_of_yes_and_no() {
        let text = "hostname,edr,av,gcb,vans,dual_nic\n\
                    a,true,yes,Y,1,是\n\
                    b,FALSE,No,n,0,否\n\
                    c,有,無,v,X,\n\
                    d,TRUE,maybe,1,1,1\n\
                    e,y,y,y,y,y\n";
        let r = read_devices_csv(text);
        let flags: Vec<(String, [bool; 5])> = r
            .rows
            .iter()
            .map(|d| (d.hostname.clone(), [d.edr, d.av, d.gcb, d.vans, d.dual_nic]))
            .collect();
        assert_eq!(
            flags,
            vec![
                ("a".into(), [true; 5]),
                ("b".into(), [false; 5]),
                ("c".into(), [true, false, true, false, false]),
                ("e".into(), [true; 5]),
            ]
        );
        assert_eq!(r.skipped.len(), 1);
        assert_eq!((r.skipped[0].row, r.skipped[0].field), (4, "av"));
        assert_eq!(reason_key(&r.skipped[0]), "reason.coverage.bool");
    }

    #[test]
    fn dates_in_every_spelling() {
        let text = "hostname,last_seen\n\
                    a,2026/11/20\n\
                    b,115-11-20\n\
                    c,民國115年11月20日\n\
                    d,2026-11-20T17:30:00Z\n\
                    e,2026-11-20 23:59\n\
                    f,2026-13-01\n\
                    g,1/01/01\n\
                    h,\n";
        let r = read_devices_csv(text);
        let seen: Vec<(String, Option<Date>)> = r
            .rows
            .iter()
            .map(|d| (d.hostname.clone(), d.edr_last_seen))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("a".into(), Some(date!(2026 - 11 - 20))),
                ("b".into(), Some(date!(2026 - 11 - 20))),
                ("c".into(), Some(date!(2026 - 11 - 20))),
                // 17:30 UTC is 01:30 of the next day in Taipei
                ("d".into(), Some(date!(2026 - 11 - 21))),
                ("e".into(), Some(date!(2026 - 11 - 20))),
                ("h".into(), None),
            ]
        );
        let bad: Vec<(usize, &str, &str)> = r
            .skipped
            .iter()
            .map(|s| (s.row, s.field, reason_key(s)))
            .collect();
        assert_eq!(
            bad,
            vec![
                (6, "edr_last_seen", "reason.coverage.date"),
                // ROC year 1 is 1912: before any record of this programme
                (7, "edr_last_seen", "reason.coverage.date_range"),
            ]
        );
    }

    #[test]
    fn a_bad_address_skips_its_row_only() {
        let text = "hostname,ip,edr\npc01,10.0.0.300,1\npc02,10.0.0.2,1\n,,1\n";
        let r = read_devices_csv(text);
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].hostname, "pc02");
        assert_eq!(r.rows[0].ip, vec![IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2))]);
        let bad: Vec<(usize, &str, &str)> = r
            .skipped
            .iter()
            .map(|s| (s.row, s.field, reason_key(s)))
            .collect();
        assert_eq!(
            bad,
            vec![
                (1, "ip", "reason.coverage.ip"),
                (3, "hostname", "reason.coverage.no_device"),
            ]
        );
    }

    #[test]
    fn a_header_without_hostname_or_address_refuses_the_file() {
        for text in ["edr,av\n1,1\n", "", "\u{feff}", "\n\n"] {
            let r = read_devices_csv(text);
            assert!(r.rows.is_empty());
            assert_eq!(r.skipped.len(), 1, "{text:?}");
            assert_eq!((r.skipped[0].row, r.skipped[0].field), (0, "header"));
            assert_eq!(reason_key(&r.skipped[0]), "reason.coverage.header_devices");
        }
        // only a header: nothing to read, nothing wrong
        assert_eq!(read_devices_csv("ip\n"), Read::default());
    }

    #[test]
    fn json_in_both_shapes() {
        let arr = r#"[{"hostname":"PC01","ip":["10.0.0.1","10.0.0.2"],"edr":true,
                       "edr_last_seen":"2026-11-20","av":"是","gcb":1,"vans":null},
                      {"ip":"10.0.0.3","dual_nic":"V","product":"XDR"},
                      42,
                      {"hostname":"pc04","edr":"sometimes"}]"#;
        let r = read_devices_json(arr);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].hostname, "pc01");
        assert_eq!(r.rows[0].ip, vec![ip("10.0.0.1"), ip("10.0.0.2")]);
        assert!(r.rows[0].edr && r.rows[0].av && r.rows[0].gcb && !r.rows[0].vans);
        assert_eq!(r.rows[0].edr_last_seen, Some(date!(2026 - 11 - 20)));
        assert_eq!(r.rows[1].hostname, "");
        assert!(r.rows[1].dual_nic);
        assert_eq!(r.rows[1].product, "XDR");
        let bad: Vec<(usize, &str, &str)> = r
            .skipped
            .iter()
            .map(|s| (s.row, s.field, reason_key(s)))
            .collect();
        assert_eq!(
            bad,
            vec![
                (3, "content", "reason.coverage.not_object"),
                (4, "edr", "reason.coverage.bool"),
            ]
        );

        let wrapped = r#"{"devices":[{"host":"pc05","edr":false,"antivirus":true}]}"#;
        let r = read_devices_json(wrapped);
        assert!(r.skipped.is_empty());
        assert_eq!(r.rows[0].hostname, "pc05");
        assert!(!r.rows[0].edr && r.rows[0].av);
    }

    #[test]
    fn malformed_or_misshapen_json_refuses_the_file() {
        for (text, reason) in [
            ("[{\"hostname\":", "reason.coverage.json"),
            ("", "reason.coverage.json"),
            ("{\"items\":[]}", "reason.coverage.json_shape"),
            ("\"pc01\"", "reason.coverage.json_shape"),
        ] {
            let r = read_devices_json(text);
            assert!(r.rows.is_empty());
            assert_eq!(r.skipped.len(), 1);
            assert_eq!((r.skipped[0].row, r.skipped[0].field), (0, "content"));
            assert_eq!(reason_key(&r.skipped[0]), reason, "{text:?}");
        }
    }

    #[test]
    fn alert_times_in_taipei_time_and_offsets() {
        // 2026-11-20 09:00 in Taipei is 2026-11-20T01:00:00Z
        let nine = 1_795_136_400;
        assert_eq!(
            OffsetDateTime::from_unix_timestamp(nine).unwrap(),
            time::macros::datetime!(2026-11-20 01:00 UTC)
        );
        let text = "發生時間,設備,規則,嚴重程度,狀態,結案時間\n\
                    2026-11-20 09:00,PC01,Mimikatz,嚴重,已結案,2026-11-20 10:30:15\n\
                    2026-11-20T09:00:00+08:00,10.0.0.5,Beacon,High,in progress,2026-11-20 08:00\n\
                    1795136400,pc02,Scan,低,,\n\
                    2026/11/20 09:00:00,pc03,Scan,info,closed,\n";
        let r = read_alerts_csv(text);
        assert!(r.skipped.is_empty(), "{:?}", r.skipped);
        assert_eq!(
            r.rows,
            vec![
                SocAlert {
                    at: nine,
                    device: "pc01".into(),
                    rule: "Mimikatz".into(),
                    severity: AlertSeverity::Critical,
                    status: AlertStatus::Closed,
                    closed_at: Some(nine + 5415),
                },
                SocAlert {
                    at: nine,
                    device: "10.0.0.5".into(),
                    rule: "Beacon".into(),
                    severity: AlertSeverity::High,
                    status: AlertStatus::Open,
                    // ignored on an open alert, even before it was raised
                    closed_at: None,
                },
                SocAlert {
                    at: nine,
                    device: "pc02".into(),
                    rule: "Scan".into(),
                    severity: AlertSeverity::Low,
                    status: AlertStatus::Open,
                    closed_at: None,
                },
                SocAlert {
                    at: nine,
                    device: "pc03".into(),
                    rule: "Scan".into(),
                    severity: AlertSeverity::Info,
                    status: AlertStatus::Closed,
                    closed_at: None,
                },
            ]
        );
    }

    #[test]
    fn alerts_closed_before_raised_and_other_faults_are_skipped() {
        let text = "time,device,rule,severity,status,closed_at\n\
                    2026-11-20 09:00,pc01,r,high,closed,2026-11-20 08:59\n\
                    2026-11-20 25:00,pc01,r,high,open,\n\
                    2026-11-20 09:00,,r,high,open,\n\
                    2026-11-20 09:00,pc01,r,urgent,open,\n\
                    2026-11-20 09:00,pc01,r,high,pending,\n\
                    0,pc01,r,high,open,\n\
                    2026-11-20 09:00,pc01,r,high,resolved,2026-11-20 09:00\n";
        let r = read_alerts_csv(text);
        let bad: Vec<(usize, &str, &str)> = r
            .skipped
            .iter()
            .map(|s| (s.row, s.field, reason_key(s)))
            .collect();
        assert_eq!(
            bad,
            vec![
                (1, "closed_at", "reason.coverage.closed_before"),
                (2, "time", "reason.coverage.time"),
                (3, "device", "reason.coverage.required"),
                (4, "severity", "reason.coverage.severity"),
                (5, "status", "reason.coverage.status"),
                (6, "time", "reason.coverage.date_range"),
            ]
        );
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].closed_at, Some(r.rows[0].at));
        let r = read_alerts_csv("device,rule\npc01,x\n");
        assert_eq!(reason_key(&r.skipped[0]), "reason.coverage.header_alerts");
    }

    #[test]
    fn alerts_in_json_with_numeric_times() {
        let text = r#"{"alerts":[
            {"timestamp":1795136400,"host":"PC01","rule_name":"x","severity":"MEDIUM",
             "status":"處理中"},
            {"time":"2026-11-20T01:00:00Z","device":"pc02","severity":"中",
             "status":"結案","closed_at":1795136460},
            {"time":true,"device":"pc03","severity":"low"}]}"#;
        let r = read_alerts_json(text);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].at, 1_795_136_400);
        assert_eq!(r.rows[0].status, AlertStatus::Open);
        assert_eq!(r.rows[1].at, 1_795_136_400);
        assert_eq!(r.rows[1].closed_at, Some(1_795_136_460));
        assert_eq!(r.rows[1].severity, AlertSeverity::Medium);
        assert_eq!((r.skipped[0].row, r.skipped[0].field), (3, "time"));
    }

    fn register() -> Vec<RegisterDevice> {
        vec![
            RegisterDevice {
                asset_id: "A1".into(),
                name: "承辦人電腦".into(),
                hostname: "pc01.police.gov.tw".into(),
                ips: vec![ip("10.0.0.1")],
            },
            RegisterDevice {
                asset_id: "A2".into(),
                name: "檔案伺服器".into(),
                hostname: "SRV02".into(),
                ips: vec![ip("10.0.0.2")],
            },
            RegisterDevice {
                asset_id: "A3".into(),
                name: "印表機".into(),
                hostname: String::new(),
                ips: vec![ip("10.0.0.3")],
            },
            RegisterDevice {
                asset_id: "A4".into(),
                name: "備用電腦".into(),
                hostname: "pc04".into(),
                ips: vec![],
            },
        ]
    }

    fn report(host: &str, ips: &[&str]) -> DeviceReport {
        DeviceReport {
            hostname: host.into(),
            ip: ips.iter().map(|s| ip(s)).collect(),
            ..DeviceReport::default()
        }
    }

    #[test]
    fn matching_by_name_short_name_and_address() {
        let reports = vec![
            // short name of A1's FQDN, from the EDR console
            DeviceReport {
                edr: true,
                edr_last_seen: Some(date!(2026 - 11 - 18)),
                product: "EDR-X".into(),
                ..report("PC01", &[])
            },
            // A2's short name is this FQDN's
            DeviceReport {
                av: true,
                ..report("srv02.police.gov.tw", &[])
            },
            // by address only
            DeviceReport {
                gcb: true,
                ..report("printer", &["10.0.0.3"])
            },
            // A1 by name although its address is A2's; merged with the first
            DeviceReport {
                av: true,
                edr: false,
                edr_last_seen: Some(date!(2026 - 11 - 19)),
                product: "AV-Y".into(),
                ..report("pc01.police.gov.tw.", &["10.0.0.2"])
            },
            // same short name, other domain: not A1
            report("pc01.other.gov.tw", &[]),
            report("pc99", &["10.9.9.9"]),
        ];
        let m = match_devices(&register(), &reports);
        assert_eq!(m.devices.len(), 4);
        let a1 = m.devices[0].report.as_ref().unwrap();
        assert_eq!(a1.hostname, "PC01");
        assert!(a1.edr && a1.av);
        assert_eq!(a1.edr_last_seen, Some(date!(2026 - 11 - 19)));
        assert_eq!(a1.ip, vec![ip("10.0.0.2")]);
        assert_eq!(a1.product, "EDR-X, AV-Y");
        assert!(m.devices[1].report.as_ref().unwrap().av);
        assert!(m.devices[2].report.as_ref().unwrap().gcb);
        assert_eq!(m.devices[3].report, None);
        let unregistered: Vec<&str> = m.unregistered.iter().map(|r| r.hostname.as_str()).collect();
        assert_eq!(unregistered, vec!["pc01.other.gov.tw", "pc99"]);
    }

    #[test]
    fn the_first_register_device_wins() {
        let mut reg = register();
        reg.push(RegisterDevice {
            asset_id: "A5".into(),
            name: "重複".into(),
            hostname: "PC01".into(),
            ips: vec![ip("10.0.0.1")],
        });
        let m = match_devices(&reg, &[report("pc01", &["10.0.0.1"])]);
        assert!(m.devices[0].report.is_some());
        assert!(m.devices[4].report.is_none());
        // a report matched by address goes to the first holder too
        let m = match_devices(&reg, &[report("", &["10.0.0.1"])]);
        assert!(m.devices[0].report.is_some());
        assert!(m.devices[4].report.is_none());
    }

    fn matched(reports: Vec<Option<DeviceReport>>) -> Matched {
        Matched {
            devices: reports
                .into_iter()
                .enumerate()
                .map(|(i, report)| DeviceCoverage {
                    asset_id: format!("A{}", i + 1),
                    name: String::new(),
                    report,
                })
                .collect(),
            unregistered: vec![report("pc99", &[])],
        }
    }

    #[test]
    fn coverage_counts_and_stale_agents() {
        let today = date!(2026 - 11 - 20);
        let edr = |seen: Option<Date>| DeviceReport {
            edr: true,
            edr_last_seen: seen,
            ..report("x", &[])
        };
        let m = matched(vec![
            // exactly 7 days: still live
            Some(DeviceReport {
                av: true,
                gcb: true,
                vans: true,
                ..edr(Some(date!(2026 - 11 - 13)))
            }),
            // 8 days: stale
            Some(DeviceReport {
                av: true,
                dual_nic: true,
                ..edr(Some(date!(2026 - 11 - 12)))
            }),
            // never seen: stale
            Some(edr(None)),
            Some(DeviceReport {
                av: true,
                ..report("y", &[])
            }),
            None,
        ]);
        let c = coverage(&m, today, EDR_STALE_DAYS);
        assert_eq!(
            c,
            Coverage {
                devices: 5,
                edr: 1,
                edr_stale: 2,
                av: 3,
                gcb: 1,
                vans: 1,
                dual_nic: 1,
                unregistered: 1,
            }
        );
        assert_eq!(c.edr_ratio().percent(), Some(20.0));
        assert_eq!(c.av_ratio().percent(), Some(60.0));
        assert_eq!(
            c.gcb_ratio(),
            Ratio {
                numerator: 1,
                denominator: 5
            }
        );
        assert_eq!(c.vans_ratio().percent(), Some(20.0));
        // a day later the first one is stale too
        let c = coverage(&m, date!(2026 - 11 - 21), EDR_STALE_DAYS);
        assert_eq!((c.edr, c.edr_stale), (0, 3));
        assert_eq!(
            coverage(&Matched::default(), today, 7)
                .edr_ratio()
                .percent(),
            None
        );

        use Gap::*;
        assert_eq!(
            missing(&m, today, EDR_STALE_DAYS),
            vec![
                ("A2".to_string(), vec![EdrStale, Gcb, Vans, DualNic]),
                ("A3".to_string(), vec![EdrStale, Av, Gcb, Vans]),
                ("A4".to_string(), vec![Edr, Gcb, Vans]),
                ("A5".to_string(), vec![Edr, Av, Gcb, Vans]),
            ]
        );
    }

    fn alert_at(at: i64, severity: AlertSeverity, closed_after: Option<i64>) -> SocAlert {
        SocAlert {
            at,
            device: "pc01".into(),
            rule: String::new(),
            severity,
            status: if closed_after.is_some() {
                AlertStatus::Closed
            } else {
                AlertStatus::Open
            },
            closed_at: closed_after.map(|d| at + d),
        }
    }

    #[test]
    fn alert_counts_and_mean_time_to_respond() {
        use AlertSeverity::*;
        let alerts = vec![
            alert_at(1000, Critical, Some(100)),
            alert_at(1500, High, Some(201)),
            alert_at(1999, Low, None),
            // outside [1000, 2000)
            alert_at(999, Critical, Some(1)),
            alert_at(2000, Info, Some(1)),
            // closed without a closing time: counted, not timed
            SocAlert {
                closed_at: None,
                ..alert_at(1200, High, Some(0))
            },
        ];
        let m = alert_metrics(&alerts, 1000, 2000);
        assert_eq!(
            m,
            AlertMetrics {
                total: 4,
                open: 1,
                closed: 3,
                by_severity: [1, 2, 0, 1, 0],
                // (100 + 201) / 2 = 150.5, rounded down
                mean_time_to_respond_secs: Some(150),
            }
        );
        let m = alert_metrics(&alerts[2..3], 1000, 2000);
        assert_eq!((m.total, m.mean_time_to_respond_secs), (1, None));
        assert_eq!(alert_metrics(&[], 0, 10), AlertMetrics::default());
    }

    #[test]
    fn log_completeness_and_national_indicators() {
        assert_eq!(log_completeness(45, 50).percent(), Some(90.0));
        assert_eq!(log_completeness(0, 0).percent(), None);
        let agency = |level, edr_adopted, submitted| AgencyEdr {
            level,
            edr_adopted,
            submitted,
        };
        let k = national_kpis(&[
            agency(Level::B, true, true),
            agency(Level::B, true, false),
            agency(Level::B, false, false),
            agency(Level::A, true, true),
            agency(Level::C, false, true),
        ]);
        assert_eq!(
            k.b_submission,
            Ratio {
                numerator: 1,
                denominator: 3
            }
        );
        assert_eq!(
            k.b_adoption,
            Ratio {
                numerator: 2,
                denominator: 3
            }
        );
        let none = national_kpis(&[agency(Level::A, true, true)]);
        assert_eq!(none.b_submission.percent(), None);
        assert_eq!(none.b_adoption.percent(), None);
    }

    #[test]
    fn named_values_read_back() {
        for g in Gap::ALL {
            assert_eq!(Gap::parse(g.as_str()).unwrap(), g);
        }
        for s in AlertSeverity::ALL {
            assert_eq!(AlertSeverity::parse(s.as_str()).unwrap(), s);
            assert_eq!(AlertSeverity::parse(s.zh()).unwrap(), s);
            assert_eq!(AlertSeverity::ALL[s.index()], s);
        }
        for s in AlertStatus::ALL {
            assert_eq!(AlertStatus::parse(s.as_str()).unwrap(), s);
        }
        assert_eq!(AlertStatus::parse("未結案").unwrap(), AlertStatus::Open);
        assert_eq!(AlertStatus::parse("NEW").unwrap(), AlertStatus::Open);
        assert!(Gap::parse("none").is_err());
    }

    #[test]
    fn odd_input_does_not_panic() {
        let huge = "a".repeat(1_000_000);
        let deep = "[".repeat(100_000);
        let odd: Vec<String> = vec![
            String::new(),
            "hostname".into(),
            "hostname\n".into(),
            "hostname,ip\n\"pc01,10.0.0.1\npc02,10.0.0.2".into(),
            "\"".into(),
            format!("hostname,product\n{huge},x\n"),
            format!("hostname,product\npc01,{huge}\n"),
            format!("time,device,severity\n{huge},{huge},{huge}\n"),
            format!("hostname,ip\npc01,{}\n", "1;".repeat(100_000)),
            deep.clone(),
            format!("{{\"devices\":{deep}"),
            "[{\"hostname\":\"\\u0000\"}]".into(),
            "hostname,last_seen\npc,9999999999999999999-1-1\npc,115年\npc,2026-02-30\n".into(),
            "time,device,severity\n99999999999999999999,pc,high\n-1,pc,high\n".into(),
            "time,device,severity\n2026-11-20T99:99:99+99:99,pc,high\n".into(),
        ];
        for text in &odd {
            let _ = read_devices_csv(text);
            let _ = read_devices_json(text);
            let _ = read_alerts_csv(text);
            let _ = read_alerts_json(text);
        }
        let r = read_devices_csv(&odd[5]);
        assert_eq!(r.skipped[0].field, "hostname");
        assert_eq!(reason_key(&r.skipped[0]), "reason.coverage.too_long");
        let r = read_devices_json(&odd[11]);
        assert_eq!(reason_key(&r.skipped[0]), "reason.coverage.control_chars");

        // pseudo-random bytes, and every prefix of a valid file
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let alphabet = "hostname,ip,edr,time,device,severity\n\"\t;:/-年是 1.0{}[]\u{feff}";
        let chars: Vec<char> = alphabet.chars().collect();
        for _ in 0..300 {
            let mut bytes = Vec::new();
            let mut s = String::new();
            for _ in 0..64 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                bytes.push((x >> 24) as u8);
                s.push(chars[(x % chars.len() as u64) as usize]);
            }
            for text in [String::from_utf8_lossy(&bytes).into_owned(), s] {
                let _ = read_devices_csv(&text);
                let _ = read_devices_json(&text);
                let _ = read_alerts_csv(&text);
                let _ = read_alerts_json(&text);
            }
        }
        let valid = "\u{feff}主機名稱,IP位址,最後連線\npc01,10.0.0.1,115/11/20\n";
        for (i, _) in valid.char_indices() {
            let _ = read_devices_csv(&valid[..i]);
            let _ = read_devices_json(&valid[..i]);
        }
    }
}
