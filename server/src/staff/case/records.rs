//! The DPO's records-management actions on one case: a legal hold (retention skips the case),
//! restriction (kept, hidden from handlers), early erasure (reduced to a summary with no
//! personal data), and the page of a case already reduced to its summary.

use super::page::{self, Saved};
use super::{settle, CaseRef};
use crate::staff::components::{category_label, date_time, page, team_name};
use crate::staff::error::StaffError;
use crate::staff::{Form, Staff, StaffUser, Viewer};
use crate::store::retention::CaseSummary;
use crate::store::staff::AuditEntry;
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::retention::RetentionPolicy;
use app::domain::text::{limits, Lines, Text};
use app::domain::FieldError;
use app::ui::fields::{Checkbox, ErrorSummary, Field, TextArea};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use leptos::prelude::*;

/// What the DPO sends: the reason for a hold or an erasure (`reason`) or for a restriction
/// (`restrict_reason`: both forms are on the case page), and the erasure's confirmation.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RecordsForm {
    reason: String,
    restrict_reason: String,
    confirm: String,
}

/// The reason the DPO gives (required: it goes in the history and the audit trail).
fn reason(given: &str, field: &str, what: &str) -> Result<String, FieldError> {
    Text::parse(given, field, "The reason", limits::MEDIUM, Lines::Many)
        .and_then(|t| t.ok_or_else(|| FieldError::new(field, format!("Enter why {what}"))))
        .map(|t| t.as_str().to_string())
}

pub async fn hold(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<RecordsForm>,
) -> Result<Response, StaffError> {
    let why = match reason(&form.reason, "reason", "you are holding the case") {
        Ok(w) => w,
        Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
    };
    let applied = state
        .retention
        .hold(&case.reference, &why, &user.username)
        .await?;
    settle(&state, &viewer, &user, &case, applied, Saved::Held).await
}

