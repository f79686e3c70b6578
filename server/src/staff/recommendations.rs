//! The DPO's recommendations in the quarterly report (SPEC "Reporting"; seed 004 §47), each
//! with an owner and a date for completion, followed up like actions: added from the report
//! (`/staff/reports/recommendations?from=&to=`), listed on the report and on `/staff/actions`,
//! marked done there (`/staff/recommendations/{id}/done`). The DPO's alone to add and close;
//! every handler sees them.

use super::components::{page, today};
use super::error::StaffError;
use super::{Form, Staff, StaffUser, Viewer};
use crate::store::staff::{Applied, StoredRecommendation};
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::reporting::{Period, Recommendation};
use app::domain::FieldError;
use app::ui::fields::{ErrorSummary, Field, TextArea, TextField};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PeriodParams {
    from: Option<String>,
    to: Option<String>,
}

/// The report's period, as its page gives it (none: the report's own default).
fn period_of(p: &PeriodParams) -> Result<Period, StaffError> {
    Period::asked(p.from.as_deref(), p.to.as_deref(), today()).map_err(|_| StaffError::NotFound)
}

fn add_form(
    state: &AppState,
    viewer: &Viewer,
    period: Period,
    values: [String; 3],
    errors: Vec<FieldError>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let csrf = viewer.csrf.clone();
    let back = format!("/staff/reports?from={}&to={}", period.from, period.to);
    let action = format!(
        "/staff/reports/recommendations?from={}&to={}",
        period.from, period.to
    );
    let body = move || {
        let [text, owner, due_on] = values.clone();
        view! {
            <a class="back-link" href=back.clone()>"Back to the report"</a>
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <span class="caption">{format!("Complaints report: {}", period.label())}</span>
            <h1 class="heading-l">"Add a recommendation"</h1>
            <p class="body">"A recommendation of the Data Protection Officer for this report (seed 004 §47), with who owns it and the date for completion. It is followed up on the actions page until done."</p>
            <form method="post" action=action.clone() novalidate>
                <input type="hidden" name="_csrf" value=csrf.clone()/>
                <TextArea field=Field::fixed("recommendation", text, &errors) label="Recommendation" rows=3/>
                <TextField field=Field::fixed("owner", owner, &errors) label="Owner" hint="The role or team responsible" autocomplete="off"/>
                <TextField field=Field::fixed("due_on", due_on, &errors) label="Date for completion" input_type="date" width="input--date"/>
                <button type="submit" class="button">"Add the recommendation"</button>
            </form>
        }
    };
    page(state, viewer, "Add a recommendation", status, body)
}

