//! RFC 6238 time-based codes, as authenticator apps make them, and one-time recovery codes:
//! the arithmetic of two-step sign-in (`two_step` has the pages).

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Seconds per code (RFC 6238's default, what every authenticator app uses).
const STEP: u64 = 30;
const DIGITS: usize = 6;
pub const RECOVERY_CODES: usize = 10;

/// A secret of 160 bits (RFC 4226's recommendation), as base32 for the person to type.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    base32(&bytes)
}

fn base32(bytes: &[u8]) -> String {
    totp_rs::Secret::Raw(bytes.to_vec())
        .to_encoded()
        .to_string()
}

pub fn totp(secret: &str, account: &str, issuer: &str) -> Option<totp_rs::TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .ok()?;
    // Unchecked: an issuer or username may hold characters the otpauth URL escapes anyway.
    Some(totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        DIGITS,
        1,
        STEP,
        bytes,
        Some(issuer.to_string()),
        account.to_string(),
    ))
}

/// The time step `code` is right for, now or one step either side, if any.
pub fn matching_step(secret: &str, code: &str, now: u64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret, "", "")?;
    let step = (now / STEP) as i64;
    (step - 1..=step + 1).find(|s| {
        let made = t.generate(*s as u64 * STEP);
        subtle::ConstantTimeEq::ct_eq(made.as_bytes(), code.as_bytes()).into()
    })
}

/// Ten recovery codes like `k3mfq-8xw2p` (50 random bits each), and the hashes kept of them.
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut rng = rand::rng();
            let chars: String = (0..10)
                .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect();
    let hashes = codes.iter().map(|c| recovery_hash(c)).collect();
    (codes, hashes)
}

/// A recovery code as typed (any case, with or without the hyphen or spaces), hashed.
pub fn recovery_hash(typed: &str) -> String {
    let clean: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(format!("intake recovery\n{clean}")))
}

/// The QR code of the `otpauth://` address, as SVG markup (drawn here: no script, no image
/// fetched from anywhere).
pub fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(220, 220)
                .build();
            // The XML declaration is for a file; inline in HTML the <svg> element is enough.
            let start = svg.find("<svg").unwrap_or(0);
            svg[start..].replacen(
                "<svg ",
                "<svg role=\"img\" aria-label=\"QR code for your authenticator app\" ",
                1,
            )
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_right_for_its_step_and_one_either_side_only() {
        let secret = new_secret();
        let t = totp(&secret, "kim", "Council").unwrap();
        let now = 1_790_000_000u64;
        let step = (now / STEP) as i64;
        for (offset, expected) in [
            (-2i64, None),
            (-1, Some(-1)),
            (0, Some(0)),
            (1, Some(1)),
            (2, None),
        ] {
            let code = t.generate((step + offset) as u64 * STEP);
            assert_eq!(
                matching_step(&secret, &code, now),
                expected.map(|o| step + o),
                "offset {offset}"
            );
        }
        let code = t.generate(now);
        assert_eq!(
            matching_step(&secret, &format!("{} {}", &code[..3], &code[3..]), now),
            Some(step)
        );
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
        assert_eq!(
            matching_step(&new_secret(), &code, now),
            None,
            "another secret's"
        );
    }

    #[test]
    fn recovery_codes_are_ten_different_and_kept_only_as_hashes() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        for (c, h) in codes.iter().zip(&hashes) {
            assert_eq!(c.len(), 11);
            assert!(!h.contains(c.as_str()));
            assert_eq!(&recovery_hash(&c.to_uppercase().replace('-', " ")), h);
        }
    }

    #[test]
    fn the_qr_code_is_inline_svg_with_a_name() {
        let svg = qr_svg("otpauth://totp/Council:kim?secret=ABC&issuer=Council");
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label="),
            "{}",
            &svg[..60]
        );
        assert!(!svg.contains("<?xml"));
    }
}
