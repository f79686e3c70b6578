//! The outbox. Instances share it: a claim is one UPDATE that leases the due rows it takes
//! (on PostgreSQL skipping rows another instance is claiming), so two instances never send
//! one message, and a crashed instance's lease runs out for another to take over.

use super::{audit_in, event_in, opt_reference, parsed, DbRow, Id, Store, Ts, Tx};
use crate::store::dialect::Dialect;
use crate::store::outbox::*;
use crate::store::StoreError;
use app::domain::delivery::Delivery;
use app::domain::messages::{MessageKind, Route};
use app::domain::reference::Reference;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

pub(crate) const COLUMNS: &str =
    "o.id, o.message_key, o.kind, o.audience, o.channel, c.reference, o.team, o.letter_id, \
    o.digest_on, o.status, o.attempts, o.next_attempt_at, o.provider_id, o.sent_at, o.posted_by, \
    o.last_error, o.created_at, \
    (SELECT d.status FROM deliveries d WHERE d.message_id = o.id) AS delivery";

pub(crate) fn message(r: &DbRow) -> Result<Message, StoreError> {
    Ok(Message {
        id: r.try_get("id")?,
        key: r.try_get("message_key")?,
        kind: parsed(r, "kind", MessageKind::parse)?,
        to_mp: r.try_get::<String, _>("audience")? == "mp",
        route: parsed(r, "channel", Route::parse)?,
        reference: opt_reference(r, "reference")?,
        team: r.try_get("team")?,
        letter_id: r.try_get("letter_id")?,
        digest_on: r.try_get("digest_on")?,
        status: parsed(r, "status", MessageStatus::parse)?,
        attempts: r.try_get::<i32, _>("attempts")?.max(0) as u32,
        next_attempt_at: r.try_get("next_attempt_at")?,
        provider_id: r.try_get("provider_id")?,
        sent_at: r.try_get("sent_at")?,
        posted_by: r.try_get("posted_by")?,
        last_error: r.try_get("last_error")?,
        created_at: r.try_get("created_at")?,
        delivery: r
            .try_get::<Option<String>, _>("delivery")?
            .map(|d| Delivery::parse(&d).ok_or_else(|| super::corrupt("delivery")))
            .transpose()?,
    })
}

/// A delivered letter moves its case on, once (`outbox::moves_case`).
async fn delivered(
    tx: &mut Tx<'_>,
    id: i64,
    at: DateTime<Utc>,
    how: &str,
    actor: Option<&str>,
) -> Result<(), sqlx::Error> {
    // Only the person's own letter moves the case on; the MP's copy does not.
    let Some(row) =
        sqlx::query("SELECT case_id, kind FROM outbox WHERE id = $1 AND audience = 'complainant'")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
    else {
        return Ok(());
    };
    let case_id = row.try_get::<Option<Id>, _>("case_id")?.map(|i| i.0);
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
        "UPDATE cases SET status = $1, {stamp} = $2 WHERE id = $3 AND status = $4 AND kind = 'complaint'"
    );
    let moved = sqlx::query(&sql)
        .bind(to)
        .bind(Ts(at))
        .bind(Id(case_id))
        .bind(from)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if moved == 1 {
        let detail = format!("{kind} letter {how}");
        event_in(tx, case_id, at, event, actor, Some(&detail)).await?;
    }
    Ok(())
}

