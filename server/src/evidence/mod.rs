//! Evidence files: one service for the complainant's link and the staff pages. A file is
//! received into a temporary file on this machine (never whole in memory; too big stops the
//! read), its kind decided from its bytes (`infer`), the location and camera data taken out
//! of photos without re-encoding them (`img-parts`), scanned by ClamAV's `clamd` when one is
//! configured, then stored in the database in chunks in one transaction (all or nothing: an
//! upload cut off half-way leaves nothing behind, the temporary file goes with it).
//!
//! While `clamd` is unreachable a file is stored as "waiting" and not offered to staff; the
//! worker (`rescan`) scans it when the scanner is back. A file found infected is never
//! stored (or, found later, its bytes are deleted) and the refusal is recorded for the DPO.

pub mod public;
mod scanner;

pub use scanner::{Scanner, Verdict};

use crate::config::EvidenceSettings;
use crate::store::evidence::{Added, AddedThrough, EvidenceStore, NewFile, ScanRefusal};
use crate::store::StoreError;
use app::domain::evidence::{clean_name, FileKind, Refusal, ScanState};
use app::domain::reference::Reference;
use axum::extract::multipart::Field;
use chrono::Utc;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::sync::Arc;
use tokio::sync::Semaphore;
use uuid::Uuid;

/// How many times a complainant's link may be used to send a file.
pub const LINK_USES: u32 = 20;

/// The evidence service, shared by the routes that take files.
pub struct Evidence {
    pub settings: EvidenceSettings,
    pub scanner: Option<Scanner>,
    /// Photos are cleaned in memory (the format needs the whole file): at most two at once,
    /// so memory stays bounded whatever arrives.
    photos: Semaphore,
    /// Checking, scanning and storing a received file: a few at once; the others wait with
    /// their bytes on disk (memory stays flat however many arrive together).
    work: Semaphore,
}

/// A file received and checked, waiting in a temporary file to be stored.
pub struct Received {
    file: tempfile::NamedTempFile,
    pub name: String,
    pub kind: FileKind,
    pub size: u64,
    pub sha256: String,
    pub scan: ScanState,
}

/// Why a file was not stored: the person's refusal, or a fault for whoever runs the service.
#[derive(Debug)]
pub enum NotTaken {
    Refused(Refusal),
    /// The virus scanner found this: never stored.
    Infected {
        name: String,
        signature: String,
    },
    Failed(String),
}

impl From<StoreError> for NotTaken {
    fn from(e: StoreError) -> Self {
        NotTaken::Failed(e.to_string())
    }
}

impl From<std::io::Error> for NotTaken {
    fn from(e: std::io::Error) -> Self {
        NotTaken::Failed(format!("temporary file: {e}"))
    }
}

/// A new secret for a complainant's link, and the hash kept of it.
pub fn new_link_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = link_hash(&token);
    (token, hash)
}

pub fn link_hash(token: &str) -> String {
    hex::encode(Sha256::digest(format!("intake evidence link\n{token}")))
}

/// A link for the complainant of a case just received to send evidence with: its secret on
/// the confirmation page only. A failure is logged and the confirmation goes without it (the
/// complaint is stored; nothing the person sent is lost).
pub async fn link_for(state: &crate::AppState, receipt: &mut app::domain::receipt::Receipt) {
    let (token, hash) = new_link_token();
    match state
        .evidence_store
        .add_link(&receipt.reference, &hash, LINK_USES)
        .await
    {
        Ok(()) => receipt.evidence_token = Some(token),
        Err(e) => {
            tracing::error!(reference = %receipt.reference, cause = %e, "evidence: cannot make the complainant's link")
        }
    }
}

impl Evidence {
    pub fn new(settings: EvidenceSettings) -> Evidence {
        let scanner = settings.clamd.clone().map(Scanner::new);
        Evidence {
            settings,
            scanner,
            photos: Semaphore::new(2),
            work: Semaphore::new(4),
        }
    }

