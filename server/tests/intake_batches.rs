//! Complaints arriving together are written together (group commit: SQLite's writer,
//! PostgreSQL's batch statement), and each must still come out whole and once per key:
//! its history in order, its letter, its messages pointing at that letter, the audit entry of
//! one keyed in, replays answered with the first receipt and a reused key refused. `.ci/test`
//! runs this on both stores.

mod common;

use app::domain::complaint::{Channel, ComplaintInput};
use app::domain::messages::MessageKind;
use chrono::Utc;
use common::store::{fresh, new_case};
use server::store::staff::AuditQuery;
use server::store::{NewCase, Submitted};
use std::collections::HashMap;

/// 120 different complaints (a third keyed in from the telephone, some alerting their team),
/// then each of the first 40 sent again and 20 of those with a different body.
fn arrivals() -> (Vec<NewCase>, Vec<NewCase>) {
    let mut firsts = Vec::new();
    for i in 0..120 {
        let channel = if i % 3 == 0 {
            Channel::Telephone
        } else {
            Channel::Online
        };
        let mut case = new_case(&ComplaintInput::example(), channel, Utc::now());
        case.id = uuid::Uuid::now_v7();
        case.alert_team = i % 4 == 0;
        case.request_hash = format!("body {i}");
        firsts.push(case);
    }
    let mut again = Vec::new();
    for (i, first) in firsts.iter().take(40).enumerate() {
        let mut case = first.clone();
        case.id = uuid::Uuid::now_v7();
        if i % 2 == 0 {
            case.request_hash = "a different body".into();
        }
        again.push(case);
    }
    (firsts, again)
}

#[tokio::test]
async fn complaints_arriving_together_are_each_stored_whole_and_once_per_key() {
    let metrics = server::metrics::install().expect("the only recorder of this test");
    let s = fresh().await;
    let cases = s.stores.cases.clone();
    let (firsts, again) = arrivals();
    // All at once: the writers take them in batches of whatever is waiting.
    let mut tasks = Vec::new();
    for case in firsts.iter().cloned() {
        let cases = cases.clone();
        tasks.push(tokio::spawn(async move { cases.submit(case).await }));
    }
    let mut receipts = HashMap::new();
    for (task, case) in tasks.into_iter().zip(&firsts) {
        match task.await.unwrap().expect("stored") {
            Submitted::Created(r) => {
                receipts.insert(case.idempotency_key, r);
            }
            other => panic!("a new complaint answered {other:?}"),
        }
    }
    let references: std::collections::HashSet<_> = receipts.values().map(|r| r.reference).collect();
    assert_eq!(
        references.len(),
        120,
        "every case has a reference of its own"
    );

    // The same keys again, together and alongside new complaints.
    let mut tasks = Vec::new();
    for case in again.iter().cloned() {
        let cases = cases.clone();
        tasks.push(tokio::spawn(async move { cases.submit(case).await }));
    }
    for (task, case) in tasks.into_iter().zip(&again) {
        let first = &receipts[&case.idempotency_key];
        let answer = task.await.unwrap().expect("answered");
        if case.request_hash == "a different body" {
            assert_eq!(
                answer,
                Submitted::KeyReused {
                    earlier: first.reference
                }
            );
        } else {
            assert_eq!(answer, Submitted::Replayed(first.clone()));
        }
    }

    // Written together, not one by one, and never refused as a batch: a batch that failed
    // would have been written again case by case and hidden a fault of the batch's own.
    let text = metrics.render();
    assert!(
        !text.contains("intake_store_batches_retried_total"),
        "no batch was refused:\n{text}"
    );
    let commits = text
        .lines()
        .find(|l| l.starts_with("intake_store_batch_complaints_count"))
        .and_then(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .expect("batches counted");
    let written = text
        .lines()
        .find(|l| l.starts_with("intake_store_batch_complaints_sum"))
        .and_then(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .expect("complaints counted");
    assert!(
        written >= 120.0,
        "every new complaint went through a batch: {written}"
    );
    assert!(
        commits < written,
        "some commits carried several complaints:\n{text}"
    );

    for (i, case) in firsts.iter().enumerate() {
        let reference = receipts[&case.idempotency_key].reference;
        let file = s
            .stores
            .staff
            .case(&reference)
            .await
            .unwrap()
            .expect("stored");
        assert_eq!(file.id, case.id, "the first request's case, not a replay's");
        let events: Vec<&str> = file.events.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(events, ["received", "acknowledgement queued"], "case {i}");
        let keyed_in = case.keyed_in_by.as_deref();
        assert!(file.events.iter().all(|e| e.actor.as_deref() == keyed_in));
        assert_eq!(file.letters.len(), 1, "the acknowledgement, once");
        let letter = &file.letters[0];
        assert!(letter.letter.body.contains(&reference.to_string()));
        let acknowledgement = file
            .messages
            .iter()
            .find(|m| m.kind == MessageKind::Acknowledgement)
            .expect("the acknowledgement queued");
        assert_eq!(acknowledgement.letter_id, Some(letter.id));
        let mut kinds: Vec<MessageKind> = file.messages.iter().map(|m| m.kind).collect();
        kinds.sort_by_key(|k| format!("{k:?}"));
        let mut expected = vec![MessageKind::Acknowledgement];
        if case.confirm_by_email {
            expected.push(MessageKind::Confirmation);
        }
        if case.alert_team {
            expected.push(MessageKind::TeamAlert);
        }
        expected.sort_by_key(|k| format!("{k:?}"));
        assert_eq!(kinds, expected, "case {i}");
        assert!(file
            .messages
            .iter()
            .filter(|m| m.kind != MessageKind::Acknowledgement)
            .all(|m| m.letter_id.is_none()));
        let trail = s
            .stores
            .staff
            .audit_trail(&AuditQuery {
                reference: Some(reference),
                username: None,
                before: None,
            })
            .await
            .unwrap();
        let keyed: Vec<_> = trail
            .iter()
            .filter(|r| r.entry.action == "keyed in a complaint")
            .collect();
        assert_eq!(keyed.len(), usize::from(keyed_in.is_some()), "case {i}");
    }
}
