//! What every page shares: the layout context (navigation, organisation
//! switcher, flash message, the caller's name and CSRF token), rendering,
//! redirects after a POST, and the formatting of times and dates.

use askama::Template;

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use zian_app::App;
use zian_domain::{Organisation, Permission};

use crate::error::{PageError, PageResult};
use crate::extract::PageCaller;
use zian_i18n::{Lang, catalogue};

/// HTML-escapes text for the few places that build HTML outside templates.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Unix seconds → `YYYY-MM-DD HH:MM` in Asia/Taipei.
pub fn fmt_time(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t + 8 * 3600)
        .ok()
        .and_then(|d| {
            d.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// A date for display: ROC (民國) in Chinese, ISO in English.
pub fn fmt_date(d: Option<time::Date>, lang: Lang) -> String {
    match (d, lang) {
        (None, _) => "—".into(),
        (Some(d), Lang::ZhTw) => format!("{}（{}）", zian_domain::roc::format_roc(d), d),
        (Some(d), Lang::En) => d.to_string(),
    }
}

/// A date in a table or a list: ROC `115/03/15` in Chinese (the compact
/// form of 民國115年3月15日), ISO in English; `—` when there is none.
pub fn fmt_day(d: Option<time::Date>, lang: Lang) -> String {
    match (d, lang) {
        (None, _) => "—".into(),
        (Some(d), Lang::ZhTw) => zian_domain::roc::format_roc_short(d),
        (Some(d), Lang::En) => d.to_string(),
    }
}

/// What a page shows as a date in a table: dates and `YYYY-MM-DD` text,
/// optional or not (text that is not a date is shown as it is).
pub trait TableDate {
    fn table_date(&self, lang: Lang) -> String;
}

impl TableDate for time::Date {
    fn table_date(&self, lang: Lang) -> String {
        fmt_day(Some(*self), lang)
    }
}

impl TableDate for str {
    fn table_date(&self, lang: Lang) -> String {
        match time::Date::parse(
            self,
            time::macros::format_description!("[year]-[month]-[day]"),
        ) {
            Ok(d) => fmt_day(Some(d), lang),
            Err(_) if self.is_empty() => "—".into(),
            Err(_) => self.to_string(),
        }
    }
}

impl TableDate for String {
    fn table_date(&self, lang: Lang) -> String {
        self.as_str().table_date(lang)
    }
}

impl<T: TableDate + ?Sized> TableDate for &T {
    fn table_date(&self, lang: Lang) -> String {
        (**self).table_date(lang)
    }
}

impl<T: TableDate> TableDate for Option<T> {
    fn table_date(&self, lang: Lang) -> String {
        self.as_ref()
            .map_or_else(|| "—".into(), |d| d.table_date(lang))
    }
}

/// A moment in a table: `115/03/15 14:03` (ROC, Asia/Taipei) in Chinese,
/// `2026-03-15 14:03` in English.
pub fn fmt_moment(t: i64, lang: Lang) -> String {
    let iso = fmt_time(t);
    if lang == Lang::En {
        return iso;
    }
    let (day, clock) = iso.split_once(' ').unwrap_or((&iso, ""));
    match time::Date::parse(
        day,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        Ok(d) => format!("{} {clock}", zian_domain::roc::format_roc_short(d)),
        Err(_) => iso,
    }
}

/// The flash message after a redirect: `?ok=key` or `?err=key` (keys of
/// `flash.*` in the locale files).
#[derive(Debug, Default, serde::Deserialize)]
pub struct FlashQuery {
    pub ok: Option<String>,
    pub err: Option<String>,
}

impl FlashQuery {
    pub fn flash(&self) -> Option<String> {
        self.ok
            .as_ref()
            .map(|k| format!("ok:{k}"))
            .or_else(|| self.err.as_ref().map(|k| format!("err:{k}")))
    }

    /// From a page's query pairs (lists take their query as pairs).
    pub fn from_pairs(pairs: &[(String, String)]) -> FlashQuery {
        let get = |k: &str| pairs.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
        FlashQuery {
            ok: get("ok"),
            err: get("err"),
        }
    }
}

/// One entry of the organisation switcher.
pub struct OrgChoice {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

/// What every page's layout needs.
pub struct PageCtx {
    pub lang: Lang,
    pub title: String,
    pub nav: &'static str,
    pub user_name: String,
    pub username: String,
    pub csrf: String,
    pub orgs: Vec<OrgChoice>,
    pub flash: Option<(String, String)>,
    pub idle_secs: i64,
    pub can_admin_users: bool,
    pub can_audit: bool,
    /// System administrators: the background jobs page.
    pub can_admin_jobs: bool,
    /// The caller's unread notices (the header's badge).
    pub unread: i64,
    pub is_vendor: bool,
    /// The page's own path and query: the language switch returns here.
    pub here: String,
    /// The organisation the per-organisation entries (systems, risks) open:
    /// the one chosen in the switcher, else the first the caller sees.
    pub current_org: Option<String>,
}

impl PageCtx {
    /// The badge's text: the count, or "99+".
    pub fn unread_label(&self) -> String {
        if self.unread > 99 {
            "99+".into()
        } else {
            self.unread.to_string()
        }
    }
    pub fn t(&self, key: &str) -> String {
        catalogue().t(self.lang, key).to_string()
    }
    /// A message built by a lower layer.
    pub fn msg(&self, m: &zian_i18n::Msg) -> String {
        m.render(self.lang)
    }
    /// A message with one number `{a}`.
    pub fn tn(&self, key: &str, a: &i64) -> String {
        catalogue().tf(self.lang, key, &[("a", &a.to_string())])
    }
    /// A message with two numbers `{a}` and `{b}` (ranges).
    pub fn tf1(&self, key: &str, a: &i64, b: &i64) -> String {
        catalogue().tf(
            self.lang,
            key,
            &[("a", &a.to_string()), ("b", &b.to_string())],
        )
    }
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
    pub fn is_zh(&self) -> bool {
        self.lang == Lang::ZhTw
    }
    pub fn role_name(&self, role: &str) -> String {
        self.t(&format!("role.{role}"))
    }
    pub fn tier_name(&self, tier: &str) -> String {
        self.t(&format!("tier.{tier}"))
    }
    pub fn kind_name(&self, kind: &str) -> String {
        self.t(&format!("kind.{kind}"))
    }
    pub fn time(&self, t: &i64) -> String {
        fmt_moment(*t, self.lang)
    }
    pub fn otime(&self, t: &Option<i64>) -> String {
        t.map_or_else(|| "—".to_string(), |t| fmt_moment(t, self.lang))
    }
    /// A date in full (民國115年3月15日（2026-03-15）), for a page's details.
    pub fn date(&self, d: &Option<time::Date>) -> String {
        fmt_date(*d, self.lang)
    }
    /// A date in a table cell (115/03/15): a `Date`, a `YYYY-MM-DD` text,
    /// or an optional one (`—` when there is none).
    pub fn day(&self, d: &impl TableDate) -> String {
        d.table_date(self.lang)
    }
    /// A `YYYY-MM-DD` text date in full (民國115年11月21日（2026-11-21）).
    pub fn full_date(&self, s: &str) -> String {
        match time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")) {
            Ok(d) => fmt_date(Some(d), self.lang),
            Err(_) => s.to_string(),
        }
    }
    /// The same as [`PageCtx::day`], for an optional date.
    pub fn oday(&self, d: &impl TableDate) -> String {
        d.table_date(self.lang)
    }
    pub fn org_name<'a>(&self, o: &'a Organisation) -> &'a str {
        if self.lang == Lang::En && !o.name_en.is_empty() {
            &o.name_en
        } else {
            &o.name_zh
        }
    }
}

