//! Normalisation of Windows "installed programs" strings: the display name (noise stripped,
//! split into tokens, version numbers set aside), the publisher (company suffixes dropped) and
//! the display version (brought to the shape NVD uses for the product).

/// Words that describe the build, architecture, language or installer rather than the
/// product. Compared after lower-casing, token by token.
const NOISE: &[&str] = &[
    "x64",
    "x86",
    "x32",
    "x86_64",
    "amd64",
    "arm64",
    "ia64",
    "64-bit",
    "32-bit",
    "64bit",
    "32bit",
    "bit",
    "win64",
    "win32",
    "64位元",
    "32位元",
    "update",
    "updates",
    "version",
    "ver",
    "release",
    "build",
    "setup",
    "mui",
    "zh-tw",
    "zh_tw",
    "zh-hant",
    "zh-cn",
    "zh-hans",
    "zh-hk",
    "en-us",
    "en-gb",
    "ja-jp",
    "ko-kr",
    "zh",
    "tw",
    "繁體中文",
    "繁體中文版",
    "中文版",
    "繁中",
    "traditional",
    "chinese",
    "english",
    "multilingual",
    "(remove",
    "only)",
    "remove",
    "only",
    "user",
    "machine",
    "wide",
    "installer",
    "-",
];

/// Company-form words dropped from a publisher.
const COMPANY: &[&str] = &[
    "inc",
    "incorporated",
    "corporation",
    "corp",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "l.l.c",
    "gmbh",
    "ag",
    "sa",
    "s.a",
    "srl",
    "s.r.l",
    "bv",
    "b.v",
    "nv",
    "oy",
    "ab",
    "as",
    "plc",
    "pty",
    "kk",
    "k.k",
    "the",
    "team",
    "project",
    "community",
    "contributors",
    "developers",
    "group",
    "development",
    "有限公司",
    "股份有限公司",
];

/// A display name split for matching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameParts {
    /// Lower-case words of the product name, noise and numbers removed.
    pub tokens: Vec<String>,
    /// Dotted version numbers found in the name, in order (`115.3.1`, `19.00`).
    pub versions: Vec<String>,
    /// Bare integers found in the name, in order (`8` of "Java 8 Update 281", years).
    pub numbers: Vec<String>,
    /// `N Update M` (Java's naming), when present.
    pub java_update: Option<(u32, u32)>,
}

/// Lower-cases and removes trademark signs.
fn clean(s: &str) -> String {
    let mut t = s.to_lowercase();
    if t.is_ascii() && !t.contains('(') {
        return t;
    }
    for mark in ["(tm)", "(r)", "(c)", "™", "®", "©"] {
        t = t.replace(mark, " ");
    }
    t
}

fn is_sep(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | ','
                | ';'
                | ':'
                | '/'
                | '\\'
                | '|'
                | '"'
                | '\''
                | '!'
                | '?'
                | '*'
                | '='
                | '<'
                | '>'
                | '~'
                | '@'
                | '$'
                | '%'
                | '^'
                | '&'
                | '_'
                | '（'
                | '）'
                | '，'
                | '、'
                | '：'
        )
}

