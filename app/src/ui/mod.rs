//! Pages. Everything renders on the server first, so it works before (or without) the
//! WebAssembly; hydration then adds behaviour in place.

#[cfg(feature = "hydrate")]
mod draft;
pub mod fields;
pub mod form;
pub mod journey;
mod location;
pub mod words;

use crate::domain::letter::Organisation;
#[cfg(feature = "ssr")]
use crate::domain::letter::ICO_HELPLINE;
use crate::domain::taxonomy::Taxonomy;
use crate::i18n::{Lang, Words};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use words::tr;
use words::words;

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
    /// The page's language, and its table (`crate::i18n`): only this language's texts reach
    /// the browser.
    #[serde(skip)]
    pub lang: Lang,
    #[serde(skip)]
    pub words: Vec<(String, String)>,
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
            lang: Lang::En,
            words: Vec::new(),
        }
    }
}

/// In the page, only what the browser uses: the council's name and how to reach it (the
/// confirmation says), and each category's id, words, nature and whether a breach is possible (the
/// checks and the breach questions); the footer and the start page are the server's alone.
impl crate::domain::lines::Lines for SiteInfo {
    fn write(&self, w: &mut crate::domain::lines::Writer) {
        let org = &self.organisation;
        for v in [&org.name, &org.email, &org.telephone] {
            w.str(v);
        }
        w.list(&self.taxonomy.categories, |w, c| {
            w.str(&c.id);
            w.str(&c.label);
            w.str(c.nature.id());
            // Whether the form asks if a breach happened: "y", or nothing.
            w.str(if c.breach_possible { "y" } else { "" });
        });
        w.str(&self.consent_intro);
        self.lang.write(w);
        w.list(&self.words, |w, (en, t)| {
            w.str(en);
            w.str(t);
        });
    }

