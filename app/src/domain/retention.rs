//! How long personal data is kept (SPEC.md "Retention"; seeds 000, 001, 004 §38).
//!
//! The rules, with their defaults:
//! - a case file is kept whole for one year after the decision (the outcome sent, or the case
//!   closed without one), then reduced to a permanent summary (000). Counting: the data go on
//!   the anniversary of the decision, as a UK day (decided 25 November 2025, reduced from 25
//!   November 2026), so "one year" holds across leap years without counting days;
//! - officers' names gathered in casework (the owners of remedial and improvement actions)
//!   go 12 months after the case is closed (001);
//! - a held case (an ICO investigation, a claim) is skipped by every rule until released;
//! - idempotency records after 30 days: a repeat of the same request after that is a new
//!   complaint (the browser keeps a draft for at most 30 days from its start, so a retry from
//!   the same draft always falls inside);
//! - the audit trail after six years (the limitation period for a claim).
//!
//! Only the dates are decided here; the store carries the reductions out.
//!
//! SPEC "Retention" is tested by the tests below and, against the database file itself, by
//! `a_retention_run_reduces_decided_cases_keeps_the_rest_and_leaves_nothing_in_the_file`.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    /// Months a case file is kept whole after the decision.
    pub case_file_months: u32,
    /// Months officers' names are kept after the case is closed.
    pub officer_contact_months: u32,
    /// Days an idempotency record is kept.
    pub idempotency_days: u32,
    /// Years the audit trail is kept.
    pub audit_years: u32,
    /// Whether the permanent summary keeps the complainant's name and address, what they
    /// complained about and the outcome (seed 000 does). Without it the summary holds no
    /// personal data at all.
    pub keep_personal_summary: bool,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            case_file_months: 12,
            officer_contact_months: 12,
            idempotency_days: 30,
            audit_years: 6,
            keep_personal_summary: true,
        }
    }
}

/// What retention needs to know of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseDates {
    /// The UK day of the decision, if there was one yet.
    pub decided_on: Option<NaiveDate>,
    /// The UK day the case was closed, if it was.
    pub closed_on: Option<NaiveDate>,
    pub held: bool,
    /// Already reduced to its summary.
    pub reduced: bool,
    /// Officers' names already removed.
    pub officers_removed: bool,
}

/// One thing a rule does to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// Reduce the case file to its summary.
    Reduce,
    /// Remove officers' names from its actions.
    RemoveOfficers,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Reduce => "Case file reduced to its summary",
            Step::RemoveOfficers => "Officers' names removed",
        }
    }
}

fn plus_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

impl RetentionPolicy {
    /// When each step falls due for this case, if it ever will (an open case has no date yet).
    pub fn due_dates(&self, case: &CaseDates) -> Vec<(Step, NaiveDate)> {
        if case.held {
            return vec![];
        }
        let mut due = vec![];
        if !case.reduced {
            if let Some(d) = case.decided_on {
                due.push((Step::Reduce, plus_months(d, self.case_file_months)));
            }
        }
        if !case.officers_removed {
            if let Some(c) = case.closed_on {
                due.push((
                    Step::RemoveOfficers,
                    plus_months(c, self.officer_contact_months),
                ));
            }
        }
        due
    }

    /// The steps due on `today` (or overdue).
    pub fn due(&self, case: &CaseDates, today: NaiveDate) -> Vec<Step> {
        self.due_dates(case)
            .into_iter()
            .filter(|(_, on)| *on <= today)
            .map(|(s, _)| s)
            .collect()
    }

    /// Idempotency records made before this instant go.
    pub fn idempotency_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - chrono::Days::new(self.idempotency_days.into())
    }

    /// Audit entries made before this instant go.
    pub fn audit_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now.checked_sub_months(Months::new(self.audit_years.saturating_mul(12)))
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// "one year after our decision", for the public pages.
    pub fn case_file_period(&self) -> String {
        period(self.case_file_months)
    }

    pub fn officer_period(&self) -> String {
        period(self.officer_contact_months)
    }
}

/// What is kept of a complainant for good, when the council's policy keeps it (seed 000:
/// "your name, your address, the name of the organisation you complained about, what you
/// complained about, and the outcome"). No email, telephone, description or notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalSummary {
    pub name: String,
    pub address: Vec<String>,
    /// The service or department complained about, as given.
    pub service: Option<String>,
    /// The outcome's summary, as sent.
    pub outcome: Option<String>,
}

