//! Personal data (個人資料) in free text, found and masked before a piece of
//! intelligence leaves the agency.
//!
//! Hand-written scanners over the text's characters (no regular
//! expressions): each kind proposes candidates, then the earliest (and, at
//! the same start, the longest) candidate wins, so hits never overlap.
//! Shapes that are ambiguous on their own (a passport's nine digits, a bank
//! account, a birth date, a landline without separators) are only taken
//! near a keyword that says what they are; ids are only taken with a valid
//! checksum. Numbers glued to letters or digits (a hash, a version, a CVE
//! id, a URL path) are never taken: a hit that starts or ends with an ASCII
//! letter or digit must be a whole token.
//!
//! Byte offsets in [`Hit`] are always on character boundaries: the scanners
//! work on a table of characters and convert back through it.

use serde::{Deserialize, Serialize};

use super::indicators::email_spans;

/// What a piece of personal data is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// 身分證統一編號.
    NationalId,
    /// 居留證 (外來人口統一證號), old and new formats.
    ResidentId,
    /// Taiwanese passport number (護照號碼).
    Passport,
    /// Mobile phone (行動電話).
    Mobile,
    /// Landline (市內電話).
    Landline,
    Email,
    /// 出生日期.
    BirthDate,
    /// Street address (地址).
    Address,
    /// Bank account (銀行帳號).
    BankAccount,
    /// A person's name the user marked.
    Name,
}

impl PiiKind {
    pub const ALL: [PiiKind; 10] = [
        PiiKind::NationalId,
        PiiKind::ResidentId,
        PiiKind::Passport,
        PiiKind::Mobile,
        PiiKind::Landline,
        PiiKind::Email,
        PiiKind::BirthDate,
        PiiKind::Address,
        PiiKind::BankAccount,
        PiiKind::Name,
    ];

    /// The serde spelling, for logs and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::NationalId => "national_id",
            PiiKind::ResidentId => "resident_id",
            PiiKind::Passport => "passport",
            PiiKind::Mobile => "mobile",
            PiiKind::Landline => "landline",
            PiiKind::Email => "email",
            PiiKind::BirthDate => "birth_date",
            PiiKind::Address => "address",
            PiiKind::BankAccount => "bank_account",
            PiiKind::Name => "name",
        }
    }

    /// Tie-break for two candidates with the same range: checksummed ids
    /// first, then what a keyword named, then the bare shapes.
    fn rank(self) -> u8 {
        match self {
            PiiKind::NationalId => 0,
            PiiKind::ResidentId => 1,
            PiiKind::Passport => 2,
            PiiKind::BankAccount => 3,
            PiiKind::BirthDate => 4,
            PiiKind::Mobile => 5,
            PiiKind::Landline => 6,
            PiiKind::Email => 7,
            PiiKind::Address => 8,
            PiiKind::Name => 9,
        }
    }
}

/// One piece of personal data found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub kind: PiiKind,
    /// byte range in the input
    pub start: usize,
    pub end: usize,
    /// The input's text in that range.
    pub text: String,
    /// What replaces it when masked.
    pub masked: String,
}

/// Finds personal data; `names` are person names the user marked (masked
/// wherever they occur). Sorted by start, non-overlapping (the first, then
/// the longest, wins).
pub fn find(text: &str, names: &[&str]) -> Vec<Hit> {
    let t = Chars::new(text);
    let mut cands = Vec::new();
    ids(&t, &mut cands);
    passports(&t, &mut cands);
    mobiles(&t, &mut cands);
    landlines(&t, &mut cands);
    emails(&t, &mut cands);
    birth_dates(&t, &mut cands);
    addresses(&t, &mut cands);
    bank_accounts(&t, &mut cands);
    marked_names(&t, names, &mut cands);
    resolve(&t, cands)
}

/// The text with every hit replaced by its masked form.
pub fn mask(text: &str, names: &[&str]) -> (String, Vec<Hit>) {
    let hits = find(text, names);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for h in &hits {
        out.push_str(text.get(at..h.start).unwrap_or_default());
        out.push_str(&h.masked);
        at = h.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    (out, hits)
}

/// A national id (身分證統一編號): a letter, 1 or 2, eight digits, and the
/// Ministry of the Interior's checksum. The letter may be lower case.
pub fn national_id_valid(s: &str) -> bool {
    let b = s.as_bytes();
    match b.get(1) {
        Some(&d @ (b'1' | b'2')) if b.len() == 10 => checksum(b[0], u32::from(d - b'0'), &b[2..]),
        _ => false,
    }
}

/// A resident certificate number (居留證): the new format (2021 on) is a
/// letter, 8 or 9, eight digits, with the national id's checksum; the old
/// format is a letter, a second letter A–D and eight digits, the second
/// letter counting as the last digit of its code.
pub fn resident_id_valid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 {
        return false;
    }
    match b[1].to_ascii_uppercase() {
        d @ (b'8' | b'9') => checksum(b[0], u32::from(d - b'0'), &b[2..]),
        l @ b'A'..=b'D' => letter_code(l).is_some_and(|c| checksum(b[0], c % 10, &b[2..])),
        _ => false,
    }
}

