//! Software inventory import pages: the upload form with past imports, and
//! an import's preview (or result) with its commit form.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::AppError;
use zian_app::inventory::{CommitInput, ImportView};
use zian_domain::inventory::{ImportStatus, InventoryImport};
use zian_domain::{ImportId, OrgId, Organisation, Permission};
use zian_i18n::msg;
use zian_inventory::plan::{Change, CpeFrom, HostPlan, Incoming};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageUpload};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;

/// Hosts listed on a preview (the rest are counted).
const HOSTS_SHOWN: usize = 300;
/// Programs listed per host and kind.
const ITEMS_SHOWN: usize = 200;

#[derive(Template)]
#[template(path = "inventory.html")]
pub struct IndexPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub imports: Vec<InventoryImport>,
    pub can_write: bool,
}

impl IndexPage {
    pub fn status(&self, x: &InventoryImport) -> String {
        self.ctx.t(match x.status {
            ImportStatus::Previewed => "inventory.st_previewed",
            ImportStatus::Committed => "inventory.st_committed",
        })
    }
    /// A count of the preview (as uploaded) or of the commit.
    pub fn count(&self, x: &InventoryImport, key: &str) -> String {
        let v = x
            .result
            .as_ref()
            .unwrap_or(&x.summary)
            .get("counts")
            .and_then(|c| c.get(key))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        v.to_string()
    }
    pub fn errors(&self, x: &InventoryImport) -> u64 {
        x.summary
            .get("errors")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    }
}

pub async fn index(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let (org, imports) = st.app.inventory_imports(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "inventory.title",
        "assets",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&org.path);
    render(&IndexPage {
        ctx: cx,
        org,
        imports,
        can_write,
    })
}

/// Uploads a file (multipart: `_csrf`, `file`, `host`) and shows its preview.
pub async fn upload(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    up: PageUpload,
) -> PageResult {
    // access first: outsiders learn nothing from a malformed upload
    let org = st
        .app
        .org_with(up.principal(), &id, Permission::RecordWrite)
        .await?;
    let (pc, file, fields) = up.read_with(super::MAX_FILE, &["host"]).await?;
    let file =
        file.ok_or_else(|| AppError::invalid("file", msg!("reason.evidence.choose_file")))?;
    let host = fields
        .iter()
        .find(|(k, _)| k == "host")
        .map(|(_, v)| v.as_str());
    let v = st
        .app
        .preview_inventory(&pc.p, &org.id, &file.name, &file.bytes, host)
        .await?;
    Ok(see_other(&format!("/inventory/{}", v.import.id)))
}

#[derive(Template)]
#[template(path = "inventory_show.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub v: ImportView,
    pub can_write: bool,
}

impl ShowPage {
    pub fn committed(&self) -> bool {
        self.v.import.status == ImportStatus::Committed
    }
    /// The hosts listed: those the import changes, at most [`HOSTS_SHOWN`].
    pub fn hosts(&self) -> Vec<&HostPlan> {
        self.v
            .plan
            .hosts
            .iter()
            .filter(|h| !h.is_noop())
            .take(HOSTS_SHOWN)
            .collect()
    }
    pub fn hosts_cut(&self) -> usize {
        self.v
            .plan
            .hosts
            .iter()
            .filter(|h| !h.is_noop())
            .count()
            .saturating_sub(HOSTS_SHOWN)
    }
    pub fn added<'a>(&self, h: &'a HostPlan) -> &'a [Incoming] {
        &h.added[..h.added.len().min(ITEMS_SHOWN)]
    }
    pub fn changed<'a>(&self, h: &'a HostPlan) -> &'a [Change] {
        &h.changed[..h.changed.len().min(ITEMS_SHOWN)]
    }
    pub fn removed<'a>(&self, h: &'a HostPlan) -> &'a [zian_domain::assets::InstalledSoftware] {
        &h.removed[..h.removed.len().min(ITEMS_SHOWN)]
    }
    pub fn cut(&self, h: &HostPlan) -> String {
        let n = h.added.len().saturating_sub(ITEMS_SHOWN)
            + h.changed.len().saturating_sub(ITEMS_SHOWN)
            + h.removed.len().saturating_sub(ITEMS_SHOWN);
        if n == 0 {
            String::new()
        } else {
            self.ctx.msg(&msg!("inventory.items_cut", n = n))
        }
    }
    pub fn cut_hosts(&self) -> String {
        self.ctx.msg(&msg!("inventory.hosts_cut", n = HOSTS_SHOWN))
    }
    pub fn omitted(&self) -> String {
        self.ctx.msg(&msg!(
            "inventory.errors_omitted",
            n = self.v.file.errors_omitted
        ))
    }
    pub fn cpe_note(&self, s: &Incoming) -> String {
        match s.cpe_from {
            CpeFrom::Mapping => self.ctx.t("inventory.from_mapping"),
            CpeFrom::File => self.ctx.t("inventory.from_file"),
            CpeFrom::Kept | CpeFrom::None => String::new(),
        }
    }
    pub fn column(&self, c: &Option<String>) -> String {
        c.clone().unwrap_or_else(|| "—".into())
    }
    pub fn kbs(&self, v: &[String]) -> String {
        v.join(" ")
    }
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<ImportId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.inventory_import(&pc.p, &id).await?;
    let title = if v.import.status == ImportStatus::Committed {
        "inventory.committed_title"
    } else {
        "inventory.preview_title"
    };
    let cx = ctx(&st.app, &pc, title, "assets", fq.flash().as_deref()).await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&v.org.path);
    render(&ShowPage {
        ctx: cx,
        v,
        can_write,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommitForm {
    expect: String,
    accept_errors: String,
}

pub async fn commit(
    State(st): State<AppState>,
    PagePath(id): PagePath<ImportId>,
    form: PageForm<CommitForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let accept_errors = crate::values::flag(
        &[("accept_errors".to_string(), f.accept_errors)],
        "accept_errors",
    )?;
    st.app
        .commit_inventory(
            &pc.p,
            &id,
            CommitInput {
                accept_errors,
                expect: Some(f.expect),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/inventory/{id}?ok=inventory.committed"
    )))
}

pub async fn file(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<ImportId>,
) -> PageResult {
    let (x, bytes) = st.app.inventory_import_file(&pc.p, &id).await?;
    Ok(super::api::download(&x, bytes))
}
