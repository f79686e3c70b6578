//! Subject access (UK GDPR art. 15; SPEC "Corrections and the rights of the people in the
//! files": the DPO can find everything held about a person): how the DPO looks a person up,
//! parsed from the search form into what the store compares.

use crate::domain::reference::Reference;

/// How the DPO looks a person up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectKey {
    /// Part of a name, as typed (at least three characters).
    Name(String),
    Email(String),
    /// Digits only.
    Phone(String),
    /// Upper case, no spaces.
    Postcode(String),
    Reference(Reference),
}

impl SubjectKey {
    pub const KINDS: [(&'static str, &'static str); 5] = [
        ("name", "Name"),
        ("email", "Email address"),
        ("phone", "Telephone number"),
        ("postcode", "Postcode"),
        ("reference", "Case reference"),
    ];

    /// Parses the search form, or says what is wrong with it.
    pub fn parse(by: &str, term: &str) -> Result<SubjectKey, &'static str> {
        let term = term.trim();
        match by {
            // Compared as names are stored: look-alike spaces as spaces, nothing hidden.
            "name" if crate::domain::text::searchable(term).chars().count() >= 3 => {
                Ok(SubjectKey::Name(crate::domain::text::searchable(term)))
            }
            "name" => Err("Enter at least three letters of the name"),
            "email" if term.contains('@') && term.len() >= 3 => {
                Ok(SubjectKey::Email(term.to_lowercase()))
            }
            "email" => Err("Enter an email address, like name@example.com"),
            "phone" => {
                let digits: String = term.chars().filter(char::is_ascii_digit).collect();
                if digits.len() >= 6 {
                    Ok(SubjectKey::Phone(digits))
                } else {
                    Err("Enter a telephone number, like 01632 960 001")
                }
            }
            "postcode" => {
                let p: String = term
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_uppercase();
                if (5..=7).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()) {
                    Ok(SubjectKey::Postcode(p))
                } else {
                    Err("Enter a full postcode, like SW1A 1AA")
                }
            }
            "reference" => Reference::parse(term)
                .map(SubjectKey::Reference)
                .map_err(|_| "Enter a case reference, like ABC-DEF-GHJ"),
            _ => Err("Select what to search by"),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            SubjectKey::Name(_) => "name",
            SubjectKey::Email(_) => "email",
            SubjectKey::Phone(_) => "phone",
            SubjectKey::Postcode(_) => "postcode",
            SubjectKey::Reference(_) => "reference",
        }
    }

    /// The value the stores compare with: a telephone number as stored (a leading 44 as 0),
    /// a reference in its compact form, the rest as given.
    pub fn search_value(&self) -> String {
        match self {
            SubjectKey::Phone(p) => match p.strip_prefix("44") {
                Some(rest) => format!("0{rest}"),
                None => p.clone(),
            },
            SubjectKey::Reference(r) => r.compact(),
            SubjectKey::Name(s) | SubjectKey::Email(s) | SubjectKey::Postcode(s) => s.clone(),
        }
    }

    /// The words a free-text record would mention the person by, if any (a name or an
    /// address; a reference is not a mention of a person).
    pub fn mention(&self) -> Option<&str> {
        match self {
            SubjectKey::Name(s) | SubjectKey::Email(s) => Some(s),
            _ => None,
        }
    }
}
