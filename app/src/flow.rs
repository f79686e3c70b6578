//! The public journey's flow as pure logic, shared by the plain-HTML form posts (server) and the
//! WebAssembly (browser): which step owns which fields, where "Continue" goes, and how a form
//! post or a saved draft becomes a `ComplaintInput`.

use crate::domain::complaint::{Complaint, ComplaintInput, FIELD_ORDER};
use crate::domain::lines::{self, Lines, Reader, Writer};
use crate::domain::receipt::Receipt;
use crate::domain::reference::Reference;
use crate::domain::taxonomy::Taxonomy;
use crate::domain::wire::{format_time, parse_time};
use crate::domain::FieldError;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    AboutYou,
    WhoFor,
    WhatAbout,
    Outcome,
    Consent,
    Check,
    Done,
}

impl Step {
    /// The question pages, in order.
    pub const QUESTIONS: [Step; 5] = [
        Step::AboutYou,
        Step::WhoFor,
        Step::WhatAbout,
        Step::Outcome,
        Step::Consent,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Step::AboutYou => "about-you",
            Step::WhoFor => "who-for",
            Step::WhatAbout => "what-about",
            Step::Outcome => "outcome",
            Step::Consent => "consent",
            Step::Check => "check",
            Step::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        [
            Step::AboutYou,
            Step::WhoFor,
            Step::WhatAbout,
            Step::Outcome,
            Step::Consent,
            Step::Check,
            Step::Done,
        ]
        .into_iter()
        .find(|st| st.id() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::AboutYou => "About you",
            Step::WhoFor => "Who the complaint is for",
            Step::WhatAbout => "What your complaint is about",
            Step::Outcome => "What you would like to happen",
            Step::Consent => "How we handle your complaint",
            Step::Check => "Check your answers before sending your complaint",
            Step::Done => "Complaint received",
        }
    }

    /// The form fields this step asks: consecutive runs of the domain's form order.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Step::AboutYou => &FIELD_ORDER[0..9],
            Step::WhoFor => &FIELD_ORDER[9..19],
            Step::WhatAbout => &FIELD_ORDER[19..25],
            Step::Outcome => &FIELD_ORDER[25..28],
            Step::Consent => &FIELD_ORDER[28..32],
            Step::Check | Step::Done => &[],
        }
    }

    /// The step that asks `field`.
    pub fn of_field(field: &str) -> Option<Step> {
        Step::QUESTIONS
            .into_iter()
            .find(|s| s.fields().contains(&field))
    }

    pub fn next(self) -> Step {
        match self {
            Step::AboutYou => Step::WhoFor,
            Step::WhoFor => Step::WhatAbout,
            Step::WhatAbout => Step::Outcome,
            Step::Outcome => Step::Consent,
            Step::Consent | Step::Check => Step::Check,
            Step::Done => Step::Done,
        }
    }

    pub fn previous(self) -> Option<Step> {
        match self {
            Step::AboutYou | Step::Done => None,
            Step::WhoFor => Some(Step::AboutYou),
            Step::WhatAbout => Some(Step::WhoFor),
            Step::Outcome => Some(Step::WhatAbout),
            Step::Consent => Some(Step::Outcome),
            Step::Check => Some(Step::Consent),
        }
    }

    /// "Question 2 of 5", for the caption above each question page.
    pub fn number(self) -> Option<usize> {
        Step::QUESTIONS
            .iter()
            .position(|s| *s == self)
            .map(|i| i + 1)
    }
}

/// The problems with the answers this step owns (the rest are other steps' business).
pub fn step_errors(step: Step, input: &ComplaintInput, taxonomy: &Taxonomy) -> Vec<FieldError> {
    match Complaint::parse(input, taxonomy) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .filter(|e| step.fields().contains(&e.field.as_str()))
            .collect(),
    }
}

/// Where "Continue" on `step` leads: the same step with its errors, the next step, or back to
/// "Check your answers" when the person came from there to change something.
pub fn advance(
    step: Step,
    input: &ComplaintInput,
    taxonomy: &Taxonomy,
    changing: bool,
) -> (Step, Vec<FieldError>) {
    let errors = step_errors(step, input, taxonomy);
    if !errors.is_empty() {
        return (step, errors);
    }
    if step == Step::Check {
        // Everything is re-checked before sending; the first step with a problem is shown.
        if let Err(errors) = Complaint::parse(input, taxonomy) {
            let first = errors
                .first()
                .and_then(|e| Step::of_field(&e.field))
                .unwrap_or(Step::AboutYou);
            let own = errors
                .into_iter()
                .filter(|e| first.fields().contains(&e.field.as_str()))
                .collect();
            return (first, own);
        }
        return (Step::Check, Vec::new());
    }
    if changing {
        // Changing an answer can make another question necessary (say, choosing "post" needs
        // an address); the first step that is then incomplete comes before the check page.
        if let Err(errors) = Complaint::parse(input, taxonomy) {
            if let Some(first) = errors.first().and_then(|e| Step::of_field(&e.field)) {
                return (first, Vec::new());
            }
        }
        return (Step::Check, Vec::new());
    }
    (step.next(), Vec::new())
}

