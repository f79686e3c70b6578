//! The complaint intake server: the public widget's pages (Leptos, server-rendered), the JSON
//! API, and the case store.

// The OpenAPI document is one large json! literal.
#![recursion_limit = "512"]

pub mod accessibility;
pub mod api;
pub mod casework;
pub mod cli;
pub mod client;
pub mod config;
pub mod connections;
pub mod delivery;
pub mod error;
pub mod evidence;
pub mod html;
pub mod intake;
pub mod limits;
pub mod metrics;
pub mod openapi;
pub mod outbox;
pub mod pages;
pub mod retention;
pub mod same_site;
pub mod staff;
pub mod store;
pub mod telemetry;

use app::domain::letter::Organisation;
use axum::extract::{DefaultBodyLimit, FromRef, MatchedPath, Request};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use config::Config;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;
use std::time::Instant;
use store::CaseStore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub organisation: Arc<Organisation>,
    /// The organisation as each team's letters give it (`Organisation::signed_for`), by id.
    pub signed: Arc<std::collections::BTreeMap<String, Arc<Organisation>>>,
    pub store: Arc<dyn CaseStore>,
    pub staff: Arc<dyn store::staff::StaffStore>,
    pub outbox: Arc<dyn store::outbox::OutboxStore>,
    pub retention: Arc<dyn store::retention::RetentionStore>,
    /// How email leaves (GOV.UK Notify, SMTP, or files on this machine).
    pub mailer: Arc<dyn outbox::Mailer>,
    /// Password checks: bounded, and throttled per username and client.
    pub sign_in: Arc<staff::throttle::SignInGuard>,
    /// How many complaints may be sent, per client and overall.
    pub submissions: Arc<limits::Submissions>,
    /// Signs of form posts sent by programs.
    pub robots: Arc<pages::Robots>,
    pub sessions: store::sessions::Sessions,
    /// The site's stylesheet as the built pages name it (with its content hash).
    pub stylesheet: Arc<str>,
    /// The council's identity provider, where `[oidc]` sets one up.
    pub oidc: Option<Arc<staff::oidc::Provider>>,
    /// When the outbox worker last finished a round (Unix seconds; 0: not yet), for readiness.
    pub outbox_heartbeat: Arc<std::sync::atomic::AtomicI64>,
    /// Evidence files: receiving, checking, scanning.
    pub evidence: Arc<evidence::Evidence>,
    pub evidence_store: Arc<dyn store::evidence::EvidenceStore>,
}

impl AppState {
    /// The organisation as the letters of team `team` (its id) give it.
    pub fn organisation_for(&self, team: &str) -> Arc<Organisation> {
        self.signed
            .get(team)
            .cloned()
            .unwrap_or_else(|| self.organisation.clone())
    }

    pub fn new(config: Config, stores: store::Stores) -> Result<AppState, String> {
        let leptos_options = LeptosOptions::builder()
            .output_name("intake")
            .site_root(config.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(config.listen_addr)
            .hash_files(hashed_assets())
            .build();
        let oidc = match &config.sign_in.oidc {
            Some(o) => Some(Arc::new(staff::oidc::Provider::new(o.clone())?)),
            None => None,
        };
        Ok(AppState {
            outbox_heartbeat: Arc::new(std::sync::atomic::AtomicI64::new(0)),
            evidence: Arc::new(evidence::Evidence::new(config.evidence.clone())),
            evidence_store: stores.evidence,
            oidc,
            leptos_options,
            organisation: Arc::new(config.organisation.clone()),
            signed: Arc::new(
                config
                    .taxonomy
                    .teams
                    .iter()
                    .map(|t| {
                        (
                            t.id.clone(),
                            Arc::new(config.organisation.signed_for(&t.name)),
                        )
                    })
                    .collect(),
            ),
            mailer: outbox::mailer(&config)?,
            sign_in: Arc::new(staff::throttle::SignInGuard::new(Default::default())),
            submissions: Arc::new(limits::Submissions::new(&config.limits)),
            robots: Arc::new(pages::Robots::new(config.limits.min_fill)),
            config: Arc::new(config),
            store: stores.cases,
            staff: stores.staff,
            outbox: stores.outbox,
            retention: stores.retention,
            sessions: stores.sessions,
            stylesheet: stylesheet_href().into(),
        })
    }
}

/// `/pkg/intake.<hash>.css` when cargo-leptos hashed the files, else `/pkg/intake.css`.
fn stylesheet_href() -> String {
    let hash = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("css:").map(|h| h.trim().to_string()))
        });
    match hash {
        Some(h) if !h.is_empty() => format!("/pkg/intake.{h}.css"),
        _ => "/pkg/intake.css".into(),
    }
}

