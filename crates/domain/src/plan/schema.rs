//! The chapters of the maintenance plan (資通安全維護計畫) as a declarative
//! schema, following the seventeen chapters of the official template
//! (seed 003, 目錄). One description serves validation, the edit forms, the
//! HTML view and the diff between versions, so they cannot drift apart.

use zian_i18n::Lang;

/// What a field holds and how it is checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// One line of text, at most `max` characters.
    Text { max: usize },
    /// Free text (paragraphs), at most `max` characters.
    TextArea { max: usize },
    /// A list of short items (one per line in forms), at most `max_items`.
    Lines { max_items: usize },
    /// A whole number in `min..=max`; may be left empty (null).
    Int { min: i64, max: i64 },
    /// A decimal number in `min..=max` (percentages, availability); may be null.
    Decimal { min: f64, max: f64 },
    /// Yes / no.
    Bool,
    /// A date `YYYY-MM-DD`; may be empty.
    Date,
    /// One of the given codes; `""` means not chosen.
    Select { options: &'static [&'static str] },
    /// Rows of scalar columns. The first column is the row's key: it must be
    /// filled and unique within the table (it names the row in diffs).
    Table {
        columns: &'static [Field],
        max_rows: usize,
    },
}

/// One field of a chapter (or one column of a table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// JSON key.
    pub key: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub kind: Kind,
}

/// One chapter of the plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chapter {
    /// JSON key of the chapter object.
    pub key: &'static str,
    /// The template's numbering, e.g. `參`.
    pub number: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub fields: &'static [Field],
    /// Live data the application shows with the chapter (see
    /// [`LiveSection`]); frozen into the version when it is submitted.
    pub live: &'static [LiveSection],
}

/// Summaries drawn from the live registers rather than typed into the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveSection {
    /// Staff, certificates and training hours the responsibility level requires.
    LevelRequirements,
    /// Information systems with their protection levels (柒 盤點).
    Inventory,
    /// The risk register: counts by band and above the acceptance threshold.
    Risks,
    /// Baseline control implementation across graded systems (玖).
    Controls,
    /// Quantitative objectives with their latest measured KPI (肆).
    Objectives,
}

impl Field {
    const fn new(key: &'static str, zh: &'static str, en: &'static str, kind: Kind) -> Field {
        Field {
            key,
            label_zh: zh,
            label_en: en,
            kind,
        }
    }
    /// The label in the given language (`en`, anything else is zh-TW).
    pub fn label(&self, lang: Lang) -> &'static str {
        if lang == Lang::En {
            self.label_en
        } else {
            self.label_zh
        }
    }
}

