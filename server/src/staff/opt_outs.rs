//! The opt-outs acted on (seed 000; SPEC "Opt-outs"): the list for the customer satisfaction
//! survey, which passes on only the name and telephone number of complainants whose complaint
//! has closed and who did not opt out. The DPO downloads it; each download is audited.

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

/// The survey list: only the name and telephone number (seed 000: "we share your name and
/// telephone number"), of closed complaints in the period whose complainant did not opt out
/// and gave a telephone number; never a restricted or reduced case. Tested by
/// `the_survey_list_holds_only_names_and_numbers_of_those_who_did_not_opt_out` (server).
pub async fn survey_csv(
    State(state): State<AppState>,
    Staff(user, _): Staff,
    Query(p): Query<PeriodParams>,
) -> Result<Response, StaffError> {
    // As the reports page: no dates, the last complete quarter.
    let period = match (p.from.as_deref(), p.to.as_deref()) {
        (None | Some(""), None | Some("")) => Ok(Period::last_complete_quarter(london_date(
            chrono::Utc::now(),
        ))),
        (from, to) => Period::parse(from.unwrap_or(""), to.unwrap_or("")),
    };
    let period = match period {
        Ok(period) => period,
        Err(message) => {
            return Ok((StatusCode::BAD_REQUEST, format!("{message}.\n")).into_response());
        }
    };
    // UK days as UTC instants, a day wider each side; narrowed to UK days below.
    let instant = |d: chrono::NaiveDate| chrono::Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN));
    let closed = state
        .staff
        .closed_complaints(
            instant(period.from - Days::new(1)),
            instant(period.to + Days::new(2)),
        )
        .await?;
    let mut rows = Vec::new();
    for (reference, closed_at) in closed {
        if !period.contains(london_date(closed_at)) {
            continue;
        }
        let Some(case) = state.staff.case(&reference).await? else {
            continue;
        };
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
    super::case::page::audit_plain(
        &state,
        &user,
        "downloaded the survey list",
        Some(format!(
            "{} to {}: {} row(s)",
            period.from,
            period.to,
            rows.len()
        )),
    )
    .await?;
    let table = Table {
        name: "Satisfaction survey".into(),
        header: vec!["Name".into(), "Telephone".into()],
        rows,
    };
    let body = to_csv(&[table])
        .map_err(|e| StaffError::Store(crate::store::StoreError::Unavailable(e)))?;
    Ok(download(
        body,
        CSV,
        &format!("survey-list-{}-to-{}.csv", period.from, period.to),
    ))
}
