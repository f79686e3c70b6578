//! The procedure beyond the straight line (SPEC.md "Ending a case", "Keeping people
//! informed"): ending a case without an outcome, progress updates with a revised date,
//! reopening a closed case for review, and marking actions done. The domain says what is
//! allowed (`casework::may`) and parses each form; the store applies a change only if the
//! case is still as the form saw it.

use super::moves::{checked, CaseForm};
use super::page::{self, handling, Saved};
use super::{seen_as_it_is, settle, stale, CaseRef};
use crate::outbox::route_for;
use crate::staff::components::today;
use crate::staff::error::StaffError;
use crate::staff::{Fields, Staff, StaffUser, Viewer};
use crate::store::staff::CaseFile;
use crate::AppState;
use app::domain::casework::{
    date_field, ending_allowed, may, review_target, Ending, EndingInput, EndingRecord, Move,
    ProgressInput, ProgressUpdate,
};
use app::domain::letter;
use app::domain::text::{limits, Lines, Text};
use app::domain::FieldError;
use app::ui::fields::{Choice, Field, Radios, Select, TextArea, TextField};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

/// The domain's refusal, shown on the case (409): nothing was changed.
pub(super) async fn refused(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    case: CaseFile,
    m: Move,
) -> Result<Option<Response>, StaffError> {
    match may(case.kind, &handling(&case), m, &user.username, user.role) {
        Ok(()) => Ok(None),
        Err(r) => {
            let errors = vec![FieldError::new("", r.message())];
            let status = StatusCode::CONFLICT;
            Ok(Some(
                page::render(state, viewer, user, case, errors, None, status).await?,
            ))
        }
    }
}

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

