//! The complaint journey at `/complaint?step=…`. Every page is a plain HTML form that posts to
//! `/complaint`, so it works with no JavaScript; once the WebAssembly has loaded, the same form
//! is handled in the browser (steps change without a page load, answers are checked by the same
//! domain code, and a draft is kept on the device).

use super::fields::{
    yes_no, Checkbox, Checkboxes, Choice, ErrorSummary, Radios, TextArea, TextField,
};
use super::form::Form;
use super::location;
use super::words::{long_date, tr, words};
use super::SiteInfo;
use crate::domain::complaint::{
    BreachStatus, ComplaintInput, ContactMethod, OnBehalfOf, WantedOutcome, FIELD_ORDER, WHO_FOR,
};
use crate::domain::letter::{ICO_ADDRESS, ICO_HELPLINE};
use crate::domain::taxonomy::Nature;
use crate::domain::triage::CaseKind;
use crate::flow::{advance, field_value, JourneyState, Sent, Step, SubmitOutcome};
use leptos::prelude::*;
use uuid::Uuid;

/// Sends the complaint from the WebAssembly: a POST of the answers in the widget's own format
/// (`domain::lines`, nothing in the URL). Its media type is not one a form may send, so a page
/// on another site cannot post it without the browser first asking this server, which says no.
/// `Err` when no outcome came: no answer at all (offline), or a refusal (too many, down).
#[cfg(feature = "hydrate")]
async fn submit_complaint(input: ComplaintInput, key: Uuid) -> Result<SubmitOutcome, Failure> {
    use crate::domain::lines;
    use crate::flow::{Submission, OUTCOME_TAG, SUBMISSION_MEDIA_TYPE, SUBMISSION_TAG};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    // The language of the page the complaint was made on.
    let lang = crate::i18n::Lang::of_path(&super::location::path()).0;
    let body = lines::encode(SUBMISSION_TAG, &Submission { input, key, lang });
    let refused = |_| Failure::Refused;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&wasm_bindgen::JsValue::from_str(&body));
    let headers = web_sys::Headers::new().map_err(refused)?;
    headers
        .set("content-type", SUBMISSION_MEDIA_TYPE)
        .map_err(refused)?;
    init.set_headers(&headers);
    let request =
        web_sys::Request::new_with_str_and_init(SUBMISSION_PATH, &init).map_err(refused)?;
    // fetch fails only when no answer came back (no network, a dropped connection).
    let response: web_sys::Response = JsFuture::from(window().fetch_with_request(&request))
        .await
        .map_err(|_| Failure::NoAnswer)?
        .dyn_into()
        .map_err(refused)?;
    if !response.ok() {
        return Err(Failure::Refused);
    }
    let text = JsFuture::from(response.text().map_err(refused)?)
        .await
        .map_err(|_| Failure::NoAnswer)?
        .as_string()
        .ok_or(Failure::Refused)?;
    lines::decode(OUTCOME_TAG, &text).ok_or(Failure::Refused)
}

/// Only the WebAssembly sends (the server renders the page and receives form posts).
#[cfg(not(feature = "hydrate"))]
async fn submit_complaint(_: ComplaintInput, _: Uuid) -> Result<SubmitOutcome, Failure> {
    Err(Failure::Refused)
}

/// Where the WebAssembly sends a complaint.
pub const SUBMISSION_PATH: &str = "/api/submit-complaint";

