//! Working a case through the staff pages, as a handler would, for tests that need cases at
//! later stages (decided, closed).

use super::browser::{Browser, Page};
use super::TestServer;
use std::path::Path;
use std::time::Duration;

/// The value of a hidden field of the first form that has it.
pub fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body
        .find(&marker)
        .unwrap_or_else(|| panic!("the page has a {name} field"))
        + marker.len();
    body[at..].split('"').next().unwrap().to_string()
}

/// One text value (written for both databases: `$1`, `CAST(x AS TEXT)`).
pub async fn query_one(db: &Path, sql: &str, bind: &str) -> String {
    super::db::text(db, sql, &[bind])
        .await
        .unwrap_or_else(|| panic!("a value for {sql}"))
}

/// Waits (up to 20 s) until the case has this status: letters go out through the outbox.
pub async fn wait_for_status(db: &Path, reference: &str, status: &str) {
    for _ in 0..400 {
        let now = query_one(
            db,
            "SELECT status FROM cases WHERE reference = $1",
            reference,
        )
        .await;
        if now == status {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("case {reference} never reached {status}");
}

/// Posts a case form with the page's token and the case version it shows.
pub async fn case_post(
    b: &mut Browser,
    reference: &str,
    path: &str,
    form: &[(&str, &str)],
) -> Page {
    let page = b.get(&format!("/staff/cases/{reference}")).await;
    assert_eq!(page.status, 200, "case page {reference}");
    let (csrf, seen) = (page.csrf(), hidden(&page.body, "_seen"));
    let mut fields = vec![("_csrf", csrf.as_str()), ("_seen", seen.as_str())];
    fields.extend_from_slice(form);
    b.post(&format!("/staff/cases/{reference}/{path}"), &fields)
        .await
}

/// Takes an online complaint (acknowledged by email at receipt) to an outcome sent, with one
/// remedial action owned by `officer`, then closes it. `b` is a handler's browser. The server
/// should poll its outbox often (`[outbox] poll_ms = 50`).
pub async fn decide_and_close(
    server: &TestServer,
    b: &mut Browser,
    reference: &str,
    officer: &str,
) {
    decide(server, b, reference, officer).await;
    let p = case_post(
        b,
        reference,
        "close",
        &[("resolution", "Answered with an apology.")],
    )
    .await;
    assert_eq!(p.status, 303, "close: {}", p.body);
}

/// As `decide_and_close`, up to the outcome sent (the case is left open).
pub async fn decide(server: &TestServer, b: &mut Browser, reference: &str, officer: &str) {
    wait_for_status(&server.db_path, reference, "acknowledged").await;
    let me = "kim";
    let p = case_post(
        b,
        reference,
        "assign",
        &[("handler", me), ("independent", "yes")],
    )
    .await;
    assert_eq!(p.status, 303, "assign: {}", p.body);
    let p = case_post(b, reference, "investigate", &[]).await;
    assert_eq!(p.status, 303, "investigate: {}", p.body);
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string();
    let p = case_post(
        b,
        reference,
        "outcome",
        &[
            ("category", "upheld"),
            ("summary", "We did not answer your request in time."),
            ("investigation", "We read the file and spoke to the team."),
            ("findings", "The request was missed."),
            ("action_1_description", "Answer the request"),
            ("action_1_owner", officer),
            ("action_1_due_on", &due),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "outcome: {}", p.body);
    wait_for_status(&server.db_path, reference, "outcome_sent").await;
}

/// Keys in `complaint` (the API's JSON) from a letter, as intake staff would on
/// `/staff/intake`: by post, received today, acknowledged by post.
pub async fn key_in_from_a_letter(b: &mut Browser, complaint: &serde_json::Value) -> Page {
    let token = b.get("/staff/intake").await.csrf();
    let mut form = super::form_fields(complaint);
    form.retain(|(k, _)| k != "preferred_contact");
    form.extend([
        ("_csrf".to_string(), token),
        ("_key".to_string(), super::key()),
        ("channel".to_string(), "post".to_string()),
        ("preferred_contact".to_string(), "post".to_string()),
        (
            "received_on".to_string(),
            chrono::Utc::now().date_naive().to_string(),
        ),
    ]);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post("/staff/intake", &pairs).await
}

/// The text of a form's text area, as the browser would send it back (entities decoded).
pub fn hidden_textarea(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    let at = body.find(&marker).expect("the text area");
    let start = at + body[at..].find('>').expect("its tag ends") + 1;
    let end = start + body[start..].find("</textarea>").expect("it closes");
    body[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Assigned to kim, who confirms independence, and under investigation (`kim` is kim's
/// browser; the acknowledgement goes by email first).
pub async fn investigating(server: &TestServer, kim: &mut Browser, reference: &str) {
    wait_for_status(&server.db_path, reference, "acknowledged").await;
    let p = case_post(
        kim,
        reference,
        "assign",
        &[("handler", "kim"), ("independent", "yes")],
    )
    .await;
    assert_eq!(p.status, 303);
    let p = case_post(kim, reference, "investigate", &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
}
