//! Whether letters reached the complainant (issue 26): GOV.UK Notify's delivery reports posted
//! to the callback by a fake Notify (kept once, a replay changing nothing; a wrong token
//! refused), a permanent failure sending the letter to the print queue or, with no postal
//! address, flagging the case; and a real SMTP server (aiosmtpd) refusing a recipient when the
//! email is sent, which does the same. Both stores (`INTAKE_TEST_POSTGRES`).

mod common;

use common::browser::{signed_in, staffed_with, Staffed};
use common::casework::query_one;
use common::mail::{FakeNotify, SmtpServer};
use common::{complaint, key, TestServer};
use serde_json::Value;
use std::time::Duration;

const TOKEN: &str = "a-callback-token-of-more-than-thirty-two-characters";

async fn one(server: &TestServer, sql: &str, reference: &str) -> String {
    query_one(&server.db_path, sql, reference).await
}

async fn send(server: &TestServer, body: &Value) -> String {
    let res = server.post(&key(), body).await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.body["reference"].as_str().unwrap().replace('-', "")
}

/// A server sending through the fake Notify, its callback on, with staff to sign in.
async fn with_notify(notify: &FakeNotify) -> Staffed {
    let config = notify.config().replace(
        "provider = \"notify\"",
        &format!("provider = \"notify\"\nnotify_callback_token = \"{TOKEN}\""),
    );
    staffed_with(&config).await
}

/// Notify's id for the case's email of `kind` (its reference is our message key).
fn notify_id(notify: &FakeNotify, kind: &str) -> String {
    notify
        .sent()
        .into_iter()
        .find(|(_, body)| {
            body["reference"]
                .as_str()
                .is_some_and(|r| r.contains(&format!(":{kind}:")))
        })
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no {kind} email went to Notify"))
}

const COUNT_POST: &str =
    "SELECT CAST(COUNT(*) AS TEXT) FROM outbox o JOIN cases c ON c.id = o.case_id \
     WHERE c.reference = $1 AND o.channel = 'post' AND o.kind = 'acknowledgement'";
const COUNT_UNDELIVERED: &str =
    "SELECT CAST(COUNT(*) AS TEXT) FROM case_events e JOIN cases c ON c.id = e.case_id \
     WHERE c.reference = $1 AND e.event = 'email not delivered'";

#[tokio::test]
async fn delivery_reports_are_kept_once_and_a_letter_that_bounced_goes_to_the_print_queue() {
    let notify = FakeNotify::start().await;
    let s = with_notify(&notify).await;
    let server = &s.server;
    let r = send(server, &complaint("Bella Bounce")).await;
    notify.wait_accepted(2).await;
    let (confirmation, acknowledgement) = (
        notify_id(&notify, "confirmation"),
        notify_id(&notify, "acknowledgement"),
    );
    let delivery = |kind: &str| {
        format!(
            "SELECT coalesce(d.status, 'none') FROM outbox o JOIN cases c ON c.id = o.case_id \
             LEFT JOIN deliveries d ON d.message_id = o.id \
             WHERE c.reference = $1 AND o.kind = '{kind}' AND o.channel = 'email'"
        )
    };

    // Without the token, or with another, nothing is kept.
    for token in ["", "not-the-token", &TOKEN[1..]] {
        let status = notify
            .report(&server.base, token, &acknowledgement, "delivered")
            .await;
        assert_eq!(status, 401, "token {token:?}");
    }
    assert_eq!(one(server, &delivery("acknowledgement"), &r).await, "none");

    // Delivered: kept on its message.
    let status = notify
        .report(&server.base, TOKEN, &confirmation, "delivered")
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        one(server, &delivery("confirmation"), &r).await,
        "delivered"
    );

    // The acknowledgement bounced for good: the same letter goes to the print queue, once,
    // however often Notify sends the report again.
    for _ in 0..3 {
        let status = notify
            .report(&server.base, TOKEN, &acknowledgement, "permanent-failure")
            .await;
        assert_eq!(status, 204);
    }
    assert_eq!(
        one(server, &delivery("acknowledgement"), &r).await,
        "permanent-failure"
    );
    assert_eq!(one(server, COUNT_POST, &r).await, "1");
    assert_eq!(one(server, COUNT_UNDELIVERED, &r).await, "1");
    let letter = "SELECT CASE WHEN p.letter_id = e.letter_id THEN 'same' ELSE 'other' END \
         FROM outbox p JOIN outbox e ON e.case_id = p.case_id JOIN cases c ON c.id = p.case_id \
         WHERE c.reference = $1 AND p.channel = 'post' AND e.channel = 'email' \
         AND e.kind = 'acknowledgement'";
    assert_eq!(one(server, letter, &r).await, "same");

    // The handler sees it on the case, and the letter in the print queue.
    let mut kim = signed_in(server, "kim").await;
    let page = kim.get(&format!("/staff/cases/{r}")).await.body;
    assert!(page.contains("not delivered: the address does not work"));
    assert!(page.contains("its letter is in the print queue to post instead"));
    let queue = kim.get("/staff/post").await.body;
    assert!(queue.contains(&r[..4]), "the print queue lists the case");

    // A status Notify does not end on, or a report for an email that is not ours: answered,
    // so Notify stops sending it, and nothing changes.
    let status = notify
        .report(&server.base, TOKEN, &acknowledgement, "sending")
        .await;
    assert_eq!(status, 204);
    let stranger = uuid::Uuid::new_v4().to_string();
    let status = notify
        .report(&server.base, TOKEN, &stranger, "permanent-failure")
        .await;
    assert_eq!(status, 204);
    assert_eq!(one(server, COUNT_POST, &r).await, "1");
    // Not JSON: refused, saying what is wanted.
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/notify/callback", server.base))
        .bearer_auth(TOKEN)
        .body("status=delivered")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("delivery report"));
}

