//! The investigation record (SPEC "The investigation"; seed 004 §30, §33, §36): the plan
//! (scope, evidence sources, stakeholders, milestones with dates), interim measures taken
//! while the investigation runs, and the findings (facts, the law that applies, risks to the
//! individual, breaches of policy or law found), from which the outcome letter's findings are
//! written. Pure: the staff pages parse the forms here and the store keeps the result whole.

use super::receiving::date_field;
use super::records::required_text as required;
use crate::domain::text::{limits, Lines, Text};
use crate::domain::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How many milestone rows the plan's form offers.
pub const MILESTONE_ROWS: usize = 5;

/// The form's field names for each milestone row: (what, by).
pub const MILESTONE_FIELDS: [(&str, &str); MILESTONE_ROWS] = [
    ("milestone_1_what", "milestone_1_by"),
    ("milestone_2_what", "milestone_2_by"),
    ("milestone_3_what", "milestone_3_by"),
    ("milestone_4_what", "milestone_4_by"),
    ("milestone_5_what", "milestone_5_by"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub what: Text,
    pub by: NaiveDate,
}

/// Seed 004 §30: what the investigation covers, where the evidence is, who is involved, and
/// the steps with their dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub scope: Text,
    pub evidence: Text,
    pub stakeholders: Text,
    pub milestones: Vec<Milestone>,
}

/// Seed 004 §33: a step taken meanwhile to reduce harm to the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterimMeasure {
    pub what: Text,
    pub taken_on: NaiveDate,
}

/// Seed 004 §36: what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Findings {
    pub facts: Text,
    pub law: Text,
    pub risks: Text,
    pub breaches: Text,
}

/// Everything recorded about the investigation of one case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Investigation {
    #[serde(default)]
    pub plan: Option<Plan>,
    #[serde(default)]
    pub measures: Vec<InterimMeasure>,
    #[serde(default)]
    pub findings: Option<Findings>,
}

/// The plan's form as typed; `milestones` holds each row's (what, by).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanInput {
    pub scope: String,
    pub evidence: String,
    pub stakeholders: String,
    pub milestones: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingsInput {
    pub facts: String,
    pub law: String,
    pub risks: String,
    pub breaches: String,
}