/// Builds the raw input from form fields (`name=value` pairs, repeated names for checkboxes).
/// Names the form does not have are ignored: they come from the page's own hidden fields.
pub fn input_from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> ComplaintInput {
    let mut input = ComplaintInput::default();
    for (name, value) in pairs {
        if name == "outcomes_wanted" {
            if !value.is_empty() {
                input
                    .outcomes_wanted
                    .get_or_insert_with(Vec::new)
                    .push(value.to_string());
            }
        } else {
            set_field(&mut input, name, value);
        }
    }
    input
}

/// Sets one field from what the form holds (the inverse of `field_value`); empty text is the
/// same as no answer.
pub fn set_field(input: &mut ComplaintInput, field: &str, value: &str) {
    let text = (!value.is_empty()).then(|| value.to_string());
    let yes_no = match value.trim() {
        "yes" | "true" | "on" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    };
    match field {
        "full_name" => input.full_name = text,
        "address_line_1" => input.address_line_1 = text,
        "address_line_2" => input.address_line_2 = text,
        "address_town" => input.address_town = text,
        "address_postcode" => input.address_postcode = text,
        "email" => input.email = text,
        "phone" => input.phone = text,
        "preferred_contact" => input.preferred_contact = text,
        "adjustments" => input.adjustments = text,
        "on_behalf_of" => input.on_behalf_of = text,
        "other_person_name" => input.other_person_name = text,
        "other_person_relationship" => input.other_person_relationship = text,
        "other_person_agreed" => input.other_person_agreed = yes_no,
        "mp_name" => input.mp_name = text,
        "mp_writing" => input.mp_writing = yes_no,
        "mp_email" => input.mp_email = text,
        "mp_address" => input.mp_address = text,
        "constituent_name" => input.constituent_name = text,
        "constituent_address" => input.constituent_address = text,
        "category" => input.category = text,
        "service" => input.service = text,
        "happened_when" => input.happened_when = text,
        "description" => input.description = text,
        "breach_happened" => input.breach_happened = yes_no,
        "breach_status" => input.breach_status = text,
        "outcome_other" => input.outcome_other = text,
        "also_about_service" => input.also_about_service = yes_no,
        "consent_handle" => input.consent_handle = yes_no,
        "consent_share" => input.consent_share = yes_no,
        "survey_opt_out" => input.survey_opt_out = yes_no,
        "publication_opt_out" => input.publication_opt_out = yes_no,
        // A field of several values holds one per line (see `field_value`).
        "outcomes_wanted" => {
            input.outcomes_wanted = Some(value.lines().map(str::to_string).collect());
        }
        _ => {}
    }
}

/// The value of a field of several choices (one per line) with `choice` ticked or unticked.
pub fn toggle_choice(value: &str, choice: &str, on: bool) -> String {
    let mut list: Vec<&str> = value.lines().filter(|c| *c != choice).collect();
    if on {
        list.push(choice);
    }
    list.join("\n")
}