#[component]
pub fn JourneyPage() -> impl IntoView {
    // On the server: the state a form post produced, or a new journey. In the browser: the
    // same value, read back from the page during hydration.
    let initial =
        leptos::server::SharedValue::<_, crate::domain::lines::LinesCodec>::new_with_encoding(
            || {
                let mut state = use_context::<JourneyState>()
                    .unwrap_or_else(|| JourneyState::fresh(Uuid::new_v4()));
                state.step = Some(crate::flow::shown_step(location::asked_step(), &state));
                state
            },
        )
        .into_inner();
    // A page answering a form post has no step in its address: the server's, put there too.
    let first_step = location::asked_step().or(initial.step);
    if location::asked_step().is_none() {
        if let Some(step) = initial.step {
            location::replace_step(step);
        }
    }
    let form = Form {
        state: RwSignal::new(initial),
        js: RwSignal::new(false),
        draft_notice: RwSignal::new(None),
        sending: RwSignal::new(false),
    };
    provide_context(form);
    // The step in the address; Back and Forward in the browser change it.
    let asked = RwSignal::new(first_step);
    provide_context(Navigation(asked));
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::popstate, move |_| {
            asked.set(location::asked_step());
            request_animation_frame(focus_after_change);
        });
        on_cleanup(move || handle.remove());
    }
    let step = Memo::new(move |_| form.state.with(|s| crate::flow::shown_step(asked.get(), s)));
    Effect::new(move |_| form.js.set(true));
    #[cfg(feature = "hydrate")]
    {
        super::draft::keep_drafts(form);
        let nav = Navigation(asked);
        // A complaint waiting to send goes as soon as the browser is back online, and when
        // the person comes back to the page (the draft restored it as waiting).
        let resend = move || {
            if form.state.with_untracked(|s| s.waiting && s.sent.is_none()) {
                send(form, nav);
            }
        };
        let online = window_event_listener(leptos::ev::online, move |_| resend());
        on_cleanup(move || online.remove());
        Effect::new(move |_| request_animation_frame(resend));
    }

    let w = words();
    let title = move || {
        form.state
            .with(|s| crate::flow::journey_title(step.get(), s, &w))
    };
    view! {
        <super::PageTitle text=Signal::derive(title)/>
        {move || match step.get() {
            Step::Done => view! { <Confirmation/> }.into_any(),
            s => view! { <StepForm step=s/> }.into_any(),
        }}
    }
}

/// Moves between steps in the browser, without a page load.
#[derive(Clone, Copy)]
struct Navigation(RwSignal<Option<Step>>);

impl Navigation {
    fn go(self, step: Step) {
        location::push_step(step);
        self.0.set(Some(step));
    }
}

/// Moves focus to the error summary if there is one, else to the page heading, so screen
/// readers announce the new step (done after each step change in the browser).
fn focus_after_change() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let doc = document();
        let target = doc
            .get_element_by_id("error-summary")
            .or_else(|| doc.get_element_by_id("page-heading"));
        if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
            el.scroll_into_view();
        }
    }
}

/// Sends the journey's complaint (always with its own key, so it can never arrive twice) and
/// shows what came of it. Without a network, a complaint the device can keep waits: it goes
/// when the browser is back online, or when the person comes back to the page.
fn send(form: Form, nav: Navigation) {
    if form.sending.get_untracked() {
        return; // a double tap, or a retry while the last try is still out
    }
    form.sending.set(true);
    let (input, key) = form.state.with_untracked(|s| (s.input.clone(), s.key));
    leptos::task::spawn_local(async move {
        let result = submit_complaint(input, key).await;
        form.sending.set(false);
        let go_to = move |next: Step| {
            nav.go(next);
            request_animation_frame(focus_after_change);
        };
        let problem = match result {
            Ok(SubmitOutcome::Received { receipt, already }) => {
                form.state.update(|s| {
                    s.sent = Some(Sent { receipt, already });
                    s.sent_before = None;
                    s.waiting = false;
                    s.problem = None;
                });
                return go_to(Step::Done);
            }
            Ok(SubmitOutcome::SentBefore(earlier)) => {
                form.state.update(|s| {
                    s.sent_before(earlier, Uuid::new_v4());
                    s.waiting = false;
                });
                return request_animation_frame(focus_after_change);
            }
            Ok(SubmitOutcome::Invalid(errors)) => {
                let first = errors
                    .first()
                    .and_then(|e| Step::of_field(&e.field))
                    .unwrap_or(Step::Check);
                form.state.update(|s| {
                    s.errors = errors;
                    s.waiting = false;
                });
                return if first == Step::Check {
                    request_animation_frame(focus_after_change)
                } else {
                    go_to(first)
                };
            }
            // No answer at all: offline (or the signal dropped). It waits if it can be kept.
            Err(Failure::NoAnswer) if can_keep() => Some(crate::flow::WAITING),
            Ok(SubmitOutcome::Unavailable) | Err(_) => None,
        };
        form.state.update(|s| {
            s.waiting = problem.is_some();
            s.problem = Some(problem.unwrap_or(crate::flow::SEND_FAILED).to_string());
        });
        request_animation_frame(focus_after_change);
    });
}

/// Whether the device can keep the complaint to send later (a draft in local storage).
fn can_keep() -> bool {
    #[cfg(feature = "hydrate")]
    return super::draft::can_keep();
    #[cfg(not(feature = "hydrate"))]
    false
}

/// Why a send came to nothing.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Failure {
    /// No answer reached the browser: no network, or the connection dropped.
    NoAnswer,
    /// The service answered, but not with an outcome (refused, too many, down).
    Refused,
}

