//! The draft kept on this device (browser local storage): restored on return, saved as the
//! person types, deleted 30 days after it was started, on sending, or when they ask. Nothing
//! of it goes to the server until they send the complaint.

use super::form::Form;
use super::words::words;
use crate::flow::{Draft, DraftFound, JourneyState, DRAFT_STORAGE_KEY};
use crate::i18n::{Lang, Words};
use chrono::Utc;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use uuid::Uuid;

fn unavailable(w: &Words) -> String {
    t!(w, "Your answers cannot be saved on this device (for example in private browsing), so finish your complaint in one go.").to_string()
}

fn storage() -> Option<web_sys::Storage> {
    // Reading `localStorage` itself throws where storage is blocked.
    window().local_storage().ok().flatten()
}

fn read() -> Option<String> {
    storage()?.get_item(DRAFT_STORAGE_KEY).ok().flatten()
}

fn remove() {
    // gloo-storage panics where the storage itself is out of reach (a framed page whose
    // browser blocks third-party storage), so it is asked only once storage answers.
    if storage().is_some() {
        LocalStorage::delete(DRAFT_STORAGE_KEY);
    }
}

/// Whether this device keeps drafts (so a complaint can wait here to be sent).
pub fn can_keep() -> bool {
    storage().is_some()
}

/// Saves `draft`; false if the device will not keep it (blocked, or full).
fn write(draft: &Draft) -> bool {
    let Some(s) = storage() else { return false };
    s.set_item(DRAFT_STORAGE_KEY, &draft.to_stored()).is_ok()
}

/// "24 December 2026" ("24 Rhagfyr 2026"): the day in the UK, by the browser's own time-zone
/// rules (so the WebAssembly carries no time-zone tables for this one sentence).
fn uk_day(t: chrono::DateTime<Utc>, lang: Lang) -> String {
    use wasm_bindgen::JsValue;
    let options = js_sys::Object::new();
    for (k, v) in [
        ("timeZone", "Europe/London"),
        ("day", "numeric"),
        ("month", "long"),
        ("year", "numeric"),
    ] {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    js_sys::Date::new(&JsValue::from_f64(t.timestamp_millis() as f64))
        .to_locale_date_string(lang.html(), &options)
        .into()
}

fn expiry_notice(d: &Draft, w: &Words) -> String {
    tf!(w, "Your answers are saved on this device as a draft until {date}, 30 days from when you started.",
        &[("date", uk_day(d.expires_at(), w.lang))],
    )
}

pub fn keep_drafts(form: Form) {
    let w = words();
    // When this journey's draft was started, keyed by the journey's idempotency key, so that a
    // deleted draft's start is never carried over to a new one.
    let started = RwSignal::new(None::<(Uuid, chrono::DateTime<Utc>)>);
    let storage_ok = RwSignal::new(true);

    // Once, after hydration: restore a draft unless this page already carries answers (a
    // form post rendered by the server) or a sent complaint.
    Effect::new(move |_| {
        let fresh = form
            .state
            .with_untracked(|s| s.sent.is_none() && s.input == Default::default());
        let now = Utc::now();
        match read().map(|stored| Draft::restore(&stored, now)) {
            Some(DraftFound::Restored(d)) if fresh => {
                form.draft_notice.set(Some(format!(
                    "{} {}",
                    t!(w, "We have restored the answers you saved on this device."),
                    expiry_notice(&d, &w)
                )));
                started.set(Some((d.key, d.started_at)));
                form.state.update(|s| {
                    s.input = d.input.clone();
                    s.key = d.key;
                    s.waiting = d.waiting;
                });
            }
            Some(DraftFound::Restored(_)) => {}
            Some(DraftFound::Expired) | Some(DraftFound::Unusable) => remove(),
            None => {}
        }
        if storage().is_none() {
            storage_ok.set(false);
            form.draft_notice.set(Some(unavailable(&w)));
        }
    });

    // Save as they type; delete once sent.
    Effect::new(move |_| {
        let (input, key, sent, waiting) = form
            .state
            .with(|s| (s.input.clone(), s.key, s.sent.is_some(), s.waiting));
        if sent {
            remove();
            return;
        }
        if input == Default::default() || !storage_ok.get_untracked() {
            return;
        }
        let now = Utc::now();
        let started_at = started
            .get_untracked()
            .filter(|(k, _)| *k == key)
            .map(|(_, t)| t)
            .unwrap_or(now);
        // A draft past its 30 days is not extended by typing into it: it starts again.
        let mut draft = Draft::new(started_at, key);
        if now >= draft.expires_at() {
            draft = Draft::new(now, key);
        }
        draft.input = input;
        draft.waiting = waiting;
        if write(&draft) {
            if started
                .get_untracked()
                .is_none_or(|(k, t)| k != key || t != draft.started_at)
            {
                started.set(Some((key, draft.started_at)));
                form.draft_notice.set(Some(expiry_notice(&draft, &w)));
            }
        } else {
            storage_ok.set(false);
            form.draft_notice.set(Some(unavailable(&w)));
        }
    });
}

/// "Delete my draft": removes it from the device and empties the form.
pub fn delete_draft(form: Form, w: Words) {
    remove();
    form.state.set(JourneyState::fresh(Uuid::new_v4()));
    form.draft_notice.set(Some(
        t!(w, "Your draft has been deleted from this device.").to_string(),
    ));
}
