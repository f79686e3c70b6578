//! GOV.UK Notify's delivery reports (issue 26; `app::domain::delivery`): Notify posts the fate
//! of each email to `POST /api/v1/notify/callback` with the bearer token set in its callback
//! settings (`[email] notify_callback_token`). Each report is kept on its message once (Notify
//! retries until it gets a 2xx, so a replay changes nothing and is not counted again); an email
//! carrying a letter that can never arrive sends the letter to the print queue, or flags the
//! case when there is no postal address. The report's `to` (an email address) is never read,
//! logged or kept.

use crate::error::ApiError;
use crate::AppState;
use app::domain::delivery::{fallback, Delivery, Fallback};
use app::domain::messages::Message;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use chrono::Utc;
use secrecy::ExposeSecret;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What we read of Notify's callback body.
#[derive(Deserialize)]
struct Report {
    /// Notify's id for the notification (as it answered when we sent it).
    id: String,
    status: String,
}

/// Compared in constant time, as digests (so neither the token nor its length leaks through
/// how long the comparison takes).
fn token_matches(given: &str, expected: &str) -> bool {
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(expected.as_bytes()),
    );
    a.ct_eq(&b).into()
}

pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let Some(expected) = state.config.notify_callback_token.as_ref() else {
        return Err(ApiError::NotFound);
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !token_matches(given.trim(), expected.expose_secret()) {
        tracing::warn!(
            route = "/api/v1/notify/callback",
            "delivery report refused: wrong or missing token"
        );
        return Err(ApiError::Unauthorized);
    }
    let report: Report = serde_json::from_slice(&body).map_err(|_| {
        ApiError::BadRequest(ApiError::field(
            "body",
            "Send GOV.UK Notify's delivery report as JSON with its id and status",
        ))
    })?;
    let Some(delivery) = Delivery::parse(&report.status) else {
        // Not a final status: nothing to act on, and nothing for Notify to send again.
        tracing::info!(status = %report.status.chars().take(40).collect::<String>(), "delivery report with a status not acted on");
        return Ok(StatusCode::NO_CONTENT);
    };
    match state
        .outbox
        .record_delivery(report.id.trim(), delivery, Utc::now())
        .await?
    {
        Some(message) => {
            crate::metrics::delivery_reported(delivery.id());
            follow_up(&state, &message, delivery).await;
        }
        None => tracing::info!(
            notification = %report.id.chars().take(64).collect::<String>(),
            "delivery report already kept, or for no message of ours"
        ),
    }
    Ok(StatusCode::NO_CONTENT)
}

/// After an email's failure (reported by Notify, or refused by the SMTP server when sent):
/// the letter to the print queue, or the case flagged (`app::domain::delivery::fallback`).
/// A failure here is logged for whoever runs the service: the report itself is kept.
pub async fn follow_up(state: &AppState, m: &Message, delivery: Delivery) {
    let Some(reference) = m.reference.filter(|_| !m.to_mp) else {
        return;
    };
    let case = match state.staff.case(&reference).await {
        Ok(Some(case)) => case,
        Ok(None) => return,
        Err(e) => {
            tracing::error!(message = m.id, case = %reference.compact(), error = %e, "delivery: could not read the case");
            return;
        }
    };
    let has_address = case.complaint.complainant.address.is_some();
    let emailed = m.route == app::domain::messages::Route::Email;
    let done = match fallback(delivery, emailed, m.letter_id.is_some(), has_address) {
        Fallback::None => return,
        Fallback::Post => state.outbox.post_instead(m.id, Utc::now()).await,
        Fallback::CannotReach => state.outbox.cannot_reach(m.id, Utc::now()).await,
    };
    if let Err(e) = done {
        tracing::error!(message = m.id, case = %reference.compact(), error = %e, "delivery: could not post the letter or flag the case");
    }
}
