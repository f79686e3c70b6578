//! Where the page is: its path, and the journey step named in its address. The site has three
//! pages and one query parameter, so these few lines stand in for a client-side router (whose
//! code was a tenth of what a phone had to download).

use crate::flow::Step;

/// The value of `step=` in a query string ("a=1&step=who-for" → "who-for").
pub fn step_in_query(query: &str) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("step="))
        .map(str::to_string)
}

#[cfg(feature = "ssr")]
fn request_uri() -> Option<http::Uri> {
    leptos::prelude::use_context::<http::request::Parts>().map(|p| p.uri)
}

/// The page's path, like "/complaint".
pub fn path() -> String {
    #[cfg(feature = "ssr")]
    {
        request_uri()
            .map(|u| u.path().to_string())
            .unwrap_or_else(|| "/".into())
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::prelude::window()
            .location()
            .pathname()
            .unwrap_or_default()
    }
}

/// The page the address names, in whichever language ("/cy/complaint" → "/complaint").
pub fn page() -> String {
    crate::i18n::Lang::of_path(&path()).1.to_string()
}

/// The step the address asks for, if any.
pub fn asked_step() -> Option<Step> {
    #[cfg(feature = "ssr")]
    let query = request_uri()
        .and_then(|u| u.query().map(str::to_string))
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let query = leptos::prelude::window()
        .location()
        .search()
        .unwrap_or_default();
    step_in_query(&query).and_then(|s| Step::parse(&s))
}

/// Puts a step in the address bar and the history, so Back and Forward move between steps.
pub fn push_step(step: Step) {
    set_step(step, true);
}

/// Names the step the page shows in its address, in place (a page answering a form post).
pub fn replace_step(step: Step) {
    set_step(step, false);
}

fn set_step(_step: Step, _push: bool) {
    #[cfg(feature = "hydrate")]
    {
        let url = format!(
            "{}?step={}",
            // The language of the address the page is at (handlers run outside the context).
            crate::i18n::Lang::of_path(&path()).0.path("/complaint"),
            _step.id()
        );
        if let Ok(history) = leptos::prelude::window().history() {
            let null = wasm_bindgen::JsValue::NULL;
            let _ = if _push {
                history.push_state_with_url(&null, "", Some(&url))
            } else {
                history.replace_state_with_url(&null, "", Some(&url))
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_is_read_from_the_query() {
        assert_eq!(step_in_query("?step=who-for").as_deref(), Some("who-for"));
        assert_eq!(step_in_query("a=1&step=check").as_deref(), Some("check"));
        assert_eq!(step_in_query("steps=x"), None);
        assert_eq!(step_in_query(""), None);
    }
}
