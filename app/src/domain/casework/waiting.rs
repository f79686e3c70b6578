//! Waiting for the complainant (seed 004 §24; SPEC "Deadlines"; issue 26).
//!
//! When the handler needs more from the complainant to understand the complaint, they ask
//! (with a letter), and the outcome target stops until the reply is recorded: the council is
//! not late through the complainant's silence. The rules:
//!
//! - the **acknowledgement deadline never moves**: s.164A's 30 days run from receipt whatever
//!   the council is waiting for (`Clock::acknowledge_by` is never written here);
//! - asking stops the outcome clock only while the target has not passed: a case already late
//!   stays late (and a report for a period that has ended never changes, below);
//! - the reply on day `b` to a request of day `a` moves the target on by `b − a` days, to the
//!   next working day where that lands on a weekend or bank holiday; `paused_days` keeps how
//!   far every pause has moved it, so the three-month target is always
//!   `outcome_due − paused_days` (reports count the two apart);
//! - after `REMINDER_DAYS` without a reply the handler is prompted to remind (and again that
//!   long after each reminder); after `no_reply_days` (`[procedure] no_reply_days`, default
//!   `NO_REPLY_DAYS`) the case may be ended "no reply".
//!
//! Why a past report stays fixed: a pause that moves the target starts on or before it and
//! ends before the moved target (`a ≤ T` and `T + (b − a) ≥ b`). So a target that has come and
//! gone by the end of a period was already final then, and a case paused at a period's end
//! has its target after that end: the figures for the period read the same later.

use crate::domain::calendar::WorkingCalendar;
use chrono::{Days, NaiveDate};

/// How long without a reply before the handler is prompted to remind the complainant.
pub const REMINDER_DAYS: u32 = 14;
/// How long without a reply before the case may be ended "no reply", by default.
pub const NO_REPLY_DAYS: u32 = 28;

/// A request for more information that has not been answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    /// The day it was asked.
    pub since: NaiveDate,
    /// Whether the outcome clock stopped (it had not yet passed its target).
    pub stopped: bool,
    /// The day the last reminder was sent.
    pub reminded_on: Option<NaiveDate>,
}

/// A case's deadlines as waiting for the complainant moves them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub acknowledge_by: NaiveDate,
    /// The outcome target, moved on by every finished pause.
    pub outcome_due: NaiveDate,
    /// How many days pauses have moved the outcome target.
    pub paused_days: u32,
    pub waiting: Option<Waiting>,
}

/// Why a request, reply, reminder or "no reply" ending is refused, in words for staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitRefusal {
    AlreadyWaiting { since: NaiveDate },
    NotWaiting,
    ReplyBeforeRequest { since: NaiveDate },
    TooSoon { from: NaiveDate },
    StillWaiting { since: NaiveDate },
}

impl WaitRefusal {
    pub fn message(&self) -> String {
        use crate::domain::calendar::long_date;
        match self {
            WaitRefusal::AlreadyWaiting { since } => format!(
                "More information was already asked for on {}: record the reply, or send a reminder",
                long_date(*since)
            ),
            WaitRefusal::NotWaiting => {
                "Nothing has been asked of the complainant: ask for more information first".into()
            }
            WaitRefusal::ReplyBeforeRequest { since } => format!(
                "The reply cannot be before the request of {}",
                long_date(*since)
            ),
            WaitRefusal::TooSoon { from } => format!(
                "The complainant still has time to reply: the case can be ended without a reply from {}",
                long_date(*from)
            ),
            WaitRefusal::StillWaiting { since } => format!(
                "The case is waiting for the reply to the request of {}: record the reply first, or end the case without one once the time to reply has passed",
                long_date(*since)
            ),
        }
    }
}

impl Clock {
    /// The target the handler works to, or `None` while the clock is stopped.
    pub fn target(&self) -> Option<NaiveDate> {
        match self.waiting {
            Some(w) if w.stopped => None,
            _ => Some(self.outcome_due),
        }
    }

    /// The three-month target before any pause (SPEC "Deadlines").
    pub fn three_month_target(&self) -> NaiveDate {
        self.outcome_due - Days::new(self.paused_days.into())
    }

    /// SPEC "Deadlines" (004 §24). Tested by `asking_stops_the_outcome_clock_not_the_acknowledgement`.
    ///
    /// Asks on `on`: the clock stops if the target has not passed.
    pub fn ask(&self, on: NaiveDate) -> Result<Clock, WaitRefusal> {
        if let Some(w) = self.waiting {
            return Err(WaitRefusal::AlreadyWaiting { since: w.since });
        }
        Ok(Clock {
            waiting: Some(Waiting {
                since: on,
                stopped: on <= self.outcome_due,
                reminded_on: None,
            }),
            ..*self
        })
    }

