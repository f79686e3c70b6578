//! A letter of the case laid out to print (the browser's Print command) or to copy into an
//! email. Viewing one is audited like viewing the case.

use super::page::audit_view;
use super::CaseRef;
use crate::staff::components::address_lines;
use crate::staff::components::page;
use crate::staff::error::StaffError;
use crate::staff::Staff;
use crate::store::staff::{CaseFile, StoredLetter};
use crate::AppState;
use app::domain::calendar::{london_date, long_date};
use app::domain::letter::Organisation;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

pub async fn show(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, StaffError> {
    let stored = case
        .letters
        .iter()
        .find(|l| l.id == id)
        .cloned()
        .ok_or(StaffError::NotFound)?;
    let what = format!("viewed {}", stored.kind.label().to_lowercase());
    audit_view(&state, &user, &what, &case, None).await?;
    let org = (*state.organisation).clone();
    let compact = case.reference.compact();
    let email = case
        .complaint
        .complainant
        .email
        .as_ref()
        .map(|e| e.as_str().to_string());
    let adjust = app::domain::messages::Adjustments::of(&case.complaint.complainant);
    let phone = case
        .complaint
        .complainant
        .phone
        .as_ref()
        .map(|p| p.as_str().to_string());
    let letter = letter_view(&org, &case, &stored, adjust.large_print, false);
    let body = move || {
        view! {
            <div class="no-print">
                <a class="back-link" href=format!("/staff/cases/{compact}")>"Back to the case"</a>
                <p class="body">"Print it with your browser's Print command (Ctrl+P, or ⌘P on a Mac), or copy the text into an email."
                    {email.map(|e| format!(" The complainant's email address is {e}."))}</p>
                {adjust.large_print.then(|| view! { <p class="body"><strong class="tag tag--yellow">"Large print"</strong>" The complainant asked for large print: it prints that way."</p> })}
                {adjust.phone_only.then(|| view! { <div class="warning-text"><strong>{format!("Telephone only: ring the complainant{} and tell them what this letter says. The letter is kept on the case.", phone.map(|p| format!(" on {p}")).unwrap_or_default())}</strong></div> })}
            </div>
            {letter}
        }
    };
    let title = stored.letter.subject.clone();
    Ok(page(&state, &viewer, &title, StatusCode::OK, body))
}

/// One letter laid out for an envelope window: our address, theirs, the date, the text; in
/// large print where the person asked for it.
pub fn letter_view(
    org: &Organisation,
    case: &CaseFile,
    stored: &StoredLetter,
    large: bool,
    to_mp: bool,
) -> AnyView {
    let complainant = &case.complaint.complainant;
    // The MP's copy goes to the MP, with a line saying whose letter it is.
    let (to_name, to_address) = match case.mp.as_ref().filter(|_| to_mp) {
        Some(mp) => (mp.name.to_string(), mp.address.clone()),
        None => (
            complainant.full_name.to_string(),
            address_lines(complainant),
        ),
    };
    let copy_of = to_mp.then(|| {
        format!(
            "Copy of our letter to {}, who complained to us through you.",
            complainant.full_name
        )
    });
    let cc = case
        .mp
        .as_ref()
        .filter(|_| !to_mp)
        .map(|mp| format!("Copy to: {}", mp.name));
    let dated = long_date(london_date(stored.created_at));
    let paragraphs: Vec<String> = stored
        .letter
        .body
        .split("\n\n")
        .map(str::to_string)
        .collect();
    view! {
        <article class="letter" class:letter--large=large>
            <address class="letter__from">{org.name.clone()}<br/>{org.address.iter().map(|l| view! { {l.clone()}<br/> }).collect_view()}</address>
            <address class="letter__to">{to_name}<br/>{to_address.iter().map(|l| view! { {l.clone()}<br/> }).collect_view()}</address>
            <p class="letter__date">{dated}</p>
            {copy_of.map(|c| view! { <p><strong>{c}</strong></p> })}
            <h1 class="letter__subject">{stored.letter.subject.clone()}</h1>
            {paragraphs.iter().map(|p| {
                let lines: Vec<String> = p.lines().map(str::to_string).collect();
                view! { <p>{lines.into_iter().enumerate().map(|(i, l)| view! { {(i > 0).then(|| view! { <br/> })}{l} }).collect_view()}</p> }
            }).collect_view()}
            {cc.map(|c| view! { <p class="letter__cc">{c}</p> })}
        </article>
    }
    .into_any()
}
