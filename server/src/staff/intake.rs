//! Keying in a complaint taken by telephone, post, email, in person or social media: the
//! public form's own questions (the same components, the same domain validation), plus the
//! channel and the date it was received. The reference is shown at once, large, to read out.

use super::views::{self, today};
use super::{Fields, Staff};
use crate::error::ApiError;
use crate::intake::{self, Received, Submission};
use crate::pages::site_info;
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::casework::{StaffReceipt, STAFF_CHANNELS};
use app::domain::complaint::Complaint;
use app::domain::reference::Reference;
use app::domain::FieldError;
use app::journey::{input_from_pairs, JourneyState};
use app::ui::fields::{Choice, Radios, TextField};
use app::ui::journey::{AboutYou, ConsentStep, ErrorSummary, Form, OutcomeStep, WhatAbout, WhoFor};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use uuid::Uuid;

pub async fn form(State(state): State<AppState>, Staff(_, viewer): Staff) -> Response {
    let mut journey = JourneyState::fresh(Uuid::new_v4());
    journey.input.received_on = Some(today().to_string());
    render(&state, &viewer, journey, StatusCode::OK)
}

fn render(
    state: &AppState,
    viewer: &super::Viewer,
    journey: JourneyState,
    status: StatusCode,
) -> Response {
    let site = site_info(state);
    let csrf = viewer.csrf.clone();
    let key = journey.key.to_string();
    let channels: Vec<Choice> = STAFF_CHANNELS
        .iter()
        .map(|(c, label)| Choice::new(c.id(), *label))
        .collect();
    let today = long_date(today());
    let body = move || {
        provide_context(site.clone());
        provide_context(Form {
            state: RwSignal::new(journey.clone()),
            // Every conditional question shows: there is no script on staff pages.
            js: RwSignal::new(false),
            draft_notice: RwSignal::new(None),
        });
        view! {
            <ErrorSummary/>
            <h1 class="heading-l">"Key in a complaint"</h1>
            <p class="body">"Ask the questions as they are written. Where the person is not sure, leave optional questions empty."</p>
            <form method="post" action="/staff/intake" novalidate class="staff-intake">
                <input type="hidden" name="_csrf" value=csrf.clone()/>
                <input type="hidden" name="_key" value=key.clone()/>
                <h2 class="heading-m">"How it was received"</h2>
                <p class="body">{format!("Today is {today}.")}</p>
                <Radios name="channel" legend="How did the complaint reach us?".to_string() choices=channels.clone()/>
                <TextField name="received_on" label="Date received" hint="For a letter, the day it arrived, not the day it was written" input_type="date" width="input--date"/>
                <h2 class="heading-m">"About the complainant"</h2>
                <AboutYou/>
                <h2 class="heading-m">"Who the complaint is for"</h2>
                <WhoFor/>
                <h2 class="heading-m">"What the complaint is about"</h2>
                <WhatAbout/>
                <h2 class="heading-m">"What they would like to happen"</h2>
                <OutcomeStep/>
                <h2 class="heading-m">"Consent and choices"</h2>
                <p class="body">"Read these to the person and record their answers."</p>
                <ConsentStep/>
                <button type="submit" class="button">"Save complaint and get a reference"</button>
            </form>
        }
    };
    views::page(state, viewer, "Key in a complaint", status, body)
}

pub async fn submit(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    fields: Fields,
) -> Response {
    let input = input_from_pairs(fields.0.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let key = Uuid::parse_str(fields.get("_key")).unwrap_or_else(|_| Uuid::new_v4());
    let mut errors: Vec<FieldError> = Vec::new();
    let receipt = StaffReceipt::parse(
        input.channel.as_deref().unwrap_or(""),
        input.received_on.as_deref().unwrap_or(""),
        today(),
    );
    if let Err(e) = &receipt {
        errors.extend(e.iter().cloned());
    }
    if let Err(e) = Complaint::parse(&input, &state.config.taxonomy) {
        errors.extend(e);
    }
    let show_errors = |errors: Vec<FieldError>| {
        let mut journey = JourneyState::fresh(key);
        journey.input = input.clone();
        journey.errors = errors;
        render(&state, &viewer, journey, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let Ok(receipt) = receipt.and_then(|r| {
        if errors.is_empty() {
            Ok(r)
        } else {
            Err(vec![])
        }
    }) else {
        return show_errors(errors);
    };
    let submission = Submission {
        idempotency_key: key,
        channel: receipt.channel,
        received_on: Some(receipt.received_on),
        keyed_in_by: Some(user.username.clone()),
    };
    match intake::receive(&state, &input, submission).await {
        Ok(received) => {
            let r = received.receipt().reference;
            if let Received::Created(_) = received {
                let _ = state
                    .staff
                    .audit(crate::store::staff::AuditEntry {
                        at: chrono::Utc::now(),
                        username: user.username,
                        action: "keyed in a complaint".into(),
                        reference: Some(r.compact()),
                        detail: Some(format!("channel: {}", receipt.channel.id())),
                    })
                    .await;
            }
            Redirect::to(&format!("/staff/intake/{}", r.compact())).into_response()
        }
        Err(ApiError::Invalid(e)) => show_errors(e),
        Err(_) => views::unavailable(),
    }
}

pub async fn received(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(reference): Path<String>,
) -> Response {
    let Ok(reference) = Reference::parse(&reference) else {
        return views::not_found().await;
    };
    let case = match state.staff.case(&reference.compact()).await {
        Ok(Some(c)) => c,
        Ok(None) => return views::not_found().await,
        Err(_) => return views::unavailable(),
    };
    let spoken = reference.to_string();
    let letters: String = reference
        .compact()
        .chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let kind = if case.kind == "breach_report" {
        "Breach report"
    } else {
        "Complaint"
    };
    let team = state
        .config
        .taxonomy
        .team(&case.team)
        .map(|t| t.name.clone())
        .unwrap_or(case.team.clone());
    let verbal = matches!(case.channel.as_str(), "telephone" | "in_person");
    let can_open = user.role.allows(app::domain::casework::Role::Handler);
    let compact = reference.compact();
    let body = move || {
        view! {
            <div class="panel panel--confirmation">
                <h1 class="panel__title">{format!("{kind} saved")}</h1>
                <div class="panel__body">"Reference"<br/><strong class="reference reference--large">{spoken}</strong></div>
            </div>
            <p class="body">"Read it out letter by letter: "<span class="reference-spoken">{letters}</span></p>
            <dl class="summary-list">
                <div class="summary-list__row"><dt class="summary-list__key">"Received"</dt><dd class="summary-list__value">{long_date(case.received_on)}</dd></div>
                <div class="summary-list__row"><dt class="summary-list__key">"Team"</dt><dd class="summary-list__value">{team}</dd></div>
                <div class="summary-list__row"><dt class="summary-list__key">"Written acknowledgement due by"</dt><dd class="summary-list__value">{long_date(case.acknowledge_by)}</dd></div>
                <div class="summary-list__row"><dt class="summary-list__key">"Outcome due by"</dt><dd class="summary-list__value">{long_date(case.outcome_due)}</dd></div>
            </dl>
            {verbal.then(|| view! { <p class="body">"A complaint made by telephone or in person must be confirmed in writing by the date above."</p> })}
            <p class="body">
                {can_open.then(|| view! { <a class="button" href=format!("/staff/cases/{compact}")>"Open the case"</a>" " })}
                <a class="button button--secondary" href="/staff/intake">"Key in another complaint"</a>
            </p>
        }
    };
    views::page(&state, &viewer, "Complaint saved", StatusCode::OK, body)
}
