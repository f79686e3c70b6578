//! Every way a case moves and ends (SPEC.md "Ending a case", "Keeping people informed"; seed
//! 000; seed 004 §18, §26, §34, §42–§46).
//!
//! A complaint goes received → acknowledged → investigating → outcome sent → closed, one step
//! at a time. Before an outcome it may instead end (`Ending`): withdrawn, not a data protection
//! complaint, not investigated, or handed to the corporate complaints procedure or the breach
//! procedure; it is then closed, with its ending and its letter. A closed case may be reopened
//! for review: back to investigating, with a new outcome target; the first outcome stays on
//! record. While it is acknowledged or under investigation, the handler records progress
//! updates with a revised expected date (004 §34).
//!
//! A breach report (004 §18) is not a complaint: it is never acknowledged as one nor
//! investigated under this procedure; it is handed to the breach procedure (or withdrawn, or
//! found not to be about personal data). When the person lodges a complaint after the breach
//! outcome, a new complaint is made from it, linked, with deadlines from the day it was lodged.

use super::accounts::Role;
use super::status::{Handling, Refusal, Status};
use crate::domain::calendar::{Deadlines, WorkingCalendar};
use crate::domain::text::{limits, Lines, Text};
use crate::domain::triage::CaseKind;
use crate::domain::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How a case ended without an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    Withdrawn,
    NotDataProtection,
    NotInvestigated,
    CorporateProcedure,
    BreachProcedure,
    /// More information was asked for and never came (004 §24; `waiting`).
    NoReply,
}

impl Ending {
    pub const ALL: [Ending; 6] = [
        Ending::Withdrawn,
        Ending::NotDataProtection,
        Ending::NotInvestigated,
        Ending::CorporateProcedure,
        Ending::BreachProcedure,
        Ending::NoReply,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Ending::Withdrawn => "withdrawn",
            Ending::NotDataProtection => "not_data_protection",
            Ending::NotInvestigated => "not_investigated",
            Ending::CorporateProcedure => "corporate_procedure",
            Ending::BreachProcedure => "breach_procedure",
            Ending::NoReply => "no_reply",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Ending::Withdrawn => "Withdrawn by the complainant",
            Ending::NotDataProtection => "Not a data protection complaint",
            Ending::NotInvestigated => "Not investigated",
            Ending::CorporateProcedure => "Handed to the corporate complaints procedure",
            Ending::BreachProcedure => "Handed to the breach procedure",
            Ending::NoReply => "No reply to a request for more information",
        }
    }

    pub fn parse(s: &str) -> Option<Ending> {
        Ending::ALL.into_iter().find(|e| e.id() == s)
    }

    /// What the handler must add: the label of the detail field, if the ending needs one.
    pub fn detail_label(self) -> Option<&'static str> {
        match self {
            Ending::NotDataProtection => Some("Where it was referred"),
            Ending::NotInvestigated => Some("Why it will not be investigated"),
            _ => None,
        }
    }
}

/// What a handler sends to end a case (the form's fields, as typed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndingInput {
    pub ending: String,
    /// Where it was referred (not a data protection complaint).
    pub referred_to: String,
    /// One of the configured reasons (not investigated).
    pub reason: String,
    /// Anything the letter should add, optional.
    pub note: String,
}

/// An ending with what it records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndingRecord {
    pub ending: Ending,
    pub referred_to: Option<Text>,
    pub reason: Option<String>,
    pub note: Option<Text>,
}

impl EndingRecord {
    /// Parses the form: the ending must be allowed for this kind of case, a referral needs
    /// where, and "not investigated" one of `reasons` (configuration).
    pub fn parse(
        input: &EndingInput,
        kind: CaseKind,
        reasons: &[String],
    ) -> Result<EndingRecord, Vec<FieldError>> {
        let mut errors = vec![];
        let ending = Ending::parse(&input.ending).filter(|e| ending_allowed(kind, *e));
        if ending.is_none() {
            errors.push(FieldError::new("ending", "Select how the case ends"));
        }
        let referred_to = Text::parse(
            &input.referred_to,
            "referred_to",
            "Where it was referred",
            limits::SHORT,
            Lines::One,
        )
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
        let note = Text::parse(&input.note, "note", "The note", limits::MEDIUM, Lines::Many)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let reason = reasons.iter().find(|r| **r == input.reason).cloned();
        match ending {
            Some(Ending::NotDataProtection) if referred_to.is_none() => errors.push(
                FieldError::new("referred_to", "Enter where the complaint was referred"),
            ),
            Some(Ending::NotInvestigated) if reason.is_none() => errors.push(FieldError::new(
                "reason",
                "Select why the complaint will not be investigated",
            )),
            _ => {}
        }
        match ending {
            Some(ending) if errors.is_empty() => Ok(EndingRecord {
                ending,
                referred_to: referred_to.filter(|_| ending == Ending::NotDataProtection),
                reason: reason.filter(|_| ending == Ending::NotInvestigated),
                note,
            }),
            _ => Err(errors),
        }
    }

