//! Subject access over our own records, for the DPO, at `/staff/subject-access`: find a person
//! by name, email, telephone, postcode or reference; see every case, letter, note and history
//! entry about them; download it as JSON or as a page to print.
//!
//! The search term is personal data, so it travels only in POSTed forms (never in a URL) and
//! is never written to the audit trail or the logs: the audit records what kind of search
//! found which cases. For a case the person only appears in (mentioned in someone else's
//! complaint), only the records that mention them are theirs to receive.

use super::components::{date_time, page};
use super::error::StaffError;
use super::{Form, Staff, StaffUser, Viewer};
use crate::store::retention::SubjectCase;
use crate::store::staff::AuditEntry;
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::subject_access::SubjectKey;
use app::domain::FieldError;
use app::ui::fields::{Choice, ErrorSummary, Field, Radios, TextField};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use leptos::prelude::*;
use serde_json::{json, Value};

pub async fn form(
    axum::extract::State(state): axum::extract::State<AppState>,
    Staff(_, viewer): Staff,
) -> Response {
    search_page(&state, &viewer, "", "", vec![], None, StatusCode::OK)
}

fn kinds() -> Vec<Choice> {
    SubjectKey::KINDS
        .iter()
        .map(|(id, label)| Choice::new(*id, *label))
        .collect()
}

fn search_page(
    state: &AppState,
    viewer: &Viewer,
    by: &str,
    term: &str,
    errors: Vec<FieldError>,
    found: Option<Vec<SubjectCase>>,
    status: StatusCode,
) -> Response {
    let csrf = viewer.csrf.clone();
    let by = by.to_string();
    let term = term.to_string();
    page(state, viewer, "Subject access", status, move || {
        let export = |format: &'static str, label: &'static str| {
            view! {
                <form method="post" action="/staff/subject-access/export" class="button-form">
                    <input type="hidden" name="_csrf" value=csrf.clone()/>
                    <input type="hidden" name="by" value=by.clone()/>
                    <input type="hidden" name="term" value=term.clone()/>
                    <input type="hidden" name="format" value=format/>
                    <button type="submit" class="button button--secondary">{label}</button>
                </form>
            }
        };
        view! {
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <h1 class="heading-l">"Subject access"</h1>
            <p class="body">"Find everything this service holds about a person: the cases they made, and the notes, letters and history of other cases that mention them. Searches and downloads are recorded in the audit trail (without what you searched for)."</p>
            <form method="post" action="/staff/subject-access">
                <input type="hidden" name="_csrf" value=csrf.clone()/>
                <Radios field=Field::fixed("by", by.clone(), &errors) legend="Search by" choices=kinds()/>
                <TextField field=Field::fixed("term", term.clone(), &errors) label="Search for" autocomplete="off"/>
                <button type="submit" class="button">"Search"</button>
            </form>
            {found.map(|cases| view! {
                <h2 class="heading-m">{match cases.len() { 0 => "No records found".to_string(), 1 => "1 case found".to_string(), n => format!("{n} cases found") }}</h2>
                {(!cases.is_empty()).then(|| view! {
                    <p class="body">{export("json", "Download as JSON")}" "{export("zip", "Download with their files (zip)")}" "{export("print", "Printable page")}</p>
                    {records(&cases)}
                })}
            })}
        }
    })
}

