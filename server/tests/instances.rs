//! Several server processes on one database, as a council runs them behind a load balancer:
//! nothing may assume it is the only instance. On PostgreSQL (`INTAKE_TEST_POSTGRES`) this is
//! the set-up the README describes; on SQLite the same holds for processes on one machine.

mod common;

use common::mail::FakeNotify;
use common::{complaint, key, send, TestServer};
use futures::StreamExt;
use serde_json::Value;
use std::collections::HashSet;
use std::time::Duration;

/// The reference of an answered post, or why it failed.
async fn posted(client: reqwest::Client, base: String, k: String, body: Value) -> String {
    let r = send(client, base, k, body).await.expect("answered");
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    assert!(status == 201 || status == 200, "{status}: {v}");
    v["reference"].as_str().unwrap().to_string()
}

/// Two server processes on one database, sending through `notify`.
async fn two_instances(
    notify: &FakeNotify,
) -> (tempfile::TempDir, std::path::PathBuf, Vec<TestServer>) {
    let config = notify.config();
    let root = tempfile::tempdir().unwrap();
    let db = root.path().join("intake.db");
    let mut servers = Vec::new();
    for name in ["a", "b"] {
        let dir = root.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("intake.toml"), &config).unwrap();
        servers.push(TestServer::start_on(db.clone(), &dir).await);
    }
    (root, db, servers)
}

#[tokio::test]
async fn two_instances_give_one_case_per_key_distinct_references_and_send_each_message_once() {
    let notify = FakeNotify::start().await;
    let (_root, db, servers) = two_instances(&notify).await;
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    let client = servers[0].client.clone();

    // One key sent 100 times at once, alternately to each instance: one case.
    let k = key();
    let body = complaint("Kay Samekey");
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let (client, base) = (client.clone(), bases[i % 2].clone());
            tokio::spawn(posted(client, base, k.clone(), body.clone()))
        })
        .collect();
    let mut references = HashSet::new();
    for t in tasks {
        references.insert(t.await.unwrap());
    }
    assert_eq!(
        references.len(),
        1,
        "one reference for one key: {references:?}"
    );
    assert_eq!(servers[0].count("cases").await, 1);

    // 1,000 different complaints, 64 at a time, spread over both: 1,000 references.
    let references: Vec<String> = futures::stream::iter(0..1000)
        .map(|i| {
            let (client, base) = (client.clone(), bases[i % 2].clone());
            posted(client, base, key(), complaint(&format!("Person {i}")))
        })
        .buffer_unordered(64)
        .collect()
        .await;
    let distinct: HashSet<&String> = references.iter().collect();
    assert_eq!(distinct.len(), 1000);
    assert_eq!(servers[1].count("cases").await, 1001);

    // Both instances work the one outbox: every message goes once, by one of them.
    let messages = servers[0].count("outbox").await;
    assert_eq!(
        messages,
        2 * 1001,
        "a confirmation and an acknowledgement each"
    );
    let waiting = "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'";
    for _ in 0..600 {
        if common::db::number(&db, waiting, &[]).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(common::db::number(&db, waiting, &[]).await, 0, "all sent");
    // Give a second sending (there must be none) the time to arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let accepted = notify.accepted();
    let sent: HashSet<&str> = accepted
        .iter()
        .map(|m| m["reference"].as_str().unwrap())
        .collect();
    assert_eq!(accepted.len() as i64, messages, "each message sent once");
    assert_eq!(sent.len() as i64, messages);
    let by = "SELECT COUNT(DISTINCT leased_by) FROM outbox";
    assert_eq!(
        common::db::number(&db, by, &[]).await,
        2,
        "both instances sent some"
    );
}

/// A slow provider: each email takes more than half an instance's claim to send. An instance
/// stops a round while half its claim is left rather than send a message another instance may
/// have claimed since, so two instances still send each message once (the claim here is 2 s).
#[tokio::test]
async fn a_slow_provider_does_not_make_two_instances_send_one_message_twice() {
    let notify = FakeNotify::start().await;
    let (_root, db, servers) = two_instances(&notify).await;
    // Queued together, so that one claim takes several: each takes 1.2 s to send.
    notify.slow_down(Duration::from_millis(1200));
    let client = servers[0].client.clone();
    let posts: Vec<_> = (0..4)
        .map(|i| {
            let base = servers[i % 2].base.clone();
            posted(client.clone(), base, key(), complaint(&format!("Slow {i}")))
        })
        .collect();
    futures::future::join_all(posts).await;
    let messages = servers[0].count("outbox").await;
    assert_eq!(messages, 8, "a confirmation and an acknowledgement each");
    let db_path = db.clone();
    let waiting = "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'";
    for _ in 0..600 {
        if common::db::number(&db_path, waiting, &[]).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        common::db::number(&db_path, waiting, &[]).await,
        0,
        "all sent"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        notify.accepted().len() as i64,
        messages,
        "each message sent once"
    );
}
