//! Form components in the GOV.UK Design System's shape: a label (or legend) per field, hints
//! and errors tied to it with aria-describedby, error messages beside the field, radios and
//! checkboxes in fieldsets, and the error summary that links to each field.
//!
//! A component is given a `Field`: its name, value and error, and how to change it. The
//! public journey binds fields to its state (`Form::field`); pages rendered on the server only
//! (the staff pages, which ship no script) give plain values with `Field::fixed`.

use super::words::words;
use crate::domain::FieldError;
use leptos::prelude::*;

/// One field as a component sees it.
#[derive(Clone, Copy)]
pub struct Field {
    /// The form field's `name`, also its `id` (so an error summary link lands on it).
    pub name: &'static str,
    value: Signal<String>,
    error: Signal<Option<String>>,
    /// How typing changes it; none where the page has no script.
    on_change: Option<Callback<String>>,
}

impl Field {
    pub fn bound(
        name: &'static str,
        value: Signal<String>,
        error: Signal<Option<String>>,
        on_change: Callback<String>,
    ) -> Field {
        Field {
            name,
            value,
            error,
            on_change: Some(on_change),
        }
    }

    /// A field with a value and the error `errors` has for it, for a page rendered once.
    pub fn fixed(name: &'static str, value: impl Into<String>, errors: &[FieldError]) -> Field {
        let error = errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone());
        Field {
            name,
            value: Signal::stored(value.into()),
            error: Signal::stored(error),
            on_change: None,
        }
    }

    fn value(&self) -> String {
        self.value.get()
    }

    fn has_error(&self) -> bool {
        self.error.with(Option::is_some)
    }

    fn set(&self, value: String) {
        if let Some(f) = self.on_change {
            f.run(value);
        }
    }

    fn described_by(&self, hint: bool) -> Option<String> {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{}-hint", self.name));
        }
        if self.has_error() {
            ids.push(format!("{}-error", self.name));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

fn error_message(field: Field) -> impl IntoView {
    // The domain words its messages in English; shown in the page's language.
    let w = words();
    move || {
        field.error.get().map(|m| {
            view! {
                <p id=format!("{}-error", field.name) class="error-message">
                    <span class="visually-hidden">{t!(w, "Error: ")}</span>
                    {w.text(&m)}
                </p>
            }
        })
    }
}

fn hint_view(field: Field, hint: Option<&'static str>, class: &'static str) -> impl IntoView {
    hint.map(|h| view! { <div id=format!("{}-hint", field.name) class=class>{h}</div> })
}

#[component]
pub fn TextField(
    field: Field,
    #[prop(into)] label: String,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(default = "")] width: &'static str,
    #[prop(optional)] no_spellcheck: bool,
) -> impl IntoView {
    let name = field.name;
    view! {
        <div class="form-group" class:form-group--error=move || field.has_error()>
            <label class="label" for=name>{label}</label>
            {hint_view(field, hint, "hint")}
            {error_message(field)}
            <input
                class=format!("input {width}")
                class:input--error=move || field.has_error()
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                spellcheck=no_spellcheck.then_some("false")
                aria-describedby=move || field.described_by(hint.is_some())
                value=move || field.value()
                prop:value=move || field.value()
                on:input=move |ev| field.set(event_target_value(&ev))
            />
        </div>
    }
}

#[component]
pub fn TextArea(
    field: Field,
    #[prop(into)] label: String,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = 5)] rows: u32,
    #[prop(optional)] heading: bool,
    /// For a box the browser can fill in, like an address ("street-address").
    #[prop(optional)]
    autocomplete: Option<&'static str>,
) -> impl IntoView {
    let name = field.name;
    // tachys writes a <textarea>'s children as they are (raw text, as for <script>), so on the
    // server the value is escaped here: otherwise an answer holding "</textarea>" would end the
    // box and the rest of it become markup in a staff page. In the browser it is a text node.
    #[cfg(feature = "ssr")]
    let initial = html_escape::encode_text(&field.value.get_untracked()).into_owned();
    #[cfg(not(feature = "ssr"))]
    let initial = field.value.get_untracked();
    let label_view = if heading {
        view! { <h2 class="label-wrapper"><label class="label label--m" for=name>{label}</label></h2> }.into_any()
    } else {
        view! { <label class="label" for=name>{label}</label> }.into_any()
    };
    view! {
        <div class="form-group" class:form-group--error=move || field.has_error()>
            {label_view}
            {hint_view(field, hint, "hint")}
            {error_message(field)}
            <textarea
                class="textarea"
                class:input--error=move || field.has_error()
                id=name
                name=name
                rows=rows
                autocomplete=autocomplete
                aria-describedby=move || field.described_by(hint.is_some())
                prop:value=move || field.value()
                on:input=move |ev| field.set(event_target_value(&ev))
            >
                {initial}
            </textarea>
        </div>
    }
}

/// One choice of a set of radios or checkboxes: value, label, hint.
#[derive(Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Choice {
        self.hint = Some(hint.into());
        self
    }
}

