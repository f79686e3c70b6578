//! The procedure beyond the straight line, on SQLite: endings, progress updates, reviews and
//! actions marked done. Each is one transaction with its letter, its message, its history
//! entry and its audit entry, and applies only if the case is still as the form saw it.

use super::sqlite::SqliteStore;
use super::sqlite_staff::{
    audit_in, corrupt, date, event_in, letter_in, opt_time, queue_in, queued_detail, rfc3339, time,
};
use super::staff::{Applied, CaseFile, FlagWork, Review, StoredCorrection, StoredUpdate};
use super::StoreError;
use app::domain::casework::{Correction, EndingRecord, Outcome, ProgressUpdate};
use app::domain::letter::{Letter, LetterKind};
use app::domain::messages::{MessageKind, Route};
use app::domain::text::{limits, Lines, Text};
use chrono::{NaiveDate, Utc};
use sqlx::{Row, SqlitePool};

/// Ends a change: its history entry and its audit entry, in its transaction, then commits.
async fn recorded(
    mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    case: &CaseFile,
    at: &str,
    actor: &str,
    event: &str,
    action: &str,
    detail: &str,
) -> Result<Applied, StoreError> {
    let id = case.id.to_string();
    event_in(&mut tx, &id, at, event, actor, Some(detail)).await?;
    let reference = case.reference.compact();
    audit_in(&mut tx, at, actor, action, Some(&reference), Some(detail)).await?;
    tx.commit().await?;
    Ok(Applied::Done)
}

/// The letter and, when it has a route, its message; the words for the history.
async fn letter_and_message(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: &str,
    kind: LetterKind,
    message: MessageKind,
    letter: &Letter,
    route: Option<Route>,
    at: &str,
) -> Result<String, sqlx::Error> {
    let letter_id = letter_in(tx, id, kind, at, letter).await?;
    Ok(match route {
        Some(route) => {
            queue_in(tx, id, message, route, letter_id, at).await?;
            format!("letter {}", queued_detail(route))
        }
        None => "letter to send by hand (no written address)".to_string(),
    })
}

pub(super) async fn end_case(
    store: &SqliteStore,
    case: &CaseFile,
    record: &EndingRecord,
    letter: &Letter,
    route: Option<Route>,
    actor: &str,
) -> Result<Applied, StoreError> {
    let at = rfc3339(Utc::now());
    let id = case.id.to_string();
    let json = serde_json::to_string(record).map_err(|_| corrupt("ending"))?;
    let mut tx = store.staff_writer.begin().await?;
    let moved = sqlx::query(
        "UPDATE cases SET status = 'closed', closed_at = ?, ending = ? WHERE id = ? AND status = ?",
    )
    .bind(&at)
    .bind(&json)
    .bind(&id)
    .bind(case.status.id())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok(Applied::Stale);
    }
    let sent = letter_and_message(
        &mut tx,
        &id,
        LetterKind::Ending,
        MessageKind::Ending,
        letter,
        route,
        &at,
    )
    .await?;
    let detail = format!("{}; {sent}", record.history());
    recorded(tx, case, &at, actor, "closed", "status: closed", &detail).await
}

