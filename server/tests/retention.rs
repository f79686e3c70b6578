//! Retention against the real server and its database file: runs with a clock the test sets
//! (no sleeping a year), what is left in the file's bytes, dry runs, two instances at once,
//! legal holds, restriction, erasure and subject access.

mod common;

use app::domain::retention::RetentionPolicy;
use common::browser::{signed_in, staffed_with};
use common::casework::{case_post, decide_and_close, query_one};
use common::{complaint, key, TestServer};
use server::retention::{run, Ran};
use server::store::retention::Trigger;

const FAST_OUTBOX: &str = "[outbox]\npoll_ms = 50\n";

async fn send(server: &TestServer, name: &str, email: &str, description: &str) -> String {
    let mut c = complaint(name);
    c["email"] = email.into();
    c["description"] = description.into();
    let res = server.post(&key(), &c).await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.body["reference"].as_str().unwrap().replace('-', "")
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Another instance on the same database: what the server's scheduler or the command would use.
async fn instance(server: &TestServer) -> server::store::Stores {
    server::store::open(&common::db::url(&server.db_path))
        .await
        .unwrap()
}

/// A run as of `when` that must start (no other run is under way).
async fn run_at(
    stores: &server::store::Stores,
    policy: &RetentionPolicy,
    when: chrono::DateTime<chrono::Utc>,
    instance: &str,
) -> server::retention::Report {
    match run(
        stores.retention.as_ref(),
        policy,
        when,
        Trigger::Command,
        None,
        instance,
    )
    .await
    .unwrap()
    {
        Ran::Done(report) => report,
        Ran::Busy => panic!("the run did not start"),
    }
}

/// A note on the case, as the handler adds it.
async fn note(b: &mut common::browser::Browser, reference: &str, text: &str) {
    let p = case_post(b, reference, "notes", &[("kind", "note"), ("note", text)]).await;
    assert_eq!(p.status, 303, "{}", p.body);
}

fn a_year_and_a_day_later() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() + chrono::Days::new(366)
}

