//! Issue 28's outside attack run, as tests: each finding sent the way the attacker sent it
//! (raw bodies, slow sockets, several client addresses through the trusted proxy, posts from
//! another site), and what the service must do instead. Run on both stores by `.ci/test`.

mod common;

use common::browser::{signed_in, staffed, staffed_with, user_cli, Browser, PASSWORD};
use common::casework::{case_post, query_one};
use common::{complaint, key, TestServer};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Markup that ends a text box (or an attribute) and starts markup of its own.
const PLANTED: &str = "Large print</textarea><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/staff/sign-in\"><textarea>\"><b>x</b>";

fn no_markup_got_through(page: &str, where_: &str) {
    assert!(
        !page.contains("<meta http-equiv=\"refresh\""),
        "{where_}: {page}"
    );
    assert!(!page.contains("<b>x</b>"), "{where_}: {page}");
}

/// The DPO's subject-access search by name.
async fn search_by_name(dee: &mut Browser, term: &str) -> String {
    let found = dee
        .submit(
            "/staff/subject-access",
            "/staff/subject-access",
            &[("by", "name"), ("term", term)],
        )
        .await;
    found.body
}

#[tokio::test]
async fn answers_holding_markup_come_back_as_text_in_staff_pages_and_the_public_form() {
    let s = staffed().await;
    let server = &s.server;
    // Stored: through the API, into every multi-line answer.
    let mut body = complaint("Tess Textarea");
    body["adjustments"] = PLANTED.into();
    body["description"] = format!("What happened. {PLANTED}").into();
    body["outcomes_wanted"] = serde_json::json!(["other"]);
    body["outcome_other"] = PLANTED.into();
    let res = server.post(&key(), &body).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let r = res.body["reference"].as_str().unwrap().replace('-', "");
    for who in ["kim", "dee"] {
        let mut b = signed_in(server, who).await;
        for page in ["", "/correct", "/outcome", "/close", "/end", "/update"] {
            let p = b.get(&format!("/staff/cases/{r}{page}")).await;
            no_markup_got_through(&p.body, &format!("{who} /staff/cases/{r}{page}"));
        }
    }
    let mut dee = signed_in(server, "dee").await;
    let found = search_by_name(&mut dee, "Tess Textarea").await;
    no_markup_got_through(&found, "subject access");

    // Reflected: another site's page posting the form (refused outright now; see the
    // cross-site test), and the form's own page posting answers back with an error, a
    // change or the language switch.
    for extra in [
        vec![("_lang", "cy")],
        vec![("_goto", "details")],
        vec![("category", "no-such-category")],
        vec![],
    ] {
        for path in ["/complaint", "/cy/complaint"] {
            let mut fields = extra.clone();
            fields.extend([
                ("adjustments", PLANTED),
                ("description", PLANTED),
                ("outcome_other", PLANTED),
            ]);
            for step in ["details", "about-you", "check", "outcome"] {
                let res = server
                    .post_form_to(path, &key(), step, "Rae Reflected", &fields, &[])
                    .await;
                let status = res.status().as_u16();
                let page = res.text().await.unwrap();
                assert!(status < 500, "{path} {step}: {status}");
                no_markup_got_through(&page, &format!("{path} {step} {extra:?}"));
            }
        }
    }
}

