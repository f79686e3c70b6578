//! Sign-in under a flood: 200 concurrent sign-ins (known and unknown usernames mixed, each a
//! different client through a trusted proxy, so every one reaches a password check) against
//! the release server. Prints the server's peak resident memory during the flood, its resident
//! memory after, and how long `/health` takes meanwhile.
//!
//!     cargo bench -p server --bench sign_in_memory
//!
//! Targets: peak under 256 MiB, `/health` under 100 ms during the flood, resident memory back
//! under 64 MiB afterwards.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

const PASSWORD: &str = common::browser::PASSWORD;

use common::memory_mib;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Each sign-in comes from its own address through the proxy, and the per-client rate
    // limit is out of the way: every attempt may reach a password check.
    let config = "trusted_proxies = [\"127.0.0.1\"]\n[limits]\nsign_in_burst = 1000000\n";
    let mut server = common::TestServer::start_configured(dir.path(), config).await;
    for (user, role) in [("kim", "handler"), ("dee", "dpo")] {
        let out = common::browser::add_user(&server.db_path, user, role, "Bench User", PASSWORD);
        assert!(out.status.success());
    }
    let pid = server.child.id().expect("pid");
    let base = server.base.clone();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resting = memory_mib(pid, "VmRSS:");

    // 200 sessions with their form tokens, then 200 sign-ins at once.
    let mut forms = Vec::new();
    for _ in 0..200 {
        let res = client
            .get(format!("{base}/staff/sign-in"))
            .send()
            .await
            .unwrap();
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("; ");
        let body = res.text().await.unwrap();
        let at = body.find("name=\"_csrf\" value=\"").unwrap() + 20;
        forms.push((cookie, body[at..at + 64].to_string()));
    }
    let started = Instant::now();
    let tasks: Vec<_> = forms
        .into_iter()
        .enumerate()
        .map(|(i, (cookie, token))| {
            let (client, base) = (client.clone(), base.clone());
            tokio::spawn(async move {
                let username = if i % 2 == 0 {
                    "kim".to_string()
                } else {
                    format!("nobody{i}")
                };
                let form: String = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs([
                        ("_csrf", token.as_str()),
                        ("username", username.as_str()),
                        ("password", "a wrong password"),
                        ("next", "/staff"),
                    ])
                    .finish();
                client
                    .post(format!("{base}/staff/sign-in"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", cookie)
                    .header(
                        "x-forwarded-for",
                        format!("198.51.{}.{}", i / 250, i % 250 + 1),
                    )
                    .body(form)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            })
        })
        .collect();
    // Meanwhile, the health check, every 50 ms.
    let mut health_ms: Vec<f64> = Vec::new();
    let mut peak = 0f64;
    while tasks.iter().any(|t| !t.is_finished()) {
        let t = Instant::now();
        let ok = client
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ok {
            health_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        peak = peak.max(memory_mib(pid, "VmRSS:"));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut statuses = std::collections::BTreeMap::new();
    for t in tasks {
        *statuses.entry(t.await.unwrap()).or_insert(0) += 1;
    }
    let flood = started.elapsed();
    peak = peak.max(memory_mib(pid, "VmHWM:"));
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after = memory_mib(pid, "VmRSS:");
    health_ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let worst = health_ms.last().copied().unwrap_or(f64::NAN);
    let p50 = health_ms
        .get(health_ms.len() / 2)
        .copied()
        .unwrap_or(f64::NAN);
    println!("sign-in flood: 200 concurrent sign-ins (half 'kim', half unknown names), each from its own address");
    println!(
        "answers by status: {statuses:?}; flood took {:.1} s",
        flood.as_secs_f64()
    );
    println!(
        "resident memory: {resting:.1} MiB at rest, peak {peak:.1} MiB, {after:.1} MiB 5 s after"
    );
    println!(
        "/health during the flood: {} checks, p50 {p50:.1} ms, worst {worst:.1} ms",
        health_ms.len()
    );
    println!(
        "target peak < 256 MiB: {}",
        if peak < 256.0 { "met" } else { "NOT met" }
    );
    println!(
        "target /health < 100 ms: {}",
        if worst < 100.0 { "met" } else { "NOT met" }
    );
    println!(
        "target memory after < 64 MiB: {}",
        if after < 64.0 { "met" } else { "NOT met" }
    );
    server.kill().await;
}
