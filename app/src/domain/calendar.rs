//! Dates and deadlines: the day a complaint was received in Europe/London, working days in
//! England and Wales, the 30-day acknowledgement and three-month outcome targets.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// Bank holidays in England and Wales, 2024–2030, as published by GOV.UK (with substitute
/// days where a holiday falls at a weekend). Configuration can replace the list.
pub const ENGLAND_AND_WALES_BANK_HOLIDAYS: &[&str] = &[
    "2024-01-01",
    "2024-03-29",
    "2024-04-01",
    "2024-05-06",
    "2024-05-27",
    "2024-08-26",
    "2024-12-25",
    "2024-12-26",
    "2025-01-01",
    "2025-04-18",
    "2025-04-21",
    "2025-05-05",
    "2025-05-26",
    "2025-08-25",
    "2025-12-25",
    "2025-12-26",
    "2026-01-01",
    "2026-04-03",
    "2026-04-06",
    "2026-05-04",
    "2026-05-25",
    "2026-08-31",
    "2026-12-25",
    "2026-12-28",
    "2027-01-01",
    "2027-03-26",
    "2027-03-29",
    "2027-05-03",
    "2027-05-31",
    "2027-08-30",
    "2027-12-27",
    "2027-12-28",
    "2028-01-03",
    "2028-04-14",
    "2028-04-17",
    "2028-05-01",
    "2028-05-29",
    "2028-08-28",
    "2028-12-25",
    "2028-12-26",
    "2029-01-01",
    "2029-03-30",
    "2029-04-02",
    "2029-05-07",
    "2029-05-28",
    "2029-08-27",
    "2029-12-25",
    "2029-12-26",
    "2030-01-01",
    "2030-04-19",
    "2030-04-22",
    "2030-05-06",
    "2030-05-27",
    "2030-08-26",
    "2030-12-25",
    "2030-12-26",
];

/// The days on which the organisation does not work, besides Saturdays and Sundays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingCalendar {
    holidays: Vec<NaiveDate>,
}

impl Default for WorkingCalendar {
    fn default() -> Self {
        let list: Vec<String> = ENGLAND_AND_WALES_BANK_HOLIDAYS
            .iter()
            .map(|s| s.to_string())
            .collect();
        Self::from_dates(&list).expect("the shipped bank holidays are valid dates")
    }
}

