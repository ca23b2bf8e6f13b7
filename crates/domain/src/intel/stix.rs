//! STIX 2.1 bundles (OASIS STIX Version 2.1, the JSON object model): a
//! piece of intelligence written as a bundle — the organisation as an
//! `identity`, the item as a `report` whose description is the masked text,
//! each indicator of compromise as an `indicator` with its pattern, each
//! CVE as a `vulnerability` — and bundles read back: every object checked
//! against the common properties the specification requires (type, an id
//! of `type--UUID`, `spec_version` 2.1, timestamps), the indicators'
//! patterns read for the comparisons this platform keeps, each object that
//! cannot be read skipped with the reason.

use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use zian_i18n::{Msg, msg};

use super::indicators::{Indicator, IndicatorKind, normalise};
use super::item::IntelItem;

/// A UUID (version 5 shape) derived from `seed`, so the same item and
/// indicator always get the same STIX id.
pub fn uuid_of(seed: &str) -> String {
    let h = Sha1::digest(seed.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = data_encoding::HEXLOWER.encode(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

fn timestamp(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

fn quoted(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\'', "\\'")
}

/// The STIX pattern of an indicator (none for a CVE: a vulnerability).
pub fn pattern(i: &Indicator) -> Option<String> {
    let path = match i.kind {
        IndicatorKind::Ipv4 => "ipv4-addr:value",
        IndicatorKind::Ipv6 => "ipv6-addr:value",
        IndicatorKind::Domain => "domain-name:value",
        IndicatorKind::Url => "url:value",
        IndicatorKind::Email => "email-addr:value",
        IndicatorKind::Md5 => "file:hashes.MD5",
        IndicatorKind::Sha1 => "file:hashes.'SHA-1'",
        IndicatorKind::Sha256 => "file:hashes.'SHA-256'",
        IndicatorKind::Cve => return None,
    };
    Some(format!("[{path} = '{}']", quoted(&i.value)))
}

/// The bundle of one item: its masked text and its indicators, by the
/// organisation named `org_name` (the identity's name).
pub fn bundle(x: &IntelItem, org_name: &str, masked_text: &str) -> Value {
    let created = timestamp(x.created_at);
    let modified = timestamp(x.updated_at.max(x.created_at));
    let identity = format!("identity--{}", uuid_of(&format!("org:{}", x.org_id)));
    let report = format!("report--{}", uuid_of(&format!("intel:{}", x.id)));
    let common = |kind: &str, id: &str| {
        let mut m = Map::new();
        m.insert("type".into(), json!(kind));
        m.insert("spec_version".into(), json!("2.1"));
        m.insert("id".into(), json!(id));
        m.insert("created".into(), json!(created));
        m.insert("modified".into(), json!(modified));
        m
    };
    let mut objects = Vec::new();
    let mut id = common("identity", &identity);
    id.insert("name".into(), json!(org_name));
    id.insert("identity_class".into(), json!("organization"));
    objects.push(Value::Object(id));
    let mut refs = Vec::new();
    for i in &x.body.indicators {
        let seed = format!("intel:{}:{}:{}", x.id, i.kind.as_str(), i.value);
        let mut o = match pattern(i) {
            Some(p) => {
                let oid = format!("indicator--{}", uuid_of(&seed));
                let mut o = common("indicator", &oid);
                o.insert("name".into(), json!(i.value));
                o.insert("indicator_types".into(), json!(["malicious-activity"]));
                o.insert("pattern".into(), json!(p));
                o.insert("pattern_type".into(), json!("stix"));
                o.insert(
                    "valid_from".into(),
                    json!(timestamp(crate::day::taipei_start(x.received_on))),
                );
                if let Some(d) = x.valid_until {
                    // the end of the last valid day in Taipei
                    o.insert(
                        "valid_until".into(),
                        json!(timestamp(crate::day::taipei_start(d) + 86_400)),
                    );
                }
                o
            }
            None => {
                let oid = format!("vulnerability--{}", uuid_of(&seed));
                let mut o = common("vulnerability", &oid);
                o.insert("name".into(), json!(i.value));
                o.insert(
                    "external_references".into(),
                    json!([{"source_name": "cve", "external_id": i.value}]),
                );
                o
            }
        };
        o.insert("created_by_ref".into(), json!(identity));
        refs.push(o["id"].clone());
        objects.push(Value::Object(o));
    }
    let mut r = common("report", &report);
    r.insert("created_by_ref".into(), json!(identity));
    r.insert("name".into(), json!(x.title));
    r.insert("description".into(), json!(masked_text));
    r.insert("report_types".into(), json!(["threat-report"]));
    r.insert("published".into(), json!(modified));
    if refs.is_empty() {
        // a report must refer to something: the author at least
        refs.push(json!(identity));
    }
    r.insert("object_refs".into(), Value::Array(refs));
    objects.push(Value::Object(r));
    json!({
        "type": "bundle",
        "id": format!("bundle--{}", uuid_of(&format!("bundle:{}:{}", x.id, x.updated_at))),
        "objects": objects,
    })
}

/// One piece of intelligence read from a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The report's (or the bundle's) id.
    pub stix_id: String,
    pub title: String,
    pub text: String,
    pub indicators: Vec<Indicator>,
    pub valid_until: Option<Date>,
}

/// An object that could not be read, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// `objects[3]` and its id when it has one.
    pub at: String,
    pub reason: Msg,
}

/// What a bundle holds: one item per report (its referenced indicators and
/// vulnerabilities), and one more for the indicators no report refers to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Read {
    pub items: Vec<Imported>,
    pub skipped: Vec<Skipped>,
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn parse_time(v: &Value) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(v.as_str()?, &Rfc3339).ok()
}

