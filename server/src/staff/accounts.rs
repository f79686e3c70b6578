//! For the Data Protection Officer: the audit trail and the staff accounts.

use super::components::{date_time, page};
use super::error::StaffError;
use super::Staff;
use crate::store::staff::{AuditQuery, AUDIT_PAGE_SIZE};
use crate::AppState;
use app::domain::reference::Reference;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct AuditParams {
    reference: Option<String>,
    username: Option<String>,
    before: Option<i64>,
}

pub async fn audit(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    Query(p): Query<AuditParams>,
) -> Result<Response, StaffError> {
    let reference_raw = p.reference.clone().unwrap_or_default();
    let reference = Reference::parse(&reference_raw).ok();
    let username = p.username.clone().filter(|u| !u.trim().is_empty());
    let query = AuditQuery {
        reference,
        username: username.clone(),
        before: p.before,
    };
    let rows = state.staff.audit_trail(&query).await?;
    let older = (rows.len() as u32 == AUDIT_PAGE_SIZE).then(|| {
        let last = rows.last().map(|r| r.id).unwrap_or(0);
        let mut q = format!("/staff/audit?before={last}");
        if let Some(r) = &reference {
            q.push_str(&format!("&reference={}", r.compact()));
        }
        if let Some(u) = &username {
            q.push_str(&format!(
                "&username={}",
                form_urlencoded::byte_serialize(u.as_bytes()).collect::<String>()
            ));
        }
        q
    });
    let bad_reference = !reference_raw.trim().is_empty() && reference.is_none();
    let body = move || {
        view! {
            <h1 class="heading-l">"Audit trail"</h1>
            <p class="body">"Who viewed or changed which case, and when; sign-ins and account changes. Newest first. Entries can never be changed or removed."</p>
            <form method="get" action="/staff/audit" class="filters">
                <div class="filters__item" class:form-group--error=bad_reference>
                    <label class="label" for="reference">"Case reference"</label>
                    {bad_reference.then(|| view! { <p id="reference-error" class="error-message"><span class="visually-hidden">"Error: "</span>"That is not a valid reference"</p> })}
                    <input class="input input--reference" id="reference" name="reference" type="text" value=reference_raw.clone() spellcheck="false"/>
                </div>
                <div class="filters__item">
                    <label class="label" for="username">"Username"</label>
                    <input class="input" id="username" name="username" type="text" value=username.clone().unwrap_or_default() spellcheck="false"/>
                </div>
                <button type="submit" class="button button--secondary">"Show"</button>
            </form>
            <div class="table-wrap">
                <table class="table audit">
                    <caption class="visually-hidden">"Audit entries, newest first"</caption>
                    <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Case"</th><th scope="col">"Detail"</th></tr></thead>
                    <tbody>
                        {rows.iter().map(|r| {
                            let e = &r.entry;
                            let case = e.reference.as_ref().map(|c| {
                                view! { <a href=format!("/staff/cases/{}", c.compact())>{c.to_string()}</a> }
                            });
                            view! {
                                <tr>
                                    <td class="table__cell">{date_time(e.at)}</td>
                                    <td class="table__cell">{e.username.clone()}</td>
                                    <td class="table__cell">{e.action.clone()}</td>
                                    <td class="table__cell">{case}</td>
                                    <td class="table__cell">{e.detail.clone().unwrap_or_default()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {older.map(|h| view! { <p class="body"><a href=h>"Older entries"</a></p> })}
        }
    };
    Ok(page(&state, &viewer, "Audit trail", StatusCode::OK, body))
}

pub async fn list(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
) -> Result<Response, StaffError> {
    let users = state.staff.users().await?;
    let teams: Vec<Option<String>> = users
        .iter()
        .map(|u| {
            u.team
                .as_deref()
                .map(|t| crate::staff::team_name(&state, t))
        })
        .collect();
    let csrf = viewer.csrf.clone();
    let now = Utc::now();
    let body = move || {
        view! {
            <h1 class="heading-l">"Staff accounts"</h1>
            <p class="body">"Accounts are added on the server with "<code>"server user add <username> <intake|handler|dpo> <name>"</code>", which reads the password from standard input; a team is set with "<code>"server user team <username> <team>"</code>" (with "<code>"[access] handlers_see = \"own_team\""</code>" handlers see only their team's cases)."</p>
            <table class="table">
                <thead><tr><th scope="col">"Username"</th><th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"Team"</th><th scope="col">"Sign-in"</th></tr></thead>
                <tbody>
                    {users.iter().zip(teams).map(|(u, team)| {
                        let locked = u.locked_until.filter(|t| *t > now);
                        let state_cell = if u.disabled {
                            view! { "Disabled" }.into_any()
                        } else if let Some(t) = locked {
                            let action = format!("/staff/accounts/{}/unlock", u.username);
                            view! {
                                <form method="post" action=action>
                                    <input type="hidden" name="_csrf" value=csrf.clone()/>
                                    {format!("Locked until {} ", date_time(t))}
                                    <button type="submit" class="button button--secondary button--small">{format!("Unlock {}", u.username)}</button>
                                </form>
                            }.into_any()
                        } else if u.failed_attempts > 0 {
                            view! { {format!("{} wrong password(s) since the last sign-in", u.failed_attempts)} }.into_any()
                        } else {
                            view! { "Active" }.into_any()
                        };
                        view! {
                            <tr>
                                <td class="table__cell">{u.username.clone()}</td>
                                <td class="table__cell">{u.display_name.clone()}</td>
                                <td class="table__cell">{u.role.label()}</td>
                                <td class="table__cell">{team.unwrap_or_else(|| "None set".into())}</td>
                                <td class="table__cell">{state_cell}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
    };
    Ok(page(
        &state,
        &viewer,
        "Staff accounts",
        StatusCode::OK,
        body,
    ))
}

pub async fn unlock(
    State(state): State<AppState>,
    Staff(user, _): Staff,
    Path(username): Path<String>,
) -> Result<Response, StaffError> {
    if state.staff.unlock(&username, &user.username).await? {
        state.sign_in.clear(&username);
        Ok(Redirect::to("/staff/accounts").into_response())
    } else {
        Err(StaffError::NotFound)
    }
}