/// The current value of a field as the form shows it (text, or "yes"/"no").
pub fn field_value(input: &ComplaintInput, field: &str) -> String {
    let yn = |v: Option<bool>| match v {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => String::new(),
    };
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    match field {
        "full_name" => s(&input.full_name),
        "address_line_1" => s(&input.address_line_1),
        "address_line_2" => s(&input.address_line_2),
        "address_town" => s(&input.address_town),
        "address_postcode" => s(&input.address_postcode),
        "email" => s(&input.email),
        "phone" => s(&input.phone),
        "preferred_contact" => s(&input.preferred_contact),
        "adjustments" => s(&input.adjustments),
        "on_behalf_of" => s(&input.on_behalf_of),
        "other_person_name" => s(&input.other_person_name),
        "other_person_relationship" => s(&input.other_person_relationship),
        "other_person_agreed" => yn(input.other_person_agreed),
        "mp_name" => s(&input.mp_name),
        "mp_writing" => yn(input.mp_writing),
        "mp_email" => s(&input.mp_email),
        "mp_address" => s(&input.mp_address),
        "constituent_name" => s(&input.constituent_name),
        "constituent_address" => s(&input.constituent_address),
        "category" => s(&input.category),
        "service" => s(&input.service),
        "happened_when" => s(&input.happened_when),
        "description" => s(&input.description),
        "breach_happened" => yn(input.breach_happened),
        "breach_status" => s(&input.breach_status),
        "outcome_other" => s(&input.outcome_other),
        "also_about_service" => yn(input.also_about_service),
        "consent_handle" => yn(input.consent_handle),
        "consent_share" => yn(input.consent_share),
        "survey_opt_out" => yn(input.survey_opt_out),
        "publication_opt_out" => yn(input.publication_opt_out),
        "outcomes_wanted" => input
            .outcomes_wanted
            .iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// The step a journey page shows: the one asked for, except that the confirmation exists only
/// once something was sent.
pub fn shown_step(asked: Option<Step>, state: &JourneyState) -> Step {
    match asked.unwrap_or(Step::AboutYou) {
        Step::Done if state.sent.is_none() => Step::AboutYou,
        s => s,
    }
}

/// The document title of a journey page ("Error: " first when the page shows problems).
pub fn journey_title(step: Step, state: &JourneyState, w: &crate::i18n::Words) -> String {
    let prefix =
        if !state.errors.is_empty() || state.problem.is_some() || state.sent_before.is_some() {
            t!(w, "Error: ")
        } else {
            ""
        };
    format!(
        "{prefix}{} – {}",
        w.tr(step.title()),
        t!(w, "Data protection complaint")
    )
}

/// Everything a journey page needs to render: what has been typed, the idempotency key of this
/// complaint, the errors of the last "Continue", and the receipt once sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct JourneyState {
    pub input: ComplaintInput,
    pub key: Uuid,
    pub errors: Vec<FieldError>,
    /// Came from "Check your answers" to change something: "Continue" goes back there.
    pub changing: bool,
    pub sent: Option<Sent>,
    /// A problem not tied to a field (the service could not be reached).
    pub problem: Option<String>,
    /// This form was sent before with other answers (the person went Back after sending and
    /// changed something): that complaint's reference. The journey then carries a new key, so
    /// sending again makes a new complaint, and the check page says so first.
    pub sent_before: Option<Reference>,
    /// Sending found no network: the complaint waits on this device and goes when the browser
    /// is back online or the person comes back (never shown as sent until the service says so).
    pub waiting: bool,
    /// The step the server showed. A page answering a form post (the language switch) has no
    /// step in its address, so the browser takes it from here.
    pub step: Option<Step>,
}

/// A complaint the service confirmed it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sent {
    pub receipt: Receipt,
    /// Sent before (a double tap, a retry): the same reference, nothing new created.
    pub already: bool,
}

impl JourneyState {
    pub fn fresh(key: Uuid) -> JourneyState {
        JourneyState {
            key,
            ..JourneyState::default()
        }
    }
}

pub const WAITING: &str =
    "Your complaint is waiting to send: this device is not connected to the internet. It is saved on this device and will be sent as soon as you are back online. Keep this page open, or come back to it later on this device. You will see your reference number once it has been sent.";

pub const SEND_FAILED: &str =
    "Your complaint has not been sent. Check your internet connection and try again. Your answers are still here.";

/// The outcome of sending a complaint, as the browser needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SubmitOutcome {
    Received {
        receipt: Receipt,
        already: bool,
    },
    Invalid(Vec<FieldError>),
    /// This key was used before for other answers: the complaint then sent has this reference.
    SentBefore(Reference),
    Unavailable,
}

impl JourneyState {
    /// After "sent before": the same answers, a new key, and the earlier reference to show.
    /// Nothing was sent, so it is said as a problem, first on the check page.
    pub fn sent_before(&mut self, earlier: Reference, new_key: Uuid) {
        self.key = new_key;
        // One line in the source, as the translator's file has it (`crate::i18n`).
        self.problem = Some(format!(
            "You have already sent a complaint from this form. Its reference is {reference}. You have changed some answers since: they have not been sent. To send them as a new complaint, check them below and select “Send as a new complaint”. To add to the complaint you sent, contact us quoting its reference instead.",
            reference = earlier
        ));
        self.sent_before = Some(earlier);
        self.sent = None;
    }
}

/// Drafts kept on the device (SPEC "Drafts on the device"): deleted 30 days after they were
/// *started*, whatever was edited since.
pub const DRAFT_DAYS: i64 = 30;
/// Bumped whenever the shape of a draft changes; older drafts are discarded, not misread.
/// (2: stored in `lines`, no longer JSON; 3: with "waiting to send"; 4: with the MP's details;
/// 5: with "did a breach happen?". Drafts of 3 and 4 are still read, so nobody loses what they
/// typed to an upgrade.)
pub const DRAFT_VERSION: u32 = 5;
/// A stored draft's format tag.
const DRAFT_TAG: &str = "draft-5";
/// The tags of the versions still read; their answers are the form's order without those
/// added since (`left_out`).
const OLDER_TAGS: [(&str, u32); 2] = [("draft-4", 4), ("draft-3", 3)];
const ADDED_IN_4: [&str; 5] = [
    "mp_writing",
    "mp_email",
    "mp_address",
    "constituent_name",
    "constituent_address",
];
const ADDED_IN_5: [&str; 1] = ["breach_happened"];