#[tokio::test]
async fn form_posts_from_another_site_are_refused_and_the_forms_own_posts_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_configured(
        dir.path(),
        "public_url = \"https://complaints.example.gov.uk\"\n",
    )
    .await;
    // Full answers from "Check your answers", sent by another site's page.
    for (path, headers) in [
        (
            "/complaint",
            vec![
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://evil.example"),
            ],
        ),
        ("/cy/complaint", vec![("sec-fetch-site", "cross-site")]),
        ("/complaint", vec![("origin", "https://evil.example")]),
        ("/complaint", vec![("origin", "null")]),
        // A browser that says nothing and never loaded the form (no form cookie).
        ("/complaint", vec![("user-agent", "OldBrowser/1.0")]),
    ] {
        let mut form = common::form_fields(&complaint("Evie Elsewhere"));
        form.push(("_step".into(), "check".into()));
        form.push(("_key".into(), key()));
        form.push(("adjustments".into(), PLANTED.into()));
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut req = server
            .client
            .post(format!("{}{path}", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (k, v) in &headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403, "{path} {headers:?}");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let page = res.text().await.unwrap();
        no_markup_got_through(&page, "refusal");
        assert!(!page.contains("Evie"), "nothing of the post is shown back");
        if path.starts_with("/cy") {
            assert!(
                page.contains("Nid yw eich cwyn wedi cael ei hanfon"),
                "{page}"
            );
        } else {
            assert!(page.contains("Your complaint has not been sent"), "{page}");
        }
    }
    assert_eq!(
        server.count("cases").await,
        0,
        "nothing from another site was kept"
    );

    // The form's own pages: same origin, the council's site framing it (same site), a typed
    // address, the form's address as Origin, and an old browser that loaded the form first.
    let before = server.count("cases").await;
    let page = server
        .client
        .get(format!("{}/complaint", server.base))
        .send()
        .await
        .unwrap();
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("intake_form="))
        .expect("the form sets its cookie");
    assert!(
        cookie.contains("SameSite=Strict")
            && cookie.contains("HttpOnly")
            && cookie.contains("Secure")
    );
    let cookie = cookie.split(';').next().unwrap().to_string();
    for headers in [
        vec![("sec-fetch-site", "same-origin")],
        vec![("sec-fetch-site", "same-site")],
        vec![("sec-fetch-site", "none")],
        vec![("origin", "https://complaints.example.gov.uk")],
        vec![("cookie", cookie.as_str())],
    ] {
        let res = server
            .post_form_to(
                "/complaint",
                &key(),
                "check",
                "Olive Ownsite",
                &[],
                &headers,
            )
            .await;
        assert_eq!(res.status(), 200, "{headers:?}");
        assert!(
            res.text().await.unwrap().contains("class=\"reference\""),
            "{headers:?}"
        );
    }
    assert_eq!(server.count("cases").await, before + 5);
}

