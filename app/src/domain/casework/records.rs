//! What the handler records: the outcome (Appendix C of seed 004) and the closure, with their
//! remedial and improvement actions (seed 004 §41–§45).

use super::receiving::date_field;
use crate::domain::text::{limits, Lines, Text};
use crate::domain::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Outcome categories of the Data Protection Complaints Register (seed 004 §45).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeCategory {
    Upheld,
    PartlyUpheld,
    NotUpheld,
}

impl OutcomeCategory {
    pub const ALL: [OutcomeCategory; 3] = [
        OutcomeCategory::Upheld,
        OutcomeCategory::PartlyUpheld,
        OutcomeCategory::NotUpheld,
    ];

    pub fn id(self) -> &'static str {
        match self {
            OutcomeCategory::Upheld => "upheld",
            OutcomeCategory::PartlyUpheld => "partly_upheld",
            OutcomeCategory::NotUpheld => "not_upheld",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OutcomeCategory::Upheld => "Upheld",
            OutcomeCategory::PartlyUpheld => "Partly upheld",
            OutcomeCategory::NotUpheld => "Not upheld",
        }
    }

    pub fn parse(s: &str) -> Option<OutcomeCategory> {
        OutcomeCategory::ALL.into_iter().find(|c| c.id() == s)
    }
}

/// Remedial actions come with an outcome (seed 004 §41); improvement actions are logged at
/// closure for the register (seed 004 §45).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Remedial,
    Improvement,
}

/// The parts of one row of action fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionPart {
    Description,
    Owner,
    DueOn,
}

/// The form's field names for each row: "action_2_owner", "improvement_1_due_on"…
const ACTION_FIELDS: [[[&str; 3]; ACTION_ROWS]; 2] = [
    [
        ["action_1_description", "action_1_owner", "action_1_due_on"],
        ["action_2_description", "action_2_owner", "action_2_due_on"],
        ["action_3_description", "action_3_owner", "action_3_due_on"],
    ],
    [
        [
            "improvement_1_description",
            "improvement_1_owner",
            "improvement_1_due_on",
        ],
        [
            "improvement_2_description",
            "improvement_2_owner",
            "improvement_2_due_on",
        ],
        [
            "improvement_3_description",
            "improvement_3_owner",
            "improvement_3_due_on",
        ],
    ],
];

impl ActionKind {
    pub const ALL: [ActionKind; 2] = [ActionKind::Remedial, ActionKind::Improvement];

    pub fn id(self) -> &'static str {
        match self {
            ActionKind::Remedial => "remedial",
            ActionKind::Improvement => "improvement",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Remedial => "Remedial",
            ActionKind::Improvement => "Improvement",
        }
    }

    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.id() == s)
    }

    /// The name of one field of row `n` (1-based, up to `ACTION_ROWS`).
    pub fn field(self, n: usize, part: ActionPart) -> &'static str {
        ACTION_FIELDS[self as usize][n - 1][part as usize]
    }
}

/// An action with its owner and due date (seed 004 §41, §45, §47).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub description: Text,
    pub owner: Text,
    pub due_on: NaiveDate,
}

/// One row of actions as typed into the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionInput {
    pub description: String,
    pub owner: String,
    pub due_on: String,
}

/// How many action rows the outcome and closure forms offer.
pub const ACTION_ROWS: usize = 3;

/// The outcome as the handler writes it (the parts of Appendix C of seed 004).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutcomeInput {
    pub category: String,
    pub summary: String,
    pub investigation: String,
    pub findings: String,
    /// Why no action is needed, where none is planned (seed 004 §42).
    pub no_action_reason: String,
    pub actions: Vec<ActionInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub category: OutcomeCategory,
    pub summary: Text,
    pub investigation: Text,
    pub findings: Text,
    pub no_action_reason: Option<Text>,
    pub actions: Vec<Action>,
}

