//! The reports page against the real server (issue 13, first part): the ICO number, breach
//! reports apart, the trend charts beside their tables, and bad dates refused plainly.

mod common;

use common::browser::{signed_in, staffed};
use common::{complaint, key};

#[tokio::test]
async fn the_report_counts_complaints_for_the_ico_and_shows_breach_reports_apart() {
    let s = staffed().await;
    let server = &s.server;
    for name in ["Rae One", "Rae Two"] {
        assert_eq!(server.post(&key(), &complaint(name)).await.status, 201);
    }
    let mut breach = complaint("Rae Breach");
    breach["category"] = "personal_data_breach".into();
    breach["breach_status"] = "not_reported".into();
    assert_eq!(server.post(&key(), &breach).await.status, 201);

    let today = app::domain::calendar::london_date(chrono::Utc::now()).to_string();
    let mut kim = signed_in(server, "kim").await;
    let page = kim
        .get(&format!("/staff/reports?from={today}&to={today}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!(
            "Data protection complaints received from {today} to {today}: 2"
        )),
        "the ICO line"
    );
    assert!(page.body.contains("Breach reports (not complaints)"));
    // Both charts, each with its text description, beside the trend table.
    assert_eq!(page.body.matches("<svg").count(), 2);
    assert!(page
        .body
        .contains("<title id=\"volume-title\">Complaints received by quarter</title>"));
    assert!(page
        .body
        .contains("This period and the four quarters before it"));
    // By default, the last complete quarter.
    let default = kim.get("/staff/reports").await;
    assert_eq!(default.status, 200);
    let q = app::domain::reporting::Period::last_complete_quarter(
        app::domain::calendar::london_date(chrono::Utc::now()),
    );
    assert!(default
        .body
        .contains(&format!("Complaints report: {}", q.label())));
    // Dates the wrong way round: said plainly.
    let bad = kim
        .get("/staff/reports?from=2026-12-31&to=2026-10-01")
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad
        .body
        .contains("The end date must be on or after the start date"));
}

#[tokio::test]
async fn downloads_hold_the_pages_figures_and_neutralise_formulas() {
    let s = staffed().await;
    let server = &s.server;
    let mut evil = complaint("=HYPERLINK(\"http://evil.example\",\"Click\")");
    evil["full_name"] = "=HYPERLINK(\"http://evil.example\",\"Click\")".into();
    assert_eq!(server.post(&key(), &evil).await.status, 201);
    assert_eq!(
        server.post(&key(), &complaint("Plain Person")).await.status,
        201
    );
    let mut breach = complaint("Bree Breach");
    breach["category"] = "personal_data_breach".into();
    breach["breach_status"] = "not_reported".into();
    assert_eq!(server.post(&key(), &breach).await.status, 201);
    let today = app::domain::calendar::london_date(chrono::Utc::now()).to_string();
    let mut kim = signed_in(server, "kim").await;

    // The report: CSV and ODS read back with the page's figures.
    let q = format!("from={today}&to={today}");
    let csv_text = kim.get(&format!("/staff/reports.csv?{q}")).await.body;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let value = |rows: &[Vec<String>], k: &str| {
        rows.iter()
            .find(|r| r.first().map(String::as_str) == Some(k))
            .and_then(|r| r.get(1).cloned())
            .unwrap_or_else(|| panic!("{k} in {rows:?}"))
    };
    assert_eq!(value(&rows, "Complaints received"), "2");
    assert_eq!(value(&rows, "Breach reports (not complaints)"), "1");
    let page = kim.get(&format!("/staff/reports?{q}")).await.body;
    assert!(page.contains(&value(&rows, "For the ICO")));
    let ods = reqwest::Client::new()
        .get(format!("{}/staff/reports.ods?{q}", server.base))
        .header("cookie", kim.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(
        ods.headers()["content-type"],
        "application/vnd.oasis.opendocument.spreadsheet"
    );
    let book = spreadsheet_ods::read_ods_buf(&ods.bytes().await.unwrap()).unwrap();
    let sheet = book.sheet(0);
    let mut found = None;
    for r in 0..40 {
        if sheet.value(r, 0).as_str_or_default() == "Complaints received" {
            found = Some(sheet.value(r, 1).as_f64_or_default());
        }
    }
    assert_eq!(found, Some(2.0));

    // The register: its filters, and a formula-looking name made plain.
    let register = kim.get("/staff/register.csv?kind=complaint").await;
    assert_eq!(register.status, 200);
    assert!(register.body.contains("'=HYPERLINK("), "{}", register.body);
    assert!(!register.body.contains(",=HYPERLINK(") && !register.body.contains("\n=HYPERLINK("));
    assert!(register.body.contains("Plain Person"));
    // The complainant's choices travel with the register (the example opts out of publication).
    let line = register
        .body
        .lines()
        .find(|l| l.contains("Plain Person"))
        .unwrap();
    assert!(register
        .body
        .lines()
        .next()
        .unwrap()
        .contains("\"Satisfaction survey\",\"Publication\""));
    assert!(line.ends_with("\"May be invited\",\"Opted out\""), "{line}");
    assert!(
        !register.body.contains("Bree Breach"),
        "filtered to complaints"
    );
    let breaches = kim.get("/staff/register.csv?kind=breach_report").await.body;
    assert!(breaches.contains("Bree Breach") && !breaches.contains("Plain Person"));
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(2)).to_string();
    let none = kim
        .get(&format!("/staff/register.csv?received_from={tomorrow}"))
        .await
        .body;
    assert_eq!(none.lines().count(), 1, "only the header: {none}");
    // The page offers the same filters.
    let page = kim.get("/staff/register?kind=breach_report").await.body;
    assert!(page.contains("register.csv?") && page.contains("kind=breach_report"));
    // Downloads are audited.
    let audit = signed_in(server, "dee")
        .await
        .get("/staff/audit")
        .await
        .body;
    assert!(audit.contains("downloaded the register"));
}

