//! One change to a case, as the casework service (`server/src/casework.rs`) hands it to the
//! store, and what the history and the audit trail say of it.
//!
//! The words are a rule, so they live here once for both stores: the history and the audit
//! trail outlive the case file (SPEC "Retention": a reduced case keeps its history, erasure
//! keeps who did what), so they say what happened and never the person's details: a
//! correction names the fields it changed, not their values; a reclassification or review
//! its kinds and dates, not the reason typed (that stays on the case file, which retention
//! reduces); identity checks their day, not how. Tested by
//! `the_history_never_carries_what_was_typed_about_the_person`.

use super::{
    Clock, Closure, Correction, EndingRecord, Investigation, MpContact, NoteKind, Outcome,
    ProgressUpdate, Status,
};
use crate::domain::calendar::Deadlines;
use crate::domain::letter::Letter;
use crate::domain::messages::Route;
use crate::domain::reference::Reference;
use crate::domain::triage::CaseKind;
use chrono::NaiveDate;

/// Work recorded on a triage flag (seed 004 §23, §24, §26): once each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagWork {
    IdentityVerified { on: NaiveDate, how: String },
    ClarificationAsked { on: NaiveDate },
    ClarificationReceived { on: NaiveDate },
    HandoverMade { on: NaiveDate },
}

impl FlagWork {
    /// The flag named in the form's address (`/staff/cases/{reference}/flags/{flag}`).
    pub fn parse(flag: &str, on: NaiveDate, how: Option<String>) -> Option<FlagWork> {
        Some(match flag {
            "identity" => FlagWork::IdentityVerified { on, how: how? },
            "clarification-asked" => FlagWork::ClarificationAsked { on },
            "clarification-received" => FlagWork::ClarificationReceived { on },
            "handover" => FlagWork::HandoverMade { on },
            _ => return None,
        })
    }

    pub fn on(&self) -> NaiveDate {
        match self {
            FlagWork::IdentityVerified { on, .. }
            | FlagWork::ClarificationAsked { on }
            | FlagWork::ClarificationReceived { on }
            | FlagWork::HandoverMade { on } => *on,
        }
    }

    fn event(&self) -> &'static str {
        match self {
            FlagWork::IdentityVerified { .. } => "identity verified",
            FlagWork::ClarificationAsked { .. } => "clarification asked for",
            FlagWork::ClarificationReceived { .. } => "clarification received",
            FlagWork::HandoverMade { .. } => "handed to corporate complaints",
        }
    }
}

/// Which part of the investigation record a save changed (seed 004 §30, §33, §36).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvestigationPart {
    PlanRecorded,
    PlanChanged,
    Measure,
    Findings,
}

impl InvestigationPart {
    pub fn event(self) -> &'static str {
        match self {
            InvestigationPart::PlanRecorded => "investigation plan recorded",
            InvestigationPart::PlanChanged => "investigation plan changed",
            InvestigationPart::Measure => "interim measure recorded",
            InvestigationPart::Findings => "findings recorded",
        }
    }
}

