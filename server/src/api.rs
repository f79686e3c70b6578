//! The JSON API: `POST /api/v1/complaints` and its OpenAPI description.

use crate::error::ApiError;
use crate::intake::{self, Accepted, Submission};
use crate::AppState;
use app::domain::complaint::{Channel, ComplaintInput, FIELD_ORDER};
use app::domain::FieldError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use uuid::Uuid;

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
pub const REPLAYED: &str = "idempotent-replayed";

pub async fn post_complaint(
    State(state): State<AppState>,
    client: Option<axum::Extension<crate::client::ClientIp>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    if let Err(wait) = state.submissions.check(crate::client::ClientIp::of(client)) {
        return Ok(crate::limits::too_many_for_programs(wait));
    }
    if !is_json(&headers) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge {
            limit: state.config.max_body_bytes,
        },
        _ => ApiError::BadRequest(ApiError::field(
            "body",
            "The request body could not be read",
        )),
    })?;
    let key = idempotency_key(&headers)?;
    let input = read_json(&body)?;
    // Anyone may complain online; other channels and past dates are recorded by staff.
    let submission = Submission::online(key, None);
    let received = intake::receive(&state, &input, submission).await?;
    let mut response = (StatusCode::CREATED, Json(answer(received.receipt()))).into_response();
    if let Accepted::AlreadyReceived(_) = received {
        response
            .headers_mut()
            .insert(REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The receipt as the API gives it. A breach report is not a complaint (SPEC "Ending a case",
/// 004 §18): it has no complaint deadlines, so its answer carries none.
pub fn answer(receipt: &app::domain::receipt::Receipt) -> serde_json::Value {
    let mut v = serde_json::to_value(receipt).unwrap_or_default();
    if receipt.kind == app::domain::triage::CaseKind::BreachReport {
        if let Some(map) = v.as_object_mut() {
            map.remove("acknowledge_by");
            map.remove("outcome_due");
        }
    }
    v
}

pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| {
            m.type_() == mime::APPLICATION
                && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
        })
}

/// One key, in the one canonical form (36 characters, hyphenated, no braces, no `urn:uuid:`,
/// no spaces, not the nil UUID), so that the same key can never be written two ways and make
/// two complaints.
fn idempotency_key(headers: &HeaderMap) -> Result<Uuid, ApiError> {
    let bad = |message: &str| ApiError::BadRequest(ApiError::field("Idempotency-Key", message));
    let mut values = headers.get_all(IDEMPOTENCY_KEY).iter();
    let (first, second) = (values.next(), values.next());
    if second.is_some() {
        return Err(bad("Send one Idempotency-Key header, not several"));
    }
    let Some(raw) = first.map(|v| v.to_str().unwrap_or("")) else {
        return Err(bad("Send an Idempotency-Key header with a new UUID for each complaint, and the same one when retrying"));
    };
    let shaped = raw.len() == 36
        && raw.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    match Uuid::parse_str(raw) {
        Ok(key) if shaped && !key.is_nil() => Ok(key),
        _ => Err(bad("The Idempotency-Key must be a UUID written as 36 characters, like 3f2c6f1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f, and not all zeros")),
    }
}

/// The fields only staff may set. They are not part of a public complaint (`ComplaintInput`),
/// so serde refuses them as unknown; then, and only then, the body is read again to say why:
/// 403 for a staff channel or a receipt date, 422 for a value that is no channel at all, and
/// "online" (the only channel the public has) is accepted and dropped.
const STAFF_ONLY: [&str; 2] = ["channel", "received_on"];

fn without_staff_only_fields(body: &[u8]) -> Result<Vec<u8>, ApiError> {
    let Ok(serde_json::Value::Object(mut object)) = serde_json::from_slice(body) else {
        return Err(ApiError::BadRequest(ApiError::field(
            "body",
            "The request body must be a JSON object",
        )));
    };
    let text = |v: &serde_json::Value| v.as_str().map(|s| s.trim().to_string());
    if let Some(channel) = object.remove("channel") {
        match text(&channel).as_deref() {
            Some("") | Some("online") => {}
            Some(other) if Channel::parse(other).is_some() => {
                return Err(ApiError::StaffOnly(ApiError::field(
                    "channel",
                    "Only staff can record complaints received by telephone, post, email, in person or social media",
                )))
            }
            _ => {
                return Err(ApiError::Invalid(ApiError::field(
                    "channel",
                    "Channel must be one of online, telephone, post, email, in_person, social_media or processor",
                )))
            }
        }
    }
    if let Some(received_on) = object.remove("received_on") {
        if text(&received_on).is_none_or(|d| !d.is_empty()) {
            return Err(ApiError::StaffOnly(ApiError::field(
                "received_on",
                "Only staff can record the date a complaint was received",
            )));
        }
    }
    serde_json::to_vec(&object).map_err(|_| ApiError::Unavailable)
}

/// Reads the body, naming the field for any type error rather than echoing serde's text
/// (which would repeat what was sent, and speaks Rust).
pub fn read_json(body: &[u8]) -> Result<ComplaintInput, ApiError> {
    match read_complaint(body) {
        Err(ApiError::BadRequest(e))
            if e.len() == 1 && STAFF_ONLY.contains(&e[0].field.as_str()) =>
        {
            read_complaint(&without_staff_only_fields(body)?)
        }
        other => other,
    }
}

fn read_complaint(body: &[u8]) -> Result<ComplaintInput, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed = serde_path_to_error::deserialize::<_, ComplaintInput>(&mut de);
    if parsed.is_ok() && de.end().is_err() {
        return Err(ApiError::BadRequest(ApiError::field(
            "body",
            "The request body is not valid JSON",
        )));
    }
    parsed.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let error = if !inner.is_data() {
            FieldError::new("body", "The request body is not valid JSON")
        } else if let Some(name) = unknown_field(&inner.to_string()) {
            FieldError::new(
                name.clone(),
                format!("‘{name}’ is not a field of a complaint"),
            )
        } else {
            let field = path
                .split('.')
                .next()
                .unwrap_or("")
                .trim_end_matches(|c: char| c == ']' || c.is_ascii_digit() || c == '[');
            if FIELD_ORDER.contains(&field) {
                FieldError::new(field, wrong_type_message(field))
            } else {
                FieldError::new("body", "The request body must be a JSON object")
            }
        };
        ApiError::BadRequest(vec![error])
    })
}

