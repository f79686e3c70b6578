//! The investigation record on the case (SPEC "The investigation"; seed 004 §30, §33, §36):
//! the plan (`/plan`), interim measures (`/measures`) and the findings (`/findings`), each a
//! form of its own, by the case's handler or the DPO while the complaint is worked. The rules
//! are `app::domain::casework::investigation`'s; the outcome form starts from the findings.

use super::moves::{checked, CaseForm};
use super::page::Saved;
use super::{work, CaseRef};
use crate::casework::Command;
use crate::staff::components::today;
use crate::staff::error::StaffError;
use crate::staff::{Form, Staff, StaffUser, Viewer};
use crate::store::staff::CaseFile;
use crate::AppState;
use app::domain::casework::{
    Findings, FindingsInput, InterimMeasure, Investigation, InvestigationPart, Plan, PlanInput,
    MILESTONE_FIELDS,
};
use app::domain::FieldError;
use app::ui::fields::{Field, TextArea, TextField};
use axum::extract::State;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

/// Saves `record` as the case's investigation record, if the domain allows it for this user.
async fn save(
    state: &AppState,
    (viewer, user): (&Viewer, &StaffUser),
    case: CaseFile,
    seen: &str,
    (record, part): (Investigation, InvestigationPart),
    saved: Saved,
) -> Result<Response, StaffError> {
    let command = Command::RecordInvestigation(record, part);
    work(state, (viewer, user), case, seen, command, saved).await
}

fn plan_form(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    input: PlanInput,
    errors: Vec<FieldError>,
) -> Response {
    let form = CaseForm {
        state,
        viewer,
        case,
        heading: "Investigation plan",
        intro: "What the investigation covers, where the evidence will come from, who is involved, and its steps with their dates (seed 004 §30). Write about what happened, not more about the complainant than the investigation needs.",
        action: "plan",
    };
    form.render(errors, move |errors| {
        let rows = MILESTONE_FIELDS
            .iter()
            .enumerate()
            .map(|(i, (what_field, by_field))| {
                let n = i + 1;
                let (what, by) = input.milestones.get(i).cloned().unwrap_or_default();
                view! {
                    <fieldset class="fieldset action-row">
                        <legend class="fieldset__legend fieldset__legend--s">{format!("Milestone {n}")}</legend>
                        <TextField field=Field::fixed(what_field, what, errors) label="What" autocomplete="off"/>
                        <TextField field=Field::fixed(by_field, by, errors) label="By" input_type="date" width="input--date"/>
                    </fieldset>
                }
            })
            .collect_view();
        view! {
            <TextArea field=Field::fixed("scope", input.scope.clone(), errors) label="Scope" hint="What the investigation will and will not cover"/>
            <TextArea field=Field::fixed("evidence", input.evidence.clone(), errors) label="Evidence sources" hint="For example: case management records, emails, the team's log"/>
            <TextArea field=Field::fixed("stakeholders", input.stakeholders.clone(), errors) label="Stakeholders" hint="The teams and roles involved or to be asked"/>
            <h2 class="heading-m">"Milestones"</h2>
            <p class="hint">"At least one. Rows left empty are ignored."</p>
            {rows}
            <button type="submit" class="button">"Save the plan"</button>
        }
    })
}

