//! The organisation scope of a caller: the set of subtrees a query may reach.

use serde::Serialize;

/// A set of organisation subtrees, each named by its materialised path
/// (`/root/…/org/`). Every storage query over organisation-owned data takes an
/// `OrgScope` and restricts itself to rows whose organisation path starts with
/// one of the roots. Scopes are built only by [`crate::authz`] from a caller's
/// roles (the constructor is private to this crate), plus the explicitly
/// named [`OrgScope::system_wide`] for the command line, the demo seeding and
/// tests; an empty scope reaches nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgScope {
    roots: Vec<String>,
}

impl OrgScope {
    /// A scope over the given subtree roots; nested roots are folded into their
    /// ancestors so that every root is disjoint.
    pub(crate) fn from_roots<I: IntoIterator<Item = String>>(roots: I) -> Self {
        let mut v: Vec<String> = roots
            .into_iter()
            .filter(|r| r.starts_with('/') && r.ends_with('/'))
            .collect();
        v.sort();
        v.dedup();
        let mut out: Vec<String> = Vec::new();
        for r in v {
            if !out.iter().any(|o| r.starts_with(o.as_str())) {
                out.push(r);
            }
        }
        OrgScope { roots: out }
    }

    /// The whole tree. Only for work that acts for the deployment rather
    /// than for a person: the command line (bootstrap, backup), seeding the
    /// demonstration and tests. Request handling never uses it.
    pub fn system_wide() -> Self {
        OrgScope {
            roots: vec!["/".to_string()],
        }
    }

    /// Whether this is the whole tree ([`OrgScope::system_wide`]).
    pub fn is_system_wide(&self) -> bool {
        self.roots.len() == 1 && self.roots[0] == "/"
    }

    /// A scope that reaches nothing.
    pub fn empty() -> Self {
        OrgScope { roots: Vec::new() }
    }

    pub fn roots(&self) -> &[String] {
        &self.roots
    }

    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// Whether the organisation with this materialised path is inside the scope.
    pub fn contains(&self, path: &str) -> bool {
        self.roots.iter().any(|r| path.starts_with(r.as_str()))
    }

    /// The part of this scope that is also inside `other`.
    pub fn intersect(&self, other: &OrgScope) -> OrgScope {
        let mut roots = Vec::new();
        for a in &self.roots {
            for b in &other.roots {
                if a.starts_with(b.as_str()) {
                    roots.push(a.clone());
                } else if b.starts_with(a.as_str()) {
                    roots.push(b.clone());
                }
            }
        }
        OrgScope::from_roots(roots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_roots_fold_and_contains_is_prefix_exact() {
        let s = OrgScope::from_roots(vec![
            "/n/h/".to_string(),
            "/n/h/c1/".to_string(),
            "/n/x/".to_string(),
            "bad".to_string(),
        ]);
        assert_eq!(s.roots(), &["/n/h/".to_string(), "/n/x/".to_string()]);
        assert!(s.contains("/n/h/c1/a/"));
        assert!(!s.contains("/n/hh/"));
        assert!(!s.contains("/n/"));
    }

    #[test]
    fn intersection_keeps_the_narrower_subtree() {
        let a = OrgScope::from_roots(vec!["/n/".to_string()]);
        let b = OrgScope::from_roots(vec!["/n/h/c1/".to_string(), "/m/".to_string()]);
        assert_eq!(a.intersect(&b).roots(), &["/n/h/c1/".to_string()]);
        assert!(OrgScope::empty().intersect(&a).is_empty());
    }
}
