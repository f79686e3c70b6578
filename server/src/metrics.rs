//! Metrics for whoever runs the service, in Prometheus's text format (the `metrics` crate with
//! `metrics-exporter-prometheus`, its own HTTP listener left out): served at `/metrics` on an
//! address of its own (`[metrics] listen_addr` or `INTAKE_METRICS_ADDR`, e.g.
//! `127.0.0.1:9464`), never on the public address; off when unset, and then every recording
//! below costs next to nothing.
//!
//! Recorded: requests by route pattern and status, with their time; complaints accepted (by
//! channel) and refused (by reason, never by content); sign-ins refused (by reason); requests
//! refused by the rate limits; complaints per group commit and batches written again one by
//! one; outbox sending failures (by provider and kind); retention runs
//! (the last one's time, rows by rule); and the build's version. Gauges read from the store
//! at most once a minute: messages waiting and the oldest one's age, by channel; open and
//! overdue cases by team.

use crate::AppState;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Installs the recorder (once per process); None if it cannot be.
pub fn install() -> Option<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets(&[
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ])
        .ok()?
        .set_buckets_for_metric(
            Matcher::Full("intake_store_batch_complaints".into()),
            &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0],
        )
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
    state: AppState,
) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen for metrics on {addr}: {e}"))?;
    let gauges = Arc::new(Mutex::new(Refresh::default()));
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let (handle, state, gauges) = (handle.clone(), state.clone(), gauges.clone());
            async move {
                refresh(&state, &gauges).await;
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

/// When the store's gauges were last read, and the labels they have had (a team whose cases
/// all closed, or a channel that emptied, then reads 0 rather than its last figure).
#[derive(Default)]
struct Refresh {
    at: Option<Instant>,
    teams: BTreeSet<String>,
    channels: BTreeSet<String>,
}

/// The store's gauges are read at most once a minute, on a scrape (a scrape every few seconds
/// costs the database nothing more; no scraper, no work). A failure leaves the last figures and
/// is logged; the next scrape tries again.
async fn refresh(state: &AppState, gauges: &Mutex<Refresh>) {
    let mut last = gauges.lock().await;
    if last.at.is_some_and(|at| at.elapsed() < GAUGE_PERIOD) {
        return;
    }
    let figures = match state
        .store
        .gauges(app::domain::calendar::london_date(chrono::Utc::now()))
        .await
    {
        Ok(g) => g,
        Err(e) => {
            tracing::error!(route = "/metrics", cause = %e, "metrics: the store's gauges could not be read");
            return;
        }
    };
    last.at = Some(Instant::now());
    let now = chrono::Utc::now();
    for channel in figures.waiting.iter().map(|w| w.0.clone()) {
        last.channels.insert(channel);
    }
    for channel in &last.channels {
        let found = figures.waiting.iter().find(|w| &w.0 == channel);
        let (n, oldest) = found.map_or((0, None), |w| (w.1, w.2));
        let age = oldest.map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0);
        metrics::gauge!("intake_outbox_waiting", "channel" => channel.clone()).set(n as f64);
        metrics::gauge!("intake_outbox_oldest_waiting_seconds", "channel" => channel.clone())
            .set(age);
    }
    for team in figures.teams.iter().map(|t| t.0.clone()) {
        last.teams.insert(team);
    }
    for team in &last.teams {
        let found = figures.teams.iter().find(|t| &t.0 == team);
        let (open, overdue) = found.map_or((0, 0), |t| (t.1, t.2));
        metrics::gauge!("intake_cases_open", "team" => team.clone()).set(open as f64);
        metrics::gauge!("intake_cases_overdue", "team" => team.clone()).set(overdue as f64);
    }
}

/// How long the store's gauges stand before a scrape reads them again (issue 27: at most once
/// a minute).
const GAUGE_PERIOD: Duration = Duration::from_secs(60);

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

/// Complaints written together in one commit (`store`: "sqlite" or "postgres"): how many.
pub fn batch_written(store: &'static str, complaints: usize) {
    metrics::histogram!("intake_store_batch_complaints", "store" => store)
        .record(complaints as f64);
}

/// A batch PostgreSQL refused, written again complaint by complaint (a reference drawn twice
/// does it about once in 10¹¹ complaints; anything more often is a fault to look into).
pub fn batch_retried_singly() {
    metrics::counter!("intake_store_batches_retried_total").increment(1);
}

/// `kind`: "transient" or "permanent".
/// A new delivery report from GOV.UK Notify (a replayed one is not counted).
pub fn delivery_reported(status: &'static str) {
    metrics::counter!("intake_delivery_reports_total", "status" => status).increment(1);
}

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
