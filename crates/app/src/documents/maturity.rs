//! L1-L5營運框架月度進度報告 in seed 000's layout: the dashboard table, the
//! month's summary (achievements, challenges, next month's focus), each
//! layer's indicators with its tasks and issues, the OKR tables by
//! objective with the quarters, the phase table, the highlights and lessons,
//! the month's review meeting (agenda, resolutions, action items and the
//! earlier ones followed up), the sign-off of the compliance officer and the
//! IT head.

use zian_documents::{Bar, Column, Document, Table};
use zian_domain::day::of_unix;
use zian_domain::maturity::{Agenda, ReportStatus, number as num};
use zian_domain::org::Organisation;
use zian_domain::roc::format_roc;
use zian_domain::{MaturityReportId, Principal};
use zian_i18n::{Lang, catalogue};

use crate::maturity::KrRow;
use crate::{App, Result};

/// The meeting's agenda as seed 000 words it, in [`Agenda::ALL`]'s order.
const AGENDA: [&str; 5] = [
    "各層級進度報告",
    "OKR指標檢討",
    "風險與問題討論",
    "下月計劃確認",
    "資源需求確認",
];

fn opt(v: Option<f64>) -> String {
    v.map(num).unwrap_or_else(|| "—".into())
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{}%", num(x)))
        .unwrap_or_else(|| "—".into())
}

/// The status in words (the seed's icons are emoji no document font
/// carries; the page shows them).
fn status(s: &str) -> String {
    catalogue()
        .t(Lang::ZhTw, &format!("maturity.status.{s}"))
        .to_string()
}

fn target(k: &KrRow) -> String {
    let sym = if k.direction == "lower" { "≤" } else { "≥" };
    format!("{sym}{}{}", num(k.target), k.unit)
}

