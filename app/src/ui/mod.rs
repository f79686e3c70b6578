//! Pages. Everything renders on the server first, so it works before (or without) the
//! WebAssembly; hydration then adds behaviour in place.

#[cfg(feature = "hydrate")]
mod draft;
pub mod fields;
pub mod journey;
mod location;

use crate::domain::letter::{Organisation, ICO_HELPLINE};
use crate::domain::taxonomy::Taxonomy;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};
use serde::{Deserialize, Serialize};

/// What the pages need from the server's configuration. The server provides it as context;
/// the browser reads the same value from the page during hydration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub organisation: Organisation,
    pub taxonomy: Taxonomy,
    /// The council's logo, shown in the header when configured.
    #[serde(default)]
    pub logo_url: Option<String>,
    /// The consent question's opening paragraph, with how long a case file is kept after the
    /// decision from the retention configuration (the server writes the whole sentence: the
    /// WebAssembly carries no copy of it).
    #[serde(default)]
    pub consent_intro: String,
}

impl SiteInfo {
    /// Nothing configured: no organisation, no categories.
    #[cfg(not(feature = "ssr"))]
    fn blank() -> SiteInfo {
        SiteInfo {
            organisation: crate::domain::letter::Organisation {
                name: String::new(),
                email: String::new(),
                telephone: String::new(),
                address: Vec::new(),
                signatory: String::new(),
                privacy_notice_url: String::new(),
            },
            taxonomy: crate::domain::taxonomy::Taxonomy {
                teams: Vec::new(),
                categories: Vec::new(),
            },
            logo_url: None,
            consent_intro: String::new(),
        }
    }
}

impl crate::domain::lines::Lines for SiteInfo {
    fn write(&self, w: &mut crate::domain::lines::Writer) {
        self.organisation.write(w);
        self.taxonomy.write(w);
        w.opt(self.logo_url.as_deref());
        w.str(&self.consent_intro);
    }

    fn read(r: &mut crate::domain::lines::Reader) -> Option<Self> {
        use crate::domain::lines::Lines;
        Some(SiteInfo {
            organisation: Lines::read(r)?,
            taxonomy: Lines::read(r)?,
            logo_url: r.opt()?,
            consent_intro: r.str()?,
        })
    }
}

/// What only the server needs to write a page's head and headers: the origins that may frame
/// it, where images may come from, and the council's colours as CSS custom properties.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Default)]
pub struct PageSettings {
    /// Origins allowed to show the pages in a frame, besides this server.
    pub frame_origins: Vec<String>,
    /// Another origin images may come from (the logo's).
    pub image_origin: Option<String>,
    /// `:root{--brand:…}`, from configuration (already checked: no way out of the rule).
    pub brand_css: String,
}

/// The document's title. The server writes it into the head (`server_title`, from the same
/// rules); in the browser it follows the page by setting `document.title`. Either way it
/// renders nothing in the body, so hydration sees the same page (and the WebAssembly carries
/// no head-management library).
#[component]
pub fn PageTitle(#[prop(into)] text: Signal<String>) -> impl IntoView {
    #[cfg(not(feature = "ssr"))]
    Effect::new(move |_| document().set_title(&text.get()));
    #[cfg(feature = "ssr")]
    let _ = text;
}

/// The title of the page being rendered on the server: the same words `PageTitle` is given.
#[cfg(feature = "ssr")]
fn server_title() -> String {
    let uri = use_context::<http::request::Parts>().map(|p| p.uri);
    match uri.as_ref().map(|u| u.path()) {
        Some("/") | None => START_TITLE.to_string(),
        Some("/complaint") => {
            let state = use_context::<crate::flow::JourneyState>().unwrap_or_default();
            let asked = uri
                .as_ref()
                .and_then(|u| u.query())
                .and_then(location::step_in_query)
                .and_then(|s| crate::flow::Step::parse(&s));
            let step = crate::flow::shown_step(asked, &state);
            crate::flow::journey_title(step, &state)
        }
        Some(_) => NOT_FOUND_TITLE.to_string(),
    }
}