#[tokio::test]
async fn a_retention_run_reduces_decided_cases_keeps_the_rest_and_leaves_nothing_in_the_file() {
    let s = staffed_with(&format!(
        "{FAST_OUTBOX}[retention]\nkeep_personal_summary = false\n"
    ))
    .await;
    let server = &s.server;
    let gone = send(
        server,
        "Zebedee Quartermaine",
        "zebedee.q@example.com",
        "Marmalade-flavoured description of a lost file.",
    )
    .await;
    let held = send(server, "Xanthe Keepwell", "xanthe@example.com", "Held one.").await;
    let open = send(
        server,
        "Yolanda Openshaw",
        "yolanda@example.com",
        "Still open.",
    )
    .await;
    let mut kim = signed_in(server, "kim").await;
    note(&mut kim, &gone, "Rang Zebedee Quartermaine back about it.").await;
    decide_and_close(server, &mut kim, &gone, "Olive Officerton").await;
    decide_and_close(server, &mut kim, &held, "Olga Heldsworth").await;
    let mut dee = signed_in(server, "dee").await;
    let p = case_post(&mut dee, &held, "hold", &[("reason", "ICO investigation")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let before = common::db::stored_bytes(&server.db_path).await;
    assert!(
        contains(&before, "Zebedee Quartermaine"),
        "the test looks in the right file"
    );

    // A day short of a year: nothing goes.
    let policy = RetentionPolicy {
        keep_personal_summary: false,
        ..RetentionPolicy::default()
    };
    let other = instance(server).await;
    let early = chrono::Utc::now() + chrono::Days::new(364);
    let report = run_at(&other, &policy, early, "t1").await;
    assert_eq!(report.counts.cases_reduced, 0);
    assert_eq!(report.counts.held_skipped, 1);

    // A year and a day: the decided case goes; the held and the open ones stay.
    let report = run_at(&other, &policy, a_year_and_a_day_later(), "t2").await;
    assert_eq!(report.counts.cases_reduced, 1);
    assert_eq!(report.counts.officers_removed, 1);
    assert_eq!(report.counts.notes_deleted, 1);
    assert!(report.counts.letters_deleted >= 2, "{:?}", report.counts);
    assert_eq!(report.counts.held_skipped, 1);
    assert_eq!(
        report
            .steps
            .iter()
            .map(|(r, _)| r.compact())
            .collect::<Vec<_>>(),
        vec![gone.clone(), gone.clone()]
    );

    // Gone from every byte of the database and its log; the others are all still there.
    let after = common::db::stored_bytes(&server.db_path).await;
    for needle in [
        "Zebedee",
        "zebedee.q@example.com",
        "Marmalade-flavoured",
        "Olive Officerton",
    ] {
        assert!(!contains(&after, needle), "{needle} is still in the file");
    }
    for needle in [
        "Xanthe Keepwell",
        "Olga Heldsworth",
        "Yolanda Openshaw",
        "yolanda@example.com",
    ] {
        assert!(contains(&after, needle), "{needle} was deleted");
    }

    // The summary stays: reference, dates, team, outcome; the page says what happened.
    let page = dee.get(&format!("/staff/cases/{gone}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Reduced to its summary under the retention rules"),
        "{}\n{}",
        page.body,
        server.log()
    );
    assert!(page.body.contains("Upheld"));
    assert!(page.body.contains(": met ("), "deadlines met are kept");
    assert!(!page.body.contains("Zebedee"));
    // Nothing about it can be changed any more.
    let p = dee
        .post(
            &format!("/staff/cases/{gone}/notes"),
            &[("_csrf", &page.csrf()), ("note", "x")],
        )
        .await;
    assert_eq!(p.status, 410);
    assert!(kim
        .get(&format!("/staff/cases/{held}"))
        .await
        .body
        .contains("Xanthe Keepwell"));
    assert!(kim
        .get(&format!("/staff/cases/{open}"))
        .await
        .body
        .contains("Yolanda Openshaw"));

    // Each run is recorded, by rule (besides the server's own hourly runs).
    assert_eq!(runs(server, "command").await, 2);
    let reduced = query_one(
        &server.db_path,
        "SELECT CAST(cases_reduced AS TEXT) FROM retention_runs WHERE instance = $1",
        "t2",
    )
    .await;
    assert_eq!(reduced, "1");
    let retention = dee.get("/staff/retention").await;
    assert_eq!(retention.status, 200);
    assert!(
        retention.body.contains("ICO investigation"),
        "held cases are listed"
    );
    assert!(retention.body.contains(&held_ref(&held)));

    // Released: the next run reduces it too, and the release is on record.
    let p = case_post(&mut dee, &held, "release", &[]).await;
    assert_eq!(p.status, 303);
    let report = run_at(&other, &policy, a_year_and_a_day_later(), "t3").await;
    assert_eq!(report.counts.cases_reduced, 1);
    let audit = dee
        .get(&format!("/staff/audit?reference={held}"))
        .await
        .body;
    assert!(audit.contains("legal hold released"));
}

async fn runs(server: &TestServer, trigger: &str) -> i64 {
    query_one(
        &server.db_path,
        "SELECT CAST(COUNT(*) AS TEXT) FROM retention_runs WHERE trigger = $1",
        trigger,
    )
    .await
    .parse()
    .unwrap()
}

fn held_ref(compact: &str) -> String {
    app::domain::reference::Reference::parse(compact)
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_default_policy_keeps_name_and_address_in_the_summary_but_not_email_or_complaint() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let r = send(
        server,
        "Quentin Summarykept",
        "quentin.contact@example.com",
        "Kumquat details of what happened.",
    )
    .await;
    let mut kim = signed_in(server, "kim").await;
    decide_and_close(server, &mut kim, &r, "Olive Officerton").await;
    let other = instance(server).await;
    let report = run_at(
        &other,
        &RetentionPolicy::default(),
        a_year_and_a_day_later(),
        "t",
    )
    .await;
    assert_eq!(report.counts.cases_reduced, 1);
    assert_eq!(report.counts.officers_removed, 1);
    let bytes = common::db::stored_bytes(&server.db_path).await;
    // SPEC "Retention": the officer's name goes whatever the policy keeps (seed 001), from
    // the kept outcome record and its letter too.
    for needle in [
        "quentin.contact@example.com",
        "Kumquat",
        "07700 900982",
        "Olive Officerton",
    ] {
        assert!(!contains(&bytes, needle), "{needle} is still in the file");
    }
    assert!(contains(&bytes, "(officer's name removed)"));
    let page = signed_in(server, "dee")
        .await
        .get(&format!("/staff/cases/{r}"))
        .await;
    assert!(page.body.contains("Quentin Summarykept"));
    assert!(page.body.contains("1 High Street"));
    assert!(
        page.body
            .contains("We did not answer your request in time."),
        "the outcome summary"
    );
}

#[tokio::test]
async fn a_dry_run_changes_nothing_and_two_instances_at_once_do_one_run() {
    let s = staffed_with(FAST_OUTBOX).await;
    let server = &s.server;
    let r = send(server, "Dora Dryrun", "dora@example.com", "Dry.").await;
    let mut kim = signed_in(server, "kim").await;
    decide_and_close(server, &mut kim, &r, "Olive Officerton").await;
    let tables = [
        "cases",
        "case_notes",
        "letters",
        "case_actions",
        "audit_events",
    ];
    let mut before = vec![];
    for t in tables {
        before.push(server.count(t).await);
    }
    let bytes_before = query_one(
        &server.db_path,
        "SELECT complaint FROM cases WHERE reference = $1",
        &r,
    )
    .await;

    // From the command line, as of a day more than a year ahead: the case, by reference only.
    let as_of = (chrono::Utc::now().date_naive() + chrono::Days::new(400)).to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["retention", "run", "--dry-run", "--as-of", &as_of])
        .env_clear()
        .env("INTAKE_DATABASE_URL", common::db::url(&server.db_path))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&held_ref(&r)), "{text}");
    assert!(text.contains("Case file reduced to its summary"), "{text}");
    assert!(!text.contains("Dora"), "no personal data: {text}");
    let mut after = vec![];
    for t in tables {
        after.push(server.count(t).await);
    }
    assert_eq!(before, after, "a dry run changed something");
    assert_eq!(runs(server, "command").await, 0, "a dry run is not a run");
    assert_eq!(
        query_one(
            &server.db_path,
            "SELECT complaint FROM cases WHERE reference = $1",
            &r
        )
        .await,
        bytes_before
    );
    // --as-of is only for a dry run: a real run cannot be made to delete early.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["retention", "run", "--as-of", &as_of])
        .env_clear()
        .env("INTAKE_DATABASE_URL", common::db::url(&server.db_path))
        .output()
        .unwrap();
    assert!(!out.status.success());

    // Two instances starting the same slot's run at once: one runs it, the other does not.
    let (a, b) = (instance(server).await, instance(server).await);
    let later = a_year_and_a_day_later();
    let policy = RetentionPolicy::default();
    let (ra, rb) = tokio::join!(
        run(
            a.retention.as_ref(),
            &policy,
            later,
            Trigger::Schedule,
            Some("schedule:1"),
            "a"
        ),
        run(
            b.retention.as_ref(),
            &policy,
            later,
            Trigger::Schedule,
            Some("schedule:1"),
            "b"
        ),
    );
    let done = [ra.unwrap(), rb.unwrap()]
        .iter()
        .filter(|r| matches!(r, Ran::Done(_)))
        .count();
    assert_eq!(done, 1, "exactly one instance ran the slot");
    // The other, coming late to the same slot, finds it done.
    let again = run(
        b.retention.as_ref(),
        &policy,
        later,
        Trigger::Schedule,
        Some("schedule:1"),
        "b",
    )
    .await
    .unwrap();
    assert!(matches!(again, Ran::Busy));
    let slot_runs = query_one(
        &server.db_path,
        "SELECT CAST(COUNT(*) AS TEXT) FROM retention_runs WHERE slot = $1",
        "schedule:1",
    )
    .await;
    assert_eq!(slot_runs, "1");
    let reduced = query_one(
        &server.db_path,
        "SELECT CAST(COUNT(*) AS TEXT) FROM case_events WHERE event = $1",
        "reduced to its summary",
    )
    .await;
    assert_eq!(reduced, "1");

    // And the command's real run is recorded too.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["retention", "run"])
        .env_clear()
        .env("INTAKE_DATABASE_URL", common::db::url(&server.db_path))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Done:"));
    assert_eq!(runs(server, "command").await, 1);
}

