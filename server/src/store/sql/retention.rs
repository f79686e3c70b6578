//! Retention, holds, restriction and subject access.
//!
//! Deleting must make the data unreadable in the files, not only in the application: after a
//! run that removed personal data `compact` rewrites what held it (each database's own way,
//! see `sqlite::compact` and `postgres::compact`), so no old copy of a page survives.

use super::{
    audit_in, corrupt, event_in, json, parsed, reference, register::events_of,
    register::letters_of, DbRow, Id, Store, Ts, Tx,
};
use crate::store::dialect::Dialect;
use crate::store::retention::*;
use crate::store::staff::Applied;
use crate::store::StoreError;
use app::domain::calendar::london_date;
use app::domain::casework::{Outcome, Status};
use app::domain::complaint::{Channel, Complaint};
use app::domain::reference::Reference;
use app::domain::retention::{CaseDates, PersonalSummary, RetentionPolicy};
use app::domain::subject_access::SubjectKey;
use app::domain::triage::CaseKind;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

/// A run holds the lease this long at most (a crashed run frees it then).
const LEASE: chrono::Duration = chrono::Duration::hours(1);

fn counts(r: &DbRow) -> Result<RunCounts, StoreError> {
    let n = |c: &str| -> Result<u64, StoreError> { Ok(r.try_get::<i64, _>(c)?.max(0) as u64) };
    Ok(RunCounts {
        cases_reduced: n("cases_reduced")?,
        officers_removed: n("officers_removed")?,
        notes_deleted: n("notes_deleted")?,
        letters_deleted: n("letters_deleted")?,
        messages_deleted: n("messages_deleted")?,
        idempotency_deleted: n("idempotency_deleted")?,
        sessions_deleted: n("sessions_deleted")?,
        audit_deleted: n("audit_deleted")?,
        held_skipped: n("held_skipped")?,
    })
}

/// An ending without where it referred the case and what its letter added.
fn ending_words_removed() -> String {
    Store::json_without("ending", &["referred_to", "note"])
}

fn uk_day(r: &DbRow, column: &str) -> Result<Option<chrono::NaiveDate>, StoreError> {
    Ok(r.try_get::<Option<DateTime<Utc>>, _>(column)?
        .map(london_date))
}

