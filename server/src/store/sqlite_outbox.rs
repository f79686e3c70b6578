//! The outbox on SQLite. Writes go through the staff writer (one connection); a claim is one
//! UPDATE, so two instances on one database never claim the same row.

use super::outbox::*;
use super::sqlite::SqliteStore;
use super::StoreError;
use app::domain::messages::{MessageKind, Route};
use app::domain::reference::Reference;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, Transaction};

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("outbox {what}"))
}

fn opt_time(row: &SqliteRow, column: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    row.try_get::<Option<String>, _>(column)?
        .map(|s| {
            DateTime::parse_from_rfc3339(&s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| corrupt(column))
        })
        .transpose()
}

pub(super) const COLUMNS: &str =
    "o.id, o.message_key, o.kind, o.audience, o.channel, c.reference, o.team, o.letter_id, \
    o.digest_on, o.status, o.attempts, o.next_attempt_at, o.provider_id, o.sent_at, o.posted_by, \
    o.last_error, o.created_at";

pub(super) fn message(r: &SqliteRow) -> Result<Message, StoreError> {
    let text = |c: &str| r.try_get::<String, _>(c);
    Ok(Message {
        id: r.try_get("id")?,
        key: text("message_key")?,
        kind: MessageKind::parse(&text("kind")?).ok_or_else(|| corrupt("kind"))?,
        to_mp: text("audience")? == "mp",
        route: Route::parse(&text("channel")?).ok_or_else(|| corrupt("channel"))?,
        reference: r
            .try_get::<Option<String>, _>("reference")?
            .map(|s| Reference::parse(&s).map_err(|_| corrupt("reference")))
            .transpose()?,
        team: r.try_get("team")?,
        letter_id: r.try_get("letter_id")?,
        digest_on: r
            .try_get::<Option<String>, _>("digest_on")?
            .map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt("digest_on")))
            .transpose()?,
        status: MessageStatus::parse(&text("status")?).ok_or_else(|| corrupt("status"))?,
        attempts: r.try_get::<i64, _>("attempts")?.max(0) as u32,
        next_attempt_at: opt_time(r, "next_attempt_at")?.ok_or_else(|| corrupt("time"))?,
        provider_id: r.try_get("provider_id")?,
        sent_at: opt_time(r, "sent_at")?,
        posted_by: r.try_get("posted_by")?,
        last_error: r.try_get("last_error")?,
        created_at: opt_time(r, "created_at")?.ok_or_else(|| corrupt("time"))?,
    })
}

