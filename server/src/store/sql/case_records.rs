//! What else is recorded on a case (actions, the MP, triage flags, corrections, links) and
//! the report's recommendations; each one audited.

use super::procedure::recorded;
use super::{event_in, to_json, Id, Store, Ts};
use crate::store::dialect::Dialect;
use crate::store::staff::*;
use crate::store::StoreError;
use app::domain::casework::{Correction, MpContact};
use app::domain::messages::Route;
use app::domain::reference::Reference;
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};

#[async_trait]
impl CaseRecords for Store {
    async fn action_done(
        &self,
        case: &CaseFile,
        action_id: i64,
        done_on: NaiveDate,
        note: Option<&str>,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        let Some(_kind) = sqlx::query_scalar::<_, String>(
            "UPDATE case_actions SET done_on = $1, done_note = $2, done_by = $3 \
             WHERE id = $4 AND case_id = $5 AND done_on IS NULL RETURNING kind",
        )
        .bind(done_on)
        .bind(note)
        .bind(actor)
        .bind(action_id)
        .bind(Id(case.id))
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Applied::Stale);
        };
        // The action by its number: its words are in the case file, not the history.
        let detail = format!("action {action_id} done {done_on}");
        recorded(tx, case, at, actor, "action done", "action done", &detail).await
    }

    async fn set_mp(
        &self,
        case: &CaseFile,
        mp: &MpContact,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE cases SET mp_contact = $1 WHERE id = $2")
            .bind(to_json(mp, "mp_contact")?)
            .bind(Id(case.id))
            .execute(&mut *tx)
            .await?;
        let how = if mp.route() == Route::Email {
            "email"
        } else {
            "post"
        };
        // The MP's name and address are in the case file, not the history.
        let detail = format!("copies by {how}");
        let (event, action) = ("MP's details recorded", "recorded the MP's details");
        recorded(tx, case, at, actor, event, action, &detail).await
    }

    async fn work_flag(
        &self,
        case: &CaseFile,
        work: &FlagWork,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        // Each is recorded once: a second recording (a double click, a colleague) changes nothing.
        let (column, on, how, event) = work.record();
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE cases SET {column} = $1, \
             identity_verified_how = coalesce($2, identity_verified_how) \
             WHERE id = $3 AND {column} IS NULL"
        );
        let changed = sqlx::query(&sql)
            .bind(on)
            .bind(how)
            .bind(Id(case.id))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Ok(Applied::Stale);
        }
        let detail = work.history();
        recorded(tx, case, at, actor, event, event, &detail).await
    }

    async fn correct(
        &self,
        case: &CaseFile,
        correction: &Correction,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let before = to_json(&case.complaint, "complaint")?;
        let after = to_json(&correction.complaint, "complaint")?;
        let consents = &correction.complaint.consents;
        let mut tx = self.begin_write().await?;
        // Only over the details the form was filled in on: a correction made meanwhile wins.
        let changed = sqlx::query(
            "UPDATE cases SET complaint = $1, complainant_name = $2, consent_share = $3, \
             survey_opt_out = $4, publication_opt_out = $5 WHERE id = $6 AND complaint = $7",
        )
        .bind(&after)
        .bind(correction.complaint.complainant.full_name.as_str())
        .bind(consents.share_with_organisation)
        .bind(consents.survey_opt_out)
        .bind(consents.publication_opt_out)
        .bind(Id(case.id))
        .bind(&before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(Applied::Stale);
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
        .execute(&mut *tx)
        .await?;
        // The history and the audit trail name the fields, never their values.
        let fields: Vec<&str> = correction
            .changes
            .iter()
            .map(|c| c.label.as_str())
            .collect();
        let detail = format!("changed: {}", fields.join(", "));
        let (event, action) = ("details corrected", "corrected details");
        recorded(tx, case, at, actor, event, action, &detail).await
    }

    async fn link_lodged(
        &self,
        report: &CaseFile,
        complaint: &Reference,
        actor: &str,
    ) -> Result<Applied, StoreError> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        let linked = sqlx::query(
            "UPDATE cases SET lodged_as = $1 \
             WHERE id = $2 AND kind = 'breach_report' AND lodged_as IS NULL",
        )
        .bind(complaint.compact())
        .bind(Id(report.id))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if linked == 0 {
            return Ok(Applied::Stale);
        }
        let Some(Id(new_id)) = sqlx::query_scalar::<_, Id>(
            "UPDATE cases SET lodged_from = $1 WHERE reference = $2 RETURNING id",
        )
        .bind(report.reference.compact())
        .bind(complaint.compact())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Applied::Stale);
        };
        let detail = format!("complaint {complaint} lodged after the breach outcome");
        let from = format!(
            "lodged after the outcome of breach report {}",
            report.reference
        );
        event_in(
            &mut tx,
            new_id,
            at,
            "from a breach report",
            Some(actor),
            Some(&from),
        )
        .await?;
        let action = "complaint lodged from a breach report";
        recorded(tx, report, at, actor, "complaint lodged", action, &detail).await
    }

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
