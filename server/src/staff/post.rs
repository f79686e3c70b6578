//! Letters that go by post (seed 004 §28c): the print queue at `/staff/post`, every waiting
//! letter printable in one go, and "mark as posted" per letter. A letter counts as sent only
//! once it is marked posted; an acknowledgement then makes its case acknowledged.

use super::components::{date_time, page};
use super::error::StaffError;
use super::{Staff, StaffUser};
use crate::store::outbox::{Message, MessageStatus};
use crate::store::staff::CaseFile;
use crate::AppState;
use app::domain::messages::Route;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use leptos::prelude::*;

/// A waiting letter with its case, as the queue shows it.
struct Queued {
    message: Message,
    case: CaseFile,
}

/// The letters waiting for the post that this member of staff may see.
async fn waiting(state: &AppState, user: &StaffUser) -> Result<Vec<Queued>, StaffError> {
    let messages = state
        .outbox
        .messages(Some(MessageStatus::Waiting), Some(Route::Post), 500)
        .await?;
    let mut queued = Vec::new();
    for message in messages.into_iter().rev() {
        let Some(reference) = &message.reference else {
            continue;
        };
        if let Some(case) = state.staff.case(reference).await? {
            if user.may_open(state.config.access, &case) {
                queued.push(Queued { message, case });
            }
        }
    }
    Ok(queued)
}

/// Large print when the person asked for it (SPEC: reasonable adjustments shape every letter).
pub fn large_print(case: &CaseFile) -> bool {
    app::domain::messages::Adjustments::of(&case.complaint.complainant).large_print
}

pub async fn queue(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
) -> Result<Response, StaffError> {
    let queued = waiting(&state, &user).await?;
    let csrf = viewer.csrf.clone();
    let body = move || {
        view! {
            <h1 class="heading-l">"Letters to post"</h1>
            <p class="body">"Print each letter, post it, then mark it as posted. A letter counts as sent only once it is marked posted."</p>
            {if queued.is_empty() {
                view! { <p class="body">"There are no letters waiting to be posted."</p> }.into_any()
            } else {
                view! {
                    <p class="body"><a class="button" href="/staff/post/print">{format!("Print all {} letter(s)", queued.len())}</a></p>
                    <div class="table-wrap">
                        <table class="table">
                            <caption class="visually-hidden">"Letters waiting to be posted, oldest first"</caption>
                            <thead><tr><th scope="col">"Case"</th><th scope="col">"Letter"</th><th scope="col">"To"</th><th scope="col">"Queued"</th><th scope="col">"Posted"</th></tr></thead>
                            <tbody>
                                {queued.iter().map(|q| {
                                    let m = &q.message;
                                    let reference = q.case.reference.to_string();
                                    let compact = q.case.reference.compact();
                                    let letter = m.letter_id.map(|id| format!("/staff/cases/{compact}/letters/{id}"));
                                    let large = large_print(&q.case);
                                    view! {
                                        <tr>
                                            <td class="table__cell"><a class="case-ref" href=format!("/staff/cases/{compact}")>{reference.clone()}</a></td>
                                            <td class="table__cell">
                                                {match letter {
                                                    Some(href) => view! { <a href=href>{m.kind.label()}</a> }.into_any(),
                                                    None => view! { {m.kind.label()} }.into_any(),
                                                }}
                                                {large.then(|| view! { " "<strong class="tag tag--yellow">"Large print"</strong> })}
                                            </td>
                                            <td class="table__cell">{match q.case.mp.as_ref().filter(|_| m.to_mp) {
                                                Some(mp) => format!("{} (MP; copy of the letter to {})", mp.name, q.case.complaint.complainant.full_name),
                                                None => q.case.complaint.complainant.full_name.to_string(),
                                            }}</td>
                                            <td class="table__cell">{date_time(m.created_at)}</td>
                                            <td class="table__cell">
                                                <form method="post" action=format!("/staff/post/{}/posted", m.id)>
                                                    <input type="hidden" name="_csrf" value=csrf.clone()/>
                                                    <button type="submit" class="button button--secondary button--small">
                                                        "Mark as posted"<span class="visually-hidden">{format!(" ({reference})")}</span>
                                                    </button>
                                                </form>
                                            </td>
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
    Ok(page(
        &state,
        &viewer,
        "Letters to post",
        StatusCode::OK,
        body,
    ))
}

/// Every waiting letter, one to a printed page (large print where asked).
pub async fn print_all(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
) -> Result<Response, StaffError> {
    let queued = waiting(&state, &user).await?;
    for q in &queued {
        super::case::page::audit_view(&state, &user, "printed letter", &q.case, None).await?;
    }
    let org = (*state.organisation).clone();
    let body = move || {
        view! {
            <div class="no-print">
                <a class="back-link" href="/staff/post">"Back to the letters to post"</a>
                <p class="body">"Print with your browser's Print command (Ctrl+P, or ⌘P on a Mac): each letter starts on a new page."</p>
            </div>
            {queued.iter().filter_map(|q| {
                let stored = q.case.letters.iter().find(|l| Some(l.id) == q.message.letter_id)?.clone();
                Some(super::case::letters::letter_view(&org, &q.case, &stored, large_print(&q.case), q.message.to_mp))
            }).collect_view()}
        }
    };
    Ok(page(&state, &viewer, "Print letters", StatusCode::OK, body))
}

pub async fn mark_posted(
    State(state): State<AppState>,
    Staff(user, _viewer): Staff,
    Path(id): Path<i64>,
) -> Result<Response, StaffError> {
    // Another team's letter, or a restricted case's, is not theirs to mark.
    if let Some(reference) = state.outbox.message(id).await?.and_then(|m| m.reference) {
        if let Some(case) = state.staff.case(&reference).await? {
            if !user.may_open(state.config.access, &case) {
                return Err(StaffError::NotFound);
            }
        }
    }
    if state
        .outbox
        .mark_posted(id, &user.username, Utc::now())
        .await?
    {
        Ok(Redirect::to("/staff/post").into_response())
    } else {
        // Already posted by someone else, or not a letter for the post.
        match state.outbox.message(id).await? {
            Some(_) => Ok(Redirect::to("/staff/post").into_response()),
            None => Err(StaffError::NotFound),
        }
    }
}
