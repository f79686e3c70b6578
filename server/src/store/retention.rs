//! What retention, legal holds, restriction and subject access need from the store. The
//! rules (which case, when) are the domain's (`app::domain::retention`); the store carries
//! each step out in one transaction with its history and audit entries.

use super::staff::{Applied, CaseEvent, CaseNote, StoredLetter};
use super::StoreError;
use app::domain::reference::Reference;
use app::domain::retention::{CaseDates, PersonalSummary, RetentionPolicy};
use app::domain::subject_access::SubjectKey;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The server's own hourly run.
    Schedule,
    /// `server retention run`.
    Command,
    /// The DPO's "Run now" button.
    Staff,
}

impl Trigger {
    pub fn id(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Command => "command",
            Trigger::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Trigger> {
        [Trigger::Schedule, Trigger::Command, Trigger::Staff]
            .into_iter()
            .find(|t| t.id() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Trigger::Schedule => "Hourly",
            Trigger::Command => "Command line",
            Trigger::Staff => "Run by the DPO",
        }
    }
}

/// An action's description once its case file is reduced without a kept summary (the
/// action's dates stay for the reports and the follow-up list).
pub const REDUCED_ACTION: &str = "(description removed when the case file was reduced)";

/// What an officer's name becomes in the records and letters kept after 12 months
/// (SPEC "Retention", seed 001); the case itself still names the team.
pub const OFFICER_REMOVED: &str = "(officer's name removed)";

/// For each officer's name: (as written in a letter, its replacement) and (as a JSON string
/// in a stored record, its replacement), so a name is replaced only as a whole JSON value.
pub type Replacement = ((String, String), (String, String));

pub fn officer_replacements(owners: &[String]) -> Result<Vec<Replacement>, StoreError> {
    let quoted =
        |s: &str| serde_json::to_string(s).map_err(|_| StoreError::Corrupt("owner".into()));
    owners
        .iter()
        .map(|o| {
            Ok((
                (o.clone(), OFFICER_REMOVED.to_string()),
                (quoted(o)?, quoted(OFFICER_REMOVED)?),
            ))
        })
        .collect()
}

/// What one run did, by rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub cases_reduced: u64,
    pub officers_removed: u64,
    pub notes_deleted: u64,
    pub letters_deleted: u64,
    pub messages_deleted: u64,
    pub idempotency_deleted: u64,
    pub sessions_deleted: u64,
    pub audit_deleted: u64,
    pub held_skipped: u64,
}

impl RunCounts {
    pub fn add(&mut self, other: &RunCounts) {
        self.cases_reduced += other.cases_reduced;
        self.officers_removed += other.officers_removed;
        self.notes_deleted += other.notes_deleted;
        self.letters_deleted += other.letters_deleted;
        self.messages_deleted += other.messages_deleted;
        self.idempotency_deleted += other.idempotency_deleted;
        self.sessions_deleted += other.sessions_deleted;
        self.audit_deleted += other.audit_deleted;
        self.held_skipped += other.held_skipped;
    }

    /// Whether personal data left the file (the space is then reclaimed).
    pub fn deleted_personal_data(&self) -> bool {
        self.cases_reduced + self.officers_removed + self.notes_deleted + self.letters_deleted > 0
    }
}

#[derive(Debug, Clone)]
pub struct RunRecord {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub instance: String,
    pub trigger: Trigger,
    pub as_of: DateTime<Utc>,
    pub counts: RunCounts,
    pub error: Option<String>,
}

/// A case retention will act on some day, or is holding back.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub reference: Reference,
    pub dates: CaseDates,
}

