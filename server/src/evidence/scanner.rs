//! ClamAV's `clamd`, over its socket (INSTREAM, the `clamav-client` crate): the file is sent
//! in chunks from its temporary file, never read whole.

use crate::config::Clamd;
use std::path::Path;
use std::time::Duration;

/// What the scanner said of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// Found, with the signature's name.
    Infected(String),
    /// No answer (not running, or not answering in time): the file waits.
    Unreachable(String),
}

pub struct Scanner {
    at: Clamd,
}

/// A large file takes clamd a while; a scanner that takes longer than this is treated as away.
const SCAN_TIMEOUT: Duration = Duration::from_secs(60);
const CHUNK: usize = 64 * 1024;

impl Scanner {
    pub fn new(at: Clamd) -> Scanner {
        Scanner { at }
    }

    pub async fn scan(&self, path: &Path) -> Verdict {
        let answer = match &self.at {
            Clamd::Unix(socket) => {
                let c = clamav_client::tokio::Socket {
                    socket_path: socket,
                };
                tokio::time::timeout(
                    SCAN_TIMEOUT,
                    clamav_client::tokio::scan_file(path, c, Some(CHUNK)),
                )
                .await
            }
            Clamd::Tcp(address) => {
                let c = clamav_client::tokio::Tcp {
                    host_address: address.as_str(),
                };
                tokio::time::timeout(
                    SCAN_TIMEOUT,
                    clamav_client::tokio::scan_file(path, c, Some(CHUNK)),
                )
                .await
            }
        };
        match answer {
            Err(_) => Verdict::Unreachable("no answer in time".into()),
            Ok(Err(e)) => Verdict::Unreachable(e.to_string()),
            Ok(Ok(bytes)) => verdict(&bytes),
        }
    }
}

/// clamd's answer to INSTREAM: `stream: OK`, `stream: <signature> FOUND`, or an error line
/// (`INSTREAM size limit exceeded. ERROR`), which is no verdict: the file waits.
fn verdict(answer: &[u8]) -> Verdict {
    let text = String::from_utf8_lossy(answer);
    let text = text.trim_end_matches(['\0', '\n']).trim();
    let body = text.strip_prefix("stream:").unwrap_or(text).trim();
    if body == "OK" {
        Verdict::Clean
    } else if let Some(signature) = body.strip_suffix("FOUND") {
        Verdict::Infected(signature.trim().to_string())
    } else {
        Verdict::Unreachable(format!(
            "clamd answered: {}",
            body.chars().take(200).collect::<String>()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamds_answers_read_as_verdicts() {
        assert_eq!(verdict(b"stream: OK\0"), Verdict::Clean);
        assert_eq!(
            verdict(b"stream: Intake.Test.Signature.UNOFFICIAL FOUND\0"),
            Verdict::Infected("Intake.Test.Signature.UNOFFICIAL".into())
        );
        assert!(matches!(
            verdict(b"INSTREAM size limit exceeded. ERROR\0"),
            Verdict::Unreachable(_)
        ));
    }
}
