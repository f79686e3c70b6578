//! The register's filter form (seed 004 §45): every filter the register's query has, shown as
//! the query has it, submitted by GET so a filtered view is a link.

use app::domain::casework::{DueFilter, Outstanding, RegisterQuery, Status};
use leptos::prelude::*;

/// The register's filters, as the query has them.
pub fn filters(
    q: &RegisterQuery,
    teams: &[app::domain::taxonomy::Team],
    categories: &[app::domain::taxonomy::Category],
) -> impl IntoView {
    let selected = |a: Option<&str>, b: &str| a == Some(b);
    let status_id = if q.open_only {
        q.status.map(|s| s.id())
    } else {
        Some("all")
    };
    view! {
    <form method="get" action="/staff/register" class="filters">
        <div class="filters__item">
            <label class="label" for="team">"Team"</label>
            <select class="select" id="team" name="team">
                <option value="">"All teams"</option>
                {teams.iter().map(|t| view! { <option value=t.id.clone() selected=selected(q.team.as_deref(), &t.id)>{t.name.clone()}</option> }).collect_view()}
            </select>
        </div>
        <div class="filters__item">
            <label class="label" for="status">"Status"</label>
            <select class="select" id="status" name="status">
                <option value="">"All open"</option>
                {Status::ALL.iter().map(|s| view! { <option value=s.id() selected=selected(status_id, s.id())>{s.label()}</option> }).collect_view()}
                <option value="all" selected=selected(status_id, "all")>"All, including closed"</option>
            </select>
        </div>
        <div class="filters__item">
            <label class="label" for="category">"Category"</label>
            <select class="select" id="category" name="category">
                <option value="">"All categories"</option>
                {categories.iter().map(|c| view! { <option value=c.id.clone() selected=selected(q.category.as_deref(), &c.id)>{c.label.clone()}</option> }).collect_view()}
            </select>
        </div>
        <div class="filters__item">
            <label class="label" for="due">"Deadline"</label>
            <select class="select" id="due" name="due">
                <option value="">"Any"</option>
                <option value="overdue" selected=q.due == Some(DueFilter::Overdue)>"Overdue"</option>
                <option value="this_week" selected=q.due == Some(DueFilter::ThisWeek)>"Due this week"</option>
            </select>
        </div>
        <div class="filters__item">
            <label class="label" for="outstanding">"Still to do"</label>
            <select class="select" id="outstanding" name="outstanding">
                <option value="">"Anything"</option>
                {Outstanding::ALL.iter().map(|o| view! { <option value=o.id() selected=q.outstanding == Some(*o)>{o.label()}</option> }).collect_view()}
            </select>
        </div>
        <div class="filters__item">
            <label class="label" for="kind">"Kind"</label>
            <select class="select" id="kind" name="kind">
                <option value="">"Any"</option>
                <option value="complaint" selected=q.kind == Some(app::domain::triage::CaseKind::Complaint)>"Complaints"</option>
                <option value="breach_report" selected=q.kind == Some(app::domain::triage::CaseKind::BreachReport)>"Breach reports"</option>
            </select>
        </div>
        <div class="filters__item">
            <label class="label" for="ended">"How it ended"</label>
            <select class="select" id="ended" name="ended">
                <option value="">"Any"</option>
                {ending_choices().into_iter().map(|(id, label)| view! { <option value=id selected=q.ended.as_deref() == Some(id)>{label}</option> }).collect_view()}
            </select>
        </div>
        <div class="filters__item">
            <label class="label" for="received_from">"Received from"</label>
            <input class="input input--date" type="date" id="received_from" name="received_from" value=q.received_from.map(|d| d.to_string()).unwrap_or_default()/>
        </div>
        <div class="filters__item">
            <label class="label" for="received_to">"Received to"</label>
            <input class="input input--date" type="date" id="received_to" name="received_to" value=q.received_to.map(|d| d.to_string()).unwrap_or_default()/>
        </div>
        <div class="filters__item checkboxes__item">
            <input class="checkboxes__input" id="mine" name="mine" type="checkbox" value="yes" checked=q.handler.is_some()/>
            <label class="label checkboxes__label" for="mine">"My cases only"</label>
        </div>
        <button type="submit" class="button button--secondary">"Apply filters"</button>
    </form>
    }
}

/// The ids "How it ended" may filter by: outcome categories and the other endings.
pub(super) fn ending_choices() -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&'static str, &'static str)> = app::domain::casework::OutcomeCategory::ALL
        .iter()
        .map(|o| (o.id(), o.label()))
        .collect();
    v.extend(
        app::domain::casework::Ending::ALL
            .iter()
            .map(|e| (e.id(), e.label())),
    );
    v
}
