//! `gostcms jwt verify`: checks a token ESIA issued.

use gostcms::esia::JwtVerifier;
use gostcms::esia::jwt::MAX_TOKEN_LEN;

use crate::CliError;
use crate::cms::load_cert;
use crate::input::read_input_bounded;

/// The token text: the argument itself when it looks like a JWT, else a
/// file (`-`: stdin).
fn token_text(arg: &str) -> Result<String, CliError> {
    let looks_like_token = arg.matches('.').count() == 2
        && !arg.contains('/')
        && !arg.chars().any(char::is_whitespace);
    if looks_like_token {
        return Ok(arg.to_string());
    }
    // Bounded read: a token longer than the verifier accepts (plus room
    // for surrounding whitespace) is refused before it is all read.
    let bytes = read_input_bounded(arg, "token", MAX_TOKEN_LEN + 4096)?;
    String::from_utf8(bytes)
        .map(|s| s.trim().to_string())
        .map_err(|_| CliError::input(format!("cannot read token {arg}: not UTF-8 text")))
}

/// Latest instant `--now` may name: 9999-12-31T23:59:59Z (the last
/// second an X.509 or RFC 3339 time can write).
pub const MAX_UNIX_TIME: i64 = 253_402_300_799;

/// Largest `--leeway`: a year; more is no clock skew.
const MAX_LEEWAY: u64 = 366 * 24 * 3600;

/// Refuses instants outside 1970..=9999 before any arithmetic uses them.
pub fn check_unix_time(option: &str, t: i64) -> Result<(), CliError> {
    if (0..=MAX_UNIX_TIME).contains(&t) {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "{option} {t}: expected Unix seconds between 0 and {MAX_UNIX_TIME} (year 9999)"
        )))
    }
}

/// Exit 0 with `{"header":..,"claims":..}` on stdout, 1 with the reason.
pub fn verify(
    trust: &[String],
    client_id: Option<&str>,
    issuers: &[String],
    now: Option<i64>,
    leeway: Option<u64>,
    token: &str,
) -> Result<(), CliError> {
    if trust.is_empty() {
        return Err(CliError::usage(
            "jwt verify needs at least one --trust CERT (ESIA's certificate)",
        ));
    }
    let certs = trust
        .iter()
        .map(|p| load_cert(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut verifier = JwtVerifier::new(&certs)
        .map_err(|e| CliError::input(format!("cannot use trusted certificate: {e}")))?;
    if !issuers.is_empty() {
        verifier = verifier.issuers(issuers.iter().cloned());
    }
    match client_id {
        Some(id) => verifier = verifier.client_id(id),
        None => crate::input::note("audience not checked (no --client-id)"),
    }
    if let Some(now) = now {
        check_unix_time("--now", now)?;
        verifier = verifier.now(now);
    }
    if let Some(leeway) = leeway {
        if leeway > MAX_LEEWAY {
            return Err(CliError::usage(format!(
                "--leeway {leeway}: at most {MAX_LEEWAY} seconds (one year)"
            )));
        }
        verifier = verifier.leeway(leeway);
    }
    let text = token_text(token)?;
    let verified = verifier
        .verify(&text)
        .map_err(|e| CliError::check(format!("token rejected: {e}")))?;
    let out = serde_json::json!({
        "header": verified.header_json,
        "claims": verified.claims_json,
    });
    outln!(
        "{}",
        serde_json::to_string_pretty(&out).unwrap_or_else(|_| out.to_string())
    )?;
    Ok(())
}
