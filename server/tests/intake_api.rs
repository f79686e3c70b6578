//! The intake API against the real server binary and a fresh SQLite database.

mod common;

use common::{complaint, count_rows, key, TestServer};
use serde_json::{json, Value};

#[tokio::test]
async fn the_documented_example_is_accepted_and_stored_with_its_acknowledgement() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    let doc = server.get_json("/api/v1/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    let op = &doc["paths"]["/api/v1/complaints"]["post"];
    let example =
        op["requestBody"]["content"]["application/json"]["examples"]["complaint"]["value"].clone();
    // Every property of the example is described by the schema.
    let props = doc["components"]["schemas"]["ComplaintInput"]["properties"]
        .as_object()
        .unwrap();
    for field in example.as_object().unwrap().keys() {
        assert!(props.contains_key(field), "{field} is documented");
    }
    assert_eq!(op["parameters"][0]["name"], "Idempotency-Key");

    let r = server.post(&key(), &example).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let reference = r.body["reference"].as_str().unwrap();
    assert!(app::domain::reference::Reference::parse(reference).is_ok());
    assert_eq!(r.body["kind"], "complaint");
    assert_eq!(r.body["team"]["id"], "cit");
    assert_eq!(r.body["flags"]["identity_check"], true);
    assert_eq!(r.body["channel"], "online");
    // Deadlines follow from the day received.
    let received =
        chrono::NaiveDate::parse_from_str(r.body["received_on"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap();
    let want = app::domain::calendar::Deadlines::from_receipt(received, &Default::default());
    assert_eq!(r.body["acknowledge_by"], want.acknowledge_by.to_string());
    assert_eq!(r.body["outcome_due"], want.outcome_due.to_string());
    assert!(
        r.body["acknowledged_at"].is_null(),
        "confirmed on screen at once, acknowledged once the letter has gone"
    );

    assert_eq!(server.count("cases").await, 1);
    assert_eq!(
        server.count("case_events").await,
        2,
        "received, and the acknowledgement queued"
    );
    assert_eq!(
        server.count("outbox").await,
        2,
        "the confirmation email and the acknowledgement letter, queued with the case"
    );
    let sql = "SELECT subject, body FROM letters WHERE kind = 'acknowledgement'";
    let letter = common::db::rows(&server.db_path, sql, &[]).await.remove(0);
    let (subject, body) = (letter[0].clone().unwrap(), letter[1].clone().unwrap());
    assert!(subject.contains(reference));
    assert!(body.starts_with("Dear Sam Example,"));
    // With no email provider configured, each email is written as a file under data/outbox;
    // once the acknowledgement has gone the case is acknowledged.
    let mut files = Vec::new();
    for _ in 0..200 {
        files = std::fs::read_dir(dir.path().join("data/outbox"))
            .map(|d| d.flatten().map(|e| e.path()).collect::<Vec<_>>())
            .unwrap_or_default();
        if files.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(files.len(), 2, "{files:?}");
    let emails: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    assert!(emails.contains("To: sam@example.com"));
    let mut status = String::new();
    for _ in 0..50 {
        status = common::db::text(&server.db_path, "SELECT status FROM cases", &[])
            .await
            .unwrap();
        if status == "acknowledged" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, "acknowledged");
    let name = common::db::text(&server.db_path, "SELECT complainant_name FROM cases", &[]).await;
    assert_eq!(name.as_deref(), Some("Sam Example"));
    // The history cannot be rewritten.
    let pool = common::db::pool(&server.db_path).await;
    assert!(sqlx::query("UPDATE case_events SET event = 'x'")
        .execute(&pool)
        .await
        .is_err());
}

#[tokio::test]
async fn bad_input_gets_a_specific_error_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    let valid = complaint("Sam Example");
    let with = |field: &str, value: Value| {
        let mut v = valid.clone();
        v[field] = value;
        serde_json::to_vec(&v).unwrap()
    };
    let without = |field: &str| {
        let mut v = valid.clone();
        v.as_object_mut().unwrap().remove(field);
        serde_json::to_vec(&v).unwrap()
    };
    let json = Some("application/json");
    let k = key();
    let cases: Vec<(&str, Option<&str>, Option<&str>, Vec<u8>, u16, &str)> = vec![
        (
            "malformed JSON",
            json,
            Some(&k),
            b"{\"full_name\": ".to_vec(),
            400,
            "body",
        ),
        (
            "trailing garbage",
            json,
            Some(&k),
            [serde_json::to_vec(&valid).unwrap(), b"}".to_vec()].concat(),
            400,
            "body",
        ),
        (
            "not an object",
            json,
            Some(&k),
            b"[1,2]".to_vec(),
            400,
            "body",
        ),
        (
            "wrong type",
            json,
            Some(&k),
            with("full_name", json!(42)),
            400,
            "full_name",
        ),
        (
            "wrong type for a consent",
            json,
            Some(&k),
            with("consent_handle", json!("perhaps")),
            400,
            "consent_handle",
        ),
        (
            "unknown field",
            json,
            Some(&k),
            with("favourite_colour", json!("blue")),
            400,
            "favourite_colour",
        ),
        (
            "unknown category",
            json,
            Some(&k),
            with("category", json!("parking_fines")),
            422,
            "category",
        ),
        (
            "missing name",
            json,
            Some(&k),
            without("full_name"),
            422,
            "full_name",
        ),
        (
            "missing description",
            json,
            Some(&k),
            without("description"),
            422,
            "description",
        ),
        (
            "no consent to handle",
            json,
            Some(&k),
            with("consent_handle", json!(false)),
            422,
            "consent_handle",
        ),
        (
            "consent missing",
            json,
            Some(&k),
            without("consent_handle"),
            422,
            "consent_handle",
        ),
        (
            "sharing unanswered",
            json,
            Some(&k),
            without("consent_share"),
            422,
            "consent_share",
        ),
        (
            "text over the limit",
            json,
            Some(&k),
            with("description", json!("x".repeat(10_001))),
            422,
            "description",
        ),
        (
            "control characters",
            json,
            Some(&k),
            with("full_name", json!("Sam\u{0}Example")),
            422,
            "full_name",
        ),
        (
            "escape sequences",
            json,
            Some(&k),
            with("service", json!("\u{1b}[2J")),
            422,
            "service",
        ),
        (
            "bad email",
            json,
            Some(&k),
            with("email", json!("sam@example")),
            422,
            "email",
        ),
        (
            "body over 64 KiB",
            json,
            Some(&k),
            with("adjustments", json!("x".repeat(70_000))),
            413,
            "body",
        ),
        (
            "wrong content type",
            Some("text/plain"),
            Some(&k),
            serde_json::to_vec(&valid).unwrap(),
            415,
            "body",
        ),
        (
            "form content type",
            Some("application/x-www-form-urlencoded"),
            Some(&k),
            b"full_name=Sam".to_vec(),
            415,
            "body",
        ),
        (
            "no content type",
            None,
            Some(&k),
            serde_json::to_vec(&valid).unwrap(),
            415,
            "body",
        ),
        (
            "no idempotency key",
            json,
            None,
            serde_json::to_vec(&valid).unwrap(),
            400,
            "Idempotency-Key",
        ),
        (
            "idempotency key not a UUID",
            json,
            Some("12345"),
            serde_json::to_vec(&valid).unwrap(),
            400,
            "Idempotency-Key",
        ),
        (
            "telephone channel from the public",
            json,
            Some(&k),
            with("channel", json!("telephone")),
            403,
            "channel",
        ),
        (
            "unknown channel",
            json,
            Some(&k),
            with("channel", json!("carrier_pigeon")),
            422,
            "channel",
        ),
        (
            "back-dated receipt from the public",
            json,
            Some(&k),
            with("received_on", json!("2026-01-01")),
            403,
            "received_on",
        ),
    ];
    for (what, content_type, key, body, status, field) in cases {
        let r = server.post_raw(content_type, key, body).await;
        assert_eq!(r.status, status, "{what}: {}", r.body);
        let errors = r.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: a list of errors, got {}", r.body));
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && !e["message"].as_str().unwrap_or("").is_empty()),
            "{what}: expected an error on {field}, got {}",
            r.body
        );
        // Nothing internal leaks.
        let text = r.body.to_string();
        assert!(
            !text.contains("serde") && !text.contains("sqlx") && !text.contains("line 1"),
            "{what}: {text}"
        );
    }
    for table in ["cases", "case_events", "letters", "idempotency_keys"] {
        assert_eq!(server.count(table).await, 0, "{table} is empty");
    }
    // The key used for all those refusals is still free for a good complaint.
    assert_eq!(server.post(&k, &valid).await.status, 201);
}

