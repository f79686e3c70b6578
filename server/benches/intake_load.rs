//! Load benchmark: unique complaints posted at concurrency 64 to the real server on its SQLite
//! default, beside the same load on a bare axum + sqlx handler inserting one row with the same
//! durability settings, on the same machine in the same run.
//!
//!     cargo bench -p server --bench intake_load
//!
//! Prints throughput, p50/p99 latency and each server's peak memory (VmHWM). Environment:
//! BENCH_REQUESTS (default 5000), BENCH_CONCURRENCY (default 64).

mod support;
use support::env_usize;
use support::load::{drive, start, Figures};

/// One server on its own fresh SQLite database, loaded.
async fn run(name: &str, binary: &str, requests: usize, concurrency: usize) -> Figures {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let server = start(binary, &url, dir.path()).await;
    drive(name, vec![server], requests, concurrency).await
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; this benchmark has no filters.
    let requests = env_usize("BENCH_REQUESTS", 5000);
    let concurrency = env_usize("BENCH_CONCURRENCY", 64);
    println!("intake load benchmark: {requests} unique complaints at concurrency {concurrency}, SQLite WAL synchronous=FULL");
    let ours = run(
        "intake server",
        env!("CARGO_BIN_EXE_server"),
        requests,
        concurrency,
    )
    .await;
    let bare = run(
        "bare axum+sqlx insert",
        env!("CARGO_BIN_EXE_bare-insert"),
        requests,
        concurrency,
    )
    .await;
    Figures::header();
    ours.print();
    bare.print();
    let ratio = ours.throughput / bare.throughput;
    println!(
        "throughput of the intake server relative to the bare handler: {:.0}%",
        ratio * 100.0
    );
    let checks = [
        ("throughput >= 70% of bare", ratio >= 0.70),
        ("p99 < 50 ms", ours.p99_ms < 50.0),
        ("peak memory < 64 MiB", ours.peak_mib[0] < 64.0),
        ("no errors", ours.errors == 0),
    ];
    for (what, ok) in checks {
        println!("target {what}: {}", if ok { "met" } else { "MISSED" });
    }
}
