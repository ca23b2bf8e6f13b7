//! Refused page forms come back with what was typed.
//!
//! The one way every page form reports a refusal: when a page POST is
//! refused with a validation-style error (422 or 409), the `common`
//! middleware keeps the submitted fields (never passwords, codes or the
//! CSRF token) and the localised messages for the session, and answers
//! `303 See Other` to the page the form was on (its same-origin Referer).
//! When that page is served next to the same session, its HTML is
//! rewritten here: the refused form's inputs get the submitted values
//! back, the field in error gets its message next to it (and
//! `aria-invalid`, `aria-describedby`, `autofocus`), and a summary at the
//! top of the page names each field by the label the user sees on the
//! page, never by its internal name.
//!
//! Handlers need not do anything: a form's fields are named as the
//! application names them, so `AppError::Validation { field }` finds its
//! input. A refusal without a Referer (a script, an old client) keeps the
//! error page. Refills live in memory for ten minutes and are taken once;
//! behind several instances the balancer must keep a session on one
//! instance or a refused form comes back empty (ARCHITECTURE.md).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lol_html::html_content::{ContentType, Element};
use lol_html::{RewriteStrSettings, element, end_tag, rewrite_str, text};
use sha2::{Digest, Sha256};
use zian_app::AppError;
use zian_i18n::{Lang, catalogue};

use crate::extract::CSRF_FIELD;

/// How long a refused form waits for its page.
const TTL: Duration = Duration::from_secs(600);
/// Most refills kept at once (the oldest go first).
const CAP: usize = 10_000;

/// The fields of the page form being handled, as the form extractor read
/// them (a request extension set by the `common` middleware on page POSTs).
#[derive(Debug, Clone, Default)]
pub struct FormEcho(Arc<Mutex<Option<Pairs>>>);

/// A form's fields in the order sent.
type Pairs = Vec<(String, String)>;

impl FormEcho {
    /// Keeps the submitted pairs, without anything secret.
    pub fn set(&self, pairs: Pairs) {
        let kept = pairs.into_iter().filter(|(k, _)| !secret(k)).collect();
        if let Ok(mut g) = self.0.lock() {
            *g = Some(kept);
        }
    }
    fn take(&self) -> Option<Pairs> {
        self.0.lock().ok().and_then(|mut g| g.take())
    }
}

/// Fields never kept nor written back: the CSRF token, passwords and
/// one-time codes.
fn secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == CSRF_FIELD
        || n.contains("password")
        || n == "code"
        || n.contains("secret")
        || n.contains("token")
}

/// One message of a refusal: the field it is about (when known) and what
/// is wrong, in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Option<String>,
    pub reason: String,
}

/// A refused form waiting for its page.
#[derive(Debug, Clone)]
pub struct Refill {
    /// The page (path and query) the form was on.
    page: String,
    /// The form's action (the refused POST's path).
    action: String,
    values: Pairs,
    errors: Vec<FieldError>,
    lang: Lang,
    at: Instant,
}

/// Refused forms by session.
#[derive(Debug, Default)]
pub struct Refills(Mutex<HashMap<[u8; 32], Refill>>);

fn key(session_token: &str) -> [u8; 32] {
    Sha256::digest(session_token.as_bytes()).into()
}

impl Refills {
    fn put(&self, session_token: &str, r: Refill) {
        let Ok(mut m) = self.0.lock() else { return };
        let now = Instant::now();
        m.retain(|_, v| now.duration_since(v.at) < TTL);
        if m.len() >= CAP
            && let Some(oldest) = m.iter().min_by_key(|(_, v)| v.at).map(|(k, _)| *k)
        {
            m.remove(&oldest);
        }
        m.insert(key(session_token), r);
    }

    /// The refill of this session for `page`, taken.
    fn take(&self, session_token: &str, page: &str) -> Option<Refill> {
        let mut m = self.0.lock().ok()?;
        let k = key(session_token);
        let hit = m
            .get(&k)
            .is_some_and(|r| r.page == page && r.at.elapsed() < TTL);
        if hit { m.remove(&k) } else { None }
    }
}

