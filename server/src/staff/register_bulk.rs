//! One action on several cases, from the register (issue 26; `app::domain::casework::bulk`):
//! assign them, group them under an incident, or send each the same progress update. The
//! register's rows carry a checkbox each inside one form (no script); its controls are
//! below the table. Each case is changed on its own through the casework service, with its
//! own letter, history and audit entries; a case the rules refuse is named with why, and the
//! others go ahead. A form with a mistake comes back with everything typed.

use super::components::page;
use super::error::StaffError;
use super::{Form, Staff, StaffUser, Viewer};
use crate::casework::{self, Command, Refused};
use crate::AppState;
use app::domain::casework::{chosen, BulkAction, BulkInput, ProgressInput, Role, BULK_MAX};
use app::domain::reference::Reference;
use app::domain::FieldError;
use app::ui::fields::{Checkbox, Choice, ErrorSummary, Field, Radios, Select, TextArea, TextField};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

/// The register's bulk controls (inside its form, below the table).
pub fn controls(handlers: Vec<Choice>, input: &BulkInput, errors: &[FieldError]) -> impl IntoView {
    let field = |name: &'static str, value: &str| Field::fixed(name, value, errors);
    let actions = vec![
        Choice::new("assign", "Assign them"),
        Choice::new("label", "Group them under an incident"),
        Choice::new("update", "Send each a progress update (a letter each)"),
    ];
    let mut to = vec![Choice::new("", "Select a handler")];
    to.extend(handlers);
    view! {
        <fieldset class="fieldset bulk">
            <legend class="fieldset__legend fieldset__legend--m">{format!("With the cases ticked (at most {BULK_MAX})")}</legend>
            <Radios field=field("action", &input.action) legend="What to do" choices=actions/>
            <Select field=field("handler", &input.handler) label="Assign to" choices=to/>
            <Checkbox field=field("independent", "") label="If assigning to myself: I confirm I have not worked on the processing any of these complaints is about"/>
            <TextField field=field("incident", &input.incident) label="Incident" hint="A short name for what happened, for example: Mis-sent council tax letters, March. Leave it empty to take the cases out of their incident."/>
            <TextArea field=field("progress", &input.update.progress) label="Progress update: what has happened so far" rows=3/>
            <TextField field=field("revised_on", &input.update.revised_on) label="Progress update: the date you now expect to send the outcome" hint="For example, 2027-01-15" input_type="date" width="input--date"/>
            <TextArea field=field("why", &input.update.why) label="Progress update: why it will take longer" rows=3/>
            <button type="submit" class="button">"Do this to the cases ticked"</button>
        </fieldset>
    }
}

/// The form's fields (the ticked cases come as repeated `case` fields).
fn read(pairs: &[(String, String)]) -> (Vec<String>, BulkInput, bool) {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let cases = pairs
        .iter()
        .filter(|(k, _)| k == "case")
        .map(|(_, v)| v.clone())
        .collect();
    let input = BulkInput {
        action: get("action"),
        handler: get("handler"),
        incident: get("incident"),
        update: ProgressInput {
            progress: get("progress"),
            revised_on: get("revised_on"),
            why: get("why"),
        },
    };
    (cases, input, get("independent") == "yes")
}

/// What happened to each case.
struct Results {
    done: Vec<Reference>,
    refused: Vec<(Reference, String)>,
}

