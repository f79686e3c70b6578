//! Starts the real server binary on a random port with a fresh database (SQLite, or
//! PostgreSQL when `INTAKE_TEST_POSTGRES` is set: see `db`).

#![allow(dead_code)]

pub mod browser;
pub mod casework;
pub mod clamd;
pub mod db;
pub mod mail;
pub mod oidc;
pub mod store;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct TestServer {
    pub base: String,
    pub child: Child,
    pub db_path: PathBuf,
    pub log_path: PathBuf,
    pub client: reqwest::Client,
}

pub struct Response {
    pub status: u16,
    pub replayed: bool,
    pub body: Value,
}

impl TestServer {
    /// A server on a fresh database in `dir`.
    pub async fn start(dir: &Path) -> TestServer {
        Self::start_on(dir.join("intake.db"), dir).await
    }

    /// A server on a fresh database with this configuration file (TOML).
    pub async fn start_configured(dir: &Path, config: &str) -> TestServer {
        let path = dir.join("intake.toml");
        std::fs::write(&path, config).unwrap();
        Self::start_on(dir.join("intake.db"), dir).await
    }

    /// A server on an existing database (for restarts). It reads `intake.toml` in `dir` if
    /// there is one, as an operator's server reads its working directory's.
    pub async fn start_on(db_path: PathBuf, dir: &Path) -> TestServer {
        db::prepare(&db_path).await;
        let url = db::url(&db_path);
        Self::start_with_url(db_path, url, dir).await
    }

    /// A server on the database at this URL (`db_path` names it for the helpers in `db`).
    pub async fn start_with_url(db_path: PathBuf, url: String, dir: &Path) -> TestServer {
        Self::start_with_env(db_path, url, dir, &[]).await
    }

    /// The same, with these environment variables too.
    pub async fn start_with_env(
        db_path: PathBuf,
        url: String,
        dir: &Path,
        extra: &[(&str, &str)],
    ) -> TestServer {
        let log_path = dir.join(format!("server-{}.log", uuid::Uuid::new_v4()));
        let log = std::fs::File::create(&log_path).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("INTAKE_LISTEN_ADDR", "127.0.0.1:0")
            .env("INTAKE_DATABASE_URL", url)
            .env("INTAKE_SITE_ROOT", dir.join("site"))
            .env("INTAKE_LOG", "info")
            // Tests send many complaints and sign-ins from 127.0.0.1; the limits have tests
            // of their own (which set these lower).
            .envs(generous_limits(dir))
            .envs(extra.iter().copied())
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("the server binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the server says where it listens within 30 s")
            .unwrap()
            .unwrap_or_else(|| {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                panic!("the server printed its address: {log}")
            });
        let base = line
            .strip_prefix("listening on ")
            .expect("listening line")
            .trim()
            .to_string();
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .pool_idle_timeout(Duration::from_secs(5)) // before the server's 10 s (see Browser)
            .build()
            .unwrap();
        TestServer {
            base,
            child,
            db_path,
            log_path,
            client,
        }
    }

    pub async fn post_raw(
        &self,
        content_type: Option<&str>,
        key: Option<&str>,
        body: Vec<u8>,
    ) -> Response {
        let mut req = self
            .client
            .post(format!("{}/api/v1/complaints", self.base))
            .body(body);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status().as_u16();
        let replayed = res.headers().get("idempotent-replayed").is_some();
        let bytes = res.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Response {
            status,
            replayed,
            body,
        }
    }

    pub async fn post(&self, key: &str, body: &Value) -> Response {
        self.post_raw(
            Some("application/json"),
            Some(key),
            serde_json::to_vec(body).unwrap(),
        )
        .await
    }

    /// A step of the public form posted as a browser without JavaScript does: the answers of
    /// the documented complaint under `name`, the step and the journey's key, `extra` fields,
    /// and `headers` (say, X-Forwarded-For behind a trusted proxy).
    pub async fn post_form(
        &self,
        key: &str,
        step: &str,
        name: &str,
        extra: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_form_to("/complaint", key, step, name, extra, headers)
            .await
    }

    /// The same, to the form at `path` (the Welsh one is "/cy/complaint").
    pub async fn post_form_to(
        &self,
        path: &str,
        key: &str,
        step: &str,
        name: &str,
        extra: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut fields = form_fields(&complaint(name));
        fields.push(("_step".into(), step.into()));
        fields.push(("_key".into(), key.into()));
        fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        // What every current browser says of a post from the form's own page, unless the
        // test says otherwise (as another site's page would).
        let says_where = headers.iter().any(|(k, _)| {
            k.eq_ignore_ascii_case("sec-fetch-site") || k.eq_ignore_ascii_case("origin")
        });
        if !says_where {
            req = req.header("sec-fetch-site", "same-origin");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.expect("request sent")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// A page's status and text.
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// Stops it hard, as a crash or `kill -9` would.
    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    pub async fn count(&self, table: &str) -> i64 {
        count_rows(&self.db_path, table).await
    }
}

/// A process's memory from /proc, in MiB: `field` is "VmRSS:" (now) or "VmHWM:" (its peak).
pub fn memory_mib(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// High rate limits for a test server, unless its configuration file sets its own: tests send
/// many complaints, sign-ins and parallel requests from 127.0.0.1.
fn generous_limits(dir: &Path) -> Vec<(&'static str, &'static str)> {
    let config = std::fs::read_to_string(dir.join("intake.toml")).unwrap_or_default();
    let mut env = vec![];
    if !config.contains("[limits]") {
        env.extend([
            ("INTAKE_LIMIT_CLIENT_BURST", "100000"),
            ("INTAKE_LIMIT_OVERALL_BURST", "100000"),
            ("INTAKE_LIMIT_SIGN_IN_BURST", "100000"),
        ]);
    }
    if !config.contains("[connections]") {
        env.push(("INTAKE_MAX_CONNECTIONS_PER_CLIENT", "100000"));
    }
    // Tests of other things sign in with a password only; the two-step tests (which write
    // `[sign_in]`) run with the product's default, two steps for handlers and the DPO.
    if !config.contains("[sign_in]") {
        env.push(("INTAKE_TWO_STEP_REQUIRED", "none"));
    }
    env
}

/// Reads the database directly, as an auditor would: what is stored, not what was said.
pub async fn count_rows(db: &Path, table: &str) -> i64 {
    db::number(db, &format!("SELECT COUNT(*) FROM {table}"), &[]).await
}

/// Posts a complaint; owns its arguments so it can run in a spawned task.
pub async fn send(
    client: reqwest::Client,
    base: String,
    key: String,
    body: Value,
) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{base}/api/v1/complaints"))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
}

pub fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The documented example with another name, so each complaint is unique.
pub fn complaint(name: &str) -> Value {
    let mut v = server::openapi::example_request();
    v["full_name"] = Value::String(name.to_string());
    v
}

/// A complaint's JSON as the fields of an HTML form (yes/no for booleans, one field per list item).
pub fn form_fields(v: &Value) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for (k, v) in v.as_object().expect("a JSON object") {
        match v {
            Value::String(s) => fields.push((k.clone(), s.clone())),
            Value::Bool(b) => fields.push((k.clone(), if *b { "yes" } else { "no" }.to_string())),
            Value::Array(a) => {
                for x in a {
                    fields.push((k.clone(), x.as_str().unwrap_or("").to_string()));
                }
            }
            _ => {}
        }
    }
    fields
}
