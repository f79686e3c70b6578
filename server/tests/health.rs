//! Liveness and readiness (issue 27): `/health/live` answers while the process does;
//! `/health/ready` only while the database answers, its migrations are this build's and the
//! outbox worker is going round, and recovers when they are back.

mod common;

use common::{db, TestServer};
use std::time::Duration;

async fn ready(server: &TestServer) -> (u16, serde_json::Value) {
    let res = server
        .client
        .get(format!("{}/health/ready", server.base))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn until_ready(server: &TestServer) -> serde_json::Value {
    for _ in 0..100 {
        let (status, body) = ready(server).await;
        if status == 200 {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not ready within 10 s: {:?}", ready(server).await);
}

#[tokio::test]
async fn readiness_fails_without_the_database_or_its_migrations_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_configured(dir.path(), "[outbox]\npoll_ms = 100\n").await;
    let live = server
        .client
        .get(format!("{}/health/live", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    let body = until_ready(&server).await;
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["migrations"], "current");
    assert_eq!(body["checks"]["outbox"], "ok");

    // The cases are gone (a damaged or wrongly restored database): not ready, still live.
    db::execute(
        &server.db_path,
        "ALTER TABLE cases RENAME TO cases_gone",
        &[],
    )
    .await;
    let (status, body) = ready(&server).await;
    assert_eq!(status, 503);
    assert_eq!(body["checks"]["database"], "unavailable");
    let live = server
        .client
        .get(format!("{}/health/live", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    db::execute(
        &server.db_path,
        "ALTER TABLE cases_gone RENAME TO cases",
        &[],
    )
    .await;
    until_ready(&server).await;

    // A migration of this build not applied (a database restored from an older backup).
    let newest = db::number(
        &server.db_path,
        "SELECT MAX(version) FROM _sqlx_migrations",
        &[],
    )
    .await;
    db::execute(
        &server.db_path,
        &format!("UPDATE _sqlx_migrations SET success = false WHERE version = {newest}"),
        &[],
    )
    .await;
    let (status, body) = ready(&server).await;
    assert_eq!(status, 503);
    assert_eq!(body["checks"]["migrations"], "behind");
    db::execute(
        &server.db_path,
        &format!("UPDATE _sqlx_migrations SET success = true WHERE version = {newest}"),
        &[],
    )
    .await;
    until_ready(&server).await;
    // What failed is logged for whoever runs the service.
    assert!(server.log().contains("not ready"));
}
