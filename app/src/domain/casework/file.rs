//! The case as it is kept (SPEC.md "Case records"): the register's rows, the case file with
//! every record about the case, the actions and recommendations to follow up, and the audit
//! trail. Both stores read their rows into these; the staff pages and the casework service
//! read them. The rules on a case file live with it: its version (a form filled in on an
//! earlier one changes nothing) and one letter of a kind on its way at a time.

use super::{
    ActionKind, Closure, Ending, EndingRecord, FieldChange, MpContact, NoteKind, Outcome,
    ProgressUpdate, Status,
};
use crate::domain::complaint::{Channel, Complaint};
use crate::domain::letter::{Letter, LetterKind};
use crate::domain::messages::{Message, MessageKind, MessageStatus};
use crate::domain::reference::Reference;
use crate::domain::triage::CaseKind;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// How far each triage flag has been worked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagsWorked {
    pub identity_verified: Option<(NaiveDate, String)>,
    pub clarification_asked: Option<NaiveDate>,
    pub clarification_received: Option<NaiveDate>,
    pub handover_made: Option<NaiveDate>,
}

pub const REGISTER_PAGE_SIZE: u32 = 50;
/// The most rows one download holds (a bound on the work one request can ask for).
pub const EXPORT_LIMIT: u32 = 100_000;

#[derive(Debug, Clone)]
pub struct RegisterRow {
    pub reference: Reference,
    pub kind: CaseKind,
    pub received_on: NaiveDate,
    /// The team's id in the taxonomy.
    pub team: String,
    /// The category's id in the taxonomy.
    pub category: String,
    pub channel: Channel,
    pub status: Status,
    pub handler: Option<String>,
    pub acknowledge_by: NaiveDate,
    pub outcome_due: NaiveDate,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub outcome_sent_at: Option<DateTime<Utc>>,
    /// Why staff should check it was sent by a person, if they should.
    pub review: Option<String>,
    /// Under a legal hold.
    pub held: bool,
    /// Restricted: only the DPO may open it.
    pub restricted: bool,
    /// Reduced to its summary (retention or erasure).
    pub reduced: bool,
    /// The outcome date last given in a progress update.
    pub revised_due: Option<NaiveDate>,
    /// How it ended, when it ended without an outcome.
    pub ending: Option<Ending>,
    /// Waiting for the complainant's reply (`waiting`), if it is.
    pub waiting: Option<super::Waiting>,
    /// Nobody can reach the complainant in writing (an email that cannot arrive).
    pub cannot_reach: bool,
    /// The incident it is grouped under, if any.
    pub incident: Option<String>,
    /// The complainant asked for reasonable adjustments (shown on the register).
    pub adjustments: bool,
    /// For the register's download only (the page does not show names).
    pub complainant_name: String,
    /// The complainant's choices (seed 000), for the register's download.
    pub survey_opt_out: bool,
    pub publication_opt_out: bool,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RegisterPage {
    pub rows: Vec<RegisterRow>,
    pub total: u64,
    /// Where the page's first and last rows are in the register's order (for the links to
    /// the pages before and after it).
    pub first: Option<super::RegisterCursor>,
    pub last: Option<super::RegisterCursor>,
}

#[derive(Debug, Clone)]
pub struct CaseEvent {
    pub at: DateTime<Utc>,
    pub event: String,
    pub actor: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CaseNote {
    pub at: DateTime<Utc>,
    pub author: String,
    pub kind: NoteKind,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct StoredLetter {
    pub id: i64,
    pub kind: LetterKind,
    pub created_at: DateTime<Utc>,
    pub letter: Letter,
}

#[derive(Debug, Clone)]
pub struct StoredAction {
    pub id: i64,
    /// Marked done, with the day and a note (seed 004 §45: followed up until done).
    pub done_on: Option<NaiveDate>,
    pub done_note: Option<String>,
    pub kind: ActionKind,
    pub description: String,
    pub owner: String,
    pub due_on: NaiveDate,
}

/// Everything kept about one case (SPEC.md "Case records").
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub id: Uuid,
    pub reference: Reference,
    pub kind: CaseKind,
    /// The category's id in the taxonomy.
    pub category: String,
    /// The team's id in the taxonomy.
    pub team: String,
    pub channel: Channel,
    /// The language it was made in: its letters and emails go out in it.
    pub lang: crate::i18n::Lang,
    pub status: Status,
    pub received_at: DateTime<Utc>,
    pub received_on: NaiveDate,
    pub acknowledge_by: NaiveDate,
    pub outcome_due: NaiveDate,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub investigating_at: Option<DateTime<Utc>>,
    pub outcome_sent_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub identity_check: bool,
    pub clarification_needed: bool,
    pub corporate_handover: bool,
    pub complaint: Complaint,
    pub keyed_in_by: Option<String>,
    /// Why staff should check it was sent by a person, if they should.
    pub review: Option<String>,
    pub handler: Option<String>,
    pub handler_confirmed_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    pub closure: Option<Closure>,
    /// The plan, interim measures and findings recorded so far.
    pub investigation: crate::domain::casework::Investigation,
    /// Why staff last reclassified it, if they did.
    pub reclassified_reason: Option<String>,
    pub events: Vec<CaseEvent>,
    pub notes: Vec<CaseNote>,
    pub letters: Vec<StoredLetter>,
    pub actions: Vec<StoredAction>,
    /// Everything sent, waiting or failed about this case, oldest first.
    pub messages: Vec<Message>,
    /// Why the DPO holds it back from retention, if they do.
    pub held: Option<String>,
    /// Why the DPO restricted it (kept, hidden from handlers), if they did.
    pub restricted: Option<String>,
    /// How it ended, when it ended without an outcome.
    pub ending: Option<EndingRecord>,
    /// The outcome date last given in a progress update.
    pub revised_due: Option<NaiveDate>,
    /// A breach report: the complaint lodged after its outcome, if one was.
    pub lodged_as: Option<Reference>,
    /// A complaint lodged after a breach outcome: the breach report it came from.
    pub lodged_from: Option<Reference>,
    pub updates: Vec<StoredUpdate>,
    pub flags: FlagsWorked,
    /// The MP the person complained through, once their details are recorded.
    pub mp: Option<MpContact>,
    /// Corrections of the complainant's details and choices, oldest first.
    pub corrections: Vec<StoredCorrection>,
    /// Earlier closures, when the case was reopened for review.
    pub reviews: Vec<Review>,
    /// How many days waiting for the complainant have moved the outcome target.
    pub paused_days: u32,
    /// The request for more information still unanswered, if there is one.
    pub waiting_for_reply: Option<super::Waiting>,
    /// Since when nobody can reach the complainant in writing (an email that cannot arrive
    /// and no postal address), until their details are corrected.
    pub cannot_reach_at: Option<DateTime<Utc>>,
    /// The incident it is grouped under, if any.
    pub incident: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StoredCorrection {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub reason: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone)]
pub struct StoredUpdate {
    pub at: DateTime<Utc>,
    pub author: String,
    pub update: ProgressUpdate,
}

/// A review: why the case was reopened, and what it had been closed with.
#[derive(Debug, Clone)]
pub struct Review {
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub reason: String,
    pub outcome: Option<Outcome>,
    pub outcome_sent_at: Option<DateTime<Utc>>,
    pub ending: Option<EndingRecord>,
    pub closed_at: Option<DateTime<Utc>>,
    pub outcome_due: NaiveDate,
}

impl CaseFile {
    /// What the case's forms change (status, handler, confirmation), as a token the forms
    /// carry back (`_seen`): a form sent after someone else changed any of it is refused
    /// rather than overwriting their change. Notes do not change it: they only add.
    pub fn version(&self) -> String {
        format!(
            "{}.{}.{}.{}",
            self.status.id(),
            self.handler.as_deref().unwrap_or("-"),
            u8::from(self.handler_confirmed_at.is_some()),
            self.letters.len()
        )
    }

