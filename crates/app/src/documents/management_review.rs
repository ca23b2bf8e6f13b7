//! 資通安全管理審查會議紀錄: the meeting's time, place, chair and attendees,
//! per agenda topic the facts gathered from the records with the notes and
//! the discussion, the decisions, and the action items with their owner,
//! due date and state — what an auditor asks for as the review's evidence.

use zian_documents::{Column, Document, Table};
use zian_domain::management_review::Topic;
use zian_domain::org::Organisation;
use zian_domain::roc::format_roc;
use zian_domain::{ManagementReviewId, Principal};
use zian_i18n::{Lang, catalogue};

use crate::{App, Result};

impl App {
    pub(super) async fn management_review_document(
        &self,
        p: &Principal,
        id: &ManagementReviewId,
    ) -> Result<(Organisation, Document)> {
        let v = self.management_review(p, id).await?;
        let r = &v.review;
        let title = format!("{}資通安全管理審查會議紀錄", v.org.name_zh);
        let mut doc = self.new_document(&v.org, "management-review-minutes", &title);
        doc.subtitle = Some(r.title.clone());
        doc.fields(vec![
            ("會議時間", format_roc(r.held_on.unwrap_or(r.scheduled_on))),
            ("會議地點", r.body.place.clone()),
            ("主席", r.body.chair.clone()),
            ("出席人員", r.body.attendees.join("、")),
            (
                "紀錄狀態",
                if r.is_held() {
                    "定稿".to_owned()
                } else {
                    "草稿（會議紀錄尚未定稿）".to_owned()
                },
            ),
        ]);
        let c = catalogue();
        let mut agenda = Table::new(
            "審查事項",
            vec![
                Column::text("議題", 3),
                Column::text("系統彙整資料", 6),
                Column::text("說明", 3),
                Column::text("討論及結論", 5),
            ],
        );
        for t in Topic::ALL {
            let Some(item) = r.item(t) else { continue };
            let facts: Vec<String> = item
                .facts
                .iter()
                .map(|f| c.tf(Lang::ZhTw, &f.key, &f.pairs()))
                .collect();
            agenda.row(vec![
                format!(
                    "{} {}",
                    t.number(),
                    c.t(
                        Lang::ZhTw,
                        &format!("management_review.topic.{}", t.as_str())
                    )
                ),
                facts.join("\n"),
                item.notes.clone(),
                item.discussion.clone(),
            ]);
        }
        doc.table(agenda, false);
        doc.heading(2, "決議事項");
        if r.body.decisions.is_empty() {
            doc.paragraph("（無）");
        } else {
            doc.list(
                r.body
                    .decisions
                    .iter()
                    .enumerate()
                    .map(|(i, d)| format!("{}. {d}", i + 1))
                    .collect(),
            );
        }
        let today = self.today();
        let mut actions = Table::new(
            "待辦事項追蹤",
            vec![
                Column::text("事項", 6),
                Column::text("負責單位", 2),
                Column::text("期限", 2),
                Column::text("辦理情形", 4),
            ],
        );
        for a in &v.actions {
            let state = match a.done_on {
                Some(d) => format!("已完成（{}）{}", format_roc(d), a.result),
                None if a.overdue(today) => "逾期未完成".to_owned(),
                None => "辦理中".to_owned(),
            };
            actions.row(vec![
                a.title.clone(),
                a.owner.clone(),
                format_roc(a.due_on),
                state,
            ]);
        }
        doc.table(actions, false);
        Ok((v.org, doc))
    }
}
