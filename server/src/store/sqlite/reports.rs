//! What the reports need from SQLite: the facts every case keeps for good (they survive
//! retention), for the cases that can touch the periods asked about.

use super::sql::corrupt;
use super::SqliteStore;
use crate::store::report_rows::{case_facts, each_record, opt, review_facts};
use crate::store::StoreError;
use app::domain::reporting::{ActionFacts, ReportFacts};
use app::domain::wire::{digits, read_date};
use chrono::Datelike;
use chrono::NaiveDate;

/// The UK day of a stored UTC timestamp ("2026-10-01T23:30:00.000000Z", or only its first 16
/// characters, to the minute: the clocks change on the hour), without a time-zone
/// lookup per row: British Summer Time runs from 01:00 UTC on the last Sunday of March to
/// 01:00 UTC on the last Sunday of October, and only then does an hour of 23 move the day on.
/// Checked against `calendar::london_date` by `uk_days_agree_with_the_calendar`.
#[derive(Default)]
struct BstCache {
    /// (year, when summer time starts, when it ends), as stored text; a report spans a few years.
    years: Vec<(i32, String, String)>,
}

impl BstCache {
    fn uk_day(&mut self, stored: &str) -> Result<NaiveDate, StoreError> {
        let bad = || corrupt("timestamp");
        let date = stored.get(..10).and_then(read_date).ok_or_else(bad)?;
        let hour = stored.get(11..13).and_then(digits).ok_or_else(bad)?;
        let year = date.year();
        let at = match self.years.iter().position(|(y, _, _)| *y == year) {
            Some(at) => at,
            None => {
                let last_sunday = |month: u32| {
                    let last = NaiveDate::from_ymd_opt(year, month, 31).expect("31 days");
                    last - chrono::Days::new(last.weekday().num_days_from_sunday().into())
                };
                self.years.push((
                    year,
                    format!("{}T01:00", last_sunday(3)),
                    format!("{}T01:00", last_sunday(10)),
                ));
                self.years.len() - 1
            }
        };
        let (_, start, end) = &self.years[at];
        let summer = stored >= start.as_str() && stored < end.as_str();
        Ok(if summer && hour == 23 {
            date.succ_opt().ok_or_else(bad)?
        } else {
            date
        })
    }
}

