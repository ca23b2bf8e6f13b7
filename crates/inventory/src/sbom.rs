//! CycloneDX (1.4–1.6) and SPDX (2.x) JSON: the document names the host
//! (CycloneDX `metadata.component`, SPDX `name` or the package it
//! describes), each component or package is a piece of software on it.

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::{Map, Value};
use zian_i18n::msg;

use crate::collect::{Collector, Found, cpe_of};
use crate::{Encoding, FileError, Format, ParsedFile};

pub(crate) fn parse_json(
    text: &str,
    encoding: Encoding,
    default_host: Option<&str>,
) -> Result<ParsedFile, FileError> {
    let v: Value = serde_json::from_str(text).map_err(|e| FileError::Json {
        line: e.line(),
        column: e.column(),
        error: e.to_string(),
    })?;
    let Some(doc) = v.as_object() else {
        return Err(FileError::NotSbom);
    };
    if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        cyclonedx(doc, encoding, default_host)
    } else if doc
        .get("spdxVersion")
        .and_then(Value::as_str)
        .is_some_and(|s| s.starts_with("SPDX-2."))
    {
        spdx(doc, encoding, default_host)
    } else {
        Err(FileError::NotSbom)
    }
}

/// A trimmed, non-blank string field.
fn text<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The array under `key` (absent is empty; another shape refuses the file).
fn array<'a>(o: &'a Map<String, Value>, key: &'static str) -> Result<&'a [Value], FileError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(FileError::SbomField { field: key }),
    }
}

fn host_or_default<'a>(
    named: Option<&'a str>,
    default_host: Option<&'a str>,
) -> Result<&'a str, FileError> {
    named.or(default_host).ok_or(FileError::NoHost)
}

fn cyclonedx(
    doc: &Map<String, Value>,
    encoding: Encoding,
    default_host: Option<&str>,
) -> Result<ParsedFile, FileError> {
    let subject = doc
        .get("metadata")
        .and_then(Value::as_object)
        .and_then(|m| m.get("component"))
        .and_then(Value::as_object);
    let named = subject.and_then(|s| text(s, "name").or_else(|| text(s, "bom-ref")));
    let host = host_or_default(named, default_host)?;
    let mut c = Collector::new(default_host);
    let components = array(doc, "components")?;
    // nested components (assemblies) belong to the line of their top-level
    // component; an explicit stack keeps deep nesting off the call stack
    let mut stack: Vec<(usize, &Value)> = components
        .iter()
        .enumerate()
        .rev()
        .map(|(i, v)| (i + 1, v))
        .collect();
    while let Some((line, v)) = stack.pop() {
        c.row()?;
        let Some(o) = v.as_object() else {
            c.error(line, None, msg!("reason.inventory.row.not_object"));
            continue;
        };
        if let Some(Value::Array(nested)) = o.get("components") {
            stack.extend(nested.iter().rev().map(|n| (line, n)));
        }
        let Some(h) = c.host(line, Some((host, "metadata.component.name"))) else {
            continue;
        };
        let publisher = text(o, "publisher")
            .map(|p| (p, "publisher"))
            .or_else(|| org_name(o, "supplier").map(|p| (p, "supplier.name")))
            .or_else(|| org_name(o, "manufacturer").map(|p| (p, "manufacturer.name")))
            .or_else(|| text(o, "author").map(|p| (p, "author")))
            .unwrap_or(("", "publisher"));
        let cpe23 = match text(o, "cpe") {
            None => None,
            Some(s) => match cpe_of(s) {
                Ok(v) => v,
                Err(reason) => {
                    c.error(line, Some("cpe"), reason);
                    continue;
                }
            },
        };
        c.software(
            h,
            Found {
                line,
                name: (Cow::Borrowed(text(o, "name").unwrap_or("")), "name"),
                version: (Cow::Borrowed(text(o, "version").unwrap_or("")), "version"),
                publisher: (Cow::Borrowed(publisher.0), publisher.1),
                cpe23,
            },
        );
    }
    Ok(c.finish(Format::CycloneDx, encoding, Vec::new()))
}

