//! SQLite, embedded: WAL mode, `synchronous=FULL` (a commit survives power loss), foreign
//! keys on.
//!
//! Retention's transactions begin IMMEDIATE: several instances may run them at once, and a
//! deferred transaction that read first would fail rather than wait for the write lock.
//! `secure_delete` is on: what retention deletes is overwritten in the file.
//!
//! All writes go through one writer task that commits in batches ("group commit"): an fsync
//! costs milliseconds, so committing each complaint on its own would cap the service at a few
//! hundred a second with long queues behind. Each request still gets its answer only after the
//! batch holding it is committed, and a failure in one complaint rolls back only that one (each
//! runs inside its own savepoint).

mod batch;
mod reports;
// The one body of SQL, compiled for this database (the other includes it too, on purpose).
#[allow(clippy::duplicate_mod)]
#[path = "../sql/mod.rs"]
mod sql;

use super::column::rfc3339;
use super::dialect::Dialect;
use super::group_commit::{self, Batches, Job, Queue};
use super::{CaseStore, NewCase, StoreError, Submitted};
use app::domain::messages::Route;
use app::domain::receipt::Receipt;
use app::domain::reference::Reference;
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection, SqlitePool, Transaction};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

/// The most complaints one commit carries; more wait for the next.
const MAX_BATCH: usize = 128;
/// Tries at a fresh random reference before giving up (a clash is ~1 in 10¹¹ per try).
const REFERENCE_TRIES: usize = 8;

type Db = sqlx::Sqlite;
type DbRow = sqlx::sqlite::SqliteRow;
type Pool = SqlitePool;
type Store = SqliteStore;

pub struct SqliteStore {
    writer: Queue,
    pub(super) readers: SqlitePool,
    /// Casework, accounts, audit entries and sessions: one connection, so writes queue here
    /// rather than fight over SQLite's lock.
    pub(super) staff_writer: SqlitePool,
}

impl SqliteStore {
    pub async fn open(url: &str) -> Result<SqliteStore, String> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| format!("database URL: {e}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Deleted content is overwritten, not only unlinked (see `compact`).
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(10));
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
        }
        let mut migrator_conn = SqliteConnection::connect_with(&options)
            .await
            .map_err(|e| format!("cannot open the database: {e}"))?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&mut migrator_conn)
            .await
            .map_err(|e| format!("cannot migrate the database: {e}"))?;
        // A migration may edit the schema's text (see the lifecycle migration): the
        // connection that ran it keeps the old schema in memory, so the writer starts afresh.
        let _ = migrator_conn.close().await;
        // The intake's writer never copies the log into the database itself (that pause, and
        // its fsync, fell on whichever commit crossed the threshold): a connection of its own
        // does it every second, beside the writer (see `checkpoints`).
        let writer_conn =
            SqliteConnection::connect_with(&options.clone().pragma("wal_autocheckpoint", "0"))
                .await
                .map_err(|e| format!("cannot open the database: {e}"))?;
        // Copying the log reads its frames and writes the database directly: a small cache.
        let checkpointer =
            SqliteConnection::connect_with(&options.clone().pragma("cache_size", "-256"))
                .await
                .map_err(|e| format!("cannot open the database: {e}"))?;
        tokio::spawn(checkpoints(checkpointer));
        let staff_writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(|e| format!("cannot open the database: {e}"))?;
        let readers = SqlitePoolOptions::new()
            .max_connections(4)
            // Readers map the file rather than copy each page they read into their own
            // cache: a report reads a few megabytes of one index at a time.
            .connect_with(options.read_only(true).pragma("mmap_size", "268435456"))
            .await
            .map_err(|e| format!("cannot open the database for reading: {e}"))?;
        let (queue, batches) = group_commit::queue(MAX_BATCH);
        tokio::spawn(writer_loop(writer_conn, batches));
        Ok(SqliteStore {
            writer: queue,
            readers,
            staff_writer,
        })
    }

    /// The pool the session store writes through.
    pub fn session_pool(&self) -> SqlitePool {
        self.staff_writer.clone()
    }
}

