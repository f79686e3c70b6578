//! What the reports need from SQLite: the facts every case keeps for good (they survive
//! retention), for the cases that can touch the periods asked about.

use super::sqlite::SqliteStore;
use super::sqlite_staff::{corrupt, date, opt_time, parsed};
use super::StoreError;
use app::domain::calendar::london_date;
use app::domain::casework::{EndingRecord, OutcomeCategory, Status};
use app::domain::complaint::Channel;
use app::domain::reporting::{ActionFacts, CaseFacts};
use app::domain::triage::CaseKind;
use chrono::NaiveDate;
use sqlx::Row;

/// Cases received by `to` that were still open, due or decided on or after `from` (the
/// others cannot change any figure of the periods between). One pass, no personal data.
pub(super) async fn report_facts(
    store: &SqliteStore,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<CaseFacts>, Vec<ActionFacts>), StoreError> {
    let (from_s, to_s) = (from.to_string(), to.to_string());
    let rows = sqlx::query(
        "SELECT kind, category, team, channel, status, received_on, acknowledge_by, outcome_due, \
         revised_due, acknowledged_at, outcome_sent_at, closed_at, outcome_category, ending, \
         handler IS NOT NULL AS has_handler FROM cases \
         WHERE received_on <= ?2 AND (received_on >= ?1 OR acknowledge_by >= ?1 \
           OR outcome_due >= ?1 OR revised_due >= ?1 \
           OR coalesce(outcome_sent_at, closed_at) IS NULL OR coalesce(outcome_sent_at, closed_at) >= ?1)",
    )
    .bind(&from_s)
    .bind(&to_s)
    .fetch_all(&store.readers)
    .await?;
    let day = |r: &sqlx::sqlite::SqliteRow, c: &str| -> Result<Option<NaiveDate>, StoreError> {
        Ok(opt_time(r, c)?.map(london_date))
    };
    let cases = rows
        .iter()
        .map(|r| {
            let revised: Option<String> = r.try_get("revised_due")?;
            let outcome: Option<String> = r.try_get("outcome_category")?;
            let ending: Option<String> = r.try_get("ending")?;
            Ok(CaseFacts {
                kind: parsed(r, "kind", CaseKind::parse)?,
                category: r.try_get("category")?,
                team: r.try_get("team")?,
                channel: parsed(r, "channel", Channel::parse)?,
                status: parsed(r, "status", Status::parse)?,
                received_on: date(r, "received_on")?,
                acknowledge_by: date(r, "acknowledge_by")?,
                outcome_due: date(r, "outcome_due")?,
                revised_due: revised
                    .map(|d| {
                        NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                            .map_err(|_| corrupt("revised_due"))
                    })
                    .transpose()?,
                acknowledged_on: day(r, "acknowledged_at")?,
                outcome_sent_on: day(r, "outcome_sent_at")?,
                closed_on: day(r, "closed_at")?,
                outcome: outcome
                    .map(|o| OutcomeCategory::parse(&o).ok_or_else(|| corrupt("outcome_category")))
                    .transpose()?,
                ending: ending
                    .map(|e| {
                        serde_json::from_str::<EndingRecord>(&e)
                            .map(|e| e.ending)
                            .map_err(|_| corrupt("ending"))
                    })
                    .transpose()?,
                has_handler: r.try_get("has_handler")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
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