impl Plan {
    /// Scope, evidence sources and stakeholders are required; milestone rows left empty are
    /// skipped, a row partly filled in must be completed, and at least one is needed (seed
    /// 004 §30 asks for milestones). A milestone may be dated in the past (a plan recorded
    /// after the work began).
    pub fn parse(input: &PlanInput) -> Result<Plan, Vec<FieldError>> {
        let mut errors = Vec::new();
        let scope = required(
            &input.scope,
            "scope",
            "The scope",
            "Enter what the investigation will cover",
            &mut errors,
        );
        let evidence = required(
            &input.evidence,
            "evidence",
            "The evidence sources",
            "Enter where the evidence will come from",
            &mut errors,
        );
        let stakeholders = required(
            &input.stakeholders,
            "stakeholders",
            "The stakeholders",
            "Enter who is involved or will be asked",
            &mut errors,
        );
        let mut milestones = Vec::new();
        for (i, (what, by)) in input.milestones.iter().enumerate() {
            let n = i + 1;
            if what.trim().is_empty() && by.trim().is_empty() {
                continue;
            }
            let what_field = format!("milestone_{n}_what");
            let by_field = format!("milestone_{n}_by");
            let what = match Text::parse(
                what,
                &what_field,
                "The milestone",
                limits::SHORT,
                Lines::One,
            ) {
                Ok(Some(t)) => Some(t),
                Ok(None) => {
                    errors.push(FieldError::new(
                        &what_field,
                        format!("Enter what milestone {n} is"),
                    ));
                    None
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            };
            let by = match date_field(by, &by_field, &format!("The date of milestone {n}")) {
                Ok(Some(d)) => Some(d),
                Ok(None) => {
                    errors.push(FieldError::new(
                        &by_field,
                        format!("Enter the date of milestone {n}"),
                    ));
                    None
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            };
            if let (Some(what), Some(by)) = (what, by) {
                milestones.push(Milestone { what, by });
            }
        }
        if milestones.is_empty() && !errors.iter().any(|e| e.field.starts_with("milestone_")) {
            errors.push(FieldError::new(
                "milestone_1_what",
                "Enter at least one milestone with its date",
            ));
        }
        match (scope, evidence, stakeholders) {
            (Some(scope), Some(evidence), Some(stakeholders)) if errors.is_empty() => Ok(Plan {
                scope,
                evidence,
                stakeholders,
                milestones,
            }),
            _ => Err(errors),
        }
    }
}

impl InterimMeasure {
    /// What was done, and when: today or earlier (a measure is recorded once taken).
    pub fn parse(
        what: &str,
        taken_on: &str,
        today: NaiveDate,
    ) -> Result<InterimMeasure, Vec<FieldError>> {
        let mut errors = Vec::new();
        let what = required(
            what,
            "measure",
            "The interim measure",
            "Enter the interim measure taken",
            &mut errors,
        );
        let taken_on = match date_field(taken_on, "taken_on", "The date it was taken") {
            Ok(Some(d)) if d <= today => Some(d),
            Ok(Some(_)) => {
                errors.push(FieldError::new(
                    "taken_on",
                    "The date it was taken must be today or in the past",
                ));
                None
            }
            Ok(None) => {
                errors.push(FieldError::new("taken_on", "Enter the date it was taken"));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        match (what, taken_on) {
            (Some(what), Some(taken_on)) => Ok(InterimMeasure { what, taken_on }),
            _ => Err(errors),
        }
    }
}

impl Findings {
    /// All four are required: seed 004 §36 lists each. "None found" is an answer.
    pub fn parse(input: &FindingsInput) -> Result<Findings, Vec<FieldError>> {
        let mut errors = Vec::new();
        let facts = required(
            &input.facts,
            "facts",
            "The facts",
            "Enter the facts established",
            &mut errors,
        );
        let law = required(
            &input.law,
            "law",
            "The law that applies",
            "Enter the law that applies",
            &mut errors,
        );
        let risks = required(
            &input.risks,
            "risks",
            "The risks to the individual",
            "Enter the risks to the individual, or that there are none",
            &mut errors,
        );
        let breaches = required(
            &input.breaches,
            "breaches",
            "The breaches found",
            "Enter the breaches of policy or law found, or that there were none",
            &mut errors,
        );
        match (facts, law, risks, breaches) {
            (Some(facts), Some(law), Some(risks), Some(breaches)) => Ok(Findings {
                facts,
                law,
                risks,
                breaches,
            }),
            _ => Err(errors),
        }
    }

    /// SPEC "The investigation": the outcome letter's findings come from these. The four
    /// parts as paragraphs, in the order of seed 004 §36, for the handler to send as they are
    /// or to word for the complainant (no headings: the letter may be in Welsh).
    pub fn for_the_letter(&self) -> String {
        [&self.facts, &self.law, &self.risks, &self.breaches]
            .iter()
            .map(|t| t.as_str().trim())
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn plan_input() -> PlanInput {
        PlanInput {
            scope: "How the request of 3 March was handled".into(),
            evidence: "The SAR log; emails of the records team".into(),
            stakeholders: "Records team; Customer Services".into(),
            milestones: vec![
                ("Evidence gathered".into(), "2026-12-15".into()),
                (String::new(), String::new()),
            ],
        }
    }

    #[test]
    fn a_plan_needs_its_scope_evidence_stakeholders_and_a_dated_milestone() {
        let plan = Plan::parse(&plan_input()).unwrap();
        assert_eq!(plan.milestones.len(), 1, "the empty row is skipped");
        assert_eq!(plan.milestones[0].by, d("2026-12-15"));
        let fields = |input: &PlanInput| -> Vec<String> {
            Plan::parse(input)
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(
            fields(&PlanInput::default()),
            ["scope", "evidence", "stakeholders", "milestone_1_what"]
        );
        // A row partly filled in must be completed; a bad date is named.
        let mut partial = plan_input();
        partial.milestones[1] = ("Interview the team".into(), String::new());
        assert_eq!(fields(&partial), ["milestone_2_by"]);
        partial.milestones[1].1 = "31/12/2026".into();
        let e = Plan::parse(&partial).unwrap_err();
        assert_eq!(
            e[0].message,
            "The date of milestone 2 must be a real date, like 2026-12-31"
        );
    }

    #[test]
    fn an_interim_measure_is_dated_today_or_before() {
        let today = d("2026-12-03");
        let m = InterimMeasure::parse("Account locked", "2026-12-03", today).unwrap();
        assert_eq!(m.taken_on, today);
        let e = InterimMeasure::parse("Account locked", "2026-12-04", today).unwrap_err();
        assert_eq!(e[0].field, "taken_on");
        let e = InterimMeasure::parse("", "", today).unwrap_err();
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn the_outcome_letters_findings_come_from_the_recorded_findings() {
        let f = Findings::parse(&FindingsInput {
            facts: "The request was logged but not answered.".into(),
            law: "UK GDPR art. 15 and 12(3): one month.".into(),
            risks: "None lasting: the records were sent late.".into(),
            breaches: "Art. 12(3): the deadline was missed.".into(),
        })
        .unwrap();
        assert_eq!(
            f.for_the_letter(),
            "The request was logged but not answered.\n\nUK GDPR art. 15 and 12(3): one month.\n\n\
             None lasting: the records were sent late.\n\nArt. 12(3): the deadline was missed."
        );
        let e = Findings::parse(&FindingsInput::default()).unwrap_err();
        assert_eq!(
            e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["facts", "law", "risks", "breaches"]
        );
    }
}
