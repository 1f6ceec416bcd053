//! The request fields: timestamp format, age and offset; state format and reuse.

use super::*;
use crate::esia::client_secret::Field;
use crate::esia::state::check_uuid;
use crate::esia::timestamp::Timestamp;

pub(super) fn check_fields(input: &DoctorInput, now: i64, out: &mut Vec<Finding>) {
    let f = &input.fields;
    if let Some(flow) = input.flow {
        for &field in flow.fields() {
            let missing = f.get(field).is_none_or(str::is_empty);
            if missing && field != Field::ScopeOrg {
                out.push(problem(
                    Mistake::MissingField,
                    format!(
                        "{} is empty, but {} signs it and requires it (ESIA-007014)",
                        field.name(),
                        flow.endpoint()
                    ),
                    format!("send {} and include it in the signed string", field.name()),
                ));
            }
        }
    }
    match Timestamp::parse(&f.timestamp) {
        Err(e) if plus_became_space(&f.timestamp) => out.push(problem(
            Mistake::TimestampPlusUnencoded,
            format!("{e} (ESIA-007015)"),
            "percent-encode the timestamp in the request (the '+' as %2B); sign it with the '+'",
        )),
        Err(e) => out.push(problem(
            Mistake::TimestampMalformed,
            format!("{e} (ESIA-007015)"),
            format!(
                "write the time as {:?}, the format ESIA requires",
                Timestamp::at(now, 3 * 3600).map_or_else(|_| String::new(), |t| t.to_string())
            ),
        )),
        Ok(ts) => {
            // Both times lie within years 0000..9999 here, so the difference fits.
            let delta = now.saturating_sub(ts.unix_seconds());
            let hours = (delta as f64 / 3600.0).round() as i64;
            let near_whole_hours = hours != 0
                && hours.abs() <= 14
                && delta.saturating_sub(hours.saturating_mul(3600)).abs() <= 300;
            if near_whole_hours {
                out.push(problem(
                    Mistake::TimestampWrongOffset,
                    format!(
                        "timestamp {} is {hours} h off the request time: the clock time and its UTC offset disagree (ESIA-007015)",
                        ts
                    ),
                    "format the current time together with the offset of the same time zone (e.g. local time with +0300, or UTC with +0000)",
                ));
            } else if delta > 3600 {
                out.push(problem(
                    Mistake::TimestampStale,
                    format!(
                        "timestamp {ts} is {} minutes older than the request (ESIA-007015)",
                        delta / 60
                    ),
                    "make a new timestamp (and client_secret) for every request",
                ));
            } else if delta > 300 {
                out.push(warning(
                    Mistake::TimestampStale,
                    format!("timestamp {ts} is {} minutes old", delta / 60),
                    "sign just before sending; ESIA rejects stale timestamps",
                ));
            } else if delta < -300 {
                out.push(problem(
                    Mistake::TimestampInFuture,
                    format!(
                        "timestamp {ts} is {} minutes in the future (ESIA-007015)",
                        -delta / 60
                    ),
                    "synchronise the server clock (NTP)",
                ));
            }
        }
    }
    if let Err(e) = check_uuid("state", &f.state) {
        out.push(problem(
            Mistake::StateNotUuid,
            e.to_string(),
            "use a fresh random UUID (version 4) as state",
        ));
    }
    if input.other_states.iter().any(|s| s == &f.state) {
        out.push(problem(
            Mistake::StateReused,
            format!(
                "state {} was already used by an earlier request",
                f.state
            ),
            "the token request needs a new state, different from the authorization request's (guide L13377)",
        ));
    }
    if f.client_id.chars().any(|c| c.is_lowercase()) {
        out.push(warning(
            Mistake::ClientIdCase,
            format!("client_id {:?} has lower-case letters", f.client_id),
            "client_id is the system's mnemonic as registered, normally in capitals; it is signed exactly as sent",
        ));
    }
}

/// `yyyy.MM.dd HH:mm:ss  hhmm`: a '+' that a form decoder turned into a space.
pub(super) fn plus_became_space(timestamp: &str) -> bool {
    timestamp.len() == 25
        && timestamp.as_bytes().get(20) == Some(&b' ')
        && Timestamp::parse(&restore_plus(timestamp)).is_ok()
}

pub(super) fn restore_plus(timestamp: &str) -> String {
    let mut t = timestamp.to_string();
    if t.len() == 25 && t.as_bytes().get(20) == Some(&b' ') {
        t.replace_range(20..21, "+");
    }
    t
}
