//! Prometheus metrics (issue 27): `/metrics` on its own address parses as Prometheus text,
//! its counters move when complaints are accepted and refused and requests answered, and it
//! is never served on the public address.

mod common;

use common::{complaint, db, key, TestServer};
use std::collections::HashMap;

/// `name{labels} value` lines (comments skipped), each checked to be Prometheus text.
fn parse(text: &str) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample: {line}"));
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {line}"));
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "not a metric name: {line}"
        );
        if name_end < series.len() {
            assert!(series.ends_with('}'), "labels not closed: {line}");
        }
        out.insert(series.to_string(), value);
    }
    out
}

/// What the public address answers for `/metrics`.
async fn public_metrics_status(server: &TestServer) -> u16 {
    let url = format!("{}/metrics", server.base);
    server
        .client
        .get(url)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// `/metrics` at `addr`, which must answer 200.
async fn metrics_text(addr: &str) -> String {
    let res = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_what_happens_and_stay_off_the_public_address() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intake.db");
    db::prepare(&path).await;
    let url = db::url(&path);
    let port = common::mail::free_port();
    let addr = format!("127.0.0.1:{port}");
    let server = TestServer::start_with_env(
        path,
        url,
        dir.path(),
        &[("INTAKE_METRICS_ADDR", addr.as_str())],
    )
    .await;
    let scrape = || async { parse(&metrics_text(&addr).await) };
    let before = scrape().await;
    assert_eq!(
        before.get("intake_build_info{version=\"0.1.0\"}"),
        Some(&1.0)
    );
    let accepted = "intake_complaints_accepted_total{channel=\"online\"}";
    let refused = "intake_complaints_refused_total{reason=\"invalid\"}";
    let value = |m: &HashMap<String, f64>, k: &str| m.get(k).copied().unwrap_or(0.0);

    assert_eq!(
        server
            .post(&key(), &complaint("Zqmetric Person"))
            .await
            .status,
        201
    );
    let mut bad = complaint("Zqmetric Person");
    bad["email"] = "not an address".into();
    assert_eq!(server.post(&key(), &bad).await.status, 422);
    let after = scrape().await;
    assert_eq!(value(&after, accepted), value(&before, accepted) + 1.0);
    assert_eq!(value(&after, refused), value(&before, refused) + 1.0);
    let requests = "intake_http_requests_total{route=\"/api/v1/complaints\",status=\"201\"}";
    assert!(value(&after, requests) >= 1.0, "{after:?}");
    assert!(after
        .keys()
        .any(|k| k.starts_with("intake_http_request_duration_seconds_bucket{")));
    let text = metrics_text(&addr).await;
    assert!(
        !text.contains("Zqmetric"),
        "never anything a complainant wrote"
    );

    // Not on the public address.
    assert_eq!(public_metrics_status(&server).await, 404);
}

#[tokio::test]
async fn without_an_address_there_are_no_metrics_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    assert_eq!(public_metrics_status(&server).await, 404);
}

/// The store's gauges (messages waiting, open cases by team) read at the first scrape, a
/// sending failure counted by provider, and a retention run's time and rows.
#[tokio::test]
async fn gauges_sending_failures_and_retention_move() {
    let metrics_port = common::mail::free_port();
    // Nothing listens on this SMTP port: every send fails, and is retried.
    let smtp_port = common::mail::free_port();
    let config = format!(
        r#"
[metrics]
listen_addr = "127.0.0.1:{metrics_port}"
[email]
provider = "smtp"
[email.smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from = "Data Protection <dpo@example.gov.uk>"
[outbox]
poll_ms = 100
"#
    );
    let staffed = common::browser::staffed_with(&config).await;
    let server = &staffed.server;
    let addr = format!("127.0.0.1:{metrics_port}");
    let scrape = || async { parse(&metrics_text(&addr).await) };
    let value = |m: &HashMap<String, f64>, k: &str| m.get(k).copied().unwrap_or(0.0);
    common::browser::a_case(server).await;
    common::browser::a_case(server).await;

    // The first scrape reads the store: two open cases in the team triage chose.
    let first = scrape().await;
    let open: f64 = first
        .iter()
        .filter(|(k, _)| k.starts_with("intake_cases_open{team="))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(open, 2.0, "{first:?}");
    assert!(
        first
            .keys()
            .any(|k| k.starts_with("intake_cases_overdue{team=")),
        "{first:?}"
    );
    assert!(
        value(&first, "intake_outbox_waiting{channel=\"email\"}") >= 1.0,
        "the confirmations wait to be sent: {first:?}"
    );
    assert!(first.contains_key("intake_outbox_oldest_waiting_seconds{channel=\"email\"}"));

    // The refused sends are counted, as transient failures of SMTP.
    let failures = "intake_outbox_failures_total{provider=\"smtp\",kind=\"transient\"}";
    let mut seen = 0.0;
    for _ in 0..100 {
        seen = value(&scrape().await, failures);
        if seen >= 1.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen >= 1.0, "a failed send is counted");

    // A retention run (the DPO's button) sets its time and counts rows by rule.
    let before = value(
        &scrape().await,
        "intake_retention_last_run_timestamp_seconds",
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let mut dee = common::browser::signed_in(server, "dee").await;
    let ran = dee
        .submit("/staff/retention", "/staff/retention/run", &[])
        .await;
    assert_eq!(ran.status, 303);
    let after = scrape().await;
    assert!(value(&after, "intake_retention_last_run_timestamp_seconds") > before);
    assert!(
        after.contains_key("intake_retention_rows_total{rule=\"cases_reduced\"}"),
        "{after:?}"
    );
}