    /// Reads one file field into a temporary file, checks it, cleans and scans it.
    pub async fn receive(&self, mut field: Field<'_>) -> Result<Received, NotTaken> {
        let name = clean_name(field.file_name().unwrap_or(""));
        let max = self.settings.limits.max_file_bytes;
        let file = tempfile::NamedTempFile::new()?;
        // Plain writes of each piece as it arrives: a local temporary file takes them at once,
        // and tokio's file type would copy each piece to a blocking thread (whose freed
        // memory the allocator keeps a while: many uploads at once then hold a lot).
        let mut out = file.reopen()?;
        let mut size = 0u64;
        let mut head: Vec<u8> = Vec::with_capacity(HEAD_BYTES);
        loop {
            let chunk = match field.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                // Past the body's limit: the file is too big (the rest is never read).
                Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(NotTaken::Refused(Refusal::TooBig {
                        max: self.settings.limits.max_size_words(),
                    }))
                }
                // The upload was cut off or broken: nothing is kept (the temporary file goes).
                Err(e) => return Err(NotTaken::Failed(format!("upload ended early: {e}"))),
            };
            size += chunk.len() as u64;
            if size > max {
                return Err(NotTaken::Refused(Refusal::TooBig {
                    max: self.settings.limits.max_size_words(),
                }));
            }
            if head.len() < HEAD_BYTES {
                let take = (HEAD_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            out.write_all(&chunk)?;
        }
        out.flush()?;
        drop(out);
        let _turn = self
            .work
            .acquire()
            .await
            .map_err(|e| NotTaken::Failed(e.to_string()))?;
        if size == 0 {
            // A form sent with no file chosen has an empty part with no name.
            let refusal = if name == "file" {
                Refusal::NoFile
            } else {
                Refusal::Empty
            };
            return Err(NotTaken::Refused(refusal));
        }
        let kind = kind_of(&head).ok_or(NotTaken::Refused(Refusal::KindNotAllowed))?;
        let file = if kind.has_photo_metadata() {
            let _turn = self
                .photos
                .acquire()
                .await
                .map_err(|e| NotTaken::Failed(e.to_string()))?;
            let path = file.path().to_path_buf();
            tokio::task::spawn_blocking(move || strip_photo(&path, kind).map(|_| file))
                .await
                .map_err(|e| NotTaken::Failed(e.to_string()))??
        } else {
            file
        };
        let (size, sha256) = digest(file.path())?;
        let scan = match &self.scanner {
            None => ScanState::NotScanned,
            Some(s) => match s.scan(file.path()).await {
                Verdict::Clean => ScanState::Clean,
                Verdict::Infected(signature) => {
                    tracing::warn!(signature = %signature, "evidence: a file was refused by the virus scanner");
                    return Err(NotTaken::Infected { name, signature });
                }
                Verdict::Unreachable(why) => {
                    tracing::warn!(cause = %why, "evidence: the virus scanner is unreachable; the file waits");
                    ScanState::Waiting
                }
            },
        };
        Ok(Received {
            file,
            name,
            kind,
            size,
            sha256,
            scan,
        })
    }

    /// Stores a received file (all of it, or nothing).
    pub async fn store(
        &self,
        store: &dyn EvidenceStore,
        through: &AddedThrough,
        received: &Received,
        added_by: Option<String>,
    ) -> Result<Added, StoreError> {
        let _turn = self
            .work
            .acquire()
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let file = NewFile {
            id: Uuid::new_v4(),
            name: received.name.clone(),
            kind: received.kind,
            size: received.size,
            sha256: received.sha256.clone(),
            added_by,
            scan: received.scan,
        };
        store.add_file(through, &file, received.file.path()).await
    }

    /// Records a file the scanner refused before it was stored (never its bytes).
    pub async fn record_infected(
        &self,
        store: &dyn EvidenceStore,
        reference: Option<Reference>,
        name: &str,
        signature: &str,
        added_by: Option<String>,
    ) -> Result<(), StoreError> {
        store
            .record_refusal(&ScanRefusal {
                reference,
                at: Utc::now(),
                name: name.to_string(),
                signature: signature.to_string(),
                added_by,
            })
            .await
    }

    /// Scans the files that waited for the scanner; returns how many were dealt with. Stops
    /// at the first sign the scanner is still away.
    pub async fn rescan(&self, store: &dyn EvidenceStore) -> Result<usize, StoreError> {
        let Some(scanner) = &self.scanner else {
            return Ok(0);
        };
        let mut done = 0;
        for f in store.waiting(20).await? {
            let copy = match export(store, f.id).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(file = %f.id, reference = %f.reference, cause = ?e, "evidence: cannot read a waiting file");
                    continue;
                }
            };
            match scanner.scan(copy.path()).await {
                Verdict::Clean => store.mark_clean(f.id).await?,
                Verdict::Infected(signature) => {
                    tracing::warn!(file = %f.id, reference = %f.reference, signature = %signature, "evidence: a stored file was found infected and removed");
                    store.remove_infected(f.id, &signature).await?
                }
                Verdict::Unreachable(_) => break,
            }
            done += 1;
        }
        Ok(done)
    }
}

impl NotTaken {
    /// What the person is told (none: a fault of ours, logged by the caller).
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            NotTaken::Refused(r) => Some(r.clone()),
            NotTaken::Infected { .. } => Some(Refusal::Infected),
            NotTaken::Failed(_) => None,
        }
    }
}

/// Enough of a file's start to tell its kind (Office files name their parts near the start).
const HEAD_BYTES: usize = 64 * 1024;

