//! What a new case writes besides its own row, decided once for both stores' batch writers:
//! its first history entries (in the order they happened), its acknowledgement letter, its
//! messages (each with its key, and whether it carries that letter) and, keyed in by staff,
//! the audit entry.

use super::NewCase;
use app::domain::letter::Letter;
use app::domain::messages::Route;
use app::domain::reference::Reference;

pub(super) struct Event {
    pub event: &'static str,
    pub detail: String,
}

pub(super) struct Message {
    pub key: String,
    pub kind: &'static str,
    pub audience: &'static str,
    pub route: Route,
    /// It carries the acknowledgement letter.
    pub with_letter: bool,
}

pub(super) struct NewRows {
    pub events: Vec<Event>,
    pub letter: Option<Letter>,
    pub messages: Vec<Message>,
    /// The audit entry's detail, for a case keyed in by staff.
    pub audit: Option<String>,
}

impl NewCase {
    pub(super) fn rows(&self, reference: &Reference) -> NewRows {
        let channel = format!("channel: {}", self.channel.id());
        let mut events = vec![Event {
            event: "received",
            detail: channel.clone(),
        }];
        let mut messages = Vec::new();
        let mut message = |kind: &'static str, audience: &'static str, route, with_letter| {
            messages.push(Message {
                key: match audience {
                    "mp" => format!("{}:{kind}:mp:1", self.id),
                    _ => format!("{}:{kind}:1", self.id),
                },
                kind,
                audience,
                route,
                with_letter,
            })
        };
        let mut letter = None;
        if let (Some(route), Some(written)) =
            (self.acknowledgement_route, self.acknowledgement(reference))
        {
            letter = Some(written);
            message("acknowledgement", "complainant", route, true);
            if let Some(mp) = &self.mp {
                message("acknowledgement", "mp", mp.route(), true);
            }
            events.push(Event {
                event: "acknowledgement queued",
                detail: match route {
                    Route::Email => "to be emailed",
                    Route::Post => "in the print queue",
                }
                .into(),
            });
        }
        if self.confirm_by_email {
            message("confirmation", "complainant", Route::Email, false);
        }
        if self.alert_team {
            message("team_alert", "team", Route::Email, false);
        }
        NewRows {
            events,
            letter,
            messages,
            audit: self.keyed_in_by.as_ref().map(|_| channel),
        }
    }
}
