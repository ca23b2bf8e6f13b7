//! Well-formed names (NISTIR 7695 §5) and their formatted-string (§6.2) and URI (§6.1)
//! bindings.

use std::fmt;
use std::str::FromStr;

use crate::error::{CpeError, ValueErrorKind};
use crate::value::{
    Value, char_at, check_wildcards, is_language_tag, is_plain, is_punct, push_quoted,
};

/// The eleven WFN attributes, in binding order (NISTIR 7695 §5.3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Attribute {
    /// `part`: `a` (application), `o` (operating system) or `h` (hardware).
    Part,
    /// `vendor`.
    Vendor,
    /// `product`.
    Product,
    /// `version`.
    Version,
    /// `update`.
    Update,
    /// `edition` (legacy; packs the extended attributes in a URI).
    Edition,
    /// `language`: an RFC 5646 tag restricted as NISTIR 7695 does (2–3 letter language,
    /// optional 2-letter or 3-digit region), checked by every parser.
    Language,
    /// `sw_edition`.
    SwEdition,
    /// `target_sw`.
    TargetSw,
    /// `target_hw`.
    TargetHw,
    /// `other`.
    Other,
}

impl Attribute {
    /// All attributes in formatted-string order.
    pub const ALL: [Attribute; 11] = [
        Attribute::Part,
        Attribute::Vendor,
        Attribute::Product,
        Attribute::Version,
        Attribute::Update,
        Attribute::Edition,
        Attribute::Language,
        Attribute::SwEdition,
        Attribute::TargetSw,
        Attribute::TargetHw,
        Attribute::Other,
    ];

    /// The attribute name used in WFNs (`"part"`, `"vendor"`, ..., `"sw_edition"`).
    pub fn name(self) -> &'static str {
        match self {
            Attribute::Part => "part",
            Attribute::Vendor => "vendor",
            Attribute::Product => "product",
            Attribute::Version => "version",
            Attribute::Update => "update",
            Attribute::Edition => "edition",
            Attribute::Language => "language",
            Attribute::SwEdition => "sw_edition",
            Attribute::TargetSw => "target_sw",
            Attribute::TargetHw => "target_hw",
            Attribute::Other => "other",
        }
    }

    /// The attribute with the given WFN name.
    pub fn from_name(name: &str) -> Option<Attribute> {
        Attribute::ALL.into_iter().find(|a| a.name() == name)
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A well-formed CPE name: eleven attribute values (NISTIR 7695 §5).
///
/// `Default` is the WFN with every attribute ANY.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Wfn {
    /// `a`, `o`, `h`, ANY or NA.
    pub part: Value,
    /// Vendor.
    pub vendor: Value,
    /// Product.
    pub product: Value,
    /// Version.
    pub version: Value,
    /// Update.
    pub update: Value,
    /// Edition.
    pub edition: Value,
    /// Language.
    pub language: Value,
    /// Software edition.
    pub sw_edition: Value,
    /// Target software.
    pub target_sw: Value,
    /// Target hardware.
    pub target_hw: Value,
    /// Other.
    pub other: Value,
}

const FS_PREFIX: &str = "cpe:2.3:";
const URI_PREFIX: &str = "cpe:/";

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn bad_prefix(s: &str) -> CpeError {
    if s.is_empty() {
        return CpeError::Empty;
    }
    CpeError::BadPrefix {
        found: s.chars().take(40).collect(),
    }
}

fn parse_part(text: &str, index: usize) -> Result<Value, CpeError> {
    match text {
        "a" | "o" | "h" => Ok(Value::Str(text.to_owned())),
        _ => Err(CpeError::BadPart {
            index,
            found: text.to_owned(),
        }),
    }
}

impl Wfn {
    /// The value of one attribute.
    pub fn get(&self, a: Attribute) -> &Value {
        match a {
            Attribute::Part => &self.part,
            Attribute::Vendor => &self.vendor,
            Attribute::Product => &self.product,
            Attribute::Version => &self.version,
            Attribute::Update => &self.update,
            Attribute::Edition => &self.edition,
            Attribute::Language => &self.language,
            Attribute::SwEdition => &self.sw_edition,
            Attribute::TargetSw => &self.target_sw,
            Attribute::TargetHw => &self.target_hw,
            Attribute::Other => &self.other,
        }
    }