    /// Tested by `the_reply_moves_the_target_by_the_days_waited`.
    ///
    /// The reply recorded on `on`: the clock runs again, the target moved on by the days
    /// waited (to a working day).
    pub fn reply(&self, on: NaiveDate, calendar: &WorkingCalendar) -> Result<Clock, WaitRefusal> {
        let w = self.waiting.ok_or(WaitRefusal::NotWaiting)?;
        if on < w.since {
            return Err(WaitRefusal::ReplyBeforeRequest { since: w.since });
        }
        let mut clock = Clock {
            waiting: None,
            ..*self
        };
        if w.stopped {
            let waited = (on - w.since).num_days().max(0) as u64;
            let moved = calendar.on_or_after(self.outcome_due + Days::new(waited));
            clock.paused_days += (moved - self.outcome_due).num_days().max(0) as u32;
            clock.outcome_due = moved;
        }
        Ok(clock)
    }

    /// Days the target has moved, and would move were the reply recorded `today`.
    pub fn days_paused(&self, today: NaiveDate) -> u32 {
        let ongoing = match self.waiting {
            Some(w) if w.stopped && today > w.since => (today - w.since).num_days() as u32,
            _ => 0,
        };
        self.paused_days + ongoing
    }

    /// Tested by `a_reminder_is_prompted_after_fourteen_days_and_again_after_each`.
    ///
    /// Whether the handler should remind the complainant: `REMINDER_DAYS` after the request
    /// or the last reminder.
    pub fn reminder_due(&self, today: NaiveDate) -> bool {
        self.waiting.is_some_and(|w| {
            today >= w.reminded_on.unwrap_or(w.since) + Days::new(REMINDER_DAYS.into())
        })
    }

    /// A reminder sent on `on` (the clock stays as it is).
    pub fn remind(&self, on: NaiveDate) -> Result<Clock, WaitRefusal> {
        let w = self.waiting.ok_or(WaitRefusal::NotWaiting)?;
        Ok(Clock {
            waiting: Some(Waiting {
                reminded_on: Some(on),
                ..w
            }),
            ..*self
        })
    }

    /// Tested by `no_reply_ends_a_case_only_after_the_days_allowed`.
    ///
    /// The outcome waits for the reply: while the clock is stopped its timeliness is unknown
    /// (and the complainant was promised the chance to answer).
    pub fn may_send_outcome(&self) -> Result<(), WaitRefusal> {
        match self.waiting {
            Some(w) => Err(WaitRefusal::StillWaiting { since: w.since }),
            None => Ok(()),
        }
    }

