//! Complaints made through an MP (SPEC "Keeping people informed"; seed 000: "we will send
//! you or your MP (if you have complained through them) a letter"): the MP's contact details,
//! and how copies of letters reach them. Tested by `an_mp_needs_a_name_and_a_way_to_reach_them`
//! and, through the server, `letters_of_a_complaint_through_an_mp_are_copied_to_the_mp`.

use crate::domain::messages::Route;
use crate::domain::text::{limits, Email, Lines, Text};
use crate::domain::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MpContact {
    pub name: Text,
    pub email: Option<Email>,
    /// Postal address, a line each (for example their constituency office).
    pub address: Vec<String>,
}

impl MpContact {
    /// The MP's name, and an email or a postal address (a copy must be able to reach them).
    pub fn parse(name: &str, email: &str, address: &str) -> Result<MpContact, Vec<FieldError>> {
        let mut errors = vec![];
        let name = match Text::parse(name, "mp_name", "The MP's name", limits::NAME, Lines::One) {
            Ok(Some(n)) => Some(n),
            Ok(None) => {
                errors.push(FieldError::new("mp_name", "Enter the MP's name"));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let email = match email.trim() {
            "" => None,
            raw => match Email::parse(raw, "mp_email") {
                Ok(e) => e,
                Err(_) => {
                    errors.push(FieldError::new(
                        "mp_email",
                        "Enter the MP's email address in the right format, like name@parliament.uk",
                    ));
                    None
                }
            },
        };
        let address: Vec<String> = address
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if address
            .iter()
            .any(|l| l.chars().count() > limits::ADDRESS_LINE)
        {
            errors.push(FieldError::new(
                "mp_address",
                "Each line of the address must be 200 characters or fewer",
            ));
        }
        if email.is_none() && address.is_empty() && errors.is_empty() {
            errors.push(FieldError::new(
                "mp_email",
                "Enter the MP's email address or postal address, so copies of letters reach them",
            ));
        }
        match name {
            Some(name) if errors.is_empty() => Ok(MpContact {
                name,
                email,
                address,
            }),
            _ => Err(errors),
        }
    }

    /// Copies go by email where there is one, else by post.
    pub fn route(&self) -> Route {
        if self.email.is_some() {
            Route::Email
        } else {
            Route::Post
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_mp_needs_a_name_and_a_way_to_reach_them() {
        let both = MpContact::parse(
            "Ann Member MP",
            "ann.member.mp@parliament.uk",
            "House of Commons\nLondon\nSW1A 0AA",
        )
        .unwrap();
        assert_eq!(both.route(), Route::Email);
        assert_eq!(both.address, vec!["House of Commons", "London", "SW1A 0AA"]);
        let post =
            MpContact::parse("Ann Member MP", "", "Constituency Office\n1 Market Square").unwrap();
        assert_eq!(post.route(), Route::Post);
        let none = MpContact::parse("Ann Member MP", "", "").unwrap_err();
        assert_eq!(none[0].field, "mp_email");
        let bad = MpContact::parse("", "nope", "").unwrap_err();
        let fields: Vec<_> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["mp_name", "mp_email"]);
    }
}
