//! The register (seed 004 §45): every complaint and breach report, most urgent first, with
//! filters; finding a case by the reference a caller reads out; the register of actions.

use super::components::{category_label, deadline, page, team_name, today};
use super::error::StaffError;

use super::Viewer;
use super::{Staff, StaffUser};
use crate::store::staff::{RegisterPage, REGISTER_PAGE_SIZE};
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::casework::{next_due, update_due, urgency, Role, Status, Urgency};
use app::domain::casework::{DueFilter, Outstanding, RegisterCursor, RegisterQuery};
use app::domain::reference::Reference;
use app::domain::text::group_thousands;
use app::domain::FieldError;
use app::ui::fields::{ErrorSummary, Field, TextField};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct RegisterParams {
    team: Option<String>,
    status: Option<String>,
    category: Option<String>,
    due: Option<String>,
    mine: Option<String>,
    outstanding: Option<String>,
    received_from: Option<String>,
    received_to: Option<String>,
    kind: Option<String>,
    ended: Option<String>,
    incident: Option<String>,
    page: Option<u32>,
    after: Option<String>,
    before: Option<String>,
}

/// The register's query from its filters (the page and its downloads alike).
pub(super) fn query_of(state: &AppState, user: &StaffUser, p: &RegisterParams) -> RegisterQuery {
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let status_filter = nonempty(&p.status);
    // Handlers who see only their own team's cases get that team whatever they ask for (no
    // team set: a team that matches nothing, so they see none).
    let own_team = (!user.sees_team(state.config.access, ""))
        .then(|| user.team.clone().unwrap_or_else(|| "-".into()));
    RegisterQuery {
        team: own_team
            .or_else(|| nonempty(&p.team).filter(|t| state.config.taxonomy.team(t).is_some())),
        status: status_filter.as_deref().and_then(Status::parse),
        open_only: status_filter.as_deref() != Some("all"),
        category: nonempty(&p.category).filter(|c| state.config.taxonomy.category(c).is_some()),
        due: p.due.as_deref().and_then(DueFilter::parse),
        handler: p
            .mine
            .as_deref()
            .filter(|m| *m == "yes")
            .map(|_| user.username.clone()),
        unassigned: false,
        // A restricted case is kept but hidden from everyone but the DPO.
        hide_restricted: user.role != Role::Dpo,
        outstanding: p.outstanding.as_deref().and_then(Outstanding::parse),
        received_from: p
            .received_from
            .as_deref()
            .and_then(app::domain::wire::read_date),
        received_to: p
            .received_to
            .as_deref()
            .and_then(app::domain::wire::read_date),
        kind: p
            .kind
            .as_deref()
            .and_then(app::domain::triage::CaseKind::parse),
        ended: nonempty(&p.ended).filter(|e| {
            super::register_filters::ending_choices()
                .iter()
                .any(|(id, _)| id == e)
        }),
        incident: p
            .incident
            .as_deref()
            .and_then(app::domain::casework::incident_filter),
        all: false,
        page: p.page.unwrap_or(1).clamp(1, 100_000),
        after: p.after.as_deref().and_then(RegisterCursor::parse),
        before: p.before.as_deref().and_then(RegisterCursor::parse),
        size: None,
    }
}

pub async fn register(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Query(p): Query<RegisterParams>,
) -> Result<Response, StaffError> {
    let query = query_of(&state, &user, &p);
    let today = today();
    // The page and the staff's names at once: handlers are shown by their full names.
    let (mut rows, users) =
        tokio::try_join!(state.staff.register(&query, today), state.staff.users())?;
    let handlers = super::register_bulk::handler_choices(&users);
    let names: std::collections::HashMap<String, String> = users
        .into_iter()
        .map(|u| (u.username, u.display_name))
        .collect();
    for r in &mut rows.rows {
        if let Some(name) = r.handler.as_ref().and_then(|h| names.get(h)) {
            r.handler = Some(name.clone());
        }
    }
    Ok(render_register(
        &state, &viewer, &query, rows, today, handlers,
    ))
}

