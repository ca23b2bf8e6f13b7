//! The information system and asset register (資通系統及資訊資產清冊) and
//! the per-host CPE list the national VANS upload reads.

use zian_documents::{Column, Document, Table};
use zian_domain::list::{HARD_LIMIT, ListQuery};
use zian_domain::org::Organisation;
use zian_domain::{OrgId, Principal};

use super::{t, yes};
use crate::{App, Result};

impl App {
    pub(super) async fn asset_register_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
        let list = self
            .export_assets(p, org_id, &ListQuery::all(HARD_LIMIT))
            .await?;
        let mut doc = self.new_document(&list.org, "asset-register", "資通系統及資訊資產清冊");
        doc.landscape = true;
        let mut table = Table::new(
            "資產清冊",
            vec![
                Column::text("資通系統", 3),
                Column::text("資產名稱", 4),
                Column::text("類別", 2),
                Column::text("擁有者", 2),
                Column::text("保管人", 2),
                Column::text("存放位置", 3),
                Column::number("數量", 1),
                Column::text("核心", 1),
                Column::text("對外服務", 1),
                Column::text("主機名稱／IP", 3),
                Column::text("狀態", 1),
            ],
        );
        let mut core = 0;
        for a in &list.page.items {
            core += usize::from(a.core);
            let system = a
                .system_id
                .as_ref()
                .and_then(|id| list.systems.get(&id.to_string()))
                .map(|s| s.name.to_string())
                .unwrap_or_default();
            let host = [a.hostname.as_str(), a.ip.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            table.row(vec![
                system,
                a.name.to_string(),
                a.category.zh().to_owned(),
                a.owner.to_string(),
                a.custodian.to_string(),
                a.location.to_string(),
                a.quantity.to_string(),
                yes(a.core),
                yes(a.exposed),
                host,
                t(&format!("assets.st.{}", a.status.as_str())),
            ]);
        }
        doc.fields([
            ("機關名稱".to_owned(), list.org.name_zh.clone()),
            ("資產筆數".to_owned(), list.page.items.len().to_string()),
            ("核心資通系統相關資產".to_owned(), core.to_string()),
        ]);
        doc.table(table, true);
        Ok((list.org, doc))
    }

    /// The hosts in service with the CPE names of their programs: what the
    /// national VANS upload reads, one line per host and name.
    pub(super) async fn host_cpe_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
        use zian_cpe::{Attribute, Value, Wfn};
        let (org, hosts) = self.vans_cpe_list(p, org_id).await?;
        let mut doc = self.new_document(&org, "host-cpe-list", "主機軟體 CPE 清冊");
        doc.landscape = true;
        let names: usize = hosts.iter().map(|(_, c)| c.len()).sum();
        doc.fields([
            ("主機數".to_owned(), hosts.len().to_string()),
            ("CPE 名稱數".to_owned(), names.to_string()),
        ]);
        let mut table = Table::new(
            "主機軟體 CPE 清冊",
            vec![
                Column::text("主機", 3),
                Column::text("供應商", 2),
                Column::text("產品", 3),
                Column::text("版本", 2),
                Column::text("CPE 2.3 名稱", 8),
            ],
        );
        let attr = |w: &Option<Wfn>, a: Attribute| match w.as_ref().map(|w| w.get(a)) {
            Some(Value::Str(s)) => s.replace('\\', ""),
            _ => String::new(),
        };
        for (host, cpes) in &hosts {
            for c in cpes {
                let w = Wfn::parse(c).ok();
                table.row(vec![
                    host.clone(),
                    attr(&w, Attribute::Vendor),
                    attr(&w, Attribute::Product),
                    attr(&w, Attribute::Version),
                    c.clone(),
                ]);
            }
        }
        doc.table(table, true);
        doc.paragraph("本清冊列出使用中主機已對應 CPE 名稱之軟體，供弱點通報機制（VANS）比對；尚未對應 CPE 之軟體請於軟體清冊頁面對應後再行產出。");
        Ok((org, doc))
    }
}
