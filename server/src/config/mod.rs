//! Configuration: an optional TOML file, then environment variables, over defaults that let
//! the service start with no configuration at all (SQLite in ./data, port 3000).

mod file;
mod settings;
mod sign_in;

pub use file::*;
pub use settings::*;
pub use sign_in::{Oidc, SignIn};

use app::domain::brand::parse_origin;
use app::domain::calendar::WorkingCalendar;
use app::domain::letter::Organisation;
use app::domain::retention::RetentionPolicy;
use app::domain::taxonomy::Taxonomy;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

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
    /// Origins allowed to show the widget in a frame (besides this server itself).
    pub embed_origins: Vec<String>,
    pub branding: Branding,
    pub email: EmailConfig,
    /// The token GOV.UK Notify's delivery reports must carry; none: the callback is off.
    pub notify_callback_token: Option<secrecy::SecretString>,
    pub outbox: WorkerSettings,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Send Strict-Transport-Security (on by default when the public address is https).
    pub hsts: bool,
    /// Whether `public_url` was configured (else it follows the address listened on).
    pub public_url_given: bool,
    pub limits: LimitSettings,
    pub connections: Connections,
    pub retention: Retention,
    pub not_investigated_reasons: Vec<String>,
    pub access: HandlersSee,
    pub accessibility: AccessibilityDates,
    /// Days before the outcome target (or the revised date) that staff are prompted for a
    /// progress update.
    pub update_warning_days: u32,
    /// Days without a reply to a request for more information before a case may be ended
    /// "no reply".
    pub no_reply_days: u32,
    /// How staff sign in: passwords and the second step, the identity provider, sessions.
    pub sign_in: SignIn,
    /// Evidence files: limits and the virus scanner.
    pub evidence: EvidenceSettings,
    /// Where `/metrics` is served (never the public address); none: no metrics.
    pub metrics_addr: Option<SocketAddr>,
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
        let embed_file = file.embed.unwrap_or_default();
        let origins: Vec<String> = match env("INTAKE_EMBED_ORIGINS") {
            Some(v) => v
                .split([',', ' '])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            None => embed_file.allowed_origins,
        };
        let embed_origins = origins
            .iter()
            .map(|o| parse_origin(o).map_err(|e| format!("embed allowed_origins: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let branding = Branding::resolve(file.branding.unwrap_or_default(), &env)?;
        let notify_callback_token = callback_token(file.email.as_ref(), &env)?;
        let email = email_config(file.email, &env)?;
        let public_url = env("INTAKE_PUBLIC_URL").or(file.public_url);
        let public_url_given = public_url.is_some();
        let outbox = WorkerSettings::resolve(
            public_url,
            file.outbox.unwrap_or_default(),
            file.team_mailboxes.unwrap_or_default(),
            &taxonomy,
            listen_addr,
        )?;
        let proxies: Vec<String> = match env("INTAKE_TRUSTED_PROXIES") {
            Some(v) => v
                .split([',', ' '])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            None => file.trusted_proxies.unwrap_or_default(),
        };
        let trusted_proxies = proxies
            .iter()
            .map(|p| {
                p.parse()
                    .map_err(|_| format!("trusted_proxies: '{p}' is not an IP address"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let limits = LimitSettings::resolve(file.limits, &env)?;
        let connections = Connections::resolve(file.connections, &env)?;
        let retention = retention(file.retention.unwrap_or_default())?;
        let hsts = file
            .hsts
            .unwrap_or(outbox.public_url.starts_with("https://"));
        let not_investigated_reasons = file
            .not_investigated_reasons
            .filter(|r| !r.is_empty())
            .unwrap_or_else(app::domain::casework::default_not_investigated_reasons);
        let access = match file.access.and_then(|a| a.handlers_see).as_deref() {
            None | Some("all") => HandlersSee::All,
            Some("own_team") => HandlersSee::OwnTeam,
            Some(other) => {
                return Err(format!(
                    "access handlers_see '{other}': use \"all\" or \"own_team\""
                ))
            }
        };
        let accessibility = AccessibilityDates::resolve(file.accessibility.unwrap_or_default())?;
        let (update_warning_days, no_reply_days) = procedure_days(file.procedure)?;
        Ok(Config {
            sign_in: SignIn::resolve(file.sign_in, file.oidc, &taxonomy, &env)?,
            evidence: EvidenceSettings::resolve(file.evidence, &env)?,
            metrics_addr: metrics_addr(file.metrics, &env, listen_addr)?,
            update_warning_days,
            no_reply_days,
            notify_callback_token,
            accessibility,
            access,
            not_investigated_reasons,
            retention,
            hsts,
            public_url_given,
            trusted_proxies,
            limits,
            connections,
            email,
            outbox,
            database_url,
            listen_addr,
            site_root,
            max_body_bytes,
            organisation,
            taxonomy,
            calendar,
            embed_origins,
            branding,
        })
    }
}

/// Where `/metrics` is served: never the service's own address.
fn metrics_addr(
    file: Option<MetricsFile>,
    env: &impl Fn(&str) -> Option<String>,
    listen_addr: SocketAddr,
) -> Result<Option<SocketAddr>, String> {
    let Some(a) = env("INTAKE_METRICS_ADDR").or(file.and_then(|m| m.listen_addr)) else {
        return Ok(None);
    };
    let addr = a
        .parse::<SocketAddr>()
        .map_err(|_| format!("metrics listen_addr '{a}': give an address like 127.0.0.1:9464"))?;
    if addr == listen_addr {
        return Err("metrics listen_addr: not the service's own address".into());
    }
    Ok(Some(addr))
}

fn retention(r: RetentionFile) -> Result<Retention, String> {
    let d = RetentionPolicy::default();
    let policy = RetentionPolicy {
        case_file_months: r.case_file_months.unwrap_or(d.case_file_months),
        officer_contact_months: r.officer_contact_months.unwrap_or(d.officer_contact_months),
        idempotency_days: r.idempotency_days.unwrap_or(d.idempotency_days),
        audit_years: r.audit_years.unwrap_or(d.audit_years),
        keep_personal_summary: r.keep_personal_summary.unwrap_or(d.keep_personal_summary),
    };
    // Shorter than the procedure needs would delete what a review or the ICO may ask for;
    // the 30-day draft rule needs the idempotency records for at least as long.
    if policy.case_file_months < 1 || policy.officer_contact_months < 1 {
        return Err("retention: periods must be at least one month".into());
    }
    if policy.idempotency_days < 30 {
        return Err("retention: idempotency_days must be at least 30 (drafts live 30 days)".into());
    }
    if policy.audit_years < 1 {
        return Err("retention: audit_years must be at least 1".into());
    }
    let minutes = r.run_every_minutes.unwrap_or(60).max(1);
    Ok(Retention {
        policy,
        every: std::time::Duration::from_secs(minutes * 60),
    })
}

fn read_file(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::brand::Colour;

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

    #[test]
    fn embedding_and_branding() {
        let file: FileConfig = toml::from_str(
            r##"
            [embed]
            allowed_origins = ["https://www.borsetshire.gov.uk/", "http://localhost:3108"]
            [branding]
            colour = "#ffdd00"
            logo_url = "https://cdn.borsetshire.gov.uk/logo.svg"
            font_stack = "\"Open Sans\", Arial, sans-serif"
            "##,
        )
        .unwrap();
        let c = Config::from_parts(file, no_env).unwrap();
        assert_eq!(
            c.embed_origins,
            ["https://www.borsetshire.gov.uk", "http://localhost:3108"]
        );
        // Yellow on white is unreadable: darkened to a readable shade, and the change noted.
        assert_eq!(
            c.branding.corrected_from,
            Some(Colour::parse("#ffdd00").unwrap())
        );
        assert!(c.branding.colour.contrast(Colour::WHITE) >= 4.5);
        assert_eq!(
            c.branding.logo_origin().as_deref(),
            Some("https://cdn.borsetshire.gov.uk")
        );
        assert!(c
            .branding
            .css()
            .starts_with(&format!(":root{{--brand:{}", c.branding.colour)));
        let env = |k: &str| {
            (k == "INTAKE_EMBED_ORIGINS").then(|| "https://a.gov.uk, https://b.gov.uk".to_string())
        };
        let c = Config::from_parts(FileConfig::default(), env).unwrap();
        assert_eq!(c.embed_origins, ["https://a.gov.uk", "https://b.gov.uk"]);
        for bad in [
            "[embed]\nallowed_origins = ['https://x.gov.uk/privacy']",
            "[branding]\ncolour = 'blue'",
            "[branding]\nlogo_url = 'javascript:alert(1)'",
            "[branding]\nlogo_url = '//evil.example/x.svg'",
            "[branding]\nfont_stack = 'Arial;}body{display:none'",
        ] {
            let file: FileConfig = toml::from_str(bad).unwrap();
            assert!(Config::from_parts(file, no_env).is_err(), "{bad}");
        }
    }
}

/// `[procedure]`: the days before a target that "Update due" shows, and the days without a
/// reply before a case may be ended "no reply".
fn procedure_days(procedure: Option<file::ProcedureFile>) -> Result<(u32, u32), String> {
    let procedure = procedure.unwrap_or_default();
    let update_warning_days = procedure
        .update_warning_days
        .unwrap_or(app::domain::casework::UPDATE_WARNING_DAYS);
    if update_warning_days > 90 {
        return Err(format!(
            "procedure update_warning_days {update_warning_days}: at most 90 (the outcome target is three months)"
        ));
    }
    let no_reply_days = procedure
        .no_reply_days
        .unwrap_or(app::domain::casework::NO_REPLY_DAYS);
    if !(1..=90).contains(&no_reply_days) {
        return Err(format!(
            "procedure no_reply_days {no_reply_days}: between 1 and 90"
        ));
    }
    Ok((update_warning_days, no_reply_days))
}

/// `[email] notify_callback_token` (or INTAKE_NOTIFY_CALLBACK_TOKEN): long enough that it
/// cannot be guessed, since it is all that stands between the internet and the case flags.
fn callback_token(
    email: Option<&file::EmailFile>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Option<secrecy::SecretString>, String> {
    let token = env("INTAKE_NOTIFY_CALLBACK_TOKEN")
        .or_else(|| email.and_then(|e| e.notify_callback_token.clone()));
    match token {
        Some(t) if t.trim().len() < 32 => Err(
            "email notify_callback_token: at least 32 characters (make one with `openssl rand -hex 32`)"
                .into(),
        ),
        Some(t) => Ok(Some(secrecy::SecretString::from(t.trim().to_string()))),
        None => Ok(None),
    }
}
