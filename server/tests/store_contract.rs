//! The store's contract: every method of its interfaces (`CaseStore`, the four parts of
//! `StaffStore`, `OutboxStore`, `RetentionStore`) called directly, not through HTTP, on a fresh
//! store. `.ci/test` runs this file once on SQLite and once on PostgreSQL, so the two
//! databases are held to the same answers: one body of SQL (`store/sql/`) compiled twice
//! must still behave alike where the dialects differ.

mod common;

use app::domain::casework::{
    DueFilter, Ending, EndingRecord, LockoutPolicy, NoteKind, Outstanding, RegisterQuery, Role,
    Status,
};
use app::domain::casework::{FlagWork, InvestigationPart};
use app::domain::complaint::{Channel, ComplaintInput};
use app::domain::letter::Letter;
use app::domain::messages::Route;
use app::domain::reporting::Period;
use app::domain::retention::RetentionPolicy;
use app::domain::subject_access::SubjectKey;
use app::domain::triage::CaseKind;
use chrono::{Duration, NaiveDate, SubsecRound as _, Utc};
use common::store::{fresh, new_case, stored};
use serde_json::json;
use server::store::outbox::MessageStatus;
use server::store::retention::{RunCounts, Trigger};
use server::store::staff::{
    AccountChange, Applied, AuditEntry, AuditQuery, CaseChange, CaseFile, ProvidedAccount,
    SignInMethod, StaffAccount,
};
use server::store::{Stores, Submitted};

fn value<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("a valid domain value")
}

fn letter(subject: &str) -> Letter {
    Letter {
        subject: subject.into(),
        body: format!("{subject}: the body"),
    }
}

async fn file(stores: &Stores, reference: &app::domain::reference::Reference) -> CaseFile {
    stores
        .staff
        .case(reference)
        .await
        .unwrap()
        .expect("the case")
}

fn account(username: &str, role: Role) -> StaffAccount {
    StaffAccount {
        username: username.into(),
        display_name: format!("{username} Officer"),
        role,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo".into(),
        failed_attempts: 0,
        locked_until: None,
        disabled: false,
        team: None,
        session_epoch: 0,
        sign_in_method: SignInMethod::Password,
        break_glass: false,
        last_sign_in_at: None,
        totp_secret: None,
    }
}

#[tokio::test]
async fn a_case_is_stored_once_per_key_and_a_reused_key_names_the_first_case() {
    let s = fresh().await;
    s.stores.cases.ping().await.unwrap();
    let case = new_case(&ComplaintInput::example(), Channel::Online, Utc::now());
    let first = match s.stores.cases.submit(case.clone()).await.unwrap() {
        Submitted::Created(r) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        s.stores.cases.submit(case.clone()).await.unwrap(),
        Submitted::Replayed(first.clone())
    );
    let mut other = case.clone();
    other.request_hash = "another body".into();
    other.id = uuid::Uuid::new_v4();
    assert_eq!(
        s.stores.cases.submit(other).await.unwrap(),
        Submitted::KeyReused {
            earlier: first.reference
        }
    );
    let f = file(&s.stores, &first.reference).await;
    assert_eq!(f.status, Status::Received);
    assert_eq!(
        f.received_at, first.received_at,
        "the moment reads back exactly"
    );
    assert_eq!(f.events.len(), 2, "received, acknowledgement queued");
    assert_eq!(f.letters.len(), 1);
    assert_eq!(
        f.messages.len(),
        2,
        "the acknowledgement and the confirmation"
    );
}

