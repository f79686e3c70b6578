//! The frame of every staff page, and the small pieces pages share. Rendered with Leptos on
//! the server only: these pages ship no script. Form fields are the public form's own
//! components (`app::ui::fields`), given plain values.

use super::Viewer;
use crate::html::{self, Head};
use crate::AppState;
use app::domain::calendar::{london_date, long_date};
use app::domain::casework::{
    due_phrase, urgency, ActionInput, ActionKind, ActionPart, Role, Urgency, ACTION_ROWS,
};
use app::domain::FieldError;
use app::ui::fields::{Field, TextArea, TextField};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
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
                        <li><a href="/staff/reports">"Reports"</a></li>
                        <li><a href="/staff/post">"Letters to post"</a></li>
                    })}
                    {role.allows(Role::Dpo).then(|| view! {
                        <li><a href="/staff/messages">"Messages"</a></li>
                        <li><a href="/staff/retention">"Retention"</a></li>
                        <li><a href="/staff/subject-access">"Subject access"</a></li>
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

/// The complainant's postal address, a line each (none if they gave none).
pub fn address_lines(c: &app::domain::complaint::Complainant) -> Vec<String> {
    c.address
        .as_ref()
        .map(|a| {
            [
                Some(a.line_1.to_string()),
                a.line_2.as_ref().map(|t| t.to_string()),
                a.town.as_ref().map(|t| t.to_string()),
                Some(a.postcode.as_str().to_string()),
            ]
            .into_iter()
            .flatten()
            .flat_map(|l| l.lines().map(str::to_string).collect::<Vec<_>>())
            .collect()
        })
        .unwrap_or_default()
}

/// The name of the team with this id (the id itself if the taxonomy no longer has it).
pub fn team_name(state: &AppState, id: &str) -> String {
    state.config.taxonomy.team_name(id)
}

/// The label of the category with this id (the id itself if the taxonomy no longer has it).
pub fn category_label(state: &AppState, id: &str) -> String {
    state.config.taxonomy.category_label(id)
}

/// A deadline: the date, and how it stands today (red when overdue, yellow within a week).
pub fn deadline(due: NaiveDate, done: bool, today: NaiveDate) -> AnyView {
    if done {
        return view! { <span>{long_date(due)}</span>" "<span class="tag tag--grey">"Done"</span> }
            .into_any();
    }
    let class = match urgency(due, today) {
        Urgency::Overdue => "tag tag--red",
        Urgency::DueThisWeek => "tag tag--yellow",
        Urgency::Later => return view! { <span>{long_date(due)}</span> }.into_any(),
    };
    view! { <span>{long_date(due)}</span>" "<strong class=class>{due_phrase(due, today)}</strong> }
        .into_any()
}

/// Rows of action fields (description, owner, due date), `ACTION_ROWS` of them.
pub fn action_fields(
    kind: ActionKind,
    legend: &'static str,
    rows: &[ActionInput],
    errors: &[FieldError],
) -> impl IntoView {
    let rows: Vec<AnyView> = (1..=ACTION_ROWS)
        .map(|n| {
            let row = rows.get(n - 1).cloned().unwrap_or_default();
            let field = |part, value: String| Field::fixed(kind.field(n, part), value, errors);
            view! {
                <div class="action-row">
                    <TextArea field=field(ActionPart::Description, row.description) label=format!("Action {n}") rows=2/>
                    <TextField field=field(ActionPart::Owner, row.owner) label=format!("Owner of action {n}") width="input--two-thirds"/>
                    <TextField field=field(ActionPart::DueOn, row.due_on) label=format!("Action {n} due by") input_type="date" width="input--date"/>
                </div>
            }
            .into_any()
        })
        .collect();
    view! {
        <fieldset class="fieldset">
            <legend class="fieldset__legend fieldset__legend--m">{legend}</legend>
            {rows}
        </fieldset>
    }
}
