//! The database a test server runs on, and reading it directly as an auditor would.
//!
//! By default each test's database is a SQLite file in its temporary directory. With
//! `INTAKE_TEST_POSTGRES` set to a PostgreSQL admin URL (`.ci/test` starts a throwaway cluster
//! and sets it), the same tests run on PostgreSQL: each test directory's database path names
//! its own PostgreSQL database (derived from the path, so a restart finds the same one).
//! Tests' own SQL is written for both: `$1` placeholders, `CAST(x AS TEXT)` for dates.

use sha2::{Digest, Sha256};
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use std::path::Path;

/// The admin URL of the PostgreSQL cluster the tests run on, if they run on one.
pub fn postgres_admin() -> Option<String> {
    std::env::var("INTAKE_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
}

pub fn on_postgres() -> bool {
    postgres_admin().is_some()
}

/// The admin URL when the database at `path` is on PostgreSQL: a file named `*.sqlite` is
/// always SQLite (for the tests that need one whatever the run, such as `copy-to`'s source).
fn postgres_for(path: &Path) -> Option<String> {
    postgres_admin().filter(|_| path.extension().is_none_or(|e| e != "sqlite"))
}

/// Where tower-sessions keeps the staff's sessions.
pub fn sessions_table() -> &'static str {
    if on_postgres() {
        "tower_sessions.session"
    } else {
        "tower_sessions"
    }
}

/// The PostgreSQL database standing for the SQLite file at `path`.
fn postgres_name(path: &Path) -> String {
    let hash = Sha256::digest(path.display().to_string().as_bytes());
    format!("t_{}", &hex::encode(hash)[..20])
}

/// The URL a server is given for the database at `path`.
pub fn url(path: &Path) -> String {
    match postgres_for(path) {
        Some(admin) => {
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            format!("{base}/{}", postgres_name(path))
        }
        None => format!("sqlite://{}", path.display()),
    }
}

/// Creates the PostgreSQL database for `path` unless it exists (nothing to do on SQLite,
/// where the server creates its file).
pub async fn prepare(path: &Path) {
    let Some(admin) = postgres_for(path) else {
        return;
    };
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&admin)
        .await
        .expect("the test PostgreSQL cluster answers");
    let name = postgres_name(path);
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_one(&pool)
        .await
        .unwrap();
    if exists == 0 {
        // The name is our own hex digest: safe in the statement.
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
}

/// A connection pool on the database at `path`.
pub async fn pool(path: &Path) -> AnyPool {
    sqlx::any::install_default_drivers();
    AnyPoolOptions::new()
        .max_connections(2)
        .connect(&url(path))
        .await
        .expect("the test database opens")
}

/// One text value (or none) from the database at `path`; binds are text.
pub async fn text(path: &Path, sql: &str, binds: &[&str]) -> Option<String> {
    let pool = pool(path).await;
    let mut q = sqlx::query_scalar::<_, Option<String>>(sql);
    for b in binds {
        q = q.bind(*b);
    }
    let v = q.fetch_optional(&pool).await.unwrap().flatten();
    pool.close().await;
    v
}

/// One number from the database at `path`; binds are text.
pub async fn number(path: &Path, sql: &str, binds: &[&str]) -> i64 {
    let pool = pool(path).await;
    let mut q = sqlx::query_scalar::<_, i64>(sql);
    for b in binds {
        q = q.bind(*b);
    }
    let v = q.fetch_one(&pool).await.unwrap();
    pool.close().await;
    v
}

/// Every row's text columns.
pub async fn rows(path: &Path, sql: &str, binds: &[&str]) -> Vec<Vec<Option<String>>> {
    use sqlx::Row;
    let pool = pool(path).await;
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    let rows = q.fetch_all(&pool).await.unwrap();
    pool.close().await;
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.try_get::<Option<String>, _>(i).unwrap())
                .collect()
        })
        .collect()
}

/// Runs a statement (a test arranging what it could not arrange through the service).
pub async fn execute(path: &Path, sql: &str, binds: &[&str]) -> u64 {
    let pool = pool(path).await;
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    let n = q.execute(&pool).await.unwrap().rows_affected();
    pool.close().await;
    n
}

/// Every byte the database at `path` keeps on disk for its tables: the SQLite file and its
/// write-ahead log; on PostgreSQL, after a checkpoint (so nothing waits in memory), every
/// file of the database's directory in the cluster (not the cluster's write-ahead log, which
/// PostgreSQL recycles: see the README).
pub async fn stored_bytes(path: &Path) -> Vec<u8> {
    let Some(admin) = postgres_for(path) else {
        let mut bytes = std::fs::read(path).unwrap();
        if let Ok(more) = std::fs::read(path.with_extension("db-wal")) {
            bytes.extend(more);
        }
        return bytes;
    };
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&admin)
        .await
        .unwrap();
    sqlx::query("CHECKPOINT").execute(&pool).await.unwrap();
    let data: String = sqlx::query_scalar("SELECT current_setting('data_directory')")
        .fetch_one(&pool)
        .await
        .unwrap();
    let oid: String =
        sqlx::query_scalar("SELECT CAST(oid AS TEXT) FROM pg_database WHERE datname = $1")
            .bind(postgres_name(path))
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    let mut bytes = Vec::new();
    for file in std::fs::read_dir(Path::new(&data).join("base").join(oid)).unwrap() {
        let file = file.unwrap().path();
        if file.is_file() {
            bytes.extend(std::fs::read(file).unwrap_or_default());
        }
    }
    bytes
}