#[tokio::test]
async fn accounts_sign_in_lock_out_change_and_audit() {
    let s = fresh().await;
    let staff = &s.stores.staff;
    assert!(staff
        .add_user(&account("kim", Role::Handler))
        .await
        .unwrap());
    assert!(!staff.add_user(&account("kim", Role::Dpo)).await.unwrap());
    assert!(staff.add_user(&account("dee", Role::Dpo)).await.unwrap());
    assert_eq!(staff.users().await.unwrap().len(), 2);
    assert!(staff.user("nobody").await.unwrap().is_none());

    let policy = LockoutPolicy::default();
    for _ in 1..policy.max_failures {
        assert_eq!(
            staff.record_failed_sign_in("kim", &policy).await.unwrap(),
            None
        );
    }
    let until = staff.record_failed_sign_in("kim", &policy).await.unwrap();
    assert!(until.is_some_and(|t| t > Utc::now()), "locked at the limit");
    let held = staff.user("kim").await.unwrap().unwrap().locked_until;
    assert_eq!(
        held,
        until.map(|t| t.trunc_subsecs(6)),
        "kept to the microsecond"
    );
    assert!(staff.unlock("kim", "dee").await.unwrap());
    let kim = staff.user("kim").await.unwrap().unwrap();
    assert_eq!((kim.failed_attempts, kim.locked_until), (0, None));
    staff.record_failed_sign_in("kim", &policy).await.unwrap();
    staff.record_sign_in("kim").await.unwrap();
    assert_eq!(staff.user("kim").await.unwrap().unwrap().failed_attempts, 0);

    let epoch = kim.session_epoch;
    assert!(staff.set_password("kim", "new hash").await.unwrap());
    let kim = staff.user("kim").await.unwrap().unwrap();
    assert_eq!(
        (kim.password_hash.as_str(), kim.session_epoch),
        ("new hash", epoch + 1)
    );
    assert!(!staff.set_password("nobody", "x").await.unwrap());
    assert!(staff
        .change_account("kim", AccountChange::Role(Role::Intake), "dee")
        .await
        .unwrap());
    assert!(staff
        .change_account("kim", AccountChange::Disable, "dee")
        .await
        .unwrap());
    let kim = staff.user("kim").await.unwrap().unwrap();
    assert_eq!(
        (kim.role, kim.disabled, kim.session_epoch),
        (Role::Intake, true, epoch + 3)
    );
    assert!(!staff
        .change_account("nobody", AccountChange::Enable, "dee")
        .await
        .unwrap());
    assert!(staff.set_team("kim", Some("cit"), "dee").await.unwrap());
    assert_eq!(
        staff.user("kim").await.unwrap().unwrap().team.as_deref(),
        Some("cit")
    );

    staff
        .audit(AuditEntry {
            at: Utc::now(),
            username: "dee".into(),
            action: "exported the register".into(),
            reference: None,
            detail: Some("12 rows".into()),
        })
        .await
        .unwrap();
    let by_dee = AuditQuery {
        reference: None,
        username: Some("dee".into()),
        before: None,
    };
    let trail = staff.audit_trail(&by_dee).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|r| r.entry.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "exported the register",
            "set a team",
            "disabled an account",
            "changed a role",
            "unlocked account"
        ],
        "newest first, only dee's"
    );
    let older = AuditQuery {
        before: Some(trail[1].id),
        ..by_dee
    };
    assert_eq!(staff.audit_trail(&older).await.unwrap().len(), 3);
}

#[tokio::test]
async fn the_register_filters_orders_pages_and_counts() {
    let s = fresh().await;
    let old = Utc::now() - Duration::days(90);
    let overdue = stored(&s.stores, &ComplaintInput::example(), old).await;
    let today = stored(&s.stores, &ComplaintInput::example(), Utc::now()).await;
    let breach = ComplaintInput {
        category: Some("personal_data_breach".into()),
        breach_status: Some("reported_awaiting_outcome".into()),
        ..ComplaintInput::example()
    };
    let breach = stored(&s.stores, &breach, Utc::now()).await;
    assert_eq!(breach.kind, CaseKind::BreachReport);
    let day = app::domain::calendar::london_date(Utc::now());
    let open = RegisterQuery {
        open_only: true,
        page: 1,
        ..RegisterQuery::default()
    };
    let page = s.stores.staff.register(&open, day).await.unwrap();
    assert_eq!(page.total, 3);
    let order: Vec<_> = page.rows.iter().map(|r| r.reference).collect();
    assert_eq!(
        order,
        [overdue.reference, today.reference, breach.reference],
        "by the next deadline, breach reports (none) last"
    );
    let q = |f: &dyn Fn(&mut RegisterQuery)| {
        let mut q = open.clone();
        f(&mut q);
        q
    };
    let refs = |p: server::store::staff::RegisterPage| {
        p.rows.iter().map(|r| r.reference).collect::<Vec<_>>()
    };
    let overdue_only = q(&|q| q.due = Some(DueFilter::Overdue));
    assert_eq!(
        refs(s.stores.staff.register(&overdue_only, day).await.unwrap()),
        [overdue.reference]
    );
    let breaches = q(&|q| q.kind = Some(CaseKind::BreachReport));
    assert_eq!(
        refs(s.stores.staff.register(&breaches, day).await.unwrap()),
        [breach.reference]
    );
    let received = q(&|q| q.received_from = Some(day));
    assert_eq!(
        s.stores.staff.register(&received, day).await.unwrap().total,
        2
    );
    let team = q(&|q| q.team = Some("nobody's".into()));
    assert_eq!(s.stores.staff.register(&team, day).await.unwrap().total, 0);
    let adjustments = s.stores.staff.register(&open, day).await.unwrap();
    assert!(
        adjustments.rows.iter().all(|r| r.adjustments),
        "large print asked for"
    );
    let identity = q(&|q| q.outstanding = Some(Outstanding::Identity));
    let flagged = s.stores.staff.register(&identity, day).await.unwrap().total;
    let to_verify = [&overdue, &today, &breach]
        .iter()
        .filter(|r| r.flags.identity_check)
        .count();
    assert_eq!(flagged, to_verify as u64);
    let page_two = q(&|q| q.page = 2);
    let p2 = s.stores.staff.register(&page_two, day).await.unwrap();
    assert_eq!((p2.total, p2.rows.len()), (3, 0), "one page of three");
}

