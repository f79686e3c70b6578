//! How and when a complaint arrived, as staff key it in (seed 004 §15, §27, §28).

use crate::domain::complaint::{Channel, Complaint, ComplaintInput};
use crate::domain::taxonomy::Taxonomy;
use crate::domain::FieldError;
use chrono::NaiveDate;

/// A date typed as YYYY-MM-DD (the value a date input sends).
pub fn date_field(raw: &str, field: &str, label: &str) -> Result<Option<NaiveDate>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            FieldError::new(
                field,
                format!("{label} must be a real date, like 2026-12-31"),
            )
        })
}

/// What staff key in: the public form's answers, and how and when the complaint arrived
/// (fields the public cannot set, so they are not part of `ComplaintInput`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StaffIntakeInput {
    pub complaint: ComplaintInput,
    pub channel: String,
    pub received_on: String,
}

/// What staff keyed in, parsed: how it arrived, the complaint, and the MP's details when it
/// came through an MP and staff gave them.
pub type StaffIntake = (StaffReceipt, Complaint, Option<super::MpContact>);

impl StaffIntakeInput {
    /// Checks everything at once, the receipt's problems first (they come first on the form).
    pub fn parse(
        &self,
        taxonomy: &Taxonomy,
        today: NaiveDate,
    ) -> Result<StaffIntake, Vec<FieldError>> {
        // The MP's details are the complaint's own questions (the public form asks them too).
        let receipt = StaffReceipt::parse(&self.channel, &self.received_on, today);
        let complaint = Complaint::parse(&self.complaint, taxonomy);
        match (receipt, complaint) {
            (Ok(r), Ok(c)) => {
                let mp = c.mp_contact.clone();
                Ok((r, c, mp))
            }
            (r, c) => {
                let mut errors = r.err().unwrap_or_default();
                errors.extend(c.err().unwrap_or_default());
                Err(errors)
            }
        }
    }
}

/// How and when a complaint keyed in by staff arrived (seed 004 §15, §28).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffReceipt {
    pub channel: Channel,
    pub received_on: NaiveDate,
}

/// The channels staff key in; "online" is the public form's own.
pub const STAFF_CHANNELS: [Channel; 6] = [
    Channel::Telephone,
    Channel::Post,
    Channel::Email,
    Channel::InPerson,
    Channel::SocialMedia,
    Channel::Processor,
];

/// How far back a receipt date may go: older paper found in a drawer is still a complaint,
/// but a year back is far more likely a typing mistake.
pub const OLDEST_RECEIPT_DAYS: u64 = 366;

impl StaffReceipt {
    pub fn parse(
        channel: &str,
        received_on: &str,
        today: NaiveDate,
    ) -> Result<StaffReceipt, Vec<FieldError>> {
        let mut errors = Vec::new();
        let channel = STAFF_CHANNELS
            .into_iter()
            .find(|c| c.id() == channel.trim());
        if channel.is_none() {
            errors.push(FieldError::new(
                "channel",
                "Select how the complaint was received",
            ));
        }
        let date = match date_field(received_on, "received_on", "The date received") {
            Ok(Some(d)) if d > today => {
                errors.push(FieldError::new(
                    "received_on",
                    "The date received must be today or in the past",
                ));
                None
            }
            Ok(Some(d)) if d + chrono::Days::new(OLDEST_RECEIPT_DAYS) < today => {
                errors.push(FieldError::new(
                    "received_on",
                    "The date received must be within the last year",
                ));
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.push(FieldError::new(
                    "received_on",
                    "Enter the date the complaint was received",
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        match (channel, date) {
            (Some(channel), Some(received_on)) => Ok(StaffReceipt {
                channel,
                received_on,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn staff_receipts_need_a_staff_channel_and_a_past_date() {
        let today = d("2026-11-24");
        let ok = StaffReceipt::parse("telephone", "2026-11-02", today).unwrap();
        assert_eq!(ok.channel, Channel::Telephone);
        assert_eq!(ok.received_on, d("2026-11-02"));
        assert!(StaffReceipt::parse("post", "2026-11-24", today).is_ok());
        let e = StaffReceipt::parse("online", "2026-11-25", today).unwrap_err();
        assert_eq!(e[0].message, "Select how the complaint was received");
        assert_eq!(
            e[1].message,
            "The date received must be today or in the past"
        );
        let e = StaffReceipt::parse("email", "", today).unwrap_err();
        assert_eq!(e[0].message, "Enter the date the complaint was received");
        let e = StaffReceipt::parse("email", "2025-11-01", today).unwrap_err();
        assert_eq!(
            e[0].message,
            "The date received must be within the last year"
        );
        let e = StaffReceipt::parse("email", "24/11/2026", today).unwrap_err();
        assert_eq!(e[0].field, "received_on");
    }

    #[test]
    fn staff_intake_reports_receipt_and_complaint_problems_together() {
        let today = d("2026-11-24");
        let mut input = StaffIntakeInput {
            complaint: ComplaintInput::example(),
            channel: "telephone".into(),
            received_on: "2026-11-20".into(),
        };
        let (receipt, complaint, _) = input.parse(&Taxonomy::default(), today).unwrap();
        assert_eq!(receipt.received_on, d("2026-11-20"));
        assert_eq!(complaint.complainant.full_name.as_str(), "Sam Example");
        input.channel = String::new();
        input.complaint.full_name = None;
        let fields: Vec<String> = input
            .parse(&Taxonomy::default(), today)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["channel", "full_name"]);
    }
}
