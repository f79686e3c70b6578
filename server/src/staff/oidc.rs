//! Signing staff in through the council's identity provider (OpenID Connect; Microsoft
//! Entra ID in most councils), with the `openidconnect` crate: the authorization code flow
//! with PKCE, `state` and `nonce`; the provider found by discovery from its issuer; the ID
//! token's signature, issuer, audience, expiry and nonce checked by the crate.
//!
//! The flow's secrets (state, nonce, PKCE verifier) wait in a short-lived cookie of their
//! own, not a session: nobody has a session until they are signed in (see `viewer_and_csrf`).
//! The role and team come from the token at every sign-in, so a person the council removes
//! from the app's roles has no access at their next sign-in, and a disabled account here
//! stays disabled whatever the token says.

use super::components::page;
use super::error::StaffError;
use super::signed_in::finish_sign_in;
use super::{Viewer, SESSION_VIA};
use crate::config::Oidc;
use crate::store::staff::{AuditEntry, ProvidedAccount};
use crate::AppState;
use app::domain::casework::Role;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use leptos::prelude::*;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, ProviderMetadataWithLogout, RedirectUrl, Scope,
};
use secrecy::ExposeSecret;
use serde::Deserialize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The cookie holding one sign-in's state, nonce, PKCE verifier and where to go after.
pub const FLOW_COOKIE: &str = "__Host-intake_oidc";
/// How long someone has at the provider before the sign-in must start again.
const FLOW_SECONDS: i64 = 600;
/// The provider's metadata and keys are fetched again after this long (and after a token
/// fails its checks, in case the provider's keys have changed).
const DISCOVERY_TTL: Duration = Duration::from_secs(900);

/// The identity provider as this service uses it.
pub struct Provider {
    config: Oidc,
    http: openidconnect::reqwest::Client,
    discovered: Mutex<Option<(Instant, ProviderMetadataWithLogout)>>,
}

/// Why a sign-in through the provider was refused: for the audit trail and the log (the
/// person sees one plain message; the detail helps whoever runs the service).
#[derive(Debug)]
enum Refusal {
    /// No flow cookie (expired, or another browser), or its state differs from the reply's.
    State,
    /// The provider answered with an error (the person cancelled, or was not allowed).
    Provider(String),
    /// The provider could not be reached or its answer was not understood.
    Unreachable(String),
    /// The code exchange failed (a wrong PKCE verifier, a used code, a wrong secret).
    Exchange(String),
    /// The ID token failed a check: signature, issuer, audience, expiry or nonce.
    Token(String),
    /// The token carries no role this service maps.
    NoRole,
    /// The account is disabled here.
    Disabled(String),
}

impl Refusal {
    fn detail(&self) -> String {
        match self {
            Refusal::State => "the reply's state did not match this browser's sign-in".into(),
            Refusal::Provider(e) => format!("the provider refused: {e}"),
            Refusal::Unreachable(e) => format!("the provider could not be reached: {e}"),
            Refusal::Exchange(e) => format!("the code exchange failed: {e}"),
            Refusal::Token(e) => format!("the ID token failed its checks: {e}"),
            Refusal::NoRole => "the token carries no role mapped in [oidc.roles]".into(),
            Refusal::Disabled(u) => format!("{u} is disabled"),
        }
    }
}

