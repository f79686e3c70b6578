//! The staff store on SQLite. Casework writes are few and small, so they go through their own
//! single-connection pool (SQLite has one writer at a time; the busy timeout queues them
//! behind the intake's group commits) and never wait on the intake's writer task.

use super::sqlite::SqliteStore;
use super::staff::*;
use super::StoreError;
use app::domain::casework::{
    ActionKind, Closure, Correction, EndingRecord, LockoutPolicy, MpContact, Outcome,
    ProgressUpdate, Role, Status,
};
use app::domain::complaint::{Channel, Complaint};
use app::domain::letter::{Letter, LetterKind};
use app::domain::messages::{MessageKind, Route};
use app::domain::reference::Reference;
use app::domain::triage::CaseKind;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, Transaction};
use uuid::Uuid;

pub(super) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

// Each stored value is read into its domain type here, in one place per type; a value that
// cannot be read is an error naming the column (never its content), not a silent `None`.

pub(super) fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// An optional RFC 3339 timestamp column.
pub(super) fn opt_time(row: &SqliteRow, column: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    row.try_get::<Option<String>, _>(column)?
        .map(|s| {
            DateTime::parse_from_rfc3339(&s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| corrupt(column))
        })
        .transpose()
}

pub(super) fn time(row: &SqliteRow, column: &str) -> Result<DateTime<Utc>, StoreError> {
    opt_time(row, column)?.ok_or_else(|| corrupt(column))
}

/// An optional YYYY-MM-DD date column.
fn opt_date(row: &SqliteRow, column: &str) -> Result<Option<NaiveDate>, StoreError> {
    row.try_get::<Option<String>, _>(column)?
        .map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt(column)))
        .transpose()
}

/// A YYYY-MM-DD date column.
pub(super) fn date(row: &SqliteRow, column: &str) -> Result<NaiveDate, StoreError> {
    let s: String = row.try_get(column)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt(column))
}

/// A column holding one of a domain enum's ids.
pub(super) fn parsed<T>(
    row: &SqliteRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    let s: String = row.try_get(column)?;
    parse(&s).ok_or_else(|| corrupt(column))
}

pub(super) fn reference(row: &SqliteRow, column: &str) -> Result<Reference, StoreError> {
    parsed(row, column, |s| Reference::parse(s).ok())
}

fn account(row: &SqliteRow) -> Result<StaffAccount, StoreError> {
    Ok(StaffAccount {
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: parsed(row, "role", Role::parse)?,
        password_hash: row.try_get("password_hash")?,
        failed_attempts: row.try_get::<i64, _>("failed_attempts")?.max(0) as u32,
        locked_until: opt_time(row, "locked_until")?,
        disabled: row.try_get("disabled")?,
        team: row.try_get("team")?,
        session_epoch: row.try_get("session_epoch")?,
    })
}

pub(super) async fn events_of(
    pool: &sqlx::SqlitePool,
    id: &str,
) -> Result<Vec<CaseEvent>, StoreError> {
    sqlx::query("SELECT at, event, actor, detail FROM case_events WHERE case_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|e| {
            Ok(CaseEvent {
                at: time(e, "at")?,
                event: e.try_get("event")?,
                actor: e.try_get("actor")?,
                detail: e.try_get("detail")?,
            })
        })
        .collect()
}

pub(super) async fn notes_of(
    pool: &sqlx::SqlitePool,
    id: &str,
) -> Result<Vec<CaseNote>, StoreError> {
    sqlx::query("SELECT at, author, kind, body FROM case_notes WHERE case_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|n| {
            Ok(CaseNote {
                at: time(n, "at")?,
                author: n.try_get("author")?,
                kind: parsed(n, "kind", NoteKind::parse)?,
                body: n.try_get("body")?,
            })
        })
        .collect()
}

pub(super) async fn letters_of(
    pool: &sqlx::SqlitePool,
    id: &str,
) -> Result<Vec<StoredLetter>, StoreError> {
    sqlx::query(
        "SELECT id, kind, created_at, subject, body FROM letters WHERE case_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|l| {
        Ok(StoredLetter {
            id: l.try_get("id")?,
            kind: parsed(l, "kind", LetterKind::parse)?,
            created_at: time(l, "created_at")?,
            letter: Letter {
                subject: l.try_get("subject")?,
                body: l.try_get("body")?,
            },
        })
    })
    .collect()
}

