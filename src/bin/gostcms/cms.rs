//! `gostcms sign` and `gostcms verify`: CMS SignedData.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use gostcms::cms::{self, AttributeMode, CmsSigner, Content, SignOptions};
use gostcms::hash::Hasher;
use gostcms::keys::Certificate;

use crate::input::{self, copy_input, open_input, read_input, write_output};
use crate::{CliError, keyio, smime};

/// Output encodings of `sign`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
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

/// A certificate file, PEM or DER; in a PEM file holding a key too (the
/// `openssl pkcs12 -nodes` form), its first CERTIFICATE block.
pub fn load_cert(path: &str) -> Result<Certificate, CliError> {
    let bytes = read_input(path, "certificate")?;
    let cert_bytes = keyio::certificate_in_bundle(&bytes).unwrap_or(&bytes);
    Certificate::from_pem_or_der(cert_bytes)
        .map_err(|e| CliError::input(format!("cannot read certificate {path}: {e}")))
}

/// The flags of `sign` that shape each SignedData.
pub struct SignArgs {
    pub attached: bool,
    pub no_attrs: bool,
    pub cades: bool,
    pub format: CmsFormat,
}

fn encode(der: Vec<u8>, format: CmsFormat) -> Vec<u8> {
    use base64::Engine as _;
    match format {
        CmsFormat::Der => der,
        CmsFormat::Pem => gostcms::encoding::pem::encode("CMS", &der)
            .as_bytes()
            .to_vec(),
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
    }
}

/// One SignedData over `file`. Detached signatures stream the content
/// through the hash (constant memory, any size); attached ones hold it.
fn sign_one(signer: &CmsSigner, options: &SignOptions, file: &str) -> Result<Vec<u8>, CliError> {
    let fail = |e: gostcms::Error| CliError::input(format!("cannot sign {file}: {e}"));
    if options.attached {
        let content = read_input(file, "input")?;
        return signer.sign(&content, options).map_err(fail);
    }
    let alg = signer.key().curve().key_size().hash_alg();
    let mut hasher = Hasher::new(alg);
    copy_input(file, "input", &mut hasher)?;
    signer
        .sign_digest(&hasher.finalize(), None, options)
        .map_err(fail)
}

/// Where `sign` writes the signature of `file` when it writes files:
/// `FILE.sig` beside it, or `DIR/NAME.sig`.
fn sig_path(file: &str, out_dir: Option<&str>) -> Result<PathBuf, CliError> {
    if file == "-" {
        return Err(CliError::usage(
            "stdin (-) has no name to write NAME.sig beside: give one file and --out",
        ));
    }
    let path = Path::new(file);
    let mut name = path
        .file_name()
        .ok_or_else(|| CliError::usage(format!("{file}: not a file name")))?
        .to_os_string();
    name.push(".sig");
    Ok(match out_dir {
        Some(dir) => Path::new(dir).join(name),
        None => path.with_file_name(name),
    })
}

