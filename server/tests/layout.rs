//! The layout rules (README "The layers"), checked on the source so they cannot slip: in the
//! server and the shared `app` crate alike, no module imports one that imports it back, and the
//! domain reaches no Leptos; in the server, no file over 600 lines, no function over 150.
//! The source is read as text: `use`/path references between files make the graph, braces
//! (outside strings and comments) delimit functions. A `$crate::` path inside a macro is the
//! caller's reference (it is resolved where the macro is used), so it makes no edge here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 150;

fn sources(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The shared crate: the domain, the words, the public pages.
fn app_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src")
}

/// The module path of a file: `store/sql/mod.rs` is `store::sql`, `lib.rs` the root.
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into()).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// A line without its `//` comment and with string and char literals emptied.
fn code(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        match (in_str, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') => {
                in_str = false;
                out.push('"');
            }
            (true, _) => {}
            (false, '"') => {
                in_str = true;
                out.push('"');
            }
            (false, '\'') if chars.clone().nth(1) == Some('\'') => {
                chars.next();
                chars.next();
                out.push_str("''");
            }
            (false, '/') if chars.peek() == Some(&'/') => break,
            (false, c) => out.push(c),
        }
    }
    out
}

/// Every module (as a path from the root) this file refers to by `crate::`, `super::` or
/// `self::`, resolved to the longest prefix that is a file of the crate.
fn references(
    here: &[String],
    text: &str,
    modules: &BTreeSet<Vec<String>>,
) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    let joined: String = text.lines().map(code).collect::<Vec<_>>().join("\n");
    // Splitting on `$` too, then dropping what followed one: `$crate::…` in a macro body.
    let tokens: Vec<&str> = joined
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '$'))
        .filter(|t| t.contains("::") && !t.starts_with('$'))
        .collect();
    let mut resolve = |mut base: Vec<String>, rest: &[&str]| {
        let mut rest = rest;
        while rest.first() == Some(&"super") {
            base.pop();
            rest = &rest[1..];
        }
        let mut path = base;
        path.extend(rest.iter().map(|s| s.to_string()));
        while !path.is_empty() {
            if modules.contains(&path) {
                found.insert(path);
                return;
            }
            path.pop();
        }
    };
    for token in tokens {
        let parts: Vec<&str> = token.split("::").filter(|p| !p.is_empty()).collect();
        match parts.first() {
            Some(&"crate") => resolve(Vec::new(), &parts[1..]),
            Some(&"super") => resolve(here[..here.len().saturating_sub(1)].to_vec(), &parts[1..]),
            Some(&"self") => resolve(here.to_vec(), &parts[1..]),
            _ => {}
        }
    }
    // `use super::{a, b::c}` and `use crate::x::{a, b}`: each name after the brace.
    for line in joined.split(';') {
        let line = line.trim();
        let Some(rest) = line
            .strip_prefix("use ")
            .or_else(|| line.strip_prefix("pub use "))
        else {
            continue;
        };
        let Some((prefix, names)) = rest.split_once("::{") else {
            continue;
        };
        let prefix: Vec<&str> = prefix.split("::").collect();
        let base = match prefix.first() {
            Some(&"crate") => Vec::new(),
            Some(&"super") => here[..here.len().saturating_sub(1)].to_vec(),
            Some(&"self") => here.to_vec(),
            _ => continue,
        };
        for name in names.trim_end_matches('}').split(',') {
            let name = name
                .trim()
                .split(" as ")
                .next()
                .unwrap_or("")
                .trim_start_matches('{');
            let mut rest: Vec<&str> = prefix[1..].to_vec();
            rest.extend(
                name.split("::")
                    .filter(|p| !p.is_empty() && *p != "*" && !p.contains('{')),
            );
            resolve(base.clone(), &rest);
        }
    }
    found.remove(here);
    found
}

/// Each module of the crate under `root` and the modules it refers to.
fn graph(root: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let files = sources(root);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(root, f)).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for file in &files {
        let here = module_of(root, file);
        let text = std::fs::read_to_string(file).unwrap();
        edges
            .entry(here.clone())
            .or_default()
            .extend(references(&here, &text, &modules));
    }
    edges
}