/// What the handler records at closure (seed 004 §45).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClosureInput {
    pub resolution: String,
    pub improvements: Vec<ActionInput>,
    /// An anonymised summary for publication, optional.
    pub publication: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub resolution: Text,
    pub improvements: Vec<Action>,
    /// SPEC "Opt-outs": an anonymised summary the council may publish; never written for a
    /// case whose complainant opted out of publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication: Option<Text>,
}

pub(super) fn required_text(
    raw: &str,
    field: &str,
    label: &str,
    missing: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Text> {
    Text::required(raw, field, label, limits::DESCRIPTION, Lines::Many, missing)
        .map_err(|e| errors.push(e))
        .ok()
}

/// Rows left wholly empty are skipped; a row partly filled in must be completed.
fn parse_actions(
    rows: &[ActionInput],
    kind: ActionKind,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    for (i, row) in rows.iter().take(ACTION_ROWS).enumerate() {
        let n = i + 1;
        if row.description.trim().is_empty()
            && row.owner.trim().is_empty()
            && row.due_on.trim().is_empty()
        {
            continue;
        }
        let f = |part: ActionPart| kind.field(n, part).to_string();
        let description = Text::parse(
            &row.description,
            &f(ActionPart::Description),
            &format!("Action {n}"),
            limits::MEDIUM,
            Lines::Many,
        );
        let owner = Text::parse(
            &row.owner,
            &f(ActionPart::Owner),
            &format!("The owner of action {n}"),
            limits::SHORT,
            Lines::One,
        );
        let due = date_field(
            &row.due_on,
            &f(ActionPart::DueOn),
            &format!("The due date of action {n}"),
        );
        let description = match description {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                errors.push(FieldError::new(
                    f(ActionPart::Description),
                    format!("Enter what action {n} is"),
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let owner = match owner {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                errors.push(FieldError::new(
                    f(ActionPart::Owner),
                    format!("Enter who owns action {n}"),
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let due = match due {
            Ok(Some(d)) if d < today => {
                errors.push(FieldError::new(
                    f(ActionPart::DueOn),
                    format!("The due date of action {n} must be today or in the future"),
                ));
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.push(FieldError::new(
                    f(ActionPart::DueOn),
                    format!("Enter when action {n} is due"),
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        if let (Some(description), Some(owner), Some(due_on)) = (description, owner, due) {
            actions.push(Action {
                description,
                owner,
                due_on,
            });
        }
    }
    actions
}

impl Outcome {
    pub fn parse(input: &OutcomeInput, today: NaiveDate) -> Result<Outcome, Vec<FieldError>> {
        let mut errors = Vec::new();
        let category = OutcomeCategory::parse(input.category.trim());
        if category.is_none() {
            errors.push(FieldError::new(
                "category",
                "Select whether the complaint was upheld, partly upheld or not upheld",
            ));
        }
        let summary = required_text(
            &input.summary,
            "summary",
            "The summary",
            "Enter a summary of the complaint",
            &mut errors,
        );
        let investigation = required_text(
            &input.investigation,
            "investigation",
            "The investigation steps",
            "Enter the steps of the investigation",
            &mut errors,
        );
        let findings = required_text(
            &input.findings,
            "findings",
            "The findings",
            "Enter what the investigation found",
            &mut errors,
        );
        let actions = parse_actions(&input.actions, ActionKind::Remedial, today, &mut errors);
        let no_action_reason = match Text::parse(
            &input.no_action_reason,
            "no_action_reason",
            "The reason",
            limits::DESCRIPTION,
            Lines::Many,
        ) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        // Upheld complaints need remedial steps (§42); any outcome needs actions or reasons.
        let upheld = matches!(
            category,
            Some(OutcomeCategory::Upheld | OutcomeCategory::PartlyUpheld)
        );
        let rows_ok = !errors.iter().any(|e| e.field.starts_with("action_"));
        if rows_ok && actions.is_empty() {
            if upheld {
                errors.push(FieldError::new(
                    "action_1_description",
                    "Enter at least one remedial action, with its owner and due date, for an upheld complaint",
                ));
            } else if no_action_reason.is_none() {
                errors.push(FieldError::new(
                    "no_action_reason",
                    "Enter an action with its owner and due date, or the reasons no action is needed",
                ));
            }
        }
        match (category, summary, investigation, findings) {
            (Some(category), Some(summary), Some(investigation), Some(findings))
                if errors.is_empty() =>
            {
                Ok(Outcome {
                    category,
                    summary,
                    investigation,
                    findings,
                    no_action_reason,
                    actions,
                })
            }
            _ => Err(errors),
        }
    }
}

impl Closure {
    /// SPEC "Opt-outs" (seed 000): publication only of anonymised summaries, and never of a
    /// case whose complainant opted out. Tested by
    /// `a_summary_for_publication_is_refused_when_the_complainant_opted_out`.
    pub fn parse(
        input: &ClosureInput,
        today: NaiveDate,
        publication_opt_out: bool,
    ) -> Result<Closure, Vec<FieldError>> {
        let mut errors = Vec::new();
        let publication = match Text::parse(
            &input.publication,
            "publication",
            "The summary for publication",
            limits::DESCRIPTION,
            Lines::Many,
        ) {
            Ok(Some(_)) if publication_opt_out => {
                errors.push(FieldError::new(
                    "publication",
                    "The complainant opted out of publication: leave the summary for publication empty",
                ));
                None
            }
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let resolution = required_text(
            &input.resolution,
            "resolution",
            "The resolution",
            "Enter how the complaint was resolved",
            &mut errors,
        );
        let improvements = parse_actions(
            &input.improvements,
            ActionKind::Improvement,
            today,
            &mut errors,
        );
        match resolution {
            Some(resolution) if errors.is_empty() => Ok(Closure {
                resolution,
                improvements,
                publication,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn row(description: &str, owner: &str, due_on: &str) -> ActionInput {
        ActionInput {
            description: description.into(),
            owner: owner.into(),
            due_on: due_on.into(),
        }
    }

    fn outcome(category: &str, actions: Vec<ActionInput>, reason: &str) -> OutcomeInput {
        OutcomeInput {
            category: category.into(),
            summary: "You asked for your records and got them late.".into(),
            investigation: "We checked the request log.".into(),
            findings: "The reply was 20 days late.".into(),
            no_action_reason: reason.into(),
            actions,
        }
    }

    #[test]
    fn an_upheld_outcome_needs_an_action_with_owner_and_due_date() {
        let today = d("2026-11-24");
        let errors = Outcome::parse(&outcome("upheld", vec![], ""), today).unwrap_err();
        assert_eq!(errors[0].field, "action_1_description");
        let ok = Outcome::parse(
            &outcome(
                "upheld",
                vec![row("Retrain the team", "Head of Service", "2027-01-31")],
                "",
            ),
            today,
        )
        .unwrap();
        assert_eq!(ok.category, OutcomeCategory::Upheld);
        assert_eq!(ok.actions[0].due_on, d("2027-01-31"));
        assert_eq!(ok.actions[0].owner.as_str(), "Head of Service");
    }

    #[test]
    fn a_not_upheld_outcome_needs_actions_or_reasons() {
        let today = d("2026-11-24");
        let errors = Outcome::parse(&outcome("not_upheld", vec![], ""), today).unwrap_err();
        assert_eq!(errors[0].field, "no_action_reason");
        assert!(
            Outcome::parse(&outcome("not_upheld", vec![], "We acted lawfully."), today).is_ok()
        );
    }

    #[test]
    fn each_outcome_field_has_its_own_message() {
        let today = d("2026-11-24");
        let errors = Outcome::parse(&OutcomeInput::default(), today).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "category",
                "summary",
                "investigation",
                "findings",
                "no_action_reason"
            ]
        );
        assert_eq!(errors[1].message, "Enter a summary of the complaint");
    }

    #[test]
    fn a_partly_filled_action_row_is_an_error_per_missing_part() {
        let today = d("2026-11-24");
        let errors = Outcome::parse(
            &outcome(
                "upheld",
                vec![row("", "", ""), row("Fix the form", "", "31/01/2027")],
                "",
            ),
            today,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["action_2_owner", "action_2_due_on"]);
        assert_eq!(
            errors[1].message,
            "The due date of action 2 must be a real date, like 2026-12-31"
        );
        let past = Outcome::parse(
            &outcome("upheld", vec![row("Fix", "Me", "2026-11-23")], ""),
            today,
        )
        .unwrap_err();
        assert_eq!(
            past[0].message,
            "The due date of action 1 must be today or in the future"
        );
    }

    #[test]
    fn closure_needs_a_resolution_and_takes_improvement_actions() {
        let today = d("2026-11-24");
        let e = Closure::parse(&ClosureInput::default(), today, false).unwrap_err();
        assert_eq!(e[0].field, "resolution");
        let c = Closure::parse(
            &ClosureInput {
                resolution: "Apology and records corrected.".into(),
                improvements: vec![row("Update the SAR guidance", "IG Manager", "2027-03-01")],
                ..ClosureInput::default()
            },
            today,
            false,
        )
        .unwrap();
        assert_eq!(c.improvements.len(), 1);
    }

    #[test]
    fn action_field_names_follow_the_kind_and_row() {
        assert_eq!(
            ActionKind::Remedial.field(1, ActionPart::Description),
            "action_1_description"
        );
        assert_eq!(
            ActionKind::Improvement.field(3, ActionPart::DueOn),
            "improvement_3_due_on"
        );
        for k in ActionKind::ALL {
            assert_eq!(ActionKind::parse(k.id()), Some(k));
        }
    }

    #[test]
    fn a_summary_for_publication_is_refused_when_the_complainant_opted_out() {
        let today = d("2026-12-03");
        let input = ClosureInput {
            resolution: "Answered with an apology.".into(),
            publication: "A resident's request was answered late; we apologised.".into(),
            ..ClosureInput::default()
        };
        let kept = Closure::parse(&input, today, false).unwrap();
        assert_eq!(
            kept.publication.as_ref().map(|p| p.as_str()),
            Some("A resident's request was answered late; we apologised.")
        );
        let refused = Closure::parse(&input, today, true).unwrap_err();
        assert_eq!(refused[0].field, "publication");
        // Without a summary, an opted-out case closes as any other.
        let none = ClosureInput {
            publication: "  ".into(),
            ..input
        };
        assert_eq!(
            Closure::parse(&none, today, true).unwrap().publication,
            None
        );
    }
}

/// The kinds of entry on a case file besides its history (seed 004 §37c: correspondence,
/// notes and evidence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    Note,
    CorrespondenceIn,
    CorrespondenceOut,
    Evidence,
}

impl NoteKind {
    pub const ALL: [NoteKind; 4] = [
        NoteKind::Note,
        NoteKind::CorrespondenceIn,
        NoteKind::CorrespondenceOut,
        NoteKind::Evidence,
    ];

    pub fn id(self) -> &'static str {
        match self {
            NoteKind::Note => "note",
            NoteKind::CorrespondenceIn => "correspondence_in",
            NoteKind::CorrespondenceOut => "correspondence_out",
            NoteKind::Evidence => "evidence",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Note => "Note",
            NoteKind::CorrespondenceIn => "Correspondence received",
            NoteKind::CorrespondenceOut => "Correspondence sent",
            NoteKind::Evidence => "Evidence",
        }
    }

    pub fn parse(s: &str) -> Option<NoteKind> {
        NoteKind::ALL.into_iter().find(|k| k.id() == s)
    }
}
