//! Retention, holds, restriction and subject access on SQLite.
//!
//! Deleting must make the data unreadable in the files, not only in the application: every
//! connection has `secure_delete` on (SQLite overwrites deleted content, and freed pages,
//! with zeros), and after a run that removed personal data `compact` rewrites the database
//! (`VACUUM`) and empties the write-ahead log (`wal_checkpoint(TRUNCATE)`), so no old copy of
//! a page survives in either file.

use super::retention::*;
use super::sqlite::SqliteStore;
use super::sqlite_staff::{
    audit_in, corrupt, date, event_in, events_of, letters_of, notes_of, opt_time, parsed,
    reference, rfc3339, time,
};
use super::staff::Applied;
use super::StoreError;
use app::domain::calendar::london_date;
use app::domain::casework::{Outcome, Status};
use app::domain::complaint::{Channel, Complaint};
use app::domain::reference::Reference;
use app::domain::retention::{CaseDates, PersonalSummary, RetentionPolicy};
use app::domain::triage::CaseKind;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

/// A run holds the lease this long at most (a crashed run frees it then).
const LEASE: chrono::Duration = chrono::Duration::hours(1);

fn counts(r: &SqliteRow) -> Result<RunCounts, StoreError> {
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

fn uk_day(r: &SqliteRow, column: &str) -> Result<Option<chrono::NaiveDate>, StoreError> {
    Ok(opt_time(r, column)?.map(london_date))
}

#[async_trait]
impl RetentionStore for SqliteStore {
    async fn begin_run(
        &self,
        trigger: Trigger,
        slot: Option<&str>,
        instance: &str,
        now: DateTime<Utc>,
        as_of: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.staff_writer.begin_with("BEGIN IMMEDIATE").await?;
        let claimed = sqlx::query(
            "INSERT INTO retention_lease (name, holder, until) VALUES ('retention', ?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET holder = ?1, until = ?2 \
             WHERE retention_lease.until < ?3",
        )
        .bind(instance)
        .bind(rfc3339(now + LEASE))
        .bind(rfc3339(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(None);
        }
        let inserted = sqlx::query(
            "INSERT INTO retention_runs (slot, started_at, instance, trigger, as_of) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (slot) DO NOTHING",
        )
        .bind(slot)
        .bind(rfc3339(now))
        .bind(instance)
        .bind(trigger.id())
        .bind(rfc3339(as_of))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            // This slot's run was done already (by another instance): nothing to do.
            return Ok(None);
        }
        let id = inserted.last_insert_rowid();
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
        let mut tx = self.staff_writer.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "UPDATE retention_runs SET finished_at = ?, cases_reduced = ?, officers_removed = ?, \
             notes_deleted = ?, letters_deleted = ?, messages_deleted = ?, idempotency_deleted = ?, \
             sessions_deleted = ?, audit_deleted = ?, held_skipped = ?, error = ? WHERE id = ?",
        )
        .bind(rfc3339(now))
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
        sqlx::query("DELETE FROM retention_lease WHERE name = 'retention' AND holder = ?")
            .bind(instance)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn runs(&self, limit: i64) -> Result<Vec<RunRecord>, StoreError> {
        sqlx::query("SELECT * FROM retention_runs ORDER BY id DESC LIMIT ?")
            .bind(limit)
            .fetch_all(&self.readers)
            .await?
            .iter()
            .map(|r| {
                Ok(RunRecord {
                    id: r.try_get("id")?,
                    started_at: time(r, "started_at")?,
                    finished_at: opt_time(r, "finished_at")?,
                    instance: r.try_get("instance")?,
                    trigger: parsed(r, "trigger", Trigger::parse)?,
                    as_of: time(r, "as_of")?,
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
        .fetch_all(&self.readers)
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
        let at = rfc3339(now);
        let mut tx = self.staff_writer.begin_with("BEGIN IMMEDIATE").await?;
        let Some(r) = sqlx::query(
            "SELECT id, complaint, outcome FROM cases \
             WHERE reference = ? AND reduced_at IS NULL AND held_at IS NULL",
        )
        .bind(wanted.compact())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(RunCounts::default());
        };
        let id: String = r.try_get("id")?;
        let complaint: String = r.try_get("complaint")?;
        let complaint: Complaint =
            serde_json::from_str(&complaint).map_err(|_| corrupt("complaint"))?;
        let outcome: Option<String> = r.try_get("outcome")?;
        let outcome: Option<Outcome> = outcome
            .map(|o| serde_json::from_str(&o).map_err(|_| corrupt("outcome")))
            .transpose()?;
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
            "UPDATE cases SET complaint = '', complainant_name = ?, summary = ?, \
             outcome = CASE WHEN ? THEN outcome END, resolution = CASE WHEN ? THEN resolution END, \
             review_reason = NULL, restricted_reason = NULL, restricted_at = NULL, \
             reduced_at = ?, reduced_by = ? WHERE id = ?",
        )
        .bind(
            personal
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_default(),
        )
        .bind(summary)
        .bind(keep)
        .bind(keep)
        .bind(&at)
        .bind(by)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        // SPEC "Retention": every other field typed about the person goes too: how identity
        // was checked, the MP's details, where an ending referred the case and what its letter
        // added (the ending itself and its configured reason stay: the reports count them),
        // and the notes on actions; the actions' descriptions stay only with a kept summary.
        sqlx::query(
            "UPDATE cases SET identity_verified_how = NULL, mp_contact = NULL, investigation = NULL, \
             reclassified_reason = NULL, \
             ending = CASE WHEN ?1 THEN ending ELSE json_remove(ending, '$.referred_to', '$.note') END \
             WHERE id = ?2",
        )
        .bind(keep)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE case_actions SET done_note = NULL, \
             description = CASE WHEN ?1 THEN description ELSE ?2 END WHERE case_id = ?3",
        )
        .bind(keep)
        .bind(REDUCED_ACTION)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        let mut c = RunCounts {
            cases_reduced: 1,
            ..RunCounts::default()
        };
        c.notes_deleted = sqlx::query("DELETE FROM case_notes WHERE case_id = ?")
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // Corrections hold earlier personal details, progress updates what was said.
        for table in ["case_corrections", "progress_updates"] {
            c.notes_deleted += sqlx::query(&format!("DELETE FROM {table} WHERE case_id = ?"))
                .bind(&id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        // Earlier closures keep their dates and categories; their words go unless kept.
        sqlx::query(
            "UPDATE case_reviews SET reason = '', outcome = CASE WHEN ?1 THEN outcome END, \
             ending = CASE WHEN ?1 THEN ending ELSE json_remove(ending, '$.referred_to', '$.note') END, \
             resolution = NULL WHERE case_id = ?2",
        )
        .bind(keep)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        c.messages_deleted = sqlx::query("DELETE FROM outbox WHERE case_id = ?")
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        c.letters_deleted =
            sqlx::query("DELETE FROM letters WHERE case_id = ? AND NOT (? AND kind = 'outcome')")
                .bind(&id)
                .bind(keep)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        c.idempotency_deleted = sqlx::query("DELETE FROM idempotency_keys WHERE case_id = ?")
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let (event, action) = if by == "retention" {
            ("reduced to its summary", "retention: case reduced")
        } else {
            ("personal data erased", "erased personal data")
        };
        event_in(&mut tx, &id, &at, event, by, Some(reason)).await?;
        audit_in(
            &mut tx,
            &at,
            by,
            action,
            Some(&wanted.compact()),
            Some(reason),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    async fn message_keys(&self, wanted: &Reference) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT o.message_key FROM outbox o JOIN cases c ON c.id = o.case_id \
             WHERE c.reference = ?",
        )
        .bind(wanted.compact())
        .fetch_all(&self.readers)
        .await?)
    }

    async fn remove_officers(
        &self,
        wanted: &Reference,
        now: DateTime<Utc>,
    ) -> Result<RunCounts, StoreError> {
        let at = rfc3339(now);
        let mut tx = self.staff_writer.begin_with("BEGIN IMMEDIATE").await?;
        let Some(id) = sqlx::query_scalar::<_, String>(
            "SELECT id FROM cases WHERE reference = ? AND officers_removed_at IS NULL \
             AND held_at IS NULL",
        )
        .bind(wanted.compact())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(RunCounts::default());
        };
        // Their names go from the kept outcome and closure records and the letters too
        // (SPEC "Retention": whatever `keep_personal_summary` says).
        let owners: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT owner FROM case_actions WHERE case_id = ? AND owner <> ''",
        )
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        for (text, json) in officer_replacements(&owners)? {
            for (table, key) in [("cases", "id"), ("case_reviews", "case_id")] {
                sqlx::query(&format!(
                    "UPDATE {table} SET outcome = replace(outcome, ?1, ?2), \
                     resolution = replace(resolution, ?1, ?2) WHERE {key} = ?3"
                ))
                .bind(&json.0)
                .bind(&json.1)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE letters SET body = replace(body, ?1, ?2) WHERE case_id = ?3")
                .bind(&text.0)
                .bind(&text.1)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
        let removed = sqlx::query("UPDATE case_actions SET owner = '' WHERE case_id = ?")
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("UPDATE cases SET officers_removed_at = ? WHERE id = ?")
            .bind(&at)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        let detail = format!("{removed} action owner(s)");
        event_in(
            &mut tx,
            &id,
            &at,
            "officers' names removed",
            "retention",
            Some(&detail),
        )
        .await?;
        audit_in(
            &mut tx,
            &at,
            "retention",
            "retention: officers' names removed",
            Some(&wanted.compact()),
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
        let mut tx = self.staff_writer.begin_with("BEGIN IMMEDIATE").await?;
        let idempotency_deleted = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < ?")
            .bind(rfc3339(policy.idempotency_cutoff(now)))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // The session store's own table (tower-sessions keeps the expiry as text). Sessions
        // end by the clock, not by the run's date: a run "as of" later logs nobody out.
        let sessions_deleted =
            sqlx::query("DELETE FROM tower_sessions WHERE datetime(expiry_date) < datetime('now')")
                .execute(&mut *tx)
                .await
                .map(|r| r.rows_affected())
                .unwrap_or(0);
        sqlx::query("INSERT INTO retention_gate (open) VALUES (1)")
            .execute(&mut *tx)
            .await?;
        let audit_deleted = sqlx::query("DELETE FROM audit_events WHERE at < ?")
            .bind(rfc3339(policy.audit_cutoff(now)))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM retention_gate")
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
        let mut conn = self.staff_writer.acquire().await?;
        sqlx::query("VACUUM").execute(&mut *conn).await?;
        // A reader still on an old snapshot makes the checkpoint stop short: try a few times.
        for attempt in 0..20 {
            let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&mut *conn)
                .await?;
            if busy == 0 {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50 * (attempt + 1))).await;
        }
        Err(StoreError::Unavailable(
            "the write-ahead log could not be emptied (readers kept it busy)".into(),
        ))
    }

    async fn summary(&self, wanted: &Reference) -> Result<Option<CaseSummary>, StoreError> {
        let Some(r) =
            sqlx::query("SELECT * FROM cases WHERE reference = ? AND reduced_at IS NOT NULL")
                .bind(wanted.compact())
                .fetch_optional(&self.readers)
                .await?
        else {
            return Ok(None);
        };
        let id: String = r.try_get("id")?;
        let personal: Option<String> = r.try_get("summary")?;
        Ok(Some(CaseSummary {
            reference: reference(&r, "reference")?,
            kind: parsed(&r, "kind", CaseKind::parse)?,
            category: r.try_get("category")?,
            team: r.try_get("team")?,
            channel: parsed(&r, "channel", Channel::parse)?,
            status: parsed(&r, "status", Status::parse)?,
            received_on: date(&r, "received_on")?,
            acknowledge_by: date(&r, "acknowledge_by")?,
            outcome_due: date(&r, "outcome_due")?,
            acknowledged_at: opt_time(&r, "acknowledged_at")?,
            outcome_sent_at: opt_time(&r, "outcome_sent_at")?,
            closed_at: opt_time(&r, "closed_at")?,
            outcome_category: r.try_get("outcome_category")?,
            reduced_at: time(&r, "reduced_at")?,
            reduced_by: r.try_get("reduced_by")?,
            personal: personal
                .map(|p| serde_json::from_str(&p).map_err(|_| corrupt("summary")))
                .transpose()?,
            letters: letters_of(&self.readers, &id).await?,
            events: events_of(&self.readers, &id).await?,
        }))
    }

    async fn hold(
        &self,
        wanted: &Reference,
        reason: &str,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = rfc3339(Utc::now());
        let mut tx = self.staff_writer.begin_with("BEGIN IMMEDIATE").await?;
        let Some(id) = sqlx::query_scalar::<_, String>(
            "UPDATE cases SET held_reason = ?, held_at = ?, held_by = ? \
             WHERE reference = ? AND held_at IS NULL AND reduced_at IS NULL RETURNING id",
        )
        .bind(reason)
        .bind(&at)
        .bind(actor)
        .bind(wanted.compact())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Applied::Stale);
        };
        event_in(&mut tx, &id, &at, "legal hold", actor, Some(reason)).await?;
        audit_in(
            &mut tx,
            &at,
            actor,
            "legal hold",
            Some(&wanted.compact()),
            Some(reason),
        )
        .await?;
        tx.commit().await?;
        Ok(Applied::Done)
    }

    async fn release(&self, wanted: &Reference, actor: &str) -> Result<Applied, StoreError> {
        let at = rfc3339(Utc::now());
        let mut tx = self.staff_writer.begin_with("BEGIN IMMEDIATE").await?;
        let Some(id) = sqlx::query_scalar::<_, String>(
            "UPDATE cases SET held_reason = NULL, held_at = NULL, held_by = NULL \
             WHERE reference = ? AND held_at IS NOT NULL RETURNING id",
        )
        .bind(wanted.compact())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Applied::Stale);
        };
        event_in(&mut tx, &id, &at, "legal hold released", actor, None).await?;
        audit_in(
            &mut tx,
            &at,
            actor,
            "legal hold released",
            Some(&wanted.compact()),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(Applied::Done)
    }

    async fn holds(&self) -> Result<Vec<Hold>, StoreError> {
        sqlx::query(
            "SELECT reference, held_reason, held_at, held_by FROM cases \
             WHERE held_at IS NOT NULL ORDER BY held_at",
        )
        .fetch_all(&self.readers)
        .await?
        .iter()
        .map(|r| {
            Ok(Hold {
                reference: reference(r, "reference")?,
                reason: r.try_get("held_reason")?,
                at: time(r, "held_at")?,
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
        let at = rfc3339(Utc::now());
        let mut tx = self.staff_writer.begin_with("BEGIN IMMEDIATE").await?;
        let sql = if reason.is_some() {
            "UPDATE cases SET restricted_reason = ?, restricted_at = ? \
             WHERE reference = ? AND restricted_at IS NULL AND reduced_at IS NULL RETURNING id"
        } else {
            "UPDATE cases SET restricted_reason = ?, restricted_at = NULLIF(?, ?) \
             WHERE reference = ? AND restricted_at IS NOT NULL RETURNING id"
        };
        let mut q = sqlx::query_scalar::<_, String>(sql).bind(reason).bind(&at);
        if reason.is_none() {
            q = q.bind(&at);
        }
        let Some(id) = q.bind(wanted.compact()).fetch_optional(&mut *tx).await? else {
            return Ok(Applied::Stale);
        };
        let what = if reason.is_some() {
            "processing restricted"
        } else {
            "restriction lifted"
        };
        event_in(&mut tx, &id, &at, what, actor, reason).await?;
        audit_in(&mut tx, &at, actor, what, Some(&wanted.compact()), reason).await?;
        tx.commit().await?;
        Ok(Applied::Done)
    }

    async fn subject_search(&self, key: &SubjectKey) -> Result<Vec<SubjectCase>, StoreError> {
        // The person's own cases: as complainant (or the person complained for), or the name
        // kept in a reduced case's summary.
        let own_sql: &str = match key {
            SubjectKey::Name(_) => "instr(lower(complainant_name), lower(?1)) > 0 \
                 OR instr(lower(coalesce(json_extract(nullif(complaint, ''), '$.on_behalf_of.name'), '')), lower(?1)) > 0 \
                 OR instr(lower(coalesce(json_extract(nullif(complaint, ''), '$.constituent.name'), '')), lower(?1)) > 0",
            SubjectKey::Email(_) => "lower(json_extract(nullif(complaint, ''), '$.complainant.email')) = ?1",
            SubjectKey::Phone(_) => "replace(replace(replace(replace(replace(replace(json_extract(nullif(complaint, ''), '$.complainant.phone'), \
                 ' ', ''), '+44', '0'), '-', ''), '(', ''), ')', ''), '.', '') = ?1",
            SubjectKey::Postcode(_) => "upper(replace(json_extract(nullif(complaint, ''), '$.complainant.address.postcode'), ' ', '')) = ?1 \
                 OR instr(upper(replace(coalesce(summary, ''), ' ', '')), ?1) > 0",
            SubjectKey::Reference(_) => "reference = ?1",
        };
        let bind = key.search_value();
        let own = sqlx::query(&format!(
            "SELECT id, reference, received_on, status, complaint, summary FROM cases \
             WHERE {own_sql} ORDER BY received_at LIMIT ?2"
        ))
        .bind(&bind)
        .bind(SUBJECT_LIMIT)
        .fetch_all(&self.readers)
        .await?;
        let mut found = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for r in &own {
            let id: String = r.try_get("id")?;
            let complaint: String = r.try_get("complaint")?;
            let summary: Option<String> = r.try_get("summary")?;
            seen.insert(id.clone());
            found.push(SubjectCase {
                reference: reference(r, "reference")?,
                complainant: true,
                received_on: date(r, "received_on")?,
                status: parsed(r, "status", Status::parse)?,
                complaint: (!complaint.is_empty())
                    .then(|| serde_json::from_str(&complaint).map_err(|_| corrupt("complaint")))
                    .transpose()?,
                summary: summary
                    .map(|s| serde_json::from_str(&s).map_err(|_| corrupt("summary")))
                    .transpose()?,
                notes: notes_of(&self.readers, &id).await?,
                letters: letters_of(&self.readers, &id).await?,
                events: events_of(&self.readers, &id).await?,
                withheld: Vec::new(),
            });
        }
        // Other cases whose notes, letters or history mention them: only those records.
        if let Some(words) = key.mention() {
            let others = sqlx::query(
                "SELECT id, reference, received_on, status FROM cases c WHERE \
                 EXISTS (SELECT 1 FROM case_notes n WHERE n.case_id = c.id AND instr(lower(n.body), lower(?1)) > 0) \
                 OR EXISTS (SELECT 1 FROM letters l WHERE l.case_id = c.id AND instr(lower(l.body), lower(?1)) > 0) \
                 OR EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND instr(lower(coalesce(e.detail, '')), lower(?1)) > 0) \
                 ORDER BY received_at LIMIT ?2",
            )
            .bind(words)
            .bind(SUBJECT_LIMIT)
            .fetch_all(&self.readers)
            .await?;
            for r in &others {
                let id = r.try_get::<String, _>("id")?;
                if !seen.insert(id.clone()) {
                    continue;
                }
                found.push(SubjectCase::mentioning(
                    reference(r, "reference")?,
                    date(r, "received_on")?,
                    parsed(r, "status", Status::parse)?,
                    words,
                    notes_of(&self.readers, &id).await?,
                    letters_of(&self.readers, &id).await?,
                    events_of(&self.readers, &id).await?,
                ));
            }
        }
        Ok(found)
    }
}
