//! `server copy-to postgres://…`: everything in a SQLite store copied into an empty PostgreSQL
//! one, for a council moving up to several instances.
//!
//! The source is read in one read transaction (a consistent instant: the service may keep
//! running, though what arrives after the copy began stays behind; stop it to move). The
//! target is written in one transaction that commits only once every table has been read back
//! and found equal: the same number of rows and the same checksum, computed over each row's
//! values as SQLite holds them and as PostgreSQL gives them back in SQLite's notation (RFC 3339
//! in UTC to the microsecond, 0/1 for booleans). A row whose value PostgreSQL would read
//! differently (say, a timestamp in another notation) makes the checksums differ and the copy
//! is rolled back, so a copy that finishes is a faithful one.

use sha2::{Digest, Sha256};
use sqlx::postgres::PgPool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};
use std::str::FromStr;

/// Every table with data, parents before children (sessions are not copied: staff sign in
/// again after the move).
const TABLES: [&str; 19] = [
    "cases",
    "case_events",
    "letters",
    "idempotency_keys",
    "staff_users",
    "staff_recovery_codes",
    "case_notes",
    "case_actions",
    "audit_events",
    "outbox",
    "retention_runs",
    "progress_updates",
    "case_reviews",
    "case_corrections",
    "recommendations",
    "evidence_files",
    "evidence_chunks",
    "evidence_links",
    "evidence_refusals",
];

/// Rows read and written at a time (bounded memory whatever the store's size).
const BATCH: i64 = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// (table, rows) in copying order.
    pub tables: Vec<(&'static str, u64)>,
    /// Over every table's rows: equal in both stores.
    pub checksum: String,
}

/// Rows of one table as text, in either store: an order-independent sum of row digests, so
/// the two stores need not sort alike.
#[derive(Default)]
struct TableSum {
    rows: u64,
    sum: u128,
}

impl TableSum {
    fn add(&mut self, row: &[Option<String>]) {
        let mut h = Sha256::new();
        for v in row {
            match v {
                None => h.update([0u8]),
                Some(s) => {
                    h.update([1u8]);
                    h.update((s.len() as u64).to_le_bytes());
                    h.update(s.as_bytes());
                }
            }
        }
        let digest = h.finalize();
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        self.sum = self.sum.wrapping_add(u128::from_le_bytes(first));
        self.rows += 1;
    }
}

/// A column as PostgreSQL has it: its name and its type (`udt_name`).
struct Column {
    name: String,
    kind: String,
}

impl Column {
    /// The value in SQLite's notation, for the checksum.
    fn read_back(&self) -> String {
        let c = format!("\"{}\"", self.name);
        match self.kind.as_str() {
            "timestamptz" => {
                format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
            }
            "date" => format!("to_char({c}, 'YYYY-MM-DD')"),
            // Bytes travel as hexadecimal (SQLite's hex(): upper case).
            "bytea" => format!("upper(encode({c}, 'hex'))"),
            "bool" => format!("CASE WHEN {c} THEN '1' WHEN NOT {c} THEN '0' END"),
            _ => format!("{c}::text"),
        }
    }
}

pub async fn copy_to(sqlite_url: &str, postgres_url: &str) -> Result<Copied, String> {
    if !sqlite_url.starts_with("sqlite:") {
        return Err(
            "the service's own store must be SQLite (INTAKE_DATABASE_URL) to copy from".into(),
        );
    }
    if !(postgres_url.starts_with("postgres:") || postgres_url.starts_with("postgresql:")) {
        return Err("copy to a postgres://… URL".into());
    }
    let options = SqliteConnectOptions::from_str(sqlite_url)
        .map_err(|e| format!("database URL: {e}"))?
        .read_only(true);
    if !options.get_filename().exists() {
        return Err(format!(
            "{} does not exist",
            options.get_filename().display()
        ));
    }
    let mut source = options
        .connect()
        .await
        .map_err(|e| format!("cannot open the SQLite store: {e}"))?;
    // The target's schema is the store's own (migrated here, as the service would).
    let target = crate::store::postgres::PgStore::open(postgres_url)
        .await?
        .pool();
    let failed = |e: sqlx::Error| format!("copy failed: {e}");
    for table in TABLES {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&target)
            .await
            .map_err(failed)?;
        if n > 0 {
            return Err(format!(
                "the PostgreSQL database is not empty ({table} has {n} rows): copy into a new one"
            ));
        }
    }
    sqlx::query("BEGIN")
        .execute(&mut source)
        .await
        .map_err(failed)?;
    let mut tx = target.begin().await.map_err(failed)?;
    let mut tables = Vec::new();
    let mut whole = Sha256::new();
    for table in TABLES {
        let columns = columns(&target, table).await.map_err(failed)?;
        let copied = copy_table(&mut source, &mut tx, table, &columns)
            .await
            .map_err(failed)?;
        let back = read_back(&mut tx, table, &columns).await.map_err(failed)?;
        if (back.rows, back.sum) != (copied.rows, copied.sum) {
            return Err(format!(
                "{table}: {} rows read, {} found after copying, or their checksums differ; \
                 nothing was copied",
                copied.rows, back.rows
            ));
        }
        // Row ids go on from the highest copied.
        if columns.iter().any(|c| c.name == "id" && c.kind == "int8") {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 GREATEST((SELECT MAX(id) FROM {table}), 1))"
            ))
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        }
        whole.update(table.as_bytes());
        whole.update(copied.rows.to_le_bytes());
        whole.update(copied.sum.to_le_bytes());
        tables.push((table, copied.rows));
    }
    tx.commit().await.map_err(failed)?;
    let _ = sqlx::query("COMMIT").execute(&mut source).await;
    let _ = source.close().await;
    Ok(Copied {
        tables,
        checksum: hex::encode(whole.finalize()),
    })
}

