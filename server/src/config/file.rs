//! The configuration file as an operator writes it (TOML): every key optional, unknown keys
//! refused. `Config::load` (in `mod.rs`) resolves these over the defaults into `settings`.

use app::domain::letter::Organisation;
use app::domain::taxonomy::{Category, Team};
use serde::Deserialize;
use std::collections::BTreeMap;

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
    pub embed: Option<EmbedFile>,
    pub branding: Option<BrandingFile>,
    /// This service's own address as people reach it, like "https://complaints.example.gov.uk"
    /// (links in staff emails).
    pub public_url: Option<String>,
    pub email: Option<EmailFile>,
    pub outbox: Option<OutboxFile>,
    /// Team id = the team's shared mailbox, for new-case alerts and the daily digest.
    pub team_mailboxes: Option<BTreeMap<String, String>>,
    /// Addresses of the reverse proxies in front of this service, whose X-Forwarded-For is
    /// believed (see `client`).
    pub trusted_proxies: Option<Vec<String>>,
    pub limits: Option<LimitsFile>,
    pub connections: Option<ConnectionsFile>,
    /// Strict-Transport-Security; default: on when `public_url` is https.
    pub hsts: Option<bool>,
    pub retention: Option<RetentionFile>,
    /// The reasons a complaint may be closed without an investigation (replaces the list).
    pub not_investigated_reasons: Option<Vec<String>>,
    pub access: Option<AccessFile>,
    pub accessibility: Option<AccessibilityFile>,
    pub procedure: Option<ProcedureFile>,
    pub sign_in: Option<super::sign_in::SignInFile>,
    pub evidence: Option<EvidenceFile>,
    pub metrics: Option<MetricsFile>,
    pub oidc: Option<super::sign_in::OidcFile>,
}

/// `[procedure]`: how the council runs the procedure where seed 004 leaves it a choice.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureFile {
    /// Days before the date the complainant was given that "Update due" shows (SPEC "Keeping
    /// people informed"; default 14).
    pub update_warning_days: Option<u32>,
    /// Days without a reply to a request for more information before the case may be ended
    /// "no reply" (seed 004 §24; default 28).
    pub no_reply_days: Option<u32>,
}

/// `[accessibility]`: the accessibility statement's dates (the council reviews it yearly).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessibilityFile {
    pub prepared_on: Option<TomlDate>,
    pub reviewed_on: Option<TomlDate>,
}

/// A day, written as a TOML date (`2026-09-01`) or as text (`"2026-09-01"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum TomlDate {
    Literal(toml::value::Datetime),
    Text(String),
}

impl TomlDate {
    pub(super) fn day(&self, key: &str) -> Result<chrono::NaiveDate, String> {
        let text = match self {
            TomlDate::Literal(d) => d.to_string(),
            TomlDate::Text(t) => t.clone(),
        };
        chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| format!("accessibility {key} '{text}': give a date like 2026-09-01"))
    }
}

/// `[access]`: who sees which cases.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessFile {
    /// "all" (default) or "own_team".
    pub handlers_see: Option<String>,
}

/// `[retention]`: how long personal data is kept (defaults from SPEC.md "Retention").
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionFile {
    pub case_file_months: Option<u32>,
    pub officer_contact_months: Option<u32>,
    pub idempotency_days: Option<u32>,
    pub audit_years: Option<u32>,
    pub keep_personal_summary: Option<bool>,
    /// Minutes between retention runs (default 60).
    pub run_every_minutes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsFile {
    pub client_burst: Option<u32>,
    pub client_every_seconds: Option<u64>,
    pub overall_burst: Option<u32>,
    pub overall_every_ms: Option<u64>,
    pub sign_in_burst: Option<u32>,
    pub sign_in_every_seconds: Option<u64>,
    pub min_fill_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionsFile {
    pub header_read_seconds: Option<u64>,
    pub body_read_seconds: Option<u64>,
    pub idle_seconds: Option<u64>,
    pub max_connections: Option<usize>,
    pub max_per_client: Option<usize>,
}

/// How email leaves: `provider` is "notify", "smtp" or "files" (the default).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailFile {
    pub provider: Option<String>,
    pub notify: Option<NotifyFile>,
    pub smtp: Option<SmtpFile>,
    /// Where the file transport writes `.eml` files (default `data/outbox`).
    pub files_dir: Option<String>,
    /// The bearer token GOV.UK Notify sends with its delivery reports (set the same in
    /// Notify's callback settings); better in the environment: INTAKE_NOTIFY_CALLBACK_TOKEN.
    pub notify_callback_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyFile {
    /// Better in the environment: INTAKE_NOTIFY_API_KEY.
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    /// Message kind (confirmation, acknowledgement, outcome, team_alert, digest) = template id.
    #[serde(default)]
    pub templates: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpFile {
    pub host: Option<String>,
    pub port: Option<u16>,
    /// "starttls" (the default), "tls", or "none" (a relay on this machine only).
    pub security: Option<String>,
    pub username: Option<String>,
    /// Better in the environment: INTAKE_SMTP_PASSWORD.
    pub password: Option<String>,
    /// The sender, like "Data Protection <dpo@example.gov.uk>".
    pub from: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxFile {
    pub poll_ms: Option<u64>,
    pub retry_base_seconds: Option<i64>,
    /// How long a claim on a message lasts (longer than the slowest send; default 120).
    pub lease_seconds: Option<i64>,
    /// "08:00": when the daily digest goes, UK time.
    pub digest_at: Option<String>,
}

/// Where the widget may be shown in a frame.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbedFile {
    /// Origins of the council's own pages, like "https://www.example.gov.uk".
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

/// The council's look.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandingFile {
    /// "#rrggbb"; darkened if it would not reach WCAG AA contrast on white.
    pub colour: Option<String>,
    /// An https URL, or a path on this server (a file in `public/`).
    pub logo_url: Option<String>,
    pub font_stack: Option<String>,
}

/// `[evidence]`: files attached to cases.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceFile {
    /// Largest file taken, in bytes (default 10 MiB).
    pub max_file_bytes: Option<u64>,
    /// Files a complainant may send to one case (default 10).
    pub max_files_public: Option<u32>,
    /// ClamAV's clamd: "unix:/run/clamav/clamd.ctl" or "tcp:host:port". Unset: not scanned.
    pub clamd: Option<String>,
    /// Seconds between tries at the files that waited for the scanner (default 60).
    pub rescan_seconds: Option<u64>,
}

/// `[metrics]`: Prometheus metrics on an address of their own.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsFile {
    /// Like "127.0.0.1:9464"; unset: no metrics.
    pub listen_addr: Option<String>,
}
