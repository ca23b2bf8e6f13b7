//! 委外廠商執行人員保密切結書 and 保密同意書 (seed 001 §5, L110-177) for a
//! vendor of the register: the undertaking with one signature line per
//! current staff member (ID number, telephone and address left for the
//! hand), then one agreement per staff member naming the contract, each on
//! its own page, as the seed's form words them.

use zian_documents::{Column, Document, Table};
use zian_domain::org::Organisation;
use zian_domain::{Principal, VendorId};

use crate::{App, Result};

/// The blank a hand fills in.
const BLANK: &str = "＿＿＿＿＿＿＿＿";

impl App {
    pub(super) async fn vendor_nda_document(
        &self,
        p: &Principal,
        id: &VendorId,
    ) -> Result<(Organisation, Document)> {
        let v = self.vendor_view(p, id).await?;
        let org = &v.org.name_zh;
        let vendor = &v.vendor;
        let title = format!("{org}委外廠商執行人員保密切結書及保密同意書");
        let mut doc = self.new_document(&v.org, "vendor-nda", &title);
        doc.subtitle = Some(vendor.name.clone());
        let staff: Vec<_> = vendor.current_staff().collect();
        let names = if staff.is_empty() {
            BLANK.to_owned()
        } else {
            staff
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        };
        doc.heading(2, format!("{org}委外廠商執行人員保密切結書"));
        doc.paragraph(format!(
            "立切結書人{names}等，受{}委派至{org}（以下稱機關）處理業務，謹聲明恪遵機關下列工作規定，對工作中所持有、知悉之資訊系統作業機密或敏感性業務檔案資料，均保證善盡保密義務與責任，非經機關權責人員之書面核准，不得擷取、持有、傳遞或以任何方式提供給無業務關係之第三人，如有違反願賠償一切因此所生之損害，並擔負相關民、刑事責任，絕無異議。",
            vendor.name
        ));
        doc.list(vec![
            "一、未經申請核准，不得私自將機關之資訊設備、媒體檔案及公務文書攜出。".into(),
            "二、未經機關業務相關人員之確認並代為申請核准，不得任意將攜入之資訊設備連接機關網路。若經申請獲准連接機關網路，嚴禁使用數據機或無線傳輸等網路設備連接外部網路。".into(),
            "三、經核准攜入之資訊設備欲連接機關網路或其他資訊設備時，須經電腦主機房掃毒專責人員進行病毒、漏洞或後門程式檢測，通過後發給合格標籤，並將其粘貼在設備外觀醒目處以備稽查。".into(),
            "四、廠商駐點服務及專責維護人員原則應使用機關配發之個人電腦與週邊設備，並僅開放使用機關內部網路。若因業務需要使用機關電子郵件、目錄服務，應經機關業務相關人員之確認並代為申請核准，另欲連接網際網路亦應經機關業務相關人員之確認並代為申請核准。".into(),
            "五、機關得定期或不定期派員檢查或稽核立切結書人是否符合上列工作規定。".into(),
            "六、本保密切結書不因立切結書人離職而失效。".into(),
            "七、立切結書人因違反本保密切結書應盡之保密義務與責任致生之一切損害，立切結書人所屬公司或廠商應負連帶賠償責任。".into(),
        ]);
        let mut signers = Table::new(
            "立切結書人",
            vec![
                Column::text("姓名及簽章", 3),
                Column::text("身分證字號", 3),
                Column::text("聯絡電話及戶籍地址", 5),
            ],
        );
        for s in &staff {
            signers.row(vec![
                format!("{}（簽章）", s.name),
                String::new(),
                String::new(),
            ]);
        }
        if staff.is_empty() {
            signers.row(vec![String::new(), String::new(), String::new()]);
        }
        doc.table(signers, false);
        doc.fields(vec![
            ("廠商名稱及蓋章", vendor.name.clone()),
            ("廠商負責人姓名及簽章", BLANK.to_owned()),
            ("廠商聯絡電話及地址", vendor.body.contact_phone.clone()),
        ]);
        doc.paragraph("填表說明：一、廠商駐點服務人員、專責維護人員，或逗留時間超過三天以上之突發性維護增援、臨時性系統測試或教育訓練人員（以授課時需連結機關網路者為限）及經常到機關洽公之業務人員皆須簽署本切結書。二、廠商駐點服務人員、專責維護人員及經常到機關洽公之業務人員每年簽署本切結書乙次。");
        let case = vendor
            .body
            .contracts
            .iter()
            .rev()
            .map(|c| c.title.clone())
            .find(|t| !t.is_empty())
            .unwrap_or_else(|| BLANK.to_owned());
        for s in &staff {
            doc.page_break();
            doc.heading(2, format!("{org}委外廠商執行人員保密同意書"));
            doc.paragraph(format!(
                "茲緣於簽署人{}（以下稱簽署人）參與{}（以下稱廠商）得標{org}（以下稱機關）資通業務委外案「{case}」（以下稱「本案」），於本案執行期間有知悉或可得知悉或持有政府公務秘密及業務秘密，為保持其秘密性，簽署人同意恪遵本同意書下列各項規定：",
                s.name, vendor.name
            ));
            doc.list(vec![
                "第一條 簽署人承諾於本契約有效期間內及本契約期滿或終止後，對於所得知或持有一切機關未標示得對外公開之公務秘密，以及機關依契約或法令對第三人負有保密義務之業務秘密，均應以善良管理人之注意妥為保管及確保其秘密性，並限於本契約目的範圍內，於機關指定之處所內使用之。非經機關事前書面同意，不得為本人或任何第三人之需要而複製、保有、利用該等秘密或將之洩漏、告知、交付第三人或以其他任何方式使第三人知悉或利用該等秘密，或對外發表或出版，亦不得攜至機關或機關所指定處所以外之處所。".into(),
                "第二條 簽署人知悉或取得機關公務秘密與業務秘密應限於其執行本契約所必需且僅限於本契約有效期間內。簽署人同意公務秘密與業務秘密，應僅提供、告知有需要知悉該秘密之履約廠商團隊成員人員。".into(),
                "第三條 簽署人在下述情況下解除其所應負之保密義務：原負保密義務之資訊，由機關提供以前，已合法持有或已知且無保密必要者；原負保密義務之資訊，依法令業已解密、依契約機關業已不負保密責任、或已為公眾所知之資訊；原負保密義務之資訊，係自第三人處得知或取得，該第三人就該等資訊並無保密義務。".into(),
                "第四條 簽署人若違反本同意書之規定，機關得請求簽署人及其任職之廠商賠償機關因此所受之損害及追究簽署人洩密之刑責，如因而致第三人受有損害者，簽署人及其任職之廠商亦應負賠償責任。".into(),
                "第五條 簽署人因本同意書所負之保密義務，不因離職或其他原因不參與本案而失其效力。".into(),
                format!("第六條 本同意書一式叁份，機關、簽署人及{}各執存一份。", vendor.name),
            ]);
            doc.fields(vec![
                ("簽署人姓名及簽章", format!("{}（簽章）", s.name)),
                ("身分證字號", BLANK.to_owned()),
                ("聯絡電話", BLANK.to_owned()),
                ("戶籍地址", BLANK.to_owned()),
                ("所屬廠商名稱及蓋章", vendor.name.clone()),
                ("所屬廠商負責人姓名及簽章", BLANK.to_owned()),
                ("所屬廠商地址", BLANK.to_owned()),
            ]);
        }
        Ok((v.org, doc))
    }
}
