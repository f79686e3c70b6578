//! The settings each part of the service reads, resolved from the file, the environment and
//! the defaults. They live here, with the configuration, so that the parts that use them
//! (the outbox, the limits, the staff pages) depend on the configuration and never the other
//! way round.

use super::file::*;
use app::domain::brand::{parse_font_stack, parse_origin, Colour};
use app::domain::retention::RetentionPolicy;
use chrono::NaiveTime;
use secrecy::SecretString;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The accessibility statement's dates.
#[derive(Debug, Clone)]
pub struct AccessibilityDates {
    pub prepared_on: chrono::NaiveDate,
    pub reviewed_on: chrono::NaiveDate,
}

/// Which cases handlers (and intake staff) see: all, or their own team's only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HandlersSee {
    #[default]
    All,
    OwnTeam,
}

/// The retention rules and how often they run.
#[derive(Debug, Clone)]
pub struct Retention {
    pub policy: RetentionPolicy,
    pub every: std::time::Duration,
}

/// How long a connection may take, and how many there may be (slow and idle clients).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connections {
    /// Until a request's headers have all arrived (also how long an idle keep-alive
    /// connection may wait for its next request).
    pub header_read: std::time::Duration,
    /// Until its body has all arrived.
    pub body_read: std::time::Duration,
    /// An open connection with nothing happening on it (HTTP/1 and HTTP/2 alike).
    pub idle: std::time::Duration,
    pub max_connections: usize,
    /// Connections one client (`ClientIp::bucket` of the peer) may hold at once, so that one
    /// client cannot take them all. The trusted proxies are exempt (they carry everyone's);
    /// behind one, the proxy must limit per client itself (README, "Running it").
    pub max_per_client: usize,
}

impl Default for Connections {
    fn default() -> Self {
        Connections {
            header_read: std::time::Duration::from_secs(10),
            body_read: std::time::Duration::from_secs(30),
            idle: std::time::Duration::from_secs(30),
            max_connections: 1024,
            // A browser opens at most six to a site; a household or an office's few people,
            // each with a tab or two, stay well under this.
            max_per_client: 32,
        }
    }
}

/// How email leaves, checked. Secrets are held so that they never print.
#[derive(Debug, Clone)]
pub enum EmailConfig {
    /// Written as files on this machine: nothing is sent.
    Files {
        dir: PathBuf,
    },
    Smtp(SmtpConfig),
    Notify(NotifyConfig),
}

#[derive(Debug, Clone)]
pub struct NotifyConfig {
    pub api_key: SecretString,
    pub base_url: String,
    pub templates: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    Starttls,
    Tls,
    None,
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: Option<u16>,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub from: String,
}

pub const NOTIFY_BASE_URL: &str = "https://api.notifications.service.gov.uk";

pub(super) fn email_config(
    file: Option<EmailFile>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<EmailConfig, String> {
    let file = file.unwrap_or_default();
    let provider = env("INTAKE_EMAIL_PROVIDER")
        .or(file.provider)
        .unwrap_or_else(|| "files".into());
    match provider.as_str() {
        "files" => Ok(EmailConfig::Files {
            dir: file
                .files_dir
                .unwrap_or_else(|| "data/outbox".into())
                .into(),
        }),
        "notify" => {
            let n = file.notify.unwrap_or_default();
            let api_key = env("INTAKE_NOTIFY_API_KEY")
                .or(n.api_key)
                .ok_or("email provider notify needs an API key: set INTAKE_NOTIFY_API_KEY")?;
            split_key(&api_key)?;
            for kind in n.templates.keys() {
                if app::domain::messages::MessageKind::parse(kind).is_none() {
                    return Err(format!(
                        "email notify templates: unknown message kind '{kind}'"
                    ));
                }
            }
            Ok(EmailConfig::Notify(NotifyConfig {
                api_key: SecretString::from(api_key),
                base_url: env("INTAKE_NOTIFY_BASE_URL")
                    .or(n.base_url)
                    .unwrap_or_else(|| NOTIFY_BASE_URL.into()),
                templates: n.templates,
            }))
        }
        "smtp" => {
            let m = file.smtp.unwrap_or_default();
            let security = match m.security.as_deref().unwrap_or("starttls") {
                "starttls" => SmtpSecurity::Starttls,
                "tls" => SmtpSecurity::Tls,
                "none" => SmtpSecurity::None,
                other => {
                    return Err(format!(
                        "email smtp security '{other}': use starttls, tls or none"
                    ))
                }
            };
            Ok(EmailConfig::Smtp(SmtpConfig {
                host: env("INTAKE_SMTP_HOST")
                    .or(m.host)
                    .ok_or("email provider smtp needs a host")?,
                port: m.port,
                security,
                username: env("INTAKE_SMTP_USERNAME").or(m.username),
                password: env("INTAKE_SMTP_PASSWORD")
                    .or(m.password)
                    .map(SecretString::from),
                from: m.from.ok_or("email provider smtp needs a from address")?,
            }))
        }
        other => Err(format!(
            "email provider '{other}': use notify, smtp or files"
        )),
    }
}

/// The council's look, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Branding {
    /// The colour used: the configured one, or its nearest readable shade.
    pub colour: Colour,
    /// The configured colour, when it had to be darkened.
    pub corrected_from: Option<Colour>,
    pub logo_url: Option<String>,
    pub font_stack: Option<String>,
}

