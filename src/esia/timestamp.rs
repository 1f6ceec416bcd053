//! The `timestamp` request field: `yyyy.MM.dd HH:mm:ss Z`, e.g.
//! `2013.01.25 14:36:11 +0400` (guide L13329). ESIA compares it with its own
//! clock and answers ESIA-007015 when it is stale or malformed.

use core::fmt;

use chrono::{DateTime, FixedOffset, Local, TimeZone, Utc};

use crate::error::{Error, Result};

/// chrono's spelling of the ESIA format.
const FORMAT: &str = "%Y.%m.%d %H:%M:%S %z";

/// A timestamp in ESIA's text form; the text is exactly what gets signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timestamp {
    text: String,
    at: DateTime<FixedOffset>,
}

impl Timestamp {
    /// The current time in the system's UTC offset.
    pub fn now() -> Self {
        Self::from_datetime(Local::now().fixed_offset())
    }

    /// `unix_seconds` written in the given offset (seconds east of UTC).
    pub fn at(unix_seconds: i64, offset_seconds: i32) -> Result<Self> {
        let offset = FixedOffset::east_opt(offset_seconds).ok_or_else(|| {
            Error::invalid("UTC offset", format!("{offset_seconds} s is beyond ±24 h"))
        })?;
        let utc = Utc.timestamp_opt(unix_seconds, 0).single().ok_or_else(|| {
            Error::invalid("timestamp", format!("{unix_seconds} is out of range"))
        })?;
        Ok(Self::from_datetime(utc.with_timezone(&offset)))
    }

    fn from_datetime(at: DateTime<FixedOffset>) -> Self {
        Timestamp {
            text: at.format(FORMAT).to_string(),
            at,
        }
    }

    /// Reads the exact ESIA form; anything else (ISO 8601, a colon in the
    /// offset, one-digit fields, a missing offset) is an error naming the
    /// difference.
    pub fn parse(text: &str) -> Result<Self> {
        let problem = shape_problem(text);
        if let Some(problem) = problem {
            return Err(Error::invalid(
                "ESIA timestamp",
                format!("{text:?}: {problem} (expected \"yyyy.MM.dd HH:mm:ss +hhmm\")"),
            ));
        }
        let at = DateTime::parse_from_str(text, FORMAT)
            .map_err(|e| Error::invalid("ESIA timestamp", format!("{text:?}: {e}")))?;
        Ok(Timestamp {
            text: text.to_string(),
            at,
        })
    }

    /// The text that is sent and signed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.at.timestamp()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// What is wrong with the layout of `text`, in words; `None` when every
/// character class is where ESIA expects it.
fn shape_problem(text: &str) -> Option<String> {
    // yyyy.MM.dd HH:mm:ss +hhmm
    const SHAPE: &[u8] = b"dddd.dd.dd dd:dd:dd sdddd";
    let bytes = text.as_bytes();
    if text.contains('T') && text.contains('-') {
        return Some(
            "this is ISO 8601; ESIA wants dots in the date and a space before the time".into(),
        );
    }
    if bytes.len() == SHAPE.len() + 1 && bytes.get(23) == Some(&b':') {
        return Some("the UTC offset must not contain a colon (+0300, not +03:00)".into());
    }
    if bytes.len() == SHAPE.len() && bytes.get(20) == Some(&b' ') {
        return Some(
            "the UTC offset has a space where its '+' belongs: an unencoded '+' in a URL or form arrives as a space (send it as %2B)"
                .into(),
        );
    }
    if bytes.len() == SHAPE.len() - 6 {
        return Some("the UTC offset is missing (add e.g. \" +0300\")".into());
    }
    if bytes.len() != SHAPE.len() {
        return Some(format!(
            "{} characters, expected {} (two-digit month, day, hour, minute and second)",
            bytes.len(),
            SHAPE.len()
        ));
    }
    for (i, (&b, &want)) in bytes.iter().zip(SHAPE).enumerate() {
        let ok = match want {
            b'd' => b.is_ascii_digit(),
            b's' => b == b'+' || b == b'-',
            other => b == other,
        };
        if !ok {
            let expected = match want {
                b'd' => "a digit".to_string(),
                b's' => "'+' or '-'".to_string(),
                other => format!("{:?}", other as char),
            };
            return Some(format!(
                "character {} is {:?}, expected {expected}",
                i + 1,
                b as char
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_the_given_offset() {
        // 2021-11-10T09:28:46Z, the guide's example instant, at +0300.
        let ts = Timestamp::at(1_636_536_526, 3 * 3600).unwrap();
        assert_eq!(ts.as_str(), "2021.11.10 12:28:46 +0300");
        assert_eq!(Timestamp::parse(ts.as_str()).unwrap(), ts);
    }

    #[test]
    fn negative_offsets_and_now() {
        let ts = Timestamp::at(0, -5 * 3600).unwrap();
        assert_eq!(ts.as_str(), "1969.12.31 19:00:00 -0500");
        let now = Timestamp::now();
        assert!(Timestamp::parse(now.as_str()).is_ok(), "{now}");
    }

    #[test]
    fn rejects_near_misses_with_reasons() {
        for (text, needle) in [
            ("2021-11-10T12:28:46+03:00", "ISO 8601"),
            ("2021.11.10 12:28:46 +03:00", "colon"),
            ("2021.11.10 12:28:46", "offset is missing"),
            ("2021.1.10 12:28:46 +0300", "two-digit"),
            ("2021/11/10 12:28:46 +0300", "character 5"),
            ("2021.13.10 12:28:46 +0300", "ESIA timestamp"),
            ("2021.11.10 12:28:46  0300", "%2B"),
        ] {
            let err = Timestamp::parse(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
