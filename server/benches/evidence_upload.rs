//! Evidence uploads under load: 20 files of just under 10 MB sent at once through
//! complainants' links to the release server, with a real `clamd` scanning each (its own
//! signature database). Prints the server's peak resident memory, how the uploads were
//! answered and how long they took.
//!
//!     cargo bench -p server --bench evidence_upload
//!
//! Target: peak resident memory under 128 MiB (files are streamed to disk and stored in
//! chunks, never held whole; photos are the exception, two at a time, and these are not).

#[path = "../tests/common/mod.rs"]
mod common;

use common::clamd::Clamd;
use common::memory_mib;
use std::time::{Duration, Instant};

const UPLOADS: usize = 20;
const SIZE: usize = 10 * 1024 * 1024 - 64 * 1024;

/// A PDF's first bytes, then pseudo-random bytes (no compression helps anyone).
fn big_pdf(seed: u64) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n".to_vec();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    while v.len() < SIZE {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(SIZE);
    v
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clamd = Clamd::start(dir.path()).await;
    let config = format!(
        "[evidence]\nclamd = \"unix:{}\"\nmax_files_public = 20\n",
        clamd.socket.display()
    );
    let mut server = common::TestServer::start_configured(dir.path(), &config).await;
    let pid = server.child.id().expect("pid");
    // One complaint, sent with the form, for its evidence link.
    let res = server
        .post_form_to(
            "/complaint",
            &common::key(),
            "check",
            "Bench Evidence",
            &[],
            &[],
        )
        .await;
    let page = res.text().await.unwrap();
    let at = page.find("href=\"/evidence/").expect("an evidence link") + 6;
    let link = page[at..at + page[at..].find('"').unwrap()].to_string();
    let resting = memory_mib(pid, "VmRSS:");
    let bodies: Vec<Vec<u8>> = (0..UPLOADS as u64).map(big_pdf).collect();
    let started = Instant::now();
    let tasks: Vec<_> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let url = format!("{}{link}", server.base);
            tokio::spawn(async move {
                let part = reqwest::multipart::Part::bytes(body).file_name(format!("scan{i}.pdf"));
                let form = reqwest::multipart::Form::new().part("file", part);
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap()
                    .post(url)
                    .header("sec-fetch-site", "same-origin")
                    .multipart(form)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            })
        })
        .collect();
    let mut peak = 0f64;
    let (mut anon, mut file) = (0f64, 0f64);
    while tasks.iter().any(|t| !t.is_finished()) {
        peak = peak.max(memory_mib(pid, "VmRSS:"));
        anon = anon.max(memory_mib(pid, "RssAnon:"));
        file = file.max(memory_mib(pid, "RssFile:"));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    let mut statuses = std::collections::BTreeMap::new();
    for t in tasks {
        *statuses.entry(t.await.unwrap()).or_insert(0) += 1;
    }
    peak = peak.max(memory_mib(pid, "VmHWM:"));
    let stored =
        common::db::number(&server.db_path, "SELECT COUNT(*) FROM evidence_files", &[]).await;
    println!(
        "evidence uploads: {UPLOADS} files of {:.1} MB at once, scanned by clamd",
        SIZE as f64 / 1e6
    );
    println!(
        "answers by status: {statuses:?}; {stored} stored; took {:.1} s",
        took.as_secs_f64()
    );
    println!("resident memory: {resting:.1} MiB at rest, peak {peak:.1} MiB (anonymous at most {anon:.1}, file-backed at most {file:.1})");
    println!(
        "target peak < 128 MiB: {}",
        if peak < 128.0 { "met" } else { "NOT met" }
    );
    let _ = server.child.kill().await;
    drop(clamd);
}
