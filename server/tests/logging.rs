//! Logs for whoever runs the service (issue 27): `INTAKE_LOG_FORMAT=json` gives one JSON
//! object per line; every line of a request carries its id, which the response carries back;
//! and no line carries a complainant's words.

mod common;

use common::{complaint, db, key, TestServer};

#[tokio::test]
async fn json_log_lines_carry_the_request_id_and_nothing_a_complainant_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intake.db");
    db::prepare(&path).await;
    let url = db::url(&path);
    let server =
        TestServer::start_with_env(path, url, dir.path(), &[("INTAKE_LOG_FORMAT", "json")]).await;
    let mut c = complaint("Zqlogname Person");
    c["description"] = "Zqlogwords: my records were sent to my neighbour.".into();
    let res = server
        .client
        .post(format!("{}/api/v1/complaints", server.base))
        .header("idempotency-key", key())
        .header("x-request-id", "test-req-123")
        .json(&c)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["x-request-id"], "test-req-123");
    // Without one, or with one that is not a plain token, the server makes its own.
    let res = server
        .client
        .get(format!("{}/health", server.base))
        .header("x-request-id", "bad id\twith spaces")
        .send()
        .await
        .unwrap();
    let made = res.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(made.len(), 36, "a UUID: {made}");
    // A refused complaint is logged with its id as well.
    let res = server
        .client
        .post(format!("{}/api/v1/complaints", server.base))
        .header("idempotency-key", key())
        .header("x-request-id", "test-req-456")
        .header("content-type", "application/json")
        .body("{\"full_name\": \"Zqlogname\"")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let log = server.log();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.len() >= 3);
    let request_line = |id: &str| {
        lines.iter().any(|l| {
            l["message"] == "request"
                && l["span"]["request_id"] == id
                && l["route"] == "/api/v1/complaints"
        })
    };
    assert!(request_line("test-req-123"), "{log}");
    assert!(request_line("test-req-456"), "{log}");
    assert!(lines
        .iter()
        .any(|l| l["message"] == "request" && l["span"]["request_id"] == made.as_str()));
    assert!(!log.contains("Zqlog"), "no complainant's words in the log");
}
