//! Subject access (UK GDPR art. 15): every case where a person appears, as the complainant
//! (or the person complained for, or the name kept in a reduced case's summary), or mentioned
//! in another case's notes, letters or history; at most `SUBJECT_LIMIT` of each.

use super::register::{events_of, letters_of, notes_of};
use super::{json, parsed, reference, Id, Store};
use crate::store::dialect::Dialect;
use crate::store::retention::{SubjectCase, SUBJECT_LIMIT};
use crate::store::StoreError;
use app::domain::casework::Status;
use app::domain::subject_access::SubjectKey;
use sqlx::Row;

pub(super) async fn search(
    store: &Store,
    key: &SubjectKey,
) -> Result<Vec<SubjectCase>, StoreError> {
    // The person's own cases: as complainant (or the person complained for), or the name
    // kept in a reduced case's summary.
    let doc = |path: &[&str]| Store::json_text("nullif(complaint, '')", path);
    let has = |haystack: &str| Store::contains(haystack, "lower($1)");
    let own_sql: String = match key {
        SubjectKey::Name(_) => format!(
            "{} OR {} OR {}",
            has("lower(complainant_name)"),
            has(&format!(
                "lower(coalesce({}, ''))",
                doc(&["on_behalf_of", "name"])
            )),
            has(&format!(
                "lower(coalesce({}, ''))",
                doc(&["constituent", "name"])
            )),
        ),
        SubjectKey::Email(_) => format!("lower({}) = $1", doc(&["complainant", "email"])),
        SubjectKey::Phone(_) => format!(
            "replace(replace(replace(replace(replace(replace({}, ' ', ''), '+44', '0'), \
             '-', ''), '(', ''), ')', ''), '.', '') = $1",
            doc(&["complainant", "phone"])
        ),
        SubjectKey::Postcode(_) => format!(
            "upper(replace({}, ' ', '')) = $1 OR {}",
            doc(&["complainant", "address", "postcode"]),
            Store::contains("upper(replace(coalesce(summary, ''), ' ', ''))", "$1")
        ),
        SubjectKey::Reference(_) => "reference = $1".to_string(),
    };
    let bind = key.search_value();
    let own = sqlx::query(&format!(
        "SELECT id, reference, received_on, status, complaint, summary FROM cases \
         WHERE {own_sql} ORDER BY received_at LIMIT $2"
    ))
    .bind(&bind)
    .bind(SUBJECT_LIMIT)
    .fetch_all(store.reader())
    .await?;
    let pool = store.reader();
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in &own {
        let id = r.try_get::<Id, _>("id")?.0;
        seen.insert(id);
        found.push(SubjectCase {
            reference: reference(r, "reference")?,
            complainant: true,
            received_on: r.try_get("received_on")?,
            status: parsed(r, "status", Status::parse)?,
            complaint: json(r, "complaint")?,
            summary: json(r, "summary")?,
            notes: notes_of(pool, id).await?,
            letters: letters_of(pool, id).await?,
            events: events_of(pool, id).await?,
            withheld: Vec::new(),
        });
    }
    // Other cases whose notes, letters or history mention them: only those records.
    if let Some(words) = key.mention() {
        let others = sqlx::query(&format!(
            "SELECT id, reference, received_on, status FROM cases c WHERE \
             EXISTS (SELECT 1 FROM case_notes n WHERE n.case_id = c.id AND {}) \
             OR EXISTS (SELECT 1 FROM letters l WHERE l.case_id = c.id AND {}) \
             OR EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND {}) \
             ORDER BY received_at LIMIT $2",
            has("lower(n.body)"),
            has("lower(l.body)"),
            has("lower(coalesce(e.detail, ''))")
        ))
        .bind(words)
        .bind(SUBJECT_LIMIT)
        .fetch_all(pool)
        .await?;
        for r in &others {
            let id = r.try_get::<Id, _>("id")?.0;
            if !seen.insert(id) {
                continue;
            }
            found.push(SubjectCase::mentioning(
                reference(r, "reference")?,
                r.try_get("received_on")?,
                parsed(r, "status", Status::parse)?,
                words,
                notes_of(pool, id).await?,
                letters_of(pool, id).await?,
                events_of(pool, id).await?,
            ));
        }
    }
    Ok(found)
}