#[component]
fn StepForm(step: Step) -> impl IntoView {
    let form = expect_context::<Form>();
    let site = expect_context::<SiteInfo>();
    let nav = expect_context::<Navigation>();
    let sending = form.sending;
    let taxonomy = site.taxonomy.clone();

    let go_to = move |next: Step| {
        nav.go(next);
        request_animation_frame(focus_after_change);
    };

    let on_submit = {
        move |ev: leptos::ev::SubmitEvent| {
            // The language switch posts the answers to the other language's page, as it does
            // without JavaScript (the page loads again in that language, nothing typed lost).
            if ev
                .submitter()
                .is_some_and(|b| b.get_attribute("name").as_deref() == Some("_lang"))
            {
                return;
            }
            ev.prevent_default();
            if form.sending.get_untracked() {
                return; // a double tap while sending
            }
            // "Change" buttons on the check page say which step to return to.
            let goto = ev
                .submitter()
                .and_then(|b| {
                    b.get_attribute("value")
                        .filter(|_| b.get_attribute("name").as_deref() == Some("_goto"))
                })
                .and_then(|v| Step::parse(&v));
            if let Some(target) = goto {
                form.state.update(|s| {
                    s.errors.clear();
                    s.changing = true;
                });
                go_to(target);
                return;
            }
            let (input, changing) = form.state.with_untracked(|s| (s.input.clone(), s.changing));
            let (next, errors) = advance(step, &input, &taxonomy, changing);
            form.state.update(|s| {
                s.errors = errors;
                s.problem = None;
                if next == Step::Check {
                    s.changing = false;
                }
            });
            // Only "Send" on a complete check page sends; everything else moves or shows errors.
            if step != Step::Check || next != Step::Check {
                if next == step {
                    request_animation_frame(focus_after_change);
                } else {
                    go_to(next);
                }
                return;
            }
            // Check your answers, all good: send it.
            send(form, nav);
        }
    };

    let questions = match step {
        Step::AboutYou => view! { <AboutYou/> }.into_any(),
        Step::WhoFor => view! { <WhoFor/> }.into_any(),
        Step::WhatAbout => view! { <WhatAbout/> }.into_any(),
        Step::Outcome => view! { <OutcomeStep/> }.into_any(),
        Step::Consent => view! { <ConsentStep/> }.into_any(),
        Step::Check | Step::Done => view! { <CheckAnswers/> }.into_any(),
    };
    let w = words();
    let button = if step == Step::Check {
        t!(w, "Send complaint")
    } else {
        t!(w, "Continue")
    };
    let back = step.previous();
    let journey = w.lang.path("/complaint");

    view! {
        {back.map(|b| view! {
            <a href=format!("{journey}?step={}", b.id()) class="back-link" on:click=move |ev| {
                ev.prevent_default();
                go_to(b);
            }>{t!(w, "Back")}</a>
        })}
        <ErrorSummary
            errors=Signal::derive(move || form.state.with(|s| s.errors.clone()))
            problem=Signal::derive(move || form.state.with(|s| s.problem.clone()))
        />
        <form id="complaint-form" method="post" action=journey.clone() novalidate on:submit=on_submit>
            <input type="hidden" name="_step" value=step.id()/>
            <input type="hidden" name="_key" value=move || form.state.with(|s| s.key.to_string())/>
            <input type="hidden" name="_change" value=move || if form.state.with(|s| s.changing) { "1" } else { "" }/>
            <HiddenAnswers step/>
            {step.number().map(|n| view! { <span class="caption">{tf!(w, "Question {n} of {total}", &[("n", n.to_string()), ("total", Step::QUESTIONS.len().to_string())])}</span> })}
            <h1 id="page-heading" class="heading-l" tabindex="-1">{w.tr(step.title())}</h1>
            {questions}
            <button type="submit" class="button" data-prevent-double-click="true" disabled=move || sending.get()>
                {move || if sending.get() {
                    t!(w, "Sending…")
                } else if step == Step::Check && form.state.with(|s| s.sent_before.is_some()) {
                    t!(w, "Send as a new complaint")
                } else {
                    button
                }}
            </button>
        </form>
        <DraftControls/>
    }
}

