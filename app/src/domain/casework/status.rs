//! Where a case is and who may move it on (seed 004 §27–§46, §30).

use serde::{Deserialize, Serialize};

/// Where a case is (seed 004 §27–§45). It moves forward one step at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Received,
    Acknowledged,
    Investigating,
    OutcomeSent,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Received,
        Status::Acknowledged,
        Status::Investigating,
        Status::OutcomeSent,
        Status::Closed,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Acknowledged => "acknowledged",
            Status::Investigating => "investigating",
            Status::OutcomeSent => "outcome_sent",
            Status::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Received => "Received",
            Status::Acknowledged => "Acknowledged",
            Status::Investigating => "Investigating",
            Status::OutcomeSent => "Outcome sent",
            Status::Closed => "Closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|r| r.id() == s)
    }

    pub fn is_open(self) -> bool {
        self != Status::Closed
    }
}

/// Why a requested change cannot be made, in words for the member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The procedure does not allow this from where the case is.
    NotFromHere {
        now: Status,
        wanted: &'static str,
    },
    NoHandler,
    HandlerNotConfirmed,
    NotTheHandler,
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::NotFromHere { now, wanted } => format!(
                "This case is {}; it cannot be {wanted} from there",
                now.label().to_lowercase()
            ),
            Refusal::NoHandler => "Assign a handler to this case first".into(),
            Refusal::HandlerNotConfirmed => {
                "The handler must first confirm they did not work on the processing complained about".into()
            }
            Refusal::NotTheHandler => {
                "Only the case's handler or the Data Protection Officer can do this".into()
            }
        }
    }
}

/// Who handles a case, and whether they confirmed their independence (seed 004 §30).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handling<'a> {
    pub status: Status,
    pub handler: Option<&'a str>,
    pub handler_confirmed: bool,
}

/// The statement a handler confirms before taking a case (seed 004 §30).
pub const INDEPENDENCE: &str =
    "I confirm I have not worked on any part of the processing of personal information that this complaint is about";

/// Why an assignment is refused, in words for the member of staff, and the field it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignRefusal {
    /// A closed case keeps the handler who closed it.
    Closed,
    /// Not an active account that may handle cases.
    NotAHandler,
    /// Assigning yourself is taking the case: confirm your independence as you do.
    ConfirmYourOwn,
    /// Nobody can confirm another person's independence for them.
    NotYoursToConfirm,
}

impl AssignRefusal {
    pub fn field(self) -> &'static str {
        match self {
            AssignRefusal::Closed | AssignRefusal::NotAHandler => "handler",
            AssignRefusal::ConfirmYourOwn | AssignRefusal::NotYoursToConfirm => "independent",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            AssignRefusal::Closed => "This case is closed",
            AssignRefusal::NotAHandler => "Select a handler",
            AssignRefusal::ConfirmYourOwn => {
                "Confirm you have not worked on the processing this complaint is about, or assign someone else"
            }
            AssignRefusal::NotYoursToConfirm => {
                "Only the handler can confirm their own independence: untick the box to assign someone else"
            }
        }
    }
}

/// An assignment request: who is asked to handle the case, whether they may, and whether the
/// person assigning ticked the independence statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment<'a> {
    pub candidate: &'a str,
    /// The candidate is an active account with at least the handler role.
    pub candidate_may_handle: bool,
    pub actor: &'a str,
    pub independence_ticked: bool,
}

/// Checks an assignment (seed 004 §30: the handler must not have worked on the processing
/// complained about, and only they can say so). Returns whether the handler's independence is
/// confirmed by it: true when staff assign themselves (ticking the statement), false when
/// they assign someone else, who then confirms on the case before working it.
pub fn may_assign(status: Status, a: &Assignment) -> Result<bool, AssignRefusal> {
    if !status.is_open() {
        return Err(AssignRefusal::Closed);
    }
    if !a.candidate_may_handle {
        return Err(AssignRefusal::NotAHandler);
    }
    let themself = a.candidate == a.actor;
    match (themself, a.independence_ticked) {
        (true, false) => Err(AssignRefusal::ConfirmYourOwn),
        (false, true) => Err(AssignRefusal::NotYoursToConfirm),
        (themself, _) => Ok(themself),
    }
}

/// Checks that `actor` may confirm their independence on this case now: they are its
/// assigned handler, have not confirmed yet, and the case is open.
pub fn may_confirm(h: &Handling, actor: &str) -> bool {
    h.status.is_open() && h.handler == Some(actor) && !h.handler_confirmed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(
        candidate: &'static str,
        may: bool,
        actor: &'static str,
        ticked: bool,
    ) -> Assignment<'static> {
        Assignment {
            candidate,
            candidate_may_handle: may,
            actor,
            independence_ticked: ticked,
        }
    }

    #[test]
    fn assigning_yourself_confirms_independence_and_nobody_confirms_for_another() {
        let open = Status::Acknowledged;
        assert_eq!(
            may_assign(open, &asking("sam", true, "sam", true)),
            Ok(true)
        );
        assert_eq!(
            may_assign(open, &asking("kim", true, "sam", false)),
            Ok(false)
        );
        assert_eq!(
            may_assign(open, &asking("sam", true, "sam", false)),
            Err(AssignRefusal::ConfirmYourOwn)
        );
        assert_eq!(
            may_assign(open, &asking("kim", true, "sam", true)),
            Err(AssignRefusal::NotYoursToConfirm)
        );
        assert_eq!(
            may_assign(open, &asking("ivy", false, "sam", false)),
            Err(AssignRefusal::NotAHandler)
        );
        assert_eq!(
            may_assign(Status::Closed, &asking("sam", true, "sam", true)),
            Err(AssignRefusal::Closed)
        );
        assert_eq!(AssignRefusal::ConfirmYourOwn.field(), "independent");
        assert_eq!(AssignRefusal::NotAHandler.field(), "handler");
    }

    #[test]
    fn only_the_assigned_handler_confirms_once_on_an_open_case() {
        let h = Handling {
            status: Status::Acknowledged,
            handler: Some("kim"),
            handler_confirmed: false,
        };
        assert!(may_confirm(&h, "kim"));
        assert!(!may_confirm(&h, "sam"));
        assert!(!may_confirm(
            &Handling {
                handler_confirmed: true,
                ..h.clone()
            },
            "kim"
        ));
        assert!(!may_confirm(
            &Handling {
                status: Status::Closed,
                ..h
            },
            "kim"
        ));
    }
}
