//! The register and the case: records, history, notes, handler, status moves, letters.

use super::views::{self, date_time, field_error, has_error, today, ErrorList};
use super::{Fields, Staff, StaffUser, Viewer};
use crate::store::staff::{
    Applied, AuditEntry, CaseChange, CaseFile, DueFilter, NoteKind, RegisterQuery,
    REGISTER_PAGE_SIZE,
};
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::casework::{
    due_phrase, may_move, next_due, urgency, ActionInput, Closure, ClosureInput, Handling, Outcome,
    OutcomeCategory, OutcomeInput, Role, Status, Urgency, ACTION_ROWS, INDEPENDENCE,
};
use app::domain::complaint::{BreachStatus, ContactMethod, OnBehalfOf};
use app::domain::letter;
use app::domain::reference::Reference;
use app::domain::text::{group_thousands, limits, Lines, Text};
use app::domain::FieldError;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct RegisterParams {
    team: Option<String>,
    status: Option<String>,
    category: Option<String>,
    due: Option<String>,
    mine: Option<String>,
    page: Option<u32>,
}

fn category_label(state: &AppState, id: &str) -> String {
    state
        .config
        .taxonomy
        .category(id)
        .map(|c| c.label.clone())
        .unwrap_or_else(|| id.to_string())
}

fn team_name(state: &AppState, id: &str) -> String {
    state
        .config
        .taxonomy
        .team(id)
        .map(|t| t.name.clone())
        .unwrap_or_else(|| id.to_string())
}

fn kind_label(kind: &str) -> &'static str {
    if kind == "breach_report" {
        "Breach report"
    } else {
        "Complaint"
    }
}

fn channel_label(id: &str) -> &'static str {
    match id {
        "online" => "Online form",
        "telephone" => "Telephone",
        "post" => "Post",
        "email" => "Email",
        "in_person" => "In person",
        "social_media" => "Social media",
        "processor" => "From a processor or joint controller",
        _ => "Other",
    }
}

/// A stored reference as people read it: "K7M-2QX-9PB".
pub(super) fn shown(compact: &str) -> String {
    Reference::parse(compact)
        .map(|r| r.to_string())
        .unwrap_or_else(|_| compact.to_string())
}

/// The page around a form about one case: back link, problems, the case's reference, heading.
#[allow(clippy::too_many_arguments)]
fn case_form<V: IntoView + 'static>(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    heading: &'static str,
    intro: &'static str,
    action: &'static str,
    errors: Vec<FieldError>,
    status: StatusCode,
    fields: impl FnOnce(&[FieldError]) -> V,
) -> Response {
    let csrf = viewer.csrf.clone();
    let compact = case.reference.clone();
    let reference = shown(&case.reference);
    let body = move || {
        let fields = fields(&errors);
        view! {
            <a class="back-link" href=format!("/staff/cases/{compact}")>"Back to the case"</a>
            <ErrorList errors=errors.clone()/>
            <span class="caption">{format!("Case {reference}")}</span>
            <h1 class="heading-l">{heading}</h1>
            <p class="body">{intro}</p>
            <form method="post" action=format!("/staff/cases/{compact}/{action}") novalidate>
                <input type="hidden" name="_csrf" value=csrf/>
                {fields}
            </form>
        }
    };
    views::page(state, viewer, heading, status, body)
}

/// The deadline cell: the date, and how it stands today.
fn deadline(due: chrono::NaiveDate, done: bool, today: chrono::NaiveDate) -> AnyView {
    if done {
        return view! { <span>{long_date(due)}</span>" "<span class="tag tag--grey">"Done"</span> }
            .into_any();
    }
    let (class, text) = match urgency(due, today) {
        Urgency::Overdue => ("tag tag--red", due_phrase(due, today)),
        Urgency::DueThisWeek => ("tag tag--yellow", due_phrase(due, today)),
        Urgency::Later => ("", String::new()),
    };
    view! {
        <span>{long_date(due)}</span>
        {(!text.is_empty()).then(|| view! { " "<strong class=class>{text}</strong> })}
    }
    .into_any()
}

pub async fn register(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Query(p): Query<RegisterParams>,
) -> Response {
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let status_filter = nonempty(&p.status);
    let query = RegisterQuery {
        team: nonempty(&p.team).filter(|t| state.config.taxonomy.team(t).is_some()),
        status: status_filter.as_deref().and_then(Status::parse),
        open_only: status_filter.as_deref() != Some("all"),
        category: nonempty(&p.category).filter(|c| state.config.taxonomy.category(c).is_some()),
        due: p.due.as_deref().and_then(DueFilter::parse),
        handler: p
            .mine
            .as_deref()
            .filter(|m| *m == "yes")
            .map(|_| user.username.clone()),
        page: p.page.unwrap_or(1).clamp(1, 100_000),
    };
    let today = today();
    let page = match state.staff.register(&query, today).await {
        Ok(p) => p,
        Err(_) => return views::unavailable(),
    };
    render_register(&state, &viewer, &query, page, today)
}

