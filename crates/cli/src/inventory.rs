//! `zian inventory import`: the platform's software inventory import at the
//! shell — the same preview and commit as the page and the API, acting as
//! the operator (audited `via: cli`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use zian_app::App;
use zian_app::inventory::{CommitInput, ImportView};
use zian_i18n::Lang;

use crate::platform::{cli_principal, org_id};

#[derive(Subcommand)]
pub enum InventoryCmd {
    /// Read an installed-software file (CSV, XLSX, Windows export,
    /// Get-HotFix, CycloneDX, SPDX) for an organisation and print what it
    /// would change in the register; with `--commit`, apply it.
    Import {
        /// The organisation (code or id).
        #[arg(long)]
        org: String,
        /// The host of rows (or a whole file) that name none.
        #[arg(long)]
        host: Option<String>,
        /// Apply the import (in one transaction).
        #[arg(long)]
        commit: bool,
        /// With `--commit`: apply the readable rows of a file with rows in
        /// error (nothing is removed then).
        #[arg(long)]
        accept_errors: bool,
        file: PathBuf,
    },
}

pub async fn inventory_cmd(app: &App, cmd: InventoryCmd) -> Result<ExitCode> {
    let InventoryCmd::Import {
        org,
        host,
        commit,
        accept_errors,
        file,
    } = cmd;
    let p = cli_principal(app).await?;
    let org = org_id(app, &p, &org).await?;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let v = app
        .preview_inventory(&p, &org, &name, &bytes, host.as_deref())
        .await
        .map_err(describe)?;
    print!("{}", report(&v));
    if !commit {
        println!(
            "預覽編號 {}；確認無誤後加上 --commit 匯入（preview only: nothing written; add --commit to import）",
            v.import.id
        );
        return Ok(ExitCode::SUCCESS);
    }
    let counts = app
        .commit_inventory(
            &p,
            &v.import.id,
            CommitInput {
                accept_errors,
                expect: Some(v.fingerprint.clone()),
            },
        )
        .await
        .map_err(describe)?;
    println!(
        "已匯入（imported）：主機 {} 台（新增 {}），軟體新增 {}、變更 {}、移除 {}",
        counts.hosts, counts.new_hosts, counts.added, counts.changed, counts.removed
    );
    Ok(ExitCode::SUCCESS)
}

/// The preview as text: what was read, the counts, the rows in error.
fn report(v: &ImportView) -> String {
    let c = &v.counts;
    let mut out = format!(
        "檔案 {}（{}，{}），SHA-256 {}\n資料列 {}，略過 {}，錯誤 {}\n",
        v.import.file_name,
        v.import.format,
        v.import.encoding,
        v.import.sha256,
        v.file.rows,
        v.file.skipped,
        v.file.errors.len() + v.file.errors_omitted
    );
    out.push_str(&format!(
        "主機 {}（新增 {}，變更 {}）；軟體 新增 {}、變更 {}、移除 {}、未變更 {}；更新 新增 {}、移除 {}；尚未對應 CPE {}\n",
        c.hosts, c.new_hosts, c.changed_hosts, c.added, c.changed, c.removed, c.unchanged,
        c.kbs_added, c.kbs_removed, c.unmapped
    ));
    if !v.plan.removals {
        out.push_str("檔案有無法讀取之資料列，本次匯入不會移除清冊中之軟體。\n");
    }
    for e in &v.file.errors {
        match &e.column {
            Some(col) => out.push_str(&format!(
                "第 {} 列「{}」欄：{}\n",
                e.line,
                col,
                e.reason.render(Lang::ZhTw)
            )),
            None => out.push_str(&format!(
                "第 {} 列：{}\n",
                e.line,
                e.reason.render(Lang::ZhTw)
            )),
        }
    }
    if v.file.errors_omitted > 0 {
        out.push_str(&format!("另有 {} 列錯誤未列出。\n", v.file.errors_omitted));
    }
    out
}

/// An application error as a line for the shell (in Chinese, as the pages
/// say it).
fn describe(e: zian_app::AppError) -> anyhow::Error {
    use zian_app::AppError;
    let i = zian_i18n::catalogue();
    let text = match &e {
        AppError::Validation { field, reason } if field == "accept_errors" => format!(
            "{}（命令列請加上 --accept-errors / add --accept-errors）",
            reason.render(Lang::ZhTw)
        ),
        AppError::Validation { field, reason } => {
            format!("{field}: {}", reason.render(Lang::ZhTw))
        }
        AppError::Conflict(code) => i.t(Lang::ZhTw, &format!("conflict.{code}")).to_string(),
        AppError::NotFound => "找不到該機關或匯入紀錄（not found）".to_string(),
        other => other.to_string(),
    };
    anyhow::anyhow!(text)
}
