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
//! Complaints are written in batches (`batch.rs`, the queue in `group_commit.rs`): PostgreSQL
//! commits concurrent transactions together by itself, but a statement and a commit per
//! complaint still cost a round trip, a plan and a transaction's bookkeeping each, which held
//! the intake to two fifths of a bare one-row insert (BENCHMARKS.md, issue 27).

mod batch;
mod reports;
// The one body of SQL, compiled for this database (the other includes it too, on purpose).
#[allow(clippy::duplicate_mod)]
#[path = "../sql/mod.rs"]
mod sql;

use super::dialect::Dialect;
use super::group_commit::{self, Queue};
use super::{CaseStore, NewCase, StoreError, Submitted};
use app::domain::messages::Route;
use app::domain::receipt::Receipt;
use app::domain::reference::Reference;
use async_trait::async_trait;
use chrono::Utc;
use sql::{corrupt, json, to_json};
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::Arguments;
use sqlx::{PgPool, Postgres, Row, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Tries at a fresh random reference before giving up (a clash is ~1 in 10¹¹ per try).
const REFERENCE_TRIES: usize = 8;
/// The most complaints one statement carries; more wait for the next.
const MAX_BATCH: usize = 128;

pub struct PgStore {
    pub(super) pool: PgPool,
    writer: Queue,
}

type Db = Postgres;
type DbRow = PgRow;
type Pool = PgPool;
type Store = PgStore;

impl Dialect for PgStore {
    type Db = Db;

    fn reader(&self) -> &PgPool {
        &self.pool
    }
    fn writer(&self) -> &PgPool {
        &self.pool
    }
    async fn begin_write(&self) -> Result<Transaction<'static, Db>, sqlx::Error> {
        self.pool.begin().await
    }

    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
    // The append-only triggers let a delete through in a transaction that says so.
    const AUDIT_GATE_OPEN: &'static str = "SET LOCAL intake.retention = 'on'";
    const AUDIT_GATE_CLOSE: &'static str = "SET LOCAL intake.retention = 'off'";
    const EXPIRED_SESSIONS: &'static str =
        "DELETE FROM tower_sessions.session WHERE expiry_date < now()";

    fn json_text(column: &str, path: &[&str]) -> String {
        format!("({column}::jsonb #>> '{{{}}}')", path.join(","))
    }
    fn json_without(column: &str, keys: &[&str]) -> String {
        let minus: Vec<String> = keys.iter().map(|k| format!(" - '{k}'")).collect();
        format!("({column}::jsonb{})::text", minus.concat())
    }
    fn contains(haystack: &str, needle: &str) -> String {
        format!("strpos({haystack}, {needle}) > 0")
    }
}

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
            .connect_with(options.clone())
            .await
            .map_err(|e| format!("cannot connect to the database: {e}"))?;
        // sqlx holds an advisory lock while it migrates: instances starting together wait.
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| format!("cannot migrate the database: {e}"))?;
        // The batch writers' connections of their own: a batch's statement carries a few
        // hundred kilobytes, and a connection keeps buffers the size of the largest it sent;
        // kept to these few, the pool's others stay small.
        let writers = writers();
        let writer_pool = PgPoolOptions::new()
            .max_connections(writers as u32)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| format!("cannot connect to the database: {e}"))?;
        let (writer, batches) = group_commit::queue(MAX_BATCH);
        let batches = Arc::new(batches);
        for _ in 0..writers {
            tokio::spawn(batch::writer_loop(writer_pool.clone(), batches.clone()));
        }
        Ok(PgStore { pool, writer })
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

