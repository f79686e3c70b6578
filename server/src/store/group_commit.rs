//! Group commit: complaints wait in a queue and a writer takes every one waiting (up to a
//! limit) into one transaction. A commit costs a flush to disk (milliseconds) and, on
//! PostgreSQL, a round trip and a transaction's bookkeeping; paying it once for fifty
//! complaints is what lets the intake keep ahead of a bare one-row insert. Each request still
//! gets its answer only after the transaction holding its complaint is committed.
//!
//! Both stores use this queue; what a writer does with a batch is each database's own.

use super::{NewCase, StoreError, Submitted};
use tokio::sync::{mpsc, oneshot, Mutex};

pub(super) struct Job {
    pub case: NewCase,
    reply: oneshot::Sender<Result<Submitted, StoreError>>,
}

impl Job {
    /// The requester may have gone (client hung up); the case is stored regardless and a
    /// retry with the same key will find it.
    pub fn answer(self, result: Result<Submitted, StoreError>) {
        let _ = self.reply.send(result);
    }
}

/// Where requests put their complaints.
pub(super) struct Queue(mpsc::Sender<Job>);

/// Where writers take them from: several writers may share it (PostgreSQL), one at a time
/// taking what is waiting.
pub(super) struct Batches {
    jobs: Mutex<mpsc::Receiver<Job>>,
    max: usize,
}

/// A queue holding up to four batches' worth before requests wait to join it.
pub(super) fn queue(max_batch: usize) -> (Queue, Batches) {
    let (tx, rx) = mpsc::channel(4 * max_batch);
    (
        Queue(tx),
        Batches {
            jobs: Mutex::new(rx),
            max: max_batch,
        },
    )
}

impl Queue {
    pub async fn submit(&self, case: NewCase) -> Result<Submitted, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send(Job { case, reply })
            .await
            .map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the writer stopped before answering".into()))?
    }
}

impl Batches {
    /// The next batch: waits for one complaint, then takes the others already waiting.
    /// `None` once every sender is gone (shutdown) and the queue is empty.
    pub async fn next(&self) -> Option<Vec<Job>> {
        let mut jobs = self.jobs.lock().await;
        let first = jobs.recv().await?;
        let mut batch = vec![first];
        while batch.len() < self.max {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        Some(batch)
    }
}
