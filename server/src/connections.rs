//! What one connection and one client may hold (issue 28: one client holding 1,024 slow
//! connections left none for anyone else): connections per client, how long a connection
//! may sit with no request in progress, and how long a request's body may take in all.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Per client: connections open, and when a refusal was last logged.
type OpenByClient = Arc<Mutex<HashMap<IpAddr, (usize, Option<Instant>)>>>;

/// Open connections per client.
#[derive(Clone)]
pub struct PerClient {
    max: usize,
    trusted: Arc<Vec<IpAddr>>,
    open: OpenByClient,
}

/// One admitted connection; dropping it gives its place back.
pub struct Held {
    client: Option<IpAddr>,
    open: OpenByClient,
}

impl PerClient {
    pub fn new(max: usize, trusted: Vec<IpAddr>) -> PerClient {
        PerClient {
            max,
            trusted: Arc::new(trusted),
            open: Arc::default(),
        }
    }

    /// A place for a connection from `peer`, or none if that client holds `max` already.
    /// A refusal is logged at most once a minute per client (a flood must not flood the log;
    /// the address is the connection's, which the operator needs to act on).
    pub fn admit(&self, peer: IpAddr) -> Option<Held> {
        if self.trusted.contains(&peer) {
            return Some(Held {
                client: None,
                open: self.open.clone(),
            });
        }
        let client = crate::client::ClientIp(peer).bucket();
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let entry = open.entry(client).or_insert((0, None));
        if entry.0 >= self.max {
            if entry
                .1
                .is_none_or(|t| t.elapsed() >= Duration::from_secs(60))
            {
                entry.1 = Some(Instant::now());
                tracing::warn!(%client, max = self.max, "connections refused: this client holds as many as one client may");
            }
            return None;
        }
        entry.0 += 1;
        Some(Held {
            client: Some(client),
            open: self.open.clone(),
        })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(client) = self.client {
            let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(e) = open.get_mut(&client) {
                e.0 = e.0.saturating_sub(1);
                if e.0 == 0 {
                    open.remove(&client);
                }
            }
        }
    }
}

/// Whether a connection has a request in progress, and since when it has had none.
#[derive(Clone)]
pub struct Activity {
    started: Instant,
    in_flight: Arc<AtomicUsize>,
    /// Milliseconds after `started` when the last request began or ended.
    last: Arc<AtomicU64>,
}

impl Default for Activity {
    fn default() -> Self {
        Activity::new()
    }
}

impl Activity {
    pub fn new() -> Activity {
        Activity {
            started: Instant::now(),
            in_flight: Arc::default(),
            last: Arc::default(),
        }
    }

    fn touch(&self) {
        let ms = self.started.elapsed().as_millis() as u64;
        self.last.store(ms, Ordering::Relaxed);
    }

    /// How long the connection has had no request in progress (zero while one is).
    pub fn idle_for(&self) -> Duration {
        if self.in_flight.load(Ordering::Relaxed) > 0 {
            return Duration::ZERO;
        }
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.started.elapsed().saturating_sub(last)
    }

    /// `service`, counting its requests in progress.
    pub fn track<S>(self, service: S) -> Tracked<S> {
        Tracked {
            inner: service,
            activity: self,
        }
    }
}

/// A service whose requests in progress are counted by an `Activity`.
#[derive(Clone)]
pub struct Tracked<S> {
    inner: S,
    activity: Activity,
}

/// Ends a request's part in the count when its future completes or is dropped.
struct InFlight(Activity);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
    }
}

impl<S, B> tower::Service<axum::http::Request<B>> for Tracked<S>
where
    S: tower::Service<axum::http::Request<B>> + Send,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: axum::http::Request<B>) -> Self::Future {
        self.activity.in_flight.fetch_add(1, Ordering::Relaxed);
        self.activity.touch();
        let guard = InFlight(self.activity.clone());
        let future = self.inner.call(request);
        Box::pin(async move {
            let result = future.await;
            drop(guard);
            result
        })
    }
}

/// A request body that must arrive whole within a deadline from when the request began: a
/// body trickling in a byte at a time is cut off then, however often bytes come (a timeout
/// between reads would start again with each one).
struct Deadline {
    inner: Body,
    sleep: Pin<Box<tokio::time::Sleep>>,
    expired: Arc<AtomicBool>,
}

impl http_body::Body for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        if std::future::Future::poll(self.sleep.as_mut(), cx).is_ready() {
            self.expired.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(axum::Error::new(
                "the request body took too long",
            ))));
        }
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The body deadline for every request; past it the answer is 408 and the connection closes.
pub async fn body_deadline(
    axum::extract::State(limit): axum::extract::State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let expired = Arc::new(AtomicBool::new(false));
    let (parts, body) = request.into_parts();
    let body = Body::new(Deadline {
        inner: body,
        sleep: Box::pin(tokio::time::sleep(limit)),
        expired: expired.clone(),
    });
    let response = next.run(Request::from_parts(parts, body)).await;
    if expired.load(Ordering::Relaxed) {
        tracing::warn!("a request body did not arrive in time: answered 408");
        let mut r = (
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The request took too long to arrive. Nothing was saved. Please try again.",
        )
            .into_response();
        r.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return r;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_client_holds_at_most_its_share_and_gets_places_back() {
        let limit = PerClient::new(2, vec!["10.0.0.1".parse().unwrap()]);
        let a: IpAddr = "198.51.100.7".parse().unwrap();
        let first = limit.admit(a).unwrap();
        let _second = limit.admit(a).unwrap();
        assert!(limit.admit(a).is_none(), "a third from the same client");
        // The same /64 is the same client; another client is not affected.
        let v6 = |s: &str| s.parse::<IpAddr>().unwrap();
        let _x = limit.admit(v6("2001:db8::1")).unwrap();
        let _y = limit.admit(v6("2001:db8::2")).unwrap();
        assert!(limit.admit(v6("2001:db8::ffff")).is_none());
        assert!(limit.admit("198.51.100.8".parse().unwrap()).is_some());
        // A trusted proxy carries everyone's connections.
        let proxy: Vec<_> = (0..10)
            .map(|_| limit.admit("10.0.0.1".parse().unwrap()))
            .collect();
        assert!(proxy.iter().all(Option::is_some));
        drop(first);
        assert!(limit.admit(a).is_some(), "a place given back");
    }
}