/// A delivered letter moves its case on, once (`outbox::moves_case`).
async fn delivered(
    tx: &mut Transaction<'_, Sqlite>,
    id: i64,
    at: &str,
    how: &str,
    actor: Option<&str>,
) -> Result<(), sqlx::Error> {
    // Only the person's own letter moves the case on; the MP's copy does not.
    let Some(row) =
        sqlx::query("SELECT case_id, kind FROM outbox WHERE id = ? AND audience = 'complainant'")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
    else {
        return Ok(());
    };
    let case_id: Option<String> = row.try_get("case_id")?;
    let kind: String = row.try_get("kind")?;
    let Some(case_id) = case_id else {
        return Ok(());
    };
    let Some((from, to, stamp, event)) = moves_case(&kind) else {
        return Ok(());
    };
    // Complaints only: a breach report is not a complaint and takes no complaint status
    // (SPEC "Ending a case"); its letters are still sent and recorded in the outbox.
    let sql = format!(
        "UPDATE cases SET status = ?, {stamp} = ? WHERE id = ? AND status = ? AND kind = 'complaint'"
    );
    let moved = sqlx::query(&sql)
        .bind(to)
        .bind(at)
        .bind(&case_id)
        .bind(from)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if moved == 1 {
        sqlx::query(
            "INSERT INTO case_events (case_id, at, event, actor, detail) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&case_id)
        .bind(at)
        .bind(event)
        .bind(actor)
        .bind(format!("{} letter {how}", kind))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl SqliteStore {
    /// A DPO's change to a message (`sql` binds the id and now), with its audit record.
    async fn by_dpo(
        &self,
        id: i64,
        actor: &str,
        sql: &str,
        action: &str,
    ) -> Result<bool, StoreError> {
        let now = rfc3339(Utc::now());
        let mut tx = self.staff_writer.begin().await?;
        let done = sqlx::query(sql)
            .bind(id)
            .bind(&now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if done == 1 {
            sqlx::query(
                "INSERT INTO audit_events (at, username, action, detail) VALUES (?, ?, ?, ?)",
            )
            .bind(&now)
            .bind(actor)
            .bind(action)
            .bind(format!("message {id}"))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(done == 1)
    }

    async fn select(&self, filter: &str, bind: Option<String>) -> Result<Vec<Message>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox o LEFT JOIN cases c ON c.id = o.case_id {filter}"
        );
        let mut q = sqlx::query(&sql);
        if let Some(b) = bind {
            q = q.bind(b);
        }
        q.fetch_all(&self.readers)
            .await?
            .iter()
            .map(message)
            .collect()
    }
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        instance: &str,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let now_s = rfc3339(now);
        let ids: Vec<i64> = sqlx::query_scalar(
            "UPDATE outbox SET lease_until = ?1, leased_by = ?2 WHERE id IN (\
               SELECT id FROM outbox WHERE status = 'waiting' AND channel = 'email' \
               AND next_attempt_at <= ?3 AND (lease_until IS NULL OR lease_until <= ?3) \
               ORDER BY next_attempt_at, id LIMIT ?4) RETURNING id",
        )
        .bind(rfc3339(now + lease))
        .bind(instance)
        .bind(&now_s)
        .bind(limit as i64)
        .fetch_all(&self.staff_writer)
        .await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        // The ids are integers we just read: safe to put in the statement.
        self.select(&format!("WHERE o.id IN ({list}) ORDER BY o.id"), None)
            .await
    }

    async fn mark_sent(
        &self,
        id: i64,
        provider_id: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let at = rfc3339(at);
        let mut tx = self.staff_writer.begin().await?;
        let done = sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = ?, provider_id = ?, lease_until = NULL, \
             attempts = attempts + 1, last_error = NULL WHERE id = ? AND status = 'waiting'",
        )
        .bind(&at)
        .bind(provider_id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 1 {
            delivered(&mut tx, id, &at, "emailed", None).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn mark_retry(
        &self,
        id: i64,
        next: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, \
             lease_until = NULL WHERE id = ? AND status = 'waiting'",
        )
        .bind(rfc3339(next))
        .bind(error)
        .bind(id)
        .execute(&self.staff_writer)
        .await?;
        Ok(())
    }

    async fn mark_failed(&self, id: i64, error: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, \
             lease_until = NULL WHERE id = ? AND status = 'waiting'",
        )
        .bind(error)
        .bind(id)
        .execute(&self.staff_writer)
        .await?;
        Ok(())
    }

    async fn mark_posted(&self, id: i64, by: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let at = rfc3339(at);
        let mut tx = self.staff_writer.begin().await?;
        let done = sqlx::query(
            "UPDATE outbox SET status = 'posted', sent_at = ?, posted_by = ? \
             WHERE id = ? AND status = 'waiting' AND channel = 'post'",
        )
        .bind(&at)
        .bind(by)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 1 {
            delivered(&mut tx, id, &at, "posted", Some(by)).await?;
            let reference: Option<String> = sqlx::query_scalar(
                "SELECT c.reference FROM outbox o JOIN cases c ON c.id = o.case_id WHERE o.id = ?",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO audit_events (at, username, action, reference, detail) \
                 VALUES (?, ?, 'marked a letter posted', ?, ?)",
            )
            .bind(&at)
            .bind(by)
            .bind(reference)
            .bind(format!("message {id}"))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(done == 1)
    }

    async fn retry_now(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        self.by_dpo(
            id,
            actor,
            "UPDATE outbox SET status = 'waiting', next_attempt_at = ?2, lease_until = NULL \
             WHERE id = ?1 AND status IN ('waiting', 'failed')",
            "retried a message",
        )
        .await
    }

    async fn cancel(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        self.by_dpo(
            id,
            actor,
            "UPDATE outbox SET status = 'cancelled', lease_until = NULL \
             WHERE id = ?1 AND status IN ('waiting', 'failed') AND ?2 IS NOT NULL",
            "cancelled a message",
        )
        .await
    }

    async fn message(&self, id: i64) -> Result<Option<Message>, StoreError> {
        Ok(self
            .select("WHERE o.id = ?", Some(id.to_string()))
            .await?
            .into_iter()
            .next())
    }

    async fn messages(
        &self,
        status: Option<MessageStatus>,
        route: Option<Route>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        // Both filters come from enums, never from what was typed.
        let mut clauses = Vec::new();
        if let Some(s) = status {
            clauses.push(format!("o.status = '{}'", s.id()));
        }
        if let Some(r) = route {
            clauses.push(format!("o.channel = '{}'", r.id()));
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        self.select(&format!("{filter} ORDER BY o.id DESC LIMIT {limit}"), None)
            .await
    }

    async fn messages_of_case(&self, reference: &Reference) -> Result<Vec<Message>, StoreError> {
        self.select(
            "WHERE c.reference = ? ORDER BY o.id",
            Some(reference.compact()),
        )
        .await
    }

    async fn queue_digest(&self, team: &str, day: NaiveDate) -> Result<bool, StoreError> {
        let now = rfc3339(Utc::now());
        let done = sqlx::query(
            "INSERT INTO outbox (message_key, kind, audience, team, channel, digest_on, status, \
             next_attempt_at, created_at) VALUES (?, 'digest', 'team', ?, 'email', ?, 'waiting', ?, ?) \
             ON CONFLICT (message_key) DO NOTHING",
        )
        .bind(format!("digest:{team}:{day}"))
        .bind(team)
        .bind(day.to_string())
        .bind(&now)
        .bind(&now)
        .execute(&self.staff_writer)
        .await?
        .rows_affected();
        Ok(done == 1)
    }
}
