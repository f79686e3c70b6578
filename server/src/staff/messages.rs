//! For the DPO: every message the service sends, at `/staff/messages`: waiting, failed and
//! sent, with the last error; a failed or stuck one can be tried again or cancelled. Says
//! plainly when email is not configured (the file transport keeps emails on this machine).

use super::components::{date_time, page};
use super::error::StaffError;
use super::Staff;
use crate::store::outbox::MessageStatus;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct MessagesParams {
    status: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    Query(p): Query<MessagesParams>,
) -> Result<Response, StaffError> {
    let status = p.status.as_deref().and_then(MessageStatus::parse);
    let messages = state.outbox.messages(status, None, 200).await?;
    let provider = state.mailer.describe();
    let delivers = state.mailer.delivers();
    let csrf = viewer.csrf.clone();
    let body = move || {
        let selected = |s: &str| status.map(|x| x.id()) == Some(s);
        view! {
            <h1 class="heading-l">"Messages"</h1>
            {if delivers {
                view! { <p class="body">{format!("Email goes through {provider}.")}</p> }.into_any()
            } else {
                view! {
                    <div class="warning-text"><strong>{format!("Email is {provider}. Nobody receives them: configure GOV.UK Notify or an SMTP relay (see the README).")}</strong></div>
                }.into_any()
            }}
            <form method="get" action="/staff/messages" class="filters">
                <div class="filters__item">
                    <label class="label" for="status">"Status"</label>
                    <select class="select" id="status" name="status">
                        <option value="">"All"</option>
                        {MessageStatus::ALL.iter().map(|s| view! { <option value=s.id() selected=selected(s.id())>{s.label()}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button button--secondary">"Show"</button>
            </form>
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">"Messages, newest first"</caption>
                    <thead><tr><th scope="col">"Message"</th><th scope="col">"Case or team"</th><th scope="col">"How"</th><th scope="col">"Status"</th><th scope="col">"Tries"</th><th scope="col">"Last error"</th><th scope="col">"Action"</th></tr></thead>
                    <tbody>
                        {messages.iter().map(|m| {
                            let about = match (&m.reference, &m.team) {
                                (Some(r), _) => view! { <a class="case-ref" href=format!("/staff/cases/{}", r.compact())>{r.to_string()}</a> }.into_any(),
                                (None, Some(t)) => view! { {t.clone()} }.into_any(),
                                (None, None) => view! { "" }.into_any(),
                            };
                            let tag = match m.status {
                                MessageStatus::Failed => "tag tag--red",
                                MessageStatus::Waiting => "tag tag--yellow",
                                _ => "tag",
                            };
                            let when = m.sent_at.map(|t| format!(" {}", date_time(t))).unwrap_or_default();
                            let open = matches!(m.status, MessageStatus::Waiting | MessageStatus::Failed);
                            let id = m.id;
                            view! {
                                <tr>
                                    <td class="table__cell">{m.kind.label()}<br/><span class="hint">{format!("queued {}", date_time(m.created_at))}</span></td>
                                    <td class="table__cell">{about}</td>
                                    <td class="table__cell">{if m.route == app::domain::messages::Route::Post { "Post" } else { "Email" }}</td>
                                    <td class="table__cell"><strong class=tag>{m.status.label()}</strong>{when}</td>
                                    <td class="table__cell">{m.attempts}</td>
                                    <td class="table__cell">{m.last_error.clone().unwrap_or_default()}</td>
                                    <td class="table__cell">
                                        {open.then(|| view! {
                                            <form method="post" action=format!("/staff/messages/{id}/retry") class="button-form">
                                                <input type="hidden" name="_csrf" value=csrf.clone()/>
                                                <button type="submit" class="button button--secondary button--small">"Try again"<span class="visually-hidden">{format!(" message {id}")}</span></button>
                                            </form>
                                            <form method="post" action=format!("/staff/messages/{id}/cancel") class="button-form">
                                                <input type="hidden" name="_csrf" value=csrf.clone()/>
                                                <button type="submit" class="button button--warning button--small">"Cancel"<span class="visually-hidden">{format!(" message {id}")}</span></button>
                                            </form>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    };
    Ok(page(&state, &viewer, "Messages", StatusCode::OK, body))
}

pub async fn retry(
    State(state): State<AppState>,
    Staff(user, _): Staff,
    Path(id): Path<i64>,
) -> Result<Response, StaffError> {
    let changed = state.outbox.retry_now(id, &user.username).await?;
    back_to_list(&state, id, changed).await
}

pub async fn cancel(
    State(state): State<AppState>,
    Staff(user, _): Staff,
    Path(id): Path<i64>,
) -> Result<Response, StaffError> {
    let changed = state.outbox.cancel(id, &user.username).await?;
    back_to_list(&state, id, changed).await
}

/// Back to the list (a message already sent is left as it is); 404 for no such message.
async fn back_to_list(state: &AppState, id: i64, changed: bool) -> Result<Response, StaffError> {
    if !changed && state.outbox.message(id).await?.is_none() {
        return Err(StaffError::NotFound);
    }
    Ok(Redirect::to("/staff/messages").into_response())
}
