//! Free text as people type it: trimmed, bounded, and free of control characters.

use super::FieldError;
use serde::{Deserialize, Serialize};

/// Limits on what one field may hold. Generous for people, small enough that one complaint
/// always fits well inside the request size limit.
pub mod limits {
    pub const NAME: usize = 200;
    pub const ADDRESS_LINE: usize = 200;
    pub const TOWN: usize = 100;
    pub const EMAIL: usize = 254;
    pub const PHONE: usize = 30;
    pub const SHORT: usize = 200;
    pub const MEDIUM: usize = 1_000;
    pub const DESCRIPTION: usize = 10_000;
}

/// Whether a field may span lines (a description) or must be a single line (a name).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// A pictograph that joins into emoji sequences (family, professions, flags).
fn pictographic(c: char) -> bool {
    matches!(c, '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{FE0F}')
}

/// Characters that show nothing (or reorder what is shown) and so can hide or disguise text
/// from the member of staff who reads it: every format character (Unicode's Cf: bidirectional
/// overrides and marks, zero-width spaces, word joiners and invisible operators, soft hyphens,
/// the deprecated format controls U+206A–F, shorthand, hieroglyph and musical format controls,
/// tags), line and paragraph separators, variation selectors, the combining grapheme joiner,
/// Mongolian free variation selectors, Khmer inherent vowels, Hangul fillers, the blank Braille
/// pattern and non-characters. What real writing needs is kept: the zero-width non-joiner
/// (Persian and Indic scripts), the zero-width joiner and emoji presentation selector inside
/// emoji, tag characters after the black flag (the flags of Wales, Scotland and England), and
/// the visible Arabic and Syriac number signs (format characters that show).
fn hidden(c: char, prev: Option<char>, next: Option<char>) -> bool {
    match c {
        '\u{200D}' => !(prev.is_some_and(pictographic) && next.is_some_and(pictographic)),
        '\u{FE0F}' => {
            !prev.is_some_and(|p| pictographic(p) || p.is_ascii_digit() || p == '#' || p == '*')
        }
        '\u{E0020}'..='\u{E007F}' => !matches!(prev, Some('\u{1F3F4}' | '\u{E0020}'..='\u{E007F}')),
        '\u{200C}' => false,
        '\u{0600}'..='\u{0605}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'
        | '\u{0891}'
        | '\u{08E2}'
        | '\u{110BD}'
        | '\u{110CD}' => false,
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{2800}'
        | '\u{3164}'
        | '\u{FDD0}'..='\u{FDEF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}' => true,
        // The last two code points of every plane are non-characters.
        c => (c as u32) & 0xFFFE == 0xFFFE,
    }
}

/// A space that looks like the ordinary one (no-break, en, em, thin, ideographic…): people
/// paste them from word processors without seeing them. They become ordinary spaces, so the
/// same name is stored, shown and found one way whatever was pasted.
fn look_alike_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Text as it is kept and compared: Windows and old Mac line endings as plain newlines,
/// look-alike spaces as ordinary ones, trimmed; on one line, runs of spaces made one. The
/// subject-access search reads a name through this too, so it finds what was stored.
pub fn normalised(raw: &str, lines: Lines) -> String {
    // One pass over characters (a string search here would cost the WebAssembly a searcher).
    let mut unified = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => unified.push('\n'),
            c if look_alike_space(c) => unified.push(' '),
            c => unified.push(c),
        }
    }
    let trimmed = unified.trim();
    if lines == Lines::Many {
        return trimmed.to_string();
    }
    let mut out = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

/// `raw` as one line of text is kept and compared (see `normalised`), less anything hidden:
/// what a search by name compares with the names stored.
pub fn searchable(raw: &str) -> String {
    let text = normalised(raw, Lines::One);
    let chars: Vec<char> = text.chars().collect();
    let kept: String = chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            !c.is_control() && !hidden(c, prev, chars.get(i + 1).copied())
        })
        .map(|(_, &c)| c)
        .collect();
    normalised(&kept, Lines::One)
}

