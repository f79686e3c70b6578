//! The staff store: accounts, the register, case files and every casework change.

use super::{
    audit_in, corrupt, event_in, json, opt_reference, parsed, reference, to_json, Db, DbRow, Id,
    Pool, Store, Ts, Tx,
};
use crate::store::dialect::Dialect;
use crate::store::staff::*;
use crate::store::StoreError;
use app::domain::casework::{
    Action, ActionKind, Correction, EndingRecord, LockoutPolicy, MpContact, ProgressUpdate, Role,
    Status,
};
use app::domain::complaint::Channel;
use app::domain::letter::{Letter, LetterKind};
use app::domain::messages::{MessageKind, Route};
use app::domain::reference::Reference;
use app::domain::text::{limits, Lines, Text};
use app::domain::triage::CaseKind;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

fn account(row: &DbRow) -> Result<StaffAccount, StoreError> {
    Ok(StaffAccount {
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: parsed(row, "role", Role::parse)?,
        password_hash: row.try_get("password_hash")?,
        failed_attempts: row.try_get::<i32, _>("failed_attempts")?.max(0) as u32,
        locked_until: row.try_get("locked_until")?,
        disabled: row.try_get("disabled")?,
        team: row.try_get("team")?,
        session_epoch: row.try_get("session_epoch")?,
    })
}

pub(crate) async fn events_of(pool: &Pool, id: Uuid) -> Result<Vec<CaseEvent>, StoreError> {
    sqlx::query("SELECT at, event, actor, detail FROM case_events WHERE case_id = $1 ORDER BY id")
        .bind(Id(id))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|e| {
            Ok(CaseEvent {
                at: e.try_get("at")?,
                event: e.try_get("event")?,
                actor: e.try_get("actor")?,
                detail: e.try_get("detail")?,
            })
        })
        .collect()
}

pub(crate) async fn notes_of(pool: &Pool, id: Uuid) -> Result<Vec<CaseNote>, StoreError> {
    sqlx::query("SELECT at, author, kind, body FROM case_notes WHERE case_id = $1 ORDER BY id")
        .bind(Id(id))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|n| {
            Ok(CaseNote {
                at: n.try_get("at")?,
                author: n.try_get("author")?,
                kind: parsed(n, "kind", NoteKind::parse)?,
                body: n.try_get("body")?,
            })
        })
        .collect()
}

pub(crate) async fn letters_of(pool: &Pool, id: Uuid) -> Result<Vec<StoredLetter>, StoreError> {
    sqlx::query(
        "SELECT id, kind, created_at, subject, body FROM letters WHERE case_id = $1 ORDER BY id",
    )
    .bind(Id(id))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|l| {
        Ok(StoredLetter {
            id: l.try_get("id")?,
            kind: parsed(l, "kind", LetterKind::parse)?,
            created_at: l.try_get("created_at")?,
            letter: Letter {
                subject: l.try_get("subject")?,
                body: l.try_get("body")?,
            },
        })
    })
    .collect()
}

fn stored_action(a: &DbRow) -> Result<StoredAction, StoreError> {
    Ok(StoredAction {
        id: a.try_get("id")?,
        kind: parsed(a, "kind", ActionKind::parse)?,
        description: a.try_get("description")?,
        owner: a.try_get("owner")?,
        due_on: a.try_get("due_on")?,
        done_on: a.try_get("done_on")?,
        done_note: a.try_get("done_note")?,
    })
}

/// The date of the next deadline of an open case, as SQL (see casework::next_due).
const NEXT_DUE: &str = "CASE WHEN kind = 'breach_report' THEN NULL \
     WHEN status = 'received' THEN acknowledge_by \
     WHEN status IN ('acknowledged', 'investigating') THEN outcome_due END";

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

fn queued_detail(route: Route) -> &'static str {
    match route {
        Route::Email => "to be emailed",
        Route::Post => "in the print queue",
    }
}