    /// Mutable access to one attribute.
    pub fn get_mut(&mut self, a: Attribute) -> &mut Value {
        match a {
            Attribute::Part => &mut self.part,
            Attribute::Vendor => &mut self.vendor,
            Attribute::Product => &mut self.product,
            Attribute::Version => &mut self.version,
            Attribute::Update => &mut self.update,
            Attribute::Edition => &mut self.edition,
            Attribute::Language => &mut self.language,
            Attribute::SwEdition => &mut self.sw_edition,
            Attribute::TargetSw => &mut self.target_sw,
            Attribute::TargetHw => &mut self.target_hw,
            Attribute::Other => &mut self.other,
        }
    }

    /// The eleven (attribute, value) pairs in formatted-string order.
    pub fn attributes(&self) -> impl Iterator<Item = (Attribute, &Value)> {
        Attribute::ALL.into_iter().map(move |a| (a, self.get(a)))
    }

    /// Reads a CPE name in either binding, chosen by prefix: `cpe:2.3:` → [`Wfn::parse_fs`],
    /// `cpe:/` → [`Wfn::parse_uri`]. Prefixes are matched ASCII-case-insensitively.
    pub fn parse(s: &str) -> Result<Wfn, CpeError> {
        if strip_prefix_ci(s, FS_PREFIX).is_some() {
            Wfn::parse_fs(s)
        } else if strip_prefix_ci(s, URI_PREFIX).is_some() {
            Wfn::parse_uri(s)
        } else {
            Err(bad_prefix(s))
        }
    }