#[tokio::test]
async fn a_retry_returns_the_first_answer_and_a_reused_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    let k = key();
    let first = server.post(&k, &complaint("Alex Example")).await;
    assert_eq!(first.status, 201);
    assert!(!first.replayed);
    let again = server.post(&k, &complaint("Alex Example")).await;
    assert_eq!(again.status, 201);
    assert!(again.replayed);
    assert_eq!(again.body, first.body);
    let other = server.post(&k, &complaint("Someone Else")).await;
    assert_eq!(other.status, 422);
    assert_eq!(other.body["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(server.count("cases").await, 1);
}

#[tokio::test]
async fn concurrent_retries_give_one_case() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    // Five complaints, each sent twelve times at once, interleaved.
    let keys: Vec<String> = (0..5).map(|_| key()).collect();
    let mut tasks = Vec::new();
    for round in 0..12 {
        for (i, k) in keys.iter().enumerate() {
            let body = complaint(&format!("Person {i}"));
            let (client, base, k) = (server.client.clone(), server.base.clone(), k.clone());
            tasks.push(tokio::spawn(async move {
                let r = common::send(client, base, k, body).await.unwrap();
                let status = r.status().as_u16();
                let v: Value = r.json().await.unwrap();
                (
                    i,
                    round,
                    status,
                    v["reference"].as_str().unwrap_or("").to_string(),
                )
            }));
        }
    }
    let mut refs: Vec<Option<String>> = vec![None; keys.len()];
    for t in tasks {
        let (i, _round, status, reference) = t.await.unwrap();
        assert_eq!(status, 201);
        match &refs[i] {
            None => refs[i] = Some(reference),
            Some(r) => assert_eq!(r, &reference, "one reference per key"),
        }
    }
    assert_eq!(server.count("cases").await, 5);
    assert_eq!(server.count("idempotency_keys").await, 5);
}

