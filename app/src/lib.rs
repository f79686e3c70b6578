//! The public intake widget (Leptos, server-rendered and hydrated) and the complaint domain
//! it shares with the server.

#![recursion_limit = "256"]

pub mod domain;
pub mod flow;
pub mod ui;

pub use ui::{shell, App};

/// Entry point of the WebAssembly: takes over the server-rendered page without re-rendering.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