    /// Unbinds a formatted string (`cpe:2.3:part:vendor:...:other`, NISTIR 7695 §6.2.3).
    ///
    /// Exactly 13 components separated by unquoted colons; `*` = ANY, `-` = NA. As the
    /// grammar of §6.2 says, `-` and `.` are written unquoted (and quoted in the WFN, so
    /// `1.0` becomes `1\.0`), every other punctuation character must be quoted with `\`,
    /// and `\` may only quote `\`, `*`, `?` and punctuation other than `-`, `.`, `_`
    /// (`\_`, `\-`, `\.` are errors); unquoted `*` / `?` only as leading or trailing
    /// wildcards; only printable non-blank ASCII. Case is preserved. The part must be
    /// `a`, `o`, `h`, `*` (ANY) or `-` (NA); the language a tag such as `en` or `en-us`
    /// (see [`ValueErrorKind::BadLanguage`]).
    pub fn parse_fs(s: &str) -> Result<Wfn, CpeError> {
        let rest = strip_prefix_ci(s, FS_PREFIX).ok_or_else(|| bad_prefix(s))?;
        let b = rest.as_bytes();
        let mut comps: [&str; 11] = [""; 11];
        let mut n = 0usize;
        let mut start = 0usize;
        let mut i = 0usize;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b':' => {
                    if let Some(slot) = comps.get_mut(n) {
                        *slot = &rest[start..i];
                    }
                    n += 1;
                    start = i + 1;
                    i += 1;
                }
                _ => i += 1,
            }
        }
        if let Some(slot) = comps.get_mut(n) {
            *slot = rest.get(start..).unwrap_or("");
        }
        n += 1;
        if n != 11 {
            return Err(CpeError::FsComponentCount { found: n + 2 });
        }
        let part = match comps[0] {
            "*" => Value::Any,
            "-" => Value::Na,
            p => parse_part(p, 2)?,
        };
        let v = |k: usize| -> Result<Value, CpeError> {
            unbind_fs_value(comps[k]).map_err(|kind| CpeError::Component {
                index: k + 2,
                attribute: Attribute::ALL[k],
                kind,
            })
        };
        Ok(Wfn {
            part,
            vendor: v(1)?,
            product: v(2)?,
            version: v(3)?,
            update: v(4)?,
            edition: v(5)?,
            language: check_language(v(6)?, 8)?,
            sw_edition: v(7)?,
            target_sw: v(8)?,
            target_hw: v(9)?,
            other: v(10)?,
        })
    }

    /// Unbinds a CPE URI (`cpe:/part:vendor:product:version:update:edition:language`,
    /// NISTIR 7695 §6.1.3).
    ///
    /// Up to seven components; missing or empty components are ANY and `-` is NA (also
    /// for the part). The language must be a tag such as `en` or `en-us`. An
    /// edition starting with `~` is unpacked into edition, sw_edition, target_sw, target_hw
    /// and other. `.`, `-` and `~` are literal; `%01` is the `?` wildcard and `%02` the `*`
    /// wildcard (leading/trailing only); other `%xx` must encode punctuation other than
    /// `-` and `.` (`%2d`, `%2e` are errors: those are written unencoded); any other
    /// unencoded character than letters, digits, `_`, `.`, `-`, `~` is rejected.
    ///
    /// Deviation: the specification lower-cases the URI before decoding; this
    /// implementation keeps the case (matching is case-insensitive anyway, NISTIR 7696
    /// §6.1.2), so that `parse_uri(w.to_uri()) == w` for every WFN.
    pub fn parse_uri(s: &str) -> Result<Wfn, CpeError> {
        let rest = strip_prefix_ci(s, URI_PREFIX).ok_or_else(|| bad_prefix(s))?;
        let mut comps: [&str; 7] = [""; 7];
        let mut n = 0usize;
        for c in rest.split(':') {
            if let Some(slot) = comps.get_mut(n) {
                *slot = c;
            }
            n += 1;
        }
        if n > 7 {
            return Err(CpeError::UriComponentCount { found: n });
        }
        let part = match comps[0] {
            "" => Value::Any,
            "-" => Value::Na,
            p => parse_part(p, 1)?,
        };
        let dec = |k: usize, text: &str, a: Attribute| -> Result<Value, CpeError> {
            decode_uri_value(text).map_err(|kind| CpeError::Component {
                index: k + 1,
                attribute: a,
                kind,
            })
        };
        let mut w = Wfn {
            part,
            vendor: dec(1, comps[1], Attribute::Vendor)?,
            product: dec(2, comps[2], Attribute::Product)?,
            version: dec(3, comps[3], Attribute::Version)?,
            update: dec(4, comps[4], Attribute::Update)?,
            language: check_language(dec(6, comps[6], Attribute::Language)?, 7)?,
            ..Wfn::default()
        };
        let ed = comps[5];
        if let Some(packed) = ed.strip_prefix('~') {
            let mut fields: [&str; 5] = [""; 5];
            let mut count = 0usize;
            for f in packed.splitn(5, '~') {
                fields[count] = f;
                count += 1;
            }
            if count < 5 {
                return Err(CpeError::Component {
                    index: 6,
                    attribute: Attribute::Edition,
                    kind: ValueErrorKind::PackedFields(count),
                });
            }
            w.edition = dec(5, fields[0], Attribute::Edition)?;
            w.sw_edition = dec(5, fields[1], Attribute::SwEdition)?;
            w.target_sw = dec(5, fields[2], Attribute::TargetSw)?;
            w.target_hw = dec(5, fields[3], Attribute::TargetHw)?;
            w.other = dec(5, fields[4], Attribute::Other)?;
        } else {
            w.edition = dec(5, ed, Attribute::Edition)?;
        }
        Ok(w)
    }

    /// Reads the WFN notation of NISTIR 7695 §5.4, e.g.
    /// `wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.0\.6001",update="beta",edition=ANY]`.
    /// Attributes not mentioned are ANY; each attribute may appear once; values are
    /// `ANY`, `NA` or a double-quoted WFN string (checked with [`Value::from_wfn`]).
    /// Blanks around the separators are allowed.
    pub fn parse_wfn(s: &str) -> Result<Wfn, CpeError> {
        let bad = |m: String| CpeError::BadWfn(m);
        let body = s
            .trim()
            .strip_prefix("wfn:[")
            .and_then(|r| r.strip_suffix(']'))
            .ok_or_else(|| bad("expected wfn:[attribute=value,...]".to_owned()))?;
        let mut w = Wfn::default();
        let mut seen = [false; 11];
        let b = body.as_bytes();
        let mut i = 0usize;
        let skip_blank = |i: &mut usize| {
            while *i < b.len() && b[*i].is_ascii_whitespace() {
                *i += 1;
            }
        };
        skip_blank(&mut i);
        while i < b.len() {
            let name_start = i;
            while i < b.len() && b[i] != b'=' {
                i += 1;
            }
            let name = body[name_start..i].trim();
            let attr = Attribute::from_name(name)
                .ok_or_else(|| bad(format!("unknown attribute {name:?}")))?;
            let idx = Attribute::ALL.iter().position(|a| *a == attr).unwrap_or(0);
            if std::mem::replace(&mut seen[idx], true) {
                return Err(bad(format!("attribute {name} given twice")));
            }
            if i >= b.len() {
                return Err(bad(format!("expected '=' after {name:?}")));
            }
            i += 1; // '='
            skip_blank(&mut i);
            let value = if b.get(i) == Some(&b'"') {
                let vs = i + 1;
                let mut j = vs;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                if j >= b.len() {
                    return Err(bad(format!("unterminated value for {name}")));
                }
                let text = &body[vs..j];
                i = j + 1;
                if attr == Attribute::Part {
                    parse_part(text, 0).map_err(|e| bad(e.to_string()))?
                } else {
                    let v = Value::from_wfn(text).map_err(|e| bad(format!("{name}: {e}")))?;
                    if attr == Attribute::Language {
                        check_language(v, 0).map_err(|e| bad(format!("{name}: {e}")))?
                    } else {
                        v
                    }
                }
            } else {
                let vs = i;
                while i < b.len() && b[i] != b',' {
                    i += 1;
                }
                match body[vs..i].trim() {
                    "ANY" => Value::Any,
                    "NA" => Value::Na,
                    other => {
                        return Err(bad(format!(
                            "value of {name} must be ANY, NA or a quoted string, found {other:?}"
                        )));
                    }
                }
            };
            *w.get_mut(attr) = value;
            skip_blank(&mut i);
            if i < b.len() {
                if b[i] != b',' {
                    return Err(bad(format!("expected ',' after {name}")));
                }
                i += 1;
                skip_blank(&mut i);
            }
        }
        Ok(w)
    }

    /// Binds to a formatted string (NISTIR 7695 §6.2.2): ANY → `*`, NA → `-`, quoting of
    /// `.`, `-` and `_` removed, every other quote kept.
    ///
    /// As the specification's algorithm does, a value consisting of the single quoted
    /// hyphen `\-` is bound as `-`, which reads back as NA (the one WFN value that no
    /// binding can carry).
    pub fn to_fs(&self) -> String {
        let mut out = String::with_capacity(64);
        out.push_str("cpe:2.3");
        for (_, v) in self.attributes() {
            out.push(':');
            bind_fs_value(v, &mut out);
        }
        out
    }

    /// Binds to a URI (NISTIR 7695 §6.1.2): ANY → empty, NA → `-`, punctuation other than
    /// `.`, `-` percent-encoded (`~` as `%7e`), wildcards as `%01` / `%02`; sw_edition,
    /// target_sw, target_hw and other are packed into the edition (`~ed~sw~tsw~thw~oth`)
    /// when any of them is not ANY; trailing empty components are dropped.
    ///
    /// As in the specification, a value consisting of the single quoted hyphen `\-` is
    /// bound as `-` (which reads back as NA).
    pub fn to_uri(&self) -> String {
        let mut out = String::with_capacity(64);
        out.push_str("cpe:/");
        for v in [
            &self.part,
            &self.vendor,
            &self.product,
            &self.version,
            &self.update,
        ] {
            bind_uri_value(v, &mut out);
            out.push(':');
        }
        let packed = !(self.sw_edition.is_any()
            && self.target_sw.is_any()
            && self.target_hw.is_any()
            && self.other.is_any());
        if packed {
            for v in [
                &self.edition,
                &self.sw_edition,
                &self.target_sw,
                &self.target_hw,
                &self.other,
            ] {
                out.push('~');
                bind_uri_value(v, &mut out);
            }
        } else {
            bind_uri_value(&self.edition, &mut out);
        }
        out.push(':');
        bind_uri_value(&self.language, &mut out);
        while out.ends_with(':') {
            out.pop();
        }
        out
    }

    /// The WFN notation of NISTIR 7695 §5.4 with all eleven attributes, e.g.
    /// `wfn:[part="a",vendor="microsoft",...,other=ANY]`. Read back by [`Wfn::parse_wfn`].
    pub fn to_wfn_string(&self) -> String {
        let mut out = String::with_capacity(160);
        out.push_str("wfn:[");
        for (k, (a, v)) in self.attributes().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str(a.name());
            out.push('=');
            match v {
                Value::Any => out.push_str("ANY"),
                Value::Na => out.push_str("NA"),
                Value::Str(s) => {
                    out.push('"');
                    out.push_str(s);
                    out.push('"');
                }
            }
        }
        out.push(']');
        out
    }

    /// A JSON object with the eleven attributes, keyed by [`Attribute::name`], each value
    /// shown as by [`Value`]'s `Display`: `"ANY"`, `"NA"` or the WFN-quoted string
    /// (`"1\\.0\\.1f"` in JSON). Key order follows `serde_json`'s map (alphabetical unless
    /// its `preserve_order` feature is enabled elsewhere in the build).
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for (a, v) in self.attributes() {
            m.insert(
                a.name().to_owned(),
                serde_json::Value::String(v.to_string()),
            );
        }
        serde_json::Value::Object(m)
    }

    /// Checks that this name identifies a concrete product, as an inventory (asset) CPE
    /// must: part, vendor and product must each be a string without wildcards. An
    /// inventory name with vendor or product ANY (or `*foo`) would otherwise be a superset
    /// of, and so "match", unrelated vulnerability criteria.
    pub fn is_specific_inventory_name(&self) -> Result<(), CpeError> {
        for a in [Attribute::Part, Attribute::Vendor, Attribute::Product] {
            let v = self.get(a);
            let found = match v {
                Value::Any => "ANY".to_owned(),
                Value::Na => "NA".to_owned(),
                Value::Str(s) if v.has_wildcard() => format!("the wildcard pattern \"{s}\""),
                Value::Str(_) => continue,
            };
            return Err(CpeError::NotSpecific {
                attribute: a,
                found,
            });
        }
        Ok(())
    }

    /// Checks every attribute against the WFN rules (useful for values built by hand;
    /// parsed names always pass). Returns the first problem found.
    pub fn validate(&self) -> Result<(), CpeError> {
        match &self.part {
            Value::Any | Value::Na => {}
            Value::Str(p) if matches!(p.as_str(), "a" | "o" | "h") => {}
            other => {
                return Err(CpeError::BadPart {
                    index: 2,
                    found: other.to_string(),
                });
            }
        }
        for (k, (a, v)) in self.attributes().enumerate().skip(1) {
            if let Value::Str(s) = v {
                match crate::value::wfn_to_canonical(s) {
                    Ok(c) if c == *s => {
                        if a == Attribute::Language {
                            check_language(v.clone(), k + 2)?;
                        }
                    }
                    Ok(_) => {
                        return Err(CpeError::Component {
                            index: k + 2,
                            attribute: a,
                            kind: ValueErrorKind::NeedlessQuote('_'),
                        });
                    }
                    Err(kind) => {
                        return Err(CpeError::Component {
                            index: k + 2,
                            attribute: a,
                            kind,
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

impl FromStr for Wfn {
    type Err = CpeError;

    /// Same as [`Wfn::parse`].
    fn from_str(s: &str) -> Result<Wfn, CpeError> {
        Wfn::parse(s)
    }
}

/// Prints the formatted-string binding ([`Wfn::to_fs`]).
impl fmt::Display for Wfn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_fs())
    }
}

/// `unbind_value_fs` / `add_quoting` of NISTIR 7695 §6.2.3.2, with the checks made
/// strict (see [`Wfn::parse_fs`]).
fn unbind_fs_value(c: &str) -> Result<Value, ValueErrorKind> {
    match c {
        "" => return Err(ValueErrorKind::Empty),
        "*" => return Ok(Value::Any),
        "-" => return Ok(Value::Na),
        _ => {}
    }
    let b = c.as_bytes();
    let mut out = String::with_capacity(b.len() + 4);
    let mut i = 0usize;
    while i < b.len() {
        let ch = b[i];
        if is_plain(ch) || ch == b'*' || ch == b'?' {
            out.push(ch as char);
        } else if ch == b'\\' {
            let n = *b.get(i + 1).ok_or(ValueErrorKind::TrailingBackslash)?;
            push_quoted(&mut out, n, c, i + 1, true)?;
            i += 2;
            continue;
        } else if ch == b'-' || ch == b'.' {
            out.push('\\');
            out.push(ch as char);
        } else if is_punct(ch) {
            return Err(ValueErrorKind::UnquotedPunctuationInFs(ch as char));
        } else {
            return Err(ValueErrorKind::IllegalChar(char_at(c, i)));
        }
        i += 1;
    }
    check_wildcards(out.as_bytes())?;
    Ok(Value::Str(out))
}

/// `bind_value_for_fs` / `process_quoted_chars` of NISTIR 7695 §6.2.2.2.
fn bind_fs_value(v: &Value, out: &mut String) {
    let s = match v {
        Value::Any => return out.push('*'),
        Value::Na => return out.push('-'),
        Value::Str(s) => s,
    };
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n @ ('.' | '-' | '_')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
}

/// `bind_value_for_uri` / `transform_for_uri` / `pct_encode` of NISTIR 7695 §6.1.2.3.
fn bind_uri_value(v: &Value, out: &mut String) {
    let s = match v {
        Value::Any => return,
        Value::Na => return out.push('-'),
        Value::Str(s) => s,
    };
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    let mut i = 0usize;
    while i < b.len() {
        match b[i] {
            b'?' => out.push_str("%01"),
            b'*' => out.push_str("%02"),
            b'\\' => {
                i += 1;
                match b.get(i) {
                    Some(&n @ (b'.' | b'-')) => out.push(n as char),
                    Some(&n) if n.is_ascii() => {
                        out.push('%');
                        out.push(HEX[usize::from(n >> 4)] as char);
                        out.push(HEX[usize::from(n & 0xf)] as char);
                    }
                    // Only reachable for hand-built, invalid values.
                    _ => out.push_str("%5c"),
                }
            }
            c if c.is_ascii() => out.push(c as char),
            _ => {
                // Hand-built non-ASCII value: copy the character unchanged.
                let ch = char_at(s, i);
                out.push(ch);
                i += ch.len_utf8();
                continue;
            }
        }
        i += 1;
    }
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `decode` of NISTIR 7695 §6.1.3.2 (without the lower-casing, see [`Wfn::parse_uri`]).
fn decode_uri_value(c: &str) -> Result<Value, ValueErrorKind> {
    match c {
        "" => return Ok(Value::Any),
        "-" => return Ok(Value::Na),
        _ => {}
    }
    let b = c.as_bytes();
    let mut out = String::with_capacity(b.len() + 4);
    let mut i = 0usize;
    while i < b.len() {
        let ch = b[i];
        match ch {
            b'.' | b'-' | b'~' => {
                out.push('\\');
                out.push(ch as char);
            }
            b'%' => {
                let form = c.get(i..(i + 3).min(c.len())).unwrap_or("%");
                let (Some(h), Some(l)) = (
                    b.get(i + 1).copied().and_then(hex_val),
                    b.get(i + 2).copied().and_then(hex_val),
                ) else {
                    return Err(ValueErrorKind::BadPercent(
                        form.to_owned(),
                        "'%' must be followed by two hex digits",
                    ));
                };
                match (h << 4) | l {
                    0x01 => out.push('?'),
                    n @ (b'-' | b'.') => {
                        return Err(ValueErrorKind::EncodedUnreservedInUri(
                            form.to_owned(),
                            n as char,
                        ));
                    }
                    0x02 => out.push('*'),
                    n if is_punct(n) => {
                        out.push('\\');
                        out.push(n as char);
                    }
                    _ => {
                        return Err(ValueErrorKind::BadPercent(
                            form.to_owned(),
                            "only punctuation, %01 ('?') and %02 ('*') may be percent-encoded",
                        ));
                    }
                }
                i += 3;
                continue;
            }
            _ if is_plain(ch) => out.push(ch as char),
            _ => return Err(ValueErrorKind::IllegalChar(char_at(c, i))),
        }
        i += 1;
    }
    check_wildcards(out.as_bytes())?;
    if out == "*" {
        // `%02` alone: the pattern "any string", which the formatted string can only
        // express as ANY.
        return Ok(Value::Any);
    }
    Ok(Value::Str(out))
}

/// Checks a language value (NISTIR 7695 §5.3.3): ANY, NA or a tag accepted by
/// [`is_language_tag`]; `index` is the component position reported in the error.
fn check_language(v: Value, index: usize) -> Result<Value, CpeError> {
    match &v {
        Value::Str(s) if !is_language_tag(s) => Err(CpeError::Component {
            index,
            attribute: Attribute::Language,
            kind: ValueErrorKind::BadLanguage(v.unquoted().unwrap_or_default()),
        }),
        _ => Ok(v),
    }
}