pub async fn release(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Result<Response, StaffError> {
    let applied = state
        .retention
        .release(&case.reference, &user.username)
        .await?;
    settle(&state, &viewer, &user, &case, applied, Saved::Released).await
}

pub async fn restrict(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<RecordsForm>,
) -> Result<Response, StaffError> {
    let why = match reason(
        &form.restrict_reason,
        "restrict_reason",
        "you are restricting the case",
    ) {
        Ok(w) => w,
        Err(e) => return page::refuse(&state, &viewer, &user, case, vec![e]).await,
    };
    let applied = state
        .retention
        .restrict(&case.reference, Some(&why), &user.username)
        .await?;
    settle(&state, &viewer, &user, &case, applied, Saved::Restricted).await
}

pub async fn lift_restriction(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Result<Response, StaffError> {
    let applied = state
        .retention
        .restrict(&case.reference, None, &user.username)
        .await?;
    settle(&state, &viewer, &user, &case, applied, Saved::Unrestricted).await
}

/// What erasure keeps and removes, said before the DPO confirms.
const ERASE_EXPLAINED: &str = "The complainant's details, the complaint, notes, letters and messages are deleted for good and cannot be recovered (nor from the database file). Kept: the reference, dates, team, category, kind, how the case ended and whether each deadline was met, and the history of who did what.";

pub async fn erase_form(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
) -> Result<Response, StaffError> {
    page::audit_view(&state, &user, "viewed erasure form", &case, None).await?;
    Ok(erase_page(
        &state,
        &viewer,
        &case.reference,
        vec![],
        StatusCode::OK,
    ))
}

fn erase_page(
    state: &AppState,
    viewer: &Viewer,
    reference: &app::domain::reference::Reference,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let csrf = viewer.csrf.clone();
    let shown = reference.to_string();
    let action = format!("/staff/cases/{}/erase", reference.compact());
    let back = format!("/staff/cases/{}", reference.compact());
    let title = format!("Erase the personal data of case {shown}");
    let heading = title.clone();
    page(state, viewer, &title, status, move || {
        view! {
            <a class="back-link" href=back>"Back to the case"</a>
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <h1 class="heading-l">{heading}</h1>
            <p class="body">"Use this when the complainant's right to erasure applies (or the data must go early for another reason). The case is reduced to a summary with no personal data."</p>
            <div class="warning-text"><strong>{ERASE_EXPLAINED}</strong></div>
            <form method="post" action=action>
                <input type="hidden" name="_csrf" value=csrf/>
                <TextArea field=Field::fixed("reason", "", &errors) label="Why is it being erased?" hint="For example: erasure request received 2 December 2026. This goes in the audit trail: do not write personal details" rows=2/>
                <Checkbox field=Field::fixed("confirm", "", &errors) label="I understand the personal data cannot be recovered"/>
                <button type="submit" class="button button--warning">"Erase the personal data"</button>
            </form>
        }
    })
}

pub async fn erase(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Form(form): Form<RecordsForm>,
) -> Result<Response, StaffError> {
    let mut errors = vec![];
    let why = reason(&form.reason, "reason", "the personal data is being erased")
        .map_err(|e| errors.push(e))
        .ok();
    if form.confirm != "yes" {
        errors.push(FieldError::new(
            "confirm",
            "Tick to confirm the personal data cannot be recovered",
        ));
    }
    if case.held.is_some() {
        errors.push(FieldError::new(
            "reason",
            "This case is under a legal hold: release the hold before erasing it",
        ));
    }
    let Some(why) = why.filter(|_| errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(erase_page(&state, &viewer, &case.reference, errors, status));
    };
    // Erasure keeps no personal summary, whatever the retention policy keeps.
    let policy = RetentionPolicy {
        keep_personal_summary: false,
        ..state.config.retention.policy.clone()
    };
    let counts = state
        .retention
        .reduce(&case.reference, &policy, &user.username, &why, Utc::now())
        .await?;
    if counts.cases_reduced == 0 {
        return super::stale(&state, &viewer, &user, &case).await;
    }
    state.retention.compact().await?;
    Ok(Redirect::to(&format!("/staff/cases/{}", case.reference.compact())).into_response())
}

/// A case reduced to its summary: what is kept of it (audited like any view of a case).
pub async fn summary_page(
    state: &AppState,
    viewer: &Viewer,
    user: &StaffUser,
    s: CaseSummary,
) -> Result<Response, StaffError> {
    state
        .staff
        .audit(AuditEntry {
            at: Utc::now(),
            username: user.username.clone(),
            action: "viewed case summary".into(),
            reference: Some(s.reference),
            detail: None,
        })
        .await?;
    let title = format!("Case {} (summary)", s.reference);
    let team = team_name(state, &s.team);
    let category = category_label(state, &s.category);
    let body = move || {
        let row = |k: &'static str, v: String| {
            view! {
                <div class="summary-list__row"><dt class="summary-list__key">{k}</dt><dd class="summary-list__value">{v}</dd></div>
            }
        };
        let met = |done: Option<chrono::DateTime<Utc>>, by: chrono::NaiveDate| match done {
            Some(t) if app::domain::calendar::london_date(t) <= by => {
                format!("{}: met ({})", long_date(by), date_time(t))
            }
            Some(t) => format!("{}: missed ({})", long_date(by), date_time(t)),
            None => format!("{}: never done", long_date(by)),
        };
        let how = if s.reduced_by == "retention" {
            format!(
                "Reduced to its summary under the retention rules on {}.",
                date_time(s.reduced_at)
            )
        } else {
            format!(
                "Personal data erased by {} on {}.",
                s.reduced_by,
                date_time(s.reduced_at)
            )
        };
        view! {
            <span class="caption">{s.kind.label()}</span>
            <h1 class="heading-l">"Case "<span class="case-ref">{s.reference.to_string()}</span>" (summary)"</h1>
            <div class="warning-text"><strong>{how}" Only the summary below is kept."</strong></div>
            <dl class="summary-list">
                {row("Received", format!("{} ({})", long_date(s.received_on), s.channel.label()))}
                {row("Team", team.clone())}
                {row("About", category.clone())}
                {row("Status", s.status.label().to_string())}
                {row("Written acknowledgement due by", met(s.acknowledged_at, s.acknowledge_by))}
                {row("Outcome due by", met(s.outcome_sent_at, s.outcome_due))}
                {row("Outcome", s.outcome_category.clone().and_then(|c| app::domain::casework::OutcomeCategory::parse(&c)).map(|c| c.label().to_string()).unwrap_or_else(|| "None recorded".into()))}
                {s.closed_at.map(|t| row("Closed", date_time(t)))}
            </dl>
            {s.personal.clone().map(|p| view! {
                <h2 class="heading-m">"Kept permanently"</h2>
                <dl class="summary-list">
                    {row("Name", p.name.clone())}
                    {row("Postal address", if p.address.is_empty() { "Not given".into() } else { p.address.join(", ") })}
                    {row("Service involved", p.service.clone().unwrap_or_else(|| "Not given".into()))}
                    {row("Outcome summary", p.outcome.clone().unwrap_or_else(|| "None".into()))}
                </dl>
            })}
            {s.letters.iter().map(|l| view! {
                <h2 class="heading-m">{format!("{} ({})", l.kind.label(), date_time(l.created_at))}</h2>
                <div class="letter prewrap">{l.letter.body.clone()}</div>
            }).collect_view()}
            <h2 class="heading-m">"History"</h2>
            <ol class="list history">
                {s.events.iter().map(|e| view! {
                    <li>{format!("{} · {}{}{}", date_time(e.at), e.event,
                        e.actor.as_ref().map(|a| format!(" · {a}")).unwrap_or_default(),
                        e.detail.as_ref().map(|d| format!(" · {d}")).unwrap_or_default())}</li>
                }).collect_view()}
            </ol>
        }
    };
    Ok(page(state, viewer, &title, StatusCode::OK, body))
}
