//! Who is told what, and how (SPEC.md "Keeping people informed"; seed 004 §27–§28, §34): the
//! emails and letters the service sends, by which route, how often a failed one is retried,
//! and the wording of the short emails. Emails carry the minimum: reference, dates, what
//! happens next and how to reply, never the complaint itself; staff alerts carry no personal
//! data at all.

use super::calendar::long_date;
use super::complaint::{Channel, Complainant, ContactMethod};
use super::letter::Organisation;
use super::reference::Reference;
use super::triage::CaseKind;
use crate::i18n::Words;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// "We have your complaint", by email at once, for complaints made online.
    Confirmation,
    /// The written acknowledgement (Appendix B letter).
    Acknowledgement,
    /// The outcome (Appendix C letter).
    Outcome,
    /// A new case, to its team's mailbox.
    TeamAlert,
    /// What is due or overdue this week, to a team's mailbox, once a day.
    Digest,
    /// A progress update letter (seed 004 §34).
    ProgressUpdate,
    /// The letter ending a case without an outcome.
    Ending,
    /// A request for more information (seed 004 §24), and its reminder.
    InformationRequest,
    Reminder,
}

impl MessageKind {
    pub const ALL: [MessageKind; 9] = [
        MessageKind::ProgressUpdate,
        MessageKind::Ending,
        MessageKind::InformationRequest,
        MessageKind::Reminder,
        MessageKind::Confirmation,
        MessageKind::Acknowledgement,
        MessageKind::Outcome,
        MessageKind::TeamAlert,
        MessageKind::Digest,
    ];

    pub fn id(self) -> &'static str {
        match self {
            MessageKind::Confirmation => "confirmation",
            MessageKind::Acknowledgement => "acknowledgement",
            MessageKind::Outcome => "outcome",
            MessageKind::TeamAlert => "team_alert",
            MessageKind::Digest => "digest",
            MessageKind::ProgressUpdate => "progress_update",
            MessageKind::Ending => "ending",
            MessageKind::InformationRequest => "information_request",
            MessageKind::Reminder => "reminder",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MessageKind::Confirmation => "Confirmation email",
            MessageKind::Acknowledgement => "Acknowledgement letter",
            MessageKind::Outcome => "Outcome letter",
            MessageKind::TeamAlert => "New case alert",
            MessageKind::Digest => "Daily deadline digest",
            MessageKind::ProgressUpdate => "Progress update letter",
            MessageKind::Ending => "Closing letter",
            MessageKind::InformationRequest => "Request for more information",
            MessageKind::Reminder => "Reminder of the request for more information",
        }
    }

    pub fn parse(s: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.id() == s)
    }
}

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Email,
    /// Printed by staff from the print queue and posted.
    Post,
}

impl Route {
    pub fn id(self) -> &'static str {
        match self {
            Route::Email => "email",
            Route::Post => "post",
        }
    }

    pub fn parse(s: &str) -> Option<Route> {
        [Route::Email, Route::Post]
            .into_iter()
            .find(|r| r.id() == s)
    }
}

/// How a letter reaches the complainant: their preferred way when it is a written one; for
/// "telephone", email if they gave an address, else post if they gave one. None when there is
/// no written route at all: staff then acknowledge by hand and record it.
pub fn written_route(c: &Complainant) -> Option<Route> {
    let email = c.email.is_some().then_some(Route::Email);
    let post = c.address.is_some().then_some(Route::Post);
    match c.preferred_contact {
        ContactMethod::Email => email.or(post),
        ContactMethod::Post => post.or(email),
        ContactMethod::Phone => email.or(post),
    }
}

/// What the person's reasonable adjustments ask of our letters and contact (SPEC "Keeping
/// people informed": adjustments shape every letter and contact), read from what they wrote.
/// Tested by `adjustments_are_read_from_what_the_person_wrote`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Adjustments {
    /// Letters in large print.
    pub large_print: bool,
    /// Telephone only: staff ring them with what a letter says (the letter is still kept).
    pub phone_only: bool,
}