#[tokio::test]
async fn every_acknowledged_case_survives_a_crash_under_load_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = TestServer::start(dir.path()).await;
    let db = server.db_path.clone();
    // Some complaints, all acknowledged before the crash.
    let mut acknowledged = Vec::new();
    for i in 0..20 {
        let k = key();
        let r = server.post(&k, &complaint(&format!("Before {i}"))).await;
        assert_eq!(r.status, 201);
        acknowledged.push((
            k,
            format!("Before {i}"),
            r.body["reference"].as_str().unwrap().to_string(),
        ));
    }
    // Then a burst in flight when the process is killed: it dies once some of the burst
    // has been answered, with the rest still queued or being written.
    let answered_so_far = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut burst = Vec::new();
    for i in 0..400 {
        let (client, base, k) = (server.client.clone(), server.base.clone(), key());
        let counter = answered_so_far.clone();
        let body = complaint(&format!("Burst {i}"));
        burst.push(tokio::spawn(async move {
            let r = common::send(client, base, k.clone(), body).await;
            let answered = match r {
                Ok(r) if r.status() == 201 => r
                    .json::<Value>()
                    .await
                    .ok()
                    .map(|v| v["reference"].as_str().unwrap().to_string()),
                _ => None,
            };
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            (k, format!("Burst {i}"), answered)
        }));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while answered_so_far.load(std::sync::atomic::Ordering::SeqCst) < 40
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    server.kill().await;
    let mut burst_results = Vec::new();
    for t in burst {
        burst_results.push(t.await.unwrap());
    }
    let server = TestServer::start_on(db.clone(), dir.path()).await;
    // Every case that was acknowledged is there, under the same reference.
    let answered: Vec<_> = burst_results
        .iter()
        .filter_map(|(k, n, r)| r.clone().map(|r| (k.clone(), n.clone(), r)))
        .collect();
    for (k, name, reference) in acknowledged.iter().chain(answered.iter()) {
        let r = server.post(k, &complaint(name)).await;
        assert_eq!(r.status, 201);
        assert!(r.replayed, "{name} was stored before the crash");
        assert_eq!(r.body["reference"], reference.as_str());
    }
    eprintln!(
        "{} of 400 burst requests were answered before the kill",
        answered.len()
    );
    assert!(
        !answered.is_empty(),
        "the crash came under load, after some answers"
    );
    // The unanswered ones can simply be sent again: each gives exactly one case.
    for (k, name, r) in &burst_results {
        if r.is_none() {
            assert_eq!(server.post(k, &complaint(name)).await.status, 201);
        }
    }
    assert_eq!(count_rows(&db, "cases").await, 420);
}

