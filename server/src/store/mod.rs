//! The case store: a narrow interface that handlers use, with one implementation per
//! database, chosen by the URL's scheme: SQLite embedded by default (`sqlite://…`), PostgreSQL
//! for several instances (`postgres://…`).

pub mod column;
mod dialect;
pub mod evidence;
mod group_commit;
mod new_rows;
pub mod outbox;
pub mod postgres;
mod report_rows;
pub mod retention;
pub mod sessions;
pub mod sqlite;
pub mod staff;

use app::domain::calendar::Deadlines;
use app::domain::complaint::{Channel, Complaint};
use app::domain::letter::{self, Letter, Organisation};
use app::domain::messages::Route;
use app::domain::receipt::Receipt;
use app::domain::reference::Reference;
use app::domain::taxonomy::Team;
use app::domain::triage::Triage;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;
use uuid::Uuid;

/// SPEC "Reporting": the first decision's facts, kept on the case at its first reopening and
/// never overwritten, so a review never moves a past period's figures. `ending_id` is the
/// store's expression for the ending's id (no free text is kept). Right-hand sides read the
/// row as it was, so the test of `first_closed_at` sees the value before this update.
pub(crate) fn keep_first_decision(ending_id: &str) -> String {
    let first = |column: &str, value: &str| {
        format!("first_{column} = CASE WHEN first_closed_at IS NULL THEN {value} ELSE first_{column} END")
    };
    [
        first("outcome_due", "outcome_due"),
        first("revised_due", "revised_due"),
        first("paused_days", "paused_days"),
        first("outcome_sent_at", "outcome_sent_at"),
        first("closed_at", "closed_at"),
        first("outcome_category", "outcome_category"),
        first("ending", ending_id),
    ]
    .join(", ")
}

/// A complaint ready to store: parsed, triaged, with its deadlines. The store adds the
/// reference, which it alone can make unique.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub id: Uuid,
    pub idempotency_key: Uuid,
    /// Fingerprint of the request, so a reused key with a different body is refused.
    pub request_hash: String,
    pub complaint: Complaint,
    pub triage: Triage,
    pub team: Team,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    pub received_on: NaiveDate,
    pub deadlines: Deadlines,
    /// How the written acknowledgement (Appendix B) goes, queued with the case; none when
    /// the person gave no written address at all (staff then acknowledge by hand).
    pub acknowledgement_route: Option<Route>,
    /// Confirmed by email at once (an online complaint, email chosen).
    pub confirm_by_email: bool,
    /// Its team has a mailbox for new-case alerts.
    pub alert_team: bool,
    /// The member of staff who keyed it in, for complaints not made online.
    pub keyed_in_by: Option<String>,
    /// Why staff should check it was sent by a person, if they should.
    pub review: Option<String>,
    /// The MP the person complained through, when staff keyed in the MP's details.
    pub mp: Option<app::domain::casework::MpContact>,
    /// The language it was made in (its letters go out in it).
    pub lang: app::i18n::Lang,
    pub organisation: Arc<Organisation>,
}

impl NewCase {
    pub fn receipt(&self, reference: Reference) -> Receipt {
        Receipt {
            reference,
            kind: self.triage.kind,
            team: self.team.clone(),
            category: self.complaint.category.clone(),
            flags: self.triage.flags,
            channel: self.channel,
            received_at: self.received_at,
            received_on: self.received_on,
            // Acknowledged only once the letter has gone (SPEC "Keeping people informed").
            acknowledged_at: None,
            acknowledge_by: self.deadlines.acknowledge_by,
            outcome_due: self.deadlines.outcome_due,
            evidence_token: None,
        }
    }