/// Answers from the other steps travel with the form when there is no JavaScript to keep
/// them; the server stores none of it until the complaint is sent.
#[component]
fn HiddenAnswers(step: Step) -> impl IntoView {
    let form = expect_context::<Form>();
    let own = step.fields();
    move || {
        form.state.with(|s| {
            let mut hidden: Vec<(String, String)> = FIELD_ORDER
                .iter()
                .filter(|f| {
                    !own.contains(f)
                        && !matches!(**f, "channel" | "received_on" | "body" | "outcomes_wanted")
                })
                .map(|f| (f.to_string(), field_value(&s.input, f)))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            if !own.contains(&"outcomes_wanted") {
                for o in s.input.outcomes_wanted.iter().flatten() {
                    hidden.push(("outcomes_wanted".into(), o.clone()));
                }
            }
            hidden
                .into_iter()
                .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
                .collect_view()
        })
    }
}

#[component]
pub fn AboutYou() -> impl IntoView {
    let form = expect_context::<Form>();
    let contact: Vec<Choice> = ContactMethod::ALL
        .iter()
        .map(|m| Choice::new(m.id(), tr(m.label())))
        .collect();
    view! {
        <TextField field=form.field("full_name") label=t!("Full name") autocomplete="name" no_spellcheck=true/>
        <fieldset class="fieldset" aria-describedby="address-hint">
            <legend class="fieldset__legend fieldset__legend--s">{t!("Your postal address (optional)")}</legend>
            <div id="address-hint" class="hint">{t!("We need it only if you would like letters by post.")}</div>
            <TextArea field=form.field("address_line_1") label=t!("Building and street") rows=2 autocomplete="street-address"/>
            <TextField field=form.field("address_town") label=t!("Town or city") autocomplete="address-level2" width="input--two-thirds"/>
            <TextField field=form.field("address_postcode") label=t!("Postcode") autocomplete="postal-code" width="input--postcode" no_spellcheck=true/>
        </fieldset>
        <TextField
            field=form.field("email")
            label=t!("Email address (optional)")
            input_type="email"
            autocomplete="email"
            no_spellcheck=true
        />
        <TextField
            field=form.field("phone")
            label=t!("Telephone number (optional)")
            hint=t!("For international numbers include the country code")
            input_type="tel"
            autocomplete="tel"
            width="input--two-thirds"
        />
        <Radios
            field=form.field("preferred_contact")
            legend=t!("How would you like us to contact you?")
            hint=t!("Give us at least one way to contact you: an email address, a telephone number, or your postal address for letters by post.")
            choices=contact
        />
        <TextArea
            field=form.field("adjustments")
            label=t!("Do you need us to do anything differently because of a disability or condition? (optional)")
            hint=t!("For example, large print letters, or telephone calls only")
            rows=3
        />
    }
}

#[component]
pub fn WhoFor() -> impl IntoView {
    let form = expect_context::<Form>();
    let choices: Vec<Choice> = WHO_FOR
        .iter()
        .map(|(id, label, hint)| {
            let c = Choice::new(*id, tr(label));
            match hint {
                Some(h) => c.hint(tr(h)),
                None => c,
            }
        })
        .collect();
    let show = move |v: &'static str| move || form.js.get() && form.value("on_behalf_of") != v;
    view! {
        <Radios field=form.field("on_behalf_of") legend=t!("Who are you complaining for?") choices/>
        <div class="conditional" hidden=show("someone_else")>
            <h2 class="heading-s">{t!("If you are complaining for someone else")}</h2>
            <TextField field=form.field("other_person_name") label=t!("Their full name") no_spellcheck=true/>
            <TextField field=form.field("other_person_relationship") label=t!("How do you know them?") hint=t!("For example, I am their daughter")/>
            <Radios
                field=form.field("other_person_agreed")
                legend=t!("Have they agreed to you complaining for them?")
                hint=t!("We may need to check this before we can look into the complaint")
                choices=yes_no()
                inline=true
            />
        </div>
        <div class="conditional" hidden=show("mp")>
            <h2 class="heading-s">{t!("If an MP is involved")}</h2>
            <TextField field=form.field("mp_name") label=t!("The MP's name")/>
            <Checkbox
                field=form.field("mp_writing")
                label=t!("I am the MP, or I work in their office, and I am writing for a constituent")
                hint=t!("Then give your office's details under “About you”: our letters will go to you")
            />
            <div class="conditional" hidden=move || form.js.get() && form.value("mp_writing") != "yes">
                <TextField field=form.field("constituent_name") label=t!("The constituent's full name") autocomplete="off" no_spellcheck=true/>
                <TextArea field=form.field("constituent_address") label=t!("The constituent's address (optional)") rows=3 autocomplete="off"/>
            </div>
            <div class="conditional" hidden=move || form.js.get() && form.value("mp_writing") == "yes">
                <TextField
                    field=form.field("mp_email")
                    label=t!("The MP's email address (optional)")
                    hint=t!("So that we can send the MP copies of our letters")
                    input_type="email"
                    autocomplete="off"
                    no_spellcheck=true
                />
                <TextArea
                    field=form.field("mp_address")
                    label=t!("The MP's postal address (optional)")
                    hint=t!("For copies by post, if you do not know their email address")
                    rows=3
                    autocomplete="off"
                />
            </div>
        </div>
    }
}

