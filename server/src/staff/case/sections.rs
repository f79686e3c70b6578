//! The case page's sections that only show what the case holds (and the DPO's records
//! section): views, no handlers. `page.rs` assembles them; the handlers re-render the page and
//! never need these, so the page depends on nothing that depends on it.

use crate::staff::components::{address_lines, date_time};
use crate::store::outbox::MessageStatus;
use crate::store::staff::CaseFile;
use app::domain::calendar::long_date;
use app::domain::casework::{update_due, Role};
use app::domain::complaint::{Complaint, OnBehalfOf};
use app::domain::messages::Route;
use app::domain::FieldError;
use app::ui::fields::{Field, TextArea};
use chrono::NaiveDate;
use leptos::prelude::*;

/// One row of a summary list.
fn row(k: &'static str, v: String) -> impl IntoView {
    view! { <div class="summary-list__row"><dt class="summary-list__key">{k}</dt><dd class="summary-list__value">{v}</dd></div> }
}

/// A row whose value keeps the line breaks it was written with.
fn text_row(k: &'static str, v: String) -> impl IntoView {
    view! { <div class="summary-list__row"><dt class="summary-list__key">{k}</dt><dd class="summary-list__value prewrap">{v}</dd></div> }
}

fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.to_string()
}

/// Corrections of the complainant's details: what changed is shown to the DPO only (the
/// values are personal data); others see which fields.
pub fn corrections(case: &CaseFile, role: Role) -> impl IntoView {
    view! {
    {(!case.corrections.is_empty()).then(|| view! {
        <h2 class="heading-m">"Corrections"</h2>
        <ol class="list notes">
            {case.corrections.iter().map(|c| view! {
                <li class="note">
                    <p class="hint">{format!("{} · {}", date_time(c.at), c.actor)}</p>
                    <p class="body prewrap">{format!("Why: {}", c.reason)}</p>
                    {if role == Role::Dpo {
                        view! {
                            <ul class="list">
                                {c.changes.iter().map(|f| view! { <li>{format!("{}: \u{201c}{}\u{201d} became \u{201c}{}\u{201d}", f.label, f.old, f.new)}</li> }).collect_view()}
                            </ul>
                        }.into_any()
                    } else {
                        view! { <p class="body">{format!("Changed: {}", c.changes.iter().map(|f| f.label.as_str()).collect::<Vec<_>>().join(", "))}</p> }.into_any()
                    }}
                </li>
            }).collect_view()}
        </ol>
    })}
    }
}

pub fn consent(c: &Complaint) -> impl IntoView {
    view! {
    <h2 class="heading-m">"Consent and choices"</h2>
    <dl class="summary-list">
        {row("Consent to handle", "Yes".into())}
        {row("May share with the organisation complained about", yes_no(c.consents.share_with_organisation))}
        {row("Survey", if c.consents.survey_opt_out { "Opted out".into() } else { "May be invited".into() })}
        {row("Anonymised publication", if c.consents.publication_opt_out { "Opted out".into() } else { "Allowed".into() })}
    </dl>
    }
}