impl Dialect for SqliteStore {
    type Db = Db;

    fn reader(&self) -> &SqlitePool {
        &self.readers
    }
    fn writer(&self) -> &SqlitePool {
        &self.staff_writer
    }
    async fn begin_write(&self) -> Result<Transaction<'static, Db>, sqlx::Error> {
        self.staff_writer.begin_with("BEGIN IMMEDIATE").await
    }

    // The one writer holds the database's lock from BEGIN IMMEDIATE: nothing to add.
    const FOR_UPDATE: &'static str = "";
    const SKIP_LOCKED: &'static str = "";
    // The audit trail's delete trigger lets a delete through while the gate has a row.
    const AUDIT_GATE_OPEN: &'static str = "INSERT INTO retention_gate (open) VALUES (1)";
    const AUDIT_GATE_CLOSE: &'static str = "DELETE FROM retention_gate";
    // tower-sessions keeps the expiry as text.
    const EXPIRED_SESSIONS: &'static str =
        "DELETE FROM tower_sessions WHERE datetime(expiry_date) < datetime('now')";

    fn json_text(column: &str, path: &[&str]) -> String {
        format!("json_extract({column}, '$.{}')", path.join("."))
    }
    fn json_without(column: &str, keys: &[&str]) -> String {
        let paths: Vec<String> = keys.iter().map(|k| format!("'$.{k}'")).collect();
        format!("json_remove({column}, {})", paths.join(", "))
    }
    fn contains(haystack: &str, needle: &str) -> String {
        format!("instr({haystack}, {needle}) > 0")
    }
}

#[async_trait]
impl CaseStore for SqliteStore {
    async fn submit(&self, case: NewCase) -> Result<Submitted, StoreError> {
        self.writer.submit(case).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.readers).await?;
        Ok(())
    }

    async fn migrations_current(&self) -> Result<bool, StoreError> {
        self.schema_current(&sqlx::migrate!("./migrations/sqlite"))
            .await
    }

    async fn gauges(&self, today: chrono::NaiveDate) -> Result<crate::store::Gauges, StoreError> {
        self.gauges_of(today).await
    }
}

/// Copies the write-ahead log into the database once a second (PASSIVE: never waits for, nor
/// blocks, the writer or a reader), so the log stays short and the intake's commits never pay
/// for it. A failure is logged and tried again the next second; SQLite's readers and writer
/// are correct whatever the log's length.
async fn checkpoints(mut conn: SqliteConnection) {
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&mut conn)
            .await
        {
            tracing::error!(cause = %e, "case store: the log could not be copied into the database");
        }
    }
}

async fn writer_loop(mut conn: SqliteConnection, batches: Batches) {
    // Ends when every sender is gone (shutdown), after the queued jobs are done.
    while let Some(batch) = batches.next().await {
        let results = commit_batch(&mut conn, &batch).await;
        for (job, result) in batch.into_iter().zip(results) {
            job.answer(result);
        }
    }
}