#[component]
pub fn WhatAbout() -> impl IntoView {
    let form = expect_context::<Form>();
    let site = expect_context::<SiteInfo>();
    let ids = |f: fn(&crate::domain::taxonomy::Category) -> bool| -> Vec<String> {
        site.taxonomy
            .categories
            .iter()
            .filter(|c| f(c))
            .map(|c| c.id.clone())
            .collect()
    };
    let breach_ids = ids(|c| c.nature == Nature::Breach);
    let possible_ids = ids(|c| c.breach_possible);
    let categories: Vec<Choice> = site
        .taxonomy
        .categories
        .iter()
        .map(|c| Choice::new(c.id.clone(), words().text(&c.label)))
        .collect();
    let breach_choices: Vec<Choice> = BreachStatus::ALL
        .iter()
        .map(|b| Choice::new(b.id(), tr(b.label())))
        .collect();
    // SPEC "Categories and triage": whether a breach happened, where one is possible; whether
    // the person has had the breach outcome, once one did.
    let possible = possible_ids.clone();
    let hide_happened = move || form.js.get() && !possible.contains(&form.value("category"));
    let hide_breach = move || {
        let category = form.value("category");
        form.js.get()
            && !breach_ids.contains(&category)
            && !(possible_ids.contains(&category) && form.value("breach_happened") == "yes")
    };
    view! {
        <Radios field=form.field("category") legend=t!("What is your complaint about?") choices=categories/>
        <div class="conditional" hidden=hide_happened>
            <Radios
                field=form.field("breach_happened")
                legend=t!("Was your information lost, stolen, or sent or shown to someone who should not have it?")
                hint=t!("For complaints about sharing or security")
                choices=crate::ui::fields::yes_no()
                inline=true
            />
        </div>
        <div class="conditional" hidden=hide_breach>
            <Radios
                field=form.field("breach_status")
                legend=t!("If your information was lost, stolen or sent to the wrong person: have you already reported this to us and had our response?")
                hint=t!("If you have not had our response yet, we will look into it as a data breach first")
                choices=breach_choices
            />
        </div>
        <TextField field=form.field("service") label=t!("Which service or department was involved? (optional)") hint=t!("For example, adult social care, council tax, schools admissions")/>
        <TextField field=form.field("happened_when") label=t!("When did it happen? (optional)") hint=t!("For example, March 2026, or 'over the last year'") width="input--two-thirds"/>
        <TextArea
            field=form.field("description")
            label=t!("What happened?")
            hint=t!("Tell us what we did or did not do with your information, and how it affected you. Do not include bank details or passwords.")
            rows=8
        />
    }
}

#[component]
pub fn OutcomeStep() -> impl IntoView {
    let form = expect_context::<Form>();
    let choices: Vec<Choice> = WantedOutcome::ALL
        .iter()
        .map(|(_, id, label)| Choice::new(*id, tr(label)))
        .collect();
    view! {
        <Checkboxes field=form.field("outcomes_wanted") legend=t!("What would you like to happen?") hint=t!("Select all that apply") choices/>
        <div class="conditional" hidden=move || form.js.get() && !form.has_outcome("other")>
            <TextArea field=form.field("outcome_other") label=t!("If something else, what would you like to happen?") rows=3/>
        </div>
        <Radios
            field=form.field("also_about_service")
            legend=t!("Is your complaint also about the service you received, not only about your information?")
            hint=t!("If it is, we will also pass it to our corporate complaints team, who look at services")
            choices=yes_no()
            inline=true
        />
    }
}

/// Said beside "No, do not share it", and again on the check page when chosen.
fn share_warning() -> &'static str {
    t!("If you do not want us to share your complaint, we may not be able to investigate it fully.")
}

