//! A complaint as a person submits it (`ComplaintInput`: raw, every field optional, exactly as
//! typed) and as the service knows it (`Complaint`: parsed, every rule already checked).

use super::casework::MpContact;
use super::taxonomy::{Nature, Taxonomy};
use super::text::{limits, Email, Lines, Phone, Postcode, Text};
use super::FieldError;
use serde::{Deserialize, Deserializer, Serialize};

/// The raw form. Field names are the form's `name`s and the JSON API's properties, so an
/// error's `field` can link straight to the input. Unknown properties are refused so that a
/// misspelt field is reported rather than silently dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintInput {
    pub full_name: Option<String>,
    pub address_line_1: Option<String>,
    pub address_line_2: Option<String>,
    pub address_town: Option<String>,
    pub address_postcode: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_contact: Option<String>,
    pub adjustments: Option<String>,
    pub on_behalf_of: Option<String>,
    pub other_person_name: Option<String>,
    pub other_person_relationship: Option<String>,
    #[serde(default, deserialize_with = "yes_no")]
    pub other_person_agreed: Option<bool>,
    pub mp_name: Option<String>,
    /// Through an MP: the MP (or their office) is the one writing, for a constituent.
    #[serde(default, deserialize_with = "yes_no")]
    pub mp_writing: Option<bool>,
    /// Through an MP: how to reach the MP for copies of our letters (either, or neither).
    pub mp_email: Option<String>,
    pub mp_address: Option<String>,
    /// The MP writing: the constituent the complaint is about.
    pub constituent_name: Option<String>,
    pub constituent_address: Option<String>,
    pub category: Option<String>,
    pub service: Option<String>,
    pub happened_when: Option<String>,
    pub description: Option<String>,
    /// Where a breach is possible but the category does not say one happened: whether the
    /// person's information was lost, stolen or disclosed to someone who should not have it.
    #[serde(default, deserialize_with = "yes_no")]
    pub breach_happened: Option<bool>,
    pub breach_status: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub outcomes_wanted: Option<Vec<String>>,
    pub outcome_other: Option<String>,
    #[serde(default, deserialize_with = "yes_no")]
    pub also_about_service: Option<bool>,
    #[serde(default, deserialize_with = "yes_no")]
    pub consent_handle: Option<bool>,
    #[serde(default, deserialize_with = "yes_no")]
    pub consent_share: Option<bool>,
    #[serde(default, deserialize_with = "yes_no")]
    pub survey_opt_out: Option<bool>,
    #[serde(default, deserialize_with = "yes_no")]
    pub publication_opt_out: Option<bool>,
}

/// JSON booleans, and the "yes"/"no"/"on" values that radios and checkboxes post. (Plain
/// visitors rather than untagged enums, whose buffering code would ship to every phone.)
fn yes_no<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct YesNo;
    impl<'de> serde::de::Visitor<'de> for YesNo {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("true, false, yes or no")
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "yes" | "true" | "on" => Ok(Some(true)),
                "no" | "false" => Ok(Some(false)),
                _ => Err(E::custom("expected yes or no")),
            }
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(YesNo)
        }
    }
    d.deserialize_option(YesNo)
}

/// A list, or one value (a form with a single ticked checkbox posts one value).
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    struct OneOrMany;
    impl<'de> serde::de::Visitor<'de> for OneOrMany {
        type Value = Option<Vec<String>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of choices")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(vec![v.to_string()]))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element::<String>()? {
                out.push(v);
            }
            Ok(Some(out))
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(OneOrMany)
        }
    }
    d.deserialize_option(OneOrMany)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    Email,
    Phone,
    Post,
}

