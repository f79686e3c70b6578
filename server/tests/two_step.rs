//! Two-step sign-in for local accounts (issue 24): enrolment, codes, replay, recovery codes,
//! the throttle shared with passwords, and no staff page before the second step.

mod common;

use common::browser::{staffed_with, user_cli, Browser, Page, PASSWORD};
use common::db;
use server::staff::{routes, Access};

/// The product's default: handlers and the DPO need the second step, intake staff do not.
const DEFAULT: &str = "[sign_in]\nsession_hours = 10\n";

fn secret_on(page: &Page) -> String {
    let tag = page
        .body
        .find("id=\"secret\"")
        .unwrap_or_else(|| panic!("the key is shown as text: {}", page.body));
    let at = tag + page.body[tag..].find('>').unwrap() + 1;
    let end = at + page.body[at..].find('<').unwrap();
    page.body[at..end].replace(' ', "")
}

fn code(secret: &str, step_offset: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.into()).to_bytes().unwrap();
    let t = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        None,
        String::new(),
    );
    let now = chrono::Utc::now().timestamp() + step_offset * 30;
    t.generate(now as u64)
}

/// Waits, if need be, so that the next few seconds are all in one 30-second step (the tests
/// below then know which step each code is for).
async fn early_in_a_step() {
    let into = chrono::Utc::now().timestamp() % 30;
    if into > 20 {
        tokio::time::sleep(std::time::Duration::from_secs((31 - into) as u64)).await;
    }
}

fn recovery_codes(page: &Page) -> Vec<String> {
    page.body
        .split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect()
}

