//! PostgreSQL, for councils that run several instances (or outgrow one machine). Native types
//! (uuid, timestamptz, date, boolean); every instance shares the one database, so nothing here
//! may assume it is alone:
//!
//! - a complaint is one transaction that first claims its idempotency key (`INSERT … ON
//!   CONFLICT DO NOTHING`): a second instance sending the same key waits on the first one's
//!   uncommitted row, then finds it and replays its answer, so one key makes one case;
//! - references are unique by the table's constraint (a clash tries a fresh one);
//! - background work claims rows (`FOR UPDATE SKIP LOCKED` in the outbox, a lease row for
//!   retention, a unique key per digest), as on SQLite.
//!
//! No group commit of our own: PostgreSQL already commits concurrent transactions together,
//! and each request waits only for its own.

use super::{CaseStore, NewCase, StoreError, Submitted};
use app::domain::messages::Route;
use app::domain::receipt::Receipt;
use app::domain::reference::Reference;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgPool, Postgres, Row, Transaction};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

/// Tries at a fresh random reference before giving up (a clash is ~1 in 10¹¹ per try).
const REFERENCE_TRIES: usize = 8;

pub struct PgStore {
    pub(super) pool: PgPool,
}

pub(super) type Tx<'a> = Transaction<'a, Postgres>;

impl PgStore {
    pub async fn open(url: &str) -> Result<PgStore, String> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| format!("database URL: {e}"))?
            .application_name("complaint-intake");
        let pool = PgPoolOptions::new()
            // Enough for the intake's concurrency on one instance; the database's own
            // `max_connections` (100 by default) bounds the sum over instances.
            .max_connections(pool_size())
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| format!("cannot connect to the database: {e}"))?;
        // sqlx holds an advisory lock while it migrates: instances starting together wait.
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| format!("cannot migrate the database: {e}"))?;
        Ok(PgStore { pool })
    }

    pub fn pool(&self) -> PgPool {
        self.pool.clone()
    }
}

/// Connections per instance: `INTAKE_PG_POOL` (default 16).
fn pool_size() -> u32 {
    std::env::var("INTAKE_PG_POOL")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(16)
}

// Reading stored values into domain types, one place per type; a value that cannot be read
// is an error naming the column (never its content).

pub(super) fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

pub(super) fn parsed<T>(
    row: &PgRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    let s: String = row.try_get(column)?;
    parse(&s).ok_or_else(|| corrupt(column))
}

pub(super) fn reference(row: &PgRow, column: &str) -> Result<Reference, StoreError> {
    parsed(row, column, |s| Reference::parse(s).ok())
}

pub(super) fn opt_reference(row: &PgRow, column: &str) -> Result<Option<Reference>, StoreError> {
    row.try_get::<Option<String>, _>(column)?
        .map(|v| Reference::parse(&v).map_err(|_| corrupt(column)))
        .transpose()
}

/// A JSON document column.
pub(super) fn json<T: serde::de::DeserializeOwned>(
    row: &PgRow,
    column: &str,
) -> Result<Option<T>, StoreError> {
    row.try_get::<Option<String>, _>(column)?
        .filter(|s| !s.is_empty())
        .map(|s| serde_json::from_str(&s).map_err(|_| corrupt(column)))
        .transpose()
}

pub(super) fn to_json<T: serde::Serialize>(value: &T, what: &str) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|_| corrupt(what))
}

