//! A fresh store of either kind for testing the store's interface directly (the contract
//! suite): SQLite in a temporary directory by default, a fresh PostgreSQL database when the
//! run is on PostgreSQL (`INTAKE_TEST_POSTGRES`, see `db`), opened as the server opens it.

use app::domain::calendar::{london_date, Deadlines, WorkingCalendar};
use app::domain::complaint::{Channel, Complaint, ComplaintInput};
use app::domain::letter::Organisation;
use app::domain::messages::Route;
use app::domain::receipt::Receipt;
use app::domain::taxonomy::Taxonomy;
use app::domain::triage::triage;
use chrono::{DateTime, NaiveDate, Utc};
use server::store::{NewCase, Stores, Submitted};
use std::sync::Arc;
use uuid::Uuid;

pub struct Fresh {
    pub stores: Stores,
    /// Where its database is (a SQLite file, or the name PostgreSQL's is derived from).
    pub path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

pub async fn fresh() -> Fresh {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("contract.db");
    super::db::prepare(&path).await;
    let stores = server::store::open(&super::db::url(&path))
        .await
        .expect("the store opens and migrates");
    Fresh {
        stores,
        path,
        _dir: dir,
    }
}

/// A complaint as the intake service would hand it to the store, received at `at`.
pub fn new_case(input: &ComplaintInput, channel: Channel, at: DateTime<Utc>) -> NewCase {
    // To the microsecond, as the intake service gives it (both stores keep microseconds).
    let at = chrono::SubsecRound::trunc_subsecs(at, 6);
    let taxonomy = Taxonomy::default();
    let complaint = Complaint::parse(input, &taxonomy).expect("the test complaint parses");
    let triaged = triage(&complaint, channel, &taxonomy);
    let team = taxonomy.team(&triaged.team).cloned().expect("a known team");
    let received_on: NaiveDate = london_date(at);
    let by_email = complaint.complainant.email.is_some();
    NewCase {
        id: Uuid::new_v4(),
        idempotency_key: Uuid::new_v4(),
        request_hash: "hash".into(),
        triage: triaged,
        team,
        channel,
        received_at: at,
        received_on,
        deadlines: Deadlines::from_receipt(received_on, &WorkingCalendar::default()),
        acknowledgement_route: Some(if by_email { Route::Email } else { Route::Post }),
        confirm_by_email: by_email && channel == Channel::Online,
        alert_team: false,
        keyed_in_by: (channel != Channel::Online).then(|| "kim".to_string()),
        review: None,
        mp: None,
        lang: app::i18n::Lang::En,
        organisation: Arc::new(Organisation::default()),
        complaint,
    }
}

/// Stores a complaint received at `at`; its receipt.
pub async fn stored(stores: &Stores, input: &ComplaintInput, at: DateTime<Utc>) -> Receipt {
    match stores
        .cases
        .submit(new_case(input, Channel::Online, at))
        .await
        .expect("stored")
    {
        Submitted::Created(r) => r,
        other => panic!("expected a new case, got {other:?}"),
    }
}