    /// The line the history and the register show.
    /// What the history and the audit trail record: the ending and a configured reason,
    /// never where it was referred or what the letter added (typed text; SPEC "Retention").
    pub fn history(&self) -> String {
        match &self.reason {
            Some(why) => format!("{}: {why}", self.ending.label()),
            None => self.ending.label().to_string(),
        }
    }

    pub fn summary(&self) -> String {
        match (&self.referred_to, &self.reason) {
            (Some(to), _) => format!("{}: referred to {to}", self.ending.label()),
            (_, Some(why)) => format!("{}: {why}", self.ending.label()),
            _ => self.ending.label().to_string(),
        }
    }
}

/// The reasons for not investigating, by default (seed 000: "other reasons why we cannot
/// help you further"). Configurable. None is a time limit: a time limit for complaining is an
/// ombudsman's rule, with no basis in seed 004 or s.164A (issue 22).
pub fn default_not_investigated_reasons() -> Vec<String> {
    [
        "It was put right without an investigation",
        "It is already being dealt with, or has been decided, under another procedure",
        "It is the subject of legal proceedings",
        "An investigation would not achieve anything more",
    ]
    .into_iter()
    .map(str::to_string)
    .collect()
}

/// SPEC "Ending a case": a breach report is not a complaint until lodged after the breach
/// outcome. Tested by `each_ending_records_what_it_needs` (here) and
/// `a_breach_report_is_handled_as_one_and_a_later_complaint_is_a_linked_new_case` (server).
///
/// Whether this kind of case may end this way. A breach report is handed to the breach
/// procedure, withdrawn, or found not to be about personal data; never "not investigated"
/// under this procedure (it was never a complaint).
pub fn ending_allowed(kind: CaseKind, ending: Ending) -> bool {
    match kind {
        CaseKind::Complaint => true,
        CaseKind::BreachReport => matches!(
            ending,
            Ending::BreachProcedure | Ending::Withdrawn | Ending::NotDataProtection
        ),
    }
}

/// Everything staff can ask of a case's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Acknowledge,
    Investigate,
    SendOutcome,
    Close,
    End(Ending),
    Reopen,
    UpdateProgress,
    /// The plan, an interim measure or the findings (the status stays).
    RecordInvestigation,
    /// Ask the complainant for more information (004 §24), remind them, record their reply.
    AskForInformation,
    Remind,
    RecordReply,
}

impl Move {
    fn wording(self) -> &'static str {
        match self {
            Move::Acknowledge => "acknowledged",
            Move::Investigate => "investigated",
            Move::SendOutcome => "given an outcome",
            Move::Close => "closed",
            Move::End(_) => "ended this way",
            Move::Reopen => "reopened",
            Move::UpdateProgress => "given a progress update",
            Move::RecordInvestigation => "given an investigation record",
            Move::AskForInformation => "the subject of a request for more information",
            Move::Remind => "the subject of a reminder",
            Move::RecordReply => "given a reply",
        }
    }

    /// The status the case is in after the move.
    pub fn target(self, from: Status) -> Status {
        match self {
            Move::Acknowledge => Status::Acknowledged,
            Move::Investigate | Move::Reopen => Status::Investigating,
            Move::SendOutcome => Status::OutcomeSent,
            Move::Close | Move::End(_) => Status::Closed,
            Move::UpdateProgress
            | Move::RecordInvestigation
            | Move::AskForInformation
            | Move::Remind
            | Move::RecordReply => from,
        }
    }
}

