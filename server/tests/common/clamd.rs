//! A real ClamAV daemon (Debian's `clamav-daemon`) for the evidence tests, on a Unix socket
//! in a test's directory, with a signature database the test makes itself (signature
//! downloads are impossible here): one body signature matching `TEST_VIRUS` anywhere.

use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::{Child, Command};

/// Bytes the test signature matches: a file containing them is "infected".
pub const TEST_VIRUS: &str = "INTAKE-EVIDENCE-TEST-SIGNATURE-7f3a9c";
pub const SIGNATURE: &str = "Intake.Test.Signature.UNOFFICIAL";

pub struct Clamd {
    dir: PathBuf,
    pub socket: PathBuf,
    child: Option<Child>,
}

impl Clamd {
    pub async fn start(dir: &Path) -> Clamd {
        let dir = dir.join("clamd");
        std::fs::create_dir_all(dir.join("db")).unwrap();
        let hex: String = TEST_VIRUS.bytes().map(|b| format!("{b:02x}")).collect();
        std::fs::write(
            dir.join("db/intake.ndb"),
            format!("Intake.Test.Signature:0:*:{hex}\n"),
        )
        .unwrap();
        let socket = dir.join("clamd.sock");
        std::fs::write(
            dir.join("clamd.conf"),
            format!(
                "LocalSocket {}\nDatabaseDirectory {}\nForeground yes\nLogFile {}\nStreamMaxLength 30M\n",
                socket.display(),
                dir.join("db").display(),
                dir.join("clamd.log").display()
            ),
        )
        .unwrap();
        let mut c = Clamd {
            dir,
            socket,
            child: None,
        };
        c.resume().await;
        c
    }

    /// Starts (again) and waits until it answers PING.
    pub async fn resume(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
        let child = Command::new("/usr/sbin/clamd")
            .arg("-c")
            .arg(self.dir.join("clamd.conf"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("clamd runs (Debian's clamav-daemon, installed by .ci/install)");
        self.child = Some(child);
        for _ in 0..300 {
            let c = clamav_client::tokio::Socket {
                socket_path: &self.socket,
            };
            if let Ok(pong) = clamav_client::tokio::ping(c).await {
                if pong.starts_with(b"PONG") {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("clamd did not answer within 30 s");
    }

    pub async fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill().await;
            let _ = c.wait().await;
        }
        let _ = std::fs::remove_file(&self.socket);
    }
}