impl Default for Branding {
    fn default() -> Self {
        Branding {
            colour: Colour {
                r: 0x1d,
                g: 0x70,
                b: 0xb8,
            },
            corrected_from: None,
            logo_url: None,
            font_stack: None,
        }
    }
}

impl Branding {
    /// The custom properties the stylesheet is written against.
    pub fn css(&self) -> String {
        let mut css = format!(":root{{--brand:{}", self.colour);
        if let Some(f) = &self.font_stack {
            css.push_str(&format!(";--font:{f}"));
        }
        css.push('}');
        css
    }

    /// Where the logo comes from, for the pages' Content-Security-Policy.
    pub fn logo_origin(&self) -> Option<String> {
        let url = self.logo_url.as_deref()?;
        let rest = url.strip_prefix("https://")?;
        let host = rest.split('/').next()?;
        parse_origin(&format!("https://{host}")).ok()
    }
}

pub(super) fn parse_logo_url(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let safe = raw
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&*+,;=%".contains(c));
    let shaped = raw.starts_with("https://") || (raw.starts_with('/') && !raw.starts_with("//"));
    if safe && shaped {
        Ok(raw.to_string())
    } else {
        Err(format!(
            "logo_url '{raw}' must be an https:// address or a path on this server like /logo.svg"
        ))
    }
}

/// How the worker runs (configuration, with defaults for a real service).
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How often it looks for due messages.
    pub poll: Duration,
    /// The first retry's delay; each later one doubles.
    pub retry_base: chrono::Duration,
    /// How long a claim lasts before another instance may take the message.
    pub lease: chrono::Duration,
    /// When each team's daily digest goes, UK time.
    pub digest_at: NaiveTime,
    /// This service's address, for links in staff emails.
    pub public_url: String,
    /// Team id → mailbox for alerts and digests.
    pub team_mailboxes: BTreeMap<String, String>,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            poll: Duration::from_secs(5),
            retry_base: chrono::Duration::minutes(1),
            lease: chrono::Duration::minutes(2),
            digest_at: NaiveTime::from_hms_opt(8, 0, 0).expect("a valid time"),
            public_url: "http://127.0.0.1:3000".into(),
            team_mailboxes: BTreeMap::new(),
        }
    }
}

/// The limits, from configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// Complaints one client may send in a burst, and then one every `client_every`.
    pub client_burst: u32,
    pub client_every: Duration,
    /// All clients together: a burst, then one every `overall_every`.
    pub overall_burst: u32,
    pub overall_every: Duration,
    /// Sign-in attempts one client may make in a burst, then one every `sign_in_every`.
    pub sign_in_burst: u32,
    pub sign_in_every: Duration,
    /// A complaint sent sooner than this after its first page is marked for staff to check.
    pub min_fill: Duration,
}

impl Default for LimitSettings {
    /// Generous for people (a family in one household, a library's shared connection), far
    /// below what a script sends: 20 complaints at once from one address, then one a minute;
    /// 1,000 at once overall, then 50 a second; 10 sign-ins at once, then one every 6 seconds.
    fn default() -> Self {
        LimitSettings {
            client_burst: 20,
            client_every: Duration::from_secs(60),
            overall_burst: 1000,
            overall_every: Duration::from_millis(20),
            sign_in_burst: 10,
            sign_in_every: Duration::from_secs(6),
            min_fill: Duration::from_secs(10),
        }
    }
}