    /// The acknowledgement letter (seed 004 Appendix B; for a breach report, its own wording
    /// under 004 §18), queued on receipt when it has a route.
    pub fn acknowledgement(&self, reference: &Reference) -> Option<Letter> {
        let name = self.complaint.complainant.full_name.as_str();
        let words = app::i18n::Words::of(self.lang);
        if self.triage.kind == app::domain::triage::CaseKind::BreachReport {
            return self.acknowledgement_route.map(|_| {
                letter::breach_acknowledgement(
                    &self.organisation,
                    name,
                    reference,
                    self.received_on,
                    &words,
                )
            });
        }
        self.acknowledgement_route.map(|_| {
            letter::acknowledgement(
                &self.organisation,
                self.complaint.complainant.full_name.as_str(),
                reference,
                self.received_on,
                &self.team.name,
                self.deadlines.outcome_due,
                &words,
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Submitted {
    /// Stored now, durably.
    Created(Receipt),
    /// The same request was stored before: here is the original answer.
    Replayed(Receipt),
    /// The idempotency key was used before for a different request: the case then stored.
    KeyReused { earlier: Reference },
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or could not commit; nothing was stored.
    #[error("case store unavailable: {0}")]
    Unavailable(String),
    /// A stored value could not be read back into its type (names the column, never the value).
    #[error("unreadable {0} in the case store")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            // A stored value that does not read as its column's type: name the column only.
            sqlx::Error::ColumnDecode { index, .. } => StoreError::Corrupt(index),
            e => StoreError::Unavailable(e.to_string()),
        }
    }
}

#[async_trait]
pub trait CaseStore: Send + Sync + 'static {
    /// Stores a case with its first events and letters in one transaction, or returns the
    /// earlier answer for the same idempotency key. Returns only once the case is durable.
    async fn submit(&self, case: NewCase) -> Result<Submitted, StoreError>;

    /// Whether the store can be read (for the health check).
    async fn ping(&self) -> Result<(), StoreError>;
    /// For readiness: the case table answers a query, and whether every migration this build
    /// carries has been applied (false: the database is behind the code).
    async fn migrations_current(&self) -> Result<bool, StoreError>;
    /// What the metrics' gauges show: the outbox's waiting messages and open cases by team.
    async fn gauges(&self, today: NaiveDate) -> Result<Gauges, StoreError>;
}

/// The store's figures for the metrics' gauges (counts only: no case is named).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gauges {
    /// By channel (`email`, `post`): messages waiting, and when the oldest was queued.
    pub waiting: Vec<(String, i64, Option<DateTime<Utc>>)>,
    /// By team: cases open, and those past their next deadline (SPEC "Deadlines").
    pub teams: Vec<(String, i64, i64)>,
}

/// The stores of one database: cases from the intake, casework and accounts for staff, and
/// the staff's sessions.
#[derive(Clone)]
pub struct Stores {
    pub cases: Arc<dyn CaseStore>,
    pub staff: Arc<dyn staff::StaffStore>,
    pub outbox: Arc<dyn outbox::OutboxStore>,
    pub retention: Arc<dyn retention::RetentionStore>,
    pub evidence: Arc<dyn evidence::EvidenceStore>,
    pub sessions: sessions::Sessions,
}

/// Opens the store a database URL names, creating and migrating it as needed.
pub async fn open(database_url: &str) -> Result<Stores, String> {
    let prepared = |e: sqlx::Error| format!("cannot prepare the session table: {e}");
    if database_url.starts_with("sqlite:") {
        let store = Arc::new(sqlite::SqliteStore::open(database_url).await?);
        let sessions = tower_sessions_sqlx_store::SqliteStore::new(store.session_pool());
        sessions.migrate().await.map_err(prepared)?;
        Ok(Stores {
            cases: store.clone(),
            staff: store.clone(),
            outbox: store.clone(),
            evidence: store.clone(),
            retention: store,
            sessions: sessions::Sessions::Sqlite(sessions),
        })
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        let store = Arc::new(postgres::PgStore::open(database_url).await?);
        let sessions = tower_sessions_sqlx_store::PostgresStore::new(store.pool());
        sessions.migrate().await.map_err(prepared)?;
        Ok(Stores {
            cases: store.clone(),
            staff: store.clone(),
            outbox: store.clone(),
            evidence: store.clone(),
            retention: store,
            sessions: sessions::Sessions::Postgres(sessions),
        })
    } else {
        Err(format!(
            "unsupported database URL scheme in '{}': use sqlite://path/to/file.db or \
             postgres://user@host/database",
            database_url.split(':').next().unwrap_or("")
        ))
    }
}
