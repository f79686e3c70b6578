//! The whole procedure through the real server (issue 10): every ending with its letter,
//! progress updates and the register's marks, reopening for review, actions followed up, and
//! breach reports handled as such, from the public API to a complaint lodged afterwards.
//! The route walk in `staff.rs` checks every new route's CSRF and role refusals.

mod common;

use common::browser::{signed_in, staffed_with};
use common::casework::{case_post, decide_and_close, investigating, query_one, wait_for_status};
use common::{complaint, key, TestServer};
use serde_json::Value;

const FAST_OUTBOX: &str = "[outbox]\npoll_ms = 50\n";

async fn send(server: &TestServer, body: &Value) -> String {
    let res = server.post(&key(), body).await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.body["reference"].as_str().unwrap().replace('-', "")
}

async fn one(server: &TestServer, sql: &str, reference: &str) -> String {
    query_one(&server.db_path, sql, reference).await
}

/// Waits (up to 20 s) until every message about the case has gone.
async fn all_sent(server: &TestServer, reference: &str) {
    for _ in 0..400 {
        let waiting = one(
            server,
            "SELECT CAST(COUNT(*) AS TEXT) FROM outbox o JOIN cases c ON c.id = o.case_id \
             WHERE c.reference = $1 AND o.status = 'waiting'",
            reference,
        )
        .await;
        if waiting == "0" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("messages about {reference} never went");
}

#[tokio::test]
async fn each_ending_closes_the_case_with_its_record_and_its_letter() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let reason = app::domain::casework::default_not_investigated_reasons()[1].clone();
    let cases = [
        (
            "withdrawn",
            "",
            "",
            "As you asked, we have withdrawn your complaint",
        ),
        (
            "not_data_protection",
            "the housing complaints team",
            "",
            "We have passed it to the housing complaints team",
        ),
        (
            "not_investigated",
            "",
            reason.as_str(),
            "We have decided not to investigate your complaint, because",
        ),
        (
            "corporate_procedure",
            "",
            "",
            "corporate complaints procedure",
        ),
        ("breach_procedure", "", "", "personal data breach procedure"),
    ];
    for (ending, referred, why, letter_says) in cases {
        let r = send(server, &complaint("Enid Ending")).await;
        investigating(server, &mut kim, &r).await;
        let form = kim.get(&format!("/staff/cases/{r}/end")).await;
        assert_eq!(form.status, 200);
        let p = case_post(
            &mut kim,
            &r,
            "end",
            &[
                ("ending", ending),
                ("referred_to", referred),
                ("reason", why),
                ("note", ""),
            ],
        )
        .await;
        assert_eq!(p.status, 303, "{ending}: {}", p.body);
        assert_eq!(
            one(server, "SELECT status FROM cases WHERE reference = $1", &r).await,
            "closed"
        );
        let recorded = one(server, "SELECT ending FROM cases WHERE reference = $1", &r).await;
        assert!(recorded.contains(ending), "{recorded}");
        let body = one(
            server,
            "SELECT l.body FROM letters l JOIN cases c ON c.id = l.case_id \
             WHERE c.reference = $1 AND l.kind = 'ending'",
            &r,
        )
        .await;
        assert!(body.contains(letter_says), "{ending}: {body}");
        assert!(
            body.contains("Information Commissioner"),
            "the right to complain to the ICO"
        );
        all_sent(server, &r).await;
        let page = kim.get(&format!("/staff/cases/{r}")).await;
        assert!(page.body.contains("This case is closed:"));
    }
    // The register says how each ended.
    let register = kim.get("/staff/register?status=all").await.body;
    for label in [
        "Withdrawn by the complainant",
        "Not investigated",
        "Handed to the breach procedure",
    ] {
        assert!(register.contains(label), "{label}");
    }
}

#[tokio::test]
async fn an_ending_that_lacks_what_it_needs_is_refused_and_changes_nothing() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let r = send(server, &complaint("Rhea Refused")).await;
    investigating(server, &mut kim, &r).await;
    for (fields, says) in [
        (
            vec![("ending", "not_data_protection")],
            "Enter where the complaint was referred",
        ),
        (
            vec![
                ("ending", "not_investigated"),
                ("reason", "Because I said so"),
            ],
            "Select why the complaint will not be investigated",
        ),
        (vec![("ending", "")], "Select how the case ends"),
    ] {
        let p = case_post(&mut kim, &r, "end", &fields).await;
        assert_eq!(p.status, 422, "{says}");
        assert!(p.body.contains(says), "{says}");
    }
    assert_eq!(
        one(server, "SELECT status FROM cases WHERE reference = $1", &r).await,
        "investigating"
    );
    // Someone other than the confirmed handler may not end it.
    let mut other = signed_in(server, "dee").await;
    let p = case_post(&mut other, &r, "end", &[("ending", "withdrawn")]).await;
    assert_eq!(p.status, 303, "the DPO may");
}

