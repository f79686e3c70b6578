//! Traces over OTLP (issue 27), built with `--features otlp` only (`.ci/test` runs this file
//! so): with `OTEL_EXPORTER_OTLP_ENDPOINT` set, each request's span reaches the collector over
//! OTLP/HTTP, named for the service, carrying the request's id and nothing a person wrote.
#![cfg(feature = "otlp")]

mod common;

use axum::body::Bytes;
use axum::routing::post;
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn each_request_is_a_span_at_the_collector() {
    // A collector: records what is posted to /v1/traces.
    let received: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let app = {
        let received = received.clone();
        axum::Router::new().route(
            "/v1/traces",
            post(move |body: Bytes| async move {
                received.lock().unwrap().push(body.to_vec());
                ""
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let collector = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intake.db");
    common::db::prepare(&path).await;
    let url = common::db::url(&path);
    let server = common::TestServer::start_with_env(
        path,
        url,
        dir.path(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.as_str()),
            // Sent within a fifth of a second rather than the default five.
            ("OTEL_BSP_SCHEDULE_DELAY", "200"),
        ],
    )
    .await;
    let res = server
        .post(&common::key(), &common::complaint("Zqtrace Person"))
        .await;
    assert_eq!(res.status, 201);
    let mut all = Vec::new();
    for _ in 0..50 {
        all = received.lock().unwrap().concat();
        if !all.is_empty() && contains(&all, b"/api/v1/complaints") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(contains(&all, b"complaint-intake"), "the service's name");
    assert!(contains(&all, b"request_id"), "the request's id");
    assert!(contains(&all, b"/api/v1/complaints"), "the route");
    assert!(!contains(&all, b"Zqtrace"), "nothing a complainant wrote");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
