//! The retention run: applies the domain's rules (`app::domain::retention`) to the store.
//! It runs every hour in each server (the database lets one instance do each hour's run),
//! on demand from `server retention run`, and from the DPO's retention page.
//!
//! The clock is a parameter: the server passes the time, tests pass theirs.

use crate::store::retention::{
    Candidate, CaseSummary, Hold, RetentionStore, RunCounts, RunRecord, SubjectCase, Trigger,
};
use crate::store::staff::Applied;
use crate::store::StoreError;
use app::domain::calendar::london_date;
use app::domain::reference::Reference;
use app::domain::retention::{RetentionPolicy, Step};
use app::domain::subject_access::SubjectKey;
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

/// What a run would do, or did: each case and its steps, and the counts.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The run's record, when it ran (not for a dry run).
    pub run_id: Option<i64>,
    pub steps: Vec<(Reference, Step)>,
    pub held: Vec<Reference>,
    pub counts: RunCounts,
}

#[derive(Debug)]
pub enum Ran {
    Done(Report),
    /// Another run holds the lease, or this slot's run was done by another instance.
    Busy,
}

/// The steps due on `today` for these cases, and the held ones skipped.
pub fn plan(
    policy: &RetentionPolicy,
    candidates: &[Candidate],
    today: NaiveDate,
) -> (Vec<(Reference, Step)>, Vec<Reference>) {
    let mut steps = Vec::new();
    let mut held = Vec::new();
    for c in candidates {
        if c.dates.held {
            held.push(c.reference);
            continue;
        }
        for step in policy.due(&c.dates, today) {
            steps.push((c.reference, step));
        }
    }
    (steps, held)
}

/// What falls due between `from` and `until` (inclusive), by date: the retention page's
/// "next 30 days".
pub fn forecast(
    policy: &RetentionPolicy,
    candidates: &[Candidate],
    until: NaiveDate,
) -> Vec<(NaiveDate, Reference, Step)> {
    let mut due: Vec<_> = candidates
        .iter()
        .flat_map(|c| {
            policy
                .due_dates(&c.dates)
                .into_iter()
                .filter(|(_, on)| *on <= until)
                .map(|(s, on)| (on, c.reference, s))
        })
        .collect();
    due.sort();
    due
}

/// A dry run: what a run at `now` would do. Changes nothing.
pub async fn preview(
    store: &dyn RetentionStore,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let candidates = store.candidates().await?;
    let (steps, held) = plan(policy, &candidates, london_date(now));
    Ok(Report {
        run_id: None,
        counts: RunCounts {
            held_skipped: held.len() as u64,
            ..RunCounts::default()
        },
        steps,
        held,
    })
}

/// One run at `now`: claims it (one at a time; one a slot), carries out every step due,
/// deletes what has expired, reclaims the space, and records what it did.
pub async fn run(
    store: &dyn RetentionStore,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
    trigger: Trigger,
    slot: Option<&str>,
    instance: &str,
) -> Result<Ran, StoreError> {
    let Some(id) = store
        .begin_run(trigger, slot, instance, Utc::now(), now)
        .await?
    else {
        return Ok(Ran::Busy);
    };
    let result = carry_out(store, policy, now).await;
    let (counts, error) = match &result {
        Ok(r) => (r.counts, None),
        Err((partial, e)) => (*partial, Some(e.to_string())),
    };
    store
        .finish_run(id, instance, &counts, error.as_deref(), Utc::now())
        .await?;
    crate::metrics::retention_ran(&counts);
    match result {
        Ok(mut report) => {
            report.run_id = Some(id);
            Ok(Ran::Done(report))
        }
        Err((_, e)) => Err(e),
    }
}

