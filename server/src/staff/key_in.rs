//! Keying in a complaint taken by telephone, post, email, in person or social media: the
//! public form's own questions (the same components, the same domain validation), plus the
//! channel and the date it was received. The reference is shown at once, large, to read out.

use super::components::{page, team_name, today};
use super::error::StaffError;
use super::{Form, Staff, Viewer};
use crate::intake::{self, IntakeError, Submission};
use crate::pages::site_info;
use crate::store::StoreError;
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::casework::{Role, StaffIntakeInput, STAFF_CHANNELS};
use app::domain::reference::Reference;
use app::domain::FieldError;
use app::flow::{input_from_pairs, JourneyState};
use app::i18n::Lang;
use app::ui::fields::{Choice, ErrorSummary, Field, Radios, TextField};
use app::ui::form::Form as JourneyForm;
use app::ui::journey::{AboutYou, ConsentStep, OutcomeStep, WhatAbout, WhoFor};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use uuid::Uuid;

pub async fn form(State(state): State<AppState>, Staff(_, viewer): Staff) -> Response {
    let input = StaffIntakeInput {
        received_on: today().to_string(),
        ..StaffIntakeInput::default()
    };
    render(&state, &viewer, input, Lang::En, Uuid::new_v4(), vec![])
}

fn render(
    state: &AppState,
    viewer: &Viewer,
    input: StaffIntakeInput,
    lang: Lang,
    key: Uuid,
    errors: Vec<FieldError>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let site = site_info(state, Lang::En);
    let languages: Vec<Choice> = Lang::ALL
        .iter()
        .map(|l| Choice::new(l.code(), l.english_name()))
        .collect();
    let csrf = viewer.csrf.clone();
    let channels: Vec<Choice> = STAFF_CHANNELS
        .iter()
        .map(|c| Choice::new(c.id(), c.label()))
        .collect();
    let today = long_date(today());
    let body = move || {
        provide_context(site.clone());
        let journey = JourneyState {
            input: input.complaint.clone(),
            errors: errors.clone(),
            ..JourneyState::fresh(key)
        };
        provide_context(JourneyForm {
            state: RwSignal::new(journey),
            // Every conditional question shows: there is no script on staff pages.
            js: RwSignal::new(false),
            draft_notice: RwSignal::new(None),
            sending: RwSignal::new(false),
        });
        view! {
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <h1 class="heading-l">"Key in a complaint"</h1>
            <p class="body">"Ask the questions as they are written. Where the person is not sure, leave optional questions empty."</p>
            <form method="post" action="/staff/intake" novalidate class="staff-intake">
                <input type="hidden" name="_csrf" value=csrf.clone()/>
                <input type="hidden" name="_key" value=key.to_string()/>
                <h2 class="heading-m">"How it was received"</h2>
                <p class="body">{format!("Today is {today}.")}</p>
                <Radios field=Field::fixed("channel", input.channel.clone(), &errors) legend="How did the complaint reach us?" choices=channels.clone()/>
                <TextField
                    field=Field::fixed("received_on", input.received_on.clone(), &errors)
                    label="Date received"
                    hint="For a letter, the day it arrived, not the day it was written"
                    input_type="date"
                    width="input--date"
                />
                <Radios
                    field=Field::fixed("lang", lang.code(), &errors)
                    legend="Which language should our letters and emails be in?"
                    hint="Welsh if the person spoke or wrote to us in Welsh, or asked for Welsh"
                    choices=languages.clone()
                    inline=true
                />
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
    page(state, viewer, "Key in a complaint", status, body)
}

pub async fn submit(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, StaffError> {
    // As pairs: the complaint's checkbox groups send one pair a box, as the public form does.
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let input = StaffIntakeInput {
        complaint: input_from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        channel: get("channel").to_string(),
        received_on: get("received_on").to_string(),
    };
    let key = Uuid::parse_str(get("_key")).unwrap_or_else(|_| Uuid::new_v4());
    // Only the two languages exist; anything else is English, as the form shows by default.
    let lang = Lang::parse(get("lang")).unwrap_or_default();
    let (receipt, mp) = match input.parse(&state.config.taxonomy, today()) {
        Ok((receipt, _, mp)) => (receipt, mp),
        Err(errors) => return Ok(render(&state, &viewer, input, lang, key, errors)),
    };
    let submission = Submission {
        mp,
        idempotency_key: key,
        channel: receipt.channel,
        received_on: Some(receipt.received_on),
        keyed_in_by: Some(user.username.clone()),
        review: None,
        lang,
    };
    // The store writes the "keyed in" audit record with the case, in one transaction.
    match intake::receive(&state, &input.complaint, submission).await {
        Ok(accepted) => {
            let r = accepted.receipt().reference.compact();
            Ok(Redirect::to(&format!("/staff/intake/{r}")).into_response())
        }
        Err(IntakeError::Invalid(errors)) => Ok(render(&state, &viewer, input, lang, key, errors)),
        // The form was saved already and then changed (Back, edit, save): save it as a new
        // complaint only if staff say so, by sending the form again with a new key.
        Err(IntakeError::KeyReused { earlier }) => {
            let errors = vec![FieldError::new(
                "",
                format!("This form was already saved as complaint {earlier}, with other answers. Nothing more was saved. To save these answers as a new complaint, select “Save complaint” again."),
            )];
            Ok(render(&state, &viewer, input, lang, Uuid::new_v4(), errors))
        }
        Err(IntakeError::Unavailable) => Err(StaffError::Store(StoreError::Unavailable(
            "the intake could not store a keyed-in complaint".into(),
        ))),
    }
}

/// The reference to read out, just after keying in. Intake staff see only what they keyed in
/// themselves; handlers and the DPO may open any case, and each view is audited.
pub async fn receipt(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(reference): Path<String>,
) -> Result<Response, StaffError> {
    let case = receipt_case(&state, &user, &reference).await?;
    super::case::page::audit_view(&state, &user, "viewed receipt", &case, None).await?;
    receipt_page(&state, &viewer, &user, case, None).await
}

/// The case of a receipt, for whoever may see it: who keyed it in, or staff who may open it;
/// a case restricted since is the DPO's alone.
pub async fn receipt_case(
    state: &AppState,
    user: &super::StaffUser,
    reference: &str,
) -> Result<crate::store::staff::CaseFile, StaffError> {
    let reference = Reference::parse(reference).map_err(|_| StaffError::NotFound)?;
    let case = state
        .staff
        .case(&reference)
        .await?
        .ok_or(StaffError::NotFound)?;
    let keyed_by_me = case.keyed_in_by.as_deref() == Some(user.username.as_str());
    let may_see = user.role.allows(Role::Handler) && user.may_open(state.config.access, &case);
    let restricted = case.restricted.is_some() && user.role != Role::Dpo;
    if restricted || (!keyed_by_me && !may_see) {
        return Err(StaffError::NotFound);
    }
    Ok(case)
}

/// The receipt, with the files this member of staff added and a form to add one (a scanned
/// letter); `problem`: why the last file was not taken (422).
pub async fn receipt_page(
    state: &AppState,
    viewer: &super::Viewer,
    user: &super::StaffUser,
    case: crate::store::staff::CaseFile,
    problem: Option<String>,
) -> Result<Response, StaffError> {
    let reference = case.reference;
    let mine: Vec<_> = state
        .evidence_store
        .files(&reference)
        .await?
        .into_iter()
        .filter(|f| f.added_by.as_deref() == Some(user.username.as_str()))
        .collect();
    let csrf = viewer.csrf.clone();
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let spoken = reference.to_string();
    let letters: String = reference
        .compact()
        .chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let kind = case.kind.label();
    let team = team_name(state, &case.team);
    let verbal = case.channel.is_verbal();
    let can_open = user.role.allows(Role::Handler);
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
            <h2 class="heading-m">"Evidence"</h2>
            {(!mine.is_empty()).then(|| view! {
                <ul class="list">
                    {mine.iter().map(|f| {
                        let href = format!("/staff/intake/{compact}/evidence/{}", f.id);
                        view! { <li><a href=href download>{f.name.clone()}</a>{format!(" ({})", f.kind.label())}</li> }
                    }).collect_view()}
                </ul>
            })}
            {super::case::evidence_list::upload_form(
                format!("/staff/intake/{compact}/evidence"),
                csrf.clone(),
                "Add a scanned letter or other evidence",
                "PDF, JPG, PNG, HEIC, GIF, WebP, text, Word, OpenDocument text or email.",
                problem.clone(),
            )}
            <p class="body">
                {can_open.then(|| view! { <a class="button" href=format!("/staff/cases/{compact}")>"Open the case"</a>" " })}
                <a class="button button--secondary" href="/staff/intake">"Key in another complaint"</a>
            </p>
        }
    };
    Ok(page(state, viewer, "Complaint saved", status, body))
}