    fn read(r: &mut crate::domain::lines::Reader) -> Option<Self> {
        use crate::domain::taxonomy::{Category, Nature};
        Some(SiteInfo {
            organisation: Organisation {
                name: r.str()?,
                email: r.str()?,
                telephone: r.str()?,
                address: Vec::new(),
                signatory: String::new(),
                privacy_notice_url: String::new(),
            },
            taxonomy: Taxonomy {
                teams: Vec::new(),
                categories: r.list(|r| {
                    Some(Category {
                        id: r.str()?,
                        label: r.str()?,
                        team: String::new(),
                        nature: r.parsed(Nature::parse)?,
                        discloses_personal_data: false,
                        breach_possible: !r.str()?.is_empty(),
                    })
                })?,
            },
            // The header with the logo is the server's alone.
            logo_url: None,
            consent_intro: r.str()?,
            lang: Lang::read(r)?,
            words: r.list(|r| Some((r.str()?, r.str()?)))?,
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
    let page = uri.as_ref().map(|u| Lang::of_path(u.path()).1);
    match page {
        Some("/") | None => start_title().to_string(),
        Some("/complaint") => {
            let state = use_context::<crate::flow::JourneyState>().unwrap_or_default();
            let asked = uri
                .as_ref()
                .and_then(|u| u.query())
                .and_then(location::step_in_query)
                .and_then(|s| crate::flow::Step::parse(&s));
            let step = crate::flow::shown_step(asked, &state);
            crate::flow::journey_title(step, &state, &words())
        }
        Some(_) => not_found_title().to_string(),
    }
}

#[cfg(feature = "ssr")]
fn start_title() -> &'static str {
    tr("Complain about how we used your personal information")
}

#[cfg(feature = "ssr")]
fn not_found_title() -> &'static str {
    tr("Page not found")
}

/// Whether this page loads the WebAssembly: only the journey does. The start page has nothing
/// to do in the browser (its one button is a link), nor has "Page not found", so a person
/// reading them on a phone, or a council page showing the start in a frame, downloads a few
/// kilobytes instead of the whole form's code, and the WebAssembly carries neither page.
fn hydrates() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .is_none_or(|p| Lang::of_path(p.uri.path()).1 == "/complaint")
    }
    #[cfg(not(feature = "ssr"))]
    {
        true
    }
}

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's language comes with its configuration; its table is read once per process.
    #[cfg(feature = "ssr")]
    {
        let lang = use_context::<SiteInfo>()
            .map(|s| s.lang)
            .unwrap_or_default();
        provide_context(Words::new(lang, crate::i18n::table(lang)));
    }
    let lang = words().lang;
    let scripts = hydrates().then(|| view! { <HydrationScripts options=options.clone()/> });
    #[cfg(feature = "ssr")]
    // As raw text: a text child would carry a hydration marker, which a title would show.
    let title =
        view! { <title inner_html=server_title().replace('&', "&amp;").replace('<', "&lt;")/> };
    #[cfg(not(feature = "ssr"))]
    let title = ();
    view! {
        <!DOCTYPE html>
        <html lang=lang.html()>
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
                {site_header()}
                // The part the WebAssembly takes over (`crate::hydrate`).
                <div id="app"><App/></div>
                {footer()}
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
                <label for="website">{tr("Leave this empty")}</label>
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
                // Only a page the WebAssembly takes over needs its words.
                #[cfg(feature = "ssr")]
                let site = {
                    let mut site = use_context::<SiteInfo>().unwrap_or_default();
                    site.words = if hydrates() {
                        crate::i18n::browser_words(site.lang).to_vec()
                    } else {
                        Vec::new()
                    };
                    site
                };
                #[cfg(not(feature = "ssr"))]
                let site = SiteInfo::blank();
                site
            },
        )
        .into_inner();
    // In the browser the words arrive with the page, once per page load: kept for its life.
    #[cfg(not(feature = "ssr"))]
    provide_context(Words::in_browser(site.lang, site.words.clone()));
    let page = location::page();
    provide_context(site);
    // Marks the page once the WebAssembly has taken over, so tests and styles can tell.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <div class="width-container">
            <main id="main-content" class="main" tabindex="-1">
                {match page.as_str() {
                    // Rendered by the server only (never hydrated: see `hydrates`).
                    #[cfg(feature = "ssr")]
                    "/" => view! { <StartPage/> }.into_any(),
                    "/complaint" => view! { <journey::JourneyPage/> }.into_any(),
                    #[cfg(feature = "ssr")]
                    _ => view! { <NotFound/> }.into_any(),
                    #[cfg(not(feature = "ssr"))]
                    _ => ().into_any(),
                }}
            </main>
        </div>
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

/// The skip link, the header and the language switch, before the part the WebAssembly takes
/// over: the same throughout a page's life, written by the server only (the browser carries
/// none of it). On a question page the switch re-posts the answers (`journey::LanguageButton`);
/// elsewhere it links to the same page in the other language.
fn site_header() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let site = use_context::<SiteInfo>().unwrap_or_default();
        let parts = use_context::<http::request::Parts>();
        let page = parts
            .as_ref()
            .map(|p| Lang::of_path(p.uri.path()).1.to_string())
            .unwrap_or_else(|| "/".into());
        let question = page == "/complaint" && {
            let state = use_context::<crate::flow::JourneyState>().unwrap_or_default();
            let asked = parts
                .as_ref()
                .and_then(|p| p.uri.query())
                .and_then(location::step_in_query)
                .and_then(|s| crate::flow::Step::parse(&s));
            crate::flow::shown_step(asked, &state) != crate::flow::Step::Done
        };
        // The start page, "Page not found" and the confirmation (whose answers are sent):
        // the other language's start page.
        let switch = if question {
            view! { <journey::LanguageButton/> }.into_any()
        } else {
            view! { <LanguageLink page="/"/> }.into_any()
        };
        view! {
            <a href="#main-content" class="skip-link">{tr("Skip to main content")}</a>
            <header class="site-header">
                <div class="width-container">
                    {site.logo_url.map(|src| view! { <img class="site-header__logo" src=src alt="" height="40"/> })}
                    <span class="site-header__name">{words().text(&site.organisation.name)}</span>
                    <span class="site-header__service">{tr("Data protection complaints")}</span>
                </div>
            </header>
            <div class="width-container">{switch}</div>
        }
    }
}