fn stored_action(a: &SqliteRow) -> Result<StoredAction, StoreError> {
    let done_on: Option<String> = a.try_get("done_on")?;
    Ok(StoredAction {
        id: a.try_get("id")?,
        kind: parsed(a, "kind", ActionKind::parse)?,
        description: a.try_get("description")?,
        owner: a.try_get("owner")?,
        due_on: date(a, "due_on")?,
        done_on: done_on
            .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("done_on")))
            .transpose()?,
        done_note: a.try_get("done_note")?,
    })
}

/// The date of the next deadline of an open case, as SQL (see casework::next_due).
const NEXT_DUE: &str = "CASE WHEN kind = 'breach_report' THEN NULL \
     WHEN status = 'received' THEN acknowledge_by \
     WHEN status IN ('acknowledged', 'investigating') THEN outcome_due END";

pub(super) async fn audit_in(
    tx: &mut Transaction<'_, Sqlite>,
    at: &str,
    actor: &str,
    action: &str,
    reference: Option<&str>,
    detail: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_events (at, username, action, reference, detail) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(reference)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn event_in(
    tx: &mut Transaction<'_, Sqlite>,
    case_id: &str,
    at: &str,
    event: &str,
    actor: &str,
    detail: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at, event, actor, detail) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(case_id)
    .bind(at)
    .bind(event)
    .bind(actor)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn letter_in(
    tx: &mut Transaction<'_, Sqlite>,
    case_id: &str,
    kind: LetterKind,
    at: &str,
    letter: &Letter,
) -> Result<i64, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO letters (case_id, kind, created_at, subject, body) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(case_id)
    .bind(kind.id())
    .bind(at)
    .bind(&letter.subject)
    .bind(&letter.body)
    .execute(&mut **tx)
    .await?;
    Ok(done.last_insert_rowid())
}

