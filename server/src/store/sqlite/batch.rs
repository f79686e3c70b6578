//! The new cases of a batch written together: one statement per table for the whole batch,
//! each reading its rows from a JSON array (`json_each`), all sent in one call. Written case
//! by case, a batch of fifty cost some three hundred statements, each a hand-over between
//! tokio and sqlx's SQLite thread and back (BENCHMARKS.md, issue 27); the statements' text
//! never changes, so SQLite prepares them once per connection.
//!
//! Inside the batch's transaction and a savepoint of its own: if any row is refused (a
//! reference drawn twice, about one in 10¹¹ per case), the savepoint is rolled back and the
//! caller writes the cases one at a time, each in its own savepoint.

use super::rfc3339;
use crate::store::{NewCase, StoreError};
use app::domain::receipt::Receipt;
use serde::Serialize;
use sqlx::SqliteConnection;

/// The statements, in an order the foreign keys accept (the case before what refers to it).
const WRITE: &str = "
    SAVEPOINT new_cases;
    INSERT INTO cases (id, reference, kind, category, team, channel, status, received_at,
        received_on, acknowledge_by, outcome_due, identity_check, clarification_needed,
        corporate_handover, consent_share, survey_opt_out, publication_opt_out,
        complainant_name, complaint, keyed_in_by, created_at, review_reason, mp_contact, language)
    SELECT value->>'id', value->>'reference', value->>'kind', value->>'category', value->>'team',
        value->>'channel', 'received', value->>'received_at', value->>'received_on',
        value->>'acknowledge_by', value->>'outcome_due', value->>'identity_check',
        value->>'clarification_needed', value->>'corporate_handover', value->>'consent_share',
        value->>'survey_opt_out', value->>'publication_opt_out', value->>'name',
        value->>'complaint', value->>'keyed_in_by', ?, value->>'review', value->>'mp',
        value->>'language'
    FROM json_each(?);
    INSERT INTO idempotency_keys (key, request_hash, case_id, response, created_at)
    SELECT value->>'key', value->>'hash', value->>'id', value->>'response', ? FROM json_each(?);
    INSERT INTO case_events (case_id, at, event, actor, detail)
    SELECT value->>'case_id', value->>'at', value->>'event', value->>'actor', value->>'detail'
    FROM json_each(?) ORDER BY key;
    INSERT INTO letters (case_id, kind, created_at, subject, body)
    SELECT value->>'case_id', 'acknowledgement', value->>'at', value->>'subject', value->>'body'
    FROM json_each(?) ORDER BY key;
    INSERT INTO outbox (message_key, case_id, kind, audience, channel, letter_id, status,
        next_attempt_at, created_at)
    SELECT value->>'key', value->>'case_id', value->>'kind', value->>'audience',
        value->>'channel',
        CASE WHEN value->>'with_letter' THEN (SELECT id FROM letters
            WHERE case_id = value->>'case_id' AND kind = 'acknowledgement') END,
        'waiting', ?, ?
    FROM json_each(?) ORDER BY key;
    INSERT INTO audit_events (at, username, action, reference, detail)
    SELECT ?, value->>'username', 'keyed in a complaint', value->>'reference', value->>'detail'
    FROM json_each(?) ORDER BY key;
    RELEASE new_cases;
";

#[derive(Serialize)]
struct CaseRow<'a> {
    id: String,
    key: String,
    hash: &'a str,
    response: String,
    reference: String,
    kind: &'static str,
    category: &'a str,
    team: &'a str,
    channel: &'static str,
    received_at: String,
    received_on: String,
    acknowledge_by: String,
    outcome_due: String,
    identity_check: bool,
    clarification_needed: bool,
    corporate_handover: bool,
    consent_share: bool,
    survey_opt_out: bool,
    publication_opt_out: bool,
    name: &'a str,
    complaint: String,
    keyed_in_by: Option<&'a str>,
    review: Option<&'a str>,
    mp: Option<String>,
    language: &'static str,
}

#[derive(Serialize)]
struct EventRow<'a> {
    case_id: String,
    at: String,
    event: &'static str,
    actor: Option<&'a str>,
    detail: String,
}

#[derive(Serialize)]
struct LetterRow {
    case_id: String,
    at: String,
    subject: String,
    body: String,
}