#[tokio::test]
async fn without_a_postal_address_a_bounced_letter_flags_the_case() {
    let notify = FakeNotify::start().await;
    let s = with_notify(&notify).await;
    let server = &s.server;
    let mut c = complaint("Nora Noaddress");
    for field in [
        "address_line_1",
        "address_line_2",
        "address_town",
        "address_postcode",
    ] {
        c.as_object_mut().unwrap().remove(field);
    }
    let r = send(server, &c).await;
    notify.wait_accepted(2).await;
    let acknowledgement = notify_id(&notify, "acknowledgement");
    let status = notify
        .report(&server.base, TOKEN, &acknowledgement, "permanent-failure")
        .await;
    assert_eq!(status, 204);
    let flagged = "SELECT CASE WHEN cannot_reach_at IS NULL THEN 'no' ELSE 'flagged' END \
                   FROM cases WHERE reference = $1";
    assert_eq!(one(server, flagged, &r).await, "flagged");
    assert_eq!(one(server, COUNT_POST, &r).await, "0");
    let mut kim = signed_in(server, "kim").await;
    let page = kim.get(&format!("/staff/cases/{r}")).await.body;
    assert!(page.contains("Cannot reach the complainant in writing since"));
    let register = kim.get("/staff/register").await.body;
    assert!(register.contains("Cannot reach"));
    // A temporary failure is shown, and changes nothing else.
    let confirmation = notify_id(&notify, "confirmation");
    let status = notify
        .report(&server.base, TOKEN, &confirmation, "temporary-failure")
        .await;
    assert_eq!(status, 204);
    let page = kim.get(&format!("/staff/cases/{r}")).await.body;
    assert!(page.contains("not delivered: the inbox did not accept it"));
}

#[tokio::test]
async fn the_callback_is_not_there_unless_configured() {
    let dir = tempfile::tempdir().unwrap();
    let notify = FakeNotify::start().await;
    let server = TestServer::start_configured(dir.path(), &notify.config()).await;
    let id = uuid::Uuid::new_v4().to_string();
    let status = notify.report(&server.base, TOKEN, &id, "delivered").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_recipient_the_mail_server_refuses_gets_the_letter_by_post() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start_refusing(dir.path()).await;
    let config = format!(
        "[email]\nprovider = \"smtp\"\n[email.smtp]\nhost = \"127.0.0.1\"\nport = {}\n\
         security = \"none\"\nfrom = \"Data Protection <dpo@example.gov.uk>\"\n\
         [outbox]\npoll_ms = 100\ndigest_at = \"23:59\"\n",
        smtp.port
    );
    let server = &TestServer::start_configured(dir.path(), &config).await;
    let mut c = complaint("Bruno Bounce");
    c["email"] = "bounce.bruno@example.com".into();
    let r = send(server, &c).await;
    // The relay refuses both emails; the acknowledgement's letter is then queued to post.
    let mut queued = String::new();
    for _ in 0..200 {
        queued = one(server, COUNT_POST, &r).await;
        if queued == "1" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(queued, "1", "the letter went to the print queue");
    let failed = "SELECT o.status FROM outbox o JOIN cases c ON c.id = o.case_id \
                  WHERE c.reference = $1 AND o.kind = 'acknowledgement' AND o.channel = 'email'";
    assert_eq!(one(server, failed, &r).await, "failed");
    assert_eq!(one(server, COUNT_UNDELIVERED, &r).await, "1");
    // Not acknowledged until the letter is posted (SPEC: only once actually sent or posted).
    assert_eq!(
        one(server, "SELECT status FROM cases WHERE reference = $1", &r).await,
        "received"
    );
    // Another complainant, whom the relay takes: nothing goes to the print queue.
    let other = send(server, &complaint("Ada Arrives")).await;
    smtp.wait_for(2).await;
    common::casework::wait_for_status(&server.db_path, &other, "acknowledged").await;
    assert_eq!(one(server, COUNT_POST, &other).await, "0");
}
