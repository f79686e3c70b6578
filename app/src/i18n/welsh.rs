//! The translator's file against the code: every English text the public pages, letters and
//! emails can show has its Welsh, every Welsh text keeps the parts its English names, and the
//! file holds nothing the code no longer says.

use super::*;
use crate::domain::complaint::{
    messages as m, BreachStatus, Complaint, ComplaintInput, ContactMethod, WantedOutcome, WHO_FOR,
};
use crate::domain::taxonomy::Taxonomy;
use crate::flow::{JourneyState, Step};
use std::collections::BTreeSet;

fn cy_pairs() -> Vec<(String, String)> {
    po::parse(include_str!("../../locales/cy.po")).expect("cy.po reads")
}

fn cy() -> Words {
    Words::new(Lang::Cy, Box::leak(cy_pairs().into_boxed_slice()))
}

/// The English the code marks for translation, as the build found it (`app/build.rs`).
fn marked_in_code() -> BTreeSet<String> {
    marked::BROWSER
        .iter()
        .chain(marked::SERVER)
        .map(|s| s.to_string())
        .collect()
}

/// What the shared domain writes in English for the public pages to show.
fn from_the_domain() -> Vec<String> {
    let mut texts: Vec<String> = Vec::new();
    texts.extend(ContactMethod::ALL.iter().map(|c| c.label().to_string()));
    for (_, label, hint) in WHO_FOR {
        texts.push(label.into());
        texts.extend(hint.map(str::to_string));
    }
    texts.extend(BreachStatus::ALL.iter().map(|b| b.label().to_string()));
    texts.extend(WantedOutcome::ALL.iter().map(|(_, _, l)| l.to_string()));
    texts.extend(
        Step::QUESTIONS
            .iter()
            .chain(&[Step::Check, Step::Done])
            .map(|s| s.title().to_string()),
    );
    let taxonomy = Taxonomy::default();
    texts.extend(taxonomy.categories.iter().map(|c| c.label.clone()));
    texts.extend(taxonomy.teams.iter().map(|t| t.name.clone()));
    texts.push("Data Protection Officer".into()); // the default signatory
                                                  // The default council's name (a council adds its own Welsh name to the file).
    texts.push(crate::domain::letter::Organisation::default().name);
    texts.extend(crate::domain::casework::default_not_investigated_reasons());
    // Every refusal of an evidence file.
    {
        use crate::domain::evidence::{EvidenceLimits, Refusal};
        let max = EvidenceLimits::default().max_size_words();
        texts.extend(
            [
                Refusal::NoFile,
                Refusal::Empty,
                Refusal::TooBig { max },
                Refusal::KindNotAllowed,
                Refusal::TooMany { max: 10 },
                Refusal::Infected,
            ]
            .iter()
            .map(Refusal::message),
        );
    }
    texts.extend(
        [
            m::FULL_NAME,
            m::CONTACT,
            m::PREFERRED,
            m::PREFER_EMAIL,
            m::PREFER_PHONE,
            m::ADDRESS_LINE_1,
            m::POSTCODE,
            m::ON_BEHALF,
            m::OTHER_NAME,
            m::OTHER_RELATIONSHIP,
            m::OTHER_AGREED,
            m::MP_NAME,
            m::CONSTITUENT_NAME,
            m::CATEGORY,
            m::DESCRIPTION,
            m::BREACH,
            m::OUTCOMES,
            m::OUTCOME_OTHER,
            m::ALSO_SERVICE,
            m::CONSENT_HANDLE,
            m::CONSENT_SHARE,
            crate::domain::text::EMAIL_FORMAT,
            crate::domain::text::PHONE_FORMAT,
            crate::flow::WAITING,
            crate::flow::SEND_FAILED,
        ]
        .map(str::to_string),
    );
    // Every problem a field's text can have, with the label the domain gives it.
    let too_long = "a".repeat(20_000);
    let mut hostile = ComplaintInput {
        full_name: Some(too_long.clone()),
        address_line_1: Some(too_long.clone()),
        address_line_2: Some(too_long.clone()),
        address_town: Some(too_long.clone()),
        address_postcode: Some("ZZ".into()),
        email: Some("not an address".into()),
        phone: Some("call me".into()),
        adjustments: Some(too_long.clone()),
        on_behalf_of: Some("someone_else".into()),
        other_person_name: Some(too_long.clone()),
        other_person_relationship: Some(too_long.clone()),
        category: Some("nothing like this".into()),
        service: Some(too_long.clone()),
        happened_when: Some(too_long.clone()),
        description: Some(too_long.clone()),
        outcomes_wanted: Some(vec!["other".into(), "nothing like this".into()]),
        outcome_other: Some(too_long.clone()),
        ..ComplaintInput::default()
    };
    let mut errors = Complaint::parse(&hostile, &taxonomy).unwrap_err();
    hostile.on_behalf_of = Some("mp".into());
    hostile.mp_name = Some(too_long);
    hostile.full_name = Some("a\u{7}b".into());
    hostile.description = Some("a\u{7}b".into());
    hostile.email = Some("a\u{7}b@example.com".into());
    errors.extend(Complaint::parse(&hostile, &taxonomy).unwrap_err());
    // Through an MP: their contact details wrong, or the MP writing with no constituent.
    hostile.mp_email = Some("not an address".into());
    hostile.mp_address = Some("b".repeat(300));
    errors.extend(Complaint::parse(&hostile, &taxonomy).unwrap_err());
    hostile.mp_writing = Some(true);
    hostile.constituent_address = Some("c".repeat(20_000));
    errors.extend(Complaint::parse(&hostile, &taxonomy).unwrap_err());
    hostile.constituent_name = Some("d".repeat(20_000));
    errors.extend(Complaint::parse(&hostile, &taxonomy).unwrap_err());
    texts.extend(errors.into_iter().map(|e| e.message));
    let mut journey = JourneyState::default();
    journey.sent_before(
        crate::domain::reference::Reference::from_random(7),
        Default::default(),
    );
    texts.extend(journey.problem);
    texts
}

