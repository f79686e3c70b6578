//! The embedded default when no email provider is configured: each email is written as an
//! `.eml` file (a whole message, openable by any mail program) under `data/outbox/`, so a
//! newcomer sees what would be sent. Nothing leaves the machine; the DPO's page says so.

use super::{Mailer, Outgoing, SendError};
use async_trait::async_trait;
use std::path::PathBuf;

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
        // The key is ours (a UUID, a kind, a number or a team and a day): safe as a file name
        // once anything but letters, digits and '-' is replaced.
        let name: String = email
            .key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = self.dir.join(format!("{name}.eml"));
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
