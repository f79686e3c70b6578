//! Evidence on a case, for staff: the list (name, kind, size, who added it and when, scan
//! state), uploading a file (a scanned letter), and downloading one safely: always as an
//! attachment, `nosniff`, a sandboxing Content-Security-Policy, every download audited.
//! A file waiting for the virus scanner is not offered.

use super::case::CaseRef;
use super::components::message_page;
use super::error::StaffError;
use super::{Staff, StaffUser};
use crate::evidence::NotTaken;
use crate::store::evidence::{Added, AddedThrough, StoredFile};
use crate::store::staff::AuditEntry;
use crate::store::StoreError;
use crate::AppState;
use app::domain::evidence::Refusal;
#[cfg(test)]
use app::domain::evidence::ScanState;
use app::domain::reference::Reference;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use uuid::Uuid;

/// Takes the file of a staff upload: the form's token (its first part) checked before the
/// file is read (the middleware leaves a file upload's body unread). `Ok(Err(refusal))`: the
/// person's to fix; nothing was stored.
async fn take_file(
    state: &AppState,
    user: &StaffUser,
    csrf: &str,
    reference: Reference,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Result<(), Taken>, StaffError> {
    let Ok(mut multipart) = multipart else {
        return Ok(Err(Taken::Expired));
    };
    let token = match multipart.next_field().await {
        Ok(Some(f)) if f.name() == Some("_csrf") => f.text().await.unwrap_or_default(),
        _ => return Ok(Err(Taken::Expired)),
    };
    let same: bool = subtle::ConstantTimeEq::ct_eq(token.as_bytes(), csrf.as_bytes()).into();
    if !same {
        return Ok(Err(Taken::Expired));
    }
    let field = loop {
        match multipart.next_field().await {
            Ok(Some(f)) if f.name() == Some("file") => break f,
            Ok(Some(_)) => continue,
            _ => return Ok(Err(Taken::Refused(Refusal::NoFile))),
        }
    };
    let received = match state.evidence.receive(field).await {
        Ok(r) => r,
        Err(NotTaken::Infected { name, signature }) => {
            let by = Some(user.username.clone());
            let store = state.evidence_store.as_ref();
            state
                .evidence
                .record_infected(store, Some(reference), &name, &signature, by)
                .await?;
            return Ok(Err(Taken::Refused(Refusal::Infected)));
        }
        Err(e) => match e.refusal() {
            Some(r) => return Ok(Err(Taken::Refused(r))),
            None => {
                let cause = format!("evidence upload: {e:?}");
                return Err(StaffError::Store(StoreError::Unavailable(cause)));
            }
        },
    };
    let through = AddedThrough::Staff(reference);
    let by = Some(user.username.clone());
    let store = state.evidence_store.as_ref();
    match state.evidence.store(store, &through, &received, by).await? {
        Added::Stored(_) => Ok(Ok(())),
        Added::NotOpen | Added::TooMany => Err(StaffError::NotFound),
    }
}

/// Why a staff upload was not stored.
enum Taken {
    /// The form's token was missing or wrong (403, nothing read).
    Expired,
    Refused(Refusal),
}

fn expired() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "Nothing was changed. Go back, reload the page and try again.",
    )
}

/// `POST /staff/cases/{reference}/evidence`: a file added on the case page.
pub async fn upload(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    CaseRef(case): CaseRef,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, StaffError> {
    match take_file(&state, &user, &viewer.csrf, case.reference, multipart).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/staff/cases/{}?saved=evidence#evidence",
            case.reference.compact()
        ))
        .into_response()),
        Err(Taken::Expired) => Ok(expired()),
        Err(Taken::Refused(r)) => {
            let page = super::case::page::render_with_evidence_problem;
            page(&state, &viewer, &user, case, r.message()).await
        }
    }
}