impl ContactMethod {
    pub const ALL: [ContactMethod; 3] = [
        ContactMethod::Email,
        ContactMethod::Phone,
        ContactMethod::Post,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ContactMethod::Email => "email",
            ContactMethod::Phone => "phone",
            ContactMethod::Post => "post",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactMethod::Email => "Email",
            ContactMethod::Phone => "Telephone",
            ContactMethod::Post => "Letter by post",
        }
    }

    pub fn parse(s: &str) -> Option<ContactMethod> {
        ContactMethod::ALL.into_iter().find(|m| m.id() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    Telephone,
    Post,
    Email,
    InPerson,
    SocialMedia,
    /// Passed on by a processor or joint controller (seed 004, "Contracts").
    Processor,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Online,
        Channel::Telephone,
        Channel::Post,
        Channel::Email,
        Channel::InPerson,
        Channel::SocialMedia,
        Channel::Processor,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Telephone => "telephone",
            Channel::Post => "post",
            Channel::Email => "email",
            Channel::InPerson => "in_person",
            Channel::SocialMedia => "social_media",
            Channel::Processor => "processor",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.id() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Online => "Online form",
            Channel::Telephone => "Telephone",
            Channel::Post => "Post",
            Channel::Email => "Email",
            Channel::InPerson => "In person",
            Channel::SocialMedia => "Social media",
            Channel::Processor => "From a processor or joint controller",
        }
    }

    /// Said aloud or in writing, as opposed to typed into our own form (004 §28a).
    pub fn is_verbal(self) -> bool {
        matches!(self, Channel::Telephone | Channel::InPerson)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    pub line_1: Text,
    pub line_2: Option<Text>,
    pub town: Option<Text>,
    pub postcode: Postcode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complainant {
    pub full_name: Text,
    pub address: Option<PostalAddress>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub preferred_contact: ContactMethod,
    pub adjustments: Option<Text>,
}

/// Who the complaint is for (SPEC "Intake": someone else, or through their MP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "for", rename_all = "snake_case")]
pub enum OnBehalfOf {
    Myself,
    SomeoneElse {
        name: Text,
        relationship: Text,
        they_agreed: bool,
    },
    Mp {
        mp_name: Text,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachStatus {
    /// Reported, and our breach outcome received: a complaint about it (004 §18).
    OutcomeReceived,
    ReportedAwaitingOutcome,
    NotReported,
}

impl BreachStatus {
    pub const ALL: [BreachStatus; 3] = [
        BreachStatus::OutcomeReceived,
        BreachStatus::ReportedAwaitingOutcome,
        BreachStatus::NotReported,
    ];

    pub fn id(self) -> &'static str {
        match self {
            BreachStatus::OutcomeReceived => "outcome_received",
            BreachStatus::ReportedAwaitingOutcome => "reported_awaiting_outcome",
            BreachStatus::NotReported => "not_reported",
        }
    }

    /// The answer as the person chose it (also what check-your-answers and staff show).
    pub fn label(self) -> &'static str {
        match self {
            BreachStatus::OutcomeReceived => "Yes, I reported it and have had your response",
            BreachStatus::ReportedAwaitingOutcome => {
                "I reported it but have not had your response yet"
            }
            BreachStatus::NotReported => "No, I have not reported it before",
        }
    }

    pub fn parse(s: &str) -> Option<BreachStatus> {
        BreachStatus::ALL.into_iter().find(|b| b.id() == s)
    }
}

/// The answers to "Who are you complaining for?": id, label, hint.
pub const WHO_FOR: [(&str, &str, Option<&str>); 3] = [
    ("myself", "Myself", None),
    (
        "someone_else",
        "Someone else",
        Some("For example, a relative or someone you care for"),
    ),
    (
        "mp",
        "I am an MP, or complaining through my MP",
        Some("We will also send our letters to the MP"),
    ),
];

impl OnBehalfOf {
    pub fn id(&self) -> &'static str {
        match self {
            OnBehalfOf::Myself => "myself",
            OnBehalfOf::SomeoneElse { .. } => "someone_else",
            OnBehalfOf::Mp { .. } => "mp",
        }
    }

    /// The label of an answer to "Who are you complaining for?", by its id.
    pub fn label_of(id: &str) -> &'static str {
        WHO_FOR
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(_, l, _)| *l)
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WantedOutcome {
    DecisionChanged,
    Apology,
    ProcessChanged,
    InformationCorrected,
    InformationDeleted,
    Other,
}

impl WantedOutcome {
    /// Seed 004 §25, plus correction and deletion (SPEC.md).
    pub const ALL: [(WantedOutcome, &'static str, &'static str); 6] = [
        (
            WantedOutcome::DecisionChanged,
            "decision_changed",
            "A decision we made is changed",
        ),
        (WantedOutcome::Apology, "apology", "An apology"),
        (
            WantedOutcome::ProcessChanged,
            "process_changed",
            "We change how we do things",
        ),
        (
            WantedOutcome::InformationCorrected,
            "information_corrected",
            "Your information is corrected",
        ),
        (
            WantedOutcome::InformationDeleted,
            "information_deleted",
            "Your information is deleted",
        ),
        (WantedOutcome::Other, "other", "Something else"),
    ];

    pub fn id(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(o, _, _)| *o == self)
            .map(|(_, id, _)| *id)
            .unwrap_or("other")
    }

    pub fn label(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(o, _, _)| *o == self)
            .map(|(_, _, l)| *l)
            .unwrap_or("")
    }
}

/// Consent to handle is required to proceed, so a parsed complaint always has it; the
/// other choices are the person's to make (seed 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consents {
    pub share_with_organisation: bool,
    pub survey_opt_out: bool,
    pub publication_opt_out: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub complainant: Complainant,
    pub on_behalf_of: OnBehalfOf,
    pub category: String,
    pub service: Option<Text>,
    pub happened_when: Option<Text>,
    pub description: Text,
    /// The answer to "was your information lost, stolen or disclosed…?", where it was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breach_happened: Option<bool>,
    pub breach_status: Option<BreachStatus>,
    pub outcomes_wanted: Vec<WantedOutcome>,
    pub outcome_other: Option<Text>,
    pub also_about_service: bool,
    pub consents: Consents,
    /// Through an MP: how to reach them for copies of our letters, when given (SPEC "Keeping
    /// people informed"). Absent from complaints stored before it was asked.
    #[serde(default)]
    pub mp_contact: Option<MpContact>,
    /// The MP is the one writing: the constituent the complaint is about (their office's
    /// details are the complainant's, so our letters go to the MP).
    #[serde(default)]
    pub constituent: Option<Constituent>,
}

/// The person an MP is writing for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constituent {
    pub name: Text,
    pub address: Option<Text>,
}

/// Messages for fields that were left empty (GOV.UK "Enter…/Select…" wording).
pub mod messages {
    pub const FULL_NAME: &str = "Enter your full name";
    pub const CONTACT: &str =
        "Enter an email address or a telephone number, or choose letters by post";
    pub const PREFERRED: &str = "Select how you would like us to contact you";
    pub const PREFER_EMAIL: &str =
        "Enter your email address, or choose another way for us to contact you";
    pub const PREFER_PHONE: &str =
        "Enter your telephone number, or choose another way for us to contact you";
    pub const ADDRESS_LINE_1: &str = "Enter the building and street of your address";
    pub const POSTCODE: &str = "Enter your postcode";
    pub const ON_BEHALF: &str = "Select who you are complaining for";
    pub const OTHER_NAME: &str = "Enter the name of the person you are complaining for";
    pub const OTHER_RELATIONSHIP: &str = "Enter how you know the person you are complaining for";
    pub const OTHER_AGREED: &str =
        "Select yes if the person has agreed to you complaining for them";
    pub const MP_NAME: &str = "Enter the name of the MP";
    pub const CONSTITUENT_NAME: &str = "Enter the name of the constituent you are writing for";
    pub const CATEGORY: &str = "Select what your complaint is about";
    pub const DESCRIPTION: &str = "Enter what happened";
    pub const BREACH: &str =
        "Select whether you have already reported the breach to us and had our response";
    pub const OUTCOMES: &str = "Select what you would like to happen";
    pub const OUTCOME_OTHER: &str = "Enter what else you would like to happen";
    pub const ALSO_SERVICE: &str =
        "Select yes if your complaint is also about the service you received";
    pub const CONSENT_HANDLE: &str =
        "Select that you agree to us handling your complaint, so that we can look into it";
    pub const CONSENT_SHARE: &str = "Select whether we may share your complaint with the organisation you are complaining about";
}

