//! The case register's filters (seed 004 §45): which cases a member of staff asks to see.
//! The store turns a query into SQL; the staff pages parse one from the register's form.

use super::Status;
use crate::domain::triage::CaseKind;
use chrono::NaiveDate;

/// Which cases the register shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterQuery {
    pub team: Option<String>,
    pub status: Option<Status>,
    /// Only cases still open (the default view).
    pub open_only: bool,
    pub category: Option<String>,
    pub due: Option<DueFilter>,
    pub handler: Option<String>,
    /// Only cases nobody handles yet.
    pub unassigned: bool,
    /// Leave out restricted cases (for everyone but the DPO).
    pub hide_restricted: bool,
    /// Only cases with this triage flag still to work.
    pub outstanding: Option<Outstanding>,
    /// Received on or after / on or before these UK days.
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    pub kind: Option<CaseKind>,
    /// How the case ended: an outcome category or another ending's id.
    pub ended: Option<String>,
    /// Every matching row at once (for a download), up to `EXPORT_LIMIT`, not one page.
    pub all: bool,
    /// 1-based.
    pub page: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueFilter {
    Overdue,
    ThisWeek,
}

impl DueFilter {
    pub fn id(self) -> &'static str {
        match self {
            DueFilter::Overdue => "overdue",
            DueFilter::ThisWeek => "this_week",
        }
    }

    pub fn parse(s: &str) -> Option<DueFilter> {
        match s {
            "overdue" => Some(DueFilter::Overdue),
            "this_week" => Some(DueFilter::ThisWeek),
            _ => None,
        }
    }
}

/// A triage flag still to be worked (seed 004 §23, §24, §26).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outstanding {
    Identity,
    Clarification,
    Handover,
}

impl Outstanding {
    pub const ALL: [Outstanding; 3] = [
        Outstanding::Identity,
        Outstanding::Clarification,
        Outstanding::Handover,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Outstanding::Identity => "identity",
            Outstanding::Clarification => "clarification",
            Outstanding::Handover => "handover",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outstanding::Identity => "Identity not yet verified",
            Outstanding::Clarification => "Clarification not yet received",
            Outstanding::Handover => "Corporate hand-over not yet made",
        }
    }

    pub fn parse(s: &str) -> Option<Outstanding> {
        Outstanding::ALL.into_iter().find(|o| o.id() == s)
    }
}