impl WorkingCalendar {
    /// From ISO dates (YYYY-MM-DD), as configuration gives them.
    pub fn from_dates(dates: &[String]) -> Result<Self, String> {
        let mut holidays = dates
            .iter()
            .map(|d| {
                NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                    .map_err(|_| format!("'{d}' is not a date like 2026-12-25"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        holidays.sort_unstable();
        holidays.dedup();
        Ok(Self { holidays })
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
            && self.holidays.binary_search(&d).is_err()
    }

    /// The day itself if it is a working day, else the next one.
    pub fn on_or_after(&self, mut d: NaiveDate) -> NaiveDate {
        while !self.is_working_day(d) {
            d = d
                .succ_opt()
                .expect("dates stay far from the end of the calendar");
        }
        d
    }

    /// The last holiday the calendar knows, so operators can be warned before it runs out.
    pub fn known_until(&self) -> Option<NaiveDate> {
        self.holidays.last().copied()
    }
}

/// The calendar day in the UK (Europe/London, so British Summer Time counts) of an instant.
pub fn london_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::London).date_naive()
}

/// Days allowed to acknowledge a complaint in writing (DPA 2018 s.164A; seed 004 §27).
pub const ACKNOWLEDGE_WITHIN_DAYS: u64 = 30;
/// The normal outcome target (seed 004 §14c).
pub const OUTCOME_WITHIN_MONTHS: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    pub acknowledge_by: NaiveDate,
    pub outcome_due: NaiveDate,
}

impl Deadlines {
    /// The ICO counts the 30 days from the day after receipt, so day 30 is receipt + 30; a
    /// last day that falls on a weekend or bank holiday moves to the next working day. The
    /// outcome target is the same date three months on (the month's last day where the month
    /// is shorter), moved the same way.
    pub fn from_receipt(received_on: NaiveDate, calendar: &WorkingCalendar) -> Deadlines {
        let day_30 = received_on + Days::new(ACKNOWLEDGE_WITHIN_DAYS);
        let three_months = received_on
            .checked_add_months(Months::new(OUTCOME_WITHIN_MONTHS))
            .expect("dates stay far from the end of the calendar");
        Deadlines {
            acknowledge_by: calendar.on_or_after(day_30),
            outcome_due: calendar.on_or_after(three_months),
        }
    }
}

/// "24 November 2026", as GOV.UK writes dates. (Written out rather than through chrono's
/// strftime, whose parser would otherwise be shipped to every phone for this one format.)
pub fn long_date(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// "29 Rhagfyr 2026": the same date in Welsh (the month's name follows the day unmutated, as
/// the Welsh Government's style guide writes dates).
pub fn long_date_cy(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    ];
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_are_written_out_in_english_and_welsh() {
        assert_eq!(long_date(d("2026-12-29")), "29 December 2026");
        assert_eq!(long_date_cy(d("2026-12-29")), "29 Rhagfyr 2026");
        assert_eq!(long_date_cy(d("2027-01-01")), "1 Ionawr 2027");
        assert_eq!(long_date_cy(d("2027-07-31")), "31 Gorffennaf 2027");
    }

    fn deadlines(received: &str) -> Deadlines {
        Deadlines::from_receipt(d(received), &WorkingCalendar::default())
    }

    #[test]
    fn thirty_days_counted_from_the_day_after_receipt() {
        // Received Tuesday 3 Nov 2026: day 1 is 4 Nov, day 30 is Thursday 3 Dec.
        assert_eq!(deadlines("2026-11-03").acknowledge_by, d("2026-12-03"));
    }

    #[test]
    fn a_weekend_last_day_moves_to_monday() {
        // 7 Oct 2026 + 30 = Friday 6 Nov; 9 Oct + 30 = Sunday 8 Nov -> Monday 9 Nov.
        assert_eq!(deadlines("2026-10-07").acknowledge_by, d("2026-11-06"));
        assert_eq!(deadlines("2026-10-08").acknowledge_by, d("2026-11-09"));
        assert_eq!(deadlines("2026-10-09").acknowledge_by, d("2026-11-09"));
    }

    #[test]
    fn bank_holidays_and_the_year_end() {
        // 25 Nov 2026 + 30 = Friday 25 Dec (Christmas) -> Sat, Sun, Mon 28 Dec (Boxing Day
        // substitute) -> Tuesday 29 Dec.
        assert_eq!(deadlines("2026-11-25").acknowledge_by, d("2026-12-29"));
        // 2 Dec 2026 + 30 = Friday 1 Jan 2027 (New Year's Day) -> Monday 4 Jan 2027.
        assert_eq!(deadlines("2026-12-02").acknowledge_by, d("2027-01-04"));
        // 27 Nov 2027 + 30 = Monday 27 Dec 2027 (substitute Christmas) -> Wednesday 29 Dec.
        assert_eq!(deadlines("2027-11-27").acknowledge_by, d("2027-12-29"));
        // Easter: 4 Mar 2026 + 30 = Friday 3 Apr (Good Friday) -> Tuesday 7 Apr.
        assert_eq!(deadlines("2026-03-04").acknowledge_by, d("2026-04-07"));
        // Year end: 31 Dec 2029 + 30 = Wednesday 30 Jan 2030.
        assert_eq!(deadlines("2029-12-31").acknowledge_by, d("2030-01-30"));
    }

    #[test]
    fn leap_years() {
        // 2028 is a leap year: 30 Jan + 30 = Tuesday 29 Feb 2028.
        assert_eq!(deadlines("2028-01-30").acknowledge_by, d("2028-02-29"));
        // 2027 is not: 30 Jan + 30 = Monday 1 Mar 2027.
        assert_eq!(deadlines("2027-01-30").acknowledge_by, d("2027-03-01"));
        // Three months from 30 Nov 2027 is 29 Feb 2028 (a Tuesday), not 1 March.
        assert_eq!(deadlines("2027-11-30").outcome_due, d("2028-02-29"));
        // ...and from 30 Nov 2026 it is Sunday 28 Feb 2027 -> Monday 1 March.
        assert_eq!(deadlines("2026-11-30").outcome_due, d("2027-03-01"));
    }

    #[test]
    fn outcome_is_three_months_on_a_working_day() {
        assert_eq!(deadlines("2026-11-24").outcome_due, d("2027-02-24"));
        // 25 Sep 2026 + 3 months = Friday 25 Dec -> Tuesday 29 Dec.
        assert_eq!(deadlines("2026-09-25").outcome_due, d("2026-12-29"));
    }

    #[test]
    fn receipt_day_is_the_uk_day_across_summer_time_changes() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // In summer 23:30 UTC is already the next day in London.
        assert_eq!(london_date(at("2026-06-30T23:30:00Z")), d("2026-07-01"));
        // In winter it is not.
        assert_eq!(london_date(at("2026-12-31T23:30:00Z")), d("2026-12-31"));
        // BST began at 01:00 UTC on Sunday 29 March 2026, and ended at 01:00 UTC on 25 Oct.
        assert_eq!(london_date(at("2026-03-28T23:59:59Z")), d("2026-03-28"));
        assert_eq!(london_date(at("2026-03-29T23:00:00Z")), d("2026-03-30"));
        assert_eq!(london_date(at("2026-10-24T23:30:00Z")), d("2026-10-25"));
        assert_eq!(london_date(at("2026-10-25T23:30:00Z")), d("2026-10-25"));
        // So a complaint at 23:30 UTC on 30 June is acknowledged 30 days from 1 July.
        let r = london_date(at("2026-06-30T23:30:00Z"));
        assert_eq!(
            Deadlines::from_receipt(r, &WorkingCalendar::default()).acknowledge_by,
            d("2026-07-31")
        );
    }

