//! Letters filled in from the templates of seed 004 (Appendix B: acknowledgement; Appendix C:
//! outcome).

use super::calendar::long_date;
use super::casework::{Ending, EndingRecord, Outcome, ProgressUpdate};
use super::reference::Reference;
use crate::i18n::Words;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The Information Commissioner's Office, as seed 004 Appendix A gives its contact details:
/// shown on the pages and in the outcome letter (Appendix C).
pub const ICO_HELPLINE: &str = "0303 123 1113";
pub const ICO_ADDRESS: &str =
    "Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire, SK9 5AF";

/// Who the letters come from and how to reach them (configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub name: String,
    pub email: String,
    pub telephone: String,
    /// Postal address, one line per entry.
    pub address: Vec<String>,
    /// Who signs the letters, e.g. "Information Governance Team".
    pub signatory: String,
    /// Where the privacy notice is published.
    pub privacy_notice_url: String,
}

impl Default for Organisation {
    fn default() -> Self {
        Organisation {
            name: "Example Council".into(),
            email: "data.protection@example.gov.uk".into(),
            telephone: "0300 123 4567".into(),
            address: vec![
                "The Data Protection Officer".into(),
                "Example Council".into(),
                "Council Offices".into(),
                "Example Town".into(),
                "EX1 1AA".into(),
            ],
            signatory: "Information Governance Team".into(),
            privacy_notice_url: "/privacy".into(),
        }
    }
}

/// Which letter of the procedure a stored letter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// Appendix B: we have your complaint, and what happens next.
    Acknowledgement,
    /// Appendix C: what we found and what we will do.
    Outcome,
    /// How it is going, and the date we now expect to finish (seed 004 §34).
    ProgressUpdate,
    /// The case ends without an outcome: withdrawn, referred, not investigated, handed over.
    Ending,
}

impl LetterKind {
    pub const ALL: [LetterKind; 4] = [
        LetterKind::Acknowledgement,
        LetterKind::Outcome,
        LetterKind::ProgressUpdate,
        LetterKind::Ending,
    ];