pub async fn end(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    fields: Fields,
) -> Result<Response, StaffError> {
    let input = EndingInput {
        ending: fields.get("ending").to_string(),
        referred_to: fields.get("referred_to").to_string(),
        reason: fields.get("reason").to_string(),
        note: fields.get("note").to_string(),
    };
    let reasons = &state.config.not_investigated_reasons;
    let record = match checked(
        &case,
        &fields,
        input,
        |i| EndingRecord::parse(i, case.kind, reasons),
        |i, e| end_form(&state, &viewer, &case, i, e),
    ) {
        Ok(r) => r,
        Err(form) => return Ok(form),
    };
    if let Some(r) = refused(
        &state,
        &viewer,
        &user,
        case.clone(),
        Move::End(record.ending),
    )
    .await?
    {
        return Ok(r);
    }
    let letter = letter::ending(
        &state.organisation,
        case.complaint.complainant.full_name.as_str(),
        &case.reference,
        case.kind,
        &record,
        &user.display_name,
        &app::i18n::Words::of(case.lang),
    );
    let applied = state
        .staff
        .end_case(&case, &record, &letter, route_for(&case), &user.username)
        .await?;
    settle(&state, &viewer, &user, &case, applied, Saved::Ended).await
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

pub async fn update(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    fields: Fields,
) -> Result<Response, StaffError> {
    let input = ProgressInput {
        progress: fields.get("progress").to_string(),
        revised_on: fields.get("revised_on").to_string(),
        why: fields.get("why").to_string(),
    };
    let update = match checked(
        &case,
        &fields,
        input,
        |i| ProgressUpdate::parse(i, today()),
        |i, e| update_form(&state, &viewer, &case, i, e),
    ) {
        Ok(u) => u,
        Err(form) => return Ok(form),
    };
    if let Some(r) = refused(&state, &viewer, &user, case.clone(), Move::UpdateProgress).await? {
        return Ok(r);
    }
    let letter = letter::progress_update(
        &state.organisation,
        case.complaint.complainant.full_name.as_str(),
        &case.reference,
        &update,
        &user.display_name,
        &app::i18n::Words::of(case.lang),
    );
    let applied = state
        .staff
        .update_progress(&case, &update, &letter, route_for(&case), &user.username)
        .await?;
    settle(&state, &viewer, &user, &case, applied, Saved::Updated).await
}

/// A reason staff must give (a review, a reclassification), as one text of up to 1,000
/// characters over several lines.
fn required_reason(
    fields: &Fields,
    field: &str,
    label: &str,
    missing: &str,
) -> Result<Text, FieldError> {
    Text::required(
        fields.get(field),
        field,
        label,
        limits::MEDIUM,
        Lines::Many,
        missing,
    )
}

pub async fn reopen(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    fields: Fields,
) -> Result<Response, StaffError> {
    if !seen_as_it_is(&case, &fields) {
        return stale(&state, &viewer, &user, &case).await;
    }
    let reason = required_reason(
        &fields,
        "review_reason",
        "The reason for the review",
        "Enter why the case is being reviewed",
    );
    let reason = match reason {
        Ok(r) => r,
        Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
    };
    if let Some(r) = refused(&state, &viewer, &user, case.clone(), Move::Reopen).await? {
        return Ok(r);
    }
    let due = review_target(today(), &state.config.calendar);
    let applied = state
        .staff
        .reopen(&case, reason.as_str(), due, &user.username)
        .await?;
    settle(&state, &viewer, &user, &case, applied, Saved::Reopened).await
}

pub async fn action_done(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Path((_, id)): Path<(String, i64)>,
    fields: Fields,
) -> Result<Response, StaffError> {
    if !case.actions.iter().any(|a| a.id == id) {
        return Err(StaffError::NotFound);
    }
    let field = format!("done_on_{id}");
    let done_on = match date_field(fields.get(&field), "done_on", "The date it was done") {
        Ok(Some(d)) if d <= today() => d,
        Ok(Some(_)) => {
            let e = FieldError::new(
                "done_on",
                "The date it was done must be today or in the past",
            );
            return page::refuse(&state, &viewer, &user, case, vec![e]).await;
        }
        Ok(None) => today(),
        Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
    };
    let note = Text::parse(
        fields.get(&format!("done_note_{id}")),
        "done_note",
        "The note",
        limits::MEDIUM,
        Lines::Many,
    );
    let note = match note {
        Ok(n) => n,
        Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
    };
    let applied = state
        .staff
        .action_done(
            &case,
            id,
            done_on,
            note.as_ref().map(|n| n.as_str()),
            &user.username,
        )
        .await?;
    settle(&state, &viewer, &user, &case, applied, Saved::ActionDone).await
}

/// A breach report's person lodges a complaint after the breach outcome (004 §18): a new
/// complaint from the same answers, its deadlines from the day it was lodged, the two linked.
/// Its idempotency key comes from the report, so sending the form twice (or two people at
/// once) makes one complaint.
pub async fn lodge(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    fields: Fields,
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
    let lodged_on = match date_field(
        fields.get("lodged_on"),
        "lodged_on",
        "The date it was lodged",
    ) {
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
    let Some(channel) = Channel::parse(fields.get("lodged_by")) else {
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
    state
        .staff
        .link_lodged(&case, &receipt.reference, &user.username)
        .await?;
    Ok(axum::response::Redirect::to(&format!(
        "/staff/cases/{}?saved=lodged",
        receipt.reference.compact()
    ))
    .into_response())
}

/// Records work on a triage flag: identity verified (and how), clarification asked for and
/// received, the corporate hand-over made (seed 004 §23, §24, §26).
pub async fn work_flag(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Path((_, flag)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, StaffError> {
    use crate::store::staff::FlagWork;
    let on = match date_field(fields.get("on"), "on", "The date") {
        Ok(Some(d)) if d <= today() => d,
        Ok(Some(_)) => {
            let e = FieldError::new("on", "The date must be today or in the past");
            return page::refuse(&state, &viewer, &user, case, vec![e]).await;
        }
        Ok(None) => today(),
        Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
    };
    let work = match flag.as_str() {
        "identity" => {
            let how = Text::parse(fields.get("how"), "how", "How", limits::SHORT, Lines::One)
                .and_then(|t| {
                    t.ok_or_else(|| FieldError::new("how", "Enter how their identity was verified"))
                });
            match how {
                Ok(how) => FlagWork::IdentityVerified {
                    on,
                    how: how.as_str().to_string(),
                },
                Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
            }
        }
        "clarification-asked" => FlagWork::ClarificationAsked { on },
        "clarification-received" => FlagWork::ClarificationReceived { on },
        "handover" => FlagWork::HandoverMade { on },
        _ => return Err(StaffError::NotFound),
    };
    let applied = state.staff.work_flag(&case, &work, &user.username).await?;
    settle(&state, &viewer, &user, &case, applied, Saved::FlagWorked).await
}

/// Records the MP's contact details on a case made through them: every later letter is copied
/// to the MP (by email where given, else in the print queue).
pub async fn set_mp(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    fields: Fields,
) -> Result<Response, StaffError> {
    let mp = app::domain::casework::MpContact::parse(
        fields.get("mp_name"),
        fields.get("mp_email"),
        fields.get("mp_address"),
    );
    let mp = match mp {
        Ok(mp) => mp,
        Err(errors) => return page::refuse(&state, &viewer, &user, case, errors).await,
    };
    let applied = state.staff.set_mp(&case, &mp, &user.username).await?;
    settle(&state, &viewer, &user, &case, applied, Saved::MpRecorded).await
}

/// SPEC "Categories and triage": a case reclassified either way with a reason, until decided;
/// deadlines from the day it was received (a complaint's acknowledgement is due 30 days from
/// receipt, however long it was taken for a breach report).
pub async fn reclassify(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    fields: Fields,
) -> Result<Response, StaffError> {
    if !seen_as_it_is(&case, &fields) {
        return stale(&state, &viewer, &user, &case).await;
    }
    let reason = required_reason(
        &fields,
        "reclassify_reason",
        "The reason",
        "Enter why the case is being reclassified",
    );
    let reason = match reason {
        Ok(r) => r,
        Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
    };
    let to = match app::domain::casework::reclassified(case.kind, case.status) {
        Ok(to) => to,
        Err(r) => {
            let errors = vec![FieldError::new("", r.message())];
            let status = StatusCode::CONFLICT;
            return page::render(&state, &viewer, &user, case, errors, None, status).await;
        }
    };
    let deadlines =
        app::domain::calendar::Deadlines::from_receipt(case.received_on, &state.config.calendar);
    let applied = state
        .staff
        .reclassify(&case, to, &deadlines, reason.as_str(), &user.username)
        .await?;
    settle(&state, &viewer, &user, &case, applied, Saved::Reclassified).await
}