    /// Easter Sunday (anonymous Gregorian algorithm), to check the shipped Easter dates.
    fn easter(y: i32) -> NaiveDate {
        let (a, b, c) = (y % 19, y / 100, y % 100);
        let (d_, e) = (b / 4, b % 4);
        let f = (b + 8) / 25;
        let g = (b - f + 1) / 3;
        let h = (19 * a + b - d_ - g + 15) % 30;
        let (i, k) = (c / 4, c % 4);
        let l = (32 + 2 * e + 2 * i - h - k) % 7;
        let m = (a + 11 * h + 22 * l) / 451;
        let month = (h + l - 7 * m + 114) / 31;
        let day = (h + l - 7 * m + 114) % 31 + 1;
        NaiveDate::from_ymd_opt(y, month as u32, day as u32).unwrap()
    }

    /// The rules behind the regular bank holidays of England and Wales.
    fn regular_holidays(y: i32) -> Vec<NaiveDate> {
        let ymd = |m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let first_monday = |m| {
            (1..=7)
                .map(|day| ymd(m, day))
                .find(|x: &NaiveDate| x.weekday() == Weekday::Mon)
                .unwrap()
        };
        let last_monday = |m, last| {
            (last - 6..=last)
                .rev()
                .map(|day| ymd(m, day))
                .find(|x: &NaiveDate| x.weekday() == Weekday::Mon)
                .unwrap()
        };
        let weekday_on_or_after = |x: NaiveDate| {
            let mut x = x;
            while matches!(x.weekday(), Weekday::Sat | Weekday::Sun) {
                x = x.succ_opt().unwrap();
            }
            x
        };
        let new_year = weekday_on_or_after(ymd(1, 1));
        let christmas = weekday_on_or_after(ymd(12, 25));
        let boxing = weekday_on_or_after(christmas.succ_opt().unwrap().max(ymd(12, 26)));
        let e = easter(y);
        let mut v = vec![
            new_year,
            e - Days::new(2),
            e + Days::new(1),
            first_monday(5),
            last_monday(5, 31),
            last_monday(8, 31),
            christmas,
            boxing,
        ];
        v.sort();
        v
    }

    #[test]
    fn shipped_bank_holidays_follow_the_rules_for_2024_to_2030() {
        let shipped = WorkingCalendar::default();
        let mut want = Vec::new();
        for y in 2024..=2030 {
            want.extend(regular_holidays(y));
        }
        assert_eq!(shipped.holidays, want);
        assert_eq!(shipped.known_until(), Some(d("2030-12-26")));
    }

    #[test]
    fn configured_calendars() {
        let c = WorkingCalendar::from_dates(&["2026-12-03".into()]).unwrap();
        assert!(!c.is_working_day(d("2026-12-03")));
        // Only the configured holidays count: Christmas is then an ordinary Friday.
        assert!(c.is_working_day(d("2026-12-25")));
        assert!(WorkingCalendar::from_dates(&["25/12/2026".into()]).is_err());
    }

    #[test]
    fn dates_are_written_the_gov_uk_way() {
        assert_eq!(long_date(d("2026-11-04")), "4 November 2026");
        assert_eq!(long_date(d("2027-01-31")), "31 January 2027");
        for m in 1..=12 {
            let date = NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
            assert_eq!(long_date(date), date.format("%-d %B %Y").to_string());
        }
    }
}
