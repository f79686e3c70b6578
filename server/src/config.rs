//! Configuration: an optional TOML file, then environment variables, over defaults that let
//! the service start with no configuration at all (SQLite in ./data, port 3000).

use app::domain::calendar::WorkingCalendar;
use app::domain::letter::Organisation;
use app::domain::taxonomy::{Category, Taxonomy, Team};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The file as written by an operator. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub listen_addr: Option<String>,
    pub site_root: Option<String>,
    pub max_body_bytes: Option<usize>,
    pub organisation: Option<Organisation>,
    /// Replace the list of teams.
    pub teams: Option<Vec<Team>>,
    /// Replace the list of categories.
    pub categories: Option<Vec<Category>>,
    /// category id = team id, applied on top of the categories.
    pub team_table: Option<BTreeMap<String, String>>,
    /// Replace the shipped bank holidays (ISO dates).
    pub bank_holidays: Option<Vec<String>>,
}

/// Checked configuration the service runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub listen_addr: SocketAddr,
    pub site_root: PathBuf,
    pub max_body_bytes: usize,
    pub organisation: Organisation,
    pub taxonomy: Taxonomy,
    pub calendar: WorkingCalendar,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/intake.db";
pub const DEFAULT_LISTEN_ADDR: &str = "127.0.0.1:3000";
/// A complaint at its largest is about 20 KB of text; 64 KiB leaves room and stops abuse.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

impl Config {
    /// Reads `INTAKE_CONFIG` (a TOML file) if set, else `intake.toml` if present, then the
    /// `INTAKE_*` environment variables.
    pub fn load() -> Result<Config, String> {
        let path = match std::env::var("INTAKE_CONFIG") {
            Ok(p) if !p.is_empty() => Some(PathBuf::from(p)),
            _ => Some(PathBuf::from("intake.toml")).filter(|p| p.exists()),
        };
        let file = match &path {
            Some(p) => read_file(p)?,
            None => FileConfig::default(),
        };
        Config::from_parts(file, |k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    pub fn from_parts(
        file: FileConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, String> {
        let database_url = env("INTAKE_DATABASE_URL")
            .or_else(|| env("DATABASE_URL"))
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let listen = env("INTAKE_LISTEN_ADDR")
            .or_else(|| env("LEPTOS_SITE_ADDR"))
            .or(file.listen_addr)
            .unwrap_or_else(|| DEFAULT_LISTEN_ADDR.into());
        let listen_addr = listen
            .parse()
            .map_err(|_| format!("listen address '{listen}' is not like 127.0.0.1:3000"))?;
        let site_root = env("INTAKE_SITE_ROOT")
            .or_else(|| env("LEPTOS_SITE_ROOT"))
            .or(file.site_root)
            .unwrap_or_else(|| "target/site".into())
            .into();
        let max_body_bytes = match env("INTAKE_MAX_BODY_BYTES") {
            Some(v) => v
                .parse()
                .map_err(|_| format!("INTAKE_MAX_BODY_BYTES '{v}' is not a number"))?,
            None => file.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
        };
        let mut organisation = file.organisation.unwrap_or_default();
        if let Some(v) = env("INTAKE_ORGANISATION_NAME") {
            organisation.name = v;
        }
        if let Some(v) = env("INTAKE_ORGANISATION_EMAIL") {
            organisation.email = v;
        }
        if let Some(v) = env("INTAKE_ORGANISATION_TELEPHONE") {
            organisation.telephone = v;
        }
        let mut taxonomy = Taxonomy::default();
        if let Some(teams) = file.teams {
            taxonomy.teams = teams;
        }
        if let Some(categories) = file.categories {
            taxonomy.categories = categories;
        }
        let table = file.team_table.unwrap_or_default();
        let taxonomy = taxonomy
            .with_team_overrides(table.iter().map(|(c, t)| (c.as_str(), t.as_str())))
            .map_err(|e| format!("categories and teams: {e}"))?;
        let calendar = match file.bank_holidays {
            Some(dates) => {
                WorkingCalendar::from_dates(&dates).map_err(|e| format!("bank_holidays: {e}"))?
            }
            None => WorkingCalendar::default(),
        };
        Ok(Config {
            database_url,
            listen_addr,
            site_root,
            max_body_bytes,
            organisation,
            taxonomy,
            calendar,
        })
    }
}

fn read_file(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_need_nothing() {
        let c = Config::from_parts(FileConfig::default(), no_env).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.listen_addr.to_string(), DEFAULT_LISTEN_ADDR);
        assert_eq!(c.taxonomy, Taxonomy::default());
    }

    #[test]
    fn file_then_environment() {
        let file: FileConfig = toml::from_str(
            r#"
            database_url = "sqlite://file.db"
            listen_addr = "0.0.0.0:8080"
            bank_holidays = ["2026-12-03"]
            [organisation]
            name = "Borsetshire County Council"
            email = "dpo@borsetshire.gov.uk"
            telephone = "0300 000 0000"
            address = ["County Hall", "Borchester", "BO1 1AA"]
            signatory = "Data Protection Officer"
            privacy_notice_url = "https://borsetshire.gov.uk/privacy"
            [team_table]
            retention = "cit"
            "#,
        )
        .unwrap();
        let env = |k: &str| (k == "INTAKE_DATABASE_URL").then(|| "sqlite://env.db".to_string());
        let c = Config::from_parts(file, env).unwrap();
        assert_eq!(c.database_url, "sqlite://env.db");
        assert_eq!(c.listen_addr.port(), 8080);
        assert_eq!(c.organisation.name, "Borsetshire County Council");
        assert_eq!(c.taxonomy.category("retention").unwrap().team, "cit");
        assert!(!c
            .calendar
            .is_working_day(chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()));
    }

    #[test]
    fn mistakes_are_reported_not_ignored() {
        assert!(toml::from_str::<FileConfig>("databse_url = 'x'").is_err());
        let bad_table: FileConfig = toml::from_str("[team_table]\nretention = 'finance'").unwrap();
        assert!(Config::from_parts(bad_table, no_env)
            .unwrap_err()
            .contains("unknown team"));
        let bad_addr = FileConfig {
            listen_addr: Some("localhost".into()),
            ..FileConfig::default()
        };
        assert!(Config::from_parts(bad_addr, no_env).is_err());
    }
}
