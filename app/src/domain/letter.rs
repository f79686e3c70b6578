//! Letters filled in from the templates of seed 004 (Appendix B: acknowledgement; Appendix C:
//! outcome).

use super::casework::{Ending, EndingRecord, Outcome, OutcomeCategory, ProgressUpdate};
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
    /// Who signs the letters, e.g. "Data Protection Officer"; empty (the default): the team
    /// handling the case (`signed_for`).
    #[serde(default)]
    pub signatory: String,
    /// Where the privacy notice is published.
    pub privacy_notice_url: String,
}

impl Organisation {
    /// The organisation as a team's letters give it: signed by the team unless the council
    /// names one signatory for every letter (issue 26 found Complaints and Information Team
    /// cases signed "Information Governance Team").
    pub fn signed_for(&self, team_name: &str) -> Organisation {
        let mut org = self.clone();
        if org.signatory.trim().is_empty() {
            org.signatory = team_name.to_string();
        }
        org
    }
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
            signatory: String::new(),
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
    /// What the handler needs from the complainant before going on (seed 004 §24).
    InformationRequest,
    /// The request again, when no reply has come.
    Reminder,
}

impl LetterKind {
    pub const ALL: [LetterKind; 6] = [
        LetterKind::Acknowledgement,
        LetterKind::Outcome,
        LetterKind::ProgressUpdate,
        LetterKind::Ending,
        LetterKind::InformationRequest,
        LetterKind::Reminder,
    ];

    pub fn id(self) -> &'static str {
        match self {
            LetterKind::Acknowledgement => "acknowledgement",
            LetterKind::Outcome => "outcome",
            LetterKind::ProgressUpdate => "progress_update",
            LetterKind::Ending => "ending",
            LetterKind::InformationRequest => "information_request",
            LetterKind::Reminder => "reminder",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LetterKind::Acknowledgement => "Acknowledgement letter",
            LetterKind::Outcome => "Outcome letter",
            LetterKind::ProgressUpdate => "Progress update letter",
            LetterKind::Ending => "Closing letter",
            LetterKind::InformationRequest => "Request for more information",
            LetterKind::Reminder => "Reminder of the request for more information",
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

/// The parts every letter to the complainant fills in: who it is to, who it is from, the
/// reference, and how to reach us; each letter adds its own.
fn parts(
    org: &Organisation,
    name: &str,
    reference: &Reference,
    w: &Words,
) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_string()),
        // The council's own name in the letter's language, where the file gives one.
        ("organisation", w.text(&org.name)),
        ("reference", reference.to_string()),
        ("email", org.email.clone()),
        ("telephone", org.telephone.clone()),
        ("signatory", w.text(&org.signatory)),
        ("helpline", ICO_HELPLINE.to_string()),
        ("ico_address", ICO_ADDRESS.to_string()),
    ]
}

