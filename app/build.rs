//! Lists the texts the code marks for translation (gettext's xgettext, at build time): the
//! server sends the browser the page's language's words for exactly these, so the WebAssembly
//! carries none of them (it names each by a hash: `app::i18n::key`), and the tests check the
//! translator's file against the same lists.
//!
//! Marked: the literal given to `t!(…)` or `tf!(…)` (the pages the WebAssembly renders, in
//! `src/ui` and `src/flow.rs`), and to `tr(…)`, `.tr(…)`, `fill(…)` or `.fill(…)` anywhere else
//! (texts only the server writes: letters, emails, server-rendered pages).

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let src = root.join("src");
    // The server's own pages with Welsh: the accessibility statement, the "too many" page, the
    // refusal of a form post from another site.
    let server_pages = [
        "accessibility.rs",
        "limits.rs",
        "same_site.rs",
        "evidence/public.rs",
    ]
    .map(|f| root.join("../server/src").join(f));
    println!("cargo:rerun-if-changed={}", src.display());
    for page in &server_pages {
        println!("cargo:rerun-if-changed={}", page.display());
    }
    let mut browser = Vec::new();
    let mut server = Vec::new();
    let mut files = rust_files(&src);
    files.extend(server_pages.into_iter().filter(|p| p.exists()));
    files.sort();
    for file in files {
        if file.ends_with("i18n.rs") || file.starts_with(src.join("i18n")) {
            continue; // its examples and tests are not texts of the service
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let in_browser = file.starts_with(src.join("ui")) || file.ends_with("flow.rs");
        for (call, browser_call) in [
            ("t!(", true),
            ("tf!(", true),
            ("tr(", false),
            ("fill(", false),
        ] {
            for literal in marked(&text, call) {
                let list = if browser_call && in_browser {
                    &mut browser
                } else {
                    &mut server
                };
                if !list.contains(&literal) {
                    list.push(literal);
                }
            }
        }
    }
    let mut out = String::new();
    for (name, list) in [("BROWSER", &browser), ("SERVER", &server)] {
        writeln!(out, "pub const {name}: &[&str] = &[").unwrap();
        for literal in list.iter() {
            writeln!(out, "    {literal:?},").unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("marked.rs");
    std::fs::write(dest, out).unwrap();
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// The string literals given first to `call` in `text` (`t!(w, "…")` skips the language).
fn marked(text: &str, call: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices(call) {
        let before = text[..at].chars().next_back().unwrap_or(' ');
        if before.is_alphanumeric() || before == '_' {
            continue; // `str(`, `unfill(`: another function
        }
        let mut rest = text[at + call.len()..].trim_start();
        if call.ends_with("!(") {
            // `t!(w, "…")`: past the words' expression, if one is given.
            if !rest.starts_with('"') {
                match rest.find(',') {
                    Some(comma) => rest = rest[comma + 1..].trim_start(),
                    None => continue,
                }
            }
        }
        if let Some(literal) = rest.strip_prefix('"') {
            found.push(read_literal(literal));
        }
    }
    found
}

/// A Rust string literal's text, from just after its opening quote.
fn read_literal(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some(c) => out.push(c),
                None => break,
            },
            c => out.push(c),
        }
    }
    out
}