/// Every change staff make to a case, with what it records. The store applies one in one
/// transaction with its history and audit entries and (for a letter) its message, and only
/// while the case is as the change expects (else nothing is written: "stale").
// One per request, moved once: boxing the large variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum CaseChange {
    Note {
        kind: NoteKind,
        body: String,
    },
    /// `confirmed` when the handler assigned themself and confirmed their independence.
    Assign {
        handler: String,
        confirmed: bool,
    },
    ConfirmIndependence,
    /// With a route, the letter is queued and the case moves on once it has gone; without
    /// one (no written address), staff acknowledged it themselves and it moves on now.
    Acknowledge {
        letter: Letter,
        route: Option<Route>,
    },
    Investigate,
    /// As for the acknowledgement: "outcome sent" once the letter has gone.
    SendOutcome {
        outcome: Outcome,
        letter: Letter,
        route: Option<Route>,
    },
    Close {
        closure: Closure,
    },
    End {
        record: EndingRecord,
        letter: Letter,
        route: Option<Route>,
    },
    Progress {
        update: ProgressUpdate,
        letter: Letter,
        route: Option<Route>,
    },
    /// Back at "received" as the other kind, with deadlines from receipt; the reason is kept
    /// with the case.
    Reclassify {
        from: CaseKind,
        to: CaseKind,
        deadlines: Deadlines,
        reason: String,
    },
    /// The whole investigation record as it is to be saved.
    Investigation {
        record: Investigation,
        part: InvestigationPart,
    },
    /// Back to investigating with a new outcome target; the reason is on the review's record.
    Reopen {
        reason: String,
        outcome_due: NaiveDate,
    },
    ActionDone {
        id: i64,
        done_on: NaiveDate,
        note: Option<String>,
    },
    Mp(MpContact),
    Flag(FlagWork),
    Correct(Correction),
    /// A breach report and the complaint lodged after its outcome (004 §18).
    LinkLodged {
        complaint: Reference,
    },
    /// Waiting for the complainant (004 §24, `waiting`): the clock as the form saw it and as
    /// it is to be (the store writes it only if it is still as seen). A request and a
    /// reminder send their letter; what was asked is in the letter, never the history.
    Wait {
        before: Clock,
        after: Clock,
        step: WaitStep,
    },
    /// Grouped under an incident (issue 26), or taken out of it; only if the label is still
    /// the one the form saw.
    Label {
        before: Option<String>,
        incident: Option<String>,
    },
}

/// What a change to the waiting clock is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitStep {
    Ask {
        letter: Letter,
        route: Option<Route>,
    },
    Remind {
        letter: Letter,
        route: Option<Route>,
    },
    Reply,
}

/// What the history and the audit trail say of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The case history's words.
    pub event: String,
    /// The audit trail's words.
    pub action: String,
    pub detail: Option<String>,
}

impl Entry {
    fn new(event: &str, action: &str, detail: impl Into<Option<String>>) -> Entry {
        Entry {
            event: event.into(),
            action: action.into(),
            detail: detail.into().filter(|d| !d.is_empty()),
        }
    }
}

/// How a letter left, for the history.
fn sent(route: Option<Route>) -> String {
    match route {
        Some(route) => format!("letter {}", queued(route)),
        None => "letter to send by hand (no written address)".into(),
    }
}

fn queued(route: Route) -> &'static str {
    match route {
        Route::Email => "to be emailed",
        Route::Post => "in the print queue",
    }
}

/// "status: closed": the audit trail's words for a move along the statuses.
fn status_action(status: Status) -> String {
    format!("status: {}", status.label().to_lowercase())
}

impl CaseChange {
    /// The route of the letter this change queues, if it queues one before the case moves on
    /// (the outbox moves it on once the letter has gone).
    pub fn queues(&self) -> Option<Route> {
        match self {
            CaseChange::Acknowledge { route, .. } | CaseChange::SendOutcome { route, .. } => *route,
            _ => None,
        }
    }

    /// The status a move along the straight line reaches (acknowledge, investigate, outcome,
    /// close); none for every other change.
    pub fn target(&self) -> Option<Status> {
        Some(match self {
            CaseChange::Acknowledge { .. } => Status::Acknowledged,
            CaseChange::Investigate => Status::Investigating,
            CaseChange::SendOutcome { .. } => Status::OutcomeSent,
            CaseChange::Close { .. } => Status::Closed,
            _ => return None,
        })
    }

