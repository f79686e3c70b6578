//! The casework service: every change staff make to a case comes through `carry_out`, as every
//! complaint comes through `intake::receive`. It takes the case as the form saw it and a
//! command already parsed from the form, checks the form was filled in on the case as it still
//! is, asks the domain whether the change is allowed, writes the letter the change sends, and
//! hands the store one `CaseChange` to apply in one transaction with its history, audit entry
//! and message. The staff pages parse forms into commands and show the answer; nothing else.

use crate::outbox::route_for;
use crate::store::staff::{Applied, CaseChange, CaseFile};
use crate::store::StoreError;
use crate::AppState;
use app::domain::calendar::{london_date, Deadlines};
use app::domain::casework::{
    may, may_assign, may_confirm, next_step, reclassified, review_target, Assignment, Closure,
    Correction, Ending, EndingRecord, FlagWork, Handling, Investigation, InvestigationPart, Move,
    MpContact, NoteKind, Outcome, ProgressUpdate, Role, WaitStep,
};
use app::domain::letter;
use app::domain::messages::MessageKind;
use app::domain::reference::Reference;
use app::domain::text::Text;
use app::domain::FieldError;
use app::i18n::Words;
use chrono::{NaiveDate, Utc};

/// Who is making the change.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub username: &'a str,
    /// Signs the letters they send.
    pub name: &'a str,
    pub role: Role,
}

/// A change a member of staff asks for, parsed from their form.
// One per request, moved once: boxing the large variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Command {
    AddNote {
        kind: NoteKind,
        body: String,
    },
    Assign {
        handler: String,
        independence_ticked: bool,
    },
    ConfirmIndependence {
        ticked: bool,
    },
    Acknowledge,
    Investigate,
    SendOutcome(Outcome),
    Close(Closure),
    End(EndingRecord),
    UpdateProgress(ProgressUpdate),
    Reopen {
        reason: String,
    },
    Reclassify {
        reason: String,
    },
    /// The whole investigation record to save, and which part the form changed.
    RecordInvestigation(Investigation, InvestigationPart),
    ActionDone {
        id: i64,
        done_on: NaiveDate,
        note: Option<String>,
    },
    SetMp(MpContact),
    WorkFlag(FlagWork),
    Correct(Correction),
    /// The complaint lodged from this breach report (made through the intake first).
    LinkLodged {
        complaint: Reference,
    },
    /// Ask the complainant for more information (004 §24), or remind them, with what is
    /// needed in the handler's words.
    AskForInformation {
        needed: Text,
    },
    /// Grouped under an incident, or taken out of one (none).
    Label {
        incident: Option<Text>,
    },
    Remind {
        needed: Text,
    },
    RecordReply,
}

impl Command {
    /// Whether the form must have been filled in on the case as it still is. Notes, actions
    /// done, flags, the MP's details and links are checked by the store instead: each is
    /// kept once, whatever else changed meanwhile.
    fn needs_version(&self) -> bool {
        !matches!(
            self,
            Command::AddNote { .. }
                | Command::Label { .. }
                | Command::ActionDone { .. }
                | Command::SetMp(_)
                | Command::WorkFlag(_)
                | Command::LinkLodged { .. }
        )
    }

    /// The move the domain's procedure table must allow (`casework::may`), if any.
    fn procedure_move(&self) -> Option<Move> {
        Some(match self {
            Command::Acknowledge => Move::Acknowledge,
            Command::Investigate => Move::Investigate,
            Command::SendOutcome(_) => Move::SendOutcome,
            Command::Close(_) => Move::Close,
            Command::End(record) => Move::End(record.ending),
            Command::UpdateProgress(_) => Move::UpdateProgress,
            Command::Reopen { .. } => Move::Reopen,
            Command::RecordInvestigation(..) => Move::RecordInvestigation,
            Command::AskForInformation { .. } => Move::AskForInformation,
            Command::Remind { .. } => Move::Remind,
            Command::RecordReply => Move::RecordReply,
            _ => return None,
        })
    }
}

/// Why nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Someone else changed the case first (the form's version, or the store's check).
    Changed,
    /// The procedure does not allow it from where the case is (shown on the case, 409).
    Rule(FieldError),
    /// Something in the form (422).
    Invalid(Vec<FieldError>),
}

fn invalid(field: &str, message: &str) -> Refused {
    Refused::Invalid(vec![FieldError::new(field, message)])
}

pub fn handling(case: &CaseFile) -> Handling<'_> {
    Handling {
        status: case.status,
        handler: case.handler.as_deref(),
        handler_confirmed: case.handler_confirmed_at.is_some(),
    }
}

