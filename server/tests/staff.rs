//! The staff pages against the real server: every route's access, sign-in and lock-out,
//! CSRF, and telephone complaints received on an earlier day.

mod common;

use app::domain::calendar::{london_date, Deadlines, WorkingCalendar};
use app::domain::casework::Role;
use common::browser::{a_case, add_user, signed_in, staffed, Browser, Page, PASSWORD};
use common::count_rows;
use server::staff::{routes, Access};
use std::path::Path;

fn concrete(path: &str, reference: &str) -> String {
    path.replace("{reference}", reference)
        .replace("{id}", "1")
        .replace("{username}", "kim")
}

/// Everything that records casework, for checking that a refused request changed nothing.
async fn casework_rows(db: &Path) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "cases",
        "case_events",
        "case_notes",
        "case_actions",
        "letters",
        "staff_users",
    ] {
        counts.push(count_rows(db, table).await);
    }
    counts
}

#[tokio::test]
async fn every_staff_route_refuses_anonymous_callers_and_wrong_roles() {
    let s = staffed().await;
    let reference = a_case(&s.server).await;
    let before = casework_rows(&s.server.db_path).await;
    let table = routes();
    assert!(
        table.len() >= 20,
        "the table is the router: {} routes",
        table.len()
    );

    // Anonymous: pages send to sign-in; actions are refused (no token, then no session).
    let mut anonymous = Browser::new(&s.server);
    let token = anonymous.get("/staff/sign-in").await.csrf();
    for route in table.iter().filter(|r| r.access != Access::Anyone) {
        let path = concrete(route.path, &reference);
        if route.method == reqwest::Method::GET {
            let page = anonymous.get(&path).await;
            assert_eq!(page.status, 303, "GET {path}");
            let to = page.location.unwrap();
            assert!(
                to.starts_with("/staff/sign-in?next="),
                "GET {path} went to {to}"
            );
            assert!(!page.body.contains("Sam Example"));
        } else {
            let page = anonymous
                .post(&path, &[("note", "x"), ("handler", "kim")])
                .await;
            assert_eq!(page.status, 403, "POST {path} without a token");
            let page = anonymous
                .post(
                    &path,
                    &[
                        ("_csrf", &token),
                        ("note", "x"),
                        ("handler", "kim"),
                        ("independent", "yes"),
                    ],
                )
                .await;
            assert_eq!(page.status, 401, "POST {path} signed out");
        }
    }

    // Signed in, but without the role the route needs.
    for (username, role) in [("ian", Role::Intake), ("kim", Role::Handler)] {
        let mut b = signed_in(&s.server, username).await;
        let token = b.get("/staff").await.csrf();
        for route in &table {
            let Access::Staff(needed) = route.access else {
                continue;
            };
            if role.allows(needed) {
                continue;
            }
            let path = concrete(route.path, &reference);
            let page = if route.method == reqwest::Method::GET {
                b.get(&path).await
            } else {
                b.post(
                    &path,
                    &[
                        ("_csrf", &token),
                        ("note", "x"),
                        ("handler", "kim"),
                        ("independent", "yes"),
                    ],
                )
                .await
            };
            assert_eq!(page.status, 403, "{} {path} as {username}", route.method);
            assert!(!page.body.contains("Sam Example"), "{path} as {username}");
        }
    }
    assert_eq!(
        casework_rows(&s.server.db_path).await,
        before,
        "a refused request changed something"
    );

    // And with the role, each page answers (smoke test of the whole table).
    let mut dpo = signed_in(&s.server, "dee").await;
    for route in table
        .iter()
        .filter(|r| r.method == reqwest::Method::GET && r.access != Access::Anyone)
    {
        let path = concrete(route.path, &reference);
        let page = dpo.get(&path).await;
        // Letters and recommendations by number: none numbered 1 here.
        let numbered = path.contains("/letters/")
            || path.contains("/recommendations/1/")
            || path.contains("/evidence/");
        // Forms the procedure refuses on a case just received are not offered: the case
        // answers with what to do first.
        let refused_here = ["/clarify", "/remind", "/outcome", "/close"]
            .iter()
            .any(|form| path.ends_with(form));
        let ok = page.status == 200
            || (numbered && page.status == 404)
            || (refused_here && page.status == 409 && page.body.contains("There is a problem"));
        assert!(ok, "GET {path} as the DPO: {}", page.status);
    }
    // Unknown staff paths are simply not found, signed in or not.
    assert_eq!(Browser::new(&s.server).get("/staff/nope").await.status, 404);
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_until_the_dpo_unlocks_it() {
    let s = staffed().await;
    let mut b = Browser::new(&s.server);
    let unknown = b.sign_in("nobody", PASSWORD).await;
    assert_eq!(unknown.status, 422);
    let wrong = b.sign_in("kim", "not the password").await;
    assert_eq!(wrong.status, 422);
    // The same words whether or not the account exists, and the title says there is a problem.
    assert!(wrong.body.contains("Enter a correct username and password"));
    assert!(wrong
        .body
        .contains("<title>Error: Sign in – Data protection complaints – Example Council</title>"));
    assert!(b
        .get("/staff/sign-in")
        .await
        .body
        .contains("<title>Sign in – Data protection complaints – Example Council</title>"));
    assert!(unknown
        .body
        .contains("Enter a correct username and password"));
    for _ in 0..4 {
        assert_eq!(b.sign_in("kim", "still not it").await.status, 422);
    }
    let locked = b.sign_in("kim", PASSWORD).await;
    assert_eq!(
        locked.status, 429,
        "five failures lock the account, even for the right password"
    );
    assert!(locked.body.contains("This account is locked"));
    assert!(b.cookie.is_none(), "no session exists before signing in");
    assert!(
        b.csrf_cookie.is_some(),
        "the form token is in a cookie of its own"
    );

    // The DPO unlocks it; the right password then works.
    let mut dpo = signed_in(&s.server, "dee").await;
    let page = dpo.get("/staff/accounts").await;
    assert!(page.body.contains("Unlock kim"));
    let unlocked = dpo
        .post("/staff/accounts/kim/unlock", &[("_csrf", &page.csrf())])
        .await;
    assert_eq!(unlocked.status, 303);
    assert_eq!(
        Browser::new(&s.server)
            .sign_in("kim", PASSWORD)
            .await
            .status,
        303
    );

    let audit = dpo.get("/staff/audit?username=kim").await.body;
    assert!(audit.contains("failed sign-in") && audit.contains("account locked until"));
    assert!(dpo
        .get("/staff/audit")
        .await
        .body
        .contains("unlocked account"));
}

#[tokio::test]
async fn sign_in_gives_a_new_session_and_sign_out_ends_it() {
    let s = staffed().await;
    let mut b = Browser::new(&s.server);
    b.get("/staff/sign-in").await;
    assert!(b.cookie.is_none(), "no session before signing in");
    // A session id planted by someone else before sign-in is not the one after (fixation).
    let anonymous_id = "x".repeat(22);
    b.cookie = Some(anonymous_id.clone());
    assert_eq!(
        b.sign_in("kim", PASSWORD).await.location.as_deref(),
        Some("/staff")
    );
    let signed_in_id = b.cookie.clone().unwrap();
    assert_ne!(anonymous_id, signed_in_id, "a new session id at sign-in");
    assert_eq!(b.get("/staff").await.status, 200);

    let token = b.get("/staff").await.csrf();
    let out = b.post("/staff/sign-out", &[("_csrf", &token)]).await;
    assert_eq!(out.status, 303);
    // The old cookie no longer signs anyone in.
    let mut replay = Browser::new(&s.server);
    replay.cookie = Some(signed_in_id);
    assert_eq!(replay.get("/staff/register").await.status, 303);

    // The sign-in form only sends people on to our own staff pages.
    let mut b = Browser::new(&s.server);
    let token = b.get("/staff/sign-in").await.csrf();
    let page = b
        .post(
            "/staff/sign-in",
            &[
                ("_csrf", &token),
                ("username", "kim"),
                ("password", PASSWORD),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/staff"));
}

#[tokio::test]
async fn forms_without_this_sessions_token_change_nothing() {
    let s = staffed().await;
    let reference = a_case(&s.server).await;
    let mut kim = signed_in(&s.server, "kim").await;
    let case = format!("/staff/cases/{reference}");
    let token = kim.get(&case).await.csrf();
    let note = format!("{case}/notes");

    assert_eq!(kim.post(&note, &[("note", "no token")]).await.status, 403);
    let other = "0".repeat(64);
    assert_eq!(
        kim.post(&note, &[("_csrf", &other), ("note", "wrong token")])
            .await
            .status,
        403
    );
    // Another site's form, even with a stolen token, is refused by the browser's own header.
    let cross = kim
        .send(
            kim.http
                .post(format!("{}{note}", kim.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "cross-site")
                .body(format!("_csrf={token}&note=cross+site")),
        )
        .await;
    assert_eq!(cross.status, 403);
    // Another session's token does not work here either.
    let mut dee = signed_in(&s.server, "dee").await;
    let dee_token = dee.get("/staff").await.csrf();
    assert_eq!(
        kim.post(&note, &[("_csrf", &dee_token), ("note", "their token")])
            .await
            .status,
        403
    );
    assert_eq!(count_rows(&s.server.db_path, "case_notes").await, 0);

    let ok = kim
        .post(
            &note,
            &[
                ("_csrf", &token),
                ("kind", "note"),
                ("note", "Called the service manager."),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    assert_eq!(count_rows(&s.server.db_path, "case_notes").await, 1);
    assert!(kim
        .get(&case)
        .await
        .body
        .contains("Called the service manager."));
}

#[tokio::test]
async fn a_telephone_complaint_received_earlier_gets_its_deadlines_from_that_day() {
    let s = staffed().await;
    let mut ian = signed_in(&s.server, "ian").await;
    let today = london_date(chrono::Utc::now());
    let received = today - chrono::Days::new(12);
    let received_text = received.to_string();
    let page = ian.get("/staff/intake").await;
    assert!(page.body.contains("Key in a complaint"));
    let token = page.csrf();
    let key = uuid::Uuid::new_v4().to_string();
    let mut form = common::form_fields(&server::openapi::example_request());
    form.extend([
        ("_csrf".to_string(), token.clone()),
        ("_key".to_string(), key.clone()),
        ("channel".to_string(), "telephone".to_string()),
        ("received_on".to_string(), received_text.clone()),
    ]);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

    // A date in the future is refused, and nothing is stored.
    let mut future = pairs.clone();
    let tomorrow = (today + chrono::Days::new(1)).to_string();
    future.retain(|(k, _)| *k != "received_on");
    future.push(("received_on", &tomorrow));
    let refused = ian.post("/staff/intake", &future).await;
    assert_eq!(refused.status, 422);
    assert!(refused
        .body
        .contains("The date received must be today or in the past"));
    assert_eq!(count_rows(&s.server.db_path, "cases").await, 0);

    let saved = ian.post("/staff/intake", &pairs).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let shown = ian.get(saved.location.as_deref().unwrap()).await;
    assert_eq!(shown.status, 200);
    let expected = Deadlines::from_receipt(received, &WorkingCalendar::default());
    assert!(shown
        .body
        .contains(&app::domain::calendar::long_date(expected.acknowledge_by)));
    assert!(shown.body.contains("must be confirmed in writing"));

    // A second tap on "Save" gives the same case, not another.
    let again = ian.post("/staff/intake", &pairs).await;
    assert_eq!(again.location, saved.location);
    assert_eq!(count_rows(&s.server.db_path, "cases").await, 1);

    let sql = "SELECT channel, CAST(received_on AS TEXT), CAST(acknowledge_by AS TEXT), \
               CAST(outcome_due AS TEXT), status, CAST(acknowledged_at AS TEXT), keyed_in_by FROM cases";
    let row = common::db::rows(&s.server.db_path, sql, &[])
        .await
        .remove(0);
    let text = |i: usize| row[i].clone().unwrap_or_default();
    assert_eq!(text(0), "telephone");
    assert_eq!(text(1), received_text);
    assert_eq!(text(2), expected.acknowledge_by.to_string());
    assert_eq!(text(3), expected.outcome_due.to_string());
    // Not acknowledged yet: a verbal complaint is confirmed in writing later (004 §28a).
    assert_eq!(text(4), "received");
    assert_eq!(row[5], None);
    assert_eq!(row[6].as_deref(), Some("ian"));
}

#[tokio::test]
async fn accounts_are_added_from_the_command_line_with_the_password_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intake.db");
    let short = add_user(&db, "sam", "handler", "Sam", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
    let bad_role = add_user(&db, "sam", "admin", "Sam", PASSWORD);
    assert!(!bad_role.status.success());
    let ok = add_user(&db, "sam", "handler", "Sam Handler", PASSWORD);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let twice = add_user(&db, "sam", "handler", "Sam Handler", PASSWORD);
    assert!(!twice.status.success());
    // Stored as an Argon2id hash, never the password.
    let sql = "SELECT password_hash FROM staff_users WHERE username = 'sam'";
    let hash = common::db::text(&db, sql, &[]).await.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
}

/// The register sorts and filters in SQL; the rule it must agree with is the domain's
/// (`casework::next_due` and `urgency`), checked here case by case.
#[tokio::test]
async fn the_registers_deadlines_agree_with_the_domain_rules() {
    use app::domain::calendar::london_date;
    use app::domain::casework::{next_due, urgency, Status, Urgency};
    let s = staffed().await;
    let online = a_case(&s.server).await;
    let mut kim = signed_in(&s.server, "kim").await;
    let today = london_date(chrono::Utc::now());
    let mut received = vec![(online.clone(), today, Status::Acknowledged)];
    for days in [45u64, 20, 29, 2] {
        let token = kim.get("/staff/intake").await.csrf();
        let on = (today - chrono::Days::new(days)).to_string();
        let key = uuid::Uuid::new_v4().to_string();
        let mut form = common::form_fields(&server::openapi::example_request());
        form.extend([
            ("_csrf".to_string(), token),
            ("_key".to_string(), key),
            ("channel".to_string(), "post".to_string()),
            ("received_on".to_string(), on),
        ]);
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = kim.post("/staff/intake", &pairs).await;
        let reference = saved
            .location
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        received.push((reference, today - chrono::Days::new(days), Status::Received));
    }
    let calendar = WorkingCalendar::default();
    let mut expected: Vec<(chrono::NaiveDate, String, Urgency)> = received
        .iter()
        .map(|(r, on, status)| {
            let d = Deadlines::from_receipt(*on, &calendar);
            let due = next_due(
                app::domain::triage::CaseKind::Complaint,
                *status,
                d.acknowledge_by,
                d.outcome_due,
            )
            .unwrap()
            .date();
            (due, r.clone(), urgency(due, today))
        })
        .collect();
    expected.sort_by_key(|(due, _, _)| *due);

    // Most urgent first, in the domain's order.
    let page = kim.get("/staff/register").await.body;
    let positions: Vec<usize> = expected
        .iter()
        .map(|(_, r, _)| {
            page.find(&format!("/staff/cases/{r}"))
                .expect("every case is listed")
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "order {positions:?}"
    );

    for (filter, wanted) in [
        ("overdue", Urgency::Overdue),
        ("this_week", Urgency::DueThisWeek),
    ] {
        let page = kim.get(&format!("/staff/register?due={filter}")).await.body;
        for (_, r, u) in &expected {
            let listed = page.contains(&format!("/staff/cases/{r}"));
            assert_eq!(listed, *u == wanted, "{r} under {filter}");
        }
    }
    assert!(expected.iter().any(|(_, _, u)| *u == Urgency::Overdue));
}

/// The value of a hidden field of the first form that has it.
fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body
        .find(&marker)
        .unwrap_or_else(|| panic!("the page has a {name} field"))
        + marker.len();
    body[at..].split('"').next().unwrap().to_string()
}

async fn handler_of(db: &Path, reference: &str) -> Option<String> {
    let sql = "SELECT handler FROM cases WHERE reference = $1";
    common::db::text(db, sql, &[reference]).await
}

#[tokio::test]
async fn two_handlers_changing_one_case_at_once_cannot_overwrite_each_other() {
    let s = staffed().await;
    let out = add_user(&s.server.db_path, "sam", "handler", "Sam Handler", PASSWORD);
    assert!(out.status.success());
    let reference = a_case(&s.server).await;
    let case = format!("/staff/cases/{reference}");
    let mut kim = signed_in(&s.server, "kim").await;
    let mut sam = signed_in(&s.server, "sam").await;

    // Both open the case, then both take it.
    let kim_page = kim.get(&case).await;
    let sam_page = sam.get(&case).await;
    let take = |page: &Page, me: &'static str| {
        vec![
            ("_csrf", page.csrf()),
            ("_seen", hidden(&page.body, "_seen")),
            ("handler", me.to_string()),
            ("independent", "yes".to_string()),
        ]
    };
    let kim_form = take(&kim_page, "kim");
    let sam_form = take(&sam_page, "sam");
    let as_pairs = |f: &Vec<(&'static str, String)>| {
        f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let (k, m) = (as_pairs(&kim_form), as_pairs(&sam_form));
    let k: Vec<(&str, &str)> = k.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let m: Vec<(&str, &str)> = m.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let assign = format!("{case}/assign");
    let (kim_answer, sam_answer) = tokio::join!(kim.post(&assign, &k), sam.post(&assign, &m));

    // Exactly one of them took it; the other was told and shown the case as it is now.
    let mut statuses = [kim_answer.status, sam_answer.status];
    statuses.sort();
    assert_eq!(statuses, [303, 409], "one wins, one is told");
    let (winner, loser) = if kim_answer.status == 303 {
        ("kim", &sam_answer)
    } else {
        ("sam", &kim_answer)
    };
    assert!(loser
        .body
        .contains("Someone else changed this case while you were looking at it"));
    // Shown by their full name (issue 26: usernames only where accounts are administered).
    let winner_name = if winner == "kim" {
        "Kim Handler"
    } else {
        "Sam Handler"
    };
    assert!(
        loser
            .body
            .contains(&format!("{winner_name} (confirmed independence")),
        "the case as it is now"
    );
    assert_eq!(
        handler_of(&s.server.db_path, &reference).await.as_deref(),
        Some(winner)
    );

    // Later, the one who lost sends the form from the page they still have: refused too.
    let again = if winner == "kim" {
        sam.post(&assign, &m).await
    } else {
        kim.post(&assign, &k).await
    };
    assert_eq!(again.status, 409);
    assert_eq!(
        handler_of(&s.server.db_path, &reference).await.as_deref(),
        Some(winner)
    );
}

#[tokio::test]
async fn assignments_the_rules_forbid_are_refused_and_change_nothing() {
    let s = staffed().await;
    let out = add_user(&s.server.db_path, "sam", "handler", "Sam Handler", PASSWORD);
    assert!(out.status.success());
    let reference = a_case(&s.server).await;
    let case = format!("/staff/cases/{reference}");
    let mut kim = signed_in(&s.server, "kim").await;
    let before = casework_rows(&s.server.db_path).await;
    for (handler, ticked, field, message) in [
        (
            "kim",
            "",
            "independent",
            "Confirm you have not worked on the processing this complaint is about",
        ),
        (
            "sam",
            "yes",
            "independent",
            "Only the handler can confirm their own independence",
        ),
        ("ian", "", "handler", "Select a handler"),
        ("nobody", "", "handler", "Select a handler"),
    ] {
        let page = kim.get(&case).await;
        let form = [
            ("_csrf", page.csrf()),
            ("_seen", hidden(&page.body, "_seen")),
            ("handler", handler.to_string()),
            ("independent", ticked.to_string()),
        ];
        let form: Vec<(&str, &str)> = form.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let answer = kim.post(&format!("{case}/assign"), &form).await;
        assert_eq!(answer.status, 422, "assigning {handler}");
        assert!(answer.body.contains(message), "assigning {handler}");
        assert!(
            answer.body.contains(&format!("href=\"#{field}\"")),
            "the error summary links to {field}"
        );
    }
    assert_eq!(handler_of(&s.server.db_path, &reference).await, None);
    assert_eq!(casework_rows(&s.server.db_path).await, before);
}

#[tokio::test]
async fn a_staff_page_whose_database_fails_says_so_and_logs_the_route_without_personal_data() {
    let s = staffed().await;
    let reference = a_case(&s.server).await;
    let mut kim = signed_in(&s.server, "kim").await;
    assert_eq!(kim.get("/staff/actions").await.status, 200);

    // Break two tables under the running server, as a damaged or mis-migrated database would.
    for sql in [
        "ALTER TABLE case_actions RENAME TO case_actions_gone",
        "ALTER TABLE case_notes RENAME TO case_notes_gone",
    ] {
        common::db::execute(&s.server.db_path, sql, &[]).await;
    }

    let page = kim.get("/staff/actions").await;
    assert_eq!(page.status, 503);
    assert!(page
        .body
        .contains("Sorry, there is a problem with the service"));
    assert!(!page.body.contains("case_actions"), "no internals shown");
    let page = kim.get(&format!("/staff/cases/{reference}")).await;
    assert_eq!(page.status, 503);

    let log = s.server.log();
    let failures: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("staff page failed"))
        .collect();
    assert!(
        failures
            .iter()
            .any(|l| l.contains("/staff/actions") && l.contains("case_actions")),
        "the route and the cause are logged: {log}"
    );
    assert!(
        failures
            .iter()
            .any(|l| l.contains("/staff/cases/{reference}") && l.contains(&reference)),
        "the route pattern and the case are logged: {log}"
    );
    for personal in ["Sam Example", "sam@example.com", "07700"] {
        assert!(!log.contains(personal), "{personal} reached the log");
    }
}

/// `server user team <username> <team>`, as an operator sets it.
fn set_team(db: &Path, username: &str, team: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["user", "team", username, team])
        .env("INTAKE_DATABASE_URL", common::db::url(db))
        .output()
        .unwrap()
}

#[tokio::test]
async fn with_own_team_access_another_teams_handler_reaches_the_case_by_no_route() {
    let s = common::browser::staffed_with("[access]\nhandlers_see = \"own_team\"\n").await;
    let db = &s.server.db_path;
    // kim works in Information Governance; cal in the Complaints and Information Team, which
    // handles subject access complaints like the documented example.
    assert!(set_team(db, "kim", "ig").status.success());
    let out = add_user(db, "cal", "handler", "Cal Handler", PASSWORD);
    assert!(out.status.success());
    assert!(set_team(db, "cal", "cit").status.success());
    let unknown = set_team(db, "cal", "nonsense");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown team"));
    // A role the service does not have: refused by the command line, naming the ones it has.
    let role = common::browser::user_cli(db, &["role", "cal", "admin"], "");
    assert!(!role.status.success());
    let said = String::from_utf8_lossy(&role.stderr);
    assert!(said.contains("intake, handler, dpo"), "{said}");
    let reference = a_case(&s.server).await;
    let before = casework_rows(db).await;

    let mut kim = signed_in(&s.server, "kim").await;
    let token = kim.get("/staff").await.csrf();
    for route in routes().iter().filter(|r| r.path.contains("{reference}")) {
        let path = concrete(route.path, &reference);
        let page = if route.method == reqwest::Method::GET {
            kim.get(&path).await
        } else {
            kim.post(&path, &[("_csrf", &token), ("note", "x"), ("reason", "x")])
                .await
        };
        // 403 ("another team's case"), or 404 where a page never says whether a case exists.
        assert!(
            page.status == 403 || page.status == 404,
            "{} {path} as another team's handler: {}",
            route.method,
            page.status
        );
        assert!(!page.body.contains("Sam Example"), "{path}");
    }
    assert_eq!(
        casework_rows(db).await,
        before,
        "a refused request changed something"
    );
    // Not in their register, actions or letters to post either, whatever they filter by.
    for path in [
        "/staff/register",
        "/staff/register?team=cit&status=all",
        "/staff/post",
        "/staff/actions",
    ] {
        assert!(!kim.get(path).await.body.contains(&reference), "{path}");
    }
    // Its own team's handler and the DPO see it.
    let mut cal = signed_in(&s.server, "cal").await;
    assert!(cal.get("/staff/register").await.body.contains(&reference));
    assert_eq!(
        cal.get(&format!("/staff/cases/{reference}")).await.status,
        200
    );
    let mut dee = signed_in(&s.server, "dee").await;
    assert_eq!(
        dee.get(&format!("/staff/cases/{reference}")).await.status,
        200
    );
}