/// The two-digit code of an id's first letter (the MOI table: not
/// alphabetical for I, O, W–Z).
fn letter_code(b: u8) -> Option<u32> {
    const CODES: [u32; 26] = [
        10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32,
        30, 31, 33,
    ];
    let up = b.to_ascii_uppercase();
    if !up.is_ascii_uppercase() {
        return None;
    }
    CODES.get(usize::from(up - b'A')).copied()
}

/// Weights 1,9,8,7,6,5,4,3,2,1,1 over the letter's two digits, the second
/// character's digit and the eight digits; valid when the sum ends in 0.
fn checksum(first: u8, second: u32, rest: &[u8]) -> bool {
    const WEIGHTS: [u32; 8] = [7, 6, 5, 4, 3, 2, 1, 1];
    let Some(code) = letter_code(first) else {
        return false;
    };
    if rest.len() != 8 || !rest.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let digits: u32 = rest
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    (code / 10 + code % 10 * 9 + second * 8 + digits).is_multiple_of(10)
}

const MASK: char = '○';

/// Cities and counties (直轄市、縣市) that start an address.
const CITIES: [&str; 26] = [
    "台北市",
    "臺北市",
    "新北市",
    "桃園市",
    "臺中市",
    "台中市",
    "臺南市",
    "台南市",
    "高雄市",
    "基隆市",
    "新竹市",
    "嘉義市",
    "新竹縣",
    "苗栗縣",
    "彰化縣",
    "南投縣",
    "雲林縣",
    "嘉義縣",
    "屏東縣",
    "宜蘭縣",
    "花蓮縣",
    "臺東縣",
    "台東縣",
    "澎湖縣",
    "金門縣",
    "連江縣",
];

/// Characters that end an address run: prose, not a place.
const ADDRESS_STOPS: [char; 5] = ['的', '於', '在', '是', '為'];

/// The input as characters, with each character's byte offset (and the
/// text's length at the end) to turn character ranges back into bytes.
struct Chars<'a> {
    src: &'a str,
    cs: Vec<char>,
    pos: Vec<usize>,
}

impl<'a> Chars<'a> {
    fn new(src: &'a str) -> Self {
        let (pos, cs): (Vec<usize>, Vec<char>) = src.char_indices().unzip();
        let mut pos = pos;
        pos.push(src.len());
        Chars { src, cs, pos }
    }

    fn len(&self) -> usize {
        self.cs.len()
    }

    fn at(&self, i: usize) -> Option<char> {
        self.cs.get(i).copied()
    }

    fn before(&self, i: usize, back: usize) -> Option<char> {
        i.checked_sub(back).and_then(|j| self.at(j))
    }

    fn digit(&self, i: usize) -> bool {
        self.at(i).is_some_and(|c| c.is_ascii_digit())
    }

    fn byte(&self, i: usize) -> usize {
        self.pos.get(i).copied().unwrap_or(self.src.len())
    }

    fn slice(&self, a: usize, b: usize) -> &'a str {
        self.src.get(self.byte(a)..self.byte(b)).unwrap_or_default()
    }

    /// ASCII digits from `i`, counting at most `max + 1` (enough to tell
    /// "more than max").
    fn digits_run(&self, i: usize, max: usize) -> usize {
        (0..=max).take_while(|&k| self.digit(i + k)).count()
    }

    /// Whether `kw` (ASCII letters compared case-insensitively) starts at `i`.
    fn starts_with(&self, i: usize, kw: &str) -> bool {
        kw.chars().enumerate().all(|(k, want)| {
            self.at(i + k)
                .is_some_and(|c| c.eq_ignore_ascii_case(&want))
        })
    }

    /// The character index just after each keyword occurrence. An English
    /// keyword must start a word ("tel" is not in "hotel").
    fn keyword_ends(&self, kws: &[&str]) -> Vec<usize> {
        let mut out = Vec::new();
        for i in 0..self.len() {
            for kw in kws {
                let word = kw.starts_with(|c: char| c.is_ascii_alphabetic());
                if word && self.before(i, 1).is_some_and(|c| c.is_ascii_alphabetic()) {
                    continue;
                }
                if self.starts_with(i, kw) {
                    out.push(i + kw.chars().count());
                }
            }
        }
        out
    }

    /// A hit starting at `i` with an ASCII letter or digit must not continue
    /// a token on its left.
    fn left_ok(&self, i: usize) -> bool {
        let first = self.at(i);
        if !first.is_some_and(|c| c.is_ascii_alphanumeric()) {
            return true;
        }
        match self.before(i, 1) {
            None => true,
            Some(p) if p.is_ascii_alphanumeric() => false,
            Some(p) => !joined(self.before(i, 2), p, first),
        }
    }

    /// A hit ending at `j` (exclusive) with an ASCII letter or digit must not
    /// continue a token on its right.
    fn right_ok(&self, j: usize) -> bool {
        let last = self.before(j, 1);
        if !last.is_some_and(|c| c.is_ascii_alphanumeric()) {
            return true;
        }
        match self.at(j) {
            None => true,
            Some(n) if n.is_ascii_alphanumeric() => false,
            Some(n) => !joined(last, n, self.at(j + 1)),
        }
    }
}