impl Provider {
    pub fn new(config: Oidc) -> Result<Provider, String> {
        // Never follow redirects (the library's advice: no request to where a reply points).
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("oidc: cannot make an HTTP client: {e}"))?;
        Ok(Provider {
            config,
            http,
            discovered: Mutex::new(None),
        })
    }

    pub fn name(&self) -> &str {
        &self.config.provider_name
    }

    async fn metadata(&self) -> Result<ProviderMetadataWithLogout, Refusal> {
        if let Some((at, m)) = self.discovered.lock().expect("not poisoned").as_ref() {
            if at.elapsed() < DISCOVERY_TTL {
                return Ok(m.clone());
            }
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| Refusal::Unreachable(e.to_string()))?;
        let m = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| Refusal::Unreachable(error_chain(&e)))?;
        *self.discovered.lock().expect("not poisoned") = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    fn forget_metadata(&self) {
        *self.discovered.lock().expect("not poisoned") = None;
    }

    fn client(
        &self,
        m: ProviderMetadataWithLogout,
        public_url: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        Refusal,
    > {
        let redirect = RedirectUrl::new(format!("{public_url}/staff/sign-in/oidc/callback"))
            .map_err(|e| Refusal::Unreachable(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            m,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(
                self.config.client_secret.expose_secret().to_string(),
            )),
        )
        .set_redirect_uri(redirect))
    }

    /// The provider's sign-out address, if it publishes one (RP-initiated logout).
    pub async fn sign_out_url(&self, public_url: &str) -> Option<String> {
        let m = self.metadata().await.ok()?;
        let end = m.additional_metadata().end_session_endpoint.clone()?;
        let mut url = end.url().clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.config.client_id)
            .append_pair(
                "post_logout_redirect_uri",
                &format!("{public_url}/staff/sign-in"),
            );
        Some(url.to_string())
    }

    /// The role the token's roles claim maps to (the highest, if several do).
    fn role(&self, claims: &serde_json::Value) -> Option<Role> {
        let values: Vec<String> = match claims.get(&self.config.roles_claim) {
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            _ => vec![],
        };
        values
            .iter()
            .filter_map(|v| self.config.roles.get(v).copied())
            .max()
    }

    /// The team the token names, if the provider sends one this service knows.
    fn team(&self, claims: &serde_json::Value, teams: &[String]) -> Option<String> {
        let value = claims.get(self.config.team_claim.as_ref()?)?.as_str()?;
        let team = self
            .config
            .teams
            .get(value)
            .cloned()
            .unwrap_or_else(|| value.to_string());
        teams.contains(&team).then_some(team)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// The claims of an ID token whose checks have passed (the same bytes the library verified),
/// for the claims it does not model: the roles and the team.
fn payload(id_token: &str) -> Option<serde_json::Value> {
    use base64::Engine;
    let part = id_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A username for someone's first sign-in, from what the provider calls them: the part of
/// `preferred_username` (Entra: the sign-in address) before any `@`, in the characters a
/// username may have.
fn username_hint(preferred: Option<&str>, name: &str) -> String {
    let base = preferred
        .and_then(|p| p.split('@').next())
        .filter(|p| !p.trim().is_empty())
        .unwrap_or(name);
    let mut clean: String = base
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '.'
            }
        })
        .collect();
    clean.truncate(56);
    let clean = clean.trim_matches('.').to_string();
    if clean.len() < 2 {
        "staff".into()
    } else {
        clean
    }
}

fn flow_cookie(value: &str, max_age: i64) -> Option<HeaderValue> {
    // Lax, not Strict: the provider's reply is a navigation from its site to ours.
    HeaderValue::from_str(&format!(
        "{FLOW_COOKIE}={value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={max_age}"
    ))
    .ok()
}

#[derive(Deserialize, Default)]
pub struct StartQuery {
    next: Option<String>,
}

