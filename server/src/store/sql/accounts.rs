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
        sign_in_method: parsed(row, "sign_in_method", SignInMethod::parse)?,
        break_glass: row.try_get("break_glass")?,
        last_sign_in_at: row.try_get("last_sign_in_at")?,
        totp_secret: row.try_get("totp_secret")?,
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
        let (disabled, role, break_glass) = columns(change);
        let reset_two_step = change == AccountChange::ResetTwoStep;
        let mut tx = self.begin_write().await?;
        // $1 disabled, $2 role, $3 break-glass, each NULL unless the change sets it; $4 takes
        // two-step sign-in away.
        let changed = sqlx::query(
            "UPDATE staff_users SET disabled = COALESCE($1, disabled), \
             role = COALESCE($2, role), break_glass = COALESCE($3, break_glass), \
             totp_secret = CASE WHEN $4 THEN NULL ELSE totp_secret END, \
             totp_last_step = CASE WHEN $4 THEN NULL ELSE totp_last_step END, \
             session_epoch = session_epoch + 1 WHERE username = $5",
        )
        .bind(disabled)
        .bind(role)
        .bind(break_glass)
        .bind(reset_two_step)
        .bind(username)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 && reset_two_step {
            sqlx::query("DELETE FROM staff_recovery_codes WHERE username = $1")
                .bind(username)
                .execute(&mut *tx)
                .await?;
        }
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
        let now = Utc::now();
        sqlx::query(
            "UPDATE staff_users SET failed_attempts = 0, locked_until = NULL, \
             last_sign_in_at = $1 WHERE username = $2",
        )
        .bind(Ts(now))
        .bind(username)
        .execute(&mut *tx)
        .await?;
        audit_in(&mut tx, now, username, "signed in", None, None).await?;
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

    async fn set_team(
        &self,
        username: &str,
        team: Option<&str>,
        actor: &str,
    ) -> Result<bool, StoreError> {
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
            audit_in(&mut tx, Utc::now(), actor, action, None, Some(&detail)).await?;
        }
        tx.commit().await?;
        Ok(changed == 1)
    }

    async fn provided_sign_in(&self, p: &ProvidedAccount) -> Result<StaffAccount, StoreError> {
        self.provided(p).await
    }

    async fn set_two_step(
        &self,
        username: &str,
        secret: Option<&str>,
        recovery_hashes: &[String],
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE staff_users SET totp_secret = $1, totp_last_step = NULL, \
             session_epoch = session_epoch + 1 WHERE username = $2",
        )
        .bind(secret)
        .bind(username)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            sqlx::query("DELETE FROM staff_recovery_codes WHERE username = $1")
                .bind(username)
                .execute(&mut *tx)
                .await?;
            for hash in recovery_hashes {
                sqlx::query(
                    "INSERT INTO staff_recovery_codes (username, code_hash) VALUES ($1, $2)",
                )
                .bind(username)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
            }
            let action = if secret.is_some() {
                "set up two-step sign-in"
            } else {
                AccountChange::ResetTwoStep.action()
            };
            audit_in(&mut tx, Utc::now(), actor, action, None, Some(username)).await?;
        }
        tx.commit().await?;
        Ok(changed == 1)
    }

    async fn use_totp_step(&self, username: &str, step: i64) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE staff_users SET totp_last_step = $1 WHERE username = $2 \
             AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(username)
        .execute(self.writer())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn use_recovery_code(&self, username: &str, hash: &str) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE staff_recovery_codes SET used_at = $1 \
             WHERE username = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(Ts::now())
        .bind(username)
        .bind(hash)
        .execute(self.writer())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn recovery_codes_left(&self, username: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff_recovery_codes WHERE username = $1 AND used_at IS NULL",
        )
        .bind(username)
        .fetch_one(self.reader())
        .await?)
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

/// What an account change sets: disabled, role and break-glass, each only if it changes.
fn columns(change: AccountChange) -> (Option<bool>, Option<&'static str>, Option<bool>) {
    match change {
        AccountChange::Disable => (Some(true), None, None),
        AccountChange::Enable => (Some(false), None, None),
        AccountChange::Role(r) => (None, Some(r.id()), None),
        AccountChange::BreakGlass(b) => (None, None, Some(b)),
        AccountChange::EndSessions | AccountChange::ResetTwoStep => (None, None, None),
    }
}

/// A password hash no password matches (not a PHC string, so `verify` refuses it): accounts
/// of the identity provider have no password of ours.
const NO_PASSWORD: &str = "!provided";

/// Sign-ins through the identity provider and two-step sign-in.
impl Store {
    async fn provided(&self, p: &ProvidedAccount) -> Result<StaffAccount, StoreError> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query("SELECT * FROM staff_users WHERE oidc_subject = $1")
            .bind(&p.subject)
            .fetch_optional(&mut *tx)
            .await?;
        let username = match existing.as_ref().map(account).transpose()? {
            Some(a) => {
                // The token decides the role and team at every sign-in; a role that changed
                // ends the account's other sessions (this one is made after).
                let moved = a.role != p.role;
                sqlx::query(
                    "UPDATE staff_users SET display_name = $1, role = $2, team = $3, \
                     last_sign_in_at = $4, session_epoch = session_epoch + $5 WHERE username = $6",
                )
                .bind(&p.display_name)
                .bind(p.role.id())
                .bind(&p.team)
                .bind(Ts(now))
                .bind(i64::from(moved))
                .bind(&a.username)
                .execute(&mut *tx)
                .await?;
                if moved || a.team != p.team {
                    let detail = format!(
                        "{}: {} in {}, as the identity provider says",
                        a.username,
                        p.role.id(),
                        p.team.as_deref().unwrap_or("no team")
                    );
                    let action = "role or team from the identity provider";
                    audit_in(&mut tx, now, &a.username, action, None, Some(&detail)).await?;
                }
                a.username
            }
            None => {
                let username = free_username(&mut tx, &p.username_hint).await?;
                sqlx::query(
                    "INSERT INTO staff_users (username, display_name, role, password_hash, \
                     created_at, team, sign_in_method, oidc_subject, last_sign_in_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'oidc', $7, $5)",
                )
                .bind(&username)
                .bind(&p.display_name)
                .bind(p.role.id())
                .bind(NO_PASSWORD)
                .bind(Ts(now))
                .bind(&p.team)
                .bind(&p.subject)
                .execute(&mut *tx)
                .await?;
                let detail = format!("{username}: {}, at the first sign-in", p.role.id());
                let action = "account made by the identity provider";
                audit_in(&mut tx, now, &username, action, None, Some(&detail)).await?;
                username
            }
        };
        let detail = "through the identity provider";
        audit_in(&mut tx, now, &username, "signed in", None, Some(detail)).await?;
        let row = sqlx::query("SELECT * FROM staff_users WHERE username = $1")
            .bind(&username)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        account(&row)
    }
}

/// `hint`, or `hint-2`, `hint-3`… : the first not taken.
async fn free_username(tx: &mut super::Tx<'_>, hint: &str) -> Result<String, StoreError> {
    for n in 1..1000 {
        let candidate = if n == 1 {
            hint.to_string()
        } else {
            format!("{hint}-{n}")
        };
        let taken: Option<String> =
            sqlx::query_scalar("SELECT username FROM staff_users WHERE username = $1")
                .bind(&candidate)
                .fetch_optional(&mut **tx)
                .await?;
        if taken.is_none() {
            return Ok(candidate);
        }
    }
    Err(StoreError::Corrupt(format!("no free username for {hint}")))
}