/// Queues a letter's message in the same transaction as the change that made the letter;
/// its key is the case, the kind and the next number, so it is never queued twice.
pub(super) async fn queue_in(
    tx: &mut Transaction<'_, Sqlite>,
    case_id: &str,
    kind: MessageKind,
    route: Route,
    letter_id: i64,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (message_key, case_id, kind, audience, channel, letter_id, status, \
         next_attempt_at, created_at) VALUES (?1 || ':' || ?2 || ':' || (1 + (SELECT COUNT(*) \
         FROM outbox WHERE case_id = ?1 AND kind = ?2 AND audience = 'complainant')), ?1, ?2, \
         'complainant', ?3, ?4, 'waiting', ?5, ?5)",
    )
    .bind(case_id)
    .bind(kind.id())
    .bind(route.id())
    .bind(letter_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    // Complained through an MP: a copy to the MP, by email where we have theirs, else post.
    sqlx::query(
        "INSERT INTO outbox (message_key, case_id, kind, audience, channel, letter_id, status, \
         next_attempt_at, created_at) SELECT ?1 || ':' || ?2 || ':mp:' || (1 + (SELECT COUNT(*) \
         FROM outbox WHERE case_id = ?1 AND kind = ?2 AND audience = 'mp')), ?1, ?2, 'mp', \
         CASE WHEN json_extract(mp_contact, '$.email') IS NOT NULL THEN 'email' ELSE 'post' END, \
         ?3, 'waiting', ?4, ?4 FROM cases WHERE id = ?1 AND mp_contact IS NOT NULL",
    )
    .bind(case_id)
    .bind(kind.id())
    .bind(letter_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) fn queued_detail(route: Route) -> String {
    match route {
        Route::Email => "to be emailed".into(),
        Route::Post => "in the print queue".into(),
    }
}

async fn actions_in(
    tx: &mut Transaction<'_, Sqlite>,
    case_id: &str,
    kind: ActionKind,
    at: &str,
    actions: &[app::domain::casework::Action],
) -> Result<(), sqlx::Error> {
    for a in actions {
        sqlx::query(
            "INSERT INTO case_actions (case_id, kind, description, owner, due_on, created_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(case_id)
        .bind(kind.id())
        .bind(a.description.as_str())
        .bind(a.owner.as_str())
        .bind(a.due_on.to_string())
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn register_filter(q: &RegisterQuery, today: NaiveDate) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut binds = Vec::new();
    if let Some(team) = &q.team {
        clauses.push("team = ?".to_string());
        binds.push(team.clone());
    }
    if let Some(status) = q.status {
        clauses.push("status = ?".to_string());
        binds.push(status.id().to_string());
    } else if q.open_only {
        clauses.push("status <> 'closed'".to_string());
    }
    if let Some(category) = &q.category {
        clauses.push("category = ?".to_string());
        binds.push(category.clone());
    }
    if let Some(handler) = &q.handler {
        clauses.push("handler = ?".to_string());
        binds.push(handler.clone());
    }
    if q.unassigned {
        clauses.push("handler IS NULL".to_string());
    }
    if q.hide_restricted {
        clauses.push("restricted_at IS NULL".to_string());
    }
    if let Some(d) = q.received_from {
        clauses.push("received_on >= ?".to_string());
        binds.push(d.to_string());
    }
    if let Some(d) = q.received_to {
        clauses.push("received_on <= ?".to_string());
        binds.push(d.to_string());
    }
    if let Some(k) = q.kind {
        clauses.push("kind = ?".to_string());
        binds.push(k.id().to_string());
    }
    if let Some(e) = &q.ended {
        clauses.push("(outcome_category = ? OR json_extract(ending, '$.ending') = ?)".to_string());
        binds.push(e.clone());
        binds.push(e.clone());
    }
    match q.outstanding {
        Some(Outstanding::Identity) => {
            clauses.push("identity_check = 1 AND identity_verified_on IS NULL".to_string())
        }
        Some(Outstanding::Clarification) => clauses
            .push("clarification_needed = 1 AND clarification_received_on IS NULL".to_string()),
        Some(Outstanding::Handover) => {
            clauses.push("corporate_handover = 1 AND handover_made_on IS NULL".to_string())
        }
        None => {}
    }
    match q.due {
        Some(DueFilter::Overdue) => {
            clauses.push(format!("({NEXT_DUE}) < ?"));
            binds.push(today.to_string());
        }
        Some(DueFilter::ThisWeek) => {
            clauses.push(format!("({NEXT_DUE}) BETWEEN ? AND ?"));
            binds.push(today.to_string());
            binds.push((today + chrono::Days::new(7)).to_string());
        }
        None => {}
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (sql, binds)
}

#[async_trait]
impl StaffStore for SqliteStore {
    async fn add_user(&self, a: &StaffAccount) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO staff_users (username, display_name, role, password_hash, created_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING",
        )
        .bind(&a.username)
        .bind(&a.display_name)
        .bind(a.role.id())
        .bind(&a.password_hash)
        .bind(rfc3339(Utc::now()))
        .execute(&self.staff_writer)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn set_team(&self, username: &str, team: Option<&str>) -> Result<bool, StoreError> {
        let now = rfc3339(Utc::now());
        let mut tx = self.staff_writer.begin().await?;
        let changed = sqlx::query("UPDATE staff_users SET team = ? WHERE username = ?")
            .bind(team)
            .bind(username)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 1 {
            let detail = format!("{username}: {}", team.unwrap_or("no team"));
            audit_in(
                &mut tx,
                &now,
                "server user team",
                "set a team",
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
            "UPDATE staff_users SET password_hash = ?, failed_attempts = 0, locked_until = NULL, \
             session_epoch = session_epoch + 1 WHERE username = ?",
        )
        .bind(hash)
        .bind(username)
        .execute(&self.staff_writer)
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
        let mut tx = self.staff_writer.begin().await?;
        let changed = sqlx::query(super::staff::CHANGE_ACCOUNT)
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
                &rfc3339(Utc::now()),
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
        let row = sqlx::query("SELECT * FROM staff_users WHERE username = ?")
            .bind(username)
            .fetch_optional(&self.readers)
            .await?;
        row.as_ref().map(account).transpose()
    }

    async fn users(&self) -> Result<Vec<StaffAccount>, StoreError> {
        let rows = sqlx::query("SELECT * FROM staff_users ORDER BY role DESC, username")
            .fetch_all(&self.readers)
            .await?;
        rows.iter().map(account).collect()
    }

    async fn record_sign_in(&self, username: &str) -> Result<(), StoreError> {
        let now = rfc3339(Utc::now());
        let mut tx = self.staff_writer.begin().await?;
        sqlx::query(
            "UPDATE staff_users SET failed_attempts = 0, locked_until = NULL WHERE username = ?",
        )
        .bind(username)
        .execute(&mut *tx)
        .await?;
        audit_in(&mut tx, &now, username, "signed in", None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_failed_sign_in(
        &self,
        username: &str,
        policy: &LockoutPolicy,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let now = Utc::now();
        let at = rfc3339(now);
        let mut tx = self.staff_writer.begin().await?;
        let failures: i64 = sqlx::query_scalar(
            "UPDATE staff_users SET \
               failed_attempts = CASE WHEN locked_until IS NOT NULL AND locked_until <= ?1 \
                                      THEN 1 ELSE failed_attempts + 1 END, \
               locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= ?1 \
                                   THEN NULL ELSE locked_until END \
             WHERE username = ?2 RETURNING failed_attempts",
        )
        .bind(&at)
        .bind(username)
        .fetch_one(&mut *tx)
        .await?;
        let locked_until = policy.after_failure(failures.max(0) as u32, now);
        if let Some(until) = locked_until {
            sqlx::query("UPDATE staff_users SET locked_until = ? WHERE username = ?")
                .bind(rfc3339(until))
                .bind(username)
                .execute(&mut *tx)
                .await?;
        }
        let detail = locked_until.map(|t| format!("account locked until {}", rfc3339(t)));
        audit_in(
            &mut tx,
            &at,
            username,
            "failed sign-in",
            None,
            detail.as_deref(),
        )
        .await?;
        tx.commit().await?;
        Ok(locked_until)
    }

    async fn unlock(&self, username: &str, actor: &str) -> Result<bool, StoreError> {
        let now = rfc3339(Utc::now());
        let mut tx = self.staff_writer.begin().await?;
        let result = sqlx::query(
            "UPDATE staff_users SET failed_attempts = 0, locked_until = NULL WHERE username = ?",
        )
        .bind(username)
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() == 1 {
            audit_in(
                &mut tx,
                &now,
                actor,
                "unlocked account",
                None,
                Some(username),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(result.rows_affected() == 1)
    }

    async fn register(
        &self,
        q: &RegisterQuery,
        today: NaiveDate,
    ) -> Result<RegisterPage, StoreError> {
        let (filter, binds) = register_filter(q, today);
        let count_sql = format!("SELECT COUNT(*) FROM cases {filter}");
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for b in &binds {
            count = count.bind(b);
        }
        let total = count.fetch_one(&self.readers).await?.max(0) as u64;
        // Open cases by their next deadline, earliest first; then the rest, newest first.
        let rows_sql = format!(
            "SELECT reference, kind, received_on, team, category, channel, status, handler, \
             acknowledge_by, outcome_due, acknowledged_at, outcome_sent_at, review_reason, \
             held_at IS NOT NULL AS held, restricted_at IS NOT NULL AS restricted, \
             reduced_at IS NOT NULL AS reduced, revised_due, ending, \
             json_extract(nullif(complaint, ''), '$.complainant.adjustments') IS NOT NULL AS adjustments, \
             complainant_name, outcome_category, survey_opt_out, publication_opt_out \
             FROM cases {filter} \
             ORDER BY ({NEXT_DUE}) IS NULL, ({NEXT_DUE}), received_at DESC LIMIT ? OFFSET ?"
        );
        let mut rows = sqlx::query(&rows_sql);
        for b in &binds {
            rows = rows.bind(b);
        }
        let page = q.page.max(1);
        let (size, offset) = if q.all {
            (EXPORT_LIMIT, 0)
        } else {
            (REGISTER_PAGE_SIZE, (page - 1) * REGISTER_PAGE_SIZE)
        };
        let rows = rows
            .bind(size as i64)
            .bind(offset as i64)
            .fetch_all(&self.readers)
            .await?;
        let rows = rows
            .iter()
            .map(|r| {
                Ok(RegisterRow {
                    reference: reference(r, "reference")?,
                    kind: parsed(r, "kind", CaseKind::parse)?,
                    received_on: date(r, "received_on")?,
                    team: r.try_get("team")?,
                    category: r.try_get("category")?,
                    channel: parsed(r, "channel", Channel::parse)?,
                    status: parsed(r, "status", Status::parse)?,
                    handler: r.try_get("handler")?,
                    acknowledge_by: date(r, "acknowledge_by")?,
                    outcome_due: date(r, "outcome_due")?,
                    acknowledged_at: opt_time(r, "acknowledged_at")?,
                    outcome_sent_at: opt_time(r, "outcome_sent_at")?,
                    review: r.try_get("review_reason")?,
                    held: r.try_get("held")?,
                    restricted: r.try_get("restricted")?,
                    reduced: r.try_get("reduced")?,
                    adjustments: r.try_get("adjustments")?,
                    complainant_name: r.try_get("complainant_name")?,
                    survey_opt_out: r.try_get("survey_opt_out")?,
                    publication_opt_out: r.try_get("publication_opt_out")?,
                    outcome: r.try_get("outcome_category")?,
                    revised_due: r
                        .try_get::<Option<String>, _>("revised_due")?
                        .map(|d| {
                            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                                .map_err(|_| corrupt("revised_due"))
                        })
                        .transpose()?,
                    ending: r
                        .try_get::<Option<String>, _>("ending")?
                        .map(|e| {
                            serde_json::from_str::<EndingRecord>(&e)
                                .map(|e| e.ending)
                                .map_err(|_| corrupt("ending"))
                        })
                        .transpose()?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(RegisterPage { rows, total })
    }

    async fn case(&self, wanted: &Reference) -> Result<Option<CaseFile>, StoreError> {
        let pool = &self.readers;
        let Some(r) = sqlx::query("SELECT * FROM cases WHERE reference = ? AND reduced_at IS NULL")
            .bind(wanted.compact())
            .fetch_optional(pool)
            .await?
        else {
            return Ok(None);
        };
        let id: String = r.try_get("id")?;
        let complaint: String = r.try_get("complaint")?;
        let complaint: Complaint =
            serde_json::from_str(&complaint).map_err(|_| corrupt("complaint"))?;
        let outcome: Option<String> = r.try_get("outcome")?;
        let outcome: Option<Outcome> = outcome
            .map(|o| serde_json::from_str(&o).map_err(|_| corrupt("outcome")))
            .transpose()?;
        let resolution: Option<String> = r.try_get("resolution")?;
        let closure: Option<Closure> = resolution
            .map(|o| serde_json::from_str(&o).map_err(|_| corrupt("closure")))
            .transpose()?;
        let events = events_of(pool, &id).await?;
        let notes = notes_of(pool, &id).await?;
        let letters = letters_of(pool, &id).await?;
        let actions = sqlx::query(
            "SELECT id, kind, description, owner, due_on, done_on, done_note FROM case_actions \
             WHERE case_id = ? ORDER BY id",
        )
        .bind(&id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(stored_action)
        .collect::<Result<Vec<_>, StoreError>>()?;
        let messages = sqlx::query(&format!(
            "SELECT {} FROM outbox o LEFT JOIN cases c ON c.id = o.case_id WHERE o.case_id = ? ORDER BY o.id",
            super::sqlite_outbox::COLUMNS
        ))
        .bind(&id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(super::sqlite_outbox::message)
        .collect::<Result<Vec<_>, StoreError>>()?;
        let ending: Option<String> = r.try_get("ending")?;
        let revised_due: Option<String> = r.try_get("revised_due")?;
        let investigation: Option<String> = r.try_get("investigation")?;
        Ok(Some(CaseFile {
            reclassified_reason: r.try_get("reclassified_reason")?,
            investigation: investigation
                .map(|i| serde_json::from_str(&i).map_err(|_| corrupt("investigation")))
                .transpose()?
                .unwrap_or_default(),
            ending: ending
                .map(|e| serde_json::from_str(&e).map_err(|_| corrupt("ending")))
                .transpose()?,
            revised_due: revised_due
                .map(|d| {
                    NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("revised_due"))
                })
                .transpose()?,
            lodged_as: r
                .try_get::<Option<String>, _>("lodged_as")?
                .map(|v| Reference::parse(&v).map_err(|_| corrupt("lodged_as")))
                .transpose()?,
            lodged_from: r
                .try_get::<Option<String>, _>("lodged_from")?
                .map(|v| Reference::parse(&v).map_err(|_| corrupt("lodged_from")))
                .transpose()?,
            updates: super::sqlite_lifecycle::updates_of(pool, &id).await?,
            corrections: super::sqlite_lifecycle::corrections_of(pool, &id).await?,
            mp: r
                .try_get::<Option<String>, _>("mp_contact")?
                .map(|m| serde_json::from_str(&m).map_err(|_| corrupt("mp_contact")))
                .transpose()?,
            flags: FlagsWorked {
                identity_verified: match (
                    r.try_get::<Option<String>, _>("identity_verified_on")?,
                    r.try_get::<Option<String>, _>("identity_verified_how")?,
                ) {
                    (Some(on), Some(how)) => Some((
                        NaiveDate::parse_from_str(&on, "%Y-%m-%d")
                            .map_err(|_| corrupt("identity_verified_on"))?,
                        how,
                    )),
                    _ => None,
                },
                clarification_asked: opt_date(&r, "clarification_asked_on")?,
                clarification_received: opt_date(&r, "clarification_received_on")?,
                handover_made: opt_date(&r, "handover_made_on")?,
            },
            reviews: super::sqlite_lifecycle::reviews_of(pool, &id).await?,
            held: r.try_get("held_reason")?,
            restricted: r.try_get("restricted_reason")?,
            messages,
            id: Uuid::parse_str(&id).map_err(|_| corrupt("case id"))?,
            reference: reference(&r, "reference")?,
            kind: parsed(&r, "kind", CaseKind::parse)?,
            category: r.try_get("category")?,
            team: r.try_get("team")?,
            channel: parsed(&r, "channel", Channel::parse)?,
            lang: parsed(&r, "language", app::i18n::Lang::parse)?,
            status: parsed(&r, "status", Status::parse)?,
            received_at: time(&r, "received_at")?,
            received_on: date(&r, "received_on")?,
            acknowledge_by: date(&r, "acknowledge_by")?,
            outcome_due: date(&r, "outcome_due")?,
            acknowledged_at: opt_time(&r, "acknowledged_at")?,
            investigating_at: opt_time(&r, "investigating_at")?,
            outcome_sent_at: opt_time(&r, "outcome_sent_at")?,
            closed_at: opt_time(&r, "closed_at")?,
            identity_check: r.try_get("identity_check")?,
            clarification_needed: r.try_get("clarification_needed")?,
            corporate_handover: r.try_get("corporate_handover")?,
            complaint,
            keyed_in_by: r.try_get("keyed_in_by")?,
            review: r.try_get("review_reason")?,
            handler: r.try_get("handler")?,
            handler_confirmed_at: opt_time(&r, "handler_confirmed_at")?,
            outcome,
            closure,
            events,
            notes,
            letters,
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
        let now = rfc3339(Utc::now());
        let id = case.id.to_string();
        let mut tx = self.staff_writer.begin().await?;
        sqlx::query(
            "INSERT INTO case_notes (case_id, at, author, kind, body) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(&now)
        .bind(actor)
        .bind(kind.id())
        .bind(body)
        .execute(&mut *tx)
        .await?;
        event_in(&mut tx, &id, &now, "note added", actor, Some(kind.label())).await?;
        audit_in(
            &mut tx,
            &now,
            actor,
            "added a note",
            Some(&case.reference.compact()),
            Some(kind.label()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn assign(
        &self,
        case: &CaseFile,
        handler: &str,
        confirmed: bool,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let now = rfc3339(Utc::now());
        let id = case.id.to_string();
        let mut tx = self.staff_writer.begin().await?;
        // Only if nobody re-assigned it meanwhile.
        let result = sqlx::query(
            "UPDATE cases SET handler = ?, handler_confirmed_at = ?, \
             assigned_at = coalesce(assigned_at, ?) \
             WHERE id = ? AND handler IS ? AND status <> 'closed'",
        )
        .bind(handler)
        .bind(confirmed.then(|| now.clone()))
        .bind(&now)
        .bind(&id)
        .bind(&case.handler)
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
        event_in(&mut tx, &id, &now, "handler assigned", actor, Some(&detail)).await?;
        audit_in(
            &mut tx,
            &now,
            actor,
            "assigned a handler",
            Some(&case.reference.compact()),
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(Applied::Done)
    }

    async fn confirm_handler(&self, case: &CaseFile, actor: &str) -> Result<Applied, StoreError> {
        let now = rfc3339(Utc::now());
        let id = case.id.to_string();
        let mut tx = self.staff_writer.begin().await?;
        let result = sqlx::query(
            "UPDATE cases SET handler_confirmed_at = ? \
             WHERE id = ? AND handler = ? AND handler_confirmed_at IS NULL",
        )
        .bind(&now)
        .bind(&id)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() == 0 {
            return Ok(Applied::Stale);
        }
        event_in(
            &mut tx,
            &id,
            &now,
            "handler confirmed independence",
            actor,
            None,
        )
        .await?;
        audit_in(
            &mut tx,
            &now,
            actor,
            "confirmed independence",
            Some(&case.reference.compact()),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(Applied::Done)
    }

    async fn apply(
        &self,
        case: &CaseFile,
        change: &CaseChange,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let now = rfc3339(Utc::now());
        let id = case.id.to_string();
        let target = change.target();
        let mut tx = self.staff_writer.begin().await?;
        let Some(stamp) = stamp_column(target) else {
            return Ok(Applied::Stale);
        };
        // A change that queues a letter leaves the status as it is until the letter has gone
        // (the outbox moves the case on then); the update still checks nobody moved it first.
        let result = if change.queues().is_some() {
            sqlx::query("UPDATE cases SET status = status WHERE id = ? AND status = ?")
                .bind(&id)
                .bind(case.status.id())
                .execute(&mut *tx)
                .await?
        } else {
            let sql =
                format!("UPDATE cases SET status = ?, {stamp} = ? WHERE id = ? AND status = ?");
            sqlx::query(&sql)
                .bind(target.id())
                .bind(&now)
                .bind(&id)
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
                    letter_in(&mut tx, &id, LetterKind::Acknowledgement, &now, letter).await?;
                match route {
                    Some(route) => {
                        queue_in(
                            &mut tx,
                            &id,
                            MessageKind::Acknowledgement,
                            *route,
                            letter_id,
                            &now,
                        )
                        .await?;
                        ("acknowledgement queued", queued_detail(*route))
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
                let json = serde_json::to_string(outcome).map_err(|_| corrupt("outcome"))?;
                sqlx::query("UPDATE cases SET outcome = ?, outcome_category = ? WHERE id = ?")
                    .bind(json)
                    .bind(outcome.category.id())
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                let letter_id = letter_in(&mut tx, &id, LetterKind::Outcome, &now, letter).await?;
                actions_in(&mut tx, &id, ActionKind::Remedial, &now, &outcome.actions).await?;
                match route {
                    Some(route) => {
                        queue_in(&mut tx, &id, MessageKind::Outcome, *route, letter_id, &now)
                            .await?;
                        (
                            "outcome recorded",
                            format!(
                                "outcome: {}; letter {}",
                                outcome.category.label(),
                                queued_detail(*route)
                            ),
                        )
                    }
                    None => (
                        "outcome sent",
                        format!("outcome: {}", outcome.category.label()),
                    ),
                }
            }
            CaseChange::Close { closure } => {
                let json = serde_json::to_string(closure).map_err(|_| corrupt("closure"))?;
                sqlx::query("UPDATE cases SET resolution = ? WHERE id = ?")
                    .bind(json)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                actions_in(
                    &mut tx,
                    &id,
                    ActionKind::Improvement,
                    &now,
                    &closure.improvements,
                )
                .await?;
                (
                    "closed",
                    format!("{} improvement action(s)", closure.improvements.len()),
                )
            }
        };
        let detail = (!detail.is_empty()).then_some(detail);
        event_in(&mut tx, &id, &now, event, actor, detail.as_deref()).await?;
        let action = if change.queues().is_some() {
            event.to_string()
        } else {
            format!("status: {}", target.label().to_lowercase())
        };
        audit_in(
            &mut tx,
            &now,
            actor,
            &action,
            Some(&case.reference.compact()),
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
        super::sqlite_lifecycle::end_case(self, case, record, letter, route, actor).await
    }

    async fn update_progress(
        &self,
        case: &CaseFile,
        update: &ProgressUpdate,
        letter: &Letter,
        route: Option<Route>,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        super::sqlite_lifecycle::update_progress(self, case, update, letter, route, actor).await
    }

    async fn reclassify(
        &self,
        case: &CaseFile,
        to: CaseKind,
        deadlines: &app::domain::calendar::Deadlines,
        reason: &str,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        super::sqlite_lifecycle::reclassify(self, case, to, deadlines, reason, actor).await
    }

    async fn record_investigation(
        &self,
        case: &CaseFile,
        investigation: &app::domain::casework::Investigation,
        event: &str,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        super::sqlite_lifecycle::record_investigation(self, case, investigation, event, actor).await
    }

    async fn reopen(
        &self,
        case: &CaseFile,
        reason: &str,
        outcome_due: NaiveDate,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        super::sqlite_lifecycle::reopen(self, case, reason, outcome_due, actor).await
    }

    async fn action_done(
        &self,
        case: &CaseFile,
        action_id: i64,
        done_on: NaiveDate,
        note: Option<&str>,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        super::sqlite_lifecycle::action_done(self, case, action_id, done_on, note, actor).await
    }

    async fn set_mp(
        &self,
        case: &CaseFile,
        mp: &MpContact,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = rfc3339(Utc::now());
        let id = case.id.to_string();
        let json = serde_json::to_string(mp).map_err(|_| corrupt("mp_contact"))?;
        let mut tx = self.staff_writer.begin().await?;
        sqlx::query("UPDATE cases SET mp_contact = ? WHERE id = ?")
            .bind(&json)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        // The MP's name and address are in the case file, not the history.
        let detail = format!(
            "copies by {}",
            if mp.route() == Route::Email {
                "email"
            } else {
                "post"
            }
        );
        event_in(
            &mut tx,
            &id,
            &at,
            "MP's details recorded",
            actor,
            Some(&detail),
        )
        .await?;
        audit_in(
            &mut tx,
            &at,
            actor,
            "recorded the MP's details",
            Some(&case.reference.compact()),
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(Applied::Done)
    }

    async fn work_flag(
        &self,
        case: &CaseFile,
        work: &FlagWork,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        super::sqlite_lifecycle::work_flag(self, case, work, actor).await
    }

    async fn correct(
        &self,
        case: &CaseFile,
        correction: &Correction,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        super::sqlite_lifecycle::correct(self, case, correction, actor).await
    }

    async fn link_lodged(
        &self,
        report: &CaseFile,
        complaint: &Reference,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        super::sqlite_lifecycle::link_lodged(self, report, complaint, actor).await
    }

    async fn report_facts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<app::domain::reporting::ReportFacts, StoreError> {
        super::sqlite_reports::report_facts(self, from, to).await
    }

    async fn actions(&self) -> Result<Vec<RegisterAction>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.reference, c.team, a.id, a.kind, a.description, a.owner, a.due_on, a.done_on, \
             a.done_note FROM case_actions a JOIN cases c ON c.id = a.case_id \
             WHERE c.restricted_at IS NULL ORDER BY a.done_on IS NOT NULL, a.due_on, a.id LIMIT 1000",
        )
        .fetch_all(&self.readers)
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
            .bind(rfc3339(from))
            .bind(rfc3339(to))
            .fetch_all(&self.readers)
            .await?;
        rows.iter()
            .map(|r| {
                let at = opt_time(r, "closed_at")?.ok_or_else(|| corrupt("closed_at"))?;
                Ok((reference(r, "reference")?, at))
            })
            .collect()
    }

    async fn add_recommendation(
        &self,
        period: app::domain::reporting::Period,
        r: &app::domain::reporting::Recommendation,
        actor: &str,
    ) -> Result<(), StoreError> {
        super::sqlite_reports::add_recommendation(self, period, r, actor).await
    }

    async fn recommendations(&self) -> Result<Vec<StoredRecommendation>, StoreError> {
        super::sqlite_reports::recommendations(self).await
    }

    async fn recommendation_done(
        &self,
        id: i64,
        done_on: NaiveDate,
        note: Option<&str>,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        super::sqlite_reports::recommendation_done(self, id, done_on, note, actor).await
    }

    async fn audit(&self, e: AuditEntry) -> Result<(), StoreError> {
        let mut tx = self.staff_writer.begin().await?;
        audit_in(
            &mut tx,
            &rfc3339(e.at),
            &e.username,
            &e.action,
            e.reference.map(|r| r.compact()).as_deref(),
            e.detail.as_deref(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_trail(&self, q: &AuditQuery) -> Result<Vec<AuditRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, username, action, reference, detail FROM audit_events \
             WHERE (?1 IS NULL OR reference = ?1) AND (?2 IS NULL OR username = ?2) \
             AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4",
        )
        .bind(q.reference.as_ref().map(Reference::compact))
        .bind(&q.username)
        .bind(q.before)
        .bind(AUDIT_PAGE_SIZE as i64)
        .fetch_all(&self.readers)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRow {
                    id: r.try_get("id")?,
                    entry: AuditEntry {
                        at: time(r, "at")?,
                        username: r.try_get("username")?,
                        action: r.try_get("action")?,
                        reference: r
                            .try_get::<Option<String>, _>("reference")?
                            .map(|s| Reference::parse(&s).map_err(|_| corrupt("reference")))
                            .transpose()?,
                        detail: r.try_get("detail")?,
                    },
                })
            })
            .collect()
    }
}
