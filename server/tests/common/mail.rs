//! Real and fake email services for the tests, on 127.0.0.1: an SMTP server (Debian's
//! `aiosmtpd`, delivering to a maildir the test reads) and a fake GOV.UK Notify that checks
//! each request's JWT as Notify does and records what it accepted.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::process::{Child, Command};

/// A free port on 127.0.0.1 (bound and released: another process could take it meanwhile,
/// which on a test machine does not happen in practice).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Debian's Python has `aiosmtpd` (package python3-aiosmtpd); another python3 on the PATH
/// (pyenv, a virtualenv) may not.
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

pub struct SmtpServer {
    pub port: u16,
    maildir: PathBuf,
    _child: Child,
}

/// An aiosmtpd handler that refuses, for good (550), every recipient whose address contains
/// "bounce", as a real relay refuses an address that does not exist; it keeps the rest.
const REFUSING: &str = r#"
from aiosmtpd.handlers import Mailbox

class Refusing(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "bounce" in address:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"
"#;

impl SmtpServer {
    pub async fn start(dir: &Path) -> SmtpServer {
        Self::start_with(dir, "aiosmtpd.handlers.Mailbox").await
    }

    /// A relay that refuses recipients whose address contains "bounce".
    pub async fn start_refusing(dir: &Path) -> SmtpServer {
        std::fs::write(dir.join("refusing.py"), REFUSING).unwrap();
        Self::start_with(dir, "refusing.Refusing").await
    }

    async fn start_with(dir: &Path, handler: &str) -> SmtpServer {
        let port = free_port();
        let maildir = dir.join("maildir");
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", handler])
            .arg(&maildir)
            .env("PYTHONPATH", dir)
            .kill_on_drop(true)
            .spawn()
            .expect("aiosmtpd starts (Debian package python3-aiosmtpd)");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return SmtpServer {
                    port,
                    maildir,
                    _child: child,
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not listen on {port}");
    }

    /// Every message delivered so far, raw.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut found = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.maildir.join(sub)) {
                for e in entries.flatten() {
                    if let Ok(bytes) = std::fs::read(e.path()) {
                        found.push(bytes);
                    }
                }
            }
        }
        found
    }

    /// Waits until at least `n` messages arrived (or fails after 20 s).
    pub async fn wait_for(&self, n: usize) -> Vec<Vec<u8>> {
        for _ in 0..200 {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {n} emails, got {}", self.messages().len());
    }
}

pub const NOTIFY_SERVICE: &str = "26785a09-ab16-4eb0-8407-a37497a57506";
pub const NOTIFY_SECRET: &str = "3d844edf-8d35-48ac-975b-e847b4f122b0";

pub fn notify_key() -> String {
    format!("intake_test-{NOTIFY_SERVICE}-{NOTIFY_SECRET}")
}

#[derive(Default)]
pub struct NotifyState {
    /// Bodies of the requests accepted (201).
    pub accepted: Vec<Value>,
    /// Every request with a valid token, accepted or not.
    pub requests: usize,
    /// Requests whose token Notify would refuse.
    pub bad_tokens: usize,
    /// Statuses to answer next, in order; 201 when empty.
    pub script: VecDeque<u16>,
    /// Answer 500 to everything while set.
    pub down: bool,
    /// How long each answer takes (a slow provider).
    pub delay: Duration,
    /// The id Notify gave each accepted email, in the order of `accepted`.
    pub ids: Vec<String>,
}

#[derive(Clone)]
pub struct FakeNotify {
    pub base: String,
    pub state: Arc<Mutex<NotifyState>>,
}

#[derive(serde::Deserialize)]
struct Claims {
    iss: String,
    iat: i64,
}

