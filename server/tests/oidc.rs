//! Staff sign in through the council's identity provider (issue 24): a real OpenID provider
//! (npm `oidc-provider`) on 127.0.0.1, and every way a reply must be refused.

mod common;

use common::browser::{add_user, signed_in, Browser, PASSWORD};
use common::oidc::{config, reserve, sign_in_through, OidcProvider, Tamper};
use common::{db, TestServer};
use serde_json::json;

struct Setup {
    server: TestServer,
    provider: OidcProvider,
    _dir: tempfile::TempDir,
}

fn people() -> serde_json::Value {
    json!({
        "kim": { "name": "Kim Handler", "roles": ["Complaints.Handler"], "team": "ig" },
        "olu": { "name": "Olu Officer", "roles": ["Complaints.DPO", "Complaints.Intake"] },
        "nora": { "name": "Nora Nobody", "roles": ["Payroll.Viewer"] }
    })
}

async fn setup(extra: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let (listener, issuer) = reserve();
    let server =
        TestServer::start_configured(dir.path(), &format!("{}{extra}", config(&issuer))).await;
    let provider = OidcProvider::start(dir.path(), listener, &server.base, &people()).await;
    Setup {
        server,
        provider,
        _dir: dir,
    }
}

async fn refusals(db: &std::path::Path) -> Vec<String> {
    db::rows(
        db,
        "SELECT detail FROM audit_events WHERE action = 'refused sign-in' ORDER BY id",
        &[],
    )
    .await
    .into_iter()
    .map(|r| r[0].clone().unwrap_or_default())
    .collect()
}

#[tokio::test]
async fn staff_sign_in_through_the_provider_with_the_role_it_gives() {
    let s = setup("").await;
    let mut b = Browser::new(&s.server);
    let sign_in = b.get("/staff/sign-in").await;
    assert!(
        sign_in.body.contains("Sign in with Test Council ID"),
        "{}",
        sign_in.body
    );
    let page = sign_in_through(&mut b, "kim", |u| u).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("You are signed in"));
    assert!(b.oidc_cookie.is_none(), "the flow's cookie is spent");
    let home = b.get("/staff").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Kim Handler"));
    // A handler: the register opens, the DPO's pages do not.
    assert_eq!(b.get("/staff/register").await.status, 200);
    assert_eq!(b.get("/staff/accounts").await.status, 403);
    let row = db::rows(
        &s.server.db_path,
        "SELECT username, role, team, sign_in_method, oidc_subject FROM staff_users",
        &[],
    )
    .await;
    assert_eq!(row.len(), 1);
    let r = &row[0];
    assert_eq!(r[0].as_deref(), Some("kim"), "made from preferred_username");
    assert_eq!(r[1].as_deref(), Some("handler"));
    assert_eq!(r[2].as_deref(), Some("ig"), "the team claim");
    assert_eq!(r[3].as_deref(), Some("oidc"));
    assert_eq!(
        r[4].clone().unwrap(),
        format!("{}#kim", s.provider.issuer),
        "the subject, namespaced by issuer"
    );
    // Several roles: the highest mapped one.
    let mut olu = Browser::new(&s.server);
    assert_eq!(sign_in_through(&mut olu, "olu", |u| u).await.status, 200);
    assert_eq!(olu.get("/staff/accounts").await.status, 200);

    // Sign-out ends our session and offers the provider's.
    let token = b.get("/staff").await.csrf();
    let out = b.post("/staff/sign-out", &[("_csrf", &token)]).await;
    assert_eq!(out.status, 200);
    assert!(out.body.contains("Sign out of Test Council ID"));
    assert!(
        out.body.contains(&format!(
            "{}/session/end?client_id=complaints",
            s.provider.issuer
        )),
        "{}",
        out.body
    );
    assert_eq!(b.get("/staff").await.status, 303);
    // The provider's Kim has no password here, even if an operator sets one.
    let out = common::browser::user_cli(
        &s.server.db_path,
        &["password", "kim"],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success());
    let page = Browser::new(&s.server).sign_in("kim", PASSWORD).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Enter a correct username and password"));
}

#[tokio::test]
async fn the_role_follows_the_provider_at_every_sign_in_and_no_role_means_no_access() {
    let s = setup("").await;
    let mut b = Browser::new(&s.server);
    assert_eq!(sign_in_through(&mut b, "kim", |u| u).await.status, 200);
    assert_eq!(b.get("/staff/accounts").await.status, 403);

    // The council makes Kim its DPO at the provider: so she is at her next sign-in.
    let mut people = people();
    people["kim"]["roles"] = json!(["Complaints.DPO"]);
    s.provider.set_users(&people);
    let mut again = Browser::new(&s.server);
    assert_eq!(sign_in_through(&mut again, "kim", |u| u).await.status, 200);
    assert_eq!(again.get("/staff/accounts").await.status, 200);
    assert_eq!(
        db::text(
            &s.server.db_path,
            "SELECT role FROM staff_users WHERE username = 'kim'",
            &[]
        )
        .await
        .as_deref(),
        Some("dpo")
    );
    // The role changed, so the session from before it ended.
    assert_eq!(b.get("/staff").await.status, 303);

    // Removed from the app's roles: refused at the next sign-in, with an audit row.
    people["kim"]["roles"] = json!([]);
    s.provider.set_users(&people);
    let mut removed = Browser::new(&s.server);
    let page = sign_in_through(&mut removed, "kim", |u| u).await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("You do not have access to this service"));
    assert_eq!(removed.get("/staff").await.status, 303);
    let nora = sign_in_through(&mut Browser::new(&s.server), "nora", |u| u).await;
    assert_eq!(nora.status, 403, "a role this service does not map");
    let audit = db::rows(
        &s.server.db_path,
        "SELECT username, detail FROM audit_events WHERE action = 'refused sign-in' ORDER BY id",
        &[],
    )
    .await;
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[1][0].as_deref(), Some("Nora Nobody"));
    assert!(audit[1][1].clone().unwrap().contains("no role"));
    assert_eq!(
        db::number(
            &s.server.db_path,
            "SELECT COUNT(*) FROM staff_users WHERE username LIKE 'nora%'",
            &[]
        )
        .await,
        0,
        "no account is made for someone without a role"
    );
}