async fn commit_batch(
    conn: &mut SqliteConnection,
    batch: &[Job],
) -> Vec<Result<Submitted, StoreError>> {
    let unavailable = |e: &sqlx::Error| {
        tracing::error!(error = %e, "case store: batch not committed");
        (0..batch.len())
            .map(|_| Err(StoreError::Unavailable(e.to_string())))
            .collect::<Vec<_>>()
    };
    if let Err(e) = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        return unavailable(&e);
    }
    // One look-up for every key in the batch.
    let known = match known_keys(conn, batch).await {
        Ok(k) => k,
        Err(e) => {
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            return unavailable(&e);
        }
    };
    // Each job is answered from what is stored already, written new, or (a key twice in
    // this batch) answered from the first one's outcome.
    let mut results: Vec<Option<Result<Submitted, StoreError>>> = Vec::new();
    let mut first_of_key: HashMap<Uuid, usize> = HashMap::new();
    let mut repeats = Vec::new();
    let mut new_cases = Vec::new();
    for (i, job) in batch.iter().enumerate() {
        let case = &job.case;
        results.push(match known.get(&case.idempotency_key) {
            Some((hash, receipt)) if *hash != case.request_hash => Some(Ok(Submitted::KeyReused {
                earlier: receipt.reference,
            })),
            Some((_, receipt)) => Some(Ok(Submitted::Replayed(receipt.clone()))),
            None => {
                if let Some(&first) = first_of_key.get(&case.idempotency_key) {
                    repeats.push((i, first));
                } else {
                    first_of_key.insert(case.idempotency_key, i);
                    new_cases.push((i, case.receipt(Reference::from_random(rand::random()))));
                }
                None
            }
        });
    }
    let together: Vec<(&NewCase, &Receipt)> = new_cases
        .iter()
        .map(|(i, receipt)| (&batch[*i].case, receipt))
        .collect();
    match batch::write(conn, &together).await {
        Ok(()) => {
            for (i, receipt) in new_cases {
                results[i] = Some(Ok(Submitted::Created(receipt)));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, complaints = together.len(),
                "case store: a batch was not written together; each complaint tried on its own");
            crate::metrics::batch_retried_singly();
            for (i, _) in new_cases {
                results[i] = Some(
                    insert_case(conn, &batch[i].case)
                        .await
                        .map(Submitted::Created),
                );
            }
        }
    }
    for (i, first) in repeats {
        let case = &batch[i].case;
        results[i] = Some(match &results[first] {
            Some(Ok(Submitted::Created(receipt)))
                if batch[first].case.request_hash == case.request_hash =>
            {
                Ok(Submitted::Replayed(receipt.clone()))
            }
            Some(Ok(Submitted::Created(receipt))) => Ok(Submitted::KeyReused {
                earlier: receipt.reference,
            }),
            _ => Err(StoreError::Unavailable(
                "the first request with this key was not stored".into(),
            )),
        });
    }
    let results: Vec<Result<Submitted, StoreError>> = results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(StoreError::Unavailable("not answered".into()))))
        .collect();
    if let Err(e) = sqlx::query("COMMIT").execute(&mut *conn).await {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        return unavailable(&e);
    }
    crate::metrics::batch_written("sqlite", batch.len());
    results
}

async fn known_keys(
    conn: &mut SqliteConnection,
    batch: &[Job],
) -> Result<HashMap<Uuid, (String, Receipt)>, sqlx::Error> {
    let placeholders = vec!["?"; batch.len()].join(", ");
    let sql = format!(
        "SELECT key, request_hash, response FROM idempotency_keys WHERE key IN ({placeholders})"
    );
    let mut query = sqlx::query_as::<_, (String, String, String)>(&sql);
    for job in batch {
        query = query.bind(job.case.idempotency_key.to_string());
    }
    let mut known = HashMap::new();
    for (key, hash, response) in query.fetch_all(&mut *conn).await? {
        let (Ok(key), Ok(receipt)) = (
            Uuid::parse_str(&key),
            serde_json::from_str::<Receipt>(&response),
        ) else {
            tracing::error!("case store: an idempotency record is unreadable");
            continue;
        };
        known.insert(key, (hash, receipt));
    }
    Ok(known)
}

/// The case, its first events, its acknowledgement letter and its idempotency record, in one
/// round trip to SQLite, inside a savepoint so that a failure leaves nothing behind.
const INSERT_CASE: &str = "
    SAVEPOINT one_case;
    INSERT INTO cases (id, reference, kind, category, team, channel, status, received_at,
        received_on, acknowledge_by, outcome_due, acknowledged_at, identity_check,
        clarification_needed, corporate_handover, consent_share, survey_opt_out,
        publication_opt_out, complainant_name, complaint, keyed_in_by, created_at, review_reason,
        language)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
    INSERT INTO case_events (case_id, at, event, actor, detail) VALUES (?, ?, 'received', ?, ?);
    INSERT INTO idempotency_keys (key, request_hash, case_id, response, created_at) VALUES (?, ?, ?, ?, ?);
