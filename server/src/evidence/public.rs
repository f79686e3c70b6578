//! The complainant's page for sending evidence, `/evidence/{token}` (and `/cy/…` in Welsh):
//! reached from the confirmation page and the acknowledgement email, rendered here on the
//! server (the WebAssembly carries none of it), a plain multipart form that needs no script.
//! The link adds files to its one case and never shows any: the page says only how many
//! have been sent.

use super::NotTaken;
use crate::store::evidence::{Added, AddedThrough};
use crate::AppState;
use app::domain::evidence::{accept_list, Refusal};
use app::i18n::{Lang, Words};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use leptos::prelude::*;

#[derive(serde::Deserialize, Default)]
pub struct SentQuery {
    sent: Option<u8>,
}

/// A token as `new_link_token` makes them: anything else is not looked up.
fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<SentQuery>,
    uri: Uri,
) -> Response {
    let w = Words::of(Lang::of_path(uri.path()).0);
    let link = if plausible(&token) {
        match state.evidence_store.link(&super::link_hash(&token)).await {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(route = "/evidence", cause = %e, "evidence: cannot read a link");
                return unavailable(&state, w);
            }
        }
    } else {
        None
    };
    match link {
        Some(l) if l.open => form(&state, w, &token, l.files_sent, q.sent.is_some(), None),
        _ => closed(&state, w),
    }
}

pub async fn send(
    State(state): State<AppState>,
    Path(token): Path<String>,
    client: Option<Extension<crate::client::ClientIp>>,
    headers: HeaderMap,
    uri: Uri,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let lang = Lang::of_path(uri.path()).0;
    let w = Words::of(lang);
    if crate::same_site::verdict(&headers, &state.config.outbox.public_url)
        == crate::same_site::Verdict::CrossSite
    {
        return crate::same_site::refused(&state, lang);
    }
    // Sending a file is limited like sending a complaint, from the same allowance.
    if let Err(wait) = state.submissions.check(crate::client::ClientIp::of(client)) {
        return crate::limits::too_many_for_people(wait, &state.organisation.telephone);
    }
    if !plausible(&token) {
        return closed(&state, w);
    }
    let hash = super::link_hash(&token);
    let sent_before = match state.evidence_store.link(&hash).await {
        Ok(Some(l)) if l.open => l.files_sent,
        Ok(_) => return closed(&state, w),
        Err(e) => {
            tracing::error!(route = "/evidence", cause = %e, "evidence: cannot read a link");
            return unavailable(&state, w);
        }
    };
    let again = |refusal: Refusal| form(&state, w, &token, sent_before, false, Some(refusal));
    let Ok(mut multipart) = multipart else {
        return again(Refusal::NoFile);
    };
    let field = loop {
        match multipart.next_field().await {
            Ok(Some(f)) if f.name() == Some("file") => break f,
            Ok(Some(_)) => continue,
            Ok(None) => return again(Refusal::NoFile),
            Err(e) => {
                // Cut off, or not a form: nothing was kept.
                tracing::warn!(route = "/evidence", cause = %e, "evidence: an upload could not be read");
                return again(Refusal::NoFile);
            }
        }
    };
    let limit = state.config.evidence.limits.max_files_public;
    if sent_before >= limit {
        return again(Refusal::TooMany { max: limit });
    }
    let received = match state.evidence.receive(field).await {
        Ok(r) => r,
        Err(NotTaken::Infected { name, signature }) => {
            let reference = state
                .evidence_store
                .link_reference(&hash)
                .await
                .ok()
                .flatten();
            if let Err(e) = state
                .evidence
                .record_infected(
                    state.evidence_store.as_ref(),
                    reference,
                    &name,
                    &signature,
                    None,
                )
                .await
            {
                tracing::error!(route = "/evidence", cause = %e, "evidence: cannot record a refused file");
            }
            return again(Refusal::Infected);
        }
        Err(e) => match e.refusal() {
            Some(r) => return again(r),
            None => {
                tracing::error!(route = "/evidence", cause = ?e, "evidence: a file could not be received");
                return unavailable(&state, w);
            }
        },
    };
    let through = AddedThrough::Link {
        token_hash: hash,
        max_public: limit,
    };
    match state
        .evidence
        .store(state.evidence_store.as_ref(), &through, &received, None)
        .await
    {
        Ok(Added::Stored(_)) => Redirect::to(&format!(
            "{}?sent=1",
            lang.path(&format!("/evidence/{token}"))
        ))
        .into_response(),
        Ok(Added::TooMany) => again(Refusal::TooMany { max: limit }),
        Ok(Added::NotOpen) => closed(&state, w),
        Err(e) => {
            tracing::error!(route = "/evidence", cause = %e, "evidence: a file could not be stored");
            unavailable(&state, w)
        }
    }
}