fn given(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// Gathers every field error in one pass, so a person sees all problems at once.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, message: &str) {
        // One message per field: the first problem found is the one to fix first.
        if !self.has(field) {
            self.0.push(FieldError::new(field, message));
        }
    }

    fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    fn take<T>(&mut self, r: Result<Option<T>, FieldError>) -> Option<T> {
        r.unwrap_or_else(|e| {
            self.add(&e.field, &e.message);
            None
        })
    }

    fn optional(
        &mut self,
        v: &Option<String>,
        field: &str,
        label: &str,
        max: usize,
        lines: Lines,
    ) -> Option<Text> {
        self.take(Text::parse(given(v), field, label, max, lines))
    }

    fn required(
        &mut self,
        v: &Option<String>,
        field: &str,
        label: &str,
        max: usize,
        lines: Lines,
        missing: &str,
    ) -> Option<Text> {
        let t = self.optional(v, field, label, max, lines);
        if t.is_none() {
            self.add(field, missing);
        }
        t
    }
}

impl Complaint {
    /// The answers that make this complaint, as a form would send them: for staff to start
    /// from when they correct details or lodge a new complaint from an earlier case. Parsing
    /// them again gives the same complaint.
    pub fn to_input(&self) -> ComplaintInput {
        let t = |t: &Text| Some(t.as_str().to_string());
        let o = |t: &Option<Text>| t.as_ref().map(|t| t.as_str().to_string());
        let c = &self.complainant;
        let a = c.address.as_ref();
        let (other_name, relationship, agreed, mp) = match &self.on_behalf_of {
            OnBehalfOf::Myself => (None, None, None, None),
            OnBehalfOf::SomeoneElse {
                name,
                relationship,
                they_agreed,
            } => (t(name), t(relationship), Some(*they_agreed), None),
            OnBehalfOf::Mp { mp_name } => (None, None, None, t(mp_name)),
        };
        ComplaintInput {
            full_name: t(&c.full_name),
            address_line_1: a.and_then(|a| t(&a.line_1)),
            address_line_2: a.and_then(|a| o(&a.line_2)),
            address_town: a.and_then(|a| o(&a.town)),
            address_postcode: a.map(|a| a.postcode.as_str().to_string()),
            email: c.email.as_ref().map(|e| e.as_str().to_string()),
            phone: c.phone.as_ref().map(|p| p.as_str().to_string()),
            preferred_contact: Some(c.preferred_contact.id().to_string()),
            adjustments: o(&c.adjustments),
            on_behalf_of: Some(self.on_behalf_of.id().to_string()),
            other_person_name: other_name,
            other_person_relationship: relationship,
            other_person_agreed: agreed,
            mp_name: mp,
            mp_writing: self.constituent.is_some().then_some(true),
            mp_email: self
                .mp_contact
                .as_ref()
                .and_then(|c| c.email.as_ref())
                .map(|e| e.as_str().to_string()),
            mp_address: self
                .mp_contact
                .as_ref()
                .filter(|c| !c.address.is_empty())
                .map(|c| c.address.join("\n")),
            constituent_name: self.constituent.as_ref().map(|c| c.name.to_string()),
            constituent_address: self
                .constituent
                .as_ref()
                .and_then(|c| c.address.as_ref())
                .map(|a| a.to_string()),
            category: Some(self.category.clone()),
            service: o(&self.service),
            happened_when: o(&self.happened_when),
            description: t(&self.description),
            breach_happened: self.breach_happened,
            breach_status: self.breach_status.map(|b| b.id().to_string()),
            outcomes_wanted: Some(
                self.outcomes_wanted
                    .iter()
                    .map(|w| w.id().to_string())
                    .collect(),
            ),
            outcome_other: o(&self.outcome_other),
            also_about_service: Some(self.also_about_service),
            consent_handle: Some(true),
            consent_share: Some(self.consents.share_with_organisation),
            survey_opt_out: Some(self.consents.survey_opt_out),
            publication_opt_out: Some(self.consents.publication_opt_out),
        }
    }

