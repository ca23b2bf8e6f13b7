//! Indicators of compromise (入侵指標, IoC) in an advisory pasted in: IP
//! addresses, domains, URLs, file hashes, CVE ids and e-mail addresses.
//!
//! Advisories defang what they quote (`hxxp://`, `evil[.]com`,
//! `user[@]example[.]com`) so nobody clicks it; the text is refanged first
//! and then scanned, so both spellings give the same normalised value. The
//! scanners are hand-written over ASCII bytes: every position they slice at
//! is next to an ASCII byte, hence a character boundary, whatever CJK text
//! surrounds them.

use std::collections::HashSet;
use std::net::Ipv6Addr;

use serde::{Deserialize, Serialize};

/// What an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    Ipv4,
    Ipv6,
    Domain,
    Url,
    Md5,
    Sha1,
    Sha256,
    Cve,
    Email,
}

impl IndicatorKind {
    pub const ALL: [IndicatorKind; 9] = [
        IndicatorKind::Ipv4,
        IndicatorKind::Ipv6,
        IndicatorKind::Domain,
        IndicatorKind::Url,
        IndicatorKind::Md5,
        IndicatorKind::Sha1,
        IndicatorKind::Sha256,
        IndicatorKind::Cve,
        IndicatorKind::Email,
    ];

    /// The serde spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Ipv4 => "ipv4",
            IndicatorKind::Ipv6 => "ipv6",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Url => "url",
            IndicatorKind::Md5 => "md5",
            IndicatorKind::Sha1 => "sha1",
            IndicatorKind::Sha256 => "sha256",
            IndicatorKind::Cve => "cve",
            IndicatorKind::Email => "email",
        }
    }

    /// The serde spelling back (any case, surrounding blanks ignored).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
}

/// One indicator, its value normalised.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Indicator {
    pub kind: IndicatorKind,
    pub value: String,
}

/// Normalises one typed indicator (trims; lower-cases domains/hashes/emails;
/// upper-cases CVE; refangs hxxp://, [.] and (.); validates shape) or None
/// if it is not of the kind.
pub fn normalise(kind: IndicatorKind, raw: &str) -> Option<String> {
    let refanged = refang(raw.trim());
    let s = refanged.trim();
    match kind {
        IndicatorKind::Ipv4 => ipv4(s),
        IndicatorKind::Ipv6 => ipv6(
            s.strip_prefix('[')
                .and_then(|x| x.strip_suffix(']'))
                .unwrap_or(s),
        ),
        IndicatorKind::Domain => domain(s.strip_suffix('.').unwrap_or(s)),
        IndicatorKind::Url => url(s),
        IndicatorKind::Md5 => hash(s, 32),
        IndicatorKind::Sha1 => hash(s, 40),
        IndicatorKind::Sha256 => hash(s, 64),
        IndicatorKind::Cve => cve(s),
        IndicatorKind::Email => email(s),
    }
}

/// Guesses the kind of one typed value.
pub fn classify(raw: &str) -> Option<Indicator> {
    use IndicatorKind::*;
    // Most specific first: a URL holds a domain, an e-mail holds one too.
    [Url, Email, Cve, Ipv4, Ipv6, Md5, Sha1, Sha256, Domain]
        .into_iter()
        .find_map(|kind| normalise(kind, raw).map(|value| Indicator { kind, value }))
}

/// Every indicator in free text (an advisory pasted in), de-duplicated, in
/// order of first appearance; defanged forms (hxxp, [.], (.), [:])
/// recognised and refanged. What is part of a URL or an e-mail address (its
/// host, a file name in its path) is not reported again on its own.
pub fn extract(text: &str) -> Vec<Indicator> {
    let r = refang(text);
    let mut found: Vec<(usize, Indicator)> = Vec::new();
    let mut covered = vec![false; r.len()];
    urls(&r, &mut found, &mut covered);
    for (s, e) in email_spans(&r) {
        if covered.get(s..e).is_none_or(|c| c.iter().any(|&x| x)) {
            continue;
        }
        if let Some(value) = r.get(s..e).and_then(email) {
            found.push((
                s,
                Indicator {
                    kind: IndicatorKind::Email,
                    value,
                },
            ));
            covered
                .get_mut(s..e)
                .into_iter()
                .flatten()
                .for_each(|x| *x = true);
        }
    }
    tokens(&r, &covered, &mut found);
    found.sort_by_key(|(at, _)| *at);
    let mut seen = HashSet::new();
    found
        .into_iter()
        .filter_map(|(_, i)| seen.insert(i.clone()).then_some(i))
        .collect()
}