impl PersonalSummary {
    /// The summary of this complaint under `policy` (none when the policy keeps none).
    pub fn of(
        policy: &RetentionPolicy,
        complaint: &crate::domain::complaint::Complaint,
        outcome: Option<&str>,
    ) -> Option<PersonalSummary> {
        if !policy.keep_personal_summary {
            return None;
        }
        let c = &complaint.complainant;
        let address = c
            .address
            .as_ref()
            .map(|a| {
                [
                    Some(a.line_1.as_str()),
                    a.line_2.as_ref().map(|t| t.as_str()),
                    a.town.as_ref().map(|t| t.as_str()),
                    Some(a.postcode.as_str()),
                ]
                .into_iter()
                .flatten()
                .map(str::to_string)
                .collect()
            })
            .unwrap_or_default();
        Some(PersonalSummary {
            name: c.full_name.as_str().to_string(),
            address,
            service: complaint.service.as_ref().map(|s| s.as_str().to_string()),
            outcome: outcome.map(str::to_string),
        })
    }
}

/// What the public pages say about keeping people's information, from the same policy the
/// retention runs apply (so the words cannot drift from what happens).
pub fn public_wording(policy: &RetentionPolicy) -> String {
    let kept = if policy.keep_personal_summary {
        "a summary: your name and address, what you complained about and the outcome"
    } else {
        "a summary without your personal details: the reference, the dates and the outcome"
    };
    format!(
        "We keep your complaint and everything about it for {} after our decision, then delete \
         it, keeping permanently only {kept}. If you start our online form and do not send it, \
         what you typed stays only on your own device, for 30 days from when you started.",
        policy.case_file_period()
    )
}

/// The consent question's opening paragraph (the public form).
pub fn consent_intro(policy: &RetentionPolicy) -> String {
    format!(
        "To look into your complaint we need to use the information you have given us. We will \
         use it only to handle your complaint, and keep it for {} after our decision.",
        policy.case_file_period()
    )
}

/// The same paragraph in Welsh (a period written with "o" and the plural, which needs no
/// mutation after a number: "3 o flynyddoedd", "18 mis").
pub fn consent_intro_cy(policy: &RetentionPolicy) -> String {
    let period = match policy.case_file_months {
        1 => "un mis".to_string(),
        // After "am" (for), "blwyddyn" takes the soft mutation.
        12 => "flwyddyn".to_string(),
        m if m % 12 == 0 => format!("{} o flynyddoedd", m / 12),
        m => format!("{m} mis"),
    };
    format!(
        "Er mwyn ymchwilio i'ch cwyn mae angen i ni ddefnyddio'r wybodaeth rydych wedi'i rhoi i ni. \
         Byddwn yn ei defnyddio i ymdrin â'ch cwyn yn unig, ac yn ei chadw am {period} ar ôl ein \
         penderfyniad."
    )
}

/// A number of months in words: "one year", "2 years", "18 months", "one month".
pub fn period(months: u32) -> String {
    match months {
        1 => "one month".into(),
        12 => "one year".into(),
        m if m % 12 == 0 => format!("{} years", m / 12),
        m => format!("{m} months"),
    }
}

/// Who a person found by name is in a complaint, for subject access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// The one who complained (or a case found by their email, telephone, postcode or
    /// reference, which are the complainant's).
    Complainant,
    /// The person the complaint was made for.
    ComplainedFor,
    /// The constituent an MP wrote about.
    Constituent,
}

