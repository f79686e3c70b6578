//! `server`: runs the complaint intake service.

use server::config::Config;
use server::{router, store, AppState};
use std::io::Write;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("INTAKE_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = run().await {
        eprintln!("server: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") => serve().await,
        Some("openapi") => {
            // The API description for the current configuration, for tooling and review.
            let config = Config::load()?;
            let doc = server::openapi::document(&config);
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        Some("user") => {
            // Staff accounts: `server user add <username> <role> <name>`, password on stdin.
            let config = Config::load()?;
            let stores = store::open(&config.database_url).await?;
            let message =
                server::staff::add_user_from_cli(stores.staff.as_ref(), &args[1..]).await?;
            println!("{message}");
            Ok(())
        }
        Some("--help") | Some("-h") | Some("help") => {
            println!("usage: server [serve | openapi | user add <username> <intake|handler|dpo> <name> | user password <username>]\n\nConfiguration: INTAKE_CONFIG (a TOML file), INTAKE_DATABASE_URL, INTAKE_LISTEN_ADDR, INTAKE_SITE_ROOT; see README.md.");
            Ok(())
        }
        Some(other) => Err(format!("unknown command '{other}' (try: server --help)")),
    }
}

async fn serve() -> Result<(), String> {
    let config = Config::load()?;
    if let Some(last) = config.calendar.known_until() {
        if last < chrono::Utc::now().date_naive() + chrono::Days::new(120) {
            tracing::warn!(%last, "bank holidays are known only until {last}: add later ones to the configuration");
        }
    }
    if let Some(given) = config.branding.corrected_from {
        tracing::warn!(%given, used = %config.branding.colour, "the brand colour does not reach WCAG AA contrast on white: a darker shade of it is used");
    }
    let stores = store::open(&config.database_url).await?;
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
    let state = AppState::new(config, stores)?;
    tracing::info!(email = %state.mailer.describe(), "outbox worker started");
    server::outbox::spawn(state.clone());
    let app = router(state);
    // Tests and scripts wait for this line to know the port.
    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))?;
    tracing::info!("stopped");
    Ok(())
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