/// Signs `dee` in and sets up two-step sign-in; the secret and recovery codes.
async fn enrolled(b: &mut Browser) -> (String, Vec<String>) {
    let page = b.sign_in("dee", PASSWORD).await;
    assert_eq!(page.location.as_deref(), Some("/staff/two-step/enrol"));
    let enrol = b.get("/staff/two-step/enrol").await;
    assert_eq!(enrol.status, 200);
    assert!(
        enrol
            .body
            .contains("<svg role=\"img\" aria-label=\"QR code"),
        "a QR code drawn on the server"
    );
    assert!(!enrol.body.contains("<script"), "no script");
    let secret = secret_on(&enrol);
    let token = enrol.csrf();
    let wrong = b
        .post(
            "/staff/two-step/enrol",
            &[("_csrf", &token), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("That code is not right"));
    assert_eq!(
        secret_on(&wrong),
        secret,
        "the same key until it is confirmed"
    );
    let done = b
        .post(
            "/staff/two-step/enrol",
            &[("_csrf", &token), ("code", &code(&secret, 0))],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let codes = recovery_codes(&done);
    assert_eq!(codes.len(), 10, "ten recovery codes, shown once");
    (secret, codes)
}

#[tokio::test]
async fn enrol_then_sign_in_with_a_code_each_accepted_once() {
    let s = staffed_with(DEFAULT).await;
    let mut b = Browser::new(&s.server);
    early_in_a_step().await;
    let (secret, codes) = enrolled(&mut b).await;
    assert_eq!(b.get("/staff/audit").await.status, 200, "signed in");
    let stored = db::text(
        &s.server.db_path,
        "SELECT totp_secret FROM staff_users WHERE username = 'dee'",
        &[],
    )
    .await;
    assert_eq!(stored.as_deref(), Some(secret.as_str()));
    let hashes = db::rows(
        &s.server.db_path,
        "SELECT code_hash FROM staff_recovery_codes WHERE username = 'dee'",
        &[],
    )
    .await;
    assert_eq!(hashes.len(), 10);
    assert!(hashes.iter().all(|h| !codes
        .iter()
        .any(|c| h[0].as_deref().unwrap().contains(c.as_str()))));

    // Another browser: the password, then the code. The code used to enrol is spent.
    let mut again = Browser::new(&s.server);
    let page = again.sign_in("dee", PASSWORD).await;
    assert_eq!(page.location.as_deref(), Some("/staff/two-step"));
    let form = again.get("/staff/two-step").await;
    assert!(form.body.contains("autocomplete=\"one-time-code\""));
    let token = form.csrf();
    let replay = again
        .post(
            "/staff/two-step",
            &[("_csrf", &token), ("code", &code(&secret, 0))],
        )
        .await;
    assert_eq!(replay.status, 422, "the step used to enrol is spent");
    assert!(replay.body.contains("has been used"));
    assert_eq!(
        again.get("/staff").await.location.as_deref(),
        Some("/staff/two-step")
    );
    // One step of drift ahead is accepted (the phone's clock a little fast).
    let page = again
        .post(
            "/staff/two-step",
            &[("_csrf", &token), ("code", &code(&secret, 1))],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(again.get("/staff/audit").await.status, 200);
    // The same code once more, from a third browser: refused.
    let mut third = Browser::new(&s.server);
    third.sign_in("dee", PASSWORD).await;
    let token = third.get("/staff/two-step").await.csrf();
    let page = third
        .post(
            "/staff/two-step",
            &[("_csrf", &token), ("code", &code(&secret, 1))],
        )
        .await;
    assert_eq!(page.status, 422, "a code is accepted once");
    // Two steps ahead is too far.
    let page = third
        .post(
            "/staff/two-step",
            &[("_csrf", &token), ("code", &code(&secret, 3))],
        )
        .await;
    assert_eq!(page.status, 422);

    // A recovery code signs in once; the second time it is refused.
    let page = third
        .post(
            "/staff/two-step",
            &[("_csrf", &token), ("code", &codes[3].to_uppercase())],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let mut fourth = Browser::new(&s.server);
    fourth.sign_in("dee", PASSWORD).await;
    let token = fourth.get("/staff/two-step").await.csrf();
    let page = fourth
        .post("/staff/two-step", &[("_csrf", &token), ("code", &codes[3])])
        .await;
    assert_eq!(page.status, 422);
    let left = db::number(
        &s.server.db_path,
        "SELECT COUNT(*) FROM staff_recovery_codes WHERE used_at IS NULL",
        &[],
    )
    .await;
    assert_eq!(left, 9);

    // Intake staff are not asked (their role is not listed).
    let page = Browser::new(&s.server).sign_in("ian", PASSWORD).await;
    assert_eq!(page.location.as_deref(), Some("/staff"));
}

#[tokio::test]
async fn no_staff_page_opens_before_the_second_step() {
    let s = staffed_with(DEFAULT).await;
    let reference = common::browser::a_case(&s.server).await;
    let mut b = Browser::new(&s.server);
    let page = b.sign_in("dee", PASSWORD).await;
    assert_eq!(page.location.as_deref(), Some("/staff/two-step/enrol"));
    let token = b.get("/staff/two-step/enrol").await.csrf();
    for route in routes().iter().filter(|r| r.access != Access::Anyone) {
        let path = route
            .path
            .replace("{reference}", &reference)
            .replace("{id}", "1")
            .replace("{username}", "kim")
            .replace("{flag}", "clarification");
        if route.method == reqwest::Method::GET {
            let page = b.get(&path).await;
            assert_eq!(page.status, 303, "GET {path}");
            assert_eq!(
                page.location.as_deref(),
                Some("/staff/two-step"),
                "GET {path}"
            );
        } else {
            let page = b.post(&path, &[("_csrf", &token), ("note", "x")]).await;
            assert_eq!(page.status, 401, "POST {path}");
        }
    }
    // The DPO with the second step done opens them.
    let secret = secret_on(&b.get("/staff/two-step/enrol").await);
    let page = b
        .post(
            "/staff/two-step/enrol",
            &[("_csrf", &token), ("code", &code(&secret, 0))],
        )
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(b.get("/staff/accounts").await.status, 200);
    // The pages of the second step answer anyone without an error.
    let mut anonymous = Browser::new(&s.server);
    for path in ["/staff/two-step", "/staff/two-step/enrol"] {
        let page = anonymous.get(path).await;
        assert_eq!(page.location.as_deref(), Some("/staff/sign-in"), "{path}");
    }
    assert_eq!(
        anonymous.get("/staff/sign-in/oidc").await.status,
        404,
        "no provider set up"
    );
}

#[tokio::test]
async fn wrong_codes_count_with_wrong_passwords_in_one_throttle() {
    let s = staffed_with(DEFAULT).await;
    let mut b = Browser::new(&s.server);
    let (secret, _) = enrolled(&mut b).await;
    let mut c = Browser::new(&s.server);
    assert_eq!(
        c.sign_in("dee", PASSWORD).await.location.as_deref(),
        Some("/staff/two-step")
    );
    let token = c.get("/staff/two-step").await.csrf();
    // Three wrong passwords and two wrong codes from this browser: five failures.
    for _ in 0..3 {
        let mut other_tab = Browser::new(&s.server);
        other_tab.cookie = c.cookie.clone();
        other_tab.csrf_cookie = c.csrf_cookie.clone();
        assert_eq!(
            other_tab
                .sign_in("dee", "not the password at all")
                .await
                .status,
            422
        );
    }
    for _ in 0..2 {
        let page = c
            .post("/staff/two-step", &[("_csrf", &token), ("code", "123456")])
            .await;
        assert_eq!(page.status, 422);
    }
    // Now even the right code waits.
    let page = c
        .post(
            "/staff/two-step",
            &[("_csrf", &token), ("code", &code(&secret, 1))],
        )
        .await;
    assert_eq!(page.status, 429, "{}", page.body);
    assert!(page.body.contains("Too many wrong codes"));
}

#[tokio::test]
async fn a_lost_phone_is_reset_by_the_dpo_or_the_command_line() {
    let s = staffed_with(DEFAULT).await;
    let mut dee = Browser::new(&s.server);
    enrolled(&mut dee).await;
    // Kim (a handler) sets up too, then loses her phone.
    let mut kim = Browser::new(&s.server);
    assert_eq!(
        kim.sign_in("kim", PASSWORD).await.location.as_deref(),
        Some("/staff/two-step/enrol")
    );
    let enrol = kim.get("/staff/two-step/enrol").await;
    let (token, secret) = (enrol.csrf(), secret_on(&enrol));
    let page = kim
        .post(
            "/staff/two-step/enrol",
            &[("_csrf", &token), ("code", &code(&secret, 0))],
        )
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(kim.get("/staff/register").await.status, 200);

    let token = dee.get("/staff/accounts/kim").await.csrf();
    let page = dee
        .post(
            "/staff/accounts/kim",
            &[("_csrf", &token), ("change", "reset_two_step")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(
        kim.get("/staff/register").await.status,
        303,
        "her sessions ended"
    );
    let mut kim = Browser::new(&s.server);
    assert_eq!(
        kim.sign_in("kim", PASSWORD).await.location.as_deref(),
        Some("/staff/two-step/enrol"),
        "set up again at the next sign-in"
    );
    let audit = db::number(
        &s.server.db_path,
        "SELECT COUNT(*) FROM audit_events WHERE action = 'reset two-step sign-in'",
        &[],
    )
    .await;
    assert_eq!(audit, 1);

    // The command line does the same for the DPO's own account.
    let out = user_cli(&s.server.db_path, &["reset-two-step", "dee"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(dee.get("/staff").await.status, 303);
    let stored = db::text(
        &s.server.db_path,
        "SELECT totp_secret FROM staff_users WHERE username = 'dee'",
        &[],
    )
    .await;
    assert_eq!(stored, None);
    assert_eq!(
        db::number(
            &s.server.db_path,
            "SELECT COUNT(*) FROM staff_recovery_codes WHERE username = 'dee'",
            &[]
        )
        .await,
        0
    );
}
