//! Why did ESIA reject my client_secret? Given what was sent (the secret,
//! the request fields, the certificate hash) and the certificate, the
//! doctor re-creates the known mistakes one by one and reports which one
//! reproduces the secret, in plain words with what to change.
//!
//! What it tries: every flow's field order (legacy and current, with and
//! without scope_org and code), URL-encoded values, other states the caller
//! used; raw signatures as s‖r, byte-reversed and r‖s; CMS where raw is
//! expected and the reverse; certificate hashes of the PEM text, SHA-1,
//! SHA-256, Streebog-512, reversed or lower-case; timestamp format, age and
//! UTC offset; state format and reuse; certificate validity and algorithm.
//! Only public data is involved: all checks may be variable-time.

use std::time::{SystemTime, UNIX_EPOCH};

use sha2::Digest as _;

use super::cert_hash::client_certificate_hash;
use super::client_secret::{Field, Fields, Flow, signed_string};
use super::errors::{EsiaErrorCode, lookup};
use super::state::check_uuid;
use super::timestamp::Timestamp;
use crate::cms::{Content, VerifyReport};
use crate::encoding::decode_base64_lenient;
use crate::hash::HashAlg;
use crate::keys::Certificate;
use crate::sign::Signature;

/// What the caller sent to ESIA, and what ESIA answered.
#[derive(Clone, Debug)]
pub struct DoctorInput {
    /// The endpoint called; `None` lets the doctor say which one fits.
    pub flow: Option<Flow>,
    /// The request fields as sent.
    pub fields: Fields,
    /// `client_secret` as sent.
    pub client_secret: String,
    /// `client_certificate_hash` as sent, if any.
    pub client_certificate_hash: Option<String>,
    /// The certificate registered with ESIA (whose key signed).
    pub certificate: Certificate,
    /// The certificate file's bytes as the caller has them (PEM text), to
    /// recognise a hash computed over the text.
    pub certificate_file: Option<Vec<u8>>,
    /// ESIA's error code, e.g. "ESIA-007053".
    pub esia_error: Option<String>,
    /// The string the caller believes was signed (from their logs).
    pub signed_string: Option<String>,
    /// Other states used nearby (e.g. the authorization request's).
    pub other_states: Vec<String>,
    /// The time of the request (Unix seconds); now when `None`.
    pub now: Option<i64>,
}

/// A mistake the doctor can recognise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mistake {
    /// client_secret is not base64/base64url at all.
    SecretNotBase64,
    /// Standard base64 `+` / `/` in a URL parameter.
    SecretStandardBase64,
    /// A CMS SignedData sent to a current (v2/v3) endpoint.
    CmsInsteadOfRaw,
    /// A raw signature sent to a legacy endpoint.
    RawInsteadOfCms,
    /// Legacy field order signed for a current endpoint.
    LegacyFieldOrder,
    /// Current field order signed for a legacy endpoint.
    CurrentFieldOrderOnLegacy,
    /// Another current flow's fields (code, scope_org, refresh_token).
    OtherFlowFields,
    /// Field values signed URL-encoded.
    UrlEncodedValues,
    /// Signature bytes fully reversed (CryptoAPI order).
    ReversedSignature,
    /// r‖s instead of s‖r.
    SwappedHalves,
    /// The signed state is not the one sent.
    StateMismatch,
    /// The string the caller says was signed is not the one ESIA rebuilds.
    SignedStringMismatch,
    /// Signed with another certificate than the one given.
    OtherCertificate,
    /// The signature matches nothing tried.
    SignatureNotVerified,
    /// An attached CMS where ESIA wants detached.
    AttachedCms,
    /// No client_certificate_hash on a current endpoint.
    CertHashMissing,
    /// Hash of the PEM text instead of the DER bytes.
    CertHashOfPem,
    /// SHA-1 thumbprint.
    CertHashSha1,
    /// SHA-256 thumbprint.
    CertHashSha256,
    /// Streebog-512 instead of 256.
    CertHashStreebog512,
    /// Streebog-256 hex in reversed byte order.
    CertHashReversed,
    /// Lower-case hex.
    CertHashLowercase,
    /// A hash matching none of the above: another certificate's.
    CertHashUnknown,
    /// The timestamp is not `yyyy.MM.dd HH:mm:ss +hhmm`.
    TimestampMalformed,
    /// The timestamp is far in the past.
    TimestampStale,
    /// The timestamp is in the future.
    TimestampInFuture,
    /// The offset's `+` was sent unencoded and arrived as a space.
    TimestampPlusUnencoded,
    /// The clock time is right but the UTC offset is wrong.
    TimestampWrongOffset,
    /// state is not a UUID.
    StateNotUuid,
    /// The same state as an earlier request.
    StateReused,
    /// client_id has lower-case letters.
    ClientIdCase,
    /// A required field is empty or absent.
    MissingField,
    /// The certificate is outside its validity period.
    CertificateExpired,
    /// The certificate's key is not GOST R 34.10-2012.
    CertificateAlgorithm,
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Fine, for the record.
    Ok,
    /// Suspicious; ESIA may still accept it.
    Warning,
    /// ESIA rejects this.
    Problem,
}

