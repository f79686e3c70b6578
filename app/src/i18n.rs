//! The public pages in English and Welsh, in gettext's way: the English written in the code is
//! the key, and a translator's file (`app/locales/cy.po`, the PO format their tools edit) gives
//! each English text its Welsh. English needs no file: a text with no translation is shown as
//! written. Texts with a part filled in later name it in braces ("Question {n} of {total}"),
//! in the English and in the translation alike.
//!
//! Only the language of the page reaches the browser, and the WebAssembly carries no words of
//! its own: the pages it renders name each text with `t!("…")` (or `tf!` to fill it in), which
//! on the server is the English looked up in the table, and in the WebAssembly only a hash of
//! it (`key`, worked out as it compiles). The build lists every text so marked
//! (`app/build.rs`), and the server puts the page's language's words for them in the page (with
//! the rest of `SiteInfo`), with the translations of the domain's own messages on Welsh pages.
//!
//! Messages the shared domain writes in English (a field's error, "Full name must be 200
//! characters or fewer") are translated where they are shown, by the same table: a key with
//! braces matches a message of its shape, and the parts it fills in are translated in turn.

use crate::domain::lines::{Lines, Reader, Writer};

/// The languages of the public pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Cy,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Cy];

    /// The code stored with a complaint and used in addresses.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Cy => "cy",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The page's `<html lang>`.
    pub fn html(self) -> &'static str {
        match self {
            Lang::En => "en-GB",
            Lang::Cy => "cy",
        }
    }

    /// What the language calls itself (the switch is written in the language it leads to).
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Cy => "Cymraeg",
        }
    }

    /// Its name in English, for staff pages.
    pub fn english_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Cy => "Welsh",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Cy,
            Lang::Cy => Lang::En,
        }
    }

    /// The start of this language's addresses: "" for English, "/cy" for Welsh.
    pub fn prefix(self) -> &'static str {
        match self {
            Lang::En => "",
            Lang::Cy => "/cy",
        }
    }

    /// The language an address is in, and the page it names: "/cy/complaint" is the Welsh
    /// "/complaint", "/cy" and "/cy/" the Welsh start page.
    pub fn of_path(path: &str) -> (Lang, &str) {
        match path.strip_prefix("/cy") {
            Some("") => (Lang::Cy, "/"),
            Some(rest) if rest.starts_with('/') => (Lang::Cy, rest),
            _ => (Lang::En, path),
        }
    }

    /// `page` ("/complaint", "/") in this language.
    pub fn path(self, page: &str) -> String {
        match (self, page) {
            (Lang::Cy, "/") => "/cy/".to_string(),
            _ => format!("{}{page}", self.prefix()),
        }
    }
}

impl Lines for Lang {
    fn write(&self, w: &mut Writer) {
        w.str(self.code());
    }

    fn read(r: &mut Reader) -> Option<Self> {
        r.parsed(Lang::parse)
    }
}

/// English text and its translation.
pub type Pairs = [(String, String)];

/// A marked text's hash and its words in the page's language (the browser's table).
pub type Keyed = [(u32, String)];

/// FNV-1a (32 bits) of a marked text: how the WebAssembly names it. Distinct for every text
/// the build lists (a test checks); worked out at compile time, so the English is not kept.
pub const fn key(en: &str) -> u32 {
    let bytes = en.as_bytes();
    let mut hash: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u32;
        hash = hash.wrapping_mul(0x0100_0193);
        i += 1;
    }
    hash
}

/// A text of the pages the WebAssembly renders, in the page's language: `t!(w, "English")`
/// with the page's `Words`, or `t!("English")` to take them from the context.
#[cfg(not(feature = "hydrate"))]
#[macro_export]
macro_rules! t {
    ($w:expr, $en:literal) => {
        $w.tr($en)
    };
    ($en:literal) => {
        $crate::ui::words::tr($en)
    };
}

/// In the WebAssembly a marked text is only its hash: the page brings the words.
#[cfg(feature = "hydrate")]
#[macro_export]
macro_rules! t {
    ($w:expr, $en:literal) => {
        $w.keyed(const { $crate::i18n::key($en) })
    };
    ($en:literal) => {
        $crate::ui::words::words().keyed(const { $crate::i18n::key($en) })
    };
}

