//! Evidence files: details, chunks, links and refusals (see `store::evidence`).

use super::{audit_in, corrupt, opt_reference, parsed, reference, DbRow, Store, Ts};
use crate::store::column::Id;
use crate::store::dialect::Dialect;
use crate::store::evidence::*;
use crate::store::StoreError;
use app::domain::evidence::{FileKind, ScanState};
use app::domain::reference::Reference;
use async_trait::async_trait;
use chrono::Utc;
use sqlx::Row;
use std::io::Read;
use std::path::Path;
use uuid::Uuid;

const FILE_COLUMNS: &str = "f.id, c.reference, f.name, f.kind, f.size_bytes, f.added_at, \
     f.added_by, f.scan_state";

fn file_row(row: &DbRow) -> Result<StoredFile, StoreError> {
    Ok(StoredFile {
        id: row.try_get::<Id, _>("id")?.0,
        reference: reference(row, "reference")?,
        name: row.try_get("name")?,
        kind: parsed(row, "kind", FileKind::parse)?,
        size: row.try_get::<i64, _>("size_bytes")?.max(0) as u64,
        added_at: row.try_get("added_at")?,
        added_by: row.try_get("added_by")?,
        scan: parsed(row, "scan_state", ScanState::parse)?,
    })
}

#[async_trait]
impl EvidenceStore for Store {
    async fn add_link(
        &self,
        wanted: &Reference,
        token_hash: &str,
        uses: u32,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO evidence_links (token_hash, case_id, uses_left, created_at) \
             SELECT $1, id, $2, $3 FROM cases WHERE reference = $4",
        )
        .bind(token_hash)
        .bind(uses as i32)
        .bind(Ts::now())
        .bind(wanted.compact())
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn link(&self, token_hash: &str) -> Result<Option<LinkState>, StoreError> {
        let row = sqlx::query(
            "SELECT l.uses_left, c.status, c.language, \
             (SELECT COUNT(*) FROM evidence_files f WHERE f.case_id = c.id AND f.added_by IS NULL) AS sent \
             FROM evidence_links l JOIN cases c ON c.id = l.case_id WHERE l.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.reader())
        .await?;
        row.map(|r| {
            let status: String = r.try_get("status")?;
            let uses: i32 = r.try_get("uses_left")?;
            Ok(LinkState {
                open: status != "closed" && uses > 0,
                files_sent: r.try_get::<i64, _>("sent")?.max(0) as u32,
                language: r.try_get("language")?,
            })
        })
        .transpose()
    }

    async fn link_reference(&self, token_hash: &str) -> Result<Option<Reference>, StoreError> {
        let row = sqlx::query(
            "SELECT c.reference FROM evidence_links l JOIN cases c ON c.id = l.case_id \
             WHERE l.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(|r| reference(r, "reference")).transpose()
    }

    async fn add_file(
        &self,
        through: &AddedThrough,
        file: &NewFile,
        bytes: &Path,
    ) -> Result<Added, StoreError> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let case: Option<(Id, String)> = match through {
            AddedThrough::Link {
                token_hash,
                max_public,
            } => {
                // The link's use is taken first: two uploads at once cannot both pass.
                let row = sqlx::query(
                    "UPDATE evidence_links SET uses_left = uses_left - 1 \
                     WHERE token_hash = $1 AND uses_left > 0 \
                     AND case_id IN (SELECT id FROM cases WHERE status <> 'closed') \
                     RETURNING case_id",
                )
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else {
                    return Ok(Added::NotOpen);
                };
                let id: Id = row.try_get("case_id")?;
                let sent: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM evidence_files WHERE case_id = $1 AND added_by IS NULL",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                if sent >= i64::from(*max_public) {
                    return Ok(Added::TooMany);
                }
                let reference: String =
                    sqlx::query_scalar("SELECT reference FROM cases WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                Some((id, reference))
            }
            AddedThrough::Staff(r) => {
                sqlx::query("SELECT id, reference FROM cases WHERE reference = $1")
                    .bind(r.compact())
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|row| {
                        let id: Id = row.try_get("id")?;
                        let reference: String = row.try_get("reference")?;
                        Ok::<_, StoreError>((id, reference))
                    })
                    .transpose()?
            }
        };
        let Some((case_id, compact)) = case else {
            return Ok(Added::NotOpen);
        };
        sqlx::query(
            "INSERT INTO evidence_files (id, case_id, name, kind, size_bytes, sha256, added_at, \
             added_by, scan_state, scanned_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(Id(file.id))
        .bind(case_id)
        .bind(&file.name)
        .bind(file.kind.id())
        .bind(file.size as i64)
        .bind(&file.sha256)
        .bind(Ts(now))
        .bind(&file.added_by)
        .bind(file.scan.id())
        .bind((file.scan == ScanState::Clean).then_some(Ts(now)))
        .execute(&mut *tx)
        .await?;
        // Plain reads of a local temporary file (see `evidence::Evidence::receive`).
        let mut source = std::fs::File::open(bytes)
            .map_err(|e| StoreError::Unavailable(format!("cannot read the received file: {e}")))?;
        let mut buffer = vec![0u8; CHUNK_BYTES];
        let mut seq = 0i64;
        loop {
            // Fill a whole chunk (a read may return less).
            let mut filled = 0;
            while filled < CHUNK_BYTES {
                let n = source.read(&mut buffer[filled..]).map_err(|e| {
                    StoreError::Unavailable(format!("cannot read the received file: {e}"))
                })?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            if filled == 0 {
                break;
            }
            sqlx::query("INSERT INTO evidence_chunks (file_id, seq, bytes) VALUES ($1, $2, $3)")
                .bind(Id(file.id))
                .bind(seq)
                .bind(&buffer[..filled])
                .execute(&mut *tx)
                .await?;
            seq += 1;
        }
        let actor = file.added_by.as_deref().unwrap_or("complainant");
        let detail = format!("{} ({}, {} bytes)", file.id, file.kind.id(), file.size);
        audit_in(
            &mut tx,
            now,
            actor,
            "added evidence",
            Some(&compact),
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Reference::parse(&compact)
            .map(Added::Stored)
            .map_err(|_| corrupt("reference"))
    }

    async fn files(&self, wanted: &Reference) -> Result<Vec<StoredFile>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {FILE_COLUMNS} FROM evidence_files f JOIN cases c ON c.id = f.case_id \
             WHERE c.reference = $1 ORDER BY f.added_at, f.id"
        ))
        .bind(wanted.compact())
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(file_row).collect()
    }

