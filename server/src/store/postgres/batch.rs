//! The complaints waiting, written together: ONE statement for the whole batch (one round
//! trip, one commit, one plan kept by the connection whatever the batch's size). Every column
//! travels as an array and `UNNEST` turns the arrays back into rows, so the statement's text
//! never changes.
//!
//! What holds for one complaint holds for each in the batch: everything of a case hangs on
//! its idempotency key's insert (`k`); a key already taken (by an earlier request, on any
//! instance) writes nothing for that case, and its first answer is read back after the commit.
//! Keys go in sorted, so two instances' batches sharing keys wait on each other in the same
//! order and cannot deadlock. If the statement fails (a reference drawn twice, which is about
//! one in 10¹¹ per case, or anything else), nothing of the batch was written and each of its
//! complaints is tried again on its own, so one bad complaint never costs the others theirs.

use super::sql::to_json;
use super::{earlier_answer, submit_one, Params};
use crate::store::group_commit::{Batches, Job};
use crate::store::{NewCase, StoreError, Submitted};
use app::domain::receipt::Receipt;
use app::domain::reference::Reference;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgArguments;
use sqlx::PgPool;
use std::collections::HashSet;
use std::sync::Arc;
use uuid::Uuid;

/// Takes batches until shutdown. Several run at once (`INTAKE_PG_WRITERS`), so one batch is
/// being written while the next one gathers.
pub(super) async fn writer_loop(pool: PgPool, batches: Arc<Batches>) {
    while let Some(mut batch) = batches.next().await {
        batch.sort_by_key(|job| job.case.idempotency_key);
        // A key twice in one batch: the later request waits for the first one's answer
        // (the one-complaint path finds the key committed and replays it).
        let mut seen = HashSet::new();
        let (batch, repeats): (Vec<Job>, Vec<Job>) = batch
            .into_iter()
            .partition(|job| seen.insert(job.case.idempotency_key));
        let results = write(&pool, &batch).await;
        for (job, result) in batch.into_iter().zip(results) {
            job.answer(result);
        }
        for job in repeats {
            let result = submit_one(&pool, &job.case).await;
            job.answer(result);
        }
    }
}

async fn write(pool: &PgPool, batch: &[Job]) -> Vec<Result<Submitted, StoreError>> {
    let receipts: Vec<Receipt> = batch
        .iter()
        .map(|job| job.case.receipt(Reference::from_random(rand::random())))
        .collect();
    let written = match statement(batch, &receipts) {
        Ok((sql, args)) => sqlx::query_scalar_with::<_, Uuid, _>(&sql, args)
            .fetch_all(pool)
            .await
            .map_err(StoreError::from),
        Err(e) => Err(e),
    };
    let created: HashSet<Uuid> = match written {
        Ok(keys) => {
            crate::metrics::batch_written("postgres", batch.len());
            keys.into_iter().collect()
        }
        Err(e) => {
            crate::metrics::batch_retried_singly();
            tracing::warn!(error = %e, complaints = batch.len(),
                "case store: a batch was not written; each complaint tried on its own");
            let mut results = Vec::with_capacity(batch.len());
            for job in batch {
                results.push(submit_one(&pool, &job.case).await);
            }
            return results;
        }
    };
    let mut results = Vec::with_capacity(batch.len());
    for (job, receipt) in batch.iter().zip(receipts) {
        results.push(if created.contains(&job.case.idempotency_key) {
            Ok(Submitted::Created(receipt))
        } else {
            earlier_answer(pool, &job.case).await
        });
    }
    results
}

/// The batch's rows, column by column.
#[derive(Default)]
struct Columns {
    key: Vec<Uuid>,
    hash: Vec<String>,
    response: Vec<String>,
    id: Vec<Uuid>,
    reference: Vec<String>,
    kind: Vec<String>,
    category: Vec<String>,
    team: Vec<String>,
    channel: Vec<String>,
    received_at: Vec<DateTime<Utc>>,
    received_on: Vec<NaiveDate>,
    acknowledge_by: Vec<NaiveDate>,
    outcome_due: Vec<NaiveDate>,
    identity_check: Vec<bool>,
    clarification_needed: Vec<bool>,
    corporate_handover: Vec<bool>,
    consent_share: Vec<bool>,
    survey_opt_out: Vec<bool>,
    publication_opt_out: Vec<bool>,
    name: Vec<String>,
    complaint: Vec<String>,
    keyed_in_by: Vec<Option<String>>,
    review: Vec<Option<String>>,
    mp: Vec<Option<String>>,
    language: Vec<String>,
    letters: Letters,
    events: Events,
    messages: Messages,
    audit: Audit,
}

#[derive(Default)]
struct Letters {
    case: Vec<Uuid>,
    at: Vec<DateTime<Utc>>,
    subject: Vec<String>,
    body: Vec<String>,
}

