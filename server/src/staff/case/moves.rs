//! Moving a case along the procedure (seed 004 §27–§45): acknowledged (Appendix B letter),
//! investigating, outcome sent (Appendix C letter, remedial actions), closed (resolution and
//! improvement actions). The domain says which moves are allowed (`casework::may`); the
//! store applies one only if the case has not changed meanwhile.

use super::page::Saved;
use super::{refused_first, work, CaseRef, CHANGED_MEANWHILE};
use crate::casework::Command;
use crate::staff::components::{action_fields, page as staff_page, today};
use crate::staff::error::StaffError;
use crate::staff::{Form, Staff, Viewer};
use crate::store::staff::CaseFile;
use crate::AppState;
use app::domain::casework::{
    ActionInput, ActionKind, ActionPart, Closure, ClosureInput, Move, Outcome, OutcomeCategory,
    OutcomeInput, ACTION_ROWS,
};
use app::domain::FieldError;
use app::ui::fields::{Choice, ErrorSummary, Field, Radios, TextArea};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SeenForm {
    #[serde(rename = "_seen")]
    pub seen: String,
}

pub async fn acknowledge(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<SeenForm>,
) -> Result<Response, StaffError> {
    let (command, saved) = (Command::Acknowledge, Saved::Acknowledged);
    work(&state, (&viewer, &user), case, &form.seen, command, saved).await
}

pub async fn investigate(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<SeenForm>,
) -> Result<Response, StaffError> {
    let (command, saved) = (Command::Investigate, Saved::Investigating);
    work(&state, (&viewer, &user), case, &form.seen, command, saved).await
}

/// The page around a form about one case: back link, problems, the case's reference, heading.
pub(super) struct CaseForm<'a> {
    pub state: &'a AppState,
    pub viewer: &'a Viewer,
    pub case: &'a CaseFile,
    pub heading: &'static str,
    pub intro: &'static str,
    /// The last part of the form's address: `/staff/cases/{reference}/{action}`.
    pub action: &'static str,
}

impl CaseForm<'_> {
    pub(super) fn render<V: IntoView + 'static>(
        self,
        errors: Vec<FieldError>,
        fields: impl FnOnce(&[FieldError]) -> V,
    ) -> Response {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else if errors.iter().any(|e| e.message == CHANGED_MEANWHILE) {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let csrf = self.viewer.csrf.clone();
        let seen = self.case.version();
        let compact = self.case.reference.compact();
        let reference = self.case.reference.to_string();
        let (heading, intro, action) = (self.heading, self.intro, self.action);
        let body = move || {
            let fields = fields(&errors);
            view! {
                <a class="back-link" href=format!("/staff/cases/{compact}")>"Back to the case"</a>
                <ErrorSummary errors=Signal::stored(errors.clone())/>
                <span class="caption">{format!("Case {reference}")}</span>
                <h1 class="heading-l">{heading}</h1>
                <p class="body">{intro}</p>
                <form method="post" action=format!("/staff/cases/{compact}/{action}") novalidate>
                    <input type="hidden" name="_csrf" value=csrf/>
                    <input type="hidden" name="_seen" value=seen/>
                    {fields}
                </form>
            }
        };
        staff_page(self.state, self.viewer, heading, status, body)
    }
}

/// A form about the case, sent back: parsed into what it records, or shown again with
/// everything typed (so nothing is lost) when the case changed meanwhile or a rule is broken.
pub(super) fn checked<I, T>(
    case: &CaseFile,
    seen: &str,
    input: I,
    parse: impl FnOnce(&I) -> Result<T, Vec<FieldError>>,
    form: impl FnOnce(I, Vec<FieldError>) -> Response,
) -> Result<T, Response> {
    if seen != case.version() {
        return Err(form(input, vec![FieldError::new("", CHANGED_MEANWHILE)]));
    }
    parse(&input).map_err(|errors| form(input, errors))
}

/// A form with rows of actions (`remedial_1_description`, …), beside its other fields.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WithActions<T> {
    #[serde(rename = "_seen")]
    seen: String,
    #[serde(flatten)]
    form: T,
    #[serde(flatten)]
    rows: HashMap<String, String>,
}