async fn notify_email(
    State(state): State<Arc<Mutex<NotifyState>>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> impl IntoResponse {
    let delay = state.lock().unwrap().delay;
    tokio::time::sleep(delay).await;
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let valid = jsonwebtoken::decode::<Claims>(
        token,
        &jsonwebtoken::DecodingKey::from_secret(NOTIFY_SECRET.as_bytes()),
        &validation,
    )
    .ok()
    .filter(|t| {
        t.claims.iss == NOTIFY_SERVICE
            && (chrono::Utc::now().timestamp() - t.claims.iat).abs() <= 30
    });
    let mut s = state.lock().unwrap();
    if valid.is_none() {
        s.bad_tokens += 1;
        return (
            StatusCode::FORBIDDEN,
            Json(json!({"errors": [{"error": "AuthError", "message": "Invalid token"}]})),
        );
    }
    s.requests += 1;
    let status = if s.down {
        500
    } else {
        s.script.pop_front().unwrap_or(201)
    };
    if status == 201 {
        s.accepted.push(body);
        let id = uuid::Uuid::new_v4().to_string();
        s.ids.push(id.clone());
        (StatusCode::CREATED, Json(json!({"id": id})))
    } else {
        (
            StatusCode::from_u16(status).unwrap(),
            Json(
                json!({"errors": [{"error": "BadRequestError", "message": "Can't send to this recipient using a team-only API key"}]}),
            ),
        )
    }
}

impl FakeNotify {
    pub async fn start() -> FakeNotify {
        let state = Arc::new(Mutex::new(NotifyState::default()));
        let app = Router::new()
            .route("/v2/notifications/email", post(notify_email))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeNotify { base, state }
    }

    /// The configuration of a server that sends through this fake, with one template per kind.
    pub fn config(&self) -> String {
        format!(
            r#"
[email]
provider = "notify"
[email.notify]
api_key = "{key}"
base_url = "{base}"
[email.notify.templates]
confirmation = "00000000-0000-4000-8000-000000000001"
acknowledgement = "00000000-0000-4000-8000-000000000002"
outcome = "00000000-0000-4000-8000-000000000003"
team_alert = "00000000-0000-4000-8000-000000000004"
digest = "00000000-0000-4000-8000-000000000005"
[outbox]
poll_ms = 100
retry_base_seconds = 1
lease_seconds = 2
digest_at = "23:59"
"#,
            key = notify_key(),
            base = self.base
        )
    }

    /// Notify's id and our reference for each accepted email.
    pub fn sent(&self) -> Vec<(String, Value)> {
        let s = self.state.lock().unwrap();
        s.ids
            .iter()
            .cloned()
            .zip(s.accepted.iter().cloned())
            .collect()
    }

    /// Posts a delivery report for the email Notify knows as `id` to the server at `base`,
    /// as Notify's callback does (the body as Notify documents it); the server's answer.
    pub async fn report(&self, base: &str, token: &str, id: &str, status: &str) -> u16 {
        let now = chrono::Utc::now().to_rfc3339();
        let body = json!({
            "id": id,
            "reference": "the-message-key",
            "to": "someone@example.com",
            "status": status,
            "created_at": now,
            "completed_at": now,
            "sent_at": now,
            "notification_type": "email",
            "template_id": "00000000-0000-4000-8000-000000000002",
            "template_version": 1
        });
        reqwest::Client::new()
            .post(format!("{base}/api/v1/notify/callback"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    pub fn accepted(&self) -> Vec<Value> {
        self.state.lock().unwrap().accepted.clone()
    }

    pub fn requests(&self) -> usize {
        self.state.lock().unwrap().requests
    }

    /// Makes each answer take this long from now on.
    pub fn slow_down(&self, delay: Duration) {
        self.state.lock().unwrap().delay = delay;
    }

    /// Waits until `n` emails were accepted (or fails after 20 s).
    pub async fn wait_accepted(&self, n: usize) -> Vec<Value> {
        for _ in 0..200 {
            let a = self.accepted();
            if a.len() >= n {
                return a;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "expected {n} emails accepted by Notify, got {}",
            self.accepted().len()
        );
    }
}
