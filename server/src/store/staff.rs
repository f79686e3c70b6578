//! What the staff pages need from the store: accounts, the register, case files, casework
//! changes and the audit trail. Each change is one transaction that also writes its case event
//! and its audit entry, so the history cannot miss a change.

pub use super::case_file::*;
use super::StoreError;
use app::domain::casework::{
    Closure, Correction, EndingRecord, LockoutPolicy, MpContact, NoteKind, Outcome, ProgressUpdate,
    RegisterQuery, Role, Status,
};
use app::domain::letter::Letter;
use app::domain::messages::Route;
use app::domain::reference::Reference;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone)]
pub struct StaffAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub failed_attempts: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled: bool,
    /// The team they work in, if one is set.
    pub team: Option<String>,
    /// Sessions signed in at an earlier epoch have ended (see `AccountChange`).
    pub session_epoch: i64,
}

/// A change to an account made by the DPO or on the command line. Each one ends every
/// session the account has open: a leaver, a stolen password or a narrower role takes
/// effect now, not at the next sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Disable,
    Enable,
    Role(Role),
    EndSessions,
}

impl AccountChange {
    /// The audit trail's words.
    pub fn action(self) -> &'static str {
        match self {
            AccountChange::Disable => "disabled an account",
            AccountChange::Enable => "enabled an account",
            AccountChange::Role(_) => "changed a role",
            AccountChange::EndSessions => "ended an account's sessions",
        }
    }

    /// What the store sets: disabled (if it changes) and role (if it changes).
    pub fn columns(self) -> (Option<bool>, Option<&'static str>) {
        match self {
            AccountChange::Disable => (Some(true), None),
            AccountChange::Enable => (Some(false), None),
            AccountChange::Role(r) => (None, Some(r.id())),
            AccountChange::EndSessions => (None, None),
        }
    }
}

/// Working a triage flag: what is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagWork {
    IdentityVerified { on: NaiveDate, how: String },
    ClarificationAsked { on: NaiveDate },
    ClarificationReceived { on: NaiveDate },
    HandoverMade { on: NaiveDate },
}

impl FlagWork {
    /// What the store records: the column of the day, the day, how (identity only), and the
    /// words for the history.
    pub fn record(&self) -> (&'static str, NaiveDate, Option<&str>, &'static str) {
        match self {
            FlagWork::IdentityVerified { on, how } => (
                "identity_verified_on",
                *on,
                Some(how.as_str()),
                "identity verified",
            ),
            FlagWork::ClarificationAsked { on } => (
                "clarification_asked_on",
                *on,
                None,
                "clarification asked for",
            ),
            FlagWork::ClarificationReceived { on } => (
                "clarification_received_on",
                *on,
                None,
                "clarification received",
            ),
            FlagWork::HandoverMade { on } => (
                "handover_made_on",
                *on,
                None,
                "handed to corporate complaints",
            ),
        }
    }

    /// The history's detail: the day only. How identity was checked is typed about the
    /// person, so it stays in the case file, which retention reduces (SPEC "Retention").
    pub fn history(&self) -> String {
        self.record().1.to_string()
    }
}

/// What the audit trail says of a recommendation: its report and date, not its words.
pub(super) fn recommendation_detail(
    period: app::domain::reporting::Period,
    due_on: NaiveDate,
) -> String {
    format!("report {} to {}; due {due_on}", period.from, period.to)
}

/// What the history and the audit trail say of a reclassification (never its reason).
pub(super) fn reclassified_detail(
    from: app::domain::triage::CaseKind,
    to: app::domain::triage::CaseKind,
) -> String {
    format!(
        "{} to {}",
        from.label().to_lowercase(),
        to.label().to_lowercase()
    )
}

/// An investigation record as the store keeps it: JSON, or NULL while nothing is recorded.
pub(super) fn investigation_json(
    i: &app::domain::casework::Investigation,
) -> Result<Option<String>, StoreError> {
    if *i == app::domain::casework::Investigation::default() {
        return Ok(None);
    }
    serde_json::to_string(i)
        .map(Some)
        .map_err(|_| StoreError::Corrupt("investigation".into()))
}

/// The column that records when a case reached `status` (none for "received", set at intake).
pub fn stamp_column(status: Status) -> Option<&'static str> {
    match status {
        Status::Acknowledged => Some("acknowledged_at"),
        Status::Investigating => Some("investigating_at"),
        Status::OutcomeSent => Some("outcome_sent_at"),
        Status::Closed => Some("closed_at"),
        Status::Received => None,
    }
}