impl<T> WithActions<T> {
    fn actions(&self, kind: ActionKind) -> Vec<ActionInput> {
        let get = |n, part| {
            self.rows
                .get(kind.field(n, part))
                .cloned()
                .unwrap_or_default()
        };
        (1..=ACTION_ROWS)
            .map(|n| ActionInput {
                description: get(n, ActionPart::Description),
                owner: get(n, ActionPart::Owner),
                due_on: get(n, ActionPart::DueOn),
            })
            .collect()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OutcomeForm {
    category: String,
    summary: String,
    investigation: String,
    findings: String,
    no_action_reason: String,
}

fn outcome_form(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    input: OutcomeInput,
    errors: Vec<FieldError>,
) -> Response {
    let form = CaseForm {
        state,
        viewer,
        case,
        heading: "Record the outcome",
        intro: "This fills in the outcome letter (Appendix C). Write in plain language: the complainant reads it.",
        action: "outcome",
    };
    form.render(errors, move |errors| {
        let field = |name, value: &str| Field::fixed(name, value, errors);
        let decisions: Vec<Choice> = OutcomeCategory::ALL
            .iter()
            .map(|c| Choice::new(c.id(), c.label()))
            .collect();
        view! {
            <Radios field=field("category", &input.category) legend="Decision" choices=decisions/>
            <TextArea field=field("summary", &input.summary) label="Summary of the complaint"/>
            <TextArea field=field("investigation", &input.investigation) label="Investigation steps" hint="Enquiries made, evidence looked at, who was consulted"/>
            <TextArea field=field("findings", &input.findings) label="Findings"/>
            {action_fields(ActionKind::Remedial, "Actions taken or planned", &input.actions, errors)}
            <TextArea field=field("no_action_reason", &input.no_action_reason) label="If no action is needed, why (optional)" hint="For a complaint not upheld, explain the reasons and any improvements identified"/>
            <button type="submit" class="button">"Record outcome and make the letter"</button>
        }
    })
}

pub async fn show_outcome_form(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Result<Response, StaffError> {
    if let Some(refusal) = refused_first(&state, &viewer, &user, &case, Move::SendOutcome).await? {
        return Ok(refusal);
    }
    // SPEC "The investigation": the letter's findings start from the recorded findings.
    let input = OutcomeInput {
        findings: case
            .investigation
            .findings
            .as_ref()
            .map(|f| f.for_the_letter())
            .unwrap_or_default(),
        ..OutcomeInput::default()
    };
    Ok(outcome_form(&state, &viewer, &case, input, vec![]))
}

pub async fn send_outcome(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(posted): Form<WithActions<OutcomeForm>>,
) -> Result<Response, StaffError> {
    let input = OutcomeInput {
        actions: posted.actions(ActionKind::Remedial),
        category: posted.form.category,
        summary: posted.form.summary,
        investigation: posted.form.investigation,
        findings: posted.form.findings,
        no_action_reason: posted.form.no_action_reason,
    };
    let parsed = checked(
        &case,
        &posted.seen,
        input,
        |i| Outcome::parse(i, today()),
        |i, e| outcome_form(&state, &viewer, &case, i, e),
    );
    let outcome = match parsed {
        Ok(o) => o,
        Err(form) => return Ok(form),
    };
    let command = Command::SendOutcome(outcome);
    work(
        &state,
        (&viewer, &user),
        case,
        &posted.seen,
        command,
        Saved::Outcome,
    )
    .await
}

fn close_form(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    input: ClosureInput,
    errors: Vec<FieldError>,
) -> Response {
    let form = CaseForm {
        state,
        viewer,
        case,
        heading: "Close the case",
        intro: "Record the resolution and any improvement actions for the Data Protection Complaints Register (seed 004 §45).",
        action: "close",
    };
    let opted_out = case.complaint.consents.publication_opt_out;
    form.render(errors, move |errors| {
        view! {
            <TextArea field=Field::fixed("resolution", input.resolution.clone(), errors) label="Resolution" hint="How the complaint was resolved"/>
            {action_fields(ActionKind::Improvement, "Improvement actions (optional)", &input.improvements, errors)}
            // Refused for an opt-out the form did not yet know of: the field is shown with
            // its message, so the handler can empty it.
            {if opted_out && !errors.iter().any(|e| e.field == "publication") {
                view! { <p class="body">"The complainant opted out of publication: this case is never published, not even as an anonymised summary."</p> }.into_any()
            } else {
                view! { <TextArea field=Field::fixed("publication", input.publication.clone(), errors) label="Summary for publication (optional)" hint="Anonymised: no names, addresses, dates or anything else that could identify the complainant or anyone else. The DPO's publication list holds it; leave it empty if the case should not be published."/> }.into_any()
            }}
            <button type="submit" class="button">"Close the case"</button>
        }
    })
}

pub async fn show_close_form(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Result<Response, StaffError> {
    if let Some(refusal) = refused_first(&state, &viewer, &user, &case, Move::Close).await? {
        return Ok(refusal);
    }
    Ok(close_form(
        &state,
        &viewer,
        &case,
        ClosureInput::default(),
        vec![],
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CloseForm {
    resolution: String,
    publication: String,
}

pub async fn close(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(posted): Form<WithActions<CloseForm>>,
) -> Result<Response, StaffError> {
    let input = ClosureInput {
        improvements: posted.actions(ActionKind::Improvement),
        resolution: posted.form.resolution,
        publication: posted.form.publication,
    };
    let opted_out = case.complaint.consents.publication_opt_out;
    let parsed = checked(
        &case,
        &posted.seen,
        input,
        |i| Closure::parse(i, today(), opted_out),
        |i, e| close_form(&state, &viewer, &case, i, e),
    );
    let closure = match parsed {
        Ok(c) => c,
        Err(form) => return Ok(form),
    };
    let command = Command::Close(closure);
    work(
        &state,
        (&viewer, &user),
        case,
        &posted.seen,
        command,
        Saved::Closed,
    )
    .await
}