";
/// The acknowledgement letter and its message (the letter's id is the row just inserted).
const INSERT_ACKNOWLEDGEMENT: &str = "
    INSERT INTO letters (case_id, kind, created_at, subject, body) VALUES (?, 'acknowledgement', ?, ?, ?);
    INSERT INTO outbox (message_key, case_id, kind, audience, channel, letter_id, status, next_attempt_at, created_at)
        VALUES (? || ':acknowledgement:1', ?, 'acknowledgement', 'complainant', ?, last_insert_rowid(), 'waiting', ?, ?);
    INSERT INTO case_events (case_id, at, event, actor, detail) VALUES (?, ?, 'acknowledgement queued', ?, ?);
";
/// A message about the new case: the confirmation email, or the alert to its team.
const INSERT_MESSAGE: &str = "
    INSERT INTO outbox (message_key, case_id, kind, audience, channel, status, next_attempt_at, created_at)
        VALUES (? || ':' || ? || ':1', ?, ?, ?, 'email', 'waiting', ?, ?);
";
/// Keyed in by staff: the audit trail records who, in the same transaction as the case.
const INSERT_KEYED_IN: &str = "
    INSERT INTO audit_events (at, username, action, reference, detail) VALUES (?, ?, 'keyed in a complaint', ?, ?);
";
/// Through an MP whose details staff keyed in: the details, and a copy of the acknowledgement
/// for the MP (by email where there is one, else post).
const INSERT_MP: &str = "
    UPDATE cases SET mp_contact = ? WHERE id = ?;
";
const INSERT_MP_COPY: &str = "
    INSERT INTO outbox (message_key, case_id, kind, audience, channel, letter_id, status, next_attempt_at, created_at)
        VALUES (? || ':acknowledgement:mp:1', ?, 'acknowledgement', 'mp', ?,
                (SELECT id FROM letters WHERE case_id = ? AND kind = 'acknowledgement'), 'waiting', ?, ?);
";
const RELEASE: &str = "RELEASE one_case;";

