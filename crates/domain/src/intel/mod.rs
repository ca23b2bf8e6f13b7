//! Threat intelligence text (資通安全情資): what an agency pastes in before it
//! shares an advisory with others.
//!
//! Two passes over free text, both pure and panic-free on any input:
//! [`mask`] finds Taiwanese personal data (個人資料: national and resident
//! ids, passports, phones, e-mail, birth dates, addresses, bank accounts,
//! names the user marked) so it can be masked before sharing, as the
//! Personal Data Protection Act and the intelligence-sharing rules
//! (資通安全情資分享辦法) require; [`indicators`] pulls out the indicators
//! of compromise (IP addresses, domains, URLs, hashes, CVE ids, e-mail),
//! defanged or not, in a normalised form. [`item`] is a piece of
//! intelligence as an agency keeps it (its four categories and their
//! handling), [`stix`] its STIX 2.1 bundles and [`misp`] its MISP events,
//! out and in.

pub mod indicators;
pub mod item;
pub mod mask;
pub mod misp;
pub mod stix;