/// The id of the n-th input of a group: the first carries the field's name, so the error
/// summary's link lands on it.
fn choice_id(name: &str, i: usize) -> String {
    if i == 0 {
        name.to_string()
    } else {
        format!("{name}-{}", i + 1)
    }
}

/// Radios (one answer) or checkboxes (several, the field's value holding one per line).
fn choices_view(field: Field, choices: Vec<Choice>, multiple: bool) -> impl IntoView {
    let name = field.name;
    let (input_type, item) = if multiple {
        ("checkbox", "checkboxes")
    } else {
        ("radio", "radios")
    };
    choices
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let id = choice_id(name, i);
            let hint_id = c.hint.as_ref().map(|_| format!("{id}-hint"));
            let value = c.value.clone();
            let checked = {
                let value = value.clone();
                move || field.value.with(|v| v.lines().any(|l| l == value))
            };
            let on_change = {
                let value = value.clone();
                move |ev| {
                    let new = if multiple {
                        let on = event_target_checked(&ev);
                        field
                            .value
                            .with_untracked(|v| crate::flow::toggle_choice(v, &value, on))
                    } else {
                        value.clone()
                    };
                    field.set(new);
                }
            };
            view! {
                <div class=format!("{item}__item")>
                    <input
                        class=format!("{item}__input")
                        id=id.clone()
                        name=name
                        type=input_type
                        value=value
                        aria-describedby=hint_id.clone()
                        checked=checked.clone()
                        prop:checked=checked
                        on:change=on_change
                    />
                    <label class=format!("label {item}__label") for=id>{c.label}</label>
                    {c.hint.map(|h| view! { <div id=hint_id class=format!("hint {item}__hint")>{h}</div> })}
                </div>
            }
        })
        .collect_view()
}

#[component]
pub fn Radios(
    field: Field,
    #[prop(into)] legend: String,
    #[prop(optional)] hint: Option<&'static str>,
    choices: Vec<Choice>,
    #[prop(optional)] inline: bool,
    #[prop(optional)] legend_heading: bool,
) -> impl IntoView {
    let legend_view = if legend_heading {
        view! { <legend class="fieldset__legend fieldset__legend--l"><h1 class="fieldset__heading">{legend}</h1></legend> }.into_any()
    } else {
        view! { <legend class="fieldset__legend fieldset__legend--s">{legend}</legend> }.into_any()
    };
    view! {
        <div class="form-group" class:form-group--error=move || field.has_error()>
            <fieldset class="fieldset" aria-describedby=move || field.described_by(hint.is_some())>
                {legend_view}
                {hint_view(field, hint, "hint")}
                {error_message(field)}
                <div class="radios" class:radios--inline=inline>
                    {choices_view(field, choices, false)}
                </div>
            </fieldset>
        </div>
    }
}