/// cargo-leptos writes the hashes of the built JS and WebAssembly beside the server binary
/// when file hashing is on; the pages then name the hashed files.
fn hashed_assets() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|path| path.exists())
}

/// The built site's files: precompressed (brotli, gzip) where cargo-leptos made them, cached
/// for a year when their names carry a hash, revalidated otherwise.
fn static_files(state: &AppState) -> Router<AppState> {
    let root = state.config.site_root.clone();
    let pkg_cache = if state.leptos_options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let pkg = tower::ServiceBuilder::new()
        .layer(tower::util::MapResponseLayer::new(no_store_errors))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(pkg_cache),
        ))
        .service(
            ServeDir::new(root.join("pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    let public = tower::ServiceBuilder::new()
        .layer(tower::util::MapResponseLayer::new(no_store_errors))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ))
        .service(
            ServeDir::new(root)
                .precompressed_br()
                .precompressed_gzip()
                .not_found_service(axum::handler::HandlerWithoutStateExt::into_service(
                    not_found_fallback(state.clone()),
                )),
        );
    Router::new()
        .nest_service("/pkg", pkg)
        .fallback_service(public)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            unreadable_files,
        ))
}

/// The longest path segment looked for among the site's files: a longer one cannot name a
/// file (255 bytes is the limit of the file systems the service runs on), and the file system
/// answers an error that the file service would turn into a 500.
const LONGEST_SEGMENT: usize = 255;

/// A path the site's files cannot hold, or a file that cannot be read, is a page not found
/// (with the page, not an empty 500); a file that cannot be read is logged for whoever runs it.
async fn unreadable_files(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    // "Page not found" in the language of the address.
    let not_found = match app::i18n::Lang::of_path(&path).0 {
        app::i18n::Lang::Cy => "/cy/not-found",
        _ => "/not-found",
    };
    if path.split('/').any(|s| s.len() > LONGEST_SEGMENT) {
        return no_store_errors(pages::render(&state, not_found, None).await);
    }
    let response = next.run(request).await;
    if response.status().is_server_error() {
        tracing::error!(
            route = "(site files)",
            status = response.status().as_u16(),
            "a site file could not be read"
        );
        return no_store_errors(pages::render(&state, not_found, None).await);
    }
    response
}