/// `supplier.name` / `manufacturer.name` (an organizational entity).
fn org_name<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(key)
        .and_then(Value::as_object)
        .and_then(|s| text(s, "name"))
}

/// An SPDX field's value without `NOASSERTION` / `NONE`.
fn asserted(s: Option<&str>) -> Option<&str> {
    s.filter(|v| !matches!(*v, "NOASSERTION" | "NONE"))
}

/// `Organization: X (email)` / `Person: X` → `X`.
fn supplier(s: &str) -> &str {
    let s = s
        .strip_prefix("Organization:")
        .or_else(|| s.strip_prefix("Person:"))
        .or_else(|| s.strip_prefix("Tool:"))
        .unwrap_or(s)
        .trim();
    match s.rfind(" (") {
        Some(i) if s.ends_with(')') => s[..i].trim(),
        _ => s,
    }
}

fn spdx(
    doc: &Map<String, Value>,
    encoding: Encoding,
    default_host: Option<&str>,
) -> Result<ParsedFile, FileError> {
    let packages = array(doc, "packages")?;
    // what the document describes: `documentDescribes` (SPDX 2.2) and the
    // DESCRIBES relationships of the document (2.3)
    let mut described: HashSet<&str> = array(doc, "documentDescribes")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let doc_id = text(doc, "SPDXID").unwrap_or("SPDXRef-DOCUMENT");
    for r in array(doc, "relationships")?
        .iter()
        .filter_map(Value::as_object)
    {
        if text(r, "spdxElementId") == Some(doc_id)
            && text(r, "relationshipType") == Some("DESCRIBES")
            && let Some(id) = text(r, "relatedSpdxElement")
        {
            described.insert(id);
        }
    }
    let described_name = packages
        .iter()
        .filter_map(Value::as_object)
        .find(|p| text(p, "SPDXID").is_some_and(|id| described.contains(id)))
        .and_then(|p| text(p, "name"));
    let host = host_or_default(text(doc, "name").or(described_name), default_host)?;
    let mut c = Collector::new(default_host);
    for (i, v) in packages.iter().enumerate() {
        let line = i + 1;
        c.row()?;
        let Some(p) = v.as_object() else {
            c.error(line, None, msg!("reason.inventory.row.not_object"));
            continue;
        };
        // the package the document describes is the host itself, not
        // software installed on it
        if text(p, "SPDXID").is_some_and(|id| described.contains(id)) {
            c.skipped += 1;
            continue;
        }
        let Some(h) = c.host(line, Some((host, "name"))) else {
            continue;
        };
        let mut cpes = (None, None);
        for r in array(p, "externalRefs")
            .unwrap_or(&[])
            .iter()
            .filter_map(Value::as_object)
        {
            let slot = match text(r, "referenceType") {
                Some("cpe23Type") => &mut cpes.0,
                Some("cpe22Type") => &mut cpes.1,
                _ => continue,
            };
            if slot.is_none() {
                *slot = text(r, "referenceLocator");
            }
        }
        let cpe23 = match cpes.0.or(cpes.1) {
            None => None,
            Some(s) => match cpe_of(s) {
                Ok(v) => v,
                Err(reason) => {
                    c.error(line, Some("externalRefs"), reason);
                    continue;
                }
            },
        };
        let publisher = asserted(text(p, "supplier"))
            .map(supplier)
            .filter(|s| !s.is_empty())
            .map(|s| (s, "supplier"))
            .or_else(|| {
                asserted(text(p, "originator"))
                    .map(supplier)
                    .map(|s| (s, "originator"))
            })
            .unwrap_or(("", "supplier"));
        c.software(
            h,
            Found {
                line,
                name: (Cow::Borrowed(text(p, "name").unwrap_or("")), "name"),
                version: (
                    Cow::Borrowed(asserted(text(p, "versionInfo")).unwrap_or("")),
                    "versionInfo",
                ),
                publisher: (Cow::Borrowed(publisher.0), publisher.1),
                cpe23,
            },
        );
    }
    Ok(c.finish(Format::Spdx, encoding, Vec::new()))
}
