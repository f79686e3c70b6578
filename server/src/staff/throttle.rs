//! Sign-in that cannot be raced or exhausted (OWASP ASVS 5.0 V6.3).
//!
//! - **Bounded work**: a password check (Argon2id, about 19 MiB and tens of milliseconds)
//!   runs only with one of `CHECKS_AT_ONCE` permits; others wait their turn, and past
//!   `QUEUE_LIMIT` waiting, an attempt is turned away at once (429). Memory stays bounded
//!   whatever arrives.
//! - **No race**: an attempt is reserved for (username as typed, client address) *before* the
//!   password is checked, so a burst of guesses cannot all be checked before the first failure
//!   is counted: at most `max_failures` checks happen before the client must wait.
//! - **No lock-out by strangers, no username discovery**: delays are per client, so the real
//!   person signing in from their own desk is not affected by someone else's guesses; and an
//!   unknown username is throttled exactly like a real one, so the answers look the same.
//!
//! - **Guesses per account across addresses**: many addresses (a botnet, a whole IPv6 /64
//!   counts as one already) guessing one username are slowed together: after
//!   `ACCOUNT_MAX_FAILURES` wrong passwords in a row for a username from anywhere, each try
//!   waits as the per-client delays do (a minute, doubling, at most the policy's cap). The
//!   real person is never shut out for long: a browser they have signed in with before (its
//!   device cookie, `auth::device`) is not slowed by others' guesses, the wait is capped, and
//!   the DPO's unlock clears it. Unknown usernames are counted the same way.
//!
//! Per instance: with several instances behind a load balancer each keeps its own counts (the
//! README says so); the per-client rate limit in front adds a second, coarser bound.

use app::domain::casework::LockoutPolicy;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Password checks at once: one per core on these machines.
pub const CHECKS_AT_ONCE: usize = 2;
/// Attempts waiting for a check before more are turned away.
pub const QUEUE_LIMIT: usize = 64;
/// Clients remembered at most; stale entries are dropped first.
const MAX_ENTRIES: usize = 100_000;
/// Wrong passwords in a row for one username, from all addresses together, before each try
/// from a browser not known to the account must wait. Twice the per-device allowance: more
/// than a person makes, far fewer than a guessing campaign needs.
pub const ACCOUNT_MAX_FAILURES: u32 = 10;

#[derive(Debug, Default, Clone, Copy)]
struct Entry {
    failures: u32,
    in_flight: u32,
    until: Option<DateTime<Utc>>,
}

pub struct SignInGuard {
    policy: LockoutPolicy,
    checks: Arc<Semaphore>,
    waiting: Arc<Semaphore>,
    entries: Mutex<HashMap<(String, IpAddr), Entry>>,
    /// Per username, from every address (browsers the account knows aside).
    accounts: Mutex<HashMap<String, Entry>>,
}

/// Why an attempt was not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Too many wrong passwords from this client for this username: wait until then.
    Wait(DateTime<Utc>),
    /// Too many wrong passwords for this username from everywhere: wait until then, or sign
    /// in from a browser the account knows.
    AccountWait(DateTime<Utc>),
    /// Too many sign-ins at once on this server.
    Busy,
}

/// A reserved attempt: the right to check one password. Dropped unresolved (say, the client
/// went away), it frees its place.
pub struct Attempt<'a> {
    guard: &'a SignInGuard,
    key: (String, IpAddr),
    /// Counted against the username from everywhere (not from a browser the account knows).
    account_wide: bool,
    done: bool,
    _permit: OwnedSemaphorePermit,
}

impl SignInGuard {
    pub fn new(policy: LockoutPolicy) -> SignInGuard {
        SignInGuard {
            policy,
            checks: Arc::new(Semaphore::new(CHECKS_AT_ONCE)),
            waiting: Arc::new(Semaphore::new(QUEUE_LIMIT)),
            entries: Mutex::new(HashMap::new()),
            accounts: Mutex::new(HashMap::new()),
        }
    }