/// `v1.2`, `1.2`, `1.2.3a`, `19.00`: digits, then at least one `.` group.
fn is_dotted_version(t: &str) -> bool {
    let t = t.strip_prefix('v').unwrap_or(t);
    let mut groups = t.split('.');
    let Some(first) = groups.next() else {
        return false;
    };
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && rest.iter().all(|g| {
            !g.is_empty()
                && g.bytes().next().is_some_and(|b| b.is_ascii_digit())
                && g.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

fn is_number(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// Splits a product string (a display name, or a dictionary title or product id with `_`
/// already turned into blanks) into lower-case words, without removing anything.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in clean(s).split(is_sep) {
        for part in raw.split(['-', '.']) {
            let part = part.trim_matches(|c: char| !c.is_alphanumeric() && c != '+' && c != '#');
            if !part.is_empty() {
                out.push(part.to_owned());
            }
        }
    }
    out
}

/// Splits a display name: noise words removed, versions and numbers set aside.
pub fn split_name(name: &str) -> NameParts {
    let mut parts = NameParts::default();
    let raw: Vec<String> = clean(name)
        .split(is_sep)
        .map(|t| {
            t.trim_matches(|c: char| matches!(c, '.' | ',' | '-'))
                .to_owned()
        })
        .filter(|t| !t.is_empty())
        .collect();
    for (i, t) in raw.iter().enumerate() {
        if t == "update"
            && i > 0
            && i + 1 < raw.len()
            && let (Ok(n), Ok(m)) = (raw[i - 1].parse::<u32>(), raw[i + 1].parse::<u32>())
        {
            parts.java_update.get_or_insert((n, m));
        }
        // "Update" is noise before a number (Java's "8 Update 281"), a word of the name
        // otherwise ("Microsoft Edge Update", "Dell Command | Update").
        let numbered = raw
            .get(i + 1)
            .is_some_and(|n| is_number(n) || is_dotted_version(n));
        if NOISE.contains(&t.as_str()) && (numbered || !matches!(t.as_str(), "update" | "updates"))
        {
            continue;
        }
        if is_dotted_version(t) {
            parts
                .versions
                .push(t.strip_prefix('v').unwrap_or(t).to_owned());
            continue;
        }
        if is_number(t) {
            parts.numbers.push(t.clone());
            continue;
        }
        let pieces: Vec<&str> = t.split('-').filter(|p| !p.is_empty()).collect();
        if pieces.len() > 1 && is_dotted_version(pieces[0]) {
            // "2.6.6-i001", "1.2-beta": a version with a suffix.
            parts
                .versions
                .push(pieces[0].strip_prefix('v').unwrap_or(pieces[0]).to_owned());
            continue;
        }
        if pieces.len() > 1 && pieces.iter().all(|p| is_number(p) || is_dotted_version(p)) {
            // "2015-2022"
            for p in pieces {
                if is_number(p) {
                    parts.numbers.push(p.to_owned());
                } else {
                    parts.versions.push(p.to_owned());
                }
            }
            continue;
        }
        // "v8" and "8u281"-like words are version noise too.
        if t.len() > 1 && t.starts_with('v') && is_number(&t[1..]) {
            parts.numbers.push(t[1..].to_owned());
            continue;
        }
        for piece in t.split(['-', '.']) {
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric() && c != '+' && c != '#');
            let noise =
                NOISE.contains(&piece) && (numbered || !matches!(piece, "update" | "updates"));
            if !piece.is_empty() && !noise {
                parts.tokens.push(piece.to_owned());
            }
        }
    }
    parts
}

/// The key under which a display name is looked up in overrides: its tokens joined by one
/// blank ("Mozilla Firefox (x64 zh-TW) 115.3.1" → "mozilla firefox").
pub fn normalise_name(name: &str) -> String {
    split_name(name).tokens.join(" ")
}

/// A publisher reduced to its distinctive words ("Zoom Video Communications, Inc." →
/// `["zoom", "video", "communications"]`).
pub fn publisher_words(publisher: &str) -> Vec<String> {
    clean(publisher)
        .split(|c: char| is_sep(c) || c == '-')
        .map(|t| t.trim_matches('.'))
        .filter(|t| !t.is_empty() && !COMPANY.contains(t))
        .map(str::to_owned)
        .collect()
}

/// Letters, digits, `+` and `#` only, lower-case: the form in which "7-Zip", "7zip" and
/// "7_zip" agree.
pub fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || *c == '+' || *c == '#')
        .flat_map(char::to_lowercase)
        .collect()
}

/// What the dictionary knows about the versions NVD uses for a product.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    /// Typical number of dotted components (0: unknown).
    pub components: u8,
    /// NVD puts Java-style `update_N` in the update component.
    pub update: bool,
    /// NVD versions are mostly years (`microsoft:office:2016`).
    pub year: bool,
}

impl Shape {
    /// Reads `3`, `3u`, `1y`, or the empty string.
    pub fn parse(s: &str) -> Shape {
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        Shape {
            components: digits.parse().unwrap_or(0),
            update: s.contains('u'),
            year: s.contains('y'),
        }
    }
}

fn same_major(a: &str, b: &str) -> bool {
    a.split('.').next() == b.split('.').next()
}

/// `long` is `short` followed by further components that are not all zero ("8.0.34" refines
/// "8.0"; "6.23.0" does not refine "6.23").
fn refines(long: &str, short: &str) -> bool {
    let (l, s): (Vec<&str>, Vec<&str>) = (long.split('.').collect(), short.split('.').collect());
    l.len() > s.len()
        && l[..s.len()] == s[..]
        && l[s.len()..].iter().any(|c| c.bytes().any(|b| b != b'0'))
}

/// Components used when the dictionary has no shape for a product: most NVD versions of
/// Windows software are `major.minor.patch`.
const DEFAULT_COMPONENTS: usize = 3;

