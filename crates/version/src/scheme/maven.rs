//! Maven `ComparableVersion` ordering (main rules, re-implemented from the
//! Maven documentation "Version Order Specification").
//!
//! * The string is lower-cased and split into items at `.`, at `-`, and at
//!   every digit/letter transition. `-` and a transition open a nested
//!   sub-list; an empty item counts as `0`.
//! * Trailing "null" items (`0`, empty qualifier, `ga`, `final`, `release`,
//!   empty sub-lists) are removed from every list: `1.0.0` == `1` ==
//!   `1-final`.
//! * Qualifiers order `alpha` < `beta` < `milestone` < `rc` = `cr` <
//!   `snapshot` < `""` = `ga` = `final` = `release` < `sp` < any other
//!   qualifier (those compare lexically). `a1`, `b1`, `m1` (a single letter
//!   directly followed by a digit) abbreviate alpha, beta, milestone.
//! * Item kinds: a number beats a qualifier and a sub-list; a sub-list beats
//!   a qualifier. Missing items compare like `0` / the release qualifier.

use std::cmp::Ordering;

use super::cmp_digits;

/// Maximum nesting of sub-lists; deeper `-` / transitions act like `.` so
/// that hostile input cannot exhaust the stack (documented deviation).
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone)]
enum Item {
    Int(String),
    Str(String),
    List(Vec<Item>),
}

fn qualifier(s: &str, followed_by_digit: bool) -> String {
    let s = if followed_by_digit && s.len() == 1 {
        match s {
            "a" => "alpha",
            "b" => "beta",
            "m" => "milestone",
            other => other,
        }
    } else {
        s
    };
    match s {
        "ga" | "final" | "release" => String::new(),
        "cr" => String::from("rc"),
        other => other.to_owned(),
    }
}

fn is_null(item: &Item) -> bool {
    match item {
        Item::Int(d) => d.bytes().all(|b| b == b'0'),
        Item::Str(s) => s.is_empty(),
        Item::List(l) => l.is_empty(),
    }
}

/// Removes trailing null items, looking through (non-null) sub-lists.
fn normalize(list: &mut Vec<Item>) {
    for item in list.iter_mut() {
        if let Item::List(l) = item {
            normalize(l);
        }
    }
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if is_null(&list[i]) {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

fn parse(version: &str) -> Vec<Item> {
    let v = version.trim().to_ascii_lowercase();
    let bytes = v.as_bytes();
    // A stack of open lists; each '-' or transition nests a new list.
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut start = 0usize;
    let mut is_digit = false;
    let item_of = |s: &str, digit: bool, followed_by_digit: bool| {
        if digit {
            Item::Int(s.to_owned())
        } else {
            Item::Str(qualifier(s, followed_by_digit))
        }
    };
    let push = |stack: &mut Vec<Vec<Item>>, item: Item| {
        if let Some(top) = stack.last_mut() {
            top.push(item);
        }
    };
    for (i, &c) in bytes.iter().enumerate() {
        if c == b'.' || c == b'-' {
            if i == start {
                push(&mut stack, Item::Int(String::from("0")));
            } else {
                push(&mut stack, item_of(&v[start..i], is_digit, false));
            }
            start = i + 1;
            if c == b'-' && stack.len() < MAX_DEPTH {
                stack.push(Vec::new());
            }
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                push(&mut stack, item_of(&v[start..i], false, true));
                start = i;
                if stack.len() < MAX_DEPTH {
                    stack.push(Vec::new());
                }
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                push(&mut stack, item_of(&v[start..i], true, false));
                start = i;
                if stack.len() < MAX_DEPTH {
                    stack.push(Vec::new());
                }
            }
            is_digit = false;
        }
    }
    if bytes.len() > start {
        push(&mut stack, item_of(&v[start..], is_digit, false));
    }
    // Fold the stack: each list becomes the last item of its parent.
    while stack.len() > 1 {
        let Some(child) = stack.pop() else { break };
        push(&mut stack, Item::List(child));
    }
    let mut root = stack.pop().unwrap_or_default();
    normalize(&mut root);
    root
}

fn qualifier_key(q: &str) -> (u8, &str) {
    match q {
        "alpha" => (0, ""),
        "beta" => (1, ""),
        "milestone" => (2, ""),
        "rc" => (3, ""),
        "snapshot" => (4, ""),
        "" => (5, ""),
        "sp" => (6, ""),
        other => (7, other),
    }
}

/// Compares `a` with `b`, where `None` is a missing (padding) item.
fn cmp_item(a: Option<&Item>, b: Option<&Item>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(y)) => cmp_item(Some(y), None).reverse(),
        (Some(Item::Int(x)), None) => cmp_digits(x, "0"),
        (Some(Item::Str(x)), None) => qualifier_key(x).cmp(&qualifier_key("")),
        (Some(Item::List(x)), None) => cmp_item(x.first(), None),
        (Some(Item::Int(x)), Some(Item::Int(y))) => cmp_digits(x, y),
        (Some(Item::Int(_)), Some(_)) => Ordering::Greater,
        (Some(Item::Str(_)), Some(Item::Int(_))) => Ordering::Less,
        (Some(Item::Str(x)), Some(Item::Str(y))) => qualifier_key(x).cmp(&qualifier_key(y)),
        (Some(Item::Str(_)), Some(Item::List(_))) => Ordering::Less,
        (Some(Item::List(_)), Some(Item::Int(_))) => Ordering::Less,
        (Some(Item::List(_)), Some(Item::Str(_))) => Ordering::Greater,
        (Some(Item::List(x)), Some(Item::List(y))) => cmp_list(x, y),
    }
}

fn cmp_list(a: &[Item], b: &[Item]) -> Ordering {
    let n = a.len().max(b.len());
    for k in 0..n {
        let o = cmp_item(a.get(k), b.get(k));
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

pub(crate) fn cmp(a: &str, b: &str) -> Ordering {
    cmp_list(&parse(a), &parse(b))
}