/// The records found, as a page shows them (search results and the printable page).
fn records(cases: &[SubjectCase]) -> impl IntoView {
    cases
        .iter()
        .map(|c| {
            let heading = format!(
                "Case {} ({}), received {}",
                c.reference,
                if c.complainant { "their complaint" } else { "mentions them" },
                long_date(c.received_on)
            );
            let complaint = c.complaint.as_ref().map(|v| {
                serde_json::to_string_pretty(v).unwrap_or_default()
            });
            view! {
                <section class="case-section">
                    <h3 class="heading-s">{heading}</h3>
                    <p class="body">{format!("Status: {}", c.status.label())}</p>
                    {(!c.withheld.is_empty()).then(|| view! {
                        <div class="inset-text">
                            <p class="body">"Withheld from this person, as it is not their own data:"</p>
                            <ul class="list">{c.withheld.iter().map(|w| view! { <li>{*w}</li> }).collect_view()}</ul>
                        </div>
                    })}
                    {complaint.map(|text| view! { <h4 class="heading-s">"The complaint as recorded"</h4><pre class="prewrap">{text}</pre> })}
                    {c.summary.as_ref().map(|s| view! {
                        <h4 class="heading-s">"Summary kept"</h4>
                        <p class="body">{format!("{}; {}; {}", s.name, s.address.join(", "), s.outcome.clone().unwrap_or_default())}</p>
                    })}
                    {(!c.notes.is_empty()).then(|| view! {
                        <h4 class="heading-s">"Notes and correspondence"</h4>
                        <ul class="list">{c.notes.iter().map(|n| view! { <li class="prewrap">{format!("{} · {} · {}: {}", date_time(n.at), n.kind.label(), n.author, n.body)}</li> }).collect_view()}</ul>
                    })}
                    {(!c.letters.is_empty()).then(|| view! {
                        <h4 class="heading-s">"Letters"</h4>
                        {c.letters.iter().map(|l| view! { <p class="hint">{format!("{}, {}", l.kind.label(), date_time(l.created_at))}</p><div class="letter prewrap">{l.letter.body.clone()}</div> }).collect_view()}
                    })}
                    {(!c.events.is_empty()).then(|| view! {
                        <h4 class="heading-s">"History"</h4>
                        <ul class="list">{c.events.iter().map(|e| view! { <li>{format!("{} · {}{}", date_time(e.at), e.event, e.detail.as_ref().map(|d| format!(" · {d}")).unwrap_or_default())}</li> }).collect_view()}</ul>
                    })}
                </section>
            }
        })
        .collect_view()
}

/// The search form (and the export's, which adds its format).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SearchForm {
    by: String,
    term: String,
    format: String,
}

async fn found(
    state: &AppState,
    user: &StaffUser,
    form: &SearchForm,
    action: &str,
) -> Result<Result<Vec<SubjectCase>, FieldError>, StaffError> {
    let key = match SubjectKey::parse(&form.by, &form.term) {
        Ok(k) => k,
        Err(message) => {
            let field = if SubjectKey::KINDS.iter().any(|(id, _)| *id == form.by) {
                "term"
            } else {
                "by"
            };
            return Ok(Err(FieldError::new(field, message)));
        }
    };
    // Each person receives their own data only (SPEC; UK GDPR art. 15(4)).
    let cases: Vec<SubjectCase> = state
        .retention
        .subject_search(&key)
        .await?
        .into_iter()
        .map(|c| c.for_the_person(&key))
        .collect();
    let refs: Vec<String> = cases.iter().map(|c| c.reference.to_string()).collect();
    state
        .staff
        .audit(AuditEntry {
            at: Utc::now(),
            username: user.username.clone(),
            action: action.into(),
            reference: None,
            detail: Some(format!(
                "by {}: {} case(s){}{}",
                key.kind(),
                cases.len(),
                if refs.is_empty() { "" } else { ": " },
                refs.join(", ")
            )),
        })
        .await?;
    Ok(Ok(cases))
}

pub async fn search(
    axum::extract::State(state): axum::extract::State<AppState>,
    Staff(user, viewer): Staff,
    Form(form): Form<SearchForm>,
) -> Result<Response, StaffError> {
    let (by, term) = (form.by.as_str(), form.term.as_str());
    Ok(
        match found(&state, &user, &form, "subject access search").await? {
            Ok(cases) => search_page(
                &state,
                &viewer,
                by,
                term,
                vec![],
                Some(cases),
                StatusCode::OK,
            ),
            Err(e) => search_page(
                &state,
                &viewer,
                by,
                term,
                vec![e],
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        },
    )
}

pub async fn export(
    axum::extract::State(state): axum::extract::State<AppState>,
    Staff(user, viewer): Staff,
    Form(form): Form<SearchForm>,
) -> Result<Response, StaffError> {
    let format = match form.format.as_str() {
        "json" => "json",
        "zip" => "zip",
        _ => "print",
    };
    let action = format!("subject access export ({format})");
    let cases = match found(&state, &user, &form, &action).await? {
        Ok(cases) => cases,
        Err(e) => {
            let (by, term) = (form.by.as_str(), form.term.as_str());
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(search_page(
                &state,
                &viewer,
                by,
                term,
                vec![e],
                None,
                status,
            ));
        }
    };
    let day = app::domain::calendar::london_date(Utc::now());
    if format == "zip" {
        return with_files(&state, &cases, day).await;
    }
    if format == "json" {
        let body = serde_json::to_vec_pretty(&document(&state, &cases))
            .map_err(|e| StaffError::Store(crate::store::StoreError::Corrupt(e.to_string())))?;
        let mut response = (StatusCode::OK, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        // The file name carries no personal data.
        if let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"subject-access-{day}.json\""
        )) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
        return Ok(response);
    }
    let org = state.organisation.name.clone();
    let title = format!("Subject access: records held on {}", long_date(day));
    let heading = title.clone();
    Ok(page(&state, &viewer, &title, StatusCode::OK, move || {
        view! {
            <h1 class="heading-l">{heading}</h1>
            <p class="body">{format!("Personal data held by {org} in its data protection complaints service. {} case(s).", cases.len())}</p>
            {records(&cases)}
        }
    }))
}

