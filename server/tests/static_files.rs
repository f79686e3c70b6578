//! The built site's files: precompressed variants served by Accept-Encoding, with cache headers.

mod common;

use common::TestServer;

#[tokio::test]
async fn precompressed_assets_and_cache_headers() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("site/pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("intake.abc123.js"), "console.log('plain')").unwrap();
    std::fs::write(pkg.join("intake.abc123.js.br"), "BROTLI-BYTES").unwrap();
    std::fs::write(pkg.join("intake.abc123.js.gz"), "GZIP-BYTES").unwrap();
    std::fs::write(dir.path().join("site/robots.txt"), "User-agent: *\n").unwrap();
    let server = TestServer::start(dir.path()).await;
    let get = |path: &str, encoding: Option<&str>| {
        let mut req = server.client.get(format!("{}{path}", server.base));
        if let Some(e) = encoding {
            req = req.header("accept-encoding", e);
        }
        req.send()
    };

    let br = get("/pkg/intake.abc123.js", Some("gzip, deflate, br"))
        .await
        .unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    let cache = br.headers()["cache-control"].to_str().unwrap().to_string();
    assert!(
        cache.contains("immutable") || cache == "no-cache",
        "{cache}"
    );
    assert_eq!(br.text().await.unwrap(), "BROTLI-BYTES");

    let gz = get("/pkg/intake.abc123.js", Some("gzip")).await.unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.text().await.unwrap(), "GZIP-BYTES");

    let plain = get("/pkg/intake.abc123.js", None).await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), "console.log('plain')");

    assert_eq!(get("/pkg/missing.js", None).await.unwrap().status(), 404);
    let robots = get("/robots.txt", None).await.unwrap();
    assert_eq!(robots.status(), 200);

    // Pages are compressed on the fly and never cached as if immutable.
    let page = get("/complaint", Some("br")).await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-encoding"], "br");
    assert!(!page
        .headers()
        .get("cache-control")
        .is_some_and(|c| c.to_str().unwrap().contains("immutable")));
    let missing = get("/no-such-page", None).await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn the_privacy_notice_wording_is_filled_in_with_the_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await;
    let res = server
        .client
        .get(format!("{}/privacy-notice-wording", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    let base = format!("{}/", server.base);
    assert!(body.contains("the way Example Council has collected"));
    assert!(body.contains(&format!("complaint form at {base}")));
    assert!(body.contains("0303 123 1113"));
    // The snippet to paste names this server, escaped for showing on the page.
    assert!(
        body.contains(&format!("&lt;script src=\"{base}embed.js\" async&gt;")),
        "{body}"
    );
    // A Host header cannot inject markup into the page.
    let res = server
        .client
        .get(format!("{}/privacy-notice-wording", server.base))
        .header("host", "evil.example\"><script>")
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert!(!body.contains("<script>"), "{body}");
    // The address in the snippet is the service's own, whatever Host was sent.
    let res = server
        .client
        .get(format!("{}/privacy-notice-wording", server.base))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert!(!body.contains("evil.example"), "{body}");
    assert!(body.contains(&format!("complaint form at {base}")));
}
