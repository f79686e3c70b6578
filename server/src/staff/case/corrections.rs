//! Correcting the complainant's details and choices after intake (UK GDPR art. 16; SPEC.md
//! "Corrections and the rights of the people in the files"): the form, prefilled from the case,
//! and the change, applied only if nobody corrected the case meanwhile.

use super::moves::CaseForm;
use super::page::Saved;
use super::{work, CaseRef};
use crate::casework::Command;
use crate::staff::error::StaffError;
use crate::staff::{Form, Staff, Viewer};
use crate::store::staff::CaseFile;
use crate::AppState;
use app::domain::FieldError;
use app::ui::fields::{Choice, Field, Radios, TextArea, TextField};
use axum::extract::State;
use axum::response::Response;
use leptos::prelude::*;
use std::collections::HashMap;

fn correct_form(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    values: impl Fn(&str) -> String,
    errors: Vec<FieldError>,
) -> Response {
    let form = CaseForm {
        state,
        viewer,
        case,
        heading: "Correct the complainant's details",
        intro: "Correct what the complainant tells you is wrong, or record that they changed their mind about sharing, the survey or publication. The history keeps what changed; letters from now on use the corrected details.",
        action: "correct",
    };
    // The reason is shown back too: nothing typed is lost when something else is refused.
    let v: std::collections::HashMap<&'static str, String> = app::domain::casework::CORRECTABLE
        .iter()
        .chain(["reason"].iter())
        .map(|k| (*k, values(k)))
        .collect();
    let contact: Vec<Choice> = app::domain::complaint::ContactMethod::ALL
        .iter()
        .map(|c| Choice::new(c.id(), c.label()))
        .collect();
    form.render(errors, move |errors| {
        let field = |name: &'static str| Field::fixed(name, v.get(name).cloned().unwrap_or_default(), errors);
        view! {
            <TextField field=field("full_name") label="Full name" autocomplete="off"/>
            <TextField field=field("address_line_1") label="Building and street (optional)" autocomplete="off"/>
            <TextField field=field("address_line_2") label="Building and street, line 2 (optional)" autocomplete="off"/>
            <TextField field=field("address_town") label="Town or city (optional)" autocomplete="off" width="input--two-thirds"/>
            <TextField field=field("address_postcode") label="Postcode (optional)" autocomplete="off" width="input--date"/>
            <TextField field=field("email") label="Email address (optional)" input_type="email" autocomplete="off"/>
            <TextField field=field("phone") label="Telephone number (optional)" input_type="tel" autocomplete="off"/>
            <Radios field=field("preferred_contact") legend="How do they want us to contact them?" choices=contact/>
            <TextArea field=field("adjustments") label="Reasonable adjustments (optional)" hint="For example: large print, telephone only" rows=2/>
            <Radios field=field("consent_share") legend="May we share their name and complaint with the people or organisation complained about?" choices=app::ui::fields::yes_no() inline=true/>
            <app::ui::fields::Checkbox field=field("survey_opt_out") label="Do not invite them to the customer satisfaction survey"/>
            <app::ui::fields::Checkbox field=field("publication_opt_out") label="Do not use their case in published summaries"/>
            <TextArea field=field("reason") label="Why are the details being corrected?" hint="For example: the complainant phoned with a new address" rows=2/>
            <button type="submit" class="button">"Save the correction"</button>
        }
    })
}

pub async fn show_correct_form(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Response {
    let i = case.complaint.to_input();
    let yes = |b: Option<bool>, on: bool| {
        if b == Some(on) {
            "yes".to_string()
        } else {
            String::new()
        }
    };
    let value = |k: &str| -> String {
        match k {
            "full_name" => i.full_name.clone(),
            "address_line_1" => i.address_line_1.clone(),
            "address_line_2" => i.address_line_2.clone(),
            "address_town" => i.address_town.clone(),
            "address_postcode" => i.address_postcode.clone(),
            "email" => i.email.clone(),
            "phone" => i.phone.clone(),
            "preferred_contact" => i.preferred_contact.clone(),
            "adjustments" => i.adjustments.clone(),
            "consent_share" => i
                .consent_share
                .map(|b| if b { "yes" } else { "no" }.to_string()),
            "survey_opt_out" => Some(yes(i.survey_opt_out, true)),
            "publication_opt_out" => Some(yes(i.publication_opt_out, true)),
            _ => None,
        }
        .unwrap_or_default()
    };
    correct_form(&state, &viewer, &case, value, vec![])
}

pub async fn correct(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, StaffError> {
    let value = |k: &str| form.get(k).cloned().unwrap_or_default();
    let seen = value("_seen");
    let given = |k: &str| Some(value(k)).filter(|v| !v.is_empty());
    let parsed = if seen == case.version() {
        app::domain::casework::Correction::parse(
            &case.complaint,
            given,
            &value("reason"),
            &state.config.taxonomy,
        )
    } else {
        Err(vec![FieldError::new("", super::CHANGED_MEANWHILE)])
    };
    let command = match parsed {
        Ok(c) => Command::Correct(c),
        Err(errors) => return Ok(correct_form(&state, &viewer, &case, value, errors)),
    };
    work(
        &state,
        (&viewer, &user),
        case,
        &seen,
        command,
        Saved::Corrected,
    )
    .await
}
