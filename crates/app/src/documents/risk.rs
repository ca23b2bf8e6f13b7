//! The risk assessment table (風險評估表).

use zian_documents::{Column, Document, Table};
use zian_domain::list::{HARD_LIMIT, ListQuery};
use zian_domain::org::Organisation;
use zian_domain::roc::format_roc;
use zian_domain::{OrgId, Principal};

use super::t;
use crate::{App, Result};

impl App {
    pub(super) async fn risk_assessment_document(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Document)> {
        let register = self
            .risk_register(
                p,
                org_id,
                &crate::risk::risk_filter(&[])?,
                &ListQuery::all(HARD_LIMIT),
            )
            .await?;
        let mut doc = self.new_document(&register.org, "risk-assessment", "風險評估表");
        doc.landscape = true;
        doc.fields([
            ("可接受風險值".to_owned(), register.threshold.to_string()),
            (
                "風險筆數".to_owned(),
                register.risks.items.len().to_string(),
            ),
            (
                "高於可接受風險值".to_owned(),
                register
                    .risks
                    .items
                    .iter()
                    .filter(|r| r.risk.above_threshold())
                    .count()
                    .to_string(),
            ),
        ]);
        let mut table = Table::new(
            "風險評估表",
            vec![
                Column::text("編號", 2),
                Column::text("資產", 3),
                Column::text("威脅", 3),
                Column::text("弱點", 3),
                Column::number("資產價值", 2),
                Column::number("發生可能性", 2),
                Column::number("脆弱性", 2),
                Column::number("風險值", 2),
                Column::text("處理方式", 2),
                Column::text("處理措施", 4),
                Column::text("負責人", 2),
                Column::text("預定完成", 2),
                Column::number("殘餘風險", 2),
                Column::text("狀態", 2),
            ],
        );
        for v in &register.risks.items {
            let r = &v.risk;
            table.row(vec![
                r.number.clone(),
                r.asset.to_string(),
                r.threat.to_string(),
                r.weakness.to_string(),
                r.asset_value.to_string(),
                r.likelihood.to_string(),
                r.vulnerability.to_string(),
                r.risk_value.to_string(),
                t(&format!("risk.treat.{}", r.treatment.as_str())),
                r.measures.to_string(),
                r.owner.to_string(),
                r.due_on.map(format_roc).unwrap_or_default(),
                r.residual_value.map(|x| x.to_string()).unwrap_or_default(),
                t(&format!("risk.st.{}", r.status.as_str())),
            ]);
        }
        doc.table(table, true);
        Ok((register.org, doc))
    }
}
