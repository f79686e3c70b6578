//! GOV.UK Notify's REST API (most councils already use it): a JSON POST per email, signed with
//! a JWT made from the API key (HS256, `iss` the service id, `iat` now; Notify accepts it for
//! 30 seconds), one template per kind of message, our message key as Notify's `reference`.
//! A 4xx answer will not change by trying again (bad key, template or address): permanent.
//! A 5xx or a timeout is worth another try.

use super::{Mailer, Outgoing, SendError};
use crate::config::{split_key, NotifyConfig};
use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Notify {
    http: reqwest::Client,
    base_url: String,
    service_id: String,
    secret: SecretString,
    templates: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    iat: i64,
}

#[derive(Serialize)]
struct EmailRequest<'a> {
    email_address: &'a str,
    template_id: &'a str,
    personalisation: &'a BTreeMap<String, String>,
    reference: &'a str,
}

impl Notify {
    pub fn new(config: &NotifyConfig) -> Result<Notify, String> {
        let (service_id, secret) = split_key(config.api_key.expose_secret())?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(Notify {
            http,
            base_url: config.base_url.trim_end_matches('/').to_string(),
            service_id,
            secret,
            templates: config.templates.clone(),
        })
    }

    fn token(&self) -> Result<String, SendError> {
        let claims = Claims {
            iss: &self.service_id,
            iat: chrono::Utc::now().timestamp(),
        };
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(self.secret.expose_secret().as_bytes()),
        )
        .map_err(|e| SendError::Permanent(format!("cannot sign the Notify token: {e}")))
    }
}

#[async_trait]
impl Mailer for Notify {
    async fn send(&self, email: &Outgoing) -> Result<Option<String>, SendError> {
        let template = self.templates.get(email.kind.id()).ok_or_else(|| {
            SendError::Permanent(format!(
                "no GOV.UK Notify template is configured for {}",
                email.kind.id()
            ))
        })?;
        let body = EmailRequest {
            email_address: &email.to,
            template_id: template,
            personalisation: &email.personalisation,
            reference: &email.key,
        };
        let response = self
            .http
            .post(format!("{}/v2/notifications/email", self.base_url))
            .bearer_auth(self.token()?)
            .json(&body)
            .send()
            .await
            .map_err(|e| SendError::Transient(format!("GOV.UK Notify did not answer: {e}")))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        // Notify's error bodies name the problem (never our content): kept short for the page.
        let said: String = text.chars().take(300).collect();
        if status.is_success() {
            let id = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["id"].as_str().map(str::to_string));
            Ok(id)
        } else if status.is_client_error() {
            Err(SendError::Permanent(format!(
                "GOV.UK Notify refused it ({status}): {said}"
            )))
        } else {
            Err(SendError::Transient(format!(
                "GOV.UK Notify failed ({status}): {said}"
            )))
        }
    }

    fn describe(&self) -> String {
        format!("GOV.UK Notify at {}", self.base_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_keys_split_into_service_and_secret() {
        let service = "26785a09-ab16-4eb0-8407-a37497a57506";
        let secret = "3d844edf-8d35-48ac-975b-e847b4f122b0";
        let (s, k) = split_key(&format!("my_test_key-{service}-{secret}")).unwrap();
        assert_eq!(s, service);
        assert_eq!(k.expose_secret(), secret);
        assert!(split_key("not-a-key").is_err());
        assert!(split_key(&format!("x-{service}-nope")).is_err());
    }
}
