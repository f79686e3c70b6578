//! Working on a case without moving it on: notes, correspondence and evidence; assigning a
//! handler; the handler confirming their independence (seed 004 §30).

use super::page::{self, handling, Saved};
use super::{seen_as_it_is, settle, stale, CaseRef};
use crate::staff::error::StaffError;
use crate::staff::{Fields, Staff};
use crate::AppState;
use app::domain::casework::NoteKind;
use app::domain::casework::{may_assign, may_confirm, Assignment, Role};
use app::domain::text::{limits, Lines, Text};
use app::domain::FieldError;
use axum::extract::State;
use axum::response::Response;

pub async fn add_note(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    fields: Fields,
) -> Result<Response, StaffError> {
    let kind = NoteKind::parse(fields.get("kind")).unwrap_or(NoteKind::Note);
    let note = Text::parse(
        fields.get("note"),
        "note",
        "The note",
        limits::DESCRIPTION,
        Lines::Many,
    )
    .and_then(|t| t.ok_or_else(|| FieldError::new("note", "Enter the note")));
    let body = match note {
        Ok(t) => t,
        Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
    };
    state
        .staff
        .add_note(&case, kind, body.as_str(), &user.username)
        .await?;
    settle(
        &state,
        &viewer,
        &user,
        &case,
        crate::store::staff::Applied::Done,
        Saved::Note,
    )
    .await
}

pub async fn assign(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    fields: Fields,
) -> Result<Response, StaffError> {
    if !seen_as_it_is(&case, &fields) {
        return stale(&state, &viewer, &user, &case).await;
    }
    let candidate = fields.get("handler");
    let may_handle = state
        .staff
        .user(candidate)
        .await?
        .is_some_and(|u| u.role.allows(Role::Handler) && !u.disabled);
    let asked = Assignment {
        candidate,
        candidate_may_handle: may_handle,
        actor: &user.username,
        independence_ticked: fields.get("independent") == "yes",
    };
    let confirmed = match may_assign(case.status, &asked) {
        Ok(confirmed) => confirmed,
        Err(refusal) => {
            let errors = vec![FieldError::new(refusal.field(), refusal.message())];
            return page::refuse(&state, &viewer, &user, case, errors).await;
        }
    };
    let applied = state
        .staff
        .assign(&case, candidate, confirmed, &user.username)
        .await?;
    settle(&state, &viewer, &user, &case, applied, Saved::Assigned).await
}

pub async fn confirm(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    fields: Fields,
) -> Result<Response, StaffError> {
    if !seen_as_it_is(&case, &fields) {
        return stale(&state, &viewer, &user, &case).await;
    }
    let error = if !may_confirm(&handling(&case), &user.username) {
        // The page offered the box, but the case has moved on (or was re-assigned) since.
        Some(FieldError::new(
            "",
            "Only the assigned handler can confirm their independence, once, on an open case",
        ))
    } else if fields.get("confirm_independent") != "yes" {
        Some(FieldError::new(
            "confirm_independent",
            "Tick to confirm you have not worked on the processing this complaint is about",
        ))
    } else {
        None
    };
    if let Some(e) = error {
        return page::refuse(&state, &viewer, &user, case, vec![e]).await;
    }
    let applied = state.staff.confirm_handler(&case, &user.username).await?;
    settle(&state, &viewer, &user, &case, applied, Saved::Confirmed).await
}