/// Splits a Notify API key, `{key name}-{service id}-{secret}`, whose last two parts are
/// UUIDs (36 characters each).
pub fn split_key(key: &str) -> Result<(String, SecretString), String> {
    let key = key.trim();
    let bad =
        || "the GOV.UK Notify API key is not in Notify's form (name-serviceid-secret)".to_string();
    if key.len() < 74 || !key.is_char_boundary(key.len() - 73) {
        return Err(bad());
    }
    let secret = &key[key.len() - 36..];
    let service = &key[key.len() - 73..key.len() - 37];
    if uuid::Uuid::parse_str(secret).is_err() || uuid::Uuid::parse_str(service).is_err() {
        return Err(bad());
    }
    Ok((service.to_string(), SecretString::from(secret.to_string())))
}

/// When this release's statement was written (and the form last tested against it).
const STATEMENT_PREPARED: (i32, u32, u32) = (2026, 11, 26);

/// A setting from the environment, else the file, else the default, for each part.
type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

impl Branding {
    pub(super) fn resolve(b: BrandingFile, env: Env) -> Result<Branding, String> {
        let mut branding = Branding::default();
        if let Some(c) = env("INTAKE_BRAND_COLOUR").or(b.colour) {
            let given = Colour::parse(&c).map_err(|e| format!("branding colour: {e}"))?;
            branding.colour = given.readable_on_white();
            branding.corrected_from = (branding.colour != given).then_some(given);
        }
        if let Some(l) = env("INTAKE_BRAND_LOGO_URL").or(b.logo_url) {
            branding.logo_url = Some(parse_logo_url(&l)?);
        }
        if let Some(f) = env("INTAKE_BRAND_FONT_STACK").or(b.font_stack) {
            branding.font_stack =
                Some(parse_font_stack(&f).map_err(|e| format!("branding font_stack: {e}"))?);
        }
        Ok(branding)
    }
}

impl WorkerSettings {
    pub(super) fn resolve(
        public_url: Option<String>,
        o: OutboxFile,
        team_mailboxes: BTreeMap<String, String>,
        taxonomy: &app::domain::taxonomy::Taxonomy,
        listen_addr: std::net::SocketAddr,
    ) -> Result<WorkerSettings, String> {
        let mut outbox = WorkerSettings::default();
        if let Some(url) = public_url {
            let ok = url.starts_with("https://") || url.starts_with("http://");
            if !ok || url.contains(char::is_whitespace) {
                return Err(format!("public_url '{url}' must be an http(s) address"));
            }
            outbox.public_url = url.trim_end_matches('/').to_string();
        } else {
            outbox.public_url = format!("http://{listen_addr}");
        }
        if let Some(ms) = o.poll_ms {
            outbox.poll = std::time::Duration::from_millis(ms.max(10));
        }
        if let Some(s) = o.retry_base_seconds {
            outbox.retry_base = chrono::Duration::seconds(s.max(1));
        }
        if let Some(s) = o.lease_seconds {
            outbox.lease = chrono::Duration::seconds(s.max(1));
        }
        if let Some(t) = o.digest_at {
            outbox.digest_at = chrono::NaiveTime::parse_from_str(&t, "%H:%M")
                .map_err(|_| format!("outbox digest_at '{t}' is not a time like 08:00"))?;
        }
        for (team, mailbox) in team_mailboxes {
            if taxonomy.team(&team).is_none() {
                return Err(format!("team_mailboxes: unknown team '{team}'"));
            }
            outbox.team_mailboxes.insert(team, mailbox);
        }
        Ok(outbox)
    }
}

impl LimitSettings {
    pub(super) fn resolve(file: Option<LimitsFile>, env: Env) -> Result<LimitSettings, String> {
        let mut limits = LimitSettings::default();
        if let Some(l) = file {
            let secs = std::time::Duration::from_secs;
            let ms = std::time::Duration::from_millis;
            limits.client_burst = l.client_burst.unwrap_or(limits.client_burst);
            limits.client_every = l
                .client_every_seconds
                .map(secs)
                .unwrap_or(limits.client_every);
            limits.overall_burst = l.overall_burst.unwrap_or(limits.overall_burst);
            limits.overall_every = l.overall_every_ms.map(ms).unwrap_or(limits.overall_every);
            limits.sign_in_burst = l.sign_in_burst.unwrap_or(limits.sign_in_burst);
            limits.sign_in_every = l
                .sign_in_every_seconds
                .map(secs)
                .unwrap_or(limits.sign_in_every);
            limits.min_fill = l.min_fill_seconds.map(secs).unwrap_or(limits.min_fill);
        }
        // Bursts from the environment too (load tests and browser tests send many from one
        // address; a service in front of a proxy may want other numbers).
        let burst = |name: &str, current: u32| -> Result<u32, String> {
            match env(name) {
                Some(v) => v
                    .parse()
                    .map_err(|_| format!("{name} '{v}' is not a number")),
                None => Ok(current),
            }
        };
        limits.client_burst = burst("INTAKE_LIMIT_CLIENT_BURST", limits.client_burst)?;
        limits.overall_burst = burst("INTAKE_LIMIT_OVERALL_BURST", limits.overall_burst)?;
        limits.sign_in_burst = burst("INTAKE_LIMIT_SIGN_IN_BURST", limits.sign_in_burst)?;
        Ok(limits)
    }
}