/// `/staff/sign-in/oidc`: off to the provider.
pub async fn start(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<StartQuery>,
) -> Result<Response, StaffError> {
    let Some(provider) = state.oidc.clone() else {
        return Err(StaffError::NotFound);
    };
    if viewer.user.is_some() {
        return Ok(Redirect::to("/staff").into_response());
    }
    let public_url = state.config.outbox.public_url.clone();
    let client = match provider.metadata().await {
        Ok(m) => provider.client(m, &public_url),
        Err(e) => Err(e),
    };
    let client = match client {
        Ok(c) => c,
        Err(refusal) => return refused(&state, &viewer, None, refusal).await,
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    let next = super::auth::safe_next(q.next.as_deref().unwrap_or("/staff"));
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    // The first three parts are URL-safe base64 (no dot); `next` is last, so it may hold dots.
    let value = format!(
        "{}.{}.{}.{next}",
        csrf.secret(),
        nonce.secret(),
        verifier.secret()
    );
    let mut response = Redirect::to(url.as_str()).into_response();
    if let Some(c) = flow_cookie(&value, FLOW_SECONDS) {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(response)
}

#[derive(Deserialize, Default)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

struct Flow {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
}

fn flow(headers: &HeaderMap) -> Option<Flow> {
    let value = crate::client::cookie(headers, FLOW_COOKIE)?;
    // At most four parts: the last, where to go after, may hold dots.
    let mut parts = value.splitn(4, '.');
    let (state, nonce, verifier, next) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let next: String = form_urlencoded::parse(format!("n={next}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    Some(Flow {
        state: state.into(),
        nonce: nonce.into(),
        verifier: verifier.into(),
        next: super::auth::safe_next(&next).to_string(),
    })
}

/// `/staff/sign-in/oidc/callback`: the provider's reply.
pub async fn callback(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, StaffError> {
    let Some(provider) = state.oidc.clone() else {
        return Err(StaffError::NotFound);
    };
    let mut response = match sign_in(&state, &viewer, &provider, &headers, q).await? {
        Ok(response) => response,
        Err((who, refusal)) => refused(&state, &viewer, who, refusal).await?,
    };
    // The flow is used once, whatever happened.
    if let Some(c) = flow_cookie("", 0) {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(response)
}

type Outcome = Result<Response, (Option<String>, Refusal)>;

async fn sign_in(
    state: &AppState,
    viewer: &Viewer,
    provider: &Provider,
    headers: &HeaderMap,
    q: CallbackQuery,
) -> Result<Outcome, StaffError> {
    let refuse = |r: Refusal| Ok(Err((None, r)));
    let Some(flow) = flow(headers) else {
        return refuse(Refusal::State);
    };
    let sent = q.state.unwrap_or_default();
    let same: bool = subtle::ConstantTimeEq::ct_eq(sent.as_bytes(), flow.state.as_bytes()).into();
    if !same {
        return refuse(Refusal::State);
    }
    if let Some(e) = q.error {
        return refuse(Refusal::Provider(e.chars().take(100).collect()));
    }
    let Some(code) = q.code else {
        return refuse(Refusal::Provider("no code".into()));
    };
    let public_url = state.config.outbox.public_url.clone();
    let client = match provider.metadata().await {
        Ok(m) => provider.client(m, &public_url),
        Err(e) => Err(e),
    };
    let client = match client {
        Ok(c) => c,
        Err(r) => return refuse(r),
    };
    let exchange = match client.exchange_code(AuthorizationCode::new(code)) {
        Ok(e) => e,
        Err(e) => return refuse(Refusal::Unreachable(e.to_string())),
    };
    let tokens = match exchange
        .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier))
        .request_async(&provider.http)
        .await
    {
        Ok(t) => t,
        Err(e) => return refuse(Refusal::Exchange(error_chain(&e))),
    };
    use openidconnect::TokenResponse;
    let Some(id_token) = tokens.id_token() else {
        return refuse(Refusal::Token("no ID token".into()));
    };
    let verifier = client.id_token_verifier();
    let claims = match id_token.claims(&verifier, &Nonce::new(flow.nonce)) {
        Ok(c) => c.clone(),
        Err(e) => {
            // Perhaps the provider's keys changed: look them up again next time.
            provider.forget_metadata();
            return refuse(Refusal::Token(error_chain(&e)));
        }
    };
    let Some(extra) = payload(&id_token.to_string()) else {
        return refuse(Refusal::Token("unreadable claims".into()));
    };
    let name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.to_string())
        .filter(|n| !n.trim().is_empty());
    let preferred = claims.preferred_username().map(|p| p.to_string());
    let display_name = name
        .clone()
        .or(preferred.clone())
        .unwrap_or_else(|| "Staff member".into())
        .chars()
        .take(100)
        .collect::<String>();
    let who = Some(display_name.clone());
    let Some(role) = provider.role(&extra) else {
        return Ok(Err((who, Refusal::NoRole)));
    };
    let teams: Vec<String> = state
        .config
        .taxonomy
        .teams
        .iter()
        .map(|t| t.id.clone())
        .collect();
    let provided = ProvidedAccount {
        subject: format!("{}#{}", claims.issuer().as_str(), claims.subject().as_str()),
        username_hint: username_hint(preferred.as_deref(), &display_name),
        display_name,
        role,
        team: provider.team(&extra, &teams),
    };
    let account = state.staff.provided_sign_in(&provided).await?;
    if account.disabled {
        return Ok(Err((who, Refusal::Disabled(account.username))));
    }
    let session = &viewer.session;
    let now = Utc::now();
    let redirected = finish_sign_in(state, session, &account, &flow.next, now, false).await?;
    session.insert(SESSION_VIA, "oidc").await?;
    // A page that moves on by itself rather than a redirect: the reply came from the
    // provider's site, and the session cookie (SameSite=Strict) is only sent on a navigation
    // that starts here.
    let next = flow.next.clone();
    let signed_in_viewer = Viewer {
        user: Some(super::StaffUser::of(&account)),
        ..viewer.clone()
    };
    let body = move || {
        view! {
            <h1 class="heading-l">"You are signed in"</h1>
            <p class="body"><a class="button" href=next>"Continue"</a></p>
        }
    };
    let mut response = page(state, &signed_in_viewer, "Signed in", StatusCode::OK, body);
    if let Ok(v) = HeaderValue::from_str(&format!("0; url={}", flow.next)) {
        response.headers_mut().insert("refresh", v);
    }
    for v in redirected.headers().get_all(header::SET_COOKIE) {
        response.headers_mut().append(header::SET_COOKIE, v.clone());
    }
    Ok(Ok(response))
}

/// A refused sign-in: audited and logged with the reason, shown plainly.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    who: Option<String>,
    refusal: Refusal,
) -> Result<Response, StaffError> {
    let detail = refusal.detail();
    tracing::warn!(route = "/staff/sign-in/oidc", cause = %detail, "sign-in through the identity provider refused");
    state
        .staff
        .audit(AuditEntry {
            at: Utc::now(),
            // The name the provider gave, if it got that far (never a token or an address).
            username: who.unwrap_or_else(|| "(identity provider)".into()),
            action: "refused sign-in".into(),
            reference: None,
            detail: Some(detail),
        })
        .await?;
    let provider = state
        .oidc
        .as_ref()
        .map(|p| p.name().to_string())
        .unwrap_or_default();
    let (status, heading, text) = match refusal {
        Refusal::NoRole => (
            StatusCode::FORBIDDEN,
            "You do not have access to this service",
            format!(
                "{} signed you in, but your account has not been given a role in the data protection complaints service. Ask the Data Protection Officer or your IT service desk to give you one, then sign in again.",
                provider
            ),
        ),
        Refusal::Disabled(_) => (
            StatusCode::FORBIDDEN,
            "Your account is disabled",
            "Your account in the data protection complaints service has been disabled. Ask the Data Protection Officer if you need it.".to_string(),
        ),
        Refusal::Unreachable(_) => (
            StatusCode::BAD_GATEWAY,
            "Signing in is not working at the moment",
            format!("We could not reach {provider}. Try again in a few minutes. If it keeps happening, tell your IT service desk."),
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            "We could not sign you in",
            format!("The sign-in through {provider} could not be completed, or took too long. Nothing was changed. Start again from the sign-in page."),
        ),
    };
    let body = move || {
        view! {
            <h1 class="heading-l">{heading}</h1>
            <p class="body">{text}</p>
            <p class="body"><a href="/staff/sign-in">"Go to the sign-in page"</a></p>
        }
    };
    Ok(page(state, viewer, heading, status, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flow_cookie_keeps_where_to_go_after_even_with_dots() {
        let mut headers = HeaderMap::new();
        let cookie = format!("other=1; {FLOW_COOKIE}=st4te.n0nce.v3rifier.%2Fstaff%2Fcases%2Fa.b");
        headers.insert(header::COOKIE, cookie.parse().unwrap());
        let f = flow(&headers).unwrap();
        assert_eq!(
            (
                f.state.as_str(),
                f.nonce.as_str(),
                f.verifier.as_str(),
                f.next.as_str()
            ),
            ("st4te", "n0nce", "v3rifier", "/staff/cases/a.b")
        );
        // Somewhere not ours is never where a sign-in goes.
        let mut evil = HeaderMap::new();
        let cookie = format!("{FLOW_COOKIE}=s.n.v.https%3A%2F%2Fevil.example");
        evil.insert(header::COOKIE, cookie.parse().unwrap());
        assert_eq!(flow(&evil).unwrap().next, "/staff");
        assert!(flow(&HeaderMap::new()).is_none());
    }

    #[test]
    fn usernames_made_from_what_the_provider_calls_someone() {
        assert_eq!(
            username_hint(Some("Kim.Handler@council.gov.uk"), "Kim Handler"),
            "kim.handler"
        );
        assert_eq!(username_hint(None, "Siân O'Neil"), "si.n.o.neil");
        assert_eq!(username_hint(Some("@x"), "Jo"), "jo");
        assert_eq!(username_hint(None, "李"), "staff");
        assert!(
            app::domain::casework::parse_username(&username_hint(Some(&"a".repeat(300)), ""))
                .is_ok()
        );
    }
}