/// A move along the case's statuses, with what it records.
#[derive(Debug, Clone)]
pub enum CaseChange {
    /// With a route, the letter is queued and the case moves on once it has gone; without
    /// one (no written address), staff acknowledged it themselves and it moves on now.
    Acknowledge {
        letter: Letter,
        route: Option<Route>,
    },
    Investigate,
    /// As for the acknowledgement: "outcome sent" once the letter has gone.
    SendOutcome {
        outcome: Outcome,
        letter: Letter,
        route: Option<Route>,
    },
    Close {
        closure: Closure,
    },
}

impl CaseChange {
    /// The route of the letter this change queues, if it queues one (the case then waits).
    pub fn queues(&self) -> Option<Route> {
        match self {
            CaseChange::Acknowledge { route, .. } | CaseChange::SendOutcome { route, .. } => *route,
            _ => None,
        }
    }

    pub fn target(&self) -> Status {
        match self {
            CaseChange::Acknowledge { .. } => Status::Acknowledged,
            CaseChange::Investigate => Status::Investigating,
            CaseChange::SendOutcome { .. } => Status::OutcomeSent,
            CaseChange::Close { .. } => Status::Closed,
        }
    }
}

/// Why an expected change did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// Someone else changed the case first; nothing was written.
    Stale,
}

/// Staff accounts, sign-in and the audit trail.
#[async_trait]
pub trait Accounts: Send + Sync + 'static {
    /// Adds an account; false if the username is taken.
    async fn add_user(&self, account: &StaffAccount) -> Result<bool, StoreError>;
    /// Replaces a password, clears any lock and ends every session of the account; false if
    /// there is no such account.
    async fn set_password(&self, username: &str, hash: &str) -> Result<bool, StoreError>;
    /// Changes an account (and so ends its sessions), audited as done by `actor`; false if
    /// there is no such account.
    async fn change_account(
        &self,
        username: &str,
        change: AccountChange,
        actor: &str,
    ) -> Result<bool, StoreError>;
    async fn user(&self, username: &str) -> Result<Option<StaffAccount>, StoreError>;
    async fn users(&self) -> Result<Vec<StaffAccount>, StoreError>;
    /// A successful sign-in: clears the count of failures.
    async fn record_sign_in(&self, username: &str) -> Result<(), StoreError>;
    /// A wrong password: counts it (atomically, so parallel guesses all count; a lock that
    /// has run out starts a fresh count) and locks the account as `policy` says. Returns
    /// until when it is locked, if it is.
    async fn record_failed_sign_in(
        &self,
        username: &str,
        policy: &LockoutPolicy,
    ) -> Result<Option<DateTime<Utc>>, StoreError>;
    async fn unlock(&self, username: &str, actor: &str) -> Result<bool, StoreError>;
    /// Sets (or clears) the team an account works in; false if there is no such account.
    async fn set_team(&self, username: &str, team: Option<&str>) -> Result<bool, StoreError>;
    async fn audit(&self, entry: AuditEntry) -> Result<(), StoreError>;
    async fn audit_trail(&self, query: &AuditQuery) -> Result<Vec<AuditRow>, StoreError>;
}

/// What staff read: the register, case files and what the reports count.
#[async_trait]
pub trait Register: Send + Sync + 'static {
    async fn register(
        &self,
        query: &RegisterQuery,
        today: NaiveDate,
    ) -> Result<RegisterPage, StoreError>;
    async fn case(&self, reference: &Reference) -> Result<Option<CaseFile>, StoreError>;
    /// What the reports count, for the cases and actions that can touch `from`..=`to`.
    async fn report_facts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<app::domain::reporting::ReportFacts, StoreError>;
    /// Remedial and improvement actions across all cases, earliest due first.
    async fn actions(&self) -> Result<Vec<RegisterAction>, StoreError>;
    /// Complaints closed from `from` up to `to` (UTC), not restricted and not reduced: whom
    /// the satisfaction survey may ask (seed 000), with when each closed.
    async fn closed_complaints(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(Reference, DateTime<Utc>)>, StoreError>;
    /// Every recommendation, open ones first, earliest due first.
    async fn recommendations(&self) -> Result<Vec<StoredRecommendation>, StoreError>;
}