#[async_trait]
impl CaseStore for PgStore {
    async fn submit(&self, case: NewCase) -> Result<Submitted, StoreError> {
        let mut tx = self.pool.begin().await?;
        let now = Utc::now();
        // Claim the key first: a concurrent transaction with the same key (on any instance)
        // waits here until this one ends, then finds the key taken.
        let claimed = sqlx::query(
            "INSERT INTO idempotency_keys (key, request_hash, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(case.idempotency_key)
        .bind(&case.request_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            tx.rollback().await?;
            return earlier_answer(&self.pool, &case).await;
        }
        let receipt = insert_case(&mut tx, &case, now).await?;
        let response = serde_json::to_string(&receipt)
            .map_err(|e| StoreError::Unavailable(format!("receipt not serialisable: {e}")))?;
        sqlx::query("UPDATE idempotency_keys SET case_id = $1, response = $2 WHERE key = $3")
            .bind(case.id)
            .bind(response)
            .bind(case.idempotency_key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Submitted::Created(receipt))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// The answer first given for this key (committed: the claim waited for it).
async fn earlier_answer(pool: &PgPool, case: &NewCase) -> Result<Submitted, StoreError> {
    let row = sqlx::query("SELECT request_hash, response FROM idempotency_keys WHERE key = $1")
        .bind(case.idempotency_key)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| StoreError::Unavailable("an idempotency record vanished".into()))?;
    let hash: String = row.try_get("request_hash")?;
    let receipt: Receipt = json(&row, "response")?.ok_or_else(|| corrupt("response"))?;
    Ok(if hash != case.request_hash {
        Submitted::KeyReused {
            earlier: receipt.reference,
        }
    } else {
        Submitted::Replayed(receipt)
    })
}

async fn insert_case(
    tx: &mut Tx<'_>,
    case: &NewCase,
    now: DateTime<Utc>,
) -> Result<Receipt, StoreError> {
    let complaint = to_json(&case.complaint, "complaint")?;
    let mp = case
        .mp
        .as_ref()
        .map(|m| to_json(m, "mp_contact"))
        .transpose()?;
    let mut stored = None;
    for _ in 0..REFERENCE_TRIES {
        let reference = Reference::from_random(rand::random());
        let inserted = sqlx::query(
            "INSERT INTO cases (id, reference, kind, category, team, channel, status, received_at, \
             received_on, acknowledge_by, outcome_due, identity_check, clarification_needed, \
             corporate_handover, consent_share, survey_opt_out, publication_opt_out, \
             complainant_name, complaint, keyed_in_by, created_at, review_reason, mp_contact) \
             VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, $8, $9, $10, $11, $12, $13, $14, $15, \
             $16, $17, $18, $19, $20, $21, $22) ON CONFLICT (reference) DO NOTHING",
        )
        .bind(case.id)
        .bind(reference.compact())
        .bind(case.triage.kind.id())
        .bind(&case.complaint.category)
        .bind(&case.team.id)
        .bind(case.channel.id())
        .bind(case.received_at)
        .bind(case.received_on)
        .bind(case.deadlines.acknowledge_by)
        .bind(case.deadlines.outcome_due)
        .bind(case.triage.flags.identity_check)
        .bind(case.triage.flags.clarification_needed)
        .bind(case.triage.flags.corporate_handover)
        .bind(case.complaint.consents.share_with_organisation)
        .bind(case.complaint.consents.survey_opt_out)
        .bind(case.complaint.consents.publication_opt_out)
        .bind(case.complaint.complainant.full_name.as_str())
        .bind(&complaint)
        .bind(&case.keyed_in_by)
        .bind(now)
        .bind(&case.review)
        .bind(&mp)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            stored = Some(reference);
            break;
        }
    }
    let reference =
        stored.ok_or_else(|| StoreError::Unavailable("no free reference found".into()))?;
    let id = case.id;
    let channel = format!("channel: {}", case.channel.id());
    event_in(
        tx,
        id,
        case.received_at,
        "received",
        case.keyed_in_by.as_deref(),
        Some(&channel),
    )
    .await?;
    if let (Some(route), Some(letter)) =
        (case.acknowledgement_route, case.acknowledgement(&reference))
    {
        let letter_id: i64 = sqlx::query_scalar(
            "INSERT INTO letters (case_id, kind, created_at, subject, body) \
             VALUES ($1, 'acknowledgement', $2, $3, $4) RETURNING id",
        )
        .bind(id)
        .bind(case.received_at)
        .bind(&letter.subject)
        .bind(&letter.body)
        .fetch_one(&mut **tx)
        .await?;
        queue(
            tx,
            id,
            "acknowledgement",
            "complainant",
            route,
            Some(letter_id),
            now,
        )
        .await?;
        if let Some(mp) = &case.mp {
            queue(
                tx,
                id,
                "acknowledgement",
                "mp",
                mp.route(),
                Some(letter_id),
                now,
            )
            .await?;
        }
        let detail = match route {
            Route::Email => "to be emailed",
            Route::Post => "in the print queue",
        };
        event_in(
            tx,
            id,
            case.received_at,
            "acknowledgement queued",
            case.keyed_in_by.as_deref(),
            Some(detail),
        )
        .await?;
    }
    if case.confirm_by_email {
        queue(
            tx,
            id,
            "confirmation",
            "complainant",
            Route::Email,
            None,
            now,
        )
        .await?;
    }
    if case.alert_team {
        queue(tx, id, "team_alert", "team", Route::Email, None, now).await?;
    }
    if let Some(staff) = &case.keyed_in_by {
        audit_in(
            tx,
            now,
            staff,
            "keyed in a complaint",
            Some(&reference.compact()),
            Some(&channel),
        )
        .await?;
    }
    Ok(case.receipt(reference))
}

/// The first message of its kind for a new case (key: case, kind, audience, 1).
async fn queue(
    tx: &mut Tx<'_>,
    case_id: Uuid,
    kind: &str,
    audience: &str,
    route: Route,
    letter_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let key = match audience {
        "mp" => format!("{case_id}:{kind}:mp:1"),
        _ => format!("{case_id}:{kind}:1"),
    };
    sqlx::query(
        "INSERT INTO outbox (message_key, case_id, kind, audience, channel, letter_id, status, \
         next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7, $7)",
    )
    .bind(key)
    .bind(case_id)
    .bind(kind)
    .bind(audience)
    .bind(route.id())
    .bind(letter_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn event_in(
    tx: &mut Tx<'_>,
    case_id: Uuid,
    at: DateTime<Utc>,
    event: &str,
    actor: Option<&str>,
    detail: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at, event, actor, detail) VALUES ($1, $2, $3, $4, $5)",
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

pub(super) async fn audit_in(
    tx: &mut Tx<'_>,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    reference: Option<&str>,
    detail: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_events (at, username, action, reference, detail) \
         VALUES ($1, $2, $3, $4, $5)",
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
