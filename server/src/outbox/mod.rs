//! Sending what the outbox holds. Each message was written in the same transaction as the
//! event that caused it; a worker in every instance claims due emails (a lease in the
//! database, so two instances never send the same one), renders each from the case as it is
//! now, sends it through the configured provider and records the result. Letters for the post
//! wait in the print queue for staff.
//!
//! Delivery is at least once: an instance that dies after the provider accepted a message but
//! before it recorded that (a window of milliseconds) leaves the claim to run out, and another
//! claim sends it again. GOV.UK Notify gets our message key as its `reference`, so such a
//! duplicate can be traced.

pub mod files;
pub mod notify;
pub mod smtp;

use crate::config::WorkerSettings;
use crate::store::outbox::Message;
use crate::store::staff::StaffStore;
use crate::AppState;
use app::domain::calendar::london_date;
use app::domain::casework::{next_due, urgency, Urgency};
use app::domain::casework::{DueFilter, RegisterQuery};
use app::domain::messages::{self, retry_at, CaseAlert, DigestLine, MessageKind, Route};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;

/// An email ready to go.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub kind: MessageKind,
    /// Our unique key for the message (Notify's `reference`, the .eml file's name).
    pub key: String,
    /// The same content as named fields, for Notify templates.
    pub personalisation: BTreeMap<String, String>,
    /// The language it is written in (the complainant's; staff mail is in English).
    pub lang: app::i18n::Lang,
}

/// Why sending failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Another try may work (a timeout, a 5xx, a busy relay).
    Transient(String),
    /// Another try will not (a refused address, a bad key or template): shown to the DPO.
    Permanent(String),
}

#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Sends one email; the provider's id for it, if it gives one.
    async fn send(&self, email: &Outgoing) -> Result<Option<String>, SendError>;
    /// For the DPO's page: "GOV.UK Notify", "SMTP relay mail.example.gov.uk", …
    fn describe(&self) -> String;
    /// Whether email really leaves this machine (the file transport does not).
    fn delivers(&self) -> bool {
        true
    }
}

/// Runs the worker for as long as the server runs.
pub fn spawn(state: AppState) {
    let instance = uuid::Uuid::new_v4().to_string();
    tokio::spawn(async move {
        let settings = state.config.outbox.clone();
        loop {
            match tick(&state, &instance, Utc::now()).await {
                // Readiness asks whether the worker is still going round (`api::ready`).
                Ok(()) => state
                    .outbox_heartbeat
                    .store(Utc::now().timestamp(), std::sync::atomic::Ordering::Relaxed),
                Err(e) => tracing::error!(error = %e, "outbox: a round of sending failed"),
            }
            tokio::time::sleep(settings.poll).await;
        }
    });
}