impl Connections {
    pub(super) fn resolve(file: Option<ConnectionsFile>, env: Env) -> Result<Connections, String> {
        let mut connections = Connections::default();
        if let Some(c) = file {
            let secs = |v: Option<u64>, d| {
                v.map(|s| std::time::Duration::from_secs(s.max(1)))
                    .unwrap_or(d)
            };
            connections.header_read = secs(c.header_read_seconds, connections.header_read);
            connections.body_read = secs(c.body_read_seconds, connections.body_read);
            connections.idle = secs(c.idle_seconds, connections.idle);
            connections.max_connections = c
                .max_connections
                .unwrap_or(connections.max_connections)
                .max(1);
            connections.max_per_client = c
                .max_per_client
                .unwrap_or(connections.max_per_client)
                .max(1);
        }
        if let Some(v) = env("INTAKE_MAX_CONNECTIONS_PER_CLIENT") {
            connections.max_per_client = v
                .parse::<usize>()
                .map_err(|_| format!("INTAKE_MAX_CONNECTIONS_PER_CLIENT '{v}' is not a number"))?
                .max(1);
        }
        Ok(connections)
    }
}

impl AccessibilityDates {
    pub(super) fn resolve(statement: AccessibilityFile) -> Result<AccessibilityDates, String> {
        let prepared = {
            let (y, m, d) = STATEMENT_PREPARED;
            chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
        };
        let prepared_on = match &statement.prepared_on {
            Some(d) => d.day("prepared_on")?,
            None => prepared,
        };
        let reviewed_on = match &statement.reviewed_on {
            Some(d) => d.day("reviewed_on")?,
            None => prepared_on,
        };
        if reviewed_on < prepared_on {
            return Err("accessibility reviewed_on is before prepared_on".into());
        }
        let accessibility = AccessibilityDates {
            prepared_on,
            reviewed_on,
        };
        Ok(accessibility)
    }
}

/// Where ClamAV's `clamd` listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clamd {
    Unix(PathBuf),
    Tcp(String),
}

/// `[evidence]`, checked.
#[derive(Debug, Clone)]
pub struct EvidenceSettings {
    pub limits: app::domain::evidence::EvidenceLimits,
    /// None: files are stored unscanned (and the README and case page say so).
    pub clamd: Option<Clamd>,
    /// How often files that waited for the scanner are tried again.
    pub rescan_every: std::time::Duration,
}

impl EvidenceSettings {
    pub(super) fn resolve(
        file: Option<EvidenceFile>,
        env: &impl Fn(&str) -> Option<String>,
    ) -> Result<EvidenceSettings, String> {
        let file = file.unwrap_or_default();
        let d = app::domain::evidence::EvidenceLimits::default();
        let limits = app::domain::evidence::EvidenceLimits {
            max_file_bytes: file.max_file_bytes.unwrap_or(d.max_file_bytes),
            max_files_public: file.max_files_public.unwrap_or(d.max_files_public),
        };
        if !(1024..=100 * 1024 * 1024).contains(&limits.max_file_bytes) {
            return Err("evidence max_file_bytes: between 1024 and 104857600".into());
        }
        if limits.max_files_public > 100 {
            return Err("evidence max_files_public: at most 100".into());
        }
        let clamd = match env("INTAKE_CLAMD").or(file.clamd) {
            None => None,
            Some(v) if v.starts_with("unix:") => Some(Clamd::Unix(PathBuf::from(&v[5..]))),
            Some(v) if v.starts_with("tcp:") => Some(Clamd::Tcp(v[4..].to_string())),
            Some(v) => {
                return Err(format!(
                    "evidence clamd '{v}': write unix:/path/to/clamd.ctl or tcp:host:port"
                ))
            }
        };
        let rescan_every = std::time::Duration::from_secs(file.rescan_seconds.unwrap_or(60).max(1));
        Ok(EvidenceSettings {
            limits,
            clamd,
            rescan_every,
        })
    }
}
