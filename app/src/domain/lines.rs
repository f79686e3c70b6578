//! The browser's own wire format: values one per line, in an order both ends know, written and
//! read by hand. It carries the page's state into the WebAssembly (hydration), the draft kept
//! on the device, and the complaint sent and its answer. serde_json did this before, and its
//! parser and the code derived for every type were a quarter of the WebAssembly
//! (BENCHMARKS.md, "Page weight"); this is a few hundred bytes.
//!
//! Format: each value is one line. Inside a value a backslash is written `\\` and a line break
//! `\n`; a missing value (`None`) is the line `\-`, which escaping never produces, so every
//! string, including an empty one, reads back as itself (proved for all strings by the property
//! test below). A list is its length, then its items. The first line is a format tag, so a
//! draft from another version of the form is recognised and set aside, never misread.

/// A type with a place in this format.
pub trait Lines: Sized {
    fn write(&self, w: &mut Writer);
    fn read(r: &mut Reader) -> Option<Self>;
}

/// `value` as text under the format tag `tag`.
pub fn encode<T: Lines>(tag: &str, value: &T) -> String {
    let mut w = Writer::new(tag);
    value.write(&mut w);
    w.finish()
}

/// The value in `text`, if it is exactly one value of this type under `tag`.
pub fn decode<T: Lines>(tag: &str, text: &str) -> Option<T> {
    let mut r = Reader::new(text, tag)?;
    let value = T::read(&mut r)?;
    r.done().then_some(value)
}

/// For Leptos to carry a value from the server's page into the WebAssembly in this format.
pub struct LinesCodec;

/// The tag of values carried by `LinesCodec` (both ends are built together).
const CODEC_TAG: &str = "page-1";

impl<T: Lines> codee::Encoder<T> for LinesCodec {
    type Error = ();
    type Encoded = String;

    fn encode(value: &T) -> Result<String, ()> {
        Ok(encode(CODEC_TAG, value))
    }
}

impl<T: Lines> codee::Decoder<T> for LinesCodec {
    type Error = ();
    type Encoded = str;

    fn decode(text: &str) -> Result<T, ()> {
        decode(CODEC_TAG, text).ok_or(())
    }
}

/// Writes values in order.
#[derive(Default)]
pub struct Writer {
    out: String,
}

const NONE: &str = "\\-";

impl Writer {
    /// A new text starting with its format tag.
    pub fn new(tag: &str) -> Writer {
        let mut w = Writer::default();
        w.str(tag);
        w
    }

    pub fn str(&mut self, value: &str) {
        for c in value.chars() {
            match c {
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                c => self.out.push(c),
            }
        }
        self.out.push('\n');
    }

    pub fn opt(&mut self, value: Option<&str>) {
        match value {
            Some(v) => self.str(v),
            None => {
                self.out.push_str(NONE);
                self.out.push('\n');
            }
        }
    }

    pub fn flag(&mut self, value: bool) {
        self.str(if value { "1" } else { "0" });
    }

    /// A list: its length, then each item as `item` writes it.
    pub fn list<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Writer, &T)) {
        self.str(&items.len().to_string());
        for i in items {
            item(self, i);
        }
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Reads values in the order they were written; `None` for text that is not what the reader
/// expects (another format, cut short, a malformed escape).
pub struct Reader<'a> {
    lines: std::str::Split<'a, char>,
}

impl<'a> Reader<'a> {
    /// A reader of `text`, if it starts with `tag`.
    pub fn new(text: &'a str, tag: &str) -> Option<Reader<'a>> {
        let mut r = Reader {
            lines: text.split('\n'),
        };
        (r.str()? == tag).then_some(r)
    }

    pub fn opt(&mut self) -> Option<Option<String>> {
        let line = self.lines.next()?;
        if line == NONE {
            return Some(None);
        }
        let mut out = String::with_capacity(line.len());
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            out.push(match c {
                '\\' => match chars.next()? {
                    '\\' => '\\',
                    'n' => '\n',
                    _ => return None,
                },
                c => c,
            });
        }
        Some(Some(out))
    }

    pub fn str(&mut self) -> Option<String> {
        self.opt()?
    }

