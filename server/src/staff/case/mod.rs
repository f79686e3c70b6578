//! One case, at `/staff/cases/{reference}`: the page with all its records (`page`), its
//! notes and handler (`handling`), its moves along the procedure with their letters (`moves`)
//! and the letters laid out to print (`letters`).
//!
//! Every handler takes the case through `CaseRef`, which parses the reference in the path and
//! loads the case (404 if there is none), and ends through `settle`, which answers a change
//! that someone else's change beat by showing the case as it now is.

pub mod corrections;
pub mod evidence_list;
pub mod handling;
pub mod investigation;
pub mod letters;
pub mod moves;
pub mod page;
pub mod procedure;
pub mod records;
mod sections;
pub mod waiting;
mod work;

use super::components::message_page;
use super::error::StaffError;
use super::{StaffUser, Viewer};
use crate::casework::{self, Command, Refused};
use crate::store::staff::{Applied, CaseFile};
use crate::store::StoreError;
use crate::AppState;
use app::domain::casework::Role;
use app::domain::reference::Reference;
use app::domain::FieldError;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// The case named by `{reference}` in the path.
pub struct CaseRef(pub CaseFile);

impl FromRequestParts<AppState> for CaseRef {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| StaffError::NotFound.into_response())?;
        let raw = params
            .iter()
            .find(|(k, _)| *k == "reference")
            .map(|(_, v)| v)
            .ok_or_else(|| StaffError::NotFound.into_response())?;
        let reference = Reference::parse(raw).map_err(|_| StaffError::NotFound.into_response())?;
        let user = parts
            .extensions
            .get::<Viewer>()
            .and_then(|v| v.user.clone().map(|u| (u, v.clone())));
        let fail = |e: StoreError| StaffError::from(e).into_response();
        match state.staff.case(&reference).await.map_err(fail)? {
            // Restricted: kept, but only the DPO may open it.
            Some(case)
                if case.restricted.is_some()
                    && user.as_ref().is_none_or(|(u, _)| u.role != Role::Dpo) =>
            {
                Err(message_page(
                    StatusCode::FORBIDDEN,
                    "This case is restricted",
                    "The Data Protection Officer has restricted this case: only they can open it.",
                ))
            }
            // Another team's case, where handlers see only their own (`[access]`).
            Some(case)
                if !user
                    .as_ref()
                    .is_some_and(|(u, _)| u.sees_team(state.config.access, &case.team)) =>
            {
                Err(message_page(
                    StatusCode::FORBIDDEN,
                    "This case belongs to another team",
                    "Only its own team and the Data Protection Officer can open it.",
                ))
            }
            Some(case) => Ok(CaseRef(case)),
            None => match state.retention.summary(&reference).await.map_err(fail)? {
                // Reduced to its summary: that is all there is to see, and nothing to change.
                Some(summary) => match (&parts.method, user) {
                    (&Method::GET, Some((user, viewer))) => {
                        Err(records::summary_page(state, &viewer, &user, summary)
                            .await
                            .unwrap_or_else(IntoResponse::into_response))
                    }
                    _ => Err(message_page(
                        StatusCode::GONE,
                        "Only this case's summary is kept",
                        "Its personal data has been deleted, so nothing about it can be changed.",
                    )),
                },
                None => Err(StaffError::NotFound.into_response()),
            },
        }
    }
}

/// After a change: back to the case with a confirmation banner (fixed wording: nothing
/// personal in the URL); or, if someone else changed the case first, the case as it is now.
pub async fn settle(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    case: &CaseFile,
    applied: Applied,
    saved: page::Saved,
) -> Result<Response, StaffError> {
    match applied {
        Applied::Done => Ok(Redirect::to(&format!(
            "/staff/cases/{}?saved={}",
            case.reference.compact(),
            saved.id()
        ))
        .into_response()),
        Applied::Stale => stale(state, viewer, user, case).await,
    }
}

/// Carries out `command` through the casework service and answers: back to the case with its
/// banner; the case as it now is when someone changed it first (409); the case with the
/// procedure's refusal (409) or the form's mistakes (422). Nothing is changed on a refusal.
pub async fn work(
    state: &AppState,
    (viewer, user): (&Viewer, &StaffUser),
    case: CaseFile,
    seen: &str,
    command: Command,
    saved: page::Saved,
) -> Result<Response, StaffError> {
    match casework::carry_out(state, user.actor(), &case, seen, command).await? {
        Ok(()) => settle(state, viewer, user, &case, Applied::Done, saved).await,
        Err(Refused::Changed) => stale(state, viewer, user, &case).await,
        Err(Refused::Rule(e)) => {
            let status = StatusCode::CONFLICT;
            page::render(state, viewer, user, case, vec![e], None, status).await
        }
        Err(Refused::Invalid(errors)) => page::refuse(state, viewer, user, case, errors).await,
    }
}

/// The case with the procedure's refusal (409) when move `m` cannot be made now, so its form
/// is not offered at all: nobody types a whole letter only to be refused (issue 26).
pub async fn refused_first(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    case: &CaseFile,
    m: app::domain::casework::Move,
) -> Result<Option<Response>, StaffError> {
    match casework::refusal(state, user.actor(), case, m) {
        Some(e) => {
            let status = StatusCode::CONFLICT;
            let page = page::render(state, viewer, user, case.clone(), vec![e], None, status);
            Ok(Some(page.await?))
        }
        None => Ok(None),
    }
}

pub const CHANGED_MEANWHILE: &str = "Someone else changed this case while you were looking at it. Nothing was changed: check the case as it is now.";

/// Someone else changed the case first: the case as it is now, saying so (409).
pub async fn stale(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    case: &CaseFile,
) -> Result<Response, StaffError> {
    let now = state
        .staff
        .case(&case.reference)
        .await?
        .ok_or(StaffError::NotFound)?;
    let errors = vec![FieldError::new("", CHANGED_MEANWHILE)];
    page::render(state, viewer, user, now, errors, None, StatusCode::CONFLICT).await
}
