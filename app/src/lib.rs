//! The public intake widget (Leptos, server-rendered and hydrated) and the complaint domain
//! it shares with the server.

#![recursion_limit = "256"]

// First, so its `t!` and `tf!` are in scope everywhere after.
#[macro_use]
pub mod i18n;
pub mod domain;
pub mod flow;
pub mod ui;

pub use ui::{shell, App};

/// Entry point of the WebAssembly: takes over the server-rendered page without re-rendering.
/// No panic hook: it costs ~600 bytes of the page budget, and a panic (a bug) shows in the
/// console as "unreachable" either way; the page still works without the WebAssembly.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use wasm_bindgen::JsCast;
    // Only `<div id="app">`: the header and footer around it are the server's alone.
    if let Some(app) = leptos::prelude::document().get_element_by_id("app") {
        leptos::mount::hydrate_from(app.unchecked_into(), App).forget();
    }
}