/// Carries out `command` on `case` (as the form saw it; `seen` is the form's version token).
pub async fn carry_out(
    state: &AppState,
    actor: Actor<'_>,
    case: &CaseFile,
    seen: &str,
    command: Command,
) -> Result<Result<(), Refused>, StoreError> {
    if command.needs_version() && seen != case.version() {
        return Ok(Err(Refused::Changed));
    }
    let change = match allowed(state, actor, case, command).await? {
        Ok(change) => change,
        Err(refused) => return Ok(Err(refused)),
    };
    Ok(
        match state.staff.apply(case, &change, actor.username).await? {
            Applied::Done => Ok(()),
            Applied::Stale => Err(Refused::Changed),
        },
    )
}

/// The domain's answer, and the change with its letter when it is allowed.
async fn allowed(
    state: &AppState,
    actor: Actor<'_>,
    case: &CaseFile,
    command: Command,
) -> Result<Result<CaseChange, Refused>, StoreError> {
    if let Some(m) = command.procedure_move() {
        if let Some(e) = refusal(state, actor, case, m) {
            return Ok(Err(Refused::Rule(e)));
        }
    }
    decide(state, actor, case, command).await
}

/// Why the procedure refuses move `m` on the case now, if it does, in words that say what to
/// do first. The forms ask before they open, so nobody types a whole letter to be refused.
pub fn refusal(state: &AppState, actor: Actor<'_>, case: &CaseFile, m: Move) -> Option<FieldError> {
    let rule = |message: String| Some(FieldError::new("", message));
    if let Err(r) = may(case.kind, &handling(case), m, actor.username, actor.role) {
        // Where the case is in the wrong place for it, what to do first.
        let next = match r {
            app::domain::casework::Refusal::NotFromHere { .. } => {
                format!(". {}", next_step(case.kind, case.status))
            }
            _ => String::new(),
        };
        return rule(format!("{}{next}", r.message()));
    }
    // Waiting for the complainant (004 §24): the outcome waits for the reply, a case is ended
    // "no reply" only once the time to reply has passed, and each step has its moment.
    let clock = case.clock();
    let today = london_date(Utc::now());
    let waits = match m {
        Move::SendOutcome => clock.may_send_outcome(),
        Move::End(Ending::NoReply) => {
            clock.may_end_without_reply(today, state.config.no_reply_days)
        }
        Move::AskForInformation => clock.ask(today).map(|_| ()),
        Move::Remind => clock.remind(today).map(|_| ()),
        Move::RecordReply => clock.reply(today, &state.config.calendar).map(|_| ()),
        _ => Ok(()),
    };
    if let Err(r) = waits {
        return rule(r.message());
    }
    // One letter of a kind at a time: the first is still on its way.
    let kind = match m {
        Move::Acknowledge => Some(MessageKind::Acknowledgement),
        Move::SendOutcome => Some(MessageKind::Outcome),
        _ => None,
    };
    if let Some(m) = kind.and_then(|k| case.waiting(k)) {
        return rule(format!(
            "The {} is already waiting to go: nothing was changed",
            m.kind.label().to_lowercase()
        ));
    }
    None
}

/// The change a command makes, with its letter in the case's language, or the rule it breaks.
async fn decide(
    state: &AppState,
    actor: Actor<'_>,
    case: &CaseFile,
    command: Command,
) -> Result<Result<CaseChange, Refused>, StoreError> {
    let org = &*state.organisation_for(&case.team);
    let (reference, route) = (&case.reference, route_for(case));
    let name = case.complaint.complainant.full_name.as_str();
    let words = Words::of(case.lang);
    let team = state.config.taxonomy.team_name(&case.team);
    Ok(Ok(match command {
        Command::Assign {
            handler,
            independence_ticked,
        } => return assignment(state, actor, case, handler, independence_ticked).await,
        Command::ConfirmIndependence { ticked } => return Ok(confirmation(actor, case, ticked)),
        Command::Reclassify { reason } => match reclassified(case.kind, case.status) {
            Ok(to) => CaseChange::Reclassify {
                from: case.kind,
                to,
                // SPEC "Categories and triage": from the day it was received, whatever kind.
                deadlines: Deadlines::from_receipt(case.received_on, &state.config.calendar),
                reason,
            },
            Err(r) => return Ok(Err(Refused::Rule(FieldError::new("", r.message())))),
        },
        Command::AddNote { kind, body } => CaseChange::Note { kind, body },
        Command::Acknowledge => CaseChange::Acknowledge {
            letter: letter::acknowledgement(
                org,
                name,
                reference,
                case.received_on,
                &team,
                case.outcome_due,
                &words,
            ),
            route,
        },
        Command::Investigate => CaseChange::Investigate,
        Command::SendOutcome(outcome) => CaseChange::SendOutcome {
            letter: letter::outcome(org, name, reference, &team, &outcome, actor.name, &words),
            outcome,
            route,
        },
        Command::Close(closure) => CaseChange::Close { closure },
        Command::End(record) => CaseChange::End {
            letter: letter::ending(org, name, reference, case.kind, &record, actor.name, &words),
            record,
            route,
        },
        Command::UpdateProgress(update) => CaseChange::Progress {
            letter: letter::progress_update(org, name, reference, &update, actor.name, &words),
            update,
            route,
        },
        Command::Reopen { reason } => CaseChange::Reopen {
            reason,
            outcome_due: review_target(london_date(Utc::now()), &state.config.calendar),
        },
        Command::RecordInvestigation(record, part) => CaseChange::Investigation { record, part },
        Command::ActionDone { id, done_on, note } => CaseChange::ActionDone { id, done_on, note },
        Command::SetMp(mp) => CaseChange::Mp(mp),
        Command::WorkFlag(work) => CaseChange::Flag(work),
        Command::Correct(correction) => CaseChange::Correct(correction),
        Command::LinkLodged { complaint } => CaseChange::LinkLodged { complaint },
        Command::Label { incident } => CaseChange::Label {
            before: case.incident.clone(),
            incident: incident.map(|t| t.to_string()),
        },
        Command::AskForInformation { .. } | Command::Remind { .. } | Command::RecordReply => {
            return Ok(waiting(state, actor, case, command));
        }
    }))
}