fn render_register(
    state: &AppState,
    viewer: &Viewer,
    query: &RegisterQuery,
    page: crate::store::staff::RegisterPage,
    today: chrono::NaiveDate,
) -> Response {
    let teams = state.config.taxonomy.teams.clone();
    let categories = state.config.taxonomy.categories.clone();
    let q = query.clone();
    let total = page.total;
    let first = (q.page as u64 - 1) * REGISTER_PAGE_SIZE as u64 + 1;
    let last = (first + page.rows.len() as u64).saturating_sub(1);
    let link = {
        let q = q.clone();
        move |page: u32| {
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
            parts.push(format!("page={page}"));
            format!("/staff/register?{}", parts.join("&"))
        }
    };
    let prev = (q.page > 1).then(|| link(q.page - 1));
    let next = (last < total).then(|| link(q.page + 1));
    let rows: Vec<_> = page
        .rows
        .into_iter()
        .map(|r| {
            let due = next_due(r.status, r.acknowledge_by, r.outcome_due);
            let ack_done = r.acknowledged_at.is_some();
            let outcome_done = r.outcome_sent_at.is_some();
            let overdue = due.is_some_and(|d| urgency(d.date(), today) == Urgency::Overdue);
            let reference = shown(&r.reference);
            let href = format!("/staff/cases/{}", r.reference);
            view! {
                <tr class="table__row" class:table__row--overdue=overdue>
                    <td class="table__cell"><a href=href class="case-ref">{reference}</a></td>
                    <td class="table__cell">{long_date(r.received_on)}<br/><span class="hint">{channel_label(&r.channel)}</span></td>
                    <td class="table__cell">{kind_label(&r.kind)}</td>
                    <td class="table__cell">{team_name(state, &r.team)}</td>
                    <td class="table__cell">{category_label(state, &r.category)}</td>
                    <td class="table__cell"><span class="tag">{r.status.label()}</span></td>
                    <td class="table__cell">{r.handler.clone().unwrap_or_else(|| "Not assigned".into())}</td>
                    <td class="table__cell">{deadline(r.acknowledge_by, ack_done, today)}</td>
                    <td class="table__cell">{deadline(r.outcome_due, outcome_done, today)}</td>
                </tr>
            }
        })
        .collect();
    let selected = |a: Option<&str>, b: &str| a == Some(b);
    let body = move || {
        let status_id = if q.open_only {
            q.status.map(|s| s.id())
        } else {
            Some("all")
        };
        view! {
            <h1 class="heading-l">"Complaints register"</h1>
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
                <div class="filters__item checkboxes__item">
                    <input class="checkboxes__input" id="mine" name="mine" type="checkbox" value="yes" checked=q.handler.is_some()/>
                    <label class="label checkboxes__label" for="mine">"My cases only"</label>
                </div>
                <button type="submit" class="button button--secondary">"Apply filters"</button>
            </form>
            <p class="body" role="status">{if total == 0 { "No cases match these filters.".to_string() } else { format!("Showing {} to {} of {} cases, most urgent first", group_thousands(first as usize), group_thousands(last as usize), group_thousands(total as usize)) }}</p>
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">"Cases, most urgent first"</caption>
                    <thead>
                        <tr>
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
            <nav class="pagination" aria-label="Pages of the register">
                {prev.map(|h| view! { <a href=h rel="prev">"Previous page"</a> })}
                " "
                {next.map(|h| view! { <a href=h rel="next">"Next page"</a> })}
            </nav>
        }
    };
    views::page(state, viewer, "Complaints register", StatusCode::OK, body)
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
) -> Response {
    let raw = p.reference.unwrap_or_default();
    let first_visit = raw.is_empty();
    let message = match Reference::parse(&raw) {
        Ok(r) => match state.staff.case(&r.compact()).await {
            Ok(Some(_)) => {
                return Redirect::to(&format!("/staff/cases/{}", r.compact())).into_response()
            }
            Ok(None) => {
                "There is no case with that reference. Check it with the caller.".to_string()
            }
            Err(_) => return views::unavailable(),
        },
        Err(e) if raw.trim().is_empty() => {
            let _ = e;
            "Enter a reference, like ABC-DEF-GHJ".to_string()
        }
        Err(_) => "That is not a valid reference: check each letter and number with the caller"
            .to_string(),
    };
    let errors = if first_visit {
        vec![]
    } else {
        vec![FieldError::new("reference", message)]
    };
    let body = move || {
        view! {
            <ErrorList errors=errors.clone()/>
            <h1 class="heading-l">"Find a case"</h1>
            <form method="get" action="/staff/find">
                <div class="form-group" class:form-group--error=!first_visit>
                    <label class="label" for="reference">"Reference"</label>
                    <div id="reference-hint" class="hint">"Nine letters and numbers, like ABC-DEF-GHJ. Spaces and hyphens do not matter."</div>
                    {field_error(&errors, "reference")}
                    <input class="input input--reference" class:input--error=!first_visit id="reference" name="reference" type="text" value=raw.clone() autocomplete="off" spellcheck="false"
                        aria-describedby=if first_visit { "reference-hint" } else { "reference-hint reference-error" }/>
                </div>
                <button type="submit" class="button">"Find"</button>
            </form>
        }
    };
    let status = if first_visit {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    views::page(&state, &viewer, "Find a case", status, body)
}

/// The case behind a reference in the path, or the page to answer with instead.
async fn load(state: &AppState, reference: &str) -> Result<CaseFile, Response> {
    let Ok(r) = Reference::parse(reference) else {
        return Err(views::not_found().await);
    };
    match state.staff.case(&r.compact()).await {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(views::not_found().await),
        Err(_) => Err(views::unavailable()),
    }
}

async fn audit(
    state: &AppState,
    user: &StaffUser,
    action: &str,
    case: &CaseFile,
    detail: Option<String>,
) -> Result<(), Response> {
    state
        .staff
        .audit(AuditEntry {
            at: Utc::now(),
            username: user.username.clone(),
            action: action.into(),
            reference: Some(case.reference.clone()),
            detail,
        })
        .await
        // Access to case records must be auditable (004 §38): no record, no page.
        .map_err(|_| views::unavailable())
}

#[derive(Deserialize, Default)]
pub struct CaseParams {
    saved: Option<String>,
}

pub async fn case_page(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(reference): Path<String>,
    Query(p): Query<CaseParams>,
) -> Response {
    let case = match load(&state, &reference).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(r) = audit(&state, &user, "viewed case", &case, None).await {
        return r;
    }
    let saved = p.saved.as_deref().and_then(saved_message);
    render_case(&state, &viewer, &user, case, vec![], saved, StatusCode::OK).await
}

/// Confirmation banners after a change (fixed wording: nothing personal in the URL).
fn saved_message(key: &str) -> Option<&'static str> {
    Some(match key {
        "note" => "Note added",
        "assigned" => "Handler assigned",
        "confirmed" => "Your independence is confirmed: you are this case's handler",
        "acknowledged" => "Acknowledgement recorded. The letter is ready to print or send.",
        "investigating" => "Investigation started",
        "outcome" => "Outcome recorded. The outcome letter is ready to print or send.",
        "closed" => "Case closed. Its improvement actions are on the register.",
        _ => return None,
    })
}

