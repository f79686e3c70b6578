//! The figures of the quarterly report (SPEC.md "Reporting"; seed 004 §45–§49) and the
//! number for the ICO (DPA 2018 s.164B), worked out from what every case keeps for good (the
//! retention summary), so last year's figures do not change when personal data is deleted.
//!
//! Counting rules:
//! - a period is a run of whole UK days, `from` to `to` inclusive; a case belongs to the day
//!   it was received (a UK day, so the hour of the BST change cannot move it);
//! - breach reports are shown apart and never counted as complaints (004 §18);
//! - acknowledged in time: the written acknowledgement went on or before its deadline, which
//!   already counts 30 days from the day after receipt and rolls a weekend or bank holiday to
//!   the next working day (`calendar::Deadlines`); the days taken are counted from receipt;
//! - outcome in time: by the three-month target, or by the revised date a progress update
//!   gave (counted apart, 004 §34);
//! - a case's timeliness and ending are fixed by its first decision (SPEC "Reporting": a report
//!   for a past period never changes); a case reopened for review is still one complaint,
//!   counted on the day it was received, and its review is counted apart, in the period the
//!   review ends (`ReviewFacts`).

use crate::domain::casework::{Ending, OutcomeCategory, Status};
use crate::domain::complaint::Channel;
use crate::domain::triage::CaseKind;
use chrono::{Datelike, Months, NaiveDate};
use std::collections::BTreeMap;

/// What a report needs of one case (all of it survives retention).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub kind: CaseKind,
    /// Shared: a report holds 100,000 of these and only a few dozen distinct values.
    pub category: std::sync::Arc<str>,
    pub team: std::sync::Arc<str>,
    pub channel: Channel,
    pub status: Status,
    pub received_on: NaiveDate,
    pub acknowledge_by: NaiveDate,
    pub outcome_due: NaiveDate,
    pub revised_due: Option<NaiveDate>,
    /// UK days.
    pub acknowledged_on: Option<NaiveDate>,
    pub outcome_sent_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<OutcomeCategory>,
    pub ending: Option<Ending>,
    /// The UK day the case first had a handler.
    pub assigned_on: Option<NaiveDate>,
    /// Waiting for the complainant with the outcome clock stopped since this day
    /// (`casework::waiting`): the outcome target is not yet known.
    pub paused_since: Option<NaiveDate>,
    /// How far waiting for the complainant has moved the outcome target.
    pub paused_days: u32,
}

/// A review that ended: when, and how (reviews are counted apart from first decisions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewFacts {
    /// The UK day the review's case was closed again.
    pub ended_on: NaiveDate,
    pub outcome: Option<OutcomeCategory>,
    pub ending: Option<Ending>,
}

/// Everything a report reads, as the store hands it over.
#[derive(Debug, Clone, Default)]
pub struct ReportFacts {
    /// Each case with its first decision's dates and ending (not a review's).
    pub cases: Vec<CaseFacts>,
    pub actions: Vec<ActionFacts>,
    pub reviews: Vec<ReviewFacts>,
}

/// What a report needs of one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionFacts {
    pub raised_on: NaiveDate,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

/// A recommendation of the DPO in the quarterly report (SPEC "Reporting", seed 004 §47):
/// what should change, who owns it and the date for completion; followed up like actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    pub text: crate::domain::text::Text,
    pub owner: crate::domain::text::Text,
    pub due_on: NaiveDate,
}

impl Recommendation {
    /// What the audit trail says of a recommendation: its report and date, not its words.
    pub fn audit_detail(&self, period: Period) -> String {
        format!(
            "report {} to {}; due {}",
            period.from, period.to, self.due_on
        )
    }

