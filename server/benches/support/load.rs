//! Driving a load at servers: start them, post unique complaints at a fixed concurrency
//! spread over them, and measure throughput, latency and each server's peak memory.

use serde_json::Value;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Figures {
    pub name: String,
    pub requests: usize,
    pub errors: usize,
    pub throughput: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Each server's peak resident memory (VmHWM).
    pub peak_mib: Vec<f64>,
}

impl Figures {
    pub fn header() {
        println!(
            "{:<34} {:>9} {:>7} {:>9} {:>8} {:>8} {:>14}",
            "target", "requests", "errors", "req/s", "p50 ms", "p99 ms", "peak MiB"
        );
    }

    pub fn print(&self) {
        let peaks: Vec<String> = self.peak_mib.iter().map(|m| format!("{m:.1}")).collect();
        println!(
            "{:<34} {:>9} {:>7} {:>9.0} {:>8.2} {:>8.2} {:>14}",
            self.name,
            self.requests,
            self.errors,
            self.throughput,
            self.p50_ms,
            self.p99_ms,
            peaks.join(" + ")
        );
    }
}

pub struct Server {
    pub child: Child,
    pub base: String,
    pub pid: u32,
}

/// Starts `binary` on `database_url` in `dir` and waits until it listens.
pub async fn start(binary: &str, database_url: &str, dir: &Path) -> Server {
    let mut child = Command::new(binary)
        .env("INTAKE_LISTEN_ADDR", "127.0.0.1:0")
        .env("INTAKE_DATABASE_URL", database_url)
        .env("INTAKE_SITE_ROOT", dir)
        .env("INTAKE_LOG", "warn")
        // One client sends thousands here: the rate limits are not what is measured.
        .env("INTAKE_LIMIT_CLIENT_BURST", "1000000")
        .env("INTAKE_LIMIT_OVERALL_BURST", "1000000")
        .env("INTAKE_LIMIT_SIGN_IN_BURST", "1000000")
        // The load comes from one address, as it would through the council's proxy.
        .env("INTAKE_MAX_CONNECTIONS_PER_CLIENT", "1000000")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("server starts");
    let pid = child.id().expect("pid");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("server ready")
        .unwrap()
        .expect("the server says where it listens");
    let base = line
        .strip_prefix("listening on ")
        .unwrap()
        .trim()
        .to_string();
    Server { child, base, pid }
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

/// Posts `requests` unique complaints at `concurrency`, request i to server i mod n, after
/// 200 of warm-up; then stops the servers.
pub async fn drive(
    name: &str,
    servers: Vec<Server>,
    requests: usize,
    concurrency: usize,
) -> Figures {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    let template = server::openapi::example_request();
    let urls: Arc<Vec<String>> = Arc::new(
        servers
            .iter()
            .map(|s| format!("{}/api/v1/complaints", s.base))
            .collect(),
    );
    let label = name.to_string();
    let send = move |i: usize| {
        let client = client.clone();
        let url = urls[i % urls.len()].clone();
        let mut body: Value = template.clone();
        body["full_name"] = Value::String(format!("Bench Person {label} {i}"));
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
    // Warm up: connections, caches, the first checkpoint.
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
    let mut peak_mib = Vec::new();
    for mut s in servers {
        peak_mib.push(peak_memory_mib(s.pid));
        let _ = s.child.kill().await;
    }
    let errors = results.iter().filter(|(_, ok)| !ok).count();
    let mut latencies: Vec<f64> = results
        .iter()
        .map(|(d, _)| d.as_secs_f64() * 1000.0)
        .collect();
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    Figures {
        name: name.to_string(),
        requests,
        errors,
        throughput: requests as f64 / elapsed.as_secs_f64(),
        p50_ms: super::percentile(&latencies, 0.50),
        p99_ms: super::percentile(&latencies, 0.99),
        peak_mib,
    }
}