/// The fields a draft of `version` does not hold.
fn left_out(version: u32) -> &'static [&'static str] {
    const BEFORE_4: [&str; 6] = [
        ADDED_IN_4[0],
        ADDED_IN_4[1],
        ADDED_IN_4[2],
        ADDED_IN_4[3],
        ADDED_IN_4[4],
        ADDED_IN_5[0],
    ];
    match version {
        3 => &BEFORE_4,
        4 => &ADDED_IN_5,
        _ => &[],
    }
}
pub const DRAFT_STORAGE_KEY: &str = "dp-complaint-draft";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub version: u32,
    #[serde(with = "crate::domain::wire::time")]
    pub started_at: DateTime<Utc>,
    pub key: Uuid,
    pub step: Step,
    pub input: ComplaintInput,
    /// Sent while offline: to send again, with its key, as soon as there is a network.
    #[serde(default)]
    pub waiting: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DraftFound {
    Restored(Box<Draft>),
    /// Older than 30 days from its start: delete it.
    Expired,
    /// Unreadable or from another version of the form: delete it.
    Unusable,
}

impl Draft {
    pub fn new(started_at: DateTime<Utc>, key: Uuid) -> Draft {
        Draft {
            version: DRAFT_VERSION,
            started_at,
            key,
            step: Step::AboutYou,
            input: ComplaintInput::default(),
            waiting: false,
        }
    }

    /// The draft as the device keeps it.
    pub fn to_stored(&self) -> String {
        lines::encode(DRAFT_TAG, self)
    }

    /// A stored draft, if it is one of this version's.
    pub fn read_stored(stored: &str) -> Option<Draft> {
        lines::decode(DRAFT_TAG, stored).or_else(|| {
            // A draft of an earlier version, read in its own order and carried on as this
            // version's.
            let mut d: Draft = OLDER_TAGS.iter().find_map(|(tag, version)| {
                lines::decode::<Draft>(tag, stored).filter(|d| d.version == *version)
            })?;
            d.version = DRAFT_VERSION;
            Some(d)
        })
    }

    pub fn expires_at(&self) -> DateTime<Utc> {
        self.started_at + Duration::days(DRAFT_DAYS)
    }

    /// What a stored draft is worth at `now`.
    pub fn restore(stored: &str, now: DateTime<Utc>) -> DraftFound {
        match Draft::read_stored(stored) {
            Some(d) if d.version != DRAFT_VERSION => DraftFound::Unusable,
            // A start in the future means a clock was wrong; trust it no further.
            Some(d) if d.started_at > now + Duration::days(1) => DraftFound::Unusable,
            Some(d) if now >= d.expires_at() => DraftFound::Expired,
            Some(d) => DraftFound::Restored(Box::new(d)),
            None => DraftFound::Unusable,
        }
    }
}

// The journey's values in the browser's wire format (`domain::lines`).

impl Lines for ComplaintInput {
    fn write(&self, w: &mut Writer) {
        write_answers(self, w, &[]);
    }

    fn read(r: &mut Reader) -> Option<Self> {
        read_answers(r, &[])
    }
}

/// The answers in the form's order, but for the fields in `left_out` (an older version's).
fn write_answers(input: &ComplaintInput, w: &mut Writer, left_out: &[&str]) {
    for name in FIELD_ORDER.into_iter().filter(|f| !left_out.contains(f)) {
        if name == "outcomes_wanted" {
            w.list(input.outcomes_wanted.as_deref().unwrap_or(&[]), |w, o| {
                w.str(o)
            });
        } else {
            w.str(&field_value(input, name));
        }
    }
}

/// The answers `write_answers` wrote, leaving out the same fields.
fn read_answers(r: &mut Reader, left_out: &[&str]) -> Option<ComplaintInput> {
    let mut input = ComplaintInput::default();
    for name in FIELD_ORDER.into_iter().filter(|f| !left_out.contains(f)) {
        if name == "outcomes_wanted" {
            let items = r.list(|r| r.str())?;
            input.outcomes_wanted = (!items.is_empty()).then_some(items);
        } else {
            set_field(&mut input, name, &r.str()?);
        }
    }
    Some(input)
}

impl Lines for Uuid {
    fn write(&self, w: &mut Writer) {
        w.str(&self.to_string());
    }

    fn read(r: &mut Reader) -> Option<Self> {
        // The hyphenated form `to_string` writes, read by hand: uuid's parser and its error
        // type cost the WebAssembly more than this.
        r.parsed(|s| {
            let hex: String = s.split('-').collect();
            let hyphens = [8, 13, 18, 23]
                .iter()
                .all(|&i| s.as_bytes().get(i) == Some(&b'-'));
            (hyphens
                && s.len() == 36
                && hex.len() == 32
                && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u128::from_str_radix(&hex, 16).ok().map(Uuid::from_u128))
            .flatten()
        })
    }
}

impl Lines for Draft {
    fn write(&self, w: &mut Writer) {
        w.str(&self.version.to_string());
        w.str(&format_time(self.started_at));
        self.key.write(w);
        w.str(self.step.id());
        self.input.write(w);
        w.flag(self.waiting);
    }

