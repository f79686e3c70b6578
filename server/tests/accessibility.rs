//! The accessibility statement (Public Sector Bodies Accessibility Regulations 2018) carries the
//! council's own contact details and the dates the council sets; the browser tests check it
//! with axe and from the footer.

mod common;

use common::TestServer;

#[tokio::test]
async fn the_statement_names_the_councils_contacts_and_its_dates() {
    let dir = tempfile::tempdir().unwrap();
    let config = r#"
[organisation]
name = "Borsetshire County Council"
email = "access@borsetshire.example"
telephone = "0300 500 8080"
address = ["County Hall", "Borchester", "BO1 1AA"]
signatory = "Information Governance Team"
privacy_notice_url = "https://www.borsetshire.example/privacy"

[accessibility]
prepared_on = 2026-09-01
reviewed_on = 2027-01-15
"#;
    let server = TestServer::start_configured(dir.path(), config).await;
    let (status, page) = server.get_text("/accessibility").await;
    assert_eq!(status, 200);
    for expected in [
        "Accessibility statement for the data protection complaint form",
        "run by Borsetshire County Council",
        "email access@borsetshire.example",
        "call 0300 500 8080",
        "County Hall, Borchester, BO1 1AA",
        "prepared on 1 September 2026",
        "last reviewed on 15 January 2027",
        "Equality and Human Rights Commission",
    ] {
        assert!(page.contains(expected), "missing {expected:?}");
    }
    // The public pages link to it in their footer.
    let start = server.get_text("/complaint").await.1;
    assert!(start.contains(r#"<a href="/accessibility">Accessibility statement"#));
    // And in Welsh, at /cy/accessibility, linked from the Welsh pages.
    let (status, page) = server.get_text("/cy/accessibility").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"<html lang="cy">"#));
    for expected in [
        "Datganiad hygyrchedd ar gyfer y ffurflen cwyno am ddiogelu data",
        "sy'n cael ei rhedeg gan Borsetshire County Council",
        "anfonwch e-bost i access@borsetshire.example",
        "Paratowyd y datganiad hwn ar 1 Medi 2026",
        "adolygu ddiwethaf ar 15 Ionawr 2027",
        "Y Comisiwn Cydraddoldeb a Hawliau Dynol",
    ] {
        assert!(page.contains(expected), "missing {expected:?}");
    }
    let welsh = server.get_text("/cy/complaint").await.1;
    assert!(welsh.contains(r#"<a href="/cy/accessibility">Datganiad hygyrchedd"#));
}

#[tokio::test]
async fn a_mistyped_statement_setting_stops_the_service_with_a_clear_message() {
    for (config, says) in [
        ("[accessibility]\nprepared = 2026-09-01\n", "prepared"),
        (
            "[accessibility]\nprepared_on = \"1 Sept\"\n",
            "give a date like",
        ),
        (
            "[accessibility]\nprepared_on = \"2026-09-01\"\nreviewed_on = 2026-08-01\n",
            "before prepared_on",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("intake.toml"), config).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("openapi")
            .current_dir(dir.path())
            .env_clear()
            .output()
            .unwrap();
        assert!(!out.status.success(), "{config}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{config}: {stderr}");
    }
}
