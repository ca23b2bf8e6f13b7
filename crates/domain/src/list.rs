//! The one shape of every list, API and page alike: a page of at most
//! [`MAX_LIMIT`] items (default [`DEFAULT_LIMIT`]) from an offset of at most
//! [`MAX_OFFSET`], filtered and sorted on indexed columns, with a total that
//! is exact up to [`COUNT_CAP`] and "more than that" beyond it. The cost of a
//! page therefore does not grow with the number of records in scope; people
//! narrow a long list with its search box and filters, and exports stream
//! the whole filtered set instead of paging.

use serde::{Deserialize, Serialize};
use zian_i18n::msg;

use crate::DomainError;

pub const DEFAULT_LIMIT: i64 = 50;
/// The largest page a person (or an API client) asks for.
pub const MAX_LIMIT: i64 = 500;
/// The most rows one internal query reads (roll-ups, pickers).
pub const HARD_LIMIT: i64 = 20_000;
/// The deepest offset served; beyond it the list must be narrowed.
pub const MAX_OFFSET: i64 = 10_000;
/// Totals are counted up to this many rows; beyond, a list says "more than
/// 1,000" (counting further made a page of 50 cost four times a single
/// record at 10,000 records in scope: `zian bench web`).
pub const COUNT_CAP: i64 = 1_000;

/// Paging, search, filters and sort of a list. `sort` names a whitelisted
/// column of the list in question; unknown names fall back to the default
/// order. `filter` holds the list's own named filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub filter: Vec<(String, String)>,
    pub sort: Option<String>,
    pub desc: bool,
    pub limit: i64,
    pub offset: i64,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            q: None,
            filter: Vec::new(),
            sort: None,
            desc: false,
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

impl ListQuery {
    pub fn new() -> Self {
        Self::default()
    }
    /// A query for every row up to `limit` (internal callers).
    pub fn all(limit: i64) -> Self {
        ListQuery {
            limit,
            ..Self::default()
        }
    }
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.filter.push((key.to_string(), value.into()));
        self
    }
    pub fn filter_value(&self, key: &str) -> Option<&str> {
        self.filter
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }
    /// The search text, trimmed; `None` when blank.
    pub fn text(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|t| !t.is_empty())
    }
    /// The page size, 1 to [`HARD_LIMIT`] (requests are held to
    /// [`MAX_LIMIT`] where they are parsed).
    pub fn clamped_limit(&self) -> i64 {
        self.limit.clamp(1, HARD_LIMIT)
    }
    /// Refuses offsets past [`MAX_OFFSET`] and negative ones.
    pub fn checked(self) -> Result<Self, DomainError> {
        if !(0..=MAX_OFFSET).contains(&self.offset) {
            return Err(DomainError::Invalid {
                field: "offset",
                reason: msg!("reason.offset_too_far", max = MAX_OFFSET),
            });
        }
        Ok(self)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Rows matching the filters, counted up to [`COUNT_CAP`].
    pub total: i64,
    /// `false` when there are more than `total` rows.
    pub total_exact: bool,
    pub limit: i64,
    pub offset: i64,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            total_exact: self.total_exact,
            limit: self.limit,
            offset: self.offset,
        }
    }
    /// A page holding every item of a small, already complete list.
    pub fn whole(items: Vec<T>) -> Page<T> {
        let n = i64::try_from(items.len()).unwrap_or(i64::MAX);
        Page {
            items,
            total: n,
            total_exact: true,
            limit: n.max(1),
            offset: 0,
        }
    }
    /// Whether a next page exists.
    pub fn has_next(&self) -> bool {
        let shown = self.offset + i64::try_from(self.items.len()).unwrap_or(0);
        shown < self.total || (!self.total_exact && !self.items.is_empty())
    }
}
