//! The seed 004 procedure: every change to a case (`CaseChange`) in one transaction with its
//! history entry, its audit entry and any letter and message, and only while the case is as
//! the change expects. `apply` is that skeleton, once; `write` and the functions after it
//! write the rows each change touches, and say whether the case was as expected.

use super::{audit_in, event_in, to_json, Id, Store, Ts, Tx};
use crate::store::dialect::Dialect;
use crate::store::staff::*;
use crate::store::StoreError;
use app::domain::casework::{
    Action, ActionKind, Clock, Closure, Investigation, NoteKind, Outcome, ProgressUpdate, WaitStep,
};
use app::domain::letter::{Letter, LetterKind};
use app::domain::messages::{MessageKind, Route};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

#[async_trait]
impl Procedure for Store {
    async fn apply(
        &self,
        case: &CaseFile,
        change: &CaseChange,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        // Not as expected: the transaction is dropped, so nothing of it is kept.
        if !write(&mut tx, case, change, at, actor).await? {
            return Ok(Applied::Stale);
        }
        let entry = change.entry();
        let detail = entry.detail.as_deref();
        event_in(&mut tx, case.id, at, &entry.event, Some(actor), detail).await?;
        let reference = case.reference.compact();
        audit_in(&mut tx, at, actor, &entry.action, Some(&reference), detail).await?;
        tx.commit().await?;
        Ok(Applied::Done)
    }
}