pub(super) async fn update_progress(
    store: &SqliteStore,
    case: &CaseFile,
    update: &ProgressUpdate,
    letter: &Letter,
    route: Option<Route>,
    actor: &str,
) -> Result<Applied, StoreError> {
    let at = rfc3339(Utc::now());
    let id = case.id.to_string();
    let revised = update.revised_on.to_string();
    let mut tx = store.staff_writer.begin().await?;
    let moved = sqlx::query("UPDATE cases SET revised_due = ? WHERE id = ? AND status = ?")
        .bind(&revised)
        .bind(&id)
        .bind(case.status.id())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if moved == 0 {
        return Ok(Applied::Stale);
    }
    sqlx::query(
        "INSERT INTO progress_updates (case_id, at, author, progress, revised_on, why) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&at)
    .bind(actor)
    .bind(update.progress.as_str())
    .bind(&revised)
    .bind(update.why.as_str())
    .execute(&mut *tx)
    .await?;
    let sent = letter_and_message(
        &mut tx,
        &id,
        LetterKind::ProgressUpdate,
        MessageKind::ProgressUpdate,
        letter,
        route,
        &at,
    )
    .await?;
    let detail = format!("outcome now expected by {revised}; {sent}");
    recorded(
        tx,
        case,
        &at,
        actor,
        "progress update",
        "progress update",
        &detail,
    )
    .await
}

pub(super) async fn reclassify(
    store: &SqliteStore,
    case: &CaseFile,
    to: app::domain::triage::CaseKind,
    deadlines: &app::domain::calendar::Deadlines,
    reason: &str,
    actor: &str,
) -> Result<Applied, StoreError> {
    let at = rfc3339(Utc::now());
    let mut tx = store.staff_writer.begin().await?;
    let changed = sqlx::query(
        "UPDATE cases SET kind = ?, status = 'received', acknowledged_at = NULL, \
         acknowledge_by = ?, outcome_due = ?, reclassified_reason = ? \
         WHERE id = ? AND kind = ? AND status = ?",
    )
    .bind(to.id())
    .bind(deadlines.acknowledge_by.to_string())
    .bind(deadlines.outcome_due.to_string())
    .bind(reason)
    .bind(case.id.to_string())
    .bind(case.kind.id())
    .bind(case.status.id())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(Applied::Stale);
    }
    let detail = super::staff::reclassified_detail(case.kind, to);
    recorded(
        tx,
        case,
        &at,
        actor,
        "reclassified",
        "reclassified",
        &detail,
    )
    .await
}

pub(super) async fn record_investigation(
    store: &SqliteStore,
    case: &CaseFile,
    investigation: &app::domain::casework::Investigation,
    event: &str,
    actor: &str,
) -> Result<Applied, StoreError> {
    let at = rfc3339(Utc::now());
    let id = case.id.to_string();
    let mut tx = store.staff_writer.begin().await?;
    // Only over the record as it was read: two people saving at once do not lose either's.
    let saved = sqlx::query(
        "UPDATE cases SET investigation = ? WHERE id = ? AND status = ? AND investigation IS ?",
    )
    .bind(super::staff::investigation_json(investigation)?)
    .bind(&id)
    .bind(case.status.id())
    .bind(super::staff::investigation_json(&case.investigation)?)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if saved == 0 {
        return Ok(Applied::Stale);
    }
    // The history names what was recorded, never its words (SPEC "Retention").
    recorded(tx, case, &at, actor, event, event, "").await
}

pub(super) async fn reopen(
    store: &SqliteStore,
    case: &CaseFile,
    reason: &str,
    outcome_due: NaiveDate,
    actor: &str,
) -> Result<Applied, StoreError> {
    let at = rfc3339(Utc::now());
    let id = case.id.to_string();
    let mut tx = store.staff_writer.begin().await?;
    // What it was closed with goes to the review's record before the case is cleared.
    let kept = sqlx::query(
        "INSERT INTO case_reviews (case_id, opened_at, opened_by, reason, outcome, \
         outcome_category, outcome_sent_at, ending, resolution, closed_at, outcome_due) \
         SELECT id, ?, ?, ?, outcome, outcome_category, outcome_sent_at, ending, resolution, \
         closed_at, outcome_due FROM cases WHERE id = ? AND status = 'closed' AND status = ?",
    )
    .bind(&at)
    .bind(actor)
    .bind(reason)
    .bind(&id)
    .bind(case.status.id())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if kept == 0 {
        return Ok(Applied::Stale);
    }
    sqlx::query(
        &format!("UPDATE cases SET status = 'investigating', investigating_at = ?, {}, outcome = NULL, \
         outcome_category = NULL, outcome_sent_at = NULL, ending = NULL, resolution = NULL, \
         closed_at = NULL, revised_due = NULL, handler_confirmed_at = NULL, outcome_due = ? WHERE id = ?",
            super::keep_first_decision("json_extract(ending, '$.ending')")
        ),
    )
    .bind(&at)
    .bind(outcome_due.to_string())
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    // The reason is on the review's record (which retention reduces), not in the history.
    let detail = format!("new outcome target {outcome_due}");
    recorded(
        tx,
        case,
        &at,
        actor,
        "reopened for review",
        "reopened for review",
        &detail,
    )
    .await
}