impl Adjustments {
    pub fn of(c: &Complainant) -> Adjustments {
        let said = c
            .adjustments
            .as_ref()
            .map(|a| a.as_str().to_lowercase())
            .unwrap_or_default();
        let any = |words: &[&str]| words.iter().any(|w| said.contains(w));
        Adjustments {
            large_print: any(&[
                "large print",
                "large-print",
                "larger print",
                "big print",
                "large font",
            ]),
            phone_only: any(&[
                "phone only",
                "telephone only",
                "by phone",
                "by telephone",
                "call me",
                "phone me",
            ]),
        }
    }
}

/// Complaints made online are confirmed by email at once when the person gave an email address
/// and chose email (SPEC "Keeping people informed": on screen and, where given, by email).
pub fn confirmed_by_email(c: &Complainant, channel: Channel) -> bool {
    channel == Channel::Online && c.email.is_some() && c.preferred_contact == ContactMethod::Email
}

/// After `attempts` failed tries, when to try again: doubling from `base` (one minute in
/// service: 1, 2, 4 … 256 minutes, about eight and a half hours over ten attempts), or never
/// after `MAX_ATTEMPTS` (the message is then marked failed and shown to the DPO).
pub fn retry_at(attempts: u32, base: Duration, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (attempts < MAX_ATTEMPTS).then(|| now + base * 2i32.pow(attempts.saturating_sub(1).min(16)))
}

pub const MAX_ATTEMPTS: u32 = 10;

/// A short email, before it is addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub body: String,
}

/// The paragraph the acknowledgement email ends with: the complainant's link for sending
/// evidence (made when the email goes, never stored: see the server's `evidence`).
pub fn evidence_paragraph(url: &str, w: &crate::i18n::Words) -> String {
    w.fill(
        "To send us evidence that supports your complaint (screenshots, photos, letters or emails), use this link while your complaint is open: {url}",
        &[("url", url.to_string())],
    )
}

/// What the complainant is sent at once after complaining online, in the language they
/// complained in.
pub fn confirmation(
    org: &Organisation,
    kind: CaseKind,
    reference: &Reference,
    received_on: NaiveDate,
    acknowledge_by: NaiveDate,
    outcome_due: NaiveDate,
    w: &Words,
) -> Email {
    let parts = [
        ("reference", reference.to_string()),
        ("received", w.date(received_on)),
        ("acknowledge_by", w.date(acknowledge_by)),
        ("outcome", w.date(outcome_due)),
        ("email", org.email.clone()),
        ("telephone", org.telephone.clone()),
        ("organisation", w.text(&org.name)),
    ];
    // 004 §18: a breach report, not a complaint; no complaint deadlines.
    let (subject, mut paragraphs) = if kind == CaseKind::BreachReport {
        (
            w.fill("We have your report of a personal data breach (Ref: {reference})", &parts),
            vec![
                w.fill("We received your report on {received}.", &parts),
                w.fill("Your reference is {reference}. Quote it whenever you contact us.", &parts),
                w.fill("What happens next: we will look into it under our personal data breach procedure and tell you what we found. If you are unhappy with that outcome, you can then make a complaint.", &parts),
            ],
        )
    } else {
        (
            w.fill("We have your data protection complaint (Ref: {reference})", &parts),
            vec![
                w.fill("We received your data protection complaint on {received}.", &parts),
                w.fill("Your reference is {reference}. Quote it whenever you contact us.", &parts),
                w.fill("What happens next: we will write to you by {acknowledge_by} to confirm we have it and tell you who is looking into it. We aim to tell you the outcome by {outcome}. If it will take longer, we will tell you why and keep you updated.", &parts),
            ],
        )
    };
    paragraphs.push(w.fill(
        "Questions: reply to {email} or call {telephone}, quoting your reference.",
        &parts,
    ));
    paragraphs.push(w.text(&org.name));
    Email {
        subject,
        body: format!("{}\n", paragraphs.join("\n\n")),
    }
}

/// A new case, for its team's mailbox: no personal data, only where to find it.
pub struct CaseAlert<'a> {
    pub reference: &'a Reference,
    pub kind: CaseKind,
    pub category: &'a str,
    pub channel: Channel,
    pub acknowledge_by: NaiveDate,
    pub outcome_due: NaiveDate,
    pub link: &'a str,
}

