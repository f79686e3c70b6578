//! Abuse and faults, from outside: a sign-in burst that cannot be raced and cannot lock the
//! real person out, rate limits per client behind a proxy, slow and idle connections, the
//! server function answering like the API, and the smaller holes.

mod common;

use common::browser::{add_user, staffed_with, Browser, PASSWORD};
use common::{complaint, key, TestServer};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BEHIND_PROXY: &str = r#"
trusted_proxies = ["127.0.0.1"]
"#;

/// One sign-in post as a given client (through the trusted proxy), with a session's token.
async fn sign_in_as(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    token: &str,
    from: &str,
    username: &str,
    password: &str,
) -> (u16, String) {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("_csrf", token),
            ("username", username),
            ("password", password),
            ("next", "/staff"),
        ])
        .finish();
    let res = client
        .post(format!("{base}/staff/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .header("x-forwarded-for", from)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    // The form's token differs per session; the rest of the page must not.
    let text = text
        .split("name=\"_csrf\" value=\"")
        .map(|part| part.get(64..).unwrap_or(part))
        .collect::<Vec<_>>()
        .join("");
    (status, text)
}

async fn burst(s: &common::browser::Staffed, username: &str, from: &str) -> Vec<(u16, String)> {
    let mut b = Browser::new(&s.server);
    let page = b.get("/staff/sign-in").await;
    let token = page.csrf();
    let cookie = b.cookie_header();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let (client, base, cookie, token) = (
                client.clone(),
                s.server.base.clone(),
                cookie.clone(),
                token.clone(),
            );
            let (username, from) = (username.to_string(), from.to_string());
            tokio::spawn(async move {
                sign_in_as(
                    &client,
                    &base,
                    &cookie,
                    &token,
                    &from,
                    &username,
                    &format!("wrong {i}"),
                )
                .await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    answers.sort();
    answers
}

async fn failed_checks(db: &std::path::Path, username: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM audit_events WHERE action = 'failed sign-in' AND username = $1";
    common::db::number(db, sql, &[username]).await
}

#[tokio::test]
async fn a_burst_of_wrong_passwords_is_bounded_looks_the_same_for_unknown_names_and_locks_nobody_out(
) {
    let s = staffed_with(BEHIND_PROXY).await;
    let attacker = "203.0.113.66";
    let real = burst(&s, "kim", attacker).await;
    // At most the policy's five checks; every other attempt refused before any hashing.
    assert_eq!(failed_checks(&s.server.db_path, "kim").await, 5);
    let statuses: Vec<u16> = real.iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 422).count(), 5);
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 95);

    // The same burst at a username that does not exist looks the same from outside.
    let unknown = burst(&s, "nobody", "203.0.113.67").await;
    let unknown_statuses: Vec<u16> = unknown.iter().map(|(s, _)| *s).collect();
    assert_eq!(unknown_statuses, statuses);
    let strip = |answers: &[(u16, String)], name: &str| -> Vec<String> {
        answers
            .iter()
            .map(|(_, b)| {
                b.replace(name, "USER")
                    .replace(|c: char| c.is_ascii_digit(), "#")
            })
            .collect()
    };
    for (a, b) in strip(&unknown, "nobody").iter().zip(strip(&real, "kim")) {
        if *a != b {
            let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
            let window = |s: &str| {
                s.chars()
                    .skip(at.saturating_sub(80))
                    .take(160)
                    .collect::<String>()
            };
            panic!("answers differ:\n{}\n{}", window(a), window(&b));
        }
    }

    // The real person, at their own desk, signs in at once.
    let mut desk = Browser::new(&s.server);
    let page = desk.get("/staff/sign-in").await;
    let cookie = desk.cookie_header();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (status, _) = sign_in_as(
        &client,
        &s.server.base,
        &cookie,
        &page.csrf(),
        "198.51.100.20",
        "kim",
        PASSWORD,
    )
    .await;
    assert_eq!(status, 303, "the real user is not locked out by a stranger");
    // The attacker's address, even with the right password, waits.
    let mut other = Browser::new(&s.server);
    let page = other.get("/staff/sign-in").await;
    let cookie = other.cookie_header();
    let (status, body) = sign_in_as(
        &client,
        &s.server.base,
        &cookie,
        &page.csrf(),
        attacker,
        "kim",
        PASSWORD,
    )
    .await;
    assert_eq!(status, 429);
    assert!(body.contains("This account is locked on this device"));
}

