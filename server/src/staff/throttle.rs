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
}

/// Why an attempt was not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Too many wrong passwords from this client for this username: wait until then.
    Wait(DateTime<Utc>),
    /// Too many sign-ins at once on this server.
    Busy,
}

/// A reserved attempt: the right to check one password. Dropped unresolved (say, the client
/// went away), it frees its place.
pub struct Attempt<'a> {
    guard: &'a SignInGuard,
    key: (String, IpAddr),
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
        }
    }

    pub fn policy(&self) -> &LockoutPolicy {
        &self.policy
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<(String, IpAddr), Entry>> {
        // A panic elsewhere while holding the lock leaves plain counters: still usable.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reserves one password check for `username` from `client`, waiting for a free checker.
    pub async fn reserve(
        &self,
        username: &str,
        client: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<Attempt<'_>, Refused> {
        let key = (username.to_lowercase(), client);
        {
            let mut entries = self.entries();
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, e| e.in_flight > 0 || e.until.is_some_and(|u| u > now));
                if entries.len() >= MAX_ENTRIES {
                    return Err(Refused::Busy);
                }
            }
            let e = entries.entry(key.clone()).or_default();
            if let Some(until) = e.until.filter(|u| *u > now) {
                return Err(Refused::Wait(until));
            }
            // Attempts already being checked count as failures until they are known not to
            // be: the burst that races the first failure is refused here, before any hashing.
            // Once the free tries are used, one try at a time after each wait.
            let full = if e.failures < self.policy.max_failures {
                e.failures + e.in_flight >= self.policy.max_failures
            } else {
                e.in_flight > 0
            };
            if full {
                let until = now
                    + self
                        .policy
                        .delay_after(e.failures.max(self.policy.max_failures))
                        .unwrap_or(self.policy.lock_for);
                return Err(Refused::Wait(until));
            }
            e.in_flight += 1;
        }
        let attempt = |permit| Attempt {
            guard: self,
            key: key.clone(),
            done: false,
            _permit: permit,
        };
        let Ok(place) = self.waiting.clone().try_acquire_owned() else {
            self.release(&key, None);
            return Err(Refused::Busy);
        };
        let permit = self.checks.clone().acquire_owned().await;
        drop(place);
        match permit {
            Ok(p) => Ok(attempt(p)),
            Err(_) => {
                self.release(&key, None);
                Err(Refused::Busy)
            }
        }
    }

    fn release(&self, key: &(String, IpAddr), failed_at: Option<DateTime<Utc>>) {
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
    }

    /// Forgets every client's failures for `username` (the DPO unlocked the account).
    pub fn clear(&self, username: &str) {
        let name = username.to_lowercase();
        self.entries().retain(|(u, _), _| *u != name);
    }
}

impl Attempt<'_> {
    /// The password was right: this client starts afresh for this username.
    pub fn succeeded(mut self) {
        self.done = true;
        let mut entries = self.guard.entries();
        entries.remove(&self.key);
    }

    /// The password (or the username) was wrong: counted, and a delay from the policy.
    pub fn failed(mut self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.done = true;
        self.guard.release(&self.key, Some(now));
        self.guard.entries().get(&self.key).and_then(|e| e.until)
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.guard.release(&self.key, None);
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
            match guard.reserve("kim", ip(1), now).await {
                Ok(a) => held.push(a),
                Err(Refused::Wait(_)) => refused += 1,
                Err(Refused::Busy) => panic!("not busy"),
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
            guard.reserve("kim", ip(1), now).await,
            Err(Refused::Wait(t)) if t == now + chrono::Duration::minutes(1)
        ));
        assert!(guard.reserve("kim", ip(2), now).await.is_ok());
        assert!(guard.reserve("nobody", ip(1), now).await.is_ok());
        // After the wait one more try; after the DPO's unlock, a fresh start.
        let later = now + chrono::Duration::minutes(1);
        guard
            .reserve("kim", ip(1), later)
            .await
            .unwrap()
            .failed(later);
        assert!(matches!(
            guard.reserve("kim", ip(1), later).await,
            Err(Refused::Wait(t)) if t == later + chrono::Duration::minutes(2)
        ));
        guard.clear("KIM");
        guard
            .reserve("kim", ip(1), later)
            .await
            .unwrap()
            .succeeded();
    }

    #[tokio::test]
    async fn an_abandoned_attempt_frees_its_place() {
        let guard = SignInGuard::new(LockoutPolicy::default());
        let now = Utc::now();
        for _ in 0..10 {
            let a = guard.reserve("kim", ip(1), now).await.unwrap();
            drop(a);
        }
        assert!(guard.reserve("kim", ip(1), now).await.is_ok());
    }
}
