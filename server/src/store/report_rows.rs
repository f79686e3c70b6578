//! The report's rows as the databases hand them over: every case's facts joined into one
//! text (one row, not 100,000: a driver costs microseconds per row), split here in one pass.
//! Both stores join with the same separators.

use super::StoreError;
use app::domain::casework::{Ending, OutcomeCategory, Status};
use app::domain::complaint::Channel;
use app::domain::reporting::{CaseFacts, ReviewFacts};
use app::domain::triage::CaseKind;
use app::domain::wire::read_date;
use chrono::NaiveDate;
use std::sync::Arc;

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// An empty field is a missing value.
pub(super) fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// Calls `each` with the fields of every record of the joined text, in one pass over its
/// bytes: records end at RS (0x1e) and fields at US (0x1f), control characters that no stored
/// value contains. (Splitting by records and then by fields cost twice as long.)
pub(super) fn each_record<'a, const N: usize>(
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
pub(super) fn shared<'a>(
    names: &mut std::collections::HashMap<&'a str, Arc<str>>,
    name: &'a str,
) -> Arc<str> {
    names.entry(name).or_insert_with(|| Arc::from(name)).clone()
}

/// One case's facts from its 17 joined fields (the order both stores' queries give);
/// `uk_day` reads a decision's day (the stores keep timestamps differently).
pub(super) fn case_facts<'a>(
    f: [&'a str; 17],
    names: &mut std::collections::HashMap<&'a str, Arc<str>>,
    mut uk_day: impl FnMut(&str) -> Result<NaiveDate, StoreError>,
) -> Result<CaseFacts, StoreError> {
    let day = |s: &str, what: &str| read_date(s).ok_or_else(|| corrupt(what));
    Ok(CaseFacts {
        kind: CaseKind::parse(f[0]).ok_or_else(|| corrupt("kind"))?,
        category: shared(names, f[1]),
        team: shared(names, f[2]),
        channel: Channel::parse(f[3]).ok_or_else(|| corrupt("channel"))?,
        status: Status::parse(f[4]).ok_or_else(|| corrupt("status"))?,
        received_on: day(f[5], "received_on")?,
        acknowledge_by: day(f[6], "acknowledge_by")?,
        outcome_due: day(f[7], "outcome_due")?,
        revised_due: opt(f[8]).map(|d| day(d, "revised_due")).transpose()?,
        acknowledged_on: opt(f[9]).map(&mut uk_day).transpose()?,
        outcome_sent_on: opt(f[10]).map(&mut uk_day).transpose()?,
        closed_on: opt(f[11]).map(&mut uk_day).transpose()?,
        outcome: opt(f[12])
            .map(|o| OutcomeCategory::parse(o).ok_or_else(|| corrupt("outcome_category")))
            .transpose()?,
        ending: opt(f[13])
            .map(|e| Ending::parse(e).ok_or_else(|| corrupt("ending")))
            .transpose()?,
        assigned_on: opt(f[14]).map(&mut uk_day).transpose()?,
        paused_since: opt(f[15]).map(|d| day(d, "waiting_since")).transpose()?,
        paused_days: f[16].parse().map_err(|_| corrupt("paused_days"))?,
    })
}

/// A review's ending from its UK day and the ids of its outcome category and ending.
pub(super) fn review_facts(
    ended_on: NaiveDate,
    outcome: &str,
    ending: &str,
) -> Result<ReviewFacts, StoreError> {
    Ok(ReviewFacts {
        ended_on,
        outcome: opt(outcome)
            .map(|o| OutcomeCategory::parse(o).ok_or_else(|| corrupt("outcome_category")))
            .transpose()?,
        ending: opt(ending)
            .map(|e| Ending::parse(e).ok_or_else(|| corrupt("ending")))
            .transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
