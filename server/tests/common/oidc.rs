//! A real OpenID provider for the sign-in tests: the npm package `oidc-provider` (OpenID
//! certified), run by `end2end/oidc/provider.mjs` on 127.0.0.1, with a proxy of ours in front
//! (its address is the issuer) that passes everything through, or changes the ID token the
//! token endpoint returns as a test asks: another audience, another issuer, expired, another
//! nonce, signed by another key, or a token from an earlier sign-in.

use super::browser::{Browser, Page};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// What the proxy does to the next token responses.
#[derive(Debug, Clone, PartialEq)]
pub enum Tamper {
    Pass,
    Audience,
    Issuer,
    Expired,
    Nonce,
    OtherKey,
    /// The ID token of the sign-in before (a replayed token: its nonce is not this one's).
    Replay,
}

#[derive(Clone)]
struct Proxy {
    upstream: String,
    tamper: Arc<Mutex<Tamper>>,
    last_id_token: Arc<Mutex<Option<String>>>,
    keys: Arc<Keys>,
    http: reqwest::Client,
}

#[derive(serde::Deserialize)]
struct Keys {
    kid: String,
    pem: String,
    stranger_pem: String,
}

pub struct OidcProvider {
    pub issuer: String,
    pub users: PathBuf,
    tamper: Arc<Mutex<Tamper>>,
    _child: Child,
}

/// A `[oidc]` section for a server using `issuer`, mapping the test provider's roles.
pub fn config(issuer: &str) -> String {
    format!(
        r#"
[oidc]
issuer = "{issuer}"
client_id = "complaints"
client_secret = "test-secret"
provider_name = "Test Council ID"
team_claim = "team"
[oidc.roles]
"Complaints.Intake" = "intake"
"Complaints.Handler" = "handler"
"Complaints.DPO" = "dpo"
"#
    )
}

/// Binds the proxy's port first, so the issuer is known before the server starts.
pub fn reserve() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    (listener, issuer)
}