#[component]
pub fn ConsentStep() -> impl IntoView {
    let form = expect_context::<Form>();
    let intro = expect_context::<SiteInfo>().consent_intro;
    let share = vec![
        Choice::new("yes", t!("Yes, you may share it")),
        Choice::new("no", t!("No, do not share it")).hint(share_warning()),
    ];
    view! {
        <p class="body">{intro}</p>
        <Checkbox
            field=form.field("consent_handle")
            label=t!("I agree to you using my information to handle my complaint")
            hint=t!("We cannot look into your complaint without this")
        />
        <Radios
            field=form.field("consent_share")
            legend=t!("May we share your name and your complaint with the people or organisation you are complaining about?")
            hint=t!("This helps us find out what happened")
            choices=share
        />
        <h2 class="heading-s">{t!("Your choices (optional)")}</h2>
        <Checkbox
            field=form.field("survey_opt_out")
            label=t!("Do not invite me to the customer satisfaction survey")
            hint=t!("Otherwise we may give your name and telephone number, but not your complaint, to a research company that runs it for us")
        />
        <Checkbox
            field=form.field("publication_opt_out")
            label=t!("Do not use my case in published summaries")
            hint=t!("We always remove your name and anything else that identifies you before we publish")
        />
    }
}

fn yes_no_text(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => t!("Yes"),
        Some(false) => t!("No"),
        None => t!("Not answered"),
    }
}