/// The letter and, when it has a route, its message; the words for the history.
async fn letter_and_message(
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

/// Ends a change: its history entry and its audit entry, in its transaction, then commits.
async fn recorded(
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

/// The register's filter, as a WHERE clause with its values bound (never spliced in).
fn push_filter(sql: &mut QueryBuilder<'_, Db>, q: &RegisterQuery, today: NaiveDate) {
    let mut and = {
        let mut first = true;
        move |sql: &mut QueryBuilder<'_, Db>| {
            sql.push(if first { " WHERE " } else { " AND " });
            first = false;
        }
    };
    let mut equal = |sql: &mut QueryBuilder<'_, Db>, column: &str, value: String| {
        and(sql);
        sql.push(column).push(" = ").push_bind(value);
    };
    if let Some(team) = &q.team {
        equal(sql, "team", team.clone());
    }
    if let Some(status) = q.status {
        equal(sql, "status", status.id().into());
    }
    if let Some(category) = &q.category {
        equal(sql, "category", category.clone());
    }
    if let Some(handler) = &q.handler {
        equal(sql, "handler", handler.clone());
    }
    if let Some(k) = q.kind {
        equal(sql, "kind", k.id().into());
    }
    let mut fixed = |sql: &mut QueryBuilder<'_, Db>, clause: &str| {
        and(sql);
        sql.push(clause);
    };
    if q.status.is_none() && q.open_only {
        fixed(sql, "status <> 'closed'");
    }
    if q.unassigned {
        fixed(sql, "handler IS NULL");
    }
    if q.hide_restricted {
        fixed(sql, "restricted_at IS NULL");
    }
    match q.outstanding {
        Some(Outstanding::Identity) => {
            fixed(sql, "identity_check AND identity_verified_on IS NULL")
        }
        Some(Outstanding::Clarification) => fixed(
            sql,
            "clarification_needed AND clarification_received_on IS NULL",
        ),
        Some(Outstanding::Handover) => {
            fixed(sql, "corporate_handover AND handover_made_on IS NULL")
        }
        None => {}
    }
    let mut compare = |sql: &mut QueryBuilder<'_, Db>, expr: &str, op: &str, d: NaiveDate| {
        fixed(sql, expr);
        sql.push(op).push_bind(d);
    };
    if let Some(d) = q.received_from {
        compare(sql, "received_on", " >= ", d);
    }
    if let Some(d) = q.received_to {
        compare(sql, "received_on", " <= ", d);
    }
    let next_due = format!("({NEXT_DUE})");
    match q.due {
        Some(DueFilter::Overdue) => compare(sql, &next_due, " < ", today),
        Some(DueFilter::ThisWeek) => {
            compare(sql, &next_due, " >= ", today);
            compare(sql, &next_due, " <= ", today + chrono::Days::new(7));
        }
        None => {}
    }
    if let Some(e) = &q.ended {
        fixed(sql, "(outcome_category = ");
        let ending = Store::json_text("ending", &["ending"]);
        sql.push_bind(e.clone())
            .push(format!(" OR {ending} = "))
            .push_bind(e.clone())
            .push(")");
    }
}