/// Brings a version to NVD's form for a product: `(version, update)` as plain strings
/// (not yet CPE-quoted), `update` empty when there is none. `version` is empty when nothing
/// usable is known.
pub fn normalise_version(
    parts: &NameParts,
    display_version: &str,
    shape: Shape,
) -> (String, String) {
    if shape.update
        && let Some((n, m)) = parts.java_update
        && (2..=8).contains(&n)
    {
        return (format!("1.{n}.0"), format!("update_{m}"));
    }
    if shape.year
        && let Some(y) = parts
            .numbers
            .iter()
            .find(|n| n.len() == 4 && (n.starts_with("19") || n.starts_with("20")))
    {
        return (y.clone(), String::new());
    }
    // The first blank-separated word that starts with a digit ("ad 8.0.4", "5.13.11 (16405)").
    let dv = display_version
        .split_whitespace()
        .map(|w| w.strip_prefix(['v', 'V']).unwrap_or(w))
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or("");
    let chosen = match parts.versions.first() {
        Some(vn) if dv.is_empty() => vn.clone(),
        Some(vn) if same_major(vn, dv) && !refines(dv, vn) => vn.clone(),
        // A full `x.y.z` in the name beats an installer's own numbering
        // ("Microsoft .NET Runtime - 6.0.22 (x64)", DisplayVersion 48.91.43410).
        Some(vn) if vn.split('.').count() >= 3 => vn.clone(),
        _ => dv.to_owned(),
    };
    if chosen.is_empty() {
        return (String::new(), String::new());
    }
    let keep = match shape.components {
        _ if shape.year => DEFAULT_COMPONENTS,
        0 => DEFAULT_COMPONENTS,
        k => usize::from(k),
    };
    let mut comps: Vec<&str> = chosen.split('.').collect();
    if !comps.iter().all(|c| is_number(c)) {
        return (chosen, String::new());
    }
    // Drop components beyond the product's usual count when they are zeros; otherwise keep
    // `major.minor.patch` at least.
    // A very long fourth component is a build number ("12.1.5.20735119").
    if comps.len() > DEFAULT_COMPONENTS && comps.last().is_some_and(|c| c.len() >= 6) {
        comps.pop();
    }
    while comps.len() > keep {
        let last = comps[comps.len() - 1];
        let zero = last.bytes().all(|b| b == b'0');
        if zero || comps.len() > DEFAULT_COMPONENTS.max(keep) {
            comps.pop();
        } else {
            break;
        }
    }
    let version = comps.join(".");
    (version, String::new())
}