/// One thing the doctor found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Which mistake (`None` for an OK note).
    pub mistake: Option<Mistake>,
    /// How bad.
    pub severity: Severity,
    /// What is wrong, in plain words.
    pub problem: String,
    /// What to change.
    pub fix: String,
}

/// The doctor's answer.
#[derive(Clone, Debug)]
pub struct Diagnosis {
    /// The ESIA error given, explained.
    pub esia_error: Option<&'static EsiaErrorCode>,
    /// Findings, problems first.
    pub findings: Vec<Finding>,
    /// The exact string ESIA rebuilds from the fields (when the flow is known).
    pub expected_signed_string: Option<String>,
    /// The correct client_certificate_hash.
    pub expected_certificate_hash: String,
}

impl Diagnosis {
    /// True when some finding is a problem.
    pub fn has_problems(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == Severity::Problem)
    }

    /// True when `mistake` was found.
    pub fn found(&self, mistake: Mistake) -> bool {
        self.findings.iter().any(|f| f.mistake == Some(mistake))
    }
}

fn problem(m: Mistake, problem: impl Into<String>, fix: impl Into<String>) -> Finding {
    Finding {
        mistake: Some(m),
        severity: Severity::Problem,
        problem: problem.into(),
        fix: fix.into(),
    }
}

fn warning(m: Mistake, text: impl Into<String>, fix: impl Into<String>) -> Finding {
    Finding {
        mistake: Some(m),
        severity: Severity::Warning,
        problem: text.into(),
        fix: fix.into(),
    }
}

fn ok(text: impl Into<String>) -> Finding {
    Finding {
        mistake: None,
        severity: Severity::Ok,
        problem: text.into(),
        fix: String::new(),
    }
}

/// The latest request time the doctor reasons about (9999-12-31T23:59:59Z,
/// the last second an ESIA timestamp can spell), in Unix seconds.
pub const LATEST_REQUEST_TIME: i64 = 253_402_300_799;

/// Runs every check.
pub fn diagnose(input: &DoctorInput) -> Diagnosis {
    let now = input.now.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
    });
    let mut findings = Vec::new();
    if (0..=LATEST_REQUEST_TIME).contains(&now) {
        check_fields(input, now, &mut findings);
        check_certificate(input, now, &mut findings);
    } else {
        // Time arithmetic on such a value would overflow; say so instead.
        findings.push(Finding {
            mistake: None,
            severity: Severity::Problem,
            problem: format!(
                "request time {now} (Unix seconds) is outside 1970-01-01..9999-12-31: \
                 the timestamp and certificate validity were not checked"
            ),
            fix: "give the request time as Unix seconds in that range, or leave it out for now"
                .into(),
        });
    }
    let expected_certificate_hash = client_certificate_hash(&input.certificate);
    check_certificate_hash(input, &expected_certificate_hash, &mut findings);
    let expected_signed_string = input
        .flow
        .and_then(|flow| signed_string(flow, &input.fields).ok());
    check_signature(input, expected_signed_string.as_deref(), &mut findings);
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Diagnosis {
        esia_error: input.esia_error.as_deref().and_then(lookup),
        findings,
        expected_signed_string,
        expected_certificate_hash,
    }
}

