//! What a complaint can be about, and which team handles it (seed 004 §19, §22, "At a glance").
//! Both lists are configuration; these are the defaults of SPEC.md.

use serde::{Deserialize, Serialize};

/// What kind of matter a category is, which drives triage. Configuration may rename and
/// re-team categories, but the nature says what the rules of the procedure make of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    /// Handling of a subject access or other statutory rights request.
    InformationRights,
    /// A personal data breach (a breach report unless the breach outcome was already received).
    Breach,
    /// Any other data protection concern.
    General,
    /// The person does not know which category fits: clarification is needed (004 §24, §25).
    Unsure,
}

impl Nature {
    const ALL: [Nature; 4] = [
        Nature::InformationRights,
        Nature::Breach,
        Nature::General,
        Nature::Unsure,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Nature::InformationRights => "information_rights",
            Nature::Breach => "breach",
            Nature::General => "general",
            Nature::Unsure => "unsure",
        }
    }

    pub fn parse(s: &str) -> Option<Nature> {
        Nature::ALL.into_iter().find(|n| n.id() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    /// Plain words, as the public sees them in the form.
    pub label: String,
    pub team: String,
    pub nature: Nature,
    /// Handling it will mean disclosing personal data, so identity is checked first (004 §23).
    #[serde(default)]
    pub discloses_personal_data: bool,
    /// Complaints of this category may be about a personal data breach (information lost,
    /// stolen or disclosed), so the form asks whether one happened (SPEC "Categories and
    /// triage"). A breach category says so itself.
    #[serde(default)]
    pub breach_possible: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    pub teams: Vec<Team>,
    pub categories: Vec<Category>,
}

pub const CIT: &str = "cit";
pub const IG: &str = "ig";

impl Default for Taxonomy {
    fn default() -> Self {
        use Nature::*;
        let c = |id: &str, label: &str, team: &str, nature: Nature, discloses: bool| Category {
            id: id.into(),
            label: label.into(),
            team: team.into(),
            nature,
            discloses_personal_data: discloses,
            // Sharing and security complaints may be about a breach: the answer decides.
            breach_possible: matches!(id, "data_sharing" | "security"),
        };
        Taxonomy {
            teams: vec![
                Team { id: CIT.into(), name: "Complaints and Information Team".into() },
                Team { id: IG.into(), name: "Information Governance Team".into() },
            ],
            categories: vec![
                c("subject_access", "How we handled your request for a copy of your information (a subject access request)", CIT, InformationRights, true),
                c("rectification", "How we handled your request to correct your information", CIT, InformationRights, false),
                c("erasure", "How we handled your request to delete your information", CIT, InformationRights, false),
                c("restriction", "How we handled your request to limit how we use your information", CIT, InformationRights, false),
                c("portability", "How we handled your request to move your information to another organisation", CIT, InformationRights, true),
                c("objection", "How we handled your objection to us using your information", CIT, InformationRights, false),
                c("automated_decisions", "How we handled your request about a decision made by a computer without a person", CIT, InformationRights, false),
                c("personal_data_breach", "Your information was lost, stolen, or sent or shown to the wrong person (a data breach)", IG, Breach, false),
                c("transparency", "We did not tell you clearly how we use your information", IG, General, false),
                // A complaint about sharing or security is a complaint (004 §11c, "At a glance";
                // SPEC "Intake"): only a breach the person says happened is a breach report.
                c("data_sharing", "We shared your information when we should not have", IG, General, false),
                c("retention", "We kept your information for too long", IG, General, false),
                c("lawful_basis", "We had no good reason to collect or use your information", IG, General, false),
                c("accuracy", "Information we hold about you is wrong", IG, General, false),
                c("profiling", "We used your information to build a profile of you or make predictions about you", IG, General, false),
                c("security", "We did not keep your information safe", IG, General, false),
                c("not_sure", "Something else, or you are not sure", IG, Unsure, false),
            ],
        }
    }
}

impl Taxonomy {
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The name of the team with this id, for people (the id itself if the taxonomy no longer
    /// has it: a case keeps the team it was given).
    pub fn team_name(&self, id: &str) -> String {
        self.team(id)
            .map_or_else(|| id.to_string(), |t| t.name.clone())
    }

    /// The label of the category with this id (the id itself if the taxonomy no longer has it).
    pub fn category_label(&self, id: &str) -> String {
        self.category(id)
            .map_or_else(|| id.to_string(), |c| c.label.clone())
    }

    pub fn team(&self, id: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.id == id)
    }

    /// Applies a configured category → team table on top of the current one.
    pub fn with_team_overrides<'a>(
        mut self,
        overrides: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, String> {
        for (category, team) in overrides {
            let c = self
                .categories
                .iter_mut()
                .find(|c| c.id == category)
                .ok_or_else(|| format!("the team table names an unknown category '{category}'"))?;
            c.team = team.to_string();
        }
        self.check()?;
        Ok(self)
    }

    /// A taxonomy from configuration must be coherent before the server starts with it.
    pub fn check(&self) -> Result<(), String> {
        if self.categories.is_empty() {
            return Err("there must be at least one category".into());
        }
        for (i, c) in self.categories.iter().enumerate() {
            if c.id.is_empty()
                || !c
                    .id
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
            {
                return Err(format!(
                    "category id '{}' must be lower-case letters, digits and _",
                    c.id
                ));
            }
            if self.categories[..i].iter().any(|o| o.id == c.id) {
                return Err(format!("category '{}' is listed twice", c.id));
            }
            if self.team(&c.team).is_none() {
                return Err(format!(
                    "category '{}' names an unknown team '{}'",
                    c.id, c.team
                ));
            }
        }
        for (i, t) in self.teams.iter().enumerate() {
            if self.teams[..i].iter().any(|o| o.id == t.id) {
                return Err(format!("team '{}' is listed twice", t.id));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_procedure() {
        let t = Taxonomy::default();
        t.check().unwrap();
        // Information rights go to C&IT (004 §19); everything else to IG.
        for c in &t.categories {
            let want = if c.nature == Nature::InformationRights {
                CIT
            } else {
                IG
            };
            assert_eq!(c.team, want, "{}", c.id);
        }
        // The breach question is asked only where the person says a breach happened (004 §18;
        // SPEC "Intake"): complaints about sharing or security are complaints.
        let breaches: Vec<&str> = t
            .categories
            .iter()
            .filter(|c| c.nature == Nature::Breach)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(breaches, vec!["personal_data_breach"]);
        assert!(
            t.category("subject_access")
                .unwrap()
                .discloses_personal_data
        );
    }

    #[test]
    fn names_and_labels_for_people_fall_back_to_the_id_a_case_kept() {
        let t = Taxonomy::default();
        assert_eq!(t.team_name("cit"), "Complaints and Information Team");
        assert_eq!(t.team_name("gone"), "gone");
        let label = t.category_label("subject_access");
        assert_ne!(label, "subject_access");
        assert_eq!(t.category_label("gone"), "gone");
    }

    #[test]
    fn overrides_move_a_category_and_are_checked() {
        let t = Taxonomy::default()
            .with_team_overrides([("retention", CIT)])
            .unwrap();
        assert_eq!(t.category("retention").unwrap().team, CIT);
        assert!(Taxonomy::default()
            .with_team_overrides([("nope", CIT)])
            .is_err());
        assert!(Taxonomy::default()
            .with_team_overrides([("retention", "finance")])
            .is_err());
    }

    #[test]
    fn incoherent_taxonomies_are_refused() {
        let mut t = Taxonomy::default();
        t.categories.push(t.categories[0].clone());
        assert!(t.check().unwrap_err().contains("twice"));
        let mut t = Taxonomy::default();
        t.categories[0].id = "Bad Id".into();
        assert!(t.check().is_err());
    }
}
