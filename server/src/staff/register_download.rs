//! The register as a download: CSV streamed a thousand rows at a time, each chunk found
//! from the last one's place in the register's order (so 100,000 rows never sit in memory
//! together, and the last chunk costs what the first does); OpenDocument whole (a zip cannot
//! be written as it goes), both up to `EXPORT_LIMIT` rows.

use super::components::{category_label, team_name, today};
use super::error::StaffError;
use super::exports::{csv_records, download, to_ods, Cell, Table, CSV, ODS};
use super::register::{query_of, RegisterParams};
use super::Staff;
use crate::store::staff::{RegisterRow, EXPORT_LIMIT};
use crate::AppState;
use app::domain::casework::RegisterQuery;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

/// Rows a streamed chunk carries.
const CHUNK: u32 = 1_000;

const HEADER: [&str; 17] = [
    "Reference",
    "Received",
    "Kind",
    "How",
    "Team",
    "Category",
    "Complainant",
    "Status",
    "Handler",
    "Acknowledge by",
    "Acknowledged",
    "Outcome due",
    "Revised date",
    "Outcome sent",
    "How it ended",
    "Satisfaction survey",
    "Publication",
];

/// One case's cells, in `HEADER`'s order.
fn cells(state: &AppState, r: &RegisterRow) -> Vec<Cell> {
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| app::domain::calendar::london_date(t).to_string())
            .unwrap_or_default()
    };
    vec![
        Cell::from(r.reference.to_string()),
        r.received_on.to_string().into(),
        r.kind.label().into(),
        r.channel.label().into(),
        team_name(state, &r.team).into(),
        category_label(state, &r.category).into(),
        r.complainant_name.clone().into(),
        r.status.label().into(),
        r.handler.clone().unwrap_or_default().into(),
        r.acknowledge_by.to_string().into(),
        when(r.acknowledged_at).into(),
        r.outcome_due.to_string().into(),
        r.revised_due
            .map(|d| d.to_string())
            .unwrap_or_default()
            .into(),
        when(r.outcome_sent_at).into(),
        r.outcome
            .as_deref()
            .and_then(app::domain::casework::OutcomeCategory::parse)
            .map(|o| o.label().to_string())
            .or(r.ending.map(|e| e.label().to_string()))
            .unwrap_or_default()
            .into(),
        // The complainant's choices (seed 000), so nobody lists a case they opted out of.
        if r.survey_opt_out {
            "Opted out"
        } else {
            "May be invited"
        }
        .into(),
        if r.publication_opt_out {
            "Opted out"
        } else {
            "May be published, anonymised"
        }
        .into(),
    ]
}

/// Rows as CSV (the header first, for the first chunk).
fn chunk(state: &AppState, header: bool, rows: &[RegisterRow]) -> Result<Vec<u8>, std::io::Error> {
    let header = header.then(|| HEADER.map(Cell::from).to_vec());
    csv_records(
        header
            .into_iter()
            .chain(rows.iter().map(|r| cells(state, r))),
    )
    .map_err(std::io::Error::other)
}

pub async fn register_csv(
    State(state): State<AppState>,
    Staff(user, _): Staff,
    Query(p): Query<RegisterParams>,
) -> Result<Response, StaffError> {
    let day = today();
    let query = RegisterQuery {
        size: Some(CHUNK),
        ..query_of(&state, &user, &p)
    };
    // The first chunk before the answer starts, so a store that cannot answer is an error
    // page, not an empty file; it also counts the rows for the audit trail.
    let first = state.staff.register(&query, day).await?;
    let rows = first.total.min(EXPORT_LIMIT as u64);
    super::case::page::audit_plain(
        &state,
        &user,
        "downloaded the register",
        Some(format!("{rows} row(s)")),
    )
    .await?;
    let start = chunk(&state, true, &first.rows);
    let chunks = futures_util::stream::unfold(
        (first.last, first.rows.len() as u64, query, state),
        move |(after, sent, query, state)| async move {
            // The rows counted at the start are all sent (or the limit reached): done.
            let after = after.filter(|_| sent < rows)?;
            let query = RegisterQuery {
                after: Some(after),
                size: Some(CHUNK.min((rows - sent) as u32)),
                ..query
            };
            match state.staff.register(&query, day).await {
                Ok(page) if page.rows.is_empty() => None,
                Ok(page) => {
                    let bytes = chunk(&state, false, &page.rows);
                    let next = (page.last, sent + page.rows.len() as u64, query, state);
                    Some((bytes, next))
                }
                Err(e) => {
                    // The answer has begun: the file ends short, and whoever runs it is told.
                    tracing::error!(route = "/staff/register.csv", cause = %e, "register download cut short");
                    Some((
                        Err(std::io::Error::other("the store stopped answering")),
                        (None, sent, query, state),
                    ))
                }
            }
        },
    );
    let body = Body::from_stream(futures_util::stream::iter([start]).chain(chunks));
    let mut response = download(Vec::new(), CSV, &format!("complaints-register-{day}.csv"));
    *response.body_mut() = body;
    response.headers_mut().remove(header::CONTENT_LENGTH);
    Ok(response)
}

pub async fn register_ods(
    State(state): State<AppState>,
    Staff(user, _): Staff,
    Query(p): Query<RegisterParams>,
) -> Result<Response, StaffError> {
    let query = RegisterQuery {
        all: true,
        ..query_of(&state, &user, &p)
    };
    let found = state.staff.register(&query, today()).await?;
    let table = Table {
        name: "Register".into(),
        header: HEADER.map(str::to_string).to_vec(),
        rows: found.rows.iter().map(|r| cells(&state, r)).collect(),
    };
    super::case::page::audit_plain(
        &state,
        &user,
        "downloaded the register",
        Some(format!("{} row(s)", table.rows.len())),
    )
    .await?;
    let body = to_ods(&[table])
        .map_err(|e| StaffError::Store(crate::store::StoreError::Unavailable(e)))?;
    let day = today();
    Ok(download(body, ODS, &format!("complaints-register-{day}.ods")).into_response())
}