    /// What the history and the audit trail say of this change.
    pub fn entry(&self) -> Entry {
        use CaseChange as C;
        let moved = |target: Status| status_action(target);
        match self {
            C::Note { kind, .. } => {
                Entry::new("note added", "added a note", kind.label().to_string())
            }
            C::Assign { handler, confirmed } => {
                let how = if *confirmed {
                    "independence confirmed"
                } else {
                    "awaiting their confirmation of independence"
                };
                Entry::new(
                    "handler assigned",
                    "assigned a handler",
                    format!("{handler} ({how})"),
                )
            }
            C::ConfirmIndependence => Entry::new(
                "handler confirmed independence",
                "confirmed independence",
                None,
            ),
            C::Acknowledge {
                route: Some(route), ..
            } => {
                let event = "acknowledgement queued";
                Entry::new(event, event, queued(*route).to_string())
            }
            C::Acknowledge { route: None, .. } => Entry::new(
                "acknowledged",
                &moved(Status::Acknowledged),
                "acknowledgement letter recorded".to_string(),
            ),
            C::Investigate => {
                Entry::new("investigation started", &moved(Status::Investigating), None)
            }
            C::SendOutcome { outcome, route, .. } => {
                let label = outcome.category.label();
                match route {
                    Some(route) => Entry::new(
                        "outcome recorded",
                        "outcome recorded",
                        format!("outcome: {label}; letter {}", queued(*route)),
                    ),
                    None => Entry::new(
                        "outcome sent",
                        &moved(Status::OutcomeSent),
                        format!("outcome: {label}"),
                    ),
                }
            }
            C::Close { closure } => Entry::new(
                "closed",
                &moved(Status::Closed),
                format!("{} improvement action(s)", closure.improvements.len()),
            ),
            C::End { record, route, .. } => Entry::new(
                "closed",
                &moved(Status::Closed),
                format!("{}; {}", record.history(), sent(*route)),
            ),
            C::Progress { update, route, .. } => Entry::new(
                "progress update",
                "progress update",
                format!(
                    "outcome now expected by {}; {}",
                    update.revised_on,
                    sent(*route)
                ),
            ),
            C::Reclassify { from, to, .. } => Entry::new(
                "reclassified",
                "reclassified",
                format!(
                    "{} to {}",
                    from.label().to_lowercase(),
                    to.label().to_lowercase()
                ),
            ),
            C::Investigation { part, .. } => Entry::new(part.event(), part.event(), None),
            C::Reopen { outcome_due, .. } => Entry::new(
                "reopened for review",
                "reopened for review",
                format!("new outcome target {outcome_due}"),
            ),
            // The action by its number: its words are in the case file, not the history.
            C::ActionDone { id, done_on, .. } => Entry::new(
                "action done",
                "action done",
                format!("action {id} done {done_on}"),
            ),
            // The MP's name and address are in the case file, not the history.
            C::Mp(mp) => {
                let how = match mp.route() {
                    Route::Email => "email",
                    Route::Post => "post",
                };
                Entry::new(
                    "MP's details recorded",
                    "recorded the MP's details",
                    format!("copies by {how}"),
                )
            }
            C::Flag(work) => Entry::new(work.event(), work.event(), work.on().to_string()),
            C::Correct(correction) => {
                let fields: Vec<&str> = correction
                    .changes
                    .iter()
                    .map(|c| c.label.as_str())
                    .collect();
                Entry::new(
                    "details corrected",
                    "corrected details",
                    format!("changed: {}", fields.join(", ")),
                )
            }
            C::LinkLodged { complaint } => Entry::new(
                "complaint lodged",
                "complaint lodged from a breach report",
                format!("complaint {complaint} lodged after the breach outcome"),
            ),
            // An incident's name is the council's (a mailing, a system), not the person's.
            C::Label { incident, .. } => match incident {
                Some(label) => {
                    Entry::new("incident label set", "labelled an incident", label.clone())
                }
                None => Entry::new("incident label removed", "removed an incident label", None),
            },
            C::Wait { after, step, .. } => match step {
                WaitStep::Ask { route, .. } => {
                    let clock = if after.target().is_none() {
                        "outcome target paused"
                    } else {
                        "outcome target had already passed, so it is not paused"
                    };
                    Entry::new(
                        "more information asked for",
                        "asked for more information",
                        format!("{clock}; {}", sent(*route)),
                    )
                }
                WaitStep::Remind { route, .. } => {
                    Entry::new("reminder sent", "reminded the complainant", sent(*route))
                }
                WaitStep::Reply => Entry::new(
                    "reply received",
                    "recorded the complainant's reply",
                    format!(
                        "outcome target {} ({} days paused in all)",
                        after.outcome_due, after.paused_days
                    ),
                ),
            },
        }
    }
}

