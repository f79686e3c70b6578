//! `server`: runs the complaint intake service.

use clap::Parser;
use server::cli::{Cli, Command};
use server::config::{Config, Connections};
use server::{router, store, AppState};
use std::io::Write;

/// Argon2 allocates about 19 MiB per password check on whichever blocking thread runs it; with
/// the system allocator that memory stays with the thread's arena after a burst. mimalloc
/// gives freed memory back to the system, so the server returns to its resting size.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its v2 `mimalloc.h`; the Rust binding names no constant
/// for it): how long freed memory is kept before it goes back to the system (10 ms by
/// default). At 0 it goes at once: under wrk on SQLite the peak fell 55 → 46 MiB with the same
/// throughput (BENCHMARKS.md, issue 27); a batch's rows are large and short-lived.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    no_huge_pages();
    // SAFETY: sets one integer option, read when memory is next purged; no thread but this
    // one exists yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts");
    runtime.block_on(serve_or_command());
}

/// Transparent huge pages off for this process. mimalloc asks the kernel for 2 MiB pages on
/// the memory it commits up front (`MADV_HUGEPAGE`), so a few kilobytes in use in a region
/// cost 2 MiB of memory each. Measured with wrk (BENCHMARKS.md, issue 27): resting heap 13 →
/// 3 MiB, peak under load 56 → 29 MiB (PostgreSQL) and 53 → 41 MiB (SQLite), throughput the
/// same. The flag is checked when a page is first touched, so set before the threads start
/// and before nearly everything is allocated.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes integers only and changes a flag of this
    // process; a kernel without it answers EINVAL, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

async fn serve_or_command() {
    let telemetry = server::telemetry::init();
    if let Err(e) = run().await {
        eprintln!("server: {e}");
        drop(telemetry);
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    match Cli::parse().command {
        None | Some(Command::Serve) => serve().await,
        Some(command) => server::cli::run(command).await,
    }
}

async fn serve() -> Result<(), String> {
    let mut config = Config::load()?;
    if let Some(last) = config.calendar.known_until() {
        if last < chrono::Utc::now().date_naive() + chrono::Days::new(120) {
            tracing::warn!(%last, "bank holidays are known only until {last}: add later ones to the configuration");
        }
    }
    if let Some(given) = config.branding.corrected_from {
        tracing::warn!(%given, used = %config.branding.colour, "the brand colour does not reach WCAG AA contrast on white: a darker shade of it is used");
    }
    let mut stores = store::open(&config.database_url).await?;
    stores.retention = server::retention::with_email_files(stores.retention, &config.email);
    // Sessions past their idle expiry are deleted from the database, not only refused.
    {
        use tower_sessions::session_store::ExpiredDeletion;
        let sessions = stores.sessions.clone();
        tokio::spawn(async move {
            let _ = sessions
                .continuously_delete_expired(std::time::Duration::from_secs(600))
                .await;
        });
    }
    if stores.staff.users().await.is_ok_and(|u| u.is_empty()) {
        tracing::warn!("no staff accounts yet: add the first with `server user add <username> dpo <name>` (the password is read from standard input)");
    }
    let listener = tokio::net::TcpListener::bind(config.listen_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen_addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    if !config.public_url_given {
        // Not configured: the address actually listened on (port 0 becomes the real port).
        config.outbox.public_url = format!("http://{addr}");
    }
    server::retention::spawn(
        stores.retention.clone(),
        config.retention.policy.clone(),
        config.retention.every,
    );
    let state = AppState::new(config, stores)?;
    tracing::info!(email = %state.mailer.describe(), "outbox worker started");
    if let Some(addr) = state.config.metrics_addr {
        match server::metrics::install() {
            Some(handle) => server::metrics::serve(addr, handle, state.clone()).await?,
            None => tracing::error!("metrics: the recorder could not be installed"),
        }
    }
    server::outbox::spawn(state.clone());
    server::evidence::spawn_rescan(
        state.evidence.clone(),
        state.evidence_store.clone(),
        state.config.evidence.rescan_every,
    );
    let connections = state.config.connections;
    let trusted = state.config.trusted_proxies.clone();
    let app = router(state);
    // Tests and scripts wait for this line to know the port.
    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
    serve_connections(listener, app, connections, trusted).await;
    tracing::info!("stopped");
    Ok(())
}

/// Accepts connections with limits that `axum::serve` does not offer:
/// - at most `max_connections` at once, and at most `max_per_client` from one client (its
///   address, an IPv6 /64 as one; trusted proxies exempt): more are closed at once, so one
///   client holding slow connections cannot take them all (issue 28);
/// - a header read timeout (slow headers), and a body deadline in the router (`body_deadline`);
/// - an idle timeout for HTTP/1 and HTTP/2 alike: a connection with no request in progress for
///   `idle` is closed gracefully (HTTP/2's GOAWAY), whatever pings it answers, and dropped if
///   it has not closed `idle` later.
///
/// Stops accepting on SIGTERM or Ctrl-C and lets open requests finish (at most 10 seconds).
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    c: Connections,
    trusted: Vec<std::net::IpAddr>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use server::connections::{Activity, PerClient};
    use std::net::SocketAddr;
    use std::sync::Arc;
    use tower::Service;

    let permits = Arc::new(tokio::sync::Semaphore::new(c.max_connections));
    let per_client = PerClient::new(c.max_per_client, trusted);
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut make = app.into_make_service_with_connect_info::<SocketAddr>();
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Some(held) = per_client.admit(peer.ip()) else {
            // Logged once a minute at most per client: a flood must not flood the log.
            drop(stream);
            continue;
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::warn!(
                "connection refused: {} connections open already",
                c.max_connections
            );
            drop(stream);
            continue;
        };
        let Ok(service) = make.call(peer).await;
        let activity = Activity::new();
        let service =
            hyper_util::service::TowerToHyperService::new(activity.clone().track(service));
        let mut builder = Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(c.header_read);
        builder
            .http2()
            .timer(TokioTimer::new())
            .keep_alive_interval(Some(c.idle))
            .keep_alive_timeout(c.idle)
            // A client may not open streams without end, nor hold a large window of our memory.
            .max_concurrent_streams(32)
            .max_header_list_size(64 * 1024);
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let mut stopping = stopping.clone();
        let idle = c.idle;
        tokio::spawn(async move {
            let _permit = permit;
            let _held = held;
            let mut connection = std::pin::pin!(connection);
            let mut tick = tokio::time::interval(idle.min(std::time::Duration::from_secs(1)));
            let mut closing_since: Option<tokio::time::Instant> = None;
            loop {
                tokio::select! {
                    _ = connection.as_mut() => break,
                    _ = tick.tick() => {
                        match closing_since {
                            None if activity.idle_for() >= idle => {
                                connection.as_mut().graceful_shutdown();
                                closing_since = Some(tokio::time::Instant::now());
                            }
                            // Asked to close and still open: dropped.
                            Some(t) if t.elapsed() >= idle => break,
                            _ => {}
                        }
                    }
                    changed = stopping.changed(), if closing_since.is_none() => {
                        if changed.is_err() || *stopping.borrow() {
                            connection.as_mut().graceful_shutdown();
                            closing_since = Some(tokio::time::Instant::now());
                        }
                    }
                }
            }
        });
    }
    drop(listener);
    // Open requests get a little time to finish; then the process ends anyway.
    let _ = stop.send(true);
    let all = permits.acquire_many(c.max_connections as u32);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), all).await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