/// The seed 004 procedure: each change moves a case on, with its letters, history and audit
/// entry in one transaction, and only if the case is still as the form saw it.
#[async_trait]
pub trait Procedure: Send + Sync + 'static {
    async fn add_note(
        &self,
        case: &CaseFile,
        kind: NoteKind,
        body: &str,
        actor: &str,
    ) -> Result<(), StoreError>;
    /// Assigns `handler`; `confirmed` when the handler themself confirmed independence.
    async fn assign(
        &self,
        case: &CaseFile,
        handler: &str,
        confirmed: bool,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    /// The assigned handler confirms their independence (seed 004 §30).
    async fn confirm_handler(&self, case: &CaseFile, actor: &str) -> Result<Applied, StoreError>;
    /// Moves the case on if it is still in `case.status`.
    async fn apply(
        &self,
        case: &CaseFile,
        change: &CaseChange,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    /// Ends the case without an outcome (still in `case.status`), with its letter.
    async fn end_case(
        &self,
        case: &CaseFile,
        record: &EndingRecord,
        letter: &Letter,
        route: Option<Route>,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    /// Records a progress update and its revised date, with its letter.
    async fn update_progress(
        &self,
        case: &CaseFile,
        update: &ProgressUpdate,
        letter: &Letter,
        route: Option<Route>,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    /// Makes the case a complaint or a breach report (`to`), back at "received" with these
    /// deadlines, keeping the reason with the case (not in the history), if nobody changed its
    /// status meanwhile.
    async fn reclassify(
        &self,
        case: &CaseFile,
        to: app::domain::triage::CaseKind,
        deadlines: &app::domain::calendar::Deadlines,
        reason: &str,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    /// Saves the case's investigation record as `investigation` (what changed: `event`, for
    /// the history), if nobody changed the case's status or its record meanwhile.
    async fn record_investigation(
        &self,
        case: &CaseFile,
        investigation: &app::domain::casework::Investigation,
        event: &str,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    /// Reopens a closed case for review: back to investigating with a new outcome target;
    /// what it was closed with is kept as the review's record. The handler must declare their
    /// independence again before working the review (SPEC "The investigation", 004 §30).
    async fn reopen(
        &self,
        case: &CaseFile,
        reason: &str,
        outcome_due: NaiveDate,
        actor: &str,
    ) -> Result<Applied, StoreError>;
}

/// What else is recorded on a case (actions, the MP, triage flags, corrections, links) and
/// the report's recommendations; each one audited.
#[async_trait]
pub trait CaseRecords: Send + Sync + 'static {
    /// Marks one of the case's actions done; `Stale` if it is done already or not the case's.
    async fn action_done(
        &self,
        case: &CaseFile,
        action_id: i64,
        done_on: NaiveDate,
        note: Option<&str>,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    /// Records (or replaces) the MP's contact details; later letters are copied to them.
    async fn set_mp(
        &self,
        case: &CaseFile,
        mp: &MpContact,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    /// Records work on a triage flag (once each; `Stale` if already recorded).
    async fn work_flag(
        &self,
        case: &CaseFile,
        work: &FlagWork,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    /// Corrects the complainant's details and choices, if nobody corrected them meanwhile.
    async fn correct(
        &self,
        case: &CaseFile,
        correction: &Correction,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    /// Links a breach report and the complaint lodged after its outcome; `Stale` if the
    /// report has one already.
    async fn link_lodged(
        &self,
        report: &CaseFile,
        complaint: &Reference,
        actor: &str,
    ) -> Result<Applied, StoreError>;
    /// Adds a recommendation of the DPO to the report for `period` (audited).
    async fn add_recommendation(
        &self,
        period: app::domain::reporting::Period,
        r: &app::domain::reporting::Recommendation,
        actor: &str,
    ) -> Result<(), StoreError>;
    /// Marks one done (audited); stale if it was done already.
    async fn recommendation_done(
        &self,
        id: i64,
        done_on: NaiveDate,
        note: Option<&str>,
        actor: &str,
    ) -> Result<Applied, StoreError>;
}

/// Everything the staff side asks of its database: one value (`AppState::staff`) for all
/// four parts; a function that needs one part can ask for just that.
pub trait StaffStore: Accounts + Register + Procedure + CaseRecords {}

impl<T: Accounts + Register + Procedure + CaseRecords> StaffStore for T {}
