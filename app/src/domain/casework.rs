//! Working a case after it is received (seed 004 §27–§46): who may do what, the order a case
//! moves through, the outcome and closure records, and how urgent a case is. Pure rules: the
//! staff pages and the store apply them, and they are tested here once.

use super::calendar::long_date;
use super::complaint::Channel;
use super::text::{limits, Lines, Text};
use super::FieldError;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Staff roles, each able to do everything the one before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Keys in complaints taken by telephone, post and so on.
    Intake,
    /// Works cases: the register, acknowledgements, outcomes, closure.
    Handler,
    /// The Data Protection Officer: everything, including the audit trail and accounts.
    Dpo,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Intake, Role::Handler, Role::Dpo];

    pub fn id(self) -> &'static str {
        match self {
            Role::Intake => "intake",
            Role::Handler => "handler",
            Role::Dpo => "dpo",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Intake => "Intake",
            Role::Handler => "Complaint handler",
            Role::Dpo => "Data Protection Officer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == s)
    }

    /// Whether someone with this role may do what `needed` allows.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

/// Where a case is (seed 004 §27–§45). It moves forward one step at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Received,
    Acknowledged,
    Investigating,
    OutcomeSent,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Received,
        Status::Acknowledged,
        Status::Investigating,
        Status::OutcomeSent,
        Status::Closed,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Acknowledged => "acknowledged",
            Status::Investigating => "investigating",
            Status::OutcomeSent => "outcome_sent",
            Status::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Received => "Received",
            Status::Acknowledged => "Acknowledged",
            Status::Investigating => "Investigating",
            Status::OutcomeSent => "Outcome sent",
            Status::Closed => "Closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|r| r.id() == s)
    }

    /// The only status a case may move to from this one.
    pub fn next(self) -> Option<Status> {
        match self {
            Status::Received => Some(Status::Acknowledged),
            Status::Acknowledged => Some(Status::Investigating),
            Status::Investigating => Some(Status::OutcomeSent),
            Status::OutcomeSent => Some(Status::Closed),
            Status::Closed => None,
        }
    }

    pub fn is_open(self) -> bool {
        self != Status::Closed
    }
}

/// Why a requested change cannot be made, in words for the member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    WrongStatus { now: Status, wanted: Status },
    NoHandler,
    HandlerNotConfirmed,
    NotTheHandler,
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::WrongStatus { now, wanted } => format!(
                "This case is {}; it cannot be marked {} from there",
                now.label().to_lowercase(),
                wanted.label().to_lowercase()
            ),
            Refusal::NoHandler => "Assign a handler to this case first".into(),
            Refusal::HandlerNotConfirmed => {
                "The handler must first confirm they did not work on the processing complained about".into()
            }
            Refusal::NotTheHandler => {
                "Only the case's handler or the Data Protection Officer can do this".into()
            }
        }
    }
}

/// Who handles a case, and whether they confirmed their independence (seed 004 §30).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handling<'a> {
    pub status: Status,
    pub handler: Option<&'a str>,
    pub handler_confirmed: bool,
}

/// Checks a move to `wanted` by `actor` (username and role). Acknowledging needs no handler
/// (it is due within 30 days whoever picks it up); investigating and beyond need the
/// confirmed handler, or the DPO.
pub fn may_move(h: &Handling, wanted: Status, actor: &str, role: Role) -> Result<(), Refusal> {
    if h.status.next() != Some(wanted) {
        return Err(Refusal::WrongStatus {
            now: h.status,
            wanted,
        });
    }
    if wanted == Status::Acknowledged {
        return Ok(());
    }
    let Some(handler) = h.handler else {
        return Err(Refusal::NoHandler);
    };
    if !h.handler_confirmed {
        return Err(Refusal::HandlerNotConfirmed);
    }
    if handler != actor && role != Role::Dpo {
        return Err(Refusal::NotTheHandler);
    }
    Ok(())
}

/// The statement a handler confirms before taking a case (seed 004 §30).
pub const INDEPENDENCE: &str =
    "I confirm I have not worked on any part of the processing of personal information that this complaint is about";

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub resolution: Text,
    pub improvements: Vec<Action>,
}

