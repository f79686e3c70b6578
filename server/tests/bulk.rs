//! One action on several cases from the register (issue 26): assigned together, grouped under
//! an incident and found by it, and one progress update sent to twenty cases in one action,
//! twenty letters and twenty history entries, each on its own case; a case the procedure
//! refuses is named with why while the others go ahead; a form with a mistake comes back
//! with what was typed. Both stores (`INTAKE_TEST_POSTGRES`).

mod common;

use common::browser::{signed_in, staffed_with, Browser};
use common::casework::{query_one, wait_for_status};
use common::{complaint, key, TestServer};

const FAST_OUTBOX: &str = "[outbox]\npoll_ms = 50\n";

async fn send(server: &TestServer, name: &str) -> String {
    let res = server.post(&key(), &complaint(name)).await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.body["reference"].as_str().unwrap().replace('-', "")
}

async fn count(server: &TestServer, sql: &str, reference: &str) -> u32 {
    query_one(&server.db_path, sql, reference)
        .await
        .parse()
        .unwrap()
}

/// Posts the register's bulk form for `cases` with `fields`.
async fn bulk(b: &mut Browser, cases: &[String], fields: &[(&str, &str)]) -> common::browser::Page {
    let token = b.get("/staff/register").await.csrf();
    let mut form: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
    form.extend(cases.iter().map(|c| ("case", c.as_str())));
    form.extend_from_slice(fields);
    b.post("/staff/register/bulk", &form).await
}

#[tokio::test]
async fn twenty_cases_get_one_progress_update_each_in_one_action() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let mut cases = Vec::new();
    for i in 0..20 {
        cases.push(send(server, &format!("Mailing Person{i}")).await);
    }
    for r in &cases {
        wait_for_status(&server.db_path, r, "acknowledged").await;
    }
    // The register offers a box a case and the bulk controls.
    let register = kim.get("/staff/register").await.body;
    assert!(register.contains(&format!("name=\"case\" value=\"{}\"", cases[0])));
    assert!(register.contains("Do this to the cases ticked"));

    // Nothing ticked, or an update without its reason: refused, with what was typed kept.
    let p = bulk(&mut kim, &[], &[("action", "assign"), ("handler", "kim")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Select at least one case"));
    let typed = "We are writing to everyone whose letter went astray.";
    let p = bulk(
        &mut kim,
        &cases,
        &[
            ("action", "update"),
            ("progress", typed),
            ("revised_on", "2099-01-15"),
        ],
    )
    .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Enter why it will take longer"));
    assert!(p.body.contains(typed), "what was typed comes back");
    assert!(
        p.body.contains(&format!("value=\"{}\"", cases[19])),
        "and the cases ticked"
    );

    // Taken together by kim, who confirms independence for each.
    let p = bulk(
        &mut kim,
        &cases,
        &[
            ("action", "assign"),
            ("handler", "kim"),
            ("independent", "yes"),
        ],
    )
    .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("20 cases assigned."), "{}", p.body);

    // One more case, already closed: the procedure refuses it, the others go ahead.
    let closed = send(server, "Wanda Withdrawn").await;
    wait_for_status(&server.db_path, &closed, "acknowledged").await;
    common::db::execute(
        &server.db_path,
        "UPDATE cases SET status = 'closed' WHERE reference = $1",
        &[&closed],
    )
    .await;
    let mut all = cases.clone();
    all.push(closed.clone());
    let p = bulk(
        &mut kim,
        &all,
        &[
            ("action", "update"),
            ("progress", typed),
            ("revised_on", "2099-01-15"),
            ("why", "Each letter must be traced with the printer."),
        ],
    )
    .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(
        p.body.contains("20 cases sent a progress update"),
        "{}",
        p.body
    );
    assert!(p.body.contains("Not changed"));
    assert!(p
        .body
        .contains("cannot be given a progress update from there"));
    // A letter and a history entry on each case, each letter to its own complainant.
    for (i, r) in cases.iter().enumerate() {
        let letters =
            "SELECT CAST(COUNT(*) AS TEXT) FROM letters l JOIN cases c ON c.id = l.case_id \
             WHERE c.reference = $1 AND l.kind = 'progress_update'";
        assert_eq!(count(server, letters, r).await, 1, "{r}");
        let events =
            "SELECT CAST(COUNT(*) AS TEXT) FROM case_events e JOIN cases c ON c.id = e.case_id \
             WHERE c.reference = $1 AND e.event = 'progress update'";
        assert_eq!(count(server, events, r).await, 1, "{r}");
        let body = query_one(
            &server.db_path,
            "SELECT l.body FROM letters l JOIN cases c ON c.id = l.case_id \
             WHERE c.reference = $1 AND l.kind = 'progress_update'",
            r,
        )
        .await;
        assert!(body.contains(&format!("Dear Mailing Person{i},")), "{body}");
        assert!(body.contains(typed));
    }
    let none = "SELECT CAST(COUNT(*) AS TEXT) FROM letters l JOIN cases c ON c.id = l.case_id \
         WHERE c.reference = $1 AND l.kind = 'progress_update'";
    assert_eq!(count(server, none, &closed).await, 0);
}

#[tokio::test]
async fn cases_grouped_under_an_incident_are_found_by_it() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let mut cases = Vec::new();
    for i in 0..4 {
        cases.push(send(server, &format!("Incident Person{i}")).await);
    }
    let three = &cases[..3];
    let p = bulk(
        &mut kim,
        three,
        &[
            ("action", "label"),
            ("incident", "Mis-sent council tax letters"),
        ],
    )
    .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("3 cases grouped under the incident."));
    let found = kim
        .get("/staff/register?incident=Mis-sent+council+tax+letters")
        .await
        .body;
    for r in three {
        assert!(found.contains(&format!("/staff/cases/{r}")), "{r}");
    }
    assert!(!found.contains(&format!("/staff/cases/{}", cases[3])));
    assert!(found.contains("Incident: Mis-sent council tax letters"));
    let history =
        "SELECT CAST(COUNT(*) AS TEXT) FROM case_events e JOIN cases c ON c.id = e.case_id \
         WHERE c.reference = $1 AND e.event = 'incident label set'";
    assert_eq!(count(server, history, &cases[0]).await, 1);
    // Taken out again: an empty label.
    let p = bulk(
        &mut kim,
        &cases[..1],
        &[("action", "label"), ("incident", "")],
    )
    .await;
    assert_eq!(p.status, 200);
    let found = kim
        .get("/staff/register?incident=Mis-sent+council+tax+letters")
        .await
        .body;
    assert!(!found.contains(&format!("/staff/cases/{}", cases[0])));
    assert!(found.contains(&format!("/staff/cases/{}", cases[1])));
}