    pub fn id(self) -> &'static str {
        match self {
            LetterKind::Acknowledgement => "acknowledgement",
            LetterKind::Outcome => "outcome",
            LetterKind::ProgressUpdate => "progress_update",
            LetterKind::Ending => "ending",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LetterKind::Acknowledgement => "Acknowledgement letter",
            LetterKind::Outcome => "Outcome letter",
            LetterKind::ProgressUpdate => "Progress update letter",
            LetterKind::Ending => "Closing letter",
        }
    }

    pub fn parse(s: &str) -> Option<LetterKind> {
        LetterKind::ALL.into_iter().find(|k| k.id() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub subject: String,
    pub body: String,
}

/// Appendix B of seed 004, filled in, in the language the complaint was made in (each
/// paragraph a text of the translator's file).
pub fn acknowledgement(
    org: &Organisation,
    complainant_name: &str,
    reference: &Reference,
    received_on: NaiveDate,
    team_name: &str,
    outcome_due: NaiveDate,
    w: &Words,
) -> Letter {
    let parts = [
        ("name", complainant_name.to_string()),
        ("organisation", org.name.clone()),
        ("reference", reference.to_string()),
        ("received", w.date(received_on)),
        ("team", w.text(team_name)),
        ("outcome", w.date(outcome_due)),
        ("email", org.email.clone()),
        ("telephone", org.telephone.clone()),
        ("signatory", w.text(&org.signatory)),
    ];
    let subject = w.fill(
        "Your Data Protection Complaint – Acknowledgement (Ref: {reference})",
        &parts,
    );
    let body = [
        w.fill("Dear {name},", &parts),
        w.fill("Thank you for contacting {organisation} about our handling of your personal information. We have logged your complaint under reference {reference}, received on {received}.", &parts),
        w.fill("A case handler from our {team} will investigate your concerns. We aim to keep you updated during our enquiries and to provide an outcome without undue delay. Our planning benchmark is to resolve most complaints within three months, which for your complaint means by {outcome}.", &parts),
        w.fill("If we need any further information (for example, identity verification or clarification of the scope of your complaint), we will contact you promptly.", &parts),
        w.fill("If you have any questions, please email {email} or call {telephone}, quoting your reference.", &parts),
        w.fill("Kind regards,\n{signatory}\n{organisation}", &parts),
    ];
    Letter {
        subject,
        body: format!("{}\n", body.join("\n\n")),
    }
}

/// The wording of seed 004 Appendix A for the council's own privacy notice, filled in: how to
/// complain to the council (this form, telephone, post) and to the ICO. Paragraphs, plain text.
pub fn privacy_notice_wording(org: &Organisation, form_url: &str) -> Vec<String> {
    vec![
        "Data protection complaints".to_string(),
        format!(
            "If you have concerns about the way {} has collected, stored, shared or otherwise used \
             your personal data, please tell us by:",
            org.name
        ),
        format!("completing our online data protection complaint form at {form_url}"),
        format!("telephoning {}", org.telephone),
        format!("writing to {}", org.address.join(", ")),
        "Contacting the Information Commissioner's Office".to_string(),
        "You can seek advice and have the right to make a complaint to the Information \
         Commissioner's Office (ICO). The ICO is an independent body set up to uphold information \
         rights in the UK. Please note though that the ICO usually expects you to raise the matter \
         with us first so that we have the chance to resolve it."
            .to_string(),
        format!(
            "You can contact the ICO through its website (ico.org.uk), its helpline on {ICO_HELPLINE}, \
             or in writing to {ICO_ADDRESS}."
        ),
    ]
}

/// Appendix C of seed 004, filled in: summary, investigation steps, findings, actions with
/// their timescales (or the reasons none are needed), the right to complain to the ICO with
/// its contact details (Appendix A), and who to contact with questions.
pub fn outcome(
    org: &Organisation,
    complainant_name: &str,
    reference: &Reference,
    team_name: &str,
    outcome: &Outcome,
    handler_name: &str,
) -> Letter {
    let subject = format!("Outcome of Your Data Protection Complaint (Ref: {reference})");
    let mut actions = String::new();
    for a in &outcome.actions {
        actions.push_str(&format!(
            "- {} (responsible: {}; by {})\n",
            a.description,
            a.owner,
            long_date(a.due_on)
        ));
    }
    if let Some(reason) = &outcome.no_action_reason {
        if !actions.is_empty() {
            actions.push('\n');
        }
        actions.push_str(reason.as_str());
        actions.push('\n');
    }
    let body = format!(
        "Dear {complainant_name},\n\n\
         Thank you for your patience while we investigated your complaint about how {org_name} \
         handled your personal information.\n\n\
         Our decision: your complaint is {decision}.\n\n\
         Summary of your complaint:\n{summary}\n\n\
         Investigation steps:\n{investigation}\n\n\
         Findings:\n{findings}\n\n\
         Actions taken / planned:\n{actions}\n\
         Next steps and escalation:\n\
         We hope that this response addresses the concerns you raised. However, if you remain \
         dissatisfied, you may raise your concerns with the Information Commissioner's Office \
         (ICO):\n\
         Website: ico.org.uk/make-a-complaint\n\
         Helpline: {helpline}\n\
         In writing: {ico_address}\n\n\
         If you have questions, please reply to this letter or contact our {team_name} by email \
         at {email} or by telephone on {phone}, quoting your reference {reference}.\n\n\
         Kind regards,\n{handler_name}\n{signatory}\n{org_name}\n",
        org_name = org.name,
        decision = outcome.category.label().to_lowercase(),
        summary = outcome.summary,
        investigation = outcome.investigation,
        findings = outcome.findings,
        helpline = ICO_HELPLINE,
        ico_address = ICO_ADDRESS,
        email = org.email,
        phone = org.telephone,
        signatory = org.signatory,
    );
    Letter { subject, body }
}

/// The written acknowledgement of a breach report (seed 004 §18): logged, looked into under
/// the breach procedure, and how to complain afterwards. Not "your complaint".
pub fn breach_acknowledgement(
    org: &Organisation,
    name: &str,
    reference: &Reference,
    received_on: NaiveDate,
    w: &Words,
) -> Letter {
    let parts = [
        ("name", name.to_string()),
        ("organisation", org.name.clone()),
        ("reference", reference.to_string()),
        ("received", w.date(received_on)),
        ("email", org.email.clone()),
        ("telephone", org.telephone.clone()),
        ("signatory", w.text(&org.signatory)),
    ];
    let subject = w.fill(
        "Your Report of a Personal Data Breach (Ref: {reference})",
        &parts,
    );
    let body = [
        w.fill("Dear {name},", &parts),
        w.fill("Thank you for telling {organisation} that your personal information may have been lost, shared or not kept safe. We have logged your report under reference {reference}, received on {received}.", &parts),
        w.fill("What happens next: we will look into what happened under our personal data breach procedure, take any steps needed to contain it and put it right, and tell you what we found. We record every breach reported to us, and report serious ones to the Information Commissioner's Office.", &parts),
        w.fill("This is not yet a complaint. If you are unhappy with the outcome of our breach investigation, you can then make a complaint about how we handled it, and we will deal with it under our Data Protection Complaints Procedure.", &parts),
        w.fill("If you have any questions, please email {email} or call {telephone}, quoting your reference.", &parts),
        w.fill("Kind regards,\n{signatory}\n{organisation}", &parts),
    ];
    Letter {
        subject,
        body: format!("{}\n", body.join("\n\n")),
    }
}

/// A progress update (seed 004 §34): what has happened, the date we now expect to send the
/// outcome and why, and who to contact.
pub fn progress_update(
    org: &Organisation,
    complainant_name: &str,
    reference: &Reference,
    update: &ProgressUpdate,
    handler_name: &str,
) -> Letter {
    let subject = format!("Your Data Protection Complaint – Progress Update (Ref: {reference})");
    let body = format!(
        "Dear {complainant_name},\n\n\
         We are writing to update you on your complaint about how {org_name} handled your \
         personal information.\n\n\
         What has happened so far:\n{progress}\n\n\
         We now expect to send you our outcome by {revised}, because:\n{why}\n\n\
         We are sorry it is taking longer. If you have any questions, please email {email} or \
         call {phone}, quoting your reference {reference}.\n\n\
         Kind regards,\n{handler_name}\n{signatory}\n{org_name}\n",
        org_name = org.name,
        progress = update.progress,
        revised = long_date(update.revised_on),
        why = update.why,
        email = org.email,
        phone = org.telephone,
        signatory = org.signatory,
    );
    Letter { subject, body }
}

/// The letter that ends a case without an outcome (SPEC "Ending a case"; seed 000: when we
/// do not investigate, a letter explaining why; 004 §18, §26 for the hand-overs).
pub fn ending(
    org: &Organisation,
    complainant_name: &str,
    reference: &Reference,
    record: &EndingRecord,
    handler_name: &str,
) -> Letter {
    let subject = format!("Your Data Protection Complaint (Ref: {reference})");
    let what = match record.ending {
        Ending::Withdrawn => "As you asked, we have withdrawn your complaint and closed our file. \
             You can make a new complaint at any time."
            .to_string(),
        Ending::NotDataProtection => format!(
            "Your complaint is not about how we handle personal information, so it is not one \
             we can look at under our Data Protection Complaints Procedure. We have passed it to \
             {}, who will contact you.",
            record
                .referred_to
                .as_ref()
                .map(|t| t.as_str())
                .unwrap_or("the right team")
        ),
        Ending::NotInvestigated => format!(
            "We have decided not to investigate your complaint, because: {}.",
            record.reason.as_deref().unwrap_or("of the reasons below")
        ),
        Ending::CorporateProcedure => "Your complaint is about the service you received, so we \
             have passed it to our corporate complaints team, who will handle it under the \
             corporate complaints procedure and contact you."
            .to_string(),
        Ending::BreachProcedure => "We are handling what you told us under our personal data \
             breach procedure: we will look into what happened, take any steps needed, and tell \
             you the outcome. If you are unhappy with that outcome, you can then make a \
             complaint to us about how we handled the breach."
            .to_string(),
    };
    let note = record
        .note
        .as_ref()
        .map(|n| format!("{n}\n\n"))
        .unwrap_or_default();
    let body = format!(
        "Dear {complainant_name},\n\n\
         Thank you for contacting {org_name} about how we handle personal information.\n\n\
         {what}\n\n\
         {note}\
         If you are not satisfied, you can raise your concerns with the Information \
         Commissioner's Office (ICO):\n\
         Website: ico.org.uk/make-a-complaint\n\
         Helpline: {helpline}\n\
         In writing: {ico_address}\n\n\
         If you have any questions, please email {email} or call {phone}, quoting your \
         reference {reference}.\n\n\
         Kind regards,\n{handler_name}\n{signatory}\n{org_name}\n",
        org_name = org.name,
        helpline = ICO_HELPLINE,
        ico_address = ICO_ADDRESS,
        email = org.email,
        phone = org.telephone,
        signatory = org.signatory,
    );
    Letter { subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledgement_fills_in_appendix_b() {
        let r = Reference::from_random(42);
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let l = acknowledgement(
            &Organisation::default(),
            "Sam Example",
            &r,
            d("2026-11-24"),
            "Complaints and Information Team",
            d("2027-02-24"),
            &Words::english(),
        );
        assert_eq!(
            l.subject,
            format!("Your Data Protection Complaint – Acknowledgement (Ref: {r})")
        );
        assert!(l.body.starts_with("Dear Sam Example,"));
        assert!(l.body.contains(&format!(
            "under reference {r}, received on 24 November 2026"
        )));
        assert!(l.body.contains("Complaints and Information Team"));
        assert!(l.body.contains("by 24 February 2027"));
        assert!(l.body.contains("data.protection@example.gov.uk"));
        assert!(!l.body.contains("INSERT") && !l.body.contains('['));
    }
    #[test]
    fn outcome_fills_in_appendix_c() {
        use crate::domain::casework::{ActionInput, Outcome, OutcomeInput};
        let r = Reference::from_random(7);
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let o = Outcome::parse(
            &OutcomeInput {
                category: "partly_upheld".into(),
                summary: "Your request for your records was answered late.".into(),
                investigation: "We reviewed the request log and spoke to the team.".into(),
                findings: "The reply was sent 20 days after the deadline.".into(),
                no_action_reason: String::new(),
                actions: vec![ActionInput {
                    description: "Add a deadline tracker".into(),
                    owner: "Head of Customer Services".into(),
                    due_on: "2027-01-31".into(),
                }],
            },
            today,
        )
        .unwrap();
        let l = outcome(
            &Organisation::default(),
            "Sam Example",
            &r,
            "Complaints and Information Team",
            &o,
            "Kim Handler",
        );
        assert_eq!(
            l.subject,
            format!("Outcome of Your Data Protection Complaint (Ref: {r})")
        );
        assert!(l.body.starts_with("Dear Sam Example,"));
        assert!(l.body.contains("your complaint is partly upheld"));
        assert!(l.body.contains(
            "Summary of your complaint:\nYour request for your records was answered late."
        ));
        assert!(l
            .body
            .contains("Investigation steps:\nWe reviewed the request log"));
        assert!(l.body.contains("Findings:\nThe reply was sent 20 days"));
        assert!(l.body.contains(
            "- Add a deadline tracker (responsible: Head of Customer Services; by 31 January 2027)"
        ));
        assert!(l.body.contains(ICO_HELPLINE) && l.body.contains("SK9 5AF"));
        assert!(l.body.contains(&format!("quoting your reference {r}")));
        assert!(l.body.contains("Kind regards,\nKim Handler\n"));
        assert!(!l.body.contains('['));
    }

    #[test]
    fn privacy_notice_wording_fills_in_appendix_a() {
        let w = privacy_notice_wording(
            &Organisation::default(),
            "https://complaints.example.gov.uk/",
        );
        assert_eq!(w[0], "Data protection complaints");
        assert!(w[1].contains("the way Example Council has collected"));
        assert_eq!(w[2], "completing our online data protection complaint form at https://complaints.example.gov.uk/");
        assert_eq!(w[3], "telephoning 0300 123 4567");
        assert!(w[4].starts_with("writing to The Data Protection Officer, Example Council"));
        assert!(w
            .iter()
            .any(|p| p.contains("0303 123 1113") && p.contains("SK9 5AF")));
    }
}