    /// SPEC "Reporting": each recommendation has an owner and a date for completion (today or
    /// later). Tested by `a_recommendation_needs_an_owner_and_a_date_for_completion`.
    pub fn parse(
        text: &str,
        owner: &str,
        due_on: &str,
        today: NaiveDate,
    ) -> Result<Recommendation, Vec<crate::domain::FieldError>> {
        use crate::domain::text::{limits, Lines, Text};
        use crate::domain::FieldError;
        let mut errors = vec![];
        let mut required = |raw: &str, field: &str, label: &str, max, lines, missing: &str| {
            Text::required(raw, field, label, max, lines, missing)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let text = required(
            text,
            "recommendation",
            "The recommendation",
            limits::MEDIUM,
            Lines::Many,
            "Enter the recommendation",
        );
        let owner = required(
            owner,
            "owner",
            "The owner",
            limits::SHORT,
            Lines::One,
            "Enter who owns the recommendation",
        );
        let due_on = match NaiveDate::parse_from_str(due_on.trim(), "%Y-%m-%d") {
            Ok(d) if d >= today => Some(d),
            Ok(_) => {
                errors.push(FieldError::new(
                    "due_on",
                    "The date for completion must be today or in the future",
                ));
                None
            }
            Err(_) if due_on.trim().is_empty() => {
                errors.push(FieldError::new("due_on", "Enter the date for completion"));
                None
            }
            Err(_) => {
                errors.push(FieldError::new(
                    "due_on",
                    "The date for completion must be a real date, like 2027-03-31",
                ));
                None
            }
        };
        match (text, owner, due_on) {
            (Some(text), Some(owner), Some(due_on)) => Ok(Recommendation {
                text,
                owner,
                due_on,
            }),
            _ => Err(errors),
        }
    }
}

/// The years a report may cover.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2999;

/// Whole UK days, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The calendar quarter (January–March, …) holding `day`.
    pub fn quarter_of(day: NaiveDate) -> Period {
        let first_month = (day.month0() / 3) * 3 + 1;
        let from = NaiveDate::from_ymd_opt(day.year(), first_month, 1).expect("a real month");
        let to = from
            .checked_add_months(Months::new(3))
            .and_then(|d| d.pred_opt())
            .expect("dates stay far from the end of the calendar");
        Period { from, to }
    }

    /// The last quarter that has ended by `today`.
    pub fn last_complete_quarter(today: NaiveDate) -> Period {
        Period::quarter_of(
            Period::quarter_of(today)
                .from
                .pred_opt()
                .expect("not the first day ever"),
        )
    }

    /// The quarter before this period's first day.
    pub fn previous_quarter(self) -> Period {
        Period::quarter_of(self.from.pred_opt().expect("not the first day ever"))
    }

    /// The report's own period and the four quarters before it, oldest first (the trend).
    pub fn with_previous_quarters(self) -> Vec<Period> {
        let mut periods = vec![self];
        let mut q = Period::quarter_of(self.from).previous_quarter();
        for _ in 0..4 {
            periods.push(q);
            q = q.previous_quarter();
        }
        periods.reverse();
        periods
    }

    /// "from" and "to" as typed (YYYY-MM-DD); `to` not before `from`, at most five years,
    /// both in `YEARS`. chrono reads years far outside any report (-262143, say); the report
    /// works out the quarters around its period, which must stay inside the calendar.
    pub fn parse(from: &str, to: &str) -> Result<Period, &'static str> {
        let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        match (day(from), day(to)) {
            (Some(f), Some(t)) if !YEARS.contains(&f.year()) || !YEARS.contains(&t.year()) => {
                Err("Enter dates from the year 2000 to the year 2999, like 2026-10-01")
            }
            (Some(from), Some(to)) if from <= to && (to - from).num_days() <= 5 * 366 => {
                Ok(Period { from, to })
            }
            (Some(_), Some(_)) => {
                Err("The end date must be on or after the start date, at most five years later")
            }
            _ => Err("Enter the dates like 2026-10-01"),
        }
    }

    /// The period a page or download was asked for: both dates left out is the last complete
    /// quarter by `today` (every report's default), else as `parse` reads them.
    pub fn asked(
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Period, &'static str> {
        match (from.unwrap_or(""), to.unwrap_or("")) {
            ("", "") => Ok(Period::last_complete_quarter(today)),
            (from, to) => Period::parse(from, to),
        }
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// "Q3 2026 (July to September)" for a calendar quarter, else the two dates.
    pub fn label(self) -> String {
        if Period::quarter_of(self.from) == self {
            format!("Q{} {}", self.from.month0() / 3 + 1, self.from.year())
        } else {
            format!("{} to {}", self.from, self.to)
        }
    }
}

/// A number out of a total, with its percentage (none of none is shown as such).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Share {
    pub count: u32,
    pub of: u32,
}

impl Share {
    pub fn percent(self) -> Option<f64> {
        (self.of > 0).then(|| 100.0 * self.count as f64 / self.of as f64)
    }