/// Whether `sep` glues `a` and `b` into one token: a hyphen or underscore
/// always (CVE-2024-…, A-123), a dot between digits (a version or an
/// address), a slash unless between digits (a URL path, but not "0912…/0923…").
/// Symmetric, so the two sides of a separator judge it the same way.
fn joined(a: Option<char>, sep: char, b: Option<char>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    if !a.is_ascii_alphanumeric() || !b.is_ascii_alphanumeric() {
        return false;
    }
    match sep {
        '-' | '_' => true,
        '.' => a.is_ascii_digit() && b.is_ascii_digit(),
        '/' => !(a.is_ascii_digit() && b.is_ascii_digit()),
        _ => false,
    }
}

/// A proposed hit, in characters.
struct Cand {
    start: usize,
    end: usize,
    kind: PiiKind,
    masked: String,
}

fn push(out: &mut Vec<Cand>, start: usize, end: usize, kind: PiiKind, masked: String) {
    out.push(Cand {
        start,
        end,
        kind,
        masked,
    });
}

/// Drops candidates that are part of a longer token, then keeps the first
/// (and at one start, the longest) of overlapping ones.
fn resolve(t: &Chars, mut cands: Vec<Cand>) -> Vec<Hit> {
    cands
        .retain(|c| c.end > c.start && c.end <= t.len() && t.left_ok(c.start) && t.right_ok(c.end));
    cands.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.kind.rank().cmp(&b.kind.rank()))
    });
    let mut hits = Vec::new();
    let mut last = 0;
    for c in cands {
        if c.start < last {
            continue;
        }
        last = c.end;
        hits.push(Hit {
            kind: c.kind,
            start: t.byte(c.start),
            end: t.byte(c.end),
            text: t.slice(c.start, c.end).to_owned(),
            masked: c.masked,
        });
    }
    hits
}

/// Keeps the first `first` and last `last` characters.
fn keep_ends(s: &str, first: usize, last: usize) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(k, c)| if k < first || k + last >= n { c } else { MASK })
        .collect()
}

/// Keeps the first `first` and last `last` digits and every separator.
fn mask_digits(s: &str, first: usize, last: usize) -> String {
    let total = s.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= first || seen + last > total {
                c
            } else {
                MASK
            }
        })
        .collect()
}

