//! Two-step sign-in for local accounts (RFC 6238 time-based codes, as authenticator apps
//! make them; NCSC: a second factor on any account that reaches personal data).
//!
//! After the password, the session holds only "waiting for the second step" (`Pending`): no
//! staff page opens until a code is accepted. At the first sign-in where the role needs it,
//! the person sets it up (`/staff/two-step/enrol`): a QR code drawn here as SVG (no script),
//! the secret as text, confirmed by a first code; then ten one-time recovery codes, shown
//! once and kept only as hashes. A code's time step is used once (replay refused), one step
//! of clock drift either way is allowed, and wrong codes count in the same throttle as wrong
//! passwords (`throttle`).

use super::components::page;
use super::error::StaffError;
use super::signed_in::{device, finish_sign_in};
use super::throttle::Refused;
use super::totp::{matching_step, new_recovery_codes, new_secret, qr_svg, recovery_hash, totp};
use super::{Form, Viewer};
use crate::store::staff::{AuditEntry, StaffAccount};
use crate::AppState;
use app::domain::FieldError;
use app::ui::fields::{ErrorSummary, Field, TextField};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use leptos::prelude::*;
use tower_sessions::Session;

/// How long the second step may wait after the password.
const PENDING_MINUTES: i64 = 10;

pub(super) const PENDING_USER: &str = "staff.pending";
const PENDING_EPOCH: &str = "staff.pending_epoch";
const PENDING_AT: &str = "staff.pending_at";
const PENDING_NEXT: &str = "staff.pending_next";
const ENROL_SECRET: &str = "staff.enrol_secret";

/// Whether `role` must use two-step sign-in on a local account.
pub fn required(state: &AppState, account: &StaffAccount) -> bool {
    account.totp_secret.is_some()
        || state
            .config
            .sign_in
            .two_step_required
            .contains(&account.role)
}

/// Someone who gave the right password and has the second step still to do.
pub struct Pending {
    pub username: String,
    epoch: i64,
    next: String,
}

impl Pending {
    pub async fn of(session: &Session) -> Result<Option<Pending>, StaffError> {
        let Some(username) = session.get::<String>(PENDING_USER).await? else {
            return Ok(None);
        };
        let at = session.get::<i64>(PENDING_AT).await?.unwrap_or(0);
        if Utc::now().timestamp() - at > PENDING_MINUTES * 60 {
            session.flush().await?;
            return Ok(None);
        }
        Ok(Some(Pending {
            username,
            epoch: session.get(PENDING_EPOCH).await?.unwrap_or(0),
            next: session
                .get(PENDING_NEXT)
                .await?
                .unwrap_or_else(|| "/staff".into()),
        }))
    }
}

/// The password was right: the session waits for the second step (a new session id, so
/// nothing from before carries over), and the person is sent to give it or set it up.
pub async fn begin(
    session: &Session,
    account: &StaffAccount,
    next: &str,
) -> Result<Response, StaffError> {
    session.cycle_id().await?;
    session.insert(PENDING_USER, &account.username).await?;
    session.insert(PENDING_EPOCH, account.session_epoch).await?;
    session.insert(PENDING_AT, Utc::now().timestamp()).await?;
    session.insert(PENDING_NEXT, next).await?;
    let to = if account.totp_secret.is_some() {
        "/staff/two-step"
    } else {
        "/staff/two-step/enrol"
    };
    Ok(Redirect::to(to).into_response())
}

async fn clear(session: &Session) -> Result<(), StaffError> {
    for key in [
        PENDING_USER,
        PENDING_EPOCH,
        PENDING_AT,
        PENDING_NEXT,
        ENROL_SECRET,
    ] {
        session.remove_value(key).await?;
    }
    Ok(())
}

/// The account still as it was when the password was given (not disabled, same epoch).
async fn account_of(state: &AppState, p: &Pending) -> Result<Option<StaffAccount>, StaffError> {
    Ok(state
        .staff
        .user(&p.username)
        .await?
        .filter(|a| !a.disabled && a.session_epoch == p.epoch))
}