    pub fn policy(&self) -> &LockoutPolicy {
        &self.policy
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<(String, IpAddr), Entry>> {
        // A panic elsewhere while holding the lock leaves plain counters: still usable.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn accounts(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.accounts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether another try may start for an entry allowing `max` failures in a row: the
    /// tries being checked count as failures until they are known not to be, so a burst that
    /// races the first failure is refused before any hashing. Once the free tries are used,
    /// one try at a time after each wait. `Err` is until when to wait.
    fn admit(&self, e: &Entry, max: u32, now: DateTime<Utc>) -> Result<(), DateTime<Utc>> {
        if let Some(until) = e.until.filter(|u| *u > now) {
            return Err(until);
        }
        let full = if e.failures < max {
            e.failures + e.in_flight >= max
        } else {
            e.in_flight > 0
        };
        if full {
            let over = e.failures.max(max) - max + self.policy.max_failures;
            return Err(now
                + self
                    .policy
                    .delay_after(over)
                    .unwrap_or(self.policy.lock_for));
        }
        Ok(())
    }

    /// Reserves one password check for `username` from `client`, waiting for a free checker.
    /// `known_browser`: the browser carries this account's device cookie, so others' guesses
    /// at the account do not slow it (its own are still counted per client).
    pub async fn reserve(
        &self,
        username: &str,
        client: IpAddr,
        known_browser: bool,
        now: DateTime<Utc>,
    ) -> Result<Attempt<'_>, Refused> {
        let key = (username.to_lowercase(), client);
        let account_wide = !known_browser;
        {
            let mut entries = self.entries();
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, e| e.in_flight > 0 || e.until.is_some_and(|u| u > now));
                if entries.len() >= MAX_ENTRIES {
                    return Err(Refused::Busy);
                }
            }
            let e = entries.entry(key.clone()).or_default();
            self.admit(e, self.policy.max_failures, now)
                .map_err(Refused::Wait)?;
            if account_wide {
                let mut accounts = self.accounts();
                if accounts.len() >= MAX_ENTRIES {
                    accounts.retain(|_, a| a.in_flight > 0 || a.until.is_some_and(|u| u > now));
                }
                let a = accounts.entry(key.0.clone()).or_default();
                self.admit(a, ACCOUNT_MAX_FAILURES, now)
                    .map_err(Refused::AccountWait)?;
                a.in_flight += 1;
            }
            e.in_flight += 1;
        }
        let attempt = |permit| Attempt {
            guard: self,
            key: key.clone(),
            account_wide,
            done: false,
            _permit: permit,
        };
        let Ok(place) = self.waiting.clone().try_acquire_owned() else {
            self.release(&key, account_wide, None);
            return Err(Refused::Busy);
        };
        let permit = self.checks.clone().acquire_owned().await;
        drop(place);
        match permit {
            Ok(p) => Ok(attempt(p)),
            Err(_) => {
                self.release(&key, account_wide, None);
                Err(Refused::Busy)
            }
        }
    }

    /// Ends an attempt's reservation, counting a failure at `failed_at` if there was one.
    /// Returns whether this failure began the account-wide wait (for the audit trail).
    fn release(
        &self,
        key: &(String, IpAddr),
        account_wide: bool,
        failed_at: Option<DateTime<Utc>>,
    ) -> bool {
        let mut began = false;
        if account_wide {
            let mut accounts = self.accounts();
            if let Some(a) = accounts.get_mut(&key.0) {
                a.in_flight = a.in_flight.saturating_sub(1);
                if let Some(now) = failed_at {
                    a.failures += 1;
                    began = a.failures == ACCOUNT_MAX_FAILURES;
                    let over = a.failures.checked_sub(ACCOUNT_MAX_FAILURES);
                    a.until = over.and_then(|o| {
                        self.policy
                            .delay_after(o + self.policy.max_failures)
                            .map(|d| now + d)
                    });
                }
                if a.in_flight == 0 && a.failures == 0 {
                    accounts.remove(&key.0);
                }
            }
        }
        let mut entries = self.entries();
        let remove = match entries.get_mut(key) {
            Some(e) => {
                e.in_flight = e.in_flight.saturating_sub(1);
                if let Some(now) = failed_at {
                    e.failures += 1;
                    e.until = self.policy.delay_after(e.failures).map(|d| now + d);
                }
                e.in_flight == 0 && e.failures == 0
            }
            None => false,
        };
        if remove {
            entries.remove(key);
        }
        began
    }

    /// Forgets every client's failures for `username`, and the account-wide count (the DPO
    /// unlocked the account).
    pub fn clear(&self, username: &str) {
        let name = username.to_lowercase();
        self.entries().retain(|(u, _), _| *u != name);
        self.accounts().remove(&name);
    }
}

/// What a wrong password led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed {
    /// Until when this client waits for this username, if it must.
    pub until: Option<DateTime<Utc>>,
    /// This failure began the account-wide wait (audited).
    pub account_slowed: bool,
}