/// SPEC "Deadlines" (004 §24): the clock as the domain moves it, with the letter a request or
/// reminder sends (reply by the day the case may be ended without one, or a fortnight on).
fn waiting(
    state: &AppState,
    actor: Actor<'_>,
    case: &CaseFile,
    command: Command,
) -> Result<CaseChange, Refused> {
    let before = case.clock();
    let today = london_date(Utc::now());
    let rule =
        |r: app::domain::casework::WaitRefusal| Refused::Rule(FieldError::new("", r.message()));
    let letter = |needed: &Text, since: NaiveDate, reminder: bool| {
        let no_reply = since + chrono::Days::new(state.config.no_reply_days.into());
        let fortnight = today + chrono::Days::new(app::domain::casework::REMINDER_DAYS.into());
        letter::information_request(
            &state.organisation_for(&case.team),
            case.complaint.complainant.full_name.as_str(),
            &case.reference,
            needed,
            no_reply.max(fortnight),
            reminder,
            actor.name,
            &Words::of(case.lang),
        )
    };
    let route = route_for(case);
    let (after, step) = match command {
        Command::AskForInformation { needed } => {
            let after = before.ask(today).map_err(rule)?;
            let letter = letter(&needed, today, false);
            (after, WaitStep::Ask { letter, route })
        }
        Command::Remind { needed } => {
            let after = before.remind(today).map_err(rule)?;
            let since = after.waiting.map_or(today, |w| w.since);
            let letter = letter(&needed, since, true);
            (after, WaitStep::Remind { letter, route })
        }
        _ => {
            let after = before.reply(today, &state.config.calendar).map_err(rule)?;
            (after, WaitStep::Reply)
        }
    };
    Ok(CaseChange::Wait {
        before,
        after,
        step,
    })
}

/// Seed 004 §30: the assigned handler confirms, once, on an open case, by ticking the box.
fn confirmation(actor: Actor<'_>, case: &CaseFile, ticked: bool) -> Result<CaseChange, Refused> {
    if !may_confirm(&handling(case), actor.username) {
        // The page offered the box, but the case has moved on (or was re-assigned) since.
        Err(invalid(
            "",
            "Only the assigned handler can confirm their independence, once, on an open case",
        ))
    } else if !ticked {
        Err(invalid(
            "confirm_independent",
            "Tick to confirm you have not worked on the processing this complaint is about",
        ))
    } else {
        Ok(CaseChange::ConfirmIndependence)
    }
}

/// SPEC "The investigation" (004 §30): only to someone who may handle cases, and only they
/// can confirm their own independence.
async fn assignment(
    state: &AppState,
    actor: Actor<'_>,
    case: &CaseFile,
    handler: String,
    independence_ticked: bool,
) -> Result<Result<CaseChange, Refused>, StoreError> {
    let may_handle = state
        .staff
        .user(&handler)
        .await?
        .is_some_and(|u| u.role.allows(Role::Handler) && !u.disabled);
    let asked = Assignment {
        candidate: &handler,
        candidate_may_handle: may_handle,
        actor: actor.username,
        independence_ticked,
    };
    Ok(match may_assign(case.status, &asked) {
        Ok(confirmed) => Ok(CaseChange::Assign { handler, confirmed }),
        Err(refusal) => Err(invalid(refusal.field(), refusal.message())),
    })
}
