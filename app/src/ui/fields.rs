//! Form components in the GOV.UK Design System's shape: a label (or legend) per field, hints
//! and errors tied to it with aria-describedby, error messages beside the field, radios and
//! checkboxes in fieldsets. Each reads and writes the journey's state (`Form` context).

use super::journey::Form;
use leptos::prelude::*;

fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{name}-hint"));
    }
    if error {
        ids.push(format!("{name}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

#[component]
fn ErrorMessage(name: &'static str) -> impl IntoView {
    let form = expect_context::<Form>();
    move || {
        form.error(name).map(|m| {
            view! {
                <p id=format!("{name}-error") class="error-message">
                    <span class="visually-hidden">"Error: "</span>
                    {m}
                </p>
            }
        })
    }
}

#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(default = "")] width: &'static str,
    #[prop(optional)] no_spellcheck: bool,
) -> impl IntoView {
    let form = expect_context::<Form>();
    let has_error = move || form.error(name).is_some();
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <label class="label" for=name>{label}</label>
            {hint.map(|h| view! { <div id=format!("{name}-hint") class="hint">{h}</div> })}
            <ErrorMessage name/>
            <input
                class=format!("input {width}")
                class:input--error=has_error
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                spellcheck=no_spellcheck.then_some("false")
                aria-describedby=move || described_by(name, hint.is_some(), has_error())
                value=move || form.value(name)
                prop:value=move || form.value(name)
                on:input=move |ev| form.set(name, &event_target_value(&ev))
            />
        </div>
    }
}

#[component]
pub fn TextArea(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = 5)] rows: u32,
    #[prop(optional)] heading: bool,
) -> impl IntoView {
    let form = expect_context::<Form>();
    let has_error = move || form.error(name).is_some();
    let label_view = if heading {
        view! { <h2 class="label-wrapper"><label class="label label--m" for=name>{label}</label></h2> }.into_any()
    } else {
        view! { <label class="label" for=name>{label}</label> }.into_any()
    };
    view! {
        <div class="form-group" class:form-group--error=has_error>
            {label_view}
            {hint.map(|h| view! { <div id=format!("{name}-hint") class="hint">{h}</div> })}
            <ErrorMessage name/>
            <textarea
                class="textarea"
                class:input--error=has_error
                id=name
                name=name
                rows=rows
                aria-describedby=move || described_by(name, hint.is_some(), has_error())
                prop:value=move || form.value(name)
                on:input=move |ev| form.set(name, &event_target_value(&ev))
            >
                {form.value_untracked(name)}
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

#[component]
pub fn Radios(
    name: &'static str,
    legend: String,
    #[prop(optional)] hint: Option<&'static str>,
    choices: Vec<Choice>,
    #[prop(optional)] inline: bool,
    #[prop(optional)] legend_heading: bool,
) -> impl IntoView {
    let form = expect_context::<Form>();
    let has_error = move || form.error(name).is_some();
    let legend_view = if legend_heading {
        view! { <legend class="fieldset__legend fieldset__legend--l"><h1 class="fieldset__heading">{legend}</h1></legend> }.into_any()
    } else {
        view! { <legend class="fieldset__legend fieldset__legend--s">{legend}</legend> }.into_any()
    };
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <fieldset class="fieldset" aria-describedby=move || described_by(name, hint.is_some(), has_error())>
                {legend_view}
                {hint.map(|h| view! { <div id=format!("{name}-hint") class="hint">{h}</div> })}
                <ErrorMessage name/>
                <div class="radios" class:radios--inline=inline>
                    {choices
                        .into_iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let id = choice_id(name, i);
                            let hint_id = c.hint.as_ref().map(|_| format!("{id}-hint"));
                            let value = c.value.clone();
                            let checked = {
                                let value = value.clone();
                                move || form.value(name) == value
                            };
                            let on_change = {
                                let value = value.clone();
                                move |_| form.set(name, &value)
                            };
                            view! {
                                <div class="radios__item">
                                    <input
                                        class="radios__input"
                                        id=id.clone()
                                        name=name
                                        type="radio"
                                        value=value
                                        aria-describedby=hint_id.clone()
                                        checked=checked.clone()
                                        prop:checked=checked
                                        on:change=on_change
                                    />
                                    <label class="label radios__label" for=id>{c.label}</label>
                                    {c.hint.map(|h| view! { <div id=hint_id class="hint radios__hint">{h}</div> })}
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// A yes/no question as two inline radios.
#[component]
pub fn YesNo(
    name: &'static str,
    legend: String,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let choices = vec![Choice::new("yes", "Yes"), Choice::new("no", "No")];
    view! { <Radios name legend hint=hint.unwrap_or_default() choices inline=true/> }
}

/// A single checkbox (a consent or an opt-out), posting "yes" when ticked.
#[component]
pub fn Checkbox(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let form = expect_context::<Form>();
    let has_error = move || form.error(name).is_some();
    let checked = move || form.value(name) == "yes";
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <ErrorMessage name/>
            <div class="checkboxes">
                <div class="checkboxes__item">
                    <input
                        class="checkboxes__input"
                        id=name
                        name=name
                        type="checkbox"
                        value="yes"
                        aria-describedby=move || described_by(name, hint.is_some(), has_error())
                        checked=checked
                        prop:checked=checked
                        on:change=move |ev| form.set(name, if event_target_checked(&ev) { "yes" } else { "" })
                    />
                    <label class="label checkboxes__label" for=name>{label}</label>
                    {hint.map(|h| view! { <div id=format!("{name}-hint") class="hint checkboxes__hint">{h}</div> })}
                </div>
            </div>
        </div>
    }
}

/// The wanted outcomes: several may be ticked.
#[component]
pub fn OutcomeCheckboxes(
    legend: &'static str,
    hint: &'static str,
    choices: Vec<Choice>,
) -> impl IntoView {
    let name = "outcomes_wanted";
    let form = expect_context::<Form>();
    let has_error = move || form.error(name).is_some();
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <fieldset class="fieldset" aria-describedby=move || described_by(name, true, has_error())>
                <legend class="fieldset__legend fieldset__legend--s">{legend}</legend>
                <div id="outcomes_wanted-hint" class="hint">{hint}</div>
                <ErrorMessage name/>
                <div class="checkboxes">
                    {choices
                        .into_iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let id = choice_id(name, i);
                            let value = c.value.clone();
                            let checked = {
                                let value = value.clone();
                                move || form.has_outcome(&value)
                            };
                            let on_change = {
                                let value = value.clone();
                                move |ev| form.toggle_outcome(&value, event_target_checked(&ev))
                            };
                            view! {
                                <div class="checkboxes__item">
                                    <input
                                        class="checkboxes__input"
                                        id=id.clone()
                                        name=name
                                        type="checkbox"
                                        value=value
                                        checked=checked.clone()
                                        prop:checked=checked
                                        on:change=on_change
                                    />
                                    <label class="label checkboxes__label" for=id>{c.label}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        </div>
    }
}