fn shell<V: IntoView + 'static>(
    state: &AppState,
    w: Words,
    title: String,
    status: StatusCode,
    body: impl FnOnce() -> V + 'static,
) -> Response {
    let prefix = if status.is_client_error() {
        w.tr("Error: ")
    } else {
        ""
    };
    let head = crate::html::Head {
        title: format!("{prefix}{title} – {}", w.text(&state.organisation.name)),
        stylesheet: Some(state.stylesheet.to_string()),
        noindex: true,
    };
    let mut response = crate::html::document_in(w.lang, status, head, "", move || {
        view! {
            <div class="width-container">
                <main id="main" class="main">{body()}</main>
            </div>
        }
    });
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

fn form(
    state: &AppState,
    w: Words,
    token: &str,
    sent: u32,
    just_sent: bool,
    error: Option<Refusal>,
) -> Response {
    let limits = state.config.evidence.limits;
    let action = w.lang.path(&format!("/evidence/{token}"));
    let other = w.lang.other().path(&format!("/evidence/{token}"));
    let other_lang = w.lang.other();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let message = error.map(|r| w.text(&r.message()));
    let size = limits.max_size_words();
    let max = limits.max_files_public;
    let scanned = state.evidence.scanner.is_some();
    let title = w.tr("Send us evidence").to_string();
    shell(state, w, title, status, move || {
        view! {
            <nav class="language-switch" aria-label=w.tr("Language")>
                <span class="language-switch__current" aria-current="true">{w.lang.own_name()}</span>
                " | "
                <a href=other lang=other_lang.html() hreflang=other_lang.html()>{other_lang.own_name()}</a>
            </nav>
            {message.clone().map(|m| view! {
                <div class="error-summary" role="alert" tabindex="-1">
                    <h2 class="error-summary__title">{w.tr("There is a problem")}</h2>
                    <ul class="error-summary__list"><li><a href="#file">{m}</a></li></ul>
                </div>
            })}
            {just_sent.then(|| view! {
                <div class="panel panel--small" role="status">
                    <h2 class="panel__title">{w.tr("Your file has been sent")}</h2>
                </div>
            })}
            <h1 class="heading-l">{w.tr("Send us evidence")}</h1>
            <p class="body">{w.tr("You can send us files that support your complaint: for example a screenshot, a photo of a letter or document, or an email you were sent.")}</p>
            <p class="body">{w.fill("Send one file at a time, up to {max} files, each smaller than {size}.", &[("max", max.to_string()), ("size", size.clone())])}</p>
            {(sent > 0).then(|| view! {
                <p class="body">{w.fill("Files you have sent so far: {count}.", &[("count", sent.to_string())])}</p>
            })}
            <form method="post" action=action enctype="multipart/form-data" novalidate>
                <div class="form-group" class:form-group--error=message.is_some()>
                    <label class="label" for="file">{w.tr("Choose a file")}</label>
                    <p id="file-hint" class="hint">{w.tr("PDF, JPG, PNG, HEIC, GIF, WebP, text, Word (DOCX), OpenDocument text (ODT) or email (EML)")}</p>
                    {message.clone().map(|m| view! {
                        <p id="file-error" class="error-message"><span class="visually-hidden">{w.tr("Error: ")}</span>{m}</p>
                    })}
                    <input class="file-upload" id="file" name="file" type="file" accept=accept_list()
                        aria-describedby=if message.is_some() { "file-hint file-error" } else { "file-hint" }/>
                </div>
                <button type="submit" class="button">{w.tr("Send file")}</button>
            </form>
            <p class="body">{if scanned {
                w.tr("Files are checked for viruses before anyone opens them. Photos have their location and camera details removed.")
            } else {
                w.tr("Photos have their location and camera details removed before they are kept.")
            }}</p>
        }
    })
}

fn closed(state: &AppState, w: Words) -> Response {
    let email = state.organisation.email.clone();
    let title = w.tr("This link no longer works").to_string();
    shell(state, w, title, StatusCode::GONE, move || {
        view! {
            <h1 class="heading-l">{w.tr("This link no longer works")}</h1>
            <p class="body">{w.tr("Your complaint may be closed, or the link has been used as many times as it can be.")}</p>
            <p class="body">{w.fill("To send us anything else, email {email} and quote your reference.", &[("email", email.clone())])}</p>
        }
    })
}

fn unavailable(state: &AppState, w: Words) -> Response {
    let phone = state.organisation.telephone.clone();
    let title = w
        .tr("Sorry, there is a problem with the service")
        .to_string();
    shell(
        state,
        w,
        title,
        StatusCode::SERVICE_UNAVAILABLE,
        move || {
            view! {
                <h1 class="heading-l">{w.tr("Sorry, there is a problem with the service")}</h1>
                <p class="body">{w.tr("Your file has not been sent. Try again later.")}</p>
                <p class="body">{w.fill("You can also call {telephone}.", &[("telephone", phone.clone())])}</p>
            }
        },
    )
}