#[tokio::test]
async fn the_procedure_moves_a_case_once_and_refuses_a_stale_form() {
    let s = fresh().await;
    let (staff, me) = (&s.stores.staff, "kim");
    let r = stored(&s.stores, &ComplaintInput::example(), Utc::now()).await;
    let case = file(&s.stores, &r.reference).await;
    let note = CaseChange::Note {
        kind: NoteKind::CorrespondenceIn,
        body: "they rang".into(),
    };
    assert_eq!(staff.apply(&case, &note, me).await.unwrap(), Applied::Done);
    let assign = |handler: &str| CaseChange::Assign {
        handler: handler.into(),
        confirmed: false,
    };
    assert_eq!(
        staff.apply(&case, &assign(me), "dee").await.unwrap(),
        Applied::Done
    );
    assert_eq!(
        staff.apply(&case, &assign("lee"), "dee").await.unwrap(),
        Applied::Stale,
        "the form saw no handler; there is one now"
    );
    let case = file(&s.stores, &r.reference).await;
    assert_eq!(case.notes[0].body, "they rang");
    let confirm = CaseChange::ConfirmIndependence;
    assert_eq!(
        staff.apply(&case, &confirm, me).await.unwrap(),
        Applied::Done
    );
    assert_eq!(
        staff.apply(&case, &confirm, me).await.unwrap(),
        Applied::Stale
    );

    let ack = CaseChange::Acknowledge {
        letter: letter("Acknowledgement"),
        route: None,
    };
    assert_eq!(staff.apply(&case, &ack, me).await.unwrap(), Applied::Done);
    assert_eq!(staff.apply(&case, &ack, me).await.unwrap(), Applied::Stale);
    let case = file(&s.stores, &r.reference).await;
    assert_eq!(case.status, Status::Acknowledged);
    assert!(case.acknowledged_at.is_some());
    staff
        .apply(&case, &CaseChange::Investigate, me)
        .await
        .unwrap();
    let case = file(&s.stores, &r.reference).await;

    let investigation: app::domain::casework::Investigation =
        value(json!({"findings": {"facts": "F", "law": "L", "risks": "R", "breaches": "B"}}));
    let save = CaseChange::Investigation {
        record: investigation.clone(),
        part: InvestigationPart::Findings,
    };
    assert_eq!(staff.apply(&case, &save, me).await.unwrap(), Applied::Done);
    assert_eq!(
        staff.apply(&case, &save, me).await.unwrap(),
        Applied::Stale,
        "over a record someone else saved"
    );
    let case = file(&s.stores, &r.reference).await;
    assert_eq!(case.investigation, investigation);
    let revised = case.outcome_due + Duration::days(30);
    let update =
        value(json!({"progress": "Waiting on records", "revised_on": revised, "why": "Volume"}));
    let progress = CaseChange::Progress {
        update,
        letter: letter("Progress"),
        route: Some(Route::Email),
    };
    let progress = staff.apply(&case, &progress, me).await.unwrap();
    assert_eq!(progress, Applied::Done);
    let case = file(&s.stores, &r.reference).await;
    assert_eq!((case.revised_due, case.updates.len()), (Some(revised), 1));
    assert!(case
        .waiting(app::domain::messages::MessageKind::ProgressUpdate)
        .is_some());

    let outcome = json!({"category": "upheld", "summary": "S", "investigation": "I",
        "findings": "F", "no_action_reason": null,
        "actions": [{"description": "Train staff", "owner": "Pat Officer", "due_on": "2027-01-31"}]});
    let send = CaseChange::SendOutcome {
        outcome: value(outcome),
        letter: letter("Outcome"),
        route: None,
    };
    staff.apply(&case, &send, me).await.unwrap();
    let case = file(&s.stores, &r.reference).await;
    assert_eq!((case.status, case.actions.len()), (Status::OutcomeSent, 1));
    let close = CaseChange::Close {
        closure: value(json!({"resolution": "Done", "improvements": []})),
    };
    staff.apply(&case, &close, me).await.unwrap();
    let case = file(&s.stores, &r.reference).await;
    assert_eq!(case.status, Status::Closed);

    let due = case.outcome_due + Duration::days(60);
    let reopen = |reason: &str| CaseChange::Reopen {
        reason: reason.into(),
        outcome_due: due,
    };
    assert_eq!(
        staff
            .apply(&case, &reopen("asked for a review"), me)
            .await
            .unwrap(),
        Applied::Done
    );
    assert_eq!(
        staff.apply(&case, &reopen("again"), me).await.unwrap(),
        Applied::Stale
    );
    let case = file(&s.stores, &r.reference).await;
    assert_eq!(
        (case.status, case.reviews.len(), case.outcome),
        (Status::Investigating, 1, None)
    );
    assert_eq!(case.reviews[0].outcome_due, r.outcome_due);

    // Ending another case without an outcome, and reclassifying a third.
    let other = stored(&s.stores, &ComplaintInput::example(), Utc::now()).await;
    let other_case = file(&s.stores, &other.reference).await;
    let withdrawn = EndingRecord {
        ending: Ending::Withdrawn,
        referred_to: None,
        reason: None,
        note: None,
    };
    let end = CaseChange::End {
        record: withdrawn,
        letter: letter("Ending"),
        route: Some(Route::Post),
    };
    let ended = staff.apply(&other_case, &end, me).await.unwrap();
    assert_eq!(ended, Applied::Done);
    let other_case = file(&s.stores, &other.reference).await;
    assert_eq!(other_case.status, Status::Closed);
    assert_eq!(other_case.ending.map(|e| e.ending), Some(Ending::Withdrawn));
    let third = stored(&s.stores, &ComplaintInput::example(), Utc::now()).await;
    let third_case = file(&s.stores, &third.reference).await;
    let deadlines = app::domain::calendar::Deadlines::from_receipt(
        third.received_on,
        &app::domain::calendar::WorkingCalendar::default(),
    );
    let to = CaseKind::BreachReport;
    let reclassify = CaseChange::Reclassify {
        from: CaseKind::Complaint,
        to,
        deadlines,
        reason: "a breach".into(),
    };
    let moved = staff.apply(&third_case, &reclassify, me).await.unwrap();
    assert_eq!(moved, Applied::Done);
    let again = staff.apply(&third_case, &reclassify, me).await.unwrap();
    assert_eq!(again, Applied::Stale);
    let third_case = file(&s.stores, &third.reference).await;
    assert_eq!(third_case.kind, CaseKind::BreachReport);
    assert_eq!(third_case.reclassified_reason.as_deref(), Some("a breach"));
}

