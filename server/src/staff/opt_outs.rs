//! The opt-outs acted on (seed 000; SPEC "Opt-outs"): the list for the customer satisfaction
//! survey, which passes on only the name and telephone number of complainants whose complaint
//! has closed and who did not opt out, and the list for publication, which holds only the
//! anonymised summaries handlers wrote at closure, never of a case whose complainant opted out.
//! The DPO downloads them; each download is audited.

use super::error::StaffError;
use super::exports::{download, to_csv, Cell, Table, CSV};
use super::Staff;
use crate::AppState;
use app::domain::calendar::london_date;
use app::domain::reporting::Period;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Days, NaiveTime, TimeZone};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PeriodParams {
    from: Option<String>,
    to: Option<String>,
}

/// The period asked for, as the reports page reads it (no dates: the last complete quarter),
/// or a 400 saying what is wrong.
fn period(p: &PeriodParams) -> Result<Period, Response> {
    Period::asked(
        p.from.as_deref(),
        p.to.as_deref(),
        london_date(chrono::Utc::now()),
    )
    .map_err(|message| (StatusCode::BAD_REQUEST, format!("{message}.\n")).into_response())
}

/// The complaints closed on a UK day of `period` (never a restricted or reduced case).
async fn closed_in(
    state: &AppState,
    period: Period,
) -> Result<Vec<crate::store::staff::CaseFile>, StaffError> {
    // UK days as UTC instants, a day wider each side; narrowed to UK days below.
    let instant = |d: chrono::NaiveDate| chrono::Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN));
    let closed = state
        .staff
        .closed_complaints(
            instant(period.from - Days::new(1)),
            instant(period.to + Days::new(2)),
        )
        .await?;
    let mut cases = Vec::new();
    for (reference, closed_at) in closed {
        if !period.contains(london_date(closed_at)) {
            continue;
        }
        if let Some(case) = state.staff.case(&reference).await? {
            cases.push(case);
        }
    }
    Ok(cases)
}

/// The survey list: only the name and telephone number (seed 000: "we share your name and
/// telephone number"), of closed complaints in the period whose complainant did not opt out
/// and gave a telephone number; never a restricted or reduced case. Tested by
/// `the_survey_list_holds_only_names_and_numbers_of_those_who_did_not_opt_out` (server).
pub async fn survey_csv(
    State(state): State<AppState>,
    Staff(user, _): Staff,
    Query(p): Query<PeriodParams>,
) -> Result<Response, StaffError> {
    let period = match period(&p) {
        Ok(period) => period,
        Err(refused) => return Ok(refused),
    };
    let mut rows = Vec::new();
    for case in closed_in(&state, period).await? {
        let c = &case.complaint;
        if c.consents.survey_opt_out {
            continue;
        }
        if let Some(phone) = &c.complainant.phone {
            rows.push(vec![
                Cell::from(c.complainant.full_name.as_str()),
                Cell::from(phone.as_str()),
            ]);
        }
    }
    let table = Table {
        name: "Satisfaction survey".into(),
        header: vec!["Name".into(), "Telephone".into()],
        rows,
    };
    audited_csv(&state, &user, "survey list", period, table).await
}

/// The publication list: the anonymised summaries written at closure for complaints closed in
/// the period, never of a case whose complainant opted out (checked again here: the choice can
/// be corrected after closure). No reference, name or date that would point to a person.
/// Tested by `the_publication_list_holds_only_summaries_of_cases_not_opted_out` (server).
pub async fn publication_csv(
    State(state): State<AppState>,
    Staff(user, _): Staff,
    Query(p): Query<PeriodParams>,
) -> Result<Response, StaffError> {
    let period = match period(&p) {
        Ok(period) => period,
        Err(refused) => return Ok(refused),
    };
    let mut rows = Vec::new();
    for case in closed_in(&state, period).await? {
        if case.complaint.consents.publication_opt_out {
            continue;
        }
        let Some(summary) = case.closure.as_ref().and_then(|c| c.publication.as_ref()) else {
            continue;
        };
        let decision = case
            .outcome
            .as_ref()
            .map(|o| o.category.label())
            .unwrap_or("Closed");
        rows.push(vec![
            Cell::from(super::components::category_label(
                &state,
                &case.complaint.category,
            )),
            Cell::from(decision),
            Cell::from(summary.as_str()),
        ]);
    }
    let table = Table {
        name: "For publication".into(),
        header: vec![
            "What it was about".into(),
            "Decision".into(),
            "Summary".into(),
        ],
        rows,
    };
    audited_csv(&state, &user, "publication list", period, table).await
}

/// The list as a CSV download named after it and the period, its download audited (what, the
/// period and how many rows; never the rows).
async fn audited_csv(
    state: &AppState,
    user: &super::StaffUser,
    list: &str,
    period: Period,
    table: Table,
) -> Result<Response, StaffError> {
    super::case::page::audit_plain(
        state,
        user,
        &format!("downloaded the {list}"),
        Some(format!(
            "{} to {}: {} row(s)",
            period.from,
            period.to,
            table.rows.len()
        )),
    )
    .await?;
    let body = to_csv(&[table])
        .map_err(|e| StaffError::Store(crate::store::StoreError::Unavailable(e)))?;
    Ok(download(
        body,
        CSV,
        &format!(
            "{}-{}-to-{}.csv",
            list.replace(' ', "-"),
            period.from,
            period.to
        ),
    ))
}