#[tokio::test]
async fn a_restricted_case_stays_out_of_the_print_queue_the_letters_and_its_receipt() {
    let s = staffed_with("[outbox]\npoll_ms = 50\n").await;
    let server = &s.server;
    // Keyed in by intake from a letter: the acknowledgement goes by post.
    let mut ian = signed_in(server, "ian").await;
    let saved =
        common::casework::key_in_from_a_letter(&mut ian, &complaint("Rowan Restricted")).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let receipt = saved.location.clone().unwrap();
    assert_eq!(ian.get(&receipt).await.status, 200);
    let r = query_one(
        &server.db_path,
        "SELECT reference FROM cases WHERE complainant_name = $1",
        "Rowan Restricted",
    )
    .await;
    let mut kim = signed_in(server, "kim").await;
    assert!(kim
        .get("/staff/post")
        .await
        .body
        .contains("Rowan Restricted"));
    let id = query_one(
        &server.db_path,
        "SELECT CAST(o.id AS TEXT) FROM outbox o JOIN cases c ON c.id = o.case_id \
         WHERE c.reference = $1 AND o.channel = 'post'",
        &r,
    )
    .await;

    let mut dee = signed_in(server, "dee").await;
    let p = case_post(
        &mut dee,
        &r,
        "restrict",
        &[("restrict_reason", "Accuracy contested")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);

    // The handler: not in the queue, not in the print-out, cannot mark it posted.
    let queue = kim.get("/staff/post").await.body;
    assert!(!queue.contains("Rowan") && !queue.contains(&r), "{queue}");
    let print = kim.get("/staff/post/print").await.body;
    assert!(
        !print.contains("Rowan") && !print.contains("1 High Street"),
        "{print}"
    );
    let token = kim.get("/staff/post").await.csrf();
    let marked = kim
        .post(
            &format!("/staff/post/{id}/posted"),
            &[("_csrf", token.as_str())],
        )
        .await;
    assert_eq!(marked.status, 404);
    let status = query_one(
        &server.db_path,
        "SELECT status FROM outbox WHERE CAST(id AS TEXT) = $1",
        &id,
    )
    .await;
    assert_eq!(status, "waiting", "still waiting to be posted");
    // Nor in the register's downloads or the actions list.
    for download in ["/staff/register.csv?status=all", "/staff/actions"] {
        let body = kim.get(download).await.body;
        assert!(!body.contains("Rowan") && !body.contains(&r), "{download}");
    }
    assert!(dee
        .get("/staff/register.csv?status=all")
        .await
        .body
        .contains("Rowan Restricted"));
    // Its letter and its receipt: refused to everyone but the DPO, even who keyed it in.
    assert_eq!(ian.get(&receipt).await.status, 404);
    let letters = kim.get(&format!("/staff/cases/{r}")).await;
    assert_eq!(letters.status, 403);
    // The DPO sees and works it.
    assert!(dee
        .get("/staff/post")
        .await
        .body
        .contains("Rowan Restricted"));
    assert_eq!(dee.get(&receipt).await.status, 200);
}

#[tokio::test]
async fn guesses_at_one_account_from_many_addresses_are_slowed_together_and_audited() {
    let s = staffed_with("trusted_proxies = [\"127.0.0.1\"]\n").await;
    let server = &s.server;
    // A browser the account has signed in with before (it keeps its device cookie).
    let mut own = Browser::new(server);
    assert_eq!(own.sign_in("kim", PASSWORD).await.status, 303);
    let device = own
        .device_cookie
        .clone()
        .expect("a device cookie at sign-in");

    // 20 addresses of one attacker (and 20 of one IPv6 /64, one client), 5 guesses each.
    let mut statuses = Vec::new();
    for n in 0..20 {
        let from = format!("198.51.100.{n}");
        for i in 0..5 {
            let mut b = Browser::new(server);
            b.forwarded_for = Some(from.clone());
            let p = b.sign_in("kim", &format!("wrong guess {i}")).await;
            statuses.push(p.status);
        }
    }
    let checked = statuses.iter().filter(|s| **s == 422).count();
    let slowed = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        checked, 10,
        "only the account's allowance was checked: {statuses:?}"
    );
    assert_eq!(slowed, 90);
    let failed = common::db::number(
        &server.db_path,
        "SELECT COUNT(*) FROM audit_events WHERE action = 'failed sign-in' AND username = $1",
        &["kim"],
    )
    .await;
    assert_eq!(failed, 10);
    let audited = common::db::number(
        &server.db_path,
        "SELECT COUNT(*) FROM audit_events WHERE action = 'sign-ins slowed' AND username = $1",
        &["kim"],
    )
    .await;
    assert_eq!(audited, 1);
    // A stranger's browser is told why and what to do.
    let mut stranger = Browser::new(server);
    stranger.forwarded_for = Some("203.0.113.77".into());
    let p = stranger.sign_in("kim", PASSWORD).await;
    assert_eq!(p.status, 429);
    assert!(p.body.contains("from different places"), "{}", p.body);
    // The real person, on a computer they used before, still gets in.
    let mut again = Browser::new(server);
    again.device_cookie = Some(device);
    again.forwarded_for = Some("203.0.113.78".into());
    assert_eq!(again.sign_in("kim", PASSWORD).await.status, 303);
    // Their signing in clears it for everyone.
    assert_eq!(stranger.sign_in("kim", PASSWORD).await.status, 303);

    // An unknown username is slowed the same way: nothing tells the two apart.
    let mut last = 0;
    for n in 0..12 {
        let mut b = Browser::new(server);
        b.forwarded_for = Some(format!("2001:db8:{n}::1"));
        last = b.sign_in("nobody", "wrong guess").await.status;
    }
    assert_eq!(last, 429);
    // The DPO's unlock releases an account at once.
    for n in 0..12 {
        let mut b = Browser::new(server);
        b.forwarded_for = Some(format!("192.0.2.{n}"));
        b.sign_in("dee", "wrong guess").await;
    }
    let mut dee_elsewhere = Browser::new(server);
    dee_elsewhere.forwarded_for = Some("192.0.2.200".into());
    assert_eq!(dee_elsewhere.sign_in("dee", PASSWORD).await.status, 429);
    let out = user_cli(&server.db_path, &["sign-out", "kim"], "");
    assert!(out.status.success());
}

