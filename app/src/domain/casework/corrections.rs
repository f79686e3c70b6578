//! Corrections after intake (SPEC.md "Corrections and the rights of the people in the files";
//! UK GDPR art. 16; seed 000: people may change their minds about sharing, the survey and
//! publication). The corrected details go through the same rules as the public form, and
//! what changed is listed field by field for the history. Tested by the tests below and, through
//! the server, `details_are_corrected_with_a_reason_and_the_history_keeps_what_changed`.

use crate::domain::complaint::{Complaint, ComplaintInput};
use crate::domain::taxonomy::Taxonomy;
use crate::domain::text::{limits, Lines, Text};
use crate::domain::FieldError;
use serde::{Deserialize, Serialize};

/// The fields staff may correct, as the form sends them (the public form's names).
pub const CORRECTABLE: [&str; 12] = [
    "full_name",
    "address_line_1",
    "address_line_2",
    "address_town",
    "address_postcode",
    "email",
    "phone",
    "preferred_contact",
    "adjustments",
    "consent_share",
    "survey_opt_out",
    "publication_opt_out",
];

/// One field's change: what it was and what it is now (values for the DPO only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub label: String,
    pub old: String,
    pub new: String,
}

/// A correction: the complaint as it now is, what changed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub complaint: Complaint,
    pub changes: Vec<FieldChange>,
    pub reason: Text,
}

impl Correction {
    /// `given` holds the form's values for the correctable fields (a checkbox not ticked is
    /// absent); everything else stays as it was. Refused if nothing changed or no reason.
    pub fn parse(
        before: &Complaint,
        given: impl Fn(&str) -> Option<String>,
        reason: &str,
        taxonomy: &Taxonomy,
    ) -> Result<Correction, Vec<FieldError>> {
        let mut input: ComplaintInput = before.to_input();
        let text = |name: &str| given(name).filter(|v| !v.trim().is_empty());
        input.full_name = text("full_name");
        input.address_line_1 = text("address_line_1");
        input.address_line_2 = text("address_line_2");
        input.address_town = text("address_town");
        input.address_postcode = text("address_postcode");
        input.email = text("email");
        input.phone = text("phone");
        input.preferred_contact = text("preferred_contact");
        input.adjustments = text("adjustments");
        input.consent_share = given("consent_share").map(|v| v == "yes");
        input.survey_opt_out = Some(given("survey_opt_out").is_some_and(|v| v == "yes"));
        input.publication_opt_out = Some(given("publication_opt_out").is_some_and(|v| v == "yes"));
        let mut errors = vec![];
        let reason = match Text::parse(reason, "reason", "The reason", limits::MEDIUM, Lines::Many)
        {
            Ok(Some(r)) => Some(r),
            Ok(None) => {
                errors.push(FieldError::new(
                    "reason",
                    "Enter why the details are being corrected",
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let after = match Complaint::parse(&input, taxonomy) {
            Ok(c) => Some(c),
            Err(mut e) => {
                e.append(&mut errors);
                errors = e;
                None
            }
        };
        let (Some(after), Some(reason)) = (after, reason) else {
            return Err(errors);
        };
        let changes = changes(before, &after);
        if changes.is_empty() {
            return Err(vec![FieldError::new(
                "full_name",
                "Nothing was changed: change a detail, or go back to the case",
            )]);
        }
        Ok(Correction {
            complaint: after,
            changes,
            reason,
        })
    }
}

/// Each correctable detail that differs, in the form's order.
pub fn changes(before: &Complaint, after: &Complaint) -> Vec<FieldChange> {
    let show = |c: &Complaint| -> Vec<(&'static str, String)> {
        let p = &c.complainant;
        let address = p
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
                .collect::<Vec<_>>()
                .join(", ")
            })
            .unwrap_or_default();
        let yes = |b: bool| if b { "Yes" } else { "No" }.to_string();
        vec![
            ("Name", p.full_name.as_str().to_string()),
            ("Postal address", address),
            (
                "Email",
                p.email
                    .as_ref()
                    .map(|e| e.as_str().to_string())
                    .unwrap_or_default(),
            ),
            (
                "Telephone",
                p.phone
                    .as_ref()
                    .map(|e| e.as_str().to_string())
                    .unwrap_or_default(),
            ),
            ("Contact by", p.preferred_contact.label().to_string()),
            (
                "Adjustments",
                p.adjustments
                    .as_ref()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
            ),
            (
                "May share with the organisation complained about",
                yes(c.consents.share_with_organisation),
            ),
            ("Opted out of the survey", yes(c.consents.survey_opt_out)),
            (
                "Opted out of anonymised publication",
                yes(c.consents.publication_opt_out),
            ),
        ]
    };
    show(before)
        .into_iter()
        .zip(show(after))
        .filter(|((_, old), (_, new))| old != new)
        .map(|((label, old), (_, new))| FieldChange {
            label: label.to_string(),
            old,
            new,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complaint() -> Complaint {
        Complaint::parse(&ComplaintInput::example(), &Taxonomy::default()).unwrap()
    }

    fn form(c: &Complaint) -> std::collections::HashMap<&'static str, String> {
        let i = c.to_input();
        let mut m = std::collections::HashMap::new();
        let mut put = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                m.insert(k, v);
            }
        };
        put("full_name", i.full_name);
        put("address_line_1", i.address_line_1);
        put("address_line_2", i.address_line_2);
        put("address_town", i.address_town);
        put("address_postcode", i.address_postcode);
        put("email", i.email);
        put("phone", i.phone);
        put("preferred_contact", i.preferred_contact);
        put("adjustments", i.adjustments);
        put(
            "consent_share",
            i.consent_share.map(|b| if b { "yes" } else { "no" }.into()),
        );
        put(
            "survey_opt_out",
            i.survey_opt_out.filter(|b| *b).map(|_| "yes".into()),
        );
        put(
            "publication_opt_out",
            i.publication_opt_out.filter(|b| *b).map(|_| "yes".into()),
        );
        m
    }

    #[test]
    fn a_correction_lists_what_changed_and_keeps_everything_else() {
        let before = complaint();
        let mut f = form(&before);
        f.insert("email", "sam.new@example.com".into());
        f.insert("consent_share", "no".into());
        f.remove("publication_opt_out");
        let c = Correction::parse(
            &before,
            |k| f.get(k).cloned(),
            "Moved email provider",
            &Taxonomy::default(),
        )
        .unwrap();
        let labels: Vec<_> = c.changes.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "Email",
                "May share with the organisation complained about",
                "Opted out of anonymised publication"
            ]
        );
        assert_eq!(c.changes[0].old, "sam@example.com");
        assert_eq!(c.changes[0].new, "sam.new@example.com");
        assert_eq!(c.complaint.description, before.description);
        assert!(!c.complaint.consents.share_with_organisation);
    }

    #[test]
    fn the_public_forms_rules_apply_and_a_reason_is_needed() {
        let before = complaint();
        let mut f = form(&before);
        f.insert("email", "not an address".into());
        let errors = Correction::parse(&before, |k| f.get(k).cloned(), "", &Taxonomy::default())
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["email", "reason"]);
        let unchanged = form(&before);
        let e = Correction::parse(
            &before,
            |k| unchanged.get(k).cloned(),
            "x",
            &Taxonomy::default(),
        )
        .unwrap_err();
        assert!(e[0].message.starts_with("Nothing was changed"));
    }
}
