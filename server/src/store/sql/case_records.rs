//! What else is recorded on a case (actions done, the MP, triage flags, corrections, the
//! link to a complaint lodged from a breach report), for `procedure::write`; and the report's
//! recommendations. Each is written once: a second recording (a double click, a colleague)
//! changes nothing and answers false.

use super::{event_in, to_json, Id, Store, Ts, Tx};
use crate::store::staff::*;
use crate::store::StoreError;
use app::domain::casework::{lodged_from, Correction, FlagWork};
use app::domain::reference::Reference;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

pub(super) async fn write(
    tx: &mut Tx<'_>,
    case: &CaseFile,
    change: &CaseChange,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<bool, StoreError> {
    let id = Id(case.id);
    let changed = match change {
        CaseChange::ActionDone {
            id: action,
            done_on,
            note,
        } => sqlx::query(
            "UPDATE case_actions SET done_on = $1, done_note = $2, done_by = $3 \
             WHERE id = $4 AND case_id = $5 AND done_on IS NULL",
        )
        .bind(done_on)
        .bind(note)
        .bind(actor)
        .bind(action)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected(),
        CaseChange::Mp(mp) => sqlx::query("UPDATE cases SET mp_contact = $1 WHERE id = $2")
            .bind(to_json(mp, "mp_contact")?)
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected(),
        CaseChange::Flag(work) => {
            let (column, how) = flag_column(work);
            let sql = format!(
                "UPDATE cases SET {column} = $1, \
                 identity_verified_how = coalesce($2, identity_verified_how) \
                 WHERE id = $3 AND {column} IS NULL"
            );
            sqlx::query(&sql)
                .bind(work.on())
                .bind(how)
                .bind(id)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        }
        CaseChange::Correct(correction) => return correct(tx, case, correction, at, actor).await,
        CaseChange::LinkLodged { complaint } => {
            return link_lodged(tx, case, complaint, at, actor).await
        }
        _ => 0,
    };
    Ok(changed > 0)
}

/// The column of a flag's day, and how identity was checked (kept in the case file only).
fn flag_column(work: &FlagWork) -> (&'static str, Option<&str>) {
    match work {
        FlagWork::IdentityVerified { how, .. } => ("identity_verified_on", Some(how.as_str())),
        FlagWork::ClarificationAsked { .. } => ("clarification_asked_on", None),
        FlagWork::ClarificationReceived { .. } => ("clarification_received_on", None),
        FlagWork::HandoverMade { .. } => ("handover_made_on", None),
    }
}

/// Only over the details the form was filled in on: a correction made meanwhile wins.
async fn correct(
    tx: &mut Tx<'_>,
    case: &CaseFile,
    correction: &Correction,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<bool, StoreError> {
    let before = to_json(&case.complaint, "complaint")?;
    let after = to_json(&correction.complaint, "complaint")?;
    let consents = &correction.complaint.consents;
    let changed = sqlx::query(
        // Corrected contact details may reach the person again: the flag is lifted.
        "UPDATE cases SET complaint = $1, complainant_name = $2, consent_share = $3, \
         survey_opt_out = $4, publication_opt_out = $5, cannot_reach_at = NULL \
         WHERE id = $6 AND complaint = $7",
    )
    .bind(&after)
    .bind(correction.complaint.complainant.full_name.as_str())
    .bind(consents.share_with_organisation)
    .bind(consents.survey_opt_out)
    .bind(consents.publication_opt_out)
    .bind(Id(case.id))
    .bind(&before)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO case_corrections (case_id, at, actor, reason, changes) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(Id(case.id))
    .bind(Ts(at))
    .bind(actor)
    .bind(correction.reason.as_str())
    .bind(to_json(&correction.changes, "changes")?)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Both ways, once: the report names its complaint and the complaint its report.
async fn link_lodged(
    tx: &mut Tx<'_>,
    report: &CaseFile,
    complaint: &Reference,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<bool, StoreError> {
    let linked = sqlx::query(
        "UPDATE cases SET lodged_as = $1 \
         WHERE id = $2 AND kind = 'breach_report' AND lodged_as IS NULL",
    )
    .bind(complaint.compact())
    .bind(Id(report.id))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if linked == 0 {
        return Ok(false);
    }
    let Some(Id(new_id)) = sqlx::query_scalar::<_, Id>(
        "UPDATE cases SET lodged_from = $1 WHERE reference = $2 RETURNING id",
    )
    .bind(report.reference.compact())
    .bind(complaint.compact())
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(false);
    };
    let entry = lodged_from(&report.reference);
    let detail = entry.detail.as_deref();
    event_in(tx, new_id, at, &entry.event, Some(actor), detail).await?;
    Ok(true)
}

#[async_trait]
impl Recommendations for Store {
    async fn add_recommendation(
        &self,
        period: app::domain::reporting::Period,
        r: &app::domain::reporting::Recommendation,
        actor: &str,
    ) -> Result<(), StoreError> {
        super::recommendations::add_recommendation(self, period, r, actor).await
    }

    async fn recommendation_done(
        &self,
        id: i64,
        done_on: NaiveDate,
        note: Option<&str>,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        super::recommendations::recommendation_done(self, id, done_on, note, actor).await
    }
}