pub(super) async fn action_done(
    store: &SqliteStore,
    case: &CaseFile,
    action_id: i64,
    done_on: NaiveDate,
    note: Option<&str>,
    actor: &str,
) -> Result<Applied, StoreError> {
    let at = rfc3339(Utc::now());
    let id = case.id.to_string();
    let mut tx = store.staff_writer.begin().await?;
    let Some(_kind) = sqlx::query_scalar::<_, String>(
        "UPDATE case_actions SET done_on = ?, done_note = ?, done_by = ? \
         WHERE id = ? AND case_id = ? AND done_on IS NULL RETURNING kind",
    )
    .bind(done_on.to_string())
    .bind(note)
    .bind(actor)
    .bind(action_id)
    .bind(&id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Applied::Stale);
    };
    // The action by its number: its words are in the case file, not the history.
    let detail = format!("action {action_id} done {done_on}");
    recorded(tx, case, &at, actor, "action done", "action done", &detail).await
}

pub(super) async fn link_lodged(
    store: &SqliteStore,
    report: &CaseFile,
    complaint: &app::domain::reference::Reference,
    actor: &str,
) -> Result<Applied, StoreError> {
    let at = rfc3339(Utc::now());
    let id = report.id.to_string();
    let mut tx = store.staff_writer.begin().await?;
    let linked = sqlx::query(
        "UPDATE cases SET lodged_as = ? WHERE id = ? AND kind = 'breach_report' AND lodged_as IS NULL",
    )
    .bind(complaint.compact())
    .bind(&id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if linked == 0 {
        return Ok(Applied::Stale);
    }
    let Some(new_id) = sqlx::query_scalar::<_, String>(
        "UPDATE cases SET lodged_from = ? WHERE reference = ? RETURNING id",
    )
    .bind(report.reference.compact())
    .bind(complaint.compact())
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Applied::Stale);
    };
    let detail = format!("complaint {complaint} lodged after the breach outcome");
    event_in(&mut tx, &id, &at, "complaint lodged", actor, Some(&detail)).await?;
    let from = format!(
        "lodged after the outcome of breach report {}",
        report.reference
    );
    event_in(
        &mut tx,
        &new_id,
        &at,
        "from a breach report",
        actor,
        Some(&from),
    )
    .await?;
    let reference = report.reference.compact();
    audit_in(
        &mut tx,
        &at,
        actor,
        "complaint lodged from a breach report",
        Some(&reference),
        Some(&detail),
    )
    .await?;
    tx.commit().await?;
    Ok(Applied::Done)
}

pub(super) async fn correct(
    store: &SqliteStore,
    case: &CaseFile,
    correction: &Correction,
    actor: &str,
) -> Result<Applied, StoreError> {
    let at = rfc3339(Utc::now());
    let id = case.id.to_string();
    let before = serde_json::to_string(&case.complaint).map_err(|_| corrupt("complaint"))?;
    let after = serde_json::to_string(&correction.complaint).map_err(|_| corrupt("complaint"))?;
    let changes = serde_json::to_string(&correction.changes).map_err(|_| corrupt("changes"))?;
    let consents = &correction.complaint.consents;
    let mut tx = store.staff_writer.begin().await?;
    // Only over the details the form was filled in on: a correction made meanwhile wins.
    let changed = sqlx::query(
        "UPDATE cases SET complaint = ?, complainant_name = ?, consent_share = ?, \
         survey_opt_out = ?, publication_opt_out = ? WHERE id = ? AND complaint = ?",
    )
    .bind(&after)
    .bind(correction.complaint.complainant.full_name.as_str())
    .bind(consents.share_with_organisation)
    .bind(consents.survey_opt_out)
    .bind(consents.publication_opt_out)
    .bind(&id)
    .bind(&before)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(Applied::Stale);
    }
    sqlx::query(
        "INSERT INTO case_corrections (case_id, at, actor, reason, changes) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&at)
    .bind(actor)
    .bind(correction.reason.as_str())
    .bind(&changes)
    .execute(&mut *tx)
    .await?;
    // The history and the audit trail name the fields, never their values.
    let fields: Vec<&str> = correction
        .changes
        .iter()
        .map(|c| c.label.as_str())
        .collect();
    let detail = format!("changed: {}", fields.join(", "));
    recorded(
        tx,
        case,
        &at,
        actor,
        "details corrected",
        "corrected details",
        &detail,
    )
    .await
}

