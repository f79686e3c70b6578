//! The public pages' server side: the journey's plain form posts (for browsers without
//! JavaScript or before the WebAssembly loads), and the context every page renders with.

use crate::intake::{self, Accepted, IntakeError, Submission};
use crate::AppState;
use app::flow::{advance, input_from_pairs, JourneyState, Sent, Step, SubmitOutcome, SEND_FAILED};
use app::i18n::Lang;
use app::ui::{PageSettings, SiteInfo};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;
use uuid::Uuid;

/// What the pages in `lang` render with: configuration, and that language's table.
pub fn site_info(state: &AppState, lang: Lang) -> SiteInfo {
    let policy = &state.config.retention.policy;
    SiteInfo {
        organisation: (*state.organisation).clone(),
        taxonomy: state.config.taxonomy.clone(),
        logo_url: state.config.branding.logo_url.clone(),
        consent_intro: match lang {
            Lang::En => app::domain::retention::consent_intro(policy),
            Lang::Cy => app::domain::retention::consent_intro_cy(policy),
        },
        lang,
        // Filled in for the pages the WebAssembly takes over (`app::ui::App`).
        words: Vec::new(),
    }
}

/// What the page head and headers need from configuration (server only).
pub fn page_settings(state: &AppState) -> PageSettings {
    PageSettings {
        frame_origins: state.config.embed_origins.clone(),
        image_origin: state.config.branding.logo_origin(),
        brand_css: state.config.branding.css(),
    }
}

/// The WebAssembly's "send": the answers in the widget's format (`app::domain::lines`), under
/// its own media type (a page on another site cannot send that without the browser asking
/// first, which CORS refuses). The answer is the outcome in the same format; a request that
/// is not one is refused like the API refuses it, with a 4xx and a JSON error (never a 500),
/// and the widget then tells the person nothing was sent.
pub async fn submit_from_widget(
    State(state): State<AppState>,
    client: Option<axum::Extension<crate::client::ClientIp>>,
    req: Request,
) -> Response {
    use crate::error::ApiError;
    use app::domain::lines;
    use app::flow::{OUTCOME_TAG, SUBMISSION_MEDIA_TYPE, SUBMISSION_TAG};
    // The same limit as the API and the form: one client has one allowance, however it sends.
    if let Err(wait) = state.submissions.check(crate::client::ClientIp::of(client)) {
        return crate::limits::too_many_for_programs(wait);
    }
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if media_type.as_deref() != Some(SUBMISSION_MEDIA_TYPE) {
        let expected = SUBMISSION_MEDIA_TYPE;
        return ApiError::WrongMediaType { expected }.into_response();
    }
    let limit = state.config.max_body_bytes;
    let Ok(bytes) = axum::body::to_bytes(req.into_body(), limit).await else {
        return ApiError::TooLarge { limit }.into_response();
    };
    let Some(app::flow::Submission { input, key, lang }) = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|text| lines::decode(SUBMISSION_TAG, text))
    else {
        return ApiError::BadRequest(ApiError::field(
            "body",
            format!("The body must be a complaint as the form's WebAssembly sends it ({SUBMISSION_MEDIA_TYPE})"),
        ))
        .into_response();
    };
    let mut submission = Submission::online(key, None);
    submission.lang = lang;
    let outcome = match intake::receive(&state, &input, submission).await {
        Ok(Accepted::Created(mut receipt)) => {
            crate::evidence::link_for(&state, &mut receipt).await;
            SubmitOutcome::Received {
                receipt,
                already: false,
            }
        }
        Ok(Accepted::AlreadyReceived(mut receipt)) => {
            crate::evidence::link_for(&state, &mut receipt).await;
            SubmitOutcome::Received {
                receipt,
                already: true,
            }
        }
        Err(IntakeError::Invalid(errors)) => SubmitOutcome::Invalid(errors),
        Err(IntakeError::KeyReused { earlier }) => SubmitOutcome::SentBefore(earlier),
        Err(IntakeError::Unavailable) => SubmitOutcome::Unavailable,
    };
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        lines::encode(OUTCOME_TAG, &outcome),
    )
        .into_response()
}