impl Attempt<'_> {
    /// The password was right: this client starts afresh for this username, and so does the
    /// username's count from everywhere (the person is in).
    pub fn succeeded(mut self) {
        self.done = true;
        self.guard.entries().remove(&self.key);
        self.guard.accounts().remove(&self.key.0);
    }

    /// The password (or the username) was wrong: counted, and a delay from the policy.
    pub fn failed(mut self, now: DateTime<Utc>) -> Failed {
        self.done = true;
        let account_slowed = self.guard.release(&self.key, self.account_wide, Some(now));
        Failed {
            until: self.guard.entries().get(&self.key).and_then(|e| e.until),
            account_slowed,
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.guard.release(&self.key, self.account_wide, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, n])
    }

    #[tokio::test]
    async fn a_burst_of_guesses_gets_no_more_checks_than_the_policy_allows() {
        let guard = SignInGuard::new(LockoutPolicy::default());
        let now = Utc::now();
        // Reserve many at once without resolving any: only five get through.
        let mut held = Vec::new();
        let mut refused = 0;
        for _ in 0..20 {
            match guard.reserve("kim", ip(1), false, now).await {
                Ok(a) => held.push(a),
                Err(Refused::Wait(_)) => refused += 1,
                Err(other) => panic!("{other:?}"),
            }
            // Keep at most two permits held so that reserve does not wait forever.
            if held.len() == CHECKS_AT_ONCE {
                for a in held.drain(..) {
                    a.failed(now);
                }
            }
        }
        for a in held.drain(..) {
            a.failed(now);
        }
        assert_eq!(refused, 15);
        // That client now waits a minute for kim; another client, or another username, not.
        assert!(matches!(
            guard.reserve("kim", ip(1), false, now).await,
            Err(Refused::Wait(t)) if t == now + chrono::Duration::minutes(1)
        ));
        assert!(guard.reserve("kim", ip(2), false, now).await.is_ok());
        assert!(guard.reserve("nobody", ip(1), false, now).await.is_ok());
        // After the wait one more try; after the DPO's unlock, a fresh start.
        let later = now + chrono::Duration::minutes(1);
        guard
            .reserve("kim", ip(1), false, later)
            .await
            .unwrap()
            .failed(later);
        assert!(matches!(
            guard.reserve("kim", ip(1), false, later).await,
            Err(Refused::Wait(t)) if t == later + chrono::Duration::minutes(2)
        ));
        guard.clear("KIM");
        guard
            .reserve("kim", ip(1), false, later)
            .await
            .unwrap()
            .succeeded();
    }

    #[tokio::test]
    async fn guesses_at_one_account_from_many_addresses_are_slowed_together_but_not_a_known_browser(
    ) {
        let guard = SignInGuard::new(LockoutPolicy::default());
        let now = Utc::now();
        // Twenty addresses, each within its own allowance (four tries each, one at a time).
        let mut checked = 0;
        let mut slowed = 0;
        let mut began = 0;
        for n in 1..=20u8 {
            for _ in 0..4 {
                match guard.reserve("kim", ip(n), false, now).await {
                    Ok(a) => {
                        checked += 1;
                        began += a.failed(now).account_slowed as u32;
                    }
                    Err(Refused::AccountWait(t)) => {
                        assert_eq!(t, now + chrono::Duration::minutes(1));
                        slowed += 1;
                    }
                    Err(other) => panic!("{other:?}"),
                }
            }
        }
        assert_eq!(
            checked, ACCOUNT_MAX_FAILURES,
            "only the account's allowance was checked"
        );
        assert_eq!(slowed, 80 - ACCOUNT_MAX_FAILURES);
        assert_eq!(began, 1, "the wait began once, for the audit trail");
        // The same for a username that does not exist: nothing tells the two apart.
        for n in 1..=20u8 {
            for _ in 0..4 {
                if let Ok(a) = guard.reserve("nobody", ip(n), false, now).await {
                    a.failed(now);
                }
            }
        }
        assert!(matches!(
            guard.reserve("nobody", ip(99), false, now).await,
            Err(Refused::AccountWait(_))
        ));
        // The real person's own browser is not slowed by the others' guesses…
        guard
            .reserve("kim", ip(200), true, now)
            .await
            .unwrap()
            .succeeded();
        // …and once they are in, the count starts again for everyone.
        assert!(guard.reserve("kim", ip(1), false, now).await.is_ok());
        // After the wait, one more try; each failure then doubles it, up to the cap.
        let g2 = SignInGuard::new(LockoutPolicy::default());
        for n in 0..ACCOUNT_MAX_FAILURES {
            g2.reserve("sam", ip(n as u8), false, now)
                .await
                .unwrap()
                .failed(now);
        }
        let later = now + chrono::Duration::minutes(1);
        g2.reserve("sam", ip(50), false, later)
            .await
            .unwrap()
            .failed(later);
        assert!(matches!(
            g2.reserve("sam", ip(51), false, later).await,
            Err(Refused::AccountWait(t)) if t == later + chrono::Duration::minutes(2)
        ));
        // The DPO's unlock clears it.
        g2.clear("SAM");
        assert!(g2.reserve("sam", ip(51), false, later).await.is_ok());
    }

    #[tokio::test]
    async fn an_abandoned_attempt_frees_its_place() {
        let guard = SignInGuard::new(LockoutPolicy::default());
        let now = Utc::now();
        for _ in 0..10 {
            let a = guard.reserve("kim", ip(1), false, now).await.unwrap();
            drop(a);
        }
        assert!(guard.reserve("kim", ip(1), false, now).await.is_ok());
    }
}
