//! The register's pages (issue 27): each page found from its neighbour's first or last row
//! (keyset), the same rows as counting from the top (OFFSET) would give, none missed or shown
//! twice, backwards as forwards; and the CSV download, streamed in chunks, every row once in the
//! register's order. Deadlines of every kind: cases received over seven weeks (some overdue),
//! many on the same day (ties), and breach reports (no deadline). Both stores.

mod common;

use common::browser::{signed_in, staffed, Browser};
use futures::StreamExt;

/// The case references a register page lists, in order, and its previous and next links.
fn page_of(body: &str) -> (Vec<String>, Option<String>, Option<String>) {
    let refs = body
        .split("href=\"/staff/cases/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect();
    let link = |rel: &str| {
        body.split("<a href=\"")
            .skip(1)
            .find(|a| a.contains(&format!("rel=\"{rel}\"")))
            .and_then(|a| a.split('"').next())
            .map(|h| h.replace("&amp;", "&"))
    };
    (refs, link("prev"), link("next"))
}

async fn walk(kim: &mut Browser, start: &str, rel_next: bool) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut path = Some(start.to_string());
    while let Some(p) = path {
        let page = kim.get(&p).await;
        assert_eq!(page.status, 200, "{p}");
        let (refs, prev, next) = page_of(&page.body);
        pages.push(refs);
        path = if rel_next { next } else { prev };
        assert!(pages.len() < 100, "the links go round in circles");
    }
    pages
}

async fn send_many(server: &common::TestServer, n: usize, from: usize) {
    let categories: Vec<String> = app::domain::taxonomy::Taxonomy::default()
        .categories
        .iter()
        .filter(|c| c.nature != app::domain::taxonomy::Nature::Breach)
        .map(|c| c.id.clone())
        .collect();
    let breach_id = app::domain::taxonomy::Taxonomy::default()
        .categories
        .iter()
        .find(|c| c.nature == app::domain::taxonomy::Nature::Breach)
        .map(|c| c.id.clone())
        .unwrap();
    let statuses: Vec<u16> = futures::stream::iter(from..from + n)
        .map(|i| {
            let mut body = common::complaint(&format!("Pager Person {i}"));
            if i % 5 == 0 {
                body["category"] = breach_id.clone().into();
                body["breach_status"] = "not_reported".into();
            } else {
                body["category"] = categories[i % categories.len()].clone().into();
            }
            async move { server.post(&common::key(), &body).await.status }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
}

#[tokio::test]
async fn register_pages_follow_each_other_and_the_download_streams_every_row() {
    let staffed = staffed().await;
    let server = &staffed.server;
    let mut kim = signed_in(server, "kim").await;
    send_many(server, 70, 0).await;
    // Keyed in from letters received over the last seven weeks: deadlines spread, some past.
    let today = chrono::Utc::now().date_naive();
    for i in 1..=50u64 {
        let token = kim.get("/staff/intake").await.csrf();
        let mut form = common::form_fields(&common::complaint(&format!("Letter Person {i}")));
        form.retain(|(k, _)| k != "preferred_contact");
        let received = (today - chrono::Days::new(i)).to_string();
        form.extend([
            ("_csrf".to_string(), token),
            ("_key".to_string(), common::key()),
            ("channel".to_string(), "post".to_string()),
            ("preferred_contact".to_string(), "post".to_string()),
            ("received_on".to_string(), received),
        ]);
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(kim.post("/staff/intake", &pairs).await.status, 303);
    }

    let forwards = walk(&mut kim, "/staff/register?status=all", true).await;
    let sizes: Vec<usize> = forwards.iter().map(Vec::len).collect();
    assert_eq!(sizes, [50, 50, 20]);
    let all: Vec<String> = forwards.concat();
    let unique: std::collections::HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), 120, "no case twice, none missed");
    // The same rows as counting from the top.
    for (n, page) in forwards.iter().enumerate() {
        let counted = kim
            .get(&format!("/staff/register?status=all&page={}", n + 1))
            .await;
        assert_eq!(&page_of(&counted.body).0, page, "page {}", n + 1);
    }
    // Back from the last page by the Previous links: the same pages.
    let last = {
        let second = kim.get("/staff/register?status=all").await;
        let to_second = page_of(&second.body).2.unwrap();
        let second = kim.get(&to_second).await;
        page_of(&second.body).2.unwrap()
    };
    let mut backwards = walk(&mut kim, &last, false).await;
    backwards.reverse();
    assert_eq!(backwards, forwards);
    // An edited cursor is ignored (the page counted from the top), never an error.
    let edited = kim
        .get("/staff/register?status=all&page=2&after=nonsense")
        .await;
    assert_eq!(edited.status, 200);
    assert_eq!(page_of(&edited.body).0, forwards[1]);

    // The download: more rows than one streamed chunk, each once, in the register's order.
    send_many(server, 1_000, 1_000).await;
    let forwards = walk(&mut kim, "/staff/register?status=all", true)
        .await
        .concat();
    assert_eq!(forwards.len(), 1_120);
    let csv = kim.get("/staff/register.csv?status=all").await;
    assert_eq!(csv.status, 200);
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.body.as_bytes());
    let rows: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[0].replace(['-', ' '], ""))
        .collect();
    assert_eq!(rows.len(), 1_120);
    assert_eq!(rows, forwards);
}