pub(super) async fn work_flag(
    store: &SqliteStore,
    case: &CaseFile,
    work: &FlagWork,
    actor: &str,
) -> Result<Applied, StoreError> {
    let at = rfc3339(Utc::now());
    let id = case.id.to_string();
    // Each is recorded once: a second recording (a double click, a colleague) changes nothing.
    let (column, on, how, event) = work.record();
    let mut tx = store.staff_writer.begin().await?;
    let sql = format!(
        "UPDATE cases SET {column} = ?, identity_verified_how = coalesce(?, identity_verified_how) \
         WHERE id = ? AND {column} IS NULL"
    );
    let changed = sqlx::query(&sql)
        .bind(on.to_string())
        .bind(how)
        .bind(&id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Ok(Applied::Stale);
    }
    let detail = work.history();
    recorded(tx, case, &at, actor, event, event, &detail).await
}

pub(super) async fn corrections_of(
    pool: &SqlitePool,
    id: &str,
) -> Result<Vec<StoredCorrection>, StoreError> {
    sqlx::query(
        "SELECT at, actor, reason, changes FROM case_corrections WHERE case_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let changes: String = r.try_get("changes")?;
        Ok(StoredCorrection {
            at: time(r, "at")?,
            actor: r.try_get("actor")?,
            reason: r.try_get("reason")?,
            changes: serde_json::from_str(&changes).map_err(|_| corrupt("changes"))?,
        })
    })
    .collect()
}

/// The case's progress updates, oldest first.
pub(super) async fn updates_of(
    pool: &SqlitePool,
    id: &str,
) -> Result<Vec<StoredUpdate>, StoreError> {
    sqlx::query(
        "SELECT at, author, progress, revised_on, why FROM progress_updates WHERE case_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let text = |c: &str| -> Result<Text, StoreError> {
            let raw: String = r.try_get(c)?;
            Text::parse(&raw, c, c, limits::DESCRIPTION, Lines::Many)
                .ok()
                .flatten()
                .ok_or_else(|| corrupt(c))
        };
        Ok(StoredUpdate {
            at: time(r, "at")?,
            author: r.try_get("author")?,
            update: ProgressUpdate {
                progress: text("progress")?,
                revised_on: date(r, "revised_on")?,
                why: text("why")?,
            },
        })
    })
    .collect()
}

/// The case's earlier closures, oldest first.
pub(super) async fn reviews_of(pool: &SqlitePool, id: &str) -> Result<Vec<Review>, StoreError> {
    sqlx::query("SELECT * FROM case_reviews WHERE case_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            let outcome: Option<String> = r.try_get("outcome")?;
            let ending: Option<String> = r.try_get("ending")?;
            Ok(Review {
                opened_at: time(r, "opened_at")?,
                opened_by: r.try_get("opened_by")?,
                reason: r.try_get("reason")?,
                outcome: outcome
                    .map(|o| {
                        serde_json::from_str::<Outcome>(&o).map_err(|_| corrupt("review outcome"))
                    })
                    .transpose()?,
                outcome_sent_at: opt_time(r, "outcome_sent_at")?,
                ending: ending
                    .map(|e| {
                        serde_json::from_str::<EndingRecord>(&e)
                            .map_err(|_| corrupt("review ending"))
                    })
                    .transpose()?,
                closed_at: opt_time(r, "closed_at")?,
                outcome_due: date(r, "outcome_due")?,
            })
        })
        .collect()
}