/// A letter of paragraphs, a blank line between each.
fn letter(subject: String, paragraphs: Vec<String>) -> Letter {
    Letter {
        subject,
        body: format!("{}\n", paragraphs.join("\n\n")),
    }
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
    let mut parts = parts(org, complainant_name, reference, w);
    parts.extend([
        ("received", w.date(received_on)),
        ("team", w.text(team_name)),
        ("outcome", w.date(outcome_due)),
    ]);
    let subject = w.fill(
        "Your Data Protection Complaint – Acknowledgement (Ref: {reference})",
        &parts,
    );
    letter(
        subject,
        vec![
            w.fill("Dear {name},", &parts),
            w.fill("Thank you for contacting {organisation} about our handling of your personal information. We have logged your complaint under reference {reference}, received on {received}.", &parts),
            w.fill("A case handler from our {team} will investigate your concerns. We aim to keep you updated during our enquiries and to provide an outcome without undue delay. Our planning benchmark is to resolve most complaints within three months, which for your complaint means by {outcome}.", &parts),
            w.fill("If we need any further information (for example, identity verification or clarification of the scope of your complaint), we will contact you promptly.", &parts),
            w.fill("If you have any questions, please email {email} or call {telephone}, quoting your reference.", &parts),
            w.fill("Kind regards,\n{signatory}\n{organisation}", &parts),
        ],
    )
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

/// Appendix C of seed 004, filled in, in the complaint's language (the findings and actions
/// are the handler's own words, written in that language).
pub fn outcome(
    org: &Organisation,
    complainant_name: &str,
    reference: &Reference,
    team_name: &str,
    outcome: &Outcome,
    handler_name: &str,
    w: &Words,
) -> Letter {
    let mut parts = parts(org, complainant_name, reference, w);
    parts.extend([
        ("team", w.text(team_name)),
        ("handler", handler_name.to_string()),
    ]);
    let subject = w.fill(
        "Outcome of Your Data Protection Complaint (Ref: {reference})",
        &parts,
    );
    let mut actions = String::new();
    for a in &outcome.actions {
        let line = [
            ("action", a.description.to_string()),
            ("owner", a.owner.to_string()),
            ("date", w.date(a.due_on)),
        ];
        actions.push_str(&w.fill("- {action} (responsible: {owner}; by {date})", &line));
        actions.push('\n');
    }
    if let Some(reason) = &outcome.no_action_reason {
        if !actions.is_empty() {
            actions.push('\n');
        }
        actions.push_str(reason.as_str());
        actions.push('\n');
    }
    let decision = match outcome.category {
        OutcomeCategory::Upheld => w.tr("Our decision: your complaint is upheld."),
        OutcomeCategory::PartlyUpheld => w.tr("Our decision: your complaint is partly upheld."),
        OutcomeCategory::NotUpheld => w.tr("Our decision: your complaint is not upheld."),
    };
    let body = format!(
        "{dear}\n\n{thanks}\n\n{decision}\n\n{summary_heading}\n{summary}\n\n\
         {steps_heading}\n{investigation}\n\n{findings_heading}\n{findings}\n\n\
         {actions_heading}\n{actions}\n{next}\n{ico}\n\n{questions}\n\n{regards}\n",
        dear = w.fill("Dear {name},", &parts),
        thanks = w.fill("Thank you for your patience while we investigated your complaint about how {organisation} handled your personal information.", &parts),
        summary_heading = w.tr("Summary of your complaint:"),
        summary = outcome.summary,
        steps_heading = w.tr("Investigation steps:"),
        investigation = outcome.investigation,
        findings_heading = w.tr("Findings:"),
        findings = outcome.findings,
        actions_heading = w.tr("Actions taken / planned:"),
        next = w.tr("Next steps and escalation:\nWe hope that this response addresses the concerns you raised. However, if you remain dissatisfied, you may raise your concerns with the Information Commissioner's Office (ICO):"),
        ico = w.fill("Website: ico.org.uk/make-a-complaint\nHelpline: {helpline}\nIn writing: {ico_address}", &parts),
        questions = w.fill("If you have questions, please reply to this letter or contact our {team} by email at {email} or by telephone on {telephone}, quoting your reference {reference}.", &parts),
        regards = w.fill("Kind regards,\n{handler}\n{signatory}\n{organisation}", &parts),
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
    let mut parts = parts(org, name, reference, w);
    parts.push(("received", w.date(received_on)));
    let subject = w.fill(
        "Your Report of a Personal Data Breach (Ref: {reference})",
        &parts,
    );
    letter(
        subject,
        vec![
            w.fill("Dear {name},", &parts),
            w.fill("Thank you for telling {organisation} that your personal information may have been lost, shared or not kept safe. We have logged your report under reference {reference}, received on {received}.", &parts),
            w.fill("What happens next: we will look into what happened under our personal data breach procedure, take any steps needed to contain it and put it right, and tell you what we found. We record every breach reported to us, and report serious ones to the Information Commissioner's Office.", &parts),
            w.fill("This is not yet a complaint. If you are unhappy with the outcome of our breach investigation, you can then make a complaint about how we handled it, and we will deal with it under our Data Protection Complaints Procedure.", &parts),
            w.fill("If you have any questions, please email {email} or call {telephone}, quoting your reference.", &parts),
            w.fill("Kind regards,\n{signatory}\n{organisation}", &parts),
        ],
    )
}

/// A progress update (seed 004 §34): what has happened, the date we now expect to send the
/// outcome and why, and who to contact; in the complaint's language.
pub fn progress_update(
    org: &Organisation,
    complainant_name: &str,
    reference: &Reference,
    update: &ProgressUpdate,
    handler_name: &str,
    w: &Words,
) -> Letter {
    let mut parts = parts(org, complainant_name, reference, w);
    parts.extend([
        ("progress", update.progress.to_string()),
        ("revised", w.date(update.revised_on)),
        ("why", update.why.to_string()),
        ("handler", handler_name.to_string()),
    ]);
    let subject = w.fill(
        "Your Data Protection Complaint – Progress Update (Ref: {reference})",
        &parts,
    );
    letter(
        subject,
        vec![
            w.fill("Dear {name},", &parts),
            w.fill("We are writing to update you on your complaint about how {organisation} handled your personal information.", &parts),
            w.fill("What has happened so far:\n{progress}", &parts),
            w.fill("We now expect to send you our outcome by {revised}, because:\n{why}", &parts),
            w.fill("We are sorry it is taking longer. If you have any questions, please email {email} or call {telephone}, quoting your reference {reference}.", &parts),
            w.fill("Kind regards,\n{handler}\n{signatory}\n{organisation}", &parts),
        ],
    )
}

/// SPEC "Deadlines" (004 §24): what the handler needs, and that the outcome target waits for
/// it; a reminder says so again. In the complaint's language (the request in the handler's
/// own words).
#[allow(clippy::too_many_arguments)]
pub fn information_request(
    org: &Organisation,
    complainant_name: &str,
    reference: &Reference,
    needed: &crate::domain::text::Text,
    reply_by: chrono::NaiveDate,
    reminder: bool,
    handler_name: &str,
    w: &Words,
) -> Letter {
    let mut parts = parts(org, complainant_name, reference, w);
    parts.extend([
        ("needed", needed.to_string()),
        ("reply_by", w.date(reply_by)),
        ("handler", handler_name.to_string()),
    ]);
    let (subject, opening) = if reminder {
        (
            w.fill("Your Data Protection Complaint – Reminder: We Need More Information (Ref: {reference})", &parts),
            w.fill("We wrote to you asking for more information about your complaint and have not yet had a reply.", &parts),
        )
    } else {
        (
            w.fill("Your Data Protection Complaint – We Need More Information (Ref: {reference})", &parts),
            w.fill("Thank you for your complaint about how {organisation} handled your personal information. To look into it properly, we need more information from you.", &parts),
        )
    };
    letter(
        subject,
        vec![
            w.fill("Dear {name},", &parts),
            opening,
            w.fill("What we need:\n{needed}", &parts),
            w.fill("Please reply by {reply_by}, by email to {email}, by telephone on {telephone} or by post, quoting your reference {reference}. Our time to investigate is paused until we hear from you. If we do not hear from you by then, we may close your complaint.", &parts),
            w.fill("Kind regards,\n{handler}\n{signatory}\n{organisation}", &parts),
        ],
    )
}

/// The letter ending a case without an outcome: why, what happens next, and the ICO; in the
/// complaint's language (the handler's note in their own words).
/// A breach report's letter speaks of a report, never of a complaint (SPEC "Ending a case":
/// a breach report is not a complaint).
pub fn ending(
    org: &Organisation,
    complainant_name: &str,
    reference: &Reference,
    kind: crate::domain::triage::CaseKind,
    record: &EndingRecord,
    handler_name: &str,
    w: &Words,
) -> Letter {
    let mut parts = parts(org, complainant_name, reference, w);
    parts.extend([
        ("handler", handler_name.to_string()),
        (
            "referred_to",
            match &record.referred_to {
                Some(t) => t.as_str().to_string(),
                None => w.tr("the right team").to_string(),
            },
        ),
        (
            "reason",
            match &record.reason {
                Some(r) => w.text(r),
                None => w.tr("of the reasons below").to_string(),
            },
        ),
    ]);
    let subject = match kind {
        crate::domain::triage::CaseKind::BreachReport => w.fill(
            "Your Report of a Personal Data Breach (Ref: {reference})",
            &parts,
        ),
        crate::domain::triage::CaseKind::Complaint => {
            w.fill("Your Data Protection Complaint (Ref: {reference})", &parts)
        }
    };
    let what = match record.ending {
        Ending::Withdrawn => w.fill("As you asked, we have withdrawn your complaint and closed our file. You can make a new complaint at any time.", &parts),
        Ending::NotDataProtection => w.fill("Your complaint is not about how we handle personal information, so it is not one we can look at under our Data Protection Complaints Procedure. We have passed it to {referred_to}, who will contact you.", &parts),
        Ending::NotInvestigated => w.fill("We have decided not to investigate your complaint, because: {reason}.", &parts),
        Ending::CorporateProcedure => w.fill("Your complaint is about the service you received, so we have passed it to our corporate complaints team, who will handle it under the corporate complaints procedure and contact you.", &parts),
        Ending::NoReply => w.fill("We asked you for more information about your complaint and have not had a reply, so we have closed our file. If you still want us to look into it, please contact us quoting your reference {reference}: we will open it again.", &parts),
        Ending::BreachProcedure => w.fill("We are handling what you told us under our personal data breach procedure: we will look into what happened, take any steps needed, and tell you the outcome. If you are unhappy with that outcome, you can then make a complaint to us about how we handled the breach.", &parts),
    };
    let mut body = vec![
        w.fill("Dear {name},", &parts),
        w.fill(
            "Thank you for contacting {organisation} about how we handle personal information.",
            &parts,
        ),
        what,
    ];
    body.extend(record.note.as_ref().map(|n| n.to_string()));
    body.extend([
        w.fill("If you are not satisfied, you can raise your concerns with the Information Commissioner's Office (ICO):\nWebsite: ico.org.uk/make-a-complaint\nHelpline: {helpline}\nIn writing: {ico_address}", &parts),
        w.fill("If you have any questions, please email {email} or call {telephone}, quoting your reference {reference}.", &parts),
        w.fill("Kind regards,\n{handler}\n{signatory}\n{organisation}", &parts),
    ]);
    letter(subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::triage::CaseKind;

    #[test]
    fn letters_are_signed_by_the_case_team_unless_the_council_names_a_signatory() {
        let org = Organisation::default();
        assert_eq!(
            org.signed_for("Complaints and Information Team").signatory,
            "Complaints and Information Team"
        );
        let named = Organisation {
            signatory: "Data Protection Officer".into(),
            ..Organisation::default()
        };
        assert_eq!(
            named
                .signed_for("Complaints and Information Team")
                .signatory,
            "Data Protection Officer"
        );
    }

    /// SPEC "Ending a case": a breach report is not a complaint, so the letter handing it to
    /// the breach procedure speaks of a report (issue 22 found "Your Data Protection Complaint").
    #[test]
    fn a_breach_report_is_not_a_complaint_and_its_ending_letter_says_so() {
        use crate::domain::casework::{Ending, EndingRecord};
        let r = Reference::from_random(9);
        let record = EndingRecord {
            ending: Ending::BreachProcedure,
            referred_to: None,
            reason: None,
            note: None,
        };
        let w = Words::english();
        let l = ending(
            &Organisation::default(),
            "Sam",
            &r,
            CaseKind::BreachReport,
            &record,
            "Kim",
            &w,
        );
        assert_eq!(
            l.subject,
            format!("Your Report of a Personal Data Breach (Ref: {r})")
        );
        assert!(!l.subject.contains("Complaint"));
        let c = ending(
            &Organisation::default(),
            "Sam",
            &r,
            CaseKind::Complaint,
            &record,
            "Kim",
            &w,
        );
        assert_eq!(
            c.subject,
            format!("Your Data Protection Complaint (Ref: {r})")
        );
    }

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
            &Words::english(),
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

    /// Every letter the complainant can be sent, written for a complaint made in Welsh: not a
    /// fixed sentence of it left in English (the handler's own words are theirs to write).
    #[test]
    fn letters_go_out_in_welsh_with_no_english_left() {
        use crate::domain::casework::ProgressUpdate;
        use crate::domain::casework::{ActionInput, Ending, EndingRecord, Outcome, OutcomeInput};
        use crate::domain::text::{Lines, Text};
        use crate::i18n::{po, Lang};
        let pairs = po::parse(include_str!("../../locales/cy.po")).unwrap();
        let cy = Words::new(Lang::Cy, Box::leak(pairs.into_boxed_slice()));
        let org = Organisation::default();
        let r = Reference::from_random(9);
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let text = |s: &str| {
            Text::parse(s, "f", "F", 1000, Lines::Many)
                .unwrap()
                .unwrap()
        };
        let mut letters = vec![
            acknowledgement(
                &org,
                "Siân",
                &r,
                d("2026-11-24"),
                "Complaints and Information Team",
                d("2027-02-24"),
                &cy,
            ),
            breach_acknowledgement(&org, "Siân", &r, d("2026-11-24"), &cy),
            progress_update(
                &org,
                "Siân",
                &r,
                &ProgressUpdate {
                    progress: text("Gwnaethom siarad â'r tîm."),
                    revised_on: d("2027-03-31"),
                    why: text("Mae angen mwy o amser."),
                },
                "Cai",
                &cy,
            ),
        ];
        for category in ["upheld", "partly_upheld", "not_upheld"] {
            let o = Outcome::parse(
                &OutcomeInput {
                    category: category.into(),
                    summary: "Crynodeb.".into(),
                    investigation: "Ymchwiliad.".into(),
                    findings: "Canfyddiadau.".into(),
                    no_action_reason: String::new(),
                    actions: vec![ActionInput {
                        description: "Gweithred".into(),
                        owner: "Pennaeth".into(),
                        due_on: "2027-01-31".into(),
                    }],
                },
                d("2026-11-24"),
            )
            .unwrap();
            letters.push(outcome(
                &org,
                "Siân",
                &r,
                "Information Governance Team",
                &o,
                "Cai",
                &cy,
            ));
        }
        for ending in [
            Ending::Withdrawn,
            Ending::NotDataProtection,
            Ending::NotInvestigated,
            Ending::CorporateProcedure,
            Ending::BreachProcedure,
        ] {
            let record = EndingRecord {
                ending,
                referred_to: None,
                reason: None,
                note: None,
            };
            letters.push(ending_letter(&org, &r, &record, &cy));
        }
        for l in &letters {
            let all = format!("{}\n{}", l.subject, l.body);
            assert!(
                all.starts_with("Eich") || all.starts_with("Canlyniad"),
                "{all}"
            );
            assert!(all.contains("Annwyl Siân,"), "{all}");
            for english in [
                "Dear",
                "Kind regards",
                "Thank you",
                " complaint",
                "If you",
                "reference",
                "Website",
                "Helpline",
                "January",
                "February",
                "March",
                "Team",
            ] {
                assert!(
                    !all.contains(english),
                    "{english:?} left in English in:\n{all}"
                );
            }
        }
    }

    fn ending_letter(
        org: &Organisation,
        r: &Reference,
        record: &EndingRecord,
        w: &Words,
    ) -> Letter {
        ending(org, "Siân", r, CaseKind::Complaint, record, "Cai", w)
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
