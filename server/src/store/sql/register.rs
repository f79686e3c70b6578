//! What staff read: the register, case files and what the reports count.

use super::{
    corrupt, json, opt_reference, parsed, reference, waiting, Db, DbRow, Id, Pool, Store, Ts,
};
use crate::store::dialect::Dialect;
use crate::store::staff::*;
use crate::store::StoreError;
use app::domain::casework::{ActionKind, EndingRecord, ProgressUpdate, Status};
use app::domain::casework::{DueFilter, NoteKind, Outstanding, RegisterCursor, RegisterQuery};
use app::domain::complaint::Channel;
use app::domain::letter::{Letter, LetterKind};
use app::domain::reference::Reference;
use app::domain::text::{limits, Lines, Text};
use app::domain::triage::CaseKind;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

pub(crate) async fn events_of(pool: &Pool, id: Uuid) -> Result<Vec<CaseEvent>, StoreError> {
    sqlx::query("SELECT at, event, actor, detail FROM case_events WHERE case_id = $1 ORDER BY id")
        .bind(Id(id))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|e| {
            Ok(CaseEvent {
                at: e.try_get("at")?,
                event: e.try_get("event")?,
                actor: e.try_get("actor")?,
                detail: e.try_get("detail")?,
            })
        })
        .collect()
}

pub(crate) async fn notes_of(pool: &Pool, id: Uuid) -> Result<Vec<CaseNote>, StoreError> {
    sqlx::query("SELECT at, author, kind, body FROM case_notes WHERE case_id = $1 ORDER BY id")
        .bind(Id(id))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|n| {
            Ok(CaseNote {
                at: n.try_get("at")?,
                author: n.try_get("author")?,
                kind: parsed(n, "kind", NoteKind::parse)?,
                body: n.try_get("body")?,
            })
        })
        .collect()
}

pub(crate) async fn letters_of(pool: &Pool, id: Uuid) -> Result<Vec<StoredLetter>, StoreError> {
    sqlx::query(
        "SELECT id, kind, created_at, subject, body FROM letters WHERE case_id = $1 ORDER BY id",
    )
    .bind(Id(id))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|l| {
        Ok(StoredLetter {
            id: l.try_get("id")?,
            kind: parsed(l, "kind", LetterKind::parse)?,
            created_at: l.try_get("created_at")?,
            letter: Letter {
                subject: l.try_get("subject")?,
                body: l.try_get("body")?,
            },
        })
    })
    .collect()
}

pub(super) fn stored_action(a: &DbRow) -> Result<StoredAction, StoreError> {
    Ok(StoredAction {
        id: a.try_get("id")?,
        kind: parsed(a, "kind", ActionKind::parse)?,
        description: a.try_get("description")?,
        owner: a.try_get("owner")?,
        due_on: a.try_get("due_on")?,
        done_on: a.try_get("done_on")?,
        done_note: a.try_get("done_note")?,
    })
}

pub(super) async fn corrections_of(
    pool: &Pool,
    id: Uuid,
) -> Result<Vec<StoredCorrection>, StoreError> {
    sqlx::query(
        "SELECT at, actor, reason, changes FROM case_corrections WHERE case_id = $1 ORDER BY id",
    )
    .bind(Id(id))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(StoredCorrection {
            at: r.try_get("at")?,
            actor: r.try_get("actor")?,
            reason: r.try_get("reason")?,
            changes: json(r, "changes")?.ok_or_else(|| corrupt("changes"))?,
        })
    })
    .collect()
}

/// The case's progress updates, oldest first.
pub(super) async fn updates_of(pool: &Pool, id: Uuid) -> Result<Vec<StoredUpdate>, StoreError> {
    sqlx::query(
        "SELECT at, author, progress, revised_on, why FROM progress_updates \
         WHERE case_id = $1 ORDER BY id",
    )
    .bind(Id(id))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let text = |c: &str| -> Result<Text, StoreError> {
            let raw: String = r.try_get(c)?;
            Text::parse(&raw, c, c, limits::DESCRIPTION, Lines::Many)
                .ok()
                .flatten()
                .ok_or_else(|| corrupt(c))
        };
        Ok(StoredUpdate {
            at: r.try_get("at")?,
            author: r.try_get("author")?,
            update: ProgressUpdate {
                progress: text("progress")?,
                revised_on: r.try_get("revised_on")?,
                why: text("why")?,
            },
        })
    })
    .collect()
}