#[tokio::test]
async fn complaints_from_one_client_meet_the_limit_and_others_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let config =
        format!("{BEHIND_PROXY}\n[limits]\nclient_burst = 5\nclient_every_seconds = 600\n");
    let server = TestServer::start_configured(dir.path(), &config).await;
    let send = |from: &'static str| {
        let client = server.client.clone();
        let base = server.base.clone();
        async move {
            client
                .post(format!("{base}/api/v1/complaints"))
                .header("content-type", "application/json")
                .header("idempotency-key", key())
                .header("x-forwarded-for", from)
                .json(&complaint("Flood Example"))
                .send()
                .await
                .unwrap()
        }
    };
    let mut accepted = 0;
    let mut limited = 0;
    for chunk in 0..40 {
        let mut batch = Vec::new();
        for _ in 0..50 {
            batch.push(tokio::spawn(send("203.0.113.9")));
        }
        for b in batch {
            let r = b.await.unwrap();
            match r.status().as_u16() {
                201 => accepted += 1,
                429 => {
                    limited += 1;
                    let wait: u64 = r.headers()["retry-after"]
                        .to_str()
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert!(wait >= 1);
                    let body: serde_json::Value = r.json().await.unwrap();
                    assert!(body["errors"][0]["message"]
                        .as_str()
                        .unwrap()
                        .contains("Too many requests"));
                }
                other => panic!("chunk {chunk}: {other}"),
            }
        }
    }
    assert_eq!((accepted, limited), (5, 1995));
    assert_eq!(server.count("cases").await, 5);
    // Another client behind the same proxy is unaffected.
    assert_eq!(send("198.51.100.7").await.status(), 201);

    // A person sending the form without JavaScript from the limited address gets a page that
    // offers the telephone.
    let page = server
        .post_form(
            &key(),
            "check",
            "Page Example",
            &[],
            &[("x-forwarded-for", "203.0.113.9")],
        )
        .await;
    assert_eq!(page.status(), 429);
    assert!(page.headers().contains_key("retry-after"));
    let text = page.text().await.unwrap();
    assert!(text.contains("by telephone on 0300 123 4567"), "{text}");
    // And in Welsh, marked as Welsh (the limit cannot tell which language the page was in).
    assert!(text.contains(r#"<div lang="cy">"#), "{text}");
    assert!(text.contains("dros y ffôn ar 0300 123 4567"), "{text}");
}

#[tokio::test]
async fn slow_and_idle_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let config = "[connections]\nheader_read_seconds = 1\nidle_seconds = 1\n";
    let server = TestServer::start_configured(dir.path(), config).await;
    let addr = server.base.trim_start_matches("http://").to_string();

    // Half a request's headers, then nothing (slowloris).
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(15), slow.read_to_end(&mut buf)).await;
    assert!(closed.is_ok(), "the slow connection was closed");

    // A whole request, then an idle keep-alive connection.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(15), idle.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the idle connection was closed");

    // The server still answers.
    let health = server.get_json("/health").await;
    assert_eq!(health["status"], "ok");
}