/// Every module reachable from `from`.
fn reach(
    edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    from: &Vec<String>,
) -> BTreeSet<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.clone()];
    while let Some(m) = todo.pop() {
        for next in edges.get(&m).into_iter().flatten() {
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    seen
}

/// A circle is a pair of modules each reachable from the other.
fn circles(root: &Path) -> Vec<String> {
    let edges = graph(root);
    edges
        .keys()
        .filter(|m| reach(&edges, m).contains(*m))
        .map(|m| m.join("::"))
        .collect()
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let server = circles(&src());
    assert!(server.is_empty(), "server modules in a circle: {server:?}");
    let app = circles(&app_src());
    assert!(app.is_empty(), "app modules in a circle: {app:?}");
}

/// SPEC's rules run in the browser and on the server alike (the brief: the domain stays pure):
/// no module of the domain, nor any it reaches, names Leptos.
#[test]
fn the_domain_reaches_no_leptos() {
    let root = app_src();
    let edges = graph(&root);
    let mut reached: BTreeSet<Vec<String>> = edges
        .keys()
        .filter(|m| m.first().is_some_and(|p| p == "domain"))
        .cloned()
        .collect();
    for m in reached.clone() {
        reached.extend(reach(&edges, &m));
    }
    let mut leptos = Vec::new();
    for file in sources(&root) {
        if !reached.contains(&module_of(&root, &file)) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        if text.lines().map(code).any(|l| l.contains("leptos")) {
            leptos.push(file.display().to_string());
        }
    }
    assert!(
        reached.iter().any(|m| m == &["i18n".to_string()]),
        "the domain words its letters with i18n, so the check covers it"
    );
    assert!(leptos.is_empty(), "the domain reaches Leptos in {leptos:?}");
}

#[test]
fn the_check_finds_a_circle_when_there_is_one() {
    let modules: BTreeSet<Vec<String>> = [vec!["a".to_string()], vec!["b".to_string()]].into();
    let a = references(&["a".into()], "use crate::b::Thing;", &modules);
    let b = references(
        &["b".into()],
        "use super::a::{x, y};\nfn f() { crate::a::z() }",
        &modules,
    );
    assert_eq!(a, [vec!["b".to_string()]].into());
    assert_eq!(b, [vec!["a".to_string()]].into());
    let quoted = references(
        &["a".into()],
        r#"let s = "crate::b::Thing"; // crate::b"#,
        &modules,
    );
    assert!(quoted.is_empty(), "strings and comments are not references");
    let in_macro = references(&["a".into()], "($x:expr) => { $crate::b::f($x) }", &modules);
    assert!(in_macro.is_empty(), "a macro's paths are its caller's");
}

/// Functions longer than `MAX_FN_LINES`, as (file, line, name, lines).
fn long_functions(file: &Path, text: &str) -> Vec<(String, usize, String, usize)> {
    let lines: Vec<String> = text.lines().map(code).collect();
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find("fn ") else { continue };
        let before = line[..at].trim();
        let is_item = before.is_empty()
            || before.split_whitespace().all(|w| {
                [
                    "pub",
                    "pub(crate)",
                    "pub(super)",
                    "async",
                    "const",
                    "unsafe",
                ]
                .contains(&w)
            });
        if !is_item {
            continue;
        }
        let name: String = line[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let (mut depth, mut opened) = (0i32, false);
        for (j, l) in lines.iter().enumerate().skip(i) {
            if !opened && l.trim_end().ends_with(';') && !l.contains('{') {
                break; // a declaration without a body
            }
            for c in l.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth <= 0 {
                let n = j - i + 1;
                if n > MAX_FN_LINES {
                    long.push((file.display().to_string(), i + 1, name.clone(), n));
                }
                break;
            }
        }
    }
    long
}

#[test]
fn no_file_over_600_lines_and_no_function_over_150() {
    let root = src();
    let mut long_files = Vec::new();
    let mut long_fns = Vec::new();
    for file in sources(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        let n = text.lines().count();
        if n > MAX_FILE_LINES {
            long_files.push(format!("{} ({n} lines)", file.display()));
        }
        long_fns.extend(long_functions(&file, &text));
    }
    assert!(
        long_files.is_empty(),
        "files over {MAX_FILE_LINES} lines: {long_files:?}"
    );
    assert!(
        long_fns.is_empty(),
        "functions over {MAX_FN_LINES} lines: {long_fns:?}"
    );
}

#[test]
fn the_check_measures_a_long_function() {
    let body = "    let x = 1;\n".repeat(MAX_FN_LINES);
    let text = format!("pub async fn long() {{\n{body}}}\nfn short() {{ 1 }}\n");
    let found = long_functions(Path::new("x.rs"), &text);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].2.as_str(), found[0].3),
        ("long", MAX_FN_LINES + 2)
    );
}