#[tokio::test]
async fn case_records_are_kept_once_each_and_recommendations_tracked() {
    let s = fresh().await;
    let (staff, me) = (&s.stores.staff, "kim");
    let r = stored(&s.stores, &ComplaintInput::example(), Utc::now()).await;
    let case = file(&s.stores, &r.reference).await;

    let mp: app::domain::casework::MpContact =
        value(json!({"name": "A Member", "email": "mp@example.org", "address": []}));
    let set_mp = CaseChange::Mp(mp.clone());
    assert_eq!(
        staff.apply(&case, &set_mp, me).await.unwrap(),
        Applied::Done
    );
    let on = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let verified = FlagWork::IdentityVerified {
        on,
        how: "passport".into(),
    };
    let verified = CaseChange::Flag(verified);
    assert_eq!(
        staff.apply(&case, &verified, me).await.unwrap(),
        Applied::Done
    );
    assert_eq!(
        staff.apply(&case, &verified, me).await.unwrap(),
        Applied::Stale
    );
    let mut corrected = case.complaint.clone();
    corrected.consents.survey_opt_out = true;
    let correction = app::domain::casework::Correction {
        complaint: corrected,
        changes: vec![],
        reason: value(json!("They asked")),
    };
    let correct = CaseChange::Correct(correction);
    assert_eq!(
        staff.apply(&case, &correct, me).await.unwrap(),
        Applied::Done
    );
    assert_eq!(
        staff.apply(&case, &correct, me).await.unwrap(),
        Applied::Stale
    );
    let case = file(&s.stores, &r.reference).await;
    assert_eq!(case.mp, Some(mp));
    assert_eq!(case.flags.identity_verified, Some((on, "passport".into())));
    assert!(case.complaint.consents.survey_opt_out);
    assert_eq!(case.corrections.len(), 1);

    // Remedial actions come with an outcome; one is done once.
    let outcome = json!({"category": "upheld", "summary": "S", "investigation": "I",
        "findings": "F", "no_action_reason": null,
        "actions": [{"description": "Apologise", "owner": "Pat Officer", "due_on": "2026-12-20"}]});
    let send = CaseChange::SendOutcome {
        outcome: value(outcome),
        letter: letter("Outcome"),
        route: None,
    };
    staff
        .apply(&case, &CaseChange::Investigate, me)
        .await
        .unwrap();
    let case = file(&s.stores, &r.reference).await;
    staff.apply(&case, &send, me).await.unwrap();
    let case = file(&s.stores, &r.reference).await;
    let action = case.actions[0].id;
    let done = |note: Option<&str>| CaseChange::ActionDone {
        id: action,
        done_on: on,
        note: note.map(String::from),
    };
    let once = staff
        .apply(&case, &done(Some("said sorry")), me)
        .await
        .unwrap();
    assert_eq!(once, Applied::Done);
    let twice = staff.apply(&case, &done(None), me).await.unwrap();
    assert_eq!(twice, Applied::Stale);
    let actions = staff.actions().await.unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].action.done_on, Some(on));

    let close = CaseChange::Close {
        closure: value(json!({"resolution": "Done", "improvements": []})),
    };
    staff.apply(&case, &close, me).await.unwrap();
    let closed = staff
        .closed_complaints(
            Utc::now() - Duration::hours(1),
            Utc::now() + Duration::hours(1),
        )
        .await
        .unwrap();
    assert_eq!(
        closed.iter().map(|c| c.0).collect::<Vec<_>>(),
        [r.reference]
    );
    let facts = staff
        .report_facts(on, on + Duration::days(60))
        .await
        .unwrap();
    assert_eq!(facts.cases.len(), 1);

    // A breach report and the complaint lodged after its outcome.
    let breach = ComplaintInput {
        category: Some("personal_data_breach".into()),
        breach_status: Some("reported_awaiting_outcome".into()),
        ..ComplaintInput::example()
    };
    let report = stored(&s.stores, &breach, Utc::now()).await;
    let lodged = stored(&s.stores, &ComplaintInput::example(), Utc::now()).await;
    let report_file = file(&s.stores, &report.reference).await;
    let link = CaseChange::LinkLodged {
        complaint: lodged.reference,
    };
    assert_eq!(
        staff.apply(&report_file, &link, me).await.unwrap(),
        Applied::Done
    );
    let again = staff.apply(&report_file, &link, me).await.unwrap();
    assert_eq!(again, Applied::Stale);
    let lodged_file = file(&s.stores, &lodged.reference).await;
    assert_eq!(lodged_file.lodged_from, Some(report.reference));

    let period = Period {
        from: on,
        to: on + Duration::days(30),
    };
    let recommendation = app::domain::reporting::Recommendation {
        text: value(json!("More training")),
        owner: value(json!("Head of IG")),
        due_on: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
    };
    staff
        .add_recommendation(period, &recommendation, "dee")
        .await
        .unwrap();
    let listed = staff.recommendations().await.unwrap();
    assert_eq!((listed.len(), listed[0].period), (1, period));
    let id = listed[0].id;
    let done = staff
        .recommendation_done(id, on, None, "dee")
        .await
        .unwrap();
    assert_eq!(done, Applied::Done);
    assert_eq!(
        staff
            .recommendation_done(id, on, None, "dee")
            .await
            .unwrap(),
        Applied::Stale
    );
    assert_eq!(staff.recommendations().await.unwrap()[0].done_on, Some(on));
}