/// The footer, after the part the WebAssembly takes over: the same on every page, written by
/// the server only (the browser carries none of it).
fn footer() -> impl IntoView {
    #[cfg(feature = "ssr")]
    view! { <Footer/> }
}

#[cfg(feature = "ssr")]
#[component]
fn Footer() -> impl IntoView {
    let site = expect_context::<SiteInfo>();
    let org = site.organisation;
    view! {
        <footer class="site-footer">
            <div class="width-container">
                <p class="body body--s">
                    <a href=org.privacy_notice_url.clone()>{tr("Privacy notice")}</a>
                    " · "
                    <a href=site.lang.path("/accessibility")>{tr("Accessibility statement")}</a>
                    {format!(" · {} · {} · {}", words().text(&org.name), org.telephone, org.email)}
                </p>
            </div>
        </footer>
    }
}

/// GOV.UK's language switch on pages with no answers to keep: this page in the other
/// language, named in that language (question pages re-post their answers instead: see
/// `journey::LanguageButton`).
#[cfg(feature = "ssr")]
#[component]
pub fn LanguageLink(page: &'static str) -> impl IntoView {
    let here = words().lang;
    let other = here.other();
    view! {
        <nav class="language-switch" aria-label=tr("Language")>
            <span class="language-switch__current" aria-current="true">{here.own_name()}</span>
            " | "
            <a href=other.path(page) lang=other.html() hreflang=other.html()>{other.own_name()}</a>
        </nav>
    }
}

#[cfg(feature = "ssr")]
#[component]
fn StartPage() -> impl IntoView {
    let site = expect_context::<SiteInfo>();
    let org = site.organisation;
    let w = words();
    view! {
        <PageTitle text=start_title().to_string()/>
        <h1 class="heading-xl">{start_title()}</h1>
        <p class="body">
            {w.fill("Use this form if you are unhappy with how {organisation} collected, kept, shared or otherwise used your personal information, or with how we answered a request about your information.", &[("organisation", w.text(&org.name))])}
        </p>
        <p class="body">{tr("It takes about 10 minutes. You can complain for yourself or for someone else.")}</p>
        <p class="body">
            {tr("What you type is kept on this device as a draft for up to 30 days from when you start, so you can come back to it. Nothing is sent to us until you choose to send it.")}
        </p>
        <a href=w.lang.path("/complaint") role="button" draggable="false" class="button button--start">
            {tr("Start now")}
        </a>
        <h2 class="heading-m">{tr("Other ways to complain")}</h2>
        <p class="body">{w.fill("Telephone {telephone} or email {email}.", &[("telephone", org.telephone.clone()), ("email", org.email.clone())])}</p>
        <p class="body">{tr("Or write to:")}</p>
        <p class="body address">
            {org.address.iter().map(|line| view! { {line.clone()}<br/> }).collect_view()}
        </p>
        <h2 class="heading-m">{tr("The Information Commissioner's Office")}</h2>
        <p class="body">
            {w.fill("You can complain to the Information Commissioner's Office (ICO) at any time. The ICO usually expects you to raise the matter with us first, so that we have the chance to put it right. You can contact the ICO on {telephone}.", &[("telephone", ICO_HELPLINE.to_string())])}
        </p>
        <p class="body">
            <a href=org.privacy_notice_url.clone()>{tr("Read our privacy notice")}</a>
            {tr(" to find out how we use your information.")}
        </p>
    }
}

#[cfg(feature = "ssr")]
#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <PageTitle text=not_found_title().to_string()/>
        <h1 class="heading-l">{not_found_title()}</h1>
        <p class="body">{tr("If you typed the web address, check it is correct.")}</p>
        <p class="body"><a href=words().lang.path("/")>{tr("Go to the start of the complaint form")}</a></p>
    }
}