#[derive(Debug, Clone)]
pub struct Hold {
    pub reference: Reference,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// What is left of a case reduced to its summary.
#[derive(Debug, Clone)]
pub struct CaseSummary {
    pub reference: Reference,
    pub kind: app::domain::triage::CaseKind,
    pub category: String,
    pub team: String,
    pub channel: app::domain::complaint::Channel,
    pub status: app::domain::casework::Status,
    pub received_on: NaiveDate,
    pub acknowledge_by: NaiveDate,
    pub outcome_due: NaiveDate,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub outcome_sent_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub outcome_category: Option<String>,
    pub reduced_at: DateTime<Utc>,
    /// "retention", or the DPO who erased it early.
    pub reduced_by: String,
    pub personal: Option<PersonalSummary>,
    /// The outcome letter, kept as the final report when the policy keeps the summary.
    pub letters: Vec<StoredLetter>,
    pub events: Vec<CaseEvent>,
}

/// A case where the person appears.
#[derive(Debug, Clone)]
pub struct SubjectCase {
    pub reference: Reference,
    /// The person made the complaint (or is its summary's name): the whole case is theirs.
    /// Otherwise they are only mentioned, and only the records that mention them are theirs.
    pub complainant: bool,
    pub received_on: NaiveDate,
    pub status: app::domain::casework::Status,
    /// The complaint as stored (JSON), for the complainant's own cases not yet reduced.
    pub complaint: Option<serde_json::Value>,
    pub summary: Option<PersonalSummary>,
    pub notes: Vec<CaseNote>,
    pub letters: Vec<StoredLetter>,
    pub events: Vec<CaseEvent>,
    /// What was left out because it is another person's (`for_the_person`).
    pub withheld: Vec<&'static str>,
}

impl SubjectCase {
    /// Only what is the searched person's own (`app::domain::retention::their_own`): in a
    /// case they were complained for or written about by an MP, the complainant's details and
    /// the letters addressed to the complainant are withheld; in their own complaint, the
    /// details of the person they complained for.
    pub fn for_the_person(mut self, key: &SubjectKey) -> SubjectCase {
        let Some(complaint) = self.complaint.as_mut().filter(|_| self.complainant) else {
            return self;
        };
        let name = match key {
            SubjectKey::Name(n) => Some(n.as_str()),
            _ => None,
        };
        let (whose, withheld) = app::domain::retention::their_own(name, complaint);
        self.withheld = withheld;
        if whose != app::domain::retention::Whose::Complainant && !self.letters.is_empty() {
            self.letters.clear();
            self.withheld
                .push("the letters to the complainant: addressed to another person");
        }
        self
    }

    /// Someone else's case whose records mention the person (`words`, any case): only the
    /// notes, letters and history entries that do.
    pub fn mentioning(
        reference: Reference,
        received_on: NaiveDate,
        status: app::domain::casework::Status,
        words: &str,
        notes: Vec<CaseNote>,
        letters: Vec<StoredLetter>,
        events: Vec<CaseEvent>,
    ) -> SubjectCase {
        let words = words.to_lowercase();
        let mentions = |text: &str| text.to_lowercase().contains(&words);
        SubjectCase {
            reference,
            complainant: false,
            received_on,
            status,
            complaint: None,
            summary: None,
            notes: notes.into_iter().filter(|n| mentions(&n.body)).collect(),
            letters: letters
                .into_iter()
                .filter(|l| mentions(&l.letter.body))
                .collect(),
            events: events
                .into_iter()
                .filter(|e| e.detail.as_deref().is_some_and(mentions))
                .collect(),
            withheld: Vec::new(),
        }
    }
}

/// The most cases one search returns (a name like "Smith" must not dump the register).
pub const SUBJECT_LIMIT: i64 = 100;

#[async_trait]
pub trait RetentionStore: Send + Sync + 'static {
    /// Claims the right to run: the lease (one run at a time) and, for a scheduled run, its
    /// slot (one run a slot across instances). `None` when another run holds either.
    async fn begin_run(
        &self,
        trigger: Trigger,
        slot: Option<&str>,
        instance: &str,
        now: DateTime<Utc>,
        as_of: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError>;
    async fn finish_run(
        &self,
        id: i64,
        instance: &str,
        counts: &RunCounts,
        error: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn runs(&self, limit: i64) -> Result<Vec<RunRecord>, StoreError>;

    /// Cases that are decided or closed and not yet fully dealt with, and every held case.
    async fn candidates(&self) -> Result<Vec<Candidate>, StoreError>;
    /// Reduces the case to its summary under `policy` (erasure passes a policy that keeps
    /// no personal summary). Skips a held or already reduced case (zero counts).
    async fn reduce(
        &self,
        reference: &Reference,
        policy: &RetentionPolicy,
        by: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<RunCounts, StoreError>;
    /// The keys of every message about the case (what a reduction deletes, so the copies a
    /// transport wrote can go with them).
    async fn message_keys(&self, reference: &Reference) -> Result<Vec<String>, StoreError>;
    async fn remove_officers(
        &self,
        reference: &Reference,
        now: DateTime<Utc>,
    ) -> Result<RunCounts, StoreError>;
    async fn delete_expired(
        &self,
        policy: &RetentionPolicy,
        now: DateTime<Utc>,
    ) -> Result<RunCounts, StoreError>;
    /// Makes deleted data unreadable in the files (rewrites the database, empties the log).
    async fn compact(&self) -> Result<(), StoreError>;

    async fn summary(&self, reference: &Reference) -> Result<Option<CaseSummary>, StoreError>;

    async fn hold(
        &self,
        reference: &Reference,
        reason: &str,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    async fn release(&self, reference: &Reference, actor: &str) -> Result<Applied, StoreError>;
    async fn holds(&self) -> Result<Vec<Hold>, StoreError>;
    async fn restrict(
        &self,
        reference: &Reference,
        reason: Option<&str>,
        actor: &str,
    ) -> Result<Applied, StoreError>;

    async fn subject_search(&self, key: &SubjectKey) -> Result<Vec<SubjectCase>, StoreError>;
}
