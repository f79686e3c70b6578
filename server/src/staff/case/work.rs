//! The case page's working sections: what can be done next, who handles the case, and the
//! MP's details. Each form carries `Forms` (where it posts, the CSRF token, the case's version
//! and the errors to show); the page assembles these beside `sections`.

use crate::staff::components::date_time;
use crate::store::staff::CaseFile;
use app::domain::calendar::long_date;
use app::domain::casework::{may, may_confirm, Ending, Handling, Move, Role, Status, INDEPENDENCE};
use app::domain::complaint::OnBehalfOf;
use app::domain::messages::{MessageKind, Route};
use app::domain::triage::CaseKind;
use app::domain::FieldError;
use app::ui::fields::{Checkbox, Choice, Field, Radios, Select, TextArea, TextField};
use chrono::NaiveDate;
use leptos::prelude::*;

/// What every form on the case page carries: where it posts, the CSRF token and the version of
/// the case it was filled in on (a form sent after someone else's change is refused), and the
/// errors to show beside its fields.
pub struct Forms<'a> {
    pub compact: &'a str,
    pub csrf: &'a str,
    pub seen: &'a str,
    pub errors: &'a [FieldError],
}

impl Forms<'_> {
    pub fn action(&self, path: &str) -> String {
        format!("/staff/cases/{}/{path}", self.compact)
    }

    pub fn hidden(&self) -> impl IntoView {
        view! {
            <input type="hidden" name="_csrf" value=self.csrf.to_string()/>
            <input type="hidden" name="_seen" value=self.seen.to_string()/>
        }
    }
}

/// Waiting for the complainant (004 §24): since when, the target paused, the reply to record,
/// a reminder when one is due, the "no reply" ending once the time has passed; else the way
/// to ask.
fn waiting_steps(case: &CaseFile, forms: &Forms, today: NaiveDate, no_reply: u32) -> impl IntoView {
    let clock = case.clock();
    let Some(w) = clock.waiting else {
        return view! {
            <p class="body"><a href=forms.action("clarify")>"Ask the complainant for more information"</a>" (the outcome target pauses until they reply)"</p>
        }
        .into_any();
    };
    let paused = if w.stopped {
        format!(
            "The outcome target is paused: {} days so far. When you record the reply it moves on by the days waited.",
            clock.days_paused(today) - clock.paused_days
        )
    } else {
        "The outcome target had already passed when the request was sent, so it is not paused."
            .to_string()
    };
    let end_from = w.since + chrono::Days::new(no_reply.into());
    view! {
        <div class="warning-text"><strong>{format!("Waiting for the complainant since {}{}.", long_date(w.since), w.reminded_on.map(|r| format!(" (reminded on {})", long_date(r))).unwrap_or_default())}</strong></div>
        <p class="body">{paused}</p>
        <form method="post" action=forms.action("reply")>
            {forms.hidden()}
            <button type="submit" class="button">"Record the complainant's reply"</button>
        </form>
        <p class="body">{if clock.reminder_due(today) { "A reminder is due: " } else { "" }}<a href=forms.action("remind")>"Send a reminder"</a></p>
        <p class="body">{if today >= end_from {
            "No reply within the time allowed: the case may be ended \"no reply\" (End the case without an outcome).".to_string()
        } else {
            format!("Without a reply, the case may be ended \"no reply\" from {}.", long_date(end_from))
        }}</p>
    }
    .into_any()
}