#[tokio::test]
async fn every_forged_or_replayed_reply_is_refused() {
    let s = setup("").await;
    // A good sign-in first (its token is the one replayed below).
    let mut first = Browser::new(&s.server);
    assert_eq!(sign_in_through(&mut first, "kim", |u| u).await.status, 200);

    let cases = [
        (Tamper::Audience, "audience"),
        (Tamper::Issuer, "issuer"),
        (Tamper::Expired, "expired"),
        (Tamper::Nonce, "nonce"),
        (Tamper::OtherKey, "signature"),
        (Tamper::Replay, "nonce"),
    ];
    for (tamper, words) in cases {
        s.provider.tamper(tamper.clone());
        let mut b = Browser::new(&s.server);
        let page = sign_in_through(&mut b, "kim", |u| u).await;
        assert_eq!(page.status, 400, "{tamper:?}: {}", page.body);
        assert!(page.body.contains("We could not sign you in"), "{tamper:?}");
        assert_eq!(
            b.get("/staff").await.status,
            303,
            "{tamper:?}: not signed in"
        );
        let last = refusals(&s.server.db_path).await.pop().unwrap_or_default();
        assert!(
            last.to_lowercase().contains(words),
            "{tamper:?}: the audit says why: {last}"
        );
        // Only the ID token's checks refused it: the same flow passes untouched.
        s.provider.tamper(Tamper::Pass);
    }

    // A wrong state: the reply is not for this browser's sign-in.
    let mut b = Browser::new(&s.server);
    let page = sign_in_through(&mut b, "kim", |u| {
        let at = u.find("state=").unwrap() + 6;
        format!("{}forged{}", &u[..at], &u[at..])
    })
    .await;
    assert_eq!(page.status, 400);
    assert!(refusals(&s.server.db_path)
        .await
        .pop()
        .unwrap()
        .contains("state"));
    // No flow cookie at all (another browser gets the reply).
    let mut stranger = Browser::new(&s.server);
    let mut b = Browser::new(&s.server);
    let start = b.get("/staff/sign-in/oidc").await;
    assert_eq!(start.status, 303);
    let reply = sign_in_through(&mut stranger, "kim", |u| u).await;
    assert_eq!(reply.status, 200, "its own flow works");
    let count = refusals(&s.server.db_path).await.len();
    // The same reply again (a replayed callback): the flow is spent.
    let mut replay = Browser::new(&s.server);
    let page = replay
        .get("/staff/sign-in/oidc/callback?code=x&state=y")
        .await;
    assert_eq!(page.status, 400);
    assert_eq!(refusals(&s.server.db_path).await.len(), count + 1);
    // Nothing about any of this in the log but the reason.
    let log = std::fs::read_to_string(&s.server.log_path).unwrap();
    assert!(
        !log.contains("test-secret"),
        "the client secret never logged"
    );
}

#[tokio::test]
async fn a_disabled_account_stays_out_and_local_passwords_can_be_switched_off() {
    let s = setup("\n[sign_in]\nlocal_accounts = false\ntwo_step_required = []\n").await;
    let dir = s.server.db_path.clone();
    let out = add_user(&dir, "dee", "dpo", "Dee Officer", PASSWORD);
    assert!(out.status.success());
    let out = add_user(&dir, "bea", "dpo", "Bea Breakglass", PASSWORD);
    assert!(out.status.success());
    let out = common::browser::user_cli(&dir, &["break-glass", "bea"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // With local accounts off, a password signs in only a break-glass account.
    let mut dee = Browser::new(&s.server);
    let page = dee.sign_in("dee", PASSWORD).await;
    assert_eq!(page.status, 422);
    assert!(page
        .body
        .contains("This account signs in with Test Council ID"));
    let page = dee.sign_in("dee", "a wrong password entirely").await;
    assert!(
        page.body.contains("Enter a correct username and password"),
        "wrong passwords say nothing more"
    );
    let bea = signed_in(&s.server, "bea").await;
    drop(bea);
    assert!(Browser::new(&s.server)
        .get("/staff/sign-in")
        .await
        .body
        .contains("break-glass accounts only"));

    // The DPO disables Kim, who signed in through the provider: her session ends, and the
    // provider cannot let her back in.
    let mut kim = Browser::new(&s.server);
    assert_eq!(sign_in_through(&mut kim, "kim", |u| u).await.status, 200);
    let mut bea = signed_in(&s.server, "bea").await;
    let token = bea.get("/staff/accounts/kim").await.csrf();
    let page = bea
        .post(
            "/staff/accounts/kim",
            &[("_csrf", &token), ("change", "disable")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(
        kim.get("/staff").await.status,
        303,
        "her session ended at once"
    );
    let page = sign_in_through(&mut Browser::new(&s.server), "kim", |u| u).await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("Your account is disabled"));
    // Her role comes from the provider: the page does not offer to change it.
    let page = bea.get("/staff/accounts/kim").await;
    assert!(page.body.contains("come from the identity provider"));
    assert!(!page.body.contains("Change the role"));
    let page = bea
        .post(
            "/staff/accounts/kim",
            &[("_csrf", &token), ("change", "role"), ("role", "dpo")],
        )
        .await;
    assert_eq!(page.status, 422);
}
