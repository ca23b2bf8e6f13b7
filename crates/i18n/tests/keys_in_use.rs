//! Every message key the code names exists in the catalogues: literal keys
//! of `msg!`, `Msg::new`, `t(…, "key")` and the templates' `ctx.t("key")`,
//! and the families of keys built from codes (conflicts, override problems,
//! plan actions). A typo shows the raw key to a user, so it fails here.

use std::path::{Path, PathBuf};

use zian_i18n::Catalogue;

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crates/")
        .to_path_buf()
}

/// The string literals that open right after `marker` (whitespace and line
/// breaks between them allowed).
fn literals_after<'a>(src: &'a str, marker: &str) -> Vec<&'a str> {
    src.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = src[i + marker.len()..].trim_start().strip_prefix('"')?;
            rest.split_once('"').map(|(k, _)| k)
        })
        .collect()
}

fn is_key(k: &str) -> bool {
    !k.is_empty()
        && k.contains('.')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[test]
fn every_literal_key_exists() {
    let c = Catalogue::load().unwrap();
    let mut missing = Vec::new();
    let mut seen = 0;
    let mut sources = Vec::new();
    files(&crates_dir(), "rs", &mut sources);
    for path in &sources {
        let src = std::fs::read_to_string(path).unwrap();
        for marker in [
            "msg!(",
            "Msg::new(",
            "t(lang,",
            "t(self.lang,",
            "t(pc.lang,",
            "t(ctx.lang,",
            "t(c.lang,",
        ] {
            for k in literals_after(&src, marker) {
                if !is_key(k) {
                    continue;
                }
                seen += 1;
                if !c.has(k) {
                    missing.push(format!("{}: {k}", path.display()));
                }
            }
        }
    }
    let mut templates = Vec::new();
    files(&crates_dir().join("web/templates"), "html", &mut templates);
    for path in &templates {
        let src = std::fs::read_to_string(path).unwrap();
        for k in literals_after(&src, "ctx.t(") {
            seen += 1;
            if !c.has(k) {
                missing.push(format!("{}: {k}", path.display()));
            }
        }
    }
    assert!(seen > 300, "only {seen} keys found: is the scan broken?");
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "keys not in the catalogues:\n{}",
        missing.join("\n")
    );
}

#[test]
fn keys_built_from_codes_exist() {
    let c = Catalogue::load().unwrap();
    let crates = crates_dir();
    let read = |p: &str| std::fs::read_to_string(crates.join(p)).unwrap();
    let mut missing = Vec::new();
    // conflicts: `Conflict("code")` in storage and app, `tx.insert(…, "code")`
    let mut sources = Vec::new();
    files(&crates.join("storage/src"), "rs", &mut sources);
    files(&crates.join("app/src"), "rs", &mut sources);
    files(&crates.join("web/src"), "rs", &mut sources);
    let mut codes = Vec::new();
    for path in &sources {
        let src = std::fs::read_to_string(path).unwrap();
        codes.extend(
            literals_after(&src, "Conflict(")
                .into_iter()
                .map(str::to_string),
        );
        for (i, _) in src.match_indices("tx.insert(") {
            let call = &src[i..];
            let call = &call[..call.find(';').unwrap_or(call.len())];
            let call = &call[..call.find(".await").unwrap_or(call.len())];
            if let Some(code) = call.rsplit('"').nth(1) {
                codes.push(code.to_string());
            }
        }
    }
    assert!(codes.len() > 10, "{codes:?}");
    for code in codes {
        if !c.has(&format!("conflict.{code}")) {
            missing.push(format!("conflict.{code}"));
        }
    }
    // override problems: `err("code", …)` in the rules
    let rules = read("rules/src/obligations.rs") + &read("rules/src/grading.rs");
    let mut n = 0;
    for code in literals_after(&rules, "err(")
        .into_iter()
        .chain(literals_after(&rules, "code:"))
    {
        n += 1;
        let k = format!("reason.compliance.override.{code}");
        if !c.has(&k) {
            missing.push(k);
        }
    }
    assert!(n >= 8, "{n} override codes found");
    // plan actions and statuses
    for action in ["edit", "submit", "approve", "return"] {
        let k = format!("reason.plans.cannot_{action}");
        if !c.has(&k) {
            missing.push(k);
        }
    }
    for kind in [
        "text",
        "text_list",
        "whole_number",
        "number",
        "bool",
        "date",
        "object",
        "table",
    ] {
        let k = format!("reason.plans.type.{kind}");
        if !c.has(&k) {
            missing.push(k);
        }
    }
    assert!(
        missing.is_empty(),
        "keys not in the catalogues: {missing:?}"
    );
}
