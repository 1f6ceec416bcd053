//! The certificate: validity, algorithm, and the hash sent as client_certificate_hash.

use std::time::UNIX_EPOCH;

use sha2::Digest as _;

use super::*;
use crate::esia::client_secret::Flow;
use crate::hash::HashAlg;
use crate::keys::Certificate;

pub(super) fn check_certificate(input: &DoctorInput, now: i64, out: &mut Vec<Finding>) {
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

pub(super) fn check_certificate_hash(input: &DoctorInput, expected: &str, out: &mut Vec<Finding>) {
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
