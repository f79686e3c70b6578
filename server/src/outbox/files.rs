//! The embedded default when no email provider is configured: each email is written as an
//! `.eml` file (a whole message, openable by any mail program) under `data/outbox/`, so a
//! newcomer sees what would be sent. Nothing leaves the machine; the DPO's page says so.

use super::{Mailer, Outgoing, SendError};
use async_trait::async_trait;
use std::path::{Path, PathBuf};

/// The file a message is written to. The key is ours (a UUID, a kind, a number or a team and
/// a day): safe as a file name once anything but letters, digits and '-' is replaced.
pub fn file_name(key: &str) -> String {
    let name: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{name}.eml")
}

/// Deletes the files of these messages (a case reduced or erased: SPEC "Retention", the copies
/// of a message the service wrote go too). Returns how many were deleted; a file that cannot
/// be deleted is logged for whoever runs the service.
pub async fn forget(dir: &Path, keys: &[String]) -> u64 {
    let mut deleted = 0;
    for key in keys {
        let path = dir.join(file_name(key));
        match tokio::fs::remove_file(&path).await {
            Ok(()) => deleted += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::error!(path = %path.display(), error = %e, "cannot delete an email file")
            }
        }
    }
    deleted
}

/// Deletes the email files written before `cutoff` (sent, then kept as long as the records
/// that stop a complaint being stored twice: `idempotency_days`).
pub async fn forget_before(dir: &Path, cutoff: std::time::SystemTime) -> u64 {
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return 0,
        Err(e) => {
            tracing::error!(path = %dir.display(), error = %e, "cannot read the email files folder");
            return 0;
        }
    };
    let mut deleted = 0;
    while let Ok(Some(entry)) = entries.next_entry().await {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let written = entry.metadata().await.and_then(|m| m.modified());
        if written.is_ok_and(|w| w < cutoff) {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => deleted += 1,
                Err(e) => {
                    tracing::error!(path = %path.display(), error = %e, "cannot delete an email file")
                }
            }
        }
    }
    deleted
}

pub struct Files {
    dir: PathBuf,
}

impl Files {
    pub fn new(dir: PathBuf) -> Files {
        Files { dir }
    }
}

#[async_trait]
impl Mailer for Files {
    async fn send(&self, email: &Outgoing) -> Result<Option<String>, SendError> {
        let message =
            super::smtp::build(email, "complaints@localhost").map_err(SendError::Permanent)?;
        let path = self.dir.join(file_name(&email.key));
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| SendError::Transient(format!("cannot create the outbox folder: {e}")))?;
        tokio::fs::write(&path, message.formatted())
            .await
            .map_err(|e| SendError::Transient(format!("cannot write the email file: {e}")))?;
        Ok(Some(path.display().to_string()))
    }

    fn describe(&self) -> String {
        format!(
            "not configured: emails are written as files under {} and not sent",
            self.dir.display()
        )
    }

    fn delivers(&self) -> bool {
        false
    }
}
