//! Rate limits (`tower_governor`): sending a complaint (the API, the form posts and the
//! WebAssembly's server function) and signing in, per client (see `client`) and overall. Past a
//! limit the answer is 429 with `Retry-After`: a GOV.UK-style page offering the telephone
//! route for people, the API's JSON error for programs. Limits are per instance.

use crate::client::ClientIp;
use crate::config::LimitSettings;
use crate::error::ErrorBody;
use crate::html::{document, Head};
use app::domain::FieldError;
use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use leptos::prelude::*;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

/// Limits by the client's address (`client::middleware` runs first).
#[derive(Debug, Clone, Copy)]
pub struct ByClient;

impl KeyExtractor for ByClient {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        req.extensions()
            .get::<ClientIp>()
            .map(|c| c.bucket())
            .ok_or(GovernorError::UnableToExtractKey)
    }
}

/// Who is answered when a limit is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A program: the API's JSON error.
    Program,
    /// A person with a browser: a page.
    Person,
}

fn wait_of(e: &GovernorError) -> u64 {
    match e {
        GovernorError::TooManyRequests { wait_time, .. } => (*wait_time).max(1),
        _ => 60,
    }
}

/// The answer past a limit.
fn too_many(e: GovernorError, audience: Audience, telephone: &str) -> Response<Body> {
    if matches!(e, GovernorError::UnableToExtractKey) {
        tracing::error!("rate limit: no client address on the request");
    }
    let wait = wait_of(&e);
    let minutes = wait.div_ceil(60);
    let when = if minutes <= 1 {
        "a minute".to_string()
    } else {
        format!("{minutes} minutes")
    };
    let mut response = match audience {
        Audience::Program => (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(ErrorBody {
                errors: vec![FieldError::new(
                    "",
                    format!("Too many requests from this address. Nothing was saved. Try again in {when}, with the same Idempotency-Key."),
                )],
            }),
        )
            .into_response(),
        Audience::Person => {
            let head = Head {
                title: "Sorry, there have been too many attempts".into(),
                stylesheet: None,
                noindex: true,
            };
            let phone = telephone.to_string();
            // In English and in Welsh: a limit knows the address, not the page's language.
            let cy = app::i18n::Words::of(app::i18n::Lang::Cy);
            let cy_when = if minutes <= 1 {
                cy.tr("a minute").to_string()
            } else {
                cy.fill("{minutes} minutes", &[("minutes", minutes.to_string())])
            };
            let parts = [("when", cy_when), ("telephone", phone.clone())];
            let welsh = [
                cy.fill("Sorry, there have been too many attempts", &parts),
                cy.fill("Nothing was sent. Please try again in {when}.", &parts),
                cy.fill("You can also make your complaint by telephone on {telephone}.", &parts),
            ];
            document(StatusCode::TOO_MANY_REQUESTS, head, "", move || {
                view! {
                    <main id="main">
                        <h1>"Sorry, there have been too many attempts"</h1>
                        <p>{format!("Nothing was sent. Please try again in {when}.")}</p>
                        <p>{format!("You can also make your complaint by telephone on {phone}.")}</p>
                        <div lang="cy">
                            <h2>{welsh[0].clone()}</h2>
                            <p>{welsh[1].clone()}</p>
                            <p>{welsh[2].clone()}</p>
                        </div>
                    </main>
                }
            })
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from(wait));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

type ClientLayer = GovernorLayer<
    ByClient,
    governor::middleware::NoOpMiddleware<governor::clock::QuantaInstant>,
    Body,
>;

fn period(every: Duration) -> Duration {
    every.max(Duration::from_millis(1))
}

/// Per client, in front of signing in (the sign-in guard then limits per username too);
/// `refused` is the page a client over the limit sees (the staff side's, which it passes in).
pub fn sign_ins(s: &LimitSettings, refused: fn() -> Response<Body>) -> ClientLayer {
    let config = GovernorConfigBuilder::default()
        .period(period(s.sign_in_every))
        .burst_size(s.sign_in_burst.max(1))
        .key_extractor(ByClient)
        .finish()
        .expect("a positive period and burst");
    GovernorLayer::new(Arc::new(config)).error_handler(move |e| refused_with_wait(e, refused))
}

fn refused_with_wait(e: GovernorError, refused: fn() -> Response<Body>) -> Response<Body> {
    let wait = wait_of(&e);
    let mut response = refused();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    response
}

/// The limit on sending complaints, one allowance per client (`ClientIp::bucket`) shared by
/// the API, the form posts and the WebAssembly's send, and one overall.
pub struct Submissions {
    per_client: governor::DefaultKeyedRateLimiter<IpAddr>,
    overall: governor::DefaultDirectRateLimiter,
}

/// Clients remembered before the limiter forgets those with nothing left to count.
const REMEMBERED: usize = 10_000;

impl Submissions {
    pub fn new(s: &LimitSettings) -> Submissions {
        let quota = |every: Duration, burst: u32| {
            governor::Quota::with_period(period(every))
                .expect("a positive period")
                .allow_burst(std::num::NonZeroU32::new(burst.max(1)).expect("at least one"))
        };
        Submissions {
            per_client: governor::RateLimiter::keyed(quota(s.client_every, s.client_burst)),
            overall: governor::RateLimiter::direct(quota(s.overall_every, s.overall_burst)),
        }
    }

    /// Ok to send one more from `client` (its bucket), or how long to wait.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        use governor::clock::Clock;
        if self.per_client.len() > REMEMBERED {
            self.per_client.retain_recent();
        }
        // The limiter's own clock: making a clock calibrates it (CPUID), a cost per request
        // that showed in the intake's profile.
        let now = self.per_client.clock().now();
        self.per_client
            .check_key(&client)
            .and_then(|_| self.overall.check())
            .map_err(|not_until| {
                crate::metrics::rate_limited("submissions");
                not_until.wait_time_from(now)
            })
    }
}

/// The page for a person past the limit (the form posts).
pub fn too_many_for_people(wait: Duration, telephone: &str) -> Response<Body> {
    too_many(
        GovernorError::TooManyRequests {
            wait_time: wait.as_secs().max(1),
            headers: None,
        },
        Audience::Person,
        telephone,
    )
}

/// The JSON answer for a program past the limit (the API).
pub fn too_many_for_programs(wait: Duration) -> Response<Body> {
    too_many(
        GovernorError::TooManyRequests {
            wait_time: wait.as_secs().max(1),
            headers: None,
        },
        Audience::Program,
        "",
    )
}
