//! The staff home page: what this member of staff can do, by role.

use super::components::page;
use super::Staff;
use crate::AppState;
use app::domain::casework::Role;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

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
                    <li>
                        <h2 class="heading-m"><a href="/staff/retention">"Retention"</a></h2>
                        <p class="body">"What the retention rules will delete next, legal holds, and every run."</p>
                    </li>
                    <li>
                        <h2 class="heading-m"><a href="/staff/subject-access">"Subject access"</a></h2>
                        <p class="body">"Everything held about a person, to view and download."</p>
                    </li>
                })}
            </ul>
        }
    };
    page(&state, &viewer, "Home", StatusCode::OK, body)
}
