//! The data-driven alias table mapping CNA vendor/product names to CPE
//! vendor/product names (`data/aliases.toml`, embedded at build time).

use std::collections::HashMap;

use serde::Deserialize;

use crate::VulnError;

const ALIASES_TOML: &str = include_str!("../../data/aliases.toml");

#[derive(Deserialize)]
struct AliasFile {
    #[serde(default)]
    vendors: HashMap<String, String>,
    #[serde(default)]
    products: Vec<ProductAlias>,
}

#[derive(Deserialize)]
struct ProductAlias {
    vendor: String,
    product: String,
    #[serde(default)]
    cpe_vendor: Option<String>,
    cpe_product: String,
}

/// Normalise a CNA name into a lookup key and a default CPE name: trimmed,
/// lower-cased, each run of whitespace or `_` replaced by one `_`.
pub fn normalize_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_sep = false;
    for c in s.trim().chars() {
        if c.is_whitespace() || c == '_' {
            pending_sep = true;
            continue;
        }
        if pending_sep && !out.is_empty() {
            out.push('_');
        }
        pending_sep = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether a CNA name carries no information (`n/a`, `unknown`, empty).
pub fn is_placeholder(s: &str) -> bool {
    matches!(
        normalize_name(s).as_str(),
        "" | "n/a" | "na" | "unknown" | "unspecified" | "-" | "*"
    )
}

/// The alias table.
#[derive(Debug, Clone, Default)]
pub struct AliasTable {
    vendors: HashMap<String, String>,
    products: HashMap<(String, String), (Option<String>, String)>,
}

impl AliasTable {
    /// The table embedded in the crate.
    pub fn embedded() -> Result<AliasTable, VulnError> {
        AliasTable::from_toml(ALIASES_TOML)
    }

    /// Parse a table in the format of `data/aliases.toml`.
    pub fn from_toml(text: &str) -> Result<AliasTable, VulnError> {
        let file: AliasFile =
            toml::from_str(text).map_err(|e| VulnError::AliasTable(e.to_string()))?;
        let vendors = file
            .vendors
            .into_iter()
            .map(|(k, v)| (normalize_name(&k), v))
            .collect();
        let products = file
            .products
            .into_iter()
            .map(|p| {
                (
                    (normalize_name(&p.vendor), normalize_name(&p.product)),
                    (p.cpe_vendor, p.cpe_product),
                )
            })
            .collect();
        Ok(AliasTable { vendors, products })
    }

    /// Map a CNA vendor/product to a CPE vendor/product (both unquoted,
    /// lower-case). Returns `None` when neither the vendor nor the product
    /// carries information. The `bool` tells whether the alias table (rather
    /// than plain normalisation) decided the answer.
    pub fn map(&self, vendor: &str, product: &str) -> Option<(String, String, bool)> {
        let vk = normalize_name(vendor);
        let pk = normalize_name(product);
        if let Some((cv, cp)) = self.products.get(&(vk.clone(), pk.clone())) {
            let v = cv
                .clone()
                .or_else(|| self.vendors.get(&vk).cloned())
                .unwrap_or_else(|| vk.clone());
            return Some((v, cp.clone(), true));
        }
        if is_placeholder(vendor) || is_placeholder(product) {
            return None;
        }
        match self.vendors.get(&vk) {
            Some(v) => Some((v.clone(), pk, true)),
            None => Some((vk, pk, false)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_parses_and_maps_palo_alto() {
        let t = AliasTable::embedded().expect("embedded alias table");
        assert_eq!(
            t.map("Palo Alto Networks", "PAN-OS"),
            Some(("paloaltonetworks".into(), "pan-os".into(), true))
        );
        assert_eq!(
            t.map("palo_alto_networks", "pan-os"),
            Some(("paloaltonetworks".into(), "pan-os".into(), true))
        );
        assert_eq!(
            t.map("QNAP Systems Inc.", "QuTS hero"),
            Some(("qnap".into(), "quts_hero".into(), true))
        );
        // unknown vendor: plain normalisation
        assert_eq!(
            t.map("Fortinet", "FortiOS"),
            Some(("fortinet".into(), "fortios".into(), false))
        );
        assert_eq!(t.map("n/a", "n/a"), None);
        assert_eq!(
            t.map("n/a", "VMware ESXi"),
            Some(("vmware".into(), "esxi".into(), true))
        );
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            normalize_name("  Windows Server 2008  Service Pack 2 "),
            "windows_server_2008_service_pack_2"
        );
        assert_eq!(normalize_name("a__b"), "a_b");
    }
}