fn source(k: &KrRow) -> String {
    match &k.source_key {
        Some(key) => {
            let args: Vec<(&str, &str)> = k
                .source_args
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            format!("系統計算：{}", catalogue().tf(Lang::ZhTw, key, &args))
        }
        None => k.basis.clone(),
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

impl App {
    pub(super) async fn maturity_report_document(
        &self,
        p: &Principal,
        id: &MaturityReportId,
    ) -> Result<(Organisation, Document)> {
        let v = self.maturity_report(p, id).await?;
        let r = &v.report;
        let s = &v.summary;
        let title = format!("{}L1-L5營運框架月度進度報告", v.org.name_zh);
        let mut doc = self.new_document(&v.org, "maturity-report", &title);
        let phase = s
            .phase
            .map(|n| format!("Phase {n}"))
            .unwrap_or_else(|| "計劃準備".into());
        doc.subtitle = Some(format!(
            "{}年{}月 - {}（第 {} 個月，共 {} 個月）",
            r.month.year - 1911,
            r.month.month,
            phase,
            s.index.max(0),
            s.months
        ));
        doc.fields(vec![
            ("追蹤計畫", v.programme.title.clone()),
            (
                "追蹤期間",
                format!("{} 至 {}", v.programme.starts, v.programme.ends()),
            ),
            (
                "報告狀態",
                match r.status {
                    ReportStatus::Draft => "草稿".to_owned(),
                    ReportStatus::Submitted => "已送審，待IT部門主管審閱".to_owned(),
                    ReportStatus::Published => "已發布".to_owned(),
                },
            ),
            (
                "整體進度",
                format!(
                    "{}%（{}/{}個月）；任務完成 {}/{}",
                    num(s.elapsed),
                    s.index.clamp(0, i32::from(s.months)),
                    s.months,
                    s.tasks_done,
                    s.tasks_planned
                ),
            ),
        ]);

        // 整體進度儀表板
        let mut dash = Table::new(
            "整體進度儀表板",
            vec![
                Column::text("層級", 5),
                Column::number("起始成熟度", 2),
                Column::number("當前成熟度", 2),
                Column::number("目標成熟度", 2),
                Column::number("進度", 2),
                Column::text("狀態", 3),
            ],
        );
        for l in &s.layers {
            dash.row(vec![
                format!("{}: {}", l.code, l.name),
                format!("{:.1}", l.start),
                format!("{:.1}", l.current),
                format!("{:.1}", l.target),
                pct(Some(l.progress)),
                status(&l.status),
            ]);
        }
        doc.table(dash, false);
        doc.chart(
            "各層級進度（%）",
            s.layers
                .iter()
                .map(|l| Bar {
                    label: l.code.clone(),
                    value: l.progress.round().max(0.0) as u64,
                })
                .collect(),
        );

        // 本月摘要
        doc.heading(2, "本月摘要");
        for (h, text) in [
            ("主要成就", &r.body.achievements),
            ("關鍵挑戰", &r.body.challenges),
            ("下月重點", &r.body.next_focus),
        ] {
            doc.heading(3, h);
            let items = lines(text);
            if items.is_empty() {
                doc.paragraph("（無）");
            } else {
                doc.list(items);
            }
        }

        // 各層級進度
        doc.heading(2, "各層級進度");
        for l in &s.layers {
            let mut t = Table::new(
                format!("{}: {}", l.code, l.name),
                vec![
                    Column::text("指標", 5),
                    Column::text("目標", 2),
                    Column::text("實際", 2),
                    Column::number("達成率", 2),
                    Column::text("狀態", 2),
                    Column::text("資料來源", 5),
                ],
            );
            let score = r.body.layers.iter().find(|x| x.layer.as_str() == l.layer);
            t.row(vec![
                "成熟度".into(),
                format!("{:.1}→{:.1}", l.start, l.target),
                format!("{:.1}", score.map_or(l.current, |x| x.maturity)),
                pct(Some(l.progress)),
                status(&l.status),
                String::new(),
            ]);
            for k in s.key_results.iter().filter(|k| k.layer == l.layer) {
                t.row(vec![
                    format!("{}: {}", k.code, k.title),
                    target(k),
                    k.value
                        .map(|x| format!("{}{}", num(x), k.unit))
                        .unwrap_or_else(|| "—".into()),
                    pct(k.achievement),
                    status(&k.status),
                    source(k),
                ]);
            }
            doc.table(t, false);
            if let Some(x) = score {
                doc.fields(vec![
                    ("本月任務完成情況", x.tasks_done.clone()),
                    ("下月任務", x.next_tasks.clone()),
                    ("風險與問題", x.issues.clone()),
                ]);
            }
        }

        // OKR追蹤
        doc.heading(2, "OKR追蹤");
        for l in &s.layers {
            let mut cols = vec![
                Column::text("Key Result", 5),
                Column::number("基線", 2),
                Column::text("目標", 2),
            ];
            let quarters = s.key_results.first().map_or(0, |k| k.quarters.len());
            let names: Vec<String> = (1..=quarters).map(|q| format!("Q{q}")).collect();
            for n in &names {
                cols.push(Column::number(n, 1));
            }
            cols.push(Column::text("狀態", 2));
            let mut t = Table::new(format!("{}: {}", l.code, l.name), cols);
            for k in s.key_results.iter().filter(|k| k.layer == l.layer) {
                let mut row = vec![
                    format!("{}: {}", k.code, k.title),
                    opt(k.baseline),
                    target(k),
                ];
                row.extend(k.quarters.iter().map(|q| opt(*q)));
                row.push(status(&k.status));
                t.row(row);
            }
            doc.table(t, false);
        }

        // Phase進度追蹤
        let mut phases = Table::new(
            "Phase進度追蹤",
            vec![
                Column::text("階段", 5),
                Column::text("期間", 3),
                Column::number("計劃任務數", 2),
                Column::number("完成任務數", 2),
                Column::number("進度", 2),
                Column::text("狀態", 2),
            ],
        );
        for ph in &s.phases {
            phases.row(vec![
                format!("Phase {}: {}", ph.number, ph.title),
                format!("{} 至 {}", ph.first, ph.last),
                ph.tasks_planned.to_string(),
                ph.tasks_done.to_string(),
                pct(Some(ph.progress)),
                status(&ph.status),
            ]);
        }
        doc.table(phases, false);
        let milestones: Vec<String> = s
            .phases
            .iter()
            .flat_map(|ph| ph.tasks.iter())
            .filter(|t| t.milestone)
            .map(|t| {
                format!(
                    "{}{}{}",
                    if t.done_on.is_some() {
                        "（已完成）"
                    } else {
                        "（未完成）"
                    },
                    t.month
                        .as_deref()
                        .map(|m| format!("{m}："))
                        .unwrap_or_default(),
                    t.title
                )
            })
            .collect();
        if !milestones.is_empty() {
            doc.heading(3, "關鍵里程碑");
            doc.list(milestones);
        }

        // 風險與問題追蹤
        let rating = |r: &str| {
            catalogue()
                .t(Lang::ZhTw, &format!("maturity.rating.{r}"))
                .to_string()
        };
        let state = |r: &str| {
            catalogue()
                .t(Lang::ZhTw, &format!("maturity.tracking_status.{r}"))
                .to_string()
        };
        let mut risks = Table::new(
            "風險清單",
            vec![
                Column::text("ID", 1),
                Column::text("風險描述", 5),
                Column::text("影響", 1),
                Column::text("機率", 1),
                Column::text("等級", 1),
                Column::text("應對措施", 4),
                Column::text("負責人", 2),
                Column::text("狀態", 2),
            ],
        );
        for r in &s.risks {
            risks.row(vec![
                r.code.clone(),
                r.description.clone(),
                rating(&r.impact),
                rating(&r.likelihood),
                rating(&r.level),
                r.response.clone(),
                r.owner.clone(),
                state(&r.status),
            ]);
        }
        doc.heading(2, "風險與問題追蹤");
        doc.table(risks, false);
        let mut issues = Table::new(
            "問題清單",
            vec![
                Column::text("ID", 1),
                Column::text("問題描述", 5),
                Column::text("發現日期", 2),
                Column::text("影響", 1),
                Column::text("狀態", 2),
                Column::text("解決方案", 4),
                Column::text("負責人", 2),
                Column::text("預計解決", 2),
            ],
        );
        for x in &s.issues {
            issues.row(vec![
                x.code.clone(),
                x.description.clone(),
                x.found_on.clone(),
                rating(&x.impact),
                if x.overdue {
                    format!("{}（逾期）", state(&x.status))
                } else {
                    state(&x.status)
                },
                x.resolution.clone(),
                x.owner.clone(),
                x.due_on.clone().unwrap_or_default(),
            ]);
        }
        doc.table(issues, false);

        // 資源使用情況
        doc.heading(2, "資源使用情況");
        for (title, head, unit, rows, total) in [
            (
                "人力投入追蹤（累計至本月）",
                "角色",
                "h",
                &s.hours,
                &s.hours_total,
            ),
            (
                "預算使用追蹤（累計至本月）",
                "類別",
                "$",
                &s.budget,
                &s.budget_total,
            ),
        ] {
            let mut t = Table::new(
                title,
                vec![
                    Column::text(head, 3),
                    Column::number(
                        if unit == "h" {
                            "計劃工時"
                        } else {
                            "計劃預算"
                        },
                        2,
                    ),
                    Column::number(
                        if unit == "h" {
                            "實際工時"
                        } else {
                            "實際支出"
                        },
                        2,
                    ),
                    Column::number("差異", 2),
                    Column::number("使用率", 2),
                ],
            );
            let fmt = |v: f64| {
                if unit == "h" {
                    format!("{}h", num(v))
                } else {
                    format!("${}", num(v))
                }
            };
            for a in rows.iter().chain(std::iter::once(total)) {
                t.row(vec![
                    a.name.clone(),
                    fmt(a.planned),
                    fmt(a.actual),
                    fmt(a.variance),
                    pct(a.utilisation),
                ]);
            }
            doc.table(t, false);
        }

        // 成功案例與學習
        doc.heading(2, "成功案例與學習");
        doc.fields(vec![
            ("本月亮點", r.body.highlights.clone()),
            ("經驗教訓", r.body.lessons.clone()),
        ]);

        // 月度檢討會議記錄
        doc.heading(2, "月度檢討會議記錄");
        match &r.body.meeting {
            Some(mt) => {
                doc.heading(
                    3,
                    format!("{}年{}月檢討會議", r.month.year - 1911, r.month.month),
                );
                doc.fields(vec![
                    ("日期", format_roc(mt.held_on)),
                    ("參與者", mt.attendees.clone()),
                    ("主持", mt.chair.clone()),
                ]);
                let mut agenda = Table::new(
                    "會議議程",
                    vec![Column::text("議程", 4), Column::text("討論內容", 8)],
                );
                for (i, (a, name)) in Agenda::ALL.iter().zip(AGENDA).enumerate() {
                    agenda.row(vec![format!("{}. {name}", i + 1), mt.note(*a).to_string()]);
                }
                doc.table(agenda, false);
                let mut res = Table::new(
                    "決議事項",
                    vec![
                        Column::text("決議", 7),
                        Column::text("負責人", 3),
                        Column::text("期限", 3),
                    ],
                );
                for x in &mt.resolutions {
                    res.row(vec![x.text.clone(), x.owner.clone(), format_roc(x.due_on)]);
                }
                doc.table(res, false);
            }
            None => {
                doc.paragraph("本月檢討會議尚未記錄。");
            }
        }
        let today = self.today();
        for (caption, list) in [("行動項目", &v.actions), ("前次行動項目追蹤", &v.carried)]
        {
            if list.is_empty() && caption != "行動項目" {
                continue;
            }
            let mut t = Table::new(
                caption,
                vec![
                    Column::text("行動", 6),
                    Column::text("負責人", 3),
                    Column::text("期限", 3),
                    Column::text("狀態", 3),
                ],
            );
            for a in list.iter() {
                let state = match a.done_on {
                    Some(d) => format!("已完成 {}", format_roc(d)),
                    None if a.overdue(today) => "逾期未完成".into(),
                    None => "進行中".into(),
                };
                t.row(vec![
                    a.title.clone(),
                    a.owner.clone(),
                    format_roc(a.due_on),
                    state,
                ]);
            }
            doc.table(t, false);
        }

        // 追蹤負責人簽名
        let mut sign = Table::new(
            "追蹤負責人簽名",
            vec![
                Column::text("角色", 3),
                Column::text("姓名", 3),
                Column::text("簽署", 3),
                Column::text("日期", 3),
            ],
        );
        for (role, sig) in [
            ("資安合規專員", &r.body.compiled),
            ("IT部門主管", &r.body.reviewed),
        ] {
            sign.row(vec![
                role.into(),
                sig.as_ref().map(|x| x.name.clone()).unwrap_or_default(),
                "__________".into(),
                sig.as_ref()
                    .map(|x| format_roc(of_unix(x.at)))
                    .unwrap_or_else(|| "______".into()),
            ]);
        }
        doc.table(sign, false);
        Ok((v.org, doc))
    }
}