    fn read(r: &mut Reader) -> Option<Self> {
        let version = r.parsed(|s| s.parse().ok())?;
        Some(Draft {
            version,
            started_at: r.parsed(parse_time)?,
            key: Uuid::read(r)?,
            step: r.parsed(Step::parse)?,
            input: read_answers(r, left_out(version))?,
            waiting: r.flag()?,
        })
    }
}

impl Lines for JourneyState {
    fn write(&self, w: &mut Writer) {
        self.input.write(w);
        self.key.write(w);
        w.list(&self.errors, |w, e| e.write(w));
        w.flag(self.changing);
        w.flag(self.sent.is_some());
        if let Some(sent) = &self.sent {
            sent.receipt.write(w);
            w.flag(sent.already);
        }
        w.opt(self.problem.as_deref());
        w.opt(self.sent_before.map(|r| r.compact()).as_deref());
        w.flag(self.waiting);
        w.opt(self.step.map(Step::id));
    }

    fn read(r: &mut Reader) -> Option<Self> {
        Some(JourneyState {
            input: ComplaintInput::read(r)?,
            key: Uuid::read(r)?,
            errors: r.list(FieldError::read)?,
            changing: r.flag()?,
            sent: match r.flag()? {
                true => Some(Sent {
                    receipt: Receipt::read(r)?,
                    already: r.flag()?,
                }),
                false => None,
            },
            problem: r.opt()?,
            sent_before: match r.opt()? {
                Some(s) => Some(Reference::parse(&s).ok()?),
                None => None,
            },
            waiting: r.flag()?,
            step: match r.opt()? {
                Some(s) => Some(Step::parse(&s)?),
                None => None,
            },
        })
    }
}

impl Lines for SubmitOutcome {
    fn write(&self, w: &mut Writer) {
        match self {
            SubmitOutcome::Received { receipt, already } => {
                w.str("received");
                receipt.write(w);
                w.flag(*already);
            }
            SubmitOutcome::Invalid(errors) => {
                w.str("invalid");
                w.list(errors, |w, e| e.write(w));
            }
            SubmitOutcome::SentBefore(reference) => {
                w.str("sent-before");
                w.str(&reference.compact());
            }
            SubmitOutcome::Unavailable => w.str("unavailable"),
        }
    }

    fn read(r: &mut Reader) -> Option<Self> {
        Some(match r.str()?.as_str() {
            "received" => SubmitOutcome::Received {
                receipt: Receipt::read(r)?,
                already: r.flag()?,
            },
            "invalid" => SubmitOutcome::Invalid(r.list(FieldError::read)?),
            "sent-before" => SubmitOutcome::SentBefore(r.parsed(|s| Reference::parse(s).ok())?),
            "unavailable" => SubmitOutcome::Unavailable,
            _ => return None,
        })
    }
}

/// What the WebAssembly sends: the answers, the journey's key, and the language the
/// complaint was made in (its letters go out in it).
pub struct Submission {
    pub input: ComplaintInput,
    pub key: Uuid,
    pub lang: crate::i18n::Lang,
}

impl Lines for Submission {
    fn write(&self, w: &mut Writer) {
        self.key.write(w);
        self.input.write(w);
        self.lang.write(w);
    }

    fn read(r: &mut Reader) -> Option<Self> {
        Some(Submission {
            key: Uuid::read(r)?,
            input: ComplaintInput::read(r)?,
            lang: crate::i18n::Lang::read(r)?,
        })
    }
}

/// The media type of a complaint sent from the WebAssembly (not one an HTML form can send).
pub const SUBMISSION_MEDIA_TYPE: &str = "application/x-complaint-lines";