    /// "12 of 15 (80%)", "none due".
    pub fn text(self) -> String {
        match self.percent() {
            Some(p) => format!("{} of {} ({:.0}%)", self.count, self.of, p),
            None => "none due".into(),
        }
    }
}

/// The report for one period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    /// Complaints received.
    pub complaints: u32,
    /// The number for the ICO: data protection complaints received (`complaints` less
    /// `excluded`).
    pub ico_complaints: u32,
    /// Complaints received in the period and found by its end not to be data protection
    /// complaints, or handed wholly to another procedure: by how they ended.
    pub excluded: BTreeMap<&'static str, u32>,
    pub breach_reports: u32,
    pub by_category: BTreeMap<String, u32>,
    pub by_team: BTreeMap<String, u32>,
    pub by_channel: BTreeMap<&'static str, u32>,
    /// Of the complaints whose acknowledgement fell due in the period.
    pub acknowledged_in_time: Share,
    pub median_days_to_acknowledge: Option<f64>,
    /// Of the complaints whose outcome fell due (three-month target) in the period.
    pub outcome_in_time: Share,
    /// Of those with a revised date due in the period: outcome by the revised date.
    pub outcome_by_revised_date: Share,
    /// Of the outcomes due in the period, how many had their target moved by waiting for the
    /// complainant (seed 004 §24), and by how many days in all (counted apart).
    pub targets_paused: u32,
    pub days_paused: u32,
    pub median_days_to_outcome: Option<f64>,
    /// At the end of the period.
    pub open_at_end: u32,
    pub overdue_at_end: u32,
    pub unassigned_at_end: u32,
    /// How the complaints decided in the period ended: outcome categories and other endings.
    pub outcomes: BTreeMap<&'static str, u32>,
    pub endings: BTreeMap<&'static str, u32>,
    pub actions_raised: u32,
    pub actions_done: u32,
    pub actions_overdue_at_end: u32,
    /// Reviews that ended in the period, and how (outcome categories and other endings).
    pub reviews_ended: u32,
    pub review_results: BTreeMap<&'static str, u32>,
}

fn median(mut days: Vec<i64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    })
}

