//! The case register's filters (seed 004 §45): which cases a member of staff asks to see.
//! The store turns a query into SQL; the staff pages parse one from the register's form.

use super::Status;
use crate::domain::triage::CaseKind;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

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
    /// Only cases grouped under this incident.
    pub incident: Option<String>,
    /// Every matching row at once (for a download), up to `EXPORT_LIMIT`, not one page.
    pub all: bool,
    /// 1-based: which page this is, for "Showing 51 to 100"; the rows are found from a
    /// cursor when there is one, else by counting from the first (a typed-in `page=`).
    pub page: u32,
    /// The rows after this one in the register's order (the next page)…
    pub after: Option<RegisterCursor>,
    /// …or before it (the previous page).
    pub before: Option<RegisterCursor>,
    /// Rows a page (the register's 50 when none; a streamed download takes more at a time).
    pub size: Option<u32>,
}

/// A place in the register's order (open cases by their next deadline, earliest first; then
/// the rest, newest first; the id settles ties): a page starts after its predecessor's last
/// row, found through the order itself rather than by counting past every earlier row, so the
/// thousandth page costs what the first does. In a link as `2026-12-24~<micros>~<id>`, the
/// deadline `-` for a case with none; it names no person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterCursor {
    pub due: Option<NaiveDate>,
    pub received_at: DateTime<Utc>,
    pub id: Uuid,
}

impl RegisterCursor {
    pub fn id(&self) -> String {
        let due = self.due.map_or_else(|| "-".to_string(), |d| d.to_string());
        format!(
            "{due}~{}~{}",
            self.received_at.timestamp_micros(),
            self.id.simple()
        )
    }

    /// None for anything not made by `id` (a link edited by hand starts again from page 1).
    pub fn parse(s: &str) -> Option<RegisterCursor> {
        let mut parts = s.split('~');
        let due = match parts.next()? {
            "-" => None,
            d => Some(crate::domain::wire::read_date(d)?),
        };
        let received_at = DateTime::from_timestamp_micros(parts.next()?.parse().ok()?)?;
        let id = Uuid::try_parse(parts.next()?).ok()?;
        parts.next().is_none().then_some(RegisterCursor {
            due,
            received_at,
            id,
        })
    }
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
    /// Waiting for the complainant's reply to a request for more information.
    Reply,
    Handover,
}

impl Outstanding {
    pub const ALL: [Outstanding; 4] = [
        Outstanding::Identity,
        Outstanding::Clarification,
        Outstanding::Reply,
        Outstanding::Handover,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Outstanding::Identity => "identity",
            Outstanding::Clarification => "clarification",
            Outstanding::Reply => "reply",
            Outstanding::Handover => "handover",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outstanding::Identity => "Identity not yet verified",
            Outstanding::Clarification => "Clarification not yet received",
            Outstanding::Reply => "Waiting for the complainant",
            Outstanding::Handover => "Corporate hand-over not yet made",
        }
    }

    pub fn parse(s: &str) -> Option<Outstanding> {
        Outstanding::ALL.into_iter().find(|o| o.id() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_register_cursor_reads_back_what_it_wrote_and_nothing_else() {
        let at = DateTime::from_timestamp_micros(1_796_000_000_123_456).unwrap();
        for due in [None, NaiveDate::from_ymd_opt(2026, 12, 24)] {
            let c = RegisterCursor {
                due,
                received_at: at,
                id: Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
            };
            assert_eq!(RegisterCursor::parse(&c.id()), Some(c));
        }
        for bad in [
            "",
            "-",
            "-~1~",
            "2026-13-01~1~0123456789abcdef0123456789abcdef",
            "-~x~0123456789abcdef0123456789abcdef",
            "-~1~0123456789abcdef0123456789abcdef~more",
        ] {
            assert_eq!(RegisterCursor::parse(bad), None, "{bad}");
        }
    }
}