    /// Turns what a person typed into a complaint, or lists every problem in form order,
    /// one message per field.
    pub fn parse(
        input: &ComplaintInput,
        taxonomy: &Taxonomy,
    ) -> Result<Complaint, Vec<FieldError>> {
        use messages as m;
        let mut p = Problems::default();

        let full_name = p.required(
            &input.full_name,
            "full_name",
            "Full name",
            limits::NAME,
            Lines::One,
            m::FULL_NAME,
        );
        // Building and street may span lines: the form offers one street-address box.
        let line_1 = p.optional(
            &input.address_line_1,
            "address_line_1",
            "Building and street",
            limits::ADDRESS_LINE,
            Lines::Many,
        );
        let line_2 = p.optional(
            &input.address_line_2,
            "address_line_2",
            "Address line 2",
            limits::ADDRESS_LINE,
            Lines::One,
        );
        let town = p.optional(
            &input.address_town,
            "address_town",
            "Town or city",
            limits::TOWN,
            Lines::One,
        );
        let postcode = p.take(Postcode::parse(
            given(&input.address_postcode),
            "address_postcode",
        ));
        let email = p.take(Email::parse(given(&input.email), "email"));
        let phone = p.take(Phone::parse(given(&input.phone), "phone"));
        let preferred = ContactMethod::parse(given(&input.preferred_contact).trim());
        // SPEC "Intake": at least one way to reach them, an email address, a telephone number
        // or a postal address: a person who writes letters may have neither of the others.
        // Whoever chose a way must give what it needs (the address is checked below).
        let neither = email.is_none() && phone.is_none() && !p.has("phone") && !p.has("email");
        match preferred {
            Some(ContactMethod::Email)
                if email.is_none() && !p.has("email") && (phone.is_some() || neither) =>
            {
                p.add("email", m::PREFER_EMAIL)
            }
            Some(ContactMethod::Phone)
                if phone.is_none() && !p.has("phone") && (email.is_some() || neither) =>
            {
                p.add("phone", m::PREFER_PHONE)
            }
            None if neither => p.add("email", m::CONTACT),
            _ => {}
        }
        if preferred.is_none() {
            p.add("preferred_contact", m::PREFERRED);
        }
        // An address is needed to write by post; otherwise it is optional, but once begun it
        // must be complete enough to post a letter to.
        let address_started =
            line_1.is_some() || line_2.is_some() || town.is_some() || postcode.is_some();
        if address_started || preferred == Some(ContactMethod::Post) {
            if line_1.is_none() {
                p.add("address_line_1", m::ADDRESS_LINE_1);
            }
            if postcode.is_none() {
                p.add("address_postcode", m::POSTCODE);
            }
        }
        let adjustments = p.optional(
            &input.adjustments,
            "adjustments",
            "Adjustments",
            limits::MEDIUM,
            Lines::Many,
        );

        let mut mp_contact = None;
        let mut constituent = None;
        let on_behalf_of = match given(&input.on_behalf_of).trim() {
            "myself" => Some(OnBehalfOf::Myself),
            "someone_else" => {
                let name = p.required(
                    &input.other_person_name,
                    "other_person_name",
                    "Their name",
                    limits::NAME,
                    Lines::One,
                    m::OTHER_NAME,
                );
                let relationship = p.required(
                    &input.other_person_relationship,
                    "other_person_relationship",
                    "How you know them",
                    limits::SHORT,
                    Lines::One,
                    m::OTHER_RELATIONSHIP,
                );
                if input.other_person_agreed.is_none() {
                    p.add("other_person_agreed", m::OTHER_AGREED);
                }
                match (name, relationship, input.other_person_agreed) {
                    (Some(name), Some(relationship), Some(they_agreed)) => {
                        Some(OnBehalfOf::SomeoneElse {
                            name,
                            relationship,
                            they_agreed,
                        })
                    }
                    _ => None,
                }
            }
            "mp" => {
                let mp_name = p.required(
                    &input.mp_name,
                    "mp_name",
                    "The MP's name",
                    limits::NAME,
                    Lines::One,
                    m::MP_NAME,
                );
                if input.mp_writing == Some(true) {
                    // The MP writes: who for, and where they live if given.
                    let name = p.required(
                        &input.constituent_name,
                        "constituent_name",
                        "The constituent's name",
                        limits::NAME,
                        Lines::One,
                        m::CONSTITUENT_NAME,
                    );
                    let address = p.optional(
                        &input.constituent_address,
                        "constituent_address",
                        "The constituent's address",
                        limits::MEDIUM,
                        Lines::Many,
                    );
                    constituent = name.map(|name| Constituent { name, address });
                } else if !given(&input.mp_email).trim().is_empty()
                    || !given(&input.mp_address).trim().is_empty()
                {
                    // The constituent writes through their MP: copies go to the MP.
                    match MpContact::parse(
                        given(&input.mp_name),
                        given(&input.mp_email),
                        given(&input.mp_address),
                    ) {
                        Ok(contact) => mp_contact = Some(contact),
                        // The name's problem is the question's own, reported above.
                        Err(errors) => errors
                            .iter()
                            .filter(|e| e.field != "mp_name")
                            .for_each(|e| p.add(&e.field, &e.message)),
                    }
                }
                mp_name.map(|mp_name| OnBehalfOf::Mp { mp_name })
            }
            _ => {
                p.add("on_behalf_of", m::ON_BEHALF);
                None
            }
        };

        let category = match given(&input.category).trim() {
            "" => {
                p.add("category", m::CATEGORY);
                None
            }
            id => {
                let c = taxonomy.category(id);
                if c.is_none() {
                    p.add(
                        "category",
                        "Select what your complaint is about from the list",
                    );
                }
                c
            }
        };
        let service = p.optional(
            &input.service,
            "service",
            "The service",
            limits::SHORT,
            Lines::One,
        );
        let happened_when = p.optional(
            &input.happened_when,
            "happened_when",
            "When it happened",
            limits::SHORT,
            Lines::One,
        );
        let description = p.required(
            &input.description,
            "description",
            "What happened",
            limits::DESCRIPTION,
            Lines::Many,
            m::DESCRIPTION,
        );

        // SPEC "Categories and triage": whether a breach happened is asked where one is possible
        // (a breach category says so itself), and whether the person has had the breach
        // outcome once one did. Answers given for another category are ignored; no answer to
        // the first is not a breach (everything but a breach is a complaint). The breach
        // category must answer the second; elsewhere no answer means no outcome yet.
        let breach_happened = category
            .filter(|c| c.nature != Nature::Breach && c.breach_possible)
            .and(input.breach_happened);
        let breach_category = category.is_some_and(|c| c.nature == Nature::Breach);
        let breach_status = if breach_category || breach_happened == Some(true) {
            let raw = given(&input.breach_status).trim();
            let found = BreachStatus::parse(raw);
            if found.is_none() && (breach_category || !raw.is_empty()) {
                p.add("breach_status", m::BREACH);
            }
            found
        } else {
            None
        };

        let mut outcomes_wanted = Vec::new();
        for raw in input.outcomes_wanted.iter().flatten() {
            match WantedOutcome::ALL
                .iter()
                .find(|(_, id, _)| *id == raw.trim())
            {
                Some((o, _, _)) if !outcomes_wanted.contains(o) => outcomes_wanted.push(*o),
                Some(_) => {}
                None => p.add(
                    "outcomes_wanted",
                    "Select what you would like to happen from the list",
                ),
            }
        }
        if outcomes_wanted.is_empty() {
            p.add("outcomes_wanted", m::OUTCOMES);
        }
        let outcome_other = if outcomes_wanted.contains(&WantedOutcome::Other) {
            p.required(
                &input.outcome_other,
                "outcome_other",
                "What else you would like",
                limits::MEDIUM,
                Lines::Many,
                m::OUTCOME_OTHER,
            )
        } else {
            None
        };
        if input.also_about_service.is_none() {
            p.add("also_about_service", m::ALSO_SERVICE);
        }
        if input.consent_handle != Some(true) {
            p.add("consent_handle", m::CONSENT_HANDLE);
        }
        if input.consent_share.is_none() {
            p.add("consent_share", m::CONSENT_SHARE);
        }

        let (
            Some(full_name),
            Some(preferred_contact),
            Some(on_behalf_of),
            Some(category),
            Some(description),
            Some(also_about_service),
            Some(share),
            true,
        ) = (
            full_name,
            preferred,
            on_behalf_of,
            category,
            description,
            input.also_about_service,
            input.consent_share,
            p.0.is_empty(),
        )
        else {
            let mut errors = p.0;
            sort_in_form_order(&mut errors);
            return Err(errors);
        };
        let address = match (line_1, postcode) {
            (Some(line_1), Some(postcode)) => Some(PostalAddress {
                line_1,
                line_2,
                town,
                postcode,
            }),
            _ => None,
        };
        Ok(Complaint {
            complainant: Complainant {
                full_name,
                address,
                email,
                phone,
                preferred_contact,
                adjustments,
            },
            on_behalf_of,
            category: category.id.clone(),
            service,
            happened_when,
            description,
            breach_happened,
            breach_status,
            outcomes_wanted,
            outcome_other,
            also_about_service,
            consents: Consents {
                share_with_organisation: share,
                survey_opt_out: input.survey_opt_out.unwrap_or(false),
                publication_opt_out: input.publication_opt_out.unwrap_or(false),
            },
            mp_contact,
            constituent,
        })
    }
}