const START_TITLE: &str = "Complain about how we used your personal information";
const NOT_FOUND_TITLE: &str = "Page not found";

/// Whether this page loads the WebAssembly. The start page has nothing to do in the browser
/// (its one button is a link), so a person reading it on a phone, or a council page showing it
/// in a frame, downloads a few kilobytes instead of the whole form's code.
fn hydrates() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_none_or(|p| p.uri.path() != "/")
    }
    #[cfg(not(feature = "ssr"))]
    {
        true
    }
}

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let scripts = hydrates().then(|| view! { <HydrationScripts options=options.clone()/> });
    #[cfg(feature = "ssr")]
    // As raw text: a text child would carry a hydration marker, which a title would show.
    let title =
        view! { <title inner_html=server_title().replace('&', "&amp;").replace('<', "&lt;")/> };
    #[cfg(not(feature = "ssr"))]
    let title = ();
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b0c0c"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // Named with the build's content hash, so it can be cached for a year.
                {title}
                <HashedStylesheet options=options.clone() id="leptos"/>
                {scripts}
                <MetaTags/>
                <PageHead/>
            </head>
            <body>
                <App/>
                {honeypot()}
            </body>
        </html>
    }
}

/// For robots that fill in every field of a form: people never see it (off the screen, hidden
/// from screen readers, out of the tab order). It belongs to the journey's form by its `form`
/// attribute, and is written by the server only, after the part the WebAssembly takes over, so
/// the browser carries none of it. A complaint sent with it filled in is still stored, marked
/// for staff to check.
fn honeypot() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        view! {
            <div class="hp" aria-hidden="true">
                <label for="website">"Leave this empty"</label>
                <input id="website" name="website" form="complaint-form" type="text" tabindex="-1" autocomplete="off"/>
            </div>
        }
    }
}

/// The council's colours, and where the widget may be framed (for `/frame.js`, which sizes the
/// frame on the council's page). The head is not hydrated, so this is rendered on the server only.
#[cfg(feature = "ssr")]
#[component]
fn PageHead() -> impl IntoView {
    let settings = use_context::<PageSettings>().unwrap_or_default();
    let nonce = use_nonce().map(|n| n.to_string());
    let origins = settings.frame_origins.join(" ");
    view! {
        // Raw text: a text child would carry a hydration marker into the CSS and the script.
        // (The brand CSS is built from checked configuration only.)
        <style nonce=nonce.clone() inner_html=settings.brand_css/>
        <meta name="intake-embed-origins" content=origins/>
        // Only inside a frame on a council's page does /frame.js have work to do.
        <script nonce=nonce.clone() inner_html=FRAME_LOADER/>
    }
}

#[cfg(feature = "ssr")]
const FRAME_LOADER: &str = "if(window.parent!==window){var s=document.createElement('script');s.src='/frame.js';document.head.appendChild(s)}";

#[cfg(not(feature = "ssr"))]
#[component]
fn PageHead() -> impl IntoView {}