fn names(s: &str) -> BTreeSet<&str> {
    s.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

#[test]
fn the_build_finds_the_marked_texts_and_each_has_its_own_key() {
    // Texts of the pages the WebAssembly renders, of the server's, and of a letter.
    assert!(marked::BROWSER.contains(&"Tell us what we did or did not do with your information, and how it affected you. Do not include bank details or passwords."));
    assert!(marked::BROWSER.contains(&"Question {n} of {total}"));
    assert!(
        marked::SERVER.contains(&"Accessibility statement for the data protection complaint form")
    );
    assert!(marked::SERVER.contains(&"Dear {name},"));
    assert!(marked::BROWSER.len() > 100, "{}", marked::BROWSER.len());
    let keys: BTreeSet<u32> = marked::BROWSER.iter().map(|s| key(s)).collect();
    assert_eq!(
        keys.len(),
        marked::BROWSER.len(),
        "two marked texts share a key"
    );
    // The WebAssembly's key is the one the server gives the words under.
    assert_eq!(key("Back"), const { key("Back") });
    assert_ne!(key("Back"), key("Back "));
}

#[test]
fn the_browser_reads_marked_texts_by_key_and_the_domain_by_english() {
    let w = Words::in_browser(
        Lang::Cy,
        vec![
            ("Back".into(), "Yn ôl".into()),
            ("Start now".into(), String::new()),
            ("Enter your postcode".into(), "Rhowch eich cod post".into()),
        ],
    );
    assert_eq!(w.keyed(key("Back")), "Yn ôl");
    // No translation: the English the page was given.
    assert_eq!(w.keyed(key("Start now")), "Start now");
    assert_eq!(w.text("Enter your postcode"), "Rhowch eich cod post");
    assert_eq!(w.keyed(key("Not on the page")), "");
}

#[test]
fn every_text_the_code_marks_has_welsh() {
    let cy = cy();
    let missing: Vec<String> = marked_in_code()
        .into_iter()
        .filter(|en| cy.find(en).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "no Welsh in app/locales/cy.po for {missing:#?}"
    );
}

#[test]
fn every_text_the_domain_writes_for_the_public_reads_in_welsh() {
    let cy = cy();
    let untranslated: Vec<String> = from_the_domain()
        .into_iter()
        .filter(|en| cy.text(en) == *en)
        .collect();
    assert!(untranslated.is_empty(), "no Welsh for {untranslated:#?}");
    // A message with a label reads wholly in Welsh: the label too.
    assert_eq!(
        cy.text("Full name must be 200 characters or fewer"),
        "Enw llawn: rhaid defnyddio 200 nod neu lai"
    );
}

#[test]
fn welsh_keeps_every_part_and_the_file_has_nothing_stale() {
    let marked = marked_in_code();
    let domain: BTreeSet<String> = from_the_domain().into_iter().collect();
    for (en, cy) in cy_pairs() {
        assert_eq!(
            names(&en),
            names(&cy),
            "the Welsh of {en:?} must fill in the same parts in braces"
        );
        let used = marked.contains(&en)
            || domain.contains(&en)
            || domain
                .iter()
                .any(|d| match_shape(&en, d).is_some() || d.starts_with(&format!("{en} ")));
        assert!(
            used,
            "cy.po translates {en:?}, which the code no longer says"
        );
    }
}
