//! Evidence files (issue 25): sent through the complainant's link and by staff, decided by
//! their bytes, cleaned of photo metadata, scanned by a real `clamd`, kept in the database
//! and gone from it after retention and erasure. On both stores.

mod common;

use common::browser::{signed_in, staffed_with, Browser, Page};
use common::clamd::{Clamd, SIGNATURE, TEST_VIRUS};
use common::{db, key, TestServer};
use std::time::Duration;

fn config(clamd: &Clamd) -> String {
    format!(
        "[evidence]\nclamd = \"unix:{}\"\nrescan_seconds = 1\nmax_files_public = 4\n",
        clamd.socket.display()
    )
}

/// A complaint sent with the form (no JavaScript): its reference and its evidence link.
async fn complaint_with_link(server: &TestServer, path: &str) -> (String, String) {
    let res = server
        .post_form_to(path, &key(), "check", "Sam Evidence", &[], &[])
        .await;
    let page = res.text().await.unwrap();
    let at = page.find(r#"class="reference""#).expect("a confirmation");
    let start = page[at..].find('>').unwrap() + at + 1;
    let end = page[start..].find('<').unwrap() + start;
    let reference = page[start..end].replace('-', "");
    let marker = if path.starts_with("/cy") {
        "href=\"/cy/evidence/"
    } else {
        "href=\"/evidence/"
    };
    let at = page
        .find(marker)
        .expect("the confirmation offers to send evidence")
        + "href=\"".len();
    let end = page[at..].find('"').unwrap() + at;
    (reference, page[at..end].to_string())
}

/// Posts one file as a browser's form does (multipart, from the page's own site).
async fn send_file(
    server: &TestServer,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, String, Option<String>) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(format!("{}{path}", server.base))
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (status, res.text().await.unwrap(), location)
}

