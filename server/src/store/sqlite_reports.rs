//! What the reports need from SQLite: the facts every case keeps for good (they survive
//! retention), for the cases that can touch the periods asked about.

use super::sqlite::SqliteStore;
use super::sqlite_staff::corrupt;
use super::StoreError;
use app::domain::casework::{Ending, OutcomeCategory, Status};
use app::domain::complaint::Channel;
use app::domain::reporting::{ActionFacts, CaseFacts};
use app::domain::triage::CaseKind;
use app::domain::wire::{digits, read_date};
use chrono::Datelike;
use chrono::NaiveDate;
use std::sync::Arc;

/// An empty field is a missing value.
fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// Calls `each` with the fields of every record of SQLite's joined text, in one pass over its
/// bytes: records end at RS (0x1e) and fields at US (0x1f), control characters that no stored
/// value contains. (Splitting by records and then by fields cost twice as long.)
fn each_record<'a, const N: usize>(
    joined: &'a str,
    mut each: impl FnMut([&'a str; N]) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    if joined.is_empty() {
        return Ok(());
    }
    let mut fields = [""; N];
    let (mut field, mut start) = (0, 0);
    // The text ends a record as RS would.
    let ends = joined.bytes().chain(std::iter::once(0x1e));
    for (i, b) in ends.enumerate() {
        if b != 0x1e && b != 0x1f {
            continue;
        }
        // Both separators are ASCII, so `start..i` falls on character boundaries.
        *fields.get_mut(field).ok_or_else(|| corrupt("report row"))? = &joined[start..i];
        field += 1;
        start = i + 1;
        if b == 0x1e {
            if field != N {
                return Err(corrupt("report row"));
            }
            each(fields)?;
            field = 0;
        }
    }
    Ok(())
}

/// One allocation per distinct category or team name, not one per case.
fn shared<'a>(names: &mut std::collections::HashMap<&'a str, Arc<str>>, name: &'a str) -> Arc<str> {
    names.entry(name).or_insert_with(|| Arc::from(name)).clone()
}

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
) -> Result<(Vec<CaseFacts>, Vec<ActionFacts>), StoreError> {
    let (from_s, to_s) = (from.to_string(), to.to_string());
    // One row holding every case's facts, each case's already joined by the index
    // `cases_report` (migration 20261126000007, whose expressions these must match exactly):
    // sqlx costs a few microseconds per row, which over 100,000 rows is most of a second, and
    // joining the columns at read time cost SQLite as much again. Reading the joined facts from
    // the narrow index and splitting one string in Rust costs a few tens of milliseconds
    // (measured in BENCHMARKS.md, "Quarterly report"). Cases received by `to` that were still
    // open, or had a deadline or a decision on or after `from`; a deadline is never before the
    // day of receipt, so a case received in the periods qualifies by its deadlines.
    let joined: Option<String> = sqlx::query_scalar(
        "SELECT group_concat(kind || char(31) || category || char(31) || team || char(31) || \
         channel || char(31) || status || char(31) || received_on || char(31) || acknowledge_by \
         || char(31) || outcome_due || char(31) || coalesce(revised_due, '') || char(31) || \
         coalesce(substr(acknowledged_at, 1, 16), '') || char(31) || coalesce(substr(outcome_sent_at, 1, 16), '') || char(31) \
         || coalesce(substr(closed_at, 1, 16), '') || char(31) || coalesce(outcome_category, '') || char(31) || \
         coalesce(json_extract(ending, '$.ending'), '') || char(31) || (handler IS NOT NULL), \
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
    each_record(joined.as_deref().unwrap_or(""), |f: [&str; 15]| {
        let day = |s: &str, what: &str| read_date(s).ok_or_else(|| corrupt(what));
        cases.push(CaseFacts {
            kind: CaseKind::parse(f[0]).ok_or_else(|| corrupt("kind"))?,
            category: shared(&mut names, f[1]),
            team: shared(&mut names, f[2]),
            channel: Channel::parse(f[3]).ok_or_else(|| corrupt("channel"))?,
            status: Status::parse(f[4]).ok_or_else(|| corrupt("status"))?,
            received_on: day(f[5], "received_on")?,
            acknowledge_by: day(f[6], "acknowledge_by")?,
            outcome_due: day(f[7], "outcome_due")?,
            revised_due: opt(f[8]).map(|d| day(d, "revised_due")).transpose()?,
            acknowledged_on: opt(f[9]).map(|t| bst.uk_day(t)).transpose()?,
            outcome_sent_on: opt(f[10]).map(|t| bst.uk_day(t)).transpose()?,
            closed_on: opt(f[11]).map(|t| bst.uk_day(t)).transpose()?,
            outcome: opt(f[12])
                .map(|o| OutcomeCategory::parse(o).ok_or_else(|| corrupt("outcome_category")))
                .transpose()?,
            ending: opt(f[13])
                .map(|e| Ending::parse(e).ok_or_else(|| corrupt("ending")))
                .transpose()?,
            has_handler: f[14] == "1",
        });
        Ok(())
    })?;
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
    Ok((cases, actions))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::calendar::london_date;

    #[test]
    fn joined_records_split_into_their_fields_or_are_refused() {
        let split = |joined: &str| {
            let mut out = vec![];
            each_record(joined, |f: [&str; 3]| {
                out.push(f.map(String::from));
                Ok(())
            })
            .map(|()| out)
        };
        assert_eq!(split("").unwrap(), Vec::<[String; 3]>::new());
        assert_eq!(
            split("a\u{1f}\u{1f}c").unwrap(),
            vec![["a", "", "c"].map(String::from)]
        );
        assert_eq!(
            split("a\u{1f}b\u{1f}c\u{1e}d\u{1f}e\u{1f}").unwrap(),
            vec![
                ["a", "b", "c"].map(String::from),
                ["d", "e", ""].map(String::from)
            ]
        );
        assert!(split("a\u{1f}b").is_err(), "too few fields");
        assert!(split("a\u{1f}b\u{1f}c\u{1f}d").is_err(), "too many fields");
        assert!(
            split("a\u{1f}b\u{1f}c\u{1e}\u{1e}").is_err(),
            "an empty record"
        );
    }

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