/// SPEC "Ending a case" (every ending, reopening for review). Tested by
/// `the_moves_the_procedure_allows_and_no_others` (here) and, through the server,
/// `each_ending_closes_the_case_with_its_record_and_its_letter`.
///
/// Which moves the procedure allows from `status` for this kind of case.
pub fn allowed(kind: CaseKind, status: Status, m: Move) -> bool {
    use Status::*;
    match (kind, m) {
        (_, Move::End(e)) => {
            ending_allowed(kind, e) && matches!(status, Received | Acknowledged | Investigating)
        }
        // A breach report is not acknowledged, investigated or reviewed as a complaint.
        (CaseKind::BreachReport, _) => false,
        (_, Move::Acknowledge) => status == Received,
        (_, Move::Investigate) => status == Acknowledged,
        (_, Move::SendOutcome) => status == Investigating,
        (_, Move::Close) => status == OutcomeSent,
        (_, Move::Reopen) => status == Closed,
        (_, Move::UpdateProgress) => matches!(status, Acknowledged | Investigating),
        // Recorded while the complaint is worked (seed 004 §30–§36), not once decided.
        (_, Move::RecordInvestigation) => matches!(status, Acknowledged | Investigating),
        // While the complaint is open and undecided; whether anything is being waited for is
        // the clock's to say (`waiting`).
        (_, Move::AskForInformation | Move::Remind | Move::RecordReply) => {
            matches!(status, Received | Acknowledged | Investigating)
        }
    }
}

/// What can be done next from `status`, in words for staff: said with every refusal, so a
/// refusal tells the handler what to do first (issue 26). Tested by
/// `the_next_step_is_a_move_the_procedure_allows`.
pub fn next_step(kind: CaseKind, status: Status) -> &'static str {
    use Status::*;
    match (kind, status) {
        (CaseKind::BreachReport, Received | Acknowledged | Investigating) => {
            "Next: hand it to the breach procedure."
        }
        (CaseKind::BreachReport, _) => "Nothing more is done with it under this procedure.",
        (_, Received) => "Next: acknowledge it.",
        (_, Acknowledged) => "Next: start the investigation.",
        (_, Investigating) => "Next: record the outcome.",
        (_, OutcomeSent) => "Next: close it.",
        (_, Closed) => "It can only be reopened for review.",
    }
}

/// Checks a move by `actor`. Acknowledging needs no handler, nor does ending a case at
/// triage (still received: withdrawn, a referral, a breach report handed over); reopening is
/// open to any handler (a review may well be someone else's); everything else needs the
/// confirmed handler, or the DPO.
pub fn may(kind: CaseKind, h: &Handling, m: Move, actor: &str, role: Role) -> Result<(), Refusal> {
    if !allowed(kind, h.status, m) {
        return Err(Refusal::NotFromHere {
            now: h.status,
            wanted: m.wording(),
        });
    }
    let needs_handler = match m {
        Move::Acknowledge | Move::Reopen => false,
        // A breach report is handed over (or closed) at triage, whatever its status.
        Move::End(_) => h.status != Status::Received && kind == CaseKind::Complaint,
        _ => true,
    };
    if !needs_handler {
        return Ok(());
    }
    let Some(handler) = h.handler else {
        return Err(Refusal::NoHandler);
    };
    if !h.handler_confirmed {
        return Err(Refusal::HandlerNotConfirmed);
    }
    if handler != actor && role != Role::Dpo {
        return Err(Refusal::NotTheHandler);
    }
    Ok(())
}

/// A progress update (004 §34) as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgressInput {
    pub progress: String,
    pub revised_on: String,
    pub why: String,
}

/// A progress update: what has happened, the revised expected date and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressUpdate {
    pub progress: Text,
    pub revised_on: NaiveDate,
    pub why: Text,
}

