//! What the outbox worker, the print queue and the messages page need from the store.

use super::StoreError;
use app::domain::delivery::Delivery;
use app::domain::messages::Route;
use app::domain::reference::Reference;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

pub use app::domain::messages::{Message, MessageStatus};

/// A delivered letter moves its case on, once: the acknowledgement makes a received case
/// acknowledged (SPEC: acknowledged only once actually sent or posted), the outcome letter an
/// investigated case "outcome sent". For a message kind: (from, to, the stamp column, the
/// history's event); none for the others.
pub fn moves_case(kind: &str) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    match kind {
        "acknowledgement" => Some((
            "received",
            "acknowledged",
            "acknowledged_at",
            "acknowledged",
        )),
        "outcome" => Some((
            "investigating",
            "outcome_sent",
            "outcome_sent_at",
            "outcome sent",
        )),
        _ => None,
    }
}

#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// Claims up to `limit` emails that are due, for `lease` (so that no other instance sends
    /// them meanwhile; a claim that runs out, say because the instance died, is taken again).
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        instance: &str,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError>;
    /// Sent: and if it carried a letter that moves the case on (acknowledgement, outcome),
    /// the case moves on in the same transaction.
    async fn mark_sent(
        &self,
        id: i64,
        provider_id: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// A failure worth another try at `next`.
    async fn mark_retry(&self, id: i64, next: DateTime<Utc>, error: &str)
        -> Result<(), StoreError>;
    /// A failure that another try will not mend (or the last try): shown to the DPO.
    async fn mark_failed(&self, id: i64, error: &str) -> Result<(), StoreError>;
    /// A letter from the print queue was posted; false if it was not waiting in the queue.
    async fn mark_posted(&self, id: i64, by: &str, at: DateTime<Utc>) -> Result<bool, StoreError>;
    /// The DPO tries a failed or waiting message again now; false if it was already sent.
    async fn retry_now(&self, id: i64, actor: &str) -> Result<bool, StoreError>;
    /// The DPO cancels a message that has not gone; false if it had.
    async fn cancel(&self, id: i64, actor: &str) -> Result<bool, StoreError>;
    async fn message(&self, id: i64) -> Result<Option<Message>, StoreError>;
    /// The newest messages in `status` (all when none), at most `limit`.
    async fn messages(
        &self,
        status: Option<MessageStatus>,
        route: Option<Route>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError>;
    async fn messages_of_case(&self, reference: &Reference) -> Result<Vec<Message>, StoreError>;
    /// Queues the day's digest for a team unless it is queued already (by any instance).
    async fn queue_digest(&self, team: &str, day: NaiveDate) -> Result<bool, StoreError>;
    /// A delivery report for the message the provider knows as `provider_id`, kept once: the
    /// message when the report is new; none when it was kept already (a replayed callback)
    /// or no message has that id.
    async fn record_delivery(
        &self,
        provider_id: &str,
        delivery: Delivery,
        at: DateTime<Utc>,
    ) -> Result<Option<Message>, StoreError>;
    /// The letter of email message `id`, which cannot arrive, into the print queue (once),
    /// the history saying why; false if it was there already.
    async fn post_instead(&self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError>;
    /// The case of message `id` flagged: the complainant cannot be reached in writing (once);
    /// false if it was flagged already.
    async fn cannot_reach(&self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError>;
}
