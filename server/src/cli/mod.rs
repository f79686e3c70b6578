//! The command line: `server` runs the service; its subcommands do an administrator's jobs
//! (accounts, backups, moving to PostgreSQL, retention) on the configured store. Each has
//! `--help`.

pub mod backup;
pub mod copy;
pub mod user;

use crate::config::Config;
use crate::store;
use clap::{Parser, Subcommand};

/// The data protection complaint service. Configuration: INTAKE_CONFIG (a TOML file, else
/// ./intake.toml), INTAKE_DATABASE_URL, INTAKE_LISTEN_ADDR, INTAKE_SITE_ROOT; see README.md.
#[derive(Parser)]
#[command(name = "server", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the service (the default).
    Serve,
    /// Print the API description (OpenAPI) for the current configuration.
    Openapi,
    /// Staff accounts (passwords are read from standard input; a new password, role, disable
    /// and sign-out end the account's sessions at once).
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Copy the live SQLite store to a new file, consistent to one instant, while the service
    /// runs (README.md, "Backups").
    Backup {
        /// The new file (never overwritten).
        path: std::path::PathBuf,
    },
    /// Copy everything in the SQLite store into an empty PostgreSQL database, checked by
    /// counts and a checksum (README.md, "When one machine is not enough").
    CopyTo {
        /// postgres://user@host/database (empty; its tables are made here).
        url: String,
    },
    /// Retention of personal data (SPEC.md "Retention").
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
}

#[derive(Subcommand)]
pub enum RetentionCommand {
    /// Reduce, remove and delete what the retention rules say is due now.
    Run {
        /// Print what would go (by reference, no personal data) and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// With --dry-run: what would go on this day (YYYY-MM-DD) instead of today.
        #[arg(long, value_name = "DATE", requires = "dry_run")]
        as_of: Option<chrono::NaiveDate>,
    },
}

/// Carries out a command other than `serve` (which `main` runs).
pub async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Serve => Err("serve is run by main".into()),
        Command::Openapi => {
            // The API description for the current configuration, for tooling and review.
            let config = Config::load()?;
            let doc = crate::openapi::document(&config);
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        Command::User { command } => {
            let config = Config::load()?;
            let stores = store::open(&config.database_url).await?;
            let teams: Vec<String> = config.taxonomy.teams.iter().map(|t| t.id.clone()).collect();
            let message = user::add_user_from_cli(stores.staff.as_ref(), &command, &teams).await?;
            println!("{message}");
            Ok(())
        }
        Command::Backup { path } => {
            let config = Config::load()?;
            let b = backup::backup(&config.database_url, &path).await?;
            println!(
                "backed up {} cases to {} ({:.1} MB)",
                b.cases,
                b.path.display(),
                b.bytes as f64 / 1e6
            );
            Ok(())
        }
        Command::CopyTo { url } => {
            let config = Config::load()?;
            let copied = copy::copy_to(&config.database_url, &url).await?;
            for (table, rows) in &copied.tables {
                println!("{table:>18}: {rows} rows");
            }
            println!("checksum {} (the same in both stores)", copied.checksum);
            Ok(())
        }
        Command::Retention {
            command: RetentionCommand::Run { dry_run, as_of },
        } => {
            let config = Config::load()?;
            let mut stores = store::open(&config.database_url).await?;
            stores.retention = crate::retention::with_email_files(stores.retention, &config.email);
            let text = crate::retention::from_command_line(
                stores.retention.as_ref(),
                &config.retention.policy,
                dry_run,
                as_of,
            )
            .await?;
            print!("{text}");
            Ok(())
        }
    }
}
