//! What the reports need from SQLite: the facts every case keeps for good (they survive
//! retention), for the cases that can touch the periods asked about.

use super::sqlite::SqliteStore;
use super::sqlite_staff::{corrupt, date, opt_time};
use super::StoreError;
use app::domain::calendar::london_date;
use app::domain::casework::{Ending, OutcomeCategory, Status};
use app::domain::complaint::Channel;
use app::domain::reporting::{ActionFacts, CaseFacts};
use app::domain::triage::CaseKind;
use app::domain::wire::read_date;
use chrono::Datelike;
use chrono::NaiveDate;
use sqlx::Row;

/// An empty field is a missing value.
fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// The UK day of a stored UTC timestamp ("2026-10-01T23:30:00.000000Z"), without a time-zone
/// lookup per row: British Summer Time runs from 01:00 UTC on the last Sunday of March to
/// 01:00 UTC on the last Sunday of October, and only then does an hour of 23 move the day on.
/// Checked against `calendar::london_date` by `uk_days_agree_with_the_calendar`.
#[derive(Default)]
struct BstCache {
    years: std::collections::HashMap<i32, (String, String)>,
}

impl BstCache {
    fn uk_day(&mut self, stored: &str) -> Result<NaiveDate, StoreError> {
        let bad = || corrupt("timestamp");
        let date = stored.get(..10).and_then(read_date).ok_or_else(bad)?;
        let hour: u32 = stored
            .get(11..13)
            .and_then(|h| h.parse().ok())
            .ok_or_else(bad)?;
        let (start, end) = self.years.entry(date.year()).or_insert_with(|| {
            let last_sunday = |month: u32| {
                let last = NaiveDate::from_ymd_opt(date.year(), month, 31).expect("31 days");
                last - chrono::Days::new(last.weekday().num_days_from_sunday().into())
            };
            (
                format!("{}T01:00", last_sunday(3)),
                format!("{}T01:00", last_sunday(10)),
            )
        });
        let summer = stored >= start.as_str() && stored < end.as_str();
        Ok(if summer && hour == 23 {
            date.succ_opt().ok_or_else(bad)?
        } else {
            date
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_days_agree_with_the_calendar() {
        let mut cache = BstCache::default();
        // Every 7 minutes across three years, through six clock changes.
        let mut t: chrono::DateTime<chrono::Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let end: chrono::DateTime<chrono::Utc> = "2029-01-01T00:00:00Z".parse().unwrap();
        while t < end {
            let stored = t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            assert_eq!(cache.uk_day(&stored).unwrap(), london_date(t), "{stored}");
            t += chrono::Duration::minutes(7);
        }
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
    // One row holding every case's facts, joined by control characters: sqlx costs a few
    // microseconds per row, which over 100,000 rows is most of a second; splitting one string
    // in Rust costs a few milliseconds (measured in BENCHMARKS.md, "Quarterly report").
    let joined: Option<String> = sqlx::query_scalar(
        "SELECT group_concat(kind || char(31) || category || char(31) || team || char(31) || \
         channel || char(31) || status || char(31) || received_on || char(31) || acknowledge_by \
         || char(31) || outcome_due || char(31) || coalesce(revised_due, '') || char(31) || \
         coalesce(acknowledged_at, '') || char(31) || coalesce(outcome_sent_at, '') || char(31) \
         || coalesce(closed_at, '') || char(31) || coalesce(outcome_category, '') || char(31) || \
         coalesce(json_extract(ending, '$.ending'), '') || char(31) || (handler IS NOT NULL), \
         char(30)) FROM cases \
         WHERE received_on <= ?2 AND (received_on >= ?1 OR acknowledge_by >= ?1 \
           OR outcome_due >= ?1 OR revised_due >= ?1 \
           OR coalesce(outcome_sent_at, closed_at) IS NULL OR coalesce(outcome_sent_at, closed_at) >= ?1)",
    )
    .bind(&from_s)
    .bind(&to_s)
    .fetch_one(&store.readers)
    .await?;
    let mut bst = BstCache::default();
    let mut cases = Vec::new();
    for record in joined
        .as_deref()
        .unwrap_or("")
        .split('\u{1e}')
        .filter(|r| !r.is_empty())
    {
        let f: Vec<&str> = record.split('\u{1f}').collect();
        if f.len() != 15 {
            return Err(corrupt("report row"));
        }
        let day = |s: &str, what: &str| read_date(s).ok_or_else(|| corrupt(what));
        cases.push(CaseFacts {
            kind: CaseKind::parse(f[0]).ok_or_else(|| corrupt("kind"))?,
            category: f[1].to_string(),
            team: f[2].to_string(),
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
    }
    let actions = sqlx::query(
        "SELECT created_at, due_on, done_on FROM case_actions WHERE created_at <= ?2 || 'T99' \
         AND (done_on IS NULL OR done_on >= ?1)",
    )
    .bind(&from_s)
    .bind(&to_s)
    .fetch_all(&store.readers)
    .await?
    .iter()
    .map(|r| {
        let done: Option<String> = r.try_get("done_on")?;
        Ok(ActionFacts {
            raised_on: london_date(
                opt_time(r, "created_at")?.ok_or_else(|| corrupt("created_at"))?,
            ),
            due_on: date(r, "due_on")?,
            done_on: done
                .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("done_on")))
                .transpose()?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((cases, actions))
}
