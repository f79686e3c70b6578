//! The case page's sections that only show what the case holds (and the DPO's records
//! section): views, no handlers. `page.rs` assembles them; the handlers re-render the page and
//! never need these, so the page depends on nothing that depends on it.

use crate::staff::components::date_time;
use crate::store::outbox::MessageStatus;
use crate::store::staff::CaseFile;
use app::domain::calendar::long_date;
use app::domain::casework::Role;
use app::domain::complaint::Complaint;
use app::domain::messages::Route;
use app::domain::FieldError;
use app::ui::fields::{Field, TextArea};
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
                    view! { <li>{format!("{}{copy} {how}: {}{when}{error}", m.kind.label(), m.status.label().to_lowercase())}</li> }
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
