//! Load benchmark on PostgreSQL: unique complaints at concurrency 64 to one and then two
//! instances of the real server sharing one PostgreSQL, beside a bare axum + sqlx handler
//! inserting one row into the same cluster, in the same run. The cluster is a throwaway one
//! (`.ci/postgres`, fsync on, as in service), each target on a fresh database.
//!
//!     cargo bench -p server --bench postgres_load
//!
//! Prints throughput, p50/p99 latency and each server's peak memory. Environment:
//! BENCH_REQUESTS (default 5000), BENCH_CONCURRENCY (default 64), BENCH_POSTGRES (the admin
//! URL of a cluster to use instead of starting one).

mod support;
use std::process::Command;
use support::env_usize;
use support::load::{drive, start, Figures};

/// The admin URL of the cluster, and its directory when this run started it.
fn cluster() -> (String, Option<tempfile::TempDir>) {
    if let Ok(url) = std::env::var("BENCH_POSTGRES") {
        return (url, None);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/postgres");
    let out = Command::new(script)
        .args(["start".as_ref(), dir.path().as_os_str()])
        .output()
        .expect(".ci/postgres runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap().trim().to_string(),
        Some(dir),
    )
}

/// A fresh database in the cluster, by URL.
async fn database(admin: &str, name: &str) -> String {
    let pool = sqlx::PgPool::connect(admin).await.expect("cluster");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let base = admin.rsplit_once('/').unwrap().0;
    format!("{base}/{name}")
}

#[tokio::main]
async fn main() {
    let requests = env_usize("BENCH_REQUESTS", 5000);
    let concurrency = env_usize("BENCH_CONCURRENCY", 64);
    let (admin, cluster_dir) = cluster();
    println!(
        "PostgreSQL load benchmark: {requests} unique complaints at concurrency {concurrency}, \
         one cluster (fsync on), a fresh database per target"
    );
    let ours = env!("CARGO_BIN_EXE_server");
    let work = tempfile::tempdir().unwrap();
    let mut figures = Vec::new();

    let url = database(&admin, "bench_one").await;
    let one = start(ours, &url, work.path()).await;
    figures.push(
        drive(
            "intake server, 1 instance",
            vec![one],
            requests,
            concurrency,
        )
        .await,
    );

    let url = database(&admin, "bench_two").await;
    let (a, b) = (work.path().join("a"), work.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let two = vec![start(ours, &url, &a).await, start(ours, &url, &b).await];
    figures.push(drive("intake server, 2 instances", two, requests, concurrency).await);

    let url = database(&admin, "bench_bare").await;
    let bare = start(env!("CARGO_BIN_EXE_bare-insert"), &url, work.path()).await;
    figures.push(drive("bare axum+sqlx insert", vec![bare], requests, concurrency).await);

    Figures::header();
    for f in &figures {
        f.print();
    }
    for f in &figures[..2] {
        println!(
            "{}: {:.0}% of the bare insert's throughput",
            f.name,
            100.0 * f.throughput / figures[2].throughput
        );
    }
    if let Some(dir) = cluster_dir {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/postgres");
        let _ = Command::new(script)
            .args(["stop".as_ref(), dir.path().as_os_str()])
            .output();
    }
}
