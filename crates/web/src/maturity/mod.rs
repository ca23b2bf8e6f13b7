//! L1–L5 operations maturity (seed 000): an organisation's programme with
//! its dashboard, OKRs, phases and charts; the framework and OKRs edited;
//! tasks and milestones; the monthly progress report completed, signed,
//! reviewed and published; a supervisor's comparison of its subtree.

pub mod api;
pub mod charts;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post, put};
use zian_app::maturity::{
    FrameworkInput, MeetingInput, ProgrammeInput, ProgrammeOut, ReportEditInput, ReportInput,
    ReviewInput, TaskInput, TaskStatusInput, TrackingInput,
};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/maturity", Api, "maturity", "The organisation's L1-L5 programme as of its latest report: each layer's start, current and target maturity with progress and status, the OKRs with their values by quarter, the phases with their tasks, and the monthly reports", get(api::overview)).resp::<api::OverviewOut>(),
        r(M::POST, "/api/v1/orgs/{id}/maturity", Api, "maturity", "Start an L1-L5 programme from the shipped framework (seed 000's layers, phases, rubric and key results, the key results bound to the platform's figures where it keeps them)", post(api::create)).req::<ProgrammeInput>().resp::<ProgrammeOut>(),
        r(M::GET, "/api/v1/orgs/{id}/maturity/compare", Api, "maturity", "A supervisor's comparison (`month`, default this month): each organisation below with a programme, its maturity and progress per layer, key results met", get(api::compare)).resp::<api::CompareOut>(),
        r(M::GET, "/api/v1/maturity-programmes/{id}", Api, "maturity", "A programme: its framework (layers with rubric, key results with their bound figures, phases, tasks) and its tables as of this month", get(api::programme)).resp::<api::ProgrammeDetailOut>(),
        r(M::PUT, "/api/v1/maturity-programmes/{id}", Api, "maturity", "Replace the framework: title, the five layers (start, target, rubric), the key results (baseline, target, direction, bound figure)", put(api::framework)).req::<FrameworkInput>().resp::<api::ProgrammeDetailOut>(),
        r(M::PUT, "/api/v1/maturity-programmes/{id}/tracking", Api, "maturity", "Replace the programme's risks (impact × likelihood, a security risk linked to the register), issues (found, due, resolved) and the planned and actual hours by role and budget by category to date", put(api::tracking)).req::<TrackingInput>().resp::<api::ProgrammeDetailOut>(),
        r(M::POST, "/api/v1/maturity-programmes/{id}/tasks", Api, "maturity", "Add a task of a layer in a phase, or a milestone of a month", post(api::add_task)).req::<TaskInput>().resp::<api::ProgrammeDetailOut>(),
        r(M::POST, "/api/v1/maturity-programmes/{id}/task-status", Api, "maturity", "Mark a task or milestone done (today) or not", post(api::task_status)).req::<TaskStatusInput>().resp::<api::ProgrammeDetailOut>(),
        r(M::POST, "/api/v1/maturity-programmes/{id}/reports", Api, "maturity", "Draft a month's progress report now (the monthly job drafts it on the 20th): the layers' scores carried from the month before, the bound key results computed from the records", post(api::create_report)).req::<ReportInput>().resp::<api::ReportDetailOut>(),
        r(M::GET, "/api/v1/maturity-reports/{id}", Api, "maturity", "A monthly progress report with the programme's tables as of its month: indicators per layer, OKRs with where each value came from, phases, sign-off", get(api::report)).resp::<api::ReportDetailOut>(),
        r(M::PUT, "/api/v1/maturity-reports/{id}", Api, "maturity", "Record what was typed into a draft: the layers' scores and notes, the typed key results' values, achievements, challenges, next month's focus, highlights, lessons", put(api::edit_report)).req::<ReportEditInput>().resp::<api::ReportDetailOut>(),
        r(M::POST, "/api/v1/maturity-reports/{id}/gather", Api, "maturity", "Compute the bound key results of a draft again from the records", post(api::gather)).resp::<api::ReportDetailOut>(),
        r(M::POST, "/api/v1/maturity-reports/{id}/submit", Api, "maturity", "Sign the draft as who compiled it (資安合規專員) and send it for review; refused while the achievements or next month's focus are empty", post(api::submit)).resp::<api::ReportDetailOut>(),
        r(M::POST, "/api/v1/maturity-reports/{id}/review", Api, "maturity", "Review a submitted report (another person than who compiled it): publish it to management, its scores becoming the current maturity, or return it with the reason", post(api::review)).req::<ReviewInput>().resp::<api::ReportDetailOut>(),
        r(M::PUT, "/api/v1/maturity-reports/{id}/meeting", Api, "maturity", "Minute the month's review meeting of a submitted or published report: date, chair, attendees, a note on each of the seed's five agenda items, the resolutions with owner and deadline (action items are corrective actions raised with source `maturity_report`)", put(api::meeting)).req::<MeetingInput>().resp::<api::ReportDetailOut>(),
        r(M::GET, "/orgs/{id}/maturity", Page, "page", "L1-L5 maturity: dashboard, OKRs, phases and tasks, charts, monthly reports", get(pages::overview)),
        r(M::POST, "/orgs/{id}/maturity", Page, "page", "Start an L1-L5 programme", post(pages::create)),
        r(M::GET, "/orgs/{id}/maturity/compare", Page, "page", "L1-L5 maturity of the organisations below, side by side", get(pages::compare)),
        r(M::GET, "/maturity-programmes/{id}/framework", Page, "page", "Edit the L1-L5 framework, rubric and OKRs", get(pages::framework)),
        r(M::POST, "/maturity-programmes/{id}/framework", Page, "page", "Save the L1-L5 framework, rubric and OKRs", post(pages::save_framework)),
        r(M::GET, "/maturity-programmes/{id}/tracking", Page, "page", "Edit an L1-L5 programme's risks, issues and resources", get(pages::tracking)),
        r(M::POST, "/maturity-programmes/{id}/tracking", Page, "page", "Save an L1-L5 programme's risks, issues and resources", post(pages::save_tracking)),
        r(M::POST, "/maturity-programmes/{id}/tasks", Page, "page", "Add an L1-L5 task or milestone", post(pages::add_task)),
        r(M::POST, "/maturity-programmes/{id}/task-status", Page, "page", "Mark an L1-L5 task done or not", post(pages::task_status)),
        r(M::POST, "/maturity-programmes/{id}/reports", Page, "page", "Draft a month's progress report", post(pages::create_report)),
        r(M::GET, "/maturity-reports/{id}", Page, "page", "A monthly progress report: summary, layers, OKRs, phases, sign-off", get(pages::report)),
        r(M::POST, "/maturity-reports/{id}", Page, "page", "Save a monthly progress report's draft", post(pages::save_report)),
        r(M::POST, "/maturity-reports/{id}/gather", Page, "page", "Compute a monthly report's figures again", post(pages::gather)),
        r(M::POST, "/maturity-reports/{id}/submit", Page, "page", "Save, sign and submit a monthly progress report", post(pages::submit)),
        r(M::POST, "/maturity-reports/{id}/review", Page, "page", "Publish or return a monthly progress report", post(pages::review)),
        r(M::POST, "/maturity-reports/{id}/meeting", Page, "page", "Minute a month's review meeting", post(pages::meeting)),
    ]
}