#[derive(Default)]
struct Events {
    case: Vec<Uuid>,
    at: Vec<DateTime<Utc>>,
    event: Vec<String>,
    actor: Vec<Option<String>>,
    detail: Vec<String>,
}

#[derive(Default)]
struct Messages {
    key: Vec<String>,
    case: Vec<Uuid>,
    kind: Vec<String>,
    audience: Vec<String>,
    channel: Vec<String>,
    with_letter: Vec<bool>,
}

#[derive(Default)]
struct Audit {
    case: Vec<Uuid>,
    username: Vec<String>,
    reference: Vec<String>,
    detail: Vec<String>,
}

impl Columns {
    fn push(&mut self, case: &NewCase, receipt: &Receipt) -> Result<(), StoreError> {
        let reference = receipt.reference;
        self.key.push(case.idempotency_key);
        self.hash.push(case.request_hash.clone());
        self.response.push(to_json(receipt, "response")?);
        self.id.push(case.id);
        self.reference.push(reference.compact());
        self.kind.push(case.triage.kind.id().into());
        self.category.push(case.complaint.category.clone());
        self.team.push(case.team.id.clone());
        self.channel.push(case.channel.id().into());
        self.received_at.push(case.received_at);
        self.received_on.push(case.received_on);
        self.acknowledge_by.push(case.deadlines.acknowledge_by);
        self.outcome_due.push(case.deadlines.outcome_due);
        let flags = case.triage.flags;
        self.identity_check.push(flags.identity_check);
        self.clarification_needed.push(flags.clarification_needed);
        self.corporate_handover.push(flags.corporate_handover);
        let consents = &case.complaint.consents;
        self.consent_share.push(consents.share_with_organisation);
        self.survey_opt_out.push(consents.survey_opt_out);
        self.publication_opt_out.push(consents.publication_opt_out);
        self.name
            .push(case.complaint.complainant.full_name.as_str().to_string());
        self.complaint.push(to_json(&case.complaint, "complaint")?);
        self.keyed_in_by.push(case.keyed_in_by.clone());
        self.review.push(case.review.clone());
        self.mp.push(
            case.mp
                .as_ref()
                .map(|m| to_json(m, "mp_contact"))
                .transpose()?,
        );
        self.language.push(case.lang.code().into());
        // The history in the order it happened (the insert follows the arrays' order).
        let rows = case.rows(&reference);
        for event in rows.events {
            let e = &mut self.events;
            e.case.push(case.id);
            e.at.push(case.received_at);
            e.event.push(event.event.into());
            e.actor.push(case.keyed_in_by.clone());
            e.detail.push(event.detail);
        }
        if let Some(letter) = rows.letter {
            let l = &mut self.letters;
            l.case.push(case.id);
            l.at.push(case.received_at);
            l.subject.push(letter.subject);
            l.body.push(letter.body);
        }
        for message in rows.messages {
            let m = &mut self.messages;
            m.key.push(message.key);
            m.case.push(case.id);
            m.kind.push(message.kind.into());
            m.audience.push(message.audience.into());
            m.channel.push(message.route.id().into());
            m.with_letter.push(message.with_letter);
        }
        if let (Some(staff), Some(detail)) = (&case.keyed_in_by, rows.audit) {
            self.audit.case.push(case.id);
            self.audit.username.push(staff.clone());
            self.audit.reference.push(reference.compact());
            self.audit.detail.push(detail);
        }
        Ok(())
    }
}
/// The statement and its arrays. Returns the keys it claimed (those whose cases it wrote).
fn statement(batch: &[Job], receipts: &[Receipt]) -> Result<(String, PgArguments), StoreError> {
    let mut c = Columns::default();
    for (job, receipt) in batch.iter().zip(receipts) {
        c.push(&job.case, receipt)?;
    }
    let mut p = Params(PgArguments::default());
    let now = p.bind(Utc::now())?;
    let cases = [
        p.bind(c.key)? + "::uuid[]",
        p.bind(c.hash)? + "::text[]",
        p.bind(c.response)? + "::text[]",
        p.bind(c.id)? + "::uuid[]",
        p.bind(c.reference)? + "::text[]",
        p.bind(c.kind)? + "::text[]",
        p.bind(c.category)? + "::text[]",
        p.bind(c.team)? + "::text[]",
        p.bind(c.channel)? + "::text[]",
        p.bind(c.received_at)? + "::timestamptz[]",
        p.bind(c.received_on)? + "::date[]",
        p.bind(c.acknowledge_by)? + "::date[]",
        p.bind(c.outcome_due)? + "::date[]",
        p.bind(c.identity_check)? + "::boolean[]",
        p.bind(c.clarification_needed)? + "::boolean[]",
        p.bind(c.corporate_handover)? + "::boolean[]",
        p.bind(c.consent_share)? + "::boolean[]",
        p.bind(c.survey_opt_out)? + "::boolean[]",
        p.bind(c.publication_opt_out)? + "::boolean[]",
        p.bind(c.name)? + "::text[]",
        p.bind(c.complaint)? + "::text[]",
        p.bind(c.keyed_in_by)? + "::text[]",
        p.bind(c.review)? + "::text[]",
        p.bind(c.mp)? + "::text[]",
        p.bind(c.language)? + "::text[]",
    ]
    .join(", ");
    let letters = [
        p.bind(c.letters.case)? + "::uuid[]",
        p.bind(c.letters.at)? + "::timestamptz[]",
        p.bind(c.letters.subject)? + "::text[]",
        p.bind(c.letters.body)? + "::text[]",
    ]
    .join(", ");
    let events = [
        p.bind(c.events.case)? + "::uuid[]",
        p.bind(c.events.at)? + "::timestamptz[]",
        p.bind(c.events.event)? + "::text[]",
        p.bind(c.events.actor)? + "::text[]",
        p.bind(c.events.detail)? + "::text[]",
    ]
    .join(", ");
    let messages = [
        p.bind(c.messages.key)? + "::text[]",
        p.bind(c.messages.case)? + "::uuid[]",
        p.bind(c.messages.kind)? + "::text[]",
        p.bind(c.messages.audience)? + "::text[]",
        p.bind(c.messages.channel)? + "::text[]",
        p.bind(c.messages.with_letter)? + "::boolean[]",
    ]
    .join(", ");
    let audit = [
        p.bind(c.audit.case)? + "::uuid[]",
        p.bind(c.audit.username)? + "::text[]",
        p.bind(c.audit.reference)? + "::text[]",
        p.bind(c.audit.detail)? + "::text[]",
    ]
    .join(", ");
    // Rows joined to `c` belong to cases written now; `ORDER BY n` keeps each table's ids
    // in the arrays' order (a case's history reads in the order it happened).
    let sql = format!(
        "WITH v AS (SELECT * FROM UNNEST({cases}) AS v (key, hash, response, id, reference, \
           kind, category, team, channel, received_at, received_on, acknowledge_by, outcome_due, \
           identity_check, clarification_needed, corporate_handover, consent_share, \
           survey_opt_out, publication_opt_out, name, complaint, keyed_in_by, review, mp, \
           language)), \
         k AS (INSERT INTO idempotency_keys (key, request_hash, case_id, response, created_at) \
           SELECT key, hash, id, response, {now} FROM v ON CONFLICT (key) DO NOTHING \
           RETURNING key, case_id), \
         c AS (INSERT INTO cases (id, reference, kind, category, team, channel, status, \
           received_at, received_on, acknowledge_by, outcome_due, identity_check, \
           clarification_needed, corporate_handover, consent_share, survey_opt_out, \
           publication_opt_out, complainant_name, complaint, keyed_in_by, created_at, \
           review_reason, mp_contact, language) \
           SELECT v.id, reference, kind, category, team, channel, 'received', received_at, \
           received_on, acknowledge_by, outcome_due, identity_check, clarification_needed, \
           corporate_handover, consent_share, survey_opt_out, publication_opt_out, name, \
           complaint, keyed_in_by, {now}, review, mp, language \
           FROM v JOIN k ON k.case_id = v.id RETURNING id), \
         l AS (INSERT INTO letters (case_id, kind, created_at, subject, body) \
           SELECT a.case_id, 'acknowledgement', a.at, a.subject, a.body \
           FROM UNNEST({letters}) WITH ORDINALITY AS a (case_id, at, subject, body, n) \
           JOIN c ON c.id = a.case_id ORDER BY a.n RETURNING id, case_id), \
         e AS (INSERT INTO case_events (case_id, at, event, actor, detail) \
           SELECT a.case_id, a.at, a.event, a.actor, a.detail \
           FROM UNNEST({events}) WITH ORDINALITY AS a (case_id, at, event, actor, detail, n) \
           JOIN c ON c.id = a.case_id ORDER BY a.n), \
         m AS (INSERT INTO outbox (message_key, case_id, kind, audience, channel, letter_id, \
           status, next_attempt_at, created_at) \
           SELECT a.key, a.case_id, a.kind, a.audience, a.channel, \
           CASE WHEN a.with_letter THEN l.id END, 'waiting', {now}, {now} \
           FROM UNNEST({messages}) WITH ORDINALITY \
             AS a (key, case_id, kind, audience, channel, with_letter, n) \
           JOIN c ON c.id = a.case_id LEFT JOIN l ON a.with_letter AND l.case_id = a.case_id \
           ORDER BY a.n), \
         audit AS (INSERT INTO audit_events (at, username, action, reference, detail) \
           SELECT {now}, a.username, 'keyed in a complaint', a.reference, a.detail \
           FROM UNNEST({audit}) WITH ORDINALITY AS a (case_id, username, reference, detail, n) \
           JOIN c ON c.id = a.case_id ORDER BY a.n) \
         SELECT key FROM k"
    );
    Ok((sql, p.0))
}
