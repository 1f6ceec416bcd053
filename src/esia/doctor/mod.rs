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

use super::cert_hash::client_certificate_hash;
use super::client_secret::{Fields, Flow, signed_string};
use super::errors::{EsiaErrorCode, lookup};
use crate::keys::Certificate;

mod certificate;
mod fields;
mod signature;

use certificate::{check_certificate, check_certificate_hash};
use fields::check_fields;
use signature::check_signature;

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

pub(super) fn problem(m: Mistake, problem: impl Into<String>, fix: impl Into<String>) -> Finding {
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

pub(super) fn ok(text: impl Into<String>) -> Finding {
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