#[derive(Serialize)]
struct MessageRow {
    key: String,
    case_id: String,
    kind: &'static str,
    audience: &'static str,
    channel: &'static str,
    with_letter: bool,
}

#[derive(Serialize)]
struct AuditRow<'a> {
    username: &'a str,
    reference: String,
    detail: String,
}

#[derive(Default)]
struct Rows<'a> {
    cases: Vec<CaseRow<'a>>,
    events: Vec<EventRow<'a>>,
    letters: Vec<LetterRow>,
    messages: Vec<MessageRow>,
    audit: Vec<AuditRow<'a>>,
}

fn json<T: Serialize>(value: &T, what: &str) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Unavailable(format!("{what} not serialisable: {e}")))
}

impl<'a> Rows<'a> {
    fn push(&mut self, case: &'a NewCase, receipt: &Receipt) -> Result<(), StoreError> {
        let reference = receipt.reference;
        let id = case.id.to_string();
        let received_at = rfc3339(case.received_at);
        let flags = case.triage.flags;
        let consents = &case.complaint.consents;
        self.cases.push(CaseRow {
            id: id.clone(),
            key: case.idempotency_key.to_string(),
            hash: &case.request_hash,
            response: json(receipt, "receipt")?,
            reference: reference.compact(),
            kind: case.triage.kind.id(),
            category: &case.complaint.category,
            team: &case.team.id,
            channel: case.channel.id(),
            received_at: received_at.clone(),
            received_on: case.received_on.to_string(),
            acknowledge_by: case.deadlines.acknowledge_by.to_string(),
            outcome_due: case.deadlines.outcome_due.to_string(),
            identity_check: flags.identity_check,
            clarification_needed: flags.clarification_needed,
            corporate_handover: flags.corporate_handover,
            consent_share: consents.share_with_organisation,
            survey_opt_out: consents.survey_opt_out,
            publication_opt_out: consents.publication_opt_out,
            name: case.complaint.complainant.full_name.as_str(),
            complaint: json(&case.complaint, "complaint")?,
            keyed_in_by: case.keyed_in_by.as_deref(),
            review: case.review.as_deref(),
            mp: case.mp.as_ref().map(|m| json(m, "MP")).transpose()?,
            language: case.lang.code(),
        });
        let rows = case.rows(&reference);
        for event in rows.events {
            self.events.push(EventRow {
                case_id: id.clone(),
                at: received_at.clone(),
                event: event.event,
                actor: case.keyed_in_by.as_deref(),
                detail: event.detail,
            });
        }
        if let Some(letter) = rows.letter {
            self.letters.push(LetterRow {
                case_id: id.clone(),
                at: received_at.clone(),
                subject: letter.subject,
                body: letter.body,
            });
        }
        for message in rows.messages {
            self.messages.push(MessageRow {
                key: message.key,
                case_id: id.clone(),
                kind: message.kind,
                audience: message.audience,
                channel: message.route.id(),
                with_letter: message.with_letter,
            });
        }
        if let (Some(staff), Some(detail)) = (&case.keyed_in_by, rows.audit) {
            self.audit.push(AuditRow {
                username: staff,
                reference: reference.compact(),
                detail,
            });
        }
        Ok(())
    }
}

/// Writes the cases with their receipts' references; on an error nothing of them is left.
pub(super) async fn write(
    conn: &mut SqliteConnection,
    cases: &[(&NewCase, &Receipt)],
) -> Result<(), StoreError> {
    let mut rows = Rows::default();
    for (case, receipt) in cases {
        rows.push(case, receipt)?;
    }
    let now = rfc3339(chrono::Utc::now());
    let new_cases = json(&rows.cases, "cases")?;
    let result = sqlx::query(WRITE)
        .bind(&now)
        .bind(&new_cases)
        .bind(&now)
        .bind(&new_cases)
        .bind(json(&rows.events, "history")?)
        .bind(json(&rows.letters, "letters")?)
        .bind(&now)
        .bind(&now)
        .bind(json(&rows.messages, "messages")?)
        .bind(&now)
        .bind(json(&rows.audit, "audit entries")?)
        .execute(&mut *conn)
        .await;
    if let Err(e) = result {
        sqlx::query("ROLLBACK TO new_cases; RELEASE new_cases;")
            .execute(&mut *conn)
            .await?;
        return Err(e.into());
    }
    Ok(())
}
