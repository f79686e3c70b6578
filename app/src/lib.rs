//! The public intake widget (Leptos, server-rendered and hydrated) and the complaint domain
//! it shares with the server.

#![recursion_limit = "256"]

pub mod domain;
pub mod flow;
pub mod i18n;
pub mod ui;

pub use ui::{shell, App};

/// Entry point of the WebAssembly: takes over the server-rendered page without re-rendering.
/// No panic hook: it costs ~600 bytes of the page budget, and a panic (a bug) shows in the
/// console as "unreachable" either way; the page still works without the WebAssembly.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}