pub async fn bulk(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, StaffError> {
    let (raw, input, independent) = read(&pairs);
    let today = crate::staff::components::today();
    let mut errors = vec![];
    let refs = chosen(&raw).map_err(|e| errors.push(e)).ok();
    let action = BulkAction::parse(&input, today)
        .map_err(|e| errors.extend(e))
        .ok();
    let (Some(refs), Some(action)) = (refs, action) else {
        return again(&state, &viewer, raw, input, errors).await;
    };
    let mut results = Results {
        done: vec![],
        refused: vec![],
    };
    for reference in refs {
        match one(&state, &user, &reference, &action, independent).await? {
            None => results.done.push(reference),
            Some(why) => results.refused.push((reference, why)),
        }
    }
    Ok(answer(&state, &viewer, &action, results))
}

/// The action on one case: none when done, else why not.
async fn one(
    state: &AppState,
    user: &StaffUser,
    reference: &Reference,
    action: &BulkAction,
    independent: bool,
) -> Result<Option<String>, StaffError> {
    let case = match state.staff.case(reference).await? {
        Some(case) if user.may_open(state.config.access, &case) => case,
        _ => return Ok(Some("you cannot open this case".into())),
    };
    let command = match action {
        BulkAction::Assign { handler } => Command::Assign {
            handler: handler.clone(),
            independence_ticked: independent,
        },
        BulkAction::Label { incident } => Command::Label {
            incident: incident.clone(),
        },
        BulkAction::Update(update) => Command::UpdateProgress(update.clone()),
    };
    let seen = case.version();
    Ok(
        match casework::carry_out(state, user.actor(), &case, &seen, command).await? {
            Ok(()) => None,
            Err(Refused::Changed) => {
                Some("someone else changed it meanwhile: nothing was changed".into())
            }
            Err(Refused::Rule(e)) => Some(e.message),
            Err(Refused::Invalid(e)) => Some(
                e.into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        },
    )
}

/// The form again, with what was typed, the cases ticked and what is wrong (422).
async fn again(
    state: &AppState,
    viewer: &Viewer,
    cases: Vec<String>,
    input: BulkInput,
    errors: Vec<FieldError>,
) -> Result<Response, StaffError> {
    let handlers = handler_choices(&state.staff.users().await?);
    let csrf = viewer.csrf.clone();
    let body = move || {
        let ticked: Vec<_> = cases
            .iter()
            .filter_map(|c| Reference::parse(c).ok())
            .map(|r| {
                let id = format!("case-{}", r.compact());
                view! {
                    <div class="checkboxes__item">
                        <input class="checkboxes__input" type="checkbox" id=id.clone() name="case" value=r.compact() checked=true/>
                        <label class="label checkboxes__label" for=id>{r.to_string()}</label>
                    </div>
                }
            })
            .collect();
        view! {
            <a class="back-link" href="/staff/register">"Back to the register"</a>
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <h1 class="heading-l">"Work on several cases"</h1>
            <form method="post" action="/staff/register/bulk" novalidate>
                <input type="hidden" name="_csrf" value=csrf/>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">"The cases ticked"</legend>
                    <div class="checkboxes" id="case">{ticked}</div>
                </fieldset>
                {controls(handlers, &input, &errors)}
            </form>
        }
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(page(state, viewer, "Work on several cases", status, body))
}

/// What was done, and each case refused with why.
fn answer(state: &AppState, viewer: &Viewer, action: &BulkAction, r: Results) -> Response {
    let what = match action {
        BulkAction::Assign { .. } => "assigned",
        BulkAction::Label { incident: Some(_) } => "grouped under the incident",
        BulkAction::Label { incident: None } => "taken out of their incident",
        BulkAction::Update(_) => {
            "sent a progress update (each letter goes by its complainant's chosen route)"
        }
    };
    let done = r.done.len();
    let body = move || {
        view! {
            <a class="back-link" href="/staff/register">"Back to the register"</a>
            <div class="notification-banner notification-banner--success" role="status">
                <p class="notification-banner__heading">{format!("{done} case{} {what}.", if done == 1 { "" } else { "s" })}</p>
            </div>
            <h1 class="heading-l">"Work on several cases"</h1>
            <ul class="list">
                {r.done.iter().map(|c| view! { <li><a href=format!("/staff/cases/{}", c.compact())>{c.to_string()}</a>": done"</li> }).collect_view()}
            </ul>
            {(!r.refused.is_empty()).then(|| view! {
                <h2 class="heading-m">"Not changed"</h2>
                <ul class="list">
                    {r.refused.iter().map(|(c, why)| view! { <li><a href=format!("/staff/cases/{}", c.compact())>{c.to_string()}</a>{format!(": {why}")}</li> }).collect_view()}
                </ul>
            })}
        }
    };
    page(state, viewer, "Work on several cases", StatusCode::OK, body)
}

/// Everyone who may handle cases, by name (the assign lists of the case and the register).
pub fn handler_choices(users: &[crate::store::staff::StaffAccount]) -> Vec<Choice> {
    users
        .iter()
        .filter(|u| u.role.allows(Role::Handler) && !u.disabled)
        .map(|u| {
            let label = format!("{} ({})", u.display_name, u.username);
            Choice::new(u.username.clone(), label)
        })
        .collect()
}
