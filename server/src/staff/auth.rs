//! Passwords (Argon2id with the `argon2` crate's defaults, which meet OWASP's minimum),
//! signing in with a lock after repeated failures, signing out, and `server user add`.

use super::components::page;
use super::error::StaffError;
pub use super::signed_in::device;
use super::signed_in::finish_sign_in;
use super::throttle::Refused;
use super::{Form, Staff, Viewer};
use crate::store::staff::AuditEntry;
use crate::AppState;
use app::domain::casework::{parse_username, LockoutPolicy};
use app::domain::FieldError;
use app::ui::fields::{ErrorSummary, Field, TextField};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use leptos::prelude::*;
use serde::Deserialize;
use std::sync::OnceLock;

pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checked against when there is no such account, so that a wrong username takes as long to
/// refuse as a wrong password and does not reveal which usernames exist.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password, only for timing").unwrap_or_default())
}

/// Argon2 takes tens of milliseconds of CPU by design: off the async threads.
async fn verify_blocking(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let right = verify(&password, &hash);
        // Give Argon2's ~19 MiB back to the system now rather than when this blocking thread
        // next allocates (the server's allocator is mimalloc; see main.rs).
        // SAFETY: mi_collect only walks this thread's own heap; no pointers are involved.
        unsafe { libmimalloc_sys::mi_collect(true) };
        right
    })
    .await
    .unwrap_or(false)
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only our own staff pages, so the sign-in form cannot send anyone elsewhere.
pub(super) fn safe_next(next: &str) -> &str {
    // Printable ASCII only: a control character would be a crash path in the Location header.
    let ok = next.bytes().all(|b| (0x21..0x7f).contains(&b))
        && next.starts_with("/staff")
        && !next.starts_with("//")
        && !next.contains("\\")
        && !next.contains("://")
        && !next.starts_with("/staff/sign-");
    if ok {
        next
    } else {
        "/staff"
    }
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<NextQuery>,
) -> Response {
    if viewer.user.is_some() {
        return Redirect::to("/staff").into_response();
    }
    let next = safe_next(q.next.as_deref().unwrap_or("/staff")).to_string();
    sign_in_form(&state, &viewer, &next, "", vec![], StatusCode::OK)
}