/// The rows of one change; false when the case is not as the change expects.
async fn write(
    tx: &mut Tx<'_>,
    case: &CaseFile,
    change: &CaseChange,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<bool, StoreError> {
    use CaseChange as C;
    let id = case.id;
    match change {
        C::Note { kind, body } => note(tx, id, *kind, body, at, actor).await,
        C::Assign { handler, confirmed } => assign(tx, case, handler, *confirmed, at).await,
        C::ConfirmIndependence => confirm(tx, id, at, actor).await,
        C::Acknowledge { .. } | C::Investigate | C::SendOutcome { .. } | C::Close { .. } => {
            status_move(tx, case, change, at).await
        }
        C::End {
            record,
            letter,
            route,
        } => {
            // Nothing is waited for once the case has ended.
            let moved = sqlx::query(
                "UPDATE cases SET status = 'closed', closed_at = $1, ending = $2, \
                 waiting_since = NULL, clock_stopped = false, reminded_on = NULL \
                 WHERE id = $3 AND status = $4",
            )
            .bind(Ts(at))
            .bind(to_json(record, "ending")?)
            .bind(Id(id))
            .bind(case.status.id())
            .execute(&mut **tx)
            .await?;
            let sends = (LetterKind::Ending, MessageKind::Ending);
            Ok(moved.rows_affected() > 0
                && letter_and_message(tx, id, sends, letter, *route, at).await?)
        }
        C::Progress {
            update,
            letter,
            route,
        } => progress(tx, case, update, (letter, *route), at, actor).await,
        C::Reclassify {
            to,
            deadlines,
            reason,
            ..
        } => Ok(sqlx::query(
            "UPDATE cases SET kind = $1, status = 'received', acknowledged_at = NULL, \
             acknowledge_by = $2, outcome_due = $3, reclassified_reason = $4 \
             WHERE id = $5 AND kind = $6 AND status = $7",
        )
        .bind(to.id())
        .bind(deadlines.acknowledge_by)
        .bind(deadlines.outcome_due)
        .bind(reason)
        .bind(Id(id))
        .bind(case.kind.id())
        .bind(case.status.id())
        .execute(&mut **tx)
        .await?
        .rows_affected()
            > 0),
        C::Investigation { record, .. } => investigation(tx, case, record).await,
        C::Reopen {
            reason,
            outcome_due,
        } => reopen(tx, case, reason, *outcome_due, at, actor).await,
        C::Wait {
            before,
            after,
            step,
        } => wait(tx, case, (before, after), step, at).await,
        C::Label { before, incident } => Ok(sqlx::query(
            "UPDATE cases SET incident = $1 WHERE id = $2 AND incident IS NOT DISTINCT FROM $3",
        )
        .bind(incident)
        .bind(Id(case.id))
        .bind(before)
        .execute(&mut **tx)
        .await?
        .rows_affected()
            > 0),
        C::ActionDone { .. } | C::Mp(_) | C::Flag(_) | C::Correct(_) | C::LinkLodged { .. } => {
            super::case_records::write(tx, case, change, at, actor).await
        }
    }
}

async fn letter_in(
    tx: &mut Tx<'_>,
    case_id: Uuid,
    kind: LetterKind,
    at: DateTime<Utc>,
    letter: &Letter,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO letters (case_id, kind, created_at, subject, body) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(Id(case_id))
    .bind(kind.id())
    .bind(Ts(at))
    .bind(&letter.subject)
    .bind(&letter.body)
    .fetch_one(&mut **tx)
    .await
}

/// Queues a letter's message in the same transaction as the change that made the letter;
/// its key is the case, the kind and the next number, so it is never queued twice.
async fn queue_in(
    tx: &mut Tx<'_>,
    case_id: Uuid,
    kind: MessageKind,
    route: Route,
    letter_id: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (message_key, case_id, kind, audience, channel, letter_id, status, \
         next_attempt_at, created_at) VALUES (CAST($1 AS TEXT) || ':' || $2 || ':' || (1 + (SELECT COUNT(*) \
         FROM outbox WHERE case_id = $1 AND kind = $2 AND audience = 'complainant')), $1, $2, \
         'complainant', $3, $4, 'waiting', $5, $5)",
    )
    .bind(Id(case_id))
    .bind(kind.id())
    .bind(route.id())
    .bind(letter_id)
    .bind(Ts(at))
    .execute(&mut **tx)
    .await?;
    // Complained through an MP: a copy to the MP, by email where we have theirs, else post.
    sqlx::query(&format!(
        "INSERT INTO outbox (message_key, case_id, kind, audience, channel, letter_id, status, \
         next_attempt_at, created_at) SELECT CAST($1 AS TEXT) || ':' || $2 || ':mp:' || (1 + (SELECT COUNT(*) \
         FROM outbox WHERE case_id = $1 AND kind = $2 AND audience = 'mp')), $1, $2, 'mp', \
         CASE WHEN {} IS NOT NULL THEN 'email' ELSE 'post' END, \
         $3, 'waiting', $4, $4 FROM cases WHERE id = $1 AND mp_contact IS NOT NULL",
        Store::json_text("mp_contact", &["email"])
    ))
    .bind(Id(case_id))
    .bind(kind.id())
    .bind(letter_id)
    .bind(Ts(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The letter and, when it has a route, its message (always true: for `write`'s answer).
async fn letter_and_message(
    tx: &mut Tx<'_>,
    id: Uuid,
    (kind, message): (LetterKind, MessageKind),
    letter: &Letter,
    route: Option<Route>,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let letter_id = letter_in(tx, id, kind, at, letter).await?;
    if let Some(route) = route {
        queue_in(tx, id, message, route, letter_id, at).await?;
    }
    Ok(true)
}

async fn actions_in(
    tx: &mut Tx<'_>,
    case_id: Uuid,
    kind: ActionKind,
    at: DateTime<Utc>,
    actions: &[Action],
) -> Result<(), sqlx::Error> {
    for a in actions {
        sqlx::query(
            "INSERT INTO case_actions (case_id, kind, description, owner, due_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Id(case_id))
        .bind(kind.id())
        .bind(a.description.as_str())
        .bind(a.owner.as_str())
        .bind(a.due_on)
        .bind(Ts(at))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn note(
    tx: &mut Tx<'_>,
    id: Uuid,
    kind: NoteKind,
    body: &str,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<bool, StoreError> {
    sqlx::query(
        "INSERT INTO case_notes (case_id, at, author, kind, body) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(Id(id))
    .bind(Ts(at))
    .bind(actor)
    .bind(kind.id())
    .bind(body)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Only if nobody re-assigned the case meanwhile, and never a closed one.
async fn assign(
    tx: &mut Tx<'_>,
    case: &CaseFile,
    handler: &str,
    confirmed: bool,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "UPDATE cases SET handler = $1, handler_confirmed_at = $2, \
         assigned_at = coalesce(assigned_at, $5) \
         WHERE id = $3 AND handler IS NOT DISTINCT FROM $4 AND status <> 'closed'",
    )
    .bind(handler)
    .bind(confirmed.then_some(Ts(at)))
    .bind(Id(case.id))
    .bind(&case.handler)
    .bind(Ts(at))
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() > 0)
}

/// The assigned handler, once (seed 004 §30).
async fn confirm(
    tx: &mut Tx<'_>,
    id: Uuid,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "UPDATE cases SET handler_confirmed_at = $1 \
         WHERE id = $2 AND handler = $3 AND handler_confirmed_at IS NULL",
    )
    .bind(Ts(at))
    .bind(Id(id))
    .bind(actor)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() > 0)
}

/// Acknowledge, investigate, send the outcome, close: only from the status the form saw.
async fn status_move(
    tx: &mut Tx<'_>,
    case: &CaseFile,
    change: &CaseChange,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let id = case.id;
    let Some(target) = change.target() else {
        return Ok(false);
    };
    let Some(stamp) = stamp_column(target) else {
        return Ok(false);
    };
    // A change that queues a letter leaves the status as it is until the letter has gone
    // (the outbox moves the case on then); the update still checks nobody moved it first.
    let result = if change.queues().is_some() {
        sqlx::query("UPDATE cases SET status = status WHERE id = $1 AND status = $2")
            .bind(Id(id))
            .bind(case.status.id())
            .execute(&mut **tx)
            .await?
    } else {
        let sql =
            format!("UPDATE cases SET status = $1, {stamp} = $2 WHERE id = $3 AND status = $4");
        sqlx::query(&sql)
            .bind(target.id())
            .bind(Ts(at))
            .bind(Id(id))
            .bind(case.status.id())
            .execute(&mut **tx)
            .await?
    };
    if result.rows_affected() == 0 {
        return Ok(false);
    }
    match change {
        CaseChange::Acknowledge { letter, route } => {
            let sends = (LetterKind::Acknowledgement, MessageKind::Acknowledgement);
            letter_and_message(tx, id, sends, letter, *route, at).await?;
        }
        CaseChange::SendOutcome {
            outcome,
            letter,
            route,
        } => outcome_in(tx, id, outcome, (letter, *route), at).await?,
        CaseChange::Close { closure } => closure_in(tx, id, closure, at).await?,
        _ => {}
    }
    Ok(true)
}

async fn outcome_in(
    tx: &mut Tx<'_>,
    id: Uuid,
    outcome: &Outcome,
    (letter, route): (&Letter, Option<Route>),
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE cases SET outcome = $1, outcome_category = $2 WHERE id = $3")
        .bind(to_json(outcome, "outcome")?)
        .bind(outcome.category.id())
        .bind(Id(id))
        .execute(&mut **tx)
        .await?;
    let sends = (LetterKind::Outcome, MessageKind::Outcome);
    letter_and_message(tx, id, sends, letter, route, at).await?;
    actions_in(tx, id, ActionKind::Remedial, at, &outcome.actions).await?;
    Ok(())
}

async fn closure_in(
    tx: &mut Tx<'_>,
    id: Uuid,
    closure: &Closure,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE cases SET resolution = $1 WHERE id = $2")
        .bind(to_json(closure, "closure")?)
        .bind(Id(id))
        .execute(&mut **tx)
        .await?;
    actions_in(tx, id, ActionKind::Improvement, at, &closure.improvements).await?;
    Ok(())
}

async fn progress(
    tx: &mut Tx<'_>,
    case: &CaseFile,
    update: &ProgressUpdate,
    (letter, route): (&Letter, Option<Route>),
    at: DateTime<Utc>,
    actor: &str,
) -> Result<bool, StoreError> {
    let revised = update.revised_on;
    let moved = sqlx::query("UPDATE cases SET revised_due = $1 WHERE id = $2 AND status = $3")
        .bind(revised)
        .bind(Id(case.id))
        .bind(case.status.id())
        .execute(&mut **tx)
        .await?;
    if moved.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO progress_updates (case_id, at, author, progress, revised_on, why) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(Id(case.id))
    .bind(Ts(at))
    .bind(actor)
    .bind(update.progress.as_str())
    .bind(revised)
    .bind(update.why.as_str())
    .execute(&mut **tx)
    .await?;
    let sends = (LetterKind::ProgressUpdate, MessageKind::ProgressUpdate);
    Ok(letter_and_message(tx, case.id, sends, letter, route, at).await?)
}

/// Only over the record as it was read: two people saving at once do not lose either's.
async fn investigation(
    tx: &mut Tx<'_>,
    case: &CaseFile,
    record: &Investigation,
) -> Result<bool, StoreError> {
    let saved = sqlx::query(
        "UPDATE cases SET investigation = $1 WHERE id = $2 AND status = $3 \
         AND investigation IS NOT DISTINCT FROM $4",
    )
    .bind(investigation_json(record)?)
    .bind(Id(case.id))
    .bind(case.status.id())
    .bind(investigation_json(&case.investigation)?)
    .execute(&mut **tx)
    .await?;
    Ok(saved.rows_affected() > 0)
}

/// Waiting for the complainant (004 §24): the clock as the domain moved it, only if it is
/// still as the form saw it; a request or reminder with its letter. The first request is
/// also the triage flag's "clarification asked for", a reply its "received".
async fn wait(
    tx: &mut Tx<'_>,
    case: &CaseFile,
    (before, after): (&Clock, &Clock),
    step: &WaitStep,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let (was, now) = (before.waiting, after.waiting);
    let replied_on =
        matches!(step, WaitStep::Reply).then(|| app::domain::calendar::london_date(at));
    let moved = sqlx::query(
        "UPDATE cases SET waiting_since = $1, clock_stopped = $2, reminded_on = $3, \
         paused_days = $4, outcome_due = $5, \
         clarification_asked_on = coalesce(clarification_asked_on, $1), \
         clarification_received_on = coalesce($6, clarification_received_on) \
         WHERE id = $7 AND status = $8 AND outcome_due = $9 AND paused_days = $10 \
         AND waiting_since IS NOT DISTINCT FROM $11 AND reminded_on IS NOT DISTINCT FROM $12",
    )
    .bind(now.map(|w| w.since))
    .bind(now.is_some_and(|w| w.stopped))
    .bind(now.and_then(|w| w.reminded_on))
    .bind(after.paused_days as i32)
    .bind(after.outcome_due)
    .bind(replied_on)
    .bind(Id(case.id))
    .bind(case.status.id())
    .bind(before.outcome_due)
    .bind(before.paused_days as i32)
    .bind(was.map(|w| w.since))
    .bind(was.and_then(|w| w.reminded_on))
    .execute(&mut **tx)
    .await?;
    if moved.rows_affected() == 0 {
        return Ok(false);
    }
    match step {
        WaitStep::Ask { letter, route } => {
            let sends = (
                LetterKind::InformationRequest,
                MessageKind::InformationRequest,
            );
            letter_and_message(tx, case.id, sends, letter, *route, at).await?;
        }
        WaitStep::Remind { letter, route } => {
            let sends = (LetterKind::Reminder, MessageKind::Reminder);
            letter_and_message(tx, case.id, sends, letter, *route, at).await?;
        }
        WaitStep::Reply => {}
    }
    Ok(true)
}

/// What it was closed with goes to the review's record before the case is cleared; the
/// reason is on that record (which retention reduces), not in the history.
async fn reopen(
    tx: &mut Tx<'_>,
    case: &CaseFile,
    reason: &str,
    outcome_due: NaiveDate,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<bool, StoreError> {
    let kept = sqlx::query(
        "INSERT INTO case_reviews (case_id, opened_at, opened_by, reason, outcome, \
         outcome_category, outcome_sent_at, ending, resolution, closed_at, outcome_due) \
         SELECT id, $1, $2, $3, outcome, outcome_category, outcome_sent_at, ending, resolution, \
         closed_at, outcome_due FROM cases WHERE id = $4 AND status = 'closed' AND status = $5",
    )
    .bind(Ts(at))
    .bind(actor)
    .bind(reason)
    .bind(Id(case.id))
    .bind(case.status.id())
    .execute(&mut **tx)
    .await?;
    if kept.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(&format!(
        "UPDATE cases SET status = 'investigating', investigating_at = $1, {}, outcome = NULL, \
         outcome_category = NULL, outcome_sent_at = NULL, ending = NULL, resolution = NULL, \
         closed_at = NULL, revised_due = NULL, handler_confirmed_at = NULL, outcome_due = $2, \
         paused_days = 0, waiting_since = NULL, clock_stopped = false, reminded_on = NULL \
         WHERE id = $3",
        crate::store::keep_first_decision(&Store::json_text("ending", &["ending"]))
    ))
    .bind(Ts(at))
    .bind(outcome_due)
    .bind(Id(case.id))
    .execute(&mut **tx)
    .await?;
    Ok(true)
}
