//! The one error type of the HTTP boundary. Each variant maps to a status code and a JSON
//! list of `{field, message}` written for people; internals never reach the client.

use app::domain::FieldError;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

#[derive(Debug)]
pub enum ApiError {
    /// The request could not be read: not JSON, wrong types, missing headers (400).
    BadRequest(Vec<FieldError>),
    /// Understood, but the complaint breaks a rule; nothing was stored (422).
    Invalid(Vec<FieldError>),
    /// Only staff may do this (403).
    StaffOnly(Vec<FieldError>),
    /// Not sent as JSON (415).
    UnsupportedMediaType,
    /// Not sent with the media type this endpoint takes (415).
    WrongMediaType { expected: &'static str },
    /// Larger than the limit (413).
    TooLarge { limit: usize },
    /// The case store could not take it; nothing was stored and a retry is safe (503).
    Unavailable,
    /// Without the credentials this endpoint needs (401).
    Unauthorized,
    /// Not offered here (404): a callback that is not configured.
    NotFound,
}

#[derive(Serialize)]
pub struct ErrorBody {
    pub errors: Vec<FieldError>,
}

pub const UNAVAILABLE: &str =
    "Sorry, there is a problem with the service. Nothing was saved. Try again in a few minutes, using the same Idempotency-Key.";

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::StaffOnly(_) => StatusCode::FORBIDDEN,
            ApiError::UnsupportedMediaType | ApiError::WrongMediaType { .. } => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NotFound => StatusCode::NOT_FOUND,
        }
    }

    pub fn errors(&self) -> Vec<FieldError> {
        match self {
            ApiError::BadRequest(e) | ApiError::Invalid(e) | ApiError::StaffOnly(e) => e.clone(),
            ApiError::UnsupportedMediaType => {
                vec![FieldError::new(
                    "body",
                    "Send the complaint as JSON, with the header Content-Type: application/json",
                )]
            }
            ApiError::WrongMediaType { expected } => vec![FieldError::new(
                "body",
                format!("Send it with the header Content-Type: {expected}"),
            )],
            ApiError::TooLarge { limit } => vec![FieldError::new(
                "body",
                format!(
                    "The complaint is too large: it must be {} KB or smaller",
                    limit / 1024
                ),
            )],
            ApiError::Unavailable => vec![FieldError::new("", UNAVAILABLE)],
            ApiError::Unauthorized => vec![FieldError::new(
                "Authorization",
                "Send the callback's bearer token in the Authorization header",
            )],
            ApiError::NotFound => vec![FieldError::new("", "There is nothing here")],
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Vec<FieldError> {
        vec![FieldError::new(field, message)]
    }
}

pub const KEY_REUSED: &str =
    "This Idempotency-Key was already used for a different complaint. Use a new key for each new complaint.";

impl From<crate::intake::IntakeError> for ApiError {
    fn from(e: crate::intake::IntakeError) -> Self {
        use crate::intake::IntakeError;
        match e {
            IntakeError::Invalid(errors) => ApiError::Invalid(errors),
            IntakeError::KeyReused { .. } => {
                ApiError::Invalid(ApiError::field("Idempotency-Key", KEY_REUSED))
            }
            IntakeError::Unavailable => ApiError::Unavailable,
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        // The detail is for operators; it carries no personal data (SQL errors name tables
        // and constraints, never values).
        tracing::error!(error = %e, "case store error");
        ApiError::Unavailable
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (
            status,
            Json(ErrorBody {
                errors: self.errors(),
            }),
        )
            .into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        }
        response
    }
}