fn render_register(
    state: &AppState,
    viewer: &Viewer,
    query: &RegisterQuery,
    found: RegisterPage,
    today: chrono::NaiveDate,
    handlers: Vec<app::ui::fields::Choice>,
) -> Response {
    let csrf = viewer.csrf.clone();
    let warning = state.config.update_warning_days;
    let teams = state.config.taxonomy.teams.clone();
    let categories = state.config.taxonomy.categories.clone();
    let q = query.clone();
    let total = found.total;
    let first = (q.page as u64 - 1) * REGISTER_PAGE_SIZE as u64 + 1;
    let last = (first + found.rows.len() as u64).saturating_sub(1);
    let link = {
        let q = q.clone();
        move |page: u32| page_link(&q, page)
    };
    let download = {
        let link = link.clone();
        move |ext: &str| link(1).replacen("/staff/register?", &format!("/staff/register.{ext}?"), 1)
    };
    // Each neighbour found from this page's first or last row (the first page from the top,
    // so it is always the true first page).
    let prev = (q.page > 1).then(|| match (q.page - 1, found.first) {
        (1, _) | (_, None) => link(1),
        (p, Some(c)) => format!("{}&before={}", link(p), c.id()),
    });
    let next = (last < total)
        .then_some(found.last)
        .flatten()
        .map(|c| format!("{}&after={}", link(q.page + 1), c.id()));
    let rows: Vec<_> = found
        .rows
        .into_iter()
        .map(|r| register_row(state, r, today, warning))
        .collect();
    let body = move || {
        view! {
            <h1 class="heading-l">"Complaints register"</h1>
            <p class="body">"Download what the filters show: "<a href=download("csv")>"CSV"</a>" · "<a href=download("ods")>"spreadsheet (ODS)"</a></p>
            {super::register_filters::filters(&q, &teams, &categories)}
            <p class="body" role="status">{if total == 0 { "No cases match these filters.".to_string() } else { format!("Showing {} to {} of {} cases, most urgent first", group_thousands(first as usize), group_thousands(last as usize), group_thousands(total as usize)) }}</p>
            // One form around the table: a checkbox a row, and what to do with those ticked
            // below it (register_bulk), without script.
            <form method="post" action="/staff/register/bulk" novalidate>
            <input type="hidden" name="_csrf" value=csrf/>
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">"Cases, most urgent first"</caption>
                    <thead>
                        <tr>
                            <th scope="col"><span class="visually-hidden">"Select"</span></th>
                            <th scope="col">"Reference"</th>
                            <th scope="col">"Received"</th>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Team"</th>
                            <th scope="col">"Category"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Handler"</th>
                            <th scope="col">"Acknowledge by"</th>
                            <th scope="col">"Outcome due"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(total > 0).then(|| super::register_bulk::controls(handlers, &Default::default(), &[]))}
            </form>
            <nav class="pagination" aria-label="Pages of the register">
                {prev.map(|h| view! { <a href=h rel="prev">"Previous page"</a> })}
                " "
                {next.map(|h| view! { <a href=h rel="next">"Next page"</a> })}
            </nav>
        }
    };
    page(state, viewer, "Complaints register", StatusCode::OK, body)
}

/// The register's address for `page` of what `q` asks (the filters kept).
fn page_link(q: &RegisterQuery, page: u32) -> String {
    let mut parts = vec![];
    if let Some(t) = &q.team {
        parts.push(format!("team={t}"));
    }
    if let Some(s) = q.status {
        parts.push(format!("status={}", s.id()));
    } else if !q.open_only {
        parts.push("status=all".into());
    }
    if let Some(c) = &q.category {
        parts.push(format!("category={c}"));
    }
    if let Some(d) = q.due {
        parts.push(format!("due={}", d.id()));
    }
    if q.handler.is_some() {
        parts.push("mine=yes".into());
    }
    if let Some(o) = q.outstanding {
        parts.push(format!("outstanding={}", o.id()));
    }
    if let Some(d) = q.received_from {
        parts.push(format!("received_from={d}"));
    }
    if let Some(d) = q.received_to {
        parts.push(format!("received_to={d}"));
    }
    if let Some(k) = q.kind {
        parts.push(format!("kind={}", k.id()));
    }
    if let Some(e) = &q.ended {
        parts.push(format!("ended={e}"));
    }
    if let Some(i) = &q.incident {
        let encoded: String = form_urlencoded::byte_serialize(i.as_bytes()).collect();
        parts.push(format!("incident={encoded}"));
    }
    parts.push(format!("page={page}"));
    format!("/staff/register?{}", parts.join("&"))
}

