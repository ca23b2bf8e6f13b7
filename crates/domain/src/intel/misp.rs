//! MISP events (the MISP core format's JSON): a piece of intelligence
//! written as an event — its title as `info`, each indicator an attribute
//! of the matching type with `to_ids`, the masked text as a `text`
//! attribute — and events read back, alone (`{"Event": …}`), as a list, or
//! as a search answer (`{"response": [{"Event": …}]}`), the attributes of
//! their objects included; an attribute of a type this platform does not
//! keep is passed over, one whose value does not fit its type is skipped
//! with the reason.

use serde_json::{Value, json};
use time::Date;
use zian_i18n::msg;

use super::indicators::{Indicator, IndicatorKind, normalise};
use super::item::{IntelItem, Status};
use super::stix::{Imported, Read, Skipped, uuid_of};

/// The MISP attribute type of an indicator.
pub fn attribute_type(k: IndicatorKind) -> &'static str {
    match k {
        IndicatorKind::Ipv4 | IndicatorKind::Ipv6 => "ip-dst",
        IndicatorKind::Domain => "domain",
        IndicatorKind::Url => "url",
        IndicatorKind::Md5 => "md5",
        IndicatorKind::Sha1 => "sha1",
        IndicatorKind::Sha256 => "sha256",
        IndicatorKind::Cve => "vulnerability",
        IndicatorKind::Email => "email-src",
    }
}

fn category(k: IndicatorKind) -> &'static str {
    match k {
        IndicatorKind::Ipv4 | IndicatorKind::Ipv6 | IndicatorKind::Domain | IndicatorKind::Url => {
            "Network activity"
        }
        IndicatorKind::Md5 | IndicatorKind::Sha1 | IndicatorKind::Sha256 => "Payload delivery",
        IndicatorKind::Cve => "External analysis",
        IndicatorKind::Email => "Payload delivery",
    }
}

/// The event of one item: its masked text and indicators, by the
/// organisation named `org_name`.
pub fn event(x: &IntelItem, org_name: &str, masked_text: &str) -> Value {
    let ts = x.updated_at.max(x.created_at).to_string();
    let mut attributes: Vec<Value> = x
        .body
        .indicators
        .iter()
        .map(|i| {
            json!({
                "uuid": uuid_of(&format!("misp:{}:{}:{}", x.id, i.kind.as_str(), i.value)),
                "type": attribute_type(i.kind),
                "category": category(i.kind),
                "value": i.value,
                "to_ids": i.kind != IndicatorKind::Cve,
                "timestamp": ts,
            })
        })
        .collect();
    if !masked_text.trim().is_empty() {
        attributes.push(json!({
            "uuid": uuid_of(&format!("misp:{}:text", x.id)),
            "type": "text",
            "category": "Other",
            "value": masked_text,
            "to_ids": false,
            "timestamp": ts,
        }));
    }
    json!({"Event": {
        "uuid": uuid_of(&format!("intel:{}", x.id)),
        "info": x.title,
        "date": crate::day::ymd(x.received_on),
        // 1 high … 4 undefined; 0 initial, 1 ongoing, 2 complete
        "threat_level_id": "4",
        "analysis": match x.status {
            Status::Received => "0",
            Status::Classified => "1",
            Status::Handled => "2",
        },
        // 0: this organisation only, until someone decides to share it
        "distribution": "0",
        "published": false,
        "timestamp": ts,
        "Orgc": {"name": org_name},
        "Tag": [{"name": "tlp:amber"}],
        "Attribute": attributes,
    }})
}

/// Reads an attribute: its indicators (a composite `domain|ip` gives two,
/// `filename|sha256` its hash), none when the type is not one kept, the
/// reason when the value does not fit.
fn attribute(a: &Value) -> Result<Vec<Indicator>, zian_i18n::Msg> {
    let kind = a["type"].as_str().unwrap_or("");
    let value = a["value"].as_str().unwrap_or("");
    let one = |k: IndicatorKind, v: &str| {
        normalise(k, v)
            .map(|value| Indicator { kind: k, value })
            .ok_or_else(|| msg!("reason.intel.misp_value"))
    };
    let ip = |v: &str| one(IndicatorKind::Ipv4, v).or_else(|_| one(IndicatorKind::Ipv6, v));
    let (head, tail) = value.split_once('|').unwrap_or((value, ""));
    Ok(match kind {
        "ip-src" | "ip-dst" => vec![ip(value)?],
        "ip-src|port" | "ip-dst|port" => vec![ip(head)?],
        "domain" | "hostname" => vec![one(IndicatorKind::Domain, value)?],
        "domain|ip" | "hostname|ip" => vec![one(IndicatorKind::Domain, head)?, ip(tail)?],
        "url" | "uri" => vec![one(IndicatorKind::Url, value)?],
        "md5" => vec![one(IndicatorKind::Md5, value)?],
        "sha1" => vec![one(IndicatorKind::Sha1, value)?],
        "sha256" => vec![one(IndicatorKind::Sha256, value)?],
        "filename|md5" => vec![one(IndicatorKind::Md5, tail)?],
        "filename|sha1" => vec![one(IndicatorKind::Sha1, tail)?],
        "filename|sha256" => vec![one(IndicatorKind::Sha256, tail)?],
        "email" | "email-src" | "email-dst" => vec![one(IndicatorKind::Email, value)?],
        "vulnerability" => vec![one(IndicatorKind::Cve, value)?],
        _ => Vec::new(),
    })
}

