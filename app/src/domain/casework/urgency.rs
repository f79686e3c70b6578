//! How urgent a case is: its next deadline, and how that stands today (the register's order
//! and its red and yellow tags).

use super::status::Status;
use crate::domain::calendar::long_date;
use crate::domain::triage::CaseKind;
use chrono::NaiveDate;

/// What is due next on an open case, for sorting the register by urgency and flagging it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Acknowledgement(NaiveDate),
    Outcome(NaiveDate),
}

impl Due {
    pub fn date(self) -> NaiveDate {
        match self {
            Due::Acknowledgement(d) | Due::Outcome(d) => d,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Due::Acknowledgement(_) => "Acknowledgement",
            Due::Outcome(_) => "Outcome",
        }
    }
}

/// The next deadline of a case in `status`: the written acknowledgement until it is sent,
/// then the outcome until that is sent; nothing after. A breach report has no complaint
/// deadlines (seed 004 §18): the breach procedure has its own.
pub fn next_due(
    kind: CaseKind,
    status: Status,
    acknowledge_by: NaiveDate,
    outcome_due: NaiveDate,
) -> Option<Due> {
    if kind == CaseKind::BreachReport {
        return None;
    }
    match status {
        Status::Received => Some(Due::Acknowledgement(acknowledge_by)),
        Status::Acknowledged | Status::Investigating => Some(Due::Outcome(outcome_due)),
        Status::OutcomeSent | Status::Closed => None,
    }
}

/// How a deadline stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Overdue,
    /// Due within the next seven days.
    DueThisWeek,
    Later,
}

pub fn urgency(due: NaiveDate, today: NaiveDate) -> Urgency {
    if due < today {
        Urgency::Overdue
    } else if due <= today + chrono::Days::new(7) {
        Urgency::DueThisWeek
    } else {
        Urgency::Later
    }
}

/// "Overdue by 3 days", "Due today", "Due in 5 days": beside each deadline on the register.
pub fn due_phrase(due: NaiveDate, today: NaiveDate) -> String {
    let days = (due - today).num_days();
    match days {
        d if d < -1 => format!("Overdue by {} days", -d),
        -1 => "Overdue by 1 day".into(),
        0 => "Due today".into(),
        1 => "Due tomorrow".into(),
        d => format!("Due in {d} days ({})", long_date(due)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_next_deadline_follows_the_status() {
        let (a, o) = (d("2026-12-24"), d("2027-02-24"));
        assert_eq!(
            next_due(CaseKind::Complaint, Status::Received, a, o),
            Some(Due::Acknowledgement(a))
        );
        assert_eq!(
            next_due(CaseKind::Complaint, Status::Acknowledged, a, o),
            Some(Due::Outcome(o))
        );
        assert_eq!(
            next_due(CaseKind::Complaint, Status::Investigating, a, o),
            Some(Due::Outcome(o))
        );
        assert_eq!(
            next_due(CaseKind::Complaint, Status::OutcomeSent, a, o),
            None
        );
        assert_eq!(next_due(CaseKind::Complaint, Status::Closed, a, o), None);
        // A breach report: none at all (004 §18).
        assert_eq!(
            next_due(CaseKind::BreachReport, Status::Received, a, o),
            None
        );
    }

    #[test]
    fn urgency_and_its_wording() {
        let today = d("2026-11-24");
        assert_eq!(urgency(d("2026-11-23"), today), Urgency::Overdue);
        assert_eq!(urgency(today, today), Urgency::DueThisWeek);
        assert_eq!(urgency(d("2026-12-01"), today), Urgency::DueThisWeek);
        assert_eq!(urgency(d("2026-12-02"), today), Urgency::Later);
        assert_eq!(due_phrase(d("2026-11-21"), today), "Overdue by 3 days");
        assert_eq!(due_phrase(d("2026-11-23"), today), "Overdue by 1 day");
        assert_eq!(due_phrase(today, today), "Due today");
        assert_eq!(
            due_phrase(d("2026-11-29"), today),
            "Due in 5 days (29 November 2026)"
        );
    }
}
