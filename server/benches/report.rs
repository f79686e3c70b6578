//! Report benchmark: the quarterly report page over 100,000 cases, on the real server and its
//! SQLite default (issue 13: under 200 ms at p99).
//!
//!     cargo bench -p server --bench report
//!     INTAKE_TEST_POSTGRES=postgres://… cargo bench -p server --bench report
//!
//! Writes BENCH_CASES (default 100000) cases straight into a fresh database (the intake path
//! has its own benchmark): received over the last 15 months, nine in ten complaints, most
//! acknowledged, many with an outcome, some ended otherwise or given a revised date, with an
//! action on one in five. Then signs in as a handler and times the report (the last complete
//! quarter, with the four quarters before it) BENCH_ROUNDS (default 200) times over HTTP,
//! printing p50, p99 and the largest time, and the same for the CSV download. BENCH_DB=PATH
//! keeps the seeded database there (and reuses it on the next run).

mod support;
use support::{env_usize, percentile};
#[path = "../tests/common/mod.rs"]
mod common;

use app::domain::calendar::{london_date, Deadlines, WorkingCalendar};
use app::domain::reference::Reference;
use std::io::Write;
use std::process::Stdio;
use std::time::Instant;

use common::browser::PASSWORD;

async fn seed(path: &std::path::Path, cases: usize) {
    // The server's own store creates and migrates the database.
    let url = format!("sqlite://{}", path.display());
    drop(server::store::open(&url).await.expect("the store opens"));
    let pool =
        sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(path))
            .await
            .unwrap();
    let complaint = serde_json::to_string(
        &app::domain::complaint::Complaint::parse(
            &app::domain::complaint::ComplaintInput::example(),
            &app::domain::taxonomy::Taxonomy::default(),
        )
        .unwrap(),
    )
    .unwrap();
    let categories: Vec<String> = app::domain::taxonomy::Taxonomy::default()
        .categories
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let calendar = WorkingCalendar::default();
    let today = london_date(chrono::Utc::now());
    let endings = ["withdrawn", "not_investigated", "corporate_procedure"];
    let outcomes = ["upheld", "partly_upheld", "not_upheld"];
    let mut tx = pool.begin().await.unwrap();
    for i in 0..cases {
        let received = today - chrono::Days::new((i % 456) as u64);
        let d = Deadlines::from_receipt(received, &calendar);
        let at = |day: chrono::NaiveDate| format!("{day}T10:00:00.000000Z");
        let ack = received + chrono::Days::new((i % 35) as u64);
        let acknowledged = (i % 20 != 0 && ack <= today).then(|| at(ack));
        let sent_day = received + chrono::Days::new((30 + i % 100) as u64);
        let decided = i % 10 < 7 && sent_day <= today && acknowledged.is_some();
        let ended = i % 20 == 7 && acknowledged.is_some();
        let kind = if i % 10 == 9 {
            "breach_report"
        } else {
            "complaint"
        };
        let status = if ended || decided {
            "closed"
        } else if acknowledged.is_some() {
            "investigating"
        } else {
            "received"
        };
        sqlx::query(
            "INSERT INTO cases (id, reference, kind, category, team, channel, status, received_at, \
             received_on, acknowledge_by, outcome_due, acknowledged_at, outcome_sent_at, closed_at, \
             identity_check, clarification_needed, corporate_handover, consent_share, \
             survey_opt_out, publication_opt_out, complainant_name, complaint, handler, \
             outcome_category, ending, revised_due, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 1, 0, 0, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(Reference::from_random(i as u64 * 7919 + 17).compact())
        .bind(kind)
        .bind(&categories[i % categories.len()])
        .bind(if i % 2 == 0 { "cit" } else { "ig" })
        .bind(["online", "telephone", "post", "email"][i % 4])
        .bind(status)
        .bind(at(received))
        .bind(received.to_string())
        .bind(d.acknowledge_by.to_string())
        .bind(d.outcome_due.to_string())
        .bind(&acknowledged)
        .bind((decided && !ended).then(|| at(sent_day)))
        .bind((decided || ended).then(|| at(sent_day)))
        .bind(format!("Bench Person {i}"))
        .bind(&complaint)
        .bind((i % 3 != 0).then_some("kim"))
        .bind((decided && !ended).then(|| outcomes[i % 3]))
        .bind(ended.then(|| format!("{{\"ending\":\"{}\",\"referred_to\":null,\"reason\":null,\"note\":null}}", endings[i % 3])))
        .bind((i % 20 == 3).then(|| (d.outcome_due + chrono::Days::new(30)).to_string()))
        .bind(at(received))
        .execute(&mut *tx)
        .await
        .unwrap();
        if i % 5 == 0 && decided {
            sqlx::query(
                "INSERT INTO case_actions (case_id, kind, description, owner, due_on, created_at, done_on) \
                 SELECT id, 'remedial', 'Bench action', 'Officer', ?, ?, ? FROM cases WHERE rowid = last_insert_rowid()",
            )
            .bind((sent_day + chrono::Days::new(30)).to_string())
            .bind(at(sent_day))
            .bind((i % 2 == 0).then(|| (sent_day + chrono::Days::new(20)).to_string()))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    pool.close().await;
}

#[tokio::main]
async fn main() {
    let cases = env_usize("BENCH_CASES", 100_000);
    let rounds = env_usize("BENCH_ROUNDS", 200);
    let binary = env!("CARGO_BIN_EXE_server");
    let dir = tempfile::tempdir().expect("temp dir");
    // BENCH_DB keeps the seeded database for looking into a query with `sqlite3` (a copy is used,
    // so every run starts from the same file).
    let seeded = dir.path().join("bench.sqlite");
    let kept = std::env::var_os("BENCH_DB").map(std::path::PathBuf::from);
    match &kept {
        Some(kept) if kept.exists() => {
            std::fs::copy(kept, &seeded).expect("copy BENCH_DB");
            println!("using the cases in {}", kept.display());
        }
        _ => {
            let started = Instant::now();
            seed(&seeded, cases).await;
            println!(
                "wrote {cases} cases in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            if let Some(kept) = &kept {
                std::fs::copy(&seeded, kept).expect("copy to BENCH_DB");
            }
        }
    }
    // On PostgreSQL (INTAKE_TEST_POSTGRES, see `common::db`) the seeded cases move there with
    // `server copy-to`, as a council's would.
    let path = dir.path().join("bench.db");
    if common::db::on_postgres() {
        common::db::prepare(&path).await;
        let started = Instant::now();
        let copied = std::process::Command::new(binary)
            .args(["copy-to", &common::db::url(&path)])
            .env(
                "INTAKE_DATABASE_URL",
                format!("sqlite://{}", seeded.display()),
            )
            .env("INTAKE_LOG", "warn")
            .stdout(Stdio::null())
            .status()
            .expect("server copy-to");
        assert!(copied.success());
        println!(
            "copied to PostgreSQL in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    } else {
        for suffix in ["", "-wal", "-shm"] {
            let from = std::path::PathBuf::from(format!("{}{suffix}", seeded.display()));
            if from.exists() {
                let to = format!("{}{suffix}", path.display());
                std::fs::rename(&from, to).expect("the seeded file");
            }
        }
    }
    let db = common::db::url(&path);
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

    // A database in service has had retention applied every hour: apply it once, as the
    // server's first scheduled run would, so that run does not share the measured requests.
    let retention = std::process::Command::new(binary)
        .args(["retention", "run"])
        .env("INTAKE_DATABASE_URL", &db)
        .env("INTAKE_LOG", "warn")
        .stdout(Stdio::null())
        .status()
        .expect("server retention run");
    assert!(retention.success());

    let server = common::TestServer::start_on(path.clone(), dir.path()).await;
    let mut kim = common::browser::signed_in(&server, "kim").await;
    println!("\n| view | first ms | p50 ms | p99 ms | max ms | size KiB |");
    println!("|---|---|---|---|---|---|");
    let mut worst: f64 = 0.0;
    for (name, path) in [
        (
            "report, last complete quarter and the four before",
            "/staff/reports",
        ),
        ("report as CSV", "/staff/reports.csv"),
    ] {
        let mut times = Vec::with_capacity(rounds);
        let mut size = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let page = kim.get(path).await;
            assert_eq!(page.status, 200, "{path}");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            size = page.body.len();
            if path == "/staff/reports" && times.len() == 1 {
                let text = &page.body;
                let at = text
                    .find("Data protection complaints received from")
                    .expect("the ICO line");
                println!("({})", &text[at..at + 80].split('<').next().unwrap_or(""));
            }
        }
        let first = times[0];
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let p99 = percentile(&times, 0.99);
        worst = worst.max(p99);
        println!(
            "| {name} | {first:.1} | {:.1} | {p99:.1} | {:.1} | {:.1} |",
            percentile(&times, 0.5),
            times[times.len() - 1],
            size as f64 / 1024.0
        );
    }
    println!("\nworst p99 {worst:.1} ms (target: under 200 ms)");
}