/// What can be done next, by status (and by what the domain allows this member of staff),
/// with the ways to end, update, reclassify or lodge, and the linked cases.
pub fn next_steps(
    case: &CaseFile,
    forms: &Forms,
    handling: &Handling,
    me: &str,
    role: Role,
    today: NaiveDate,
    no_reply: u32,
) -> impl IntoView {
    // What can be done next, by status.
    let waiting = |kind: MessageKind| {
        case.waiting(kind).map(|m| {
        let how = match m.route {
            Route::Email => "It is being emailed".to_string(),
            Route::Post => "It is in the print queue until someone marks it posted".to_string(),
        };
        view! {
            <p class="body">{format!("The {} is waiting to go. {how}.", m.kind.label().to_lowercase())}</p>
            {(m.route == Route::Post).then(|| view! { <p class="body"><a href="/staff/post">"Letters to post"</a></p> })}
        }
    })
    };
    let allows = |m: Move| app::domain::casework::allowed(case.kind, case.status, m);
    let can_end = Ending::ALL.into_iter().any(|e| allows(Move::End(e)));
    let more = view! {
        {(case.kind == CaseKind::Complaint && allows(Move::AskForInformation)).then(|| waiting_steps(case, forms, today, no_reply))}
        {allows(Move::UpdateProgress).then(|| view! {
            <p class="body"><a href=forms.action("update")>"Record a progress update"</a>" (the outcome will be later than the date given)"</p>
        })}
        {can_end.then(|| view! {
            <p class="body"><a href=forms.action("end")>{if case.kind == CaseKind::BreachReport { "Hand to the breach procedure, or end it another way" } else { "End the case without an outcome" }}</a></p>
        })}
        // SPEC "Categories and triage": either way, with a reason, until decided.
        {app::domain::casework::reclassified(case.kind, case.status).ok().map(|to| {
            let what = to.label().to_lowercase();
            view! {
                <form method="post" action=forms.action("reclassify") class="reclassify-form">
                    {forms.hidden()}
                    <TextArea field=Field::fixed("reclassify_reason", "", forms.errors) label=format!("Reclassify as a {what} because") hint=if to == CaseKind::Complaint { "For example: the person is complaining about how we handled their information, not reporting a breach. The case starts again as a complaint: its acknowledgement is due 30 days from receipt" } else { "For example: the person reports that their information was lost, stolen or disclosed and has not had the breach outcome. It goes to the breach procedure" } rows=2/>
                    <button type="submit" class="button button--secondary">{format!("Reclassify as a {what}")}</button>
                </form>
            }
        })}
    };
    let next_step = match case.status {
        Status::Received if case.waiting(MessageKind::Acknowledgement).is_some() => {
            waiting(MessageKind::Acknowledgement).into_any()
        }
        Status::Investigating if case.waiting(MessageKind::Outcome).is_some() => {
            waiting(MessageKind::Outcome).into_any()
        }
        Status::Received | Status::Acknowledged if case.kind == CaseKind::BreachReport => view! {
            <p class="body">"A breach report is not a complaint (seed 004 §18): hand it to the breach procedure. If the person complains after the breach outcome, that complaint is a new case."</p>
        }.into_any(),
        Status::Received => view! {
            <form method="post" action=forms.action("acknowledge")>
                {forms.hidden()}
                <p class="body">"Record that the written acknowledgement (seed Appendix B letter) is sent. The letter is filled in for you."</p>
                <button type="submit" class="button">"Record acknowledgement"</button>
            </form>
        }.into_any(),
        Status::Acknowledged => {
            let refusal = may(case.kind, handling, Move::Investigate, me, role).err();
            view! {
                <form method="post" action=forms.action("investigate")>
                    {forms.hidden()}
                    {refusal.map(|r| view! { <p class="body">{r.message()}"."</p> })}
                    <button type="submit" class="button">"Start investigation"</button>
                </form>
            }.into_any()
        }
        Status::Investigating if case.waiting_for_reply.is_some() => view! {
            <p class="body">"The outcome waits for the complainant's reply: record it below first."</p>
        }.into_any(),
        Status::Investigating => view! {
            <a class="button" href=forms.action("outcome")>"Record the outcome"</a>
        }.into_any(),
        Status::OutcomeSent => view! {
            <a class="button" href=forms.action("close")>"Close the case"</a>
        }.into_any(),
        Status::Closed => view! {
            <p class="body">{match &case.ending {
                Some(e) => format!("This case is closed: {}.", e.summary()),
                None => "This case is closed.".to_string(),
            }}</p>
            <form method="post" action=forms.action("reopen")>
                {forms.hidden()}
                <TextArea field=Field::fixed("review_reason", "", forms.errors) label="Reopen for review because" hint="For example: the complainant asked for a review of the decision. The first outcome stays on record" rows=2/>
                <button type="submit" class="button button--secondary">"Reopen for review"</button>
            </form>
        }.into_any(),
    };
    let channels: Vec<Choice> = app::domain::complaint::Channel::ALL
        .iter()
        .map(|c| Choice::new(c.id(), c.label()))
        .collect();
    let lodge = (case.kind == CaseKind::BreachReport && case.lodged_as.is_none()).then(|| view! {
        <h3 class="heading-s">"A complaint after the breach outcome"</h3>
        <form method="post" action=forms.action("lodge")>
            {forms.hidden()}
            <p class="body">"If the person complains about how the breach was handled after receiving its outcome, that complaint is a new case (seed 004 §18), made from this report's answers and linked to it."</p>
            <TextField field=Field::fixed("lodged_on", today.to_string(), forms.errors) label="Date the complaint was lodged" input_type="date" width="input--date"/>
            <Radios field=Field::fixed("lodged_by", "", forms.errors) legend="How did the complaint reach us?" choices=channels inline=true/>
            <button type="submit" class="button button--secondary">"Make it a complaint"</button>
        </form>
    });
    let links = view! {
        {case.lodged_as.map(|r| view! { <p class="body">"Complaint lodged after the breach outcome: "<a class="case-ref" href=format!("/staff/cases/{}", r.compact())>{r.to_string()}</a></p> })}
        {case.lodged_from.map(|r| view! { <p class="body">"Lodged after the outcome of breach report "<a class="case-ref" href=format!("/staff/cases/{}", r.compact())>{r.to_string()}</a></p> })}
    };
    view! { {next_step} {more} {lodge} {links} }
}