#[tokio::test]
async fn the_outbox_claims_once_per_lease_and_moves_the_case_when_its_letter_goes() {
    let s = fresh().await;
    let outbox = &s.stores.outbox;
    let r = stored(&s.stores, &ComplaintInput::example(), Utc::now()).await;
    let mine = outbox.messages_of_case(&r.reference).await.unwrap();
    assert_eq!(mine.len(), 2);
    let now = Utc::now();
    let lease = Duration::minutes(2);
    let claimed = outbox.claim_due(now, lease, "one", 20).await.unwrap();
    assert_eq!(claimed.len(), 2);
    assert!(
        outbox
            .claim_due(now, lease, "two", 20)
            .await
            .unwrap()
            .is_empty(),
        "leased"
    );
    let after = outbox
        .claim_due(now + lease, lease, "two", 20)
        .await
        .unwrap();
    assert_eq!(after.len(), 2, "a lease that ran out is taken again");

    let ack = claimed
        .iter()
        .find(|m| m.kind.id() == "acknowledgement")
        .unwrap();
    let other = claimed.iter().find(|m| m.id != ack.id).unwrap();
    outbox
        .mark_retry(other.id, now + Duration::minutes(5), "try later")
        .await
        .unwrap();
    let retried = outbox.message(other.id).await.unwrap().unwrap();
    assert_eq!(
        (retried.attempts, retried.last_error.as_deref()),
        (1, Some("try later"))
    );
    outbox.mark_failed(other.id, "gave up").await.unwrap();
    assert_eq!(
        outbox.message(other.id).await.unwrap().unwrap().status,
        MessageStatus::Failed
    );
    let failed = outbox
        .messages(Some(MessageStatus::Failed), None, 10)
        .await
        .unwrap();
    assert_eq!(failed.iter().map(|m| m.id).collect::<Vec<_>>(), [other.id]);
    assert!(outbox.retry_now(other.id, "dee").await.unwrap());
    assert!(outbox.cancel(other.id, "dee").await.unwrap());
    assert!(
        !outbox.cancel(other.id, "dee").await.unwrap(),
        "cancelled already"
    );

    outbox
        .mark_sent(ack.id, Some("provider-1"), Utc::now())
        .await
        .unwrap();
    let sent = outbox.message(ack.id).await.unwrap().unwrap();
    assert_eq!(
        (sent.status, sent.provider_id.as_deref()),
        (MessageStatus::Sent, Some("provider-1"))
    );
    let case = file(&s.stores, &r.reference).await;
    assert_eq!(
        case.status,
        Status::Acknowledged,
        "the letter went: acknowledged"
    );
    assert!(
        !outbox.retry_now(ack.id, "dee").await.unwrap(),
        "sent already"
    );

    // A letter in the print queue is posted once.
    let posted_input = ComplaintInput {
        email: None,
        preferred_contact: Some("post".into()),
        ..ComplaintInput::example()
    };
    let by_post = stored(&s.stores, &posted_input, Utc::now()).await;
    let letter = outbox.messages_of_case(&by_post.reference).await.unwrap();
    let letter = letter.iter().find(|m| m.route == Route::Post).unwrap();
    assert!(outbox
        .mark_posted(letter.id, "kim", Utc::now())
        .await
        .unwrap());
    assert!(!outbox
        .mark_posted(letter.id, "kim", Utc::now())
        .await
        .unwrap());
    assert_eq!(
        file(&s.stores, &by_post.reference).await.status,
        Status::Acknowledged
    );

    let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    assert!(outbox.queue_digest("cit", day).await.unwrap());
    assert!(
        !outbox.queue_digest("cit", day).await.unwrap(),
        "once a day per team"
    );
}