/// SPEC "Corrections and the rights of the people in the files" (UK GDPR art. 15(4): access
/// must not adversely affect the rights of others): each person receives their own data only.
/// Given the name searched (none for the other keys, which find complainants) and the
/// complaint as stored (JSON), says whose case it is and removes the other person's details,
/// returning a note of each thing withheld. Tested by
/// `subject_access_gives_each_person_their_own_data_only` (here) and
/// `subject_access_finds_people_complained_for_and_constituents_and_withholds_the_others` (server).
pub fn their_own(
    name: Option<&str>,
    complaint: &mut serde_json::Value,
) -> (Whose, Vec<&'static str>) {
    let has = |v: &serde_json::Value, path: &[&str]| {
        let mut at = v;
        for p in path {
            match at.get(p) {
                Some(next) => at = next,
                None => return false,
            }
        }
        let (Some(text), Some(name)) = (at.as_str(), name) else {
            return false;
        };
        text.to_lowercase().contains(&name.to_lowercase())
    };
    let whose = if name.is_none() || has(complaint, &["complainant", "full_name"]) {
        Whose::Complainant
    } else if has(complaint, &["on_behalf_of", "name"]) {
        Whose::ComplainedFor
    } else if has(complaint, &["constituent", "name"]) {
        Whose::Constituent
    } else {
        Whose::Complainant
    };
    let mut withheld = Vec::new();
    let Some(map) = complaint.as_object_mut() else {
        return (whose, withheld);
    };
    match whose {
        Whose::Complainant => {
            if let Some(other) = map.get_mut("on_behalf_of").and_then(|o| o.as_object_mut()) {
                if other.remove("name").is_some() | other.remove("relationship").is_some() {
                    withheld.push("the name of the person the complaint was made for, and how the complainant knows them: another person's personal data");
                }
            }
            if map.remove("constituent").is_some() {
                withheld.push("the constituent's name and address: another person's personal data");
            }
        }
        Whose::ComplainedFor | Whose::Constituent => {
            if map.remove("complainant").is_some() {
                withheld.push("the complainant's name, address, email address, telephone number and adjustments: another person's personal data");
            }
            if map.remove("mp_contact").is_some() {
                withheld.push("the MP's contact details");
            }
            if whose == Whose::ComplainedFor {
                map.remove("constituent");
            }
        }
    }
    (whose, withheld)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_access_gives_each_person_their_own_data_only() {
        let complaint = || {
            serde_json::json!({
                "complainant": {"full_name": "Carol Carer", "email": "carol@example.com", "phone": "07700 900111"},
                "on_behalf_of": {"for": "someone_else", "name": "Peter Person", "relationship": "Son", "they_agreed": true},
                "description": "About Peter's care records.",
            })
        };
        // The person complained for: the complainant's details withheld, their own kept.
        let mut c = complaint();
        let (whose, withheld) = their_own(Some("peter person"), &mut c);
        assert_eq!(whose, Whose::ComplainedFor);
        assert!(c.get("complainant").is_none());
        assert_eq!(c["on_behalf_of"]["name"], "Peter Person");
        assert_eq!(withheld.len(), 1);
        assert!(withheld[0].starts_with("the complainant's name"));
        // The complainant: the other person's details withheld, their own kept.
        let mut c = complaint();
        let (whose, withheld) = their_own(Some("Carol"), &mut c);
        assert_eq!(whose, Whose::Complainant);
        assert_eq!(c["complainant"]["email"], "carol@example.com");
        assert!(c["on_behalf_of"].get("name").is_none());
        assert_eq!(withheld.len(), 1);
        // Found by email (the complainant's): the same as by their name.
        let mut c = complaint();
        assert_eq!(their_own(None, &mut c).0, Whose::Complainant);
        // A constituent an MP wrote about.
        let mut c = serde_json::json!({
            "complainant": {"full_name": "Ann Member MP"},
            "on_behalf_of": {"for": "mp", "mp_name": "Ann Member MP"},
            "constituent": {"name": "Connie Constituent", "address": "3 Hill Road"},
            "mp_contact": {"name": "Ann Member MP"},
        });
        let (whose, withheld) = their_own(Some("Connie"), &mut c);
        assert_eq!(whose, Whose::Constituent);
        assert!(c.get("complainant").is_none() && c.get("mp_contact").is_none());
        assert_eq!(c["constituent"]["address"], "3 Hill Road");
        assert_eq!(withheld.len(), 2);
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_consent_paragraph_says_the_period_in_welsh() {
        let mut policy = RetentionPolicy::default();
        for (months, words) in [
            (12, "am flwyddyn"),
            (36, "am 3 o flynyddoedd"),
            (18, "am 18 mis"),
            (1, "am un mis"),
        ] {
            policy.case_file_months = months;
            let text = consent_intro_cy(&policy);
            assert!(text.contains(words), "{text}");
        }
    }

    fn decided(on: &str) -> CaseDates {
        CaseDates {
            decided_on: Some(day(on)),
            closed_on: None,
            held: false,
            reduced: false,
            officers_removed: false,
        }
    }

    #[test]
    fn a_case_file_is_kept_one_year_after_the_decision_then_reduced() {
        let policy = RetentionPolicy::default();
        let today = day("2026-11-25");
        // 364 days ago: kept; 366 days ago: reduced (across a leap year too).
        let kept = decided(&(today - chrono::Days::new(364)).to_string());
        assert!(policy.due(&kept, today).is_empty());
        let gone = decided(&(today - chrono::Days::new(366)).to_string());
        assert_eq!(policy.due(&gone, today), vec![Step::Reduce]);
        let leap_today = day("2028-03-01");
        let kept = decided(&(leap_today - chrono::Days::new(364)).to_string());
        assert!(policy.due(&kept, leap_today).is_empty());
        let gone = decided(&(leap_today - chrono::Days::new(366)).to_string());
        assert_eq!(policy.due(&gone, leap_today), vec![Step::Reduce]);
        // The anniversary itself is the first day it goes.
        assert_eq!(
            policy.due(&decided("2025-11-25"), today),
            vec![Step::Reduce]
        );
        assert!(policy.due(&decided("2025-11-26"), today).is_empty());
    }

    #[test]
    fn an_open_case_has_no_date_and_a_held_or_reduced_one_is_skipped() {
        let policy = RetentionPolicy::default();
        let today = day("2030-01-01");
        let open = CaseDates {
            decided_on: None,
            ..decided("2020-01-01")
        };
        assert!(policy.due(&open, today).is_empty());
        let held = CaseDates {
            held: true,
            closed_on: Some(day("2020-02-01")),
            ..decided("2020-01-01")
        };
        assert!(policy.due(&held, today).is_empty());
        assert!(policy.due_dates(&held).is_empty());
        let reduced = CaseDates {
            reduced: true,
            ..decided("2020-01-01")
        };
        assert!(policy.due(&reduced, today).is_empty());
    }

    #[test]
    fn officers_names_go_twelve_months_after_closure() {
        // Case files kept longer than officers' names: the officers' rule comes first.
        let policy = RetentionPolicy {
            case_file_months: 24,
            ..RetentionPolicy::default()
        };
        let case = CaseDates {
            closed_on: Some(day("2025-12-10")),
            ..decided("2025-12-01")
        };
        assert!(policy.due(&case, day("2026-12-09")).is_empty());
        assert_eq!(
            policy.due(&case, day("2026-12-10")),
            vec![Step::RemoveOfficers]
        );
        assert_eq!(
            policy.due(&case, day("2027-12-10")),
            vec![Step::Reduce, Step::RemoveOfficers]
        );
        let done = CaseDates {
            officers_removed: true,
            ..case
        };
        assert_eq!(policy.due(&done, day("2026-12-10")), vec![]);
    }

    #[test]
    fn idempotency_records_and_the_audit_trail_have_cut_offs() {
        let policy = RetentionPolicy::default();
        let now: DateTime<Utc> = "2026-11-25T12:00:00Z".parse().unwrap();
        assert_eq!(
            policy.idempotency_cutoff(now),
            "2026-10-26T12:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            policy.audit_cutoff(now),
            "2020-11-25T12:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn the_summary_keeps_name_address_service_and_outcome_and_nothing_else() {
        use crate::domain::complaint::ComplaintInput;
        let input = ComplaintInput {
            full_name: Some("Sam Example".into()),
            address_line_1: Some("1 High Street".into()),
            address_town: Some("Exampleton".into()),
            address_postcode: Some("EX1 1AA".into()),
            email: Some("sam@example.com".into()),
            phone: Some("07700 900123".into()),
            preferred_contact: Some("email".into()),
            category: Some("subject_access".into()),
            service: Some("Housing".into()),
            description: Some("My file was sent to my neighbour.".into()),
            on_behalf_of: Some("myself".into()),
            outcomes_wanted: Some(vec!["apology".into()]),
            also_about_service: Some(false),
            consent_handle: Some(true),
            consent_share: Some(true),
            ..ComplaintInput::default()
        };
        let complaint = crate::domain::complaint::Complaint::parse(
            &input,
            &crate::domain::taxonomy::Taxonomy::default(),
        )
        .expect("a valid complaint");
        let kept = PersonalSummary::of(
            &RetentionPolicy::default(),
            &complaint,
            Some("Upheld: sorry"),
        )
        .expect("the default keeps the summary");
        assert_eq!(kept.name, "Sam Example");
        assert_eq!(kept.address, vec!["1 High Street", "Exampleton", "EX1 1AA"]);
        assert_eq!(kept.service.as_deref(), Some("Housing"));
        assert_eq!(kept.outcome.as_deref(), Some("Upheld: sorry"));
        let json = serde_json::to_string(&kept).unwrap();
        for gone in ["sam@example.com", "07700", "neighbour"] {
            assert!(!json.contains(gone), "{gone} kept in {json}");
        }
        let none = RetentionPolicy {
            keep_personal_summary: false,
            ..RetentionPolicy::default()
        };
        assert_eq!(PersonalSummary::of(&none, &complaint, None), None);
    }

    #[test]
    fn the_public_wording_follows_the_policy() {
        let default = public_wording(&RetentionPolicy::default());
        assert!(default.contains("for one year after our decision"));
        assert!(default.contains("your name and address"));
        let other = public_wording(&RetentionPolicy {
            case_file_months: 24,
            keep_personal_summary: false,
            ..RetentionPolicy::default()
        });
        assert!(other.contains("for 2 years after our decision"));
        assert!(other.contains("without your personal details"));
        assert!(consent_intro(&RetentionPolicy::default())
            .ends_with("keep it for one year after our decision."));
    }

    #[test]
    fn periods_in_words() {
        assert_eq!(period(12), "one year");
        assert_eq!(period(24), "2 years");
        assert_eq!(period(18), "18 months");
        assert_eq!(period(1), "one month");
        assert_eq!(RetentionPolicy::default().case_file_period(), "one year");
    }
}
