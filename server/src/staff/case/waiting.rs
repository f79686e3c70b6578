//! Asking the complainant for more information (seed 004 §24; issue 26): the request and its
//! reminder, each with its letter, and the reply recorded. The outcome target stops meanwhile
//! (`app::domain::casework::waiting`); the casework service applies each step.

use super::moves::{checked, CaseForm};
use super::page::Saved;
use super::{refused_first, work, CaseRef};
use crate::casework::Command;
use crate::staff::error::StaffError;
use crate::staff::{Form, Staff, StaffUser, Viewer};
use crate::store::staff::CaseFile;
use crate::AppState;
use app::domain::casework::Move;
use app::domain::text::{limits, Lines, Text};
use app::domain::FieldError;
use app::ui::fields::{Field, TextArea};
use axum::extract::State;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

/// The request and the reminder: what is needed, in the handler's words (it goes into the
/// letter, never into the history).
fn needed_form(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    reminder: bool,
    needed: String,
    errors: Vec<FieldError>,
) -> Response {
    let no_reply = state.config.no_reply_days;
    let form = if reminder {
        CaseForm {
            state,
            viewer,
            case,
            heading: "Remind the complainant",
            intro: "No reply has come to the request for more information. The reminder letter asks again; the outcome target stays paused.",
            action: "remind",
        }
    } else {
        CaseForm {
            state,
            viewer,
            case,
            heading: "Ask the complainant for more information",
            intro: "When you need more from the complainant to understand their complaint (seed 004 §24). They get a letter by their chosen route, and the outcome target pauses until you record their reply. The acknowledgement deadline does not move.",
            action: "clarify",
        }
    };
    let button = if reminder {
        "Send the reminder"
    } else {
        "Send the request and pause the target"
    };
    form.render(errors, move |errors| {
        let field = |name, value: &str| Field::fixed(name, value, errors);
        view! {
            <TextArea field=field("needed", &needed) label="What do you need from the complainant?" hint="Say exactly what you need and why. The letter gives a date to reply by and says the complaint may be closed without a reply." rows=6/>
            <p class="body">{format!("Without a reply, the case may be ended \"no reply\" {no_reply} days after the request.")}</p>
            <button type="submit" class="button">{button}</button>
        }
    })
}

pub async fn show_clarify_form(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Result<Response, StaffError> {
    show(&state, &viewer, &user, case, false).await
}

pub async fn show_remind_form(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Result<Response, StaffError> {
    show(&state, &viewer, &user, case, true).await
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    case: CaseFile,
    reminder: bool,
) -> Result<Response, StaffError> {
    let m = if reminder {
        Move::Remind
    } else {
        Move::AskForInformation
    };
    if let Some(refusal) = refused_first(state, viewer, user, &case, m).await? {
        return Ok(refusal);
    }
    Ok(needed_form(
        state,
        viewer,
        &case,
        reminder,
        String::new(),
        vec![],
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NeededForm {
    #[serde(rename = "_seen")]
    seen: String,
    needed: String,
}

pub async fn clarify(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<NeededForm>,
) -> Result<Response, StaffError> {
    ask(&state, (&viewer, &user), case, form, false).await
}

pub async fn remind(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<NeededForm>,
) -> Result<Response, StaffError> {
    ask(&state, (&viewer, &user), case, form, true).await
}

async fn ask(
    state: &AppState,
    (viewer, user): (&Viewer, &StaffUser),
    case: CaseFile,
    form: NeededForm,
    reminder: bool,
) -> Result<Response, StaffError> {
    let needed = match checked(
        &case,
        &form.seen,
        form.needed,
        |raw| {
            let missing = "Enter what you need from the complainant";
            let label = "What you need";
            Text::required(raw, "needed", label, limits::MEDIUM, Lines::Many, missing)
                .map_err(|e| vec![e])
        },
        |raw, e| needed_form(state, viewer, &case, reminder, raw, e),
    ) {
        Ok(n) => n,
        Err(form) => return Ok(form),
    };
    let (command, saved) = if reminder {
        (Command::Remind { needed }, Saved::Reminded)
    } else {
        (Command::AskForInformation { needed }, Saved::Asked)
    };
    work(state, (viewer, user), case, &form.seen, command, saved).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyForm {
    #[serde(rename = "_seen")]
    seen: String,
}

/// The complainant answered (by letter, email or telephone): the clock runs again, the target
/// moved on by the days waited. What they said goes on the case as correspondence.
pub async fn reply(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<ReplyForm>,
) -> Result<Response, StaffError> {
    let command = Command::RecordReply;
    work(
        &state,
        (&viewer, &user),
        case,
        &form.seen,
        command,
        Saved::Replied,
    )
    .await
}