/// The outcome, the resolution, how the case ended, progress updates and earlier reviews.
pub fn decisions(case: &CaseFile) -> impl IntoView {
    view! {
    {case.outcome.clone().map(|o| view! {
        <h2 class="heading-m">"Outcome"</h2>
        <dl class="summary-list">
            {row("Decision", o.category.label().to_string())}
            <div class="summary-list__row"><dt class="summary-list__key">"Findings"</dt><dd class="summary-list__value prewrap">{o.findings.to_string()}</dd></div>
        </dl>
    })}
    {case.closure.clone().map(|cl| view! {
        <h2 class="heading-m">"Resolution"</h2>
        <p class="body prewrap">{cl.resolution.to_string()}</p>
        {cl.publication.map(|p| view! {
            <h3 class="heading-s">"Summary for publication"</h3>
            <p class="body prewrap">{p.to_string()}</p>
        })}
    })}
    {case.ending.clone().map(|e| view! {
        <h2 class="heading-m">"How it ended"</h2>
        <dl class="summary-list">
            {row("Ending", e.summary())}
            {e.note.as_ref().map(|n| row("Note", n.to_string()))}
        </dl>
    })}
    {(!case.updates.is_empty()).then(|| view! {
        <h2 class="heading-m">"Progress updates"</h2>
        <ol class="list notes">
            {case.updates.iter().map(|u| view! {
                <li class="note">
                    <p class="hint">{format!("{} · {} · outcome now expected by {}", date_time(u.at), u.author, long_date(u.update.revised_on))}</p>
                    <p class="body prewrap">{u.update.progress.to_string()}</p>
                    <p class="body prewrap">{format!("Why: {}", u.update.why)}</p>
                </li>
            }).collect_view()}
        </ol>
    })}
    {(!case.reviews.is_empty()).then(|| view! {
        <h2 class="heading-m">"Reviews"</h2>
        <ol class="list notes">
            {case.reviews.iter().map(|r| {
                let before = match (&r.outcome, &r.ending) {
                    (Some(o), _) => format!("Outcome before the review: {}{}", o.category.label(), r.outcome_sent_at.map(|t| format!(", sent {}", date_time(t))).unwrap_or_default()),
                    (None, Some(e)) => format!("Ended before the review: {}", e.summary()),
                    (None, None) => "Closed before the review".to_string(),
                };
                view! {
                    <li class="note">
                        <p class="hint">{format!("Reopened {} by {}", date_time(r.opened_at), r.opened_by)}</p>
                        <p class="body prewrap">{format!("Why: {}", r.reason)}</p>
                        <p class="body">{before}</p>
                        {r.outcome.clone().map(|o| view! { <p class="body prewrap">{format!("Findings then: {}", o.findings)}</p> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    })}
    }
}

/// The messages about the case and how each stands.
pub fn messages(case: &CaseFile) -> impl IntoView {
    view! {
    <h2 class="heading-m">"Messages"</h2>
    {if case.messages.is_empty() {
        view! { <p class="body">"No messages."</p> }.into_any()
    } else {
        view! {
            <ul class="list">
                {case.messages.iter().map(|m| {
                    let how = if m.route == Route::Post { "by post" } else { "by email" };
                    let when = m.sent_at.map(|t| format!(" {}", date_time(t))).unwrap_or_default();
                    let error = m.last_error.clone().filter(|_| m.status != MessageStatus::Sent).map(|e| format!(": {e}")).unwrap_or_default();
                    let copy = if m.to_mp { " (copy to the MP)" } else { "" };
                    // What the provider reported of its delivery (GOV.UK Notify).
                    let delivery = m.delivery.map(|d| format!("; {}", d.label().to_lowercase())).unwrap_or_default();
                    view! { <li>{format!("{}{copy} {how}: {}{when}{error}{delivery}", m.kind.label(), m.status.label().to_lowercase())}</li> }
                }).collect_view()}
            </ul>
        }.into_any()
    }}
    }
}

pub fn history(case: &CaseFile) -> impl IntoView {
    view! {
    <h2 class="heading-m">"History"</h2>
    <ol class="list history">
        {case.events.iter().map(|e| view! {
            <li>{format!("{} · {}{}{}", date_time(e.at), e.event,
                e.actor.as_ref().map(|a| format!(" · {a}")).unwrap_or_default(),
                e.detail.as_ref().map(|d| format!(" · {d}")).unwrap_or_default())}</li>
        }).collect_view()}
    </ol>
    }
}

/// The record on the case page: what has been recorded, and the links to record more while
/// the complaint is worked.
pub fn investigation(case: &CaseFile, workable: bool) -> impl IntoView {
    let i = case.investigation.clone();
    let compact = case.reference.compact();
    let link = move |path: &str, text: &'static str| {
        view! { <a class="button button--secondary" href=format!("/staff/cases/{compact}/{path}")>{text}</a> }
    };
    view! {
        <h2 class="heading-m" id="investigation">"Investigation"</h2>
        {match i.plan.clone() {
            Some(p) => view! {
                <h3 class="heading-s">"Plan"</h3>
                <dl class="summary-list">
                    {text_row("Scope", p.scope.to_string())}
                    {text_row("Evidence sources", p.evidence.to_string())}
                    {text_row("Stakeholders", p.stakeholders.to_string())}
                    {text_row("Milestones", p.milestones.iter().map(|m| format!("{}: {}", app::domain::calendar::long_date(m.by), m.what)).collect::<Vec<_>>().join("\n"))}
                </dl>
            }.into_any(),
            None => view! { <p class="body">"No investigation plan recorded yet."</p> }.into_any(),
        }}
        {(!i.measures.is_empty()).then(|| view! {
            <h3 class="heading-s">"Interim measures"</h3>
            <ul class="list">{i.measures.iter().map(|m| view! { <li class="prewrap">{format!("{}: {}", app::domain::calendar::long_date(m.taken_on), m.what)}</li> }).collect_view()}</ul>
        })}
        {i.findings.clone().map(|f| view! {
            <h3 class="heading-s">"Findings"</h3>
            <dl class="summary-list">
                {text_row("Facts", f.facts.to_string())}
                {text_row("The law that applies", f.law.to_string())}
                {text_row("Risks to the individual", f.risks.to_string())}
                {text_row("Breaches found", f.breaches.to_string())}
            </dl>
        })}
        {workable.then(|| view! {
            <div class="button-group">
                {link("plan", if i.plan.is_some() { "Change the plan" } else { "Record the investigation plan" })}
                {link("measures", "Record an interim measure")}
                {link("findings", if i.findings.is_some() { "Change the findings" } else { "Record the findings" })}
            </div>
        })}
    }
}

/// The DPO's records-management section of the case page.
pub fn records_management(
    compact: &str,
    csrf: &str,
    held: Option<&str>,
    restricted: Option<&str>,
    errors: &[FieldError],
) -> impl IntoView {
    let action = |p: &str| format!("/staff/cases/{compact}/{p}");
    let csrf = csrf.to_string();
    let hidden = move || view! { <input type="hidden" name="_csrf" value=csrf.clone()/> };
    view! {
        <section class="case-section" aria-labelledby="records-heading">
            <h2 id="records-heading" class="heading-m">"Records management (DPO)"</h2>
            {match held {
                Some(_) => view! {
                    <form method="post" action=action("release")>
                        {hidden()}
                        <button type="submit" class="button button--secondary">"Release the legal hold"</button>
                    </form>
                }.into_any(),
                None => view! {
                    <form method="post" action=action("hold")>
                        {hidden()}
                        <TextArea field=Field::fixed("reason", "", errors) label="Hold from retention because" hint="For example: ICO investigation, or a claim. Retention skips the case until the hold is released" rows=2/>
                        <button type="submit" class="button button--secondary">"Place a legal hold"</button>
                    </form>
                }.into_any(),
            }}
            {match restricted {
                Some(_) => view! {
                    <form method="post" action=action("unrestrict")>
                        {hidden()}
                        <button type="submit" class="button button--secondary">"Lift the restriction"</button>
                    </form>
                }.into_any(),
                None => view! {
                    <form method="post" action=action("restrict")>
                        {hidden()}
                        <TextArea field=Field::fixed("restrict_reason", "", errors) label="Restrict processing because" hint="The case is kept but handlers can no longer open it (for example while its accuracy is contested)" rows=2/>
                        <button type="submit" class="button button--secondary">"Restrict"</button>
                    </form>
                }.into_any(),
            }}
            <p class="body"><a href=action("erase")>"Erase the personal data of this case"</a></p>
        </section>
    }
}

/// Who complained and what about, as received (and as corrected since).
pub fn person_and_complaint(case: &CaseFile, category: &str, compact: &str) -> impl IntoView {
    let c = &case.complaint;
    let action = |path: &str| format!("/staff/cases/{compact}/{path}");
    let complainant = &c.complainant;
    let address = Some(address_lines(complainant).join(", ")).filter(|a| !a.is_empty());
    let on_behalf = {
        let label = OnBehalfOf::label_of(c.on_behalf_of.id());
        match &c.on_behalf_of {
            OnBehalfOf::Myself => label.to_string(),
            OnBehalfOf::SomeoneElse {
                name,
                relationship,
                they_agreed,
            } => format!(
                "{label}: {name} ({relationship}); {}",
                if *they_agreed {
                    "they agreed"
                } else {
                    "they have not agreed: check authority"
                }
            ),
            OnBehalfOf::Mp { mp_name } => match &c.constituent {
                // The MP wrote: the complainant's details are their office's.
                Some(k) => format!(
                    "{label}: {mp_name}, writing for their constituent {}{}. Letters go to the MP's office (the complainant's details above)",
                    k.name,
                    k.address
                        .as_ref()
                        .map(|a| format!(" ({})", a.as_str().replace('\n', ", ")))
                        .unwrap_or_default()
                ),
                None => format!("{label}: {mp_name}. Letters are copied to the MP"),
            },
        }
    };
    let wanted = c
        .outcomes_wanted
        .iter()
        .map(|o| o.label())
        .collect::<Vec<_>>()
        .join("; ");
    view! {
    <h2 class="heading-m">"The complainant"</h2>
    <p class="body"><a href=action("correct")>"Correct their details or choices"</a></p>
    <dl class="summary-list">
        {row("Name", complainant.full_name.to_string())}
        {row("Postal address", address.unwrap_or_else(|| "Not given".into()))}
        {row("Email", complainant.email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_else(|| "Not given".into()))}
        {row("Telephone", complainant.phone.as_ref().map(|e| e.as_str().to_string()).unwrap_or_else(|| "Not given".into()))}
        {row("Contact by", complainant.preferred_contact.label().to_string())}
        {row("Adjustments", complainant.adjustments.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "None".into()))}
        {row("Complaining for", on_behalf)}
    </dl>
    <h2 class="heading-m">"The complaint"</h2>
    <dl class="summary-list">
        {row("About", category.to_string())}
        {row("Service involved", c.service.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "Not given".into()))}
        {row("When", c.happened_when.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "Not given".into()))}
        <div class="summary-list__row"><dt class="summary-list__key">"What happened"</dt><dd class="summary-list__value prewrap">{c.description.to_string()}</dd></div>
        {c.breach_happened.map(|h| row("Information lost, stolen or disclosed", yes_no(h)))}
        {c.breach_status.map(|b| row("Breach reported before", b.label().to_string()))}
        {row("Wants", if wanted.is_empty() { "Not given".into() } else { wanted.clone() })}
        {c.outcome_other.as_ref().map(|t| row("Something else", t.to_string()))}
        {row("Also about the service", yes_no(c.also_about_service))}
    </dl>
    }
}

/// The remedial and improvement actions, each marked done here.
pub fn actions(case: &CaseFile, compact: &str, csrf: &str, today: NaiveDate) -> impl IntoView {
    let action = |path: &str| format!("/staff/cases/{compact}/{path}");
    let csrf = csrf.to_string();
    view! {
    {(!case.actions.is_empty()).then(|| view! {
        <h2 class="heading-m">"Actions"</h2>
        <table class="table">
            <caption class="visually-hidden">"Remedial and improvement actions, and whether each is done"</caption>
            <thead><tr><th scope="col">"Kind"</th><th scope="col">"Action"</th><th scope="col">"Owner"</th><th scope="col">"Due"</th><th scope="col">"Done"</th></tr></thead>
            <tbody>
                {case.actions.iter().map(|a| {
                    let overdue = a.done_on.is_none() && a.due_on < today;
                    let id = a.id;
                    let done = match a.done_on {
                        Some(d) => view! { <span>{format!("Done {}{}", long_date(d), a.done_note.as_ref().map(|n| format!(": {n}")).unwrap_or_default())}</span> }.into_any(),
                        None => view! {
                            <form method="post" action=action(&format!("actions/{id}/done")) class="action-done">
                                <input type="hidden" name="_csrf" value=csrf.clone()/>
                                <label class="label label--s" for=format!("done_on_{id}")>{format!("Done on (action {id})")}</label>
                                <input class="input input--date" type="date" id=format!("done_on_{id}") name=format!("done_on_{id}") value=today.to_string()/>
                                <label class="label label--s" for=format!("done_note_{id}")>"Note (optional)"</label>
                                <input class="input" type="text" id=format!("done_note_{id}") name=format!("done_note_{id}")/>
                                <button type="submit" class="button button--secondary button--small">"Mark done"<span class="visually-hidden">{format!(" (action {id})")}</span></button>
                            </form>
                        }.into_any(),
                    };
                    view! {
                        <tr>
                            <td class="table__cell">{a.kind.label()}</td>
                            <td class="table__cell">{a.description.clone()}</td>
                            <td class="table__cell">{if a.owner.is_empty() { "(removed under retention)".to_string() } else { a.owner.clone() }}</td>
                            <td class="table__cell">{long_date(a.due_on)}{overdue.then(|| view! { " "<strong class="tag tag--red">"Overdue"</strong> })}</td>
                            <td class="table__cell">{done}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    })}
    }
}

/// Which decision an outcome or closing letter belongs to, once the case has been reviewed
/// (issue 26 found two "Outcome letter" entries with nothing to tell them apart).
fn decision_of(case: &CaseFile, l: &crate::store::staff::StoredLetter) -> String {
    use app::domain::letter::LetterKind;
    if case.reviews.is_empty() || !matches!(l.kind, LetterKind::Outcome | LetterKind::Ending) {
        return String::new();
    }
    match case
        .reviews
        .iter()
        .filter(|r| r.opened_at <= l.created_at)
        .count()
    {
        0 => " (first decision)".into(),
        n => format!(" (review {n})"),
    }
}

/// The case's letters, each opened on its own page.
pub fn letters(case: &CaseFile, compact: &str) -> impl IntoView {
    let action = |path: &str| format!("/staff/cases/{compact}/{path}");
    view! {
    <h2 class="heading-m">"Letters"</h2>
    {if case.letters.is_empty() {
        view! { <p class="body">"No letters yet."</p> }.into_any()
    } else {
        view! {
            <ul class="list">
                {case.letters.iter().map(|l| {
                    let href = action(&format!("letters/{}", l.id));
                    view! { <li><a href=href>{format!("{}{}, {}", l.kind.label(), decision_of(case, l), date_time(l.created_at))}</a></li> }
                }).collect_view()}
            </ul>
        }.into_any()
    }}
    }
}

/// The triage flags still to work (seed 004 §23, §24, §26), each with the form that records
/// it done, and the warning not to share when the person declined.
pub fn triage_flags(case: &CaseFile, compact: &str, csrf: &str, today: NaiveDate) -> impl IntoView {
    let action = |path: &str| format!("/staff/cases/{compact}/{path}");
    let csrf = csrf.to_string();
    let flag_form = |flag: &'static str, button: &'static str, how: bool| {
        let id = format!("on-{flag}");
        view! {
            <form method="post" action=action(&format!("flags/{flag}")) class="inline-form flag-form">
                <input type="hidden" name="_csrf" value=csrf.clone()/>
                <label class="label label--s" for=id.clone()>"Date"</label>
                <input class="input input--date" type="date" id=id name="on" value=today.to_string()/>
                {how.then(|| view! {
                    <label class="label label--s" for="how">"How (for example: passport seen, signed authority)"</label>
                    <input class="input" type="text" id="how" name="how"/>
                })}
                <button type="submit" class="button button--secondary button--small">{button}</button>
            </form>
        }
    };
    let w = case.flags.clone();
    view! {
        {case.identity_check.then(|| match &w.identity_verified {
            Some((on, how)) => view! { <p class="body">{format!("Identity verified on {} ({how}).", long_date(*on))}</p> }.into_any(),
            None => view! {
                <div class="warning-text"><strong>"Check identity (or authority to act) before disclosing anything."</strong></div>
                {flag_form("identity", "Record identity verified", true)}
            }.into_any(),
        })}
        {case.clarification_needed.then(|| match (w.clarification_asked, w.clarification_received) {
            (_, Some(got)) => view! { <p class="body">{format!("Clarification received on {}{}.", long_date(got), w.clarification_asked.map(|a| format!(" (asked for on {})", long_date(a))).unwrap_or_default())}</p> }.into_any(),
            (Some(asked), None) => view! {
                <div class="warning-text"><strong>{format!("Clarification asked for on {}: not yet received.", long_date(asked))}</strong></div>
                {flag_form("clarification-received", "Record clarification received", false)}
            }.into_any(),
            (None, None) => view! {
                <div class="warning-text"><strong>"The scope may need clarifying with the complainant."</strong></div>
                <p class="body"><a href=format!("/staff/cases/{compact}/clarify")>"Ask the complainant for more information"</a>" (the outcome target pauses until they reply), or record that it was asked some other way:"</p>
                {flag_form("clarification-asked", "Record clarification asked for", false)}
            }.into_any(),
        })}
        {case.corporate_handover.then(|| match w.handover_made {
            Some(on) => view! { <p class="body">{format!("Handed to corporate complaints on {}.", long_date(on))}</p> }.into_any(),
            None => view! {
                <div class="warning-text"><strong>"Also about the service: hand over to the corporate complaints procedure."</strong></div>
                {flag_form("handover", "Record hand-over made", false)}
            }.into_any(),
        })}
        {(!case.complaint.consents.share_with_organisation).then(|| view! { <div class="warning-text"><strong>"Do not share: the complainant declined sharing with the organisation complained about."</strong></div> })}
    }
}

/// What staff must know before working the case: reasonable adjustments, a legal hold or
/// restriction, an update due, the triage flags still to work, a complaint to check was sent
/// by a person, a message that could not be sent.
pub fn notices(
    case: &CaseFile,
    today: NaiveDate,
    warning: u32,
    compact: &str,
    csrf: &str,
) -> impl IntoView {
    let complainant_adjustments = case
        .complaint
        .complainant
        .adjustments
        .as_ref()
        .map(|a| a.to_string());
    let adjust = app::domain::messages::Adjustments::of(&case.complaint.complainant);
    let failed = case.failed_messages().next().is_some();
    let undelivered = case.messages.iter().any(|m| {
        m.route == Route::Post && m.key.ends_with(":post") && m.status == MessageStatus::Waiting
    });
    view! {
    {complainant_adjustments.clone().map(|a| view! { <div class="notification-banner" role="region" aria-label="Reasonable adjustments"><p class="notification-banner__heading">{format!("Reasonable adjustments: {a}")}</p>{adjust.phone_only.then(|| view! { <p class="body">"Telephone only: ring them with what each letter says (the letters are kept on the case)."</p> })}{adjust.large_print.then(|| view! { <p class="body">"Large print: letters print in large print."</p> })}</div> })}
    {case.held.clone().map(|why| view! { <div class="warning-text"><strong>{format!("Legal hold: {why}. Retention skips this case until the hold is released.")}</strong></div> })}
    {case.restricted.clone().map(|why| view! { <div class="warning-text"><strong>{format!("Restricted: {why}. Only the Data Protection Officer can open this case.")}</strong></div> })}
    // While the outcome clock is stopped no update is due: the target waits for the reply.
    {(case.clock().target().is_some() && update_due(case.kind, case.status, case.outcome_due, case.revised_due, today, warning)).then(|| {
        let expected = app::domain::casework::expected_outcome(case.outcome_due, case.revised_due);
        let text = if expected < today {
            format!("Update due: the complainant was told to expect the outcome by {}. Send a progress update with a revised date and why.", long_date(expected))
        } else {
            format!("Update due: the complainant expects the outcome by {}. If it will be later, send a progress update with a revised date and why before then.", long_date(expected))
        };
        view! { <div class="warning-text"><strong>{text}</strong></div> }
    })}
    {triage_flags(case, compact, csrf, today)}
    {case.review.clone().map(|why| view! { <div class="warning-text"><strong>{format!("Check this complaint was sent by a person: {why}. It was stored as usual.")}</strong></div> })}
    {case.cannot_reach_at.map(|at| view! { <div class="warning-text"><strong>{format!("Cannot reach the complainant in writing since {}: an email could not be delivered and there is no postal address. Ring them if you can, and correct their details when you have new ones.", date_time(at))}</strong></div> })}
    {undelivered.then(|| view! { <div class="warning-text"><strong>"An email to the complainant could not be delivered: its letter is in the print queue to post instead."</strong></div> })}
    {failed.then(|| view! { <div class="warning-text"><strong>"A message about this case could not be sent: see the messages below, and ask the Data Protection Officer to try it again."</strong></div> })}
    }
}