/// Checks the common properties of an object; the reason when wrong.
fn check(o: &Value) -> Result<&str, Msg> {
    let Some(kind) = o["type"].as_str() else {
        return Err(msg!("reason.intel.stix_type"));
    };
    let id = o["id"].as_str().unwrap_or("");
    match id.split_once("--") {
        Some((k, u)) if k == kind && is_uuid(u) => {}
        _ => return Err(msg!("reason.intel.stix_id")),
    }
    // SDOs and SROs carry a version and their timestamps
    if matches!(
        kind,
        "indicator" | "report" | "vulnerability" | "identity" | "malware" | "attack-pattern"
    ) {
        if o["spec_version"].as_str() != Some("2.1") {
            return Err(msg!("reason.intel.stix_version"));
        }
        if parse_time(&o["created"]).is_none() || parse_time(&o["modified"]).is_none() {
            return Err(msg!("reason.intel.stix_time"));
        }
    }
    Ok(kind)
}

/// The comparisons `[object:path = 'value']` of a STIX pattern this
/// platform keeps (joined by OR or AND); none when it has none.
pub fn read_pattern(p: &str) -> Vec<Indicator> {
    let mut out = Vec::new();
    let mut rest = p;
    while let Some(eq) = rest.find('=') {
        let (left, right) = rest.split_at(eq);
        let path = left
            .rsplit(['[', '(', ' '])
            .find(|s| !s.is_empty())
            .unwrap_or("")
            .trim();
        let right = right[1..].trim_start();
        let Some(body) = right.strip_prefix('\'') else {
            rest = &right[right.len().min(1)..];
            continue;
        };
        // the quoted value, with \' and \\ escapes
        let mut value = String::new();
        let mut chars = body.char_indices();
        let mut end = body.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        value.push(n);
                    }
                }
                '\'' => {
                    end = i + 1;
                    break;
                }
                c => value.push(c),
            }
        }
        let kind = match path {
            "ipv4-addr:value" => Some(IndicatorKind::Ipv4),
            "ipv6-addr:value" => Some(IndicatorKind::Ipv6),
            "domain-name:value" => Some(IndicatorKind::Domain),
            "url:value" => Some(IndicatorKind::Url),
            "email-addr:value" => Some(IndicatorKind::Email),
            "file:hashes.MD5" | "file:hashes.'MD5'" => Some(IndicatorKind::Md5),
            "file:hashes.'SHA-1'" | "file:hashes.SHA1" => Some(IndicatorKind::Sha1),
            "file:hashes.'SHA-256'" | "file:hashes.SHA256" => Some(IndicatorKind::Sha256),
            _ => None,
        };
        if let Some(kind) = kind
            && let Some(value) = normalise(kind, &value)
        {
            let i = Indicator { kind, value };
            if !out.contains(&i) {
                out.push(i);
            }
        }
        rest = &body[end.min(body.len())..];
    }
    out
}

fn cve_of(o: &Value) -> Option<Indicator> {
    let from_refs = o["external_references"].as_array().and_then(|refs| {
        refs.iter()
            .find(|r| r["source_name"].as_str() == Some("cve"))
            .and_then(|r| r["external_id"].as_str())
    });
    let raw = from_refs.or(o["name"].as_str())?;
    normalise(IndicatorKind::Cve, raw).map(|value| Indicator {
        kind: IndicatorKind::Cve,
        value,
    })
}