/// An organisation in a tree-shaped choice: indented by depth, named in `lang`.
pub fn tree_label(o: &Organisation, lang: Lang) -> String {
    format!(
        "{}{}",
        "　".repeat(usize::try_from(o.depth).unwrap_or(0).min(8)),
        if lang == Lang::En && !o.name_en.is_empty() {
            &o.name_en
        } else {
            &o.name_zh
        }
    )
}

/// Builds the layout context for a logged-in caller.
pub async fn ctx(
    app: &App,
    pc: &PageCaller,
    title_key: &str,
    nav: &'static str,
    flash: Option<&str>,
) -> Result<PageCtx, PageError> {
    let tree = app.org_tree(&pc.p).await?;
    let current = pc.session.current_org_id.clone();
    let current_org = current
        .as_ref()
        .filter(|c| tree.iter().any(|o| o.active && &o.id == *c))
        .map(ToString::to_string)
        .or_else(|| tree.iter().find(|o| o.active).map(|o| o.id.to_string()));
    let orgs = tree
        .iter()
        .filter(|o| o.active)
        .take(500)
        .map(|o| OrgChoice {
            id: o.id.to_string(),
            label: tree_label(o, pc.lang),
            selected: current.as_deref() == Some(o.id.as_str()),
        })
        .collect();
    let flash = flash.and_then(|f| {
        let (kind, key) = f.split_once(':').unwrap_or(("ok", f));
        if !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return None;
        }
        let msg = catalogue().t(pc.lang, &format!("flash.{key}")).to_string();
        (!msg.starts_with("flash.")).then(|| {
            (
                if kind == "err" {
                    "error".to_string()
                } else {
                    "ok".to_string()
                },
                msg,
            )
        })
    });
    Ok(PageCtx {
        lang: pc.lang,
        title: catalogue().t(pc.lang, title_key).to_string(),
        nav,
        user_name: pc.p.user.display_name.clone(),
        username: pc.p.user.username.clone(),
        csrf: pc.session.csrf_token.clone(),
        orgs,
        flash,
        idle_secs: app.cfg.idle_timeout_secs,
        can_admin_users: !pc.p.scope(Permission::UserRead).is_empty(),
        can_audit: !pc.p.scope(Permission::AuditRead).is_empty(),
        can_admin_jobs: pc.p.has_role(zian_domain::Role::SystemAdmin),
        unread: app.inbox_unread(&pc.p).await?,
        is_vendor: pc.p.is_vendor_only(),
        here: crate::extract::safe_next(Some(&pc.here)),
        current_org,
    })
}

pub fn render<T: Template>(t: &T) -> PageResult {
    match t.render() {
        Ok(s) => Ok(Html(s).into_response()),
        Err(e) => Err(PageError::App(zian_app::AppError::Internal(e.to_string()))),
    }
}

/// Redirect after a successful POST (303 See Other).
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}
