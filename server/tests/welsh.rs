//! The public form in Welsh, as a server sees it: a complaint made in Welsh (by form post or
//! by the WebAssembly's send) records its language, gets its acknowledgement letter in Welsh,
//! and staff see the language on the case; the language switch keeps the answers.

mod common;

use common::browser::{signed_in, staffed};
use common::casework::query_one;
use common::{complaint, key, TestServer};

/// A step of the form posted to `path` ("/complaint" or "/cy/complaint") without JavaScript.
async fn post_form(
    server: &TestServer,
    path: &str,
    step: &str,
    key: &str,
    name: &str,
    extra: &[(&str, &str)],
) -> (u16, String) {
    let res = server.post_form_to(path, key, step, name, extra, &[]).await;
    (res.status().as_u16(), res.text().await.unwrap())
}

fn reference_in(page: &str) -> String {
    let at = page
        .find(r#"class="reference""#)
        .expect("a reference on the page");
    let start = page[at..].find('>').unwrap() + at + 1;
    let end = page[start..].find('<').unwrap() + start;
    page[start..end].replace('-', "")
}

#[tokio::test]
async fn a_complaint_made_in_welsh_is_kept_as_welsh_and_answered_in_welsh() {
    let s = staffed().await;
    let server = &s.server;
    let db = &server.db_path;

    // Sent from the Welsh check page without JavaScript.
    let (status, page) =
        post_form(server, "/cy/complaint", "check", &key(), "Siân Llŷr", &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"<html lang="cy">"#));
    assert!(page.contains("Cwyn wedi dod i law"), "{page}");
    let welsh = reference_in(&page);
    // The same from the English page.
    let (_, page) = post_form(server, "/complaint", "check", &key(), "Sam English", &[]).await;
    assert!(page.contains("Complaint received"));
    let english = reference_in(&page);
    let language = |r: String| async move {
        query_one(db, "SELECT language FROM cases WHERE reference = $1", &r).await
    };
    assert_eq!(language(welsh.clone()).await, "cy");
    assert_eq!(language(english.clone()).await, "en");

    // Its acknowledgement letter is written in Welsh; the English one in English.
    let letter = |r: String| async move {
        query_one(
            db,
            "SELECT l.subject || '|' || l.body FROM letters l JOIN cases c ON c.id = l.case_id \
             WHERE c.reference = $1 AND l.kind = 'acknowledgement'",
            &r,
        )
        .await
    };
    let cy = letter(welsh.clone()).await;
    assert!(
        cy.starts_with("Eich Cwyn Diogelu Data – Cydnabyddiaeth (Cyf: "),
        "{cy}"
    );
    assert!(cy.contains("|Annwyl Siân Llŷr,"), "{cy}");
    assert!(cy.contains("Cofion caredig,"), "{cy}");
    // The council's Welsh name, from the translator's file.
    assert!(
        cy.contains("Diolch am gysylltu â Cyngor Enghreifftiol"),
        "{cy}"
    );
    assert!(!cy.contains("Dear "), "{cy}");
    let en = letter(english).await;
    assert!(en.contains("|Dear Sam English,"), "{en}");
    assert!(
        en.contains("Thank you for contacting Example Council"),
        "{en}"
    );

    // Sent by the WebAssembly from a Welsh page: the language travels with the answers.
    use app::domain::lines;
    use app::flow::{Submission, SUBMISSION_MEDIA_TYPE, SUBMISSION_TAG};
    let sent = Submission {
        input: serde_json::from_value(complaint("Rhys Widget")).unwrap(),
        key: uuid::Uuid::new_v4(),
        lang: app::i18n::Lang::Cy,
    };
    let res = server
        .client
        .post(format!("{}/api/submit-complaint", server.base))
        .header("content-type", SUBMISSION_MEDIA_TYPE)
        .body(lines::encode(SUBMISSION_TAG, &sent))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cases_in_welsh =
        common::db::number(db, "SELECT COUNT(*) FROM cases WHERE language = 'cy'", &[]).await;
    assert_eq!(cases_in_welsh, 2);

    // Staff see it on the case.
    let mut kim = signed_in(server, "kim").await;
    let case = kim.get(&format!("/staff/cases/{welsh}")).await;
    assert!(
        case.body.contains("Welsh: the person complained in Welsh"),
        "{}",
        case.body
    );
}

#[tokio::test]
async fn the_language_switch_keeps_every_answer_and_checks_nothing_yet() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    let journey = key();
    // Half way through "About you" in English, the person asks for Welsh: no name yet.
    let (status, page) = post_form(
        &server,
        "/cy/complaint",
        "about-you",
        &journey,
        "Siân Llŷr",
        &[("_lang", "cy"), ("full_name", "")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"<html lang="cy">"#));
    assert!(page.contains("Amdanoch chi"));
    // Not "There is a problem": the page was not sent to be checked.
    assert!(!page.contains(r#"id="error-summary""#));
    // The other answers come back, and the journey keeps its key (no second complaint).
    assert!(page.contains(r#"value="NG2 7QP""#));
    assert!(page.contains(&journey));
    // And back to English, from the Welsh page.
    let (_, page) = post_form(
        &server,
        "/complaint",
        "what-about",
        &journey,
        "Siân Llŷr",
        &[("_lang", "en")],
    )
    .await;
    assert!(page.contains(r#"<html lang="en-GB">"#));
    assert!(page.contains("What your complaint is about"));
    assert!(page.contains("Siân Llŷr"));
    assert_eq!(server.count("cases").await, 0, "switching sends nothing");
}