/// Undoes the usual defanging. Brackets first, so `hxxps[:]//` becomes
/// `hxxps://` and then `https://`.
fn refang(s: &str) -> String {
    const BRACKETS: [(&str, &str); 10] = [
        ("[.]", "."),
        ("(.)", "."),
        ("{.}", "."),
        ("[dot]", "."),
        ("(dot)", "."),
        ("[://]", "://"),
        ("[:]", ":"),
        ("[@]", "@"),
        ("(@)", "@"),
        ("[at]", "@"),
    ];
    const SCHEMES: [(&str, &str); 3] = [
        ("hxxps://", "https://"),
        ("hxxp://", "http://"),
        ("fxp://", "ftp://"),
    ];
    replace_ascii_ci(&replace_ascii_ci(s, &BRACKETS), &SCHEMES)
}

/// Replaces ASCII patterns, compared case-insensitively, left to right.
fn replace_ascii_ci(s: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    'next: while let Some(c) = rest.chars().next() {
        for (from, to) in pairs {
            let head = rest.as_bytes().get(..from.len());
            if head.is_some_and(|h| h.eq_ignore_ascii_case(from.as_bytes())) {
                out.push_str(to);
                // the matched bytes are ASCII, so this is a boundary
                rest = rest.get(from.len()..).unwrap_or_default();
                continue 'next;
            }
        }
        out.push(c);
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
    }
    out
}

/// Extensions of file names that look like domains (`payload.exe`).
const FILE_EXTENSIONS: [&str; 45] = [
    "exe", "dll", "txt", "pdf", "doc", "docx", "xls", "xlsx", "zip", "js", "php", "html", "htm",
    "json", "xml", "log", "sh", "ps1", "bat", "py", "jar", "png", "jpg", "gif", "jpeg", "msi",
    "vbs", "hta", "lnk", "rar", "iso", "ini", "dat", "tmp", "csv", "rtf", "ppt", "pptx", "jsp",
    "asp", "aspx", "css", "svg", "md", "so",
];

/// A top-level label: letters, or an internationalised one (xn--…).
fn tld_ok(label: &[u8]) -> bool {
    (label.len() >= 2 && label.iter().all(u8::is_ascii_alphabetic))
        || (label.len() > 4 && label[..4].eq_ignore_ascii_case(b"xn--"))
}

/// The longest domain name starting at `from`: labels of letters, digits
/// and inner hyphens, at least two, the last a valid top-level label.
fn domain_end(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    let mut labels = 0;
    let mut best = None;
    loop {
        let start = i;
        while b
            .get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-')
        {
            i += 1;
        }
        let label = b.get(start..i).unwrap_or_default();
        let (Some(first), Some(last)) = (label.first(), label.last()) else {
            break;
        };
        if label.len() > 63 || *first == b'-' || *last == b'-' || i - from > 253 {
            break;
        }
        labels += 1;
        if labels >= 2 && tld_ok(label) {
            best = Some(i);
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
        } else {
            break;
        }
    }
    best
}

/// Whether all of `s` is a domain name; `files` also refuses file names.
fn domain_shape(s: &str, files: bool) -> bool {
    if domain_end(s.as_bytes(), 0) != Some(s.len()) {
        return false;
    }
    let tld = s.rsplit('.').next().unwrap_or_default();
    !(files && FILE_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(tld)))
}

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// Byte ranges of the e-mail addresses in `text` (local part of letters,
/// digits and `._%+-`, then a domain with a dot and a top-level label of
/// at least two letters). The one e-mail scanner: personal-data masking
/// uses it too.
pub(crate) fn email_spans(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut floor = 0;
    for (at, _) in text.match_indices('@') {
        if at < floor {
            continue;
        }
        let mut s = at;
        while s > floor && b.get(s - 1).is_some_and(|&c| is_local(c)) {
            s -= 1;
        }
        while s < at && b.get(s) == Some(&b'.') {
            s += 1;
        }
        if s == at || b.get(at - 1) == Some(&b'.') {
            continue;
        }
        if let Some(e) = domain_end(b, at + 1) {
            out.push((s, e));
            floor = e;
        }
    }
    out
}