/// Signs that a form post comes from a program rather than a person: the hidden honeypot
/// field filled in, or the complaint sent within seconds of the journey's first post (a
/// person answering five pages of questions takes minutes). Either only marks the complaint
/// for staff to check: it is stored like any other, since nothing a person sends may be lost.
/// First posts are remembered per instance, for a day, at most `REMEMBERED` journeys.
pub struct Robots {
    first_seen: std::sync::Mutex<std::collections::HashMap<Uuid, std::time::Instant>>,
    pub min_fill: std::time::Duration,
}

const REMEMBERED: usize = 100_000;

impl Robots {
    pub fn new(min_fill: std::time::Duration) -> Robots {
        Robots {
            first_seen: Default::default(),
            min_fill,
        }
    }

    /// Records the journey `key` (the first time) and says how long ago it was first seen.
    pub fn seen(&self, key: Uuid) -> std::time::Duration {
        let now = std::time::Instant::now();
        let mut map = self.first_seen.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= REMEMBERED {
            let day = std::time::Duration::from_secs(86_400);
            map.retain(|_, t| now.duration_since(*t) < day);
            if map.len() >= REMEMBERED {
                map.clear();
            }
        }
        now.duration_since(*map.entry(key).or_insert(now))
    }
}

fn robots_review(state: &AppState, key: Uuid, honeypot: &str) -> Option<String> {
    let since = state.robots.seen(key);
    if !honeypot.trim().is_empty() {
        Some("The form's hidden field for robots was filled in".into())
    } else if since < state.robots.min_fill {
        Some(format!(
            "Sent {} second(s) after the form was started",
            since.as_secs()
        ))
    } else {
        None
    }
}

/// Renders the Leptos app for `path` with extra context (a GET, whatever the request was).
pub async fn render(state: &AppState, path: &str, journey: Option<JourneyState>) -> Response {
    let site = site_info(state, Lang::of_path(path).0);
    let settings = page_settings(state);
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || {
            provide_context(site.clone());
            provide_context(settings.clone());
            if let Some(j) = journey.clone() {
                provide_context(j);
            }
        },
        move || app::shell(options.clone()),
    );
    let req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .body(Body::empty())
        .expect("a valid path");
    handler(req).await.into_response()
}

/// A step of the journey posted as a plain HTML form. Answers from earlier steps come back in
/// hidden fields; nothing is stored until the complaint is sent from "Check your answers".
pub async fn post_journey(
    State(state): State<AppState>,
    client: Option<axum::Extension<crate::client::ClientIp>>,
    req: Request,
) -> Response {
    // Posted to "/complaint" or "/cy/complaint": the page answers in that language.
    let lang = Lang::of_path(req.uri().path()).0;
    // Only from the form's own pages: before anything is read, saved or shown back.
    if crate::same_site::verdict(req.headers(), &state.config.outbox.public_url)
        != crate::same_site::Verdict::Ours
    {
        return crate::same_site::refused(&state, lang);
    }
    let journey_page = |step: Step| format!("{}?step={}", lang.path("/complaint"), step.id());
    let limit = state.config.max_body_bytes;
    let Ok(bytes) = axum::body::to_bytes(req.into_body(), limit).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The form is too large to send.",
        )
            .into_response();
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    let meta = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let input = input_from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let key = Uuid::parse_str(meta("_key")).unwrap_or_else(|_| Uuid::new_v4());
    state.robots.seen(key);
    let changing = meta("_change") == "1";
    let step = Step::parse(meta("_step")).unwrap_or(Step::AboutYou);
    let mut journey = JourneyState {
        input,
        key,
        changing,
        ..JourneyState::default()
    };

    // A "Change" button on the check page.
    if let Some(target) = Step::parse(meta("_goto")).filter(|s| Step::QUESTIONS.contains(s)) {
        journey.changing = true;
        return render(&state, &journey_page(target), Some(journey)).await;
    }
    // The language switch: the same page in the other language (this one), answers kept and
    // not yet checked (the person has not pressed Continue).
    if Lang::parse(meta("_lang")).is_some() {
        let step = match step {
            Step::Done => Step::Check,
            s => s,
        };
        return render(&state, &journey_page(step), Some(journey)).await;
    }
    let (next, errors) = advance(step, &journey.input, &state.config.taxonomy, changing);
    journey.errors = errors;
    if next == Step::Check {
        journey.changing = false;
    }
    if step == Step::Check && next == Step::Check && journey.errors.is_empty() {
        if let Err(wait) = state.submissions.check(crate::client::ClientIp::of(client)) {
            return crate::limits::too_many_for_people(wait, &state.organisation.telephone);
        }
        let mut submission = Submission::online(key, robots_review(&state, key, meta("website")));
        submission.lang = lang;
        let shown = match intake::receive(&state, &journey.input, submission).await {
            Ok(Accepted::Created(mut receipt)) => {
                crate::evidence::link_for(&state, &mut receipt).await;
                journey.sent = Some(Sent {
                    receipt,
                    already: false,
                });
                Step::Done
            }
            Ok(Accepted::AlreadyReceived(mut receipt)) => {
                crate::evidence::link_for(&state, &mut receipt).await;
                journey.sent = Some(Sent {
                    receipt,
                    already: true,
                });
                Step::Done
            }
            Err(IntakeError::Invalid(errors)) => {
                let first = errors
                    .iter()
                    .find_map(|e| Step::of_field(&e.field))
                    .unwrap_or(Step::Check);
                journey.errors = errors;
                first
            }
            // Sent before with other answers (Back after sending, an answer changed): say so,
            // and let these answers go as a new complaint under a new key if the person wants.
            Err(IntakeError::KeyReused { earlier }) => {
                journey.sent_before(earlier, Uuid::new_v4());
                Step::Check
            }
            Err(IntakeError::Unavailable) => {
                journey.problem = Some(SEND_FAILED.into());
                Step::Check
            }
        };
        return render(&state, &journey_page(shown), Some(journey)).await;
    }
    render(&state, &journey_page(next), Some(journey)).await
}

