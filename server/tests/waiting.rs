//! Asking the complainant for more information through the real server (seed 004 §24; issue
//! 26): the request with its letter pauses the outcome target (never the acknowledgement),
//! the outcome waits for the reply, the reply moves the target on by the days waited; a
//! reminder; the "no reply" ending once the time allowed has passed, not before. Both stores
//! (`INTAKE_TEST_POSTGRES`).

mod common;

use common::browser::{signed_in, staffed_with};
use common::casework::{case_post, investigating, query_one};
use common::{complaint, key, TestServer};

const FAST_OUTBOX: &str = "[outbox]\npoll_ms = 50\n";

async fn send(server: &TestServer, name: &str) -> String {
    let res = server.post(&key(), &complaint(name)).await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.body["reference"].as_str().unwrap().replace('-', "")
}

async fn one(server: &TestServer, sql: &str, reference: &str) -> String {
    query_one(&server.db_path, sql, reference).await
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A case column as `YYYY-MM-DD` (each store keeps dates its own way).
async fn date_of(server: &TestServer, column: &str, reference: &str) -> String {
    let sql = format!("SELECT CAST({column} AS TEXT) FROM cases WHERE reference = $1");
    one(server, &sql, reference).await
}

/// Moves the request (and any reminder) `days` into the past, as if asked then.
async fn asked_days_ago(server: &TestServer, reference: &str, days: u32) {
    let sql = if common::db::on_postgres() {
        format!(
            "UPDATE cases SET waiting_since = waiting_since - {days}, \
             reminded_on = reminded_on - {days} WHERE reference = $1"
        )
    } else {
        format!(
            "UPDATE cases SET waiting_since = date(waiting_since, '-{days} days'), \
             reminded_on = date(reminded_on, '-{days} days') WHERE reference = $1"
        )
    };
    assert_eq!(
        common::db::execute(&server.db_path, &sql, &[reference]).await,
        1
    );
}

async fn letters_of_kind(server: &TestServer, reference: &str, kind: &str) -> String {
    one(
        server,
        &format!(
            "SELECT CAST(COUNT(*) AS TEXT) FROM letters l JOIN cases c ON c.id = l.case_id \
             WHERE c.reference = $1 AND l.kind = '{kind}'"
        ),
        reference,
    )
    .await
}

#[tokio::test]
async fn a_request_pauses_the_outcome_target_and_the_reply_moves_it_on() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let r = send(server, "Wendy Waiting").await;
    investigating(server, &mut kim, &r).await;
    let acknowledge_by = date_of(server, "acknowledge_by", &r).await;

    let form = kim.get(&format!("/staff/cases/{r}/clarify")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("What do you need from the complainant?"));
    let p = case_post(&mut kim, &r, "clarify", &[("needed", "  ")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Enter what you need from the complainant"));
    assert_eq!(
        letters_of_kind(server, &r, "information_request").await,
        "0"
    );

    let needed = "Zq: which letter from the housing team do you mean, and its date?";
    let p = case_post(&mut kim, &r, "clarify", &[("needed", needed)]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let stopped = "SELECT CASE WHEN clock_stopped THEN 'stopped' ELSE 'running' END \
                   FROM cases WHERE reference = $1";
    assert_eq!(one(server, stopped, &r).await, "stopped");
    let today = chrono::Utc::now().date_naive();
    let asked = day(&date_of(server, "waiting_since", &r).await);
    assert!((asked - today).num_days().abs() <= 1, "asked on {asked}");
    // The letter says what is needed; its message is queued; the history does not say it.
    let body = one(
        server,
        "SELECT l.body FROM letters l JOIN cases c ON c.id = l.case_id \
         WHERE c.reference = $1 AND l.kind = 'information_request'",
        &r,
    )
    .await;
    assert!(body.contains(needed) && body.contains("Our time to investigate is paused"));
    // Signed by the handler's full name and the case's own team (a subject access case:
    // issue 26 found such letters signed "Information Governance Team").
    assert!(
        body.contains("Kim Handler\nComplaints and Information Team"),
        "{body}"
    );
    let queued = one(
        server,
        "SELECT CAST(COUNT(*) AS TEXT) FROM outbox o JOIN cases c ON c.id = o.case_id \
         WHERE c.reference = $1 AND o.kind = 'information_request'",
        &r,
    )
    .await;
    assert_eq!(queued, "1");
    let history = one(
        server,
        "SELECT detail FROM case_events e JOIN cases c ON c.id = e.case_id \
         WHERE c.reference = $1 AND e.event = 'more information asked for'",
        &r,
    )
    .await;
    assert!(history.contains("outcome target paused") && !history.contains("Zq"));

    // The case and the register say it is waiting; the outcome waits for the reply.
    let page = kim.get(&format!("/staff/cases/{r}")).await.body;
    assert!(page.contains("Waiting for the complainant since"));
    // People by their full names: the history and the handler.
    assert!(page.contains("more information asked for · Kim Handler"));
    assert!(page.contains("Kim Handler (confirmed independence"));
    assert!(page.contains("The outcome target is paused"));
    let waiting = kim.get("/staff/register?outstanding=reply").await.body;
    assert!(waiting.contains(&format!("/staff/cases/{r}")));
    let outcome = kim.get(&format!("/staff/cases/{r}/outcome")).await;
    assert_eq!(outcome.status, 409);
    assert!(outcome.body.contains("record the reply first"));
    let again = kim.get(&format!("/staff/cases/{r}/clarify")).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("was already asked for"));
    let p = case_post(&mut kim, &r, "clarify", &[("needed", "More")]).await;
    assert_eq!(p.status, 409);
    assert_eq!(
        letters_of_kind(server, &r, "information_request").await,
        "1"
    );

    // Waited ten days (the target passed meanwhile): not overdue while paused.
    asked_days_ago(server, &r, 10).await;
    let sql = if common::db::on_postgres() {
        "UPDATE cases SET outcome_due = CURRENT_DATE - 2 WHERE reference = $1"
    } else {
        "UPDATE cases SET outcome_due = date('now', '-2 days') WHERE reference = $1"
    };
    common::db::execute(&server.db_path, sql, &[&r]).await;
    let overdue = kim.get("/staff/register?due=overdue").await.body;
    assert!(!overdue.contains(&format!("/staff/cases/{r}")));
    let outcome_due = date_of(server, "outcome_due", &r).await;
    let p = case_post(&mut kim, &r, "reply", &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let moved = day(&date_of(server, "outcome_due", &r).await);
    let paused: i64 = one(
        server,
        "SELECT CAST(paused_days AS TEXT) FROM cases WHERE reference = $1",
        &r,
    )
    .await
    .parse()
    .unwrap();
    // Ten days on, to the next working day where that is a weekend or bank holiday.
    assert!((10..=14).contains(&paused), "moved {paused} days");
    assert_eq!(moved, day(&outcome_due) + chrono::Days::new(paused as u64));
    assert!(!matches!(
        chrono::Datelike::weekday(&moved),
        chrono::Weekday::Sat | chrono::Weekday::Sun
    ));
    assert_eq!(date_of(server, "acknowledge_by", &r).await, acknowledge_by);
    assert_eq!(one(server, stopped, &r).await, "running");
    let received = "SELECT CASE WHEN clarification_received_on IS NULL THEN 'no' ELSE 'yes' END \
                    FROM cases WHERE reference = $1";
    assert_eq!(one(server, received, &r).await, "yes");
    // Now due: on the overdue list no longer (moved into the future), and the outcome opens.
    assert!(moved > today);
    let outcome = kim.get(&format!("/staff/cases/{r}/outcome")).await;
    assert_eq!(outcome.status, 200);
    let waiting = kim.get("/staff/register?outstanding=reply").await.body;
    assert!(!waiting.contains(&format!("/staff/cases/{r}")));
    // A second reply is refused: nothing is waited for.
    let p = case_post(&mut kim, &r, "reply", &[]).await;
    assert_eq!(p.status, 409);
    assert!(p.body.contains("Nothing has been asked of the complainant"));
}

#[tokio::test]
async fn without_a_reply_the_case_is_reminded_and_ended_no_reply_only_after_the_days_allowed() {
    let config = format!("{FAST_OUTBOX}[procedure]\nno_reply_days = 20\n");
    let s = staffed_with(&config).await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let r = send(server, "Norah Noreply").await;
    investigating(server, &mut kim, &r).await;
    let p = case_post(
        &mut kim,
        &r,
        "clarify",
        &[("needed", "The date of the call.")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let end = [
        ("ending", "no_reply"),
        ("referred_to", ""),
        ("reason", ""),
        ("note", ""),
    ];
    // Too soon: refused, saying from when.
    let p = case_post(&mut kim, &r, "end", &end).await;
    assert_eq!(p.status, 409);
    assert!(p.body.contains("still has time to reply"), "{}", p.body);
    assert_eq!(
        one(server, "SELECT status FROM cases WHERE reference = $1", &r).await,
        "investigating"
    );

    // A fortnight on, a reminder is due, and sent.
    asked_days_ago(server, &r, 15).await;
    let register = kim.get("/staff/register?outstanding=reply").await.body;
    assert!(register.contains("Reminder due"));
    let form = kim.get(&format!("/staff/cases/{r}/remind")).await;
    assert_eq!(form.status, 200);
    let p = case_post(
        &mut kim,
        &r,
        "remind",
        &[("needed", "The date of the call.")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(letters_of_kind(server, &r, "reminder").await, "1");
    let register = kim.get("/staff/register?outstanding=reply").await.body;
    assert!(!register.contains("Reminder due"));
    let stopped = "SELECT CASE WHEN clock_stopped THEN 'stopped' ELSE 'running' END \
                   FROM cases WHERE reference = $1";
    assert_eq!(one(server, stopped, &r).await, "stopped");

    // Twenty days after the request: it may end "no reply", with its letter.
    asked_days_ago(server, &r, 5).await;
    let p = case_post(&mut kim, &r, "end", &end).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        one(server, "SELECT status FROM cases WHERE reference = $1", &r).await,
        "closed"
    );
    let ending = one(server, "SELECT ending FROM cases WHERE reference = $1", &r).await;
    assert!(ending.contains("no_reply"), "{ending}");
    let body = one(
        server,
        "SELECT l.body FROM letters l JOIN cases c ON c.id = l.case_id \
         WHERE c.reference = $1 AND l.kind = 'ending'",
        &r,
    )
    .await;
    assert!(body.contains("have not had a reply") && body.contains("ico.org.uk"));
    let waiting = "SELECT CASE WHEN waiting_since IS NULL THEN 'none' ELSE 'waiting' END \
                   FROM cases WHERE reference = $1";
    assert_eq!(one(server, waiting, &r).await, "none");
}