impl ProgressUpdate {
    /// The revised date must be a real date after today (it is a promise to the person).
    pub fn parse(
        input: &ProgressInput,
        today: NaiveDate,
    ) -> Result<ProgressUpdate, Vec<FieldError>> {
        let mut errors = vec![];
        let mut required = |raw: &str, field: &str, label: &str, missing: &str| match Text::parse(
            raw,
            field,
            label,
            limits::MEDIUM,
            Lines::Many,
        ) {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                errors.push(FieldError::new(field, missing));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let progress = required(
            &input.progress,
            "progress",
            "What has happened",
            "Enter what has happened so far",
        );
        let why = required(
            &input.why,
            "why",
            "Why it will take longer",
            "Enter why it will take longer",
        );
        let revised =
            match super::receiving::date_field(&input.revised_on, "revised_on", "The revised date")
            {
                Ok(Some(d)) if d > today => Some(d),
                Ok(Some(_)) => {
                    errors.push(FieldError::new(
                        "revised_on",
                        "The revised date must be in the future",
                    ));
                    None
                }
                Ok(None) => {
                    errors.push(FieldError::new(
                        "revised_on",
                        "Enter the date you now expect to send the outcome",
                    ));
                    None
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            };
        match (progress, revised, why) {
            (Some(progress), Some(revised_on), Some(why)) if errors.is_empty() => {
                Ok(ProgressUpdate {
                    progress,
                    revised_on,
                    why,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The date the complainant now expects the outcome: the latest revised date, else the
/// three-month target.
pub fn expected_outcome(outcome_due: NaiveDate, revised: Option<NaiveDate>) -> NaiveDate {
    revised.unwrap_or(outcome_due)
}

/// How many days before the date the complainant was given staff are prompted for a progress
/// update, by default (`[procedure] update_warning_days`).
pub const UPDATE_WARNING_DAYS: u32 = 14;

/// SPEC "Keeping people informed" (004 §34, s.164A(5)(b): the complainant is told *before*
/// the outcome is late, when the investigation will take longer). Tested by
/// `an_update_is_prompted_before_the_date_given_passes` (here),
/// `a_progress_update_gives_a_revised_date_and_the_register_marks_cases_without_one` and
/// `an_update_is_prompted_before_the_target_on_the_case_the_register_and_the_digest` (server).
///
/// An open complaint without its outcome, within `warning_days` of the date the complainant
/// was last given (the three-month target, or the revised date of the last update) or past
/// it: "Update due" on the case, the register and the digest.
pub fn update_due(
    kind: CaseKind,
    status: Status,
    outcome_due: NaiveDate,
    revised: Option<NaiveDate>,
    today: NaiveDate,
    warning_days: u32,
) -> bool {
    kind == CaseKind::Complaint
        && matches!(
            status,
            Status::Received | Status::Acknowledged | Status::Investigating
        )
        && today + chrono::Days::new(warning_days.into()) >= expected_outcome(outcome_due, revised)
}

/// SPEC "Categories and triage": staff may reclassify a case either way, with a reason, while
/// it is not yet decided (a breach report the person meant as a complaint, or the reverse).
/// The case starts again from "received" as what it now is: a complaint needs its own
/// acknowledgement (a breach report's is not one), and a breach report has no complaint
/// status. Tested by `a_case_is_reclassified_either_way_until_it_is_decided` (here) and
/// `staff_reclassify_either_way_with_a_reason_that_stays_out_of_the_history` (server).
pub fn reclassified(kind: CaseKind, status: Status) -> Result<CaseKind, Refusal> {
    match status {
        Status::Received | Status::Acknowledged | Status::Investigating => Ok(match kind {
            CaseKind::Complaint => CaseKind::BreachReport,
            CaseKind::BreachReport => CaseKind::Complaint,
        }),
        now => Err(Refusal::NotFromHere {
            now,
            wanted: "reclassified",
        }),
    }
}

/// SPEC "Ending a case": a closed case may be reopened for review; the first outcome stays on
/// record. Tested by `a_review_gets_a_new_three_month_target` (here) and
/// `a_closed_case_reopened_for_review_keeps_its_first_outcome_and_ends_again` (server).
///
/// A review reopens a closed case with a new outcome target, three months from today as for
/// a new complaint (the acknowledgement deadline is not reset: it was met or missed once).
pub fn review_target(today: NaiveDate, calendar: &WorkingCalendar) -> NaiveDate {
    Deadlines::from_receipt(today, calendar).outcome_due
}

/// SPEC "Ending a case" (004 §18). Tested by
/// `a_complaint_after_a_breach_outcome_runs_from_the_day_it_was_lodged`.
///
/// A complaint lodged after a breach report's outcome: its deadlines run from the day it was
/// lodged, which cannot be before the report was received nor in the future.
pub fn lodged_after_breach(
    lodged_on: NaiveDate,
    report_received_on: NaiveDate,
    today: NaiveDate,
    calendar: &WorkingCalendar,
) -> Result<Deadlines, FieldError> {
    if lodged_on > today {
        return Err(FieldError::new(
            "lodged_on",
            "The date the complaint was lodged must be today or in the past",
        ));
    }
    if lodged_on < report_received_on {
        return Err(FieldError::new(
            "lodged_on",
            "The complaint cannot have been lodged before the breach report was received",
        ));
    }
    Ok(Deadlines::from_receipt(lodged_on, calendar))
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseKind::*;
    use Status::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const MOVES: [Move; 16] = [
        Move::Acknowledge,
        Move::Investigate,
        Move::SendOutcome,
        Move::Close,
        Move::End(Ending::Withdrawn),
        Move::End(Ending::NotDataProtection),
        Move::End(Ending::NotInvestigated),
        Move::End(Ending::CorporateProcedure),
        Move::End(Ending::BreachProcedure),
        Move::End(Ending::NoReply),
        Move::Reopen,
        Move::UpdateProgress,
        Move::RecordInvestigation,
        Move::AskForInformation,
        Move::Remind,
        Move::RecordReply,
    ];

    /// Every (kind, status, move) the procedure allows; everything else is refused.
    #[test]
    fn the_moves_the_procedure_allows_and_no_others() {
        let complaint_ends = [
            Ending::Withdrawn,
            Ending::NotDataProtection,
            Ending::NotInvestigated,
            Ending::CorporateProcedure,
            Ending::BreachProcedure,
            Ending::NoReply,
        ];
        let mut expected: Vec<(CaseKind, Status, Move)> = vec![
            (Complaint, Received, Move::Acknowledge),
            (Complaint, Acknowledged, Move::Investigate),
            (Complaint, Investigating, Move::SendOutcome),
            (Complaint, OutcomeSent, Move::Close),
            (Complaint, Closed, Move::Reopen),
            (Complaint, Acknowledged, Move::UpdateProgress),
            (Complaint, Investigating, Move::UpdateProgress),
            (Complaint, Acknowledged, Move::RecordInvestigation),
            (Complaint, Investigating, Move::RecordInvestigation),
        ];
        for s in [Received, Acknowledged, Investigating] {
            for e in complaint_ends {
                expected.push((Complaint, s, Move::End(e)));
            }
            for m in [Move::AskForInformation, Move::Remind, Move::RecordReply] {
                expected.push((Complaint, s, m));
            }
            for e in [
                Ending::BreachProcedure,
                Ending::Withdrawn,
                Ending::NotDataProtection,
            ] {
                expected.push((BreachReport, s, Move::End(e)));
            }
        }
        for kind in [Complaint, BreachReport] {
            for s in Status::ALL {
                for m in MOVES {
                    assert_eq!(
                        allowed(kind, s, m),
                        expected.contains(&(kind, s, m)),
                        "{kind:?} {s:?} {m:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_next_step_is_a_move_the_procedure_allows() {
        let said = [
            (Move::Acknowledge, "acknowledge it"),
            (Move::Investigate, "start the investigation"),
            (Move::SendOutcome, "record the outcome"),
            (Move::Close, "close it"),
            (Move::Reopen, "reopened for review"),
            (Move::End(Ending::BreachProcedure), "breach procedure"),
        ];
        for kind in [Complaint, BreachReport] {
            for s in Status::ALL {
                let next = next_step(kind, s);
                if kind == BreachReport && matches!(s, OutcomeSent | Closed) {
                    assert!(MOVES.iter().all(|m| !allowed(kind, s, *m)));
                    continue;
                }
                let named: Vec<Move> = said
                    .iter()
                    .filter(|(_, words)| next.contains(words))
                    .map(|(m, _)| *m)
                    .collect();
                assert_eq!(named.len(), 1, "{kind:?} {s:?}: {next}");
                assert!(allowed(kind, s, named[0]), "{kind:?} {s:?}: {next}");
            }
        }
    }

    #[test]
    fn each_move_lands_on_its_status() {
        assert_eq!(Move::End(Ending::Withdrawn).target(Acknowledged), Closed);
        assert_eq!(Move::Reopen.target(Closed), Investigating);
        assert_eq!(Move::UpdateProgress.target(Investigating), Investigating);
        assert_eq!(Move::SendOutcome.target(Investigating), OutcomeSent);
    }

    fn handling(
        status: Status,
        handler: Option<&'static str>,
        confirmed: bool,
    ) -> Handling<'static> {
        Handling {
            status,
            handler,
            handler_confirmed: confirmed,
        }
    }

    #[test]
    fn who_may_make_each_move() {
        let h = handling(Received, None, false);
        // At triage, before anyone handles it: acknowledge or end it.
        assert!(may(Complaint, &h, Move::Acknowledge, "kim", Role::Handler).is_ok());
        assert!(may(
            Complaint,
            &h,
            Move::End(Ending::Withdrawn),
            "kim",
            Role::Handler
        )
        .is_ok());
        assert!(may(
            BreachReport,
            &h,
            Move::End(Ending::BreachProcedure),
            "kim",
            Role::Handler
        )
        .is_ok());
        assert_eq!(
            may(BreachReport, &h, Move::Acknowledge, "kim", Role::Handler),
            Err(Refusal::NotFromHere {
                now: Received,
                wanted: "acknowledged"
            })
        );
        // Later, only the confirmed handler (or the DPO).
        let h = handling(Investigating, Some("sam"), true);
        assert!(may(
            Complaint,
            &h,
            Move::End(Ending::NotInvestigated),
            "sam",
            Role::Handler
        )
        .is_ok());
        assert_eq!(
            may(Complaint, &h, Move::UpdateProgress, "kim", Role::Handler),
            Err(Refusal::NotTheHandler)
        );
        assert!(may(Complaint, &h, Move::UpdateProgress, "dee", Role::Dpo).is_ok());
        let unconfirmed = handling(Investigating, Some("sam"), false);
        assert_eq!(
            may(
                Complaint,
                &unconfirmed,
                Move::End(Ending::Withdrawn),
                "sam",
                Role::Handler
            ),
            Err(Refusal::HandlerNotConfirmed)
        );
        // A review may be anyone's.
        let closed = handling(Closed, Some("sam"), true);
        assert!(may(Complaint, &closed, Move::Reopen, "kim", Role::Handler).is_ok());
    }

    #[test]
    fn each_ending_records_what_it_needs() {
        let reasons = default_not_investigated_reasons();
        let input = |ending: &str, referred: &str, reason: &str| EndingInput {
            ending: ending.into(),
            referred_to: referred.into(),
            reason: reason.into(),
            note: String::new(),
        };
        let w = EndingRecord::parse(&input("withdrawn", "", ""), Complaint, &reasons).unwrap();
        assert_eq!(w.ending, Ending::Withdrawn);
        assert_eq!(w.summary(), "Withdrawn by the complainant");
        let e = EndingRecord::parse(&input("not_data_protection", "", ""), Complaint, &reasons)
            .unwrap_err();
        assert_eq!(e[0].field, "referred_to");
        let r = EndingRecord::parse(
            &input("not_data_protection", "Housing complaints team", ""),
            Complaint,
            &reasons,
        )
        .unwrap();
        assert_eq!(
            r.summary(),
            "Not a data protection complaint: referred to Housing complaints team"
        );
        let e = EndingRecord::parse(
            &input("not_investigated", "", "made up"),
            Complaint,
            &reasons,
        )
        .unwrap_err();
        assert_eq!(e[0].field, "reason");
        let n = EndingRecord::parse(
            &input("not_investigated", "", &reasons[0]),
            Complaint,
            &reasons,
        )
        .unwrap();
        assert_eq!(n.reason.as_deref(), Some(reasons[0].as_str()));
        for id in ["corporate_procedure", "breach_procedure"] {
            assert!(EndingRecord::parse(&input(id, "", ""), Complaint, &reasons).is_ok());
        }
        // A breach report is never "not investigated" under the complaints procedure.
        let e = EndingRecord::parse(
            &input("not_investigated", "", &reasons[0]),
            BreachReport,
            &reasons,
        )
        .unwrap_err();
        assert_eq!(e[0].field, "ending");
        assert!(EndingRecord::parse(&input("nonsense", "", ""), Complaint, &reasons).is_err());
    }

    #[test]
    fn a_progress_update_needs_what_why_and_a_later_date() {
        let today = day("2026-11-25");
        let ok = ProgressUpdate::parse(
            &ProgressInput {
                progress: "We have the records.".into(),
                revised_on: "2027-01-15".into(),
                why: "The team is short of staff.".into(),
            },
            today,
        )
        .unwrap();
        assert_eq!(ok.revised_on, day("2027-01-15"));
        let errors = ProgressUpdate::parse(
            &ProgressInput {
                progress: String::new(),
                revised_on: "2026-11-25".into(),
                why: String::new(),
            },
            today,
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["progress", "why", "revised_on"]);
    }

    #[test]
    fn an_update_is_prompted_before_the_date_given_passes() {
        let due = day("2026-11-20");
        let w = UPDATE_WARNING_DAYS;
        let on =
            |status, revised, today| update_due(Complaint, status, due, revised, day(today), w);
        // Fourteen days ahead: not yet; from the fourteenth day before, and after it passes.
        assert!(!on(Investigating, None, "2026-11-05"));
        assert!(on(Investigating, None, "2026-11-06"));
        assert!(on(Received, None, "2026-11-20"));
        assert!(on(Acknowledged, None, "2026-11-21"));
        // An update with a revised date: prompted again from fourteen days before that date.
        let revised = Some(day("2027-01-15"));
        assert!(!on(Investigating, revised, "2026-12-01"));
        assert!(!on(Investigating, revised, "2026-12-31"));
        assert!(on(Investigating, revised, "2027-01-01"));
        assert!(on(Investigating, revised, "2027-01-16"));
        // The warning is configuration.
        assert!(update_due(
            Complaint,
            Investigating,
            due,
            None,
            day("2026-10-21"),
            30
        ));
        assert!(!update_due(
            Complaint,
            Investigating,
            due,
            None,
            day("2026-11-19"),
            0
        ));
        // Decided cases need no update; a breach report has no complaint target.
        assert!(!on(OutcomeSent, None, "2027-06-01"));
        assert!(!on(Closed, None, "2027-06-01"));
        assert!(!update_due(
            BreachReport,
            Received,
            due,
            None,
            day("2027-06-01"),
            w
        ));
        assert_eq!(
            expected_outcome(due, Some(day("2027-01-15"))),
            day("2027-01-15")
        );
    }

    /// Issue 22: the defaults are the procedure's own (seed 004, s.164A); a time limit for
    /// complaining is an ombudsman's rule.
    #[test]
    fn the_default_reasons_for_not_investigating_set_no_time_limit() {
        let reasons = default_not_investigated_reasons();
        assert!(!reasons.is_empty());
        for r in reasons {
            assert!(!r.contains("month") && !r.contains("year"), "{r}");
        }
    }

    #[test]
    fn a_review_gets_a_new_three_month_target() {
        let cal = WorkingCalendar::default();
        // 2026-11-25 + 3 months = 2027-02-25, a Thursday.
        assert_eq!(review_target(day("2026-11-25"), &cal), day("2027-02-25"));
    }

    #[test]
    fn a_complaint_after_a_breach_outcome_runs_from_the_day_it_was_lodged() {
        let cal = WorkingCalendar::default();
        let d = lodged_after_breach(
            day("2026-11-02"),
            day("2026-09-01"),
            day("2026-11-25"),
            &cal,
        )
        .unwrap();
        assert_eq!(d, Deadlines::from_receipt(day("2026-11-02"), &cal));
        // 2 November + 30 days = 2 December 2026 (a Wednesday).
        assert_eq!(d.acknowledge_by, day("2026-12-02"));
        assert!(lodged_after_breach(
            day("2026-08-31"),
            day("2026-09-01"),
            day("2026-11-25"),
            &cal
        )
        .is_err());
        assert!(lodged_after_breach(
            day("2026-11-26"),
            day("2026-09-01"),
            day("2026-11-25"),
            &cal
        )
        .is_err());
    }

    #[test]
    fn a_case_is_reclassified_either_way_until_it_is_decided() {
        for status in [Received, Acknowledged, Investigating] {
            assert_eq!(reclassified(Complaint, status), Ok(BreachReport));
            assert_eq!(reclassified(BreachReport, status), Ok(Complaint));
        }
        for status in [OutcomeSent, Closed] {
            assert!(reclassified(Complaint, status).is_err());
            assert!(reclassified(BreachReport, status).is_err());
        }
    }
}