impl Store {
    /// A DPO's change to a message (`sql` binds the id and now), with its audit record.
    async fn by_dpo(
        &self,
        id: i64,
        actor: &str,
        sql: &str,
        action: &str,
    ) -> Result<bool, StoreError> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(sql)
            .bind(id)
            .bind(Ts(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if done == 1 {
            let detail = format!("message {id}");
            audit_in(&mut tx, now, actor, action, None, Some(&detail)).await?;
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
        q.fetch_all(self.reader())
            .await?
            .iter()
            .map(message)
            .collect()
    }
}

#[async_trait]
impl OutboxStore for Store {
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        instance: &str,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        // Rows another instance is claiming at this moment are skipped, not waited for.
        let sql = format!(
            "UPDATE outbox SET lease_until = $1, leased_by = $2 WHERE id IN (\
               SELECT id FROM outbox WHERE status = 'waiting' AND channel = 'email' \
               AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3) \
               ORDER BY next_attempt_at, id LIMIT $4{}) RETURNING id",
            Store::SKIP_LOCKED
        );
        let ids: Vec<i64> = sqlx::query_scalar(&sql)
            .bind(Ts(now + lease))
            .bind(instance)
            .bind(Ts(now))
            .bind(limit as i64)
            .fetch_all(self.writer())
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
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, provider_id = $2, \
             lease_until = NULL, attempts = attempts + 1, last_error = NULL \
             WHERE id = $3 AND status = 'waiting'",
        )
        .bind(Ts(at))
        .bind(provider_id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 1 {
            delivered(&mut tx, id, at, "emailed", None).await?;
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
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2, \
             lease_until = NULL WHERE id = $3 AND status = 'waiting'",
        )
        .bind(Ts(next))
        .bind(error)
        .bind(id)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn mark_failed(&self, id: i64, error: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $1, \
             lease_until = NULL WHERE id = $2 AND status = 'waiting'",
        )
        .bind(error)
        .bind(id)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn mark_posted(&self, id: i64, by: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE outbox SET status = 'posted', sent_at = $1, posted_by = $2 \
             WHERE id = $3 AND status = 'waiting' AND channel = 'post'",
        )
        .bind(Ts(at))
        .bind(by)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 1 {
            delivered(&mut tx, id, at, "posted", Some(by)).await?;
            let reference: Option<String> = sqlx::query_scalar(
                "SELECT c.reference FROM outbox o JOIN cases c ON c.id = o.case_id \
                 WHERE o.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let detail = format!("message {id}");
            let action = "marked a letter posted";
            audit_in(&mut tx, at, by, action, reference.as_deref(), Some(&detail)).await?;
        }
        tx.commit().await?;
        Ok(done == 1)
    }

    async fn retry_now(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        self.by_dpo(
            id,
            actor,
            "UPDATE outbox SET status = 'waiting', next_attempt_at = $2, lease_until = NULL \
             WHERE id = $1 AND status IN ('waiting', 'failed')",
            "retried a message",
        )
        .await
    }

    async fn cancel(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        self.by_dpo(
            id,
            actor,
            "UPDATE outbox SET status = 'cancelled', lease_until = NULL \
             WHERE id = $1 AND status IN ('waiting', 'failed') AND CAST($2 AS TEXT) IS NOT NULL",
            "cancelled a message",
        )
        .await
    }

    async fn record_delivery(
        &self,
        provider_id: &str,
        delivery: Delivery,
        at: DateTime<Utc>,
    ) -> Result<Option<Message>, StoreError> {
        // Kept, or changed to a new status; the same status again (a replay) returns nothing.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO deliveries (message_id, status, reported_at) \
             SELECT id, $1, $2 FROM outbox WHERE provider_id = $3 \
             ON CONFLICT (message_id) DO UPDATE SET status = excluded.status, \
             reported_at = excluded.reported_at WHERE deliveries.status <> excluded.status \
             RETURNING message_id",
        )
        .bind(delivery.id())
        .bind(Ts(at))
        .bind(provider_id)
        .fetch_optional(self.writer())
        .await?;
        match id {
            Some(id) => self.message(id).await,
            None => Ok(None),
        }
    }

    async fn post_instead(&self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let queued = sqlx::query(
            "INSERT INTO outbox (message_key, case_id, kind, audience, channel, letter_id, \
             status, next_attempt_at, created_at) SELECT message_key || ':post', case_id, kind, \
             audience, 'post', letter_id, 'waiting', $2, $2 FROM outbox WHERE id = $1 \
             AND channel = 'email' AND letter_id IS NOT NULL AND audience = 'complainant' \
             ON CONFLICT (message_key) DO NOTHING",
        )
        .bind(id)
        .bind(Ts(at))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if queued == 1 {
            let event = "email not delivered";
            let detail = "the letter is in the print queue instead";
            self::event_about(&mut tx, id, at, event, detail).await?;
        }
        tx.commit().await?;
        Ok(queued == 1)
    }

    async fn cannot_reach(&self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let flagged = sqlx::query(
            "UPDATE cases SET cannot_reach_at = $1 WHERE cannot_reach_at IS NULL \
             AND id = (SELECT case_id FROM outbox WHERE id = $2)",
        )
        .bind(Ts(at))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if flagged == 1 {
            let event = "cannot reach the complainant";
            let detail = "email not delivered and no postal address";
            self::event_about(&mut tx, id, at, event, detail).await?;
        }
        tx.commit().await?;
        Ok(flagged == 1)
    }

    async fn message(&self, id: i64) -> Result<Option<Message>, StoreError> {
        let filter = format!("WHERE o.id = {id}");
        Ok(self.select(&filter, None).await?.into_iter().next())
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
        let filter = "WHERE c.reference = $1 ORDER BY o.id";
        self.select(filter, Some(reference.compact())).await
    }

    async fn queue_digest(&self, team: &str, day: NaiveDate) -> Result<bool, StoreError> {
        // The key is the team and the day: whichever instance queues it first, once.
        let done = sqlx::query(
            "INSERT INTO outbox (message_key, kind, audience, team, channel, digest_on, status, \
             next_attempt_at, created_at) VALUES ($1, 'digest', 'team', $2, 'email', $3, \
             'waiting', $4, $4) ON CONFLICT (message_key) DO NOTHING",
        )
        .bind(format!("digest:{team}:{day}"))
        .bind(team)
        .bind(day)
        .bind(Ts::now())
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(done == 1)
    }
}

/// A history entry on the case of message `id`, by the service itself.
async fn event_about(
    tx: &mut Tx<'_>,
    id: i64,
    at: DateTime<Utc>,
    event: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let case_id: Option<Id> = sqlx::query_scalar("SELECT case_id FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    if let Some(case_id) = case_id {
        event_in(tx, case_id.0, at, event, None, Some(detail)).await?;
    }
    Ok(())
}