#[tokio::test]
async fn subject_access_finds_a_person_across_cases_and_exports_only_their_data() {
    let s = staffed_with("").await;
    let server = &s.server;
    let first = send(
        server,
        "Harriet Vanecroft",
        "harriet@example.com",
        "First complaint.",
    )
    .await;
    let second = send(
        server,
        "Harriet Vanecroft",
        "Harriet@Example.com",
        "Second complaint.",
    )
    .await;
    let other = send(
        server,
        "Ivor Bystander",
        "ivor@example.com",
        "Ivor's own complaint.",
    )
    .await;
    let mut kim = signed_in(server, "kim").await;
    note(
        &mut kim,
        &other,
        "Ivor says Harriet Vanecroft saw it happen.",
    )
    .await;
    note(&mut kim, &other, "Ivor rang again.").await;

    let mut dee = signed_in(server, "dee").await;
    let token = dee.get("/staff/subject-access").await.csrf();
    // By email: her two cases, and only hers.
    let page = dee
        .post(
            "/staff/subject-access",
            &[
                ("_csrf", &token),
                ("by", "email"),
                ("term", "harriet@example.com"),
            ],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("2 cases found"), "{}", page.body);
    assert!(page.body.contains(&held_ref(&first)) && page.body.contains(&held_ref(&second)));
    assert!(!page.body.contains(&held_ref(&other)));
    // A mistake is said plainly and searches nothing.
    let page = dee
        .post(
            "/staff/subject-access",
            &[("_csrf", &token), ("by", "postcode"), ("term", "x")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Enter a full postcode"));
    // By postcode: the example's address.
    let page = dee
        .post(
            "/staff/subject-access",
            &[("_csrf", &token), ("by", "postcode"), ("term", "ng27qp")],
        )
        .await;
    assert!(
        page.body.contains("3 cases found"),
        "every example complaint has this postcode"
    );

    // By name, downloaded: her two cases whole, and from Ivor's only the note naming her.
    let res = dee
        .post(
            "/staff/subject-access/export",
            &[
                ("_csrf", &token),
                ("by", "name"),
                ("term", "vanecroft"),
                ("format", "json"),
            ],
        )
        .await;
    assert_eq!(res.status, 200);
    let doc: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    let mine: Vec<_> = cases
        .iter()
        .filter(|c| c["relationship"] == "complainant")
        .collect();
    assert_eq!(mine.len(), 2);
    assert!(mine
        .iter()
        .all(|c| c["complaint"]["complainant"]["full_name"] == "Harriet Vanecroft"));
    let mentioned = cases
        .iter()
        .find(|c| c["relationship"] == "mentioned")
        .unwrap();
    assert_eq!(mentioned["reference"], held_ref(&other));
    assert!(mentioned["complaint"].is_null());
    assert_eq!(mentioned["notes"].as_array().unwrap().len(), 1);
    assert!(!res.body.contains("Ivor rang again"));
    assert!(!res.body.contains("ivor@example.com"));
    assert!(!res.body.contains("Ivor's own complaint"));
    // The printable page holds the same.
    let print = dee
        .post(
            "/staff/subject-access/export",
            &[
                ("_csrf", &token),
                ("by", "name"),
                ("term", "vanecroft"),
                ("format", "print"),
            ],
        )
        .await;
    assert_eq!(print.status, 200);
    assert!(print
        .body
        .contains("Ivor says Harriet Vanecroft saw it happen."));
    assert!(!print.body.contains("Ivor rang again"));

    // Audited, without what was searched for.
    let audit = dee.get("/staff/audit").await.body;
    assert!(audit.contains("subject access search"));
    assert!(audit.contains("subject access export (json)"));
    assert!(audit.contains("subject access export (print)"));
    assert!(!audit.to_lowercase().contains("vanecroft"));
    assert!(!audit.contains("harriet@example.com"));
}

#[tokio::test]
async fn erasure_reduces_a_case_to_a_summary_without_personal_data_and_is_audited() {
    let s = staffed_with("").await;
    let server = &s.server;
    let r = send(
        server,
        "Erin Erasable",
        "erin@example.com",
        "Pomegranate story.",
    )
    .await;
    let mut dee = signed_in(server, "dee").await;
    let form = dee.get(&format!("/staff/cases/{r}/erase")).await;
    assert_eq!(form.status, 200);
    let token = form.csrf();
    // Without the confirmation: refused, nothing changed.
    let p = dee
        .post(
            &format!("/staff/cases/{r}/erase"),
            &[("_csrf", &token), ("reason", "Erasure request")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Tick to confirm"));
    assert!(contains(
        &common::db::stored_bytes(&server.db_path).await,
        "Pomegranate"
    ));
    // Under a legal hold: refused too.
    let p = case_post(&mut dee, &r, "hold", &[("reason", "A claim")]).await;
    assert_eq!(p.status, 303);
    let p = dee
        .post(
            &format!("/staff/cases/{r}/erase"),
            &[
                ("_csrf", &token),
                ("reason", "Erasure request"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("release the hold"));
    let p = case_post(&mut dee, &r, "release", &[]).await;
    assert_eq!(p.status, 303);

    let p = dee
        .post(
            &format!("/staff/cases/{r}/erase"),
            &[
                ("_csrf", &token),
                ("reason", "Erasure request of 2 December"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let bytes = common::db::stored_bytes(&server.db_path).await;
    for needle in ["Erin Erasable", "erin@example.com", "Pomegranate"] {
        assert!(!contains(&bytes, needle), "{needle} is still in the file");
    }
    let page = dee.get(&format!("/staff/cases/{r}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Personal data erased by dee"));
    let audit = dee.get(&format!("/staff/audit?reference={r}")).await.body;
    assert!(audit.contains("erased personal data"));
    assert!(audit.contains("Erasure request of 2 December"));
}

#[tokio::test]
async fn a_restricted_case_is_hidden_from_handlers_until_the_restriction_is_lifted() {
    let s = staffed_with("").await;
    let server = &s.server;
    let r = send(
        server,
        "Rita Restricted",
        "rita@example.com",
        "Contested accuracy.",
    )
    .await;
    let mut dee = signed_in(server, "dee").await;
    let mut kim = signed_in(server, "kim").await;
    assert!(kim
        .get("/staff/register")
        .await
        .body
        .contains(&held_ref(&r)));
    let p = case_post(
        &mut dee,
        &r,
        "restrict",
        &[("restrict_reason", "Accuracy contested")],
    )
    .await;
    assert_eq!(p.status, 303);
    let page = dee.get(&format!("/staff/cases/{r}")).await;
    assert!(page.body.contains("Restricted: Accuracy contested"));
    let page = kim.get(&format!("/staff/cases/{r}")).await;
    assert_eq!(page.status, 403);
    assert!(!page.body.contains("Rita"));
    assert!(!kim
        .get("/staff/register")
        .await
        .body
        .contains(&held_ref(&r)));
    assert!(dee.get("/staff/register").await.body.contains("Restricted"));
    let p = case_post(&mut dee, &r, "unrestrict", &[]).await;
    assert_eq!(p.status, 303);
    assert_eq!(kim.get(&format!("/staff/cases/{r}")).await.status, 200);
    let audit = dee.get(&format!("/staff/audit?reference={r}")).await.body;
    assert!(audit.contains("processing restricted") && audit.contains("restriction lifted"));
}

#[tokio::test]
async fn the_public_pages_state_the_configured_retention_period() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_configured(
        dir.path(),
        "[retention]\ncase_file_months = 24\nkeep_personal_summary = false\n",
    )
    .await;
    // The consent question, as a browser without JavaScript reaches it.
    let page = server
        .post_form(&key(), "check", "Sam Example", &[("_goto", "consent")], &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("keep it for 2 years after our decision."),
        "the consent question says the configured period"
    );
    assert!(!page.contains("one year after our decision"));
    // The wording for the council's privacy notice, from the same configuration.
    let wording = server.get_text("/privacy-notice-wording").await.1;
    assert!(wording.contains("How long we keep your information"));
    assert!(wording.contains("for 2 years after our decision"));
    assert!(wording.contains("without your personal details"));
}

#[tokio::test]
async fn a_run_deletes_the_sessions_that_have_expired_and_no_others() {
    let s = staffed_with("").await;
    let server = &s.server;
    let mut kim = signed_in(server, "kim").await;
    let mut dee = signed_in(server, "dee").await;
    let table = common::db::sessions_table();
    assert_eq!(server.count(table).await, 2);
    // One session ran out long ago (set back in the database: no waiting half an hour).
    let sql = format!(
        "UPDATE {table} SET expiry_date = '2000-01-01T00:00:00Z' \
         WHERE id = (SELECT min(id) FROM {table})"
    );
    assert_eq!(common::db::execute(&server.db_path, &sql, &[]).await, 1);
    // A run as of a year ahead still ends sessions by the clock: the other one stays.
    let report = run_at(
        &instance(server).await,
        &RetentionPolicy::default(),
        a_year_and_a_day_later(),
        "t",
    )
    .await;
    assert_eq!(report.counts.sessions_deleted, 1);
    assert_eq!(server.count(table).await, 1);
    let statuses = [
        kim.get("/staff/register").await.status,
        dee.get("/staff/register").await.status,
    ];
    assert!(
        statuses.contains(&200) && statuses.contains(&303),
        "one signed in, one sent to sign in: {statuses:?}"
    );
}

/// SPEC "Corrections and the rights of the people in the files" (UK GDPR art. 15(4)): subject
/// access finds a person complained for, and a constituent an MP wrote about, by name, and
/// gives each person their own data only, saying what was withheld.
#[tokio::test]
async fn subject_access_finds_people_complained_for_and_constituents_and_withholds_the_others() {
    let s = staffed_with("").await;
    let server = &s.server;
    let mut for_someone = complaint("Carol Carer");
    for_someone["email"] = "carol.carer@example.com".into();
    for_someone["phone"] = "07700 900111".into();
    for_someone["on_behalf_of"] = "someone_else".into();
    for_someone["other_person_name"] = "Peter Person".into();
    for_someone["other_person_relationship"] = "Son".into();
    for_someone["other_person_agreed"] = true.into();
    assert_eq!(server.post(&key(), &for_someone).await.status, 201);
    let mut by_mp = complaint("Ann Member MP");
    by_mp["email"] = "ann.member@parliament.uk".into();
    by_mp["on_behalf_of"] = "mp".into();
    by_mp["mp_name"] = "Ann Member MP".into();
    by_mp["mp_writing"] = true.into();
    by_mp["constituent_name"] = "Connie Constituent".into();
    by_mp["constituent_address"] = "3 Hill Road, Nottingham".into();
    let r = server.post(&key(), &by_mp).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let mut dee = signed_in(server, "dee").await;
    // The person complained for: their case, without the complainant's details or letters.
    let page = search_by_name(&mut dee, "Peter Person").await;
    assert!(page.contains("their complaint"), "{page}");
    for complainants in ["carol.carer@example.com", "07700 900111", "Dear Carol"] {
        assert!(!page.contains(complainants), "{complainants}: {page}");
    }
    assert!(page.contains("Withheld from this person"));
    assert!(
        page.contains("the complainant&#x27;s name") || page.contains("the complainant's name")
    );
    // The complainant: their own details, not the name of the person they complained for.
    let page = search_by_name(&mut dee, "Carol Carer").await;
    assert!(page.contains("carol.carer@example.com"));
    assert!(!page.contains("Peter Person"), "{page}");
    // A constituent an MP wrote about: found by name, the MP's office details withheld.
    let page = search_by_name(&mut dee, "Connie Constituent").await;
    assert!(page.contains("3 Hill Road"), "{page}");
    assert!(!page.contains("ann.member@parliament.uk"), "{page}");
}

/// The DPO's subject-access search by name: the result page.
async fn search_by_name(dee: &mut common::browser::Browser, term: &str) -> String {
    dee.submit(
        "/staff/subject-access",
        "/staff/subject-access",
        &[("by", "name"), ("term", term)],
    )
    .await
    .body
}

/// Every distinctive word of `words` found in `bytes`.
fn found<'a>(bytes: &[u8], words: &[&'a str]) -> Vec<&'a str> {
    words
        .iter()
        .copied()
        .filter(|w| contains(bytes, w))
        .collect()
}

/// The bytes of every file the files transport wrote.
fn email_files(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = vec![];
    for entry in std::fs::read_dir(dir.join("data/outbox"))
        .into_iter()
        .flatten()
    {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    bytes
}

/// SPEC "Retention": "delete" means gone. A distinctive word in every free-text and contact
/// field the product has (the public complaint, staff intake, and every case form: notes,
/// identity check, correction, progress update, outcome and its action, the action's note,
/// closure, review, ending, the MP's details, the constituent's); then the retention run for
/// one case and the DPO's erasure for the other. None of the words is left in the database's
/// files (on SQLite the file and its write-ahead log; on PostgreSQL the database's files), in
/// the emails the files transport wrote, or in the server's log.
#[tokio::test]
async fn planted_words_are_gone_from_the_database_the_email_files_and_the_log_after_retention_and_erasure(
) {
    let s = staffed_with(&format!(
        "{FAST_OUTBOX}[retention]\nkeep_personal_summary = false\n"
    ))
    .await;
    let server = &s.server;
    let dir = s._dir.path();
    let mut words: Vec<&str> = vec![];
    let mut plant = |w: &'static str| {
        words.push(w);
        w
    };

    // The public complaint, for someone else (so identity is checked).
    let mut c = complaint("Ada Zqfullname");
    c["full_name"] = plant("Ada Zqfullname").into();
    c["address_line_1"] = "1 Zqstreet Road".into();
    plant("Zqstreet");
    c["address_line_2"] = "Zqlinetwo House".into();
    plant("Zqlinetwo");
    c["address_town"] = plant("Zqtown").into();
    c["email"] = "zqemail@example.com".into();
    plant("zqemail");
    c["phone"] = "07700 900417".into();
    plant("900417");
    c["adjustments"] = "Zqadjust: large print".into();
    plant("Zqadjust");
    c["on_behalf_of"] = "someone_else".into();
    c["other_person_name"] = plant("Zqother Person").into();
    c["other_person_relationship"] = plant("Zqrelation").into();
    c["other_person_agreed"] = true.into();
    c["service"] = plant("Zqservice").into();
    c["happened_when"] = plant("Zqwhen").into();
    c["description"] = "Zqdescription: my file was lost.".into();
    c["publication_opt_out"] = false.into();
    plant("Zqdescription");
    let r = server.post(&key(), &c).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let p = r.body["reference"].as_str().unwrap().replace('-', "");

    let mut kim = signed_in(server, "kim").await;
    let mut dee = signed_in(server, "dee").await;
    common::casework::wait_for_status(&server.db_path, &p, "acknowledged").await;
    note(&mut kim, &p, plant("Zqnote")).await;
    let today = chrono::Utc::now().date_naive().to_string();
    let post = case_post(
        &mut kim,
        &p,
        "flags/identity",
        &[("on", &today), ("how", plant("Zqidentity"))],
    )
    .await;
    assert_eq!(post.status, 303, "identity: {}", post.body);
    let post = case_post(
        &mut kim,
        &p,
        "correct",
        &[
            ("full_name", "Ada Zqfullname"),
            ("address_line_1", "1 Zqstreet Road"),
            ("address_line_2", "Zqcorrected House"),
            ("address_town", "Zqtown"),
            ("address_postcode", "NG2 7QP"),
            ("email", "zqemail@example.com"),
            ("phone", "07700 900417"),
            ("preferred_contact", "email"),
            ("consent_share", "yes"),
            ("reason", plant("Zqcorrectreason")),
        ],
    )
    .await;
    assert_eq!(post.status, 303, "correct: {}", post.body);
    plant("Zqcorrected");
    let post = case_post(
        &mut kim,
        &p,
        "assign",
        &[("handler", "kim"), ("independent", "yes")],
    )
    .await;
    assert_eq!(post.status, 303, "assign: {}", post.body);
    assert_eq!(
        case_post(&mut kim, &p, "investigate", &[]).await.status,
        303
    );
    let milestone = (chrono::Utc::now().date_naive() + chrono::Days::new(10)).to_string();
    let post = case_post(
        &mut kim,
        &p,
        "plan",
        &[
            ("scope", plant("Zqscope")),
            ("evidence", plant("Zqevidence")),
            ("stakeholders", plant("Zqstakeholders")),
            ("milestone_1_what", plant("Zqmilestone")),
            ("milestone_1_by", &milestone),
        ],
    )
    .await;
    assert_eq!(post.status, 303, "plan: {}", post.body);
    let post = case_post(
        &mut kim,
        &p,
        "measures",
        &[("measure", plant("Zqmeasure")), ("taken_on", &today)],
    )
    .await;
    assert_eq!(post.status, 303, "measure: {}", post.body);
    let post = case_post(
        &mut kim,
        &p,
        "findings",
        &[
            ("facts", plant("Zqfacts")),
            ("law", plant("Zqlaw")),
            ("risks", plant("Zqrisks")),
            ("breaches", plant("Zqbreaches")),
        ],
    )
    .await;
    assert_eq!(post.status, 303, "findings: {}", post.body);
    let later = (chrono::Utc::now().date_naive() + chrono::Days::new(120)).to_string();
    let post = case_post(
        &mut kim,
        &p,
        "update",
        &[
            ("progress", plant("Zqprogress")),
            ("revised_on", &later),
            ("why", plant("Zqwhy")),
        ],
    )
    .await;
    assert_eq!(post.status, 303, "update: {}", post.body);
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string();
    let post = case_post(
        &mut kim,
        &p,
        "outcome",
        &[
            ("category", "upheld"),
            ("summary", plant("Zqsummary")),
            ("investigation", plant("Zqinvestigation")),
            ("findings", plant("Zqfindings")),
            ("action_1_description", plant("Zqaction")),
            ("action_1_owner", plant("Zqowner Officer")),
            ("action_1_due_on", &due),
        ],
    )
    .await;
    assert_eq!(post.status, 303, "outcome: {}", post.body);
    common::casework::wait_for_status(&server.db_path, &p, "outcome_sent").await;
    let action = query_one(
        &server.db_path,
        "SELECT CAST(a.id AS TEXT) FROM case_actions a JOIN cases c ON c.id = a.case_id \
         WHERE c.reference = $1",
        &p,
    )
    .await;
    let post = case_post(
        &mut kim,
        &p,
        &format!("actions/{action}/done"),
        &[
            (&format!("done_on_{action}"), &today),
            (&format!("done_note_{action}"), plant("Zqdonenote")),
        ],
    )
    .await;
    assert_eq!(post.status, 303, "action done: {}", post.body);
    let post = case_post(
        &mut kim,
        &p,
        "close",
        &[
            ("resolution", plant("Zqresolution")),
            ("publication", plant("Zqpublication")),
            ("improvement_1_description", plant("Zqimprove")),
            ("improvement_1_owner", plant("Zqimprover Officer")),
            ("improvement_1_due_on", &due),
        ],
    )
    .await;
    assert_eq!(post.status, 303, "close: {}", post.body);
    let post = case_post(
        &mut kim,
        &p,
        "reopen",
        &[("review_reason", plant("Zqreview"))],
    )
    .await;
    assert_eq!(post.status, 303, "reopen: {}", post.body);
    let post = case_post(&mut kim, &p, "confirm", &[("confirm_independent", "yes")]).await;
    assert_eq!(post.status, 303, "confirm: {}", post.body);
    let post = case_post(
        &mut kim,
        &p,
        "end",
        &[
            ("ending", "not_data_protection"),
            ("referred_to", plant("Zqreferred")),
            ("note", plant("Zqendnote")),
        ],
    )
    .await;
    assert_eq!(post.status, 303, "end: {}", post.body);

    // Keyed in by staff from an MP's letter, with the MP's details recorded on the case.
    let mut ian = signed_in(server, "ian").await;
    let mut k = complaint("Ben Zqkeyedname");
    plant("Zqkeyedname");
    k["description"] = plant("Zqkeyeddescription").into();
    k["on_behalf_of"] = "mp".into();
    k["mp_name"] = plant("Zqmpname").into();
    k["mp_writing"] = true.into();
    k["mp_address"] = "House of Commons, Zqmpaddress".into();
    plant("Zqmpaddress");
    k["constituent_name"] = plant("Zqconstituent").into();
    k["constituent_address"] = plant("Zqconstituentaddress").into();
    let saved = common::casework::key_in_from_a_letter(&mut ian, &k).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let keyed = query_one(
        &server.db_path,
        "SELECT reference FROM cases WHERE complainant_name = $1",
        "Ben Zqkeyedname",
    )
    .await;
    let post = case_post(
        &mut kim,
        &keyed,
        "mp",
        &[
            ("mp_name", "Zqmpname"),
            ("mp_email", "zqmpemail@example.org"),
            ("mp_address", "House of Commons, Zqmpaddress"),
        ],
    )
    .await;
    assert_eq!(post.status, 303, "mp: {}", post.body);
    plant("zqmpemail");
    let post = case_post(
        &mut kim,
        &keyed,
        "reclassify",
        &[("reclassify_reason", plant("Zqreclassify"))],
    )
    .await;
    assert_eq!(post.status, 303, "reclassify: {}", post.body);
    common::casework::wait_for_status(&server.db_path, &p, "closed").await;

    // Every word is there to be found before.
    let words = words;
    let before = common::db::stored_bytes(&server.db_path).await;
    assert_eq!(
        found(&before, &words),
        words,
        "the test looks in the right place"
    );
    assert!(
        !found(&email_files(dir), &words).is_empty(),
        "the emails were written as files"
    );

    // The DPO erases the keyed-in case; a run a year and a day later reduces the other.
    let form = dee.get(&format!("/staff/cases/{keyed}/erase")).await;
    let post = dee
        .post(
            &format!("/staff/cases/{keyed}/erase"),
            &[
                ("_csrf", &form.csrf()),
                ("reason", "Erasure request"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(post.status, 303, "erase: {}", post.body);
    let mut other = instance(server).await;
    other.retention = server::retention::with_email_files(
        other.retention,
        &server::config::EmailConfig::Files {
            dir: dir.join("data/outbox"),
        },
    );
    let policy = RetentionPolicy {
        keep_personal_summary: false,
        ..RetentionPolicy::default()
    };
    let report = run_at(&other, &policy, a_year_and_a_day_later(), "t1").await;
    assert_eq!(report.counts.cases_reduced, 1, "{:?}", report.counts);

    let after = common::db::stored_bytes(&server.db_path).await;
    assert_eq!(
        found(&after, &words),
        Vec::<&str>::new(),
        "left in the database"
    );
    assert_eq!(
        found(&email_files(dir), &words),
        Vec::<&str>::new(),
        "left in the email files"
    );
    assert_eq!(
        found(server.log().as_bytes(), &words),
        Vec::<&str>::new(),
        "in the server's log"
    );
    // The history still says what staff did, without the words.
    let page = dee.get(&format!("/staff/cases/{p}")).await.body;
    for event in ["reopened for review", "action done", "identity verified"] {
        assert!(page.contains(event), "{event}");
    }
}
