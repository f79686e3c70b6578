//! Register benchmark: the staff register page over 10,000 cases, on the real server and its
//! SQLite default, or on PostgreSQL:
//!
//!     cargo bench -p server --bench register
//!     INTAKE_TEST_POSTGRES=postgres://… cargo bench -p server --bench register
//!
//! Loads BENCH_CASES (default 10000) cases: half through the public API (received today), half
//! keyed in by staff as telephone and post complaints received over the last year (so many
//! deadlines are overdue). Then signs in as a handler and times each view of the register
//! BENCH_ROUNDS (default 50) times, printing p50, p99 and the largest time, and the page size.

mod support;
use support::{env_usize, percentile};
#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::process::Stdio;
use std::time::Instant;

use common::browser::PASSWORD;

#[tokio::main]
async fn main() {
    let cases = env_usize("BENCH_CASES", 10_000);
    let rounds = env_usize("BENCH_ROUNDS", 50);
    let binary = env!("CARGO_BIN_EXE_server");
    let dir = tempfile::tempdir().expect("temp dir");
    // SQLite by default; PostgreSQL when INTAKE_TEST_POSTGRES names a cluster (see `common::db`).
    let path = dir.path().join("bench.db");
    common::db::prepare(&path).await;
    let db = common::db::url(&path);
    println!("on {}", db.split(':').next().unwrap_or(""));

    let mut add = std::process::Command::new(binary)
        .args(["user", "add", "kim", "handler", "Kim", "Handler"])
        .env("INTAKE_DATABASE_URL", &db)
        .env("INTAKE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("server user add");
    add.stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    assert!(add.wait().unwrap().success());

    let path_for_vacuum = path.clone();
    let server = common::TestServer::start_on(path, dir.path()).await;
    let base = server.base.clone();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();

    // Sign in, and the key-in form's token.
    let mut kim = common::browser::signed_in(&server, "kim").await;
    let token = kim.get("/staff/intake").await.csrf();
    let cookie = kim.cookie_header();

    // Load the cases.
    let categories: Vec<(String, bool)> = app::domain::taxonomy::Taxonomy::default()
        .categories
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                c.nature == app::domain::taxonomy::Nature::Breach,
            )
        })
        .collect();
    let template = server::openapi::example_request();
    let today = app::domain::calendar::london_date(chrono::Utc::now());
    let started = Instant::now();
    let loads = (0..cases).map(|i| {
        let http = http.clone();
        let base = base.clone();
        let cookie = cookie.clone();
        let token = token.clone();
        let mut body = template.clone();
        body["full_name"] = format!("Bench Person {i}").into();
        let (category, breach) = categories[i % categories.len()].clone();
        body["category"] = category.into();
        if breach {
            body["breach_status"] = "not_reported".into();
        }
        let received = today - chrono::Days::new((i % 365) as u64);
        async move {
            let status = if i % 2 == 0 {
                http.post(format!("{base}/api/v1/complaints"))
                    .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                    .json(&body)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            } else {
                let mut form: Vec<(String, String)> = vec![
                    ("_csrf".into(), token),
                    ("_key".into(), uuid::Uuid::new_v4().to_string()),
                    (
                        "channel".into(),
                        if i % 4 == 1 { "telephone" } else { "post" }.into(),
                    ),
                    ("received_on".into(), received.to_string()),
                ];
                form.extend(common::form_fields(&body));
                http.post(format!("{base}/staff/intake"))
                    .header("cookie", cookie)
                    .form(&form)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            };
            status.unwrap_or(0)
        }
    });
    use futures::StreamExt;
    let statuses: Vec<u16> = futures::stream::iter(loads)
        .buffer_unordered(64)
        .collect()
        .await;
    let failed = statuses.iter().filter(|s| !matches!(s, 201 | 303)).count();
    assert_eq!(failed, 0, "every case stored ({failed} failed)");
    println!(
        "loaded {cases} cases in {:.1} s ({} online today, {} keyed in over the last year)",
        started.elapsed().as_secs_f64(),
        cases.div_ceil(2),
        cases / 2
    );

    // PostgreSQL's autovacuum visits a table after a load like this one (more than 20% of it
    // new rows) and marks its pages all-visible, so counting a view's cases reads the index
    // alone; measured straight after the load, every count also read each row's page. The
    // bench waits for what autovacuum would do rather than for autovacuum.
    if common::db::on_postgres() {
        common::db::execute(&path_for_vacuum, "VACUUM (ANALYZE) cases", &[]).await;
        println!("(PostgreSQL: VACUUM (ANALYZE) cases after the load, as autovacuum would)");
    }

    let views = [
        ("open cases, most urgent first (page 1)", "/staff/register"),
        ("overdue", "/staff/register?due=overdue"),
        ("due this week", "/staff/register?due=this_week"),
        ("one team", "/staff/register?team=ig"),
        ("one category", "/staff/register?category=subject_access"),
        (
            "all incl. closed, page 100",
            "/staff/register?status=all&page=100",
        ),
    ];
    println!("\n| register view | rows shown of total | p50 ms | p99 ms | max ms | page KiB |");
    println!("|---|---|---|---|---|---|");
    let mut worst: f64 = 0.0;
    for (name, path) in views {
        let mut times = Vec::with_capacity(rounds);
        let mut size = 0;
        let mut shown = String::new();
        for _ in 0..rounds {
            let (ms, body) = timed_get(&http, &base, &cookie, path).await;
            times.push(ms);
            size = body.len();
            if let Some(at) = body.find("Showing ") {
                shown = body[at + 8..]
                    .split(" cases")
                    .next()
                    .unwrap_or("")
                    .replace(',', "");
            }
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let p99 = percentile(&times, 0.99);
        worst = worst.max(p99);
        println!(
            "| {name} | {shown} | {:.1} | {:.1} | {:.1} | {:.1} |",
            percentile(&times, 0.5),
            p99,
            times[times.len() - 1],
            size as f64 / 1024.0
        );
    }

    // Every page of the whole register, walked by its "Next page" links as a person would
    // (each found from the page before's last row: keyset, not OFFSET).
    let mut path = "/staff/register?status=all".to_string();
    let mut times = Vec::new();
    let mut pages = 0;
    loop {
        let (ms, body) = timed_get(&http, &base, &cookie, &path).await;
        times.push(ms);
        pages += 1;
        let next = body
            .split("<a href=\"")
            .skip(1)
            .find(|a| a.contains("rel=\"next\""))
            .and_then(|a| a.split('"').next())
            .map(|h| h.replace("&amp;", "&"));
        match next {
            Some(next) => path = next,
            None => break,
        }
    }
    let last_page = times[times.len() - 1];
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let p99 = percentile(&times, 0.99);
    worst = worst.max(p99);
    println!(
        "| every page of all cases, by its Next link ({pages} pages) | 50 a page | {:.1} | {:.1} | {:.1} | last page {last_page:.1} ms |",
        percentile(&times, 0.5),
        p99,
        times[times.len() - 1],
    );

    // The whole register as CSV: streamed, so the server's memory stays where it was.
    let pid = server.child.id().expect("the server runs");
    let before = common::memory_mib(pid, "RssAnon");
    let t = Instant::now();
    let mut res = http
        .get(format!("{base}/staff/register.csv?status=all"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (mut bytes, mut lines, mut peak) = (0usize, 0usize, before);
    while let Some(chunk) = res.chunk().await.unwrap() {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
        peak = peak.max(common::memory_mib(pid, "RssAnon"));
    }
    println!(
        "\nregister.csv, all cases: {} rows, {:.1} MiB in {:.2} s; the server's own memory (RssAnon: not the database file it maps) {before:.1} MiB before, at most {peak:.1} MiB while sending",
        lines - 1,
        bytes as f64 / 1048576.0,
        t.elapsed().as_secs_f64()
    );
    println!("\nworst p99 {worst:.1} ms (target: at most 50 ms)");
}

/// A staff page fetched as the signed-in handler: how long it took (ms), and its body.
async fn timed_get(http: &reqwest::Client, base: &str, cookie: &str, path: &str) -> (f64, String) {
    let t = Instant::now();
    let res = http
        .get(format!("{base}{path}"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let body = res.text().await.unwrap();
    (t.elapsed().as_secs_f64() * 1000.0, body)
}