#[tokio::test]
async fn a_breach_reported_without_the_breach_outcome_is_a_breach_report() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    let mut breach = complaint("Sam Example");
    breach["category"] = json!("personal_data_breach");
    breach["breach_status"] = json!("not_reported");
    let r = server.post(&key(), &breach).await;
    assert_eq!(
        (r.status, r.body["kind"].as_str()),
        (201, Some("breach_report"))
    );
    assert_eq!(r.body["team"]["id"], "ig");
    // Not a complaint: no complaint deadlines in the answer (SPEC "Ending a case").
    let answer = r.body.as_object().unwrap();
    assert!(!answer.contains_key("acknowledge_by") && !answer.contains_key("outcome_due"));
    assert!(answer.contains_key("received_on"));
    breach["breach_status"] = json!("outcome_received");
    let r = server.post(&key(), &breach).await;
    assert_eq!(r.body["kind"], "complaint");
    assert!(r.body["acknowledge_by"].is_string() && r.body["outcome_due"].is_string());
}

#[tokio::test]
async fn personal_data_never_reaches_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    let mut c = complaint("Zebedee Quixotic-Marchbanks");
    c["email"] = json!("zebedee.unique@example.com");
    c["description"] =
        json!("My neighbour Ermintrude saw my file at the library counter on Tuesday.");
    assert_eq!(server.post(&key(), &c).await.status, 201);
    c["email"] = json!("zebedee.unique@");
    assert_eq!(server.post(&key(), &c).await.status, 422);
    let log = server.log();
    assert!(
        log.contains("/api/v1/complaints"),
        "requests are logged: {log}"
    );
    for secret in ["Zebedee", "zebedee.unique", "Ermintrude", "07700"] {
        assert!(!log.contains(secret), "{secret} leaked into the log");
    }
}