/// The figures for `period`.
///
/// SPEC "Reporting": a report for a past period never changes. Tested by
/// `a_past_period_is_fixed_by_first_decisions_and_reviews_count_apart_when_they_end` (here) and
/// `a_past_quarter_stays_the_same_after_cases_are_reopened_ended_and_corrected` (server).
pub fn figures(facts: &ReportFacts, period: Period) -> Figures {
    let (cases, actions) = (&facts.cases, &facts.actions);
    let mut f = Figures::default();
    for r in facts.reviews.iter().filter(|r| period.contains(r.ended_on)) {
        f.reviews_ended += 1;
        let result = match (r.outcome, r.ending) {
            (Some(o), _) => o.label(),
            (None, Some(e)) => e.label(),
            (None, None) => "Closed",
        };
        *f.review_results.entry(result).or_default() += 1;
    }
    let mut ack_days = vec![];
    let mut outcome_days = vec![];
    for c in cases.iter() {
        if c.kind == CaseKind::BreachReport {
            if period.contains(c.received_on) {
                f.breach_reports += 1;
            }
            continue;
        }
        // Found not to be a data protection complaint, or handed wholly to another procedure,
        // by the end of the period (so a later decision never changes a past period's report).
        let not_dp = c
            .ending
            .filter(|e| not_a_data_protection_complaint(*e))
            .filter(|_| c.closed_on.is_some_and(|d| d <= period.to));
        if period.contains(c.received_on) {
            f.complaints += 1;
            match not_dp {
                Some(e) => *f.excluded.entry(e.label()).or_default() += 1,
                None => f.ico_complaints += 1,
            }
            *f.by_category.entry(c.category.to_string()).or_default() += 1;
            *f.by_team.entry(c.team.to_string()).or_default() += 1;
            *f.by_channel.entry(c.channel.id()).or_default() += 1;
        }
        // Timeliness: by the deadline falling in the period. A complaint never acknowledged
        // counts as late, whether still open or ended without one (SPEC "Reporting"); one
        // found not to be a data protection complaint is not counted.
        if period.contains(c.acknowledge_by) && not_dp.is_none() {
            f.acknowledged_in_time.of += 1;
            if c.acknowledged_on.is_some_and(|d| d <= c.acknowledge_by) {
                f.acknowledged_in_time.count += 1;
            }
        }
        if let Some(d) = c.acknowledged_on.filter(|d| period.contains(*d)) {
            ack_days.push((d - c.received_on).num_days());
        }
        // While the clock is stopped the target is unknown, and it will fall after today
        // (`casework::waiting`): counted once the reply is recorded.
        let stopped = c.paused_since.is_some();
        if period.contains(c.outcome_due) && c.ending.is_none() && !stopped {
            f.outcome_in_time.of += 1;
            if c.paused_days > 0 {
                f.targets_paused += 1;
                f.days_paused += c.paused_days;
            }
            if c.outcome_sent_on.is_some_and(|d| d <= c.outcome_due) {
                f.outcome_in_time.count += 1;
            }
        }
        if let Some(revised) = c.revised_due.filter(|d| period.contains(*d)) {
            if c.ending.is_none() {
                f.outcome_by_revised_date.of += 1;
                if c.outcome_sent_on.is_some_and(|d| d <= revised) {
                    f.outcome_by_revised_date.count += 1;
                }
            }
        }
        if let Some(d) = c.outcome_sent_on.filter(|d| period.contains(*d)) {
            outcome_days.push((d - c.received_on).num_days());
            if let Some(o) = c.outcome {
                *f.outcomes.entry(o.label()).or_default() += 1;
            }
        }
        if let (Some(e), Some(d)) = (c.ending, c.closed_on) {
            if period.contains(d) {
                *f.endings.entry(e.label()).or_default() += 1;
            }
        }
        // Open at the end of the period: received by then, not decided by then.
        let decided = c.outcome_sent_on.or(c.closed_on);
        if c.received_on <= period.to && decided.is_none_or(|d| d > period.to) {
            f.open_at_end += 1;
            let acknowledged = c.acknowledged_on.is_some_and(|d| d <= period.to);
            // Waiting for the complainant with the outcome clock stopped on that day: its
            // outcome is not overdue (the acknowledgement deadline never stops).
            let paused = c.paused_since.is_some_and(|d| d <= period.to);
            let overdue = if !acknowledged {
                c.acknowledge_by < period.to
            } else {
                !paused && c.revised_due.unwrap_or(c.outcome_due) < period.to
            };
            if overdue {
                f.overdue_at_end += 1;
            }
            if c.assigned_on.is_none_or(|d| d > period.to) {
                f.unassigned_at_end += 1;
            }
        }
    }
    for a in actions.iter() {
        if period.contains(a.raised_on) {
            f.actions_raised += 1;
        }
        if a.done_on.is_some_and(|d| period.contains(d)) {
            f.actions_done += 1;
        }
        if a.raised_on <= period.to
            && a.due_on < period.to
            && a.done_on.is_none_or(|d| d > period.to)
        {
            f.actions_overdue_at_end += 1;
        }
    }
    f.median_days_to_acknowledge = median(ack_days);
    f.median_days_to_outcome = median(outcome_days);
    f
}

/// SPEC "Reporting": endings that say the case was not a data protection complaint after all,
/// or went wholly to another procedure; such cases are left out of the number for the ICO.
pub fn not_a_data_protection_complaint(ending: Ending) -> bool {
    matches!(
        ending,
        Ending::NotDataProtection | Ending::CorporateProcedure | Ending::BreachProcedure
    )
}