fn events(v: &Value) -> Option<Vec<&Value>> {
    if v.get("Event").is_some() {
        return Some(vec![&v["Event"]]);
    }
    let list = v
        .get("response")
        .and_then(Value::as_array)
        .or_else(|| v.as_array())?;
    Some(
        list.iter()
            .map(|e| {
                if e.get("Event").is_some() {
                    &e["Event"]
                } else {
                    e
                }
            })
            .collect(),
    )
}

/// Reads MISP events. Refused (`Err`) unless it is JSON holding events;
/// each attribute whose value does not fit its type is skipped with the
/// reason, and an event with nothing kept is skipped too.
pub fn read(text: &str) -> Result<Read, zian_i18n::Msg> {
    let v: Value = serde_json::from_str(text).map_err(|_| msg!("reason.intel.stix_json"))?;
    let Some(list) = events(&v) else {
        return Err(msg!("reason.intel.misp_event"));
    };
    let mut out = Read::default();
    for (n, e) in list.iter().enumerate() {
        if !e.is_object() || e["info"].as_str().is_none() {
            out.skipped.push(Skipped {
                at: format!("Event[{n}]"),
                reason: msg!("reason.intel.misp_event"),
            });
            continue;
        }
        let mut indicators: Vec<Indicator> = Vec::new();
        let mut text: Vec<String> = Vec::new();
        let attrs = e["Attribute"].as_array().into_iter().flatten().chain(
            e["Object"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|o| o["Attribute"].as_array().into_iter().flatten()),
        );
        for (k, a) in attrs.enumerate() {
            if matches!(a["type"].as_str(), Some("text" | "comment")) {
                if let Some(t) = a["value"].as_str() {
                    text.push(t.to_string());
                }
                continue;
            }
            match attribute(a) {
                Ok(found) => {
                    for i in found {
                        if !indicators.contains(&i) {
                            indicators.push(i);
                        }
                    }
                }
                Err(reason) => out.skipped.push(Skipped {
                    at: format!(
                        "Event[{n}].Attribute[{k}] {}",
                        a["type"]
                            .as_str()
                            .unwrap_or("")
                            .chars()
                            .take(40)
                            .collect::<String>()
                    ),
                    reason,
                }),
            }
        }
        // a free-text event (an advisory without attributes): its info is all
        if indicators.is_empty() && text.is_empty() {
            out.skipped.push(Skipped {
                at: format!("Event[{n}]"),
                reason: msg!("reason.intel.misp_empty"),
            });
            continue;
        }
        out.items.push(Imported {
            stix_id: e["uuid"]
                .as_str()
                .map(|u| format!("misp-event--{u}"))
                .unwrap_or_else(|| format!("misp-event[{n}]"))
                .chars()
                .take(200)
                .collect(),
            title: e["info"].as_str().unwrap_or("").chars().take(200).collect(),
            text: text.join("\n").chars().take(20_000).collect(),
            indicators,
            valid_until: None::<Date>,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intel::indicators::extract;
    use crate::intel::item::{IntelBody, Source};
    use crate::{IntelId, OrgId};

    fn item() -> IntelItem {
        let text = "C2 為 evil[.]example.com 與 203.0.113.5，利用 CVE-2024-3400";
        IntelItem {
            id: IntelId::from("i1"),
            org_id: OrgId::from("org"),
            title: "勒索軟體攻擊情資".into(),
            source: Source::Advisory,
            sender: "N-ISAC".into(),
            received_on: Date::from_calendar_date(2026, time::Month::November, 20).unwrap(),
            valid_until: None,
            status: Status::Classified,
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
    fn an_event_written_is_read_back_with_the_same_indicators() {
        let x = item();
        let e = event(&x, "屏東縣政府警察局", "masked");
        assert_eq!(e["Event"]["analysis"], json!("1"));
        assert_eq!(e["Event"]["Attribute"].as_array().unwrap().len(), 4);
        let r = read(&e.to_string()).unwrap();
        assert!(r.skipped.is_empty(), "{:?}", r.skipped);
        assert_eq!(r.items.len(), 1);
        assert_eq!(r.items[0].indicators, x.body.indicators);
        assert_eq!(
            (r.items[0].title.as_str(), r.items[0].text.as_str()),
            ("勒索軟體攻擊情資", "masked")
        );
        // a search answer of two, objects' attributes included
        let list = json!({"response": [e.clone(), {"Event": {"info": "第二則", "Object": [{"name": "file", "Attribute": [
            {"type": "filename|sha256", "value": "a.exe|9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
            {"type": "domain|ip", "value": "bad.example.net|198.51.100.4"},
            {"type": "ip-dst", "value": "999.1.1.1"},
            {"type": "regkey", "value": "HKLM\\Run"},
        ]}]}}]});
        let r = read(&list.to_string()).unwrap();
        assert_eq!(r.items.len(), 2);
        let second: Vec<&str> = r.items[1]
            .indicators
            .iter()
            .map(|i| i.value.as_str())
            .collect();
        assert_eq!(
            second,
            vec![
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "bad.example.net",
                "198.51.100.4"
            ]
        );
        assert_eq!(r.skipped.len(), 1, "the bad address, not the registry key");
        assert_eq!(r.skipped[0].at, "Event[1].Attribute[2] ip-dst");
    }

    #[test]
    fn what_is_not_an_event_is_refused() {
        assert!(read("{").is_err());
        assert!(read("{\"type\": \"bundle\"}").is_err());
        let r = read(&json!([{"Event": {"info": "空的"}}, {"nothing": 1}]).to_string()).unwrap();
        assert!(r.items.is_empty());
        let keys: Vec<&str> = r.skipped.iter().map(|s| s.reason.key()).collect();
        assert_eq!(
            keys,
            vec!["reason.intel.misp_empty", "reason.intel.misp_event"]
        );
    }
}