/// Trimmed, non-empty text within a length limit, with no control characters (newlines and
/// tabs are allowed in multi-line fields only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    /// As `parse`, for a field that must be answered: `missing` says so when it is empty.
    pub fn required(
        raw: &str,
        field: &str,
        label: &str,
        max: usize,
        lines: Lines,
        missing: &str,
    ) -> Result<Text, FieldError> {
        Text::parse(raw, field, label, max, lines)?.ok_or_else(|| FieldError::new(field, missing))
    }

    /// `label` names the field in messages, as the person sees it ("Full name").
    pub fn parse(
        raw: &str,
        field: &str,
        label: &str,
        max: usize,
        lines: Lines,
    ) -> Result<Option<Text>, FieldError> {
        let normalised = normalised(raw, lines);
        let trimmed = normalised.as_str();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let chars: Vec<char> = trimmed.chars().collect();
        let bad = chars.iter().enumerate().any(|(i, &c)| {
            let allowed_ws = lines == Lines::Many && (c == '\n' || c == '\t');
            let prev = i.checked_sub(1).map(|p| chars[p]);
            (c.is_control() && !allowed_ws) || hidden(c, prev, chars.get(i + 1).copied())
        });
        // Whole sentences with named parts: the public pages translate them by their shape
        // (`crate::i18n`), the label in turn.
        if bad {
            let message = if lines == Lines::One {
                format!(
                    "{label} must be on one line and must not include hidden control characters"
                )
            } else {
                format!("{label} must not include hidden control characters")
            };
            return Err(FieldError::new(field, message));
        }
        let count = trimmed.chars().count();
        if count > max {
            return Err(FieldError::new(
                field,
                format!(
                    "{label} must be {max} characters or fewer",
                    max = group_thousands(max)
                ),
            ));
        }
        Ok(Some(Text(trimmed.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// 10000 -> "10,000", as GOV.UK writes numbers in messages.
pub fn group_thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An email address that a person could receive mail at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

pub const EMAIL_FORMAT: &str =
    "Enter an email address in the correct format, like name@example.com";

impl Email {
    pub fn parse(raw: &str, field: &str) -> Result<Option<Email>, FieldError> {
        let Some(text) = Text::parse(raw, field, "Email address", limits::EMAIL, Lines::One)?
        else {
            return Ok(None);
        };
        let s = text.as_str();
        // The crate checks RFC 5321/5322 syntax; we also insist on a dotted domain, since
        // addresses like name@localhost cannot receive a council's letters.
        let domain_ok = s
            .rsplit_once('@')
            .map(|(_, d)| d.as_bytes().contains(&b'.') && !d.starts_with('.') && !d.ends_with('.'))
            .unwrap_or(false);
        if !domain_ok
            || s.contains(char::is_whitespace)
            || !email_address::EmailAddress::is_valid(s)
        {
            return Err(FieldError::new(field, EMAIL_FORMAT));
        }
        Ok(Some(Email(s.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A telephone number, UK or international, as written by people (spaces, brackets, dashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

pub const PHONE_FORMAT: &str =
    "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192";

impl Phone {
    pub fn parse(raw: &str, field: &str) -> Result<Option<Phone>, FieldError> {
        let Some(text) = Text::parse(raw, field, "Telephone number", limits::PHONE, Lines::One)?
        else {
            return Ok(None);
        };
        let s = text.as_str();
        let allowed = s.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
        });
        let digits = s.chars().filter(char::is_ascii_digit).count();
        if !allowed || !(10..=15).contains(&digits) {
            return Err(FieldError::new(field, PHONE_FORMAT));
        }
        Ok(Some(Phone(s.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A UK postcode, stored in its standard form ("SW1A 1AA").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(raw: &str, field: &str) -> Result<Option<Postcode>, FieldError> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if compact.is_empty() {
            return Ok(None);
        }
        if !is_uk_postcode(&compact) {
            return Err(FieldError::new(
                field,
                "Enter a real postcode, like NG2 7QP",
            ));
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        Ok(Some(Postcode(format!("{outward} {inward}"))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The shapes of UK postcodes: outward code A9, A99, AA9, AA99, A9A or AA9A, then 9AA.
fn is_uk_postcode(compact: &str) -> bool {
    let b = compact.as_bytes();
    if !(5..=7).contains(&b.len()) || !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (outward, inward) = b.split_at(b.len() - 3);
    let inward_ok = inward[0].is_ascii_digit()
        && inward[1].is_ascii_alphabetic()
        && inward[2].is_ascii_alphabetic();
    let shape: String = outward
        .iter()
        .map(|c| if c.is_ascii_digit() { '9' } else { 'A' })
        .collect();
    inward_ok
        && matches!(
            shape.as_str(),
            "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_empty_is_none() {
        let t = Text::parse("  Jo Bloggs \n", "f", "Name", 10, Lines::One).unwrap();
        assert_eq!(t.unwrap().as_str(), "Jo Bloggs");
        assert_eq!(
            Text::parse(" \t ", "f", "Name", 10, Lines::One).unwrap(),
            None
        );
    }

    #[test]
    fn text_over_the_limit_is_refused_with_the_limit_in_words() {
        let e = Text::parse(&"a".repeat(10_001), "d", "Details", 10_000, Lines::Many).unwrap_err();
        assert_eq!(e.message, "Details must be 10,000 characters or fewer");
        assert!(Text::parse(&"é".repeat(10_000), "d", "Details", 10_000, Lines::Many).is_ok());
    }

    #[test]
    fn control_characters_are_refused_but_newlines_allowed_where_lines_are() {
        assert!(Text::parse("a\u{0}b", "f", "Name", 10, Lines::One).is_err());
        assert!(Text::parse("a\u{1b}[31mb", "f", "Name", 20, Lines::Many).is_err());
        assert!(Text::parse("a\nb", "f", "Name", 10, Lines::One).is_err());
        assert!(Text::parse("a\u{202E}b", "f", "Name", 10, Lines::One).is_err());
        let t = Text::parse("line 1\r\nline 2", "f", "Details", 100, Lines::Many).unwrap();
        assert_eq!(t.unwrap().as_str(), "line 1\nline 2");
    }

    #[test]
    fn invisible_characters_are_refused_and_real_writing_is_kept() {
        for hidden in [
            '\u{200B}',
            '\u{200D}',
            '\u{2060}',
            '\u{200E}',
            '\u{200F}',
            '\u{061C}',
            '\u{2028}',
            '\u{2029}',
            '\u{00AD}',
            '\u{E0041}',
            '\u{3164}',
            '\u{115F}',
            '\u{FFFF}',
            '\u{1FFFE}',
            '\u{FDD0}',
            '\u{FEFF}',
            '\u{202E}',
        ] {
            let text = format!("Sam{hidden}Example");
            let e = Text::parse(&text, "full_name", "Full name", 100, Lines::Many)
                .expect_err(&format!("U+{:04X} refused", hidden as u32));
            assert_eq!(e.field, "full_name");
            assert!(e.message.contains("hidden"), "{}", e.message);
        }
        for real in [
            "Siân Llŷr ap Rhys",
            "محمد عبد الله",
            "می\u{200C}خواهم", // Persian, with a zero-width non-joiner
            "Family 👨\u{200D}👩\u{200D}👧 and 👍🏽",
            "From Wales 🏴\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}",
            "日本語のテキスト",
        ] {
            assert!(
                Text::parse(real, "d", "Details", 100, Lines::Many).is_ok(),
                "{real} is kept"
            );
        }
    }

    #[test]
    fn every_remaining_invisible_and_format_character_is_refused() {
        // Issue 28's list: still accepted before, all invisible.
        let mut refused: Vec<char> =
            vec!['\u{034F}', '\u{2800}', '\u{17B4}', '\u{17B5}', '\u{E0001}'];
        refused.extend(('\u{206A}'..='\u{206F}').chain('\u{FE00}'..='\u{FE0E}'));
        refused.extend(('\u{E0100}'..='\u{E01EF}').chain('\u{180B}'..='\u{180F}'));
        refused.extend(('\u{1D173}'..='\u{1D17A}').chain('\u{1BCA0}'..='\u{1BCA3}'));
        refused.extend('\u{13430}'..='\u{1343F}');
        for c in refused {
            for text in [format!("Sam{c}Example"), format!("Sam Example{c}")] {
                assert!(
                    Text::parse(&text, "full_name", "Full name", 100, Lines::One).is_err(),
                    "U+{:04X} refused",
                    c as u32
                );
            }
        }
        // An emoji presentation selector is kept only where it follows an emoji or a keycap.
        assert!(Text::parse("Sam\u{FE0F}", "d", "Details", 100, Lines::Many).is_err());
        for kept in ["I \u{2764}\u{FE0F} it", "Press 1\u{FE0F}\u{20E3}"] {
            assert!(
                Text::parse(kept, "d", "Details", 100, Lines::Many).is_ok(),
                "{kept}"
            );
        }
    }

    #[test]
    fn look_alike_spaces_become_ordinary_spaces_and_runs_one_space_on_one_line() {
        for space in [
            '\u{00A0}', '\u{1680}', '\u{2002}', '\u{2009}', '\u{200A}', '\u{202F}', '\u{205F}',
            '\u{3000}',
        ] {
            let t = Text::parse(
                &format!("Sam{space}Example{space}"),
                "f",
                "Name",
                100,
                Lines::One,
            )
            .unwrap()
            .unwrap();
            assert_eq!(t.as_str(), "Sam Example", "U+{:04X}", space as u32);
        }
        assert_eq!(normalised(" Sam   Example ", Lines::One), "Sam Example");
        // Where lines matter, the writer's spacing is theirs.
        assert_eq!(normalised("a  b\r\nc", Lines::Many), "a  b\nc");
        // Old Mac endings and a Windows blank line: one newline each, none lost.
        assert_eq!(normalised("a\rb\r\n\r\nc\r", Lines::Many), "a\nb\n\nc");
        assert_eq!(normalised("a\r\r\nb", Lines::Many), "a\n\nb");
        // A name searched for is read the same way, less what is hidden.
        assert_eq!(
            searchable("Sam\u{00A0}\u{200B}Exa\u{034F}mple "),
            "Sam Example"
        );
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" name@example.com ", "email")
                .unwrap()
                .unwrap()
                .as_str(),
            "name@example.com"
        );
        for bad in [
            "name",
            "name@",
            "@example.com",
            "name@example",
            "na me@example.com",
            "a@b@c.com",
            "name@.com",
        ] {
            let e = Email::parse(bad, "email").unwrap_err();
            assert_eq!(e.message, EMAIL_FORMAT, "{bad}");
        }
        assert_eq!(Email::parse("", "email").unwrap(), None);
    }

    #[test]
    fn phones() {
        for good in [
            "01632 960 001",
            "07700 900982",
            "+44 808 157 0192",
            "(0115) 804-3800",
        ] {
            assert!(Phone::parse(good, "phone").unwrap().is_some(), "{good}");
        }
        for bad in [
            "123",
            "0115 80 43800 ext 2",
            "++44 115 804 3800",
            "0115+8043800",
            "1234567890123456",
        ] {
            assert_eq!(
                Phone::parse(bad, "phone").unwrap_err().message,
                PHONE_FORMAT,
                "{bad}"
            );
        }
    }

    #[test]
    fn postcodes_are_normalised() {
        for (raw, want) in [
            ("ng27qp", "NG2 7QP"),
            ("SW1A 1AA", "SW1A 1AA"),
            (" m1 1ae ", "M1 1AE"),
            ("W1A0AX", "W1A 0AX"),
            ("B338TH", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
        ] {
            assert_eq!(Postcode::parse(raw, "p").unwrap().unwrap().as_str(), want);
        }
        for bad in ["NG2", "12345", "NG2 7Q", "NGG2 7QP", "N-2 7QP"] {
            assert!(Postcode::parse(bad, "p").is_err(), "{bad}");
        }
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(200), "200");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}
