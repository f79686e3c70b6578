//! The load benchmark's yardstick: the least an axum + sqlx service can do per complaint.
//! It reads the JSON body and inserts one row, committed on its own, with the same SQLite
//! durability settings as the real store (WAL, synchronous=FULL). One connection, because
//! more SQLite writers only take turns through the busy handler.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::io::Write;
use std::str::FromStr;

#[tokio::main]
async fn main() {
    let url = std::env::var("INTAKE_DATABASE_URL").unwrap_or_else(|_| "sqlite://bare.db".into());
    let addr = std::env::var("INTAKE_LISTEN_ADDR").unwrap_or_else(|_| "127.0.0.1:0".into());
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
    sqlx::query("CREATE TABLE IF NOT EXISTS complaints (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&pool)
        .await
        .expect("table");
    let app = Router::new()
        .route("/api/v1/complaints", post(insert))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("listen");
    println!(
        "listening on http://{}",
        listener.local_addr().expect("address")
    );
    let _ = std::io::stdout().flush();
    axum::serve(listener, app).await.expect("serve");
}

async fn insert(State(pool): State<SqlitePool>, body: Bytes) -> StatusCode {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let result = sqlx::query("INSERT INTO complaints (id, body) VALUES (?, ?)")
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(value.to_string())
        .execute(&pool)
        .await;
    match result {
        Ok(_) => StatusCode::CREATED,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}
