//! The case page: every record of one case (SPEC.md "Case records"), what can be done next,
//! and the forms to do it.

use super::CaseRef;
use crate::staff::components::{address_lines, category_label, date_time, page, team_name, today};
use crate::staff::error::StaffError;
use crate::staff::{Staff, StaffUser, Viewer};
use crate::store::outbox::MessageStatus;
use crate::store::staff::{AuditEntry, CaseFile, NoteKind};
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::casework::{
    due_phrase, may_confirm, may_move, next_due, urgency, Handling, Role, Status, Urgency,
    INDEPENDENCE,
};
use app::domain::complaint::OnBehalfOf;
use app::domain::messages::{MessageKind, Route};
use app::domain::FieldError;
use app::ui::fields::{Checkbox, Choice, ErrorSummary, Field, Select, TextArea};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use leptos::prelude::*;
use serde::Deserialize;

/// The confirmation banner after a change, named in the URL by a fixed id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Note,
    Assigned,
    Confirmed,
    Acknowledged,
    Investigating,
    Outcome,
    Closed,
    Held,
    Released,
    Restricted,
    Unrestricted,
}

impl Saved {
    const ALL: [Saved; 11] = [
        Saved::Note,
        Saved::Assigned,
        Saved::Confirmed,
        Saved::Acknowledged,
        Saved::Investigating,
        Saved::Outcome,
        Saved::Closed,
        Saved::Held,
        Saved::Released,
        Saved::Restricted,
        Saved::Unrestricted,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Saved::Note => "note",
            Saved::Assigned => "assigned",
            Saved::Confirmed => "confirmed",
            Saved::Acknowledged => "acknowledged",
            Saved::Investigating => "investigating",
            Saved::Outcome => "outcome",
            Saved::Closed => "closed",
            Saved::Held => "held",
            Saved::Released => "released",
            Saved::Restricted => "restricted",
            Saved::Unrestricted => "unrestricted",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Saved::Note => "Note added",
            Saved::Assigned => "Handler assigned",
            Saved::Confirmed => "Your independence is confirmed: you are this case's handler",
            Saved::Acknowledged => {
                "Acknowledgement recorded. The letter is ready to print or send."
            }
            Saved::Investigating => "Investigation started",
            Saved::Outcome => "Outcome recorded. The outcome letter goes by the complainant's chosen route; the case shows the outcome sent once it has gone.",
            Saved::Closed => "Case closed. Its improvement actions are on the register.",
            Saved::Held => "Legal hold placed: retention will skip this case until it is released.",
            Saved::Released => "Legal hold released: the retention rules apply again.",
            Saved::Restricted => "Processing restricted: handlers can no longer open this case.",
            Saved::Unrestricted => "Restriction lifted.",
        }
    }

    fn parse(s: &str) -> Option<Saved> {
        Saved::ALL.into_iter().find(|k| k.id() == s)
    }
}

#[derive(Deserialize, Default)]
pub struct CaseParams {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Query(p): Query<CaseParams>,
) -> Result<Response, StaffError> {
    audit_view(&state, &user, "viewed case", &case, None).await?;
    let saved = p.saved.as_deref().and_then(Saved::parse);
    render(&state, &viewer, &user, case, vec![], saved, StatusCode::OK).await
}

/// Records that `user` looked at the case, before it is shown (see `staff::error`).
pub async fn audit_view(
    state: &AppState,
    user: &StaffUser,
    action: &str,
    case: &CaseFile,
    detail: Option<String>,
) -> Result<(), StaffError> {
    state
        .staff
        .audit(AuditEntry {
            at: Utc::now(),
            username: user.username.clone(),
            action: action.into(),
            reference: Some(case.reference),
            detail,
        })
        .await?;
    Ok(())
}

/// The handling of a case, as the domain rules see it.
pub fn handling(case: &CaseFile) -> Handling<'_> {
    Handling {
        status: case.status,
        handler: case.handler.as_deref(),
        handler_confirmed: case.handler_confirmed_at.is_some(),
    }
}