#[tokio::test]
async fn the_widgets_send_refuses_anything_but_its_own_format_and_cannot_be_posted_from_elsewhere()
{
    use app::domain::complaint::ComplaintInput;
    use app::domain::lines;
    use app::flow::{
        Submission, SubmitOutcome, OUTCOME_TAG, SUBMISSION_MEDIA_TYPE, SUBMISSION_TAG,
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    let post = |content_type: &'static str, body: Vec<u8>| {
        server
            .client
            .post(format!("{}/api/submit-complaint", server.base))
            .header("content-type", content_type)
            .header("referer", "https://evil.example/")
            .body(body)
            .send()
    };
    let input: ComplaintInput = serde_json::from_value(complaint("Fn Example")).unwrap();
    let good = |key: uuid::Uuid| {
        let sent = Submission {
            input: input.clone(),
            key,
            lang: app::i18n::Lang::En,
        };
        lines::encode(SUBMISSION_TAG, &sent).into_bytes()
    };
    let forged = format!("{SUBMISSION_TAG}\n{}\n", key()).into_bytes();
    for (what, content_type, body, want) in [
        // What an HTML form on another site can send, and JSON: refused before reading.
        ("plain text", "text/plain", good(uuid::Uuid::new_v4()), 415),
        (
            "a form",
            "application/x-www-form-urlencoded",
            b"full_name=x".to_vec(),
            415,
        ),
        ("JSON", "application/json", b"{}".to_vec(), 415),
        (
            "not the format",
            SUBMISSION_MEDIA_TYPE,
            b"hello".to_vec(),
            400,
        ),
        ("cut short", SUBMISSION_MEDIA_TYPE, forged, 400),
        (
            "not UTF-8",
            SUBMISSION_MEDIA_TYPE,
            vec![0xff, 0xfe, 0x00],
            400,
        ),
        // Last: the server closes the connection after refusing it.
        (
            "two megabytes",
            SUBMISSION_MEDIA_TYPE,
            "a".repeat(2_000_000).into_bytes(),
            413,
        ),
    ] {
        let res = match post(content_type, body).await {
            Ok(r) => r,
            // The server answers 413 as soon as the limit is passed and closes the connection
            // while this client is still sending: refused either way.
            Err(e) if want == 413 => {
                assert!(
                    e.is_request() || e.is_body() || e.is_connect(),
                    "{what}: {e}"
                );
                continue;
            }
            Err(e) => panic!("{what}: {e}"),
        };
        let status = res.status().as_u16();
        assert!(
            res.headers().get("location").is_none(),
            "{what}: no redirect"
        );
        let text = res.text().await.unwrap();
        assert_eq!(status, want, "{what}: {}", &text[..text.len().min(300)]);
        let json: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{what}: not JSON: {}", &text[..text.len().min(300)]));
        let message = json["errors"][0]["message"].as_str().unwrap_or("");
        assert!(!message.is_empty(), "{what}: {json}");
        if want == 415 {
            assert!(message.contains(SUBMISSION_MEDIA_TYPE), "{what}: {message}");
        }
    }
    assert_eq!(server.count("cases").await, 0);

    // Another site's page asking the browser whether it may post: no permission given.
    let preflight = server
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/submit-complaint", server.base),
        )
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    // The widget's own: stored once, answered in the same format, the same key again the same.
    let k = uuid::Uuid::new_v4();
    let mut references = Vec::new();
    for already in [false, true] {
        let res = post(SUBMISSION_MEDIA_TYPE, good(k)).await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let text = res.text().await.unwrap();
        match lines::decode(OUTCOME_TAG, &text) {
            Some(SubmitOutcome::Received {
                receipt,
                already: a,
            }) => {
                assert_eq!(a, already);
                references.push(receipt.reference);
            }
            other => panic!("{other:?}: {text}"),
        }
    }
    assert_eq!(references[0], references[1]);
    assert_eq!(server.count("cases").await, 1);
    // Answers that break a rule come back as the fields' errors, and nothing is stored.
    let mut bad = input.clone();
    bad.email = Some("not an address".into());
    let sent = Submission {
        input: bad,
        key: uuid::Uuid::new_v4(),
        lang: app::i18n::Lang::En,
    };
    let res = post(
        SUBMISSION_MEDIA_TYPE,
        lines::encode(SUBMISSION_TAG, &sent).into_bytes(),
    )
    .await
    .unwrap();
    let text = res.text().await.unwrap();
    match lines::decode(OUTCOME_TAG, &text) {
        Some(SubmitOutcome::Invalid(errors)) => {
            assert!(errors.iter().any(|e| e.field == "email"), "{errors:?}")
        }
        other => panic!("{other:?}: {text}"),
    }
    assert_eq!(server.count("cases").await, 1);
}