fn required_text(
    raw: &str,
    field: &str,
    label: &str,
    missing: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Text> {
    match Text::parse(raw, field, label, limits::DESCRIPTION, Lines::Many) {
        Ok(Some(t)) => Some(t),
        Ok(None) => {
            errors.push(FieldError::new(field, missing));
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// A date typed as YYYY-MM-DD (the value a date input sends).
pub fn parse_date(raw: &str, field: &str, label: &str) -> Result<Option<NaiveDate>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            FieldError::new(
                field,
                format!("{label} must be a real date, like 2026-12-31"),
            )
        })
}

/// Rows left wholly empty are skipped; a row partly filled in must be completed.
fn parse_actions(
    rows: &[ActionInput],
    prefix: &str,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let n = i + 1;
        if row.description.trim().is_empty()
            && row.owner.trim().is_empty()
            && row.due_on.trim().is_empty()
        {
            continue;
        }
        let f = |part: &str| format!("{prefix}_{n}_{part}");
        let description = Text::parse(
            &row.description,
            &f("description"),
            &format!("Action {n}"),
            limits::MEDIUM,
            Lines::Many,
        );
        let owner = Text::parse(
            &row.owner,
            &f("owner"),
            &format!("The owner of action {n}"),
            limits::SHORT,
            Lines::One,
        );
        let due = parse_date(
            &row.due_on,
            &f("due_on"),
            &format!("The due date of action {n}"),
        );
        let description = match description {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                errors.push(FieldError::new(
                    f("description"),
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
                    f("owner"),
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
                    f("due_on"),
                    format!("The due date of action {n} must be today or in the future"),
                ));
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.push(FieldError::new(
                    f("due_on"),
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
        let actions = parse_actions(&input.actions, "action", today, &mut errors);
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
    pub fn parse(input: &ClosureInput, today: NaiveDate) -> Result<Closure, Vec<FieldError>> {
        let mut errors = Vec::new();
        let resolution = required_text(
            &input.resolution,
            "resolution",
            "The resolution",
            "Enter how the complaint was resolved",
            &mut errors,
        );
        let improvements = parse_actions(&input.improvements, "improvement", today, &mut errors);
        match resolution {
            Some(resolution) if errors.is_empty() => Ok(Closure {
                resolution,
                improvements,
            }),
            _ => Err(errors),
        }
    }
}

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
/// then the outcome until that is sent; nothing after.
pub fn next_due(status: Status, acknowledge_by: NaiveDate, outcome_due: NaiveDate) -> Option<Due> {
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

/// Repeated wrong passwords lock an account for a while (OWASP: slow down guessing without
/// locking people out for good).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 5,
            lock_for: Duration::minutes(15),
        }
    }
}

impl LockoutPolicy {
    /// After a wrong password that makes `failures` in a row: until when the account is locked.
    pub fn after_failure(&self, failures: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (failures >= self.max_failures).then(|| now + self.lock_for)
    }
}

/// A staff username: lower-case letters, digits, dots, hyphens and underscores, 2–64
/// characters (it appears in the audit trail and on cases).
pub fn parse_username(raw: &str) -> Result<String, String> {
    let u = raw.trim().to_lowercase();
    let ok_chars = u
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if u.chars().count() < 2 || u.chars().count() > 64 || !ok_chars {
        return Err("a username is 2 to 64 characters: letters, digits, '.', '-' or '_'".into());
    }
    Ok(u)
}

/// NCSC and OWASP: length over complexity rules; at least 12 characters, at most 128.
pub fn check_new_password(p: &str) -> Result<(), String> {
    let n = p.chars().count();
    if n < 12 {
        return Err("a password must be at least 12 characters long".into());
    }
    if n > 128 {
        return Err("a password must be 128 characters or fewer".into());
    }
    Ok(())
}

/// How and when a complaint keyed in by staff arrived (seed 004 §15, §28).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffReceipt {
    pub channel: Channel,
    pub received_on: NaiveDate,
}

/// The channels staff key in; "online" is the public form's own.
pub const STAFF_CHANNELS: [(Channel, &str); 6] = [
    (Channel::Telephone, "Telephone"),
    (Channel::Post, "Post"),
    (Channel::Email, "Email"),
    (Channel::InPerson, "In person"),
    (Channel::SocialMedia, "Social media"),
    (Channel::Processor, "From a processor or joint controller"),
];

/// How far back a receipt date may go: older paper found in a drawer is still a complaint,
/// but a year back is far more likely a typing mistake.
pub const OLDEST_RECEIPT_DAYS: u64 = 366;

impl StaffReceipt {
    pub fn parse(
        channel: &str,
        received_on: &str,
        today: NaiveDate,
    ) -> Result<StaffReceipt, Vec<FieldError>> {
        let mut errors = Vec::new();
        let channel = STAFF_CHANNELS
            .iter()
            .map(|(c, _)| *c)
            .find(|c| c.id() == channel.trim());
        if channel.is_none() {
            errors.push(FieldError::new(
                "channel",
                "Select how the complaint was received",
            ));
        }
        let date = match parse_date(received_on, "received_on", "The date received") {
            Ok(Some(d)) if d > today => {
                errors.push(FieldError::new(
                    "received_on",
                    "The date received must be today or in the past",
                ));
                None
            }
            Ok(Some(d)) if d + chrono::Days::new(OLDEST_RECEIPT_DAYS) < today => {
                errors.push(FieldError::new(
                    "received_on",
                    "The date received must be within the last year",
                ));
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.push(FieldError::new(
                    "received_on",
                    "Enter the date the complaint was received",
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        match (channel, date) {
            (Some(channel), Some(received_on)) => Ok(StaffReceipt {
                channel,
                received_on,
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

    #[test]
    fn roles_are_ordered_by_what_they_allow() {
        assert!(Role::Dpo.allows(Role::Handler));
        assert!(Role::Dpo.allows(Role::Intake));
        assert!(Role::Handler.allows(Role::Intake));
        assert!(!Role::Handler.allows(Role::Dpo));
        assert!(!Role::Intake.allows(Role::Handler));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.id()), Some(r));
            assert!(r.allows(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn status_moves_one_step_forward_only() {
        let order: Vec<Status> =
            std::iter::successors(Some(Status::Received), |s| s.next()).collect();
        assert_eq!(order, Status::ALL.to_vec());
        let h = Handling {
            status: Status::Received,
            handler: Some("sam"),
            handler_confirmed: true,
        };
        assert_eq!(
            may_move(&h, Status::Investigating, "sam", Role::Handler),
            Err(Refusal::WrongStatus {
                now: Status::Received,
                wanted: Status::Investigating
            })
        );
        assert_eq!(
            may_move(&h, Status::Acknowledged, "kim", Role::Handler),
            Ok(())
        );
        let closed = Handling {
            status: Status::Closed,
            ..h
        };
        assert!(may_move(&closed, Status::Received, "sam", Role::Dpo).is_err());
    }

    #[test]
    fn investigating_needs_a_confirmed_handler_who_is_the_actor_or_the_dpo() {
        let mut h = Handling {
            status: Status::Acknowledged,
            handler: None,
            handler_confirmed: false,
        };
        assert_eq!(
            may_move(&h, Status::Investigating, "sam", Role::Handler),
            Err(Refusal::NoHandler)
        );
        h.handler = Some("sam");
        assert_eq!(
            may_move(&h, Status::Investigating, "sam", Role::Handler),
            Err(Refusal::HandlerNotConfirmed)
        );
        h.handler_confirmed = true;
        assert_eq!(
            may_move(&h, Status::Investigating, "sam", Role::Handler),
            Ok(())
        );
        assert_eq!(
            may_move(&h, Status::Investigating, "kim", Role::Handler),
            Err(Refusal::NotTheHandler)
        );
        assert_eq!(
            may_move(&h, Status::Investigating, "dee", Role::Dpo),
            Ok(())
        );
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
        let e = Closure::parse(&ClosureInput::default(), today).unwrap_err();
        assert_eq!(e[0].field, "resolution");
        let c = Closure::parse(
            &ClosureInput {
                resolution: "Apology and records corrected.".into(),
                improvements: vec![row("Update the SAR guidance", "IG Manager", "2027-03-01")],
            },
            today,
        )
        .unwrap();
        assert_eq!(c.improvements.len(), 1);
    }

    #[test]
    fn the_next_deadline_follows_the_status() {
        let (a, o) = (d("2026-12-24"), d("2027-02-24"));
        assert_eq!(
            next_due(Status::Received, a, o),
            Some(Due::Acknowledgement(a))
        );
        assert_eq!(next_due(Status::Acknowledged, a, o), Some(Due::Outcome(o)));
        assert_eq!(next_due(Status::Investigating, a, o), Some(Due::Outcome(o)));
        assert_eq!(next_due(Status::OutcomeSent, a, o), None);
        assert_eq!(next_due(Status::Closed, a, o), None);
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

    #[test]
    fn lockout_after_the_fifth_failure_for_fifteen_minutes() {
        let p = LockoutPolicy::default();
        let now = Utc::now();
        for n in 1..5 {
            assert_eq!(p.after_failure(n, now), None);
        }
        assert_eq!(p.after_failure(5, now), Some(now + Duration::minutes(15)));
    }

    #[test]
    fn usernames_and_passwords() {
        assert_eq!(parse_username(" Sam.Handler ").unwrap(), "sam.handler");
        assert!(parse_username("a").is_err());
        assert!(parse_username("sam handler").is_err());
        assert!(parse_username("sam<script>").is_err());
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("correct horse battery").is_ok());
        assert!(check_new_password(&"x".repeat(129)).is_err());
    }

    #[test]
    fn staff_receipts_need_a_staff_channel_and_a_past_date() {
        let today = d("2026-11-24");
        let ok = StaffReceipt::parse("telephone", "2026-11-02", today).unwrap();
        assert_eq!(ok.channel, Channel::Telephone);
        assert_eq!(ok.received_on, d("2026-11-02"));
        assert!(StaffReceipt::parse("post", "2026-11-24", today).is_ok());
        let e = StaffReceipt::parse("online", "2026-11-25", today).unwrap_err();
        assert_eq!(e[0].message, "Select how the complaint was received");
        assert_eq!(
            e[1].message,
            "The date received must be today or in the past"
        );
        let e = StaffReceipt::parse("email", "", today).unwrap_err();
        assert_eq!(e[0].message, "Enter the date the complaint was received");
        let e = StaffReceipt::parse("email", "2025-11-01", today).unwrap_err();
        assert_eq!(
            e[0].message,
            "The date received must be within the last year"
        );
        let e = StaffReceipt::parse("email", "24/11/2026", today).unwrap_err();
        assert_eq!(e[0].field, "received_on");
    }
}
