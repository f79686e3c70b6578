//! Working on a case without moving it on: notes, correspondence and evidence; assigning a
//! handler; the handler confirming their independence (seed 004 §30).

use super::page::{self, Saved};
use super::{work, CaseRef};
use crate::casework::Command;
use crate::staff::error::StaffError;
use crate::staff::{Form, Staff};
use crate::AppState;
use app::domain::casework::NoteKind;
use app::domain::text::{limits, Lines, Text};
use app::domain::FieldError;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoteForm {
    kind: String,
    note: String,
}

pub async fn add_note(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<NoteForm>,
) -> Result<Response, StaffError> {
    let kind = NoteKind::parse(&form.kind).unwrap_or(NoteKind::Note);
    let note = Text::parse(
        &form.note,
        "note",
        "The note",
        limits::DESCRIPTION,
        Lines::Many,
    )
    .and_then(|t| t.ok_or_else(|| FieldError::new("note", "Enter the note")));
    let body = match note {
        Ok(t) => t.as_str().to_string(),
        Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
    };
    let command = Command::AddNote { kind, body };
    work(&state, (&viewer, &user), case, "", command, Saved::Note).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssignForm {
    #[serde(rename = "_seen")]
    seen: String,
    handler: String,
    independent: String,
}

pub async fn assign(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<AssignForm>,
) -> Result<Response, StaffError> {
    let command = Command::Assign {
        handler: form.handler,
        independence_ticked: form.independent == "yes",
    };
    work(
        &state,
        (&viewer, &user),
        case,
        &form.seen,
        command,
        Saved::Assigned,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    #[serde(rename = "_seen")]
    seen: String,
    confirm_independent: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, StaffError> {
    let ticked = form.confirm_independent == "yes";
    let command = Command::ConfirmIndependence { ticked };
    work(
        &state,
        (&viewer, &user),
        case,
        &form.seen,
        command,
        Saved::Confirmed,
    )
    .await
}
