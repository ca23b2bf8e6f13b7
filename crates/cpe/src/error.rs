//! The crate's single error type.

use crate::wfn::Attribute;

/// Why one attribute value could not be read.
///
/// Carried inside [`CpeError::Component`] (which adds the component position and the
/// attribute) and [`CpeError::BadValue`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueErrorKind {
    /// The value is the empty string. NISTIR 7695 requires at least one character; ANY is
    /// written `*` and NA `-` in a formatted string.
    #[error("empty value (write '*' for ANY or '-' for NA)")]
    Empty,
    /// A `\` is the last character of the value.
    #[error("value ends with an unfinished escape '\\'")]
    TrailingBackslash,
    /// A `\` quotes a letter or digit; NISTIR 7695 only quotes punctuation.
    #[error("'\\{0}' quotes an alphanumeric character; only punctuation may be quoted")]
    EscapedAlphanumeric(char),
    /// A `\` quotes `_`, which a canonical WFN never quotes (only reported by
    /// [`crate::Wfn::validate`]; the parsers silently drop such a quote).
    #[error("'\\{0}' quotes a character that a WFN never quotes")]
    NeedlessQuote(char),
    /// A character outside printable, non-blank ASCII (`!` .. `~`).
    #[error("illegal character {0:?} (only printable non-blank ASCII is allowed)")]
    IllegalChar(char),
    /// In a WFN value, punctuation other than the wildcards `*` and `?` must be quoted.
    #[error("punctuation {0:?} must be quoted with '\\' in a WFN value")]
    UnquotedPunctuation(char),
    /// An unquoted `*` or `?` that is neither in the leading nor in the trailing run.
    #[error("unquoted '{0}' in the middle of a value")]
    MisplacedWildcard(char),
    /// A leading or trailing run of wildcards that is neither `*` nor one or more `?`
    /// (for example `**`, `*?x` or `x?*`).
    #[error("bad wildcard run {0:?}: each end may carry either a single '*' or one or more '?'")]
    BadWildcardRun(String),
    /// A `%` not followed by two hex digits, or encoding a character NISTIR 7695 does not
    /// allow percent-encoded.
    #[error("bad percent-encoding {0:?}: {1}")]
    BadPercent(String, &'static str),
    /// In a formatted string, `\-`, `\.` or `\_`: these characters are written unquoted
    /// there (NISTIR 7695 §6.2 grammar), so a backslash may not precede them.
    #[error("'\\{0}' is not allowed in a formatted string: write '{0}' without the backslash")]
    QuotedUnreservedInFs(char),
    /// In a formatted string, punctuation other than `-`, `.`, `_` and the wildcards must
    /// be quoted with `\` (NISTIR 7695 §6.2 grammar).
    #[error("punctuation {0:?} must be quoted with '\\' in a formatted string")]
    UnquotedPunctuationInFs(char),
    /// In a URI, `%2d`, `%2e` and `%5f` are not allowed: `-`, `.` and `_` are written
    /// unencoded there (NISTIR 7695 §6.1 grammar).
    #[error("bad percent-encoding {0:?}: '{1}' is written unencoded in a URI")]
    EncodedUnreservedInUri(String, char),
    /// The language is not a tag of the form NISTIR 7695 allows (RFC 5646 restricted to a
    /// 2–3 letter language and an optional region of 2 letters or 3 digits), or it holds a
    /// wildcard.
    #[error(
        "{0:?} is not a valid language tag: expected 2 or 3 letters, optionally '-' and a region of 2 letters or 3 digits (e.g. \"en\", \"en-us\", \"es-419\")"
    )]
    BadLanguage(String),
    /// A packed URI edition (`~ed~sw_edition~target_sw~target_hw~other`) with fewer than
    /// five fields.
    #[error("packed edition must hold 5 '~'-separated fields, found {0}")]
    PackedFields(usize),
}

/// Everything that can go wrong when reading, binding or checking a CPE name.
///
/// Component positions: in a formatted string the colon-separated components are counted
/// from 0 (`cpe` = 0, `2.3` = 1, part = 2, vendor = 3, ..., other = 12); in a URI they are
/// counted after the scheme (`cpe:` = 0, part = 1, ..., edition = 6, language = 7), and the
/// packed sw_edition, target_sw, target_hw and other fields report component 6.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CpeError {
    /// The input is empty.
    #[error("empty CPE name")]
    Empty,
    /// Neither `cpe:2.3:` nor `cpe:/`.
    #[error(
        "unrecognised prefix in {found:?}: a CPE 2.3 formatted string starts with \"cpe:2.3:\" and a CPE URI with \"cpe:/\""
    )]
    BadPrefix {
        /// The start of the offending input (at most 40 characters).
        found: String,
    },
    /// A formatted string without exactly 13 unquoted-colon-separated components.
    #[error(
        "formatted string has {found} colon-separated components, expected 13 (\"cpe\", \"2.3\" and 11 attributes)"
    )]
    FsComponentCount {
        /// How many components were found (including `cpe` and `2.3`).
        found: usize,
    },
    /// A URI with more than seven components after `cpe:/`.
    #[error("URI has {found} colon-separated components after \"cpe:/\", at most 7 are allowed")]
    UriComponentCount {
        /// How many components were found after `cpe:/`.
        found: usize,
    },
    /// The part is not `a`, `o`, `h`, ANY or NA.
    #[error(
        "component {index} (part): {found:?} is not a valid part; expected \"a\", \"o\", \"h\", ANY or NA"
    )]
    BadPart {
        /// Component position (see the type documentation).
        index: usize,
        /// The offending text.
        found: String,
    },
    /// One attribute value is malformed.
    #[error("component {index} ({attribute}): {kind}")]
    Component {
        /// Component position (see the type documentation).
        index: usize,
        /// The attribute the component binds.
        attribute: Attribute,
        /// What is wrong with it.
        kind: ValueErrorKind,
    },
    /// A malformed `wfn:[...]` string (see [`crate::Wfn::parse_wfn`]).
    #[error("malformed WFN: {0}")]
    BadWfn(String),
    /// A malformed stand-alone WFN attribute value (see [`crate::Value::from_wfn`]).
    #[error("invalid attribute value: {0}")]
    BadValue(ValueErrorKind),
    /// An inventory name whose part, vendor or product is ANY, NA or a wildcard pattern
    /// (see [`crate::Wfn::is_specific_inventory_name`]).
    #[error(
        "not a specific inventory name: {attribute} is {found}; an inventory CPE must give a concrete part, vendor and product"
    )]
    NotSpecific {
        /// The offending attribute (part, vendor or product).
        attribute: Attribute,
        /// `ANY`, `NA` or the wildcard pattern found.
        found: String,
    },
}