/// The history entry of the complaint lodged from breach report `report`.
pub fn lodged_from(report: &Reference) -> Entry {
    Entry::new(
        "from a breach report",
        "from a breach report",
        format!("lodged after the outcome of breach report {report}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::casework::FieldChange;
    use crate::domain::complaint::{Complaint, ComplaintInput};
    use crate::domain::text::{limits, Lines, Text};

    fn text(s: &str) -> Text {
        Text::parse(s, "f", "F", limits::MEDIUM, Lines::Many)
            .unwrap()
            .unwrap()
    }

    fn said(c: &CaseChange) -> String {
        let e = c.entry();
        format!("{} {} {}", e.event, e.action, e.detail.unwrap_or_default())
    }

    #[test]
    fn the_history_never_carries_what_was_typed_about_the_person() {
        let on = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let taxonomy = crate::domain::taxonomy::Taxonomy::default();
        let complaint = Complaint::parse(&ComplaintInput::example(), &taxonomy).unwrap();
        let typed = [
            (
                CaseChange::Flag(FlagWork::IdentityVerified {
                    on,
                    how: "Zq passport 123".into(),
                }),
                "Zq passport",
            ),
            (
                CaseChange::Reclassify {
                    from: CaseKind::Complaint,
                    to: CaseKind::BreachReport,
                    deadlines: Deadlines {
                        acknowledge_by: on,
                        outcome_due: on,
                    },
                    reason: "Zq told us about their neighbour".into(),
                },
                "Zq told",
            ),
            (
                CaseChange::Reopen {
                    reason: "Zq unhappy with Mrs Smith".into(),
                    outcome_due: on,
                },
                "Zq unhappy",
            ),
            (
                CaseChange::ActionDone {
                    id: 4,
                    done_on: on,
                    note: Some("Zq apologised to Mr Jones".into()),
                },
                "Zq apologised",
            ),
            (
                CaseChange::Correct(Correction {
                    complaint,
                    changes: vec![FieldChange {
                        label: "Full name".into(),
                        old: "Zq Old Name".into(),
                        new: "Zq New Name".into(),
                    }],
                    reason: text("Zq married"),
                }),
                "Zq",
            ),
            (
                CaseChange::Note {
                    kind: NoteKind::Note,
                    body: "Zq rang about her son".into(),
                },
                "Zq",
            ),
        ];
        for (change, planted) in typed {
            let words = said(&change);
            assert!(!words.contains(planted), "{change:?} said {words}");
            assert!(!words.is_empty());
        }
        let linked = said(&CaseChange::LinkLodged {
            complaint: Reference::from_random(7),
        });
        assert!(linked.contains(&Reference::from_random(7).to_string()));
    }

    #[test]
    fn a_letter_queued_waits_and_one_without_a_route_moves_the_case_now() {
        let letter = Letter {
            subject: "S".into(),
            body: "B".into(),
        };
        let queued = CaseChange::Acknowledge {
            letter: letter.clone(),
            route: Some(Route::Post),
        };
        assert_eq!(queued.queues(), Some(Route::Post));
        assert_eq!(queued.entry().action, "acknowledgement queued");
        let by_hand = CaseChange::Acknowledge {
            letter,
            route: None,
        };
        assert_eq!(by_hand.queues(), None);
        assert_eq!(by_hand.entry().action, "status: acknowledged");
        assert_eq!(
            CaseChange::Investigate.target(),
            Some(Status::Investigating)
        );
        assert_eq!(CaseChange::ConfirmIndependence.target(), None);
    }
}