/// The JSON download: every record found, in plain fields.
fn document(state: &AppState, cases: &[SubjectCase]) -> Value {
    json!({
        "controller": state.organisation.name,
        "prepared_at": Utc::now().to_rfc3339(),
        "cases": cases.iter().map(|c| json!({
            "reference": c.reference.to_string(),
            "relationship": if c.complainant { "complainant" } else { "mentioned" },
            "received_on": c.received_on.to_string(),
            "status": c.status.id(),
            "withheld": c.withheld,
            "complaint": c.complaint,
            "summary": c.summary,
            "notes": c.notes.iter().map(|n| json!({
                "at": n.at.to_rfc3339(), "kind": n.kind.id(), "author": n.author, "text": n.body,
            })).collect::<Vec<_>>(),
            "letters": c.letters.iter().map(|l| json!({
                "kind": l.kind.id(), "created_at": l.created_at.to_rfc3339(),
                "subject": l.letter.subject, "body": l.letter.body,
            })).collect::<Vec<_>>(),
            "history": c.events.iter().map(|e| json!({
                "at": e.at.to_rfc3339(), "event": e.event, "by": e.actor, "detail": e.detail,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The JSON document and the person's evidence files (those of their own complaints; files on
/// cases that only mention them are another person's), as a zip built in a temporary file a
/// chunk at a time and streamed back: memory stays bounded however many files there are.
async fn with_files(
    state: &AppState,
    cases: &[SubjectCase],
    day: chrono::NaiveDate,
) -> Result<Response, StaffError> {
    use std::io::Write;
    let failed = |e: String| StaffError::Store(crate::store::StoreError::Unavailable(e));
    let json =
        serde_json::to_vec_pretty(&document(state, cases)).map_err(|e| failed(e.to_string()))?;
    let temp = tempfile::NamedTempFile::new().map_err(|e| failed(e.to_string()))?;
    let mut zip = zip::ZipWriter::new(temp.reopen().map_err(|e| failed(e.to_string()))?);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("subject-access.json", stored)
        .map_err(|e| failed(e.to_string()))?;
    zip.write_all(&json).map_err(|e| failed(e.to_string()))?;
    for case in cases.iter().filter(|c| c.complainant) {
        for (n, file) in state
            .evidence_store
            .files(&case.reference)
            .await?
            .iter()
            .enumerate()
        {
            if !file.scan.may_open() {
                continue;
            }
            // Names made here: the person's file names are text, never paths.
            let name = format!(
                "files/{}/{}-{}.{}",
                case.reference.compact(),
                n + 1,
                file.id.simple(),
                file.kind.extension()
            );
            zip.start_file(name, stored)
                .map_err(|e| failed(e.to_string()))?;
            let mut seq = 0;
            while let Some(chunk) = state.evidence_store.chunk(file.id, seq).await? {
                zip.write_all(&chunk).map_err(|e| failed(e.to_string()))?;
                seq += 1;
            }
        }
    }
    zip.finish().map_err(|e| failed(e.to_string()))?;
    let file = tokio::fs::File::open(temp.path())
        .await
        .map_err(|e| failed(e.to_string()))?;
    let length = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    // The temporary file's name goes now; the open file is read to its end.
    drop(temp);
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"subject-access-{day}.zip\""
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
