//! Receiving a complaint: parse, triage, work out the deadlines, store. The JSON API, the
//! widget's plain form posts and the staff pages all come through here.

use crate::error::ApiError;
use crate::store::{NewCase, Submitted};
use crate::AppState;
use app::domain::calendar::{london_date, Deadlines};
use app::domain::complaint::{Channel, Complaint, ComplaintInput};
use app::domain::receipt::Receipt;
use app::domain::triage::triage;
use chrono::{NaiveDate, Utc};
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
}

#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    Created(Receipt),
    /// The same submission was received before; this is its original receipt.
    AlreadyReceived(Receipt),
}

impl Received {
    pub fn receipt(&self) -> &Receipt {
        match self {
            Received::Created(r) | Received::AlreadyReceived(r) => r,
        }
    }
}

pub const KEY_REUSED: &str =
    "This Idempotency-Key was already used for a different complaint. Use a new key for each new complaint.";

pub async fn receive(
    state: &AppState,
    input: &ComplaintInput,
    submission: Submission,
) -> Result<Received, ApiError> {
    let config = &state.config;
    let complaint = Complaint::parse(input, &config.taxonomy).map_err(ApiError::Invalid)?;
    let triaged = triage(&complaint, submission.channel, &config.taxonomy);
    let team = config
        .taxonomy
        .team(&triaged.team)
        .cloned()
        .expect("configuration is checked at start: every category names a known team");
    let received_at = Utc::now();
    let received_on = submission
        .received_on
        .unwrap_or_else(|| london_date(received_at));
    let deadlines = Deadlines::from_receipt(received_on, &config.calendar);
    let case = NewCase {
        id: Uuid::new_v4(),
        idempotency_key: submission.idempotency_key,
        request_hash: request_hash(input, &submission),
        complaint,
        triage: triaged,
        team,
        channel: submission.channel,
        received_at,
        received_on,
        deadlines,
        // Electronic complaints are acknowledged immediately (seed 004 §27, §28b).
        acknowledged_at: (submission.channel == Channel::Online).then_some(received_at),
        keyed_in_by: submission.keyed_in_by,
        organisation: state.organisation.clone(),
    };
    match state.store.submit(case).await? {
        Submitted::Created(r) => Ok(Received::Created(r)),
        Submitted::Replayed(r) => Ok(Received::AlreadyReceived(r)),
        Submitted::KeyReused => Err(ApiError::Invalid(ApiError::field(
            "Idempotency-Key",
            KEY_REUSED,
        ))),
    }
}

/// A fingerprint of what was submitted, not of how it was encoded: the same answers sent as
/// JSON or as a form post, with any spacing, give the same hash.
fn request_hash(input: &ComplaintInput, s: &Submission) -> String {
    let canonical = serde_json::to_vec(&(input, s.channel, s.received_on, &s.keyed_in_by))
        .expect("plain data always serialises");
    hex::encode(Sha256::digest(&canonical))
}
