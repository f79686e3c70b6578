//! Load benchmark: unique complaints posted at concurrency 64 to the real server on its SQLite
//! default, beside the same load on a bare axum + sqlx handler inserting one row with the same
//! durability settings, on the same machine in the same run.
//!
//!     cargo bench -p server --bench intake_load
//!
//! Prints throughput, p50/p99 latency and each server's peak memory (VmHWM). Environment:
//! BENCH_REQUESTS (default 5000), BENCH_CONCURRENCY (default 64).

mod support;
use serde_json::Value;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::env_usize;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

struct Figures {
    name: &'static str,
    requests: usize,
    errors: usize,
    throughput: f64,
    p50_ms: f64,
    p99_ms: f64,
    peak_mib: f64,
}

fn peak_memory_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

async fn run(name: &'static str, binary: &str, requests: usize, concurrency: usize) -> Figures {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(binary)
        .env("INTAKE_LISTEN_ADDR", "127.0.0.1:0")
        .env(
            "INTAKE_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("bench.db").display()),
        )
        .env("INTAKE_SITE_ROOT", dir.path())
        .env("INTAKE_LOG", "warn")
        // One client sends thousands here: the rate limits are not what is measured.
        .env("INTAKE_LIMIT_CLIENT_BURST", "1000000")
        .env("INTAKE_LIMIT_OVERALL_BURST", "1000000")
        .env("INTAKE_LIMIT_SIGN_IN_BURST", "1000000")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("server starts");
    let pid = child.id().expect("pid");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("server ready")
        .unwrap()
        .unwrap();
    let base = line
        .strip_prefix("listening on ")
        .unwrap()
        .trim()
        .to_string();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    let template = server::openapi::example_request();

    let send = move |i: usize| {
        let client = client.clone();
        let url = format!("{base}/api/v1/complaints");
        let mut body: Value = template.clone();
        body["full_name"] = Value::String(format!("Bench Person {name} {i}"));
        async move {
            let started = Instant::now();
            let ok = client
                .post(url)
                .header("content-type", "application/json")
                .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                .json(&body)
                .send()
                .await
                .map(|r| r.status().as_u16() == 201)
                .unwrap_or(false);
            (started.elapsed(), ok)
        }
    };
    // Warm up: connections, caches, the first WAL checkpoint.
    for i in 0..200 {
        send(i).await;
    }
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let next = next.clone();
        let send = send.clone();
        workers.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    break;
                }
                out.push(send(1_000_000 + i).await);
            }
            out
        }));
    }
    let mut results = Vec::with_capacity(requests);
    for w in workers {
        results.extend(w.await.unwrap());
    }
    let elapsed = started.elapsed();
    let peak_mib = peak_memory_mib(pid);
    let _ = child.kill().await;
    let errors = results.iter().filter(|(_, ok)| !ok).count();
    let mut latencies: Vec<f64> = results
        .iter()
        .map(|(d, _)| d.as_secs_f64() * 1000.0)
        .collect();
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p).ceil() as usize)
            .saturating_sub(1)
            .min(latencies.len() - 1)]
    };
    Figures {
        name,
        requests,
        errors,
        throughput: requests as f64 / elapsed.as_secs_f64(),
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        peak_mib,
    }
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
    println!(
        "{:<24} {:>9} {:>7} {:>12} {:>9} {:>9} {:>10}",
        "target", "requests", "errors", "req/s", "p50 ms", "p99 ms", "peak MiB"
    );
    for f in [&ours, &bare] {
        println!(
            "{:<24} {:>9} {:>7} {:>12.0} {:>9.2} {:>9.2} {:>10.1}",
            f.name, f.requests, f.errors, f.throughput, f.p50_ms, f.p99_ms, f.peak_mib
        );
    }
    let ratio = ours.throughput / bare.throughput;
    println!(
        "throughput of the intake server relative to the bare handler: {:.0}%",
        ratio * 100.0
    );
    let checks = [
        ("throughput >= 70% of bare", ratio >= 0.70),
        ("p99 < 50 ms", ours.p99_ms < 50.0),
        ("peak memory < 64 MiB", ours.peak_mib < 64.0),
        ("no errors", ours.errors == 0),
    ];
    for (what, ok) in checks {
        println!("target {what}: {}", if ok { "met" } else { "MISSED" });
    }
}