fn ipv4(s: &str) -> Option<String> {
    let mut parts = 0;
    for p in s.split('.') {
        parts += 1;
        let ok = (1..=3).contains(&p.len())
            && p.bytes().all(|c| c.is_ascii_digit())
            && !(p.len() > 1 && p.starts_with('0'))
            && p.parse::<u16>().is_ok_and(|v| v <= 255);
        if !ok || parts > 4 {
            return None;
        }
    }
    (parts == 4).then(|| s.to_owned())
}

/// Canonical text of an IPv6 address; the unspecified address is not an
/// indicator.
fn ipv6(s: &str) -> Option<String> {
    if s.matches(':').count() < 2 {
        return None;
    }
    let a: Ipv6Addr = s.parse().ok()?;
    (!a.is_unspecified()).then(|| a.to_string())
}

fn domain(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    domain_shape(&lower, true).then_some(lower)
}

fn hash(s: &str, len: usize) -> Option<String> {
    (s.len() == len && s.bytes().all(|c| c.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
}

/// CVE-YYYY-NNNN…: four year digits, four or more sequence digits.
fn cve(s: &str) -> Option<String> {
    let up = s.to_ascii_uppercase();
    let (year, seq) = up.strip_prefix("CVE-")?.split_once('-')?;
    let digits = |x: &str, min: usize| x.len() >= min && x.bytes().all(|c| c.is_ascii_digit());
    (year.len() == 4 && digits(year, 4) && digits(seq, 4) && seq.len() <= 19).then_some(up)
}

fn email(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    (email_spans(&lower) == [(0, lower.len())]).then_some(lower)
}

/// An http, https or ftp URL with a valid host (a name, an IPv4 address or
/// a bracketed IPv6 one, optionally a port and user); scheme and host
/// lower-cased, the rest kept as written.
fn url(s: &str) -> Option<String> {
    let (scheme, rest) = s.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https" | "ftp")
        || rest.is_empty()
        || rest.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (auth, tail) = (rest.get(..auth_end)?, rest.get(auth_end..)?);
    let (user, hostport) = match auth.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, auth),
    };
    let port_ok = |p: Option<&str>| {
        p.is_none_or(|p| p.bytes().all(|c| c.is_ascii_digit()) && p.parse::<u16>().is_ok())
    };
    let host_ok = if let Some(inner) = hostport.strip_prefix('[') {
        let (h, after) = inner.split_once(']')?;
        h.parse::<Ipv6Addr>().is_ok() && (after.is_empty() || port_ok(after.strip_prefix(':')))
    } else {
        let (h, p) = match hostport.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        };
        port_ok(p) && (ipv4(h).is_some() || domain_shape(&h.to_ascii_lowercase(), false))
    };
    if !host_ok {
        return None;
    }
    let user = user.map(|u| format!("{u}@")).unwrap_or_default();
    Some(format!(
        "{scheme}://{user}{}{tail}",
        hostport.to_ascii_lowercase()
    ))
}

/// Where a URL in text ends: whitespace, a quote, a closing bracket or any
/// non-ASCII character (CJK punctuation follows URLs without a space).
fn url_byte(c: u8) -> bool {
    c.is_ascii_graphic() && !matches!(c, b'"' | b'\'' | b'`' | b'<' | b'>' | b')' | b']' | b'}')
}

/// Where a URL ends once the punctuation of the sentence around it is left
/// off (`…/a.`, `…/a,`), never before `min`.
fn trim_url_end(b: &[u8], min: usize, mut e: usize) -> usize {
    while e > min && b.get(e - 1).is_some_and(|c| b".,;:!?".contains(c)) {
        e -= 1;
    }
    e
}