/// Quotes a plain value for a CPE 2.3 formatted string: letters, digits, `-`, `.` and `_`
/// stand as they are, blanks become `_`, other printable ASCII is quoted with `\`, anything
/// else is dropped. Empty gives `*` (ANY).
pub fn fs_quote(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '.' | '_' => out.push(c),
            ' ' => out.push('_'),
            '!'..='~' => {
                out.push('\\');
                out.push(c);
            }
            _ => {}
        }
    }
    if out.is_empty() || out == "-" {
        "*".to_owned()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_architecture_locale_and_versions() {
        let p = split_name("Mozilla Firefox (x64 zh-TW) 115.3.1");
        assert_eq!(p.tokens, ["mozilla", "firefox"]);
        assert_eq!(p.versions, ["115.3.1"]);
        assert_eq!(normalise_name("7-Zip 19.00 (x64)"), "7 zip");
        assert_eq!(normalise_name("Notepad++ (64-bit x64)"), "notepad++");
        assert_eq!(normalise_name("Python 3.11.5 (64-bit)"), "python");
        assert_eq!(normalise_name("WinRAR 6.23 (32-bit)"), "winrar");
        assert_eq!(normalise_name("Java(TM) 8 Update 281 (64-bit)"), "java");
        assert_eq!(normalise_name("Google Chrome"), "google chrome");
        assert_eq!(
            normalise_name("Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.36.32532"),
            "microsoft visual c++ redistributable"
        );
        assert_eq!(normalise_name("PuTTY release 0.79 (64-bit)"), "putty");
        assert_eq!(normalise_name("Paint.NET"), "paint net");
        assert_eq!(
            normalise_name("自然人憑證 HiCOS 卡片管理工具"),
            "自然人憑證 hicos 卡片管理工具"
        );
        assert_eq!(normalise_name("LINE"), "line");
        // "Update" is a word of the name unless a number follows (Java's naming).
        assert_eq!(
            normalise_name("Microsoft Edge Update"),
            "microsoft edge update"
        );
        assert_eq!(normalise_name("Java 8 Update 281"), "java");
        assert_eq!(normalise_name("  "), "");
    }

    #[test]
    fn keeps_numbers_aside() {
        let p = split_name("Microsoft Office Professional Plus 2016 - zh-tw");
        assert_eq!(p.tokens, ["microsoft", "office", "professional", "plus"]);
        assert_eq!(p.numbers, ["2016"]);
        let p = split_name("Java 8 Update 281");
        assert_eq!(p.java_update, Some((8, 281)));
        assert_eq!(p.numbers, ["8", "281"]);
    }

    #[test]
    fn publisher_suffixes() {
        assert_eq!(publisher_words("Microsoft Corporation"), ["microsoft"]);
        assert_eq!(publisher_words("Adobe Inc."), ["adobe"]);
        assert_eq!(
            publisher_words("Zoom Video Communications, Inc."),
            ["zoom", "video", "communications"]
        );
        assert_eq!(publisher_words("Notepad++ Team"), ["notepad++"]);
        assert_eq!(publisher_words("The Git Development Community"), ["git"]);
        assert_eq!(
            publisher_words("中華電信股份有限公司"),
            ["中華電信股份有限公司"]
        );
        assert_eq!(compact("7-Zip"), "7zip");
    }

    fn nv(name: &str, dv: &str, shape: &str) -> (String, String) {
        normalise_version(&split_name(name), dv, Shape::parse(shape))
    }

    #[test]
    fn java_update_rule() {
        assert_eq!(
            nv("Java 8 Update 281", "8.0.2810.9", "3u"),
            ("1.8.0".into(), "update_281".into())
        );
        assert_eq!(
            nv("Java(TM) 7 Update 80 (64-bit)", "7.0.800", "3u"),
            ("1.7.0".into(), "update_80".into())
        );
        // Java 11 and later are plain versions.
        assert_eq!(
            nv(
                "Java(TM) SE Development Kit 17.0.8 (64-bit)",
                "17.0.8.0",
                "3u"
            ),
            ("17.0.8".into(), String::new())
        );
        // Without the dictionary's update shape the rule does not apply.
        assert_eq!(
            nv("Java 8 Update 281", "8.0.2810.9", ""),
            ("8.0.2810".into(), String::new())
        );
    }

    #[test]
    fn name_version_beats_build_numbers() {
        assert_eq!(nv("Python 3.11.5 (64-bit)", "3.11.5150.0", "3").0, "3.11.5");
        assert_eq!(nv("7-Zip 19.00 (x64)", "19.00", "2").0, "19.00");
        assert_eq!(
            nv("Mozilla Firefox (x64 zh-TW) 115.3.1", "115.3.1", "3").0,
            "115.3.1"
        );
        assert_eq!(nv("WinRAR 6.23 (64-bit)", "6.23.0", "").0, "6.23");
        // Another major in the name (a year, a marketing number) loses to DisplayVersion.
        assert_eq!(nv("Foo 2.0 Suite", "5.1.2", "").0, "5.1.2");
    }

    #[test]
    fn display_version_truncated_to_shape() {
        assert_eq!(nv("PuTTY release 0.79", "", "2").0, "0.79");
        assert_eq!(nv("PuTTY", "0.79.0.0", "2").0, "0.79");
        assert_eq!(nv("Git", "2.42.0.2", "").0, "2.42.0");
        assert_eq!(
            nv("Google Chrome", "116.0.5845.188", "4").0,
            "116.0.5845.188"
        );
        assert_eq!(
            nv("Adobe Acrobat Reader DC", "2015.023.20070", "").0,
            "2015.023.20070"
        );
        assert_eq!(nv("Foxit", "12.1.2.15332", "4").0, "12.1.2.15332");
        assert_eq!(nv("VMware Tools", "12.1.5.20735119", "4").0, "12.1.5");
        assert_eq!(nv("WinPcap 4.1.3", "4.1.0.2980", "2").0, "4.1.3");
        assert_eq!(nv("MySQL Workbench 8.0 CE", "8.0.34", "").0, "8.0.34");
        assert_eq!(
            nv("7-Zip 22.01 (x64 edition)", "22.01.00.0", "2").0,
            "22.01"
        );
        assert_eq!(nv("AnyDesk", "ad 8.0.4", "").0, "8.0.4");
        assert_eq!(nv("OpenVPN 2.6.6-I001 amd64", "2.6.601", "").0, "2.6.6");
        assert_eq!(nv("Odd", "1.2.3-beta", "").0, "1.2.3-beta");
        assert_eq!(nv("Nothing", "", ""), (String::new(), String::new()));
    }

    #[test]
    fn year_versions() {
        assert_eq!(
            nv(
                "Microsoft Office Professional Plus 2016",
                "16.0.4266.1001",
                "1y"
            )
            .0,
            "2016"
        );
        assert_eq!(nv("Microsoft Office 365", "16.0.1", "1y").0, "16.0.1");
    }

    #[test]
    fn quoting() {
        assert_eq!(fs_quote("1.8.0"), "1.8.0");
        assert_eq!(fs_quote("1.0 beta"), "1.0_beta");
        assert_eq!(fs_quote("1+2"), "1\\+2");
        assert_eq!(fs_quote(""), "*");
        assert_eq!(fs_quote("版本"), "*");
    }
}