#[async_trait]
impl RetentionStore for Store {
    async fn begin_run(
        &self,
        trigger: Trigger,
        slot: Option<&str>,
        instance: &str,
        now: DateTime<Utc>,
        as_of: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.begin_write().await?;
        // The lease row is locked by whichever instance gets there first; the other waits,
        // then finds the lease held and does nothing.
        let claimed = sqlx::query(
            "INSERT INTO retention_lease (name, holder, until) VALUES ('retention', $1, $2) \
             ON CONFLICT (name) DO UPDATE SET holder = $1, until = $2 \
             WHERE retention_lease.until < $3",
        )
        .bind(instance)
        .bind(Ts(now + LEASE))
        .bind(Ts(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(None);
        }
        let Some(id) = sqlx::query_scalar::<_, i64>(
            "INSERT INTO retention_runs (slot, started_at, instance, trigger, as_of) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slot) DO NOTHING RETURNING id",
        )
        .bind(slot)
        .bind(Ts(now))
        .bind(instance)
        .bind(trigger.id())
        .bind(Ts(as_of))
        .fetch_optional(&mut *tx)
        .await?
        else {
            // This slot's run was done already (by another instance): nothing to do.
            return Ok(None);
        };
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn finish_run(
        &self,
        id: i64,
        instance: &str,
        c: &RunCounts,
        error: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE retention_runs SET finished_at = $1, cases_reduced = $2, \
             officers_removed = $3, notes_deleted = $4, letters_deleted = $5, \
             messages_deleted = $6, idempotency_deleted = $7, sessions_deleted = $8, \
             audit_deleted = $9, held_skipped = $10, error = $11 WHERE id = $12",
        )
        .bind(Ts(now))
        .bind(c.cases_reduced as i64)
        .bind(c.officers_removed as i64)
        .bind(c.notes_deleted as i64)
        .bind(c.letters_deleted as i64)
        .bind(c.messages_deleted as i64)
        .bind(c.idempotency_deleted as i64)
        .bind(c.sessions_deleted as i64)
        .bind(c.audit_deleted as i64)
        .bind(c.held_skipped as i64)
        .bind(error)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM retention_lease WHERE name = 'retention' AND holder = $1")
            .bind(instance)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn runs(&self, limit: i64) -> Result<Vec<RunRecord>, StoreError> {
        sqlx::query("SELECT * FROM retention_runs ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(|r| {
                Ok(RunRecord {
                    id: r.try_get("id")?,
                    started_at: r.try_get("started_at")?,
                    finished_at: r.try_get("finished_at")?,
                    instance: r.try_get("instance")?,
                    trigger: parsed(r, "trigger", Trigger::parse)?,
                    as_of: r.try_get("as_of")?,
                    counts: counts(r)?,
                    error: r.try_get("error")?,
                })
            })
            .collect()
    }

    async fn candidates(&self) -> Result<Vec<Candidate>, StoreError> {
        sqlx::query(
            "SELECT reference, outcome_sent_at, closed_at, held_at IS NOT NULL AS held, \
             reduced_at IS NOT NULL AS reduced, officers_removed_at IS NOT NULL AS officers \
             FROM cases WHERE held_at IS NOT NULL OR ((outcome_sent_at IS NOT NULL OR \
             closed_at IS NOT NULL) AND (reduced_at IS NULL OR officers_removed_at IS NULL)) \
             ORDER BY received_at",
        )
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            let closed_on = uk_day(r, "closed_at")?;
            Ok(Candidate {
                reference: reference(r, "reference")?,
                dates: CaseDates {
                    // The decision: the outcome sent, or the case closed without one.
                    decided_on: uk_day(r, "outcome_sent_at")?.or(closed_on),
                    closed_on,
                    held: r.try_get("held")?,
                    reduced: r.try_get("reduced")?,
                    officers_removed: r.try_get("officers")?,
                },
            })
        })
        .collect()
    }

    async fn reduce(
        &self,
        wanted: &Reference,
        policy: &RetentionPolicy,
        by: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<RunCounts, StoreError> {
        let mut tx = self.begin_write().await?;
        // The row stays locked until commit: a colleague's change waits, then finds it reduced.
        let sql = format!(
            "SELECT id, complaint, outcome FROM cases \
             WHERE reference = $1 AND reduced_at IS NULL AND held_at IS NULL{}",
            Store::FOR_UPDATE
        );
        let Some(r) = sqlx::query(&sql)
            .bind(wanted.compact())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(RunCounts::default());
        };
        let id = r.try_get::<Id, _>("id")?.0;
        let complaint: Complaint = json(&r, "complaint")?.ok_or_else(|| corrupt("complaint"))?;
        let outcome: Option<Outcome> = json(&r, "outcome")?;
        let personal = PersonalSummary::of(
            policy,
            &complaint,
            outcome.as_ref().map(|o| o.summary.as_str()),
        );
        let keep = personal.is_some();
        let summary = personal
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|_| corrupt("summary"))?;
        // What stays: the columns the summary and the reports need. The outcome record and
        // its letter are the "final report" seed 000 keeps, when the policy keeps a summary.
        sqlx::query(
            "UPDATE cases SET complaint = '', complainant_name = $1, summary = $2, \
             outcome = CASE WHEN $3 THEN outcome END, \
             resolution = CASE WHEN $3 THEN resolution END, \
             review_reason = NULL, restricted_reason = NULL, restricted_at = NULL, \
             reduced_at = $4, reduced_by = $5 WHERE id = $6",
        )
        .bind(
            personal
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_default(),
        )
        .bind(summary)
        .bind(keep)
        .bind(Ts(now))
        .bind(by)
        .bind(Id(id))
        .execute(&mut *tx)
        .await?;
        // SPEC "Retention": every other field typed about the person goes too: how identity
        // was checked, the MP's details, where an ending referred the case and what its letter
        // added (the ending itself and its configured reason stay: the reports count them),
        // and the notes on actions; the actions' descriptions stay only with a kept summary.
        sqlx::query(&format!(
            "UPDATE cases SET identity_verified_how = NULL, mp_contact = NULL, investigation = NULL, \
             reclassified_reason = NULL, ending = CASE WHEN $1 THEN ending ELSE {} END \
             WHERE id = $2",
            ending_words_removed()
        ))
        .bind(keep)
        .bind(Id(id))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE case_actions SET done_note = NULL, \
             description = CASE WHEN $1 THEN description ELSE $2 END WHERE case_id = $3",
        )
        .bind(keep)
        .bind(REDUCED_ACTION)
        .bind(Id(id))
        .execute(&mut *tx)
        .await?;
        let mut c = RunCounts {
            cases_reduced: 1,
            ..RunCounts::default()
        };
        // Notes; corrections hold earlier personal details, progress updates what was said.
        for table in ["case_notes", "case_corrections", "progress_updates"] {
            c.notes_deleted += sqlx::query(&format!("DELETE FROM {table} WHERE case_id = $1"))
                .bind(Id(id))
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        // Earlier closures keep their dates and categories; their words go unless kept.
        sqlx::query(&format!(
            "UPDATE case_reviews SET reason = '', outcome = CASE WHEN $1 THEN outcome END, \
             ending = CASE WHEN $1 THEN ending ELSE {} END, resolution = NULL WHERE case_id = $2",
            ending_words_removed()
        ))
        .bind(keep)
        .bind(Id(id))
        .execute(&mut *tx)
        .await?;
        // Evidence files and their bytes (chunks go with their file), the complainant's links
        // and the scanner's refusals (a file's name is the person's words). Not counted as
        // notes: the run's report counts what it always has.
        for table in ["evidence_files", "evidence_links", "evidence_refusals"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE case_id = $1"))
                .bind(Id(id))
                .execute(&mut *tx)
                .await?;
        }
        c.messages_deleted = sqlx::query("DELETE FROM outbox WHERE case_id = $1")
            .bind(Id(id))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        c.letters_deleted =
            sqlx::query("DELETE FROM letters WHERE case_id = $1 AND NOT ($2 AND kind = 'outcome')")
                .bind(Id(id))
                .bind(keep)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        c.idempotency_deleted = sqlx::query("DELETE FROM idempotency_keys WHERE case_id = $1")
            .bind(Id(id))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let (event, action) = if by == "retention" {
            ("reduced to its summary", "retention: case reduced")
        } else {
            ("personal data erased", "erased personal data")
        };
        event_in(&mut tx, id, now, event, Some(by), Some(reason)).await?;
        let reference = wanted.compact();
        audit_in(&mut tx, now, by, action, Some(&reference), Some(reason)).await?;
        tx.commit().await?;
        Ok(c)
    }

    async fn message_keys(&self, wanted: &Reference) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT o.message_key FROM outbox o JOIN cases c ON c.id = o.case_id \
             WHERE c.reference = $1",
        )
        .bind(wanted.compact())
        .fetch_all(self.reader())
        .await?)
    }

    async fn remove_officers(
        &self,
        wanted: &Reference,
        now: DateTime<Utc>,
    ) -> Result<RunCounts, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(Id(id)) = sqlx::query_scalar::<_, Id>(
            "UPDATE cases SET officers_removed_at = $1 WHERE reference = $2 \
             AND officers_removed_at IS NULL AND held_at IS NULL RETURNING id",
        )
        .bind(Ts(now))
        .bind(wanted.compact())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(RunCounts::default());
        };
        // Their names go from the kept outcome and closure records and the letters too.
        let owners: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT owner FROM case_actions WHERE case_id = $1 AND owner <> ''",
        )
        .bind(Id(id))
        .fetch_all(&mut *tx)
        .await?;
        for (text, json) in officer_replacements(&owners)? {
            for (table, key) in [("cases", "id"), ("case_reviews", "case_id")] {
                sqlx::query(&format!(
                    "UPDATE {table} SET outcome = replace(outcome, $1, $2), \
                     resolution = replace(resolution, $1, $2) WHERE {key} = $3"
                ))
                .bind(&json.0)
                .bind(&json.1)
                .bind(Id(id))
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE letters SET body = replace(body, $1, $2) WHERE case_id = $3")
                .bind(&text.0)
                .bind(&text.1)
                .bind(Id(id))
                .execute(&mut *tx)
                .await?;
        }
        let removed = sqlx::query("UPDATE case_actions SET owner = '' WHERE case_id = $1")
            .bind(Id(id))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let detail = format!("{removed} action owner(s)");
        let event = "officers' names removed";
        event_in(&mut tx, id, now, event, Some("retention"), Some(&detail)).await?;
        let action = "retention: officers' names removed";
        let reference = wanted.compact();
        audit_in(
            &mut tx,
            now,
            "retention",
            action,
            Some(&reference),
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(RunCounts {
            officers_removed: 1,
            ..RunCounts::default()
        })
    }

    async fn delete_expired(
        &self,
        policy: &RetentionPolicy,
        now: DateTime<Utc>,
    ) -> Result<RunCounts, StoreError> {
        let mut tx = self.begin_write().await?;
        let idempotency_deleted = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(Ts(policy.idempotency_cutoff(now)))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // The session store's own table. Sessions end by the clock, not by the run's date: a
        // run "as of" later logs nobody out.
        let sessions_deleted = sqlx::query(Store::EXPIRED_SESSIONS)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // The audit trail's trigger lets retention, and only retention, delete from it.
        sqlx::query(Store::AUDIT_GATE_OPEN)
            .execute(&mut *tx)
            .await?;
        let audit_deleted = sqlx::query("DELETE FROM audit_events WHERE at < $1")
            .bind(Ts(policy.audit_cutoff(now)))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(Store::AUDIT_GATE_CLOSE)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(RunCounts {
            idempotency_deleted,
            sessions_deleted,
            audit_deleted,
            ..RunCounts::default()
        })
    }

    async fn compact(&self) -> Result<(), StoreError> {
        super::super::compact(self).await
    }

    async fn summary(&self, wanted: &Reference) -> Result<Option<CaseSummary>, StoreError> {
        let Some(r) =
            sqlx::query("SELECT * FROM cases WHERE reference = $1 AND reduced_at IS NOT NULL")
                .bind(wanted.compact())
                .fetch_optional(self.reader())
                .await?
        else {
            return Ok(None);
        };
        let id = r.try_get::<Id, _>("id")?.0;
        Ok(Some(CaseSummary {
            reference: reference(&r, "reference")?,
            kind: parsed(&r, "kind", CaseKind::parse)?,
            category: r.try_get("category")?,
            team: r.try_get("team")?,
            channel: parsed(&r, "channel", Channel::parse)?,
            status: parsed(&r, "status", Status::parse)?,
            received_on: r.try_get("received_on")?,
            acknowledge_by: r.try_get("acknowledge_by")?,
            outcome_due: r.try_get("outcome_due")?,
            acknowledged_at: r.try_get("acknowledged_at")?,
            outcome_sent_at: r.try_get("outcome_sent_at")?,
            closed_at: r.try_get("closed_at")?,
            outcome_category: r.try_get("outcome_category")?,
            reduced_at: r.try_get("reduced_at")?,
            reduced_by: r.try_get("reduced_by")?,
            personal: json(&r, "summary")?,
            letters: letters_of(self.reader(), id).await?,
            events: events_of(self.reader(), id).await?,
        }))
    }

    async fn hold(
        &self,
        wanted: &Reference,
        reason: &str,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        let Some(Id(id)) = sqlx::query_scalar::<_, Id>(
            "UPDATE cases SET held_reason = $1, held_at = $2, held_by = $3 \
             WHERE reference = $4 AND held_at IS NULL AND reduced_at IS NULL RETURNING id",
        )
        .bind(reason)
        .bind(Ts(at))
        .bind(actor)
        .bind(wanted.compact())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Applied::Stale);
        };
        let what = "legal hold";
        self.changed(tx, id, wanted, at, actor, what, Some(reason))
            .await
    }

    async fn release(&self, wanted: &Reference, actor: &str) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        let Some(Id(id)) = sqlx::query_scalar::<_, Id>(
            "UPDATE cases SET held_reason = NULL, held_at = NULL, held_by = NULL \
             WHERE reference = $1 AND held_at IS NOT NULL RETURNING id",
        )
        .bind(wanted.compact())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Applied::Stale);
        };
        let what = "legal hold released";
        self.changed(tx, id, wanted, at, actor, what, None).await
    }

    async fn holds(&self) -> Result<Vec<Hold>, StoreError> {
        sqlx::query(
            "SELECT reference, held_reason, held_at, held_by FROM cases \
             WHERE held_at IS NOT NULL ORDER BY held_at",
        )
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            Ok(Hold {
                reference: reference(r, "reference")?,
                reason: r.try_get("held_reason")?,
                at: r.try_get("held_at")?,
                by: r.try_get("held_by")?,
            })
        })
        .collect()
    }

    async fn restrict(
        &self,
        wanted: &Reference,
        reason: Option<&str>,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        let sql = if reason.is_some() {
            "UPDATE cases SET restricted_reason = $1, restricted_at = $2 \
             WHERE reference = $3 AND restricted_at IS NULL AND reduced_at IS NULL RETURNING id"
        } else {
            "UPDATE cases SET restricted_reason = $1, restricted_at = NULL \
             WHERE reference = $3 AND restricted_at IS NOT NULL AND $2::timestamptz IS NOT NULL \
             RETURNING id"
        };
        let Some(Id(id)) = sqlx::query_scalar::<_, Id>(sql)
            .bind(reason)
            .bind(Ts(at))
            .bind(wanted.compact())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(Applied::Stale);
        };
        let what = if reason.is_some() {
            "processing restricted"
        } else {
            "restriction lifted"
        };
        self.changed(tx, id, wanted, at, actor, what, reason).await
    }

    async fn subject_search(&self, key: &SubjectKey) -> Result<Vec<SubjectCase>, StoreError> {
        super::subject::search(self, key).await
    }
}

impl Store {
    /// Ends a hold, release or restriction: its history and audit entries, then commits.
    #[allow(clippy::too_many_arguments)]
    async fn changed(
        &self,
        mut tx: Tx<'_>,
        id: Uuid,
        wanted: &Reference,
        at: DateTime<Utc>,
        actor: &str,
        what: &str,
        detail: Option<&str>,
    ) -> Result<Applied, StoreError> {
        event_in(&mut tx, id, at, what, Some(actor), detail).await?;
        audit_in(&mut tx, at, actor, what, Some(&wanted.compact()), detail).await?;
        tx.commit().await?;
        Ok(Applied::Done)
    }
}
