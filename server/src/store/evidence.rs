//! Evidence files as the store keeps them (`sql/evidence.rs` has the queries): each file's
//! details and its bytes in chunks, the complainant's links for sending files, and the files
//! the virus scanner refused.

use super::StoreError;
use app::domain::evidence::{FileKind, ScanState};
use app::domain::reference::Reference;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::path::Path;
use uuid::Uuid;

/// Bytes per stored chunk: a file is written and read this much at a time.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// A file about to be stored (its bytes in a file on this machine, read in chunks).
#[derive(Debug, Clone)]
pub struct NewFile {
    pub id: Uuid,
    pub name: String,
    pub kind: FileKind,
    pub size: u64,
    pub sha256: String,
    /// The member of staff who added it; none: the complainant, through their link.
    pub added_by: Option<String>,
    pub scan: ScanState,
}

/// A stored file's details (never its bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFile {
    pub id: Uuid,
    pub reference: Reference,
    pub name: String,
    pub kind: FileKind,
    pub size: u64,
    pub added_at: DateTime<Utc>,
    pub added_by: Option<String>,
    pub scan: ScanState,
}

/// Who is adding a file, and so what is checked first.
#[derive(Debug, Clone)]
pub enum AddedThrough {
    /// The complainant's link (by its hash): it must have uses left, its case must be open,
    /// and the case may hold at most `max_public` files from the complainant.
    Link { token_hash: String, max_public: u32 },
    /// Staff, on a case they may open.
    Staff(Reference),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    Stored(Reference),
    /// No such link or case, or the link's case is closed, or its uses are spent.
    NotOpen,
    TooMany,
}

/// What a complainant's link leads to (for its page; never anything of the case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkState {
    pub open: bool,
    pub files_sent: u32,
    pub language: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScanRefusal {
    pub reference: Option<Reference>,
    pub at: DateTime<Utc>,
    pub name: String,
    pub signature: String,
    pub added_by: Option<String>,
}

#[async_trait]
pub trait EvidenceStore: Send + Sync + 'static {
    /// A link for the complainant of `reference` to send files, kept as the hash of its
    /// secret, usable `uses` times.
    async fn add_link(
        &self,
        reference: &Reference,
        token_hash: &str,
        uses: u32,
    ) -> Result<(), StoreError>;
    async fn link(&self, token_hash: &str) -> Result<Option<LinkState>, StoreError>;
    /// The case a link belongs to (for the record of a refused file; never shown).
    async fn link_reference(&self, token_hash: &str) -> Result<Option<Reference>, StoreError>;
    /// Stores a file, its bytes read from `bytes` in chunks, in one transaction with its
    /// checks (and the link's use): all of it or nothing.
    async fn add_file(
        &self,
        through: &AddedThrough,
        file: &NewFile,
        bytes: &Path,
    ) -> Result<Added, StoreError>;
    async fn files(&self, reference: &Reference) -> Result<Vec<StoredFile>, StoreError>;
    async fn file(&self, id: Uuid) -> Result<Option<StoredFile>, StoreError>;
    /// The chunk numbered `seq` of a file (none past its end).
    async fn chunk(&self, id: Uuid, seq: i64) -> Result<Option<Vec<u8>>, StoreError>;
    /// Files still waiting for the virus scanner, oldest first.
    async fn waiting(&self, limit: i64) -> Result<Vec<StoredFile>, StoreError>;
    async fn mark_clean(&self, id: Uuid) -> Result<(), StoreError>;
    /// A stored file the scanner found infected: its bytes deleted and the refusal recorded.
    async fn remove_infected(&self, id: Uuid, signature: &str) -> Result<(), StoreError>;
    /// A file refused before it was stored.
    async fn record_refusal(&self, r: &ScanRefusal) -> Result<(), StoreError>;
    async fn refusals(&self) -> Result<Vec<ScanRefusal>, StoreError>;
}
