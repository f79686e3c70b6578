//! The frame of every staff page, and the small pieces pages share. Rendered with Leptos on
//! the server only: these pages ship no script.

use super::{Staff, Viewer};
use crate::html::{self, Head};
use crate::AppState;
use app::domain::calendar::{london_date, long_date};
use app::domain::casework::Role;
use app::domain::FieldError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A whole staff page: header with the organisation and navigation for the viewer's role,
/// the body, and the sign-out button.
pub fn page<V: IntoView + 'static>(
    state: &AppState,
    viewer: &Viewer,
    title: &str,
    status: StatusCode,
    body: impl FnOnce() -> V,
) -> Response {
    let org = state.organisation.name.clone();
    let stylesheet = state.stylesheet.to_string();
    // GOV.UK: a page showing problems says so first in its title.
    let prefix = if status.is_client_error() {
        "Error: "
    } else {
        ""
    };
    let title = format!("{prefix}{title} – Data protection complaints – {org}");
    let user = viewer.user.clone();
    let csrf = viewer.csrf.clone();
    let nav = user.clone().map(|u| {
        let role = u.role;
        view! {
            <nav class="staff-nav" aria-label="Staff pages">
                <ul>
                    <li><a href="/staff">"Home"</a></li>
                    <li><a href="/staff/intake">"Key in a complaint"</a></li>
                    {role.allows(Role::Handler).then(|| view! {
                        <li><a href="/staff/register">"Register"</a></li>
                        <li><a href="/staff/actions">"Actions"</a></li>
                    })}
                    {role.allows(Role::Dpo).then(|| view! {
                        <li><a href="/staff/audit">"Audit trail"</a></li>
                        <li><a href="/staff/accounts">"Accounts"</a></li>
                    })}
                </ul>
                <form method="post" action="/staff/sign-out" class="staff-nav__signout">
                    <input type="hidden" name="_csrf" value=csrf/>
                    <span class="staff-nav__who">{format!("{} ({})", u.display_name, u.role.label())}</span>
                    " "
                    <button type="submit" class="button button--secondary button--small">"Sign out"</button>
                </form>
            </nav>
        }
    });
    let head = Head {
        title,
        stylesheet: Some(stylesheet),
        noindex: true,
    };
    html::document(status, head, "staff", move || {
        let body = body();
        view! {
            <a href="#main" class="skip-link">"Skip to main content"</a>
            <header class="site-header">
                <div class="width-container width-container--wide">
                    <span class="site-header__name">{org}</span>
                    <span class="site-header__service">"Data protection complaints: staff"</span>
                </div>
            </header>
            <div class="width-container width-container--wide">
                {nav}
                <main id="main" class="main">{body}</main>
            </div>
        }
    })
}

/// "There is a problem", linking to each field (GOV.UK error summary).
#[component]
pub fn ErrorList(errors: Vec<FieldError>) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        view! {
            <div id="error-summary" class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
                <h2 id="error-summary-title" class="error-summary__title">"There is a problem"</h2>
                <ul class="error-summary__list">
                    {errors
                        .into_iter()
                        .map(|e| {
                            let href = if e.field.is_empty() { "#main".to_string() } else { format!("#{}", e.field) };
                            view! { <li><a href=href>{e.message}</a></li> }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// A message beside a field, when it has one.
pub fn field_error(errors: &[FieldError], field: &str) -> Option<AnyView> {
    errors.iter().find(|e| e.field == field).map(|e| {
        let id = format!("{field}-error");
        let message = e.message.clone();
        view! {
            <p id=id class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p>
        }
        .into_any()
    })
}

pub fn has_error(errors: &[FieldError], field: &str) -> bool {
    errors.iter().any(|e| e.field == field)
}

/// A page with only a heading and a sentence, for refusals and problems.
pub fn message_page(status: StatusCode, heading: &'static str, text: &'static str) -> Response {
    let head = Head {
        title: heading.to_string(),
        stylesheet: None,
        noindex: true,
    };
    html::document(status, head, "staff", move || {
        view! {
            <main id="main">
                <h1>{heading}</h1>
                <p>{text}</p>
                <p><a href="/staff">"Go to the staff home page"</a></p>
            </main>
        }
    })
}

pub fn unavailable() -> Response {
    message_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Sorry, there is a problem with the service",
        "Nothing was changed. Try again in a few minutes.",
    )
}

pub async fn not_found() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "If you typed the web address, check it is correct.",
    )
}

pub fn today() -> chrono::NaiveDate {
    london_date(Utc::now())
}

/// "24 November 2026 at 14:05" in UK time.
pub fn date_time(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&chrono_tz::Europe::London);
    format!(
        "{} at {}",
        long_date(local.date_naive()),
        local.format("%H:%M")
    )
}

pub async fn home(State(state): State<AppState>, Staff(user, viewer): Staff) -> Response {
    let role = user.role;
    let name = user.display_name.clone();
    let body = move || {
        view! {
            <h1 class="heading-l">{format!("Hello, {name}")}</h1>
            <ul class="list card-list">
                <li>
                    <h2 class="heading-m"><a href="/staff/intake">"Key in a complaint"</a></h2>
                    <p class="body">"Taken by telephone, by post, by email, in person or on social media."</p>
                </li>
                {role.allows(Role::Handler).then(|| view! {
                    <li>
                        <h2 class="heading-m"><a href="/staff/register">"Complaints register"</a></h2>
                        <p class="body">"Every complaint and breach report, most urgent first."</p>
                        <p class="body"><a href="/staff/register?due=overdue">"Overdue"</a>" · "<a href="/staff/register?due=this_week">"Due this week"</a></p>
                    </li>
                    <li>
                        <form method="get" action="/staff/find" class="inline-form">
                            <label class="label label--m" for="reference">"Find a case by reference"</label>
                            <input class="input input--reference" id="reference" name="reference" type="text" autocomplete="off" spellcheck="false" autocapitalize="characters"/>
                            <button type="submit" class="button button--secondary">"Find"</button>
                        </form>
                    </li>
                })}
                {role.allows(Role::Dpo).then(|| view! {
                    <li>
                        <h2 class="heading-m"><a href="/staff/audit">"Audit trail"</a></h2>
                        <p class="body">"Who viewed or changed which case, and when."</p>
                    </li>
                    <li>
                        <h2 class="heading-m"><a href="/staff/accounts">"Staff accounts"</a></h2>
                    </li>
                })}
            </ul>
        }
    };
    page(&state, &viewer, "Home", StatusCode::OK, body)
}