/// Reads a bundle. Refused (`Err`) unless it is a JSON bundle; each object
/// in it that cannot be read is skipped with the reason.
pub fn read(text: &str) -> Result<Read, Msg> {
    let v: Value = serde_json::from_str(text).map_err(|_| msg!("reason.intel.stix_json"))?;
    if v["type"].as_str() != Some("bundle") {
        return Err(msg!("reason.intel.stix_bundle"));
    }
    let Some(objects) = v["objects"].as_array() else {
        return Err(msg!("reason.intel.stix_bundle"));
    };
    let mut out = Read::default();
    // what each indicator / vulnerability id yields, and the reports
    let mut found: Vec<(String, Vec<Indicator>, Option<Date>)> = Vec::new();
    let mut reports: Vec<&Value> = Vec::new();
    for (n, o) in objects.iter().enumerate() {
        let at = match o["id"].as_str() {
            Some(id) => format!("objects[{n}] {}", id.chars().take(80).collect::<String>()),
            None => format!("objects[{n}]"),
        };
        let kind = match check(o) {
            Ok(k) => k,
            Err(reason) => {
                out.skipped.push(Skipped { at, reason });
                continue;
            }
        };
        let id = o["id"].as_str().unwrap_or_default().to_string();
        match kind {
            "indicator" => {
                if o["pattern_type"].as_str() != Some("stix") {
                    out.skipped.push(Skipped {
                        at,
                        reason: msg!("reason.intel.stix_pattern_type"),
                    });
                    continue;
                }
                if parse_time(&o["valid_from"]).is_none() {
                    out.skipped.push(Skipped {
                        at,
                        reason: msg!("reason.intel.stix_time"),
                    });
                    continue;
                }
                let ind = read_pattern(o["pattern"].as_str().unwrap_or(""));
                if ind.is_empty() {
                    out.skipped.push(Skipped {
                        at,
                        reason: msg!("reason.intel.stix_pattern"),
                    });
                    continue;
                }
                let until = parse_time(&o["valid_until"]).map(crate::day::taipei);
                found.push((id, ind, until));
            }
            "vulnerability" => match cve_of(o) {
                Some(c) => found.push((id, vec![c], None)),
                None => out.skipped.push(Skipped {
                    at,
                    reason: msg!("reason.intel.stix_cve"),
                }),
            },
            "report" => reports.push(o),
            // identities, malware, relationships…: context, not kept
            _ => {}
        }
    }
    let mut used = vec![false; found.len()];
    for r in reports {
        let refs: Vec<&str> = r["object_refs"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut indicators: Vec<Indicator> = Vec::new();
        let mut until: Option<Date> = None;
        for (k, (id, ind, u)) in found.iter().enumerate() {
            if refs.contains(&id.as_str()) {
                used[k] = true;
                for i in ind {
                    if !indicators.contains(i) {
                        indicators.push(i.clone());
                    }
                }
                until = match (until, *u) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        out.items.push(Imported {
            stix_id: r["id"].as_str().unwrap_or_default().to_string(),
            title: r["name"]
                .as_str()
                .unwrap_or("STIX report")
                .chars()
                .take(200)
                .collect(),
            text: r["description"]
                .as_str()
                .unwrap_or("")
                .chars()
                .take(20_000)
                .collect(),
            indicators,
            valid_until: until,
        });
    }
    // indicators no report refers to: one item of the bundle's
    let loose: Vec<&(String, Vec<Indicator>, Option<Date>)> = found
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(f, _)| f)
        .collect();
    if !loose.is_empty() {
        let mut indicators: Vec<Indicator> = Vec::new();
        for (_, ind, _) in &loose {
            for i in ind {
                if !indicators.contains(i) {
                    indicators.push(i.clone());
                }
            }
        }
        let until = loose.iter().filter_map(|(_, _, u)| *u).max();
        out.items.push(Imported {
            stix_id: v["id"]
                .as_str()
                .unwrap_or("bundle")
                .chars()
                .take(200)
                .collect(),
            title: "STIX indicators".into(),
            text: String::new(),
            indicators,
            valid_until: until,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intel::indicators::extract;
    use crate::intel::item::{IntelBody, Source, Status};
    use crate::{IntelId, OrgId};

    fn item() -> IntelItem {
        let text = "勒索軟體 C2 為 evil[.]example.com 與 203.0.113.5，利用 CVE-2024-3400；樣本 SHA-256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        IntelItem {
            id: IntelId::from("0190f000-0000-7000-8000-000000000001"),
            org_id: OrgId::from("org"),
            title: "勒索軟體攻擊情資".into(),
            source: Source::Advisory,
            sender: "N-ISAC".into(),
            received_on: Date::from_calendar_date(2026, time::Month::November, 20).unwrap(),
            valid_until: Some(Date::from_calendar_date(2026, time::Month::December, 31).unwrap()),
            status: Status::Received,
            body: IntelBody {
                text: text.into(),
                indicators: extract(text),
                ..IntelBody::default()
            },
            created_by: None,
            created_at: 1_795_222_800,
            updated_at: 1_795_222_900,
        }
    }

    #[test]
    fn a_bundle_written_is_read_back_with_the_same_indicators() {
        let x = item();
        let b = bundle(&x, "屏東縣政府警察局", "masked text");
        let objects = b["objects"].as_array().unwrap();
        // identity, three indicators, one vulnerability, the report
        assert_eq!(objects.len(), 6, "{b}");
        for o in objects {
            assert!(check(o).is_ok(), "{o}");
        }
        let report = objects.last().unwrap();
        assert_eq!(report["description"], json!("masked text"));
        assert_eq!(report["object_refs"].as_array().unwrap().len(), 4);
        assert!(
            objects
                .iter()
                .any(|o| o["pattern"] == json!("[domain-name:value = 'evil.example.com']"))
        );
        assert_eq!(
            bundle(&x, "屏東縣政府警察局", "masked text"),
            b,
            "the same ids"
        );
        let read = read(&b.to_string()).unwrap();
        assert!(read.skipped.is_empty(), "{:?}", read.skipped);
        assert_eq!(read.items.len(), 1);
        let mut a = read.items[0].indicators.clone();
        let mut want = x.body.indicators.clone();
        a.sort();
        want.sort();
        assert_eq!(a, want);
        assert_eq!(read.items[0].title, "勒索軟體攻擊情資");
        assert_eq!(
            read.items[0].valid_until,
            Some(Date::from_calendar_date(2027, time::Month::January, 1).unwrap()),
            "the end of the last day in Taipei is the next day's start"
        );
    }

    #[test]
    fn objects_that_break_the_model_are_skipped_with_the_reason() {
        let ok_id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
        let bundle = json!({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
            {"type": "indicator", "spec_version": "2.1", "id": ok_id, "created": "2026-11-20T01:00:00Z", "modified": "2026-11-20T01:00:00Z", "pattern": "[ipv4-addr:value = '198.51.100.7'] OR [url:value = 'http://bad.example.net/a\\'b']", "pattern_type": "stix", "valid_from": "2026-11-20T01:00:00Z"},
            {"type": "indicator", "spec_version": "2.0", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd40", "created": "2026-11-20T01:00:00Z", "modified": "2026-11-20T01:00:00Z", "pattern": "[ipv4-addr:value = '198.51.100.8']", "pattern_type": "stix", "valid_from": "2026-11-20T01:00:00Z"},
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--nope", "created": "2026-11-20T01:00:00Z", "modified": "2026-11-20T01:00:00Z"},
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd41", "created": "yesterday", "modified": "2026-11-20T01:00:00Z"},
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd42", "created": "2026-11-20T01:00:00Z", "modified": "2026-11-20T01:00:00Z", "pattern": "rule x { }", "pattern_type": "yara", "valid_from": "2026-11-20T01:00:00Z"},
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd43", "created": "2026-11-20T01:00:00Z", "modified": "2026-11-20T01:00:00Z", "pattern": "[process:name = 'x.exe']", "pattern_type": "stix", "valid_from": "2026-11-20T01:00:00Z"},
            {"type": "vulnerability", "spec_version": "2.1", "id": "vulnerability--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd44", "created": "2026-11-20T01:00:00Z", "modified": "2026-11-20T01:00:00Z", "name": "CVE-2023-4966"},
            {"no": "type"},
        ]});
        let r = read(&bundle.to_string()).unwrap();
        let reasons: Vec<&str> = r.skipped.iter().map(|s| s.reason.key()).collect();
        assert_eq!(
            reasons,
            vec![
                "reason.intel.stix_version",
                "reason.intel.stix_id",
                "reason.intel.stix_time",
                "reason.intel.stix_pattern_type",
                "reason.intel.stix_pattern",
                "reason.intel.stix_type",
            ]
        );
        assert!(r.skipped[0].at.starts_with("objects[1] indicator--"));
        assert_eq!(
            r.items.len(),
            1,
            "no report: one item of the loose indicators"
        );
        let values: Vec<&str> = r.items[0]
            .indicators
            .iter()
            .map(|i| i.value.as_str())
            .collect();
        assert_eq!(
            values,
            vec![
                "198.51.100.7",
                "http://bad.example.net/a'b",
                "CVE-2023-4966"
            ]
        );
        assert!(read("{").is_err());
        assert!(read("{\"type\": \"report\"}").is_err());
        assert!(read("[]").is_err());
    }

    #[test]
    fn ids_are_uuids() {
        let u = uuid_of("x");
        assert!(is_uuid(&u), "{u}");
        assert_eq!(&u[14..15], "5");
        assert_ne!(uuid_of("x"), uuid_of("y"));
    }
}