/// The order fields appear in the form, so the error summary reads top to bottom.
pub const FIELD_ORDER: [&str; 35] = [
    "full_name",
    "address_line_1",
    "address_line_2",
    "address_town",
    "address_postcode",
    "email",
    "phone",
    "preferred_contact",
    "adjustments",
    "on_behalf_of",
    "other_person_name",
    "other_person_relationship",
    "other_person_agreed",
    "mp_name",
    "mp_writing",
    "mp_email",
    "mp_address",
    "constituent_name",
    "constituent_address",
    "category",
    "service",
    "happened_when",
    "description",
    "breach_happened",
    "breach_status",
    "outcomes_wanted",
    "outcome_other",
    "also_about_service",
    "consent_handle",
    "consent_share",
    "survey_opt_out",
    "publication_opt_out",
    "channel",
    "received_on",
    "body",
];

/// In the order the form asks, keeping the order of errors for the same field. By insertion:
/// a complaint has a few dozen fields at most, and the standard library's stable sort would
/// add kilobytes to the WebAssembly for lists this short.
fn sort_in_form_order(errors: &mut [FieldError]) {
    let rank = |e: &FieldError| {
        FIELD_ORDER
            .iter()
            .position(|f| *f == e.field)
            .unwrap_or(usize::MAX)
    };
    for i in 1..errors.len() {
        let mut j = i;
        while j > 0 && rank(&errors[j - 1]) > rank(&errors[j]) {
            errors.swap(j - 1, j);
            j -= 1;
        }
    }
}