    /// Its deadlines as waiting for the complainant moves them (`waiting`).
    pub fn clock(&self) -> super::Clock {
        super::Clock {
            acknowledge_by: self.acknowledge_by,
            outcome_due: self.outcome_due,
            paused_days: self.paused_days,
            waiting: self.waiting_for_reply,
        }
    }

    /// The letter of this kind still waiting to go (by email or in the print queue), if any.
    pub fn waiting(&self, kind: MessageKind) -> Option<&Message> {
        self.messages
            .iter()
            .find(|m| m.kind == kind && m.status == MessageStatus::Waiting && !m.to_mp)
    }

    /// Messages about this case that failed for good: flagged on the case.
    pub fn failed_messages(&self) -> impl Iterator<Item = &Message> {
        self.messages
            .iter()
            .filter(|m| m.status == MessageStatus::Failed)
    }
}

/// An action on the register, with the case it came from.
#[derive(Debug, Clone)]
pub struct StoredRecommendation {
    pub id: i64,
    /// The report it belongs to.
    pub period: crate::domain::reporting::Period,
    pub text: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub created_by: String,
    pub done_on: Option<NaiveDate>,
    pub done_note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RegisterAction {
    pub reference: Reference,
    /// The case's team.
    pub team: String,
    pub action: StoredAction,
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub username: String,
    pub action: String,
    pub reference: Option<Reference>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub reference: Option<Reference>,
    pub username: Option<String>,
    /// Entries older than this id (paging backwards in time).
    pub before: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub entry: AuditEntry,
}

pub const AUDIT_PAGE_SIZE: u32 = 100;