#[tokio::test]
async fn a_new_password_a_new_role_disabling_and_sign_out_end_the_accounts_sessions_at_once() {
    let s = staffed().await;
    let server = &s.server;
    let db = &server.db_path;
    let mut kim = signed_in(server, "kim").await;
    let mut kim_too = signed_in(server, "kim").await;
    assert_eq!(kim.get("/staff/register").await.status, 200);

    let signed_out = |page: common::browser::Page| {
        page.status == 303
            && page
                .location
                .as_deref()
                .is_some_and(|l| l.starts_with("/staff/sign-in"))
    };
    // A new password: both sessions end; the new password signs in.
    let new = "a brand new password of some length";
    let out = user_cli(db, &["password", "kim"], &format!("{new}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("every session it had open has ended"));
    assert!(signed_out(kim.get("/staff/register").await));
    assert!(signed_out(kim_too.get("/staff/register").await));
    let mut kim = Browser::new(server);
    assert_eq!(kim.sign_in("kim", new).await.status, 303);
    assert_eq!(kim.get("/staff/register").await.status, 200);

    // A new role.
    let out = user_cli(db, &["role", "kim", "intake"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(signed_out(kim.get("/staff/register").await));
    let mut kim = Browser::new(server);
    assert_eq!(kim.sign_in("kim", new).await.status, 303);
    assert_eq!(
        kim.get("/staff/register").await.status,
        403,
        "an intake account now"
    );

    // Signed out everywhere, then disabled: no sign-in at all; enabled again: it signs in.
    let out = user_cli(db, &["sign-out", "kim"], "");
    assert!(out.status.success());
    assert!(signed_out(kim.get("/staff/intake").await));
    let mut kim = Browser::new(server);
    assert_eq!(kim.sign_in("kim", new).await.status, 303);
    let out = user_cli(db, &["disable", "kim"], "");
    assert!(out.status.success());
    assert!(signed_out(kim.get("/staff/intake").await));
    let mut again = Browser::new(server);
    assert_eq!(again.sign_in("kim", new).await.status, 422);
    let out = user_cli(db, &["enable", "kim"], "");
    assert!(out.status.success());
    assert!(
        signed_out(kim.get("/staff/intake").await),
        "enabling revives no old session"
    );
    assert_eq!(again.sign_in("kim", new).await.status, 303);
    // Every change is in the audit trail, and an unknown account is an error.
    let mut dee = signed_in(server, "dee").await;
    let audit = dee.get("/staff/audit").await.body;
    for action in [
        "changed a role",
        "ended an account",
        "disabled an account",
        "enabled an account",
    ] {
        assert!(audit.contains(action), "{action}");
    }
    let out = user_cli(db, &["disable", "nobody"], "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no account called nobody"));
}

#[tokio::test]
async fn odd_paths_and_impossible_dates_get_clear_answers_never_a_server_error() {
    let s = staffed().await;
    let server = &s.server;
    let long = "a".repeat(256);
    for path in [
        format!("/{long}"),
        format!("/pkg/{}.js", "b".repeat(300)),
        format!("/cy/{long}"),
        format!("/staff/{long}"),
        format!("/{}", "%41".repeat(100)),
        format!("/{long}/{long}"),
    ] {
        let res = server
            .client
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains("Page not found")
                || page.contains("Heb ddod o hyd i")
                || page.contains("not found"),
            "{path}: {page}"
        );
    }
    // Headers: the accessibility statement is a page like the others; a form too large to
    // read is an error, and no error is kept by a cache.
    for path in ["/accessibility", "/cy/accessibility"] {
        let res = server
            .client
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["cache-control"],
            "private, no-cache",
            "{path}"
        );
    }
    let huge = "x".repeat(70_000);
    let res = server
        .post_form(
            "",
            "details",
            "Big Form",
            &[("description", huge.as_str())],
            &[],
        )
        .await;
    assert_eq!(res.status(), 413);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let mut kim = signed_in(server, "kim").await;
    for page in ["/staff/reports", "/staff/reports.csv", "/staff/reports.ods"] {
        for (from, to) in [
            ("-262143-01-01", "-262143-03-31"),
            ("%2B262142-01-01", "%2B262142-03-31"),
            ("0000-01-01", "0000-03-31"),
            ("1999-12-31", "2000-01-31"),
        ] {
            let p = kim.get(&format!("{page}?from={from}&to={to}")).await;
            assert_eq!(p.status, 400, "{page} {from}");
            assert!(
                p.body
                    .contains("Enter dates from the year 2000 to the year 2999")
                    || p.body.contains("Enter the dates like 2026-10-01"),
                "{}",
                p.body
            );
        }
    }
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

#[tokio::test]
async fn one_submission_allowance_per_client_whatever_the_route_and_addresses_read_as_clients() {
    use app::domain::lines;
    use app::flow::{Submission, SUBMISSION_MEDIA_TYPE, SUBMISSION_TAG};
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_configured(
        dir.path(),
        "trusted_proxies = [\"127.0.0.1\"]\n[limits]\nclient_burst = 3\nclient_every_seconds = 3600\n",
    )
    .await;
    let api = |from: &str| {
        server
            .client
            .post(format!("{}/api/v1/complaints", server.base))
            .header("content-type", "application/json")
            .header("idempotency-key", key())
            .header("x-forwarded-for", from.to_string())
            .json(&complaint("Lim Ited"))
            .send()
    };
    let widget = |from: &str| {
        let input: app::domain::complaint::ComplaintInput =
            serde_json::from_value(complaint("Wid Get")).unwrap();
        let body = lines::encode(
            SUBMISSION_TAG,
            &Submission {
                input,
                key: uuid::Uuid::new_v4(),
                lang: app::i18n::Lang::En,
            },
        );
        server
            .client
            .post(format!(
                "{}{}",
                server.base,
                app::ui::journey::SUBMISSION_PATH
            ))
            .header("content-type", SUBMISSION_MEDIA_TYPE)
            .header("x-forwarded-for", from.to_string())
            .body(body)
            .send()
    };
    // Three from one client, by the API and then the widget: the widget has no allowance of
    // its own.
    let a = "203.0.113.5";
    for _ in 0..3 {
        assert_eq!(api(a).await.unwrap().status(), 201);
    }
    assert_eq!(api(a).await.unwrap().status(), 429);
    assert_eq!(widget(a).await.unwrap().status(), 429);
    let form = server
        .post_form("", "check", "Form Post", &[], &[("x-forwarded-for", a)])
        .await;
    assert_eq!(form.status(), 429);
    // "unknown" before the real address does not move the client into another bucket.
    assert_eq!(api(&format!("unknown, {a}")).await.unwrap().status(), 429);
    assert_eq!(api(&format!("{a}, unknown")).await.unwrap().status(), 429);
    // Sixty addresses of one IPv6 /64 are one client.
    let mut accepted = 0;
    for n in 0..60 {
        if api(&format!("2001:db8:5:6::{n:x}")).await.unwrap().status() == 201 {
            accepted += 1;
        }
    }
    assert_eq!(accepted, 3);
    // Another client is not held back.
    assert_eq!(widget("198.51.100.9").await.unwrap().status(), 200);
}

/// Starts a request whose body never finishes: `Content-Length: 65000`, then a byte at a time.
async fn slow_post(addr: &str) -> Option<tokio::net::TcpStream> {
    let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
    s.write_all(
        b"POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: 3f2c6f1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f\r\nContent-Length: 65000\r\n\r\n{",
    )
    .await
    .ok()?;
    Some(s)
}

/// `/health` from another address (127.0.0.2 is this machine too, but another client).
async fn health_from_elsewhere(addr: &str) -> u16 {
    let port: u16 = addr.rsplit(':').next().unwrap().parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
    let mut s = socket
        .connect(format!("127.0.0.1:{port}").parse().unwrap())
        .await
        .unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf))
        .await
        .expect("an answer within 10 s")
        .unwrap();
    let head = String::from_utf8_lossy(&buf);
    head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[tokio::test]
async fn one_client_holding_slow_connections_cannot_take_them_all_and_trickled_bodies_are_cut_off()
{
    let dir = tempfile::tempdir().unwrap();
    let config = "[connections]\nmax_per_client = 8\nbody_read_seconds = 3\nidle_seconds = 2\n";
    let server = TestServer::start_configured(dir.path(), config).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    // 60 slow posts from one client: only 8 are kept open, the rest closed at once.
    let mut slow = Vec::new();
    for _ in 0..60 {
        if let Some(s) = slow_post(&addr).await {
            slow.push(s);
        }
    }
    // Keep trickling a byte every half second to every connection still open.
    let mut open = 0;
    let mut answers = Vec::new();
    for round in 0..12 {
        let mut still = Vec::new();
        for mut s in slow.drain(..) {
            if s.write_all(b" ").await.is_ok() {
                still.push(s);
            }
        }
        slow = still;
        if round == 1 {
            // Another client is answered meanwhile.
            answers.push(health_from_elsewhere(&addr).await);
            // Count the connections the server kept: those that are not closed on a read.
            open = 0;
            for s in &mut slow {
                let mut b = [0u8; 1];
                // Nothing to read yet: still open.
                if tokio::time::timeout(Duration::from_millis(20), s.read(&mut b))
                    .await
                    .is_err()
                {
                    open += 1;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(open <= 8, "{open} slow connections held by one client");
    assert!(open >= 1, "some were kept");
    assert_eq!(answers, [200]);
    // Six seconds of trickling later (the deadline is three), every kept one was answered 408
    // or closed, though a byte arrived every half second.
    for mut s in slow {
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "a trickled body was cut off");
        let text = String::from_utf8_lossy(&buf);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 408"),
            "{text}"
        );
    }
    assert_eq!(health_from_elsewhere(&addr).await, 200);
    assert_eq!(server.count("cases").await, 0);
}

#[tokio::test]
async fn an_idle_http2_connection_is_closed_though_it_answers_pings() {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    let dir = tempfile::tempdir().unwrap();
    let server =
        TestServer::start_configured(dir.path(), "[connections]\nidle_seconds = 2\n").await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut send, connection) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
        .timer(TokioTimer::new())
        // The client pings every half second and answers the server's pings.
        .keep_alive_interval(Duration::from_millis(500))
        .keep_alive_while_idle(true)
        .handshake::<_, http_body_util::Empty<bytes::Bytes>>(TokioIo::new(stream))
        .await
        .unwrap();
    let conn = tokio::spawn(connection);
    let req = hyper::Request::get(format!("{}/health", server.base))
        .body(http_body_util::Empty::new())
        .unwrap();
    let res = send.send_request(req).await.unwrap();
    assert_eq!(res.status(), 200);
    // Idle, pinging: closed by the server after about two seconds (well within 20).
    let closed = tokio::time::timeout(Duration::from_secs(20), conn).await;
    assert!(closed.is_ok(), "the idle HTTP/2 connection was closed");
}

#[tokio::test]
async fn spreadsheet_cells_are_text_in_ods_and_made_plain_in_csv_and_invisible_characters_refused()
{
    let s = staffed().await;
    let server = &s.server;
    for name in ["Sam;=1+1", "\u{FF1D}HYPERLINK(\"x\")", "Ann|@SUM(A1)"] {
        let res = server.post(&key(), &complaint(name)).await;
        assert_eq!(res.status, 201, "{name}");
    }
    let mut kim = signed_in(server, "kim").await;
    let csv = kim.get("/staff/register.csv").await.body;
    assert!(csv.contains("Sam;'=1+1"), "{csv}");
    assert!(csv.contains("'\u{FF1D}HYPERLINK"), "{csv}");
    assert!(csv.contains("Ann|'@SUM(A1)"), "{csv}");
    for line in csv.lines() {
        for cell in line.split([',', ';', '\t', '|']) {
            let cell = cell.trim_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF20}']),
                "{cell:?} in {line}"
            );
        }
    }
    let ods = reqwest::Client::new()
        .get(format!("{}/staff/register.ods", server.base))
        .header("cookie", kim.cookie_header())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let book = spreadsheet_ods::read_ods_buf(&ods).unwrap();
    let sheet = book.sheet(0);
    let mut names = Vec::new();
    for r in 0..sheet.used_grid_size().0 {
        for c in 0..sheet.used_grid_size().1 {
            let v = sheet.value(r, c);
            if let Some(t) = v.as_str_opt() {
                names.push(t.to_string());
                assert!(
                    !t.starts_with('\''),
                    "no apostrophe shows in the spreadsheet: {t:?}"
                );
                assert!(sheet.formula(r, c).is_none());
            }
        }
    }
    assert!(names.iter().any(|n| n == "Sam;=1+1"), "{names:?}");

    // Invisible characters are refused; look-alike spaces stored as spaces, and found.
    for hidden in [
        '\u{034F}',
        '\u{206A}',
        '\u{FE00}',
        '\u{E0100}',
        '\u{180B}',
        '\u{1D173}',
    ] {
        let res = server
            .post(&key(), &complaint(&format!("Vic{hidden} Visible")))
            .await;
        assert_eq!(res.status, 422, "U+{:04X}", hidden as u32);
        assert_eq!(res.body["errors"][0]["field"], "full_name");
    }
    for space in ['\u{00A0}', '\u{2002}', '\u{202F}', '\u{3000}', ' '] {
        let res = server
            .post(&key(), &complaint(&format!("Nia{space}Normal")))
            .await;
        assert_eq!(res.status, 201);
    }
    let stored = common::db::number(
        &server.db_path,
        "SELECT COUNT(*) FROM cases WHERE complainant_name = $1",
        &["Nia Normal"],
    )
    .await;
    assert_eq!(stored, 5);
    let mut dee = signed_in(server, "dee").await;
    let found = search_by_name(&mut dee, "Nia\u{00A0}\u{200B}Normal").await;
    assert_eq!(found.matches("Nia Normal").count().min(5), 5, "{}", found);
    let _ = PASSWORD;
}