pub async fn show_add_form(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    Query(p): Query<PeriodParams>,
) -> Result<Response, StaffError> {
    let period = period_of(&p)?;
    Ok(add_form(
        &state,
        &viewer,
        period,
        Default::default(),
        vec![],
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct AddForm {
    recommendation: String,
    owner: String,
    due_on: String,
}

pub async fn add(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Query(p): Query<PeriodParams>,
    Form(form): Form<AddForm>,
) -> Result<Response, StaffError> {
    let period = period_of(&p)?;
    let values = [form.recommendation, form.owner, form.due_on];
    let r = match Recommendation::parse(&values[0], &values[1], &values[2], today()) {
        Ok(r) => r,
        Err(errors) => return Ok(add_form(&state, &viewer, period, values, errors)),
    };
    state
        .staff
        .add_recommendation(period, &r, &user.username)
        .await?;
    Ok(Redirect::to(&format!(
        "/staff/reports?from={}&to={}#recommendations",
        period.from, period.to
    ))
    .into_response())
}

fn done_form(
    state: &AppState,
    viewer: &Viewer,
    r: &StoredRecommendation,
    values: [String; 2],
    errors: Vec<FieldError>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let csrf = viewer.csrf.clone();
    let (id, text, owner) = (r.id, r.text.clone(), r.owner.clone());
    let body = move || {
        let [done_on, note] = values.clone();
        view! {
            <a class="back-link" href="/staff/actions">"Back to the actions"</a>
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <h1 class="heading-l">"Mark a recommendation done"</h1>
            <p class="body prewrap">{text.clone()}</p>
            <p class="body">{format!("Owner: {owner}")}</p>
            <form method="post" action=format!("/staff/recommendations/{id}/done") novalidate>
                <input type="hidden" name="_csrf" value=csrf.clone()/>
                <TextField field=Field::fixed("done_on", done_on, &errors) label="Date it was done" input_type="date" width="input--date"/>
                <TextArea field=Field::fixed("note", note, &errors) label="Note (optional)" rows=2/>
                <button type="submit" class="button">"Mark done"</button>
            </form>
        }
    };
    page(state, viewer, "Mark a recommendation done", status, body)
}

async fn find(state: &AppState, id: i64) -> Result<StoredRecommendation, StaffError> {
    state
        .staff
        .recommendations()
        .await?
        .into_iter()
        .find(|r| r.id == id && r.done_on.is_none())
        .ok_or(StaffError::NotFound)
}

pub async fn show_done_form(
    State(state): State<AppState>,
    Staff(_, viewer): Staff,
    Path(id): Path<i64>,
) -> Result<Response, StaffError> {
    let r = find(&state, id).await?;
    let values = [today().to_string(), String::new()];
    Ok(done_form(&state, &viewer, &r, values, vec![]))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DoneForm {
    done_on: String,
    note: String,
}

pub async fn done(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(id): Path<i64>,
    Form(form): Form<DoneForm>,
) -> Result<Response, StaffError> {
    let r = find(&state, id).await?;
    let values = [form.done_on, form.note];
    let done_on = app::domain::casework::date_field(&values[0], "done_on", "The date it was done");
    let note = app::domain::text::Text::parse(
        &values[1],
        "note",
        "The note",
        app::domain::text::limits::MEDIUM,
        app::domain::text::Lines::Many,
    );
    let done_on = match done_on {
        Ok(Some(d)) if d <= today() => Ok(d),
        Ok(Some(_)) => Err(FieldError::new(
            "done_on",
            "The date it was done must be today or in the past",
        )),
        Ok(None) => Err(FieldError::new("done_on", "Enter the date it was done")),
        Err(e) => Err(e),
    };
    let (done_on, note) = match (done_on, note) {
        (Ok(d), Ok(note)) => (d, note),
        (d, n) => {
            let errors = [d.err(), n.err()].into_iter().flatten().collect();
            return Ok(done_form(&state, &viewer, &r, values, errors));
        }
    };
    let applied = state
        .staff
        .recommendation_done(
            id,
            done_on,
            note.as_ref().map(|n| n.as_str()),
            &user.username,
        )
        .await?;
    match applied {
        Applied::Done => Ok(Redirect::to("/staff/actions#recommendations").into_response()),
        // Done meanwhile by someone else: nothing to do.
        _ => Err(StaffError::NotFound),
    }
}

/// The recommendations as a table (the report's, or every report's on the actions page),
/// with "mark done" for the DPO.
pub fn table(
    items: Vec<StoredRecommendation>,
    user: &StaffUser,
    with_report: bool,
) -> impl IntoView {
    let today = today();
    let dpo = user.role == app::domain::casework::Role::Dpo;
    if items.is_empty() {
        return view! { <p class="body">"No recommendations yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Recommendations"</caption>
                <thead><tr>
                    <th scope="col">"Due"</th><th scope="col">"Recommendation"</th><th scope="col">"Owner"</th>
                    {with_report.then(|| view! { <th scope="col">"Report"</th> })}
                    <th scope="col">"Done"</th>
                </tr></thead>
                <tbody>
                    {items.into_iter().map(|r| {
                        let overdue = r.done_on.is_none() && r.due_on < today;
                        let report = format!("/staff/reports?from={}&to={}#recommendations", r.period.from, r.period.to);
                        view! {
                            <tr>
                                <td class="table__cell">{long_date(r.due_on)}{overdue.then(|| view! { " "<strong class="tag tag--red">"Overdue"</strong> })}</td>
                                <td class="table__cell prewrap">{r.text.clone()}</td>
                                <td class="table__cell">{r.owner.clone()}</td>
                                {with_report.then(|| view! { <td class="table__cell"><a href=report>{r.period.label()}</a></td> })}
                                <td class="table__cell">{match r.done_on {
                                    Some(d) => format!("Done {}{}", long_date(d), r.done_note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()).into_any(),
                                    None if dpo => view! { <a href=format!("/staff/recommendations/{}/done", r.id)>"Mark done"<span class="visually-hidden">{format!(": {}", r.text)}</span></a> }.into_any(),
                                    None => "Not yet".into_any(),
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
