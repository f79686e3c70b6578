//! One client holding slow connections (issue 28: 1,030 trickled posts took every connection
//! and another client's `/health` failed 23 of 23). The release server with its default
//! connection limits; one client (127.0.0.1) keeps 1,100 connections trying: each sends a
//! post's headers with `Content-Length: 65000` and then a byte every 5 seconds, and each one
//! the server closes is opened again at once. Meanwhile another client (127.0.0.2) asks for
//! `/health` every 50 ms. Prints how many of the slow connections the server holds, how
//! `/health` fares, and the server's peak resident memory.
//!
//!     cargo bench -p server --bench slow_clients
//!
//! Targets: `/health` answered every time, in under 100 ms; peak memory under 128 MiB.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SLOW: usize = 1_100;
const FLOOD_SECONDS: u64 = 45;

use common::memory_mib;

/// A slow post on a new connection, trickled until the server closes it or the flood ends.
/// Returns how many times the server closed it (each is opened again).
async fn slow_client(addr: String, until: Instant) -> (u64, u64) {
    let (mut opened, mut closed) = (0, 0);
    while Instant::now() < until {
        let Ok(mut s) = tokio::net::TcpStream::connect(&addr).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        opened += 1;
        let head = "POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                    Idempotency-Key: 3f2c6f1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f\r\nContent-Length: 65000\r\n\r\n{";
        if s.write_all(head.as_bytes()).await.is_err() {
            closed += 1;
            continue;
        }
        let mut buf = [0u8; 512];
        loop {
            if Instant::now() >= until {
                return (opened, closed);
            }
            // A byte every 5 s; a read that ends (0 bytes or an answer) means the server
            // closed it or answered.
            match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
                Err(_) => {
                    if s.write_all(b" ").await.is_err() {
                        closed += 1;
                        break;
                    }
                }
                Ok(_) => {
                    closed += 1;
                    break;
                }
            }
        }
        // The server closed it: a moment, then again (an attacker would not wait long).
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    (opened, closed)
}

/// `/health` from 127.0.0.2 on a new connection: milliseconds, or None if it failed.
async fn health(port: u16) -> Option<f64> {
    let started = Instant::now();
    let socket = tokio::net::TcpSocket::new_v4().ok()?;
    socket.bind("127.0.0.2:0".parse().unwrap()).ok()?;
    let mut s = socket
        .connect(format!("127.0.0.1:{port}").parse().unwrap())
        .await
        .ok()?;
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .ok()?;
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
        .await
        .ok()?
        .ok()?;
    buf.starts_with(b"HTTP/1.1 200")
        .then(|| started.elapsed().as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The default limits, written out so that the test harness leaves them alone.
    let server = common::TestServer::start_configured(
        dir.path(),
        "[connections]\nmax_per_client = 32\nmax_connections = 1024\nbody_read_seconds = 30\n",
    )
    .await;
    let pid = server.child.id().expect("pid");
    let addr = server.base.trim_start_matches("http://").to_string();
    let port: u16 = addr.rsplit(':').next().unwrap().parse().unwrap();
    let resting = memory_mib(pid, "VmRSS:");
    let until = Instant::now() + Duration::from_secs(FLOOD_SECONDS);
    let slow: Vec<_> = (0..SLOW)
        .map(|_| tokio::spawn(slow_client(addr.clone(), until)))
        .collect();
    // Let the flood build up, then count what the server holds open.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let held = held_connections(pid, port);
    let mut times = Vec::new();
    let mut failed = 0;
    while Instant::now() < until {
        match health(port).await {
            Some(ms) => times.push(ms),
            None => failed += 1,
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (mut opened, mut closed) = (0, 0);
    for t in slow {
        let (o, c) = t.await.unwrap();
        opened += o;
        closed += c;
    }
    let peak = memory_mib(pid, "VmHWM:");
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!("slow connections tried at once:     {SLOW} from one client");
    println!("held open by the server:            {held}");
    println!("opened in {FLOOD_SECONDS} s / closed by the server: {opened} / {closed}");
    println!(
        "/health from another client:        {} answered, {failed} failed; p50 {:.1} ms, p99 {:.1} ms, worst {:.1} ms",
        times.len(),
        pct(0.5),
        pct(0.99),
        times.last().unwrap()
    );
    println!("memory: at rest {resting:.1} MiB, peak {peak:.1} MiB");
    let met = failed == 0 && *times.last().unwrap() < 100.0 && peak < 128.0;
    println!(
        "targets (every /health answered under 100 ms, peak under 128 MiB): {}",
        if met { "met" } else { "NOT met" }
    );
}

/// The server's established TCP connections on its port (from /proc: sockets the process
/// holds whose local port is the server's).
fn held_connections(pid: u32, port: u16) -> usize {
    let inodes: std::collections::HashSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .filter_map(|l| {
                    let l = l.to_string_lossy().to_string();
                    l.strip_prefix("socket:[")
                        .and_then(|r| r.strip_suffix(']'))
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    table
        .lines()
        .skip(1)
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 9
                && f[3] == "01" // ESTABLISHED
                && f[1].ends_with(&format!(":{port:04X}"))
                && inodes.contains(f[9])
        })
        .count()
}
