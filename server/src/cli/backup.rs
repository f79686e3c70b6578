//! `server backup PATH`: a consistent copy of a live SQLite store, taken while the service runs.
//!
//! `VACUUM INTO` reads the database inside one read transaction, so the copy is the database as
//! it stood at one instant: every complaint acknowledged before the backup began is in it, and
//! no half-written case is. Writers carry on meanwhile (WAL mode lets readers and the writer
//! work at once). The copy is written beside its final name and renamed only once it has been
//! checked and flushed to disk, so a file at PATH is always a whole backup.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What a finished backup holds.
#[derive(Debug, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    pub cases: i64,
    pub bytes: u64,
}

pub async fn backup(database_url: &str, to: &Path) -> Result<Backup, String> {
    if !database_url.starts_with("sqlite:") {
        return Err(
            "this command copies a SQLite store; back up PostgreSQL with pg_dump (README.md, \"Backups\")"
                .into(),
        );
    }
    if to.exists() {
        return Err(format!(
            "{} already exists: give a new file name (a backup never overwrites)",
            to.display()
        ));
    }
    let name = to
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", to.display()))?;
    let mut partial_name = name.to_os_string();
    partial_name.push(".partial");
    let partial = to.with_file_name(partial_name);
    if partial.exists() {
        return Err(format!(
            "{} exists (an earlier backup stopped part way?): remove it and try again",
            partial.display()
        ));
    }
    let source = SqliteConnectOptions::from_str(database_url)
        .map_err(|e| format!("database URL: {e}"))?
        .read_only(true);
    if !source.get_filename().exists() {
        return Err(format!(
            "there is no database at {}",
            source.get_filename().display()
        ));
    }
    let result = copy_and_check(source, &partial).await;
    match result {
        Ok(cases) => {
            std::fs::rename(&partial, to)
                .map_err(|e| format!("cannot rename the backup to {}: {e}", to.display()))?;
            // The rename itself is durable only once the directory is.
            if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
                if let Ok(d) = std::fs::File::open(dir) {
                    let _ = d.sync_all();
                }
            }
            let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
            Ok(Backup {
                path: to.to_path_buf(),
                cases,
                bytes,
            })
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Copies into `partial`, checks the copy opens and is whole, and flushes it to disk. Returns
/// how many cases the copy holds.
async fn copy_and_check(source: SqliteConnectOptions, partial: &Path) -> Result<i64, String> {
    let target = partial
        .to_str()
        .ok_or_else(|| format!("{} is not a usable file name", partial.display()))?;
    let mut conn = source
        .connect()
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut conn)
        .await
        .map_err(|e| format!("the copy failed: {e}"))?;
    let _ = conn.close().await;
    let mut copy = SqliteConnectOptions::new()
        .filename(partial)
        .read_only(true)
        .connect()
        .await
        .map_err(|e| format!("the copy does not open: {e}"))?;
    let check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut copy)
        .await
        .map_err(|e| format!("the copy cannot be checked: {e}"))?;
    if check != "ok" {
        return Err(format!("the copy failed its check: {check}"));
    }
    let cases: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&mut copy)
        .await
        .map_err(|e| format!("the copy has no cases table: {e}"))?;
    let _ = copy.close().await;
    std::fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot flush the copy to disk: {e}"))?;
    Ok(cases)
}