#[async_trait]
impl StaffStore for Store {
    async fn add_user(&self, a: &StaffAccount) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO staff_users (username, display_name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING",
        )
        .bind(&a.username)
        .bind(&a.display_name)
        .bind(a.role.id())
        .bind(&a.password_hash)
        .bind(Ts::now())
        .execute(self.writer())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn set_team(&self, username: &str, team: Option<&str>) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query("UPDATE staff_users SET team = $1 WHERE username = $2")
            .bind(team)
            .bind(username)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 1 {
            let detail = format!("{username}: {}", team.unwrap_or("no team"));
            let action = "set a team";
            audit_in(
                &mut tx,
                Utc::now(),
                "server user team",
                action,
                None,
                Some(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed == 1)
    }

    async fn set_password(&self, username: &str, hash: &str) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE staff_users SET password_hash = $1, failed_attempts = 0, locked_until = NULL, \
             session_epoch = session_epoch + 1 WHERE username = $2",
        )
        .bind(hash)
        .bind(username)
        .execute(self.writer())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn change_account(
        &self,
        username: &str,
        change: AccountChange,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let (disabled, role) = change.columns();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(CHANGE_ACCOUNT)
            .bind(disabled)
            .bind(role)
            .bind(username)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 1 {
            let detail = match change {
                AccountChange::Role(r) => format!("{username}: {}", r.id()),
                _ => username.to_string(),
            };
            audit_in(
                &mut tx,
                Utc::now(),
                actor,
                change.action(),
                None,
                Some(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed == 1)
    }

    async fn user(&self, username: &str) -> Result<Option<StaffAccount>, StoreError> {
        let row = sqlx::query("SELECT * FROM staff_users WHERE username = $1")
            .bind(username)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(account).transpose()
    }

    async fn users(&self) -> Result<Vec<StaffAccount>, StoreError> {
        let rows = sqlx::query("SELECT * FROM staff_users ORDER BY role DESC, username")
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(account).collect()
    }

    async fn record_sign_in(&self, username: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE staff_users SET failed_attempts = 0, locked_until = NULL WHERE username = $1",
        )
        .bind(username)
        .execute(&mut *tx)
        .await?;
        audit_in(&mut tx, Utc::now(), username, "signed in", None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_failed_sign_in(
        &self,
        username: &str,
        policy: &LockoutPolicy,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        // One statement: concurrent failures each count (the row lock orders them).
        let failures: i32 = sqlx::query_scalar(
            "UPDATE staff_users SET \
               failed_attempts = CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 \
                                      THEN 1 ELSE failed_attempts + 1 END, \
               locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 \
                                   THEN NULL ELSE locked_until END \
             WHERE username = $2 RETURNING failed_attempts",
        )
        .bind(Ts(now))
        .bind(username)
        .fetch_one(&mut *tx)
        .await?;
        let locked_until = policy.after_failure(failures.max(0) as u32, now);
        if let Some(until) = locked_until {
            sqlx::query("UPDATE staff_users SET locked_until = $1 WHERE username = $2")
                .bind(Ts(until))
                .bind(username)
                .execute(&mut *tx)
                .await?;
        }
        let detail = locked_until.map(|t| {
            format!(
                "account locked until {}",
                t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            )
        });
        let action = "failed sign-in";
        audit_in(&mut tx, now, username, action, None, detail.as_deref()).await?;
        tx.commit().await?;
        Ok(locked_until)
    }

    async fn unlock(&self, username: &str, actor: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let result = sqlx::query(
            "UPDATE staff_users SET failed_attempts = 0, locked_until = NULL WHERE username = $1",
        )
        .bind(username)
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() == 1 {
            let action = "unlocked account";
            audit_in(&mut tx, Utc::now(), actor, action, None, Some(username)).await?;
        }
        tx.commit().await?;
        Ok(result.rows_affected() == 1)
    }

    async fn register(
        &self,
        q: &RegisterQuery,
        today: NaiveDate,
    ) -> Result<RegisterPage, StoreError> {
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM cases");
        push_filter(&mut count, q, today);
        let total = count
            .build_query_scalar::<i64>()
            .fetch_one(self.reader())
            .await?
            .max(0) as u64;
        // Open cases by their next deadline, earliest first; then the rest, newest first.
        let mut rows = QueryBuilder::new(format!(
            "SELECT reference, kind, received_on, team, category, channel, status, handler, \
             acknowledge_by, outcome_due, acknowledged_at, outcome_sent_at, review_reason, \
             held_at IS NOT NULL AS held, restricted_at IS NOT NULL AS restricted, \
             reduced_at IS NOT NULL AS reduced, revised_due, ending, \
             {} IS NOT NULL AS adjustments, \
             complainant_name, outcome_category, survey_opt_out, publication_opt_out FROM cases",
            Store::json_text("nullif(complaint, '')", &["complainant", "adjustments"])
        ));
        push_filter(&mut rows, q, today);
        let page = q.page.max(1);
        let (size, offset) = if q.all {
            (EXPORT_LIMIT, 0)
        } else {
            (REGISTER_PAGE_SIZE, (page - 1) * REGISTER_PAGE_SIZE)
        };
        rows.push(format!(
            " ORDER BY ({NEXT_DUE}) IS NULL, ({NEXT_DUE}), received_at DESC LIMIT "
        ))
        .push_bind(size as i64)
        .push(" OFFSET ")
        .push_bind(offset as i64);
        let rows = rows.build().fetch_all(self.reader()).await?;
        let rows = rows
            .iter()
            .map(|r| {
                Ok(RegisterRow {
                    reference: reference(r, "reference")?,
                    kind: parsed(r, "kind", CaseKind::parse)?,
                    received_on: r.try_get("received_on")?,
                    team: r.try_get("team")?,
                    category: r.try_get("category")?,
                    channel: parsed(r, "channel", Channel::parse)?,
                    status: parsed(r, "status", Status::parse)?,
                    handler: r.try_get("handler")?,
                    acknowledge_by: r.try_get("acknowledge_by")?,
                    outcome_due: r.try_get("outcome_due")?,
                    acknowledged_at: r.try_get("acknowledged_at")?,
                    outcome_sent_at: r.try_get("outcome_sent_at")?,
                    review: r.try_get("review_reason")?,
                    held: r.try_get("held")?,
                    restricted: r.try_get("restricted")?,
                    reduced: r.try_get("reduced")?,
                    adjustments: r.try_get("adjustments")?,
                    complainant_name: r.try_get("complainant_name")?,
                    survey_opt_out: r.try_get("survey_opt_out")?,
                    publication_opt_out: r.try_get("publication_opt_out")?,
                    outcome: r.try_get("outcome_category")?,
                    revised_due: r.try_get("revised_due")?,
                    ending: json::<EndingRecord>(r, "ending")?.map(|e| e.ending),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(RegisterPage { rows, total })
    }

    async fn case(&self, wanted: &Reference) -> Result<Option<CaseFile>, StoreError> {
        let pool = self.reader();
        let Some(r) =
            sqlx::query("SELECT * FROM cases WHERE reference = $1 AND reduced_at IS NULL")
                .bind(wanted.compact())
                .fetch_optional(pool)
                .await?
        else {
            return Ok(None);
        };
        let id = r.try_get::<Id, _>("id")?.0;
        let actions = sqlx::query(
            "SELECT id, kind, description, owner, due_on, done_on, done_note FROM case_actions \
             WHERE case_id = $1 ORDER BY id",
        )
        .bind(Id(id))
        .fetch_all(pool)
        .await?
        .iter()
        .map(stored_action)
        .collect::<Result<Vec<_>, StoreError>>()?;
        let messages = sqlx::query(&format!(
            "SELECT {} FROM outbox o LEFT JOIN cases c ON c.id = o.case_id WHERE o.case_id = $1 ORDER BY o.id",
            super::MESSAGE_COLUMNS
        ))
        .bind(Id(id))
        .fetch_all(pool)
        .await?
        .iter()
        .map(super::outbox::message)
        .collect::<Result<Vec<_>, StoreError>>()?;
        let verified_on: Option<NaiveDate> = r.try_get("identity_verified_on")?;
        let verified_how: Option<String> = r.try_get("identity_verified_how")?;
        Ok(Some(CaseFile {
            reclassified_reason: r.try_get("reclassified_reason")?,
            investigation: json(&r, "investigation")?.unwrap_or_default(),
            ending: json(&r, "ending")?,
            revised_due: r.try_get("revised_due")?,
            lodged_as: opt_reference(&r, "lodged_as")?,
            lodged_from: opt_reference(&r, "lodged_from")?,
            updates: updates_of(pool, id).await?,
            corrections: corrections_of(pool, id).await?,
            mp: json(&r, "mp_contact")?,
            flags: FlagsWorked {
                identity_verified: verified_on.zip(verified_how),
                clarification_asked: r.try_get("clarification_asked_on")?,
                clarification_received: r.try_get("clarification_received_on")?,
                handover_made: r.try_get("handover_made_on")?,
            },
            reviews: reviews_of(pool, id).await?,
            held: r.try_get("held_reason")?,
            restricted: r.try_get("restricted_reason")?,
            messages,
            id,
            reference: reference(&r, "reference")?,
            kind: parsed(&r, "kind", CaseKind::parse)?,
            category: r.try_get("category")?,
            team: r.try_get("team")?,
            channel: parsed(&r, "channel", Channel::parse)?,
            lang: parsed(&r, "language", app::i18n::Lang::parse)?,
            status: parsed(&r, "status", Status::parse)?,
            received_at: r.try_get("received_at")?,
            received_on: r.try_get("received_on")?,
            acknowledge_by: r.try_get("acknowledge_by")?,
            outcome_due: r.try_get("outcome_due")?,
            acknowledged_at: r.try_get("acknowledged_at")?,
            investigating_at: r.try_get("investigating_at")?,
            outcome_sent_at: r.try_get("outcome_sent_at")?,
            closed_at: r.try_get("closed_at")?,
            identity_check: r.try_get("identity_check")?,
            clarification_needed: r.try_get("clarification_needed")?,
            corporate_handover: r.try_get("corporate_handover")?,
            complaint: json(&r, "complaint")?.ok_or_else(|| corrupt("complaint"))?,
            keyed_in_by: r.try_get("keyed_in_by")?,
            review: r.try_get("review_reason")?,
            handler: r.try_get("handler")?,
            handler_confirmed_at: r.try_get("handler_confirmed_at")?,
            outcome: json(&r, "outcome")?,
            closure: json(&r, "resolution")?,
            events: events_of(pool, id).await?,
            notes: notes_of(pool, id).await?,
            letters: letters_of(pool, id).await?,
            actions,
        }))
    }

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
        // Only over the record as it was read (see the SQLite store).
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

    async fn action_done(
        &self,
        case: &CaseFile,
        action_id: i64,
        done_on: NaiveDate,
        note: Option<&str>,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        let Some(_kind) = sqlx::query_scalar::<_, String>(
            "UPDATE case_actions SET done_on = $1, done_note = $2, done_by = $3 \
             WHERE id = $4 AND case_id = $5 AND done_on IS NULL RETURNING kind",
        )
        .bind(done_on)
        .bind(note)
        .bind(actor)
        .bind(action_id)
        .bind(Id(case.id))
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Applied::Stale);
        };
        // The action by its number: its words are in the case file, not the history.
        let detail = format!("action {action_id} done {done_on}");
        recorded(tx, case, at, actor, "action done", "action done", &detail).await
    }

    async fn set_mp(
        &self,
        case: &CaseFile,
        mp: &MpContact,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE cases SET mp_contact = $1 WHERE id = $2")
            .bind(to_json(mp, "mp_contact")?)
            .bind(Id(case.id))
            .execute(&mut *tx)
            .await?;
        let how = if mp.route() == Route::Email {
            "email"
        } else {
            "post"
        };
        // The MP's name and address are in the case file, not the history.
        let detail = format!("copies by {how}");
        let (event, action) = ("MP's details recorded", "recorded the MP's details");
        recorded(tx, case, at, actor, event, action, &detail).await
    }

    async fn work_flag(
        &self,
        case: &CaseFile,
        work: &FlagWork,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        // Each is recorded once: a second recording (a double click, a colleague) changes nothing.
        let (column, on, how, event) = work.record();
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE cases SET {column} = $1, \
             identity_verified_how = coalesce($2, identity_verified_how) \
             WHERE id = $3 AND {column} IS NULL"
        );
        let changed = sqlx::query(&sql)
            .bind(on)
            .bind(how)
            .bind(Id(case.id))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Ok(Applied::Stale);
        }
        let detail = work.history();
        recorded(tx, case, at, actor, event, event, &detail).await
    }

    async fn correct(
        &self,
        case: &CaseFile,
        correction: &Correction,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let before = to_json(&case.complaint, "complaint")?;
        let after = to_json(&correction.complaint, "complaint")?;
        let consents = &correction.complaint.consents;
        let mut tx = self.begin_write().await?;
        // Only over the details the form was filled in on: a correction made meanwhile wins.
        let changed = sqlx::query(
            "UPDATE cases SET complaint = $1, complainant_name = $2, consent_share = $3, \
             survey_opt_out = $4, publication_opt_out = $5 WHERE id = $6 AND complaint = $7",
        )
        .bind(&after)
        .bind(correction.complaint.complainant.full_name.as_str())
        .bind(consents.share_with_organisation)
        .bind(consents.survey_opt_out)
        .bind(consents.publication_opt_out)
        .bind(Id(case.id))
        .bind(&before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(Applied::Stale);
        }
        sqlx::query(
            "INSERT INTO case_corrections (case_id, at, actor, reason, changes) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(Id(case.id))
        .bind(Ts(at))
        .bind(actor)
        .bind(correction.reason.as_str())
        .bind(to_json(&correction.changes, "changes")?)
        .execute(&mut *tx)
        .await?;
        // The history and the audit trail name the fields, never their values.
        let fields: Vec<&str> = correction
            .changes
            .iter()
            .map(|c| c.label.as_str())
            .collect();
        let detail = format!("changed: {}", fields.join(", "));
        let (event, action) = ("details corrected", "corrected details");
        recorded(tx, case, at, actor, event, action, &detail).await
    }

    async fn link_lodged(
        &self,
        report: &CaseFile,
        complaint: &Reference,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        let linked = sqlx::query(
            "UPDATE cases SET lodged_as = $1 \
             WHERE id = $2 AND kind = 'breach_report' AND lodged_as IS NULL",
        )
        .bind(complaint.compact())
        .bind(Id(report.id))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if linked == 0 {
            return Ok(Applied::Stale);
        }
        let Some(Id(new_id)) = sqlx::query_scalar::<_, Id>(
            "UPDATE cases SET lodged_from = $1 WHERE reference = $2 RETURNING id",
        )
        .bind(report.reference.compact())
        .bind(complaint.compact())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Applied::Stale);
        };
        let detail = format!("complaint {complaint} lodged after the breach outcome");
        let from = format!(
            "lodged after the outcome of breach report {}",
            report.reference
        );
        event_in(
            &mut tx,
            new_id,
            at,
            "from a breach report",
            Some(actor),
            Some(&from),
        )
        .await?;
        let action = "complaint lodged from a breach report";
        recorded(tx, report, at, actor, "complaint lodged", action, &detail).await
    }

    async fn report_facts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<app::domain::reporting::ReportFacts, StoreError> {
        super::super::reports::report_facts(self, from, to).await
    }

    async fn actions(&self) -> Result<Vec<RegisterAction>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.reference, c.team, a.id, a.kind, a.description, a.owner, a.due_on, \
             a.done_on, a.done_note FROM case_actions a JOIN cases c ON c.id = a.case_id \
             WHERE c.restricted_at IS NULL \
             ORDER BY a.done_on IS NOT NULL, a.due_on, a.id LIMIT 1000",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|a| {
                Ok(RegisterAction {
                    reference: reference(a, "reference")?,
                    team: a.try_get("team")?,
                    action: stored_action(a)?,
                })
            })
            .collect()
    }

    async fn closed_complaints(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(Reference, DateTime<Utc>)>, StoreError> {
        let rows = sqlx::query(CLOSED_COMPLAINTS)
            .bind(Ts(from))
            .bind(Ts(to))
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| Ok((reference(r, "reference")?, r.try_get("closed_at")?)))
            .collect()
    }

    async fn add_recommendation(
        &self,
        period: app::domain::reporting::Period,
        r: &app::domain::reporting::Recommendation,
        actor: &str,
    ) -> Result<(), StoreError> {
        super::recommendations::add_recommendation(self, period, r, actor).await
    }

    async fn recommendations(&self) -> Result<Vec<StoredRecommendation>, StoreError> {
        super::recommendations::recommendations(self).await
    }

    async fn recommendation_done(
        &self,
        id: i64,
        done_on: NaiveDate,
        note: Option<&str>,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        super::recommendations::recommendation_done(self, id, done_on, note, actor).await
    }

    async fn audit(&self, e: AuditEntry) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let reference = e.reference.map(|r| r.compact());
        let (action, detail) = (&e.action, e.detail.as_deref());
        audit_in(
            &mut tx,
            e.at,
            &e.username,
            action,
            reference.as_deref(),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_trail(&self, q: &AuditQuery) -> Result<Vec<AuditRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, username, action, reference, detail FROM audit_events \
             WHERE (CAST($1 AS TEXT) IS NULL OR reference = $1) \
             AND (CAST($2 AS TEXT) IS NULL OR username = $2) \
             AND (CAST($3 AS BIGINT) IS NULL OR id < $3) ORDER BY id DESC LIMIT $4",
        )
        .bind(q.reference.as_ref().map(Reference::compact))
        .bind(&q.username)
        .bind(q.before)
        .bind(AUDIT_PAGE_SIZE as i64)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRow {
                    id: r.try_get("id")?,
                    entry: AuditEntry {
                        at: r.try_get("at")?,
                        username: r.try_get("username")?,
                        action: r.try_get("action")?,
                        reference: opt_reference(r, "reference")?,
                        detail: r.try_get("detail")?,
                    },
                })
            })
            .collect()
    }
}

