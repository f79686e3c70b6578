//! Receiving a complaint: parse, triage, work out the deadlines, store. The JSON API, the
//! widget's plain form posts and the staff pages all come through here.

use crate::store::{NewCase, StoreError, Submitted};
use crate::AppState;
use app::domain::calendar::{london_date, Deadlines};
use app::domain::complaint::{Channel, Complaint, ComplaintInput};
use app::domain::messages::{confirmed_by_email, written_route};
use app::domain::receipt::Receipt;
use app::domain::reference::Reference;
use app::domain::triage::triage;
use app::domain::FieldError;
use chrono::{NaiveDate, SubsecRound as _, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How a complaint arrived, beside what it says.
#[derive(Debug, Clone)]
pub struct Submission {
    pub idempotency_key: Uuid,
    pub channel: Channel,
    /// For complaints keyed in by staff after the day they arrived.
    pub received_on: Option<NaiveDate>,
    pub keyed_in_by: Option<String>,
    /// Why staff should check this one was sent by a person (see `pages::Robots`).
    pub review: Option<String>,
    /// The MP's details, keyed in by staff for a complaint through an MP.
    pub mp: Option<app::domain::casework::MpContact>,
    /// The language it was made in (the public form's; staff choose it when keying in).
    pub lang: app::i18n::Lang,
}

impl Submission {
    /// Sent online by the person (the API, the form, the widget): today, no staff, no MP.
    pub fn online(idempotency_key: Uuid, review: Option<String>) -> Submission {
        Submission {
            idempotency_key,
            channel: Channel::Online,
            received_on: None,
            keyed_in_by: None,
            review,
            mp: None,
            lang: app::i18n::Lang::En,
        }
    }
}

/// A complaint the intake has, durably.
#[derive(Debug, Clone, PartialEq)]
pub enum Accepted {
    Created(Receipt),
    /// The same submission was received before; this is its original receipt.
    AlreadyReceived(Receipt),
}

impl Accepted {
    pub fn receipt(&self) -> &Receipt {
        match self {
            Accepted::Created(r) | Accepted::AlreadyReceived(r) => r,
        }
    }
}

/// Why the intake did not take a complaint. Each caller words it for its own audience: the
/// API for developers, the public form for the person, the staff pages for staff.
#[derive(Debug)]
pub enum IntakeError {
    /// The complaint breaks a rule; nothing was stored.
    Invalid(Vec<FieldError>),
    /// The idempotency key was used before for other answers: the case then stored.
    KeyReused { earlier: Reference },
    /// The store could not take it (logged where it happened); nothing was stored.
    Unavailable,
}

impl From<StoreError> for IntakeError {
    fn from(e: StoreError) -> Self {
        // The detail is for operators; it carries no personal data (SQL errors name tables
        // and constraints, never values).
        tracing::error!(error = %e, "intake: case store error");
        IntakeError::Unavailable
    }
}

pub async fn receive(
    state: &AppState,
    input: &ComplaintInput,
    submission: Submission,
) -> Result<Accepted, IntakeError> {
    let config = &state.config;
    let complaint = Complaint::parse(input, &config.taxonomy).map_err(|e| {
        crate::metrics::complaint_refused("invalid");
        IntakeError::Invalid(e)
    })?;
    let triaged = triage(&complaint, submission.channel, &config.taxonomy);
    let team = config
        .taxonomy
        .team(&triaged.team)
        .cloned()
        .expect("configuration is checked at start: every category names a known team");
    // To the microsecond, as both stores keep it: the first answer and a replay agree.
    let received_at = Utc::now().trunc_subsecs(6);
    let received_on = submission
        .received_on
        .unwrap_or_else(|| london_date(received_at));
    let deadlines = Deadlines::from_receipt(received_on, &config.calendar);
    let acknowledgement_route = written_route(&complaint.complainant);
    let confirm_by_email = confirmed_by_email(&complaint.complainant, submission.channel);
    let alert_team = config.outbox.team_mailboxes.contains_key(&team.id);
    // The MP's details: keyed in by staff, or given on the form.
    let mp = submission
        .mp
        .clone()
        .or_else(|| complaint.mp_contact.clone());
    let organisation = state.organisation_for(&team.id);
    let case = NewCase {
        // Time-ordered (UUID v7): the case's id, and every index that leads with it (history,
        // letters, messages), grows at its end, so a commit of many complaints writes a few
        // pages rather than one scattered page per index per complaint (issue 27's profile).
        id: Uuid::now_v7(),
        idempotency_key: submission.idempotency_key,
        request_hash: request_hash(input, &submission),
        complaint,
        triage: triaged,
        team,
        channel: submission.channel,
        received_at,
        received_on,
        deadlines,
        acknowledgement_route,
        confirm_by_email,
        alert_team,
        keyed_in_by: submission.keyed_in_by,
        review: submission.review,
        mp,
        lang: submission.lang,
        organisation,
    };
    let channel = case.channel.id();
    let submitted = match state.store.submit(case).await {
        Ok(s) => s,
        Err(e) => {
            crate::metrics::complaint_refused("unavailable");
            return Err(e.into());
        }
    };
    match submitted {
        Submitted::Created(r) => {
            crate::metrics::complaint_accepted(channel);
            Ok(Accepted::Created(r))
        }
        Submitted::Replayed(r) => Ok(Accepted::AlreadyReceived(r)),
        Submitted::KeyReused { earlier } => {
            crate::metrics::complaint_refused("key_reused");
            Err(IntakeError::KeyReused { earlier })
        }
    }
}

/// A fingerprint of what was submitted, not of how it was encoded: the same answers sent as
/// JSON or as a form post, with any spacing, give the same hash.
fn request_hash(input: &ComplaintInput, s: &Submission) -> String {
    let canonical = serde_json::to_vec(&(input, s.channel, s.received_on, &s.keyed_in_by))
        .expect("plain data always serialises");
    hex::encode(Sha256::digest(&canonical))
}