/// National and resident ids: ten characters with a valid checksum.
fn ids(t: &Chars, out: &mut Vec<Cand>) {
    for i in 0..t.len().saturating_sub(9) {
        if !t.at(i).is_some_and(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let s = t.slice(i, i + 10);
        let kind = if national_id_valid(s) {
            PiiKind::NationalId
        } else if resident_id_valid(s) {
            PiiKind::ResidentId
        } else {
            continue;
        };
        push(out, i, i + 10, kind, keep_ends(s, 3, 1));
    }
}

/// The first number starting within `window` characters after each keyword:
/// `parse` gives its end. Only one try per keyword, so a keyword never
/// reaches past the number it labels.
fn after_keyword(
    t: &Chars,
    kws: &[&str],
    window: usize,
    starts: impl Fn(&Chars, usize) -> bool,
    parse: impl Fn(&Chars, usize) -> Option<usize>,
    mut found: impl FnMut(usize, usize),
) {
    for k in t.keyword_ends(kws) {
        if let Some(p) = (k..=k + window).find(|&p| starts(t, p))
            && let Some(e) = parse(t, p)
        {
            found(p, e);
        }
    }
}

fn number_start(t: &Chars, p: usize) -> bool {
    t.digit(p) && t.left_ok(p)
}

/// Passport: nine digits near 護照 / passport.
fn passports(t: &Chars, out: &mut Vec<Cand>) {
    after_keyword(
        t,
        &["護照", "passport"],
        10,
        number_start,
        |t, p| (t.digits_run(p, 9) == 9).then_some(p + 9),
        |s, e| {
            let text = t.slice(s, e);
            push(out, s, e, PiiKind::Passport, mask_digits(text, 0, 3));
        },
    );
}

/// Mobile: 09XX-XXX-XXX (separators optional, "-" or space), or +886 9XX….
fn mobiles(t: &Chars, out: &mut Vec<Cand>) {
    for i in 0..t.len() {
        let found = match t.at(i) {
            Some('0') if t.at(i + 1) == Some('9') => phone_groups(t, i, &[4, 3, 3]).map(|e| (e, 4)),
            Some('+') if t.starts_with(i, "+886") => {
                let mut j = i + 4;
                if matches!(t.at(j), Some('-' | ' ')) {
                    j += 1;
                }
                if t.at(j) == Some('9') {
                    // +886 and the first three digits of the subscriber number
                    phone_groups(t, j, &[3, 3, 3]).map(|e| (e, 6))
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some((e, keep)) = found {
            let text = t.slice(i, e);
            push(out, i, e, PiiKind::Mobile, mask_digits(text, keep, 3));
        }
    }
}

/// Digit groups of the given sizes; between two groups one optional "-" or
/// space, the same one throughout.
fn phone_groups(t: &Chars, i: usize, groups: &[usize]) -> Option<usize> {
    let mut j = i;
    let mut sep = None;
    for (g, &size) in groups.iter().enumerate() {
        if g > 0
            && let Some(c @ ('-' | ' ')) = t.at(j)
        {
            if sep.is_some_and(|s| s != c) || !t.digit(j + 1) {
                return None;
            }
            sep = Some(c);
            j += 1;
        }
        if t.digits_run(j, size) < size {
            return None;
        }
        j += size;
    }
    Some(j)
}

/// Landline: an area code in parentheses or followed by "-", then six to
/// eight digits (one "-" allowed), then an optional "#ext". Without either
/// it is taken only just after 電話 / Tel.
fn landlines(t: &Chars, out: &mut Vec<Cand>) {
    let mut keyed = vec![false; t.len() + 1];
    for k in t.keyword_ends(&["電話", "市話", "tel", "telephone", "phone"]) {
        for flag in keyed.iter_mut().skip(k).take(7) {
            *flag = true;
        }
    }
    for i in 0..t.len() {
        let Some((main, end, area)) = landline_at(t, i, keyed.get(i).copied().unwrap_or(false))
        else {
            continue;
        };
        let masked = mask_digits(t.slice(i, main), area, 2) + t.slice(main, end);
        push(out, i, end, PiiKind::Landline, masked);
    }
}

/// (number's end, end with the extension, digits of the area code)
fn landline_at(t: &Chars, i: usize, keyed: bool) -> Option<(usize, usize, usize)> {
    let (area, j) = match t.at(i)? {
        '(' => {
            let (a, j) = area_code(t, i + 1)?;
            if t.at(j) != Some(')') {
                return None;
            }
            let j = if t.at(j + 1) == Some(' ') {
                j + 2
            } else {
                j + 1
            };
            (a, j)
        }
        '0' => match area_code(t, i) {
            Some((a, j)) if t.at(j) == Some('-') => (a, j + 1),
            _ if keyed => {
                let a = bare_area_len(t, i)?;
                let j = i + a;
                match t.at(j) {
                    Some('-' | ' ') if t.digit(j + 1) => (a, j + 1),
                    _ => (a, j),
                }
            }
            _ => return None,
        },
        _ => return None,
    };
    let main = subscriber(t, j, keyed)?;
    let mut end = main;
    if t.at(main) == Some('#') {
        let d = t.digits_run(main + 1, 6);
        if (1..=6).contains(&d) {
            end = main + 1 + d;
        }
    }
    Some((main, end, area))
}

/// "0" and one to three digits, not a mobile prefix (09) nor toll-free.
fn area_code(t: &Chars, i: usize) -> Option<(usize, usize)> {
    if t.at(i) != Some('0') {
        return None;
    }
    let d = t.digits_run(i + 1, 3);
    if !(1..=3).contains(&d) {
        return None;
    }
    let code = t.slice(i, i + 1 + d);
    if code.starts_with("09") || code == "0800" || code == "0809" {
        return None;
    }
    Some((1 + d, i + 1 + d))
}

/// The area code of a number written without separators, from the codes in
/// use: 0826/0836 (Kinmen islets, Matsu), 037/049/082/089, else two digits.
fn bare_area_len(t: &Chars, i: usize) -> Option<usize> {
    if t.digits_run(i, 4) < 3 || t.slice(i, i + 2) == "09" {
        return None;
    }
    let four = t.slice(i, i + 4);
    let three = t.slice(i, i + 3);
    Some(if matches!(four, "0826" | "0836") {
        4
    } else if matches!(three, "037" | "049" | "082" | "089") {
        3
    } else {
        2
    })
}

/// Six to eight digits with at most one separator ("-", or a space after a
/// keyword); a longer run falls back to the part before the separator.
fn subscriber(t: &Chars, j: usize, keyed: bool) -> Option<usize> {
    let mut k = j;
    let mut count = 0usize;
    let mut before_sep = None;
    loop {
        match t.at(k) {
            Some(c) if c.is_ascii_digit() => {
                count += 1;
                k += 1;
                if count > 8 {
                    break;
                }
            }
            Some(c @ ('-' | ' '))
                if (c == '-' || keyed) && before_sep.is_none() && count > 0 && t.digit(k + 1) =>
            {
                before_sep = Some((k, count));
                k += 1;
            }
            _ => break,
        }
    }
    if (6..=8).contains(&count) && !t.digit(k) {
        return Some(k);
    }
    match before_sep {
        Some((k0, c0)) if (6..=8).contains(&c0) => Some(k0),
        _ => None,
    }
}

fn emails(t: &Chars, out: &mut Vec<Cand>) {
    for (s, e) in email_spans(t.src) {
        let (Ok(a), Ok(b)) = (t.pos.binary_search(&s), t.pos.binary_search(&e)) else {
            continue;
        };
        let text = t.slice(a, b);
        let Some((local, domain)) = text.split_once('@') else {
            continue;
        };
        let first: String = local.chars().take(1).collect();
        push(out, a, b, PiiKind::Email, format!("{first}○○○@{domain}"));
    }
}

/// Birth date: a date just after 生日 / 出生 / DOB / birth.
fn birth_dates(t: &Chars, out: &mut Vec<Cand>) {
    after_keyword(
        t,
        &["出生日期", "生日", "出生", "dob", "birth"],
        8,
        |t, p| t.at(p) == Some('民') || number_start(t, p),
        date_at,
        |s, e| {
            let text = t.slice(s, e);
            push(out, s, e, PiiKind::BirthDate, mask_digits(text, 0, 0));
        },
    );
}

/// A number of `min..=max` digits (exactly: no digit follows), with its end.
fn num(t: &Chars, i: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let d = t.digits_run(i, max);
    if d < min || d > max {
        return None;
    }
    let v = t.slice(i, i + d).parse().ok()?;
    Some((v, i + d))
}

fn month_day(m: u32, d: u32) -> bool {
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// YYYY-MM-DD, YYYY/MM/DD, ROC YYY/MM/DD, (民國)YYY年M月D日, and the
/// western DD/MM/YYYY an English "DOB" is often followed by.
fn date_at(t: &Chars, p: usize) -> Option<usize> {
    let roc = t.at(p) == Some('民') && t.at(p + 1) == Some('國');
    let mut j = if roc { p + 2 } else { p };
    if roc && t.at(j) == Some(' ') {
        j += 1;
    }
    let (first, e1) = num(t, j, 1, 4)?;
    let len1 = e1 - j;
    match t.at(e1)? {
        '年' if len1 >= 2 => {
            let (m, e2) = num(t, e1 + 1, 1, 2)?;
            if t.at(e2)? != '月' {
                return None;
            }
            let (d, e3) = num(t, e2 + 1, 1, 2)?;
            (t.at(e3)? == '日' && month_day(m, d)).then_some(e3 + 1)
        }
        sep @ ('-' | '/' | '.') => {
            let (second, e2) = num(t, e1 + 1, 1, 2)?;
            if t.at(e2)? != sep {
                return None;
            }
            let (third, e3) = num(t, e2 + 1, 1, 4)?;
            let len3 = e3 - (e2 + 1);
            let ok = if len1 >= 2 && len3 <= 2 {
                month_day(second, third)
            } else if !roc && len1 <= 2 && len3 == 4 {
                month_day(second, first) || month_day(first, second)
            } else {
                false
            };
            ok.then_some(e3)
        }
        _ => None,
    }
}

/// Bank account: 10–16 digits ("-" between groups) near 帳號 / account.
fn bank_accounts(t: &Chars, out: &mut Vec<Cand>) {
    after_keyword(
        t,
        &["帳號", "帳戶", "account", "acct"],
        10,
        number_start,
        account_end,
        |s, e| {
            let text = t.slice(s, e);
            push(out, s, e, PiiKind::BankAccount, mask_digits(text, 0, 4));
        },
    );
}

fn account_end(t: &Chars, p: usize) -> Option<usize> {
    let mut k = p;
    let mut count = 0;
    loop {
        match t.at(k) {
            Some(c) if c.is_ascii_digit() => {
                count += 1;
                k += 1;
                if count > 16 {
                    return None;
                }
            }
            Some('-') if count > 0 && t.digit(k + 1) => k += 1,
            _ => break,
        }
    }
    (10..=16).contains(&count).then_some(k)
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

fn numeral(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || "〇零一二三四五六七八九十百千".contains(c)
}

fn address_char(c: char) -> bool {
    (is_cjk(c) || c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '-' || c == '－')
        && !ADDRESS_STOPS.contains(&c)
}

/// 路, 街, 巷, 弄, or the 道 of 大道.
fn road_at(t: &Chars, k: usize) -> bool {
    match t.at(k) {
        Some('路' | '街' | '巷' | '弄') => true,
        Some('道') => t.before(k, 1) == Some('大'),
        _ => false,
    }
}

/// Addresses: a city or county, its district (區/鄉/鎮/市) kept, the rest
/// (road, lane, number, floor) masked one ○ per character.
fn addresses(t: &Chars, out: &mut Vec<Cand>) {
    for i in 0..t.len() {
        let Some(city) = CITIES.iter().find(|c| t.starts_with(i, c)) else {
            continue;
        };
        let j = i + city.chars().count();
        if let Some((keep, end)) = address_at(t, j) {
            let masked: String = t
                .slice(i, keep)
                .chars()
                .chain(std::iter::repeat_n(MASK, end - keep))
                .collect();
            push(out, i, end, PiiKind::Address, masked);
        }
    }
}

/// From just after the city: (end of the kept part, end of the address).
/// A road marker and then a number ending in 號 are required, within 40
/// characters, so 高雄市政府 and prose are not addresses.
fn address_at(t: &Chars, j: usize) -> Option<(usize, usize)> {
    let mut keep = j;
    for off in 0..=3 {
        let idx = j + off;
        match t.at(idx) {
            Some('區' | '鄉' | '鎮' | '市') if off >= 1 => {
                keep = idx + 1;
                break;
            }
            Some(c) if is_cjk(c) && !road_at(t, idx) && !ADDRESS_STOPS.contains(&c) => {}
            _ => break,
        }
    }
    let mut road = false;
    let mut k = keep;
    loop {
        if k >= j + 40 {
            return None;
        }
        let c = t.at(k)?;
        if !address_char(c) {
            return None;
        }
        if road_at(t, k) {
            road = true;
        } else if c == '號' && road && t.before(k, 1).is_some_and(numeral) {
            k += 1;
            break;
        }
        k += 1;
    }
    k = sub_number(t, k);
    if let Some(e) = floor(t, k) {
        k = sub_number(t, e);
    }
    Some((keep, k))
}

/// The "之N" after a number or floor.
fn sub_number(t: &Chars, k: usize) -> usize {
    if t.at(k) != Some('之') {
        return k;
    }
    let d = (0..4)
        .take_while(|&x| t.at(k + 1 + x).is_some_and(numeral))
        .count();
    let glued = t.before(k + 1 + d, 1).is_some_and(|c| c.is_ascii_digit())
        && t.at(k + 1 + d).is_some_and(|c| c.is_ascii_alphanumeric());
    if d == 0 || glued { k } else { k + 1 + d }
}

/// "N樓", "N室" or "NF".
fn floor(t: &Chars, k: usize) -> Option<usize> {
    let d = (0..4)
        .take_while(|&x| t.at(k + x).is_some_and(numeral))
        .count();
    if d == 0 {
        return None;
    }
    match t.at(k + d)? {
        '樓' | '室' => Some(k + d + 1),
        'F' | 'f' if !t.at(k + d + 1).is_some_and(|c| c.is_ascii_alphanumeric()) => Some(k + d + 1),
        _ => None,
    }
}

fn marked_names(t: &Chars, names: &[&str], out: &mut Vec<Cand>) {
    let mut seen: Vec<&str> = Vec::new();
    for raw in names {
        let name = raw.trim();
        if name.is_empty() || seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let nc: Vec<char> = name.chars().collect();
        // the same rule as an incident's reporter shown outside its organisation
        let masked = crate::incidents::mask_name(name);
        for i in 0..t.len() {
            if t.cs.get(i..i + nc.len()) == Some(&nc[..]) {
                push(out, i, i + nc.len(), PiiKind::Name, masked.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The MOI check digit computed independently of `checksum`.
    fn check_digit(letter: char, eight: &str) -> char {
        let code = match letter {
            'A'..='H' => letter as u32 - 'A' as u32 + 10,
            'I' => 34,
            'J'..='N' => letter as u32 - 'J' as u32 + 18,
            'O' => 35,
            'P'..='V' => letter as u32 - 'P' as u32 + 23,
            'W' => 32,
            'X' => 30,
            'Y' => 31,
            'Z' => 33,
            _ => unreachable!(),
        };
        // eight: the second character's digit and the first seven digits
        let mut sum = code / 10 + code % 10 * 9;
        for (k, c) in eight.chars().enumerate() {
            sum += c.to_digit(10).unwrap() * (8 - k as u32);
        }
        char::from_digit((10 - sum % 10) % 10, 10).unwrap()
    }

    fn with_check(letter: char, eight: &str) -> String {
        format!("{letter}{eight}{}", check_digit(letter, eight))
    }

    fn kinds(text: &str) -> Vec<(PiiKind, String)> {
        find(text, &[])
            .into_iter()
            .map(|h| (h.kind, h.text))
            .collect()
    }

    fn masked(text: &str) -> String {
        mask(text, &[]).0
    }

    #[test]
    fn national_ids() {
        assert!(national_id_valid("A123456789"));
        assert!(national_id_valid("a123456789"));
        assert_eq!(with_check('A', "12345678"), "A123456789");
        for (letter, eight) in [
            ('A', "12345678"),
            ('F', "22222222"),
            ('I', "10004567"),
            ('O', "20000001"),
            ('W', "18765432"),
            ('Z', "29999999"),
        ] {
            let id = with_check(letter, eight);
            assert!(national_id_valid(&id), "{id}");
            assert!(!resident_id_valid(&id), "{id}");
            assert_eq!(
                kinds(&format!("身分證字號：{id}。")),
                [(PiiKind::NationalId, id.clone())]
            );
        }
        for bad in [
            "A123456788",
            "A323456789",
            "1123456789",
            "A12345678",
            "A1234567890",
            "A12345678９",
            "",
        ] {
            assert!(!national_id_valid(bad), "{bad}");
        }
        assert_eq!(masked("A123456789"), "A12○○○○○○9");
        // a whole token only
        assert!(find("XA123456789", &[]).is_empty());
        assert!(find("A1234567890", &[]).is_empty());
        assert!(find("x-A123456789", &[]).is_empty());
    }

    #[test]
    fn resident_ids() {
        let new = with_check('A', "80000001");
        assert!(resident_id_valid(&new));
        assert!(!national_id_valid(&new));
        let new9 = with_check('F', "90123456");
        assert!(resident_id_valid(&new9.to_lowercase()));
        // old format: the second letter's code's last digit (A=10 → 0, D=13 → 3)
        let old_a = with_check('A', "00000000").replacen("A0", "AA", 1);
        let old_d = with_check('T', "31234567").replacen("T3", "TD", 1);
        for id in [&new, &new9, &old_a, &old_d] {
            assert!(resident_id_valid(id), "{id}");
            assert_eq!(
                kinds(&format!("居留證 {id}")),
                [(PiiKind::ResidentId, id.clone())]
            );
        }
        // E is not an old-format second letter; a wrong check digit fails
        assert!(!resident_id_valid(&old_a.replacen("AA", "AE", 1)));
        let last = old_d.chars().last().and_then(|c| c.to_digit(10)).unwrap();
        let wrong = format!("{}{}", &old_d[..9], (last + 1) % 10);
        assert!(!resident_id_valid(&wrong));
        assert_eq!(masked(&old_d), format!("TD1○○○○○○{}", &old_d[9..]));
    }

    #[test]
    fn mobiles() {
        for (text, want) in [
            ("手機0912345678", "手機0912○○○678"),
            ("手機 0912-345-678。", "手機 0912-○○○-678。"),
            ("call 0912 345 678 now", "call 0912 ○○○ 678 now"),
            ("0912-345678", "0912-○○○678"),
            ("+886 912-345-678", "+886 912-○○○-678"),
            ("+886912345678", "+886912○○○678"),
            ("0912345678/0923456789", "0912○○○678/0923○○○789"),
        ] {
            assert_eq!(masked(text), want, "{text}");
            assert!(find(text, &[]).iter().all(|h| h.kind == PiiKind::Mobile));
        }
        for no in [
            "09123456789",
            "0912-345 678",
            "v1.0912345678",
            "x.com/0912345678",
        ] {
            assert!(find(no, &[]).is_empty(), "{no}");
        }
    }

    #[test]
    fn landlines() {
        for (text, want) in [
            ("(02)2345-6789", "(02)○○○○-○○89"),
            ("電話：(02) 2345-6789", "電話：(02) ○○○○-○○89"),
            ("07-123-4567", "07-○○○-○○67"),
            ("02-2345-6789#123", "02-○○○○-○○89#123"),
            ("037-123456", "037-○○○○56"),
            ("Tel: 0223456789", "Tel: 02○○○○○○89"),
            ("電話 049 2345678", "電話 049 ○○○○○78"),
        ] {
            assert_eq!(masked(text), want, "{text}");
            assert_eq!(find(text, &[])[0].kind, PiiKind::Landline, "{text}");
        }
        // a bare run of digits without a keyword, toll-free, too long
        for no in [
            "0223456789",
            "hotel 0223456789",
            "0800-123-456",
            "02-234567890",
        ] {
            assert!(find(no, &[]).is_empty(), "{no}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            masked("聯絡人信箱 wang.xm@example.gov.tw，謝謝"),
            "聯絡人信箱 w○○○@example.gov.tw，謝謝"
        );
        assert_eq!(masked("<a+b@mail.example.com>"), "<a○○○@mail.example.com>");
        assert!(kinds("x@y.z").is_empty());
        assert!(kinds("@example.com").is_empty());
    }

    #[test]
    fn birth_dates() {
        for (text, want) in [
            ("生日：1990-01-02", "生日：○○○○-○○-○○"),
            ("出生日期：民國79年1月2日", "出生日期：民國○○年○月○日"),
            ("出生 79/01/02", "出生 ○○/○○/○○"),
            ("DOB 1990/1/2", "DOB ○○○○/○/○"),
            ("Date of birth: 02/01/1990", "Date of birth: ○○/○○/○○○○"),
            ("生日100年12月31日", "生日○○○年○○月○○日"),
        ] {
            assert_eq!(masked(text), want, "{text}");
            assert_eq!(find(text, &[])[0].kind, PiiKind::BirthDate, "{text}");
        }
        for no in [
            "報告日期：2024-05-01",
            "民國113年5月1日發布",
            "生日快樂，會議在下週 2024-05-01 舉行",
            "生日：1990-13-02",
        ] {
            assert!(find(no, &[]).is_empty(), "{no}");
        }
    }

    #[test]
    fn addresses() {
        for (text, want) in [
            ("住址：高雄市苓雅區四維三路2號", "住址：高雄市苓雅區○○○○○○"),
            (
                "臺北市中正區重慶南路一段122號3樓之1。",
                "臺北市中正區○○○○○○○○○○○○○○。",
            ),
            ("新竹縣竹北市光明六路10號", "新竹縣竹北市○○○○○○○"),
            ("台北市市府路1號", "台北市○○○○○"),
            ("宜蘭縣羅東鎮中正路5巷3弄2號5F", "宜蘭縣羅東鎮○○○○○○○○○○○"),
            (
                "住在台中市西區民權路99號的王先生",
                "住在台中市西區○○○○○○的王先生",
            ),
        ] {
            assert_eq!(masked(text), want, "{text}");
            assert_eq!(find(text, &[])[0].kind, PiiKind::Address, "{text}");
        }
        for no in [
            "高雄市政府",
            "高雄市政府資訊中心發布通報",
            "台北市信義路",
            "高雄市政府位於苓雅區四維三路2號",
        ] {
            assert!(find(no, &[]).is_empty(), "{no}");
        }
    }

    #[test]
    fn passports_and_bank_accounts() {
        for (text, kind, want) in [
            (
                "護照號碼：312345678",
                PiiKind::Passport,
                "護照號碼：○○○○○○678",
            ),
            (
                "Passport No. 312345678",
                PiiKind::Passport,
                "Passport No. ○○○○○○678",
            ),
            (
                "匯款帳號：012-3456789012",
                PiiKind::BankAccount,
                "匯款帳號：○○○-○○○○○○9012",
            ),
            (
                "帳戶 12345678901234",
                PiiKind::BankAccount,
                "帳戶 ○○○○○○○○○○1234",
            ),
            (
                "Account: 1234-5678-9012",
                PiiKind::BankAccount,
                "Account: ○○○○-○○○○-9012",
            ),
        ] {
            assert_eq!(masked(text), want, "{text}");
            assert_eq!(find(text, &[])[0].kind, kind, "{text}");
        }
        for no in [
            "案件編號 312345678",
            "護照 1234567890",
            "訂單 12345678901234",
            "帳號 123456789",
            "使用者帳號 admin",
        ] {
            assert!(find(no, &[]).is_empty(), "{no}");
        }
    }

    #[test]
    fn names() {
        let text = "承辦人王小明、李四與歐陽大中正；王小明再次登入。";
        let (out, hits) = mask(text, &[" 王小明 ", "李四", "歐陽大中正", "", "王小明"]);
        assert_eq!(out, "承辦人王○明、李○與歐○○○正；王○明再次登入。");
        assert_eq!(hits.len(), 4);
        assert!(hits.iter().all(|h| h.kind == PiiKind::Name));
        assert_eq!(mask("林", &["林"]).0, "○");
        // an English name is a whole word
        assert_eq!(mask("Bob met Bobby", &["Bob"]).0, "B○b met Bobby");
    }

    #[test]
    fn not_personal_data() {
        for text in [
            "CVE-2024-3400",
            "PAN-OS 10.2.9-h1 與 Apache 2.4.58",
            "來源 IP 192.168.10.254 與 203.0.113.5",
            "d41d8cd98f00b204e9800998ecf8427e",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "報告日期 2024-05-01、2024/05/01、民國113年5月1日",
            "https://www.example.gov.tw/news/0912/detail?id=20240501",
            "訂單編號 202405010001、20240501123456",
            "A123456788",
            "ATT&CK T1059.001",
            "port 8443, 192.168.1.1:443, :8080",
            "高雄市政府",
        ] {
            assert!(find(text, &[]).is_empty(), "{text}: {:?}", find(text, &[]));
        }
    }

    #[test]
    fn overlaps_and_offsets() {
        let text = "王小明 A123456789 wang@example.com";
        let hits = find(text, &["王小明"]);
        let kinds: Vec<PiiKind> = hits.iter().map(|h| h.kind).collect();
        assert_eq!(kinds, [PiiKind::Name, PiiKind::NationalId, PiiKind::Email]);
        for h in &hits {
            assert_eq!(&text[h.start..h.end], h.text);
        }
        // the e-mail (starting first, longer) wins over the id inside it
        assert_eq!(kinds_of("A123456789@example.com"), [PiiKind::Email]);
        // ten digits after 帳號: the keyword says what they are
        assert_eq!(kinds_of("帳號 0912345678"), [PiiKind::BankAccount]);
    }

    fn kinds_of(text: &str) -> Vec<PiiKind> {
        find(text, &[]).into_iter().map(|h| h.kind).collect()
    }

    #[test]
    fn kinds_spelled() {
        for k in PiiKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }

    /// The invariants the fuzz target checks, over deterministic noise.
    fn check_invariants(s: &str, names: &[&str]) {
        let (out, hits) = mask(s, names);
        let mut at = 0;
        let mut rebuilt = String::new();
        for h in &hits {
            assert!(
                h.start >= at && h.start < h.end && h.end <= s.len(),
                "{s:?}"
            );
            assert!(
                s.is_char_boundary(h.start) && s.is_char_boundary(h.end),
                "{s:?}"
            );
            assert_eq!(&s[h.start..h.end], h.text);
            rebuilt.push_str(&s[at..h.start]);
            rebuilt.push_str(&h.masked);
            at = h.end;
        }
        rebuilt.push_str(&s[at..]);
        assert_eq!(rebuilt, out);
        for h in hits.iter().filter(|h| h.kind == PiiKind::NationalId) {
            let same = hits.iter().filter(|o| o.text == h.text).count();
            assert!(out.matches(&h.text).count() + same <= s.matches(&h.text).count());
        }
    }

    #[test]
    fn never_panics_on_noise() {
        const ALPHABET: [&str; 24] = [
            "0",
            "9",
            "1",
            "2",
            "A",
            "x",
            "@",
            ".",
            "-",
            ":",
            "/",
            " ",
            "號",
            "路",
            "高雄市",
            "區",
            "護照",
            "帳號",
            "生日",
            "電話",
            "王小明",
            "(",
            ")",
            "A123456789",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for round in 0..400 {
            let len = round % 60;
            let mut s = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(ALPHABET[(seed % ALPHABET.len() as u64) as usize]);
            }
            check_invariants(&s, &["王小明", "x"]);
        }
        for s in [
            "",
            "0",
            "09",
            "+886",
            "(0",
            "高雄市",
            "A12345678",
            "生日民國",
            "@",
            "a@",
            "@b.",
        ] {
            check_invariants(s, &["王小明"]);
        }
    }
}