#[tokio::test]
async fn health_and_the_first_page() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    assert_eq!(server.get_json("/health").await["status"], "ok");
    let page = server
        .client
        .get(format!("{}/", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = page.text().await.unwrap();
    // Only scripts carrying this response's nonce may run inline.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a nonce in the CSP");
    assert!(nonce.len() >= 16);
    assert!(html.contains(&format!("nonce=\"{nonce}\"")));
    assert!(csp.contains("object-src 'none'") && csp.contains("frame-ancestors"));
    assert!(
        html.contains("<h1")
            && html.contains("Complain about how we used your personal information")
    );
    // The start page needs no code in the browser; the first question loads the script and
    // WebAssembly that hydrate it (names carry a content hash in builds).
    assert!(
        !html.contains(".wasm"),
        "the start page loads no WebAssembly"
    );
    let question = server.get_text("/complaint").await.1;
    assert!(
        question.contains("modulepreload")
            && question.contains("/pkg/intake")
            && question.contains(".wasm"),
        "the question page loads the WebAssembly to hydrate"
    );
    let missing = server
        .client
        .get(format!("{}/no-such-page", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

/// Sends "Check your answers" as a browser without JavaScript does: a plain form post.
async fn send_form(server: &TestServer, key: &str, name: &str) -> String {
    let res = server.post_form(key, "check", name, &[], &[]).await;
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

fn shown_reference(page: &str) -> String {
    let at = page.find("class=\"reference\">").expect("a reference") + 18;
    page[at..].split('<').next().unwrap().to_string()
}

fn form_key(page: &str) -> String {
    let at = page.find("name=\"_key\" value=\"").expect("a key field") + 19;
    page[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn changed_answers_sent_after_going_back_are_not_taken_silently_and_can_go_as_a_new_complaint(
) {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    let key = common::key();

    let first = send_form(&server, &key, "Sam Example").await;
    assert!(first.contains("Complaint received"));
    let reference = shown_reference(&first);

    // Back to "Check your answers", an answer changed, sent again with the same form.
    let changed = send_form(&server, &key, "Sam Changed").await;
    assert!(
        changed.contains(&format!(
            "You have already sent a complaint from this form. Its reference is {reference}."
        )),
        "{changed}"
    );
    assert!(changed.contains("Send as a new complaint"));
    assert!(
        !changed.contains("Idempotency-Key"),
        "no API wording for people"
    );
    let new_key = form_key(&changed);
    assert_ne!(new_key, key, "sending again makes a new complaint");
    assert_eq!(server.count("cases").await, 1, "nothing new stored yet");

    // They choose to send the changed answers: a second complaint, with its own reference.
    let second = send_form(&server, &new_key, "Sam Changed").await;
    assert!(second.contains("Complaint received"));
    assert_ne!(shown_reference(&second), reference);
    assert_eq!(server.count("cases").await, 2);

    // The first answers sent again with the first form: the first complaint, not a third.
    let replay = send_form(&server, &key, "Sam Example").await;
    assert!(replay.contains("We already have your complaint"));
    assert_eq!(shown_reference(&replay), reference);
    assert_eq!(server.count("cases").await, 2);
}

/// SPEC "Intake": a person with only a postal address can complain, by the API, by the form
/// without JavaScript and by a letter keyed in by staff; their letters go to the print queue.
#[tokio::test]
async fn a_person_with_only_a_postal_address_can_complain_every_way() {
    let s = common::browser::staffed_with("[outbox]\npoll_ms = 50\n").await;
    let server = &s.server;
    let postal = |name: &str| {
        let mut c = complaint(name);
        let map = c.as_object_mut().unwrap();
        map.remove("email");
        map.remove("phone");
        map.insert("preferred_contact".into(), json!("post"));
        c
    };
    // The API.
    let r = server.post(&key(), &postal("Paula Post")).await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Without an address, refused with what is missing.
    let mut no_address = postal("Nora Nowhere");
    for f in ["address_line_1", "address_town", "address_postcode"] {
        no_address.as_object_mut().unwrap().remove(f);
    }
    let r = server.post(&key(), &no_address).await;
    assert_eq!(r.status, 422);
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["address_line_1", "address_postcode"]);
    // The form without JavaScript, sent from "Check your answers".
    let res = server
        .post_form(
            &key(),
            "check",
            "Fran Form",
            &[("email", ""), ("phone", ""), ("preferred_contact", "post")],
            &[],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("class=\"reference\""));
    // A letter keyed in by staff.
    let mut ian = common::browser::signed_in(server, "ian").await;
    let token = ian.get("/staff/intake").await.csrf();
    let mut form = common::form_fields(&postal("Lettie Letter"));
    form.extend([
        ("_csrf".to_string(), token),
        ("_key".to_string(), key()),
        ("channel".to_string(), "post".to_string()),
        (
            "received_on".to_string(),
            chrono::Utc::now().date_naive().to_string(),
        ),
    ]);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = ian.post("/staff/intake", &pairs).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    // All three are complaints with no email or telephone, acknowledged by post.
    for name in ["Paula Post", "Fran Form", "Lettie Letter"] {
        let route = common::db::text(
            &server.db_path,
            "SELECT o.channel FROM outbox o JOIN cases c ON c.id = o.case_id \
             WHERE c.complainant_name = $1 AND o.kind = 'acknowledgement'",
            &[name],
        )
        .await;
        assert_eq!(route.as_deref(), Some("post"), "{name}");
    }
    let mut kim = common::browser::signed_in(server, "kim").await;
    let queue = kim.get("/staff/post").await.body;
    for name in ["Paula Post", "Fran Form", "Lettie Letter"] {
        assert!(queue.contains(name), "{name} in the print queue");
    }
}