#[tokio::test]
async fn the_smaller_holes_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_configured(
        dir.path(),
        "public_url = \"https://complaints.example.gov.uk\"\n",
    )
    .await;
    let get = |path: &str| server.client.get(format!("{}{path}", server.base)).send();
    // HSTS where the service is reached over https.
    let home = get("/").await.unwrap();
    assert_eq!(
        home.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    assert_eq!(
        home.headers()["cache-control"],
        "private, no-cache",
        "pages carry a nonce: never from a shared cache"
    );
    // Missing pages and files are not cached.
    for path in ["/no-such-page", "/pkg/intake.0000.wasm"] {
        let r = get(path).await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
    }
    // A control character in `next` is refused quietly, not a crash.
    let r = get("/staff/sign-in?next=/staff%0d%0aX:1").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(!r.text().await.unwrap().contains("X:1"));
    // One canonical idempotency key.
    for bad in [
        "00000000-0000-0000-0000-000000000000",
        "{3f2c6f1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f}",
        "urn:uuid:3f2c6f1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f",
        "3f2c6f1e8a4b4c2d9e1f0a1b2c3d4e5f",
    ] {
        let r = server.post(bad, &complaint("Key Example")).await;
        assert_eq!(r.status, 400, "{bad:?}");
        assert_eq!(r.body["errors"][0]["field"], "Idempotency-Key");
    }
    let twice = server
        .client
        .post(format!("{}/api/v1/complaints", server.base))
        .header("content-type", "application/json")
        .header("idempotency-key", key())
        .header("idempotency-key", key())
        .json(&complaint("Two Keys"))
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), 400);
    // Anonymous visits to the staff pages write no session rows.
    for _ in 0..200 {
        assert_eq!(get("/staff/sign-in").await.unwrap().status(), 200);
    }
    assert_eq!(server.count(common::db::sessions_table()).await, 0);
    // Invisible characters in a complaint are refused with a clear message.
    let mut hidden = complaint("Sam\u{200B}Example");
    hidden["description"] = serde_json::Value::String("Fine text".into());
    let r = server.post(&key(), &hidden).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["field"], "full_name");
    assert_eq!(server.count("cases").await, 0);
}

#[tokio::test]
async fn intake_staff_see_only_the_receipts_they_keyed_in() {
    let s = common::browser::staffed().await;
    let out = add_user(&s.server.db_path, "ivy", "intake", "Ivy Intake", PASSWORD);
    assert!(out.status.success());
    let reference = common::browser::a_case(&s.server).await;
    let mut ivy = common::browser::signed_in(&s.server, "ivy").await;
    let page = ivy.get(&format!("/staff/intake/{reference}")).await;
    assert_eq!(page.status, 404, "not keyed in by ivy");
    assert!(!page.body.contains("Sam Example"));
    let mut kim = common::browser::signed_in(&s.server, "kim").await;
    assert_eq!(
        kim.get(&format!("/staff/intake/{reference}")).await.status,
        200
    );
    let audit = common::count_rows(&s.server.db_path, "audit_events").await;
    assert!(audit > 0);
}

/// Posts a step of the form as a browser without JavaScript does.
async fn post_step(server: &TestServer, key: &str, step: &str, extra: &[(&str, &str)]) -> String {
    let res = server
        .post_form(key, step, "Robot Or Person", extra, &[])
        .await;
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

async fn review_reasons(db: &std::path::Path) -> Vec<Option<String>> {
    let sql = "SELECT review_reason FROM cases ORDER BY created_at";
    let rows = common::db::rows(db, sql, &[]).await;
    rows.into_iter().map(|mut r| r.remove(0)).collect()
}

#[tokio::test]
async fn complaints_that_look_sent_by_a_program_are_kept_and_marked_for_staff() {
    let dir = tempfile::tempdir().unwrap();
    let config = "[limits]\nclient_burst = 1000\nmin_fill_seconds = 1\n";
    let s = staffed_with(config).await;
    let server = &s.server;
    let _ = dir;

    // Sent straight to "Check your answers", with no earlier page: kept, marked.
    let page = post_step(server, &key(), "check", &[]).await;
    assert!(
        page.contains("Complaint received"),
        "the person sees no difference"
    );
    // The hidden field filled in: kept, marked.
    let page = post_step(
        server,
        &key(),
        "check",
        &[("website", "http://spam.example")],
    )
    .await;
    assert!(page.contains("Complaint received"));
    // A person: the first page, time to answer, then sending.
    let person = key();
    post_step(server, &person, "about-you", &[]).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let page = post_step(server, &person, "check", &[]).await;
    assert!(page.contains("Complaint received"));

    let reasons = review_reasons(&server.db_path).await;
    assert_eq!(reasons.len(), 3, "nothing a person sent is lost");
    assert!(reasons[0]
        .as_deref()
        .unwrap()
        .contains("second(s) after the form was started"));
    assert!(reasons[1].as_deref().unwrap().contains("hidden field"));
    assert_eq!(reasons[2], None);

    // Staff see the mark on the register and on the case.
    let mut kim = common::browser::signed_in(server, "kim").await;
    let register = kim.get("/staff/register").await;
    assert_eq!(
        register.body.matches("Check: sent by a program?").count(),
        2
    );
}
