//! The report's recommendations (SPEC "Reporting"): agreed for a period, owned and tracked to
//! done, each change audited.

use super::{audit_in, Store, Ts};
use crate::store::dialect::Dialect;
use crate::store::staff::{Applied, StoredRecommendation};
use crate::store::StoreError;
use app::domain::reporting::{Period, Recommendation};
use chrono::NaiveDate;
use sqlx::Row;

pub(super) async fn add_recommendation(
    store: &Store,
    period: Period,
    r: &Recommendation,
    actor: &str,
) -> Result<(), StoreError> {
    let at = chrono::Utc::now();
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "INSERT INTO recommendations (period_from, period_to, text, owner, due_on, created_at, \
         created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(period.from)
    .bind(period.to)
    .bind(r.text.as_str())
    .bind(r.owner.as_str())
    .bind(r.due_on)
    .bind(Ts(at))
    .bind(actor)
    .execute(&mut *tx)
    .await?;
    let detail = r.audit_detail(period);
    audit_in(
        &mut tx,
        at,
        actor,
        "added a recommendation",
        None,
        Some(&detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn recommendations(
    store: &Store,
) -> Result<Vec<StoredRecommendation>, StoreError> {
    sqlx::query("SELECT * FROM recommendations ORDER BY done_on IS NOT NULL, due_on, id LIMIT 1000")
        .fetch_all(store.reader())
        .await?
        .iter()
        .map(|r| {
            Ok(StoredRecommendation {
                id: r.try_get("id")?,
                period: Period {
                    from: r.try_get("period_from")?,
                    to: r.try_get("period_to")?,
                },
                text: r.try_get("text")?,
                owner: r.try_get("owner")?,
                due_on: r.try_get("due_on")?,
                created_by: r.try_get("created_by")?,
                done_on: r.try_get("done_on")?,
                done_note: r.try_get("done_note")?,
            })
        })
        .collect()
}

pub(super) async fn recommendation_done(
    store: &Store,
    id: i64,
    done_on: NaiveDate,
    note: Option<&str>,
    actor: &str,
) -> Result<Applied, StoreError> {
    let at = chrono::Utc::now();
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE recommendations SET done_on = $1, done_note = $2, done_by = $3 \
         WHERE id = $4 AND done_on IS NULL",
    )
    .bind(done_on)
    .bind(note)
    .bind(actor)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(Applied::Stale);
    }
    let detail = format!("recommendation {id} done {done_on}");
    audit_in(
        &mut tx,
        at,
        actor,
        "recommendation done",
        None,
        Some(&detail),
    )
    .await?;
    tx.commit().await?;
    Ok(Applied::Done)
}
