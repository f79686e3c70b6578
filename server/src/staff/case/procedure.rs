//! The procedure beyond the straight line (SPEC.md "Ending a case", "Keeping people
//! informed"): ending a case without an outcome, progress updates with a revised date,
//! reopening a closed case for review, and marking actions done. The domain says what is
//! allowed (`casework::may`) and parses each form; the store applies a change only if the
//! case is still as the form saw it.

use super::moves::{checked, CaseForm};
use super::page::{self, Saved};
use super::{stale, work, CaseRef};
use crate::casework::{self, Command};
use crate::staff::components::today;
use crate::staff::error::StaffError;
use crate::staff::{Form, Staff, Viewer};
use crate::store::staff::CaseFile;
use crate::AppState;
use app::domain::casework::{
    date_field, ending_allowed, Ending, EndingInput, EndingRecord, FlagWork, MpContact,
    ProgressInput, ProgressUpdate,
};
use app::domain::text::{limits, Lines, Text};
use app::domain::FieldError;
use app::ui::fields::{Choice, Field, Radios, Select, TextArea, TextField};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

fn end_form(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    input: EndingInput,
    errors: Vec<FieldError>,
) -> Response {
    let endings: Vec<Choice> = Ending::ALL
        .into_iter()
        .filter(|e| ending_allowed(case.kind, *e))
        .map(|e| Choice::new(e.id(), e.label()))
        .collect();
    let mut reasons = vec![Choice::new("", "Select a reason")];
    reasons.extend(
        state
            .config
            .not_investigated_reasons
            .iter()
            .map(|r| Choice::new(r.clone(), r.clone())),
    );
    let form = CaseForm {
        state,
        viewer,
        case,
        heading: "End the case without an outcome",
        intro: "The case closes and the complainant gets a letter saying why, with their right to complain to the ICO. A closed case can be reopened for review.",
        action: "end",
    };
    form.render(errors, move |errors| {
        let field = |name, value: &str| Field::fixed(name, value, errors);
        view! {
            <Radios field=field("ending", &input.ending) legend="How does the case end?" choices=endings/>
            <TextField field=field("referred_to", &input.referred_to) label="If it is not a data protection complaint, where was it referred?" hint="For example: the housing complaints team"/>
            <Select field=field("reason", &input.reason) label="If it will not be investigated, why?" choices=reasons/>
            <TextArea field=field("note", &input.note) label="Anything else for the letter (optional)" rows=3/>
            <button type="submit" class="button">"End the case and make the letter"</button>
        }
    })
}

