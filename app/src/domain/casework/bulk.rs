//! Work on several cases at once, from the register (issue 26): one incident (a mis-sent
//! mailing, a lost file) brings dozens of complaints that need the same handling. Staff tick
//! the cases and choose one action: assign them, label them with the incident, or send each
//! the same progress update. Each case is still changed on its own, through the casework
//! service and the procedure's rules, with its own letter and history entry: a case the rules
//! refuse is named with why, and the others go ahead.

use super::lifecycle::{ProgressInput, ProgressUpdate};
use crate::domain::reference::Reference;
use crate::domain::text::{Lines, Text};
use crate::domain::FieldError;
use chrono::NaiveDate;

/// The most cases one action may change (a bound on the work one request asks for).
pub const BULK_MAX: usize = 100;

/// What an incident label may be: a short name staff recognise ("Mis-sent letters, March").
pub const INCIDENT_MAX: usize = 80;

/// The action as typed on the register's form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkInput {
    pub action: String,
    pub handler: String,
    pub incident: String,
    pub update: ProgressInput,
}

/// One action for every case chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAction {
    /// To this handler, awaiting their confirmation of independence on each case.
    Assign { handler: String },
    /// Grouped under an incident (none: the label taken off).
    Label { incident: Option<Text> },
    /// The same progress update to each, each with its own letter (004 §34).
    Update(ProgressUpdate),
}

/// Tested by `the_cases_chosen_are_one_to_a_hundred_real_references_each_once`.
///
/// The references ticked, each once in the order given: at least one, at most `BULK_MAX`,
/// every one a reference (the form only offers real ones: anything else was tampered with).
pub fn chosen(raw: &[String]) -> Result<Vec<Reference>, FieldError> {
    let mut refs: Vec<Reference> = Vec::new();
    for r in raw {
        let reference = Reference::parse(r)
            .map_err(|_| FieldError::new("case", "Select cases from the register"))?;
        if !refs.contains(&reference) {
            refs.push(reference);
        }
    }
    match refs.len() {
        0 => Err(FieldError::new("case", "Select at least one case")),
        n if n > BULK_MAX => Err(FieldError::new(
            "case",
            format!("Select at most {BULK_MAX} cases at a time"),
        )),
        _ => Ok(refs),
    }
}

impl BulkAction {
    /// Tested by `a_bulk_action_needs_what_it_does`.
    pub fn parse(input: &BulkInput, today: NaiveDate) -> Result<BulkAction, Vec<FieldError>> {
        match input.action.as_str() {
            "assign" if input.handler.trim().is_empty() => Err(vec![FieldError::new(
                "handler",
                "Select who to assign the cases to",
            )]),
            "assign" => Ok(BulkAction::Assign {
                handler: input.handler.trim().to_string(),
            }),
            "label" => Text::parse(
                &input.incident,
                "incident",
                "The incident",
                INCIDENT_MAX,
                Lines::One,
            )
            .map(|incident| BulkAction::Label { incident })
            .map_err(|e| vec![e]),
            "update" => ProgressUpdate::parse(&input.update, today).map(BulkAction::Update),
            _ => Err(vec![FieldError::new(
                "action",
                "Select what to do with the cases",
            )]),
        }
    }
}

/// An incident label as the register's filter takes it (typed in its address).
pub fn incident_filter(raw: &str) -> Option<String> {
    Text::parse(raw, "incident", "The incident", INCIDENT_MAX, Lines::One)
        .ok()
        .flatten()
        .map(|t| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_cases_chosen_are_one_to_a_hundred_real_references_each_once() {
        let a = Reference::from_random(1).to_string();
        let b = Reference::from_random(2).compact();
        let got = chosen(&[a.clone(), b.clone(), a.clone()]).unwrap();
        assert_eq!(
            got,
            vec![Reference::from_random(1), Reference::from_random(2)]
        );
        assert_eq!(chosen(&[]).unwrap_err().message, "Select at least one case");
        assert_eq!(
            chosen(&[a.clone(), "not-a-reference".into()])
                .unwrap_err()
                .message,
            "Select cases from the register"
        );
        let many: Vec<String> = (0..=BULK_MAX as u64)
            .map(|i| Reference::from_random(i).to_string())
            .collect();
        assert!(chosen(&many[..BULK_MAX]).is_ok());
        assert_eq!(
            chosen(&many).unwrap_err().message,
            "Select at most 100 cases at a time"
        );
    }

    #[test]
    fn a_bulk_action_needs_what_it_does() {
        let today = day("2026-12-04");
        let input = |action: &str| BulkInput {
            action: action.into(),
            ..BulkInput::default()
        };
        assert_eq!(
            BulkAction::parse(&input("delete"), today).unwrap_err()[0].field,
            "action"
        );
        assert_eq!(
            BulkAction::parse(&input("assign"), today).unwrap_err()[0].field,
            "handler"
        );
        let assign = BulkInput {
            handler: " kim ".into(),
            ..input("assign")
        };
        assert_eq!(
            BulkAction::parse(&assign, today),
            Ok(BulkAction::Assign {
                handler: "kim".into()
            })
        );
        // An empty label takes the label off; a long one or one over two lines is refused.
        assert_eq!(
            BulkAction::parse(&input("label"), today),
            Ok(BulkAction::Label { incident: None })
        );
        let long = BulkInput {
            incident: "x".repeat(INCIDENT_MAX + 1),
            ..input("label")
        };
        assert!(BulkAction::parse(&long, today).is_err());
        let two_lines = BulkInput {
            incident: "Mis-sent\nletters".into(),
            ..input("label")
        };
        assert!(BulkAction::parse(&two_lines, today).is_err());
        // An update needs all three parts, as one case's does.
        let update = BulkInput {
            update: ProgressInput {
                progress: "We are contacting everyone who received the letters.".into(),
                revised_on: "2027-02-01".into(),
                why: String::new(),
            },
            ..input("update")
        };
        let errors = BulkAction::parse(&update, today).unwrap_err();
        assert_eq!(errors[0].field, "why");
        let update = BulkInput {
            update: ProgressInput {
                why: "Each person's letter must be traced.".into(),
                ..update.update
            },
            ..update
        };
        assert!(matches!(
            BulkAction::parse(&update, today),
            Ok(BulkAction::Update(_))
        ));
        assert_eq!(
            incident_filter(" Mis-sent letters "),
            Some("Mis-sent letters".into())
        );
        assert_eq!(incident_filter(""), None);
    }
}