/// The case again with what was wrong with the form sent (422): nothing was changed.
pub async fn refuse(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    case: CaseFile,
    errors: Vec<FieldError>,
) -> Result<Response, StaffError> {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render(state, viewer, user, case, errors, None, status).await
}

pub async fn render(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    case: CaseFile,
    errors: Vec<FieldError>,
    saved: Option<Saved>,
    status: StatusCode,
) -> Result<Response, StaffError> {
    let handlers: Vec<Choice> = state
        .staff
        .users()
        .await?
        .into_iter()
        .filter(|u| u.role.allows(Role::Handler) && !u.disabled)
        .map(|u| {
            Choice::new(
                u.username.clone(),
                format!("{} ({})", u.display_name, u.username),
            )
        })
        .collect();
    let today = today();
    let csrf = viewer.csrf.clone();
    let me = user.username.clone();
    let role = user.role;
    let reference = case.reference.to_string();
    let compact = case.reference.compact();
    let title = format!("Case {reference}");
    let team = team_name(state, &case.team);
    let category = category_label(state, &case.category);
    let c = case.complaint.clone();
    let seen = case.version();
    let note_kinds: Vec<Choice> = NoteKind::ALL
        .iter()
        .map(|k| Choice::new(k.id(), k.label()))
        .collect();
    let body = move || {
        let action = |path: &str| format!("/staff/cases/{compact}/{path}");
        // Every form that changes the case carries the version it was filled in on.
        let csrf_field = || {
            view! {
                <input type="hidden" name="_csrf" value=csrf.clone()/>
                <input type="hidden" name="_seen" value=seen.clone()/>
            }
        };
        let row = |k: &'static str, v: String| {
            view! {
                <div class="summary-list__row"><dt class="summary-list__key">{k}</dt><dd class="summary-list__value">{v}</dd></div>
            }
        };
        let yes_no = |b: bool| if b { "Yes" } else { "No" }.to_string();
        let due = next_due(case.status, case.acknowledge_by, case.outcome_due);
        let failed = case.failed_messages().next().is_some();
        let flags = view! {
            {case.identity_check.then(|| view! { <div class="warning-text"><strong>"Check identity (or authority to act) before disclosing anything."</strong></div> })}
            {case.clarification_needed.then(|| view! { <div class="warning-text"><strong>"The scope may need clarifying with the complainant."</strong></div> })}
            {case.corporate_handover.then(|| view! { <div class="warning-text"><strong>"Also about the service: hand over to the corporate complaints procedure."</strong></div> })}
            {(!c.consents.share_with_organisation).then(|| view! { <div class="warning-text"><strong>"Do not share: the complainant declined sharing with the organisation complained about."</strong></div> })}
        };
        let handling = handling(&case);
        // What can be done next, by status.
        let waiting = |kind: MessageKind| {
            case.waiting(kind).map(|m| {
            let how = match m.route {
                Route::Email => "It is being emailed".to_string(),
                Route::Post => "It is in the print queue until someone marks it posted".to_string(),
            };
            view! {
                <p class="body">{format!("The {} is waiting to go. {how}.", m.kind.label().to_lowercase())}</p>
                {(m.route == Route::Post).then(|| view! { <p class="body"><a href="/staff/post">"Letters to post"</a></p> })}
            }
        })
        };
        let next_step = match case.status {
            Status::Received if case.waiting(MessageKind::Acknowledgement).is_some() => {
                waiting(MessageKind::Acknowledgement).into_any()
            }
            Status::Investigating if case.waiting(MessageKind::Outcome).is_some() => {
                waiting(MessageKind::Outcome).into_any()
            }
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
        let handler_text = match (&case.handler, case.handler_confirmed_at) {
            (None, _) => "Not assigned".to_string(),
            (Some(h), Some(t)) => format!("{h} (confirmed independence {})", date_time(t)),
            (Some(h), None) => format!("{h} (has not yet confirmed independence)"),
        };
        let assign_form = case.status.is_open().then(|| {
            let current = case.handler.clone().unwrap_or_else(|| me.clone());
            view! {
                <form method="post" action=action("assign") class="assign-form">
                    {csrf_field()}
                    <Select field=Field::fixed("handler", current, &errors) label="Assign to" choices=handlers.clone()/>
                    <Checkbox
                        field=Field::fixed("independent", "", &errors)
                        label=INDEPENDENCE
                        hint="Tick only when assigning yourself. Anyone else confirms on this page before they work the case."
                    />
                    <button type="submit" class="button button--secondary">"Assign"</button>
                </form>
            }
        });
        let confirm_form = may_confirm(&handling, &me).then(|| view! {
            <form method="post" action=action("confirm")>
                {csrf_field()}
                <Checkbox field=Field::fixed("confirm_independent", "", &errors) label=INDEPENDENCE/>
                <button type="submit" class="button">"Confirm and take the case"</button>
            </form>
        });
        let complainant = &c.complainant;
        let address = Some(address_lines(complainant).join(", ")).filter(|a| !a.is_empty());
        let on_behalf = {
            let label = OnBehalfOf::label_of(c.on_behalf_of.id());
            match &c.on_behalf_of {
                OnBehalfOf::Myself => label.to_string(),
                OnBehalfOf::SomeoneElse {
                    name,
                    relationship,
                    they_agreed,
                } => format!(
                    "{label}: {name} ({relationship}); {}",
                    if *they_agreed {
                        "they agreed"
                    } else {
                        "they have not agreed: check authority"
                    }
                ),
                OnBehalfOf::Mp { mp_name } => format!("{label}: {mp_name}. Copy letters to the MP"),
            }
        };
        let wanted = c
            .outcomes_wanted
            .iter()
            .map(|o| o.label())
            .collect::<Vec<_>>()
            .join("; ");
        view! {
            {saved.map(|m| view! { <div class="notification-banner notification-banner--success" role="status"><p class="notification-banner__heading">{m.message()}</p></div> })}
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <span class="caption">{case.kind.label()}</span>
            <h1 class="heading-l">"Case "<span class="case-ref">{reference.clone()}</span></h1>
            <p class="body"><span class="tag">{case.status.label()}</span>" "
                {due.map(|d| {
                    let class = match urgency(d.date(), today) { Urgency::Overdue => "tag tag--red", Urgency::DueThisWeek => "tag tag--yellow", Urgency::Later => "tag tag--grey" };
                    view! { <strong class=class>{format!("{}: {}", d.label(), due_phrase(d.date(), today))}</strong> }
                })}
            </p>
            {case.held.clone().map(|why| view! { <div class="warning-text"><strong>{format!("Legal hold: {why}. Retention skips this case until the hold is released.")}</strong></div> })}
            {case.restricted.clone().map(|why| view! { <div class="warning-text"><strong>{format!("Restricted: {why}. Only the Data Protection Officer can open this case.")}</strong></div> })}
            {flags}
            {case.review.clone().map(|why| view! { <div class="warning-text"><strong>{format!("Check this complaint was sent by a person: {why}. It was stored as usual.")}</strong></div> })}
            {failed.then(|| view! { <div class="warning-text"><strong>"A message about this case could not be sent: see the messages below, and ask the Data Protection Officer to try it again."</strong></div> })}
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
                {(role == Role::Dpo).then(|| super::records::dpo_section(&compact, &csrf, case.held.as_deref(), case.restricted.as_deref(), &errors))}
            </div>
            <h2 class="heading-m">"Deadlines"</h2>
            <dl class="summary-list">
                {row("Received", format!("{} ({}){}", long_date(case.received_on), case.channel.label(),
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
                {row("Contact by", complainant.preferred_contact.label().to_string())}
                {row("Adjustments", complainant.adjustments.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "None".into()))}
                {row("Complaining for", on_behalf)}
            </dl>
            <h2 class="heading-m">"The complaint"</h2>
            <dl class="summary-list">
                {row("About", category.clone())}
                {row("Service involved", c.service.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "Not given".into()))}
                {row("When", c.happened_when.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "Not given".into()))}
                <div class="summary-list__row"><dt class="summary-list__key">"What happened"</dt><dd class="summary-list__value prewrap">{c.description.to_string()}</dd></div>
                {c.breach_status.map(|b| row("Breach reported before", b.label().to_string()))}
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
            {case.outcome.clone().map(|o| view! {
                <h2 class="heading-m">"Outcome"</h2>
                <dl class="summary-list">
                    {row("Decision", o.category.label().to_string())}
                    <div class="summary-list__row"><dt class="summary-list__key">"Findings"</dt><dd class="summary-list__value prewrap">{o.findings.to_string()}</dd></div>
                </dl>
            })}
            {case.closure.clone().map(|cl| view! {
                <h2 class="heading-m">"Resolution"</h2>
                <p class="body prewrap">{cl.resolution.to_string()}</p>
            })}
            {(!case.actions.is_empty()).then(|| view! {
                <h2 class="heading-m">"Actions"</h2>
                <table class="table">
                    <thead><tr><th scope="col">"Kind"</th><th scope="col">"Action"</th><th scope="col">"Owner"</th><th scope="col">"Due"</th></tr></thead>
                    <tbody>
                        {case.actions.iter().map(|a| view! {
                            <tr>
                                <td class="table__cell">{a.kind.label()}</td>
                                <td class="table__cell">{a.description.clone()}</td>
                                <td class="table__cell">{a.owner.clone()}</td>
                                <td class="table__cell">{long_date(a.due_on)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <h2 class="heading-m">"Letters"</h2>
            {if case.letters.is_empty() {
                view! { <p class="body">"No letters yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="list">
                        {case.letters.iter().map(|l| {
                            let href = action(&format!("letters/{}", l.id));
                            view! { <li><a href=href>{format!("{}, {}", l.kind.label(), date_time(l.created_at))}</a></li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h2 class="heading-m">"Messages"</h2>
            {if case.messages.is_empty() {
                view! { <p class="body">"No messages."</p> }.into_any()
            } else {
                view! {
                    <ul class="list">
                        {case.messages.iter().map(|m| {
                            let how = if m.route == Route::Post { "by post" } else { "by email" };
                            let when = m.sent_at.map(|t| format!(" {}", date_time(t))).unwrap_or_default();
                            let error = m.last_error.clone().filter(|_| m.status != MessageStatus::Sent).map(|e| format!(": {e}")).unwrap_or_default();
                            view! { <li>{format!("{} {how}: {}{when}{error}", m.kind.label(), m.status.label().to_lowercase())}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h2 class="heading-m">"Notes and correspondence"</h2>
            <ul class="list notes">
                {case.notes.iter().map(|n| view! {
                    <li class="note">
                        <p class="hint">{format!("{} · {} · {}", n.kind.label(), n.author, date_time(n.at))}</p>
                        <p class="body prewrap">{n.body.clone()}</p>
                    </li>
                }).collect_view()}
            </ul>
            <form method="post" action=action("notes")>
                {csrf_field()}
                <Select
                    field=Field::fixed("kind", NoteKind::Note.id(), &errors)
                    label="Kind"
                    choices=note_kinds.clone()
                />
                <TextArea field=Field::fixed("note", "", &errors) label="Add a note, correspondence or evidence" rows=4/>
                <button type="submit" class="button button--secondary">"Add"</button>
            </form>
            <h2 class="heading-m">"History"</h2>
            <ol class="list history">
                {case.events.iter().map(|e| view! {
                    <li>{format!("{} · {}{}{}", date_time(e.at), e.event,
                        e.actor.as_ref().map(|a| format!(" · {a}")).unwrap_or_default(),
                        e.detail.as_ref().map(|d| format!(" · {d}")).unwrap_or_default())}</li>
                }).collect_view()}
            </ol>
        }
    };
    Ok(page(state, viewer, &title, status, body))
}