#[component]
pub fn App() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_meta::provide_meta_context();
    #[cfg(feature = "ssr")]
    content_security_policy();
    let site =
        leptos::server::SharedValue::<_, crate::domain::lines::LinesCodec>::new_with_encoding(
            // In the browser the value comes from the page; the fallback (never used when the
            // page is whole) is blank there, so the WebAssembly has no copy of the defaults.
            || {
                #[cfg(feature = "ssr")]
                let site = use_context::<SiteInfo>().unwrap_or_default();
                #[cfg(not(feature = "ssr"))]
                let site = SiteInfo::blank();
                site
            },
        )
        .into_inner();
    let name = site.organisation.name.clone();
    let logo = site.logo_url.clone();
    provide_context(site);
    // Marks the page once the WebAssembly has taken over, so tests and styles can tell.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <a href="#main-content" class="skip-link">"Skip to main content"</a>
        <header class="site-header">
            <div class="width-container">
                {logo.map(|src| view! { <img class="site-header__logo" src=src alt="" height="40"/> })}
                <span class="site-header__name">{name}</span>
                <span class="site-header__service">"Data protection complaints"</span>
            </div>
        </header>
        <div class="width-container">
            <main id="main-content" class="main" tabindex="-1">
                {match location::path().as_str() {
                    "/" => view! { <StartPage/> }.into_any(),
                    "/complaint" => view! { <journey::JourneyPage/> }.into_any(),
                    _ => view! { <NotFound/> }.into_any(),
                }}
            </main>
        </div>
        <Footer/>
    }
}

/// A strict Content-Security-Policy for pages: scripts only from this site or carrying this
/// response's nonce (Leptos puts it on its own inline scripts), WebAssembly allowed to compile,
/// no inline styles or event-handler attributes, no plugins, forms posting only here.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let settings = use_context::<PageSettings>().unwrap_or_default();
    let frame_ancestors = std::iter::once("'self'")
        .chain(settings.frame_origins.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    let images = settings.image_origin.unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data: {images}; connect-src 'self'; \
         form-action 'self'; frame-ancestors {frame_ancestors}; base-uri 'none'; object-src 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
fn Footer() -> impl IntoView {
    let site = expect_context::<SiteInfo>();
    let org = site.organisation;
    view! {
        <footer class="site-footer">
            <div class="width-container">
                <p class="body body--s">
                    <a href=org.privacy_notice_url.clone()>"Privacy notice"</a>
                    " · "
                    <a href="/accessibility">"Accessibility statement"</a>
                    {format!(" · {} · {} · {}", org.name, org.telephone, org.email)}
                </p>
            </div>
        </footer>
    }
}

#[component]
fn StartPage() -> impl IntoView {
    let site = expect_context::<SiteInfo>();
    let org = site.organisation;
    view! {
        <PageTitle text=START_TITLE.to_string()/>
        <h1 class="heading-xl">"Complain about how we used your personal information"</h1>
        <p class="body">
            {format!("Use this form if you are unhappy with how {} collected, kept, shared or otherwise used ", org.name)}
            "your personal information, or with how we answered a request about your information."
        </p>
        <p class="body">"It takes about 10 minutes. You can complain for yourself or for someone else."</p>
        <p class="body">
            "What you type is kept on this device as a draft for up to 30 days from when you start, "
            "so you can come back to it. Nothing is sent to us until you choose to send it."
        </p>
        <a href="/complaint" role="button" draggable="false" class="button button--start">
            "Start now"
        </a>
        <h2 class="heading-m">"Other ways to complain"</h2>
        <p class="body">{format!("Telephone {} or email {}.", org.telephone, org.email)}</p>
        <p class="body">"Or write to:"</p>
        <p class="body address">
            {org.address.iter().map(|line| view! { {line.clone()}<br/> }).collect_view()}
        </p>
        <h2 class="heading-m">"The Information Commissioner's Office"</h2>
        <p class="body">
            "You can complain to the Information Commissioner's Office (ICO) at any time. "
            "The ICO usually expects you to raise the matter with us first, so that we have the "
            "chance to put it right. "
            {format!("You can contact the ICO on {ICO_HELPLINE}.")}
        </p>
        <p class="body">
            <a href=org.privacy_notice_url.clone()>"Read our privacy notice"</a>
            " to find out how we use your information."
        </p>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <PageTitle text=NOT_FOUND_TITLE.to_string()/>
        <h1 class="heading-l">"Page not found"</h1>
        <p class="body">"If you typed the web address, check it is correct."</p>
        <p class="body"><a href="/">"Go to the start of the complaint form"</a></p>
    }
}