/// The messages of a refusal that goes back to its form, or `None` when
/// the error is not about what was typed (403, 404, 401…).
pub fn messages(e: &AppError, lang: Lang) -> Option<Vec<FieldError>> {
    let whole = |field: Option<&str>| {
        vec![FieldError {
            field: field.map(str::to_string),
            reason: crate::error::message(e, lang),
        }]
    };
    Some(match e {
        AppError::Validation { field, reason } => vec![FieldError {
            field: Some(field.clone()),
            reason: catalogue().render(lang, reason),
        }],
        AppError::OutOfScale { field, .. } => whole(Some(field)),
        AppError::PasswordPolicy(_) => whole(Some("new_password")),
        AppError::Problems { problems, .. } => problems
            .iter()
            .map(|p| FieldError {
                field: Some(p.path.clone()),
                reason: p.message.render(lang),
            })
            .collect(),
        AppError::Conflict(_) | AppError::ScaleConflict { .. } => whole(None),
        _ => return None,
    })
}

/// Keeps a refused form for its page: `page` is the path and query the
/// form was on, `action` the refused POST's path.
pub fn keep(
    refills: &Refills,
    session_token: &str,
    page: String,
    action: String,
    echo: &FormEcho,
    errors: Vec<FieldError>,
    lang: Lang,
) -> bool {
    let Some(values) = echo.take() else {
        return false;
    };
    refills.put(
        session_token,
        Refill {
            page,
            action,
            values,
            errors,
            lang,
            at: Instant::now(),
        },
    );
    true
}