async fn carry_out(
    store: &dyn RetentionStore,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
) -> Result<Report, (RunCounts, StoreError)> {
    let mut report = preview(store, policy, now)
        .await
        .map_err(|e| (RunCounts::default(), e))?;
    let mut counts = report.counts;
    for (reference, step) in &report.steps {
        let done = match step {
            Step::Reduce => {
                store
                    .reduce(
                        reference,
                        policy,
                        "retention",
                        "retention period ended",
                        now,
                    )
                    .await
            }
            Step::RemoveOfficers => store.remove_officers(reference, now).await,
        };
        match done {
            Ok(c) => counts.add(&c),
            Err(e) => return Err((counts, e)),
        }
    }
    match store.delete_expired(policy, now).await {
        Ok(c) => counts.add(&c),
        Err(e) => return Err((counts, e)),
    }
    if counts.deleted_personal_data() {
        if let Err(e) = store.compact().await {
            return Err((counts, e));
        }
    }
    report.counts = counts;
    Ok(report)
}

/// The scheduled slot `now` falls in: one run per slot across every instance.
pub fn slot(now: DateTime<Utc>, every: std::time::Duration) -> String {
    let secs = every.as_secs().max(60) as i64;
    format!("schedule:{}", now.timestamp().div_euclid(secs))
}

/// Runs retention on schedule for as long as the server runs.
pub fn spawn(store: Arc<dyn RetentionStore>, policy: RetentionPolicy, every: std::time::Duration) {
    let instance = format!("server-{}", uuid::Uuid::new_v4());
    tokio::spawn(async move {
        loop {
            let now = Utc::now();
            let slot = slot(now, every);
            match run(
                store.as_ref(),
                &policy,
                now,
                Trigger::Schedule,
                Some(&slot),
                &instance,
            )
            .await
            {
                Ok(Ran::Done(r)) => tracing::info!(
                    cases_reduced = r.counts.cases_reduced,
                    officers_removed = r.counts.officers_removed,
                    idempotency_deleted = r.counts.idempotency_deleted,
                    audit_deleted = r.counts.audit_deleted,
                    held = r.counts.held_skipped,
                    "retention run"
                ),
                Ok(Ran::Busy) => {}
                Err(e) => tracing::error!(error = %e, "retention run failed"),
            }
            // Wake at the start of the next slot (plus a little, so every instance is past it).
            let secs = every.as_secs().max(60);
            let into = Utc::now().timestamp().rem_euclid(secs as i64) as u64;
            tokio::time::sleep(std::time::Duration::from_secs(secs - into + 5)).await;
        }
    });
}

/// `server retention run [--dry-run [--as-of DATE]]`: what it did or would do, by reference
/// only (no personal data on a terminal that may be logged).
pub async fn from_command_line(
    store: &dyn RetentionStore,
    policy: &RetentionPolicy,
    dry_run: bool,
    as_of: Option<NaiveDate>,
) -> Result<String, String> {
    use std::fmt::Write;
    let now = match as_of {
        Some(day) => day.and_hms_opt(12, 0, 0).expect("noon exists").and_utc(),
        None => Utc::now(),
    };
    let mut out = String::new();
    let report = if dry_run {
        preview(store, policy, now)
            .await
            .map_err(|e| e.to_string())?
    } else {
        let instance = format!("command-{}", uuid::Uuid::new_v4());
        match run(store, policy, now, Trigger::Command, None, &instance)
            .await
            .map_err(|e| format!("retention run failed: {e}"))?
        {
            Ran::Done(r) => r,
            Ran::Busy => return Err("another retention run is under way; try again later".into()),
        }
    };
    let day = london_date(now);
    let _ = writeln!(
        out,
        "{} {day}:",
        if dry_run {
            "Retention dry run (nothing changed) as of"
        } else {
            "Retention run as of"
        }
    );
    for (reference, step) in &report.steps {
        let _ = writeln!(out, "  {reference}  {}", step.label());
    }
    if report.steps.is_empty() {
        let _ = writeln!(out, "  No case is due.");
    }
    for reference in &report.held {
        let _ = writeln!(out, "  {reference}  held: skipped");
    }
    if dry_run {
        let _ = writeln!(
            out,
            "Also due: idempotency records made before {}, expired staff sessions, audit entries before {}.",
            london_date(policy.idempotency_cutoff(now)),
            london_date(policy.audit_cutoff(now))
        );
    } else {
        let c = report.counts;
        let _ = writeln!(
            out,
            "Done: {} case(s) reduced, officers' names removed from {}, {} note(s), {} letter(s), {} message(s), {} idempotency record(s), {} session(s) and {} audit entr(ies) deleted; {} held case(s) skipped.",
            c.cases_reduced,
            c.officers_removed,
            c.notes_deleted,
            c.letters_deleted,
            c.messages_deleted,
            c.idempotency_deleted,
            c.sessions_deleted,
            c.audit_deleted,
            c.held_skipped
        );
    }
    Ok(out)
}

