//! Dates and times on the wire (JSON), written and read by hand: chrono's own parser and
//! formatter are large, and the WebAssembly reads receipts and drafts on every phone. The
//! formats are the usual ones (ISO 8601 dates, RFC 3339 times in UTC), and reading accepts
//! what chrono writes too, so stored answers stay readable.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// Decimal digits only, at least one, within u32.
pub fn digits(s: &str) -> Option<u32> {
    s.bytes()
        .try_fold(0u32, |n, d| {
            d.is_ascii_digit()
                .then(|| n.checked_mul(10)?.checked_add(u32::from(d - b'0')))?
        })
        .filter(|_| !s.is_empty())
}

/// "2026-11-24".
pub fn read_date(s: &str) -> Option<NaiveDate> {
    // By position: the reports read a few hundred thousand dates at a time.
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(&s[..4])? as i32, digits(&s[5..7])?, digits(&s[8..])?)
}

pub fn format_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// "2026-11-24T08:20:25.123456Z", or with any fraction, or an offset like "+01:00".
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let date = read_date(date)?;
    let (clock, offset_seconds) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0i64)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (c, off) = rest.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, m) = off[1..].split_once(':')?;
        (
            c,
            sign * (digits(h)? as i64 * 3600 + digits(m)? as i64 * 60),
        )
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, f)) if f.len() <= 9 => (hms, f),
        Some(_) => return None,
        None => (clock, ""),
    };
    let mut hms = hms.split(':');
    let (h, m, sec) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() || h.len() != 2 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    let nanos = if fraction.is_empty() {
        0
    } else {
        digits(fraction)? * 10u32.pow(9 - fraction.len() as u32)
    };
    let time = NaiveTime::from_hms_nano_opt(digits(h)?, digits(m)?, digits(sec)?, nanos)?;
    let local = NaiveDateTime::new(date, time);
    Some(local.and_utc() - chrono::Duration::seconds(offset_seconds))
}

pub fn format_time(t: DateTime<Utc>) -> String {
    use chrono::Timelike;
    let n = t.naive_utc();
    format!(
        "{}T{:02}:{:02}:{:02}.{:06}Z",
        format_date(n.date()),
        n.hour(),
        n.minute(),
        n.second(),
        n.nanosecond() / 1000
    )
}

/// `#[serde(with = "wire::date")]`
pub mod date {
    use super::*;
    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(*d))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        read_date(&s).ok_or_else(|| serde::de::Error::custom("expected a date like 2026-11-24"))
    }
}

/// `#[serde(with = "wire::time")]`
pub mod time {
    use super::*;
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_time(*t))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        parse_time(&s)
            .ok_or_else(|| serde::de::Error::custom("expected a time like 2026-11-24T08:20:25Z"))
    }
}

/// `#[serde(with = "wire::optional_time")]`
pub mod optional_time {
    use super::*;
    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_some(&format_time(*t)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(s) => parse_time(&s).map(Some).ok_or_else(|| {
                serde::de::Error::custom("expected a time like 2026-11-24T08:20:25Z")
            }),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_chrono_writes() {
        for s in [
            "2026-11-24T08:20:25Z",
            "2026-11-24T08:20:25.5Z",
            "2026-11-24T08:20:25.123456789Z",
            "2026-11-24T09:20:25.123456789+01:00",
            "2026-11-24T07:50:25.123456789-00:30",
        ] {
            let ours = parse_time(s).unwrap();
            let chrono = DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
            assert_eq!(ours, chrono, "{s}");
        }
        assert_eq!(
            read_date("2028-02-29"),
            NaiveDate::from_ymd_opt(2028, 2, 29)
        );
    }

    #[test]
    fn refuses_what_is_not_a_date_or_time() {
        for s in [
            "2026-02-30",
            "2026-1-01",
            "20261124",
            "2026-11-24x",
            "",
            "2026-11-+1",
            "+026-11-24",
            "2026/11/24",
            "2026-11-240",
            "２026-11-24",
        ] {
            assert_eq!(read_date(s), None, "{s}");
        }
        for s in [
            "2026-11-24",
            "2026-11-24T25:00:00Z",
            "2026-11-24T08:20Z",
            "2026-11-24T08:20:25",
            "2026-11-24T08:20:25.1234567890Z",
        ] {
            assert_eq!(parse_time(s), None, "{s}");
        }
    }

    proptest! {
        #[test]
        fn times_round_trip(secs in 0i64..4_102_444_800, micros in 0u32..1_000_000) {
            let t = DateTime::from_timestamp(secs, micros * 1000).unwrap();
            prop_assert_eq!(parse_time(&format_time(t)), Some(t));
            prop_assert_eq!(DateTime::parse_from_rfc3339(&format_time(t)).unwrap().with_timezone(&Utc), t);
            prop_assert_eq!(read_date(&format_date(t.date_naive())), Some(t.date_naive()));
        }
    }
}
