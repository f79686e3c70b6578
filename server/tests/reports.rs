//! The reports page against the real server (issue 13, first part): the ICO number, breach
//! reports apart, the trend charts beside their tables, and bad dates refused plainly.

mod common;

use common::browser::{signed_in, staffed};
use common::{complaint, key};

#[tokio::test]
async fn the_report_counts_complaints_for_the_ico_and_shows_breach_reports_apart() {
    let s = staffed().await;
    let server = &s.server;
    for name in ["Rae One", "Rae Two"] {
        assert_eq!(server.post(&key(), &complaint(name)).await.status, 201);
    }
    let mut breach = complaint("Rae Breach");
    breach["category"] = "personal_data_breach".into();
    breach["breach_status"] = "not_reported".into();
    assert_eq!(server.post(&key(), &breach).await.status, 201);

    let today = app::domain::calendar::london_date(chrono::Utc::now()).to_string();
    let mut kim = signed_in(server, "kim").await;
    let page = kim
        .get(&format!("/staff/reports?from={today}&to={today}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!(
            "Data protection complaints received from {today} to {today}: 2"
        )),
        "the ICO line"
    );
    assert!(page.body.contains("Breach reports (not complaints)"));
    // Both charts, each with its text description, beside the trend table.
    assert_eq!(page.body.matches("<svg").count(), 2);
    assert!(page
        .body
        .contains("<title id=\"volume-title\">Complaints received by quarter</title>"));
    assert!(page
        .body
        .contains("This period and the four quarters before it"));
    // By default, the last complete quarter.
    let default = kim.get("/staff/reports").await;
    assert_eq!(default.status, 200);
    let q = app::domain::reporting::Period::last_complete_quarter(
        app::domain::calendar::london_date(chrono::Utc::now()),
    );
    assert!(default
        .body
        .contains(&format!("Complaints report: {}", q.label())));
    // Dates the wrong way round: said plainly.
    let bad = kim
        .get("/staff/reports?from=2026-12-31&to=2026-10-01")
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad
        .body
        .contains("The end date must be on or after the start date"));
}