/// One round: queue today's digests once it is time, then send what is due.
pub async fn tick(state: &AppState, instance: &str, now: DateTime<Utc>) -> Result<(), String> {
    let settings = &state.config.outbox;
    let local = now.with_timezone(&chrono_tz::Europe::London);
    if local.time() >= settings.digest_at {
        for team in settings.team_mailboxes.keys() {
            state
                .outbox
                .queue_digest(team, local.date_naive())
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    let due = state
        .outbox
        .claim_due(now, settings.lease, instance, 20)
        .await
        .map_err(|e| e.to_string())?;
    // This instance's claim lasts until `now + lease`; once it has run out another instance
    // may claim the same messages. A slow round (a slow provider, a busy database) therefore
    // stops sending while half the lease is left, and the rest are claimed again next round:
    // otherwise two instances could both send one message.
    let stop_at = now + settings.lease / 2;
    for message in due {
        if Utc::now() >= stop_at {
            tracing::warn!(
                message = message.id,
                "outbox: the round ran long; the rest wait for the next claim"
            );
            break;
        }
        let rendered = render(state, &message).await;
        // The recipient cannot be emailed: no address, or the mail server refuses it for good.
        // (GOV.UK Notify's refusals at send time are mostly its configuration's, which the DPO
        // mends and retries; its bounces come later, to the delivery callback.)
        let unreachable = matches!(rendered, Ok(None)) || provider(state) == "smtp";
        let result = match rendered {
            Ok(Some(email)) => state.mailer.send(&email).await,
            Ok(None) => Err(SendError::Permanent(
                "nowhere to send it: no email address for this recipient".into(),
            )),
            Err(e) => Err(SendError::Transient(e)),
        };
        let recorded = match result {
            Ok(provider_id) => {
                state
                    .outbox
                    .mark_sent(message.id, provider_id.as_deref(), Utc::now())
                    .await
            }
            Err(SendError::Transient(e)) => {
                crate::metrics::send_failed(provider(state), "transient");
                match retry_at(message.attempts + 1, settings.retry_base, Utc::now()) {
                    Some(next) => state.outbox.mark_retry(message.id, next, &e).await,
                    None => state.outbox.mark_failed(message.id, &e).await,
                }
            }
            Err(SendError::Permanent(e)) => {
                crate::metrics::send_failed(provider(state), "permanent");
                let failed = state.outbox.mark_failed(message.id, &e).await;
                // As a bounce reported later would: the letter goes by post, or the case is
                // flagged.
                if failed.is_ok() && unreachable {
                    let permanent = app::domain::delivery::Delivery::PermanentFailure;
                    crate::delivery::follow_up(state, &message, permanent).await;
                }
                failed
            }
        };
        if let Err(e) = recorded {
            // The claim runs out and the message is tried again: at least once.
            tracing::error!(message = message.id, error = %e, "outbox: could not record a result");
        }
    }
    Ok(())
}

/// The provider's name in the metrics.
fn provider(state: &AppState) -> &'static str {
    match state.config.email {
        crate::config::EmailConfig::Files { .. } => "files",
        crate::config::EmailConfig::Smtp(_) => "smtp",
        crate::config::EmailConfig::Notify(_) => "notify",
    }
}

fn link(settings: &WorkerSettings, path: &str) -> String {
    format!("{}{path}", settings.public_url.trim_end_matches('/'))
}

/// The email a message carries, from the case as it is now; None if there is no address.
async fn render(state: &AppState, m: &Message) -> Result<Option<Outgoing>, String> {
    let settings = &state.config.outbox;
    let mut fields = BTreeMap::new();
    let mut lang = app::i18n::Lang::En;
    let (to, email) = match m.kind {
        MessageKind::Digest => {
            let team = m.team.clone().unwrap_or_default();
            let Some(to) = settings.team_mailboxes.get(&team).cloned() else {
                return Ok(None);
            };
            let day = m.digest_on.unwrap_or_else(|| london_date(Utc::now()));
            let lines = digest_lines(
                state.staff.as_ref(),
                &team,
                day,
                state.config.update_warning_days,
            )
            .await?;
            let name = state.config.taxonomy.team_name(&team);
            let register = link(settings, &format!("/staff/register?team={team}"));
            (to, messages::digest(&name, day, &lines, &register))
        }
        _ => {
            let reference = m.reference.ok_or("a case message without its case")?;
            let case = state
                .staff
                .case(&reference)
                .await
                .map_err(|e| e.to_string())?
                .ok_or("the case is gone")?;
            fields.insert("reference".into(), reference.to_string());
            fields.insert("received_on".into(), case.received_on.to_string());
            fields.insert("acknowledge_by".into(), case.acknowledge_by.to_string());
            fields.insert("outcome_due".into(), case.outcome_due.to_string());
            match m.kind {
                MessageKind::TeamAlert => {
                    let Some(to) = settings.team_mailboxes.get(&case.team).cloned() else {
                        return Ok(None);
                    };
                    let category = state.config.taxonomy.category_label(&case.category);
                    let url = link(settings, &format!("/staff/cases/{}", reference.compact()));
                    let alert = messages::team_alert(&CaseAlert {
                        reference: &reference,
                        kind: case.kind,
                        category: &category,
                        channel: case.channel,
                        acknowledge_by: case.acknowledge_by,
                        outcome_due: case.outcome_due,
                        link: &url,
                    });
                    (to, alert)
                }
                _ if m.to_mp => {
                    // A copy of the person's letter for the MP they complained through.
                    let Some(to) = case.mp.as_ref().and_then(|mp| mp.email.as_ref()) else {
                        return Ok(None);
                    };
                    let letter = case
                        .letters
                        .iter()
                        .find(|l| Some(l.id) == m.letter_id)
                        .ok_or("the letter is gone")?;
                    let email = messages::Email {
                        subject: format!("Copy: {}", letter.letter.subject),
                        body: format!(
                            "A copy of our letter to {}, who complained to us through you.\n\n{}",
                            case.complaint.complainant.full_name, letter.letter.body
                        ),
                    };
                    (to.as_str().to_string(), email)
                }
                _ => {
                    let Some(to) = case.complaint.complainant.email.as_ref() else {
                        return Ok(None);
                    };
                    lang = case.lang;
                    let email = match m.kind {
                        MessageKind::Confirmation => messages::confirmation(
                            &state.organisation_for(&case.team),
                            case.kind,
                            &reference,
                            case.received_on,
                            case.acknowledge_by,
                            case.outcome_due,
                            &app::i18n::Words::of(case.lang),
                        ),
                        _ => {
                            let letter = case
                                .letters
                                .iter()
                                .find(|l| Some(l.id) == m.letter_id)
                                .ok_or("the letter is gone")?;
                            let mut body = letter.letter.body.clone();
                            // The acknowledgement by email carries the complainant's link for
                            // sending evidence while the case is open: made now, only its hash
                            // kept, so neither the letter nor the outbox holds the secret.
                            let acknowledgement = matches!(
                                letter.kind,
                                app::domain::letter::LetterKind::Acknowledgement
                            );
                            if acknowledgement
                                && case.status != app::domain::casework::Status::Closed
                            {
                                let (token, hash) = crate::evidence::new_link_token();
                                state
                                    .evidence_store
                                    .add_link(&reference, &hash, crate::evidence::LINK_USES)
                                    .await
                                    .map_err(|e| e.to_string())?;
                                let url =
                                    link(settings, &case.lang.path(&format!("/evidence/{token}")));
                                let w = app::i18n::Words::of(case.lang);
                                body.push_str("\n\n");
                                body.push_str(&messages::evidence_paragraph(&url, &w));
                            }
                            messages::Email {
                                subject: letter.letter.subject.clone(),
                                body,
                            }
                        }
                    };
                    (to.as_str().to_string(), email)
                }
            }
        }
    };
    fields.insert("subject".into(), email.subject.clone());
    fields.insert("body".into(), email.body.clone());
    Ok(Some(Outgoing {
        to,
        subject: email.subject,
        body: email.body,
        kind: m.kind,
        key: m.key.clone(),
        personalisation: fields,
        lang,
    }))
}

/// A team's open cases whose next deadline is overdue or within seven days, and those with
/// no handler (the register's own filters, so the digest and the register agree).
async fn digest_lines(
    staff: &dyn StaffStore,
    team: &str,
    day: chrono::NaiveDate,
    warning_days: u32,
) -> Result<Vec<DigestLine>, String> {
    let mut lines: Vec<DigestLine> = Vec::new();
    let queries = [
        RegisterQuery {
            team: Some(team.into()),
            open_only: true,
            due: Some(DueFilter::Overdue),
            page: 1,
            hide_restricted: true,
            ..RegisterQuery::default()
        },
        RegisterQuery {
            team: Some(team.into()),
            open_only: true,
            due: Some(DueFilter::ThisWeek),
            page: 1,
            hide_restricted: true,
            ..RegisterQuery::default()
        },
        RegisterQuery {
            team: Some(team.into()),
            open_only: true,
            unassigned: true,
            page: 1,
            hide_restricted: true,
            ..RegisterQuery::default()
        },
        // Every open complaint, for those whose progress update is due (SPEC "Keeping people
        // informed"): told before the date the complainant was given passes.
        RegisterQuery {
            team: Some(team.into()),
            open_only: true,
            kind: Some(app::domain::triage::CaseKind::Complaint),
            all: true,
            hide_restricted: true,
            ..RegisterQuery::default()
        },
    ];
    for q in queries {
        let page = staff.register(&q, day).await.map_err(|e| e.to_string())?;
        for r in page.rows {
            let update = app::domain::casework::update_due(
                r.kind,
                r.status,
                r.outcome_due,
                r.revised_due,
                day,
                warning_days,
            )
            .then(|| app::domain::casework::expected_outcome(r.outcome_due, r.revised_due));
            if let Some(l) = lines.iter_mut().find(|l| l.reference == r.reference) {
                l.update_due = l.update_due.or(update);
                continue;
            }
            if q.all && update.is_none() {
                continue;
            }
            let due = next_due(r.kind, r.status, r.acknowledge_by, r.outcome_due);
            lines.push(DigestLine {
                update_due: update,
                reference: r.reference,
                what: due
                    .map(|d| d.label().to_string())
                    .unwrap_or_else(|| r.status.label().to_string()),
                due: due.map(|d| d.date()),
                overdue: due.is_some_and(|d| urgency(d.date(), day) == Urgency::Overdue),
                unassigned: r.handler.is_none(),
            });
        }
    }
    Ok(lines)
}

/// The mailer the configuration names.
pub fn mailer(config: &crate::config::Config) -> Result<Arc<dyn Mailer>, String> {
    Ok(match &config.email {
        crate::config::EmailConfig::Files { dir } => Arc::new(files::Files::new(dir.clone())),
        crate::config::EmailConfig::Smtp(s) => Arc::new(smtp::Smtp::new(s)?),
        crate::config::EmailConfig::Notify(n) => Arc::new(notify::Notify::new(n)?),
    })
}

/// Which route a letter takes for this case, if any (see `messages::written_route`).
pub fn route_for(case: &crate::store::staff::CaseFile) -> Option<Route> {
    messages::written_route(&case.complaint.complainant)
}
