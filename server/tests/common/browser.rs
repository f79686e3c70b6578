//! A browser-like client for the staff pages, and servers with staff accounts.

use super::TestServer;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use server::staff::SESSION_COOKIE;
use std::path::Path;

pub const PASSWORD: &str = "correct horse battery staple";

/// Adds an account the way an operator does: `server user add`, the password on stdin.
pub fn add_user(
    db: &Path,
    username: &str,
    role: &str,
    name: &str,
    password: &str,
) -> std::process::Output {
    // On PostgreSQL the database must exist first (SQLite's file is made by the command).
    {
        let path = db.to_path_buf();
        std::thread::spawn(move || {
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(super::db::prepare(&path))
        })
        .join()
        .unwrap();
    }
    user_cli(db, &["add", username, role, name], &format!("{password}\n"))
}

/// Runs `server user …` as an operator does, `stdin` given to it (a password, if one is read).
pub fn user_cli(db: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("user")
        .args(args)
        .env("INTAKE_DATABASE_URL", super::db::url(db))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// A browser-like client: keeps the session cookie, does not follow redirects.
pub struct Browser {
    pub base: String,
    pub http: reqwest::Client,
    /// The session cookie's value (none before signing in).
    pub cookie: Option<String>,
    /// The anonymous visitor's form-token cookie.
    pub csrf_cookie: Option<String>,
    /// The cookie that marks a browser an account has signed in with.
    pub device_cookie: Option<String>,
    /// Sent as X-Forwarded-For (a client behind the trusted proxy), if set.
    pub forwarded_for: Option<String>,
    /// One sign-in's flow through the identity provider (state, nonce, PKCE verifier).
    pub oidc_cookie: Option<String>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    pub fn csrf(&self) -> String {
        let marker = "name=\"_csrf\" value=\"";
        let at = self
            .body
            .find(marker)
            .expect("the page has a form with a token")
            + marker.len();
        self.body[at..at + 64].to_string()
    }
}

impl Browser {
    pub fn new(server: &TestServer) -> Browser {
        Browser {
            base: server.base.clone(),
            // The server closes an HTTP/1 connection waiting 10 s for its next request's
            // headers; a browser retries a request that meets such a close, reqwest does not,
            // so idle connections are dropped first and a request never races the close.
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .pool_idle_timeout(std::time::Duration::from_secs(5))
                .build()
                .unwrap(),
            cookie: None,
            csrf_cookie: None,
            device_cookie: None,
            forwarded_for: None,
            oidc_cookie: None,
        }
    }

    fn keep_cookie(&mut self, headers: &HeaderMap) {
        for v in headers.get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            if let Some(rest) = v.strip_prefix(&format!("{}=", server::staff::CSRF_COOKIE)) {
                assert!(
                    v.contains("HttpOnly") && v.contains("Secure") && v.contains("SameSite=Strict"),
                    "{v}"
                );
                self.csrf_cookie = Some(rest.split(';').next().unwrap().to_string());
            }
            if let Some(rest) = v.strip_prefix(&format!("{}=", server::staff::auth::device::COOKIE))
            {
                assert!(
                    v.contains("HttpOnly") && v.contains("Secure") && v.contains("SameSite=Strict"),
                    "{v}"
                );
                self.device_cookie = Some(rest.split(';').next().unwrap().to_string());
            }
            if let Some(rest) = v.strip_prefix(&format!("{}=", server::staff::oidc::FLOW_COOKIE)) {
                assert!(
                    v.contains("HttpOnly") && v.contains("Secure") && v.contains("SameSite=Lax"),
                    "{v}"
                );
                let value = rest.split(';').next().unwrap().to_string();
                self.oidc_cookie = (!value.is_empty() && !v.contains("Max-Age=0")).then_some(value);
            }
            if let Some(rest) = v.strip_prefix(&format!("{SESSION_COOKIE}=")) {
                let value = rest.split(';').next().unwrap().to_string();
                let removal = value.is_empty() || v.contains("Max-Age=0");
                assert!(
                    removal
                        || (v.contains("HttpOnly")
                            && v.contains("Secure")
                            && v.contains("SameSite=Strict")),
                    "{v}"
                );
                self.cookie = (!removal).then_some(value);
            }
        }
    }

    /// The Cookie header this browser sends.
    pub fn cookie_header(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = &self.cookie {
            parts.push(format!("{SESSION_COOKIE}={c}"));
        }
        if let Some(c) = &self.csrf_cookie {
            parts.push(format!("{}={c}", server::staff::CSRF_COOKIE));
        }
        if let Some(c) = &self.device_cookie {
            parts.push(format!("{}={c}", server::staff::auth::device::COOKIE));
        }
        if let Some(c) = &self.oidc_cookie {
            parts.push(format!("{}={c}", server::staff::oidc::FLOW_COOKIE));
        }
        parts.join("; ")
    }

    pub async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let cookies = self.cookie_header();
        let req = if cookies.is_empty() {
            req
        } else {
            req.header("cookie", cookies)
        };
        let req = match &self.forwarded_for {
            Some(from) => req.header("x-forwarded-for", from),
            None => req,
        };
        let res = req.send().await.unwrap();
        self.keep_cookie(res.headers());
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get(LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let body = res.text().await.unwrap();
        Page {
            status,
            location,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let req = self.http.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(req).await
    }

    /// Gets `path` for its form token, then posts `form` with it.
    pub async fn submit(&mut self, path: &str, action: &str, form: &[(&str, &str)]) -> Page {
        let token = self.get(path).await.csrf();
        let mut with_token = vec![("_csrf", token.as_str())];
        with_token.extend_from_slice(form);
        self.post(action, &with_token).await
    }

    pub async fn sign_in(&mut self, username: &str, password: &str) -> Page {
        self.submit(
            "/staff/sign-in",
            "/staff/sign-in",
            &[
                ("username", username),
                ("password", password),
                ("next", "/staff"),
            ],
        )
        .await
    }
}

pub struct Staffed {
    pub server: TestServer,
    pub _dir: tempfile::TempDir,
}

/// A server with one account per role: ian (intake), kim (handler), dee (DPO).
pub async fn staffed() -> Staffed {
    staffed_with("").await
}

/// The same, with this configuration file (TOML).
pub async fn staffed_with(config: &str) -> Staffed {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_configured(dir.path(), config).await;
    for (u, role, name) in [
        ("ian", "intake", "Ian Intake"),
        ("kim", "handler", "Kim Handler"),
        ("dee", "dpo", "Dee Officer"),
    ] {
        let out = add_user(&server.db_path, u, role, name, PASSWORD);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Staffed { server, _dir: dir }
}

pub async fn signed_in(server: &TestServer, username: &str) -> Browser {
    let mut b = Browser::new(server);
    let page = b.sign_in(username, PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    b
}

/// A case to work on, sent through the public API.
pub async fn a_case(server: &TestServer) -> String {
    let res = server
        .post(&super::key(), &super::complaint("Sam Example"))
        .await;
    assert_eq!(res.status, 201);
    res.body["reference"].as_str().unwrap().replace('-', "")
}