/// Several answers may be ticked; the field's value holds one per line.
#[component]
pub fn Checkboxes(
    field: Field,
    #[prop(into)] legend: String,
    #[prop(optional)] hint: Option<&'static str>,
    choices: Vec<Choice>,
) -> impl IntoView {
    view! {
        <div class="form-group" class:form-group--error=move || field.has_error()>
            <fieldset class="fieldset" aria-describedby=move || field.described_by(hint.is_some())>
                <legend class="fieldset__legend fieldset__legend--s">{legend}</legend>
                {hint_view(field, hint, "hint")}
                {error_message(field)}
                <div class="checkboxes">
                    {choices_view(field, choices, true)}
                </div>
            </fieldset>
        </div>
    }
}

/// The answers to a yes/no question (shown as two inline radios).
pub fn yes_no() -> Vec<Choice> {
    vec![Choice::new("yes", t!("Yes")), Choice::new("no", t!("No"))]
}

/// A single checkbox (a consent, an opt-out, a confirmation), posting "yes" when ticked.
#[component]
pub fn Checkbox(
    field: Field,
    #[prop(into)] label: String,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let name = field.name;
    let checked = move || field.value.with(|v| v == "yes");
    view! {
        <div class="form-group" class:form-group--error=move || field.has_error()>
            {error_message(field)}
            <div class="checkboxes">
                <div class="checkboxes__item">
                    <input
                        class="checkboxes__input"
                        id=name
                        name=name
                        type="checkbox"
                        value="yes"
                        aria-describedby=move || field.described_by(hint.is_some())
                        checked=checked
                        prop:checked=checked
                        on:change=move |ev| field.set(if event_target_checked(&ev) { "yes" } else { "" }.to_string())
                    />
                    <label class="label checkboxes__label" for=name>{label}</label>
                    {hint_view(field, hint, "hint checkboxes__hint")}
                </div>
            </div>
        </div>
    }
}

/// A drop-down list (staff pages: handlers, note kinds). GOV.UK advises radios for the public.
#[component]
pub fn Select(
    field: Field,
    #[prop(into)] label: String,
    #[prop(optional)] hint: Option<&'static str>,
    choices: Vec<Choice>,
) -> impl IntoView {
    let name = field.name;
    view! {
        <div class="form-group" class:form-group--error=move || field.has_error()>
            <label class="label" for=name>{label}</label>
            {hint_view(field, hint, "hint")}
            {error_message(field)}
            <select class="select" id=name name=name aria-describedby=move || field.described_by(hint.is_some())>
                {choices.into_iter().map(|c| {
                    let selected = field.value.with_untracked(|v| *v == c.value);
                    view! { <option value=c.value selected=selected>{c.label}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// "There is a problem", linking to each field (GOV.UK error summary); `problem` is one not
/// tied to a field. Following a link focuses the field itself, as GOV.UK's summary does.
#[component]
pub fn ErrorSummary(
    #[prop(into)] errors: Signal<Vec<FieldError>>,
    #[prop(into, optional)] problem: Signal<Option<String>>,
) -> impl IntoView {
    let w = words();
    move || {
        let (errors, problem) = (errors.get(), problem.get());
        (!errors.is_empty() || problem.is_some()).then(|| {
            view! {
                <div id="error-summary" class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
                    <h2 id="error-summary-title" class="error-summary__title">{t!(w, "There is a problem")}</h2>
                    <ul class="error-summary__list">
                        {problem.map(|p| view! { <li>{w.text(&p)}</li> })}
                        {errors
                            .into_iter()
                            .map(|e| {
                                let href = if e.field.is_empty() { "#main".to_string() } else { format!("#{}", e.field) };
                                let field = e.field;
                                view! {
                                    <li>
                                        <a href=href on:click=move |ev| {
                                            ev.prevent_default();
                                            focus_field(&field);
                                        }>{w.text(&e.message)}</a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// Focuses a field and brings its label (or legend) into view.
pub fn focus_field(_id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let doc = document();
        if let Some(el) = doc
            .get_element_by_id(_id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let label = el
                .closest("fieldset")
                .ok()
                .flatten()
                .or_else(|| el.closest(".form-group").ok().flatten());
            match label {
                Some(l) => l.scroll_into_view(),
                None => el.scroll_into_view(),
            }
            let _ = el.focus();
        }
    }
}