/// `t!` with its parts in braces filled in: `tf!(w, "Question {n} of {total}", &parts)`.
#[macro_export]
macro_rules! tf {
    ($w:expr, $en:literal, $parts:expr $(,)?) => {
        $crate::i18n::fill($crate::t!($w, $en), $parts)
    };
}

/// The page's language and its table, as context for every component (cheap to copy).
#[derive(Clone, Copy)]
pub struct Words {
    pub lang: Lang,
    pairs: &'static Pairs,
    keyed: &'static Keyed,
}

impl Words {
    pub fn new(lang: Lang, pairs: &'static Pairs) -> Words {
        Words {
            lang,
            pairs,
            keyed: &[],
        }
    }

    /// The browser's words, from the page's list (`browser_words`): by English, and by hash
    /// for the marked texts (hashed here, once per page load).
    pub fn in_browser(lang: Lang, pairs: Vec<(String, String)>) -> Words {
        let keyed: Vec<(u32, String)> = pairs
            .iter()
            .map(|(en, t)| (key(en), if t.is_empty() { en } else { t }.clone()))
            .collect();
        Words {
            lang,
            pairs: Box::leak(pairs.into_boxed_slice()),
            keyed: Box::leak(keyed.into_boxed_slice()),
        }
    }

    /// A marked text by its hash (the WebAssembly's `t!`).
    #[inline(never)]
    pub fn keyed(&self, key: u32) -> &'static str {
        self.keyed
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    /// English, with nothing to translate (pages with no language context, like staff pages).
    pub fn english() -> Words {
        Words::new(Lang::En, &[])
    }

