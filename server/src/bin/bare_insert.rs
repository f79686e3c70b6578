//! The load benchmarks' yardstick: the least an axum + sqlx service can do per complaint.
//! It reads the JSON body and inserts one row, committed on its own. On SQLite with the real
//! store's durability settings (WAL, synchronous=FULL) and one connection, because more SQLite
//! writers only take turns through the busy handler; on PostgreSQL (a postgres:// URL) with
//! the real store's pool size, 16 connections.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::io::Write;
use std::str::FromStr;

#[derive(Clone)]
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[tokio::main]
async fn main() {
    let url = std::env::var("INTAKE_DATABASE_URL").unwrap_or_else(|_| "sqlite://bare.db".into());
    let addr = std::env::var("INTAKE_LISTEN_ADDR").unwrap_or_else(|_| "127.0.0.1:0".into());
    let db = if url.starts_with("postgres") {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(&url)
            .await
            .expect("database");
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS complaints (id uuid PRIMARY KEY, body text NOT NULL)",
        )
        .execute(&pool)
        .await
        .expect("table");
        Db::Postgres(pool)
    } else {
        let options = SqliteConnectOptions::from_str(&url)
            .expect("database URL")
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("database");
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS complaints (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
        )
        .execute(&pool)
        .await
        .expect("table");
        Db::Sqlite(pool)
    };
    let app = Router::new()
        .route("/api/v1/complaints", post(insert))
        .with_state(db);
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("listen");
    println!(
        "listening on http://{}",
        listener.local_addr().expect("address")
    );
    let _ = std::io::stdout().flush();
    axum::serve(listener, app).await.expect("serve");
}

async fn insert(State(db): State<Db>, body: Bytes) -> StatusCode {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let id = uuid::Uuid::new_v4();
    let result = match db {
        Db::Sqlite(pool) => sqlx::query("INSERT INTO complaints (id, body) VALUES (?, ?)")
            .bind(id.to_string())
            .bind(value.to_string())
            .execute(&pool)
            .await
            .map(|_| ()),
        Db::Postgres(pool) => sqlx::query("INSERT INTO complaints (id, body) VALUES ($1, $2)")
            .bind(id)
            .bind(value.to_string())
            .execute(&pool)
            .await
            .map(|_| ()),
    };
    match result {
        Ok(()) => StatusCode::CREATED,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}