fn start_again() -> Response {
    Redirect::to("/staff/sign-in").into_response()
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, StaffError> {
    let Some(p) = Pending::of(&viewer.session).await? else {
        return Ok(start_again());
    };
    match account_of(&state, &p).await? {
        Some(a) if a.totp_secret.is_some() => {
            Ok(code_form(&state, &viewer, vec![], StatusCode::OK))
        }
        Some(_) => Ok(Redirect::to("/staff/two-step/enrol").into_response()),
        None => Ok(start_again()),
    }
}

fn code_form(
    state: &AppState,
    viewer: &Viewer,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let csrf = viewer.csrf.clone();
    let body = move || {
        view! {
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <h1 class="heading-l">"Enter the code from your authenticator app"</h1>
            <form method="post" action="/staff/two-step" novalidate>
                <input type="hidden" name="_csrf" value=csrf/>
                <TextField
                    field=Field::fixed("code", "", &errors)
                    label="Code"
                    hint="The 6-digit code your app shows now, or one of your recovery codes if you do not have your phone."
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    no_spellcheck=true
                    width="input--postcode"
                />
                <button type="submit" class="button">"Continue"</button>
            </form>
            <p class="body">"Lost your phone and your recovery codes? Ask the Data Protection Officer to reset your two-step sign-in."</p>
        }
    };
    page(state, viewer, "Two-step sign-in", status, body)
}

/// A code (or a recovery code) for the second step.
pub async fn check(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    client: Option<Extension<crate::client::ClientIp>>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, StaffError> {
    let Some(p) = Pending::of(&viewer.session).await? else {
        return Ok(start_again());
    };
    let Some(account) = account_of(&state, &p).await? else {
        return Ok(start_again());
    };
    let Some(secret) = account.totp_secret.clone() else {
        return Ok(Redirect::to("/staff/two-step/enrol").into_response());
    };
    let refuse = |message: String, status| {
        let errors = vec![FieldError::new("code", message)];
        Ok(code_form(&state, &viewer, errors, status))
    };
    if form.code.trim().is_empty() {
        return refuse("Enter the code".into(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let now = Utc::now();
    let client = crate::client::ClientIp::of(client);
    let known = device::known(&headers, &account.username, &account.password_hash, now);
    let policy = *state.sign_in.policy();
    let attempt = match state
        .sign_in
        .reserve(&account.username, client, known, now)
        .await
    {
        Ok(a) => a,
        Err(Refused::Wait(until)) | Err(Refused::AccountWait(until)) => {
            return refuse(
                format!(
                    "Too many wrong codes. Try again in {} minute(s).",
                    ((until - now).num_seconds().max(1) + 59) / 60
                ),
                StatusCode::TOO_MANY_REQUESTS,
            )
        }
        Err(Refused::Busy) => return Ok(super::too_many_attempts()),
    };
    let typed = form.code.trim();
    let right = if typed.chars().any(|c| c.is_ascii_alphabetic()) {
        // A recovery code: spent now, never again.
        let hash = recovery_hash(typed);
        let used = state
            .staff
            .use_recovery_code(&account.username, &hash)
            .await?;
        if used {
            state
                .staff
                .audit(AuditEntry {
                    at: now,
                    username: account.username.clone(),
                    action: "used a recovery code".into(),
                    reference: None,
                    detail: Some(format!(
                        "{} left",
                        state.staff.recovery_codes_left(&account.username).await?
                    )),
                })
                .await?;
        }
        used
    } else {
        match matching_step(&secret, typed, now.timestamp().max(0) as u64) {
            // Accepted once only: a code seen over a shoulder or replayed is refused.
            Some(step) => state.staff.use_totp_step(&account.username, step).await?,
            None => false,
        }
    };
    if !right {
        crate::metrics::sign_in_refused("wrong_code");
        attempt.failed(Utc::now());
        state
            .staff
            .record_failed_sign_in(&account.username, &policy)
            .await?;
        return refuse(
            "That code is not right, or has been used. Enter the code your app shows now.".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    attempt.succeeded();
    clear(&viewer.session).await?;
    finish_sign_in(&state, &viewer.session, &account, &p.next, now, true).await
}

/// The secret being set up, made at the first visit and kept in the session until confirmed.
async fn enrolling_secret(session: &Session) -> Result<String, StaffError> {
    if let Some(s) = session.get::<String>(ENROL_SECRET).await? {
        return Ok(s);
    }
    let s = new_secret();
    session.insert(ENROL_SECRET, &s).await?;
    Ok(s)
}

pub async fn show_enrol(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, StaffError> {
    let Some(p) = Pending::of(&viewer.session).await? else {
        return Ok(start_again());
    };
    match account_of(&state, &p).await? {
        Some(a) if a.totp_secret.is_none() => {
            let secret = enrolling_secret(&viewer.session).await?;
            Ok(enrol_form(
                &state,
                &viewer,
                &a,
                &secret,
                vec![],
                StatusCode::OK,
            ))
        }
        Some(_) => Ok(Redirect::to("/staff/two-step").into_response()),
        None => Ok(start_again()),
    }
}

fn enrol_form(
    state: &AppState,
    viewer: &Viewer,
    account: &StaffAccount,
    secret: &str,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let issuer = state.organisation.name.clone();
    let url = totp(secret, &account.username, &issuer)
        .map(|t| t.get_url())
        .unwrap_or_default();
    let svg = qr_svg(&url);
    // In fours, as apps that take it typed show it.
    let grouped: String = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let csrf = viewer.csrf.clone();
    let body = move || {
        view! {
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <h1 class="heading-l">"Set up two-step sign-in"</h1>
            <p class="body">"Your account reaches personal data, so signing in needs a code from an authenticator app on your phone as well as your password (for example Microsoft Authenticator or Google Authenticator)."</p>
            <ol class="list list--number">
                <li>"In the app, choose to add an account and scan this QR code."</li>
                <li>"Or, if you cannot scan it, type this key: "<strong class="secret" id="secret">{grouped}</strong></li>
                <li>"Enter the 6-digit code the app then shows."</li>
            </ol>
            <div class="qr" inner_html=svg></div>
            <form method="post" action="/staff/two-step/enrol" novalidate>
                <input type="hidden" name="_csrf" value=csrf/>
                <TextField
                    field=Field::fixed("code", "", &errors)
                    label="Code from the app"
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    no_spellcheck=true
                    width="input--postcode"
                />
                <button type="submit" class="button">"Set up two-step sign-in"</button>
            </form>
        }
    };
    page(state, viewer, "Set up two-step sign-in", status, body)
}

/// The first code confirms the app has the secret: stored now, with new recovery codes shown
/// once, and the person is signed in.
pub async fn confirm_enrol(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    client: Option<Extension<crate::client::ClientIp>>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, StaffError> {
    let Some(p) = Pending::of(&viewer.session).await? else {
        return Ok(start_again());
    };
    let Some(account) = account_of(&state, &p).await? else {
        return Ok(start_again());
    };
    if account.totp_secret.is_some() {
        return Ok(Redirect::to("/staff/two-step").into_response());
    }
    let secret = enrolling_secret(&viewer.session).await?;
    let now = Utc::now();
    let client = crate::client::ClientIp::of(client);
    let known = device::known(&headers, &account.username, &account.password_hash, now);
    let refuse = |message: &str, status| {
        let errors = vec![FieldError::new("code", message)];
        Ok(enrol_form(
            &state, &viewer, &account, &secret, errors, status,
        ))
    };
    let attempt = match state
        .sign_in
        .reserve(&account.username, client, known, now)
        .await
    {
        Ok(a) => a,
        Err(Refused::Wait(_)) | Err(Refused::AccountWait(_)) => {
            return refuse(
                "Too many wrong codes. Wait a few minutes, then try again.",
                StatusCode::TOO_MANY_REQUESTS,
            )
        }
        Err(Refused::Busy) => return Ok(super::too_many_attempts()),
    };
    let Some(step) = matching_step(&secret, &form.code, now.timestamp().max(0) as u64) else {
        attempt.failed(Utc::now());
        let message = if form.code.trim().is_empty() {
            "Enter the code from the app"
        } else {
            "That code is not right. Check the key in the app and enter the code it shows now."
        };
        return refuse(message, StatusCode::UNPROCESSABLE_ENTITY);
    };
    attempt.succeeded();
    let (codes, hashes) = new_recovery_codes();
    let username = account.username.clone();
    if !state
        .staff
        .set_two_step(&username, Some(&secret), &hashes, &username)
        .await?
    {
        return Ok(start_again());
    }
    // The confirming code is spent like any other.
    state.staff.use_totp_step(&username, step).await?;
    clear(&viewer.session).await?;
    // Setting it up moved the account's epoch on (every other session ended): sign in at the
    // new one.
    let Some(account) = state.staff.user(&username).await? else {
        return Ok(start_again());
    };
    let signed_in = finish_sign_in(&state, &viewer.session, &account, &p.next, now, true).await?;
    let next = p.next.clone();
    let body = move || {
        view! {
            <h1 class="heading-l">"Two-step sign-in is set up"</h1>
            <p class="body">"These are your recovery codes. Each one signs you in once if you do not have your phone. Print them or keep them somewhere safe, away from your phone: they are not shown again."</p>
            <ul class="list recovery-codes">
                {codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
            </ul>
            <p class="body"><a class="button" href=next>"Continue"</a></p>
        }
    };
    let viewer = Viewer {
        user: Some(super::StaffUser::of(&account)),
        ..viewer.clone()
    };
    let mut response = page(&state, &viewer, "Your recovery codes", StatusCode::OK, body);
    // Carry the sign-in's cookies (the known-browser cookie) on this page instead of a redirect.
    for v in signed_in.headers().get_all(axum::http::header::SET_COOKIE) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, v.clone());
    }
    Ok(response)
}