/// The case's earlier closures, oldest first.
pub(super) async fn reviews_of(pool: &Pool, id: Uuid) -> Result<Vec<Review>, StoreError> {
    sqlx::query("SELECT * FROM case_reviews WHERE case_id = $1 ORDER BY id")
        .bind(Id(id))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Review {
                opened_at: r.try_get("opened_at")?,
                opened_by: r.try_get("opened_by")?,
                reason: r.try_get("reason")?,
                outcome: json(r, "outcome")?,
                outcome_sent_at: r.try_get("outcome_sent_at")?,
                ending: json(r, "ending")?,
                closed_at: r.try_get("closed_at")?,
                outcome_due: r.try_get("outcome_due")?,
            })
        })
        .collect()
}

/// The date of the next deadline of an open case, as SQL (see casework::next_due).
pub(super) const NEXT_DUE: &str = "CASE WHEN kind = 'breach_report' THEN NULL \
     WHEN status = 'received' THEN acknowledge_by \
     WHEN status IN ('acknowledged', 'investigating') THEN outcome_due END";

/// The register's filter, as a WHERE clause with its values bound (never spliced in).
/// Whether it wrote a clause (so what follows says AND, not WHERE).
fn push_filter(sql: &mut QueryBuilder<'_, Db>, q: &RegisterQuery, today: NaiveDate) -> bool {
    let first = std::cell::Cell::new(true);
    let and = |sql: &mut QueryBuilder<'_, Db>| {
        sql.push(if first.replace(false) {
            " WHERE "
        } else {
            " AND "
        });
    };
    let equal = |sql: &mut QueryBuilder<'_, Db>, column: &str, value: String| {
        and(sql);
        sql.push(column).push(" = ").push_bind(value);
    };
    if let Some(team) = &q.team {
        equal(sql, "team", team.clone());
    }
    if let Some(status) = q.status {
        equal(sql, "status", status.id().into());
    }
    if let Some(category) = &q.category {
        equal(sql, "category", category.clone());
    }
    if let Some(handler) = &q.handler {
        equal(sql, "handler", handler.clone());
    }
    if let Some(k) = q.kind {
        equal(sql, "kind", k.id().into());
    }
    if let Some(incident) = &q.incident {
        equal(sql, "incident", incident.clone());
    }
    let fixed = |sql: &mut QueryBuilder<'_, Db>, clause: &str| {
        and(sql);
        sql.push(clause);
    };
    if q.status.is_none() && q.open_only {
        fixed(sql, "status <> 'closed'");
    }
    if q.unassigned {
        fixed(sql, "handler IS NULL");
    }
    if q.hide_restricted {
        fixed(sql, "restricted_at IS NULL");
    }
    match q.outstanding {
        Some(Outstanding::Identity) => {
            fixed(sql, "identity_check AND identity_verified_on IS NULL")
        }
        Some(Outstanding::Clarification) => fixed(
            sql,
            "clarification_needed AND clarification_received_on IS NULL",
        ),
        Some(Outstanding::Reply) => fixed(sql, "waiting_since IS NOT NULL AND status <> 'closed'"),
        Some(Outstanding::Handover) => {
            fixed(sql, "corporate_handover AND handover_made_on IS NULL")
        }
        None => {}
    }
    let compare = |sql: &mut QueryBuilder<'_, Db>, expr: &str, op: &str, d: NaiveDate| {
        fixed(sql, expr);
        sql.push(op).push_bind(d);
    };
    if let Some(d) = q.received_from {
        compare(sql, "received_on", " >= ", d);
    }
    if let Some(d) = q.received_to {
        compare(sql, "received_on", " <= ", d);
    }
    let next_due = format!("({NEXT_DUE})");
    // An outcome target whose clock is stopped (waiting for the complainant) is not due.
    let running = "(status = 'received' OR NOT clock_stopped)";
    // Said as the index's first column says it (`(due IS NULL) IS FALSE`, implied by any range
    // on the due date): PostgreSQL then seeks the index to the dated cases rather than reading
    // all of it (`NOT (due IS NULL)` it rewrites to a form the index does not match).
    let dated = format!("({next_due} IS NULL) IS FALSE");
    match q.due {
        Some(DueFilter::Overdue) => {
            fixed(sql, &dated);
            compare(sql, &next_due, " < ", today);
            fixed(sql, running);
        }
        Some(DueFilter::ThisWeek) => {
            fixed(sql, &dated);
            compare(sql, &next_due, " >= ", today);
            compare(sql, &next_due, " <= ", today + chrono::Days::new(7));
            fixed(sql, running);
        }
        None => {}
    }
    if let Some(e) = &q.ended {
        fixed(sql, "(outcome_category = ");
        let ending = Store::json_text("ending", &["ending"]);
        sql.push_bind(e.clone())
            .push(format!(" OR {ending} = "))
            .push_bind(e.clone())
            .push(")");
    }
    !first.get()
}