/// Seed 004 Appendix A, filled in with this council's details and this form's address, for the
/// web editor to put in the council's privacy notice beside the embedded form.
pub async fn privacy_notice_wording(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Response {
    use leptos::prelude::*;
    // The service's public address from configuration, never from the request's Host
    // header (anyone can send any Host, and this snippet is pasted into the council's pages).
    let _ = headers;
    let url = format!("{}/", state.config.outbox.public_url);
    let wording = app::domain::letter::privacy_notice_wording(&state.organisation, &url);
    let keeping = app::domain::retention::public_wording(&state.config.retention.policy);
    let (heading_1, rest) = wording.split_first().expect("the wording has paragraphs");
    let html_to_paste = {
        let esc = |t: &str| {
            t.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        format!(
            "<h2>{}</h2>\n<p>{}</p>\n<ul>\n  <li>{}</li>\n  <li>{}</li>\n  <li>{}</li>\n</ul>\n<h3>{}</h3>\n<p>{}</p>\n<p>{}</p>\n<h3>How long we keep your information</h3>\n<p>{}</p>\n<div data-dp-complaint><a href=\"{url}\">Make a data protection complaint</a></div>\n<script src=\"{url}embed.js\" async></script>",
            esc(heading_1), esc(&rest[0]), esc(&rest[1]), esc(&rest[2]), esc(&rest[3]), esc(&rest[4]), esc(&rest[5]), esc(&rest[6]), esc(&keeping)
        )
    };
    let head = crate::html::Head {
        title: format!("Privacy notice wording – {}", state.organisation.name),
        stylesheet: Some(state.stylesheet.to_string()),
        noindex: false,
    };
    let heading = heading_1.clone();
    let rest = rest.to_vec();
    let mut response = crate::html::document(StatusCode::OK, head, "", move || {
        view! {
            <div class="width-container">
                <main id="main" class="main">
                    <h1 class="heading-l">"Wording for your privacy notice"</h1>
                    <p class="body">"Seed wording for the council's privacy notice (Appendix A of the Data Protection Complaints Procedure), filled in with this service's details. Put it in the privacy notice with the form."</p>
                    <h2 class="heading-m">{heading}</h2>
                    <p class="body">{rest[0].clone()}</p>
                    <ul class="list">
                        <li>{rest[1].clone()}</li>
                        <li>{rest[2].clone()}</li>
                        <li>{rest[3].clone()}</li>
                    </ul>
                    <h3 class="heading-s">{rest[4].clone()}</h3>
                    <p class="body">{rest[5].clone()}</p>
                    <p class="body">{rest[6].clone()}</p>
                    <h3 class="heading-s">"How long we keep your information"</h3>
                    <p class="body">{keeping.clone()}</p>
                    <h2 class="heading-m">"HTML to paste, with the form"</h2>
                    <pre class="code"><code>{html_to_paste}</code></pre>
                </main>
            </div>
        }
    });
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-cache"),
    );
    response
}