pub fn team_alert(a: &CaseAlert) -> Email {
    Email {
        subject: format!("New {}: {}", a.kind.label().to_lowercase(), a.reference),
        body: format!(
            "A new {kind} has arrived for your team.\n\n\
             Reference: {reference}\nReceived: {channel}\nAbout: {category}\n\
             Written acknowledgement due by: {ack}\nOutcome due by: {outcome}\n\n\
             Open the case (sign-in needed): {link}\n",
            kind = a.kind.label().to_lowercase(),
            reference = a.reference,
            channel = a.channel.label(),
            category = a.category,
            ack = long_date(a.acknowledge_by),
            outcome = long_date(a.outcome_due),
            link = a.link,
        ),
    }
}

/// One line of the daily digest: a case and what is due on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestLine {
    pub reference: Reference,
    pub what: String,
    pub due: Option<NaiveDate>,
    pub overdue: bool,
    pub unassigned: bool,
    /// A progress update is due: the date the complainant expects the outcome by.
    pub update_due: Option<NaiveDate>,
}

pub fn digest(team_name: &str, day: NaiveDate, lines: &[DigestLine], link: &str) -> Email {
    let mut body = format!(
        "Cases for the {team_name} on {}: deadlines overdue or due within seven days, progress updates due, and cases with no handler.\n\n",
        long_date(day)
    );
    if lines.is_empty() {
        body.push_str("Nothing is due this week and every case has a handler.\n");
    }
    for l in lines {
        let due = match (l.due, l.overdue) {
            (Some(d), true) => format!("{}: overdue since {}", l.what, long_date(d)),
            (Some(d), false) => format!("{}: due by {}", l.what, long_date(d)),
            (None, _) => l.what.clone(),
        };
        let handler = if l.unassigned { "; no handler yet" } else { "" };
        let update = l
            .update_due
            .map(|d| {
                format!(
                    "; progress update due (the complainant expects the outcome by {})",
                    long_date(d)
                )
            })
            .unwrap_or_default();
        body.push_str(&format!("- {}: {due}{update}{handler}\n", l.reference));
    }
    body.push_str(&format!("\nThe register (sign-in needed): {link}\n"));
    Email {
        subject: format!(
            "Data protection complaints: {} case(s) need attention",
            lines.len()
        ),
        body,
    }
}

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    Waiting,
    Sent,
    Posted,
    Failed,
    Cancelled,
}

impl MessageStatus {
    pub const ALL: [MessageStatus; 5] = [
        MessageStatus::Waiting,
        MessageStatus::Sent,
        MessageStatus::Posted,
        MessageStatus::Failed,
        MessageStatus::Cancelled,
    ];

    pub fn id(self) -> &'static str {
        match self {
            MessageStatus::Waiting => "waiting",
            MessageStatus::Sent => "sent",
            MessageStatus::Posted => "posted",
            MessageStatus::Failed => "failed",
            MessageStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MessageStatus::Waiting => "Waiting",
            MessageStatus::Sent => "Sent",
            MessageStatus::Posted => "Posted",
            MessageStatus::Failed => "Failed",
            MessageStatus::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<MessageStatus> {
        MessageStatus::ALL.into_iter().find(|m| m.id() == s)
    }
}

/// A message queued about a case (or a team's digest), as the outbox keeps it.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: i64,
    pub key: String,
    pub kind: MessageKind,
    /// A copy for the MP the person complained through (seed 000), not the person's own.
    pub to_mp: bool,
    pub route: Route,
    /// The case it is about (none for a digest).
    pub reference: Option<Reference>,
    /// For messages to a team's mailbox.
    pub team: Option<String>,
    pub letter_id: Option<i64>,
    pub digest_on: Option<NaiveDate>,
    pub status: MessageStatus,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub provider_id: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub posted_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// What the provider last reported of its delivery (GOV.UK Notify's callback).
    pub delivery: Option<crate::domain::delivery::Delivery>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjustments_are_read_from_what_the_person_wrote() {
        let with = |text: Option<&str>| {
            let mut input = crate::domain::complaint::ComplaintInput::example();
            input.adjustments = text.map(str::to_string);
            crate::domain::complaint::Complaint::parse(
                &input,
                &crate::domain::taxonomy::Taxonomy::default(),
            )
            .unwrap()
            .complainant
        };
        assert_eq!(
            Adjustments::of(&with(Some("Please use Large Print in letters."))),
            Adjustments {
                large_print: true,
                phone_only: false
            }
        );
        assert_eq!(
            Adjustments::of(&with(Some("Telephone only, I cannot read letters"))),
            Adjustments {
                large_print: false,
                phone_only: true
            }
        );
        assert_eq!(Adjustments::of(&with(None)), Adjustments::default());
    }
    use crate::domain::complaint::{Complaint, ComplaintInput};
    use crate::domain::taxonomy::Taxonomy;