/// Cases received by `to` that were still open, due or decided on or after `from` (the
/// others cannot change any figure of the periods between). One pass, no personal data.
pub(super) async fn report_facts(
    store: &SqliteStore,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ReportFacts, StoreError> {
    let (from_s, to_s) = (from.to_string(), to.to_string());
    // One row holding every case's facts, each case's already joined by the index
    // `cases_report` (migration 20261205000001, whose expressions these must match exactly):
    // sqlx costs a few microseconds per row, which over 100,000 rows is most of a second, and
    // joining the columns at read time cost SQLite as much again. Reading the joined facts from
    // the narrow index and splitting one string in Rust costs a few tens of milliseconds
    // (measured in BENCHMARKS.md, "Quarterly report"). Cases received by `to` that were still
    // open, or had a deadline or a decision on or after `from`; a deadline is never before the
    // day of receipt, so a case received in the periods qualifies by its deadlines.
    let joined: Option<String> = sqlx::query_scalar(
        "SELECT group_concat(kind || char(31) || category || char(31) || team || char(31) || \
         channel || char(31) || status || char(31) || received_on || char(31) || acknowledge_by \
         || char(31) || iif(first_closed_at IS NULL, outcome_due, first_outcome_due) \
         || char(31) || coalesce(iif(first_closed_at IS NULL, revised_due, first_revised_due), '') \
         || char(31) || coalesce(substr(acknowledged_at, 1, 16), '') \
         || char(31) || coalesce(substr(iif(first_closed_at IS NULL, outcome_sent_at, first_outcome_sent_at), 1, 16), '') \
         || char(31) || coalesce(substr(coalesce(first_closed_at, closed_at), 1, 16), '') \
         || char(31) || coalesce(iif(first_closed_at IS NULL, outcome_category, first_outcome_category), '') \
         || char(31) || coalesce(iif(first_closed_at IS NULL, json_extract(ending, '$.ending'), first_ending), '') \
         || char(31) || coalesce(substr(assigned_at, 1, 16), '') \
         || char(31) || coalesce(iif(first_closed_at IS NULL AND clock_stopped, waiting_since, NULL), '') \
         || char(31) || iif(first_closed_at IS NULL, paused_days, coalesce(first_paused_days, 0)), \
         char(30)) FROM cases INDEXED BY cases_report \
         WHERE received_on <= ?2 AND max(acknowledge_by, outcome_due, coalesce(revised_due, ''), \
           coalesce(outcome_sent_at, closed_at, '9999')) >= ?1",
    )
    .bind(&from_s)
    .bind(&to_s)
    .fetch_one(&store.readers)
    .await?;
    let mut bst = BstCache::default();
    let mut names = std::collections::HashMap::new();
    let mut cases = Vec::new();
    each_record(joined.as_deref().unwrap_or(""), |f: [&str; 17]| {
        cases.push(case_facts(f, &mut names, |t| bst.uk_day(t))?);
        Ok(())
    })?;
    // Reviews that ended around the periods: each case's current ending once it has been
    // reviewed, and the endings of earlier reviews kept in `case_reviews` (every row after a
    // case's first holds the ending of the review before it). A day either side of the UTC
    // dates; the UK day decides.
    let joined: Option<String> = sqlx::query_scalar(
        "SELECT group_concat(substr(closed_at, 1, 16) || char(31) || coalesce(outcome_category, '') \
         || char(31) || coalesce(json_extract(ending, '$.ending'), ''), char(30)) FROM ( \
           SELECT closed_at, outcome_category, ending FROM cases INDEXED BY cases_reviewed \
           WHERE first_closed_at IS NOT NULL AND closed_at >= date(?1, '-1 day') \
             AND closed_at < date(?2, '+2 days') \
           UNION ALL \
           SELECT r.closed_at, r.outcome_category, r.ending FROM case_reviews r \
           WHERE r.closed_at >= date(?1, '-1 day') AND r.closed_at < date(?2, '+2 days') \
             AND r.id > (SELECT min(f.id) FROM case_reviews f WHERE f.case_id = r.case_id))",
    )
    .bind(&from_s)
    .bind(&to_s)
    .fetch_one(&store.readers)
    .await?;
    let mut reviews = Vec::new();
    each_record(
        joined.as_deref().unwrap_or(""),
        |[closed, outcome, ending]: [&str; 3]| {
            reviews.push(review_facts(bst.uk_day(closed)?, outcome, ending)?);
            Ok(())
        },
    )?;
    // Actions the same way: one joined row, not a row each.
    let joined: Option<String> = sqlx::query_scalar(
        "SELECT group_concat(created_at || char(31) || due_on || char(31) || coalesce(done_on, ''), \
         char(30)) FROM case_actions WHERE created_at <= ?2 || 'T99' \
         AND (done_on IS NULL OR done_on >= ?1)",
    )
    .bind(&from_s)
    .bind(&to_s)
    .fetch_one(&store.readers)
    .await?;
    let mut actions = Vec::new();
    each_record(
        joined.as_deref().unwrap_or(""),
        |[raised, due, done]: [&str; 3]| {
            actions.push(ActionFacts {
                raised_on: bst.uk_day(raised)?,
                due_on: read_date(due).ok_or_else(|| corrupt("due_on"))?,
                done_on: opt(done)
                    .map(|d| read_date(d).ok_or_else(|| corrupt("done_on")))
                    .transpose()?,
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

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::calendar::london_date;

    #[test]
    fn uk_days_agree_with_the_calendar() {
        let mut cache = BstCache::default();
        // Every 7 minutes across three years, through six clock changes.
        let mut t: chrono::DateTime<chrono::Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let end: chrono::DateTime<chrono::Utc> = "2029-01-01T00:00:00Z".parse().unwrap();
        while t < end {
            let stored = t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            assert_eq!(cache.uk_day(&stored).unwrap(), london_date(t), "{stored}");
            // The report reads timestamps to the minute ("2026-10-25T00:59").
            assert_eq!(
                cache.uk_day(&stored[..16]).unwrap(),
                london_date(t),
                "{stored}"
            );
            t += chrono::Duration::minutes(7);
        }
    }
}