impl Chapter {
    pub fn title(&self, lang: Lang) -> &'static str {
        if lang == Lang::En {
            self.title_en
        } else {
            self.title_zh
        }
    }
    pub fn field(&self, key: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// Measured indicators a quantitative objective can be linked to. Other
/// modules (availability monitoring, social-engineering drills, VANS,
/// incidents) record measurements under these codes: (code, zh, en). Every
/// one is a rate in percent (0–100).
pub const KPIS: &[(&str, &str, &str)] = &[
    (
        "core_system_availability",
        "核心資通系統可用性",
        "Core-system availability",
    ),
    (
        "phishing_open_rate",
        "社交工程演練郵件開啟率",
        "Phishing drill: e-mail open rate",
    ),
    (
        "phishing_click_rate",
        "社交工程演練附件點閱率",
        "Phishing drill: attachment click rate",
    ),
    (
        "vans_handling_rate",
        "VANS 弱點處理率",
        "VANS vulnerability handling rate",
    ),
    (
        "incident_reported_on_time",
        "資安事件如期通報比率",
        "Incidents reported within the legal deadline",
    ),
    (
        "training_completion",
        "資安教育訓練完成率",
        "Security training completion rate",
    ),
];

const KPI_OPTIONS: &[&str] = &[
    "",
    "core_system_availability",
    "phishing_open_rate",
    "phishing_click_rate",
    "vans_handling_rate",
    "incident_reported_on_time",
    "training_completion",
];

/// `>=` (at least) or `<=` (at most).
pub const COMPARATORS: &[&str] = &[">=", "<="];

const T: Kind = Kind::Text { max: 300 };
const TA: Kind = Kind::TextArea { max: 8000 };
const SHORT: Kind = Kind::TextArea { max: 2000 };
const L: Kind = Kind::Lines { max_items: 60 };
const HOURS: Kind = Kind::Int { min: 0, max: 8760 };
const COUNT: Kind = Kind::Int {
    min: 0,
    max: 100_000,
};

const CORE_BUSINESS: &[Field] = &[
    Field::new("name", "核心業務", "Core business", T),
    Field::new("systems", "核心資通系統", "Core information systems", L),
    Field::new(
        "critical_infrastructure",
        "為主管機關指定之關鍵基礎設施",
        "Designated critical infrastructure",
        Kind::Bool,
    ),
    Field::new(
        "level_ab_business",
        "為資通安全責任等級 A 級或 B 級機關所涉業務",
        "Business of an A- or B-level agency",
        Kind::Bool,
    ),
    Field::new(
        "organisation_law",
        "為本機關依組織法執掌，足認為重要者",
        "Important under the agency's organisation law",
        Kind::Bool,
    ),
    Field::new("impact_financial", "財務損失", "Financial loss", SHORT),
    Field::new(
        "impact_life_property",
        "民眾生命財產損失",
        "Loss of citizens' life or property",
        SHORT,
    ),
    Field::new(
        "impact_economy",
        "經濟發展受阻",
        "Hindered economic development",
        SHORT,
    ),
    Field::new(
        "impact_dependency",
        "影響其他機關業務運作（相依性）",
        "Other agencies depending on it",
        SHORT,
    ),
    Field::new(
        "impact_legal",
        "違反法遵義務",
        "Breach of legal obligations",
        SHORT,
    ),
    Field::new("impact_reputation", "機關信譽", "Reputation", SHORT),
    Field::new("impact_other", "其他", "Other", SHORT),
    Field::new(
        "mtd_hours",
        "最大可容忍中斷時間（小時）",
        "Maximum tolerable downtime (hours)",
        HOURS,
    ),
];

const NON_CORE_BUSINESS: &[Field] = &[
    Field::new("name", "非核心業務", "Non-core business", T),
    Field::new("impact", "業務失效影響說明", "Impact of failure", SHORT),
    Field::new(
        "mtd_hours",
        "最大可容忍中斷時間（小時）",
        "Maximum tolerable downtime (hours)",
        HOURS,
    ),
];

const OBJECTIVES: &[Field] = &[
    Field::new("name", "量化型目標", "Quantitative objective", T),
    Field::new(
        "kpi",
        "連結之量測指標",
        "Linked KPI",
        Kind::Select {
            options: KPI_OPTIONS,
        },
    ),
    Field::new(
        "comparator",
        "比較方式",
        "Comparison",
        Kind::Select {
            options: &["", ">=", "<="],
        },
    ),
    Field::new(
        "target",
        "目標值",
        "Target",
        Kind::Decimal {
            min: -1.0e9,
            max: 1.0e9,
        },
    ),
    Field::new("unit", "單位", "Unit", Kind::Text { max: 20 }),
];

const GROUPS: &[Field] = &[
    Field::new("name", "分組", "Group", T),
    Field::new("duties", "職掌", "Duties", L),
];

const MEMBERS: &[Field] = &[
    Field::new("name", "名稱", "Name", T),
    Field::new("unit_title", "單位職級", "Unit and rank", T),
    Field::new("group", "分組", "Group", T),
    Field::new("duties", "職掌事項", "Duties", SHORT),
    Field::new("extension", "分機", "Extension", Kind::Text { max: 30 }),
    Field::new("deputy", "備註（代理人）", "Deputy", T),
];

const STAFF: &[Field] = &[
    Field::new("name", "姓名", "Name", T),
    Field::new("duty", "分工", "Duty area", SHORT),
    Field::new("full_time", "專職", "Full-time (專職)", Kind::Bool),
    Field::new(
        "professional_certificates",
        "資通安全專業證照（張）",
        "Professional certificates",
        COUNT,
    ),
    Field::new(
        "functional_certificates",
        "資通安全職能訓練證書（張）",
        "Functional training certificates",
        COUNT,
    ),
];

const CORE_SYSTEMS: &[Field] = &[
    Field::new("name", "核心資通系統", "Core information system", T),
    Field::new("assets", "資訊資產", "Information assets", L),
    Field::new(
        "mtd_hours",
        "最大可容忍中斷時間（小時）",
        "Maximum tolerable downtime (hours)",
        HOURS,
    ),
    Field::new("function", "核心資通系統主要功能", "Main function", SHORT),
];

const MEASURES: &[Field] = &[
    Field::new("name", "控制措施領域", "Control area", T),
    Field::new("text", "內容", "Content", TA),
    Field::new("reference", "內部文件編號及名稱", "Internal document", T),
];

const DOCUMENTS: &[Field] = &[
    Field::new("name", "程序或表單名稱", "Procedure or form", T),
    Field::new(
        "number",
        "文件編號",
        "Document number",
        Kind::Text { max: 60 },
    ),
];

/// The seventeen chapters, in the template's order.
pub const CHAPTERS: &[Chapter] = &[
    Chapter {
        key: "basis",
        number: "壹",
        title_zh: "依據及目的",
        title_en: "Legal basis and purpose",
        fields: &[
            Field::new("laws", "依據法規", "Legal basis", L),
            Field::new("purpose", "目的", "Purpose", TA),
        ],
        live: &[],
    },
    Chapter {
        key: "scope",
        number: "貳",
        title_zh: "適用範圍",
        title_en: "Scope",
        fields: &[
            Field::new("text", "適用範圍", "Scope", TA),
            Field::new(
                "additional_orgs",
                "另包含之機關",
                "Other agencies included",
                L,
            ),
        ],
        live: &[],
    },
    Chapter {
        key: "business",
        number: "參",
        title_zh: "核心業務及重要性",
        title_en: "Core business and its importance",
        fields: &[
            Field::new(
                "core",
                "核心業務及重要性",
                "Core business",
                Kind::Table {
                    columns: CORE_BUSINESS,
                    max_rows: 100,
                },
            ),
            Field::new(
                "non_core",
                "非核心業務及說明",
                "Non-core business",
                Kind::Table {
                    columns: NON_CORE_BUSINESS,
                    max_rows: 100,
                },
            ),
            Field::new(
                "bia_reference",
                "業務營運衝擊分析（援引）",
                "Business impact analysis (reference)",
                T,
            ),
        ],
        live: &[],
    },
    Chapter {
        key: "policy",
        number: "肆",
        title_zh: "資通安全政策及目標",
        title_en: "Security policy and objectives",
        fields: &[
            Field::new("statements", "資通安全政策", "Policy statements", L),
            Field::new(
                "quantitative",
                "量化型目標",
                "Quantitative objectives",
                Kind::Table {
                    columns: OBJECTIVES,
                    max_rows: 40,
                },
            ),
            Field::new("qualitative", "質化型目標", "Qualitative objectives", L),
            Field::new(
                "approval_procedure",
                "政策及目標之核定程序",
                "Approval procedure",
                SHORT,
            ),
            Field::new("publicity", "政策及目標之宣導", "Communication", SHORT),
            Field::new(
                "review_procedure",
                "政策及目標定期檢討程序",
                "Periodic review",
                SHORT,
            ),
        ],
        live: &[LiveSection::Objectives],
    },
    Chapter {
        key: "organisation",
        number: "伍",
        title_zh: "資通安全推動組織",
        title_en: "Security organisation",
        fields: &[
            Field::new("ciso_name", "資通安全長", "CISO (資通安全長)", T),
            Field::new("ciso_title", "資通安全長職稱", "CISO's position", T),
            Field::new("ciso_duties", "資通安全長任務", "CISO's duties", L),
            Field::new(
                "committee_duties",
                "資通安全推動小組任務",
                "Committee's duties",
                L,
            ),
            Field::new(
                "groups",
                "分工及職掌",
                "Groups and duties",
                Kind::Table {
                    columns: GROUPS,
                    max_rows: 20,
                },
            ),
            Field::new(
                "members",
                "資通安全推動小組成員及分工表",
                "Committee members and duties",
                Kind::Table {
                    columns: MEMBERS,
                    max_rows: 200,
                },
            ),
            Field::new("roster_date", "製表日期", "Roster date", Kind::Date),
        ],
        live: &[],
    },
    Chapter {
        key: "staffing",
        number: "陸",
        title_zh: "專職（責）人力及經費配置",
        title_en: "Security staff and budget",
        fields: &[
            Field::new(
                "staff",
                "資通安全專職（責）人員",
                "Dedicated security staff",
                Kind::Table {
                    columns: STAFF,
                    max_rows: 200,
                },
            ),
            Field::new("advisers", "顧問諮詢", "External advisers", SHORT),
            Field::new(
                "budget_year",
                "預算年度（民國）",
                "Budget year (ROC)",
                Kind::Int { min: 100, max: 300 },
            ),
            Field::new(
                "it_budget",
                "資訊預算（新臺幣千元）",
                "IT budget (NT$ thousand)",
                Kind::Int {
                    min: 0,
                    max: 1_000_000_000,
                },
            ),
            Field::new(
                "security_budget",
                "資通安全預算（新臺幣千元）",
                "Security budget (NT$ thousand)",
                Kind::Int {
                    min: 0,
                    max: 1_000_000_000,
                },
            ),
            Field::new("budget_notes", "經費之配置", "Budget allocation", SHORT),
        ],
        live: &[LiveSection::LevelRequirements],
    },
    Chapter {
        key: "inventory",
        number: "柒",
        title_zh: "資通系統及資訊之盤點",
        title_en: "Inventory of systems and information",
        fields: &[
            Field::new("procedure", "盤點程序", "Inventory procedure", TA),
            Field::new("asset_classes", "資產分類", "Asset classes", L),
            Field::new(
                "level_statement",
                "機關資通安全責任等級分級",
                "The agency's responsibility level",
                SHORT,
            ),
        ],
        live: &[LiveSection::Inventory],
    },
    Chapter {
        key: "risk",
        number: "捌",
        title_zh: "資通安全風險評估",
        title_en: "Risk assessment",
        fields: &[
            Field::new("method", "風險評估方法", "Method", TA),
            Field::new(
                "core_systems",
                "核心資通系統及最大可容忍中斷時間",
                "Core systems and maximum tolerable downtime",
                Kind::Table {
                    columns: CORE_SYSTEMS,
                    max_rows: 100,
                },
            ),
        ],
        live: &[LiveSection::Risks],
    },
    Chapter {
        key: "controls",
        number: "玖",
        title_zh: "資通安全防護及控制措施",
        title_en: "Protection and control measures",
        fields: &[
            Field::new(
                "isms_certified",
                "已通過 CNS 27001 驗證（援引資訊安全管理系統）",
                "Certified to CNS 27001 (refers to the ISMS)",
                Kind::Bool,
            ),
            Field::new(
                "isms_reference",
                "資訊安全管理系統文件",
                "ISMS documents",
                T,
            ),
            Field::new(
                "measures",
                "防護及控制措施",
                "Measures",
                Kind::Table {
                    columns: MEASURES,
                    max_rows: 60,
                },
            ),
        ],
        live: &[LiveSection::Controls],
    },
    Chapter {
        key: "incident",
        number: "拾",
        title_zh: "資通安全事件通報、應變及演練相關機制",
        title_en: "Incident reporting, response and drills",
        fields: &[
            Field::new("text", "內容", "Content", TA),
            Field::new("procedure", "通報應變程序", "Response procedure", T),
        ],
        live: &[],
    },
    Chapter {
        key: "intelligence",
        number: "拾壹",
        title_zh: "資通安全情資之評估及因應",
        title_en: "Threat intelligence assessment and response",
        fields: &[Field::new("text", "內容", "Content", TA)],
        live: &[],
    },
    Chapter {
        key: "outsourcing",
        number: "拾貳",
        title_zh: "資通系統或服務委外辦理之管理",
        title_en: "Outsourced systems and services",
        fields: &[Field::new("text", "內容", "Content", TA)],
        live: &[],
    },
    Chapter {
        key: "training",
        number: "拾參",
        title_zh: "資通安全教育訓練",
        title_en: "Security training",
        fields: &[
            Field::new(
                "security_staff_people",
                "資安及資訊人員受訓人數",
                "Security and IT staff trained (persons)",
                COUNT,
            ),
            Field::new(
                "security_staff_hours",
                "資安專業課程時數（每人每年）",
                "Professional training hours (per person per year)",
                HOURS,
            ),
            Field::new(
                "general_hours",
                "一般使用者及主管訓練時數（每人每年）",
                "General staff hours (per person per year)",
                HOURS,
            ),
            Field::new("text", "辦理方式", "How training is run", TA),
        ],
        live: &[],
    },
    Chapter {
        key: "evaluation",
        number: "拾肆",
        title_zh: "公務機關所屬人員辦理業務涉及資通安全事項之考核機制",
        title_en: "Staff evaluation on security matters",
        fields: &[Field::new("text", "內容", "Content", TA)],
        live: &[],
    },
    Chapter {
        key: "improvement",
        number: "拾伍",
        title_zh: "資通安全維護計畫及實施情形之持續精進及績效管理機制",
        title_en: "Continuous improvement and performance management",
        fields: &[
            Field::new(
                "audits_per_year",
                "內部稽核（每年次數）",
                "Internal audits per year",
                Kind::Int { min: 0, max: 12 },
            ),
            Field::new(
                "audit_notice_days",
                "稽核前通知受稽單位（日）",
                "Notice to auditees (days)",
                Kind::Int { min: 0, max: 365 },
            ),
            Field::new(
                "reviews_per_year",
                "管理審查會議（每年次數）",
                "Management reviews per year",
                Kind::Int { min: 0, max: 12 },
            ),
            Field::new(
                "review_month",
                "管理審查會議召開月份",
                "Month of the management review",
                Kind::Int { min: 1, max: 12 },
            ),
            Field::new("text", "內容", "Content", TA),
        ],
        live: &[],
    },
    Chapter {
        key: "report",
        number: "拾陸",
        title_zh: "資通安全維護計畫實施情形之提出",
        title_en: "Submission of the implementation report",
        fields: &[
            Field::new(
                "month",
                "每年提出月份",
                "Month of submission",
                Kind::Int { min: 1, max: 12 },
            ),
            Field::new(
                "recipient",
                "上級或監督機關",
                "Superior or supervising authority",
                T,
            ),
        ],
        live: &[],
    },
    Chapter {
        key: "references",
        number: "拾柒",
        title_zh: "相關法規、程序及表單",
        title_en: "Laws, procedures and forms",
        fields: &[
            Field::new(
                "laws",
                "相關法規及參考文件",
                "Laws and reference documents",
                L,
            ),
            Field::new(
                "documents",
                "程序及附件表單",
                "Procedures and forms",
                Kind::Table {
                    columns: DOCUMENTS,
                    max_rows: 100,
                },
            ),
        ],
        live: &[],
    },
];

/// A chapter number as official documents write it (公文數字): 壹、貳 … 玖、
/// 拾、拾壹 … 拾玖、貳拾、貳拾壹 … 玖拾玖; 0 and numbers above 99 as digits.
pub fn formal_numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "壹", "貳", "參", "肆", "伍", "陸", "柒", "捌", "玖"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10..=99 => {
            let (tens, ones) = (n / 10, n % 10);
            let lead = if tens == 1 { "" } else { DIGITS[tens] };
            format!("{lead}拾{}", DIGITS[ones])
        }
        _ => n.to_string(),
    }
}