/// `POST /staff/intake/{reference}/evidence`: a file added when keying in (a scanned letter),
/// by whoever may see the receipt.
pub async fn upload_at_intake(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Path(reference): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, StaffError> {
    let case = super::key_in::receipt_case(&state, &user, &reference).await?;
    let compact = case.reference.compact();
    match take_file(&state, &user, &viewer.csrf, case.reference, multipart).await? {
        Ok(()) => {
            Ok(Redirect::to(&format!("/staff/intake/{compact}?saved=evidence")).into_response())
        }
        Err(Taken::Expired) => Ok(expired()),
        Err(Taken::Refused(r)) => {
            Ok(
                super::key_in::receipt_page(&state, &viewer, &user, case, Some(r.message()))
                    .await?,
            )
        }
    }
}

/// `GET /staff/intake/{reference}/evidence/{id}`: intake staff open only the files they added.
pub async fn download_own(
    State(state): State<AppState>,
    Staff(user, _): Staff,
    Path((reference, id)): Path<(String, String)>,
) -> Result<Response, StaffError> {
    let case = super::key_in::receipt_case(&state, &user, &reference).await?;
    let id = Uuid::parse_str(&id).map_err(|_| StaffError::NotFound)?;
    let file = state
        .evidence_store
        .file(id)
        .await?
        .ok_or(StaffError::NotFound)?;
    if file.reference != case.reference || file.added_by.as_deref() != Some(user.username.as_str())
    {
        return Err(StaffError::NotFound);
    }
    send(&state, &user, file).await
}

/// `GET /staff/cases/{reference}/evidence/{id}`: a file of a case the handler may open.
pub async fn download(
    State(state): State<AppState>,
    Staff(user, _): Staff,
    CaseRef(case): CaseRef,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, StaffError> {
    let id = Uuid::parse_str(&id).map_err(|_| StaffError::NotFound)?;
    let Some(file) = state.evidence_store.file(id).await? else {
        return Err(StaffError::NotFound);
    };
    if file.reference != case.reference {
        return Err(StaffError::NotFound);
    }
    send(&state, &user, file).await
}

/// The file, streamed a chunk at a time, as an attachment that cannot run in the page.
async fn send(
    state: &AppState,
    user: &StaffUser,
    file: StoredFile,
) -> Result<Response, StaffError> {
    let id = file.id;
    if !file.scan.may_open() {
        return Ok(message_page(
            StatusCode::CONFLICT,
            "This file is waiting for the virus scan",
            "It can be opened once the virus scanner has checked it. Try again later.",
        ));
    }
    // Recorded before a byte is sent (see `staff::error` for the audit rule).
    state
        .staff
        .audit(AuditEntry {
            at: Utc::now(),
            username: user.username.clone(),
            action: "downloaded evidence".into(),
            reference: Some(file.reference),
            detail: Some(format!("{} ({})", file.id, file.kind.id())),
        })
        .await?;
    let store = state.evidence_store.clone();
    let stream = futures_util::stream::unfold(0i64, move |seq| {
        let store = store.clone();
        async move {
            match store.chunk(id, seq).await {
                Ok(Some(bytes)) => Some((Ok::<_, std::io::Error>(bytes), seq + 1)),
                Ok(None) => None,
                Err(e) => {
                    tracing::error!(file = %id, cause = %e, "evidence: a download broke off");
                    Some((Err(std::io::Error::other(e.to_string())), seq + 1))
                }
            }
        }
    });
    // Fused: the compression layer may poll once more after the end.
    let stream = futures_util::StreamExt::fuse(stream);
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.kind.mime()),
    );
    if let Ok(v) = HeaderValue::from_str(&attachment(&file)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.size));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(response)
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII name for old
/// browsers, the real one encoded, the extension the kind's.
fn attachment(f: &StoredFile) -> String {
    let stem = f.name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&f.name);
    let name = format!("{stem}.{}", f.kind.extension());
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::evidence::FileKind;

    #[test]
    fn a_download_is_named_for_its_kind_and_never_breaks_the_header() {
        let f = StoredFile {
            id: Uuid::nil(),
            reference: app::domain::reference::Reference::from_random(1),
            name: "Llythyr \"cyngor\"; x.exe".into(),
            kind: FileKind::Pdf,
            size: 10,
            added_at: Utc::now(),
            added_by: None,
            scan: ScanState::Clean,
        };
        let a = attachment(&f);
        assert!(
            a.starts_with("attachment; filename=\"Llythyr _cyngor__ x.pdf\""),
            "{a}"
        );
        assert!(
            a.contains("filename*=UTF-8''Llythyr%20%22cyngor%22%3B%20x.pdf"),
            "{a}"
        );
    }
}
