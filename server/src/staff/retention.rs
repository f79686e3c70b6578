//! For the DPO, at `/staff/retention`: the retention rules in force, what they will reduce or
//! delete in the next 30 days, the cases under a legal hold, and the record of every run;
//! and a button to run retention now.

use super::components::{date_time, page, today};
use super::error::StaffError;
use super::Staff;
use crate::retention::{forecast, run, Ran};
use crate::store::retention::Trigger;
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::retention::period;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct RetentionParams {
    ran: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    Query(p): Query<RetentionParams>,
) -> Result<Response, StaffError> {
    let policy = state.config.retention.policy.clone();
    let today = today();
    let candidates = state.retention.candidates().await?;
    let due = forecast(&policy, &candidates, today + chrono::Days::new(30));
    let holds = state.retention.holds().await?;
    let runs = state.retention.runs(50).await?;
    let every = state.config.retention.every.as_secs() / 60;
    let csrf = viewer.csrf.clone();
    let banner = match p.ran.as_deref() {
        Some("done") => Some("Retention has run: see the latest run below."),
        Some("busy") => Some("Another retention run was under way, so this one did not start. Try again in a few minutes."),
        _ => None,
    };
    let body = move || {
        let rule = |what: &'static str, how: String| {
            view! { <tr><td class="table__cell">{what}</td><td class="table__cell">{how}</td></tr> }
        };
        view! {
            {banner.map(|b| view! { <div class="notification-banner notification-banner--success" role="status"><p class="notification-banner__heading">{b}</p></div> })}
            <h1 class="heading-l">"Retention"</h1>
            <p class="body">{format!("Retention runs every {} in the server (one instance does each run), and with `server retention run`.", period_minutes(every))}</p>
            <form method="post" action="/staff/retention/run">
                <input type="hidden" name="_csrf" value=csrf/>
                <button type="submit" class="button button--secondary">"Run retention now"</button>
            </form>
            <h2 class="heading-m">"The rules"</h2>
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">"Retention rules in force"</caption>
                    <thead><tr><th scope="col">"What"</th><th scope="col">"Kept for"</th></tr></thead>
                    <tbody>
                        {rule("A case file (the complaint, contact details, notes, letters, messages)", format!("{} after the decision (outcome sent, or closed without one), then reduced to its summary", period(policy.case_file_months)))}
                        {rule("The summary of a case", if policy.keep_personal_summary {
                            "Permanently: reference, dates, team, category, kind, channel, outcome, deadlines met; and the complainant's name and address, the service complained about, the outcome summary and the outcome letter".to_string()
                        } else {
                            "Permanently: reference, dates, team, category, kind, channel, outcome, deadlines met (no personal data)".to_string()
                        })}
                        {rule("Officers' names gathered in casework (action owners)", format!("{} after the case is closed", period(policy.officer_contact_months)))}
                        {rule("Records that stop a complaint being stored twice", format!("{} days (a repeat after that is stored as a new complaint)", policy.idempotency_days))}
                        {rule("Staff sign-in sessions", "Until they expire (30 minutes without use)".to_string())}
                        {rule("The audit trail", format!("{} years", policy.audit_years))}
                        {rule("Unsent drafts of the online form", "30 days from the start, on the person's own device only".to_string())}
                    </tbody>
                </table>
            </div>
            <h2 class="heading-m">"Due in the next 30 days"</h2>
            {if due.is_empty() {
                view! { <p class="body">"Nothing is due."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <caption class="visually-hidden">"Cases the rules will act on in the next 30 days"</caption>
                            <thead><tr><th scope="col">"On"</th><th scope="col">"Case"</th><th scope="col">"What"</th></tr></thead>
                            <tbody>
                                {due.iter().map(|(on, r, step)| view! {
                                    <tr>
                                        <td class="table__cell">{if *on <= today { format!("{} (at the next run)", long_date(*on)) } else { long_date(*on) }}</td>
                                        <td class="table__cell"><a class="case-ref" href=format!("/staff/cases/{}", r.compact())>{r.to_string()}</a></td>
                                        <td class="table__cell">{step.label()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <h2 class="heading-m">"Legal holds"</h2>
            {if holds.is_empty() {
                view! { <p class="body">"No case is held."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <caption class="visually-hidden">"Cases under a legal hold"</caption>
                            <thead><tr><th scope="col">"Case"</th><th scope="col">"Why"</th><th scope="col">"Since"</th><th scope="col">"By"</th></tr></thead>
                            <tbody>
                                {holds.iter().map(|h| view! {
                                    <tr>
                                        <td class="table__cell"><a class="case-ref" href=format!("/staff/cases/{}", h.reference.compact())>{h.reference.to_string()}</a></td>
                                        <td class="table__cell">{h.reason.clone()}</td>
                                        <td class="table__cell">{date_time(h.at)}</td>
                                        <td class="table__cell">{h.by.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <h2 class="heading-m">"Runs"</h2>
            {if runs.is_empty() {
                view! { <p class="body">"Retention has not run yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <caption class="visually-hidden">"Retention runs, newest first"</caption>
                            <thead><tr><th scope="col">"Started"</th><th scope="col">"How"</th><th scope="col">"Cases reduced"</th><th scope="col">"Officers' names removed"</th><th scope="col">"Deleted"</th><th scope="col">"Held, skipped"</th><th scope="col">"Result"</th></tr></thead>
                            <tbody>
                                {runs.iter().map(|r| {
                                    let c = r.counts;
                                    let deleted = format!(
                                        "{} notes, {} letters, {} messages, {} idempotency records, {} sessions, {} audit entries",
                                        c.notes_deleted, c.letters_deleted, c.messages_deleted, c.idempotency_deleted, c.sessions_deleted, c.audit_deleted
                                    );
                                    let result = match (&r.error, r.finished_at) {
                                        (Some(e), _) => format!("Failed: {e}"),
                                        (None, Some(t)) => format!("Finished {}", date_time(t)),
                                        (None, None) => "Running".to_string(),
                                    };
                                    view! {
                                        <tr>
                                            <td class="table__cell">{date_time(r.started_at)}</td>
                                            <td class="table__cell">{r.trigger.label()}</td>
                                            <td class="table__cell">{c.cases_reduced}</td>
                                            <td class="table__cell">{c.officers_removed}</td>
                                            <td class="table__cell">{deleted}</td>
                                            <td class="table__cell">{c.held_skipped}</td>
                                            <td class="table__cell">{result}</td>
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
    Ok(page(&state, &viewer, "Retention", StatusCode::OK, body))
}

fn period_minutes(minutes: u64) -> String {
    match minutes {
        60 => "hour".into(),
        m if m % 60 == 0 => format!("{} hours", m / 60),
        1 => "minute".into(),
        m => format!("{m} minutes"),
    }
}

pub async fn run_now(
    State(state): State<AppState>,
    Staff(user, _): Staff,
) -> Result<Response, StaffError> {
    let instance = format!("staff-{}", user.username);
    let ran = run(
        state.retention.as_ref(),
        &state.config.retention.policy,
        Utc::now(),
        Trigger::Staff,
        None,
        &instance,
    )
    .await?;
    let to = match ran {
        Ran::Done(_) => "/staff/retention?ran=done",
        Ran::Busy => "/staff/retention?ran=busy",
    };
    Ok(Redirect::to(to).into_response())
}