    /// Tested by `no_reply_ends_a_case_only_after_the_days_allowed`.
    ///
    /// A case may end "no reply" once `no_reply_days` have passed since the request.
    pub fn may_end_without_reply(
        &self,
        today: NaiveDate,
        no_reply_days: u32,
    ) -> Result<(), WaitRefusal> {
        let w = self.waiting.ok_or(WaitRefusal::NotWaiting)?;
        let from = w.since + Days::new(no_reply_days.into());
        if today < from {
            return Err(WaitRefusal::TooSoon { from });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn clock() -> Clock {
        // Received Thursday 1 October 2026.
        Clock {
            acknowledge_by: day("2026-11-02"),
            outcome_due: day("2027-01-04"),
            paused_days: 0,
            waiting: None,
        }
    }

    #[test]
    fn asking_stops_the_outcome_clock_not_the_acknowledgement() {
        let asked = clock().ask(day("2026-10-05")).unwrap();
        assert_eq!(asked.target(), None, "no outcome target runs while waiting");
        assert_eq!(asked.acknowledge_by, day("2026-11-02"));
        assert_eq!(
            asked.ask(day("2026-10-06")),
            Err(WaitRefusal::AlreadyWaiting {
                since: day("2026-10-05")
            })
        );
        let replied = asked
            .reply(day("2026-10-19"), &WorkingCalendar::default())
            .unwrap();
        assert_eq!(replied.acknowledge_by, day("2026-11-02"));
        // A case already past its target stays late: asking does not stop its clock.
        let late = clock().ask(day("2027-01-05")).unwrap();
        assert_eq!(late.target(), Some(day("2027-01-04")));
        let answered = late
            .reply(day("2027-02-01"), &WorkingCalendar::default())
            .unwrap();
        assert_eq!(answered.outcome_due, day("2027-01-04"));
        assert_eq!(answered.paused_days, 0);
    }

    #[test]
    fn the_reply_moves_the_target_by_the_days_waited() {
        let cal = WorkingCalendar::default();
        let asked = clock().ask(day("2026-10-05")).unwrap();
        assert_eq!(asked.days_paused(day("2026-10-12")), 7);
        assert_eq!(
            asked.reply(day("2026-10-04"), &cal),
            Err(WaitRefusal::ReplyBeforeRequest {
                since: day("2026-10-05")
            })
        );
        // 14 days: Monday 4 January 2027 + 14 = Monday 18 January.
        let replied = asked.reply(day("2026-10-19"), &cal).unwrap();
        assert_eq!(replied.outcome_due, day("2027-01-18"));
        assert_eq!(replied.target(), Some(day("2027-01-18")));
        assert_eq!(replied.paused_days, 14);
        assert_eq!(replied.three_month_target(), day("2027-01-04"));
        // 5 days would land on Saturday 9 January: the next working day, Monday 11.
        let short = asked.reply(day("2026-10-10"), &cal).unwrap();
        assert_eq!(short.outcome_due, day("2027-01-11"));
        assert_eq!(short.paused_days, 7);
        assert_eq!(short.three_month_target(), day("2027-01-04"));
        // A second pause adds to the first.
        let again = replied
            .ask(day("2026-11-02"))
            .unwrap()
            .reply(day("2026-11-09"), &cal)
            .unwrap();
        assert_eq!(again.outcome_due, day("2027-01-25"));
        assert_eq!(again.paused_days, 21);
        assert_eq!(again.three_month_target(), day("2027-01-04"));
        assert_eq!(
            again.reply(day("2026-11-10"), &cal),
            Err(WaitRefusal::NotWaiting)
        );
    }

    #[test]
    fn a_reminder_is_prompted_after_fourteen_days_and_again_after_each() {
        let asked = clock().ask(day("2026-10-05")).unwrap();
        assert!(!clock().reminder_due(day("2026-12-01")));
        assert!(!asked.reminder_due(day("2026-10-18")));
        assert!(asked.reminder_due(day("2026-10-19")));
        let reminded = asked.remind(day("2026-10-20")).unwrap();
        assert_eq!(
            reminded.target(),
            None,
            "a reminder leaves the clock stopped"
        );
        assert!(!reminded.reminder_due(day("2026-11-02")));
        assert!(reminded.reminder_due(day("2026-11-03")));
        assert_eq!(
            clock().remind(day("2026-10-20")),
            Err(WaitRefusal::NotWaiting)
        );
    }

    #[test]
    fn no_reply_ends_a_case_only_after_the_days_allowed() {
        assert_eq!(
            clock().may_end_without_reply(day("2027-01-01"), NO_REPLY_DAYS),
            Err(WaitRefusal::NotWaiting)
        );
        let asked = clock().ask(day("2026-10-05")).unwrap();
        assert_eq!(
            asked.may_end_without_reply(day("2026-11-01"), NO_REPLY_DAYS),
            Err(WaitRefusal::TooSoon {
                from: day("2026-11-02")
            })
        );
        assert_eq!(
            asked.may_end_without_reply(day("2026-11-02"), NO_REPLY_DAYS),
            Ok(())
        );
        assert_eq!(asked.may_end_without_reply(day("2026-10-15"), 10), Ok(()));
        assert_eq!(
            asked.may_send_outcome(),
            Err(WaitRefusal::StillWaiting {
                since: day("2026-10-05")
            })
        );
        assert_eq!(clock().may_send_outcome(), Ok(()));
        // A reminder does not restart the time allowed.
        let reminded = asked.remind(day("2026-10-20")).unwrap();
        assert_eq!(
            reminded.may_end_without_reply(day("2026-11-02"), NO_REPLY_DAYS),
            Ok(())
        );
    }

    /// The module comment's claim: a target that has passed by a period's end never moves
    /// again, and a case paused at a period's end has its target after it.
    #[test]
    fn a_past_target_never_moves_and_a_paused_case_is_due_after_the_period() {
        let cal = WorkingCalendar::default();
        let period_end = day("2026-12-31");
        // Paused across the end of the period: the moved target is after it.
        let across = Clock {
            outcome_due: day("2026-12-30"),
            ..clock()
        }
        .ask(day("2026-12-20"))
        .unwrap()
        .reply(day("2027-01-05"), &cal)
        .unwrap();
        assert!(across.outcome_due > period_end);
        // Past its target at the end of the period: a later request cannot move it.
        let passed = Clock {
            outcome_due: day("2026-12-30"),
            ..clock()
        };
        let later = passed
            .ask(day("2027-01-02"))
            .unwrap()
            .reply(day("2027-01-20"), &cal)
            .unwrap();
        assert_eq!(later.outcome_due, passed.outcome_due);
    }
}
