//! `gostcms jwt verify`: checks a token ESIA issued.

use gostcms::esia::JwtVerifier;

use crate::CliError;
use crate::cms::load_cert;
use crate::input::read_input;

/// The token text: the argument itself when it looks like a JWT, else a
/// file (`-`: stdin).
fn token_text(arg: &str) -> Result<String, CliError> {
    let looks_like_token = arg.matches('.').count() == 2
        && !arg.contains('/')
        && !arg.chars().any(char::is_whitespace);
    if looks_like_token {
        return Ok(arg.to_string());
    }
    let bytes = read_input(arg, "token")?;
    String::from_utf8(bytes)
        .map(|s| s.trim().to_string())
        .map_err(|_| CliError::input(format!("cannot read token {arg}: not UTF-8 text")))
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
        None => eprintln!("gostcms: note: audience not checked (no --client-id)"),
    }
    if let Some(now) = now {
        verifier = verifier.now(now);
    }
    if let Some(leeway) = leeway {
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
    println!(
        "{}",
        serde_json::to_string_pretty(&out).unwrap_or_else(|_| out.to_string())
    );
    Ok(())
}