fn check_fields(input: &DoctorInput, now: i64, out: &mut Vec<Finding>) {
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
fn plus_became_space(timestamp: &str) -> bool {
    timestamp.len() == 25
        && timestamp.as_bytes().get(20) == Some(&b' ')
        && Timestamp::parse(&restore_plus(timestamp)).is_ok()
}

fn restore_plus(timestamp: &str) -> String {
    let mut t = timestamp.to_string();
    if t.len() == 25 && t.as_bytes().get(20) == Some(&b' ') {
        t.replace_range(20..21, "+");
    }
    t
}

fn check_certificate(input: &DoctorInput, now: i64, out: &mut Vec<Finding>) {
    let cert = &input.certificate;
    let at = UNIX_EPOCH
        .checked_add(std::time::Duration::from_secs(
            u64::try_from(now).unwrap_or(0),
        ))
        .unwrap_or(UNIX_EPOCH);
    if at < cert.not_before() || at > cert.not_after() {
        out.push(problem(
            Mistake::CertificateExpired,
            format!(
                "certificate {:?} is not valid at the request time",
                cert.subject()
            ),
            "renew the certificate and register the new one in ESIA's technology portal",
        ));
    }
    if cert.verifying_key().is_err() {
        out.push(problem(
            Mistake::CertificateAlgorithm,
            format!(
                "certificate key algorithm {} is not GOST R 34.10-2012 (ESIA-030504)",
                cert.inner()
                    .tbs_certificate()
                    .subject_public_key_info()
                    .algorithm
                    .oid
            ),
            "ESIA accepts only GOST R 34.10-2012 keys from client systems since 2019",
        ));
    }
}

fn check_certificate_hash(input: &DoctorInput, expected: &str, out: &mut Vec<Finding>) {
    let needs = input.flow.is_none_or(Flow::needs_certificate_hash);
    let Some(sent) = input.client_certificate_hash.as_deref().map(str::trim) else {
        if input.flow.is_some_and(Flow::needs_certificate_hash) {
            out.push(problem(
                Mistake::CertHashMissing,
                "client_certificate_hash is missing; v2/v3 endpoints require it (ESIA-007014)",
                format!("send client_certificate_hash={expected}"),
            ));
        }
        return;
    };
    if sent == expected {
        if needs {
            out.push(ok(
                "client_certificate_hash is the certificate's Streebog-256, upper-case hex",
            ));
        }
        return;
    }
    let fix = format!(
        "send client_certificate_hash={expected} (Streebog-256 of the certificate's DER bytes, upper-case hex)"
    );
    if sent.eq_ignore_ascii_case(expected) {
        out.push(warning(
            Mistake::CertHashLowercase,
            "client_certificate_hash is lower-case hex",
            fix,
        ));
        return;
    }
    let der = input.certificate.der();
    let upper = |d: &[u8]| hex::encode_upper(d);
    let s256 = HashAlg::Streebog256.digest(der);
    let mut reversed = s256.clone();
    reversed.reverse();
    let pem_texts = pem_variants(&input.certificate, input.certificate_file.as_deref());
    let candidates: Vec<(Mistake, String, &str)> = [
        (
            Mistake::CertHashSha1,
            upper(&sha1::Sha1::digest(der)),
            "the SHA-1 thumbprint",
        ),
        (
            Mistake::CertHashSha256,
            upper(&sha2::Sha256::digest(der)),
            "the SHA-256 thumbprint",
        ),
        (
            Mistake::CertHashStreebog512,
            upper(&HashAlg::Streebog512.digest(der)),
            "Streebog-512",
        ),
        (
            Mistake::CertHashReversed,
            upper(&reversed),
            "Streebog-256 with its bytes reversed (CryptoAPI order)",
        ),
    ]
    .into_iter()
    .chain(pem_texts.iter().map(|p| {
        (
            Mistake::CertHashOfPem,
            upper(&HashAlg::Streebog256.digest(p)),
            "Streebog-256 of the PEM text instead of the DER bytes",
        )
    }))
    .collect();
    match candidates.iter().find(|(_, h, _)| h.eq_ignore_ascii_case(sent)) {
        Some((m, _, what)) => out.push(problem(
            *m,
            format!("client_certificate_hash is {what} (ESIA-007053)"),
            fix,
        )),
        None => out.push(problem(
            Mistake::CertHashUnknown,
            "client_certificate_hash matches no hash of this certificate: it belongs to another certificate or was computed another way (ESIA-007053)",
            fix,
        )),
    }
}

/// The PEM texts people hash by mistake: the file as given, and the usual
/// renderings (LF or CRLF, with or without the final newline).
fn pem_variants(cert: &Certificate, file: Option<&[u8]>) -> Vec<Vec<u8>> {
    let pem = cert.to_pem();
    let lf = pem.replace("\r\n", "\n");
    let crlf = lf.replace('\n', "\r\n");
    let mut out = vec![
        lf.clone().into_bytes(),
        lf.trim_end().as_bytes().to_vec(),
        crlf.clone().into_bytes(),
        crlf.trim_end().as_bytes().to_vec(),
    ];
    if let Some(f) = file
        && f.starts_with(b"-----")
    {
        out.push(f.to_vec());
    }
    out
}

/// A string that might have been signed, and how it came about.
#[derive(Clone, Debug)]
enum Candidate {
    Flow(Flow),
    FlowWithoutScopeOrg(Flow),
    UrlEncoded(Flow, &'static str),
    OtherState(Flow, String),
    PlusRestored(Flow),
    Claimed,
}

/// How raw signature bytes were laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    Standard,
    Reversed,
    Swapped,
}

fn form_encode(value: &str, space: &'static str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else if b == b' ' {
            out.push_str(space);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn candidates(input: &DoctorInput) -> Vec<(Candidate, String)> {
    let f = &input.fields;
    let mut out: Vec<(Candidate, String)> = Vec::new();
    let mut push = |c: Candidate, s: Option<String>| {
        if let Some(s) = s
            && !out.iter().any(|(_, t)| *t == s)
        {
            out.push((c, s));
        }
    };
    // The flow called first, so that its string wins ties.
    let mut flows: Vec<Flow> = input.flow.into_iter().collect();
    flows.extend(
        Flow::ALL
            .iter()
            .copied()
            .filter(|&fl| Some(fl) != input.flow),
    );
    for &flow in &flows {
        push(Candidate::Flow(flow), signed_string(flow, f).ok());
    }
    for &flow in &flows {
        if f.scope_org.is_some() {
            let without = Fields {
                scope_org: None,
                ..f.clone()
            };
            push(
                Candidate::FlowWithoutScopeOrg(flow),
                signed_string(flow, &without).ok(),
            );
        }
    }
    for &flow in &flows {
        for space in ["+", "%20"] {
            let enc = |v: &Option<String>| v.as_ref().map(|s| form_encode(s, space));
            let encoded = Fields {
                client_id: form_encode(&f.client_id, space),
                scope: form_encode(&f.scope, space),
                scope_org: enc(&f.scope_org),
                timestamp: form_encode(&f.timestamp, space),
                state: form_encode(&f.state, space),
                redirect_uri: enc(&f.redirect_uri),
                code: enc(&f.code),
                refresh_token: enc(&f.refresh_token),
            };
            push(
                Candidate::UrlEncoded(flow, space),
                signed_string(flow, &encoded).ok(),
            );
        }
    }
    if plus_became_space(&f.timestamp) {
        let restored = Fields {
            timestamp: restore_plus(&f.timestamp),
            ..f.clone()
        };
        for &flow in &flows {
            push(
                Candidate::PlusRestored(flow),
                signed_string(flow, &restored).ok(),
            );
        }
    }
    for state in &input.other_states {
        for &flow in &flows {
            let other = Fields {
                state: state.clone(),
                ..f.clone()
            };
            push(
                Candidate::OtherState(flow, state.clone()),
                signed_string(flow, &other).ok(),
            );
        }
    }
    push(Candidate::Claimed, input.signed_string.clone());
    out
}

/// The CMS, when the secret parses as SignedData.
fn as_cms(bytes: &[u8], cert: &Certificate) -> Option<VerifyReport> {
    if bytes.first() != Some(&0x30) {
        return None;
    }
    crate::cms::verify(bytes, Content::Attached, core::slice::from_ref(cert)).ok()
}

fn check_signature(input: &DoctorInput, expected: Option<&str>, out: &mut Vec<Finding>) {
    let secret = input.client_secret.trim();
    if secret.contains('+') || secret.contains('/') {
        out.push(warning(
            Mistake::SecretStandardBase64,
            "client_secret uses standard base64 ('+', '/'): in a URL '+' turns into a space",
            "encode the signature as base64url ('-' and '_'), as ESIA expects",
        ));
    }
    let bytes = match decode_base64_lenient(secret.as_bytes()) {
        Ok(b) if !b.is_empty() => b,
        _ => {
            out.push(problem(
                Mistake::SecretNotBase64,
                "client_secret is not base64url text",
                "send the signature bytes encoded as base64url",
            ));
            return;
        }
    };
    let cands = candidates(input);
    let cms = as_cms(&bytes, &input.certificate);
    let want_cms = input.flow.map(Flow::is_legacy);
    let matched: Option<(Candidate, Option<Layout>)> = match &cms {
        Some(report) => {
            if report.attached_content.is_some() {
                if want_cms == Some(true) {
                    out.push(warning(
                        Mistake::AttachedCms,
                        "client_secret is an attached SignedData (the signed text is inside it)",
                        "ESIA expects a detached signature: leave the content out",
                    ));
                }
                if let Some(signer_cert) =
                    report.signers.iter().find_map(|s| s.certificate.as_ref())
                    && signer_cert.der() != input.certificate.der()
                {
                    out.push(problem(
                        Mistake::OtherCertificate,
                        format!(
                            "client_secret was signed with the certificate {:?}, not the given one {:?}",
                            signer_cert.subject(),
                            input.certificate.subject()
                        ),
                        "sign with the key of the certificate registered for this client_id",
                    ));
                }
            }
            cms_match(&bytes, report, &cands, &input.certificate)
        }
        None => raw_match(&bytes, &cands, &input.certificate),
    };
    let is_cms = cms.is_some();
    match want_cms {
        Some(false) if is_cms => out.push(problem(
            Mistake::CmsInsteadOfRaw,
            format!(
                "client_secret is a CMS/PKCS#7 SignedData, but {} expects the raw GOST signature (ESIA-007053)",
                input.flow.map_or("", Flow::endpoint)
            ),
            "sign the string itself (GOST R 34.10-2012 over its Streebog hash) and send the 64 or 128 signature bytes s||r, base64url",
        )),
        Some(true) if !is_cms => out.push(problem(
            Mistake::RawInsteadOfCms,
            format!(
                "client_secret is a raw signature ({} bytes), but {} expects a detached CMS/PKCS#7 SignedData",
                bytes.len(),
                input.flow.map_or("", Flow::endpoint)
            ),
            "use the v2/v3 endpoints, which take this raw form, or sign as a detached PKCS#7",
        )),
        _ => {}
    }
    let Some((candidate, layout)) = matched else {
        if let Some(content) = cms.as_ref().and_then(|r| r.attached_content.as_ref()) {
            let text = String::from_utf8_lossy(content);
            out.push(explain_signed_text(&text, input, expected));
        }
        if let (Some(claimed), Some(expected)) = (&input.signed_string, expected)
            && claimed != expected
        {
            out.push(explain_signed_text(claimed, input, Some(expected)));
        }
        out.push(problem(
            Mistake::SignatureNotVerified,
            "the signature matches none of the known variants under this certificate's key: either another key signed it, or the signed values differ from the ones sent in a way not tried",
            "check the key belongs to the certificate, and sign exactly the values sent, in the order of the endpoint",
        ));
        return;
    };
    let how = match layout {
        None => "CMS SignedData".to_string(),
        Some(Layout::Standard) => "raw s||r".to_string(),
        Some(Layout::Reversed) => "raw, byte-reversed".to_string(),
        Some(Layout::Swapped) => "raw r||s".to_string(),
    };
    match layout {
        Some(Layout::Reversed) if !is_cms => out.push(problem(
            Mistake::ReversedSignature,
            "the signature bytes are reversed (CryptoAPI / CryptoPro CSP order); ESIA expects s||r big-endian (ESIA-007053)",
            "reverse the signature bytes before base64url-encoding, or with gostcms do not pass --reverse",
        )),
        Some(Layout::Swapped) => out.push(problem(
            Mistake::SwappedHalves,
            "the signature is r||s; ESIA expects s||r (ESIA-007053)",
            "swap the two halves: s first, then r, each big-endian",
        )),
        _ => {}
    }
    match candidate {
        Candidate::Flow(flow) if Some(flow) == input.flow || input.flow.is_none() => {
            out.push(ok(format!(
                "the signature ({how}) verifies over the {} string with the certificate's key",
                flow.endpoint()
            )));
            if input.flow.is_none() {
                out.push(ok(format!(
                    "this client_secret fits {}: call that endpoint",
                    flow.endpoint()
                )));
            }
        }
        Candidate::Flow(flow) => {
            let called = input.flow.map_or("", Flow::endpoint);
            let mistake = match (flow.is_legacy(), input.flow.is_some_and(Flow::is_legacy)) {
                (true, false) => Mistake::LegacyFieldOrder,
                (false, true) => Mistake::CurrentFieldOrderOnLegacy,
                _ => Mistake::OtherFlowFields,
            };
            out.push(problem(
                mistake,
                format!(
                    "the signed string is the one of {} ({}), but the request went to {called} (ESIA-007053)",
                    flow.endpoint(),
                    field_list(flow)
                ),
                format!(
                    "for {called} sign {}",
                    input.flow.map_or_else(String::new, field_list)
                ),
            ));
        }
        Candidate::FlowWithoutScopeOrg(flow) => out.push(problem(
            Mistake::OtherFlowFields,
            format!(
                "scope_org is sent but was left out of the signed string of {}",
                flow.endpoint()
            ),
            "put scope_org right after scope in the signed string",
        )),
        Candidate::UrlEncoded(flow, space) => out.push(problem(
            Mistake::UrlEncodedValues,
            format!(
                "the values were signed URL-encoded (spaces as {space:?}), as they appear in the query string, for {}",
                flow.endpoint()
            ),
            "sign the plain values (spaces as spaces, ':' and '/' as such) and URL-encode only when building the request",
        )),
        Candidate::OtherState(flow, state) => out.push(problem(
            Mistake::StateMismatch,
            format!(
                "the signature covers state {state}, but the request sends state {} ({})",
                input.fields.state,
                flow.endpoint()
            ),
            "sign the same state that the request carries (a new one per request)",
        )),
        Candidate::PlusRestored(flow) => out.push(ok(format!(
            "the signature ({how}) verifies over the {} string once the timestamp's '+' is restored: only the request encoding is wrong",
            flow.endpoint()
        ))),
        Candidate::Claimed => {
            let claimed = input.signed_string.clone().unwrap_or_default();
            out.push(explain_signed_text(&claimed, input, expected));
        }
    }
}

fn field_list(flow: Flow) -> String {
    flow.fields()
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(" + ")
}

fn raw_match(
    bytes: &[u8],
    cands: &[(Candidate, String)],
    cert: &Certificate,
) -> Option<(Candidate, Option<Layout>)> {
    let vk = cert.verifying_key().ok()?;
    if bytes.len() != vk.curve().key_size().signature_len() {
        return None;
    }
    let half = bytes.len() / 2;
    let mut swapped = bytes[half..].to_vec();
    swapped.extend_from_slice(&bytes[..half]);
    let layouts = [
        (Layout::Standard, Signature::from_slice(bytes).ok()),
        (Layout::Reversed, Signature::from_reversed(bytes).ok()),
        (Layout::Swapped, Signature::from_slice(&swapped).ok()),
    ];
    for (cand, text) in cands {
        let digest = vk.hash_alg().digest(text.as_bytes());
        for (layout, sig) in &layouts {
            if let Some(sig) = sig
                && vk.verify_prehash(&digest, sig).is_ok()
            {
                return Some((cand.clone(), Some(*layout)));
            }
        }
    }
    None
}

fn cms_match(
    bytes: &[u8],
    report: &VerifyReport,
    cands: &[(Candidate, String)],
    cert: &Certificate,
) -> Option<(Candidate, Option<Layout>)> {
    if let Some(content) = &report.attached_content {
        if !report.all_valid() {
            return None;
        }
        return cands
            .iter()
            .find(|(_, s)| s.as_bytes() == content.as_slice())
            .map(|(c, _)| (c.clone(), None));
    }
    cands.iter().find_map(|(c, s)| {
        crate::cms::verify(
            bytes,
            Content::Bytes(s.as_bytes()),
            core::slice::from_ref(cert),
        )
        .ok()
        .filter(VerifyReport::all_valid)
        .map(|_| (c.clone(), None))
    })
}

/// Explains how a signed text differs from what ESIA rebuilds.
fn explain_signed_text(signed: &str, input: &DoctorInput, expected: Option<&str>) -> Finding {
    let f = &input.fields;
    if Some(signed) == expected {
        return ok("the signed string is exactly what ESIA rebuilds from the request");
    }
    for flow in Flow::ALL {
        if signed_string(flow, f).ok().as_deref() == Some(signed) {
            return problem(
                if flow.is_legacy() {
                    Mistake::LegacyFieldOrder
                } else {
                    Mistake::OtherFlowFields
                },
                format!(
                    "the signed string has the field order of {} ({})",
                    flow.endpoint(),
                    field_list(flow)
                ),
                format!("sign {}", input.flow.map_or_else(String::new, field_list)),
            );
        }
    }
    let mut differences = Vec::new();
    if let Some(uuid) = find_uuid(signed)
        && !uuid.eq_ignore_ascii_case(&f.state)
    {
        return problem(
            Mistake::StateMismatch,
            format!(
                "the signed string carries state {uuid}, but the request sends state {}",
                f.state
            ),
            "sign the same state that the request carries",
        );
    }
    for (field, value) in [
        (Field::ClientId, Some(f.client_id.as_str())),
        (Field::Scope, Some(f.scope.as_str())),
        (Field::Timestamp, Some(f.timestamp.as_str())),
        (Field::State, Some(f.state.as_str())),
        (Field::RedirectUri, f.redirect_uri.as_deref()),
        (Field::Code, f.code.as_deref()),
    ] {
        if let Some(v) = value
            && !v.is_empty()
            && !signed.contains(v)
        {
            differences.push(field.name());
        }
    }
    problem(
        Mistake::SignedStringMismatch,
        format!(
            "the signed string {signed:?} is not the one ESIA rebuilds{}{}",
            expected.map_or_else(String::new, |e| format!(" ({e:?})")),
            if differences.is_empty() {
                String::new()
            } else {
                format!(
                    "; these sent values are not in it as sent: {}",
                    differences.join(", ")
                )
            }
        ),
        "sign exactly the values the request carries, concatenated in the endpoint's order",
    )
}

/// The first UUID-shaped substring.
fn find_uuid(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(35)).find_map(|i| {
        let s = text.get(i..i + 36)?;
        check_uuid("state", s).ok().map(|_| s)
    })
}