/// One case's row: its tags, and each deadline as it stands today.
fn register_row(
    state: &AppState,
    r: crate::store::staff::RegisterRow,
    today: chrono::NaiveDate,
    warning: u32,
) -> impl IntoView {
    let due = next_due(r.kind, r.status, r.acknowledge_by, r.outcome_due);
    let breach = r.kind == app::domain::triage::CaseKind::BreachReport;
    let ack_done = r.acknowledged_at.is_some();
    let outcome_done = r.outcome_sent_at.is_some();
    // Waiting for the complainant on an open case: a stopped outcome clock is not overdue.
    let waiting = r.waiting.filter(|_| r.status.is_open());
    let paused = waiting.is_some_and(|w| w.stopped);
    let outcome_running = !(paused && r.status != Status::Received);
    let overdue =
        outcome_running && due.is_some_and(|d| urgency(d.date(), today) == Urgency::Overdue);
    let reminder = waiting.is_some_and(|w| {
        today
            >= w.reminded_on.unwrap_or(w.since)
                + chrono::Days::new(app::domain::casework::REMINDER_DAYS.into())
    });
    let reference = r.reference.to_string();
    let compact = r.reference.compact();
    let href = format!("/staff/cases/{compact}");
    let incident = r.incident.clone().map(|i| {
        let encoded: String = form_urlencoded::byte_serialize(i.as_bytes()).collect();
        (format!("/staff/register?incident={encoded}"), i)
    });
    view! {
        <tr class="table__row" class:table__row--overdue=overdue>
            <td class="table__cell"><div class="checkboxes__item"><input class="checkboxes__input" type="checkbox" id=format!("case-{compact}") name="case" value=compact.clone()/><label class="label checkboxes__label" for=format!("case-{compact}")><span class="visually-hidden">{format!("Select case {reference}")}</span></label></div></td>
            <td class="table__cell"><a href=href class="case-ref">{reference.clone()}</a></td>
            <td class="table__cell">{long_date(r.received_on)}<br/><span class="hint">{r.channel.label()}</span></td>
            <td class="table__cell">{r.kind.label()}{r.review.is_some().then(|| view! { <br/><strong class="tag tag--yellow">"Check: sent by a program?"</strong> })}
                {r.held.then(|| view! { <br/><strong class="tag tag--red">"Legal hold"</strong> })}
                {r.restricted.then(|| view! { <br/><strong class="tag tag--red">"Restricted"</strong> })}
                {r.reduced.then(|| view! { <br/><strong class="tag">"Summary only"</strong> })}
                {r.adjustments.then(|| view! { <br/><strong class="tag tag--yellow">"Adjustments"</strong> })}
                {r.cannot_reach.then(|| view! { <br/><strong class="tag tag--red">"Cannot reach"</strong> })}
                {incident.map(|(href, label)| view! { <br/><a class="tag tag--blue" href=href>{format!("Incident: {label}")}</a> })}
            </td>
            <td class="table__cell">{team_name(state, &r.team)}</td>
            <td class="table__cell">{category_label(state, &r.category)}</td>
            <td class="table__cell"><span class="tag">{r.status.label()}</span>{r.ending.map(|e| view! { <br/><span class="hint">{e.label()}</span> })}</td>
            <td class="table__cell">{r.handler.clone().unwrap_or_else(|| "Not assigned".into())}</td>
            <td class="table__cell">{if breach { view! { <span class="hint">"Breach procedure"</span> }.into_any() } else { deadline(r.acknowledge_by, ack_done, today).into_any() }}</td>
            <td class="table__cell">{if breach { view! { <span class="hint">"Breach procedure"</span> }.into_any() } else if paused { view! { <strong class="tag">"Paused"</strong> }.into_any() } else { deadline(r.outcome_due, outcome_done || r.ending.is_some(), today).into_any() }}
                {waiting.map(|w| view! { <br/><span class="hint">{format!("Waiting for the complainant since {}", long_date(w.since))}</span> })}
                {reminder.then(|| view! { <br/><strong class="tag tag--yellow">"Reminder due"</strong> })}
                {r.revised_due.map(|d| view! { <br/><span class="hint">{format!("Revised: {}", long_date(d))}</span> })}
                {(!paused && update_due(r.kind, r.status, r.outcome_due, r.revised_due, today, warning)).then(|| view! { <br/><strong class="tag tag--red">"Update due"</strong> })}
            </td>
        </tr>
    }
}

#[derive(Deserialize)]
pub struct FindParams {
    reference: Option<String>,
}

