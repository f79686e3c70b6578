//! `server copy-to postgres://…`: a council's SQLite store moved into PostgreSQL, every case,
//! history entry, letter, account and audit entry, checked by counts and a checksum; then the
//! service runs on the copy as it ran on the original. Needs the PostgreSQL cluster that
//! `.ci/test` starts (`INTAKE_TEST_POSTGRES`).

mod common;

use common::browser::{add_user, signed_in, PASSWORD};
use common::casework::{case_post, decide_and_close};
use common::{complaint, key, TestServer};
use std::path::Path;

const TABLES: [&str; 10] = [
    "cases",
    "case_events",
    "letters",
    "staff_users",
    "case_notes",
    "case_actions",
    "audit_events",
    "outbox",
    "evidence_files",
    "evidence_chunks",
];

fn copy_to(sqlite: &Path, url: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["copy-to", url])
        .env(
            "INTAKE_DATABASE_URL",
            format!("sqlite://{}", sqlite.display()),
        )
        .env("INTAKE_LOG", "warn")
        .output()
        .unwrap()
}

async fn counts(db: &Path) -> Vec<i64> {
    let mut n = Vec::new();
    for t in TABLES {
        n.push(common::count_rows(db, t).await);
    }
    n
}

#[tokio::test]
async fn copy_to_moves_everything_into_postgresql_checked_by_counts_and_checksum() {
    if !common::db::on_postgres() {
        eprintln!("skipped: needs INTAKE_TEST_POSTGRES (.ci/test starts a cluster and sets it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("intake.toml"), "[outbox]\npoll_ms = 50\n").unwrap();
    // A SQLite store in use: complaints, accounts, casework, letters, audit.
    let sqlite = dir.path().join("intake.sqlite");
    let mut server = TestServer::start_on(sqlite.clone(), dir.path()).await;
    for (u, role) in [("kim", "handler"), ("dee", "dpo")] {
        assert!(add_user(&sqlite, u, role, "Staff Member", PASSWORD)
            .status
            .success());
    }
    let mut references = Vec::new();
    for i in 0..20 {
        let r = server
            .post(&key(), &complaint(&format!("Person {i}")))
            .await;
        assert_eq!(r.status, 201);
        references.push(r.body["reference"].as_str().unwrap().replace('-', ""));
    }
    let mut kim = signed_in(&server, "kim").await;
    decide_and_close(&server, &mut kim, &references[0], "Olive Officerton").await;
    let note = [("kind", "note"), ("note", "Rang them back.")];
    assert_eq!(
        case_post(&mut kim, &references[1], "notes", &note)
            .await
            .status,
        303
    );
    // An evidence file with every byte value in it: bytes travel too.
    let token = kim
        .get(&format!("/staff/cases/{}", references[1]))
        .await
        .csrf();
    let mut scan = b"%PDF-1.4\n".to_vec();
    scan.extend((0..=255u8).cycle().take(300_000));
    let form = reqwest::multipart::Form::new().text("_csrf", token).part(
        "file",
        reqwest::multipart::Part::bytes(scan).file_name("scan.pdf"),
    );
    let res = kim
        .http
        .post(format!(
            "{}/staff/cases/{}/evidence",
            server.base, references[1]
        ))
        .header("cookie", kim.cookie_header())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let before = counts(&sqlite).await;
    server.kill().await;

    // Into an empty PostgreSQL database.
    let target = dir.path().join("target.db");
    common::db::prepare(&target).await;
    let url = common::db::url(&target);
    let out = copy_to(&sqlite, &url);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("cases: 20 rows"), "{stdout}");
    assert!(stdout.contains("checksum "), "{stdout}");
    assert!(
        !stdout.contains("Person"),
        "no personal data printed: {stdout}"
    );
    assert_eq!(counts(&target).await, before);

    // Not twice: the target is no longer empty.
    let again = copy_to(&sqlite, &url);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    assert_eq!(counts(&target).await, before);

    // The service on the copy: the same accounts, cases and records, and new ones follow on.
    let moved = tempfile::tempdir().unwrap();
    let server = TestServer::start_on(target.clone(), moved.path()).await;
    let mut kim = signed_in(&server, "kim").await;
    let page = kim.get(&format!("/staff/cases/{}", references[0])).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Person 0") && page.body.contains("Olive Officerton"));
    let page = kim.get(&format!("/staff/cases/{}", references[1])).await;
    assert!(page.body.contains("Rang them back."));
    let note = [("kind", "note"), ("note", "After the move.")];
    assert_eq!(
        case_post(&mut kim, &references[1], "notes", &note)
            .await
            .status,
        303
    );
    let r = server.post(&key(), &complaint("Person After")).await;
    assert_eq!(r.status, 201, "{} {}", r.body, server.log());
    assert_eq!(server.count("cases").await, 21);
}

#[tokio::test]
async fn a_value_postgresql_would_read_differently_stops_the_copy_and_copies_nothing() {
    if !common::db::on_postgres() {
        eprintln!("skipped: needs INTAKE_TEST_POSTGRES (.ci/test starts a cluster and sets it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("intake.sqlite");
    let mut server = TestServer::start_on(sqlite.clone(), dir.path()).await;
    for i in 0..3 {
        let r = server
            .post(&key(), &complaint(&format!("Person {i}")))
            .await;
        assert_eq!(r.status, 201);
    }
    server.kill().await;
    // A timestamp in another notation than the store's own: PostgreSQL would take it, but
    // not as the same text, so the copy could not be shown to be faithful.
    let sql = "UPDATE cases SET created_at = '2026-11-26 10:00:00' WHERE rowid = 2";
    assert_eq!(common::db::execute(&sqlite, sql, &[]).await, 1);
    let target = dir.path().join("target.db");
    common::db::prepare(&target).await;
    let out = copy_to(&sqlite, &common::db::url(&target));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cases") && stderr.contains("checksums differ"),
        "{stderr}"
    );
    assert_eq!(
        common::count_rows(&target, "cases").await,
        0,
        "nothing copied"
    );
}
