//! What the service answers once a complaint is safely stored: shown to the person at once
//! (reference, what happens next, by when) and replayed verbatim for a repeated submission.

use super::complaint::Channel;
use super::reference::Reference;
use super::taxonomy::Team;
use super::triage::{CaseKind, TriageFlags};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub reference: Reference,
    pub kind: CaseKind,
    pub team: Team,
    pub category: String,
    pub flags: TriageFlags,
    pub channel: Channel,
    #[serde(with = "super::wire::time")]
    pub received_at: DateTime<Utc>,
    /// The day of receipt in the UK, from which the deadlines run.
    #[serde(with = "super::wire::date")]
    pub received_on: NaiveDate,
    /// When the written acknowledgement went; none at receipt (it is queued, and the case is
    /// acknowledged once it has actually been sent or posted).
    #[serde(with = "super::wire::optional_time")]
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The written acknowledgement is due by this day (30 days, next working day).
    #[serde(with = "super::wire::date")]
    pub acknowledge_by: NaiveDate,
    /// The outcome is normally due by this day (three months, next working day).
    #[serde(with = "super::wire::date")]
    pub outcome_due: NaiveDate,
    /// The secret of the complainant's link for sending evidence, on the confirmation only
    /// (never stored: the server keeps its hash, and a program's receipt has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_token: Option<String>,
}
