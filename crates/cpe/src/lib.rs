//! # zian-cpe — CPE 2.3 names and name matching
//!
//! Implements the Common Platform Enumeration 2.3 **naming** specification
//! (NISTIR 7695) and the **name matching** specification (NISTIR 7696) for Zian's
//! vulnerability matcher and asset inventory.
//!
//! ## Model
//!
//! * A [`Wfn`] (well-formed name, NISTIR 7695 §5) has eleven attributes, each a [`Value`]:
//!   the logical values ANY and NA, or a string held in canonical WFN quoting (letters,
//!   digits and `_` as is, every other printable ASCII character quoted with `\`, unquoted
//!   `*` / `?` only as leading/trailing wildcards, §5.3.2).
//! * Two bindings are read and written:
//!   * the **formatted string** `cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*`
//!     ([`Wfn::parse_fs`] = `unbind_fs` §6.2.3, [`Wfn::to_fs`] = `bind_to_fs` §6.2.2);
//!   * the **URI** `cpe:/a:openssl:openssl:1.0.1f` ([`Wfn::parse_uri`] = `unbind_URI`
//!     §6.1.3 with the packed `~` edition and percent-encoding, [`Wfn::to_uri`] =
//!     `bind_to_URI` §6.1.2).
//!
//!   The WFN notation itself (`wfn:[part="a",vendor="openssl",...]`, §5.4) is read by
//!   [`Wfn::parse_wfn`] and written by [`Wfn::to_wfn_string`].
//! * [`compare_attr`] is the attribute comparison of NISTIR 7696 §6.1 (Table 6-2) and
//!   [`compare`] the name comparison of §6.2 (CPE_DISJOINT, CPE_EQUAL, CPE_SUBSET,
//!   CPE_SUPERSET), returned as a [`NameRelation`]; [`compare_defined`] also tells an
//!   undefined comparison apart.
//! * [`Wfn::is_specific_inventory_name`] refuses inventory names whose part, vendor or
//!   product is ANY, NA or a wildcard pattern, so such a name is never taken to "match
//!   everything".
//! * [`cli`] holds the line-oriented `compare` / `convert` commands used by the `zian`
//!   binary.
//!
//! Parsing is a single pass over the bytes with one `String` allocation per string
//! attribute; no regular expressions.
//!
//! ## Strictness and documented deviations
//!
//! * **Case** is preserved everywhere (the specification allows upper-case letters in a
//!   formatted string; NVD data is lower-case) and compared ASCII-case-insensitively as
//!   NISTIR 7696 §6.1.2 requires. Upper-case letters are *not* rejected. The URI
//!   `decode` of §6.1.3.2 lower-cases; [`Wfn::parse_uri`] does not, so URI round trips are
//!   lossless (the matching result is the same).
//! * **Characters:** only printable, non-blank ASCII (`!`..`~`) is accepted.
//!   A formatted string follows the grammar of §6.2 exactly: letters, digits, `-`, `.`
//!   and `_` stand unquoted (`-` and `.` are quoted in the WFN, so `1.0` ↔ `1\.0`);
//!   every other punctuation character must be quoted, and a `\` may only precede `\`,
//!   `*`, `?` and that other punctuation (`\_`, `\-`, `\.` and `\a` are errors). In a URI
//!   (§6.1 grammar) `-`, `.`, `_` and `~` stand unencoded and other punctuation is
//!   percent-encoded; `%2d` and `%2e` are errors. In the WFN notation a needless `\_` is
//!   accepted and reduced to `_`. Empty components of a formatted string are errors (ANY
//!   is `*`).
//! * **Wildcards** follow the ABNF of §5.3.2 (a leading and a trailing run, each a single
//!   `*` or one or more `?`), which is stricter than the `add_quoting` pseudo-code (that
//!   pseudo-code would let `a??b` through).
//! * **Part** must be `a`, `o`, `h`, ANY or NA (`-`, which the formatted-string grammar
//!   allows); anything else is an error. The **language** must be ANY, NA or a tag as
//!   NISTIR 7695 restricts RFC 5646: 2–3 letters, optionally `-` and a region of 2
//!   letters or 3 digits (`en`, `en-us`, `es-419`; `english`, `en_us`, `en-usa`, `-us`,
//!   `en-` are errors), without wildcards.
//! * A value that is the lone quoted hyphen `\-` binds to `-` in both bindings, as the
//!   specification's algorithms do, and so reads back as NA. For every other valid WFN
//!   both bindings are lossless: `parse_fs(w.to_fs()) == w` and
//!   `parse_uri(w.to_uri()) == w`.
//! * In the URI, any `%xx` encoding of punctuation is accepted (also `%2d`, `%2e`), as
//!   are `%01`/`%02` wildcards; `%xx` of letters, digits, blanks or controls is an error.
//!   A packed edition needs five `~`-separated fields; further `~` belong to `other`.
//!   A component that is only `%02` (the pattern "any string") reads as ANY, the only
//!   way a formatted string can express it.
//! * Matching: NISTIR 7696 leaves the relation undefined when the *target* value holds
//!   a wildcard; [`compare_attr`] reports DISJOINT there ([`compare_attr_defined`] gives
//!   `None`). A name comparison with any undefined attribute is undefined: [`compare`]
//!   then returns all four relations `false` (even if another attribute is DISJOINT) and
//!   [`compare_defined`] returns `None`. A run of `n` `?` in a source pattern admits up to `n` characters, as the
//!   specification's `compare_strings` pseudo-code does.
//! * [`Wfn::to_json`] returns a `serde_json` map whose key order depends on `serde_json`'s
//!   `preserve_order` feature; the [`cli`] output always lists the attributes in order.
//!
//! ## Example
//!
//! ```
//! use zian_cpe::{Wfn, compare};
//!
//! let criterion = Wfn::parse("cpe:2.3:a:openssl:openssl:1.0.1*:*:*:*:*:*:*:*")?;
//! let asset = Wfn::parse("cpe:/a:openssl:openssl:1.0.1f")?;
//! asset.is_specific_inventory_name()?;
//! assert_eq!(asset.version.unquoted().as_deref(), Some("1.0.1f"));
//! assert_eq!(asset.to_fs(), "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*");
//! let r = compare(&criterion, &asset);
//! assert!(r.superset && !r.disjoint && !r.equal);
//!
//! let err = Wfn::parse("cpe:2.3:a:openssl:openssl:1.?0:*:*:*:*:*:*:*").unwrap_err();
//! assert_eq!(err.to_string(), "component 5 (version): unquoted '?' in the middle of a value");
//! # Ok::<(), zian_cpe::CpeError>(())
//! ```
//!
//! ## Errors
//!
//! Every failure is a [`CpeError`] naming the component position and attribute and the
//! reason, e.g. `component 5 (version): unquoted '?' in the middle of a value`.

pub mod cli;
mod error;
mod matching;
mod value;
mod wfn;

pub use error::{CpeError, ValueErrorKind};
pub use matching::{
    AttrRelation, NameRelation, compare, compare_attr, compare_attr_defined, compare_defined,
    is_superset,
};
pub use value::Value;
pub use wfn::{Attribute, Wfn};
pub mod suggest;