impl ComplaintInput {
    /// A complete, valid complaint: the API's documented example and the tests' starting point.
    pub fn example() -> ComplaintInput {
        let s = |v: &str| Some(v.to_string());
        ComplaintInput {
            full_name: s("Sam Example"),
            address_line_1: s("1 High Street"),
            address_line_2: None,
            address_town: s("Nottingham"),
            address_postcode: s("NG2 7QP"),
            email: s("sam@example.com"),
            phone: s("07700 900982"),
            preferred_contact: s("email"),
            adjustments: s("Please use large print in letters."),
            on_behalf_of: s("myself"),
            category: s("subject_access"),
            service: s("Adult social care"),
            happened_when: s("March 2026"),
            description: s("I asked for a copy of my social care records in January and have had no reply, though I chased it twice."),
            outcomes_wanted: Some(vec!["apology".into(), "process_changed".into()]),
            also_about_service: Some(false),
            consent_handle: Some(true),
            consent_share: Some(true),
            survey_opt_out: Some(false),
            publication_opt_out: Some(true),
            ..ComplaintInput::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complaint_turned_back_into_answers_parses_to_itself() {
        let t = Taxonomy::default();
        let mut inputs = vec![ComplaintInput::example()];
        inputs.push(ComplaintInput {
            on_behalf_of: Some("someone_else".into()),
            other_person_name: Some("Pat Example".into()),
            other_person_relationship: Some("Son".into()),
            other_person_agreed: Some(false),
            address_line_2: Some("Flat 2".into()),
            category: Some("personal_data_breach".into()),
            breach_status: Some("not_reported".into()),
            outcomes_wanted: Some(vec!["other".into()]),
            outcome_other: Some("Tell me what happened".into()),
            ..ComplaintInput::example()
        });
        inputs.push(ComplaintInput {
            on_behalf_of: Some("mp".into()),
            mp_name: Some("A Member".into()),
            email: None,
            preferred_contact: Some("phone".into()),
            ..ComplaintInput::example()
        });
        for input in inputs {
            let c = Complaint::parse(&input, &t).unwrap();
            assert_eq!(Complaint::parse(&c.to_input(), &t).unwrap(), c);
        }
    }

    fn parse(input: &ComplaintInput) -> Result<Complaint, Vec<FieldError>> {
        Complaint::parse(input, &Taxonomy::default())
    }

    fn errors_of(input: &ComplaintInput) -> Vec<(String, String)> {
        parse(input)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    /// Exactly one error, on `field`, with `message`.
    fn only_error(input: &ComplaintInput, field: &str, message: &str) {
        assert_eq!(
            errors_of(input),
            vec![(field.to_string(), message.to_string())]
        );
    }

    #[test]
    fn the_example_parses() {
        let c = parse(&ComplaintInput::example()).unwrap();
        assert_eq!(c.complainant.full_name.as_str(), "Sam Example");
        assert_eq!(
            c.complainant.address.as_ref().unwrap().postcode.as_str(),
            "NG2 7QP"
        );
        assert_eq!(c.complainant.preferred_contact, ContactMethod::Email);
        assert_eq!(c.on_behalf_of, OnBehalfOf::Myself);
        assert_eq!(c.category, "subject_access");
        assert_eq!(
            c.outcomes_wanted,
            vec![WantedOutcome::Apology, WantedOutcome::ProcessChanged]
        );
        assert_eq!(
            c.consents,
            Consents {
                share_with_organisation: true,
                survey_opt_out: false,
                publication_opt_out: true
            }
        );
        assert_eq!(c.breach_status, None);
    }

    #[test]
    fn an_empty_form_lists_every_required_field_in_form_order() {
        let fields: Vec<String> = errors_of(&ComplaintInput::default())
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            [
                "full_name",
                "email",
                "preferred_contact",
                "on_behalf_of",
                "category",
                "description",
                "outcomes_wanted",
                "also_about_service",
                "consent_handle",
                "consent_share"
            ]
        );
    }

    #[test]
    fn name_is_required_and_bounded() {
        only_error(
            &ComplaintInput {
                full_name: Some("   ".into()),
                ..ComplaintInput::example()
            },
            "full_name",
            messages::FULL_NAME,
        );
        only_error(
            &ComplaintInput {
                full_name: Some("x".repeat(201)),
                ..ComplaintInput::example()
            },
            "full_name",
            "Full name must be 200 characters or fewer",
        );
        only_error(
            &ComplaintInput {
                full_name: Some("Sam\u{7}".into()),
                ..ComplaintInput::example()
            },
            "full_name",
            "Full name must be on one line and must not include hidden control characters",
        );
    }

    #[test]
    fn email_or_phone_is_needed_and_each_must_be_well_formed() {
        // Choosing email with neither: the way chosen needs its address.
        only_error(
            &ComplaintInput {
                email: None,
                phone: None,
                ..ComplaintInput::example()
            },
            "email",
            messages::PREFER_EMAIL,
        );
        only_error(
            &ComplaintInput {
                email: None,
                phone: None,
                preferred_contact: Some("phone".into()),
                ..ComplaintInput::example()
            },
            "phone",
            messages::PREFER_PHONE,
        );
        // No way chosen and nothing to reach them by: both said.
        assert_eq!(
            errors_of(&ComplaintInput {
                email: None,
                phone: None,
                preferred_contact: None,
                ..ComplaintInput::example()
            }),
            vec![
                ("email".to_string(), messages::CONTACT.to_string()),
                (
                    "preferred_contact".to_string(),
                    messages::PREFERRED.to_string()
                ),
            ]
        );
        only_error(
            &ComplaintInput {
                email: Some("sam@".into()),
                ..ComplaintInput::example()
            },
            "email",
            crate::domain::text::EMAIL_FORMAT,
        );
        only_error(
            &ComplaintInput {
                phone: Some("12".into()),
                ..ComplaintInput::example()
            },
            "phone",
            crate::domain::text::PHONE_FORMAT,
        );
        // Phone only, preferring phone: fine.
        assert!(parse(&ComplaintInput {
            email: None,
            preferred_contact: Some("phone".into()),
            ..ComplaintInput::example()
        })
        .is_ok());
    }

    /// SPEC "Intake": contact is an email address, a telephone number, or a postal address:
    /// a person who writes letters may have neither of the others (issue 22: such a letter
    /// could not be keyed in).
    #[test]
    fn a_person_with_only_a_postal_address_can_complain_by_post() {
        let by_post = ComplaintInput {
            email: None,
            phone: None,
            preferred_contact: Some("post".into()),
            ..ComplaintInput::example()
        };
        let c = parse(&by_post).unwrap();
        assert_eq!(c.complainant.email, None);
        assert_eq!(c.complainant.phone, None);
        assert_eq!(
            c.complainant.address.as_ref().unwrap().postcode.as_str(),
            "NG2 7QP"
        );
        // Letters by post need the address, whatever else is given.
        assert_eq!(
            errors_of(&ComplaintInput {
                address_line_1: None,
                address_town: None,
                address_postcode: None,
                ..by_post.clone()
            }),
            vec![
                (
                    "address_line_1".to_string(),
                    messages::ADDRESS_LINE_1.to_string()
                ),
                (
                    "address_postcode".to_string(),
                    messages::POSTCODE.to_string()
                ),
            ]
        );
    }

    #[test]
    fn the_preferred_contact_method_must_be_usable() {
        only_error(
            &ComplaintInput {
                preferred_contact: None,
                ..ComplaintInput::example()
            },
            "preferred_contact",
            messages::PREFERRED,
        );
        only_error(
            &ComplaintInput {
                preferred_contact: Some("pigeon".into()),
                ..ComplaintInput::example()
            },
            "preferred_contact",
            messages::PREFERRED,
        );
        only_error(
            &ComplaintInput {
                email: None,
                ..ComplaintInput::example()
            },
            "email",
            messages::PREFER_EMAIL,
        );
        only_error(
            &ComplaintInput {
                phone: None,
                preferred_contact: Some("phone".into()),
                ..ComplaintInput::example()
            },
            "phone",
            messages::PREFER_PHONE,
        );
    }

    #[test]
    fn an_address_is_optional_unless_writing_by_post_but_must_be_complete() {
        let no_address = ComplaintInput {
            address_line_1: None,
            address_town: None,
            address_postcode: None,
            ..ComplaintInput::example()
        };
        assert_eq!(parse(&no_address).unwrap().complainant.address, None);
        let post = ComplaintInput {
            preferred_contact: Some("post".into()),
            ..no_address.clone()
        };
        assert_eq!(
            errors_of(&post),
            vec![
                ("address_line_1".into(), messages::ADDRESS_LINE_1.into()),
                ("address_postcode".into(), messages::POSTCODE.into())
            ]
        );
        only_error(
            &ComplaintInput {
                address_postcode: None,
                ..ComplaintInput::example()
            },
            "address_postcode",
            messages::POSTCODE,
        );
        only_error(
            &ComplaintInput {
                address_postcode: Some("NOT A CODE".into()),
                ..ComplaintInput::example()
            },
            "address_postcode",
            "Enter a real postcode, like NG2 7QP",
        );
    }

    #[test]
    fn complaining_for_someone_else_needs_who_and_whether_they_agreed() {
        let base = ComplaintInput {
            on_behalf_of: Some("someone_else".into()),
            ..ComplaintInput::example()
        };
        assert_eq!(
            errors_of(&base),
            vec![
                ("other_person_name".into(), messages::OTHER_NAME.into()),
                (
                    "other_person_relationship".into(),
                    messages::OTHER_RELATIONSHIP.into()
                ),
                ("other_person_agreed".into(), messages::OTHER_AGREED.into()),
            ]
        );
        let full = ComplaintInput {
            other_person_name: Some("Pat Example".into()),
            other_person_relationship: Some("My mother".into()),
            other_person_agreed: Some(false),
            ..base
        };
        assert!(matches!(
            parse(&full).unwrap().on_behalf_of,
            OnBehalfOf::SomeoneElse {
                they_agreed: false,
                ..
            }
        ));
        only_error(
            &ComplaintInput {
                on_behalf_of: Some("mp".into()),
                ..ComplaintInput::example()
            },
            "mp_name",
            messages::MP_NAME,
        );
        only_error(
            &ComplaintInput {
                on_behalf_of: None,
                ..ComplaintInput::example()
            },
            "on_behalf_of",
            messages::ON_BEHALF,
        );
    }

    /// Issue 10: through an MP, the MP's contact details are kept for copies of letters; when
    /// the MP is the one writing, the constituent is named instead, and round-trips.
    #[test]
    fn through_an_mp_their_details_or_the_constituent_are_kept() {
        let mp = |f: &dyn Fn(&mut ComplaintInput)| {
            let mut i = ComplaintInput {
                on_behalf_of: Some("mp".into()),
                mp_name: Some("Ann Member MP".into()),
                ..ComplaintInput::example()
            };
            f(&mut i);
            i
        };
        // The constituent writes, with the MP's email: kept for copies.
        let c = parse(&mp(&|i| {
            i.mp_email = Some("ann.member@parliament.uk".into())
        }))
        .unwrap();
        let contact = c.mp_contact.clone().unwrap();
        assert_eq!(contact.name.as_str(), "Ann Member MP");
        assert_eq!(contact.email.unwrap().as_str(), "ann.member@parliament.uk");
        assert_eq!(c.constituent, None);
        assert_eq!(parse(&c.to_input()).unwrap(), c);
        // Or the postal address, a line each.
        let c = parse(&mp(&|i| {
            i.mp_address = Some("Constituency Office\n1 Market Square".into())
        }))
        .unwrap();
        assert_eq!(c.mp_contact.clone().unwrap().address.len(), 2);
        assert_eq!(parse(&c.to_input()).unwrap(), c);
        // Neither: the MP is named, and staff can add how to reach them later.
        assert_eq!(parse(&mp(&|_| {})).unwrap().mp_contact, None);
        // A wrong email is the MP email's own error.
        only_error(
            &mp(&|i| i.mp_email = Some("not an address".into())),
            "mp_email",
            "Enter the MP's email address in the right format, like name@parliament.uk",
        );
        // The MP writing: the constituent is needed, the MP's contact details are not asked.
        only_error(
            &mp(&|i| i.mp_writing = Some(true)),
            "constituent_name",
            messages::CONSTITUENT_NAME,
        );
        let c = parse(&mp(&|i| {
            i.mp_writing = Some(true);
            i.constituent_name = Some("Connie Constituent".into());
            i.constituent_address = Some("2 Mill Lane\nNottingham".into());
            i.mp_email = Some("ignored@parliament.uk".into());
        }))
        .unwrap();
        let k = c.constituent.clone().unwrap();
        assert_eq!(k.name.as_str(), "Connie Constituent");
        assert_eq!(k.address.unwrap().as_str(), "2 Mill Lane\nNottingham");
        assert_eq!(c.mp_contact, None);
        assert_eq!(parse(&c.to_input()).unwrap(), c);
        // Not through an MP: none of it is kept, whatever was sent.
        let c = parse(&ComplaintInput {
            mp_email: Some("x@parliament.uk".into()),
            constituent_name: Some("Nobody".into()),
            ..ComplaintInput::example()
        })
        .unwrap();
        assert_eq!((c.mp_contact, c.constituent), (None, None));
    }

    #[test]
    fn category_must_be_one_of_the_list() {
        only_error(
            &ComplaintInput {
                category: None,
                ..ComplaintInput::example()
            },
            "category",
            messages::CATEGORY,
        );
        only_error(
            &ComplaintInput {
                category: Some("parking".into()),
                ..ComplaintInput::example()
            },
            "category",
            "Select what your complaint is about from the list",
        );
    }

    #[test]
    fn description_is_required_and_bounded() {
        only_error(
            &ComplaintInput {
                description: Some("\n \n".into()),
                ..ComplaintInput::example()
            },
            "description",
            messages::DESCRIPTION,
        );
        only_error(
            &ComplaintInput {
                description: Some("x".repeat(10_001)),
                ..ComplaintInput::example()
            },
            "description",
            "What happened must be 10,000 characters or fewer",
        );
        assert!(parse(&ComplaintInput {
            description: Some("Line one\nLine two\tindented".into()),
            ..ComplaintInput::example()
        })
        .is_ok());
    }

    #[test]
    fn breaches_ask_whether_the_outcome_was_received() {
        let breach = ComplaintInput {
            category: Some("personal_data_breach".into()),
            ..ComplaintInput::example()
        };
        only_error(&breach, "breach_status", messages::BREACH);
        let with = ComplaintInput {
            breach_status: Some("not_reported".into()),
            ..breach
        };
        assert_eq!(
            parse(&with).unwrap().breach_status,
            Some(BreachStatus::NotReported)
        );
        // Not asked, so ignored, for other categories.
        let other = ComplaintInput {
            breach_status: Some("not_reported".into()),
            ..ComplaintInput::example()
        };
        assert_eq!(parse(&other).unwrap().breach_status, None);
    }

    #[test]
    fn wanted_outcomes_from_the_list_with_other_explained() {
        only_error(
            &ComplaintInput {
                outcomes_wanted: Some(vec![]),
                ..ComplaintInput::example()
            },
            "outcomes_wanted",
            messages::OUTCOMES,
        );
        only_error(
            &ComplaintInput {
                outcomes_wanted: Some(vec!["money".into()]),
                ..ComplaintInput::example()
            },
            "outcomes_wanted",
            "Select what you would like to happen from the list",
        );
        only_error(
            &ComplaintInput {
                outcomes_wanted: Some(vec!["other".into()]),
                ..ComplaintInput::example()
            },
            "outcome_other",
            messages::OUTCOME_OTHER,
        );
        let twice = ComplaintInput {
            outcomes_wanted: Some(vec!["apology".into(), "apology".into()]),
            ..ComplaintInput::example()
        };
        assert_eq!(
            parse(&twice).unwrap().outcomes_wanted,
            vec![WantedOutcome::Apology]
        );
    }

    #[test]
    fn consent_to_handle_is_required_and_sharing_must_be_answered() {
        only_error(
            &ComplaintInput {
                consent_handle: Some(false),
                ..ComplaintInput::example()
            },
            "consent_handle",
            messages::CONSENT_HANDLE,
        );
        only_error(
            &ComplaintInput {
                consent_handle: None,
                ..ComplaintInput::example()
            },
            "consent_handle",
            messages::CONSENT_HANDLE,
        );
        only_error(
            &ComplaintInput {
                consent_share: None,
                ..ComplaintInput::example()
            },
            "consent_share",
            messages::CONSENT_SHARE,
        );
        // Declining to share is allowed; opt-outs default to "not opted out".
        let c = parse(&ComplaintInput {
            consent_share: Some(false),
            survey_opt_out: None,
            publication_opt_out: None,
            ..ComplaintInput::example()
        })
        .unwrap();
        assert_eq!(
            c.consents,
            Consents {
                share_with_organisation: false,
                survey_opt_out: false,
                publication_opt_out: false
            }
        );
        only_error(
            &ComplaintInput {
                also_about_service: None,
                ..ComplaintInput::example()
            },
            "also_about_service",
            messages::ALSO_SERVICE,
        );
    }

    #[test]
    fn form_posts_and_json_share_one_shape() {
        let json = r#"{"consent_handle":"yes","consent_share":"no","also_about_service":false,"outcomes_wanted":"apology","survey_opt_out":"on"}"#;
        let i: ComplaintInput = serde_json::from_str(json).unwrap();
        assert_eq!(
            (
                i.consent_handle,
                i.consent_share,
                i.also_about_service,
                i.survey_opt_out
            ),
            (Some(true), Some(false), Some(false), Some(true))
        );
        assert_eq!(i.outcomes_wanted, Some(vec!["apology".to_string()]));
        assert!(serde_json::from_str::<ComplaintInput>(r#"{"consent_handle":"maybe"}"#).is_err());
        assert!(serde_json::from_str::<ComplaintInput>(r#"{"fullname":"typo"}"#).is_err());
    }

    #[test]
    fn errors_come_in_form_order_and_keep_their_order_within_a_field() {
        let e = |f: &str, m: &str| FieldError::new(f, m);
        let mut errors = vec![
            e("unknown", "1"),
            e("email", "2"),
            e("full_name", "3"),
            e("email", "4"),
            e("description", "5"),
            e("full_name", "6"),
        ];
        let mut expected = errors.clone();
        expected.sort_by_key(|x| {
            FIELD_ORDER
                .iter()
                .position(|f| *f == x.field)
                .unwrap_or(usize::MAX)
        });
        sort_in_form_order(&mut errors);
        assert_eq!(errors, expected);
        let order: Vec<&str> = errors.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(order, ["3", "6", "2", "4", "5", "1"]);
    }
}