impl OidcProvider {
    /// Starts the provider for a server at `server_base`, its issuer the proxy on `listener`.
    pub async fn start(
        dir: &Path,
        listener: std::net::TcpListener,
        server_base: &str,
        users: &serde_json::Value,
    ) -> OidcProvider {
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let users_path = dir.join("oidc-users.json");
        std::fs::write(&users_path, users.to_string()).unwrap();
        let keys_path = dir.join("oidc-keys.json");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/oidc/provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .env("PORT", "0")
            .env("ISSUER", &issuer)
            .env("USERS", &users_path)
            .env("KEYS_OUT", &keys_path)
            .env(
                "REDIRECT_URI",
                format!("{server_base}/staff/sign-in/oidc/callback"),
            )
            .env(
                "POST_LOGOUT_REDIRECT_URI",
                format!("{server_base}/staff/sign-in"),
            )
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs the test provider (end2end's npm packages installed)");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the provider starts within 30 s")
            .unwrap()
            .expect("the provider says where it listens");
        let upstream = line
            .strip_prefix("listening on ")
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .to_string();
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let keys: Keys =
            serde_json::from_str(&std::fs::read_to_string(&keys_path).unwrap()).unwrap();
        let tamper = Arc::new(Mutex::new(Tamper::Pass));
        let proxy = Proxy {
            upstream,
            tamper: tamper.clone(),
            last_id_token: Arc::new(Mutex::new(None)),
            keys: Arc::new(keys),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        };
        listener.set_nonblocking(true).unwrap();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let app = axum::Router::new().fallback(forward).with_state(proxy);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        OidcProvider {
            issuer,
            users: users_path,
            tamper,
            _child: child,
        }
    }

    pub fn set_users(&self, users: &serde_json::Value) {
        std::fs::write(&self.users, users.to_string()).unwrap();
    }

    pub fn tamper(&self, t: Tamper) {
        *self.tamper.lock().unwrap() = t;
    }
}

async fn forward(
    State(p): State<Proxy>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let url = format!(
        "{}{}",
        p.upstream,
        uri.path_and_query().map(|x| x.as_str()).unwrap_or("/")
    );
    let mut req = p.http.request(method.clone(), url).body(body);
    for (k, v) in headers.iter() {
        // The Host header too: the provider writes its endpoints' addresses from it (the proxy's).
        if k != "content-length" {
            req = req.header(k, v);
        }
    }
    let res = req.send().await.unwrap();
    let status = StatusCode::from_u16(res.status().as_u16()).unwrap();
    let mut out_headers = HeaderMap::new();
    for (k, v) in res.headers() {
        if k != "content-length" && k != "transfer-encoding" {
            out_headers.append(k, v.clone());
        }
    }
    let bytes = res.bytes().await.unwrap();
    let bytes = if method == Method::POST && uri.path() == "/token" && status.is_success() {
        tampered(&p, &bytes)
    } else {
        bytes.to_vec()
    };
    (status, out_headers, bytes).into_response()
}

fn tampered(p: &Proxy, body: &[u8]) -> Vec<u8> {
    let mut json: serde_json::Value = serde_json::from_slice(body).unwrap();
    let Some(token) = json["id_token"].as_str().map(str::to_string) else {
        return body.to_vec();
    };
    let mode = p.tamper.lock().unwrap().clone();
    let previous = p.last_id_token.lock().unwrap().replace(token.clone());
    let new_token = match mode {
        Tamper::Pass => token,
        Tamper::Replay => previous.expect("a sign-in before to replay"),
        other => {
            let part = token.split('.').nth(1).unwrap();
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .unwrap();
            let mut claims: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let now = chrono::Utc::now().timestamp();
            let mut pem = p.keys.pem.as_str();
            match other {
                Tamper::Audience => claims["aud"] = "someone-else".into(),
                Tamper::Issuer => claims["iss"] = "http://127.0.0.1:9/another".into(),
                Tamper::Expired => {
                    claims["iat"] = (now - 7200).into();
                    claims["exp"] = (now - 3600).into();
                }
                Tamper::Nonce => claims["nonce"] = "not-this-sign-ins-nonce".into(),
                Tamper::OtherKey => pem = p.keys.stranger_pem.as_str(),
                Tamper::Pass | Tamper::Replay => unreachable!(),
            }
            let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
            header.kid = Some(p.keys.kid.clone());
            let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
            jsonwebtoken::encode(&header, &claims, &key).unwrap()
        }
    };
    json["id_token"] = new_token.into();
    serde_json::to_vec(&json).unwrap()
}

/// Signs in through the provider as `login` the way a browser does: our sign-in link, the
/// provider's pages (its cookies kept apart from ours), back to our callback. `edit` may
/// change the callback address first (a forged state). Returns the callback's page.
pub async fn sign_in_through(
    b: &mut Browser,
    login: &str,
    edit: impl FnOnce(String) -> String,
) -> Page {
    let start = b.get("/staff/sign-in/oidc?next=/staff").await;
    assert_eq!(start.status, 303, "{}", start.body);
    let mut url = format!("{}&login_hint={login}", start.location.unwrap());
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut jar: Vec<(String, String)> = vec![];
    for _ in 0..12 {
        if url.starts_with(&b.base) {
            let path = edit(url[b.base.len()..].to_string());
            return b.get(&path).await;
        }
        let cookies = jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let res = http
            .get(&url)
            .header("cookie", cookies)
            .send()
            .await
            .unwrap();
        for v in res.headers().get_all("set-cookie") {
            let pair = v.to_str().unwrap().split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            jar.retain(|(n, _)| n != k);
            jar.push((k.to_string(), val.to_string()));
        }
        let status = res.status();
        let next = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let Some(next) = next else {
            panic!(
                "the provider stopped at {url}: {status} {}",
                res.text().await.unwrap()
            );
        };
        url = if next.starts_with("http") {
            next
        } else {
            let origin: String = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
            format!("{origin}{next}")
        };
    }
    panic!("too many redirects at the provider");
}
