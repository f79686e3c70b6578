//! Complaint references that can be read aloud and typed on a phone: nine characters from an
//! alphabet without 0, O, 1, I or L, shown in three groups ("K7M-2QX-9PB"), the last being a
//! check character.
//!
//! The alphabet has 31 symbols, a prime, and the check makes Σ wᵢ·vᵢ ≡ 0 (mod 31) with weights
//! 1..=9. A single wrong character changes the sum by wᵢ·δ, and swapping two neighbours by
//! (wᵢ − wᵢ₊₁)·δ = ±δ; neither is a multiple of 31, so both mistakes are always caught.

use serde::{Deserialize, Serialize};

pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Random characters, before the check character.
pub const BODY_LEN: usize = 8;
pub const LEN: usize = BODY_LEN + 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference([u8; LEN]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("Enter a reference, like K7M-2QX-9PB")]
    Empty,
    #[error("A reference is 9 letters and numbers, like K7M-2QX-9PB")]
    WrongLength,
    #[error("A reference only uses the numbers 2 to 9 and the letters A to Z except I, L and O")]
    BadCharacter,
    #[error("That reference is not right: check it and try again")]
    CheckFailed,
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

fn weighted_sum(chars: &[u8]) -> u32 {
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| (i as u32 + 1) * value(c).expect("only alphabet characters get here"))
        .sum::<u32>()
        % 31
}

impl Reference {
    /// A new reference from a random number. The caller brings the randomness so this stays
    /// pure; the store guarantees uniqueness. Eight base-31 digits of a uniform u64 are
    /// uniform to within 2⁻²⁴, so no reference is likelier than another.
    pub fn from_random(mut random: u64) -> Reference {
        let mut chars = [0u8; LEN];
        for slot in chars.iter_mut().take(BODY_LEN) {
            *slot = ALPHABET[(random % 31) as usize];
            random /= 31;
        }
        // Solve 9·v₈ ≡ −s (mod 31); 7 is the inverse of 9 modulo 31 (63 = 2·31 + 1).
        let s = weighted_sum(&chars[..BODY_LEN]);
        let check = ((31 - s) % 31) * 7 % 31;
        chars[BODY_LEN] = ALPHABET[check as usize];
        Reference(chars)
    }

    /// Accepts what a person types or says back: any case, spaces and hyphens anywhere.
    pub fn parse(raw: &str) -> Result<Reference, ReferenceError> {
        let chars: Vec<u8> = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
            .collect();
        if chars.is_empty() {
            return Err(ReferenceError::Empty);
        }
        if chars.len() != LEN {
            return Err(ReferenceError::WrongLength);
        }
        if chars.iter().any(|&c| value(c).is_none()) {
            return Err(ReferenceError::BadCharacter);
        }
        if weighted_sum(&chars) != 0 {
            return Err(ReferenceError::CheckFailed);
        }
        let mut out = [0u8; LEN];
        out.copy_from_slice(&chars);
        Ok(Reference(out))
    }

    /// The form stored in the database and used in URLs: nine characters, no separators.
    pub fn compact(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

/// Three groups of three, for reading aloud and for letters.
impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.compact();
        write!(f, "{}-{}-{}", &s[0..3], &s[3..6], &s[6..9])
    }
}

impl TryFrom<String> for Reference {
    type Error = ReferenceError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Reference::parse(&s)
    }
}

impl From<Reference> for String {
    fn from(r: Reference) -> String {
        r.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_reference() -> impl Strategy<Value = Reference> {
        any::<u64>().prop_map(Reference::from_random)
    }

    #[test]
    fn shape() {
        // Digits come out least significant first: 0, 1, 2, ... map to "2", "3", "4", ...
        let n: u64 = (0..8).rev().fold(0, |acc, d| acc * 31 + d);
        let s = Reference::from_random(n).to_string();
        assert_eq!(s.len(), 11);
        assert_eq!(&s[..10], "234-567-89");
        assert!(!ALPHABET.iter().any(|c| b"01OIL".contains(c)));
        assert_eq!(ALPHABET.len(), 31);
    }

    #[test]
    fn explains_what_is_wrong() {
        assert_eq!(Reference::parse(" "), Err(ReferenceError::Empty));
        assert_eq!(
            Reference::parse("ABC-DEF"),
            Err(ReferenceError::WrongLength)
        );
        assert_eq!(
            Reference::parse("ABC-DEF-GHO"),
            Err(ReferenceError::BadCharacter)
        );
        assert_eq!(
            Reference::parse("ABC-DEF-GH1"),
            Err(ReferenceError::BadCharacter)
        );
        assert_eq!(
            Reference::parse("ÅBC-DEF-GHJ"),
            Err(ReferenceError::BadCharacter)
        );
    }

    proptest! {
        #[test]
        fn round_trips_through_display_and_compact(r in any_reference()) {
            prop_assert_eq!(Reference::parse(&r.to_string()), Ok(r));
            prop_assert_eq!(Reference::parse(&r.compact()), Ok(r));
        }

        #[test]
        fn accepted_in_any_case_with_spaces_or_hyphens(r in any_reference(), sep in prop::sample::select(vec![" ", "-", "  ", " - ", ""])) {
            let s = r.compact().to_lowercase();
            let typed = format!("{}{sep}{}{sep}{}", &s[0..3], &s[3..6], &s[6..9]);
            prop_assert_eq!(Reference::parse(&typed), Ok(r));
        }

        #[test]
        fn any_single_mistyped_character_is_caught(r in any_reference(), pos in 0..LEN, replacement in 0..31usize) {
            let mut chars: Vec<u8> = r.compact().into_bytes();
            prop_assume!(chars[pos] != ALPHABET[replacement]);
            chars[pos] = ALPHABET[replacement];
            prop_assert_eq!(Reference::parse(std::str::from_utf8(&chars).unwrap()), Err(ReferenceError::CheckFailed));
        }

        #[test]
        fn any_swap_of_neighbours_is_caught(r in any_reference(), pos in 0..LEN - 1) {
            let mut chars: Vec<u8> = r.compact().into_bytes();
            prop_assume!(chars[pos] != chars[pos + 1]);
            chars.swap(pos, pos + 1);
            prop_assert_eq!(Reference::parse(std::str::from_utf8(&chars).unwrap()), Err(ReferenceError::CheckFailed));
        }
    }

    /// Exhaustive over one reference: every substitution at every place is caught.
    #[test]
    fn every_substitution_of_one_reference_is_caught() {
        let r = Reference::from_random(0x9E37_79B9_7F4A_7C15);
        let base = r.compact().into_bytes();
        for pos in 0..LEN {
            for &c in ALPHABET {
                if c == base[pos] {
                    continue;
                }
                let mut v = base.clone();
                v[pos] = c;
                assert!(Reference::parse(std::str::from_utf8(&v).unwrap()).is_err());
            }
        }
    }
}
