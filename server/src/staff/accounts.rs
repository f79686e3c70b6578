//! For the Data Protection Officer: the audit trail and the staff accounts.

use super::components::{date_time, page};
use super::error::StaffError;
use super::Staff;
use crate::store::staff::{AuditQuery, SignInMethod, StaffAccount, AUDIT_PAGE_SIZE};
use crate::AppState;
use app::domain::casework::{AccountChange, Role};
use app::domain::reference::Reference;
use app::domain::FieldError;
use app::ui::fields::ErrorSummary;
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
    let required = state.config.sign_in.two_step_required.clone();
    let provider = state.oidc.as_ref().map(|p| p.name().to_string());
    let body = move || {
        view! {
            <h1 class="heading-l">"Staff accounts"</h1>
            {provider.clone().map(|p| view! {
                <p class="body">{format!("Staff sign in with {p}: an account is made at someone's first sign-in, and their role and team follow {p} at every sign-in. Disabling an account here ends its sessions at once and keeps it out whatever {p} says.")}</p>
            })}
            <p class="body">"Local accounts are added on the server with "<code>"server user add <username> <intake|handler|dpo> <name>"</code>", which reads the password from standard input. Choose an account to change its role or team, disable it, or reset its two-step sign-in."</p>
            <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Staff accounts"</caption>
                <thead><tr>
                    <th scope="col">"Account"</th><th scope="col">"Role"</th><th scope="col">"Team"</th>
                    <th scope="col">"Signs in with"</th><th scope="col">"Two-step"</th>
                    <th scope="col">"Last sign-in"</th><th scope="col">"State"</th>
                </tr></thead>
                <tbody>
                    {users.iter().zip(teams).map(|(u, team)| {
                        let locked = u.locked_until.filter(|t| *t > now);
                        let state_cell = if u.disabled {
                            view! { <strong>"Disabled"</strong> }.into_any()
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
                        let href = format!("/staff/accounts/{}", u.username);
                        view! {
                            <tr>
                                <td class="table__cell"><a href=href>{u.display_name.clone()}</a><br/><span class="hint">{u.username.clone()}</span></td>
                                <td class="table__cell">{u.role.label()}</td>
                                <td class="table__cell">{team.unwrap_or_else(|| "None set".into())}</td>
                                <td class="table__cell">{sign_in_words(u, provider.as_deref())}</td>
                                <td class="table__cell">{two_step_words(u, &required)}</td>
                                <td class="table__cell">{u.last_sign_in_at.map(date_time).unwrap_or_else(|| "Never".into())}</td>
                                <td class="table__cell">{state_cell}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
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

fn sign_in_words(u: &StaffAccount, provider: Option<&str>) -> String {
    match (u.sign_in_method, u.break_glass) {
        (SignInMethod::Oidc, _) => provider.unwrap_or("Identity provider").to_string(),
        (SignInMethod::Password, true) => "Password (break-glass)".into(),
        (SignInMethod::Password, false) => "Password".into(),
    }
}

fn two_step_words(u: &StaffAccount, required: &[Role]) -> &'static str {
    match (u.sign_in_method, u.totp_secret.is_some()) {
        (SignInMethod::Oidc, _) => "By the identity provider",
        (_, true) => "Set up",
        (_, false) if required.contains(&u.role) => "Required: set up at next sign-in",
        (_, false) => "Not set up",
    }
}

/// One account, with what the DPO may change.
pub async fn show(
    State(state): State<AppState>,
    Staff(me, viewer): Staff,
    Path(username): Path<String>,
) -> Result<Response, StaffError> {
    let Some(account) = state.staff.user(&username).await? else {
        return Err(StaffError::NotFound);
    };
    Ok(account_page(
        &state,
        &viewer,
        &me,
        &account,
        vec![],
        StatusCode::OK,
    ))
}

fn account_page(
    state: &AppState,
    viewer: &super::Viewer,
    me: &super::StaffUser,
    a: &StaffAccount,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let csrf = viewer.csrf.clone();
    let provider = state.oidc.as_ref().map(|p| p.name().to_string());
    let from_provider = a.sign_in_method == SignInMethod::Oidc;
    let own = a.username == me.username;
    let action = format!("/staff/accounts/{}", a.username);
    let team_options: Vec<(String, String)> = state
        .config
        .taxonomy
        .teams
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let summary = vec![
        ("Username", a.username.clone()),
        ("Role", a.role.label().to_string()),
        (
            "Team",
            a.team
                .as_deref()
                .map(|t| crate::staff::team_name(state, t))
                .unwrap_or_else(|| "None set".into()),
        ),
        ("Signs in with", sign_in_words(a, provider.as_deref())),
        (
            "Two-step sign-in",
            two_step_words(a, &state.config.sign_in.two_step_required).to_string(),
        ),
        (
            "Last sign-in",
            a.last_sign_in_at
                .map(date_time)
                .unwrap_or_else(|| "Never".into()),
        ),
        (
            "State",
            if a.disabled { "Disabled" } else { "Active" }.to_string(),
        ),
    ];
    let a = a.clone();
    let body = move || {
        let hidden = move || view! { <input type="hidden" name="_csrf" value=csrf.clone()/> };
        let role_and_team = (!from_provider && !own).then(|| {
            let role_options = Role::ALL
                .iter()
                .map(|r| view! { <option value=r.id() selected={*r == a.role}>{r.label()}</option> })
                .collect_view();
            let team_options = team_options
                .iter()
                .map(|(id, name)| view! { <option value=id.clone() selected={a.team.as_deref() == Some(id.as_str())}>{name.clone()}</option> })
                .collect_view();
            view! {
                <h2 class="heading-m">"Role and team"</h2>
                <form method="post" action=action.clone()>
                    {hidden()}
                    <input type="hidden" name="change" value="role"/>
                    <div class="form-group">
                        <label class="label" for="role">"Role"</label>
                        <select class="select" id="role" name="role">{role_options}</select>
                    </div>
                    <button type="submit" class="button button--secondary">"Change the role"</button>
                </form>
                <form method="post" action=action.clone()>
                    {hidden()}
                    <input type="hidden" name="change" value="team"/>
                    <div class="form-group">
                        <label class="label" for="team">"Team"</label>
                        <select class="select" id="team" name="team">
                            <option value="none" selected=a.team.is_none()>"No team"</option>
                            {team_options}
                        </select>
                    </div>
                    <button type="submit" class="button button--secondary">"Change the team"</button>
                </form>
            }
        });
        let provider_note = from_provider.then(|| view! {
            <p class="body">"This person's role and team come from the identity provider at every sign-in: change them there."</p>
        });
        let two_step = (!from_provider && a.totp_secret.is_some()).then(|| view! {
            <h2 class="heading-m">"Two-step sign-in"</h2>
            <p class="body">"For a lost phone: they set it up again at their next sign-in, and every session they have open ends now."</p>
            <form method="post" action=action.clone()>
                {hidden()}
                <input type="hidden" name="change" value="reset_two_step"/>
                <button type="submit" class="button button--secondary">"Reset two-step sign-in"</button>
            </form>
        });
        let access = (!own).then(|| {
            let (change, label, hint) = if a.disabled {
                ("enable", "Enable the account", "They can sign in again.")
            } else {
                ("disable", "Disable the account", "For a leaver, or an account that may be misused: it cannot sign in, and every session it has open ends now.")
            };
            view! {
                <h2 class="heading-m">"Access"</h2>
                <p class="body">{hint}</p>
                <form method="post" action=action.clone()>
                    {hidden()}
                    <input type="hidden" name="change" value=change/>
                    <button type="submit" class=if a.disabled { "button button--secondary" } else { "button button--warning" }>{label}</button>
                </form>
                <form method="post" action=action.clone()>
                    {hidden()}
                    <input type="hidden" name="change" value="sign_out"/>
                    <button type="submit" class="button button--secondary">"End every session now"</button>
                </form>
            }
        });
        let own_note = own.then(|| view! {
            <p class="body">"This is your own account: another Data Protection Officer, or the server's command line, changes its role or access."</p>
        });
        view! {
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <p class="body"><a href="/staff/accounts">"All accounts"</a></p>
            <h1 class="heading-l">{a.display_name.clone()}</h1>
            <dl class="summary-list">
                {summary.iter().map(|(k, v)| view! {
                    <div class="summary-list__row"><dt class="summary-list__key">{*k}</dt><dd class="summary-list__value">{v.clone()}</dd></div>
                }).collect_view()}
            </dl>
            {provider_note}
            {own_note}
            {role_and_team}
            {two_step}
            {access}
        }
    };
    page(state, viewer, "Staff account", status, body)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChangeForm {
    change: String,
    role: String,
    team: String,
}

/// A change the DPO makes to an account: audited, and (but for the team) ending the
/// account's sessions at once.
pub async fn change(
    State(state): State<AppState>,
    Staff(me, viewer): Staff,
    Path(username): Path<String>,
    super::Form(form): super::Form<ChangeForm>,
) -> Result<Response, StaffError> {
    let Some(account) = state.staff.user(&username).await? else {
        return Err(StaffError::NotFound);
    };
    let refuse = |message: &str| {
        let errors = vec![FieldError::new("change", message)];
        Ok(account_page(
            &state,
            &viewer,
            &me,
            &account,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ))
    };
    // Nobody locks themselves out: another DPO, or the command line, changes their own.
    if account.username == me.username && form.change != "reset_two_step" {
        return refuse("You cannot change your own role or access");
    }
    let from_provider = account.sign_in_method == SignInMethod::Oidc;
    let change = match form.change.as_str() {
        "disable" => AccountChange::Disable,
        "enable" => AccountChange::Enable,
        "sign_out" => AccountChange::EndSessions,
        "reset_two_step" if !from_provider => AccountChange::ResetTwoStep,
        "role" if !from_provider => match Role::parse(&form.role) {
            Some(r) => AccountChange::Role(r),
            None => return refuse("Choose a role"),
        },
        "team" if !from_provider => {
            let team = (form.team != "none").then_some(form.team.as_str());
            if let Some(t) = team {
                if !state.config.taxonomy.teams.iter().any(|k| k.id == t) {
                    return refuse("Choose a team from the list");
                }
            }
            state.staff.set_team(&username, team, &me.username).await?;
            return Ok(Redirect::to(&format!("/staff/accounts/{username}")).into_response());
        }
        "role" | "team" | "reset_two_step" => {
            return refuse("This account's role, team and second step are the identity provider's")
        }
        _ => return refuse("Choose what to change"),
    };
    state
        .staff
        .change_account(&username, change, &me.username)
        .await?;
    if change == AccountChange::Enable {
        state.sign_in.clear(&username);
    }
    Ok(Redirect::to(&format!("/staff/accounts/{username}")).into_response())
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