async fn insert_case(conn: &mut SqliteConnection, case: &NewCase) -> Result<Receipt, StoreError> {
    let now = rfc3339(chrono::Utc::now());
    let complaint_json = serde_json::to_string(&case.complaint)
        .map_err(|e| StoreError::Unavailable(format!("complaint not serialisable: {e}")))?;
    let id = case.id.to_string();
    let status = "received";
    let received_at = rfc3339(case.received_at);
    let mut sql = INSERT_CASE.to_string();
    if case.acknowledgement_route.is_some() {
        sql.push_str(INSERT_ACKNOWLEDGEMENT);
    }
    let mut messages: Vec<(&str, &str)> = Vec::new();
    if case.confirm_by_email {
        messages.push(("confirmation", "complainant"));
    }
    if case.alert_team {
        messages.push(("team_alert", "team"));
    }
    for _ in &messages {
        sql.push_str(INSERT_MESSAGE);
    }
    if case.keyed_in_by.is_some() {
        sql.push_str(INSERT_KEYED_IN);
    }
    let mp_json = case
        .mp
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Unavailable(format!("MP not serialisable: {e}")))?;
    if mp_json.is_some() {
        sql.push_str(INSERT_MP);
        if case.acknowledgement_route.is_some() {
            sql.push_str(INSERT_MP_COPY);
        }
    }
    sql.push_str(RELEASE);
    for _ in 0..REFERENCE_TRIES {
        let reference = Reference::from_random(rand::random());
        let receipt = case.receipt(reference);
        let response = serde_json::to_string(&receipt)
            .map_err(|e| StoreError::Unavailable(format!("receipt not serialisable: {e}")))?;
        let mut query = sqlx::query(&sql)
            .bind(&id)
            .bind(reference.compact())
            .bind(case.triage.kind.id())
            .bind(&case.complaint.category)
            .bind(&case.team.id)
            .bind(case.channel.id())
            .bind(status)
            .bind(&received_at)
            .bind(case.received_on.to_string())
            .bind(case.deadlines.acknowledge_by.to_string())
            .bind(case.deadlines.outcome_due.to_string())
            .bind(None::<String>)
            .bind(case.triage.flags.identity_check)
            .bind(case.triage.flags.clarification_needed)
            .bind(case.triage.flags.corporate_handover)
            .bind(case.complaint.consents.share_with_organisation)
            .bind(case.complaint.consents.survey_opt_out)
            .bind(case.complaint.consents.publication_opt_out)
            .bind(case.complaint.complainant.full_name.as_str())
            .bind(&complaint_json)
            .bind(&case.keyed_in_by)
            .bind(&now)
            .bind(&case.review)
            .bind(case.lang.code())
            // received event
            .bind(&id)
            .bind(&received_at)
            .bind(&case.keyed_in_by)
            .bind(format!("channel: {}", case.channel.id()))
            // idempotency record
            .bind(case.idempotency_key.to_string())
            .bind(&case.request_hash)
            .bind(&id)
            .bind(response)
            .bind(&now);
        if let (Some(route), Some(letter)) =
            (case.acknowledgement_route, case.acknowledgement(&reference))
        {
            query = query
                // the letter
                .bind(&id)
                .bind(&received_at)
                .bind(letter.subject)
                .bind(letter.body)
                // its message
                .bind(&id)
                .bind(&id)
                .bind(route.id())
                .bind(&now)
                .bind(&now)
                // the event
                .bind(&id)
                .bind(&received_at)
                .bind(&case.keyed_in_by)
                .bind(match route {
                    Route::Email => "to be emailed",
                    Route::Post => "in the print queue",
                });
        }
        for (kind, audience) in &messages {
            query = query
                .bind(&id)
                .bind(*kind)
                .bind(&id)
                .bind(*kind)
                .bind(*audience)
                .bind(&now)
                .bind(&now);
        }
        if let Some(staff) = &case.keyed_in_by {
            query = query
                .bind(&now)
                .bind(staff)
                .bind(reference.compact())
                .bind(format!("channel: {}", case.channel.id()));
        }
        if let (Some(json), Some(mp)) = (&mp_json, &case.mp) {
            query = query.bind(json).bind(&id);
            if case.acknowledgement_route.is_some() {
                query = query
                    .bind(&id)
                    .bind(&id)
                    .bind(mp.route().id())
                    .bind(&id)
                    .bind(&now)
                    .bind(&now);
            }
        }
        match query.execute(&mut *conn).await {
            Ok(_) => return Ok(receipt),
            Err(e) => {
                sqlx::query("ROLLBACK TO one_case; RELEASE one_case;")
                    .execute(&mut *conn)
                    .await?;
                let clash = e
                    .as_database_error()
                    .is_some_and(|d| d.message().contains("cases.reference"));
                if !clash {
                    return Err(e.into());
                }
            }
        }
    }
    Err(StoreError::Unavailable("no free reference found".into()))
}

/// After retention removed personal data: every connection has `secure_delete` on (SQLite
/// overwrites deleted content, and freed pages, with zeros); this rewrites the database
/// (`VACUUM`) and empties the write-ahead log (`wal_checkpoint(TRUNCATE)`), so no old copy of
/// a page survives in either file.
async fn compact(store: &SqliteStore) -> Result<(), StoreError> {
    let mut conn = store.staff_writer.acquire().await?;
    sqlx::query("VACUUM").execute(&mut *conn).await?;
    // A reader still on an old snapshot makes the checkpoint stop short: try a few times.
    for attempt in 0..20 {
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&mut *conn)
            .await?;
        if busy == 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50 * (attempt + 1))).await;
    }
    Err(StoreError::Unavailable(
        "the write-ahead log could not be emptied (readers kept it busy)".into(),
    ))
}