/// Who handles the case, with the forms to assign it and for the handler to confirm their
/// independence (seed 004 §30).
pub fn handler(
    case: &CaseFile,
    forms: &Forms,
    handling: &Handling,
    me: &str,
    handlers: Vec<Choice>,
    handler_name: Option<String>,
) -> impl IntoView {
    let handler_text = match (&handler_name, case.handler_confirmed_at) {
        (None, _) => "Not assigned".to_string(),
        (Some(h), Some(t)) => format!("{h} (confirmed independence {})", date_time(t)),
        (Some(h), None) => format!("{h} (has not yet confirmed independence)"),
    };
    let assign_form = case.status.is_open().then(|| {
        let current = case.handler.clone().unwrap_or_else(|| me.to_string());
        view! {
            <form method="post" action=forms.action("assign") class="assign-form">
                {forms.hidden()}
                <Select field=Field::fixed("handler", current, forms.errors) label="Assign to" choices=handlers/>
                <Checkbox
                    field=Field::fixed("independent", "", forms.errors)
                    label=INDEPENDENCE
                    hint="Tick only when assigning yourself. Anyone else confirms on this page before they work the case."
                />
                <button type="submit" class="button button--secondary">"Assign"</button>
            </form>
        }
    });
    let confirm_form = may_confirm(handling, me).then(|| view! {
        <form method="post" action=forms.action("confirm")>
            {forms.hidden()}
            <Checkbox field=Field::fixed("confirm_independent", "", forms.errors) label=INDEPENDENCE/>
            <button type="submit" class="button">"Confirm and take the case"</button>
        </form>
    });
    view! {
        <section class="case-section" aria-labelledby="handler-heading">
            <h2 id="handler-heading" class="heading-m">"Handler"</h2>
            <p class="body">{handler_text}</p>
            {confirm_form}
            {assign_form}
        </section>
    }
}

/// A complaint made through an MP: whom letters are copied to, and the MP's details (seed 000).
pub fn mp(case: &CaseFile, forms: &Forms) -> impl IntoView {
    (matches!(case.complaint.on_behalf_of, OnBehalfOf::Mp { .. }) || case.mp.is_some()).then(|| {
        let mp_name = case.mp.as_ref().map(|m| m.name.to_string()).unwrap_or_else(|| match &case.complaint.on_behalf_of {
            OnBehalfOf::Mp { mp_name } => mp_name.to_string(),
            _ => String::new(),
        });
        let mp_email = case.mp.as_ref().and_then(|m| m.email.as_ref()).map(|e| e.as_str().to_string()).unwrap_or_default();
        let mp_address = case.mp.as_ref().map(|m| m.address.join("\n")).unwrap_or_default();
        view! {
            <h2 class="heading-m">"Through their MP"</h2>
            {match &case.mp {
                Some(mp) => view! { <p class="body">{format!("Letters are copied to {} by {}.", mp.name, if mp.email.is_some() { "email" } else { "post" })}</p> }.into_any(),
                None => view! { <div class="warning-text"><strong>"Record the MP's email or postal address: letters must be copied to the MP (seed 000)."</strong></div> }.into_any(),
            }}
            <form method="post" action=forms.action("mp")>
                {forms.hidden()}
                <TextField field=Field::fixed("mp_name", mp_name, forms.errors) label="MP's name" autocomplete="off"/>
                <TextField field=Field::fixed("mp_email", mp_email, forms.errors) label="MP's email address (optional if there is a postal address)" input_type="email" autocomplete="off"/>
                <TextArea field=Field::fixed("mp_address", mp_address, forms.errors) label="MP's postal address (optional if there is an email address)" hint="One line for each part of the address" rows=3/>
                <button type="submit" class="button button--secondary">"Save the MP's details"</button>
            </form>
        }
    })
}