/// SPEC "Intake" (issue 22): a complaint about data sharing or security is a complaint with
/// its deadlines and is counted for the ICO, whatever it says of a breach; breach reports of
/// those categories made under the earlier rule are turned into complaints by a migration,
/// recorded in their history and in the audit trail.
#[tokio::test]
async fn complaints_about_sharing_and_security_are_counted_and_timed_and_old_ones_reclassified() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = common::TestServer::start(dir.path()).await;
    for category in ["data_sharing", "security"] {
        let mut c = complaint("Shari Sharing");
        c["category"] = category.into();
        c["breach_status"] = "not_reported".into();
        let r = server.post(&key(), &c).await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["kind"], "complaint", "{category}");
        assert!(r.body["acknowledge_by"].is_string() && r.body["outcome_due"].is_string());
    }
    // A breach report as the earlier rule made them: a breach report in data_sharing.
    let mut old = complaint("Olga Oldrule");
    old["category"] = "personal_data_breach".into();
    old["breach_status"] = "not_reported".into();
    let r = server.post(&key(), &old).await;
    assert_eq!(r.body["kind"], "breach_report");
    let reference = r.body["reference"].as_str().unwrap().replace('-', "");
    let db = server.db_path.clone();
    common::db::execute(
        &db,
        "UPDATE cases SET category = 'data_sharing', status = 'acknowledged' WHERE reference = $1",
        &[&reference],
    )
    .await;
    // The migration runs again when the server next starts.
    common::db::execute(
        &db,
        "DELETE FROM _sqlx_migrations WHERE version = 20261203000002",
        &[],
    )
    .await;
    server.kill().await;
    let server = common::TestServer::start_on(db.clone(), dir.path()).await;
    let text = |sql: &'static str| {
        let (db, reference) = (db.clone(), reference.clone());
        async move { common::db::text(&db, sql, &[&reference]).await.unwrap() }
    };
    assert_eq!(
        text("SELECT kind FROM cases WHERE reference = $1").await,
        "complaint"
    );
    assert_eq!(
        text("SELECT status FROM cases WHERE reference = $1").await,
        "received"
    );
    assert_eq!(
        text("SELECT e.event FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.reference = $1 ORDER BY e.id DESC").await,
        "reclassified"
    );
    assert_eq!(
        text("SELECT action FROM audit_events WHERE reference = $1").await,
        "reclassified"
    );
    // All three are complaints received today, in the ICO's count.
    let dee =
        common::browser::add_user(&db, "dee", "dpo", "Dee Officer", common::browser::PASSWORD);
    assert!(dee.status.success());
    let mut dee = common::browser::signed_in(&server, "dee").await;
    // One of them turns out not to be about data protection: left out of the ICO's number,
    // and the page says so.
    let not_dp = common::db::text(
        &db,
        "SELECT reference FROM cases WHERE category = $1 ORDER BY received_at",
        &["security"],
    )
    .await
    .unwrap();
    let p = common::casework::case_post(
        &mut dee,
        &not_dp,
        "assign",
        &[("handler", "dee"), ("independent", "yes")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = common::casework::case_post(
        &mut dee,
        &not_dp,
        "end",
        &[
            ("ending", "not_data_protection"),
            ("referred_to", "Housing Services"),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let today = chrono::Utc::now().date_naive();
    let page = dee
        .get(&format!("/staff/reports?from={today}&to={today}"))
        .await
        .body;
    assert!(page.contains("Breach reports (not complaints)"));
    assert!(
        page.contains(&format!(
            "Data protection complaints received from {today} to {today}: 2"
        )),
        "{page}"
    );
    assert!(
        page.contains("Left out of this number (3 received in the period)"),
        "{page}"
    );
    assert!(
        page.contains("Not a data protection complaint: 1"),
        "{page}"
    );
    let csv = dee
        .get(&format!("/staff/reports.csv?from={today}&to={today}"))
        .await
        .body;
    let breach_line = csv
        .lines()
        .find(|l| l.contains("Breach reports (not complaints)"))
        .unwrap();
    assert!(breach_line.ends_with("\"0\""), "{breach_line}");
}

/// Moves every date of every case and action `days` into the past, as if the work had been
/// done then (each store keeps dates its own way).
async fn backdate_everything(db: &std::path::Path, days: u32) {
    let statements: Vec<String> = if common::db::on_postgres() {
        let d = format!("interval '{days} days'");
        vec![
            format!(
                "UPDATE cases SET received_on = received_on - {days}, acknowledge_by = \
                 acknowledge_by - {days}, outcome_due = outcome_due - {days}, received_at = \
                 received_at - {d}, acknowledged_at = acknowledged_at - {d}, outcome_sent_at = \
                 outcome_sent_at - {d}, closed_at = closed_at - {d}, assigned_at = assigned_at - {d}"
            ),
            format!(
                "UPDATE case_actions SET created_at = created_at - {d}, due_on = due_on - {days}"
            ),
        ]
    } else {
        let day = |c: &str| format!("{c} = date({c}, '-{days} days')");
        let at = |c: &str| format!("{c} = strftime('%Y-%m-%dT%H:%M:%fZ', {c}, '-{days} days')");
        vec![
            format!(
                "UPDATE cases SET {}, {}, {}, {}, {}, {}, {}, {}",
                day("received_on"),
                day("acknowledge_by"),
                day("outcome_due"),
                at("received_at"),
                at("acknowledged_at"),
                at("outcome_sent_at"),
                at("closed_at"),
                at("assigned_at")
            ),
            format!(
                "UPDATE case_actions SET {}, {}",
                at("created_at"),
                day("due_on")
            ),
        ]
    };
    for sql in statements {
        common::db::execute(db, &sql, &[]).await;
    }
}

/// SPEC "Reporting": a report for a past period never changes. Cases received and decided in a
/// past quarter are reopened and decided again, ended and corrected now: that quarter's report
/// (page and download) is the same, and the reviews are counted in the quarter they end.
#[tokio::test]
async fn a_past_quarter_stays_the_same_after_cases_are_reopened_ended_and_corrected() {
    use common::casework::{case_post, decide_and_close, wait_for_status};
    let s = common::browser::staffed_with("[outbox]\npoll_ms = 50\n").await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let mut refs = vec![];
    for name in ["Ada Upheld", "Ben Upheld", "Cy Open"] {
        let r = server.post(&key(), &complaint(name)).await;
        assert_eq!(r.status, 201, "{}", r.body);
        refs.push(r.body["reference"].as_str().unwrap().replace('-', ""));
    }
    let (a, b, c) = (&refs[0], &refs[1], &refs[2]);
    decide_and_close(server, &mut kim, a, "Olive Officer").await;
    decide_and_close(server, &mut kim, b, "Olive Officer").await;
    wait_for_status(&server.db_path, c, "acknowledged").await;
    // All of that happened 100 days ago.
    backdate_everything(&server.db_path, 100).await;
    let today = app::domain::calendar::london_date(chrono::Utc::now());
    let q = app::domain::reporting::Period::quarter_of(today - chrono::Days::new(100));
    let query = format!("from={}&to={}", q.from, q.to);
    let page_before = kim.get(&format!("/staff/reports?{query}")).await;
    assert_eq!(page_before.status, 200);
    let csv_before = kim.get(&format!("/staff/reports.csv?{query}")).await.body;
    assert!(
        page_before.body.contains(&format!(
            "Data protection complaints received from {} to {}: 3",
            q.from, q.to
        )),
        "{}",
        page_before.body
    );
    assert!(csv_before.contains("Ended: Upheld"), "{csv_before}");

    // Now: A is reviewed and ends as not a data protection complaint after all; B is reviewed
    // and not upheld; C (open at the end of that quarter) is corrected and withdrawn.
    for r in [a, b] {
        let p = case_post(
            &mut kim,
            r,
            "reopen",
            &[("review_reason", "The complainant asked for a review.")],
        )
        .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let p = case_post(&mut kim, r, "confirm", &[("confirm_independent", "yes")]).await;
        assert_eq!(p.status, 303, "{}", p.body);
    }
    let p = case_post(
        &mut kim,
        a,
        "end",
        &[
            ("ending", "not_data_protection"),
            ("referred_to", "Housing Services"),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = case_post(
        &mut kim,
        b,
        "outcome",
        &[
            ("category", "not_upheld"),
            ("summary", "Reviewed."),
            ("investigation", "Looked again."),
            ("findings", "Nothing was missed."),
            ("no_action_reason", "Nothing more to do."),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    wait_for_status(&server.db_path, b, "outcome_sent").await;
    let p = case_post(&mut kim, b, "close", &[("resolution", "Reviewed.")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let mut correction = vec![
        ("full_name", "Cy Corrected"),
        ("address_line_1", "1 High Street"),
        ("address_town", "Nottingham"),
        ("address_postcode", "NG2 7QP"),
        ("email", "cy@example.com"),
        ("preferred_contact", "email"),
        ("reason", "He wrote with his full name."),
    ];
    // Refused for a missing answer: the reason typed is shown back, not lost.
    let p = case_post(&mut kim, c, "correct", &correction).await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains(">He wrote with his full name.</textarea>"));
    correction.push(("consent_share", "yes"));
    let p = case_post(&mut kim, c, "correct", &correction).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = case_post(
        &mut kim,
        c,
        "assign",
        &[("handler", "kim"), ("independent", "yes")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = case_post(&mut kim, c, "end", &[("ending", "withdrawn")]).await;
    assert_eq!(p.status, 303, "{}", p.body);

    // The past quarter: the same figures, on the page and in the download.
    let csv_after = kim.get(&format!("/staff/reports.csv?{query}")).await.body;
    assert_eq!(csv_after, csv_before);
    let page_after = kim.get(&format!("/staff/reports?{query}")).await.body;
    let main = |body: &str| {
        let start = body.find("<main").expect("a main element");
        let end = body.find("</main>").expect("main ends");
        body[start..end].to_string()
    };
    assert_eq!(main(&page_after), main(&page_before.body));
    // This quarter: the two reviews, counted apart when they ended.
    let now = app::domain::reporting::Period::quarter_of(today);
    let csv_now = kim
        .get(&format!(
            "/staff/reports.csv?from={}&to={}",
            now.from, now.to
        ))
        .await
        .body;
    assert!(csv_now.contains("\"Reviews ended\",\"2\""), "{csv_now}");
    assert!(
        csv_now.contains("\"Review ended: Not upheld\",\"1\""),
        "{csv_now}"
    );
    assert!(
        csv_now.contains("\"Review ended: Not a data protection complaint\",\"1\""),
        "{csv_now}"
    );
}

/// SPEC "Reporting" (seed 004 §47): the DPO's recommendations, each with an owner and a date
/// for completion, held by the report (page and download) and followed up on the actions page
/// until done; the DPO's alone to add and close, audited.
#[tokio::test]
async fn the_dpos_recommendations_have_an_owner_and_a_date_and_are_followed_up_until_done() {
    let s = common::browser::staffed().await;
    let server = &s.server;
    let q = app::domain::reporting::Period::last_complete_quarter(
        app::domain::calendar::london_date(chrono::Utc::now()),
    );
    let query = format!("from={}&to={}", q.from, q.to);
    let add = format!("/staff/reports/recommendations?{query}");
    let mut kim = signed_in(server, "kim").await;
    assert_eq!(kim.get(&add).await.status, 403, "the DPO's alone");
    let mut dee = signed_in(server, "dee").await;
    let form = dee.get(&add).await;
    assert_eq!(form.status, 200);
    let token = form.csrf();
    let today = chrono::Utc::now().date_naive();
    let due = (today + chrono::Days::new(90)).to_string();
    let text = "Train the records team on subject access deadlines.";
    // No owner: refused with the reason, what was typed kept, nothing added.
    let p = dee
        .post(
            &add,
            &[
                ("_csrf", &token),
                ("recommendation", text),
                ("due_on", &due),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Enter who owns the recommendation"));
    assert!(p.body.contains(text));
    let p = dee
        .post(
            &add,
            &[
                ("_csrf", &token),
                ("recommendation", text),
                ("owner", "Head of Information Governance"),
                ("due_on", &due),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    // Due yesterday: to show as overdue on the actions page (typed as due today, then
    // moved, as the clock would).
    let p = dee
        .post(
            &add,
            &[
                ("_csrf", &token),
                (
                    "recommendation",
                    "Publish the complaints procedure in Welsh.",
                ),
                ("owner", "Communications"),
                ("due_on", &today.to_string()),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let yesterday = (today - chrono::Days::new(1)).to_string();
    common::db::execute(
        &server.db_path,
        if common::db::on_postgres() {
            "UPDATE recommendations SET due_on = CAST($1 AS date) WHERE owner = 'Communications'"
        } else {
            "UPDATE recommendations SET due_on = $1 WHERE owner = 'Communications'"
        },
        &[&yesterday],
    )
    .await;
    // On the report, for everyone; in its download.
    let report = kim.get(&format!("/staff/reports?{query}")).await.body;
    assert!(report.contains(text));
    assert!(report.contains("Head of Information Governance"));
    assert!(
        !report.contains("Add a recommendation"),
        "not for a handler"
    );
    let csv = kim.get(&format!("/staff/reports.csv?{query}")).await.body;
    assert!(csv.contains(text) && csv.contains(&due), "{csv}");
    // Another period's report does not hold them.
    let earlier = q.previous_quarter();
    let other = kim
        .get(&format!(
            "/staff/reports?from={}&to={}",
            earlier.from, earlier.to
        ))
        .await
        .body;
    assert!(!other.contains(text));
    // Followed up on the actions page: the overdue one first.
    let actions = kim.get("/staff/actions").await.body;
    let (welsh, training) = (
        actions
            .find("Publish the complaints procedure in Welsh.")
            .unwrap(),
        actions.find(text).unwrap(),
    );
    assert!(welsh < training, "earliest due first");
    assert!(actions.contains("Overdue"));
    assert!(
        !actions.contains("/staff/recommendations/"),
        "only the DPO marks done"
    );
    let open = dee.get("/staff/actions?show=overdue").await.body;
    assert!(open.contains("Publish the complaints procedure in Welsh.") && !open.contains(text));
    // Marked done by the DPO.
    let id = common::db::text(
        &server.db_path,
        "SELECT CAST(id AS TEXT) FROM recommendations WHERE owner = $1",
        &["Communications"],
    )
    .await
    .unwrap();
    let path = format!("/staff/recommendations/{id}/done");
    let form = dee.get(&path).await;
    assert_eq!(form.status, 200);
    let tomorrow = (today + chrono::Days::new(1)).to_string();
    let p = dee
        .post(&path, &[("_csrf", &form.csrf()), ("done_on", &tomorrow)])
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("must be today or in the past"));
    let p = dee
        .post(
            &path,
            &[
                ("_csrf", &form.csrf()),
                ("done_on", &today.to_string()),
                ("note", "Published on the website."),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let done = dee.get("/staff/actions?show=done").await.body;
    assert!(done.contains("Published on the website."));
    assert_eq!(dee.get(&path).await.status, 404, "done already");
    let audit = dee.get("/staff/audit").await.body;
    assert!(audit.contains("added a recommendation") && audit.contains("recommendation done"));
}

/// SPEC "Categories and triage": where a breach is possible (sharing, security) the person is
/// asked whether one happened; only "yes", without the breach outcome, makes a breach report,
/// with no complaint deadlines; everything else is a complaint with them.
#[tokio::test]
async fn where_a_breach_is_possible_only_a_breach_that_happened_makes_a_breach_report() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::TestServer::start(dir.path()).await;
    // SPEC "Categories and triage": where a breach is possible the person is asked whether one
    // happened; only "yes", without the breach outcome, makes a breach report, with no
    // complaint deadlines.
    for (happened, kind) in [(false, "complaint"), (true, "breach_report")] {
        let mut c = complaint("Hal Happened");
        c["category"] = "security".into();
        c["breach_happened"] = happened.into();
        c["breach_status"] = "not_reported".into();
        let r = server.post(&key(), &c).await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["kind"], kind, "breach happened: {happened}");
        assert_eq!(r.body["acknowledge_by"].is_string(), !happened);
    }
    // A breach that happened, without saying whether the outcome came: not had it yet.
    let mut c = complaint("Hal Happened");
    c["category"] = "data_sharing".into();
    c["breach_happened"] = true.into();
    let r = server.post(&key(), &c).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["kind"], "breach_report");
    // The breach category itself must say.
    c["category"] = "personal_data_breach".into();
    let r = server.post(&key(), &c).await;
    assert_eq!(r.status, 422, "{}", r.body);
}
