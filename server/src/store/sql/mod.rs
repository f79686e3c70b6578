//! Every query of the store, written once and compiled once for each database: `sqlite/` and
//! `postgres/` each include this directory (`#[path]`) beside their own `Db`, `DbRow`, `Pool`
//! and `Store`, and answer the `Dialect` where SQL must differ. A query here binds moments and
//! ids as `Ts` and `Id`, which each database encodes as its rows already hold them.
//!
//! Each change to a case is one transaction with its history and audit entries (and its
//! letters and messages), and applies only if the case is still as the form saw it: the
//! UPDATE's WHERE says what it expects, so two people on one case, on one instance or two,
//! cannot both apply a change.

mod accounts;
mod case_records;
mod evidence;
mod outbox;
mod procedure;
mod recommendations;
mod register;
mod retention;
mod subject;

pub(super) use outbox::COLUMNS as MESSAGE_COLUMNS;

use super::{Db, DbRow, Pool, Store};
use crate::store::column::{Id, Ts};
use crate::store::StoreError;
use app::domain::reference::Reference;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

type Tx<'a> = sqlx::Transaction<'a, super::Db>;

impl Store {
    /// For readiness: the case table answers, and every migration of `migrator` (this
    /// build's) has been applied.
    pub(super) async fn schema_current(
        &self,
        migrator: &sqlx::migrate::Migrator,
    ) -> Result<bool, StoreError> {
        use crate::store::dialect::Dialect;
        sqlx::query("SELECT 1 FROM cases LIMIT 1")
            .execute(self.reader())
            .await?;
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(self.reader())
                .await?;
        Ok(migrator.iter().all(|m| applied.contains(&m.version)))
    }
}

impl Store {
    /// The metrics' gauges: two small grouped counts (the outbox's `outbox_due` index; one
    /// pass over the cases, at most once a minute).
    pub(super) async fn gauges_of(
        &self,
        today: chrono::NaiveDate,
    ) -> Result<crate::store::Gauges, StoreError> {
        use crate::store::dialect::Dialect;
        let waiting = sqlx::query(
            "SELECT channel, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox \
             WHERE status = 'waiting' GROUP BY channel ORDER BY channel",
        )
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            let oldest: Option<Ts> = r.try_get("oldest")?;
            Ok((r.try_get("channel")?, r.try_get("n")?, oldest.map(|t| t.0)))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let teams = sqlx::query(&format!(
            "SELECT team, COUNT(*) AS open, \
             SUM(CASE WHEN ({}) < $1 THEN 1 ELSE 0 END) AS overdue \
             FROM cases WHERE status <> 'closed' GROUP BY team ORDER BY team",
            register::NEXT_DUE
        ))
        .bind(today)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("team")?,
                r.try_get("open")?,
                r.try_get("overdue")?,
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(crate::store::Gauges { waiting, teams })
    }
}

// Reading stored values into domain types, one place per type; a value that cannot be read
// is an error naming the column (never its content).

pub(super) fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

pub(super) fn parsed<T>(
    row: &DbRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    let s: String = row.try_get(column)?;
    parse(&s).ok_or_else(|| corrupt(column))
}

pub(super) fn reference(row: &DbRow, column: &str) -> Result<Reference, StoreError> {
    parsed(row, column, |s| Reference::parse(s).ok())
}

pub(super) fn opt_reference(row: &DbRow, column: &str) -> Result<Option<Reference>, StoreError> {
    row.try_get::<Option<String>, _>(column)?
        .map(|v| Reference::parse(&v).map_err(|_| corrupt(column)))
        .transpose()
}

/// A JSON document column.
pub(super) fn json<T: serde::de::DeserializeOwned>(
    row: &DbRow,
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
    .bind(Id(case_id))
    .bind(Ts(at))
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
    .bind(Ts(at))
    .bind(actor)
    .bind(action)
    .bind(reference)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The unanswered request for more information of a case row, if any.
pub(super) fn waiting(r: &DbRow) -> Result<Option<app::domain::casework::Waiting>, StoreError> {
    let since: Option<chrono::NaiveDate> = r.try_get("waiting_since")?;
    Ok(match since {
        Some(since) => Some(app::domain::casework::Waiting {
            since,
            stopped: r.try_get("clock_stopped")?,
            reminded_on: r.try_get("reminded_on")?,
        }),
        None => None,
    })
}