/// The retention store of a service whose emails are written as files (the embedded default):
/// a reduction or an erasure deletes the case's email files with its messages, and each run
/// deletes the files older than `idempotency_days` (SPEC "Retention": deleted means gone from
/// every copy the service keeps). Every other call goes straight to the store.
pub struct ForgetsEmailFiles {
    inner: Arc<dyn RetentionStore>,
    dir: std::path::PathBuf,
}

/// `store`, forgetting the email files too when emails are written as files.
pub fn with_email_files(
    store: Arc<dyn RetentionStore>,
    email: &crate::config::EmailConfig,
) -> Arc<dyn RetentionStore> {
    match email {
        crate::config::EmailConfig::Files { dir } => Arc::new(ForgetsEmailFiles {
            inner: store,
            dir: dir.clone(),
        }),
        _ => store,
    }
}

#[async_trait::async_trait]
impl RetentionStore for ForgetsEmailFiles {
    async fn begin_run(
        &self,
        trigger: Trigger,
        slot: Option<&str>,
        instance: &str,
        now: DateTime<Utc>,
        as_of: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        self.inner
            .begin_run(trigger, slot, instance, now, as_of)
            .await
    }
    async fn finish_run(
        &self,
        id: i64,
        instance: &str,
        counts: &RunCounts,
        error: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.inner
            .finish_run(id, instance, counts, error, now)
            .await
    }
    async fn runs(&self, limit: i64) -> Result<Vec<RunRecord>, StoreError> {
        self.inner.runs(limit).await
    }
    async fn candidates(&self) -> Result<Vec<Candidate>, StoreError> {
        self.inner.candidates().await
    }
    async fn reduce(
        &self,
        reference: &Reference,
        policy: &RetentionPolicy,
        by: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<RunCounts, StoreError> {
        let keys = self.inner.message_keys(reference).await?;
        let counts = self
            .inner
            .reduce(reference, policy, by, reason, now)
            .await?;
        if counts.cases_reduced > 0 {
            crate::outbox::files::forget(&self.dir, &keys).await;
        }
        Ok(counts)
    }
    async fn message_keys(&self, reference: &Reference) -> Result<Vec<String>, StoreError> {
        self.inner.message_keys(reference).await
    }
    async fn remove_officers(
        &self,
        reference: &Reference,
        now: DateTime<Utc>,
    ) -> Result<RunCounts, StoreError> {
        self.inner.remove_officers(reference, now).await
    }
    async fn delete_expired(
        &self,
        policy: &RetentionPolicy,
        now: DateTime<Utc>,
    ) -> Result<RunCounts, StoreError> {
        let mut counts = self.inner.delete_expired(policy, now).await?;
        let cutoff = std::time::SystemTime::from(policy.idempotency_cutoff(now));
        counts.messages_deleted += crate::outbox::files::forget_before(&self.dir, cutoff).await;
        Ok(counts)
    }
    async fn compact(&self) -> Result<(), StoreError> {
        self.inner.compact().await
    }
    async fn summary(&self, reference: &Reference) -> Result<Option<CaseSummary>, StoreError> {
        self.inner.summary(reference).await
    }
    async fn hold(
        &self,
        reference: &Reference,
        reason: &str,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        self.inner.hold(reference, reason, actor).await
    }
    async fn release(&self, reference: &Reference, actor: &str) -> Result<Applied, StoreError> {
        self.inner.release(reference, actor).await
    }
    async fn holds(&self) -> Result<Vec<Hold>, StoreError> {
        self.inner.holds().await
    }
    async fn restrict(
        &self,
        reference: &Reference,
        reason: Option<&str>,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        self.inner.restrict(reference, reason, actor).await
    }
    async fn subject_search(&self, key: &SubjectKey) -> Result<Vec<SubjectCase>, StoreError> {
        self.inner.subject_search(key).await
    }
}