/// The format tags of a complaint sent from the WebAssembly and of the answer.
pub const SUBMISSION_TAG: &str = "complaint-3";
pub const OUTCOME_TAG: &str = "outcome-1";

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> Taxonomy {
        Taxonomy::default()
    }

    #[test]
    fn steps_ask_the_expected_questions() {
        assert_eq!(Step::AboutYou.fields()[0], "full_name");
        assert_eq!(Step::AboutYou.fields().last(), Some(&"adjustments"));
        assert_eq!(
            Step::WhoFor.fields(),
            [
                "on_behalf_of",
                "other_person_name",
                "other_person_relationship",
                "other_person_agreed",
                "mp_name",
                "mp_writing",
                "mp_email",
                "mp_address",
                "constituent_name",
                "constituent_address"
            ]
        );
        assert_eq!(
            Step::WhatAbout.fields(),
            [
                "category",
                "service",
                "happened_when",
                "description",
                "breach_happened",
                "breach_status"
            ]
        );
        assert_eq!(
            Step::Outcome.fields(),
            ["outcomes_wanted", "outcome_other", "also_about_service"]
        );
        assert_eq!(
            Step::Consent.fields(),
            [
                "consent_handle",
                "consent_share",
                "survey_opt_out",
                "publication_opt_out"
            ]
        );
    }

    #[test]
    fn every_field_belongs_to_exactly_one_step() {
        for f in crate::domain::complaint::FIELD_ORDER {
            let owners = Step::QUESTIONS
                .iter()
                .filter(|s| s.fields().contains(&f))
                .count();
            let expected = usize::from(!matches!(f, "channel" | "received_on" | "body"));
            assert_eq!(owners, expected, "{f}");
        }
    }

    #[test]
    fn continue_shows_only_this_steps_errors() {
        let (step, errors) = advance(Step::AboutYou, &ComplaintInput::default(), &t(), false);
        assert_eq!(step, Step::AboutYou);
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["full_name", "email", "preferred_contact"]);
        let about_you = ComplaintInput {
            full_name: Some("Sam".into()),
            email: Some("sam@example.com".into()),
            preferred_contact: Some("email".into()),
            ..ComplaintInput::default()
        };
        assert_eq!(
            advance(Step::AboutYou, &about_you, &t(), false),
            (Step::WhoFor, vec![])
        );
    }

    #[test]
    fn changing_an_answer_returns_to_check_unless_something_new_is_needed() {
        let full = ComplaintInput::example();
        assert_eq!(
            advance(Step::Outcome, &full, &t(), true),
            (Step::Check, vec![])
        );
        let needs_breach = ComplaintInput {
            category: Some("personal_data_breach".into()),
            ..full.clone()
        };
        // The breach question is on the same step, so it is this step's own error.
        assert_eq!(
            advance(Step::WhatAbout, &needs_breach, &t(), true).0,
            Step::WhatAbout
        );
        assert_eq!(
            advance(Step::Check, &full, &t(), false),
            (Step::Check, vec![])
        );
    }

    #[test]
    fn sending_with_a_gap_shows_the_step_with_the_gap() {
        let gap = ComplaintInput {
            consent_share: None,
            ..ComplaintInput::example()
        };
        let (step, errors) = advance(Step::Check, &gap, &t(), false);
        assert_eq!(step, Step::Consent);
        assert_eq!(errors[0].field, "consent_share");
    }

    #[test]
    fn form_pairs_round_trip() {
        let e = ComplaintInput::example();
        let mut pairs: Vec<(String, String)> = crate::domain::complaint::FIELD_ORDER
            .iter()
            .filter(|f| **f != "outcomes_wanted" && !e_staff_only(f))
            .map(|f| (f.to_string(), field_value(&e, f)))
            .collect();
        for o in e.outcomes_wanted.clone().unwrap() {
            pairs.push(("outcomes_wanted".into(), o));
        }
        let back = input_from_pairs(pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())));
        assert_eq!(Complaint::parse(&back, &t()), Complaint::parse(&e, &t()));
        let mut changed = e.clone();
        set_field(&mut changed, "full_name", "Jo Other");
        assert_eq!(changed.full_name.as_deref(), Some("Jo Other"));
        assert_eq!(changed.outcomes_wanted, e.outcomes_wanted);
        set_field(&mut changed, "address_line_2", "");
        assert_eq!(changed.address_line_2, None);
        // Several choices travel as one value, a line each.
        let ticked = field_value(&e, "outcomes_wanted");
        assert_eq!(
            ticked.lines().count(),
            e.outcomes_wanted.clone().unwrap().len()
        );
        let more = toggle_choice(&ticked, "other", true);
        set_field(&mut changed, "outcomes_wanted", &more);
        assert!(changed
            .outcomes_wanted
            .as_ref()
            .unwrap()
            .contains(&"other".to_string()));
        let fewer = toggle_choice(&more, "other", false);
        assert_eq!(fewer, ticked);
    }

    fn e_staff_only(f: &str) -> bool {
        matches!(f, "channel" | "received_on" | "body")
    }

    #[test]
    fn drafts_last_thirty_days_from_their_start() {
        let start = DateTime::parse_from_rfc3339("2026-11-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let draft = Draft::new(start, Uuid::nil());
        let stored = draft.to_stored();
        let at = |d: Duration| start + d;
        assert!(matches!(
            Draft::restore(&stored, at(Duration::days(29))),
            DraftFound::Restored(_)
        ));
        assert!(matches!(
            Draft::restore(&stored, at(Duration::days(30) - Duration::seconds(1))),
            DraftFound::Restored(_)
        ));
        assert_eq!(
            Draft::restore(&stored, at(Duration::days(30))),
            DraftFound::Expired
        );
        assert_eq!(
            Draft::restore(&stored, at(Duration::days(30) + Duration::minutes(1))),
            DraftFound::Expired
        );
        assert_eq!(Draft::restore("{not json", start), DraftFound::Unusable);
        // A draft from before this format (JSON) is set aside, not misread.
        let json = r#"{"version":1,"started_at":"2026-11-01T10:00:00Z","key":"00000000-0000-0000-0000-000000000000","step":"about-you","input":{}}"#;
        assert_eq!(Draft::restore(json, start), DraftFound::Unusable);
        let old = stored.replacen("draft-5\n5\n", "draft-5\n2\n", 1);
        assert_ne!(old, stored);
        assert_eq!(Draft::restore(&old, start), DraftFound::Unusable);
        assert_eq!(
            Draft::restore(&stored, start - Duration::days(5)),
            DraftFound::Unusable
        );
    }

    /// Drafts kept by earlier versions (3: before the MP's details; 4: before "did a breach
    /// happen?") are restored with every answer they had, and carry on as this version's.
    #[test]
    fn drafts_of_the_versions_before_are_still_restored() {
        let start = parse_time("2026-11-20T09:00:00Z").unwrap();
        // Version 3's order: the form's, without the MP's details added after the MP's name.
        let v3: Vec<&str> = FIELD_ORDER
            .into_iter()
            .filter(|f| !left_out(3).contains(f))
            .collect();
        assert_eq!(v3.len(), 29);
        assert_eq!(v3[12..15], ["other_person_agreed", "mp_name", "category"]);
        assert_eq!(v3[17..19], ["description", "breach_status"]);
        for (tag, version) in OLDER_TAGS {
            let mut input = ComplaintInput::default();
            for name in FIELD_ORDER
                .into_iter()
                .filter(|f| !left_out(version).contains(f))
            {
                set_field(&mut input, name, "an answer");
            }
            input.other_person_agreed = Some(true);
            input.outcomes_wanted = Some(vec!["apology".into()]);
            // As that version wrote it: the same values, in its own order.
            let mut w = Writer::new(tag);
            w.str(&version.to_string());
            w.str(&format_time(start));
            Uuid::from_u128(5).write(&mut w);
            w.str("who-for");
            write_answers(&input, &mut w, left_out(version));
            w.flag(true);
            let DraftFound::Restored(d) = Draft::restore(&w.finish(), start) else {
                panic!("a version {version} draft is restored");
            };
            assert_eq!(d.version, DRAFT_VERSION);
            assert_eq!(
                (d.key, d.step, d.waiting),
                (Uuid::from_u128(5), Step::WhoFor, true)
            );
            assert_eq!(d.input, input, "version {version}");
            assert_eq!(d.input.breach_happened, None);
            // And written again, it is this version's.
            assert!(d.to_stored().starts_with("draft-5\n5\n"));
        }
    }

    /// A journey with everything set: answers (with line breaks, backslashes and Welsh), errors,
    /// a problem, a receipt.
    fn full_journey() -> JourneyState {
        let mut input = ComplaintInput::default();
        for (i, name) in FIELD_ORDER.iter().enumerate() {
            set_field(&mut input, name, &format!("v{i}\\ line\nLl\u{0177}n"));
        }
        input.other_person_agreed = Some(false);
        input.outcomes_wanted = Some(vec!["apology".into(), "other".into()]);
        let receipt = crate::domain::receipt::Receipt {
            reference: Reference::from_random(12345),
            kind: crate::domain::triage::CaseKind::Complaint,
            team: crate::domain::taxonomy::Team {
                id: "ig".into(),
                name: "Information Governance".into(),
            },
            category: "sar".into(),
            flags: crate::domain::triage::TriageFlags {
                identity_check: true,
                clarification_needed: false,
                corporate_handover: true,
            },
            channel: crate::domain::complaint::Channel::Online,
            received_at: parse_time("2026-11-26T10:11:12.345678Z").unwrap(),
            received_on: crate::domain::wire::read_date("2026-11-26").unwrap(),
            acknowledged_at: None,
            acknowledge_by: crate::domain::wire::read_date("2026-12-24").unwrap(),
            outcome_due: crate::domain::wire::read_date("2027-02-24").unwrap(),
            evidence_token: Some("0a1b".repeat(16)),
        };
        JourneyState {
            input,
            key: Uuid::from_u128(7),
            errors: vec![FieldError::new(
                "email",
                "Enter an email address\nlike name@example.com",
            )],
            changing: true,
            sent: Some(Sent {
                receipt,
                already: true,
            }),
            problem: Some(String::new()),
            sent_before: Some(Reference::from_random(99)),
            waiting: true,
            step: Some(Step::WhatAbout),
        }
    }

    #[test]
    fn keys_are_read_only_in_their_hyphenated_form() {
        let k = Uuid::from_u128(0x3f2c6f1e_8a4b_4c2d_9e1f_0a1b2c3d4e5f);
        let read = |s: &str| {
            let text = format!("t\n{s}\n");
            lines::decode::<Uuid>("t", &text)
        };
        assert_eq!(read(&k.to_string()), Some(k));
        assert_eq!(read(&k.to_string().to_uppercase()), Some(k));
        for bad in [
            "3f2c6f1e8a4b4c2d9e1f0a1b2c3d4e5f",
            "{3f2c6f1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f}",
            "3f2c6f1e-8a4b-4c2d-9e1f-0a1b2c3d4e5",
            "3f2c6f1e-8a4b-4c2d-9e1f-0a1b2c3d4e5g",
            "3f2c6f1e-8a4b4-c2d-9e1f-0a1b2c3d4e5f",
            "+f2c6f1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f",
            "",
        ] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_journey_and_the_answer_read_back_as_they_were_written() {
        let mut j = full_journey();
        // The browser's copy of a receipt is what the confirmation shows; the rest reads back
        // blank (`Lines for Receipt`).
        let shown = {
            let r = &mut j.sent.as_mut().unwrap().receipt;
            let full = r.clone();
            r.team.id.clear();
            r.category.clear();
            r.flags.corporate_handover = false;
            r.received_at = DateTime::UNIX_EPOCH;
            (
                full.reference,
                full.kind,
                full.team.name,
                full.flags.identity_check,
                full.received_on,
                full.acknowledge_by,
                full.outcome_due,
            )
        };
        let text = lines::encode("t", &full_journey());
        let back = lines::decode::<JourneyState>("t", &text).unwrap();
        assert_eq!(back, j);
        let r = back.sent.unwrap().receipt;
        assert_eq!(
            (
                r.reference,
                r.kind,
                r.team.name,
                r.flags.identity_check,
                r.received_on,
                r.acknowledge_by,
                r.outcome_due
            ),
            shown
        );
        let fresh = JourneyState::fresh(Uuid::nil());
        assert_eq!(lines::decode("t", &lines::encode("t", &fresh)), Some(fresh));
        let receipt = j.sent.clone().unwrap().receipt;
        for outcome in [
            SubmitOutcome::Received {
                receipt: receipt.clone(),
                already: false,
            },
            SubmitOutcome::Invalid(j.errors.clone()),
            SubmitOutcome::SentBefore(receipt.reference),
            SubmitOutcome::Unavailable,
        ] {
            let text = lines::encode(OUTCOME_TAG, &outcome);
            assert_eq!(lines::decode(OUTCOME_TAG, &text), Some(outcome));
        }
        let sent = Submission {
            input: j.input.clone(),
            key: j.key,
            lang: crate::i18n::Lang::Cy,
        };
        let back: Submission =
            lines::decode(SUBMISSION_TAG, &lines::encode(SUBMISSION_TAG, &sent)).unwrap();
        assert_eq!(
            (back.input, back.key, back.lang),
            (j.input, j.key, crate::i18n::Lang::Cy)
        );
        // Anything else is refused whole, never half read.
        let maybe = "outcome-1\nmaybe\n";
        assert_eq!(lines::decode::<SubmitOutcome>(OUTCOME_TAG, maybe), None);
        let text = lines::encode(OUTCOME_TAG, &SubmitOutcome::Invalid(j.errors));
        let cut = &text[..text.len() - 3];
        assert_eq!(lines::decode::<SubmitOutcome>(OUTCOME_TAG, cut), None);
    }

    mod hostile_input {
        use super::*;
        use proptest::prelude::*;

        /// Any text at all: control characters, invisible ones, very long, any script.
        fn any_text() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                "\\PC{0,40}",
                proptest::collection::vec(any::<char>(), 0..300)
                    .prop_map(|c| c.into_iter().collect()),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]

            /// Whatever a form post holds, decoding it and checking it never panics: the
            /// answer is a complaint, or errors that each name a field of the form.
            #[test]
            fn form_posts_become_a_complaint_or_field_errors(
                pairs in proptest::collection::vec(
                    (prop_oneof![
                        proptest::sample::select(FIELD_ORDER.to_vec()).prop_map(str::to_string),
                        any_text(),
                    ], any_text()),
                    0..40,
                )
            ) {
                let input = input_from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                match Complaint::parse(&input, &Taxonomy::default()) {
                    Ok(_) => {}
                    Err(errors) => {
                        prop_assert!(!errors.is_empty());
                        for e in errors {
                            prop_assert!(FIELD_ORDER.contains(&e.field.as_str()), "{}", e.field);
                            prop_assert!(!e.message.is_empty());
                        }
                    }
                }
                for step in Step::QUESTIONS {
                    let _ = advance(step, &input, &Taxonomy::default(), false);
                }
            }

            /// Any one field of a valid complaint replaced by anything: never a panic, and a
            /// problem is reported against that field (or the answer is still valid).
            #[test]
            fn one_hostile_field_is_reported_against_itself(
                field in proptest::sample::select(FIELD_ORDER[..26].to_vec()),
                value in any_text(),
            ) {
                let mut input = ComplaintInput::example();
                set_field(&mut input, field, &value);
                if let Err(errors) = Complaint::parse(&input, &Taxonomy::default()) {
                    prop_assert!(!errors.is_empty());
                }
            }
        }
    }
}
