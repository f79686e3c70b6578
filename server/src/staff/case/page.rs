//! The case page: every record of one case (SPEC.md "Case records"), what can be done next,
//! and the forms to do it.

use super::{sections, CaseRef};
use crate::staff::components::{category_label, date_time, page, team_name, today};
use crate::staff::error::StaffError;
use crate::staff::{Staff, StaffUser, Viewer};
use crate::store::staff::{AuditEntry, CaseFile};
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::casework::NoteKind;
use app::domain::casework::{
    due_phrase, may, may_confirm, next_due, update_due, urgency, Ending, Handling, Move, Role,
    Status, Urgency, INDEPENDENCE,
};
use app::domain::complaint::OnBehalfOf;
use app::domain::messages::{MessageKind, Route};
use app::domain::triage::CaseKind;
use app::domain::FieldError;
use app::ui::fields::{Checkbox, Choice, ErrorSummary, Field, Radios, Select, TextArea, TextField};
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
    Ended,
    Updated,
    Reopened,
    ActionDone,
    Lodged,
    Corrected,
    FlagWorked,
    MpRecorded,
    Plan,
    Measure,
    Findings,
    Reclassified,
}

impl Saved {
    const ALL: [Saved; 23] = [
        Saved::Reclassified,
        Saved::Plan,
        Saved::Measure,
        Saved::Findings,
        Saved::MpRecorded,
        Saved::FlagWorked,
        Saved::Corrected,
        Saved::Lodged,
        Saved::Ended,
        Saved::Updated,
        Saved::Reopened,
        Saved::ActionDone,
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
            Saved::Ended => "ended",
            Saved::Updated => "updated",
            Saved::Reopened => "reopened",
            Saved::ActionDone => "action_done",
            Saved::Lodged => "lodged",
            Saved::Corrected => "corrected",
            Saved::FlagWorked => "flag",
            Saved::MpRecorded => "mp",
            Saved::Plan => "plan",
            Saved::Measure => "measure",
            Saved::Findings => "findings",
            Saved::Reclassified => "reclassified",
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
            Saved::Ended => "Case closed. The closing letter goes by the complainant's chosen route.",
            Saved::Updated => "Progress update recorded. The update letter goes by the complainant's chosen route.",
            Saved::Reopened => "Case reopened for review: it is under investigation again, with a new outcome target.",
            Saved::ActionDone => "Action marked done.",
            Saved::FlagWorked => "Recorded.",
            Saved::MpRecorded => "The MP's details are recorded: letters from now on are copied to them.",
            Saved::Corrected => "Details corrected. Letters from now on use them; the history keeps what changed.",
            Saved::Plan => "Investigation plan saved.",
            Saved::Measure => "Interim measure recorded.",
            Saved::Findings => "Findings saved. The outcome form starts from them.",
            Saved::Reclassified => "Reclassified. It starts again from \"received\" as what it now is; the history and the audit trail record the change, the reason stays with the case.",
            Saved::Lodged => "The complaint lodged after the breach outcome is this new case. Its deadlines run from the day it was lodged; its acknowledgement is queued.",
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

/// Records a look at something that is not one case (a download of many), first.
pub async fn audit_plain(
    state: &AppState,
    user: &StaffUser,
    action: &str,
    detail: Option<String>,
) -> Result<(), StaffError> {
    state
        .staff
        .audit(AuditEntry {
            at: Utc::now(),
            username: user.username.clone(),
            action: action.into(),
            reference: None,
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
    let warning = state.config.update_warning_days;
    let csrf = viewer.csrf.clone();
    let me = user.username.clone();
    let role = user.role;
    let reference = case.reference.to_string();
    let compact = case.reference.compact();
    let title = format!("Case {reference}");
    let team = team_name(state, &case.team);
    let category = category_label(state, &case.category);
    let c = case.complaint.clone();
    let complainant_adjustments = c.complainant.adjustments.as_ref().map(|a| a.to_string());
    let adjust = app::domain::messages::Adjustments::of(&c.complainant);
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
        let due = next_due(
            case.kind,
            case.status,
            case.acknowledge_by,
            case.outcome_due,
        );
        let failed = case.failed_messages().next().is_some();
        let flags = sections::triage_flags(&case, &compact, &csrf, today);
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
        let allows = |m: Move| app::domain::casework::allowed(case.kind, case.status, m);
        let can_end = Ending::ALL.into_iter().any(|e| allows(Move::End(e)));
        let more = view! {
            {allows(Move::UpdateProgress).then(|| view! {
                <p class="body"><a href=action("update")>"Record a progress update"</a>" (the outcome will be later than the date given)"</p>
            })}
            {can_end.then(|| view! {
                <p class="body"><a href=action("end")>{if case.kind == CaseKind::BreachReport { "Hand to the breach procedure, or end it another way" } else { "End the case without an outcome" }}</a></p>
            })}
            // SPEC "Categories and triage": either way, with a reason, until decided.
            {app::domain::casework::reclassified(case.kind, case.status).ok().map(|to| {
                let what = to.label().to_lowercase();
                view! {
                    <form method="post" action=action("reclassify") class="reclassify-form">
                        {csrf_field()}
                        <TextArea field=Field::fixed("reclassify_reason", "", &errors) label=format!("Reclassify as a {what} because") hint=if to == CaseKind::Complaint { "For example: the person is complaining about how we handled their information, not reporting a breach. The case starts again as a complaint: its acknowledgement is due 30 days from receipt" } else { "For example: the person reports that their information was lost, stolen or disclosed and has not had the breach outcome. It goes to the breach procedure" } rows=2/>
                        <button type="submit" class="button button--secondary">{format!("Reclassify as a {what}")}</button>
                    </form>
                }
            })}
        };
        let next_step = match case.status {
            Status::Received if case.waiting(MessageKind::Acknowledgement).is_some() => {
                waiting(MessageKind::Acknowledgement).into_any()
            }
            Status::Investigating if case.waiting(MessageKind::Outcome).is_some() => {
                waiting(MessageKind::Outcome).into_any()
            }
            Status::Received | Status::Acknowledged if case.kind == CaseKind::BreachReport => view! {
                <p class="body">"A breach report is not a complaint (seed 004 §18): hand it to the breach procedure. If the person complains after the breach outcome, that complaint is a new case."</p>
            }.into_any(),
            Status::Received => view! {
                <form method="post" action=action("acknowledge")>
                    {csrf_field()}
                    <p class="body">"Record that the written acknowledgement (seed Appendix B letter) is sent. The letter is filled in for you."</p>
                    <button type="submit" class="button">"Record acknowledgement"</button>
                </form>
            }.into_any(),
            Status::Acknowledged => {
                let refusal = may(case.kind, &handling, Move::Investigate, &me, role).err();
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
            Status::Closed => view! {
                <p class="body">{match &case.ending {
                    Some(e) => format!("This case is closed: {}.", e.summary()),
                    None => "This case is closed.".to_string(),
                }}</p>
                <form method="post" action=action("reopen")>
                    {csrf_field()}
                    <TextArea field=Field::fixed("review_reason", "", &errors) label="Reopen for review because" hint="For example: the complainant asked for a review of the decision. The first outcome stays on record" rows=2/>
                    <button type="submit" class="button button--secondary">"Reopen for review"</button>
                </form>
            }.into_any(),
        };
        let channels: Vec<Choice> = app::domain::complaint::Channel::ALL
            .iter()
            .map(|c| Choice::new(c.id(), c.label()))
            .collect();
        let lodge = (case.kind == CaseKind::BreachReport && case.lodged_as.is_none()).then(|| view! {
            <h3 class="heading-s">"A complaint after the breach outcome"</h3>
            <form method="post" action=action("lodge")>
                {csrf_field()}
                <p class="body">"If the person complains about how the breach was handled after receiving its outcome, that complaint is a new case (seed 004 §18), made from this report's answers and linked to it."</p>
                <TextField field=Field::fixed("lodged_on", today.to_string(), &errors) label="Date the complaint was lodged" input_type="date" width="input--date"/>
                <Radios field=Field::fixed("lodged_by", "", &errors) legend="How did the complaint reach us?" choices=channels inline=true/>
                <button type="submit" class="button button--secondary">"Make it a complaint"</button>
            </form>
        });
        let links = view! {
            {case.lodged_as.map(|r| view! { <p class="body">"Complaint lodged after the breach outcome: "<a class="case-ref" href=format!("/staff/cases/{}", r.compact())>{r.to_string()}</a></p> })}
            {case.lodged_from.map(|r| view! { <p class="body">"Lodged after the outcome of breach report "<a class="case-ref" href=format!("/staff/cases/{}", r.compact())>{r.to_string()}</a></p> })}
        };
        let next_step = view! { {next_step} {more} {lodge} {links} };
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
            {complainant_adjustments.clone().map(|a| view! { <div class="notification-banner" role="region" aria-label="Reasonable adjustments"><p class="notification-banner__heading">{format!("Reasonable adjustments: {a}")}</p>{adjust.phone_only.then(|| view! { <p class="body">"Telephone only: ring them with what each letter says (the letters are kept on the case)."</p> })}{adjust.large_print.then(|| view! { <p class="body">"Large print: letters print in large print."</p> })}</div> })}
            {case.held.clone().map(|why| view! { <div class="warning-text"><strong>{format!("Legal hold: {why}. Retention skips this case until the hold is released.")}</strong></div> })}
            {case.restricted.clone().map(|why| view! { <div class="warning-text"><strong>{format!("Restricted: {why}. Only the Data Protection Officer can open this case.")}</strong></div> })}
            {update_due(case.kind, case.status, case.outcome_due, case.revised_due, today, warning).then(|| {
                let expected = app::domain::casework::expected_outcome(case.outcome_due, case.revised_due);
                let text = if expected < today {
                    format!("Update due: the complainant was told to expect the outcome by {}. Send a progress update with a revised date and why.", long_date(expected))
                } else {
                    format!("Update due: the complainant expects the outcome by {}. If it will be later, send a progress update with a revised date and why before then.", long_date(expected))
                };
                view! { <div class="warning-text"><strong>{text}</strong></div> }
            })}
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
                {(role == Role::Dpo).then(|| sections::records_management(&compact, &csrf, case.held.as_deref(), case.restricted.as_deref(), &errors))}
            </div>
            <h2 class="heading-m">"Deadlines"</h2>
            {(case.kind == CaseKind::BreachReport).then(|| view! { <p class="body">"A breach report is not a complaint: it has no complaint deadlines (seed 004 §18). It is handled under the breach procedure."</p> })}
            <dl class="summary-list">
                {row("Received", format!("{} ({}){}", long_date(case.received_on), case.channel.label(),
                    case.keyed_in_by.as_ref().map(|k| format!(", keyed in by {k}")).unwrap_or_default()))}
                {row("Language", match case.lang {
                    app::i18n::Lang::En => "English".to_string(),
                    app::i18n::Lang::Cy => "Welsh: the person complained in Welsh. Letters and emails go out in Welsh; write the parts you add (findings, actions, reasons) in Welsh.".to_string(),
                })}
                {(case.kind == CaseKind::Complaint).then(|| view! {
                {row("Written acknowledgement due by", match case.acknowledged_at {
                    Some(t) => format!("{}: acknowledged {}", long_date(case.acknowledge_by), date_time(t)),
                    None => format!("{}: {}", long_date(case.acknowledge_by), due_phrase(case.acknowledge_by, today)),
                })}
                {row("Outcome due by", match case.outcome_sent_at {
                    Some(t) => format!("{}: outcome sent {}", long_date(case.outcome_due), date_time(t)),
                    None => format!("{}: {}", long_date(case.outcome_due), due_phrase(case.outcome_due, today)),
                })}
                })}
                {case.revised_due.map(|d| row("Revised expected date (progress update)", format!("{}: {}", long_date(d), due_phrase(d, today))))}
                {row("Team", team.clone())}
                {case.reclassified_reason.clone().map(|r| row("Reclassified because", r))}
            </dl>
            {sections::person_and_complaint(&case, &category, &compact)}
            {(matches!(c.on_behalf_of, OnBehalfOf::Mp { .. }) || case.mp.is_some()).then(|| {
                let mp_name = case.mp.as_ref().map(|m| m.name.to_string()).unwrap_or_else(|| match &c.on_behalf_of {
                    OnBehalfOf::Mp { mp_name } => mp_name.to_string(),
                    _ => String::new(),
                });
                let mp_email = case.mp.as_ref().and_then(|m| m.email.as_ref()).map(|e| e.as_str().to_string()).unwrap_or_default();
                let mp_address = case.mp.as_ref().map(|m| m.address.join("\n")).unwrap_or_default();
                view! {
                    <h2 class="heading-m">"Through their MP"</h2>
                    {match &case.mp {
                        Some(mp) => view! { <p class="body">{format!("Letters are copied to {} by {}.", mp.name, if mp.email.is_some() { "email" } else { "post" })}</p> }.into_any(),
                        None => view! { <div class="warning-text"><strong>"Record the MP's email or postal address: letters must be copied to the MP (seed 000)."</strong></div> }.into_any(),
                    }}
                    <form method="post" action=action("mp")>
                        {csrf_field()}
                        <TextField field=Field::fixed("mp_name", mp_name, &errors) label="MP's name" autocomplete="off"/>
                        <TextField field=Field::fixed("mp_email", mp_email, &errors) label="MP's email address (optional if there is a postal address)" input_type="email" autocomplete="off"/>
                        <TextArea field=Field::fixed("mp_address", mp_address, &errors) label="MP's postal address (optional if there is an email address)" hint="One line for each part of the address" rows=3/>
                        <button type="submit" class="button button--secondary">"Save the MP's details"</button>
                    </form>
                }
            })}
            {sections::corrections(&case, role)}
            {sections::consent(&c)}
            {(case.kind == CaseKind::Complaint).then(|| sections::investigation(&case, may(case.kind, &handling, Move::RecordInvestigation, &me, role).is_ok()))}
            {sections::decisions(&case)}
            {sections::actions(&case, &compact, &csrf, today)}
            {sections::letters(&case, &compact)}
            {sections::messages(&case)}
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
            {sections::history(&case)}
        }
    };
    Ok(page(state, viewer, &title, status, body))
}