/// The rows after (or, `before`, ahead of) `c` in the register's order: deadline, nulls last;
/// then received, newest first; then id. Spelled out term by term, since the order's
/// directions are mixed and a row comparison cannot say it.
fn push_keyset(sql: &mut QueryBuilder<'_, Db>, c: &RegisterCursor, before: bool) {
    // The deadline as the index has it (an alias cannot stand in a WHERE).
    let due = format!("({NEXT_DUE})");
    let (later, earlier, id_after) = if before {
        (">", "<", "<")
    } else {
        ("<", ">", ">")
    };
    // The same deadline: newer first, then the id.
    let tie = |sql: &mut QueryBuilder<'_, Db>| {
        sql.push(format!("(received_at {later} "))
            .push_bind(Ts(c.received_at))
            .push(" OR (received_at = ")
            .push_bind(Ts(c.received_at))
            .push(format!(" AND id {id_after} "))
            .push_bind(Id(c.id))
            .push("))");
    };
    // With a deadline, first where its deadline's rows begin (or end), as a comparison of the
    // index's leading columns, so the database seeks there rather than reading from the top.
    if let Some(d) = c.due {
        sql.push(format!(
            "({due} IS NULL, {due}) {} (",
            if before { "<=" } else { ">=" }
        ))
        .push_bind(false)
        .push(", ")
        .push_bind(d)
        .push(") AND ");
    }
    match (c.due, before) {
        (Some(d), false) => {
            sql.push(format!("({due} IS NULL OR {due} > "))
                .push_bind(d)
                .push(format!(" OR ({due} = "))
                .push_bind(d)
                .push(" AND ");
            tie(sql);
            sql.push("))");
        }
        (Some(d), true) => {
            sql.push(format!("({due} IS NOT NULL AND ({due} {earlier} "))
                .push_bind(d)
                .push(format!(" OR ({due} = "))
                .push_bind(d)
                .push(" AND ");
            tie(sql);
            sql.push(")))");
        }
        (None, false) => {
            sql.push(format!("({due} IS NULL AND "));
            tie(sql);
            sql.push(")");
        }
        (None, true) => {
            sql.push(format!("({due} IS NOT NULL OR "));
            tie(sql);
            sql.push(")");
        }
    }
}