#[tokio::test]
async fn retention_runs_once_per_slot_holds_restricts_reduces_and_finds_a_person() {
    let s = fresh().await;
    let (retention, staff) = (&s.stores.retention, &s.stores.staff);
    let now = Utc::now();
    let run = retention
        .begin_run(Trigger::Command, Some("slot-1"), "one", now, now)
        .await
        .unwrap()
        .expect("a run");
    assert_eq!(
        retention
            .begin_run(Trigger::Command, Some("slot-2"), "two", now, now)
            .await
            .unwrap(),
        None,
        "another instance holds the lease"
    );
    let counts = RunCounts {
        cases_reduced: 1,
        ..RunCounts::default()
    };
    retention
        .finish_run(run, "one", &counts, None, now)
        .await
        .unwrap();
    let runs = retention.runs(10).await.unwrap();
    assert_eq!((runs.len(), runs[0].counts.cases_reduced), (1, 1));
    assert_eq!(
        retention
            .begin_run(Trigger::Command, Some("slot-1"), "two", now, now)
            .await
            .unwrap(),
        None,
        "that slot's run is done"
    );

    let r = stored(
        &s.stores,
        &ComplaintInput::example(),
        now - Duration::days(400),
    )
    .await;
    let case = file(&s.stores, &r.reference).await;
    staff
        .apply(&case, &CaseChange::Investigate, "kim")
        .await
        .ok();
    let ended = EndingRecord {
        ending: Ending::Withdrawn,
        referred_to: None,
        reason: None,
        note: None,
    };
    let case = file(&s.stores, &r.reference).await;
    let end = CaseChange::End {
        record: ended,
        letter: letter("Ending"),
        route: None,
    };
    staff.apply(&case, &end, "kim").await.unwrap();
    assert!(retention
        .candidates()
        .await
        .unwrap()
        .iter()
        .any(|c| c.reference == r.reference));

    assert_eq!(
        retention
            .hold(&r.reference, "ICO asked", "dee")
            .await
            .unwrap(),
        Applied::Done
    );
    assert_eq!(
        retention.hold(&r.reference, "again", "dee").await.unwrap(),
        Applied::Stale
    );
    assert_eq!(retention.holds().await.unwrap().len(), 1);
    let policy = RetentionPolicy::default();
    let skipped = retention
        .reduce(&r.reference, &policy, "retention", "due", now)
        .await
        .unwrap();
    assert_eq!(skipped.cases_reduced, 0, "a held case is not reduced");
    assert_eq!(
        retention.release(&r.reference, "dee").await.unwrap(),
        Applied::Done
    );
    assert_eq!(
        retention
            .restrict(&r.reference, Some("disputed"), "dee")
            .await
            .unwrap(),
        Applied::Done
    );
    assert_eq!(
        retention.restrict(&r.reference, None, "dee").await.unwrap(),
        Applied::Done
    );

    let found = retention
        .subject_search(&SubjectKey::Email("sam@example.com".into()))
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|c| c.reference).collect::<Vec<_>>(),
        [r.reference]
    );
    let by_name = SubjectKey::parse("name", "sam exa").unwrap();
    assert_eq!(retention.subject_search(&by_name).await.unwrap().len(), 1);
    let by_phone = SubjectKey::parse("phone", "+44 7700 900982").unwrap();
    assert_eq!(retention.subject_search(&by_phone).await.unwrap().len(), 1);
    let by_postcode = SubjectKey::parse("postcode", "ng2 7qp").unwrap();
    assert_eq!(
        retention.subject_search(&by_postcode).await.unwrap().len(),
        1
    );
    let nobody = SubjectKey::parse("email", "someone@else.org").unwrap();
    assert!(retention.subject_search(&nobody).await.unwrap().is_empty());

    assert!(!retention
        .message_keys(&r.reference)
        .await
        .unwrap()
        .is_empty());
    let reduced = retention
        .reduce(&r.reference, &policy, "retention", "due", now)
        .await
        .unwrap();
    assert_eq!(reduced.cases_reduced, 1);
    assert!(
        staff.case(&r.reference).await.unwrap().is_none(),
        "no case file any more"
    );
    let summary = retention
        .summary(&r.reference)
        .await
        .unwrap()
        .expect("a summary");
    assert_eq!(summary.reference, r.reference);
    assert!(retention
        .message_keys(&r.reference)
        .await
        .unwrap()
        .is_empty());
    let again = retention
        .reduce(&r.reference, &policy, "retention", "due", now)
        .await
        .unwrap();
    assert_eq!(again.cases_reduced, 0);
    retention.remove_officers(&r.reference, now).await.unwrap();

    let expired = retention
        .delete_expired(&policy, now + Duration::days(3000))
        .await
        .unwrap();
    assert!(expired.audit_deleted > 0, "the audit trail after six years");
    retention.compact().await.unwrap();
}

