//! The seed 004 procedure: each change moves a case on with its letters, history and audit
//! entry in one transaction, and only if the case is still as the form saw it.

use super::{audit_in, event_in, to_json, Id, Store, Ts, Tx};
use crate::store::dialect::Dialect;
use crate::store::staff::*;
use crate::store::StoreError;
use app::domain::casework::NoteKind;
use app::domain::casework::{Action, ActionKind, EndingRecord, ProgressUpdate};
use app::domain::letter::{Letter, LetterKind};
use app::domain::messages::{MessageKind, Route};
use app::domain::triage::CaseKind;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub(super) async fn letter_in(
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
pub(super) async fn queue_in(
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

pub(super) fn queued_detail(route: Route) -> &'static str {
    match route {
        Route::Email => "to be emailed",
        Route::Post => "in the print queue",
    }
}

/// The letter and, when it has a route, its message; the words for the history.
pub(super) async fn letter_and_message(
    tx: &mut Tx<'_>,
    id: Uuid,
    kind: LetterKind,
    message: MessageKind,
    letter: &Letter,
    route: Option<Route>,
    at: DateTime<Utc>,
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

pub(super) async fn actions_in(
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

/// Ends a change: its history entry and its audit entry, in its transaction, then commits.
pub(super) async fn recorded(
    mut tx: Tx<'_>,
    case: &CaseFile,
    at: DateTime<Utc>,
    actor: &str,
    event: &str,
    action: &str,
    detail: &str,
) -> Result<Applied, StoreError> {
    event_in(&mut tx, case.id, at, event, Some(actor), Some(detail)).await?;
    let reference = case.reference.compact();
    audit_in(&mut tx, at, actor, action, Some(&reference), Some(detail)).await?;
    tx.commit().await?;
    Ok(Applied::Done)
}

#[async_trait]
impl Procedure for Store {
    async fn add_note(
        &self,
        case: &CaseFile,
        kind: NoteKind,
        body: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO case_notes (case_id, at, author, kind, body) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(Id(case.id))
        .bind(Ts(now))
        .bind(actor)
        .bind(kind.id())
        .bind(body)
        .execute(&mut *tx)
        .await?;
        recorded(
            tx,
            case,
            now,
            actor,
            "note added",
            "added a note",
            kind.label(),
        )
        .await?;
        Ok(())
    }

    async fn assign(
        &self,
        case: &CaseFile,
        handler: &str,
        confirmed: bool,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        // Only if nobody re-assigned it meanwhile.
        let result = sqlx::query(
            "UPDATE cases SET handler = $1, handler_confirmed_at = $2, \
             assigned_at = coalesce(assigned_at, $5) \
             WHERE id = $3 AND handler IS NOT DISTINCT FROM $4 AND status <> 'closed'",
        )
        .bind(handler)
        .bind(confirmed.then_some(Ts(now)))
        .bind(Id(case.id))
        .bind(&case.handler)
        .bind(Ts(now))
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() == 0 {
            return Ok(Applied::Stale);
        }
        let detail = if confirmed {
            format!("{handler} (independence confirmed)")
        } else {
            format!("{handler} (awaiting their confirmation of independence)")
        };
        let (event, action) = ("handler assigned", "assigned a handler");
        recorded(tx, case, now, actor, event, action, &detail).await
    }

    async fn confirm_handler(&self, case: &CaseFile, actor: &str) -> Result<Applied, StoreError> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let result = sqlx::query(
            "UPDATE cases SET handler_confirmed_at = $1 \
             WHERE id = $2 AND handler = $3 AND handler_confirmed_at IS NULL",
        )
        .bind(Ts(now))
        .bind(Id(case.id))
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() == 0 {
            return Ok(Applied::Stale);
        }
        let event = "handler confirmed independence";
        event_in(&mut tx, case.id, now, event, Some(actor), None).await?;
        let reference = case.reference.compact();
        let action = "confirmed independence";
        audit_in(&mut tx, now, actor, action, Some(&reference), None).await?;
        tx.commit().await?;
        Ok(Applied::Done)
    }

    async fn apply(
        &self,
        case: &CaseFile,
        change: &CaseChange,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let now = Utc::now();
        let id = case.id;
        let target = change.target();
        let Some(stamp) = stamp_column(target) else {
            return Ok(Applied::Stale);
        };
        let mut tx = self.begin_write().await?;
        // A change that queues a letter leaves the status as it is until the letter has gone
        // (the outbox moves the case on then); the update still checks nobody moved it first.
        let result = if change.queues().is_some() {
            sqlx::query("UPDATE cases SET status = status WHERE id = $1 AND status = $2")
                .bind(Id(id))
                .bind(case.status.id())
                .execute(&mut *tx)
                .await?
        } else {
            let sql =
                format!("UPDATE cases SET status = $1, {stamp} = $2 WHERE id = $3 AND status = $4");
            sqlx::query(&sql)
                .bind(target.id())
                .bind(Ts(now))
                .bind(Id(id))
                .bind(case.status.id())
                .execute(&mut *tx)
                .await?
        };
        if result.rows_affected() == 0 {
            return Ok(Applied::Stale);
        }
        let (event, detail) = match change {
            CaseChange::Acknowledge { letter, route } => {
                let letter_id =
                    letter_in(&mut tx, id, LetterKind::Acknowledgement, now, letter).await?;
                match route {
                    Some(route) => {
                        let kind = MessageKind::Acknowledgement;
                        queue_in(&mut tx, id, kind, *route, letter_id, now).await?;
                        ("acknowledgement queued", queued_detail(*route).to_string())
                    }
                    None => (
                        "acknowledged",
                        "acknowledgement letter recorded".to_string(),
                    ),
                }
            }
            CaseChange::Investigate => ("investigation started", String::new()),
            CaseChange::SendOutcome {
                outcome,
                letter,
                route,
            } => {
                sqlx::query("UPDATE cases SET outcome = $1, outcome_category = $2 WHERE id = $3")
                    .bind(to_json(outcome, "outcome")?)
                    .bind(outcome.category.id())
                    .bind(Id(id))
                    .execute(&mut *tx)
                    .await?;
                let letter_id = letter_in(&mut tx, id, LetterKind::Outcome, now, letter).await?;
                actions_in(&mut tx, id, ActionKind::Remedial, now, &outcome.actions).await?;
                let label = outcome.category.label();
                match route {
                    Some(route) => {
                        queue_in(&mut tx, id, MessageKind::Outcome, *route, letter_id, now).await?;
                        let how = queued_detail(*route);
                        (
                            "outcome recorded",
                            format!("outcome: {label}; letter {how}"),
                        )
                    }
                    None => ("outcome sent", format!("outcome: {label}")),
                }
            }
            CaseChange::Close { closure } => {
                sqlx::query("UPDATE cases SET resolution = $1 WHERE id = $2")
                    .bind(to_json(closure, "closure")?)
                    .bind(Id(id))
                    .execute(&mut *tx)
                    .await?;
                let kind = ActionKind::Improvement;
                actions_in(&mut tx, id, kind, now, &closure.improvements).await?;
                let n = closure.improvements.len();
                ("closed", format!("{n} improvement action(s)"))
            }
        };
        let detail = (!detail.is_empty()).then_some(detail);
        event_in(&mut tx, id, now, event, Some(actor), detail.as_deref()).await?;
        let action = if change.queues().is_some() {
            event.to_string()
        } else {
            format!("status: {}", target.label().to_lowercase())
        };
        let reference = case.reference.compact();
        audit_in(
            &mut tx,
            now,
            actor,
            &action,
            Some(&reference),
            detail.as_deref(),
        )
        .await?;
        tx.commit().await?;
        Ok(Applied::Done)
    }

    async fn end_case(
        &self,
        case: &CaseFile,
        record: &EndingRecord,
        letter: &Letter,
        route: Option<Route>,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        let moved = sqlx::query(
            "UPDATE cases SET status = 'closed', closed_at = $1, ending = $2 \
             WHERE id = $3 AND status = $4",
        )
        .bind(Ts(at))
        .bind(to_json(record, "ending")?)
        .bind(Id(case.id))
        .bind(case.status.id())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            return Ok(Applied::Stale);
        }
        let (kind, message) = (LetterKind::Ending, MessageKind::Ending);
        let sent = letter_and_message(&mut tx, case.id, kind, message, letter, route, at).await?;
        let detail = format!("{}; {sent}", record.history());
        recorded(tx, case, at, actor, "closed", "status: closed", &detail).await
    }

    async fn update_progress(
        &self,
        case: &CaseFile,
        update: &ProgressUpdate,
        letter: &Letter,
        route: Option<Route>,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let revised = update.revised_on;
        let mut tx = self.begin_write().await?;
        let moved = sqlx::query("UPDATE cases SET revised_due = $1 WHERE id = $2 AND status = $3")
            .bind(revised)
            .bind(Id(case.id))
            .bind(case.status.id())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if moved == 0 {
            return Ok(Applied::Stale);
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
        .execute(&mut *tx)
        .await?;
        let (kind, message) = (LetterKind::ProgressUpdate, MessageKind::ProgressUpdate);
        let sent = letter_and_message(&mut tx, case.id, kind, message, letter, route, at).await?;
        let detail = format!("outcome now expected by {revised}; {sent}");
        let event = "progress update";
        recorded(tx, case, at, actor, event, event, &detail).await
    }

    async fn reclassify(
        &self,
        case: &CaseFile,
        to: CaseKind,
        deadlines: &app::domain::calendar::Deadlines,
        reason: &str,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE cases SET kind = $1, status = 'received', acknowledged_at = NULL, \
             acknowledge_by = $2, outcome_due = $3, reclassified_reason = $4 \
             WHERE id = $5 AND kind = $6 AND status = $7",
        )
        .bind(to.id())
        .bind(deadlines.acknowledge_by)
        .bind(deadlines.outcome_due)
        .bind(reason)
        .bind(Id(case.id))
        .bind(case.kind.id())
        .bind(case.status.id())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(Applied::Stale);
        }
        let detail = reclassified_detail(case.kind, to);
        recorded(tx, case, at, actor, "reclassified", "reclassified", &detail).await
    }

    async fn record_investigation(
        &self,
        case: &CaseFile,
        investigation: &app::domain::casework::Investigation,
        event: &str,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        // Only over the record as it was read: two people saving at once do not lose either's.
        let saved = sqlx::query(
            "UPDATE cases SET investigation = $1 WHERE id = $2 AND status = $3 \
             AND investigation IS NOT DISTINCT FROM $4",
        )
        .bind(investigation_json(investigation)?)
        .bind(Id(case.id))
        .bind(case.status.id())
        .bind(investigation_json(&case.investigation)?)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if saved == 0 {
            return Ok(Applied::Stale);
        }
        recorded(tx, case, at, actor, event, event, "").await
    }

    async fn reopen(
        &self,
        case: &CaseFile,
        reason: &str,
        outcome_due: NaiveDate,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        // What it was closed with goes to the review's record before the case is cleared.
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
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if kept == 0 {
            return Ok(Applied::Stale);
        }
        sqlx::query(
            &format!("UPDATE cases SET status = 'investigating', investigating_at = $1, {}, outcome = NULL, \
             outcome_category = NULL, outcome_sent_at = NULL, ending = NULL, resolution = NULL, \
             closed_at = NULL, revised_due = NULL, handler_confirmed_at = NULL, outcome_due = $2 WHERE id = $3",
                crate::store::keep_first_decision(&Store::json_text("ending", &["ending"]))),
        )
        .bind(Ts(at))
        .bind(outcome_due)
        .bind(Id(case.id))
        .execute(&mut *tx)
        .await?;
        // The reason is on the review's record (which retention reduces), not in the history.
        let detail = format!("new outcome target {outcome_due}");
        let event = "reopened for review";
        recorded(tx, case, at, actor, event, event, &detail).await
    }
}
