//! The public form's posts come from the form's own pages, never from another site's (issue
//! 28: a page anywhere could make its visitors' browsers file complaints, and have their
//! answers reflected back). Browsers say where a post comes from:
//!
//! 1. `Sec-Fetch-Site` (every current browser): `same-origin`, `same-site` (the council's own
//!    site framing the form) and `none` (typed or bookmarked) pass; `cross-site` is refused.
//! 2. Else `Origin`: our own (the configured public address, or the address the browser
//!    asked for in `Host`) passes; any other, or `null` (a sandboxed frame), is refused.
//! 3. Else (older browsers): the form cookie, which every page of the form sets and which
//!    the browser sends only with requests from this site (`SameSite=Strict`).
//!
//! The staff pages have their own defence (a token in each form, `staff::viewer_and_csrf`).

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The cookie the form's pages set (a random value; its presence is what counts).
pub const FORM_COOKIE: &str = "intake_form";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// From this site.
    Ours,
    /// The browser says another site sent it.
    CrossSite,
    /// Nothing says where it came from, and the form's cookie is missing.
    Unknown,
}

/// Where a form post came from, by the rules above. `public_url` is the service's address.
pub fn verdict(headers: &HeaderMap, public_url: &str) -> Verdict {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return match site.trim().to_ascii_lowercase().as_str() {
            "same-origin" | "same-site" | "none" => Verdict::Ours,
            _ => Verdict::CrossSite,
        };
    }
    if let Some(origin) = text(header::ORIGIN) {
        let origin = origin.trim().to_ascii_lowercase();
        let ours = public_origin(public_url).is_some_and(|o| o == origin)
            || text(header::HOST).is_some_and(|host| {
                let host = host.trim().to_ascii_lowercase();
                origin == format!("https://{host}") || origin == format!("http://{host}")
            });
        return if ours {
            Verdict::Ours
        } else {
            Verdict::CrossSite
        };
    }
    if has_form_cookie(headers) {
        Verdict::Ours
    } else {
        Verdict::Unknown
    }
}

/// `https://host[:port]` of an address, lower case, as browsers write `Origin`.
fn public_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split('/').next()?;
    Some(format!("{scheme}://{authority}").to_ascii_lowercase())
}

fn has_form_cookie(headers: &HeaderMap) -> bool {
    crate::client::cookie(headers, FORM_COOKIE)
        .is_some_and(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Sets the form cookie on the form's pages where the browser has none. `State` is whether
/// the service is reached over HTTPS (the cookie is then `Secure`).
pub async fn set_form_cookie(
    axum::extract::State(secure): axum::extract::State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let has = has_form_cookie(request.headers());
    let mut response = next.run(request).await;
    if !has {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let cookie = format!(
            "{FORM_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict{}",
            hex::encode(bytes),
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// The answer to a form post from another site: nothing saved, nothing of the post shown
/// back (that is what a page elsewhere would want), the way to the form and the telephone.
pub fn refused(state: &crate::AppState, lang: app::i18n::Lang) -> Response {
    use leptos::prelude::*;
    let w = app::i18n::Words::of(lang);
    let title = w.tr("Your complaint has not been sent");
    let parts = [("telephone", state.organisation.telephone.clone())];
    let said = [
        w.tr("The form was sent to us from another website, so we did not save it.")
            .to_string(),
        w.fill(
            "You can also make your complaint by telephone on {telephone}.",
            &parts,
        ),
    ];
    let start = (
        lang.path("/complaint"),
        w.tr("Start your complaint on our form"),
    );
    let head = crate::html::Head {
        title: title.to_string(),
        stylesheet: Some(state.stylesheet.to_string()),
        noindex: true,
    };
    tracing::warn!(
        route = "/complaint",
        "a form post from another site was refused"
    );
    let mut response = crate::html::document_in(
        lang,
        axum::http::StatusCode::FORBIDDEN,
        head,
        "",
        move || {
            view! {
                <div class="width-container">
                    <main id="main" class="main">
                        <h1 class="heading-l">{title}</h1>
                        <p class="body">{said[0].clone()}</p>
                        <p class="body"><a class="link" href=start.0>{start.1}</a></p>
                        <p class="body">{said[1].clone()}</p>
                    </main>
                </div>
            }
        },
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    const URL: &str = "https://complaints.example.gov.uk";

    #[test]
    fn a_post_is_ours_only_when_the_browser_says_so_or_carries_the_forms_cookie() {
        let v = |pairs: &[(&'static str, &str)]| verdict(&headers(pairs), URL);
        for site in ["same-origin", "same-site", "none"] {
            assert_eq!(v(&[("sec-fetch-site", site)]), Verdict::Ours, "{site}");
        }
        // Sec-Fetch-Site is believed over a matching Origin: the browser wrote both.
        assert_eq!(
            v(&[("sec-fetch-site", "cross-site"), ("origin", URL)]),
            Verdict::CrossSite
        );
        assert_eq!(v(&[("origin", URL)]), Verdict::Ours);
        assert_eq!(
            v(&[("origin", "HTTPS://Complaints.Example.gov.uk")]),
            Verdict::Ours
        );
        assert_eq!(
            v(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            Verdict::Ours
        );
        assert_eq!(v(&[("origin", "https://evil.example")]), Verdict::CrossSite);
        assert_eq!(v(&[("origin", "null")]), Verdict::CrossSite);
        assert_eq!(
            v(&[("origin", "https://complaints.example.gov.uk.evil.example")]),
            Verdict::CrossSite
        );
        assert_eq!(v(&[]), Verdict::Unknown);
        assert_eq!(v(&[("cookie", "intake_form=short")]), Verdict::Unknown);
        assert_eq!(
            v(&[(
                "cookie",
                "a=b; intake_form=0123456789abcdef0123456789abcdef"
            )]),
            Verdict::Ours
        );
    }
}
