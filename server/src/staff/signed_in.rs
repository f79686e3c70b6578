//! Being signed in: what every way of signing in (a password, with or without the second
//! step, or the identity provider) does at the end, and the cookie that marks a browser an
//! account has signed in with.

use super::error::StaffError;
use super::{new_token, SESSION_CSRF, SESSION_EPOCH, SESSION_SIGNED_IN_AT, SESSION_USER};
use crate::AppState;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;

/// Browsers an account has signed in with (OWASP's "device cookies"): guesses at the account
/// from elsewhere do not slow them down (`throttle`). The cookie names the account and when
/// it was given, signed with HMAC-SHA256 keyed by the account's password hash: only the
/// server can make one, it needs no table, and a new password forgets every browser.
pub mod device {
    use axum::http::{HeaderMap, HeaderValue};
    use chrono::{DateTime, Utc};
    use hmac::{Hmac, Mac};

    pub const COOKIE: &str = "__Host-intake_device";
    /// How long a browser stays known after its last sign-in.
    const DAYS: i64 = 90;

    fn mac(hash: &str, username: &str, issued: i64) -> Hmac<sha2::Sha256> {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(hash.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(format!("intake device\n{username}\n{issued}").as_bytes());
        mac
    }

    /// The Set-Cookie header for a browser that has just signed in to `username`.
    pub fn issue(username: &str, hash: &str, now: DateTime<Utc>) -> Option<HeaderValue> {
        let issued = now.timestamp();
        let tag = hex::encode(mac(hash, username, issued).finalize().into_bytes());
        HeaderValue::from_str(&format!(
            "{COOKIE}={username}.{issued}.{tag}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={}",
            DAYS * 86_400
        ))
        .ok()
    }

    /// Whether the request carries a cookie this server gave for `username` in the last
    /// `DAYS` days, under its current password.
    pub fn known(headers: &HeaderMap, username: &str, hash: &str, now: DateTime<Utc>) -> bool {
        let Some(value) = crate::client::cookie(headers, COOKIE) else {
            return false;
        };
        let mut parts = value.rsplitn(3, '.');
        let (Some(tag), Some(issued), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let (Ok(issued), Ok(tag)) = (issued.parse::<i64>(), hex::decode(tag)) else {
            return false;
        };
        let fresh = (0..=DAYS * 86_400).contains(&(now.timestamp() - issued));
        name == username && fresh && mac(hash, username, issued).verify_slice(&tag).is_ok()
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use axum::http::header;

        fn cookie_of(set: HeaderValue) -> HeaderMap {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_string();
            let mut h = HeaderMap::new();
            h.insert(header::COOKIE, format!("other=1; {pair}").parse().unwrap());
            h
        }

        #[test]
        fn a_browser_is_known_to_its_account_under_its_password_for_ninety_days() {
            let now = Utc::now();
            let h = cookie_of(issue("kim.handler", "hash-1", now).unwrap());
            assert!(known(&h, "kim.handler", "hash-1", now));
            assert!(known(
                &h,
                "kim.handler",
                "hash-1",
                now + chrono::Duration::days(89)
            ));
            assert!(!known(
                &h,
                "kim.handler",
                "hash-1",
                now + chrono::Duration::days(91)
            ));
            assert!(
                !known(&h, "kim.handler", "hash-2", now),
                "a new password forgets it"
            );
            assert!(!known(&h, "sam", "hash-1", now), "another account's");
            let mut forged = HeaderMap::new();
            let value = format!("{COOKIE}=sam.{}.{}", now.timestamp(), "00".repeat(32));
            forged.insert(header::COOKIE, value.parse().unwrap());
            assert!(!known(&forged, "sam", "hash-1", now));
            assert!(!known(&HeaderMap::new(), "kim.handler", "hash-1", now));
        }
    }
}

/// Signed in at last (after the password and any second step, or through the identity
/// provider): a new session id (no fixation), the account's epoch, the time (for the
/// absolute lifetime) and a new form token. `local`: a password sign-in, recorded here and
/// remembered by a known-browser cookie.
pub async fn finish_sign_in(
    state: &AppState,
    session: &tower_sessions::Session,
    account: &crate::store::staff::StaffAccount,
    next: &str,
    now: chrono::DateTime<Utc>,
    local: bool,
) -> Result<Response, StaffError> {
    if local {
        state.staff.record_sign_in(&account.username).await?;
    }
    session.cycle_id().await?;
    session.insert(SESSION_USER, &account.username).await?;
    session.insert(SESSION_EPOCH, account.session_epoch).await?;
    session
        .insert(SESSION_SIGNED_IN_AT, now.timestamp())
        .await?;
    session.insert(SESSION_CSRF, new_token()).await?;
    let mut response = Redirect::to(next).into_response();
    if local {
        if let Some(cookie) = device::issue(&account.username, &account.password_hash, now) {
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, cookie);
        }
    }
    Ok(response)
}