fn urls(r: &str, found: &mut Vec<(usize, Indicator)>, covered: &mut [bool]) {
    const SCHEMES: [&[u8]; 3] = [b"https://", b"http://", b"ftp://"];
    let b = r.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let word_start = i == 0 || b.get(i - 1).is_some_and(|c| !c.is_ascii_alphanumeric());
        let scheme = SCHEMES.iter().find(|s| {
            b.get(i..i + s.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(s))
        });
        if let (true, Some(scheme)) = (word_start, scheme) {
            let body = i + scheme.len();
            let mut auth = body;
            // a bracketed IPv6 host holds colons and a closing bracket (and
            // is short: look no further than 64 bytes)
            if b.get(auth) == Some(&b'[')
                && let Some(close) = b
                    .get(auth..)
                    .and_then(|x| x.iter().take(64).position(|&c| c == b']'))
            {
                auth += close + 1;
            }
            while b
                .get(auth)
                .is_some_and(|&c| url_byte(c) && !matches!(c, b'/' | b'?' | b'#'))
            {
                auth += 1;
            }
            // The host is checked before the path is read, so a scheme
            // without one ("http://http://…") costs no more than its host.
            let host_end = trim_url_end(b, body, auth);
            if r.get(i..host_end).and_then(url).is_some() {
                let mut e = auth;
                while b.get(e).is_some_and(|&c| url_byte(c)) {
                    e += 1;
                }
                let e = trim_url_end(b, body, e);
                if let Some(value) = r.get(i..e).and_then(url) {
                    found.push((
                        i,
                        Indicator {
                            kind: IndicatorKind::Url,
                            value,
                        },
                    ));
                    covered
                        .get_mut(i..e)
                        .into_iter()
                        .flatten()
                        .for_each(|x| *x = true);
                    i = e.max(i + 1);
                    continue;
                }
            }
        }
        i += 1;
    }
}

fn token_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_' | b':')
}

/// The remaining indicators, from runs of letters, digits and `.-_:` that
/// are not part of a URL or an e-mail address.
fn tokens(r: &str, covered: &[bool], found: &mut Vec<(usize, Indicator)>) {
    let b = r.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !token_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while b.get(i).is_some_and(|&c| token_byte(c)) {
            i += 1;
        }
        if covered.get(start..i).is_some_and(|c| c.iter().any(|&x| x)) {
            continue;
        }
        if let Some(tok) = r.get(start..i) {
            token_indicators(tok, start, found);
        }
    }
}

fn trim_token(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, '.' | '-' | '_'))
}

/// An IPv6 address as a whole, else each colon-separated part alone
/// (`IP:203.0.113.5`, `evil.com:8080`). In prose an address must hold a
/// digit: `a::b` or `dead::beef` is more likely a C++ or Rust path.
fn token_indicators(tok: &str, at: usize, found: &mut Vec<(usize, Indicator)>) {
    let whole = trim_token(tok);
    let ipv6 = |s: &str| ipv6(s).filter(|_| s.bytes().any(|c| c.is_ascii_digit()));
    if let Some(value) = ipv6(whole) {
        found.push((
            at,
            Indicator {
                kind: IndicatorKind::Ipv6,
                value,
            },
        ));
        return;
    }
    // a label glued on with a colon: "IPv6:2001:db8::1"
    if let Some((head, tail)) = whole.split_once(':')
        && let Some(value) = ipv6(tail)
    {
        found.push((
            at + head.len() + 1,
            Indicator {
                kind: IndicatorKind::Ipv6,
                value,
            },
        ));
        return;
    }
    let mut offset = at;
    for part in tok.split(':') {
        if let Some(ind) = single(trim_token(part)) {
            found.push((offset, ind));
        }
        offset += part.len() + 1;
    }
}

