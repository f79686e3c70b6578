//! Whole HTML documents for the pages rendered on the server only (staff pages, short messages,
//! the privacy-notice wording): one head, written one way.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::*;

pub struct Head {
    pub title: String,
    /// The site's stylesheet (with its content hash), if the page is styled.
    pub stylesheet: Option<String>,
    /// Staff pages: kept out of search engines.
    pub noindex: bool,
}

/// Renders `body` (inside a reactive owner, as components need) into a complete document.
pub fn document<V: IntoView + 'static>(
    status: StatusCode,
    head: Head,
    body_class: &'static str,
    body: impl FnOnce() -> V,
) -> Response {
    document_in(app::i18n::Lang::En, status, head, body_class, body)
}

/// A page in `lang` (its `<html lang>`): the public pages rendered here, in English or Welsh.
pub fn document_in<V: IntoView + 'static>(
    lang: app::i18n::Lang,
    status: StatusCode,
    head: Head,
    body_class: &'static str,
    body: impl FnOnce() -> V,
) -> Response {
    // As raw text: a text child would carry a hydration marker, which the title would show.
    let title = head.title.replace('&', "&amp;").replace('<', "&lt;");
    let html = Owner::new().with(move || {
        let body = body();
        view! {
            <!DOCTYPE html>
            <html lang=lang.html()>
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    {head.noindex.then(|| view! { <meta name="robots" content="noindex, nofollow"/> })}
                    <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                    {head.stylesheet.map(|href| view! { <link rel="stylesheet" href=href/> })}
                    <title inner_html=title/>
                </head>
                <body class=body_class>{body}</body>
            </html>
        }
        .to_html()
    });
    let mut response = (status, Html(html)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
