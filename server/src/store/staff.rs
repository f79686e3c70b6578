//! What the staff pages need from the store: accounts, the register, case files, casework
//! changes and the audit trail. Each change is one transaction that also writes its case event
//! and its audit entry, so the history cannot miss a change.

use super::StoreError;
pub use app::domain::casework::file::*;
pub use app::domain::casework::{AccountChange, CaseChange};
use app::domain::casework::{LockoutPolicy, RegisterQuery, Role, Status};
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
    /// A password here, or the council's identity provider.
    pub sign_in_method: SignInMethod,
    /// May sign in with its password even when local accounts are switched off.
    pub break_glass: bool,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// The RFC 6238 secret (base32) once two-step sign-in is set up.
    pub totp_secret: Option<String>,
}

/// How an account signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethod {
    Password,
    /// Through the council's identity provider (OpenID Connect); no password of ours.
    Oidc,
}

impl SignInMethod {
    pub fn id(self) -> &'static str {
        match self {
            SignInMethod::Password => "password",
            SignInMethod::Oidc => "oidc",
        }
    }

    pub fn parse(s: &str) -> Option<SignInMethod> {
        [SignInMethod::Password, SignInMethod::Oidc]
            .into_iter()
            .find(|m| m.id() == s)
    }
}

/// What the identity provider's token says of a person, at each sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvidedAccount {
    /// The issuer and the token's subject: the one key that stays the same for a person.
    pub subject: String,
    /// A username to make for them at their first sign-in (taken ones get "-2", "-3"…).
    pub username_hint: String,
    pub display_name: String,
    pub role: Role,
    pub team: Option<String>,
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
    /// Sets (or clears) the team an account works in, audited as done by `actor`; false if
    /// there is no such account.
    async fn set_team(
        &self,
        username: &str,
        team: Option<&str>,
        actor: &str,
    ) -> Result<bool, StoreError>;
    /// A sign-in through the identity provider: the account with this subject, made at the
    /// first sign-in, its name, role and team as the token says now (a changed role ends its
    /// other sessions). Audited.
    async fn provided_sign_in(&self, p: &ProvidedAccount) -> Result<StaffAccount, StoreError>;
    /// Two-step sign-in set up (a secret and the hashes of new recovery codes, replacing any
    /// before), or taken away (`None`: a lost phone); every session of the account ends.
    /// Audited as done by `actor`; false if there is no such account.
    async fn set_two_step(
        &self,
        username: &str,
        secret: Option<&str>,
        recovery_hashes: &[String],
        actor: &str,
    ) -> Result<bool, StoreError>;
    /// Takes a code's time step as used, only if it is later than every step used before
    /// (in one statement, so two requests with one code cannot both pass).
    async fn use_totp_step(&self, username: &str, step: i64) -> Result<bool, StoreError>;
    /// Spends a recovery code (by its hash): true once, false ever after.
    async fn use_recovery_code(&self, username: &str, hash: &str) -> Result<bool, StoreError>;
    /// Recovery codes not yet spent.
    async fn recovery_codes_left(&self, username: &str) -> Result<i64, StoreError>;
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

/// The seed 004 procedure: every change to a case (`CaseChange`, built by the casework
/// service) in one transaction with its history entry, its audit entry and any letter and
/// message, and only while the case is as the change expects.
#[async_trait]
pub trait Procedure: Send + Sync + 'static {
    /// Applies `change` by `actor`; `Stale` (nothing written) if the case has changed so the
    /// change no longer applies.
    async fn apply(
        &self,
        case: &CaseFile,
        change: &CaseChange,
        actor: &str,
    ) -> Result<Applied, StoreError>;
}

/// The recommendations of the DPO's reports, each change audited.
#[async_trait]
pub trait Recommendations: Send + Sync + 'static {
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
pub trait StaffStore: Accounts + Register + Procedure + Recommendations {}

impl<T: Accounts + Register + Procedure + Recommendations> StaffStore for T {}
