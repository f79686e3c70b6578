//! Email through the council's SMTP relay with `lettre`: STARTTLS, TLS or (for a relay on the
//! same machine) plain, with credentials if given. Each email has a plain-text part and an
//! HTML part in GOV.UK Notify's plain style.

use super::{Mailer, Outgoing, SendError};
use crate::config::{SmtpConfig, SmtpSecurity};
use async_trait::async_trait;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: String,
    describe: String,
}

impl Smtp {
    pub fn new(c: &SmtpConfig) -> Result<Smtp, String> {
        let mut builder = match c.security {
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host)
                .map_err(|e| format!("SMTP relay {}: {e}", c.host))?,
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host)
                .map_err(|e| format!("SMTP relay {}: {e}", c.host))?,
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host),
        };
        if let Some(port) = c.port {
            builder = builder.port(port);
        }
        if let (Some(user), Some(password)) = (&c.username, &c.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_string(),
            ));
        }
        builder = builder.timeout(Some(std::time::Duration::from_secs(30)));
        c.from
            .parse::<Mailbox>()
            .map_err(|e| format!("SMTP from address '{}': {e}", c.from))?;
        Ok(Smtp {
            transport: builder.build(),
            from: c.from.clone(),
            describe: format!("SMTP relay {}", c.host),
        })
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The message: plain text, and the same as simple HTML (paragraphs, GOV.UK Notify's look).
pub fn build(email: &Outgoing, from: &str) -> Result<Message, String> {
    let html_body: String = email
        .body
        .split("\n\n")
        .map(|p| format!("<p style=\"font-family: Arial, sans-serif; font-size: 19px; line-height: 1.3; color: #0b0c0c; margin: 0 0 20px;\">{}</p>", escape(p).replace('\n', "<br>")))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><body style=\"margin: 0; padding: 20px;\">{html_body}</body></html>",
        email.lang.html()
    );
    Message::builder()
        .from(from.parse().map_err(|e| format!("from address: {e}"))?)
        .to(email.to.parse().map_err(|e| format!("to address: {e}"))?)
        .subject(&email.subject)
        .message_id(None)
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(email.body.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        )
        .map_err(|e| format!("cannot build the email: {e}"))
}

#[async_trait]
impl Mailer for Smtp {
    async fn send(&self, email: &Outgoing) -> Result<Option<String>, SendError> {
        let message = build(email, &self.from).map_err(SendError::Permanent)?;
        match self.transport.send(message).await {
            Ok(response) => Ok(response.message().next().map(str::to_string)),
            Err(e) if e.is_permanent() => {
                Err(SendError::Permanent(format!("the relay refused it: {e}")))
            }
            Err(e) => Err(SendError::Transient(format!("the relay failed: {e}"))),
        }
    }

    fn describe(&self) -> String {
        self.describe.clone()
    }
}