    pub fn flag(&mut self) -> Option<bool> {
        match self.str()?.as_str() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        }
    }

    /// A value read by `parse` from its text (an id, a date, a reference).
    pub fn parsed<T>(&mut self, parse: impl FnOnce(&str) -> Option<T>) -> Option<T> {
        parse(&self.str()?)
    }

    /// A list written by `Writer::list`. Its length is checked against what is left, so a
    /// forged length cannot make the reader reserve memory for items that are not there.
    pub fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Reader<'a>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let n: usize = self.str()?.parse().ok()?;
        let mut items = Vec::new();
        for _ in 0..n {
            items.push(item(self)?);
        }
        Some(items)
    }

    /// Whether everything written has been read (the text ends with the last line's break).
    pub fn done(mut self) -> bool {
        matches!(self.lines.next(), Some("")) && self.lines.next().is_none()
    }
}

// The domain's types in this format (the journey's own are in `flow`).

use super::complaint::Channel;
use super::receipt::Receipt;
use super::reference::Reference;
use super::taxonomy::Team;
use super::triage::{CaseKind, TriageFlags};
use super::wire::{format_date, read_date};
use super::FieldError;

/// The browser's copy of a receipt: what the confirmation shows (the reference, what kind of
/// case, the team, whether identity may be checked, and the three dates). The rest stays with
/// the server: read back, it is blank (no team id, category or time of day).
impl Lines for Receipt {
    fn write(&self, w: &mut Writer) {
        w.str(&self.reference.compact());
        w.str(self.kind.id());
        w.str(&self.team.name);
        w.flag(self.flags.identity_check);
        w.str(&format_date(self.received_on));
        w.str(&format_date(self.acknowledge_by));
        w.str(&format_date(self.outcome_due));
        w.str(self.evidence_token.as_deref().unwrap_or(""));
    }

    fn read(r: &mut Reader) -> Option<Self> {
        Some(Receipt {
            reference: r.parsed(|s| Reference::parse(s).ok())?,
            kind: r.parsed(CaseKind::parse)?,
            team: Team {
                id: String::new(),
                name: r.str()?,
            },
            category: String::new(),
            flags: TriageFlags {
                identity_check: r.flag()?,
                clarification_needed: false,
                corporate_handover: false,
            },
            channel: Channel::Online,
            received_at: chrono::DateTime::UNIX_EPOCH,
            received_on: r.parsed(read_date)?,
            acknowledged_at: None,
            acknowledge_by: r.parsed(read_date)?,
            outcome_due: r.parsed(read_date)?,
            evidence_token: Some(r.str()?).filter(|t| !t.is_empty()),
        })
    }
}

impl Lines for FieldError {
    fn write(&self, w: &mut Writer) {
        w.str(&self.field);
        w.str(&self.message);
    }

    fn read(r: &mut Reader) -> Option<Self> {
        Some(FieldError {
            field: r.str()?,
            message: r.str()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_string_and_none_reads_back_as_itself(
            values in proptest::collection::vec(proptest::option::of("(?s).*"), 0..8),
            flag: bool,
        ) {
            let mut w = Writer::new("t1");
            w.list(&values, |w, v| w.opt(v.as_deref()));
            w.flag(flag);
            let text = w.finish();
            let mut r = Reader::new(&text, "t1").unwrap();
            prop_assert_eq!(r.list(|r| r.opt()).unwrap(), values);
            prop_assert_eq!(r.flag(), Some(flag));
            prop_assert!(r.done());
        }
    }

    #[test]
    fn awkward_strings_survive() {
        for s in [
            "",
            "\\",
            "\\-",
            "\\n",
            "\n",
            "a\nb\\c",
            "Ll\u{0177}r \u{1F3F4}\u{E0067}\u{E0062}",
        ] {
            let mut w = Writer::new("t");
            w.str(s);
            w.opt(Some(s));
            let text = w.finish();
            let mut r = Reader::new(&text, "t").unwrap();
            assert_eq!(r.str().as_deref(), Some(s));
            assert_eq!(r.opt(), Some(Some(s.to_string())));
            assert!(r.done());
        }
    }

    #[test]
    fn other_formats_and_broken_text_are_refused() {
        assert!(Reader::new("t2\nx\n", "t1").is_none());
        assert!(Reader::new("{\"version\":1}", "t1").is_none());
        let mut r = Reader::new("t1\nbad \\q escape\n", "t1").unwrap();
        assert_eq!(r.str(), None);
        let mut r = Reader::new("t1\n3\na\n", "t1").unwrap();
        assert_eq!(r.list(|r| r.str()), None, "a list cut short");
        let mut r = Reader::new("t1\n99999999999\n", "t1").unwrap();
        assert_eq!(r.list(|r| r.str()), None, "a forged length");
        let r = Reader::new("t1\na\n", "t1").unwrap();
        assert!(!r.done(), "a value left unread");
    }
}