/// The chapter with this key.
pub fn chapter(key: &str) -> Option<&'static Chapter> {
    CHAPTERS.iter().find(|c| c.key == key)
}

/// The KPI's label in the given language.
pub fn kpi_label(code: &str, lang: Lang) -> Option<&'static str> {
    KPIS.iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, zh, en)| if lang == Lang::En { *en } else { *zh })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn seventeen_chapters_with_unique_keys_and_keyed_tables() {
        assert_eq!(CHAPTERS.len(), 17);
        let keys: BTreeSet<_> = CHAPTERS.iter().map(|c| c.key).collect();
        assert_eq!(keys.len(), 17);
        for c in CHAPTERS {
            let fk: BTreeSet<_> = c.fields.iter().map(|f| f.key).collect();
            assert_eq!(fk.len(), c.fields.len(), "{}", c.key);
            for f in c.fields {
                if let Kind::Table { columns, .. } = f.kind {
                    assert_eq!(columns[0].key, "name", "{}.{}", c.key, f.key);
                    assert!(matches!(columns[0].kind, Kind::Text { .. }));
                    assert!(
                        columns
                            .iter()
                            .all(|c| !matches!(c.kind, Kind::Table { .. }))
                    );
                }
            }
        }
        for (code, _, _) in KPIS {
            assert!(KPI_OPTIONS.contains(code));
        }
    }
}

#[cfg(test)]
mod numeral_tests {
    use super::*;

    #[test]
    fn formal_numerals_as_official_documents_write_them() {
        assert_eq!(formal_numeral(1), "壹");
        assert_eq!(formal_numeral(9), "玖");
        assert_eq!(formal_numeral(10), "拾");
        assert_eq!(formal_numeral(11), "拾壹");
        assert_eq!(formal_numeral(17), "拾柒");
        assert_eq!(formal_numeral(20), "貳拾");
        assert_eq!(formal_numeral(21), "貳拾壹");
        assert_eq!(formal_numeral(99), "玖拾玖");
    }

    #[test]
    fn chapters_are_numbered_in_order() {
        for (i, ch) in CHAPTERS.iter().enumerate() {
            assert_eq!(ch.number, formal_numeral(i + 1), "chapter {}", ch.key);
        }
    }
}