pub async fn show_end_form(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Response {
    end_form(&state, &viewer, &case, EndingInput::default(), vec![])
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EndForm {
    #[serde(rename = "_seen")]
    seen: String,
    ending: String,
    referred_to: String,
    reason: String,
    note: String,
}

pub async fn end(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<EndForm>,
) -> Result<Response, StaffError> {
    let input = EndingInput {
        ending: form.ending,
        referred_to: form.referred_to,
        reason: form.reason,
        note: form.note,
    };
    let reasons = &state.config.not_investigated_reasons;
    let record = match checked(
        &case,
        &form.seen,
        input,
        |i| EndingRecord::parse(i, case.kind, reasons),
        |i, e| end_form(&state, &viewer, &case, i, e),
    ) {
        Ok(r) => r,
        Err(form) => return Ok(form),
    };
    let command = Command::End(record);
    work(
        &state,
        (&viewer, &user),
        case,
        &form.seen,
        command,
        Saved::Ended,
    )
    .await
}

fn update_form(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    input: ProgressInput,
    errors: Vec<FieldError>,
) -> Response {
    let form = CaseForm {
        state,
        viewer,
        case,
        heading: "Record a progress update",
        intro: "When the outcome will take longer than the date the complainant was given, tell them what has happened, when you now expect to finish and why (seed 004 §34). This makes the update letter.",
        action: "update",
    };
    form.render(errors, move |errors| {
        let field = |name, value: &str| Field::fixed(name, value, errors);
        view! {
            <TextArea field=field("progress", &input.progress) label="What has happened so far"/>
            <TextField field=field("revised_on", &input.revised_on) label="The date you now expect to send the outcome" hint="For example, 2027-01-15" input_type="date" width="input--date"/>
            <TextArea field=field("why", &input.why) label="Why it will take longer"/>
            <button type="submit" class="button">"Record the update and make the letter"</button>
        }
    })
}

pub async fn show_update_form(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Response {
    update_form(&state, &viewer, &case, ProgressInput::default(), vec![])
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UpdateForm {
    #[serde(rename = "_seen")]
    seen: String,
    progress: String,
    revised_on: String,
    why: String,
}

pub async fn update(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<UpdateForm>,
) -> Result<Response, StaffError> {
    let input = ProgressInput {
        progress: form.progress,
        revised_on: form.revised_on,
        why: form.why,
    };
    let update = match checked(
        &case,
        &form.seen,
        input,
        |i| ProgressUpdate::parse(i, today()),
        |i, e| update_form(&state, &viewer, &case, i, e),
    ) {
        Ok(u) => u,
        Err(form) => return Ok(form),
    };
    let command = Command::UpdateProgress(update);
    work(
        &state,
        (&viewer, &user),
        case,
        &form.seen,
        command,
        Saved::Updated,
    )
    .await
}

/// A reason staff must give (a review, a reclassification), as one text of up to 1,000
/// characters over several lines.
fn required_reason(
    given: &str,
    field: &str,
    label: &str,
    missing: &str,
) -> Result<String, FieldError> {
    Text::required(given, field, label, limits::MEDIUM, Lines::Many, missing)
        .map(|t| t.as_str().to_string())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReopenForm {
    #[serde(rename = "_seen")]
    seen: String,
    review_reason: String,
}

pub async fn reopen(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<ReopenForm>,
) -> Result<Response, StaffError> {
    if form.seen != case.version() {
        return stale(&state, &viewer, &user, &case).await;
    }
    let reason = required_reason(
        &form.review_reason,
        "review_reason",
        "The reason for the review",
        "Enter why the case is being reviewed",
    );
    let command = match reason {
        Ok(reason) => Command::Reopen { reason },
        Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
    };
    work(
        &state,
        (&viewer, &user),
        case,
        &form.seen,
        command,
        Saved::Reopened,
    )
    .await
}

/// A day a thing was done: today or before, today when left empty.
fn done_day(given: &str, field: &str, label: &str, future: &str) -> Result<NaiveDate, FieldError> {
    match date_field(given, field, label)? {
        Some(d) if d <= today() => Ok(d),
        Some(_) => Err(FieldError::new(field, future)),
        None => Ok(today()),
    }
}

pub async fn action_done(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Path((_, id)): Path<(String, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, StaffError> {
    if !case.actions.iter().any(|a| a.id == id) {
        return Err(StaffError::NotFound);
    }
    let given = |name: String| form.get(&name).map(String::as_str).unwrap_or("");
    let done_on = done_day(
        given(format!("done_on_{id}")),
        "done_on",
        "The date it was done",
        "The date it was done must be today or in the past",
    );
    let note = Text::parse(
        given(format!("done_note_{id}")),
        "done_note",
        "The note",
        limits::MEDIUM,
        Lines::Many,
    );
    let command = match (done_on, note) {
        (Ok(done_on), Ok(note)) => Command::ActionDone {
            id,
            done_on,
            note: note.map(|n| n.as_str().to_string()),
        },
        (Err(e), _) | (_, Err(e)) => {
            return page::refuse(&state, &viewer, &user, case, vec![e]).await
        }
    };
    work(
        &state,
        (&viewer, &user),
        case,
        "",
        command,
        Saved::ActionDone,
    )
    .await
}

/// A breach report's person lodges a complaint after the breach outcome (004 §18): a new
/// complaint from the same answers, its deadlines from the day it was lodged, the two linked.
/// Its idempotency key comes from the report, so sending the form twice (or two people at
/// once) makes one complaint.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LodgeForm {
    lodged_on: String,
    lodged_by: String,
}

pub async fn lodge(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<LodgeForm>,
) -> Result<Response, StaffError> {
    use crate::intake::{receive, Accepted, IntakeError, Submission};
    use app::domain::complaint::Channel;
    if case.kind != app::domain::triage::CaseKind::BreachReport || case.lodged_as.is_some() {
        let e = FieldError::new(
            "",
            "Only a breach report with no complaint lodged yet can become a complaint",
        );
        return page::refuse(&state, &viewer, &user, case, vec![e]).await;
    }
    let refuse = |e: FieldError| page::refuse(&state, &viewer, &user, case.clone(), vec![e]);
    let lodged_on = match date_field(&form.lodged_on, "lodged_on", "The date it was lodged") {
        Ok(Some(d)) => d,
        Ok(None) => {
            return refuse(FieldError::new(
                "lodged_on",
                "Enter the date the complaint was lodged",
            ))
            .await
        }
        Err(e) => return refuse(e).await,
    };
    if let Err(e) = app::domain::casework::lodged_after_breach(
        lodged_on,
        case.received_on,
        today(),
        &state.config.calendar,
    ) {
        return refuse(e).await;
    }
    let Some(channel) = Channel::parse(&form.lodged_by) else {
        return refuse(FieldError::new(
            "lodged_by",
            "Select how the complaint reached us",
        ))
        .await;
    };
    let mut input = case.complaint.to_input();
    input.breach_status = Some("outcome_received".into());
    let key = {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("lodged-from:{}", case.id));
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Uuid::from_bytes(bytes)
    };
    let submission = Submission {
        mp: case.mp.clone(),
        idempotency_key: key,
        channel,
        received_on: Some(lodged_on),
        keyed_in_by: Some(user.username.clone()),
        review: None,
        // The complaint lodged from a breach report keeps the language the person used.
        lang: case.lang,
    };
    let receipt = match receive(&state, &input, submission).await {
        Ok(Accepted::Created(r)) | Ok(Accepted::AlreadyReceived(r)) => r,
        Err(IntakeError::Invalid(errors)) => return refuse(errors[0].clone()).await,
        Err(IntakeError::KeyReused { earlier }) => {
            let e = FieldError::new(
                "",
                format!("A complaint was already lodged from this report: {earlier}"),
            );
            return refuse(e).await;
        }
        Err(IntakeError::Unavailable) => {
            return Err(StaffError::Store(crate::store::StoreError::Unavailable(
                "the complaint could not be stored".into(),
            )))
        }
    };
    // Linked already means the same form sent twice (or by two people): the same complaint.
    let complaint = receipt.reference;
    let link = Command::LinkLodged { complaint };
    let _ = casework::carry_out(&state, user.actor(), &case, "", link).await?;
    Ok(axum::response::Redirect::to(&format!(
        "/staff/cases/{}?saved=lodged",
        complaint.compact()
    ))
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FlagForm {
    on: String,
    how: String,
}

/// Records work on a triage flag: identity verified (and how), clarification asked for and
/// received, the corporate hand-over made (seed 004 §23, §24, §26).
pub async fn work_flag(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Path((_, flag)): Path<(String, String)>,
    Form(form): Form<FlagForm>,
) -> Result<Response, StaffError> {
    let on = done_day(
        &form.on,
        "on",
        "The date",
        "The date must be today or in the past",
    );
    let how = (flag == "identity").then(|| {
        Text::parse(&form.how, "how", "How", limits::SHORT, Lines::One).and_then(|t| {
            t.ok_or_else(|| FieldError::new("how", "Enter how their identity was verified"))
        })
    });
    let (on, how) = match (on, how.transpose()) {
        (Ok(on), Ok(how)) => (on, how.map(|h| h.as_str().to_string())),
        (Err(e), _) | (_, Err(e)) => {
            return page::refuse(&state, &viewer, &user, case, vec![e]).await
        }
    };
    let Some(flag_work) = FlagWork::parse(&flag, on, how) else {
        return Err(StaffError::NotFound);
    };
    let command = Command::WorkFlag(flag_work);
    work(
        &state,
        (&viewer, &user),
        case,
        "",
        command,
        Saved::FlagWorked,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MpForm {
    mp_name: String,
    mp_email: String,
    mp_address: String,
}

/// Records the MP's contact details on a case made through them: every later letter is copied
/// to the MP (by email where given, else in the print queue).
pub async fn set_mp(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<MpForm>,
) -> Result<Response, StaffError> {
    let mp = MpContact::parse(&form.mp_name, &form.mp_email, &form.mp_address);
    let command = match mp {
        Ok(mp) => Command::SetMp(mp),
        Err(errors) => return page::refuse(&state, &viewer, &user, case, errors).await,
    };
    work(
        &state,
        (&viewer, &user),
        case,
        "",
        command,
        Saved::MpRecorded,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReclassifyForm {
    #[serde(rename = "_seen")]
    seen: String,
    reclassify_reason: String,
}

/// SPEC "Categories and triage": a case reclassified either way with a reason, until decided;
/// deadlines from the day it was received (a complaint's acknowledgement is due 30 days from
/// receipt, however long it was taken for a breach report).
pub async fn reclassify(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<ReclassifyForm>,
) -> Result<Response, StaffError> {
    if form.seen != case.version() {
        return stale(&state, &viewer, &user, &case).await;
    }
    let reason = required_reason(
        &form.reclassify_reason,
        "reclassify_reason",
        "The reason",
        "Enter why the case is being reclassified",
    );
    let command = match reason {
        Ok(reason) => Command::Reclassify { reason },
        Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
    };
    work(
        &state,
        (&viewer, &user),
        case,
        &form.seen,
        command,
        Saved::Reclassified,
    )
    .await
}