fn single(s: &str) -> Option<Indicator> {
    use IndicatorKind::*;
    let (kind, value) = if let Some(v) = cve(s) {
        (Cve, v)
    } else if let Some(v) = ipv4(s) {
        (Ipv4, v)
    } else if let Some(v) = hash(s, 32) {
        (Md5, v)
    } else if let Some(v) = hash(s, 40) {
        (Sha1, v)
    } else if let Some(v) = hash(s, 64) {
        (Sha256, v)
    } else {
        (Domain, domain(s)?)
    };
    Some(Indicator { kind, value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use IndicatorKind::*;

    const MD5: &str = "d41d8cd98f00b204e9800998ecf8427e";
    const SHA1: &str = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
    const SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn ind(kind: IndicatorKind, value: &str) -> Indicator {
        Indicator {
            kind,
            value: value.to_owned(),
        }
    }

    #[test]
    fn advisory_in_chinese_with_defanged_values() {
        let text = format!(
            "【資安通報】攻擊來源IP為 203.0.113.5，連線至 evil[.]example.com，並下載 \
             hxxps://evil[.]example.com/payload.exe 。相關漏洞：CVE-2024-3400、cve-2023-46805。\
             樣本MD5：{}，SHA256:{}。聯絡 soc[@]example[.]gov[.]tw 或封鎖 2001:db8::1、\
             IPv6:2001:db8::1 198.51.100[.]7:443。版本 10.2.9-h1、T1059.001、Apache 2.4.58 與 payload.exe 不是指標。\
             再次提醒：203[.]0[.]113[.]5 與 EVIL.example.com。",
            MD5.to_uppercase(),
            SHA256
        );
        assert_eq!(
            extract(&text),
            [
                ind(Ipv4, "203.0.113.5"),
                ind(Domain, "evil.example.com"),
                ind(Url, "https://evil.example.com/payload.exe"),
                ind(Cve, "CVE-2024-3400"),
                ind(Cve, "CVE-2023-46805"),
                ind(Md5, MD5),
                ind(Sha256, SHA256),
                ind(Email, "soc@example.gov.tw"),
                ind(Ipv6, "2001:db8::1"),
                ind(Ipv4, "198.51.100.7"),
            ]
        );
    }

    #[test]
    fn urls_in_text() {
        for (text, want) in [
            (
                "見 https://Example.COM/a?b=1。",
                "https://example.com/a?b=1",
            ),
            ("（hxxp://203.0.113.9:8080/x）", "http://203.0.113.9:8080/x"),
            (
                "\"hxxps[:]//bad(.)example[.]net/p.php\"",
                "https://bad.example.net/p.php",
            ),
            (
                "ftp://user@files.example.org/pub,",
                "ftp://user@files.example.org/pub",
            ),
            (
                "at http://[2001:db8::2]:8443/admin)",
                "http://[2001:db8::2]:8443/admin",
            ),
            ("「http://a.example.tw/路徑」", "http://a.example.tw/"),
        ] {
            assert_eq!(extract(text), [ind(Url, want)], "{text}");
        }
        // a URL's host and the e-mail's domain are not domains again
        assert_eq!(
            extract("http://x.example.com/ y@mail.example.com"),
            [
                ind(Url, "http://x.example.com/"),
                ind(Email, "y@mail.example.com")
            ]
        );
        assert!(extract("http:// https://-bad-/ ftp://").is_empty());
    }

    #[test]
    fn deduplicated_in_order_of_first_appearance() {
        let got = extract("EVIL.com evil[.]com 1.2.3.4 evil(.)com 1.2.3[.]4 evil.com.");
        assert_eq!(got, [ind(Domain, "evil.com"), ind(Ipv4, "1.2.3.4")]);
    }

    #[test]
    fn not_indicators() {
        for text in [
            "999.1.1.1 01.02.03.04 1.2.3 1.2.3.4.5",
            "10.2.9-h1 2.4.58 T1059.001 v1.2",
            "report.pdf setup.exe index.html Node.js e.g. i.e. U.S.",
            "12:30:45 00:1a:2b:3c:4d:5e std::vec a::b ::",
            "CVE-24-1 CVE-2024-12 d41d8cd98f00b204e9800998ecf8427 x@y",
            "純中文沒有任何指標。",
        ] {
            assert!(extract(text).is_empty(), "{text}: {:?}", extract(text));
        }
    }

    #[test]
    fn classify_each_kind() {
        for (raw, kind, value) in [
            ("203.0.113.5", Ipv4, "203.0.113.5"),
            ("[2001:DB8:0:0::1]", Ipv6, "2001:db8::1"),
            ("::ffff:192.0.2.1", Ipv6, "::ffff:192.0.2.1"),
            (" Evil[.]Example.COM ", Domain, "evil.example.com"),
            ("xn--kpry57d.xn--kpry57d", Domain, "xn--kpry57d.xn--kpry57d"),
            ("hxxp://evil[.]com/a", Url, "http://evil.com/a"),
            (MD5, Md5, MD5),
            (&SHA1.to_uppercase(), Sha1, SHA1),
            (SHA256, Sha256, SHA256),
            ("cve-2021-44228", Cve, "CVE-2021-44228"),
            ("SOC[@]Example[.]gov.tw", Email, "soc@example.gov.tw"),
        ] {
            assert_eq!(classify(raw), Some(ind(kind, value)), "{raw}");
            assert_eq!(normalise(kind, raw).as_deref(), Some(value), "{raw}");
        }
        for raw in [
            "",
            "   ",
            "hello",
            "payload.exe",
            "1.2.3",
            "中文",
            "http://",
            "@",
        ] {
            assert_eq!(classify(raw), None, "{raw}");
        }
    }

    #[test]
    fn normalise_refuses_the_wrong_shape() {
        for (kind, raw) in [
            (Ipv4, "999.1.1.1"),
            (Ipv4, "01.02.03.04"),
            (Ipv4, "1.2.3.4.5"),
            (Ipv4, "2001:db8::1"),
            (Ipv6, "1.2.3.4"),
            (Ipv6, "::"),
            (Ipv6, "[::]"),
            (Ipv6, "12:30:45"),
            (Domain, "report.pdf"),
            (Domain, "1.2.3.4"),
            (Domain, "localhost"),
            (Domain, "-bad.example.com"),
            (Domain, "evil.com/path"),
            (Url, "javascript:alert(1)"),
            (Url, "evil.com/path"),
            (Url, "http://exa mple.com/"),
            (Url, "http://evil.com:99999/"),
            (Md5, SHA1),
            (Sha1, MD5),
            (
                Sha256,
                "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (Cve, "CVE-24-1234"),
            (Cve, "CVE-2024-123"),
            (Cve, "CWE-2024-1234"),
            (Email, "not-an-email"),
            (Email, "a@b@c.com"),
            (Email, ".a@example.com"),
        ] {
            assert_eq!(normalise(kind, raw), None, "{kind:?} {raw}");
        }
    }

    #[test]
    fn kinds_spelled_and_parsed() {
        for k in IndicatorKind::ALL {
            assert_eq!(IndicatorKind::parse(k.as_str()), Some(k));
            assert_eq!(IndicatorKind::parse(&k.as_str().to_uppercase()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert_eq!(IndicatorKind::parse("ip"), None);
    }

    #[test]
    fn shared_email_scanner() {
        assert_eq!(email_spans("信箱a.b+c@x.example.com。"), [(6, 25)]);
        assert_eq!(email_spans("a@b.com.A123"), [(0, 7)]);
        assert!(email_spans("a@b c@d. @e.com f.@g.com").is_empty());
    }

    #[test]
    fn never_panics_on_noise() {
        const ALPHABET: [&str; 22] = [
            "0", "9", "a", "F", "@", ".", "-", ":", "/", " ", "[", "]", "(", ")", "hxxp://", "[.]",
            "，", "攻擊", "evil", "com", "203", "::",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for round in 0..400 {
            let mut s = String::new();
            for _ in 0..round % 50 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(ALPHABET[(seed % ALPHABET.len() as u64) as usize]);
            }
            for i in extract(&s) {
                assert_eq!(
                    normalise(i.kind, &i.value).as_deref(),
                    Some(i.value.as_str()),
                    "{s:?}"
                );
            }
            let _ = classify(&s);
        }
    }
}