/// A missing file or page must not be cached (a 404 for a hashed file that is deployed a
/// moment later would otherwise stick for a year, and error pages carry a per-response nonce).
fn no_store_errors<B>(mut res: axum::http::Response<B>) -> axum::http::Response<B> {
    if res.status().is_client_error() || res.status().is_server_error() {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Strict-Transport-Security where the service is reached over HTTPS (the reverse proxy may
/// set it too; this one is for when it does not).
async fn hsts(
    axum::extract::State(on): axum::extract::State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if on {
        response
            .headers_mut()
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(
                "max-age=31536000; includeSubDomains",
            ));
    }
    response
}

fn not_found_fallback(
    state: AppState,
) -> impl Fn(Request) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>
       + Clone
       + Send
       + Sync
       + 'static {
    move |req: Request| {
        let state = state.clone();
        Box::pin(async move { pages::render(&state, req.uri().path(), None).await })
    }
}

/// The complainant's page for sending evidence, in English and Welsh: bodies up to the
/// largest file taken (the file is streamed to disk, never held whole).
fn evidence_routes(state: &AppState) -> Router<AppState> {
    let limit = state.config.evidence.limits.max_file_bytes as usize + 64 * 1024;
    let page = || {
        get(evidence::public::show)
            .post(evidence::public::send)
            .layer(DefaultBodyLimit::max(limit))
    };
    Router::new()
        .route("/evidence/{token}", page())
        .route("/cy/evidence/{token}", page())
}

pub fn router(state: AppState) -> Router {
    // Leptos renders pages on tokio (set once per process; a second call changes nothing).
    let _ = any_spawner::Executor::init_tokio();
    let api = Router::new()
        .route("/api/v1/complaints", post(api::post_complaint))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/notify/callback", post(delivery::callback))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    // One renderer per language, each with its own configuration and table.
    let renderer = |lang: app::i18n::Lang| {
        let options = state.leptos_options.clone();
        let site = pages::site_info(&state, lang);
        let settings = pages::page_settings(&state);
        let context = move || {
            leptos::prelude::provide_context(site.clone());
            leptos::prelude::provide_context(settings.clone());
        };
        let page = leptos_axum::render_app_to_stream_with_context(context, move || {
            app::shell(options.clone())
        });
        move |req: Request| page(req)
    };
    let page = renderer(app::i18n::Lang::En);
    let welsh = renderer(app::i18n::Lang::Cy);
    // Pages carry a per-response nonce, and form answers: never kept by shared caches, and
    // never reused without asking. Not `no-store`: the browser's Back button must still show
    // "Check your answers" after sending without JavaScript (it would otherwise re-post).
    let no_store = || {
        SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        )
    };
    // The form's pages mark the browser as having been on them (see `same_site`).
    let secure = state.config.outbox.public_url.starts_with("https://");
    let form_cookie = || middleware::from_fn_with_state(secure, same_site::set_form_cookie);
    // The WebAssembly's "send": limited in the handler like every other way of sending a
    // complaint, from the same allowance.
    let widget_send = post(pages::submit_from_widget).layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    let trusted = Arc::new(state.config.trusted_proxies.clone());
    Router::new()
        .merge(api)
        .route("/health", get(api::health))
        .route("/health/live", get(api::live))
        .route("/health/ready", get(api::ready))
        .merge(evidence_routes(&state))
        .route("/complaint", post(pages::post_journey).layer(no_store()))
        .route("/cy/complaint", post(pages::post_journey).layer(no_store()))
        .route(
            "/privacy-notice-wording",
            get(pages::privacy_notice_wording),
        )
        .route(
            "/accessibility",
            get(accessibility::statement).layer(no_store()),
        )
        .route(
            "/cy/accessibility",
            get(accessibility::statement).layer(no_store()),
        )
        .merge(staff::router(&state))
        .route("/", get(page.clone()).layer(no_store()))
        .route(
            "/complaint",
            get(page).layer(no_store()).layer(form_cookie()),
        )
        .route("/cy", get(welsh.clone()).layer(no_store()))
        .route("/cy/", get(welsh.clone()).layer(no_store()))
        .route(
            "/cy/complaint",
            get(welsh).layer(no_store()).layer(form_cookie()),
        )
        .route(app::ui::journey::SUBMISSION_PATH, widget_send)
        .merge(static_files(&state))
        .layer(CompressionLayer::new())
        // A body must arrive whole within this, however it trickles (slow clients).
        .layer(middleware::from_fn_with_state(
            state.config.connections.body_read,
            connections::body_deadline,
        ))
        .layer(security_headers())
        // No error is ever kept by a cache, whichever layer or handler answered it.
        .layer(tower::util::MapResponseLayer::new(no_store_errors))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(log_request))
        .layer(middleware::from_fn_with_state(state.config.hsts, hsts))
        .layer(middleware::from_fn_with_state(trusted, client::middleware))
        .with_state(state)
}

/// Headers every response carries. Referrer-Policy keeps our URLs out of other sites' logs.
fn security_headers() -> tower::ServiceBuilder<
    tower::layer::util::Stack<
        SetResponseHeaderLayer<HeaderValue>,
        tower::layer::util::Stack<
            SetResponseHeaderLayer<HeaderValue>,
            tower::layer::util::Stack<
                SetResponseHeaderLayer<HeaderValue>,
                tower::layer::util::Identity,
            >,
        >,
    >,
> {
    let set = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    tower::ServiceBuilder::new()
        .layer(set("x-content-type-options", "nosniff"))
        .layer(set("referrer-policy", "no-referrer"))
        .layer(set(
            "content-security-policy",
            "frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'",
        ))
}

/// A bug must still get a clear answer, with no internals, and leave the server running.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    let body = error::ErrorBody {
        errors: vec![app::domain::FieldError::new(
            "",
            "Sorry, there is a problem with the service. Try again later.",
        )],
    };
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(body),
    )
        .into_response()
}

/// One line per request: method, route pattern (never the raw URL), status and time taken.
/// No bodies, no query strings, no addresses: nothing personal reaches the logs. Every line
/// logged while the request is handled carries its id (`x-request-id`: the caller's, if it is
/// a plain token, else a new one), which the response carries back.
async fn log_request(request: Request, next: Next) -> Response {
    use tracing::Instrument;
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".into());
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| request_id_ok(v))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let span = tracing::info_span!("request", request_id = %id);
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let seconds = started.elapsed().as_secs_f64();
    crate::metrics::request(&route, response.status().as_u16(), seconds);
    span.in_scope(|| {
        tracing::info!(
            %method,
            route,
            status = response.status().as_u16(),
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "request"
        )
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// A request id taken from the caller: a token of letters, digits, '-', '_' and '.', at most
/// 64 long (anything else could smuggle text into the logs).
fn request_id_ok(v: &str) -> bool {
    (1..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}