    fn complainant(edit: impl FnOnce(&mut ComplaintInput)) -> Complainant {
        let mut input = ComplaintInput::example();
        edit(&mut input);
        Complaint::parse(&input, &Taxonomy::default())
            .unwrap()
            .complainant
    }

    #[test]
    fn letters_go_the_way_the_person_asked_or_the_nearest_written_way() {
        let by_email = complainant(|_| {});
        assert_eq!(written_route(&by_email), Some(Route::Email));
        let by_post = complainant(|i| i.preferred_contact = Some("post".into()));
        assert_eq!(written_route(&by_post), Some(Route::Post));
        let phone_with_email = complainant(|i| i.preferred_contact = Some("phone".into()));
        assert_eq!(written_route(&phone_with_email), Some(Route::Email));
        let phone_with_address = complainant(|i| {
            i.preferred_contact = Some("phone".into());
            i.email = None;
        });
        assert_eq!(written_route(&phone_with_address), Some(Route::Post));
        let phone_only = complainant(|i| {
            i.preferred_contact = Some("phone".into());
            i.email = None;
            i.address_line_1 = None;
            i.address_town = None;
            i.address_postcode = None;
        });
        assert_eq!(written_route(&phone_only), None);
    }

    #[test]
    fn only_online_complaints_with_email_chosen_are_confirmed_by_email() {
        let c = complainant(|_| {});
        assert!(confirmed_by_email(&c, Channel::Online));
        assert!(!confirmed_by_email(&c, Channel::Telephone));
        let post = complainant(|i| i.preferred_contact = Some("post".into()));
        assert!(!confirmed_by_email(&post, Channel::Online));
    }

    #[test]
    fn retries_double_and_stop_after_ten_attempts() {
        let now = Utc::now();
        let m = Duration::minutes(1);
        assert_eq!(retry_at(1, m, now), Some(now + m));
        assert_eq!(retry_at(2, m, now), Some(now + m * 2));
        assert_eq!(retry_at(9, m, now), Some(now + m * 256));
        assert_eq!(retry_at(10, m, now), None);
        let total: i64 = (1..MAX_ATTEMPTS)
            .map(|a| (retry_at(a, m, now).unwrap() - now).num_minutes())
            .sum();
        assert_eq!(total, 511, "about eight and a half hours in all");
    }

    #[test]
    fn emails_carry_the_minimum() {
        let r = Reference::parse("K7M2QX9PB").unwrap_or_else(|_| Reference::from_random(7));
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let e = confirmation(
            &Organisation::default(),
            CaseKind::Complaint,
            &r,
            d,
            d,
            d,
            &Words::english(),
        );
        assert!(e.subject.contains(&r.to_string()));
        assert!(e.body.contains("25 November 2026"));
        let alert = team_alert(&CaseAlert {
            reference: &r,
            kind: CaseKind::Complaint,
            category: "Subject access",
            channel: Channel::Online,
            acknowledge_by: d,
            outcome_due: d,
            link: "https://x/staff/cases/K",
        });
        assert!(alert.body.contains("Open the case"));
        let none = digest("IG Team", d, &[], "https://x/staff/register");
        assert!(none.body.contains("Nothing is due"));
    }
}