    async fn file(&self, id: Uuid) -> Result<Option<StoredFile>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {FILE_COLUMNS} FROM evidence_files f JOIN cases c ON c.id = f.case_id \
             WHERE f.id = $1"
        ))
        .bind(Id(id))
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(file_row).transpose()
    }

    async fn chunk(&self, id: Uuid, seq: i64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT bytes FROM evidence_chunks WHERE file_id = $1 AND seq = $2")
                .bind(Id(id))
                .bind(seq)
                .fetch_optional(self.reader())
                .await?,
        )
    }

    async fn waiting(&self, limit: i64) -> Result<Vec<StoredFile>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {FILE_COLUMNS} FROM evidence_files f JOIN cases c ON c.id = f.case_id \
             WHERE f.scan_state = 'waiting' ORDER BY f.added_at LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(file_row).collect()
    }

    async fn mark_clean(&self, id: Uuid) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE evidence_files SET scan_state = 'clean', scanned_at = $1 \
             WHERE id = $2 AND scan_state = 'waiting'",
        )
        .bind(Ts::now())
        .bind(Id(id))
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn remove_infected(&self, id: Uuid, signature: &str) -> Result<(), StoreError> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT f.case_id, f.name, f.added_by, c.reference FROM evidence_files f \
             JOIN cases c ON c.id = f.case_id WHERE f.id = $1",
        )
        .bind(Id(id))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = row {
            let case_id: Id = row.try_get("case_id")?;
            let name: String = row.try_get("name")?;
            let added_by: Option<String> = row.try_get("added_by")?;
            let compact: String = row.try_get("reference")?;
            sqlx::query("DELETE FROM evidence_files WHERE id = $1")
                .bind(Id(id))
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO evidence_refusals (case_id, at, name, signature, added_by) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(case_id)
            .bind(Ts(now))
            .bind(&name)
            .bind(signature)
            .bind(&added_by)
            .execute(&mut *tx)
            .await?;
            let detail = format!("{id}: {signature}");
            audit_in(
                &mut tx,
                now,
                "virus scanner",
                "removed an infected file",
                Some(&compact),
                Some(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn record_refusal(&self, r: &ScanRefusal) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO evidence_refusals (case_id, at, name, signature, added_by) \
             VALUES ((SELECT id FROM cases WHERE reference = $1), $2, $3, $4, $5)",
        )
        .bind(r.reference.as_ref().map(Reference::compact))
        .bind(Ts(r.at))
        .bind(&r.name)
        .bind(&r.signature)
        .bind(&r.added_by)
        .execute(&mut *tx)
        .await?;
        let compact = r.reference.as_ref().map(Reference::compact);
        let actor = r.added_by.as_deref().unwrap_or("complainant");
        audit_in(
            &mut tx,
            r.at,
            actor,
            "file refused: virus found",
            compact.as_deref(),
            Some(&r.signature),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn refusals(&self) -> Result<Vec<ScanRefusal>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.reference, r.at, r.name, r.signature, r.added_by FROM evidence_refusals r \
             LEFT JOIN cases c ON c.id = r.case_id ORDER BY r.id DESC LIMIT 200",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ScanRefusal {
                    reference: opt_reference(r, "reference")?,
                    at: r.try_get("at")?,
                    name: r.try_get("name")?,
                    signature: r.try_get("signature")?,
                    added_by: r.try_get("added_by")?,
                })
            })
            .collect()
    }
}