/// The refill waiting for this page, if any.
pub fn waiting(refills: &Refills, session_token: &str, page: &str) -> Option<Refill> {
    refills.take(session_token, page)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The text of HTML as the browser shows it (the entities a template writes).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// What the first pass learns of the refused form: its fields' ids and
/// labels.
#[derive(Default)]
struct Learned {
    in_form: bool,
    /// name → id of the first control with that name ("" without one)
    ids: HashMap<String, String>,
    /// name → aria-label of the control
    aria: HashMap<String, String>,
    /// the legend of the fieldset being read
    legend: Option<String>,
    reading_legend: bool,
    /// id → label text
    labels_by_id: HashMap<String, String>,
    /// name → text of a label that wraps the control
    labels_by_name: HashMap<String, String>,
    /// the label being read: its `for`, its text, the control it wraps
    label: Option<(Option<String>, String, Option<String>)>,
}

fn is_target(el: &Element, action: &str) -> bool {
    el.get_attribute("action").as_deref() == Some(action)
        && el
            .get_attribute("method")
            .is_some_and(|m| m.eq_ignore_ascii_case("post"))
}

fn learn(html: &str, action: &str) -> Learned {
    let st = Rc::new(RefCell::new(Learned::default()));
    let (s1, s2, s3, s4) = (st.clone(), st.clone(), st.clone(), st.clone());
    let (s5, s6, s7) = (st.clone(), st.clone(), st.clone());
    let action = action.to_string();
    let _ = rewrite_str(
        html,
        RewriteStrSettings::new()
            .append_element_content_handler(element!("form", move |el| {
                if is_target(el, &action) {
                    s1.borrow_mut().in_form = true;
                    let s = s1.clone();
                    el.on_end_tag(end_tag!(move |_| {
                        s.borrow_mut().in_form = false;
                        Ok(())
                    }))?;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("fieldset", move |el| {
                if !s5.borrow().in_form {
                    return Ok(());
                }
                s5.borrow_mut().legend = Some(String::new());
                let s = s5.clone();
                el.on_end_tag(end_tag!(move |_| {
                    s.borrow_mut().legend = None;
                    Ok(())
                }))?;
                Ok(())
            }))
            .append_element_content_handler(element!("legend", move |el| {
                s6.borrow_mut().reading_legend = true;
                let s = s6.clone();
                el.on_end_tag(end_tag!(move |_| {
                    s.borrow_mut().reading_legend = false;
                    Ok(())
                }))?;
                Ok(())
            }))
            .append_element_content_handler(text!("legend", move |t| {
                let mut l = s7.borrow_mut();
                if l.reading_legend
                    && let Some(legend) = l.legend.as_mut()
                {
                    legend.push_str(t.as_str());
                }
                Ok(())
            }))
            .append_element_content_handler(element!("label", move |el| {
                if !s2.borrow().in_form {
                    return Ok(());
                }
                s2.borrow_mut().label = Some((el.get_attribute("for"), String::new(), None));
                let s = s2.clone();
                el.on_end_tag(end_tag!(move |_| {
                    let mut l = s.borrow_mut();
                    if let Some((for_id, text, wrapped)) = l.label.take() {
                        let text = unescape(&text.split_whitespace().collect::<Vec<_>>().join(" "));
                        if let Some(id) = for_id {
                            l.labels_by_id.entry(id).or_insert(text);
                        } else if let Some(name) = wrapped {
                            l.labels_by_name.entry(name).or_insert(text);
                        }
                    }
                    Ok(())
                }))?;
                Ok(())
            }))
            .append_element_content_handler(text!("label", move |t| {
                if let Some((_, text, _)) = s3.borrow_mut().label.as_mut() {
                    text.push_str(t.as_str());
                }
                Ok(())
            }))
            .append_element_content_handler(element!("input, select, textarea", move |el| {
                let mut l = s4.borrow_mut();
                if !l.in_form {
                    return Ok(());
                }
                let Some(name) = el.get_attribute("name") else {
                    return Ok(());
                };
                let id = el.get_attribute("id").unwrap_or_default();
                l.ids.entry(name.clone()).or_insert(id);
                // a control without a <label> is named by its aria-label
                if let Some(aria) = el
                    .get_attribute("aria-label")
                    .filter(|a| !a.trim().is_empty())
                {
                    l.aria.entry(name.clone()).or_insert(unescape(aria.trim()));
                }
                // a group of choices is named by its fieldset's legend
                let kind = el.get_attribute("type").unwrap_or_default();
                if matches!(kind.as_str(), "radio" | "checkbox")
                    && let Some(legend) = l.legend.clone().filter(|t| !t.trim().is_empty())
                {
                    let legend = unescape(&legend.split_whitespace().collect::<Vec<_>>().join(" "));
                    l.labels_by_name.entry(name.clone()).or_insert(legend);
                }
                if let Some((_, _, wrapped)) = l.label.as_mut() {
                    wrapped.get_or_insert(name);
                }
                Ok(())
            })),
    );
    Rc::try_unwrap(st)
        .map(RefCell::into_inner)
        .unwrap_or_default()
}

impl Learned {
    /// The label the user sees for a field, if the page has one.
    fn label(&self, name: &str) -> Option<String> {
        self.ids
            .get(name)
            .and_then(|id| self.labels_by_id.get(id))
            .or_else(|| self.labels_by_name.get(name))
            .or_else(|| self.aria.get(name))
            .filter(|t| !t.is_empty())
            .map(|t| t.trim_end_matches(['：', ':', '*', ' ']).to_string())
    }
}

/// The field of an error, as the form names it: `risk.likelihood` or a
/// plan path `ch.field[0].col` is looked up by its last plain segment too.
fn form_name<'a>(field: &'a str, learned: &'a Learned) -> Option<&'a str> {
    if learned.ids.contains_key(field) {
        return Some(field);
    }
    let last = field.rsplit('.').next().unwrap_or(field);
    let last = last.split('[').next().unwrap_or(last);
    if learned.ids.contains_key(last) {
        return Some(last);
    }
    // a password rule is about the form's new password, whatever its name
    if field.ends_with("password") {
        return learned
            .ids
            .keys()
            .filter(|n| n.contains("password") && n.as_str() != "current_password")
            .min_by_key(|n| (n.contains("confirm"), n.len()))
            .map(String::as_str);
    }
    None
}

/// The summary at the top of the page: every message, each naming its
/// field by the label on the page.
fn summary(r: &Refill, learned: &Learned) -> String {
    let i = catalogue();
    let mut items = String::new();
    for e in &r.errors {
        let line = match e.field.as_deref() {
            Some(f) => {
                let name = form_name(f, learned);
                match name.and_then(|n| learned.label(n)) {
                    Some(label) => {
                        let id = name
                            .and_then(|n| learned.ids.get(n))
                            .cloned()
                            .unwrap_or_default();
                        let name = if id.is_empty() {
                            escape(&label)
                        } else {
                            format!("<a href=\"#{}\">{}</a>", escape(&id), escape(&label))
                        };
                        format!(
                            "{name}{}{}",
                            escape(i.t(r.lang, "refill.sep")),
                            escape(&e.reason)
                        )
                    }
                    None => escape(&e.reason),
                }
            }
            None => escape(&e.reason),
        };
        items.push_str(&format!("<li>{line}</li>"));
    }
    format!(
        "<div class=\"flash error refused\" role=\"alert\" id=\"refused\" data-action=\"{}\"><p>{}</p><ul>{items}</ul></div>",
        escape(&r.action),
        escape(i.t(r.lang, "refill.head"))
    )
}

/// The message shown next to a field, and the id it gets.
fn field_message(name: &str, reasons: &[&str]) -> (String, String) {
    let id = format!(
        "err-{}",
        name.chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            })
            .collect::<String>()
    );
    let html = format!(
        "<span class=\"field-error\" id=\"{id}\">{}</span>",
        reasons
            .iter()
            .map(|r| escape(r))
            .collect::<Vec<_>>()
            .join("<br>")
    );
    (id, html)
}

struct Writing {
    in_form: bool,
    /// how many controls of each name were written back so far
    seen: HashMap<String, usize>,
    /// the select being written back: its submitted value
    select: Option<Option<String>>,
    /// fields whose message is already placed
    placed: Vec<String>,
    focused: bool,
    summarised: bool,
}

/// Writes a refused form back into its page's HTML.
pub fn apply(html: &str, r: &Refill) -> String {
    let learned = learn(html, &r.action);
    let sum = summary(r, &learned);
    // the messages of each field, by the name the form gives it
    let mut by_name: HashMap<String, Vec<&str>> = HashMap::new();
    for e in &r.errors {
        if let Some(n) = e.field.as_deref().and_then(|f| form_name(f, &learned)) {
            by_name.entry(n.to_string()).or_default().push(&e.reason);
        }
    }
    let values: HashMap<&str, Vec<&str>> = r.values.iter().fold(HashMap::new(), |mut m, (k, v)| {
        m.entry(k.as_str()).or_default().push(v.as_str());
        m
    });
    let st = Rc::new(RefCell::new(Writing {
        in_form: false,
        seen: HashMap::new(),
        select: None,
        placed: Vec::new(),
        focused: false,
        summarised: false,
    }));
    let (s1, s2, s3, s4, s5, s6) = (
        st.clone(),
        st.clone(),
        st.clone(),
        st.clone(),
        st.clone(),
        st.clone(),
    );
    let (sum1, sum2) = (sum.clone(), sum);
    let action = r.action.clone();
    let by_name = &by_name;
    let values = &values;
    // marks a control in error and puts its message after it (once)
    let mark = move |el: &mut Element, name: &str, w: &mut Writing| {
        let Some(reasons) = by_name.get(name) else {
            return;
        };
        if w.placed.iter().any(|p| p == name) {
            return;
        }
        w.placed.push(name.to_string());
        let (id, html) = field_message(name, reasons);
        let _ = el.set_attribute("aria-invalid", "true");
        let described = match el.get_attribute("aria-describedby") {
            Some(d) if !d.is_empty() => format!("{d} {id}"),
            _ => id,
        };
        let _ = el.set_attribute("aria-describedby", &described);
        if !w.focused {
            w.focused = true;
            let _ = el.set_attribute("autofocus", "");
        }
        el.after(&html, ContentType::Html);
    };
    let result = rewrite_str(
        html,
        RewriteStrSettings::new()
            .append_element_content_handler(element!("main", move |el| {
                let mut w = s1.borrow_mut();
                if !w.summarised {
                    w.summarised = true;
                    el.prepend(&sum1, ContentType::Html);
                }
                Ok(())
            }))
            .append_element_content_handler(element!("form", move |el| {
                if is_target(el, &action) {
                    let mut w = s2.borrow_mut();
                    w.in_form = true;
                    if !w.summarised {
                        w.summarised = true;
                        el.before(&sum2, ContentType::Html);
                    }
                    let s = s2.clone();
                    el.on_end_tag(end_tag!(move |_| {
                        s.borrow_mut().in_form = false;
                        Ok(())
                    }))?;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("input", move |el| {
                let mut w = s3.borrow_mut();
                if !w.in_form {
                    return Ok(());
                }
                let Some(name) = el.get_attribute("name") else {
                    return Ok(());
                };
                let kind = el
                    .get_attribute("type")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if secret(&name)
                    || matches!(
                        kind.as_str(),
                        "hidden" | "password" | "submit" | "button" | "reset" | "image" | "file"
                    )
                {
                    mark(el, &name, &mut w);
                    return Ok(());
                }
                let sent = values.get(name.as_str());
                if matches!(kind.as_str(), "checkbox" | "radio") {
                    let own = el.get_attribute("value").unwrap_or_else(|| "on".into());
                    if sent.is_some_and(|vs| vs.contains(&own.as_str())) {
                        let _ = el.set_attribute("checked", "");
                    } else {
                        el.remove_attribute("checked");
                    }
                } else if let Some(vs) = sent {
                    let n = w.seen.entry(name.clone()).or_insert(0);
                    if let Some(v) = vs.get(*n) {
                        let _ = el.set_attribute("value", &v.replace('&', "&amp;"));
                    }
                    *n += 1;
                }
                mark(el, &name, &mut w);
                Ok(())
            }))
            .append_element_content_handler(element!("textarea", move |el| {
                let mut w = s4.borrow_mut();
                if !w.in_form {
                    return Ok(());
                }
                let Some(name) = el.get_attribute("name") else {
                    return Ok(());
                };
                if let Some(vs) = values.get(name.as_str()) {
                    let n = w.seen.entry(name.clone()).or_insert(0);
                    if let Some(v) = vs.get(*n) {
                        el.set_inner_content(v, ContentType::Text);
                    }
                    *n += 1;
                }
                mark(el, &name, &mut w);
                Ok(())
            }))
            .append_element_content_handler(element!("select", move |el| {
                let mut w = s5.borrow_mut();
                if !w.in_form {
                    return Ok(());
                }
                let Some(name) = el.get_attribute("name") else {
                    return Ok(());
                };
                let chosen = values.get(name.as_str()).map(|vs| {
                    let n = w.seen.entry(name.clone()).or_insert(0);
                    let v = vs.get(*n).map(|v| v.to_string());
                    *n += 1;
                    v.unwrap_or_default()
                });
                w.select = Some(chosen);
                mark(el, &name, &mut w);
                let s = s5.clone();
                el.on_end_tag(end_tag!(move |_| {
                    s.borrow_mut().select = None;
                    Ok(())
                }))?;
                Ok(())
            }))
            .append_element_content_handler(element!("option", move |el| {
                let w = s6.borrow();
                let Some(Some(chosen)) = w.select.as_ref() else {
                    return Ok(());
                };
                if el.get_attribute("value").as_deref() == Some(chosen.as_str()) {
                    let _ = el.set_attribute("selected", "");
                } else {
                    el.remove_attribute("selected");
                }
                Ok(())
            })),
    );
    result.unwrap_or_else(|_| html.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refill(values: &[(&str, &str)], errors: &[(Option<&str>, &str)]) -> Refill {
        Refill {
            page: "/risks/new".into(),
            action: "/risks".into(),
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            errors: errors
                .iter()
                .map(|(f, r)| FieldError {
                    field: f.map(str::to_string),
                    reason: r.to_string(),
                })
                .collect(),
            lang: Lang::ZhTw,
            at: Instant::now(),
        }
    }

    const PAGE: &str = r#"<html><body><main><h1>新增風險</h1>
<form method="get" action="/risks"><input name="q" value=""></form>
<form method="post" action="/risks">
<input type="hidden" name="_csrf" value="tok">
<label for="r-asset">資產名稱</label><input id="r-asset" name="asset" value="">
<label for="r-value">資產價值：</label><input id="r-value" name="asset_value" type="number" value="3">
<label for="r-kind">類別</label><select id="r-kind" name="kind"><option value="a" selected>甲</option><option value="b">乙</option></select>
<label><input type="checkbox" name="accepted"> 已接受</label>
<label for="r-note">說明</label><textarea id="r-note" name="note">old</textarea>
<input type="password" name="new_password" id="pw">
</form></main></body></html>"#;

    #[test]
    fn values_come_back_and_the_message_sits_next_to_its_field() {
        let r = refill(
            &[
                ("asset", "主機 <A> &amp; B"),
                ("asset_value", "9"),
                ("kind", "b"),
                ("accepted", "on"),
                ("note", "新的說明 & </textarea>"),
            ],
            &[(Some("asset_value"), "須介於 1 與 5 之間")],
        );
        let out = apply(PAGE, &r);
        assert!(
            out.contains(r#"name="asset" value="主機 <A> &amp;amp; B""#),
            "{out}"
        );
        assert!(
            out.contains(r#"name="asset_value" type="number" value="9""#),
            "{out}"
        );
        assert!(out.contains(r#"<option value="b" selected="">"#), "{out}");
        assert!(!out.contains(r#"<option value="a" selected"#), "{out}");
        assert!(out.contains(r#"name="accepted" checked"#), "{out}");
        assert!(
            out.contains("新的說明 &amp; &lt;/textarea&gt;</textarea>"),
            "{out}"
        );
        // the message right after its input, the summary naming the label
        assert!(out.contains(r#"aria-invalid="true" aria-describedby="err-asset_value" autofocus=""><span class="field-error" id="err-asset_value">須介於 1 與 5 之間</span>"#), "{out}");
        assert!(
            out.contains(r##"<a href="#r-value">資產價值</a>：須介於 1 與 5 之間"##),
            "{out}"
        );
        assert!(!out.contains(">asset_value<"), "{out}");
        // the search form and the CSRF token are untouched
        assert!(out.contains(r#"<input name="q" value="">"#), "{out}");
        assert!(out.contains(r#"name="_csrf" value="tok""#), "{out}");
        // the summary opens the page
        assert!(out.find("id=\"refused\"").unwrap() < out.find("<h1>").unwrap());
    }

    #[test]
    fn unchecked_boxes_stay_unchecked_and_errors_without_a_field_are_summarised() {
        let page = PAGE.replace(r#"name="accepted">"#, r#"name="accepted" checked>"#);
        let r = refill(&[("asset", "x")], &[(None, "此版本已核定")]);
        let out = apply(&page, &r);
        assert!(!out.contains(r#"name="accepted" checked"#), "{out}");
        assert!(out.contains("<li>此版本已核定</li>"), "{out}");
        assert!(!out.contains("field-error"), "{out}");
    }

    #[test]
    fn groups_are_named_by_their_legend_and_unlabelled_fields_by_aria_label() {
        let page = r#"<main><form method="post" action="/risks">
<fieldset><legend>起始內容</legend>
<label class="check"><input type="radio" name="start" value="latest" checked> 以最新版本起稿</label>
<label class="check"><input type="radio" name="start" value="template"> 以範本起稿</label></fieldset>
<input name="reason" aria-label="不同意理由">
<label for="t">臨時密碼</label><input type="password" id="t" name="temporary_password">
</form></main>"#;
        let r = refill(
            &[("start", "someday"), ("reason", "")],
            &[
                (Some("start"), "無法辨識的值"),
                (Some("reason"), "必填"),
                (Some("new_password"), "至少 8 個字元"),
            ],
        );
        let out = apply(page, &r);
        assert!(out.contains("<li>起始內容：無法辨識的值</li>"), "{out}");
        assert!(out.contains("<li>不同意理由：必填</li>"), "{out}");
        // a password rule lands on the form's own password field
        assert!(
            out.contains(r##"<a href="#t">臨時密碼</a>：至少 8 個字元"##),
            "{out}"
        );
        assert!(out.contains(r#"id="err-temporary_password""#), "{out}");
        // no radio is chosen for a value that is not among them
        assert!(!out.contains("checked"), "{out}");
    }

    #[test]
    fn secrets_are_never_kept() {
        let echo = FormEcho::default();
        echo.set(vec![
            ("_csrf".into(), "t".into()),
            ("new_password".into(), "Hunter2!x".into()),
            ("code".into(), "123456".into()),
            ("name".into(), "ok".into()),
        ]);
        assert_eq!(echo.take(), Some(vec![("name".into(), "ok".into())]));
    }

    #[test]
    fn a_refill_is_taken_once_and_only_by_its_page_and_session() {
        let rs = Refills::default();
        let echo = FormEcho::default();
        echo.set(vec![("a".into(), "1".into())]);
        assert!(keep(
            &rs,
            "tok",
            "/risks/new".into(),
            "/risks".into(),
            &echo,
            vec![],
            Lang::ZhTw
        ));
        assert!(waiting(&rs, "other", "/risks/new").is_none());
        assert!(waiting(&rs, "tok", "/risks").is_none());
        assert!(waiting(&rs, "tok", "/risks/new").is_some());
        assert!(waiting(&rs, "tok", "/risks/new").is_none());
    }

    #[test]
    fn malformed_html_does_not_panic() {
        let r = refill(&[("a", "1")], &[(Some("a"), "x")]);
        for page in [
            "",
            "<form method=post action=/risks><input name=a",
            "<<<>>>",
            "<main><select name=a><option>",
        ] {
            let _ = apply(page, &r);
        }
    }
}