fn sign_in_form(
    state: &AppState,
    viewer: &Viewer,
    next: &str,
    username: &str,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let csrf = viewer.csrf.clone();
    let next = next.to_string();
    let username = username.to_string();
    let policy = LockoutPolicy::default().explained();
    let provider = state.oidc.as_ref().map(|p| {
        let href = format!(
            "/staff/sign-in/oidc?next={}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        );
        (p.name().to_string(), href)
    });
    let local = state.config.sign_in.local_accounts;
    let body = move || {
        let provider_button = provider.clone().map(|(name, href)| {
            view! {
                <p class="body">
                    <a class="button" href=href>{format!("Sign in with {name}")}</a>
                </p>
            }
        });
        let password_heading = match (&provider, local) {
            (Some(_), true) => Some("Or sign in with a password"),
            (Some(_), false) => Some("Emergency access (break-glass accounts only)"),
            (None, _) => None,
        };
        view! {
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <h1 class="heading-l">"Sign in"</h1>
            {provider_button}
            {password_heading.map(|h| view! { <h2 class="heading-m">{h}</h2> })}
            <form method="post" action="/staff/sign-in" novalidate>
                <input type="hidden" name="_csrf" value=csrf/>
                <input type="hidden" name="next" value=next/>
                <TextField
                    field=Field::fixed("username", username, &errors)
                    label="Username"
                    autocomplete="username"
                    no_spellcheck=true
                    width="input--two-thirds"
                />
                <TextField
                    field=Field::fixed("password", "", &errors)
                    label="Password"
                    input_type="password"
                    autocomplete="current-password"
                    width="input--two-thirds"
                />
                <button type="submit" class="button">"Sign in"</button>
            </form>
            <p class="body">{format!("Staff accounts are set up by the Data Protection Officer. {policy}")}</p>
        }
    };
    page(state, viewer, "Sign in", status, body)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    next: String,
    username: String,
    password: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    client: Option<Extension<crate::client::ClientIp>>,
    headers: axum::http::HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, StaffError> {
    let client = crate::client::ClientIp::of(client);
    let next = safe_next(&form.next).to_string();
    let raw_username = form.username;
    let password = form.password;
    let mut errors = Vec::new();
    if raw_username.trim().is_empty() {
        errors.push(FieldError::new("username", "Enter your username"));
    }
    if password.is_empty() {
        errors.push(FieldError::new("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return Ok(sign_in_form(
            &state,
            &viewer,
            &next,
            &raw_username,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let policy = LockoutPolicy::default();
    let refuse = |message: String, status: StatusCode| {
        let errors = vec![FieldError::new("password", message)];
        Ok(sign_in_form(
            &state,
            &viewer,
            &next,
            &raw_username,
            errors,
            status,
        ))
    };
    let wrong = || {
        format!(
            "Enter a correct username and password. {}",
            policy.explained()
        )
    };
    // One password check at a time per (username, client), reserved before it runs, within
    // a bounded number at once (see `throttle`): unknown usernames go through the same path.
    let now = Utc::now();
    let typed = raw_username.trim().to_lowercase();
    // The account first (an unknown username costs the same read): a browser it knows is not
    // slowed by guesses at it from elsewhere.
    let account = match parse_username(&raw_username) {
        // An account of the identity provider has no password here: it is treated exactly as
        // an unknown username (even if an operator once gave it one).
        Ok(u) => state.staff.user(&u).await?.filter(|a| {
            !a.disabled && a.sign_in_method == crate::store::staff::SignInMethod::Password
        }),
        Err(_) => None,
    };
    let known = account
        .as_ref()
        .is_some_and(|a| device::known(&headers, &a.username, &a.password_hash, now));
    let attempt = match state.sign_in.reserve(&typed, client, known, now).await {
        Ok(a) => a,
        Err(Refused::Wait(until)) => {
            crate::metrics::sign_in_refused("throttled");
            return refuse(
                policy.locked_message(until, now),
                StatusCode::TOO_MANY_REQUESTS,
            );
        }
        Err(Refused::AccountWait(until)) => {
            crate::metrics::sign_in_refused("throttled");
            return refuse(
                policy.account_slowed_message(until, now),
                StatusCode::TOO_MANY_REQUESTS,
            );
        }
        Err(Refused::Busy) => {
            crate::metrics::sign_in_refused("busy");
            return Ok(super::too_many_attempts());
        }
    };
    let hash = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let name = account.as_ref().map(|a| a.username.clone());
    let right = verify_blocking(password, hash).await && name.is_some();
    let Some(account) = account.filter(|_| right) else {
        crate::metrics::sign_in_refused("wrong_password");
        let failed = attempt.failed(Utc::now());
        record_failure(&state, name, failed.account_slowed, &policy).await?;
        return refuse(wrong(), StatusCode::UNPROCESSABLE_ENTITY);
    };
    attempt.succeeded();
    // With local accounts switched off only break-glass accounts use a password (told only
    // once the password is right, so the refusal reveals nothing to a guesser).
    if !state.config.sign_in.local_accounts && !account.break_glass {
        let provider = state
            .config
            .sign_in
            .oidc
            .as_ref()
            .map(|o| o.provider_name.clone())
            .unwrap_or_default();
        return refuse(
            format!("This account signs in with {provider}: use the button above."),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if super::two_step::required(&state, &account) {
        return super::two_step::begin(&viewer.session, &account, &next).await;
    }
    finish_sign_in(&state, &viewer.session, &account, &next, now, true).await
}

/// A wrong password, recorded: for the DPO's accounts page and the audit trail (an unknown
/// username too, without what was typed, which may be a password in the wrong box, so that it
/// costs the same write and cannot be told apart by its timing).
async fn record_failure(
    state: &AppState,
    name: Option<String>,
    account_slowed: bool,
    policy: &LockoutPolicy,
) -> Result<(), StaffError> {
    if account_slowed {
        // Many wrong passwords for one username from several places: for the DPO to see
        // (an attack on an account, or a person who has forgotten theirs).
        state
                .staff
                .audit(AuditEntry {
                    at: Utc::now(),
                    username: name.clone().unwrap_or_else(|| "(unknown)".into()),
                    action: "sign-ins slowed".into(),
                    reference: None,
                    detail: Some(format!(
                        "{} wrong passwords in a row from more than one place; browsers the account has signed in with are not slowed",
                        super::throttle::ACCOUNT_MAX_FAILURES
                    )),
                })
                .await?;
    }
    // Counted for the DPO's accounts page and the audit trail. An unknown username is
    // recorded too (without what was typed, which may be a password in the wrong box), so
    // that it costs the same database write and cannot be told apart by its timing.
    match name {
        Some(name) => {
            state.staff.record_failed_sign_in(&name, policy).await?;
        }
        None => {
            state
                .staff
                .audit(AuditEntry {
                    at: Utc::now(),
                    username: "(unknown)".into(),
                    action: "failed sign-in".into(),
                    reference: None,
                    detail: Some("unknown username".into()),
                })
                .await?;
        }
    }
    Ok(())
}

pub async fn sign_out(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
) -> Result<Response, StaffError> {
    let via_provider = viewer
        .session
        .get::<String>(super::SESSION_VIA)
        .await?
        .as_deref()
        == Some("oidc");
    // The session ends whatever happens to the audit record: refusing to sign someone out
    // would leave a signed-in session on a shared desk. The record is written first, and a
    // failure is logged and shown (see `staff::error` for the audit rule).
    let audited = state
        .staff
        .audit(AuditEntry {
            at: Utc::now(),
            username: user.username,
            action: "signed out".into(),
            reference: None,
            detail: None,
        })
        .await;
    viewer.session.flush().await?;
    audited?;
    // Our session is over; the provider's may not be (it signs the person in to other
    // services too), so its sign-out is offered rather than forced.
    let provider_sign_out = match (&state.oidc, via_provider) {
        (Some(p), true) => p
            .sign_out_url(&state.config.outbox.public_url)
            .await
            .map(|url| (p.name().to_string(), url)),
        _ => None,
    };
    let Some((name, url)) = provider_sign_out else {
        return Ok(Redirect::to("/staff/sign-in").into_response());
    };
    let signed_out = Viewer {
        user: None,
        ..viewer
    };
    let body = move || {
        view! {
            <h1 class="heading-l">"You are signed out"</h1>
            <p class="body">"You are signed out of the data protection complaints service."</p>
            <p class="body">{format!("You are still signed in to {name}, which other council services use. On a shared computer, sign out there too.")}</p>
            <p class="body"><a class="button button--secondary" href=url>{format!("Sign out of {name}")}</a></p>
            <p class="body"><a href="/staff/sign-in">"Sign in again"</a></p>
        }
    };
    Ok(page(
        &state,
        &signed_out,
        "Signed out",
        StatusCode::OK,
        body,
    ))
}