#[tokio::test]
async fn the_identity_provider_and_two_step_sign_in_are_kept_alike_on_both_stores() {
    let s = fresh().await;
    let staff = &s.stores.staff;
    let provided = |role: Role, team: Option<&str>| ProvidedAccount {
        subject: "https://login.example/t/v2.0#abc".into(),
        username_hint: "kim".into(),
        display_name: "Kim Handler".into(),
        role,
        team: team.map(str::to_string),
    };
    // "kim" is taken by a local account: the provider's Kim gets "kim-2".
    assert!(staff
        .add_user(&account("kim", Role::Handler))
        .await
        .unwrap());
    let first = staff
        .provided_sign_in(&provided(Role::Handler, None))
        .await
        .unwrap();
    assert_eq!(first.username, "kim-2");
    assert_eq!(first.sign_in_method, SignInMethod::Oidc);
    assert!(first.last_sign_in_at.is_some());
    // The same subject again: the same account, its role and team as the token says now, and
    // its other sessions ended because the role changed.
    let again = staff
        .provided_sign_in(&provided(Role::Dpo, Some("ig")))
        .await
        .unwrap();
    assert_eq!(
        (again.username.as_str(), again.role, again.team.as_deref()),
        ("kim-2", Role::Dpo, Some("ig"))
    );
    assert_eq!(again.session_epoch, first.session_epoch + 1);
    let same = staff
        .provided_sign_in(&provided(Role::Dpo, Some("ig")))
        .await
        .unwrap();
    assert_eq!(
        same.session_epoch, again.session_epoch,
        "no change, no sessions ended"
    );

    // Two-step: steps only go forward; recovery codes spend once; a reset clears both.
    let hashes: Vec<String> = (0..10).map(|i| format!("hash-{i}")).collect();
    assert!(staff
        .set_two_step("kim", Some("SECRET"), &hashes, "kim")
        .await
        .unwrap());
    let kim = staff.user("kim").await.unwrap().unwrap();
    assert_eq!(kim.totp_secret.as_deref(), Some("SECRET"));
    assert!(staff.use_totp_step("kim", 100).await.unwrap());
    assert!(!staff.use_totp_step("kim", 100).await.unwrap(), "replayed");
    assert!(!staff.use_totp_step("kim", 99).await.unwrap(), "older");
    assert!(staff.use_totp_step("kim", 101).await.unwrap());
    assert!(staff.use_recovery_code("kim", "hash-3").await.unwrap());
    assert!(!staff.use_recovery_code("kim", "hash-3").await.unwrap());
    assert!(!staff.use_recovery_code("kim", "not-one").await.unwrap());
    assert_eq!(staff.recovery_codes_left("kim").await.unwrap(), 9);
    assert!(staff
        .change_account("kim", AccountChange::ResetTwoStep, "dee")
        .await
        .unwrap());
    let kim = staff.user("kim").await.unwrap().unwrap();
    assert_eq!(kim.totp_secret, None);
    assert_eq!(staff.recovery_codes_left("kim").await.unwrap(), 0);
    assert!(
        !staff.use_totp_step("kim", 500).await.unwrap(),
        "no secret, no step"
    );
    assert!(staff
        .change_account("kim", AccountChange::BreakGlass(true), "server user")
        .await
        .unwrap());
    assert!(staff.user("kim").await.unwrap().unwrap().break_glass);
    staff.record_sign_in("kim").await.unwrap();
    assert!(staff
        .user("kim")
        .await
        .unwrap()
        .unwrap()
        .last_sign_in_at
        .is_some());
}