#[tokio::test]
async fn a_progress_update_gives_a_revised_date_and_the_register_marks_cases_without_one() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    // Keyed in as received eleven months ago: past its three-month target.
    let mut ian = signed_in(server, "ian").await;
    let token = ian.get("/staff/intake").await.csrf();
    let received = (chrono::Utc::now().date_naive() - chrono::Days::new(330)).to_string();
    let mut form = common::form_fields(&server::openapi::example_request());
    form.extend([
        ("_csrf".to_string(), token),
        ("_key".to_string(), key()),
        ("channel".to_string(), "email".to_string()),
        ("received_on".to_string(), received),
        ("full_name".to_string(), "Ursula Update".to_string()),
    ]);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = ian.post("/staff/intake", &pairs).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let r = one(
        server,
        "SELECT reference FROM cases WHERE complainant_name = $1",
        "Ursula Update",
    )
    .await;
    let mut kim = signed_in(server, "kim").await;
    investigating(server, &mut kim, &r).await;
    let row = |body: &str| {
        let at = body
            .find(&format!("/staff/cases/{r}"))
            .expect("the case is listed");
        body[at..at + body[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(row(&kim.get("/staff/register").await.body).contains("Update due"));

    // Refused: no date, a date in the past, nothing said.
    let p = case_post(&mut kim, &r, "update", &[("revised_on", "2020-01-01")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("The revised date must be in the future"));
    assert!(p.body.contains("Enter what has happened so far"));
    let revised = chrono::Utc::now().date_naive() + chrono::Days::new(45);
    let p = case_post(
        &mut kim,
        &r,
        "update",
        &[
            ("progress", "We have the records from the team."),
            ("revised_on", &revised.to_string()),
            ("why", "The records were archived off site."),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        one(
            server,
            "SELECT CAST(revised_due AS TEXT) FROM cases WHERE reference = $1",
            &r
        )
        .await,
        revised.to_string()
    );
    let letter = one(
        server,
        "SELECT l.body FROM letters l JOIN cases c ON c.id = l.case_id \
         WHERE c.reference = $1 AND l.kind = 'progress_update'",
        &r,
    )
    .await;
    assert!(letter.contains(&app::domain::calendar::long_date(revised)));
    assert!(letter.contains("The records were archived off site."));
    let listed = row(&kim.get("/staff/register").await.body);
    assert!(listed.contains(&format!(
        "Revised: {}",
        app::domain::calendar::long_date(revised)
    )));
    assert!(!listed.contains("Update due"));
    // A closed case takes no update.
    let p = case_post(&mut kim, &r, "end", &[("ending", "withdrawn")]).await;
    assert_eq!(p.status, 303);
    let p = case_post(
        &mut kim,
        &r,
        "update",
        &[
            ("progress", "x"),
            ("revised_on", &revised.to_string()),
            ("why", "y"),
        ],
    )
    .await;
    assert_eq!(p.status, 409);
}

#[tokio::test]
async fn a_closed_case_reopened_for_review_keeps_its_first_outcome_and_ends_again() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let r = send(server, &complaint("Rory Review")).await;
    decide_and_close(server, &mut kim, &r, "Olive Officer").await;
    let p = case_post(&mut kim, &r, "reopen", &[("review_reason", "")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Enter why the case is being reviewed"));
    let p = case_post(
        &mut kim,
        &r,
        "reopen",
        &[("review_reason", "The complainant asked for a review.")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        one(server, "SELECT status FROM cases WHERE reference = $1", &r).await,
        "investigating"
    );
    let due = one(
        server,
        "SELECT CAST(outcome_due AS TEXT) FROM cases WHERE reference = $1",
        &r,
    )
    .await;
    let expected = app::domain::casework::review_target(
        app::domain::calendar::london_date(chrono::Utc::now()),
        &app::domain::calendar::WorkingCalendar::default(),
    );
    assert_eq!(due, expected.to_string());
    let page = kim.get(&format!("/staff/cases/{r}")).await.body;
    assert!(page.contains("Outcome before the review: Upheld"));
    assert!(page.contains("The complainant asked for a review."));
    // SPEC "The investigation": the handler declares independence again for the review; until
    // then the review cannot be worked.
    let review_outcome = [
        ("category", "not_upheld"),
        ("summary", "Reviewed."),
        ("investigation", "Looked again."),
        ("findings", "Partly right."),
        ("no_action_reason", "Nothing more to do."),
    ];
    let refused = case_post(&mut kim, &r, "outcome", &review_outcome).await;
    assert!(refused.status >= 400, "{}", refused.status);
    assert_eq!(
        one(server, "SELECT status FROM cases WHERE reference = $1", &r).await,
        "investigating"
    );
    let p = case_post(&mut kim, &r, "confirm", &[("confirm_independent", "yes")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    // The review ends in a second outcome; the first stays on record.
    let p = case_post(
        &mut kim,
        &r,
        "outcome",
        &[
            ("category", "not_upheld"),
            ("summary", "Reviewed."),
            ("investigation", "Looked again."),
            ("findings", "Partly right."),
            ("no_action_reason", "Nothing more to do."),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    wait_for_status(&server.db_path, &r, "outcome_sent").await;
    // Each outcome letter says which decision it belongs to (issue 26).
    let page = kim.get(&format!("/staff/cases/{r}")).await.body;
    assert!(page.contains("Outcome letter (first decision)"), "{page}");
    assert!(page.contains("Outcome letter (review 1)"));
    assert_eq!(
        one(server, "SELECT r.outcome_category FROM case_reviews r JOIN cases c ON c.id = r.case_id WHERE c.reference = $1", &r).await,
        "upheld"
    );
    assert_eq!(
        one(
            server,
            "SELECT outcome_category FROM cases WHERE reference = $1",
            &r
        )
        .await,
        "not_upheld"
    );
}

#[tokio::test]
async fn actions_are_followed_up_until_done() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let r = send(server, &complaint("Ada Actions")).await;
    decide_and_close(server, &mut kim, &r, "Olive Officer").await;
    let id = one(
        server,
        "SELECT CAST(a.id AS TEXT) FROM case_actions a JOIN cases c ON c.id = a.case_id WHERE c.reference = $1",
        &r,
    )
    .await;
    // Overdue: its due date has passed (set back in the file: no waiting a month).
    let sql = "UPDATE case_actions SET due_on = '2026-01-05' WHERE CAST(id AS TEXT) = $1";
    assert_eq!(common::db::execute(&server.db_path, sql, &[&id]).await, 1);
    let overdue = kim.get("/staff/actions?show=overdue").await.body;
    assert!(overdue.contains("Answer the request") && overdue.contains("1 overdue"));
    assert!(kim
        .get(&format!("/staff/cases/{r}"))
        .await
        .body
        .contains("Overdue"));

    let today = chrono::Utc::now().date_naive().to_string();
    let done_on = format!("done_on_{id}");
    let done_note = format!("done_note_{id}");
    let p = case_post(
        &mut kim,
        &r,
        &format!("actions/{id}/done"),
        &[
            (done_on.as_str(), today.as_str()),
            (done_note.as_str(), "Answered on the phone"),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let done = kim.get("/staff/actions?show=done").await.body;
    assert!(done.contains("Answered on the phone"));
    assert!(!kim
        .get("/staff/actions?show=overdue")
        .await
        .body
        .contains("Answer the request"));
    // Twice is once; another case's action is not found.
    let p = case_post(&mut kim, &r, &format!("actions/{id}/done"), &[]).await;
    assert_eq!(p.status, 409);
    let p = case_post(&mut kim, &r, "actions/99999/done", &[]).await;
    assert_eq!(p.status, 404);
}

#[tokio::test]
async fn a_breach_report_is_handled_as_one_and_a_later_complaint_is_a_linked_new_case() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut report = complaint("Bea Breach");
    report["category"] = "personal_data_breach".into();
    report["breach_status"] = "not_reported".into();
    let r = send(server, &report).await;
    assert_eq!(
        one(server, "SELECT kind FROM cases WHERE reference = $1", &r).await,
        "breach_report"
    );
    all_sent(server, &r).await;
    // Its own words: not "your complaint", no complaint deadlines.
    let letter = one(
        server,
        "SELECT l.subject || ' ' || l.body FROM letters l JOIN cases c ON c.id = l.case_id WHERE c.reference = $1",
        &r,
    )
    .await;
    assert!(letter.contains("Your Report of a Personal Data Breach"));
    assert!(letter.contains("This is not yet a complaint"));
    assert!(!letter.contains("We have logged your complaint"));
    let mut kim = signed_in(server, "kim").await;
    let register = kim.get("/staff/register").await.body;
    assert!(register.contains("Breach procedure"));
    let overdue = kim.get("/staff/register?due=overdue").await.body;
    assert!(!overdue.contains(&format!("/staff/cases/{r}")));
    // Not acknowledged or investigated as a complaint; handed to the breach procedure.
    let p = case_post(&mut kim, &r, "investigate", &[]).await;
    assert_eq!(p.status, 409);
    let p = case_post(
        &mut kim,
        &r,
        "end",
        &[("ending", "not_investigated"), ("reason", "x")],
    )
    .await;
    assert_eq!(p.status, 422);
    // Its acknowledgement went, but a breach report takes no complaint status (issue 22).
    assert_eq!(
        one(server, "SELECT status FROM cases WHERE reference = $1", &r).await,
        "received"
    );
    let p = case_post(&mut kim, &r, "end", &[("ending", "breach_procedure")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let subjects = common::db::text(
        &server.db_path,
        "SELECT l.subject FROM letters l JOIN cases c ON c.id = l.case_id \
         WHERE c.reference = $1 ORDER BY l.id DESC",
        &[&r],
    )
    .await
    .unwrap();
    assert!(
        subjects.starts_with("Your Report of a Personal Data Breach"),
        "{subjects}"
    );

    // After the breach outcome the person complains: a new, linked complaint from that day.
    let lodged = chrono::Utc::now().date_naive().to_string();
    let p = case_post(
        &mut kim,
        &r,
        "lodge",
        &[("lodged_on", &lodged), ("lodged_by", "email")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let new_page = p.location.unwrap();
    let complaint_ref = one(
        server,
        "SELECT lodged_as FROM cases WHERE reference = $1",
        &r,
    )
    .await;
    assert!(new_page.contains(&complaint_ref));
    assert_eq!(
        one(
            server,
            "SELECT kind FROM cases WHERE reference = $1",
            &complaint_ref
        )
        .await,
        "complaint"
    );
    assert_eq!(
        one(
            server,
            "SELECT lodged_from FROM cases WHERE reference = $1",
            &complaint_ref
        )
        .await,
        r
    );
    assert_eq!(
        one(
            server,
            "SELECT CAST(received_on AS TEXT) FROM cases WHERE reference = $1",
            &complaint_ref
        )
        .await,
        lodged
    );
    let page = kim.get(&new_page).await.body;
    assert!(page.contains("Lodged after the outcome of breach report"));
    // Sent again (a double click, a colleague at once): still one complaint.
    let p = case_post(
        &mut kim,
        &r,
        "lodge",
        &[("lodged_on", &lodged), ("lodged_by", "email")],
    )
    .await;
    assert_eq!(p.status, 422);
    assert_eq!(
        one(
            server,
            "SELECT CAST(COUNT(*) AS TEXT) FROM cases WHERE lodged_from = $1",
            &r
        )
        .await,
        "1"
    );
}

#[tokio::test]
async fn details_are_corrected_with_a_reason_and_the_history_keeps_what_changed() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let r = send(server, &complaint("Cora Correct")).await;
    // The acknowledgement goes out in the background and moves the case on: wait for it, or
    // the form below would rightly be refused as made on a case that has changed since.
    wait_for_status(&server.db_path, &r, "acknowledged").await;
    let mut kim = signed_in(server, "kim").await;
    let form = kim.get(&format!("/staff/cases/{r}/correct")).await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("value=\"sam@example.com\""),
        "the form starts from the details as they are"
    );
    let keep = [
        ("full_name", "Cora Correct"),
        ("address_line_1", "1 High Street"),
        ("address_town", "Nottingham"),
        ("address_postcode", "NG2 7QP"),
        ("phone", "07700 900982"),
        ("preferred_contact", "email"),
        ("adjustments", "Please use large print in letters."),
        ("publication_opt_out", "yes"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut f: Vec<(&str, &str)> = keep.to_vec();
        f.extend_from_slice(extra);
        f
    };
    // A bad address or no reason: refused, nothing changed, what was typed kept.
    let p = case_post(
        &mut kim,
        &r,
        "correct",
        &with(&[("email", "cora@"), ("consent_share", "yes")]),
    )
    .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Enter why the details are being corrected"));
    assert!(p.body.contains("value=\"cora@\""));
    assert!(one(
        server,
        "SELECT complaint FROM cases WHERE reference = $1",
        &r
    )
    .await
    .contains("sam@example.com"));

    let p = case_post(
        &mut kim,
        &r,
        "correct",
        &with(&[
            ("email", "cora.new@example.com"),
            ("consent_share", "no"),
            (
                "reason",
                "She phoned with a new email address and withdrew consent to share.",
            ),
        ]),
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let stored = one(
        server,
        "SELECT complaint FROM cases WHERE reference = $1",
        &r,
    )
    .await;
    assert!(stored.contains("cora.new@example.com") && !stored.contains("sam@example.com"));
    assert_eq!(
        one(
            server,
            "SELECT CASE WHEN consent_share THEN 'yes' ELSE 'no' END FROM cases WHERE reference = $1",
            &r
        )
        .await,
        "no"
    );
    // Handlers see which fields changed and why; only the DPO sees the old values.
    let page = kim.get(&format!("/staff/cases/{r}")).await.body;
    assert!(page.contains("Changed: Email, May share with the organisation complained about"));
    assert!(!page.contains("sam@example.com"));
    assert!(page.contains("Do not share: the complainant declined sharing"));
    let dpo = signed_in(server, "dee")
        .await
        .get(&format!("/staff/cases/{r}"))
        .await
        .body;
    assert!(dpo.contains("sam@example.com") && dpo.contains("cora.new@example.com"));
    // The history and the audit trail name fields, never values.
    let detail = one(
        server,
        "SELECT e.detail FROM case_events e JOIN cases c ON c.id = e.case_id \
         WHERE c.reference = $1 AND e.event = 'details corrected'",
        &r,
    )
    .await;
    assert_eq!(
        detail,
        "changed: Email, May share with the organisation complained about"
    );
    // A correction sent on the details as they were before is refused (someone else's won).
    let p = kim
        .post(
            &format!("/staff/cases/{r}/correct"),
            &[
                ("_csrf", &form.csrf()),
                ("_seen", "received.-.0.1"),
                ("full_name", "X"),
            ],
        )
        .await;
    assert!(p.status == 409 || p.status == 422, "{}", p.status);
}

#[tokio::test]
async fn triage_flags_are_worked_and_the_register_finds_what_is_outstanding() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    // For someone else (identity), short (clarification), also about the service (hand-over).
    let mut c = complaint("Fred Flags");
    c["on_behalf_of"] = "someone_else".into();
    c["other_person_name"] = "Pat Flags".into();
    c["other_person_relationship"] = "Son".into();
    c["other_person_agreed"] = true.into();
    c["description"] = "They lost my son's file.".into();
    c["also_about_service"] = true.into();
    let r = send(server, &c).await;
    // The acknowledgement moves the case on in the background: let it, so the forms below are
    // not refused as made on a case that changed meanwhile.
    wait_for_status(&server.db_path, &r, "acknowledged").await;
    let mut kim = signed_in(server, "kim").await;
    for o in ["identity", "clarification", "handover"] {
        let page = kim
            .get(&format!("/staff/register?outstanding={o}"))
            .await
            .body;
        assert!(
            page.contains(&format!("/staff/cases/{r}")),
            "{o} outstanding"
        );
    }
    let today = chrono::Utc::now().date_naive().to_string();
    // Identity needs how it was verified.
    let p = case_post(
        &mut kim,
        &r,
        "flags/identity",
        &[("on", &today), ("how", "")],
    )
    .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Enter how their identity was verified"));
    let p = case_post(
        &mut kim,
        &r,
        "flags/identity",
        &[("on", &today), ("how", "Signed authority from Pat")],
    )
    .await;
    assert_eq!(p.status, 303);
    let p = case_post(&mut kim, &r, "flags/clarification-asked", &[("on", &today)]).await;
    assert_eq!(p.status, 303);
    // Asked, not yet received: still outstanding.
    assert!(kim
        .get("/staff/register?outstanding=clarification")
        .await
        .body
        .contains(&format!("/staff/cases/{r}")));
    let p = case_post(
        &mut kim,
        &r,
        "flags/clarification-received",
        &[("on", &today)],
    )
    .await;
    assert_eq!(p.status, 303);
    let p = case_post(&mut kim, &r, "flags/handover", &[("on", &today)]).await;
    assert_eq!(p.status, 303);
    for o in ["identity", "clarification", "handover"] {
        let page = kim
            .get(&format!("/staff/register?outstanding={o}"))
            .await
            .body;
        assert!(!page.contains(&format!("/staff/cases/{r}")), "{o} done");
    }
    let page = kim.get(&format!("/staff/cases/{r}")).await.body;
    assert!(page.contains("Identity verified on") && page.contains("Signed authority from Pat"));
    assert!(page.contains("Clarification received on"));
    assert!(page.contains("Handed to corporate complaints on"));
    // Recorded once; a date in the future or an unknown flag is refused.
    let p = case_post(&mut kim, &r, "flags/handover", &[("on", &today)]).await;
    assert_eq!(p.status, 409);
    let p = case_post(&mut kim, &r, "flags/nonsense", &[("on", &today)]).await;
    assert_eq!(p.status, 404);
    let later = (chrono::Utc::now().date_naive() + chrono::Days::new(3)).to_string();
    let r2 = send(server, &c).await;
    let p = case_post(&mut kim, &r2, "flags/handover", &[("on", &later)]).await;
    assert_eq!(p.status, 422);
}

#[tokio::test]
async fn letters_of_a_complaint_through_an_mp_are_copied_to_the_mp() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut c = complaint("Connie Constituent");
    c["on_behalf_of"] = "mp".into();
    c["mp_name"] = "Ann Member MP".into();
    let by_email = send(server, &c).await;
    let by_post = send(server, &c).await;
    for r in [&by_email, &by_post] {
        wait_for_status(&server.db_path, r, "acknowledged").await;
    }
    let mut kim = signed_in(server, "kim").await;
    let page = kim.get(&format!("/staff/cases/{by_email}")).await.body;
    assert!(
        page.contains("Record the MP&#x27;s email or postal address")
            || page.contains("Record the MP's email or postal address")
    );
    // Neither an email nor an address: refused.
    let p = case_post(&mut kim, &by_email, "mp", &[("mp_name", "Ann Member MP")]).await;
    assert_eq!(p.status, 422);
    let p = case_post(
        &mut kim,
        &by_email,
        "mp",
        &[
            ("mp_name", "Ann Member MP"),
            ("mp_email", "ann.member.mp@parliament.uk"),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = case_post(
        &mut kim,
        &by_post,
        "mp",
        &[
            ("mp_name", "Ann Member MP"),
            (
                "mp_address",
                "Constituency Office\n1 Market Square\nNottingham NG1 2AA",
            ),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);

    // A progress update: the person's letter, and a copy to the MP by email.
    investigating(server, &mut kim, &by_email).await;
    let revised = (chrono::Utc::now().date_naive() + chrono::Days::new(60)).to_string();
    let p = case_post(
        &mut kim,
        &by_email,
        "update",
        &[
            ("progress", "Records requested."),
            ("revised_on", &revised),
            ("why", "Archived."),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    all_sent(server, &by_email).await;
    assert_eq!(
        one(
            server,
            "SELECT o.channel || ' ' || o.status FROM outbox o JOIN cases c ON c.id = o.case_id \
             WHERE c.reference = $1 AND o.audience = 'mp' AND o.kind = 'progress_update'",
            &by_email
        )
        .await,
        "email sent"
    );
    let page = kim.get(&format!("/staff/cases/{by_email}")).await.body;
    assert!(page.contains("Progress update letter (copy to the MP) by email: sent"));

    // Ended while the MP is reachable only by post: the copy is in the print queue,
    // addressed to the MP, and its posting does not count as the person's letter.
    investigating(server, &mut kim, &by_post).await;
    let p = case_post(&mut kim, &by_post, "end", &[("ending", "withdrawn")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let queue = kim.get("/staff/post").await.body;
    assert!(queue.contains("Ann Member MP (MP; copy of the letter to Connie Constituent)"));
    let print = kim.get("/staff/post/print").await.body;
    assert!(print
        .contains("Copy of our letter to Connie Constituent, who complained to us through you."));
    assert!(print.contains("Constituency Office"));
}

#[tokio::test]
async fn an_mp_complaint_keyed_in_with_the_mps_details_copies_the_acknowledgement() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut ian = signed_in(server, "ian").await;
    let token = ian.get("/staff/intake").await.csrf();
    let mut form = common::form_fields(&server::openapi::example_request());
    form.retain(|(k, _)| k != "on_behalf_of");
    form.extend([
        ("_csrf".to_string(), token),
        ("_key".to_string(), key()),
        ("channel".to_string(), "post".to_string()),
        (
            "received_on".to_string(),
            chrono::Utc::now().date_naive().to_string(),
        ),
        ("full_name".to_string(), "Mick Member".to_string()),
        ("on_behalf_of".to_string(), "mp".to_string()),
        ("mp_name".to_string(), "Ann Member MP".to_string()),
        ("mp_email".to_string(), "not-an-address".to_string()),
    ]);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // A wrong email address for the MP: said plainly, nothing stored, everything kept.
    let refused = ian.post("/staff/intake", &pairs).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("Enter the MP&#x27;s email address")
            || refused.body.contains("Enter the MP's email address")
    );
    assert!(refused.body.contains("value=\"not-an-address\""));
    let mut good = pairs.clone();
    good.retain(|(k, _)| *k != "mp_email");
    good.push(("mp_email", "ann.member.mp@parliament.uk"));
    let saved = ian.post("/staff/intake", &good).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let r = one(
        server,
        "SELECT reference FROM cases WHERE complainant_name = $1",
        "Mick Member",
    )
    .await;
    assert!(one(
        server,
        "SELECT mp_contact FROM cases WHERE reference = $1",
        &r
    )
    .await
    .contains("ann.member.mp@parliament.uk"));
    all_sent(server, &r).await;
    assert_eq!(
        one(server, "SELECT o.kind || ' ' || o.channel || ' ' || o.status FROM outbox o JOIN cases c ON c.id = o.case_id \
             WHERE c.reference = $1 AND o.audience = 'mp'", &r).await,
        "acknowledgement email sent"
    );
}

/// The reference of the case made for `name`.
async fn reference_of(db: &std::path::Path, name: &str) -> String {
    common::db::text(
        db,
        "SELECT reference FROM cases WHERE complainant_name = $1",
        &[name],
    )
    .await
    .expect("the case was made")
}

/// How many messages about the case go to the MP.
async fn copies_to_the_mp(db: &std::path::Path, reference: &str) -> i64 {
    common::db::number(
        db,
        "SELECT COUNT(*) FROM outbox o JOIN cases c ON c.id = o.case_id \
         WHERE c.reference = $1 AND o.audience = 'mp'",
        &[reference],
    )
    .await
}

/// Issue 10, the public form's MP route: the MP's details given on the form are kept and
/// letters are copied to the MP; when the MP writes, the constituent is recorded and shown.
#[tokio::test]
async fn the_public_form_keeps_the_mps_details_and_the_constituent() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let db = &server.db_path;
    let through_mp = server
        .post_form(
            &key(),
            "check",
            "Connie Constituent",
            &[
                ("on_behalf_of", "mp"),
                ("mp_name", "Ann Member MP"),
                ("mp_email", "ann.member.mp@parliament.uk"),
            ],
            &[],
        )
        .await;
    assert_eq!(through_mp.status(), 200);
    let reference = reference_of(db, "Connie Constituent").await;
    let contact = query_one(
        db,
        "SELECT mp_contact FROM cases WHERE reference = $1",
        &reference,
    )
    .await;
    assert!(contact.contains("ann.member.mp@parliament.uk"), "{contact}");
    // The acknowledgement's copy is queued for the MP, by email.
    let copies = copies_to_the_mp(db, &reference).await;
    assert_eq!(copies, 1);

    // The MP writing for a constituent.
    let by_mp = server
        .post_form(
            &key(),
            "check",
            "Office of Ann Member MP",
            &[
                ("on_behalf_of", "mp"),
                ("mp_name", "Ann Member MP"),
                ("mp_writing", "yes"),
                ("constituent_name", "Connie Second"),
                ("constituent_address", "2 Mill Lane\nNottingham"),
            ],
            &[],
        )
        .await;
    assert_eq!(by_mp.status(), 200);
    let reference = reference_of(db, "Office of Ann Member MP").await;
    let mut kim = signed_in(server, "kim").await;
    let page = kim.get(&format!("/staff/cases/{reference}")).await.body;
    assert!(
        page.contains("writing for their constituent Connie Second (2 Mill Lane, Nottingham)"),
        "{page}"
    );
    // Letters go to the MP's office as the complainant: no copy besides.
    let copies = copies_to_the_mp(db, &reference).await;
    assert_eq!(copies, 0);

    // Without the constituent's name the MP's form is sent back, nothing stored.
    let before = server.count("cases").await;
    let refused = server
        .post_form(
            &key(),
            "check",
            "Office of Ann Member MP",
            &[
                ("on_behalf_of", "mp"),
                ("mp_name", "Ann Member MP"),
                ("mp_writing", "yes"),
            ],
            &[],
        )
        .await;
    let body = refused.text().await.unwrap();
    assert!(body.contains("Enter the name of the constituent you are writing for"));
    assert_eq!(server.count("cases").await, before);
}

/// SPEC "Keeping people informed": staff are prompted for a progress update *before* the
/// date the complainant was given passes (default 14 days), on the case, the register and
/// the team's digest (issue 22: only after the target had passed).
#[tokio::test]
async fn an_update_is_prompted_before_the_target_on_the_case_the_register_and_the_digest() {
    let mut s = staffed_with(FAST_OUTBOX).await;
    // Received about eleven weeks ago: its three-month target is a week or two away.
    let received = chrono::Utc::now().date_naive() - chrono::Days::new(80);
    let mut ian = signed_in(&s.server, "ian").await;
    let token = ian.get("/staff/intake").await.csrf();
    let mut form = common::form_fields(&server::openapi::example_request());
    form.extend([
        ("_csrf".to_string(), token),
        ("_key".to_string(), key()),
        ("channel".to_string(), "email".to_string()),
        ("received_on".to_string(), received.to_string()),
        ("full_name".to_string(), "Tobias Timely".to_string()),
    ]);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(ian.post("/staff/intake", &pairs).await.status, 303);
    let r = one(
        &s.server,
        "SELECT reference FROM cases WHERE complainant_name = $1",
        "Tobias Timely",
    )
    .await;
    let mut kim = signed_in(&s.server, "kim").await;
    investigating(&s.server, &mut kim, &r).await;
    let due = one(
        &s.server,
        "SELECT CAST(outcome_due AS TEXT) FROM cases WHERE reference = $1",
        &r,
    )
    .await;
    let due = chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap();
    assert!(due > chrono::Utc::now().date_naive(), "not yet late");
    let page = kim.get(&format!("/staff/cases/{r}")).await.body;
    assert!(
        page.contains(&format!(
            "Update due: the complainant expects the outcome by {}",
            app::domain::calendar::long_date(due)
        )),
        "{page}"
    );
    let register = kim.get("/staff/register").await.body;
    let at = register.find(&format!("/staff/cases/{r}")).unwrap();
    let row = &register[at..at + register[at..].find("</tr>").unwrap()];
    assert!(row.contains("Update due"), "{row}");

    // A restricted case stays out of the digest (issue 28): only the DPO may see it.
    let hidden = send(&s.server, &complaint("Hattie Hidden")).await;
    let mut dee = signed_in(&s.server, "dee").await;
    let p = case_post(
        &mut dee,
        &hidden,
        "restrict",
        &[("restrict_reason", "Accuracy contested")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);

    // The digest, sent by a server with a team mailbox (the files transport writes it here).
    s.server.kill().await;
    let dir = s.server.db_path.parent().unwrap().to_path_buf();
    std::fs::write(
        dir.join("intake.toml"),
        "[outbox]\npoll_ms = 50\ndigest_at = \"00:00\"\n[team_mailboxes]\ncit = \"cit@example.gov.uk\"\n",
    )
    .unwrap();
    let server = TestServer::start_on(s.server.db_path.clone(), &dir).await;
    let mut digest = String::new();
    for _ in 0..200 {
        let found = std::fs::read_dir(dir.join("data/outbox"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .find(|m| m.contains("need attention"));
        if let Some(m) = found {
            digest = m;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let dashed = app::domain::reference::Reference::parse(&r)
        .unwrap()
        .to_string();
    let line = digest
        .lines()
        .find(|l| l.contains(&dashed))
        .unwrap_or_else(|| panic!("{r} in the digest: {digest}"));
    assert!(line.contains("progress update due"), "{line}");
    let hidden = app::domain::reference::Reference::parse(&hidden)
        .unwrap()
        .to_string();
    assert!(
        !digest.contains(&hidden),
        "a restricted case in the digest: {digest}"
    );
    assert!(
        !digest.contains("Tobias"),
        "no personal data in a staff email"
    );
    drop(server);
}

/// SPEC "Opt-outs" (seed 000): the survey list passes on only the name and telephone number of
/// complainants whose complaint closed in the period and who did not opt out.
#[tokio::test]
async fn the_survey_list_holds_only_names_and_numbers_of_those_who_did_not_opt_out() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let willing = send(server, &complaint("Wendy Willing")).await;
    let mut opted = complaint("Otto Optout");
    opted["survey_opt_out"] = true.into();
    let opted = send(server, &opted).await;
    let mut no_phone = complaint("Nell Nophone");
    no_phone.as_object_mut().unwrap().remove("phone");
    let no_phone = send(server, &no_phone).await;
    let open = send(server, &complaint("Oscar Open")).await;
    for r in [&willing, &opted, &no_phone] {
        decide_and_close(server, &mut kim, r, "Olive Officer").await;
    }
    let today = chrono::Utc::now().date_naive();
    let path = format!("/staff/survey.csv?from={today}&to={today}");
    // The DPO's alone.
    assert_eq!(kim.get(&path).await.status, 403);
    let mut dee = signed_in(server, "dee").await;
    let list = dee.get(&path).await;
    assert_eq!(list.status, 200);
    let mut reader = csv::Reader::from_reader(list.body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["Name", "Telephone"]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(
        rows,
        [vec![
            "Wendy Willing".to_string(),
            "07700 900982".to_string()
        ]]
    );
    for absent in [
        "Otto",
        "Nell",
        "Oscar",
        "sam@example.com",
        "High Street",
        open.as_str(),
    ] {
        assert!(!list.body.contains(absent), "{absent}");
    }
    // Another period has none of them; impossible dates are refused.
    let empty = dee
        .get("/staff/survey.csv?from=2020-01-01&to=2020-03-31")
        .await;
    assert_eq!(empty.body.lines().count(), 1);
    assert_eq!(
        dee.get("/staff/survey.csv?from=-9999-01-01&to=2020-03-31")
            .await
            .status,
        400
    );
    let audit = dee.get("/staff/audit").await.body;
    assert!(audit.contains("downloaded the survey list"));
}

/// SPEC "Opt-outs": publication only of anonymised summaries, never of a case whose
/// complainant opted out, whether they opted out at the start or later.
#[tokio::test]
async fn the_publication_list_holds_only_summaries_of_cases_not_opted_out() {
    use common::casework::decide;
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let willing_to = |name: &str| {
        let mut c = complaint(name);
        c["publication_opt_out"] = false.into();
        c
    };
    let willing = send(server, &willing_to("Wendy Willing")).await;
    let mut opted = complaint("Otto Optout");
    opted["publication_opt_out"] = true.into();
    let opted = send(server, &opted).await;
    let later = send(server, &willing_to("Lara Later")).await;
    for r in [&willing, &opted, &later] {
        decide(server, &mut kim, r, "Olive Officer").await;
    }
    let close = |summary: &'static str| {
        [
            ("resolution", "Answered with an apology."),
            ("publication", summary),
        ]
    };
    // Opted out: the form says so, and a summary is refused with the reason.
    let form = kim.get(&format!("/staff/cases/{opted}/close")).await.body;
    assert!(form.contains("opted out of publication"));
    assert!(!form.contains("name=\"publication\""));
    let p = case_post(&mut kim, &opted, "close", &close("A resident opted out.")).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("leave the summary for publication empty"));
    let p = case_post(&mut kim, &opted, "close", &close("")).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = case_post(
        &mut kim,
        &willing,
        "close",
        &close("A request for records was answered late. We apologised and changed our checks."),
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = kim.get(&format!("/staff/cases/{willing}")).await.body;
    assert!(page.contains("Summary for publication"));
    let p = case_post(&mut kim, &later, "close", &close("Later summary.")).await;
    assert_eq!(p.status, 303, "{}", p.body);
    // Lara opts out after closure: a correction, and she is left out too.
    let p = case_post(
        &mut kim,
        &later,
        "correct",
        &[
            ("full_name", "Lara Later"),
            ("address_line_1", "1 High Street"),
            ("address_town", "Nottingham"),
            ("address_postcode", "NG2 7QP"),
            ("email", "sam@example.com"),
            ("phone", "07700 900982"),
            ("preferred_contact", "email"),
            ("consent_share", "yes"),
            ("publication_opt_out", "yes"),
            ("reason", "She wrote to opt out of publication."),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);

    let today = chrono::Utc::now().date_naive();
    let path = format!("/staff/publication.csv?from={today}&to={today}");
    assert_eq!(kim.get(&path).await.status, 403, "the DPO's alone");
    let mut dee = signed_in(server, "dee").await;
    let list = dee.get(&path).await;
    assert_eq!(list.status, 200);
    let mut reader = csv::Reader::from_reader(list.body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["What it was about", "Decision", "Summary"]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][1], "Upheld");
    assert_eq!(
        rows[0][2],
        "A request for records was answered late. We apologised and changed our checks."
    );
    for absent in ["Wendy", "Otto", "Lara", "Later summary", willing.as_str()] {
        assert!(!list.body.contains(absent), "{absent}");
    }
    let audit = dee.get("/staff/audit").await.body;
    assert!(audit.contains("downloaded the publication list"));
    // The register's downloads carry both choices.
    let register = dee.get("/staff/register.csv").await.body;
    assert!(
        register.to_lowercase().contains("publication"),
        "{register}"
    );
}

/// SPEC "The investigation" (seed 004 §30, §33, §36): a plan with its milestones, an interim
/// measure and the findings, recorded by the case's handler while it is worked; the outcome
/// form starts from the findings and the letter carries them; the history names what was
/// recorded, never its words.
#[tokio::test]
async fn a_case_is_worked_through_its_plan_interim_measure_and_findings_into_the_outcome_letter() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let r = send(server, &complaint("Ivy Investigated")).await;
    wait_for_status(&server.db_path, &r, "acknowledged").await;
    let milestone = (chrono::Utc::now().date_naive() + chrono::Days::new(14)).to_string();
    let plan = [
        ("scope", "How the request of 3 March was handled."),
        ("evidence", "The request log and the team's emails."),
        ("stakeholders", "Records team; Customer Services."),
        ("milestone_1_what", "Evidence gathered"),
        ("milestone_1_by", milestone.as_str()),
    ];
    // Nobody is handling it yet: refused, nothing recorded.
    let p = case_post(&mut kim, &r, "plan", &plan).await;
    assert_eq!(p.status, 409, "{}", p.body);
    assert!(p.body.contains("Assign a handler to this case first"));
    let p = case_post(
        &mut kim,
        &r,
        "assign",
        &[("handler", "kim"), ("independent", "yes")],
    )
    .await;
    assert_eq!(p.status, 303);
    // Missing parts are named; what was typed stays.
    let p = case_post(&mut kim, &r, "plan", &plan[..1]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Enter where the evidence will come from"));
    assert!(p
        .body
        .contains("Enter at least one milestone with its date"));
    assert!(p.body.contains("How the request of 3 March was handled."));
    let p = case_post(&mut kim, &r, "plan", &plan).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let today = chrono::Utc::now().date_naive();
    let tomorrow = (today + chrono::Days::new(1)).to_string();
    let p = case_post(
        &mut kim,
        &r,
        "measures",
        &[
            ("measure", "Online account locked."),
            ("taken_on", &tomorrow),
        ],
    )
    .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("must be today or in the past"));
    let p = case_post(
        &mut kim,
        &r,
        "measures",
        &[
            ("measure", "Online account locked."),
            ("taken_on", &today.to_string()),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let facts = "The request was logged on 3 March and not answered.";
    let p = case_post(
        &mut kim,
        &r,
        "findings",
        &[
            ("facts", facts),
            ("law", "UK GDPR article 15 and article 12(3)."),
            ("risks", "None lasting."),
            ("breaches", "Article 12(3): the month was missed."),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = kim.get(&format!("/staff/cases/{r}")).await.body;
    for shown in [
        "Records team; Customer Services.",
        "Evidence gathered",
        "Online account locked.",
        facts,
        "Change the findings",
    ] {
        assert!(page.contains(shown), "{shown}");
    }
    // The outcome form starts from the findings; the letter carries them.
    assert_eq!(
        case_post(&mut kim, &r, "investigate", &[]).await.status,
        303
    );
    let form = kim.get(&format!("/staff/cases/{r}/outcome")).await.body;
    assert!(
        form.contains(facts),
        "the outcome form starts from the findings"
    );
    let findings = common::casework::hidden_textarea(&form, "findings");
    assert!(findings.contains("Article 12(3): the month was missed."));
    let p = case_post(
        &mut kim,
        &r,
        "outcome",
        &[
            ("category", "upheld"),
            ("summary", "We did not answer your request in time."),
            ("investigation", "We read the log and spoke to the team."),
            ("findings", &findings),
            ("action_1_description", "Send the records"),
            ("action_1_owner", "Records Manager"),
            ("action_1_due_on", &milestone),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let letter = one(
        server,
        "SELECT l.body FROM letters l JOIN cases c ON c.id = l.case_id \
         WHERE c.reference = $1 AND l.kind = 'outcome'",
        &r,
    )
    .await;
    assert!(letter.contains(facts), "{letter}");
    // Once decided, the record is closed to changes.
    wait_for_status(&server.db_path, &r, "outcome_sent").await;
    let p = case_post(&mut kim, &r, "plan", &plan).await;
    assert_eq!(p.status, 409);
    // The history and audit trail name what was recorded, not its words.
    for event in [
        "investigation plan recorded",
        "interim measure recorded",
        "findings recorded",
    ] {
        let detail = one(
            server,
            &format!(
                "SELECT coalesce(a.detail, '') FROM audit_events a WHERE a.reference = $1 \
                 AND a.action = '{event}'"
            ),
            &r,
        )
        .await;
        assert_eq!(detail, "");
        assert!(
            kim.get(&format!("/staff/cases/{r}"))
                .await
                .body
                .contains(event),
            "{event}"
        );
    }
}

/// SPEC "Categories and triage": staff reclassify a case either way with a reason until it is
/// decided; a complaint's deadlines run from receipt; the reason stays with the case, never in
/// the history or the audit trail.
#[tokio::test]
async fn staff_reclassify_either_way_with_a_reason_that_stays_out_of_the_history() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let mut breach = complaint("Bea Breach");
    breach["category"] = "personal_data_breach".into();
    breach["breach_status"] = "not_reported".into();
    let res = server.post(&key(), &breach).await;
    assert_eq!(res.body["kind"], "breach_report");
    let r = res.body["reference"].as_str().unwrap().replace('-', "");
    let mut kim = signed_in(server, "kim").await;
    // No reason: refused, nothing changed.
    let p = case_post(&mut kim, &r, "reclassify", &[("reclassify_reason", " ")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Enter why the case is being reclassified"));
    let reason = "She is complaining that we took three weeks to tell her, not reporting it.";
    let p = case_post(&mut kim, &r, "reclassify", &[("reclassify_reason", reason)]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let row = |sql: &'static str| one(server, sql, &r);
    assert_eq!(
        row("SELECT kind FROM cases WHERE reference = $1").await,
        "complaint"
    );
    assert_eq!(
        row("SELECT status FROM cases WHERE reference = $1").await,
        "received"
    );
    let expected = app::domain::calendar::Deadlines::from_receipt(
        app::domain::calendar::london_date(chrono::Utc::now()),
        &app::domain::calendar::WorkingCalendar::default(),
    );
    assert_eq!(
        row("SELECT CAST(acknowledge_by AS TEXT) FROM cases WHERE reference = $1").await,
        expected.acknowledge_by.to_string()
    );
    let page = kim.get(&format!("/staff/cases/{r}")).await.body;
    assert!(page.contains(reason), "the reason is on the case");
    assert!(
        page.contains("Record acknowledgement"),
        "a complaint's acknowledgement is due"
    );
    let audit =
        row("SELECT detail FROM audit_events WHERE reference = $1 AND action = 'reclassified'")
            .await;
    assert_eq!(audit, "breach report to complaint");
    let history = row(
        "SELECT e.detail FROM case_events e JOIN cases c ON c.id = e.case_id \
         WHERE c.reference = $1 AND e.event = 'reclassified'",
    )
    .await;
    assert!(!history.contains("three weeks"), "{history}");
    // And back, while undecided.
    let p = case_post(
        &mut kim,
        &r,
        "reclassify",
        &[(
            "reclassify_reason",
            "She says the letter reached her neighbour.",
        )],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        row("SELECT kind FROM cases WHERE reference = $1").await,
        "breach_report"
    );
    // A decided case cannot be.
    let other = send(server, &complaint("Dora Decided")).await;
    decide_and_close(server, &mut kim, &other, "Olive Officer").await;
    let p = case_post(
        &mut kim,
        &other,
        "reclassify",
        &[("reclassify_reason", "Too late.")],
    )
    .await;
    assert_eq!(p.status, 409);
    assert_eq!(
        one(
            server,
            "SELECT kind FROM cases WHERE reference = $1",
            &other
        )
        .await,
        "complaint"
    );
}