async fn render_case(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    case: CaseFile,
    errors: Vec<FieldError>,
    saved: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let handlers: Vec<(String, String)> = match state.staff.users().await {
        Ok(users) => users
            .into_iter()
            .filter(|u| u.role.allows(Role::Handler) && !u.disabled)
            .map(|u| (u.username, u.display_name))
            .collect(),
        Err(_) => return views::unavailable(),
    };
    let today = today();
    let csrf = viewer.csrf.clone();
    let me = user.username.clone();
    let role = user.role;
    let reference = shown(&case.reference);
    let compact = case.reference.clone();
    let title = format!("Case {reference}");
    let team = team_name(state, &case.team);
    let category = category_label(state, &case.category);
    let c = case.complaint.clone();
    let body = move || {
        let action = |path: &str| format!("/staff/cases/{compact}/{path}");
        let csrf_field = || view! { <input type="hidden" name="_csrf" value=csrf.clone()/> };
        let row = |k: &'static str, v: String| {
            view! {
                <div class="summary-list__row"><dt class="summary-list__key">{k}</dt><dd class="summary-list__value">{v}</dd></div>
            }
        };
        let yes_no = |b: bool| {
            if b {
                "Yes".to_string()
            } else {
                "No".to_string()
            }
        };
        let due = next_due(case.status, case.acknowledge_by, case.outcome_due);
        let flags = view! {
            {case.identity_check.then(|| view! { <div class="warning-text"><strong>"Check identity (or authority to act) before disclosing anything."</strong></div> })}
            {case.clarification_needed.then(|| view! { <div class="warning-text"><strong>"The scope may need clarifying with the complainant."</strong></div> })}
            {case.corporate_handover.then(|| view! { <div class="warning-text"><strong>"Also about the service: hand over to the corporate complaints procedure."</strong></div> })}
            {(!c.consents.share_with_organisation).then(|| view! { <div class="warning-text"><strong>"Do not share: the complainant declined sharing with the organisation complained about."</strong></div> })}
        };
        // What can be done next, by status.
        let handling = Handling {
            status: case.status,
            handler: case.handler.as_deref(),
            handler_confirmed: case.handler_confirmed_at.is_some(),
        };
        let next_step = match case.status {
            Status::Received => view! {
                <form method="post" action=action("acknowledge")>
                    {csrf_field()}
                    <p class="body">"Record that the written acknowledgement (seed Appendix B letter) is sent. The letter is filled in for you."</p>
                    <button type="submit" class="button">"Record acknowledgement"</button>
                </form>
            }.into_any(),
            Status::Acknowledged => {
                let refusal = may_move(&handling, Status::Investigating, &me, role).err();
                view! {
                    <form method="post" action=action("investigate")>
                        {csrf_field()}
                        {refusal.map(|r| view! { <p class="body">{r.message()}"."</p> })}
                        <button type="submit" class="button">"Start investigation"</button>
                    </form>
                }.into_any()
            }
            Status::Investigating => view! {
                <a class="button" href=action("outcome")>"Record the outcome"</a>
            }.into_any(),
            Status::OutcomeSent => view! {
                <a class="button" href=action("close")>"Close the case"</a>
            }.into_any(),
            Status::Closed => view! { <p class="body">"This case is closed."</p> }.into_any(),
        };
        let assigned = case.handler.clone();
        let confirmed = case.handler_confirmed_at;
        let can_confirm = assigned.as_deref() == Some(me.as_str()) && confirmed.is_none();
        let handler_text = match (&assigned, confirmed) {
            (None, _) => "Not assigned".to_string(),
            (Some(h), Some(t)) => format!("{h} (confirmed independence {})", date_time(t)),
            (Some(h), None) => format!("{h} (has not yet confirmed independence)"),
        };
        let assign_form = (case.status.is_open()).then(|| {
            let handlers = handlers.clone();
            let current = assigned.clone().unwrap_or_else(|| me.clone());
            view! {
                <form method="post" action=action("assign") class="assign-form">
                    {csrf_field()}
                    <div class="form-group" class:form-group--error=has_error(&errors, "handler")>
                        <label class="label" for="handler">"Assign to"</label>
                        {field_error(&errors, "handler")}
                        <select class="select" id="handler" name="handler">
                            {handlers.into_iter().map(|(u, n)| {
                                let sel = u == current;
                                view! { <option value=u.clone() selected=sel>{format!("{n} ({u})")}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="form-group" class:form-group--error=has_error(&errors, "independent")>
                        {field_error(&errors, "independent")}
                        <div class="checkboxes__item">
                            <input class="checkboxes__input" id="independent" name="independent" type="checkbox" value="yes" aria-describedby="independent-hint"/>
                            <label class="label checkboxes__label" for="independent">{INDEPENDENCE}</label>
                        </div>
                        <div id="independent-hint" class="hint">"Tick only when assigning yourself. Anyone else confirms on this page before they work the case."</div>
                    </div>
                    <button type="submit" class="button button--secondary">"Assign"</button>
                </form>
            }
        });
        let confirm_form = can_confirm.then(|| view! {
            <form method="post" action=action("confirm")>
                {csrf_field()}
                <div class="form-group" class:form-group--error=has_error(&errors, "confirm_independent")>
                    {field_error(&errors, "confirm_independent")}
                    <div class="checkboxes__item">
                        <input class="checkboxes__input" id="confirm_independent" name="independent" type="checkbox" value="yes"/>
                        <label class="label checkboxes__label" for="confirm_independent">{INDEPENDENCE}</label>
                    </div>
                </div>
                <button type="submit" class="button">"Confirm and take the case"</button>
            </form>
        });
        let complainant = &c.complainant;
        let address = complainant.address.as_ref().map(|a| {
            [
                Some(a.line_1.to_string()),
                a.line_2.as_ref().map(|t| t.to_string()),
                a.town.as_ref().map(|t| t.to_string()),
                Some(a.postcode.as_str().to_string()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
        });
        let preferred = match complainant.preferred_contact {
            ContactMethod::Email => "Email",
            ContactMethod::Phone => "Telephone",
            ContactMethod::Post => "Letter by post",
        };
        let on_behalf = match &c.on_behalf_of {
            OnBehalfOf::Myself => "Themselves".to_string(),
            OnBehalfOf::SomeoneElse {
                name,
                relationship,
                they_agreed,
            } => format!(
                "Someone else: {name} ({relationship}); {}",
                if *they_agreed {
                    "they agreed"
                } else {
                    "they have not agreed: check authority"
                }
            ),
            OnBehalfOf::Mp { mp_name } => {
                format!("Through their MP, {mp_name}: copy letters to the MP")
            }
        };
        let breach = c.breach_status.map(|b| match b {
            BreachStatus::OutcomeReceived => "Reported before, breach outcome received",
            BreachStatus::ReportedAwaitingOutcome => "Reported before, awaiting the breach outcome",
            BreachStatus::NotReported => "Not reported before",
        });
        let wanted = c
            .outcomes_wanted
            .iter()
            .map(|o| o.label())
            .collect::<Vec<_>>()
            .join("; ");
        let letters = case.letters.clone();
        let notes = case.notes.clone();
        let events = case.events.clone();
        let actions = case.actions.clone();
        let outcome = case.outcome.clone();
        let closure = case.closure.clone();
        view! {
            {saved.map(|m| view! { <div class="notification-banner notification-banner--success" role="status"><p class="notification-banner__heading">{m}</p></div> })}
            <ErrorList errors=errors.clone()/>
            <span class="caption">{kind_label(&case.kind)}</span>
            <h1 class="heading-l">"Case "<span class="case-ref">{reference.clone()}</span></h1>
            <p class="body"><span class="tag">{case.status.label()}</span>" "
                {due.map(|d| {
                    let u = urgency(d.date(), today);
                    let class = match u { Urgency::Overdue => "tag tag--red", Urgency::DueThisWeek => "tag tag--yellow", Urgency::Later => "tag tag--grey" };
                    view! { <strong class=class>{format!("{}: {}", d.label(), due_phrase(d.date(), today))}</strong> }
                })}
            </p>
            {flags}
            <div class="case-grid">
                <section class="case-section" aria-labelledby="next-heading">
                    <h2 id="next-heading" class="heading-m">"Next step"</h2>
                    {next_step}
                </section>
                <section class="case-section" aria-labelledby="handler-heading">
                    <h2 id="handler-heading" class="heading-m">"Handler"</h2>
                    <p class="body">{handler_text}</p>
                    {confirm_form}
                    {assign_form}
                </section>
            </div>
            <h2 class="heading-m">"Deadlines"</h2>
            <dl class="summary-list">
                {row("Received", format!("{} ({}){}", long_date(case.received_on), channel_label(&case.channel),
                    case.keyed_in_by.as_ref().map(|k| format!(", keyed in by {k}")).unwrap_or_default()))}
                {row("Written acknowledgement due by", match case.acknowledged_at {
                    Some(t) => format!("{}: acknowledged {}", long_date(case.acknowledge_by), date_time(t)),
                    None => format!("{}: {}", long_date(case.acknowledge_by), due_phrase(case.acknowledge_by, today)),
                })}
                {row("Outcome due by", match case.outcome_sent_at {
                    Some(t) => format!("{}: outcome sent {}", long_date(case.outcome_due), date_time(t)),
                    None => format!("{}: {}", long_date(case.outcome_due), due_phrase(case.outcome_due, today)),
                })}
                {row("Team", team.clone())}
            </dl>
            <h2 class="heading-m">"The complainant"</h2>
            <dl class="summary-list">
                {row("Name", complainant.full_name.to_string())}
                {row("Postal address", address.unwrap_or_else(|| "Not given".into()))}
                {row("Email", complainant.email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_else(|| "Not given".into()))}
                {row("Telephone", complainant.phone.as_ref().map(|e| e.as_str().to_string()).unwrap_or_else(|| "Not given".into()))}
                {row("Contact by", preferred.to_string())}
                {row("Adjustments", complainant.adjustments.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "None".into()))}
                {row("Complaining for", on_behalf)}
            </dl>
            <h2 class="heading-m">"The complaint"</h2>
            <dl class="summary-list">
                {row("About", category.clone())}
                {row("Service involved", c.service.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "Not given".into()))}
                {row("When", c.happened_when.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "Not given".into()))}
                <div class="summary-list__row"><dt class="summary-list__key">"What happened"</dt><dd class="summary-list__value prewrap">{c.description.to_string()}</dd></div>
                {breach.map(|b| row("Breach", b.to_string()))}
                {row("Wants", if wanted.is_empty() { "Not given".into() } else { wanted.clone() })}
                {c.outcome_other.as_ref().map(|t| row("Something else", t.to_string()))}
                {row("Also about the service", yes_no(c.also_about_service))}
            </dl>
            <h2 class="heading-m">"Consent and choices"</h2>
            <dl class="summary-list">
                {row("Consent to handle", "Yes".into())}
                {row("May share with the organisation complained about", yes_no(c.consents.share_with_organisation))}
                {row("Survey", if c.consents.survey_opt_out { "Opted out".into() } else { "May be invited".into() })}
                {row("Anonymised publication", if c.consents.publication_opt_out { "Opted out".into() } else { "Allowed".into() })}
            </dl>
            {outcome.map(|o| view! {
                <h2 class="heading-m">"Outcome"</h2>
                <dl class="summary-list">
                    {row("Decision", o.category.label().to_string())}
                    <div class="summary-list__row"><dt class="summary-list__key">"Findings"</dt><dd class="summary-list__value prewrap">{o.findings.to_string()}</dd></div>
                </dl>
            })}
            {closure.map(|cl| view! {
                <h2 class="heading-m">"Resolution"</h2>
                <p class="body prewrap">{cl.resolution.to_string()}</p>
            })}
            {(!actions.is_empty()).then(|| view! {
                <h2 class="heading-m">"Actions"</h2>
                <table class="table">
                    <thead><tr><th scope="col">"Kind"</th><th scope="col">"Action"</th><th scope="col">"Owner"</th><th scope="col">"Due"</th></tr></thead>
                    <tbody>
                        {actions.iter().map(|a| view! {
                            <tr>
                                <td class="table__cell">{if a.kind == "improvement" { "Improvement" } else { "Remedial" }}</td>
                                <td class="table__cell">{a.description.clone()}</td>
                                <td class="table__cell">{a.owner.clone()}</td>
                                <td class="table__cell">{long_date(a.due_on)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <h2 class="heading-m">"Letters"</h2>
            {if letters.is_empty() {
                view! { <p class="body">"No letters yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="list">
                        {letters.iter().map(|l| {
                            let href = action(&format!("letters/{}", l.id));
                            let what = if l.kind == "outcome" { "Outcome letter" } else { "Acknowledgement letter" };
                            view! { <li><a href=href>{format!("{what}, {}", date_time(l.created_at))}</a></li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h2 class="heading-m">"Notes and correspondence"</h2>
            <ul class="list notes">
                {notes.iter().map(|n| view! {
                    <li class="note">
                        <p class="hint">{format!("{} · {} · {}", n.kind.label(), n.author, date_time(n.at))}</p>
                        <p class="body prewrap">{n.body.clone()}</p>
                    </li>
                }).collect_view()}
            </ul>
            <form method="post" action=action("notes")>
                {csrf_field()}
                <div class="form-group">
                    <label class="label" for="kind">"Kind"</label>
                    <select class="select" id="kind" name="kind">
                        {NoteKind::ALL.iter().map(|k| view! { <option value=k.id()>{k.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="form-group" class:form-group--error=has_error(&errors, "note")>
                    <label class="label" for="note">"Add a note, correspondence or evidence"</label>
                    {field_error(&errors, "note")}
                    <textarea class="textarea" id="note" name="note" rows="4"></textarea>
                </div>
                <button type="submit" class="button button--secondary">"Add"</button>
            </form>
            <h2 class="heading-m">"History"</h2>
            <ol class="list history">
                {events.iter().map(|e| view! {
                    <li>{format!("{} · {}{}{}", date_time(e.at), e.event,
                        e.actor.as_ref().map(|a| format!(" · {a}")).unwrap_or_default(),
                        e.detail.as_ref().map(|d| format!(" · {d}")).unwrap_or_default())}</li>
                }).collect_view()}
            </ol>
        }
    };
    views::page(state, viewer, &title, status, body)
}

/// After a change: back to the case, with a confirmation banner.
fn done(case: &CaseFile, saved: &str) -> Response {
    Redirect::to(&format!("/staff/cases/{}?saved={saved}", case.reference)).into_response()
}

/// The case changed under us: show it as it is now, saying so.
async fn stale(state: &AppState, viewer: &Viewer, user: &StaffUser, reference: &str) -> Response {
    match load(state, reference).await {
        Ok(case) => {
            let errors = vec![FieldError::new(
                "",
                "Someone else changed this case while you were looking at it. Nothing was changed: check the case as it is now.",
            )];
            render_case(
                state,
                viewer,
                user,
                case,
                errors,
                None,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(r) => r,
    }
}

pub async fn add_note(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(reference): Path<String>,
    fields: Fields,
) -> Response {
    let case = match load(&state, &reference).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let kind = NoteKind::parse(fields.get("kind")).unwrap_or(NoteKind::Note);
    let body = match Text::parse(
        fields.get("note"),
        "note",
        "The note",
        limits::DESCRIPTION,
        Lines::Many,
    ) {
        Ok(Some(t)) => t,
        Ok(None) => {
            let e = vec![FieldError::new("note", "Enter the note")];
            return render_case(
                &state,
                &viewer,
                &user,
                case,
                e,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => {
            return render_case(
                &state,
                &viewer,
                &user,
                case,
                vec![e],
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state
        .staff
        .add_note(&case, kind, body.as_str(), &user.username)
        .await
    {
        Ok(()) => done(&case, "note"),
        Err(_) => views::unavailable(),
    }
}

pub async fn assign(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(reference): Path<String>,
    fields: Fields,
) -> Response {
    let case = match load(&state, &reference).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let handler = fields.get("handler").to_string();
    let ticked = fields.get("independent") == "yes";
    let target = match state.staff.user(&handler).await {
        Ok(u) => u.filter(|u| u.role.allows(Role::Handler) && !u.disabled),
        Err(_) => return views::unavailable(),
    };
    let mut errors = Vec::new();
    if target.is_none() {
        errors.push(FieldError::new("handler", "Select a handler"));
    } else if handler == user.username && !ticked {
        errors.push(FieldError::new(
            "independent",
            "Confirm you have not worked on the processing this complaint is about, or assign someone else",
        ));
    } else if handler != user.username && ticked {
        errors.push(FieldError::new(
            "independent",
            "Only the handler can confirm their own independence: untick the box to assign someone else",
        ));
    }
    if !case.status.is_open() {
        errors.push(FieldError::new("handler", "This case is closed"));
    }
    if !errors.is_empty() {
        return render_case(
            &state,
            &viewer,
            &user,
            case,
            errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match state
        .staff
        .assign(&case, &handler, handler == user.username, &user.username)
        .await
    {
        Ok(Applied::Done) => done(&case, "assigned"),
        Ok(Applied::Stale) => stale(&state, &viewer, &user, &reference).await,
        Err(_) => views::unavailable(),
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(reference): Path<String>,
    fields: Fields,
) -> Response {
    let case = match load(&state, &reference).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if fields.get("independent") != "yes" {
        let e = vec![FieldError::new(
            "confirm_independent",
            "Tick to confirm you have not worked on the processing this complaint is about",
        )];
        return render_case(
            &state,
            &viewer,
            &user,
            case,
            e,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match state.staff.confirm_handler(&case, &user.username).await {
        Ok(Applied::Done) => done(&case, "confirmed"),
        Ok(Applied::Stale) => stale(&state, &viewer, &user, &reference).await,
        Err(_) => views::unavailable(),
    }
}

/// Checks the move with the domain rules, then applies it if the case has not changed.
async fn move_case(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    case: CaseFile,
    change: CaseChange,
    saved: &str,
) -> Response {
    let handling = Handling {
        status: case.status,
        handler: case.handler.as_deref(),
        handler_confirmed: case.handler_confirmed_at.is_some(),
    };
    if let Err(refusal) = may_move(&handling, change.target(), &user.username, user.role) {
        let e = vec![FieldError::new("", refusal.message())];
        return render_case(state, viewer, user, case, e, None, StatusCode::CONFLICT).await;
    }
    match state.staff.apply(&case, &change, &user.username).await {
        Ok(Applied::Done) => done(&case, saved),
        Ok(Applied::Stale) => stale(state, viewer, user, &case.reference).await,
        Err(_) => views::unavailable(),
    }
}

pub async fn acknowledge(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(reference): Path<String>,
) -> Response {
    let case = match load(&state, &reference).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(r) = Reference::parse(&case.reference) else {
        return views::unavailable();
    };
    let letter = letter::acknowledgement(
        &state.organisation,
        case.complaint.complainant.full_name.as_str(),
        &r,
        case.received_on,
        &team_name(&state, &case.team),
        case.outcome_due,
    );
    move_case(
        &state,
        &viewer,
        &user,
        case,
        CaseChange::Acknowledge { letter },
        "acknowledged",
    )
    .await
}

pub async fn investigate(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(reference): Path<String>,
) -> Response {
    let case = match load(&state, &reference).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    move_case(
        &state,
        &viewer,
        &user,
        case,
        CaseChange::Investigate,
        "investigating",
    )
    .await
}

fn action_rows(fields: &Fields, prefix: &str) -> Vec<ActionInput> {
    (1..=ACTION_ROWS)
        .map(|n| ActionInput {
            description: fields.get(&format!("{prefix}_{n}_description")).to_string(),
            owner: fields.get(&format!("{prefix}_{n}_owner")).to_string(),
            due_on: fields.get(&format!("{prefix}_{n}_due_on")).to_string(),
        })
        .collect()
}

/// Rows of action fields (description, owner, due date), `ACTION_ROWS` of them.
fn action_fields(
    prefix: &'static str,
    legend: &'static str,
    rows: Vec<ActionInput>,
    errors: &[FieldError],
) -> impl IntoView {
    let errors = errors.to_vec();
    view! {
        <fieldset class="fieldset">
            <legend class="fieldset__legend fieldset__legend--m">{legend}</legend>
            {(1..=ACTION_ROWS).map(|n| {
                let row = rows.get(n - 1).cloned().unwrap_or_default();
                let id = |part: &str| format!("{prefix}_{n}_{part}");
                let (d, o, w) = (id("description"), id("owner"), id("due_on"));
                view! {
                    <div class="action-row">
                        <div class="form-group" class:form-group--error=has_error(&errors, &d)>
                            <label class="label" for=d.clone()>{format!("Action {n}")}</label>
                            {field_error(&errors, &d)}
                            <textarea class="textarea" id=d.clone() name=d.clone() rows="2">{row.description.clone()}</textarea>
                        </div>
                        <div class="form-group" class:form-group--error=has_error(&errors, &o)>
                            <label class="label" for=o.clone()>{format!("Owner of action {n}")}</label>
                            {field_error(&errors, &o)}
                            <input class="input input--two-thirds" id=o.clone() name=o.clone() type="text" value=row.owner.clone()/>
                        </div>
                        <div class="form-group" class:form-group--error=has_error(&errors, &w)>
                            <label class="label" for=w.clone()>{format!("Action {n} due by")}</label>
                            {field_error(&errors, &w)}
                            <input class="input input--date" id=w.clone() name=w.clone() type="date" value=row.due_on.clone()/>
                        </div>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

fn text_area(
    name: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    value: String,
    errors: &[FieldError],
) -> impl IntoView {
    let described = hint.map(|_| format!("{name}-hint"));
    view! {
        <div class="form-group" class:form-group--error=has_error(errors, name)>
            <label class="label label--s" for=name>{label}</label>
            {hint.map(|h| view! { <div id=format!("{name}-hint") class="hint">{h}</div> })}
            {field_error(errors, name)}
            <textarea class="textarea" id=name name=name rows="5" aria-describedby=described>{value}</textarea>
        </div>
    }
}

pub async fn outcome_form(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    Path(reference): Path<String>,
) -> Response {
    let case = match load(&state, &reference).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    render_outcome_form(
        &state,
        &viewer,
        &case,
        OutcomeInput::default(),
        vec![],
        StatusCode::OK,
    )
}

fn render_outcome_form(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    input: OutcomeInput,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let intro = "This fills in the outcome letter (Appendix C). Write in plain language: the complainant reads it.";
    case_form(
        state,
        viewer,
        case,
        "Record the outcome",
        intro,
        "outcome",
        errors,
        status,
        move |errors| {
            let errors = errors.to_vec();
            view! {
                <div class="form-group" class:form-group--error=has_error(&errors, "category")>
                    <fieldset class="fieldset">
                        <legend class="fieldset__legend fieldset__legend--m">"Decision"</legend>
                        {field_error(&errors, "category")}
                        <div class="radios">
                            {OutcomeCategory::ALL.iter().enumerate().map(|(i, c)| {
                                let id = if i == 0 { "category".to_string() } else { format!("category-{}", c.id()) };
                                view! {
                                    <div class="radios__item">
                                        <input class="radios__input" id=id.clone() name="category" type="radio" value=c.id() checked=input.category == c.id()/>
                                        <label class="label radios__label" for=id>{c.label()}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </div>
                {text_area("summary", "Summary of the complaint", None, input.summary.clone(), &errors)}
                {text_area("investigation", "Investigation steps", Some("Enquiries made, evidence looked at, who was consulted"), input.investigation.clone(), &errors)}
                {text_area("findings", "Findings", None, input.findings.clone(), &errors)}
                {action_fields("action", "Actions taken or planned", input.actions.clone(), &errors)}
                {text_area("no_action_reason", "If no action is needed, why (optional)", Some("For a complaint not upheld, explain the reasons and any improvements identified"), input.no_action_reason.clone(), &errors)}
                <button type="submit" class="button">"Record outcome and make the letter"</button>
            }
        },
    )
}

pub async fn send_outcome(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(reference): Path<String>,
    fields: Fields,
) -> Response {
    let case = match load(&state, &reference).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let input = OutcomeInput {
        category: fields.get("category").to_string(),
        summary: fields.get("summary").to_string(),
        investigation: fields.get("investigation").to_string(),
        findings: fields.get("findings").to_string(),
        no_action_reason: fields.get("no_action_reason").to_string(),
        actions: action_rows(&fields, "action"),
    };
    let outcome = match Outcome::parse(&input, today()) {
        Ok(o) => o,
        Err(errors) => {
            return render_outcome_form(
                &state,
                &viewer,
                &case,
                input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let Ok(r) = Reference::parse(&case.reference) else {
        return views::unavailable();
    };
    let letter = letter::outcome(
        &state.organisation,
        case.complaint.complainant.full_name.as_str(),
        &r,
        &team_name(&state, &case.team),
        &outcome,
        &user.display_name,
    );
    move_case(
        &state,
        &viewer,
        &user,
        case,
        CaseChange::SendOutcome { outcome, letter },
        "outcome",
    )
    .await
}

pub async fn close_form(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    Path(reference): Path<String>,
) -> Response {
    let case = match load(&state, &reference).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    render_close_form(
        &state,
        &viewer,
        &case,
        ClosureInput::default(),
        vec![],
        StatusCode::OK,
    )
}

fn render_close_form(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    input: ClosureInput,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let intro = "Record the resolution and any improvement actions for the Data Protection Complaints Register (seed 004 §45).";
    case_form(
        state,
        viewer,
        case,
        "Close the case",
        intro,
        "close",
        errors,
        status,
        move |errors| {
            view! {
                {text_area("resolution", "Resolution", Some("How the complaint was resolved"), input.resolution.clone(), errors)}
                {action_fields("improvement", "Improvement actions (optional)", input.improvements.clone(), errors)}
                <button type="submit" class="button">"Close the case"</button>
            }
        },
    )
}

pub async fn close(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(reference): Path<String>,
    fields: Fields,
) -> Response {
    let case = match load(&state, &reference).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let input = ClosureInput {
        resolution: fields.get("resolution").to_string(),
        improvements: action_rows(&fields, "improvement"),
    };
    let closure = match Closure::parse(&input, today()) {
        Ok(c) => c,
        Err(errors) => {
            return render_close_form(
                &state,
                &viewer,
                &case,
                input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    move_case(
        &state,
        &viewer,
        &user,
        case,
        CaseChange::Close { closure },
        "closed",
    )
    .await
}

/// A letter laid out to print (the browser's Print command) or to copy into an email.
pub async fn letter(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path((reference, id)): Path<(String, i64)>,
) -> Response {
    let case = match load(&state, &reference).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(stored) = case.letters.iter().find(|l| l.id == id).cloned() else {
        return views::not_found().await;
    };
    if let Err(r) = audit(
        &state,
        &user,
        &format!("viewed {} letter", stored.kind),
        &case,
        None,
    )
    .await
    {
        return r;
    }
    let org = (*state.organisation).clone();
    let complainant = case.complaint.complainant.clone();
    let compact = case.reference.clone();
    let to_address: Vec<String> = complainant
        .address
        .as_ref()
        .map(|a| {
            [
                Some(a.line_1.to_string()),
                a.line_2.as_ref().map(|t| t.to_string()),
                a.town.as_ref().map(|t| t.to_string()),
                Some(a.postcode.as_str().to_string()),
            ]
            .into_iter()
            .flatten()
            .flat_map(|l| l.lines().map(str::to_string).collect::<Vec<_>>())
            .collect()
        })
        .unwrap_or_default();
    let email = complainant.email.as_ref().map(|e| e.as_str().to_string());
    let dated = long_date(app::domain::calendar::london_date(stored.created_at));
    let subject = stored.letter.subject.clone();
    let paragraphs: Vec<String> = stored
        .letter
        .body
        .split("\n\n")
        .map(str::to_string)
        .collect();
    let body = move || {
        view! {
            <div class="no-print">
                <a class="back-link" href=format!("/staff/cases/{compact}")>"Back to the case"</a>
                <p class="body">"Print it with your browser's Print command (Ctrl+P, or ⌘P on a Mac), or copy the text into an email."
                    {email.map(|e| format!(" The complainant's email address is {e}."))}</p>
            </div>
            <article class="letter">
                <address class="letter__from">{org.name.clone()}<br/>{org.address.iter().map(|l| view! { {l.clone()}<br/> }).collect_view()}</address>
                <address class="letter__to">{complainant.full_name.to_string()}<br/>{to_address.iter().map(|l| view! { {l.clone()}<br/> }).collect_view()}</address>
                <p class="letter__date">{dated.clone()}</p>
                <h1 class="letter__subject">{subject.clone()}</h1>
                {paragraphs.iter().map(|p| {
                    let lines: Vec<String> = p.lines().map(str::to_string).collect();
                    view! { <p>{lines.into_iter().enumerate().map(|(i, l)| view! { {(i > 0).then(|| view! { <br/> })}{l} }).collect_view()}</p> }
                }).collect_view()}
            </article>
        }
    };
    views::page(
        &state,
        &viewer,
        &stored.letter.subject,
        StatusCode::OK,
        body,
    )
}

/// The actions of the Data Protection Complaints Register (seed 004 §45): remedial actions from
/// outcomes and improvement actions from closures, with owner and due date, earliest first.
pub async fn actions(State(state): State<AppState>, Staff(_, viewer): Staff) -> Response {
    let actions = match state.staff.actions().await {
        Ok(a) => a,
        Err(_) => return views::unavailable(),
    };
    let today = today();
    let body = move || {
        view! {
            <h1 class="heading-l">"Actions"</h1>
            <p class="body">"Remedial actions from outcomes and improvement actions logged at closure, earliest due first."</p>
            {if actions.is_empty() {
                view! { <p class="body">"No actions yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead><tr><th scope="col">"Due"</th><th scope="col">"Action"</th><th scope="col">"Owner"</th><th scope="col">"Kind"</th><th scope="col">"Case"</th></tr></thead>
                            <tbody>
                                {actions.iter().map(|a| {
                                    let shown = shown(&a.reference);
                                    view! {
                                        <tr>
                                            <td class="table__cell">{deadline(a.action.due_on, false, today)}</td>
                                            <td class="table__cell">{a.action.description.clone()}</td>
                                            <td class="table__cell">{a.action.owner.clone()}</td>
                                            <td class="table__cell">{if a.action.kind == "improvement" { "Improvement" } else { "Remedial" }}</td>
                                            <td class="table__cell"><a class="case-ref" href=format!("/staff/cases/{}", a.reference)>{shown}</a></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        }
    };
    views::page(&state, &viewer, "Actions", StatusCode::OK, body)
}