pub async fn show_plan_form(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Response {
    // Starts from the plan as recorded, to change it.
    let input = match &case.investigation.plan {
        Some(p) => PlanInput {
            scope: p.scope.to_string(),
            evidence: p.evidence.to_string(),
            stakeholders: p.stakeholders.to_string(),
            milestones: p
                .milestones
                .iter()
                .map(|m| (m.what.to_string(), m.by.to_string()))
                .collect(),
        },
        None => PlanInput::default(),
    };
    plan_form(&state, &viewer, &case, input, vec![])
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PlanForm {
    #[serde(rename = "_seen")]
    seen: String,
    scope: String,
    evidence: String,
    stakeholders: String,
    /// The milestones' rows (`milestone_1_what`, …).
    #[serde(flatten)]
    rows: HashMap<String, String>,
}

pub async fn plan(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<PlanForm>,
) -> Result<Response, StaffError> {
    let row = |name: &str| form.rows.get(name).cloned().unwrap_or_default();
    let input = PlanInput {
        milestones: MILESTONE_FIELDS
            .iter()
            .map(|(what, by)| (row(what), row(by)))
            .collect(),
        scope: form.scope,
        evidence: form.evidence,
        stakeholders: form.stakeholders,
    };
    let plan = match checked(&case, &form.seen, input, Plan::parse, |i, e| {
        plan_form(&state, &viewer, &case, i, e)
    }) {
        Ok(p) => p,
        Err(form) => return Ok(form),
    };
    let part = if case.investigation.plan.is_some() {
        InvestigationPart::PlanChanged
    } else {
        InvestigationPart::PlanRecorded
    };
    let record = Investigation {
        plan: Some(plan),
        ..case.investigation.clone()
    };
    let saved = Saved::Plan;
    save(
        &state,
        (&viewer, &user),
        case,
        &form.seen,
        (record, part),
        saved,
    )
    .await
}

fn measure_form(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    input: (String, String),
    errors: Vec<FieldError>,
) -> Response {
    let form = CaseForm {
        state,
        viewer,
        case,
        heading: "Record an interim measure",
        intro: "A step taken while the investigation runs, to reduce harm to the person (seed 004 §33): for example, an account locked, a disclosure recalled, a record marked as disputed.",
        action: "measures",
    };
    form.render(errors, move |errors| {
        view! {
            <TextArea field=Field::fixed("measure", input.0.clone(), errors) label="Interim measure" rows=3/>
            <TextField field=Field::fixed("taken_on", input.1.clone(), errors) label="Date it was taken" input_type="date" width="input--date"/>
            <button type="submit" class="button">"Record the measure"</button>
        }
    })
}

pub async fn show_measure_form(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Response {
    let input = (String::new(), today().to_string());
    measure_form(&state, &viewer, &case, input, vec![])
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MeasureForm {
    #[serde(rename = "_seen")]
    seen: String,
    measure: String,
    taken_on: String,
}

pub async fn measure(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<MeasureForm>,
) -> Result<Response, StaffError> {
    let input = (form.measure, form.taken_on);
    let parse = |i: &(String, String)| InterimMeasure::parse(&i.0, &i.1, today());
    let measure = match checked(&case, &form.seen, input, parse, |i, e| {
        measure_form(&state, &viewer, &case, i, e)
    }) {
        Ok(m) => m,
        Err(form) => return Ok(form),
    };
    let mut record = case.investigation.clone();
    record.measures.push(measure);
    let part = InvestigationPart::Measure;
    let saved = Saved::Measure;
    save(
        &state,
        (&viewer, &user),
        case,
        &form.seen,
        (record, part),
        saved,
    )
    .await
}

fn findings_form(
    state: &AppState,
    viewer: &Viewer,
    case: &CaseFile,
    input: FindingsInput,
    errors: Vec<FieldError>,
) -> Response {
    let form = CaseForm {
        state,
        viewer,
        case,
        heading: "Findings",
        intro: "What the investigation found (seed 004 §36). The outcome form starts from these, for the letter's findings.",
        action: "findings",
    };
    form.render(errors, move |errors| {
        view! {
            <TextArea field=Field::fixed("facts", input.facts.clone(), errors) label="Facts established"/>
            <TextArea field=Field::fixed("law", input.law.clone(), errors) label="The law that applies" hint="For example: UK GDPR article 15 and article 12(3)"/>
            <TextArea field=Field::fixed("risks", input.risks.clone(), errors) label="Risks to the individual" hint="Or that there are none"/>
            <TextArea field=Field::fixed("breaches", input.breaches.clone(), errors) label="Breaches of policy or law found" hint="Or that there were none"/>
            <button type="submit" class="button">"Save the findings"</button>
        }
    })
}

pub async fn show_findings_form(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Response {
    let input = match &case.investigation.findings {
        Some(f) => FindingsInput {
            facts: f.facts.to_string(),
            law: f.law.to_string(),
            risks: f.risks.to_string(),
            breaches: f.breaches.to_string(),
        },
        None => FindingsInput::default(),
    };
    findings_form(&state, &viewer, &case, input, vec![])
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FindingsForm {
    #[serde(rename = "_seen")]
    seen: String,
    facts: String,
    law: String,
    risks: String,
    breaches: String,
}

pub async fn findings(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<FindingsForm>,
) -> Result<Response, StaffError> {
    let input = FindingsInput {
        facts: form.facts,
        law: form.law,
        risks: form.risks,
        breaches: form.breaches,
    };
    let findings = match checked(&case, &form.seen, input, Findings::parse, |i, e| {
        findings_form(&state, &viewer, &case, i, e)
    }) {
        Ok(f) => f,
        Err(form) => return Ok(form),
    };
    let record = Investigation {
        findings: Some(findings),
        ..case.investigation.clone()
    };
    let (part, saved) = (InvestigationPart::Findings, Saved::Findings);
    save(
        &state,
        (&viewer, &user),
        case,
        &form.seen,
        (record, part),
        saved,
    )
    .await
}