/// The name in serde's "unknown field `x`, expected …", cut short so that nothing large is
/// echoed back.
fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let name: String = rest.split('`').next()?.chars().take(40).collect();
    Some(name)
}

fn wrong_type_message(field: &str) -> String {
    match field {
        "other_person_agreed"
        | "also_about_service"
        | "consent_handle"
        | "consent_share"
        | "survey_opt_out"
        | "publication_opt_out" => format!("{field} must be true or false"),
        "outcomes_wanted" => "outcomes_wanted must be a list of choices, like [\"apology\"]".into(),
        _ => format!("{field} must be text"),
    }
}

pub async fn openapi(State(state): State<AppState>) -> Response {
    let doc = crate::openapi::document(&state.config);
    ([(header::CACHE_CONTROL, "no-cache")], Json(doc)).into_response()
}

pub async fn health(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

/// `/health/live`: the process answers (for a supervisor deciding whether to restart it).
pub async fn live() -> Response {
    (StatusCode::OK, Json(serde_json::json!({"status": "live"}))).into_response()
}

/// `/health/ready`: whether this instance should be given traffic: the database answers, its
/// migrations are those of this build, and the outbox worker finished a round within twice
/// its poll period (and a minute's grace for a slow round). 503 with what failed otherwise;
/// each failure is logged for whoever runs the service.
pub async fn ready(State(state): State<AppState>) -> Response {
    let (database, migrations) = match state.store.migrations_current().await {
        Ok(current) => ("ok", if current { "current" } else { "behind" }),
        Err(e) => {
            tracing::error!(route = "/health/ready", error = %e, "readiness: the database does not answer");
            ("unavailable", "unknown")
        }
    };
    let last = state
        .outbox_heartbeat
        .load(std::sync::atomic::Ordering::Relaxed);
    let allowed = 2 * state.config.outbox.poll.as_secs() as i64 + 60;
    let outbox = if last > 0 && chrono::Utc::now().timestamp() - last <= allowed {
        "ok"
    } else {
        "silent"
    };
    let ready = database == "ok" && migrations == "current" && outbox == "ok";
    if !ready {
        tracing::warn!(
            route = "/health/ready",
            database,
            migrations,
            outbox,
            "not ready"
        );
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({
        "status": if ready { "ready" } else { "not ready" },
        "checks": { "database": database, "migrations": migrations, "outbox": outbox },
    });
    (status, Json(body)).into_response()
}
