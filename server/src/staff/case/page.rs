//! The case page: every record of one case (SPEC.md "Case records"), what can be done next,
//! and the forms to do it.

use super::{sections, work, CaseRef};
use crate::staff::components::{category_label, date_time, page, team_name, today};
use crate::staff::error::StaffError;
use crate::staff::{Staff, StaffUser, Viewer};
use crate::store::staff::{AuditEntry, CaseFile};
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::casework::NoteKind;
use app::domain::casework::{due_phrase, may, next_due, urgency, Move, Role, Urgency};
use app::domain::triage::CaseKind;
use app::domain::FieldError;
use app::ui::fields::{Choice, ErrorSummary, Field, Select, TextArea};
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
    Evidence,
    Asked,
    Reminded,
    Replied,
}

impl Saved {
    const ALL: [Saved; 27] = [
        Saved::Asked,
        Saved::Reminded,
        Saved::Replied,
        Saved::Evidence,
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
            Saved::Evidence => "evidence",
            Saved::Asked => "asked",
            Saved::Reminded => "reminded",
            Saved::Replied => "replied",
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
            Saved::Evidence => "File added to the case's evidence.",
            Saved::Asked => "Request for more information recorded. The letter goes by the complainant's chosen route; the outcome target is paused until you record their reply.",
            Saved::Reminded => "Reminder recorded. The letter goes by the complainant's chosen route.",
            Saved::Replied => "Reply recorded. The outcome target runs again, moved on by the days waited.",
            Saved::Lodged => "The complaint lodged after the breach outcome is this new case. Its deadlines run from the day it was lodged; its acknowledgement is queued.",
        }
    }

    /// The banner for this case: a complainant who asked for telephone only is rung, not
    /// written to (issue 26 found "ready to print or send" for them).
    fn message_for(self, case: &CaseFile) -> String {
        let phone_only =
            app::domain::messages::Adjustments::of(&case.complaint.complainant).phone_only;
        match self {
            Saved::Acknowledged if phone_only => format!(
                "Acknowledgement recorded. {} asked for telephone only: ring them to say we have their complaint, its reference {}, that we received it on {}, and that we will tell them the outcome by {}. The letter is kept on the case.",
                case.complaint.complainant.full_name,
                case.reference,
                long_date(case.received_on),
                long_date(case.outcome_due)
            ),
            _ => self.message().to_string(),
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
pub use crate::casework::handling;

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

/// The case again with a refused file (422): nothing was stored.
pub async fn render_with_evidence_problem(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    case: CaseFile,
    problem: String,
) -> Result<Response, StaffError> {
    let errors = vec![FieldError::new("file", problem.clone())];
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render_in_full(
        state,
        viewer,
        user,
        case,
        errors,
        None,
        status,
        Some(problem),
    )
    .await
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
    render_in_full(state, viewer, user, case, errors, saved, status, None).await
}

/// The case's files, and the scanner's refusals on it for the DPO.
async fn evidence_of(
    state: &AppState,
    user: &StaffUser,
    case: &CaseFile,
) -> Result<
    (
        Vec<crate::store::evidence::StoredFile>,
        Vec<crate::store::evidence::ScanRefusal>,
    ),
    StaffError,
> {
    let files = state.evidence_store.files(&case.reference).await?;
    let refused = if user.role == Role::Dpo {
        let all = state.evidence_store.refusals().await?;
        all.into_iter()
            .filter(|r| r.reference == Some(case.reference))
            .collect()
    } else {
        vec![]
    };
    Ok((files, refused))
}

/// The case as staff read it: people by their full names wherever it names one (issue 26),
/// usernames staying only where accounts are administered; and its handler's name.
fn with_names(
    mut case: CaseFile,
    users: &[crate::store::staff::StaffAccount],
) -> (CaseFile, Option<String>) {
    let names: std::collections::HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.username.as_str(), u.display_name.as_str()))
        .collect();
    let name_of = |u: &str| {
        names
            .get(u)
            .map_or_else(|| u.to_string(), |n| n.to_string())
    };
    for e in &mut case.events {
        e.actor = e.actor.as_deref().map(name_of);
    }
    for n in &mut case.notes {
        n.author = name_of(&n.author);
    }
    for u in &mut case.updates {
        u.author = name_of(&u.author);
    }
    let handler_name = case.handler.as_deref().map(name_of);
    (case, handler_name)
}

#[allow(clippy::too_many_arguments)]
async fn render_in_full(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    case: CaseFile,
    errors: Vec<FieldError>,
    saved: Option<Saved>,
    status: StatusCode,
    file_problem: Option<String>,
) -> Result<Response, StaffError> {
    let (files, refused) = evidence_of(state, user, &case).await?;
    let scanned = state.evidence.scanner.is_some();
    let users = state.staff.users().await?;
    let (case, handler_name) = with_names(case, &users);
    let handlers = crate::staff::register_bulk::handler_choices(&users);
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
        let handling = handling(&case);
        let forms = work::Forms {
            compact: &compact,
            csrf: &csrf,
            seen: &seen,
            errors: &errors,
        };
        let next_step = work::next_steps(
            &case,
            &forms,
            &handling,
            &me,
            role,
            today,
            state.config.no_reply_days,
        );
        view! {
            {saved.map(|m| view! { <div class="notification-banner notification-banner--success" role="status"><p class="notification-banner__heading">{m.message_for(&case)}</p></div> })}
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <span class="caption">{case.kind.label()}</span>
            <h1 class="heading-l">"Case "<span class="case-ref">{reference.clone()}</span></h1>
            <p class="body"><span class="tag">{case.status.label()}</span>" "
                {due.map(|d| {
                    let class = match urgency(d.date(), today) { Urgency::Overdue => "tag tag--red", Urgency::DueThisWeek => "tag tag--yellow", Urgency::Later => "tag tag--grey" };
                    view! { <strong class=class>{format!("{}: {}", d.label(), due_phrase(d.date(), today))}</strong> }
                })}
            </p>
            {sections::notices(&case, today, warning, &compact, &csrf)}
            <div class="case-grid">
                <section class="case-section" aria-labelledby="next-heading">
                    <h2 id="next-heading" class="heading-m">"Next step"</h2>
                    {next_step}
                </section>
                {work::handler(&case, &forms, &handling, &me, handlers.clone(), handler_name.clone())}
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
            {work::mp(&case, &forms)}
            {sections::corrections(&case, role)}
            {sections::consent(&c)}
            {(case.kind == CaseKind::Complaint).then(|| sections::investigation(&case, may(case.kind, &handling, Move::RecordInvestigation, &me, role).is_ok()))}
            {sections::decisions(&case)}
            {sections::actions(&case, &compact, &csrf, today)}
            {sections::letters(&case, &compact)}
            {sections::messages(&case)}
            {super::evidence_list::section(files, refused, compact.clone(), csrf.clone(), scanned, file_problem)}
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
