//! Staff accounts, sign-in and the audit trail.

use super::{audit_in, opt_reference, parsed, DbRow, Store, Ts};
use crate::store::dialect::Dialect;
use crate::store::staff::*;
use crate::store::StoreError;
use app::domain::casework::{LockoutPolicy, Role};
use app::domain::reference::Reference;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;

fn account(row: &DbRow) -> Result<StaffAccount, StoreError> {
    Ok(StaffAccount {
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: parsed(row, "role", Role::parse)?,
        password_hash: row.try_get("password_hash")?,
        failed_attempts: row.try_get::<i32, _>("failed_attempts")?.max(0) as u32,
        locked_until: row.try_get("locked_until")?,
        disabled: row.try_get("disabled")?,
        team: row.try_get("team")?,
        session_epoch: row.try_get("session_epoch")?,
    })
}

#[async_trait]
impl Accounts for Store {
    async fn add_user(&self, a: &StaffAccount) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO staff_users (username, display_name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING",
        )
        .bind(&a.username)
        .bind(&a.display_name)
        .bind(a.role.id())
        .bind(&a.password_hash)
        .bind(Ts::now())
        .execute(self.writer())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn set_password(&self, username: &str, hash: &str) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE staff_users SET password_hash = $1, failed_attempts = 0, locked_until = NULL, \
             session_epoch = session_epoch + 1 WHERE username = $2",
        )
        .bind(hash)
        .bind(username)
        .execute(self.writer())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn change_account(
        &self,
        username: &str,
        change: AccountChange,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let (disabled, role) = columns(change);
        let mut tx = self.begin_write().await?;
        // $1 disabled or NULL, $2 role or NULL: a change sets only what it changes.
        let changed = sqlx::query(
            "UPDATE staff_users SET disabled = COALESCE($1, disabled), \
             role = COALESCE($2, role), session_epoch = session_epoch + 1 WHERE username = $3",
        )
        .bind(disabled)
        .bind(role)
        .bind(username)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            let detail = match change {
                AccountChange::Role(r) => format!("{username}: {}", r.id()),
                _ => username.to_string(),
            };
            audit_in(
                &mut tx,
                Utc::now(),
                actor,
                change.action(),
                None,
                Some(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed == 1)
    }

    async fn user(&self, username: &str) -> Result<Option<StaffAccount>, StoreError> {
        let row = sqlx::query("SELECT * FROM staff_users WHERE username = $1")
            .bind(username)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(account).transpose()
    }

    async fn users(&self) -> Result<Vec<StaffAccount>, StoreError> {
        let rows = sqlx::query("SELECT * FROM staff_users ORDER BY role DESC, username")
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(account).collect()
    }

    async fn record_sign_in(&self, username: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE staff_users SET failed_attempts = 0, locked_until = NULL WHERE username = $1",
        )
        .bind(username)
        .execute(&mut *tx)
        .await?;
        audit_in(&mut tx, Utc::now(), username, "signed in", None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_failed_sign_in(
        &self,
        username: &str,
        policy: &LockoutPolicy,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        // One statement: concurrent failures each count (the row lock orders them).
        let failures: i32 = sqlx::query_scalar(
            "UPDATE staff_users SET \
               failed_attempts = CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 \
                                      THEN 1 ELSE failed_attempts + 1 END, \
               locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 \
                                   THEN NULL ELSE locked_until END \
             WHERE username = $2 RETURNING failed_attempts",
        )
        .bind(Ts(now))
        .bind(username)
        .fetch_one(&mut *tx)
        .await?;
        let locked_until = policy.after_failure(failures.max(0) as u32, now);
        if let Some(until) = locked_until {
            sqlx::query("UPDATE staff_users SET locked_until = $1 WHERE username = $2")
                .bind(Ts(until))
                .bind(username)
                .execute(&mut *tx)
                .await?;
        }
        let detail = locked_until.map(|t| {
            format!(
                "account locked until {}",
                t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            )
        });
        let action = "failed sign-in";
        audit_in(&mut tx, now, username, action, None, detail.as_deref()).await?;
        tx.commit().await?;
        Ok(locked_until)
    }

    async fn unlock(&self, username: &str, actor: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let result = sqlx::query(
            "UPDATE staff_users SET failed_attempts = 0, locked_until = NULL WHERE username = $1",
        )
        .bind(username)
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() == 1 {
            let action = "unlocked account";
            audit_in(&mut tx, Utc::now(), actor, action, None, Some(username)).await?;
        }
        tx.commit().await?;
        Ok(result.rows_affected() == 1)
    }

    async fn set_team(&self, username: &str, team: Option<&str>) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query("UPDATE staff_users SET team = $1 WHERE username = $2")
            .bind(team)
            .bind(username)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 1 {
            let detail = format!("{username}: {}", team.unwrap_or("no team"));
            let action = "set a team";
            audit_in(
                &mut tx,
                Utc::now(),
                "server user team",
                action,
                None,
                Some(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed == 1)
    }

    async fn audit(&self, e: AuditEntry) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let reference = e.reference.map(|r| r.compact());
        let (action, detail) = (&e.action, e.detail.as_deref());
        audit_in(
            &mut tx,
            e.at,
            &e.username,
            action,
            reference.as_deref(),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_trail(&self, q: &AuditQuery) -> Result<Vec<AuditRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, username, action, reference, detail FROM audit_events \
             WHERE (CAST($1 AS TEXT) IS NULL OR reference = $1) \
             AND (CAST($2 AS TEXT) IS NULL OR username = $2) \
             AND (CAST($3 AS BIGINT) IS NULL OR id < $3) ORDER BY id DESC LIMIT $4",
        )
        .bind(q.reference.as_ref().map(Reference::compact))
        .bind(&q.username)
        .bind(q.before)
        .bind(AUDIT_PAGE_SIZE as i64)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRow {
                    id: r.try_get("id")?,
                    entry: AuditEntry {
                        at: r.try_get("at")?,
                        username: r.try_get("username")?,
                        action: r.try_get("action")?,
                        reference: opt_reference(r, "reference")?,
                        detail: r.try_get("detail")?,
                    },
                })
            })
            .collect()
    }
}

/// What an account change sets: disabled (if it changes) and role (if it changes).
fn columns(change: AccountChange) -> (Option<bool>, Option<&'static str>) {
    match change {
        AccountChange::Disable => (Some(true), None),
        AccountChange::Enable => (Some(false), None),
        AccountChange::Role(r) => (None, Some(r.id())),
        AccountChange::EndSessions => (None, None),
    }
}