fn pdf(words: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {words}\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

/// A small JPEG with an EXIF segment holding GPS tags, and a comment.
fn jpeg_with_gps() -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    let app0 = b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0";
    j.extend([0xFF, 0xE0, 0, (app0.len() + 2) as u8]);
    j.extend(app0);
    let exif = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude51.501364N-GPSLongitude0.141890W";
    j.extend([0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
    j.extend(exif);
    let comment = b"taken at 10 Zqhome Street";
    j.extend([0xFF, 0xFE, 0, (comment.len() + 2) as u8]);
    j.extend(comment);
    // A quantisation table, a frame header, a scan and a little entropy-coded data.
    j.extend([0xFF, 0xDB, 0, 67, 0]);
    j.extend([1u8; 64]);
    j.extend([0xFF, 0xC0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
    j.extend([0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0]);
    j.extend([0x12, 0x34, 0x56]);
    j.extend([0xFF, 0xD9]);
    j
}

async fn staff_files(db: &std::path::Path, reference: &str) -> Vec<Vec<Option<String>>> {
    db::rows(
        db,
        "SELECT f.name, f.kind, f.scan_state, f.added_by FROM evidence_files f \
         JOIN cases c ON c.id = f.case_id WHERE c.reference = $1 ORDER BY f.added_at",
        &[reference],
    )
    .await
}

#[tokio::test]
async fn files_sent_through_the_link_are_checked_scanned_cleaned_and_offered_to_staff() {
    let dir = tempfile::tempdir().unwrap();
    let clamd = Clamd::start(dir.path()).await;
    let s = staffed_with(&config(&clamd)).await;
    let server = &s.server;
    let (reference, link) = complaint_with_link(server, "/complaint").await;
    let page = server.get_text(&link).await;
    assert_eq!(page.0, 200);
    assert!(page.1.contains("Send us evidence"));
    assert!(page.1.contains("enctype=\"multipart/form-data\""));
    assert!(
        !page.1.contains("Sam Evidence"),
        "the link shows nothing of the case"
    );

    // A clean PDF: stored, scanned, offered to staff.
    let (status, _, location) = send_file(
        server,
        &link,
        "../../letter from the council.pdf",
        pdf("a clean letter"),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some(format!("{link}?sent=1").as_str()));
    assert!(server
        .get_text(&format!("{link}?sent=1"))
        .await
        .1
        .contains("Your file has been sent"));
    let files = staff_files(&server.db_path, &reference).await;
    assert_eq!(
        files[0][0].as_deref(),
        Some("letter from the council.pdf"),
        "no path kept"
    );
    assert_eq!(files[0][1].as_deref(), Some("pdf"));
    assert_eq!(files[0][2].as_deref(), Some("clean"));
    assert_eq!(files[0][3], None, "from the complainant");

    // The test virus: refused to the sender, never stored, recorded for the DPO.
    let infected = format!("Notes\n{TEST_VIRUS}\n").into_bytes();
    let (status, body, _) = send_file(server, &link, "notes.txt", infected).await;
    assert_eq!(status, 422);
    assert!(body.contains("The selected file contains a virus"));
    assert_eq!(staff_files(&server.db_path, &reference).await.len(), 1);
    let refused = db::rows(
        &server.db_path,
        "SELECT name, signature FROM evidence_refusals",
        &[],
    )
    .await;
    assert_eq!(
        refused,
        vec![vec![Some("notes.txt".into()), Some(SIGNATURE.into())]]
    );

    // A program renamed as a PDF: refused by its bytes.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.extend(vec![0u8; 512]);
    let (status, body, _) = send_file(server, &link, "invoice.pdf", exe).await;
    assert_eq!(status, 422);
    assert!(body.contains("The selected file must be a PDF, JPG"));
    // Too big (11 MB), and empty.
    let (status, body, _) = send_file(server, &link, "big.txt", vec![b'a'; 11 * 1024 * 1024]).await;
    assert_eq!(status, 422);
    assert!(body.contains("The selected file must be smaller than 10MB"));
    let (status, body, _) = send_file(server, &link, "empty.txt", vec![]).await;
    assert_eq!(status, 422);
    assert!(body.contains("The selected file is empty"));

    // A photo: its GPS tags and comment are gone, its picture kept.
    let (status, _, _) = send_file(server, &link, "bin.jpg", jpeg_with_gps()).await;
    assert_eq!(status, 303);
    let stored = db::rows(
        &server.db_path,
        "SELECT CAST(f.id AS TEXT) FROM evidence_files f WHERE f.kind = 'jpeg'",
        &[],
    )
    .await;
    assert_eq!(stored.len(), 1);
    let mut dee = signed_in(server, "dee").await;
    let case_page = dee.get(&format!("/staff/cases/{reference}")).await;
    assert!(case_page.body.contains("letter from the council.pdf"));
    assert!(case_page
        .body
        .contains("Files refused by the virus scanner"));
    let jpeg_id = stored[0][0].clone().unwrap();
    let res = dee
        .http
        .get(format!(
            "{}/staff/cases/{reference}/evidence/{jpeg_id}",
            server.base
        ))
        .header("cookie", dee.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "image/jpeg");
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"bin.jpg\""));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    let photo = res.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&photo);
    assert!(
        !text.contains("GPSLatitude") && !text.contains("Exif") && !text.contains("Zqhome"),
        "metadata gone"
    );
    assert!(photo.starts_with(&[0xFF, 0xD8]) && photo.ends_with(&[0xFF, 0xD9]));
    assert!(
        photo.windows(3).any(|w| w == [0x12, 0x34, 0x56]),
        "the picture itself kept"
    );
    let audited = db::number(
        &server.db_path,
        "SELECT COUNT(*) FROM audit_events WHERE action = 'downloaded evidence'",
        &[],
    )
    .await;
    assert_eq!(audited, 1);

    // At most four files from the complainant (this server's setting).
    for n in 0..2 {
        let (status, _, _) = send_file(
            server,
            &link,
            &format!("more{n}.txt"),
            format!("more {n}").into_bytes(),
        )
        .await;
        assert_eq!(status, 303);
    }
    let (status, body, _) = send_file(server, &link, "fifth.txt", b"five".to_vec()).await;
    assert_eq!(status, 422);
    assert!(body.contains("You can only send 4 files"));
}

#[tokio::test]
async fn files_wait_while_the_scanner_is_away_and_are_offered_once_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut clamd = Clamd::start(dir.path()).await;
    let s = staffed_with(&config(&clamd)).await;
    let server = &s.server;
    let (reference, link) = complaint_with_link(server, "/complaint").await;
    clamd.stop().await;
    let (status, _, _) = send_file(
        server,
        &link,
        "letter.pdf",
        pdf("sent while the scanner was away"),
    )
    .await;
    assert_eq!(status, 303, "nothing is lost while the scanner is away");
    let (status, _, _) = send_file(
        server,
        &link,
        "later.txt",
        format!("found later {TEST_VIRUS}").into_bytes(),
    )
    .await;
    assert_eq!(status, 303);
    let files = staff_files(&server.db_path, &reference).await;
    assert!(files.iter().all(|f| f[2].as_deref() == Some("waiting")));
    let mut kim = signed_in(server, "kim").await;
    let page = kim.get(&format!("/staff/cases/{reference}")).await;
    assert!(page.body.contains("Waiting for the virus scan"));
    let id = db::text(
        &server.db_path,
        "SELECT CAST(id AS TEXT) FROM evidence_files WHERE name = 'letter.pdf'",
        &[],
    )
    .await
    .unwrap();
    let waiting = kim
        .get(&format!("/staff/cases/{reference}/evidence/{id}"))
        .await;
    assert_eq!(waiting.status, 409, "not offered before the scan");

    clamd.resume().await;
    let mut scanned = false;
    for _ in 0..100 {
        let files = staff_files(&server.db_path, &reference).await;
        if files.len() == 1 && files[0][2].as_deref() == Some("clean") {
            scanned = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        scanned,
        "scanned once the scanner is back: the clean file offered, the other removed"
    );
    assert_eq!(
        kim.get(&format!("/staff/cases/{reference}/evidence/{id}"))
            .await
            .status,
        200
    );
    let refused = db::rows(
        &server.db_path,
        "SELECT name, signature FROM evidence_refusals",
        &[],
    )
    .await;
    assert_eq!(
        refused,
        vec![vec![Some("later.txt".into()), Some(SIGNATURE.into())]]
    );
}

#[tokio::test]
async fn the_link_adds_only_to_its_own_open_case_and_only_so_often() {
    let dir = tempfile::tempdir().unwrap();
    let clamd = Clamd::start(dir.path()).await;
    let s = staffed_with(&config(&clamd)).await;
    let server = &s.server;
    let (first, link) = complaint_with_link(server, "/cy/complaint").await;
    assert!(
        link.starts_with("/cy/evidence/"),
        "in the complaint's language"
    );
    let welsh = server.get_text(&link).await.1;
    assert!(welsh.contains("Anfonwch dystiolaeth atom"));
    let (second, other) = complaint_with_link(server, "/complaint").await;
    let (status, _, _) = send_file(server, &link, "a.txt", b"for the first".to_vec()).await;
    assert_eq!(status, 303);
    assert_eq!(staff_files(&server.db_path, &first).await.len(), 1);
    assert_eq!(
        staff_files(&server.db_path, &second).await.len(),
        0,
        "never another case's"
    );
    // A made-up link, or another's with a character changed: no such link.
    let forged = format!("{}0", &other[..other.len() - 1]);
    let forged = if forged == other {
        format!("{}1", &other[..other.len() - 1])
    } else {
        forged
    };
    assert_eq!(
        send_file(server, &forged, "b.txt", b"x".to_vec()).await.0,
        410
    );
    assert_eq!(server.get_text("/evidence/not-a-token").await.0, 410);
    // Its uses spent: refused.
    db::execute(&server.db_path, "UPDATE evidence_links SET uses_left = 0 WHERE case_id = (SELECT id FROM cases WHERE reference = $1)", &[&second]).await;
    assert_eq!(
        send_file(server, &other, "c.txt", b"x".to_vec()).await.0,
        410
    );
    // The case closed: refused.
    db::execute(
        &server.db_path,
        "UPDATE cases SET status = 'closed' WHERE reference = $1",
        &[&first],
    )
    .await;
    let (status, body, _) = send_file(server, &link, "d.txt", b"x".to_vec()).await;
    assert_eq!(status, 410);
    assert!(body.contains("Nid yw'r ddolen hon yn gweithio mwyach"));
    assert_eq!(staff_files(&server.db_path, &first).await.len(), 1);
    // Only hashes of the links are kept.
    let kept = db::rows(
        &server.db_path,
        "SELECT token_hash FROM evidence_links",
        &[],
    )
    .await;
    let token = link.rsplit('/').next().unwrap();
    assert!(kept.iter().all(|r| r[0].as_deref() != Some(token)));
    assert!(!String::from_utf8_lossy(&db::stored_bytes(&server.db_path).await).contains(token));
}

#[tokio::test]
async fn staff_upload_and_download_and_files_go_with_erasure_and_retention() {
    let dir = tempfile::tempdir().unwrap();
    let clamd = Clamd::start(dir.path()).await;
    let s = staffed_with(&format!(
        "{}[retention]\nkeep_personal_summary = false\n",
        config(&clamd)
    ))
    .await;
    let server = &s.server;
    let (reference, link) = complaint_with_link(server, "/complaint").await;
    let (status, _, _) =
        send_file(server, &link, "zq.txt", b"Zqevidencepublic words".to_vec()).await;
    assert_eq!(status, 303);
    // A handler adds a scanned letter on the case page.
    let mut kim = signed_in(server, "kim").await;
    let page = kim.get(&format!("/staff/cases/{reference}")).await;
    let token = page.csrf();
    let upload = |b: &Browser, bytes: Vec<u8>, token: &str| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", token.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("scan.pdf"),
            );
        b.http
            .post(format!("{}/staff/cases/{reference}/evidence", server.base))
            .header("cookie", b.cookie_header())
            .multipart(form)
    };
    let res = upload(&kim, pdf("Zqevidencestaff words"), "0".repeat(64).as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "the form's token is checked first");
    let res = upload(&kim, pdf("Zqevidencestaff words"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let res = upload(&kim, format!("{TEST_VIRUS}").into_bytes(), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("The selected file contains a virus"));
    let files = staff_files(&server.db_path, &reference).await;
    assert_eq!(files.len(), 2);
    assert_eq!(files[1][3].as_deref(), Some("kim"));
    let page: Page = kim.get(&format!("/staff/cases/{reference}")).await;
    assert!(page.body.contains("scan.pdf") && page.body.contains("by kim"));
    // As a browser asks for it (compressed if it may be): the whole file arrives.
    let id = db::text(
        &server.db_path,
        "SELECT CAST(id AS TEXT) FROM evidence_files WHERE name = 'scan.pdf'",
        &[],
    )
    .await
    .unwrap();
    let res = kim
        .http
        .get(format!(
            "{}/staff/cases/{reference}/evidence/{id}",
            server.base
        ))
        .header("cookie", kim.cookie_header())
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let encoding = res
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_string());
    let length = res
        .headers()
        .get("content-length")
        .map(|v| v.to_str().unwrap().to_string());
    let body = res.bytes().await.expect("the whole body arrives");
    if encoding.is_none() {
        assert_eq!(length, Some(body.len().to_string()));
    }
    assert!(!body.is_empty());

    // Subject access: the person's files come with the JSON, in a zip.
    let mut dee = signed_in(server, "dee").await;
    let token = dee.get("/staff/subject-access").await.csrf();
    let res = dee
        .http
        .post(format!("{}/staff/subject-access/export", server.base))
        .header("cookie", dee.cookie_header())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "_csrf={token}&by=reference&term={reference}&format=zip"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let zipped = res.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped.to_vec())).unwrap();
    let mut names: Vec<String> = archive.file_names().map(str::to_string).collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"subject-access.json".to_string()));
    let mut contents = String::new();
    for i in 0..archive.len() {
        use std::io::Read;
        let mut f = archive.by_index(i).unwrap();
        let mut bytes = vec![];
        f.read_to_end(&mut bytes).unwrap();
        contents.push_str(&String::from_utf8_lossy(&bytes));
    }
    assert!(contents.contains("Zqevidencepublic") && contents.contains("Zqevidencestaff"));

    // The DPO erases the case's personal data: the files' bytes go from the database.
    let token = dee
        .get(&format!("/staff/cases/{reference}/erase"))
        .await
        .csrf();
    let page = dee
        .post(
            &format!("/staff/cases/{reference}/erase"),
            &[
                ("_csrf", &token),
                ("reason", "The complainant asked us to erase their data."),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert!(
        page.status == 303 || page.status == 200,
        "{}: {}",
        page.status,
        page.body
    );
    assert_eq!(
        db::number(&server.db_path, "SELECT COUNT(*) FROM evidence_files", &[]).await,
        0
    );
    assert_eq!(
        db::number(&server.db_path, "SELECT COUNT(*) FROM evidence_chunks", &[]).await,
        0
    );
    let bytes = String::from_utf8_lossy(&db::stored_bytes(&server.db_path).await).to_string();
    for planted in ["Zqevidencepublic", "Zqevidencestaff"] {
        assert!(!bytes.contains(planted), "{planted} left in the database");
    }

    // A case decided and closed a year ago: the retention run removes its file with it.
    let (old, link) = complaint_with_link(server, "/complaint").await;
    let (status, _, _) = send_file(
        server,
        &link,
        "old.txt",
        b"Zqevidenceretained words".to_vec(),
    )
    .await;
    assert_eq!(status, 303);
    common::casework::decide_and_close(server, &mut kim, &old, "Dee Officer").await;
    let stores = server::store::open(&db::url(&server.db_path))
        .await
        .unwrap();
    let policy = app::domain::retention::RetentionPolicy {
        keep_personal_summary: false,
        ..Default::default()
    };
    let later = chrono::Utc::now() + chrono::Days::new(366);
    let ran = server::retention::run(
        stores.retention.as_ref(),
        &policy,
        later,
        server::store::retention::Trigger::Command,
        None,
        "test",
    )
    .await
    .unwrap();
    assert!(matches!(ran, server::retention::Ran::Done(_)));
    assert_eq!(staff_files(&server.db_path, &old).await.len(), 0);
    let bytes = String::from_utf8_lossy(&db::stored_bytes(&server.db_path).await).to_string();
    assert!(
        !bytes.contains("Zqevidenceretained"),
        "a retained file's words left in the database"
    );
}

#[tokio::test]
async fn an_upload_cut_off_half_way_leaves_nothing_behind() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let clamd = Clamd::start(dir.path()).await;
    let s = staffed_with(&config(&clamd)).await;
    let server = &s.server;
    let (reference, link) = complaint_with_link(server, "/complaint").await;
    let address = server.base.trim_start_matches("http://").to_string();
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let boundary = "zqboundary";
    let head = format!(
        "POST {link} HTTP/1.1\r\nHost: {address}\r\nSec-Fetch-Site: same-origin\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 2000000\r\n\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"half.txt\"\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&vec![b'h'; 500_000]).await.unwrap();
    drop(socket);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(staff_files(&server.db_path, &reference).await.len(), 0);
    assert_eq!(
        db::number(&server.db_path, "SELECT COUNT(*) FROM evidence_chunks", &[]).await,
        0
    );
    // The link still works.
    assert_eq!(
        send_file(server, &link, "whole.txt", b"whole".to_vec())
            .await
            .0,
        303
    );
}

#[tokio::test]
async fn the_acknowledgement_email_carries_a_working_link_kept_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let clamd = Clamd::start(dir.path()).await;
    let s = staffed_with(&format!("{}[outbox]\npoll_ms = 100\n", config(&clamd))).await;
    let server = &s.server;
    let (reference, _) = complaint_with_link(server, "/complaint").await;
    let outbox = s._dir.path().join("data/outbox");
    let marker = "use this link while your complaint is open: ";
    let mut url = None;
    for _ in 0..100 {
        for entry in std::fs::read_dir(&outbox).into_iter().flatten() {
            let raw = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            // Quoted-printable: soft line breaks out, "=3D" back to "=".
            let text = raw
                .replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=");
            if let Some(at) = text.find(marker) {
                let rest = &text[at + marker.len()..];
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                url = Some(rest[..end].to_string());
            }
        }
        if url.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = url.expect("the acknowledgement email offers the evidence link");
    let path = url
        .strip_prefix(&server.base)
        .expect("a link to this service")
        .to_string();
    assert!(path.starts_with("/evidence/"));
    assert_eq!(server.get_text(&path).await.0, 200);
    assert_eq!(
        send_file(
            server,
            &path,
            "later.pdf",
            pdf("sent from the email's link")
        )
        .await
        .0,
        303
    );
    assert_eq!(staff_files(&server.db_path, &reference).await.len(), 1);
    // The secret is in the email only: not in the letter, the outbox or anywhere in the store.
    let token = path.rsplit('/').next().unwrap();
    assert!(!String::from_utf8_lossy(&db::stored_bytes(&server.db_path).await).contains(token));
}

#[tokio::test]
async fn intake_staff_add_a_scanned_letter_when_keying_in_and_open_only_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let clamd = Clamd::start(dir.path()).await;
    let s = staffed_with(&config(&clamd)).await;
    let server = &s.server;
    let out = common::browser::add_user(
        &server.db_path,
        "ivy",
        "intake",
        "Ivy Intake",
        common::browser::PASSWORD,
    );
    assert!(out.status.success());
    let mut ian = signed_in(server, "ian").await;
    let saved =
        common::casework::key_in_from_a_letter(&mut ian, &common::complaint("Pat Post")).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let receipt = saved.location.unwrap();
    let reference = receipt.rsplit('/').next().unwrap().to_string();
    let page = ian.get(&receipt).await;
    assert!(page.body.contains("Add a scanned letter or other evidence"));
    let token = page.csrf();
    let form = reqwest::multipart::Form::new().text("_csrf", token).part(
        "file",
        reqwest::multipart::Part::bytes(pdf("the letter as it came")).file_name("letter.pdf"),
    );
    let res = ian
        .http
        .post(format!("{}/staff/intake/{reference}/evidence", server.base))
        .header("cookie", ian.cookie_header())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let page = ian.get(&receipt).await;
    let marker = format!("/staff/intake/{reference}/evidence/");
    let at = page
        .body
        .find(&marker)
        .expect("the file listed on the receipt");
    let link = page.body[at..at + page.body[at..].find('"').unwrap()].to_string();
    assert_eq!(ian.get(&link).await.status, 200, "their own file");
    // Another intake member of staff: not theirs (and not their receipt).
    let mut ivy = signed_in(server, "ivy").await;
    assert_eq!(ivy.get(&link).await.status, 404);
    // A handler opens it from the case.
    let id = link.rsplit('/').next().unwrap();
    let mut kim = signed_in(server, "kim").await;
    assert_eq!(
        kim.get(&format!("/staff/cases/{reference}/evidence/{id}"))
            .await
            .status,
        200
    );
    let files = staff_files(&server.db_path, &reference).await;
    assert_eq!(files[0][3].as_deref(), Some("ian"));
}
