//! The journey's state as the page's fields see it: one value shared by every field of the
//! form, and what the draft on this device keeps.

use super::fields::Field;
use crate::flow::{field_value, set_field, JourneyState};
use leptos::prelude::*;

/// The journey's state, shared by every field on the page.
#[derive(Clone, Copy)]
pub struct Form {
    pub state: RwSignal<JourneyState>,
    /// True once the WebAssembly runs: conditional questions then hide until needed.
    pub js: RwSignal<bool>,
    /// What the draft on this device is doing, for the one-line notice.
    pub draft_notice: RwSignal<Option<String>>,
    /// A send is out (double taps and retries wait for it).
    pub sending: RwSignal<bool>,
}

impl Form {
    pub fn value(&self, name: &str) -> String {
        self.state.with(|s| field_value(&s.input, name))
    }

    pub fn value_untracked(&self, name: &str) -> String {
        self.state.with_untracked(|s| field_value(&s.input, name))
    }

    pub fn set(&self, name: &str, value: &str) {
        self.state.update(|s| set_field(&mut s.input, name, value));
    }

    pub fn error(&self, name: &str) -> Option<String> {
        self.state.with(|s| {
            s.errors
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.message.clone())
        })
    }

    pub fn has_outcome(&self, id: &str) -> bool {
        self.state
            .with(|s| s.input.outcomes_wanted.iter().flatten().any(|o| o == id))
    }

    /// The field `name` of the journey, for the field components.
    pub fn field(&self, name: &'static str) -> Field {
        let form = *self;
        Field::bound(
            name,
            Signal::derive(move || form.value(name)),
            Signal::derive(move || form.error(name)),
            Callback::new(move |v: String| form.set(name, &v)),
        )
    }
}
