//! What the reports need from PostgreSQL: the facts every case keeps for good, for the cases
//! that can touch the periods asked about. As on SQLite, the database joins each case's facts
//! into one text (one row rather than 100,000) and `report_rows` splits it; PostgreSQL works
//! out the UK day of each decision itself (`AT TIME ZONE 'Europe/London'`).

use super::sql::corrupt;
use super::PgStore;
use crate::store::report_rows::{case_facts, each_record, opt, review_facts};
use crate::store::StoreError;
use app::domain::reporting::{ActionFacts, ReportFacts};
use app::domain::wire::read_date;
use chrono::NaiveDate;

/// A date as the report reads it ('YYYY-MM-DD', whatever the session's DateStyle).
fn day(column: &str) -> String {
    format!("coalesce(to_char({column}, 'YYYY-MM-DD'), '')")
}

/// A column of the case's first decision: its own until a review kept the first apart.
fn first(column: &str) -> String {
    format!("(CASE WHEN first_closed_at IS NULL THEN {column} ELSE first_{column} END)")
}

/// The UK day of a timestamp, as `day` gives it.
fn uk_day(column: &str) -> String {
    day(&format!("({column} AT TIME ZONE 'Europe/London')::date"))
}

pub(super) async fn report_facts(
    store: &PgStore,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ReportFacts, StoreError> {
    let fields = [
        "kind".to_string(),
        "category".into(),
        "team".into(),
        "channel".into(),
        "status".into(),
        day("received_on"),
        day("acknowledge_by"),
        // The first decision's facts where the case has been reviewed (SPEC "Reporting").
        day(&first("outcome_due")),
        day(&first("revised_due")),
        uk_day("acknowledged_at"),
        uk_day(&first("outcome_sent_at")),
        uk_day("coalesce(first_closed_at, closed_at)"),
        format!("coalesce({}, '')", first("outcome_category")),
        "coalesce(CASE WHEN first_closed_at IS NULL THEN ending::jsonb ->> 'ending' \
         ELSE first_ending END, '')"
            .into(),
        uk_day("assigned_at"),
        // Waiting for the complainant with the clock stopped, and the days the target moved
        // (first decision's, where reviewed).
        day("CASE WHEN first_closed_at IS NULL AND clock_stopped THEN waiting_since END"),
        "(CASE WHEN first_closed_at IS NULL THEN paused_days ELSE coalesce(first_paused_days, 0) END)::text".into(),
    ];
    // Cases received by `to` that were still open, or had a deadline or a decision on or
    // after `from` (the expression of the index `cases_report`).
    let sql = format!(
        "SELECT string_agg({}, chr(30)) FROM cases WHERE received_on <= $2 AND \
         greatest(acknowledge_by, outcome_due, revised_due, \
                  coalesce((coalesce(outcome_sent_at, closed_at) AT TIME ZONE 'UTC')::date, \
                           'infinity'::date)) >= $1",
        fields.join(" || chr(31) || ")
    );
    let joined: Option<String> = sqlx::query_scalar(&sql)
        .bind(from)
        .bind(to)
        .fetch_one(&store.pool)
        .await?;
    let read = |s: &str| read_date(s).ok_or_else(|| corrupt("report date"));
    let mut names = std::collections::HashMap::new();
    let mut cases = Vec::new();
    each_record(joined.as_deref().unwrap_or(""), |f: [&str; 17]| {
        cases.push(case_facts(f, &mut names, read)?);
        Ok(())
    })?;
    // Reviews that ended around the periods: each reviewed case's current ending, and the
    // endings of earlier reviews (every `case_reviews` row after a case's first holds the
    // ending of the review before it).
    let sql = format!(
        "SELECT string_agg({} || chr(31) || coalesce(outcome_category, '') || chr(31) || \
         coalesce(ending::jsonb ->> 'ending', ''), chr(30)) FROM ( \
           SELECT closed_at, outcome_category, ending FROM cases \
           WHERE first_closed_at IS NOT NULL AND closed_at >= $1::date - 1 \
             AND closed_at < $2::date + 2 \
           UNION ALL \
           SELECT r.closed_at, r.outcome_category, r.ending FROM case_reviews r \
           WHERE r.closed_at >= $1::date - 1 AND r.closed_at < $2::date + 2 \
             AND r.id > (SELECT min(f.id) FROM case_reviews f WHERE f.case_id = r.case_id)) AS ended",
        uk_day("closed_at")
    );
    let joined: Option<String> = sqlx::query_scalar(&sql)
        .bind(from)
        .bind(to)
        .fetch_one(&store.pool)
        .await?;
    let mut reviews = Vec::new();
    each_record(
        joined.as_deref().unwrap_or(""),
        |[closed, outcome, ending]: [&str; 3]| {
            reviews.push(review_facts(read(closed)?, outcome, ending)?);
            Ok(())
        },
    )?;
    let sql = format!(
        "SELECT string_agg({} || chr(31) || {} || chr(31) || {}, chr(30)) FROM case_actions \
         WHERE (created_at AT TIME ZONE 'Europe/London')::date <= $2 \
         AND (done_on IS NULL OR done_on >= $1)",
        uk_day("created_at"),
        day("due_on"),
        day("done_on")
    );
    let joined: Option<String> = sqlx::query_scalar(&sql)
        .bind(from)
        .bind(to)
        .fetch_one(&store.pool)
        .await?;
    let mut actions = Vec::new();
    each_record(
        joined.as_deref().unwrap_or(""),
        |[raised, due, done]: [&str; 3]| {
            actions.push(ActionFacts {
                raised_on: read(raised)?,
                due_on: read(due)?,
                done_on: opt(done).map(read).transpose()?,
            });
            Ok(())
        },
    )?;
    Ok(ReportFacts {
        cases,
        actions,
        reviews,
    })
}