#[async_trait]
impl Register for Store {
    async fn register(
        &self,
        q: &RegisterQuery,
        today: NaiveDate,
    ) -> Result<RegisterPage, StoreError> {
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM cases");
        push_filter(&mut count, q, today);
        let size = if q.all {
            EXPORT_LIMIT
        } else {
            q.size.unwrap_or(REGISTER_PAGE_SIZE).clamp(1, EXPORT_LIMIT)
        };
        let cursor = q.after.map(|c| (c, false)).or(q.before.map(|c| (c, true)));
        // Without a cursor (the first page, a download, a typed-in `page=`): counted from the
        // first row. With one, the page starts at its place in the order: the deepest page
        // costs what the first does.
        let offset = match cursor {
            None if !q.all => (q.page.max(1) - 1) * size,
            _ => 0,
        };
        let backwards = cursor.is_some_and(|(_, before)| before);
        // Open cases by their next deadline, earliest first; then the rest, newest first (the
        // id settles ties, so pages never overlap). The page is chosen over the few columns
        // the filter and the order need, and only its rows are then read whole: reading each
        // complaint's document for every matching case before the sort cost most of the time.
        let mut rows = QueryBuilder::new(format!(
            "SELECT page.page_due, page.page_at, page.id AS page_id, \
             c.reference, c.kind, c.received_on, c.team, c.category, c.channel, c.status, \
             c.handler, c.acknowledge_by, c.outcome_due, c.acknowledged_at, c.outcome_sent_at, \
             c.review_reason, c.held_at IS NOT NULL AS held, \
             c.restricted_at IS NOT NULL AS restricted, c.reduced_at IS NOT NULL AS reduced, \
             c.revised_due, c.ending, {} IS NOT NULL AS adjustments, c.complainant_name, \
             c.outcome_category, c.survey_opt_out, c.publication_opt_out, c.waiting_since, \
             c.clock_stopped, c.reminded_on, c.cannot_reach_at IS NOT NULL AS cannot_reach, \
             c.incident FROM (\
             SELECT id, ({NEXT_DUE}) AS page_due, received_at AS page_at FROM cases",
            Store::json_text("nullif(c.complaint, '')", &["complainant", "adjustments"])
        ));
        // One query level, the order spelled as the index `cases_register_order` spells it,
        // so both databases read the page off that index from its place onwards.
        let filtered = push_filter(&mut rows, q, today);
        if let Some((c, before)) = cursor {
            rows.push(if filtered { " AND " } else { " WHERE " });
            push_keyset(&mut rows, &c, before);
        }
        rows.push(format!(
            " ORDER BY ({NEXT_DUE}) IS NULL{d}, ({NEXT_DUE}){d}, received_at{a}, id{d} LIMIT ",
            d = if backwards { " DESC" } else { "" },
            a = if backwards { "" } else { " DESC" },
        ))
        .push_bind(size as i64)
        .push(" OFFSET ")
        .push_bind(offset as i64)
        .push(
            ") AS page JOIN cases c ON c.id = page.id \
             ORDER BY page.page_due IS NULL, page.page_due, page.page_at DESC, page.id",
        );
        // The count and the page are independent reads: on their own connections at once,
        // a page costs the slower of the two rather than their sum.
        let (total, rows) = tokio::try_join!(
            count.build_query_scalar::<i64>().fetch_one(self.reader()),
            rows.build().fetch_all(self.reader()),
        )?;
        let total = total.max(0) as u64;
        let place = |r: &DbRow| -> Result<RegisterCursor, StoreError> {
            Ok(RegisterCursor {
                due: r.try_get("page_due")?,
                received_at: r.try_get::<Ts, _>("page_at")?.0,
                id: r.try_get::<Id, _>("page_id")?.0,
            })
        };
        let first = rows.first().map(place).transpose()?;
        let last = rows.last().map(place).transpose()?;
        let rows = rows
            .iter()
            .map(|r| {
                Ok(RegisterRow {
                    reference: reference(r, "reference")?,
                    kind: parsed(r, "kind", CaseKind::parse)?,
                    received_on: r.try_get("received_on")?,
                    team: r.try_get("team")?,
                    category: r.try_get("category")?,
                    channel: parsed(r, "channel", Channel::parse)?,
                    status: parsed(r, "status", Status::parse)?,
                    handler: r.try_get("handler")?,
                    acknowledge_by: r.try_get("acknowledge_by")?,
                    outcome_due: r.try_get("outcome_due")?,
                    acknowledged_at: r.try_get("acknowledged_at")?,
                    outcome_sent_at: r.try_get("outcome_sent_at")?,
                    review: r.try_get("review_reason")?,
                    held: r.try_get("held")?,
                    restricted: r.try_get("restricted")?,
                    reduced: r.try_get("reduced")?,
                    adjustments: r.try_get("adjustments")?,
                    complainant_name: r.try_get("complainant_name")?,
                    survey_opt_out: r.try_get("survey_opt_out")?,
                    publication_opt_out: r.try_get("publication_opt_out")?,
                    outcome: r.try_get("outcome_category")?,
                    revised_due: r.try_get("revised_due")?,
                    ending: json::<EndingRecord>(r, "ending")?.map(|e| e.ending),
                    waiting: waiting(r)?,
                    cannot_reach: r.try_get("cannot_reach")?,
                    incident: r.try_get("incident")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(RegisterPage {
            rows,
            total,
            first,
            last,
        })
    }

    async fn case(&self, wanted: &Reference) -> Result<Option<CaseFile>, StoreError> {
        let pool = self.reader();
        let Some(r) =
            sqlx::query("SELECT * FROM cases WHERE reference = $1 AND reduced_at IS NULL")
                .bind(wanted.compact())
                .fetch_optional(pool)
                .await?
        else {
            return Ok(None);
        };
        let id = r.try_get::<Id, _>("id")?.0;
        let actions = sqlx::query(
            "SELECT id, kind, description, owner, due_on, done_on, done_note FROM case_actions \
             WHERE case_id = $1 ORDER BY id",
        )
        .bind(Id(id))
        .fetch_all(pool)
        .await?
        .iter()
        .map(stored_action)
        .collect::<Result<Vec<_>, StoreError>>()?;
        let messages = sqlx::query(&format!(
            "SELECT {} FROM outbox o LEFT JOIN cases c ON c.id = o.case_id WHERE o.case_id = $1 ORDER BY o.id",
            super::MESSAGE_COLUMNS
        ))
        .bind(Id(id))
        .fetch_all(pool)
        .await?
        .iter()
        .map(super::outbox::message)
        .collect::<Result<Vec<_>, StoreError>>()?;
        let verified_on: Option<NaiveDate> = r.try_get("identity_verified_on")?;
        let verified_how: Option<String> = r.try_get("identity_verified_how")?;
        Ok(Some(CaseFile {
            reclassified_reason: r.try_get("reclassified_reason")?,
            investigation: json(&r, "investigation")?.unwrap_or_default(),
            ending: json(&r, "ending")?,
            revised_due: r.try_get("revised_due")?,
            lodged_as: opt_reference(&r, "lodged_as")?,
            lodged_from: opt_reference(&r, "lodged_from")?,
            updates: updates_of(pool, id).await?,
            corrections: corrections_of(pool, id).await?,
            mp: json(&r, "mp_contact")?,
            flags: FlagsWorked {
                identity_verified: verified_on.zip(verified_how),
                clarification_asked: r.try_get("clarification_asked_on")?,
                clarification_received: r.try_get("clarification_received_on")?,
                handover_made: r.try_get("handover_made_on")?,
            },
            reviews: reviews_of(pool, id).await?,
            paused_days: r.try_get::<i32, _>("paused_days")?.max(0) as u32,
            waiting_for_reply: waiting(&r)?,
            cannot_reach_at: r.try_get("cannot_reach_at")?,
            incident: r.try_get("incident")?,
            held: r.try_get("held_reason")?,
            restricted: r.try_get("restricted_reason")?,
            messages,
            id,
            reference: reference(&r, "reference")?,
            kind: parsed(&r, "kind", CaseKind::parse)?,
            category: r.try_get("category")?,
            team: r.try_get("team")?,
            channel: parsed(&r, "channel", Channel::parse)?,
            lang: parsed(&r, "language", app::i18n::Lang::parse)?,
            status: parsed(&r, "status", Status::parse)?,
            received_at: r.try_get("received_at")?,
            received_on: r.try_get("received_on")?,
            acknowledge_by: r.try_get("acknowledge_by")?,
            outcome_due: r.try_get("outcome_due")?,
            acknowledged_at: r.try_get("acknowledged_at")?,
            investigating_at: r.try_get("investigating_at")?,
            outcome_sent_at: r.try_get("outcome_sent_at")?,
            closed_at: r.try_get("closed_at")?,
            identity_check: r.try_get("identity_check")?,
            clarification_needed: r.try_get("clarification_needed")?,
            corporate_handover: r.try_get("corporate_handover")?,
            complaint: json(&r, "complaint")?.ok_or_else(|| corrupt("complaint"))?,
            keyed_in_by: r.try_get("keyed_in_by")?,
            review: r.try_get("review_reason")?,
            handler: r.try_get("handler")?,
            handler_confirmed_at: r.try_get("handler_confirmed_at")?,
            outcome: json(&r, "outcome")?,
            closure: json(&r, "resolution")?,
            events: events_of(pool, id).await?,
            notes: notes_of(pool, id).await?,
            letters: letters_of(pool, id).await?,
            actions,
        }))
    }

    async fn report_facts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<app::domain::reporting::ReportFacts, StoreError> {
        super::super::reports::report_facts(self, from, to).await
    }

    async fn actions(&self) -> Result<Vec<RegisterAction>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.reference, c.team, a.id, a.kind, a.description, a.owner, a.due_on, \
             a.done_on, a.done_note FROM case_actions a JOIN cases c ON c.id = a.case_id \
             WHERE c.restricted_at IS NULL \
             ORDER BY a.done_on IS NOT NULL, a.due_on, a.id LIMIT 1000",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|a| {
                Ok(RegisterAction {
                    reference: reference(a, "reference")?,
                    team: a.try_get("team")?,
                    action: stored_action(a)?,
                })
            })
            .collect()
    }

    async fn closed_complaints(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(Reference, DateTime<Utc>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT reference, closed_at FROM cases WHERE kind = 'complaint' \
             AND status = 'closed' AND closed_at >= $1 AND closed_at < $2 \
             AND restricted_at IS NULL AND complaint <> '' ORDER BY closed_at, reference",
        )
        .bind(Ts(from))
        .bind(Ts(to))
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| Ok((reference(r, "reference")?, r.try_get("closed_at")?)))
            .collect()
    }

    async fn recommendations(&self) -> Result<Vec<StoredRecommendation>, StoreError> {
        super::recommendations::recommendations(self).await
    }
}
