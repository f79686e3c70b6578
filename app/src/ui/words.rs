//! The page's words as Leptos context: the pages (and the `t!` macro given no `Words`) take the
//! language of the page being rendered from here. `crate::i18n` itself knows nothing of Leptos,
//! so the domain can word its letters with it.

use crate::i18n::Words;

/// The language context of the page being rendered (English where none was given).
#[inline(never)]
pub fn words() -> Words {
    leptos::prelude::use_context::<Words>().unwrap_or_else(Words::english)
}

/// `en` in the page's language.
#[inline(never)]
pub fn tr(en: &'static str) -> &'static str {
    words().tr(en)
}

/// "29 Rhagfyr 2026": a date as the page's language writes it.
pub fn long_date(d: chrono::NaiveDate) -> String {
    words().date(d)
}