async fn columns(target: &PgPool, table: &str) -> Result<Vec<Column>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT column_name::text, udt_name::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(target)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Column {
                name: r.try_get(0)?,
                kind: r.try_get(1)?,
            })
        })
        .collect()
}

/// Something of each column, comma-separated.
fn list(columns: &[Column], each: impl Fn(usize, &Column) -> String) -> String {
    let items: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| each(i, c))
        .collect();
    items.join(", ")
}

/// Copies one table in batches by SQLite's rowid; returns what it read.
async fn copy_table(
    source: &mut SqliteConnection,
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    table: &str,
    columns: &[Column],
) -> Result<TableSum, sqlx::Error> {
    let select = list(columns, |_, c| {
        if c.kind == "bytea" {
            format!("hex(\"{}\")", c.name)
        } else {
            format!("CAST(\"{}\" AS TEXT)", c.name)
        }
    });
    let names = list(columns, |_, c| format!("\"{}\"", c.name));
    // One array of text per column, cast to the column's type on the way in.
    let unnest = list(columns, |i, _| format!("${}::text[]", i + 1));
    let casts = list(columns, |i, c| {
        if c.kind == "bytea" {
            format!("decode(c{i}, 'hex')")
        } else {
            format!("c{i}::{}", c.kind)
        }
    });
    // A batch of evidence chunks (256 KiB each) is kept small: memory stays bounded.
    let batch = if columns.iter().any(|c| c.kind == "bytea") {
        4
    } else {
        BATCH
    };
    let aliases = list(columns, |i, _| format!("c{i}"));
    let insert = format!(
        "INSERT INTO {table} ({names}) SELECT {casts} FROM unnest({unnest}) AS t({aliases})"
    );
    let mut sum = TableSum::default();
    let mut after = i64::MIN;
    loop {
        let rows = sqlx::query(&format!(
            "SELECT rowid, {select} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT {batch}"
        ))
        .bind(after)
        .fetch_all(&mut *source)
        .await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = last.try_get(0)?;
        let mut arrays: Vec<Vec<Option<String>>> = vec![Vec::new(); columns.len()];
        for r in &rows {
            let values = (1..=columns.len())
                .map(|i| r.try_get::<Option<String>, _>(i))
                .collect::<Result<Vec<_>, _>>()?;
            sum.add(&values);
            for (array, v) in arrays.iter_mut().zip(values) {
                array.push(v);
            }
        }
        let mut q = sqlx::query(&insert);
        for array in arrays {
            q = q.bind(array);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(sum)
}

/// The table as PostgreSQL now holds it, in SQLite's notation.
async fn read_back(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    table: &str,
    columns: &[Column],
) -> Result<TableSum, sqlx::Error> {
    use futures_util::TryStreamExt;
    let select = list(columns, |_, c| c.read_back());
    let sql = format!("SELECT {select} FROM {table}");
    let mut rows = sqlx::query(&sql).fetch(&mut **tx);
    let mut sum = TableSum::default();
    while let Some(r) = rows.try_next().await? {
        let values = (0..columns.len())
            .map(|i| r.try_get::<Option<String>, _>(i))
            .collect::<Result<Vec<_>, _>>()?;
        sum.add(&values);
    }
    Ok(sum)
}