async fn corrections_of(pool: &Pool, id: Uuid) -> Result<Vec<StoredCorrection>, StoreError> {
    sqlx::query(
        "SELECT at, actor, reason, changes FROM case_corrections WHERE case_id = $1 ORDER BY id",
    )
    .bind(Id(id))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(StoredCorrection {
            at: r.try_get("at")?,
            actor: r.try_get("actor")?,
            reason: r.try_get("reason")?,
            changes: json(r, "changes")?.ok_or_else(|| corrupt("changes"))?,
        })
    })
    .collect()
}

/// The case's progress updates, oldest first.
async fn updates_of(pool: &Pool, id: Uuid) -> Result<Vec<StoredUpdate>, StoreError> {
    sqlx::query(
        "SELECT at, author, progress, revised_on, why FROM progress_updates \
         WHERE case_id = $1 ORDER BY id",
    )
    .bind(Id(id))
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
            at: r.try_get("at")?,
            author: r.try_get("author")?,
            update: ProgressUpdate {
                progress: text("progress")?,
                revised_on: r.try_get("revised_on")?,
                why: text("why")?,
            },
        })
    })
    .collect()
}

/// The case's earlier closures, oldest first.
async fn reviews_of(pool: &Pool, id: Uuid) -> Result<Vec<Review>, StoreError> {
    sqlx::query("SELECT * FROM case_reviews WHERE case_id = $1 ORDER BY id")
        .bind(Id(id))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Review {
                opened_at: r.try_get("opened_at")?,
                opened_by: r.try_get("opened_by")?,
                reason: r.try_get("reason")?,
                outcome: json(r, "outcome")?,
                outcome_sent_at: r.try_get("outcome_sent_at")?,
                ending: json(r, "ending")?,
                closed_at: r.try_get("closed_at")?,
                outcome_due: r.try_get("outcome_due")?,
            })
        })
        .collect()
}