/// Batch writers per instance: `INTAKE_PG_WRITERS` (default 2): one batch is written while
/// the next gathers.
fn writers() -> usize {
    std::env::var("INTAKE_PG_WRITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(2)
}

/// One complaint on its own: what a batch falls back to.
async fn submit_one(pool: &PgPool, case: &NewCase) -> Result<Submitted, StoreError> {
    for _ in 0..REFERENCE_TRIES {
        let reference = Reference::from_random(rand::random());
        let receipt = case.receipt(reference);
        let (sql, args) = insert_case(case, &receipt)?;
        match sqlx::query_scalar_with::<_, i64, _>(&sql, args)
            .fetch_one(pool)
            .await
        {
            Ok(1) => return Ok(Submitted::Created(receipt)),
            // The key was taken (on any instance): its first answer, once committed.
            Ok(_) => return earlier_answer(pool, case).await,
            Err(e) if clash(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Unavailable("no free reference found".into()))
}

#[async_trait]
impl CaseStore for PgStore {
    async fn submit(&self, case: NewCase) -> Result<Submitted, StoreError> {
        self.writer.submit(case).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn migrations_current(&self) -> Result<bool, StoreError> {
        self.schema_current(&sqlx::migrate!("./migrations/postgres"))
            .await
    }

    async fn gauges(&self, today: chrono::NaiveDate) -> Result<crate::store::Gauges, StoreError> {
        self.gauges_of(today).await
    }
}

/// The reference drawn is taken already: draw again.
fn clash(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.constraint() == Some("cases_reference_key"))
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

/// Numbered parameters for a statement put together in parts.
struct Params(PgArguments);

impl Params {
    /// Adds a value; returns its placeholder.
    fn bind<'q, T>(&mut self, value: T) -> Result<String, StoreError>
    where
        T: 'q + sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres>,
    {
        self.0
            .add(value)
            .map_err(|e| StoreError::Unavailable(format!("cannot bind a value: {e}")))?;
        Ok(format!("${}", self.0.len()))
    }
}

/// The whole case as ONE statement (data-modifying CTEs): its idempotency record, the case,
/// its first events, its acknowledgement letter and messages, the audit entry. One round trip
/// and no transaction to open and close: a statement is atomic, and a complaint costs one
/// commit. Everything hangs on the key's insert (`k`): when the key was taken, nothing else is
/// written and the statement returns 0. A reference already taken fails the whole statement
/// (the unique constraint), and `submit` draws another.
fn insert_case(case: &NewCase, receipt: &Receipt) -> Result<(String, PgArguments), StoreError> {
    let mut p = Params(PgArguments::default());
    let now = Utc::now();
    let reference = receipt.reference;
    let (id, at, now_p) = (p.bind(case.id)?, p.bind(case.received_at)?, p.bind(now)?);
    let actor = p.bind(case.keyed_in_by.clone())?;
    let channel_detail = p.bind(format!("channel: {}", case.channel.id()))?;
    let response = serde_json::to_string(receipt)
        .map_err(|e| StoreError::Unavailable(format!("receipt not serialisable: {e}")))?;
    let mp = case
        .mp
        .as_ref()
        .map(|m| to_json(m, "mp_contact"))
        .transpose()?;
    let mut sql = format!(
        "WITH k AS (INSERT INTO idempotency_keys (key, request_hash, case_id, response, created_at) \
         VALUES ({}, {}, {id}, {}, {now_p}) ON CONFLICT (key) DO NOTHING RETURNING key), \
         c AS (INSERT INTO cases (id, reference, kind, category, team, channel, status, received_at, \
         received_on, acknowledge_by, outcome_due, identity_check, clarification_needed, \
         corporate_handover, consent_share, survey_opt_out, publication_opt_out, \
         complainant_name, complaint, keyed_in_by, created_at, review_reason, mp_contact, \
         language) \
         SELECT {id}, {}, {}, {}, {}, {}, 'received', {at}, {}, {}, {}, {}, {}, {}, {}, {}, {}, \
         {}, {}, {actor}, {now_p}, {}, {}, {} FROM k RETURNING id)",
        p.bind(case.idempotency_key)?,
        p.bind(case.request_hash.clone())?,
        p.bind(response)?,
        p.bind(reference.compact())?,
        p.bind(case.triage.kind.id())?,
        p.bind(case.complaint.category.clone())?,
        p.bind(case.team.id.clone())?,
        p.bind(case.channel.id())?,
        p.bind(case.received_on)?,
        p.bind(case.deadlines.acknowledge_by)?,
        p.bind(case.deadlines.outcome_due)?,
        p.bind(case.triage.flags.identity_check)?,
        p.bind(case.triage.flags.clarification_needed)?,
        p.bind(case.triage.flags.corporate_handover)?,
        p.bind(case.complaint.consents.share_with_organisation)?,
        p.bind(case.complaint.consents.survey_opt_out)?,
        p.bind(case.complaint.consents.publication_opt_out)?,
        p.bind(case.complaint.complainant.full_name.as_str().to_string())?,
        p.bind(to_json(&case.complaint, "complaint")?)?,
        p.bind(case.review.clone())?,
        p.bind(mp)?,
        p.bind(case.lang.code())?,
    );
    // The case's first events and messages, each set in one INSERT whose rows are numbered
    // in the order given (the CTEs of one statement run in no set order).
    let mut events = vec![format!(
        "SELECT id, {at}, 'received', {actor}, {channel_detail} FROM c"
    )];
    let mut messages = Vec::new();
    // A message about the new case; with the acknowledgement letter's id (from `l`) or none.
    let message = |p: &mut Params,
                   kind: &str,
                   audience: &str,
                   route: Route,
                   with_letter: bool|
     -> Result<String, StoreError> {
        let key = match audience {
            "mp" => format!("{}:{kind}:mp:1", case.id),
            _ => format!("{}:{kind}:1", case.id),
        };
        let (from, letter_id) = if with_letter {
            ("c, l", "l.id")
        } else {
            ("c", "NULL::bigint")
        };
        Ok(format!(
            "SELECT {}, c.id, {}, {}, {}, {letter_id} FROM {from}",
            p.bind(key)?,
            p.bind(kind.to_string())?,
            p.bind(audience.to_string())?,
            p.bind(route.id())?,
        ))
    };
    if let (Some(route), Some(letter)) =
        (case.acknowledgement_route, case.acknowledgement(&reference))
    {
        let detail = match route {
            Route::Email => "to be emailed",
            Route::Post => "in the print queue",
        };
        sql.push_str(&format!(
            ", l AS (INSERT INTO letters (case_id, kind, created_at, subject, body) \
             SELECT id, 'acknowledgement', {at}, {}, {} FROM c RETURNING id)",
            p.bind(letter.subject)?,
            p.bind(letter.body)?,
        ));
        events.push(format!(
            "SELECT id, {at}, 'acknowledgement queued', {actor}, {} FROM c",
            p.bind(detail)?
        ));
        messages.push(message(
            &mut p,
            "acknowledgement",
            "complainant",
            route,
            true,
        )?);
        if let Some(mp) = &case.mp {
            messages.push(message(&mut p, "acknowledgement", "mp", mp.route(), true)?);
        }
    }
    if case.confirm_by_email {
        messages.push(message(
            &mut p,
            "confirmation",
            "complainant",
            Route::Email,
            false,
        )?);
    }
    if case.alert_team {
        messages.push(message(&mut p, "team_alert", "team", Route::Email, false)?);
    }
    sql.push_str(&format!(
        ", e AS (INSERT INTO case_events (case_id, at, event, actor, detail) {})",
        events.join(" UNION ALL ")
    ));
    if !messages.is_empty() {
        sql.push_str(&format!(
            ", m AS (INSERT INTO outbox (message_key, case_id, kind, audience, channel, letter_id, \
             status, next_attempt_at, created_at) SELECT *, 'waiting', {now_p}, {now_p} FROM ({}) AS n)",
            messages.join(" UNION ALL ")
        ));
    }
    if case.keyed_in_by.is_some() {
        sql.push_str(&format!(
            ", audit AS (INSERT INTO audit_events (at, username, action, reference, detail) \
             SELECT {now_p}, {actor}, 'keyed in a complaint', {}, {channel_detail} FROM c)",
            p.bind(reference.compact())?,
        ));
    }
    sql.push_str(" SELECT COUNT(*) FROM k");
    Ok((sql, p.0))
}

/// Every table that can hold personal data, rewritten after a run deleted some.
const PERSONAL_TABLES: &[&str] = &[
    "cases",
    "case_notes",
    "letters",
    "outbox",
    "idempotency_keys",
    "case_corrections",
    "progress_updates",
    "case_reviews",
    "case_events",
    "case_actions",
    "audit_events",
    "evidence_files",
    "evidence_chunks",
    "evidence_links",
    "evidence_refusals",
];

/// After retention removed personal data: a deleted row stays in its table's pages until they
/// are rewritten, so this rewrites every table that holds any (`VACUUM FULL`: new files, the
/// old ones unlinked). Each rewrite holds its table's lock for the seconds it takes; runs are
/// scheduled at night. The write-ahead log and base backups keep old pages until they are
/// recycled: the README says what an operator must do about those.
async fn compact(store: &PgStore) -> Result<(), StoreError> {
    // Not in a transaction (VACUUM refuses one); one table at a time.
    for table in PERSONAL_TABLES {
        sqlx::query(&format!("VACUUM (FULL) {table}"))
            .execute(&store.pool)
            .await?;
    }
    Ok(())
}