/// Find a case by the reference a caller reads out (any case, spaces or hyphens).
pub async fn find(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    Query(p): Query<FindParams>,
) -> Result<Response, StaffError> {
    let raw = p.reference.unwrap_or_default();
    let first_visit = raw.is_empty();
    let message = match Reference::parse(&raw) {
        Ok(r) => match state.staff.case(&r).await? {
            Some(_) => {
                return Ok(Redirect::to(&format!("/staff/cases/{}", r.compact())).into_response())
            }
            None => "There is no case with that reference. Check it with the caller.",
        },
        Err(_) if raw.trim().is_empty() => "Enter a reference, like ABC-DEF-GHJ",
        Err(_) => "That is not a valid reference: check each letter and number with the caller",
    };
    let errors = if first_visit {
        vec![]
    } else {
        vec![FieldError::new("reference", message)]
    };
    let body = move || {
        view! {
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <h1 class="heading-l">"Find a case"</h1>
            <form method="get" action="/staff/find">
                <TextField
                    field=Field::fixed("reference", raw.clone(), &errors)
                    label="Reference"
                    hint="Nine letters and numbers, like ABC-DEF-GHJ. Spaces and hyphens do not matter."
                    width="input--reference"
                    autocomplete="off"
                    no_spellcheck=true
                />
                <button type="submit" class="button">"Find"</button>
            </form>
        }
    };
    let status = if first_visit {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok(page(&state, &viewer, "Find a case", status, body))
}

/// The actions of the Data Protection Complaints Register (seed 004 §45): remedial actions from
/// outcomes and improvement actions from closures, with owner and due date, earliest first.
#[derive(Deserialize, Default)]
pub struct ActionsParams {
    show: Option<String>,
}

pub async fn actions(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Query(p): Query<ActionsParams>,
) -> Result<Response, StaffError> {
    let today = today();
    let show = p.show.unwrap_or_default();
    let actions: Vec<_> = state
        .staff
        .actions()
        .await?
        .into_iter()
        .filter(|a| user.sees_team(state.config.access, &a.team))
        .filter(|a| match show.as_str() {
            "overdue" => a.action.done_on.is_none() && a.action.due_on < today,
            "open" => a.action.done_on.is_none(),
            "done" => a.action.done_on.is_some(),
            _ => true,
        })
        .collect();
    let recommendations: Vec<_> = state
        .staff
        .recommendations()
        .await?
        .into_iter()
        .filter(|r| match show.as_str() {
            "overdue" => r.done_on.is_none() && r.due_on < today,
            "open" => r.done_on.is_none(),
            "done" => r.done_on.is_some(),
            _ => true,
        })
        .collect();
    let overdue = actions
        .iter()
        .filter(|a| a.action.done_on.is_none() && a.action.due_on < today)
        .count();
    let body = move || {
        let link = |id: &'static str, label: &'static str| {
            let current = show == id;
            view! { <li><a href=format!("/staff/actions?show={id}") aria-current=current.then_some("page")>{label}</a></li> }
        };
        view! {
            <h1 class="heading-l">"Actions"</h1>
            <p class="body">"Remedial actions from outcomes and improvement actions logged at closure (seed 004 §45), followed up until done: open ones first, earliest due first. Mark one done on its case."</p>
            <ul class="list list--inline">
                {link("all", "All")}{link("open", "Not done")}{link("overdue", "Overdue")}{link("done", "Done")}
            </ul>
            {(overdue > 0).then(|| view! { <p class="body"><strong class="tag tag--red">{format!("{overdue} overdue")}</strong></p> })}
            {if actions.is_empty() {
                view! { <p class="body">"No actions yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <caption class="visually-hidden">"Actions"</caption>
                            <thead><tr><th scope="col">"Due"</th><th scope="col">"Action"</th><th scope="col">"Owner"</th><th scope="col">"Kind"</th><th scope="col">"Done"</th><th scope="col">"Case"</th></tr></thead>
                            <tbody>
                                {actions.iter().map(|a| {
                                    let shown = a.reference.to_string();
                                    view! {
                                        <tr>
                                            <td class="table__cell">{deadline(a.action.due_on, a.action.done_on.is_some(), today)}</td>
                                            <td class="table__cell">{a.action.description.clone()}</td>
                                            <td class="table__cell">{a.action.owner.clone()}</td>
                                            <td class="table__cell">{a.action.kind.label()}</td>
                                            <td class="table__cell">{a.action.done_on.map(|d| format!("Done {}{}", long_date(d), a.action.done_note.as_ref().map(|n| format!(": {n}")).unwrap_or_default())).unwrap_or_else(|| "Not yet".into())}</td>
                                            <td class="table__cell"><a class="case-ref" href=format!("/staff/cases/{}", a.reference.compact())>{shown}</a></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <h2 class="heading-m" id="recommendations">"Recommendations of the quarterly reports"</h2>
            <p class="body">"The Data Protection Officer's recommendations (seed 004 §47), open ones first, earliest due first."</p>
            {super::recommendations::table(recommendations.clone(), &user, true)}
        }
    };
    Ok(page(&state, &viewer, "Actions", StatusCode::OK, body))
}
