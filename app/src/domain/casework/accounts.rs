//! Staff accounts: roles, usernames, passwords and the lock after repeated wrong passwords.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Staff roles, each able to do everything the one before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Keys in complaints taken by telephone, post and so on.
    Intake,
    /// Works cases: the register, acknowledgements, outcomes, closure.
    Handler,
    /// The Data Protection Officer: everything, including the audit trail and accounts.
    Dpo,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Intake, Role::Handler, Role::Dpo];

    pub fn id(self) -> &'static str {
        match self {
            Role::Intake => "intake",
            Role::Handler => "handler",
            Role::Dpo => "dpo",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Intake => "Intake",
            Role::Handler => "Complaint handler",
            Role::Dpo => "Data Protection Officer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == s)
    }

    /// Whether someone with this role may do what `needed` allows.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

/// Repeated wrong passwords lock an account for a while (OWASP: slow down guessing without
/// locking people out for good).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 5,
            lock_for: Duration::minutes(15),
        }
    }
}

impl LockoutPolicy {
    /// The policy in a sentence, for the sign-in page and its error message.
    pub fn explained(&self) -> String {
        format!(
            "After {} wrong passwords in a row from one device, that device must wait before trying that account again: a minute at first, longer each time, up to {} minutes.",
            number_word(self.max_failures),
            self.lock_for.num_minutes()
        )
    }

    /// How long a device must wait before its next try at an account, after `failures`
    /// wrong passwords in a row from it (OWASP ASVS 5.0 V6.3: slow guessing down without
    /// letting a stranger lock the real person out): none for the first `max_failures - 1`,
    /// then one minute, doubling each time, at most `lock_for`.
    pub fn delay_after(&self, failures: u32) -> Option<Duration> {
        let over = failures.checked_sub(self.max_failures)?;
        let minutes = 1i64 << over.min(20);
        Some(Duration::minutes(minutes).min(self.lock_for))
    }

    /// What someone signing in to an account locked on their device is told.
    pub fn locked_message(&self, until: DateTime<Utc>, now: DateTime<Utc>) -> String {
        // Whole minutes, rounded up: 60 seconds is "1 minute", 61 is "2 minutes".
        let minutes = ((until - now).num_seconds().max(1) + 59) / 60;
        format!(
            "This account is locked on this device after too many wrong passwords. Try again in {minutes} minute{}, or ask the Data Protection Officer to unlock it.",
            if minutes == 1 { "" } else { "s" }
        )
    }

    /// What someone is told when guesses at the account from several places have slowed it.
    pub fn account_slowed_message(&self, until: DateTime<Utc>, now: DateTime<Utc>) -> String {
        let minutes = ((until - now).num_seconds().max(1) + 59) / 60;
        format!(
            "There have been too many wrong passwords for this account from different places, so signing in to it is slowed down. Try again in {minutes} minute{}, sign in on a computer you have used for this account before, or ask the Data Protection Officer to unlock it.",
            if minutes == 1 { "" } else { "s" }
        )
    }

    /// After a wrong password that makes `failures` in a row: until when the account is locked.
    pub fn after_failure(&self, failures: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (failures >= self.max_failures).then(|| now + self.lock_for)
    }
}

/// GOV.UK style: numbers one to nine in words.
fn number_word(n: u32) -> String {
    const WORDS: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    WORDS
        .get(n as usize)
        .map(|w| w.to_string())
        .unwrap_or_else(|| n.to_string())
}

/// A staff username: lower-case letters, digits, dots, hyphens and underscores, 2–64
/// characters (it appears in the audit trail and on cases).
pub fn parse_username(raw: &str) -> Result<String, String> {
    let u = raw.trim().to_lowercase();
    let ok_chars = u
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if u.chars().count() < 2 || u.chars().count() > 64 || !ok_chars {
        return Err("a username is 2 to 64 characters: letters, digits, '.', '-' or '_'".into());
    }
    Ok(u)
}

/// NCSC and OWASP: length over complexity rules; at least 12 characters, at most 128.
pub fn check_new_password(p: &str) -> Result<(), String> {
    let n = p.chars().count();
    if n < 12 {
        return Err("a password must be at least 12 characters long".into());
    }
    if n > 128 {
        return Err("a password must be 128 characters or fewer".into());
    }
    Ok(())
}

/// A change to an account made by the DPO or on the command line. Each one ends every
/// session the account has open: a leaver, a stolen password or a narrower role takes
/// effect now, not at the next sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Disable,
    Enable,
    Role(Role),
    EndSessions,
    /// May (or may no longer) sign in with its password when local accounts are off.
    BreakGlass(bool),
    /// Two-step sign-in taken away (a lost phone): set up again at the next sign-in.
    ResetTwoStep,
}

impl AccountChange {
    /// The audit trail's words.
    pub fn action(self) -> &'static str {
        match self {
            AccountChange::Disable => "disabled an account",
            AccountChange::Enable => "enabled an account",
            AccountChange::Role(_) => "changed a role",
            AccountChange::EndSessions => "ended an account's sessions",
            AccountChange::BreakGlass(true) => "made an account break-glass",
            AccountChange::BreakGlass(false) => "ended an account's break-glass access",
            AccountChange::ResetTwoStep => "reset two-step sign-in",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_what_they_allow() {
        assert!(Role::Dpo.allows(Role::Handler));
        assert!(Role::Dpo.allows(Role::Intake));
        assert!(Role::Handler.allows(Role::Intake));
        assert!(!Role::Handler.allows(Role::Dpo));
        assert!(!Role::Intake.allows(Role::Handler));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.id()), Some(r));
            assert!(r.allows(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn lockout_after_the_fifth_failure_for_fifteen_minutes() {
        let p = LockoutPolicy::default();
        let now = Utc::now();
        for n in 1..5 {
            assert_eq!(p.after_failure(n, now), None);
        }
        assert_eq!(p.after_failure(5, now), Some(now + Duration::minutes(15)));
        assert!(p
            .explained()
            .starts_with("After five wrong passwords in a row from one device"));
        assert!(p.explained().contains("up to 15 minutes"));
        let strict = LockoutPolicy {
            max_failures: 3,
            lock_for: Duration::minutes(60),
        };
        assert!(strict.explained().starts_with("After three wrong"));
        // Growing delays: none for four failures, then 1, 2, 4, 8 minutes, then the cap.
        let delays: Vec<Option<i64>> = (3..=10)
            .map(|n| p.delay_after(n).map(|d| d.num_minutes()))
            .collect();
        assert_eq!(
            delays,
            [
                None,
                None,
                Some(1),
                Some(2),
                Some(4),
                Some(8),
                Some(15),
                Some(15)
            ]
        );
        assert!(p
            .locked_message(now + Duration::seconds(30), now)
            .contains("Try again in 1 minute,"));
    }

    #[test]
    fn usernames_and_passwords() {
        assert_eq!(parse_username(" Sam.Handler ").unwrap(), "sam.handler");
        assert!(parse_username("a").is_err());
        assert!(parse_username("sam handler").is_err());
        assert!(parse_username("sam<script>").is_err());
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("correct horse battery").is_ok());
        assert!(check_new_password(&"x".repeat(129)).is_err());
    }
}