/// The kind from the bytes alone. Text and email have no signature: text is UTF-8 with no
/// NUL; an email starts with header lines.
pub fn kind_of(head: &[u8]) -> Option<FileKind> {
    if let Some(t) = infer::get(head) {
        return match t.mime_type() {
            "application/pdf" => Some(FileKind::Pdf),
            "image/jpeg" => Some(FileKind::Jpeg),
            "image/png" => Some(FileKind::Png),
            "image/heif" | "image/heic" => Some(FileKind::Heic),
            "image/gif" => Some(FileKind::Gif),
            "image/webp" => Some(FileKind::Webp),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                Some(FileKind::Docx)
            }
            "application/vnd.oasis.opendocument.text" => Some(FileKind::Odt),
            _ => None,
        };
    }
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // A character cut at the end of the head is still text.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    if text.contains('\0') {
        return None;
    }
    let headers = [
        "from:",
        "to:",
        "subject:",
        "date:",
        "received:",
        "mime-version:",
        "message-id:",
        "return-path:",
        "delivered-to:",
    ];
    let first_lines: Vec<&str> = text
        .lines()
        .take_while(|l| !l.is_empty())
        .take(20)
        .collect();
    let header_lines = first_lines
        .iter()
        .filter(|l| {
            headers
                .iter()
                .any(|h| l.to_ascii_lowercase().starts_with(h))
        })
        .count();
    if header_lines >= 2 && first_lines.first().is_some_and(|l| l.contains(':')) {
        Some(FileKind::Email)
    } else {
        Some(FileKind::Text)
    }
}

/// Takes location, camera and other metadata out of a photo without re-encoding its picture:
/// JPEG's APP1–APP15 segments but the colour profile (APP2) and Adobe's colour marker (APP14),
/// and comments; PNG's text, time and EXIF chunks; WebP's EXIF and XMP chunks.
fn strip_photo(path: &std::path::Path, kind: FileKind) -> Result<(), NotTaken> {
    use img_parts::ImageEXIF;
    let bytes = img_parts::Bytes::from(std::fs::read(path)?);
    let damaged = |_| NotTaken::Refused(Refusal::KindNotAllowed);
    let cleaned = match kind {
        FileKind::Jpeg => {
            let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(bytes).map_err(damaged)?;
            jpeg.segments_mut().retain(|s| {
                let m = s.marker();
                let app = (0xE1..=0xEF).contains(&m) && m != 0xE2 && m != 0xEE;
                !app && m != 0xFE
            });
            jpeg.encoder().bytes()
        }
        FileKind::Png => {
            let mut png = img_parts::png::Png::from_bytes(bytes).map_err(damaged)?;
            png.set_exif(None);
            png.chunks_mut()
                .retain(|c| !matches!(&c.kind(), b"tEXt" | b"zTXt" | b"iTXt" | b"tIME" | b"eXIf"));
            png.encoder().bytes()
        }
        FileKind::Webp => {
            let mut webp = img_parts::webp::WebP::from_bytes(bytes).map_err(damaged)?;
            webp.set_exif(None);
            webp.remove_chunks_by_id(img_parts::webp::CHUNK_XMP);
            webp.encoder().bytes()
        }
        _ => return Ok(()),
    };
    let mut f = std::fs::File::create(path)?;
    f.write_all(&cleaned)?;
    f.sync_all()?;
    Ok(())
}

/// Size and SHA-256 of a file, read in chunks.
fn digest(path: &std::path::Path) -> Result<(u64, String), std::io::Error> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((size, hex::encode(h.finalize())))
}

/// A stored file copied chunk by chunk into a temporary file (to scan it again).
async fn export(store: &dyn EvidenceStore, id: Uuid) -> Result<tempfile::NamedTempFile, NotTaken> {
    let file = tempfile::NamedTempFile::new()?;
    let mut out = file.reopen()?;
    let mut seq = 0;
    while let Some(chunk) = store.chunk(id, seq).await? {
        out.write_all(&chunk)?;
        seq += 1;
    }
    out.flush()?;
    Ok(file)
}

/// Scans waiting files every `every` (a file waits only while the scanner is away).
pub fn spawn_rescan(
    evidence: Arc<Evidence>,
    store: Arc<dyn EvidenceStore>,
    every: std::time::Duration,
) {
    if evidence.scanner.is_none() {
        return;
    }
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            if let Err(e) = evidence.rescan(store.as_ref()).await {
                tracing::error!(cause = %e, "evidence: the rescan of waiting files failed");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_bytes() {
        assert_eq!(
            kind_of(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
            Some(FileKind::Pdf)
        );
        assert_eq!(
            kind_of(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(FileKind::Png)
        );
        assert_eq!(
            kind_of(b"\xff\xd8\xff\xe0\0\x10JFIF\0"),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            kind_of("Dear council,\nYou sent my letter to my neighbour.\n".as_bytes()),
            Some(FileKind::Text)
        );
        let email = "From: Sam <sam@example.com>\r\nTo: dpo@example.gov.uk\r\nSubject: Your letter\r\n\r\nHello";
        assert_eq!(kind_of(email.as_bytes()), Some(FileKind::Email));
        // An executable, whatever it is called, and bytes that are not text.
        assert_eq!(kind_of(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0"), None);
        assert_eq!(kind_of(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"), None);
        assert_eq!(kind_of(b"text with a \0 in it"), None);
        assert_eq!(
            kind_of(b"PK\x03\x04\x14\0\0\0\x08\0"),
            None,
            "a zip that is not a document"
        );
    }

    #[test]
    fn link_secrets_are_random_and_kept_only_as_hashes() {
        let (a, ha) = new_link_token();
        let (b, hb) = new_link_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(link_hash(&a), ha);
        assert_ne!(ha, hb);
        assert!(!ha.contains(&a));
    }
}
