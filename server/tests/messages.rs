//! Letters and emails that go out: the outbox through GOV.UK Notify (a fake that checks the
//! JWT) and through a real SMTP server (aiosmtpd), retries, refusals, a crash between queueing
//! and sending, staff alerts and the daily digest without personal data.

mod common;

use common::browser::{signed_in, staffed_with};
use common::mail::{FakeNotify, SmtpServer};
use common::{complaint, key, TestServer};
use std::path::Path;
use std::time::Duration;

async fn query_one(db: &Path, sql: &str) -> String {
    common::db::text(db, sql, &[]).await.unwrap_or_default()
}

async fn wait_until(db: &Path, sql: &str, want: &str) {
    for _ in 0..200 {
        if query_one(db, sql).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{sql} never gave {want}: {}", query_one(db, sql).await);
}

async fn send_complaint(server: &TestServer) -> String {
    let r = server.post(&key(), &complaint("Sam Example")).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        r.body["acknowledged_at"].is_null(),
        "acknowledged only once the letter has gone"
    );
    r.body["reference"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_online_complaint_is_confirmed_and_acknowledged_through_notify_once_each() {
    let notify = FakeNotify::start().await;
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_configured(dir.path(), &notify.config()).await;
    let reference = send_complaint(&server).await;

    let sent = notify.wait_accepted(2).await;
    let mut templates: Vec<&str> = sent
        .iter()
        .map(|m| m["template_id"].as_str().unwrap())
        .collect();
    templates.sort();
    assert_eq!(
        templates,
        [
            "00000000-0000-4000-8000-000000000001",
            "00000000-0000-4000-8000-000000000002"
        ]
    );
    for m in &sent {
        assert_eq!(m["email_address"], "sam@example.com");
        assert_eq!(m["personalisation"]["reference"], reference.as_str());
        assert!(
            m["reference"].as_str().unwrap().contains(':'),
            "our message key"
        );
        // The minimum: never what the complaint says.
        assert!(!m.to_string().contains("care records"));
    }
    assert_ne!(sent[0]["reference"], sent[1]["reference"]);
    assert_eq!(notify.state.lock().unwrap().bad_tokens, 0);

    // Acknowledged now that the letter has gone, and nothing is sent twice.
    let compact = reference.replace('-', "");
    wait_until(
        &server.db_path,
        &format!("SELECT status FROM cases WHERE reference = '{compact}'"),
        "acknowledged",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(notify.accepted().len(), 2);
}

#[tokio::test]
async fn a_server_error_is_retried_and_a_refusal_is_not() {
    // A 500 first: tried again a second later, and sent.
    let notify = FakeNotify::start().await;
    notify.state.lock().unwrap().script.push_back(500);
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_configured(dir.path(), &notify.config()).await;
    send_complaint(&server).await;
    notify.wait_accepted(2).await;
    assert_eq!(notify.requests(), 3);
    wait_until(
        &server.db_path,
        "SELECT string_agg(status || '/' || attempts, ' ') FROM (SELECT status, attempts FROM outbox ORDER BY attempts) AS m",
        "sent/1 sent/2",
    )
    .await;

    // A 400 (Notify will never take it): not tried again, shown to the DPO as failed.
    let notify = FakeNotify::start().await;
    notify.state.lock().unwrap().script.extend([400, 400]);
    let s = staffed_with(&notify.config()).await;
    let reference = send_complaint(&s.server).await;
    wait_until(
        &s.server.db_path,
        "SELECT string_agg(status, ' ') FROM outbox",
        "failed failed",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(notify.requests(), 2, "a refusal is not retried");
    let compact = reference.replace('-', "");
    assert_eq!(
        query_one(
            &s.server.db_path,
            &format!("SELECT status FROM cases WHERE reference = '{compact}'")
        )
        .await,
        "received",
        "not acknowledged: the letter did not go"
    );
    let mut dee = signed_in(&s.server, "dee").await;
    let page = dee.get("/staff/messages?status=failed").await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("GOV.UK Notify refused it (400 Bad Request)"));
    assert!(page.body.contains(&reference));
    let case = dee.get(&format!("/staff/cases/{compact}")).await;
    assert!(
        case.body.contains("could not be sent"),
        "flagged on its case"
    );
}

#[tokio::test]
async fn a_server_killed_between_queueing_and_sending_sends_after_restart_once() {
    let notify = FakeNotify::start().await;
    notify.state.lock().unwrap().down = true;
    let dir = tempfile::tempdir().unwrap();
    let mut server = TestServer::start_configured(dir.path(), &notify.config()).await;
    send_complaint(&server).await;
    // Queued, tried, not sent: then the server dies hard.
    for _ in 0..100 {
        if notify.requests() >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.kill().await;
    assert!(notify.accepted().is_empty());
    notify.state.lock().unwrap().down = false;

    let db = server.db_path.clone();
    let _server = TestServer::start_on(db, dir.path()).await;
    let sent = notify.wait_accepted(2).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let sent_now = notify.accepted();
    assert_eq!(sent_now.len(), 2, "each message once: {sent:?}");
    assert_ne!(sent_now[0]["reference"], sent_now[1]["reference"]);
}

fn header<'a>(m: &'a mail_parser::Message<'a>) -> (String, String) {
    (
        m.to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or("")
            .to_string(),
        m.subject().unwrap_or("").to_string(),
    )
}

#[tokio::test]
async fn emails_through_a_real_smtp_server_and_staff_alerts_without_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(dir.path()).await;
    let config = format!(
        r#"
public_url = "https://complaints.example.gov.uk"
[email]
provider = "smtp"
[email.smtp]
host = "127.0.0.1"
port = {port}
security = "none"
from = "Data Protection <dpo@example.gov.uk>"
[outbox]
poll_ms = 100
digest_at = "00:00"
[team_mailboxes]
cit = "cit-team@example.gov.uk"
"#,
        port = smtp.port
    );
    let server = TestServer::start_configured(dir.path(), &config).await;
    let reference = send_complaint(&server).await;
    // Confirmation and acknowledgement to the complainant, an alert and the digest to the team.
    let raw = smtp.wait_for(4).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let raw = if smtp.messages().len() > raw.len() {
        smtp.messages()
    } else {
        raw
    };
    assert_eq!(raw.len(), 4, "nothing twice");
    let parsed: Vec<mail_parser::Message> = raw
        .iter()
        .map(|r| mail_parser::MessageParser::default().parse(r).unwrap())
        .collect();
    let find = |to: &str, subject: &str| {
        parsed
            .iter()
            .find(|m| {
                let (t, s) = header(m);
                t == to && s.contains(subject)
            })
            .unwrap_or_else(|| panic!("an email to {to} about {subject}"))
    };
    let ack = find(
        "sam@example.com",
        &format!("Acknowledgement (Ref: {reference})"),
    );
    let text = ack.body_text(0).unwrap().to_string();
    assert!(text.contains("Dear Sam Example"));
    assert!(text.contains(&format!("reference {reference}")));
    assert!(ack.body_html(0).is_some(), "an HTML part too");
    let confirmation = find("sam@example.com", "We have your data protection complaint");
    let text = confirmation.body_text(0).unwrap().to_string();
    assert!(text.contains(&reference));
    assert!(text.contains("We aim to tell you the outcome by"));
    assert!(!text.contains("care records"), "never the complaint itself");

    let alert = find(
        "cit-team@example.gov.uk",
        &format!("New complaint: {reference}"),
    );
    let digest = find("cit-team@example.gov.uk", "need attention");
    for staff_email in [alert, digest] {
        let all = format!(
            "{}{}",
            staff_email.body_text(0).unwrap(),
            String::from_utf8_lossy(staff_email.raw_message())
        );
        assert!(all.contains(&reference));
        for personal in ["Sam Example", "sam@example.com", "07700", "High Street"] {
            assert!(!all.contains(personal), "{personal} in a staff email");
        }
    }
    let alert_text = alert.body_text(0).unwrap().to_string();
    assert!(alert_text.contains(&format!(
        "https://complaints.example.gov.uk/staff/cases/{}",
        reference.replace('-', "")
    )));
}
