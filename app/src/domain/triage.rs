//! Triage on receipt (seed 004 §18, §22–§26): which team, whether it is a complaint or a
//! breach report, and what needs doing before the investigation can start.

use super::complaint::{BreachStatus, Channel, Complaint, OnBehalfOf};
use super::taxonomy::{Nature, Taxonomy};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    Complaint,
    /// A breach reported before the person had the breach outcome: recorded and handled as a
    /// breach, not counted as a complaint (004 §18).
    BreachReport,
}

impl CaseKind {
    pub fn id(self) -> &'static str {
        match self {
            CaseKind::Complaint => "complaint",
            CaseKind::BreachReport => "breach_report",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseKind::Complaint => "Complaint",
            CaseKind::BreachReport => "Breach report",
        }
    }

    pub fn parse(s: &str) -> Option<CaseKind> {
        [CaseKind::Complaint, CaseKind::BreachReport]
            .into_iter()
            .find(|k| k.id() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TriageFlags {
    /// Identity (or authority to act) must be verified first (004 §23, §28b).
    pub identity_check: bool,
    /// The scope is unclear and must be clarified promptly (004 §24, §25).
    pub clarification_needed: bool,
    /// Also about the service itself: hand over to the corporate complaints procedure (004 §9, §26).
    pub corporate_handover: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Triage {
    pub team: String,
    pub kind: CaseKind,
    pub flags: TriageFlags,
}

/// Below this many characters a description rarely says enough to scope an investigation.
pub const SHORT_DESCRIPTION: usize = 50;

/// `complaint.category` must come from `taxonomy` (as `Complaint::parse` ensures).
pub fn triage(complaint: &Complaint, channel: Channel, taxonomy: &Taxonomy) -> Triage {
    let category = taxonomy
        .category(&complaint.category)
        .expect("a parsed complaint names a category of the taxonomy it was parsed with");
    // SPEC "Categories and triage": a breach report only where the person says a breach
    // happened (a breach category, or "yes" where one is possible) and they have not had the
    // breach outcome; everything else is a complaint, with its deadlines.
    let breach = category.nature == Nature::Breach || complaint.breach_happened == Some(true);
    let kind = match (breach, complaint.breach_status) {
        (true, Some(BreachStatus::OutcomeReceived)) => CaseKind::Complaint,
        (true, _) => CaseKind::BreachReport,
        _ => CaseKind::Complaint,
    };
    let for_someone_else = matches!(complaint.on_behalf_of, OnBehalfOf::SomeoneElse { .. });
    let flags = TriageFlags {
        identity_check: for_someone_else
            || category.discloses_personal_data
            || channel == Channel::SocialMedia,
        clarification_needed: category.nature == Nature::Unsure
            || complaint.description.as_str().chars().count() < SHORT_DESCRIPTION,
        corporate_handover: complaint.also_about_service,
    };
    Triage {
        team: category.team.clone(),
        kind,
        flags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::complaint::ComplaintInput;
    use crate::domain::taxonomy::{CIT, IG};

    fn triaged(input: ComplaintInput, channel: Channel) -> Triage {
        let t = Taxonomy::default();
        triage(&Complaint::parse(&input, &t).unwrap(), channel, &t)
    }

    fn with_category(id: &str) -> ComplaintInput {
        ComplaintInput {
            category: Some(id.into()),
            breach_status: Some("outcome_received".into()),
            ..ComplaintInput::example()
        }
    }

    #[test]
    fn every_category_goes_to_its_team() {
        let t = Taxonomy::default();
        for c in &t.categories {
            let r = triaged(with_category(&c.id), Channel::Online);
            let want = if c.nature == Nature::InformationRights {
                CIT
            } else {
                IG
            };
            assert_eq!(r.team, want, "{}", c.id);
        }
    }

    #[test]
    fn a_configured_team_table_is_followed() {
        let t = Taxonomy::default()
            .with_team_overrides([("subject_access", IG)])
            .unwrap();
        let c = Complaint::parse(&ComplaintInput::example(), &t).unwrap();
        assert_eq!(triage(&c, Channel::Online, &t).team, IG);
    }

    #[test]
    fn a_breach_is_a_complaint_only_after_the_breach_outcome() {
        let breach = |status: &str| ComplaintInput {
            category: Some("personal_data_breach".into()),
            breach_status: Some(status.into()),
            ..ComplaintInput::example()
        };
        assert_eq!(
            triaged(breach("outcome_received"), Channel::Online).kind,
            CaseKind::Complaint
        );
        assert_eq!(
            triaged(breach("reported_awaiting_outcome"), Channel::Online).kind,
            CaseKind::BreachReport
        );
        assert_eq!(
            triaged(breach("not_reported"), Channel::Online).kind,
            CaseKind::BreachReport
        );
        assert_eq!(
            triaged(ComplaintInput::example(), Channel::Online).kind,
            CaseKind::Complaint
        );
    }

    /// SPEC "Categories and triage" (004 §18, §11c, "At a glance"): a breach report only where
    /// the person says a breach happened (the breach category, or "yes" to the question asked
    /// where one is possible: sharing, security) and has not had the breach outcome; every
    /// other answer, and every other category, is a complaint with its deadlines (issue 22:
    /// sharing and security complaints were breach reports, left out of the count and untimed).
    #[test]
    fn a_breach_report_only_where_a_breach_happened_and_everything_else_is_a_complaint() {
        let t = Taxonomy::default();
        for c in &t.categories {
            for happened in [None, Some(false), Some(true)] {
                for status in [
                    None,
                    Some("not_reported"),
                    Some("reported_awaiting_outcome"),
                    Some("outcome_received"),
                ] {
                    let input = ComplaintInput {
                        category: Some(c.id.clone()),
                        breach_happened: happened,
                        breach_status: status.map(str::to_string),
                        ..ComplaintInput::example()
                    };
                    let breach = c.id == "personal_data_breach"
                        || (matches!(c.id.as_str(), "data_sharing" | "security")
                            && happened == Some(true));
                    let Ok(parsed) = Complaint::parse(&input, &t) else {
                        // The breach category without the outcome question answered: asked,
                        // never guessed.
                        assert!(
                            c.id == "personal_data_breach" && status.is_none(),
                            "{} {happened:?} {status:?}",
                            c.id
                        );
                        continue;
                    };
                    let want = if breach && status != Some("outcome_received") {
                        CaseKind::BreachReport
                    } else {
                        CaseKind::Complaint
                    };
                    assert_eq!(
                        triage(&parsed, Channel::Online, &t).kind,
                        want,
                        "{} {happened:?} {status:?}",
                        c.id
                    );
                }
            }
        }
    }

    #[test]
    fn identity_is_checked_for_someone_else_for_disclosures_and_for_social_media() {
        let plain = with_category("retention");
        assert!(!triaged(plain.clone(), Channel::Online).flags.identity_check);
        let other = ComplaintInput {
            on_behalf_of: Some("someone_else".into()),
            other_person_name: Some("Pat".into()),
            other_person_relationship: Some("Son".into()),
            other_person_agreed: Some(true),
            ..plain.clone()
        };
        assert!(triaged(other, Channel::Online).flags.identity_check);
        assert!(
            triaged(with_category("subject_access"), Channel::Online)
                .flags
                .identity_check
        );
        assert!(
            triaged(plain.clone(), Channel::SocialMedia)
                .flags
                .identity_check
        );
        let mp = ComplaintInput {
            on_behalf_of: Some("mp".into()),
            mp_name: Some("A Member".into()),
            ..plain
        };
        assert!(!triaged(mp, Channel::Online).flags.identity_check);
    }

    #[test]
    fn clarification_when_unsure_or_too_little_said() {
        assert!(
            !triaged(with_category("retention"), Channel::Online)
                .flags
                .clarification_needed
        );
        assert!(
            triaged(with_category("not_sure"), Channel::Online)
                .flags
                .clarification_needed
        );
        let short = ComplaintInput {
            description: Some("They lost my file.".into()),
            ..with_category("retention")
        };
        assert!(triaged(short, Channel::Online).flags.clarification_needed);
    }

    #[test]
    fn corporate_handover_when_also_about_the_service() {
        assert!(
            !triaged(ComplaintInput::example(), Channel::Online)
                .flags
                .corporate_handover
        );
        let both = ComplaintInput {
            also_about_service: Some(true),
            ..ComplaintInput::example()
        };
        assert!(triaged(both, Channel::Online).flags.corporate_handover);
    }
}