    /// The translation of `en`, if there is one (an empty one reads as the English).
    fn find(&self, en: &str) -> Option<&'static str> {
        self.pairs
            .iter()
            .find(|(k, v)| k == en && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// `en` in this language (as written where there is no translation).
    #[inline(never)]
    pub fn tr(&self, en: &'static str) -> &'static str {
        self.find(en).unwrap_or(en)
    }

    /// A text the domain or configuration wrote in English, in this language: an exact
    /// translation, else the translation of the first key of its shape with its parts
    /// translated in turn, else the text as it is.
    #[inline(never)]
    pub fn text(&self, en: &str) -> String {
        if let Some(t) = self.find(en) {
            return t.to_string();
        }
        for (key, value) in self
            .pairs
            .iter()
            .filter(|(k, _)| k.as_bytes().contains(&b'{'))
        {
            if let Some(parts) = match_shape(key, en) {
                let parts: Vec<(&str, String)> = parts
                    .into_iter()
                    .map(|(name, part)| (name, self.text(part)))
                    .collect();
                return fill(value, &parts);
            }
        }
        en.to_string()
    }

    /// "29 December 2026", "29 Rhagfyr 2026".
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        match self.lang {
            Lang::En => crate::domain::calendar::long_date(d),
            Lang::Cy => crate::domain::calendar::long_date_cy(d),
        }
    }

    /// A language's words on the server (letters, emails, pages).
    #[cfg(feature = "ssr")]
    pub fn of(lang: Lang) -> Words {
        Words::new(lang, table(lang))
    }

    /// `template` in this language with its parts filled in.
    #[inline(never)]
    pub fn fill(&self, template: &'static str, parts: &[(&str, String)]) -> String {
        fill(self.tr(template), parts)
    }
}

/// Replaces each `{name}` in `template` with its part. (By hand, and slicing only where a
/// brace was found: string formatting and slicing that may panic cost the WebAssembly more.)
#[inline(never)]
pub fn fill(template: &str, parts: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        match after.split_once('}') {
            Some((name, tail)) => {
                match parts.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The parts of `text` that fill the braces of `key`, if `text` has its shape (each part
/// non-empty, taken up to the first place the rest of the key's words follow).
fn match_shape<'k, 't>(key: &'k str, text: &'t str) -> Option<Vec<(&'k str, &'t str)>> {
    let mut parts = Vec::new();
    let (first, mut rest_key) = key.split_once('{')?;
    let mut rest = text.strip_prefix(first)?;
    loop {
        let (name, after) = rest_key.split_once('}')?;
        let (literal, next_key) = match after.split_once('{') {
            Some((l, n)) => (l, Some(n)),
            None => (after, None),
        };
        let (part, tail) = match next_key {
            // The last part runs to where the key's closing words end the text.
            None => (rest.strip_suffix(literal)?, ""),
            Some(_) if literal.is_empty() => return None,
            // Found by hand: `split_once` with a string would bring the WebAssembly a searcher.
            Some(_) => {
                let at = rest
                    .char_indices()
                    .map(|(i, _)| i)
                    .find(|&i| rest.get(i..).is_some_and(|r| r.starts_with(literal)))?;
                (rest.get(..at)?, rest.get(at + literal.len()..)?)
            }
        };
        if part.is_empty() {
            return None;
        }
        parts.push((name, part));
        match next_key {
            Some(n) => {
                rest = tail;
                rest_key = n;
            }
            None => return Some(parts),
        }
    }
}

/// The table of a language, read once from its translator's file (server only: the browser
/// gets its page's table from the page).
#[cfg(feature = "ssr")]
pub fn table(lang: Lang) -> &'static Pairs {
    use std::sync::OnceLock;
    static CY: OnceLock<Vec<(String, String)>> = OnceLock::new();
    match lang {
        Lang::En => &[],
        Lang::Cy => CY.get_or_init(|| {
            po::parse(include_str!("../locales/cy.po")).expect("app/locales/cy.po reads")
        }),
    }
}

/// The texts the build found marked (see `app/build.rs`): `BROWSER`, those of the pages the
/// WebAssembly renders, and `SERVER`, those only the server writes.
#[cfg(any(feature = "ssr", test))]
pub mod marked {
    include!(concat!(env!("OUT_DIR"), "/marked.rs"));
}

/// The words a page in `lang` gives the browser: every marked text of the pages it renders
/// with its translation (empty where it reads as the English), and on Welsh pages the
/// translations of the rest it may show by English (the domain's messages and labels,
/// category and team names). Nothing only the server writes.
/// Worked out once per language.
#[cfg(feature = "ssr")]
pub fn browser_words(lang: Lang) -> &'static Pairs {
    use std::sync::OnceLock;
    static EN: OnceLock<Vec<(String, String)>> = OnceLock::new();
    static CY: OnceLock<Vec<(String, String)>> = OnceLock::new();
    match lang {
        Lang::En => EN.get_or_init(|| list_for_browser(lang)),
        Lang::Cy => CY.get_or_init(|| list_for_browser(lang)),
    }
}

#[cfg(feature = "ssr")]
fn list_for_browser(lang: Lang) -> Vec<(String, String)> {
    let words = Words::of(lang);
    let mut list: Vec<(String, String)> = marked::BROWSER
        .iter()
        .map(|en| (en.to_string(), words.find(en).unwrap_or("").to_string()))
        .collect();
    list.extend(
        table(lang)
            .iter()
            .filter(|(en, _)| {
                !marked::BROWSER.contains(&en.as_str()) && !marked::SERVER.contains(&en.as_str())
            })
            .cloned(),
    );
    list
}

/// A translator's PO file, read with `polib`: each translated, singular entry that is not
/// marked fuzzy (a translator's "not checked yet"), so anything else shows in English.
#[cfg(any(feature = "ssr", test))]
pub mod po {

    /// The pairs in `text`, or what is wrong with it.
    pub fn parse(text: &str) -> Result<Vec<(String, String)>, String> {
        let catalog =
            polib::po_file::parse_from_reader(text.as_bytes()).map_err(|e| e.to_string())?;
        Ok(catalog
            .messages()
            .filter(|m| m.is_singular() && m.is_translated() && !m.is_fuzzy())
            .filter(|m| !m.msgid().is_empty())
            .filter_map(|m| Some((m.msgid().to_string(), m.msgstr().ok()?.to_string())))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(pairs: &[(&str, &str)]) -> Words {
        let v: Vec<(String, String)> = pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        Words::new(Lang::Cy, Box::leak(v.into_boxed_slice()))
    }

    #[test]
    fn addresses_name_their_language() {
        assert_eq!(Lang::of_path("/cy/complaint"), (Lang::Cy, "/complaint"));
        assert_eq!(Lang::of_path("/cy"), (Lang::Cy, "/"));
        assert_eq!(Lang::of_path("/cy/"), (Lang::Cy, "/"));
        assert_eq!(Lang::of_path("/complaint"), (Lang::En, "/complaint"));
        assert_eq!(Lang::of_path("/cymru"), (Lang::En, "/cymru"));
        assert_eq!(Lang::Cy.path("/"), "/cy/");
        assert_eq!(Lang::Cy.path("/complaint"), "/cy/complaint");
        assert_eq!(Lang::En.path("/complaint"), "/complaint");
    }

    #[test]
    fn texts_translate_exactly_or_stay_english() {
        let w = words(&[("About you", "Amdanoch chi")]);
        assert_eq!(w.tr("About you"), "Amdanoch chi");
        assert_eq!(w.tr("About them"), "About them");
        assert_eq!(Words::english().tr("About you"), "About you");
    }

    #[test]
    fn messages_of_a_shape_translate_with_their_parts() {
        let w = words(&[
            (
                "{label} must be {max} characters or fewer",
                "{label}: dim mwy na {max} nod",
            ),
            ("Full name", "Enw llawn"),
            (
                "Its reference is {reference}.",
                "Ei gyfeirnod yw {reference}.",
            ),
        ]);
        assert_eq!(
            w.text("Full name must be 200 characters or fewer"),
            "Enw llawn: dim mwy na 200 nod"
        );
        assert_eq!(
            w.text("Its reference is ABC 123."),
            "Ei gyfeirnod yw ABC 123."
        );
        // Parts with letters beyond ASCII, the words between them found where they begin.
        let w2 = words(&[("{a} and {b} or {c}", "{c} neu {a} a {b}")]);
        assert_eq!(w2.text("Siân and Rhŷs or Dŵr"), "Dŵr neu Siân a Rhŷs");
        assert_eq!(w2.text("Siân and  or Dŵr"), "Siân and  or Dŵr");
        // Not of the shape: as it is.
        assert_eq!(w.text("Full name is wrong"), "Full name is wrong");
        assert_eq!(
            w.text(" must be 2 characters or fewer"),
            " must be 2 characters or fewer"
        );
        assert_eq!(
            w.fill(
                "Question {n} of {total}",
                &[("n", "2".into()), ("total", "5".into())]
            ),
            "Question 2 of 5"
        );
    }

    #[test]
    fn po_entries_read_with_continuations_escapes_and_fuzzy_marks() {
        let po = "# comment\nmsgid \"\"\nmsgstr \"Content-Type: text/plain\"\n\n\
                  msgid \"A \\\"quoted\\\" \"\n\"text\"\nmsgstr \"Testun \"\n\"\\\"dyfynedig\\\"\"\n\n\
                  msgid \"Untranslated\"\nmsgstr \"\"\n";
        assert_eq!(
            po::parse(po).unwrap(),
            vec![(
                "A \"quoted\" text".to_string(),
                "Testun \"dyfynedig\"".to_string()
            )]
        );
        // A translation the translator marked as not checked yet shows in English.
        let fuzzy = "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n#, fuzzy\nmsgid \"Back\"\nmsgstr \"Yn ôl\"\n\nmsgid \"Change\"\nmsgstr \"Newid\"\n";
        assert_eq!(
            po::parse(fuzzy).unwrap(),
            vec![("Change".to_string(), "Newid".to_string())]
        );
    }
}

/// The translator's file against the code: every English text the public pages, letters and
/// emails can show has its Welsh, every Welsh text keeps the parts its English names, and the
/// file holds nothing the code no longer says.
#[cfg(test)]
mod welsh;