#[component]
fn CheckAnswers() -> impl IntoView {
    let form = expect_context::<Form>();
    let site = expect_context::<SiteInfo>();
    let w = words();
    let rows = move || {
        form.state.with(|s| {
            let i: &ComplaintInput = &s.input;
            let t = |v: &Option<String>| v.clone().unwrap_or_default();
            let contact = i
                .preferred_contact
                .as_deref()
                .and_then(ContactMethod::parse)
                .map(|m| w.tr(m.label()))
                .unwrap_or("");
            let address = [
                t(&i.address_line_1),
                t(&i.address_town),
                t(&i.address_postcode),
            ]
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
            let who_id = i.on_behalf_of.as_deref().unwrap_or("");
            let who_label = w.tr(OnBehalfOf::label_of(who_id));
            let who = match who_id {
                "someone_else" => tf!(
                    w,
                    "{who}: {name} ({relationship}); they agreed: {agreed}",
                    &[
                        ("who", who_label.to_string()),
                        ("name", t(&i.other_person_name)),
                        ("relationship", t(&i.other_person_relationship)),
                        ("agreed", yes_no_text(i.other_person_agreed).to_string()),
                    ],
                ),
                "mp" => {
                    let mut who = format!("{who_label}: {}", t(&i.mp_name));
                    if i.mp_writing == Some(true) {
                        who.push('\n');
                        who.push_str(&tf!(
                            w,
                            "Written by the MP for {name}",
                            &[("name", t(&i.constituent_name))]
                        ));
                        who.extend(i.constituent_address.as_ref().map(|a| format!("\n{a}")));
                    } else {
                        for contact in [&i.mp_email, &i.mp_address].into_iter().flatten() {
                            who.push('\n');
                            who.push_str(contact);
                        }
                    }
                    who
                }
                _ => who_label.to_string(),
            };
            let category = i
                .category
                .as_deref()
                .and_then(|c| site.taxonomy.category(c))
                .map(|c| w.text(&c.label))
                .unwrap_or_default();
            let asked = i
                .category
                .as_deref()
                .and_then(|c| site.taxonomy.category(c));
            let happened = i
                .breach_happened
                .filter(|_| asked.is_some_and(|c| c.breach_possible));
            let breach = i
                .breach_status
                .as_deref()
                .filter(|_| {
                    asked.is_some_and(|c| c.nature == Nature::Breach) || happened == Some(true)
                })
                .and_then(BreachStatus::parse)
                .map(|b| w.tr(b.label()))
                .unwrap_or("");
            let outcomes = i
                .outcomes_wanted
                .iter()
                .flatten()
                .filter_map(|id| {
                    WantedOutcome::ALL
                        .iter()
                        .find(|(_, oid, _)| oid == id)
                        .map(|(_, _, l)| w.tr(l).to_string())
                })
                .chain(i.outcome_other.clone())
                .collect::<Vec<_>>()
                .join("\n");
            let share = match i.consent_share {
                Some(true) => t!(w, "Yes").to_string(),
                Some(false) => format!("{}. {}", t!(w, "No"), share_warning()),
                None => String::new(),
            };
            vec![
                (Step::AboutYou, t!(w, "Full name"), t(&i.full_name)),
                (Step::AboutYou, t!(w, "Postal address"), address),
                (Step::AboutYou, t!(w, "Email address"), t(&i.email)),
                (Step::AboutYou, t!(w, "Telephone number"), t(&i.phone)),
                (
                    Step::AboutYou,
                    t!(w, "How to contact you"),
                    contact.to_string(),
                ),
                (Step::AboutYou, t!(w, "Adjustments"), t(&i.adjustments)),
                (Step::WhoFor, t!(w, "Complaining for"), who),
                (Step::WhatAbout, t!(w, "What it is about"), category),
                (
                    Step::WhatAbout,
                    t!(w, "Information lost, stolen or disclosed"),
                    happened
                        .map(|h| yes_no_text(Some(h)))
                        .unwrap_or("")
                        .to_string(),
                ),
                (
                    Step::WhatAbout,
                    t!(w, "Breach reported before"),
                    breach.to_string(),
                ),
                (Step::WhatAbout, t!(w, "Service"), t(&i.service)),
                (
                    Step::WhatAbout,
                    t!(w, "When it happened"),
                    t(&i.happened_when),
                ),
                (Step::WhatAbout, t!(w, "What happened"), t(&i.description)),
                (Step::Outcome, t!(w, "What you would like"), outcomes),
                (
                    Step::Outcome,
                    t!(w, "Also about the service"),
                    yes_no_text(i.also_about_service).to_string(),
                ),
                (
                    Step::Consent,
                    t!(w, "Agreed to us handling it"),
                    yes_no_text(i.consent_handle).to_string(),
                ),
                (Step::Consent, t!(w, "We may share it"), share),
                (
                    Step::Consent,
                    t!(w, "Survey"),
                    if i.survey_opt_out == Some(true) {
                        t!(w, "Do not invite me")
                    } else {
                        t!(w, "You may invite me")
                    }
                    .to_string(),
                ),
                (
                    Step::Consent,
                    t!(w, "Published summaries"),
                    if i.publication_opt_out == Some(true) {
                        t!(w, "Do not use my case")
                    } else {
                        t!(w, "You may use my case, anonymised")
                    }
                    .to_string(),
                ),
            ]
        })
    };
    view! {
        <dl class="summary-list">
            {move || {
                rows()
                    .into_iter()
                    .filter(|(_, _, v)| !v.is_empty())
                    .map(|(step, key, value)| {
                        view! {
                            <div class="summary-list__row">
                                <dt class="summary-list__key">{key}</dt>
                                <dd class="summary-list__value">{value}</dd>
                                <dd class="summary-list__actions">
                                    <button type="submit" name="_goto" value=step.id() class="link-button">
                                        {t!(w, "Change")} <span class="visually-hidden">{format!(" {}", key.to_ascii_lowercase())}</span>
                                    </button>
                                </dd>
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </dl>
        <h2 class="heading-m">{t!(w, "Now send your complaint")}</h2>
        <p class="body">{t!(w, "By sending it you confirm that the details are correct to the best of your knowledge.")}</p>
    }
}

#[component]
fn Confirmation() -> impl IntoView {
    let form = expect_context::<Form>();
    let site = expect_context::<SiteInfo>();
    let w = words();
    let Some(Sent { receipt, already }) = form.state.with_untracked(|s| s.sent.clone()) else {
        return view! { <p class="body">{t!(w, "Nothing has been sent yet.")}</p> }.into_any();
    };
    let org = site.organisation.clone();
    let breach = receipt.kind == CaseKind::BreachReport;
    // GOV.UK: a second submission says it was already received rather than making a duplicate.
    let heading = if already {
        t!(w, "We already have your complaint")
    } else if breach {
        t!(w, "Data breach report received")
    } else {
        t!(w, "Complaint received")
    };
    // Whole sentences for each kind, so a translation never has to fit a word into another.
    let sent_before = if breach {
        t!(w, "You sent this data breach report before. We have not made a second one: your reference is the same.")
    } else {
        t!(w, "You sent this complaint before. We have not made a second one: your reference is the same.")
    };
    let date = [("date", long_date(receipt.received_on))];
    let received = if breach {
        tf!(w, "We received your data breach report on {date}. Keep the reference: quote it whenever you contact us.", &date)
    } else {
        tf!(w, "We received your complaint on {date}. Keep the reference: quote it whenever you contact us.", &date)
    };
    view! {
        <div class="panel" role="status">
            <h1 id="page-heading" class="panel__title" tabindex="-1">{heading}</h1>
            <div class="panel__body">
                {t!(w, "Your reference is")}<br/>
                <strong class="reference">{receipt.reference.to_string()}</strong>
            </div>
        </div>
        {already.then(|| view! { <p class="body">{sent_before}</p> })}
        <p class="body">{received}</p>
        <h2 class="heading-m">{t!(w, "What happens next")}</h2>
        {if breach {
            view! {
                <p class="body">
                    {t!(w, "We will look into this as a data breach first. When we have told you the outcome, you can complain to us about how we handled it if you are not happy.")}
                </p>
            }.into_any()
        } else {
            view! {
                <p class="body">{tf!(w, "Our {team} will look into your complaint. We will write to you by {date} to confirm we have it and tell you what happens next.", &[("team", w.text(&receipt.team.name)), ("date", long_date(receipt.acknowledge_by))])}</p>
            }.into_any()
        }}
        <p class="body">{tf!(w, "We aim to tell you the outcome by {date}. If it will take longer, we will tell you why and keep you updated.", &[("date", long_date(receipt.outcome_due))])}</p>
        {(receipt.flags.identity_check).then(|| view! {
            <p class="body">{t!(w, "We may first need to check your identity, or that you may complain for the person concerned.")}</p>
        })}
        {receipt.evidence_token.clone().map(|token| view! {
            <h2 class="heading-m">{t!(w, "Send us evidence")}</h2>
            <p class="body">{t!(w, "If you have screenshots, photos, letters or emails that support your complaint, you can send them to us.")}</p>
            <p class="body"><a class="button button--secondary" href=w.lang.path(&format!("/evidence/{token}"))>{t!(w, "Send us evidence")}</a></p>
        })}
        <h2 class="heading-m">{t!(w, "If you have questions")}</h2>
        <p class="body">
            {tf!(w, "Email {email} or call {telephone}, quoting your reference.", &[("email", org.email.clone()), ("telephone", org.telephone.clone())])}
        </p>
        <h2 class="heading-m">{t!(w, "The Information Commissioner's Office")}</h2>
        <p class="body">
            {tf!(w, "If you are unhappy with our response you can complain to the Information Commissioner's Office (ICO): on their website, by telephone on {telephone}, or in writing to {address}.",
                &[("telephone", ICO_HELPLINE.to_string()), ("address", ICO_ADDRESS.to_string())],
            )}
        </p>
        <p class="body no-print">
            {move || if form.js.get() {
                view! {
                    <button type="button" class="link-button" on:click=move |_| {
                        #[cfg(feature = "hydrate")]
                        let _ = window().print();
                    }>{t!(w, "Print this page")}</button>
                    {t!(w, " to keep a record.")}
                }.into_any()
            } else {
                view! { {t!(w, "You can print this page or save it to keep a record.")} }.into_any()
            }}
        </p>
        <p class="body no-print"><a href=w.lang.path("/")>{t!(w, "Make another complaint")}</a></p>
    }
    .into_any()
}

/// The language switch on a question page: a button that posts the answers given so far to
/// the same question in the other language (GOV.UK Forms' switcher), so nothing typed is lost,
/// with or without JavaScript. It belongs to the journey's form by its `form` attribute, so
/// the server writes it above the part the WebAssembly takes over (which carries none of it);
/// once the form is gone (the confirmation) the stylesheet hides it.
#[cfg(feature = "ssr")]
#[component]
pub fn LanguageButton() -> impl IntoView {
    let here = words().lang;
    let other = here.other();
    view! {
        <nav class="language-switch language-switch--form" aria-label=tr("Language")>
            <span class="language-switch__current" aria-current="true">{here.own_name()}</span>
            " | "
            <button type="submit" form="complaint-form" name="_lang" value=other.code()
                formaction=other.path("/complaint") class="link-button" lang=other.html()>
                {other.own_name()}
            </button>
        </nav>
    }
}

/// The draft notice and the control to delete the draft (WebAssembly only: without it there
/// is no draft on the device).
#[component]
fn DraftControls() -> impl IntoView {
    let form = expect_context::<Form>();
    let nav = expect_context::<Navigation>();
    let w = words();
    move || {
        form.js.get().then(|| {
            view! {
                <div class="draft-controls">
                    <p class="body body--s" role="status">
                        {move || form.draft_notice.get().unwrap_or_else(|| {
                            t!(w, "What you type is saved on this device as a draft for up to 30 days from when you start.").to_string()
                        })}
                    </p>
                    <button type="button" class="button button--secondary" on:click=move |_| {
                        #[cfg(feature = "hydrate")]
                        super::draft::delete_draft(form, w);
                        nav.go(Step::AboutYou);
                        request_animation_frame(focus_after_change);
                    }>{t!(w, "Delete my draft")}</button>
                </div>
            }
        })
    }
}
