//! What differs between the two databases, and nothing else. Every query of the store is
//! written once (`store/sql/`, with `$N` placeholders, which SQLite accepts too) and compiled
//! once for each database; where the SQL cannot be the same, it asks its database's
//! `Dialect`. Column encodings that differ are types (`column::{Ts, Id}`), not hooks.

use sqlx::{Database, Pool, Transaction};

pub(crate) trait Dialect {
    type Db: Database;

    /// The pool that reads (on SQLite a read-only pool beside the one writer).
    fn reader(&self) -> &Pool<Self::Db>;
    /// The pool that writes outside a transaction.
    fn writer(&self) -> &Pool<Self::Db>;
    /// A write transaction that holds what it reads until it ends: SQLite takes the write
    /// lock at BEGIN (IMMEDIATE: a deferred one that read first would fail, not wait, when
    /// another instance writes); PostgreSQL relies on `FOR_UPDATE` and conditional updates.
    async fn begin_write(&self) -> Result<Transaction<'static, Self::Db>, sqlx::Error>;

    /// Appended to a SELECT whose rows the transaction will change.
    const FOR_UPDATE: &'static str;
    /// Appended to a claim's SELECT so instances take different rows without waiting.
    const SKIP_LOCKED: &'static str;
    /// Lets this transaction (retention's, only) delete from the append-only audit trail,
    /// and closes that door again before it commits.
    const AUDIT_GATE_OPEN: &'static str;
    const AUDIT_GATE_CLOSE: &'static str;
    /// Deletes the session store's expired sessions (each database's store keeps its own).
    const EXPIRED_SESSIONS: &'static str;

    /// SQL for the text at `path` inside a column that holds a JSON document as text
    /// (NULL when absent or JSON null).
    fn json_text(column: &str, path: &[&str]) -> String;
    /// SQL for the JSON document in `column` without its top-level `keys`, as text.
    fn json_without(column: &str, keys: &[&str]) -> String;
    /// SQL that is true when `needle` occurs in `haystack` (both SQL expressions).
    fn contains(haystack: &str, needle: &str) -> String;
}
