//! A first draft pre-filled with the official template's own wording (seed
//! 003, 資通安全維護計畫範本), so an agency starts from the text the
//! supervising authority expects and fills in only what is its own: the
//! CISO, core business, staff, downtime limits and dates.

use serde_json::{Value, json};

use super::content::{PlanContent, normalise};

/// The template for an organisation with this name and responsibility level
/// (`A`–`E`, or empty when not yet assigned).
pub fn template(org_name: &str, level: &str) -> PlanContent {
    let level_statement = if level.is_empty() {
        "（請依資通安全責任等級分級辦法規定填寫本機關之等級及理由）".to_string()
    } else {
        format!("本機關經核定為資通安全責任等級 {level} 級機關。")
    };
    let v = json!({
        "basis": {
            "laws": ["資通安全管理法第 10 條及其施行細則第 6 條"],
            "purpose": "為落實資通安全管理，確保本機關資訊及資通系統之機密性、完整性及可用性，特訂定本計畫。"
        },
        "scope": {"text": format!("本計畫適用範圍涵蓋{org_name}全機關。")},
        "business": {
            "non_core": [
                {"name": "差勤服務", "impact": "影響機關行政效率"},
                {"name": "郵件服務", "impact": "影響機關行政效率"},
                {"name": "用戶端服務", "impact": "影響機關行政效率"}
            ]
        },
        "policy": {
            "statements": [
                "應建立資通安全風險管理機制，定期因應內外資通安全情勢變化，檢討資通安全風險管理之有效性。",
                "應保護機敏資訊及資通系統之機密性與完整性，避免未經授權的存取與竄改。",
                "應強固核心資通系統之韌性，確保機關業務持續營運。",
                "應因應資通安全威脅情勢變化，辦理資通安全教育訓練，以提高本機關同仁之資通安全意識，本機關同仁亦應確實參與訓練。",
                "針對辦理資通安全業務有功人員應進行獎勵。",
                "勿開啟來路不明或無法明確辨識寄件人之電子郵件。",
                "禁止多人共用單一資通系統帳號。"
            ],
            "quantitative": [
                {"name": "核心資通系統可用性達 99.99% 以上", "kpi": "core_system_availability", "comparator": ">=", "target": 99.99, "unit": "%"},
                {"name": "電子郵件社交工程演練之郵件開啟率低於 5%", "kpi": "phishing_open_rate", "comparator": "<=", "target": 5, "unit": "%"},
                {"name": "電子郵件社交工程演練之附件點閱率低於 2%", "kpi": "phishing_click_rate", "comparator": "<=", "target": 2, "unit": "%"},
                {"name": "知悉資安事件發生，能於規定的時間完成通報、應變及復原作業", "kpi": "incident_reported_on_time", "comparator": ">=", "target": 100, "unit": "%"}
            ],
            "qualitative": [
                "適時因應法令與技術之變動，調整資通安全維護之內容，以確保資訊及資通系統之機密性、完整性及可用性。",
                "達成資通安全責任等級分級之要求，並降低遭受資通安全風險之威脅。",
                "提升人員資安防護意識、有效偵測與預防外部攻擊。"
            ],
            "approval_procedure": "資通安全政策由本機關資訊單位簽陳資通安全長核定。",
            "publicity": "本機關之資通安全政策及目標應每年透過教育訓練、內部會議、張貼公告等方式，向機關內所有人員進行宣導，並檢視執行成效；並應每年向利害關係人（例如 IT 服務供應商、與機關連線作業有關單位）進行宣導，並檢視執行成效。",
            "review_procedure": "資通安全政策及目標應定期於資通安全管理審查會議中檢討其適切性。"
        },
        "organisation": {
            "ciso_duties": [
                "資通安全管理政策及目標之核定、核轉及督導。",
                "資通安全責任之分配及協調。",
                "資通安全資源分配。",
                "資通安全防護措施之監督。",
                "資通安全事件之檢討及監督。",
                "資通安全相關規章與程序、制度文件核定。",
                "資通安全管理年度工作計畫之核定。",
                "資通安全相關工作事項督導及績效管理。",
                "其他資通安全事項之核定。"
            ],
            "committee_duties": [
                "跨部門資通安全事項權責分工之協調。",
                "應採用之資通安全技術、方法及程序之協調研議。",
                "整體資通安全措施之協調研議。",
                "資通安全計畫之協調研議。",
                "其他重要資通安全事項之協調研議。"
            ],
            "groups": [
                {"name": "策略規劃組", "duties": [
                    "資通安全政策及目標之研議。",
                    "訂定機關資通安全相關規章與程序、制度文件，並確保相關規章與程序、制度合乎法令及契約之要求。",
                    "依據資通安全目標擬定機關年度工作計畫。",
                    "傳達機關資通安全政策與目標。",
                    "其他資通安全事項之規劃。"
                ]},
                {"name": "資安防護組", "duties": [
                    "資通安全技術之研究、建置及評估相關事項。",
                    "資通安全相關規章與程序、制度之執行。",
                    "資訊及資通系統之盤點及風險評估。",
                    "資料及資通系統之安全防護事項之執行。",
                    "資通安全事件之通報及應變機制之執行。",
                    "其他資通安全事項之辦理與推動。"
                ]},
                {"name": "績效管理組", "duties": [
                    "辦理資通安全內部稽核。",
                    "定期召開資通安全管理審查會議，提報資通安全事項執行情形。"
                ]}
            ]
        },
        "staffing": {
            "advisers": "本機關之相關單位於辦理資通安全業務時，如資通安全人力或經驗不足，得洽請相關學者專家或專業機關（構）提供顧問諮詢服務。",
            "budget_notes": "資通安全推動小組於規劃配置相關經費及資源時，應考量本機關之資通安全政策及目標；各單位如有資通安全資源之需求，應配合機關預算規劃期程向資通安全推動小組提出，經資通安全長核定後進行相關之建置。資通安全經費、資源之配置情形應每年定期檢討，並納入管理審查。"
        },
        "inventory": {
            "procedure": "本機關每年辦理資通系統及資訊資產盤點，依管理責任指定對應之資產管理人，並依資產屬性進行分類，製作「資通系統及資訊資產清冊」，欄位包含：資通系統及資訊名稱、資產名稱、資產類別、擁有者、管理者、使用者、存放位置、防護需求等級。各單位管理之資通系統或資訊資產如有異動，應即時通知資通安全推動小組更新資產清冊。",
            "asset_classes": ["資訊資產", "軟體資產", "實體資產", "支援服務資產"],
            "level_statement": level_statement
        },
        "risk": {
            "method": "本機關每年針對資訊及資通系統資產進行風險評估，參考國家資通安全研究院頒布之最新「資通系統風險評鑑參考指引」，依其中之「詳細風險評鑑」進行；並每年就機密性、完整性、可用性、法律遵循性等構面評估自行或委外開發之資通系統防護需求分級。"
        },
        "controls": {
            "measures": [
                {"name": "資訊及資通系統之管理"},
                {"name": "存取控制與加密機制管理"},
                {"name": "作業與通訊安全管理"},
                {"name": "系統獲取、開發及維護"},
                {"name": "業務持續運作演練"},
                {"name": "執行資通安全健診"},
                {"name": "資通安全防護設備"}
            ]
        },
        "incident": {
            "text": "為即時掌控資通安全事件，並有效降低其所造成之損害，本機關應訂定資通安全事件通報、應變及演練相關機制。",
            "procedure": "資通安全事件通報應變程序"
        },
        "intelligence": {
            "text": "本機關接獲資通安全情資，應評估該情資之內容，並視其對本機關之影響、本機關可接受之風險及本機關之資源，決定最適當之因應方式，必要時得調整資通安全維護計畫之控制措施。情資分為：資通安全相關之訊息情資、入侵攻擊情資、機敏性之情資、涉及核心業務及核心資通系統之情資。"
        },
        "outsourcing": {
            "text": "本機關委外辦理資通系統之建置、維運或資通服務之提供時，應考量受託者之專業能力與經驗、委外項目之性質及資通安全需求，選任適當之受託者，並監督其資通安全維護情形。"
        },
        "training": {
            "text": "承辦單位應於每年年初，考量管理、業務及資訊等不同工作類別之需求，擬定資通安全認知宣導及教育訓練計畫；參加人員應簽名留存紀錄。"
        },
        "evaluation": {
            "text": "本機關所屬人員之平時考核或聘用，依據公務機關所屬人員資通安全事項獎懲辦法及本機關各相關規定辦理之。"
        },
        "improvement": {
            "audits_per_year": 1,
            "reviews_per_year": 1,
            "text": "資通安全推動小組應定期（至少每年一次）或於系統重大變更或組織改造後執行內部稽核，並每年至少召開一次資通安全管理審查會議，確認資通安全維護計畫之實施情形；管理審查應做成改善績效追蹤報告。"
        },
        "references": {
            "laws": [
                "資通安全管理法",
                "資通安全管理法施行細則",
                "資通安全責任等級分級辦法",
                "資通安全事件通報及應變辦法",
                "資通安全情資分享辦法",
                "公務機關所屬人員資通安全事項獎懲辦法",
                "資通系統風險評鑑參考指引",
                "資通系統籌獲各階段資安強化措施",
                "政府資訊作業委外資安參考指引",
                "無線網路安全參考指引",
                "網路架構規劃參考指引",
                "行動裝置資安防護參考指引",
                "政府行動化安全防護規劃報告",
                "安全軟體發展流程指引",
                "安全軟體設計參考指引",
                "安全軟體測試參考指引"
            ],
            "documents": [
                {"name": "資通安全推動小組成員及分工表"},
                {"name": "資通安全保密同意書"},
                {"name": "資通安全需求申請單"},
                {"name": "資訊及資通系統資產清冊"},
                {"name": "風險評估表"},
                {"name": "風險類型暨風險對策參考表"},
                {"name": "管制區域人員進出登記表"},
                {"name": "委外廠商執行人員保密切結書、保密同意書"},
                {"name": "委外廠商查核項目表"},
                {"name": "年度資通安全教育訓練計畫"},
                {"name": "資通安全認知宣導及教育訓練簽到表"},
                {"name": "資通安全維護計畫實施情形"},
                {"name": "資通安全稽核計畫"},
                {"name": "稽核項目紀錄表"},
                {"name": "稽核結果紀錄表"},
                {"name": "稽核委員聘任同意保密切結書"},
                {"name": "稽核結果及改善報告"},
                {"name": "改善績效追蹤報告"}
            ]
        }
    });
    // the template is fixed data; a failure here is a defect caught by tests
    normalise(&v).unwrap_or_else(|_| PlanContent::empty())
}

/// The template as JSON (for API clients that want to start from it).
pub fn template_json(org_name: &str, level: &str) -> Value {
    template(org_name, level).into_json()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_is_valid_and_carries_the_official_wording() {
        let v = template_json("屏東縣政府", "B");
        // normalises to itself (it is not the empty fallback)
        let t = normalise(&v).unwrap();
        assert_eq!(t.lines("policy", "statements").len(), 7);
        assert_eq!(t.lines("organisation", "ciso_duties").len(), 9);
        assert_eq!(t.rows("organisation", "groups").len(), 3);
        assert_eq!(t.rows("references", "documents").len(), 18);
        assert_eq!(
            t.text("scope", "text"),
            "本計畫適用範圍涵蓋屏東縣政府全機關。"
        );
        assert!(t.text("inventory", "level_statement").contains("B 級"));
        assert_eq!(t.rows("policy", "quantitative")[0]["target"], 99.99);
    }
}