/// The ICO line: one number for the period, and the rule used to count it.
pub fn ico_line(period: Period, figures: &Figures) -> (String, &'static str) {
    (
        format!(
            "Data protection complaints received from {} to {}: {}",
            period.from, period.to, figures.ico_complaints
        ),
        "Counted: every complaint received on a UK day in the period, by any channel, once each \
         (a case reopened for review is not counted again). Not counted: personal data breach \
         reports that were not complaints (seed 004 §18), and complaints found by the end of the \
         period not to be about data protection or handed wholly to another procedure (listed \
         below the number).",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{london_date, Deadlines, WorkingCalendar};
    use proptest::prelude::*;

    proptest! {
        /// Any two days chrono can hold, as typed into the report's form: refused with a
        /// message, or a period whose report (its label and the quarters before it) can be
        /// worked out. Issue 28 found a year of -262143 made the report panic.
        #[test]
        fn any_dates_typed_give_a_period_or_a_message(
            a in NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce(),
            b in NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce(),
            near in 0i32..4000,
        ) {
            let day = |n| NaiveDate::from_num_days_from_ce_opt(n).unwrap();
            // Far apart, and close together (the five-year rule), at either end of time.
            for (from, to) in [(day(a), day(b)), (day(a), day(a.saturating_add(near).min(NaiveDate::MAX.num_days_from_ce())))] {
                let typed = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
                match Period::parse(&typed(from), &typed(to)) {
                    Ok(p) => {
                        prop_assert!(YEARS.contains(&p.from.year()) && p.from <= p.to);
                        prop_assert_eq!(p.with_previous_quarters().len(), 5);
                        prop_assert!(!p.label().is_empty());
                        let _ = Period::last_complete_quarter(p.to);
                    }
                    Err(message) => prop_assert!(message.starts_with("Enter") || message.starts_with("The end date")),
                }
            }
        }
    }

    /// SPEC "Reporting": a complaint never acknowledged counts as late, whether still open or
    /// ended without one; the ICO count leaves out complaints found not to be about data
    /// protection or handed wholly to another procedure, decided by the end of the period,
    /// and says so; a decision after the period never changes its figures.
    #[test]
    fn never_acknowledged_is_late_and_the_ico_count_leaves_out_what_was_not_a_complaint() {
        let q = Period::parse("2026-07-01", "2026-09-30").unwrap();
        let base = CaseFacts {
            kind: CaseKind::Complaint,
            category: "retention".into(),
            team: "ig".into(),
            channel: Channel::Online,
            status: Status::Closed,
            received_on: day("2026-07-01"),
            acknowledge_by: day("2026-07-31"),
            outcome_due: day("2026-10-01"),
            revised_due: None,
            acknowledged_on: None,
            outcome_sent_on: None,
            closed_on: Some(day("2026-07-10")),
            outcome: None,
            ending: Some(Ending::Withdrawn),
            assigned_on: None,
            paused_since: None,
            paused_days: 0,
        };
        let not_dp = CaseFacts {
            ending: Some(Ending::NotDataProtection),
            ..base.clone()
        };
        let corporate_later = CaseFacts {
            ending: Some(Ending::CorporateProcedure),
            closed_on: Some(day("2026-10-05")),
            ..base.clone()
        };
        let f = figures(&of(vec![base.clone(), not_dp, corporate_later], vec![]), q);
        // Withdrawn before any acknowledgement: due in the period, and late.
        assert_eq!(f.acknowledged_in_time, Share { count: 0, of: 2 });
        assert_eq!(f.complaints, 3);
        assert_eq!(
            f.ico_complaints, 2,
            "the one ended after the quarter still counts in it"
        );
        assert_eq!(f.excluded.get("Not a data protection complaint"), Some(&1));
        assert!(ico_line(q, &f).0.ends_with(": 2"));
    }

    #[test]
    fn report_dates_outside_the_years_of_reports_are_refused_with_a_message() {
        assert_eq!(
            Period::parse("-262143-01-01", "-262143-03-31"),
            Err("Enter dates from the year 2000 to the year 2999, like 2026-10-01")
        );
        assert!(Period::parse("1999-12-31", "2000-03-31").is_err());
        assert!(Period::parse("2000-01-01", "2000-03-31").is_ok());
    }

    fn of(cases: Vec<CaseFacts>, actions: Vec<ActionFacts>) -> ReportFacts {
        ReportFacts {
            cases,
            actions,
            reviews: vec![],
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn complaint(received: &str) -> CaseFacts {
        let received_on = day(received);
        let d = Deadlines::from_receipt(received_on, &WorkingCalendar::default());
        CaseFacts {
            kind: CaseKind::Complaint,
            category: "subject_access".into(),
            team: "cit".into(),
            channel: Channel::Online,
            status: Status::Received,
            received_on,
            acknowledge_by: d.acknowledge_by,
            outcome_due: d.outcome_due,
            revised_due: None,
            acknowledged_on: None,
            outcome_sent_on: None,
            closed_on: None,
            outcome: None,
            ending: None,
            assigned_on: None,
            paused_since: None,
            paused_days: 0,
        }
    }

    #[test]
    fn quarters_are_whole_uk_days_across_the_clock_change() {
        let q3 = Period::quarter_of(day("2026-08-15"));
        assert_eq!(
            q3,
            Period {
                from: day("2026-07-01"),
                to: day("2026-09-30")
            }
        );
        assert_eq!(q3.label(), "Q3 2026");
        assert_eq!(Period::last_complete_quarter(day("2026-11-25")), q3);
        assert_eq!(Period::last_complete_quarter(day("2026-10-01")), q3);
        assert_eq!(
            q3.previous_quarter(),
            Period {
                from: day("2026-04-01"),
                to: day("2026-06-30")
            }
        );
        let trend = q3.with_previous_quarters();
        assert_eq!(trend.len(), 5);
        assert_eq!(trend[0].label(), "Q3 2025");
        assert_eq!(trend[4], q3);
        // BST ends at 02:00 on Sunday 25 October 2026. 23:30 UTC on 30 September is 00:30 on
        // 1 October in London: the fourth quarter's, not the third's.
        let late = "2026-09-30T23:30:00Z".parse().unwrap();
        assert_eq!(london_date(late), day("2026-10-01"));
        let mut cases = vec![complaint("2026-10-01"), complaint("2026-09-30")];
        cases[0].received_on = london_date(late);
        let f3 = figures(&of(cases, vec![]), q3);
        assert_eq!(f3.complaints, 1);
        // In winter (GMT) the UK day is the UTC day: 23:30 UTC on 31 December stays in Q4.
        assert_eq!(
            london_date("2026-12-31T23:30:00Z".parse().unwrap()),
            day("2026-12-31")
        );
        // BST starts on 28 March 2027: 23:30 UTC on 31 March is already 1 April, in Q2.
        assert_eq!(
            london_date("2027-03-31T23:30:00Z".parse().unwrap()),
            day("2027-04-01")
        );
    }

    #[test]
    fn acknowledged_on_day_30_is_in_time_and_day_31_is_not_with_the_bank_holiday_roll() {
        // Received Friday 27 November 2026: day 30 is Sunday 27 December, a weekend, and the
        // 28th is the Boxing Day substitute bank holiday: the deadline rolls to Tuesday 29th.
        let mut on_time = complaint("2026-11-27");
        assert_eq!(on_time.acknowledge_by, day("2026-12-29"));
        on_time.acknowledged_on = Some(day("2026-12-29"));
        let mut late = complaint("2026-11-27");
        late.acknowledged_on = Some(day("2026-12-30"));
        // Received Tuesday 3 November: day 30 is Thursday 3 December, a working day.
        let mut day_30 = complaint("2026-11-03");
        day_30.acknowledged_on = Some(day("2026-12-03"));
        let mut day_31 = complaint("2026-11-03");
        day_31.acknowledged_on = Some(day("2026-12-04"));
        let q4 = Period::quarter_of(day("2026-12-01"));
        let f = figures(&of(vec![on_time, late, day_30, day_31], vec![]), q4);
        assert_eq!(f.acknowledged_in_time, Share { count: 2, of: 4 });
        assert_eq!(f.acknowledged_in_time.text(), "2 of 4 (50%)");
        // Days from receipt: 32, 33, 30, 31: median 31.5.
        assert_eq!(f.median_days_to_acknowledge, Some(31.5));
    }

    #[test]
    fn breach_reports_are_apart_and_a_reopened_case_counts_once() {
        let q = Period::quarter_of(day("2026-10-15"));
        let mut breach = complaint("2026-10-05");
        breach.kind = CaseKind::BreachReport;
        // Decided, reopened, decided again: one complaint, ending as its latest outcome.
        let mut reviewed = complaint("2026-10-06");
        reviewed.acknowledged_on = Some(day("2026-10-06"));
        reviewed.outcome_sent_on = Some(day("2026-12-01"));
        reviewed.outcome = Some(OutcomeCategory::PartlyUpheld);
        let mut ended = complaint("2026-10-07");
        ended.acknowledged_on = Some(day("2026-10-08"));
        ended.ending = Some(Ending::NotInvestigated);
        ended.closed_on = Some(day("2026-10-20"));
        let f = figures(&of(vec![breach, reviewed, ended], vec![]), q);
        assert_eq!(f.complaints, 2);
        assert_eq!(f.breach_reports, 1);
        assert_eq!(f.outcomes.get("Partly upheld"), Some(&1));
        assert_eq!(f.endings.get("Not investigated"), Some(&1));
        let (line, rule) = ico_line(q, &f);
        assert_eq!(
            line,
            "Data protection complaints received from 2026-10-01 to 2026-12-31: 2"
        );
        assert!(rule.contains("not counted again"));
    }

    /// SPEC "Reporting" with seed 004 §24 (issue 26): a case waiting for the complainant is
    /// not late meanwhile, its outcome is counted against the moved target once the reply is
    /// in, the days paused are counted apart, and a past period reads the same before and
    /// after the reply.
    #[test]
    fn a_paused_target_is_counted_once_the_reply_is_in_and_a_past_period_stays() {
        use crate::domain::casework::Clock;
        let cal = WorkingCalendar::default();
        let q3 = Period::parse("2026-07-01", "2026-09-30").unwrap();
        let q4 = Period::parse("2026-10-01", "2026-12-31").unwrap();
        let mut c = complaint("2026-06-01");
        c.status = Status::Investigating;
        c.acknowledged_on = Some(day("2026-06-10"));
        assert_eq!(c.outcome_due, day("2026-09-01"));
        let clock = Clock {
            acknowledge_by: c.acknowledge_by,
            outcome_due: c.outcome_due,
            paused_days: 0,
            waiting: None,
        };
        let asked = clock.ask(day("2026-08-20")).unwrap();
        // Before asking, at the end of Q3 it would be late; waiting, it is not.
        let before = figures(&facts(vec![c.clone()]), q3);
        assert_eq!(before.outcome_in_time, Share { count: 0, of: 1 });
        assert_eq!(before.overdue_at_end, 1);
        let mut waiting = c.clone();
        waiting.paused_since = asked.waiting.map(|w| w.since);
        let paused = figures(&facts(vec![waiting]), q3);
        assert_eq!(paused.outcome_in_time, Share { count: 0, of: 0 });
        assert_eq!(paused.overdue_at_end, 0);
        assert_eq!(paused.open_at_end, 1);
        // The reply on 5 October: 46 days on is Saturday 17 October, so Monday 19 October.
        let replied = asked.reply(day("2026-10-05"), &cal).unwrap();
        let mut answered = c.clone();
        answered.outcome_due = replied.outcome_due;
        answered.paused_days = replied.paused_days;
        assert_eq!(answered.outcome_due, day("2026-10-19"));
        let after = figures(&facts(vec![answered.clone()]), q3);
        assert_eq!(
            after, paused,
            "Q3 reads the same before and after the reply"
        );
        answered.outcome_sent_on = Some(day("2026-10-16"));
        let q4f = figures(&facts(vec![answered]), q4);
        assert_eq!(q4f.outcome_in_time, Share { count: 1, of: 1 });
        assert_eq!((q4f.targets_paused, q4f.days_paused), (1, 48));
    }

    fn facts(cases: Vec<CaseFacts>) -> ReportFacts {
        ReportFacts {
            cases,
            ..ReportFacts::default()
        }
    }

    #[test]
    fn a_past_period_is_fixed_by_first_decisions_and_reviews_count_apart_when_they_end() {
        // Received in Q3 and decided in it (late), then reviewed in Q4 and upheld there.
        let q3 = Period::quarter_of(day("2026-08-01"));
        let q4 = Period::quarter_of(day("2026-11-01"));
        let mut first = complaint("2026-07-01");
        first.acknowledged_on = Some(day("2026-08-20"));
        first.outcome_sent_on = Some(day("2026-09-20"));
        first.closed_on = Some(day("2026-09-21"));
        first.outcome = Some(OutcomeCategory::NotUpheld);
        let review = ReviewFacts {
            ended_on: day("2026-11-10"),
            outcome: Some(OutcomeCategory::Upheld),
            ending: None,
        };
        let mut facts = of(vec![first], vec![]);
        let before = figures(&facts, q3);
        facts.reviews.push(review.clone());
        // The review changes nothing in the quarter of the first decision...
        assert_eq!(figures(&facts, q3), before);
        assert_eq!(before.outcomes.get("Not upheld"), Some(&1));
        assert_eq!(before.acknowledged_in_time, Share { count: 0, of: 1 });
        assert_eq!(before.open_at_end, 0);
        // ...and is counted in the quarter it ends, apart from first decisions.
        let after = figures(&facts, q4);
        assert_eq!(after.reviews_ended, 1);
        assert_eq!(after.review_results.get("Upheld"), Some(&1));
        assert!(after.outcomes.is_empty() && after.complaints == 0);
        // A review ended otherwise than by an outcome is listed by its ending.
        facts.reviews[0] = ReviewFacts {
            outcome: None,
            ending: Some(Ending::Withdrawn),
            ..review
        };
        assert_eq!(
            figures(&facts, q4)
                .review_results
                .get("Withdrawn by the complainant"),
            Some(&1)
        );
    }

    #[test]
    fn outcomes_are_timed_against_the_target_and_the_revised_date() {
        // Received 2 July 2026: target 2 October 2026 (a Friday).
        let mut on_target = complaint("2026-07-02");
        on_target.outcome_sent_on = Some(day("2026-10-02"));
        let mut revised_kept = complaint("2026-07-02");
        revised_kept.revised_due = Some(day("2026-11-20"));
        revised_kept.outcome_sent_on = Some(day("2026-11-19"));
        let mut revised_missed = complaint("2026-07-02");
        revised_missed.revised_due = Some(day("2026-11-20"));
        revised_missed.outcome_sent_on = Some(day("2026-12-01"));
        let q4 = Period::quarter_of(day("2026-10-02"));
        let f = figures(
            &of(vec![on_target, revised_kept, revised_missed], vec![]),
            q4,
        );
        assert_eq!(f.outcome_in_time, Share { count: 1, of: 3 });
        assert_eq!(f.outcome_by_revised_date, Share { count: 1, of: 2 });
    }

    #[test]
    fn open_overdue_and_unassigned_at_the_end_and_actions() {
        let q = Period::quarter_of(day("2026-10-15"));
        let waiting = complaint("2026-10-01"); // acknowledge by 2 November (31 Oct a Saturday)
        let mut assigned = complaint("2026-12-20");
        assigned.assigned_on = Some(day("2026-12-21"));
        // Assigned after the period: not assigned at its end.
        let mut late = complaint("2026-12-20");
        late.assigned_on = Some(day("2027-01-04"));
        let f = figures(
            &of(
                vec![waiting, assigned, late],
                vec![
                    ActionFacts {
                        raised_on: day("2026-10-10"),
                        due_on: day("2026-11-01"),
                        done_on: None,
                    },
                    ActionFacts {
                        raised_on: day("2026-10-10"),
                        due_on: day("2026-11-01"),
                        done_on: Some(day("2026-10-30")),
                    },
                ],
            ),
            q,
        );
        assert_eq!(f.open_at_end, 3);
        assert_eq!(f.overdue_at_end, 1);
        assert_eq!(f.unassigned_at_end, 2);
        assert_eq!(
            (f.actions_raised, f.actions_done, f.actions_overdue_at_end),
            (2, 1, 1)
        );
    }

    #[test]
    fn a_period_asked_without_dates_is_the_last_complete_quarter() {
        let today = day("2026-12-03");
        let q3 = Period::quarter_of(day("2026-08-01"));
        assert_eq!(Period::asked(None, None, today), Ok(q3));
        assert_eq!(Period::asked(Some(""), Some(""), today), Ok(q3));
        assert_eq!(
            Period::asked(Some("2026-10-01"), Some("2026-10-31"), today).map(|p| p.label()),
            Ok("2026-10-01 to 2026-10-31".to_string())
        );
        assert!(Period::asked(Some("2026-10-01"), None, today).is_err());
    }

    #[test]
    fn periods_are_parsed_with_clear_errors() {
        assert_eq!(
            Period::parse("2026-10-01", "2026-12-31").unwrap().label(),
            "Q4 2026"
        );
        assert_eq!(
            Period::parse("2026-10-05", "2026-10-31").unwrap().label(),
            "2026-10-05 to 2026-10-31"
        );
        assert!(Period::parse("2026-12-31", "2026-10-01").is_err());
        assert!(Period::parse("31/12/2026", "2027-01-01").is_err());
    }

    #[test]
    fn a_recommendation_needs_an_owner_and_a_date_for_completion() {
        let today = day("2026-12-03");
        let r = Recommendation::parse(
            "Train the records team on subject access deadlines",
            "Head of Information Governance",
            "2027-03-31",
            today,
        )
        .unwrap();
        assert_eq!(r.due_on, day("2027-03-31"));
        let fields =
            |e: Vec<crate::domain::FieldError>| e.into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(
            fields(Recommendation::parse("", "", "", today).unwrap_err()),
            ["recommendation", "owner", "due_on"]
        );
        assert_eq!(
            fields(Recommendation::parse("Train", "IG", "2026-12-02", today).unwrap_err()),
            ["due_on"]
        );
        assert!(Recommendation::parse("Train", "IG", "2026-12-03", today).is_ok());
    }
}
