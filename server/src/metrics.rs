//! Metrics for whoever runs the service, in Prometheus's text format (the `metrics` crate with
//! `metrics-exporter-prometheus`, its own HTTP listener left out): served at `/metrics` on an
//! address of its own (`[metrics] listen_addr` or `INTAKE_METRICS_ADDR`, e.g.
//! `127.0.0.1:9464`), never on the public address; off when unset, and then every recording
//! below costs next to nothing.
//!
//! Recorded: requests by route pattern and status, with their time; complaints accepted (by
//! channel) and refused (by reason, never by content); sign-ins refused (by reason); requests
//! refused by the rate limits; outbox sending failures (by provider and kind); retention runs
//! (the last one's time, rows by rule); and the build's version.

use crate::AppState;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;

/// Installs the recorder (once per process); None if it cannot be.
pub fn install() -> Option<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets(&[
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ])
        .ok()?
        .install_recorder()
        .ok()?;
    metrics::gauge!("intake_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    Some(handle)
}

/// Serves `/metrics` on `addr` until the process ends.
pub async fn serve(
    addr: SocketAddr,
    handle: PrometheusHandle,
    _state: AppState,
) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen for metrics on {addr}: {e}"))?;
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let handle = handle.clone();
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4",
                    )],
                    handle.render(),
                )
            }
        }),
    );
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(cause = %e, "metrics: the listener stopped");
        }
    });
    Ok(())
}

/// A request answered (from the request log's layer).
pub fn request(route: &str, status: u16, seconds: f64) {
    metrics::counter!("intake_http_requests_total", "route" => route.to_string(), "status" => status.to_string()).increment(1);
    metrics::histogram!("intake_http_request_duration_seconds", "route" => route.to_string())
        .record(seconds);
}

pub fn complaint_accepted(channel: &'static str) {
    metrics::counter!("intake_complaints_accepted_total", "channel" => channel).increment(1);
}

/// `reason`: "invalid", "key_reused" or "unavailable".
pub fn complaint_refused(reason: &'static str) {
    metrics::counter!("intake_complaints_refused_total", "reason" => reason).increment(1);
}

/// `reason`: "wrong_password", "wrong_code", "throttled" or "busy".
pub fn sign_in_refused(reason: &'static str) {
    metrics::counter!("intake_sign_ins_refused_total", "reason" => reason).increment(1);
}

/// `limit`: "submissions" or "sign_in".
pub fn rate_limited(limit: &'static str) {
    metrics::counter!("intake_requests_limited_total", "limit" => limit).increment(1);
}

/// `kind`: "transient" or "permanent".
pub fn send_failed(provider: &'static str, kind: &'static str) {
    metrics::counter!("intake_outbox_failures_total", "provider" => provider, "kind" => kind)
        .increment(1);
}

pub fn retention_ran(counts: &crate::store::retention::RunCounts) {
    metrics::gauge!("intake_retention_last_run_timestamp_seconds")
        .set(chrono::Utc::now().timestamp() as f64);
    for (rule, n) in [
        ("cases_reduced", counts.cases_reduced),
        ("officers_removed", counts.officers_removed),
        ("notes_deleted", counts.notes_deleted),
        ("letters_deleted", counts.letters_deleted),
        ("messages_deleted", counts.messages_deleted),
        ("idempotency_deleted", counts.idempotency_deleted),
        ("sessions_deleted", counts.sessions_deleted),
        ("audit_deleted", counts.audit_deleted),
    ] {
        metrics::counter!("intake_retention_rows_total", "rule" => rule).increment(n);
    }
}
