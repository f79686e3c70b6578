//! Whether a letter reached the complainant (issue 26; SPEC "Keeping people informed": a case
//! counts as acknowledged only once the letter has actually been sent or posted).
//!
//! GOV.UK Notify reports each email's fate to a callback: delivered, or one of three failures.
//! A permanent failure (the address does not exist, or the provider refuses it for good) means
//! the letter never arrived, and it never will by email: it goes to the print queue when we
//! have the person's postal address, else the case is flagged "cannot reach the complainant"
//! for the handler to ring them or find another way. A temporary failure (an inbox full for
//! Notify's 72 hours of tries) or a technical failure (Notify's own) is recorded and shown,
//! for the handler to judge: the address may work another day. An SMTP server refusing the
//! recipient when we send is a permanent failure too.

/// A delivery report's status, as Notify's callback names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    Delivered,
    PermanentFailure,
    TemporaryFailure,
    TechnicalFailure,
}

impl Delivery {
    pub const ALL: [Delivery; 4] = [
        Delivery::Delivered,
        Delivery::PermanentFailure,
        Delivery::TemporaryFailure,
        Delivery::TechnicalFailure,
    ];

    /// Notify's word for it (also how it is stored).
    pub fn id(self) -> &'static str {
        match self {
            Delivery::Delivered => "delivered",
            Delivery::PermanentFailure => "permanent-failure",
            Delivery::TemporaryFailure => "temporary-failure",
            Delivery::TechnicalFailure => "technical-failure",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Delivery::Delivered => "Delivered",
            Delivery::PermanentFailure => "Not delivered: the address does not work",
            Delivery::TemporaryFailure => "Not delivered: the inbox did not accept it",
            Delivery::TechnicalFailure => "Not delivered: a fault at GOV.UK Notify",
        }
    }

    /// Notify's status; anything else (Notify's in-progress states are not sent to a callback)
    /// is not a report we act on.
    pub fn parse(s: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.id() == s)
    }
}

/// What follows a letter's email failing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Nothing: delivered, or a failure the handler judges.
    None,
    /// The same letter into the print queue.
    Post,
    /// No postal address either: the case is flagged for the handler.
    CannotReach,
}

/// Tested by `a_permanent_failure_posts_the_letter_or_flags_the_case`.
///
/// For a report on an email carrying a letter to the complainant: post it when the email can
/// never arrive and there is a postal address; else flag the case. Emails without a letter
/// (the instant confirmation) and copies to an MP change nothing: the letters that matter are
/// followed up themselves.
pub fn fallback(
    delivery: Delivery,
    emailed: bool,
    carries_letter: bool,
    has_address: bool,
) -> Fallback {
    if delivery != Delivery::PermanentFailure || !emailed || !carries_letter {
        return Fallback::None;
    }
    if has_address {
        Fallback::Post
    } else {
        Fallback::CannotReach
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permanent_failure_posts_the_letter_or_flags_the_case() {
        use Delivery::*;
        assert_eq!(fallback(PermanentFailure, true, true, true), Fallback::Post);
        assert_eq!(
            fallback(PermanentFailure, true, true, false),
            Fallback::CannotReach
        );
        for d in [Delivered, TemporaryFailure, TechnicalFailure] {
            assert_eq!(fallback(d, true, true, true), Fallback::None, "{d:?}");
            assert_eq!(fallback(d, true, true, false), Fallback::None, "{d:?}");
        }
        // The confirmation carries no letter; a posted letter is not emailed.
        assert_eq!(
            fallback(PermanentFailure, true, false, true),
            Fallback::None
        );
        assert_eq!(
            fallback(PermanentFailure, false, true, true),
            Fallback::None
        );
    }

    #[test]
    fn notify_statuses_read_back_and_nothing_else_does() {
        for d in Delivery::ALL {
            assert_eq!(Delivery::parse(d.id()), Some(d));
        }
        for other in ["", "sending", "created", "Delivered", "permanent_failure"] {
            assert_eq!(Delivery::parse(other), None, "{other}");
        }
    }
}
