//! `gostcms sign` and `gostcms verify`: CMS SignedData.

use std::time::SystemTime;

use gostcms::cms::{self, AttributeMode, CmsSigner, Content, SignOptions};
use gostcms::keys::Certificate;

use crate::CliError;
use crate::input::{open_input, read_input, write_output};
use crate::keyio;

/// Output encodings of `sign`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum CmsFormat {
    /// Binary DER.
    Der,
    /// PEM, label CMS.
    Pem,
    /// Standard base64, one line.
    Base64,
    /// base64url without padding (ESIA's form).
    Base64url,
}

pub fn load_cert(path: &str) -> Result<Certificate, CliError> {
    let bytes = read_input(path, "certificate")?;
    Certificate::from_pem_or_der(&bytes)
        .map_err(|e| CliError::input(format!("cannot read certificate {path}: {e}")))
}

/// `gostcms sign`.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    key: &str,
    cert: &str,
    attached: bool,
    no_attrs: bool,
    cades: bool,
    format: CmsFormat,
    out: &str,
    file: &str,
) -> Result<(), CliError> {
    if no_attrs && cades {
        return Err(CliError::usage("--no-attrs and --cades exclude each other"));
    }
    let signer = CmsSigner::new(keyio::load_key(key)?, load_cert(cert)?)
        .map_err(|e| CliError::input(format!("cannot sign: {e}")))?;
    let content = read_input(file, "input")?;
    let options = SignOptions {
        attached,
        attributes: if no_attrs {
            AttributeMode::None
        } else if cades {
            AttributeMode::Cades
        } else {
            AttributeMode::Standard
        },
        ..SignOptions::default()
    };
    let der = signer
        .sign(&content, &options)
        .map_err(|e| CliError::input(format!("cannot sign: {e}")))?;
    use base64::Engine as _;
    let encoded = match format {
        CmsFormat::Der => der,
        CmsFormat::Pem => gostcms::keys::pem::encode("CMS", &der).as_bytes().to_vec(),
        CmsFormat::Base64 => format!(
            "{}\n",
            base64::engine::general_purpose::STANDARD.encode(&der)
        )
        .into_bytes(),
        CmsFormat::Base64url => format!(
            "{}\n",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&der)
        )
        .into_bytes(),
    };
    write_output(out, &encoded, "signature", false)
}

fn rfc3339(t: SystemTime) -> String {
    der::DateTime::from_system_time(t).map_or_else(|_| "-".into(), |d| d.to_string())
}

/// `gostcms verify`: exit 0 when every signer verifies.
pub fn verify(
    sig: &str,
    content: Option<&str>,
    trust: &[String],
    at: Option<&str>,
) -> Result<(), CliError> {
    if content == Some("-") && sig == "-" {
        return Err(CliError::usage(
            "the signature and the content cannot both come from stdin",
        ));
    }
    let sig_bytes = read_input(sig, "signature")?;
    let trusted = trust
        .iter()
        .map(|p| load_cert(p))
        .collect::<Result<Vec<_>, _>>()?;
    let at = at
        .map(|s| {
            s.parse::<der::DateTime>()
                .map(|d| d.to_system_time())
                .map_err(|_| {
                    CliError::usage(format!(
                        "--at {s:?}: expected RFC 3339 UTC, e.g. 2026-01-31T12:00:00Z"
                    ))
                })
        })
        .transpose()?;
    let report = match content {
        None => cms::verify(&sig_bytes, Content::Attached, &[]),
        Some(path) => {
            let mut reader = open_input(path, "content")?;
            cms::verify(&sig_bytes, Content::Reader(&mut reader), &[])
        }
    }
    .map_err(|e| CliError::input(format!("cannot read signature {sig}: {e}")))?;
    // Certificates are judged at the time of verification (or --at), never
    // at the signingTime the signer wrote; one checker for all signers
    // bounds the chain-building work for this input.
    let mut chains = cms::ChainVerifier::new(
        &report.certificates,
        &trusted,
        at.unwrap_or_else(SystemTime::now),
    );
    let mut all_ok = true;
    for signer in &report.signers {
        let subject = signer.subject.clone().unwrap_or_else(|| "-".into());
        let mut outcome = signer.outcome.clone().map_err(|e| e.to_string());
        if outcome.is_ok()
            && !trusted.is_empty()
            && let Some(cert) = &signer.certificate
        {
            outcome = chains.check(cert);
        }
        match outcome {
            Ok(()) => {
                let curve = signer.curve.map_or_else(|| "-".into(), |c| c.to_string());
                let time = signer.signing_time.map_or_else(|| "-".into(), rfc3339);
                let note = if trusted.is_empty() {
                    " certificate not checked"
                } else {
                    ""
                };
                println!("OK {subject} {curve} {time}{note}");
            }
            Err(reason) => {
                all_ok = false;
                println!("FAIL {subject} {reason}");
            }
        }
    }
    if report.signers.is_empty() {
        return Err(CliError::check("no signers"));
    }
    if all_ok {
        Ok(())
    } else {
        Err(CliError::check("signature verification failed"))
    }
}