/// `gostcms sign`.
pub fn sign(
    key: &str,
    cert: Option<&str>,
    args: &SignArgs,
    out: Option<&str>,
    out_dir: Option<&str>,
    files: &[String],
) -> Result<(), CliError> {
    if args.no_attrs && args.cades {
        return Err(CliError::usage("--no-attrs and --cades exclude each other"));
    }
    let many = files.len() > 1 || out_dir.is_some();
    if many && out.is_some() {
        return Err(CliError::usage(
            "--out names one output: with several files (or --out-dir) each FILE gets FILE.sig",
        ));
    }
    let stdin_users = files.iter().filter(|f| *f == "-").count()
        + usize::from(key == "-")
        + usize::from(cert == Some("-"));
    if stdin_users > 1 {
        return Err(CliError::usage(
            "only one of the key, the certificate and the content can come from stdin",
        ));
    }
    let out = out.unwrap_or("-");
    if !many && args.format == CmsFormat::Der {
        input::refuse_binary_to_terminal(
            out,
            "signature",
            "use --format base64 (or pem, base64url), or --out FILE",
        )?;
    }
    let imported = keyio::load_imported(key)?;
    let certificate = match cert {
        Some(path) => load_cert(path)?,
        None => imported.certificate.clone().ok_or_else(|| {
            CliError::usage(format!(
                "{key} holds no certificate for the key: give it with --cert CERT"
            ))
        })?,
    };
    let signer = CmsSigner::new(imported.key, certificate)
        .map_err(|e| CliError::input(format!("cannot sign: {e}")))?;
    let options = SignOptions {
        attached: args.attached,
        attributes: if args.no_attrs {
            AttributeMode::None
        } else if args.cades {
            AttributeMode::Cades
        } else {
            AttributeMode::Standard
        },
        ..SignOptions::default()
    };
    if !many {
        let file = files.first().map_or("-", String::as_str);
        let der = sign_one(&signer, &options, file)?;
        return write_output(out, &encode(der, args.format), "signature", false, false);
    }
    if let Some(dir) = out_dir
        && !Path::new(dir).is_dir()
    {
        return Err(CliError::usage(format!("--out-dir {dir}: not a folder")));
    }
    let mut seen = std::collections::HashSet::new();
    let targets = files
        .iter()
        .map(|f| {
            let p = sig_path(f, out_dir)?;
            if !seen.insert(p.clone()) {
                return Err(CliError::usage(format!(
                    "two inputs would write the same signature file {}",
                    p.display()
                )));
            }
            Ok(p)
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (file, target) in files.iter().zip(targets) {
        let der = sign_one(&signer, &options, file)?;
        let target = target.to_string_lossy();
        write_output(
            &target,
            &encode(der, args.format),
            "signature",
            false,
            false,
        )?;
        outln!("{file}: {target}")?;
    }
    Ok(())
}

fn rfc3339(t: SystemTime) -> String {
    der::DateTime::from_system_time(t).map_or_else(|_| "-".into(), |d| d.to_string())
}

/// The signature and, for S/MIME multipart/signed, the content in it.
fn read_signature(sig: &str) -> Result<(Vec<u8>, Option<Vec<u8>>), CliError> {
    let bytes = read_input(sig, "signature")?;
    match smime::parse(&bytes) {
        Ok(Some(m)) => Ok((m.signature, m.content)),
        Ok(None) => Ok((bytes, None)),
        Err(e) => Err(CliError::input(format!("cannot read signature {sig}: {e}"))),
    }
}

/// `gostcms verify`: exit 0 when every signer verifies.
pub fn verify(
    sig: &str,
    content: Option<&str>,
    trust: &[String],
    at: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    if content == Some("-") && sig == "-" {
        return Err(CliError::usage(
            "the signature and the content cannot both come from stdin",
        ));
    }
    let (sig_bytes, mime_content) = read_signature(sig)?;
    if mime_content.is_some() && content.is_some() {
        return Err(CliError::usage(format!(
            "{sig} is S/MIME multipart/signed and carries its content: leave out --content"
        )));
    }
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
    let report = match (content, &mime_content) {
        (_, Some(bytes)) => cms::verify(&sig_bytes, Content::Bytes(bytes), &[]),
        (None, None) => cms::verify(&sig_bytes, Content::Attached, &[]),
        (Some(path), None) => {
            let mut reader = open_input(path, "content")?;
            cms::verify(&sig_bytes, Content::Reader(&mut reader), &[])
        }
    }
    .map_err(|e| CliError::input(format!("cannot verify {sig}: {e}")))?;
    let detached = report.attached_content.is_none();
    if detached && content.is_none() && mime_content.is_none() {
        return Err(CliError::usage(format!(
            "{sig} is a detached signature: give the signed content with --content FILE"
        )));
    }
    // Certificates are judged at the time of verification (or --at), never
    // at the signingTime the signer wrote; one checker for all signers
    // bounds the chain-building work for this input.
    let mut chains = cms::ChainVerifier::new(
        &report.certificates,
        &trusted,
        at.unwrap_or_else(SystemTime::now),
    );
    let mut all_ok = true;
    let mut entries = Vec::new();
    for signer in &report.signers {
        let mut outcome = signer.outcome.clone().map_err(|e| e.to_string());
        if outcome.is_ok()
            && !trusted.is_empty()
            && let Some(cert) = &signer.certificate
        {
            outcome = chains.check(cert);
        }
        all_ok &= outcome.is_ok();
        let subject = signer.subject.clone().unwrap_or_else(|| "-".into());
        if json {
            entries.push(serde_json::json!({
                "status": if outcome.is_ok() { "OK" } else { "FAIL" },
                "subject": signer.subject,
                "serial": signer.serial,
                "curve": signer.curve.map(|c| c.to_string()),
                "signing_time": signer.signing_time.map(rfc3339),
                "certificate_checked": !trusted.is_empty(),
                "reason": outcome.as_ref().err(),
            }));
            continue;
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
                outln!("OK {subject} {curve} {time}{note}")?;
            }
            Err(reason) => outln!("FAIL {subject} {reason}")?,
        }
    }
    let valid = all_ok && !report.signers.is_empty();
    if json {
        let doc = serde_json::json!({
            "valid": valid,
            "detached": detached,
            "content_type": report.content_type.to_string(),
            "certificates_checked": !trusted.is_empty(),
            "signers": entries,
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string())
        )?;
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
