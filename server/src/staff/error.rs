//! The one error type of the staff pages (as `crate::error::ApiError` is for the API): each
//! variant is a page for the member of staff, and every failure they cannot act on is logged
//! for whoever runs the service, with the route and the case but never personal data.
//!
//! Forms with mistakes are not errors here: the handler shows the form again with its errors
//! (422). A case changed by someone else meanwhile is not one either: the handler shows the
//! case as it now is (409).
//!
//! Audit records follow one rule everywhere: a change writes its audit record in its own
//! transaction (no change without its record), and a page that shows personal data writes its
//! "viewed" record first; if that cannot be written the page is not shown (004 §38: access to
//! case records must be auditable, so an unrecorded look is not allowed). Signing out is the
//! one exception: the session ends even if its record cannot be written (the failure is
//! still logged and shown), since a refusal would leave a session open on a shared desk.

use super::components::message_page;
use crate::store::StoreError;
use axum::extract::{MatchedPath, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

#[derive(Debug)]
pub enum StaffError {
    /// No such page or case (404).
    NotFound,
    /// The case store failed; nothing was changed (503, logged).
    Store(StoreError),
}

impl From<StoreError> for StaffError {
    fn from(e: StoreError) -> Self {
        StaffError::Store(e)
    }
}

/// The session store is the same database: its failures are the store's.
impl From<tower_sessions::session::Error> for StaffError {
    fn from(e: tower_sessions::session::Error) -> Self {
        StaffError::Store(StoreError::Unavailable(format!("session store: {e}")))
    }
}

/// The cause of a failure, carried from the error to the logging middleware (which knows the
/// route and the case).
#[derive(Clone)]
struct Failure(Arc<str>);

impl IntoResponse for StaffError {
    fn into_response(self) -> Response {
        let (status, cause) = match &self {
            StaffError::NotFound => {
                return message_page(
                    StatusCode::NOT_FOUND,
                    "Page not found",
                    "If you typed the web address, check it is correct.",
                )
            }
            StaffError::Store(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        };
        let mut response = message_page(
            status,
            "Sorry, there is a problem with the service",
            "Nothing was changed. Try again in a few minutes.",
        );
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        response.extensions_mut().insert(Failure(cause.into()));
        response
    }
}

/// Logs each failed staff request: route pattern, case reference (if the route has one) and
/// cause. Never the URL's query, the form or the page: those may hold personal data.
pub async fn log_failures(request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let route = parts
        .extensions
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".into());
    let case = case_in_path(&mut parts).await;
    let response = next.run(Request::from_parts(parts, body)).await;
    if let Some(Failure(cause)) = response.extensions().get::<Failure>() {
        tracing::error!(
            route,
            case = case.as_deref().unwrap_or("-"),
            status = response.status().as_u16(),
            cause = &**cause,
            "staff page failed"
        );
    }
    response
}

/// The `{reference}` of the route, if it has one and it is a valid reference (anything else
/// is not logged: it could be anything someone typed).
async fn case_in_path(parts: &mut Parts) -> Option<String> {
    let params = RawPathParams::from_request_parts(parts, &()).await.ok()?;
    params
        .iter()
        .find(|(k, _)| *k == "reference")
        .and_then(|(_, v)| app::domain::reference::Reference::parse(v).ok())
        .map(|r| r.compact())
}

use axum::extract::FromRequestParts;
